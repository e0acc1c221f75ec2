/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: archive reading through the extractor. The input is the payload part of a
 * bundle (a zip), read with libarchive in small pieces and extracted for real through sys/fs
 * into a staging directory against a fixed, trusted manifest. Whatever the bytes, nothing may
 * appear beside the staging directory, and a success must have produced exactly the listed
 * files.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/core/bundle.h"
#include "../../src/sys/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char manifest[] =
	"{\"format\":1,\"id\":\"fuzz\",\"version\":\"1\",\"publisher\":\"fuzz\","
	"\"name\":{\"zh\":\"模糊\",\"en\":\"fuzz\"},\"created\":\"2026-01-01T00:00:00Z\","
	"\"files\":["
	"{\"path\":\"a.txt\",\"size\":6,\"sha256\":"
	"\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"},"
	"{\"path\":\"d/b.bin\",\"size\":64,\"sha256\":"
	"\"cc7321cce5e4409bd8077d58422e1214969059bbd40b4eeb0de0a642f40f7282\"},"
	"{\"path\":\"中文/c.txt\",\"size\":2,\"sha256\":"
	"\"a3a5e715f0cc574a73c3f9bebb6bc24f32ffd5b67b387244c2c909da779a1478\"}]}";

struct mem {
	const uint8_t *p;
	size_t left;
};

/* Odd-sized pieces, so that headers and data straddle reads. */
static int mem_source(void *ctx, const void **ret_buf, size_t *ret_len, struct zh_err *err)
{
	struct mem *m = ctx;
	size_t n = m->left < 1021 ? m->left : 1021;

	(void)err;
	*ret_buf = m->p;
	*ret_len = n;
	m->p += n;
	m->left -= n;
	return 0;
}

static char base[512], stage[600];

static void cleanup(void)
{
	struct zh_err err;

	zh_err_init(&err);
	(void)sys_fs_remove_tree(base, &err);
}

/* The base directory must hold nothing but the staging directory (or nothing at all). */
static void check_base(void)
{
	struct sys_dir *d = NULL;
	struct zh_err err;
	const char *name;

	zh_err_init(&err);
	if (sys_dir_open(base, &d, &err) != 0)
		abort();
	while (sys_dir_next(d, &name, NULL, &err) == 0 && name != NULL)
		if (strcmp(name, "s") != 0) {
			fprintf(stderr, "'%s' appeared beside the staging directory\n", name);
			abort();
		}
	sys_dir_close(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zh_bundle_manifest *m;
	struct zh_ar *ar = NULL;
	struct zh_err err;
	struct mem src = {data, size};
	int64_t bytes = 0, got;
	enum sys_fs_kind kind;
	char path[700];
	size_t i;
	int rc;

	zh_err_init(&err);
	if (m == NULL) {
		const char *tmp = getenv("TMPDIR");

		if (zh_bundle_manifest_parse(manifest, sizeof(manifest) - 1, &m, &err) != 0)
			abort();
		(void)snprintf(base, sizeof(base), "%s/zh-fuzz-archive-%ld", tmp ? tmp : "/tmp",
			(long)getpid());
		(void)snprintf(stage, sizeof(stage), "%s/s", base);
		cleanup();
		if (sys_fs_mkdir(base, &err) != 0)
			abort();
		atexit(cleanup);
	}
	if (sys_fs_mkdir(stage, &err) != 0)
		abort();
	rc = zh_ar_open(mem_source, &src, "fuzz input", &ar, &err);
	if (rc == 0)
		rc = zh_bundle_payload(ar, m, "fuzz input", stage, &bytes, &err);
	zh_ar_close(ar);
	check_base();
	if (rc == 0) {
		if (bytes != m->total_bytes)
			abort();
		for (i = 0; i < m->nfiles; i++) {
			(void)snprintf(path, sizeof(path), "%s/%s", stage, m->files[i].path);
			if (sys_fs_stat(path, &kind, &got, &err) != 0 || kind != SYS_FS_FILE ||
				got != m->files[i].size)
				abort();
		}
	}
	zh_err_init(&err);
	if (sys_fs_remove_tree(stage, &err) != 0)
		abort();
	return 0;
}
