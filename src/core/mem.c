/* SPDX-License-Identifier: MIT */
/*
 * Allocation wrappers with their own fail-after-N counter (separate from the sys fault
 * points, so that a crash sweep over operations is not multiplied by every allocation).
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "banned.h"

static long fail_after = -1;

void zh_mem_fail_after(long n)
{
	fail_after = n;
}

static int should_fail(void)
{
	if (fail_after < 0)
		return 0;
	if (fail_after == 0)
		return 1;
	fail_after--;
	return 0;
}

void *zh_malloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n == 0 ? 1 : n);
}

void *zh_calloc(size_t count, size_t size)
{
	if (should_fail())
		return NULL;
	return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *zh_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n == 0 ? 1 : n);
}

char *zh_strndup(const char *s, size_t n)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = zh_malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *zh_strdup(const char *s)
{
	return s == NULL ? NULL : zh_strndup(s, strlen(s));
}

void zh_free(void *p)
{
	free(p);
}
