/* SPDX-License-Identifier: MIT */
/*
 * Hostile zip files for unit tests, written with minizip directly (test code may; the product
 * writes zips only through src/core/pack.c): any name bytes, with or without the UTF-8 flag,
 * symlinks, directories, duplicates, stored or deflated data. And signed bundles built from
 * them with the test PKI (testpki.h). Header-only, like testpki.h.
 */
#ifndef ZH_TESTZIP_H
#define ZH_TESTZIP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/zip.h>
#include <openssl/cms.h>
#include <zlib.h>

#include "testpki.h"
#include "../../src/core/sign.h"

#define TZIP_UNUSED __attribute__((unused))

enum tzip_flags {
	TZIP_STORE = 1 << 0, /* stored, not deflated */
	TZIP_NO_UTF8 = 1 << 1, /* general-purpose bit 11 clear */
	TZIP_SYMLINK = 1 << 2, /* a unix symlink (data is the target) */
	TZIP_DIR = 1 << 3, /* a directory entry (name ends in '/') */
};

struct tzip_ent {
	const char *name;
	const void *data;
	size_t len;
	unsigned flags;
};

static TZIP_UNUSED int tzip_write(const char *path, const struct tzip_ent *e, size_t n)
{
	zipFile zf = zipOpen64(path, APPEND_STATUS_CREATE);
	size_t i;
	int ok = zf != NULL;

	for (i = 0; ok && i < n; i++) {
		zip_fileinfo zi;
		uLong made_by = 20, flags = (e[i].flags & TZIP_NO_UTF8) ? 0 : 1 << 11;
		int store = (e[i].flags & (TZIP_STORE | TZIP_SYMLINK | TZIP_DIR)) != 0;
		/*
		 * A symlink as libarchive's own zip writer marks it where a streaming reader sees
		 * it: the "xl" extra field (0x6c78) in the local header, with "version made by"
		 * unix and the mode in the external attributes (here 0120777, a link).
		 */
		static const unsigned char xl_link[] = {0x78, 0x6c, 0x07, 0x00, 0x05, 0x1e, 0x03,
			0x00, 0x00, 0xff, 0xa1};

		memset(&zi, 0, sizeof(zi));
		zi.tmz_date.tm_year = 2026;
		zi.tmz_date.tm_mday = 1;
		if (e[i].flags & TZIP_SYMLINK) {
			made_by |= 3 << 8; /* unix: external attributes carry the mode */
			zi.external_fa = (uLong)0120777 << 16;
		} else if (e[i].flags & TZIP_DIR) {
			made_by |= 3 << 8;
			zi.external_fa = ((uLong)040755 << 16) | 0x10;
		}
		ok = zipOpenNewFileInZip4_64(zf, e[i].name, &zi,
			     (e[i].flags & TZIP_SYMLINK) ? xl_link : NULL,
			     (e[i].flags & TZIP_SYMLINK) ? sizeof(xl_link) : 0, NULL, 0, NULL,
			     store ? 0 : Z_DEFLATED, store ? 0 : 9, 0, -MAX_WBITS, DEF_MEM_LEVEL,
			     Z_DEFAULT_STRATEGY, NULL, 0, made_by, flags, 0) == ZIP_OK &&
			(e[i].len == 0 ||
				zipWriteInFileInZip(zf, e[i].data, (unsigned)e[i].len) == ZIP_OK) &&
			zipCloseFileInZip(zf) == ZIP_OK;
	}
	if (zf != NULL && zipClose(zf, NULL) != ZIP_OK)
		ok = 0;
	return ok ? 0 : -1;
}

/* A detached CMS signature made with OpenSSL directly (any certificate); free with free. */
static TZIP_UNUSED unsigned char *tzip_raw_sign(const struct tpki *c, const struct tpki *extra,
	const char *data, size_t len, size_t *ret_len)
{
	unsigned flags = CMS_BINARY | CMS_DETACHED;
	BIO *in = BIO_new_mem_buf(data, (int)len);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	unsigned char *der = NULL, *p;
	int n;

	CMS_add1_signer(cms, c->x, c->k, EVP_sha256(), flags | CMS_PARTIAL);
	if (extra != NULL)
		CMS_add1_cert(cms, extra->x);
	if (CMS_final(cms, in, NULL, flags) == 1 && (n = i2d_CMS_ContentInfo(cms, NULL)) > 0) {
		der = malloc((size_t)n);
		p = der;
		i2d_CMS_ContentInfo(cms, &p);
		*ret_len = (size_t)n;
	}
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return der;
}

/* bundle.json for files (name, data) with this id and version; free with free. */
static TZIP_UNUSED char *tzip_manifest(const char *id, const char *version,
	const struct tzip_ent *files, size_t n)
{
	size_t cap = 4096 + n * 300, len = 0, i;
	char *s = malloc(cap);

	if (s == NULL)
		return NULL;
	len += (size_t)snprintf(s + len, cap - len,
		"{\"format\":1,\"id\":\"%s\",\"version\":\"%s\",\"publisher\":\"test\","
		"\"name\":{\"zh\":\"测试\",\"en\":\"test\"},\"created\":\"2026-01-01T00:00:00Z\","
		"\"files\":[",
		id, version);
	for (i = 0; i < n; i++) {
		unsigned char md[32];
		char hex[65];

		SHA256(files[i].data, files[i].len, md);
		zh_sha256_hex(md, hex);
		len += (size_t)snprintf(s + len, cap - len,
			"%s{\"path\":\"%s\",\"size\":%zu,\"sha256\":\"%s\"}", i ? "," : "",
			files[i].name, files[i].len, hex);
	}
	(void)snprintf(s + len, cap - len, "],\"install\":[]}");
	return s;
}

/*
 * A bundle at path: bundle.json (manifest), its signature by signer (chain_pem carried) and
 * the payload entries. Returns 0 on success.
 */
static TZIP_UNUSED int tzip_bundle(const char *path, const char *manifest,
	const struct tpki *signer, const struct tpki *extra_cert, const struct tzip_ent *payload,
	size_t n)
{
	struct tzip_ent *all = calloc(n + 2, sizeof(*all));
	size_t siglen = 0;
	unsigned char *sig;
	int rc;

	sig = tzip_raw_sign(signer, extra_cert, manifest, strlen(manifest), &siglen);
	if (all == NULL || sig == NULL) {
		free(all);
		free(sig);
		return -1;
	}
	all[0].name = "bundle.json";
	all[0].data = manifest;
	all[0].len = strlen(manifest);
	all[1].name = "bundle.json.sig";
	all[1].data = sig;
	all[1].len = siglen;
	all[1].flags = TZIP_STORE;
	memcpy(all + 2, payload, n * sizeof(*payload));
	rc = tzip_write(path, all, n + 2);
	free(all);
	free(sig);
	return rc;
}

#endif
