/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for tests. Every public sys_* call and every zh_malloc passes a fault point;
 * with ZHUSHOU_FAULT=fail:N the Nth point returns an injected error, with crash:N the process
 * ends abruptly there (no cleanup, like a power cut). The count of points passed is reported
 * by --json so that a test can sweep every N. Release builds (ZH_FAULTS undefined) compile the
 * points to nothing.
 */
#ifndef ZH_SYS_FAULT_H
#define ZH_SYS_FAULT_H

#include "../core/err.h"

enum zh_fault_kind {
	ZH_FAULT_NONE = 0,
	ZH_FAULT_FAIL,
	ZH_FAULT_CRASH,
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

/* Points passed so far. */
long zh_fault_count(void);

/*
 * One fault point; returns 0 to go on or the injected code (err filled). Crashes the process
 * when a crash is due. Called through ZH_FAULT_POINT.
 */
int zh_fault_hit(const char *where, struct zh_err *err);

#ifdef ZH_FAULTS
#define ZH_FAULT_CHECK(where, err) zh_fault_hit(where, err)
#else
#define ZH_FAULT_CHECK(where, err) 0
#endif

/* Ends the process at once with no cleanup; implemented by the platform backend. */
void sys_proc_crash(void) __attribute__((noreturn));

#endif
