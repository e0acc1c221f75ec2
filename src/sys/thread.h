/* SPDX-License-Identifier: MIT */
/*
 * Threads and counting semaphores, the least the core needs to overlap work (hashing a large
 * payload file on a second core while the first writes it). Win32: CreateThread and
 * semaphore objects; posix: pthreads and unnamed POSIX semaphores.
 *
 * Only creation can fail (and carries a fault point). Waiting, posting and joining cannot: a
 * failure there would mean a programming error or a broken OS, and the backend aborts.
 */
#ifndef ZH_SYS_THREAD_H
#define ZH_SYS_THREAD_H

#include "../core/err.h"

struct sys_thread;
struct sys_sem;

/* Run fn(arg) on a new thread; join it with sys_thread_join. ZH_ENOMEM, ZH_EIO. */
int sys_thread_start(void (*fn)(void *arg), void *arg, struct sys_thread **ret, struct zh_err *err);

/* Wait for the thread to return, then free it. NULL is a no-op. */
void sys_thread_join(struct sys_thread *t);

/* A semaphore with count initial. ZH_ENOMEM, ZH_EIO. */
int sys_sem_new(unsigned initial, struct sys_sem **ret, struct zh_err *err);

/* Take one from the count, waiting while it is 0. */
void sys_sem_wait(struct sys_sem *s);

/* Add one to the count. */
void sys_sem_post(struct sys_sem *s);

/* Free it (no thread may be waiting). NULL is a no-op. */
void sys_sem_free(struct sys_sem *s);

/* Pause the calling thread for ms milliseconds (a retry's backoff). */
void sys_sleep_ms(long ms);

#endif
