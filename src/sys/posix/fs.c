/* SPDX-License-Identifier: MIT */
/* Files on posix, for native tests and the publisher tools. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../fs.h"
#include "../fault.h"
#include "../../core/banned.h"

static int code_from_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ZH_ENOENT;
	case EACCES:
	case EPERM:
		return ZH_EACCES;
	case ENOMEM:
		return ZH_ENOMEM;
	case ENOSPC:
		return ZH_ENOSPC;
	case EEXIST:
		return ZH_EEXIST;
	case EBUSY:
	case ETXTBSY:
		return ZH_EBUSY;
	default:
		return ZH_EIO;
	}
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
		return zh_err_sys(err, code_from_errno(errno), errno, "cannot examine '%s': %s",
			path, strerror(errno));
	}
	*ret_kind = S_ISREG(st.st_mode) ? SYS_FS_FILE
		: S_ISDIR(st.st_mode)	? SYS_FS_DIR
					: SYS_FS_OTHER;
	if (ret_size != NULL)
		*ret_size = (int64_t)st.st_size;
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
		rc = zh_err_sys(err, code_from_errno(errno), errno, "cannot open '%s': %s", path,
			strerror(errno));
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
			rc = zh_err_sys(err, code_from_errno(errno), errno, "cannot read '%s': %s",
				path, strerror(errno));
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
