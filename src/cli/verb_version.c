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

int verb_version(struct zh_cli *cli)
{
	const struct zh_lib_version libs[] = {
		{"sqlite", zh_db_lib_version()},
		{"openssl", zh_sign_lib_version()},
		{"curl", zh_fetch_lib_version()},
		{"libarchive", zh_bundle_lib_version()},
		{"zlib", zh_pack_lib_version()},
		{"minizip", zh_pack_lib_version()},
		{"cjson", zh_report_json_lib_version()},
	};
	struct zh_err err;
	char *json = NULL;
	size_t i;

	zh_err_init(&err);
	if (cli->json) {
		if (zh_report_version_json(zh_version, ZH_DEPS_PINS, libs,
			    sizeof(libs) / sizeof(libs[0]), &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			return ZH_EXIT_FAILED;
		}
		out_printf("%s\n", json);
		zh_free(json);
		return ZH_EXIT_OK;
	}
	out_printf("zhushou %s\n", zh_version);
	for (i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
		out_printf("  %-11s %s\n", libs[i].name, libs[i].version);
	out_printf("  %-11s %s\n", ZH_T(cli, "源码包", "built from"), ZH_DEPS_PINS);
	return ZH_EXIT_OK;
}
