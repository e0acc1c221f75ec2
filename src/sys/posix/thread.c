/* SPDX-License-Identifier: MIT */
/* Threads and semaphores on posix: pthreads and unnamed POSIX semaphores. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../thread.h"
#include "../fault.h"
#include "../../core/banned.h"

struct sys_thread {
	pthread_t t;
	void (*fn)(void *);
	void *arg;
};

struct sys_sem {
	sem_t s;
};

static void *trampoline(void *p)
{
	struct sys_thread *t = p;

	t->fn(t->arg);
	return NULL;
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
	rc = pthread_create(&t->t, NULL, trampoline, t);
	if (rc != 0) {
		free(t);
		return zh_err_sys(err, rc == EAGAIN ? ZH_ENOMEM : ZH_EIO, rc,
			"cannot start a thread: %s", strerror(rc));
	}
	*ret = t;
	return 0;
}

void sys_thread_join(struct sys_thread *t)
{
	if (t == NULL)
		return;
	if (pthread_join(t->t, NULL) != 0)
		abort();
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
	if (sem_init(&s->s, 0, initial) != 0) {
		rc = zh_err_sys(err, ZH_EIO, errno, "cannot make a semaphore: %s", strerror(errno));
		free(s);
		return rc;
	}
	*ret = s;
	return 0;
}

void sys_sem_wait(struct sys_sem *s)
{
	while (sem_wait(&s->s) != 0)
		if (errno != EINTR)
			abort();
}

void sys_sem_post(struct sys_sem *s)
{
	if (sem_post(&s->s) != 0)
		abort();
}

void sys_sem_free(struct sys_sem *s)
{
	if (s == NULL)
		return;
	(void)sem_destroy(&s->s);
	free(s);
}

void sys_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) != 0)
		;
}
