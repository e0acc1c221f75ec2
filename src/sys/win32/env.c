/* SPDX-License-Identifier: MIT */
/* Environment, UI language and the wide command line; see env.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <shellapi.h>

#include "../env.h"
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
