/* SPDX-License-Identifier: MIT */
/*
 * The test runner. It is test code, so it may branch on the platform: temporary directories
 * are made with the C library of each (mkdtemp on posix, _mkdir with a unique name on
 * Windows, where tests run under Wine).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <direct.h>
#include <process.h>
#include <windows.h>
#else
#include <unistd.h>
#endif

#include "zh_test.h"

int zh_test_failed;
static char test_dir[1024];
static char start_dir[1024];

const char *zh_test_dir(void)
{
	return test_dir;
}

static int make_dir(const char *name)
{
	const char *base = getenv("TMPDIR");
#ifdef _WIN32
	static unsigned counter;
	if (base == NULL)
		base = getenv("TEMP");
	if (base == NULL)
		base = ".";
	snprintf(test_dir, sizeof(test_dir), "%s\\zh-%s-%u-%u", base, name, (unsigned)_getpid(),
		++counter);
	return _mkdir(test_dir);
#else
	if (base == NULL)
		base = "/tmp";
	snprintf(test_dir, sizeof(test_dir), "%s/zh-%s-XXXXXX", base, name);
	return mkdtemp(test_dir) == NULL ? -1 : 0;
#endif
}

static void remove_dir(void)
{
	const char *keep = getenv("ZH_TEST_KEEP");

	if (keep != NULL && strcmp(keep, "1") == 0) {
		fprintf(stderr, "  kept %s\n", test_dir);
		return;
	}
#ifdef _WIN32
	{
		/* SHFileOperation is not worth the dependency: tests leave only flat files. */
		WIN32_FIND_DATAA fd;
		char pat[1100], path[1100];
		HANDLE h;

		snprintf(pat, sizeof(pat), "%s\\*", test_dir);
		h = FindFirstFileA(pat, &fd);
		if (h != INVALID_HANDLE_VALUE) {
			do {
				snprintf(path, sizeof(path), "%s\\%s", test_dir, fd.cFileName);
				if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
					DeleteFileA(path);
			} while (FindNextFileA(h, &fd));
			FindClose(h);
		}
		RemoveDirectoryA(test_dir);
	}
#else
	{
		char cmd[1200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", test_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "  could not remove %s\n", test_dir);
	}
#endif
}

int zh_test_write(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(name, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

int zh_test_main(int argc, char **argv, const struct zh_test_case *cases, size_t n)
{
	size_t i, passed = 0, failed = 0;

	if (getcwd(start_dir, sizeof(start_dir)) == NULL)
		start_dir[0] = '\0';
	for (i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		zh_test_failed = 0;
		if (make_dir(cases[i].name) != 0 || chdir(test_dir) != 0) {
			fprintf(stderr, "cannot make a directory for %s\n", cases[i].name);
			return 2;
		}
		cases[i].fn();
		if (chdir(start_dir) != 0)
			fprintf(stderr, "cannot return to %s\n", start_dir);
		if (!zh_test_failed)
			remove_dir();
		else
			fprintf(stderr, "  kept %s\n", test_dir);
		printf("%s %s\n", zh_test_failed ? "FAIL" : "ok  ", cases[i].name);
		if (zh_test_failed)
			failed++;
		else
			passed++;
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}
