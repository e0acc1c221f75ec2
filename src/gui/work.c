/* SPDX-License-Identifier: MIT */
/*
 * The window's worker: one thread at a time, so the window keeps answering. The check runs
 * in-process through the core, exactly as `zhushou check` does. The repair runs as zhushou.exe
 * itself, elevated through the UAC prompt (ShellExecuteEx "runas"; plainly when this process
 * is already elevated), with `--log FILE`: the worker follows its `step i/n (check-id)` lines
 * and its errors there, waits on the process handle, and hands the exit code to the window.
 * Nothing here writes to the PC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <objbase.h>
#include <shellapi.h>

#include "gui_int.h"
#include "../cli/cli.h"
#include "../core/check.h"
#include "../core/mem.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/mem.h"
#include "../sys/thread.h"

static struct sys_thread *g_worker;

wchar_t *gui_wide(const char *s)
{
	int n;
	wchar_t *w;

	if (s == NULL)
		s = "";
	n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	if (n <= 0)
		n = 1;
	w = calloc((size_t)n, sizeof(*w));
	if (w != NULL && MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) <= 0)
		w[0] = L'\0';
	return w;
}

static char *dup8(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	if (d != NULL)
		memcpy(d, s, n);
	return d;
}

void gui_check_free(struct gui_check *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nitems; i++) {
		free(c->items[i].id);
		free(c->items[i].title);
		free(c->items[i].detail);
		free(c->items[i].advice);
	}
	free(c->items);
	free(c->error);
	free(c->profile);
	free(c);
}

void gui_repair_free(struct gui_repair *r)
{
	if (r == NULL)
		return;
	free(r->error);
	free(r->log_path);
	free(r->steps);
	free(r);
}

void gui_join(void)
{
	sys_thread_join(g_worker);
	g_worker = NULL;
}

/* The core's error in the window's language: the kind of error, then the core's words. */
static wchar_t *core_error(const struct zh_cli *cli, const char *what, const struct zh_err *err)
{
	char buf[1024];

	(void)snprintf(buf, sizeof(buf), "%s\n%s: %s", what, zh_err_str(err->code, cli->lang),
		err->msg);
	return gui_wide(buf);
}

/*
 * The catalog the run uses, as cli_load_catalog loads it, keeping the core's error for the
 * window (cli_load_catalog writes it to stderr, which a window started from Explorer has not).
 */
static int load_catalog(const struct zh_cli *cli, struct zh_catalog **ret, struct zh_err *err)
{
	void *data = NULL;
	size_t len = 0;
	int rc;

	if (cli->catalog == NULL)
		return zh_catalog_parse(zh_builtin_catalog, zh_builtin_catalog_len, zh_probe_names,
			ret, err);
	/* One byte over the limit lets the parser tell "too big" from "just fits". */
	rc = sys_fs_read_head(cli->catalog, ZH_MAX_CATALOG_BYTES + 1, &data, &len, err);
	if (rc == 0)
		rc = zh_catalog_parse(data, len, zh_probe_names, ret, err);
	zh_err_wrap(err, "catalog '%s'", cli->catalog);
	sys_free(data);
	return rc;
}

static void check_thread(void *arg)
{
	struct gui_job *job = arg;
	const struct zh_cli *cli = job->cli;
	struct gui_check *c = calloc(1, sizeof(*c));
	struct zh_catalog *cat = NULL;
	struct zh_check_report rep;
	struct zh_check_opts mirror_opts = {1, NULL, NULL, 0, 0};
	struct zh_session s;
	struct zh_err err;
	int opened = 0;
	size_t i;

	memset(&rep, 0, sizeof(rep));
	memset(&s, 0, sizeof(s));
	zh_err_init(&err);
	if (c == NULL)
		goto out;
	/* As `zhushou check`: finish an interrupted run first when no other zhushou works. */
	if (cli_session_open(cli, ZH_SESSION_OPTIONAL, &s) != 0) {
		c->error = gui_wide(ZH_T(cli,
			"无法打开 zhushou 的数据目录，或另一个 zhushou 正在运行；请稍后重试。",
			"cannot open zhushou's data folder, or another zhushou is running; try "
			"again later."));
		goto out;
	}
	opened = 1;
	if (load_catalog(cli, &cat, &err) != 0) {
		c->error = core_error(cli,
			ZH_T(cli,
				"目录文件有误，未做任何更改：请使用发布方提供的目录或重新安装 "
				"zhushou。",
				"the catalog is broken and nothing was changed: use the "
				"publisher's catalog or reinstall zhushou."),
			&err);
		goto out;
	}
	/* The mirror of Group Policy's Source, when IT set one, is tried like `check` does. */
	if (zh_check_run_opts(cat, s.db, &mirror_opts, &rep, &err) != 0) {
		c->error = core_error(cli,
			ZH_T(cli, "检测未能完成；请重试，如仍失败请把支持报告发给客服。",
				"the check did not finish; try again, and if it fails again send a "
				"support report to support."),
			&err);
		goto out;
	}
	cli_log_check(&rep);
	c->profile = gui_wide(zh_text_get(&cat->profile_name, cli->lang));
	c->items = calloc(rep.nresults ? rep.nresults : 1, sizeof(*c->items));
	if (c->items == NULL)
		goto out;
	for (i = 0; i < rep.nresults; i++) {
		const struct zh_check_result *r = &rep.results[i];
		struct gui_item *it = &c->items[c->nitems++];

		it->status = (int)r->status;
		it->id = dup8(r->def->id);
		it->title = gui_wide(zh_text_get(&r->def->title, cli->lang));
		it->detail = gui_wide(zh_text_get(&r->detail, cli->lang));
		it->advice = gui_wide(r->status == ZH_ST_OK || r->status == ZH_ST_SKIP
				? ""
				: zh_text_get(&r->def->advice, cli->lang));
		if (r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR)
			c->bad++;
	}
	c->ok = 1;
out:
	zh_check_report_release(&rep);
	zh_catalog_free(cat);
	if (opened)
		cli_session_close(&s);
	if (!PostMessageW(job->hwnd, WM_GUI_CHECKED, 0, (LPARAM)c))
		gui_check_free(c);
}

int gui_start_check(struct gui_job *job)
{
	struct zh_err err;

	zh_err_init(&err);
	gui_join();
	return sys_thread_start(check_thread, job, &g_worker, &err) == 0 ? 0 : -1;
}

/* The title of check id in the last check shown (the step's own words when unknown). */
static const wchar_t *step_title(const struct gui_job *job, const char *id)
{
	size_t i;

	for (i = 0; job->last != NULL && i < job->last->nitems; i++)
		if (job->last->items[i].id != NULL && strcmp(job->last->items[i].id, id) == 0)
			return job->last->items[i].title;
	return NULL;
}

struct follow {
	unsigned step, total; /* the last step shown */
	char errors[2048]; /* the ERROR lines, joined */
	wchar_t done[2048]; /* the titles of the items the steps repaired, each once */
};

/* Add the title of check id to f->done unless it is there. */
static void note_done(const struct gui_job *job, struct follow *f, const char *id)
{
	const wchar_t *t = step_title(job, id);
	size_t n = wcslen(f->done);

	if (t == NULL || wcsstr(f->done, t) != NULL)
		return;
	_snwprintf(f->done + n, 2048 - n, L"%ls%ls", n ? L"、" : L"", t);
	f->done[2047] = L'\0';
}

/*
 * Read the repair's log from the start (it is small) and post the newest step. The child
 * writes it with FILE_SHARE_READ (sys/win32/logfile.c), so it can be read while it grows.
 */
static void follow_log(struct gui_job *job, const wchar_t *path, struct follow *f)
{
	HANDLE h = CreateFileW(path, GENERIC_READ,
		FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
		FILE_ATTRIBUTE_NORMAL, NULL);
	char *buf = NULL, *line, *next;
	DWORD got = 0;
	unsigned step = 0, total = 0;
	char id[128] = "", what[512] = "";

	if (h == INVALID_HANDLE_VALUE)
		return;
	buf = malloc(1 << 20);
	if (buf == NULL || !ReadFile(h, buf, (1 << 20) - 1, &got, NULL))
		got = 0;
	CloseHandle(h);
	if (buf == NULL)
		return;
	buf[got] = '\0';
	f->errors[0] = '\0';
	f->done[0] = L'\0';
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		char *p;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((p = strstr(line, " INFO repair: step ")) != NULL) {
			unsigned a, b;
			char i[128], w[512];

			if (sscanf(p, " INFO repair: step %u/%u (%127[^)]): %511[^\n]", &a, &b, i,
				    w) == 4) {
				step = a;
				total = b;
				note_done(job, f, i);
				memcpy(id, i, sizeof(id));
				memcpy(what, w, sizeof(what));
			}
		} else if ((p = strstr(line, " ERROR repair: ")) != NULL) {
			size_t have = strlen(f->errors);

			p += strlen(" ERROR repair: ");
			if (strncmp(p, "zhushou: ", 9) == 0)
				p += 9;
			(void)snprintf(f->errors + have, sizeof(f->errors) - have, "%s%s",
				have ? "\n" : "", p);
		}
	}
	free(buf);
	if (step != 0 && (step != f->step || total != f->total)) {
		const wchar_t *t = step_title(job, id);
		wchar_t *w = t == NULL ? gui_wide(what) : NULL;
		wchar_t *text = malloc(1024 * sizeof(*text));

		if (text != NULL) {
			_snwprintf(text, 1024,
				job->cli->lang[0] == 'z' ? L"第 %u/%u 步：%ls"
							 : L"Step %u of %u: %ls",
				step, total,
				t != NULL	    ? t
					: w != NULL ? w
						    : L"");
			text[1023] = L'\0';
			EnterCriticalSection(&job->lock);
			free(job->step_text);
			job->step_text = text;
			LeaveCriticalSection(&job->lock);
			(void)PostMessageW(job->hwnd, WM_GUI_STEP, step, total);
		}
		free(w);
		f->step = step;
		f->total = total;
	}
}

/* "a b" quoted for the command line (paths here hold no quotes). */
static void append_arg(wchar_t *cmd, size_t cap, const wchar_t *opt, const char *val)
{
	wchar_t *w = gui_wide(val);
	size_t n = wcslen(cmd);

	if (w != NULL)
		_snwprintf(cmd + n, cap - n, L" %ls \"%ls\"", opt, w);
	cmd[cap - 1] = L'\0';
	free(w);
}

/* Create an empty file at path (the repair only looks whether it is there). */
static void touch(const wchar_t *path)
{
	HANDLE h = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
		NULL);

	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
}

void gui_cancel_repair(struct gui_job *job)
{
	EnterCriticalSection(&job->lock);
	job->cancel_asked = 1;
	if (job->cancel_path[0] != L'\0')
		touch(job->cancel_path);
	LeaveCriticalSection(&job->lock);
}

static void repair_thread(void *arg)
{
	struct gui_job *job = arg;
	const struct zh_cli *cli = job->cli;
	struct gui_repair *r = calloc(1, sizeof(*r));
	SHELLEXECUTEINFOW sei;
	wchar_t tmp[MAX_PATH + 1], exe[MAX_PATH + 1], *params = NULL;
	struct follow f;
	struct zh_err err;
	int admin = 0, com;
	size_t cap = 4096;

	memset(&f, 0, sizeof(f));
	memset(&sei, 0, sizeof(sei));
	zh_err_init(&err);
	com = SUCCEEDED(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE));
	if (r == NULL || (params = calloc(cap, sizeof(*params))) == NULL ||
		(r->log_path = calloc(MAX_PATH + 1, sizeof(wchar_t))) == NULL)
		goto out;
	r->launch = GUI_NOT_STARTED;
	if (GetTempPathW(MAX_PATH, tmp) == 0 ||
		GetTempFileNameW(tmp, L"zhu", 0, r->log_path) == 0 ||
		GetModuleFileNameW(NULL, exe, MAX_PATH) == 0) {
		r->error = gui_wide(ZH_T(cli, "无法创建临时文件或找到 zhushou.exe。",
			"cannot create a temporary file or find zhushou.exe."));
		goto out;
	}
	/*
	 * Not --quiet: quiet runs are IT's and pass Group Policy's UserRepair = 0; the window is a
	 * user's repair and must be refused then. Its console stays hidden (SW_HIDE).
	 */
	/* --wait: a clerk's repair waits for an IT run or a check that is under way. */
	/* 取消 makes the file next to the log: the repair stops before its next step and undoes. */
	EnterCriticalSection(&job->lock);
	_snwprintf(job->cancel_path, sizeof(job->cancel_path) / sizeof(job->cancel_path[0]),
		L"%ls.cancel", r->log_path);
	(void)DeleteFileW(job->cancel_path);
	if (job->cancel_asked)
		touch(job->cancel_path);
	LeaveCriticalSection(&job->lock);
	_snwprintf(params, cap, L"repair --wait 120 --lang %ls --log \"%ls\" --cancel-file \"%ls\"",
		cli->lang[0] == 'z' ? L"zh" : L"en", r->log_path, job->cancel_path);
	if (cli->catalog != NULL)
		append_arg(params, cap, L"--catalog", cli->catalog);
	if (job->source != NULL)
		append_arg(params, cap, L"--source", job->source);
	if (sys_env_is_admin(&admin, &err) != 0)
		admin = 0;
	sei.cbSize = sizeof(sei);
	sei.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC | SEE_MASK_FLAG_NO_UI;
	sei.hwnd = job->hwnd;
	sei.lpVerb = admin ? NULL : L"runas";
	sei.lpFile = exe;
	sei.lpParameters = params;
	sei.nShow = SW_HIDE;
	if (!ShellExecuteExW(&sei)) {
		DWORD e = GetLastError();
		wchar_t msg[512] = L"";

		if (e == ERROR_CANCELLED) {
			r->launch = GUI_DECLINED;
			goto out;
		}
		FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e,
			0, msg, 511, NULL);
		r->error = malloc(1024 * sizeof(wchar_t));
		if (r->error != NULL)
			_snwprintf(r->error, 1024,
				cli->lang[0] == 'z' ? L"无法启动修复程序：%ls"
						    : L"cannot start the "
						      L"repair: %ls",
				msg);
		goto out;
	}
	r->launch = GUI_LAUNCHED;
	if (sei.hProcess == NULL) {
		r->exit_code = ZH_EXIT_FAILED;
		goto out;
	}
	while (WaitForSingleObject(sei.hProcess, 150) == WAIT_TIMEOUT)
		follow_log(job, r->log_path, &f);
	follow_log(job, r->log_path, &f);
	if (!GetExitCodeProcess(sei.hProcess, &r->exit_code))
		r->exit_code = ZH_EXIT_FAILED;
	CloseHandle(sei.hProcess);
	EnterCriticalSection(&job->lock);
	(void)DeleteFileW(job->cancel_path);
	job->cancel_path[0] = L'\0';
	job->cancel_asked = 0;
	LeaveCriticalSection(&job->lock);
	if (f.errors[0] != '\0')
		r->error = gui_wide(f.errors);
	r->nsteps = f.step;
	if (f.done[0] != L'\0')
		r->steps = _wcsdup(f.done);
out:
	free(params);
	if (com)
		CoUninitialize();
	if (r != NULL && !PostMessageW(job->hwnd, WM_GUI_REPAIRED, 0, (LPARAM)r))
		gui_repair_free(r);
}

int gui_start_repair(struct gui_job *job)
{
	struct zh_err err;

	zh_err_init(&err);
	gui_join();
	return sys_thread_start(repair_thread, job, &g_worker, &err) == 0 ? 0 : -1;
}
