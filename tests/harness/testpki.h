/* SPDX-License-Identifier: MIT */
/*
 * A throw-away PKI for unit tests, made with OpenSSL at run time so that no key is ever
 * committed and the tests run the same natively and under Wine: roots, intermediates and
 * leaves with chosen validity periods and extended key usages. Header-only (static functions)
 * so that each test that needs it just includes it; tests may use OpenSSL directly, the
 * product may not (STYLE.md: OpenSSL lives in src/core/sign*.c).
 */
#ifndef ZH_TESTPKI_H
#define ZH_TESTPKI_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define TPKI_UNUSED __attribute__((unused))

struct tpki {
	X509 *x;
	EVP_PKEY *k;
	char *cert_pem; /* this certificate */
	char *key_pem; /* its unencrypted private key */
	char *chain_pem; /* this certificate and its issuers up to (not including) the root */
};

static TPKI_UNUSED char *tpki_bio_text(BIO *b)
{
	char *p = NULL, *s;
	long n = BIO_get_mem_data(b, &p);

	s = malloc((size_t)n + 1);
	if (s != NULL) {
		memcpy(s, p, (size_t)n);
		s[n] = '\0';
	}
	return s;
}

static TPKI_UNUSED int tpki_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (e == NULL)
		return 0;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/*
 * Make a certificate named cn valid from not_before to not_after (seconds UTC), issued by
 * issuer (NULL: self-signed). ca makes a CA; eku is an extendedKeyUsage value such as
 * "codeSigning" or "emailProtection", or NULL for none. Returns 0 on success.
 */
static TPKI_UNUSED int tpki_make(struct tpki *c, const struct tpki *issuer, const char *cn, int ca,
	int64_t not_before, int64_t not_after, const char *eku)
{
	static long serial = 1;
	X509_NAME *name;
	BIO *b;
	int ok = 1;

	memset(c, 0, sizeof(*c));
	c->k = EVP_EC_gen("P-256");
	c->x = X509_new();
	if (c->k == NULL || c->x == NULL)
		return -1;
	ok &= X509_set_version(c->x, 2);
	ok &= ASN1_INTEGER_set(X509_get_serialNumber(c->x), serial++);
	ok &= X509_time_adj_ex(X509_getm_notBefore(c->x), 0, 0, &(time_t){(time_t)not_before}) !=
		NULL;
	ok &= X509_time_adj_ex(X509_getm_notAfter(c->x), 0, 0, &(time_t){(time_t)not_after}) !=
		NULL;
	name = X509_get_subject_name(c->x);
	ok &= X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
		-1, 0);
	ok &= X509_set_issuer_name(c->x, issuer != NULL ? X509_get_subject_name(issuer->x) : name);
	ok &= X509_set_pubkey(c->x, c->k);
	ok &= tpki_ext(c->x, issuer != NULL ? issuer->x : c->x, NID_basic_constraints,
		ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	ok &= tpki_ext(c->x, issuer != NULL ? issuer->x : c->x, NID_key_usage,
		ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	ok &= tpki_ext(c->x, issuer != NULL ? issuer->x : c->x, NID_subject_key_identifier, "hash");
	if (eku != NULL)
		ok &= tpki_ext(c->x, issuer != NULL ? issuer->x : c->x, NID_ext_key_usage, eku);
	ok &= X509_sign(c->x, issuer != NULL ? issuer->k : c->k, EVP_sha256()) > 0;
	if (!ok)
		return -1;
	b = BIO_new(BIO_s_mem());
	if (b == NULL || !PEM_write_bio_X509(b, c->x))
		return -1;
	c->cert_pem = tpki_bio_text(b);
	if (issuer != NULL && issuer->chain_pem != NULL && X509_check_ca(issuer->x) &&
		X509_self_signed(issuer->x, 0) != 1)
		BIO_puts(b, issuer->chain_pem);
	c->chain_pem = tpki_bio_text(b);
	BIO_free(b);
	b = BIO_new(BIO_s_mem());
	if (b == NULL || !PEM_write_bio_PrivateKey(b, c->k, NULL, NULL, 0, NULL, NULL))
		return -1;
	c->key_pem = tpki_bio_text(b);
	BIO_free(b);
	return c->cert_pem != NULL && c->key_pem != NULL && c->chain_pem != NULL ? 0 : -1;
}

static TPKI_UNUSED void tpki_free(struct tpki *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->k);
	free(c->cert_pem);
	free(c->key_pem);
	free(c->chain_pem);
	memset(c, 0, sizeof(*c));
}

/* 2019-01-01, 2020-01-01, 2021-01-01 and 2045-01-01 UTC, for validity periods. */
#define TPKI_2019 1546300800LL
#define TPKI_2020 1577836800LL
#define TPKI_2021 1609459200LL
#define TPKI_2045 2366841600LL

/* The usual set: root, intermediate, publisher (code signing) and the bad ones. */
struct tpki_set {
	struct tpki root, inter, pub, expired, noeku, other_root, untrusted;
};

static TPKI_UNUSED int tpki_set_make(struct tpki_set *s)
{
	memset(s, 0, sizeof(*s));
	return tpki_make(&s->root, NULL, "zhushou test root", 1, TPKI_2019, TPKI_2045, NULL) ||
		tpki_make(&s->inter, &s->root, "zhushou test intermediate", 1, TPKI_2019, TPKI_2045,
			NULL) ||
		tpki_make(&s->pub, &s->inter, "zhushou test publisher 出版", 0, TPKI_2019,
			TPKI_2045, "codeSigning") ||
		tpki_make(&s->expired, &s->inter, "zhushou expired publisher", 0, TPKI_2020,
			TPKI_2021, "codeSigning") ||
		tpki_make(&s->noeku, &s->inter, "zhushou e-mail only", 0, TPKI_2019, TPKI_2045,
			"emailProtection") ||
		tpki_make(&s->other_root, NULL, "somebody else's root", 1, TPKI_2019, TPKI_2045,
			NULL) ||
		tpki_make(&s->untrusted, &s->other_root, "untrusted publisher", 0, TPKI_2019,
			TPKI_2045, "codeSigning");
}

static TPKI_UNUSED void tpki_set_free(struct tpki_set *s)
{
	tpki_free(&s->root);
	tpki_free(&s->inter);
	tpki_free(&s->pub);
	tpki_free(&s->expired);
	tpki_free(&s->noeku);
	tpki_free(&s->other_root);
	tpki_free(&s->untrusted);
}

#endif
