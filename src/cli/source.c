/* SPDX-License-Identifier: MIT */
/*
 * Where components come from: an offline pack (--source PACK), verified against the pinned
 * roots and the manifest DB's accepted serials, and extracted into the data directory's
 * staging folder (same volume as the install folders, so files are moved into place, never
 * copied twice). Shared by install and repair.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/policy.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/mem.h"
#include "../core/banned.h"

/* <data dir>\staging: removed (whatever a crash left in it) before each use. */
static int staging_reset(const struct zh_session *s, char **ret, struct zh_err *err)
{
	size_t n = strlen(s->dir) + 16;
	int rc;

	*ret = zh_malloc(n);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	(void)snprintf(*ret, n, "%s\\staging", s->dir);
	rc = sys_fs_remove_tree(*ret, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	}
	return rc;
}

int cli_source_open(const struct zh_cli *cli, struct zh_session *s, const char *path,
	unsigned flags, struct cli_source *src)
{
	struct zh_pack_opts po;
	struct zh_policy policy;
	struct zh_err err;
	int rc;

	memset(src, 0, sizeof(*src));
	zh_err_init(&err);
	zh_db_serials_init(&src->serials, s->db, &src->store);
	if ((rc = zh_policy_read(&policy, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		return ZH_EXIT_FAILED;
	}
	/* A mirror: refused by policy, or not for this version (offline packs only). */
	if (zh_policy_is_url(path)) {
		if (!policy.allow_online)
			(void)zh_err_set(&err, ZH_EPOLICY,
				"online sources are turned off by Group Policy (%s\\%s = 0): '%s'",
				ZH_POLICY_KEY, ZH_POLICY_ALLOW_ONLINE, path);
		else
			(void)zh_err_set(&err, ZH_ENOTSUP,
				"this zhushou reads offline packs only, not a mirror: '%s'", path);
		cli_report_error(cli, &err, "未做任何更改。请改用离线包（--source 离线包路径）。",
			"nothing was changed. Use an offline pack (--source PATH).");
		zh_policy_release(&policy);
		return ZH_EXIT_FAILED;
	}
	if ((rc = zh_trust_builtin(&src->trust, &err)) != 0 ||
		(policy.publisher_pem != NULL &&
			(rc = zh_trust_add_pem(src->trust, policy.publisher_pem,
				 strlen(policy.publisher_pem), "policy", &err)) != 0) ||
		(rc = staging_reset(s, &src->staging, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		cli_source_close(src);
		zh_policy_release(&policy);
		return ZH_EXIT_FAILED;
	}
	zh_policy_release(&policy);
	memset(&po, 0, sizeof(po));
	po.trust = src->trust;
	po.now = cli_now();
	po.store = &src->store;
	po.index_flags = flags;
	po.staging = src->staging;
	po.flush = 1;
	rc = zh_pack_read_file(path, &po, &src->pack, &err);
	if (src->pack.expired && src->pack.index != NULL)
		cli_warn_expired(cli, src->pack.index);
	if (rc != 0) {
		cli_report_error(cli, &err,
			"未做任何更改。请向发布方索取完好、未过期且不旧于已用过的离线包。",
			"nothing was changed. Get an intact pack from the publisher, not expired "
			"and not older than one used before.");
		cli_source_close(src);
		return ZH_EXIT_FAILED;
	}
	return 0;
}

int cli_source_default(char **ret, struct zh_err *err)
{
	struct zh_policy policy;
	char *exe = NULL, *path = NULL, *base;
	enum sys_fs_kind kind = SYS_FS_NONE;
	int64_t size = 0;
	size_t n;
	char sep;
	int rc;

	*ret = NULL;
	/* IT's Group Policy names the source first. */
	if ((rc = zh_policy_read(&policy, err)) != 0)
		return rc;
	if (policy.source != NULL) {
		*ret = policy.source;
		policy.source = NULL;
		zh_policy_release(&policy);
		return 0;
	}
	zh_policy_release(&policy);
	if ((rc = sys_env_exe_path(&exe, err)) != 0) {
		zh_err_wrap(err, "looking for the default offline pack");
		return rc;
	}
	/* The program's folder, with the separator its path already uses (sys/env.h). */
	base = strrchr(exe, '\\');
	if (base == NULL || (strrchr(exe, '/') != NULL && strrchr(exe, '/') > base))
		base = strrchr(exe, '/');
	if (base == NULL) {
		rc = zh_err_set(err, ZH_EINVAL, "this program's path '%s' names no folder", exe);
		goto out;
	}
	sep = *base;
	n = (size_t)(base - exe) + sizeof(ZH_DEFAULT_PACK_DIR) + sizeof(ZH_DEFAULT_PACK_NAME) + 2;
	if ((path = zh_malloc(n)) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
		goto out;
	}
	(void)snprintf(path, n, "%.*s%c%s%c%s", (int)(base - exe), exe, sep, ZH_DEFAULT_PACK_DIR,
		sep, ZH_DEFAULT_PACK_NAME);
	if ((rc = sys_fs_stat(path, &kind, &size, err)) != 0)
		goto out;
	/* No default pack (a copied zhushou.exe, a build tree) is not an error: none is used. */
	if (kind != SYS_FS_FILE)
		goto out;
	*ret = path;
	path = NULL;
out:
	zh_free(path);
	sys_free(exe);
	return rc;
}

const struct zh_pack_item *cli_source_find(const struct cli_source *src, const char *id)
{
	size_t i;

	for (i = 0; i < src->pack.nitems; i++) {
		const struct zh_pack_item *it = &src->pack.items[i];

		if (it->listed != NULL && it->status == ZH_ITEM_OK && it->bundle.manifest != NULL &&
			strcmp(it->bundle.manifest->id, id) == 0)
			return it;
	}
	return NULL;
}

int cli_source_dir(const struct cli_source *src, const char *id, char **ret)
{
	size_t n = strlen(src->staging) + strlen(id) + 2;

	*ret = zh_malloc(n);
	if (*ret == NULL)
		return ZH_ENOMEM;
	(void)snprintf(*ret, n, "%s\\%s", src->staging, id);
	return 0;
}

void cli_source_close(struct cli_source *src)
{
	if (src->staging != NULL)
		(void)sys_fs_remove_tree(src->staging, NULL);
	zh_pack_report_release(&src->pack);
	zh_trust_free(src->trust);
	zh_free(src->staging);
	memset(src, 0, sizeof(*src));
}

/* One folder from the environment, or an error naming the variable. */
static int env_dir(const char *name, const char *suffix, char **ret, struct zh_err *err)
{
	char *v = NULL;
	size_t n;
	int rc = sys_env_get(name, &v, err);

	if (rc != 0)
		return zh_err_set(err, ZH_ENOENT, "%%%s%% is not set", name);
	n = strlen(v) + strlen(suffix) + 1;
	*ret = zh_malloc(n);
	if (*ret != NULL)
		(void)snprintf(*ret, n, "%s%s", v, suffix);
	sys_free(v);
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "out of memory") : 0;
}

int cli_roots_get(struct cli_roots *r, struct zh_err *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if ((rc = env_dir("ProgramFiles", "", &r->app, err)) != 0 ||
		(rc = env_dir("CommonProgramFiles", "", &r->common, err)) != 0 ||
		(rc = env_dir("SystemRoot", "\\System32", &r->system, err)) != 0 ||
		(rc = env_dir("ProgramData", "", &r->data, err)) != 0 ||
		(rc = env_dir("ProgramData", "\\Microsoft\\Windows\\Start Menu\\Programs",
			 &r->start_menu, err)) != 0) {
		cli_roots_release(r);
		return rc;
	}
	r->roots.app = r->app;
	r->roots.common_files = r->common;
	r->roots.system = r->system;
	r->roots.programdata = r->data;
	r->roots.start_menu = r->start_menu;
	return 0;
}

void cli_roots_release(struct cli_roots *r)
{
	zh_free(r->app);
	zh_free(r->common);
	zh_free(r->system);
	zh_free(r->data);
	zh_free(r->start_menu);
	memset(r, 0, sizeof(*r));
}
