/* SPDX-License-Identifier: MIT */
/* Threads and semaphores on Windows: CreateThread and semaphore objects. */
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
	HANDLE h;
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
	s->h = CreateSemaphoreW(NULL, (LONG)initial, 0x7fffffff, NULL);
	if (s->h == NULL) {
		rc = win_err(err, GetLastError(), "cannot make", "a semaphore");
		free(s);
		return rc;
	}
	*ret = s;
	return 0;
}

void sys_sem_wait(struct sys_sem *s)
{
	if (WaitForSingleObject(s->h, INFINITE) != WAIT_OBJECT_0)
		abort();
}

void sys_sem_post(struct sys_sem *s)
{
	if (!ReleaseSemaphore(s->h, 1, NULL))
		abort();
}

void sys_sem_free(struct sys_sem *s)
{
	if (s == NULL)
		return;
	CloseHandle(s->h);
	free(s);
}

void sys_sleep_ms(long ms)
{
	Sleep(ms > 0 ? (DWORD)ms : 0);
}
