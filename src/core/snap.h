/* SPDX-License-Identifier: MIT */
/*
 * A component's footprint, kept before an uninstaller runs so that the uninstall can be undone
 * (by a failed repair, a crash, or a later rollback): its install directory (copied into a
 * backup directory: the uninstaller still needs the originals), and registry keys (exported
 * into a blob, or recorded as absent). Restoring puts every file and key back as it was;
 * removing deletes them all (the orphan case, whose uninstaller is gone).
 *
 * Blob layout (private, versioned by its first byte): for each directory 'D' path present,
 * for each file 'F' path present, for each key 'K' root view key present regtree-export;
 * strings and exports are u32-length-prefixed. The Nth directory is copied to backup/dN, the
 * Nth file to backup/fN.
 */
#ifndef ZH_SNAP_H
#define ZH_SNAP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "../sys/reg.h"

#define ZH_MAX_SNAP_KEYS 64
#define ZH_MAX_SNAP_DIRS 8
#define ZH_MAX_SNAP_FILES 8
#define ZH_MAX_SNAP_DEPTH 32

struct zh_snap_key {
	enum sys_reg_root root;
	enum sys_reg_view view;
	const char *key;
};

struct zh_snap_spec {
	const char *dirs[ZH_MAX_SNAP_DIRS]; /* install directories */
	size_t ndirs;
	const char *files[ZH_MAX_SNAP_FILES]; /* single files (an MSI's cached package) */
	size_t nfiles;
	struct zh_snap_key keys[ZH_MAX_SNAP_KEYS];
	size_t nkeys;
};

/* Describe spec into out and copy its directories and files (those that exist) into backup. */
int zh_snap_take(const struct zh_snap_spec *spec, const char *backup, struct zh_buf *out,
	struct zh_err *err);

/*
 * Put everything back: keys re-imported (keys that were absent are deleted), the directory's
 * files copied back from backup where missing or different. Idempotent.
 */
int zh_snap_restore(const void *blob, size_t len, const char *backup, struct zh_err *err);

/* Delete every key and the directory tree the snapshot names. Idempotent. */
int zh_snap_remove(const void *blob, size_t len, struct zh_err *err);

/*
 * 1 if the snapshot's first key (the component's registration: its Add/Remove Programs entry)
 * is absent now, else 0. Uninstallers may leave other keys (settings); removal deletes them.
 */
int zh_snap_gone(const void *blob, size_t len, struct zh_err *err);

#endif
