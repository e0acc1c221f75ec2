/* SPDX-License-Identifier: MIT */
/*
 * libarchive behind zhushou's types (bundle_ar.h). Read callbacks pull from the caller's
 * source; a failure there is kept in the reader and reported instead of libarchive's generic
 * "read error". Data comes from archive_read_data_block, which hands out pointers into
 * libarchive's own buffers for stored entries: no copy on the way to the hash and the disk.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <archive.h>
#include <archive_entry.h>

#include "bundle_ar.h"
#include "mem.h"
#include "text.h"
#include "../sys/fs.h"
#include "banned.h"

struct zh_ar {
	struct archive *a;
	zh_ar_source_fn src;
	void *ctx;
	struct zh_err src_err; /* the source's error, if it failed */
	char what[200];
	char *name; /* current entry name, UTF-8 */
	long index;
	uint64_t bytes_in;
	uint64_t bytes_out;
	int64_t offset; /* next expected data offset in the current entry */
};

static la_ssize_t read_cb(struct archive *a, void *data, const void **buf)
{
	struct zh_ar *ar = data;
	size_t len = 0;

	(void)a;
	if (ar->src(ar->ctx, buf, &len, &ar->src_err) != 0)
		return ARCHIVE_FATAL;
	ar->bytes_in += len;
	return (la_ssize_t)len;
}

/* Report what libarchive said, or the source's own error when that is the cause. */
static int ar_fail(struct zh_ar *ar, const char *doing, struct zh_err *err)
{
	const char *msg = archive_error_string(ar->a);

	if (ar->src_err.code != 0)
		return zh_err_sys(err, ar->src_err.code, ar->src_err.sys, "%s: %s", ar->what,
			ar->src_err.msg);
	return zh_err_set(err, ZH_EARCHIVE, "%s: %s: %s", ar->what, doing,
		msg != NULL ? msg : "damaged or not a zip archive");
}

/* libarchive converts names through the C locale on posix; it must be able to hold UTF-8. */
static void utf8_locale(void)
{
	const char *l = setlocale(LC_CTYPE, NULL);

	if (l != NULL && (strcmp(l, "C") == 0 || strcmp(l, "POSIX") == 0))
		(void)setlocale(LC_CTYPE, "C.UTF-8");
}

int zh_ar_open(zh_ar_source_fn src, void *ctx, const char *what, struct zh_ar **ret,
	struct zh_err *err)
{
	struct zh_ar *ar = zh_calloc(1, sizeof(*ar));
	int rc = 0;

	if (ar == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read %s", what);
	utf8_locale();
	zh_err_init(&ar->src_err);
	ar->src = src;
	ar->ctx = ctx;
	ar->index = -1;
	(void)snprintf(ar->what, sizeof(ar->what), "%s", what);
	ar->a = archive_read_new();
	if (ar->a == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read %s", what);
		goto out;
	}
	/*
	 * The streaming zip reader only: no other format, no outer compression filter. Names are
	 * UTF-8 whatever bit 11 says (a GBK name then fails to convert); CRC-32 is skipped
	 * because every byte we use is checked against a SHA-256.
	 */
	if (archive_read_support_format_zip_streamable(ar->a) != ARCHIVE_OK ||
		archive_read_set_format_option(ar->a, "zip", "hdrcharset", "UTF-8") != ARCHIVE_OK ||
		archive_read_set_format_option(ar->a, "zip", "ignorecrc32", "1") != ARCHIVE_OK ||
		archive_read_open2(ar->a, ar, NULL, read_cb, NULL, NULL) != ARCHIVE_OK) {
		rc = ar_fail(ar, "cannot open", err);
		goto out;
	}
	*ret = ar;
	ar = NULL;
out:
	zh_ar_close(ar);
	return rc;
}

/* A wide string to new UTF-8 (wchar_t is UTF-16 on Windows, UTF-32 elsewhere); NULL if bad. */
static char *utf8_from_wide(const wchar_t *w)
{
	size_t n = wcslen(w), i, o = 0;
	char *s = zh_malloc(n * 4 + 1);

	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned long c = (unsigned long)w[i];

		if (sizeof(wchar_t) == 2 && c >= 0xd800 && c <= 0xdbff && i + 1 < n &&
			(unsigned long)w[i + 1] >= 0xdc00 && (unsigned long)w[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + ((unsigned long)w[i + 1] - 0xdc00);
			i++;
		} else if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) {
			zh_free(s);
			return NULL;
		}
		if (c < 0x80) {
			s[o++] = (char)c;
		} else if (c < 0x800) {
			s[o++] = (char)(0xc0 | c >> 6);
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[o++] = (char)(0xe0 | c >> 12);
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[o++] = (char)(0xf0 | c >> 18);
			s[o++] = (char)(0x80 | (c >> 12 & 0x3f));
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	s[o] = '\0';
	return s;
}

int zh_ar_next(struct zh_ar *ar, struct zh_ar_entry *ret, struct zh_err *err)
{
	struct archive_entry *e = NULL;
	const wchar_t *w;
	int r;

	zh_free(ar->name);
	ar->name = NULL;
	ar->offset = 0;
	r = archive_read_next_header(ar->a, &e);
	if (r == ARCHIVE_EOF)
		return ZH_ENOENT;
	ar->index++;
	if (r == ARCHIVE_WARN && ar->src_err.code == 0)
		/* The one warning of the zip reader we can get: a name that is not UTF-8. */
		return zh_err_set(err, ZH_ENAME,
			"%s: entry #%ld: name is not valid UTF-8 (%s); legacy GBK/CP437 names "
			"without the zip UTF-8 flag are refused",
			ar->what, ar->index + 1, archive_error_string(ar->a));
	if (r != ARCHIVE_OK)
		return ar_fail(ar, "cannot read the next entry", err);
	w = archive_entry_pathname_w(e);
	ar->name = w == NULL ? NULL : utf8_from_wide(w);
	if (ar->name == NULL || !zh_utf8_valid(ar->name, strlen(ar->name)))
		return zh_err_set(err, ZH_ENAME, "%s: entry #%ld: name is not valid UTF-8",
			ar->what, ar->index + 1);
	ret->name = ar->name;
	ret->index = ar->index;
	ret->size = archive_entry_size_is_set(e) ? (int64_t)archive_entry_size(e) : -1;
	ret->encrypted = archive_entry_is_encrypted(e) != 0;
	if (archive_entry_hardlink(e) != NULL)
		ret->type = ZH_AR_HARDLINK;
	else if (archive_entry_filetype(e) == AE_IFLNK || archive_entry_symlink(e) != NULL)
		ret->type = ZH_AR_SYMLINK;
	else if (archive_entry_filetype(e) == AE_IFDIR)
		ret->type = ZH_AR_DIR;
	else if (archive_entry_filetype(e) == AE_IFREG)
		ret->type = ZH_AR_FILE;
	else
		ret->type = ZH_AR_OTHER;
	return 0;
}

int zh_ar_read(struct zh_ar *ar, const void **ret_buf, size_t *ret_len, struct zh_err *err)
{
	la_int64_t offset = 0;
	size_t len = 0;
	int r;

	r = archive_read_data_block(ar->a, ret_buf, &len, &offset);
	if (r == ARCHIVE_EOF) {
		*ret_len = 0;
		return 0;
	}
	if (r != ARCHIVE_OK)
		return ar_fail(ar, "cannot read entry data", err);
	/* Zip has no sparse files; a jump in the offset would be a hole we do not write. */
	if ((int64_t)offset != ar->offset)
		return zh_err_set(err, ZH_EARCHIVE, "%s: entry '%s': data out of order", ar->what,
			ar->name != NULL ? ar->name : "?");
	ar->offset += (int64_t)len;
	ar->bytes_out += len;
	if (ar->bytes_out > ZH_RATIO_SLACK &&
		ar->bytes_out - ZH_RATIO_SLACK > ar->bytes_in * ZH_MAX_RATIO)
		return zh_err_set(err, ZH_ERATIO,
			"%s: entry '%s': %llu bytes unpacked from %llu read, over the %d:1 limit",
			ar->what, ar->name != NULL ? ar->name : "?",
			(unsigned long long)ar->bytes_out, (unsigned long long)ar->bytes_in,
			ZH_MAX_RATIO);
	*ret_len = len;
	return 0;
}

uint64_t zh_ar_bytes_in(const struct zh_ar *ar)
{
	return ar->bytes_in;
}

void zh_ar_close(struct zh_ar *ar)
{
	if (ar == NULL)
		return;
	if (ar->a != NULL)
		archive_read_free(ar->a);
	zh_free(ar->name);
	zh_free(ar);
}

/* ---- A file as a source --------------------------------------------------------------------- */

struct zh_ar_file {
	struct sys_file *f;
	char *buf;
};

int zh_ar_file_open(const char *path, struct zh_ar_file **ret, struct zh_err *err)
{
	struct zh_ar_file *f = zh_calloc(1, sizeof(*f));
	int rc;

	if (f == NULL || (f->buf = zh_malloc(ZH_AR_BLOCK)) == NULL) {
		zh_ar_file_close(f);
		return zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
	}
	rc = sys_file_open_read(path, &f->f, err);
	if (rc != 0) {
		zh_ar_file_close(f);
		return rc;
	}
	*ret = f;
	return 0;
}

int zh_ar_file_source(void *ctx, const void **ret_buf, size_t *ret_len, struct zh_err *err)
{
	struct zh_ar_file *f = ctx;
	int rc = sys_file_read(f->f, f->buf, ZH_AR_BLOCK, ret_len, err);

	*ret_buf = f->buf;
	return rc;
}

void zh_ar_file_close(struct zh_ar_file *f)
{
	if (f == NULL)
		return;
	(void)sys_file_close(f->f, NULL);
	zh_free(f->buf);
	zh_free(f);
}
