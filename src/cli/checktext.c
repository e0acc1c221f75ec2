/* SPDX-License-Identifier: MIT */
/*
 * The check as text for people (cli.h): what `zhushou check` prints and support-report keeps,
 * one place for both. One line per check with its mark, the detail indented, the advice for
 * what is not right, the Group Policy zhushou read (when IT set any), and the summary.
 */
#include <string.h>

#include "cli.h"
#include "../core/buf.h"
#include "../core/check.h"
#include "../core/banned.h"

#define T(lang, zh, en) ((lang)[0] == 'z' ? (zh) : (en))

static const char *mark(enum zh_status st)
{
	switch (st) {
	case ZH_ST_OK:
		return "[✓]";
	case ZH_ST_FAIL:
	case ZH_ST_ERROR:
		return "[✗]";
	case ZH_ST_WARN:
		return "[!]";
	default:
		return "[-]";
	}
}

/* Each line of text after indent, ending with eol. */
static int indented(struct zh_buf *b, const char *text, const char *indent, const char *eol,
	struct zh_err *err)
{
	const char *p = text;
	int rc = 0;

	while (rc == 0 && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl == NULL ? strlen(p) : (size_t)(nl - p);

		rc = zh_buf_printf(b, err, "%s%.*s%s", indent, (int)n, p, eol);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return rc;
}

/* What IT set by Group Policy, when anything is set. */
static int policy_text(const struct zh_policy *p, const char *lang, const char *eol,
	struct zh_buf *b, struct zh_err *err)
{
	size_t i;
	int rc;

	if (!p->any)
		return 0;
	rc = zh_buf_printf(b, err, "%s (HKLM\\%s)%s", T(lang, "组策略", "Group Policy"),
		ZH_POLICY_KEY, eol);
	if (rc == 0 && p->source != NULL)
		rc = zh_buf_printf(b, err, "    %s: %s%s", T(lang, "修复来源", "source"), p->source,
			eol);
	if (rc == 0 && p->allow_online_set)
		rc = zh_buf_printf(b, err, "    %s: %s%s",
			T(lang, "允许在线来源", "online sources"),
			p->allow_online ? T(lang, "允许", "allowed")
					: T(lang, "不允许", "not allowed"),
			eol);
	if (rc == 0 && p->publisher_pem != NULL)
		rc = zh_buf_printf(b, err, "    %s: %s (SHA-256 %s)%s",
			T(lang, "另加的发布方根证书", "extra publisher root"), p->publisher_subject,
			p->publisher_sha256, eol);
	if (rc == 0 && p->user_repair_set)
		rc = zh_buf_printf(b, err, "    %s: %s%s",
			T(lang, "用户自行修复", "repair by users"),
			p->user_repair ? T(lang, "允许", "allowed")
				       : T(lang, "不允许（仅 IT 的 repair --quiet）",
						 "not allowed (only IT's repair --quiet)"),
			eol);
	for (i = 0; rc == 0 && i < p->nbad; i++)
		rc = zh_buf_printf(b, err, "    %s: %s%s", T(lang, "已忽略", "ignored"), p->bad[i],
			eol);
	return rc == 0 ? zh_buf_printf(b, err, "%s", eol) : rc;
}

int cli_check_text(const struct zh_check_report *rep, const char *lang, const char *eol,
	struct zh_buf *b, struct zh_err *err)
{
	size_t i, bad = 0;
	int rc;

	rc = zh_buf_printf(b, err, "zhushou %s — %s%s%s", zh_version,
		zh_text_get(&rep->cat->profile_name, lang), eol, eol);
	if (rc == 0)
		rc = policy_text(&rep->policy, lang, eol, b, err);
	for (i = 0; rc == 0 && i < rep->nresults; i++) {
		const struct zh_check_result *r = &rep->results[i];
		int advice = r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR ||
			r->status == ZH_ST_WARN;

		rc = zh_buf_printf(b, err, "%s %s%s", mark(r->status),
			zh_text_get(&r->def->title, lang), eol);
		if (rc == 0)
			rc = indented(b, zh_text_get(&r->detail, lang), "    ", eol, err);
		if (r->status == ZH_ST_FAIL || r->status == ZH_ST_ERROR)
			bad++;
		if (rc == 0 && advice)
			rc = zh_buf_printf(b, err, "    %s", T(lang, "建议：", "advice: "));
		if (rc == 0 && advice)
			rc = indented(b, zh_text_get(&r->def->advice, lang), "", eol, err);
	}
	if (rc != 0)
		return rc;
	if (bad == 0)
		return zh_buf_printf(b, err, "%s%s%s", eol,
			T(lang, "系统环境正常。", "The PC is ready."), eol);
	return zh_buf_printf(b, err,
		T(lang, "%s系统环境存在 %zu 项异常，请一键修复（zhushou repair）。%s",
			"%s%zu problems found: run zhushou repair.%s"),
		eol, bad, eol);
}
