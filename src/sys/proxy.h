/* SPDX-License-Identifier: MIT */
/*
 * The PC's proxy settings and its PAC evaluation: the user's Internet Settings (as WinINet
 * and Internet Explorer use them), the script they name or that WPAD finds, evaluated by
 * WinHTTP, and the WinHTTP machine proxy. Read-only. The decision between them is core's
 * (core/proxy.c); this layer only reports what the PC says. posix has none of this and returns
 * ZH_ENOTSUP from every call.
 */
#ifndef ZH_SYS_PROXY_H
#define ZH_SYS_PROXY_H

#include "../core/err.h"
#include "mem.h"

/* The user's settings, as the Internet Options "LAN settings" dialog shows them. */
struct sys_proxy_config {
	int auto_detect; /* "Automatically detect settings" (WPAD) */
	char *autoconfig_url; /* "Use automatic configuration script"; NULL if none */
	int enabled; /* "Use a proxy server" */
	char *server; /* ProxyServer ("host:port" or "http=h:p;https=h:p;..."); NULL if none */
	char *bypass; /* ProxyOverride ("a;*.b;<local>"); NULL if none */
	char where[96]; /* where server/bypass/enabled were read, for people */
	char pac_where[96]; /* where autoconfig_url was read, for people */
};

/*
 * Read the user's settings into *ret (release with sys_proxy_config_release). Windows: the
 * values ProxyEnable, ProxyServer, ProxyOverride and AutoConfigURL of Internet Settings in
 * HKCU, or in HKLM when the ProxySettingsPerUser policy is 0; the connection settings blob
 * (through WinHttpGetIEProxyConfigForCurrentUser) gives "automatically detect" and fills in
 * what the values do not say (no ProxyEnable value, no AutoConfigURL value). A value that is
 * absent or of another type counts as not set.
 * ZH_EACCES or ZH_EIO when the settings cannot be read, ZH_ENOMEM, ZH_ENOTSUP on posix.
 */
int sys_proxy_user(struct sys_proxy_config *ret, struct zh_err *err);

/* Free the strings of *c and empty it; NULL is a no-op. */
void sys_proxy_config_release(struct sys_proxy_config *c);

/*
 * Evaluate the PAC script for url: the one WPAD finds when auto_detect is set (tried first,
 * as WinINet does), else the one at pac_url (may be NULL when auto_detect is set).
 * *ret_result is the answer in FindProxyForURL's own form, "PROXY host:port; PROXY h2:p2" or
 * "DIRECT" (free with sys_free). Windows: WinHttpGetProxyForUrl, the user's logon offered when
 * the script's server asks for it.
 * ZH_ENOENT when auto-detect found no script and there is no pac_url; ZH_ECONNECT when the
 * script cannot be downloaded; ZH_EPARSE when it does not run; ZH_EINVAL for a URL WinHTTP
 * does not take (a file:// script); ZH_EIO otherwise; ZH_ENOTSUP on posix.
 */
int sys_proxy_pac(const char *url, const char *pac_url, int auto_detect, char **ret_result,
	struct zh_err *err);

/*
 * The machine-wide WinHTTP proxy (netsh winhttp set proxy; WinHttpGetDefaultProxyConfiguration):
 * *ret_server is its ProxyServer-style string, NULL for none, and *ret_bypass its bypass list
 * or NULL (both freed with sys_free). ZH_ENOMEM, ZH_EIO, ZH_ENOTSUP on posix.
 */
int sys_proxy_machine(char **ret_server, char **ret_bypass, struct zh_err *err);

#endif
