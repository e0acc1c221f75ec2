/* SPDX-License-Identifier: MIT */
/* Fuzz target: the catalog parser and validator, on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "../../src/core/catalog.h"
#include "../../src/core/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zh_catalog *cat = NULL;
	struct zh_err err;

	zh_err_init(&err);
	if (zh_catalog_parse((const char *)data, size, zh_probe_names, &cat, &err) == 0)
		zh_catalog_free(cat);
	return 0;
}
