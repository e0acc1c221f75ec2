/* SPDX-License-Identifier: MIT */
/*
 * `zhushou pack build RECIPES -o PACK --key K --cert C --serial N --expires DATE
 * [--created DATE]`: the publisher's tool (natively as zhushou-native, and zhushou.exe).
 * The pack is for the catalog of this run (--catalog FILE or the built-in one): its profile
 * id scopes the serial. DATE is 2026-12-31, 2026-12-31T18:00:00Z, or +N (days from now).
 * Exit 0 when the pack was written, 2 for usage errors, 1603 when it could not be built.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "../core/mem.h"
#include "../core/pack.h"
#include "../core/report_pack.h"
#include "../core/utc.h"
#include "../core/banned.h"

static int parse_date(const char *s, int64_t now, int64_t *ret)
{
	char *end = NULL;
	long days;

	if (s[0] == '+') {
		days = strtol(s + 1, &end, 10);
		if (end == s + 1 || *end != '\0' || days < 1 || days > 36500)
			return -1;
		*ret = now + (int64_t)days * 86400;
		return 0;
	}
	return zh_utc_parse(s, 1, ret, NULL) == 0 ? 0 : -1;
}

static int usage(const struct zh_cli *cli, const char *what)
{
	if (what != NULL)
		err_printf("zhushou pack: %s\n", what);
	err_printf(
		"%s: zhushou pack build RECIPES -o PACK --key KEY.pem --cert CERT.pem --serial N "
		"--expires DATE [--created DATE] [--catalog FILE] [--json]\n",
		ZH_T(cli, "用法", "usage"));
	return ZH_EXIT_USAGE;
}

int verb_pack(struct zh_cli *cli)
{
	struct zh_pack_build_opts o;
	struct zh_pack_build_result res;
	struct zh_catalog *cat = NULL;
	struct zh_trust *trust = NULL;
	struct zh_err err;
	const char *created = NULL, *expires = NULL, *serial = NULL;
	char *json = NULL, *end = NULL;
	int64_t now = cli_now();
	unsigned long long sv;
	size_t i;
	int a, code = ZH_EXIT_FAILED;

	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	zh_err_init(&err);
	if (cli->argc < 1 || strcmp(cli->argv[0], "build") != 0)
		return usage(cli, ZH_T(cli, "只支持 pack build", "only 'pack build' is known"));
	for (a = 1; a < cli->argc; a++) {
		const char *s = cli->argv[a];
		const char *v = a + 1 < cli->argc ? cli->argv[a + 1] : NULL;

		if ((strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) && v != NULL)
			o.out = v;
		else if (strcmp(s, "--key") == 0 && v != NULL)
			o.key_path = v;
		else if (strcmp(s, "--cert") == 0 && v != NULL)
			o.cert_path = v;
		else if (strcmp(s, "--serial") == 0 && v != NULL)
			serial = v;
		else if (strcmp(s, "--expires") == 0 && v != NULL)
			expires = v;
		else if (strcmp(s, "--created") == 0 && v != NULL)
			created = v;
		else if (s[0] != '-' && o.recipes == NULL) {
			o.recipes = s;
			continue;
		} else
			return usage(cli, s);
		a++;
	}
	if (o.recipes == NULL || o.out == NULL || o.key_path == NULL || o.cert_path == NULL ||
		serial == NULL || expires == NULL)
		return usage(cli, ZH_T(cli, "缺少必需的参数", "a required argument is missing"));
	sv = strtoull(serial, &end, 10);
	if (serial[0] < '0' || serial[0] > '9' || *end != '\0' || sv < 1 || sv > ZH_MAX_SERIAL)
		return usage(cli,
			ZH_T(cli, "--serial 必须是正整数", "--serial must be a positive integer"));
	o.serial = sv;
	o.created = now;
	if (created != NULL && parse_date(created, now, &o.created) != 0)
		return usage(cli, ZH_T(cli, "--created 日期格式错误", "--created: bad date"));
	if (parse_date(expires, o.created, &o.expires) != 0)
		return usage(cli,
			ZH_T(cli, "--expires 日期格式错误（如 2027-01-31 或 +90）",
				"--expires: bad date (like 2027-01-31 or +90)"));
	if (cli_load_catalog(cli, &cat) != 0)
		goto out;
	o.profile = cat->profile_id;
	o.catalog_version = cat->catalog_version;
	if (zh_trust_builtin(&trust, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	o.trust = trust;
	if (zh_pack_build(&o, &res, &err) != 0) {
		cli_report_error(cli, &err, "离线包未生成，原有文件未改动。",
			"no pack was written; an existing file was left as it was.");
		goto out;
	}
	if (cli->json) {
		if (zh_report_build_json(o.out, o.serial, &res, zh_version, &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_write(json);
		out_write("\n");
	} else {
		out_printf(ZH_T(cli, "已生成离线包 %s（%lld 字节，序号 %llu，签名者 %s）\n",
				   "wrote pack %s (%lld bytes, serial %llu, signed by %s)\n"),
			o.out, (long long)res.size, (unsigned long long)o.serial, res.signer);
		for (i = 0; i < res.nbundles; i++)
			out_printf(ZH_T(cli, "  %s  %s %s · %zu 个文件 · %lld 字节\n",
					   "  %s  %s %s · %zu files · %lld bytes\n"),
				res.bundles[i].path, res.bundles[i].id, res.bundles[i].version,
				res.bundles[i].nfiles, (long long)res.bundles[i].size);
	}
	if (!res.trusted)
		err_printf(
			ZH_T(cli,
				"zhushou: 警告：本程序不信任此签名（%s），用户端将拒绝该离线包，"
				"除非其固定了对应的根证书。\n",
				"zhushou: warning: this zhushou does not trust the signature (%s): "
				"clients will refuse the pack unless they pin its root.\n"),
			res.trust_err.msg);
	code = ZH_EXIT_OK;
out:
	zh_free(json);
	zh_pack_build_release(&res);
	zh_trust_free(trust);
	zh_catalog_free(cat);
	return code;
}
