/* SPDX-License-Identifier: MIT */
/*
 * Bundles: one version of one component, as a zip archive (docs/formats.md):
 *   entry 1  bundle.json      the manifest: id, version, publisher, install steps, and every
 *                             payload file with its size and SHA-256
 *   entry 2  bundle.json.sig  a CMS detached signature of bundle.json (sign.h)
 *   then     the payload files, each exactly once, in any order; nothing else
 * This module reads bundles, streaming (libarchive, through bundle_ar.h), verifies them and
 * extracts them into a staging directory through sys/fs, never with libarchive's own
 * write-to-disk. Writing bundles is the publisher's job (pack.h).
 *
 * Lifecycle of a read: zh_bundle_read (or zh_bundle_read_file) runs the whole bundle in one
 * pass and fills a struct zh_bundle_report, which zh_bundle_report_release frees. On success
 * the staging directory (if one was asked for) holds bundle.json, bundle.json.sig and the
 * payload, every file checked. On any failure the staging directory has been removed again
 * (it is created by the read and must not exist before), so a refused bundle leaves nothing.
 * A crash in the middle can leave a staging directory behind: callers put staging directories
 * where they clean up on start. Staged files are flushed when opts.flush asks for it (install
 * moves them into place).
 *
 * What a read refuses, naming the entry (errors in err_codes.h): a signature that is not valid
 * or not trusted (sign.h), a malformed manifest (ZH_EMANIFEST), an unsafe entry name (ZH_EUNSAFE,
 * ZH_ENAME: safepath.h), symlinks and hardlinks (ZH_ELINK), directories, devices and encrypted
 * entries (ZH_EUNSAFE), duplicate entries and names that collide without case (ZH_EDUP),
 * entries not listed in bundle.json (ZH_EUNLISTED), listed files missing (ZH_EMISSING), a size
 * or SHA-256 different from the listing (ZH_ESIZE, ZH_EHASH; reading an entry stops one byte
 * past its listed size), more than ZH_MAX_BUNDLE_BYTES in all (ZH_ETOOBIG), a compression ratio
 * over ZH_MAX_RATIO (ZH_ERATIO), a damaged archive (ZH_EARCHIVE), and a bundle that is not the
 * one the caller expected (ZH_EMISMATCH).
 */
#ifndef ZH_BUNDLE_H
#define ZH_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "bundle_ar.h"
#include "err.h"
#include "sign.h"

/* The version of libarchive linked in, as the library reports it at run time. */
const char *zh_bundle_lib_version(void);

#define ZH_MAX_BUNDLE_JSON (1024 * 1024)
#define ZH_MAX_BUNDLE_FILES 10000
#define ZH_MAX_FILE_BYTES ((int64_t)4 << 30)
#define ZH_MAX_BUNDLE_BYTES ((int64_t)8 << 30) /* all payload files together */
#define ZH_MAX_INSTALL_STEPS 256
#define ZH_MAX_STEP_ARGS 32
#define ZH_MAX_MANIFEST_STRING 1024
#define ZH_MAX_ID 64

#define ZH_BUNDLE_JSON "bundle.json"
#define ZH_BUNDLE_SIG "bundle.json.sig"

struct zh_bundle_file {
	char *path; /* safe relative path, also the zip entry name */
	int64_t size;
	uint8_t sha256[ZH_SHA256_LEN];
};

enum zh_step_op {
	ZH_STEP_COPY, /* copy src to dst_root/dst */
	ZH_STEP_RUN, /* run src with args; the exit code must be in ok_codes */
	ZH_STEP_REG, /* set registry value root\key\name (type, data or dword) */
	ZH_STEP_CERT, /* add the DER certificate src to the LocalMachine store */
	ZH_STEP_SHORTCUT, /* a .lnk at dst below the all-users Start menu programs */
	ZH_STEP_SERVICE, /* create and start Windows service name */
};

/*
 * One install step. String values of reg data, shortcut target, args and service command may
 * hold ${app}, ${common_files}, ${system} and ${programdata}: the install roots (install.h).
 */
struct zh_bundle_step {
	enum zh_step_op op;
	char *src; /* copy, run, cert: a listed payload path */
	char *dst_root; /* copy: "app", "common_files", "system" or "programdata" */
	char *dst; /* copy, shortcut: a safe relative path below the root */
	char **args; /* run */
	size_t nargs;
	int *ok_codes; /* run; {0} when the manifest lists none */
	size_t nok;
	char *root; /* reg: "HKLM" or "HKCU" */
	char *key; /* reg: key path below root, '\' separated */
	char *name; /* reg: value name ("" is the default value); service: its name */
	char *type; /* reg: "sz", "expand_sz" or "dword" */
	char *data; /* reg: sz / expand_sz data */
	uint32_t dword; /* reg: dword data */
	char *store; /* cert: "Root" or "CA" */
	char *target; /* shortcut: what it starts */
	char *sargs; /* shortcut: its arguments ("" if none) */
	char *text; /* shortcut: description; service: display name */
	char *command; /* service: the command line */
	int autostart; /* service: 1 "auto" (at boot), 0 "demand" */
};

struct zh_bundle_manifest {
	char *id; /* lower-case ASCII: a-z 0-9 . _ - */
	char *version; /* ASCII letters, digits and . _ + - */
	char *publisher;
	char *name_zh, *name_en;
	int64_t created; /* seconds UTC */
	struct zh_bundle_file *files; /* sorted by path, byte order */
	size_t nfiles;
	int64_t total_bytes; /* sum of the file sizes */
	struct zh_bundle_step *steps;
	size_t nsteps;
};

/*
 * Parse and validate bundle.json (len bytes). Every path passes zh_safepath_check, no two
 * paths are equal without case, no path is also another's directory, none is bundle.json or
 * bundle.json.sig, sizes and counts are within the ZH_MAX_* limits, steps name listed files.
 * *ret is freed with zh_bundle_manifest_free. ZH_EMANIFEST (the message names the field, as
 * "files[3].sha256: ..."), ZH_ETOOBIG, ZH_ENOMEM.
 */
int zh_bundle_manifest_parse(const char *json, size_t len, struct zh_bundle_manifest **ret,
	struct zh_err *err);

/* NULL is a no-op. */
void zh_bundle_manifest_free(struct zh_bundle_manifest *m);

/* The listed file with exactly this path, or NULL. */
const struct zh_bundle_file *zh_bundle_manifest_find(const struct zh_bundle_manifest *m,
	const char *path);

/* 1 if s is a valid component id / version string (see struct zh_bundle_manifest). */
int zh_bundle_id_valid(const char *s);
int zh_bundle_version_valid(const char *s);

struct zh_bundle_opts {
	const struct zh_trust *trust; /* the pinned roots */
	int64_t now; /* current time, seconds UTC */
	int64_t fallback_time; /* signing time when the signature has none (0: none) */
	const char *staging; /* directory to create and extract into; NULL: verify only */
	int flush; /* flush every staged file (for installing: files are moved into place) */
	struct zh_keep
		*keep; /* staged files stay open here for the install (keep.h); NULL: closed */
	const char *expect_id; /* NULL: any */
	const char *expect_version; /* NULL: any */
};

struct zh_bundle_report {
	struct zh_bundle_manifest *manifest; /* owned; NULL until bundle.json was verified */
	struct zh_sig_info sig;
	int64_t bytes; /* payload bytes checked */
};

/*
 * Read, verify and (with o->staging) extract a bundle from src, as described at the top.
 * what names the bundle in messages. rep is filled as far as the read got (release it in any
 * case). Returns 0 or the refusal's code.
 */
int zh_bundle_read(zh_ar_source_fn src, void *ctx, const char *what, const struct zh_bundle_opts *o,
	struct zh_bundle_report *rep, struct zh_err *err);

/* zh_bundle_read of the bundle file at path. */
int zh_bundle_read_file(const char *path, const struct zh_bundle_opts *o,
	struct zh_bundle_report *rep, struct zh_err *err);

/* Free what a read put in rep; rep is empty (and reusable) afterwards. */
void zh_bundle_report_release(struct zh_bundle_report *rep);

/*
 * The payload entries of a bundle, after bundle.json and its signature: the part of
 * zh_bundle_read that the fuzz target drives directly with a manifest of its own. ar is
 * positioned after the signature; staging (NULL: none) must exist. On failure the caller
 * removes staging. Adds the bytes checked to *ret_bytes.
 */
int zh_bundle_payload(struct zh_ar *ar, const struct zh_bundle_manifest *m, const char *what,
	const char *staging, int64_t *ret_bytes, struct zh_err *err);

#endif
