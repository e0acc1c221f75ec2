/* SPDX-License-Identifier: MIT */
/*
 * The publisher's side: writing zip files with minizip (pack.c, the one home of zlib/minizip
 * in zhushou), and `pack build`, which turns recipes into signed bundles and a signed pack
 * (pack_build.c; formats in docs/formats.md). Reading packs is pack_read.h.
 *
 * Zip files written here use UTF-8 names (general-purpose bit 11), one fixed timestamp for
 * every entry, no directory entries and no extra attributes, so that the same input gives the
 * same archive bytes (signatures aside: they record their signing time).
 */
#ifndef ZH_PACK_H
#define ZH_PACK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sign.h"

/* The version of zlib/minizip linked in, as the library reports it at run time. */
const char *zh_pack_lib_version(void);

/* ---- Zip writer
 * ---------------------------------------------------------------------------------- */

/*
 * Lifecycle: zh_zip_create -> (zh_zip_begin -> zh_zip_write* -> zh_zip_end)* -> zh_zip_close.
 * zh_zip_close writes the central directory, flushes (sys_file_flush) and closes; after any
 * error call zh_zip_abort instead, then remove the file: both leave it on disk.
 */
struct zh_zip;

/* Create a new zip file at path (ZH_EEXIST if anything is there); entries get time t. */
int zh_zip_create(const char *path, int64_t t, struct zh_zip **ret, struct zh_err *err);

/*
 * Start an entry called name (UTF-8): deflated when compress, else stored. size_hint is the
 * expected size (-1 if unknown; entries of 4 GiB and more need it to use zip64).
 */
int zh_zip_begin(struct zh_zip *z, const char *name, int compress, int64_t size_hint,
	struct zh_err *err);
int zh_zip_write(struct zh_zip *z, const void *data, size_t len, struct zh_err *err);
int zh_zip_end(struct zh_zip *z, struct zh_err *err);
int zh_zip_close(struct zh_zip *z, struct zh_err *err);
/* NULL is a no-op. */
void zh_zip_abort(struct zh_zip *z);

/* Add the whole file at src_path as entry name (streamed through sys/fs). */
int zh_zip_add_file(struct zh_zip *z, const char *name, const char *src_path, int compress,
	struct zh_err *err);

/* ---- pack build
 * ---------------------------------------------------------------------------------- */

#define ZH_MAX_RECIPES 256
#define ZH_MAX_RECIPE_JSON (256 * 1024)

struct zh_pack_build_opts {
	const char *recipes; /* a directory of recipe directories, or one recipe directory */
	const char *out; /* the pack to write; replaced atomically */
	const char *key_path; /* PEM private key */
	const char *cert_path; /* PEM: signing certificate, then intermediates */
	uint64_t serial;
	int64_t created; /* seconds UTC */
	int64_t expires; /* seconds UTC, after created */
	const char *profile; /* the catalog the pack is for */
	const char *catalog_version;
	const struct zh_trust *trust; /* to report whether the result verifies here; may be NULL */
};

struct zh_pack_built {
	char *path; /* "bundles/<id>-<version>.zip" */
	char *id;
	char *version;
	int64_t size;
	char sha256[ZH_SHA256_HEX];
	size_t nfiles;
};

struct zh_pack_build_result {
	struct zh_pack_built *bundles;
	size_t nbundles;
	int64_t size; /* of the pack */
	char signer[256];
	int trusted; /* 1 if the index signature verifies against opts.trust */
	struct zh_err trust_err; /* why not, when trusted is 0 */
};

/*
 * Build a pack: read every recipe (packages/<id>/recipe.json, see docs/formats.md), write and
 * sign each bundle, write and sign index.json, and put all of it into o->out (written to a
 * temporary name beside it, flushed, then renamed over it). Recipes are taken in name order.
 * Errors: ZH_EMANIFEST (a recipe or the resulting bundle.json is malformed; the message names
 * the recipe and field), ZH_EUNSAFE (a path in a recipe), ZH_EINVAL (options), the signer's
 * errors (sign.h) and file errors. *ret is released with zh_pack_build_release.
 */
int zh_pack_build(const struct zh_pack_build_opts *o, struct zh_pack_build_result *ret,
	struct zh_err *err);

void zh_pack_build_release(struct zh_pack_build_result *r);

#endif
