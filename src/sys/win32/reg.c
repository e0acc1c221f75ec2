/* SPDX-License-Identifier: MIT */
/*
 * Registry access through the W API with an explicit WOW64 view on every open, so that the
 * 32-bit Add/Remove Programs list (Wow6432Node) is read as itself and never through
 * redirection.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../reg.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

struct sys_reg_key {
	HKEY h;
	REGSAM view;
	char *path; /* for messages */
};

static REGSAM view_sam(enum sys_reg_view view)
{
	switch (view) {
	case SYS_REG_VIEW_64:
		return KEY_WOW64_64KEY;
	case SYS_REG_VIEW_32:
		return KEY_WOW64_32KEY;
	default:
		return 0;
	}
}

static REGSAM access_sam(unsigned flags)
{
	return (flags & (SYS_REG_WRITE | SYS_REG_CREATE)) ? KEY_READ | KEY_WRITE : KEY_READ;
}

static char *join_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = malloc(la + lb + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, a, la);
	p[la] = '\\';
	memcpy(p + la + 1, b, lb + 1);
	return p;
}

static int open_under(HKEY parent, const char *parent_path, const char *path, REGSAM view,
	unsigned flags, struct sys_reg_key **ret_key, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	wchar_t *wpath = NULL;
	LSTATUS st;
	HKEY h = NULL;
	int rc = 0;

	k = calloc(1, sizeof(*k));
	wpath = w_from_utf8(path, err);
	if (k == NULL || wpath == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot open registry key '%s'", path);
		goto out;
	}
	k->path = join_path(parent_path, path);
	if (k->path == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot open registry key '%s'", path);
		goto out;
	}
	if (flags & SYS_REG_CREATE)
		st = RegCreateKeyExW(parent, wpath, 0, NULL, 0, access_sam(flags) | view, NULL, &h,
			NULL);
	else
		st = RegOpenKeyExW(parent, wpath, 0, access_sam(flags) | view, &h);
	if (st != ERROR_SUCCESS) {
		rc = win_err(err, (unsigned long)st, "cannot open registry key", k->path);
		goto out;
	}
	k->h = h;
	k->view = view;
	*ret_key = k;
	k = NULL;
out:
	if (k != NULL) {
		free(k->path);
		free(k);
	}
	free(wpath);
	return rc;
}

int sys_reg_open(enum sys_reg_root root, const char *path, enum sys_reg_view view, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_reg_open", err);

	if (rc != 0)
		return rc;
	return open_under(root == SYS_REG_HKLM ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER,
		root == SYS_REG_HKLM ? "HKLM" : "HKCU", path, view_sam(view), flags, ret_key, err);
}

int sys_reg_open_sub(struct sys_reg_key *key, const char *name, unsigned flags,
	struct sys_reg_key **ret_key, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_reg_open_sub", err);

	if (rc != 0)
		return rc;
	return open_under(key->h, key->path, name, key->view, flags, ret_key, err);
}

void sys_reg_close(struct sys_reg_key *key)
{
	if (key == NULL)
		return;
	if (key->h != NULL)
		(void)RegCloseKey(key->h);
	free(key->path);
	free(key);
}

int sys_reg_subkey(struct sys_reg_key *key, unsigned index, char **ret_name, struct zh_err *err)
{
	/* Key names are limited to 255 characters by Windows; allow the documented maximum. */
	wchar_t name[256];
	DWORD n = sizeof(name) / sizeof(name[0]);
	LSTATUS st;
	char *s;
	int rc = ZH_FAULT_CHECK("sys_reg_subkey", err);

	if (rc != 0)
		return rc;
	st = RegEnumKeyExW(key->h, index, name, &n, NULL, NULL, NULL, NULL);
	if (st == ERROR_NO_MORE_ITEMS)
		return ZH_ENOENT;
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot list registry key", key->path);
	s = utf8_from_w(name, n);
	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot list registry key '%s'", key->path);
	*ret_name = s;
	return 0;
}

/* Raw read with the size probed first; the value may change between calls, so retry. */
static int get_raw(struct sys_reg_key *key, const char *name, DWORD *ret_type, BYTE **ret_data,
	DWORD *ret_len, struct zh_err *err)
{
	wchar_t *wname = NULL;
	BYTE *data = NULL;
	DWORD type = 0, len = 0;
	LSTATUS st;
	int rc = 0, tries;

	wname = w_from_utf8(name, err);
	if (wname == NULL) {
		rc = err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
		goto out;
	}
	for (tries = 0; tries < 4; tries++) {
		st = RegQueryValueExW(key->h, wname, NULL, &type, NULL, &len);
		if (st == ERROR_FILE_NOT_FOUND) {
			rc = ZH_ENOENT;
			goto out;
		}
		if (st != ERROR_SUCCESS && st != ERROR_MORE_DATA) {
			rc = win_err(err, (unsigned long)st, "cannot read registry value", name);
			goto out;
		}
		if (len > ZH_MAX_REG_VALUE) {
			rc = zh_err_set(err, ZH_ETOOBIG,
				"registry value '%s' in '%s' is %lu bytes, over the limit", name,
				key->path, (unsigned long)len);
			goto out;
		}
		free(data);
		/* Room for two extra NULs: REG_SZ data need not be terminated. */
		data = calloc(1, (size_t)len + 4);
		if (data == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read registry value '%s'", name);
			goto out;
		}
		st = RegQueryValueExW(key->h, wname, NULL, &type, data, &len);
		if (st == ERROR_SUCCESS)
			break;
		if (st != ERROR_MORE_DATA) {
			rc = win_err(err, (unsigned long)st, "cannot read registry value", name);
			goto out;
		}
	}
	if (tries == 4) {
		rc = zh_err_set(err, ZH_EBUSY, "registry value '%s' keeps changing", name);
		goto out;
	}
	*ret_type = type;
	*ret_data = data;
	*ret_len = len;
	data = NULL;
out:
	free(data);
	free(wname);
	return rc;
}

int sys_reg_get(struct sys_reg_key *key, const char *name, enum sys_reg_type *ret_type,
	void **ret_data, size_t *ret_len, struct zh_err *err)
{
	BYTE *data = NULL;
	DWORD type, len;
	int rc = ZH_FAULT_CHECK("sys_reg_get", err);

	if (rc != 0)
		return rc;
	rc = get_raw(key, name, &type, &data, &len, err);
	if (rc != 0)
		return rc;
	*ret_type = (enum sys_reg_type)type;
	*ret_data = data;
	*ret_len = len;
	return 0;
}

int sys_reg_get_str(struct sys_reg_key *key, const char *name, char **ret,
	enum sys_reg_type *ret_type, struct zh_err *err)
{
	BYTE *data = NULL;
	DWORD type, len;
	char *s;
	int rc = ZH_FAULT_CHECK("sys_reg_get_str", err);

	if (rc != 0)
		return rc;
	rc = get_raw(key, name, &type, &data, &len, err);
	if (rc != 0)
		return rc;
	if (type != REG_SZ && type != REG_EXPAND_SZ) {
		free(data);
		return ZH_EBADTYPE;
	}
	/* Stop at the first NUL: data may or may not include the terminator, or more. */
	s = utf8_from_w((const wchar_t *)data, wcsnlen((const wchar_t *)data, len / 2));
	free(data);
	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read registry value '%s'", name);
	*ret = s;
	if (ret_type != NULL)
		*ret_type = (enum sys_reg_type)type;
	return 0;
}

int sys_reg_get_dword(struct sys_reg_key *key, const char *name, uint32_t *ret, struct zh_err *err)
{
	BYTE *data = NULL;
	DWORD type, len;
	int rc = ZH_FAULT_CHECK("sys_reg_get_dword", err);

	if (rc != 0)
		return rc;
	rc = get_raw(key, name, &type, &data, &len, err);
	if (rc != 0)
		return rc;
	if (type != REG_DWORD || len != 4) {
		free(data);
		return ZH_EBADTYPE;
	}
	memcpy(ret, data, 4);
	free(data);
	return 0;
}

int sys_reg_set_raw(struct sys_reg_key *key, const char *name, enum sys_reg_type type,
	const void *data, size_t len, struct zh_err *err)
{
	wchar_t *wname = NULL;
	LSTATUS st;
	int rc = ZH_FAULT_CHANGE("sys_reg_set", err);

	if (rc != 0)
		return rc;
	if (len > ZH_MAX_REG_VALUE)
		return zh_err_set(err, ZH_ETOOBIG, "registry value '%s' too large", name);
	wname = w_from_utf8(name, err);
	if (wname == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	st = RegSetValueExW(key->h, wname, 0, (DWORD)type, data, (DWORD)len);
	free(wname);
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot write registry value", name);
	return 0;
}

int sys_reg_set_str(struct sys_reg_key *key, const char *name, const char *value, int expand,
	struct zh_err *err)
{
	wchar_t *w = w_from_utf8(value, err);
	int rc;

	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	rc = sys_reg_set_raw(key, name, expand ? SYS_REG_EXPAND_SZ : SYS_REG_SZ, w,
		(wcslen(w) + 1) * sizeof(wchar_t), err);
	free(w);
	return rc;
}

int sys_reg_set_dword(struct sys_reg_key *key, const char *name, uint32_t value, struct zh_err *err)
{
	return sys_reg_set_raw(key, name, SYS_REG_DWORD, &value, 4, err);
}

int sys_reg_delete_value(struct sys_reg_key *key, const char *name, struct zh_err *err)
{
	wchar_t *wname = NULL;
	LSTATUS st;
	int rc = ZH_FAULT_CHANGE("sys_reg_delete_value", err);

	if (rc != 0)
		return rc;
	wname = w_from_utf8(name, err);
	if (wname == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	st = RegDeleteValueW(key->h, wname);
	free(wname);
	if (st == ERROR_FILE_NOT_FOUND)
		return ZH_ENOENT;
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot delete registry value", name);
	return 0;
}

int sys_reg_delete_tree(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err)
{
	HKEY base = root == SYS_REG_HKLM ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
	HKEY h = NULL;
	wchar_t *wpath = NULL;
	LSTATUS st;
	int rc = ZH_FAULT_CHANGE("sys_reg_delete_tree", err);

	if (rc != 0)
		return rc;
	wpath = w_from_utf8(path, err);
	if (wpath == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	/* RegDeleteTreeW has no view flag: open the key in the view, empty it, then delete it. */
	st = RegOpenKeyExW(base, wpath, 0, KEY_ALL_ACCESS | view_sam(view), &h);
	if (st == ERROR_FILE_NOT_FOUND) {
		rc = ZH_ENOENT;
		goto out;
	}
	if (st == ERROR_SUCCESS)
		st = RegDeleteTreeW(h, NULL);
	if (st == ERROR_SUCCESS)
		st = RegDeleteKeyExW(base, wpath, view_sam(view), 0);
	if (st != ERROR_SUCCESS)
		rc = win_err(err, (unsigned long)st, "cannot delete registry key", path);
out:
	if (h != NULL)
		(void)RegCloseKey(h);
	free(wpath);
	return rc;
}

int sys_reg_value(struct sys_reg_key *key, unsigned index, char **ret_name,
	enum sys_reg_type *ret_type, void **ret_data, size_t *ret_len, struct zh_err *err)
{
	wchar_t *name = NULL;
	BYTE *data = NULL;
	DWORD nlen, dlen, maxn = 0, maxd = 0, type = 0;
	LSTATUS st;
	char *s = NULL;
	int rc = ZH_FAULT_CHECK("sys_reg_value", err);

	if (rc != 0)
		return rc;
	st = RegQueryInfoKeyW(key->h, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &maxn, &maxd, NULL,
		NULL);
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot examine registry key", key->path);
	if (maxd > ZH_MAX_REG_VALUE)
		maxd = ZH_MAX_REG_VALUE;
	nlen = maxn + 1;
	dlen = maxd;
	name = malloc((size_t)nlen * sizeof(wchar_t));
	data = malloc((size_t)dlen + 4);
	if (name == NULL || data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot list registry key '%s'", key->path);
		goto out;
	}
	st = RegEnumValueW(key->h, index, name, &nlen, NULL, &type, data, &dlen);
	if (st == ERROR_NO_MORE_ITEMS) {
		rc = ZH_ENOENT;
		goto out;
	}
	if (st == ERROR_MORE_DATA) {
		rc = zh_err_set(err, ZH_ETOOBIG, "a value in '%s' is over the size limit",
			key->path);
		goto out;
	}
	if (st != ERROR_SUCCESS) {
		rc = win_err(err, (unsigned long)st, "cannot list registry key", key->path);
		goto out;
	}
	s = utf8_from_w(name, nlen);
	if (s == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot list registry key '%s'", key->path);
		goto out;
	}
	*ret_name = s;
	*ret_type = (enum sys_reg_type)type;
	*ret_len = dlen;
	*ret_data = dlen > 0 ? data : NULL;
	if (dlen > 0)
		data = NULL;
out:
	free(name);
	free(data);
	return rc;
}

int sys_reg_counts(struct sys_reg_key *key, unsigned *ret_subkeys, unsigned *ret_values,
	struct zh_err *err)
{
	DWORD nsub = 0, nval = 0;
	LSTATUS st;
	int rc = ZH_FAULT_CHECK("sys_reg_counts", err);

	if (rc != 0)
		return rc;
	st = RegQueryInfoKeyW(key->h, NULL, NULL, NULL, &nsub, NULL, NULL, &nval, NULL, NULL, NULL,
		NULL);
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot examine registry key", key->path);
	*ret_subkeys = nsub;
	*ret_values = nval;
	return 0;
}

int sys_reg_delete_key(enum sys_reg_root root, const char *path, enum sys_reg_view view,
	struct zh_err *err)
{
	wchar_t *wpath = NULL;
	LSTATUS st;
	int rc = ZH_FAULT_CHANGE("sys_reg_delete_key", err);

	if (rc != 0)
		return rc;
	wpath = w_from_utf8(path, err);
	if (wpath == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	st = RegDeleteKeyExW(root == SYS_REG_HKLM ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER, wpath,
		view_sam(view), 0);
	free(wpath);
	if (st == ERROR_FILE_NOT_FOUND)
		return ZH_ENOENT;
	if (st != ERROR_SUCCESS)
		return win_err(err, (unsigned long)st, "cannot delete registry key", path);
	return 0;
}
