/* SPDX-License-Identifier: MIT */
/* JSON for `verify` and `pack build` with cJSON (report_pack.h). */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "report_pack.h"
#include "mem.h"
#include "text.h"
#include "utc.h"
#include "banned.h"

const char *zh_item_status_name(int status)
{
	return status == ZH_ITEM_OK ? "ok" : status == ZH_ITEM_UNCHECKED ? "unchecked" : "refused";
}

/* s, or null for NULL / empty / not UTF-8. */
static int add_str(cJSON *o, const char *name, const char *s)
{
	if (s == NULL || s[0] == '\0' || !zh_utf8_valid(s, strlen(s)))
		return cJSON_AddNullToObject(o, name) != NULL;
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

static int add_time(cJSON *o, const char *name, int64_t t)
{
	char s[ZH_UTC_LEN];

	if (t <= 0)
		return cJSON_AddNullToObject(o, name) != NULL;
	zh_utc_format(t, s);
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

static int add_status(cJSON *o, int status, const char *msg)
{
	return add_str(o, "status", zh_item_status_name(status)) &&
		add_str(o, "error",
			status != ZH_ITEM_OK && status != ZH_ITEM_UNCHECKED ? zh_err_name(status)
									    : NULL) &&
		add_str(o, "message", status != ZH_ITEM_OK ? msg : NULL);
}

static int add_sig(cJSON *o, const struct zh_sig_info *s)
{
	cJSON *g;

	if (s->signer[0] == '\0')
		return cJSON_AddNullToObject(o, "signature") != NULL;
	g = cJSON_AddObjectToObject(o, "signature");
	return g != NULL && add_str(g, "signer", s->signer) &&
		add_str(g, "signer_sha256", s->signer_sha256) &&
		add_str(g, "root", s->root_label) && add_time(g, "signing_time", s->signing_time) &&
		add_str(g, "signing_time_from", s->has_signing_time ? "signature" : "index");
}

static int add_bundle(cJSON *o, const struct zh_bundle_report *b)
{
	const struct zh_bundle_manifest *m = b->manifest;

	if (m == NULL)
		return cJSON_AddNullToObject(o, "bundle") != NULL;
	o = cJSON_AddObjectToObject(o, "bundle");
	return o != NULL && add_str(o, "id", m->id) && add_str(o, "version", m->version) &&
		add_str(o, "publisher", m->publisher) && add_str(o, "name_zh", m->name_zh) &&
		add_str(o, "name_en", m->name_en) && add_time(o, "created", m->created) &&
		cJSON_AddNumberToObject(o, "files", (double)m->nfiles) &&
		cJSON_AddNumberToObject(o, "payload_bytes", (double)m->total_bytes) &&
		cJSON_AddNumberToObject(o, "install_steps", (double)m->nsteps) &&
		add_sig(o, &b->sig);
}

static int add_index(cJSON *root, const struct zh_pack_report *p)
{
	const struct zh_index *idx = p->index;
	char hex[ZH_SHA256_HEX];
	cJSON *o = cJSON_AddObjectToObject(root, "index");

	if (o == NULL || !add_status(o, p->index_status, p->index_msg) ||
		!cJSON_AddBoolToObject(o, "expired", p->expired))
		return 0;
	if (idx == NULL)
		return add_sig(o, &p->sig);
	zh_sha256_hex(idx->sha256, hex);
	return cJSON_AddNumberToObject(o, "serial", (double)idx->serial) &&
		add_str(o, "sha256", hex) && add_time(o, "created", idx->created) &&
		add_time(o, "expires", idx->expires) && add_str(o, "publisher", idx->publisher) &&
		add_str(o, "profile", idx->profile) &&
		add_str(o, "catalog_version", idx->catalog_version) && add_sig(o, &p->sig);
}

static int add_item(cJSON *arr, const char *name, const struct zh_index_bundle *listed, int status,
	const char *msg, const struct zh_bundle_report *b)
{
	char hex[ZH_SHA256_HEX];
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(arr, o))
		return cJSON_Delete(o), 0;
	if (!add_str(o, "name", name) || !add_status(o, status, msg) ||
		!cJSON_AddBoolToObject(o, "listed", listed != NULL))
		return 0;
	if (listed != NULL) {
		zh_sha256_hex(listed->sha256, hex);
		if (!add_str(o, "id", listed->id) || !add_str(o, "version", listed->version) ||
			!cJSON_AddNumberToObject(o, "size", (double)listed->size) ||
			!add_str(o, "sha256", hex))
			return 0;
	}
	return add_bundle(o, b);
}

static int print(cJSON *root, char **ret, struct zh_err *err)
{
	char *s = cJSON_Print(root);

	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot print JSON");
	*ret = zh_strdup(s);
	cJSON_free(s);
	return *ret == NULL ? zh_err_set(err, ZH_ENOMEM, "cannot print JSON") : 0;
}

int zh_report_verify_json(const struct zh_verify_doc *d, const char *zhushou_version, char **ret,
	struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *items;
	size_t i;
	int rc = 0, ok;

	ok = root != NULL && cJSON_AddNumberToObject(root, "format", 1) &&
		add_str(root, "zhushou", zhushou_version) && add_str(root, "path", d->path) &&
		add_str(root, "kind", d->is_pack ? "pack" : "bundle") &&
		cJSON_AddBoolToObject(root, "ok", d->ok) &&
		add_str(root, "extracted_to", d->extracted_to);
	if (ok && d->is_pack)
		ok = add_index(root, d->pack);
	else if (ok)
		ok = cJSON_AddNullToObject(root, "index") != NULL;
	items = ok ? cJSON_AddArrayToObject(root, "items") : NULL;
	ok = items != NULL;
	if (ok && d->is_pack) {
		for (i = 0; ok && i < d->pack->nitems; i++) {
			const struct zh_pack_item *it = &d->pack->items[i];

			ok = add_item(items, it->name, it->listed, it->status, it->msg,
				&it->bundle);
		}
	} else if (ok) {
		ok = add_item(items, d->path, NULL, d->bundle_status, d->bundle_msg, d->bundle);
	}
	if (!ok)
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build the JSON report");
	else
		rc = print(root, ret, err);
	cJSON_Delete(root);
	return rc;
}

int zh_report_build_json(const char *out, uint64_t serial, const struct zh_pack_build_result *r,
	const char *zhushou_version, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *arr = NULL, *o;
	size_t i;
	int rc, ok;

	ok = root != NULL && cJSON_AddNumberToObject(root, "format", 1) &&
		add_str(root, "zhushou", zhushou_version) && add_str(root, "pack", out) &&
		cJSON_AddNumberToObject(root, "size", (double)r->size) &&
		cJSON_AddNumberToObject(root, "serial", (double)serial) &&
		add_str(root, "signer", r->signer) &&
		cJSON_AddBoolToObject(root, "trusted_here", r->trusted) &&
		(arr = cJSON_AddArrayToObject(root, "bundles")) != NULL;
	for (i = 0; ok && i < r->nbundles; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			ok = 0;
			break;
		}
		ok = add_str(o, "path", r->bundles[i].path) && add_str(o, "id", r->bundles[i].id) &&
			add_str(o, "version", r->bundles[i].version) &&
			cJSON_AddNumberToObject(o, "size", (double)r->bundles[i].size) &&
			add_str(o, "sha256", r->bundles[i].sha256) &&
			cJSON_AddNumberToObject(o, "files", (double)r->bundles[i].nfiles);
	}
	rc = ok ? print(root, ret, err)
		: zh_err_set(err, ZH_ENOMEM, "cannot build the JSON report");
	cJSON_Delete(root);
	return rc;
}
