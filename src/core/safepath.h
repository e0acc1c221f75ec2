/* SPDX-License-Identifier: MIT */
/*
 * The path rules for names taken from archives (bundle entries, files listed in bundle.json):
 * a name that passes zh_safepath_check is a relative path of '/'-separated components that
 * names the same file below any directory on Windows and on posix, and cannot reach outside
 * it, open a device, an alternate data stream or another drive. Pure functions, no I/O: the
 * fuzz target tests/fuzz/fuzz_safepath.c checks them against an independent oracle.
 *
 * Refused, each with its own reason in the message (the name is quoted, escaped):
 * empty names and components ("a//b"), '.' and '..' components in either separator style,
 * absolute paths ("/x", "\x"), drive paths ("C:x"), UNC paths ("\\server\share", "//s/s"),
 * device and long-path prefixes ("\\?\", "\\.\"), ':' anywhere (alternate data streams),
 * the characters < > " | ? * and control characters, '\' as a separator, components ending
 * in '.' or ' ' (Windows strips them, so "a." and "a" are one file), reserved device names
 * (CON, PRN, AUX, NUL, COM0-9, LPT0-9, their superscript-digit forms, CONIN$, CONOUT$; with or
 * without an extension, any case), names that are not valid UTF-8 (ZH_ENAME), names over
 * ZH_MAX_PATH_BYTES bytes, components over ZH_MAX_NAME_UNITS UTF-16 units and paths deeper
 * than ZH_MAX_PATH_DEPTH.
 */
#ifndef ZH_SAFEPATH_H
#define ZH_SAFEPATH_H

#include <stddef.h>

#include "err.h"

#define ZH_MAX_PATH_BYTES 1024
#define ZH_MAX_PATH_DEPTH 32
#define ZH_MAX_NAME_UNITS 255 /* NTFS: UTF-16 units per component */

/*
 * Check the len bytes at name (need not be NUL-terminated) against the rules above. Returns 0,
 * ZH_EUNSAFE or ZH_ENAME with err saying which rule and quoting the name.
 */
int zh_safepath_check(const char *name, size_t len, struct zh_err *err);

/*
 * The form two names share when Windows would take them for the same file: letters folded to
 * lower case (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic, full-width Latin), the way
 * NTFS's upcase table folds them. name must have passed zh_safepath_check. *ret is freed with
 * zh_free. ZH_ENOMEM.
 */
int zh_safepath_fold(const char *name, char **ret, struct zh_err *err);

/* Quote up to max bytes of name for a message: printable ASCII and UTF-8 as is, others \xNN. */
void zh_safepath_quote(const char *name, size_t len, char *out, size_t max);

/*
 * A set of strings (owned copies), for duplicate and collision checks over many entries.
 * zh_strset_add returns 0 if s was added, 1 if it was already there, ZH_ENOMEM.
 */
struct zh_strset;

int zh_strset_new(struct zh_strset **ret, struct zh_err *err);
int zh_strset_add(struct zh_strset *set, const char *s, struct zh_err *err);
int zh_strset_has(const struct zh_strset *set, const char *s);
void zh_strset_free(struct zh_strset *set);

#endif
