/* SPDX-License-Identifier: MIT */
/* Version comparison and constraints as vendors write them in Add/Remove Programs. */
#include "../harness/zh_test.h"
#include "../../src/core/version.h"

static void t_compare(void)
{
	T_CHECK(zh_version_cmp("1.0.0.10", "1.0.0.9") > 0);
	T_CHECK(zh_version_cmp("1.0.0.9", "1.0.0.10") < 0);
	T_EQ_INT(zh_version_cmp("2.0", "2.00"), 0);
	T_EQ_INT(zh_version_cmp("v2", "2.0.0"), 0);
	T_EQ_INT(zh_version_cmp("V1.0.0.2", "1.0.0.2"), 0);
	T_CHECK(zh_version_cmp("1.0.0.59", "1.0.0.58") > 0);
	T_CHECK(zh_version_cmp("1.5", "1.10") < 0);
	T_CHECK(zh_version_cmp("2.0a", "2.0") != 0);
	T_CHECK(zh_version_cmp("", "0.1") < 0);
	T_EQ_INT(zh_version_cmp("", "0"), 0);
}

static void t_constraints(void)
{
	int m = -1;

	T_EQ_INT(zh_version_match("*", "anything", &m, NULL), 0);
	T_EQ_INT(m, 1);
	T_EQ_INT(zh_version_match("", NULL, &m, NULL), 0);
	T_EQ_INT(m, 1);
	T_EQ_INT(zh_version_match("=2.00", "2.0", &m, NULL), 0);
	T_EQ_INT(m, 1);
	T_EQ_INT(zh_version_match("2.00", "2.01", &m, NULL), 0);
	T_EQ_INT(m, 0);
	T_EQ_INT(zh_version_match(">=1.0.0.1,<1.0.0.3", "1.0.0.2", &m, NULL), 0);
	T_EQ_INT(m, 1);
	T_EQ_INT(zh_version_match(">=1.0.0.1, <1.0.0.3", "1.0.0.3", &m, NULL), 0);
	T_EQ_INT(m, 0);
	T_EQ_INT(zh_version_match("!=1.0", "1.0.0", &m, NULL), 0);
	T_EQ_INT(m, 0);
	T_EQ_INT(zh_version_match(">1.0", "V1.1", &m, NULL), 0);
	T_EQ_INT(m, 1);
	/* A specific constraint is not met by an entry without a version. */
	T_EQ_INT(zh_version_match("=2.00", NULL, &m, NULL), 0);
	T_EQ_INT(m, 0);
}

static void t_bad_constraints(void)
{
	struct zh_err err;
	const char *bad[] = {">=", "1.0,,2.0", "=>1.0", "1.0;drop", ">= 1 0", "<", ","};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		zh_err_init(&err);
		T_EQ_INT(zh_version_constraint_valid(bad[i], &err), ZH_EPARSE);
		T_CHECK(strstr(err.msg, bad[i]) != NULL);
	}
	zh_err_init(&err);
	T_EQ_INT(zh_version_constraint_valid(">=1.0.0.1,<1.0.0.3", &err), 0);
}

ZH_TESTS(ZH_TEST_ENTRY(t_compare), ZH_TEST_ENTRY(t_constraints), ZH_TEST_ENTRY(t_bad_constraints))
