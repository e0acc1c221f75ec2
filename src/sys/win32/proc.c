/* SPDX-License-Identifier: MIT */
/* Process control for the win32 backend. */
#include <windows.h>

#include "../fault.h"
#include "../../core/banned.h"

void sys_proc_crash(void)
{
	/* TerminateProcess skips atexit handlers, DLL detach and buffer flushes: a power cut. */
	TerminateProcess(GetCurrentProcess(), 99);
	for (;;)
		Sleep(INFINITE);
}
