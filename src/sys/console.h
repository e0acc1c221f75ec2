/* SPDX-License-Identifier: MIT */
/*
 * Text to the user. On a Windows console the text goes through WriteConsoleW, so Chinese
 * shows right whatever the console code page; redirected to a file or pipe it is written as
 * UTF-8 bytes unchanged. Input is always UTF-8.
 */
#ifndef ZH_SYS_CONSOLE_H
#define ZH_SYS_CONSOLE_H

#include <stddef.h>

#include "../core/err.h"

enum sys_stream {
	SYS_STDOUT,
	SYS_STDERR,
};

/* Write n bytes of UTF-8. */
int sys_console_write(enum sys_stream stream, const char *utf8, size_t n, struct zh_err *err);

/* 1 if the stream is an interactive console/terminal, else 0. */
int sys_console_is_tty(enum sys_stream stream);

#endif
