/* SPDX-License-Identifier: MIT */
/* Version comparison and constraints; see version.h. */
#include <string.h>

#include "version.h"
#include "banned.h"

#define ZH_MAX_VERSION 64

static const char *skip_v(const char *s)
{
	while (*s == ' ')
		s++;
	if (*s == 'v' || *s == 'V')
		s++;
	return s;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Compare one segment [a, ae) with [b, be): numerically if both are digits. */
static int seg_cmp(const char *a, const char *ae, const char *b, const char *be)
{
	const char *p;
	int an = a < ae, bn = b < be;
	size_t la, lb;
	int c;

	for (p = a; p < ae; p++)
		an = an && is_digit(*p);
	for (p = b; p < be; p++)
		bn = bn && is_digit(*p);
	if (an && bn) {
		while (a < ae - 1 && *a == '0')
			a++;
		while (b < be - 1 && *b == '0')
			b++;
		la = (size_t)(ae - a);
		lb = (size_t)(be - b);
		if (la != lb)
			return la < lb ? -1 : 1;
		c = memcmp(a, b, la);
		return c < 0 ? -1 : c > 0;
	}
	la = (size_t)(ae - a);
	lb = (size_t)(be - b);
	c = memcmp(a, b, la < lb ? la : lb);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return la == lb ? 0 : (la < lb ? -1 : 1);
}

/* An absent segment counts as "0", so "2" == "2.0". */
static int seg_is_zero(const char *s, const char *e)
{
	for (; s < e; s++)
		if (*s != '0')
			return 0;
	return 1;
}

static int cmp_range(const char *a, const char *ae, const char *b, const char *be)
{
	while (a < ae || b < be) {
		const char *sa = a, *sb = b;
		int c;

		while (a < ae && *a != '.')
			a++;
		while (b < be && *b != '.')
			b++;
		if (sa == a && sa >= ae)
			c = seg_is_zero(sb, b) ? 0 : -1;
		else if (sb == b && sb >= be)
			c = seg_is_zero(sa, a) ? 0 : 1;
		else
			c = seg_cmp(sa, a, sb, b);
		if (c != 0)
			return c;
		if (a < ae)
			a++;
		if (b < be)
			b++;
	}
	return 0;
}

static const char *trim_end(const char *s, const char *e)
{
	while (e > s && e[-1] == ' ')
		e--;
	return e;
}

int zh_version_cmp(const char *a, const char *b)
{
	a = skip_v(a);
	b = skip_v(b);
	return cmp_range(a, trim_end(a, a + strlen(a)), b, trim_end(b, b + strlen(b)));
}

enum op { OP_EQ, OP_NE, OP_GE, OP_LE, OP_GT, OP_LT };

/* Parse the clause [s, e) into op and version range; 0 or ZH_EPARSE. */
static int parse_clause(const char *s, const char *e, enum op *ret_op, const char **ret_v,
	const char **ret_ve)
{
	enum op op = OP_EQ;
	const char *v;

	while (s < e && *s == ' ')
		s++;
	e = trim_end(s, e);
	if (e - s >= 2 && strncmp(s, "==", 2) == 0)
		s += 2;
	else if (e - s >= 2 && strncmp(s, "!=", 2) == 0)
		op = OP_NE, s += 2;
	else if (e - s >= 2 && strncmp(s, ">=", 2) == 0)
		op = OP_GE, s += 2;
	else if (e - s >= 2 && strncmp(s, "<=", 2) == 0)
		op = OP_LE, s += 2;
	else if (s < e && *s == '>')
		op = OP_GT, s++;
	else if (s < e && *s == '<')
		op = OP_LT, s++;
	else if (s < e && *s == '=')
		s++;
	while (s < e && *s == ' ')
		s++;
	if (s < e && (*s == 'v' || *s == 'V'))
		s++;
	if (s >= e || e - s > ZH_MAX_VERSION)
		return ZH_EPARSE;
	for (v = s; v < e; v++)
		if (!(is_digit(*v) || *v == '.' || (*v >= 'a' && *v <= 'z') ||
			    (*v >= 'A' && *v <= 'Z') || *v == '-' || *v == '_'))
			return ZH_EPARSE;
	*ret_op = op;
	*ret_v = s;
	*ret_ve = e;
	return 0;
}

static int eval(const char *constraint, const char *version, int *ret_match, struct zh_err *err)
{
	const char *p = constraint;
	int all = 1;

	while (*p == ' ')
		p++;
	if (*p == '\0' || strcmp(p, "*") == 0) {
		if (ret_match != NULL)
			*ret_match = 1;
		return 0;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		const char *ce = end == NULL ? p + strlen(p) : end;
		const char *v, *ve;
		enum op op;
		int c;

		if (parse_clause(p, ce, &op, &v, &ve) != 0)
			return zh_err_set(err, ZH_EPARSE, "malformed version constraint '%s'",
				constraint);
		if (version != NULL) {
			const char *vv = skip_v(version);

			c = cmp_range(vv, trim_end(vv, vv + strlen(vv)), v, ve);
			switch (op) {
			case OP_EQ:
				all = all && c == 0;
				break;
			case OP_NE:
				all = all && c != 0;
				break;
			case OP_GE:
				all = all && c >= 0;
				break;
			case OP_LE:
				all = all && c <= 0;
				break;
			case OP_GT:
				all = all && c > 0;
				break;
			case OP_LT:
				all = all && c < 0;
				break;
			}
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (ret_match != NULL)
		*ret_match = all;
	return 0;
}

int zh_version_match(const char *constraint, const char *version, int *ret_match,
	struct zh_err *err)
{
	return eval(constraint, version == NULL ? "" : version, ret_match, err);
}

int zh_version_constraint_valid(const char *constraint, struct zh_err *err)
{
	return eval(constraint, NULL, NULL, err);
}
