/* SPDX-License-Identifier: MIT */
/*
 * The Add/Remove Programs scan. For speed over thousands of entries (every registry call is a
 * wineserver round trip under Wine, a kernel call on Windows) only DisplayName is read for
 * every entry; the other values are read for matches alone.
 */
#include <string.h>

#include "arp.h"
#include "mem.h"
#include "text.h"
#include "version.h"
#include "../sys/reg.h"
#include "../sys/fs.h"
#include "../sys/env.h"
#include "banned.h"

/* NSIS puts this signature in the first header of every installer and uninstaller. */
#define NSIS_MAGIC "NullsoftInst"
#define NSIS_SCAN_BYTES (4u * 1024 * 1024)

const char *zh_arp_view_name(enum zh_arp_view view)
{
	switch (view) {
	case ZH_ARP_VIEW_64:
		return "64";
	case ZH_ARP_VIEW_32:
		return "32";
	default:
		return "user";
	}
}

const char *zh_uninst_kind_name(enum zh_uninst_kind kind)
{
	switch (kind) {
	case ZH_UNINST_MSI:
		return "msi";
	case ZH_UNINST_NSIS:
		return "nsis";
	case ZH_UNINST_INNO:
		return "inno";
	case ZH_UNINST_ORPHAN:
		return "orphan";
	default:
		return "unknown";
	}
}

int zh_arp_matches(const struct zh_legacy_def *def, const char *norm_name,
	const char *display_version, const char *publisher)
{
	char *np = NULL;
	int ok = 0;

	if (strcmp(def->norm_name, norm_name) != 0)
		return 0;
	if (zh_version_match(def->version, display_version, &ok, NULL) != 0 || !ok)
		return 0;
	if (def->norm_publisher == NULL)
		return 1;
	/* The catalog knows the publisher: the entry must carry the same one. */
	if (publisher == NULL || zh_text_normalize(publisher, &np, NULL) != 0)
		return 0;
	ok = strcmp(np, def->norm_publisher) == 0;
	zh_free(np);
	return ok;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && zh_ascii_ieq(s + ls - lx, suffix);
}

int zh_arp_uninstaller_path(const char *cmdline, char **ret, struct zh_err *err)
{
	const char *p = cmdline, *e;
	size_t i, n;

	*ret = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		p++;
		e = strchr(p, '"');
		if (e == NULL)
			e = p + strlen(p);
	} else {
		n = strlen(p);
		e = NULL;
		for (i = 0; i + 4 <= n; i++) {
			if ((p[i] == '.') && (p[i + 1] == 'e' || p[i + 1] == 'E') &&
				(p[i + 2] == 'x' || p[i + 2] == 'X') &&
				(p[i + 3] == 'e' || p[i + 3] == 'E') &&
				(p[i + 4] == '\0' || p[i + 4] == ' ' || p[i + 4] == '\t')) {
				e = p + i + 4;
				break;
			}
		}
		if (e == NULL) {
			e = p;
			while (*e != '\0' && *e != ' ' && *e != '\t')
				e++;
		}
	}
	if (e == p)
		return 0;
	*ret = zh_strndup(p, (size_t)(e - p));
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot parse uninstall command");
	return 0;
}

static int is_guid(const char *s)
{
	size_t i;

	if (strlen(s) != 38 || s[0] != '{' || s[37] != '}')
		return 0;
	for (i = 1; i < 37; i++) {
		char c = s[i];

		if (i == 9 || i == 14 || i == 19 || i == 24) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
				   (c >= 'A' && c <= 'F'))) {
			return 0;
		}
	}
	return 1;
}

/*
 * The value as UTF-8 if it is a string, else NULL: absent values and odd data (another type,
 * over the size limit, unreadable) are not errors here. Only a lack of memory is.
 */
static int opt_str(struct sys_reg_key *k, const char *name, char **ret, struct zh_err *err)
{
	char *s = NULL;
	struct zh_err e;
	int rc;

	zh_err_init(&e);
	*ret = NULL;
	rc = sys_reg_get_str(k, name, &s, NULL, &e);
	if (rc == ZH_ENOMEM)
		return zh_err_set(err, rc, "%s", e.msg);
	if (rc != 0)
		return 0;
	*ret = zh_strdup(s);
	sys_free(s);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read value '%s'", name);
	return 0;
}

static int has_value(struct sys_reg_key *k, const char *name)
{
	enum sys_reg_type type;
	void *data = NULL;
	size_t len;
	struct zh_err e;

	zh_err_init(&e);
	if (sys_reg_get(k, name, &type, &data, &len, &e) != 0)
		return 0;
	sys_free(data);
	return 1;
}

static int contains(const char *hay, size_t n, const char *needle)
{
	size_t ln = strlen(needle), i;

	for (i = 0; i + ln <= n; i++)
		if (memcmp(hay + i, needle, ln) == 0)
			return 1;
	return 0;
}

/* How can this entry be removed? Reads the uninstaller's head to recognise NSIS. */
static int classify(struct sys_reg_key *k, struct zh_arp_hit *h, struct zh_err *err)
{
	uint32_t wi = 0;
	const char *cmd = h->quiet_uninstall != NULL ? h->quiet_uninstall : h->uninstall;
	char *path = NULL, *expanded = NULL;
	enum sys_fs_kind kind;
	void *head = NULL;
	size_t len = 0;
	struct zh_err e;
	int rc = 0;

	zh_err_init(&e);
	if ((sys_reg_get_dword(k, "WindowsInstaller", &wi, &e) == 0 && wi == 1) ||
		(is_guid(h->key) && cmd != NULL && contains(cmd, strlen(cmd), "siexec"))) {
		h->kind = ZH_UNINST_MSI;
		if (is_guid(h->key) && (h->product_code = zh_strdup(h->key)) == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot classify '%s'", h->key);
		goto out;
	}
	if (cmd == NULL || cmd[0] == '\0') {
		h->kind = ZH_UNINST_ORPHAN;
		goto out;
	}
	if ((rc = zh_arp_uninstaller_path(cmd, &path, err)) != 0)
		goto out;
	if (path == NULL) {
		h->kind = ZH_UNINST_ORPHAN;
		goto out;
	}
	zh_err_init(&e);
	if (sys_env_expand(path, &expanded, &e) != 0) {
		h->kind = ZH_UNINST_UNKNOWN;
		goto out;
	}
	h->uninstaller = zh_strdup(expanded);
	if (h->uninstaller == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot classify '%s'", h->key);
		goto out;
	}
	zh_err_init(&e);
	/* Orphan only when the file is known to be gone: a failed look is "unknown". */
	if (sys_fs_stat(expanded, &kind, NULL, &e) != 0) {
		h->kind = ZH_UNINST_UNKNOWN;
		goto out;
	}
	if (kind == SYS_FS_NONE) {
		h->kind = ZH_UNINST_ORPHAN;
		goto out;
	}
	if (ends_with_ci(h->key, "_is1") || has_value(k, "Inno Setup: App Path")) {
		h->kind = ZH_UNINST_INNO;
		goto out;
	}
	zh_err_init(&e);
	if (sys_fs_read_head(expanded, NSIS_SCAN_BYTES, &head, &len, &e) == 0 &&
		contains(head, len, NSIS_MAGIC))
		h->kind = ZH_UNINST_NSIS;
	else
		h->kind = ZH_UNINST_UNKNOWN;
out:
	sys_free(head);
	sys_free(expanded);
	zh_free(path);
	return rc;
}

static void hit_release(struct zh_arp_hit *h)
{
	zh_free(h->key);
	zh_free(h->display_name);
	zh_free(h->display_version);
	zh_free(h->publisher);
	zh_free(h->uninstall);
	zh_free(h->quiet_uninstall);
	zh_free(h->install_location);
	zh_free(h->uninstaller);
	zh_free(h->product_code);
}

void zh_arp_scan_release(struct zh_arp_scan *scan)
{
	size_t i;

	for (i = 0; i < scan->nhits; i++)
		hit_release(&scan->hits[i]);
	zh_free(scan->hits);
	memset(scan, 0, sizeof(*scan));
}

static int add_hit(struct zh_arp_scan *scan, struct zh_arp_hit *h, struct zh_err *err)
{
	struct zh_arp_hit *v = zh_realloc(scan->hits, (scan->nhits + 1) * sizeof(*v));

	if (v == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot record legacy component");
	scan->hits = v;
	scan->hits[scan->nhits++] = *h;
	memset(h, 0, sizeof(*h));
	return 0;
}

/* Look at one Uninstall subkey; adds a hit when it is one of the catalog's components. */
static int scan_entry(const struct zh_catalog *cat, struct sys_reg_key *root, enum zh_arp_view view,
	const char *name, struct zh_arp_scan *scan, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct zh_arp_hit h;
	char *dn = NULL, *norm = NULL;
	size_t i;
	struct zh_err e;
	int rc = 0, matched = 0;

	memset(&h, 0, sizeof(h));
	zh_err_init(&e);
	scan->scanned++;
	if (sys_reg_open_sub(root, name, 0, &k, &e) != 0) {
		scan->unreadable++;
		goto out;
	}
	zh_err_init(&e);
	rc = sys_reg_get_str(k, "DisplayName", &dn, NULL, &e);
	if (rc == ZH_ENOMEM) {
		rc = zh_err_set(err, rc, "%s", e.msg);
		goto out;
	}
	rc = 0;
	if (dn == NULL || dn[0] == '\0' || strlen(dn) > ZH_MAX_ARP_NAME) {
		scan->odd++;
		goto out;
	}
	zh_err_init(&e);
	if (zh_text_normalize(dn, &norm, &e) != 0) {
		scan->odd++;
		goto out;
	}
	for (i = 0; i < cat->nlegacy && !matched; i++) {
		if (strcmp(cat->legacy[i].norm_name, norm) != 0)
			continue;
		if (h.key == NULL) {
			h.key = zh_strdup(name);
			h.display_name = zh_strdup(dn);
			if (h.key == NULL || h.display_name == NULL) {
				rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", name);
				goto out;
			}
			if ((rc = opt_str(k, "DisplayVersion", &h.display_version, err)) != 0 ||
				(rc = opt_str(k, "Publisher", &h.publisher, err)) != 0)
				goto out;
		}
		if (zh_arp_matches(&cat->legacy[i], norm, h.display_version, h.publisher)) {
			h.def = &cat->legacy[i];
			matched = 1;
		}
	}
	if (!matched)
		goto out;
	h.view = view;
	if ((rc = opt_str(k, "UninstallString", &h.uninstall, err)) != 0 ||
		(rc = opt_str(k, "QuietUninstallString", &h.quiet_uninstall, err)) != 0 ||
		(rc = opt_str(k, "InstallLocation", &h.install_location, err)) != 0 ||
		(rc = classify(k, &h, err)) != 0 || (rc = add_hit(scan, &h, err)) != 0)
		goto out;
out:
	hit_release(&h);
	zh_free(norm);
	sys_free(dn);
	sys_reg_close(k);
	return rc;
}

static int scan_view(const struct zh_catalog *cat, enum sys_reg_root root, enum sys_reg_view rview,
	enum zh_arp_view view, struct zh_arp_scan *scan, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	char *name = NULL;
	unsigned i;
	int rc;

	rc = sys_reg_open(root, ZH_ARP_UNINSTALL_PATH, rview, 0, &k, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	scan->views_available = 1;
	for (i = 0; i < ZH_MAX_ARP_ENTRIES; i++) {
		rc = sys_reg_subkey(k, i, &name, err);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc != 0)
			break;
		rc = scan_entry(cat, k, view, name, scan, err);
		sys_free(name);
		name = NULL;
		if (rc != 0)
			break;
	}
	sys_reg_close(k);
	return rc;
}

int zh_arp_find_legacy(const struct zh_catalog *cat, struct zh_arp_scan *scan, struct zh_err *err)
{
	int rc;

	memset(scan, 0, sizeof(*scan));
	if ((rc = scan_view(cat, SYS_REG_HKLM, SYS_REG_VIEW_64, ZH_ARP_VIEW_64, scan, err)) != 0 ||
		(rc = scan_view(cat, SYS_REG_HKLM, SYS_REG_VIEW_32, ZH_ARP_VIEW_32, scan, err)) !=
			0 ||
		(rc = scan_view(cat, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT, ZH_ARP_VIEW_USER, scan,
			 err)) != 0)
		zh_arp_scan_release(scan);
	return rc;
}
