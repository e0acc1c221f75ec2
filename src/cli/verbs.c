/* SPDX-License-Identifier: MIT */
/* The explicit verb table (no registration magic): adding a verb is one line here. */
#include "verbs.h"
#include "../core/banned.h"

const struct zh_verb zh_verbs[] = {
	{"check", verb_check, "全面检测：列出本机所有问题（--json 输出机器可读结果）",
		"full check: list every problem on this PC (--json for machines)"},
	{"version", verb_version, "显示版本及所用库的版本",
		"show the version and the versions of the libraries"},
};

const size_t zh_nverbs = sizeof(zh_verbs) / sizeof(zh_verbs[0]);

const char zh_version[] = ZH_VERSION;
