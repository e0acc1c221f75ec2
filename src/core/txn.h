/* SPDX-License-Identifier: MIT */
/*
 * The transaction engine: every change zhushou makes to a PC is an operation of a
 * transaction, journaled in the manifest DB before it runs.
 *
 * Lifecycle:
 *   zh_txn_recover(db)            on every start, before anything else
 *   zh_txn_begin(db, verb, &t)    a transaction row in state OPEN
 *   zh_txn_reg_set(t, ...) ...    for each op: capture the old state, write the undo record
 *                                 (durable), run the op, mark it done (durable)
 *   zh_txn_commit(t)              the commit record: from here on the transaction counts as
 *                                 done even if the process dies
 *   zh_txn_abort(t)               on any failure: undo every op in reverse order
 *   zh_txn_free(t)
 * Guarantees: after a crash at any point (power loss included) the next zhushou start leaves
 * the PC exactly as before the transaction (not committed) or as after it (committed). Undo is
 * idempotent: recovery that is itself interrupted is simply run again. A committed
 * transaction can be undone later (zh_txn_undo_committed) as a new transaction, refused with
 * ZH_ECHANGED if something it changed has been changed again since.
 */
#ifndef ZH_TXN_H
#define ZH_TXN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "err.h"
#include "snap.h"
#include "../sys/reg.h"
#include "../sys/svc.h"

struct zh_txn;

/* The exit code recorded for a transaction that failed and was undone (msiexec's 1603). */
#define ZH_TXN_EXIT_FAILED 1603

/* What recovery found and did. */
struct zh_recovery {
	int64_t txn; /* the transaction recovered, 0 if none */
	int rolled_back; /* 1: undone (not committed), 0: completed (committed) */
	size_t ops; /* operations undone or completed */
};

/*
 * Finish or undo an interrupted transaction (at most one can exist). Safe to call when there
 * is none (*ret->txn = 0). Interrupted recovery resumes on the next call.
 */
int zh_txn_recover(struct zh_db *db, struct zh_recovery *ret, struct zh_err *err);

/* Start a transaction; *ret is freed with zh_txn_free. */
int zh_txn_begin(struct zh_db *db, const char *verb, struct zh_txn **ret, struct zh_err *err);

/*
 * 1 when a file of the transaction was held open by a running program and its replace was
 * scheduled for the next boot (commit with exit code 3010 then).
 */
int zh_txn_reboot_pending(const struct zh_txn *t);

/*
 * The newest finished transaction whose file replacement still waits for the reboot (its
 * staged new file is still there: Windows renames it into place at boot), into *ret_txn;
 * 0 when none waits. Changing the PC before that reboot would race the pending rename.
 */
int zh_txn_reboot_waiting(struct zh_db *db, int64_t *ret_txn, struct zh_err *err);

/* This transaction's id (history, logs). */
int64_t zh_txn_id(const struct zh_txn *t);

/*
 * Set a registry value (creating missing keys); the old value, or its absence, and the keys
 * created are recorded for undo.
 */
int zh_txn_reg_set(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, const char *name, enum sys_reg_type type, const void *data, size_t len,
	struct zh_err *err);

/* Delete a registry value (nothing to do if absent); its old type and data are recorded. */
int zh_txn_reg_delete(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, const char *name, struct zh_err *err);

/* Delete a key and everything below it, exported into the journal first. */
int zh_txn_reg_delete_tree(struct zh_txn *t, enum sys_reg_root root, enum sys_reg_view view,
	const char *key, struct zh_err *err);

/*
 * Put the file at src (read, hashed and copied next to path first) at path, atomically
 * replacing what is there; the old file is kept in the DB directory's backup folder (same
 * volume: a rename) for undo and for a later rollback. The parent directory must exist (use
 * zh_txn_dir_create). When the old file is held open by another program the replace is
 * scheduled for the next boot (zh_txn_reboot_pending).
 */
int zh_txn_file_put(struct zh_txn *t, const char *path, const char *src, struct zh_err *err);

/*
 * Like zh_txn_file_put, with the new content given as bytes (staged first in the DB
 * directory's backup folder).
 */
int zh_txn_file_put_data(struct zh_txn *t, const char *path, const void *data, size_t len,
	struct zh_err *err);

/* One file of zh_txn_file_put_many. */
struct zh_txn_put {
	const char *path; /* where it goes; the parent directory must exist */
	const char *src; /* the new content */
	const char *sha256; /* src's SHA-256 in hex when already verified (staged), or NULL */
	int move; /* 1: src is zhushou's own flushed staging file on the same volume: moved in */
	/*
	 * With move: src's slot in the set of staged files kept open (keep.h), or NULL. When the
	 * file goes to a free place it moves through that handle, which is then closed (the slot
	 * set to NULL).
	 */
	struct sys_file **file;
	/* 1: nothing can be at path (its folder was made empty in this transaction): not looked up
	 */
	int fresh;
};

/*
 * zh_txn_file_put for n files as one batch: every undo record is written in one durable
 * write before the first file is put, and all are marked done in one more. For installing
 * bundles, where a write per file would dominate.
 */
int zh_txn_file_put_many(struct zh_txn *t, const struct zh_txn_put *puts, size_t n,
	struct zh_err *err);

/*
 * Record component id in the manifest DB as c says (c NULL: forget it), as an op of the
 * transaction: undo puts the old record back. c->txn is ignored (this transaction is used).
 */
int zh_txn_component_set(struct zh_txn *t, const char *id, const struct zh_db_component *c,
	struct zh_err *err);

/* Set (value NULL: remove) a manifest DB meta key, as an op of the transaction. */
int zh_txn_meta_set(struct zh_txn *t, const char *key, const char *value, struct zh_err *err);

/* Delete the file at path (nothing to do if absent), kept in the backup folder for undo. */
int zh_txn_file_delete(struct zh_txn *t, const char *path, struct zh_err *err);

/* zh_txn_file_delete for n files as one journal batch (see zh_txn_file_put_many). */
int zh_txn_file_delete_many(struct zh_txn *t, const char *const *paths, size_t n,
	struct zh_err *err);

/* Create directory path and missing parents; undo removes what it created (if empty). */
int zh_txn_dir_create(struct zh_txn *t, const char *path, struct zh_err *err);

/* zh_txn_dir_create for n directories as one journal batch (see zh_txn_file_put_many). */
int zh_txn_dir_create_many(struct zh_txn *t, const char *const *paths, size_t n,
	struct zh_err *err);

/* Remove the empty directory path (nothing to do if absent); undo creates it again. */
int zh_txn_dir_remove(struct zh_txn *t, const char *path, struct zh_err *err);

/*
 * Add a DER certificate to a LocalMachine store ("Root", "CA") if it is not there; undo
 * removes it again. sha1 is its thumbprint (the store's key).
 */
int zh_txn_cert_add(struct zh_txn *t, const char *store, const void *der, size_t len,
	const uint8_t sha1[20], struct zh_err *err);

/* Remove a LocalMachine certificate (nothing to do if absent); undo adds it back. */
int zh_txn_cert_remove(struct zh_txn *t, const char *store, const uint8_t sha1[20],
	struct zh_err *err);

/*
 * Windows services (sys/svc.h). create: a new service (one of that name with the same command
 * is taken as it is; another is ZH_EEXIST); undo stops and deletes it. delete: stops it first
 * (an op of its own) and keeps its configuration for undo. start / stop wait until it runs /
 * has stopped; undo does the opposite. stop on a service that is not running does nothing.
 */
int zh_txn_service_create(struct zh_txn *t, const char *name, const struct sys_svc_config *cfg,
	struct zh_err *err);
int zh_txn_service_delete(struct zh_txn *t, const char *name, struct zh_err *err);
int zh_txn_service_start(struct zh_txn *t, const char *name, struct zh_err *err);
int zh_txn_service_stop(struct zh_txn *t, const char *name, struct zh_err *err);

/* Running an uninstaller, or removing an orphan whose uninstaller is gone. */
struct zh_uninstall {
	const char *name; /* DisplayName, for messages */
	const char *cmdline; /* the silent uninstall command; NULL: an orphan */
	const char *ok_codes; /* exit codes that mean success, "0,3010"; 3010 and 1641 also
				 mean a reboot is pending */
	long timeout_ms; /* the uninstaller's process tree is ended after this */
	const char *msi_product; /* an MSI product code: its registration is kept too */
	struct zh_snap_spec owns; /* what it owns: install dir, ARP key, its other keys */
};

/*
 * Remove a component: snapshot what it owns (its directory copied into the backup folder,
 * its keys exported into the journal), run its uninstaller (or, for an orphan, delete what it
 * owns), check that it is gone, and remove what the uninstaller left of it. Undo restores the
 * snapshot, so the component is back in Add/Remove Programs with its files. ZH_EUNINSTALL
 * names the exit code when the uninstaller fails or leaves the component registered,
 * ZH_ETIMEOUT when it hangs. *ret_reboot is set to 1 when it asked for a reboot.
 */
int zh_txn_uninstall(struct zh_txn *t, const struct zh_uninstall *u, int *ret_reboot,
	struct zh_err *err);

/* Write the commit record and finish (state DONE). After an error, call zh_txn_abort. */
int zh_txn_commit(struct zh_txn *t, int exit_code, struct zh_err *err);

/* Undo every operation run so far, newest first (state ROLLEDBACK). */
int zh_txn_abort(struct zh_txn *t, int exit_code, struct zh_err *err);

/* NULL is a no-op; an unfinished transaction stays in the journal for recovery. */
void zh_txn_free(struct zh_txn *t);

/*
 * Undo committed transaction id (0: the newest one not yet undone) as a new transaction,
 * after checking that everything it changed is still as it left it (ZH_ECHANGED names the
 * first thing that differs). *ret_new_id is the undoing transaction.
 */
int zh_txn_undo_committed(struct zh_db *db, int64_t id, int64_t *ret_new_id, struct zh_err *err);

#endif
