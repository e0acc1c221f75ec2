/* SPDX-License-Identifier: MIT */
/*
 * The support report (`zhushou support-report -o FILE.zip`): a zip that portal support can
 * read from a PC they cannot touch. This module gathers the PC-wide items that have no --json
 * of their own (every Add/Remove Programs entry of the three views, the environment facts,
 * the Internet settings and the raw zone map) and writes the report: every text item goes
 * through the user-name redaction (redact.h), an index (index.json and README.txt, zh-CN and
 * English) names each item and, for what could not be collected, why; the zip is written to
 * FILE.zip.tmp beside the target and renamed over it at the end, so a failed run leaves no
 * partial report. It collects nothing else: no key, PIN or password is ever read.
 */
#ifndef ZH_SUPPORT_H
#define ZH_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "envprobe.h"
#include "err.h"
#include "inet.h"
#include "redact.h"

/* Limits of what one report holds. */
#define ZH_SUPPORT_MAX_ITEMS 64
#define ZH_SUPPORT_MAX_ITEM (64 * 1024 * 1024)
#define ZH_SUPPORT_MAX_REGDUMP 20000 /* keys and values of a raw registry dump */

/*
 * Every Add/Remove Programs entry that has a DisplayName, in the three views (HKLM 64-bit,
 * HKLM 32-bit, HKCU), as JSON into *ret (zh_free): {"programs": [{"view", "key",
 * "display_name", "display_version", "publisher", "uninstall_string", "install_location",
 * "system_component"}], "without_name", "unreadable", "odd"} (docs/json.md). A missing view is
 * empty. ZH_ENOTSUP without a registry, ZH_ENOMEM.
 */
int zh_support_programs_json(char **ret, struct zh_err *err);

/* The environment facts (envprobe.h) as JSON into *ret (zh_free). */
int zh_support_env_json(const struct zh_env_state *st, char **ret, struct zh_err *err);

/*
 * The Internet settings: what zhushou reads (inet.h: where the zone map is, whether policy
 * locks it, the catalog's sites, the proxy and its exceptions, SecureProtocols) and, raw, the
 * values of Internet Settings and the whole ZoneMap tree of HKCU, HKLM and their policy keys.
 * st may be NULL (inet_why says why it is missing); cat (may be NULL) names the bypass
 * entries. JSON into *ret (zh_free). ZH_ENOMEM.
 */
int zh_support_inet_json(const struct zh_inet_state *st, const struct zh_catalog *cat,
	const char *inet_why, char **ret, struct zh_err *err);

/* The report being put together: items in memory until zh_support_write. */
struct zh_support;

/* A new, empty report; redactions are applied to its text items (r is borrowed). */
struct zh_support *zh_support_new(const struct zh_redact *r, struct zh_err *err);
/* NULL is a no-op. */
void zh_support_free(struct zh_support *s);

/*
 * Item titles are given in both languages; name is the entry's name in the zip (UTF-8, '/'
 * for folders). Each add copies the data.
 */
struct zh_support_title {
	const char *zh;
	const char *en;
};

enum zh_support_kind {
	ZH_SUPPORT_TEXT, /* redacted as text */
	ZH_SUPPORT_JSON, /* redacted as JSON */
	ZH_SUPPORT_BINARY, /* stored as given (already redacted by its maker) */
};

int zh_support_add(struct zh_support *s, const char *name, struct zh_support_title title,
	enum zh_support_kind kind, const void *data, size_t len, struct zh_err *err);

/*
 * Add the last max bytes of the file at path (all of it when smaller) as a text item; a file
 * cut at the front says so in the index. The file may be in use by another process (a log
 * being appended to). Read errors are returned, nothing is added.
 */
int zh_support_add_file_tail(struct zh_support *s, const char *name, struct zh_support_title title,
	const char *path, size_t max, struct zh_err *err);

/*
 * Record an item that could not be collected and why (the reason is redacted like the items).
 * The index lists it; nothing else is added.
 */
int zh_support_missing(struct zh_support *s, const char *name, struct zh_support_title title,
	const char *why, struct zh_err *err);

/* Add a remark to the index (a fact about the report, not an item), redacted. */
int zh_support_note(struct zh_support *s, const char *zh, const char *en, struct zh_err *err);

/*
 * Write the report to path: index.json and README.txt first, then the items in the order
 * added, into "<path>.tmp" (a stale one is removed first), flushed, then renamed over path (a
 * previous report there is replaced). zhushou_version and now (seconds UTC) go into the index.
 * On any failure the temporary file is removed and path is left as it was. Errors of the file
 * system (ZH_ENOENT: the folder does not exist, ZH_EACCES, ZH_ENOSPC, ZH_EBUSY) and of the zip
 * writer, naming the file.
 */
int zh_support_write(struct zh_support *s, const char *path, const char *zhushou_version,
	int64_t now, struct zh_err *err);

#endif
