/* SPDX-License-Identifier: MIT */
/*
 * Add/Remove Programs: reads the three Uninstall roots (HKLM 64-bit view, HKLM 32-bit view,
 * HKCU) and finds the catalog's legacy components among them. A match is the normalized exact
 * DisplayName, the version constraint on DisplayVersion and, when the catalog names one, the
 * publisher; never a substring. Entries with odd data (a DisplayName that is not a string,
 * empty, too long, unreadable) are counted and skipped, never fatal. Each hit is classified by
 * how it can be removed: msi, nsis, inno, orphan (its uninstaller is gone) or unknown.
 */
#ifndef ZH_ARP_H
#define ZH_ARP_H

#include <stddef.h>

#include "catalog.h"
#include "err.h"

#define ZH_ARP_UNINSTALL_PATH "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall"
#define ZH_MAX_ARP_ENTRIES 100000
/* DisplayNames longer than this cannot be any catalog name; they are skipped as odd. */
#define ZH_MAX_ARP_NAME 4096

enum zh_arp_view {
	ZH_ARP_VIEW_64,
	ZH_ARP_VIEW_32,
	ZH_ARP_VIEW_USER,
};

enum zh_uninst_kind {
	ZH_UNINST_UNKNOWN,
	ZH_UNINST_MSI,
	ZH_UNINST_NSIS,
	ZH_UNINST_INNO,
	ZH_UNINST_ORPHAN,
};

struct zh_arp_hit {
	const struct zh_legacy_def *def; /* borrowed from the catalog */
	enum zh_arp_view view;
	char *key; /* subkey name under Uninstall */
	char *display_name;
	char *display_version; /* NULL if absent */
	char *publisher; /* NULL if absent */
	char *uninstall; /* UninstallString, NULL if absent */
	char *quiet_uninstall; /* QuietUninstallString, NULL if absent */
	char *install_location; /* NULL if absent */
	char *uninstaller; /* the uninstaller's executable path, NULL for msi/none */
	char *product_code; /* MSI product code, NULL unless kind is msi */
	enum zh_uninst_kind kind;
};

struct zh_arp_scan {
	struct zh_arp_hit *hits;
	size_t nhits;
	size_t scanned; /* entries looked at, all views */
	size_t odd; /* entries skipped for odd data */
	size_t unreadable; /* entries whose key could not be opened */
	int views_available; /* 0 where there is no registry (posix) */
};

/*
 * Scan all three views for the catalog's legacy components into *scan (release with
 * zh_arp_scan_release). A view whose root key is missing is empty, not an error.
 * ZH_ENOTSUP where there is no registry; ZH_ENOMEM.
 */
int zh_arp_find_legacy(const struct zh_catalog *cat, struct zh_arp_scan *scan, struct zh_err *err);

/*
 * Does an entry with these values match def? Names are compared normalized. Pure; used by the
 * scan and by tests.
 */
int zh_arp_matches(const struct zh_legacy_def *def, const char *norm_name,
	const char *display_version, const char *publisher);

/*
 * The executable an UninstallString runs: the quoted path, or the unquoted text up to and
 * including the first ".exe". *ret (free with zh_free) is NULL when there is none.
 */
int zh_arp_uninstaller_path(const char *cmdline, char **ret, struct zh_err *err);

void zh_arp_scan_release(struct zh_arp_scan *scan);

const char *zh_arp_view_name(enum zh_arp_view view);
const char *zh_uninst_kind_name(enum zh_uninst_kind kind);

#endif
