/* SPDX-License-Identifier: MIT */
/*
 * Staged files kept open between extraction and install. A file extracted into staging stays
 * open (and so unchangeable by other programs: staging shares it for reading only) until the
 * transaction engine moves it into place through its own handle, which spares the reopen a
 * move by name costs (on Windows: an open, a name lookup and a close per file). Whatever is
 * still open when the set is freed is closed then. Paths compare with '/' and '\' as one.
 */
#ifndef ZH_KEEP_H
#define ZH_KEEP_H

#include <stddef.h>

#include "err.h"

struct sys_file;
struct zh_keep;

/* An empty set holding at most max files (a bound on open handles). */
int zh_keep_new(size_t max, struct zh_keep **ret, struct zh_err *err);

/*
 * Keep f, staged at path: 1 when kept (the set owns f now), 0 when the set is full, or a
 * ZH_E* code (negative) when out of memory (then too the caller still owns f and closes it).
 */
int zh_keep_add(struct zh_keep *k, const char *path, struct sys_file *f, struct zh_err *err);

/*
 * The slot holding the file staged at path, or NULL when it is not kept (k may be NULL). Who
 * closes a slot's file sets the slot to NULL; zh_keep_free closes what is left.
 */
struct sys_file **zh_keep_slot(struct zh_keep *k, const char *path);

/*
 * Close every file still kept (k may be NULL): before a staging folder is removed, since
 * Windows removes an open file's name only once it is closed.
 */
void zh_keep_close(struct zh_keep *k);

/* Close every file still kept and free the set (NULL is a no-op). */
void zh_keep_free(struct zh_keep *k);

#endif
