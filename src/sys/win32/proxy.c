/* SPDX-License-Identifier: MIT */
/*
 * The PC's proxy settings through the registry (sys/reg) and WinHTTP; see proxy.h. Nothing
 * here connects anywhere except WinHttpGetProxyForUrl, which downloads the PAC script.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winhttp.h>

#include "../proxy.h"
#include "../reg.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

#define IS_PATH "Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define IS_POLICY_PATH "Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"

/* A PAC script download must not hold a repair for minutes (WinHTTP's default is 30 s+). */
#define PAC_RESOLVE_MS 10000
#define PAC_CONNECT_MS 10000
#define PAC_SEND_MS 10000
#define PAC_RECEIVE_MS 15000

/* The values of one Internet Settings key; absent or odd-typed values are "not set". */
struct is_values {
	int has_enable;
	uint32_t enable;
	char *server; /* sys_free */
	char *bypass;
	char *autoconfig;
};

static void values_release(struct is_values *v)
{
	sys_free(v->server);
	sys_free(v->bypass);
	sys_free(v->autoconfig);
	memset(v, 0, sizeof(*v));
}

/* ZH_ENOENT and ZH_EBADTYPE are "not set"; anything else is a real failure. */
static int lenient(int rc)
{
	return rc == ZH_ENOENT || rc == ZH_EBADTYPE ? 0 : rc;
}

static int get_str(struct sys_reg_key *k, const char *name, char **ret, struct zh_err *err)
{
	struct zh_err e;
	int rc;

	*ret = NULL;
	zh_err_init(&e);
	rc = sys_reg_get_str(k, name, ret, NULL, &e);
	if (rc == 0 && (*ret)[0] == '\0') {
		/* An empty string says nothing, as a missing value does. */
		sys_free(*ret);
		*ret = NULL;
	}
	rc = lenient(rc);
	if (rc != 0)
		(void)zh_err_set(err, rc, "%s", e.msg);
	return rc;
}

static int read_values(enum sys_reg_root root, struct is_values *v, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct zh_err e;
	int rc;

	memset(v, 0, sizeof(*v));
	zh_err_init(&e);
	rc = sys_reg_open(root, IS_PATH, SYS_REG_VIEW_64, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	zh_err_init(&e);
	rc = sys_reg_get_dword(k, "ProxyEnable", &v->enable, &e);
	v->has_enable = rc == 0;
	if ((rc = lenient(rc)) != 0) {
		(void)zh_err_set(err, rc, "%s", e.msg);
		goto out;
	}
	if ((rc = get_str(k, "ProxyServer", &v->server, err)) != 0 ||
		(rc = get_str(k, "ProxyOverride", &v->bypass, err)) != 0 ||
		(rc = get_str(k, "AutoConfigURL", &v->autoconfig, err)) != 0)
		goto out;
out:
	sys_reg_close(k);
	if (rc != 0)
		values_release(v);
	return rc;
}

/* HKLM when the ProxySettingsPerUser policy is 0 ("make proxy settings per-machine"). */
static int settings_root(enum sys_reg_root *ret, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct zh_err e;
	uint32_t v = 1;
	int rc;

	*ret = SYS_REG_HKCU;
	zh_err_init(&e);
	rc = sys_reg_open(SYS_REG_HKLM, IS_POLICY_PATH, SYS_REG_VIEW_64, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	zh_err_init(&e);
	rc = sys_reg_get_dword(k, "ProxySettingsPerUser", &v, &e);
	sys_reg_close(k);
	if (rc == 0 && v == 0)
		*ret = SYS_REG_HKLM;
	if ((rc = lenient(rc)) != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	return 0;
}

/* A WinHTTP string (may be NULL) as UTF-8; frees w. *ok is cleared when memory is short. */
static char *take_w(wchar_t *w, int *ok)
{
	char *s = NULL;

	if (w != NULL && w[0] != L'\0') {
		s = utf8_from_w(w, (size_t)-1);
		if (s == NULL)
			*ok = 0;
	}
	if (w != NULL)
		GlobalFree(w);
	return s;
}

int sys_proxy_user(struct sys_proxy_config *ret, struct zh_err *err)
{
	WINHTTP_CURRENT_USER_IE_PROXY_CONFIG ie;
	struct sys_proxy_config c;
	struct is_values v;
	enum sys_reg_root root;
	char *ie_auto = NULL, *ie_server = NULL, *ie_bypass = NULL;
	const char *hive;
	int ok = 1, rc = ZH_FAULT_CHECK("sys_proxy_user", err);

	if (rc != 0)
		return rc;
	memset(&c, 0, sizeof(c));
	memset(&v, 0, sizeof(v));
	if ((rc = settings_root(&root, err)) != 0 || (rc = read_values(root, &v, err)) != 0)
		goto out;
	hive = root == SYS_REG_HKLM ? "HKLM Internet Settings, ProxySettingsPerUser=0"
				    : "HKCU Internet Settings";
	/*
	 * The connection settings blob (Connections\DefaultConnectionSettings) is what the LAN
	 * settings dialog writes; only it holds "automatically detect". A failure here means the
	 * user has no such settings, so it is not an error.
	 */
	memset(&ie, 0, sizeof(ie));
	if (WinHttpGetIEProxyConfigForCurrentUser(&ie)) {
		c.auto_detect = ie.fAutoDetect != FALSE;
		ie_auto = take_w(ie.lpszAutoConfigUrl, &ok);
		ie_server = take_w(ie.lpszProxy, &ok);
		ie_bypass = take_w(ie.lpszProxyBypass, &ok);
	}
	if (v.autoconfig != NULL) {
		c.autoconfig_url = v.autoconfig;
		v.autoconfig = NULL;
		(void)snprintf(c.pac_where, sizeof(c.pac_where), "AutoConfigURL, %s", hive);
	} else if (ie_auto != NULL) {
		c.autoconfig_url = ie_auto;
		ie_auto = NULL;
		(void)snprintf(c.pac_where, sizeof(c.pac_where), "IE connection settings");
	} else if (c.auto_detect) {
		(void)snprintf(c.pac_where, sizeof(c.pac_where), "IE connection settings");
	}
	if (v.has_enable) {
		/* The values were written by someone who meant them: they decide. */
		c.enabled = v.enable != 0;
		c.server = v.server;
		c.bypass = v.bypass;
		v.server = v.bypass = NULL;
		(void)snprintf(c.where, sizeof(c.where), "%s", hive);
	} else if (ie_server != NULL) {
		c.enabled = 1;
		c.server = ie_server;
		c.bypass = ie_bypass;
		ie_server = ie_bypass = NULL;
		(void)snprintf(c.where, sizeof(c.where), "IE connection settings");
	} else {
		(void)snprintf(c.where, sizeof(c.where), "%s", hive);
	}
	if (!ok) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read the proxy settings");
		goto out;
	}
	*ret = c;
	memset(&c, 0, sizeof(c));
out:
	sys_proxy_config_release(&c);
	values_release(&v);
	sys_free(ie_auto);
	sys_free(ie_server);
	sys_free(ie_bypass);
	return rc;
}

void sys_proxy_config_release(struct sys_proxy_config *c)
{
	if (c == NULL)
		return;
	sys_free(c->autoconfig_url);
	sys_free(c->server);
	sys_free(c->bypass);
	memset(c, 0, sizeof(*c));
}

/* WinHTTP's auto-proxy errors, which FormatMessage does not know without winhttp's module. */
static int pac_err(struct zh_err *err, DWORD e, const char *what)
{
	const char *why;
	int code;

	switch (e) {
	case ERROR_WINHTTP_AUTODETECTION_FAILED:
		code = ZH_ENOENT;
		why = "automatic detection (WPAD) found no proxy script";
		break;
	case ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT:
	case ERROR_WINHTTP_CANNOT_CONNECT:
	case ERROR_WINHTTP_NAME_NOT_RESOLVED:
	case ERROR_WINHTTP_TIMEOUT:
		code = ZH_ECONNECT;
		why = "the proxy script cannot be downloaded";
		break;
	case ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT:
		code = ZH_EPARSE;
		why = "the proxy script does not run";
		break;
	case ERROR_WINHTTP_UNRECOGNIZED_SCHEME:
		code = ZH_EINVAL;
		why = "WinHTTP does not download proxy scripts from such a URL";
		break;
	case ERROR_WINHTTP_LOGIN_FAILURE:
		code = ZH_EACCES;
		why = "the proxy script's server refused the Windows logon";
		break;
	case ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR:
		code = ZH_EIO;
		why = "the WinHTTP auto-proxy service failed";
		break;
	default:
		return win_err(err, e, "cannot evaluate the proxy script", what);
	}
	return zh_err_sys(err, code, (long)e, "%s '%s' (error %lu)", why, what, (unsigned long)e);
}

/* WinHTTP's answer ("h:p" or "h:p;h2:p2", or no proxy) in FindProxyForURL's form. */
static char *pac_form(const WINHTTP_PROXY_INFO *info)
{
	char *list = NULL, *s = NULL, *p;
	size_t n, o = 0;

	if (info->dwAccessType != WINHTTP_ACCESS_TYPE_NAMED_PROXY || info->lpszProxy == NULL ||
		info->lpszProxy[0] == L'\0') {
		s = malloc(sizeof("DIRECT"));
		if (s != NULL)
			memcpy(s, "DIRECT", sizeof("DIRECT"));
		return s;
	}
	list = utf8_from_w(info->lpszProxy, (size_t)-1);
	if (list == NULL)
		return NULL;
	/* Every entry gains at most "; PROXY " (8 bytes), and an entry is at least 1 byte. */
	n = strlen(list) * 9 + 1;
	s = malloc(n);
	if (s == NULL)
		goto out;
	s[0] = '\0';
	for (p = list; *p != '\0';) {
		size_t len;

		p += strspn(p, "; \t");
		len = strcspn(p, "; \t");
		if (len == 0)
			break;
		o += (size_t)snprintf(s + o, n - o, "%sPROXY %.*s", o > 0 ? "; " : "", (int)len, p);
		p += len;
	}
out:
	free(list);
	return s;
}

/*
 * One WinHttpGetProxyForUrl, in Microsoft's documented order: first without credentials, and
 * only when the script's server asks for a logon, again offering the user's (NTLM/Negotiate).
 * Returns 0 or the Windows error.
 */
static DWORD get_proxy(HINTERNET ses, const wchar_t *url, DWORD flags, const wchar_t *pac,
	WINHTTP_PROXY_INFO *info)
{
	WINHTTP_AUTOPROXY_OPTIONS opt;

	memset(&opt, 0, sizeof(opt));
	opt.dwFlags = flags;
	if (flags & WINHTTP_AUTOPROXY_AUTO_DETECT)
		opt.dwAutoDetectFlags =
			WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A;
	opt.lpszAutoConfigUrl = pac;
	opt.fAutoLogonIfChallenged = FALSE;
	if (WinHttpGetProxyForUrl(ses, url, &opt, info))
		return 0;
	if (GetLastError() != ERROR_WINHTTP_LOGIN_FAILURE)
		return GetLastError();
	opt.fAutoLogonIfChallenged = TRUE;
	if (WinHttpGetProxyForUrl(ses, url, &opt, info))
		return 0;
	return GetLastError();
}

int sys_proxy_pac(const char *url, const char *pac_url, int auto_detect, char **ret_result,
	struct zh_err *err)
{
	WINHTTP_PROXY_INFO info;
	HINTERNET ses = NULL;
	wchar_t *wurl = NULL, *wpac = NULL;
	char *res = NULL;
	DWORD e = ERROR_WINHTTP_AUTODETECTION_FAILED;
	int rc = ZH_FAULT_CHECK("sys_proxy_pac", err);

	if (rc != 0)
		return rc;
	memset(&info, 0, sizeof(info));
	if (pac_url == NULL && !auto_detect)
		return zh_err_set(err, ZH_EINVAL, "no proxy script to evaluate");
	wurl = w_from_utf8(url, err);
	if (wurl == NULL || (pac_url != NULL && (wpac = w_from_utf8(pac_url, err)) == NULL)) {
		rc = err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
		goto out;
	}
	ses = WinHttpOpen(L"zhushou", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
		WINHTTP_NO_PROXY_BYPASS, 0);
	if (ses == NULL) {
		rc = win_err(err, GetLastError(), "cannot start WinHTTP for", url);
		goto out;
	}
	(void)WinHttpSetTimeouts(ses, PAC_RESOLVE_MS, PAC_CONNECT_MS, PAC_SEND_MS, PAC_RECEIVE_MS);
	/*
	 * WPAD first, then the configured script, as WinINet does. Windows takes both flags in
	 * one call with that meaning; Wine 8 refuses the pair (ERROR_INVALID_PARAMETER), so they
	 * are two calls everywhere.
	 */
	if (auto_detect)
		e = get_proxy(ses, wurl, WINHTTP_AUTOPROXY_AUTO_DETECT, NULL, &info);
	if ((!auto_detect || e != 0) && wpac != NULL)
		e = get_proxy(ses, wurl, WINHTTP_AUTOPROXY_CONFIG_URL, wpac, &info);
	if (e != 0) {
		rc = pac_err(err, e, pac_url != NULL ? pac_url : "WPAD");
		goto out;
	}
	res = pac_form(&info);
	if (res == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot evaluate the proxy script for '%s'", url);
		goto out;
	}
	*ret_result = res;
out:
	if (info.lpszProxy != NULL)
		GlobalFree(info.lpszProxy);
	if (info.lpszProxyBypass != NULL)
		GlobalFree(info.lpszProxyBypass);
	if (ses != NULL)
		WinHttpCloseHandle(ses);
	free(wurl);
	free(wpac);
	return rc;
}

int sys_proxy_machine(char **ret_server, char **ret_bypass, struct zh_err *err)
{
	WINHTTP_PROXY_INFO info;
	char *server = NULL, *bypass = NULL;
	int ok = 1, rc = ZH_FAULT_CHECK("sys_proxy_machine", err);

	if (rc != 0)
		return rc;
	memset(&info, 0, sizeof(info));
	if (!WinHttpGetDefaultProxyConfiguration(&info))
		return win_err(err, GetLastError(), "cannot read", "the WinHTTP machine proxy");
	if (info.dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY) {
		server = take_w(info.lpszProxy, &ok);
		bypass = take_w(info.lpszProxyBypass, &ok);
	} else {
		if (info.lpszProxy != NULL)
			GlobalFree(info.lpszProxy);
		if (info.lpszProxyBypass != NULL)
			GlobalFree(info.lpszProxyBypass);
	}
	if (!ok) {
		free(server);
		free(bypass);
		return zh_err_set(err, ZH_ENOMEM, "cannot read the WinHTTP machine proxy");
	}
	*ret_server = server;
	*ret_bypass = bypass;
	return 0;
}
