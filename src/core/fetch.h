/* SPDX-License-Identifier: MIT */
/*
 * The online mirror (libcurl on OpenSSL).
 * This file is the one home of libcurl in zhushou; other modules see only its functions.
 */
#ifndef ZH_FETCH_H
#define ZH_FETCH_H

/* The version of libcurl linked in, as the library reports it at run time. */
const char *zh_fetch_lib_version(void);

#endif
