/* SPDX-License-Identifier: MIT */
/*
 * Windows certificate stores (crypt32), by SHA-1 thumbprint. Changes are committed
 * (CERT_STORE_CTRL_COMMIT) before the call returns: WINE.md, docs/wine-notes.md — Wine saves
 * an add only on close or commit and a delete only on commit. posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_CERTSTORE_H
#define ZH_SYS_CERTSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

enum sys_cert_loc {
	SYS_CERT_LOCAL_MACHINE,
	SYS_CERT_CURRENT_USER,
};

/* Is the certificate with this SHA-1 in store ("Root", "CA", "My")? *ret_present 0/1. */
int sys_cert_present(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	int *ret_present, struct zh_err *err);

/* The DER bytes of the certificate with this SHA-1 in store (sys_free); ZH_ENOENT if absent. */
int sys_cert_get(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20], void **ret_der,
	size_t *ret_len, struct zh_err *err);

/*
 * Call fn with the DER bytes of every certificate in store, until it returns non-zero (which
 * is returned).
 */
int sys_cert_each(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, void *ctx), void *ctx, struct zh_err *err);

/* Where a certificate's private key lives (CERT_KEY_PROV_INFO_PROP_ID), UTF-8. */
struct sys_cert_key {
	const char *provider; /* the CSP or CNG key storage provider */
	const char *container;
	unsigned long prov_type; /* 0: a CNG key storage provider */
};

/*
 * Call fn for every certificate in store that is linked to a private key (never the key
 * itself: only where it lives), until fn returns non-zero (which is returned). A store that
 * does not exist has no certificates: 0.
 */
int sys_cert_each_keyed(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, const struct sys_cert_key *key, void *ctx),
	void *ctx, struct zh_err *err);

/* Add the DER certificate to store (an identical one already there is fine). */
int sys_cert_add(enum sys_cert_loc loc, const char *store, const void *der, size_t len,
	struct zh_err *err);

/* Remove the certificate with this SHA-1 from store; ZH_ENOENT if it is not there. */
int sys_cert_remove(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	struct zh_err *err);

#endif
