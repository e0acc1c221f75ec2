/* SPDX-License-Identifier: MIT */
/*
 * The zhushou command line: global options, then one verb from the table in verbs.c. Options
 * may stand before or after the verb. Arguments arrive as UTF-8 from the seam, so Chinese
 * paths and names survive on Windows.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "verbs.h"
#include "../gui/gui.h"
#include "../sys/env.h"
#include "../sys/fault.h"
#include "../sys/mem.h"
#include "../core/banned.h"

static void usage(const struct zh_cli *cli)
{
	size_t i;

	out_printf("%s: zhushou <%s> [--lang zh|en] [--json] [--quiet] [--log FILE]\n"
		   "       [--source PACK|https://MIRROR/] [--proxy URL|direct] [--net-timeout "
		   "SECONDS]\n\n",
		ZH_T(cli, "用法", "usage"), ZH_T(cli, "命令", "command"));
	for (i = 0; i < zh_nverbs; i++)
		out_printf("  %-10s %s\n", zh_verbs[i].name,
			ZH_T(cli, zh_verbs[i].summary_zh, zh_verbs[i].summary_en));
	out_printf("\n%s\n",
		ZH_T(cli,
			"退出码：0 成功；1 检测发现问题；2 用法错误；1603 失败（已回滚）；1618 "
			"已有 zhushou 在运行；3010 需要重启；1641 已开始重启（--reboot）。",
			"exit codes: 0 success; 1 problems found; 2 usage; 1603 failed (rolled "
			"back); "
			"1618 another zhushou is running; 3010 reboot required; 1641 restarting "
			"(--reboot)."));
}

/*
 * Split argv into global options and the verb's arguments (kept in order, in place).
 * Returns 0 or ZH_EXIT_USAGE after saying what is wrong.
 */
static int parse(struct zh_cli *cli, int argc, char **argv, const char **ret_verb)
{
	int i, n = 0;

	*ret_verb = NULL;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(a, "--quiet") == 0) {
			cli->quiet = 1;
		} else if (strcmp(a, "--dry-run") == 0) {
			cli->dry_run = 1;
		} else if (strcmp(a, "--reboot") == 0) {
			cli->reboot = 1;
		} else if (strcmp(a, "--wait") == 0 || strcmp(a, "--timeout") == 0 ||
			strcmp(a, "--net-timeout") == 0) {
			char *end = NULL;
			long sec = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;

			if (i + 1 >= argc || end == argv[i + 1] || *end != '\0' || sec < 0 ||
				sec > 86400) {
				err_printf("zhushou: %s %s\n", a,
					ZH_T(cli, "需要 0 到 86400 之间的秒数",
						"needs a number of seconds from 0 to 86400"));
				return ZH_EXIT_USAGE;
			}
			if (a[2] == 't') {
				cli->timeout_ms = sec * 1000;
				i++;
				continue;
			}
			if (a[2] == 'n') {
				cli->net_timeout_secs = sec;
				i++;
				continue;
			}
			cli->wait_ms = sec * 1000;
			i++;
		} else if (strcmp(a, "--lang") == 0 || strcmp(a, "--catalog") == 0 ||
			strcmp(a, "--log") == 0 || strcmp(a, "--proxy") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				err_printf("zhushou: %s %s\n", a,
					ZH_T(cli, "缺少参数值", "needs a value"));
				return ZH_EXIT_USAGE;
			}
			if (a[2] == 'c') {
				cli->catalog = argv[++i];
				continue;
			}
			if (strcmp(a, "--log") == 0) {
				cli->log_path = argv[++i];
				continue;
			}
			if (strcmp(a, "--proxy") == 0) {
				cli->proxy = argv[++i];
				continue;
			}
			i++;
			if (strcmp(argv[i], "zh") == 0 || strcmp(argv[i], "zh-CN") == 0) {
				cli->lang = "zh";
			} else if (strcmp(argv[i], "en") == 0 || strcmp(argv[i], "en-US") == 0) {
				cli->lang = "en";
			} else {
				err_printf("zhushou: --lang %s: %s\n", argv[i],
					ZH_T(cli, "只能是 zh 或 en", "must be zh or en"));
				return ZH_EXIT_USAGE;
			}
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
			strcmp(a, "/?") == 0) {
			*ret_verb = "help";
		} else if (*ret_verb == NULL && a[0] != '-') {
			*ret_verb = a;
		} else {
			/* Swap, not copy: every string must stay in argv once to be freed once. */
			char *t = argv[n];

			argv[n++] = argv[i];
			argv[i] = t;
		}
	}
	cli->argc = n;
	cli->argv = argv;
	return 0;
}

int main(int argc, char **argv)
{
	struct zh_cli cli = {.lang = sys_env_ui_lang()};
	const struct zh_verb *verb = NULL;
	const char *name = NULL;
	char **uargv = NULL;
	char *fault = NULL;
	struct zh_err err;
	int uargc = 0, code;
	size_t i;

	zh_err_init(&err);
	if (sys_env_args(argc, argv, &uargc, &uargv, &err) != 0) {
		cli_report_error(&cli, &err, NULL, NULL);
		return ZH_EXIT_FAILED;
	}
	code = parse(&cli, uargc, uargv, &name);
	if (code != 0)
		goto out;
	/*
	 * No arguments and a console of its own: started from Explorer (a double-click, the Start
	 * menu), where a clerk expects the window. From cmd.exe the usage text stays.
	 */
	if (name == NULL && uargc == 1 && gui_started_alone())
		name = "gui";
	out_set_quiet(cli.quiet && !cli.json);
	if (sys_env_get("ZHUSHOU_FAULT", &fault, &err) == 0 && fault[0] != '\0' &&
		zh_fault_parse(fault, &err) != 0) {
		cli_report_error(&cli, &err, "检查 ZHUSHOU_FAULT 环境变量。",
			"check the ZHUSHOU_FAULT environment variable.");
		code = ZH_EXIT_USAGE;
		goto out;
	}
	if (name == NULL || strcmp(name, "help") == 0) {
		usage(&cli);
		code = name == NULL ? ZH_EXIT_USAGE : ZH_EXIT_OK;
		goto out;
	}
	for (i = 0; i < zh_nverbs; i++)
		if (strcmp(zh_verbs[i].name, name) == 0)
			verb = &zh_verbs[i];
	if (verb == NULL) {
		err_printf("zhushou: %s '%s'\n", ZH_T(&cli, "未知命令", "unknown command"), name);
		usage(&cli);
		code = ZH_EXIT_USAGE;
		goto out;
	}
	cli_log_open(&cli, verb->name, cli.argc, cli.argv);
	code = verb->run(&cli);
	/* --reboot: what needed a restart gets one, as msiexec's REBOOT=Force does (1641). */
	if (code == ZH_EXIT_REBOOT_REQUIRED && cli.reboot) {
		if (sys_env_restart(&err) == 0) {
			cli_log("INFO", "restart of Windows started");
			code = ZH_EXIT_REBOOTING;
		} else {
			cli_report_error(&cli, &err, "请手动重启电脑。",
				"restart Windows yourself.");
		}
	}
	cli_log_close(code);
out:
	sys_free(fault);
	sys_env_args_free(uargc, uargv);
	return code;
}
