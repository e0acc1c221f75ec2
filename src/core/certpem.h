/* SPDX-License-Identifier: MIT */
/*
 * Certificates the catalog wants in a Windows store (the CFCA chain): parsed from PEM once,
 * with the fingerprints Windows and people use: SHA-1 (the store's key) and SHA-256 (what the
 * catalog pins and checks). Implemented with OpenSSL in sign_cert.c.
 */
#ifndef ZH_CERTPEM_H
#define ZH_CERTPEM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZH_SHA1_LEN 20

struct zh_cert {
	uint8_t *der; /* owned */
	size_t len;
	uint8_t sha1[ZH_SHA1_LEN];
	char sha1_hex[2 * ZH_SHA1_LEN + 1];
	char sha256_hex[65];
	char *subject; /* one line, UTF-8, owned */
	char *issuer; /* the same for the issuer */
	char serial_hex[2 * 20 + 1]; /* the serial number, lower-case hex (at most 20 bytes) */
	int64_t not_before; /* start of validity, seconds UTC */
	int64_t not_after; /* end of validity, seconds UTC */
};

/* Parse exactly one certificate from PEM into *ret (zh_cert_free). ZH_EPARSE. */
int zh_cert_from_pem(const char *pem, size_t len, struct zh_cert **ret, struct zh_err *err);

/* The same from exactly one DER certificate (len bytes). ZH_EPARSE. */
int zh_cert_from_der(const void *der, size_t len, struct zh_cert **ret, struct zh_err *err);

/* Append the DER certificate (len bytes) to out as PEM. ZH_EPARSE, ZH_ENOMEM, ZH_ETOOBIG. */
struct zh_buf;
int zh_cert_der_to_pem(const void *der, size_t len, struct zh_buf *out, struct zh_err *err);

/*
 * Append every certificate of the Windows system store (loc, store: sys/certstore.h) to out as
 * PEM, read-only: what libcurl is given to trust instead of CURLSSLOPT_NATIVE_CA, which opens
 * the user's Root store for writing and so creates it in a fresh profile (a check would change
 * the PC). Certificates OpenSSL cannot read are left out. ZH_ENOTSUP where there are no
 * stores, ZH_ENOMEM / ZH_ETOOBIG (out's limit), or the store's error.
 */
enum sys_cert_loc;
int zh_cert_store_pem(enum sys_cert_loc loc, const char *store, struct zh_buf *out,
	struct zh_err *err);

/* NULL is a no-op. */
void zh_cert_free(struct zh_cert *c);

#endif
