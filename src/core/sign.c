/* SPDX-License-Identifier: MIT */
/*
 * Signatures and hashes with OpenSSL 3; see sign.h for the trust rules. The signer's chain is
 * verified here with our own X509_STORE_CTX rather than inside CMS_verify, for two reasons:
 * CMS_verify checks the S/MIME purpose (which a code-signing certificate fails), and it folds
 * the X509 error into a string, while we must tell "untrusted", "expired" and "wrong usage"
 * apart for the user. The store holds only the pinned roots: no default paths are loaded.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sign.h"
#include "mem.h"
#include "utc.h"
#include "banned.h"

const char *zh_sign_lib_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/* OpenSSL's queued diagnosis as one line (and the queue emptied). */
static void ossl_errors(char *out, size_t n)
{
	const char *data = NULL;
	unsigned long e;
	size_t len = 0;
	int flags = 0;

	out[0] = '\0';
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		char one[256];

		ERR_error_string_n(e, one, sizeof(one));
		if (len + 3 < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s%s%s", len ? "; " : "",
				one, (flags & ERR_TXT_STRING) && data && *data ? ": " : "",
				(flags & ERR_TXT_STRING) && data ? data : "");
		if (len >= n)
			len = n - 1;
	}
	if (out[0] == '\0')
		(void)snprintf(out, n, "no detail from OpenSSL");
}

/* ---- SHA-256 -----------------------------------------------------------------------------------
 */

struct zh_sha256 {
	EVP_MD_CTX *ctx;
};

int zh_sha256_new(struct zh_sha256 **ret, struct zh_err *err)
{
	struct zh_sha256 *h = zh_calloc(1, sizeof(*h));

	if (h == NULL || (h->ctx = EVP_MD_CTX_new()) == NULL ||
		!EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
		zh_sha256_free(h);
		ERR_clear_error();
		return zh_err_set(err, ZH_ENOMEM, "cannot start a SHA-256 hash");
	}
	*ret = h;
	return 0;
}

void zh_sha256_update(struct zh_sha256 *h, const void *data, size_t len)
{
	(void)EVP_DigestUpdate(h->ctx, data, len);
}

void zh_sha256_final(struct zh_sha256 *h, uint8_t out[ZH_SHA256_LEN])
{
	unsigned int n = 0;

	(void)EVP_DigestFinal_ex(h->ctx, out, &n);
	(void)EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void zh_sha256_free(struct zh_sha256 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	zh_free(h);
}

int zh_sha256(const void *data, size_t len, uint8_t out[ZH_SHA256_LEN], struct zh_err *err)
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL)) {
		ERR_clear_error();
		return zh_err_set(err, ZH_ENOMEM, "cannot compute a SHA-256 hash");
	}
	return 0;
}

void zh_sha256_hex(const uint8_t digest[ZH_SHA256_LEN], char out[ZH_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < ZH_SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * ZH_SHA256_LEN] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int zh_sha256_unhex(const char *s, uint8_t out[ZH_SHA256_LEN])
{
	int i, hi, lo;

	for (i = 0; i < ZH_SHA256_LEN; i++) {
		hi = hexval(s[2 * i]);
		lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return s[2 * ZH_SHA256_LEN] == '\0' ? 0 : -1;
}

/* ---- Certificates ------------------------------------------------------------------------------
 */

/* A certificate's subject on one line (UTF-8 kept as is), into out. */
static void subject_line(X509 *x, char *out, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p = NULL;
	long len;

	out[0] = '\0';
	if (b == NULL)
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
		    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		len = BIO_get_mem_data(b, &p);
		if (len > 0 && p != NULL)
			(void)snprintf(out, n, "%.*s", (int)len, p);
	}
	BIO_free(b);
}

static void fingerprint(X509 *x, char out[ZH_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (X509_digest(x, EVP_sha256(), md, &n) && n == ZH_SHA256_LEN)
		zh_sha256_hex(md, out);
	else
		out[0] = '\0';
}

static int has_code_signing(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) &&
		(X509_get_extended_key_usage(x) & XKU_CODE_SIGN);
}

/* Every certificate in the PEM text, in order; NULL + err if none or one is broken. */
static STACK_OF(X509) *
	read_certs(const char *pem, size_t len, const char *what, struct zh_err *err)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = NULL;
	X509 *x;
	char msg[300];

	if (len > ZH_MAX_PEM_BYTES) {
		zh_err_set(err, ZH_ETOOBIG, "%s is over %d bytes", what, ZH_MAX_PEM_BYTES);
		goto fail;
	}
	b = BIO_new_mem_buf(pem, (int)len);
	if (sk == NULL || b == NULL) {
		zh_err_set(err, ZH_ENOMEM, "cannot read %s", what);
		goto fail;
	}
	for (;;) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		if (x == NULL)
			break;
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			zh_err_set(err, ZH_ENOMEM, "cannot read %s", what);
			goto fail;
		}
	}
	/* The loop ends with "no start line" after the last certificate; anything else is bad. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE || sk_X509_num(sk) == 0) {
		ossl_errors(msg, sizeof(msg));
		zh_err_set(err, ZH_EPARSE, "%s: %s", what,
			sk_X509_num(sk) == 0 ? "no PEM certificate found" : msg);
		goto fail;
	}
	ERR_clear_error();
	BIO_free(b);
	return sk;
fail:
	ERR_clear_error();
	BIO_free(b);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

/* ---- Pinned roots ------------------------------------------------------------------------------
 */

struct root {
	X509 *cert;
	char label[32];
	char subject[256];
	char sha256[ZH_SHA256_HEX];
};

struct zh_trust {
	struct root roots[ZH_MAX_TRUST_ROOTS];
	size_t n;
};

int zh_trust_new(struct zh_trust **ret, struct zh_err *err)
{
	struct zh_trust *t = zh_calloc(1, sizeof(*t));

	if (t == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot set up the trusted roots");
	*ret = t;
	return 0;
}

int zh_trust_add_pem(struct zh_trust *t, const char *pem, size_t len, const char *label,
	struct zh_err *err)
{
	STACK_OF(X509) *sk = read_certs(pem, len, "pinned root", err);
	int rc = 0;

	if (sk == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EPARSE;
	while (sk_X509_num(sk) > 0) {
		X509 *x = sk_X509_shift(sk);
		struct root *r;

		if (X509_check_ca(x) < 1 || X509_self_signed(x, 1) != 1) {
			char subj[256];

			subject_line(x, subj, sizeof(subj));
			X509_free(x);
			ERR_clear_error();
			rc = zh_err_set(err, ZH_EINVAL,
				"pinned root '%s' is not a self-signed CA certificate", subj);
			goto out;
		}
		if (t->n >= ZH_MAX_TRUST_ROOTS) {
			X509_free(x);
			rc = zh_err_set(err, ZH_ETOOBIG, "more than %d pinned roots",
				ZH_MAX_TRUST_ROOTS);
			goto out;
		}
		r = &t->roots[t->n++];
		r->cert = x;
		(void)snprintf(r->label, sizeof(r->label), "%s", label);
		subject_line(x, r->subject, sizeof(r->subject));
		fingerprint(x, r->sha256);
	}
out:
	sk_X509_pop_free(sk, X509_free);
	return rc;
}

/* Generated by tools/embed.c from manifest/trust/ and from the build's development PKI. */
extern const char zh_trust_prod_pem[];
extern const size_t zh_trust_prod_pem_len;
extern const char zh_trust_dev_pem[];
extern const size_t zh_trust_dev_pem_len;

int zh_trust_builtin(struct zh_trust **ret, struct zh_err *err)
{
	struct zh_trust *t = NULL;
	int rc;

	rc = zh_trust_new(&t, err);
	if (rc == 0)
		rc = zh_trust_add_pem(t, zh_trust_prod_pem, zh_trust_prod_pem_len, "production",
			err);
	if (rc == 0 && zh_trust_dev_pem_len > 0)
		rc = zh_trust_add_pem(t, zh_trust_dev_pem, zh_trust_dev_pem_len, "development",
			err);
	if (rc != 0) {
		zh_trust_free(t);
		return rc;
	}
	*ret = t;
	return 0;
}

void zh_trust_free(struct zh_trust *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		X509_free(t->roots[i].cert);
	zh_free(t);
}

size_t zh_trust_count(const struct zh_trust *t)
{
	return t->n;
}

int zh_trust_describe(const struct zh_trust *t, size_t i, const char **ret_label,
	const char **ret_subject, const char **ret_sha256)
{
	if (i >= t->n)
		return ZH_ENOENT;
	*ret_label = t->roots[i].label;
	*ret_subject = t->roots[i].subject;
	*ret_sha256 = t->roots[i].sha256;
	return 0;
}

/* ---- Verifying ---------------------------------------------------------------------------------
 */

/* The signingTime signed attribute of si as seconds UTC; 0 if absent, -1 if malformed. */
static int64_t signing_time(CMS_SignerInfo *si)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	X509_ATTRIBUTE *at;
	ASN1_TYPE *v;
	struct tm tm;

	if (idx < 0)
		return 0;
	at = CMS_signed_get_attr(si, idx);
	v = at == NULL || X509_ATTRIBUTE_count(at) != 1 ? NULL : X509_ATTRIBUTE_get0_type(at, 0);
	if (v == NULL || (v->type != V_ASN1_UTCTIME && v->type != V_ASN1_GENERALIZEDTIME))
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (!ASN1_TIME_to_tm((const ASN1_TIME *)v->value.asn1_string, &tm))
		return -1;
	return zh_utc_from_fields(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec);
}

static int chain_code(int x509_error)
{
	switch (x509_error) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
		return ZH_ECERTTIME;
	case X509_V_ERR_INVALID_PURPOSE:
		return ZH_ECERTUSE;
	default:
		return ZH_EUNTRUSTED;
	}
}

/* Verify signer's chain to a pinned root at time t; fills info->root_label. */
static int verify_chain(const struct zh_trust *tr, X509 *signer, STACK_OF(X509) * untrusted,
	int64_t t, struct zh_sig_info *info, struct zh_err *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) * chain;
	X509 *top, *bad;
	char subj[256], when[ZH_UTC_LEN];
	size_t i;
	int rc = 0, e;

	if (store == NULL || ctx == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot verify a certificate chain");
		goto out;
	}
	for (i = 0; i < tr->n; i++)
		if (!X509_STORE_add_cert(store, tr->roots[i].cert)) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot verify a certificate chain");
			goto out;
		}
	if (!X509_STORE_CTX_init(ctx, store, signer, untrusted)) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot verify a certificate chain");
		goto out;
	}
	X509_STORE_CTX_set_time(ctx, 0, (time_t)t);
	if (X509_verify_cert(ctx) != 1) {
		e = X509_STORE_CTX_get_error(ctx);
		bad = X509_STORE_CTX_get_current_cert(ctx);
		subject_line(bad != NULL ? bad : signer, subj, sizeof(subj));
		zh_utc_format(t, when);
		rc = zh_err_set(err, chain_code(e), "certificate '%s': %s (checked at %s)", subj,
			X509_verify_cert_error_string(e), when);
		goto out;
	}
	chain = X509_STORE_CTX_get0_chain(ctx);
	top = chain == NULL ? NULL : sk_X509_value(chain, sk_X509_num(chain) - 1);
	for (i = 0; top != NULL && i < tr->n; i++)
		if (X509_cmp(top, tr->roots[i].cert) == 0) {
			(void)snprintf(info->root_label, sizeof(info->root_label), "%s",
				tr->roots[i].label);
			break;
		}
	if (top == NULL || i == tr->n)
		rc = zh_err_set(err, ZH_EUNTRUSTED, "the chain does not end at a pinned root");
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

/* Step over one DER element at *p (within end); its tag and content through the out params. */
static int der_next(const unsigned char **p, const unsigned char *end, int *ret_tag, int *ret_class,
	const unsigned char **ret_content, long *ret_len)
{
	const unsigned char *q = *p;
	long len = 0;
	int tag = 0, cls = 0, r;

	if (q >= end)
		return -1;
	r = ASN1_get_object(&q, &len, &tag, &cls, (long)(end - q));
	if (r & 0x80 || r == 0x21 || len < 0 || len > end - q)
		return -1; /* error, or indefinite length (BER, not DER) */
	*ret_tag = tag;
	*ret_class = cls;
	*ret_content = q;
	*ret_len = len;
	*p = q + len;
	return 0;
}

/*
 * The fields OpenSSL parses but does not expose: both version numbers (1: signer identified by
 * issuer and serial) and the outer list of digest algorithms (exactly SHA-256). Walked with
 * OpenSSL's own DER primitives.
 */
static int check_versions(const unsigned char *sig, size_t siglen)
{
	static const unsigned char sha256_set[] = {0x31, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86,
		0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
	static const unsigned char sha256_set_null[] = {0x31, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60,
		0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00};
	const unsigned char *p = sig, *end = sig + siglen, *c, *sd_end, *set;
	long n;
	int tag, cls;

	/* ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT SignedData } */
	if (der_next(&p, end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_SEQUENCE)
		return -1;
	p = c;
	end = c + n;
	if (der_next(&p, end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_OBJECT ||
		der_next(&p, end, &tag, &cls, &c, &n) != 0 || cls != V_ASN1_CONTEXT_SPECIFIC)
		return -1;
	p = c;
	end = c + n;
	/* SignedData ::= SEQUENCE { version, digestAlgorithms, encap, [0] certs, signerInfos } */
	if (der_next(&p, end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_SEQUENCE)
		return -1;
	p = c;
	sd_end = c + n;
	if (der_next(&p, sd_end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_INTEGER || n != 1 ||
		c[0] != 1)
		return -1;
	set = p;
	if (der_next(&p, sd_end, &tag, &cls, &c, &n) != 0 ||
		!(((size_t)(p - set) == sizeof(sha256_set) &&
			  memcmp(set, sha256_set, sizeof(sha256_set)) == 0) ||
			((size_t)(p - set) == sizeof(sha256_set_null) &&
				memcmp(set, sha256_set_null, sizeof(sha256_set_null)) == 0)))
		return -1;
	/* Skip encapContentInfo, certificates and crls up to the SET of signer infos. */
	do {
		if (der_next(&p, sd_end, &tag, &cls, &c, &n) != 0)
			return -1;
	} while (!(tag == V_ASN1_SET && cls == V_ASN1_UNIVERSAL));
	if (p != sd_end)
		return -1;
	p = c;
	end = c + n;
	if (der_next(&p, end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_SEQUENCE || p != end)
		return -1;
	p = c;
	end = c + n;
	if (der_next(&p, end, &tag, &cls, &c, &n) != 0 || tag != V_ASN1_INTEGER || n != 1 ||
		c[0] != 1)
		return -1;
	return 0;
}

/*
 * Parts of a SignedData that its signature does not cover: the content type beside the
 * content, the signature algorithm, the signer identifier (OpenSSL matches it to the
 * certificate case-insensitively), the version numbers, the outer digest list and the
 * encoding itself. They are held to one exact form so that a changed byte there is
 * refused like any other.
 */
static int check_envelope(CMS_ContentInfo *cms, CMS_SignerInfo *si, X509 *signer, const void *sig,
	size_t siglen, struct zh_err *err)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	unsigned char *a = NULL, *b = NULL;
	int na, nb, rc = 0;

	X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;
	int nid;

	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		return zh_err_set(err, ZH_ESIG, "content type is not id-data");
	CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
	if (alg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	nid = obj == NULL ? NID_undef : OBJ_obj2nid(obj);
	if (nid != NID_ecdsa_with_SHA256 && nid != NID_rsaEncryption &&
		nid != NID_sha256WithRSAEncryption && nid != NID_rsassaPss)
		return zh_err_set(err, ZH_ESIG, "unexpected signature algorithm %s",
			nid == NID_undef ? "(unknown)" : OBJ_nid2sn(nid));
	if (!CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) || issuer == NULL ||
		serial == NULL)
		return zh_err_set(err, ZH_ESIG, "signer not identified by issuer and serial");
	na = i2d_X509_NAME(issuer, &a);
	nb = i2d_X509_NAME(X509_get_issuer_name(signer), &b);
	if (na <= 0 || na != nb || memcmp(a, b, (size_t)na) != 0 ||
		ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(signer)) != 0)
		rc = zh_err_set(err, ZH_ESIG, "signer identifier differs from the certificate");
	OPENSSL_free(a);
	OPENSSL_free(b);
	a = NULL;
	if (rc != 0)
		return rc;
	na = i2d_CMS_ContentInfo(cms, &a);
	if (na <= 0 || (size_t)na != siglen || memcmp(a, sig, siglen) != 0)
		rc = zh_err_set(err, ZH_ESIG, "signature is not in canonical DER form");
	else if (check_versions(sig, siglen) != 0)
		rc = zh_err_set(err, ZH_ESIG,
			"unexpected version or digest algorithm list in the signature");
	OPENSSL_free(a);
	return rc;
}

int zh_sign_verify(const struct zh_trust *t, const void *data, size_t len, const void *sig,
	size_t siglen, int64_t fallback_time, int64_t now, struct zh_sig_info *ret_info,
	struct zh_err *err)
{
	struct zh_sig_info info;
	CMS_ContentInfo *cms = NULL;
	STACK_OF(CMS_SignerInfo) * sis;
	STACK_OF(X509) *certs = NULL, *signers = NULL;
	X509_STORE *empty = NULL;
	BIO *databio = NULL;
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *obj = NULL;
	CMS_SignerInfo *si;
	X509 *signer;
	const unsigned char *p = sig;
	char msg[300], when[ZH_UTC_LEN];
	int64_t st;
	int rc = 0;

	memset(&info, 0, sizeof(info));
	if (siglen > ZH_MAX_SIG_BYTES) {
		rc = zh_err_set(err, ZH_ETOOBIG, "signature is %zu bytes, over the %d byte limit",
			siglen, ZH_MAX_SIG_BYTES);
		goto out;
	}
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)siglen);
	if (cms == NULL || p != (const unsigned char *)sig + siglen) {
		ossl_errors(msg, sizeof(msg));
		rc = zh_err_set(err, ZH_ESIG, "not a DER CMS signature (%s)",
			cms == NULL ? msg : "trailing bytes");
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		rc = zh_err_set(err, ZH_ESIG, "not a CMS SignedData structure");
		goto out;
	}
	if (CMS_is_detached(cms) != 1) {
		rc = zh_err_set(err, ZH_ESIG,
			"the signature embeds its content; expected detached");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1) {
		rc = zh_err_set(err, ZH_ESIG, "expected exactly one signer, found %d",
			sis == NULL ? 0 : sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if (obj == NULL || OBJ_obj2nid(obj) != NID_sha256) {
		rc = zh_err_set(err, ZH_ESIG, "digest algorithm is %s, not SHA-256",
			obj == NULL ? "missing" : OBJ_nid2sn(OBJ_obj2nid(obj)));
		goto out;
	}
	/*
	 * First the signature over the content, with the signer certificate from the signature
	 * and no chain check (CMS_NO_SIGNER_CERT_VERIFY): the chain is ours to judge below.
	 */
	databio = len > 0x7fffffff ? NULL : BIO_new_mem_buf(data, (int)len);
	empty = X509_STORE_new();
	if (databio == NULL || empty == NULL) {
		rc = zh_err_set(err, len > 0x7fffffff ? ZH_ETOOBIG : ZH_ENOMEM,
			"cannot verify a signature");
		goto out;
	}
	if (CMS_verify(cms, NULL, empty, databio, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) !=
		1) {
		ossl_errors(msg, sizeof(msg));
		rc = zh_err_set(err, ZH_ESIG, "the signature does not match the content (%s)", msg);
		goto out;
	}
	signers = CMS_get0_signers(cms);
	signer = signers == NULL || sk_X509_num(signers) != 1 ? NULL : sk_X509_value(signers, 0);
	if (signer == NULL) {
		rc = zh_err_set(err, ZH_ESIG, "the signature carries no signer certificate");
		goto out;
	}
	rc = check_envelope(cms, si, signer, sig, siglen, err);
	if (rc != 0)
		goto out;
	subject_line(signer, info.signer, sizeof(info.signer));
	fingerprint(signer, info.signer_sha256);
	st = signing_time(si);
	if (st < 0) {
		rc = zh_err_set(err, ZH_ESIG, "malformed signing time in the signature");
		goto out;
	}
	info.has_signing_time = st > 0;
	info.signing_time = st > 0 ? st : fallback_time;
	if (info.signing_time <= 0) {
		rc = zh_err_set(err, ZH_ECERTTIME,
			"the signature records no signing time and none was given");
		goto out;
	}
	if (info.signing_time > now + ZH_SIGN_MAX_SKEW) {
		zh_utc_format(info.signing_time, when);
		rc = zh_err_set(err, ZH_ECERTTIME, "signing time %s is in the future", when);
		goto out;
	}
	certs = CMS_get1_certs(cms);
	rc = verify_chain(t, signer, certs, info.signing_time, &info, err);
	if (rc != 0)
		goto out;
	if (!has_code_signing(signer)) {
		rc = zh_err_set(err, ZH_ECERTUSE,
			"certificate '%s' lacks the code-signing extended key usage", info.signer);
		goto out;
	}
	if (ret_info != NULL)
		*ret_info = info;
out:
	ERR_clear_error();
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
	X509_STORE_free(empty);
	BIO_free(databio);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* ---- Signing -----------------------------------------------------------------------------------
 */

struct zh_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) * chain;
	char subject[256];
};

/* Refuse encrypted keys instead of letting OpenSSL prompt on the terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int zh_signer_load(const char *key_pem, size_t key_len, const char *cert_pem, size_t cert_len,
	struct zh_signer **ret, struct zh_err *err)
{
	struct zh_signer *s = zh_calloc(1, sizeof(*s));
	BIO *b = NULL;
	char msg[300];
	int rc = 0;

	if (s == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load the signing key");
		goto out;
	}
	if (key_len > ZH_MAX_PEM_BYTES) {
		rc = zh_err_set(err, ZH_ETOOBIG, "key file is over %d bytes", ZH_MAX_PEM_BYTES);
		goto out;
	}
	b = BIO_new_mem_buf(key_pem, (int)key_len);
	s->key = b == NULL ? NULL : PEM_read_bio_PrivateKey(b, NULL, no_password, NULL);
	if (s->key == NULL) {
		ossl_errors(msg, sizeof(msg));
		rc = zh_err_set(err, ZH_EPARSE, "not an unencrypted PEM private key (%s)", msg);
		goto out;
	}
	s->chain = read_certs(cert_pem, cert_len, "certificate file", err);
	if (s->chain == NULL) {
		rc = err != NULL && err->code != 0 ? err->code : ZH_EPARSE;
		goto out;
	}
	s->cert = sk_X509_shift(s->chain);
	subject_line(s->cert, s->subject, sizeof(s->subject));
	if (X509_check_private_key(s->cert, s->key) != 1) {
		rc = zh_err_set(err, ZH_EINVAL, "the key does not belong to certificate '%s'",
			s->subject);
		goto out;
	}
	if (!has_code_signing(s->cert)) {
		rc = zh_err_set(err, ZH_ECERTUSE,
			"certificate '%s' lacks the code-signing extended key usage: zhushou "
			"would refuse what it signs",
			s->subject);
		goto out;
	}
	*ret = s;
	s = NULL;
out:
	ERR_clear_error();
	BIO_free(b);
	zh_signer_free(s);
	return rc;
}

void zh_signer_free(struct zh_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	zh_free(s);
}

const char *zh_signer_subject(const struct zh_signer *s)
{
	return s->subject;
}

int zh_signer_sign(const struct zh_signer *s, const void *data, size_t len, int64_t signing_time,
	void **ret_sig, size_t *ret_len, struct zh_err *err)
{
	const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si;
	ASN1_TIME *when = NULL;
	BIO *in = NULL;
	unsigned char *der = NULL, *p;
	char msg[300];
	int n, i, rc = 0;

	if (len > 0x7fffffff) {
		rc = zh_err_set(err, ZH_ETOOBIG, "cannot sign %zu bytes", len);
		goto out;
	}
	in = BIO_new_mem_buf(data, (int)len);
	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	si = cms == NULL ? NULL : CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags);
	if (in == NULL || si == NULL) {
		ossl_errors(msg, sizeof(msg));
		rc = zh_err_set(err, ZH_ESIG, "cannot sign (%s)", msg);
		goto out;
	}
	/* Our own signingTime; CMS_final adds "now" only when none is there. */
	if (signing_time > 0) {
		when = ASN1_TIME_adj(NULL, (time_t)signing_time, 0, 0);
		if (when == NULL ||
			!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime,
				ASN1_STRING_type(when), when, -1)) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot record the signing time");
			goto out;
		}
	}
	for (i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i))) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot add the certificate chain");
			goto out;
		}
	if (CMS_final(cms, in, NULL, flags & ~(unsigned)CMS_PARTIAL) != 1) {
		ossl_errors(msg, sizeof(msg));
		rc = zh_err_set(err, ZH_ESIG, "cannot sign (%s)", msg);
		goto out;
	}
	n = i2d_CMS_ContentInfo(cms, NULL);
	if (n <= 0 || n > ZH_MAX_SIG_BYTES) {
		rc = zh_err_set(err, n > 0 ? ZH_ETOOBIG : ZH_ESIG,
			"cannot encode the signature (%d bytes)", n);
		goto out;
	}
	der = zh_malloc((size_t)n);
	if (der == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot encode the signature");
		goto out;
	}
	p = der;
	(void)i2d_CMS_ContentInfo(cms, &p);
	*ret_sig = der;
	*ret_len = (size_t)n;
	der = NULL;
out:
	ERR_clear_error();
	zh_free(der);
	ASN1_TIME_free(when);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return rc;
}
