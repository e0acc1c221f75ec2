/* SPDX-License-Identifier: MIT */
/*
 * The proxy a download uses (core/proxy.c). Natively: the string rules (ProxyServer,
 * ProxyOverride, PAC answers) by table, and --proxy. Under Wine (where the registry exists)
 * also the PC's settings through the win32 backend: the HKCU values with ProxyOverride, the
 * ProxySettingsPerUser policy, the connection settings blob, the WinHTTP machine proxy, and a
 * PAC script served by a small python3 server that Wine starts as a Unix process. Every value
 * touched is put back as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../harness/zh_test.h"
#include "../../src/core/mem.h"
#include "../../src/core/proxy.h"
#include "../../src/sys/proc.h"
#include "../../src/sys/reg.h"
#include "../../src/sys/thread.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define IS_PATH "Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define CONN_PATH IS_PATH "\\Connections"
#define POLICY_PATH "Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"

/* ---- zh_proxy_pick ---- */

static void t_pick(void)
{
	static const struct {
		const char *server, *scheme;
		int rc;
		const char *out;
	} c[] = {
		{"127.0.0.1:3128", "https", 0, "http://127.0.0.1:3128"},
		{"127.0.0.1:3128", "http", 0, "http://127.0.0.1:3128"},
		{"proxy.corp", "http", 0, "http://proxy.corp:80"},
		{"http=a:1;https=b:2;ftp=c:3", "https", 0, "http://b:2"},
		{"http=a:1;https=b:2;ftp=c:3", "http", 0, "http://a:1"},
		{"http=a:1;https=b:2;ftp=c:3", "ftp", 0, "http://c:3"},
		/* A per-scheme list without the scheme: WinINet goes direct. */
		{"http=a:1", "https", 0, ""},
		{"ftp=c:3", "https", 0, ""},
		{"HTTPS=B.Corp:2", "https", 0, "http://B.Corp:2"},
		{"http=a:1;https=b:2", "HTTPS", 0, "http://b:2"},
		{"  http = a:1 ;  https =  b:2  ", "https", 0, "http://b:2"},
		{";;http=a:1;;", "http", 0, "http://a:1"},
		{"http=a:1;http=z:9", "http", 0, "http://a:1"},
		/* Without its own entry a scheme goes to SOCKS (version 4, as WinINet means it). */
		{"socks=s:1081", "https", 0, "socks4://s:1081"},
		{"socks=s", "http", 0, "socks4://s:1080"},
		{"http=a:1;socks=s:9", "https", 0, "socks4://s:9"},
		{"http=a:1;socks=s:9", "http", 0, "http://a:1"},
		{"SOCKS=s:9", "https", 0, "socks4://s:9"},
		/* An entry for every scheme beats SOCKS; the scheme's own entry beats both. */
		{"socks=s:9;g:8080", "https", 0, "http://g:8080"},
		{"g:8080;https=b:2", "https", 0, "http://b:2"},
		{"g:8080;https=b:2", "http", 0, "http://g:8080"},
		{"http=http://a:1/", "http", 0, "http://a:1"},
		{"https=https://b:443", "https", 0, "https://b:443"},
		{"https=socks5://s:1", "https", 0, "socks5://s:1"},
		{"http://proxy:8080", "https", 0, "http://proxy:8080"},
		{"[::1]:3128", "https", 0, "http://[::1]:3128"},
		{"[fe80::1]", "http", 0, "http://[fe80::1]:80"},
		{"", "https", 0, ""},
		{"   ", "https", 0, ""},
		{";;", "https", 0, ""},
		{NULL, "https", 0, ""},
		{"https=", "https", ZH_EPARSE, ""},
		{"https=b:0", "https", ZH_EPARSE, ""},
		{"https=b:70000", "https", ZH_EPARSE, ""},
		{"https=b:123456", "https", ZH_EPARSE, ""},
		{"https=b:", "https", ZH_EPARSE, ""},
		{"https=b:x", "https", ZH_EPARSE, ""},
		{"https=b c:1", "https", ZH_EPARSE, ""},
		{"https=user:pw@b:1", "https", ZH_EPARSE, ""},
		{"https=ftp://b:1", "https", ZH_EPARSE, ""},
		{"https=[::1", "https", ZH_EPARSE, ""},
		{"https=*:1", "https", ZH_EPARSE, ""},
	};
	char out[128];
	size_t i;

	for (i = 0; i < N(c); i++) {
		int rc;

		memset(out, 'x', sizeof(out));
		rc = zh_proxy_pick(c[i].server, c[i].scheme, out, sizeof(out));
		if (rc != c[i].rc || strcmp(out, c[i].out) != 0) {
			fprintf(stderr, "pick case %zu ('%s', %s): %d '%s', want %d '%s'\n", i,
				c[i].server ? c[i].server : "(null)", c[i].scheme, rc, out, c[i].rc,
				c[i].out);
			zh_test_failed = 1;
		}
	}
	T_EQ_INT(zh_proxy_pick("a:1", NULL, out, sizeof(out)), ZH_EINVAL);
	T_EQ_INT(zh_proxy_pick("a:1", "http", NULL, 10), ZH_EINVAL);
	T_EQ_INT(zh_proxy_pick("a:1", "http", out, 0), ZH_EINVAL);
	T_EQ_INT(zh_proxy_pick("averylongproxyname:3128", "http", out, 12), ZH_ETOOBIG);
	T_EQ_STR(out, "");
	/* Exactly big enough: "http://a:1" and its NUL. */
	T_EQ_INT(zh_proxy_pick("a:1", "http", out, 11), 0);
	T_EQ_STR(out, "http://a:1");
	T_EQ_INT(zh_proxy_pick("a:1", "http", out, 10), ZH_ETOOBIG);
}

/* ---- zh_proxy_bypassed ---- */

static void t_bypass(void)
{
	static const struct {
		const char *host, *list;
		int want;
	} c[] = {
		{"intranet", "<local>", 1},
		{"localhost", "<local>", 1},
		{"intranet.corp", "<local>", 0},
		{"127.0.0.1", "<local>", 0},
		{"::1", "<local>", 0},
		{"INTRANET", "<LOCAL>", 1},
		{"www.example.com", "*.example.com", 1},
		{"a.b.example.com", "*.example.com", 1},
		{"example.com", "*.example.com", 0},
		{"WWW.EXAMPLE.COM", "*.example.com", 1},
		{"www.example.com", "*.EXAMPLE.com", 1},
		{"example.com", "example.com", 1},
		{"www.example.com", "example.com", 0},
		{"example.com.evil", "example.com", 0},
		{"10.1.2.3", "10.*", 1},
		{"110.1.2.3", "10.*", 0},
		{"127.0.0.5", "127.0.0.*", 1},
		{"127.0.1.5", "127.0.0.*", 0},
		{"a.b.c", "*", 1},
		{"mirror.example", "mir*ple", 1},
		{"mirror.example", "*mirror*", 1},
		{"mirror.example", "mirror.*example", 1},
		{"mirror.example", "m*r*r*.e*x*", 1},
		{"mirror.example", "m*z*", 0},
		{"mirror.example", "mirror.exam", 0},
		{"mirror.example", "a.com; mirror.example ;b.com", 1},
		{"mirror.example", "a.com;mirror.example", 1},
		{"mirror.example", "a.com,mirror.example", 1},
		{"mirror.example", "a.com mirror.example", 1},
		{"mirror.example", "a.com;\tmirror.example\t", 1},
		{"mirror.example", "https://mirror.example", 1},
		{"mirror.example", "http://mirror.example", 1},
		{"mirror.example", "mirror.example:443", 1},
		{"mirror.example", "https://mirror.example:443/", 1},
		{"mirror.example", "*.example:8080", 1},
		{"mirror.example", "*.other:8080", 0},
		{"mirror.example", "", 0},
		{"mirror.example", ";;;", 0},
		{"mirror.example", NULL, 0},
		{NULL, "*", 0},
		{"", "*", 0},
		/* Loopback goes through the proxy unless the list says otherwise. */
		{"127.0.0.1", "", 0},
		{"127.0.0.1", "localhost", 0},
		{"localhost", "127.0.0.1", 0},
		{"127.0.0.1", "<-loopback>", 0},
		{"127.0.0.1", "127.0.0.1", 1},
		{"::1", "[::1]", 1},
		{"[::1]", "::1", 1},
		{"[::1]", "[::1]:443", 1},
		{"fe80::1", "fe80::*", 1},
		{"fe80::1", "<local>;fe80::2", 0},
		{"intranet", "<unknown>;<-loopback>", 0},
	};
	size_t i;

	for (i = 0; i < N(c); i++) {
		int got = zh_proxy_bypassed(c[i].host, c[i].list);

		if (got != c[i].want) {
			fprintf(stderr, "bypass case %zu ('%s' in '%s'): %d, want %d\n", i,
				c[i].host ? c[i].host : "(null)", c[i].list ? c[i].list : "(null)",
				got, c[i].want);
			zh_test_failed = 1;
		}
	}
}

/* ---- zh_proxy_from_pac_result ---- */

static void t_pac_result(void)
{
	static const struct {
		const char *result;
		int rc;
		const char *out;
	} c[] = {
		{"PROXY a:1; DIRECT", 0, "http://a:1"},
		{"PROXY a:1;PROXY b:2", 0, "http://a:1"},
		{"DIRECT", 0, ""},
		{"DIRECT; PROXY a:1", 0, ""},
		{"direct", 0, ""},
		{"proxy a:1", 0, "http://a:1"},
		{"  PROXY   a:1  ;  ", 0, "http://a:1"},
		{"PROXY\ta:1", 0, "http://a:1"},
		{"PROXY a", 0, "http://a:80"},
		{"PROXY [::1]:3128", 0, "http://[::1]:3128"},
		{"HTTP h:8", 0, "http://h:8"},
		{"HTTPS h:8443", 0, "https://h:8443"},
		{"SOCKS s:1080", 0, "socks4://s:1080"},
		{"SOCKS4 s:1", 0, "socks4://s:1"},
		{"SOCKS5 s:1", 0, "socks5://s:1"},
		{"SOCKS s", 0, "socks4://s:1080"},
		/* What is not understood is skipped. */
		{"BOGUS x:1; PROXY a:1", 0, "http://a:1"},
		{"PROXY ; PROXY a:1", 0, "http://a:1"},
		{"PROXY a:99999; DIRECT", 0, ""},
		{"PROXY http://a:1; PROXY b:2", 0, "http://b:2"},
		{"PROXYa:1; PROXY b:2", 0, "http://b:2"},
		{"", 0, ""},
		{"  ;  ", 0, ""},
		{"garbage", ZH_EPARSE, ""},
		{"PROXY a:99999", ZH_EPARSE, ""},
		{"PROXY http://a:1", ZH_EPARSE, ""},
		{"DIRECT a", ZH_EPARSE, ""},
		{"DIRECTX", ZH_EPARSE, ""},
		{"PROXY", ZH_EPARSE, ""},
		{"<html>proxy</html>", ZH_EPARSE, ""},
	};
	char out[128];
	size_t i;

	for (i = 0; i < N(c); i++) {
		int rc;

		memset(out, 'x', sizeof(out));
		rc = zh_proxy_from_pac_result(c[i].result, out, sizeof(out));
		if (rc != c[i].rc || strcmp(out, c[i].out) != 0) {
			fprintf(stderr, "pac case %zu ('%s'): %d '%s', want %d '%s'\n", i,
				c[i].result, rc, out, c[i].rc, c[i].out);
			zh_test_failed = 1;
		}
	}
	T_EQ_INT(zh_proxy_from_pac_result(NULL, out, sizeof(out)), ZH_EINVAL);
	T_EQ_INT(zh_proxy_from_pac_result("DIRECT", NULL, 8), ZH_EINVAL);
	T_EQ_INT(zh_proxy_from_pac_result("DIRECT", out, 0), ZH_EINVAL);
	T_EQ_INT(zh_proxy_from_pac_result("PROXY averylongname:1", out, 8), ZH_ETOOBIG);
}

/* ---- zh_proxy_for_url with --proxy ---- */

static void t_cli(void)
{
	static const struct {
		const char *url, *cli;
		int rc;
		const char *proxy; /* NULL: direct */
		const char *how;
	} c[] = {
		{"https://mirror.example/x", "direct", 0, NULL, "--proxy direct"},
		{"https://mirror.example/x", "DIRECT", 0, NULL, "--proxy direct"},
		{"https://mirror.example/x", "http://user:pw@127.0.0.1:3128", 0,
			"http://user:pw@127.0.0.1:3128", "--proxy http://user:***@127.0.0.1:3128"},
		{"https://mirror.example/x", "user@127.0.0.1:3128", 0, "http://user@127.0.0.1:3128",
			"--proxy http://user@127.0.0.1:3128"},
		{"https://mirror.example/x", "127.0.0.1:3128", 0, "http://127.0.0.1:3128",
			"--proxy http://127.0.0.1:3128"},
		{"https://mirror.example/x", "proxy.corp", 0, "http://proxy.corp:80",
			"--proxy http://proxy.corp:80"},
		{"https://mirror.example/x", "https://proxy.corp", 0, "https://proxy.corp:443",
			"--proxy https://proxy.corp:443"},
		{"https://mirror.example/x", "socks5h://s:1080", 0, "socks5h://s:1080",
			"--proxy socks5h://s:1080"},
		{"https://mirror.example/x", " http://p:8080/ ", 0, "http://p:8080",
			"--proxy http://p:8080"},
		{"http://127.0.0.1:8080/index.json", "127.0.0.1:3128", 0, "http://127.0.0.1:3128",
			"--proxy http://127.0.0.1:3128"},
		{"https://[::1]:8443/x", "[::1]:3128", 0, "http://[::1]:3128",
			"--proxy http://[::1]:3128"},
		{"https://mirror.example/x", "", ZH_EUSAGE, NULL, NULL},
		{"https://mirror.example/x", "ftp://p:21", ZH_EUSAGE, NULL, NULL},
		{"https://mirror.example/x", "http://", ZH_EUSAGE, NULL, NULL},
		{"https://mirror.example/x", "a:b:c", ZH_EUSAGE, NULL, NULL},
		{"https://mirror.example/x", "p:99999", ZH_EUSAGE, NULL, NULL},
		{NULL, "direct", ZH_EINVAL, NULL, NULL},
		{"mirror.example/x", "direct", ZH_EINVAL, NULL, NULL},
		{"https:///x", "direct", ZH_EINVAL, NULL, NULL},
		{"https://[::1/x", "direct", ZH_EINVAL, NULL, NULL},
	};
	struct zh_proxy p;
	struct zh_err err;
	size_t i;

	for (i = 0; i < N(c); i++) {
		int rc;

		zh_err_init(&err);
		memset(&p, 0, sizeof(p));
		(void)snprintf(p.how, sizeof(p.how), "untouched");
		rc = zh_proxy_for_url(c[i].url, c[i].cli, &p, &err);
		if (rc != c[i].rc) {
			fprintf(stderr, "cli case %zu: rc %d (%s), want %d\n", i, rc, err.msg,
				c[i].rc);
			zh_test_failed = 1;
			continue;
		}
		if (rc != 0) {
			/* On failure *ret is left alone and the message names what failed. */
			T_EQ_STR(p.how, "untouched");
			T_CHECK(p.url == NULL);
			T_CHECK(err.msg[0] != '\0');
			continue;
		}
		if ((c[i].proxy == NULL) != (p.url == NULL) ||
			(p.url != NULL && strcmp(p.url, c[i].proxy) != 0) ||
			strcmp(p.how, c[i].how) != 0 || p.sspi != 0) {
			fprintf(stderr, "cli case %zu: '%s' / '%s' / sspi %d, want '%s' / '%s'\n",
				i, p.url ? p.url : "(direct)", p.how, p.sspi,
				c[i].proxy ? c[i].proxy : "(direct)", c[i].how);
			zh_test_failed = 1;
		}
		zh_proxy_release(&p);
		T_CHECK(p.url == NULL && p.how[0] == '\0');
	}
	/* A password in a malformed --proxy is never echoed. */
	zh_err_init(&err);
	T_EQ_INT(zh_proxy_for_url("https://m.example/", "user:secret@host:notaport", &p, &err),
		ZH_EUSAGE);
	T_CHECK(strstr(err.msg, "secret") == NULL);
	T_CHECK(strstr(err.msg, "--proxy") != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_proxy_for_url("https://m.example/", "ftp://p:21", &p, &err), ZH_EUSAGE);
	T_CHECK(strstr(err.msg, "ftp://p:21") != NULL);
	T_EQ_INT(zh_proxy_for_url("https://m.example/", "direct", NULL, NULL), ZH_EINVAL);
	zh_proxy_release(NULL);
}

/* Every allocation that can fail, failing: ZH_ENOMEM, *ret untouched, nothing leaked. */
static void t_nomem(void)
{
	struct zh_proxy p;
	struct zh_err err;
	long n;
	int rc = ZH_ENOMEM;

	for (n = 0; n < 20 && rc == ZH_ENOMEM; n++) {
		zh_err_init(&err);
		memset(&p, 0, sizeof(p));
		zh_mem_fail_after(n);
		rc = zh_proxy_for_url("https://m.example/", "http://u:p@h:1", &p, &err);
		zh_mem_fail_after(-1);
		if (rc == ZH_ENOMEM)
			T_CHECK(p.url == NULL && p.how[0] == '\0');
	}
	T_EQ_INT(rc, 0);
	T_EQ_STR(p.url, "http://u:p@h:1");
	zh_proxy_release(&p);
}

/* ---- the PC's settings ---- */

static int have_registry(void)
{
	struct sys_reg_key *k = NULL;
	struct zh_err err;
	int rc;

	zh_err_init(&err);
	rc = sys_reg_open(SYS_REG_HKCU, "Software", SYS_REG_VIEW_64, 0, &k, &err);
	sys_reg_close(k);
	T_CHECK(rc == 0 || rc == ZH_ENOTSUP);
	return rc == 0;
}

/* A registry value as it was before a test, to put back after it. */
struct saved {
	enum sys_reg_root root;
	const char *path, *name;
	int present;
	enum sys_reg_type type;
	void *data;
	size_t len;
};

static void save(struct saved *s, enum sys_reg_root root, const char *path, const char *name)
{
	struct sys_reg_key *k = NULL;

	memset(s, 0, sizeof(*s));
	s->root = root;
	s->path = path;
	s->name = name;
	if (sys_reg_open(root, path, SYS_REG_VIEW_64, 0, &k, NULL) == 0)
		s->present = sys_reg_get(k, name, &s->type, &s->data, &s->len, NULL) == 0;
	sys_reg_close(k);
}

static void restore(struct saved *s)
{
	struct sys_reg_key *k = NULL;

	T_EQ_INT(sys_reg_open(s->root, s->path, SYS_REG_VIEW_64, SYS_REG_CREATE, &k, NULL), 0);
	if (s->present)
		T_EQ_INT(sys_reg_set_raw(k, s->name, s->type, s->data, s->len, NULL), 0);
	else
		(void)sys_reg_delete_value(k, s->name, NULL);
	sys_reg_close(k);
	sys_free(s->data);
	s->data = NULL;
}

static void put_dword(enum sys_reg_root root, const char *path, const char *name, uint32_t v)
{
	struct sys_reg_key *k = NULL;

	T_EQ_INT(sys_reg_open(root, path, SYS_REG_VIEW_64, SYS_REG_CREATE, &k, NULL), 0);
	T_EQ_INT(sys_reg_set_dword(k, name, v, NULL), 0);
	sys_reg_close(k);
}

/* value NULL deletes it. */
static void put_str(enum sys_reg_root root, const char *path, const char *name, const char *value)
{
	struct sys_reg_key *k = NULL;

	T_EQ_INT(sys_reg_open(root, path, SYS_REG_VIEW_64, SYS_REG_CREATE, &k, NULL), 0);
	if (value != NULL)
		T_EQ_INT(sys_reg_set_str(k, name, value, 0, NULL), 0);
	else
		(void)sys_reg_delete_value(k, name, NULL);
	sys_reg_close(k);
}

static void del(enum sys_reg_root root, const char *path, const char *name)
{
	put_str(root, path, name, NULL);
}

static size_t put_le32(unsigned char *b, size_t o, uint32_t v)
{
	b[o] = (unsigned char)v;
	b[o + 1] = (unsigned char)(v >> 8);
	b[o + 2] = (unsigned char)(v >> 16);
	b[o + 3] = (unsigned char)(v >> 24);
	return o + 4;
}

static size_t put_counted(unsigned char *b, size_t o, const char *s)
{
	size_t n = strlen(s);

	o = put_le32(b, o, (uint32_t)n);
	memcpy(b + o, s, n);
	return o + n;
}

/*
 * A connection settings blob: the header (version/magic, counter, flags) and the counted
 * ANSI strings proxy, bypass, PAC URL. DefaultConnectionSettings uses magic 0x46 and flags
 * 1 direct | 2 proxy | 4 PAC | 8 auto-detect; WinHttpSettings (the machine proxy) 0x18.
 */
static void put_blob(enum sys_reg_root root, const char *name, uint32_t magic, uint32_t flags,
	const char *proxy, const char *bypass, const char *pac)
{
	unsigned char b[512];
	struct sys_reg_key *k = NULL;
	size_t o = 0;

	memset(b, 0, sizeof(b));
	o = put_le32(b, o, magic);
	o = put_le32(b, o, magic == 0x46 ? 7 : 0);
	o = put_le32(b, o, flags);
	o = put_counted(b, o, proxy);
	o = put_counted(b, o, bypass);
	if (pac != NULL)
		o = put_counted(b, o, pac) + 32; /* the later fields, zero */
	T_EQ_INT(sys_reg_open(root, CONN_PATH, SYS_REG_VIEW_64, SYS_REG_CREATE, &k, NULL), 0);
	T_EQ_INT(sys_reg_set_raw(k, name, SYS_REG_BINARY, b, o, NULL), 0);
	sys_reg_close(k);
}

/* Ask for url with the PC's settings; check the proxy (NULL: direct) and part of how. */
#define EXPECT(url, proxy, how_part) expect(__LINE__, url, proxy, how_part, 0)
/*
 * Direct because nothing is set. Wine's WinHttpGetDefaultProxyConfiguration falls back to
 * $http_proxy when no machine proxy is stored (Windows never does), so with http_proxy in
 * the environment the answer may be that "machine proxy" instead.
 */
#define EXPECT_NONE(url, how_part) expect(__LINE__, url, NULL, how_part, 1)

static void expect(int line, const char *url, const char *proxy, const char *how_part, int env_ok)
{
	const char *env = getenv("http_proxy");
	struct zh_proxy p;
	struct zh_err err;
	int rc, good;

	zh_err_init(&err);
	memset(&p, 0, sizeof(p));
	rc = zh_proxy_for_url(url, NULL, &p, &err);
	/* The decisions, as people will read them, in the test log. */
	fprintf(stderr, "  %s -> %s%s%s\n", url, p.url != NULL ? p.url : "",
		p.url != NULL ? ": " : "", p.how);
	good = rc == 0 && (proxy == NULL) == (p.url == NULL) &&
		(p.url == NULL || strcmp(p.url, proxy) == 0) && strstr(p.how, how_part) != NULL &&
		p.sspi == (p.url != NULL) &&
		(strstr(how_part, "PAC") != NULL || strstr(p.how, "PAC") == NULL);
	if (!good && env_ok && env != NULL && env[0] != '\0' && rc == 0 && p.url != NULL &&
		strncmp(p.how, "WinHTTP machine proxy ", 22) == 0)
		good = 1;
	if (!good) {
		fprintf(stderr,
			"line %d: %s -> rc %d (%s) '%s' / '%s' / sspi %d, want '%s' / '...%s...'\n",
			line, url, rc, err.msg, p.url ? p.url : "(direct)", p.how, p.sspi,
			proxy ? proxy : "(direct)", how_part);
		zh_test_failed = 1;
	}
	zh_proxy_release(&p);
}

static void t_pc_none(void)
{
	if (have_registry())
		return;
	/* No such settings here (posix): direct, and said so. */
	EXPECT("https://mirror.example/x", NULL, "direct: no proxy is set");
	EXPECT("http://127.0.0.1:8080/x", NULL, "direct: no proxy is set");
}

/* Everything the PC-settings tests touch, saved once per test and restored after it. */
static struct saved saved_values[12];

static void save_all(void)
{
	size_t i = 0;

	save(&saved_values[i++], SYS_REG_HKCU, IS_PATH, "ProxyEnable");
	save(&saved_values[i++], SYS_REG_HKCU, IS_PATH, "ProxyServer");
	save(&saved_values[i++], SYS_REG_HKCU, IS_PATH, "ProxyOverride");
	save(&saved_values[i++], SYS_REG_HKCU, IS_PATH, "AutoConfigURL");
	save(&saved_values[i++], SYS_REG_HKCU, CONN_PATH, "DefaultConnectionSettings");
	save(&saved_values[i++], SYS_REG_HKLM, IS_PATH, "ProxyEnable");
	save(&saved_values[i++], SYS_REG_HKLM, IS_PATH, "ProxyServer");
	save(&saved_values[i++], SYS_REG_HKLM, IS_PATH, "ProxyOverride");
	save(&saved_values[i++], SYS_REG_HKLM, POLICY_PATH, "ProxySettingsPerUser");
	save(&saved_values[i++], SYS_REG_HKLM, CONN_PATH, "WinHttpSettings");
}

static void restore_all(void)
{
	size_t i;

	for (i = 0; i < N(saved_values) && saved_values[i].path != NULL; i++)
		restore(&saved_values[i]);
	memset(saved_values, 0, sizeof(saved_values));
}

/* No automatic configuration (a blob that says "direct" only), no manual proxy. */
static void pc_plain(void)
{
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1, "", "", "");
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 0);
	del(SYS_REG_HKCU, IS_PATH, "ProxyServer");
	del(SYS_REG_HKCU, IS_PATH, "ProxyOverride");
	del(SYS_REG_HKCU, IS_PATH, "AutoConfigURL");
	del(SYS_REG_HKLM, CONN_PATH, "WinHttpSettings");
}

static void t_pc_manual(void)
{
	if (!have_registry())
		return;
	save_all();
	pc_plain();
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 1);
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "http=127.0.0.1:3128;https=127.0.0.1:3129");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyOverride", "*.bypass.example; <local>");
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3129",
		"ProxyServer http=127.0.0.1:3128;https=127.0.0.1:3129 (HKCU Internet Settings)");
	EXPECT("http://mirror.example/x", "http://127.0.0.1:3128", "HKCU Internet Settings");
	EXPECT("https://a.bypass.example/x", NULL,
		"direct: ProxyOverride entry '*.bypass.example' matches 'a.bypass.example'");
	EXPECT("https://intranet/x", NULL, "direct: ProxyOverride entry '<local>' matches");
	/* This PC (loopback) is never proxied (WinINet since IE9) ... */
	EXPECT("http://127.0.0.1:8080/index.json", NULL, "direct: '127.0.0.1' is this PC");
	EXPECT("https://LocalHost/x", NULL, "direct: 'LocalHost' is this PC");
	EXPECT("https://[::1]:8443/x", NULL, "is this PC");
	/* ... unless ProxyOverride says <-loopback>: then a mirror on loopback goes through it. */
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyOverride", "*.bypass.example; <local>;<-Loopback>");
	EXPECT("http://127.0.0.1:8080/index.json", "http://127.0.0.1:3128", "ProxyServer");
	EXPECT("https://[::1]:8443/x", "http://127.0.0.1:3129", "ProxyServer");
	EXPECT("https://localhost/x", NULL, "entry '<local>' matches 'localhost'");
	EXPECT("https://a.bypass.example/x", NULL, "direct: ProxyOverride entry");
	EXPECT("ftp://mirror.example/x", NULL, "has no proxy for ftp");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "127.0.0.1:3128");
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3128",
		"ProxyServer 127.0.0.1:3128 (HKCU Internet Settings)");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "https=:1");
	EXPECT("https://mirror.example/x", NULL, "not a usable proxy for https");
	/* Enabled without a server, or disabled: nothing to use. */
	del(SYS_REG_HKCU, IS_PATH, "ProxyServer");
	EXPECT_NONE("https://mirror.example/x", "direct: no proxy is set");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "127.0.0.1:3128");
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 0);
	EXPECT_NONE("https://mirror.example/x", "direct: no proxy is set");
	/* Automatic detection that finds no script (no WPAD here) is not worth a word. */
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1 | 8, "", "", "");
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 1);
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3128",
		"ProxyServer 127.0.0.1:3128 (HKCU Internet Settings)");
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 0);
	EXPECT_NONE("https://mirror.example/x", "direct: no proxy is set");
	/* A value of another type is not set. */
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyEnable", "1");
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1, "", "", "");
	EXPECT_NONE("https://mirror.example/x", "direct: no proxy is set");
	restore_all();
}

static void t_pc_policy(void)
{
	if (!have_registry())
		return;
	save_all();
	pc_plain();
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 1);
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "127.0.0.1:3128");
	put_dword(SYS_REG_HKLM, IS_PATH, "ProxyEnable", 1);
	put_str(SYS_REG_HKLM, IS_PATH, "ProxyServer", "10.0.0.9:8080");
	put_str(SYS_REG_HKLM, IS_PATH, "ProxyOverride", "<local>");
	/* ProxySettingsPerUser=1 (or absent): the user's. */
	put_dword(SYS_REG_HKLM, POLICY_PATH, "ProxySettingsPerUser", 1);
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3128", "HKCU Internet Settings");
	/* 0: the machine's, for every user. */
	put_dword(SYS_REG_HKLM, POLICY_PATH, "ProxySettingsPerUser", 0);
	EXPECT("https://mirror.example/x", "http://10.0.0.9:8080",
		"ProxyServer 10.0.0.9:8080 (HKLM Internet Settings, ProxySettingsPerUser=0)");
	EXPECT("https://intranet/x", NULL, "'<local>' matches 'intranet' (HKLM");
	restore_all();
}

static void t_pc_blob(void)
{
	if (!have_registry())
		return;
	save_all();
	pc_plain();
	/* No ProxyEnable value: the connection settings blob (WinHTTP reads it) decides. */
	del(SYS_REG_HKCU, IS_PATH, "ProxyEnable");
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1 | 2, "10.7.7.7:8080",
		"<local>;*.skip.example", "");
	EXPECT("https://mirror.example/x", "http://10.7.7.7:8080",
		"ProxyServer 10.7.7.7:8080 (IE connection settings)");
	EXPECT("https://intranet/x", NULL, "direct: ProxyOverride entry '<local>'");
	EXPECT("https://a.skip.example/x", NULL, "'*.skip.example' matches");
	/* A ProxyEnable value, even 0, overrides the blob. */
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 0);
	EXPECT_NONE("https://mirror.example/x", "direct: no proxy is set");
	restore_all();
}

static void t_pc_machine(void)
{
	if (!have_registry())
		return;
	save_all();
	pc_plain();
	put_blob(SYS_REG_HKLM, "WinHttpSettings", 0x18, 1 | 2, "10.9.8.7:8080", "*.skip.example",
		NULL);
	EXPECT("https://mirror.example/x", "http://10.9.8.7:8080",
		"WinHTTP machine proxy 10.9.8.7:8080");
	EXPECT("https://a.skip.example/x", NULL,
		"direct: WinHTTP machine proxy bypass entry '*.skip.example' matches");
	/* The user's manual proxy comes first. */
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 1);
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "127.0.0.1:3128");
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3128", "HKCU Internet Settings");
	restore_all();
}

/*
 * A PAC server on 127.0.0.1:port, run by python3 as a Unix process: Wine starts a Unix binary
 * given by its Z: path, detached (its handle cannot be waited for), in the unix directory of the
 * current (test) directory. The server writes "pac-ready" (or "pac-busy" when the port is
 * taken) there, serves the script to anyone who asks, and ends when the harness removes the
 * directory (or after 60 s without a request, when ZH_TEST_KEEP keeps it).
 * Returns 1 with *ret_port when it serves; 0 when python3 cannot be run here (skip).
 */
static const char pac_server_py[] =
	"import os,socket,time\n"
	"P=%d\n"
	/* Let go of the test's stdout/stderr: meson waits for every holder of its pipes. */
	"n=os.open(os.devnull,os.O_RDWR)\n"
	"for i in (0,1,2): os.dup2(n,i)\n"
	"s=socket.socket()\n"
	"s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
	"try:\n"
	" s.bind(('127.0.0.1',P))\n"
	"except OSError:\n"
	" open('pac-busy','w').write('busy')\n"
	" os._exit(0)\n"
	"s.listen(16)\n"
	"open('pac-ready','w').write('ready')\n"
	"s.settimeout(1)\n"
	"last=time.time()\n"
	"body=b'''function FindProxyForURL(url, host) {\n"
	"  if (host == \"direct.example\") return \"DIRECT\";\n"
	"  if (shExpMatch(host, \"*.corp.example\")) return \"PROXY 10.1.2.3:8080; DIRECT\";\n"
	"  if (url.substring(0, 6) == \"https:\") return \"PROXY 127.0.0.1:3129\";\n"
	"  return \"PROXY 127.0.0.1:3128\";\n"
	"}\n"
	"'''\n"
	/* Serve until the test's directory (with pac-ready) is gone, or 60 s of silence. */
	"while os.path.exists('pac-ready') and time.time()-last<60:\n"
	" try:\n"
	"  c,a=s.accept()\n"
	" except OSError:\n"
	"  continue\n"
	" last=time.time()\n"
	" try:\n"
	"  c.settimeout(5)\n"
	"  q=b''\n"
	"  while b'\\r\\n\\r\\n' not in q:\n"
	"   d=c.recv(4096)\n"
	"   if not d: break\n"
	"   q+=d\n"
	"  h=b'HTTP/1.1 200 OK\\r\\nContent-Type: application/x-ns-proxy-autoconfig\\r\\n'\n"
	"  h+=b'Content-Length: %%d\\r\\nConnection: close\\r\\n\\r\\n' %% len(body)\n"
	"  c.sendall(h+body)\n"
	" except OSError:\n"
	"  pass\n"
	" c.close()\n";

static int file_exists(const char *name)
{
	FILE *f = fopen(name, "rb");

	if (f != NULL)
		fclose(f);
	return f != NULL;
}

static int start_pac_server(int *ret_port)
{
	char script[4096], cmd[10000];
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&seed;
	int attempt;

	for (attempt = 0; attempt < 5; attempt++) {
		int port = 20000 + (int)((seed + (unsigned)attempt * 7919u) % 30000u), waited;
		size_t i, n, o;
		unsigned long code = 0;
		struct zh_err err;

		(void)remove("pac-ready");
		(void)remove("pac-busy");
		n = (size_t)snprintf(script, sizeof(script), pac_server_py, port);
		o = (size_t)snprintf(cmd, sizeof(cmd),
			"Z:\\usr\\bin\\python3 -c exec(bytes.fromhex('");
		for (i = 0; i < n && o + 3 < sizeof(cmd); i++)
			o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, "%02x",
				(unsigned char)script[i]);
		(void)snprintf(cmd + o, sizeof(cmd) - o, "').decode())");
		zh_err_init(&err);
		/*
		 * Wine cannot wait for a Unix process nor read its exit code (sys_proc_run says
		 * so); the files tell. Only a program that is not there (Windows) means skip.
		 */
		if (sys_proc_run(cmd, 10000, &code, &err) == ZH_ENOENT) {
			fprintf(stderr, "skip: no python3 for a PAC server: %s\n", err.msg);
			return 0;
		}
		for (waited = 0; waited < 100; waited++) {
			if (file_exists("pac-ready")) {
				*ret_port = port;
				return 1;
			}
			if (file_exists("pac-busy"))
				break;
			sys_sleep_ms(100);
		}
		if (waited == 100) {
			fprintf(stderr, "skip: python3 did not start a PAC server (not Wine?)\n");
			return 0;
		}
	}
	fprintf(stderr, "skip: no free port for a PAC server\n");
	return 0;
}

static void t_pc_pac(void)
{
	char pac[128], how[200];
	int port;

	if (!have_registry())
		return;
	if (!start_pac_server(&port))
		return;
	save_all();
	pc_plain();
	(void)snprintf(pac, sizeof(pac), "http://127.0.0.1:%d/proxy.pac", port);
	put_str(SYS_REG_HKCU, IS_PATH, "AutoConfigURL", pac);
	(void)snprintf(how, sizeof(how), "PAC %s", pac);
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3129", how);
	EXPECT("http://mirror.example/x", "http://127.0.0.1:3128", how);
	EXPECT("https://a.corp.example/x", "http://10.1.2.3:8080", how);
	(void)snprintf(how, sizeof(how), "direct: PAC %s says DIRECT", pac);
	EXPECT("https://direct.example/x", NULL, how);
	/* The script's answer wins over the manual proxy and its ProxyOverride. */
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 1);
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyServer", "10.5.5.5:8080");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyOverride", "*.example");
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3129", "PAC");
	/* Automatic detection too (tried first; Wine finds no WPAD here): the script still. */
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1 | 8, "", "", "");
	(void)snprintf(how, sizeof(how), "PAC WPAD or %s", pac);
	EXPECT("https://mirror.example/x", "http://127.0.0.1:3129", how);
	/* The script in the blob when there is no AutoConfigURL value. */
	del(SYS_REG_HKCU, IS_PATH, "AutoConfigURL");
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1 | 4, "", "", pac);
	(void)snprintf(how, sizeof(how), "PAC %s", pac);
	EXPECT("http://mirror.example/x", "http://127.0.0.1:3128", how);
	/* A script that cannot be had: the manual proxy, and how says the script failed. */
	put_blob(SYS_REG_HKCU, "DefaultConnectionSettings", 0x46, 1, "", "", "");
	put_str(SYS_REG_HKCU, IS_PATH, "AutoConfigURL", "http://127.0.0.1:9/none.pac");
	put_str(SYS_REG_HKCU, IS_PATH, "ProxyOverride", "<local>");
	EXPECT("https://mirror.example/x", "http://10.5.5.5:8080",
		"ProxyServer 10.5.5.5:8080 (HKCU Internet Settings); "
		"PAC http://127.0.0.1:9/none.pac failed");
	EXPECT("https://intranet/x", NULL,
		"'<local>' matches 'intranet' (HKCU Internet Settings); PAC http://127.0.0.1:9/");
	/* ... and with no manual proxy, direct, also saying so. */
	put_dword(SYS_REG_HKCU, IS_PATH, "ProxyEnable", 0);
	EXPECT_NONE("https://mirror.example/x",
		"direct: no proxy is set; PAC http://127.0.0.1:9/none.pac failed");
	restore_all();
}

ZH_TESTS(ZH_TEST_ENTRY(t_pick), ZH_TEST_ENTRY(t_bypass), ZH_TEST_ENTRY(t_pac_result),
	ZH_TEST_ENTRY(t_cli), ZH_TEST_ENTRY(t_nomem), ZH_TEST_ENTRY(t_pc_none),
	ZH_TEST_ENTRY(t_pc_manual), ZH_TEST_ENTRY(t_pc_policy), ZH_TEST_ENTRY(t_pc_blob),
	ZH_TEST_ENTRY(t_pc_machine), ZH_TEST_ENTRY(t_pc_pac))
