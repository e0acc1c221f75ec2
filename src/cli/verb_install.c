/* SPDX-License-Identifier: MIT */
/*
 * `zhushou install ID[=VERSION] ... [--source PACK] [--allow-expired] [--json]`: install
 * components from a verified offline pack (without --source, the one installed next to
 * zhushou.exe: cli_source_default) as one transaction (all of them or none: 1603 and
 * the PC as before), recording what they own and the pack's index serial in the manifest DB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/report.h"
#include "../sys/fault.h"
#include "../core/banned.h"

/* Split "id=version" (version NULL when absent) into want[i]. */
struct want {
	char *id;
	const char *version;
};

static void usage(const struct zh_cli *cli)
{
	err_printf("%s: zhushou install ID[=VERSION] ... [--source PACK|https://MIRROR/] "
		   "[--allow-expired] [--proxy URL|direct] [--net-timeout SECONDS] [--json]\n",
		ZH_T(cli, "用法", "usage"));
}

int cli_txn_finish(const struct zh_cli *cli, struct zh_txn *t, int rc, struct zh_err *err,
	struct zh_install_result *res)
{
	struct zh_err aerr;

	if (rc == 0)
		rc = zh_txn_commit(t, res->reboot ? ZH_EXIT_REBOOT_REQUIRED : 0, err);
	if (rc == 0) {
		res->exit_code = res->reboot ? ZH_EXIT_REBOOT_REQUIRED : ZH_EXIT_OK;
		cli_log("INFO", "committed%s",
			res->reboot ? "; a file is replaced at the next restart (3010)" : "");
		return res->exit_code;
	}
	cli_report_error(cli, err, "未完成，所有更改已撤销，电脑与之前完全相同。",
		"it did not finish and every change was undone: the PC is exactly as before.");
	zh_err_init(&aerr);
	if (zh_txn_abort(t, ZH_EXIT_FAILED, &aerr) != 0)
		cli_report_error(cli, &aerr, "撤销未完成，下次运行 zhushou 时会自动继续撤销。",
			"the undo did not finish; the next zhushou run completes it.");
	else
		cli_log("INFO", "rolled back: the PC is as before");
	res->failed = 1;
	res->exit_code = ZH_EXIT_FAILED;
	return res->exit_code;
}

void cli_install_report(const struct zh_cli *cli, struct zh_install_result *res)
{
	struct zh_err err;
	char *json = NULL;
	size_t i;

	zh_err_init(&err);
	if (cli->json) {
		res->fault_points = zh_fault_count();
		res->change_points = zh_fault_changes();
		if (zh_report_install_json(res, &json, &err) == 0) {
			out_write(json);
			out_write("\n");
		}
		zh_free(json);
		return;
	}
	if (cli->quiet || res->failed)
		return;
	for (i = 0; i < res->nitems; i++)
		out_printf("%s %s %s (%zu %s)\n",
			strcmp(res->verb, "install") == 0 ? ZH_T(cli, "已安装", "installed")
							  : ZH_T(cli, "已卸载", "removed"),
			res->items[i].id, res->items[i].version, res->items[i].files,
			ZH_T(cli, "个文件", "files"));
}

int verb_install(struct zh_cli *cli)
{
	struct zh_session s;
	struct cli_source src;
	struct cli_roots roots;
	struct zh_install_result res;
	struct zh_install_item *items = NULL;
	struct want *want = NULL;
	const char **ids = NULL;
	struct zh_txn *t = NULL;
	struct zh_err err;
	const char *pack = NULL;
	char *default_pack = NULL;
	unsigned flags = 0;
	size_t nwant = 0, i;
	char verb[256];
	int rc = 0, code = ZH_EXIT_USAGE, a;

	memset(&s, 0, sizeof(s));
	memset(&src, 0, sizeof(src));
	memset(&roots, 0, sizeof(roots));
	memset(&res, 0, sizeof(res));
	zh_err_init(&err);
	res.verb = "install";
	want = zh_calloc((size_t)cli->argc + 1, sizeof(*want));
	if (want == NULL)
		return ZH_EXIT_FAILED;
	for (a = 0; a < cli->argc; a++) {
		const char *arg = cli->argv[a];

		if (strcmp(arg, "--source") == 0 && a + 1 < cli->argc) {
			pack = cli->argv[++a];
		} else if (strcmp(arg, "--allow-expired") == 0) {
			flags |= ZH_INDEX_ALLOW_EXPIRED;
		} else if (arg[0] != '-') {
			char *eq;

			if ((want[nwant].id = zh_strdup(arg)) == NULL) {
				code = ZH_EXIT_FAILED;
				goto out;
			}
			if ((eq = strchr(want[nwant].id, '=')) != NULL) {
				*eq = '\0';
				want[nwant].version = eq + 1;
			}
			nwant++;
		} else {
			err_printf("zhushou install: %s '%s'\n",
				ZH_T(cli, "无法识别的参数", "unexpected argument"), arg);
			usage(cli);
			goto out;
		}
	}
	if (nwant > 0 && pack == NULL) {
		if (cli_source_default(&default_pack, &err) != 0) {
			cli_report_error(cli, &err, "请用 --source 指定离线包。",
				"give the offline pack with --source PACK.");
			code = ZH_EXIT_FAILED;
			goto out;
		}
		pack = default_pack;
	}
	if (nwant == 0 || pack == NULL) {
		usage(cli);
		goto out;
	}
	if ((code = cli_session_open(cli, 0, &s)) != 0)
		goto out;
	code = ZH_EXIT_FAILED;
	if (cli_roots_get(&roots, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	ids = zh_calloc(nwant + 1, sizeof(*ids));
	if (ids == NULL)
		goto out;
	for (i = 0; i < nwant; i++)
		ids[i] = want[i].id;
	if ((code = cli_source_open(cli, &s, pack, flags, ids, nwant, &src)) != 0) {
		/* The source failed: nothing changed; --json still says why. */
		res.source = src.report;
		res.failed = 1;
		res.exit_code = code;
		cli_install_report(cli, &res);
		goto out;
	}
	res.source = src.report;
	code = ZH_EXIT_FAILED;
	/* Every component asked for must be in the pack, in the version asked for, first. */
	items = zh_calloc(nwant, sizeof(*items));
	if (items == NULL)
		goto out;
	for (i = 0; i < nwant; i++) {
		const struct zh_pack_item *it = cli_source_find(&src, want[i].id);

		if (it == NULL ||
			(want[i].version != NULL &&
				strcmp(it->bundle.manifest->version, want[i].version) != 0)) {
			zh_err_set(&err, ZH_ENOENT, "the pack '%s' has no component '%s'%s%s", pack,
				want[i].id, want[i].version != NULL ? " version " : "",
				want[i].version != NULL ? want[i].version : "");
			cli_report_error(cli, &err, "未做任何更改。请使用包含该组件的离线包。",
				"nothing was changed. Use a pack that holds the component.");
			goto out;
		}
		items[i].id = it->bundle.manifest->id;
		items[i].version = it->bundle.manifest->version;
		items[i].files = it->bundle.manifest->nsteps;
	}
	(void)snprintf(verb, sizeof(verb), "install %s%s", want[0].id, nwant > 1 ? " ..." : "");
	if (zh_txn_begin(s.db, verb, &t, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	res.txn = zh_txn_id(t);
	cli_log_txn(res.txn);
	cli_log("INFO", "transaction %lld: %s", (long long)res.txn, verb);
	res.items = items;
	res.nitems = nwant;
	src.serials.t = t;
	for (i = 0; i < nwant && rc == 0; i++) {
		char *dir = NULL;
		const struct zh_pack_item *it = cli_source_find(&src, want[i].id);

		if (cli_source_dir(&src, want[i].id, &dir) != 0) {
			rc = zh_err_set(&err, ZH_ENOMEM, "out of memory");
			break;
		}
		if (!cli->quiet && !cli->json)
			out_printf("[%zu/%zu] %s %s %s\n", i + 1, nwant,
				ZH_T(cli, "安装", "installing"), items[i].id, items[i].version);
		rc = zh_install_bundle(t, s.db, it->bundle.manifest, dir, src.keep, &roots.roots,
			&err);
		zh_free(dir);
	}
	if (rc == 0)
		rc = zh_index_record(src.pack.index, &src.store, &err);
	res.index_serial = src.pack.index->serial;
	res.index_expired = src.pack.expired;
	res.reboot = zh_txn_reboot_pending(t);
	code = cli_txn_finish(cli, t, rc, &err, &res);
	cli_install_report(cli, &res);
out:
	zh_txn_free(t);
	cli_source_close(&src);
	cli_roots_release(&roots);
	cli_session_close(&s);
	for (i = 0; i < nwant; i++)
		zh_free(want[i].id);
	zh_free(want);
	zh_free(ids);
	zh_free(items);
	zh_free(default_pack);
	return code;
}
