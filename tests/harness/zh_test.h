/* SPDX-License-Identifier: MIT */
/*
 * A small test harness: each test is a function registered in a table; every test runs in a
 * fresh temporary directory (kept when ZH_TEST_KEEP=1), and failed checks print file, line
 * and the values. The runner prints one line per test and "N passed, N failed".
 * Usage: ZH_TESTS(t_one, t_two) at the end of the test file.
 */
#ifndef ZH_TEST_H
#define ZH_TEST_H

#include <stdio.h>
#include <string.h>

extern int zh_test_failed;

#define T_CHECK(cond)                                                                              \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			zh_test_failed = 1;                                                        \
		}                                                                                  \
	} while (0)

#define T_EQ_INT(a, b)                                                                             \
	do {                                                                                       \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                            \
		if (t_a_ != t_b_) {                                                                \
			fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,        \
				__LINE__, #a, #b, t_a_, t_b_);                                     \
			zh_test_failed = 1;                                                        \
		}                                                                                  \
	} while (0)

#define T_EQ_STR(a, b)                                                                             \
	do {                                                                                       \
		const char *t_a_ = (a), *t_b_ = (b);                                               \
		if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0) {                     \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__,    \
				__LINE__, #a, #b, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
			zh_test_failed = 1;                                                        \
		}                                                                                  \
	} while (0)

struct zh_test_case {
	const char *name;
	void (*fn)(void);
};

int zh_test_main(int argc, char **argv, const struct zh_test_case *cases, size_t n);

/* The test's own temporary directory (current directory while it runs). */
const char *zh_test_dir(void);

/* Write a file in the test directory; returns 0 on success. */
int zh_test_write(const char *name, const void *data, size_t len);

#define ZH_TEST_ENTRY(fn)                                                                          \
	{                                                                                          \
#fn, fn                                                                            \
	}
#define ZH_TESTS(...)                                                                              \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		static const struct zh_test_case cases[] = {__VA_ARGS__};                          \
		return zh_test_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));          \
	}

#endif
