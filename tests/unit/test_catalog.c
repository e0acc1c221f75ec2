/* SPDX-License-Identifier: MIT */
/*
 * The catalog loader: the built-in Changjiang catalog loads, a second tiny profile loads the
 * same way (nothing profile-specific is in C), and every kind of broken catalog is refused
 * with a message naming the field.
 */
#include "../harness/zh_test.h"
#include "../../src/core/catalog.h"
#include "../../src/core/check.h"
#include "../../src/core/mem.h"

static void t_builtin(void)
{
	struct zh_catalog *cat = NULL;
	struct zh_err err;
	size_t i;

	zh_err_init(&err);
	T_EQ_INT(zh_catalog_parse(zh_builtin_catalog, zh_builtin_catalog_len, zh_probe_names, &cat,
			 &err),
		0);
	if (cat == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	T_EQ_STR(cat->profile_id, "changjiang");
	T_EQ_INT(cat->nlegacy, 9);
	T_EQ_STR(cat->legacy[0].display_name, "长江UKey控件 2.00");
	T_EQ_STR(cat->legacy[0].publisher, "CJPension");
	T_EQ_INT(cat->legacy[0].nowns, 1);
	T_EQ_STR(cat->legacy[0].owns[0], "Software\\CJPension\\UKeyCtrl");
	T_EQ_INT(cat->nsites, 2);
	T_EQ_STR(cat->sites[0].domain, "cj-pension.com.cn");
	T_EQ_STR(cat->sites[0].scheme, "https");
	T_EQ_STR(cat->sites[1].scheme, "http");
	T_EQ_INT(cat->nbypass, 1);
	T_EQ_STR(cat->bypass[0], "powerservice.csii.com.cn");
	T_EQ_INT(cat->proto_require, ZH_PROTO_TLS12);
	T_EQ_INT(cat->ncomponents, 4);
	T_EQ_STR(cat->components[0].id, "cj-ukey-control");
	T_EQ_INT(cat->nservices, 1);
	T_EQ_STR(cat->services[0].host, "powerservice.csii.com.cn");
	T_EQ_STR(cat->services[0].address, "127.0.0.1");
	T_EQ_INT(cat->services[0].port, 50876);
	T_EQ_STR(cat->services[0].component, "cj-ukey-control");
	T_EQ_INT(cat->ukey.nmodules, 2);
	T_EQ_STR(cat->ukey.module, "%ProgramFiles%\\CJPension\\UKeyControl\\cjp11.dll");
	T_EQ_STR(cat->ukey.modules[1], "%SystemRoot%\\System32\\cjp11.dll");
	T_EQ_STR(cat->ukey.cdrom_label, "CJUKEY");
	T_EQ_INT(cat->ukey.nissuers, 2);
	T_EQ_STR(cat->ukey.issuers[0], "CFCA");
	T_EQ_INT(cat->ukey.nproviders, 1);
	T_CHECK(cat->nchecks >= 4);
	for (i = 0; i < cat->nchecks; i++) {
		T_CHECK(cat->checks[i].title.zh[0] != '\0' && cat->checks[i].title.en[0] != '\0');
		T_CHECK(cat->checks[i].advice.zh[0] != '\0' && cat->checks[i].advice.en[0] != '\0');
	}
	zh_catalog_free(cat);
}

static const char tiny[] =
	"{\"schema\":1,\"profile\":{\"id\":\"tiny\",\"name\":{\"zh\":\"小\","
	"\"en\":\"Tiny\"},\"catalog_version\":\"1\"},"
	"\"legacy\":[{\"id\":\"old\",\"display_name\":\"Old Widget\","
	"\"version\":\">=1.0,<2\"}],"
	"\"checks\":[{\"id\":\"old\",\"probe\":\"legacy\",\"severity\":\"warning\","
	"\"title\":{\"zh\":\"旧\",\"en\":\"Old\"},"
	"\"advice\":{\"zh\":\"删\",\"en\":\"Remove\"}}]}";

static void t_second_profile(void)
{
	struct zh_catalog *cat = NULL;
	struct zh_err err;

	zh_err_init(&err);
	T_EQ_INT(zh_catalog_parse(tiny, sizeof(tiny) - 1, zh_probe_names, &cat, &err), 0);
	if (cat == NULL)
		return;
	T_EQ_STR(cat->profile_id, "tiny");
	T_EQ_INT(cat->nlegacy, 1);
	T_EQ_STR(cat->legacy[0].norm_name, "old widget");
	T_EQ_INT(cat->nsites, 0);
	T_EQ_INT(cat->checks[0].severity, ZH_SEV_WARNING);
	zh_catalog_free(cat);
}

/* Replace the first occurrence of from in the tiny catalog with to. */
static char *mutate(const char *from, const char *to)
{
	const char *at = strstr(tiny, from);
	size_t lf = strlen(from), lt = strlen(to), n = sizeof(tiny) - 1;
	char *out;

	if (at == NULL)
		return NULL;
	out = zh_malloc(n - lf + lt + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, tiny, (size_t)(at - tiny));
	memcpy(out + (at - tiny), to, lt);
	memcpy(out + (at - tiny) + lt, at + lf, n - (size_t)(at - tiny) - lf + 1);
	return out;
}

#define COMP                                                                                       \
	"\"components\":[{\"id\":\"c\",\"version\":\"1\",\"name\":{\"zh\":\"c\",\"en\":\"c\"}}],"
#define UKEY(fields) "\"ukey\":{\"component\":\"c\"," fields "},"
#define SVC(comp, port, addr)                                                                      \
	"\"local_services\":[{\"host\":\"svc.example\",\"address\":\"" addr "\",\"port\":" port    \
	",\"component\":" comp ",\"name\":{\"zh\":\"s\",\"en\":\"s\"}}],"

static void t_broken(void)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{"\"schema\":1", "\"schema\":2", "schema"},
		{"\"schema\":1", "\"schema\":\"1\"", "schema"},
		{"\"id\":\"tiny\"", "\"id\":\"Tiny Profile\"", "profile.id"},
		{"\"display_name\":\"Old Widget\",", "", "legacy[0].display_name"},
		{"\"display_name\":\"Old Widget\"", "\"display_name\":42",
			"legacy[0].display_name"},
		{"\"display_name\":\"Old Widget\"", "\"display_name\":\"\"",
			"legacy[0].display_name"},
		{"\"version\":\">=1.0,<2\"", "\"version\":\">=\"", "legacy[0].version"},
		{"\"probe\":\"legacy\"", "\"probe\":\"format_c\"", "checks[0].probe"},
		{"\"severity\":\"warning\"", "\"severity\":\"fatal\"", "checks[0].severity"},
		{"\"title\":{\"zh\":\"旧\",\"en\":\"Old\"}", "\"title\":{\"zh\":\"旧\"}",
			"checks[0].title.en"},
		{"\"legacy\":[", "\"legacy\":{\"a\":[", "not valid JSON"},
		{"\"legacy\":[{", "\"legacy\":[7,{", "legacy[0]"},
		{"\"version\":\">=1.0,<2\"", "\"version\":\"*\",\"owns\":[\"System\\\\X\"]",
			"legacy[0].owns"},
		{"\"version\":\">=1.0,<2\"", "\"version\":\"*\",\"owns\":\"Software\\\\X\"",
			"legacy[0].owns"},
		{"\"version\":\">=1.0,<2\"", "\"version\":\"*\",\"owns\":[\"Software\\\\X\\\\\"]",
			"legacy[0].owns"},
		/* cJSON refuses escaped lone surrogates, and passes raw bad bytes to us. */
		{"Old Widget", "Old \\udc00 Widget", "not valid JSON"},
		{"Old Widget", "Old \xff Widget", "display_name': not valid UTF-8"},
		{"\"checks\":[{\"id\":\"old\"", "\"checks\":[{\"id\":\"o\"},{\"id\":\"old\"",
			"checks[0]"},
		/* Local services: a port, an address, and a component of the catalog's own. */
		{"\"checks\":", SVC("\"x\"", "50876", "127.0.0.1") "\"checks\":",
			"local_services[0].component"},
		{"\"checks\":", COMP SVC("\"c\"", "0", "127.0.0.1") "\"checks\":",
			"local_services[0].port"},
		{"\"checks\":", COMP SVC("\"c\"", "65536", "127.0.0.1") "\"checks\":",
			"local_services[0].port"},
		{"\"checks\":", COMP SVC("\"c\"", "\"443\"", "127.0.0.1") "\"checks\":",
			"local_services[0].port"},
		{"\"checks\":", COMP SVC("\"c\"", "443", "127.0.0.1;rm") "\"checks\":",
			"local_services[0].address"},
		/* The UKEY: full module paths (a bare name would be searched for), a short label.
		 */
		{"\"checks\":", COMP UKEY("\"pkcs11_module\":\"cjp11.dll\"") "\"checks\":",
			"ukey.pkcs11_module"},
		{"\"checks\":", COMP UKEY("\"pkcs11_module\":[]") "\"checks\":",
			"ukey.pkcs11_module"},
		{"\"checks\":", COMP UKEY("\"pkcs11_module\":[\"C:\\\\a.dll\",7]") "\"checks\":",
			"ukey.pkcs11_module"},
		{"\"checks\":",
			COMP UKEY("\"pkcs11_module\":[\"C:\\\\a\\\\..\\\\b.dll\"]") "\"checks\":",
			"ukey.pkcs11_module"},
		{"\"checks\":",
			COMP UKEY("\"pkcs11_module\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
				  "\"8\",\"9\"]") "\"checks\":",
			"ukey.pkcs11_module"},
		{"\"checks\":",
			COMP UKEY("\"pkcs11_module\":\"C:\\\\a.dll\",\"cdrom_label\":"
				  "\"0123456789012345678901234567890123\"") "\"checks\":",
			"ukey.cdrom_label"},
		{"\"checks\":",
			COMP UKEY("\"pkcs11_module\":\"C:\\\\a.dll\",\"issuer\":{}") "\"checks\":",
			"ukey.issuer"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zh_catalog *cat = NULL;
		struct zh_err err;
		char *j = mutate(cases[i].from, cases[i].to);

		T_CHECK(j != NULL);
		if (j == NULL)
			continue;
		zh_err_init(&err);
		T_EQ_INT(zh_catalog_parse(j, strlen(j), zh_probe_names, &cat, &err), ZH_ECATALOG);
		T_CHECK(cat == NULL);
		if (strstr(err.msg, cases[i].want) == NULL) {
			fprintf(stderr, "case %zu: message '%s' does not name '%s'\n", i, err.msg,
				cases[i].want);
			zh_test_failed = 1;
		}
		zh_free(j);
	}
}

static void t_too_big(void)
{
	struct zh_catalog *cat = NULL;
	struct zh_err err;

	zh_err_init(&err);
	T_EQ_INT(zh_catalog_parse(tiny, ZH_MAX_CATALOG_BYTES + 1, zh_probe_names, &cat, &err),
		ZH_ETOOBIG);
}

/* Every allocation in the loader may fail: each failure is a clean ZH_ENOMEM. */
static void t_alloc_sweep(void)
{
	long n;
	int done = 0;

	for (n = 0; n < 10000 && !done; n++) {
		struct zh_catalog *cat = NULL;
		struct zh_err err;
		int rc;

		zh_err_init(&err);
		zh_mem_fail_after(n);
		rc = zh_catalog_parse(zh_builtin_catalog, zh_builtin_catalog_len, zh_probe_names,
			&cat, &err);
		zh_mem_fail_after(-1);
		if (rc == 0) {
			done = 1;
			zh_catalog_free(cat);
		} else {
			T_EQ_INT(rc, ZH_ENOMEM);
			T_CHECK(cat == NULL);
		}
	}
	T_CHECK(done);
	T_CHECK(n > 50);
}

ZH_TESTS(ZH_TEST_ENTRY(t_builtin), ZH_TEST_ENTRY(t_second_profile), ZH_TEST_ENTRY(t_broken),
	ZH_TEST_ENTRY(t_too_big), ZH_TEST_ENTRY(t_alloc_sweep))
