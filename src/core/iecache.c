/* SPDX-License-Identifier: MIT */
/* Clearing Internet Explorer's cache through the journal; see iecache.h. */
#include <stdio.h>
#include <string.h>

#include "iecache.h"
#include "mem.h"
#include "regread.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/mem.h"
#include "banned.h"

#define EXPLORER "Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\"
#define MAX_CACHE_FILES 200000
#define MAX_DEPTH 16

int zh_iecache_dir(char **ret, struct zh_err *err)
{
	char *v = NULL, *x = NULL;
	size_t odd = 0;
	int rc;

	*ret = NULL;
	rc = zh_regread_str(SYS_REG_HKCU, EXPLORER "User Shell Folders", "Cache", &v, &odd, err);
	if (rc == 0 && v == NULL)
		rc = zh_regread_str(SYS_REG_HKCU, EXPLORER "Shell Folders", "Cache", &v, &odd, err);
	if (rc == ZH_ENOENT || (rc == 0 && (v == NULL || v[0] == '\0'))) {
		zh_free(v);
		return zh_err_set(err, ZH_ENOENT, "the registry names no Internet Explorer cache");
	}
	if (rc != 0)
		return rc;
	rc = sys_env_expand(v, &x, err);
	zh_free(v);
	if (rc == 0 && (*ret = zh_strdup(x)) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	sys_free(x);
	return rc;
}

struct walk {
	char **files;
	size_t n, cap;
};

static int walk_dir(struct walk *w, const char *dir, int depth, struct zh_err *err)
{
	struct sys_dir *d = NULL;
	enum sys_fs_kind kind;
	const char *name;
	int rc;

	if (depth > MAX_DEPTH)
		return 0;
	rc = sys_dir_open(dir, &d, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	while (rc == 0 && (rc = sys_dir_next(d, &name, &kind, err)) == 0 && name != NULL) {
		size_t n = strlen(dir) + strlen(name) + 2;
		char *path = zh_malloc(n);

		if (path == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			break;
		}
		(void)snprintf(path, n, "%s\\%s", dir, name);
		if (kind == SYS_FS_DIR) {
			rc = walk_dir(w, path, depth + 1, err);
			zh_free(path);
			continue;
		}
		if (kind != SYS_FS_FILE) {
			zh_free(path);
			continue;
		}
		if (w->n == w->cap) {
			size_t nc = w->cap ? w->cap * 2 : 64;
			char **v =
				nc > MAX_CACHE_FILES ? NULL : zh_realloc(w->files, nc * sizeof(*v));

			if (v == NULL) {
				zh_free(path);
				rc = nc > MAX_CACHE_FILES
					? zh_err_set(err, ZH_ETOOBIG,
						  "more than %d files in the IE cache",
						  MAX_CACHE_FILES)
					: zh_err_set(err, ZH_ENOMEM, "out of memory");
				break;
			}
			w->files = v;
			w->cap = nc;
		}
		w->files[w->n++] = path;
	}
	sys_dir_close(d);
	return rc;
}

int zh_iecache_clear(struct zh_txn *t, const char *dir, size_t *ret_files, struct zh_err *err)
{
	struct walk w = {NULL, 0, 0};
	size_t i;
	int rc = walk_dir(&w, dir, 0, err);

	*ret_files = 0;
	if (rc == 0 && w.n > 0)
		rc = zh_txn_file_delete_many(t, (const char *const *)w.files, w.n, err);
	if (rc == 0)
		*ret_files = w.n;
	else
		zh_err_wrap(err, "clearing the IE cache '%s' (close Internet Explorer first)", dir);
	for (i = 0; i < w.n; i++)
		zh_free(w.files[i]);
	zh_free(w.files);
	return rc;
}
