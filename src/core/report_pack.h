/* SPDX-License-Identifier: MIT */
/*
 * The --json documents of `zhushou verify` and `zhushou pack build` (docs/formats.md, "JSON
 * output"). Like every --json document their fields are only ever added, never renamed or
 * removed, and every string is valid UTF-8.
 */
#ifndef ZH_REPORT_PACK_H
#define ZH_REPORT_PACK_H

#include "err.h"
#include "pack.h"
#include "pack_read.h"

/* What was verified: a pack (rep) or a single bundle (brep, with its status and message). */
struct zh_verify_doc {
	const char *path;
	int is_pack;
	const struct zh_pack_report *pack; /* is_pack */
	const struct zh_bundle_report *bundle; /* !is_pack */
	int bundle_status; /* !is_pack: 0 or the refusal's code */
	const char *bundle_msg;
	const char *extracted_to; /* the staging directory, when the read extracted */
	int ok;
};

/* `verify --json` into *ret (free with zh_free). */
int zh_report_verify_json(const struct zh_verify_doc *d, const char *zhushou_version, char **ret,
	struct zh_err *err);

/* `pack build --json` into *ret (free with zh_free). */
int zh_report_build_json(const char *out, uint64_t serial, const struct zh_pack_build_result *r,
	const char *zhushou_version, char **ret, struct zh_err *err);

/* "ok", "refused" or "unchecked" for an item status. */
const char *zh_item_status_name(int status);

#endif
