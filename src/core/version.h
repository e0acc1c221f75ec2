/* SPDX-License-Identifier: MIT */
/*
 * Version strings as vendors write them in Add/Remove Programs ("2.00", "V1.0.0.2",
 * "1.0.0.59") and the constraints the catalog puts on them ("*", "=2.00",
 * ">=1.0.0.1,<1.0.0.3"). Comparison is by dot-separated segments, numeric where both are
 * numbers, so "1.0.0.10" > "1.0.0.9" and "2.0" == "2.00" == "v2".
 */
#ifndef ZH_VERSION_H
#define ZH_VERSION_H

#include "err.h"

/* <0, 0, >0 as a is older than, equal to, newer than b. A leading 'v'/'V' is ignored. */
int zh_version_cmp(const char *a, const char *b);

/*
 * Does version satisfy constraint? Writes 1 or 0 to *ret_match. A constraint is "*" (or
 * empty) for any version, or comma-separated clauses "OP VERSION" with OP one of = == != >=
 * <= > < (a bare version means =). ZH_EPARSE names a malformed constraint.
 */
int zh_version_match(const char *constraint, const char *version, int *ret_match,
	struct zh_err *err);

/* Check a constraint's syntax only (catalog load time). */
int zh_version_constraint_valid(const char *constraint, struct zh_err *err);

#endif
