/* SPDX-License-Identifier: MIT */
/*
 * Group Policy settings IT sets for zhushou (policy/zhushou.admx ships them as a template),
 * under HKLM\Software\Policies\zhushou (64-bit view):
 *   Source        REG_SZ / REG_EXPAND_SZ  the offline pack (a path, e.g. on a share) or a mirror
 *                                         URL that repair and install use when no --source is
 *                                         given, before the pack next to zhushou.exe
 *   AllowOnline   REG_DWORD  0: no online source (a URL, from the policy or --source) is used
 *   PublisherCert REG_SZ     an extra publisher root (PEM, or base64 of the DER) that packs may
 *                            chain to, beside the roots compiled in
 *   UserRepair    REG_DWORD  0: only IT's silent runs (repair --quiet) may repair; a user's own
 *                            repair is refused and names the policy
 * A value of the wrong type or content is ignored and named in the report, never guessed at.
 */
#ifndef ZH_POLICY_H
#define ZH_POLICY_H

#include <stddef.h>

#include "err.h"

#define ZH_POLICY_KEY "Software\\Policies\\zhushou"
#define ZH_POLICY_SOURCE "Source"
#define ZH_POLICY_ALLOW_ONLINE "AllowOnline"
#define ZH_POLICY_PUBLISHER_CERT "PublisherCert"
#define ZH_POLICY_USER_REPAIR "UserRepair"

#define ZH_POLICY_MAX_BAD 4

struct zh_policy {
	int any; /* some policy value is set */
	char *source; /* NULL: not set */
	int allow_online; /* 1 unless the policy says 0 */
	int allow_online_set;
	char *publisher_pem; /* the extra root as PEM, or NULL */
	char *publisher_subject; /* its subject, for people */
	char publisher_sha256[65];
	int user_repair; /* 1 unless the policy says 0 */
	int user_repair_set;
	char *bad[ZH_POLICY_MAX_BAD]; /* values that were ignored, with why (English) */
	size_t nbad;
};

/* Read the policy (no key: nothing set). Only ZH_ENOMEM is an error. */
int zh_policy_read(struct zh_policy *p, struct zh_err *err);

void zh_policy_release(struct zh_policy *p);

/* Is s a URL (a mirror) rather than a path? */
int zh_policy_is_url(const char *s);

#endif
