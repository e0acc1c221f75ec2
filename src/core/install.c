/* SPDX-License-Identifier: MIT */
/* Installing and removing components through the transaction engine (install.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install.h"
#include "mem.h"
#include "sign.h"
#include "text.h"
#include "../sys/fs.h"
#include "banned.h"

/* root + "\" + rel with '/' turned into '\'. */
static char *win_join(const char *root, const char *rel)
{
	size_t a = strlen(root), b = strlen(rel), i;
	char *p = zh_malloc(a + b + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, root, a);
	p[a] = '\\';
	for (i = 0; i <= b; i++)
		p[a + 1 + i] = rel[i] == '/' ? '\\' : rel[i];
	return p;
}

static const char *root_path(const struct zh_install_roots *roots, const char *name)
{
	if (strcmp(name, "app") == 0)
		return roots->app;
	if (strcmp(name, "common_files") == 0)
		return roots->common_files;
	if (strcmp(name, "system") == 0)
		return roots->system;
	if (strcmp(name, "programdata") == 0)
		return roots->programdata;
	return NULL;
}

/* The directory part of a Windows path, or NULL (no separator, or out of memory). */
static char *parent_of(const char *path)
{
	const char *sep = strrchr(path, '\\');

	return sep == NULL ? NULL : zh_strndup(path, (size_t)(sep - path));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct plan {
	struct zh_txn_put *puts;
	char **dsts; /* owned: the installed paths */
	char **srcs; /* owned: the staged paths */
	char *hex; /* 65 bytes per file */
	size_t n;
};

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		zh_free(p->dsts[i]);
		zh_free(p->srcs[i]);
	}
	zh_free(p->puts);
	zh_free(p->dsts);
	zh_free(p->srcs);
	zh_free(p->hex);
}

static int cmp_put_src(const void *a, const void *b)
{
	return strcmp((*(struct zh_txn_put *const *)a)->src, (*(struct zh_txn_put *const *)b)->src);
}

/*
 * A staged file that two steps copy cannot be moved by either (the first move would take it
 * from the second): those are copied. Sorted by source, equal ones are neighbours.
 */
static int copy_shared(struct plan *p, struct zh_err *err)
{
	struct zh_txn_put **v = zh_calloc(p->n + 1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < p->n; i++)
		v[i] = &p->puts[i];
	qsort(v, p->n, sizeof(*v), cmp_put_src);
	for (i = 1; i < p->n; i++)
		if (strcmp(v[i]->src, v[i - 1]->src) == 0)
			v[i]->move = v[i - 1]->move = 0;
	zh_free(v);
	return 0;
}

static int make_plan(const struct zh_bundle_manifest *m, const char *staged,
	const struct zh_install_roots *roots, struct plan *p, struct zh_err *err)
{
	size_t i, n = m->nsteps;

	memset(p, 0, sizeof(*p));
	p->puts = zh_calloc(n + 1, sizeof(*p->puts));
	p->dsts = zh_calloc(n + 1, sizeof(*p->dsts));
	p->srcs = zh_calloc(n + 1, sizeof(*p->srcs));
	p->hex = zh_calloc(n + 1, ZH_SHA256_HEX);
	if (p->puts == NULL || p->dsts == NULL || p->srcs == NULL || p->hex == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot plan the install of '%s'", m->id);
	for (i = 0; i < n; i++) {
		const struct zh_bundle_step *s = &m->steps[i];
		const struct zh_bundle_file *f;
		const char *root;

		if (s->op != ZH_STEP_COPY)
			return zh_err_set(err, ZH_ENOTSUP,
				"'%s' %s: step %zu runs a program, which cannot be undone", m->id,
				m->version, i + 1);
		root = root_path(roots, s->dst_root);
		if (root == NULL || root[0] == '\0')
			return zh_err_set(err, ZH_EINVAL, "'%s': no folder for dst_root '%s' here",
				m->id, s->dst_root);
		f = zh_bundle_manifest_find(m, s->src);
		if (f == NULL)
			return zh_err_set(err, ZH_EMANIFEST, "'%s': step %zu copies unlisted '%s'",
				m->id, i + 1, s->src);
		p->dsts[p->n] = win_join(root, s->dst);
		p->srcs[p->n] = win_join(staged, s->src);
		if (p->dsts[p->n] == NULL || p->srcs[p->n] == NULL) {
			p->n++;
			return zh_err_set(err, ZH_ENOMEM, "cannot plan the install of '%s'", m->id);
		}
		zh_sha256_hex(f->sha256, p->hex + p->n * ZH_SHA256_HEX);
		p->puts[p->n].path = p->dsts[p->n];
		p->puts[p->n].src = p->srcs[p->n];
		p->puts[p->n].sha256 = p->hex + p->n * ZH_SHA256_HEX;
		p->puts[p->n].move = 1;
		p->n++;
	}
	return copy_shared(p, err);
}

/* Create every parent directory the plan needs (each distinct one once, sorted). */
static int make_dirs(struct zh_txn *t, const struct plan *p, struct zh_err *err)
{
	char **dirs = zh_calloc(p->n + 1, sizeof(*dirs));
	size_t i, j, nd = 0;
	int rc = 0;

	if (dirs == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < p->n && rc == 0; i++)
		if ((dirs[nd] = parent_of(p->dsts[i])) != NULL)
			nd++;
	qsort(dirs, nd, sizeof(*dirs), cmp_str);
	/* Each distinct one once (sorted: equal ones are neighbours). */
	for (i = 0, j = 0; i < nd; i++) {
		if (j > 0 && strcmp(dirs[i], dirs[j - 1]) == 0)
			zh_free(dirs[i]);
		else
			dirs[j++] = dirs[i];
	}
	rc = zh_txn_dir_create_many(t, (const char *const *)dirs, j, err);
	for (i = 0; i < j; i++)
		zh_free(dirs[i]);
	zh_free(dirs);
	return rc;
}

/* Is path an empty directory? */
static int dir_empty(const char *path, int *ret, struct zh_err *err)
{
	struct sys_dir *d = NULL;
	enum sys_fs_kind kind;
	const char *name;
	int rc = sys_dir_open(path, &d, err);

	*ret = 0;
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = sys_dir_next(d, &name, &kind, err);
	if (rc == 0)
		*ret = name == NULL;
	sys_dir_close(d);
	return rc;
}

static int is_root(const struct zh_install_roots *roots, const char *dir)
{
	const char *r[] = {roots->app, roots->common_files, roots->system, roots->programdata};
	size_t i, n = strlen(dir);

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		char *head;
		int above;

		if (r[i] == NULL || strlen(r[i]) < n)
			continue;
		/* dir is a root, or a folder above one. */
		if ((head = zh_strndup(r[i], n)) == NULL)
			return 1;
		above = zh_ascii_ieq(head, dir) && (r[i][n] == '\0' || r[i][n] == '\\');
		zh_free(head);
		if (above)
			return 1;
	}
	return 0;
}

/* Remove the directories of the given files that are now empty, deepest first, up to roots. */
static int prune_dirs(struct zh_txn *t, char **paths, size_t n,
	const struct zh_install_roots *roots, struct zh_err *err)
{
	char **dirs = NULL;
	size_t i, nd = 0, cap = 0;
	int rc = 0, empty;

	for (i = 0; i < n && rc == 0; i++) {
		char *d = parent_of(paths[i]);

		while (d != NULL && !is_root(roots, d)) {
			char *up;

			if (nd == cap) {
				size_t nc = cap ? cap * 2 : 32;
				char **p = zh_realloc(dirs, nc * sizeof(*dirs));

				if (p == NULL) {
					zh_free(d);
					rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
					break;
				}
				dirs = p;
				cap = nc;
			}
			up = parent_of(d);
			dirs[nd++] = d;
			d = up;
		}
		zh_free(d);
	}
	if (rc == 0)
		qsort(dirs, nd, sizeof(*dirs), cmp_str);
	/* Reverse sorted order puts every directory after the ones below it. */
	for (i = nd; i-- > 0 && rc == 0;) {
		if (i + 1 < nd && strcmp(dirs[i], dirs[i + 1]) == 0)
			continue;
		if ((rc = dir_empty(dirs[i], &empty, err)) == 0 && empty)
			rc = zh_txn_dir_remove(t, dirs[i], err);
	}
	for (i = 0; i < nd; i++)
		zh_free(dirs[i]);
	zh_free(dirs);
	return rc;
}

int zh_install_bundle(struct zh_txn *t, struct zh_db *db, const struct zh_bundle_manifest *m,
	const char *staged, const struct zh_install_roots *roots, struct zh_err *err)
{
	struct zh_db_component old, rec;
	char **gone = NULL;
	size_t i, j, ngone = 0;
	struct plan p;
	int rc;

	memset(&old, 0, sizeof(old));
	memset(&rec, 0, sizeof(rec));
	if ((rc = make_plan(m, staged, roots, &p, err)) != 0)
		goto out;
	rc = zh_db_component_get(db, m->id, &old, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	if (rc != 0)
		goto out;
	if ((rc = make_dirs(t, &p, err)) != 0 ||
		(rc = zh_txn_file_put_many(t, p.puts, p.n, err)) != 0)
		goto out;
	/* Files of the version replaced that this one does not have. */
	if (old.nfiles > 0 && (gone = zh_calloc(old.nfiles, sizeof(*gone))) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < old.nfiles; i++) {
		for (j = 0; j < p.n; j++)
			if (zh_ascii_ieq(old.files[i].path, p.dsts[j]))
				break;
		if (j == p.n)
			gone[ngone++] = old.files[i].path;
	}
	if (ngone > 0 &&
		(rc = zh_txn_file_delete_many(t, (const char *const *)gone, ngone, err)) == 0)
		rc = prune_dirs(t, gone, ngone, roots, err);
	if (rc != 0)
		goto out;
	rec.id = m->id;
	rec.version = m->version;
	rec.nfiles = p.n;
	if ((rec.files = zh_calloc(p.n + 1, sizeof(*rec.files))) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < p.n; i++) {
		const struct zh_bundle_file *f = zh_bundle_manifest_find(m, m->steps[i].src);

		rec.files[i].path = p.dsts[i];
		rec.files[i].size = f->size;
		memcpy(rec.files[i].sha256, p.hex + i * ZH_SHA256_HEX, ZH_SHA256_HEX);
	}
	rc = zh_txn_component_set(t, m->id, &rec, err);
out:
	if (rc != 0)
		zh_err_wrap(err, "installing '%s' %s", m->id, m->version);
	zh_free(rec.files);
	zh_free(gone);
	zh_db_component_release(&old);
	plan_free(&p);
	return rc;
}

int zh_install_remove(struct zh_txn *t, struct zh_db *db, const char *id,
	const struct zh_install_roots *roots, struct zh_err *err)
{
	struct zh_db_component c;
	char **paths = NULL;
	size_t i;
	int rc = zh_db_component_get(db, id, &c, err);

	if (rc != 0)
		return rc;
	if (c.nregs > 0 || c.ncerts > 0) {
		rc = zh_err_set(err, ZH_EINVAL,
			"'%s' records the settings a repair made, not a component: undo them with "
			"rollback",
			id);
		zh_db_component_release(&c);
		return rc;
	}
	if (c.nfiles > 0 && (paths = zh_calloc(c.nfiles, sizeof(*paths))) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < c.nfiles && rc == 0; i++)
		paths[i] = c.files[i].path;
	if (rc == 0)
		rc = zh_txn_file_delete_many(t, (const char *const *)paths, c.nfiles, err);
	if (rc == 0)
		rc = prune_dirs(t, paths, c.nfiles, roots, err);
	if (rc == 0)
		rc = zh_txn_component_set(t, id, NULL, err);
	if (rc != 0)
		zh_err_wrap(err, "removing '%s'", id);
	zh_free(paths);
	zh_db_component_release(&c);
	return rc;
}

/* --- The DB as the serial store ------------------------------------------------------------ */

#define SERIAL_KEY "index.serial."

static int serial_key(const char *scope, char *key, size_t n, struct zh_err *err)
{
	if ((size_t)snprintf(key, n, "%s%s", SERIAL_KEY, scope) >= n)
		return zh_err_set(err, ZH_EINVAL, "catalog profile id '%s' is too long", scope);
	return 0;
}

static int serials_get(void *ctx, const char *scope, int *ret_found, uint64_t *ret_serial,
	uint8_t ret_sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	const struct zh_db_serials *s = ctx;
	char key[ZH_MAX_SCOPE + sizeof(SERIAL_KEY) + 1], *v = NULL, *end = NULL;
	unsigned long long serial;
	int rc;

	*ret_found = 0;
	if ((rc = serial_key(scope, key, sizeof(key), err)) != 0)
		return rc;
	rc = zh_db_meta_get(s->db, key, &v, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	/* "<serial> <sha256 hex>" */
	serial = strtoull(v, &end, 10);
	if (end == v || *end != ' ' || zh_sha256_unhex(end + 1, ret_sha256) != 0)
		rc = zh_err_set(err, ZH_EDBCORRUPT, "manifest DB: '%s' is malformed", key);
	zh_free(v);
	if (rc == 0) {
		*ret_found = 1;
		*ret_serial = serial;
	}
	return rc;
}

static int serials_put(void *ctx, const char *scope, uint64_t serial,
	const uint8_t sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	const struct zh_db_serials *s = ctx;
	char key[ZH_MAX_SCOPE + sizeof(SERIAL_KEY) + 1], val[32 + ZH_SHA256_HEX],
		hex[ZH_SHA256_HEX];
	int rc;

	if (s->t == NULL)
		return zh_err_set(err, ZH_EINVAL, "the serial is recorded only by an install");
	if ((rc = serial_key(scope, key, sizeof(key), err)) != 0)
		return rc;
	zh_sha256_hex(sha256, hex);
	(void)snprintf(val, sizeof(val), "%llu %s", (unsigned long long)serial, hex);
	return zh_txn_meta_set(s->t, key, val, err);
}

void zh_db_serials_init(struct zh_db_serials *s, struct zh_db *db, struct zh_serial_store *ret)
{
	s->db = db;
	s->t = NULL;
	ret->ctx = s;
	ret->get = serials_get;
	ret->put = serials_put;
}
