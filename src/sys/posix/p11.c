/* SPDX-License-Identifier: MIT */
/* No vendor PKCS#11 modules on posix; see p11.h. */
#include <string.h>

#include "../p11.h"
#include "../../core/banned.h"

int sys_p11_read(const char *path, struct sys_p11_token *ret, struct zh_err *err)
{
	(void)path;
	memset(ret, 0, sizeof(*ret));
	return zh_err_set(err, ZH_ENOTSUP, "PKCS#11 modules are not read here");
}

void sys_p11_release(struct sys_p11_token *t)
{
	(void)t;
}
