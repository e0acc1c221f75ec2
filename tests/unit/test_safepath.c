/* SPDX-License-Identifier: MIT */
/*
 * The archive path rules (src/core/safepath.c): one accepted and one refused name per rule,
 * the reason named in the message, case folding for collisions, and the name set.
 */
#include <stdlib.h>

#include "../harness/zh_test.h"
#include "../../src/core/mem.h"
#include "../../src/core/safepath.h"

static void t_accepted(void)
{
	static const char *const ok[] = {
		"a",
		"payload/readme.txt",
		"payload/中文目录/控件.dll",
		"a.b.c",
		".hidden",
		"a..b",
		"...x",
		" leading space",
		"CONSOLE.txt",
		"nul1",
		"com10",
		"con-fig/x",
		"a/b/c/d",
		"emoji-😀.txt",
		"x~1.txt",
	};
	struct zh_err err;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		zh_err_init(&err);
		if (zh_safepath_check(ok[i], strlen(ok[i]), &err) != 0) {
			fprintf(stderr, "refused '%s': %s\n", ok[i], err.msg);
			zh_test_failed = 1;
		}
	}
}

static void t_refused(void)
{
	static const struct {
		const char *name;
		int code;
		const char *why;
	} bad[] = {
		{"", ZH_EUNSAFE, "empty"}, {"../evil", ZH_EUNSAFE, "'..'"},
		{"a/../../evil", ZH_EUNSAFE, "'..'"}, {"..\\evil", ZH_EUNSAFE, "'..'"},
		{"a\\..\\..\\evil", ZH_EUNSAFE, "'..'"}, {"a/..", ZH_EUNSAFE, "'..'"},
		{"..", ZH_EUNSAFE, "'..'"}, {"./x", ZH_EUNSAFE, "'.'"},
		{"a//b", ZH_EUNSAFE, "empty path component"},
		{"a/", ZH_EUNSAFE, "empty path component"}, {"/etc/passwd", ZH_EUNSAFE, "absolute"},
		{"\\Windows\\x", ZH_EUNSAFE, "absolute"}, {"C:evil.exe", ZH_EUNSAFE, "drive"},
		{"c:/Windows/x", ZH_EUNSAFE, "drive"}, {"\\\\server\\share\\x", ZH_EUNSAFE, "UNC"},
		{"//server/share/x", ZH_EUNSAFE, "UNC"}, {"\\\\?\\C:\\x", ZH_EUNSAFE, "prefix"},
		{"\\\\.\\PhysicalDrive0", ZH_EUNSAFE, "prefix"}, {"//?/C:/x", ZH_EUNSAFE, "prefix"},
		{"file.txt:stream", ZH_EUNSAFE, "alternate data stream"},
		{"file.txt::$DATA", ZH_EUNSAFE, "alternate data stream"},
		{"a:", ZH_EUNSAFE, "drive"}, {"x/a:b", ZH_EUNSAFE, "alternate data stream"},
		{"CON", ZH_EUNSAFE, "device"}, {"con", ZH_EUNSAFE, "device"},
		{"prn.txt", ZH_EUNSAFE, "device"}, {"dir/AUX.tar.gz", ZH_EUNSAFE, "device"},
		{"NUL", ZH_EUNSAFE, "device"}, {"nul .txt", ZH_EUNSAFE, "device"},
		{"COM1", ZH_EUNSAFE, "device"}, {"com9.log", ZH_EUNSAFE, "device"},
		{"LPT1", ZH_EUNSAFE, "device"}, {"LPT0", ZH_EUNSAFE, "device"},
		{"com0.txt", ZH_EUNSAFE, "device"}, {"lpt9.x", ZH_EUNSAFE, "device"},
		{"COM\xc2\xb9", ZH_EUNSAFE, "device"}, {"lpt\xc2\xb3.txt", ZH_EUNSAFE, "device"},
		{"CONIN$", ZH_EUNSAFE, "device"}, {"conout$.txt", ZH_EUNSAFE, "device"},
		{"CON/x", ZH_EUNSAFE, "device"}, {"trailing.", ZH_EUNSAFE, "dot or a space"},
		{"trailing ", ZH_EUNSAFE, "dot or a space"},
		{"dir./x", ZH_EUNSAFE, "dot or a space"}, {"dir /x", ZH_EUNSAFE, "dot or a space"},
		{"a<b", ZH_EUNSAFE, "not allowed"}, {"a>b", ZH_EUNSAFE, "not allowed"},
		{"a\"b", ZH_EUNSAFE, "not allowed"}, {"a|b", ZH_EUNSAFE, "not allowed"},
		{"a?b", ZH_EUNSAFE, "not allowed"}, {"a*b", ZH_EUNSAFE, "not allowed"},
		{"a\tb", ZH_EUNSAFE, "control"}, {"a\x7f", ZH_EUNSAFE, "control"},
		{"a\\b", ZH_EUNSAFE, "'\\'"},
		{"\xd6\xd0\xce\xc4.txt", ZH_ENAME, "UTF-8"}, /* 中文 in GBK */
		{"\xc0\xaf", ZH_ENAME, "UTF-8"}, /* overlong '/' */
		{"\xed\xa0\x80", ZH_ENAME, "UTF-8"}, /* surrogate */
	};
	struct zh_err err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		zh_err_init(&err);
		rc = zh_safepath_check(bad[i].name, strlen(bad[i].name), &err);
		if (rc != bad[i].code || strstr(err.msg, bad[i].why) == NULL) {
			fprintf(stderr, "'%s': got %d '%s', want %d '%s'\n", bad[i].name, rc,
				err.msg, bad[i].code, bad[i].why);
			zh_test_failed = 1;
		}
	}
	/* A NUL inside the name. */
	zh_err_init(&err);
	T_EQ_INT(zh_safepath_check("a\0b", 3, &err), ZH_EUNSAFE);
	T_CHECK(strstr(err.msg, "NUL") != NULL);
	T_CHECK(strstr(err.msg, "a\\x00b") != NULL);
	/* The message quotes the name, with bad bytes escaped. */
	zh_err_init(&err);
	(void)zh_safepath_check("\xd6\xd0.txt", 6, &err);
	T_CHECK(strstr(err.msg, "'\\xd6\\xd0.txt'") != NULL);
}

static void t_limits(void)
{
	char name[2100];
	struct zh_err err;
	size_t i, n = 0;

	/* 1024 bytes pass, 1025 do not. */
	for (i = 0; i < 1024; i++)
		name[i] = (i % 100 == 99) ? '/' : 'a';
	zh_err_init(&err);
	T_EQ_INT(zh_safepath_check(name, 1024, &err), 0);
	name[1024] = 'a';
	T_EQ_INT(zh_safepath_check(name, 1025, &err), ZH_EUNSAFE);
	/* 255 UTF-16 units per component: 85 three-byte characters are 85 units. */
	memset(name, 'x', 255);
	zh_err_init(&err);
	T_EQ_INT(zh_safepath_check(name, 255, &err), 0);
	T_EQ_INT(zh_safepath_check(name, 256, &err), ZH_EUNSAFE);
	T_CHECK(strstr(err.msg, "255") != NULL);
	for (i = 0; i < 100; i++) {
		memcpy(name + 3 * i, "中", 3);
	}
	zh_err_init(&err);
	T_EQ_INT(zh_safepath_check(name, 300, &err), 0);
	/* 32 levels pass, 33 do not. */
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n, "%sd", i ? "/" : "");
	zh_err_init(&err);
	T_EQ_INT(zh_safepath_check(name, n - 2, &err), 0);
	T_EQ_INT(zh_safepath_check(name, n, &err), ZH_EUNSAFE);
	T_CHECK(strstr(err.msg, "deeper") != NULL);
}

static void t_fold(void)
{
	static const struct {
		const char *a, *b;
		int same;
	} pairs[] = {
		{"README.txt", "readme.TXT", 1},
		{"Payload/X", "payload/x", 1},
		{"ÉTÉ.txt", "été.txt", 1},
		{"ŁÓDŹ", "łódź", 1},
		{"ΑΒΓ", "αβγ", 1},
		{"ПРИВЕТ", "привет", 1},
		{"ЁЖ", "ёж", 1},
		{"ＡＢＣ", "ａｂｃ", 1},
		{"中文", "中文", 1},
		{"a", "b", 0},
		{"ß", "ss", 0},
		{"×", "÷", 0},
	};
	struct zh_err err;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char *fa = NULL, *fb = NULL;

		zh_err_init(&err);
		T_EQ_INT(zh_safepath_fold(pairs[i].a, &fa, &err), 0);
		T_EQ_INT(zh_safepath_fold(pairs[i].b, &fb, &err), 0);
		if (fa != NULL && fb != NULL && (strcmp(fa, fb) == 0) != pairs[i].same) {
			fprintf(stderr, "fold '%s' '%s': got '%s' '%s'\n", pairs[i].a, pairs[i].b,
				fa, fb);
			zh_test_failed = 1;
		}
		zh_free(fa);
		zh_free(fb);
	}
}

static void t_strset(void)
{
	struct zh_strset *set = NULL;
	struct zh_err err;
	char name[32];
	int i;

	zh_err_init(&err);
	T_EQ_INT(zh_strset_new(&set, &err), 0);
	for (i = 0; i < 5000; i++) {
		(void)snprintf(name, sizeof(name), "file-%d", i);
		T_EQ_INT(zh_strset_add(set, name, &err), 0);
	}
	for (i = 0; i < 5000; i += 7) {
		(void)snprintf(name, sizeof(name), "file-%d", i);
		T_EQ_INT(zh_strset_add(set, name, &err), 1);
		T_CHECK(zh_strset_has(set, name));
	}
	T_CHECK(!zh_strset_has(set, "file-5000"));
	zh_strset_free(set);
	zh_strset_free(NULL);
}

ZH_TESTS(ZH_TEST_ENTRY(t_accepted), ZH_TEST_ENTRY(t_refused), ZH_TEST_ENTRY(t_limits),
	ZH_TEST_ENTRY(t_fold), ZH_TEST_ENTRY(t_strset))
