/* SPDX-License-Identifier: MIT */
/*
 * zhushou's own logs: files opened for appending (several processes may append to the same
 * daily log; each write is one line, written whole), their folder, and the removal of old
 * ones. A log is zhushou's diary, not a change to the PC: nothing here is a fault point
 * (fault.h), so logging never moves a crash or failure sweep.
 */
#ifndef ZH_SYS_LOGFILE_H
#define ZH_SYS_LOGFILE_H

#include <stddef.h>

#include "../core/err.h"

struct sys_logfile;

/*
 * Open path for appending, creating the file (and, with mkdirs, its missing folders) if
 * needed. ZH_EACCES when this user may not write there.
 */
int sys_logfile_open(const char *path, int mkdirs, struct sys_logfile **ret, struct zh_err *err);

/* Append n bytes in one write. */
int sys_logfile_write(struct sys_logfile *f, const char *s, size_t n);

/* Close f; NULL is a no-op. */
void sys_logfile_close(struct sys_logfile *f);

/*
 * Delete the files in dir whose names start with prefix and sort before limit (log names
 * carry their date: "zhushou-2026-10-27.log" < "zhushou-2026-10-28"). Returns how many were
 * deleted; files that cannot be deleted are left.
 */
size_t sys_logfile_prune(const char *dir, const char *prefix, const char *limit);

/* This process's id, for the log lines. */
unsigned long sys_logfile_pid(void);

#endif
