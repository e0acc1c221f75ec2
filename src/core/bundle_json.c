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
#include "text.h"
#include "utc.h"
#include "banned.h"

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

/* A listed payload file named by field "src". */
static int step_src(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	int rc = zh_json_str(c, o, "src", 1, ZH_MAX_PATH_BYTES, &s->src);

	if (rc == 0 && zh_bundle_manifest_find(m, s->src) == NULL)
		rc = zh_json_field(c, "src", "not a file listed in \"files\"");
	return rc;
}

/* One of the words in v (NULL-terminated); *ret its index. */
static int one_of(struct zh_json_ctx *c, const char *field, const char *s, const char *const *v,
	const char *why, int *ret)
{
	int i;

	for (i = 0; v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0) {
			*ret = i;
			return 0;
		}
	return zh_json_field(c, field, why);
}

static int parse_copy(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	static const char *const roots[] = {"app", "common_files", "system", "programdata", NULL};
	int rc, which = 0;

	if ((rc = zh_json_object(c, o, "op", "src", "dst_root", "dst", (const char *)NULL)) != 0 ||
		(rc = step_src(c, o, m, s)) != 0 ||
		(rc = zh_json_str(c, o, "dst_root", 1, 32, &s->dst_root)) != 0 ||
		(rc = zh_json_str(c, o, "dst", 1, ZH_MAX_PATH_BYTES, &s->dst)) != 0 ||
		(rc = one_of(c, "dst_root", s->dst_root, roots,
			 "must be \"app\", \"common_files\", \"system\" or \"programdata\"",
			 &which)) != 0)
		return rc;
	if ((rc = zh_safepath_check(s->dst, strlen(s->dst), c->err)) != 0)
		zh_err_wrap(c->err, "bundle.json field '%s.dst'", c->path);
	return rc;
}

static int parse_run(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	const cJSON *a, *e;
	int64_t v;
	int rc;

	if ((rc = zh_json_object(c, o, "op", "src", "args", "ok_codes", (const char *)NULL)) != 0 ||
		(rc = step_src(c, o, m, s)) != 0)
		return rc;
	a = cJSON_GetObjectItemCaseSensitive(o, "args");
	if (a != NULL) {
		if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > ZH_MAX_STEP_ARGS)
			return zh_json_field(c, "args", "must be an array of at most 32 strings");
		s->args = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(char *));
		if (s->args == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load bundle.json");
		cJSON_ArrayForEach(e, a)
		{
			if ((rc = zh_json_str_value(c, e, "args", ZH_MAX_MANIFEST_STRING,
				     &s->args[s->nargs])) != 0)
				return rc;
			s->nargs++;
		}
	}
	a = cJSON_GetObjectItemCaseSensitive(o, "ok_codes");
	if (a != NULL &&
		(!cJSON_IsArray(a) || cJSON_GetArraySize(a) > 16 || cJSON_GetArraySize(a) == 0))
		return zh_json_field(c, "ok_codes", "must be an array of 1 to 16 exit codes");
	s->ok_codes = zh_calloc(a == NULL ? 1 : (size_t)cJSON_GetArraySize(a), sizeof(int));
	if (s->ok_codes == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load bundle.json");
	if (a == NULL) {
		s->nok = 1;
		return 0;
	}
	cJSON_ArrayForEach(e, a)
	{
		if ((rc = zh_json_int_value(c, e, "ok_codes", -2147483647LL - 1, 2147483647LL,
			     &v)) != 0)
			return rc;
		s->ok_codes[s->nok++] = (int)v;
	}
	return 0;
}

/* A registry key path: 1..255 bytes, '\' separated, no empty part, no control character. */
static int key_valid(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > 255 || k[0] == '\\' || k[n - 1] == '\\')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x20 || (k[i] == '\\' && k[i + 1] == '\\'))
			return 0;
	return 1;
}

static int parse_reg(struct zh_json_ctx *c, const cJSON *o, struct zh_bundle_step *s)
{
	static const char *const roots[] = {"HKLM", "HKCU", NULL};
	static const char *const types[] = {"sz", "expand_sz", "dword", NULL};
	int rc, which = 0;
	int64_t v;

	if ((rc = zh_json_object(c, o, "op", "root", "key", "name", "type", "data",
		     (const char *)NULL)) != 0 ||
		(rc = zh_json_str(c, o, "root", 1, 8, &s->root)) != 0 ||
		(rc = one_of(c, "root", s->root, roots, "must be \"HKLM\" or \"HKCU\"", &which)) !=
			0 ||
		(rc = zh_json_str(c, o, "key", 1, 255, &s->key)) != 0 ||
		(rc = zh_json_str(c, o, "name", ZH_JSON_REQUIRED | ZH_JSON_EMPTY, 255, &s->name)) !=
			0 ||
		(rc = zh_json_str(c, o, "type", 1, 16, &s->type)) != 0 ||
		(rc = one_of(c, "type", s->type, types,
			 "must be \"sz\", \"expand_sz\" or \"dword\"", &which)) != 0)
		return rc;
	if (!key_valid(s->key))
		return zh_json_field(c, "key",
			"must be a registry key path: parts separated by one '\\', none empty");
	if (which == 2) {
		if ((rc = zh_json_int(c, o, "data", 0, 0xffffffffLL, &v)) == 0)
			s->dword = (uint32_t)v;
		return rc;
	}
	return zh_json_str(c, o, "data", ZH_JSON_REQUIRED | ZH_JSON_EMPTY, ZH_MAX_MANIFEST_STRING,
		&s->data);
}

static int parse_cert(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	static const char *const stores[] = {"Root", "CA", NULL};
	int rc, which = 0;

	if ((rc = zh_json_object(c, o, "op", "src", "store", (const char *)NULL)) != 0 ||
		(rc = step_src(c, o, m, s)) != 0 ||
		(rc = zh_json_str(c, o, "store", 1, 8, &s->store)) != 0)
		return rc;
	return one_of(c, "store", s->store, stores, "must be \"Root\" or \"CA\"", &which);
}

static int parse_shortcut(struct zh_json_ctx *c, const cJSON *o, struct zh_bundle_step *s)
{
	size_t n;
	int rc;

	if ((rc = zh_json_object(c, o, "op", "dst", "target", "args", "description",
		     (const char *)NULL)) != 0 ||
		(rc = zh_json_str(c, o, "dst", 1, ZH_MAX_PATH_BYTES, &s->dst)) != 0 ||
		(rc = zh_json_str(c, o, "target", 1, ZH_MAX_MANIFEST_STRING, &s->target)) != 0 ||
		(rc = zh_json_str(c, o, "args", ZH_JSON_EMPTY, ZH_MAX_MANIFEST_STRING,
			 &s->sargs)) != 0 ||
		(rc = zh_json_str(c, o, "description", ZH_JSON_EMPTY, ZH_MAX_MANIFEST_STRING,
			 &s->text)) != 0)
		return rc;
	if ((rc = zh_safepath_check(s->dst, strlen(s->dst), c->err)) != 0) {
		zh_err_wrap(c->err, "bundle.json field '%s.dst'", c->path);
		return rc;
	}
	n = strlen(s->dst);
	if (n < 5 || zh_ascii_ieq(s->dst + n - 4, ".lnk") == 0)
		return zh_json_field(c, "dst", "must name a .lnk file");
	if (s->target[0] == '\0')
		return zh_json_field(c, "target", "must not be empty");
	return 0;
}

/* A service name: 1..64 of A-Z a-z 0-9 _ . - */
static int svc_name_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.' ||
			    s[i] == '_'))
			return 0;
	return 1;
}

static int parse_service(struct zh_json_ctx *c, const cJSON *o, struct zh_bundle_step *s)
{
	static const char *const starts[] = {"demand", "auto", NULL};
	char *start = NULL;
	int rc;

	if ((rc = zh_json_object(c, o, "op", "name", "display", "command", "start",
		     (const char *)NULL)) != 0 ||
		(rc = zh_json_str(c, o, "name", 1, 64, &s->name)) != 0 ||
		(rc = zh_json_str(c, o, "display", 1, 256, &s->text)) != 0 ||
		(rc = zh_json_str(c, o, "command", 1, ZH_MAX_MANIFEST_STRING, &s->command)) != 0 ||
		(rc = zh_json_str(c, o, "start", 1, 16, &start)) != 0 ||
		(rc = one_of(c, "start", start, starts, "must be \"auto\" or \"demand\"",
			 &s->autostart)) != 0)
		goto out;
	if (!svc_name_valid(s->name))
		rc = zh_json_field(c, "name", "only A-Z, a-z, 0-9, '.', '_' and '-' (64 at most)");
	else if (s->command[0] == '\0')
		rc = zh_json_field(c, "command", "must not be empty");
out:
	zh_free(start);
	return rc;
}

static int parse_step(struct zh_json_ctx *c, const cJSON *o, const struct zh_bundle_manifest *m,
	struct zh_bundle_step *s)
{
	static const char *const ops[] = {"copy", "run", "reg", "cert", "shortcut", "service",
		NULL};
	char *op = NULL;
	int rc, which = 0;

	if ((rc = zh_json_str(c, o, "op", 1, 16, &op)) != 0 ||
		(rc = one_of(c, "op", op, ops,
			 "must be \"copy\", \"run\", \"reg\", \"cert\", \"shortcut\" or "
			 "\"service\"",
			 &which)) != 0)
		goto out;
	s->op = (enum zh_step_op)which;
	switch (s->op) {
	case ZH_STEP_COPY:
		rc = parse_copy(c, o, m, s);
		break;
	case ZH_STEP_RUN:
		rc = parse_run(c, o, m, s);
		break;
	case ZH_STEP_REG:
		rc = parse_reg(c, o, s);
		break;
	case ZH_STEP_CERT:
		rc = parse_cert(c, o, m, s);
		break;
	case ZH_STEP_SHORTCUT:
		rc = parse_shortcut(c, o, s);
		break;
	case ZH_STEP_SERVICE:
		rc = parse_service(c, o, s);
		break;
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
		zh_free(m->steps[i].root);
		zh_free(m->steps[i].key);
		zh_free(m->steps[i].name);
		zh_free(m->steps[i].type);
		zh_free(m->steps[i].data);
		zh_free(m->steps[i].store);
		zh_free(m->steps[i].target);
		zh_free(m->steps[i].sargs);
		zh_free(m->steps[i].text);
		zh_free(m->steps[i].command);
	}
	zh_free(m->steps);
	zh_free(m->id);
	zh_free(m->version);
	zh_free(m->publisher);
	zh_free(m->name_zh);
	zh_free(m->name_en);
	zh_free(m);
}
