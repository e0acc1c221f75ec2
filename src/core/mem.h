/* SPDX-License-Identifier: MIT */
/*
 * Allocation for core code. Tests can make every allocation after the first n fail
 * (zh_mem_fail_after); failure returns NULL and the caller returns ZH_ENOMEM. Never aborts.
 */
#ifndef ZH_MEM_H
#define ZH_MEM_H

#include <stddef.h>

void *zh_malloc(size_t n);
void *zh_calloc(size_t count, size_t size);
void *zh_realloc(void *p, size_t n);
/* A copy of s (NULL if s is NULL or memory is short); free with zh_free. */
char *zh_strdup(const char *s);
/* A NUL-terminated copy of the n bytes at s. */
char *zh_strndup(const char *s, size_t n);
void zh_free(void *p);

/* Test hook: let n more allocations succeed, then fail them all; n < 0 disarms. */
void zh_mem_fail_after(long n);

#endif
