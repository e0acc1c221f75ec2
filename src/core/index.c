/* SPDX-License-Identifier: MIT */
/*
 * index.json with cJSON, and the replay/expiry rules (index.h). The content hash kept with the
 * serial is over the exact bytes that were signed, so "same serial, other content" cannot hide
 * behind a re-encoding of the same JSON.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "index.h"
#include "bundle.h"
#include "jsonutil.h"
#include "mem.h"
#include "safepath.h"
#include "utc.h"
#include "banned.h"

#define ZH_MAX_BUNDLE_FILE ((int64_t)16 << 30) /* a bundle archive in a pack */

static int parse_bundle(struct zh_json_ctx *c, const cJSON *o, struct zh_index_bundle *b)
{
	char *hex = NULL;
	int rc;

	if ((rc = zh_json_object(c, o, "path", "id", "version", "size", "sha256",
		     (const char *)NULL)) != 0 ||
		(rc = zh_json_str(c, o, "path", 1, ZH_MAX_PATH_BYTES, &b->path)) != 0 ||
		(rc = zh_json_str(c, o, "id", 1, ZH_MAX_ID, &b->id)) != 0 ||
		(rc = zh_json_str(c, o, "version", 1, ZH_MAX_ID, &b->version)) != 0 ||
		(rc = zh_json_int(c, o, "size", 1, ZH_MAX_BUNDLE_FILE, &b->size)) != 0 ||
		(rc = zh_json_str(c, o, "sha256", 1, 64, &hex)) != 0)
		goto out;
	if ((rc = zh_safepath_check(b->path, strlen(b->path), c->err)) != 0) {
		zh_err_wrap(c->err, "index.json field '%s.path'", c->path);
	} else if (!zh_bundle_id_valid(b->id)) {
		rc = zh_json_field(c, "id", "only a-z, 0-9, '.', '_' and '-' (64 at most)");
	} else if (!zh_bundle_version_valid(b->version)) {
		rc = zh_json_field(c, "version", "only letters, digits, '.', '_', '+' and '-'");
	} else if (zh_sha256_unhex(hex, b->sha256) != 0) {
		rc = zh_json_field(c, "sha256", "must be 64 hex digits");
	}
out:
	zh_free(hex);
	return rc;
}

static int check_bundles(struct zh_json_ctx *c, const struct zh_index *idx)
{
	struct zh_strset *paths = NULL, *ids = NULL;
	char *fold = NULL;
	size_t i;
	int rc;

	if ((rc = zh_strset_new(&paths, c->err)) != 0 || (rc = zh_strset_new(&ids, c->err)) != 0)
		goto out;
	for (i = 0; i < idx->nbundles; i++) {
		zh_json_path(c, "bundles[%zu]", i);
		if ((rc = zh_safepath_fold(idx->bundles[i].path, &fold, c->err)) != 0)
			goto out;
		if (strcmp(fold, ZH_INDEX_JSON) == 0 || strcmp(fold, ZH_INDEX_SIG) == 0) {
			rc = zh_json_field(c, "path", "reserved for the index");
			goto out;
		}
		rc = zh_strset_add(paths, fold, c->err);
		if (rc == 1)
			rc = zh_json_dup(c, "path '%s' is listed twice (case does not count)",
				idx->bundles[i].path);
		if (rc != 0)
			goto out;
		rc = zh_strset_add(ids, idx->bundles[i].id, c->err);
		if (rc == 1)
			rc = zh_json_dup(c, "component '%s' has two bundles in one pack",
				idx->bundles[i].id);
		if (rc != 0)
			goto out;
		zh_free(fold);
		fold = NULL;
	}
out:
	zh_free(fold);
	zh_strset_free(paths);
	zh_strset_free(ids);
	return rc;
}

int zh_index_parse(const char *json, size_t len, struct zh_index **ret, struct zh_err *err)
{
	struct zh_json_ctx c;
	struct zh_index *idx = NULL;
	cJSON *root = NULL;
	const cJSON *a, *e, *cat;
	char *created = NULL, *expires = NULL;
	int64_t v = 0;
	size_t i;
	int rc;

	zh_json_init(&c, "index.json", ZH_EMANIFEST, err);
	rc = zh_json_load(&c, json, len, ZH_MAX_INDEX_JSON, &root);
	if (rc != 0)
		goto out;
	idx = zh_calloc(1, sizeof(*idx));
	if (idx == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load index.json");
		goto out;
	}
	if ((rc = zh_sha256(json, len, idx->sha256, err)) != 0)
		goto out;
	if ((rc = zh_json_object(&c, root, "format", "serial", "created", "expires", "publisher",
		     "catalog", "bundles", (const char *)NULL)) != 0 ||
		(rc = zh_json_int(&c, root, "format", 1, 1, &v)) != 0 ||
		(rc = zh_json_int(&c, root, "serial", 1, (int64_t)ZH_MAX_SERIAL, &v)) != 0 ||
		(rc = zh_json_str(&c, root, "created", 1, 32, &created)) != 0 ||
		(rc = zh_json_str(&c, root, "expires", 1, 32, &expires)) != 0 ||
		(rc = zh_json_str(&c, root, "publisher", 1, ZH_MAX_MANIFEST_STRING,
			 &idx->publisher)) != 0)
		goto out;
	idx->serial = (uint64_t)v;
	if (zh_utc_parse(created, 0, &idx->created, NULL) != 0) {
		rc = zh_json_field(&c, "created", "must be a UTC time like 2026-11-25T10:00:00Z");
		goto out;
	}
	if (zh_utc_parse(expires, 0, &idx->expires, NULL) != 0) {
		rc = zh_json_field(&c, "expires", "must be a UTC time like 2026-11-25T10:00:00Z");
		goto out;
	}
	if (idx->expires <= idx->created) {
		rc = zh_json_field(&c, "expires", "must be after \"created\"");
		goto out;
	}
	cat = cJSON_GetObjectItemCaseSensitive(root, "catalog");
	zh_json_path(&c, "catalog");
	if ((rc = zh_json_object(&c, cat, "profile", "version", (const char *)NULL)) != 0 ||
		(rc = zh_json_str(&c, cat, "profile", 1, ZH_MAX_SCOPE, &idx->profile)) != 0 ||
		(rc = zh_json_str(&c, cat, "version", 1, ZH_MAX_MANIFEST_STRING,
			 &idx->catalog_version)) != 0)
		goto out;
	if (!zh_bundle_id_valid(idx->profile)) {
		rc = zh_json_field(&c, "profile", "only a-z, 0-9, '.', '_' and '-'");
		goto out;
	}
	zh_json_top(&c);
	a = zh_json_array(&c, root, "bundles", 1, ZH_MAX_PACK_BUNDLES, &rc);
	if (rc != 0)
		goto out;
	idx->bundles = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*idx->bundles));
	if (idx->bundles == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load index.json");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(e, a)
	{
		zh_json_path(&c, "bundles[%zu]", i++);
		idx->nbundles++;
		if ((rc = parse_bundle(&c, e, &idx->bundles[idx->nbundles - 1])) != 0)
			goto out;
	}
	if ((rc = check_bundles(&c, idx)) != 0)
		goto out;
	*ret = idx;
	idx = NULL;
out:
	zh_free(created);
	zh_free(expires);
	zh_index_free(idx);
	cJSON_Delete(root);
	return rc;
}

void zh_index_free(struct zh_index *idx)
{
	size_t i;

	if (idx == NULL)
		return;
	for (i = 0; i < idx->nbundles; i++) {
		zh_free(idx->bundles[i].path);
		zh_free(idx->bundles[i].id);
		zh_free(idx->bundles[i].version);
	}
	zh_free(idx->bundles);
	zh_free(idx->publisher);
	zh_free(idx->profile);
	zh_free(idx->catalog_version);
	zh_free(idx);
}

const struct zh_index_bundle *zh_index_find(const struct zh_index *idx, const char *path)
{
	size_t i;

	for (i = 0; i < idx->nbundles; i++)
		if (strcmp(idx->bundles[i].path, path) == 0)
			return &idx->bundles[i];
	return NULL;
}

int zh_index_json(const struct zh_index *idx, char **ret, struct zh_err *err)
{
	struct zh_index *check = NULL;
	cJSON *root = cJSON_CreateObject(), *cat, *arr, *o;
	char created[ZH_UTC_LEN], expires[ZH_UTC_LEN], hex[ZH_SHA256_HEX];
	char *text = NULL;
	size_t i;
	int rc = 0;

	zh_utc_format(idx->created, created);
	zh_utc_format(idx->expires, expires);
	if (root == NULL || !cJSON_AddNumberToObject(root, "format", 1) ||
		!cJSON_AddNumberToObject(root, "serial", (double)idx->serial) ||
		!cJSON_AddStringToObject(root, "created", created) ||
		!cJSON_AddStringToObject(root, "expires", expires) ||
		!cJSON_AddStringToObject(root, "publisher", idx->publisher) ||
		(cat = cJSON_AddObjectToObject(root, "catalog")) == NULL ||
		!cJSON_AddStringToObject(cat, "profile", idx->profile) ||
		!cJSON_AddStringToObject(cat, "version", idx->catalog_version) ||
		(arr = cJSON_AddArrayToObject(root, "bundles")) == NULL)
		goto nomem;
	for (i = 0; i < idx->nbundles; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto nomem;
		}
		zh_sha256_hex(idx->bundles[i].sha256, hex);
		if (!cJSON_AddStringToObject(o, "path", idx->bundles[i].path) ||
			!cJSON_AddStringToObject(o, "id", idx->bundles[i].id) ||
			!cJSON_AddStringToObject(o, "version", idx->bundles[i].version) ||
			!cJSON_AddNumberToObject(o, "size", (double)idx->bundles[i].size) ||
			!cJSON_AddStringToObject(o, "sha256", hex))
			goto nomem;
	}
	text = cJSON_Print(root);
	if (text == NULL)
		goto nomem;
	rc = zh_index_parse(text, strlen(text), &check, err);
	if (rc == 0 && check->serial != idx->serial)
		rc = zh_err_set(err, ZH_EINVAL, "serial %llu cannot be written exactly",
			(unsigned long long)idx->serial);
	if (rc == 0 && (*ret = zh_strdup(text)) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot write index.json");
	goto out;
nomem:
	rc = zh_err_set(err, ZH_ENOMEM, "cannot write index.json");
out:
	zh_index_free(check);
	cJSON_free(text);
	cJSON_Delete(root);
	return rc;
}

int zh_index_check_fresh(const struct zh_index *idx, const struct zh_serial_store *store,
	int64_t now, unsigned flags, int *ret_expired, struct zh_err *err)
{
	uint8_t have[ZH_SHA256_LEN];
	char when[ZH_UTC_LEN];
	uint64_t serial = 0;
	int found = 0, rc;

	*ret_expired = 0;
	if (store != NULL) {
		rc = store->get(store->ctx, idx->profile, &found, &serial, have, err);
		if (rc != 0)
			return rc;
		if (found && idx->serial < serial)
			return zh_err_set(err, ZH_EREPLAY,
				"index serial %llu is lower than %llu, already accepted for '%s': "
				"an "
				"old pack replayed, or a downgrade",
				(unsigned long long)idx->serial, (unsigned long long)serial,
				idx->profile);
		if (found && idx->serial == serial && memcmp(have, idx->sha256, sizeof(have)) != 0)
			return zh_err_set(err, ZH_ESERIAL,
				"index serial %llu was already accepted for '%s' with other "
				"content",
				(unsigned long long)idx->serial, idx->profile);
	}
	if (idx->created > now + ZH_SIGN_MAX_SKEW) {
		zh_utc_format(idx->created, when);
		return zh_err_set(err, ZH_EINVAL,
			"index created %s, in the future (is this PC's clock right?)", when);
	}
	if (now > idx->expires) {
		zh_utc_format(idx->expires, when);
		if ((flags & ZH_INDEX_ONLINE) || !(flags & ZH_INDEX_ALLOW_EXPIRED))
			return zh_err_set(err, ZH_EEXPIRED, "index serial %llu expired on %s%s",
				(unsigned long long)idx->serial, when,
				(flags & ZH_INDEX_ONLINE)
					? " (an online source must be current)"
					: " (an offline pack past expiry needs --allow-expired)");
		*ret_expired = 1;
	}
	return 0;
}

int zh_index_record(const struct zh_index *idx, const struct zh_serial_store *store,
	struct zh_err *err)
{
	uint8_t have[ZH_SHA256_LEN];
	uint64_t serial = 0;
	int found = 0, rc;

	rc = store->get(store->ctx, idx->profile, &found, &serial, have, err);
	if (rc != 0)
		return rc;
	if (found && serial >= idx->serial)
		return 0;
	return store->put(store->ctx, idx->profile, idx->serial, idx->sha256, err);
}

static int mem_get(void *ctx, const char *scope, int *ret_found, uint64_t *ret_serial,
	uint8_t ret_sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	struct zh_serial_mem *m = ctx;
	size_t i;

	(void)err;
	*ret_found = 0;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].scope, scope) == 0) {
			*ret_found = 1;
			*ret_serial = m->rows[i].serial;
			memcpy(ret_sha256, m->rows[i].sha256, ZH_SHA256_LEN);
		}
	return 0;
}

static int mem_put(void *ctx, const char *scope, uint64_t serial,
	const uint8_t sha256[ZH_SHA256_LEN], struct zh_err *err)
{
	struct zh_serial_mem *m = ctx;
	size_t i;

	if (strlen(scope) > ZH_MAX_SCOPE)
		return zh_err_set(err, ZH_EINVAL, "scope '%s' is too long", scope);
	for (i = 0; i < m->n; i++)
		if (strcmp(m->rows[i].scope, scope) == 0)
			break;
	if (i == m->n) {
		if (m->n == ZH_SERIAL_MEM_SCOPES)
			return zh_err_set(err, ZH_ETOOBIG, "no room for scope '%s'", scope);
		m->n++;
		(void)snprintf(m->rows[i].scope, sizeof(m->rows[i].scope), "%s", scope);
	}
	m->rows[i].serial = serial;
	memcpy(m->rows[i].sha256, sha256, ZH_SHA256_LEN);
	return 0;
}

void zh_serial_mem_init(struct zh_serial_mem *m, struct zh_serial_store *ret)
{
	memset(m, 0, sizeof(*m));
	ret->ctx = m;
	ret->get = mem_get;
	ret->put = mem_put;
}
