/* SPDX-License-Identifier: MIT */
/*
 * Running other programs (uninstallers): one command line, waited for with a time limit.
 * Windows: the process runs in a job object, so on timeout its whole tree is ended (an
 * uninstaller that spawned helpers leaves nothing running). posix: ZH_ENOTSUP (zhushou runs
 * uninstallers only on Windows).
 */
#ifndef ZH_SYS_PROC_H
#define ZH_SYS_PROC_H

#include "../core/err.h"

/*
 * Run cmdline (a Windows command line, UTF-8) with no window and wait up to timeout_ms for it.
 * *ret_exit is its exit code. ZH_ETIMEOUT (the tree was ended), ZH_ENOENT (the program is
 * missing), ZH_EACCES.
 */
int sys_proc_run(const char *cmdline, long timeout_ms, unsigned long *ret_exit, struct zh_err *err);

#endif
