/* SPDX-License-Identifier: MIT */
/* Capped buffers; see buf.h. Growth doubles, clamped to the limit. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "mem.h"
#include "banned.h"

void zh_buf_init(struct zh_buf *b, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
}

void zh_buf_release(struct zh_buf *b)
{
	zh_free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

static int grow(struct zh_buf *b, size_t extra, struct zh_err *err)
{
	size_t want, ncap;
	char *p;

	if (extra > b->limit || b->len > b->limit - extra) {
		zh_buf_release(b);
		return zh_err_set(err, ZH_ETOOBIG, "buffer would exceed its limit of %zu bytes",
			b->limit);
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap < 64 ? 64 : b->cap;
	while (ncap < want)
		ncap *= 2;
	if (ncap > b->limit + 1)
		ncap = b->limit + 1;
	p = zh_realloc(b->data, ncap);
	if (p == NULL) {
		zh_buf_release(b);
		return zh_err_set(err, ZH_ENOMEM, "cannot grow buffer to %zu bytes", ncap);
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int zh_buf_add(struct zh_buf *b, const void *p, size_t n, struct zh_err *err)
{
	int rc = grow(b, n, err);

	if (rc != 0)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int zh_buf_adds(struct zh_buf *b, const char *s, struct zh_err *err)
{
	return zh_buf_add(b, s, strlen(s), err);
}

int zh_buf_printf(struct zh_buf *b, struct zh_err *err, const char *fmt, ...)
{
	va_list ap;
	int n;
	int rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return zh_err_set(err, ZH_EINVAL, "bad format '%s'", fmt);
	rc = grow(b, (size_t)n, err);
	if (rc != 0)
		return rc;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

char *zh_buf_take(struct zh_buf *b)
{
	char *d = b->data;

	if (d == NULL)
		d = zh_strdup("");
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return d;
}

int zh_buf_add_u32(struct zh_buf *b, uint32_t v, struct zh_err *err)
{
	unsigned char p[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
		(unsigned char)(v >> 24)};

	return zh_buf_add(b, p, 4, err);
}

int zh_buf_add_lp(struct zh_buf *b, const void *p, size_t n, struct zh_err *err)
{
	int rc;

	if (n > UINT32_MAX)
		return zh_err_set(err, ZH_ETOOBIG, "record of %zu bytes is too large", n);
	rc = zh_buf_add_u32(b, (uint32_t)n, err);
	return rc != 0 ? rc : zh_buf_add(b, p, n, err);
}

int zh_buf_adds_lp(struct zh_buf *b, const char *s, struct zh_err *err)
{
	return zh_buf_add_lp(b, s, strlen(s), err);
}

int zh_read_u32(struct zh_reader *r, uint32_t *ret)
{
	if (r->n < 4)
		return ZH_EPARSE;
	*ret = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
		(uint32_t)r->p[3] << 24;
	r->p += 4;
	r->n -= 4;
	return 0;
}

int zh_read_lp(struct zh_reader *r, const void **ret, size_t *ret_len)
{
	uint32_t len;

	if (zh_read_u32(r, &len) != 0 || r->n < len)
		return ZH_EPARSE;
	*ret = r->p;
	*ret_len = len;
	r->p += len;
	r->n -= len;
	return 0;
}

zh_str zh_str_of(const char *s)
{
	zh_str r = {s, s == NULL ? 0 : strlen(s)};
	return r;
}

int zh_str_eq(zh_str a, zh_str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}
