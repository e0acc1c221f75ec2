/* SPDX-License-Identifier: MIT */
/*
 * `zhushou version [--json]`: this program's version, the Debian source versions the
 * libraries were built from, and each library's own version as it reports it at run time.
 */
#include "cli.h"
#include "../core/bundle.h"
#include "../core/db.h"
#include "../core/fetch.h"
#include "../core/mem.h"
#include "../core/pack.h"
#include "../core/report.h"
#include "../core/sign.h"
#include "../core/banned.h"

#ifndef ZH_DEPS_PINS
#define ZH_DEPS_PINS "unknown"
#endif

static const struct zh_lib_version *libraries(size_t *n)
{
	static struct zh_lib_version libs[] = {
		{"sqlite", NULL},
		{"openssl", NULL},
		{"curl", NULL},
		{"libarchive", NULL},
		{"zlib", NULL},
		{"minizip", NULL},
		{"cjson", NULL},
	};

	/* Each library's version as it reports it at run time. */
	libs[0].version = zh_db_lib_version();
	libs[1].version = zh_sign_lib_version();
	libs[2].version = zh_fetch_lib_version();
	libs[3].version = zh_bundle_lib_version();
	libs[4].version = zh_pack_lib_version();
	libs[5].version = zh_pack_lib_version();
	libs[6].version = zh_report_json_lib_version();
	*n = sizeof(libs) / sizeof(libs[0]);
	return libs;
}

int cli_version_json(char **ret, struct zh_err *err)
{
	size_t n;
	const struct zh_lib_version *libs = libraries(&n);

	return zh_report_version_json(zh_version, ZH_DEPS_PINS, libs, n, ret, err);
}

int verb_version(struct zh_cli *cli)
{
	struct zh_err err;
	char *json = NULL;
	size_t i, n;
	const struct zh_lib_version *libs = libraries(&n);

	zh_err_init(&err);
	if (cli->json) {
		if (cli_version_json(&json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			return ZH_EXIT_FAILED;
		}
		out_printf("%s\n", json);
		zh_free(json);
		return ZH_EXIT_OK;
	}
	out_printf("zhushou %s\n", zh_version);
	for (i = 0; i < n; i++)
		out_printf("  %-11s %s\n", libs[i].name, libs[i].version);
	out_printf("  %-11s %s\n", ZH_T(cli, "源码包", "built from"), ZH_DEPS_PINS);
	return ZH_EXIT_OK;
}
