/* SPDX-License-Identifier: MIT */
/*
 * The UKEY checks' facts and their reading (FAQ 3, 4, 5 of the portal's guide): is the
 * vendor's PKCS#11 module installed, is a key in a slot, which certificates it holds and how
 * long they are valid; beside that, the Windows view: certificates in CurrentUser MY whose
 * key lives in a smart-card provider, and CD drives (a plugged-in key shows as one, with the
 * vendor's label). Read only, no PIN ever.
 *
 * Lifecycle: zh_ukey_probe() fills a state; zh_ukey_release() frees it.
 */
#ifndef ZH_UKEY_H
#define ZH_UKEY_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "err.h"
#include "p11.h"

#define ZH_UKEY_EXPIRY_WARN_DAYS 30

/* Where the key stands, from the module's view (the `ukey` check). */
enum zh_ukey_presence {
	ZH_UKEY_NO_MODULE, /* no module at any catalog path: repair installs the control */
	ZH_UKEY_MODULE_FAILED, /* the module is there but cannot be loaded or fails */
	ZH_UKEY_NO_TOKEN, /* no key in a slot (a blank, uninitialised token counts as none) */
	ZH_UKEY_PRESENT,
};

/* What its certificates say (the `ukey_certificate` check). */
enum zh_ukey_certs {
	ZH_UKEY_CERTS_NA, /* no key to read */
	ZH_UKEY_CERTS_UNREADABLE, /* the key's module failed reading it */
	ZH_UKEY_CERTS_NONE, /* a key without a certificate: FAQ 5 */
	ZH_UKEY_CERTS_EXPIRED, /* every certificate is expired (or not yet valid) */
	ZH_UKEY_CERTS_EXPIRING, /* the best one ends within ZH_UKEY_EXPIRY_WARN_DAYS */
	ZH_UKEY_CERTS_OK,
};

/* A certificate's own validity at a time. */
enum zh_cert_validity {
	ZH_CERT_VALID,
	ZH_CERT_EXPIRING,
	ZH_CERT_EXPIRED,
	ZH_CERT_NOT_YET_VALID,
};

/* A CurrentUser MY certificate with its key in a provider. */
struct zh_ukey_wincert {
	char *subject, *issuer, *provider;
	char serial[41];
	int64_t not_after;
	int smartcard; /* the provider is a smart card's (or one the catalog names) */
};

struct zh_ukey_drive {
	char letter;
	int ready; /* a medium is in */
	char label[64];
	int matches; /* the label is the catalog's cdrom_label */
};

struct zh_ukey_state {
	const struct zh_ukey_def *def; /* borrowed */
	int64_t now;
	char *module_path; /* the module read (the first path that exists, expanded), or NULL */
	struct zh_p11_state p11;
	int have_wincerts; /* the Windows store could be read (not on posix) */
	struct zh_ukey_wincert *wincerts;
	size_t nwincerts;
	int have_drives;
	struct zh_ukey_drive drives[26]; /* CD drives only */
	size_t ndrives;
};

/* Read all of it for def at time now. Only ZH_ENOMEM (and a fault) are errors. */
int zh_ukey_probe(const struct zh_ukey_def *def, int64_t now, struct zh_ukey_state *st,
	struct zh_err *err);

void zh_ukey_release(struct zh_ukey_state *st);

enum zh_ukey_presence zh_ukey_presence(const struct zh_ukey_state *st);

/* The first token that is a key (initialised), or NULL. */
const struct zh_p11_token *zh_ukey_token(const struct zh_ukey_state *st);

enum zh_ukey_certs zh_ukey_certs(const struct zh_ukey_state *st,
	const struct zh_p11_cert **ret_best);

enum zh_cert_validity zh_cert_validity(int64_t not_before, int64_t not_after, int64_t now);

/* Whole days from now to t, rounded down (negative when past). */
int64_t zh_days_left(int64_t t, int64_t now);

/* Does the issuer line name one of def's expected issuers? 0 when def names none. */
int zh_ukey_issuer_matches(const struct zh_ukey_def *def, const char *issuer);

const char *zh_ukey_presence_name(enum zh_ukey_presence p);
const char *zh_ukey_certs_name(enum zh_ukey_certs c);
const char *zh_cert_validity_name(enum zh_cert_validity v);

#endif
