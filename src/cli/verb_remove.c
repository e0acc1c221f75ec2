/* SPDX-License-Identifier: MIT */
/*
 * `zhushou remove ID ... [--json]`: remove components zhushou installed, as one transaction:
 * their files (kept for `rollback`), the folders left empty, their records. `remove --all`
 * removes every component the manifest DB records (not the profile's settings, which
 * `rollback` undoes): what the MSI's uninstall runs with PURGE=1 (wix/zhushou.wxs).
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
	char **ids = NULL, **all = NULL;
	size_t nall = 0;
	int i, n = 0, want_all = 0, rc = 0, code = ZH_EXIT_FAILED;

	memset(&s, 0, sizeof(s));
	memset(&roots, 0, sizeof(roots));
	memset(&res, 0, sizeof(res));
	zh_err_init(&err);
	res.verb = "remove";
	if (cli->argc == 1 && strcmp(cli->argv[0], "--all") == 0) {
		want_all = 1;
	} else {
		for (i = 0; i < cli->argc; i++)
			if (cli->argv[i][0] == '-') {
				err_printf("zhushou remove: %s '%s'\n",
					ZH_T(cli, "无法识别的参数", "unexpected argument"),
					cli->argv[i]);
				cli->argc = 0;
			}
		ids = cli->argv;
		n = cli->argc;
	}
	if (!want_all && n == 0) {
		err_printf("%s: zhushou remove ID ... | --all [--json]\n",
			ZH_T(cli, "用法", "usage"));
		return ZH_EXIT_USAGE;
	}
	if ((code = cli_session_open(cli, 0, &s)) != 0)
		return code;
	code = ZH_EXIT_FAILED;
	if (want_all) {
		size_t j;

		if (zh_db_component_ids(s.db, &all, &nall, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		if ((ids = zh_calloc(nall + 1, sizeof(*ids))) == NULL)
			goto out;
		for (j = 0; j < nall; j++)
			if (strncmp(all[j], "profile.", 8) != 0)
				ids[n++] = all[j];
		if (n == 0) {
			/* Nothing installed: nothing to do, and no transaction. */
			code = res.exit_code = ZH_EXIT_OK;
			cli_install_report(cli, &res);
			goto out;
		}
	}
	items = zh_calloc((size_t)n, sizeof(*items));
	recs = zh_calloc((size_t)n, sizeof(*recs));
	if (items == NULL || recs == NULL)
		goto out;
	if (cli_roots_get(&roots, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (zh_db_component_get(s.db, ids[i], &recs[i], &err) != 0) {
			cli_report_error(cli, &err,
				"未做任何更改。zhushou history 列出它做过的修改。",
				"nothing was changed. zhushou history shows what it installed.");
			goto out;
		}
		items[i].id = recs[i].id;
		items[i].version = recs[i].version;
		items[i].files = recs[i].nfiles;
	}
	if (want_all)
		(void)snprintf(verb, sizeof(verb), "remove --all");
	else
		(void)snprintf(verb, sizeof(verb), "remove %s%s", ids[0], n > 1 ? " ..." : "");
	if (zh_txn_begin(s.db, verb, &t, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	res.txn = zh_txn_id(t);
	cli_log_txn(res.txn);
	cli_log("INFO", "transaction %lld: %s", (long long)res.txn, verb);
	res.items = items;
	res.nitems = (size_t)n;
	for (i = 0; i < n && rc == 0; i++)
		rc = zh_install_remove(t, s.db, ids[i], &roots.roots, &err);
	res.reboot = zh_txn_reboot_pending(t);
	code = cli_txn_finish(cli, t, rc, &err, &res);
	cli_install_report(cli, &res);
out:
	zh_txn_free(t);
	for (i = 0; recs != NULL && i < n; i++)
		zh_db_component_release(&recs[i]);
	zh_free(recs);
	zh_free(items);
	cli_roots_release(&roots);
	cli_session_close(&s);
	if (want_all) {
		zh_free(ids);
		zh_db_strings_free(all, nall);
	}
	return code;
}
