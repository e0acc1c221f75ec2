/* SPDX-License-Identifier: MIT */
/* No shell links on posix; see shell.h. */
#include <stddef.h>

#include "../shell.h"
#include "../../core/banned.h"

int sys_shell_link_write(const char *path, const char *target, const char *args,
	const char *description, struct zh_err *err)
{
	(void)path, (void)target, (void)args, (void)description;
	return zh_err_set(err, ZH_ENOTSUP, "shortcuts are not available here");
}
