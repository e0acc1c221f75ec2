/* SPDX-License-Identifier: MIT */
/*
 * The signed index of a pack (index.json, docs/formats.md): a serial number, when it was made
 * and until when it may be used, the catalog it belongs to, and every bundle of the pack with
 * its size and SHA-256. This module parses and writes it and decides whether an index may be
 * used now: not older than one already accepted (replay, downgrade), not a different document
 * under an accepted serial, and not expired.
 *
 * The highest accepted serial lives in the manifest DB, which this module does not know: it
 * talks to a struct zh_serial_store. zh_serial_mem is an in-memory store for tests and for
 * runs without a DB.
 *
 * Lifecycle of accepting an index: zh_index_parse -> (signature checked by the caller) ->
 * zh_index_check_fresh -> use the pack -> zh_index_record once the pack was used
 * successfully. Only zh_index_record changes the store; `verify` never calls it.
 */
#ifndef ZH_INDEX_H
#define ZH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sign.h"

#define ZH_MAX_INDEX_JSON (4 * 1024 * 1024)
#define ZH_MAX_PACK_BUNDLES 1000
#define ZH_MAX_SERIAL ((uint64_t)999999999999999) /* 15 digits: printed exactly by cJSON */
#define ZH_MAX_SCOPE 64 /* profile id length */
#define ZH_INDEX_JSON "index.json"
#define ZH_INDEX_SIG "index.json.sig"

struct zh_index_bundle {
	char *path; /* "bundles/<id>-<version>.zip", the entry in the pack */
	char *id;
	char *version;
	int64_t size;
	uint8_t sha256[ZH_SHA256_LEN];
};

struct zh_index {
	uint64_t serial; /* 1 .. ZH_MAX_SERIAL */
	int64_t created; /* seconds UTC */
	int64_t expires; /* seconds UTC, after created */
	char *publisher;
	char *profile; /* catalog profile id: the scope of the serial */
	char *catalog_version;
	struct zh_index_bundle *bundles; /* in the order of the document */
	size_t nbundles;
	uint8_t sha256[ZH_SHA256_LEN]; /* of the index.json bytes */
};

/*
 * Parse and validate index.json (len bytes): fields typed and bounded, bundle paths safe and
 * distinct (also without case), one bundle per component id. *ret is freed with
 * zh_index_free. ZH_EMANIFEST (naming the field), ZH_EDUP, ZH_ETOOBIG, ZH_ENOMEM.
 */
int zh_index_parse(const char *json, size_t len, struct zh_index **ret, struct zh_err *err);

/* NULL is a no-op. */
void zh_index_free(struct zh_index *idx);

/* The bundle listed under path, or NULL. */
const struct zh_index_bundle *zh_index_find(const struct zh_index *idx, const char *path);

/*
 * Write idx as index.json text (*ret, free with zh_free), validated by zh_index_parse.
 * idx->sha256 is ignored.
 */
int zh_index_json(const struct zh_index *idx, char **ret, struct zh_err *err);

/* ---- Replay and freeze ---------------------------------------------------------------------- */

/*
 * Where the highest accepted index is kept, per scope (the catalog profile id). get sets
 * *ret_found to 0 when nothing was accepted yet for the scope; put replaces what is kept.
 * Both return 0 or a ZH_E* code with err set. The manifest DB implements this.
 */
struct zh_serial_store {
	void *ctx;
	int (*get)(void *ctx, const char *scope, int *ret_found, uint64_t *ret_serial,
		uint8_t ret_sha256[ZH_SHA256_LEN], struct zh_err *err);
	int (*put)(void *ctx, const char *scope, uint64_t serial,
		const uint8_t sha256[ZH_SHA256_LEN], struct zh_err *err);
};

enum zh_index_flags {
	ZH_INDEX_ONLINE = 1 << 0, /* fetched from a mirror: expiry is always enforced */
	ZH_INDEX_ALLOW_EXPIRED = 1 << 1, /* offline only: use an expired index anyway */
};

/*
 * May idx be used now? Refused: a serial lower than the stored one for idx->profile
 * (ZH_EREPLAY), the stored serial with a different SHA-256 (ZH_ESERIAL), a creation time
 * after now + ZH_SIGN_MAX_SKEW (ZH_EINVAL), and an index past its expiry (ZH_EEXPIRED) unless
 * it came offline and flags has ZH_INDEX_ALLOW_EXPIRED, in which case *ret_expired is set to 1
 * and the caller must say so loudly. store may be NULL (no replay check). The same index
 * again (equal serial and hash) is accepted.
 */
int zh_index_check_fresh(const struct zh_index *idx, const struct zh_serial_store *store,
	int64_t now, unsigned flags, int *ret_expired, struct zh_err *err);

/* Remember idx as the highest accepted index of its scope (if it is higher). */
int zh_index_record(const struct zh_index *idx, const struct zh_serial_store *store,
	struct zh_err *err);

/* An in-memory serial store with room for ZH_SERIAL_MEM_SCOPES scopes. */
#define ZH_SERIAL_MEM_SCOPES 8

struct zh_serial_mem {
	struct {
		char scope[ZH_MAX_SCOPE + 1];
		uint64_t serial;
		uint8_t sha256[ZH_SHA256_LEN];
	} rows[ZH_SERIAL_MEM_SCOPES];
	size_t n;
};

/* Set up an empty store and the interface to it (*ret points into m). Cannot fail. */
void zh_serial_mem_init(struct zh_serial_mem *m, struct zh_serial_store *ret);

#endif
