/* SPDX-License-Identifier: MIT */
/*
 * `zhushou repair [--source PACK [--allow-expired] [--force] [--purge]] [--dry-run] [--json]
 * [--clear-ie-cache] [--cancel-file F] [--quiet] [--wait S] [--timeout S]`: 一键修复.
 * --cancel-file F (the window's 取消): when F appears, the run stops before its next step and
 * undoes what it did, exit 1602. Without --source the pack
 * installed next to zhushou.exe is used when there is one (cli_source_default). --force
 * installs the current components again even when they are whole; --purge removes them (and
 * the old ones) first, then installs them clean: what support asks for. --clear-ie-cache also
 * deletes Internet Explorer's cached files (through the journal; IE must be closed). Check,
 * plan, then run the plan as one transaction: all of it happens or none of it (a failed step
 * undoes the steps before it, exit 1603). Then check again: exit 0 when the PC is ready, 1 when
 * problems remain that repair cannot fix here (each named with the reason; with --quiet 0, the
 * problems named in the log), 1618 when another zhushou is running.
 */
#include <string.h>

#include "cli.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../core/plan.h"
#include "../core/policy.h"
#include "../core/iecache.h"
#include "../core/report.h"
#include "../sys/fault.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/inet.h"
#include "../core/banned.h"

struct progress_ctx {
	const struct zh_cli *cli;
	const char *cancel_file; /* --cancel-file: its appearance cancels (the window's 取消) */
};

/* Has the one who started this run asked to cancel it? */
static int cancelled(const struct progress_ctx *c)
{
	enum sys_fs_kind kind = SYS_FS_NONE;

	return c->cancel_file != NULL && sys_fs_stat(c->cancel_file, &kind, NULL, NULL) == 0 &&
		kind != SYS_FS_NONE;
}

static int on_step(const struct zh_step *step, size_t index, size_t total, void *vctx)
{
	const struct progress_ctx *c = vctx;

	if (cancelled(c)) {
		cli_log("INFO", "cancelled before step %zu/%zu", index + 1, total);
		return 1;
	}

	cli_log("INFO", "step %zu/%zu (%s): %s", index + 1, total, step->check_id,
		zh_text_get(&step->what, "en"));
	if (c->cli->quiet || c->cli->json)
		return 0;
	out_printf("[%zu/%zu] %s\n", index + 1, total, zh_text_get(&step->what, c->cli->lang));
	return 0;
}

static void print_plan(const struct zh_cli *cli, const struct zh_plan *plan)
{
	size_t i;

	if (plan->nsteps == 0)
		out_printf("%s\n", ZH_T(cli, "无需修改。", "Nothing to change."));
	for (i = 0; i < plan->nsteps; i++)
		out_printf("  %s %s\n", ZH_T(cli, "将会：", "will:"),
			zh_text_get(&plan->steps[i].what, cli->lang));
	for (i = 0; i < plan->nleft; i++)
		out_printf("  %s %s\n", ZH_T(cli, "无法修复：", "cannot fix:"),
			zh_text_get(&plan->left[i].why, cli->lang));
}

/* Components come from the verified, staged source pack. */
struct install_ctx {
	struct cli_source *src;
	struct zh_db *db;
	const struct zh_install_roots *roots;
};

static int install_hook(void *vctx, struct zh_txn *t, const struct zh_component_def *c,
	struct zh_err *err)
{
	struct install_ctx *ic = vctx;
	const struct zh_pack_item *it = cli_source_find(ic->src, c->id);
	char *dir = NULL;
	int rc;

	if (it == NULL)
		return zh_err_set(err, ZH_ENOENT, "the offline pack has no component '%s'", c->id);
	if (strcmp(it->bundle.manifest->version, c->version) != 0)
		return zh_err_set(err, ZH_EMISMATCH,
			"the offline pack has '%s' %s, the catalog wants %s", c->id,
			it->bundle.manifest->version, c->version);
	if (cli_source_dir(ic->src, c->id, &dir) != 0)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	rc = zh_install_bundle(t, ic->db, it->bundle.manifest, dir, ic->src->keep, ic->roots, err);
	zh_free(dir);
	return rc;
}

static int remove_hook(void *vctx, struct zh_txn *t, const struct zh_component_def *c,
	struct zh_err *err)
{
	struct install_ctx *ic = vctx;

	return zh_install_remove(t, ic->db, c->id, ic->roots, err);
}

static int run_check(const struct zh_cli *cli, const struct zh_catalog *cat, struct zh_db *db,
	struct zh_check_report *rep)
{
	struct zh_err err;

	zh_err_init(&err);
	if (zh_check_run_db(cat, db, rep, &err) != 0) {
		cli_report_error(cli, &err,
			"请重试；如仍失败，请把 zhushou support-report 发给客服。",
			"try again; if it fails again, send zhushou support-report to support.");
		return -1;
	}
	cli_log_check(rep);
	return 0;
}

/* 0 (after saying why) when Group Policy's UserRepair = 0 keeps repairs to IT's quiet runs. */
static int users_may_repair(const struct zh_cli *cli)
{
	struct zh_policy p;
	struct zh_err err;
	int ok;

	zh_err_init(&err);
	if (zh_policy_read(&p, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		return 0;
	}
	ok = p.user_repair;
	zh_policy_release(&p);
	if (!ok)
		err_printf("zhushou: %s\n  %s\n",
			ZH_T(cli,
				"贵司 IT 已通过组策略统一管理修复（" ZH_POLICY_USER_REPAIR
				" = 0）；未做任何更改。",
				"your IT department manages repairs on this PC by Group Policy "
				"(" ZH_POLICY_USER_REPAIR " = 0); nothing was changed."),
			ZH_T(cli, "请联系 IT；IT 可运行 zhushou repair --quiet。",
				"ask IT; they run zhushou repair --quiet."));
	return ok;
}

int verb_repair(struct zh_cli *cli)
{
	struct zh_session s;
	struct zh_catalog *cat = NULL;
	struct zh_check_report before, after;
	struct zh_plan plan;
	struct zh_txn *t = NULL;
	struct progress_ctx pc = {cli, NULL};
	struct zh_repair_result res;
	struct zh_err err;
	struct cli_source src;
	struct cli_roots roots;
	struct install_ctx ictx;
	struct zh_plan_hooks hooks = {install_hook, remove_hook, &ictx};
	const char *source = NULL;
	char *default_pack = NULL;
	unsigned flags = 0, pflags = 0;
	int clear_cache = 0;
	char *json = NULL;
	const char **want = NULL;
	size_t nwant = 0;
	int code, rc, a, admin = 0;

	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	memset(&plan, 0, sizeof(plan));
	memset(&res, 0, sizeof(res));
	memset(&src, 0, sizeof(src));
	memset(&roots, 0, sizeof(roots));
	zh_err_init(&err);
	for (a = 0; a < cli->argc; a++) {
		if (strcmp(cli->argv[a], "--source") == 0 && a + 1 < cli->argc) {
			source = cli->argv[++a];
		} else if (strcmp(cli->argv[a], "--allow-expired") == 0) {
			flags |= ZH_INDEX_ALLOW_EXPIRED;
		} else if (strcmp(cli->argv[a], "--force") == 0) {
			pflags |= ZH_PLAN_FORCE;
		} else if (strcmp(cli->argv[a], "--purge") == 0) {
			pflags |= ZH_PLAN_PURGE;
		} else if (strcmp(cli->argv[a], "--clear-ie-cache") == 0) {
			clear_cache = 1;
		} else if (strcmp(cli->argv[a], "--cancel-file") == 0 && a + 1 < cli->argc) {
			pc.cancel_file = cli->argv[++a];
		} else {
			err_printf("zhushou repair: %s '%s'\n",
				ZH_T(cli, "多余的参数", "unexpected argument"), cli->argv[a]);
			return ZH_EXIT_USAGE;
		}
	}
	/* Without --source, the pack installed next to zhushou.exe (the MSI's), when there is one.
	 */
	if (source == NULL) {
		if (cli_source_default(&default_pack, &err) != 0) {
			cli_report_error(cli, &err, "请用 --source 指定离线包。",
				"give the offline pack with --source PACK.");
			return ZH_EXIT_FAILED;
		}
		source = default_pack;
	}
	/* Group Policy may keep repairs to IT's silent runs. */
	if (!cli->quiet && !cli->dry_run && !users_may_repair(cli)) {
		zh_free(default_pack);
		return ZH_EXIT_FAILED;
	}
	if (pflags != 0 && source == NULL) {
		err_printf("zhushou repair: %s\n",
			ZH_T(cli, "--force 和 --purge 需要离线包：--source 离线包",
				"--force and --purge need the offline pack: --source PACK"));
		zh_free(default_pack);
		return ZH_EXIT_USAGE;
	}
	if (cli_load_catalog(cli, &cat) != 0) {
		zh_free(default_pack);
		return ZH_EXIT_FAILED;
	}
	if (sys_env_is_admin(&admin, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		zh_catalog_free(cat);
		zh_free(default_pack);
		return ZH_EXIT_FAILED;
	}
	/*
	 * A dry run changes nothing: it still recovers an interrupted run when it can. Without
	 * administrator rights nothing can be changed either: plan, then explain.
	 */
	if ((code = cli_session_open(cli, cli->dry_run || !admin ? ZH_SESSION_OPTIONAL : 0, &s)) !=
		0) {
		zh_catalog_free(cat);
		zh_free(default_pack);
		return code;
	}
	code = ZH_EXIT_FAILED;
	/* Cancelled while it waited for another zhushou: nothing was done. */
	if (cancelled(&pc)) {
		err_printf("zhushou: %s\n",
			ZH_T(cli, "修复已取消，未做任何更改。",
				"the repair was cancelled; nothing was changed."));
		code = ZH_EXIT_CANCELLED;
		goto out;
	}
	if (run_check(cli, cat, s.db, &before) != 0)
		goto out;
	/* A check that could not read the PC: act on nothing rather than on a guess. */
	for (size_t i = 0; i < before.nresults; i++) {
		const struct zh_check_result *r = &before.results[i];

		if (r->status != ZH_ST_ERROR)
			continue;
		err_printf("zhushou: %s '%s': %s\n", ZH_T(cli, "无法检测", "cannot check"),
			zh_text_get(&r->def->title, cli->lang), r->err.msg);
		err_printf("  %s\n",
			ZH_T(cli, "未做任何更改；请以管理员身份重试。",
				"nothing was changed; try again as administrator."));
		res.failed = 1;
		res.plan = &plan;
		goto report;
	}
	if ((rc = zh_plan_make(&before, pflags, &plan, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	res.plan = &plan;
	if (clear_cache) {
		char *dir = NULL;

		rc = zh_iecache_dir(&dir, &err);
		if (rc == 0)
			rc = zh_plan_add_clear_cache(&plan, dir, &err);
		zh_free(dir);
		if (rc != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
	}
	/* Components come from a verified pack; without one, they are what repair cannot fix. */
	if (zh_plan_installs(&plan) && source == NULL &&
		zh_plan_drop_installs(&plan, "没有离线包：请用 --source 指定离线包",
			"no offline pack: give one with --source PACK (or install zhushou with its "
			"MSI, which puts one next to zhushou.exe)",
			&err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	if (cli->dry_run) {
		if (!cli->json)
			print_plan(cli, &plan);
		code = ZH_EXIT_OK;
		goto report;
	}
	/* Every step needs administrator rights (the journal itself is in %ProgramData%). */
	if (!admin && plan.nsteps > 0) {
		err_printf("zhushou: %s\n",
			ZH_T(cli, "需要管理员权限才能修复；未做任何更改。",
				"repair needs administrator rights; nothing was changed."));
		err_printf("  %s\n",
			ZH_T(cli, "请以管理员身份运行，或请 IT 推送 zhushou repair --quiet。",
				"run it as administrator, or have IT push zhushou repair "
				"--quiet."));
		err_printf("  %s\n", ZH_T(cli, "需要做的修改：", "What it would change:"));
		for (size_t i = 0; i < plan.nsteps; i++)
			err_printf("    %s\n", zh_text_get(&plan.steps[i].what, cli->lang));
		res.failed = 1;
		goto report;
	}
	if (zh_plan_installs(&plan) && !cli->dry_run) {
		if (cli_roots_get(&roots, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		/* A mirror sends only what the plan installs. */
		want = zh_calloc(plan.nsteps + 1, sizeof(*want));
		if (want == NULL)
			goto out;
		for (size_t i = 0; i < plan.nsteps; i++)
			if (plan.steps[i].kind == ZH_STEP_INSTALL)
				want[nwant++] = plan.steps[i].component->id;
		code = cli_source_open(cli, &s, source, flags, want, nwant, &src);
		res.source = src.report;
		if (code != 0) {
			res.failed = 1;
			goto report;
		}
		code = ZH_EXIT_FAILED;
		ictx.src = &src;
		ictx.db = s.db;
		ictx.roots = &roots.roots;
	}
	if (cli->timeout_ms > 0) {
		size_t i;

		for (i = 0; i < plan.nsteps; i++)
			plan.steps[i].uninstall.timeout_ms = cli->timeout_ms;
	}
	if (plan.nsteps > 0) {
		if ((rc = zh_txn_begin(s.db, "repair", &t, &err)) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		res.txn = zh_txn_id(t);
		cli_log_txn(res.txn);
		cli_log("INFO", "transaction %lld: %zu steps", (long long)res.txn, plan.nsteps);
		src.serials.t = t;
		rc = zh_plan_run(&plan, &hooks, t, on_step, &pc, &res.reboot, &err);
		/* What it set is zhushou's from now on: recorded in the same transaction. */
		if (rc == 0)
			rc = zh_plan_record(&plan, t, s.db, cat->profile_id, cat->catalog_version,
				&err);
		/* The pack that was used is the newest accepted, in the same transaction. */
		if (rc == 0 && src.pack.index != NULL)
			rc = zh_index_record(src.pack.index, &src.store, &err);
		res.reboot |= zh_txn_reboot_pending(t);
		if (rc == 0)
			rc = zh_txn_commit(t, res.reboot ? ZH_EXIT_REBOOT_REQUIRED : 0, &err);
		if (rc != 0) {
			struct zh_err aerr;

			zh_err_init(&aerr);
			if (err.code == ZH_ECANCELLED)
				err_printf("zhushou: %s\n",
					ZH_T(cli,
						"修复已取消，所有更改已撤销，电脑与修复前完全相同"
						"。",
						"the repair was cancelled and every change was "
						"undone: "
						"the PC is exactly as before."));
			else if (err.code == ZH_EBUSY)
				cli_report_error(cli, &err,
					"修复未完成，所有更改已撤销，电脑与修复前完全相同。请关闭占"
					"用该"
					"文件的程序（如 IE 浏览器）后重试。",
					"repair did not finish and every change was undone: the PC "
					"is "
					"exactly as before. Close the program using the file (such "
					"as "
					"Internet Explorer) and try again.");
			else
				cli_report_error(cli, &err,
					"修复未完成，所有更改已撤销，电脑与修复前完全相同。请以管理"
					"员身"
					"份重试。",
					"repair did not finish and every change was undone: the PC "
					"is "
					"exactly as before. Try again as administrator.");
			if (zh_txn_abort(t,
				    err.code == ZH_ECANCELLED ? ZH_EXIT_CANCELLED : ZH_EXIT_FAILED,
				    &aerr) != 0)
				cli_report_error(cli, &aerr,
					"撤销未完成，下次运行 zhushou 时会自动继续撤销。",
					"the undo did not finish; the next zhushou run completes "
					"it.");
			else
				cli_log("INFO", "rolled back: the PC is as before");
			if (err.code == ZH_ECANCELLED)
				code = ZH_EXIT_CANCELLED;
			else
				res.failed = 1;
			goto report;
		}
		cli_log("INFO", "committed%s",
			res.reboot ? "; a restart is needed to finish (3010)" : "");
		/* Running browsers pick up the new proxy and zone settings. */
		(void)sys_inet_settings_changed(NULL);
	}
	if (run_check(cli, cat, s.db, &after) != 0)
		goto out;
	res.remaining = zh_check_problems(&after);
	for (size_t i = 0; i < plan.nleft; i++)
		cli_log("WARN", "cannot fix %s: %s", plan.left[i].check_id,
			zh_text_get(&plan.left[i].why, "en"));
	/*
	 * Silent mode speaks to deployment tools, whose codes are 0, 1603, 1618, 3010 and 1641:
	 * what repair could do is done (0, or 3010 for a restart), and what it cannot do is IT's,
	 * named in the log and still failing `check`, the detection rule. Interactively, 1 says
	 * problems remain.
	 */
	if (cli->quiet)
		code = res.reboot ? ZH_EXIT_REBOOT_REQUIRED : ZH_EXIT_OK;
	else
		code = res.remaining ? ZH_EXIT_PROBLEMS
			: res.reboot ? ZH_EXIT_REBOOT_REQUIRED
				     : ZH_EXIT_OK;
	if (res.remaining)
		cli_log("WARN",
			"problems remain that repair cannot fix here (see the cannot-fix lines); "
			"check still reports them");
	if (!cli->quiet && !cli->json) {
		size_t i;

		for (i = 0; i < plan.nleft; i++)
			out_printf("%s %s\n", ZH_T(cli, "无法修复：", "cannot fix:"),
				zh_text_get(&plan.left[i].why, cli->lang));
		out_printf("%s\n",
			res.remaining ? ZH_T(cli, "修复完成，但仍有问题未解决（见上）。",
						"Repair done, but problems remain (above).")
				      : ZH_T(cli, "修复完成，系统环境正常。",
						"Repair done: the PC is ready."));
	}
report:
	if (res.failed)
		code = ZH_EXIT_FAILED;
	res.exit_code = code;
	if (cli->json) {
		res.fault_points = zh_fault_count();
		res.change_points = zh_fault_changes();
		if (zh_report_repair_json(&res, cli->lang, &json, &err) == 0) {
			out_write(json);
			out_write("\n");
		}
	}
out:
	zh_free(json);
	zh_free(want);
	zh_txn_free(t);
	cli_source_close(&src);
	cli_roots_release(&roots);
	zh_plan_release(&plan);
	zh_check_report_release(&before);
	zh_check_report_release(&after);
	zh_catalog_free(cat);
	cli_session_close(&s);
	zh_free(default_pack);
	return code;
}
