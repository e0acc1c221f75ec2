/* SPDX-License-Identifier: MIT */
/*
 * JSON output with cJSON. Building a tree and printing it once keeps the output well-formed
 * even when a field holds odd text; every string put in has been through UTF-8 validation or
 * the registry backend's U+FFFD conversion.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "report.h"
#include "db.h"
#include "certpem.h"
#include "mem.h"
#include "mirror.h"
#include "text.h"
#include "utc.h"
#include "banned.h"

const char *zh_report_json_lib_version(void)
{
	return cJSON_Version();
}

/* Adds s, or JSON null when s is NULL; text that is not UTF-8 becomes null too. */
static int add_str(cJSON *o, const char *name, const char *s)
{
	if (s == NULL || !zh_utf8_valid(s, strlen(s)))
		return cJSON_AddNullToObject(o, name) != NULL;
	return cJSON_AddStringToObject(o, name, s) != NULL;
}

static int add_legacy(cJSON *root, const struct zh_check_report *rep)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "legacy");
	size_t i;

	if (arr == NULL)
		return 0;
	if (rep->have_arp != 1)
		return 1;
	for (i = 0; i < rep->arp.nhits; i++) {
		const struct zh_arp_hit *h = &rep->arp.hits[i];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "id", h->def->id) || !add_str(o, "display_name", h->display_name) ||
			!add_str(o, "version", h->display_version) ||
			!add_str(o, "publisher", h->publisher) ||
			!add_str(o, "view", zh_arp_view_name(h->view)) ||
			!add_str(o, "key", h->key) ||
			!add_str(o, "kind", zh_uninst_kind_name(h->kind)) ||
			!add_str(o, "uninstall_string", h->uninstall) ||
			!add_str(o, "quiet_uninstall_string", h->quiet_uninstall) ||
			!add_str(o, "uninstaller", h->uninstaller) ||
			!add_str(o, "install_location", h->install_location) ||
			!add_str(o, "product_code", h->product_code))
			return 0;
	}
	return 1;
}

static int add_inet(cJSON *root, const struct zh_check_report *rep)
{
	const struct zh_inet_state *s = &rep->inet;
	cJSON *arr, *o, *px, *b;
	size_t i;

	if (rep->have_inet != 1)
		return 1;
	arr = cJSON_AddArrayToObject(root, "trusted_sites");
	if (arr == NULL)
		return 0;
	for (i = 0; i < s->nsites; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "domain", s->sites[i].def->domain) ||
			!add_str(o, "scheme", s->sites[i].def->scheme) ||
			!add_str(o, "hive", zh_hive_name(s->zone_hive)) ||
			!cJSON_AddBoolToObject(o, "present", s->sites[i].present) ||
			!cJSON_AddBoolToObject(o, "by_policy", s->sites[i].by_policy) ||
			(s->sites[i].has_value
					? !cJSON_AddNumberToObject(o, "zone", s->sites[i].value)
					: !cJSON_AddNullToObject(o, "zone")))
			return 0;
	}
	if (!cJSON_AddBoolToObject(root, "zonemap_locked", s->zonemap_locked))
		return 0;
	px = cJSON_AddObjectToObject(root, "proxy");
	if (px == NULL || !add_str(px, "hive", zh_hive_name(s->proxy_hive)) ||
		!cJSON_AddBoolToObject(px, "enabled", s->proxy_enabled) ||
		!add_str(px, "server", s->proxy_server) ||
		!add_str(px, "override", s->proxy_override))
		return 0;
	arr = cJSON_AddArrayToObject(px, "bypass");
	if (arr == NULL)
		return 0;
	for (i = 0; i < s->nbypass; i++) {
		b = cJSON_CreateObject();
		if (b == NULL || !cJSON_AddItemToArray(arr, b))
			return cJSON_Delete(b), 0;
		if (!add_str(b, "host", rep->cat->bypass[i]) ||
			!cJSON_AddBoolToObject(b, "present", s->bypass_present[i]))
			return 0;
	}
	o = cJSON_AddObjectToObject(root, "secure_protocols");
	if (o == NULL || !cJSON_AddNumberToObject(o, "value", s->secure_protocols) ||
		!add_str(o, "source", s->secure_source) ||
		!cJSON_AddBoolToObject(o, "tls12", (s->secure_protocols & 0x800u) != 0) ||
		!cJSON_AddNumberToObject(o, "odd_values", (double)s->odd))
		return 0;
	return 1;
}

static int add_certs(cJSON *root, const struct zh_check_report *rep)
{
	cJSON *arr, *o;
	size_t i;

	if (rep->have_certs != 1)
		return 1;
	arr = cJSON_AddArrayToObject(root, "certificates");
	if (arr == NULL)
		return 0;
	for (i = 0; i < rep->ncerts; i++) {
		const struct zh_cert_def *c = rep->certs[i].def;

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "id", c->id) || !add_str(o, "store", c->store) ||
			!add_str(o, "subject", c->cert->subject) ||
			!add_str(o, "sha1", c->cert->sha1_hex) ||
			!add_str(o, "sha256", c->cert->sha256_hex) ||
			!cJSON_AddBoolToObject(o, "present", rep->certs[i].present))
			return 0;
	}
	return 1;
}

static int add_comps(cJSON *root, const struct zh_check_report *rep)
{
	static const char *const names[] = {"ok", "missing", "other-version", "damaged"};
	cJSON *arr, *o;
	size_t i;

	if (rep->have_comps != 1)
		return 1;
	arr = cJSON_AddArrayToObject(root, "components");
	if (arr == NULL)
		return 0;
	for (i = 0; i < rep->ncomps; i++) {
		const struct zh_comp_state *c = &rep->comps[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "id", c->def->id) || !add_str(o, "version", c->def->version) ||
			!add_str(o, "installed", c->installed) ||
			!add_str(o, "status", names[c->status]) || !add_str(o, "file", c->file))
			return 0;
	}
	return 1;
}

static int add_av(cJSON *root, const struct zh_check_report *rep)
{
	cJSON *arr, *o;
	size_t i;

	if (rep->have_av != 1)
		return 1;
	arr = cJSON_AddArrayToObject(root, "antivirus");
	if (arr == NULL)
		return 0;
	for (i = 0; i < rep->cat->nantivirus; i++) {
		const struct zh_av_def *a = &rep->cat->antivirus[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "service", a->service) || !add_str(o, "name_zh", a->name.zh) ||
			!add_str(o, "name_en", a->name.en) ||
			!cJSON_AddBoolToObject(o, "present", rep->av_present[i]))
			return 0;
	}
	return 1;
}

static int add_svcs(cJSON *root, const struct zh_check_report *rep)
{
	cJSON *arr, *o;
	size_t i;

	if (rep->have_svcs != 1)
		return 1;
	arr = cJSON_AddArrayToObject(root, "local_services");
	if (arr == NULL)
		return 0;
	for (i = 0; i < rep->cat->nservices; i++) {
		const struct zh_svc_state *v = &rep->svcs[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "host", v->def->host) || !add_str(o, "address", v->def->address) ||
			!cJSON_AddNumberToObject(o, "port", v->def->port) ||
			!add_str(o, "component", v->def->component) ||
			!cJSON_AddBoolToObject(o, "answers", v->answers) ||
			!cJSON_AddNumberToObject(o, "http_status", (double)v->status) ||
			!add_str(o, "error", v->answers ? NULL : zh_err_name(v->code)) ||
			!add_str(o, "why", v->why))
			return 0;
	}
	return 1;
}

/* The mirror check's facts (online mode), when a mirror was tried. */
static int add_mirror(cJSON *root, const struct zh_check_report *rep)
{
	const struct zh_mirror_state *m = &rep->mirror;
	cJSON *o;

	if (rep->have_mirror != 1 || m->url == NULL)
		return 1;
	o = cJSON_AddObjectToObject(root, "mirror");
	return o != NULL && add_str(o, "url", m->url) && add_str(o, "proxy", m->proxy) &&
		cJSON_AddBoolToObject(o, "reachable", m->code == 0) &&
		add_str(o, "error", m->code != 0 ? zh_err_name(m->code) : NULL) &&
		add_str(o, "why", m->why) &&
		cJSON_AddNumberToObject(o, "http_status", (double)m->http_status) &&
		cJSON_AddNumberToObject(o, "serial", (double)m->serial);
}

static int add_time(cJSON *o, const char *name, int64_t t)
{
	char buf[ZH_UTC_LEN];

	zh_utc_format(t, buf);
	return add_str(o, name, buf);
}

static int add_p11_cert(cJSON *arr, const struct zh_ukey_state *u, const struct zh_p11_cert *c)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return 0;
	}
	return add_str(o, "subject", c->subject) && add_str(o, "issuer", c->issuer) &&
		cJSON_AddBoolToObject(o, "expected_issuer",
			zh_ukey_issuer_matches(u->def, c->issuer)) &&
		add_str(o, "serial", c->serial) && add_str(o, "sha1", c->sha1) &&
		add_time(o, "not_before", c->not_before) &&
		add_time(o, "not_after", c->not_after) &&
		cJSON_AddNumberToObject(o, "days_left",
			(double)zh_days_left(c->not_after, u->now)) &&
		add_str(o, "validity",
			zh_cert_validity_name(
				zh_cert_validity(c->not_before, c->not_after, u->now)));
}

static int add_p11_token(cJSON *arr, const struct zh_ukey_state *u, const struct zh_p11_token *t)
{
	cJSON *o = cJSON_CreateObject(), *certs;
	char failed[160] = "";
	size_t i;

	if (o == NULL || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return 0;
	}
	if (t->failed != NULL) {
		const char *name = zh_p11_ckr_name(t->ckr);

		if (name != NULL)
			(void)snprintf(failed, sizeof(failed), "%s: %s", t->failed, name);
		else
			(void)snprintf(failed, sizeof(failed), "%s: CKR 0x%lx", t->failed, t->ckr);
	}
	if (!cJSON_AddNumberToObject(o, "slot", (double)t->slot) ||
		!add_str(o, "label", t->label) || !add_str(o, "serial", t->serial) ||
		!add_str(o, "manufacturer", t->manufacturer) || !add_str(o, "model", t->model) ||
		!cJSON_AddBoolToObject(o, "initialized", t->initialized) ||
		!add_str(o, "failed", t->failed != NULL ? failed : NULL) ||
		!cJSON_AddNumberToObject(o, "unparsed", (double)t->unparsed) ||
		(certs = cJSON_AddArrayToObject(o, "certificates")) == NULL)
		return 0;
	for (i = 0; i < t->ncerts; i++)
		if (!add_p11_cert(certs, u, &t->certs[i]))
			return 0;
	return 1;
}

/* The Windows view: CurrentUser MY certificates with a key, and the CD drives. */
static int add_ukey_windows(cJSON *o, const struct zh_ukey_state *u)
{
	cJSON *arr, *e;
	size_t i;

	if (u->have_wincerts) {
		if ((arr = cJSON_AddArrayToObject(o, "windows_certificates")) == NULL)
			return 0;
		for (i = 0; i < u->nwincerts; i++) {
			const struct zh_ukey_wincert *w = &u->wincerts[i];

			if ((e = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, e)) {
				cJSON_Delete(e);
				return 0;
			}
			if (!add_str(e, "subject", w->subject) ||
				!add_str(e, "issuer", w->issuer) ||
				!add_str(e, "serial", w->serial) ||
				!add_time(e, "not_after", w->not_after) ||
				!add_str(e, "provider", w->provider) ||
				!cJSON_AddBoolToObject(e, "smartcard", w->smartcard))
				return 0;
		}
	}
	if (!u->have_drives)
		return 1;
	if ((arr = cJSON_AddArrayToObject(o, "cdrom_drives")) == NULL)
		return 0;
	for (i = 0; i < u->ndrives; i++) {
		char letter[3] = {u->drives[i].letter, ':', '\0'};

		if ((e = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(arr, e)) {
			cJSON_Delete(e);
			return 0;
		}
		if (!add_str(e, "drive", letter) ||
			!cJSON_AddBoolToObject(e, "ready", u->drives[i].ready) ||
			!add_str(e, "label", u->drives[i].label) ||
			!cJSON_AddBoolToObject(e, "ukey", u->drives[i].matches))
			return 0;
	}
	return 1;
}

static int add_ukey(cJSON *root, const struct zh_check_report *rep)
{
	const struct zh_ukey_state *u = &rep->ukey;
	const struct zh_p11_cert *best;
	cJSON *o, *tokens;
	size_t i;

	if (rep->have_ukey != 1 || rep->cat->ukey.nmodules == 0)
		return 1;
	if ((o = cJSON_AddObjectToObject(root, "ukey")) == NULL ||
		!add_str(o, "module", rep->cat->ukey.module) ||
		!add_str(o, "module_path", u->module_path) ||
		!add_str(o, "state", zh_ukey_presence_name(zh_ukey_presence(u))) ||
		!add_str(o, "certificate_state", zh_ukey_certs_name(zh_ukey_certs(u, &best))) ||
		!add_str(o, "library", u->p11.loaded ? u->p11.library : NULL) ||
		!add_str(o, "why", u->p11.why) ||
		!cJSON_AddNumberToObject(o, "slots", (double)u->p11.nslots) ||
		(tokens = cJSON_AddArrayToObject(o, "tokens")) == NULL)
		return 0;
	for (i = 0; i < u->p11.ntokens; i++)
		if (!add_p11_token(tokens, u, &u->p11.tokens[i]))
			return 0;
	return add_ukey_windows(o, u);
}

/* Group Policy: always present, so IT sees what zhushou read (null: not set). */
static int add_policy(cJSON *root, const struct zh_check_report *rep)
{
	const struct zh_policy *p = &rep->policy;
	cJSON *o = cJSON_AddObjectToObject(root, "policy"), *bad;
	size_t i;

	if (o == NULL || !add_str(o, "source", p->source) ||
		!cJSON_AddBoolToObject(o, "allow_online", p->allow_online) ||
		!cJSON_AddBoolToObject(o, "user_repair", p->user_repair) ||
		!add_str(o, "publisher_cert", p->publisher_subject) ||
		!add_str(o, "publisher_cert_sha256",
			p->publisher_pem != NULL ? p->publisher_sha256 : NULL) ||
		(bad = cJSON_AddArrayToObject(o, "ignored")) == NULL)
		return 0;
	for (i = 0; i < p->nbad; i++) {
		cJSON *s = cJSON_CreateString(p->bad[i]);

		if (s == NULL || !cJSON_AddItemToArray(bad, s)) {
			cJSON_Delete(s);
			return 0;
		}
	}
	return 1;
}

static int add_checks(cJSON *root, const struct zh_check_report *rep, const char *lang)
{
	cJSON *arr = cJSON_AddArrayToObject(root, "checks"), *sum;
	size_t i, count[5] = {0};

	if (arr == NULL)
		return 0;
	for (i = 0; i < rep->nresults; i++) {
		const struct zh_check_result *r = &rep->results[i];
		cJSON *o = cJSON_CreateObject();

		count[r->status]++;
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			return cJSON_Delete(o), 0;
		if (!add_str(o, "id", r->def->id) || !add_str(o, "probe", r->def->probe) ||
			!add_str(o, "severity", zh_severity_name(r->def->severity)) ||
			!add_str(o, "status", zh_status_name(r->status)) ||
			!add_str(o, "title", zh_text_get(&r->def->title, lang)) ||
			!add_str(o, "detail", zh_text_get(&r->detail, lang)) ||
			!add_str(o, "advice",
				r->status == ZH_ST_OK ? NULL
						      : zh_text_get(&r->def->advice, lang)) ||
			!add_str(o, "error", r->err.code != 0 ? zh_err_name(r->err.code) : NULL))
			return 0;
	}
	sum = cJSON_AddObjectToObject(root, "summary");
	return sum != NULL && cJSON_AddNumberToObject(sum, "ok", (double)count[ZH_ST_OK]) &&
		cJSON_AddNumberToObject(sum, "fail", (double)count[ZH_ST_FAIL]) &&
		cJSON_AddNumberToObject(sum, "warn", (double)count[ZH_ST_WARN]) &&
		cJSON_AddNumberToObject(sum, "skip", (double)count[ZH_ST_SKIP]) &&
		cJSON_AddNumberToObject(sum, "error", (double)count[ZH_ST_ERROR]);
}

static int print_tree(cJSON *root, char **ret, struct zh_err *err)
{
	char *s = cJSON_Print(root);

	if (s == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot print JSON");
	*ret = zh_strdup(s);
	cJSON_free(s);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot print JSON");
	return 0;
}

int zh_report_check_json(const struct zh_check_report *rep, const char *lang,
	const char *zhushou_version, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *arp;
	int rc = 0;

	if (root == NULL || !cJSON_AddNumberToObject(root, "format", 1) ||
		!add_str(root, "zhushou", zhushou_version) ||
		!add_str(root, "profile", rep->cat->profile_id) ||
		!add_str(root, "catalog_version", rep->cat->catalog_version) ||
		!add_str(root, "lang", lang) ||
		!cJSON_AddBoolToObject(root, "ok", !zh_check_problems(rep)) ||
		!add_checks(root, rep, lang) || !add_legacy(root, rep) || !add_inet(root, rep) ||
		!add_certs(root, rep) || !add_comps(root, rep) || !add_av(root, rep) ||
		!add_svcs(root, rep) || !add_mirror(root, rep) || !add_ukey(root, rep) ||
		!add_policy(root, rep)) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build JSON report");
		goto out;
	}
	if (rep->have_arp == 1) {
		arp = cJSON_AddObjectToObject(root, "arp");
		if (arp == NULL ||
			!cJSON_AddNumberToObject(arp, "scanned", (double)rep->arp.scanned) ||
			!cJSON_AddNumberToObject(arp, "odd", (double)rep->arp.odd) ||
			!cJSON_AddNumberToObject(arp, "unreadable", (double)rep->arp.unreadable)) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot build JSON report");
			goto out;
		}
	}
	rc = print_tree(root, ret, err);
out:
	cJSON_Delete(root);
	return rc;
}

int zh_report_version_json(const char *zhushou_version, const char *deps_pins,
	const struct zh_lib_version *libs, size_t nlibs, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *l;
	size_t i;
	int rc = 0;

	if (root == NULL || !add_str(root, "zhushou", zhushou_version) ||
		!add_str(root, "deps", deps_pins) ||
		(l = cJSON_AddObjectToObject(root, "libraries")) == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
		goto out;
	}
	for (i = 0; i < nlibs; i++)
		if (!add_str(l, libs[i].name, libs[i].version)) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
			goto out;
		}
	rc = print_tree(root, ret, err);
out:
	cJSON_Delete(root);
	return rc;
}

/* "download" (online mode) and "error" (the source failed), when there is something to say. */
static int add_source(cJSON *root, const struct zh_source_report *src)
{
	const struct zh_mirror_result *m = src->mirror;
	cJSON *o, *arr, *b;
	size_t i;

	if (src->error != 0) {
		if ((o = cJSON_AddObjectToObject(root, "error")) == NULL ||
			!add_str(o, "code", zh_err_name(src->error)) ||
			!add_str(o, "message", src->error_msg != NULL ? src->error_msg : ""))
			return -1;
	}
	if (m == NULL || m->url == NULL)
		return 0;
	if ((o = cJSON_AddObjectToObject(root, "download")) == NULL || !add_str(o, "url", m->url) ||
		!add_str(o, "proxy", src->proxy) ||
		!add_str(o, "index", m->index_not_modified ? "not modified" : "fetched") ||
		(arr = cJSON_AddArrayToObject(o, "bundles")) == NULL)
		return -1;
	for (i = 0; i < m->nitems; i++) {
		const struct zh_mirror_item *it = &m->items[i];

		b = cJSON_CreateObject();
		if (b == NULL || !cJSON_AddItemToArray(arr, b) || !add_str(b, "path", it->path) ||
			!cJSON_AddNumberToObject(b, "size", (double)it->size) ||
			!cJSON_AddNumberToObject(b, "fetched", (double)it->fetched) ||
			!cJSON_AddNumberToObject(b, "resumed_from", (double)it->resumed_from) ||
			!cJSON_AddNumberToObject(b, "attempts", it->attempts) ||
			!cJSON_AddNumberToObject(b, "seconds", (double)it->micros / 1e6))
			return -1;
	}
	return 0;
}

int zh_report_install_json(const struct zh_install_result *res, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *items, *o;
	size_t i;
	int rc;

	if (root == NULL || !cJSON_AddNumberToObject(root, "format", 1) ||
		!add_str(root, "verb", res->verb) ||
		!cJSON_AddNumberToObject(root, "txn", (double)res->txn) ||
		!cJSON_AddBoolToObject(root, "failed", res->failed) ||
		!cJSON_AddBoolToObject(root, "reboot_required", res->reboot) ||
		!cJSON_AddNumberToObject(root, "exit_code", res->exit_code) ||
		!cJSON_AddNumberToObject(root, "index_serial", (double)res->index_serial) ||
		!cJSON_AddBoolToObject(root, "index_expired", res->index_expired) ||
		!cJSON_AddNumberToObject(root, "fault_points", (double)res->fault_points) ||
		!cJSON_AddNumberToObject(root, "change_points", (double)res->change_points) ||
		add_source(root, &res->source) != 0 ||
		(items = cJSON_AddArrayToObject(root, "components")) == NULL)
		goto nomem;
	for (i = 0; i < res->nitems; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(items, o) ||
			!add_str(o, "id", res->items[i].id) ||
			!add_str(o, "version", res->items[i].version) ||
			!cJSON_AddNumberToObject(o, "files", (double)res->items[i].files))
			goto nomem;
	}
	rc = print_tree(root, ret, err);
	cJSON_Delete(root);
	return rc;
nomem:
	cJSON_Delete(root);
	return zh_err_set(err, ZH_ENOMEM, "cannot build the JSON report");
}

static cJSON *texts_array(cJSON *parent, const char *name)
{
	return cJSON_AddArrayToObject(parent, name);
}

int zh_report_repair_json(const struct zh_repair_result *res, const char *lang, char **ret,
	struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *steps, *left, *o;
	size_t i;
	int rc = 0;

	if (root == NULL || !cJSON_AddNumberToObject(root, "format", 1) ||
		!cJSON_AddNumberToObject(root, "txn", (double)res->txn) ||
		!cJSON_AddBoolToObject(root, "failed", res->failed) ||
		!cJSON_AddBoolToObject(root, "remaining", res->remaining) ||
		!cJSON_AddBoolToObject(root, "reboot_required", res->reboot) ||
		!cJSON_AddNumberToObject(root, "exit_code", res->exit_code) ||
		!cJSON_AddNumberToObject(root, "fault_points", (double)res->fault_points) ||
		!cJSON_AddNumberToObject(root, "change_points", (double)res->change_points) ||
		add_source(root, &res->source) != 0 ||
		(steps = texts_array(root, "steps")) == NULL ||
		(left = texts_array(root, "cannot_fix")) == NULL)
		goto nomem;
	for (i = 0; res->plan != NULL && i < res->plan->nsteps; i++) {
		const struct zh_step *st = &res->plan->steps[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(steps, o))
			goto nomem;
		if (!add_str(o, "check", st->check_id) ||
			!add_str(o, "what", zh_text_get(&st->what, lang)) ||
			!add_str(o, "hive", st->root == SYS_REG_HKLM ? "HKLM" : "HKCU") ||
			!add_str(o, "key", st->key) || !add_str(o, "name", st->name))
			goto nomem;
	}
	for (i = 0; res->plan != NULL && i < res->plan->nleft; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(left, o))
			goto nomem;
		if (!add_str(o, "check", res->plan->left[i].check_id) ||
			!add_str(o, "why", zh_text_get(&res->plan->left[i].why, lang)))
			goto nomem;
	}
	rc = print_tree(root, ret, err);
	cJSON_Delete(root);
	return rc;
nomem:
	cJSON_Delete(root);
	return zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
}

int zh_report_history_json(const struct zh_txn_row *rows, size_t n, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o;
	size_t i;
	int rc;

	if (root == NULL || (arr = cJSON_AddArrayToObject(root, "transactions")) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			goto nomem;
		if (!cJSON_AddNumberToObject(o, "id", (double)rows[i].id) ||
			!add_str(o, "state", zh_txn_state_name(rows[i].state)) ||
			!add_str(o, "verb", rows[i].verb) ||
			!add_str(o, "started", rows[i].started) ||
			!add_str(o, "finished", rows[i].finished) ||
			!cJSON_AddNumberToObject(o, "exit_code", rows[i].exit_code) ||
			!cJSON_AddBoolToObject(o, "reboot_pending", rows[i].reboot) ||
			!cJSON_AddNumberToObject(o, "undoes", (double)rows[i].undoes) ||
			!cJSON_AddNumberToObject(o, "steps", (double)rows[i].nops))
			goto nomem;
	}
	rc = print_tree(root, ret, err);
	cJSON_Delete(root);
	return rc;
nomem:
	cJSON_Delete(root);
	return zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
}

int zh_report_list_json(const struct zh_db_component *comps, char *const *drift, size_t n,
	const struct zh_arp_scan *legacy, char **ret, struct zh_err *err)
{
	cJSON *root = cJSON_CreateObject(), *arr, *o, *svcs;
	size_t i, j;
	int rc;

	if (root == NULL || (arr = cJSON_AddArrayToObject(root, "installed")) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		const struct zh_db_component *c = &comps[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o))
			goto nomem;
		if (!add_str(o, "id", c->id) || !add_str(o, "version", c->version) ||
			!cJSON_AddNumberToObject(o, "txn", (double)c->txn) ||
			!cJSON_AddNumberToObject(o, "files", (double)c->nfiles) ||
			!cJSON_AddNumberToObject(o, "registry_values", (double)c->nregs) ||
			!cJSON_AddNumberToObject(o, "certificates", (double)c->ncerts) ||
			(svcs = cJSON_AddArrayToObject(o, "services")) == NULL ||
			!cJSON_AddBoolToObject(o, "intact", drift[i] == NULL) ||
			!add_str(o, "drift", drift[i]))
			goto nomem;
		for (j = 0; j < c->nsvcs; j++) {
			cJSON *v = cJSON_CreateString(c->svcs[j]);

			if (v == NULL || !cJSON_AddItemToArray(svcs, v))
				goto nomem;
		}
	}
	if ((arr = cJSON_AddArrayToObject(root, "legacy")) == NULL)
		goto nomem;
	for (i = 0; legacy != NULL && i < legacy->nhits; i++) {
		const struct zh_arp_hit *h = &legacy->hits[i];

		o = cJSON_CreateObject();
		if (o == NULL || !cJSON_AddItemToArray(arr, o) || !add_str(o, "id", h->def->id) ||
			!add_str(o, "display_name", h->display_name) ||
			!add_str(o, "version", h->display_version) ||
			!add_str(o, "view", zh_arp_view_name(h->view)) ||
			!add_str(o, "kind", zh_uninst_kind_name(h->kind)))
			goto nomem;
	}
	rc = print_tree(root, ret, err);
	cJSON_Delete(root);
	return rc;
nomem:
	cJSON_Delete(root);
	return zh_err_set(err, ZH_ENOMEM, "cannot build JSON");
}
