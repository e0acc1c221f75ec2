/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for tests. Every public sys_* call and every manifest DB write passes a
 * fault point. The calls that change something (create, write, flush, rename, delete a file
 * or directory; set or delete a registry value or key; add or remove a certificate; start a
 * process; write the DB) are also change points.
 *   fail:N[:ERR]    the Nth point of any kind returns an injected error
 *   failop:N[:ERR]  the Nth change point returns an injected error (one failure per operation
 *                   that would have changed the PC)
 *   trace           each change point is named on stderr as it passes (for finding N)
 *   crash:N         the process ends abruptly (no cleanup, like a power cut) at the Nth change
 *                   point. A crash at a point that changes nothing leaves the PC exactly as a
 *                   crash at the next change point does, so sweeping the change points covers
 *                   every state a crash can leave.
 * The counts of points passed are reported by --json (fault_points, change_points) so that a
 * test can sweep every N. Release builds (ZH_FAULTS undefined) compile the points to nothing.
 */
#ifndef ZH_SYS_FAULT_H
#define ZH_SYS_FAULT_H

#include "../core/err.h"

enum zh_fault_kind {
	ZH_FAULT_NONE = 0,
	ZH_FAULT_FAIL,
	ZH_FAULT_CRASH, /* counts change points */
	ZH_FAULT_FAILOP, /* counts change points */
	ZH_FAULT_TRACE, /* names every change point on stderr */
};

/*
 * Arm the injector: at the nth point (1-based) fail with code (and OS error sys) or crash.
 * persist keeps failing every point after the nth. n = 0 disarms.
 */
void zh_fault_set(enum zh_fault_kind kind, long n, int code, long sys, int persist);

/*
 * Parse a spec like "fail:12", "fail:12:enospc", "crash:3" (from ZHUSHOU_FAULT) and arm it.
 * Returns 0, or ZH_EUSAGE with err naming the bad spec.
 */
int zh_fault_parse(const char *spec, struct zh_err *err);

/* Points passed so far, of any kind / change points only. */
long zh_fault_count(void);
long zh_fault_changes(void);

/*
 * One fault point; returns 0 to go on or the injected code (err filled). Crashes the process
 * when a crash is due. Called through ZH_FAULT_POINT.
 */
int zh_fault_hit(const char *where, struct zh_err *err);
/* A fault point that is also a change point. */
int zh_fault_hit_change(const char *where, struct zh_err *err);

#ifdef ZH_FAULTS
#define ZH_FAULT_CHECK(where, err) zh_fault_hit(where, err)
#define ZH_FAULT_CHANGE(where, err) zh_fault_hit_change(where, err)
#else
#define ZH_FAULT_CHECK(where, err) 0
#define ZH_FAULT_CHANGE(where, err) 0
#endif

/* Ends the process at once with no cleanup; implemented by the platform backend. */
void sys_proc_crash(void) __attribute__((noreturn));

#endif
