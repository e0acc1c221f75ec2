/* SPDX-License-Identifier: MIT */
/*
 * Benchmark baseline (bench_download.sh): one HTTPS GET with the libcurl + OpenSSL that
 * zhushou links, cross-built for Windows and run under Wine, the body thrown away: what the
 * transport costs under Wine with none of zhushou's work (no hashing, no partial file, no
 * index, no install). The options are the ones zhushou's download uses where they touch
 * throughput (a 256 KiB receive buffer, no proxy; OpenSSL read-ahead on a libcurl that reads
 * until EAGAIN, and the transfer loop that skips libcurl's zero-timeout polls: both as in
 * src/core/fetch.c); the server is verified against CA_FILE.
 * Prints the bytes received; exits 0 when the transfer completed with HTTP 200.
 * Usage: curl_get URL CA_FILE
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
	long long *total = ctx;

	(void)data;
	*total += (long long)(size * n);
	return size * n;
}

/* fetch.c: ZH_CURL_READS_TO_EAGAIN, read_ahead_safe(), tls_read_ahead(), perform(). */
static int read_ahead_safe(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	return v->version_num >= 0x080e01 && v->ssl_version != NULL &&
		strncmp(v->ssl_version, "OpenSSL/", 8) == 0;
}

static CURLcode tls_read_ahead(CURL *h, void *ssl_ctx, void *unused)
{
	(void)h, (void)unused;
	SSL_CTX_set_read_ahead((SSL_CTX *)ssl_ctx, 1);
	SSL_CTX_set_default_read_buffer_len((SSL_CTX *)ssl_ctx, 256 * 1024);
	return CURLE_OK;
}

static CURLcode perform(CURL *h)
{
	CURLM *m = curl_multi_init();
	CURLMcode mc = CURLM_OK;
	CURLcode c = CURLE_BAD_FUNCTION_ARGUMENT;
	CURLMsg *msg;
	int running = 1, left = 0;
	long wait_ms = 0;

	if (m == NULL || curl_multi_add_handle(m, h) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
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
	if (mc == CURLM_OK)
		while ((msg = curl_multi_info_read(m, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
				c = msg->data.result;
	(void)curl_multi_remove_handle(m, h);
	curl_multi_cleanup(m);
	return c;
}

int main(int argc, char **argv)
{
	long long total = 0;
	long status = 0;
	CURLcode rc;
	CURL *h;

	if (argc != 3) {
		fprintf(stderr, "usage: curl_get URL CA_FILE\n");
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK || (h = curl_easy_init()) == NULL) {
		fprintf(stderr, "curl_get: libcurl did not start\n");
		return 1;
	}
	if (curl_easy_setopt(h, CURLOPT_URL, argv[1]) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_PROXY, "") != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK ||
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &total) != CURLE_OK) {
		fprintf(stderr, "curl_get: an option was refused\n");
		return 1;
	}
	if (read_ahead_safe())
		(void)curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, tls_read_ahead);
	rc = perform(h);
	(void)curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	if (rc != CURLE_OK || status != 200) {
		fprintf(stderr, "curl_get: %s (HTTP %ld)\n", curl_easy_strerror(rc), status);
		return 1;
	}
	printf("%lld\n", total);
	return 0;
}
