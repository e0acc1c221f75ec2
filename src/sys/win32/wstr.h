/* SPDX-License-Identifier: MIT */
/* Internal to the win32 backend: UTF-8 <-> UTF-16 and Windows error mapping. */
#ifndef ZH_WIN32_WSTR_H
#define ZH_WIN32_WSTR_H

#include <stddef.h>
#include <wchar.h>

#include "../../core/err.h"

/* UTF-8 to a new NUL-terminated UTF-16 string (free with free). NULL + err on bad input. */
wchar_t *w_from_utf8(const char *s, struct zh_err *err);

/*
 * n UTF-16 units (or up to the NUL if n is (size_t)-1) to a new NUL-terminated UTF-8 string
 * (free with free). Unpaired surrogates become U+FFFD: registry data may hold them, and
 * downstream JSON must stay valid. NULL only when memory is short.
 */
char *utf8_from_w(const wchar_t *w, size_t n);

/* The ZH_E* code for a Windows error number. */
int zh_code_from_win(unsigned long e);

/* Fill err from a Windows error: "<what>: <system message> (error N)". Returns the code. */
int win_err(struct zh_err *err, unsigned long e, const char *what, const char *name);

#endif
