/* SPDX-License-Identifier: MIT */
/*
 * No PC-wide proxy settings on posix (environment variables are not the PC's settings in the
 * sense of proxy.h): every call says ZH_ENOTSUP, and core goes direct.
 */
#include <stddef.h>

#include "../proxy.h"
#include "../fault.h"
#include "../../core/banned.h"

static int nosup(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP, "there are no system proxy settings on this platform");
}

int sys_proxy_user(struct sys_proxy_config *ret, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_proxy_user", err);

	(void)ret;
	return rc != 0 ? rc : nosup(err);
}

void sys_proxy_config_release(struct sys_proxy_config *c)
{
	if (c == NULL)
		return;
	sys_free(c->autoconfig_url);
	sys_free(c->server);
	sys_free(c->bypass);
	c->autoconfig_url = c->server = c->bypass = NULL;
}

int sys_proxy_pac(const char *url, const char *pac_url, int auto_detect, char **ret_result,
	struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_proxy_pac", err);

	(void)url, (void)pac_url, (void)auto_detect, (void)ret_result;
	return rc != 0 ? rc : nosup(err);
}

int sys_proxy_machine(char **ret_server, char **ret_bypass, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_proxy_machine", err);

	(void)ret_server, (void)ret_bypass;
	return rc != 0 ? rc : nosup(err);
}
