/* SPDX-License-Identifier: MIT */
/* The explicit verb table (no registration magic): adding a verb is one line here. */
#include "verbs.h"
#include "../gui/gui.h"
#include "../core/banned.h"

const struct zh_verb zh_verbs[] = {
	{"check", verb_check, "全面检测：列出本机所有问题（--json 输出机器可读结果）",
		"full check: list every problem on this PC (--json for machines)"},
	{"repair", verb_repair, "一键修复：按检测结果修复（--dry-run 只显示计划）",
		"one-click repair of what check found (--dry-run shows the plan only)"},
	{"install", verb_install,
		"安装组件：install 组件[=版本] ... --source 离线包 [--allow-expired]",
		"install components: install ID[=VERSION] ... --source PACK [--allow-expired]"},
	{"remove", verb_remove, "卸载由 zhushou 安装的组件：remove 组件 ...",
		"remove components zhushou installed: remove ID ..."},
	{"list", verb_list, "列出 zhushou 安装的组件（并校验）和发现的旧版控件",
		"list the components zhushou installed (verified) and the old controls found"},
	{"history", verb_history, "列出 zhushou 在本机做过的修改",
		"list the changes zhushou made here"},
	{"rollback", verb_rollback, "撤销一次修改（默认最近一次）",
		"undo a change (the newest one by default)"},
	{"verify", verb_verify,
		"验证离线包或组件包：签名、哈希、序号与有效期（--extract 目录 解压）",
		"verify a pack or bundle: signatures, hashes, serial, expiry (--extract DIR)"},
	{"pack", verb_pack, "发布方：pack build 由配方生成并签名离线包",
		"publisher: pack build makes a signed pack from recipes"},
	{"support-report", verb_support_report,
		"生成发给客服的支持报告：support-report -o 文件.zip",
		"write a support report for portal support: support-report -o FILE.zip"},
	{"gui", verb_gui, "打开窗口：全面检测、一键修复、重新检测（从资源管理器启动时默认）",
		"open the window: check, repair, check again (the default from Explorer)"},
	{"version", verb_version, "显示版本及所用库的版本",
		"show the version and the versions of the libraries"},
};

const size_t zh_nverbs = sizeof(zh_verbs) / sizeof(zh_verbs[0]);

const char zh_version[] = ZH_VERSION;
