/* SPDX-License-Identifier: MIT */
/* The UKEY facts; see ukey.h. */
#include <string.h>

#include "ukey.h"
#include "certpem.h"
#include "mem.h"
#include "../sys/certstore.h"
#include "../sys/drives.h"
#include "../sys/env.h"
#include "../sys/mem.h"
#include "banned.h"

#define DAY 86400

static int ascii_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* Does hay contain needle, ASCII letters compared without case? */
static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	if (n == 0)
		return 0;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++)
			if (ascii_lower((unsigned char)hay[i]) !=
				ascii_lower((unsigned char)needle[i]))
				break;
		if (i == n)
			return 1;
	}
	return 0;
}

static int equal_nocase(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && contains_nocase(a, b);
}

int zh_ukey_issuer_matches(const struct zh_ukey_def *def, const char *issuer)
{
	size_t i;

	for (i = 0; i < def->nissuers; i++)
		if (issuer != NULL && contains_nocase(issuer, def->issuers[i]))
			return 1;
	return 0;
}

/* Microsoft's smart-card CSP and KSP both say "Smart Card"; vendors' own come from the catalog. */
static int smartcard_provider(const struct zh_ukey_def *def, const char *provider)
{
	size_t i;

	if (contains_nocase(provider, "smart card"))
		return 1;
	for (i = 0; i < def->nproviders; i++)
		if (equal_nocase(provider, def->providers[i]))
			return 1;
	return 0;
}

static int read_module(struct zh_ukey_state *st, struct zh_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < st->def->nmodules && rc == 0; i++) {
		char *path = NULL;

		zh_p11_release(&st->p11);
		if ((rc = sys_env_expand(st->def->modules[i], &path, err)) != 0)
			break;
		rc = zh_p11_read(path, &st->p11, err);
		if (rc == 0 && st->p11.module_found) {
			st->module_path = zh_strdup(path);
			rc = st->module_path == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory")
						     : 0;
			sys_free(path);
			break;
		}
		sys_free(path);
	}
	return rc;
}

static int add_wincert(const void *der, size_t len, const struct sys_cert_key *key, void *ctx)
{
	struct zh_ukey_state *st = ctx;
	struct zh_ukey_wincert *w, *grown;
	struct zh_cert *c = NULL;
	struct zh_err e;

	zh_err_init(&e);
	if (zh_cert_from_der(der, len, &c, &e) != 0)
		return e.code == ZH_ENOMEM ? ZH_ENOMEM : 0; /* not a certificate we can show */
	grown = zh_realloc(st->wincerts, (st->nwincerts + 1) * sizeof(*grown));
	if (grown == NULL) {
		zh_cert_free(c);
		return ZH_ENOMEM;
	}
	st->wincerts = grown;
	w = &st->wincerts[st->nwincerts++];
	memset(w, 0, sizeof(*w));
	w->subject = c->subject;
	w->issuer = c->issuer;
	c->subject = c->issuer = NULL;
	memcpy(w->serial, c->serial_hex, sizeof(w->serial));
	w->not_after = c->not_after;
	zh_cert_free(c);
	w->smartcard = smartcard_provider(st->def, key->provider);
	return (w->provider = zh_strdup(key->provider)) == NULL ? ZH_ENOMEM : 0;
}

static int read_wincerts(struct zh_ukey_state *st, struct zh_err *err)
{
	struct zh_err e;
	int rc;

	zh_err_init(&e);
	rc = sys_cert_each_keyed(SYS_CERT_CURRENT_USER, "My", add_wincert, st, &e);
	if (rc == ZH_ENOMEM)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	/* Not on this system, or the store cannot be read: the Windows view is simply absent. */
	st->have_wincerts = rc == 0;
	return 0;
}

static int read_drives(struct zh_ukey_state *st, struct zh_err *err)
{
	struct sys_drive d[26];
	struct zh_err e;
	size_t n = 0, i;

	zh_err_init(&e);
	if (sys_drives_list(d, &n, &e) != 0)
		return e.code == ZH_ENOMEM ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
	st->have_drives = 1;
	for (i = 0; i < n; i++) {
		struct zh_ukey_drive *u = &st->drives[st->ndrives];

		if (d[i].type != SYS_DRIVE_CDROM)
			continue;
		u->letter = d[i].letter;
		u->ready = d[i].ready;
		memcpy(u->label, d[i].label, sizeof(u->label));
		u->matches = st->def->cdrom_label != NULL && d[i].ready &&
			equal_nocase(d[i].label, st->def->cdrom_label);
		st->ndrives++;
	}
	return 0;
}

int zh_ukey_probe(const struct zh_ukey_def *def, int64_t now, struct zh_ukey_state *st,
	struct zh_err *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->def = def;
	st->now = now;
	if (def->nmodules == 0)
		return 0;
	if ((rc = read_module(st, err)) != 0 || (rc = read_wincerts(st, err)) != 0 ||
		(rc = read_drives(st, err)) != 0)
		zh_ukey_release(st);
	return rc;
}

void zh_ukey_release(struct zh_ukey_state *st)
{
	size_t i;

	zh_p11_release(&st->p11);
	zh_free(st->module_path);
	for (i = 0; i < st->nwincerts; i++) {
		zh_free(st->wincerts[i].subject);
		zh_free(st->wincerts[i].issuer);
		zh_free(st->wincerts[i].provider);
	}
	zh_free(st->wincerts);
	memset(st, 0, sizeof(*st));
}

const struct zh_p11_token *zh_ukey_token(const struct zh_ukey_state *st)
{
	size_t i;

	for (i = 0; i < st->p11.ntokens; i++)
		if (st->p11.tokens[i].initialized || st->p11.tokens[i].failed != NULL)
			return &st->p11.tokens[i];
	return NULL;
}

enum zh_ukey_presence zh_ukey_presence(const struct zh_ukey_state *st)
{
	if (!st->p11.module_found)
		return ZH_UKEY_NO_MODULE;
	if (st->p11.failed != NULL)
		return ZH_UKEY_MODULE_FAILED;
	return zh_ukey_token(st) != NULL ? ZH_UKEY_PRESENT : ZH_UKEY_NO_TOKEN;
}

int64_t zh_days_left(int64_t t, int64_t now)
{
	int64_t d = t - now;

	return d >= 0 ? d / DAY : -((-d + DAY - 1) / DAY);
}

enum zh_cert_validity zh_cert_validity(int64_t not_before, int64_t not_after, int64_t now)
{
	if (now < not_before)
		return ZH_CERT_NOT_YET_VALID;
	if (now > not_after)
		return ZH_CERT_EXPIRED;
	return not_after - now <= (int64_t)ZH_UKEY_EXPIRY_WARN_DAYS * DAY ? ZH_CERT_EXPIRING
									  : ZH_CERT_VALID;
}

enum zh_ukey_certs zh_ukey_certs(const struct zh_ukey_state *st,
	const struct zh_p11_cert **ret_best)
{
	const struct zh_p11_token *t = zh_ukey_token(st);
	const struct zh_p11_cert *best = NULL;
	size_t i;

	*ret_best = NULL;
	if (zh_ukey_presence(st) != ZH_UKEY_PRESENT)
		return ZH_UKEY_CERTS_NA;
	if (t->failed != NULL)
		return ZH_UKEY_CERTS_UNREADABLE;
	if (t->ncerts == 0)
		return ZH_UKEY_CERTS_NONE;
	/* The best: a currently valid one ending last, else the one ending last. */
	for (i = 0; i < t->ncerts; i++) {
		const struct zh_p11_cert *c = &t->certs[i];
		int cv = zh_cert_validity(c->not_before, c->not_after, st->now) <= ZH_CERT_EXPIRING;
		int bv = best != NULL &&
			zh_cert_validity(best->not_before, best->not_after, st->now) <=
				ZH_CERT_EXPIRING;

		if (best == NULL || (cv && !bv) || (cv == bv && c->not_after > best->not_after))
			best = c;
	}
	*ret_best = best;
	switch (zh_cert_validity(best->not_before, best->not_after, st->now)) {
	case ZH_CERT_VALID:
		return ZH_UKEY_CERTS_OK;
	case ZH_CERT_EXPIRING:
		return ZH_UKEY_CERTS_EXPIRING;
	default:
		return ZH_UKEY_CERTS_EXPIRED;
	}
}

const char *zh_ukey_presence_name(enum zh_ukey_presence p)
{
	static const char *const names[] = {"no_module", "module_failed", "no_token", "present"};

	return names[p];
}

const char *zh_ukey_certs_name(enum zh_ukey_certs c)
{
	static const char *const names[] = {"no_key", "unreadable", "no_certificate", "expired",
		"expiring", "ok"};

	return names[c];
}

const char *zh_cert_validity_name(enum zh_cert_validity v)
{
	static const char *const names[] = {"valid", "expiring", "expired", "not_yet_valid"};

	return names[v];
}
