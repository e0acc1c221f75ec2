/* SPDX-License-Identifier: MIT */
/*
 * The window: not checked → checking → results → repairing → done, one state at a time, every
 * text in the user's language (the catalog's titles, details and advice as the core reports
 * them). Long work runs on the worker (work.c) and arrives as posted messages, so the window
 * always answers. Sizes follow the window's DPI (per-monitor aware through the manifest) and the
 * measured text; the font is Microsoft YaHei UI for Chinese, the message font otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <commctrl.h>
#include <shellapi.h>

#include "gui.h"
#include "gui_int.h"
#include "../cli/cli.h"
#include "../core/check.h"
#include "../sys/env.h"

enum {
	IDC_STATUS = 100,
	IDC_PROGRESS,
	IDC_STEP,
	IDC_LIST,
	IDC_DETAIL,
	IDC_PRIMARY, /* 全面检测 / 一键修复 */
	IDC_RECHECK,
	IDC_CANCEL,
	IDC_LOG,
	IDC_LISTLABEL,
	IDC_DETAILLABEL,
};

enum state { ST_NEW, ST_CHECKING, ST_RESULTS, ST_REPAIRING, ST_DONE };

static struct {
	const struct zh_cli *cli;
	HWND hwnd, status, progress, step, list, listlabel, detail, detaillabel, primary, recheck,
		cancel, log;
	HWND tip;
	HFONT font, big;
	UINT dpi;
	enum state state;
	int busy, close_after;
	struct gui_check *check; /* the results shown */
	struct gui_repair *repair; /* the last repair, for the done state */
	wchar_t *log_path; /* 查看日志 */
	struct gui_job job;
} g;

#define T(zh, en) (g.cli->lang[0] == 'z' ? (zh) : (en))

static int S(int px)
{
	return MulDiv(px, (int)g.dpi, 96);
}

static UINT window_dpi(HWND hwnd)
{
	typedef UINT(WINAPI * dpi_fn)(HWND);
	HMODULE u = GetModuleHandleW(L"user32.dll");
	dpi_fn f = u ? (dpi_fn)(void (*)(void))GetProcAddress(u, "GetDpiForWindow") : NULL;
	UINT dpi = f != NULL && hwnd != NULL ? f(hwnd) : 0;

	if (dpi == 0) {
		HDC dc = GetDC(NULL);

		dpi = (UINT)GetDeviceCaps(dc, LOGPIXELSY);
		ReleaseDC(NULL, dc);
	}
	return dpi ? dpi : 96;
}

static void make_fonts(void)
{
	NONCLIENTMETRICSW ncm;
	LOGFONTW lf;

	memset(&ncm, 0, sizeof(ncm));
	ncm.cbSize = sizeof(ncm);
	if (!SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof(ncm), &ncm, 0))
		memset(&ncm.lfMessageFont, 0, sizeof(ncm.lfMessageFont));
	lf = ncm.lfMessageFont;
	/* Chinese text in YaHei UI (Windows 7 and later); English in the system's message font. */
	if (g.cli->lang[0] == 'z' || lf.lfFaceName[0] == L'\0')
		wcscpy(lf.lfFaceName, g.cli->lang[0] == 'z' ? L"Microsoft YaHei UI" : L"Segoe UI");
	lf.lfHeight = -MulDiv(9, (int)g.dpi, 72);
	lf.lfWidth = 0;
	lf.lfWeight = FW_NORMAL;
	lf.lfCharSet = DEFAULT_CHARSET;
	lf.lfQuality = CLEARTYPE_QUALITY;
	if (g.font != NULL)
		DeleteObject(g.font);
	if (g.big != NULL)
		DeleteObject(g.big);
	g.font = CreateFontIndirectW(&lf);
	lf.lfHeight = -MulDiv(12, (int)g.dpi, 72);
	lf.lfWeight = FW_BOLD;
	g.big = CreateFontIndirectW(&lf);
}

/* The width and height of text drawn in font (one line). */
static SIZE text_size(HFONT font, const wchar_t *s)
{
	HDC dc = GetDC(g.hwnd);
	HGDIOBJ old = SelectObject(dc, font);
	SIZE sz = {0, 0};

	GetTextExtentPoint32W(dc, s, (int)wcslen(s), &sz);
	SelectObject(dc, old);
	ReleaseDC(g.hwnd, dc);
	return sz;
}

/* The height the text takes wrapped at width w. */
static int wrapped_height(HFONT font, const wchar_t *s, int w)
{
	HDC dc = GetDC(g.hwnd);
	HGDIOBJ old = SelectObject(dc, font);
	RECT rc = {0, 0, w, 0};

	DrawTextW(dc, s, -1, &rc, DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX);
	SelectObject(dc, old);
	ReleaseDC(g.hwnd, dc);
	return rc.bottom;
}

static int button_width(HWND b)
{
	wchar_t text[128];
	SIZE sz;
	int w;

	GetWindowTextW(b, text, 128);
	sz = text_size(g.font, text);
	w = sz.cx + S(32);
	return w < S(96) ? S(96) : w;
}

/* Shown by its own style (IsWindowVisible is false for all before the window is shown). */
static int shown(HWND h)
{
	return (GetWindowLongPtrW(h, GWL_STYLE) & WS_VISIBLE) != 0;
}

static void layout(void)
{
	RECT rc;
	wchar_t text[1024];
	int W, H, m = S(12), gap = S(8), y, line, bh, x, statush, steph, detailh, listy;
	HWND right[3];
	int i;

	if (g.hwnd == NULL || g.status == NULL)
		return;
	GetClientRect(g.hwnd, &rc);
	W = rc.right;
	H = rc.bottom;
	line = text_size(g.font, L"Ag国").cy;
	bh = line + S(14);
	y = m;
	GetWindowTextW(g.status, text, 1024);
	statush = wrapped_height(g.big, text, W - 2 * m) + S(4);
	if (statush < text_size(g.big, L"Ag国").cy + S(4))
		statush = text_size(g.big, L"Ag国").cy + S(4);
	MoveWindow(g.status, m, y, W - 2 * m, statush, TRUE);
	y += statush + gap;
	MoveWindow(g.progress, m, y, W - 2 * m, S(18), TRUE);
	if (shown(g.progress))
		y += S(18) + gap;
	GetWindowTextW(g.step, text, 1024);
	steph = wrapped_height(g.font, text, W - 2 * m) + S(2);
	if (steph < line + S(2))
		steph = line + S(2);
	MoveWindow(g.step, m, y, W - 2 * m, steph, TRUE);
	if (shown(g.step))
		y += steph + gap;
	MoveWindow(g.listlabel, m, y, W - 2 * m, line + S(2), TRUE);
	y += line + S(4);
	listy = y;
	detailh = 4 * line + S(10);
	{
		/* The list takes what the details box, its label and the buttons leave. */
		int bottom = H - m - bh - gap - detailh - (line + S(4)) - gap;
		int lh = bottom - listy;

		if (lh < 3 * line)
			lh = 3 * line;
		MoveWindow(g.list, m, listy, W - 2 * m, lh, TRUE);
		MoveWindow(g.detaillabel, m, listy + lh + gap, W - 2 * m, line + S(2), TRUE);
		MoveWindow(g.detail, m, listy + lh + gap + line + S(4), W - 2 * m, detailh, TRUE);
	}
	/* Buttons: 查看日志 at the left, the others at the right, each as wide as its text. */
	MoveWindow(g.log, m, H - m - bh, button_width(g.log), bh, TRUE);
	right[0] = g.primary;
	right[1] = g.recheck;
	right[2] = g.cancel;
	x = W - m;
	for (i = 2; i >= 0; i--) {
		int bw = button_width(right[i]);

		if (!shown(right[i]))
			continue;
		x -= bw;
		MoveWindow(right[i], x, H - m - bh, bw, bh, TRUE);
		x -= gap;
	}
	if (g.tip != NULL) {
		TOOLINFOW ti;

		memset(&ti, 0, sizeof(ti));
		ti.cbSize = sizeof(ti);
		ti.hwnd = g.hwnd;
		ti.uId = IDC_CANCEL;
		GetWindowRect(g.cancel, &ti.rect);
		MapWindowPoints(NULL, g.hwnd, (POINT *)&ti.rect, 2);
		SendMessageW(g.tip, TTM_NEWTOOLRECTW, 0, (LPARAM)&ti);
	}
	/* List columns: the mark, then title, detail and advice sharing the rest. */
	{
		int w = W - 2 * m - GetSystemMetrics(SM_CXVSCROLL) - S(4), mark = S(44);

		ListView_SetColumnWidth(g.list, 0, mark);
		ListView_SetColumnWidth(g.list, 1, (w - mark) * 28 / 100);
		ListView_SetColumnWidth(g.list, 2, (w - mark) * 36 / 100);
		ListView_SetColumnWidth(g.list, 3, (w - mark) * 36 / 100);
	}
}

static void set_fonts(void)
{
	HWND c[] = {g.progress, g.step, g.list, g.listlabel, g.detaillabel, g.detail, g.primary,
		g.recheck, g.cancel, g.log};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		SendMessageW(c[i], WM_SETFONT, (WPARAM)g.font, TRUE);
	SendMessageW(g.status, WM_SETFONT, (WPARAM)g.big, TRUE);
}

static const wchar_t *mark(int status)
{
	switch (status) {
	case ZH_ST_OK:
		return L"\x2713"; /* ✓ */
	case ZH_ST_FAIL:
	case ZH_ST_ERROR:
		/* ×: ✗ (U+2717) is missing from YaHei UI and WenQuanYi Micro Hei (a box). */
		return L"\x00d7";
	case ZH_ST_WARN:
		return L"!";
	default:
		return L"-";
	}
}

static void show_detail(int i)
{
	wchar_t *buf;
	const struct gui_item *it;
	size_t n;

	if (g.check == NULL || i < 0 || (size_t)i >= g.check->nitems) {
		SetWindowTextW(g.detail, L"");
		return;
	}
	it = &g.check->items[i];
	n = wcslen(it->title) + wcslen(it->detail) + wcslen(it->advice) + 64;
	buf = malloc(n * sizeof(*buf));
	if (buf == NULL)
		return;
	_snwprintf(buf, n, L"%ls %ls\r\n%ls%ls%ls", mark(it->status), it->title, it->detail,
		it->advice[0] ? T(L"\r\n建议：", L"\r\nAdvice: ") : L"", it->advice);
	buf[n - 1] = L'\0';
	/* The edit control wants CRLF: the core's details use LF. */
	{
		size_t lf = 0, j, k;
		wchar_t *out;

		for (j = 0; buf[j]; j++)
			lf += buf[j] == L'\n' && (j == 0 || buf[j - 1] != L'\r');
		out = malloc((wcslen(buf) + lf + 1) * sizeof(*out));
		if (out != NULL) {
			for (j = 0, k = 0; buf[j]; j++) {
				if (buf[j] == L'\n' && (j == 0 || buf[j - 1] != L'\r'))
					out[k++] = L'\r';
				out[k++] = buf[j];
			}
			out[k] = L'\0';
			SetWindowTextW(g.detail, out);
			free(out);
		}
	}
	free(buf);
}

/* One line for the list: newlines in the core's texts become spaces. */
static wchar_t *one_line(const wchar_t *s)
{
	size_t n = wcslen(s), i;
	wchar_t *d = malloc((n + 1) * sizeof(*d));

	if (d == NULL)
		return NULL;
	for (i = 0; i <= n; i++)
		d[i] = s[i] == L'\n' || s[i] == L'\r' ? L' ' : s[i];
	return d;
}

static void fill_list(void)
{
	size_t i;
	int first_bad = -1;

	ListView_DeleteAllItems(g.list);
	for (i = 0; g.check != NULL && i < g.check->nitems; i++) {
		const struct gui_item *it = &g.check->items[i];
		LVITEMW lv;
		wchar_t *d = one_line(it->detail), *a = one_line(it->advice);

		memset(&lv, 0, sizeof(lv));
		lv.mask = LVIF_TEXT | LVIF_PARAM;
		lv.iItem = (int)i;
		lv.pszText = (wchar_t *)mark(it->status);
		lv.lParam = it->status;
		ListView_InsertItem(g.list, &lv);
		ListView_SetItemText(g.list, (int)i, 1, it->title);
		ListView_SetItemText(g.list, (int)i, 2, d ? d : L"");
		ListView_SetItemText(g.list, (int)i, 3, a ? a : L"");
		free(d);
		free(a);
		if (first_bad < 0 && (it->status == ZH_ST_FAIL || it->status == ZH_ST_ERROR))
			first_bad = (int)i;
	}
	if (g.check != NULL && g.check->nitems > 0) {
		int sel = first_bad >= 0 ? first_bad : 0;

		ListView_SetItemState(g.list, sel, LVIS_SELECTED | LVIS_FOCUSED,
			LVIS_SELECTED | LVIS_FOCUSED);
		show_detail(sel);
	} else {
		show_detail(-1);
	}
}

static void set_text(HWND h, const wchar_t *s)
{
	SetWindowTextW(h, s);
}

/* Show the controls of a state; texts are set by the caller. */
static void enter(enum state st)
{
	/* The results stay in view (greyed) while the repair runs. */
	int results = st == ST_RESULTS || st == ST_DONE || (st == ST_REPAIRING && g.check != NULL);
	int working = st == ST_CHECKING || st == ST_REPAIRING;

	g.state = st;
	g.busy = working;
	ShowWindow(g.progress, working ? SW_SHOW : SW_HIDE);
	ShowWindow(g.step, st == ST_RESULTS ? SW_HIDE : SW_SHOW);
	EnableWindow(g.list, st != ST_REPAIRING);
	ShowWindow(g.listlabel, results ? SW_SHOW : SW_HIDE);
	ShowWindow(g.detaillabel, results ? SW_SHOW : SW_HIDE);
	ShowWindow(g.list, results ? SW_SHOW : SW_HIDE);
	ShowWindow(g.detail, results ? SW_SHOW : SW_HIDE);
	/* 全面检测 before the first check; 一键修复 once there are results. */
	set_text(g.primary,
		st == ST_NEW || (st == ST_CHECKING && g.check == NULL)
			? T(L"全面检测(&C)", L"Full &check")
			: T(L"一键修复(&R)", L"&Repair"));
	EnableWindow(g.primary,
		!working && (st == ST_NEW || (g.check != NULL && g.check->bad > 0)));
	ShowWindow(g.recheck, st == ST_NEW ? SW_HIDE : SW_SHOW);
	EnableWindow(g.recheck, !working);
	/* The repair runs elevated in its own process; 取消 asks it to stop and undo (1602). */
	ShowWindow(g.cancel, st == ST_REPAIRING ? SW_SHOW : SW_HIDE);
	EnableWindow(g.cancel, st == ST_REPAIRING);
	ShowWindow(g.log, st == ST_DONE && g.log_path != NULL ? SW_SHOW : SW_HIDE);
	layout();
	if (IsWindowEnabled(g.primary))
		SetFocus(g.primary);
	else if (results)
		SetFocus(g.list);
	InvalidateRect(g.hwnd, NULL, TRUE);
}

static void progress_mode(int marquee)
{
	LONG_PTR st = GetWindowLongPtrW(g.progress, GWL_STYLE);

	st = marquee ? st | PBS_MARQUEE : st & ~(LONG_PTR)PBS_MARQUEE;
	SetWindowLongPtrW(g.progress, GWL_STYLE, st);
	SendMessageW(g.progress, PBM_SETMARQUEE, marquee, 30);
}

static void start_check(void)
{
	progress_mode(1);
	set_text(g.status, T(L"正在检测，请稍候…", L"Checking this PC…"));
	set_text(g.step,
		T(L"正在检查系统、浏览器设置、证书和控件。",
			L"Looking at Windows, the browser "
			L"settings, certificates and controls."));
	enter(ST_CHECKING);
	if (gui_start_check(&g.job) != 0) {
		set_text(g.status,
			T(L"无法开始检测：内存不足。",
				L"cannot start the check: out of "
				L"memory."));
		enter(g.check ? ST_RESULTS : ST_NEW);
	}
}

static void start_repair(void)
{
	/* Moving until the first step is known, then step by step. */
	progress_mode(1);
	gui_repair_free(g.repair);
	g.repair = NULL;
	set_text(g.status, T(L"正在修复，请稍候…", L"Repairing…"));
	set_text(g.step,
		T(L"正在准备修复（可能会出现 Windows 的管理员权限提示）。",
			L"Preparing the repair (Windows may ask for administrator "
			L"rights)."));
	enter(ST_REPAIRING);
	if (gui_start_repair(&g.job) != 0) {
		set_text(g.status,
			T(L"无法开始修复：内存不足。",
				L"cannot start the repair: out of "
				L"memory."));
		enter(ST_RESULTS);
	}
}

/* The summary line of a check shown as results. */
static void results_summary(wchar_t *buf, size_t n)
{
	if (g.check->bad == 0)
		_snwprintf(buf, n, L"%ls", T(L"系统环境正常。", L"The PC is ready."));
	else
		_snwprintf(buf, n,
			T(L"系统环境存在异常项，请一键修复（%zu 项）。",
				L"%zu problems found: click Repair."),
			g.check->bad);
	buf[n - 1] = L'\0';
}

/* The names of the red items, one per line, for "which items need IT". */
static void bad_titles(wchar_t *buf, size_t n)
{
	size_t i, k = 0;

	buf[0] = L'\0';
	for (i = 0; g.check != NULL && i < g.check->nitems && k + 4 < n; i++) {
		const struct gui_item *it = &g.check->items[i];

		if (it->status != ZH_ST_FAIL && it->status != ZH_ST_ERROR)
			continue;
		_snwprintf(buf + k, n - k, L"%ls%ls", k ? L"、" : L"", it->title);
		buf[n - 1] = L'\0';
		k = wcslen(buf);
	}
}

static void on_checked(struct gui_check *c)
{
	wchar_t buf[1024], title[256];

	gui_join();
	if (!c->ok) {
		/* Keep what was shown; say why the check did not run. */
		set_text(g.status, T(L"检测未能完成。", L"The check did not finish."));
		set_text(g.step, c->error ? c->error : L"");
		gui_check_free(c);
		enter(g.check ? ST_RESULTS : ST_NEW);
		ShowWindow(g.step, SW_SHOW);
		layout();
		return;
	}
	g.job.last = NULL;
	gui_check_free(g.check);
	g.check = c;
	g.job.last = c;
	if (c->profile != NULL && c->profile[0]) {
		_snwprintf(title, 256, L"%ls — %ls", T(L"助手", L"zhushou"), c->profile);
		title[255] = L'\0';
		SetWindowTextW(g.hwnd, title);
	}
	fill_list();
	if (g.repair != NULL) {
		/* The check after a repair: the done state. */
		enter(ST_DONE);
		return;
	}
	results_summary(buf, 1024);
	set_text(g.status, buf);
	enter(ST_RESULTS);
}

static void done_texts(void)
{
	const struct gui_repair *r = g.repair;
	wchar_t buf[4096], names[2048];
	const wchar_t *err = r->error ? r->error : L"";

	bad_titles(names, 2048);
	switch (r->launch) {
	case GUI_DECLINED:
		set_text(g.status,
			T(L"未获得管理员权限，未做任何更改。",
				L"No administrator rights were given: nothing was changed."));
		_snwprintf(buf, 4096,
			T(L"以下项目需要管理员处理，请联系贵司 IT：%ls",
				L"These items need an administrator; ask your IT department: %ls"),
			names);
		break;
	case GUI_NOT_STARTED:
		set_text(g.status,
			T(L"修复未能开始，未做任何更改。",
				L"The repair did not start: nothing was changed."));
		_snwprintf(buf, 4096, L"%ls", err);
		break;
	default:
		switch (r->exit_code) {
		case ZH_EXIT_OK:
			set_text(g.status,
				T(L"修复完成，系统环境正常。",
					L"Repair done: the PC is "
					L"ready."));
			if (r->nsteps > 0)
				_snwprintf(buf, 4096,
					T(L"已完成 %u "
					  L"步修复：%ls。请重新打开浏览器后登录网上受理系统。",
						L"%u repair steps done: %ls. Open the browser "
						L"again "
						L"and sign in to the portal."),
					r->nsteps, r->steps ? r->steps : L"");
			else
				_snwprintf(buf, 4096, L"%ls",
					T(L"请重新打开浏览器后登录网上受理系统。",
						L"Open the browser again and sign in to the "
						L"portal."));
			break;
		case ZH_EXIT_REBOOT_REQUIRED:
			/* No step ran: an earlier repair's file waits for the restart. */
			if (r->nsteps == 0) {
				set_text(g.status,
					T(L"需要先重启电脑，未做任何更改。",
						L"Restart the PC first: nothing was changed."));
				_snwprintf(buf, 4096, L"%ls",
					T(L"上一次修复有文件要在重启时替换。请保存工作后重启电脑，"
					  L"再点击“一键修复”。",
						L"An earlier repair replaces a file at the next "
						L"restart. Save your work, restart the PC, then "
						L"click "
						L"Repair again."));
				break;
			}
			set_text(g.status,
				T(L"修复完成，需要重启电脑才能生效。",
					L"Repair done: restart the PC to finish."));
			_snwprintf(buf, 4096, L"%ls",
				T(L"请保存工作后重启电脑。",
					L"Save your work and restart the PC."));
			break;
		case ZH_EXIT_PROBLEMS:
			set_text(g.status,
				T(L"修复完成，但仍有项目需要处理。",
					L"Repair done, but items remain."));
			_snwprintf(buf, 4096,
				T(L"以下项目无法自动修复，请按建议处理或联系贵司 IT：%ls",
					L"These items cannot be repaired here; follow the advice "
					L"or ask "
					L"your IT department: %ls"),
				names);
			break;
		case ZH_EXIT_RUNNING:
			set_text(g.status,
				T(L"另一个 zhushou 正在运行，未做任何更改。",
					L"Another zhushou is running: nothing was changed."));
			_snwprintf(buf, 4096, L"%ls",
				T(L"请等它结束后点击“一键修复”重试。",
					L"Wait for it to finish, then click Repair again."));
			break;
		case ZH_EXIT_CANCELLED:
			set_text(g.status,
				T(L"修复已取消，电脑与修复前完全相同。",
					L"The repair was cancelled: the PC is as before."));
			_snwprintf(buf, 4096, L"%ls", err);
			break;
		default:
			/* No step ran: it refused before changing anything (rights, policy). */
			if (r->nsteps == 0) {
				set_text(g.status,
					T(L"修复未能进行，未做任何更改。",
						L"The repair did not run: nothing was "
						L"changed."));
				_snwprintf(buf, 4096, L"%ls",
					err[0] ? err : T(L"详情见日志。", L"See the log."));
				break;
			}
			set_text(g.status,
				T(L"修复未完成，所有更改已撤销，电脑与修复前完全相同。",
					L"The repair did not finish and every change was "
					L"undone: the PC is as before."));
			_snwprintf(buf, 4096, L"%ls",
				err[0] ? err : T(L"详情见日志。", L"See the log."));
			break;
		}
	}
	buf[4095] = L'\0';
	set_text(g.step, buf);
}

static void on_repaired(struct gui_repair *r)
{
	gui_join();
	gui_repair_free(g.repair);
	g.repair = r;
	free(g.log_path);
	g.log_path = r->log_path != NULL ? _wcsdup(r->log_path) : NULL;
	if (r->launch != GUI_LAUNCHED) {
		done_texts();
		enter(ST_DONE);
		return;
	}
	/* Check again in-process: the list shows the PC as the repair left it. */
	progress_mode(1);
	set_text(g.step, T(L"正在确认修复结果…", L"Checking the result…"));
	g.state = ST_CHECKING;
	g.busy = 1;
	if (gui_start_check(&g.job) != 0) {
		done_texts();
		enter(ST_DONE);
	}
}

static void after_done_check(void)
{
	done_texts();
	enter(ST_DONE);
	if (g.repair->launch == GUI_LAUNCHED && g.repair->exit_code == ZH_EXIT_REBOOT_REQUIRED &&
		MessageBoxW(g.hwnd,
			T(L"需要重启电脑才能完成修复。现在重启吗？\n（Windows "
			  L"会在一分钟后重启，请先保存工作。）",
				L"A restart finishes the repair. Restart now?\n(Windows restarts "
				L"in a "
				L"minute: save your work first.)"),
			T(L"助手", L"zhushou"), MB_YESNO | MB_ICONQUESTION) == IDYES) {
		struct zh_err err;

		zh_err_init(&err);
		if (sys_env_restart(&err) != 0) {
			wchar_t *w = gui_wide(err.msg), msg[1024];

			_snwprintf(msg, 1024, L"%ls\n%ls",
				T(L"无法重启，请手动重启电脑。",
					L"cannot restart: restart the PC "
					L"yourself."),
				w ? w : L"");
			msg[1023] = L'\0';
			MessageBoxW(g.hwnd, msg, T(L"助手", L"zhushou"), MB_OK | MB_ICONWARNING);
			free(w);
		}
	}
}

static LRESULT custom_draw(NMLVCUSTOMDRAW *cd)
{
	switch (cd->nmcd.dwDrawStage) {
	case CDDS_PREPAINT:
		return CDRF_NOTIFYITEMDRAW;
	case CDDS_ITEMPREPAINT:
		return CDRF_NOTIFYSUBITEMDRAW;
	case CDDS_ITEMPREPAINT | CDDS_SUBITEM: {
		int st = (int)cd->nmcd.lItemlParam;

		cd->clrText = GetSysColor(COLOR_WINDOWTEXT);
		if (cd->iSubItem == 0 || cd->iSubItem == 1) {
			if (st == ZH_ST_OK)
				cd->clrText = RGB(0x1b, 0x7f, 0x2a);
			else if (st == ZH_ST_FAIL || st == ZH_ST_ERROR)
				cd->clrText = RGB(0xc0, 0x1c, 0x1c);
			else if (st == ZH_ST_WARN)
				cd->clrText = RGB(0x9a, 0x5b, 0x00);
		}
		return CDRF_DODEFAULT;
	}
	default:
		return CDRF_DODEFAULT;
	}
}

static HWND child(const wchar_t *cls, const wchar_t *text, DWORD style, DWORD ex, int id)
{
	return CreateWindowExW(ex, cls, text, WS_CHILD | style, 0, 0, 10, 10, g.hwnd,
		(HMENU)(INT_PTR)id, GetModuleHandleW(NULL), NULL);
}

static void create_controls(void)
{
	LVCOLUMNW col;
	const wchar_t *heads[4];
	int i;

	/* Creation order is the tab order: list, details, then the buttons. */
	g.status = child(WC_STATICW, L"", WS_VISIBLE | SS_LEFT | SS_NOPREFIX, 0, IDC_STATUS);
	g.progress = child(PROGRESS_CLASSW, T(L"进度", L"Progress"), PBS_SMOOTH, 0, IDC_PROGRESS);
	g.step = child(WC_STATICW, L"", SS_LEFT | SS_NOPREFIX, 0, IDC_STEP);
	g.listlabel =
		child(WC_STATICW, T(L"检测结果(&L)：", L"Res&ults:"), SS_LEFT, 0, IDC_LISTLABEL);
	/* The list's window text is its accessible name too. */
	g.list = child(WC_LISTVIEWW, T(L"检测结果", L"Results"),
		WS_TABSTOP | LVS_REPORT | LVS_SINGLESEL | LVS_SHOWSELALWAYS, WS_EX_CLIENTEDGE,
		IDC_LIST);
	ListView_SetExtendedListViewStyle(g.list,
		LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_LABELTIP);
	heads[0] = T(L"状态", L"Status");
	heads[1] = T(L"检测项目", L"Item");
	heads[2] = T(L"详情", L"Detail");
	heads[3] = T(L"建议", L"Advice");
	for (i = 0; i < 4; i++) {
		memset(&col, 0, sizeof(col));
		col.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_SUBITEM;
		col.pszText = (wchar_t *)heads[i];
		col.cx = 100;
		col.iSubItem = i;
		ListView_InsertColumn(g.list, i, &col);
	}
	/* The label before it names the details box (its accessible name and Alt+D). */
	g.detaillabel =
		child(WC_STATICW, T(L"所选项目的详情(&D)：", L"&Details of the selected item:"),
			SS_LEFT, 0, IDC_DETAILLABEL);
	g.detail = child(WC_EDITW, L"",
		WS_TABSTOP | WS_VSCROLL | ES_MULTILINE | ES_READONLY | ES_AUTOVSCROLL,
		WS_EX_CLIENTEDGE, IDC_DETAIL);
	g.log = child(WC_BUTTONW, T(L"查看日志(&V)", L"&View log"), WS_TABSTOP | BS_PUSHBUTTON, 0,
		IDC_LOG);
	g.primary =
		child(WC_BUTTONW, L"", WS_VISIBLE | WS_TABSTOP | BS_DEFPUSHBUTTON, 0, IDC_PRIMARY);
	g.recheck = child(WC_BUTTONW, T(L"重新检测(&A)", L"Check &again"),
		WS_TABSTOP | BS_PUSHBUTTON, 0, IDC_RECHECK);
	g.cancel =
		child(WC_BUTTONW, T(L"取消", L"Cancel"), WS_TABSTOP | BS_PUSHBUTTON, 0, IDC_CANCEL);
	/* 取消's tooltip says what it does (on the window: a disabled button gets no mouse input,
	 * and 取消 is disabled once pressed). */
	g.tip = CreateWindowExW(WS_EX_TOPMOST, TOOLTIPS_CLASSW, NULL, WS_POPUP | TTS_ALWAYSTIP,
		CW_USEDEFAULT, CW_USEDEFAULT, CW_USEDEFAULT, CW_USEDEFAULT, g.hwnd, NULL,
		GetModuleHandleW(NULL), NULL);
	if (g.tip != NULL) {
		TOOLINFOW ti;

		memset(&ti, 0, sizeof(ti));
		ti.cbSize = sizeof(ti);
		ti.uFlags = TTF_SUBCLASS;
		ti.hwnd = g.hwnd;
		ti.uId = IDC_CANCEL;
		ti.lpszText = (wchar_t *)T(L"停止修复：正在进行的一步做完后停下，并撤销已做的全部更"
					   L"改，电脑恢复到修复前。",
			L"Stop the repair: after the step under way it stops and undoes every "
			L"change, "
			L"so the PC is as before.");
		SendMessageW(g.tip, TTM_ADDTOOLW, 0, (LPARAM)&ti);
		SendMessageW(g.tip, TTM_SETMAXTIPWIDTH, 0, S(360));
	}
	set_fonts();
}

static void open_log(void)
{
	if (g.log_path == NULL)
		return;
	/* notepad.exe: the log is text and may have no .txt association. */
	ShellExecuteW(g.hwnd, L"open", L"notepad.exe", g.log_path, NULL, SW_SHOWNORMAL);
}

static LRESULT CALLBACK wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
	switch (msg) {
	case WM_CREATE:
		g.hwnd = hwnd;
		g.dpi = window_dpi(hwnd);
		make_fonts();
		create_controls();
		set_text(g.status,
			T(L"电脑还未进行检测，建议您进行全面检测。",
				L"This PC has not been checked yet: run a full check."));
		set_text(g.step,
			T(L"全面检测会检查操作系统、浏览器、受信任站点、代理、TLS、证书和 "
			  L"UKEY 控件；检测只读取，不做任何更改。",
				L"The full check looks at Windows, the browsers, trusted "
				L"sites, the proxy, TLS, certificates and the UKEY controls. "
				L"It only reads; it changes nothing."));
		enter(ST_NEW);
		return 0;
	case WM_SIZE:
		layout();
		return 0;
	case WM_GETMINMAXINFO: {
		MINMAXINFO *mm = (MINMAXINFO *)lp;

		if (g.dpi) {
			mm->ptMinTrackSize.x = S(560);
			mm->ptMinTrackSize.y = S(400);
		}
		return 0;
	}
	case 0x02E0: /* WM_DPICHANGED: new fonts and sizes for the monitor's DPI */
	{
		RECT *r = (RECT *)lp;

		g.dpi = HIWORD(wp);
		make_fonts();
		set_fonts();
		SetWindowPos(hwnd, NULL, r->left, r->top, r->right - r->left, r->bottom - r->top,
			SWP_NOZORDER | SWP_NOACTIVATE);
		layout();
		return 0;
	}
	case WM_CTLCOLORSTATIC:
		if ((HWND)lp == g.status) {
			HDC dc = (HDC)wp;
			int red = g.check != NULL && g.check->bad > 0 &&
				(g.state == ST_RESULTS || g.state == ST_DONE);

			SetTextColor(dc,
				red ? RGB(0xc0, 0x1c, 0x1c)
					: g.state == ST_RESULTS || g.state == ST_DONE
					? RGB(0x1b, 0x7f, 0x2a)
					: GetSysColor(COLOR_WINDOWTEXT));
			SetBkColor(dc, GetSysColor(COLOR_BTNFACE));
			return (LRESULT)GetSysColorBrush(COLOR_BTNFACE);
		}
		break;
	case DM_GETDEFID:
		return MAKELRESULT(IDC_PRIMARY, DC_HASDEFID);
	case WM_COMMAND:
		switch (LOWORD(wp)) {
		case IDOK:
		case IDC_PRIMARY:
			if (g.busy || !IsWindowEnabled(g.primary))
				return 0;
			if (g.state == ST_NEW)
				start_check();
			else
				start_repair();
			return 0;
		case IDC_RECHECK:
			if (!g.busy) {
				gui_repair_free(g.repair);
				g.repair = NULL;
				start_check();
			}
			return 0;
		case IDC_LOG:
			open_log();
			return 0;
		case IDC_CANCEL:
			if (g.state != ST_REPAIRING || !IsWindowEnabled(g.cancel))
				return 0;
			gui_cancel_repair(&g.job);
			EnableWindow(g.cancel, FALSE);
			set_text(g.status,
				T(L"正在取消：当前一步完成后停止，并撤销已做的更改…",
					L"Cancelling: the repair stops after the step under way "
					L"and "
					L"undoes its changes…"));
			return 0;
		case IDCANCEL:
			return 0;
		}
		break;
	case WM_NOTIFY: {
		NMHDR *h = (NMHDR *)lp;

		if (h->hwndFrom == g.list && h->code == NM_CUSTOMDRAW)
			return custom_draw((NMLVCUSTOMDRAW *)lp);
		if (h->hwndFrom == g.list && h->code == LVN_ITEMCHANGED) {
			NMLISTVIEW *nl = (NMLISTVIEW *)lp;

			if ((nl->uNewState & LVIS_SELECTED) && !(nl->uOldState & LVIS_SELECTED))
				show_detail(nl->iItem);
		}
		break;
	}
	case WM_GUI_CHECKED: {
		int after_repair = g.repair != NULL;

		on_checked((struct gui_check *)lp);
		/* Closed while it worked: no restart question to a hidden window. */
		if (g.close_after) {
			DestroyWindow(hwnd);
			return 0;
		}
		if (after_repair && g.state == ST_DONE)
			after_done_check();
		return 0;
	}
	case WM_GUI_STEP: {
		EnterCriticalSection(&g.job.lock);
		if (g.job.step_text != NULL)
			set_text(g.step, g.job.step_text);
		LeaveCriticalSection(&g.job.lock);
		progress_mode(0);
		SendMessageW(g.progress, PBM_SETRANGE32, 0, (LPARAM)lp);
		SendMessageW(g.progress, PBM_SETPOS, wp, 0);
		layout();
		return 0;
	}
	case WM_GUI_REPAIRED:
		on_repaired((struct gui_repair *)lp);
		if (g.close_after && !g.busy)
			DestroyWindow(hwnd);
		return 0;
	case WM_CLOSE:
		/* The worker posts to this window: close once it is done. A repair goes on. */
		if (g.busy) {
			g.close_after = 1;
			ShowWindow(hwnd, SW_HIDE);
			return 0;
		}
		DestroyWindow(hwnd);
		return 0;
	case WM_DESTROY:
		PostQuitMessage(0);
		return 0;
	}
	return DefWindowProcW(hwnd, msg, wp, lp);
}

int gui_started_alone(void)
{
	DWORD pids[2];

	return GetConsoleProcessList(pids, 2) == 1;
}

/*
 * Common controls v6 (the manifest's side-by-side comctl32) are loaded by the window alone. An
 * import of comctl32 would load it into every run, the console verbs too, and its start-up
 * makes Wine start its desktop process (explorer.exe): about 0.1 s on each `zhushou check`.
 * The manifest's redirection comes before any search path, so this is the v6 DLL.
 */
static int init_common_controls(void)
{
	typedef BOOL(WINAPI * init_fn)(const INITCOMMONCONTROLSEX *);
	INITCOMMONCONTROLSEX icc = {sizeof(icc),
		ICC_LISTVIEW_CLASSES | ICC_PROGRESS_CLASS | ICC_STANDARD_CLASSES | ICC_BAR_CLASSES};
	HMODULE m = LoadLibraryExW(L"comctl32.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
	init_fn init;

	/* Windows 7 without KB2533623 knows no LOAD_LIBRARY_SEARCH_* flags; there too the
	 * manifest's redirection is looked at before any folder is searched. */
	if (m == NULL && GetLastError() == ERROR_INVALID_PARAMETER)
		m = LoadLibraryW(L"comctl32.dll");
	if (m == NULL)
		return -1;
	init = (init_fn)(void (*)(void))GetProcAddress(m, "InitCommonControlsEx");
	return init != NULL && init(&icc) ? 0 : -1;
}

int verb_gui(struct zh_cli *cli)
{
	WNDCLASSEXW wc;
	HINSTANCE inst = GetModuleHandleW(NULL);
	MSG msg;
	int a, w, h;
	HWND con;

	memset(&g, 0, sizeof(g));
	g.cli = cli;
	for (a = 0; a < cli->argc; a++) {
		if (strcmp(cli->argv[a], "--source") == 0 && a + 1 < cli->argc) {
			g.job.source = cli->argv[++a];
		} else {
			err_printf("zhushou gui: %s '%s'\n",
				ZH_T(cli, "多余的参数", "unexpected argument"), cli->argv[a]);
			return ZH_EXIT_USAGE;
		}
	}
	/* A console of its own (started from Explorer) is hidden; cmd.exe's stays as it is. */
	con = GetConsoleWindow();
	if (con != NULL && gui_started_alone()) {
		ShowWindow(con, SW_HIDE);
		FreeConsole();
	}
	if (init_common_controls() != 0) {
		err_printf("zhushou gui: %s (%lu)\n",
			ZH_T(cli, "无法加载 Windows 公共控件 comctl32.dll",
				"cannot load comctl32.dll"),
			(unsigned long)GetLastError());
		return ZH_EXIT_FAILED;
	}
	InitializeCriticalSection(&g.job.lock);
	g.job.cli = cli;
	memset(&wc, 0, sizeof(wc));
	wc.cbSize = sizeof(wc);
	wc.lpfnWndProc = wndproc;
	wc.hInstance = inst;
	wc.hIcon = LoadIconW(inst, MAKEINTRESOURCEW(1));
	wc.hIconSm = (HICON)LoadImageW(inst, MAKEINTRESOURCEW(1), IMAGE_ICON,
		GetSystemMetrics(SM_CXSMICON), GetSystemMetrics(SM_CYSMICON), 0);
	wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
	wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
	wc.lpszClassName = GUI_CLASS;
	if (!RegisterClassExW(&wc))
		return ZH_EXIT_FAILED;
	g.dpi = window_dpi(NULL);
	w = S(780);
	h = S(540);
	g.dpi = 0;
	g.hwnd = CreateWindowExW(WS_EX_CONTROLPARENT | WS_EX_APPWINDOW, GUI_CLASS,
		cli->lang[0] == 'z' ? L"助手 zhushou" : L"zhushou", WS_OVERLAPPEDWINDOW,
		CW_USEDEFAULT, CW_USEDEFAULT, w, h, NULL, NULL, inst, NULL);
	if (g.hwnd == NULL)
		return ZH_EXIT_FAILED;
	g.job.hwnd = g.hwnd;
	ShowWindow(g.hwnd, SW_SHOWNORMAL);
	UpdateWindow(g.hwnd);
	while (GetMessageW(&msg, NULL, 0, 0) > 0) {
		/* Tab order, mnemonics and the default button, as in a dialog. */
		if (IsDialogMessageW(g.hwnd, &msg))
			continue;
		TranslateMessage(&msg);
		DispatchMessageW(&msg);
	}
	gui_join();
	gui_check_free(g.check);
	gui_repair_free(g.repair);
	free(g.log_path);
	free(g.job.step_text);
	DeleteCriticalSection(&g.job.lock);
	if (g.font)
		DeleteObject(g.font);
	if (g.big)
		DeleteObject(g.big);
	return ZH_EXIT_OK;
}
