/* SPDX-License-Identifier: MIT */
/*
 * `zhushou verify PACK|BUNDLE`: check a pack or a single bundle the way install will, and say
 * per item what holds and what not. Nothing is written unless --extract DIR asks for the
 * extraction into a new staging directory (removed again on any refusal). Exit 0 when every
 * item verified, 1 when something was refused, 1603 when the file could not be read at all,
 * 2 for usage errors.
 *
 * Replay and freeze rules are checked against the manifest DB's accepted serials when there is
 * a DB (the PC's own state; verify never records); --seen SERIAL:SHA256 checks against a
 * given one instead (what `verify --json` printed as index.serial and index.sha256), for the
 * publisher's machine and for tests.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/pack_read.h"
#include "../core/report_pack.h"
#include "../core/utc.h"
#include "../sys/env.h"
#include "../sys/mem.h"
#include "../core/banned.h"

int64_t cli_now(void)
{
	int64_t now = (int64_t)time(NULL);
#ifdef ZH_FAULTS
	struct zh_err err;
	char *s = NULL, *end = NULL;
	int64_t t;
	long days;

	/* Test builds only: ZHUSHOU_NOW=+Nd, -Nd or a UTC time moves the clock of the run. */
	zh_err_init(&err);
	if (sys_env_get("ZHUSHOU_NOW", &s, &err) == 0 && s[0] != '\0') {
		if ((s[0] == '+' || s[0] == '-') && (days = strtol(s + 1, &end, 10)) >= 0 &&
			end != s + 1 && strcmp(end, "d") == 0)
			now += (s[0] == '+' ? 1 : -1) * (int64_t)days * 86400;
		else if (zh_utc_parse(s, 1, &t, NULL) == 0)
			now = t;
	}
	sys_free(s);
#endif
	return now;
}

struct seen {
	int set;
	uint64_t serial;
	uint8_t sha256[ZH_SHA256_LEN];
};

/* The --seen row answers for every scope: one pack is verified per run. */
static int seen_get(void *ctx, const char *scope, int *ret_found, uint64_t *ret_serial,
	uint8_t ret_sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	const struct seen *s = ctx;

	(void)scope;
	(void)err;
	*ret_found = s->set;
	*ret_serial = s->serial;
	memcpy(ret_sha256, s->sha256, ZH_SHA256_LEN);
	return 0;
}

static int seen_put(void *ctx, const char *scope, uint64_t serial,
	const uint8_t sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	(void)ctx;
	(void)scope;
	(void)serial;
	(void)sha256;
	(void)err;
	return 0; /* verify never records */
}

static int parse_seen(const char *arg, struct seen *s)
{
	const char *colon = strchr(arg, ':');
	char *end = NULL;
	unsigned long long v;

	if (colon == NULL || arg[0] < '0' || arg[0] > '9')
		return -1;
	v = strtoull(arg, &end, 10);
	if (end != colon || v == 0 || v > ZH_MAX_SERIAL ||
		zh_sha256_unhex(colon + 1, s->sha256) != 0)
		return -1;
	s->serial = v;
	s->set = 1;
	return 0;
}

/* Refusals exit 1; a file that cannot be read at all, or a failing PC, 1603. */
static int exit_for(int code)
{
	switch (code) {
	case 0:
		return ZH_EXIT_OK;
	case ZH_ENOENT:
	case ZH_EACCES:
	case ZH_EIO:
	case ZH_ENOMEM:
	case ZH_EBUSY:
	case ZH_ENOSPC:
	case ZH_EEXIST:
	case ZH_EFAULT:
		return ZH_EXIT_FAILED;
	default:
		return ZH_EXIT_PROBLEMS;
	}
}

static const char *mark(int status)
{
	return status == ZH_ITEM_OK ? "[✓]" : status == ZH_ITEM_UNCHECKED ? "[-]" : "[✗]";
}

static void print_sig(const struct zh_cli *cli, const struct zh_sig_info *s)
{
	char when[ZH_UTC_LEN];

	if (s->signer[0] == '\0')
		return;
	zh_utc_format(s->signing_time, when);
	out_printf(ZH_T(cli, "      签名者 %s（根证书：%s，签名时间 %s）\n",
			   "      signed by %s (root: %s, at %s)\n"),
		s->signer, s->root_label, when);
}

static void print_bundle_line(const struct zh_cli *cli, const char *name, int status,
	const char *msg, const struct zh_bundle_report *b)
{
	out_printf("%s %s", mark(status), name);
	if (b->manifest != NULL)
		out_printf(ZH_T(cli, "  %s %s · %zu 个文件 · %lld 字节\n",
				   "  %s %s · %zu files · %lld bytes\n"),
			b->manifest->id, b->manifest->version, b->manifest->nfiles,
			(long long)b->manifest->total_bytes);
	else
		out_write("\n");
	if (status == ZH_ITEM_OK)
		print_sig(cli, &b->sig);
	else if (status == ZH_ITEM_UNCHECKED)
		out_printf("      %s\n",
			ZH_T(cli, "未检查（前面的错误已中止读取）",
				"not checked (an earlier error stopped the read)"));
	else
		out_printf("      %s: %s\n", zh_err_str(status, cli->lang), msg);
}

static void print_pack(const struct zh_cli *cli, const struct zh_pack_report *p)
{
	char c[ZH_UTC_LEN], e[ZH_UTC_LEN];
	size_t i;

	out_printf("%s index.json", mark(p->index_status));
	if (p->index != NULL) {
		zh_utc_format(p->index->created, c);
		zh_utc_format(p->index->expires, e);
		out_printf(ZH_T(cli, "  序号 %llu · 创建 %s · 有效期至 %s · 目录 %s %s\n",
				   "  serial %llu · created %s · expires %s · catalog %s %s\n"),
			(unsigned long long)p->index->serial, c, e, p->index->profile,
			p->index->catalog_version);
	} else {
		out_write("\n");
	}
	if (p->index_status == ZH_ITEM_OK)
		print_sig(cli, &p->sig);
	else
		out_printf("      %s: %s\n", zh_err_str(p->index_status, cli->lang), p->index_msg);
	for (i = 0; i < p->nitems; i++)
		print_bundle_line(cli, p->items[i].name, p->items[i].status, p->items[i].msg,
			&p->items[i].bundle);
}

static void print_roots(const struct zh_cli *cli, const struct zh_trust *t)
{
	const char *label, *subject, *fp;
	size_t i;

	out_printf("%s\n", ZH_T(cli, "固定信任的发布方根证书：", "pinned publisher roots:"));
	for (i = 0; zh_trust_describe(t, i, &label, &subject, &fp) == 0; i++)
		out_printf("  %-12s %s\n  %-12s sha256 %s\n", label, subject, "", fp);
}

void cli_warn_expired(const struct zh_cli *cli, const struct zh_index *idx)
{
	char e[ZH_UTC_LEN];

	zh_utc_format(idx->expires, e);
	err_printf(ZH_T(cli,
			   "zhushou: 警告：离线包的索引（序号 %llu）已于 %s 过期！因指定了 "
			   "--allow-expired "
			   "仍然接受。过期的离线包可能含有发布方已撤回的组件，请尽快换用新的离线包"
			   "。\n",
			   "zhushou: WARNING: the offline pack's index (serial %llu) EXPIRED on "
			   "%s! Accepted "
			   "only because of --allow-expired. An expired pack may hold components "
			   "the publisher "
			   "has withdrawn: get a current pack soon.\n"),
		(unsigned long long)idx->serial, e);
}

int verb_verify(struct zh_cli *cli)
{
	struct zh_pack_opts po;
	struct zh_bundle_opts bo;
	struct zh_pack_report prep;
	struct zh_bundle_report brep;
	struct zh_verify_doc doc;
	struct zh_serial_store store = {NULL, seen_get, seen_put}, dbstore;
	struct zh_db_serials serials;
	struct zh_session sess;
	struct zh_trust *trust = NULL;
	struct seen seen;
	struct zh_err err;
	enum zh_archive_kind kind = ZH_KIND_PACK;
	const char *path = NULL, *extract = NULL;
	char *json = NULL;
	unsigned flags = 0;
	int i, rc, roots = 0, code = ZH_EXIT_FAILED;

	memset(&prep, 0, sizeof(prep));
	memset(&brep, 0, sizeof(brep));
	memset(&seen, 0, sizeof(seen));
	memset(&sess, 0, sizeof(sess));
	zh_err_init(&err);
	for (i = 0; i < cli->argc; i++) {
		const char *a = cli->argv[i];

		if (strcmp(a, "--online") == 0) {
			flags |= ZH_INDEX_ONLINE;
		} else if (strcmp(a, "--allow-expired") == 0) {
			flags |= ZH_INDEX_ALLOW_EXPIRED;
		} else if (strcmp(a, "--roots") == 0) {
			roots = 1;
		} else if (strcmp(a, "--seen") == 0 && i + 1 < cli->argc) {
			if (parse_seen(cli->argv[++i], &seen) != 0) {
				err_printf("zhushou verify: --seen %s: %s\n", cli->argv[i],
					ZH_T(cli, "格式应为 序号:SHA256（64 位十六进制）",
						"expected SERIAL:SHA256 (64 hex digits)"));
				return ZH_EXIT_USAGE;
			}
		} else if (strcmp(a, "--extract") == 0 && i + 1 < cli->argc) {
			extract = cli->argv[++i];
		} else if (strcmp(a, "--installed") == 0 && cli->argc == 1) {
			return verb_verify_installed(cli);
		} else if (a[0] != '-' && path == NULL) {
			path = a;
		} else {
			err_printf("zhushou verify: %s '%s'\n",
				ZH_T(cli, "无法识别的参数", "unexpected argument"), a);
			return ZH_EXIT_USAGE;
		}
	}
	if ((flags & ZH_INDEX_ONLINE) && (flags & ZH_INDEX_ALLOW_EXPIRED)) {
		err_printf("zhushou verify: %s\n",
			ZH_T(cli, "--allow-expired 只适用于离线包，不能与 --online 同用",
				"--allow-expired is for offline packs only, not with --online"));
		return ZH_EXIT_USAGE;
	}
	if (zh_trust_builtin(&trust, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	if (roots) {
		print_roots(cli, trust);
		code = ZH_EXIT_OK;
		goto out;
	}
	if (path == NULL) {
		err_printf("%s: zhushou verify PACK|BUNDLE [--extract DIR] [--online | "
			   "--allow-expired] [--seen SERIAL:SHA256] [--roots] [--json]\n",
			ZH_T(cli, "用法", "usage"));
		code = ZH_EXIT_USAGE;
		goto out;
	}
	/* What is neither (or not even a zip) is read as a pack: that read says what is wrong. */
	if (zh_archive_kind(path, &kind, &err) != 0)
		kind = ZH_KIND_PACK;
	zh_err_init(&err);
	memset(&doc, 0, sizeof(doc));
	doc.path = path;
	doc.is_pack = kind == ZH_KIND_PACK;
	if (doc.is_pack) {
		memset(&po, 0, sizeof(po));
		po.trust = trust;
		po.now = cli_now();
		po.store = &store;
		store.ctx = &seen;
		/* The PC's accepted serials, read only (verify records nothing). */
		if (!seen.set &&
			cli_session_open(cli, ZH_SESSION_OPTIONAL | ZH_SESSION_QUIET, &sess) == 0 &&
			sess.db != NULL) {
			zh_db_serials_init(&serials, sess.db, &dbstore);
			po.store = &dbstore;
		}
		po.index_flags = flags;
		po.staging = extract;
		po.keep_going = extract == NULL;
		rc = zh_pack_read_file(path, &po, &prep, &err);
		doc.pack = &prep;
		if (prep.expired && prep.index != NULL)
			cli_warn_expired(cli, prep.index);
	} else {
		memset(&bo, 0, sizeof(bo));
		bo.trust = trust;
		bo.now = cli_now();
		bo.staging = extract;
		rc = zh_bundle_read_file(path, &bo, &brep, &err);
		doc.bundle = &brep;
		doc.bundle_status = rc;
		doc.bundle_msg = err.msg;
	}
	doc.ok = rc == 0;
	doc.extracted_to = rc == 0 ? extract : NULL;
	if (cli->json) {
		if (zh_report_verify_json(&doc, zh_version, &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_write(json);
		out_write("\n");
	} else {
		out_printf("zhushou %s — %s '%s'\n", zh_version,
			doc.is_pack ? ZH_T(cli, "离线包", "pack") : ZH_T(cli, "组件包", "bundle"),
			path);
		if (doc.is_pack)
			print_pack(cli, &prep);
		else
			print_bundle_line(cli, path, rc, err.msg, &brep);
		if (rc == 0)
			out_printf("%s%s%s\n", ZH_T(cli, "验证通过", "verified"),
				extract != NULL ? ZH_T(cli, "，已解压到 ", ", extracted to ") : "",
				extract != NULL ? extract : "");
	}
	if (rc == ZH_EEXIST && extract != NULL)
		cli_report_error(cli, &err, "--extract 需要一个尚不存在的目录；未做任何更改。",
			"--extract needs a directory that does not exist yet; nothing was "
			"changed.");
	else if (rc != 0)
		cli_report_error(cli, &err,
			extract != NULL
				? "未做任何更改（暂存目录已删除）。请向发布方索取完好的离线包。"
				: "请向发布方索取完好的离线包。",
			extract != NULL
				? "nothing was changed (the staging directory is gone); get "
				  "an intact pack from the publisher."
				: "get an intact pack from the publisher.");
	code = exit_for(rc);
out:
	zh_free(json);
	zh_pack_report_release(&prep);
	zh_bundle_report_release(&brep);
	zh_trust_free(trust);
	cli_session_close(&sess);
	return code;
}
