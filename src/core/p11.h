/* SPDX-License-Identifier: MIT */
/*
 * Reading UKEYs through their vendor's PKCS#11 module (the catalog names it): the slots, the
 * tokens in them and the public certificate objects on each, with the fields support asks
 * for (subject, issuer, serial, validity). Read only: never a login, never a PIN, never a
 * private object or a key. The module is loaded through sys/dl.h, so the same code reads a
 * vendor's DLL under Windows and SoftHSM natively.
 *
 * Lifecycle: zh_p11_read() fills a state; zh_p11_release() frees it.
 */
#ifndef ZH_P11_H
#define ZH_P11_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZH_P11_MAX_SLOTS 16
#define ZH_P11_MAX_CERTS 16 /* per token */

struct zh_p11_cert {
	char *subject, *issuer; /* one line each, UTF-8 */
	char serial[41]; /* hex */
	char sha1[41];
	int64_t not_before, not_after; /* seconds UTC */
};

struct zh_p11_token {
	unsigned long slot;
	char label[33], serial[17], manufacturer[33], model[17]; /* blanks trimmed */
	int initialized; /* CKF_TOKEN_INITIALIZED: a blank token is no UKEY yet */
	struct zh_p11_cert *certs;
	size_t ncerts;
	size_t unparsed; /* certificate objects whose value is not an X.509 certificate */
	const char *failed; /* the call that failed for this token (its certificates are
			       unknown), or NULL */
	unsigned long ckr;
};

struct zh_p11_state {
	int module_found; /* the file is there */
	int loaded; /* and is a PKCS#11 module that initialised */
	char library[80]; /* CK_INFO: manufacturer and description, when loaded */
	size_t nslots; /* slots of the module, with or without a token */
	struct zh_p11_token *tokens; /* the slots with a token present */
	size_t ntokens;
	const char *failed; /* a module-wide call that failed (C_Initialize, C_GetSlotList...)
			       or the loader, or NULL */
	unsigned long ckr;
	char *why; /* failed: the message (the call and its CKR_ name, or the loader's words) */
};

/*
 * Read what the module at path (already expanded) sees. A missing module is
 * !st->module_found; a module that cannot be loaded or whose calls fail is recorded in
 * st->failed / st->why (per token in token->failed): all return 0, the facts are the result.
 * Only ZH_ENOMEM is an error. Release st with zh_p11_release in any case.
 */
int zh_p11_read(const char *path, struct zh_p11_state *st, struct zh_err *err);

void zh_p11_release(struct zh_p11_state *st);

/* The CKR_ name of a PKCS#11 return value ("CKR_DEVICE_ERROR"), or NULL if unknown. */
const char *zh_p11_ckr_name(unsigned long ckr);

#endif
