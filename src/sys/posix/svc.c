/* SPDX-License-Identifier: MIT */
/* No Windows services on posix; see svc.h. */
#include <string.h>

#include "../svc.h"
#include "../../core/banned.h"

static int nosup(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP, "Windows services are not available here");
}

int sys_svc_query(const char *name, int *ret_exists, int *ret_running, struct sys_svc_config *cfg,
	struct zh_err *err)
{
	(void)name;
	*ret_exists = *ret_running = 0;
	if (cfg != NULL)
		memset(cfg, 0, sizeof(*cfg));
	return nosup(err);
}

void sys_svc_config_release(struct sys_svc_config *cfg)
{
	(void)cfg;
}

int sys_svc_create(const char *name, const struct sys_svc_config *cfg, struct zh_err *err)
{
	(void)name, (void)cfg;
	return nosup(err);
}

int sys_svc_delete(const char *name, struct zh_err *err)
{
	(void)name;
	return nosup(err);
}

int sys_svc_start(const char *name, long timeout_ms, struct zh_err *err)
{
	(void)name, (void)timeout_ms;
	return nosup(err);
}

int sys_svc_stop(const char *name, long timeout_ms, struct zh_err *err)
{
	(void)name, (void)timeout_ms;
	return nosup(err);
}
