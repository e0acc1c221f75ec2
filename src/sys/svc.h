/* SPDX-License-Identifier: MIT */
/*
 * Windows services (the Service Control Manager, advapi32): the ones a component installs
 * (own-process services running as LocalSystem). Start and stop wait for the service to get
 * there, up to timeout_ms. posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_SVC_H
#define ZH_SYS_SVC_H

#include "../core/err.h"

struct sys_svc_config {
	char *display; /* display name */
	char *command; /* the binary path with its arguments */
	int autostart; /* 1: started at boot, 0: on demand */
};

/*
 * Does service name exist, is it running (or starting), and (cfg not NULL, the service
 * there) its configuration, released with sys_svc_config_release.
 */
int sys_svc_query(const char *name, int *ret_exists, int *ret_running, struct sys_svc_config *cfg,
	struct zh_err *err);

void sys_svc_config_release(struct sys_svc_config *cfg);

/* Create the service (ZH_EEXIST if there is one of that name); it is not started. */
int sys_svc_create(const char *name, const struct sys_svc_config *cfg, struct zh_err *err);

/* Delete the stopped service (ZH_ENOENT if there is none). */
int sys_svc_delete(const char *name, struct zh_err *err);

/* Start it and wait until it runs (running already is fine); ZH_ETIMEOUT, or the reason. */
int sys_svc_start(const char *name, long timeout_ms, struct zh_err *err);

/* Stop it and wait until it has stopped (stopped already, or absent, is fine). */
int sys_svc_stop(const char *name, long timeout_ms, struct zh_err *err);

#endif
