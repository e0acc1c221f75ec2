/* SPDX-License-Identifier: MIT */
/*
 * Signatures and hashes (OpenSSL 3): SHA-256, the pinned publisher roots, and CMS detached
 * signatures (SHA-256, binary mode) over bundle.json and index.json.
 * This module is the one home of OpenSSL in zhushou (sign*.c); other modules see only these
 * types. It does no file I/O: callers pass bytes read through sys/fs.
 *
 * Trust (docs/formats.md, "Signatures"): a signature is accepted only if
 *  - it is a CMS SignedData with exactly one signer, detached content, digest SHA-256;
 *  - the signer's certificate chains, through intermediates carried in the signature, to one
 *    of the roots in the struct zh_trust (the roots pinned in manifest/ and compiled in) and
 *    to nothing else: no system store, no partial chains;
 *  - the signer's certificate carries the code-signing extended key usage;
 *  - every certificate of the chain is valid at the signing time recorded in the signature
 *    (the signingTime attribute) or, when the signature has none, at the fallback time the
 *    caller gives (the index's creation time); a time later than now + ZH_SIGN_MAX_SKEW is
 *    refused.
 * Certificate revocation is not checked (offline-first; see docs/formats.md).
 */
#ifndef ZH_SIGN_H
#define ZH_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* The version of OpenSSL linked in, as the library reports it at run time. */
const char *zh_sign_lib_version(void);

#define ZH_SHA256_LEN 32
#define ZH_SHA256_HEX 65 /* 64 hex digits and a NUL */
#define ZH_MAX_SIG_BYTES (64 * 1024) /* a CMS signature with its chain */
#define ZH_MAX_PEM_BYTES (256 * 1024) /* a key or certificate file */
#define ZH_MAX_TRUST_ROOTS 16
#define ZH_SIGN_MAX_SKEW (24 * 3600) /* signing times this far in the future are refused */

/* ---- SHA-256 --------------------------------------------------------------------------------- */

struct zh_sha256;

/* A new running hash (free with zh_sha256_free). ZH_ENOMEM. */
int zh_sha256_new(struct zh_sha256 **ret, struct zh_err *err);
void zh_sha256_update(struct zh_sha256 *h, const void *data, size_t len);
/* The digest of everything so far; h starts over afterwards. */
void zh_sha256_final(struct zh_sha256 *h, uint8_t out[ZH_SHA256_LEN]);
/* NULL is a no-op. */
void zh_sha256_free(struct zh_sha256 *h);
/* One-shot digest. */
int zh_sha256(const void *data, size_t len, uint8_t out[ZH_SHA256_LEN], struct zh_err *err);

/* Lower-case hex of a digest into out (ZH_SHA256_HEX bytes). */
void zh_sha256_hex(const uint8_t digest[ZH_SHA256_LEN], char out[ZH_SHA256_HEX]);
/* Parse 64 hex digits (either case) into out; 0, or -1 if s is not exactly that. */
int zh_sha256_unhex(const char *s, uint8_t out[ZH_SHA256_LEN]);

/* ---- Pinned roots ------------------------------------------------------------------------------
 */

struct zh_trust;

/* An empty set of roots (free with zh_trust_free). ZH_ENOMEM. */
int zh_trust_new(struct zh_trust **ret, struct zh_err *err);

/*
 * Pin every certificate in the PEM text (len bytes) under a label ("production", "dev",
 * "test"). Each must be a self-signed CA certificate. ZH_EPARSE (no certificate, or one that
 * does not parse), ZH_EINVAL (not a self-signed CA), ZH_ETOOBIG (over ZH_MAX_TRUST_ROOTS).
 */
int zh_trust_add_pem(struct zh_trust *t, const char *pem, size_t len, const char *label,
	struct zh_err *err);

/*
 * The roots compiled into this binary: the production publisher root of manifest/trust/ and,
 * in builds configured with -Dtrust_dev_root, the build's development root.
 */
int zh_trust_builtin(struct zh_trust **ret, struct zh_err *err);

/* NULL is a no-op. */
void zh_trust_free(struct zh_trust *t);

/* How many roots are pinned. */
size_t zh_trust_count(const struct zh_trust *t);

/*
 * Describe root i: its label, subject (one line, UTF-8) and SHA-256 fingerprint of the DER
 * certificate, all owned by t. ZH_ENOENT past the last one.
 */
int zh_trust_describe(const struct zh_trust *t, size_t i, const char **ret_label,
	const char **ret_subject, const char **ret_sha256);

/* ---- Verifying
 * ----------------------------------------------------------------------------------- */

/* Who signed, and when; filled by zh_sign_verify. */
struct zh_sig_info {
	char signer[256]; /* subject of the signing certificate, one line */
	char signer_sha256[ZH_SHA256_HEX]; /* fingerprint of its DER form */
	char root_label[32]; /* label of the pinned root it chains to */
	int64_t signing_time; /* seconds since 1970 UTC: when validity was checked */
	int has_signing_time; /* 1 if the signature recorded it, 0 if fallback_time was used */
};

/*
 * Verify sig (DER CMS, siglen bytes) as a detached signature over data (len bytes) under the
 * rules at the top of this file. fallback_time (seconds UTC, 0 for none) is used when the
 * signature records no signing time; now is the current time (tests pass their own). On
 * success fills *ret_info (may be NULL).
 * Errors: ZH_ESIG (malformed, not detached, several signers, not SHA-256, or the content does
 * not match), ZH_EUNTRUSTED (no chain to a pinned root), ZH_ECERTTIME (a certificate of the
 * chain not valid at the signing time, or no time to check at), ZH_ECERTUSE (no code-signing
 * EKU), ZH_ETOOBIG, ZH_ENOMEM. The message carries OpenSSL's own diagnosis.
 */
int zh_sign_verify(const struct zh_trust *t, const void *data, size_t len, const void *sig,
	size_t siglen, int64_t fallback_time, int64_t now, struct zh_sig_info *ret_info,
	struct zh_err *err);

/* ---- Signing (the publisher's side) ---------------------------------------------------------- */

struct zh_signer;

/*
 * Load a private key (PEM, unencrypted) and a certificate file (PEM: the signing certificate
 * first, then any intermediates to carry in signatures). The key must match the certificate.
 * *ret is freed with zh_signer_free. ZH_EPARSE, ZH_EINVAL (key does not match), ZH_ECERTUSE
 * (the certificate lacks the code-signing EKU: zhushou would refuse what it signs), ZH_ENOMEM.
 */
int zh_signer_load(const char *key_pem, size_t key_len, const char *cert_pem, size_t cert_len,
	struct zh_signer **ret, struct zh_err *err);

/* NULL is a no-op. */
void zh_signer_free(struct zh_signer *s);

/* Subject of the signing certificate (owned by s). */
const char *zh_signer_subject(const struct zh_signer *s);

/*
 * Sign data as a CMS detached signature (SHA-256, binary) carrying the certificates and the
 * signing time (signing_time seconds UTC, or 0 for now). *ret_sig (DER) is freed with zh_free.
 * ZH_ESIG, ZH_ENOMEM.
 */
int zh_signer_sign(const struct zh_signer *s, const void *data, size_t len, int64_t signing_time,
	void **ret_sig, size_t *ret_len, struct zh_err *err);

#endif
