/* SPDX-License-Identifier: MIT */
/*
 * Signatures and hashes (src/core/sign.c) against a PKI made at run time (testpki.h): a good
 * chain verifies; a flipped byte in the content or the signature, an untrusted root, an
 * expired certificate, a certificate without the code-signing EKU, an embedded (not detached)
 * signature, SHA-1, two signers and a signing time in the future are each refused with their
 * own code; validity is judged at the signing time recorded in the signature.
 */
#include <time.h>

#include <openssl/cms.h>

#include "../harness/zh_test.h"
#include "../harness/testpki.h"
#include "../../src/core/mem.h"
#include "../../src/core/sign.h"

static struct tpki_set pki;
static int pki_ok;

static const char content[] = "{\"format\":1,\"id\":\"demo\"}";

static int setup(void)
{
	if (!pki_ok)
		pki_ok = tpki_set_make(&pki) == 0 ? 1 : -1;
	if (pki_ok != 1)
		fprintf(stderr, "cannot make the test PKI\n");
	return pki_ok == 1;
}

static struct zh_trust *trust_of(const struct tpki *root)
{
	struct zh_trust *t = NULL;
	struct zh_err err;

	zh_err_init(&err);
	if (zh_trust_new(&t, &err) != 0 ||
		zh_trust_add_pem(t, root->cert_pem, strlen(root->cert_pem), "test", &err) != 0) {
		fprintf(stderr, "trust: %s\n", err.msg);
		zh_trust_free(t);
		return NULL;
	}
	return t;
}

/* Sign with our signer; returns the DER signature (free with zh_free) or NULL. */
static void *sign_with(const struct tpki *c, const void *data, size_t len, int64_t when,
	size_t *ret_len)
{
	struct zh_signer *s = NULL;
	struct zh_err err;
	void *sig = NULL;

	zh_err_init(&err);
	if (zh_signer_load(c->key_pem, strlen(c->key_pem), c->chain_pem, strlen(c->chain_pem), &s,
		    &err) != 0 ||
		zh_signer_sign(s, data, len, when, &sig, ret_len, &err) != 0)
		fprintf(stderr, "sign: %s\n", err.msg);
	zh_signer_free(s);
	return sig;
}

/* Sign with OpenSSL directly, to make what our signer refuses to make. */
static unsigned char *raw_sign(const struct tpki *c, const EVP_MD *md, unsigned flags,
	int extra_signer, size_t *ret_len)
{
	BIO *in = BIO_new_mem_buf(content, (int)strlen(content));
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	unsigned char *der = NULL, *p;
	int n;

	CMS_add1_signer(cms, c->x, c->k, md, flags | CMS_PARTIAL);
	if (extra_signer)
		CMS_add1_signer(cms, pki.noeku.x, pki.noeku.k, EVP_sha256(), flags | CMS_PARTIAL);
	CMS_add1_cert(cms, pki.inter.x);
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

static int verify(const struct zh_trust *t, const void *data, size_t len, const void *sig,
	size_t siglen, int64_t fallback, struct zh_sig_info *info, struct zh_err *err)
{
	zh_err_init(err);
	return zh_sign_verify(t, data, len, sig, siglen, fallback, (int64_t)time(NULL), info, err);
}

static void t_sha256(void)
{
	uint8_t d[ZH_SHA256_LEN], e[ZH_SHA256_LEN];
	struct zh_sha256 *h = NULL;
	char hex[ZH_SHA256_HEX];
	struct zh_err err;

	zh_err_init(&err);
	T_EQ_INT(zh_sha256("abc", 3, d, &err), 0);
	zh_sha256_hex(d, hex);
	T_EQ_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	T_EQ_INT(zh_sha256_new(&h, &err), 0);
	zh_sha256_update(h, "a", 1);
	zh_sha256_update(h, "bc", 2);
	zh_sha256_final(h, e);
	T_CHECK(memcmp(d, e, sizeof(d)) == 0);
	zh_sha256_free(h);
	T_EQ_INT(zh_sha256_unhex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
			 e),
		0);
	T_CHECK(memcmp(d, e, sizeof(d)) == 0);
	T_EQ_INT(zh_sha256_unhex("ba78", e), -1);
	T_EQ_INT(zh_sha256_unhex("xa7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			 e),
		-1);
	T_EQ_INT(zh_sha256_unhex(
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0", e),
		-1);
}

static void t_trust(void)
{
	struct zh_trust *t = NULL;
	const char *label, *subject, *fp;
	struct zh_err err;

	if (!setup())
		return;
	zh_err_init(&err);
	T_EQ_INT(zh_trust_builtin(&t, &err), 0);
	T_CHECK(t != NULL && zh_trust_count(t) >= 1);
	T_EQ_INT(zh_trust_describe(t, 0, &label, &subject, &fp), 0);
	T_EQ_STR(label, "production");
	T_CHECK(strstr(subject, "zhushou publisher root") != NULL);
	T_EQ_INT(strlen(fp), 64);
	zh_trust_free(t);

	T_EQ_INT(zh_trust_new(&t, &err), 0);
	T_EQ_INT(zh_trust_add_pem(t, pki.pub.cert_pem, strlen(pki.pub.cert_pem), "x", &err),
		ZH_EINVAL);
	T_CHECK(strstr(err.msg, "not a self-signed CA") != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_trust_add_pem(t, pki.inter.cert_pem, strlen(pki.inter.cert_pem), "x", &err),
		ZH_EINVAL);
	zh_err_init(&err);
	T_EQ_INT(zh_trust_add_pem(t, "hello", 5, "x", &err), ZH_EPARSE);
	zh_err_init(&err);
	T_EQ_INT(zh_trust_add_pem(t, pki.root.cert_pem, strlen(pki.root.cert_pem), "test", &err),
		0);
	T_EQ_INT(zh_trust_count(t), 1);
	T_EQ_INT(zh_trust_describe(t, 1, &label, &subject, &fp), ZH_ENOENT);
	zh_trust_free(t);
}

static void t_good(void)
{
	struct zh_trust *t;
	struct zh_sig_info info;
	struct zh_err err;
	size_t n = 0;
	void *sig;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	sig = sign_with(&pki.pub, content, strlen(content), 0, &n);
	T_CHECK(sig != NULL);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, &info, &err), 0);
	if (err.code != 0)
		fprintf(stderr, "%s\n", err.msg);
	T_CHECK(strstr(info.signer, "zhushou test publisher 出版") != NULL);
	T_EQ_STR(info.root_label, "test");
	T_EQ_INT(info.has_signing_time, 1);
	T_CHECK(info.signing_time > TPKI_2021);
	T_EQ_INT(strlen(info.signer_sha256), 64);
	zh_free(sig);
	zh_trust_free(t);
}

static void t_tampered(void)
{
	struct zh_trust *t;
	struct zh_err err;
	char *copy = zh_strdup(content);
	unsigned char *sig;
	size_t n = 0, i;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	sig = sign_with(&pki.pub, content, strlen(content), 0, &n);
	copy[5] ^= 1;
	T_EQ_INT(verify(t, copy, strlen(copy), sig, n, 0, NULL, &err), ZH_ESIG);
	T_CHECK(strstr(err.msg, "does not match") != NULL);
	/* Truncated content. */
	T_EQ_INT(verify(t, content, strlen(content) - 1, sig, n, 0, NULL, &err), ZH_ESIG);
	/* A flipped byte anywhere in the signature never verifies. */
	for (i = 0; i < n; i++) {
		int rc;

		sig[i] ^= 0x20;
		rc = verify(t, content, strlen(content), sig, n, 0, NULL, &err);
		sig[i] ^= 0x20;
		if (rc == 0) {
			fprintf(stderr, "flipping byte %zu of %zu verified\n", i, n);
			zh_test_failed = 1;
		}
	}
	T_EQ_INT(verify(t, content, strlen(content), sig, n - 1, 0, NULL, &err), ZH_ESIG);
	T_EQ_INT(verify(t, content, strlen(content), "junk", 4, 0, NULL, &err), ZH_ESIG);
	T_EQ_INT(verify(t, content, strlen(content), sig, ZH_MAX_SIG_BYTES + 1, 0, NULL, &err),
		ZH_ETOOBIG);
	zh_free(sig);
	zh_free(copy);
	zh_trust_free(t);
}

static void t_untrusted(void)
{
	struct zh_trust *t;
	struct zh_err err;
	size_t n = 0;
	void *sig;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	sig = sign_with(&pki.untrusted, content, strlen(content), 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_EUNTRUSTED);
	T_CHECK(strstr(err.msg, "untrusted publisher") != NULL ||
		strstr(err.msg, "somebody else") != NULL);
	zh_free(sig);
	zh_trust_free(t);
	/* Pinning somebody else's root does not make our publisher trusted. */
	t = trust_of(&pki.other_root);
	sig = sign_with(&pki.pub, content, strlen(content), 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_EUNTRUSTED);
	zh_free(sig);
	zh_trust_free(t);
}

static void t_expired(void)
{
	struct zh_trust *t;
	struct zh_sig_info info;
	struct zh_err err;
	size_t n = 0;
	void *sig;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	/* Signed now, with a certificate that ended in 2021. */
	sig = sign_with(&pki.expired, content, strlen(content), 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ECERTTIME);
	T_CHECK(strstr(err.msg, "expired") != NULL);
	zh_free(sig);
	/* Signed in 2020, when it was valid: accepted today. */
	sig = sign_with(&pki.expired, content, strlen(content), TPKI_2020 + 86400 * 150, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, &info, &err), 0);
	T_EQ_INT(info.signing_time, TPKI_2020 + 86400 * 150);
	zh_free(sig);
	/* Before the certificate's time: not yet valid. */
	sig = sign_with(&pki.expired, content, strlen(content), TPKI_2019 + 86400, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ECERTTIME);
	zh_free(sig);
	/* In the future. */
	sig = sign_with(&pki.pub, content, strlen(content), (int64_t)time(NULL) + 3 * 86400, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ECERTTIME);
	T_CHECK(strstr(err.msg, "future") != NULL);
	zh_free(sig);
	zh_trust_free(t);
}

static void t_usage(void)
{
	struct zh_signer *s = NULL;
	struct zh_trust *t;
	struct zh_err err;
	unsigned char *sig;
	size_t n = 0;

	if (!setup())
		return;
	zh_err_init(&err);
	T_EQ_INT(zh_signer_load(pki.noeku.key_pem, strlen(pki.noeku.key_pem), pki.noeku.chain_pem,
			 strlen(pki.noeku.chain_pem), &s, &err),
		ZH_ECERTUSE);
	t = trust_of(&pki.root);
	sig = raw_sign(&pki.noeku, EVP_sha256(), CMS_BINARY | CMS_DETACHED, 0, &n);
	T_CHECK(sig != NULL);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ECERTUSE);
	T_CHECK(strstr(err.msg, "e-mail only") != NULL);
	free(sig);
	zh_trust_free(t);
}

static void t_shape(void)
{
	struct zh_trust *t;
	struct zh_sig_info info;
	struct zh_err err;
	unsigned char *sig;
	size_t n = 0;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	/* The content inside the signature instead of beside it. */
	sig = raw_sign(&pki.pub, EVP_sha256(), CMS_BINARY, 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ESIG);
	T_CHECK(strstr(err.msg, "detached") != NULL);
	free(sig);
	sig = raw_sign(&pki.pub, EVP_sha1(), CMS_BINARY | CMS_DETACHED, 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ESIG);
	T_CHECK(strstr(err.msg, "SHA-256") != NULL);
	free(sig);
	sig = raw_sign(&pki.pub, EVP_sha256(), CMS_BINARY | CMS_DETACHED, 1, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ESIG);
	T_CHECK(strstr(err.msg, "one signer") != NULL);
	free(sig);
	/* No signed attributes, so no signing time: the caller's fallback time decides. */
	sig = raw_sign(&pki.pub, EVP_sha256(), CMS_BINARY | CMS_DETACHED | CMS_NOATTR, 0, &n);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), ZH_ECERTTIME);
	T_EQ_INT(verify(t, content, strlen(content), sig, n, TPKI_2021, &info, &err), 0);
	T_EQ_INT(info.has_signing_time, 0);
	T_EQ_INT(info.signing_time, TPKI_2021);
	free(sig);
	zh_trust_free(t);
}

static void t_signer_load(void)
{
	struct zh_signer *s = NULL;
	struct zh_err err;

	if (!setup())
		return;
	zh_err_init(&err);
	T_EQ_INT(zh_signer_load(pki.expired.key_pem, strlen(pki.expired.key_pem), pki.pub.chain_pem,
			 strlen(pki.pub.chain_pem), &s, &err),
		ZH_EINVAL);
	T_CHECK(strstr(err.msg, "does not belong") != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_signer_load("x", 1, pki.pub.chain_pem, strlen(pki.pub.chain_pem), &s, &err),
		ZH_EPARSE);
	zh_err_init(&err);
	T_EQ_INT(zh_signer_load(pki.pub.key_pem, strlen(pki.pub.key_pem), "x", 1, &s, &err),
		ZH_EPARSE);
	zh_err_init(&err);
	T_EQ_INT(zh_signer_load(pki.pub.key_pem, strlen(pki.pub.key_pem), pki.pub.chain_pem,
			 strlen(pki.pub.chain_pem), &s, &err),
		0);
	T_CHECK(s != NULL && strstr(zh_signer_subject(s), "publisher") != NULL);
	zh_signer_free(s);
	zh_signer_free(NULL);
}

static void t_nomem(void)
{
	struct zh_trust *t;
	struct zh_err err;
	size_t n = 0;
	void *sig = NULL;
	long i;
	int rc;

	if (!setup())
		return;
	t = trust_of(&pki.root);
	/* Each allocation of ours failing in turn ends in a clean error, never a crash. */
	for (i = 0; i < 20; i++) {
		struct zh_signer *s = NULL;

		zh_err_init(&err);
		zh_mem_fail_after(i);
		rc = zh_signer_load(pki.pub.key_pem, strlen(pki.pub.key_pem), pki.pub.chain_pem,
			strlen(pki.pub.chain_pem), &s, &err);
		if (rc == 0)
			rc = zh_signer_sign(s, content, strlen(content), 0, &sig, &n, &err);
		zh_mem_fail_after(-1);
		zh_signer_free(s);
		if (rc == 0) {
			T_EQ_INT(verify(t, content, strlen(content), sig, n, 0, NULL, &err), 0);
			zh_free(sig);
			break;
		}
		T_EQ_INT(rc, ZH_ENOMEM);
	}
	T_CHECK(i < 20);
	zh_trust_free(t);
}

ZH_TESTS(ZH_TEST_ENTRY(t_sha256), ZH_TEST_ENTRY(t_trust), ZH_TEST_ENTRY(t_good),
	ZH_TEST_ENTRY(t_tampered), ZH_TEST_ENTRY(t_untrusted), ZH_TEST_ENTRY(t_expired),
	ZH_TEST_ENTRY(t_usage), ZH_TEST_ENTRY(t_shape), ZH_TEST_ENTRY(t_signer_load),
	ZH_TEST_ENTRY(t_nomem))
