/* SPDX-License-Identifier: MIT */
/*
 * Clearing Internet Explorer's cache (the guide: "请先清理 IE 缓存后再尝试"), an action support
 * asks for: every file below the user's WinINet cache folder is deleted through the journal
 * (kept in the backup folder until the transaction is cleaned up, so it can be rolled back like
 * anything else). The folders stay. A file in use (Internet Explorer running) fails the whole
 * repair, which is undone: close IE and try again.
 */
#ifndef ZH_IECACHE_H
#define ZH_IECACHE_H

#include <stddef.h>

#include "err.h"
#include "txn.h"

/*
 * The cache folder: HKCU ...\Explorer\User Shell Folders "Cache" (environment names
 * expanded), else ...\Shell Folders "Cache". ZH_ENOENT if neither says. *ret: zh_free.
 */
int zh_iecache_dir(char **ret, struct zh_err *err);

/* Delete every file below dir as one journal batch; *ret_files: how many. */
int zh_iecache_clear(struct zh_txn *t, const char *dir, size_t *ret_files, struct zh_err *err);

#endif
