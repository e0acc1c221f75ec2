/* SPDX-License-Identifier: MIT */
/*
 * Loading a vendor's library (a UKEY's PKCS#11 module) and finding a function in it: the
 * seam that lets the PKCS#11 logic in core run on Windows (LoadLibraryExW, the module's own
 * folder searched for its dependencies) and natively (dlopen) alike.
 */
#ifndef ZH_SYS_DL_H
#define ZH_SYS_DL_H

#include "../core/err.h"

struct sys_dl;

typedef void (*sys_dl_fn)(void);

/*
 * Load the library at path into *ret. ZH_ENOENT: no file there (or a folder it needs is
 * missing); any other failure to load (a broken or foreign file, a missing dependency,
 * no access) is an error naming path and the system's reason.
 */
int sys_dl_open(const char *path, struct sys_dl **ret, struct zh_err *err);

/* The exported function name of h, or NULL when it has none. */
sys_dl_fn sys_dl_sym(struct sys_dl *h, const char *name);

/* Unload h; NULL is fine. */
void sys_dl_close(struct sys_dl *h);

#endif
