/* SPDX-License-Identifier: MIT */
/*
 * Installing and removing components (bundles, docs/formats.md) through the transaction
 * engine, and the manifest DB as the store of accepted pack index serials (index.h).
 *
 * An install takes a pack that zh_pack_read has verified and extracted into a staging
 * directory (flushed: zh_pack_opts.flush) and, inside one transaction: creates the
 * directories the bundle's copy steps need, moves the staged files into place in one journal
 * batch (zh_txn_file_put_many), deletes files of the version it replaces that the new one no
 * longer has, records the component and every file it owns (path, size, SHA-256) in the DB,
 * and records the pack's index serial. A removal deletes every owned file (kept in the
 * backup folder for undo), the directories that are left empty, and the record. Any failure
 * is undone by the caller's zh_txn_abort.
 */
#ifndef ZH_INSTALL_H
#define ZH_INSTALL_H

#include "bundle.h"
#include "db.h"
#include "err.h"
#include "index.h"
#include "txn.h"

/* Where the dst_root names of copy steps point on this PC (Windows paths, no trailing \). */
struct zh_install_roots {
	const char *app; /* %ProgramFiles% */
	const char *common_files; /* %CommonProgramFiles% */
	const char *system; /* %SystemRoot%\System32 */
	const char *programdata; /* %ProgramData% */
	const char *start_menu; /* the all-users Start menu's Programs folder (shortcuts) */
};

/*
 * Install the bundle m, extracted at staged (the pack staging's <id> directory), as an op
 * list of t; staged files kept open in keep (keep.h; NULL: none) move in through their
 * handles. ZH_ENOTSUP for install steps this version cannot journal ("run"), ZH_EINVAL for
 * a dst_root without a path.
 */
struct zh_keep;
int zh_install_bundle(struct zh_txn *t, struct zh_db *db, const struct zh_bundle_manifest *m,
	const char *staged, struct zh_keep *keep, const struct zh_install_roots *roots,
	struct zh_err *err);

/*
 * Remove component id (ZH_ENOENT if zhushou did not install it): its files, the directories
 * left empty up to (not including) the roots, its record.
 */
int zh_install_remove(struct zh_txn *t, struct zh_db *db, const char *id,
	const struct zh_install_roots *roots, struct zh_err *err);

/*
 * Is everything c owns as zhushou left it: each file (size and SHA-256), registry value,
 * certificate and service? *ret_what (zh_free) names the first that is not, or is NULL.
 */
int zh_install_verify(const struct zh_db_component *c, char **ret_what, struct zh_err *err);

/*
 * The DB as a serial store: get reads what was accepted; put records through t (so a failed
 * install forgets it again). Set t before zh_index_record; get works without one.
 */
struct zh_db_serials {
	struct zh_db *db;
	struct zh_txn *t;
};

void zh_db_serials_init(struct zh_db_serials *s, struct zh_db *db, struct zh_serial_store *ret);

#endif
