/* SPDX-License-Identifier: MIT */
/*
 * Console output. A real console gets UTF-16 through WriteConsoleW, which shows Chinese
 * whatever the console code page is; a pipe or file gets the UTF-8 bytes unchanged (WINE.md:
 * GetConsoleMode fails when redirected).
 */
#include <stdlib.h>
#include <windows.h>

#include "../console.h"
#include "wstr.h"
#include "../../core/banned.h"

static HANDLE stream_handle(enum sys_stream stream)
{
	return GetStdHandle(stream == SYS_STDERR ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE);
}

int sys_console_is_tty(enum sys_stream stream)
{
	DWORD mode;

	return GetConsoleMode(stream_handle(stream), &mode) ? 1 : 0;
}

int sys_console_write(enum sys_stream stream, const char *utf8, size_t n, struct zh_err *err)
{
	HANDLE h = stream_handle(stream);
	DWORD mode, done;
	wchar_t *w;
	int wn;

	if (h == NULL || h == INVALID_HANDLE_VALUE || n == 0)
		return 0;
	if (!GetConsoleMode(h, &mode)) {
		while (n > 0) {
			DWORD chunk = n > 65536 ? 65536 : (DWORD)n;

			if (!WriteFile(h, utf8, chunk, &done, NULL))
				return win_err(err, GetLastError(), "cannot write", "output");
			utf8 += done;
			n -= done;
		}
		return 0;
	}
	wn = MultiByteToWideChar(CP_UTF8, 0, utf8, (int)n, NULL, 0);
	if (wn <= 0)
		return zh_err_set(err, ZH_EINVAL, "output is not valid UTF-8");
	w = malloc((size_t)wn * sizeof(wchar_t));
	if (w == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot write output");
	(void)MultiByteToWideChar(CP_UTF8, 0, utf8, (int)n, w, wn);
	if (!WriteConsoleW(h, w, (DWORD)wn, &done, NULL)) {
		free(w);
		return win_err(err, GetLastError(), "cannot write", "console");
	}
	free(w);
	return 0;
}
