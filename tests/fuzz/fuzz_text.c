/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: UTF-8 validation and name normalization. Normalizing must succeed exactly for
 * valid UTF-8, yield valid UTF-8, and be idempotent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/mem.h"
#include "../../src/core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *n1 = NULL, *n2 = NULL;
	int valid, rc;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	valid = zh_utf8_valid(s, strlen(s));
	rc = zh_text_normalize(s, &n1, NULL);
	if ((rc == 0) != valid)
		abort();
	if (rc == 0) {
		if (!zh_utf8_valid(n1, strlen(n1)) || zh_text_normalize(n1, &n2, NULL) != 0 ||
			strcmp(n1, n2) != 0)
			abort();
	}
	zh_free(n1);
	zh_free(n2);
	free(s);
	return 0;
}
