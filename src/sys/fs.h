/* SPDX-License-Identifier: MIT */
/*
 * Files, by UTF-8 path. On Windows both '/' and '\' separate; the backend adds the \\?\
 * prefix for long paths and calls only the W APIs.
 */
#ifndef ZH_SYS_FS_H
#define ZH_SYS_FS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "mem.h"

enum sys_fs_kind {
	SYS_FS_NONE,
	SYS_FS_FILE,
	SYS_FS_DIR,
	SYS_FS_OTHER,
};

/* What is at path: SYS_FS_NONE if nothing (not an error). */
int sys_fs_stat(const char *path, enum sys_fs_kind *ret_kind, int64_t *ret_size,
	struct zh_err *err);

/*
 * Read at most max bytes from the start of path into *ret_data (free with sys_free) and
 * *ret_len. ZH_ENOENT, ZH_EACCES, ZH_EBUSY, ZH_EIO.
 */
int sys_fs_read_head(const char *path, size_t max, void **ret_data, size_t *ret_len,
	struct zh_err *err);

#endif
