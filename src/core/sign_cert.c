/* SPDX-License-Identifier: MIT */
/*
 * PEM certificates for the certificate stores (certpem.h), with OpenSSL: decoding, DER
 * encoding, fingerprints and the subject as one UTF-8 line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "certpem.h"
#include "../sys/certstore.h"
#include "utc.h"
#include "buf.h"
#include "mem.h"
#include "banned.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* One line, UTF-8, of the distinguished name n into *ret (zh_free). */
static int name_line(const X509_NAME *n, char **ret, struct zh_err *err)
{
	BIO *mem = BIO_new(BIO_s_mem());
	BUF_MEM *bm = NULL;
	int rc = 0;

	if (mem == NULL ||
		X509_NAME_print_ex(mem, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0 ||
		(BIO_get_mem_ptr(mem, &bm), bm == NULL) ||
		(*ret = zh_strndup(bm->data, bm->length)) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read a certificate name");
	BIO_free(mem);
	return rc;
}

static int asn1_time(const ASN1_TIME *t, int64_t *ret, struct zh_err *err)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm(t, &tm))
		return zh_err_set(err, ZH_EPARSE, "certificate has no valid validity dates");
	*ret = zh_utc_from_fields(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec);
	return 0;
}

/* The serial number as lower-case hex; longer than RFC 5280's 20 bytes is refused. */
static int serial_hex(X509 *x, char *out, struct zh_err *err)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	unsigned char b[20];
	int n = bn != NULL ? BN_num_bytes(bn) : -1;

	if (n < 0 || n > (int)sizeof(b)) {
		BN_free(bn);
		return zh_err_set(err, ZH_EPARSE, "certificate serial number is invalid");
	}
	(void)BN_bn2bin(bn, b);
	BN_free(bn);
	if (n == 0) {
		(void)snprintf(out, 3, "00");
		return 0;
	}
	hex(b, (size_t)n, out);
	return 0;
}

/* *ret for the parsed certificate x (not taken). */
static int cert_fill(X509 *x, struct zh_cert **ret, struct zh_err *err)
{
	struct zh_cert *c = NULL;
	unsigned char sha256[32], *p;
	unsigned int n;
	int dlen, rc = 0;

	c = zh_calloc(1, sizeof(*c));
	dlen = i2d_X509(x, NULL);
	if (c == NULL || dlen <= 0 || (c->der = zh_malloc((size_t)dlen)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot encode certificate");
		goto out;
	}
	p = c->der;
	c->len = (size_t)i2d_X509(x, &p);
	if (!X509_digest(x, EVP_sha1(), c->sha1, &n) || n != ZH_SHA1_LEN ||
		!X509_digest(x, EVP_sha256(), sha256, &n) || n != 32) {
		rc = zh_err_set(err, ZH_EPARSE, "cannot fingerprint certificate");
		goto out;
	}
	hex(c->sha1, ZH_SHA1_LEN, c->sha1_hex);
	hex(sha256, 32, c->sha256_hex);
	if ((rc = asn1_time(X509_get0_notAfter(x), &c->not_after, err)) != 0 ||
		(rc = asn1_time(X509_get0_notBefore(x), &c->not_before, err)) != 0 ||
		(rc = serial_hex(x, c->serial_hex, err)) != 0 ||
		(rc = name_line(X509_get_subject_name(x), &c->subject, err)) != 0 ||
		(rc = name_line(X509_get_issuer_name(x), &c->issuer, err)) != 0)
		goto out;
	*ret = c;
	c = NULL;
out:
	zh_cert_free(c);
	return rc;
}

int zh_cert_from_pem(const char *pem, size_t len, struct zh_cert **ret, struct zh_err *err)
{
	X509 *x = NULL, *extra = NULL;
	BIO *bio = NULL;
	int rc;

	if (len > 64 * 1024 || (bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		rc = zh_err_set(err, ZH_EPARSE, "certificate PEM is too large");
		goto out;
	}
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	ERR_clear_error();
	extra = x != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	ERR_clear_error();
	if (x == NULL || extra != NULL) {
		rc = zh_err_set(err, ZH_EPARSE, "expected exactly one PEM certificate");
		goto out;
	}
	rc = cert_fill(x, ret, err);
out:
	BIO_free(bio);
	X509_free(extra);
	X509_free(x);
	return rc;
}

int zh_cert_from_der(const void *der, size_t len, struct zh_cert **ret, struct zh_err *err)
{
	const unsigned char *p = der;
	X509 *x;
	int rc;

	if (len > 64 * 1024)
		return zh_err_set(err, ZH_EPARSE, "certificate is too large");
	x = d2i_X509(NULL, &p, (long)len);
	ERR_clear_error();
	if (x == NULL || p != (const unsigned char *)der + len)
		rc = zh_err_set(err, ZH_EPARSE, "not exactly one DER certificate");
	else
		rc = cert_fill(x, ret, err);
	X509_free(x);
	return rc;
}

void zh_cert_free(struct zh_cert *c)
{
	if (c == NULL)
		return;
	zh_free(c->der);
	zh_free(c->subject);
	zh_free(c->issuer);
	zh_free(c);
}

int zh_cert_der_to_pem(const void *der, size_t len, struct zh_buf *out, struct zh_err *err)
{
	const unsigned char *p = der;
	BUF_MEM *bm = NULL;
	BIO *mem = NULL;
	X509 *x;
	int rc = 0;

	if (len > 64 * 1024 || (x = d2i_X509(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		return zh_err_set(err, ZH_EPARSE, "not a DER certificate");
	}
	if ((mem = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(mem, x) ||
		(BIO_get_mem_ptr(mem, &bm), bm == NULL))
		rc = zh_err_set(err, ZH_ENOMEM, "cannot encode certificate");
	else
		rc = zh_buf_add(out, bm->data, bm->length, err);
	ERR_clear_error();
	BIO_free(mem);
	X509_free(x);
	return rc;
}

static int add_pem(const void *der, size_t len, void *ctx)
{
	struct zh_err e;
	int rc;

	zh_err_init(&e);
	/* A certificate OpenSSL cannot read is one no server can chain to here either. */
	rc = zh_cert_der_to_pem(der, len, ctx, &e);
	return rc == ZH_ENOMEM || rc == ZH_ETOOBIG ? rc : 0;
}

int zh_cert_store_pem(enum sys_cert_loc loc, const char *store, struct zh_buf *out,
	struct zh_err *err)
{
	int rc = sys_cert_each(loc, store, add_pem, out, err);

	if (rc == ZH_ENOMEM || rc == ZH_ETOOBIG)
		return zh_err_set(err, rc, "the certificates of the %s store do not fit in memory",
			store);
	return rc;
}
