/* SPDX-License-Identifier: MIT */
/*
 * Reading a UKEY through its vendor's PKCS#11 module (the catalog names it): is a token in a
 * slot, and the certificates on it (DER). Read only: no login, no PIN, no private objects.
 * posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_P11_H
#define ZH_SYS_P11_H

#include <stddef.h>

#include "../core/err.h"

#define SYS_P11_MAX_CERTS 16

struct sys_p11_token {
	int present; /* a token in one of the module's slots */
	char label[33]; /* CK_TOKEN_INFO label, trailing blanks removed */
	char serial[17];
	void *certs[SYS_P11_MAX_CERTS]; /* DER (sys_free), the first SYS_P11_MAX_CERTS */
	size_t lens[SYS_P11_MAX_CERTS];
	size_t ncerts;
	const char *failed; /* the PKCS#11 function that failed, or NULL */
	unsigned long ckr; /* and its CKR_ code */
};

/*
 * Load the module at path, find the first slot with a token and read the certificates on it.
 * ZH_ENOENT: no module there. A module call that fails: ZH_EIO, with ret->failed and
 * ret->ckr set (a present token the module cannot open is ret->present with ret->failed).
 * Release ret with sys_p11_release in any case.
 */
int sys_p11_read(const char *path, struct sys_p11_token *ret, struct zh_err *err);

void sys_p11_release(struct sys_p11_token *t);

#endif
