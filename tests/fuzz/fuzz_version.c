/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: version strings and constraints. The input is split at the first NUL into a
 * constraint and a version; comparison must also be antisymmetric.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 2);
	const char *a, *b;
	int m;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	buf[size + 1] = '\0';
	a = buf;
	b = buf + strlen(buf) + 1;
	(void)zh_version_match(a, b, &m, NULL);
	if ((zh_version_cmp(a, b) > 0) != (zh_version_cmp(b, a) < 0))
		abort();
	free(buf);
	return 0;
}
