/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the index.json parser. What it accepts must survive a round trip through the
 * writer (same serial, times and bundles) and obey its own rules (paths safe, expiry after
 * creation, one bundle per component).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/index.h"
#include "../../src/core/mem.h"
#include "../../src/core/safepath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zh_index *idx = NULL, *again = NULL;
	char *text = NULL;
	size_t i, j;

	if (zh_index_parse((const char *)data, size, &idx, NULL) != 0)
		return 0;
	if (idx->serial < 1 || idx->serial > ZH_MAX_SERIAL || idx->expires <= idx->created ||
		idx->nbundles > ZH_MAX_PACK_BUNDLES)
		abort();
	for (i = 0; i < idx->nbundles; i++) {
		if (zh_safepath_check(idx->bundles[i].path, strlen(idx->bundles[i].path), NULL) !=
			0)
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(idx->bundles[i].id, idx->bundles[j].id) == 0)
				abort();
	}
	if (zh_index_json(idx, &text, NULL) != 0 ||
		zh_index_parse(text, strlen(text), &again, NULL) != 0 ||
		again->serial != idx->serial || again->created != idx->created ||
		again->expires != idx->expires || again->nbundles != idx->nbundles)
		abort();
	for (i = 0; i < idx->nbundles; i++)
		if (strcmp(again->bundles[i].path, idx->bundles[i].path) != 0 ||
			again->bundles[i].size != idx->bundles[i].size ||
			memcmp(again->bundles[i].sha256, idx->bundles[i].sha256, ZH_SHA256_LEN) !=
				0)
			abort();
	zh_free(text);
	zh_index_free(again);
	zh_index_free(idx);
	return 0;
}
