/* SPDX-License-Identifier: MIT */
/*
 * Calendar time in UTC without the C library's time zone machinery (timegm is not portable,
 * gmtime is not reentrant): seconds since 1970 to and from the one text form zhushou writes,
 * RFC 3339 "YYYY-MM-DDTHH:MM:SSZ". Dates run from 1970 to 9999.
 */
#ifndef ZH_UTC_H
#define ZH_UTC_H

#include <stdint.h>

#include "err.h"

#define ZH_UTC_LEN 21 /* "2026-11-25T10:00:00Z" and a NUL */

/*
 * Seconds since 1970-01-01T00:00:00Z of a calendar date and time, or -1 if a field is out of
 * range (month 1-12, day within the month, hour 0-23, minute 0-59, second 0-60).
 */
int64_t zh_utc_from_fields(int year, int month, int day, int hour, int minute, int second);

/*
 * Parse "YYYY-MM-DDTHH:MM:SSZ" (exactly that form; with date_only_ok also "YYYY-MM-DD",
 * meaning midnight UTC) into *ret. ZH_EPARSE names the text.
 */
int zh_utc_parse(const char *s, int date_only_ok, int64_t *ret, struct zh_err *err);

/* Format t (>= 0) as "YYYY-MM-DDTHH:MM:SSZ" into out. */
void zh_utc_format(int64_t t, char out[ZH_UTC_LEN]);

#endif
