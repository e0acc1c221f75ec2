/* SPDX-License-Identifier: MIT */
/* Capped buffers: growth, the cap, and what a buffer over its cap leaves behind. */
#include "../harness/zh_test.h"
#include "../../src/core/buf.h"
#include "../../src/core/mem.h"

static void t_grow(void)
{
	struct zh_buf b;
	char *s;
	int i;

	zh_buf_init(&b, 1 << 20);
	for (i = 0; i < 1000; i++)
		T_EQ_INT(zh_buf_printf(&b, NULL, "%d,", i), 0);
	T_CHECK(b.len > 3000);
	T_CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
	T_EQ_INT(b.data[b.len], '\0');
	s = zh_buf_take(&b);
	T_CHECK(s != NULL && b.data == NULL && b.len == 0);
	zh_free(s);
	zh_buf_release(&b);
}

static void t_cap(void)
{
	struct zh_buf b;
	struct zh_err err;

	zh_err_init(&err);
	zh_buf_init(&b, 8);
	T_EQ_INT(zh_buf_adds(&b, "12345678", &err), 0);
	T_EQ_INT(zh_buf_adds(&b, "9", &err), ZH_ETOOBIG);
	T_CHECK(strstr(err.msg, "limit of 8") != NULL);
	/* Over the cap, the buffer is released, not left half-filled. */
	T_CHECK(b.data == NULL && b.len == 0);
	zh_buf_release(&b);
}

static void t_nomem(void)
{
	struct zh_buf b;
	struct zh_err err;

	zh_err_init(&err);
	zh_buf_init(&b, 100);
	zh_mem_fail_after(0);
	T_EQ_INT(zh_buf_adds(&b, "x", &err), ZH_ENOMEM);
	zh_mem_fail_after(-1);
	T_CHECK(b.data == NULL);
}

ZH_TESTS(ZH_TEST_ENTRY(t_grow), ZH_TEST_ENTRY(t_cap), ZH_TEST_ENTRY(t_nomem))
