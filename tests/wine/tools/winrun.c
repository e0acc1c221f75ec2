/* SPDX-License-Identifier: MIT */
/*
 * winrun: the Windows-side parent the Wine harness runs commands through. It starts its own
 * command line tail, waits for it and prints the child's full 32-bit exit code in decimal on
 * stdout, because the Linux shell only ever sees the low 8 bits (3010 arrives as 194).
 * It does not interpret the child's arguments: they are passed on byte for byte.
 *
 *   winrun [--timeout MS] [--raw CMDLINE | PROGRAM ARGS...]
 *
 * --timeout MS  kill the child and everything it started (job object), print "timeout".
 * --raw CMDLINE use the single argument CMDLINE as the child's command line, unquoted. Needed
 *               for NSIS uninstallers: "_?=C:\Program Files\X" must be last and must not be
 *               quoted, which no argv-to-command-line conversion would produce.
 *
 * Exit status: 0 when the child ran (whatever its exit code), 2 on usage errors, 3 when the
 * child could not be started. The child inherits stdin/stdout/stderr, so its own output comes
 * before the exit code line.
 */
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <wchar.h>

static void out(const char *s)
{
	DWORD n;

	WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), s, (DWORD)strlen(s), &n, NULL);
}

/* Skip one argument of a command line by the rules CreateProcess/the CRT use for argv[0]
 * (quotes toggle, no backslash escapes), then the blanks after it. */
static const wchar_t *skip_arg0(const wchar_t *p)
{
	if (*p == L'"') {
		p++;
		while (*p && *p != L'"')
			p++;
		if (*p)
			p++;
	} else {
		while (*p && *p != L' ' && *p != L'\t')
			p++;
	}
	while (*p == L' ' || *p == L'\t')
		p++;
	return p;
}

/* Skip one ordinary (CRT-quoted) argument; the tail after it is passed on untouched. */
static const wchar_t *skip_arg(const wchar_t *p)
{
	int quoted = 0;

	while (*p && (quoted || (*p != L' ' && *p != L'\t'))) {
		if (*p == L'\\') {
			while (*p == L'\\')
				p++;
			if (*p == L'"')
				p++;
			continue;
		}
		if (*p == L'"')
			quoted = !quoted;
		p++;
	}
	while (*p == L' ' || *p == L'\t')
		p++;
	return p;
}

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *tail = skip_arg0(GetCommandLineW());
	DWORD timeout = INFINITE;
	int i = 1;
	wchar_t *cmdline = NULL;
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	HANDLE job = NULL;
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
	DWORD code = 0, w;
	char buf[32];

	if (i < argc && wcscmp(argv[i], L"--timeout") == 0) {
		if (i + 1 >= argc) {
			fprintf(stderr, "winrun: --timeout needs milliseconds\n");
			return 2;
		}
		timeout = wcstoul(argv[i + 1], NULL, 10);
		tail = skip_arg(skip_arg(tail));
		i += 2;
	}
	if (i < argc && wcscmp(argv[i], L"--raw") == 0) {
		if (i + 2 != argc) {
			fprintf(stderr, "winrun: --raw takes exactly one argument\n");
			return 2;
		}
		tail = argv[i + 1];
		i = argc;
	} else if (i >= argc) {
		fprintf(stderr, "usage: winrun [--timeout MS] [--raw CMDLINE | PROGRAM ARGS...]\n");
		return 2;
	}
	/* CreateProcessW may write into its command line buffer: give it a private copy. */
	cmdline = _wcsdup(tail);

	/* The job object lets a timeout end the whole tree (msiexec and NSIS spawn children).
	 * BREAKAWAY_OK keeps working when winrun itself already runs inside a job. */
	job = CreateJobObjectW(NULL, NULL);
	memset(&lim, 0, sizeof(lim));
	lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_BREAKAWAY_OK;
	if (job)
		SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof(lim));

	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	if (!CreateProcessW(NULL, cmdline, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si,
			    &pi)) {
		fprintf(stderr, "winrun: cannot start '%ls': error %lu\n", cmdline, GetLastError());
		return 3;
	}
	if (job && !AssignProcessToJobObject(job, pi.hProcess)) {
		CloseHandle(job);
		job = NULL;
	}
	ResumeThread(pi.hThread);

	w = WaitForSingleObject(pi.hProcess, timeout);
	if (w == WAIT_TIMEOUT) {
		if (job)
			TerminateJobObject(job, 1);
		else
			TerminateProcess(pi.hProcess, 1);
		WaitForSingleObject(pi.hProcess, 5000);
		out("timeout\n");
		return 0;
	}
	GetExitCodeProcess(pi.hProcess, &code);
	snprintf(buf, sizeof(buf), "%lu\n", code);
	out(buf);
	return 0;
}
