/* SPDX-License-Identifier: MIT */
/*
 * Signatures and hashes (OpenSSL): CMS detached signatures, SHA-256.
 * This file is the one home of OpenSSL in zhushou; other modules see only its functions.
 */
#ifndef ZH_SIGN_H
#define ZH_SIGN_H

/* The version of OpenSSL linked in, as the library reports it at run time. */
const char *zh_sign_lib_version(void);

#endif
