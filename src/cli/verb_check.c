/* SPDX-License-Identifier: MIT */
/*
 * `zhushou check [--source URL] [--json]`: 全面检测. Exit 0 when every check passes, 1 when any
 * fails or could not run. A mirror (--source URL, or Group Policy's Source) is tried too: the
 * catalog's `mirror` check says whether this PC can use it, and if not, why. The text form is for
 * people (one line per check, details indented, advice for what failed); --json is the documented
 * contract (docs/json.md).
 */
#include <string.h>

#include "cli.h"
#include "../core/buf.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../core/policy.h"
#include "../core/report.h"
#include "../core/banned.h"

/* The text form, through the one layout support-report keeps too (checktext.c). */
static int print_text(const struct zh_cli *cli, const struct zh_check_report *rep)
{
	struct zh_buf b;
	struct zh_err err;
	int rc;

	zh_buf_init(&b, 64 * 1024 * 1024);
	zh_err_init(&err);
	if ((rc = cli_check_text(rep, cli->lang, "\n", &b, &err)) != 0)
		cli_report_error(cli, &err, NULL, NULL);
	else
		out_write(b.data);
	zh_buf_release(&b);
	return rc;
}

int verb_check(struct zh_cli *cli)
{
	struct zh_catalog *cat = NULL;
	struct zh_check_report rep;
	struct zh_check_opts opts = {1, NULL, cli->proxy, cli->net_timeout_secs, cli_now()};
	struct zh_session s;
	struct zh_err err;
	char *json = NULL;
	int rc, a, code = ZH_EXIT_FAILED;

	memset(&rep, 0, sizeof(rep));
	zh_err_init(&err);
	for (a = 0; a < cli->argc; a++) {
		if (strcmp(cli->argv[a], "--source") == 0 && a + 1 < cli->argc) {
			if (!zh_policy_is_url(cli->argv[a + 1])) {
				err_printf("zhushou check: --source %s\n",
					ZH_T(cli,
						"只接受镜像站网址（https://…）；离线包请用 verify "
						"检查",
						"takes a mirror's address (https://...); check an "
						"offline "
						"pack with verify"));
				return ZH_EXIT_USAGE;
			}
			opts.mirror = cli->argv[++a];
			continue;
		}
		err_printf("zhushou check: %s '%s'\n",
			ZH_T(cli, "多余的参数", "unexpected argument"), cli->argv[a]);
		return ZH_EXIT_USAGE;
	}
	/* Finish or undo an interrupted run first, when no other zhushou is at work. */
	if ((code = cli_session_open(cli, ZH_SESSION_OPTIONAL, &s)) != 0)
		return code;
	code = ZH_EXIT_FAILED;
	if (cli_load_catalog(cli, &cat) != 0)
		goto out;
	rc = zh_check_run_opts(cat, s.db, &opts, &rep, &err);
	if (rc != 0) {
		cli_report_error(cli, &err,
			"请重试；如仍失败，请把 zhushou support-report 发给客服。",
			"try again; if it fails again, send zhushou support-report to support.");
		goto out;
	}
	cli_log_check(&rep);
	if (cli->json) {
		rc = zh_report_check_json(&rep, cli->lang, zh_version, &json, &err);
		if (rc != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_write(json);
		out_write("\n");
	} else if (print_text(cli, &rep) != 0) {
		goto out;
	}
	code = zh_check_problems(&rep) ? ZH_EXIT_PROBLEMS : ZH_EXIT_OK;
out:
	zh_free(json);
	zh_check_report_release(&rep);
	zh_catalog_free(cat);
	cli_session_close(&s);
	return code;
}
