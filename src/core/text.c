/* SPDX-License-Identifier: MIT */
/* UTF-8 validation and display-name normalization; see text.h. */
#include <string.h>

#include "text.h"
#include "buf.h"
#include "mem.h"
#include "banned.h"

/* Decode one code point; returns its length, or 0 if malformed. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *ret_cp)
{
	unsigned long cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*ret_cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		(cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	*ret_cp = cp;
	return len;
}

int zh_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t k;

	while (n > 0) {
		k = utf8_decode(p, n, &cp);
		if (k == 0)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

static int put_cp(struct zh_buf *b, unsigned long cp, struct zh_err *err)
{
	unsigned char o[4];
	size_t n;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		o[0] = (unsigned char)(0xF0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return zh_buf_add(b, o, n, err);
}

static int is_space(unsigned long cp)
{
	return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0xA0 || cp == 0x3000;
}

int zh_text_normalize(const char *s, char **ret, struct zh_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	struct zh_buf b;
	unsigned long cp;
	size_t k;
	int pending_space = 0;
	int rc = 0;

	zh_buf_init(&b, n * 2 + 16);
	while (n > 0) {
		k = utf8_decode(p, n, &cp);
		if (k == 0) {
			rc = zh_err_set(err, ZH_EPARSE, "name is not valid UTF-8");
			goto out;
		}
		p += k;
		n -= k;
		if (is_space(cp)) {
			pending_space = b.len > 0;
			continue;
		}
		/* Full-width forms of ASCII (U+FF01..U+FF5E) fold to ASCII. */
		if (cp >= 0xFF01 && cp <= 0xFF5E)
			cp -= 0xFEE0;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (pending_space) {
			rc = zh_buf_add(&b, " ", 1, err);
			if (rc != 0)
				goto out;
			pending_space = 0;
		}
		rc = put_cp(&b, cp, err);
		if (rc != 0)
			goto out;
	}
	*ret = zh_buf_take(&b);
	if (*ret == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot normalize name");
out:
	zh_buf_release(&b);
	return rc;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

int zh_ascii_ieq(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

int zh_list_has(const char *list, char sep, const char *item)
{
	const char *p = list;
	size_t ilen = strlen(item);

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, sep);
		const char *e = end == NULL ? p + strlen(p) : end;
		size_t i;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - p) == ilen) {
			for (i = 0; i < ilen; i++)
				if (lower((unsigned char)p[i]) != lower((unsigned char)item[i]))
					break;
			if (i == ilen)
				return 1;
		}
		p = end == NULL ? NULL : end + 1;
	}
	return 0;
}

int zh_text_utf16le(const char *s, struct zh_buf *out, struct zh_err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;
	unsigned long cp;
	unsigned char u[4];
	int rc = 0;

	while (n > 0 && rc == 0) {
		k = utf8_decode(p, n, &cp);
		if (k == 0)
			return zh_err_set(err, ZH_EPARSE, "text is not valid UTF-8");
		p += k;
		n -= k;
		if (cp >= 0x10000) {
			unsigned long hi = 0xD800 + ((cp - 0x10000) >> 10);
			unsigned long lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);

			u[0] = (unsigned char)hi;
			u[1] = (unsigned char)(hi >> 8);
			u[2] = (unsigned char)lo;
			u[3] = (unsigned char)(lo >> 8);
			rc = zh_buf_add(out, u, 4, err);
		} else {
			u[0] = (unsigned char)cp;
			u[1] = (unsigned char)(cp >> 8);
			rc = zh_buf_add(out, u, 2, err);
		}
	}
	return rc != 0 ? rc : zh_buf_add(out, "\0\0", 2, err);
}
