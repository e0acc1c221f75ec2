/* SPDX-License-Identifier: MIT */
/*
 * The Windows registry, as UTF-8 and portable types. Keys are opened in an explicit view
 * (64-bit, 32-bit) because Add/Remove Programs spans both. String values are converted to
 * UTF-8; unpaired UTF-16 surrogates become U+FFFD so that nothing downstream (JSON, logs)
 * ever sees malformed text. Values are capped at ZH_MAX_REG_VALUE bytes. The posix backend
 * has no registry and returns ZH_ENOTSUP from every call.
 */
#ifndef ZH_SYS_REG_H
#define ZH_SYS_REG_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "mem.h"

#define ZH_MAX_REG_VALUE (1024 * 1024)
#define ZH_MAX_REG_NAME 16384

enum sys_reg_root {
	SYS_REG_HKLM,
	SYS_REG_HKCU,
};

enum sys_reg_view {
	SYS_REG_VIEW_DEFAULT,
	SYS_REG_VIEW_64,
	SYS_REG_VIEW_32,
};

/* Value types, numbered as Windows numbers them. */
enum sys_reg_type {
	SYS_REG_NONE = 0,
	SYS_REG_SZ = 1,
	SYS_REG_EXPAND_SZ = 2,
	SYS_REG_BINARY = 3,
	SYS_REG_DWORD = 4,
	SYS_REG_MULTI_SZ = 7,
	SYS_REG_QWORD = 11,
};

enum sys_reg_open_flags {
	SYS_REG_WRITE = 1 << 0, /* open for writing */
	SYS_REG_CREATE = 1 << 1, /* create missing keys (implies write) */
};

struct sys_reg_key;

/*
 * Open root\path (backslash-separated) in a view. *ret_key is closed with sys_reg_close.
 * ZH_ENOENT if the key does not exist, ZH_EACCES if access is denied, ZH_ENOTSUP on posix.
 */
int sys_reg_open(enum sys_reg_root root, const char *path, enum sys_reg_view view, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err);

/* Open a subkey of an open key, in the same view. */
int sys_reg_open_sub(struct sys_reg_key *key, const char *name, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err);

/* NULL is a no-op. */
void sys_reg_close(struct sys_reg_key *key);

/*
 * Name of the subkey at index (0-based) into *ret_name (free with sys_free).
 * ZH_ENOENT past the last one.
 */
int sys_reg_subkey(struct sys_reg_key *key, unsigned index, char **ret_name, struct zh_err *err);

/*
 * Read a value: its type and raw bytes (*ret_data, free with sys_free; may be NULL for an
 * empty value). ZH_ENOENT if absent, ZH_ETOOBIG over ZH_MAX_REG_VALUE.
 */
int sys_reg_get(struct sys_reg_key *key, const char *name, enum sys_reg_type *ret_type,
	void **ret_data, size_t *ret_len, struct zh_err *err);

/*
 * Read a REG_SZ or REG_EXPAND_SZ value as UTF-8 (*ret, free with sys_free; environment
 * references are not expanded). ZH_EBADTYPE for any other type, ZH_ENOENT if absent.
 */
int sys_reg_get_str(struct sys_reg_key *key, const char *name, char **ret,
	enum sys_reg_type *ret_type, struct zh_err *err);

/* Read a REG_DWORD. ZH_EBADTYPE for any other type, ZH_ENOENT if absent. */
int sys_reg_get_dword(struct sys_reg_key *key, const char *name, uint32_t *ret, struct zh_err *err);

/* Write a REG_SZ (or REG_EXPAND_SZ when expand is set) value from UTF-8. */
int sys_reg_set_str(struct sys_reg_key *key, const char *name, const char *value, int expand,
	struct zh_err *err);

/* Write a REG_DWORD value. */
int sys_reg_set_dword(struct sys_reg_key *key, const char *name, uint32_t value,
	struct zh_err *err);

/* Write raw bytes of any type (used to put back exactly what was captured). */
int sys_reg_set_raw(struct sys_reg_key *key, const char *name, enum sys_reg_type type,
	const void *data, size_t len, struct zh_err *err);

/* Delete a value; ZH_ENOENT if it was not there. */
int sys_reg_delete_value(struct sys_reg_key *key, const char *name, struct zh_err *err);

/*
 * The value at index (0-based): its name (*ret_name, sys_free), type and raw bytes (*ret_data,
 * sys_free; NULL when empty). ZH_ENOENT past the last one.
 */
int sys_reg_value(struct sys_reg_key *key, unsigned index, char **ret_name,
	enum sys_reg_type *ret_type, void **ret_data, size_t *ret_len, struct zh_err *err);

/* How many subkeys and values the key holds. */
int sys_reg_counts(struct sys_reg_key *key, unsigned *ret_subkeys, unsigned *ret_values,
	struct zh_err *err);

/* Delete root\path if it has no subkeys (its values go with it); ZH_ENOENT if absent. */
int sys_reg_delete_key(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err);

/* Delete root\path and everything below it; ZH_ENOENT if it was not there. */
int sys_reg_delete_tree(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err);

#endif
