/* SPDX-License-Identifier: MIT */
/*
 * The manifest DB (SQLite, %ProgramData%\zhushou\zhushou.db): what zhushou installed (files
 * with hashes, registry values, certificates), the transaction journal, the history of
 * transactions and the highest pack index serial accepted. This file is the one home of
 * SQLite in zhushou; other modules see only these functions and plain C types.
 *
 * Lifecycle: zh_db_open() creates or upgrades the schema (PRAGMA user_version, one migration
 * per version, each in its own transaction) and runs quick_check: a damaged DB is reported as
 * ZH_EDBCORRUPT with its path, never recreated over a journal that may still be needed. Writes
 * are durable when the call returns (synchronous=FULL, rollback journal). zh_db_close() is
 * safe at any point; a process that dies mid-write leaves SQLite's own journal, which the next
 * open rolls back.
 */
#ifndef ZH_DB_H
#define ZH_DB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZH_DB_SCHEMA_VERSION 2
#define ZH_DB_FILE "zhushou.db"
#define ZH_MAX_DB_BLOB (16 * 1024 * 1024)

struct zh_db;

enum zh_db_open_flags {
	ZH_DB_CREATE = 1 << 0, /* create the file if it does not exist */
	ZH_DB_EXCLUSIVE = 1 << 1, /* hold the file lock until close (one writer per PC) */
};

/*
 * Open (and create/migrate) the DB at path. *ret is closed with zh_db_close. ZH_ENOENT (no DB
 * and no ZH_DB_CREATE), ZH_EDBCORRUPT, ZH_EBUSY (another zhushou holds it), ZH_EIO, ZH_ENOMEM.
 */
int zh_db_open(const char *path, unsigned flags, struct zh_db **ret, struct zh_err *err);

/* NULL is a no-op. */
void zh_db_close(struct zh_db *db);

/* The DB file's path, as given to zh_db_open (borrowed). */
const char *zh_db_path(const struct zh_db *db);

/* The SQLite version linked in. */
const char *zh_db_lib_version(void);

/* A small key/value table for DB-wide facts ("index.serial", ...). */
int zh_db_meta_get(struct zh_db *db, const char *key, char **ret, struct zh_err *err);
int zh_db_meta_set(struct zh_db *db, const char *key, const char *value, struct zh_err *err);
/* Remove key (nothing to do if absent). */
int zh_db_meta_delete(struct zh_db *db, const char *key, struct zh_err *err);

enum zh_txn_state {
	ZH_TXN_OPEN, /* ops may have run; not committed: recovery rolls it back */
	ZH_TXN_COMMITTED, /* commit record durable: recovery completes it */
	ZH_TXN_DONE, /* finished; its undo data is kept for `zhushou rollback` */
	ZH_TXN_ROLLEDBACK, /* undone (by failure, recovery or `zhushou rollback`) */
};

struct zh_txn_row {
	int64_t id;
	enum zh_txn_state state;
	char *verb; /* what started it: "repair", "install x", ... */
	char *started; /* UTC, ISO 8601 */
	char *finished; /* NULL while unfinished */
	int exit_code; /* as the CLI reported it */
	int reboot; /* 1 if a file replacement waits for a reboot */
	int64_t undoes; /* for a rollback transaction: the txn it undid, else 0 */
	size_t nops; /* journal entries */
};

/* Start a transaction row in state OPEN; *ret_id is its id. */
int zh_db_txn_new(struct zh_db *db, const char *verb, int64_t undoes, int64_t *ret_id,
	struct zh_err *err);

/* Move a transaction to state (and record exit code / reboot flag; finished time when final). */
int zh_db_txn_set(struct zh_db *db, int64_t id, enum zh_txn_state state, int exit_code, int reboot,
	struct zh_err *err);

/* The oldest transaction still OPEN or COMMITTED; ZH_ENOENT when there is none. */
int zh_db_txn_unfinished(struct zh_db *db, struct zh_txn_row *ret, struct zh_err *err);

/* One transaction by id (ZH_ENOENT), or the newest DONE one when id is 0. */
int zh_db_txn_get(struct zh_db *db, int64_t id, struct zh_txn_row *ret, struct zh_err *err);

/* The DONE transaction that undid id, into *ret_id; ZH_ENOENT if none. */
int zh_db_txn_undone_by(struct zh_db *db, int64_t id, size_t *ret_id, struct zh_err *err);

/* All transactions, newest first, through cb (return non-zero from cb to stop). */
int zh_db_txn_list(struct zh_db *db, int (*cb)(const struct zh_txn_row *row, void *ctx), void *ctx,
	struct zh_err *err);

void zh_txn_row_release(struct zh_txn_row *row);

const char *zh_txn_state_name(enum zh_txn_state state);

enum zh_jstate {
	ZH_J_PENDING, /* undo record written, the op may or may not have run */
	ZH_J_DONE, /* the op ran */
	ZH_J_UNDONE, /* the undo ran */
};

/*
 * One journal entry: what the op does and what undoes it. The fields' meaning depends on the
 * kind (txn.c documents each); blobs are opaque here.
 */
struct zh_jrec {
	int64_t txn;
	int seq;
	char *kind;
	char *target; /* path or registry key */
	char *name; /* value name, or NULL */
	int new_type;
	void *new_data; /* what the op writes */
	size_t new_len;
	int old_state; /* 0: nothing was there before, 1: something was */
	int old_type;
	void *old_data; /* what was there before (the undo) */
	size_t old_len;
	char *backup; /* path of the backup copy, or NULL */
	enum zh_jstate state;
	/* Not stored: a file.put's staged file, open (zh_txn_put.file); NULL when read back. */
	struct sys_file **file;
};

/* Append an entry (durable on return): the undo record the op needs before it runs. */
int zh_db_journal_add(struct zh_db *db, const struct zh_jrec *rec, struct zh_err *err);

/*
 * Append n entries in one durable write (one SQLite transaction): all of them or none. For a
 * batch of operations whose undo records are all written before the first one runs.
 */
int zh_db_journal_add_many(struct zh_db *db, const struct zh_jrec *recs, size_t n,
	struct zh_err *err);

/* Set the state of entries from..to (inclusive) of txn in one durable write. */
int zh_db_journal_mark_range(struct zh_db *db, int64_t txn, int from, int to, enum zh_jstate state,
	struct zh_err *err);

/* Set an entry's state (durable on return). */
int zh_db_journal_mark(struct zh_db *db, int64_t txn, int seq, enum zh_jstate state,
	struct zh_err *err);

/*
 * The entries of txn in order (or reverse order) through cb; cb's rec is valid for the call
 * only. Return non-zero from cb to stop with that code.
 */
int zh_db_journal_each(struct zh_db *db, int64_t txn, int reverse,
	int (*cb)(const struct zh_jrec *rec, void *ctx), void *ctx, struct zh_err *err);

/*
 * What zhushou installed and owns (component, owned_file, owned_reg, owned_cert tables): a
 * component from a bundle, or a profile's settings (id "profile.<profile id>": the registry
 * values a repair created and the certificates it added).
 */
struct zh_db_file {
	char *path;
	int64_t size;
	char sha256[65]; /* lower-case hex */
};

struct zh_db_reg {
	int root; /* enum sys_reg_root */
	int view; /* enum sys_reg_view */
	char *key;
	char *name;
};

struct zh_db_cert {
	char store[16]; /* LocalMachine store: "Root", "CA" */
	char sha1[41]; /* thumbprint, lower-case hex */
};

struct zh_db_component {
	char *id;
	char *version;
	int64_t txn; /* the transaction that installed it */
	struct zh_db_file *files;
	size_t nfiles;
	struct zh_db_reg *regs;
	size_t nregs;
	struct zh_db_cert *certs;
	size_t ncerts;
	char **svcs; /* Windows services it installed, by name */
	size_t nsvcs;
};

/* The component id, or ZH_ENOENT. *ret is released with zh_db_component_release. */
int zh_db_component_get(struct zh_db *db, const char *id, struct zh_db_component *ret,
	struct zh_err *err);

/* Record c (replacing what was recorded for c->id) in one durable write. */
int zh_db_component_put(struct zh_db *db, const struct zh_db_component *c, struct zh_err *err);

/* Forget component id and its files (nothing to do if absent), in one durable write. */
int zh_db_component_delete(struct zh_db *db, const char *id, struct zh_err *err);

/* The ids of every recorded component, sorted; free with zh_db_strings_free. */
int zh_db_component_ids(struct zh_db *db, char ***ret, size_t *ret_n, struct zh_err *err);
void zh_db_strings_free(char **v, size_t n);

/* Empties c; NULL or empty is a no-op. */
void zh_db_component_release(struct zh_db_component *c);

/*
 * A consistent copy of the whole DB for support (support-report), as the bytes of a database
 * file: SQLite's backup API through db's own connection (which holds the DB's lock) into a
 * private in-memory database, so nothing is written beside the DB. When filter is not NULL,
 * every TEXT value of every table of the copy goes through it (*ret NULL: keep the value; a
 * non-zero return stops the copy with that code) and the copy is rewritten so that no replaced
 * text remains in its free pages. *ret_data (zh_free) and *ret_len on success. ZH_ETOOBIG over
 * max bytes, ZH_EDB, ZH_ENOMEM, the filter's errors.
 */
typedef int (*zh_db_text_filter)(void *ctx, const char *text, size_t len, char **ret,
	size_t *ret_len, struct zh_err *err);
int zh_db_copy(struct zh_db *db, size_t max, zh_db_text_filter filter, void *ctx, void **ret_data,
	size_t *ret_len, struct zh_err *err);

#endif
