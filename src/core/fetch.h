/* SPDX-License-Identifier: MIT */
/*
 * HTTPS through libcurl on OpenSSL: the online mirror, and the local services a profile's
 * components run.
 * This file is the one home of libcurl in zhushou; other modules see only its functions.
 */
#ifndef ZH_FETCH_H
#define ZH_FETCH_H

#include "err.h"

/* The version of libcurl linked in, as the library reports it at run time. */
const char *zh_fetch_lib_version(void);

/*
 * GET https://host:port/ with host taken to be at address (no DNS, no proxy), the server's
 * certificate verified for host against the roots in ca_pem (PEM, ca_len bytes), within
 * timeout_ms.
 * *ret_status is the HTTP status on an answer. Errors name what failed: ZH_ECONNECT (nothing
 * answers), ZH_ETLS (handshake or certificate), ZH_ETIMEOUT.
 */
int zh_fetch_https_local(const char *host, int port, const char *address, const void *ca_pem,
	size_t ca_len, long timeout_ms, long *ret_status, struct zh_err *err);

/*
 * One GET of a mirror's file, resumable (online mode): the body goes to q->sink from
 * q->offset on (the caller keeps and hashes what it has; a server that ignores the Range
 * request sends everything again, after q->restart). Transient failures (a cut transfer, a
 * 5xx answer, a refused or reset connection) are retried up to q->retries times with a growing
 * pause, each retry asking only for what is missing. Every failure is named for people:
 * ZH_EDNS, ZH_ECONNECT, ZH_EPROXY (refused, 407), ZH_ETLS (untrusted root, name mismatch,
 * protocol: said which), ZH_ETIMEOUT (connect or stalled), ZH_EHTTP (404, 5xx: the status),
 * ZH_ECAPTIVE (an HTML page where a file was expected), ZH_ETOOBIG (more than q->max_size).
 */
struct zh_fetch_req {
	const char *url;
	int64_t offset; /* bytes the caller already holds */
	int64_t max_size; /* the whole file's size cap (the index's), 0: none */
	const char *if_none_match; /* an ETag: 304 gives res->not_modified */
	const void *ca_pem; /* the roots to trust (PEM); NULL: the system's (Windows Root) */
	size_t ca_len;
	const char *proxy; /* "http://host:port" (user:password@ allowed); NULL: no proxy */
	int proxy_sspi; /* the PC's proxy: authenticate with the Windows logon (NTLM, Negotiate) */
	long connect_timeout_ms; /* 0: 15 s */
	long low_speed_secs; /* a transfer below 1 byte/s this long is stalled; 0: 30 s */
	int retries;
	long retry_delay_ms; /* the first pause; doubled each time; 0: 500 ms */
	int no_html; /* a text/html answer is a captive portal, not the file */
	int (*sink)(const void *data, size_t len, void *ctx); /* non-zero stops with that code */
	int (*restart)(void *ctx); /* drop what is held: the body comes from byte 0 */
	void (*progress)(int64_t have, int64_t total, void *ctx);
	void *ctx;
};

struct zh_fetch_res {
	long status; /* the last HTTP status */
	int not_modified; /* 304 */
	int64_t fetched; /* body bytes received over all attempts */
	int64_t have; /* bytes the caller holds now (offset + what this call added) */
	int attempts;
	int64_t micros; /* time spent in the transfers, as libcurl measured them */
	char etag[128]; /* the answer's ETag, or "" */
};

int zh_fetch_get(const struct zh_fetch_req *q, struct zh_fetch_res *res, struct zh_err *err);

#endif
