/* SPDX-License-Identifier: MIT */
/* Console output on posix: UTF-8 bytes to the file descriptor, retrying short writes. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <unistd.h>

#include "../console.h"
#include "../../core/banned.h"

static int stream_fd(enum sys_stream stream)
{
	return stream == SYS_STDERR ? 2 : 1;
}

int sys_console_is_tty(enum sys_stream stream)
{
	return isatty(stream_fd(stream));
}

int sys_console_write(enum sys_stream stream, const char *utf8, size_t n, struct zh_err *err)
{
	while (n > 0) {
		ssize_t w = write(stream_fd(stream), utf8, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return zh_err_sys(err, ZH_EIO, errno, "cannot write output");
		utf8 += w;
		n -= (size_t)w;
	}
	return 0;
}
