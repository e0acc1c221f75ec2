/* SPDX-License-Identifier: MIT */
/*
 * holdmutex NAME READY RELEASE [SECONDS]: create and own the named mutex NAME, create the file
 * READY, then hold the mutex until the file RELEASE appears or SECONDS pass (default 60).
 * Stands in for "another zhushou is running" in single-instance tests; killing it leaves the
 * mutex abandoned, as a crashed zhushou would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

int wmain(int argc, wchar_t **argv)
{
	HANDLE m, f;
	int seconds = argc > 4 ? _wtoi(argv[4]) : 60, i;

	if (argc < 4) {
		fprintf(stderr, "usage: holdmutex NAME READY RELEASE [SECONDS]\n");
		return 2;
	}
	m = CreateMutexW(NULL, TRUE, argv[1]);
	if (m == NULL || GetLastError() == ERROR_ALREADY_EXISTS) {
		fprintf(stderr, "holdmutex: cannot own the mutex (error %lu)\n", GetLastError());
		return 1;
	}
	f = CreateFileW(argv[2], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
	if (f != INVALID_HANDLE_VALUE)
		CloseHandle(f);
	for (i = 0; i < seconds * 10; i++) {
		if (GetFileAttributesW(argv[3]) != INVALID_FILE_ATTRIBUTES)
			break;
		Sleep(100);
	}
	ReleaseMutex(m);
	CloseHandle(m);
	return 0;
}
