/* SPDX-License-Identifier: MIT */
/*
 * Files through the W API. Paths longer than MAX_PATH get the \\?\ prefix (which also needs
 * backslashes and an absolute path), as curl's fix_excessive_path does.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../fs.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

/* A wide path with '/' turned into '\' and \\?\ added when it is long. */
static wchar_t *wpath(const char *path, struct zh_err *err)
{
	wchar_t *w = w_from_utf8(path, err), *full = NULL, *p;
	DWORD n;

	if (w == NULL)
		return NULL;
	for (p = w; *p != L'\0'; p++)
		if (*p == L'/')
			*p = L'\\';
	if (wcslen(w) < MAX_PATH - 12 || wcsncmp(w, L"\\\\?\\", 4) == 0)
		return w;
	n = GetFullPathNameW(w, 0, NULL, NULL);
	full = n == 0 ? NULL : malloc(((size_t)n + 8) * sizeof(wchar_t));
	if (full == NULL) {
		free(w);
		zh_err_set(err, ZH_ENOMEM, "cannot resolve path '%s'", path);
		return NULL;
	}
	if (wcsncmp(w, L"\\\\", 2) == 0) {
		/* \\server\share -> \\?\UNC\server\share */
		wcscpy(full, L"\\\\?\\UNC");
		(void)GetFullPathNameW(w + 1, n, full + 7, NULL);
	} else {
		wcscpy(full, L"\\\\?\\");
		(void)GetFullPathNameW(w, n, full + 4, NULL);
	}
	free(w);
	return full;
}

int sys_fs_stat(const char *path, enum sys_fs_kind *ret_kind, int64_t *ret_size, struct zh_err *err)
{
	WIN32_FILE_ATTRIBUTE_DATA fa;
	wchar_t *w;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_fs_stat", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &fa)) {
		e = GetLastError();
		free(w);
		if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ||
			e == ERROR_INVALID_NAME || e == ERROR_BAD_NETPATH) {
			*ret_kind = SYS_FS_NONE;
			if (ret_size != NULL)
				*ret_size = 0;
			return 0;
		}
		return win_err(err, e, "cannot examine", path);
	}
	free(w);
	if (fa.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT)
		*ret_kind = SYS_FS_OTHER;
	else if (fa.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		*ret_kind = SYS_FS_DIR;
	else
		*ret_kind = SYS_FS_FILE;
	if (ret_size != NULL)
		*ret_size = ((int64_t)fa.nFileSizeHigh << 32) | fa.nFileSizeLow;
	return 0;
}

int sys_fs_read_head(const char *path, size_t max, void **ret_data, size_t *ret_len,
	struct zh_err *err)
{
	HANDLE h = INVALID_HANDLE_VALUE;
	wchar_t *w = NULL;
	char *data = NULL;
	size_t len = 0;
	DWORD got;
	int rc = ZH_FAULT_CHECK("sys_fs_read_head", err);

	if (rc != 0)
		return rc;
	w = wpath(path, err);
	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		rc = win_err(err, GetLastError(), "cannot open", path);
		goto out;
	}
	data = malloc(max + 1);
	if (data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
		goto out;
	}
	while (len < max) {
		DWORD want = max - len > 1 << 20 ? 1 << 20 : (DWORD)(max - len);

		if (!ReadFile(h, data + len, want, &got, NULL)) {
			rc = win_err(err, GetLastError(), "cannot read", path);
			goto out;
		}
		if (got == 0)
			break;
		len += got;
	}
	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	data = NULL;
out:
	free(data);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	free(w);
	return rc;
}
