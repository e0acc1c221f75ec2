/* SPDX-License-Identifier: MIT */
/* Log files with O_APPEND; see logfile.h. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../logfile.h"
#include "../../core/banned.h"

struct sys_logfile {
	int fd;
};

static void make_parents(char *p)
{
	char *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(p, 0755);
		*s = '/';
	}
}

int sys_logfile_open(const char *path, int mkdirs, struct sys_logfile **ret, struct zh_err *err)
{
	char *copy;
	int fd;

	*ret = NULL;
	if (mkdirs && (copy = strdup(path)) != NULL) {
		make_parents(copy);
		free(copy);
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return zh_err_sys(err, errno == EACCES || errno == EPERM ? ZH_EACCES : ZH_EIO,
			errno, "cannot open the log '%s': %s", path, strerror(errno));
	if ((*ret = malloc(sizeof(**ret))) == NULL) {
		close(fd);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	(*ret)->fd = fd;
	return 0;
}

int sys_logfile_write(struct sys_logfile *f, const char *s, size_t n)
{
	return write(f->fd, s, n) == (ssize_t)n ? 0 : ZH_EIO;
}

void sys_logfile_close(struct sys_logfile *f)
{
	if (f == NULL)
		return;
	(void)close(f->fd);
	free(f);
}

size_t sys_logfile_prune(const char *dir, const char *prefix, const char *limit)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t deleted = 0;
	char path[4096];

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || n < 4 ||
			strcmp(e->d_name + n - 4, ".log") != 0 || strcmp(e->d_name, limit) >= 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path) &&
			unlink(path) == 0)
			deleted++;
	}
	closedir(d);
	return deleted;
}

unsigned long sys_logfile_pid(void)
{
	return (unsigned long)getpid();
}
