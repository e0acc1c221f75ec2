/* SPDX-License-Identifier: MIT */
/*
 * The run's logs (cli.h): every run appends to the daily log <data dir>\logs\
 * zhushou-YYYY-MM-DD.log (kept ZH_LOG_KEEP_DAYS days), and with --log FILE also to a verbose
 * log. Each line: "<UTC time> [pid] txn=<id or -> <LEVEL> <verb>: <text>".
 *
 * Where the daily log goes: into the data folder when it is there and writable (a changing
 * run with administrator rights creates it, as it will anyway), otherwise into
 * %LOCALAPPDATA%\zhushou\logs: a check on a PC zhushou never changed, or a run without the
 * rights to write the machine's folder, never creates it. A log that cannot be opened never fails
 * the run: the daily log is then skipped, and a --log FILE that cannot be opened is named on stderr
 * once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../core/utc.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/logfile.h"
#include "../sys/mem.h"
#include "../core/banned.h"

#define ZH_LOG_KEEP_DAYS 30
#define ZH_LOG_PREFIX "zhushou-"

static struct {
	struct sys_logfile *daily, *verbose;
	char verb[32];
	int64_t txn;
	unsigned long pid;
} g_log;

/* "<dir>\logs\zhushou-<date>.log" for the day of now, and the prune limit for that day. */
static char *daily_path(const char *dir, int64_t now, char *limit, size_t nlimit)
{
	char day[ZH_UTC_LEN], old[ZH_UTC_LEN];
	size_t n = strlen(dir) + 48;
	char *p = zh_malloc(n);

	/* The separator the folder's path uses (posix test runs give a '/' path). */
	char sep = strchr(dir, '\\') == NULL && strchr(dir, '/') != NULL ? '/' : '\\';

	zh_utc_format(now, day);
	zh_utc_format(now - (int64_t)ZH_LOG_KEEP_DAYS * 86400, old);
	day[10] = old[10] = '\0';
	(void)snprintf(limit, nlimit, ZH_LOG_PREFIX "%s", old);
	if (p != NULL)
		(void)snprintf(p, n, "%s%clogs%c" ZH_LOG_PREFIX "%s.log", dir, sep, sep, day);
	return p;
}

/* Open the daily log in dir (creating folders when create), pruning old ones. 0 or an error. */
static int open_daily(const char *dir, int create, int64_t now)
{
	char limit[64], *path = daily_path(dir, now, limit, sizeof(limit)), *logs;
	int rc;

	if (path == NULL)
		return ZH_ENOMEM;
	rc = sys_logfile_open(path, create, &g_log.daily, NULL);
	if (rc == 0 && (logs = zh_strdup(path)) != NULL) {
		*(strrchr(logs, '\\') != NULL ? strrchr(logs, '\\') : strrchr(logs, '/')) = '\0';
		(void)sys_logfile_prune(logs, ZH_LOG_PREFIX, limit);
		zh_free(logs);
	}
	zh_free(path);
	return rc;
}

/* Does the verb change the PC (and so may create the data folder)? */
static int changing(const struct zh_cli *cli, const char *verb)
{
	static const char *const verbs[] = {"repair", "install", "remove", "rollback"};
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i]) == 0)
			return !cli->dry_run;
	return 0;
}

static void daily_open(const struct zh_cli *cli, const char *verb)
{
	int64_t now = cli_now();
	char *dir = NULL, *local = NULL;
	enum sys_fs_kind kind;
	int admin = 0, there;

	(void)sys_env_is_admin(&admin, NULL);
	if (cli_data_dir(&dir, NULL) == 0) {
		/* A changing run as administrator makes the data folder; others log into it only
		 * when it is there (and writable), so a first check leaves no machine folder. */
		there = sys_fs_stat(dir, &kind, NULL, NULL) == 0 && kind == SYS_FS_DIR;
		if ((there || (admin && changing(cli, verb))) && open_daily(dir, 1, now) == 0)
			goto out;
	}
	if (sys_env_get("LOCALAPPDATA", &local, NULL) != 0)
		goto out;
	zh_free(dir);
	if ((dir = zh_malloc(strlen(local) + 16)) != NULL) {
		(void)snprintf(dir, strlen(local) + 16, "%s\\zhushou", local);
		(void)open_daily(dir, 1, now);
	}
out:
	sys_free(local);
	zh_free(dir);
}

void cli_log_open(const struct zh_cli *cli, const char *verb, int argc, char **argv)
{
	struct zh_err err;
	char line[1024];
	size_t n = 0;
	int i;

	memset(&g_log, 0, sizeof(g_log));
	g_log.pid = sys_logfile_pid();
	(void)snprintf(g_log.verb, sizeof(g_log.verb), "%s", verb);
	daily_open(cli, verb);
	zh_err_init(&err);
	if (cli->log_path != NULL && sys_logfile_open(cli->log_path, 0, &g_log.verbose, &err) != 0)
		cli_report_error(cli, &err,
			"日志写不了，但本次运行照常进行；请换一个可写的 --log 路径。",
			"the log cannot be written; the run goes on. Give --log a writable path.");
	for (i = 0; i < argc && n < sizeof(line) - 1; i++) {
		int w = snprintf(line + n, sizeof(line) - n, " %s", argv[i]);

		if (w < 0)
			break;
		n += (size_t)w < sizeof(line) - n ? (size_t)w : sizeof(line) - n - 1;
	}
	line[n] = '\0';
	cli_log("INFO", "start: zhushou %s%s (%s)", verb, line, zh_version);
}

void cli_log_txn(int64_t txn)
{
	g_log.txn = txn;
}

static void vlog(int verbose_only, const char *level, const char *fmt, va_list ap)
{
	char stamp[ZH_UTC_LEN], txn[24], line[4096];
	int n, m;

	if (g_log.daily == NULL && g_log.verbose == NULL)
		return;
	zh_utc_format(cli_now(), stamp);
	if (g_log.txn > 0)
		(void)snprintf(txn, sizeof(txn), "%lld", (long long)g_log.txn);
	else
		(void)snprintf(txn, sizeof(txn), "-");
	n = snprintf(line, sizeof(line), "%s [%lu] txn=%s %s %s: ", stamp, g_log.pid, txn, level,
		g_log.verb);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n = (size_t)(n + m) < sizeof(line) - 1 ? n + m : (int)sizeof(line) - 2;
	/* One line each, whatever the text held. */
	for (m = 0; m < n; m++)
		if (line[m] == '\n' || line[m] == '\r' || line[m] == '\t')
			line[m] = ' ';
	while (n > 0 && line[n - 1] == ' ')
		n--;
	line[n++] = '\n';
	if (!verbose_only && g_log.daily != NULL)
		(void)sys_logfile_write(g_log.daily, line, (size_t)n);
	if (g_log.verbose != NULL)
		(void)sys_logfile_write(g_log.verbose, line, (size_t)n);
}

void cli_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(0, level, fmt, ap);
	va_end(ap);
}

void cli_log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(1, "DEBUG", fmt, ap);
	va_end(ap);
}

void cli_log_check(const struct zh_check_report *rep)
{
	size_t i, problems = 0;

	for (i = 0; i < rep->nresults; i++) {
		const struct zh_check_result *r = &rep->results[i];

		problems += r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR;
		cli_log_debug("check %s: %s: %s", r->def->id, zh_status_name(r->status),
			r->detail.en != NULL ? r->detail.en : "");
		if (r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR)
			cli_log("INFO", "check %s: %s", r->def->id, zh_status_name(r->status));
	}
	cli_log("INFO", "checked: %zu of %zu items need attention", problems, rep->nresults);
}

void cli_log_close(int exit_code)
{
	cli_log("INFO", "exit %d", exit_code);
	sys_logfile_close(g_log.daily);
	sys_logfile_close(g_log.verbose);
	memset(&g_log, 0, sizeof(g_log));
}
