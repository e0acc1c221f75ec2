/* SPDX-License-Identifier: MIT */
/* Staged files kept open between extraction and install (keep.h). */
#include <stdlib.h>
#include <string.h>

#include "keep.h"
#include "mem.h"
#include "../sys/fs.h"
#include "banned.h"

struct kept {
	char *path;
	struct sys_file *file;
};

struct zh_keep {
	struct kept *v;
	size_t n, max;
	int sorted;
};

int zh_keep_new(size_t max, struct zh_keep **ret, struct zh_err *err)
{
	struct zh_keep *k = zh_calloc(1, sizeof(*k));

	if (k == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	k->max = max;
	k->sorted = 1;
	*ret = k;
	return 0;
}

/* strcmp with '/' and '\' as one character. */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == '\\' ? '/' : (unsigned char)*a;
		unsigned char y = *b == '\\' ? '/' : (unsigned char)*b;

		if (x != y || x == '\0')
			return (int)x - (int)y;
	}
}

static int kept_cmp(const void *a, const void *b)
{
	return path_cmp(((const struct kept *)a)->path, ((const struct kept *)b)->path);
}

int zh_keep_add(struct zh_keep *k, const char *path, struct sys_file *f, struct zh_err *err)
{
	struct kept *v;

	if (k->n >= k->max)
		return 0;
	if (k->n % 256 == 0) {
		v = zh_realloc(k->v, (k->n + 256) * sizeof(*v));
		if (v == NULL)
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		k->v = v;
	}
	if ((k->v[k->n].path = zh_strdup(path)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	k->v[k->n++].file = f;
	k->sorted = 0;
	return 1;
}

struct sys_file **zh_keep_slot(struct zh_keep *k, const char *path)
{
	struct kept key, *hit;

	if (k == NULL || k->n == 0)
		return NULL;
	if (!k->sorted) {
		qsort(k->v, k->n, sizeof(*k->v), kept_cmp);
		k->sorted = 1;
	}
	key.path = (char *)path;
	hit = bsearch(&key, k->v, k->n, sizeof(*k->v), kept_cmp);
	return hit != NULL && hit->file != NULL ? &hit->file : NULL;
}

void zh_keep_close(struct zh_keep *k)
{
	size_t i;

	for (i = 0; k != NULL && i < k->n; i++) {
		(void)sys_file_close(k->v[i].file, NULL);
		k->v[i].file = NULL;
	}
}

void zh_keep_free(struct zh_keep *k)
{
	size_t i;

	if (k == NULL)
		return;
	zh_keep_close(k);
	for (i = 0; i < k->n; i++)
		zh_free(k->v[i].path);
	zh_free(k->v);
	zh_free(k);
}
