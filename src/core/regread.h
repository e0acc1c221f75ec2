/* SPDX-License-Identifier: MIT */
/* Lenient registry reads for the probes (regread.c). */
#ifndef ZH_REGREAD_H
#define ZH_REGREAD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "../sys/reg.h"

/*
 * The DWORD root\path\name (64-bit view): *ret_found 0 when absent; a value of another type
 * is counted in *odd. ZH_ENOTSUP, ZH_ENOMEM.
 */
int zh_regread_dword(enum sys_reg_root root, const char *path, const char *name, uint32_t *ret,
	int *ret_found, size_t *odd, struct zh_err *err);

/* The string root\path\name into *ret (zh_free), NULL when absent or odd (counted). */
int zh_regread_str(enum sys_reg_root root, const char *path, const char *name, char **ret,
	size_t *odd, struct zh_err *err);

#endif
