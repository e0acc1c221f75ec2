/* SPDX-License-Identifier: MIT */
/* No WinINet on posix; see inet.h. */
#include "../inet.h"
#include "../../core/banned.h"

int sys_inet_settings_changed(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP, "there are no Internet Settings to refresh here");
}
