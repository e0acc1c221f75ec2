/* SPDX-License-Identifier: MIT */
/* Internet Settings probes; see inet.h for the precedence rules they follow. */
#include <stdio.h>
#include <string.h>

#include "inet.h"
#include "regread.h"
#include "mem.h"
#include "text.h"
#include "../sys/reg.h"
#include "banned.h"

const char *zh_hive_name(enum zh_hive hive)
{
	return hive == ZH_HIVE_HKLM ? "HKLM" : "HKCU";
}

static enum sys_reg_root root_of(enum zh_hive hive)
{
	return hive == ZH_HIVE_HKLM ? SYS_REG_HKLM : SYS_REG_HKCU;
}

static int probe_sites(const struct zh_catalog *cat, struct zh_inet_state *st, struct zh_err *err)
{
	char path[512];
	uint32_t v;
	int found, rc;
	size_t i;

	if ((rc = zh_regread_dword(SYS_REG_HKLM, ZH_IS_POLICY_PATH, "Security_HKLM_only", &v,
		     &found, &st->odd, err)) != 0)
		return rc;
	st->zone_hive = found && v == 1 ? ZH_HIVE_HKLM : ZH_HIVE_HKCU;
	/* The Site to Zone Assignment List policy replaces the user's list wholesale. */
	for (i = 0; i < 2 && !st->zonemap_locked; i++) {
		if ((rc = zh_regread_dword(i == 0 ? SYS_REG_HKLM : SYS_REG_HKCU, ZH_IS_POLICY_PATH,
			     "ListBox_Support_ZoneMapKey", &v, &found, &st->odd, err)) != 0)
			return rc;
		st->zonemap_locked = found && v == 1;
	}
	st->sites = zh_calloc(cat->nsites, sizeof(*st->sites));
	if (st->sites == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot probe trusted sites");
	st->nsites = cat->nsites;
	for (i = 0; i < cat->nsites; i++) {
		struct zh_site_state *s = &st->sites[i];
		const char *scheme = cat->sites[i].scheme;
		char *pol = NULL;
		size_t j;

		s->def = &cat->sites[i];
		(void)snprintf(path, sizeof(path), "%s\\ZoneMap\\Domains\\%s", ZH_IS_PATH,
			s->def->domain);
		if ((rc = zh_regread_dword(root_of(st->zone_hive), path, scheme, &v, &found,
			     &st->odd, err)) != 0)
			return rc;
		if (!found && strcmp(scheme, "*") != 0 &&
			(rc = zh_regread_dword(root_of(st->zone_hive), path, "*", &v, &found,
				 &st->odd, err)) != 0)
			return rc;
		s->has_value = found;
		s->value = found ? v : 0;
		s->present = found && v == ZH_ZONE_TRUSTED && !st->zonemap_locked;
		if (!st->zonemap_locked)
			continue;
		/* Under the policy, a site is trusted only if the policy list says so. */
		for (j = 0; j < 2 && !s->present; j++) {
			char name[300];

			(void)snprintf(path, sizeof(path), "%s\\ZoneMapKey", ZH_IS_POLICY_PATH);
			(void)snprintf(name, sizeof(name), "%s://*.%s", scheme, s->def->domain);
			if ((rc = zh_regread_str(j == 0 ? SYS_REG_HKLM : SYS_REG_HKCU, path, name,
				     &pol, &st->odd, err)) != 0)
				return rc;
			s->present = s->by_policy = pol != NULL && strcmp(pol, "2") == 0;
			zh_free(pol);
			pol = NULL;
		}
	}
	return 0;
}

static int probe_proxy(const struct zh_catalog *cat, struct zh_inet_state *st, struct zh_err *err)
{
	enum sys_reg_root root;
	uint32_t v;
	int found, rc;
	size_t i;

	if ((rc = zh_regread_dword(SYS_REG_HKLM, ZH_IS_POLICY_PATH, "ProxySettingsPerUser", &v,
		     &found, &st->odd, err)) != 0)
		return rc;
	st->proxy_hive = found && v == 0 ? ZH_HIVE_HKLM : ZH_HIVE_HKCU;
	root = root_of(st->proxy_hive);
	if ((rc = zh_regread_dword(root, ZH_IS_PATH, "ProxyEnable", &v, &found, &st->odd, err)) !=
			0 ||
		(rc = zh_regread_str(root, ZH_IS_PATH, "ProxyServer", &st->proxy_server, &st->odd,
			 err)) != 0 ||
		(rc = zh_regread_str(root, ZH_IS_PATH, "ProxyOverride", &st->proxy_override,
			 &st->odd, err)) != 0)
		return rc;
	st->proxy_enabled = found && v != 0;
	st->bypass_present = zh_calloc(cat->nbypass, sizeof(int));
	if (st->bypass_present == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot probe proxy settings");
	st->nbypass = cat->nbypass;
	for (i = 0; i < cat->nbypass; i++)
		st->bypass_present[i] = st->proxy_override != NULL &&
			zh_list_has(st->proxy_override, ';', cat->bypass[i]);
	return 0;
}

static int probe_protocols(struct zh_inet_state *st, struct zh_err *err)
{
	static const struct {
		enum sys_reg_root root;
		const char *path;
		const char *source;
	} order[] = {
		{SYS_REG_HKLM, ZH_IS_POLICY_PATH, "policy"},
		{SYS_REG_HKCU, ZH_IS_POLICY_PATH, "policy"},
		{SYS_REG_HKCU, ZH_IS_PATH, "user"},
		{SYS_REG_HKLM, ZH_IS_PATH, "machine"},
	};
	uint32_t v;
	int found, rc;
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((rc = zh_regread_dword(order[i].root, order[i].path, "SecureProtocols", &v,
			     &found, &st->odd, err)) != 0)
			return rc;
		if (found) {
			st->secure_protocols = v;
			st->secure_source = order[i].source;
			return 0;
		}
	}
	st->secure_protocols = ZH_PROTO_IE11_DEFAULT;
	st->secure_source = "default";
	return 0;
}

int zh_inet_probe(const struct zh_catalog *cat, struct zh_inet_state *st, struct zh_err *err)
{
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = probe_sites(cat, st, err)) != 0 || (rc = probe_proxy(cat, st, err)) != 0 ||
		(rc = probe_protocols(st, err)) != 0)
		zh_inet_release(st);
	return rc;
}

void zh_inet_release(struct zh_inet_state *st)
{
	zh_free(st->sites);
	zh_free(st->proxy_server);
	zh_free(st->proxy_override);
	zh_free(st->bypass_present);
	memset(st, 0, sizeof(*st));
}
