/* SPDX-License-Identifier: MIT */
/* Installing and removing components through the transaction engine (install.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "install.h"
#include "buf.h"
#include "certpem.h"
#include "fileutil.h"
#include "keep.h"
#include "mem.h"
#include "sign.h"
#include "text.h"
#include "../sys/certstore.h"
#include "../sys/fs.h"
#include "../sys/reg.h"
#include "../sys/shell.h"
#include "../sys/svc.h"
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
	if (strcmp(name, "start_menu") == 0)
		return roots->start_menu;
	return NULL;
}

/* s with every ${root} replaced by that install root (ZH_EMANIFEST for an unknown one). */
static int expand(const char *s, const struct zh_install_roots *roots, char **ret,
	struct zh_err *err)
{
	struct zh_buf b;
	const char *p = s, *open, *close;
	int rc = 0;

	zh_buf_init(&b, 64 * 1024);
	while (rc == 0 && (open = strstr(p, "${")) != NULL) {
		char name[32];
		const char *root;

		close = strchr(open, '}');
		if (close == NULL || (size_t)(close - open - 2) >= sizeof(name)) {
			zh_buf_release(&b);
			return zh_err_set(err, ZH_EMANIFEST, "'%s': an unfinished ${...}", s);
		}
		memcpy(name, open + 2, (size_t)(close - open - 2));
		name[close - open - 2] = '\0';
		root = root_path(roots, name);
		if (root == NULL || root[0] == '\0') {
			zh_buf_release(&b);
			return zh_err_set(err, ZH_EMANIFEST, "'%s': no folder for ${%s} here", s,
				name);
		}
		if ((rc = zh_buf_add(&b, p, (size_t)(open - p), err)) == 0)
			rc = zh_buf_adds(&b, root, err);
		p = close + 1;
	}
	if (rc == 0)
		rc = zh_buf_adds(&b, p, err);
	if (rc == 0 && (*ret = zh_buf_take(&b)) == NULL)
		*ret = zh_strdup("");
	if (rc == 0 && *ret == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	zh_buf_release(&b);
	return rc;
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
	int64_t *sizes;
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
	zh_free(p->sizes);
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

static int cert_reads(const struct zh_bundle_manifest *m, const char *src)
{
	size_t i;

	for (i = 0; i < m->nsteps; i++)
		if (m->steps[i].op == ZH_STEP_CERT && strcmp(m->steps[i].src, src) == 0)
			return 1;
	return 0;
}

static int make_plan(const struct zh_bundle_manifest *m, const char *staged,
	const struct zh_install_roots *roots, struct zh_keep *keep, struct plan *p,
	struct zh_err *err)
{
	size_t i, n = m->nsteps;
	int rc;

	memset(p, 0, sizeof(*p));
	p->puts = zh_calloc(n + 1, sizeof(*p->puts));
	p->dsts = zh_calloc(n + 1, sizeof(*p->dsts));
	p->srcs = zh_calloc(n + 1, sizeof(*p->srcs));
	p->hex = zh_calloc(n + 1, ZH_SHA256_HEX);
	p->sizes = zh_calloc(n + 1, sizeof(*p->sizes));
	if (p->puts == NULL || p->dsts == NULL || p->srcs == NULL || p->hex == NULL ||
		p->sizes == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot plan the install of '%s'", m->id);
	for (i = 0; i < n; i++) {
		const struct zh_bundle_step *s = &m->steps[i];
		const struct zh_bundle_file *f;
		const char *root;

		if (s->op == ZH_STEP_RUN)
			return zh_err_set(err, ZH_ENOTSUP,
				"'%s' %s: step %zu runs a program, which cannot be undone", m->id,
				m->version, i + 1);
		if (s->op != ZH_STEP_COPY)
			continue;
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
		p->sizes[p->n] = f->size;
		p->puts[p->n].path = p->dsts[p->n];
		p->puts[p->n].src = p->srcs[p->n];
		p->puts[p->n].sha256 = p->hex + p->n * ZH_SHA256_HEX;
		/* A staged file a cert step reads after the copies stays in staging: copied. */
		p->puts[p->n].move = !cert_reads(m, s->src);
		p->n++;
	}
	if ((rc = copy_shared(p, err)) != 0)
		return rc;
	for (i = 0; i < p->n; i++)
		if (p->puts[i].move)
			p->puts[i].file = zh_keep_slot(keep, p->srcs[i]);
	return 0;
}

/* strcmp with ASCII letters folded: Windows names differing only so are one file. */
static int ascii_icmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a - 'A' + 'a' : (unsigned char)*a;
		int y = *b >= 'A' && *b <= 'Z' ? *b - 'A' + 'a' : (unsigned char)*b;

		if (x != y || x == '\0')
			return x - y;
	}
}

static int cmp_put_path(const void *a, const void *b)
{
	return ascii_icmp((*(struct zh_txn_put *const *)a)->path,
		(*(struct zh_txn_put *const *)b)->path);
}

/*
 * A file put into a directory this bundle creates cannot find anything at its place, unless
 * two steps copy to the same place: such puts are fresh (the engine skips looking there).
 */
static int mark_fresh(struct plan *p, char **made, size_t nmade, struct zh_err *err)
{
	struct zh_txn_put **v;
	size_t i;

	if (nmade == 0)
		return 0;
	if ((v = zh_calloc(p->n + 1, sizeof(*v))) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < p->n; i++) {
		char *dir = parent_of(p->dsts[i]);

		v[i] = &p->puts[i];
		p->puts[i].fresh =
			dir != NULL && bsearch(&dir, made, nmade, sizeof(*made), cmp_str) != NULL;
		zh_free(dir);
	}
	qsort(v, p->n, sizeof(*v), cmp_put_path);
	for (i = 1; i < p->n; i++)
		if (ascii_icmp(v[i]->path, v[i - 1]->path) == 0)
			v[i]->fresh = v[i - 1]->fresh = 0;
	zh_free(v);
	return 0;
}

/*
 * Create every parent directory the plan needs (each distinct one once, sorted), and mark the
 * puts into the ones made here fresh.
 */
static int make_dirs(struct zh_txn *t, struct plan *p, struct zh_err *err)
{
	char **dirs = zh_calloc(p->n + 1, sizeof(*dirs)), **made = NULL;
	size_t i, j, nd = 0, nmade = 0;
	enum sys_fs_kind kind;
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
	/* Which are missing now (sorted still): this transaction makes them, empty. */
	if ((made = zh_calloc(j + 1, sizeof(*made))) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < j && rc == 0; i++)
		if ((rc = sys_fs_stat(dirs[i], &kind, NULL, err)) == 0 && kind == SYS_FS_NONE)
			made[nmade++] = dirs[i];
	if (rc == 0)
		rc = zh_txn_dir_create_many(t, (const char *const *)dirs, j, err);
	if (rc == 0)
		rc = mark_fresh(p, made, nmade, err);
	for (i = 0; i < j; i++)
		zh_free(dirs[i]);
	zh_free(dirs);
	zh_free(made);
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
	const char *r[] = {roots->app, roots->common_files, roots->system, roots->programdata,
		roots->start_menu};
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

/* --- What a component owns besides its copied files ---------------------------------------- */

static int push_file(struct zh_db_component *c, const char *path, int64_t size, const char *hex,
	struct zh_err *err)
{
	struct zh_db_file *v = zh_realloc(c->files, (c->nfiles + 1) * sizeof(*v));

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	c->files = v;
	v = &c->files[c->nfiles];
	if ((v->path = zh_strdup(path)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	v->size = size;
	memcpy(v->sha256, hex, ZH_SHA256_HEX);
	c->nfiles++;
	return 0;
}

static int push_reg(struct zh_db_component *c, enum sys_reg_root root, const char *key,
	const char *name, struct zh_err *err)
{
	struct zh_db_reg *v = zh_realloc(c->regs, (c->nregs + 1) * sizeof(*v));
	size_t i;

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	c->regs = v;
	for (i = 0; i < c->nregs; i++)
		if (v[i].root == (int)root && zh_ascii_ieq(v[i].key, key) &&
			zh_ascii_ieq(v[i].name, name))
			return 0; /* set twice: owned once */
	v = &c->regs[c->nregs];
	v->root = (int)root;
	v->view = SYS_REG_VIEW_64;
	v->key = zh_strdup(key);
	v->name = zh_strdup(name);
	c->nregs++;
	if (v->key == NULL || v->name == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	return 0;
}

static int push_cert(struct zh_db_component *c, const char *store, const char *sha1_hex,
	struct zh_err *err)
{
	struct zh_db_cert *v = zh_realloc(c->certs, (c->ncerts + 1) * sizeof(*v));

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	c->certs = v;
	v = &c->certs[c->ncerts++];
	(void)snprintf(v->store, sizeof(v->store), "%s", store);
	(void)snprintf(v->sha1, sizeof(v->sha1), "%s", sha1_hex);
	return 0;
}

static int push_svc(struct zh_db_component *c, const char *name, struct zh_err *err)
{
	char **v = zh_realloc(c->svcs, (c->nsvcs + 1) * sizeof(*v));

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	c->svcs = v;
	if ((v[c->nsvcs] = zh_strdup(name)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	c->nsvcs++;
	return 0;
}

static int owns_svc(const struct zh_db_component *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsvcs; i++)
		if (zh_ascii_ieq(c->svcs[i], name))
			return 1;
	return 0;
}

static int step_reg(struct zh_txn *t, const struct zh_bundle_step *s,
	const struct zh_install_roots *roots, struct zh_db_component *rec, struct zh_err *err)
{
	enum sys_reg_root root = strcmp(s->root, "HKLM") == 0 ? SYS_REG_HKLM : SYS_REG_HKCU;
	struct zh_buf data;
	char *text = NULL;
	uint8_t dw[4];
	int rc;

	zh_buf_init(&data, 4 * ZH_MAX_MANIFEST_STRING + 2);
	if (strcmp(s->type, "dword") == 0) {
		dw[0] = (uint8_t)s->dword;
		dw[1] = (uint8_t)(s->dword >> 8);
		dw[2] = (uint8_t)(s->dword >> 16);
		dw[3] = (uint8_t)(s->dword >> 24);
		rc = zh_txn_reg_set(t, root, SYS_REG_VIEW_64, s->key, s->name, SYS_REG_DWORD, dw,
			sizeof(dw), err);
	} else if ((rc = expand(s->data, roots, &text, err)) == 0 &&
		(rc = zh_text_utf16le(text, &data, err)) == 0) {
		rc = zh_txn_reg_set(t, root, SYS_REG_VIEW_64, s->key, s->name,
			strcmp(s->type, "sz") == 0 ? SYS_REG_SZ : SYS_REG_EXPAND_SZ, data.data,
			data.len, err);
	}
	if (rc == 0)
		rc = push_reg(rec, root, s->key, s->name, err);
	zh_free(text);
	zh_buf_release(&data);
	return rc;
}

static int step_cert(struct zh_txn *t, const struct zh_bundle_step *s, const char *staged,
	struct zh_db_component *rec, struct zh_err *err)
{
	struct zh_cert *c = NULL;
	struct zh_buf der;
	char *path = win_join(staged, s->src);
	int rc;

	zh_buf_init(&der, 0);
	if (path == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	if ((rc = zh_file_read_all(path, 64 * 1024, &der, err)) == 0 &&
		(rc = zh_cert_from_der(der.data, der.len, &c, err)) != 0)
		zh_err_wrap(err, "'%s'", s->src);
	if (rc == 0 && (rc = zh_txn_cert_add(t, s->store, c->der, c->len, c->sha1, err)) == 0)
		rc = push_cert(rec, s->store, c->sha1_hex, err);
	zh_cert_free(c);
	zh_buf_release(&der);
	zh_free(path);
	return rc;
}

static int step_shortcut(struct zh_txn *t, const struct zh_bundle_step *s, size_t index,
	const char *staged, const struct zh_install_roots *roots, struct zh_db_component *rec,
	struct zh_err *err)
{
	uint8_t digest[ZH_SHA256_LEN];
	char *target = NULL, *args = NULL, *dst = NULL, *dir = NULL, scratch[64], *lnk = NULL;
	char hex[ZH_SHA256_HEX];
	struct zh_buf data;
	int rc;

	zh_buf_init(&data, 0);
	(void)snprintf(scratch, sizeof(scratch), ".shortcut-%zu.lnk", index);
	if (roots->start_menu == NULL || roots->start_menu[0] == '\0')
		return zh_err_set(err, ZH_EINVAL, "no Start menu folder here");
	if ((rc = expand(s->target, roots, &target, err)) != 0 ||
		(rc = expand(s->sargs != NULL ? s->sargs : "", roots, &args, err)) != 0)
		goto out;
	dst = win_join(roots->start_menu, s->dst);
	lnk = win_join(staged, scratch);
	if (dst == NULL || lnk == NULL || (dir = parent_of(dst)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	/* Made in the staging folder, put in place through the journal like any file. */
	if ((rc = sys_shell_link_write(lnk, target, args, s->text, err)) != 0 ||
		(rc = zh_file_read_all(lnk, 1024 * 1024, &data, err)) != 0 ||
		(rc = zh_txn_dir_create(t, dir, err)) != 0 ||
		(rc = zh_txn_file_put_data(t, dst, data.data, data.len, err)) != 0 ||
		(rc = zh_sha256(data.data, data.len, digest, err)) != 0)
		goto out;
	zh_sha256_hex(digest, hex);
	rc = push_file(rec, dst, (int64_t)data.len, hex, err);
out:
	zh_buf_release(&data);
	zh_free(target);
	zh_free(args);
	zh_free(dst);
	zh_free(dir);
	zh_free(lnk);
	return rc;
}

static int step_service(struct zh_txn *t, const struct zh_bundle_step *s,
	const struct zh_install_roots *roots, const struct zh_db_component *old,
	struct zh_db_component *rec, struct zh_err *err)
{
	struct sys_svc_config want, have;
	int exists = 0, running = 0, rc;

	memset(&have, 0, sizeof(have));
	want.display = s->text;
	want.autostart = s->autostart;
	if ((rc = expand(s->command, roots, &want.command, err)) != 0)
		return rc;
	if ((rc = sys_svc_query(s->name, &exists, &running, &have, err)) != 0)
		goto out;
	if (exists && !owns_svc(old, s->name)) {
		rc = zh_err_set(err, ZH_EEXIST,
			"service '%s' is already there and zhushou did not install it", s->name);
		goto out;
	}
	/* The version it replaces had it: kept when it is configured the same way. */
	if (exists &&
		(strcmp(have.command, want.command) != 0 ||
			strcmp(have.display, want.display) != 0 ||
			have.autostart != want.autostart)) {
		if ((rc = zh_txn_service_delete(t, s->name, err)) != 0)
			goto out;
		exists = 0;
	}
	if ((!exists && (rc = zh_txn_service_create(t, s->name, &want, err)) != 0) ||
		(rc = zh_txn_service_start(t, s->name, err)) != 0)
		goto out;
	rc = push_svc(rec, s->name, err);
out:
	sys_svc_config_release(&have);
	zh_free(want.command);
	return rc;
}

/* --- Pruning what is left empty ------------------------------------------------------------- */

struct prune_ops {
	int (*stop)(const char *path, void *ctx); /* never remove path or above */
	int (*empty)(const char *path, int *ret, void *ctx, struct zh_err *err);
	int (*remove)(struct zh_txn *t, const char *path, void *ctx, struct zh_err *err);
	void *ctx;
};

/*
 * Remove the given containers (directories or registry keys) and their parents that are now
 * empty, deepest first, up to where ops->stop says.
 */
static int prune_up(struct zh_txn *t, char **starts, size_t n, const struct prune_ops *ops,
	struct zh_err *err)
{
	char **v = NULL;
	size_t i, nv = 0, cap = 0;
	int rc = 0, empty;

	for (i = 0; i < n && rc == 0; i++) {
		char *d = zh_strdup(starts[i]);

		while (d != NULL && !ops->stop(d, ops->ctx)) {
			char *up;

			if (nv == cap) {
				size_t nc = cap ? cap * 2 : 32;
				char **p = zh_realloc(v, nc * sizeof(*v));

				if (p == NULL) {
					zh_free(d);
					d = NULL;
					rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
					break;
				}
				v = p;
				cap = nc;
			}
			up = parent_of(d);
			v[nv++] = d;
			d = up;
		}
		zh_free(d);
	}
	if (rc == 0)
		qsort(v, nv, sizeof(*v), cmp_str);
	/* Reverse sorted order puts every container after the ones below it. */
	for (i = nv; i-- > 0 && rc == 0;) {
		if (i + 1 < nv && strcmp(v[i], v[i + 1]) == 0)
			continue;
		if ((rc = ops->empty(v[i], &empty, ops->ctx, err)) == 0 && empty)
			rc = ops->remove(t, v[i], ops->ctx, err);
	}
	for (i = 0; i < nv; i++)
		zh_free(v[i]);
	zh_free(v);
	return rc;
}

static int dir_stop(const char *path, void *ctx)
{
	return is_root(ctx, path);
}

static int dir_is_empty(const char *path, int *ret, void *ctx, struct zh_err *err)
{
	(void)ctx;
	return dir_empty(path, ret, err);
}

static int dir_drop(struct zh_txn *t, const char *path, void *ctx, struct zh_err *err)
{
	(void)ctx;
	return zh_txn_dir_remove(t, path, err);
}

/* Remove the directories of the given files that are now empty, up to the roots. */
static int prune_dirs(struct zh_txn *t, char **paths, size_t n,
	const struct zh_install_roots *roots, struct zh_err *err)
{
	struct prune_ops ops = {dir_stop, dir_is_empty, dir_drop, (void *)roots};
	char **dirs = zh_calloc(n + 1, sizeof(*dirs));
	size_t i, nd = 0;
	int rc = 0;

	if (dirs == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if ((dirs[nd] = parent_of(paths[i])) != NULL)
			nd++;
	rc = prune_up(t, dirs, nd, &ops, err);
	for (i = 0; i < nd; i++)
		zh_free(dirs[i]);
	zh_free(dirs);
	return rc;
}

/* Keys: never a hive's first two levels ("SOFTWARE", "SOFTWARE\Vendor" stay if shared). */
static int key_stop(const char *path, void *ctx)
{
	(void)ctx;
	return strchr(path, '\\') == NULL;
}

static int key_is_empty(const char *path, int *ret, void *ctx, struct zh_err *err)
{
	const enum sys_reg_root *root = ctx;
	struct sys_reg_key *k = NULL;
	unsigned subkeys = 0, values = 0;
	int rc = sys_reg_open(*root, path, SYS_REG_VIEW_64, 0, &k, err);

	*ret = 0;
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	rc = sys_reg_counts(k, &subkeys, &values, err);
	sys_reg_close(k);
	*ret = rc == 0 && subkeys == 0 && values == 0;
	return rc;
}

static int key_drop(struct zh_txn *t, const char *path, void *ctx, struct zh_err *err)
{
	const enum sys_reg_root *root = ctx;

	return zh_txn_reg_delete_tree(t, *root, SYS_REG_VIEW_64, path, err);
}

/* Delete the registry values of regs (one root at a time), then the keys left empty. */
static int drop_regs(struct zh_txn *t, const struct zh_db_reg *const *regs, size_t n,
	struct zh_err *err)
{
	enum sys_reg_root roots[] = {SYS_REG_HKLM, SYS_REG_HKCU};
	char **keys = zh_calloc(n + 1, sizeof(*keys));
	size_t i, r, nk;
	int rc = 0;

	if (keys == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (r = 0; r < 2 && rc == 0; r++) {
		struct prune_ops ops = {key_stop, key_is_empty, key_drop, &roots[r]};

		for (i = 0, nk = 0; i < n && rc == 0; i++) {
			if (regs[i]->root != (int)roots[r])
				continue;
			rc = zh_txn_reg_delete(t, roots[r], (enum sys_reg_view)regs[i]->view,
				regs[i]->key, regs[i]->name, err);
			keys[nk++] = regs[i]->key;
		}
		if (rc == 0)
			rc = prune_up(t, keys, nk, &ops, err);
	}
	zh_free(keys);
	return rc;
}

/* Remove what old owns and rec (NULL: nothing) does not: registry values, certificates. */
static int drop_extras(struct zh_txn *t, const struct zh_db_component *old,
	const struct zh_db_component *rec, struct zh_err *err)
{
	const struct zh_db_reg **gone = zh_calloc(old->nregs + 1, sizeof(*gone));
	size_t i, j, ng = 0;
	int rc = 0;

	if (gone == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < old->nregs; i++) {
		for (j = 0; rec != NULL && j < rec->nregs; j++)
			if (rec->regs[j].root == old->regs[i].root &&
				zh_ascii_ieq(rec->regs[j].key, old->regs[i].key) &&
				zh_ascii_ieq(rec->regs[j].name, old->regs[i].name))
				break;
		if (rec == NULL || j == rec->nregs)
			gone[ng++] = &old->regs[i];
	}
	rc = drop_regs(t, gone, ng, err);
	zh_free(gone);
	for (i = 0; i < old->ncerts && rc == 0; i++) {
		uint8_t sha1[20];

		for (j = 0; rec != NULL && j < rec->ncerts; j++)
			if (strcmp(rec->certs[j].store, old->certs[i].store) == 0 &&
				strcmp(rec->certs[j].sha1, old->certs[i].sha1) == 0)
				break;
		if (rec != NULL && j < rec->ncerts)
			continue;
		for (j = 0; j < 20; j++) {
			unsigned v = 0;

			(void)sscanf(old->certs[i].sha1 + 2 * j, "%2x", &v);
			sha1[j] = (uint8_t)v;
		}
		rc = zh_txn_cert_remove(t, old->certs[i].store, sha1, err);
	}
	return rc;
}

/* Delete files (kept for undo) and the directories they leave empty. */
static int drop_files(struct zh_txn *t, char **paths, size_t n,
	const struct zh_install_roots *roots, struct zh_err *err)
{
	int rc;

	if (n == 0)
		return 0;
	rc = zh_txn_file_delete_many(t, (const char *const *)paths, n, err);
	return rc != 0 ? rc : prune_dirs(t, paths, n, roots, err);
}

/* --- Install and remove --------------------------------------------------------------------- */

int zh_install_bundle(struct zh_txn *t, struct zh_db *db, const struct zh_bundle_manifest *m,
	const char *staged, struct zh_keep *keep, const struct zh_install_roots *roots,
	struct zh_err *err)
{
	struct zh_db_component old, rec;
	char **gone = NULL;
	size_t i, j, ngone = 0;
	struct plan p;
	int rc;

	memset(&old, 0, sizeof(old));
	memset(&rec, 0, sizeof(rec));
	if ((rc = make_plan(m, staged, roots, keep, &p, err)) != 0)
		goto out;
	rc = zh_db_component_get(db, m->id, &old, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	if (rc != 0)
		goto out;
	/* Its services run from the files about to be replaced: stopped first. */
	for (i = 0; i < old.nsvcs && rc == 0; i++)
		rc = zh_txn_service_stop(t, old.svcs[i], err);
	if (rc != 0 || (rc = make_dirs(t, &p, err)) != 0 ||
		(rc = zh_txn_file_put_many(t, p.puts, p.n, err)) != 0)
		goto out;
	for (i = 0; i < p.n && rc == 0; i++)
		rc = push_file(&rec, p.dsts[i], p.sizes[i], p.hex + i * ZH_SHA256_HEX, err);
	/* The other steps, in the bundle's order, after every file is in place. */
	for (i = 0; i < m->nsteps && rc == 0; i++) {
		const struct zh_bundle_step *s = &m->steps[i];

		if (s->op == ZH_STEP_REG)
			rc = step_reg(t, s, roots, &rec, err);
		else if (s->op == ZH_STEP_CERT)
			rc = step_cert(t, s, staged, &rec, err);
		else if (s->op == ZH_STEP_SHORTCUT)
			rc = step_shortcut(t, s, i, staged, roots, &rec, err);
		else if (s->op == ZH_STEP_SERVICE)
			rc = step_service(t, s, roots, &old, &rec, err);
		if (rc != 0)
			zh_err_wrap(err, "step %zu", i + 1);
	}
	if (rc != 0)
		goto out;
	/* What the version replaced had and this one does not. */
	for (i = 0; i < old.nsvcs && rc == 0; i++)
		if (!owns_svc(&rec, old.svcs[i]))
			rc = zh_txn_service_delete(t, old.svcs[i], err);
	if (rc == 0 && old.nfiles > 0 && (gone = zh_calloc(old.nfiles, sizeof(*gone))) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < old.nfiles && rc == 0; i++) {
		for (j = 0; j < rec.nfiles; j++)
			if (zh_ascii_ieq(old.files[i].path, rec.files[j].path))
				break;
		if (j == rec.nfiles)
			gone[ngone++] = old.files[i].path;
	}
	if (rc == 0 && (rc = drop_files(t, gone, ngone, roots, err)) == 0 &&
		(rc = drop_extras(t, &old, &rec, err)) == 0) {
		rec.id = m->id;
		rec.version = m->version;
		rc = zh_txn_component_set(t, m->id, &rec, err);
	}
out:
	if (rc != 0)
		zh_err_wrap(err, "installing '%s' %s", m->id, m->version);
	rec.id = rec.version = NULL;
	zh_db_component_release(&rec);
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
	if (strncmp(id, "profile.", 8) == 0) {
		rc = zh_err_set(err, ZH_EINVAL,
			"'%s' records the settings a repair made, not a component: undo them with "
			"rollback",
			id);
		zh_db_component_release(&c);
		return rc;
	}
	/* Services first: they hold their files open. */
	for (i = 0; i < c.nsvcs && rc == 0; i++)
		rc = zh_txn_service_delete(t, c.svcs[i], err);
	if (rc == 0 && c.nfiles > 0 && (paths = zh_calloc(c.nfiles, sizeof(*paths))) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < c.nfiles && rc == 0; i++)
		paths[i] = c.files[i].path;
	if (rc == 0)
		rc = drop_files(t, paths, c.nfiles, roots, err);
	if (rc == 0)
		rc = drop_extras(t, &c, NULL, err);
	if (rc == 0)
		rc = zh_txn_component_set(t, id, NULL, err);
	if (rc != 0)
		zh_err_wrap(err, "removing '%s'", id);
	zh_free(paths);
	zh_db_component_release(&c);
	return rc;
}

/* --- Verifying ------------------------------------------------------------------------------ */

/* Is every file c owns there with its recorded size and hash? *ret_file: the first that is not. */
static int comp_files_ok(const struct zh_db_component *c, char **ret_file, struct zh_err *err)
{
	char hex[ZH_SHA256_HEX];
	size_t i;
	int exists, rc;

	*ret_file = NULL;
	for (i = 0; i < c->nfiles; i++) {
		if ((rc = zh_file_sha256_hex(c->files[i].path, hex, &exists, err)) != 0)
			return rc;
		if (!exists || memcmp(hex, c->files[i].sha256, ZH_SHA256_HEX - 1) != 0) {
			*ret_file = zh_strdup(c->files[i].path);
			return *ret_file == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
		}
	}
	return 0;
}

static int what_printf(char **ret, struct zh_err *err, const char *fmt, const char *a,
	const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;

	if ((*ret = zh_malloc(n)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	(void)snprintf(*ret, n, fmt, a, b);
	return 0;
}

/*
 * Is everything else c registered still there: each registry value, certificate and service?
 * *ret_what: the first that is not.
 */
static int comp_regs_ok(const struct zh_db_component *c, char **ret_what, struct zh_err *err)
{
	size_t i;
	int rc = 0, found = 0, running;

	*ret_what = NULL;
	for (i = 0; i < c->nregs && rc == 0 && *ret_what == NULL; i++) {
		const struct zh_db_reg *r = &c->regs[i];
		struct sys_reg_key *k = NULL;
		enum sys_reg_type type;
		void *data = NULL;
		size_t len;

		rc = sys_reg_open((enum sys_reg_root)r->root, r->key, (enum sys_reg_view)r->view, 0,
			&k, err);
		if (rc == 0) {
			rc = sys_reg_get(k, r->name, &type, &data, &len, err);
			sys_free(data);
			sys_reg_close(k);
		}
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = what_printf(ret_what, err,
				r->root == SYS_REG_HKLM ? "HKLM\\%s\\%s" : "HKCU\\%s\\%s", r->key,
				r->name[0] != '\0' ? r->name : "(default)");
		}
	}
	for (i = 0; i < c->ncerts && rc == 0 && *ret_what == NULL; i++) {
		uint8_t sha1[20];
		size_t j;

		for (j = 0; j < 20; j++) {
			unsigned v = 0;

			(void)sscanf(c->certs[i].sha1 + 2 * j, "%2x", &v);
			sha1[j] = (uint8_t)v;
		}
		rc = sys_cert_present(SYS_CERT_LOCAL_MACHINE, c->certs[i].store, sha1, &found, err);
		if (rc == 0 && !found)
			rc = what_printf(ret_what, err, "certificate %s (%s)", c->certs[i].sha1,
				c->certs[i].store);
	}
	for (i = 0; i < c->nsvcs && rc == 0 && *ret_what == NULL; i++) {
		rc = sys_svc_query(c->svcs[i], &found, &running, NULL, err);
		if (rc == 0 && !found)
			rc = what_printf(ret_what, err, "service %s%s", c->svcs[i], "");
	}
	return rc;
}

int zh_install_verify(const struct zh_db_component *c, char **ret_what, struct zh_err *err)
{
	int rc = comp_files_ok(c, ret_what, err);

	if (rc == 0 && *ret_what == NULL)
		rc = comp_regs_ok(c, ret_what, err);
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
