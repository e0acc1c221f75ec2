/* SPDX-License-Identifier: MIT */
/* No drive letters on posix; see drives.h. */
#include "../drives.h"
#include "../../core/banned.h"

int sys_drives_list(struct sys_drive out[26], size_t *ret_n, struct zh_err *err)
{
	(void)out;
	*ret_n = 0;
	return zh_err_set(err, ZH_ENOTSUP, "drive letters are not available here");
}
