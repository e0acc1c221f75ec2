/* SPDX-License-Identifier: MIT */
/*
 * Reading, verifying and extracting bundles (bundle.h). One pass over the archive: the
 * manifest and its signature come first, so every payload entry is judged against a verified
 * list before a byte of it is written. Files are created new (never opened over something that
 * exists) below a staging directory this read creates, and the whole directory goes again on
 * any refusal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <archive.h>

#include "bundle.h"
#include "keep.h"
#include "mem.h"
#include "safepath.h"
#include "../sys/fs.h"
#include "../sys/thread.h"
#include "banned.h"

const char *zh_bundle_lib_version(void)
{
	return archive_version_string();
}

static int entry_fail(struct zh_err *err, int code, const char *what, const char *name,
	const char *fmt, ...) ZH_FORMAT(5, 6);

/* "<what>: entry '<name>': <reason>", the name quoted safely. */
static int entry_fail(struct zh_err *err, int code, const char *what, const char *name,
	const char *fmt, ...)
{
	char q[200], why[300];
	va_list ap;

	zh_safepath_quote(name, strlen(name), q, sizeof(q));
	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return zh_err_set(err, code, "%s: entry '%s': %s", what, q, why);
}

/* Read the whole of a small leading entry that must be called name (at most max bytes). */
static int read_small(struct zh_ar *ar, const char *what, const char *name, size_t max, char **ret,
	size_t *ret_len, struct zh_err *err)
{
	struct zh_ar_entry e;
	struct {
		char *data;
		size_t len;
	} b = {NULL, 0};
	const void *p;
	size_t n;
	int rc;

	rc = zh_ar_next(ar, &e, err);
	if (rc == ZH_ENOENT)
		return zh_err_set(err, ZH_EMISSING, "%s: no '%s' (the archive has no more entries)",
			what, name);
	if (rc != 0)
		return rc;
	if (strcmp(e.name, name) != 0)
		return entry_fail(err, ZH_EMISSING, what, e.name, "found where '%s' must be", name);
	if (e.type != ZH_AR_FILE || e.encrypted)
		return entry_fail(err, ZH_EUNSAFE, what, e.name, "not a plain file");
	if (e.size > (int64_t)max)
		return entry_fail(err, ZH_ETOOBIG, what, e.name, "over the %zu byte limit", max);
	b.data = zh_malloc(max + 1);
	if (b.data == NULL)
		return zh_err_set(err, ZH_ENOMEM, "%s: cannot read '%s'", what, name);
	for (;;) {
		rc = zh_ar_read(ar, &p, &n, err);
		if (rc != 0)
			goto out;
		if (n == 0)
			break;
		if (n > max - b.len) {
			rc = entry_fail(err, ZH_ETOOBIG, what, name, "over the %zu byte limit",
				max);
			goto out;
		}
		memcpy(b.data + b.len, p, n);
		b.len += n;
	}
	b.data[b.len] = '\0';
	*ret = b.data;
	*ret_len = b.len;
	b.data = NULL;
out:
	zh_free(b.data);
	return rc;
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

/*
 * Hashing large files on a second thread, so that SHA-256 runs beside inflating and writing
 * instead of after them (on two cores a 200 MB file then takes about as long as hashing it
 * alone). The main thread copies each block into a ring of slots and writes the original;
 * the hasher works through the slots in order. A FINAL slot closes a file (the hasher posts
 * "done" with its digest), QUIT ends the thread. The ring holds HASH_SLOTS * HASH_SLOT bytes.
 */
#define HASH_SLOTS 8
#define HASH_SLOT (256 * 1024)
#define HASH_PIPE_MIN (1024 * 1024) /* smaller files are hashed inline */

enum slot_kind {
	SLOT_DATA,
	SLOT_FINAL,
	SLOT_QUIT,
};

struct hash_pipe {
	struct sys_thread *thread;
	struct sys_sem *full, *empty, *done;
	struct zh_sha256 *h;
	char *ring;
	size_t len[HASH_SLOTS];
	enum slot_kind kind[HASH_SLOTS];
	unsigned head, tail;
	uint8_t digest[ZH_SHA256_LEN];
};

static void hasher(void *arg)
{
	struct hash_pipe *hp = arg;

	for (;;) {
		unsigned i;

		sys_sem_wait(hp->full);
		i = hp->tail++ % HASH_SLOTS;
		if (hp->kind[i] == SLOT_QUIT)
			break;
		if (hp->kind[i] == SLOT_FINAL) {
			zh_sha256_final(hp->h, hp->digest);
			sys_sem_post(hp->empty);
			sys_sem_post(hp->done);
			continue;
		}
		zh_sha256_update(hp->h, hp->ring + (size_t)i * HASH_SLOT, hp->len[i]);
		sys_sem_post(hp->empty);
	}
}

/* Queue one slot; data may be NULL for FINAL and QUIT. */
static void pipe_put(struct hash_pipe *hp, enum slot_kind kind, const void *data, size_t n)
{
	unsigned i;

	sys_sem_wait(hp->empty);
	i = hp->head++ % HASH_SLOTS;
	hp->kind[i] = kind;
	hp->len[i] = n;
	if (n > 0)
		memcpy(hp->ring + (size_t)i * HASH_SLOT, data, n);
	sys_sem_post(hp->full);
}

static void pipe_update(struct hash_pipe *hp, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		size_t m = n > HASH_SLOT ? HASH_SLOT : n;

		pipe_put(hp, SLOT_DATA, p, m);
		p += m;
		n -= m;
	}
}

/* Close the current file and wait for its digest. */
static void pipe_final(struct hash_pipe *hp, uint8_t out[ZH_SHA256_LEN])
{
	pipe_put(hp, SLOT_FINAL, NULL, 0);
	sys_sem_wait(hp->done);
	memcpy(out, hp->digest, ZH_SHA256_LEN);
}

static void pipe_free(struct hash_pipe *hp)
{
	if (hp == NULL)
		return;
	if (hp->thread != NULL) {
		pipe_put(hp, SLOT_QUIT, NULL, 0);
		sys_thread_join(hp->thread);
	}
	sys_sem_free(hp->full);
	sys_sem_free(hp->empty);
	sys_sem_free(hp->done);
	zh_sha256_free(hp->h);
	zh_free(hp->ring);
	zh_free(hp);
}

static int pipe_new(struct hash_pipe **ret, struct zh_err *err)
{
	struct hash_pipe *hp = zh_calloc(1, sizeof(*hp));
	int rc;

	if (hp == NULL || (hp->ring = zh_malloc((size_t)HASH_SLOTS * HASH_SLOT)) == NULL) {
		pipe_free(hp);
		return zh_err_set(err, ZH_ENOMEM, "cannot set up hashing");
	}
	if ((rc = zh_sha256_new(&hp->h, err)) != 0 || (rc = sys_sem_new(0, &hp->full, err)) != 0 ||
		(rc = sys_sem_new(HASH_SLOTS, &hp->empty, err)) != 0 ||
		(rc = sys_sem_new(0, &hp->done, err)) != 0 ||
		(rc = sys_thread_start(hasher, hp, &hp->thread, err)) != 0) {
		pipe_free(hp);
		return rc;
	}
	*ret = hp;
	return 0;
}

struct payload {
	struct zh_ar *ar;
	const struct zh_bundle_manifest *m;
	const char *what;
	const char *staging;
	struct zh_strset *seen; /* exact names */
	struct zh_strset *seen_fold; /* case-folded names */
	struct zh_strset *listed_fold; /* case-folded listed names */
	unsigned char *done; /* per listed file */
	struct zh_sha256 *h;
	struct hash_pipe *pipe; /* for large files, made on first use */
	char *last_dir; /* the last directory made below staging */
	int flush; /* flush each staged file before closing it */
	struct zh_keep *keep; /* where staged files stay open, or NULL */
};

/* Make the directories of name below staging (skipped when the last file had the same ones). */
static int make_parent(struct payload *p, const char *name, struct zh_err *err)
{
	const char *slash = strrchr(name, '/');
	char *dir = NULL, *full = NULL;
	int rc = 0;

	if (slash == NULL)
		return 0;
	dir = zh_strndup(name, (size_t)(slash - name));
	if (dir == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot extract '%s'", name);
	if (p->last_dir != NULL && strcmp(p->last_dir, dir) == 0)
		goto out;
	full = join(p->staging, dir);
	if (full == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot extract '%s'", name);
		goto out;
	}
	rc = sys_fs_mkdirs(full, err);
	if (rc != 0)
		goto out;
	zh_free(p->last_dir);
	p->last_dir = dir;
	dir = NULL;
out:
	zh_free(dir);
	zh_free(full);
	return rc;
}

/* Stream one listed entry: size and hash against the listing, to disk if staging. */
static int one_file(struct payload *p, const struct zh_bundle_file *f, const char *name,
	int64_t *ret_bytes, struct zh_err *err)
{
	struct sys_file *out = NULL;
	uint8_t digest[ZH_SHA256_LEN];
	char *path = NULL;
	const void *buf;
	int64_t got = 0;
	size_t n;
	int rc = 0, piped = 0;

	if (f->size >= HASH_PIPE_MIN) {
		if (p->pipe == NULL && (rc = pipe_new(&p->pipe, err)) != 0)
			goto out;
		piped = 1;
	}
	if (p->staging != NULL) {
		rc = make_parent(p, name, err);
		if (rc == 0 && (path = join(p->staging, name)) == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot extract '%s'", name);
		if (rc == 0)
			rc = sys_file_create_scratch(path, &out, err);
		if (rc != 0)
			goto out;
	}
	for (;;) {
		rc = zh_ar_read(p->ar, &buf, &n, err);
		if (rc != 0 || n == 0)
			break;
		/* Never read past the listed size: an endless entry stops here. */
		if ((int64_t)n > f->size - got) {
			rc = entry_fail(err, ZH_ESIZE, p->what, name,
				"longer than the %lld bytes bundle.json lists", (long long)f->size);
			goto out;
		}
		got += (int64_t)n;
		if (piped)
			pipe_update(p->pipe, buf, n);
		else
			zh_sha256_update(p->h, buf, n);
		if (out != NULL && (rc = sys_file_write(out, buf, n, err)) != 0)
			goto out;
	}
	if (rc != 0)
		goto out;
	if (got != f->size) {
		rc = entry_fail(err, ZH_ESIZE, p->what, name, "%lld bytes, bundle.json lists %lld",
			(long long)got, (long long)f->size);
		goto out;
	}
	if (piped) {
		piped = 0;
		pipe_final(p->pipe, digest);
	} else {
		zh_sha256_final(p->h, digest);
	}
	if (memcmp(digest, f->sha256, ZH_SHA256_LEN) != 0) {
		char want[ZH_SHA256_HEX], have[ZH_SHA256_HEX];

		zh_sha256_hex(f->sha256, want);
		zh_sha256_hex(digest, have);
		rc = entry_fail(err, ZH_EHASH, p->what, name,
			"SHA-256 %.16s..., bundle.json lists %.16s...", have, want);
		goto out;
	}
	/* What the transaction engine will move into place must be on disk first. */
	if (p->flush && out != NULL && (rc = sys_file_flush(out, err)) != 0)
		goto out;
	/* Kept open for the install when there is room: it moves through this handle. */
	if (out != NULL && p->keep != NULL) {
		if ((rc = zh_keep_add(p->keep, path, out, err)) < 0)
			goto out;
		if (rc == 1)
			out = NULL;
		rc = 0;
	}
	*ret_bytes += got;
out:
	/* A file given up half way still closes its digest, so the next one starts afresh. */
	if (piped)
		pipe_final(p->pipe, digest);
	if (out != NULL && sys_file_close(out, err) != 0 && rc == 0)
		rc = err != NULL ? err->code : ZH_EIO;
	zh_free(path);
	return rc;
}

/* The checks on an entry before its data, in the order the messages should win. */
static int judge(struct payload *p, const struct zh_ar_entry *e,
	const struct zh_bundle_file **ret_file, struct zh_err *err)
{
	const struct zh_bundle_file *f;
	char *fold = NULL;
	int rc;

	if (e->type == ZH_AR_DIR)
		return entry_fail(err, ZH_EUNSAFE, p->what, e->name,
			"directory entries are not part of a bundle");
	rc = zh_safepath_check(e->name, strlen(e->name), err);
	if (rc != 0) {
		zh_err_wrap(err, "%s: entry", p->what);
		return rc;
	}
	if (e->type == ZH_AR_HARDLINK)
		return entry_fail(err, ZH_ELINK, p->what, e->name, "a hard link");
	if (e->type == ZH_AR_SYMLINK)
		return entry_fail(err, ZH_ELINK, p->what, e->name, "a symbolic link");
	if (e->type != ZH_AR_FILE)
		return entry_fail(err, ZH_EUNSAFE, p->what, e->name, "not a plain file");
	if (e->encrypted)
		return entry_fail(err, ZH_EUNSAFE, p->what, e->name, "encrypted");
	rc = zh_strset_add(p->seen, e->name, err);
	if (rc == 1)
		return entry_fail(err, ZH_EDUP, p->what, e->name, "appears twice in the archive");
	if (rc != 0)
		return rc;
	rc = zh_safepath_fold(e->name, &fold, err);
	if (rc != 0)
		return rc;
	rc = zh_strset_add(p->seen_fold, fold, err);
	if (rc == 1) {
		rc = entry_fail(err, ZH_EDUP, p->what, e->name,
			"collides with an earlier entry (names differing only in case are one "
			"file on Windows)");
		goto out;
	}
	if (rc != 0)
		goto out;
	f = zh_bundle_manifest_find(p->m, e->name);
	if (f == NULL) {
		rc = zh_strset_has(p->listed_fold, fold)
			? entry_fail(err, ZH_EDUP, p->what, e->name,
				  "collides with a listed file that differs only in case")
			: entry_fail(err, ZH_EUNLISTED, p->what, e->name,
				  "not listed in bundle.json");
		goto out;
	}
	if (e->size >= 0 && e->size != f->size) {
		rc = entry_fail(err, ZH_ESIZE, p->what, e->name,
			"the archive says %lld bytes, bundle.json lists %lld", (long long)e->size,
			(long long)f->size);
		goto out;
	}
	*ret_file = f;
out:
	zh_free(fold);
	return rc;
}

static int payload_read(struct zh_ar *ar, const struct zh_bundle_manifest *m, const char *what,
	const char *staging, int flush, struct zh_keep *keep, int64_t *ret_bytes,
	struct zh_err *err);

int zh_bundle_payload(struct zh_ar *ar, const struct zh_bundle_manifest *m, const char *what,
	const char *staging, int64_t *ret_bytes, struct zh_err *err)
{
	return payload_read(ar, m, what, staging, 0, NULL, ret_bytes, err);
}

static int payload_read(struct zh_ar *ar, const struct zh_bundle_manifest *m, const char *what,
	const char *staging, int flush, struct zh_keep *keep, int64_t *ret_bytes,
	struct zh_err *err)
{
	struct payload p;
	struct zh_ar_entry e;
	const struct zh_bundle_file *f = NULL;
	char *fold = NULL;
	size_t i;
	int rc;

	memset(&p, 0, sizeof(p));
	p.ar = ar;
	p.m = m;
	p.what = what;
	p.staging = staging;
	p.flush = flush;
	p.keep = keep;
	p.done = zh_calloc(m->nfiles + 1, 1);
	if (p.done == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "%s: cannot read the payload", what);
		goto out;
	}
	if ((rc = zh_strset_new(&p.seen, err)) != 0 ||
		(rc = zh_strset_new(&p.seen_fold, err)) != 0 ||
		(rc = zh_strset_new(&p.listed_fold, err)) != 0 ||
		(rc = zh_sha256_new(&p.h, err)) != 0)
		goto out;
	for (i = 0; i < m->nfiles; i++) {
		if ((rc = zh_safepath_fold(m->files[i].path, &fold, err)) != 0 ||
			(rc = zh_strset_add(p.listed_fold, fold, err)) < 0)
			goto out;
		zh_free(fold);
		fold = NULL;
	}
	rc = 0;
	for (;;) {
		rc = zh_ar_next(ar, &e, err);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc != 0 || (rc = judge(&p, &e, &f, err)) != 0 ||
			(rc = one_file(&p, f, e.name, ret_bytes, err)) != 0)
			goto out;
		p.done[f - m->files] = 1;
	}
	for (i = 0; i < m->nfiles; i++)
		if (!p.done[i]) {
			rc = entry_fail(err, ZH_EMISSING, what, m->files[i].path,
				"listed in bundle.json but not in the archive");
			goto out;
		}
out:
	zh_free(fold);
	zh_free(p.done);
	zh_free(p.last_dir);
	pipe_free(p.pipe);
	zh_sha256_free(p.h);
	zh_strset_free(p.seen);
	zh_strset_free(p.seen_fold);
	zh_strset_free(p.listed_fold);
	return rc;
}

int zh_bundle_read(zh_ar_source_fn src, void *ctx, const char *what, const struct zh_bundle_opts *o,
	struct zh_bundle_report *rep, struct zh_err *err)
{
	struct zh_ar *ar = NULL;
	struct zh_err rm;
	char *json = NULL, *sig = NULL;
	size_t jlen = 0, siglen = 0;
	int rc, staged = 0;

	memset(rep, 0, sizeof(*rep));
	rc = zh_ar_open(src, ctx, what, &ar, err);
	if (rc != 0)
		goto out;
	if ((rc = read_small(ar, what, ZH_BUNDLE_JSON, ZH_MAX_BUNDLE_JSON, &json, &jlen, err)) !=
			0 ||
		(rc = read_small(ar, what, ZH_BUNDLE_SIG, ZH_MAX_SIG_BYTES, &sig, &siglen, err)) !=
			0)
		goto out;
	rc = zh_sign_verify(o->trust, json, jlen, sig, siglen, o->fallback_time, o->now, &rep->sig,
		err);
	if (rc != 0) {
		zh_err_wrap(err, "%s: signature of bundle.json", what);
		goto out;
	}
	rc = zh_bundle_manifest_parse(json, jlen, &rep->manifest, err);
	if (rc != 0) {
		zh_err_wrap(err, "%s", what);
		goto out;
	}
	if ((o->expect_id != NULL && strcmp(o->expect_id, rep->manifest->id) != 0) ||
		(o->expect_version != NULL &&
			strcmp(o->expect_version, rep->manifest->version) != 0)) {
		rc = zh_err_set(err, ZH_EMISMATCH, "%s: holds %s %s where the index lists %s %s",
			what, rep->manifest->id, rep->manifest->version,
			o->expect_id != NULL ? o->expect_id : rep->manifest->id,
			o->expect_version != NULL ? o->expect_version : rep->manifest->version);
		goto out;
	}
	if (o->staging != NULL) {
		rc = sys_fs_mkdir(o->staging, err);
		if (rc != 0)
			goto out;
		staged = 1;
		if ((rc = write_whole(o->staging, ZH_BUNDLE_JSON, json, jlen, err)) != 0 ||
			(rc = write_whole(o->staging, ZH_BUNDLE_SIG, sig, siglen, err)) != 0)
			goto out;
	}
	rc = payload_read(ar, rep->manifest, what, o->staging, o->flush, o->keep, &rep->bytes, err);
out:
	if (rc != 0 && staged) {
		zh_keep_close(o->keep);
		zh_err_init(&rm);
		if (sys_fs_remove_tree(o->staging, &rm) != 0)
			zh_err_wrap(err, "(staging '%s' could not be removed: %s)", o->staging,
				rm.msg);
	}
	zh_ar_close(ar);
	zh_free(json);
	zh_free(sig);
	return rc;
}

int zh_bundle_read_file(const char *path, const struct zh_bundle_opts *o,
	struct zh_bundle_report *rep, struct zh_err *err)
{
	struct zh_ar_file *f = NULL;
	char what[300];
	int rc;

	memset(rep, 0, sizeof(*rep));
	(void)snprintf(what, sizeof(what), "bundle '%s'", path);
	rc = zh_ar_file_open(path, &f, err);
	if (rc == 0)
		rc = zh_bundle_read(zh_ar_file_source, f, what, o, rep, err);
	zh_ar_file_close(f);
	return rc;
}

void zh_bundle_report_release(struct zh_bundle_report *rep)
{
	zh_bundle_manifest_free(rep->manifest);
	memset(rep, 0, sizeof(*rep));
}
