/* SPDX-License-Identifier: MIT */
/*
 * The proxy a download uses, decided as the PC decides it: --proxy first, then the user's
 * Internet Settings (a PAC script or WPAD, then the manual proxy with its ProxyOverride list),
 * then the WinHTTP machine proxy, else direct. The answer says, for people, where it came from.
 * This module only decides; it never connects (fetch.c does, with the URL given here), and it
 * never changes a setting.
 */
#ifndef ZH_PROXY_H
#define ZH_PROXY_H

#include <stddef.h>

#include "err.h"

/* Room for a proxy URL from the PC's settings ("socks5://[v6 address]:65535" fits). */
#define ZH_PROXY_URL_MAX 512

struct zh_proxy {
	char *url; /* for libcurl, "http://host:port" (user:pass@ from --proxy); NULL: direct */
	char how[300]; /* for people, English: where the answer came from (no password in it) */
	int sspi; /* the PC's own proxy: libcurl may answer its challenge with the Windows logon */
};

/*
 * The proxy for a GET of url (http or https, also ftp; a host is required). cli_proxy is
 * --proxy: NULL means the PC's settings, "direct" (any case) means none, anything else is a
 * proxy URL "[scheme://][user:pass@]host[:port]" with scheme http (the default), https,
 * socks4, socks4a, socks5 or socks5h; a missing port is the scheme's usual one (80, 443, 1080).
 *
 * The PC's settings are asked in this order, and the first that answers decides:
 *   1. the user's automatic configuration: auto-detect (WPAD) and/or the AutoConfigURL script,
 *      through the platform's PAC evaluation. If that fails (script unreachable, broken),
 *      the decision goes on to 2 and how says the script failed. WPAD finding no script is
 *      not a failure; it is the usual case on home networks.
 *   2. the user's manual proxy (ProxyEnable=1 and ProxyServer): ProxyOverride is honoured,
 *      and a host it names, or a scheme ProxyServer has no entry for, goes direct.
 *   3. the WinHTTP machine proxy (netsh winhttp set proxy) with its bypass list.
 *   4. direct.
 * With the manual proxy, a request to this PC itself (localhost, 127.0.0.0/8, ::1) goes direct
 * unless ProxyOverride holds "<-loopback>", as WinINet does since IE9.
 *
 * On success *ret is filled (release with zh_proxy_release); on failure it is untouched.
 * Errors: ZH_EINVAL (url has no scheme or host), ZH_EUSAGE (cli_proxy is not a proxy URL),
 * ZH_ENOMEM, or what reading the settings failed with (ZH_EACCES, ZH_EIO). A platform without
 * such settings (posix) is not an error: the answer is direct.
 */
int zh_proxy_for_url(const char *url, const char *cli_proxy, struct zh_proxy *ret,
	struct zh_err *err);

/* Free p->url and empty *p; NULL is a no-op. */
void zh_proxy_release(struct zh_proxy *p);

/*
 * From a ProxyServer string, the proxy for scheme ("https", "http", ...), into out (n bytes).
 * The string is a ';'-separated list (spaces around entries and '=' ignored) of "host:port"
 * (every scheme) or "scheme=host:port" (that scheme only; scheme compared without case); a
 * value may carry "http://" (or https://, socks://, socks4://, socks5://) and a trailing '/'.
 * The entry for scheme wins, then the first entry without a scheme, then "socks=" (WinINet
 * sends every scheme without its own entry there). An http proxy is written
 * "http://host:port" (port 80 if none); "socks=" is SOCKS4 as WinINet means it:
 * "socks4://host:port" (port 1080 if none). IPv6 hosts stay in brackets.
 * Returns 0 with out "" when nothing applies (or proxy_server is NULL or empty), ZH_EPARSE
 * with out "" when the entry that applies is malformed (no host, bad port), ZH_ETOOBIG when
 * out is too small, ZH_EINVAL when scheme or out is NULL or n is 0.
 */
int zh_proxy_pick(const char *proxy_server, const char *scheme, char *out, size_t n);

/*
 * 1 if ProxyOverride (or a WinHTTP bypass list) sends host direct, else 0. Entries are
 * separated by ';' (also ',' and white space); each is compared without case, '*' matches any
 * run of characters (also none, also dots: "*.example.com", "10.*", "127.0.0.*", "*"), and
 * "<local>" matches a host name without a dot (not an IP address). Accepted leniently: a
 * scheme prefix ("https://host", matched for every scheme), a port (":443", matched for every
 * port), a trailing '/', and brackets around an IPv6 address. Other <tokens> such as
 * "<-loopback>" match nothing here (zh_proxy_for_url reads "<-loopback>" itself). host is a bare
 * name or address (no port; IPv6 with or without brackets). NULL or empty inputs give 0.
 */
int zh_proxy_bypassed(const char *host, const char *override_list);

/*
 * A PAC FindProxyForURL answer ("PROXY a:1; SOCKS b:2; DIRECT") to the first entry zhushou can
 * use, into out (n bytes): PROXY and HTTP give "http://host:port", HTTPS "https://host:port",
 * SOCKS and SOCKS4 "socks4://", SOCKS5 "socks5://"; DIRECT (or an empty answer) gives "".
 * Keywords are compared without case; entries that are not understood are skipped.
 * Returns 0, ZH_EPARSE when no entry is usable (out ""), ZH_ETOOBIG when out is too small,
 * ZH_EINVAL for NULL arguments or n 0.
 */
int zh_proxy_from_pac_result(const char *result, char *out, size_t n);

#endif
