/* SPDX-License-Identifier: MIT */
/*
 * `pack build` (pack.h): recipes in, one signed pack out. Each bundle.json and index.json is
 * checked by the same parser the readers use before it is signed, so the publisher cannot
 * sign what zhushou would refuse. The output is assembled under a temporary name beside it and
 * renamed into place only when complete and flushed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "pack.h"
#include "bundle.h"
#include "index.h"
#include "jsonutil.h"
#include "mem.h"
#include "safepath.h"
#include "utc.h"
#include "../sys/fs.h"
#include "banned.h"

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, "%s/%s", dir, name);
	return s;
}

static char *with_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *s = zh_malloc(n);

	if (s != NULL)
		(void)snprintf(s, n, "%s%s", path, suffix);
	return s;
}

/* Size and SHA-256 of the file at path, streamed. */
static int hash_file(const char *path, int64_t *ret_size, uint8_t out[ZH_SHA256_LEN],
	struct zh_err *err)
{
	struct sys_file *f = NULL;
	struct zh_sha256 *h = NULL;
	char *buf = NULL;
	int64_t size = 0;
	size_t got;
	int rc;

	if ((rc = sys_file_open_read(path, &f, err)) != 0 || (rc = zh_sha256_new(&h, err)) != 0)
		goto out;
	buf = zh_malloc(1 << 20);
	if (buf == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
		goto out;
	}
	for (;;) {
		rc = sys_file_read(f, buf, 1 << 20, &got, err);
		if (rc != 0 || got == 0)
			break;
		zh_sha256_update(h, buf, got);
		size += (int64_t)got;
	}
	if (rc == 0) {
		zh_sha256_final(h, out);
		*ret_size = size;
	}
out:
	zh_free(buf);
	zh_sha256_free(h);
	(void)sys_file_close(f, NULL);
	return rc;
}

static int read_text(const char *path, size_t max, char **ret, size_t *ret_len, struct zh_err *err)
{
	void *data = NULL;
	size_t len = 0;
	int rc;

	/* One byte over the limit tells "too big" from "just fits". */
	rc = sys_fs_read_head(path, max + 1, &data, &len, err);
	if (rc != 0)
		return rc;
	if (len > max) {
		sys_free(data);
		return zh_err_set(err, ZH_ETOOBIG, "'%s' is over %zu bytes", path, max);
	}
	*ret = zh_strndup(data, len);
	sys_free(data);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", path);
	*ret_len = len;
	return 0;
}

struct recipe_file {
	char *src; /* full path of the source */
	char *path; /* payload path in the bundle */
	int compress;
};

/* The recipe's files and the bundle.json document (without sizes and hashes yet). */
static int load_recipe(const char *dir, const struct zh_pack_build_opts *o, cJSON **ret_doc,
	struct recipe_file **ret_files, size_t *ret_n, char **ret_id, char **ret_version,
	struct zh_err *err)
{
	struct zh_json_ctx c;
	struct recipe_file *files = NULL;
	cJSON *root = NULL, *doc = NULL, *name, *install;
	const cJSON *a, *e, *cv;
	char *path = NULL, *text = NULL, *src = NULL, *id = NULL, *version = NULL;
	char *publisher = NULL, created[ZH_UTC_LEN];
	size_t len = 0, n = 0, i = 0;
	int64_t format = 0;
	int rc;

	zh_json_init(&c, "recipe.json", ZH_EMANIFEST, err);
	path = join(dir, "recipe.json");
	if (path == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read recipe '%s'", dir);
		goto out;
	}
	if ((rc = read_text(path, ZH_MAX_RECIPE_JSON, &text, &len, err)) != 0 ||
		(rc = zh_json_load(&c, text, len, ZH_MAX_RECIPE_JSON, &root)) != 0 ||
		(rc = zh_json_object(&c, root, "format", "id", "version", "publisher", "name",
			 "files", "install", (const char *)NULL)) != 0 ||
		(rc = zh_json_int(&c, root, "format", 1, 1, &format)) != 0 ||
		(rc = zh_json_str(&c, root, "id", 1, ZH_MAX_ID, &id)) != 0 ||
		(rc = zh_json_str(&c, root, "version", 1, ZH_MAX_ID, &version)) != 0 ||
		(rc = zh_json_str(&c, root, "publisher", 1, ZH_MAX_MANIFEST_STRING, &publisher)) !=
			0)
		goto out;
	a = zh_json_array(&c, root, "files", 1, ZH_MAX_BUNDLE_FILES, &rc);
	if (rc != 0)
		goto out;
	files = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*files));
	if (files == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot read recipe '%s'", dir);
		goto out;
	}
	cJSON_ArrayForEach(e, a)
	{
		struct recipe_file *f = &files[n++];

		zh_json_path(&c, "files[%zu]", i++);
		if ((rc = zh_json_object(&c, e, "src", "path", "compress", (const char *)NULL)) !=
				0 ||
			(rc = zh_json_str(&c, e, "src", 1, ZH_MAX_PATH_BYTES, &src)) != 0 ||
			(rc = zh_json_str(&c, e, "path", 1, ZH_MAX_PATH_BYTES, &f->path)) != 0)
			goto out;
		/* Sources stay inside the recipe directory: a recipe is self-contained. */
		if ((rc = zh_safepath_check(src, strlen(src), err)) != 0) {
			zh_err_wrap(err, "recipe.json field '%s.src'", c.path);
			goto out;
		}
		cv = cJSON_GetObjectItemCaseSensitive(e, "compress");
		if (cv != NULL && !cJSON_IsBool(cv)) {
			rc = zh_json_field(&c, "compress", "must be true or false");
			goto out;
		}
		f->compress = cv == NULL || cJSON_IsTrue(cv);
		f->src = join(dir, src);
		zh_free(src);
		src = NULL;
		if (f->src == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read recipe '%s'", dir);
			goto out;
		}
	}
	if (cJSON_GetObjectItemCaseSensitive(root, "name") == NULL) {
		zh_json_top(&c);
		rc = zh_json_field(&c, "name", "missing");
		goto out;
	}
	zh_utc_format(o->created, created);
	name = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(root, "name"), 1);
	install = cJSON_GetObjectItemCaseSensitive(root, "install");
	install = install != NULL ? cJSON_Duplicate(install, 1) : cJSON_CreateArray();
	doc = cJSON_CreateObject();
	if (doc == NULL || name == NULL || install == NULL ||
		!cJSON_AddNumberToObject(doc, "format", 1) ||
		!cJSON_AddStringToObject(doc, "id", id) ||
		!cJSON_AddStringToObject(doc, "version", version) ||
		!cJSON_AddStringToObject(doc, "publisher", publisher) ||
		!cJSON_AddItemToObject(doc, "name", name) ||
		!cJSON_AddStringToObject(doc, "created", created)) {
		cJSON_Delete(name);
		cJSON_Delete(install);
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build bundle.json for '%s'", dir);
		goto out;
	}
	if (!cJSON_AddItemToObject(doc, "install", install)) {
		cJSON_Delete(install);
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build bundle.json for '%s'", dir);
		goto out;
	}
	*ret_doc = doc;
	doc = NULL;
	*ret_files = files;
	files = NULL;
	*ret_n = n;
	*ret_id = id;
	id = NULL;
	*ret_version = version;
	version = NULL;
out:
	if (files != NULL) {
		for (i = 0; i < n; i++) {
			zh_free(files[i].src);
			zh_free(files[i].path);
		}
		zh_free(files);
	}
	cJSON_Delete(doc);
	cJSON_Delete(root);
	zh_free(src);
	zh_free(id);
	zh_free(version);
	zh_free(publisher);
	zh_free(text);
	zh_free(path);
	return rc;
}

/* One recipe directory to one signed bundle file at out. */
static int build_bundle(const char *dir, const struct zh_pack_build_opts *o,
	const struct zh_signer *signer, const char *out, struct zh_pack_built *built,
	struct zh_err *err)
{
	struct zh_bundle_manifest *check = NULL;
	struct recipe_file *files = NULL;
	struct zh_zip *z = NULL;
	cJSON *doc = NULL, *arr, *fo;
	char *text = NULL, hex[ZH_SHA256_HEX];
	uint8_t digest[ZH_SHA256_LEN];
	void *sig = NULL;
	size_t n = 0, siglen = 0, i;
	int64_t size;
	int rc;

	rc = load_recipe(dir, o, &doc, &files, &n, &built->id, &built->version, err);
	if (rc != 0)
		goto out;
	built->nfiles = n;
	arr = cJSON_CreateArray();
	if (arr == NULL || !cJSON_AddItemToObject(doc, "files", arr)) {
		cJSON_Delete(arr);
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build bundle.json");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((rc = hash_file(files[i].src, &size, digest, err)) != 0)
			goto out;
		zh_sha256_hex(digest, hex);
		fo = cJSON_CreateObject();
		if (fo == NULL || !cJSON_AddItemToArray(arr, fo) ||
			!cJSON_AddStringToObject(fo, "path", files[i].path) ||
			!cJSON_AddNumberToObject(fo, "size", (double)size) ||
			!cJSON_AddStringToObject(fo, "sha256", hex)) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot build bundle.json");
			goto out;
		}
	}
	text = cJSON_Print(doc);
	if (text == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build bundle.json");
		goto out;
	}
	/* Only sign what a reader accepts. */
	if ((rc = zh_bundle_manifest_parse(text, strlen(text), &check, err)) != 0 ||
		(rc = zh_signer_sign(signer, text, strlen(text), o->created, &sig, &siglen, err)) !=
			0)
		goto out;
	if ((rc = zh_zip_create(out, o->created, &z, err)) != 0)
		goto out;
	if ((rc = zh_zip_begin(z, ZH_BUNDLE_JSON, 1, -1, err)) != 0 ||
		(rc = zh_zip_write(z, text, strlen(text), err)) != 0 ||
		(rc = zh_zip_end(z, err)) != 0 ||
		(rc = zh_zip_begin(z, ZH_BUNDLE_SIG, 0, -1, err)) != 0 ||
		(rc = zh_zip_write(z, sig, siglen, err)) != 0 || (rc = zh_zip_end(z, err)) != 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = zh_zip_add_file(z, files[i].path, files[i].src, files[i].compress,
			     err)) != 0)
			goto out;
	rc = zh_zip_close(z, err);
	z = NULL;
	if (rc != 0)
		goto out;
	rc = hash_file(out, &built->size, digest, err);
	zh_sha256_hex(digest, built->sha256);
out:
	if (rc != 0)
		zh_err_wrap(err, "recipe '%s'", dir);
	zh_zip_abort(z);
	for (i = 0; i < n; i++) {
		zh_free(files[i].src);
		zh_free(files[i].path);
	}
	zh_free(files);
	zh_free(sig);
	cJSON_free(text);
	cJSON_Delete(doc);
	zh_bundle_manifest_free(check);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The recipe directories: recipes itself if it holds recipe.json, else its subdirectories. */
static int list_recipes(const char *recipes, char ***ret, size_t *ret_n, struct zh_err *err)
{
	struct sys_dir *d = NULL;
	enum sys_fs_kind kind;
	char **dirs = NULL, *probe = NULL, *sub = NULL;
	const char *name;
	size_t n = 0;
	int rc;

	dirs = zh_calloc(ZH_MAX_RECIPES, sizeof(char *));
	probe = join(recipes, "recipe.json");
	if (dirs == NULL || probe == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot list recipes");
		goto out;
	}
	if ((rc = sys_fs_stat(probe, &kind, NULL, err)) != 0)
		goto out;
	if (kind == SYS_FS_FILE) {
		dirs[n] = zh_strdup(recipes);
		if (dirs[n++] == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot list recipes");
		goto out;
	}
	if ((rc = sys_dir_open(recipes, &d, err)) != 0)
		goto out;
	for (;;) {
		if ((rc = sys_dir_next(d, &name, &kind, err)) != 0 || name == NULL)
			break;
		if (kind != SYS_FS_DIR || name[0] == '.')
			continue;
		sub = join(recipes, name);
		zh_free(probe);
		probe = sub == NULL ? NULL : join(sub, "recipe.json");
		if (probe == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot list recipes");
			break;
		}
		if ((rc = sys_fs_stat(probe, &kind, NULL, err)) != 0)
			break;
		if (kind != SYS_FS_FILE) {
			zh_free(sub);
			sub = NULL;
			continue;
		}
		if (n == ZH_MAX_RECIPES) {
			rc = zh_err_set(err, ZH_ETOOBIG, "more than %d recipes in '%s'",
				ZH_MAX_RECIPES, recipes);
			break;
		}
		dirs[n++] = sub;
		sub = NULL;
	}
	if (rc == 0 && n == 0)
		rc = zh_err_set(err, ZH_ENOENT, "no recipe (*/recipe.json) in '%s'", recipes);
	if (rc == 0)
		qsort(dirs, n, sizeof(char *), cmp_str);
out:
	sys_dir_close(d);
	zh_free(sub);
	zh_free(probe);
	if (rc != 0) {
		while (n > 0)
			zh_free(dirs[--n]);
		zh_free(dirs);
		return rc;
	}
	*ret = dirs;
	*ret_n = n;
	return 0;
}

static void remove_quietly(const char *path)
{
	struct zh_err e;

	zh_err_init(&e);
	if (path != NULL)
		(void)sys_fs_unlink(path, &e);
}

int zh_pack_build(const struct zh_pack_build_opts *o, struct zh_pack_build_result *res,
	struct zh_err *err)
{
	struct zh_signer *signer = NULL;
	struct zh_index idx;
	struct zh_zip *z = NULL;
	char **dirs = NULL, **tmps = NULL, *key = NULL, *cert = NULL, *tmp = NULL;
	char *json = NULL, *publisher = NULL;
	void *sig = NULL;
	size_t ndirs = 0, klen = 0, clen = 0, siglen = 0, i;
	uint8_t digest[ZH_SHA256_LEN];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&idx, 0, sizeof(idx));
	zh_err_init(&res->trust_err);
	if (o->serial < 1 || o->serial > ZH_MAX_SERIAL)
		return zh_err_set(err, ZH_EINVAL, "serial must be from 1 to %llu",
			(unsigned long long)ZH_MAX_SERIAL);
	if (o->expires <= o->created)
		return zh_err_set(err, ZH_EINVAL, "the expiry must be after the creation time");
	if ((rc = read_text(o->key_path, ZH_MAX_PEM_BYTES, &key, &klen, err)) != 0 ||
		(rc = read_text(o->cert_path, ZH_MAX_PEM_BYTES, &cert, &clen, err)) != 0 ||
		(rc = zh_signer_load(key, klen, cert, clen, &signer, err)) != 0 ||
		(rc = list_recipes(o->recipes, &dirs, &ndirs, err)) != 0)
		goto out;
	(void)snprintf(res->signer, sizeof(res->signer), "%s", zh_signer_subject(signer));
	tmps = zh_calloc(ndirs, sizeof(char *));
	res->bundles = zh_calloc(ndirs, sizeof(*res->bundles));
	idx.bundles = zh_calloc(ndirs, sizeof(*idx.bundles));
	tmp = with_suffix(o->out, ".tmp");
	publisher = zh_strdup(zh_signer_subject(signer));
	if (tmps == NULL || res->bundles == NULL || idx.bundles == NULL || tmp == NULL ||
		publisher == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build a pack");
		goto out;
	}
	for (i = 0; i < ndirs; i++) {
		char suffix[32];
		struct zh_pack_built *b = &res->bundles[i];
		size_t pn;

		(void)snprintf(suffix, sizeof(suffix), ".b%zu.tmp", i);
		tmps[i] = with_suffix(o->out, suffix);
		if (tmps[i] == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot build a pack");
			goto out;
		}
		remove_quietly(tmps[i]); /* left over from an interrupted build */
		res->nbundles++;
		if ((rc = build_bundle(dirs[i], o, signer, tmps[i], b, err)) != 0)
			goto out;
		pn = strlen(b->id) + strlen(b->version) + 16;
		b->path = zh_malloc(pn);
		if (b->path == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot build a pack");
			goto out;
		}
		(void)snprintf(b->path, pn, "bundles/%s-%s.zip", b->id, b->version);
		idx.bundles[i].path = b->path;
		idx.bundles[i].id = b->id;
		idx.bundles[i].version = b->version;
		idx.bundles[i].size = b->size;
		(void)zh_sha256_unhex(b->sha256, idx.bundles[i].sha256);
		idx.nbundles++;
	}
	idx.serial = o->serial;
	idx.created = o->created;
	idx.expires = o->expires;
	idx.publisher = publisher;
	idx.profile = (char *)o->profile;
	idx.catalog_version = (char *)o->catalog_version;
	if ((rc = zh_index_json(&idx, &json, err)) != 0 ||
		(rc = zh_signer_sign(signer, json, strlen(json), o->created, &sig, &siglen, err)) !=
			0)
		goto out;
	remove_quietly(tmp);
	if ((rc = zh_zip_create(tmp, o->created, &z, err)) != 0)
		goto out;
	if ((rc = zh_zip_begin(z, ZH_INDEX_JSON, 1, -1, err)) != 0 ||
		(rc = zh_zip_write(z, json, strlen(json), err)) != 0 ||
		(rc = zh_zip_end(z, err)) != 0 ||
		(rc = zh_zip_begin(z, ZH_INDEX_SIG, 0, -1, err)) != 0 ||
		(rc = zh_zip_write(z, sig, siglen, err)) != 0 || (rc = zh_zip_end(z, err)) != 0)
		goto out;
	/* Bundles are zips already: stored, so the index's sizes are the bytes in the pack. */
	for (i = 0; i < ndirs; i++)
		if ((rc = zh_zip_add_file(z, res->bundles[i].path, tmps[i], 0, err)) != 0)
			goto out;
	rc = zh_zip_close(z, err);
	z = NULL;
	if (rc != 0 || (rc = hash_file(tmp, &res->size, digest, err)) != 0 ||
		(rc = sys_fs_rename(tmp, o->out, err)) != 0)
		goto out;
	if (o->trust != NULL)
		res->trusted = zh_sign_verify(o->trust, json, strlen(json), sig, siglen, o->created,
				       o->created, NULL, &res->trust_err) == 0;
out:
	zh_zip_abort(z);
	if (rc != 0)
		remove_quietly(tmp);
	for (i = 0; tmps != NULL && i < ndirs; i++) {
		remove_quietly(tmps[i]);
		zh_free(tmps[i]);
	}
	for (i = 0; dirs != NULL && i < ndirs; i++)
		zh_free(dirs[i]);
	zh_free(dirs);
	zh_free(tmps);
	zh_free(tmp);
	zh_free(idx.bundles);
	zh_free(publisher);
	zh_free(json);
	zh_free(sig);
	zh_free(key);
	zh_free(cert);
	zh_signer_free(signer);
	if (rc != 0)
		zh_pack_build_release(res);
	return rc;
}

void zh_pack_build_release(struct zh_pack_build_result *r)
{
	size_t i;

	for (i = 0; r->bundles != NULL && i < r->nbundles; i++) {
		zh_free(r->bundles[i].path);
		zh_free(r->bundles[i].id);
		zh_free(r->bundles[i].version);
	}
	zh_free(r->bundles);
	r->bundles = NULL;
	r->nbundles = 0;
}
