/* SPDX-License-Identifier: MIT */
/*
 * The user-name redaction of support reports (redact.h). One pass over the text; at each
 * position the names are tried longest first, and a match counts only when what is on its
 * left and on its right makes it a whole path component or a whole value.
 */
#include <string.h>

#include "redact.h"
#include "buf.h"
#include "mem.h"
#include "../sys/env.h"
#include "../sys/mem.h"
#include "banned.h"

void zh_redact_init(struct zh_redact *r)
{
	memset(r, 0, sizeof(*r));
}

void zh_redact_release(struct zh_redact *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		zh_free(r->names[i]);
	zh_redact_init(r);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int ieq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int zh_redact_add(struct zh_redact *r, const char *name, struct zh_err *err)
{
	size_t n = strlen(name), i, j;
	char *copy;

	if (n == 0)
		return 0;
	if (n > ZH_REDACT_MAX_NAME)
		return zh_err_set(err, ZH_ETOOBIG, "user name of %zu bytes", n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		/* Not a user name: replacing it could cut through the text's own syntax. */
		if (c < 0x20 || c == 0x7f || strchr("\\/\"'=:*?<>|", c) != NULL)
			return 0;
	}
	for (i = 0; i < r->n; i++)
		if (strlen(r->names[i]) == n && ieq(r->names[i], name, n))
			return 0;
	if (r->n >= ZH_REDACT_MAX_NAMES)
		return zh_err_set(err, ZH_ETOOBIG, "more than %d user names", ZH_REDACT_MAX_NAMES);
	if ((copy = zh_strdup(name)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	/* Longest first, so that "bob.CORP" wins over "bob" where both could match. */
	for (i = 0; i < r->n && strlen(r->names[i]) >= n; i++)
		;
	for (j = r->n; j > i; j--)
		r->names[j] = r->names[j - 1];
	r->names[i] = copy;
	r->n++;
	return 0;
}

int zh_redact_add_user(struct zh_redact *r, struct zh_err *err)
{
	char *v = NULL;
	const char *base;
	int rc = 0;

	if (sys_env_get("USERNAME", &v, NULL) == 0) {
		rc = zh_redact_add(r, v, err);
		sys_free(v);
		v = NULL;
	}
	if (rc == 0 && sys_env_get("USERPROFILE", &v, NULL) == 0) {
		size_t n = strlen(v);

		while (n > 0 && (v[n - 1] == '\\' || v[n - 1] == '/'))
			v[--n] = '\0';
		base = v + n;
		while (base > v && base[-1] != '\\' && base[-1] != '/')
			base--;
		/* "C:\" alone (no profile folder) names nobody. */
		if (strchr(base, ':') == NULL)
			rc = zh_redact_add(r, base, err);
		sys_free(v);
	}
	return rc;
}

/* Characters that continue a file or user name: the match is inside a longer word. */
static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c >= 0x80 || strchr("._-$~#@", c) != NULL;
}

/* How many backslashes end at text[i - 1]. */
static size_t backslashes(const char *text, size_t i)
{
	size_t n = 0;

	while (n < i && text[i - 1 - n] == '\\')
		n++;
	return n;
}

enum left_kind {
	LEFT_NONE,
	LEFT_PATH, /* after a path separator */
	LEFT_QUOTE, /* after an opening quote (the character is kept in quote) */
	LEFT_LINE, /* at the start of the text or of a line, or after a tab */
	LEFT_ASSIGN, /* after '=' */
};

static enum left_kind left_of(const char *text, size_t i, unsigned flags, char *quote)
{
	unsigned char c;
	size_t bs;

	if (i == 0)
		return (flags & ZH_REDACT_JSON) ? LEFT_NONE : LEFT_LINE;
	c = (unsigned char)text[i - 1];
	if (c == '/')
		return LEFT_PATH;
	if (c == '\\') {
		bs = backslashes(text, i);
		/* In JSON "\\" is one separator; an odd run ends in an escape (\n, \t ...). */
		if (!(flags & ZH_REDACT_JSON) || bs % 2 == 0)
			return LEFT_PATH;
		return LEFT_NONE;
	}
	if (c == '"' || (c == '\'' && !(flags & ZH_REDACT_JSON))) {
		/* An escaped quote inside a JSON string opens nothing. */
		if ((flags & ZH_REDACT_JSON) && backslashes(text, i - 1) % 2 == 1)
			return LEFT_NONE;
		*quote = (char)c;
		return LEFT_QUOTE;
	}
	if (c == '=')
		return LEFT_ASSIGN;
	if (!(flags & ZH_REDACT_JSON) && (c == '\n' || c == '\r' || c == '\t'))
		return LEFT_LINE;
	return LEFT_NONE;
}

static int right_ok(const char *text, size_t len, size_t e, unsigned flags, enum left_kind left,
	char quote)
{
	unsigned char c = e < len ? (unsigned char)text[e] : 0;
	size_t k;

	switch (left) {
	case LEFT_PATH:
		return e == len || !name_char(c);
	case LEFT_QUOTE:
		if (e == len || c != (unsigned char)quote)
			return 0;
		if (!(flags & ZH_REDACT_JSON))
			return 1;
		/* "NAME": is a key of an object, not a value. */
		for (k = e + 1; k < len && strchr(" \t\r\n", text[k]) != NULL; k++)
			;
		return k == len || text[k] != ':';
	case LEFT_ASSIGN:
		if (e == len)
			return 1;
		if (flags & ZH_REDACT_JSON)
			return c == '"' || c == ';' || c == '&' || c == ' ' || c == ',' ||
				(c == '\\' && e + 1 < len && strchr("nrt", text[e + 1]) != NULL);
		return strchr("\r\n\t ;&,\"'", c) != NULL;
	case LEFT_LINE:
		return e == len || c == '\r' || c == '\n' || c == '\t';
	default:
		return 0;
	}
}

int zh_redact_text(const struct zh_redact *r, const char *text, size_t len, unsigned flags,
	char **ret, size_t *ret_len, size_t *ret_count, struct zh_err *err)
{
	struct zh_buf out;
	size_t i = 0, from = 0, count = 0, k, n;
	int rc = 0;

	zh_buf_init(&out, (size_t)-1 / 2);
	while (i < len && r->n > 0) {
		enum left_kind left;
		char quote = 0;
		int hit = 0;

		left = left_of(text, i, flags, &quote);
		for (k = 0; left != LEFT_NONE && k < r->n && !hit; k++) {
			n = strlen(r->names[k]);
			if (n <= len - i && ieq(text + i, r->names[k], n) &&
				right_ok(text, len, i + n, flags, left, quote))
				hit = 1;
		}
		if (!hit) {
			i++;
			continue;
		}
		if ((rc = zh_buf_add(&out, text + from, i - from, err)) != 0 ||
			(rc = zh_buf_adds(&out, ZH_REDACT_MARK, err)) != 0)
			goto out;
		i += n;
		from = i;
		count++;
	}
	/* Adding even 0 bytes allocates: an empty text still gives a NUL-terminated string. */
	if ((rc = zh_buf_add(&out, text + from, len - from, err)) != 0)
		goto out;
	*ret_len = out.len;
	*ret = zh_buf_take(&out);
	if (ret_count != NULL)
		*ret_count = count;
out:
	zh_buf_release(&out);
	return rc;
}
