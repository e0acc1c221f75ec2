/* SPDX-License-Identifier: MIT */
/*
 * Lenient registry reads for probes: an absent key or value, or a value of another type, is
 * "not set" (odd types are counted). Any other failure (access denied, I/O, no registry) is
 * an error: a probe that cannot tell must not report "not set", or repair would act on it.
 */
#include <string.h>

#include "regread.h"
#include "mem.h"
#include "banned.h"

/*
 * Read a DWORD at root\path\name. Absent (key or value) is *ret_found = 0; another type is
 * counted as odd. Only ZH_ENOTSUP and ZH_ENOMEM are errors.
 */
int zh_regread_dword(enum sys_reg_root root, const char *path, const char *name, uint32_t *ret,
	int *ret_found, size_t *odd, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct zh_err e;
	int rc;

	*ret_found = 0;
	zh_err_init(&e);
	rc = sys_reg_open(root, path, SYS_REG_VIEW_64, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return 0;
	/* Any other failure (access, I/O) means "cannot tell", never "not set". */
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	zh_err_init(&e);
	rc = sys_reg_get_dword(k, name, ret, &e);
	sys_reg_close(k);
	if (rc == 0)
		*ret_found = 1;
	else if (rc == ZH_EBADTYPE)
		(*odd)++;
	else if (rc != ZH_ENOENT)
		return zh_err_set(err, rc, "%s", e.msg);
	return 0;
}

/* Read a string at root\path\name into *ret (zh_free), NULL when absent or odd. */
int zh_regread_str(enum sys_reg_root root, const char *path, const char *name, char **ret,
	size_t *odd, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	char *s = NULL;
	struct zh_err e;
	int rc;

	*ret = NULL;
	zh_err_init(&e);
	rc = sys_reg_open(root, path, SYS_REG_VIEW_64, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return 0;
	/* Any other failure (access, I/O) means "cannot tell", never "not set". */
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	zh_err_init(&e);
	rc = sys_reg_get_str(k, name, &s, NULL, &e);
	sys_reg_close(k);
	if (rc == ZH_EBADTYPE || rc == ZH_ETOOBIG) {
		(*odd)++;
		return 0;
	}
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	*ret = zh_strdup(s);
	sys_free(s);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", name);
	return 0;
}
