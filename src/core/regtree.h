/* SPDX-License-Identifier: MIT */
/*
 * Registry subtrees as bytes: export a key with all its values and subkeys into a blob that
 * the journal keeps, and import it back exactly (types and raw data, empty keys included).
 * Used to undo a key tree deletion. The format is private to zhushou and versioned by its
 * first byte.
 */
#ifndef ZH_REGTREE_H
#define ZH_REGTREE_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "../sys/reg.h"

#define ZH_MAX_REGTREE_DEPTH 64

/*
 * Export root\key (in view) into *out (a zh_buf the caller set up with its cap).
 * ZH_ENOENT if the key does not exist, ZH_ETOOBIG over the cap.
 */
int zh_regtree_export(enum sys_reg_root root, enum sys_reg_view view, const char *key,
	struct zh_buf *out, struct zh_err *err);

/* Recreate what a blob holds under root\key, creating keys and setting every value. */
int zh_regtree_import(enum sys_reg_root root, enum sys_reg_view view, const char *key,
	const void *blob, size_t len, struct zh_err *err);

#endif
