/* SPDX-License-Identifier: MIT */
/* Drive letters through GetLogicalDrives and GetDriveTypeW; see drives.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "../drives.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

static enum sys_drive_type kind(UINT t)
{
	switch (t) {
	case DRIVE_REMOVABLE:
		return SYS_DRIVE_REMOVABLE;
	case DRIVE_FIXED:
		return SYS_DRIVE_FIXED;
	case DRIVE_REMOTE:
		return SYS_DRIVE_REMOTE;
	case DRIVE_CDROM:
		return SYS_DRIVE_CDROM;
	case DRIVE_RAMDISK:
		return SYS_DRIVE_RAMDISK;
	default:
		return SYS_DRIVE_OTHER;
	}
}

int sys_drives_list(struct sys_drive out[26], size_t *ret_n, struct zh_err *err)
{
	DWORD mask;
	UINT old;
	int i, rc = ZH_FAULT_CHECK("sys_drives_list", err);

	*ret_n = 0;
	if (rc != 0)
		return rc;
	if ((mask = GetLogicalDrives()) == 0)
		return win_err(err, GetLastError(), "cannot list the drives", "A:-Z:");
	/* An empty CD drive must not bring up "insert a disk" boxes. */
	old = SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
	for (i = 0; i < 26; i++) {
		wchar_t root[4] = {(wchar_t)(L'A' + i), L':', L'\\', 0}, label[MAX_PATH + 1];
		struct sys_drive *d = &out[*ret_n];
		char *u;

		if (!(mask & (1u << i)))
			continue;
		memset(d, 0, sizeof(*d));
		d->letter = (char)('A' + i);
		d->type = kind(GetDriveTypeW(root));
		(*ret_n)++;
		/* Only CD drives are asked for a label: a network drive may take seconds. */
		if (d->type != SYS_DRIVE_CDROM ||
			!GetVolumeInformationW(root, label, MAX_PATH + 1, NULL, NULL, NULL, NULL,
				0))
			continue;
		d->ready = 1;
		if ((u = utf8_from_w(label, (size_t)-1)) == NULL) {
			(void)SetErrorMode(old);
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		}
		if (strlen(u) < sizeof(d->label))
			memcpy(d->label, u, strlen(u) + 1);
		free(u);
	}
	(void)SetErrorMode(old);
	return 0;
}
