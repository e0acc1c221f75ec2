/* SPDX-License-Identifier: MIT */
/* Process control for the win32 backend. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../fault.h"
#include "../proc.h"
#include "wstr.h"
#include "../../core/banned.h"

void sys_proc_crash(void)
{
	/* TerminateProcess skips atexit handlers, DLL detach and buffer flushes: a power cut. */
	TerminateProcess(GetCurrentProcess(), 99);
	for (;;)
		Sleep(INFINITE);
}

int sys_proc_run(const char *cmdline, long timeout_ms, unsigned long *ret_exit, struct zh_err *err)
{
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	wchar_t *w = NULL;
	HANDLE job = NULL;
	DWORD wait, code = 0;
	int rc = ZH_FAULT_CHANGE("sys_proc_run", err);

	if (rc != 0)
		return rc;
	memset(&si, 0, sizeof(si));
	memset(&pi, 0, sizeof(pi));
	memset(&lim, 0, sizeof(lim));
	si.cb = sizeof(si);
	w = w_from_utf8(cmdline, err);
	if (w == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	job = CreateJobObjectW(NULL, NULL);
	if (job == NULL) {
		rc = win_err(err, GetLastError(), "cannot create a job for", cmdline);
		goto out;
	}
	/* Closing the job ends whatever is left in it. */
	lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
	(void)SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof(lim));
	if (!CreateProcessW(NULL, w, NULL, NULL, FALSE, CREATE_SUSPENDED | CREATE_NO_WINDOW, NULL,
		    NULL, &si, &pi)) {
		rc = win_err(err, GetLastError(), "cannot start", cmdline);
		goto out;
	}
	if (!AssignProcessToJobObject(job, pi.hProcess)) {
		/* Already in a job that forbids nesting (old Windows): run it without one. */
		CloseHandle(job);
		job = NULL;
	}
	ResumeThread(pi.hThread);
	wait = WaitForSingleObject(pi.hProcess, timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
	if (wait == WAIT_TIMEOUT) {
		if (job != NULL)
			TerminateJobObject(job, 1);
		else
			TerminateProcess(pi.hProcess, 1);
		(void)WaitForSingleObject(pi.hProcess, 5000);
		rc = zh_err_set(err, ZH_ETIMEOUT, "'%s' did not finish within %ld s and was ended",
			cmdline, timeout_ms / 1000);
		goto out;
	}
	if (!GetExitCodeProcess(pi.hProcess, &code)) {
		rc = win_err(err, GetLastError(), "cannot read the exit code of", cmdline);
		goto out;
	}
	*ret_exit = code;
out:
	if (pi.hThread != NULL)
		CloseHandle(pi.hThread);
	if (pi.hProcess != NULL)
		CloseHandle(pi.hProcess);
	if (job != NULL)
		CloseHandle(job);
	free(w);
	return rc;
}
