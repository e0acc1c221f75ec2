/* SPDX-License-Identifier: MIT */
/*
 * `zhushou check [--json]`: 全面检测. Exit 0 when every check passes, 1 when any fails or could
 * not run. The text form is for people (one line per check, details indented, advice for what
 * failed); --json is the documented contract (docs/json.md).
 */
#include <string.h>

#include "cli.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../core/report.h"
#include "../core/banned.h"

static const char *mark(enum zh_status st)
{
	switch (st) {
	case ZH_ST_OK:
		return "[✓]";
	case ZH_ST_FAIL:
	case ZH_ST_ERROR:
		return "[✗]";
	case ZH_ST_WARN:
		return "[!]";
	default:
		return "[-]";
	}
}

/* Indent every line after the first by the given prefix. */
static void print_indented(const char *text, const char *indent)
{
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl == NULL ? strlen(p) : (size_t)(nl - p);

		out_printf("%s%.*s\n", indent, (int)n, p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void print_text(const struct zh_cli *cli, const struct zh_check_report *rep)
{
	size_t i, bad = 0;

	out_printf("zhushou %s — %s\n\n", zh_version,
		zh_text_get(&rep->cat->profile_name, cli->lang));
	for (i = 0; i < rep->nresults; i++) {
		const struct zh_check_result *r = &rep->results[i];

		out_printf("%s %s\n", mark(r->status), zh_text_get(&r->def->title, cli->lang));
		print_indented(zh_text_get(&r->detail, cli->lang), "    ");
		if (r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR)
			bad++;
		if (r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR ||
			r->status == ZH_ST_WARN) {
			out_printf("    %s", ZH_T(cli, "建议：", "advice: "));
			print_indented(zh_text_get(&r->def->advice, cli->lang), "");
		}
	}
	out_write("\n");
	if (bad == 0)
		out_printf("%s\n", ZH_T(cli, "系统环境正常。", "The PC is ready."));
	else
		out_printf(ZH_T(cli, "系统环境存在 %zu 项异常，请一键修复（zhushou repair）。\n",
				   "%zu problems found: run zhushou repair.\n"),
			bad);
}

int verb_check(struct zh_cli *cli)
{
	struct zh_catalog *cat = NULL;
	struct zh_check_report rep;
	struct zh_session s;
	struct zh_err err;
	char *json = NULL;
	int rc, code = ZH_EXIT_FAILED;

	memset(&rep, 0, sizeof(rep));
	zh_err_init(&err);
	if (cli->argc > 0) {
		err_printf("zhushou check: %s '%s'\n",
			ZH_T(cli, "多余的参数", "unexpected argument"), cli->argv[0]);
		return ZH_EXIT_USAGE;
	}
	/* Finish or undo an interrupted run first, when no other zhushou is at work. */
	if ((code = cli_session_open(cli, ZH_SESSION_OPTIONAL, &s)) != 0)
		return code;
	code = ZH_EXIT_FAILED;
	if (cli_load_catalog(cli, &cat) != 0)
		goto out;
	rc = zh_check_run_db(cat, s.db, &rep, &err);
	if (rc != 0) {
		cli_report_error(cli, &err,
			"请重试；如仍失败，请把 zhushou support-report 发给客服。",
			"try again; if it fails again, send zhushou support-report to support.");
		goto out;
	}
	if (cli->json) {
		rc = zh_report_check_json(&rep, cli->lang, zh_version, &json, &err);
		if (rc != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_write(json);
		out_write("\n");
	} else {
		print_text(cli, &rep);
	}
	code = zh_check_problems(&rep) ? ZH_EXIT_PROBLEMS : ZH_EXIT_OK;
out:
	zh_free(json);
	zh_check_report_release(&rep);
	zh_catalog_free(cat);
	cli_session_close(&s);
	return code;
}
