/* SPDX-License-Identifier: MIT */
/*
 * Windows Installer's registration of a product, read from the registry (the documented
 * layout under HKLM\Software\Classes\Installer and ...\CurrentVersion\Installer). Component
 * and upgrade-code keys are found by scanning for the product's packed code as a value name.
 */
#include <stdio.h>
#include <string.h>

#include "msi.h"
#include "mem.h"
#include "../sys/reg.h"
#include "banned.h"

#define CLASSES "Software\\Classes\\Installer"
#define INSTALLER "Software\\Microsoft\\Windows\\CurrentVersion\\Installer"
#define USERDATA INSTALLER "\\UserData\\S-1-5-18"
#define ZH_MAX_MSI_SCAN 100000

static int hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int zh_msi_pack_guid(const char *guid, char out[ZH_MSI_PACKED_LEN + 1], struct zh_err *err)
{
	/* Reversed as a whole: the first three groups; pairwise swapped: the last two. */
	static const int groups[][2] = {{1, 8}, {10, 4}, {15, 4}};
	char hex[32];
	size_t i, n = 0;
	int g, k;

	if (strlen(guid) != 38 || guid[0] != '{' || guid[37] != '}')
		return zh_err_set(err, ZH_EINVAL, "'%s' is not a product code", guid);
	for (i = 1; i < 37; i++) {
		if (i == 9 || i == 14 || i == 19 || i == 24) {
			if (guid[i] != '-')
				return zh_err_set(err, ZH_EINVAL, "'%s' is not a product code",
					guid);
			continue;
		}
		if (!hexdigit(guid[i]))
			return zh_err_set(err, ZH_EINVAL, "'%s' is not a product code", guid);
		hex[n++] = guid[i] >= 'a' ? (char)(guid[i] - 'a' + 'A') : guid[i];
	}
	n = 0;
	for (g = 0; g < 3; g++)
		for (k = groups[g][1] - 1; k >= 0; k--)
			out[n++] = hex[(g == 0 ? 0 : g == 1 ? 8 : 12) + k];
	for (i = 16; i < 32; i += 2) {
		out[n++] = hex[i + 1];
		out[n++] = hex[i];
	}
	out[n] = '\0';
	return 0;
}

static char *keep(struct zh_msi_footprint *fp, char *s)
{
	if (s == NULL || fp->nstrings >= sizeof(fp->strings) / sizeof(fp->strings[0])) {
		zh_free(s);
		return NULL;
	}
	fp->strings[fp->nstrings++] = s;
	return s;
}

static int add_key(struct zh_snap_spec *spec, struct zh_msi_footprint *fp, const char *fmt,
	const char *a, const char *b, struct zh_err *err)
{
	size_t n = strlen(fmt) + strlen(a) + (b != NULL ? strlen(b) : 0) + 1;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, fmt, a, b);
	if (spec->nkeys >= ZH_MAX_SNAP_KEYS || keep(fp, s) == NULL)
		return zh_err_set(err, ZH_ETOOBIG, "too many registry keys to keep for '%s'", a);
	spec->keys[spec->nkeys].root = SYS_REG_HKLM;
	spec->keys[spec->nkeys].view = SYS_REG_VIEW_64;
	spec->keys[spec->nkeys].key = s;
	spec->nkeys++;
	return 0;
}

static int add_dir_of(struct zh_snap_spec *spec, struct zh_msi_footprint *fp, const char *path,
	struct zh_err *err)
{
	const char *sep = strrchr(path, '\\');
	char *d;
	size_t i;

	if (sep == NULL || sep - path < 3)
		return 0;
	for (i = 0; i < spec->ndirs; i++)
		if (strlen(spec->dirs[i]) == (size_t)(sep - path) &&
			strncmp(spec->dirs[i], path, (size_t)(sep - path)) == 0)
			return 0;
	if (spec->ndirs >= ZH_MAX_SNAP_DIRS)
		return zh_err_set(err, ZH_ETOOBIG, "too many folders to keep for '%s'", path);
	d = keep(fp, zh_strndup(path, (size_t)(sep - path)));
	if (d == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot keep '%s'", path);
	spec->dirs[spec->ndirs++] = d;
	return 0;
}

/*
 * Every subkey of parent that holds a value named packed: kept as a key; with dirs, its
 * value (a component's key path) names a folder to keep.
 */
static int scan(const char *parent, const char *packed, int dirs, struct zh_snap_spec *spec,
	struct zh_msi_footprint *fp, struct zh_err *err)
{
	struct sys_reg_key *k = NULL, *sub = NULL;
	char *name = NULL, *val = NULL;
	unsigned i;
	int rc;

	rc = sys_reg_open(SYS_REG_HKLM, parent, SYS_REG_VIEW_64, 0, &k, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		return 0;
	}
	for (i = 0; rc == 0 && i < ZH_MAX_MSI_SCAN; i++) {
		rc = sys_reg_subkey(k, i, &name, err);
		if (rc == ZH_ENOENT) {
			zh_err_init(err);
			rc = 0;
			break;
		}
		if (rc == 0 && sys_reg_open_sub(k, name, 0, &sub, NULL) == 0) {
			int got = sys_reg_get_str(sub, packed, &val, NULL, NULL);

			if (got == 0 || got == ZH_EBADTYPE) {
				rc = add_key(spec, fp, "%s\\%s", parent, name, err);
				if (rc == 0 && dirs && got == 0)
					rc = add_dir_of(spec, fp, val, err);
			}
			sys_free(val);
			val = NULL;
			sys_reg_close(sub);
			sub = NULL;
		}
		sys_free(name);
		name = NULL;
	}
	sys_reg_close(k);
	return rc;
}

int zh_msi_footprint(const char *product_code, struct zh_snap_spec *spec,
	struct zh_msi_footprint *fp, struct zh_err *err)
{
	char packed[ZH_MSI_PACKED_LEN + 1];
	struct sys_reg_key *k = NULL;
	char *pkg = NULL, *path = NULL;
	int rc;

	if ((rc = zh_msi_pack_guid(product_code, packed, err)) != 0 ||
		(rc = add_key(spec, fp, CLASSES "\\Products\\%s%s", packed, "", err)) != 0 ||
		(rc = add_key(spec, fp, CLASSES "\\Features\\%s%s", packed, "", err)) != 0 ||
		(rc = add_key(spec, fp, USERDATA "\\Products\\%s%s", packed, "", err)) != 0 ||
		(rc = scan(CLASSES "\\UpgradeCodes", packed, 0, spec, fp, err)) != 0 ||
		(rc = scan(INSTALLER "\\UpgradeCodes", packed, 0, spec, fp, err)) != 0 ||
		(rc = scan(USERDATA "\\Components", packed, 1, spec, fp, err)) != 0)
		return rc;
	/* The cached package, without which Windows Installer cannot remove the product later. */
	path = zh_malloc(sizeof(USERDATA) + 64);
	if (path == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", product_code);
	(void)snprintf(path, sizeof(USERDATA) + 64, USERDATA "\\Products\\%s\\InstallProperties",
		packed);
	if (sys_reg_open(SYS_REG_HKLM, path, SYS_REG_VIEW_64, 0, &k, NULL) == 0 &&
		sys_reg_get_str(k, "LocalPackage", &pkg, NULL, NULL) == 0 && pkg[0] != '\0' &&
		spec->nfiles < ZH_MAX_SNAP_FILES) {
		char *f = keep(fp, zh_strdup(pkg));

		if (f == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot keep '%s'", pkg);
		else
			spec->files[spec->nfiles++] = f;
	}
	sys_free(pkg);
	sys_reg_close(k);
	zh_free(path);
	return rc;
}

void zh_msi_footprint_release(struct zh_msi_footprint *fp)
{
	size_t i;

	for (i = 0; i < fp->nstrings; i++)
		zh_free(fp->strings[i]);
	memset(fp, 0, sizeof(*fp));
}
