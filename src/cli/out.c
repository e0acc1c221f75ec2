/* SPDX-License-Identifier: MIT */
/* Output helpers for the verbs; text goes through the console seam (sys/console.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../sys/console.h"
#include "../sys/fs.h"
#include "../core/banned.h"

/* --quiet (without --json): nothing on stdout, errors still on stderr. */
static int g_quiet;

void out_set_quiet(int quiet)
{
	g_quiet = quiet;
}

static void vout(enum sys_stream s, const char *fmt, va_list ap)
{
	char small[1024];
	char *big = NULL;
	va_list ap2;
	int n;

	if (s == SYS_STDOUT && g_quiet)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		(void)sys_console_write(s, small, (size_t)n, NULL);
		/* What goes to stderr (errors and what to do about them) goes to the log too. */
		if (s == SYS_STDERR)
			cli_log("ERROR", "%s", small);
	} else if ((big = zh_malloc((size_t)n + 1)) != NULL) {
		(void)vsnprintf(big, (size_t)n + 1, fmt, ap2);
		(void)sys_console_write(s, big, (size_t)n, NULL);
		if (s == SYS_STDERR)
			cli_log("ERROR", "%s", big);
		zh_free(big);
	}
	va_end(ap2);
}

void out_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(SYS_STDOUT, fmt, ap);
	va_end(ap);
}

void out_write(const char *s)
{
	if (g_quiet)
		return;
	(void)sys_console_write(SYS_STDOUT, s, strlen(s), NULL);
}

void err_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vout(SYS_STDERR, fmt, ap);
	va_end(ap);
}

void cli_report_error(const struct zh_cli *cli, const struct zh_err *err, const char *fix_zh,
	const char *fix_en)
{
	err_printf("zhushou: %s%s: %s\n", ZH_T(cli, "错误：", "error: "),
		zh_err_str(err->code, cli->lang), err->msg);

	if (fix_zh != NULL && fix_en != NULL)
		err_printf("  %s%s\n", ZH_T(cli, "处理办法：", "what to do: "),
			ZH_T(cli, fix_zh, fix_en));
}

int cli_load_catalog(const struct zh_cli *cli, struct zh_catalog **ret)
{
	struct zh_err err;
	void *data = NULL;
	size_t len = 0;
	int rc;

	zh_err_init(&err);
	if (cli->catalog == NULL) {
		rc = zh_catalog_parse(zh_builtin_catalog, zh_builtin_catalog_len, zh_probe_names,
			ret, &err);
	} else {
		/* One byte over the limit lets the parser tell "too big" from "just fits". */
		rc = sys_fs_read_head(cli->catalog, ZH_MAX_CATALOG_BYTES + 1, &data, &len, &err);
		if (rc == 0)
			rc = zh_catalog_parse(data, len, zh_probe_names, ret, &err);
		zh_err_wrap(&err, "catalog '%s'", cli->catalog);
	}
	sys_free(data);
	if (rc != 0)
		cli_report_error(cli, &err,
			"目录文件有误，未做任何更改：请使用发布方提供的目录或重新安装 zhushou。",
			"the catalog is broken and nothing was changed: use the publisher's "
			"catalog or reinstall zhushou.");
	return rc;
}
