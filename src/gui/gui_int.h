/* SPDX-License-Identifier: MIT */
/*
 * What the window (gui.c) and its worker (work.c) share: the messages the worker posts and the
 * results they carry. Every result is allocated by the worker and freed by the window with
 * gui_check_free / gui_repair_free after it has been shown.
 */
#ifndef ZH_GUI_INT_H
#define ZH_GUI_INT_H

#include <windows.h>

struct zh_cli;

#define GUI_CLASS L"zhushou.main"
#define WM_GUI_CHECKED (WM_APP + 1) /* lParam: struct gui_check * */
#define WM_GUI_STEP (WM_APP + 2) /* wParam: step (1-based), lParam: total */
#define WM_GUI_REPAIRED (WM_APP + 3) /* lParam: struct gui_repair * */

/* One check's verdict, in the window's language. */
struct gui_item {
	int status; /* enum zh_status */
	char *id;
	wchar_t *title, *detail, *advice;
};

struct gui_check {
	int ok; /* the check ran; else error holds why */
	wchar_t *error; /* the core's error in the window's language, or NULL */
	wchar_t *profile; /* the catalog's profile name */
	struct gui_item *items;
	size_t nitems;
	size_t bad; /* items failed or in error */
};

enum gui_launch {
	GUI_LAUNCHED, /* the repair ran: exit_code is its code */
	GUI_DECLINED, /* the user said no to the UAC prompt (ERROR_CANCELLED) */
	GUI_NOT_STARTED, /* it could not be started: error says why */
};

struct gui_repair {
	enum gui_launch launch;
	unsigned long exit_code;
	wchar_t *error; /* the last error the repair logged, or why it did not start, or NULL */
	wchar_t *log_path; /* the repair's --log file */
	wchar_t *steps; /* the items its steps repaired, "、"-separated, or NULL */
	unsigned nsteps; /* the steps it ran */
};

/* What the worker needs; owned by the window, read-only while a worker runs. */
struct gui_job {
	HWND hwnd;
	const struct zh_cli *cli;
	const char *source; /* --source for the repair, or NULL */
	const struct gui_check *last; /* the check shown (step titles by check id) */
	wchar_t *step_text; /* repair: the current step's text, written under lock */
	/* 取消: the repair's --cancel-file ("" until the worker made it) and whether the user
	 * asked, both under lock; whoever comes second creates the file. */
	wchar_t cancel_path[MAX_PATH + 16];
	int cancel_asked;
	CRITICAL_SECTION lock;
};

/* Start the check / the repair on a worker thread; 0 or -1 (nothing started). */
int gui_start_check(struct gui_job *job);
int gui_start_repair(struct gui_job *job);
/* 取消: ask the running repair to stop and undo what it did (its --cancel-file). */
void gui_cancel_repair(struct gui_job *job);
/* Wait for the worker that posted its last message. */
void gui_join(void);

void gui_check_free(struct gui_check *c);
void gui_repair_free(struct gui_repair *r);
/* UTF-8 to a new UTF-16 string (free with free), never NULL except when out of memory. */
wchar_t *gui_wide(const char *s);

#endif
