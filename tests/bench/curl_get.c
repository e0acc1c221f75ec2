/* SPDX-License-Identifier: MIT */
/*
 * Benchmark baseline (bench_download.sh): one HTTPS GET with the libcurl + OpenSSL that
 * zhushou links, cross-built for Windows and run under Wine, the body thrown away: what the
 * transport costs under Wine with none of zhushou's work (no hashing, no partial file, no
 * index, no install). The options are the ones zhushou's download uses where they touch
 * throughput (a 256 KiB receive buffer, no proxy); the server is verified against CA_FILE.
 * Prints the bytes received; exits 0 when the transfer completed with HTTP 200.
 * Usage: curl_get URL CA_FILE
 */
#include <stdio.h>

#include <curl/curl.h>

static size_t discard(char *data, size_t size, size_t n, void *ctx)
{
	long long *total = ctx;

	(void)data;
	*total += (long long)(size * n);
	return size * n;
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
	rc = curl_easy_perform(h);
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
