/* SPDX-License-Identifier: MIT */
/* UTC calendar arithmetic (Howard Hinnant's days_from_civil and civil_from_days). */
#include <stdio.h>
#include <string.h>

#include "utc.h"
#include "banned.h"

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int64_t zh_utc_from_fields(int year, int month, int day, int hour, int minute, int second)
{
	if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
		day > days_in_month(year, month) || hour < 0 || hour > 23 || minute < 0 ||
		minute > 59 || second < 0 || second > 60)
		return -1;
	return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

/* n decimal digits at s into *ret; 0 or -1. */
static int digits(const char *s, int n, int *ret)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*ret = v;
	return 0;
}

int zh_utc_parse(const char *s, int date_only_ok, int64_t *ret, struct zh_err *err)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	size_t n = strlen(s);
	int64_t t;

	if (!((n == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == 'Z' &&
		      digits(s + 11, 2, &h) == 0 && digits(s + 14, 2, &mi) == 0 &&
		      digits(s + 17, 2, &sec) == 0) ||
		    (date_only_ok && n == 10)) ||
		s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != 0 || digits(s + 5, 2, &mo) != 0 ||
		digits(s + 8, 2, &d) != 0)
		goto bad;
	t = zh_utc_from_fields(y, mo, d, h, mi, sec);
	if (t < 0)
		goto bad;
	*ret = t;
	return 0;
bad:
	return zh_err_set(err, ZH_EPARSE, "'%.40s' is not a UTC time like 2026-11-25T10:00:00Z%s",
		s, date_only_ok ? " or 2026-11-25" : "");
}

void zh_utc_format(int64_t t, char out[ZH_UTC_LEN])
{
	int64_t z, era, doe, yoe, y, doy, mp, d, m, secs;

	if (t < 0)
		t = 0;
	secs = t % 86400;
	z = t / 86400 + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	(void)snprintf(out, ZH_UTC_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
		(int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}
