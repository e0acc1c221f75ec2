/* SPDX-License-Identifier: MIT */
/*
 * bundle.json with cJSON: strict parsing (every field typed, bounded and named in errors;
 * duplicate keys refused, so that no reader can see a different manifest than we do) and the
 * writer pack build uses. See bundle.h for the rules and docs/formats.md for the format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "bundle.h"
#include "jsonutil.h"
#include "mem.h"
#include "safepath.h"
#include "utc.h"
#include "banned.h"

static const char *const dst_roots[] = {"app", "common_files", "system", "programdata"};

int zh_bundle_id_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > ZH_MAX_ID)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			    s[i] == '.' || s[i] == '_'))
			return 0;
	return s[0] != '.' && s[0] != '-';
}

int zh_bundle_version_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > ZH_MAX_ID)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' ||
			    s[i] == '_' || s[i] == '+'))
			return 0;
	return s[0] != '.' && s[n - 1] != '.';
}

static int cmp_files(const void *a, const void *b)
{
	return strcmp(((const struct zh_bundle_file *)a)->path,
		((const struct zh_bundle_file *)b)->path);
}

const struct zh_bundle_file *zh_bundle_manifest_find(const struct zh_bundle_manifest *m,
	const char *path)
{
	struct zh_bundle_file key;

	key.path = (char *)path;
	return bsearch(&key, m->files, m->nfiles, sizeof(*m->files), cmp_files);
}

/* Listed paths: no two equal without case, none both file and directory, none reserved. */
static int check_paths(struct zh_json_ctx *c, const struct zh_bundle_manifest *m)
{
	struct zh_strset *files = NULL;
	char *fold = NULL;
	size_t i, j;
	int rc = 0;

	rc = zh_strset_new(&files, c->err);
	for (i = 0; rc == 0 && i < m->nfiles; i++) {
		rc = zh_safepath_fold(m->files[i].path, &fold, c->err);
		if (rc != 0)
			break;
		if (strcmp(fold, ZH_BUNDLE_JSON) == 0 || strcmp(fold, ZH_BUNDLE_SIG) == 0) {
			zh_json_path(c, "files[%zu].path", i);
			rc = zh_json_bad(c, "'%s' is reserved for the manifest", m->files[i].path);
		} else if ((rc = zh_strset_add(files, fold, c->err)) == 1) {
			zh_json_path(c, "files[%zu].path", i);
			rc = zh_json_dup(c,
				"'%s' is listed twice (names differing only in case "
				"are one file on Windows)",
				m->files[i].path);
		}
		zh_free(fold);
		fold = NULL;
	}
	/* A file "a" and a file "a/b" cannot both exist. */
	for (i = 0; rc == 0 && i < m->nfiles; i++) {
		rc = zh_safepath_fold(m->files[i].path, &fold, c->err);
		for (j = 0; rc == 0 && fold[j] != '\0'; j++) {
			if (fold[j] != '/')
				continue;
			fold[j] = '\0';
			if (zh_strset_has(files, fold)) {
				zh_json_path(c, "files[%zu].path", i);
				rc = zh_json_dup(c, "'%s' is below '%s', which is listed as a file",
					m->files[i].path, fold);
			}
			fold[j] = '/';
		}
		zh_free(fold);
		fold = NULL;
	}
	zh_strset_free(files);
	return rc;
}

static int parse_file(struct zh_json_ctx *c, const cJSON *o, struct zh_bundle_file *f)
{
	char *hex = NULL;
	int rc;

	if ((rc = zh_json_object(c, o, "path", "size", "sha256", (const char *)NULL)) != 0 ||
		(rc = zh_json_str(c, o, "path", 1, ZH_MAX_PATH_BYTES, &f->path)) != 0 ||
		(rc = zh_json_int(c, o, "size", 0, ZH_MAX_FILE_BYTES, &f->size)) != 0 ||
		(rc = zh_json_str(c, o, "sha256", 1, 64, &hex)) != 0)
		goto out;
	if ((rc = zh_safepath_check(f->path, strlen(f->path), c->err)) != 0) {
		zh_err_wrap(c->err, "bundle.json field '%s.path'", c->path);
		goto out;
	}
	if (zh_sha256_unhex(hex, f->sha256) != 0)
		rc = zh_json_field(c, "sha256", "must be 64 hex digits");
out:
	zh_free(hex);
	return rc;
}

static int parse_step(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	const cJSON *a, *e;
	char *op = NULL;
	size_t i;
	int64_t v;
	int rc;

	if ((rc = zh_json_str(c, o, "op", 1, 16, &op)) != 0 ||
		(rc = zh_json_str(c, o, "src", 1, ZH_MAX_PATH_BYTES, &s->src)) != 0)
		goto out;
	if (zh_bundle_manifest_find(m, s->src) == NULL) {
		rc = zh_json_field(c, "src", "not a file listed in \"files\"");
		goto out;
	}
	if (strcmp(op, "copy") == 0) {
		s->op = ZH_STEP_COPY;
		if ((rc = zh_json_object(c, o, "op", "src", "dst_root", "dst",
			     (const char *)NULL)) != 0 ||
			(rc = zh_json_str(c, o, "dst_root", 1, 32, &s->dst_root)) != 0 ||
			(rc = zh_json_str(c, o, "dst", 1, ZH_MAX_PATH_BYTES, &s->dst)) != 0)
			goto out;
		for (i = 0; i < sizeof(dst_roots) / sizeof(dst_roots[0]); i++)
			if (strcmp(s->dst_root, dst_roots[i]) == 0)
				break;
		if (i == sizeof(dst_roots) / sizeof(dst_roots[0])) {
			rc = zh_json_field(c, "dst_root",
				"must be \"app\", \"common_files\", \"system\" or \"programdata\"");
			goto out;
		}
		if ((rc = zh_safepath_check(s->dst, strlen(s->dst), c->err)) != 0) {
			zh_err_wrap(c->err, "bundle.json field '%s.dst'", c->path);
		}
		goto out;
	}
	if (strcmp(op, "run") != 0) {
		rc = zh_json_field(c, "op", "must be \"copy\" or \"run\"");
		goto out;
	}
	s->op = ZH_STEP_RUN;
	if ((rc = zh_json_object(c, o, "op", "src", "args", "ok_codes", (const char *)NULL)) != 0)
		goto out;
	a = cJSON_GetObjectItemCaseSensitive(o, "args");
	if (a != NULL) {
		if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > ZH_MAX_STEP_ARGS) {
			rc = zh_json_field(c, "args", "must be an array of at most 32 strings");
			goto out;
		}
		s->args = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(char *));
		if (s->args == NULL) {
			rc = zh_err_set(c->err, ZH_ENOMEM, "cannot load bundle.json");
			goto out;
		}
		cJSON_ArrayForEach(e, a)
		{
			if ((rc = zh_json_str_value(c, e, "args", ZH_MAX_MANIFEST_STRING,
				     &s->args[s->nargs])) != 0)
				goto out;
			s->nargs++;
		}
	}
	a = cJSON_GetObjectItemCaseSensitive(o, "ok_codes");
	if (a != NULL &&
		(!cJSON_IsArray(a) || cJSON_GetArraySize(a) > 16 || cJSON_GetArraySize(a) == 0)) {
		rc = zh_json_field(c, "ok_codes", "must be an array of 1 to 16 exit codes");
		goto out;
	}
	s->ok_codes = zh_calloc(a == NULL ? 1 : (size_t)cJSON_GetArraySize(a), sizeof(int));
	if (s->ok_codes == NULL) {
		rc = zh_err_set(c->err, ZH_ENOMEM, "cannot load bundle.json");
		goto out;
	}
	if (a == NULL) {
		s->nok = 1;
		goto out;
	}
	cJSON_ArrayForEach(e, a)
	{
		if ((rc = zh_json_int_value(c, e, "ok_codes", -2147483647LL - 1, 2147483647LL,
			     &v)) != 0)
			goto out;
		s->ok_codes[s->nok++] = (int)v;
	}
out:
	zh_free(op);
	return rc;
}

int zh_bundle_manifest_parse(const char *json, size_t len, struct zh_bundle_manifest **ret,
	struct zh_err *err)
{
	struct zh_json_ctx c;
	struct zh_bundle_manifest *m = NULL;
	cJSON *root = NULL;
	const cJSON *a, *e, *name;
	char *created = NULL;
	int64_t format = 0;
	size_t i;
	int rc;

	zh_json_init(&c, "bundle.json", ZH_EMANIFEST, err);
	rc = zh_json_load(&c, json, len, ZH_MAX_BUNDLE_JSON, &root);
	if (rc != 0)
		goto out;
	m = zh_calloc(1, sizeof(*m));
	if (m == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load bundle.json");
		goto out;
	}
	if ((rc = zh_json_object(&c, root, "format", "id", "version", "publisher", "name",
		     "created", "files", "install", (const char *)NULL)) != 0 ||
		(rc = zh_json_int(&c, root, "format", 1, 1, &format)) != 0 ||
		(rc = zh_json_str(&c, root, "id", 1, ZH_MAX_ID, &m->id)) != 0 ||
		(rc = zh_json_str(&c, root, "version", 1, ZH_MAX_ID, &m->version)) != 0 ||
		(rc = zh_json_str(&c, root, "publisher", 1, ZH_MAX_MANIFEST_STRING,
			 &m->publisher)) != 0 ||
		(rc = zh_json_str(&c, root, "created", 1, 32, &created)) != 0)
		goto out;
	if (!zh_bundle_id_valid(m->id)) {
		rc = zh_json_field(&c, "id", "only a-z, 0-9, '.', '_' and '-' (64 at most)");
		goto out;
	}
	if (!zh_bundle_version_valid(m->version)) {
		rc = zh_json_field(&c, "version", "only letters, digits, '.', '_', '+' and '-'");
		goto out;
	}
	if (zh_utc_parse(created, 0, &m->created, NULL) != 0) {
		rc = zh_json_field(&c, "created", "must be a UTC time like 2026-11-25T10:00:00Z");
		goto out;
	}
	name = cJSON_GetObjectItemCaseSensitive(root, "name");
	zh_json_path(&c, "name");
	if ((rc = zh_json_object(&c, name, "zh", "en", (const char *)NULL)) != 0 ||
		(rc = zh_json_str(&c, name, "zh", 1, ZH_MAX_MANIFEST_STRING, &m->name_zh)) != 0 ||
		(rc = zh_json_str(&c, name, "en", 1, ZH_MAX_MANIFEST_STRING, &m->name_en)) != 0)
		goto out;
	zh_json_top(&c);
	a = zh_json_array(&c, root, "files", 1, ZH_MAX_BUNDLE_FILES, &rc);
	if (rc != 0)
		goto out;
	m->files = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*m->files));
	if (m->files == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load bundle.json");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(e, a)
	{
		zh_json_path(&c, "files[%zu]", i++);
		m->nfiles++;
		if ((rc = parse_file(&c, e, &m->files[m->nfiles - 1])) != 0)
			goto out;
		m->total_bytes += m->files[m->nfiles - 1].size;
		if (m->total_bytes > ZH_MAX_BUNDLE_BYTES) {
			rc = zh_err_set(err, ZH_ETOOBIG,
				"bundle.json: the files add up to more than %lld bytes",
				(long long)ZH_MAX_BUNDLE_BYTES);
			goto out;
		}
	}
	zh_json_top(&c);
	if ((rc = check_paths(&c, m)) != 0)
		goto out;
	qsort(m->files, m->nfiles, sizeof(*m->files), cmp_files);
	a = zh_json_array(&c, root, "install", 0, ZH_MAX_INSTALL_STEPS, &rc);
	if (rc != 0)
		goto out;
	if (a != NULL) {
		m->steps = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*m->steps));
		if (m->steps == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot load bundle.json");
			goto out;
		}
		i = 0;
		cJSON_ArrayForEach(e, a)
		{
			zh_json_path(&c, "install[%zu]", i++);
			m->nsteps++;
			if (!cJSON_IsObject(e)) {
				rc = zh_json_bad(&c, "must be an object");
				goto out;
			}
			if ((rc = parse_step(&c, e, m, &m->steps[m->nsteps - 1])) != 0)
				goto out;
		}
	}
	*ret = m;
	m = NULL;
out:
	zh_free(created);
	zh_bundle_manifest_free(m);
	cJSON_Delete(root);
	return rc;
}

void zh_bundle_manifest_free(struct zh_bundle_manifest *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfiles; i++)
		zh_free(m->files[i].path);
	zh_free(m->files);
	for (i = 0; i < m->nsteps; i++) {
		zh_free(m->steps[i].src);
		zh_free(m->steps[i].dst_root);
		zh_free(m->steps[i].dst);
		for (j = 0; j < m->steps[i].nargs; j++)
			zh_free(m->steps[i].args[j]);
		zh_free(m->steps[i].args);
		zh_free(m->steps[i].ok_codes);
	}
	zh_free(m->steps);
	zh_free(m->id);
	zh_free(m->version);
	zh_free(m->publisher);
	zh_free(m->name_zh);
	zh_free(m->name_en);
	zh_free(m);
}
