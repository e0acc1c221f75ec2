/* SPDX-License-Identifier: MIT */
/* Reading the hosts file the way Windows does: first match wins, comments and case ignored. */
#include "../harness/zh_test.h"
#include "../../src/core/hosts.h"
#include "../../src/core/mem.h"

static const char *look(const char *text, const char *name)
{
	static char buf[64];
	char *r = NULL;

	if (zh_hosts_lookup(text, strlen(text), name, &r, NULL) != 0 || r == NULL)
		return "-";
	snprintf(buf, sizeof(buf), "%s", r);
	zh_free(r);
	return buf;
}

static void t_lookup(void)
{
	const char *h = "# 127.0.0.1 powerservice.csii.com.cn\r\n"
			"  10.0.0.1\tintranet.example  PowerService.CSII.com.cn # old\r\n"
			"127.0.0.1 powerservice.csii.com.cn\r\n"
			"1.2.3.4 powerservice.csii.com.cn.evil\n"
			"5.6.7.8";

	T_EQ_STR(look(h, "powerservice.csii.com.cn"), "10.0.0.1");
	T_EQ_STR(look(h, "intranet.example"), "10.0.0.1");
	T_EQ_STR(look(h, "powerservice.csii.com"), "-");
	T_EQ_STR(look(h, "5.6.7.8"), "-");
	T_EQ_STR(look("", "a"), "-");
	T_EQ_STR(look("127.0.0.1 a#comment\nx", "a"), "127.0.0.1");
}

static void t_fixed(void)
{
	struct zh_host_def def = {"powerservice.csii.com.cn", "127.0.0.1"};
	struct zh_host_state hs = {&def, NULL};
	struct zh_hosts_state st = {"hosts", "# 127.0.0.1 localhost", 21, &hs, 1};
	struct zh_buf b;

	zh_buf_init(&b, 4096);
	T_EQ_INT(zh_hosts_fixed(&st, &b, NULL), 0);
	/* The old bytes stay as they were; a line break is added before the new line. */
	T_EQ_STR(b.data,
		"# 127.0.0.1 localhost\r\n127.0.0.1 powerservice.csii.com.cn # zhushou\r\n");
	zh_buf_release(&b);
	hs.mapped = "10.0.0.1";
	T_EQ_INT(zh_hosts_fixed(&st, &b, NULL), 0);
	T_EQ_STR(b.data, "# 127.0.0.1 localhost\r\n");
	zh_buf_release(&b);
}

ZH_TESTS(ZH_TEST_ENTRY(t_lookup), ZH_TEST_ENTRY(t_fixed))
