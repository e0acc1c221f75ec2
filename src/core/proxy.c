/* SPDX-License-Identifier: MIT */
/*
 * Which proxy a download uses; see proxy.h for the order of the decision. The string rules
 * (ProxyServer, ProxyOverride, PAC answers) are WinINet's, implemented here so that they are
 * the same on every platform and testable natively; the platform only reports the settings
 * (sys/proxy.h). Nothing here connects anywhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proxy.h"
#include "mem.h"
#include "../sys/proxy.h"
#include "banned.h"

#define MAX_SCHEME 16
#define MAX_HOST 256

/* The parts of a request URL the decision needs. */
struct url_parts {
	char scheme[MAX_SCHEME]; /* lower case */
	char host[MAX_HOST]; /* without brackets */
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The n bytes at a equal the string b, ASCII case aside. */
static int slice_ieq(const char *a, size_t n, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] == '\0' || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return b[n] == '\0';
}

/* Trim white space from both ends of the slice *s, *n. */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/*
 * The next entry of a list separated by any of seps, trimmed, from *p (which moves past it):
 * *ret_e, *ret_n. 0 when the list is done; empty entries are skipped.
 */
static int next_entry(const char **p, const char *seps, const char **ret_e, size_t *ret_n)
{
	while (**p != '\0') {
		const char *e = *p;
		size_t n = strcspn(*p, seps);

		*p += n;
		if (**p != '\0')
			(*p)++;
		trim(&e, &n);
		if (n > 0) {
			*ret_e = e;
			*ret_n = n;
			return 1;
		}
	}
	return 0;
}

/*
 * '*' matches any run (also empty); everything else one character, ASCII case aside.
 * Iterative with one backtrack point: linear in practice, never exponential.
 */
static int glob_ieq(const char *p, size_t np, const char *s, size_t ns)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;

	while (j < ns) {
		if (i < np && p[i] == '*') {
			star = i++;
			mark = j;
		} else if (i < np && lower((unsigned char)p[i]) == lower((unsigned char)s[j])) {
			i++;
			j++;
		} else if (star != (size_t)-1) {
			i = star + 1;
			j = ++mark;
		} else {
			return 0;
		}
	}
	while (i < np && p[i] == '*')
		i++;
	return i == np;
}

static const struct {
	const char *name;
	const char *canon;
	unsigned port;
} proxy_schemes[] = {
	{"http", "http", 80},
	{"https", "https", 443},
	{"socks", "socks4", 1080},
	{"socks4", "socks4", 1080},
	{"socks4a", "socks4a", 1080},
	{"socks5", "socks5", 1080},
	{"socks5h", "socks5h", 1080},
};

static int find_scheme(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(proxy_schemes) / sizeof(proxy_schemes[0]); i++)
		if (slice_ieq(s, n, proxy_schemes[i].name))
			return (int)i;
	return -1;
}

static int host_char(int c, int v6)
{
	if (v6)
		return is_digit(c) || is_alpha(c) || c == ':' || c == '.' || c == '%';
	return is_digit(c) || is_alpha(c) || c == '-' || c == '.' || c == '_';
}

/*
 * One proxy "[scheme://][user:pass@]host[:port][/...]" (the n bytes at s) to
 * "scheme://[user:pass@]host:port" in out. def names the scheme when none is written.
 * Userinfo only when allow_user. ZH_EPARSE when malformed, ZH_ETOOBIG when out is short.
 */
static int norm_proxy(const char *s, size_t n, const char *def, int allow_user, char *out,
	size_t nout)
{
	const char *end, *p, *host, *user = NULL, *sep;
	size_t nhost, nuser = 0;
	unsigned long port = 0;
	int k, v6 = 0, w;

	trim(&s, &n);
	end = s + n;
	sep = NULL;
	for (p = s; p + 3 <= end; p++)
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			sep = p;
			break;
		}
	if (sep != NULL) {
		k = find_scheme(s, (size_t)(sep - s));
		s = sep + 3;
	} else {
		k = find_scheme(def, strlen(def));
	}
	if (k < 0)
		return ZH_EPARSE;
	/* The authority ends at the first '/' (a path, ignored: "http://h:3128/"). */
	for (p = s; p < end && *p != '/'; p++)
		if (*p == '@')
			user = p;
	end = p;
	if (user != NULL) {
		if (!allow_user || user == s)
			return ZH_EPARSE;
		nuser = (size_t)(user - s) + 1;
		user = s;
		s += nuser;
	}
	host = s;
	if (s < end && *s == '[') {
		v6 = 1;
		host = ++s;
		while (s < end && *s != ']')
			s++;
		if (s == end)
			return ZH_EPARSE;
		nhost = (size_t)(s - host);
		s++;
	} else {
		while (s < end && *s != ':')
			s++;
		nhost = (size_t)(s - host);
	}
	if (nhost == 0 || nhost >= MAX_HOST)
		return ZH_EPARSE;
	for (p = host; p < host + nhost; p++)
		if (!host_char((unsigned char)*p, v6))
			return ZH_EPARSE;
	if (s < end) {
		if (*s++ != ':' || s == end || end - s > 5)
			return ZH_EPARSE;
		for (; s < end; s++) {
			if (!is_digit((unsigned char)*s))
				return ZH_EPARSE;
			port = port * 10 + (unsigned long)(*s - '0');
		}
		if (port == 0 || port > 65535)
			return ZH_EPARSE;
	} else {
		port = proxy_schemes[k].port;
	}
	w = snprintf(out, nout, "%s://%.*s%s%.*s%s:%lu", proxy_schemes[k].canon, (int)nuser,
		user != NULL ? user : "", v6 ? "[" : "", (int)nhost, host, v6 ? "]" : "", port);
	if (w < 0 || (size_t)w >= nout) {
		out[0] = '\0';
		return ZH_ETOOBIG;
	}
	return 0;
}

int zh_proxy_pick(const char *proxy_server, const char *scheme, char *out, size_t n)
{
	const char *p, *e, *best = NULL, *generic = NULL, *socks = NULL;
	size_t ne, nbest = 0, ngeneric = 0, nsocks = 0;
	int rc;

	if (scheme == NULL || out == NULL || n == 0)
		return ZH_EINVAL;
	out[0] = '\0';
	if (proxy_server == NULL)
		return 0;
	for (p = proxy_server; next_entry(&p, ";", &e, &ne);) {
		const char *eq, *key, *val;
		size_t nkey, nval;

		eq = memchr(e, '=', ne);
		if (eq == NULL) {
			if (generic == NULL) {
				generic = e;
				ngeneric = ne;
			}
			continue;
		}
		key = e;
		nkey = (size_t)(eq - e);
		val = eq + 1;
		nval = ne - nkey - 1;
		trim(&key, &nkey);
		trim(&val, &nval);
		if (best == NULL && slice_ieq(key, nkey, scheme)) {
			best = val;
			nbest = nval;
		} else if (socks == NULL && slice_ieq(key, nkey, "socks")) {
			socks = val;
			nsocks = nval;
		}
	}
	if (best != NULL)
		rc = norm_proxy(best, nbest, "http", 0, out, n);
	else if (generic != NULL)
		rc = norm_proxy(generic, ngeneric, "http", 0, out, n);
	else if (socks != NULL)
		rc = norm_proxy(socks, nsocks, "socks", 0, out, n);
	else
		return 0;
	if (rc != 0)
		out[0] = '\0';
	return rc;
}

/*
 * The ProxyOverride entry matching host, or NULL; *ret_len is its length. The entry is
 * returned as written (trimmed), for messages.
 */
static const char *bypass_match(const char *host, const char *list, size_t *ret_len)
{
	char h[MAX_HOST];
	size_t nh = host != NULL ? strlen(host) : 0;
	const char *p;

	if (host == NULL || list == NULL || nh == 0)
		return NULL;
	if (host[0] == '[' && host[nh - 1] == ']') {
		host++;
		nh -= 2;
	}
	if (nh == 0 || nh >= sizeof(h))
		return NULL;
	memcpy(h, host, nh);
	h[nh] = '\0';
	for (p = list; *p != '\0';) {
		const char *e, *pat, *q;
		size_t ne, np, colons = 0;

		p += strspn(p, ";, \t\r\n");
		e = p;
		ne = strcspn(p, ";, \t\r\n");
		p += ne;
		if (ne == 0)
			continue;
		if (e[0] == '<') {
			/* <local>: a plain name, no dot; an IPv6 address has no dot either. */
			if (slice_ieq(e, ne, "<local>") && strchr(h, '.') == NULL &&
				strchr(h, ':') == NULL) {
				*ret_len = ne;
				return e;
			}
			continue;
		}
		pat = e;
		np = ne;
		for (q = pat; q + 3 <= pat + np; q++)
			if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
				np -= (size_t)(q + 3 - pat);
				pat = q + 3;
				break;
			}
		if ((q = memchr(pat, '/', np)) != NULL)
			np = (size_t)(q - pat);
		if (np > 0 && pat[0] == '[') {
			if ((q = memchr(pat, ']', np)) == NULL)
				continue;
			np = (size_t)(q - pat) - 1;
			pat++;
		} else {
			for (q = pat; q < pat + np; q++)
				colons += *q == ':';
			/* One colon is a port ("host:443"); more are an IPv6 address. */
			if (colons == 1)
				np = (size_t)((const char *)memchr(pat, ':', np) - pat);
		}
		if (np > 0 && glob_ieq(pat, np, h, nh)) {
			*ret_len = ne;
			return e;
		}
	}
	return NULL;
}

int zh_proxy_bypassed(const char *host, const char *override_list)
{
	size_t n;

	return bypass_match(host, override_list, &n) != NULL;
}

int zh_proxy_from_pac_result(const char *result, char *out, size_t n)
{
	static const struct {
		const char *kw;
		const char *scheme;
	} kws[] = {
		{"PROXY", "http"},
		{"HTTP", "http"},
		{"HTTPS", "https"},
		{"SOCKS", "socks4"},
		{"SOCKS4", "socks4"},
		{"SOCKS5", "socks5"},
	};
	const char *p, *e;
	size_t ne;
	int any = 0;

	if (result == NULL || out == NULL || n == 0)
		return ZH_EINVAL;
	out[0] = '\0';
	for (p = result; next_entry(&p, ";", &e, &ne);) {
		const char *arg;
		size_t nkw, narg, i;
		int rc;

		any = 1;
		for (nkw = 0; nkw < ne && !is_space((unsigned char)e[nkw]);)
			nkw++;
		arg = e + nkw;
		narg = ne - nkw;
		trim(&arg, &narg);
		if (slice_ieq(e, nkw, "DIRECT") && narg == 0)
			return 0;
		for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
			if (slice_ieq(e, nkw, kws[i].kw))
				break;
		/* The argument is host:port only; a scheme inside it is not PAC. */
		if (i == sizeof(kws) / sizeof(kws[0]) || narg == 0 ||
			memchr(arg, '/', narg) != NULL)
			continue;
		rc = norm_proxy(arg, narg, kws[i].scheme, 0, out, n);
		if (rc == 0 || rc == ZH_ETOOBIG)
			return rc;
	}
	out[0] = '\0';
	/* An empty answer means DIRECT, as browsers take it. */
	return any ? ZH_EPARSE : 0;
}

/* snprintf where cutting the text short is intended (how and its notes are for people). */
static void put(char *buf, size_t n, const char *fmt, ...) ZH_FORMAT(3, 4);

static void put(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

#define say(p, ...) put((p)->how, sizeof((p)->how), __VA_ARGS__)

/* Append to p->how what is worth knowing besides the answer (a PAC script that failed). */
static void say_more(struct zh_proxy *p, const char *note)
{
	size_t n = strlen(p->how);

	if (note[0] != '\0' && n < sizeof(p->how))
		put(p->how + n, sizeof(p->how) - n, "; %s", note);
}

static int parse_url(const char *url, struct url_parts *u, struct zh_err *err)
{
	const char *p = url, *host, *s;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (url == NULL)
		return zh_err_set(err, ZH_EINVAL, "no URL to choose a proxy for");
	while (is_alpha((unsigned char)*p) || is_digit((unsigned char)*p) || *p == '+' ||
		*p == '-' || *p == '.')
		p++;
	n = (size_t)(p - url);
	if (n == 0 || n >= sizeof(u->scheme) || strncmp(p, "://", 3) != 0)
		return zh_err_set(err, ZH_EINVAL, "'%s' is not a URL with a scheme and a host",
			url);
	for (s = url; s < p; s++)
		u->scheme[s - url] = (char)lower((unsigned char)*s);
	host = p + 3;
	n = strcspn(host, "/?#");
	/* Userinfo in the request URL is not the host. */
	for (s = host + n; s > host; s--)
		if (s[-1] == '@') {
			n -= (size_t)(s - host);
			host = s;
			break;
		}
	if (n > 0 && host[0] == '[') {
		s = memchr(host, ']', n);
		if (s == NULL)
			return zh_err_set(err, ZH_EINVAL, "'%s' has a malformed IPv6 address", url);
		host++;
		n = (size_t)(s - host);
	} else {
		s = memchr(host, ':', n);
		if (s != NULL)
			n = (size_t)(s - host);
	}
	if (n == 0 || n >= sizeof(u->host))
		return zh_err_set(err, ZH_EINVAL, "'%s' is not a URL with a scheme and a host",
			url);
	memcpy(u->host, host, n);
	u->host[n] = '\0';
	return 0;
}

/* "--proxy URL" for people: the password, if any, as "***". */
static void say_cli(struct zh_proxy *p, const char *url)
{
	const char *at = strrchr(url, '@'), *auth = strstr(url, "://"), *colon;

	auth = auth != NULL ? auth + 3 : url;
	colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL)
		say(p, "--proxy %s", url);
	else
		say(p, "--proxy %.*s:***%s", (int)(colon - url), url, at);
}

static int from_cli(const char *cli, struct zh_proxy *p, struct zh_err *err)
{
	char buf[ZH_PROXY_URL_MAX];
	int rc;

	if (slice_ieq(cli, strlen(cli), "direct")) {
		say(p, "--proxy direct");
		return 0;
	}
	rc = norm_proxy(cli, strlen(cli), "http", 1, buf, sizeof(buf));
	if (rc != 0) {
		/* The value may hold a password: never echo one. */
		if (strchr(cli, '@') != NULL)
			return zh_err_set(err, ZH_EUSAGE,
				"--proxy is not a proxy URL "
				"([http://][user:password@]host[:port])");
		return zh_err_set(err, ZH_EUSAGE,
			"--proxy '%s' is not a proxy URL ([http://][user:password@]host[:port])",
			cli);
	}
	p->url = zh_strdup(buf);
	if (p->url == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot choose a proxy");
	say_cli(p, buf);
	return 0;
}

/* A proxy from the PC's settings: libcurl may answer its challenge with the Windows logon. */
static int use(struct zh_proxy *p, const char *url, struct zh_err *err)
{
	p->url = zh_strdup(url);
	if (p->url == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot choose a proxy");
	p->sspi = 1;
	return 0;
}

/*
 * The PAC step. *ret_done when it decided; otherwise note says why it did not (empty when
 * there is nothing worth saying: no script configured, or WPAD found none).
 */
static int from_pac(const char *url, const struct sys_proxy_config *cfg, struct zh_proxy *p,
	int *ret_done, char *note, size_t nnote, struct zh_err *err)
{
	char src[200], buf[ZH_PROXY_URL_MAX];
	char *result = NULL;
	struct zh_err e;
	int rc;

	*ret_done = 0;
	note[0] = '\0';
	if (cfg->autoconfig_url != NULL && cfg->auto_detect)
		put(src, sizeof(src), "WPAD or %s", cfg->autoconfig_url);
	else if (cfg->autoconfig_url != NULL)
		put(src, sizeof(src), "%s", cfg->autoconfig_url);
	else
		put(src, sizeof(src), "found by WPAD");
	zh_err_init(&e);
	rc = sys_proxy_pac(url, cfg->autoconfig_url, cfg->auto_detect, &result, &e);
	if (rc == ZH_ENOMEM)
		return zh_err_set(err, rc, "%s", e.msg);
	if (rc == ZH_ENOENT && cfg->autoconfig_url == NULL)
		return 0;
	if (rc != 0) {
		put(note, nnote, "PAC %s failed: %s", src, e.msg);
		return 0;
	}
	rc = zh_proxy_from_pac_result(result, buf, sizeof(buf));
	if (rc != 0) {
		put(note, nnote, "PAC %s answered '%s', nothing usable", src, result);
		sys_free(result);
		return 0;
	}
	sys_free(result);
	*ret_done = 1;
	if (buf[0] == '\0') {
		say(p, "direct: PAC %s says DIRECT (%s)", src, cfg->pac_where);
		return 0;
	}
	say(p, "PAC %s (%s)", src, cfg->pac_where);
	return use(p, buf, err);
}

/* localhost, 127.0.0.0/8 or ::1: this PC. */
static int is_loopback(const char *host)
{
	return slice_ieq(host, strlen(host), "localhost") || strncmp(host, "127.", 4) == 0 ||
		strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0;
}

/* Does the list hold the token "<-loopback>" (any case)? */
static int has_minus_loopback(const char *list)
{
	static const char tok[] = "<-loopback>";
	const char *q;

	for (q = list; q != NULL && *q != '\0'; q++)
		if (slice_ieq(q, sizeof(tok) - 1, tok))
			return 1;
	return 0;
}

/*
 * The manual proxy (ProxyEnable=1), ProxyOverride honoured. Always decides. Like WinINet since
 * IE9, a request to this PC itself (loopback) never goes to the proxy unless ProxyOverride
 * says "<-loopback>".
 */
static int from_manual(const struct url_parts *u, const struct sys_proxy_config *cfg,
	struct zh_proxy *p, struct zh_err *err)
{
	char buf[ZH_PROXY_URL_MAX];
	const char *hit;
	size_t nhit;
	int rc;

	if (is_loopback(u->host) && !has_minus_loopback(cfg->bypass)) {
		say(p,
			"direct: '%s' is this PC (loopback), never proxied without <-loopback> in "
			"ProxyOverride (%s)",
			u->host, cfg->where);
		return 0;
	}
	hit = bypass_match(u->host, cfg->bypass, &nhit);
	if (hit != NULL) {
		say(p, "direct: ProxyOverride entry '%.*s' matches '%s' (%s)", (int)nhit, hit,
			u->host, cfg->where);
		return 0;
	}
	rc = zh_proxy_pick(cfg->server, u->scheme, buf, sizeof(buf));
	if (rc != 0) {
		say(p, "direct: ProxyServer %s is not a usable proxy for %s (%s)", cfg->server,
			u->scheme, cfg->where);
		return 0;
	}
	if (buf[0] == '\0') {
		say(p, "direct: ProxyServer %s has no proxy for %s (%s)", cfg->server, u->scheme,
			cfg->where);
		return 0;
	}
	say(p, "ProxyServer %s (%s)", cfg->server, cfg->where);
	return use(p, buf, err);
}

/* The WinHTTP machine proxy; *ret_done when one is set. */
static int from_machine(const struct url_parts *u, struct zh_proxy *p, int *ret_done,
	struct zh_err *err)
{
	char buf[ZH_PROXY_URL_MAX];
	char *server = NULL, *bypass = NULL;
	const char *hit;
	struct zh_err e;
	size_t nhit;
	int rc;

	*ret_done = 0;
	zh_err_init(&e);
	rc = sys_proxy_machine(&server, &bypass, &e);
	if (rc == ZH_ENOTSUP)
		return 0;
	if (rc != 0)
		return zh_err_set(err, rc, "%s", e.msg);
	if (server == NULL)
		goto out;
	*ret_done = 1;
	hit = bypass_match(u->host, bypass, &nhit);
	if (hit != NULL) {
		say(p, "direct: WinHTTP machine proxy bypass entry '%.*s' matches '%s'", (int)nhit,
			hit, u->host);
		goto out;
	}
	rc = zh_proxy_pick(server, u->scheme, buf, sizeof(buf));
	if (rc != 0 || buf[0] == '\0') {
		say(p, "direct: WinHTTP machine proxy %s has no usable proxy for %s", server,
			u->scheme);
		rc = 0;
		goto out;
	}
	say(p, "WinHTTP machine proxy %s", server);
	rc = use(p, buf, err);
out:
	sys_free(server);
	sys_free(bypass);
	return rc;
}

int zh_proxy_for_url(const char *url, const char *cli_proxy, struct zh_proxy *ret,
	struct zh_err *err)
{
	struct sys_proxy_config cfg;
	struct zh_proxy p;
	struct url_parts u;
	struct zh_err e;
	char note[240];
	int rc, done = 0;

	memset(&p, 0, sizeof(p));
	memset(&cfg, 0, sizeof(cfg));
	note[0] = '\0';
	if (ret == NULL)
		return zh_err_set(err, ZH_EINVAL, "no place for the proxy");
	if ((rc = parse_url(url, &u, err)) != 0)
		goto out;
	if (cli_proxy != NULL) {
		rc = from_cli(cli_proxy, &p, err);
		goto out;
	}
	zh_err_init(&e);
	rc = sys_proxy_user(&cfg, &e);
	if (rc == ZH_ENOTSUP) {
		say(&p, "direct: no proxy is set (no system proxy settings on this platform)");
		rc = 0;
		goto out;
	}
	if (rc != 0) {
		(void)zh_err_set(err, rc, "cannot read the proxy settings: %s", e.msg);
		goto out;
	}
	if ((cfg.auto_detect || cfg.autoconfig_url != NULL) &&
		((rc = from_pac(url, &cfg, &p, &done, note, sizeof(note), err)) != 0 || done))
		goto out;
	if (cfg.enabled && cfg.server != NULL) {
		rc = from_manual(&u, &cfg, &p, err);
		goto more;
	}
	if ((rc = from_machine(&u, &p, &done, err)) != 0 || done)
		goto more;
	say(&p, "direct: no proxy is set");
more:
	say_more(&p, note);
out:
	sys_proxy_config_release(&cfg);
	if (rc != 0) {
		zh_proxy_release(&p);
		return rc;
	}
	*ret = p;
	return 0;
}

void zh_proxy_release(struct zh_proxy *p)
{
	if (p == NULL)
		return;
	zh_free(p->url);
	memset(p, 0, sizeof(*p));
}
