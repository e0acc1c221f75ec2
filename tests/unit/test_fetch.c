/* SPDX-License-Identifier: MIT */
/*
 * Downloads from a mirror (src/core/fetch.c, online mode) against tests/fetch/server.py on
 * loopback, natively: a whole file; a transfer cut halfway resumed with Range (bytes fetched
 * equal the file, not more); a 500 then success (retried); a stalled server (a named
 * timeout); a server ignoring Range; more than the size cap (refused); 404; a captive portal's
 * HTML; ETag and 304; and each way TLS or the network fails, named: an untrusted root, a
 * certificate for another name, nothing listening, a name that does not resolve, a proxy that
 * refuses. Environment from tests/meson.build: ZH_FETCH_SERVER (server.py).
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "../harness/zh_test.h"
#include "../../src/core/fetch.h"
#include "../../src/core/mem.h"

struct server {
	FILE *p;
	int port;
	long pid;
};

static struct server good, wrongname, untrusted;
/* The mirrors live for the whole run, in a folder of their own (each case has its own). */
static char base[] = "/tmp/zh-fetch-XXXXXX";
static char ca_pem[8192];
static size_t ca_len;

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* The test CA, a server certificate for 127.0.0.1, one for another name, one from another CA. */
static int pki(void)
{
	static int made;
	FILE *f;

	if (made++)
		return 0;
	if (sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
	       "ca.key "
	       "-subj '/CN=zhushou mirror test CA' -days 30 -out ca.pem 2>/dev/null") ||
		sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "
		   "other.key -subj '/CN=somebody else' -days 30 -out other-ca.pem 2>/dev/null"))
		return -1;
	for (int i = 0; i < 3; i++) {
		static const char *const name[] = {"good", "wrongname", "untrusted"};
		static const char *const san[] = {"IP:127.0.0.1,DNS:localhost", "DNS:other.example",
			"IP:127.0.0.1"};
		char cmd[1024];

		snprintf(cmd, sizeof(cmd),
			"openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
			"-keyout "
			"%s.key -subj '/CN=mirror' -out %s.csr 2>/dev/null && openssl x509 -req "
			"-in "
			"%s.csr -CA %s -CAkey %s -CAcreateserial -days 30 -extfile <(printf "
			"'subjectAltName=%s') -out %s.pem 2>/dev/null",
			name[i], name[i], name[i], i == 2 ? "other-ca.pem" : "ca.pem",
			i == 2 ? "other.key" : "ca.key", san[i], name[i]);
		/* <( ) needs bash */
		char wrapped[1200];
		snprintf(wrapped, sizeof(wrapped), "bash -c \"%s\"", cmd);
		if (sh(wrapped))
			return -1;
	}
	if ((f = fopen("ca.pem", "r")) == NULL)
		return -1;
	ca_len = fread(ca_pem, 1, sizeof(ca_pem) - 1, f);
	fclose(f);
	return ca_len > 0 ? 0 : -1;
}

static int start(struct server *s, const char *name)
{
	char cmd[1024];

	if (s->p != NULL)
		return 0;
	snprintf(cmd, sizeof(cmd), "exec python3 '%s' %s/%s.pem %s/%s.key %s/served.log & echo $!",
		getenv("ZH_FETCH_SERVER"), base, name, base, name, base);
	if ((s->p = popen(cmd, "r")) == NULL || fscanf(s->p, "%ld", &s->pid) != 1 ||
		fscanf(s->p, "%d", &s->port) != 1)
		return -1;
	return 0;
}

static void stop(struct server *s)
{
	if (s->p == NULL)
		return;
	kill((pid_t)s->pid, SIGTERM);
	pclose(s->p);
	memset(s, 0, sizeof(*s));
}

/* The body the server sends: byte i is i*7 % 251. */
static int expected(const unsigned char *p, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(((from + i) * 7) % 251))
			return 0;
	return 1;
}

struct sinkbuf {
	unsigned char *data;
	size_t len, cap;
	int restarts;
};

static int sink(const void *d, size_t n, void *ctx)
{
	struct sinkbuf *b = ctx;

	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2;
		unsigned char *p = realloc(b->data, cap);

		if (p == NULL)
			return ZH_ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, d, n);
	b->len += n;
	return 0;
}

static int restart(void *ctx)
{
	struct sinkbuf *b = ctx;

	b->len = 0;
	b->restarts++;
	return 0;
}

/* GET path from server s (port 0: a closed one) with q's other fields as given. */
static int get(struct server *s, const char *path, struct zh_fetch_req *q, struct sinkbuf *b,
	struct zh_fetch_res *r, struct zh_err *err, char *url, size_t nurl)
{
	snprintf(url, nurl, "https://127.0.0.1:%d%s", s != NULL ? s->port : 9, path);
	q->url = url;
	if (q->ca_pem == NULL) {
		q->ca_pem = ca_pem;
		q->ca_len = ca_len;
	}
	q->sink = sink;
	q->restart = restart;
	q->ctx = b;
	if (q->retry_delay_ms == 0)
		q->retry_delay_ms = 50;
	zh_err_init(err);
	return zh_fetch_get(q, r, err);
}

static int setup(void)
{
	char here[1024];
	int rc;

	if (good.p != NULL)
		return 0;
	if (getcwd(here, sizeof(here)) == NULL || mkdtemp(base) == NULL || chdir(base) != 0)
		return -1;
	rc = pki() != 0 || start(&good, "good") != 0 || start(&wrongname, "wrongname") != 0 ||
		start(&untrusted, "untrusted") != 0;
	if (chdir(here) != 0 || rc != 0) {
		T_CHECK(!"the test mirror did not start");
		return -1;
	}
	return 0;
}

static void t_whole_and_resumed(void)
{
	struct zh_fetch_req q;
	struct zh_fetch_res r;
	struct sinkbuf b = {0};
	struct zh_err err;
	char url[200];

	if (setup() != 0)
		return;
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&good, "/ok/100000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_INT(b.len, 100000);
	T_CHECK(expected(b.data, b.len, 0));
	T_EQ_INT(r.status, 200);
	T_EQ_INT(r.attempts, 1);
	/* Cut halfway: the retry asks for the rest only. */
	b.len = 0;
	memset(&q, 0, sizeof(q));
	q.retries = 2;
	T_EQ_INT(get(&good, "/cut/200000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_INT(b.len, 200000);
	T_CHECK(expected(b.data, b.len, 0));
	T_EQ_INT(r.attempts, 2);
	T_EQ_INT(r.fetched, 200000); /* not 300,000: nothing fetched twice */
	T_EQ_INT(r.status, 206);
	/* An earlier partial download: only the rest. */
	b.len = 0;
	memset(&q, 0, sizeof(q));
	q.offset = 30000;
	T_EQ_INT(get(&good, "/ok/50000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_INT(b.len, 20000);
	T_CHECK(expected(b.data, b.len, 30000));
	T_EQ_INT(r.have, 50000);
	/* A server that ignores Range: the whole file again, after a restart. */
	b.len = 0;
	b.restarts = 0;
	memset(&q, 0, sizeof(q));
	q.offset = 30000;
	T_EQ_INT(get(&good, "/norange/50000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_INT(b.restarts, 1);
	T_EQ_INT(b.len, 50000);
	T_CHECK(expected(b.data, b.len, 0));
	free(b.data);
}

static void t_retry_and_timeout(void)
{
	struct zh_fetch_req q;
	struct zh_fetch_res r;
	struct sinkbuf b = {0};
	struct zh_err err;
	char url[200];

	if (setup() != 0)
		return;
	memset(&q, 0, sizeof(q));
	q.retries = 3;
	T_EQ_INT(get(&good, "/flaky/5000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_INT(r.attempts, 2);
	T_EQ_INT(b.len, 5000);
	/* Without retries the 500 is the answer, named. */
	b.len = 0;
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&good, "/flaky/6000", &q, &b, &r, &err, url, sizeof(url)), ZH_EHTTP);
	T_CHECK(strstr(err.msg, "HTTP 500") != NULL);
	/* A stalled transfer ends, named. */
	b.len = 0;
	memset(&q, 0, sizeof(q));
	q.low_speed_secs = 2;
	T_EQ_INT(get(&good, "/stall/5000", &q, &b, &r, &err, url, sizeof(url)), ZH_ETIMEOUT);
	T_CHECK(strstr(err.msg, "stalled") != NULL);
	T_EQ_INT(b.len, 10);
	free(b.data);
}

static void t_refusals(void)
{
	struct zh_fetch_req q;
	struct zh_fetch_res r;
	struct sinkbuf b = {0};
	struct zh_err err;
	char url[200];

	if (setup() != 0)
		return;
	memset(&q, 0, sizeof(q));
	q.max_size = 4096;
	T_EQ_INT(get(&good, "/ok/5000", &q, &b, &r, &err, url, sizeof(url)), ZH_ETOOBIG);
	T_EQ_INT(b.len, 0);
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&good, "/missing", &q, &b, &r, &err, url, sizeof(url)), ZH_EHTTP);
	T_CHECK(strstr(err.msg, "404") != NULL);
	memset(&q, 0, sizeof(q));
	q.no_html = 1;
	T_EQ_INT(get(&good, "/portal", &q, &b, &r, &err, url, sizeof(url)), ZH_ECAPTIVE);
	T_CHECK(strstr(err.msg, "captive portal") != NULL);
	T_EQ_INT(b.len, 0);
	/* ETag: the same version again is 304, nothing fetched. */
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&good, "/etag/3000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_EQ_STR(r.etag, "\"v1\"");
	b.len = 0;
	memset(&q, 0, sizeof(q));
	q.if_none_match = "\"v1\"";
	T_EQ_INT(get(&good, "/etag/3000", &q, &b, &r, &err, url, sizeof(url)), 0);
	T_CHECK(r.not_modified);
	T_EQ_INT(b.len, 0);
	free(b.data);
}

static void t_network_and_tls(void)
{
	struct zh_fetch_req q;
	struct zh_fetch_res r;
	struct sinkbuf b = {0};
	struct zh_err err;
	char url[200];
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd, closed_port;

	if (setup() != 0)
		return;
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&untrusted, "/ok/10", &q, &b, &r, &err, url, sizeof(url)), ZH_ETLS);
	T_CHECK(strstr(err.msg, "not from a trusted root") != NULL);
	memset(&q, 0, sizeof(q));
	T_EQ_INT(get(&wrongname, "/ok/10", &q, &b, &r, &err, url, sizeof(url)), ZH_ETLS);
	T_CHECK(strstr(err.msg, "for another name") != NULL);
	if (strstr(err.msg, "for another name") == NULL)
		fprintf(stderr, "%s\n", err.msg);
	/* A port nobody listens on. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T_CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
	closed_port = ntohs(a.sin_port);
	close(fd);
	{
		struct server none = {NULL, closed_port, 0};

		memset(&q, 0, sizeof(q));
		T_EQ_INT(get(&none, "/ok/10", &q, &b, &r, &err, url, sizeof(url)), ZH_ECONNECT);
		/* The same through a proxy that is not there: the proxy is named. */
		memset(&q, 0, sizeof(q));
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", closed_port);
		char proxy[64];
		snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", closed_port);
		q.proxy = proxy;
		T_EQ_INT(get(&good, "/ok/10", &q, &b, &r, &err, url, sizeof(url)), ZH_EPROXY);
	}
	memset(&q, 0, sizeof(q));
	q.url = "https://mirror.zhushou-test.invalid/index.json";
	q.sink = sink;
	q.ctx = &b;
	zh_err_init(&err);
	T_EQ_INT(zh_fetch_get(&q, &r, &err), ZH_EDNS);
	free(b.data);
	stop(&good);
	stop(&wrongname);
	stop(&untrusted);
	snprintf(url, sizeof(url), "rm -rf '%s'", base);
	T_EQ_INT(system(url), 0);
}

ZH_TESTS(ZH_TEST_ENTRY(t_whole_and_resumed), ZH_TEST_ENTRY(t_retry_and_timeout),
	ZH_TEST_ENTRY(t_refusals), ZH_TEST_ENTRY(t_network_and_tls))
