/* SPDX-License-Identifier: MIT */
/* Group Policy settings; see policy.h. */
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "buf.h"
#include "certpem.h"
#include "mem.h"
#include "regread.h"
#include "sign.h"
#include "../sys/env.h"
#include "../sys/mem.h"
#include "banned.h"

static int bad(struct zh_policy *p, struct zh_err *err, const char *name, const char *why)
{
	char line[300];

	p->any = 1;
	if (p->nbad == ZH_POLICY_MAX_BAD)
		return 0;
	(void)snprintf(line, sizeof(line), "%s: %s", name, why);
	if ((p->bad[p->nbad] = zh_strdup(line)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	p->nbad++;
	return 0;
}

/* A value that cannot be read (no access...) is named and ignored; no registry: passed on. */
static int unreadable(struct zh_policy *p, const char *name, int rc, struct zh_err *err)
{
	char why[300];

	if (rc == ZH_ENOMEM || rc == ZH_ENOTSUP)
		return rc;
	(void)snprintf(why, sizeof(why), "cannot be read (%.200s): ignored", err->msg);
	zh_err_init(err);
	return bad(p, err, name, why);
}

/* A string value, %VAR% expanded; *ret NULL when absent, odd (named) or empty (named). */
static int str(struct zh_policy *p, const char *name, char **ret, struct zh_err *err)
{
	char *v = NULL, *x = NULL;
	size_t odd = 0;
	int rc;

	*ret = NULL;
	rc = zh_regread_str(SYS_REG_HKLM, ZH_POLICY_KEY, name, &v, &odd, err);
	if (rc != 0)
		return unreadable(p, name, rc, err);
	if (odd > 0)
		return bad(p, err, name, "not a string value: ignored");
	if (v == NULL)
		return 0;
	p->any = 1;
	if (v[0] == '\0') {
		zh_free(v);
		return bad(p, err, name, "empty: ignored");
	}
	if (strchr(v, '%') == NULL) {
		*ret = v;
		return 0;
	}
	rc = sys_env_expand(v, &x, err);
	zh_free(v);
	if (rc == 0) {
		*ret = zh_strdup(x);
		rc = *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
	}
	sys_free(x);
	return rc;
}

/* A 0/1 DWORD into *ret (left as is when absent or odd, which is named). */
static int flag(struct zh_policy *p, const char *name, int *ret, int *ret_set, struct zh_err *err)
{
	uint32_t v = 0;
	size_t odd = 0;
	int found = 0, rc;
	char why[80];

	rc = zh_regread_dword(SYS_REG_HKLM, ZH_POLICY_KEY, name, &v, &found, &odd, err);
	if (rc != 0)
		return unreadable(p, name, rc, err);
	if (odd > 0)
		return bad(p, err, name, "not a DWORD value: ignored");
	if (!found)
		return 0;
	p->any = 1;
	if (v > 1) {
		(void)snprintf(why, sizeof(why), "must be 0 or 1, is %lu: ignored",
			(unsigned long)v);
		return bad(p, err, name, why);
	}
	*ret = (int)v;
	*ret_set = 1;
	return 0;
}

/* PEM as given, or base64 of the DER wrapped into PEM lines (OpenSSL decodes it). */
static int to_pem(const char *v, struct zh_buf *pem, struct zh_err *err)
{
	size_t i, col = 0;
	int rc = 0;

	if (strstr(v, "-----BEGIN") != NULL)
		return zh_buf_printf(pem, err, "%s", v);
	rc = zh_buf_printf(pem, err, "-----BEGIN CERTIFICATE-----\n");
	for (i = 0; v[i] != '\0' && rc == 0; i++) {
		if (v[i] == ' ' || v[i] == '\r' || v[i] == '\n' || v[i] == '\t')
			continue;
		rc = zh_buf_printf(pem, err, "%c%s", v[i], ++col % 64 == 0 ? "\n" : "");
	}
	return rc != 0 ? rc : zh_buf_printf(pem, err, "\n-----END CERTIFICATE-----\n");
}

static int publisher(struct zh_policy *p, struct zh_err *err)
{
	struct zh_trust *t = NULL;
	struct zh_cert *c = NULL;
	struct zh_buf pem;
	struct zh_err e;
	char *v = NULL, why[200];
	int rc;

	if ((rc = str(p, ZH_POLICY_PUBLISHER_CERT, &v, err)) != 0 || v == NULL)
		return rc;
	zh_buf_init(&pem, 64 * 1024);
	zh_err_init(&e);
	if ((rc = to_pem(v, &pem, err)) != 0)
		goto out;
	/* Pinned only as what it must be: one self-signed CA certificate. */
	if (zh_cert_from_pem(pem.data, pem.len, &c, &e) != 0 || zh_trust_new(&t, &e) != 0 ||
		zh_trust_add_pem(t, pem.data, pem.len, "policy", &e) != 0) {
		if (e.code == ZH_ENOMEM) {
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		(void)snprintf(why, sizeof(why), "not a usable root certificate (%.120s): ignored",
			e.msg);
		rc = bad(p, err, ZH_POLICY_PUBLISHER_CERT, why);
		goto out;
	}
	p->publisher_pem = zh_buf_take(&pem);
	p->publisher_subject = zh_strdup(c->subject);
	memcpy(p->publisher_sha256, c->sha256_hex, sizeof(p->publisher_sha256));
	if (p->publisher_pem == NULL || p->publisher_subject == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
out:
	zh_cert_free(c);
	zh_trust_free(t);
	zh_buf_release(&pem);
	zh_free(v);
	return rc;
}

int zh_policy_read(struct zh_policy *p, struct zh_err *err)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->allow_online = 1;
	p->user_repair = 1;
	rc = str(p, ZH_POLICY_SOURCE, &p->source, err);
	if (rc == ZH_ENOTSUP) { /* no registry here: no policy */
		zh_err_init(err);
		return 0;
	}
	if (rc == 0)
		rc = flag(p, ZH_POLICY_ALLOW_ONLINE, &p->allow_online, &p->allow_online_set, err);
	if (rc == 0)
		rc = flag(p, ZH_POLICY_USER_REPAIR, &p->user_repair, &p->user_repair_set, err);
	if (rc == 0)
		rc = publisher(p, err);
	if (rc != 0)
		zh_policy_release(p);
	return rc;
}

void zh_policy_release(struct zh_policy *p)
{
	size_t i;

	zh_free(p->source);
	zh_free(p->publisher_pem);
	zh_free(p->publisher_subject);
	for (i = 0; i < p->nbad; i++)
		zh_free(p->bad[i]);
	memset(p, 0, sizeof(*p));
	p->allow_online = 1;
	p->user_repair = 1;
}

int zh_policy_is_url(const char *s)
{
	return s != NULL && (strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0);
}
