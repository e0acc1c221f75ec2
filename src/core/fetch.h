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

#endif
