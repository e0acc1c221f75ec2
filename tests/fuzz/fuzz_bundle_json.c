/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: the bundle.json parser. What it accepts must hold up: every listed path passes
 * the path rules, the files are sorted and each is found by path, the sizes add up within the
 * limits, and every install step names a listed file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/bundle.h"
#include "../../src/core/safepath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zh_bundle_manifest *m = NULL;
	int64_t total = 0;
	size_t i;

	if (zh_bundle_manifest_parse((const char *)data, size, &m, NULL) != 0)
		return 0;
	if (!zh_bundle_id_valid(m->id) || !zh_bundle_version_valid(m->version) ||
		m->nfiles > ZH_MAX_BUNDLE_FILES)
		abort();
	for (i = 0; i < m->nfiles; i++) {
		if (zh_safepath_check(m->files[i].path, strlen(m->files[i].path), NULL) != 0 ||
			m->files[i].size < 0 || m->files[i].size > ZH_MAX_FILE_BYTES ||
			(i > 0 && strcmp(m->files[i - 1].path, m->files[i].path) >= 0) ||
			zh_bundle_manifest_find(m, m->files[i].path) != &m->files[i])
			abort();
		total += m->files[i].size;
	}
	if (total != m->total_bytes || total > ZH_MAX_BUNDLE_BYTES)
		abort();
	for (i = 0; i < m->nsteps; i++)
		if (zh_bundle_manifest_find(m, m->steps[i].src) == NULL ||
			(m->steps[i].op == ZH_STEP_COPY &&
				zh_safepath_check(m->steps[i].dst, strlen(m->steps[i].dst), NULL) !=
					0))
			abort();
	zh_bundle_manifest_free(m);
	return 0;
}
