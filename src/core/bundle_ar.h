/* SPDX-License-Identifier: MIT */
/*
 * Streaming, read-only access to zip archives (bundles and packs) through libarchive. This and
 * bundle*.c are the one home of libarchive in zhushou; nothing here writes to disk.
 *
 * Bytes come from a caller's source function, so an archive can be read from a file, from an
 * entry of another archive (a bundle inside a pack) or from the network, one pass, no seeking.
 * Only zip is accepted (local headers, read in order; the central directory is not used).
 * Names arrive as UTF-8: libarchive is told that every name is UTF-8 (the general-purpose bit
 * 11 convention), so a legacy GBK or CP437 name fails conversion and the entry is refused with
 * ZH_ENAME. On posix, zh_ar_open switches a "C"/"POSIX" LC_CTYPE to "C.UTF-8" for the whole
 * process, because libarchive converts names through the C library's locale there; on
 * Windows libarchive converts through UTF-16 and the locale is left alone.
 *
 * Every byte handed out by zh_ar_read counts against a compression ratio limit: when more than
 * ZH_MAX_RATIO times the compressed bytes read so far (plus ZH_RATIO_SLACK) come out, reading
 * stops with ZH_ERATIO. The CRC-32 of zip entries is not checked (callers check SHA-256).
 *
 * Lifecycle: zh_ar_open -> (zh_ar_next -> zh_ar_read until len 0)* until zh_ar_next gives
 * ZH_ENOENT -> zh_ar_close. After an error other than ZH_ENOENT only zh_ar_close is valid.
 */
#ifndef ZH_BUNDLE_AR_H
#define ZH_BUNDLE_AR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZH_MAX_RATIO 100 /* uncompressed bytes per compressed byte, over a whole archive */
#define ZH_RATIO_SLACK (1024 * 1024) /* small archives may exceed the ratio by this much */
#define ZH_AR_BLOCK (256 * 1024) /* the read size of zh_ar_file_source */

/*
 * A source of archive bytes: sets *ret_buf to the next *ret_len bytes (owned by the source,
 * valid until its next call); *ret_len 0 at the end. Returns 0 or a ZH_E* code with err set.
 */
typedef int (
	*zh_ar_source_fn)(void *ctx, const void **ret_buf, size_t *ret_len, struct zh_err *err);

enum zh_ar_type {
	ZH_AR_FILE,
	ZH_AR_DIR,
	ZH_AR_SYMLINK,
	ZH_AR_HARDLINK,
	ZH_AR_OTHER, /* device, fifo, socket */
};

struct zh_ar_entry {
	const char *name; /* UTF-8, owned by the reader, valid until the next zh_ar_next */
	enum zh_ar_type type;
	int64_t size; /* as the header declares it, or -1 if it does not */
	int encrypted;
	long index; /* 0-based position in the archive */
};

struct zh_ar;

/*
 * Start reading an archive from src. what names it in messages ("pack 'x.zip'"). *ret is
 * closed with zh_ar_close. ZH_ENOMEM.
 */
int zh_ar_open(zh_ar_source_fn src, void *ctx, const char *what, struct zh_ar **ret,
	struct zh_err *err);

/*
 * The next entry's header into *ret. ZH_ENOENT after the last entry; ZH_ENAME for a name that
 * is not UTF-8; ZH_EARCHIVE for a damaged or non-zip archive (libarchive's diagnosis in the
 * message); the source's own error when it failed.
 */
int zh_ar_next(struct zh_ar *ar, struct zh_ar_entry *ret, struct zh_err *err);

/*
 * The next bytes of the current entry, without copying (valid until the next call): *ret_len
 * 0 at its end. ZH_ERATIO, ZH_EARCHIVE (truncated or corrupt data), the source's error.
 */
int zh_ar_read(struct zh_ar *ar, const void **ret_buf, size_t *ret_len, struct zh_err *err);

/* Compressed bytes taken from the source so far. */
uint64_t zh_ar_bytes_in(const struct zh_ar *ar);

/* NULL is a no-op. */
void zh_ar_close(struct zh_ar *ar);

/*
 * A source reading a file through sys/fs in ZH_AR_BLOCK pieces. zh_ar_file_open opens path
 * (ZH_ENOENT etc.); pass zh_ar_file_source and the returned context to zh_ar_open; close with
 * zh_ar_file_close after zh_ar_close.
 */
struct zh_ar_file;

int zh_ar_file_open(const char *path, struct zh_ar_file **ret, struct zh_err *err);
int zh_ar_file_source(void *ctx, const void **ret_buf, size_t *ret_len, struct zh_err *err);
void zh_ar_file_close(struct zh_ar_file *f);

#endif
