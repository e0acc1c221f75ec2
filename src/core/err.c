/* SPDX-License-Identifier: MIT */
/*
 * Sticky errors. Messages are truncated, never overflowed; the code table comes from
 * err_codes.h so that the enum and the texts cannot drift apart.
 */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "banned.h"

struct code_text {
	int code;
	const char *name;
	const char *en;
	const char *zh;
};

#define ZH_ERR(name, value, en, zh) {value, #name, en, zh},
static const struct code_text code_texts[] = {
#include "err_codes.h"
};
#undef ZH_ERR

static const struct code_text *find_code(int code)
{
	size_t i;

	for (i = 0; i < sizeof(code_texts) / sizeof(code_texts[0]); i++)
		if (code_texts[i].code == code)
			return &code_texts[i];
	return NULL;
}

void zh_err_init(struct zh_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->sys = 0;
	err->msg[0] = '\0';
}

static int vset(struct zh_err *err, int code, long sys, const char *fmt, va_list ap)
{
	if (err == NULL || err->code != 0)
		return code;
	err->code = code;
	err->sys = sys;
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int zh_err_set(struct zh_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int zh_err_sys(struct zh_err *err, int code, long sys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vset(err, code, sys, fmt, ap);
	va_end(ap);
	return code;
}

void zh_err_wrap(struct zh_err *err, const char *fmt, ...)
{
	char prefix[200];
	char old[sizeof(err->msg)];
	size_t n, m;
	va_list ap;

	if (err == NULL || err->code == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	n = strlen(prefix);
	/* Keep the prefix whole and cut the old message if both do not fit. */
	memcpy(err->msg, prefix, n);
	memcpy(err->msg + n, ": ", 2);
	m = strlen(old);
	if (m > sizeof(err->msg) - n - 3)
		m = sizeof(err->msg) - n - 3;
	memcpy(err->msg + n + 2, old, m);
	err->msg[n + 2 + m] = '\0';
}

const char *zh_err_str(int code, const char *lang)
{
	const struct code_text *t = find_code(code);

	if (t == NULL)
		return lang != NULL && lang[0] == 'z' ? "未知错误" : "unknown error";
	return lang != NULL && lang[0] == 'z' ? t->zh : t->en;
}

const char *zh_err_name(int code)
{
	const struct code_text *t = find_code(code);

	return t == NULL ? "ZH_EUNKNOWN" : t->name;
}
