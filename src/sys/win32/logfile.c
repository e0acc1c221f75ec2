/* SPDX-License-Identifier: MIT */
/* Log files with FILE_APPEND_DATA (appends from several processes stay whole); see logfile.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../logfile.h"
#include "wstr.h"
#include "../../core/banned.h"

struct sys_logfile {
	HANDLE h;
};

/* Create the folders of path (not its last part) that are missing. */
static void make_parents(wchar_t *w)
{
	wchar_t *p;

	for (p = w; *p != L'\0'; p++) {
		if ((*p != L'\\' && *p != L'/') || p == w || p[-1] == L':')
			continue;
		*p = L'\0';
		(void)CreateDirectoryW(w, NULL);
		*p = L'\\';
	}
}

int sys_logfile_open(const char *path, int mkdirs, struct sys_logfile **ret, struct zh_err *err)
{
	wchar_t *w = w_from_utf8(path, err);
	HANDLE h;
	DWORD e;

	*ret = NULL;
	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EINVAL;
	if (mkdirs)
		make_parents(w);
	h = CreateFileW(w, FILE_APPEND_DATA | SYNCHRONIZE,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_ALWAYS,
		FILE_ATTRIBUTE_NORMAL, NULL);
	e = GetLastError();
	free(w);
	if (h == INVALID_HANDLE_VALUE)
		return win_err(err, e, "cannot open the log", path);
	if ((*ret = malloc(sizeof(**ret))) == NULL) {
		CloseHandle(h);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	(*ret)->h = h;
	return 0;
}

int sys_logfile_write(struct sys_logfile *f, const char *s, size_t n)
{
	DWORD done = 0;

	return WriteFile(f->h, s, (DWORD)n, &done, NULL) && done == n ? 0 : ZH_EIO;
}

void sys_logfile_close(struct sys_logfile *f)
{
	if (f == NULL)
		return;
	CloseHandle(f->h);
	free(f);
}

size_t sys_logfile_prune(const char *dir, const char *prefix, const char *limit)
{
	WIN32_FIND_DATAW fd;
	wchar_t *wdir = w_from_utf8(dir, NULL), *pattern, *full;
	size_t n, deleted = 0;
	HANDLE h;

	if (wdir == NULL)
		return 0;
	n = wcslen(wdir);
	if ((pattern = malloc((n + 8) * sizeof(wchar_t))) == NULL) {
		free(wdir);
		return 0;
	}
	memcpy(pattern, wdir, n * sizeof(wchar_t));
	memcpy(pattern + n, L"\\*.log", 7 * sizeof(wchar_t));
	h = FindFirstFileW(pattern, &fd);
	free(pattern);
	while (h != INVALID_HANDLE_VALUE) {
		char *name = utf8_from_w(fd.cFileName, (size_t)-1);

		if (name != NULL && strncmp(name, prefix, strlen(prefix)) == 0 &&
			strcmp(name, limit) < 0 &&
			!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
			(full = malloc((n + wcslen(fd.cFileName) + 2) * sizeof(wchar_t))) != NULL) {
			memcpy(full, wdir, n * sizeof(wchar_t));
			full[n] = L'\\';
			memcpy(full + n + 1, fd.cFileName,
				(wcslen(fd.cFileName) + 1) * sizeof(wchar_t));
			deleted += DeleteFileW(full) ? 1 : 0;
			free(full);
		}
		free(name);
		if (!FindNextFileW(h, &fd)) {
			FindClose(h);
			h = INVALID_HANDLE_VALUE;
		}
	}
	free(wdir);
	return deleted;
}

unsigned long sys_logfile_pid(void)
{
	return GetCurrentProcessId();
}
