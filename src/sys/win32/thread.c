/* SPDX-License-Identifier: MIT */
/*
 * Threads and semaphores on Windows: CreateThread, and a count under an SRW lock with a
 * condition variable. Not semaphore objects: under Wine every release of one and every wait
 * that blocks is a wineserver request (two to four per 256 KiB a hash pipe passes between its
 * threads), where SRW locks and condition variables wait on an address inside the process.
 */
#include <stdlib.h>
#include <windows.h>

#include "../thread.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

struct sys_thread {
	HANDLE h;
	void (*fn)(void *);
	void *arg;
};

struct sys_sem {
	SRWLOCK lock;
	CONDITION_VARIABLE cv;
	unsigned long count;
};

static DWORD WINAPI trampoline(LPVOID p)
{
	struct sys_thread *t = p;

	t->fn(t->arg);
	return 0;
}

int sys_thread_start(void (*fn)(void *arg), void *arg, struct sys_thread **ret, struct zh_err *err)
{
	struct sys_thread *t;
	int rc = ZH_FAULT_CHECK("sys_thread_start", err);

	if (rc != 0)
		return rc;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot start a thread");
	t->fn = fn;
	t->arg = arg;
	t->h = CreateThread(NULL, 0, trampoline, t, 0, NULL);
	if (t->h == NULL) {
		rc = win_err(err, GetLastError(), "cannot start", "a thread");
		free(t);
		return rc;
	}
	*ret = t;
	return 0;
}

void sys_thread_join(struct sys_thread *t)
{
	if (t == NULL)
		return;
	if (WaitForSingleObject(t->h, INFINITE) != WAIT_OBJECT_0)
		abort();
	CloseHandle(t->h);
	free(t);
}

int sys_sem_new(unsigned initial, struct sys_sem **ret, struct zh_err *err)
{
	struct sys_sem *s;
	int rc = ZH_FAULT_CHECK("sys_sem_new", err);

	if (rc != 0)
		return rc;
	s = malloc(sizeof(*s));
	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot make a semaphore");
	InitializeSRWLock(&s->lock);
	InitializeConditionVariable(&s->cv);
	s->count = initial;
	*ret = s;
	return 0;
}

void sys_sem_wait(struct sys_sem *s)
{
	AcquireSRWLockExclusive(&s->lock);
	while (s->count == 0)
		if (!SleepConditionVariableSRW(&s->cv, &s->lock, INFINITE, 0))
			abort();
	s->count--;
	ReleaseSRWLockExclusive(&s->lock);
}

void sys_sem_post(struct sys_sem *s)
{
	AcquireSRWLockExclusive(&s->lock);
	s->count++;
	ReleaseSRWLockExclusive(&s->lock);
	WakeConditionVariable(&s->cv);
}

void sys_sem_free(struct sys_sem *s)
{
	free(s);
}

void sys_sleep_ms(long ms)
{
	Sleep(ms > 0 ? (DWORD)ms : 0);
}
