/* SPDX-License-Identifier: MIT */
/* Shell links through IShellLinkW and IPersistFile (ole32); see shell.h. */
#define COBJMACROS
#include <stdlib.h>
#include <windows.h>
#include <objbase.h>
#include <shlobj.h>

#include "../shell.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

/* COM for this thread; *ret_uninit says whether to CoUninitialize after. */
static int com_init(int *ret_uninit, struct zh_err *err)
{
	HRESULT hr = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);

	*ret_uninit = SUCCEEDED(hr);
	if (FAILED(hr) && hr != RPC_E_CHANGED_MODE)
		return win_err(err, (unsigned long)hr, "cannot start COM", NULL);
	return 0;
}

static int hr_err(struct zh_err *err, HRESULT hr, const char *what, const char *name)
{
	return win_err(err, (unsigned long)hr, what, name);
}

int sys_shell_link_write(const char *path, const char *target, const char *args,
	const char *description, struct zh_err *err)
{
	wchar_t *wp = NULL, *wt = NULL, *wa = NULL, *wd = NULL, *dir = NULL, *sep;
	IShellLinkW *link = NULL;
	IPersistFile *file = NULL;
	HRESULT hr;
	int rc = ZH_FAULT_CHECK("sys_shell_link_write", err), uninit = 0;

	if (rc != 0)
		return rc;
	if ((rc = com_init(&uninit, err)) != 0)
		return rc;
	if ((wp = w_from_utf8(path, err)) == NULL || (wt = w_from_utf8(target, err)) == NULL ||
		(wa = w_from_utf8(args != NULL ? args : "", err)) == NULL ||
		(wd = w_from_utf8(description != NULL ? description : "", err)) == NULL ||
		(dir = w_from_utf8(target, err)) == NULL) {
		rc = err != NULL && err->code != 0 ? err->code : ZH_EINVAL;
		goto out;
	}
	if ((sep = wcsrchr(dir, L'\\')) != NULL)
		*sep = L'\0';
	hr = CoCreateInstance(&CLSID_ShellLink, NULL, CLSCTX_INPROC_SERVER, &IID_IShellLinkW,
		(void **)&link);
	if (FAILED(hr)) {
		rc = hr_err(err, hr, "cannot make a shortcut", path);
		goto out;
	}
	if (FAILED(hr = IShellLinkW_SetPath(link, wt)) ||
		FAILED(hr = IShellLinkW_SetArguments(link, wa)) ||
		FAILED(hr = IShellLinkW_SetWorkingDirectory(link, sep != NULL ? dir : L"")) ||
		FAILED(hr = IShellLinkW_SetDescription(link, wd)) ||
		FAILED(hr = IShellLinkW_QueryInterface(link, &IID_IPersistFile, (void **)&file)) ||
		FAILED(hr = IPersistFile_Save(file, wp, TRUE)))
		rc = hr_err(err, hr, "cannot write the shortcut", path);
out:
	if (file != NULL)
		IPersistFile_Release(file);
	if (link != NULL)
		IShellLinkW_Release(link);
	if (uninit)
		CoUninitialize();
	free(wp);
	free(wt);
	free(wa);
	free(wd);
	free(dir);
	return rc;
}
