/* SPDX-License-Identifier: MIT */
/*
 * holdfile: opens a file with share mode 0 (no one else may read, write, rename or delete it;
 * WINE.md "Files": Wine gives ERROR_SHARING_VIOLATION as Windows does) and holds it until told
 * to let go. For locked-file tests, and to keep a wineserver session alive.
 *
 *   holdfile [--ready PATH] [--until PATH] [--event NAME] [--seconds N] FILE
 *
 * FILE is created if missing. --ready: create PATH once FILE is held, so the caller knows the
 * lock is in place. Let go when PATH (--until) exists, when the named event (--event, created
 * if missing) is set, or after N seconds (--seconds, default 60), whichever comes first.
 * Exit status: 0 released by PATH or event, 1 timed out, 2 usage error, 3 FILE not opened.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *ready = NULL, *until = NULL, *event_name = NULL, *file = NULL;
	DWORD seconds = 60, waited = 0;
	HANDLE h, ev = NULL, rh;
	int i;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && wcscmp(argv[i], L"--ready") == 0)
			ready = argv[++i];
		else if (i + 1 < argc && wcscmp(argv[i], L"--until") == 0)
			until = argv[++i];
		else if (i + 1 < argc && wcscmp(argv[i], L"--event") == 0)
			event_name = argv[++i];
		else if (i + 1 < argc && wcscmp(argv[i], L"--seconds") == 0)
			seconds = wcstoul(argv[++i], NULL, 10);
		else if (!file && argv[i][0] != L'-')
			file = argv[i];
		else {
			fprintf(stderr,
				"usage: holdfile [--ready PATH] [--until PATH] [--event NAME] "
				"[--seconds N] FILE\n");
			return 2;
		}
	}
	if (!file) {
		fprintf(stderr, "holdfile: no FILE\n");
		return 2;
	}
	h = CreateFileW(file, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_ALWAYS,
		FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		fprintf(stderr, "holdfile: cannot open '%ls': error %lu\n", file, GetLastError());
		return 3;
	}
	if (event_name)
		ev = CreateEventW(NULL, TRUE, FALSE, event_name);
	if (ready) {
		rh = CreateFileW(ready, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
			FILE_ATTRIBUTE_NORMAL, NULL);
		if (rh != INVALID_HANDLE_VALUE)
			CloseHandle(rh);
	}
	/* Poll in 50 ms steps: a file appearing has no wait handle that works across the
	 * Linux side and Wine. */
	while (waited < seconds * 1000) {
		if (until && GetFileAttributesW(until) != INVALID_FILE_ATTRIBUTES)
			break;
		if (ev ? WaitForSingleObject(ev, 50) == WAIT_OBJECT_0 : (Sleep(50), 0))
			break;
		waited += 50;
	}
	CloseHandle(h);
	return waited < seconds * 1000 ? 0 : 1;
}
