/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the archive path validator, against an independent oracle. A name it accepts
 * must be relative, '/'-separated, free of '..' and '.' components, ':' , '\', control
 * characters, trailing dots and spaces and reserved device names, and valid UTF-8 (checked
 * here with code of its own). Case folding must not fail on accepted names and must be
 * idempotent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/mem.h"
#include "../../src/core/safepath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Strict UTF-8 (no overlongs, surrogates or code points over U+10FFFF), written separately. */
static int utf8_ok(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t c = s[i];
		size_t k, j;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, c &= 0x07;
		else
			return 0;
		if (i + k >= n)
			return 0;
		for (j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + j] & 0x3f);
		}
		if ((k == 2 && c < 0x800) || (k == 3 && (c < 0x10000 || c > 0x10ffff)) ||
			(c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static int is_device(const uint8_t *c, size_t n)
{
	static const char *const names[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT0",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};
	size_t base = 0, i, k;

	while (base < n && c[base] != '.')
		base++;
	while (base > 0 && c[base - 1] == ' ')
		base--;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		if (strlen(names[k]) != base)
			continue;
		for (i = 0; i < base && upper(c[i]) == names[k][i]; i++)
			;
		if (i == base)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = NULL, *f1 = NULL, *f2 = NULL;
	size_t i, start;

	if (zh_safepath_check((const char *)data, size, NULL) != 0)
		return 0;
	/* Accepted: check it all again, independently. */
	if (size == 0 || size > ZH_MAX_PATH_BYTES || !utf8_ok(data, size) || data[0] == '/')
		abort();
	for (i = 0; i < size; i++)
		if (data[i] < 0x20 || data[i] == 0x7f || data[i] == ':' || data[i] == '\\' ||
			data[i] == '<' || data[i] == '>' || data[i] == '"' || data[i] == '|' ||
			data[i] == '?' || data[i] == '*')
			abort();
	for (start = 0, i = 0; i <= size; i++) {
		if (i < size && data[i] != '/')
			continue;
		if (i == start || (i - start == 1 && data[start] == '.') ||
			(i - start == 2 && data[start] == '.' && data[start + 1] == '.') ||
			data[i - 1] == '.' || data[i - 1] == ' ' ||
			is_device(data + start, i - start))
			abort();
		start = i + 1;
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (zh_safepath_fold(s, &f1, NULL) != 0 || zh_safepath_fold(f1, &f2, NULL) != 0 ||
		strcmp(f1, f2) != 0 || zh_safepath_check(f1, strlen(f1), NULL) != 0)
		abort();
	zh_free(f1);
	zh_free(f2);
	free(s);
	return 0;
}
