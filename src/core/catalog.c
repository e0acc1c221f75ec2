/* SPDX-License-Identifier: MIT */
/*
 * Catalog parsing with cJSON. Validation is strict and names the offending field, because a
 * catalog is reviewed data that decides what zhushou removes from a PC: a typo must stop the
 * run, not silently match nothing (or the wrong thing).
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "catalog.h"
#include "bundle.h"
#include "certpem.h"
#include "mem.h"
#include "text.h"
#include "version.h"
#include "banned.h"

struct ctx {
	struct zh_err *err;
	char path[128]; /* the field being parsed, for messages */
};

static int bad(struct ctx *c, const char *field, const char *why)
{
	return zh_err_set(c->err, ZH_ECATALOG, "catalog field '%s%s%s': %s", c->path,
		c->path[0] != '\0' && field[0] != '\0' ? "." : "", field, why);
}

/* A required (or optional, if !required) string; *ret NULL when absent and optional. */
static int get_str(struct ctx *c, const cJSON *obj, const char *field, int required, char **ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	size_t n;

	*ret = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return required ? bad(c, field, "missing") : 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return bad(c, field, "must be a string");
	n = strlen(v->valuestring);
	if (n == 0 && required)
		return bad(c, field, "must not be empty");
	if (n > ZH_MAX_CATALOG_STRING)
		return bad(c, field, "too long");
	/* cJSON accepts some malformed UTF-8; the catalog must be clean text. */
	if (!zh_utf8_valid(v->valuestring, n))
		return bad(c, field, "not valid UTF-8");
	*ret = zh_strdup(v->valuestring);
	if (*ret == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	return 0;
}

static int get_text(struct ctx *c, const cJSON *obj, const char *field, struct zh_text *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	size_t plen = strlen(c->path);
	int rc;

	if (!cJSON_IsObject(v))
		return bad(c, field, "must be an object with \"zh\" and \"en\"");
	(void)snprintf(c->path + plen, sizeof(c->path) - plen, "%s%s", plen > 0 ? "." : "", field);
	rc = get_str(c, v, "zh", 1, &ret->zh);
	if (rc == 0)
		rc = get_str(c, v, "en", 1, &ret->en);
	c->path[plen] = '\0';
	return rc;
}

/* Ids are lower-case ASCII words: they appear in --json, logs and command lines. */
static int check_id(struct ctx *c, const char *id)
{
	const char *p;

	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
			    *p == '.' || *p == '_'))
			return bad(c, "id", "only a-z, 0-9, '-', '.' and '_' are allowed");
	return 0;
}

static const cJSON *get_array(struct ctx *c, const cJSON *root, const char *field, int *rc)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, field);

	*rc = 0;
	if (a == NULL)
		return NULL;
	if (!cJSON_IsArray(a)) {
		*rc = bad(c, field, "must be an array");
		return NULL;
	}
	if (cJSON_GetArraySize(a) > ZH_MAX_CATALOG_ITEMS) {
		*rc = bad(c, field, "too many entries");
		return NULL;
	}
	return a;
}

static void set_path(struct ctx *c, const char *field, int i)
{
	(void)snprintf(c->path, sizeof(c->path), "%s[%d]", field, i);
}

/*
 * "owns": registry keys the component keeps besides its Add/Remove Programs entry, relative
 * to its own root and view. They are deleted when it is removed and restored on undo, so
 * they must be plain relative paths under Software.
 */
static int parse_owns(struct ctx *c, const cJSON *e, struct zh_legacy_def *d)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(e, "owns"), *k;

	if (a == NULL)
		return 0;
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > ZH_MAX_OWNS)
		return bad(c, "owns", "must be an array of at most 16 registry keys");
	d->owns = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(char *));
	if (d->owns == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(k, a)
	{
		const char *s = cJSON_IsString(k) ? k->valuestring : NULL;

		if (s == NULL || strncmp(s, "Software\\", 9) != 0 || strlen(s) < 10 ||
			strlen(s) > 255 || strstr(s, "\\\\") != NULL || s[strlen(s) - 1] == '\\' ||
			!zh_utf8_valid(s, strlen(s)))
			return bad(c, "owns", "each must be a registry key under Software\\");
		d->owns[d->nowns] = zh_strdup(s);
		if (d->owns[d->nowns] == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
		d->nowns++;
	}
	return 0;
}

static int parse_legacy(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	int rc, i = 0;
	size_t j;

	a = get_array(c, root, "legacy", &rc);
	if (a == NULL)
		return rc;
	cat->legacy = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->legacy));
	if (cat->legacy == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_legacy_def *d = &cat->legacy[cat->nlegacy];

		set_path(c, "legacy", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nlegacy++;
		if ((rc = get_str(c, e, "id", 1, &d->id)) != 0 || (rc = check_id(c, d->id)) != 0 ||
			(rc = get_str(c, e, "display_name", 1, &d->display_name)) != 0 ||
			(rc = get_str(c, e, "publisher", 0, &d->publisher)) != 0 ||
			(rc = get_str(c, e, "version", 0, &d->version)) != 0)
			return rc;
		if ((rc = parse_owns(c, e, d)) != 0)
			return rc;
		if (d->version == NULL && (d->version = zh_strdup("*")) == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
		if (zh_version_constraint_valid(d->version, NULL) != 0)
			return bad(c, "version", "malformed version constraint");
		if ((rc = zh_text_normalize(d->display_name, &d->norm_name, c->err)) != 0)
			return rc;
		if (d->publisher != NULL &&
			(rc = zh_text_normalize(d->publisher, &d->norm_publisher, c->err)) != 0)
			return rc;
		for (j = 0; j + 1 < cat->nlegacy; j++)
			if (strcmp(cat->legacy[j].id, d->id) == 0)
				return bad(c, "id", "duplicate id");
	}
	return 0;
}

static int parse_components(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	int rc, i = 0;
	size_t j;

	a = get_array(c, root, "components", &rc);
	if (a == NULL)
		return rc;
	cat->components = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*cat->components));
	if (cat->components == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_component_def *d = &cat->components[cat->ncomponents];

		set_path(c, "components", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->ncomponents++;
		if ((rc = get_str(c, e, "id", 1, &d->id)) != 0 ||
			(rc = get_str(c, e, "version", 1, &d->version)) != 0 ||
			(rc = get_text(c, e, "name", &d->name)) != 0)
			return rc;
		if (!zh_bundle_id_valid(d->id))
			return bad(c, "id", "not a component id (a-z 0-9 . _ -)");
		if (!zh_bundle_version_valid(d->version))
			return bad(c, "version", "not a bundle version");
		for (j = 0; j + 1 < cat->ncomponents; j++)
			if (strcmp(cat->components[j].id, d->id) == 0)
				return bad(c, "id", "duplicate id");
	}
	return 0;
}

static int parse_antivirus(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	const char *p;
	int rc, i = 0;

	a = get_array(c, root, "antivirus", &rc);
	if (a == NULL)
		return rc;
	cat->antivirus = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*cat->antivirus));
	if (cat->antivirus == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_av_def *d = &cat->antivirus[cat->nantivirus];

		set_path(c, "antivirus", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nantivirus++;
		if ((rc = get_str(c, e, "service", 1, &d->service)) != 0 ||
			(rc = get_text(c, e, "name", &d->name)) != 0)
			return rc;
		/* A service name becomes a registry key name: one plain component. */
		for (p = d->service; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
				    *p == '.'))
				return bad(c, "service",
					"must be a service name (letters, digits, _ - .)");
		if (strlen(d->service) > 256)
			return bad(c, "service", "too long");
	}
	return 0;
}

static int parse_sites(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	int rc, i = 0;
	const char *p;

	a = get_array(c, root, "trusted_sites", &rc);
	if (a == NULL)
		return rc;
	cat->sites = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->sites));
	if (cat->sites == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_site_def *s = &cat->sites[cat->nsites];

		set_path(c, "trusted_sites", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nsites++;
		if ((rc = get_str(c, e, "domain", 1, &s->domain)) != 0 ||
			(rc = get_str(c, e, "scheme", 1, &s->scheme)) != 0)
			return rc;
		/* The domain becomes a registry key name: no separators, no wildcards. */
		for (p = s->domain; *p != '\0'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
				    *p == '.'))
				return bad(c, "domain", "must be a lower-case host name");
		if (strcmp(s->scheme, "http") != 0 && strcmp(s->scheme, "https") != 0 &&
			strcmp(s->scheme, "*") != 0)
			return bad(c, "scheme", "must be \"http\", \"https\" or \"*\"");
	}
	return 0;
}

static int host_chars_ok(const char *s, int address)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' ||
			    (!address && *s == '-') || (address && *s == ':')))
			return 0;
	return 1;
}

static int parse_hosts(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	int rc, i = 0;

	a = get_array(c, root, "hosts", &rc);
	if (a == NULL)
		return rc;
	cat->hosts = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->hosts));
	if (cat->hosts == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_host_def *h = &cat->hosts[cat->nhosts];

		set_path(c, "hosts", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nhosts++;
		if ((rc = get_str(c, e, "name", 1, &h->name)) != 0 ||
			(rc = get_str(c, e, "address", 1, &h->address)) != 0)
			return rc;
		/* Both go into the hosts file: nothing but a host name and an address. */
		if (!host_chars_ok(h->name, 0) || strlen(h->name) > 253)
			return bad(c, "name", "must be a lower-case host name");
		if (!host_chars_ok(h->address, 1) || strlen(h->address) > 45)
			return bad(c, "address", "must be an IP address");
	}
	return 0;
}

static int parse_services(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e, *port;
	int rc, i = 0;
	size_t j;

	a = get_array(c, root, "local_services", &rc);
	if (a == NULL)
		return rc;
	cat->services = zh_calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*cat->services));
	if (cat->services == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_local_service_def *d = &cat->services[cat->nservices];

		set_path(c, "local_services", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nservices++;
		if ((rc = get_str(c, e, "host", 1, &d->host)) != 0 ||
			(rc = get_str(c, e, "address", 1, &d->address)) != 0 ||
			(rc = get_str(c, e, "component", 1, &d->component)) != 0 ||
			(rc = get_text(c, e, "name", &d->name)) != 0)
			return rc;
		if (!host_chars_ok(d->host, 0) || strlen(d->host) > 253)
			return bad(c, "host", "must be a lower-case host name");
		if (!host_chars_ok(d->address, 1) || strlen(d->address) > 45)
			return bad(c, "address", "must be an IP address");
		port = cJSON_GetObjectItemCaseSensitive(e, "port");
		if (!cJSON_IsNumber(port) || port->valuedouble < 1 || port->valuedouble > 65535 ||
			port->valuedouble != (double)(int)port->valuedouble)
			return bad(c, "port", "must be a port number from 1 to 65535");
		d->port = (int)port->valuedouble;
		for (j = 0; j < cat->ncomponents; j++)
			if (strcmp(cat->components[j].id, d->component) == 0)
				break;
		if (j == cat->ncomponents)
			return bad(c, "component", "not one of \"components\"");
	}
	return 0;
}

/* A string or an array of 1..ZH_UKEY_MAX_LIST strings (optional: *n 0 when absent). */
static int get_str_list(struct ctx *c, const cJSON *o, const char *field, int required, char **ret,
	size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, field), *e;
	cJSON *tmp;
	int rc = 0;

	*n = 0;
	if (v == NULL || cJSON_IsString(v)) {
		if ((rc = get_str(c, o, field, required, &ret[0])) == 0 && ret[0] != NULL)
			*n = 1;
		return rc;
	}
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < 1 ||
		cJSON_GetArraySize(v) > ZH_UKEY_MAX_LIST)
		return bad(c, field, "must be a string or an array of 1 to 8 strings");
	cJSON_ArrayForEach(e, v)
	{
		/* get_str reads a field of an object: wrap the element in one. */
		if ((tmp = cJSON_CreateObject()) == NULL ||
			!cJSON_AddItemReferenceToObject(tmp, field, (cJSON *)e)) {
			cJSON_Delete(tmp);
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
		}
		rc = get_str(c, tmp, field, 1, &ret[*n]);
		cJSON_Delete(tmp);
		if (rc != 0)
			return rc;
		(*n)++;
	}
	return 0;
}

static int parse_ukey(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "ukey");
	struct zh_ukey_def *u = &cat->ukey;
	int rc;
	size_t j;

	if (o == NULL)
		return 0;
	(void)snprintf(c->path, sizeof(c->path), "ukey");
	if (!cJSON_IsObject(o))
		return bad(c, "", "must be an object");
	if ((rc = get_str_list(c, o, "pkcs11_module", 1, u->modules, &u->nmodules)) != 0 ||
		(rc = get_str(c, o, "component", 1, &u->component)) != 0 ||
		(rc = get_str(c, o, "cdrom_label", 0, &u->cdrom_label)) != 0 ||
		(rc = get_str_list(c, o, "issuer", 0, u->issuers, &u->nissuers)) != 0 ||
		(rc = get_str_list(c, o, "providers", 0, u->providers, &u->nproviders)) != 0)
		return rc;
	u->module = u->modules[0];
	for (j = 0; j < u->nmodules; j++)
		/* A full path: a bare name would be looked for along the DLL search order. */
		if (strlen(u->modules[j]) > 260 ||
			(strchr(u->modules[j], '\\') == NULL && u->modules[j][0] != '/') ||
			strstr(u->modules[j], "..") != NULL)
			return bad(c, "pkcs11_module",
				"must be a full path (at most 260 bytes, no '..')");
	if (u->cdrom_label != NULL && strlen(u->cdrom_label) > 32)
		return bad(c, "cdrom_label", "a volume label has at most 32 characters");
	for (j = 0; j < cat->ncomponents; j++)
		if (strcmp(cat->components[j].id, u->component) == 0)
			return 0;
	return bad(c, "component", "not one of \"components\"");
}

static int parse_certs(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	char *pem = NULL, *sha = NULL;
	int rc, i = 0;

	a = get_array(c, root, "certificates", &rc);
	if (a == NULL)
		return rc;
	cat->certs = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->certs));
	if (cat->certs == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_cert_def *d = &cat->certs[cat->ncerts];

		set_path(c, "certificates", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->ncerts++;
		if ((rc = get_str(c, e, "id", 1, &d->id)) != 0 || (rc = check_id(c, d->id)) != 0 ||
			(rc = get_str(c, e, "store", 1, &d->store)) != 0 ||
			(rc = get_str(c, e, "sha256", 1, &sha)) != 0 ||
			(rc = get_str(c, e, "pem", 1, &pem)) != 0)
			goto out;
		if (strcmp(d->store, "Root") != 0 && strcmp(d->store, "CA") != 0) {
			rc = bad(c, "store", "must be \"Root\" or \"CA\"");
			goto out;
		}
		if ((rc = zh_cert_from_pem(pem, strlen(pem), &d->cert, NULL)) != 0) {
			rc = rc == ZH_ENOMEM ? zh_err_set(c->err, rc, "cannot load catalog")
					     : bad(c, "pem", "not exactly one PEM certificate");
			goto out;
		}
		/* The pin: a catalog whose certificate is not the one it names is refused. */
		if (!zh_ascii_ieq(sha, d->cert->sha256_hex)) {
			rc = bad(c, "sha256", "does not match the certificate");
			goto out;
		}
		zh_free(pem);
		zh_free(sha);
		pem = sha = NULL;
	}
out:
	zh_free(pem);
	zh_free(sha);
	return rc;
}

static int parse_bypass(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *a, *e;
	int rc, i = 0;

	a = get_array(c, root, "proxy_bypass", &rc);
	if (a == NULL)
		return rc;
	cat->bypass = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->bypass));
	if (cat->bypass == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		set_path(c, "proxy_bypass", i++);
		if (!cJSON_IsString(e) || e->valuestring[0] == '\0' ||
			strchr(e->valuestring, ';') != NULL || strlen(e->valuestring) > 253)
			return bad(c, "", "must be a host name without ';'");
		cat->bypass[cat->nbypass] = zh_strdup(e->valuestring);
		if (cat->bypass[cat->nbypass] == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
		cat->nbypass++;
	}
	return 0;
}

static int parse_protocols(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{"ssl3", ZH_PROTO_SSL3},
		{"tls1.0", ZH_PROTO_TLS10},
		{"tls1.1", ZH_PROTO_TLS11},
		{"tls1.2", ZH_PROTO_TLS12},
		{"tls1.3", ZH_PROTO_TLS13},
	};
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "secure_protocols"), *a, *e;
	int rc, i = 0;
	size_t j;

	if (o == NULL)
		return 0;
	(void)snprintf(c->path, sizeof(c->path), "secure_protocols");
	if (!cJSON_IsObject(o))
		return bad(c, "", "must be an object");
	a = get_array(c, o, "require", &rc);
	if (a == NULL)
		return rc;
	cJSON_ArrayForEach(e, a)
	{
		set_path(c, "secure_protocols.require", i++);
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (cJSON_IsString(e) && strcmp(e->valuestring, names[j].name) == 0)
				break;
		if (j == sizeof(names) / sizeof(names[0]))
			return bad(c, "", "must be one of ssl3, tls1.0, tls1.1, tls1.2, tls1.3");
		cat->proto_require |= names[j].bit;
	}
	return 0;
}

static int parse_environment(struct ctx *c, const cJSON *root, struct zh_catalog *cat)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "environment"), *a, *e, *ie;
	int rc, i = 0;

	if (o == NULL)
		return 0;
	(void)snprintf(c->path, sizeof(c->path), "environment");
	if (!cJSON_IsObject(o))
		return bad(c, "", "must be an object");
	ie = cJSON_GetObjectItemCaseSensitive(o, "ie_min");
	if (ie != NULL && (!cJSON_IsNumber(ie) || ie->valuedouble < 0 || ie->valuedouble > 99))
		return bad(c, "ie_min", "must be a number from 0 to 99");
	cat->ie_min = ie != NULL ? (int)ie->valuedouble : 0;
	a = get_array(c, o, "supported_os", &rc);
	if (a == NULL)
		return rc;
	cat->supported_os = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(char *));
	if (cat->supported_os == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		set_path(c, "environment.supported_os", i++);
		if (!cJSON_IsString(e) || strlen(e->valuestring) > 64)
			return bad(c, "", "must be a name such as \"Windows 10\"");
		cat->supported_os[cat->nsupported_os] = zh_strdup(e->valuestring);
		if (cat->supported_os[cat->nsupported_os] == NULL)
			return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
		cat->nsupported_os++;
	}
	return 0;
}

static int known(const char *const *probes, const char *name)
{
	for (; probes != NULL && *probes != NULL; probes++)
		if (strcmp(*probes, name) == 0)
			return 1;
	return 0;
}

static int parse_checks(struct ctx *c, const cJSON *root, const char *const *probes,
	struct zh_catalog *cat)
{
	const cJSON *a, *e;
	char *sev = NULL;
	int rc, i = 0;
	size_t j;

	a = get_array(c, root, "checks", &rc);
	if (a == NULL)
		return rc != 0 ? rc : bad(c, "checks", "missing");
	cat->checks = zh_calloc((size_t)cJSON_GetArraySize(a), sizeof(*cat->checks));
	if (cat->checks == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load catalog");
	cJSON_ArrayForEach(e, a)
	{
		struct zh_check_def *d = &cat->checks[cat->nchecks];

		set_path(c, "checks", i++);
		if (!cJSON_IsObject(e))
			return bad(c, "", "must be an object");
		cat->nchecks++;
		if ((rc = get_str(c, e, "id", 1, &d->id)) != 0 || (rc = check_id(c, d->id)) != 0 ||
			(rc = get_str(c, e, "probe", 1, &d->probe)) != 0 ||
			(rc = get_str(c, e, "severity", 1, &sev)) != 0 ||
			(rc = get_text(c, e, "title", &d->title)) != 0 ||
			(rc = get_text(c, e, "advice", &d->advice)) != 0)
			goto out;
		if (!known(probes, d->probe)) {
			rc = bad(c, "probe",
				"unknown probe (this zhushou is too old for the catalog?)");
			goto out;
		}
		if (strcmp(sev, "error") == 0)
			d->severity = ZH_SEV_ERROR;
		else if (strcmp(sev, "warning") == 0)
			d->severity = ZH_SEV_WARNING;
		else if (strcmp(sev, "info") == 0)
			d->severity = ZH_SEV_INFO;
		else {
			rc = bad(c, "severity", "must be \"error\", \"warning\" or \"info\"");
			goto out;
		}
		zh_free(sev);
		sev = NULL;
		for (j = 0; j + 1 < cat->nchecks; j++)
			if (strcmp(cat->checks[j].id, d->id) == 0) {
				rc = bad(c, "id", "duplicate id");
				goto out;
			}
	}
out:
	zh_free(sev);
	return rc;
}

int zh_catalog_parse(const char *json, size_t len, const char *const *known_probes,
	struct zh_catalog **ret, struct zh_err *err)
{
	struct zh_catalog *cat = NULL;
	cJSON *root = NULL;
	const cJSON *v, *prof;
	struct ctx c = {err, ""};
	int rc = 0;

	if (len > ZH_MAX_CATALOG_BYTES)
		return zh_err_set(err, ZH_ETOOBIG, "catalog is %zu bytes, over the %d byte limit",
			len, ZH_MAX_CATALOG_BYTES);
	root = cJSON_ParseWithLength(json, len);
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();

		rc = zh_err_set(err, ZH_ECATALOG, "catalog is not valid JSON (near byte %ld)",
			at != NULL && at >= json && at <= json + len ? (long)(at - json) : -1L);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		rc = bad(&c, "", "the catalog must be a JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!cJSON_IsNumber(v) || v->valuedouble != 1) {
		rc = bad(&c, "schema", "must be 1 (this zhushou reads catalog schema 1)");
		goto out;
	}
	cat = zh_calloc(1, sizeof(*cat));
	if (cat == NULL) {
		rc = zh_err_set(err, ZH_ENOMEM, "cannot load catalog");
		goto out;
	}
	prof = cJSON_GetObjectItemCaseSensitive(root, "profile");
	if (!cJSON_IsObject(prof)) {
		rc = bad(&c, "profile", "must be an object");
		goto out;
	}
	(void)snprintf(c.path, sizeof(c.path), "profile");
	if ((rc = get_str(&c, prof, "id", 1, &cat->profile_id)) != 0 ||
		(rc = check_id(&c, cat->profile_id)) != 0 ||
		(rc = get_text(&c, prof, "name", &cat->profile_name)) != 0 ||
		(rc = get_str(&c, prof, "portal", 0, &cat->portal)) != 0 ||
		(rc = get_str(&c, prof, "catalog_version", 1, &cat->catalog_version)) != 0)
		goto out;
	c.path[0] = '\0';
	if ((rc = parse_legacy(&c, root, cat)) != 0 ||
		(rc = parse_components(&c, root, cat)) != 0 ||
		(rc = parse_antivirus(&c, root, cat)) != 0 ||
		(rc = parse_sites(&c, root, cat)) != 0 || (rc = parse_bypass(&c, root, cat)) != 0 ||
		(rc = parse_certs(&c, root, cat)) != 0 || (rc = parse_hosts(&c, root, cat)) != 0 ||
		(rc = parse_services(&c, root, cat)) != 0 ||
		(rc = parse_ukey(&c, root, cat)) != 0 ||
		(rc = parse_environment(&c, root, cat)) != 0 ||
		(rc = parse_protocols(&c, root, cat)) != 0 ||
		(rc = parse_checks(&c, root, known_probes, cat)) != 0)
		goto out;
	*ret = cat;
	cat = NULL;
out:
	zh_catalog_free(cat);
	cJSON_Delete(root);
	return rc;
}

static void text_release(struct zh_text *t)
{
	zh_free(t->zh);
	zh_free(t->en);
}

void zh_catalog_free(struct zh_catalog *cat)
{
	size_t i, j;

	if (cat == NULL)
		return;
	for (i = 0; i < cat->nlegacy; i++) {
		zh_free(cat->legacy[i].id);
		zh_free(cat->legacy[i].display_name);
		zh_free(cat->legacy[i].norm_name);
		zh_free(cat->legacy[i].publisher);
		zh_free(cat->legacy[i].norm_publisher);
		zh_free(cat->legacy[i].version);
		for (j = 0; j < cat->legacy[i].nowns; j++)
			zh_free(cat->legacy[i].owns[j]);
		zh_free(cat->legacy[i].owns);
	}
	zh_free(cat->legacy);
	for (i = 0; i < cat->ncomponents; i++) {
		zh_free(cat->components[i].id);
		zh_free(cat->components[i].version);
		text_release(&cat->components[i].name);
	}
	zh_free(cat->components);
	for (i = 0; i < cat->nantivirus; i++) {
		zh_free(cat->antivirus[i].service);
		text_release(&cat->antivirus[i].name);
	}
	zh_free(cat->antivirus);
	for (i = 0; i < cat->nsites; i++) {
		zh_free(cat->sites[i].domain);
		zh_free(cat->sites[i].scheme);
	}
	zh_free(cat->sites);
	for (i = 0; i < cat->ncerts; i++) {
		zh_free(cat->certs[i].id);
		zh_free(cat->certs[i].store);
		zh_cert_free(cat->certs[i].cert);
	}
	zh_free(cat->certs);
	for (i = 0; i < cat->nsupported_os; i++)
		zh_free(cat->supported_os[i]);
	zh_free(cat->supported_os);
	for (i = 0; i < cat->nbypass; i++)
		zh_free(cat->bypass[i]);
	zh_free(cat->bypass);
	for (i = 0; i < cat->nhosts; i++) {
		zh_free(cat->hosts[i].name);
		zh_free(cat->hosts[i].address);
	}
	zh_free(cat->hosts);
	for (i = 0; i < cat->nservices; i++) {
		zh_free(cat->services[i].host);
		zh_free(cat->services[i].address);
		zh_free(cat->services[i].component);
		text_release(&cat->services[i].name);
	}
	zh_free(cat->services);
	for (i = 0; i < ZH_UKEY_MAX_LIST; i++) {
		zh_free(cat->ukey.modules[i]);
		zh_free(cat->ukey.issuers[i]);
		zh_free(cat->ukey.providers[i]);
	}
	zh_free(cat->ukey.component);
	zh_free(cat->ukey.cdrom_label);
	for (i = 0; i < cat->nchecks; i++) {
		zh_free(cat->checks[i].id);
		zh_free(cat->checks[i].probe);
		text_release(&cat->checks[i].title);
		text_release(&cat->checks[i].advice);
	}
	zh_free(cat->checks);
	zh_free(cat->profile_id);
	text_release(&cat->profile_name);
	zh_free(cat->portal);
	zh_free(cat->catalog_version);
	zh_free(cat);
}

const char *zh_text_get(const struct zh_text *t, const char *lang)
{
	return lang != NULL && lang[0] == 'z' ? t->zh : t->en;
}
