/* SPDX-License-Identifier: MIT */
/*
 * Registry tree export/import. Blob layout (little-endian u32 lengths): a version byte (1),
 * then records: 'K' relpath  (a key) or 'V' relpath name type data (a value), where each
 * string and the data are a u32 length followed by the bytes. relpath is "" for the top key.
 */
#include <stdint.h>
#include <string.h>

#include "regtree.h"
#include "mem.h"
#include "banned.h"

#define REGTREE_VERSION 1

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p = zh_malloc(la + lb + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, a, la);
	if (la > 0 && lb > 0)
		p[la++] = '\\';
	memcpy(p + la, b, lb + 1);
	return p;
}

static int put_value(struct zh_buf *out, const char *rel, const char *name, enum sys_reg_type type,
	const void *data, size_t len, struct zh_err *err)
{
	int rc;

	if ((rc = zh_buf_add(out, "V", 1, err)) != 0 ||
		(rc = zh_buf_add_lp(out, rel, strlen(rel), err)) != 0 ||
		(rc = zh_buf_add_lp(out, name, strlen(name), err)) != 0 ||
		(rc = zh_buf_add_u32(out, (uint32_t)type, err)) != 0)
		return rc;
	return zh_buf_add_lp(out, data, len, err);
}

static int export_key(struct sys_reg_key *k, const char *rel, int depth, struct zh_buf *out,
	struct zh_err *err)
{
	struct sys_reg_key *sub = NULL;
	char *name = NULL, *subrel = NULL;
	void *data = NULL;
	enum sys_reg_type type;
	size_t len;
	unsigned i;
	int rc;

	if (depth > ZH_MAX_REGTREE_DEPTH)
		return zh_err_set(err, ZH_ETOOBIG, "registry tree deeper than %d levels",
			ZH_MAX_REGTREE_DEPTH);
	if ((rc = zh_buf_add(out, "K", 1, err)) != 0 ||
		(rc = zh_buf_add_lp(out, rel, strlen(rel), err)) != 0)
		return rc;
	for (i = 0;; i++) {
		rc = sys_reg_value(k, i, &name, &type, &data, &len, err);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc == 0)
			rc = put_value(out, rel, name, type, data, len, err);
		sys_free(name);
		sys_free(data);
		name = NULL;
		data = NULL;
		if (rc != 0)
			return rc;
	}
	for (i = 0;; i++) {
		rc = sys_reg_subkey(k, i, &name, err);
		if (rc == ZH_ENOENT) {
			rc = 0;
			break;
		}
		if (rc != 0)
			break;
		subrel = join(rel, name);
		if (subrel == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot export registry key");
		} else if ((rc = sys_reg_open_sub(k, name, 0, &sub, err)) == 0) {
			rc = export_key(sub, subrel, depth + 1, out, err);
			sys_reg_close(sub);
			sub = NULL;
		}
		zh_free(subrel);
		sys_free(name);
		name = NULL;
		if (rc != 0)
			break;
	}
	return rc;
}

int zh_regtree_export(enum sys_reg_root root, enum sys_reg_view view, const char *key,
	struct zh_buf *out, struct zh_err *err)
{
	struct sys_reg_key *k = NULL;
	unsigned char v = REGTREE_VERSION;
	int rc;

	rc = sys_reg_open(root, key, view, 0, &k, err);
	if (rc != 0)
		return rc;
	rc = zh_buf_add(out, &v, 1, err);
	if (rc == 0)
		rc = export_key(k, "", 0, out, err);
	sys_reg_close(k);
	return rc;
}

/* A length-prefixed string, copied NUL-terminated into *ret (zh_free). */
static int get_str(struct zh_reader *r, char **ret, const void **ret_raw, size_t *ret_len)
{
	const void *p;
	size_t n;

	if (zh_read_lp(r, &p, &n) != 0)
		return ZH_EPARSE;
	if (ret_raw != NULL) {
		*ret_raw = p;
		*ret_len = n;
	}
	if (ret != NULL && (*ret = zh_strndup(p, n)) == NULL)
		return ZH_ENOMEM;
	return 0;
}

int zh_regtree_import(enum sys_reg_root root, enum sys_reg_view view, const char *key,
	const void *blob, size_t len, struct zh_err *err)
{
	struct zh_reader r = {blob, len};
	struct sys_reg_key *k = NULL;
	char *rel = NULL, *name = NULL, *path = NULL;
	const void *data = NULL;
	size_t dlen = 0;
	uint32_t type = 0;
	int rc = 0;

	if (r.n < 1 || r.p[0] != REGTREE_VERSION)
		return zh_err_set(err, ZH_EPARSE, "registry export of '%s' has an unknown format",
			key);
	r.p++;
	r.n--;
	while (r.n > 0 && rc == 0) {
		char tag = (char)r.p[0];

		r.p++;
		r.n--;
		rc = get_str(&r, &rel, NULL, NULL);
		if (rc == 0 && tag == 'V')
			rc = get_str(&r, &name, NULL, NULL);
		if (rc == 0 && tag == 'V' && (rc = zh_read_u32(&r, &type)) == 0)
			rc = get_str(&r, NULL, &data, &dlen);
		if (rc == 0 && tag != 'K' && tag != 'V')
			rc = ZH_EPARSE;
		if (rc == 0 && (path = join(key, rel)) == NULL)
			rc = ZH_ENOMEM;
		if (rc == 0)
			rc = sys_reg_open(root, path, view, SYS_REG_CREATE, &k, err);
		if (rc == 0 && tag == 'V')
			rc = sys_reg_set_raw(k, name, (enum sys_reg_type)type, data, dlen, err);
		sys_reg_close(k);
		k = NULL;
		zh_free(rel);
		zh_free(name);
		zh_free(path);
		rel = name = path = NULL;
	}
	if (rc == ZH_EPARSE || rc == ZH_ENOMEM)
		return zh_err_set(err, rc, "cannot restore registry key '%s' from its export", key);
	return rc;
}
