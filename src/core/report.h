/* SPDX-License-Identifier: MIT */
/*
 * The --json documents. Their shape is a contract with deployment tools and support scripts
 * (docs/json.md): fields are only ever added, never renamed or removed, and every string is
 * valid UTF-8.
 */
#ifndef ZH_REPORT_H
#define ZH_REPORT_H

#include <stdint.h>

#include "check.h"
#include "db.h"
#include "err.h"
#include "plan.h"

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

/* What a repair did, for `zhushou repair --json`. */
/* Where a run's components came from, for --json (all zero: an offline pack, used). */
struct zh_mirror_result;
struct zh_source_report {
	const struct zh_mirror_result *mirror; /* online mode: what the run fetched */
	const char *proxy; /* online mode: how the mirror was reached */
	int error; /* why the source could not be used (a ZH_E* code), 0: it could */
	const char *error_msg;
};

struct zh_repair_result {
	const struct zh_plan *plan;
	int64_t txn; /* the transaction, 0 if none ran */
	int failed; /* a step failed and everything was undone */
	int remaining; /* problems left after the repair */
	int reboot; /* an uninstaller asked for a reboot */
	int exit_code;
	long fault_points; /* fault points passed (test sweeps) */
	long change_points; /* of them, change points (sys/fault.h) */
	struct zh_source_report source;
};

int zh_report_repair_json(const struct zh_repair_result *res, const char *lang, char **ret,
	struct zh_err *err);

/* What install or remove did, for --json. */
struct zh_install_item {
	const char *id;
	const char *version; /* installed, or removed */
	size_t files;
};

struct zh_install_result {
	const char *verb; /* "install" or "remove" */
	int64_t txn;
	int failed;
	int reboot;
	int exit_code;
	const struct zh_install_item *items;
	size_t nitems;
	uint64_t index_serial; /* install: the pack index accepted, else 0 */
	int index_expired;
	long fault_points, change_points;
	struct zh_source_report source;
};

int zh_report_install_json(const struct zh_install_result *res, char **ret, struct zh_err *err);

/* `zhushou history --json` over rows (newest first). */
/* `list --json`: the components zhushou installed (with what verify found: drift NULL when
 * whole) and the legacy components found in Add/Remove Programs. */
struct zh_db_component;
struct zh_arp_scan;
int zh_report_list_json(const struct zh_db_component *comps, char *const *drift, size_t n,
	const struct zh_arp_scan *legacy, char **ret, struct zh_err *err);

int zh_report_history_json(const struct zh_txn_row *rows, size_t n, char **ret, struct zh_err *err);

/* cJSON's own version string, for `zhushou version`. */
const char *zh_report_json_lib_version(void);

#endif
