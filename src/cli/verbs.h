/* SPDX-License-Identifier: MIT */
/* The verb table: every command zhushou understands, in the order `help` lists them. */
#ifndef ZH_VERBS_H
#define ZH_VERBS_H

#include <stddef.h>

#include "cli.h"

struct zh_verb {
	const char *name;
	int (*run)(struct zh_cli *cli);
	const char *summary_zh;
	const char *summary_en;
};

/* support-report (verb_support_report.c); the other verbs are declared in cli.h. */
int verb_support_report(struct zh_cli *cli);

extern const struct zh_verb zh_verbs[];
extern const size_t zh_nverbs;

#endif
