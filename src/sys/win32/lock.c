/* SPDX-License-Identifier: MIT */
/* The single-instance lock as a Global\ named mutex; see lock.h. */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "../lock.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

struct sys_lock {
	HANDLE h;
};

int sys_lock_acquire(const char *name, long wait_ms, struct sys_lock **ret, int *ret_abandoned,
	struct zh_err *err)
{
	char full[256];
	wchar_t *wname = NULL;
	struct sys_lock *l = NULL;
	DWORD w;
	int rc = ZH_FAULT_CHECK("sys_lock_acquire", err);

	if (rc != 0)
		return rc;
	*ret_abandoned = 0;
	(void)snprintf(full, sizeof(full), "Global\\%s", name);
	wname = w_from_utf8(full, err);
	l = calloc(1, sizeof(*l));
	if (wname == NULL || l == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot create lock '%s'", name);
		goto out;
	}
	l->h = CreateMutexW(NULL, FALSE, wname);
	if (l->h == NULL) {
		rc = win_err(err, GetLastError(), "cannot create lock", full);
		goto out;
	}
	w = WaitForSingleObject(l->h, wait_ms < 0 ? 0 : (DWORD)wait_ms);
	if (w == WAIT_ABANDONED) {
		*ret_abandoned = 1;
	} else if (w == WAIT_TIMEOUT) {
		rc = zh_err_set(err, ZH_EBUSY, "another zhushou holds '%s'", full);
		goto out;
	} else if (w != WAIT_OBJECT_0) {
		rc = win_err(err, GetLastError(), "cannot take lock", full);
		goto out;
	}
	*ret = l;
	l = NULL;
out:
	if (l != NULL) {
		if (l->h != NULL)
			CloseHandle(l->h);
		free(l);
	}
	free(wname);
	return rc;
}

void sys_lock_release(struct sys_lock *l)
{
	if (l == NULL)
		return;
	(void)ReleaseMutex(l->h);
	CloseHandle(l->h);
	free(l);
}
