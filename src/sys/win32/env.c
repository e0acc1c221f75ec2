/* SPDX-License-Identifier: MIT */
/* Environment, UI language and the wide command line; see env.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shellapi.h>

#include "../env.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

const char *sys_env_ui_lang(void)
{
	/* Chinese in all its variants (zh-CN 0x804, zh-TW 0x404, zh-HK 0xC04, ...). */
	return PRIMARYLANGID(GetUserDefaultUILanguage()) == LANG_CHINESE ? "zh" : "en";
}

int sys_env_get(const char *name, char **ret, struct zh_err *err)
{
	wchar_t *wname = NULL, *val = NULL;
	DWORD n;
	int rc = 0;

	wname = w_from_utf8(name, err);
	if (wname == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	n = GetEnvironmentVariableW(wname, NULL, 0);
	if (n == 0) {
		rc = ZH_ENOENT;
		goto out;
	}
	val = malloc((size_t)n * sizeof(wchar_t));
	if (val == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read variable '%s'", name);
		goto out;
	}
	n = GetEnvironmentVariableW(wname, val, n);
	*ret = utf8_from_w(val, n);
	if (*ret == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read variable '%s'", name);
out:
	free(val);
	free(wname);
	return rc;
}

int sys_env_expand(const char *s, char **ret, struct zh_err *err)
{
	wchar_t *w = NULL, *out = NULL;
	DWORD n;
	int rc = 0;

	w = w_from_utf8(s, err);
	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	n = ExpandEnvironmentStringsW(w, NULL, 0);
	out = n == 0 ? NULL : malloc((size_t)n * sizeof(wchar_t));
	if (out == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot expand '%s'", s);
		goto out;
	}
	(void)ExpandEnvironmentStringsW(w, out, n);
	*ret = utf8_from_w(out, (size_t)-1);
	if (*ret == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot expand '%s'", s);
out:
	free(out);
	free(w);
	return rc;
}

int sys_env_args(int argc, char **argv, int *ret_argc, char ***ret_argv, struct zh_err *err)
{
	wchar_t **wargv;
	char **out = NULL;
	int wargc, i;
	int rc = 0;

	(void)argc;
	(void)argv;
	wargv = CommandLineToArgvW(GetCommandLineW(), &wargc);
	if (wargv == NULL)
		return win_err(err, GetLastError(), "cannot read", "command line");
	out = calloc((size_t)wargc + 1, sizeof(char *));
	if (out == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read command line");
		goto out;
	}
	for (i = 0; i < wargc; i++) {
		out[i] = utf8_from_w(wargv[i], (size_t)-1);
		if (out[i] == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read command line");
			goto out;
		}
	}
	*ret_argc = wargc;
	*ret_argv = out;
	out = NULL;
out:
	if (out != NULL) {
		for (i = 0; i < wargc; i++)
			free(out[i]);
		free(out);
	}
	LocalFree(wargv);
	return rc;
}

int sys_env_is_admin(int *ret, struct zh_err *err)
{
	SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
	PSID admins = NULL;
	BOOL member = FALSE;
	int rc = 0;

	*ret = 0;
#ifdef ZH_FAULTS
	{
		char *v = NULL;
		int as_user = sys_env_get("ZHUSHOU_AS_USER", &v, NULL) == 0 && strcmp(v, "1") == 0;

		free(v);
		if (as_user)
			return 0;
	}
#endif
	if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS,
		    0, 0, 0, 0, 0, 0, &admins))
		return win_err(err, GetLastError(), "cannot make the SID of", "Administrators");
	if (!CheckTokenMembership(NULL, admins, &member))
		rc = win_err(err, GetLastError(), "cannot check the membership of",
			"Administrators");
	FreeSid(admins);
	*ret = rc == 0 && member;
	return rc;
}

int sys_env_exe_path(char **ret, struct zh_err *err)
{
	wchar_t *buf = NULL;
	DWORD cap = MAX_PATH, n = 0;
	int rc = ZH_FAULT_CHECK("sys_env_exe_path", err);

	if (rc != 0)
		return rc;
	/* GetModuleFileNameW truncates silently when the buffer is short: grow until it fits. */
	for (;;) {
		wchar_t *nb = realloc(buf, (size_t)cap * sizeof(wchar_t));

		if (nb == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read this program's path");
			goto out;
		}
		buf = nb;
		n = GetModuleFileNameW(NULL, buf, cap);
		if (n == 0) {
			rc = win_err(err, GetLastError(), "cannot read", "this program's path");
			goto out;
		}
		if (n < cap)
			break;
		if (cap >= 32768) {
			rc = zh_err_set(err, ZH_ETOOBIG, "this program's path is too long");
			goto out;
		}
		cap *= 2;
	}
	*ret = utf8_from_w(buf, n);
	if (*ret == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read this program's path");
out:
	free(buf);
	return rc;
}

int sys_env_restart(struct zh_err *err)
{
	TOKEN_PRIVILEGES tp;
	HANDLE tok = NULL;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_env_restart", err);

	if (rc != 0)
		return rc;
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &tok))
		return win_err(err, GetLastError(), "cannot open the process token for", "restart");
	memset(&tp, 0, sizeof(tp));
	tp.PrivilegeCount = 1;
	tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
	if (!LookupPrivilegeValueW(NULL, SE_SHUTDOWN_NAME, &tp.Privileges[0].Luid) ||
		!AdjustTokenPrivileges(tok, FALSE, &tp, 0, NULL, NULL) ||
		GetLastError() == ERROR_NOT_ALL_ASSIGNED) {
		e = GetLastError();
		CloseHandle(tok);
		return win_err(err, e, "cannot enable the privilege", "SeShutdownPrivilege");
	}
	CloseHandle(tok);
	if (!InitiateSystemShutdownExW(NULL,
		    L"zhushou: \x4FEE\x590D\x9700\x8981\x91CD\x542F\x3002 / a repair needs a "
		    L"restart.",
		    60, FALSE, TRUE,
		    SHTDN_REASON_MAJOR_APPLICATION | SHTDN_REASON_MINOR_INSTALLATION |
			    SHTDN_REASON_FLAG_PLANNED))
		return win_err(err, GetLastError(), "cannot start the restart of", "Windows");
	return 0;
}
