/* SPDX-License-Identifier: MIT */
/*
 * `zhushou remove ID ... [--json]`: remove components zhushou installed, as one transaction:
 * their files (kept for `rollback`), the folders left empty, their records.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/report.h"
#include "../core/banned.h"

int verb_remove(struct zh_cli *cli)
{
	struct zh_session s;
	struct cli_roots roots;
	struct zh_install_result res;
	struct zh_install_item *items = NULL;
	struct zh_db_component *recs = NULL;
	struct zh_txn *t = NULL;
	struct zh_err err;
	char verb[256];
	int i, rc = 0, code = ZH_EXIT_FAILED;

	memset(&s, 0, sizeof(s));
	memset(&roots, 0, sizeof(roots));
	memset(&res, 0, sizeof(res));
	zh_err_init(&err);
	res.verb = "remove";
	for (i = 0; i < cli->argc; i++)
		if (cli->argv[i][0] == '-') {
			err_printf("zhushou remove: %s '%s'\n",
				ZH_T(cli, "无法识别的参数", "unexpected argument"), cli->argv[i]);
			cli->argc = 0;
		}
	if (cli->argc == 0) {
		err_printf("%s: zhushou remove ID ... [--json]\n", ZH_T(cli, "用法", "usage"));
		return ZH_EXIT_USAGE;
	}
	if ((code = cli_session_open(cli, 0, &s)) != 0)
		return code;
	code = ZH_EXIT_FAILED;
	items = zh_calloc((size_t)cli->argc, sizeof(*items));
	recs = zh_calloc((size_t)cli->argc, sizeof(*recs));
	if (items == NULL || recs == NULL)
		goto out;
	if (cli_roots_get(&roots, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	for (i = 0; i < cli->argc; i++) {
		if (zh_db_component_get(s.db, cli->argv[i], &recs[i], &err) != 0) {
			cli_report_error(cli, &err,
				"未做任何更改。zhushou history 列出它做过的修改。",
				"nothing was changed. zhushou history shows what it installed.");
			goto out;
		}
		items[i].id = recs[i].id;
		items[i].version = recs[i].version;
		items[i].files = recs[i].nfiles;
	}
	(void)snprintf(verb, sizeof(verb), "remove %s%s", cli->argv[0],
		cli->argc > 1 ? " ..." : "");
	if (zh_txn_begin(s.db, verb, &t, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	res.txn = zh_txn_id(t);
	res.items = items;
	res.nitems = (size_t)cli->argc;
	for (i = 0; i < cli->argc && rc == 0; i++)
		rc = zh_install_remove(t, s.db, cli->argv[i], &roots.roots, &err);
	res.reboot = zh_txn_reboot_pending(t);
	code = cli_txn_finish(cli, t, rc, &err, &res);
	cli_install_report(cli, &res);
out:
	zh_txn_free(t);
	for (i = 0; recs != NULL && i < cli->argc; i++)
		zh_db_component_release(&recs[i]);
	zh_free(recs);
	zh_free(items);
	cli_roots_release(&roots);
	cli_session_close(&s);
	return code;
}
