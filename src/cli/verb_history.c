/* SPDX-License-Identifier: MIT */
/* `zhushou history [--json]`: every transaction zhushou ran on this PC, newest first. */
#include <string.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/report.h"
#include "../core/banned.h"

#define ZH_MAX_HISTORY 100000

static int collect(const struct zh_txn_row *row, void *ctx)
{
	struct cli_history *r = ctx;
	struct zh_txn_row *v;

	if (r->n >= ZH_MAX_HISTORY)
		return 0;
	v = zh_realloc(r->v, (r->n + 1) * sizeof(*v));
	if (v == NULL)
		return ZH_ENOMEM;
	r->v = v;
	v[r->n] = *row;
	v[r->n].verb = zh_strdup(row->verb);
	v[r->n].started = zh_strdup(row->started);
	v[r->n].finished = row->finished != NULL ? zh_strdup(row->finished) : NULL;
	r->n++;
	if (v[r->n - 1].verb == NULL || v[r->n - 1].started == NULL ||
		(row->finished != NULL && v[r->n - 1].finished == NULL))
		return ZH_ENOMEM;
	return 0;
}

int cli_history_read(struct zh_db *db, struct cli_history *h, struct zh_err *err)
{
	memset(h, 0, sizeof(*h));
	if (zh_db_txn_list(db, collect, h, err) == 0)
		return 0;
	if (err->code == 0)
		zh_err_set(err, ZH_ENOMEM, "cannot read the history");
	return err->code;
}

void cli_history_free(struct cli_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		zh_txn_row_release(&h->v[i]);
	zh_free(h->v);
	memset(h, 0, sizeof(*h));
}

int verb_history(struct zh_cli *cli)
{
	struct cli_history rows = {NULL, 0};
	struct zh_session s;
	struct zh_err err;
	char *json = NULL;
	size_t i;
	int code;

	zh_err_init(&err);
	if ((code = cli_session_open(cli, ZH_SESSION_REBOOT_OK, &s)) != 0)
		return code;
	code = ZH_EXIT_FAILED;
	if (cli_history_read(s.db, &rows, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	if (cli->json) {
		if (zh_report_history_json(rows.v, rows.n, &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_printf("%s\n", json);
	} else {
		if (rows.n == 0)
			out_printf("%s\n", ZH_T(cli, "尚无记录。", "No transactions yet."));
		for (i = 0; i < rows.n; i++)
			out_printf("%6lld  %-11s  %s  %-20s %s %zu, %s %d%s\n",
				(long long)rows.v[i].id, zh_txn_state_name(rows.v[i].state),
				rows.v[i].started, rows.v[i].verb, ZH_T(cli, "步数", "steps"),
				rows.v[i].nops, ZH_T(cli, "退出码", "exit"), rows.v[i].exit_code,
				rows.v[i].reboot ? ZH_T(cli, "，待重启", ", reboot pending") : "");
	}
	code = ZH_EXIT_OK;
out:
	cli_history_free(&rows);
	zh_free(json);
	cli_session_close(&s);
	return code;
}
