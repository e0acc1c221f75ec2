/* SPDX-License-Identifier: MIT */
/*
 * `zhushou rollback [TXN]`: undo a committed transaction (the newest one by default) as a new
 * transaction. Refused, with nothing changed, when something it changed has been changed
 * again since (exit 1603 naming it).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../core/banned.h"

int verb_rollback(struct zh_cli *cli)
{
	struct zh_session s;
	struct zh_err err;
	int64_t id = 0, undo = 0;
	char *end = NULL;
	int code;

	zh_err_init(&err);
	if (cli->argc > 1 ||
		(cli->argc == 1 && ((id = strtoll(cli->argv[0], &end, 10)) <= 0 || *end != '\0'))) {
		err_printf("zhushou rollback: %s\n",
			ZH_T(cli, "用法：zhushou rollback [事务号]",
				"usage: zhushou rollback [TXN]"));
		return ZH_EXIT_USAGE;
	}
	if ((code = cli_session_open(cli, ZH_SESSION_REBOOT_OK, &s)) != 0)
		return code;
	if (zh_txn_undo_committed(s.db, id, &undo, &err) != 0) {
		cli_report_error(cli, &err,
			err.code == ZH_ECHANGED
				? "有内容在 zhushou 修改后又被改动，为避免覆盖，未做任何更改。"
				: "未做任何更改。",
			err.code == ZH_ECHANGED
				? "something was changed again after zhushou changed "
				  "it; to overwrite nothing, nothing was changed."
				: "nothing was changed.");
		code = ZH_EXIT_FAILED;
	} else {
		cli_log("INFO", "rolled back transaction %lld", (long long)undo);
		if (!cli->quiet)
			out_printf(ZH_T(cli, "已撤销（事务 %lld）。\n",
					   "Rolled back (transaction %lld).\n"),
				(long long)undo);
		code = ZH_EXIT_OK;
	}
	cli_session_close(&s);
	return code;
}
