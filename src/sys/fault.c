/* SPDX-License-Identifier: MIT */
/*
 * The fault injector's state. It is process-global on purpose: a fault point deep in the
 * seam must not need a context argument, and a test process runs one scenario at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault.h"
#include "../core/banned.h"

static struct {
	enum zh_fault_kind kind;
	long at;
	int code;
	long sys;
	int persist;
	long count; /* points of any kind */
	long changes; /* change points */
} fault;

void zh_fault_set(enum zh_fault_kind kind, long n, int code, long sys, int persist)
{
	fault.kind = n > 0 ? kind : ZH_FAULT_NONE;
	fault.at = n;
	fault.code = code;
	fault.sys = sys;
	fault.persist = persist;
	fault.count = 0;
	fault.changes = 0;
}

static const struct {
	const char *name;
	int code;
	long sys; /* the Windows error the backend would have seen */
} fault_errors[] = {
	{"eio", ZH_EIO, 1117}, /* ERROR_IO_DEVICE */
	{"enospc", ZH_ENOSPC, 112}, /* ERROR_DISK_FULL */
	{"eacces", ZH_EACCES, 5}, /* ERROR_ACCESS_DENIED */
	{"ebusy", ZH_EBUSY, 32}, /* ERROR_SHARING_VIOLATION */
	{"enomem", ZH_ENOMEM, 8}, /* ERROR_NOT_ENOUGH_MEMORY */
};

int zh_fault_parse(const char *spec, struct zh_err *err)
{
	enum zh_fault_kind kind;
	const char *p;
	char *end = NULL;
	long n;
	int code = ZH_EIO;
	long sys = 1117;
	size_t i;

	if (strcmp(spec, "trace") == 0) {
		zh_fault_set(ZH_FAULT_TRACE, 1, 0, 0, 1);
		return 0;
	}
	if (strncmp(spec, "fail:", 5) == 0) {
		kind = ZH_FAULT_FAIL;
		p = spec + 5;
	} else if (strncmp(spec, "failop:", 7) == 0) {
		kind = ZH_FAULT_FAILOP;
		p = spec + 7;
	} else if (strncmp(spec, "crash:", 6) == 0) {
		kind = ZH_FAULT_CRASH;
		p = spec + 6;
	} else {
		return zh_err_set(err, ZH_EUSAGE,
			"bad fault spec '%s': expected fail:N[:ERROR], failop:N[:ERROR] or crash:N",
			spec);
	}
	n = strtol(p, &end, 10);
	if (end == p || n <= 0)
		return zh_err_set(err, ZH_EUSAGE, "bad fault spec '%s': N must be > 0", spec);
	if (*end == ':') {
		for (i = 0; i < sizeof(fault_errors) / sizeof(fault_errors[0]); i++)
			if (strcmp(end + 1, fault_errors[i].name) == 0)
				break;
		if (i == sizeof(fault_errors) / sizeof(fault_errors[0]))
			return zh_err_set(err, ZH_EUSAGE, "bad fault spec '%s': unknown error '%s'",
				spec, end + 1);
		code = fault_errors[i].code;
		sys = fault_errors[i].sys;
	} else if (*end != '\0') {
		return zh_err_set(err, ZH_EUSAGE, "bad fault spec '%s'", spec);
	}
	zh_fault_set(kind, n, code, sys, 0);
	return 0;
}

long zh_fault_count(void)
{
	return fault.count;
}

long zh_fault_changes(void)
{
	return fault.changes;
}

/* Is the point numbered n (of the counter this fault counts) the one to act on? */
static int due(long n)
{
	return n == fault.at || (n > fault.at && fault.persist);
}

static int inject(const char *where, long n, struct zh_err *err)
{
	if (fault.kind == ZH_FAULT_CRASH)
		sys_proc_crash();
	return zh_err_sys(err, fault.code, fault.sys, "injected fault at point %ld (%s)", n, where);
}

int zh_fault_hit(const char *where, struct zh_err *err)
{
	fault.count++;
	if (fault.kind == ZH_FAULT_FAIL && due(fault.count))
		return inject(where, fault.count, err);
	return 0;
}

int zh_fault_hit_change(const char *where, struct zh_err *err)
{
	int rc = zh_fault_hit(where, err);

	if (rc != 0)
		return rc;
	fault.changes++;
	if (fault.kind == ZH_FAULT_TRACE)
		(void)fprintf(stderr, "change point %ld: %s\n", fault.changes, where);
	if ((fault.kind == ZH_FAULT_CRASH || fault.kind == ZH_FAULT_FAILOP) && due(fault.changes))
		return inject(where, fault.changes, err);
	return 0;
}
