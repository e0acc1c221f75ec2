/* SPDX-License-Identifier: MIT */
/* Process control for the posix backend. */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "../fault.h"
#include "../proc.h"
#include "../../core/banned.h"

void sys_proc_crash(void)
{
	/* _exit skips atexit handlers and stdio flushes: as close to a power cut as a test needs.
	 */
	_exit(99);
}

int sys_proc_run(const char *cmdline, long timeout_ms, unsigned long *ret_exit, struct zh_err *err)
{
	(void)timeout_ms;
	(void)ret_exit;
	return zh_err_set(err, ZH_ENOTSUP, "cannot run '%s': uninstallers run on Windows only",
		cmdline);
}
