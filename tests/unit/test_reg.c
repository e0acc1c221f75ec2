/* SPDX-License-Identifier: MIT */
/*
 * The registry seam. On Windows (Wine) it writes odd data under HKCU\Software\zhushou-test
 * and reads it back; on posix every call must say ZH_ENOTSUP, which the checks turn into
 * "skip".
 */
#include <stdint.h>

#include "../harness/zh_test.h"
#include "../../src/core/mem.h"
#include "../../src/sys/reg.h"

#define TEST_KEY "Software\\zhushou-test"

static int have_registry(void)
{
	struct sys_reg_key *k = NULL;
	struct zh_err err;
	int rc;

	zh_err_init(&err);
	rc = sys_reg_open(SYS_REG_HKCU, "Software", SYS_REG_VIEW_DEFAULT, 0, &k, &err);
	sys_reg_close(k);
	if (rc == ZH_ENOTSUP) {
		T_CHECK(strstr(err.msg, "registry") != NULL);
		return 0;
	}
	T_EQ_INT(rc, 0);
	return rc == 0;
}

static struct sys_reg_key *fresh_key(void)
{
	struct sys_reg_key *k = NULL;

	(void)sys_reg_delete_tree(SYS_REG_HKCU, TEST_KEY, SYS_REG_VIEW_DEFAULT, NULL);
	if (sys_reg_open(SYS_REG_HKCU, TEST_KEY, SYS_REG_VIEW_DEFAULT, SYS_REG_CREATE, &k, NULL) !=
		0)
		return NULL;
	return k;
}

static void t_roundtrip(void)
{
	struct sys_reg_key *k;
	char *s = NULL;
	uint32_t d = 0;
	enum sys_reg_type type;

	if (!have_registry())
		return;
	k = fresh_key();
	T_CHECK(k != NULL);
	if (k == NULL)
		return;
	T_EQ_INT(sys_reg_set_str(k, "名称", "长江UKey控件 2.00", 0, NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "名称", &s, &type, NULL), 0);
	T_EQ_STR(s, "长江UKey控件 2.00");
	T_EQ_INT(type, SYS_REG_SZ);
	sys_free(s);
	T_EQ_INT(sys_reg_set_dword(k, "n", 0x800, NULL), 0);
	T_EQ_INT(sys_reg_get_dword(k, "n", &d, NULL), 0);
	T_EQ_INT(d, 0x800);
	T_EQ_INT(sys_reg_get_str(k, "n", &s, NULL, NULL), ZH_EBADTYPE);
	T_EQ_INT(sys_reg_get_dword(k, "名称", &d, NULL), ZH_EBADTYPE);
	T_EQ_INT(sys_reg_get_str(k, "absent", &s, NULL, NULL), ZH_ENOENT);
	T_EQ_INT(sys_reg_delete_value(k, "n", NULL), 0);
	T_EQ_INT(sys_reg_delete_value(k, "n", NULL), ZH_ENOENT);
	sys_reg_close(k);
	T_EQ_INT(sys_reg_delete_tree(SYS_REG_HKCU, TEST_KEY, SYS_REG_VIEW_DEFAULT, NULL), 0);
	T_EQ_INT(sys_reg_delete_tree(SYS_REG_HKCU, TEST_KEY, SYS_REG_VIEW_DEFAULT, NULL),
		ZH_ENOENT);
}

static void t_odd_strings(void)
{
	/* "A", an unpaired high surrogate, "B", an unpaired low surrogate; no terminator. */
	static const uint16_t bad[] = {0x41, 0xD800, 0x42, 0xDC00};
	/* A string whose data has no NUL and one that holds text after the NUL. */
	static const uint16_t after[] = {0x43, 0, 0x44, 0};
	struct sys_reg_key *k;
	uint16_t *big = NULL;
	char *s = NULL;
	size_t i, n = 32 * 1024;

	if (!have_registry())
		return;
	k = fresh_key();
	T_CHECK(k != NULL);
	if (k == NULL)
		return;
	T_EQ_INT(sys_reg_set_raw(k, "bad", SYS_REG_SZ, bad, sizeof(bad), NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "bad", &s, NULL, NULL), 0);
	T_EQ_STR(s,
		"A\xEF\xBF\xBD"
		"B\xEF\xBF\xBD");
	sys_free(s);
	T_EQ_INT(sys_reg_set_raw(k, "after", SYS_REG_SZ, after, sizeof(after), NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "after", &s, NULL, NULL), 0);
	T_EQ_STR(s, "C");
	sys_free(s);
	T_EQ_INT(sys_reg_set_raw(k, "empty", SYS_REG_SZ, NULL, 0, NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "empty", &s, NULL, NULL), 0);
	T_EQ_STR(s, "");
	sys_free(s);
	big = zh_malloc(n * 2);
	T_CHECK(big != NULL);
	if (big != NULL) {
		for (i = 0; i < n - 1; i++)
			big[i] = 0x957F; /* 长 */
		big[n - 1] = 0;
		T_EQ_INT(sys_reg_set_raw(k, "big", SYS_REG_SZ, big, n * 2, NULL), 0);
		T_EQ_INT(sys_reg_get_str(k, "big", &s, NULL, NULL), 0);
		T_EQ_INT(s != NULL ? strlen(s) : 0, (n - 1) * 3);
		sys_free(s);
		zh_free(big);
	}
	T_EQ_INT(sys_reg_set_raw(k, "bin", SYS_REG_BINARY, "\x01\x02", 2, NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "bin", &s, NULL, NULL), ZH_EBADTYPE);
	sys_reg_close(k);
	(void)sys_reg_delete_tree(SYS_REG_HKCU, TEST_KEY, SYS_REG_VIEW_DEFAULT, NULL);
}

static void t_views(void)
{
	struct sys_reg_key *k = NULL;
	char *s = NULL;
	const char *p = "Software\\zhushou-view-test";

	if (!have_registry())
		return;
	/* HKLM\Software is split by WOW64: a value written in the 32-bit view is not in 64. */
	(void)sys_reg_delete_tree(SYS_REG_HKLM, p, SYS_REG_VIEW_32, NULL);
	(void)sys_reg_delete_tree(SYS_REG_HKLM, p, SYS_REG_VIEW_64, NULL);
	T_EQ_INT(sys_reg_open(SYS_REG_HKLM, p, SYS_REG_VIEW_32, SYS_REG_CREATE, &k, NULL), 0);
	T_EQ_INT(sys_reg_set_str(k, "v", "32", 0, NULL), 0);
	sys_reg_close(k);
	k = NULL;
	T_EQ_INT(sys_reg_open(SYS_REG_HKLM, p, SYS_REG_VIEW_64, 0, &k, NULL), ZH_ENOENT);
	sys_reg_close(k);
	k = NULL;
	T_EQ_INT(sys_reg_open(SYS_REG_HKLM, p, SYS_REG_VIEW_32, 0, &k, NULL), 0);
	T_EQ_INT(sys_reg_get_str(k, "v", &s, NULL, NULL), 0);
	T_EQ_STR(s, "32");
	sys_free(s);
	sys_reg_close(k);
	T_EQ_INT(sys_reg_delete_tree(SYS_REG_HKLM, p, SYS_REG_VIEW_32, NULL), 0);
}

ZH_TESTS(ZH_TEST_ENTRY(t_roundtrip), ZH_TEST_ENTRY(t_odd_strings), ZH_TEST_ENTRY(t_views))
