/* SPDX-License-Identifier: MIT */
/*
 * Files and directories, by UTF-8 path. On Windows both '/' and '\' separate; the backend
 * converts to UTF-16, adds the \\?\ prefix for long paths (over MAX_PATH) and calls only the
 * W APIs. On posix the calls map to open/read/write/fsync/rename.
 *
 * This seam does not judge names: it creates what it is asked to create. Paths taken from
 * untrusted data (archive entries) must pass zh_safepath_check (core/safepath.h) first.
 *
 * Lifecycle of a file: sys_file_open_read or sys_file_create -> sys_file_read / sys_file_write
 * ... -> sys_file_flush (for durability) -> sys_file_close. sys_file_close reports a write
 * error that surfaced late; it always frees the handle. A file created here that the caller
 * wants to discard is closed and then removed with sys_fs_unlink.
 *
 * Every function returns 0 or a ZH_E* code and fills err: ZH_ENOENT (no such file or parent
 * directory), ZH_EEXIST, ZH_EACCES, ZH_EBUSY (another process holds the file: a sharing
 * violation on Windows), ZH_ENOSPC, ZH_EINVAL (a name the OS refuses), ZH_EIO (anything else;
 * err->sys holds errno or GetLastError()), ZH_ENOMEM, and ZH_EFAULT under fault injection.
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
	SYS_FS_OTHER, /* symlink, junction or other reparse point, device, fifo */
};

/*
 * What is at path (not following a final symlink or reparse point): SYS_FS_NONE if nothing
 * (not an error). *ret_size is the size of a file (0 otherwise); ret_size may be NULL.
 */
int sys_fs_stat(const char *path, enum sys_fs_kind *ret_kind, int64_t *ret_size,
	struct zh_err *err);

/*
 * Read at most max bytes from the start of path into *ret_data (free with sys_free; one NUL
 * byte is added after the data) and *ret_len.
 */
int sys_fs_read_head(const char *path, size_t max, void **ret_data, size_t *ret_len,
	struct zh_err *err);

/* ---- Open files --------------------------------------------------------------------------- */

struct sys_file;

/*
 * Open an existing file for reading. Other processes may read, write, rename and delete it
 * meanwhile (Windows: FILE_SHARE_READ | WRITE | DELETE). *ret_file is closed with
 * sys_file_close.
 */
int sys_file_open_read(const char *path, struct sys_file **ret_file, struct zh_err *err);

/*
 * Create a new file for writing; ZH_EEXIST if anything exists at path (never truncates or
 * follows a link). Others may read it but not write or delete it while it is open. The parent
 * directory must exist.
 */
int sys_file_create(const char *path, struct sys_file **ret_file, struct zh_err *err);

/*
 * sys_file_create for a file in zhushou's scratch area (a staging directory, removed on every
 * use and after any failure): its creation, writes and flushes are fault points but not change
 * points (fault.h), since a crash there leaves nothing the PC or the DB depends on.
 */
int sys_file_create_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err);

/*
 * Open an existing file of zhushou's scratch area (a download cache's partial file) for
 * reading and writing, at its start: read it through to hash what is held, then write on at
 * its end. Like sys_file_create_scratch a fault point, not a change point.
 */
int sys_file_open_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err);

/*
 * Read up to n bytes at the current position into buf; *ret_got is 0 at end of file only.
 * Short reads happen (the caller loops).
 */
int sys_file_read(struct sys_file *f, void *buf, size_t n, size_t *ret_got, struct zh_err *err);

/* Write all n bytes at the current position (loops over short writes). */
int sys_file_write(struct sys_file *f, const void *buf, size_t n, struct zh_err *err);

/*
 * Make what was written durable: FlushFileBuffers on Windows, fsync on posix. The transaction
 * journal calls this before it records an operation as done.
 */
int sys_file_flush(struct sys_file *f, struct zh_err *err);

/* Move the position to offset bytes from the start (zip writers patch headers this way). */
int sys_file_seek(struct sys_file *f, int64_t offset, struct zh_err *err);

/* The current position. */
int sys_file_tell(struct sys_file *f, int64_t *ret_offset, struct zh_err *err);

/* The file's size now. */
int sys_file_size(struct sys_file *f, int64_t *ret_size, struct zh_err *err);

/*
 * Close and free f; NULL is a no-op that returns 0. Returns an error the OS reports only at
 * close (a late write failure), f is freed in every case.
 */
int sys_file_close(struct sys_file *f, struct zh_err *err);

/* ---- Directories and names ----------------------------------------------------------------- */

/* Create one directory; ZH_EEXIST if anything is at path, ZH_ENOENT if the parent is missing. */
int sys_fs_mkdir(const char *path, struct zh_err *err);

/*
 * Create path and any missing parents; a directory already there is fine. ZH_EEXIST if a
 * file (or link) is in the way.
 */
int sys_fs_mkdirs(const char *path, struct zh_err *err);

/* Remove an empty directory: ZH_EEXIST when it is not empty, ZH_ENOENT when it is not there. */
int sys_fs_rmdir(const char *path, struct zh_err *err);

/*
 * Remove a file (or a symlink itself). A read-only file is removed too (Windows needs its
 * attribute cleared first). ZH_ENOENT if nothing is there.
 */
int sys_fs_unlink(const char *path, struct zh_err *err);

/*
 * Remove path and, if it is a directory, everything below it. Links and reparse points
 * (symlinks, junctions) inside are removed as links: the walk never follows them out of the
 * tree. Nothing at path is not an error. On failure part of the tree may remain.
 */
int sys_fs_remove_tree(const char *path, struct zh_err *err);

/*
 * Rename from to to on the same volume; an existing file at to is replaced atomically
 * (Windows: MoveFileExW with MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH; posix:
 * rename(2) then fsync of the directory). A directory may be renamed only to a name that does
 * not exist. When Windows reports a sharing or access violation (a scanner or another process
 * holds a file) the call retries up to ZH_FS_RENAME_TRIES times, waiting 10 ms, 20 ms, ... in
 * between (about 1.3 s in all), then returns ZH_EBUSY; sys_fs_busy_waits() counts the waits
 * so that callers can log them. The transaction layer then schedules the replace for the next
 * reboot with sys_fs_rename_on_reboot.
 */
int sys_fs_rename(const char *from, const char *to, struct zh_err *err);

#define ZH_FS_RENAME_TRIES 8

/*
 * Move the open file f (made by sys_file_create_scratch) to to, a name that must not exist
 * (ZH_EEXIST), on the same volume; f stays open under its new name. On Windows this renames
 * through f's own handle (SetFileInformationByHandle): no second open of the file, so nothing
 * can change it between its checks and its move. Where that is refused (an older system), the
 * first refusal is remembered and the file is moved by name with the same effect.
 */
int sys_file_rename(struct sys_file *f, const char *to, struct zh_err *err);

/* Waits sys_fs_rename has made for busy files so far in this process. */
long sys_fs_busy_waits(void);

/*
 * Have Windows rename from to to (or delete from when to is NULL) at the next boot, before
 * anything can hold the file: MoveFileExW with MOVEFILE_DELAY_UNTIL_REBOOT, which records the
 * operation in PendingFileRenameOperations and needs administrator rights (ZH_EACCES without).
 * ZH_ENOTSUP on posix.
 */
int sys_fs_rename_on_reboot(const char *from, const char *to, struct zh_err *err);

/*
 * Drop every operation sys_fs_rename_on_reboot scheduled for the file from (nothing to do if
 * there is none): the undo of a scheduled replace. Others' entries stay as they are. 0 on
 * posix (nothing can be scheduled there).
 */
int sys_fs_cancel_rename_on_reboot(const char *from, struct zh_err *err);

/*
 * Directory listing. sys_dir_open opens path (ZH_ENOENT if missing); each sys_dir_next gives
 * one entry name (UTF-8, without the directory; "." and ".." are skipped) and its kind, valid
 * until the next call; *ret_name is NULL after the last one. The order is the file system's.
 * sys_dir_close frees the handle (NULL is a no-op).
 */
struct sys_dir;

int sys_dir_open(const char *path, struct sys_dir **ret_dir, struct zh_err *err);
int sys_dir_next(struct sys_dir *d, const char **ret_name, enum sys_fs_kind *ret_kind,
	struct zh_err *err);
void sys_dir_close(struct sys_dir *d);

#endif
