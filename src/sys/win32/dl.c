/* SPDX-License-Identifier: MIT */
/* Libraries through LoadLibraryExW; see dl.h. */
#include <stdlib.h>
#include <windows.h>

#include "../dl.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

int sys_dl_open(const char *path, struct sys_dl **ret, struct zh_err *err)
{
	wchar_t *w;
	HMODULE h;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_dl_open", err);

	*ret = NULL;
	if (rc != 0)
		return rc;
	if ((w = w_from_utf8(path, err)) == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EINVAL;
	/* The module's own folder first for its dependencies, as vendors' modules expect. */
	h = LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	e = GetLastError();
	if (h == NULL &&
		(e == ERROR_MOD_NOT_FOUND || e == ERROR_FILE_NOT_FOUND ||
			e == ERROR_PATH_NOT_FOUND) &&
		GetFileAttributesW(w) == INVALID_FILE_ATTRIBUTES) {
		free(w);
		return zh_err_set(err, ZH_ENOENT, "no library '%s'", path);
	}
	free(w);
	if (h == NULL)
		return win_err(err, e, "cannot load the library", path);
	*ret = (struct sys_dl *)h;
	return 0;
}

sys_dl_fn sys_dl_sym(struct sys_dl *h, const char *name)
{
	return (sys_dl_fn)(void (*)(void))GetProcAddress((HMODULE)h, name);
}

void sys_dl_close(struct sys_dl *h)
{
	if (h != NULL)
		FreeLibrary((HMODULE)h);
}
