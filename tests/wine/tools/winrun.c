/* SPDX-License-Identifier: MIT */
/*
 * winrun: the Windows-side parent the Wine harness runs commands through. It starts its own
 * command line tail, waits for it and prints the child's full 32-bit exit code in decimal on
 * stdout, because the Linux shell only ever sees the low 8 bits (3010 arrives as 194).
 * It does not interpret the child's arguments: they are passed on character for character.
 *
 *   winrun [--timeout MS] [--out FILE] [--raw CMDLINE | PROGRAM ARGS...]
 *
 * --timeout MS  kill the child and everything it started (job object), print "timeout".
 * --out FILE    the child's stdout goes to FILE (created or truncated), so that winrun's own
 *               stdout holds nothing but the exit code. Without it the child shares winrun's
 *               stdout and its output comes first.
 * --raw CMDLINE use the single argument CMDLINE as the child's command line, unquoted. Needed
 *               for NSIS uninstallers: "_?=C:\Program Files\X" must be last and must not be
 *               quoted, which no argv-to-command-line conversion would produce.
 *
 * Exit status: 0 when the child ran (whatever its exit code), 2 on usage errors, 3 when the
 * child could not be started.
 */
#include <windows.h>
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

static int usage(void)
{
	fprintf(stderr,
		"usage: winrun [--timeout MS] [--out FILE] "
		"[--raw CMDLINE | PROGRAM ARGS...]\n");
	return 2;
}

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *tail = skip_arg0(GetCommandLineW());
	const wchar_t *out_path = NULL;
	DWORD timeout = INFINITE;
	int i = 1;
	wchar_t *cmdline;
	STARTUPINFOW si;
	PROCESS_INFORMATION pi;
	SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
	HANDLE job, child_out = INVALID_HANDLE_VALUE;
	JOBOBJECT_EXTENDED_LIMIT_INFORMATION lim;
	DWORD code = 0, w;
	char buf[32];

	/* Options come first; the tail after them is the child's command line, as typed. */
	for (;;) {
		if (i + 1 < argc && wcscmp(argv[i], L"--timeout") == 0)
			timeout = wcstoul(argv[i + 1], NULL, 10);
		else if (i + 1 < argc && wcscmp(argv[i], L"--out") == 0)
			out_path = argv[i + 1];
		else
			break;
		tail = skip_arg(skip_arg(tail));
		i += 2;
	}
	if (i < argc && wcscmp(argv[i], L"--raw") == 0) {
		if (i + 2 != argc)
			return usage();
		tail = argv[i + 1];
	} else if (i >= argc) {
		return usage();
	}
	/* CreateProcessW may write into its command line buffer: give it a private copy. */
	cmdline = _wcsdup(tail);

	memset(&si, 0, sizeof(si));
	si.cb = sizeof(si);
	if (out_path) {
		child_out = CreateFileW(out_path, GENERIC_WRITE, FILE_SHARE_READ, &sa,
			CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
		if (child_out == INVALID_HANDLE_VALUE) {
			fprintf(stderr, "winrun: cannot create '%ls': error %lu\n", out_path,
				GetLastError());
			return 3;
		}
		si.dwFlags = STARTF_USESTDHANDLES;
		si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
		si.hStdOutput = child_out;
		si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	}

	/* The job object lets a timeout end the whole tree (msiexec and NSIS spawn children).
	 * BREAKAWAY_OK keeps working when winrun itself already runs inside a job. */
	job = CreateJobObjectW(NULL, NULL);
	memset(&lim, 0, sizeof(lim));
	lim.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_BREAKAWAY_OK;
	if (job)
		SetInformationJobObject(job, JobObjectExtendedLimitInformation, &lim, sizeof(lim));

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
