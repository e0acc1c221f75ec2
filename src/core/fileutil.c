/* SPDX-License-Identifier: MIT */
/* Whole-file helpers over the fs seam: hashing and durable copies. */
#include <string.h>

#include "fileutil.h"
#include "buf.h"
#include "mem.h"
#include "../sys/fs.h"
#include "banned.h"

#define COPY_CHUNK (256 * 1024)

/* SHA-256 of a file as hex; *ret_exists 0 (and hex empty) when nothing is there. */
int zh_file_sha256_hex(const char *path, char hex[ZH_SHA256_HEX], int *ret_exists,
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	struct zh_sha256 *h = NULL;
	uint8_t digest[ZH_SHA256_LEN];
	char *buf = NULL;
	size_t got;
	int rc;

	hex[0] = '\0';
	*ret_exists = 0;
	rc = sys_file_open_read(path, &f, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	*ret_exists = 1;
	buf = zh_malloc(COPY_CHUNK);
	if (buf == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot hash '%s'", path);
		goto out;
	}
	if ((rc = zh_sha256_new(&h, err)) != 0)
		goto out;
	while ((rc = sys_file_read(f, buf, COPY_CHUNK, &got, err)) == 0 && got > 0)
		zh_sha256_update(h, buf, got);
	if (rc != 0)
		goto out;
	zh_sha256_final(h, digest);
	zh_sha256_hex(digest, hex);
out:
	zh_sha256_free(h);
	zh_free(buf);
	(void)sys_file_close(f, NULL);
	return rc;
}

/* Copy src to a new file dst and flush it; on failure dst is removed. */
int zh_file_copy(const char *src, const char *dst, struct zh_err *err)
{
	struct sys_file *in = NULL, *out = NULL;
	char *buf = NULL;
	size_t got;
	int rc;

	if ((rc = sys_file_open_read(src, &in, err)) != 0 ||
		(rc = sys_file_create(dst, &out, err)) != 0)
		goto out;
	buf = zh_malloc(COPY_CHUNK);
	if (buf == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot copy '%s'", src);
		goto out;
	}
	while ((rc = sys_file_read(in, buf, COPY_CHUNK, &got, err)) == 0 && got > 0)
		if ((rc = sys_file_write(out, buf, got, err)) != 0)
			break;
	if (rc == 0)
		rc = sys_file_flush(out, err);
	if (rc == 0) {
		rc = sys_file_close(out, err);
		out = NULL;
	}
out:
	zh_free(buf);
	(void)sys_file_close(in, NULL);
	if (out != NULL || rc != 0) {
		(void)sys_file_close(out, NULL);
		if (rc != ZH_EEXIST)
			(void)sys_fs_unlink(dst, NULL);
	}
	return rc;
}

int zh_file_read_all(const char *path, size_t max, struct zh_buf *out, struct zh_err *err)
{
	struct sys_file *f = NULL;
	char buf[16384];
	size_t got;
	int rc;

	zh_buf_init(out, max);
	if ((rc = sys_file_open_read(path, &f, err)) != 0)
		return rc;
	while ((rc = sys_file_read(f, buf, sizeof(buf), &got, err)) == 0 && got > 0)
		if ((rc = zh_buf_add(out, buf, got, err)) != 0)
			break;
	(void)sys_file_close(f, NULL);
	if (rc != 0) {
		zh_buf_release(out);
		zh_err_wrap(err, "reading '%s'", path);
	}
	return rc;
}
