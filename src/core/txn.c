/* SPDX-License-Identifier: MIT */
/*
 * The transaction engine (see txn.h for the guarantees). Each kind of operation is a row of
 * the ops table: how to run it, how to undo it (idempotently: undo must be correct whether
 * the op ran, half ran or never ran, since a crash can fall anywhere) and how to tell that
 * what it left is still in place (for a later rollback).
 *
 * Registry journal entries: target is "HKLM|64|path" (root|view|key), name the value name,
 * new_* what the op writes, old_* what was there (old_state 0 = absent), and backup, for
 * reg.set, the shallowest key the op had to create (undo removes what it created if empty).
 *
 * File journal entries: target is the path; for file.put, new_data is the new content's
 * SHA-256 (64 hex digits) followed by the source path, name the staging file next to the
 * target, new_type 1 when the source is moved rather than copied; backup is where the old file
 * is kept (a rename into <DB dir>/backup/<txn>/<seq>, kept after commit so that a rollback can
 * restore it; a replace scheduled for the next boot keeps a copy at <backup>.old instead).
 * For dir.create, backup is the shallowest directory the op had to create.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "txn.h"
#include "buf.h"
#include "mem.h"
#include "fileutil.h"
#include "regtree.h"
#include "msi.h"
#include "snap.h"
#include "../sys/proc.h"
#include "../sys/certstore.h"
#include "sign.h"
#include "../sys/fault.h"
#include "../sys/fs.h"
#include "../sys/svc.h"
#include "../sys/mem.h"
#include "banned.h"

struct zh_txn {
	struct zh_db *db;
	int64_t id;
	int seq;
	int finished;
	int reboot; /* a file replace waits for the next boot */
};

/* A registry location decoded from a journal target. */
struct regloc {
	enum sys_reg_root root;
	enum sys_reg_view view;
	const char *key; /* points into the target string */
};

static int encode_target(enum sys_reg_root root, enum sys_reg_view view, const char *key,
	char **ret, struct zh_err *err)
{
	size_t n = strlen(key) + 16;
	char *s = zh_malloc(n);

	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot journal '%s'", key);
	(void)snprintf(s, n, "%s|%s|%s", root == SYS_REG_HKLM ? "HKLM" : "HKCU",
		view == SYS_REG_VIEW_64		  ? "64"
			: view == SYS_REG_VIEW_32 ? "32"
						  : "0",
		key);
	*ret = s;
	return 0;
}

static int decode_target(const char *t, struct regloc *loc, struct zh_err *err)
{
	if (strncmp(t, "HKLM|", 5) == 0)
		loc->root = SYS_REG_HKLM;
	else if (strncmp(t, "HKCU|", 5) == 0)
		loc->root = SYS_REG_HKCU;
	else
		return zh_err_set(err, ZH_EPARSE, "journal target '%s' is malformed", t);
	if (strncmp(t + 5, "64|", 3) == 0)
		loc->view = SYS_REG_VIEW_64;
	else if (strncmp(t + 5, "32|", 3) == 0)
		loc->view = SYS_REG_VIEW_32;
	else if (strncmp(t + 5, "0|", 2) == 0)
		loc->view = SYS_REG_VIEW_DEFAULT;
	else
		return zh_err_set(err, ZH_EPARSE, "journal target '%s' is malformed", t);
	loc->key = strchr(t + 5, '|') + 1;
	return 0;
}

static const char *root_name(enum sys_reg_root root)
{
	return root == SYS_REG_HKLM ? "HKLM" : "HKCU";
}

/* Read a value's type and bytes; *ret_exists 0 when the key or value is absent. */
static int reg_read(const struct regloc *loc, const char *name, int *ret_exists, int *ret_type,
	void **ret_data, size_t *ret_len, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	enum sys_reg_type type;
	int rc;

	*ret_exists = 0;
	*ret_data = NULL;
	*ret_len = 0;
	*ret_type = 0;
	rc = sys_reg_open(loc->root, loc->key, loc->view, 0, &k, err);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	rc = sys_reg_get(k, name, &type, ret_data, ret_len, err);
	sys_reg_close(k);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	*ret_exists = 1;
	*ret_type = (int)type;
	return 0;
}

static int reg_write(const struct regloc *loc, const char *name, int type, const void *data,
	size_t len, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	int rc;

	rc = sys_reg_open(loc->root, loc->key, loc->view, SYS_REG_CREATE, &k, err);
	if (rc != 0)
		return rc;
	rc = sys_reg_set_raw(k, name, (enum sys_reg_type)type, data, len, err);
	sys_reg_close(k);
	return rc;
}

static int reg_remove(const struct regloc *loc, const char *name, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	int rc;

	rc = sys_reg_open(loc->root, loc->key, loc->view, SYS_REG_WRITE, &k, err);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	rc = sys_reg_delete_value(k, name, err);
	sys_reg_close(k);
	return rc == ZH_ENOENT ? 0 : rc;
}

/* The shallowest ancestor of key (or key itself) that does not exist; NULL if it exists. */
static int first_missing(const struct regloc *loc, char **ret, struct zh_err *err)
{
	const char *p = loc->key;
	struct sys_reg_key *k = NULL;
	char *prefix;
	int rc;

	*ret = NULL;
	for (;;) {
		const char *sep = strchr(p, '\\');
		size_t n = sep == NULL ? strlen(loc->key) : (size_t)(sep - loc->key);

		prefix = zh_strndup(loc->key, n);
		if (prefix == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot journal '%s'", loc->key);
		rc = sys_reg_open(loc->root, prefix, loc->view, 0, &k, err);
		sys_reg_close(k);
		k = NULL;
		if (rc == ZH_ENOENT) {
			*ret = prefix;
			return 0;
		}
		zh_free(prefix);
		if (rc != 0)
			return rc;
		if (sep == NULL)
			return 0;
		p = sep + 1;
	}
}

/* Remove empty keys from key up to (and including) top, stopping at the first non-empty one. */
static int prune_created(const struct regloc *loc, const char *top, struct zh_err *err)
{
	char *path = zh_strdup(loc->key);
	size_t tlen = strlen(top);
	int rc = 0;

	if (path == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot undo '%s'", loc->key);
	while (strlen(path) >= tlen) {
		struct sys_reg_key *k = NULL;
		unsigned nsub = 0, nval = 0;
		char *sep;

		rc = sys_reg_open(loc->root, path, loc->view, 0, &k, err);
		if (rc == 0)
			rc = sys_reg_counts(k, &nsub, &nval, err);
		sys_reg_close(k);
		if (rc == ZH_ENOENT) {
			rc = 0;
		} else if (rc != 0) {
			break;
		} else if (nsub != 0 || nval != 0) {
			break;
		} else {
			rc = sys_reg_delete_key(loc->root, path, loc->view, err);
			if (rc == ZH_ENOENT)
				rc = 0;
			if (rc != 0)
				break;
		}
		sep = strrchr(path, '\\');
		if (sep == NULL)
			break;
		*sep = '\0';
	}
	zh_free(path);
	return rc;
}

/* --- The ops table ------------------------------------------------------------------------ */

struct op {
	const char *kind;
	int (*run)(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err);
	int (*undo)(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err);
	/* 0 if what the op left is still there, ZH_ECHANGED (err says what) if not. */
	int (*intact)(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err);
};

static int reg_set_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	return rc != 0 ? rc : reg_write(&loc, r->name, r->new_type, r->new_data, r->new_len, err);
}

static int reg_set_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc != 0)
		return rc;
	if (r->old_state)
		rc = reg_write(&loc, r->name, r->old_type, r->old_data, r->old_len, err);
	else
		rc = reg_remove(&loc, r->name, err);
	if (rc == 0 && r->backup != NULL)
		rc = prune_created(&loc, r->backup, err);
	return rc;
}

/* Is the value (not) there as the op left it? want_present selects which. */
static int reg_value_is(const struct zh_jrec *r, int want_present, struct zh_err *err)
{
	struct regloc loc;
	void *data = NULL;
	size_t len;
	int exists, type, rc, same;

	if ((rc = decode_target(r->target, &loc, err)) != 0 ||
		(rc = reg_read(&loc, r->name, &exists, &type, &data, &len, err)) != 0)
		return rc;
	same = want_present ? exists && type == r->new_type && len == r->new_len &&
			(len == 0 || memcmp(data, r->new_data, len) == 0)
			    : !exists;
	sys_free(data);
	if (!same)
		return zh_err_set(err, ZH_ECHANGED,
			"registry value '%s' in %s\\%s has been changed since zhushou wrote it",
			r->name, root_name(loc.root), loc.key);
	return 0;
}

static int reg_set_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return reg_value_is(r, 1, err);
}

static int reg_del_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc == 0)
		rc = reg_remove(&loc, r->name, err);
	/* As the inverse of a reg.set that created keys, remove them again. */
	if (rc == 0 && r->backup != NULL)
		rc = prune_created(&loc, r->backup, err);
	return rc;
}

static int reg_del_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc != 0 || !r->old_state)
		return rc;
	return reg_write(&loc, r->name, r->old_type, r->old_data, r->old_len, err);
}

static int reg_del_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return reg_value_is(r, 0, err);
}

static int reg_tree_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc != 0)
		return rc;
	rc = sys_reg_delete_tree(loc.root, loc.key, loc.view, err);
	return rc == ZH_ENOENT ? 0 : rc;
}

static int reg_tree_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc != 0 || !r->old_state)
		return rc;
	/* A crash may have left part of the tree: importing over it restores every value. */
	return zh_regtree_import(loc.root, loc.view, loc.key, r->old_data, r->old_len, err);
}

static int reg_tree_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	if (rc != 0)
		return rc;
	rc = sys_reg_open(loc.root, loc.key, loc.view, 0, &k, err);
	sys_reg_close(k);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	return zh_err_set(err, ZH_ECHANGED, "registry key %s\\%s has been recreated since",
		root_name(loc.root), loc.key);
}

static int reg_import_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct regloc loc;
	int rc = decode_target(r->target, &loc, err);

	return rc != 0
		? rc
		: zh_regtree_import(loc.root, loc.view, loc.key, r->new_data, r->new_len, err);
}

static int reg_import_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return reg_tree_run(db, r, err);
}

static int reg_import_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	(void)r;
	(void)err;
	return 0;
}

/* --- Files and directories ---------------------------------------------------------------- */

#define HEX_LEN (ZH_SHA256_HEX - 1)

static int path_kind(const char *path, enum sys_fs_kind *ret, struct zh_err *err)
{
	return sys_fs_stat(path, ret, NULL, err);
}

static int unlink_quiet(const char *path, struct zh_err *err)
{
	int rc = sys_fs_unlink(path, err);

	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	return rc;
}

/* Restore a backup over path if the backup is still there (idempotent). */
static int restore_backup(const char *backup, const char *path, struct zh_err *err)
{
	enum sys_fs_kind kind;
	int rc = path_kind(backup, &kind, err);

	if (rc != 0 || kind == SYS_FS_NONE)
		return rc;
	return sys_fs_rename(backup, path, err);
}

/* The directory part of path (everything before the last separator). */
static char *dir_of(const char *path)
{
	const char *a = strrchr(path, '/'), *b = strrchr(path, '\\');
	const char *sep = a > b ? a : b;

	return sep == NULL ? zh_strdup(".") : zh_strndup(path, (size_t)(sep - path));
}

/*
 * A file.put whose target is held open by a running program (sharing violation: the rename
 * of the old file fails with ZH_EBUSY) becomes a replace at the next boot: a copy of the old
 * file is kept as the backup if it can be read, and Windows renames the staged new file over
 * the target before anything can hold it (sys_fs_rename_on_reboot). The transaction then
 * wants a reboot (3010). Single-threaded engine: the flag is read back by the caller.
 */
static int put_delayed;

/* Where a delayed replace keeps its copy of the old file: beside the backup, never at it. */
static char *copy_path(const char *backup)
{
	size_t n = strlen(backup);
	char *p = zh_malloc(n + 5);

	if (p != NULL) {
		memcpy(p, backup, n);
		memcpy(p + n, ".old", 5);
	}
	return p;
}

static int file_put_later(const struct zh_jrec *r, struct zh_err *err)
{
	struct zh_err cerr;
	char *copy = copy_path(r->backup);

	if (copy == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot back up '%s'", r->target);
	/* Best effort: a file held with share mode 0 cannot be read, and then has no copy. */
	zh_err_init(&cerr);
	if (zh_file_copy(r->target, copy, &cerr) != 0)
		(void)sys_fs_unlink(copy, NULL);
	zh_free(copy);
	zh_err_init(err);
	if (sys_fs_rename_on_reboot(r->name, r->target, err) != 0)
		return err->code;
	put_delayed = 1;
	return 0;
}

static int file_put_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	const char *src = (const char *)r->new_data + HEX_LEN;
	char *bdir = NULL;
	int rc;

	/*
	 * new_type 1: src is a staged file of zhushou's own, flushed, moved in (same volume);
	 * with nothing to replace it goes straight to its place. The staging name next to the
	 * target is unique to this transaction and step (ids are never reused), so it is free.
	 */
	if (r->new_type == 1 && !r->old_state) {
		if (r->file == NULL || *r->file == NULL)
			return sys_fs_rename(src, r->target, err);
		/* Through the handle extraction kept; closed once in place. */
		if ((rc = sys_file_rename(*r->file, r->target, err)) != 0)
			return rc;
		rc = sys_file_close(*r->file, err);
		*r->file = NULL;
		return rc;
	}
	/*
	 * A replace moves by name, after the kept handle is closed: nothing of zhushou's may hold
	 * the file that takes the old one's place (Windows refuses a rename over an open file, as
	 * an undo of this replace would be).
	 */
	if (r->file != NULL && *r->file != NULL) {
		rc = sys_file_close(*r->file, err);
		*r->file = NULL;
		if (rc != 0)
			return rc;
	}
	rc = r->new_type == 1 ? sys_fs_rename(src, r->name, err) : zh_file_copy(src, r->name, err);
	if (rc != 0)
		return rc;
	if (r->old_state) {
		bdir = dir_of(r->backup);
		if (bdir == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot back up '%s'", r->target);
		rc = sys_fs_mkdirs(bdir, err);
		zh_free(bdir);
		if (rc == 0)
			rc = sys_fs_rename(r->target, r->backup, err);
		if (rc == ZH_EBUSY)
			return file_put_later(r, err);
		if (rc != 0) {
			(void)sys_fs_unlink(r->name, NULL);
			return rc;
		}
	}
	return sys_fs_rename(r->name, r->target, err);
}

static int file_put_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	char hex[ZH_SHA256_HEX], *copy;
	int exists, rc;

	/* A replace scheduled for the next boot is taken back first. */
	if ((rc = sys_fs_cancel_rename_on_reboot(r->name, err)) != 0 ||
		(rc = unlink_quiet(r->name, err)) != 0)
		return rc;
	if (r->old_state) {
		/*
		 * The backup exists only once the old file was renamed away: then put it back.
		 * Otherwise the old file never moved (it may be held open: it is not read here).
		 */
		if ((copy = copy_path(r->backup)) == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot restore '%s'", r->target);
		rc = unlink_quiet(copy, err);
		zh_free(copy);
		return rc != 0 ? rc : restore_backup(r->backup, r->target, err);
	}
	/* Nothing was there before: remove the new file, but only if it is the one we put. */
	if ((rc = zh_file_sha256_hex(r->target, hex, &exists, err)) != 0 || !exists)
		return rc;
	if (memcmp(hex, r->new_data, HEX_LEN) != 0)
		return zh_err_set(err, ZH_ECHANGED,
			"'%s' is not the file zhushou put there: left in place", r->target);
	return unlink_quiet(r->target, err);
}

static int file_is(const struct zh_jrec *r, const void *want_hex, struct zh_err *err)
{
	char hex[ZH_SHA256_HEX];
	int exists, rc = zh_file_sha256_hex(r->target, hex, &exists, err);

	if (rc != 0)
		return rc;
	if (want_hex == NULL ? exists : !exists || memcmp(hex, want_hex, HEX_LEN) != 0)
		return zh_err_set(err, ZH_ECHANGED, "'%s' has been changed since zhushou %s it",
			r->target, want_hex == NULL ? "removed" : "wrote");
	return 0;
}

static int file_put_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return file_is(r, r->new_data, err);
}

static int file_del_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	char *bdir = dir_of(r->backup);
	int rc;

	if (bdir == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot back up '%s'", r->target);
	rc = sys_fs_mkdirs(bdir, err);
	zh_free(bdir);
	if (rc == 0)
		rc = sys_fs_rename(r->target, r->backup, err);
	return rc;
}

static int file_del_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return restore_backup(r->backup, r->target, err);
}

static int file_del_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return file_is(r, NULL, err);
}

static int dir_create_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return sys_fs_mkdirs(r->target, err);
}

/* Remove empty directories from path up to top (inclusive); stops at the first non-empty. */
static int prune_dirs(const char *path, const char *top, struct zh_err *err)
{
	char *p = zh_strdup(path);
	size_t tlen = strlen(top);
	int rc = 0;

	if (p == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot remove '%s'", path);
	while (strlen(p) >= tlen) {
		char *a, *b;

		rc = sys_fs_rmdir(p, err);
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
		} else if (rc == ZH_EEXIST) {
			/* Not empty (someone else's files): leave it and what is above. */
			zh_err_init(err);
			rc = 0;
			break;
		} else if (rc != 0) {
			break; /* could not look: the undo is not done */
		}
		a = strrchr(p, '/');
		b = strrchr(p, '\\');
		if (a == NULL && b == NULL)
			break;
		*(a > b ? a : b) = '\0';
	}
	zh_free(p);
	return rc;
}

static int dir_create_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return r->backup == NULL ? 0 : prune_dirs(r->target, r->backup, err);
}

static int dir_exists_is(const struct zh_jrec *r, int want, struct zh_err *err)
{
	enum sys_fs_kind kind;
	int rc = path_kind(r->target, &kind, err);

	if (rc != 0)
		return rc;
	if ((kind == SYS_FS_DIR) != want)
		return zh_err_set(err, ZH_ECHANGED, "directory '%s' has been %s since", r->target,
			want ? "removed" : "created again");
	return 0;
}

static int dir_create_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return dir_exists_is(r, 1, err);
}

static int dir_remove_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	int rc = r->backup != NULL ? prune_dirs(r->target, r->backup, err)
				   : sys_fs_rmdir(r->target, err);

	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	return rc;
}

static int dir_remove_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return sys_fs_mkdirs(r->target, err);
}

static int dir_remove_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return dir_exists_is(r, 0, err);
}

/*
 * Uninstall entries: target is the DisplayName, name the command line (NULL for an orphan),
 * new_data the success codes ("0,3010"), new_type the timeout in seconds, old_data the
 * component snapshot (snap.h) and backup the folder holding the copy of its directory.
 * The engine is single-threaded: a reboot request of the op just run is passed back here.
 */
static int uninst_reboot;

static int code_in(const char *list, size_t len, unsigned long code)
{
	char buf[128];
	char *p, *end;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, list, len);
	buf[len] = '\0';
	for (p = buf; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			return 0;
		if (v == code)
			return 1;
	}
	return 0;
}

static int uninst_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	unsigned long code = 0;
	int rc;

	if (r->name != NULL) {
		if ((rc = sys_proc_run(r->name, (long)r->new_type * 1000, &code, err)) != 0)
			return rc;
		if (!code_in(r->new_data, r->new_len, code))
			return zh_err_set(err, ZH_EUNINSTALL,
				"the uninstaller of '%s' failed with exit code %lu", r->target,
				code);
		if (code == 3010 || code == 1641)
			uninst_reboot = 1;
		if (!zh_snap_gone(r->old_data, r->old_len, err))
			return zh_err_set(err, ZH_EUNINSTALL,
				"the uninstaller of '%s' exited with %lu but left it registered",
				r->target, code);
	}
	/* What the uninstaller left (its own exe, the folder, keys), or all of an orphan. */
	return zh_snap_remove(r->old_data, r->old_len, err);
}

static int uninst_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return zh_snap_restore(r->old_data, r->old_len, r->backup, err);
}

static int uninst_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	if (zh_snap_gone(r->old_data, r->old_len, err))
		return 0;
	return zh_err_set(err, ZH_ECHANGED, "'%s' has been installed again since", r->target);
}

/*
 * Certificate entries: target is "<store>|<sha1 hex>" (LocalMachine), new_data (cert.add) or
 * old_data (cert.del) the DER certificate. Each change is committed to the store before the
 * op counts as done (certstore.h).
 */
static int cert_target(const char *t, char *store, size_t n, uint8_t sha1[20], struct zh_err *err)
{
	const char *bar = strchr(t, '|');
	size_t i;

	if (bar == NULL || (size_t)(bar - t) >= n || strlen(bar + 1) != 40)
		return zh_err_set(err, ZH_EPARSE, "journal target '%s' is malformed", t);
	memcpy(store, t, (size_t)(bar - t));
	store[bar - t] = '\0';
	for (i = 0; i < 20; i++) {
		unsigned v = 0;

		if (sscanf(bar + 1 + 2 * i, "%2x", &v) != 1)
			return zh_err_set(err, ZH_EPARSE, "journal target '%s' is malformed", t);
		sha1[i] = (uint8_t)v;
	}
	return 0;
}

static int cert_put(const char *target, const void *der, size_t len, struct zh_err *err)
{
	char store[16];
	uint8_t sha1[20];
	int rc = cert_target(target, store, sizeof(store), sha1, err);

	return rc != 0 ? rc : sys_cert_add(SYS_CERT_LOCAL_MACHINE, store, der, len, err);
}

static int cert_drop(const char *target, struct zh_err *err)
{
	char store[16];
	uint8_t sha1[20];
	int rc = cert_target(target, store, sizeof(store), sha1, err);

	if (rc == 0)
		rc = sys_cert_remove(SYS_CERT_LOCAL_MACHINE, store, sha1, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	return rc;
}

static int cert_is(const char *target, int want, struct zh_err *err)
{
	char store[16];
	uint8_t sha1[20];
	int present = 0, rc = cert_target(target, store, sizeof(store), sha1, err);

	if (rc == 0)
		rc = sys_cert_present(SYS_CERT_LOCAL_MACHINE, store, sha1, &present, err);
	if (rc == 0 && present != want)
		rc = zh_err_set(err, ZH_ECHANGED, "certificate %s has been %s since", target,
			want ? "removed" : "added again");
	return rc;
}

static int cert_add_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_put(r->target, r->new_data, r->new_len, err);
}

static int cert_add_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_drop(r->target, err);
}

static int cert_add_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_is(r->target, 1, err);
}

static int cert_del_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_drop(r->target, err);
}

static int cert_del_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_put(r->target, r->old_data, r->old_len, err);
}

static int cert_del_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return cert_is(r->target, 0, err);
}

/* The inverse of an uninstall (a rollback): put the snapshot back; undo removes it again. */
static int restore_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return zh_snap_restore(r->old_data, r->old_len, r->backup, err);
}

static int restore_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return zh_snap_remove(r->old_data, r->old_len, err);
}

static int restore_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	if (!zh_snap_gone(r->old_data, r->old_len, err))
		return 0;
	return zh_err_set(err, ZH_ECHANGED, "'%s' has been removed again since", r->target);
}

/*
 * Manifest DB entries. db.comp: target is the component id, new_data its record after the op
 * (NULL: not installed), old_data its record before (old_state 0: not installed); records are
 * comp_encode's. db.meta: target is the key, new_data / old_data the values (NULL: absent).
 * The DB is the PC's memory of what zhushou owns, so it changes in the same transaction as
 * the files and keys it describes.
 */
static int cmp_file_path(const void *a, const void *b)
{
	return strcmp((*(const struct zh_db_file *const *)a)->path,
		(*(const struct zh_db_file *const *)b)->path);
}

static int cmp_reg(const void *a, const void *b)
{
	const struct zh_db_reg *x = *(const struct zh_db_reg *const *)a;
	const struct zh_db_reg *y = *(const struct zh_db_reg *const *)b;
	int d;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	if (x->view != y->view)
		return x->view < y->view ? -1 : 1;
	return (d = strcmp(x->key, y->key)) != 0 ? d : strcmp(x->name, y->name);
}

static int cmp_cert(const void *a, const void *b)
{
	const struct zh_db_cert *x = *(const struct zh_db_cert *const *)a;
	const struct zh_db_cert *y = *(const struct zh_db_cert *const *)b;
	int d = strcmp(x->store, y->store);

	return d != 0 ? d : strcmp(x->sha1, y->sha1);
}

static int cmp_svc(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Pointers to n items of size sz at base, sorted by cmp (NULL when out of memory). */
static const void **sorted(const void *base, size_t n, size_t sz,
	int (*cmp)(const void *, const void *))
{
	const void **v = zh_calloc(n + 1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = (const char *)base + i * sz;
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

/* The record in one canonical form: each list in the order the DB lists it. */
static int comp_encode(const struct zh_db_component *c, struct zh_buf *b, struct zh_err *err)
{
	const void **f = sorted(c->files, c->nfiles, sizeof(*c->files), cmp_file_path);
	const void **g = sorted(c->regs, c->nregs, sizeof(*c->regs), cmp_reg);
	const void **h = sorted(c->certs, c->ncerts, sizeof(*c->certs), cmp_cert);
	const void **k = sorted(c->svcs, c->nsvcs, sizeof(*c->svcs), cmp_svc);
	char num[32];
	size_t i;
	int rc = 0;

	if (f == NULL || g == NULL || h == NULL || k == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot record component '%s'", c->id);
	/* Format 3 adds services; a record without any stays format 2, byte for byte. */
	if (rc == 0 && (rc = zh_buf_add_u32(b, c->nsvcs > 0 ? 3 : 2, err)) == 0 &&
		(rc = zh_buf_adds_lp(b, c->version, err)) == 0)
		rc = zh_buf_add_u32(b, (uint32_t)c->nfiles, err);
	for (i = 0; i < c->nfiles && rc == 0; i++) {
		const struct zh_db_file *x = f[i];

		(void)snprintf(num, sizeof(num), "%lld", (long long)x->size);
		if ((rc = zh_buf_adds_lp(b, x->path, err)) == 0 &&
			(rc = zh_buf_adds_lp(b, num, err)) == 0)
			rc = zh_buf_add_lp(b, x->sha256, 64, err);
	}
	if (rc == 0)
		rc = zh_buf_add_u32(b, (uint32_t)c->nregs, err);
	for (i = 0; i < c->nregs && rc == 0; i++) {
		const struct zh_db_reg *x = g[i];

		if ((rc = zh_buf_add_u32(b, (uint32_t)x->root, err)) == 0 &&
			(rc = zh_buf_add_u32(b, (uint32_t)x->view, err)) == 0 &&
			(rc = zh_buf_adds_lp(b, x->key, err)) == 0)
			rc = zh_buf_adds_lp(b, x->name, err);
	}
	if (rc == 0)
		rc = zh_buf_add_u32(b, (uint32_t)c->ncerts, err);
	for (i = 0; i < c->ncerts && rc == 0; i++) {
		const struct zh_db_cert *x = h[i];

		if ((rc = zh_buf_adds_lp(b, x->store, err)) == 0)
			rc = zh_buf_adds_lp(b, x->sha1, err);
	}
	if (rc == 0 && c->nsvcs > 0)
		rc = zh_buf_add_u32(b, (uint32_t)c->nsvcs, err);
	for (i = 0; i < c->nsvcs && rc == 0; i++)
		rc = zh_buf_adds_lp(b, *(char *const *)k[i], err);
	zh_free(f);
	zh_free(g);
	zh_free(h);
	zh_free(k);
	return rc;
}

static char *lp_dup(struct zh_reader *rd)
{
	const void *p;
	size_t n;

	return zh_read_lp(rd, &p, &n) != 0 ? NULL : zh_strndup(p, n);
}

static int comp_decode(const char *id, const void *data, size_t len, int64_t txn,
	struct zh_db_component *c, struct zh_err *err)
{
	struct zh_reader rd = {data, len};
	uint32_t fmt, n, i, u;
	char *tmp;

	memset(c, 0, sizeof(*c));
	c->txn = txn;
	if ((c->id = zh_strdup(id)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read the record of '%s'", id);
	if (zh_read_u32(&rd, &fmt) != 0 || (fmt != 2 && fmt != 3) ||
		(c->version = lp_dup(&rd)) == NULL || zh_read_u32(&rd, &n) != 0 || n > rd.n / 12)
		goto bad;
	if (n > 0 && (c->files = zh_calloc(n, sizeof(*c->files))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		const void *hex;
		size_t hlen;

		c->nfiles++;
		if ((c->files[i].path = lp_dup(&rd)) == NULL || (tmp = lp_dup(&rd)) == NULL)
			goto bad;
		c->files[i].size = strtoll(tmp, NULL, 10);
		zh_free(tmp);
		if (zh_read_lp(&rd, &hex, &hlen) != 0 || hlen != 64)
			goto bad;
		memcpy(c->files[i].sha256, hex, 64);
		c->files[i].sha256[64] = '\0';
	}
	if (zh_read_u32(&rd, &n) != 0 || n > rd.n / 16)
		goto bad;
	if (n > 0 && (c->regs = zh_calloc(n, sizeof(*c->regs))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct zh_db_reg *x = &c->regs[i];

		c->nregs++;
		if (zh_read_u32(&rd, &u) != 0)
			goto bad;
		x->root = (int)u;
		if (zh_read_u32(&rd, &u) != 0 || (x->key = lp_dup(&rd)) == NULL ||
			(x->name = lp_dup(&rd)) == NULL)
			goto bad;
		x->view = (int)u;
	}
	if (zh_read_u32(&rd, &n) != 0 || n > rd.n / 8)
		goto bad;
	if (n > 0 && (c->certs = zh_calloc(n, sizeof(*c->certs))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		struct zh_db_cert *x = &c->certs[i];
		const void *p;
		size_t plen;

		c->ncerts++;
		if (zh_read_lp(&rd, &p, &plen) != 0 || plen >= sizeof(x->store))
			goto bad;
		memcpy(x->store, p, plen);
		x->store[plen] = '\0';
		if (zh_read_lp(&rd, &p, &plen) != 0 || plen != 40)
			goto bad;
		memcpy(x->sha1, p, 40);
		x->sha1[40] = '\0';
	}
	if (fmt == 3) {
		if (zh_read_u32(&rd, &n) != 0 || n == 0 || n > rd.n / 4)
			goto bad;
		if ((c->svcs = zh_calloc(n, sizeof(*c->svcs))) == NULL)
			goto nomem;
		for (i = 0; i < n; i++) {
			c->nsvcs++;
			if ((c->svcs[i] = lp_dup(&rd)) == NULL)
				goto bad;
		}
	}
	if (rd.n == 0)
		return 0;
bad:
	zh_db_component_release(c);
	return zh_err_set(err, ZH_EPARSE, "the journal's record of component '%s' is damaged", id);
nomem:
	zh_db_component_release(c);
	return zh_err_set(err, ZH_ENOMEM, "cannot read the record of '%s'", id);
}

/* Make the DB say what data says about component id (NULL: not installed). */
static int comp_set(struct zh_db *db, const char *id, const void *data, size_t len, int64_t txn,
	struct zh_err *err)
{
	struct zh_db_component c;
	int rc;

	if (data == NULL)
		return zh_db_component_delete(db, id, err);
	if ((rc = comp_decode(id, data, len, txn, &c, err)) != 0)
		return rc;
	rc = zh_db_component_put(db, &c, err);
	zh_db_component_release(&c);
	return rc;
}

static int db_comp_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return comp_set(db, r->target, r->new_data, r->new_len, r->txn, err);
}

static int db_comp_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	/* old_type holds the transaction that had installed the version before. */
	return comp_set(db, r->target, r->old_state ? r->old_data : NULL, r->old_len,
		(int64_t)r->old_type, err);
}

static int db_comp_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	struct zh_db_component c;
	struct zh_buf b;
	int rc = zh_db_component_get(db, r->target, &c, err), same;

	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return r->new_data == NULL
			? 0
			: zh_err_set(err, ZH_ECHANGED, "component '%s' has been removed since",
				  r->target);
	}
	if (rc != 0)
		return rc;
	zh_buf_init(&b, ZH_MAX_DB_BLOB);
	rc = comp_encode(&c, &b, err);
	same = rc == 0 && r->new_data != NULL && b.len == r->new_len &&
		memcmp(b.data, r->new_data, b.len) == 0;
	zh_buf_release(&b);
	zh_db_component_release(&c);
	if (rc == 0 && !same)
		rc = zh_err_set(err, ZH_ECHANGED, "component '%s' has been changed since",
			r->target);
	return rc;
}

/*
 * Service entries: target is the service name. svc.create holds the configuration in new_data
 * ("<display>\0<command>", new_type 1 for auto start), svc.delete the old one in old_data and
 * old_type. svc.start and svc.stop wait for the service to get there (ZH_SVC_WAIT_MS).
 */
#define ZH_SVC_WAIT_MS 30000

static int svc_config(const void *data, size_t len, int autostart, struct sys_svc_config *cfg,
	struct zh_err *err)
{
	const char *p = data, *nul = data != NULL ? memchr(p, '\0', len) : NULL;

	memset(cfg, 0, sizeof(*cfg));
	if (nul == NULL)
		return zh_err_set(err, ZH_EPARSE, "the journal's service record is damaged");
	cfg->display = zh_strdup(p);
	cfg->command = zh_strndup(nul + 1, len - (size_t)(nul + 1 - p));
	cfg->autostart = autostart;
	if (cfg->display == NULL || cfg->command == NULL) {
		zh_free(cfg->display);
		zh_free(cfg->command);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	return 0;
}

static void svc_config_free(struct sys_svc_config *cfg)
{
	zh_free(cfg->display);
	zh_free(cfg->command);
}

/* Create the service as data says; one that is there with that command already is fine. */
static int svc_make(const char *name, const void *data, size_t len, int autostart,
	struct zh_err *err)
{
	struct sys_svc_config want, have;
	int rc = svc_config(data, len, autostart, &want, err), exists = 0, running;

	if (rc != 0)
		return rc;
	rc = sys_svc_create(name, &want, err);
	if (rc == ZH_EEXIST) {
		zh_err_init(err);
		if ((rc = sys_svc_query(name, &exists, &running, &have, err)) == 0) {
			if (!exists || strcmp(have.command, want.command) != 0)
				rc = zh_err_set(err, ZH_EEXIST,
					"service '%s' exists and runs something else", name);
			sys_svc_config_release(&have);
		}
	}
	svc_config_free(&want);
	return rc;
}

/* Stop and delete the service (absent is fine). */
static int svc_drop(const char *name, struct zh_err *err)
{
	int rc = sys_svc_stop(name, ZH_SVC_WAIT_MS, err);

	if (rc == 0 && (rc = sys_svc_delete(name, err)) == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	return rc;
}

/* 0 if the service is there (want 1) or gone (want 0), ZH_ECHANGED if not. */
static int svc_is(const char *name, int want, struct zh_err *err)
{
	int exists = 0, running, rc = sys_svc_query(name, &exists, &running, NULL, err);

	if (rc == 0 && exists != want)
		rc = zh_err_set(err, ZH_ECHANGED, "service '%s' has been %s since", name,
			want ? "deleted" : "created again");
	return rc;
}

static int svc_create_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_make(r->target, r->new_data, r->new_len, r->new_type, err);
}

static int svc_create_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_drop(r->target, err);
}

static int svc_create_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_is(r->target, 1, err);
}

static int svc_delete_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_drop(r->target, err);
}

static int svc_delete_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_make(r->target, r->old_data, r->old_len, r->old_type, err);
}

static int svc_delete_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_is(r->target, 0, err);
}

static int svc_start_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return sys_svc_start(r->target, ZH_SVC_WAIT_MS, err);
}

static int svc_start_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return sys_svc_stop(r->target, ZH_SVC_WAIT_MS, err);
}

static int svc_start_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return svc_is(r->target, 1, err);
}

/* Stopping is undone by starting again: the entry says whether it was running. */
static int svc_stop_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	int exists = 0, running, rc;

	if (!r->old_state)
		return 0;
	/* The service's own undo (svc.delete) runs first when the service was deleted too. */
	if ((rc = sys_svc_query(r->target, &exists, &running, NULL, err)) != 0 || !exists)
		return rc;
	return sys_svc_start(r->target, ZH_SVC_WAIT_MS, err);
}

static int svc_stop_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return sys_svc_stop(r->target, ZH_SVC_WAIT_MS, err);
}

/* A stop leaves nothing to be changed later: a removal deletes the service right after it. */
static int svc_stop_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	(void)db, (void)r, (void)err;
	return 0;
}

static int meta_put(struct zh_db *db, const char *key, const void *v, size_t len,
	struct zh_err *err)
{
	char *s;
	int rc;

	if (v == NULL)
		return zh_db_meta_delete(db, key, err);
	if ((s = zh_strndup(v, len)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot set '%s'", key);
	rc = zh_db_meta_set(db, key, s, err);
	zh_free(s);
	return rc;
}

static int db_meta_run(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return meta_put(db, r->target, r->new_data, r->new_len, err);
}

static int db_meta_undo(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return meta_put(db, r->target, r->old_state ? r->old_data : NULL, r->old_len, err);
}

static int db_meta_intact(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	char *v = NULL;
	int rc = zh_db_meta_get(db, r->target, &v, err), same;

	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	if (rc != 0)
		return rc;
	same = v == NULL ? r->new_data == NULL
			 : r->new_data != NULL && strlen(v) == r->new_len &&
			memcmp(v, r->new_data, r->new_len) == 0;
	zh_free(v);
	return same ? 0 : zh_err_set(err, ZH_ECHANGED, "'%s' has been changed since", r->target);
}

static const struct op ops[] = {
	{"reg.set", reg_set_run, reg_set_undo, reg_set_intact},
	{"reg.del", reg_del_run, reg_del_undo, reg_del_intact},
	{"reg.tree", reg_tree_run, reg_tree_undo, reg_tree_intact},
	{"reg.import", reg_import_run, reg_import_undo, reg_import_intact},
	{"file.put", file_put_run, file_put_undo, file_put_intact},
	{"file.del", file_del_run, file_del_undo, file_del_intact},
	{"dir.create", dir_create_run, dir_create_undo, dir_create_intact},
	{"dir.remove", dir_remove_run, dir_remove_undo, dir_remove_intact},
	{"uninst", uninst_run, uninst_undo, uninst_intact},
	{"restore", restore_run, restore_undo, restore_intact},
	{"cert.add", cert_add_run, cert_add_undo, cert_add_intact},
	{"cert.del", cert_del_run, cert_del_undo, cert_del_intact},
	{"db.comp", db_comp_run, db_comp_undo, db_comp_intact},
	{"db.meta", db_meta_run, db_meta_undo, db_meta_intact},
	{"svc.create", svc_create_run, svc_create_undo, svc_create_intact},
	{"svc.delete", svc_delete_run, svc_delete_undo, svc_delete_intact},
	{"svc.start", svc_start_run, svc_start_undo, svc_start_intact},
	{"svc.stop", svc_stop_run, svc_stop_undo, svc_stop_intact},
};

static const struct op *find_op(const char *kind, struct zh_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].kind, kind) == 0)
			return &ops[i];
	(void)zh_err_set(err, ZH_EPARSE, "journal holds an unknown operation '%s'", kind);
	return NULL;
}

/* --- The engine --------------------------------------------------------------------------- */

int zh_txn_begin(struct zh_db *db, const char *verb, struct zh_txn **ret, struct zh_err *err)
{
	struct zh_txn *t = zh_calloc(1, sizeof(*t));
	int rc;

	if (t == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot start a transaction");
	t->db = db;
	rc = zh_db_txn_new(db, verb, 0, &t->id, err);
	if (rc != 0) {
		zh_free(t);
		return rc;
	}
	*ret = t;
	return 0;
}

int zh_txn_reboot_pending(const struct zh_txn *t)
{
	return t->reboot;
}

#define MAX_REBOOT_TXNS 16

struct reboot_txns {
	int64_t ids[MAX_REBOOT_TXNS];
	size_t n;
};

/* The newest transactions that asked for a reboot and were not undone. */
static int reboot_txn(const struct zh_txn_row *r, void *ctx)
{
	struct reboot_txns *w = ctx;

	if (r->reboot && (r->state == ZH_TXN_DONE || r->state == ZH_TXN_COMMITTED) &&
		w->n < MAX_REBOOT_TXNS)
		w->ids[w->n++] = r->id;
	return 0;
}

/* 1 when r is a replace whose staged new file still waits for the boot's rename. */
static int staged_waiting(const struct zh_jrec *r, void *ctx)
{
	enum sys_fs_kind kind;

	(void)ctx;
	return strcmp(r->kind, "file.put") == 0 && r->old_state && r->state == ZH_J_DONE &&
		r->name != NULL && sys_fs_stat(r->name, &kind, NULL, NULL) == 0 &&
		kind == SYS_FS_FILE;
}

int zh_txn_reboot_waiting(struct zh_db *db, int64_t *ret_txn, struct zh_err *err)
{
	struct reboot_txns w;
	size_t i;
	int rc;

	*ret_txn = 0;
	memset(&w, 0, sizeof(w));
	if ((rc = zh_db_txn_list(db, reboot_txn, &w, err)) != 0)
		return rc;
	for (i = 0; i < w.n; i++) {
		rc = zh_db_journal_each(db, w.ids[i], 0, staged_waiting, NULL, err);
		if (rc == 1) {
			*ret_txn = w.ids[i];
			return 0;
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

int64_t zh_txn_id(const struct zh_txn *t)
{
	return t->id;
}

/*
 * Run n prepared entries (kind, target, undo data; seq numbers from t->seq + 1 on) as one
 * batch: every undo record in one durable write before the first op runs, all marked done in
 * one more. Undo is correct for an entry whether its op ran or not, so a crash anywhere in the
 * batch is recovered like one anywhere else.
 */
static int run_batch(struct zh_txn *t, struct zh_jrec *recs, size_t n, struct zh_err *err)
{
	int first = t->seq + 1, rc;
	size_t i;

	if (t->finished)
		return zh_err_set(err, ZH_EINVAL, "transaction %lld is finished", (long long)t->id);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		recs[i].txn = t->id;
		recs[i].seq = first + (int)i;
		recs[i].state = ZH_J_PENDING;
	}
	if ((rc = zh_db_journal_add_many(t->db, recs, n, err)) != 0)
		return rc;
	t->seq += (int)n;
	for (i = 0; i < n; i++) {
		const struct op *op = find_op(recs[i].kind, err);

		if (op == NULL)
			return err->code;
		put_delayed = 0;
		rc = op->run(t->db, &recs[i], err);
		t->reboot |= put_delayed;
		if (rc != 0)
			return rc;
	}
	return zh_db_journal_mark_range(t->db, t->id, first, t->seq, ZH_J_DONE, err);
}

/* Journal r (the undo record, durable), run it, mark it done (durable): a batch of one. */
static int run_op(struct zh_txn *t, struct zh_jrec *r, struct zh_err *err)
{
	return run_batch(t, r, 1, err);
}

int zh_txn_reg_set(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, const char *name, enum sys_reg_type type, const void *data, size_t len,
	struct zh_err *err)
{
	struct zh_jrec r;
	struct regloc loc;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = "reg.set";
	r.name = (char *)name;
	r.new_type = (int)type;
	r.new_data = (void *)data;
	r.new_len = len;
	if ((rc = encode_target(root, view, key, &r.target, err)) != 0 ||
		(rc = decode_target(r.target, &loc, err)) != 0 ||
		(rc = reg_read(&loc, name, &r.old_state, &r.old_type, &r.old_data, &r.old_len,
			 err)) != 0 ||
		(rc = first_missing(&loc, &r.backup, err)) != 0)
		goto out;
	rc = run_op(t, &r, err);
out:
	if (rc != 0)
		zh_err_wrap(err, "setting %s\\%s\\%s", root_name(root), key, name);
	zh_free(r.target);
	zh_free(r.backup);
	sys_free(r.old_data);
	return rc;
}

int zh_txn_reg_delete(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, const char *name, struct zh_err *err)
{
	struct zh_jrec r;
	struct regloc loc;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = "reg.del";
	r.name = (char *)name;
	if ((rc = encode_target(root, view, key, &r.target, err)) != 0 ||
		(rc = decode_target(r.target, &loc, err)) != 0 ||
		(rc = reg_read(&loc, name, &r.old_state, &r.old_type, &r.old_data, &r.old_len,
			 err)) != 0)
		goto out;
	if (r.old_state)
		rc = run_op(t, &r, err);
out:
	if (rc != 0)
		zh_err_wrap(err, "deleting %s\\%s\\%s", root_name(root), key, name);
	zh_free(r.target);
	sys_free(r.old_data);
	return rc;
}

int zh_txn_reg_delete_tree(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, struct zh_err *err)
{
	struct zh_jrec r;
	struct zh_buf b;
	int rc;

	memset(&r, 0, sizeof(r));
	zh_buf_init(&b, ZH_MAX_DB_BLOB);
	r.kind = "reg.tree";
	if ((rc = encode_target(root, view, key, &r.target, err)) != 0)
		goto out;
	rc = zh_regtree_export(root, view, key, &b, err);
	if (rc == ZH_ENOENT) {
		/* Nothing to delete: no op, no journal entry. */
		zh_err_init(err);
		rc = 0;
		goto out;
	}
	if (rc != 0)
		goto out;
	r.old_state = 1;
	r.old_data = b.data;
	r.old_len = b.len;
	rc = run_op(t, &r, err);
out:
	if (rc != 0)
		zh_err_wrap(err, "deleting %s\\%s", root_name(root), key);
	zh_free(r.target);
	zh_buf_release(&b);
	return rc;
}

/* <DB dir>/backup/<txn>/<seq>: same volume as %ProgramData%, kept for rollback. */
static char *backup_path(const struct zh_txn *t, int seq)
{
	char *dbdir = dir_of(zh_db_path(t->db)), *p;
	size_t n;

	if (dbdir == NULL)
		return NULL;
	n = strlen(dbdir) + 64;
	p = zh_malloc(n);
	if (p != NULL)
		(void)snprintf(p, n, "%s/backup/%lld/%d", dbdir, (long long)t->id, seq);
	zh_free(dbdir);
	return p;
}

/* The journal entry of a file.put at sequence number seq; release with put_rec_release. */
static int put_rec(const struct zh_txn *t, int seq, const struct zh_txn_put *p, struct zh_jrec *r,
	struct zh_err *err)
{
	char newhex[ZH_SHA256_HEX];
	size_t slen = strlen(p->src), plen = strlen(p->path);
	char *data = NULL, *staged = NULL;
	enum sys_fs_kind kind = SYS_FS_NONE;
	int src_exists, rc;

	memset(r, 0, sizeof(*r));
	r->kind = "file.put";
	r->target = (char *)p->path;
	r->new_type = p->move ? 1 : 0;
	if (p->sha256 != NULL) {
		memcpy(newhex, p->sha256, HEX_LEN);
	} else {
		if ((rc = zh_file_sha256_hex(p->src, newhex, &src_exists, err)) != 0)
			return rc;
		if (!src_exists)
			return zh_err_set(err, ZH_ENOENT, "source file '%s' does not exist",
				p->src);
	}
	/*
	 * Whether something is there decides the way (a move into a free place, or a replace
	 * with the old file kept); its content is not needed (undo restores the backup itself),
	 * and a file held open without sharing could not be read anyway.
	 */
	if (!p->fresh && (rc = path_kind(p->path, &kind, err)) != 0)
		return rc;
	r->old_state = kind != SYS_FS_NONE;
	r->file = p->move ? p->file : NULL;
	data = zh_malloc(HEX_LEN + slen + 1);
	staged = zh_malloc(plen + 48);
	r->backup = r->old_state ? backup_path(t, seq) : NULL;
	if (data == NULL || staged == NULL || (r->old_state && r->backup == NULL)) {
		zh_free(data);
		zh_free(staged);
		zh_free(r->backup);
		return zh_err_set(err, ZH_ENOMEM, "cannot journal '%s'", p->path);
	}
	memcpy(data, newhex, HEX_LEN);
	memcpy(data + HEX_LEN, p->src, slen + 1);
	(void)snprintf(staged, plen + 48, "%s.zh-%lld-%d.new", p->path, (long long)t->id, seq);
	r->name = staged;
	r->new_data = data;
	r->new_len = HEX_LEN + slen + 1;
	return 0;
}

static void put_rec_release(struct zh_jrec *r)
{
	zh_free(r->name);
	zh_free(r->new_data);
	zh_free(r->old_data);
	zh_free(r->backup);
}

int zh_txn_file_put(struct zh_txn *t, const char *path, const char *src, struct zh_err *err)
{
	struct zh_txn_put p = {path, src, NULL, 0, NULL, 0};
	struct zh_jrec r;
	int rc = put_rec(t, t->seq + 1, &p, &r, err);

	if (rc == 0) {
		rc = run_op(t, &r, err);
		put_rec_release(&r);
	}
	if (rc != 0)
		zh_err_wrap(err, "putting '%s'", path);
	return rc;
}

int zh_txn_file_put_many(struct zh_txn *t, const struct zh_txn_put *puts, size_t n,
	struct zh_err *err)
{
	struct zh_jrec *recs;
	size_t i, made = 0;
	int rc = 0;

	if (n == 0)
		return 0;
	if ((recs = zh_calloc(n, sizeof(*recs))) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot journal %zu files", n);
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = put_rec(t, t->seq + 1 + (int)i, &puts[i], &recs[i], err)) != 0) {
			zh_err_wrap(err, "putting '%s'", puts[i].path);
			break;
		}
		made++;
	}
	if (rc == 0 && (rc = run_batch(t, recs, n, err)) != 0)
		zh_err_wrap(err, "putting %zu files", n);
	for (i = 0; i < made; i++)
		put_rec_release(&recs[i]);
	zh_free(recs);
	return rc;
}

int zh_txn_component_set(struct zh_txn *t, const char *id, const struct zh_db_component *c,
	struct zh_err *err)
{
	struct zh_db_component old;
	struct zh_buf nb, ob;
	struct zh_jrec r;
	int rc;

	zh_buf_init(&nb, ZH_MAX_DB_BLOB);
	zh_buf_init(&ob, ZH_MAX_DB_BLOB);
	memset(&r, 0, sizeof(r));
	r.kind = "db.comp";
	r.target = (char *)id;
	rc = zh_db_component_get(t->db, id, &old, err);
	if (rc == 0) {
		r.old_state = 1;
		r.old_type = (int)old.txn;
		rc = comp_encode(&old, &ob, err);
		r.old_data = ob.data;
		r.old_len = ob.len;
		zh_db_component_release(&old);
	} else if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	if (rc == 0 && c != NULL && (rc = comp_encode(c, &nb, err)) == 0) {
		r.new_data = nb.data;
		r.new_len = nb.len;
	}
	if (rc == 0 && (c != NULL || r.old_state))
		rc = run_op(t, &r, err);
	if (rc != 0)
		zh_err_wrap(err, "recording component '%s'", id);
	zh_buf_release(&nb);
	zh_buf_release(&ob);
	return rc;
}

int zh_txn_meta_set(struct zh_txn *t, const char *key, const char *value, struct zh_err *err)
{
	struct zh_jrec r;
	char *old = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = "db.meta";
	r.target = (char *)key;
	rc = zh_db_meta_get(t->db, key, &old, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	if (rc == 0) {
		r.old_state = old != NULL;
		r.old_data = old;
		r.old_len = old != NULL ? strlen(old) : 0;
		r.new_data = (void *)value;
		r.new_len = value != NULL ? strlen(value) : 0;
		rc = run_op(t, &r, err);
	}
	zh_free(old);
	return rc;
}

int zh_txn_file_put_data(struct zh_txn *t, const char *path, const void *data, size_t len,
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	char *src = NULL, *dir = NULL;
	size_t n;
	int rc;

	src = backup_path(t, t->seq + 1);
	if (src == NULL || (dir = dir_of(src)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot stage '%s'", path);
		goto out;
	}
	n = strlen(src);
	/* <seq>.src beside where the op's backup (<seq>) will go: zhushou's own folder. */
	src = zh_realloc(src, n + 5);
	if (src == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot stage '%s'", path);
		goto out;
	}
	memcpy(src + n, ".src", 5);
	(void)sys_fs_unlink(src, NULL);
	if ((rc = sys_fs_mkdirs(dir, err)) != 0 || (rc = sys_file_create(src, &f, err)) != 0 ||
		(rc = sys_file_write(f, data, len, err)) != 0 || (rc = sys_file_flush(f, err)) != 0)
		goto out;
	rc = sys_file_close(f, err);
	f = NULL;
	if (rc == 0)
		rc = zh_txn_file_put(t, path, src, err);
out:
	(void)sys_file_close(f, NULL);
	zh_free(dir);
	zh_free(src);
	return rc;
}

/* The file.del entry for path at seq (*r zeroed and nothing to do when there is no file). */
static int del_rec(const struct zh_txn *t, int seq, const char *path, struct zh_jrec *r,
	struct zh_err *err)
{
	enum sys_fs_kind kind = SYS_FS_NONE;
	int rc;

	memset(r, 0, sizeof(*r));
	r->kind = "file.del";
	r->target = (char *)path;
	/* Only whether it is there: the file itself is kept (renamed), not read. */
	if ((rc = path_kind(path, &kind, err)) != 0 || kind == SYS_FS_NONE)
		return rc;
	r->old_state = 1;
	r->backup = backup_path(t, seq);
	if (r->backup == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot journal '%s'", path);
	return 0;
}

static void del_rec_release(struct zh_jrec *r)
{
	zh_free(r->old_data);
	zh_free(r->backup);
}

int zh_txn_file_delete(struct zh_txn *t, const char *path, struct zh_err *err)
{
	return zh_txn_file_delete_many(t, &path, 1, err);
}

int zh_txn_file_delete_many(struct zh_txn *t, const char *const *paths, size_t n,
	struct zh_err *err)
{
	struct zh_jrec *recs = zh_calloc(n + 1, sizeof(*recs));
	size_t i, m = 0;
	int rc = 0;

	if (recs == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot journal %zu files", n);
	for (i = 0; i < n && rc == 0; i++) {
		rc = del_rec(t, t->seq + 1 + (int)m, paths[i], &recs[m], err);
		if (rc != 0)
			zh_err_wrap(err, "deleting '%s'", paths[i]);
		if (recs[m].old_state || rc != 0)
			m++; /* absent files need no op */
	}
	if (rc == 0 && (rc = run_batch(t, recs, m, err)) != 0)
		zh_err_wrap(err, n == 1 ? "deleting '%s'" : "deleting files from '%s' on",
			paths[0]);
	for (i = 0; i < m; i++)
		del_rec_release(&recs[i]);
	zh_free(recs);
	return rc;
}

/* The shallowest missing directory on the way to path, NULL when path exists. */
static int first_missing_dir(const char *path, char **ret, struct zh_err *err)
{
	size_t i, n = strlen(path);
	enum sys_fs_kind kind;
	int rc;

	*ret = NULL;
	for (i = 1; i <= n; i++) {
		if (i < n && path[i] != '/' && path[i] != '\\')
			continue;
		/* Skip "C:" and the root itself: they always exist. */
		if (i <= 3 && (path[i - 1] == ':' || i == 1))
			continue;
		*ret = zh_strndup(path, i);
		if (*ret == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot journal '%s'", path);
		if ((rc = path_kind(*ret, &kind, err)) != 0) {
			zh_free(*ret);
			*ret = NULL;
			return rc;
		}
		if (kind == SYS_FS_NONE)
			return 0;
		zh_free(*ret);
		*ret = NULL;
	}
	return 0;
}

int zh_txn_dir_create(struct zh_txn *t, const char *path, struct zh_err *err)
{
	return zh_txn_dir_create_many(t, &path, 1, err);
}

int zh_txn_dir_create_many(struct zh_txn *t, const char *const *paths, size_t n, struct zh_err *err)
{
	struct zh_jrec *recs = zh_calloc(n + 1, sizeof(*recs));
	size_t i, m = 0;
	int rc = 0;

	if (recs == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot journal %zu directories", n);
	/* What each would create is judged before any is made (undo prunes up to it). */
	for (i = 0; i < n && rc == 0; i++) {
		recs[m].kind = "dir.create";
		recs[m].target = (char *)paths[i];
		if ((rc = first_missing_dir(paths[i], &recs[m].backup, err)) != 0)
			zh_err_wrap(err, "creating directory '%s'", paths[i]);
		else if (recs[m].backup != NULL)
			m++; /* existing directories need no op */
	}
	if (rc == 0 && (rc = run_batch(t, recs, m, err)) != 0)
		zh_err_wrap(err, "creating directories");
	for (i = 0; i <= m && i < n; i++)
		zh_free(recs[i].backup);
	zh_free(recs);
	return rc;
}

int zh_txn_dir_remove(struct zh_txn *t, const char *path, struct zh_err *err)
{
	enum sys_fs_kind kind;
	struct zh_jrec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = "dir.remove";
	r.target = (char *)path;
	if ((rc = path_kind(path, &kind, err)) == 0 && kind == SYS_FS_DIR)
		rc = run_op(t, &r, err);
	if (rc != 0)
		zh_err_wrap(err, "removing directory '%s'", path);
	return rc;
}

int zh_txn_uninstall(struct zh_txn *t, const struct zh_uninstall *u, int *ret_reboot,
	struct zh_err *err)
{
	struct zh_msi_footprint fp;
	struct zh_snap_spec spec = u->owns;
	struct zh_jrec r;
	struct zh_buf snap;
	char *bdir = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&fp, 0, sizeof(fp));
	zh_buf_init(&snap, ZH_MAX_DB_BLOB);
	*ret_reboot = 0;
	if (u->msi_product != NULL && (rc = zh_msi_footprint(u->msi_product, &spec, &fp, err)) != 0)
		goto out;
	bdir = backup_path(t, t->seq + 1);
	if (bdir == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot remove '%s'", u->name);
		goto out;
	}
	/* The snapshot comes first: the journal entry must hold it before anything runs. */
	(void)sys_fs_remove_tree(bdir, NULL);
	if ((rc = zh_snap_take(&spec, bdir, &snap, err)) != 0)
		goto out;
	r.kind = "uninst";
	r.target = (char *)u->name;
	r.name = (char *)u->cmdline;
	r.new_data = (void *)u->ok_codes;
	r.new_len = strlen(u->ok_codes);
	r.new_type = (int)(u->timeout_ms / 1000);
	r.old_state = 1;
	r.old_data = snap.data;
	r.old_len = snap.len;
	r.backup = bdir;
	uninst_reboot = 0;
	rc = run_op(t, &r, err);
	*ret_reboot = uninst_reboot;
out:
	if (rc != 0)
		zh_err_wrap(err, "removing '%s'", u->name);
	zh_buf_release(&snap);
	zh_msi_footprint_release(&fp);
	zh_free(bdir);
	return rc;
}

int zh_txn_cert_add(struct zh_txn *t, const char *store, const void *der, size_t len,
	const uint8_t sha1[20], struct zh_err *err)
{
	char target[64];
	struct zh_jrec r;
	int present = 0, rc;
	size_t i;

	if (strlen(store) > 8)
		return zh_err_set(err, ZH_EINVAL, "bad certificate store '%s'", store);
	i = (size_t)snprintf(target, sizeof(target), "%s|", store);
	for (; i < strlen(store) + 1 + 40; i += 2)
		(void)snprintf(target + i, 3, "%02x", sha1[(i - strlen(store) - 1) / 2]);
	if ((rc = sys_cert_present(SYS_CERT_LOCAL_MACHINE, store, sha1, &present, err)) != 0 ||
		present)
		goto out;
	memset(&r, 0, sizeof(r));
	r.kind = "cert.add";
	r.target = target;
	r.new_data = (void *)der;
	r.new_len = len;
	rc = run_op(t, &r, err);
out:
	if (rc != 0)
		zh_err_wrap(err, "adding certificate %s to %s", target, store);
	return rc;
}

int zh_txn_cert_remove(struct zh_txn *t, const char *store, const uint8_t sha1[20],
	struct zh_err *err)
{
	char target[64];
	struct zh_jrec r;
	void *der = NULL;
	size_t len = 0, i;
	int rc;

	if (strlen(store) > 8)
		return zh_err_set(err, ZH_EINVAL, "bad certificate store '%s'", store);
	i = (size_t)snprintf(target, sizeof(target), "%s|", store);
	for (size_t k = 0; k < 20; k++, i += 2)
		(void)snprintf(target + i, 3, "%02x", sha1[k]);
	rc = sys_cert_get(SYS_CERT_LOCAL_MACHINE, store, sha1, &der, &len, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc == 0) {
		memset(&r, 0, sizeof(r));
		r.kind = "cert.del";
		r.target = target;
		r.old_state = 1;
		r.old_data = der;
		r.old_len = len;
		rc = run_op(t, &r, err);
	}
	sys_free(der);
	if (rc != 0)
		zh_err_wrap(err, "removing certificate %s from %s", target, store);
	return rc;
}

static void svc_encode(const struct sys_svc_config *cfg, char **ret, size_t *ret_len)
{
	size_t a = strlen(cfg->display), b = strlen(cfg->command);

	*ret = zh_malloc(a + b + 2);
	*ret_len = a + 1 + b;
	if (*ret == NULL)
		return;
	memcpy(*ret, cfg->display, a + 1);
	memcpy(*ret + a + 1, cfg->command, b + 1);
}

int zh_txn_service_create(struct zh_txn *t, const char *name, const struct sys_svc_config *cfg,
	struct zh_err *err)
{
	struct zh_jrec r;
	char *data;
	size_t len;
	int rc;

	svc_encode(cfg, &data, &len);
	if (data == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	memset(&r, 0, sizeof(r));
	r.kind = "svc.create";
	r.target = (char *)name;
	r.new_data = data;
	r.new_len = len;
	r.new_type = cfg->autostart;
	rc = run_op(t, &r, err);
	zh_free(data);
	if (rc != 0)
		zh_err_wrap(err, "creating service '%s'", name);
	return rc;
}

int zh_txn_service_delete(struct zh_txn *t, const char *name, struct zh_err *err)
{
	struct sys_svc_config cfg;
	struct zh_jrec r;
	char *data = NULL;
	size_t len = 0;
	int exists = 0, running = 0, rc;

	if ((rc = sys_svc_query(name, &exists, &running, &cfg, err)) != 0 || !exists)
		goto out;
	if (running && (rc = zh_txn_service_stop(t, name, err)) != 0)
		goto out;
	svc_encode(&cfg, &data, &len);
	if (data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	memset(&r, 0, sizeof(r));
	r.kind = "svc.delete";
	r.target = (char *)name;
	r.old_state = 1;
	r.old_data = data;
	r.old_len = len;
	r.old_type = cfg.autostart;
	rc = run_op(t, &r, err);
out:
	sys_svc_config_release(&cfg);
	zh_free(data);
	if (rc != 0)
		zh_err_wrap(err, "deleting service '%s'", name);
	return rc;
}

int zh_txn_service_start(struct zh_txn *t, const char *name, struct zh_err *err)
{
	struct zh_jrec r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.kind = "svc.start";
	r.target = (char *)name;
	if ((rc = run_op(t, &r, err)) != 0)
		zh_err_wrap(err, "starting service '%s'", name);
	return rc;
}

int zh_txn_service_stop(struct zh_txn *t, const char *name, struct zh_err *err)
{
	struct zh_jrec r;
	int exists = 0, running = 0, rc;

	if ((rc = sys_svc_query(name, &exists, &running, NULL, err)) != 0 || !running)
		return rc;
	memset(&r, 0, sizeof(r));
	r.kind = "svc.stop";
	r.target = (char *)name;
	r.old_state = 1;
	if ((rc = run_op(t, &r, err)) != 0)
		zh_err_wrap(err, "stopping service '%s'", name);
	return rc;
}

struct undo_ctx {
	struct zh_db *db;
	struct zh_err *err;
	size_t count;
};

/* Undo one entry unless it is already undone; mark it undone (durable). */
static int undo_entry(const struct zh_jrec *r, void *vctx)
{
	struct undo_ctx *c = vctx;
	const struct op *op;
	int rc;

	if (r->state == ZH_J_UNDONE)
		return 0;
	op = find_op(r->kind, c->err);
	if (op == NULL)
		return c->err->code;
	if ((rc = op->undo(c->db, r, c->err)) != 0) {
		zh_err_wrap(c->err, "undoing step %d (%s)", r->seq, r->kind);
		return rc;
	}
	c->count++;
	return zh_db_journal_mark(c->db, r->txn, r->seq, ZH_J_UNDONE, c->err);
}

static int undo_all(struct zh_db *db, int64_t id, size_t *ret_count, struct zh_err *err)
{
	struct undo_ctx c = {db, err, 0};
	int rc = zh_db_journal_each(db, id, 1, undo_entry, &c, err);

	if (ret_count != NULL)
		*ret_count = c.count;
	return rc;
}

int zh_txn_commit(struct zh_txn *t, int exit_code, struct zh_err *err)
{
	int rc;

	if (t->finished)
		return zh_err_set(err, ZH_EINVAL, "transaction %lld is finished", (long long)t->id);
	/* The commit record: from here recovery completes instead of undoing. */
	if ((rc = zh_db_txn_set(t->db, t->id, ZH_TXN_COMMITTED, exit_code,
		     exit_code == 3010 || exit_code == 1641, err)) != 0)
		return rc;
	t->finished = 1;
	/*
	 * The transaction has happened. If marking it done fails, the next start's recovery
	 * does it; reporting a failure here would make the caller believe nothing changed.
	 */
	(void)zh_db_txn_set(t->db, t->id, ZH_TXN_DONE, exit_code,
		exit_code == 3010 || exit_code == 1641, NULL);
	return 0;
}

int zh_txn_abort(struct zh_txn *t, int exit_code, struct zh_err *err)
{
	int rc;

	if (t->finished)
		return 0;
	if ((rc = undo_all(t->db, t->id, NULL, err)) != 0)
		return rc;
	t->finished = 1;
	return zh_db_txn_set(t->db, t->id, ZH_TXN_ROLLEDBACK, exit_code, 0, err);
}

void zh_txn_free(struct zh_txn *t)
{
	zh_free(t);
}

int zh_txn_recover(struct zh_db *db, struct zh_recovery *ret, struct zh_err *err)
{
	struct zh_txn_row row;
	int rc;

	memset(ret, 0, sizeof(*ret));
	rc = zh_db_txn_unfinished(db, &row, err);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return rc;
	ret->txn = row.id;
	if (row.state == ZH_TXN_COMMITTED) {
		/* Everything ran; only the final state is missing. */
		ret->ops = row.nops;
		rc = zh_db_txn_set(db, row.id, ZH_TXN_DONE, row.exit_code, row.reboot, err);
	} else {
		ret->rolled_back = 1;
		rc = undo_all(db, row.id, &ret->ops, err);
		if (rc == 0)
			rc = zh_db_txn_set(db, row.id, ZH_TXN_ROLLEDBACK, ZH_TXN_EXIT_FAILED, 0,
				err);
	}
	zh_txn_row_release(&row);
	if (rc != 0)
		zh_err_wrap(err, "recovering interrupted transaction %lld", (long long)ret->txn);
	return rc;
}

/* --- Undoing a committed transaction ------------------------------------------------------ */

struct intact_ctx {
	struct zh_db *db;
	struct zh_err *err;
	struct zh_jrec *later; /* the entries seen so far (newest first): kind, target, name */
	size_t nlater;
};

static size_t family_len(const char *kind)
{
	const char *dot = strchr(kind, '.');

	return dot != NULL ? (size_t)(dot - kind) : strlen(kind);
}

/* Did entry l, later in the same transaction, change what r left again? */
static int supersedes(const struct zh_jrec *l, const struct zh_jrec *r)
{
	size_t f = family_len(r->kind), n = strlen(r->target);
	int tree = strcmp(r->kind, "reg.tree") == 0 || strncmp(r->kind, "dir.", 4) == 0;

	if (family_len(l->kind) != f || strncmp(l->kind, r->kind, f) != 0)
		return 0;
	/* Registry values are told apart by name; everything else by target alone. */
	if (strcmp(l->target, r->target) == 0)
		return tree || strncmp(r->kind, "reg.", 4) != 0 ||
			(l->name != NULL && r->name != NULL && strcmp(l->name, r->name) == 0);
	/* Something made again below a key or folder this entry removed. */
	return tree && strncmp(l->target, r->target, n) == 0 && l->target[n] == '\\';
}

/*
 * Is what the entry left still there? Entries come newest first: one whose target a later
 * entry of the same transaction changed again (--purge removes, then installs) is judged by
 * that later entry alone.
 */
static int check_intact(const struct zh_jrec *r, void *vctx)
{
	struct intact_ctx *c = vctx;
	const struct op *op;
	struct zh_jrec *v;
	size_t i;

	if (r->state != ZH_J_DONE)
		return 0;
	for (i = 0; i < c->nlater; i++)
		if (supersedes(&c->later[i], r))
			return 0;
	if ((v = zh_realloc(c->later, (c->nlater + 1) * sizeof(*v))) == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "out of memory");
	c->later = v;
	v = &v[c->nlater];
	memset(v, 0, sizeof(*v));
	v->kind = zh_strdup(r->kind);
	v->target = zh_strdup(r->target);
	v->name = r->name != NULL ? zh_strdup(r->name) : NULL;
	c->nlater++;
	if (v->kind == NULL || v->target == NULL || (r->name != NULL && v->name == NULL))
		return zh_err_set(c->err, ZH_ENOMEM, "out of memory");
	op = find_op(r->kind, c->err);
	if (op == NULL)
		return c->err->code;
	return op->intact(c->db, r, c->err);
}

struct inverse_ctx {
	struct zh_txn *t;
	struct zh_err *err;
};

/* Replay the inverse of one done entry as a journaled op of the undoing transaction. */
static int run_inverse(const struct zh_jrec *r, void *vctx)
{
	struct inverse_ctx *c = vctx;
	struct zh_jrec inv;
	struct regloc loc;
	int rc;

	if (r->state != ZH_J_DONE)
		return 0;
	/* File and directory inverses go through the public ops, which capture their own undo. */
	if (strcmp(r->kind, "file.put") == 0 && r->old_state) {
		/* A replace done at boot kept a copy of the old file instead of the backup. */
		char *copy = copy_path(r->backup);
		enum sys_fs_kind kind = SYS_FS_NONE;

		if (copy == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot restore '%s'", r->target);
		(void)path_kind(r->backup, &kind, NULL);
		rc = zh_txn_file_put(c->t, r->target, kind == SYS_FS_NONE ? copy : r->backup,
			c->err);
		zh_free(copy);
		return rc;
	}
	if (strcmp(r->kind, "file.put") == 0)
		return zh_txn_file_delete(c->t, r->target, c->err);
	if (strcmp(r->kind, "file.del") == 0)
		return zh_txn_file_put(c->t, r->target, r->backup, c->err);
	if (strcmp(r->kind, "dir.remove") == 0)
		return zh_txn_dir_create(c->t, r->target, c->err);
	if (strcmp(r->kind, "reg.import") == 0) {
		if ((rc = decode_target(r->target, &loc, c->err)) != 0)
			return rc;
		return zh_txn_reg_delete_tree(c->t, loc.root, loc.view, loc.key, c->err);
	}
	memset(&inv, 0, sizeof(inv));
	inv.target = r->target;
	inv.name = r->name;
	if (strcmp(r->kind, "db.comp") == 0 || strcmp(r->kind, "db.meta") == 0) {
		/* Put the record back as it was; the inverse's undo puts this one again. */
		inv.kind = r->kind;
		inv.new_data = r->old_state ? r->old_data : NULL;
		inv.new_len = r->old_state ? r->old_len : 0;
		inv.old_state = r->new_data != NULL;
		inv.old_data = r->new_data;
		inv.old_len = r->new_len;
		inv.old_type = (int)r->txn;
		return run_op(c->t, &inv, c->err);
	}
	if (strcmp(r->kind, "uninst") == 0 || strcmp(r->kind, "restore") == 0) {
		/* The same snapshot, played the other way: no uninstaller runs on a rollback. */
		inv.kind = strcmp(r->kind, "uninst") == 0 ? "restore" : "uninst";
		inv.name = NULL;
		inv.new_data = "0";
		inv.new_len = 1;
		inv.old_state = 1;
		inv.old_data = r->old_data;
		inv.old_len = r->old_len;
		inv.backup = r->backup;
		return run_op(c->t, &inv, c->err);
	}
	if (strcmp(r->kind, "cert.add") == 0 || strcmp(r->kind, "cert.del") == 0) {
		inv.kind = strcmp(r->kind, "cert.add") == 0 ? "cert.del" : "cert.add";
		inv.new_data = r->kind[5] == 'a' ? NULL : r->old_data;
		inv.new_len = r->kind[5] == 'a' ? 0 : r->old_len;
		inv.old_state = 1;
		inv.old_data = r->kind[5] == 'a' ? r->new_data : NULL;
		inv.old_len = r->kind[5] == 'a' ? r->new_len : 0;
		return run_op(c->t, &inv, c->err);
	}
	if (strncmp(r->kind, "svc.", 4) == 0) {
		/* create <-> delete (the configuration moves across), start <-> stop. */
		int create = strcmp(r->kind, "svc.create") == 0, del = !create && r->kind[4] == 'd';

		inv.kind = create			    ? "svc.delete"
			: del				    ? "svc.create"
			: strcmp(r->kind, "svc.start") == 0 ? "svc.stop"
							    : "svc.start";
		inv.new_data = del ? r->old_data : NULL;
		inv.new_len = del ? r->old_len : 0;
		inv.new_type = del ? r->old_type : 0;
		inv.old_state = 1;
		inv.old_data = create ? r->new_data : NULL;
		inv.old_len = create ? r->new_len : 0;
		inv.old_type = create ? r->new_type : 0;
		if (create)
			/* A running service is stopped first, an op of its own. */
			if ((rc = zh_txn_service_stop(c->t, r->target, c->err)) != 0)
				return rc;
		return run_op(c->t, &inv, c->err);
	}
	if (strcmp(r->kind, "dir.create") == 0) {
		/* Remove what it created, up to the shallowest directory it made. */
		inv.kind = "dir.remove";
		inv.backup = r->backup;
	} else if (strcmp(r->kind, "reg.tree") == 0) {
		/* Re-import the exported tree; its undo deletes the tree again. */
		inv.kind = "reg.import";
		inv.new_data = r->old_data;
		inv.new_len = r->old_len;
	} else if (r->old_state) {
		/* reg.set over an old value, or reg.del: put the old value back. */
		inv.kind = "reg.set";
		inv.new_type = r->old_type;
		inv.new_data = r->old_data;
		inv.new_len = r->old_len;
	} else {
		/* reg.set of a new value: delete it and the keys it created. */
		inv.kind = "reg.del";
		inv.backup = r->backup;
	}
	if (strcmp(r->kind, "reg.set") == 0) {
		/* The inverse's own undo data: what the original left, checked still in place. */
		inv.old_state = 1;
		inv.old_type = r->new_type;
		inv.old_data = r->new_data;
		inv.old_len = r->new_len;
	}
	return run_op(c->t, &inv, c->err);
}

int zh_txn_undo_committed(struct zh_db *db, int64_t id, int64_t *ret_new_id, struct zh_err *err)
{
	struct undo_ctx c = {db, err, 0};
	struct intact_ctx ictx = {db, err, NULL, 0};
	struct inverse_ctx ic = {NULL, err};
	struct zh_txn_row row;
	char verb[64];
	int rc;

	memset(&row, 0, sizeof(row));
	rc = zh_db_txn_get(db, id, &row, err);
	if (rc == ZH_ENOENT) {
		rc = id == 0
			? zh_err_set(err, ZH_ENOENT, "there is no transaction to roll back")
			: zh_err_set(err, ZH_ENOENT, "there is no transaction %lld", (long long)id);
		goto out;
	}
	if (rc != 0)
		goto out;
	if (zh_db_txn_undone_by(db, row.id, &c.count, err) == 0) {
		rc = zh_err_set(err, ZH_EINVAL, "transaction %lld was already rolled back by %zu",
			(long long)row.id, c.count);
		goto out;
	}
	if (row.state != ZH_TXN_DONE) {
		rc = zh_err_set(err, ZH_EINVAL, "transaction %lld is %s, not done: nothing to undo",
			(long long)row.id, zh_txn_state_name(row.state));
		goto out;
	}
	if ((rc = zh_db_journal_each(db, row.id, 1, check_intact, &ictx, err)) != 0) {
		zh_err_wrap(err, "cannot roll back transaction %lld", (long long)row.id);
		goto out;
	}
	(void)snprintf(verb, sizeof(verb), "rollback %lld", (long long)row.id);
	ic.t = zh_calloc(1, sizeof(*ic.t));
	if (ic.t == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot start a transaction");
		goto out;
	}
	ic.t->db = db;
	if ((rc = zh_db_txn_new(db, verb, row.id, &ic.t->id, err)) != 0)
		goto out;
	rc = zh_db_journal_each(db, row.id, 1, run_inverse, &ic, err);
	if (rc == 0)
		rc = zh_txn_commit(ic.t, 0, err);
	else
		(void)zh_txn_abort(ic.t, ZH_TXN_EXIT_FAILED, NULL);
	if (rc == 0)
		*ret_new_id = ic.t->id;
out:
	for (size_t i = 0; i < ictx.nlater; i++) {
		zh_free(ictx.later[i].kind);
		zh_free(ictx.later[i].target);
		zh_free(ictx.later[i].name);
	}
	zh_free(ictx.later);
	zh_txn_free(ic.t);
	zh_txn_row_release(&row);
	return rc;
}
