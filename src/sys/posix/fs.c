/* SPDX-License-Identifier: MIT */
/*
 * Files on posix, for native tests and the publisher tools. Creation uses O_EXCL|O_NOFOLLOW so
 * that nothing pre-existing (or a planted symlink) is ever written through; tree removal walks
 * with lstat and never descends into a symlink.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fs.h"
#include "../fault.h"
#include "../../core/banned.h"

struct sys_file {
	int fd;
	char *path; /* for messages */
	int scratch; /* writes change only zhushou's scratch area: not change points */
};

struct sys_dir {
	DIR *d;
	char *path;
	char *name; /* the last name returned */
};

static int code_from_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ZH_ENOENT;
	case EACCES:
	case EPERM:
	case EROFS:
		return ZH_EACCES;
	case ENOMEM:
		return ZH_ENOMEM;
	case ENOSPC:
	case EDQUOT:
		return ZH_ENOSPC;
	case EEXIST:
	case ENOTEMPTY:
		return ZH_EEXIST;
	case EBUSY:
	case ETXTBSY:
		return ZH_EBUSY;
	case EINVAL:
	case ENAMETOOLONG:
	case ELOOP:
		return ZH_EINVAL;
	default:
		return ZH_EIO;
	}
}

static int posix_err(struct zh_err *err, int e, const char *what, const char *path)
{
	return zh_err_sys(err, code_from_errno(e), e, "%s '%s': %s", what, path, strerror(e));
}

int sys_fs_stat(const char *path, enum sys_fs_kind *ret_kind, int64_t *ret_size, struct zh_err *err)
{
	struct stat st;
	int rc = ZH_FAULT_CHECK("sys_fs_stat", err);

	if (rc != 0)
		return rc;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*ret_kind = SYS_FS_NONE;
			if (ret_size != NULL)
				*ret_size = 0;
			return 0;
		}
		return posix_err(err, errno, "cannot examine", path);
	}
	*ret_kind = S_ISREG(st.st_mode) ? SYS_FS_FILE
		: S_ISDIR(st.st_mode)	? SYS_FS_DIR
					: SYS_FS_OTHER;
	if (ret_size != NULL)
		*ret_size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
	return 0;
}

int sys_fs_read_head(const char *path, size_t max, void **ret_data, size_t *ret_len,
	struct zh_err *err)
{
	char *data = NULL;
	size_t len = 0;
	int fd = -1;
	int rc = ZH_FAULT_CHECK("sys_fs_read_head", err);

	if (rc != 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = posix_err(err, errno, "cannot open", path);
		goto out;
	}
	data = malloc(max + 1);
	if (data == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
		goto out;
	}
	while (len < max) {
		ssize_t got = read(fd, data + len, max - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = posix_err(err, errno, "cannot read", path);
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	data[len] = '\0';
	*ret_data = data;
	*ret_len = len;
	data = NULL;
out:
	free(data);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int file_new(int fd, const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	struct sys_file *f = malloc(sizeof(*f));

	if (f != NULL)
		f->path = strdup(path);
	if (f == NULL || f->path == NULL) {
		free(f);
		close(fd);
		return zh_err_set(err, ZH_ENOMEM, "cannot open '%s'", path);
	}
	f->fd = fd;
	*ret_file = f;
	return 0;
}

int sys_file_open_read(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	struct stat st;
	int fd;
	int rc = ZH_FAULT_CHECK("sys_file_open_read", err);

	if (rc != 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return posix_err(err, errno, "cannot open", path);
	/* Reading a directory "works" on some systems; make it the error Windows gives. */
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return zh_err_sys(err, ZH_EACCES, EISDIR, "cannot open '%s': is a directory", path);
	}
	return file_new(fd, path, ret_file, err);
}

static int create_new(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

	if (fd < 0)
		return posix_err(err, errno, "cannot create", path);
	return file_new(fd, path, ret_file, err);
}

int sys_file_create(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_file_create", err);

	return rc != 0 ? rc : create_new(path, ret_file, err);
}

int sys_file_create_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_file_create_scratch", err);

	if (rc != 0)
		return rc;
	rc = create_new(path, ret_file, err);
	if (rc == 0)
		(*ret_file)->scratch = 1;
	return rc;
}

int sys_file_open_scratch(const char *path, struct sys_file **ret_file, struct zh_err *err)
{
	int fd, rc = ZH_FAULT_CHECK("sys_file_open_scratch", err);

	if (rc != 0)
		return rc;
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return posix_err(err, errno, "cannot open", path);
	rc = file_new(fd, path, ret_file, err);
	if (rc == 0)
		(*ret_file)->scratch = 1;
	return rc;
}

int sys_file_read(struct sys_file *f, void *buf, size_t n, size_t *ret_got, struct zh_err *err)
{
	ssize_t got;
	int rc = ZH_FAULT_CHECK("sys_file_read", err);

	if (rc != 0)
		return rc;
	do
		got = read(f->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return posix_err(err, errno, "cannot read", f->path);
	*ret_got = (size_t)got;
	return 0;
}

int sys_file_write(struct sys_file *f, const void *buf, size_t n, struct zh_err *err)
{
	const char *p = buf;
	int rc = f->scratch ? ZH_FAULT_CHECK("sys_file_write", err)
			    : ZH_FAULT_CHANGE("sys_file_write", err);

	if (rc != 0)
		return rc;
	while (n > 0) {
		ssize_t put = write(f->fd, p, n);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			return posix_err(err, errno, "cannot write", f->path);
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

int sys_file_flush(struct sys_file *f, struct zh_err *err)
{
	int rc = f->scratch ? ZH_FAULT_CHECK("sys_file_flush", err)
			    : ZH_FAULT_CHANGE("sys_file_flush", err);

	if (rc != 0)
		return rc;
	if (fsync(f->fd) != 0)
		return posix_err(err, errno, "cannot flush", f->path);
	return 0;
}

int sys_file_seek(struct sys_file *f, int64_t offset, struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_file_seek", err);

	if (rc != 0)
		return rc;
	if (offset < 0)
		return zh_err_set(err, ZH_EINVAL, "cannot seek '%s' to %lld", f->path,
			(long long)offset);
	if (lseek(f->fd, (off_t)offset, SEEK_SET) < 0)
		return posix_err(err, errno, "cannot seek", f->path);
	return 0;
}

int sys_file_tell(struct sys_file *f, int64_t *ret_offset, struct zh_err *err)
{
	off_t at;
	int rc = ZH_FAULT_CHECK("sys_file_tell", err);

	if (rc != 0)
		return rc;
	at = lseek(f->fd, 0, SEEK_CUR);
	if (at < 0)
		return posix_err(err, errno, "cannot tell the position in", f->path);
	*ret_offset = (int64_t)at;
	return 0;
}

int sys_file_size(struct sys_file *f, int64_t *ret_size, struct zh_err *err)
{
	struct stat st;
	int rc = ZH_FAULT_CHECK("sys_file_size", err);

	if (rc != 0)
		return rc;
	if (fstat(f->fd, &st) != 0)
		return posix_err(err, errno, "cannot examine", f->path);
	*ret_size = (int64_t)st.st_size;
	return 0;
}

int sys_file_close(struct sys_file *f, struct zh_err *err)
{
	int rc = 0;

	if (f == NULL)
		return 0;
	/* No fault point: a close that can be made to fail would leak the descriptor. */
	if (close(f->fd) != 0 && errno != EINTR)
		rc = posix_err(err, errno, "cannot close", f->path);
	free(f->path);
	free(f);
	return rc;
}

int sys_fs_mkdir(const char *path, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_mkdir", err);

	if (rc != 0)
		return rc;
	if (mkdir(path, 0755) != 0)
		return posix_err(err, errno, "cannot create directory", path);
	return 0;
}

int sys_fs_mkdirs(const char *path, struct zh_err *err)
{
	struct stat st;
	char *p = NULL, *s;
	int rc = ZH_FAULT_CHANGE("sys_fs_mkdirs", err);

	if (rc != 0)
		return rc;
	if (path[0] == '\0')
		return zh_err_set(err, ZH_EINVAL, "cannot create a directory with an empty name");
	p = strdup(path);
	if (p == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot create directory '%s'", path);
	/* Each prefix ending before a '/', then the whole path. */
	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			rc = posix_err(err, errno, "cannot create directory", p);
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	if (lstat(path, &st) != 0) {
		rc = posix_err(err, errno, "cannot create directory", path);
		goto out;
	}
	if (!S_ISDIR(st.st_mode))
		rc = zh_err_set(err, ZH_EEXIST, "cannot create directory '%s': not a directory",
			path);
out:
	free(p);
	return rc;
}

int sys_fs_rmdir(const char *path, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_rmdir", err);

	if (rc != 0)
		return rc;
	if (rmdir(path) != 0)
		return posix_err(err, errno, "cannot remove directory", path);
	return 0;
}

int sys_fs_unlink(const char *path, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_unlink", err);

	if (rc != 0)
		return rc;
	if (unlink(path) != 0)
		return posix_err(err, errno, "cannot remove", path);
	return 0;
}

static int remove_tree(const char *path, int depth, struct zh_err *err)
{
	struct stat st;
	struct dirent *de;
	DIR *d = NULL;
	char *child = NULL;
	int rc = 0;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : posix_err(err, errno, "cannot examine", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0 && errno != ENOENT)
			return posix_err(err, errno, "cannot remove", path);
		return 0;
	}
	if (depth > 512)
		return zh_err_set(err, ZH_ETOOBIG, "cannot remove '%s': nested too deep", path);
	d = opendir(path);
	if (d == NULL)
		return posix_err(err, errno, "cannot list", path);
	while ((de = readdir(d)) != NULL) {
		size_t n;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(path) + strlen(de->d_name) + 2;
		child = malloc(n);
		if (child == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot remove '%s'", path);
			goto out;
		}
		(void)snprintf(child, n, "%s/%s", path, de->d_name);
		rc = remove_tree(child, depth + 1, err);
		free(child);
		child = NULL;
		if (rc != 0)
			goto out;
	}
	closedir(d);
	d = NULL;
	if (rmdir(path) != 0 && errno != ENOENT)
		rc = posix_err(err, errno, "cannot remove directory", path);
out:
	if (d != NULL)
		closedir(d);
	return rc;
}

int sys_fs_remove_tree(const char *path, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_remove_tree", err);

	if (rc != 0)
		return rc;
	return remove_tree(path, 0, err);
}

/* fsync the directory holding path, so that a rename in it survives a power cut. */
static void sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int sys_fs_rename(const char *from, const char *to, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_rename", err);

	if (rc != 0)
		return rc;
	/* posix has no sharing violations: rename(2) replaces atomically or fails for good. */
	if (rename(from, to) != 0)
		return zh_err_sys(err, code_from_errno(errno), errno,
			"cannot rename '%s' to '%s': %s", from, to, strerror(errno));
	sync_parent(to);
	return 0;
}

int sys_file_rename(struct sys_file *f, const char *to, struct zh_err *err)
{
	struct stat st;
	char *newpath;
	int rc = ZH_FAULT_CHANGE("sys_file_rename", err);

	if (rc != 0)
		return rc;
	if (lstat(to, &st) == 0)
		return zh_err_set(err, ZH_EEXIST, "cannot rename '%s' to '%s': it exists", f->path,
			to);
	if ((newpath = strdup(to)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot rename '%s'", f->path);
	if (rename(f->path, to) != 0) {
		rc = zh_err_sys(err, code_from_errno(errno), errno,
			"cannot rename '%s' to '%s': %s", f->path, to, strerror(errno));
		free(newpath);
		return rc;
	}
	sync_parent(to);
	free(f->path);
	f->path = newpath;
	return 0;
}

long sys_fs_busy_waits(void)
{
	return 0;
}

int sys_fs_rename_on_reboot(const char *from, const char *to, struct zh_err *err)
{
	int rc = ZH_FAULT_CHANGE("sys_fs_rename_on_reboot", err);

	if (rc != 0)
		return rc;
	return zh_err_set(err, ZH_ENOTSUP, "cannot schedule '%s' -> '%s' for the next boot: %s",
		from, to != NULL ? to : "(delete)", "not a Windows system");
}

int sys_fs_cancel_rename_on_reboot(const char *from, struct zh_err *err)
{
	(void)from;
	return ZH_FAULT_CHANGE("sys_fs_cancel_rename_on_reboot", err);
}

int sys_dir_open(const char *path, struct sys_dir **ret_dir, struct zh_err *err)
{
	struct sys_dir *d = NULL;
	int rc = ZH_FAULT_CHECK("sys_dir_open", err);

	if (rc != 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (d == NULL || (d->path = strdup(path)) == NULL) {
		free(d);
		return zh_err_set(err, ZH_ENOMEM, "cannot list '%s'", path);
	}
	d->d = opendir(path);
	if (d->d == NULL) {
		rc = posix_err(err, errno, "cannot list", path);
		free(d->path);
		free(d);
		return rc;
	}
	*ret_dir = d;
	return 0;
}

int sys_dir_next(struct sys_dir *d, const char **ret_name, enum sys_fs_kind *ret_kind,
	struct zh_err *err)
{
	struct dirent *de;
	struct stat st;
	char *full;
	size_t n;
	int rc = ZH_FAULT_CHECK("sys_dir_next", err);

	if (rc != 0)
		return rc;
	free(d->name);
	d->name = NULL;
	for (;;) {
		errno = 0;
		de = readdir(d->d);
		if (de == NULL) {
			if (errno != 0)
				return posix_err(err, errno, "cannot list", d->path);
			*ret_name = NULL;
			if (ret_kind != NULL)
				*ret_kind = SYS_FS_NONE;
			return 0;
		}
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			break;
	}
	d->name = strdup(de->d_name);
	n = strlen(d->path) + strlen(de->d_name) + 2;
	full = malloc(n);
	if (d->name == NULL || full == NULL) {
		free(full);
		return zh_err_set(err, ZH_ENOMEM, "cannot list '%s'", d->path);
	}
	(void)snprintf(full, n, "%s/%s", d->path, de->d_name);
	if (ret_kind != NULL) {
		if (lstat(full, &st) != 0)
			*ret_kind = SYS_FS_NONE; /* gone meanwhile */
		else
			*ret_kind = S_ISREG(st.st_mode) ? SYS_FS_FILE
				: S_ISDIR(st.st_mode)	? SYS_FS_DIR
							: SYS_FS_OTHER;
	}
	free(full);
	*ret_name = d->name;
	return 0;
}

void sys_dir_close(struct sys_dir *d)
{
	if (d == NULL)
		return;
	if (d->d != NULL)
		closedir(d->d);
	free(d->name);
	free(d->path);
	free(d);
}
