/* SPDX-License-Identifier: MIT */
/*
 * Reading UKEYs (src/core/p11.c, ukey.c) natively against a real PKCS#11 module: SoftHSM2,
 * seen through tests/unit/p11spy.c, which logs every call and refuses all but the read-only
 * ones. Each case makes its own token directory in a child process (the fixture logs in with
 * PINs to write objects; zhushou's reading never does, which the spy's log proves, and no PIN
 * appears in anything zhushou prints). Environment from tests/meson.build: ZH_P11SPY,
 * ZH_SOFTHSM (the modules), ZH_CLI (zhushou-native), ZH_CATALOG (the Changjiang catalog).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>

#include <cJSON.h>
#include <p11-kit/pkcs11.h>

#include "../harness/zh_test.h"
#include "../harness/testpki.h"
#include "../../src/core/p11.h"
#include "../../src/core/ukey.h"

#define SO_PIN "55667788"
#define USER_PIN "864213"
#define DAY 86400LL

static CK_FUNCTION_LIST_PTR fx;

/* A path tests/meson.build passes; without it the test cannot run at all. */
static const char *need(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0') {
		fprintf(stderr, "test_p11: %s is not set (run it through meson test)\n", name);
		exit(1);
	}
	return v;
} /* SoftHSM itself, in the fixture's child process only */

/* A fresh SoftHSM configuration and token folder for one case, in the test's folder. */
static void hsm_fresh(const char *name)
{
	char conf[512], dir[512], text[1200];

	snprintf(dir, sizeof(dir), "%s/%s-tokens", zh_test_dir(), name);
	snprintf(conf, sizeof(conf), "%s/%s.conf", zh_test_dir(), name);
	T_CHECK(mkdir(dir, 0700) == 0);
	snprintf(text, sizeof(text),
		"directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n", dir);
	T_CHECK(zh_test_write(conf + strlen(zh_test_dir()) + 1, text, strlen(text)) == 0);
	T_CHECK(setenv("SOFTHSM2_CONF", conf, 1) == 0);
	T_CHECK(setenv("P11SPY_TARGET", need("ZH_SOFTHSM"), 1) == 0);
}

static int fx_load(void)
{
	void *h = dlopen(need("ZH_SOFTHSM"), RTLD_NOW);
	CK_C_GetFunctionList get;
	void *sym = h != NULL ? dlsym(h, "C_GetFunctionList") : NULL;

	if (sym == NULL)
		return -1;
	memcpy(&get, &sym, sizeof(get));
	return get(&fx) == CKR_OK && fx->C_Initialize(NULL) == CKR_OK ? 0 : -1;
}

/* The slot whose token is not initialised yet (SoftHSM keeps one free). */
static CK_SLOT_ID fx_free_slot(void)
{
	CK_SLOT_ID slots[16];
	CK_ULONG n = 16, i;
	CK_TOKEN_INFO ti;

	if (fx->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		return (CK_SLOT_ID)-1;
	for (i = 0; i < n; i++)
		if (fx->C_GetTokenInfo(slots[i], &ti) == CKR_OK &&
			!(ti.flags & CKF_TOKEN_INITIALIZED))
			return slots[i];
	return (CK_SLOT_ID)-1;
}

static int fx_cert(CK_SESSION_HANDLE s, X509 *x, int private)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE type = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, priv = private ? CK_TRUE : CK_FALSE;
	unsigned char *der = NULL, *subj = NULL;
	int dlen = i2d_X509(x, &der), slen = i2d_X509_NAME(X509_get_subject_name(x), &subj);
	CK_OBJECT_HANDLE o;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof(cls)},
		{CKA_CERTIFICATE_TYPE, &type, sizeof(type)},
		{CKA_TOKEN, &yes, sizeof(yes)},
		{CKA_PRIVATE, &priv, sizeof(priv)},
		{CKA_LABEL, "clerk", 5},
		{CKA_SUBJECT, subj, (CK_ULONG)slen},
		{CKA_VALUE, der, (CK_ULONG)dlen},
	};
	CK_RV rv = dlen > 0 && slen > 0 ? fx->C_CreateObject(s, t, 7, &o) : CKR_GENERAL_ERROR;

	OPENSSL_free(der);
	OPENSSL_free(subj);
	return rv == CKR_OK ? 0 : -1;
}

/*
 * In a child process: make a token labelled label holding the given certificates (the
 * private one only visible after a login). Returns 0 when the child succeeded.
 */
static int make_token(const char *label, X509 **certs, size_t n, X509 *private_cert)
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		CK_UTF8CHAR lab[32];
		CK_SESSION_HANDLE s;
		CK_SLOT_ID slot;
		size_t i;
		int bad = fx_load();

		memset(lab, ' ', sizeof(lab));
		memcpy(lab, label, strlen(label));
		slot = bad ? (CK_SLOT_ID)-1 : fx_free_slot();
		bad = bad								   ? 1
			: slot == (CK_SLOT_ID)-1					   ? 2
			: fx->C_InitToken(slot, (CK_UTF8CHAR_PTR)SO_PIN, 8, lab) != CKR_OK ? 3
			: fx->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
				  &s) != CKR_OK
			? 4
			: fx->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)SO_PIN, 8) != CKR_OK	   ? 5
			: fx->C_InitPIN(s, (CK_UTF8CHAR_PTR)USER_PIN, 6) != CKR_OK	   ? 6
			: fx->C_Logout(s) != CKR_OK					   ? 7
			: fx->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)USER_PIN, 6) != CKR_OK ? 8
											   : 0;
		for (i = 0; i < n && !bad; i++)
			bad = fx_cert(s, certs[i], 0) != 0 ? 9 : 0;
		if (!bad && private_cert != NULL)
			bad = fx_cert(s, private_cert, 1) != 0 ? 10 : 0;
		if (!bad)
			(void)fx->C_Logout(s), (void)fx->C_CloseSession(s),
				(void)fx->C_Finalize(NULL);
		else
			fprintf(stderr, "token fixture failed at step %d\n", bad);
		_exit(bad ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr, "token fixture: status 0x%x\n", status);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static struct tpki ca, leaf, old, soon, other;

/* The test CA is named like CFCA's; the leaves are a clerk's certificates. */
static void pki(void)
{
	int64_t now = (int64_t)time(NULL);
	static int made;

	if (made++)
		return;
	T_CHECK(tpki_make(&ca, NULL, "CFCA TEST OCA1", 1, TPKI_2019, TPKI_2045, NULL) == 0);
	T_CHECK(tpki_make(&leaf, &ca, "Clerk Zhang 张会计", 0, now - DAY, now + 365 * DAY, NULL) ==
		0);
	T_CHECK(tpki_make(&old, &ca, "Clerk Old", 0, TPKI_2020, TPKI_2021, NULL) == 0);
	T_CHECK(tpki_make(&soon, &ca, "Clerk Soon", 0, now - DAY, now + 10 * DAY + 3600, NULL) ==
		0);
	T_CHECK(tpki_make(&other, NULL, "private object", 0, now - DAY, now + 365 * DAY, NULL) ==
		0);
}

static struct zh_ukey_def def_for(const char *module)
{
	static char *issuers[] = {"CFCA"};
	struct zh_ukey_def d;

	memset(&d, 0, sizeof(d));
	d.modules[0] = d.module = (char *)module;
	d.nmodules = 1;
	d.component = "cj-ukey-control";
	d.issuers[0] = issuers[0];
	d.nissuers = 1;
	return d;
}

/* Probe through the spy with a fresh log; the log's text into log (size n). */
static void probe(const struct zh_ukey_def *d, struct zh_ukey_state *st, char *log, size_t n)
{
	char path[512];
	struct zh_err err;
	FILE *f;
	size_t got;

	snprintf(path, sizeof(path), "%s/spy.log", zh_test_dir());
	(void)unlink(path);
	T_CHECK(setenv("P11SPY_LOG", path, 1) == 0);
	zh_err_init(&err);
	T_EQ_INT(zh_ukey_probe(d, (int64_t)time(NULL), st, &err), 0);
	log[0] = '\0';
	if ((f = fopen(path, "r")) != NULL) {
		got = fread(log, 1, n - 1, f);
		log[got] = '\0';
		fclose(f);
	}
	/* Reading never logs in, never asks for a PIN, never calls anything else. */
	T_CHECK(strstr(log, "FORBIDDEN") == NULL);
	T_CHECK(strstr(log, "C_Login") == NULL);
}

static void t_cfca_certificate(void)
{
	struct zh_ukey_def d = def_for(need("ZH_P11SPY"));
	X509 *certs[1];
	const struct zh_p11_cert *best;
	const struct zh_p11_token *t;
	struct zh_ukey_state st;
	char log[4096], serial[64];
	BIGNUM *bn;
	char *hex;

	pki();
	certs[0] = leaf.x;
	hsm_fresh("cfca");
	T_EQ_INT(make_token("CJ UKEY 01", certs, 1, other.x), 0);
	probe(&d, &st, log, sizeof(log));
	T_CHECK(strstr(log, "C_GetSlotList") != NULL && strstr(log, "C_GetAttributeValue") != NULL);
	T_EQ_STR(st.module_path, need("ZH_P11SPY"));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "present");
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "ok");
	t = zh_ukey_token(&st);
	T_CHECK(t != NULL);
	if (t == NULL || best == NULL)
		goto out;
	T_EQ_STR(t->label, "CJ UKEY 01");
	T_EQ_STR(t->manufacturer, "SoftHSM project");
	T_CHECK(t->initialized);
	/* The private certificate object stays invisible without a login. */
	T_EQ_INT(t->ncerts, 1);
	T_EQ_STR(best->subject, "CN = Clerk Zhang 张会计");
	T_EQ_STR(best->issuer, "CN = CFCA TEST OCA1");
	T_CHECK(zh_ukey_issuer_matches(&d, best->issuer));
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf.x), NULL);
	hex = BN_bn2hex(bn);
	snprintf(serial, sizeof(serial), "%s", hex);
	for (char *p = serial; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	T_EQ_STR(best->serial, serial);
	OPENSSL_free(hex);
	BN_free(bn);
	T_CHECK(zh_days_left(best->not_after, st.now) >= 364 &&
		zh_days_left(best->not_after, st.now) <= 365);
out:
	zh_ukey_release(&st);
}

static void t_expired_and_expiring(void)
{
	struct zh_ukey_def d = def_for(need("ZH_P11SPY"));
	X509 *expired[1], *both[2];
	const struct zh_p11_cert *best;
	struct zh_ukey_state st;
	char log[4096];

	pki();
	expired[0] = both[0] = old.x;
	both[1] = soon.x;
	hsm_fresh("expired");
	T_EQ_INT(make_token("CJ UKEY 02", expired, 1, NULL), 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "expired");
	T_CHECK(best != NULL && strcmp(best->subject, "CN = Clerk Old") == 0);
	zh_ukey_release(&st);

	/* An expired one and one ending in ten days: the better one is judged, with a warning. */
	hsm_fresh("expiring");
	T_EQ_INT(make_token("CJ UKEY 03", both, 2, NULL), 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "expiring");
	T_CHECK(best != NULL && strcmp(best->subject, "CN = Clerk Soon") == 0);
	T_EQ_INT(best != NULL ? zh_days_left(best->not_after, st.now) : -1, 10);
	T_EQ_INT(zh_ukey_token(&st) != NULL ? zh_ukey_token(&st)->ncerts : 0, 2);
	zh_ukey_release(&st);
}

static void t_no_certificate_and_no_token(void)
{
	struct zh_ukey_def d = def_for(need("ZH_P11SPY"));
	const struct zh_p11_cert *best;
	struct zh_ukey_state st;
	char log[4096];

	hsm_fresh("nocert");
	T_EQ_INT(make_token("CJ UKEY 04", NULL, 0, NULL), 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "present");
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "no_certificate");
	zh_ukey_release(&st);

	/* Only SoftHSM's blank slot: a reader with no key in it. */
	hsm_fresh("notoken");
	probe(&d, &st, log, sizeof(log));
	T_CHECK(st.p11.ntokens >= 1 && !st.p11.tokens[0].initialized);
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "no_token");
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "no_key");
	zh_ukey_release(&st);
}

static void t_missing_module(void)
{
	struct zh_ukey_def d = def_for("/nonexistent/zhushou/cjp11.so");
	struct zh_ukey_state st;
	char log[4096];
	X509 *certs[1];

	pki();
	certs[0] = leaf.x;
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "no_module");
	T_CHECK(st.module_path == NULL);
	zh_ukey_release(&st);
	/* The catalog's paths by vendor version: the first that exists is read. */
	d.modules[1] = (char *)need("ZH_P11SPY");
	d.nmodules = 2;
	hsm_fresh("second");
	T_EQ_INT(make_token("CJ UKEY 05", certs, 1, NULL), 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(st.module_path, need("ZH_P11SPY"));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "present");
	zh_ukey_release(&st);
}

static void t_module_errors(void)
{
	struct zh_ukey_def d = def_for(need("ZH_P11SPY"));
	const struct zh_p11_cert *best;
	struct zh_ukey_state st;
	char log[4096], conf[512];
	X509 *certs[1];

	pki();
	certs[0] = leaf.x;
	hsm_fresh("errors");
	T_EQ_INT(make_token("CJ UKEY 06", certs, 1, NULL), 0);
	T_CHECK(setenv("P11SPY_FAIL", "C_GetSlotList", 1) == 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "module_failed");
	T_EQ_STR(st.p11.why, "C_GetSlotList: CKR_DEVICE_ERROR");
	zh_ukey_release(&st);
	/* A key the module cannot open: there, but its certificates unreadable. */
	T_CHECK(setenv("P11SPY_FAIL", "C_OpenSession", 1) == 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "present");
	T_EQ_STR(zh_ukey_certs_name(zh_ukey_certs(&st, &best)), "unreadable");
	T_EQ_STR(zh_ukey_token(&st)->failed, "C_OpenSession");
	T_EQ_INT(zh_ukey_token(&st)->ckr, CKR_DEVICE_ERROR);
	zh_ukey_release(&st);
	T_CHECK(unsetenv("P11SPY_FAIL") == 0);
	/* SoftHSM itself failing: its configuration names no token folder. */
	snprintf(conf, sizeof(conf), "%s/broken.conf", zh_test_dir());
	T_EQ_INT(zh_test_write("broken.conf", "directories.tokendir = /nonexistent/zhushou\n", 44),
		0);
	T_CHECK(setenv("SOFTHSM2_CONF", conf, 1) == 0);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "module_failed");
	T_CHECK(st.p11.why != NULL && strncmp(st.p11.why, "C_Initialize: ", 14) == 0);
	zh_ukey_release(&st);
	/* A file that is no library at all, and a library that is no PKCS#11 module. */
	T_EQ_INT(zh_test_write("cjp11.so", "MZ not a module", 15), 0);
	snprintf(conf, sizeof(conf), "%s/cjp11.so", zh_test_dir());
	d = def_for(conf);
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(zh_ukey_presence_name(zh_ukey_presence(&st)), "module_failed");
	T_EQ_STR(st.p11.failed, "LoadLibrary");
	zh_ukey_release(&st);
	d = def_for("/lib/x86_64-linux-gnu/libz.so.1");
	probe(&d, &st, log, sizeof(log));
	T_EQ_STR(st.p11.failed, "C_GetFunctionList");
	zh_ukey_release(&st);
}

/* Run zhushou-native check --json on catalog: stdout into out, stderr into err. */
static int run_check(const char *catalog, char *out, size_t n, char *err, size_t en)
{
	char cmd[2048];
	FILE *p;
	size_t got;
	int status;

	snprintf(cmd, sizeof(cmd),
		"ZHUSHOU_DATA='%s/data' '%s' check --json --lang zh --catalog '%s' 2>'%s/err.txt'",
		zh_test_dir(), need("ZH_CLI"), catalog, zh_test_dir());
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	got = fread(out, 1, n - 1, p);
	out[got] = '\0';
	status = pclose(p);
	err[0] = '\0';
	if ((p = fopen("err.txt", "r")) != NULL) {
		got = fread(err, 1, en - 1, p);
		err[got] = '\0';
		fclose(p);
	}
	return status;
}

static const char *jstr(const cJSON *o, const char *path)
{
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && o != NULL;
		tok = strtok_r(NULL, ".", &save))
		o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(tok))
				     : cJSON_GetObjectItemCaseSensitive(o, tok);
	return cJSON_IsString(o) ? o->valuestring : cJSON_IsTrue(o) ? "true" : NULL;
}

static const char *check_status(const cJSON *root, const char *id)
{
	const cJSON *c;

	cJSON_ArrayForEach(c,
		cJSON_GetObjectItemCaseSensitive(root,
			"checks")) if (strcmp(jstr(c, "id") != NULL ? jstr(c, "id") : "", id) ==
		0) return jstr(c, "status");
	return NULL;
}

/* Through the command line: the report names the certificate's fields and never a PIN. */
static void t_cli_report(void)
{
	char cmd[2048], out[1 << 16], err[1 << 14], catalog[512];
	X509 *certs[1];
	cJSON *root;

	pki();
	certs[0] = leaf.x;
	hsm_fresh("cli");
	T_EQ_INT(make_token("CJ UKEY 07", certs, 1, other.x), 0);
	snprintf(catalog, sizeof(catalog), "%s/catalog.json", zh_test_dir());
	snprintf(cmd, sizeof(cmd),
		"python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); "
		"c[\"ukey\"][\"pkcs11_module\"]=sys.argv[2]; "
		"json.dump(c, open(sys.argv[3], \"w\"))' '%s' '%s' '%s'",
		need("ZH_CATALOG"), need("ZH_P11SPY"), catalog);
	T_EQ_INT(system(cmd), 0);
	T_CHECK(mkdir("data", 0700) == 0);
	T_CHECK(run_check(catalog, out, sizeof(out), err, sizeof(err)) != -1);
	root = cJSON_Parse(out);
	T_CHECK(root != NULL);
	T_EQ_STR(check_status(root, "ukey"), "ok");
	T_EQ_STR(check_status(root, "ukey-certificate"), "ok");
	T_EQ_STR(jstr(root, "ukey.state"), "present");
	T_EQ_STR(jstr(root, "ukey.certificate_state"), "ok");
	T_EQ_STR(jstr(root, "ukey.tokens.0.label"), "CJ UKEY 07");
	T_EQ_STR(jstr(root, "ukey.tokens.0.certificates.0.subject"), "CN = Clerk Zhang 张会计");
	T_EQ_STR(jstr(root, "ukey.tokens.0.certificates.0.issuer"), "CN = CFCA TEST OCA1");
	T_EQ_STR(jstr(root, "ukey.tokens.0.certificates.0.expected_issuer"), "true");
	T_EQ_STR(jstr(root, "ukey.tokens.0.certificates.0.validity"), "valid");
	T_CHECK(jstr(root, "ukey.tokens.0.certificates.1.subject") == NULL);
	cJSON_Delete(root);
	/* Neither the user's PIN nor the SO PIN, in anything zhushou wrote or printed. */
	T_CHECK(strstr(out, USER_PIN) == NULL && strstr(err, USER_PIN) == NULL);
	T_CHECK(strstr(out, SO_PIN) == NULL && strstr(err, SO_PIN) == NULL);
	/* The data folder holds the run's daily log: it names the run, never a PIN. */
	snprintf(cmd, sizeof(cmd),
		"grep -q 'INFO check: start: zhushou check' '%s'/data/logs/*.log", zh_test_dir());
	T_EQ_INT(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "! grep -r -a -q -e '%s' -e '%s' '%s/data'", USER_PIN, SO_PIN,
		zh_test_dir());
	T_EQ_INT(system(cmd), 0);
	if (zh_test_failed)
		fprintf(stderr, "%s\n%s\n", out, err);
}

/* Validity and days left at the edges; issuer words without case. */
static void t_validity(void)
{
	const int64_t now = 1800000000;
	struct zh_ukey_def d = def_for("/x");

	T_EQ_INT(zh_cert_validity(now - DAY, now + 31 * DAY, now), ZH_CERT_VALID);
	T_EQ_INT(zh_cert_validity(now - DAY, now + 30 * DAY, now), ZH_CERT_EXPIRING);
	T_EQ_INT(zh_cert_validity(now - DAY, now, now), ZH_CERT_EXPIRING);
	T_EQ_INT(zh_cert_validity(now - DAY, now - 1, now), ZH_CERT_EXPIRED);
	T_EQ_INT(zh_cert_validity(now + 1, now + DAY, now), ZH_CERT_NOT_YET_VALID);
	T_EQ_INT(zh_days_left(now + 10 * DAY + 3600, now), 10);
	T_EQ_INT(zh_days_left(now, now), 0);
	T_EQ_INT(zh_days_left(now - 1, now), -1);
	T_EQ_INT(zh_days_left(now - DAY - 1, now), -2);
	T_CHECK(zh_ukey_issuer_matches(&d, "O = China Financial, CN = cfca OCA1"));
	T_CHECK(!zh_ukey_issuer_matches(&d, "CN = CFC"));
	T_CHECK(!zh_ukey_issuer_matches(&d, NULL));
}

ZH_TESTS(ZH_TEST_ENTRY(t_validity), ZH_TEST_ENTRY(t_cfca_certificate),
	ZH_TEST_ENTRY(t_expired_and_expiring), ZH_TEST_ENTRY(t_no_certificate_and_no_token),
	ZH_TEST_ENTRY(t_missing_module), ZH_TEST_ENTRY(t_module_errors),
	ZH_TEST_ENTRY(t_cli_report))
