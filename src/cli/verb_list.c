/* SPDX-License-Identifier: MIT */
/*
 * `zhushou list [--json]`: the components zhushou installed (from the manifest DB, each
 * verified against the PC) and the legacy components found in Add/Remove Programs.
 * `zhushou verify --installed` is the verification alone: exit 0 when every installed
 * component is as zhushou left it, 1 (each drift named) when not.
 */
#include <string.h>

#include "cli.h"
#include "../core/arp.h"
#include "../core/install.h"
#include "../core/mem.h"
#include "../core/report.h"
#include "../core/banned.h"

struct installed {
	struct zh_db_component *v;
	char **drift; /* per component: what differs, NULL when whole */
	size_t n;
};

static void installed_release(struct installed *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		zh_db_component_release(&in->v[i]);
		zh_free(in->drift[i]);
	}
	zh_free(in->v);
	zh_free(in->drift);
	memset(in, 0, sizeof(*in));
}

/* Every component the DB records (the settings records of repairs too), verified. */
static int load_installed(struct zh_db *db, struct installed *in, struct zh_err *err)
{
	char **ids = NULL;
	size_t n = 0, i;
	int rc;

	memset(in, 0, sizeof(*in));
	if (db == NULL)
		return 0;
	if ((rc = zh_db_component_ids(db, &ids, &n, err)) != 0)
		return rc;
	in->v = zh_calloc(n + 1, sizeof(*in->v));
	in->drift = zh_calloc(n + 1, sizeof(*in->drift));
	if (in->v == NULL || in->drift == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = zh_db_component_get(db, ids[i], &in->v[i], err)) != 0)
			break;
		in->n++;
		rc = zh_install_verify(&in->v[i], &in->drift[i], err);
	}
	zh_db_strings_free(ids, n);
	return rc;
}

static void print_installed(const struct zh_cli *cli, const struct installed *in)
{
	size_t i;

	if (in->n == 0)
		out_printf("%s\n",
			ZH_T(cli, "zhushou 尚未安装任何组件。", "zhushou installed nothing yet."));
	for (i = 0; i < in->n; i++) {
		const struct zh_db_component *c = &in->v[i];

		out_printf("  %-28s %-12s %s\n", c->id, c->version,
			in->drift[i] == NULL ? ZH_T(cli, "完整", "intact")
					     : ZH_T(cli, "已改动", "changed"));
		if (in->drift[i] != NULL)
			out_printf("      %s %s\n", ZH_T(cli, "不符：", "differs:"), in->drift[i]);
	}
}

int verb_verify_installed(struct zh_cli *cli)
{
	struct installed in;
	struct zh_session s;
	struct zh_err err;
	char *json = NULL;
	size_t i, bad = 0;
	int code;

	zh_err_init(&err);
	if ((code = cli_session_open(cli, ZH_SESSION_OPTIONAL | ZH_SESSION_QUIET, &s)) != 0)
		return code;
	if (load_installed(s.db, &in, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		code = ZH_EXIT_FAILED;
		goto out;
	}
	for (i = 0; i < in.n; i++)
		bad += in.drift[i] != NULL;
	if (cli->json) {
		if (zh_report_list_json(in.v, in.drift, in.n, NULL, &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			code = ZH_EXIT_FAILED;
			goto out;
		}
		out_printf("%s\n", json);
	} else {
		print_installed(cli, &in);
	}
	code = bad > 0 ? ZH_EXIT_PROBLEMS : ZH_EXIT_OK;
out:
	zh_free(json);
	installed_release(&in);
	cli_session_close(&s);
	return code;
}

int verb_list(struct zh_cli *cli)
{
	struct zh_catalog *cat = NULL;
	struct zh_arp_scan arp;
	struct installed in;
	struct zh_session s;
	struct zh_err err;
	char *json = NULL;
	size_t i;
	int code;

	zh_err_init(&err);
	memset(&arp, 0, sizeof(arp));
	memset(&in, 0, sizeof(in));
	if (cli->argc > 0) {
		err_printf("zhushou list: %s '%s'\n",
			ZH_T(cli, "多余的参数", "unexpected argument"), cli->argv[0]);
		return ZH_EXIT_USAGE;
	}
	if (cli_load_catalog(cli, &cat) != 0)
		return ZH_EXIT_FAILED;
	if ((code = cli_session_open(cli, ZH_SESSION_OPTIONAL | ZH_SESSION_QUIET, &s)) != 0) {
		zh_catalog_free(cat);
		return code;
	}
	code = ZH_EXIT_FAILED;
	if (load_installed(s.db, &in, &err) != 0 || zh_arp_find_legacy(cat, &arp, &err) != 0) {
		cli_report_error(cli, &err, NULL, NULL);
		goto out;
	}
	if (cli->json) {
		if (zh_report_list_json(in.v, in.drift, in.n, &arp, &json, &err) != 0) {
			cli_report_error(cli, &err, NULL, NULL);
			goto out;
		}
		out_printf("%s\n", json);
	} else {
		out_printf("%s\n", ZH_T(cli, "由 zhushou 安装：", "Installed by zhushou:"));
		print_installed(cli, &in);
		out_printf("%s\n",
			ZH_T(cli, "旧版控件（添加/删除程序）：",
				"Old controls (Add/Remove Programs):"));
		if (arp.nhits == 0)
			out_printf("  %s\n", ZH_T(cli, "无", "none"));
		for (i = 0; i < arp.nhits; i++)
			out_printf("  %s %s (%s, %s)\n", arp.hits[i].display_name,
				arp.hits[i].display_version != NULL ? arp.hits[i].display_version
								    : "",
				zh_arp_view_name(arp.hits[i].view),
				zh_uninst_kind_name(arp.hits[i].kind));
	}
	code = ZH_EXIT_OK;
out:
	zh_free(json);
	installed_release(&in);
	zh_arp_scan_release(&arp);
	zh_catalog_free(cat);
	cli_session_close(&s);
	return code;
}
