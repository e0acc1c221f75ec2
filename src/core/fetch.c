/* SPDX-License-Identifier: MIT */
/* HTTPS through libcurl on OpenSSL; see fetch.h. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "fetch.h"
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
