/* SPDX-License-Identifier: MIT */
/*
 * There is no registry on posix. Every call says so with ZH_ENOTSUP and callers decide at run
 * time (the registry checks report "skip" natively).
 */
#define _POSIX_C_SOURCE 200809L

#include "../reg.h"
#include "../../core/banned.h"

static int nosup(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP,
		"the Windows registry is not available on this platform");
}

int sys_reg_open(enum sys_reg_root root, const char *path, enum sys_reg_view view, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err)
{
	(void)root, (void)path, (void)view, (void)flags, (void)ret_key;
	return nosup(err);
}

int sys_reg_open_sub(struct sys_reg_key *key, const char *name, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err)
{
	(void)key, (void)name, (void)flags, (void)ret_key;
	return nosup(err);
}

void sys_reg_close(struct sys_reg_key *key)
{
	(void)key;
}

int sys_reg_subkey(struct sys_reg_key *key, unsigned index, char **ret_name, struct zh_err *err)
{
	(void)key, (void)index, (void)ret_name;
	return nosup(err);
}

int sys_reg_get(struct sys_reg_key *key, const char *name, enum sys_reg_type *ret_type,
	void **ret_data, size_t *ret_len, struct zh_err *err)
{
	(void)key, (void)name, (void)ret_type, (void)ret_data, (void)ret_len;
	return nosup(err);
}

int sys_reg_get_str(struct sys_reg_key *key, const char *name, char **ret,
	enum sys_reg_type *ret_type, struct zh_err *err)
{
	(void)key, (void)name, (void)ret, (void)ret_type;
	return nosup(err);
}

int sys_reg_get_dword(struct sys_reg_key *key, const char *name, uint32_t *ret, struct zh_err *err)
{
	(void)key, (void)name, (void)ret;
	return nosup(err);
}

int sys_reg_set_str(struct sys_reg_key *key, const char *name, const char *value, int expand,
	struct zh_err *err)
{
	(void)key, (void)name, (void)value, (void)expand;
	return nosup(err);
}

int sys_reg_set_dword(struct sys_reg_key *key, const char *name, uint32_t value, struct zh_err *err)
{
	(void)key, (void)name, (void)value;
	return nosup(err);
}

int sys_reg_set_raw(struct sys_reg_key *key, const char *name, enum sys_reg_type type,
	const void *data, size_t len, struct zh_err *err)
{
	(void)key, (void)name, (void)type, (void)data, (void)len;
	return nosup(err);
}

int sys_reg_delete_value(struct sys_reg_key *key, const char *name, struct zh_err *err)
{
	(void)key, (void)name;
	return nosup(err);
}

int sys_reg_delete_tree(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err)
{
	(void)root, (void)path, (void)view;
	return nosup(err);
}

int sys_reg_value(struct sys_reg_key *key, unsigned index, char **ret_name,
	enum sys_reg_type *ret_type, void **ret_data, size_t *ret_len, struct zh_err *err)
{
	(void)key, (void)index, (void)ret_name, (void)ret_type, (void)ret_data, (void)ret_len;
	return nosup(err);
}

int sys_reg_counts(struct sys_reg_key *key, unsigned *ret_subkeys, unsigned *ret_values,
	struct zh_err *err)
{
	(void)key, (void)ret_subkeys, (void)ret_values;
	return nosup(err);
}

int sys_reg_delete_key(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err)
{
	(void)root, (void)path, (void)view;
	return nosup(err);
}
