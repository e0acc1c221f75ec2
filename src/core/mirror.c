/* SPDX-License-Identifier: MIT */
/* Online mode: a mirror's index and the bundles a run needs, cached and resumable; mirror.h. */
#include <stdio.h>
#include <string.h>

#include "mirror.h"
#include "buf.h"
#include "certpem.h"
#include "fetch.h"
#include "fileutil.h"
#include "index.h"
#include "mem.h"
#include "proxy.h"
#include "sign.h"
#include "../sys/certstore.h"
#include "../sys/fs.h"
#include "../sys/thread.h"
#include "banned.h"

#define ETAG_FILE "index.etag"
#define PART_SUFFIX ".part"

static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, "%s/%s", a, b);
	return s;
}

static char *cat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, "%s%s", a, b);
	return s;
}

/* A missing file is not an error for these: the cache simply does not hold it. */
static int unlink_quiet(const char *path, struct zh_err *err)
{
	struct zh_err e;
	int rc;

	zh_err_init(&e);
	rc = sys_fs_unlink(path, &e);
	if (rc == 0 || rc == ZH_ENOENT)
		return 0;
	return zh_err_sys(err, rc, e.sys, "%s", e.msg);
}

/* Replace dir/name with data: written beside it under a temporary name, then renamed. */
static int put_file(const char *dir, const char *name, const void *data, size_t len,
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	char *path = join(dir, name), *tmp = path != NULL ? cat(path, ".tmp") : NULL;
	int rc;

	if (tmp == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = unlink_quiet(tmp, err)) != 0 || (rc = sys_file_create_scratch(tmp, &f, err)) != 0)
		goto out;
	rc = sys_file_write(f, data, len, err);
	if (sys_file_close(f, rc == 0 ? err : NULL) != 0 && rc == 0)
		rc = err->code;
	if (rc == 0)
		rc = sys_fs_rename(tmp, path, err);
	if (rc != 0)
		(void)unlink_quiet(tmp, NULL);
out:
	zh_free(tmp);
	zh_free(path);
	return rc;
}

/* ---- Small files into memory ---------------------------------------------------------------- */

static int to_buf(const void *data, size_t len, void *ctx)
{
	struct zh_err e;

	zh_err_init(&e);
	return zh_buf_add(ctx, data, len, &e);
}

static int buf_restart(void *ctx)
{
	struct zh_buf *b = ctx;
	size_t limit = b->limit;

	zh_buf_release(b);
	zh_buf_init(b, limit);
	return 0;
}

static void req_init(struct zh_fetch_req *q, const struct zh_mirror_opts *o, const char *url)
{
	memset(q, 0, sizeof(*q));
	q->url = url;
	q->ca_pem = o->ca_pem;
	q->ca_len = o->ca_len;
	q->proxy = o->proxy;
	q->proxy_sspi = o->proxy_sspi;
	q->connect_timeout_ms = o->timeout_secs * 1000;
	q->low_speed_secs = o->timeout_secs;
	q->retries = o->retries;
	q->no_html = 1;
}

/* GET url into b (limit max); *ret_res says 304 and the ETag. */
static int get_small(const struct zh_mirror_opts *o, const char *url, size_t max, const char *etag,
	struct zh_buf *b, struct zh_fetch_res *ret_res, struct zh_err *err)
{
	struct zh_fetch_req q;

	zh_buf_init(b, max);
	req_init(&q, o, url);
	q.max_size = (int64_t)max;
	q.if_none_match = etag;
	q.sink = to_buf;
	q.restart = buf_restart;
	q.ctx = b;
	return zh_fetch_get(&q, ret_res, err);
}

/* ---- The index --------------------------------------------------------------------------------
 */

/* The base with its final '/'; only https: the index is signed, the proxy sees no more. */
static int base_url(const char *url, char **ret, struct zh_err *err)
{
	size_t n = strlen(url);

	if (strncmp(url, "https://", 8) != 0 || n == 8)
		return zh_err_set(err, ZH_EINVAL, "'%s': a mirror is an https:// address", url);
	*ret = n > 0 && url[n - 1] == '/' ? zh_strdup(url) : cat(url, "/");
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
}

struct index_bytes {
	struct zh_buf json, sig;
	char etag[128];
	int not_modified;
	long status;
};

static void index_bytes_release(struct index_bytes *ib)
{
	zh_buf_release(&ib->json);
	zh_buf_release(&ib->sig);
}

/* index.json (If-None-Match etag when not NULL) and, unless 304, its signature. */
static int get_index(const struct zh_mirror_opts *o, const char *base, const char *etag,
	struct index_bytes *ib, struct zh_err *err)
{
	struct zh_fetch_res res;
	char *url = cat(base, ZH_INDEX_JSON), *sig_url = cat(base, ZH_INDEX_SIG);
	int rc;

	memset(ib, 0, sizeof(*ib));
	zh_buf_init(&ib->sig, ZH_MAX_SIG_BYTES);
	if (url == NULL || sig_url == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	rc = get_small(o, url, ZH_MAX_INDEX_JSON, etag, &ib->json, &res, err);
	ib->status = res.status;
	if (rc != 0)
		goto out;
	ib->not_modified = res.not_modified;
	(void)snprintf(ib->etag, sizeof(ib->etag), "%s", res.etag);
	if (ib->not_modified)
		goto out;
	rc = get_small(o, sig_url, ZH_MAX_SIG_BYTES, NULL, &ib->sig, &res, err);
	ib->status = res.status;
out:
	zh_free(url);
	zh_free(sig_url);
	return rc;
}

static int verify_index(const struct zh_mirror_opts *o, const char *base,
	const struct index_bytes *ib, struct zh_index **ret, struct zh_err *err)
{
	struct zh_pack_opts po = *o->pack;
	struct zh_sig_info sig;
	char what[600];
	int expired = 0, rc;

	po.index_flags = (po.index_flags | ZH_INDEX_ONLINE) & ~(unsigned)ZH_INDEX_ALLOW_EXPIRED;
	(void)snprintf(what, sizeof(what), "mirror '%s'", base);
	*ret = NULL;
	rc = zh_pack_verify_index(what, ib->json.data, ib->json.len, ib->sig.data, ib->sig.len, &po,
		ret, &sig, &expired, err);
	if (rc != 0) {
		zh_index_free(*ret);
		*ret = NULL;
	}
	return rc;
}

/* The kept index (after a 304): read back from the cache folder. */
static int load_kept(const char *dir, struct index_bytes *ib, struct zh_err *err)
{
	char *j = join(dir, ZH_INDEX_JSON), *s = join(dir, ZH_INDEX_SIG);
	int rc;

	if (j == NULL || s == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	else if ((rc = zh_file_read_all(j, ZH_MAX_INDEX_JSON, &ib->json, err)) == 0)
		rc = zh_file_read_all(s, ZH_MAX_SIG_BYTES, &ib->sig, err);
	zh_free(j);
	zh_free(s);
	return rc;
}

/* The ETag kept with the cached index, or "" (no index kept, or no ETag). */
static void kept_etag(const char *dir, char *out, size_t n)
{
	struct zh_buf b;
	struct zh_err e;
	char *path = join(dir, ETAG_FILE);

	out[0] = '\0';
	zh_err_init(&e);
	if (path != NULL && zh_file_read_all(path, n - 1, &b, &e) == 0) {
		if (b.len > 0 && memchr(b.data, '\n', b.len) == NULL)
			(void)snprintf(out, n, "%s", b.data);
		zh_buf_release(&b);
	}
	zh_free(path);
}

/* A verified index, fetched or (304) the kept one; the cache updated after a fetch. */
static int sync_index(const struct zh_mirror_opts *o, const char *base, const char *dir,
	struct zh_index **ret, struct zh_mirror_result *r, struct zh_err *err)
{
	struct index_bytes ib;
	char etag[128];
	int rc;

	kept_etag(dir, etag, sizeof(etag));
	rc = get_index(o, base, etag[0] != '\0' ? etag : NULL, &ib, err);
	r->http_status = ib.status;
	if (rc == 0 && ib.not_modified) {
		rc = load_kept(dir, &ib, err);
		if (rc == 0)
			rc = verify_index(o, base, &ib, ret, err);
		if (rc == 0) {
			r->index_not_modified = 1;
			goto out;
		}
		/* The kept copy is damaged or stale: drop it and ask for the index again. */
		index_bytes_release(&ib);
		zh_err_init(err);
		rc = get_index(o, base, NULL, &ib, err);
		r->http_status = ib.status;
	}
	if (rc == 0)
		rc = verify_index(o, base, &ib, ret, err);
	if (rc == 0 &&
		((rc = put_file(dir, ZH_INDEX_JSON, ib.json.data, ib.json.len, err)) != 0 ||
			(rc = put_file(dir, ZH_INDEX_SIG, ib.sig.data, ib.sig.len, err)) != 0 ||
			(rc = put_file(dir, ETAG_FILE, ib.etag, strlen(ib.etag), err)) != 0))
		zh_err_wrap(err, "keeping the mirror's index in '%s'", dir);
out:
	if (rc != 0) {
		zh_index_free(*ret);
		*ret = NULL;
	}
	index_bytes_release(&ib);
	return rc;
}

/* ---- Bundles ----------------------------------------------------------------------------------
 */

/*
 * A bundle's bytes on their way into the cache. libcurl hands over one TLS record (16 KiB) per
 * call; writing and hashing each as it came cost zhushou most of its download time under Wine.
 * The sink copies into a PART_SLOT slot instead; a full slot is written with one call and
 * then hashed: inline for small bundles, else by a second thread that works through a ring of
 * PART_SLOTS slots in order while the transfer goes on (bundle.c's hash pipe, for downloads).
 * The .part file is always a prefix of the bundle: after a failed write nothing more is
 * written, and what the slot still holds is written when the transfer stops, so a later run
 * resumes from everything that came.
 */
#define PART_SLOTS 4
#define PART_SLOT (256 * 1024)
#define PART_PIPE_MIN (1024 * 1024) /* less to come: hashed inline */

enum part_slot_kind {
	PART_DATA,
	PART_SYNC, /* the hasher is idle once it gets here */
	PART_QUIT,
};

struct part {
	struct sys_file *f;
	char *path;
	struct zh_sha256 *h;
	struct zh_err io;
	const struct zh_mirror_opts *o;
	const char *name;
	char *ring; /* PART_SLOTS slots with the hasher, else one */
	size_t fill; /* bytes in the slot being filled, slot head % PART_SLOTS */
	size_t len[PART_SLOTS];
	enum part_slot_kind kind[PART_SLOTS];
	unsigned head, tail;
	struct sys_thread *thread; /* the hasher, or NULL */
	struct sys_sem *full, *empty, *idle;
};

static char *slot_of(struct part *p, unsigned n)
{
	return p->ring + (size_t)(n % PART_SLOTS) * PART_SLOT;
}

static void part_hasher(void *arg)
{
	struct part *p = arg;

	for (;;) {
		enum part_slot_kind kind;
		unsigned i;

		sys_sem_wait(p->full);
		i = p->tail++ % PART_SLOTS;
		kind = p->kind[i]; /* the slot is the main thread's again once posted empty */
		if (kind == PART_QUIT)
			break;
		if (kind == PART_DATA)
			zh_sha256_update(p->h, slot_of(p, i), p->len[i]);
		sys_sem_post(p->empty);
		if (kind == PART_SYNC)
			sys_sem_post(p->idle);
	}
}

/* Hand the slot being filled to the hasher as kind (n bytes), and take the next one. */
static void part_queue(struct part *p, enum part_slot_kind kind, size_t n)
{
	unsigned i = p->head % PART_SLOTS;

	p->kind[i] = kind;
	p->len[i] = n;
	p->head++;
	sys_sem_post(p->full);
	sys_sem_wait(p->empty);
}

/* Write what the slot holds, then hash it. */
static int part_flush(struct part *p)
{
	char *s = slot_of(p, p->head);
	size_t n = p->fill;

	if (p->io.code != 0)
		return p->io.code; /* past a failed write the file would have a hole */
	if (n == 0)
		return 0;
	p->fill = 0;
	if (sys_file_write(p->f, s, n, &p->io) != 0)
		return p->io.code;
	if (p->thread == NULL)
		zh_sha256_update(p->h, s, n);
	else
		part_queue(p, PART_DATA, n);
	return 0;
}

/* Wait until the hasher has hashed everything queued: then p->h is the main thread's. */
static void part_sync(struct part *p)
{
	if (p->thread == NULL)
		return;
	part_queue(p, PART_SYNC, 0);
	sys_sem_wait(p->idle);
}

/* Hashing on a second thread for what is left to come, when it is worth it. */
static void part_pipe_start(struct part *p, int64_t to_come)
{
	struct zh_err e;
	char *ring;

	if (to_come < PART_PIPE_MIN || (ring = zh_malloc((size_t)PART_SLOTS * PART_SLOT)) == NULL)
		return;
	zh_err_init(&e);
	/* Without them it is hashed inline, as a small bundle is. */
	if (sys_sem_new(0, &p->full, &e) != 0 || sys_sem_new(PART_SLOTS, &p->empty, &e) != 0 ||
		sys_sem_new(0, &p->idle, &e) != 0) {
		zh_free(ring);
		return;
	}
	memcpy(ring, p->ring, p->fill);
	zh_free(p->ring);
	p->ring = ring;
	p->head = p->tail = 0;
	sys_sem_wait(p->empty); /* the slot being filled */
	if (sys_thread_start(part_hasher, p, &p->thread, &e) != 0)
		p->thread = NULL;
}

static void part_pipe_stop(struct part *p)
{
	if (p->thread != NULL) {
		/* The hasher takes no more slots after this one, and gives none back. */
		p->kind[p->head % PART_SLOTS] = PART_QUIT;
		sys_sem_post(p->full);
		sys_thread_join(p->thread);
		p->thread = NULL;
	}
	sys_sem_free(p->full);
	sys_sem_free(p->empty);
	sys_sem_free(p->idle);
	p->full = p->empty = p->idle = NULL;
}

static int part_sink(const void *data, size_t len, void *ctx)
{
	struct part *p = ctx;
	const char *d = data;
	int rc;

	while (len > 0) {
		size_t m = PART_SLOT - p->fill;

		if (m > len)
			m = len;
		memcpy(slot_of(p, p->head) + p->fill, d, m);
		p->fill += m;
		d += m;
		len -= m;
		if (p->fill == PART_SLOT && (rc = part_flush(p)) != 0)
			return rc;
	}
	return 0;
}

/* The server ignored the Range request: start the file and its hash again. */
static int part_restart(struct part *p)
{
	p->fill = 0;
	part_sync(p);
	(void)sys_file_close(p->f, NULL);
	p->f = NULL;
	zh_sha256_free(p->h);
	p->h = NULL;
	if (unlink_quiet(p->path, &p->io) != 0 || zh_sha256_new(&p->h, &p->io) != 0 ||
		sys_file_create_scratch(p->path, &p->f, &p->io) != 0)
		return p->io.code;
	return 0;
}

static int part_restart_cb(void *ctx)
{
	return part_restart(ctx);
}

static void part_progress(int64_t have, int64_t total, void *ctx)
{
	struct part *p = ctx;

	if (p->o->progress != NULL)
		p->o->progress(p->name, have, total, p->o->ctx);
}

/* Open the partial file (hashing what it holds: *ret_have bytes) or start a new one. */
static int part_open(struct part *p, int64_t max, int64_t *ret_have, struct zh_err *err)
{
	unsigned char buf[64 * 1024];
	size_t got;
	int64_t have = 0;
	int rc;

	if ((rc = zh_sha256_new(&p->h, err)) != 0)
		return rc;
	rc = sys_file_open_scratch(p->path, &p->f, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		*ret_have = 0;
		return sys_file_create_scratch(p->path, &p->f, err);
	}
	if (rc != 0)
		return rc;
	for (;;) {
		if ((rc = sys_file_read(p->f, buf, sizeof(buf), &got, err)) != 0)
			return rc;
		if (got == 0)
			break;
		zh_sha256_update(p->h, buf, got);
		have += (int64_t)got;
	}
	if (have > max) {
		/* Longer than the bundle listed now (an older index's file): start over. */
		if ((rc = part_restart(p)) != 0)
			return zh_err_sys(err, rc, p->io.sys, "%s", p->io.msg);
		have = 0;
	}
	*ret_have = have;
	return 0;
}

/* A complete bundle already in the cache: its size and hash are the listed ones. */
static int kept_whole(const char *path, const struct zh_index_bundle *b)
{
	char hex[ZH_SHA256_HEX], want_hex[ZH_SHA256_HEX];
	enum sys_fs_kind kind = SYS_FS_NONE;
	int64_t size = -1;
	struct zh_err e;
	int exists = 0;

	zh_err_init(&e);
	if (sys_fs_stat(path, &kind, &size, &e) != 0 || kind != SYS_FS_FILE || size != b->size)
		return 0;
	if (zh_file_sha256_hex(path, hex, &exists, &e) != 0 || !exists)
		return 0;
	zh_sha256_hex(b->sha256, want_hex);
	return strcmp(hex, want_hex) == 0;
}

static int get_bundle(const struct zh_mirror_opts *o, const char *base, const char *dir,
	const struct zh_index_bundle *b, struct zh_mirror_item *it, struct zh_err *err)
{
	struct zh_fetch_req q;
	struct zh_fetch_res res;
	struct part p;
	uint8_t digest[ZH_SHA256_LEN];
	char *url = cat(base, b->path), *path = join(dir, b->path), *slash;
	int64_t have = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	zh_err_init(&p.io);
	p.o = o;
	p.name = b->path;
	if (url == NULL || path == NULL || (p.path = cat(path, PART_SUFFIX)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	if (kept_whole(path, b)) {
		rc = 0;
		goto out;
	}
	slash = strrchr(p.path, '/');
	if (slash != NULL) {
		*slash = '\0';
		rc = sys_fs_mkdirs(p.path, err);
		*slash = '/';
		if (rc != 0)
			goto out;
	}
	if ((rc = part_open(&p, b->size, &have, err)) != 0)
		goto out;
	if ((p.ring = zh_malloc(PART_SLOT)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	part_pipe_start(&p, b->size - have);
	it->resumed_from = have;
	req_init(&q, o, url);
	q.offset = have;
	q.max_size = b->size;
	q.sink = part_sink;
	q.restart = part_restart_cb;
	q.progress = part_progress;
	q.ctx = &p;
	if (have < b->size) {
		rc = zh_fetch_get(&q, &res, err);
		it->fetched = res.fetched;
		it->attempts = res.attempts;
		it->micros = res.micros;
		have = res.have;
		/* All that came goes into the file: what a failed transfer leaves is resumed. */
		if (part_flush(&p) != 0 && rc == 0)
			rc = ZH_EIO; /* reported from p.io below */
		if (rc != 0 && p.io.code != 0) {
			/* The cache could not keep what came (a full disk): that is the reason. */
			zh_err_init(err);
			rc = zh_err_sys(err, p.io.code, p.io.sys,
				"keeping %s%s in the download cache: %s", base, b->path, p.io.msg);
		}
		if (rc != 0)
			goto out; /* the partial file stays for the next run */
	}
	part_sync(&p);
	rc = sys_file_close(p.f, err);
	p.f = NULL;
	if (rc != 0)
		goto out;
	zh_sha256_final(p.h, digest);
	if (have != b->size)
		rc = zh_err_set(err, ZH_ESIZE, "%s%s: %lld bytes came, the index lists %lld", base,
			b->path, (long long)have, (long long)b->size);
	else if (memcmp(digest, b->sha256, ZH_SHA256_LEN) != 0)
		rc = zh_err_set(err, ZH_EHASH,
			"%s%s: the download's SHA-256 differs from the index: not the listed "
			"bundle",
			base, b->path);
	if (rc != 0) {
		/* Not the listed file: what is held cannot be resumed into it. */
		(void)unlink_quiet(p.path, NULL);
		goto out;
	}
	rc = sys_fs_rename(p.path, path, err);
out:
	part_pipe_stop(&p);
	(void)sys_file_close(p.f, NULL);
	zh_sha256_free(p.h);
	zh_free(p.ring);
	zh_free(p.path);
	zh_free(path);
	zh_free(url);
	return rc;
}

static const struct zh_index_bundle *find_id(const struct zh_index *idx, const char *id)
{
	size_t i;

	for (i = 0; i < idx->nbundles; i++)
		if (strcmp(idx->bundles[i].id, id) == 0)
			return &idx->bundles[i];
	return NULL;
}

static int cache_dir(const struct zh_mirror_opts *o, const char *base, char **ret,
	struct zh_err *err)
{
	uint8_t d[ZH_SHA256_LEN];
	char hex[ZH_SHA256_HEX];
	int rc;

	if ((rc = zh_sha256(base, strlen(base), d, err)) != 0)
		return rc;
	zh_sha256_hex(d, hex);
	hex[16] = '\0';
	if ((*ret = join(o->cache_root, hex)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	if ((rc = sys_fs_mkdirs(*ret, err)) != 0)
		zh_err_wrap(err, "the download cache");
	return rc;
}

/*
 * The roots a mirror's server must chain to: the caller's, else what Windows trusts for this
 * user (LocalMachine Root, then CurrentUser Root when there is one), read without changing a
 * store; *lo is o with them. Where there are no stores (posix) libcurl's own are used.
 */
static int roots_load(const struct zh_mirror_opts *o, struct zh_mirror_opts *lo, struct zh_buf *b,
	struct zh_err *err)
{
	struct zh_err e;
	int rc;

	*lo = *o;
	zh_buf_init(b, 16 * 1024 * 1024);
	if (o->ca_pem != NULL)
		return 0;
	rc = zh_cert_store_pem(SYS_CERT_LOCAL_MACHINE, "Root", b, err);
	if (rc == ZH_ENOTSUP) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	zh_err_init(&e);
	rc = zh_cert_store_pem(SYS_CERT_CURRENT_USER, "Root", b, &e);
	if (rc == ZH_ENOMEM || rc == ZH_ETOOBIG)
		return zh_err_sys(err, rc, e.sys, "%s", e.msg);
	lo->ca_pem = b->data;
	lo->ca_len = b->len;
	return 0;
}

int zh_mirror_fetch(const struct zh_mirror_opts *o, struct zh_mirror_result *ret,
	struct zh_err *err)
{
	struct zh_mirror_opts lo;
	struct zh_buf roots;
	struct zh_index *idx = NULL;
	const struct zh_index_bundle *b;
	size_t i;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if ((rc = roots_load(o, &lo, &roots, err)) != 0)
		goto out;
	o = &lo;
	if ((rc = base_url(o->url, &ret->url, err)) != 0 ||
		(rc = cache_dir(o, ret->url, &ret->dir, err)) != 0 ||
		(rc = sync_index(o, ret->url, ret->dir, &idx, ret, err)) != 0)
		goto out;
	if (o->nwant > 0 && (ret->items = zh_calloc(o->nwant, sizeof(*ret->items))) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < o->nwant; i++) {
		if ((b = find_id(idx, o->want[i])) == NULL) {
			rc = zh_err_set(err, ZH_EMISSING,
				"mirror '%s': no bundle of '%s' in its index (serial %llu)",
				ret->url, o->want[i], (unsigned long long)idx->serial);
			goto out;
		}
		if ((ret->items[i].path = zh_strdup(b->path)) == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		ret->items[i].size = b->size;
		ret->nitems = i + 1;
		if ((rc = get_bundle(o, ret->url, ret->dir, b, &ret->items[i], err)) != 0)
			goto out;
	}
out:
	zh_index_free(idx);
	zh_buf_release(&roots);
	return rc;
}

const char **zh_mirror_paths(const struct zh_mirror_result *r)
{
	const char **p = zh_calloc(r->nitems + 1, sizeof(*p));
	size_t i;

	if (p != NULL)
		for (i = 0; i < r->nitems; i++)
			p[i] = r->items[i].path;
	return p;
}

void zh_mirror_result_release(struct zh_mirror_result *r)
{
	size_t i;

	for (i = 0; i < r->nitems; i++)
		zh_free(r->items[i].path);
	zh_free(r->items);
	zh_free(r->dir);
	zh_free(r->url);
	memset(r, 0, sizeof(*r));
}

int zh_mirror_probe(const struct zh_mirror_opts *o, uint64_t *ret_serial, long *ret_status,
	struct zh_err *err)
{
	struct zh_mirror_opts lo;
	struct zh_buf roots;
	struct index_bytes ib;
	struct zh_index *idx = NULL;
	char *base = NULL;
	int rc;

	*ret_status = 0;
	memset(&ib, 0, sizeof(ib));
	if ((rc = roots_load(o, &lo, &roots, err)) != 0 ||
		(rc = base_url(o->url, &base, err)) != 0) {
		zh_buf_release(&roots);
		return rc;
	}
	o = &lo;
	rc = get_index(o, base, NULL, &ib, err);
	*ret_status = ib.status;
	if (rc == 0)
		rc = verify_index(o, base, &ib, &idx, err);
	if (rc == 0)
		*ret_serial = idx->serial;
	zh_index_free(idx);
	index_bytes_release(&ib);
	zh_buf_release(&roots);
	zh_free(base);
	return rc;
}

int zh_mirror_check(const char *url, const char *cli_proxy, long timeout_secs,
	const char *extra_pem, int64_t now, struct zh_mirror_state *st, struct zh_err *err)
{
	struct zh_mirror_opts mo;
	struct zh_pack_opts po;
	struct zh_proxy proxy;
	struct zh_trust *trust = NULL;
	struct zh_err e;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(&proxy, 0, sizeof(proxy));
	zh_err_init(&e);
	if ((st->url = zh_strdup(url)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	rc = zh_proxy_for_url(url, cli_proxy, &proxy, &e);
	if (rc == ZH_ENOMEM || rc == ZH_EUSAGE) {
		zh_err_sys(err, rc, e.sys, "%s", e.msg);
		return rc;
	}
	if (rc == 0) {
		(void)snprintf(st->proxy, sizeof(st->proxy), "%s", proxy.how);
		rc = zh_trust_builtin(&trust, &e);
	}
	if (rc == 0 && extra_pem != NULL)
		rc = zh_trust_add_pem(trust, extra_pem, strlen(extra_pem), "policy", &e);
	if (rc == 0) {
		memset(&po, 0, sizeof(po));
		po.trust = trust;
		po.now = now;
		po.index_flags = ZH_INDEX_ONLINE;
		memset(&mo, 0, sizeof(mo));
		mo.url = url;
		mo.pack = &po;
		mo.proxy = proxy.url;
		mo.proxy_sspi = proxy.sspi;
		mo.timeout_secs = timeout_secs;
		rc = zh_mirror_probe(&mo, &st->serial, &st->http_status, &e);
	}
	st->code = rc;
	if (rc != 0 && (st->why = zh_strdup(e.msg)) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	else
		rc = 0;
	zh_trust_free(trust);
	zh_proxy_release(&proxy);
	return rc;
}

void zh_mirror_state_release(struct zh_mirror_state *st)
{
	zh_free(st->url);
	zh_free(st->why);
	memset(st, 0, sizeof(*st));
}
