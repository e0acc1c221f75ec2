/* SPDX-License-Identifier: MIT */
/*
 * Whole-file helpers for the transaction engine and component snapshots: the SHA-256 of a
 * file, and a copy that is flushed to disk before it counts as made.
 */
#ifndef ZH_FILEUTIL_H
#define ZH_FILEUTIL_H

#include "err.h"
#include "sign.h"

/* SHA-256 of the file at path as hex; *ret_exists 0 (and hex "") when nothing is there. */
int zh_file_sha256_hex(const char *path, char hex[ZH_SHA256_HEX], int *ret_exists,
	struct zh_err *err);

/* Copy src to a new file dst (ZH_EEXIST if dst exists) and flush it; on failure dst is gone. */
int zh_file_copy(const char *src, const char *dst, struct zh_err *err);

/* Read the whole file at path into out (initialised here, limit max bytes: ZH_ETOOBIG). */
struct zh_buf;
int zh_file_read_all(const char *path, size_t max, struct zh_buf *out, struct zh_err *err);

#endif
