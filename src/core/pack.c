/* SPDX-License-Identifier: MIT */
/*
 * Zip writing with minizip over sys/fs (pack.h). minizip writes each local header, the data,
 * then seeks back to fill in the sizes and CRC, so the output is a plain seekable file with
 * correct local headers: the streaming reader (bundle_ar.c) needs exactly that. Its file I/O
 * is routed through our own callbacks so that the file is created new, flushed and reported on
 * like every other file zhushou writes.
 */
#include <stdio.h>
#include <string.h>

#include <minizip/zip.h>
#include <zlib.h>

#include "pack.h"
#include "mem.h"
#include "utc.h"
#include "../sys/fs.h"
#include "banned.h"

const char *zh_pack_lib_version(void)
{
	return zlibVersion();
}

struct zh_zip {
	zipFile zf;
	struct sys_file *f;
	struct zh_err io_err; /* the first I/O error inside minizip's callbacks */
	char *path;
	char *entry; /* the open entry, for messages */
	zip_fileinfo info;
};

static voidpf ZCALLBACK io_open(voidpf opaque, const void *filename, int mode)
{
	struct zh_zip *z = opaque;

	(void)mode;
	if (sys_file_create(filename, &z->f, &z->io_err) != 0)
		return NULL;
	return z->f;
}

static uLong ZCALLBACK io_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0; /* never asked: the file is only written */
}

static uLong ZCALLBACK io_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	struct zh_zip *z = opaque;

	if (z->io_err.code != 0 || sys_file_write(stream, buf, size, &z->io_err) != 0)
		return 0;
	return size;
}

static ZPOS64_T ZCALLBACK io_tell(voidpf opaque, voidpf stream)
{
	struct zh_zip *z = opaque;
	int64_t at = 0;

	if (sys_file_tell(stream, &at, &z->io_err) != 0)
		return (ZPOS64_T)-1;
	return (ZPOS64_T)at;
}

static long ZCALLBACK io_seek(voidpf opaque, voidpf stream, ZPOS64_T offset, int origin)
{
	struct zh_zip *z = opaque;
	int64_t base = 0;

	if (origin == ZLIB_FILEFUNC_SEEK_CUR && sys_file_tell(stream, &base, &z->io_err) != 0)
		return -1;
	if (origin == ZLIB_FILEFUNC_SEEK_END && sys_file_size(stream, &base, &z->io_err) != 0)
		return -1;
	return sys_file_seek(stream, base + (int64_t)offset, &z->io_err) == 0 ? 0 : -1;
}

static int ZCALLBACK io_close(voidpf opaque, voidpf stream)
{
	struct zh_zip *z = opaque;
	int rc = 0;

	/* Durable before anyone renames it into place. */
	if (z->io_err.code == 0)
		rc = sys_file_flush(stream, &z->io_err);
	if (sys_file_close(stream, &z->io_err) != 0)
		rc = -1;
	z->f = NULL;
	return rc == 0 ? 0 : -1;
}

static int ZCALLBACK io_error(voidpf opaque, voidpf stream)
{
	struct zh_zip *z = opaque;

	(void)stream;
	return z->io_err.code != 0;
}

/* minizip's error, or the I/O error behind it. */
static int zip_fail(struct zh_zip *z, int zrc, const char *doing, struct zh_err *err)
{
	if (z->io_err.code != 0)
		return zh_err_sys(err, z->io_err.code, z->io_err.sys, "%s", z->io_err.msg);
	return zh_err_set(err, ZH_EIO, "cannot %s '%s' in '%s' (minizip error %d)", doing,
		z->entry != NULL ? z->entry : "", z->path, zrc);
}

int zh_zip_create(const char *path, int64_t t, struct zh_zip **ret, struct zh_err *err)
{
	zlib_filefunc64_def io;
	struct zh_zip *z = zh_calloc(1, sizeof(*z));
	char when[ZH_UTC_LEN];
	int v[6];

	if (z == NULL || (z->path = zh_strdup(path)) == NULL) {
		zh_free(z);
		return zh_err_set(err, ZH_ENOMEM, "cannot create '%s'", path);
	}
	zh_err_init(&z->io_err);
	/* The DOS date of every entry: the time given, as UTC calendar fields. */
	zh_utc_format(t < 315532800 ? 315532800 : t, when);
	if (sscanf(when, "%4d-%2d-%2dT%2d:%2d:%2dZ", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) ==
		6) {
		z->info.tmz_date.tm_year = (uInt)v[0];
		z->info.tmz_date.tm_mon = (uInt)v[1] - 1;
		z->info.tmz_date.tm_mday = (uInt)v[2];
		z->info.tmz_date.tm_hour = (uInt)v[3];
		z->info.tmz_date.tm_min = (uInt)v[4];
		z->info.tmz_date.tm_sec = (uInt)v[5];
	}
	memset(&io, 0, sizeof(io));
	io.zopen64_file = io_open;
	io.zread_file = io_read;
	io.zwrite_file = io_write;
	io.ztell64_file = io_tell;
	io.zseek64_file = io_seek;
	io.zclose_file = io_close;
	io.zerror_file = io_error;
	io.opaque = z;
	z->zf = zipOpen2_64(path, APPEND_STATUS_CREATE, NULL, &io);
	if (z->zf == NULL) {
		int rc = z->io_err.code != 0
			? zh_err_sys(err, z->io_err.code, z->io_err.sys, "%s", z->io_err.msg)
			: zh_err_set(err, ZH_EIO, "cannot create zip file '%s'", path);

		if (z->f != NULL)
			(void)sys_file_close(z->f, NULL);
		zh_free(z->path);
		zh_free(z);
		return rc;
	}
	*ret = z;
	return 0;
}

int zh_zip_begin(struct zh_zip *z, const char *name, int compress, int64_t size_hint,
	struct zh_err *err)
{
	int zrc;

	zh_free(z->entry);
	z->entry = zh_strdup(name);
	if (z->entry == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot add '%s'", name);
	/* Flag bit 11: the name is UTF-8. */
	zrc = zipOpenNewFileInZip4_64(z->zf, name, &z->info, NULL, 0, NULL, 0, NULL,
		compress ? Z_DEFLATED : 0, compress ? Z_DEFAULT_COMPRESSION : 0, 0, -MAX_WBITS,
		DEF_MEM_LEVEL, Z_DEFAULT_STRATEGY, NULL, 0, 0, 1 << 11,
		size_hint < 0 || size_hint >= 0xffffffffLL);
	if (zrc != ZIP_OK)
		return zip_fail(z, zrc, "add", err);
	return 0;
}

int zh_zip_write(struct zh_zip *z, const void *data, size_t len, struct zh_err *err)
{
	const char *p = data;
	int zrc;

	while (len > 0) {
		unsigned n = len > (1u << 30) ? 1u << 30 : (unsigned)len;

		zrc = zipWriteInFileInZip(z->zf, p, n);
		if (zrc != ZIP_OK)
			return zip_fail(z, zrc, "write", err);
		p += n;
		len -= n;
	}
	return 0;
}

int zh_zip_end(struct zh_zip *z, struct zh_err *err)
{
	int zrc = zipCloseFileInZip(z->zf);

	if (zrc != ZIP_OK)
		return zip_fail(z, zrc, "finish", err);
	return 0;
}

int zh_zip_close(struct zh_zip *z, struct zh_err *err)
{
	int zrc, rc = 0;

	zrc = zipClose(z->zf, NULL);
	if (zrc != ZIP_OK || z->io_err.code != 0)
		rc = zip_fail(z, zrc, "finish", err);
	if (z->f != NULL)
		(void)sys_file_close(z->f, NULL);
	zh_free(z->entry);
	zh_free(z->path);
	zh_free(z);
	return rc;
}

void zh_zip_abort(struct zh_zip *z)
{
	if (z == NULL)
		return;
	/* minizip frees its state on zipClose whatever happened; its errors do not matter now. */
	z->io_err.code = z->io_err.code != 0 ? z->io_err.code : ZH_EIO;
	(void)zipClose(z->zf, NULL);
	if (z->f != NULL)
		(void)sys_file_close(z->f, NULL);
	zh_free(z->entry);
	zh_free(z->path);
	zh_free(z);
}

int zh_zip_add_file(struct zh_zip *z, const char *name, const char *src_path, int compress,
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	int64_t size = 0;
	char *buf = NULL;
	size_t got;
	int rc;

	rc = sys_file_open_read(src_path, &f, err);
	if (rc == 0)
		rc = sys_file_size(f, &size, err);
	if (rc != 0)
		goto out;
	buf = zh_malloc(1 << 20);
	if (buf == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot add '%s'", src_path);
		goto out;
	}
	if ((rc = zh_zip_begin(z, name, compress, size, err)) != 0)
		goto out;
	for (;;) {
		rc = sys_file_read(f, buf, 1 << 20, &got, err);
		if (rc != 0 || got == 0)
			break;
		if ((rc = zh_zip_write(z, buf, got, err)) != 0)
			break;
	}
	if (rc == 0)
		rc = zh_zip_end(z, err);
out:
	zh_free(buf);
	(void)sys_file_close(f, NULL);
	return rc;
}
