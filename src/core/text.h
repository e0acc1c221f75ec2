/* SPDX-License-Identifier: MIT */
/*
 * Text rules that matching depends on: UTF-8 validation and the normalization of Add/Remove
 * Programs names. Normalization folds what vendors vary without meaning to (full-width ASCII
 * and the ideographic space, runs of white space, ASCII case) and nothing else, so that
 * matching stays exact: "长江证券UKey控件 2.00" never equals "长江UKey控件 2.00".
 */
#ifndef ZH_TEXT_H
#define ZH_TEXT_H

#include <stddef.h>

#include "err.h"

/* 1 if the n bytes at s are well-formed UTF-8 (no overlongs, no surrogates), else 0. */
int zh_utf8_valid(const char *s, size_t n);

/*
 * Normalize a display name (NUL-terminated UTF-8) into *ret (free with zh_free).
 * ZH_EPARSE if s is not valid UTF-8, ZH_ENOMEM.
 */
int zh_text_normalize(const char *s, char **ret, struct zh_err *err);

/*
 * Append s (valid UTF-8) to out as UTF-16LE with a terminating NUL: the bytes of a REG_SZ
 * value. ZH_EPARSE if s is not valid UTF-8.
 */
struct zh_buf;
int zh_text_utf16le(const char *s, struct zh_buf *out, struct zh_err *err);

/* ASCII-case-insensitive equality of two NUL-terminated strings. */
int zh_ascii_ieq(const char *a, const char *b);

/*
 * 1 if the sep-separated list contains item (ASCII case-insensitive, entries trimmed of
 * spaces), else 0. Used for ProxyOverride ("a;b;<local>").
 */
int zh_list_has(const char *list, char sep, const char *item);

#endif
