/* SPDX-License-Identifier: MIT */
/*
 * Taking the Windows user's name out of text before it leaves the PC (support-report): every
 * occurrence of a name that is a whole path component (C:\Users\NAME\..., /NAME/) or an exact
 * value (the whole of a quoted string, of a line, or of what follows '=') becomes %USERNAME%.
 * Names are compared case-insensitively (ASCII letters; Windows user names are) and never
 * replaced inside a longer word: for "bob", "C:\Users\bobby", "kabob" and "bob.txt" stay.
 * It does not find a name in free prose ("user bob ran"), in 8.3 short paths, or in binary
 * or UTF-16 data. A name that is also a word zhushou writes as a whole value is replaced there
 * too: for a user called "user", check.json's Add/Remove Programs view "user" reads %USERNAME%.
 */
#ifndef ZH_REDACT_H
#define ZH_REDACT_H

#include <stddef.h>

#include "err.h"

#define ZH_REDACT_MARK "%USERNAME%"
#define ZH_REDACT_MAX_NAMES 8
#define ZH_REDACT_MAX_NAME 256

enum zh_redact_flags {
	/*
	 * The text is JSON: a path separator is an escaped backslash ("\\"), a single backslash
	 * escapes what follows, and a quoted string followed by ':' is a key, not a value.
	 */
	ZH_REDACT_JSON = 1 << 0,
};

/* The names to replace; set up with zh_redact_init, freed with zh_redact_release. */
struct zh_redact {
	char *names[ZH_REDACT_MAX_NAMES]; /* owned, longest first */
	size_t n;
};

void zh_redact_init(struct zh_redact *r);
void zh_redact_release(struct zh_redact *r);

/*
 * Add a name (UTF-8, copied). An empty name, one already added (in any case) or one holding a
 * character no Windows user name can hold (\ / " ' = : * ? < > | or a control character) is
 * ignored and 0 returned. ZH_ETOOBIG past ZH_REDACT_MAX_NAMES names or ZH_REDACT_MAX_NAME
 * bytes, ZH_ENOMEM.
 */
int zh_redact_add(struct zh_redact *r, const char *name, struct zh_err *err);

/*
 * The names of the user running this process: %USERNAME% and the last component of
 * %USERPROFILE% (the profile folder, which may differ: "bob.CORP", "bob.000"). A variable that
 * is not set adds nothing. ZH_ENOMEM.
 */
int zh_redact_add_user(struct zh_redact *r, struct zh_err *err);

/*
 * Copy len bytes of text into *ret (free with zh_free, NUL-terminated; *ret_len without the
 * NUL) with every occurrence of r's names replaced by ZH_REDACT_MARK as described above.
 * flags: enum zh_redact_flags. *ret_count (may be NULL) is the number of replacements.
 * ZH_ENOMEM.
 */
int zh_redact_text(const struct zh_redact *r, const char *text, size_t len, unsigned flags,
	char **ret, size_t *ret_len, size_t *ret_count, struct zh_err *err);

#endif
