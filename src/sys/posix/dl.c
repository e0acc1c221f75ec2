/* SPDX-License-Identifier: MIT */
/* Libraries through dlopen; see dl.h. */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "../dl.h"
#include "../fault.h"
#include "../../core/banned.h"

int sys_dl_open(const char *path, struct sys_dl **ret, struct zh_err *err)
{
	struct stat st;
	void *h;
	int rc = ZH_FAULT_CHECK("sys_dl_open", err);

	*ret = NULL;
	if (rc != 0)
		return rc;
	if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return zh_err_set(err, ZH_ENOENT, "no library '%s'", path);
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		const char *why = dlerror();

		return zh_err_set(err, ZH_EIO, "cannot load the library '%s': %s", path,
			why != NULL ? why : "unknown reason");
	}
	*ret = (struct sys_dl *)h;
	return 0;
}

sys_dl_fn sys_dl_sym(struct sys_dl *h, const char *name)
{
	sys_dl_fn f;
	void *p = dlsym(h, name);

	/* POSIX guarantees a function pointer survives the trip through void *. */
	memcpy(&f, &p, sizeof(f));
	return f;
}

void sys_dl_close(struct sys_dl *h)
{
	if (h != NULL)
		(void)dlclose(h);
}
