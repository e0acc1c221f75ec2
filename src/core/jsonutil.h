/* SPDX-License-Identifier: MIT */
/*
 * Strict reading of signed JSON documents (bundle.json, index.json, recipes) with cJSON: each
 * object may hold only the keys its reader names, each once; strings are bounded, valid UTF-8
 * and free of NUL; numbers are integers within bounds. Errors name the document and the field
 * ("bundle.json field 'files[3].size': must be an integer from 0 to 4294967296").
 */
#ifndef ZH_JSONUTIL_H
#define ZH_JSONUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "err.h"

struct zh_json_ctx {
	const char *doc; /* "bundle.json" */
	int code; /* the code of a malformed document: ZH_EMANIFEST */
	struct zh_err *err;
	char path[128]; /* the object being read: "files[3]" */
};

void zh_json_init(struct zh_json_ctx *c, const char *doc, int code, struct zh_err *err);

/* Set the path of the object being read (printf-style), or go back to the top level. */
void zh_json_path(struct zh_json_ctx *c, const char *fmt, ...) ZH_FORMAT(2, 3);
void zh_json_top(struct zh_json_ctx *c);

/* Fail at the current path, or at its field. Return the code. */
int zh_json_bad(struct zh_json_ctx *c, const char *fmt, ...) ZH_FORMAT(2, 3);
int zh_json_field(struct zh_json_ctx *c, const char *field, const char *why);
/* Like zh_json_bad with ZH_EDUP: a name listed twice. */
int zh_json_dup(struct zh_json_ctx *c, const char *fmt, ...) ZH_FORMAT(2, 3);

/*
 * Parse len bytes (at most max) into *ret_root (free with cJSON_Delete), which must be an
 * object. Text with a NUL byte or an escaped NUL (\u0000) is refused: cJSON would cut the
 * string there, and another reader would not.
 */
int zh_json_load(struct zh_json_ctx *c, const char *json, size_t len, size_t max, cJSON **ret_root);

/*
 * obj must be an object whose keys are among the NULL-terminated list of names, each present
 * at most once.
 */
int zh_json_object(struct zh_json_ctx *c, const cJSON *obj, ...);

/*
 * A string field (NULL when absent and not required) of at most max bytes; free with zh_free.
 * flags: ZH_JSON_REQUIRED (1) and ZH_JSON_EMPTY (may be ""; otherwise an empty string is
 * refused).
 */
#define ZH_JSON_REQUIRED 1
#define ZH_JSON_EMPTY 2
int zh_json_str(struct zh_json_ctx *c, const cJSON *obj, const char *field, int flags, size_t max,
	char **ret);
int zh_json_str_value(struct zh_json_ctx *c, const cJSON *v, const char *field, size_t max,
	char **ret);

/* An integer field from min to max (a JSON number without fraction). Required. */
int zh_json_int(struct zh_json_ctx *c, const cJSON *obj, const char *field, int64_t min,
	int64_t max, int64_t *ret);
int zh_json_int_value(struct zh_json_ctx *c, const cJSON *v, const char *field, int64_t min,
	int64_t max, int64_t *ret);

/* An array field of at most max items; NULL when absent (an error if required). */
const cJSON *zh_json_array(struct zh_json_ctx *c, const cJSON *obj, const char *field, int required,
	int max, int *rc);

#endif
