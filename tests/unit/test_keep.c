/* SPDX-License-Identifier: MIT */
/*
 * The set of staged files kept open between extraction and install (src/core/keep.h),
 * natively and under Wine: its bound (the rest stay the caller's), lookup with either slash,
 * the slot emptied by whoever closes its file, and closing what is left.
 */
#include <stdlib.h>
#include <string.h>

#include "../harness/zh_test.h"
#include "../../src/core/keep.h"
#include "../../src/sys/fs.h"

static struct sys_file *staged(const char *path)
{
	struct sys_file *f = NULL;

	if (sys_file_create_scratch(path, &f, NULL) != 0 || sys_file_write(f, "x", 1, NULL) != 0) {
		(void)sys_file_close(f, NULL);
		return NULL;
	}
	return f;
}

static void t_bound_and_lookup(void)
{
	struct sys_file *a, *b, *c, **slot;
	struct zh_keep *k = NULL;
	struct zh_err err;

	zh_err_init(&err);
	T_EQ_INT(sys_fs_mkdirs("st/sub", &err), 0);
	a = staged("st/sub/a.dll");
	b = staged("st/b.dll");
	c = staged("st/c.dll");
	T_CHECK(a != NULL && b != NULL && c != NULL);
	T_EQ_INT(zh_keep_new(2, &k, &err), 0);
	T_CHECK(zh_keep_slot(k, "st/sub/a.dll") == NULL); /* empty */
	T_EQ_INT(zh_keep_add(k, "st/sub/a.dll", a, &err), 1);
	T_EQ_INT(zh_keep_add(k, "st/b.dll", b, &err), 1);
	/* Full: the third stays the caller's. */
	T_EQ_INT(zh_keep_add(k, "st/c.dll", c, &err), 0);
	T_EQ_INT(sys_file_close(c, &err), 0);
	T_CHECK(zh_keep_slot(k, "st/c.dll") == NULL);
	/* Found under either slash (extraction joins with '/', install with '\'), not by prefix. */
	slot = zh_keep_slot(k, "st\\sub\\a.dll");
	T_CHECK(slot != NULL && *slot == a);
	T_CHECK(zh_keep_slot(k, "st/sub/a.dl") == NULL);
	T_CHECK(zh_keep_slot(k, "st/sub/a.dll2") == NULL);
	T_CHECK(zh_keep_slot(NULL, "st/b.dll") == NULL);
	/* Whoever closes a slot's file empties it: then it is not found again. */
	if (slot != NULL) {
		T_EQ_INT(sys_fs_rename("st/sub/a.dll", "st/sub/moved.dll", &err), 0);
		T_EQ_INT(sys_file_close(*slot, &err), 0);
		*slot = NULL;
	}
	T_CHECK(zh_keep_slot(k, "st/sub/a.dll") == NULL);
	/* Closing what is left (before staging goes) lets the folder be removed. */
	T_CHECK(zh_keep_slot(k, "st/b.dll") != NULL);
	zh_keep_close(k);
	T_CHECK(zh_keep_slot(k, "st/b.dll") == NULL);
	T_EQ_INT(sys_fs_remove_tree("st", &err), 0);
	zh_keep_free(k);
	zh_keep_free(NULL);
}

/* Freeing closes every file still kept: the folder can go afterwards. */
static void t_free_closes(void)
{
	struct zh_keep *k = NULL;
	struct zh_err err;
	struct sys_file *f;

	zh_err_init(&err);
	T_EQ_INT(sys_fs_mkdirs("st2", &err), 0);
	f = staged("st2/x.dll");
	T_CHECK(f != NULL);
	T_EQ_INT(zh_keep_new(8, &k, &err), 0);
	T_EQ_INT(zh_keep_add(k, "st2/x.dll", f, &err), 1);
	zh_keep_free(k);
	T_EQ_INT(sys_fs_remove_tree("st2", &err), 0);
}

ZH_TESTS(ZH_TEST_ENTRY(t_bound_and_lookup), ZH_TEST_ENTRY(t_free_closes))
