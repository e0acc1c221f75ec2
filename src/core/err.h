/* SPDX-License-Identifier: MIT */
/*
 * One error type for the whole program: a negative ZH_E* code, the OS error number behind
 * it (errno or GetLastError(), 0 if none) and a message for humans. The first error set on a
 * struct zh_err wins; callers add context with zh_err_wrap(). Core code never prints: it
 * fills a struct zh_err and returns the code.
 */
#ifndef ZH_ERR_H
#define ZH_ERR_H

#include <stdarg.h>

#define ZH_ERR(name, value, en, zh) name = value,
enum zh_err_code {
#include "err_codes.h"
};
#undef ZH_ERR

/*
 * printf-style checking for our own functions. gnu_printf, because mingw-w64 builds use the
 * C99 printf of libmingwex (__USE_MINGW_ANSI_STDIO) where plain "printf" would mean msvcrt's.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define ZH_FORMAT(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#else
#define ZH_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

struct zh_err {
	int code;
	long sys;
	char msg[512];
};

/* An empty error: code 0, no message. NULL is a no-op. */
void zh_err_init(struct zh_err *err);

/*
 * Set the error if none is set yet (the first error wins) and return code, so a caller can
 * write `return zh_err_set(err, ZH_EINVAL, "bad '%s'", x);`. err may be NULL.
 */
int zh_err_set(struct zh_err *err, int code, const char *fmt, ...) ZH_FORMAT(3, 4);

/* Like zh_err_set, and records the OS error number sys. */
int zh_err_sys(struct zh_err *err, int code, long sys, const char *fmt, ...) ZH_FORMAT(4, 5);

/* Prefix context to an error already set: "installing 'x': <old message>". */
void zh_err_wrap(struct zh_err *err, const char *fmt, ...) ZH_FORMAT(2, 3);

/* Default text of a code in English ("en") or Chinese ("zh"); never NULL. */
const char *zh_err_str(int code, const char *lang);

/* Name of a code ("ZH_ENOENT"), for logs and --json; never NULL. */
const char *zh_err_name(int code);

#endif
