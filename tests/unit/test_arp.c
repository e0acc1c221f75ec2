/* SPDX-License-Identifier: MIT */
/* Matching rules for Add/Remove Programs entries, and uninstall command parsing. */
#include "../harness/zh_test.h"
#include "../../src/core/arp.h"
#include "../../src/core/check.h"
#include "../../src/core/mem.h"
#include "../../src/core/text.h"

static struct zh_catalog *load(void)
{
	struct zh_catalog *cat = NULL;

	if (zh_catalog_parse(zh_builtin_catalog, zh_builtin_catalog_len, zh_probe_names, &cat,
		    NULL) != 0)
		return NULL;
	return cat;
}

/* Does any catalog entry match these registry values? Returns its id or NULL. */
static const char *match(const struct zh_catalog *cat, const char *name, const char *ver,
	const char *pub)
{
	char *n = NULL;
	const char *id = NULL;
	size_t i;

	if (zh_text_normalize(name, &n, NULL) != 0)
		return NULL;
	for (i = 0; i < cat->nlegacy && id == NULL; i++)
		if (zh_arp_matches(&cat->legacy[i], n, ver, pub))
			id = cat->legacy[i].id;
	zh_free(n);
	return id;
}

static void t_exact_names(void)
{
	struct zh_catalog *cat = load();

	T_CHECK(cat != NULL);
	if (cat == NULL)
		return;
	T_EQ_STR(match(cat, "长江UKey控件 2.00", "2.00", "CJPension"), "cj-ukey-control-2.00");
	T_EQ_STR(match(cat, "ePass3003 (仅用做移除)", NULL, NULL), "epass3003");
	T_EQ_STR(match(cat, "ePass3003 （仅用做移除）", NULL, NULL), "epass3003");
	T_EQ_STR(match(cat, "CHANGJIANG UKey用户管理工具 V1.0.0.2", "1.0.0.2", "CHANGJIANG"),
		"cj-ukey-manager-1.0.0.2");
	T_EQ_STR(match(cat, "CertEnrollmentHost.ChangJiang (仅用做移除)", NULL, NULL),
		"certenrollmenthost-changjiang");
	/* Look-alikes from other vendors never match. */
	T_CHECK(match(cat, "长江证券UKey控件 2.00", "2.00", "CJPension") == NULL);
	T_CHECK(match(cat, "长江UKey控件 2.00 Lite", "2.00", "CJPension") == NULL);
	T_CHECK(match(cat, "CFCA CryptoKit.Standard", NULL, "CFCA") == NULL);
	T_CHECK(match(cat, "ePass2003", NULL, NULL) == NULL);
	T_CHECK(match(cat, "工商银行网银助手", NULL, NULL) == NULL);
	T_CHECK(match(cat, "ePass3003", NULL, NULL) == NULL);
	/* The catalog knows the publisher: another (or none) is not the same product. */
	T_CHECK(match(cat, "长江UKey控件 2.00", "2.00", "Changjiang Securities") == NULL);
	T_CHECK(match(cat, "长江UKey控件 2.00", "2.00", NULL) == NULL);
	zh_catalog_free(cat);
}

static void t_version_constraint(void)
{
	struct zh_legacy_def d = {"x", "Old Widget", "old widget", NULL, NULL, ">=1.0,<2", NULL, 0};

	T_CHECK(zh_arp_matches(&d, "old widget", "1.5", NULL));
	T_CHECK(!zh_arp_matches(&d, "old widget", "2.0", NULL));
	T_CHECK(!zh_arp_matches(&d, "old widget", NULL, NULL));
	T_CHECK(!zh_arp_matches(&d, "old widget 2", "1.5", NULL));
}

static void t_uninstaller_path(void)
{
	static const struct {
		const char *cmd, *want;
	} cases[] = {
		{"\"C:\\Program Files (x86)\\CJ\\uninst.exe\" /S",
			"C:\\Program Files (x86)\\CJ\\uninst.exe"},
		{"C:\\Program Files (x86)\\CJ\\uninst.exe /S",
			"C:\\Program Files (x86)\\CJ\\uninst.exe"},
		{"  C:\\Apps\\unins000.exe", "C:\\Apps\\unins000.exe"},
		{"MsiExec.exe /X{11111111-2222-3333-4444-555555555555}", "MsiExec.exe"},
		{"\"C:\\no end quote\\u.exe", "C:\\no end quote\\u.exe"},
		{"%ProgramFiles%\\X\\Uninstall.EXE /quiet", "%ProgramFiles%\\X\\Uninstall.EXE"},
		{"rundll32 setupapi.dll,InstallHinfSection", "rundll32"},
	};
	size_t i;
	char *p = NULL;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_EQ_INT(zh_arp_uninstaller_path(cases[i].cmd, &p, NULL), 0);
		T_EQ_STR(p, cases[i].want);
		zh_free(p);
		p = NULL;
	}
	T_EQ_INT(zh_arp_uninstaller_path("   ", &p, NULL), 0);
	T_CHECK(p == NULL);
	T_EQ_INT(zh_arp_uninstaller_path("\"\"", &p, NULL), 0);
	T_CHECK(p == NULL);
}

ZH_TESTS(ZH_TEST_ENTRY(t_exact_names), ZH_TEST_ENTRY(t_version_constraint),
	ZH_TEST_ENTRY(t_uninstaller_path))
