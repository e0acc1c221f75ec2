/* SPDX-License-Identifier: MIT */
/*
 * Reading packs (docs/formats.md): a zip whose first entries are index.json and its CMS
 * signature, followed by the bundles the index lists, in any order. One streaming pass: the
 * index is verified (signature, replay, expiry: index.h) before any bundle is read, and every
 * bundle is read straight out of the pack (a bundle is a zip inside the zip) through a window
 * that ends at the size the index lists and hashes what passes, so a bundle that is longer,
 * shorter or other than the one listed is refused (ZH_ESIZE, ZH_EHASH, ZH_EMISMATCH) and no
 * bundle can be taken from another pack.
 *
 * Lifecycle: zh_pack_read (or zh_pack_read_file) fills a struct zh_pack_report, freed with
 * zh_pack_report_release whatever happened. With a staging directory the read creates it and,
 * on success, leaves there index.json, index.json.sig and one directory per bundle, named by
 * component id, holding that bundle's extraction (bundle.h); on any refusal the whole staging
 * directory is removed again. Without one (verify), nothing is written; with keep_going a
 * refused bundle does not stop the check of the next ones, as long as the pack itself can
 * still be read.
 */
#ifndef ZH_PACK_READ_H
#define ZH_PACK_READ_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "err.h"
#include "index.h"
#include "sign.h"

struct zh_pack_opts {
	const struct zh_trust *trust;
	int64_t now; /* seconds UTC */
	const struct zh_serial_store *store; /* highest accepted serials; NULL: not checked */
	unsigned index_flags; /* enum zh_index_flags */
	const char *staging; /* directory to create and extract into; NULL: verify only */
	int flush; /* flush every staged file (bundle.h) */
	struct zh_keep *keep; /* staged files kept open for the install (bundle.h); NULL: none */
	int keep_going; /* verify only: check every bundle even after a refusal */
	int partial; /* a mirror's pack holds only the bundles a run needs: listed ones may be
			absent (they stay ZH_ITEM_UNCHECKED) */
};

enum zh_item_status {
	ZH_ITEM_UNCHECKED = 1, /* not reached */
	ZH_ITEM_OK = 0,
	/* any other value: the ZH_E* code that refused it */
};

struct zh_pack_item {
	char *name; /* the entry in the pack (for a listed bundle: its path) */
	const struct zh_index_bundle *listed; /* in the report's index; NULL if not listed */
	int status; /* ZH_ITEM_OK, ZH_ITEM_UNCHECKED or a ZH_E* code */
	char msg[512]; /* why, when refused */
	struct zh_bundle_report bundle;
};

struct zh_pack_report {
	struct zh_index *index; /* NULL until index.json was read and verified */
	struct zh_sig_info sig; /* of the index */
	int index_status; /* ZH_ITEM_OK, ZH_ITEM_UNCHECKED or the code that refused the index */
	char index_msg[512];
	int expired; /* accepted although expired (ZH_INDEX_ALLOW_EXPIRED): say so loudly */
	struct zh_pack_item *items; /* listed bundles in index order, then unlisted entries */
	size_t nitems;
};

/*
 * Read, verify and (with o->staging) extract the pack from src; what names it in messages.
 * Returns 0 or the first refusal's code (err has its message; the report has every item's).
 */
int zh_pack_read(zh_ar_source_fn src, void *ctx, const char *what, const struct zh_pack_opts *o,
	struct zh_pack_report *rep, struct zh_err *err);

/*
 * The index check on its own (a mirror's index.json and signature, fetched before any bundle):
 * parse, verify the signature against o->trust at o->now, decide freshness against o->store
 * with o->index_flags. *ret_index (free with zh_index_free) is set whenever the text parsed,
 * also when the index is refused (a report names what it was): use it only after a 0 return.
 * what names the source in messages.
 */
int zh_pack_verify_index(const char *what, const char *json, size_t jlen, const char *sig,
	size_t siglen, const struct zh_pack_opts *o, struct zh_index **ret_index,
	struct zh_sig_info *ret_sig, int *ret_expired, struct zh_err *err);

/* zh_pack_read of the file at path. */
int zh_pack_read_file(const char *path, const struct zh_pack_opts *o, struct zh_pack_report *rep,
	struct zh_err *err);

/*
 * A mirror's pack as fetched into dir (mirror.h): dir/index.json and dir/index.json.sig, and
 * the listed bundles named in paths (npaths of them), each in its own file dir/<path>. Read and
 * verified exactly as zh_pack_read reads a pack (o->partial: bundles not named stay
 * unchecked), the index verified again, since the cache could have changed since the fetch.
 */
int zh_pack_read_dir(const char *dir, const char *what, const char *const *paths, size_t npaths,
	const struct zh_pack_opts *o, struct zh_pack_report *rep, struct zh_err *err);

void zh_pack_report_release(struct zh_pack_report *rep);

enum zh_archive_kind {
	ZH_KIND_PACK,
	ZH_KIND_BUNDLE,
};

/*
 * Whether the zip at path is a pack (first entry index.json) or a bundle (bundle.json).
 * ZH_EARCHIVE (not a zip), ZH_EMISSING (neither), file errors.
 */
int zh_archive_kind(const char *path, enum zh_archive_kind *ret, struct zh_err *err);

#endif
