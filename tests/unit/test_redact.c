/* SPDX-License-Identifier: MIT */
/*
 * User-name redaction (support-report): whole path components and exact values in any case,
 * never a name inside a longer word, JSON's escaped separators and keys, the profile folder
 * taken from the environment.
 */
#define _XOPEN_SOURCE 700 /* putenv */
#include <stdarg.h>
#include <stdlib.h>

#include "../harness/zh_test.h"
#include "../../src/core/mem.h"
#include "../../src/core/redact.h"

/* Redact s (text or JSON) with the names given, NULL-terminated. */
static char *red(unsigned flags, const char *s, const char *name, ...)
{
	struct zh_redact r;
	struct zh_err err;
	char *out = NULL;
	size_t len = 0, count = 0;
	const char *p;
	va_list ap;

	zh_err_init(&err);
	zh_redact_init(&r);
	va_start(ap, name);
	for (p = name; p != NULL; p = va_arg(ap, const char *))
		T_EQ_INT(zh_redact_add(&r, p, &err), 0);
	va_end(ap);
	T_EQ_INT(zh_redact_text(&r, s, strlen(s), flags, &out, &len, &count, &err), 0);
	T_CHECK(out != NULL && strlen(out) == len);
	zh_redact_release(&r);
	return out;
}

#define T_RED(flags, in, want, ...)                                                                \
	do {                                                                                       \
		char *t_out_ = red(flags, in, __VA_ARGS__, (const char *)NULL);                    \
		T_EQ_STR(t_out_, want);                                                            \
		zh_free(t_out_);                                                                   \
	} while (0)

static void t_paths(void)
{
	T_RED(0, "C:\\Users\\bob\\AppData\\Local", "C:\\Users\\%USERNAME%\\AppData\\Local", "bob");
	T_RED(0, "C:\\Users\\bob", "C:\\Users\\%USERNAME%", "bob");
	T_RED(0, "folder C:\\users\\bob is gone", "folder C:\\users\\%USERNAME% is gone", "bob");
	T_RED(0, "/home/bob/x and C:/Users/bob/y", "/home/%USERNAME%/x and C:/Users/%USERNAME%/y",
		"bob");
	T_RED(0, "\"C:\\Users\\bob\\u.exe\" /S", "\"C:\\Users\\%USERNAME%\\u.exe\" /S", "bob");
	/* Twice in one path, and the name as the whole text. */
	T_RED(0, "C:\\Users\\bob\\bob\\x", "C:\\Users\\%USERNAME%\\%USERNAME%\\x", "bob");
	T_RED(0, "bob", "%USERNAME%", "bob");
}

static void t_case(void)
{
	T_RED(0, "C:\\USERS\\BOB\\AppData", "C:\\USERS\\%USERNAME%\\AppData", "bob");
	T_RED(0, "C:\\Users\\Bob\\x", "C:\\Users\\%USERNAME%\\x", "BOB");
	T_RED(0, "USERNAME=BoB\r\n", "USERNAME=%USERNAME%\r\n", "bob");
}

static void t_substrings(void)
{
	/* The name inside longer words and components stays. */
	T_RED(0, "C:\\Users\\bobby\\x", "C:\\Users\\bobby\\x", "bob");
	T_RED(0, "C:\\Users\\kabob\\x", "C:\\Users\\kabob\\x", "bob");
	T_RED(0, "C:\\data\\bob.txt", "C:\\data\\bob.txt", "bob");
	T_RED(0, "C:\\data\\bob-old\\x", "C:\\data\\bob-old\\x", "bob");
	T_RED(0, "the bobcat ran; kebob", "the bobcat ran; kebob", "bob");
	/* Free prose is not a path or a value. */
	T_RED(0, "run as user today", "run as user today", "user");
	T_RED(0, "a bob b", "a bob b", "bob");
	/* A Chinese name: whole component only. */
	T_RED(0, "C:\\Users\\张三\\x C:\\Users\\张三丰\\y",
		"C:\\Users\\%USERNAME%\\x C:\\Users\\张三丰\\y", "张三");
}

static void t_values(void)
{
	T_RED(0, "USERNAME=bob", "USERNAME=%USERNAME%", "bob");
	T_RED(0, "user=bob; dir=x", "user=%USERNAME%; dir=x", "bob");
	T_RED(0, "owner: \"bob\"", "owner: \"%USERNAME%\"", "bob");
	T_RED(0, "owner 'bob'", "owner '%USERNAME%'", "bob");
	T_RED(0, "x\nbob\ny", "x\n%USERNAME%\ny", "bob");
	T_RED(0, "x\tbob\ty", "x\t%USERNAME%\ty", "bob");
	T_RED(0, "\"bobby\" 'kabob' =bobs", "\"bobby\" 'kabob' =bobs", "bob");
}

static void t_profile_folder(void)
{
	/* The profile folder can differ from the user name: both go, the longer one whole. */
	T_RED(0, "C:\\Users\\bob.CORP\\x and USERNAME=bob",
		"C:\\Users\\%USERNAME%\\x and USERNAME=%USERNAME%", "bob", "bob.CORP");
	T_RED(0, "C:\\Users\\bob.CORP\\x", "C:\\Users\\bob.CORP\\x", "bob");
}

static void t_json(void)
{
	T_RED(ZH_REDACT_JSON, "{\"p\":\"C:\\\\Users\\\\bob\\\\AppData\",\"u\":\"bob\"}",
		"{\"p\":\"C:\\\\Users\\\\%USERNAME%\\\\AppData\",\"u\":\"%USERNAME%\"}", "bob");
	/* A key that equals the name is the document's shape, not a value. */
	T_RED(ZH_REDACT_JSON, "{\"bob\": 1, \"x\": \"bob\"}", "{\"bob\": 1, \"x\": \"%USERNAME%\"}",
		"bob");
	/* An escape is not a separator: "\nancy" is a newline and "ancy". */
	T_RED(ZH_REDACT_JSON, "{\"m\":\"a\\nancy\"}", "{\"m\":\"a\\nancy\"}", "nancy");
	T_RED(ZH_REDACT_JSON, "{\"m\":\"C:\\\\Users\\\\nancy\\n\"}",
		"{\"m\":\"C:\\\\Users\\\\%USERNAME%\\n\"}", "nancy");
	/* An escaped quote opens no value. */
	T_RED(ZH_REDACT_JSON, "{\"m\":\"say \\\"bob\\\"\"}", "{\"m\":\"say \\\"bob\\\"\"}", "bob");
	T_RED(ZH_REDACT_JSON, "{\"m\":\"USERNAME=bob\"}", "{\"m\":\"USERNAME=%USERNAME%\"}", "bob");
	T_RED(ZH_REDACT_JSON, "{\"m\":\"C:\\\\Users\\\\bobby\"}",
		"{\"m\":\"C:\\\\Users\\\\bobby\"}", "bob");
}

static void t_names(void)
{
	struct zh_redact r;
	struct zh_err err;
	char *out = NULL;
	size_t len = 0, count = 9;

	zh_err_init(&err);
	zh_redact_init(&r);
	/* Empty names, duplicates and impossible names are ignored. */
	T_EQ_INT(zh_redact_add(&r, "", &err), 0);
	T_EQ_INT(zh_redact_add(&r, "a\\b", &err), 0);
	T_EQ_INT(zh_redact_add(&r, "C:", &err), 0);
	T_EQ_INT(zh_redact_add(&r, "bob", &err), 0);
	T_EQ_INT(zh_redact_add(&r, "BOB", &err), 0);
	T_EQ_INT((long long)r.n, 1);
	T_EQ_INT(zh_redact_text(&r, "", 0, 0, &out, &len, &count, &err), 0);
	T_EQ_STR(out, "");
	T_EQ_INT((long long)count, 0);
	zh_free(out);
	T_EQ_INT(zh_redact_text(&r, "C:\\Users\\bob\\x=bob", 18, 0, &out, &len, &count, &err), 0);
	T_EQ_STR(out, "C:\\Users\\%USERNAME%\\x=%USERNAME%");
	T_EQ_INT((long long)count, 2);
	zh_free(out);
	zh_redact_release(&r);
	/* No names: the text as it is. */
	T_EQ_INT(zh_redact_text(&r, "bob", 3, 0, &out, &len, NULL, &err), 0);
	T_EQ_STR(out, "bob");
	zh_free(out);
}

static void t_from_env(void)
{
	static char user[] = "USERNAME=zh-alice";
	static char profile[] = "USERPROFILE=C:\\Users\\zh-alice.CORP\\";
	struct zh_redact r;
	struct zh_err err;
	char *out = NULL;
	size_t len = 0;
	const char *in = "C:\\Users\\zh-alice.CORP\\Desktop; USERNAME=ZH-Alice";

	zh_err_init(&err);
	zh_redact_init(&r);
	/* putenv: in msvcrt (the cross-built run) it sets the process environment too. */
	T_EQ_INT(putenv(user), 0);
	T_EQ_INT(putenv(profile), 0);
	T_EQ_INT(zh_redact_add_user(&r, &err), 0);
	T_EQ_INT((long long)r.n, 2);
	T_EQ_INT(zh_redact_text(&r, in, strlen(in), 0, &out, &len, NULL, &err), 0);
	T_EQ_STR(out, "C:\\Users\\%USERNAME%\\Desktop; USERNAME=%USERNAME%");
	zh_free(out);
	zh_redact_release(&r);
}

static void t_nomem(void)
{
	struct zh_redact r;
	struct zh_err err;
	char *out = NULL;
	size_t len = 0;

	zh_err_init(&err);
	zh_redact_init(&r);
	T_EQ_INT(zh_redact_add(&r, "bob", &err), 0);
	zh_mem_fail_after(0);
	T_EQ_INT(zh_redact_text(&r, "C:\\Users\\bob", 12, 0, &out, &len, NULL, &err), ZH_ENOMEM);
	zh_mem_fail_after(-1);
	T_CHECK(out == NULL);
	zh_redact_release(&r);
}

ZH_TESTS(ZH_TEST_ENTRY(t_paths), ZH_TEST_ENTRY(t_case), ZH_TEST_ENTRY(t_substrings),
	ZH_TEST_ENTRY(t_values), ZH_TEST_ENTRY(t_profile_folder), ZH_TEST_ENTRY(t_json),
	ZH_TEST_ENTRY(t_names), ZH_TEST_ENTRY(t_from_env), ZH_TEST_ENTRY(t_nomem))
