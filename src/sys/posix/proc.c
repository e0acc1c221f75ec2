/* SPDX-License-Identifier: MIT */
/* Process control for the posix backend. */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "../fault.h"
#include "../../core/banned.h"

void sys_proc_crash(void)
{
	/* _exit skips atexit handlers and stdio flushes: as close to a power cut as a test needs.
	 */
	_exit(99);
}
