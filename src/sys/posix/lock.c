/* SPDX-License-Identifier: MIT */
/* The single-instance lock as flock(2) on a file in the temporary directory; see lock.h. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "../lock.h"
#include "../fault.h"
#include "../../core/banned.h"

struct sys_lock {
	int fd;
};

int sys_lock_acquire(const char *name, long wait_ms, struct sys_lock **ret, int *ret_abandoned,
	struct zh_err *err)
{
	const char *tmp = getenv("TMPDIR");
	struct timespec ts = {0, 20 * 1000 * 1000};
	struct sys_lock *l = NULL;
	char path[512];
	long waited = 0;
	int rc = ZH_FAULT_CHECK("sys_lock_acquire", err);

	if (rc != 0)
		return rc;
	/* flock locks die with their process: there is no abandoned state to report. */
	*ret_abandoned = 0;
	(void)snprintf(path, sizeof(path), "%s/%s.lock", tmp != NULL ? tmp : "/tmp", name);
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot create lock '%s'", name);
	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (l->fd < 0) {
		rc = zh_err_sys(err, ZH_EIO, errno, "cannot open lock '%s': %s", path,
			strerror(errno));
		goto out;
	}
	while (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK || waited >= wait_ms) {
			rc = zh_err_set(err, ZH_EBUSY, "another zhushou holds '%s'", path);
			goto out;
		}
		(void)nanosleep(&ts, NULL);
		waited += 20;
	}
	*ret = l;
	l = NULL;
out:
	if (l != NULL) {
		if (l->fd >= 0)
			close(l->fd);
		free(l);
	}
	return rc;
}

void sys_lock_release(struct sys_lock *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l);
}
