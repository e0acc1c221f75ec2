/* SPDX-License-Identifier: MIT */
/*
 * The support report (support.h): the PC-wide items that have no --json of their own, read
 * with the registry seam and printed with cJSON, and the report writer over the zip writer of
 * pack.h. Everything is held in memory until the zip is written in one go, so the index can
 * come first and a failure can remove the one temporary file.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "support.h"
#include "arp.h"
#include "buf.h"
#include "mem.h"
#include "pack.h"
#include "text.h"
#include "utc.h"
#include "../sys/fs.h"
#include "../sys/reg.h"
#include "banned.h"

/* ---- JSON helpers -------------------------------------------------------------------------- */

/* s, or null when s is NULL or not UTF-8 (registry strings are already made valid). */
static int add_str(cJSON *o, const char *name, const char *s)
{
	if (s == NULL || !zh_utf8_valid(s, strlen(s)))
		return cJSON_AddNullToObject(o, name) != NULL;
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

static int print_tree(cJSON *root, char **ret, struct zh_err *err)
{
	char *s;

	if (root == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
	s = cJSON_Print(root);
	cJSON_Delete(root);
	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot print JSON");
	*ret = zh_strdup(s);
	cJSON_free(s);
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "cannot print JSON") : 0;
}

/* ---- Add/Remove Programs ------------------------------------------------------------------- */

struct arp_count {
	size_t without_name, unreadable, odd, total;
};

/* A string value of k, NULL when absent; odd types are counted. Only ZH_ENOMEM fails. */
static int arp_str(struct sys_reg_key *k, const char *name, char **ret, struct arp_count *c,
	struct zh_err *err)
{
	struct zh_err e;
	char *s = NULL;
	int rc;

	*ret = NULL;
	zh_err_init(&e);
	rc = sys_reg_get_str(k, name, &s, NULL, &e);
	if (rc == ZH_ENOMEM)
		return zh_err_set(err, rc, "%s", e.msg);
	if (rc != 0) {
		if (rc != ZH_ENOENT)
			c->odd++;
		return 0;
	}
	*ret = zh_strdup(s);
	sys_free(s);
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
}

static int arp_entry(cJSON *arr, struct sys_reg_key *root, const char *view, const char *name,
	struct arp_count *c, struct zh_err *err)
{
	static const char *const fields[][2] = {
		{"DisplayName", "display_name"},
		{"DisplayVersion", "display_version"},
		{"Publisher", "publisher"},
		{"UninstallString", "uninstall_string"},
		{"InstallLocation", "install_location"},
	};
	char *v[5] = {NULL, NULL, NULL, NULL, NULL};
	struct sys_reg_key *k = NULL;
	cJSON *o = NULL;
	uint32_t sc = 0;
	struct zh_err e;
	size_t i;
	int rc = 0;

	zh_err_init(&e);
	if (sys_reg_open_sub(root, name, 0, &k, &e) != 0) {
		c->unreadable++;
		return 0;
	}
	for (i = 0; i < 5 && rc == 0; i++)
		rc = arp_str(k, fields[i][0], &v[i], c, err);
	if (rc != 0)
		goto out;
	/* Add/Remove Programs lists only entries with a name; so does the report. */
	if (v[0] == NULL || v[0][0] == '\0') {
		c->without_name++;
		goto out;
	}
	zh_err_init(&e);
	if (sys_reg_get_dword(k, "SystemComponent", &sc, &e) != 0)
		sc = 0;
	o = cJSON_CreateObject();
	if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	if (!add_str(o, "view", view) || !add_str(o, "key", name))
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < 5 && rc == 0; i++)
		if (!add_str(o, fields[i][1], v[i]))
			rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	if (rc == 0 && cJSON_AddBoolToObject(o, "system_component", sc == 1) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
out:
	for (i = 0; i < 5; i++)
		zh_free(v[i]);
	sys_reg_close(k);
	return rc;
}

static int arp_view(cJSON *arr, enum sys_reg_root root, enum sys_reg_view rview, const char *view,
	struct arp_count *c, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	struct zh_err e;
	unsigned i;
	int rc;

	zh_err_init(&e);
	rc = sys_reg_open(root, ZH_ARP_UNINSTALL_PATH, rview, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return 0;
	if (rc == ZH_ENOTSUP)
		return zh_err_set(err, rc, "%s", e.msg);
	if (rc != 0) {
		c->unreadable++;
		return 0;
	}
	for (i = 0, rc = 0; rc == 0 && c->total < ZH_MAX_ARP_ENTRIES; i++) {
		char *name = NULL;

		zh_err_init(&e);
		rc = sys_reg_subkey(k, i, &name, &e);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc == ZH_ENOMEM) {
			rc = zh_err_set(err, rc, "%s", e.msg);
			break;
		}
		c->total++;
		if (rc != 0) {
			c->unreadable++;
			rc = 0;
			continue;
		}
		rc = arp_entry(arr, k, view, name, c, err);
		sys_free(name);
	}
	sys_reg_close(k);
	return rc;
}

int zh_support_programs_json(char **ret, struct zh_err *err)
{
	struct arp_count c = {0, 0, 0, 0};
	cJSON *root = cJSON_CreateObject(), *arr;
	int rc;

	arr = root != NULL ? cJSON_AddArrayToObject(root, "programs") : NULL;
	if (arr == NULL) {
		cJSON_Delete(root);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	if ((rc = arp_view(arr, SYS_REG_HKLM, SYS_REG_VIEW_64, "64", &c, err)) != 0 ||
		(rc = arp_view(arr, SYS_REG_HKLM, SYS_REG_VIEW_32, "32", &c, err)) != 0 ||
		(rc = arp_view(arr, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT, "user", &c, err)) != 0) {
		cJSON_Delete(root);
		return rc;
	}
	if (cJSON_AddNumberToObject(root, "without_name", (double)c.without_name) == NULL ||
		cJSON_AddNumberToObject(root, "unreadable", (double)c.unreadable) == NULL ||
		cJSON_AddNumberToObject(root, "odd", (double)c.odd) == NULL) {
		cJSON_Delete(root);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	return print_tree(root, ret, err);
}

/* ---- Environment --------------------------------------------------------------------------- */

int zh_support_env_json(const struct zh_env_state *st, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *os, *ie, *ch, *ed, *rb;
	int ok;

	if (root == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	os = cJSON_AddObjectToObject(root, "os");
	ie = cJSON_AddObjectToObject(root, "ie");
	ch = cJSON_AddObjectToObject(root, "chrome");
	ed = cJSON_AddObjectToObject(root, "edge");
	rb = cJSON_AddObjectToObject(root, "reboot_pending");
	ok = os != NULL && ie != NULL && ch != NULL && ed != NULL && rb != NULL &&
		add_str(os, "name", st->os_name) && add_str(os, "label", zh_env_os_label(st)) &&
		cJSON_AddNumberToObject(os, "major", st->os_major) &&
		cJSON_AddNumberToObject(os, "minor", st->os_minor) &&
		cJSON_AddNumberToObject(os, "build", st->os_build) &&
		add_str(ie, "version", st->ie_version) &&
		cJSON_AddNumberToObject(ie, "major", st->ie_major) &&
		add_str(ch, "path", st->chrome) && add_str(ch, "version", st->chrome_version) &&
		add_str(ed, "path", st->edge) && add_str(ed, "version", st->edge_version) &&
		cJSON_AddBoolToObject(root, "usb_storage_disabled", st->usbstor_disabled) &&
		cJSON_AddBoolToObject(root, "cdrom_disabled", st->cdrom_disabled) &&
		cJSON_AddBoolToObject(root, "removable_storage_denied", st->removable_denied) &&
		cJSON_AddBoolToObject(rb, "file_rename_operations", st->reboot_file_ops) &&
		cJSON_AddBoolToObject(rb, "component_based_servicing", st->reboot_cbs) &&
		cJSON_AddBoolToObject(rb, "windows_update", st->reboot_wu);
	if (!ok) {
		cJSON_Delete(root);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	return print_tree(root, ret, err);
}

/* ---- Internet settings --------------------------------------------------------------------- */

static int inet_view(cJSON *root, const struct zh_inet_state *st, const struct zh_catalog *cat)
{
	cJSON *o = cJSON_AddObjectToObject(root, "zhushou_view"), *arr, *px, *b, *x;
	char hex[16];
	size_t i;

	if (o == NULL || !add_str(o, "zone_hive", zh_hive_name(st->zone_hive)) ||
		!cJSON_AddBoolToObject(o, "zonemap_locked", st->zonemap_locked) ||
		(arr = cJSON_AddArrayToObject(o, "trusted_sites")) == NULL)
		return 0;
	for (i = 0; i < st->nsites; i++) {
		const struct zh_site_state *s = &st->sites[i];

		x = cJSON_CreateObject();
		if (x == NULL || !cJSON_AddItemToArray(arr, x))
			return cJSON_Delete(x), 0;
		if (!add_str(x, "domain", s->def->domain) ||
			!add_str(x, "scheme", s->def->scheme) ||
			!cJSON_AddBoolToObject(x, "present", s->present) ||
			!cJSON_AddBoolToObject(x, "by_policy", s->by_policy) ||
			(s->has_value ? !cJSON_AddNumberToObject(x, "zone", s->value)
				      : !cJSON_AddNullToObject(x, "zone")))
			return 0;
	}
	px = cJSON_AddObjectToObject(o, "proxy");
	if (px == NULL || !add_str(px, "hive", zh_hive_name(st->proxy_hive)) ||
		!cJSON_AddBoolToObject(px, "enabled", st->proxy_enabled) ||
		!add_str(px, "server", st->proxy_server) ||
		!add_str(px, "override", st->proxy_override) ||
		(b = cJSON_AddArrayToObject(px, "bypass")) == NULL)
		return 0;
	for (i = 0; i < st->nbypass; i++) {
		x = cJSON_CreateObject();
		if (x == NULL || !cJSON_AddItemToArray(b, x))
			return cJSON_Delete(x), 0;
		if (!add_str(x, "host", cat != NULL && i < cat->nbypass ? cat->bypass[i] : NULL) ||
			!cJSON_AddBoolToObject(x, "present", st->bypass_present[i]))
			return 0;
	}
	(void)snprintf(hex, sizeof(hex), "0x%X", (unsigned)st->secure_protocols);
	return cJSON_AddNumberToObject(o, "secure_protocols", st->secure_protocols) &&
		add_str(o, "secure_protocols_hex", hex) &&
		add_str(o, "secure_source", st->secure_source) &&
		cJSON_AddNumberToObject(o, "odd", (double)st->odd);
}

/* One value of k as JSON: a number, a string, or the raw bytes in hex (at most 256). */
static cJSON *reg_value_json(struct sys_reg_key *k, const char *name, enum sys_reg_type type,
	const unsigned char *data, size_t len)
{
	struct zh_err e;
	char *s = NULL, hex[2 * 256 + 16];
	cJSON *v;
	size_t i, n;

	zh_err_init(&e);
	if (type == SYS_REG_DWORD && len == 4)
		return cJSON_CreateNumber(
			(double)(data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24));
	if ((type == SYS_REG_SZ || type == SYS_REG_EXPAND_SZ) &&
		sys_reg_get_str(k, name, &s, NULL, &e) == 0) {
		v = zh_utf8_valid(s, strlen(s)) ? cJSON_CreateString(s) : cJSON_CreateNull();
		sys_free(s);
		return v;
	}
	n = (size_t)snprintf(hex, sizeof(hex), "type %d:", (int)type);
	for (i = 0; i < len && i < 256; i++)
		n += (size_t)snprintf(hex + n, sizeof(hex) - n, "%02x", data[i]);
	return cJSON_CreateString(hex);
}

/* Values (and, to depth levels, subkeys) of k into o; *budget caps the whole dump. */
static int reg_dump(cJSON *o, struct sys_reg_key *k, int depth, size_t *budget)
{
	cJSON *vals = cJSON_AddObjectToObject(o, "values"), *keys;
	struct zh_err e;
	unsigned i;

	if (vals == NULL)
		return 0;
	for (i = 0; *budget > 0; i++) {
		enum sys_reg_type type;
		void *data = NULL;
		char *name = NULL;
		size_t len = 0;
		cJSON *v;
		int rc, ok;

		zh_err_init(&e);
		rc = sys_reg_value(k, i, &name, &type, &data, &len, &e);
		if (rc == ZH_ENOMEM)
			return 0;
		if (rc != 0)
			break;
		(*budget)--;
		v = reg_value_json(k, name, type, data, len);
		ok = v != NULL;
		/* The default value has an empty name: shown as "(default)", as regedit does. */
		if (ok && !zh_utf8_valid(name, strlen(name)))
			cJSON_Delete(v);
		else if (ok && !cJSON_AddItemToObject(vals, name[0] ? name : "(default)", v)) {
			cJSON_Delete(v);
			ok = 0;
		}
		sys_free(name);
		sys_free(data);
		if (!ok)
			return 0;
	}
	if (depth <= 0)
		return 1;
	if ((keys = cJSON_AddObjectToObject(o, "keys")) == NULL)
		return 0;
	for (i = 0; *budget > 0; i++) {
		struct sys_reg_key *sub = NULL;
		char *name = NULL;
		cJSON *so;
		int rc;

		zh_err_init(&e);
		rc = sys_reg_subkey(k, i, &name, &e);
		if (rc == ZH_ENOMEM)
			return 0;
		if (rc != 0)
			break;
		(*budget)--;
		if (!zh_utf8_valid(name, strlen(name)) ||
			sys_reg_open_sub(k, name, 0, &sub, &e) != 0) {
			sys_free(name);
			continue;
		}
		so = cJSON_CreateObject();
		if (so == NULL || !cJSON_AddItemToObject(keys, name, so)) {
			cJSON_Delete(so);
			rc = 0;
		} else {
			rc = reg_dump(so, sub, depth - 1, budget);
		}
		sys_reg_close(sub);
		sys_free(name);
		if (!rc)
			return 0;
	}
	return 1;
}

static int reg_dump_root(cJSON *arr, enum sys_reg_root root, const char *path, int depth,
	size_t *budget)
{
	cJSON *o = cJSON_CreateObject();
	struct sys_reg_key *k = NULL;
	struct zh_err e;
	int rc;

	if (o == NULL || !cJSON_AddItemToArray(arr, o))
		return cJSON_Delete(o), 0;
	if (!add_str(o, "root", root == SYS_REG_HKLM ? "HKLM" : "HKCU") ||
		!add_str(o, "path", path))
		return 0;
	zh_err_init(&e);
	rc = sys_reg_open(root, path, SYS_REG_VIEW_64, 0, &k, &e);
	if (rc == ZH_ENOENT)
		return cJSON_AddBoolToObject(o, "found", 0) != NULL;
	if (rc != 0)
		return cJSON_AddBoolToObject(o, "found", 0) != NULL && add_str(o, "error", e.msg);
	rc = cJSON_AddBoolToObject(o, "found", 1) != NULL && reg_dump(o, k, depth, budget);
	sys_reg_close(k);
	return rc;
}

int zh_support_inet_json(const struct zh_inet_state *st, const struct zh_catalog *cat,
	const char *inet_why, char **ret, struct zh_err *err)
{
	static const struct {
		enum sys_reg_root root;
		const char *path;
		int depth;
	} dumps[] = {
		{SYS_REG_HKCU, ZH_IS_PATH, 0},
		{SYS_REG_HKCU, ZH_IS_PATH "\\ZoneMap", 4},
		{SYS_REG_HKLM, ZH_IS_PATH, 0},
		{SYS_REG_HKLM, ZH_IS_PATH "\\ZoneMap", 4},
		{SYS_REG_HKCU, ZH_IS_POLICY_PATH, 4},
		{SYS_REG_HKLM, ZH_IS_POLICY_PATH, 4},
	};
	cJSON *root = cJSON_CreateObject(), *arr;
	size_t budget = ZH_SUPPORT_MAX_REGDUMP, i;
	int ok;

	if (root == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	ok = st != NULL ? inet_view(root, st, cat)
			: cJSON_AddNullToObject(root, "zhushou_view") != NULL &&
			add_str(root, "zhushou_view_error", inet_why);
	arr = ok ? cJSON_AddArrayToObject(root, "registry") : NULL;
	ok = arr != NULL;
	for (i = 0; ok && i < sizeof(dumps) / sizeof(dumps[0]); i++)
		ok = reg_dump_root(arr, dumps[i].root, dumps[i].path, dumps[i].depth, &budget);
	if (ok && budget == 0)
		ok = cJSON_AddBoolToObject(root, "registry_truncated", 1) != NULL;
	if (!ok) {
		cJSON_Delete(root);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	return print_tree(root, ret, err);
}

/* ---- The report ---------------------------------------------------------------------------- */

struct item {
	char *name;
	char *title_zh, *title_en;
	char *data; /* NULL when missing */
	size_t len;
	char *why; /* why it is missing */
	int truncated; /* a file's tail only */
};

struct note {
	char *zh, *en;
};

struct zh_support {
	const struct zh_redact *r;
	struct item items[ZH_SUPPORT_MAX_ITEMS];
	size_t n;
	struct note notes[ZH_SUPPORT_MAX_ITEMS];
	size_t nnotes;
	size_t redactions;
};

struct zh_support *zh_support_new(const struct zh_redact *r, struct zh_err *err)
{
	struct zh_support *s = zh_calloc(1, sizeof(*s));

	if (s == NULL) {
		zh_err_set(err, ZH_ENOMEM, "out of memory");
		return NULL;
	}
	s->r = r;
	return s;
}

void zh_support_free(struct zh_support *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		zh_free(s->items[i].name);
		zh_free(s->items[i].title_zh);
		zh_free(s->items[i].title_en);
		zh_free(s->items[i].data);
		zh_free(s->items[i].why);
	}
	for (i = 0; i < s->nnotes; i++) {
		zh_free(s->notes[i].zh);
		zh_free(s->notes[i].en);
	}
	zh_free(s);
}

static int redact(struct zh_support *s, const char *text, size_t len, unsigned flags, char **ret,
	size_t *ret_len, struct zh_err *err)
{
	size_t count = 0;
	int rc = zh_redact_text(s->r, text, len, flags, ret, ret_len, &count, err);

	if (rc == 0)
		s->redactions += count;
	return rc;
}

static struct item *new_item(struct zh_support *s, const char *name, struct zh_support_title t,
	struct zh_err *err)
{
	struct item *it;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->items[i].name, name) == 0) {
			zh_err_set(err, ZH_EDUP, "two report items named '%s'", name);
			return NULL;
		}
	if (s->n >= ZH_SUPPORT_MAX_ITEMS) {
		zh_err_set(err, ZH_ETOOBIG, "more than %d report items", ZH_SUPPORT_MAX_ITEMS);
		return NULL;
	}
	it = &s->items[s->n];
	memset(it, 0, sizeof(*it));
	it->name = zh_strdup(name);
	it->title_zh = zh_strdup(t.zh);
	it->title_en = zh_strdup(t.en);
	if (it->name == NULL || it->title_zh == NULL || it->title_en == NULL) {
		zh_free(it->name);
		zh_free(it->title_zh);
		zh_free(it->title_en);
		zh_err_set(err, ZH_ENOMEM, "out of memory");
		return NULL;
	}
	s->n++;
	return it;
}

int zh_support_add(struct zh_support *s, const char *name, struct zh_support_title title,
	enum zh_support_kind kind, const void *data, size_t len, struct zh_err *err)
{
	struct item *it;
	char *copy = NULL;
	size_t n = 0;
	int rc;

	if (len > ZH_SUPPORT_MAX_ITEM)
		return zh_err_set(err, ZH_ETOOBIG, "report item '%s' of %zu bytes", name, len);
	if (kind == ZH_SUPPORT_BINARY) {
		if ((copy = zh_malloc(len + 1)) == NULL)
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		memcpy(copy, data, len);
		n = len;
	} else if ((rc = redact(s, data, len, kind == ZH_SUPPORT_JSON ? ZH_REDACT_JSON : 0, &copy,
			    &n, err)) != 0) {
		return rc;
	}
	if ((it = new_item(s, name, title, err)) == NULL) {
		zh_free(copy);
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	}
	it->data = copy;
	it->len = n;
	return 0;
}

int zh_support_add_file_tail(struct zh_support *s, const char *name, struct zh_support_title title,
	const char *path, size_t max, struct zh_err *err)
{
	struct sys_file *f = NULL;
	int64_t size = 0, from = 0;
	char *buf = NULL;
	size_t got, len = 0;
	int rc;

	if ((rc = sys_file_open_read(path, &f, err)) != 0 ||
		(rc = sys_file_size(f, &size, err)) != 0)
		goto out;
	if ((uint64_t)size > max)
		from = size - (int64_t)max;
	if (from > 0 && (rc = sys_file_seek(f, from, err)) != 0)
		goto out;
	if ((buf = zh_malloc((size_t)(size - from) + 1)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
		goto out;
	}
	/* The file may grow meanwhile (a log): read what was there when it was opened. */
	while (len < (size_t)(size - from)) {
		if ((rc = sys_file_read(f, buf + len, (size_t)(size - from) - len, &got, err)) != 0)
			goto out;
		if (got == 0)
			break;
		len += got;
	}
	if ((rc = zh_support_add(s, name, title, ZH_SUPPORT_TEXT, buf, len, err)) != 0)
		goto out;
	s->items[s->n - 1].truncated = from > 0;
out:
	zh_free(buf);
	(void)sys_file_close(f, NULL);
	return rc;
}

int zh_support_missing(struct zh_support *s, const char *name, struct zh_support_title title,
	const char *why, struct zh_err *err)
{
	struct item *it;
	char *w = NULL;
	size_t n;
	int rc;

	if ((rc = redact(s, why, strlen(why), 0, &w, &n, err)) != 0)
		return rc;
	if ((it = new_item(s, name, title, err)) == NULL) {
		zh_free(w);
		return err != NULL && err->code != 0 ? err->code : ZH_ENOMEM;
	}
	it->why = w;
	return 0;
}

int zh_support_note(struct zh_support *s, const char *zh, const char *en, struct zh_err *err)
{
	struct note *nt;
	size_t n;
	int rc;

	if (s->nnotes >= ZH_SUPPORT_MAX_ITEMS)
		return zh_err_set(err, ZH_ETOOBIG, "more than %d report notes",
			ZH_SUPPORT_MAX_ITEMS);
	nt = &s->notes[s->nnotes];
	nt->zh = nt->en = NULL;
	if ((rc = redact(s, zh, strlen(zh), 0, &nt->zh, &n, err)) != 0)
		return rc;
	if ((rc = redact(s, en, strlen(en), 0, &nt->en, &n, err)) != 0) {
		zh_free(nt->zh);
		return rc;
	}
	s->nnotes++;
	return 0;
}

static int index_json(const struct zh_support *s, const char *version, const char *when, char **ret,
	struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *arr, *notes, *o;
	size_t i;
	int ok;

	ok = root != NULL && cJSON_AddNumberToObject(root, "format", 1) &&
		add_str(root, "zhushou", version) && add_str(root, "created", when) &&
		add_str(root, "user_name_replaced_by", ZH_REDACT_MARK) &&
		cJSON_AddNumberToObject(root, "redactions", (double)s->redactions) &&
		(arr = cJSON_AddArrayToObject(root, "items")) != NULL &&
		(notes = cJSON_AddArrayToObject(root, "notes")) != NULL;
	for (i = 0; ok && i < s->n; i++) {
		const struct item *it = &s->items[i];

		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			ok = 0;
			break;
		}
		ok = add_str(o, "name", it->name) && add_str(o, "title_zh", it->title_zh) &&
			add_str(o, "title_en", it->title_en) &&
			add_str(o, "status", it->data != NULL ? "ok" : "missing");
		if (ok && it->data != NULL)
			ok = cJSON_AddNumberToObject(o, "size", (double)it->len) &&
				cJSON_AddBoolToObject(o, "truncated", it->truncated);
		else if (ok)
			ok = add_str(o, "why", it->why);
	}
	for (i = 0; ok && i < s->nnotes; i++) {
		if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(notes, o)) {
			cJSON_Delete(o);
			ok = 0;
			break;
		}
		ok = add_str(o, "zh", s->notes[i].zh) && add_str(o, "en", s->notes[i].en);
	}
	if (!ok) {
		cJSON_Delete(root);
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	}
	return print_tree(root, ret, err);
}

/* README.txt: the index for people, both languages, CRLF and a BOM for Notepad. */
static int readme(const struct zh_support *s, const char *version, const char *when,
	struct zh_buf *b, struct zh_err *err)
{
	size_t i, missing = 0;
	int rc;

	rc = zh_buf_printf(b, err,
		"\xEF\xBB\xBFzhushou 支持报告 / support report\r\n"
		"zhushou %s, %s\r\n\r\n"
		"Windows 用户名已替换为 %s（%zu 处）。\r\n"
		"The Windows user name is replaced by %s (%zu places).\r\n"
		"报告不含私钥、PIN 或密码；证书只列出主题和指纹。\r\n"
		"No private key, PIN or password is included; certificates are listed by subject "
		"and thumbprint only.\r\n\r\n"
		"内容 / Contents:\r\n"
		"  index.json\r\n      本清单（机器可读） / this list, for machines\r\n",
		version, when, ZH_REDACT_MARK, s->redactions, ZH_REDACT_MARK, s->redactions);
	for (i = 0; rc == 0 && i < s->n; i++) {
		const struct item *it = &s->items[i];

		if (it->data == NULL) {
			missing++;
			continue;
		}
		rc = zh_buf_printf(b, err, "  %s\r\n      %s / %s (%zu bytes%s)\r\n", it->name,
			it->title_zh, it->title_en, it->len,
			it->truncated ? ", 仅末尾 / the end only" : "");
	}
	if (rc == 0 && missing > 0)
		rc = zh_buf_printf(b, err, "\r\n未能收集 / Not collected:\r\n");
	for (i = 0; rc == 0 && i < s->n; i++) {
		const struct item *it = &s->items[i];

		if (it->data == NULL)
			rc = zh_buf_printf(b, err,
				"  %s\r\n      %s / %s\r\n      原因 / why: %s\r\n", it->name,
				it->title_zh, it->title_en, it->why);
	}
	if (rc == 0 && s->nnotes > 0)
		rc = zh_buf_printf(b, err, "\r\n备注 / Notes:\r\n");
	for (i = 0; rc == 0 && i < s->nnotes; i++)
		rc = zh_buf_printf(b, err, "  - %s\r\n    %s\r\n", s->notes[i].zh, s->notes[i].en);
	return rc;
}

static int zip_entry(struct zh_zip *z, const char *name, const void *data, size_t len,
	struct zh_err *err)
{
	int rc;

	if ((rc = zh_zip_begin(z, name, 1, (int64_t)len, err)) != 0 ||
		(rc = zh_zip_write(z, data, len, err)) != 0 || (rc = zh_zip_end(z, err)) != 0)
		return rc;
	return 0;
}

int zh_support_write(struct zh_support *s, const char *path, const char *zhushou_version,
	int64_t now, struct zh_err *err)
{
	struct zh_zip *z = NULL;
	struct zh_buf text;
	enum sys_fs_kind kind = SYS_FS_NONE;
	char when[ZH_UTC_LEN], *tmp = NULL, *index = NULL;
	size_t n = strlen(path) + 8, i;
	int rc, created = 0;
	struct zh_err e;

	zh_buf_init(&text, 1 << 20);
	zh_utc_format(now, when);
	if ((tmp = zh_malloc(n)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	(void)snprintf(tmp, n, "%s.tmp", path);
	if ((rc = sys_fs_stat(path, &kind, NULL, err)) != 0)
		goto out;
	if (kind != SYS_FS_NONE && kind != SYS_FS_FILE) {
		rc = zh_err_set(err, ZH_EEXIST, "'%s' is a folder or a link, not a file", path);
		goto out;
	}
	if ((rc = index_json(s, zhushou_version, when, &index, err)) != 0 ||
		(rc = readme(s, zhushou_version, when, &text, err)) != 0)
		goto out;
	/* A temporary file left by an earlier run that was killed. */
	zh_err_init(&e);
	if (sys_fs_stat(tmp, &kind, NULL, &e) == 0 && kind == SYS_FS_FILE &&
		(rc = sys_fs_unlink(tmp, err)) != 0)
		goto out;
	if ((rc = zh_zip_create(tmp, now, &z, err)) != 0)
		goto out;
	created = 1;
	if ((rc = zip_entry(z, "README.txt", text.data, text.len, err)) != 0 ||
		(rc = zip_entry(z, "index.json", index, strlen(index), err)) != 0)
		goto out;
	for (i = 0; i < s->n; i++)
		if (s->items[i].data != NULL &&
			(rc = zip_entry(z, s->items[i].name, s->items[i].data, s->items[i].len,
				 err)) != 0)
			goto out;
	rc = zh_zip_close(z, err);
	z = NULL;
	if (rc == 0)
		rc = sys_fs_rename(tmp, path, err);
out:
	if (z != NULL)
		zh_zip_abort(z);
	if (rc != 0 && created) {
		zh_err_init(&e);
		(void)sys_fs_unlink(tmp, &e);
	}
	if (rc != 0)
		zh_err_wrap(err, "cannot write the support report '%s'", path);
	zh_buf_release(&text);
	zh_free(index);
	zh_free(tmp);
	return rc;
}
