/* SPDX-License-Identifier: MIT */
/*
 * The PC's drive letters and what they are (GetDriveType), with the volume label of CD-ROM
 * drives: a UKEY that is plugged in shows up as a CD drive with the vendor's label, so a
 * key that Windows sees but the module does not can be told from a key that is not there.
 * posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_DRIVES_H
#define ZH_SYS_DRIVES_H

#include <stddef.h>

#include "../core/err.h"

enum sys_drive_type {
	SYS_DRIVE_OTHER,
	SYS_DRIVE_REMOVABLE,
	SYS_DRIVE_FIXED,
	SYS_DRIVE_REMOTE,
	SYS_DRIVE_CDROM,
	SYS_DRIVE_RAMDISK,
};

struct sys_drive {
	char letter; /* 'A'..'Z' */
	enum sys_drive_type type;
	int ready; /* SYS_DRIVE_CDROM: a medium is in, its label read */
	char label[64]; /* UTF-8, "" when unknown or none */
};

/* The drives in letter order, at most 26, into out; *ret_n their number. */
int sys_drives_list(struct sys_drive out[26], size_t *ret_n, struct zh_err *err);

#endif
