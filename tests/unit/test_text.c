/* SPDX-License-Identifier: MIT */
/* Display-name normalization: what it folds, and the look-alikes it must keep apart. */
#include "../harness/zh_test.h"
#include "../../src/core/mem.h"
#include "../../src/core/text.h"

static char *norm(const char *s)
{
	char *r = NULL;

	if (zh_text_normalize(s, &r, NULL) != 0)
		return NULL;
	return r;
}

static void t_folds(void)
{
	char *a = norm("  ePass3003  （仅用做移除）"), *b = norm("epass3003 (仅用做移除)");

	/* Full-width parentheses (U+FF08/U+FF09) and the ideographic space fold. */
	T_EQ_STR(a, b);
	zh_free(a);
	zh_free(b);
	a = norm("ＣＨＡＮＧＪＩＡＮＧ　UKey用户管理工具  V1.0.0.1 ");
	b = norm("changjiang ukey用户管理工具 v1.0.0.1");
	T_EQ_STR(a, b);
	zh_free(a);
	zh_free(b);
	a = norm("ePass3003\t(仅用做移除)");
	b = norm("EPASS3003 (仅用做移除)");
	T_EQ_STR(a, b);
	zh_free(a);
	zh_free(b);
}

static void t_lookalikes_differ(void)
{
	const char *pairs[][2] = {
		{"长江UKey控件 2.00", "长江证券UKey控件 2.00"},
		{"长江UKey控件 2.00", "长江UKey控件 2.00 Lite"},
		{"ePass3003 (仅用做移除)", "ePass2003"},
		{"CryptoKit.CertEnrollment.Pro (仅用做移除)", "CFCA CryptoKit.Standard"},
		{"长江养老数字签名控件 v1.0.0.58", "长江养老数字签名控件 v1.0.0.59"},
	};
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char *a = norm(pairs[i][0]), *b = norm(pairs[i][1]);

		T_CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
		zh_free(a);
		zh_free(b);
	}
}

static void t_utf8(void)
{
	struct zh_err err;
	char *r = NULL;

	T_CHECK(zh_utf8_valid("长江", strlen("长江")));
	T_CHECK(!zh_utf8_valid("\xC0\x80", 2)); /* overlong NUL */
	T_CHECK(!zh_utf8_valid("\xED\xA0\x80", 3)); /* a surrogate */
	T_CHECK(!zh_utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
	T_CHECK(!zh_utf8_valid("\xE9\x95", 2)); /* truncated */
	zh_err_init(&err);
	T_EQ_INT(zh_text_normalize("bad \xFF name", &r, &err), ZH_EPARSE);
	T_CHECK(r == NULL);
}

static void t_list(void)
{
	T_CHECK(zh_list_has("172.30.*;192.168.*;127.0.0.1; powerservice.csii.com.cn", ';',
		"powerservice.csii.com.cn"));
	T_CHECK(zh_list_has("<local>;POWERSERVICE.csii.com.cn", ';', "powerservice.csii.com.cn"));
	T_CHECK(!zh_list_has("powerservice.csii.com.cn.evil;x", ';', "powerservice.csii.com.cn"));
	T_CHECK(!zh_list_has("", ';', "a"));
	T_CHECK(!zh_list_has(";;", ';', "a"));
}

static void t_alloc_failure(void)
{
	char *r = NULL;
	struct zh_err err;

	zh_err_init(&err);
	zh_mem_fail_after(0);
	T_EQ_INT(zh_text_normalize("长江UKey控件 2.00", &r, &err), ZH_ENOMEM);
	zh_mem_fail_after(-1);
	T_CHECK(r == NULL);
}

ZH_TESTS(ZH_TEST_ENTRY(t_folds), ZH_TEST_ENTRY(t_lookalikes_differ), ZH_TEST_ENTRY(t_utf8),
	ZH_TEST_ENTRY(t_list), ZH_TEST_ENTRY(t_alloc_failure))
