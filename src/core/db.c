/* SPDX-License-Identifier: MIT */
/*
 * The manifest DB on SQLite. Every write is its own short transaction with BEGIN IMMEDIATE
 * and synchronous=FULL, so "returned" means "on disk": the transaction engine relies on that
 * to write an undo record before the operation it undoes. Errors carry sqlite3_errmsg and
 * the statement that failed.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "mem.h"
#include "../sys/fault.h"
#include "banned.h"

struct zh_db {
	sqlite3 *h;
	char *path;
};

const char *zh_db_path(const struct zh_db *db)
{
	return db->path;
}

const char *zh_db_lib_version(void)
{
	return sqlite3_libversion();
}

static int db_error(struct zh_db *db, struct zh_err *err, int rc, const char *what)
{
	int code = ZH_EDB;

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		code = ZH_EBUSY;
	else if (rc == SQLITE_NOMEM)
		code = ZH_ENOMEM;
	else if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB)
		code = ZH_EDBCORRUPT;
	else if (rc == SQLITE_FULL)
		code = ZH_ENOSPC;
	else if (rc == SQLITE_IOERR || rc == SQLITE_CANTOPEN)
		code = ZH_EIO;
	else if (rc == SQLITE_READONLY || rc == SQLITE_PERM || rc == SQLITE_AUTH)
		code = ZH_EACCES;
	return zh_err_set(err, code, "manifest database '%s': %s: %s", db->path, what,
		db->h != NULL ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

static int exec(struct zh_db *db, const char *sql, struct zh_err *err)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_error(db, err, rc, sql);
}

/* Prepare, or fill err naming the statement. */
static int prepare(struct zh_db *db, const char *sql, sqlite3_stmt **ret, struct zh_err *err)
{
	int rc = sqlite3_prepare_v2(db->h, sql, -1, ret, NULL);

	return rc == SQLITE_OK ? 0 : db_error(db, err, rc, sql);
}

/* Step a statement that returns no rows. */
static int step_done(struct zh_db *db, sqlite3_stmt *st, struct zh_err *err)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE ? 0 : db_error(db, err, rc, sqlite3_sql(st));
}

/*
 * Migrations: migrations[i] takes the schema from version i to i + 1. Append only; never edit
 * a migration that has shipped.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE txn ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" state INTEGER NOT NULL,"
	" verb TEXT NOT NULL,"
	" started TEXT NOT NULL,"
	" finished TEXT,"
	" exit_code INTEGER NOT NULL DEFAULT 0,"
	" reboot INTEGER NOT NULL DEFAULT 0,"
	" undoes INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE journal ("
	" txn INTEGER NOT NULL REFERENCES txn(id),"
	" seq INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" target TEXT NOT NULL,"
	" name TEXT,"
	" new_type INTEGER NOT NULL DEFAULT 0,"
	" new_data BLOB,"
	" old_state INTEGER NOT NULL DEFAULT 0,"
	" old_type INTEGER NOT NULL DEFAULT 0,"
	" old_data BLOB,"
	" backup TEXT,"
	" state INTEGER NOT NULL,"
	" PRIMARY KEY (txn, seq));"
	"CREATE TABLE component ("
	" id TEXT PRIMARY KEY,"
	" version TEXT NOT NULL,"
	" txn INTEGER NOT NULL);"
	"CREATE TABLE owned_file ("
	" path TEXT PRIMARY KEY,"
	" component TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" sha256 TEXT NOT NULL);"
	"CREATE TABLE owned_reg ("
	" root INTEGER NOT NULL, view INTEGER NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL,"
	" component TEXT NOT NULL,"
	" PRIMARY KEY (root, view, key, name));"
	"CREATE TABLE owned_cert ("
	" store TEXT NOT NULL, sha1 TEXT NOT NULL, component TEXT NOT NULL,"
	" PRIMARY KEY (store, sha1));",
	/* 1 -> 2 */
	"CREATE TABLE owned_svc (name TEXT PRIMARY KEY, component TEXT NOT NULL);",
};

static int migrate(struct zh_db *db, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	int version, rc;

	if ((rc = prepare(db, "PRAGMA user_version", &st, err)) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_error(db, err, sqlite3_errcode(db->h), "PRAGMA user_version");
		goto out;
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (version > ZH_DB_SCHEMA_VERSION) {
		rc = zh_err_set(err, ZH_EDB,
			"manifest database '%s' has schema %d, newer than this zhushou (%d): "
			"use a newer zhushou",
			db->path, version, ZH_DB_SCHEMA_VERSION);
		goto out;
	}
	for (; version < ZH_DB_SCHEMA_VERSION; version++) {
		if ((rc = exec(db, "BEGIN IMMEDIATE", err)) != 0)
			goto out;
		(void)snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
		if ((rc = exec(db, migrations[version], err)) != 0 ||
			(rc = exec(db, sql, err)) != 0 || (rc = exec(db, "COMMIT", err)) != 0) {
			(void)sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

static int quick_check(struct zh_db *db, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	const char *res;
	int rc;

	if ((rc = prepare(db, "PRAGMA quick_check", &st, err)) != 0)
		return rc == ZH_EDB ? zh_err_set(err, ZH_EDBCORRUPT, "%s", err->msg) : rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_error(db, err, rc, "PRAGMA quick_check");
		goto out;
	}
	res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		rc = zh_err_set(err, ZH_EDBCORRUPT,
			"manifest database '%s' is damaged (%s): keep the file for support; "
			"move it aside to let zhushou start a new one",
			db->path, res != NULL ? res : "?");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int zh_db_open(const char *path, unsigned flags, struct zh_db **ret, struct zh_err *err)
{
	struct zh_db *db = NULL;
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_open", err)) != 0)
		return rc;
	db = zh_calloc(1, sizeof(*db));
	if (db == NULL || (db->path = zh_strdup(path)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot open manifest database '%s'", path);
		goto out;
	}
	if (flags & ZH_DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &db->h, oflags, NULL);
	if (rc != SQLITE_OK) {
		rc = rc == SQLITE_CANTOPEN && !(flags & ZH_DB_CREATE)
			? zh_err_set(err, ZH_ENOENT, "no manifest database at '%s'", path)
			: db_error(db, err, rc, "open");
		goto out;
	}
	(void)sqlite3_extended_result_codes(db->h, 0);
	/* Wait a little for a concurrent reader rather than failing at once. */
	(void)sqlite3_busy_timeout(db->h, 2000);
	if ((rc = exec(db, "PRAGMA page_size = 65536", err)) != 0 ||
		(rc = exec(db, "PRAGMA journal_mode = DELETE", err)) != 0 ||
		(rc = exec(db, "PRAGMA synchronous = FULL", err)) != 0 ||
		(rc = exec(db, "PRAGMA foreign_keys = ON", err)) != 0)
		goto out;
	if ((flags & ZH_DB_EXCLUSIVE) &&
		(rc = exec(db, "PRAGMA locking_mode = EXCLUSIVE", err)) != 0)
		goto out;
	if ((rc = quick_check(db, err)) != 0 || (rc = migrate(db, err)) != 0)
		goto out;
	/* In exclusive mode the lock is taken at the first write: take it now. */
	if ((flags & ZH_DB_EXCLUSIVE) &&
		((rc = exec(db, "BEGIN IMMEDIATE", err)) != 0 ||
			(rc = exec(db, "COMMIT", err)) != 0))
		goto out;
	*ret = db;
	db = NULL;
out:
	zh_db_close(db);
	return rc;
}

void zh_db_close(struct zh_db *db)
{
	if (db == NULL)
		return;
	(void)sqlite3_close_v2(db->h);
	zh_free(db->path);
	zh_free(db);
}

int zh_db_meta_get(struct zh_db *db, const char *key, char **ret, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT value FROM meta WHERE key = ?1", &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = ZH_ENOENT;
	} else if (rc != SQLITE_ROW) {
		rc = db_error(db, err, rc, "reading meta");
	} else {
		*ret = zh_strdup((const char *)sqlite3_column_text(st, 0));
		rc = *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "cannot read meta '%s'", key) : 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int zh_db_meta_set(struct zh_db *db, const char *key, const char *value, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_meta_set", err)) != 0)
		return rc;
	if ((rc = prepare(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", &st,
		     err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	return rc;
}

int zh_db_meta_delete(struct zh_db *db, const char *key, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_meta_delete", err)) != 0)
		return rc;
	if ((rc = prepare(db, "DELETE FROM meta WHERE key = ?1", &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	return rc;
}

/* Times are stored as UTC ISO 8601 text, taken by SQLite itself. */
#define NOW_UTC "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

int zh_db_txn_new(struct zh_db *db, const char *verb, int64_t undoes, int64_t *ret_id,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_txn_new", err)) != 0)
		return rc;
	if ((rc = prepare(db,
		     "INSERT INTO txn (state, verb, started, undoes) VALUES (?1, ?2, " NOW_UTC
		     ", ?3)",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_int(st, 1, ZH_TXN_OPEN);
	sqlite3_bind_text(st, 2, verb, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, undoes);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	if (rc == 0)
		*ret_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int zh_db_txn_set(struct zh_db *db, int64_t id, enum zh_txn_state state, int exit_code, int reboot,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_txn_set", err)) != 0)
		return rc;
	if ((rc = prepare(db,
		     "UPDATE txn SET state = ?2, exit_code = ?3, reboot = ?4, "
		     "finished = CASE WHEN ?2 IN (2, 3) THEN " NOW_UTC " ELSE NULL END "
		     "WHERE id = ?1",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, state);
	sqlite3_bind_int(st, 3, exit_code);
	sqlite3_bind_int(st, 4, reboot);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	if (rc == 0 && sqlite3_changes(db->h) != 1)
		rc = zh_err_set(err, ZH_ENOENT, "no transaction %lld", (long long)id);
	return rc;
}

#define TXN_COLUMNS                                                                                \
	"SELECT id, state, verb, started, finished, exit_code, reboot, undoes, "                   \
	"(SELECT count(*) FROM journal WHERE journal.txn = txn.id) FROM txn "

static int row_from(sqlite3_stmt *st, struct zh_txn_row *r, struct zh_err *err)
{
	const unsigned char *fin = sqlite3_column_text(st, 4);

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->state = (enum zh_txn_state)sqlite3_column_int(st, 1);
	r->verb = zh_strdup((const char *)sqlite3_column_text(st, 2));
	r->started = zh_strdup((const char *)sqlite3_column_text(st, 3));
	r->finished = fin != NULL ? zh_strdup((const char *)fin) : NULL;
	r->exit_code = sqlite3_column_int(st, 5);
	r->reboot = sqlite3_column_int(st, 6);
	r->undoes = sqlite3_column_int64(st, 7);
	r->nops = (size_t)sqlite3_column_int64(st, 8);
	if (r->verb == NULL || r->started == NULL || (fin != NULL && r->finished == NULL)) {
		zh_txn_row_release(r);
		return zh_err_set(err, ZH_ENOMEM, "cannot read transaction");
	}
	return 0;
}

static int one_row(struct zh_db *db, const char *sql, int64_t arg, struct zh_txn_row *ret,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db, sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = row_from(st, ret, err);
	else if (rc == SQLITE_DONE)
		rc = ZH_ENOENT;
	else
		rc = db_error(db, err, rc, sql);
	sqlite3_finalize(st);
	return rc;
}

int zh_db_txn_unfinished(struct zh_db *db, struct zh_txn_row *ret, struct zh_err *err)
{
	return one_row(db, TXN_COLUMNS "WHERE state IN (0, 1) AND ?1 = ?1 ORDER BY id LIMIT 1", 0,
		ret, err);
}

int zh_db_txn_get(struct zh_db *db, int64_t id, struct zh_txn_row *ret, struct zh_err *err)
{
	if (id == 0)
		return one_row(db,
			TXN_COLUMNS "WHERE state = 2 AND undoes = 0 AND ?1 = ?1 AND id NOT IN "
				    "(SELECT undoes FROM txn WHERE state = 2) "
				    "ORDER BY id DESC LIMIT 1",
			0, ret, err);
	return one_row(db, TXN_COLUMNS "WHERE id = ?1", id, ret, err);
}

int zh_db_txn_undone_by(struct zh_db *db, int64_t id, size_t *ret_id, struct zh_err *err)
{
	struct zh_txn_row row;
	int rc = one_row(db, TXN_COLUMNS "WHERE undoes = ?1 AND state = 2", id, &row, err);

	if (rc == 0) {
		*ret_id = (size_t)row.id;
		zh_txn_row_release(&row);
	}
	return rc;
}

int zh_db_txn_list(struct zh_db *db, int (*cb)(const struct zh_txn_row *row, void *ctx), void *ctx,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	struct zh_txn_row r;
	int rc;

	if ((rc = prepare(db, TXN_COLUMNS "ORDER BY id DESC", &st, err)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = row_from(st, &r, err)) != 0)
			goto out;
		rc = cb(&r, ctx);
		zh_txn_row_release(&r);
		if (rc != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, rc, "listing transactions");
out:
	sqlite3_finalize(st);
	return rc;
}

void zh_txn_row_release(struct zh_txn_row *row)
{
	zh_free(row->verb);
	zh_free(row->started);
	zh_free(row->finished);
	memset(row, 0, sizeof(*row));
}

const char *zh_txn_state_name(enum zh_txn_state state)
{
	switch (state) {
	case ZH_TXN_OPEN:
		return "open";
	case ZH_TXN_COMMITTED:
		return "committed";
	case ZH_TXN_DONE:
		return "done";
	default:
		return "rolled-back";
	}
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_blob_or_null(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (p != NULL)
		sqlite3_bind_blob64(st, i, p, n, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

#define JOURNAL_INSERT                                                                             \
	"INSERT INTO journal (txn, seq, kind, target, name, new_type, new_data, "                  \
	"old_state, old_type, old_data, backup, state) "                                           \
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"

static int journal_insert(struct zh_db *db, sqlite3_stmt *st, const struct zh_jrec *r,
	struct zh_err *err)
{
	if (r->new_len > ZH_MAX_DB_BLOB || r->old_len > ZH_MAX_DB_BLOB)
		return zh_err_set(err, ZH_ETOOBIG, "journal entry for '%s' is too large",
			r->target);
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, r->txn);
	sqlite3_bind_int(st, 2, r->seq);
	sqlite3_bind_text(st, 3, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->target, -1, SQLITE_STATIC);
	bind_text_or_null(st, 5, r->name);
	sqlite3_bind_int(st, 6, r->new_type);
	bind_blob_or_null(st, 7, r->new_data, r->new_len);
	sqlite3_bind_int(st, 8, r->old_state);
	sqlite3_bind_int(st, 9, r->old_type);
	bind_blob_or_null(st, 10, r->old_data, r->old_len);
	bind_text_or_null(st, 11, r->backup);
	sqlite3_bind_int(st, 12, r->state);
	return step_done(db, st, err);
}

int zh_db_journal_add(struct zh_db *db, const struct zh_jrec *r, struct zh_err *err)
{
	return zh_db_journal_add_many(db, r, 1, err);
}

/* BEGIN IMMEDIATE; the caller ends with end_write. */
static int begin_write(struct zh_db *db, struct zh_err *err)
{
	return exec(db, "BEGIN IMMEDIATE", err);
}

/* COMMIT when rc is 0, else ROLLBACK; returns rc or COMMIT's error. */
static int end_write(struct zh_db *db, int rc, struct zh_err *err)
{
	if (rc == 0)
		return exec(db, "COMMIT", err);
	(void)exec(db, "ROLLBACK", NULL);
	return rc;
}

int zh_db_journal_add_many(struct zh_db *db, const struct zh_jrec *recs, size_t n,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_journal_add", err)) != 0)
		return rc;
	if ((rc = prepare(db, JOURNAL_INSERT, &st, err)) != 0)
		return rc;
	if (n > 1 && (rc = begin_write(db, err)) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = journal_insert(db, st, &recs[i], err);
	sqlite3_finalize(st);
	return n > 1 ? end_write(db, rc, err) : rc;
}

int zh_db_journal_mark_range(struct zh_db *db, int64_t txn, int from, int to, enum zh_jstate state,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_journal_mark", err)) != 0)
		return rc;
	if ((rc = prepare(db,
		     "UPDATE journal SET state = ?4 WHERE txn = ?1 AND seq BETWEEN ?2 AND ?3", &st,
		     err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, txn);
	sqlite3_bind_int(st, 2, from);
	sqlite3_bind_int(st, 3, to);
	sqlite3_bind_int(st, 4, state);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	return rc;
}

int zh_db_journal_mark(struct zh_db *db, int64_t txn, int seq, enum zh_jstate state,
	struct zh_err *err)
{
	return zh_db_journal_mark_range(db, txn, seq, seq, state, err);
}

static char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? (char *)t : NULL;
}

int zh_db_journal_each(struct zh_db *db, int64_t txn, int reverse,
	int (*cb)(const struct zh_jrec *rec, void *ctx), void *ctx, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	struct zh_jrec r;
	int rc;

	rc = prepare(db,
		reverse ? "SELECT seq, kind, target, name, new_type, new_data, old_state, "
			  "old_type, "
			  "old_data, backup, state FROM journal WHERE txn = ?1 ORDER BY seq DESC"
			: "SELECT seq, kind, target, name, new_type, new_data, old_state, "
			  "old_type, "
			  "old_data, backup, state FROM journal WHERE txn = ?1 ORDER BY seq",
		&st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, txn);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.txn = txn;
		r.seq = sqlite3_column_int(st, 0);
		r.kind = col_text(st, 1);
		r.target = col_text(st, 2);
		r.name = col_text(st, 3);
		r.new_type = sqlite3_column_int(st, 4);
		r.new_data = (void *)sqlite3_column_blob(st, 5);
		r.new_len = (size_t)sqlite3_column_bytes(st, 5);
		r.old_state = sqlite3_column_int(st, 6);
		r.old_type = sqlite3_column_int(st, 7);
		r.old_data = (void *)sqlite3_column_blob(st, 8);
		r.old_len = (size_t)sqlite3_column_bytes(st, 8);
		r.backup = col_text(st, 9);
		r.state = (enum zh_jstate)sqlite3_column_int(st, 10);
		if ((rc = cb(&r, ctx)) != 0)
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, rc, "reading the journal");
out:
	sqlite3_finalize(st);
	return rc;
}

/* --- Components ------------------------------------------------------------------------- */

void zh_db_component_release(struct zh_db_component *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfiles; i++)
		zh_free(c->files[i].path);
	zh_free(c->files);
	for (i = 0; i < c->nregs; i++) {
		zh_free(c->regs[i].key);
		zh_free(c->regs[i].name);
	}
	zh_free(c->regs);
	zh_free(c->certs);
	for (i = 0; i < c->nsvcs; i++)
		zh_free(c->svcs[i]);
	zh_free(c->svcs);
	zh_free(c->id);
	zh_free(c->version);
	memset(c, 0, sizeof(*c));
}

static int read_regs(struct zh_db *db, struct zh_db_component *c, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db,
		     "SELECT root, view, key, name FROM owned_reg WHERE component = ?1 "
		     "ORDER BY root, view, key, name",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct zh_db_reg *v = zh_realloc(c->regs, (c->nregs + 1) * sizeof(*v));

		if (v == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		c->regs = v;
		v = &c->regs[c->nregs];
		v->root = sqlite3_column_int(st, 0);
		v->view = sqlite3_column_int(st, 1);
		v->key = zh_strdup((const char *)sqlite3_column_text(st, 2));
		v->name = zh_strdup((const char *)sqlite3_column_text(st, 3));
		c->nregs++;
		if (v->key == NULL || v->name == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, rc, "reading owned registry values");
out:
	sqlite3_finalize(st);
	return rc;
}

static int read_certs(struct zh_db *db, struct zh_db_component *c, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db,
		     "SELECT store, sha1 FROM owned_cert WHERE component = ?1 ORDER BY store, sha1",
		     &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct zh_db_cert *v = zh_realloc(c->certs, (c->ncerts + 1) * sizeof(*v));
		const char *store = (const char *)sqlite3_column_text(st, 0);
		const char *sha1 = (const char *)sqlite3_column_text(st, 1);

		if (v == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		c->certs = v;
		v = &c->certs[c->ncerts++];
		if (store == NULL || sha1 == NULL || strlen(store) >= sizeof(v->store) ||
			strlen(sha1) != 40) {
			rc = zh_err_set(err, ZH_EDBCORRUPT, "component '%s': bad certificate row",
				c->id);
			goto out;
		}
		memcpy(v->store, store, strlen(store) + 1);
		memcpy(v->sha1, sha1, 41);
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, rc, "reading owned certificates");
out:
	sqlite3_finalize(st);
	return rc;
}

static int read_svcs(struct zh_db *db, struct zh_db_component *c, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(db, "SELECT name FROM owned_svc WHERE component = ?1 ORDER BY name", &st,
		     err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **v = zh_realloc(c->svcs, (c->nsvcs + 1) * sizeof(*v));

		if (v == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		c->svcs = v;
		if ((v[c->nsvcs] = zh_strdup((const char *)sqlite3_column_text(st, 0))) == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		c->nsvcs++;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, err, rc, "reading owned services");
out:
	sqlite3_finalize(st);
	return rc;
}

int zh_db_component_get(struct zh_db *db, const char *id, struct zh_db_component *ret,
	struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	struct zh_db_file *f;
	size_t cap = 0;
	int rc;

	memset(ret, 0, sizeof(*ret));
	if ((rc = prepare(db, "SELECT version, txn FROM component WHERE id = ?1", &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(st);
		return zh_err_set(err, ZH_ENOENT, "component '%s' is not installed by zhushou", id);
	}
	if (rc != SQLITE_ROW) {
		rc = db_error(db, err, rc, "reading components");
		sqlite3_finalize(st);
		return rc;
	}
	ret->id = zh_strdup(id);
	ret->version = zh_strdup((const char *)sqlite3_column_text(st, 0));
	ret->txn = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	st = NULL;
	if (ret->id == NULL || ret->version == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read component '%s'", id);
		goto fail;
	}
	if ((rc = prepare(db,
		     "SELECT path, size, sha256 FROM owned_file WHERE component = ?1 ORDER BY path",
		     &st, err)) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 2);

		if (ret->nfiles == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *p = zh_realloc(ret->files, ncap * sizeof(*ret->files));

			if (p == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "cannot read component '%s'", id);
				goto fail;
			}
			ret->files = p;
			cap = ncap;
		}
		f = &ret->files[ret->nfiles];
		memset(f, 0, sizeof(*f));
		f->path = zh_strdup((const char *)sqlite3_column_text(st, 0));
		if (f->path == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read component '%s'", id);
			goto fail;
		}
		ret->nfiles++;
		f->size = sqlite3_column_int64(st, 1);
		if (hex == NULL || strlen(hex) != 64) {
			rc = zh_err_set(err, ZH_EDBCORRUPT, "component '%s': bad hash for '%s'", id,
				f->path);
			goto fail;
		}
		memcpy(f->sha256, hex, 65);
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(db, err, rc, "reading owned files");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = read_regs(db, ret, err)) != 0 || (rc = read_certs(db, ret, err)) != 0 ||
		(rc = read_svcs(db, ret, err)) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_finalize(st);
	zh_db_component_release(ret);
	return rc;
}

static int component_drop(struct zh_db *db, const char *id, struct zh_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM owned_file WHERE component = ?1",
		"DELETE FROM owned_reg WHERE component = ?1",
		"DELETE FROM owned_cert WHERE component = ?1",
		"DELETE FROM owned_svc WHERE component = ?1",
		"DELETE FROM component WHERE id = ?1",
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]) && rc == 0; i++) {
		if ((rc = prepare(db, sql[i], &st, err)) != 0)
			break;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = step_done(db, st, err);
		sqlite3_finalize(st);
	}
	return rc;
}

int zh_db_component_delete(struct zh_db *db, const char *id, struct zh_err *err)
{
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_component_delete", err)) != 0)
		return rc;
	if ((rc = begin_write(db, err)) != 0)
		return rc;
	return end_write(db, component_drop(db, id, err), err);
}

int zh_db_component_put(struct zh_db *db, const struct zh_db_component *c, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if ((rc = ZH_FAULT_CHANGE("zh_db_component_put", err)) != 0)
		return rc;
	if ((rc = begin_write(db, err)) != 0)
		return rc;
	if ((rc = component_drop(db, c->id, err)) != 0)
		goto out;
	if ((rc = prepare(db, "INSERT INTO component (id, version, txn) VALUES (?1, ?2, ?3)", &st,
		     err)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->version, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->txn);
	rc = step_done(db, st, err);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0)
		goto out;
	if ((rc = prepare(db,
		     "INSERT INTO owned_file (path, component, size, sha256) VALUES (?1, ?2, ?3, "
		     "?4)",
		     &st, err)) != 0)
		goto out;
	for (i = 0; i < c->nfiles && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->files[i].path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, c->files[i].size);
		sqlite3_bind_text(st, 4, c->files[i].sha256, -1, SQLITE_STATIC);
		rc = step_done(db, st, err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0 ||
		(rc = prepare(db,
			 "INSERT INTO owned_reg (root, view, key, name, component) "
			 "VALUES (?1, ?2, ?3, ?4, ?5)",
			 &st, err)) != 0)
		goto out;
	for (i = 0; i < c->nregs && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int(st, 1, c->regs[i].root);
		sqlite3_bind_int(st, 2, c->regs[i].view);
		sqlite3_bind_text(st, 3, c->regs[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c->regs[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->id, -1, SQLITE_STATIC);
		rc = step_done(db, st, err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0 ||
		(rc = prepare(db,
			 "INSERT INTO owned_cert (store, sha1, component) VALUES (?1, ?2, ?3)", &st,
			 err)) != 0)
		goto out;
	for (i = 0; i < c->ncerts && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->certs[i].store, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->certs[i].sha1, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->id, -1, SQLITE_STATIC);
		rc = step_done(db, st, err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != 0 ||
		(rc = prepare(db, "INSERT INTO owned_svc (name, component) VALUES (?1, ?2)", &st,
			 err)) != 0)
		goto out;
	for (i = 0; i < c->nsvcs && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->svcs[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->id, -1, SQLITE_STATIC);
		rc = step_done(db, st, err);
	}
out:
	sqlite3_finalize(st);
	if (rc != 0)
		zh_err_wrap(err, "recording component '%s'", c->id);
	return end_write(db, rc, err);
}

void zh_db_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		zh_free(v[i]);
	zh_free(v);
}

int zh_db_component_ids(struct zh_db *db, char ***ret, size_t *ret_n, struct zh_err *err)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL;
	size_t n = 0;
	int rc;

	*ret = NULL;
	*ret_n = 0;
	if ((rc = prepare(db, "SELECT id FROM component ORDER BY id", &st, err)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **p = zh_realloc(v, (n + 1) * sizeof(*v));

		if (p == NULL ||
			(p[n] = zh_strdup((const char *)sqlite3_column_text(st, 0))) == NULL) {
			if (p != NULL)
				v = p;
			rc = zh_err_set(err, ZH_ENOMEM, "cannot list components");
			goto fail;
		}
		v = p;
		n++;
	}
	if (rc != SQLITE_DONE) {
		rc = db_error(db, err, rc, "listing components");
		goto fail;
	}
	sqlite3_finalize(st);
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	sqlite3_finalize(st);
	zh_db_strings_free(v, n);
	return rc;
}

/* The text filter of zh_db_copy as an SQL function: zh_filter(text) -> text. */
struct copy_filter {
	zh_db_text_filter fn;
	void *ctx;
	struct zh_err *err;
	int rc;
};

static void sql_filter(sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	struct copy_filter *f = sqlite3_user_data(sc);
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	size_t len = (size_t)sqlite3_value_bytes(argv[0]);
	char *out = NULL;
	size_t out_len = 0;
	int rc;

	(void)argc;
	if (text == NULL) {
		sqlite3_result_value(sc, argv[0]);
		return;
	}
	rc = f->fn(f->ctx, text, len, &out, &out_len, f->err);
	if (rc != 0) {
		f->rc = rc;
		sqlite3_result_error(sc, "text filter failed", -1);
		return;
	}
	if (out == NULL)
		sqlite3_result_value(sc, argv[0]);
	else
		sqlite3_result_text(sc, out, (int)out_len, SQLITE_TRANSIENT);
	zh_free(out);
}

/* Run every TEXT value of every table of mem through f (filter_copy's work). */
static int filter_tables(struct zh_db *mem, struct copy_filter *f, struct zh_err *err)
{
	sqlite3_stmt *tables = NULL, *cols = NULL;
	char *sql = NULL;
	int rc;

	if ((rc = prepare(mem,
		     "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
		     "'sqlite_%' ORDER BY name",
		     &tables, err)) != 0)
		goto out;
	while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);

		if ((rc = prepare(mem, "SELECT name FROM pragma_table_info(?1)", &cols, err)) != 0)
			goto out;
		sqlite3_bind_text(cols, 1, t, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(cols)) == SQLITE_ROW) {
			const char *c = (const char *)sqlite3_column_text(cols, 0);

			sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = zh_filter(\"%w\") WHERE "
					      "typeof(\"%w\") = 'text'",
				t, c, c, c);
			if (sql == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
				goto out;
			}
			rc = sqlite3_exec(mem->h, sql, NULL, NULL, NULL);
			if (rc != SQLITE_OK) {
				rc = f->rc != 0 ? f->rc : db_error(mem, err, rc, sql);
				goto out;
			}
			sqlite3_free(sql);
			sql = NULL;
		}
		if (rc != SQLITE_DONE) {
			rc = db_error(mem, err, rc, "pragma_table_info");
			goto out;
		}
		sqlite3_finalize(cols);
		cols = NULL;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(mem, err, rc, "listing tables");
out:
	sqlite3_free(sql);
	sqlite3_finalize(cols);
	sqlite3_finalize(tables);
	return rc;
}

int zh_db_copy(struct zh_db *db, size_t max, zh_db_text_filter filter, void *ctx, void **ret_data,
	size_t *ret_len, struct zh_err *err)
{
	struct zh_db mem = {NULL, NULL};
	struct copy_filter f = {filter, ctx, err, 0};
	sqlite3_backup *bk = NULL;
	unsigned char *bytes = NULL;
	sqlite3_int64 size = 0;
	void *copy = NULL;
	int rc;

	mem.path = db->path; /* for messages: the copy is of that DB */
	rc = sqlite3_open_v2(":memory:", &mem.h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		rc = db_error(&mem, err, rc, "opening an in-memory copy");
		goto out;
	}
	/*
	 * The backup API reads through db's own connection, which holds the DB's lock: the copy
	 * is one consistent state, and nothing is written beside the DB.
	 */
	bk = sqlite3_backup_init(mem.h, "main", db->h, "main");
	if (bk == NULL) {
		rc = db_error(&mem, err, sqlite3_errcode(mem.h), "backup");
		goto out;
	}
	rc = sqlite3_backup_step(bk, -1);
	(void)sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		rc = db_error(db, err, rc, "backup");
		goto out;
	}
	if (filter != NULL) {
		/* Replaced text must not survive in free pages: clear them, then compact. */
		if ((rc = exec(&mem, "PRAGMA secure_delete = ON", err)) != 0)
			goto out;
		rc = sqlite3_create_function(mem.h, "zh_filter", 1, SQLITE_UTF8, &f, sql_filter,
			NULL, NULL);
		if (rc != SQLITE_OK) {
			rc = db_error(&mem, err, rc, "zh_filter");
			goto out;
		}
		if ((rc = filter_tables(&mem, &f, err)) != 0 ||
			(rc = exec(&mem, "VACUUM", err)) != 0)
			goto out;
	}
	bytes = sqlite3_serialize(mem.h, "main", &size, 0);
	if (bytes == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot copy manifest database '%s'", db->path);
		goto out;
	}
	if ((sqlite3_uint64)size > max) {
		rc = zh_err_set(err, ZH_ETOOBIG,
			"manifest database '%s' is %lld bytes, over the limit of %zu", db->path,
			(long long)size, max);
		goto out;
	}
	if ((copy = zh_malloc(size > 0 ? (size_t)size : 1)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot copy manifest database '%s'", db->path);
		goto out;
	}
	memcpy(copy, bytes, (size_t)size);
	*ret_data = copy;
	*ret_len = (size_t)size;
	rc = 0;
out:
	sqlite3_free(bytes);
	(void)sqlite3_close_v2(mem.h);
	return rc;
}
