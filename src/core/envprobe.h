/* SPDX-License-Identifier: MIT */
/*
 * Facts about the PC that the guide's FAQ turns on and that zhushou reports but never
 * changes: the Windows version, the IE version (IE8 shows a white page, below IE10 submit does
 * nothing), Chrome and Edge, Group Policy that blocks USB storage or the CD-ROM driver (the
 * UKEY shows up as a CD drive), and a pending reboot. All read from the registry.
 */
#ifndef ZH_ENVPROBE_H
#define ZH_ENVPROBE_H

#include <stdint.h>

#include "err.h"

struct zh_env_state {
	char *os_name; /* ProductName, NULL if unknown */
	uint32_t os_build; /* CurrentBuild(Number), 0 if unknown */
	int os_major; /* 10 for Windows 10/11, 6 for 7/8 (from CurrentVersion), 0 unknown */
	int os_minor;
	char *ie_version; /* svcVersion (IE10+) or Version; NULL if none */
	int ie_major;
	char *chrome; /* Chrome's executable (App Paths), NULL if absent */
	char *chrome_version;
	char *edge;
	char *edge_version;
	int usbstor_disabled; /* USBSTOR service Start = 4 */
	int cdrom_disabled; /* cdrom service Start = 4 */
	int removable_denied; /* RemovableStorageDevices policy denies all or CD-ROM read */
	int reboot_file_ops; /* PendingFileRenameOperations is not empty */
	int reboot_cbs; /* Component Based Servicing\RebootPending */
	int reboot_wu; /* WindowsUpdate\Auto Update\RebootRequired */
};

/* Read the facts into *st (release with zh_env_release). ZH_ENOTSUP without a registry. */
int zh_env_probe(struct zh_env_state *st, struct zh_err *err);

void zh_env_release(struct zh_env_state *st);

/* "Windows 7", "Windows 10", "Windows 11" or NULL, from the version and build. */
const char *zh_env_os_label(const struct zh_env_state *st);

#endif
