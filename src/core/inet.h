/* SPDX-License-Identifier: MIT */
/*
 * Internet Settings as Internet Explorer and WinINet read them: trusted sites in the zone map
 * (HKCU, or HKLM when the Security_HKLM_only policy says so; policy-assigned zone maps lock
 * the user's), the proxy (per user unless ProxySettingsPerUser=0) with its ProxyOverride
 * list, and SecureProtocols (policy first, then user, then machine, else the IE11 default).
 * Read-only: fixing is a plan's job.
 */
#ifndef ZH_INET_H
#define ZH_INET_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "err.h"

#define ZH_IS_PATH "Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define ZH_IS_POLICY_PATH                                                                          \
	"Software\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings"
#define ZH_ZONE_TRUSTED 2u
/* TLS 1.0 | 1.1 | 1.2: what IE11 uses when SecureProtocols is not set anywhere. */
#define ZH_PROTO_IE11_DEFAULT 0xA80u

enum zh_hive {
	ZH_HIVE_HKCU,
	ZH_HIVE_HKLM,
};

struct zh_site_state {
	const struct zh_site_def *def; /* borrowed */
	int present; /* the scheme (or "*") maps to the trusted zone */
	int by_policy; /* assigned by the Site to Zone Assignment List policy */
	int has_value; /* a value for the scheme exists */
	uint32_t value; /* its zone, if has_value */
};

struct zh_inet_state {
	enum zh_hive zone_hive; /* where the zone map is read and written */
	int zonemap_locked; /* a policy zone map is in force: user entries are ignored */
	struct zh_site_state *sites;
	size_t nsites;

	enum zh_hive proxy_hive;
	int proxy_enabled;
	char *proxy_server; /* NULL if absent */
	char *proxy_override; /* NULL if absent */
	int *bypass_present; /* per catalog bypass entry */
	size_t nbypass;

	uint32_t secure_protocols;
	const char *secure_source; /* "policy", "user", "machine" or "default" */
	size_t odd; /* values of an unexpected type, ignored */
};

/*
 * Read the state the catalog cares about into *st (release with zh_inet_release).
 * ZH_ENOTSUP where there is no registry; ZH_ENOMEM.
 */
int zh_inet_probe(const struct zh_catalog *cat, struct zh_inet_state *st, struct zh_err *err);

void zh_inet_release(struct zh_inet_state *st);

const char *zh_hive_name(enum zh_hive hive);

#endif
