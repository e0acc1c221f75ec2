/* SPDX-License-Identifier: MIT */
/*
 * Shell links (.lnk, IShellLinkW): written to a path of the caller's (zhushou's staging), from
 * where the transaction engine puts them in place like any file. posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_SHELL_H
#define ZH_SYS_SHELL_H

#include "../core/err.h"

/*
 * Write a shortcut to target (a Windows path) with args (may be "" or NULL), the target's
 * directory as working directory, and description (may be NULL), to the file path.
 */
int sys_shell_link_write(const char *path, const char *target, const char *args,
	const char *description, struct zh_err *err);

#endif
