/* SPDX-License-Identifier: MIT */
/*
 * One zhushou at a time per PC: a named lock that the OS releases when its owner dies, so a
 * killed or crashed run never blocks the next one (which is told, and recovers first).
 * Windows: a Global\ named mutex (WINE.md: a killed owner's mutex is reported abandoned).
 * posix: flock on a file in the temporary directory.
 */
#ifndef ZH_SYS_LOCK_H
#define ZH_SYS_LOCK_H

#include "../core/err.h"

struct sys_lock;

/*
 * Take the lock called name, waiting up to wait_ms milliseconds (0: do not wait).
 * *ret_abandoned is 1 when the previous owner died holding it. ZH_EBUSY when another process
 * still holds it after the wait. *ret is released with sys_lock_release.
 */
int sys_lock_acquire(const char *name, long wait_ms, struct sys_lock **ret, int *ret_abandoned,
	struct zh_err *err);

/* NULL is a no-op. */
void sys_lock_release(struct sys_lock *l);

#endif
