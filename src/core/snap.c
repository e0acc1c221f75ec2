/* SPDX-License-Identifier: MIT */
/* Component snapshots; see snap.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "snap.h"
#include "fileutil.h"
#include "mem.h"
#include "regtree.h"
#include "sign.h"
#include "../sys/fs.h"
#include "banned.h"

#define SNAP_VERSION 2
#define ZH_MAX_SNAP_BLOB (16 * 1024 * 1024)

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = zh_malloc(la + lb + 2);

	if (p != NULL) {
		memcpy(p, a, la);
		p[la] = '/';
		memcpy(p + la + 1, b, lb + 1);
	}
	return p;
}

/* Copy the tree at src into dst (created); with only_changed, skip files already equal. */
static int copy_tree(const char *src, const char *dst, int only_changed, int depth,
	struct zh_err *err)
{
	struct sys_dir *d = NULL;
	const char *name;
	enum sys_fs_kind kind;
	int rc;

	if (depth > ZH_MAX_SNAP_DEPTH)
		return zh_err_set(err, ZH_ETOOBIG, "'%s' is nested too deeply", src);
	if ((rc = sys_fs_mkdirs(dst, err)) != 0 || (rc = sys_dir_open(src, &d, err)) != 0)
		return rc;
	while ((rc = sys_dir_next(d, &name, &kind, err)) == 0 && name != NULL) {
		char *s = join(src, name), *t = join(dst, name), *tmp = NULL;
		char hs[ZH_SHA256_HEX], ht[ZH_SHA256_HEX];
		int es = 0, et = 0;

		if (s == NULL || t == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot copy '%s'", src);
		} else if (kind == SYS_FS_DIR) {
			rc = copy_tree(s, t, only_changed, depth + 1, err);
		} else if (kind == SYS_FS_FILE) {
			if (only_changed && (rc = zh_file_sha256_hex(s, hs, &es, err)) == 0 &&
				(rc = zh_file_sha256_hex(t, ht, &et, err)) == 0 && et &&
				strcmp(hs, ht) == 0) {
				/* Already as it was. */
			} else if (rc == 0 && (tmp = join(dst, ".zh-restore.tmp")) == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "cannot copy '%s'", s);
			} else if (rc == 0) {
				/* Copy beside the target, then rename over it: never half a file.
				 */
				(void)sys_fs_unlink(tmp, NULL);
				if ((rc = zh_file_copy(s, tmp, err)) == 0)
					rc = sys_fs_rename(tmp, t, err);
			}
		}
		zh_free(tmp);
		zh_free(s);
		zh_free(t);
		if (rc != 0)
			break;
	}
	sys_dir_close(d);
	return rc;
}

static int put_key(struct zh_buf *out, const struct zh_snap_key *k, const struct zh_buf *tree,
	struct zh_err *err)
{
	int rc;

	if ((rc = zh_buf_add(out, "K", 1, err)) != 0 ||
		(rc = zh_buf_add_u32(out, (uint32_t)k->root, err)) != 0 ||
		(rc = zh_buf_add_u32(out, (uint32_t)k->view, err)) != 0 ||
		(rc = zh_buf_add_lp(out, k->key, strlen(k->key), err)) != 0 ||
		(rc = zh_buf_add_u32(out, tree->len > 0, err)) != 0)
		return rc;
	return zh_buf_add_lp(out, tree->data, tree->len, err);
}

/* backup/dN or backup/fN (zh_free). */
static char *numbered(const char *backup, char tag, size_t n)
{
	size_t len = strlen(backup) + 32;
	char *p = zh_malloc(len);

	if (p != NULL)
		(void)snprintf(p, len, "%s/%c%zu", backup, tag, n);
	return p;
}

int zh_snap_take(const struct zh_snap_spec *spec, const char *backup, struct zh_buf *out,
	struct zh_err *err)
{
	unsigned char v = SNAP_VERSION;
	enum sys_fs_kind kind = SYS_FS_NONE;
	struct zh_buf tree;
	size_t i;
	int rc;

	if ((rc = zh_buf_add(out, &v, 1, err)) != 0)
		return rc;
	for (i = 0; i < spec->ndirs + spec->nfiles; i++) {
		int is_dir = i < spec->ndirs;
		const char *path = is_dir ? spec->dirs[i] : spec->files[i - spec->ndirs];
		char *b = numbered(backup, is_dir ? 'd' : 'f', is_dir ? i : i - spec->ndirs);

		if (b == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot back up '%s'", path);
		if ((rc = sys_fs_stat(path, &kind, NULL, err)) == 0 &&
			(rc = zh_buf_add(out, is_dir ? "D" : "F", 1, err)) == 0 &&
			(rc = zh_buf_add_lp(out, path, strlen(path), err)) == 0 &&
			(rc = zh_buf_add_u32(out, kind == (is_dir ? SYS_FS_DIR : SYS_FS_FILE),
				 err)) == 0) {
			if (is_dir && kind == SYS_FS_DIR)
				rc = copy_tree(path, b, 0, 0, err);
			else if (!is_dir && kind == SYS_FS_FILE &&
				(rc = sys_fs_mkdirs(backup, err)) == 0)
				rc = zh_file_copy(path, b, err);
		}
		zh_free(b);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < spec->nkeys; i++) {
		const struct zh_snap_key *k = &spec->keys[i];

		zh_buf_init(&tree, ZH_MAX_SNAP_BLOB);
		rc = zh_regtree_export(k->root, k->view, k->key, &tree, err);
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
		}
		if (rc == 0)
			rc = put_key(out, k, &tree, err);
		zh_buf_release(&tree);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* One parsed record of a snapshot blob; strings point into a copy owned by the reader. */
struct rec {
	char tag;
	char *path; /* dir or key, NUL-terminated (owned) */
	uint32_t root, view, present;
	const void *tree;
	size_t tree_len;
};

/* Next record into *rec (release rec->path with zh_free); ZH_ENOENT at the end. */
static int next(struct zh_reader *r, struct rec *rec)
{
	const void *p;
	size_t n;

	memset(rec, 0, sizeof(*rec));
	if (r->n == 0)
		return ZH_ENOENT;
	rec->tag = (char)r->p[0];
	r->p++;
	r->n--;
	if (rec->tag == 'D' || rec->tag == 'F') {
		if (zh_read_lp(r, &p, &n) != 0 || zh_read_u32(r, &rec->present) != 0)
			return ZH_EPARSE;
	} else if (rec->tag == 'K') {
		if (zh_read_u32(r, &rec->root) != 0 || zh_read_u32(r, &rec->view) != 0 ||
			zh_read_lp(r, &p, &n) != 0 || zh_read_u32(r, &rec->present) != 0 ||
			zh_read_lp(r, &rec->tree, &rec->tree_len) != 0)
			return ZH_EPARSE;
	} else {
		return ZH_EPARSE;
	}
	rec->path = zh_strndup(p, n);
	return rec->path == NULL ? ZH_ENOMEM : 0;
}

static int open_blob(const void *blob, size_t len, struct zh_reader *r, struct zh_err *err)
{
	r->p = blob;
	r->n = len;
	if (len < 1 || r->p[0] != SNAP_VERSION)
		return zh_err_set(err, ZH_EPARSE, "component snapshot has an unknown format");
	r->p++;
	r->n--;
	return 0;
}

enum action { RESTORE, REMOVE, GONE };

/* Copy the backup of one file back if it is missing or different (beside it, then rename). */
static int restore_file(const char *from, const char *to, struct zh_err *err)
{
	char h1[ZH_SHA256_HEX], h2[ZH_SHA256_HEX], *tmp = NULL, *dir;
	int e1, e2, rc;

	if ((rc = zh_file_sha256_hex(from, h1, &e1, err)) != 0 ||
		(rc = zh_file_sha256_hex(to, h2, &e2, err)) != 0)
		return rc;
	if (!e1 || (e2 && strcmp(h1, h2) == 0))
		return 0;
	tmp = zh_malloc(strlen(to) + 16);
	if (tmp == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot restore '%s'", to);
	(void)snprintf(tmp, strlen(to) + 16, "%s.zh-restore", to);
	dir = zh_strdup(to);
	if (dir != NULL && (strrchr(dir, '\\') != NULL || strrchr(dir, '/') != NULL)) {
		char *a = strrchr(dir, '\\'), *c = strrchr(dir, '/');

		*(a > c ? a : c) = '\0';
		(void)sys_fs_mkdirs(dir, NULL);
	}
	zh_free(dir);
	(void)sys_fs_unlink(tmp, NULL);
	if ((rc = zh_file_copy(from, tmp, err)) == 0)
		rc = sys_fs_rename(tmp, to, err);
	zh_free(tmp);
	return rc;
}

static int walk(const void *blob, size_t len, enum action act, const char *backup, int *ret_gone,
	struct zh_err *err)
{
	struct zh_reader r;
	struct rec rec;
	size_t nd = 0, nf = 0;
	char *b = NULL;
	int rc, seen_key = 0;

	if ((rc = open_blob(blob, len, &r, err)) != 0)
		return rc;
	while ((rc = next(&r, &rec)) == 0) {
		enum sys_reg_root root = (enum sys_reg_root)rec.root;
		enum sys_reg_view view = (enum sys_reg_view)rec.view;

		if (rec.tag == 'D' || rec.tag == 'F') {
			b = numbered(backup != NULL ? backup : "", rec.tag == 'D' ? 'd' : 'f',
				rec.tag == 'D' ? nd++ : nf++);
			if (b == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "cannot restore '%s'", rec.path);
				zh_free(rec.path);
				return rc;
			}
		}
		if (rec.tag == 'D' && act == RESTORE && rec.present)
			rc = copy_tree(b, rec.path, 1, 0, err);
		else if (rec.tag == 'F' && act == RESTORE && rec.present)
			rc = restore_file(b, rec.path, err);
		else if ((rec.tag == 'D' || rec.tag == 'F') && act == REMOVE)
			rc = sys_fs_remove_tree(rec.path, err);
		else if (rec.tag == 'K' && act == RESTORE && rec.present)
			rc = zh_regtree_import(root, view, rec.path, rec.tree, rec.tree_len, err);
		else if (rec.tag == 'K' && (act == REMOVE || (act == RESTORE && !rec.present)))
			rc = sys_reg_delete_tree(root, rec.path, view, err);
		else if (rec.tag == 'K' && act == GONE && rec.present && !seen_key) {
			struct sys_reg_key *k = NULL;

			rc = sys_reg_open(root, rec.path, view, 0, &k, err);
			sys_reg_close(k);
			if (rc == 0)
				*ret_gone = 0;
		}
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
		}
		seen_key |= rec.tag == 'K';
		zh_free(rec.path);
		zh_free(b);
		b = NULL;
		if (rc != 0)
			return rc;
	}
	if (rc == ZH_ENOENT)
		return 0;
	return zh_err_set(err, rc, "component snapshot is damaged");
}

int zh_snap_restore(const void *blob, size_t len, const char *backup, struct zh_err *err)
{
	return walk(blob, len, RESTORE, backup, NULL, err);
}

int zh_snap_remove(const void *blob, size_t len, struct zh_err *err)
{
	return walk(blob, len, REMOVE, NULL, NULL, err);
}

int zh_snap_gone(const void *blob, size_t len, struct zh_err *err)
{
	int gone = 1;

	if (walk(blob, len, GONE, NULL, &gone, err) != 0)
		return 0;
	return gone;
}
