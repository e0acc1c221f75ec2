/* SPDX-License-Identifier: MIT */
/*
 * The --json documents. Their shape is a contract with deployment tools and support scripts
 * (docs/json.md): fields are only ever added, never renamed or removed, and every string is
 * valid UTF-8.
 */
#ifndef ZH_REPORT_H
#define ZH_REPORT_H

#include "check.h"
#include "err.h"

struct zh_lib_version {
	const char *name; /* "sqlite", "openssl", ... */
	const char *version; /* as the library reports it at run time */
};

/* The check report as JSON in lang into *ret (free with zh_free). */
int zh_report_check_json(const struct zh_check_report *rep, const char *lang,
	const char *zhushou_version, char **ret, struct zh_err *err);

/* `zhushou version --json`: our version, the build's pins and each library's run-time version. */
int zh_report_version_json(const char *zhushou_version, const char *deps_pins,
	const struct zh_lib_version *libs, size_t nlibs, char **ret, struct zh_err *err);

/* cJSON's own version string, for `zhushou version`. */
const char *zh_report_json_lib_version(void);

#endif
