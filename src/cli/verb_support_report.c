/* SPDX-License-Identifier: MIT */
/*
 * `zhushou support-report -o FILE.zip`: what portal support needs from a PC they cannot
 * touch, in one zip (core/support.h): the check (JSON, and the text in Chinese and English),
 * the history, the newest logs, Add/Remove Programs of the three views, the environment, the
 * Internet settings, the versions and a consistent copy of the manifest DB, with the user's
 * name replaced by %USERNAME%. Read-only: like `list` it takes the session only when no other
 * zhushou runs, and changes nothing but the zip. An existing FILE.zip (an earlier report) is
 * replaced; what cannot be collected is named in the report's index, and the report is
 * written anyway. Exit 0 written, 1603 not written (nothing left behind), 2 usage.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"
#include "../core/check.h"
#include "../core/envprobe.h"
#include "../core/inet.h"
#include "../core/mem.h"
#include "../core/redact.h"
#include "../core/report.h"
#include "../core/support.h"
#include "../core/text.h"
#include "../core/utc.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../core/banned.h"

#define ZH_SUPPORT_LOGS 7 /* the newest logs of each folder */
#define ZH_SUPPORT_LOG_MAX (4 * 1024 * 1024) /* the end of a larger log */
#define ZH_SUPPORT_MAX_LOG_NAMES 4096

static const struct zh_support_title t_check_json = {"检测结果（JSON，同 check --json）",
	"check results (JSON, as check --json)"};
static const struct zh_support_title t_check_zh = {"检测结果（中文）", "check results in Chinese"};
static const struct zh_support_title t_check_en = {"检测结果（英文）", "check results in English"};
static const struct zh_support_title t_history = {"修改记录（同 history --json）",
	"history (as history --json)"};
static const struct zh_support_title t_logs = {"日志", "logs"};
static const struct zh_support_title t_programs = {"添加/删除程序（64 位、32 位、当前用户）",
	"Add/Remove Programs (64-bit, 32-bit, current user)"};
static const struct zh_support_title t_env = {"Windows、IE、Chrome、Edge 版本及 USB 策略",
	"Windows, IE, Chrome and Edge versions, USB policy"};
static const struct zh_support_title t_inet = {"代理、受信任站点（区域映射）与 TLS 设置",
	"proxy, trusted sites (zone map) and TLS settings"};
static const struct zh_support_title t_version = {"zhushou 及所用库的版本（同 version --json）",
	"zhushou and library versions (as version --json)"};
static const struct zh_support_title t_db = {"清单数据库副本（一致性备份）",
	"copy of the manifest database (consistent backup)"};

/* ---- The check as text: what `zhushou check` prints, in lang, with CRLF for Notepad ------ */

static int check_text(const struct zh_check_report *rep, const char *lang, struct zh_buf *b,
	struct zh_err *err)
{
	int rc = zh_buf_printf(b, err, "\xEF\xBB\xBF");

	return rc != 0 ? rc : cli_check_text(rep, lang, "\r\n", b, err);
}

/* ---- Collecting ---------------------------------------------------------------------------- */

struct collect {
	const struct zh_cli *cli;
	struct zh_support *rep;
	struct zh_err err; /* the first hard failure (out of memory) */
};

/* Add an item; only a hard failure (memory, limits) is kept in c->err. */
static int add(struct collect *c, const char *name, struct zh_support_title t,
	enum zh_support_kind kind, const void *data, size_t len)
{
	return zh_support_add(c->rep, name, t, kind, data, len, &c->err);
}

static int missing(struct collect *c, const char *name, struct zh_support_title t, const char *fmt,
	...) ZH_FORMAT(4, 5);

static int missing(struct collect *c, const char *name, struct zh_support_title t, const char *fmt,
	...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return zh_support_missing(c->rep, name, t, why, &c->err);
}

static int collect_check(struct collect *c, const struct zh_catalog *cat, struct zh_db *db,
	struct zh_check_report *rep, int *ret_have)
{
	struct zh_buf text;
	struct zh_check_opts mirror_opts = {1, NULL, NULL, 0, 0};
	struct zh_err err;
	char *json = NULL;
	int rc;

	*ret_have = 0;
	zh_err_init(&err);
	if (cat == NULL)
		return missing(c, "check.json", t_check_json, "%s",
			       "目录数据无法载入（错误见上）/ the catalog could not be loaded "
			       "(the error is shown above)") ||
			missing(c, "检测结果.txt", t_check_zh, "%s", "同上 / as above") ||
			missing(c, "check-results.txt", t_check_en, "%s", "as above");
	/* Support wants to know whether Group Policy's mirror, if any, answers. */
	if (zh_check_run_opts(cat, db, &mirror_opts, rep, &err) != 0)
		return missing(c, "check.json", t_check_json, "检测未能运行 / the check failed: %s",
			       err.msg) ||
			missing(c, "检测结果.txt", t_check_zh, "%s", "同上 / as above") ||
			missing(c, "check-results.txt", t_check_en, "%s", "as above");
	*ret_have = 1;
	if (zh_report_check_json(rep, c->cli->lang, zh_version, &json, &err) != 0)
		rc = missing(c, "check.json", t_check_json, "%s", err.msg);
	else
		rc = add(c, "check.json", t_check_json, ZH_SUPPORT_JSON, json, strlen(json));
	zh_free(json);
	zh_buf_init(&text, ZH_SUPPORT_MAX_ITEM);
	zh_err_init(&err);
	if (rc == 0)
		rc = check_text(rep, "zh", &text, &err) != 0
			? missing(c, "检测结果.txt", t_check_zh, "%s", err.msg)
			: add(c, "检测结果.txt", t_check_zh, ZH_SUPPORT_TEXT, text.data, text.len);
	zh_buf_release(&text);
	zh_err_init(&err);
	if (rc == 0)
		rc = check_text(rep, "en", &text, &err) != 0
			? missing(c, "check-results.txt", t_check_en, "%s", err.msg)
			: add(c, "check-results.txt", t_check_en, ZH_SUPPORT_TEXT, text.data,
				  text.len);
	zh_buf_release(&text);
	return rc;
}

/* Why there is no DB to read, for the index; NULL when there is one. */
static const char *no_db_why(const struct zh_session *s, int session_code)
{
	if (session_code != 0)
		return "清单数据库无法打开（错误见上）/ the manifest database could not be opened "
		       "(the error is shown above)";
	if (s->lock == NULL)
		return "另一个 zhushou 正在运行，请在它结束后重新生成报告 / another zhushou is "
		       "running: make the report again when it has finished";
	if (s->db == NULL)
		return "zhushou 尚未修改过本机，没有清单数据库 / zhushou has not changed this PC "
		       "yet: there is no manifest database";
	return NULL;
}

static int collect_history(struct collect *c, struct zh_db *db, const char *why)
{
	struct cli_history rows = {NULL, 0};
	struct zh_err err;
	char *json = NULL;
	int rc;

	if (db == NULL)
		return missing(c, "history.json", t_history, "%s", why);
	zh_err_init(&err);
	if (cli_history_read(db, &rows, &err) != 0) {
		rc = missing(c, "history.json", t_history, "%s", err.msg);
	} else if (zh_report_history_json(rows.v, rows.n, &json, &err) != 0) {
		rc = missing(c, "history.json", t_history, "%s", err.msg);
	} else {
		rc = add(c, "history.json", t_history, ZH_SUPPORT_JSON, json, strlen(json));
	}
	cli_history_free(&rows);
	zh_free(json);
	return rc;
}

/* The redaction as the DB copy's text filter. */
static int db_filter(void *ctx, const char *text, size_t len, char **ret, size_t *ret_len,
	struct zh_err *err)
{
	return zh_redact_text(ctx, text, len, 0, ret, ret_len, NULL, err);
}

static int collect_db(struct collect *c, struct zh_db *db, const char *why,
	const struct zh_redact *red)
{
	struct zh_err err;
	void *data = NULL;
	size_t len = 0;
	int rc;

	if (db == NULL)
		return missing(c, "zhushou.db", t_db, "%s", why);
	zh_err_init(&err);
	if (zh_db_copy(db, ZH_SUPPORT_MAX_ITEM, db_filter, (void *)red, &data, &len, &err) != 0)
		return missing(c, "zhushou.db", t_db, "%s", err.msg);
	rc = add(c, "zhushou.db", t_db, ZH_SUPPORT_BINARY, data, len);
	zh_free(data);
	return rc;
}

static int by_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

static int is_log(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && zh_ascii_ieq(name + n - 4, ".log");
}

/*
 * The newest ZH_SUPPORT_LOGS *.log files of dir as <folder>/<name>. Daily logs are named by
 * their date (zhushou-YYYY-MM-DD.log), so the newest sort last by name. *ret_found is how
 * many there were.
 */
static int collect_logs(struct collect *c, const char *dir, const char *folder, size_t *ret_found)
{
	struct sys_dir *d = NULL;
	struct zh_err err;
	char **names = NULL, entry[600], *path = NULL;
	size_t n = 0, i;
	int rc = 0;

	*ret_found = 0;
	zh_err_init(&err);
	if (sys_dir_open(dir, &d, &err) != 0)
		return 0;
	for (;;) {
		enum sys_fs_kind kind;
		const char *name = NULL;
		char **v;

		zh_err_init(&err);
		if (sys_dir_next(d, &name, &kind, &err) != 0 || name == NULL)
			break;
		if (kind != SYS_FS_FILE || !is_log(name) || n >= ZH_SUPPORT_MAX_LOG_NAMES)
			continue;
		if ((v = zh_realloc(names, (n + 1) * sizeof(*v))) == NULL ||
			(v[n] = zh_strdup(name)) == NULL) {
			if (v != NULL)
				names = v;
			rc = zh_err_set(&c->err, ZH_ENOMEM, "out of memory");
			goto out;
		}
		names = v;
		n++;
	}
	*ret_found = n;
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name_desc);
	for (i = 0; i < n && i < ZH_SUPPORT_LOGS && rc == 0; i++) {
		size_t m = strlen(dir) + strlen(names[i]) + 2;

		zh_free(path);
		if ((path = zh_malloc(m)) == NULL) {
			rc = zh_err_set(&c->err, ZH_ENOMEM, "out of memory");
			break;
		}
		(void)snprintf(path, m, "%s\\%s", dir, names[i]);
		(void)snprintf(entry, sizeof(entry), "%s/%s", folder, names[i]);
		zh_err_init(&err);
		if (zh_support_add_file_tail(c->rep, entry, t_logs, path, ZH_SUPPORT_LOG_MAX,
			    &err) != 0)
			rc = err.code == ZH_ENOMEM || err.code == ZH_ETOOBIG
				? zh_err_set(&c->err, err.code, "%s", err.msg)
				: missing(c, entry, t_logs, "%s", err.msg);
	}
	if (rc == 0 && n > ZH_SUPPORT_LOGS)
		rc = zh_support_note(c->rep, "较早的日志未放入报告。", "older logs are left out.",
			&c->err);
out:
	zh_free(path);
	for (i = 0; i < n; i++)
		zh_free(names[i]);
	zh_free(names);
	sys_dir_close(d);
	return rc;
}

static int collect_all_logs(struct collect *c)
{
	char *dir = NULL, *logs = NULL, *local = NULL, *user = NULL;
	size_t found = 0, ufound = 0, n;
	int rc = 0;

	if (cli_data_dir(&dir, NULL) != 0)
		dir = NULL;
	if (dir != NULL && (logs = zh_malloc(strlen(dir) + 8)) != NULL)
		(void)snprintf(logs, strlen(dir) + 8, "%s\\logs", dir);
	if (logs != NULL)
		rc = collect_logs(c, logs, "logs", &found);
	/* Without the rights to write the data directory a run logs in the user's profile. */
	if (rc == 0 && sys_env_get("LOCALAPPDATA", &local, NULL) == 0) {
		n = strlen(local) + 24;
		if ((user = zh_malloc(n)) != NULL) {
			(void)snprintf(user, n, "%s\\zhushou\\logs", local);
			rc = collect_logs(c, user, "logs-user", &ufound);
		}
	}
	if (rc == 0 && found + ufound == 0)
		rc = missing(c, "logs/", t_logs,
			"没有日志文件（*.log）/ there are no log files (*.log) in '%s'%s%s%s",
			logs != NULL ? logs : "?", user != NULL ? " or '" : "",
			user != NULL ? user : "", user != NULL ? "'" : "");
	zh_free(dir);
	zh_free(logs);
	zh_free(user);
	sys_free(local);
	return rc;
}

static int collect_system(struct collect *c, const struct zh_catalog *cat,
	const struct zh_check_report *rep, int have_rep)
{
	struct zh_inet_state inet;
	struct zh_env_state env;
	struct zh_err err;
	char *json = NULL;
	int rc, have_inet = 0;

	zh_err_init(&err);
	if (zh_support_programs_json(&json, &err) != 0)
		rc = missing(c, "programs.json", t_programs, "%s", err.msg);
	else
		rc = add(c, "programs.json", t_programs, ZH_SUPPORT_JSON, json, strlen(json));
	zh_free(json);
	json = NULL;

	memset(&env, 0, sizeof(env));
	zh_err_init(&err);
	if (rc == 0 &&
		(zh_env_probe(&env, &err) != 0 || zh_support_env_json(&env, &json, &err) != 0))
		rc = missing(c, "environment.json", t_env, "%s", err.msg);
	else if (rc == 0)
		rc = add(c, "environment.json", t_env, ZH_SUPPORT_JSON, json, strlen(json));
	zh_env_release(&env);
	zh_free(json);
	json = NULL;

	/* The check read the Internet settings already; read them again only without it. */
	memset(&inet, 0, sizeof(inet));
	zh_err_init(&err);
	if (have_rep && rep->have_inet == 1) {
		rc = rc != 0 ? rc : zh_support_inet_json(&rep->inet, cat, NULL, &json, &c->err);
	} else if (rc == 0) {
		if (cat != NULL && zh_inet_probe(cat, &inet, &err) == 0)
			have_inet = 1;
		else if (cat == NULL)
			zh_err_set(&err, ZH_ECATALOG, "the catalog could not be loaded");
		rc = zh_support_inet_json(have_inet ? &inet : NULL, cat, err.msg, &json, &c->err);
	}
	if (rc == 0)
		rc = add(c, "internet-settings.json", t_inet, ZH_SUPPORT_JSON, json, strlen(json));
	if (have_inet)
		zh_inet_release(&inet);
	zh_free(json);
	return rc;
}

static int collect_version(struct collect *c)
{
	struct zh_err err;
	char *json = NULL;
	int rc;

	zh_err_init(&err);
	if (cli_version_json(&json, &err) != 0)
		return missing(c, "version.json", t_version, "%s", err.msg);
	rc = add(c, "version.json", t_version, ZH_SUPPORT_JSON, json, strlen(json));
	zh_free(json);
	return rc;
}

/* ---- The verb ------------------------------------------------------------------------------ */

static int usage(const struct zh_cli *cli, const char *why, const char *arg)
{
	err_printf("zhushou support-report: %s%s%s\n", why, arg != NULL ? " " : "",
		arg != NULL ? arg : "");
	err_printf("%s: zhushou support-report -o FILE.zip\n", ZH_T(cli, "用法", "usage"));
	return ZH_EXIT_USAGE;
}

/* The folder path will be written in must exist: said before anything is collected. */
static int check_folder(const char *path, struct zh_err *err)
{
	const char *slash = NULL, *p;
	enum sys_fs_kind kind = SYS_FS_NONE;
	char *dir;
	int rc;

	for (p = path; *p != '\0'; p++)
		if (*p == '\\' || *p == '/')
			slash = p;
	/* In the current folder, or at a drive's root ("C:\x.zip"): nothing to check here. */
	if (slash == NULL || slash == path || (slash == path + 2 && path[1] == ':'))
		return 0;
	if ((dir = zh_strndup(path, (size_t)(slash - path))) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	rc = sys_fs_stat(dir, &kind, NULL, err);
	if (rc == 0 && kind != SYS_FS_DIR)
		rc = zh_err_set(err, ZH_ENOENT,
			"cannot write the support report '%s': the folder '%s' does not exist",
			path, dir);
	zh_free(dir);
	return rc;
}

int verb_support_report(struct zh_cli *cli)
{
	struct zh_catalog *cat = NULL;
	struct zh_check_report rep;
	struct zh_support *report = NULL;
	struct zh_redact red;
	struct zh_session s;
	struct collect c;
	struct zh_err err;
	const char *out = NULL, *why;
	size_t i;
	int code = ZH_EXIT_FAILED, session_code, have_rep = 0;

	memset(&rep, 0, sizeof(rep));
	memset(&s, 0, sizeof(s));
	zh_err_init(&err);
	zh_redact_init(&red);
	for (i = 0; i < (size_t)cli->argc; i++) {
		if (strcmp(cli->argv[i], "-o") == 0 && i + 1 < (size_t)cli->argc && out == NULL)
			out = cli->argv[++i];
		else
			return usage(cli,
				ZH_T(cli, "多余或不完整的参数",
					"unexpected or incomplete argument"),
				cli->argv[i]);
	}
	if (out == NULL || out[0] == '\0')
		return usage(cli, ZH_T(cli, "缺少 -o 文件.zip", "missing -o FILE.zip"), NULL);
	if (check_folder(out, &err) != 0)
		goto failed;
	if (zh_redact_add_user(&red, &err) != 0 || (report = zh_support_new(&red, &err)) == NULL)
		goto failed;

	memset(&c, 0, sizeof(c));
	c.cli = cli;
	c.rep = report;
	zh_err_init(&c.err);
	/* Read-only, like `list`: no DB while another zhushou runs or before any ran. */
	session_code = cli_session_open(cli, ZH_SESSION_OPTIONAL | ZH_SESSION_QUIET, &s);
	why = no_db_why(&s, session_code);
	/* The catalog's errors are reported by cli_load_catalog; the report goes on without. */
	if (cli_load_catalog(cli, &cat) != 0)
		cat = NULL;
	if (collect_check(&c, cat, s.db, &rep, &have_rep) != 0 ||
		collect_history(&c, s.db, why) != 0 || collect_all_logs(&c) != 0 ||
		collect_system(&c, cat, &rep, have_rep) != 0 || collect_version(&c) != 0 ||
		collect_db(&c, s.db, why, &red) != 0) {
		err = c.err;
		goto failed;
	}
	/* Nothing else needs the DB: let another zhushou start while the zip is written. */
	cli_session_close(&s);
	if (zh_support_write(report, out, zh_version, cli_now(), &err) != 0)
		goto failed;
	if (!cli->quiet)
		out_printf(ZH_T(cli, "支持报告已写入 %s\n", "support report written to %s\n"), out);
	code = ZH_EXIT_OK;
	goto out;
failed:
	cli_report_error(cli, &err,
		"未写入任何文件：请确认 -o 所指的文件夹存在且可写（例如写到桌面），然后重试。",
		"nothing was written: check that the folder given with -o exists and can be "
		"written (the Desktop, for example), then try again.");
out:
	zh_check_report_release(&rep);
	zh_catalog_free(cat);
	cli_session_close(&s);
	zh_support_free(report);
	zh_redact_release(&red);
	return code;
}
