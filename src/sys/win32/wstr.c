/* SPDX-License-Identifier: MIT */
/*
 * Text conversion for the win32 backend. UTF-16 to UTF-8 is done here rather than with
 * WideCharToMultiByte because its handling of unpaired surrogates differs between Windows
 * versions and Wine; we always want U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "wstr.h"
#include "../../core/banned.h"

wchar_t *w_from_utf8(const char *s, struct zh_err *err)
{
	int n;
	wchar_t *w;

	n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
	if (n <= 0) {
		zh_err_set(err, ZH_EINVAL, "text is not valid UTF-8");
		return NULL;
	}
	w = malloc((size_t)n * sizeof(wchar_t));
	if (w == NULL) {
		zh_err_set(err, ZH_ENOMEM, "out of memory converting text");
		return NULL;
	}
	(void)MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

char *utf8_from_w(const wchar_t *w, size_t n)
{
	size_t i, o = 0;
	char *s;

	if (n == (size_t)-1)
		n = wcslen(w);
	/* Each UTF-16 unit yields at most 3 bytes (a pair yields 4 for 2 units). */
	s = malloc(n * 3 + 1);
	if (s == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned long cp = (unsigned short)w[i];

		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < n &&
			(unsigned short)w[i + 1] >= 0xDC00 && (unsigned short)w[i + 1] <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned short)w[i + 1] - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		}
		if (cp < 0x80) {
			s[o++] = (char)cp;
		} else if (cp < 0x800) {
			s[o++] = (char)(0xC0 | (cp >> 6));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			s[o++] = (char)(0xE0 | (cp >> 12));
			s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[o++] = (char)(0xF0 | (cp >> 18));
			s[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
			s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	s[o] = '\0';
	return s;
}

int zh_code_from_win(unsigned long e)
{
	switch (e) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
		return ZH_ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_PRIVILEGE_NOT_HELD:
		return ZH_EACCES;
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return ZH_EBUSY;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ZH_ENOMEM;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ZH_ENOSPC;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
	case ERROR_DIR_NOT_EMPTY:
		return ZH_EEXIST;
	case ERROR_INVALID_PARAMETER:
	case ERROR_INVALID_NAME:
		return ZH_EINVAL;
	default:
		return ZH_EIO;
	}
}

int win_err(struct zh_err *err, unsigned long e, const char *what, const char *name)
{
	wchar_t wmsg[256];
	char *msg = NULL;
	DWORD n;
	int code = zh_code_from_win(e);

	n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0,
		wmsg, sizeof(wmsg) / sizeof(wmsg[0]), NULL);
	while (n > 0 && (wmsg[n - 1] == L'\r' || wmsg[n - 1] == L'\n' || wmsg[n - 1] == L'.'))
		n--;
	if (n > 0)
		msg = utf8_from_w(wmsg, n);
	(void)zh_err_sys(err, code, (long)e, "%s '%s': %s (error %lu)", what, name,
		msg != NULL ? msg : zh_err_str(code, "en"), e);
	free(msg);
	return code;
}
