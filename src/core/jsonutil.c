/* SPDX-License-Identifier: MIT */
/* Strict JSON field reading for signed documents; see jsonutil.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "mem.h"
#include "text.h"
#include "banned.h"

void zh_json_init(struct zh_json_ctx *c, const char *doc, int code, struct zh_err *err)
{
	c->doc = doc;
	c->code = code;
	c->err = err;
	c->path[0] = '\0';
}

void zh_json_path(struct zh_json_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(c->path, sizeof(c->path), fmt, ap);
	va_end(ap);
}

void zh_json_top(struct zh_json_ctx *c)
{
	c->path[0] = '\0';
}

static int vbad(struct zh_json_ctx *c, int code, const char *field, const char *fmt, va_list ap)
{
	char why[400];

	(void)vsnprintf(why, sizeof(why), fmt, ap);
	if (c->path[0] == '\0' && field[0] == '\0')
		return zh_err_set(c->err, code, "%s: %s", c->doc, why);
	return zh_err_set(c->err, code, "%s field '%s%s%s': %s", c->doc, c->path,
		c->path[0] != '\0' && field[0] != '\0' ? "." : "", field, why);
}

int zh_json_bad(struct zh_json_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vbad(c, c->code, "", fmt, ap);
	va_end(ap);
	return rc;
}

int zh_json_dup(struct zh_json_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vbad(c, ZH_EDUP, "", fmt, ap);
	va_end(ap);
	return rc;
}

static int field_bad(struct zh_json_ctx *c, const char *field, const char *fmt, ...)
	ZH_FORMAT(3, 4);

static int field_bad(struct zh_json_ctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vbad(c, c->code, field, fmt, ap);
	va_end(ap);
	return rc;
}

int zh_json_field(struct zh_json_ctx *c, const char *field, const char *why)
{
	return field_bad(c, field, "%s", why);
}

int zh_json_load(struct zh_json_ctx *c, const char *json, size_t len, size_t max, cJSON **ret_root)
{
	const char *at;
	cJSON *root;
	size_t i;

	if (len > max)
		return zh_err_set(c->err, ZH_ETOOBIG, "%s is %zu bytes, over the %zu byte limit",
			c->doc, len, max);
	if (memchr(json, '\0', len) != NULL)
		return zh_err_set(c->err, c->code, "%s: NUL byte in the text", c->doc);
	for (i = 0; i + 6 <= len; i++)
		if (json[i] == '\\' && json[i + 1] == 'u' && json[i + 2] == '0' &&
			json[i + 3] == '0' && json[i + 4] == '0' && json[i + 5] == '0')
			return zh_err_set(c->err, c->code,
				"%s: NUL character (\\u0000) in the text", c->doc);
	root = cJSON_ParseWithLength(json, len);
	if (root == NULL) {
		at = cJSON_GetErrorPtr();
		return zh_err_set(c->err, c->code, "%s is not valid JSON (near byte %ld)", c->doc,
			at != NULL && at >= json && at <= json + len ? (long)(at - json) : -1L);
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return zh_err_set(c->err, c->code, "%s must be a JSON object", c->doc);
	}
	*ret_root = root;
	return 0;
}

int zh_json_object(struct zh_json_ctx *c, const cJSON *obj, ...)
{
	const cJSON *k, *j;
	const char *name;
	va_list ap;
	int found;

	if (!cJSON_IsObject(obj))
		return zh_json_bad(c, "must be an object");
	for (k = obj->child; k != NULL; k = k->next) {
		if (k->string == NULL)
			return zh_json_bad(c, "malformed object");
		found = 0;
		va_start(ap, obj);
		while ((name = va_arg(ap, const char *)) != NULL)
			if (strcmp(name, k->string) == 0)
				found = 1;
		va_end(ap);
		if (!found)
			return field_bad(c, k->string, "unknown field");
		for (j = obj->child; j != k; j = j->next)
			if (strcmp(j->string, k->string) == 0)
				return field_bad(c, k->string, "given twice");
	}
	return 0;
}

static int str_value(struct zh_json_ctx *c, const cJSON *v, const char *field, size_t max,
	int empty_ok, char **ret)
{
	size_t n;

	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return field_bad(c, field, "must be a string");
	n = strlen(v->valuestring);
	if (n == 0 && !empty_ok)
		return field_bad(c, field, "must not be empty");
	if (n > max)
		return field_bad(c, field, "longer than %zu bytes", max);
	if (!zh_utf8_valid(v->valuestring, n))
		return field_bad(c, field, "not valid UTF-8");
	*ret = zh_strdup(v->valuestring);
	if (*ret == NULL)
		return zh_err_set(c->err, ZH_ENOMEM, "cannot load %s", c->doc);
	return 0;
}

int zh_json_str_value(struct zh_json_ctx *c, const cJSON *v, const char *field, size_t max,
	char **ret)
{
	return str_value(c, v, field, max, 0, ret);
}

int zh_json_str(struct zh_json_ctx *c, const cJSON *obj, const char *field, int flags, size_t max,
	char **ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	*ret = NULL;
	if (v == NULL)
		return flags & ZH_JSON_REQUIRED ? field_bad(c, field, "missing") : 0;
	return str_value(c, v, field, max, (flags & ZH_JSON_EMPTY) != 0, ret);
}

int zh_json_int_value(struct zh_json_ctx *c, const cJSON *v, const char *field, int64_t min,
	int64_t max, int64_t *ret)
{
	double d;

	if (!cJSON_IsNumber(v))
		return field_bad(c, field, "must be a number");
	d = v->valuedouble;
	/* Compare as doubles first: a huge value must not overflow the conversion. */
	if (!(d >= (double)min && d <= (double)max) || (double)(int64_t)d != d)
		return field_bad(c, field, "must be an integer from %lld to %lld", (long long)min,
			(long long)max);
	*ret = (int64_t)d;
	return 0;
}

int zh_json_int(struct zh_json_ctx *c, const cJSON *obj, const char *field, int64_t min,
	int64_t max, int64_t *ret)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);

	if (v == NULL)
		return field_bad(c, field, "missing");
	return zh_json_int_value(c, v, field, min, max, ret);
}

const cJSON *zh_json_array(struct zh_json_ctx *c, const cJSON *obj, const char *field, int required,
	int max, int *rc)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, field);

	*rc = 0;
	if (a == NULL) {
		if (required)
			*rc = field_bad(c, field, "missing");
		return NULL;
	}
	if (!cJSON_IsArray(a)) {
		*rc = field_bad(c, field, "must be an array");
		return NULL;
	}
	if (cJSON_GetArraySize(a) > max) {
		*rc = field_bad(c, field, "more than %d entries", max);
		return NULL;
	}
	return a;
}
