/* SPDX-License-Identifier: MIT */
/* Environment facts; see envprobe.h. Missing keys and odd value types read as "unknown". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envprobe.h"
#include "regread.h"
#include "mem.h"
#include "../sys/reg.h"
#include "banned.h"

#define NT_CV "Software\\Microsoft\\Windows NT\\CurrentVersion"
#define SERVICES "SYSTEM\\CurrentControlSet\\Services"
#define APP_PATHS "Software\\Microsoft\\Windows\\CurrentVersion\\App Paths"

static int str(enum sys_reg_root root, const char *path, const char *name, char **ret,
	struct zh_err *err)
{
	size_t odd = 0;

	return zh_regread_str(root, path, name, ret, &odd, err);
}

/* 0 when the DWORD is there (into *ret), else non-zero. */
static int dword(const char *path, const char *name, uint32_t *ret)
{
	size_t odd = 0;
	int found = 0;

	return zh_regread_dword(SYS_REG_HKLM, path, name, ret, &found, &odd, NULL) == 0 && found
		? 0
		: ZH_ENOENT;
}

static int key_exists(const char *path)
{
	struct sys_reg_key *k = NULL;
	int rc = sys_reg_open(SYS_REG_HKLM, path, SYS_REG_VIEW_64, 0, &k, NULL);

	sys_reg_close(k);
	return rc == 0;
}

static int leading_int(const char *s)
{
	return s == NULL ? 0 : atoi(s);
}

static int multi_sz_nonempty(const char *path, const char *name)
{
	struct sys_reg_key *k = NULL;
	enum sys_reg_type type;
	void *data = NULL;
	size_t len = 0, i;
	int found = 0;

	if (sys_reg_open(SYS_REG_HKLM, path, SYS_REG_VIEW_64, 0, &k, NULL) != 0)
		return 0;
	if (sys_reg_get(k, name, &type, &data, &len, NULL) == 0)
		for (i = 0; i < len && !found; i++)
			found = ((unsigned char *)data)[i] != 0;
	sys_free(data);
	sys_reg_close(k);
	return found;
}

static int probe_browser(const char *exe, const char *beacon, char **ret_path, char **ret_version,
	struct zh_err *err)
{
	char path[256];
	int rc;

	(void)snprintf(path, sizeof(path), "%s\\%s", APP_PATHS, exe);
	if ((rc = str(SYS_REG_HKLM, path, "", ret_path, err)) != 0)
		return rc;
	if (*ret_path == NULL && (rc = str(SYS_REG_HKCU, path, "", ret_path, err)) != 0)
		return rc;
	return str(SYS_REG_HKCU, beacon, "version", ret_version, err);
}

int zh_env_probe(struct zh_env_state *st, struct zh_err *err)
{
	char *build = NULL, *cur = NULL;
	uint32_t v;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = str(SYS_REG_HKLM, NT_CV, "ProductName", &st->os_name, err)) != 0 ||
		(rc = str(SYS_REG_HKLM, NT_CV, "CurrentBuildNumber", &build, err)) != 0 ||
		(rc = str(SYS_REG_HKLM, NT_CV, "CurrentVersion", &cur, err)) != 0)
		goto out;
	st->os_build = (uint32_t)leading_int(build);
	if (dword(NT_CV, "CurrentMajorVersionNumber", &v) == 0) {
		st->os_major = (int)v;
		st->os_minor = dword(NT_CV, "CurrentMinorVersionNumber", &v) == 0 ? (int)v : 0;
	} else if (cur != NULL) {
		st->os_major = leading_int(cur);
		st->os_minor = strchr(cur, '.') != NULL ? leading_int(strchr(cur, '.') + 1) : 0;
	}
	/* IE10 and later keep "9.1x..." in Version and the real one in svcVersion. */
	if ((rc = str(SYS_REG_HKLM, "Software\\Microsoft\\Internet Explorer", "svcVersion",
		     &st->ie_version, err)) != 0)
		goto out;
	if (st->ie_version == NULL &&
		(rc = str(SYS_REG_HKLM, "Software\\Microsoft\\Internet Explorer", "Version",
			 &st->ie_version, err)) != 0)
		goto out;
	st->ie_major = leading_int(st->ie_version);
	if ((rc = probe_browser("chrome.exe", "Software\\Google\\Chrome\\BLBeacon", &st->chrome,
		     &st->chrome_version, err)) != 0 ||
		(rc = probe_browser("msedge.exe", "Software\\Microsoft\\Edge\\BLBeacon", &st->edge,
			 &st->edge_version, err)) != 0)
		goto out;
	st->usbstor_disabled = dword(SERVICES "\\USBSTOR", "Start", &v) == 0 && v == 4;
	st->cdrom_disabled = dword(SERVICES "\\cdrom", "Start", &v) == 0 && v == 4;
	st->removable_denied =
		(dword("Software\\Policies\\Microsoft\\Windows\\RemovableStorageDevices",
			 "Deny_All", &v) == 0 &&
			v == 1) ||
		(dword("Software\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\"
		       "{53f56308-b6bf-11d0-94f2-00a0c91efb8b}",
			 "Deny_Read", &v) == 0 &&
			v == 1) ||
		/* Removable disks: a UKEY with a storage part may show up as one. */
		(dword("Software\\Policies\\Microsoft\\Windows\\RemovableStorageDevices\\"
		       "{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}",
			 "Deny_Read", &v) == 0 &&
			v == 1);
	st->reboot_file_ops =
		multi_sz_nonempty("SYSTEM\\CurrentControlSet\\Control\\Session Manager",
			"PendingFileRenameOperations");
	st->reboot_cbs = key_exists("Software\\Microsoft\\Windows\\CurrentVersion\\Component Based "
				    "Servicing\\RebootPending");
	st->reboot_wu =
		key_exists("Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto "
			   "Update\\RebootRequired");
out:
	zh_free(build);
	zh_free(cur);
	if (rc != 0)
		zh_env_release(st);
	return rc;
}

void zh_env_release(struct zh_env_state *st)
{
	zh_free(st->os_name);
	zh_free(st->ie_version);
	zh_free(st->chrome);
	zh_free(st->chrome_version);
	zh_free(st->edge);
	zh_free(st->edge_version);
	memset(st, 0, sizeof(*st));
}

const char *zh_env_os_label(const struct zh_env_state *st)
{
	if (st->os_major == 10)
		return st->os_build >= 22000 ? "Windows 11" : "Windows 10";
	if (st->os_major == 6 && st->os_minor == 1)
		return "Windows 7";
	if (st->os_major == 6 && st->os_minor >= 2)
		return "Windows 8";
	return NULL;
}
