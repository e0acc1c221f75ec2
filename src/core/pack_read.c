/* SPDX-License-Identifier: MIT */
/*
 * Packs, read in one pass (pack_read.h). The bundle window (struct window) is what makes a
 * pack's index bind its bundles: the inner reader sees at most the listed number of bytes,
 * every byte it sees is hashed, and the rest of the entry is drained through the same window
 * so that the hash covers exactly the listed size before it is compared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pack_read.h"
#include "keep.h"
#include "buf.h"
#include "fileutil.h"
#include "mem.h"
#include "safepath.h"
#include "../sys/fs.h"
#include "banned.h"

static void set_item(struct zh_pack_item *it, int code, const char *msg)
{
	it->status = code;
	(void)snprintf(it->msg, sizeof(it->msg), "%s", code != 0 ? msg : "");
}

static struct zh_pack_item *add_item(struct zh_pack_report *rep, const char *name,
	const struct zh_index_bundle *listed, struct zh_err *err)
{
	struct zh_pack_item *items, *it;

	items = zh_realloc(rep->items, (rep->nitems + 1) * sizeof(*items));
	if (items == NULL) {
		zh_err_set(err, ZH_ENOMEM, "cannot record '%s'", name);
		return NULL;
	}
	rep->items = items;
	it = &items[rep->nitems];
	memset(it, 0, sizeof(*it));
	it->name = zh_strdup(name);
	if (it->name == NULL) {
		zh_err_set(err, ZH_ENOMEM, "cannot record '%s'", name);
		return NULL;
	}
	it->listed = listed;
	it->status = ZH_ITEM_UNCHECKED;
	rep->nitems++;
	return it;
}

/* Read a whole small entry that must be called name. */
static int read_entry(struct zh_ar *ar, const char *what, const char *name, size_t max, char **ret,
	size_t *ret_len, struct zh_err *err)
{
	struct zh_ar_entry e;
	char *data = NULL;
	size_t len = 0, n;
	const void *p;
	int rc;

	rc = zh_ar_next(ar, &e, err);
	if (rc == ZH_ENOENT)
		return zh_err_set(err, ZH_EMISSING, "%s: no '%s' (empty or not a pack)", what,
			name);
	if (rc != 0)
		return rc;
	if (strcmp(e.name, name) != 0) {
		char q[200];

		zh_safepath_quote(e.name, strlen(e.name), q, sizeof(q));
		return zh_err_set(err, ZH_EMISSING, "%s: entry '%s' found where '%s' must be", what,
			q, name);
	}
	if (e.type != ZH_AR_FILE || e.encrypted)
		return zh_err_set(err, ZH_EUNSAFE, "%s: entry '%s': not a plain file", what, name);
	if (e.size > (int64_t)max)
		return zh_err_set(err, ZH_ETOOBIG, "%s: entry '%s': over the %zu byte limit", what,
			name, max);
	data = zh_malloc(max + 1);
	if (data == NULL)
		return zh_err_set(err, ZH_ENOMEM, "%s: cannot read '%s'", what, name);
	for (;;) {
		rc = zh_ar_read(ar, &p, &n, err);
		if (rc != 0 || n == 0)
			break;
		if (n > max - len) {
			rc = zh_err_set(err, ZH_ETOOBIG, "%s: entry '%s': over the %zu byte limit",
				what, name, max);
			break;
		}
		memcpy(data + len, p, n);
		len += n;
	}
	if (rc != 0) {
		zh_free(data);
		return rc;
	}
	data[len] = '\0';
	*ret = data;
	*ret_len = len;
	return 0;
}

/*
 * A bundle as the inner reader sees it: the outer entry (or, for a mirror's pack, the bundle's
 * own file), cut at the listed size.
 */
struct window {
	struct zh_ar *outer;
	struct zh_ar_file *file; /* instead of outer */
	int64_t limit;
	int64_t got;
	struct zh_sha256 *h;
	int outer_failed;
	int over; /* the entry went on past the listed size */
	struct zh_err outer_err;
};

static int window_pull(struct window *w, const void **ret_buf, size_t *ret_len)
{
	return w->file != NULL ? zh_ar_file_source(w->file, ret_buf, ret_len, &w->outer_err)
			       : zh_ar_read(w->outer, ret_buf, ret_len, &w->outer_err);
}

static int window_source(void *ctx, const void **ret_buf, size_t *ret_len, struct zh_err *err)
{
	struct window *w = ctx;
	const void *p;
	size_t n;
	int rc;

	*ret_len = 0;
	if (w->got >= w->limit)
		return 0;
	rc = window_pull(w, &p, &n);
	if (rc != 0) {
		w->outer_failed = 1;
		return zh_err_sys(err, rc, w->outer_err.sys, "%s", w->outer_err.msg);
	}
	if ((int64_t)n > w->limit - w->got) {
		w->over = 1;
		n = (size_t)(w->limit - w->got);
	}
	zh_sha256_update(w->h, p, n);
	w->got += (int64_t)n;
	*ret_buf = p;
	*ret_len = n;
	return 0;
}

/*
 * After the inner reader: hash the rest of the listed size, then make sure the entry ends
 * there (one more read shows whether it goes on), then compare the hash.
 */
static int window_finish(struct window *w, const char *what, const char *name,
	const uint8_t want[ZH_SHA256_LEN], struct zh_err *err)
{
	uint8_t digest[ZH_SHA256_LEN];
	const void *p;
	size_t n = 0;
	int rc;

	while (w->got < w->limit && !w->over) {
		rc = window_source(w, &p, &n, err);
		if (rc != 0)
			return rc;
		if (n == 0)
			break;
	}
	if (!w->over && w->got == w->limit) {
		rc = window_pull(w, &p, &n);
		if (rc != 0) {
			w->outer_failed = 1;
			return zh_err_sys(err, rc, w->outer_err.sys, "%s", w->outer_err.msg);
		}
		w->over = n > 0;
	}
	if (w->over)
		return zh_err_set(err, ZH_ESIZE,
			"%s: bundle '%s': longer than the %lld bytes the "
			"index lists (reading stopped there)",
			what, name, (long long)w->limit);
	if (w->got < w->limit)
		return zh_err_set(err, ZH_ESIZE,
			"%s: bundle '%s': %lld bytes, shorter than the %lld the index lists", what,
			name, (long long)w->got, (long long)w->limit);
	zh_sha256_final(w->h, digest);
	if (memcmp(digest, want, ZH_SHA256_LEN) != 0)
		return zh_err_set(err, ZH_EHASH,
			"%s: bundle '%s': SHA-256 differs from the index (not the bundle this "
			"index "
			"was signed with)",
			what, name);
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, "%s/%s", dir, name);
	return s;
}

static int write_whole(const char *dir, const char *name, const void *data, size_t len,
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	char *path = join(dir, name);
	int rc;

	if (path == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot write '%s'", name);
	rc = sys_file_create_scratch(path, &f, err);
	if (rc == 0)
		rc = sys_file_write(f, data, len, err);
	if (f != NULL && sys_file_close(f, err) != 0 && rc == 0)
		rc = err != NULL ? err->code : ZH_EIO;
	zh_free(path);
	return rc;
}

int zh_pack_verify_index(const char *what, const char *json, size_t jlen, const char *sig,
	size_t siglen, const struct zh_pack_opts *o, struct zh_index **ret_index,
	struct zh_sig_info *ret_sig, int *ret_expired, struct zh_err *err)
{
	struct zh_index *idx = NULL;
	struct zh_err perr;
	int rc;

	/*
	 * The creation time inside is the fallback signing time, so parse first; but if the text
	 * does not parse, the signature decides what to report: tampering, or a publisher's bug.
	 */
	zh_err_init(&perr);
	rc = zh_index_parse(json, jlen, &idx, &perr);
	rc = zh_sign_verify(o->trust, json, jlen, sig, siglen, rc == 0 ? idx->created : 0, o->now,
		ret_sig, err);
	if (rc != 0) {
		zh_err_wrap(err, "%s: signature of index.json", what);
		*ret_index = idx;
		return rc;
	}
	if (perr.code != 0) {
		zh_err_wrap(&perr, "%s", what);
		return zh_err_sys(err, perr.code, 0, "%s", perr.msg);
	}
	rc = zh_index_check_fresh(idx, o->store, o->now, o->index_flags, ret_expired, err);
	if (rc != 0)
		zh_err_wrap(err, "%s", what);
	/* The index is handed over even when refused: a report names what it was. */
	*ret_index = idx;
	return rc;
}

/* index.json and its signature: read, then zh_pack_verify_index. */
static int read_index(struct zh_ar *ar, const char *what, const struct zh_pack_opts *o,
	struct zh_pack_report *rep, char **ret_json, size_t *ret_jlen, char **ret_sig,
	size_t *ret_siglen, struct zh_err *err)
{
	int rc;

	if ((rc = read_entry(ar, what, ZH_INDEX_JSON, ZH_MAX_INDEX_JSON, ret_json, ret_jlen,
		     err)) != 0 ||
		(rc = read_entry(ar, what, ZH_INDEX_SIG, ZH_MAX_SIG_BYTES, ret_sig, ret_siglen,
			 err)) != 0)
		return rc;
	return zh_pack_verify_index(what, *ret_json, *ret_jlen, *ret_sig, *ret_siglen, o,
		&rep->index, &rep->sig, &rep->expired, err);
}

/*
 * The listed bundle b (quoted q in messages) through window w (its source set): verified,
 * extracted into o->staging when there is one, its report slot it filled.
 */
static int read_listed(struct window *w, const struct zh_index_bundle *b, const char *what,
	const char *q, const struct zh_pack_opts *o, struct zh_pack_report *rep,
	struct zh_pack_item *it, int *ret_fatal, struct zh_err *err)
{
	struct zh_bundle_opts bo;
	char bwhat[400];
	char *staging = NULL;
	int rc;

	w->limit = b->size;
	zh_err_init(&w->outer_err);
	if ((rc = zh_sha256_new(&w->h, err)) != 0)
		goto out;
	if (o->staging != NULL && (staging = join(o->staging, b->id)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "%s: cannot extract '%s'", what, q);
		goto out;
	}
	memset(&bo, 0, sizeof(bo));
	bo.trust = o->trust;
	bo.now = o->now;
	bo.fallback_time = rep->index->created;
	bo.staging = staging;
	bo.flush = o->flush;
	bo.keep = o->keep;
	bo.expect_id = b->id;
	bo.expect_version = b->version;
	(void)snprintf(bwhat, sizeof(bwhat), "%s: bundle '%s'", what, q);
	rc = zh_bundle_read(window_source, w, bwhat, &bo, &it->bundle, err);
	if (w->outer_failed) {
		*ret_fatal = 1;
		goto out;
	}
	if (rc != 0) {
		/* A bundle cut short at its listed size says more as "too long" than "damaged". */
		if (w->over) {
			zh_err_init(err);
			rc = zh_err_set(err, ZH_ESIZE,
				"%s: bundle '%s': longer than the %lld bytes the index lists "
				"(reading stopped there)",
				what, q, (long long)w->limit);
			*ret_fatal = 1;
		}
		goto out;
	}
	rc = window_finish(w, what, q, b->sha256, err);
	if (w->outer_failed || w->over)
		*ret_fatal = 1;
	if (rc != 0 && staging != NULL) {
		struct zh_err rm;

		zh_keep_close(o->keep);
		zh_err_init(&rm);
		(void)sys_fs_remove_tree(staging, &rm);
	}
out:
	set_item(it, rc, err != NULL ? err->msg : "");
	zh_sha256_free(w->h);
	w->h = NULL;
	zh_free(staging);
	return rc;
}

/* One entry after the index: a listed bundle, read through a window. */
static int read_bundle(struct zh_ar *ar, const struct zh_ar_entry *e, const char *what,
	const struct zh_pack_opts *o, struct zh_pack_report *rep, struct zh_strset *seen,
	int *ret_fatal, struct zh_err *err)
{
	const struct zh_index_bundle *b;
	struct zh_pack_item *it = NULL;
	struct window w;
	char q[200];
	size_t i;
	int rc;

	memset(&w, 0, sizeof(w));
	zh_safepath_quote(e->name, strlen(e->name), q, sizeof(q));
	rc = zh_safepath_check(e->name, strlen(e->name), err);
	if (rc != 0) {
		zh_err_wrap(err, "%s: entry", what);
		goto unlisted;
	}
	b = zh_index_find(rep->index, e->name);
	if (b == NULL) {
		rc = zh_err_set(err, ZH_EUNLISTED, "%s: entry '%s': not listed in index.json", what,
			q);
		goto unlisted;
	}
	for (i = 0; i < rep->nitems; i++)
		if (rep->items[i].listed == b)
			it = &rep->items[i];
	if (it == NULL)
		return zh_err_set(err, ZH_EINVAL, "%s: no report slot for '%s'", what, q);
	if (zh_strset_add(seen, e->name, err) == 1) {
		rc = zh_err_set(err, ZH_EDUP, "%s: entry '%s': appears twice in the pack", what, q);
		*ret_fatal = 1;
		goto out;
	}
	if (e->type != ZH_AR_FILE || e->encrypted) {
		rc = zh_err_set(err,
			e->type == ZH_AR_SYMLINK || e->type == ZH_AR_HARDLINK ? ZH_ELINK
									      : ZH_EUNSAFE,
			"%s: entry '%s': not a plain file", what, q);
		goto out;
	}
	if (e->size >= 0 && e->size != b->size) {
		rc = zh_err_set(err, ZH_ESIZE,
			"%s: bundle '%s': the pack says %lld bytes, the index lists %lld", what, q,
			(long long)e->size, (long long)b->size);
		goto out;
	}
	w.outer = ar;
	return read_listed(&w, b, what, q, o, rep, it, ret_fatal, err);
out:
	if (it != NULL)
		set_item(it, rc, err != NULL ? err->msg : "");
	return rc;
unlisted:
	it = add_item(rep, e->name, NULL, err);
	if (it == NULL)
		return ZH_ENOMEM;
	set_item(it, rc, err != NULL ? err->msg : "");
	return rc;
}

/*
 * After the index check (rc): record its outcome in the report, list the index's bundles and,
 * with a staging folder, create it holding index.json and its signature (*ret_staged then 1).
 */
static int begin_read(struct zh_pack_report *rep, int rc, const struct zh_pack_opts *o,
	const char *json, size_t jlen, const char *sig, size_t siglen, int *ret_staged,
	struct zh_err *err)
{
	size_t i;

	if (rc != 0) {
		rep->index_status = rc;
		(void)snprintf(rep->index_msg, sizeof(rep->index_msg), "%s",
			err != NULL ? err->msg : "");
		return rc;
	}
	rep->index_status = ZH_ITEM_OK;
	for (i = 0; i < rep->index->nbundles; i++)
		if (add_item(rep, rep->index->bundles[i].path, &rep->index->bundles[i], err) ==
			NULL)
			return ZH_ENOMEM;
	if (o->staging == NULL)
		return 0;
	if ((rc = sys_fs_mkdir(o->staging, err)) != 0)
		return rc;
	*ret_staged = 1;
	if ((rc = write_whole(o->staging, ZH_INDEX_JSON, json, jlen, err)) == 0)
		rc = write_whole(o->staging, ZH_INDEX_SIG, sig, siglen, err);
	return rc;
}

/* A read that failed takes its staging folder with it. */
static void end_read(const struct zh_pack_opts *o, int rc, int staged, struct zh_err *err)
{
	struct zh_err rm;

	if (rc == 0 || !staged)
		return;
	zh_keep_close(o->keep);
	zh_err_init(&rm);
	if (sys_fs_remove_tree(o->staging, &rm) != 0)
		zh_err_wrap(err, "(staging '%s' could not be removed: %s)", o->staging, rm.msg);
}

int zh_pack_read(zh_ar_source_fn src, void *ctx, const char *what, const struct zh_pack_opts *o,
	struct zh_pack_report *rep, struct zh_err *err)
{
	struct zh_strset *seen = NULL;
	struct zh_ar *ar = NULL;
	struct zh_ar_entry e;
	struct zh_err one;
	char *json = NULL, *sig = NULL;
	size_t jlen = 0, siglen = 0, i;
	int rc, first = 0, fatal = 0, staged = 0;

	memset(rep, 0, sizeof(*rep));
	rep->index_status = ZH_ITEM_UNCHECKED;
	rc = zh_ar_open(src, ctx, what, &ar, err);
	if (rc == 0)
		rc = read_index(ar, what, o, rep, &json, &jlen, &sig, &siglen, err);
	if ((rc = begin_read(rep, rc, o, json, jlen, sig, siglen, &staged, err)) != 0 ||
		(rc = zh_strset_new(&seen, err)) != 0)
		goto out;
	for (;;) {
		zh_err_init(&one);
		rc = zh_ar_next(ar, &e, &one);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc == 0)
			rc = read_bundle(ar, &e, what, o, rep, seen, &fatal, &one);
		else
			fatal = 1;
		if (rc != 0) {
			if (first == 0) {
				first = rc;
				(void)zh_err_sys(err, one.code, one.sys, "%s", one.msg);
			}
			if (fatal || !o->keep_going || o->staging != NULL)
				goto out;
		}
	}
	for (i = 0; i < rep->nitems; i++)
		if (rep->items[i].listed != NULL && rep->items[i].status == ZH_ITEM_UNCHECKED &&
			!o->partial) {
			set_item(&rep->items[i], ZH_EMISSING, "");
			(void)snprintf(rep->items[i].msg, sizeof(rep->items[i].msg),
				"%s: bundle '%s': listed in index.json but not in the pack", what,
				rep->items[i].name);
			if (first == 0) {
				first = ZH_EMISSING;
				(void)zh_err_set(err, ZH_EMISSING, "%s", rep->items[i].msg);
			}
		}
out:
	if (first != 0)
		rc = first;
	end_read(o, rc, staged, err);
	zh_strset_free(seen);
	zh_ar_close(ar);
	zh_free(json);
	zh_free(sig);
	return rc;
}

int zh_pack_read_file(const char *path, const struct zh_pack_opts *o, struct zh_pack_report *rep,
	struct zh_err *err)
{
	struct zh_ar_file *f = NULL;
	char what[300];
	int rc;

	memset(rep, 0, sizeof(*rep));
	rep->index_status = ZH_ITEM_UNCHECKED;
	(void)snprintf(what, sizeof(what), "pack '%s'", path);
	rc = zh_ar_file_open(path, &f, err);
	if (rc == 0)
		rc = zh_pack_read(zh_ar_file_source, f, what, o, rep, err);
	else {
		rep->index_status = rc;
		(void)snprintf(rep->index_msg, sizeof(rep->index_msg), "%s",
			err != NULL ? err->msg : "");
	}
	zh_ar_file_close(f);
	return rc;
}

/* The whole small file dir/name, as read_entry reads it from a pack. */
static int read_small(const char *dir, const char *name, size_t max, struct zh_buf *out,
	struct zh_err *err)
{
	char *path = join(dir, name);
	int rc;

	if (path == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", name);
	zh_buf_init(out, max);
	rc = zh_file_read_all(path, max, out, err);
	zh_free(path);
	return rc;
}

/* One bundle of a mirror's pack: its own file, through the same window as a pack's entry. */
static int read_dir_bundle(const char *dir, const char *path, const char *what,
	const struct zh_pack_opts *o, struct zh_pack_report *rep, struct zh_err *err)
{
	const struct zh_index_bundle *b = zh_index_find(rep->index, path);
	struct zh_pack_item *it = NULL;
	struct zh_ar_file *f = NULL;
	struct window w;
	char q[200], *file;
	int rc, fatal = 0;
	size_t i;

	zh_safepath_quote(path, strlen(path), q, sizeof(q));
	if (b == NULL)
		return zh_err_set(err, ZH_EUNLISTED, "%s: '%s': not listed in index.json", what, q);
	for (i = 0; i < rep->nitems; i++)
		if (rep->items[i].listed == b)
			it = &rep->items[i];
	if (it == NULL)
		return zh_err_set(err, ZH_EINVAL, "%s: no report slot for '%s'", what, q);
	if ((file = join(dir, path)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "%s: cannot read '%s'", what, q);
	rc = zh_ar_file_open(file, &f, err);
	zh_free(file);
	if (rc != 0) {
		set_item(it, rc, err != NULL ? err->msg : "");
		return rc;
	}
	memset(&w, 0, sizeof(w));
	w.file = f;
	rc = read_listed(&w, b, what, q, o, rep, it, &fatal, err);
	zh_ar_file_close(f);
	return rc;
}

int zh_pack_read_dir(const char *dir, const char *what, const char *const *paths, size_t npaths,
	const struct zh_pack_opts *o, struct zh_pack_report *rep, struct zh_err *err)
{
	struct zh_buf json, sig;
	size_t i;
	int rc, staged = 0;

	memset(rep, 0, sizeof(*rep));
	rep->index_status = ZH_ITEM_UNCHECKED;
	zh_buf_init(&json, ZH_MAX_INDEX_JSON);
	zh_buf_init(&sig, ZH_MAX_SIG_BYTES);
	if ((rc = read_small(dir, ZH_INDEX_JSON, ZH_MAX_INDEX_JSON, &json, err)) == 0 &&
		(rc = read_small(dir, ZH_INDEX_SIG, ZH_MAX_SIG_BYTES, &sig, err)) == 0)
		rc = zh_pack_verify_index(what, json.data, json.len, sig.data, sig.len, o,
			&rep->index, &rep->sig, &rep->expired, err);
	rc = begin_read(rep, rc, o, json.data, json.len, sig.data, sig.len, &staged, err);
	for (i = 0; i < npaths && rc == 0; i++)
		rc = read_dir_bundle(dir, paths[i], what, o, rep, err);
	end_read(o, rc, staged, err);
	zh_buf_release(&json);
	zh_buf_release(&sig);
	return rc;
}

void zh_pack_report_release(struct zh_pack_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nitems; i++) {
		zh_free(rep->items[i].name);
		zh_bundle_report_release(&rep->items[i].bundle);
	}
	zh_free(rep->items);
	zh_index_free(rep->index);
	memset(rep, 0, sizeof(*rep));
}

int zh_archive_kind(const char *path, enum zh_archive_kind *ret, struct zh_err *err)
{
	struct zh_ar_file *f = NULL;
	struct zh_ar *ar = NULL;
	struct zh_ar_entry e;
	char what[300];
	int rc;

	(void)snprintf(what, sizeof(what), "'%s'", path);
	rc = zh_ar_file_open(path, &f, err);
	if (rc == 0)
		rc = zh_ar_open(zh_ar_file_source, f, what, &ar, err);
	if (rc == 0)
		rc = zh_ar_next(ar, &e, err);
	if (rc == ZH_ENOENT)
		rc = zh_err_set(err, ZH_EMISSING, "%s: an empty archive", what);
	if (rc == 0) {
		if (strcmp(e.name, ZH_INDEX_JSON) == 0)
			*ret = ZH_KIND_PACK;
		else if (strcmp(e.name, ZH_BUNDLE_JSON) == 0)
			*ret = ZH_KIND_BUNDLE;
		else
			rc = zh_err_set(err, ZH_EMISSING,
				"%s: neither a pack (index.json first) nor a bundle (bundle.json "
				"first)",
				what);
	}
	zh_ar_close(ar);
	zh_ar_file_close(f);
	return rc;
}
