/* SPDX-License-Identifier: MIT */
/*
 * HTTPS through libcurl on OpenSSL; see fetch.h. OpenSSL appears here only as libcurl's TLS
 * context, through libcurl's own hook (CURLOPT_SSL_CTX_FUNCTION): read-ahead, nothing that
 * touches verification. Signatures and hashes are sign.c's.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "fetch.h"
#include "../sys/thread.h"
#include "banned.h"

const char *zh_fetch_lib_version(void)
{
	return curl_version_info(CURLVERSION_NOW)->version;
}

/* The body is not kept: the status says whether the service answers. */
static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p, (void)ctx;
	return size * n;
}

static int code_of(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		return ZH_ECONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return ZH_ETIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return ZH_ETLS;
	case CURLE_OUT_OF_MEMORY:
		return ZH_ENOMEM;
	default:
		return ZH_EIO;
	}
}

int zh_fetch_https_local(const char *host, int port, const char *address, const void *ca_pem,
	size_t ca_len, long timeout_ms, long *ret_status, struct zh_err *err)
{
	struct curl_blob ca = {(void *)ca_pem, ca_len, CURL_BLOB_COPY};
	char url[320], resolve[320], msg[CURL_ERROR_SIZE];
	struct curl_slist *rl = NULL;
	CURL *h;
	CURLcode c;
	int rc = 0;

	*ret_status = 0;
	msg[0] = '\0';
	if (strlen(host) > 253 || strlen(address) > 45 || port <= 0 || port > 65535)
		return zh_err_set(err, ZH_EINVAL, "bad service address %s:%d", host, port);
	(void)snprintf(url, sizeof(url), "https://%s:%d/", host, port);
	(void)snprintf(resolve, sizeof(resolve), "%s:%d:%s", host, port, address);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (h = curl_easy_init()) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot start libcurl");
	if ((rl = curl_slist_append(NULL, resolve)) == NULL) {
		curl_easy_cleanup(h);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_RESOLVE, rl) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, msg) != CURLE_OK) {
		rc = zh_err_set(err, ZH_EIO, "cannot set up libcurl");
		goto out;
	}
	c = curl_easy_perform(h);
	if (c != CURLE_OK)
		rc = zh_err_set(err, code_of(c), "https://%s:%d/ (at %s): %s", host, port, address,
			msg[0] != '\0' ? msg : curl_easy_strerror(c));
	else
		(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, ret_status);
out:
	curl_slist_free_all(rl);
	curl_easy_cleanup(h);
	return rc;
}

/* ---- Downloads (online mode) ------------------------------------------------------------- */

struct xfer {
	CURL *h; /* the running attempt's handle */
	const struct zh_fetch_req *q;
	struct zh_fetch_res *res;
	int64_t first; /* where this answer's body starts */
	int checked; /* the answer's status and headers were looked at */
	int code; /* why the transfer was stopped from here, or 0 */
	char why[200];
};

static int header_is(const char *line, size_t n, const char *name, const char **ret_value,
	size_t *ret_len)
{
	size_t k = strlen(name), i;

	if (n <= k || line[k] != ':')
		return 0;
	for (i = 0; i < k; i++)
		if (tolower((unsigned char)line[i]) != tolower((unsigned char)name[i]))
			return 0;
	for (i = k + 1; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	*ret_value = line + i;
	for (*ret_len = n - i; *ret_len > 0 &&
		(line[i + *ret_len - 1] == '\r' || line[i + *ret_len - 1] == '\n' ||
			line[i + *ret_len - 1] == ' ');
		(*ret_len)--)
		;
	return 1;
}

static size_t on_header(char *line, size_t size, size_t n, void *vctx)
{
	struct xfer *x = vctx;
	const char *v;
	size_t len;

	n *= size;
	/* A new answer (after a redirect or a 100) starts over. */
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0)
		x->res->etag[0] = '\0';
	else if (header_is(line, n, "ETag", &v, &len) && len < sizeof(x->res->etag)) {
		memcpy(x->res->etag, v, len);
		x->res->etag[len] = '\0';
	}
	return n;
}

/* Before the first byte of a body: is this answer the file (or the rest of it)? */
static int check_answer(CURL *h, struct xfer *x)
{
	const struct zh_fetch_req *q = x->q;
	char *type = NULL;
	curl_off_t len = -1;
	long status = 0;

	x->checked = 1;
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	(void)curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
	(void)curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
	x->res->status = status;
	if (status != 200 && status != 206)
		return 0; /* the status is judged after the transfer */
	if (q->no_html && type != NULL && strncmp(type, "text/html", 9) == 0) {
		x->code = ZH_ECAPTIVE;
		(void)snprintf(x->why, sizeof(x->why),
			"a web page (%s) came back instead of the file: a captive portal or a "
			"proxy's login page",
			type);
		return -1;
	}
	if (status == 200 && x->res->have > 0) {
		/* The server ignored the Range request: everything comes again. */
		if (q->restart == NULL || q->restart(q->ctx) != 0) {
			x->code = ZH_EIO;
			(void)snprintf(x->why, sizeof(x->why), "cannot start the file again");
			return -1;
		}
		x->res->have = 0;
	}
	x->first = x->res->have;
	if (q->max_size > 0 && len >= 0 && x->first + (int64_t)len > q->max_size) {
		x->code = ZH_ETOOBIG;
		(void)snprintf(x->why, sizeof(x->why),
			"the server announces %lld bytes, more than the %lld the index allows",
			(long long)(x->first + (int64_t)len), (long long)q->max_size);
		return -1;
	}
	return 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *vctx)
{
	struct xfer *x = vctx;
	int rc;

	n *= size;
	if (x->res->status != 200 && x->res->status != 206)
		return n; /* an error page: not the file */
	if (x->q->max_size > 0 && x->res->have + (int64_t)n > x->q->max_size) {
		x->code = ZH_ETOOBIG;
		(void)snprintf(x->why, sizeof(x->why),
			"the server sends more than the %lld bytes the index allows",
			(long long)x->q->max_size);
		return 0;
	}
	if ((rc = x->q->sink(data, n, x->q->ctx)) != 0) {
		x->code = rc;
		(void)snprintf(x->why, sizeof(x->why), "the downloaded data cannot be kept");
		return 0;
	}
	x->res->have += (int64_t)n;
	x->res->fetched += (int64_t)n;
	if (x->q->progress != NULL)
		x->q->progress(x->res->have, x->q->max_size, x->q->ctx);
	return n;
}

/* The TLS failure in words: which check failed. */
static const char *tls_why(CURL *h, CURLcode c)
{
	long v = 0;

	(void)curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &v);
	/*
	 * The chain was good (0) or OpenSSL gave no reason (1, X509_V_ERR_UNSPECIFIED): then it
	 * was libcurl's own host name check that refused the peer (curl 7.88 on OpenSSL 3).
	 */
	if (c == CURLE_PEER_FAILED_VERIFICATION && (v == 0 || v == 1))
		return "the server's certificate is for another name";
	if (v == 0)
		return "the TLS handshake failed (protocol or cipher)";
	switch (v) {
	case 18: /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */
	case 19: /* X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN */
	case 20: /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY */
	case 21: /* X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE */
	case 2: /* X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT */
		return "the server's certificate is not from a trusted root";
	case 62: /* X509_V_ERR_HOSTNAME_MISMATCH */
		return "the server's certificate is for another name";
	case 10: /* X509_V_ERR_CERT_HAS_EXPIRED */
		return "the server's certificate has expired";
	default:
		return v < 0 ? "the TLS handshake failed" : "the server's certificate was refused";
	}
}

/* Map one finished attempt to a result: 0, a retryable code (*retry), or a final one. */
static int judge(CURL *h, CURLcode c, const char *msg, struct xfer *x, int *retry,
	struct zh_err *err)
{
	const struct zh_fetch_req *q = x->q;
	long status = x->res->status;

	*retry = 0;
	if (x->code != 0)
		return zh_err_set(err, x->code, "%s: %s", q->url, x->why);
	/* An https request through a proxy is a CONNECT tunnel: its answer is the proxy's. */
	if (c != CURLE_OK && q->proxy != NULL && q->proxy[0] != '\0') {
		long connect = 0;

		(void)curl_easy_getinfo(h, CURLINFO_HTTP_CONNECTCODE, &connect);
		if (connect == 407)
			return zh_err_set(err, ZH_EPROXY,
				"%s: the proxy wants a user name and password (407)%s", q->url,
				q->proxy_sspi ? ", and the Windows logon was not accepted" : "");
		if (connect >= 300)
			return zh_err_set(err, ZH_EPROXY,
				"%s: the proxy refused to connect to the server (HTTP %ld): %s",
				q->url, connect, msg);
	}
	switch (c) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		return zh_err_set(err, ZH_EDNS, "%s: the name does not resolve: %s", q->url, msg);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return zh_err_set(err, ZH_EPROXY, "%s: the proxy's name does not resolve: %s",
			q->url, msg);
	case CURLE_COULDNT_CONNECT:
		*retry = 1;
		return q->proxy != NULL
			? zh_err_set(err, ZH_EPROXY, "%s: the proxy refused the connection: %s",
				  q->url, msg)
			: zh_err_set(err, ZH_ECONNECT, "%s: nothing answers: %s", q->url, msg);
	case CURLE_OPERATION_TIMEDOUT:
		*retry = 1;
		return zh_err_set(err, ZH_ETIMEOUT, "%s: %s: %s", q->url,
			x->res->fetched > 0 || x->checked ? "the transfer stalled"
							  : "no answer in time",
			msg);
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		*retry = 1;
		return zh_err_set(err, ZH_EIO, "%s: the transfer was cut off after %lld bytes: %s",
			q->url, (long long)x->res->have, msg);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return zh_err_set(err, ZH_ETLS, "%s: %s (%s)", q->url, tls_why(h, c), msg);
	case CURLE_OUT_OF_MEMORY:
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	default:
		return zh_err_set(err, ZH_EIO, "%s: %s", q->url, msg);
	}
	if (status == 304) {
		x->res->not_modified = 1;
		return 0;
	}
	if (status == 407)
		return zh_err_set(err, ZH_EPROXY,
			"%s: the proxy wants a user name and password (407)", q->url);
	if (status >= 500) {
		*retry = 1;
		return zh_err_set(err, ZH_EHTTP, "%s: the server failed (HTTP %ld)", q->url,
			status);
	}
	if (status != 200 && status != 206)
		return zh_err_set(err, ZH_EHTTP, "%s: HTTP %ld%s", q->url, status,
			status == 404 ? " (not on the mirror)" : "");
	return 0;
}

/* The body's first bytes: the answer (status, type, length) is judged before any is kept. */
static size_t on_body_first(char *data, size_t size, size_t n, void *vctx)
{
	struct xfer *x = vctx;

	if (!x->checked && check_answer(x->h, x) != 0)
		return 0;
	return on_body(data, size, n, vctx);
}

/*
 * Why downloads under Wine were slow: every Winsock call (recv, poll, WSAEventSelect) is a
 * wineserver round trip of about 100 us. Without read-ahead OpenSSL reads each 16 KiB TLS
 * record as two recv()s (the 5-byte header, then the body); with it, one recv() takes up to
 * ZH_FETCH_TLS_READ_BUF of records at once.
 *
 * Read-ahead is only safe when libcurl reads until OpenSSL says EAGAIN before it waits on the
 * socket: records OpenSSL has already taken off the socket make no poll fire. libcurl 7.88
 * stops reading when SSL_pending() (the current record only) and a zero-timeout poll of the
 * socket both say nothing is left, then waits on the socket: with read-ahead that stalls until
 * the server sends more or closes (a keep-alive server never does). The receive loop of 8.14.1
 * (lib/transfer.c sendrecv_dl) reads until CURLE_AGAIN, at most 10 times, and asks to be run
 * again at once when it stopped before that. It is the first release whose loop was checked,
 * so older ones keep OpenSSL's default (the loop changed in between; which release is not
 * pinned down here).
 */
#define ZH_CURL_READS_TO_EAGAIN 0x080e01
#define ZH_FETCH_TLS_READ_BUF (256 * 1024)

static int read_ahead_safe(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	/* The hook hands over the backend's own context: an SSL_CTX only on OpenSSL. */
	return v->version_num >= ZH_CURL_READS_TO_EAGAIN && v->ssl_version != NULL &&
		strncmp(v->ssl_version, "OpenSSL/", 8) == 0;
}

static CURLcode tls_read_ahead(CURL *h, void *ssl_ctx, void *unused)
{
	(void)h, (void)unused;
	SSL_CTX_set_read_ahead((SSL_CTX *)ssl_ctx, 1);
	SSL_CTX_set_default_read_buffer_len((SSL_CTX *)ssl_ctx, ZH_FETCH_TLS_READ_BUF);
	return CURLE_OK;
}

/*
 * curl_easy_perform() without its poll when libcurl has more to do at once. easy_perform
 * polls before every curl_multi_perform(), with a zero timeout when the receive loop stopped
 * with data left (above): under Wine that poll is five Winsock calls per 160 KiB
 * (WSAEventSelect, a poll, WSAEnumNetworkEvents, WSAEventSelect, WSAResetEvent), more than the
 * reads. curl_multi_timeout() says 0 in exactly that case; otherwise this waits as
 * easy_perform does (at most a second, so libcurl's own timers run).
 */
static CURLcode perform(CURL *h)
{
	CURLM *m = NULL;
	CURLMcode mc = CURLM_OK;
	CURLcode c = CURLE_BAD_FUNCTION_ARGUMENT;
	CURLMsg *msg;
	int running = 1, left = 0, added = 0;
	long wait_ms = 0;

	if ((m = curl_multi_init()) == NULL || curl_multi_add_handle(m, h) != CURLM_OK) {
		c = CURLE_OUT_OF_MEMORY;
		goto out;
	}
	added = 1;
	for (;;) {
		mc = curl_multi_perform(m, &running);
		if (mc != CURLM_OK || running == 0)
			break;
		mc = curl_multi_timeout(m, &wait_ms);
		if (mc != CURLM_OK)
			break;
		if (wait_ms == 0)
			continue;
		mc = curl_multi_poll(m, NULL, 0,
			wait_ms < 0 || wait_ms > 1000 ? 1000 : (int)wait_ms, NULL);
		if (mc != CURLM_OK)
			break;
	}
	/* As easy_perform: a multi failure is out of memory or a misuse. */
	if (mc != CURLM_OK)
		c = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_BAD_FUNCTION_ARGUMENT;
	else
		while ((msg = curl_multi_info_read(m, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
				c = msg->data.result;
out:
	if (added)
		(void)curl_multi_remove_handle(m, h);
	curl_multi_cleanup(m);
	return c;
}

static int one_attempt(struct xfer *x, struct zh_err *err, int *retry)
{
	const struct zh_fetch_req *q = x->q;
	struct curl_blob ca = {(void *)q->ca_pem, q->ca_len, CURL_BLOB_COPY};
	struct curl_slist *hdrs = NULL;
	char msg[CURL_ERROR_SIZE], range[48], inm[160];
	curl_off_t spent = 0;
	CURL *h;
	CURLcode c;
	int rc;

	*retry = 0;
	msg[0] = '\0';
	x->checked = 0;
	x->code = 0;
	if ((h = curl_easy_init()) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot start libcurl");
	x->h = h;
	if (q->if_none_match != NULL && x->res->have == 0) {
		(void)snprintf(inm, sizeof(inm), "If-None-Match: %s", q->if_none_match);
		if ((hdrs = curl_slist_append(NULL, inm)) == NULL) {
			curl_easy_cleanup(h);
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		}
	}
	(void)snprintf(range, sizeof(range), "%lld-", (long long)x->res->have);
	if (curl_easy_setopt(h, CURLOPT_URL, q->url) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			q->connect_timeout_ms > 0 ? q->connect_timeout_ms : 15000L) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
			q->low_speed_secs > 0 ? q->low_speed_secs : 30L) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_RANGE, x->res->have > 0 ? range : NULL) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_HEADERDATA, x) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body_first) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_WRITEDATA, x) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, msg) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_PROXY, q->proxy != NULL ? q->proxy : "") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_PROXYAUTH,
			q->proxy_sspi ? (long)(CURLAUTH_NEGOTIATE | CURLAUTH_NTLM)
				      : (long)CURLAUTH_ANY) != CURLE_OK ||
		(q->proxy_sspi && curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, ":") != CURLE_OK) ||
		(q->ca_pem != NULL ? curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca)
				   : curl_easy_setopt(h, CURLOPT_SSL_OPTIONS,
					     (long)CURLSSLOPT_NATIVE_CA)) != CURLE_OK) {
		rc = zh_err_set(err, ZH_EIO, "cannot set up libcurl");
		goto out;
	}
	/* An optimisation only: a libcurl that refuses the hook downloads as before. */
	if (read_ahead_safe())
		(void)curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, tls_read_ahead);
	c = perform(h);
	if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &spent) == CURLE_OK)
		x->res->micros += (int64_t)spent;
	if (!x->checked)
		(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x->res->status);
	rc = judge(h, c, msg[0] != '\0' ? msg : curl_easy_strerror(c), x, retry, err);
out:
	x->h = NULL;
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return rc;
}

int zh_fetch_get(const struct zh_fetch_req *q, struct zh_fetch_res *res, struct zh_err *err)
{
	struct xfer x;
	long delay = q->retry_delay_ms > 0 ? q->retry_delay_ms : 500;
	int rc, retry = 0;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.q = q;
	x.res = res;
	res->have = q->offset;
	if (q->sink == NULL || q->url == NULL)
		return zh_err_set(err, ZH_EINVAL, "nothing to download to");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return zh_err_set(err, ZH_ENOMEM, "cannot start libcurl");
	for (;;) {
		res->attempts++;
		rc = one_attempt(&x, err, &retry);
		if (rc == 0 || !retry || res->attempts > q->retries)
			return rc;
		sys_sleep_ms(delay);
		delay *= 2;
		zh_err_init(err);
	}
}
