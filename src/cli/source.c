/* SPDX-License-Identifier: MIT */
/*
 * Where components come from: an offline pack (--source PACK) or a mirror (--source URL,
 * online mode: its files fetched into the download cache first), verified against the pinned
 * roots and the manifest DB's accepted serials, and extracted into the data directory's
 * staging folder (same volume as the install folders, so files are moved into place, never
 * copied twice). Shared by install and repair.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/keep.h"
#include "../core/mem.h"
#include "../core/policy.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "../sys/mem.h"
#include "../core/banned.h"

/*
 * Staged files kept open for their move into place: enough for any control's bundle, and a
 * bound on the handles one run holds (the rest move by name).
 */
#define KEEP_MAX 4096

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

void cli_net_advice(int code, const char **ret_zh, const char **ret_en)
{
	switch (code) {
	case ZH_EDNS:
		*ret_zh = "镜像站的域名无法解析：请检查网络连接和 DNS 设置，或改用离线包。";
		*ret_en = "the mirror's name does not resolve: check the network connection and "
			  "DNS, or use the offline pack.";
		break;
	case ZH_ECONNECT:
		*ret_zh = "镜像站无响应（连接被拒绝）：请稍后重试，或改用离线包。";
		*ret_en = "nothing answers at the mirror (connection refused): try again later, or "
			  "use the offline pack.";
		break;
	case ZH_EPROXY:
		*ret_zh = "代理服务器拒绝连接或需要认证：请检查 IE 的代理设置，或用 --proxy "
			  "指定代理（http://用户名:密码@主机:端口）。";
		*ret_en = "the proxy refused the connection or wants a user name and password: "
			  "check Internet Explorer's proxy settings, or give one with --proxy "
			  "http://user:password@host:port.";
		break;
	case ZH_ETLS:
		*ret_zh = "与镜像站的安全连接失败：请检查电脑日期时间、根证书，以及是否有代理或安全"
			  "软件"
			  "拦截 HTTPS。";
		*ret_en = "the secure connection to the mirror failed: check the PC's date and "
			  "time, its root certificates, and whether a proxy or security software "
			  "intercepts HTTPS.";
		break;
	case ZH_ETIMEOUT:
		*ret_zh = "连接镜像站超时：网络太慢或被拦截，请稍后重试（已下载的部分会保留），或改"
			  "用离线包"
			  "。";
		*ret_en = "the mirror did not answer in time: the network is slow or blocked; try "
			  "again later (what was downloaded is kept), or use the offline pack.";
		break;
	case ZH_EHTTP:
		*ret_zh = "镜像站返回错误：请稍后重试，或联系发布方。";
		*ret_en = "the mirror answered with an error: try again later, or contact the "
			  "publisher.";
		break;
	case ZH_ECAPTIVE:
		*ret_zh = "收到的是网页而不是文件：可能需要先在浏览器中登录上网认证页面。";
		*ret_en =
			"a web page came instead of the file: the network may want a login in the "
			"browser first (captive portal).";
		break;
	case ZH_EHASH:
	case ZH_ESIZE:
		*ret_zh = "下载的文件与签名索引不符，已丢弃，未安装任何内容：请稍后重试，或联系发布"
			  "方。";
		*ret_en = "the download does not match the signed index and was dropped; nothing "
			  "was installed. Try again later, or contact the publisher.";
		break;
	default:
		*ret_zh = "未做任何更改。请检查网络后重试，或改用离线包（--source 离线包路径）。";
		*ret_en = "nothing was changed. Check the network and try again, or use the "
			  "offline pack (--source PATH).";
		break;
	}
}

/* Keep err as the source's failure for --json; the report points at it. */
static void keep_error(struct cli_source *src, const struct zh_err *err)
{
	src->err = *err;
	src->report.error = src->err.code;
	src->report.error_msg = src->err.msg;
}

/* Download progress for people, in tenths, for files worth waiting for (stderr). */
struct dl_progress {
	const struct zh_cli *cli;
	const char *path;
	int tenth;
};

static void progress(const char *path, int64_t have, int64_t total, void *ctx)
{
	struct dl_progress *p = ctx;
	int tenth;

	if (p->cli->quiet || p->cli->json || total < 1024 * 1024 || have < 0)
		return;
	if (p->path != path) {
		p->path = path;
		p->tenth = -1;
	}
	tenth = (int)(have * 10 / total);
	if (tenth == p->tenth)
		return;
	p->tenth = tenth;
	err_printf("%s %s: %d%% (%lld / %lld KB)\n", ZH_T(p->cli, "下载", "downloading"), path,
		tenth * 10, (long long)(have / 1024), (long long)(total / 1024));
}

/* Online mode: the mirror's index and the wanted bundles into the download cache. */
static int fetch_mirror(const struct zh_cli *cli, struct zh_session *s, const char *url,
	const struct zh_pack_opts *po, const char *const *want, size_t nwant,
	struct cli_source *src, struct zh_err *err)
{
	struct zh_mirror_opts mo;
	struct dl_progress dp = {cli, NULL, -1};
	size_t n = strlen(s->dir) + 8;
	char *cache = zh_malloc(n);
	int rc;

	if (cache == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	(void)snprintf(cache, n, "%s\\cache", s->dir);
	rc = zh_proxy_for_url(url, cli->proxy, &src->proxy, err);
	if (rc == 0) {
		src->report.proxy = src->proxy.how;
		cli_log("INFO", "mirror %s through %s", url, src->proxy.how);
		memset(&mo, 0, sizeof(mo));
		mo.url = url;
		mo.cache_root = cache;
		mo.pack = po;
		mo.proxy = src->proxy.url;
		mo.proxy_sspi = src->proxy.sspi;
		mo.timeout_secs = cli->net_timeout_secs;
		mo.retries = 3;
		mo.want = want;
		mo.nwant = nwant;
		mo.progress = progress;
		mo.ctx = &dp;
		rc = zh_mirror_fetch(&mo, &src->mirror, err);
		src->report.mirror = &src->mirror;
	}
	for (size_t i = 0; i < src->mirror.nitems; i++)
		cli_log("INFO", "%s: %lld bytes fetched in %d requests, %lld held before",
			src->mirror.items[i].path, (long long)src->mirror.items[i].fetched,
			src->mirror.items[i].attempts,
			(long long)src->mirror.items[i].resumed_from);
	zh_free(cache);
	return rc;
}

int cli_source_open(const struct zh_cli *cli, struct zh_session *s, const char *path,
	unsigned flags, const char *const *want, size_t nwant, struct cli_source *src)
{
	struct zh_pack_opts po;
	struct zh_policy policy;
	struct zh_err err;
	const char **paths = NULL;
	const char *fix_zh = "未做任何更改。请向发布方索取完好、未过期且不旧于已用过的离线包。";
	const char *fix_en = "nothing was changed. Get an intact pack from the publisher, not "
			     "expired and not older than one used before.";
	int rc, online = zh_policy_is_url(path);

	memset(src, 0, sizeof(*src));
	zh_err_init(&err);
	zh_err_init(&src->err);
	zh_db_serials_init(&src->serials, s->db, &src->store);
	if ((rc = zh_policy_read(&policy, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		keep_error(src, &err);
		return ZH_EXIT_FAILED;
	}
	/* A mirror, unless IT turned online sources off. */
	if (online && !policy.allow_online) {
		(void)zh_err_set(&err, ZH_EPOLICY,
			"online sources are turned off by Group Policy (%s\\%s = 0): '%s'",
			ZH_POLICY_KEY, ZH_POLICY_ALLOW_ONLINE, path);
		cli_report_error(cli, &err, "未做任何更改。请改用离线包（--source 离线包路径）。",
			"nothing was changed. Use an offline pack (--source PATH).");
		keep_error(src, &err);
		zh_policy_release(&policy);
		return ZH_EXIT_FAILED;
	}
	if ((rc = zh_trust_builtin(&src->trust, &err)) != 0 ||
		(policy.publisher_pem != NULL &&
			(rc = zh_trust_add_pem(src->trust, policy.publisher_pem,
				 strlen(policy.publisher_pem), "policy", &err)) != 0) ||
		(rc = staging_reset(s, &src->staging, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		keep_error(src, &err);
		zh_policy_release(&policy);
		return ZH_EXIT_FAILED;
	}
	zh_policy_release(&policy);
	memset(&po, 0, sizeof(po));
	po.trust = src->trust;
	po.now = cli_now();
	po.store = &src->store;
	po.index_flags = flags;
	po.flush = 1;
	if ((rc = zh_keep_new(KEEP_MAX, &src->keep, &err)) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		keep_error(src, &err);
		return ZH_EXIT_FAILED;
	}
	po.keep = src->keep;
	if (online) {
		/* Online, an index is never used past its expiry: --allow-expired is offline only.
		 */
		po.index_flags = (flags | ZH_INDEX_ONLINE) & ~(unsigned)ZH_INDEX_ALLOW_EXPIRED;
		rc = fetch_mirror(cli, s, path, &po, want, nwant, src, &err);
		if (rc == 0 && (paths = zh_mirror_paths(&src->mirror)) == NULL)
			rc = zh_err_set(&err, ZH_ENOMEM, "out of memory");
		if (rc != 0)
			cli_net_advice(err.code, &fix_zh, &fix_en);
	}
	if (rc == 0) {
		po.staging = src->staging;
		if (online) {
			char what[600];

			po.partial = 1;
			(void)snprintf(what, sizeof(what), "mirror '%s' (downloaded to '%s')",
				src->mirror.url, src->mirror.dir);
			rc = zh_pack_read_dir(src->mirror.dir, what, paths, src->mirror.nitems, &po,
				&src->pack, &err);
		} else {
			rc = zh_pack_read_file(path, &po, &src->pack, &err);
		}
	}
	zh_free(paths);
	if (src->pack.expired && src->pack.index != NULL)
		cli_warn_expired(cli, src->pack.index);
	if (rc != 0) {
		cli_report_error(cli, &err, fix_zh, fix_en);
		keep_error(src, &err);
		/* The staging folder goes; what the report says stays until cli_source_close. */
		zh_keep_close(src->keep);
		if (src->staging != NULL)
			(void)sys_fs_remove_tree(src->staging, NULL);
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
	zh_keep_free(src->keep);
	if (src->staging != NULL)
		(void)sys_fs_remove_tree(src->staging, NULL);
	zh_pack_report_release(&src->pack);
	zh_trust_free(src->trust);
	zh_free(src->staging);
	zh_mirror_result_release(&src->mirror);
	zh_proxy_release(&src->proxy);
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
