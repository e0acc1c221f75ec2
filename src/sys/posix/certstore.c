/* SPDX-License-Identifier: MIT */
/* No Windows certificate stores on posix; see certstore.h. */
#include "../certstore.h"
#include "../../core/banned.h"

static int nosup(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP, "Windows certificate stores are not available here");
}

int sys_cert_present(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	int *ret_present, struct zh_err *err)
{
	(void)loc, (void)store, (void)sha1, (void)ret_present;
	return nosup(err);
}

int sys_cert_add(enum sys_cert_loc loc, const char *store, const void *der, size_t len,
	struct zh_err *err)
{
	(void)loc, (void)store, (void)der, (void)len;
	return nosup(err);
}

int sys_cert_remove(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	struct zh_err *err)
{
	(void)loc, (void)store, (void)sha1;
	return nosup(err);
}

int sys_cert_get(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20], void **ret_der,
	size_t *ret_len, struct zh_err *err)
{
	(void)loc, (void)store, (void)sha1;
	*ret_der = NULL;
	*ret_len = 0;
	return nosup(err);
}

int sys_cert_each(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, void *ctx), void *ctx, struct zh_err *err)
{
	(void)loc, (void)store, (void)fn, (void)ctx;
	return nosup(err);
}

int sys_cert_each_keyed(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, const struct sys_cert_key *key, void *ctx),
	void *ctx, struct zh_err *err)
{
	(void)loc, (void)store, (void)fn, (void)ctx;
	return nosup(err);
}
