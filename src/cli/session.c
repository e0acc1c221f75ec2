/* SPDX-License-Identifier: MIT */
/*
 * What every changing verb does first: take the single-instance lock (1618 if another
 * zhushou runs), open the manifest DB in %ProgramData%\zhushou (ZHUSHOU_DATA overrides it,
 * for tests and portable use) and finish or undo an interrupted transaction before anything
 * else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../core/mem.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/lock.h"
#include "../sys/mem.h"
#include "../core/banned.h"

#define ZH_LOCK_NAME "zhushou-8f2e50e2"

int cli_data_dir(char **ret, struct zh_err *err)
{
	char *base = NULL;
	size_t n;
	int rc;

	if (sys_env_get("ZHUSHOU_DATA", &base, err) == 0) {
		*ret = zh_strdup(base);
		sys_free(base);
		return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
	}
	rc = sys_env_get("ProgramData", &base, err);
	if (rc != 0)
		return zh_err_set(err, ZH_ENOENT,
			"no data directory: %%ProgramData%% is not set (set ZHUSHOU_DATA)");
	n = strlen(base) + 16;
	*ret = zh_malloc(n);
	if (*ret != NULL)
		(void)snprintf(*ret, n, "%s\\zhushou", base);
	sys_free(base);
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
}

static void report_recovery(const struct zh_cli *cli, const struct zh_recovery *r)
{
	if (r->txn == 0)
		return;
	err_printf(r->rolled_back
			? ZH_T(cli, "zhushou：上次运行被中断，已撤销事务 %lld（%zu 步）\n",
				  "zhushou: the last run was interrupted; transaction "
				  "%lld was undone (%zu steps)\n")
			: ZH_T(cli, "zhushou：上次运行被中断，已完成事务 %lld（%zu 步）\n",
				  "zhushou: the last run was interrupted; transaction "
				  "%lld was completed (%zu steps)\n"),
		(long long)r->txn, r->ops);
}

int cli_session_open(const struct zh_cli *cli, unsigned flags, struct zh_session *s)
{
	struct zh_recovery rec;
	struct zh_err err;
	char *path = NULL;
	size_t n;
	int abandoned = 0, rc, code = ZH_EXIT_FAILED;

	memset(s, 0, sizeof(*s));
	zh_err_init(&err);
	rc = sys_lock_acquire(ZH_LOCK_NAME, cli->wait_ms, &s->lock, &abandoned, &err);
	if (rc == ZH_EBUSY) {
		if (flags & ZH_SESSION_OPTIONAL)
			return 0;
		cli_report_error(cli, &err,
			"请等待另一个 zhushou 结束后再试（或使用 --wait 秒数）。",
			"wait for the other zhushou to finish, or use --wait SECONDS.");
		return ZH_EXIT_RUNNING;
	}
	if (rc != 0)
		goto out;
	if ((rc = cli_data_dir(&s->dir, &err)) != 0) {
		if (flags & ZH_SESSION_QUIET) {
			cli_session_close(s);
			return 0;
		}
		goto out;
	}
	n = strlen(s->dir) + 32;
	path = zh_malloc(n);
	if (path == NULL) {
		rc = zh_err_set(&err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	(void)snprintf(path, n, "%s\\%s", s->dir, ZH_DB_FILE);
	if (flags & ZH_SESSION_OPTIONAL) {
		enum sys_fs_kind kind;

		/* A read-only verb on a PC zhushou never changed has nothing to recover. */
		if (sys_fs_stat(path, &kind, NULL, &err) != 0 || kind != SYS_FS_FILE) {
			code = 0;
			goto out;
		}
	} else if ((rc = sys_fs_mkdirs(s->dir, &err)) != 0) {
		goto out;
	}
	if ((rc = zh_db_open(path, ZH_DB_CREATE | ZH_DB_EXCLUSIVE, &s->db, &err)) != 0)
		goto out;
	if ((rc = zh_txn_recover(s->db, &rec, &err)) != 0)
		goto out;
	report_recovery(cli, &rec);
	s->recovered = rec;
	if (!(flags & (ZH_SESSION_OPTIONAL | ZH_SESSION_REBOOT_OK))) {
		int64_t waiting = 0;

		if ((rc = zh_txn_reboot_waiting(s->db, &waiting, &err)) != 0)
			goto out;
		if (waiting != 0) {
			err_printf(ZH_T(cli,
					   "zhushou：事务 %lld "
					   "替换的文件在重启时才能就位；请先重启电脑，"
					   "再运行 zhushou。未做任何更改。\n",
					   "zhushou: transaction %lld replaces a file at the next "
					   "restart; "
					   "restart Windows first, then run zhushou again. Nothing "
					   "was "
					   "changed.\n"),
				(long long)waiting);
			cli_session_close(s);
			zh_free(path);
			return ZH_EXIT_REBOOT_REQUIRED;
		}
	}
	code = 0;
out:
	zh_free(path);
	if (code == ZH_EXIT_FAILED) {
		cli_report_error(cli, &err,
			rc == ZH_EDBCORRUPT ? "清单数据库已损坏：请保留该文件交给客服，将其移走后 "
					      "zhushou 会新建一个。"
					    : "请以管理员身份重试；如仍失败，请把 zhushou "
					      "support-report 发给客服。",
			rc == ZH_EDBCORRUPT
				? "the manifest database is damaged: keep the file for support and "
				  "move "
				  "it aside; zhushou then starts a new one."
				: "try again as administrator; if it fails again, send zhushou "
				  "support-report to support.");
		cli_session_close(s);
	}
	return code;
}

void cli_session_close(struct zh_session *s)
{
	zh_db_close(s->db);
	sys_lock_release(s->lock);
	zh_free(s->dir);
	memset(s, 0, sizeof(*s));
}
