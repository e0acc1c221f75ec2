/* SPDX-License-Identifier: MIT */
/*
 * UKEYs through a PKCS#11 module; see p11.h. The header is p11-kit's pkcs11.h (Debian
 * libp11-kit-dev), which packs its structures as the Windows ABI wants on _WIN32. Only the
 * calls reading public objects are made: C_GetInfo, C_GetSlotList, C_GetTokenInfo,
 * C_OpenSession (serial, read-only), C_FindObjects* and C_GetAttributeValue.
 */
#include <stdio.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "p11.h"
#include "certpem.h"
#include "mem.h"
#include "../sys/dl.h"
#include "banned.h"

#define MAX_CERT_DER (64 * 1024)

/* Only the first ZH_P11_MAX_SLOTS tokens are read (p11.h). */

static const struct {
	CK_RV rv;
	const char *name;
} ckr_names[] = {
	{CKR_OK, "CKR_OK"},
	{CKR_HOST_MEMORY, "CKR_HOST_MEMORY"},
	{CKR_SLOT_ID_INVALID, "CKR_SLOT_ID_INVALID"},
	{CKR_GENERAL_ERROR, "CKR_GENERAL_ERROR"},
	{CKR_FUNCTION_FAILED, "CKR_FUNCTION_FAILED"},
	{CKR_ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"},
	{CKR_CANT_LOCK, "CKR_CANT_LOCK"},
	{CKR_ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"},
	{CKR_ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"},
	{CKR_DEVICE_ERROR, "CKR_DEVICE_ERROR"},
	{CKR_DEVICE_MEMORY, "CKR_DEVICE_MEMORY"},
	{CKR_DEVICE_REMOVED, "CKR_DEVICE_REMOVED"},
	{CKR_FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"},
	{CKR_OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"},
	{CKR_SESSION_COUNT, "CKR_SESSION_COUNT"},
	{CKR_SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"},
	{CKR_TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"},
	{CKR_TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"},
	{CKR_BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"},
	{CKR_CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"},
	{CKR_CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"},
};

const char *zh_p11_ckr_name(unsigned long ckr)
{
	size_t i;

	for (i = 0; i < sizeof(ckr_names) / sizeof(ckr_names[0]); i++)
		if (ckr_names[i].rv == (CK_RV)ckr)
			return ckr_names[i].name;
	return NULL;
}

/* A fixed-size, blank-padded PKCS#11 text field into a C string; control bytes become '?'. */
static void trim(char *dst, const unsigned char *src, size_t n)
{
	size_t i;

	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	for (i = 0; i < n; i++)
		dst[i] = src[i] < 0x20 || src[i] == 0x7f ? '?' : (char)src[i];
	dst[n] = '\0';
}

static int set_why(char **why, const char *fn, CK_RV rv, struct zh_err *err)
{
	const char *name = zh_p11_ckr_name((unsigned long)rv);
	char buf[128];

	if (name != NULL)
		(void)snprintf(buf, sizeof(buf), "%s: %s", fn, name);
	else
		(void)snprintf(buf, sizeof(buf), "%s: CKR 0x%lx", fn, (unsigned long)rv);
	zh_free(*why);
	if ((*why = zh_strdup(buf)) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	return 0;
}

static void cert_release(struct zh_p11_cert *c)
{
	zh_free(c->subject);
	zh_free(c->issuer);
}

/* Parse one certificate object's DER into t's list; a value that is no certificate counts. */
static int add_cert(struct zh_p11_token *t, const void *der, size_t len, struct zh_err *err)
{
	struct zh_p11_cert *c = &t->certs[t->ncerts];
	struct zh_cert *x = NULL;
	struct zh_err e;

	zh_err_init(&e);
	if (zh_cert_from_der(der, len, &x, &e) != 0) {
		if (e.code == ZH_ENOMEM)
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		t->unparsed++;
		return 0;
	}
	memset(c, 0, sizeof(*c));
	c->subject = x->subject;
	c->issuer = x->issuer;
	x->subject = x->issuer = NULL;
	memcpy(c->serial, x->serial_hex, sizeof(c->serial));
	memcpy(c->sha1, x->sha1_hex, sizeof(c->sha1));
	c->not_before = x->not_before;
	c->not_after = x->not_after;
	zh_cert_free(x);
	t->ncerts++;
	return 0;
}

/* The public certificate objects of the token, in session s. */
static int read_certs(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, struct zh_p11_token *t,
	struct zh_err *err)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_BBOOL no = CK_FALSE;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}, {CKA_PRIVATE, &no, sizeof(no)}};
	CK_OBJECT_HANDLE obj[ZH_P11_MAX_CERTS];
	CK_ULONG n = 0, i;
	CK_RV rv;
	int rc = 0;

	if ((rv = f->C_FindObjectsInit(s, tmpl, 2)) != CKR_OK) {
		t->failed = "C_FindObjectsInit";
		t->ckr = (unsigned long)rv;
		return 0;
	}
	rv = f->C_FindObjects(s, obj, ZH_P11_MAX_CERTS, &n);
	(void)f->C_FindObjectsFinal(s);
	if (rv != CKR_OK || n > ZH_P11_MAX_CERTS) {
		t->failed = "C_FindObjects";
		t->ckr = (unsigned long)(rv != CKR_OK ? rv : CKR_GENERAL_ERROR);
		return 0;
	}
	if (n > 0 && (t->certs = zh_calloc(n, sizeof(*t->certs))) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		CK_ATTRIBUTE v = {CKA_VALUE, NULL, 0};

		rv = f->C_GetAttributeValue(s, obj[i], &v, 1);
		if (rv == CKR_OK &&
			(v.ulValueLen == CK_UNAVAILABLE_INFORMATION || v.ulValueLen == 0 ||
				v.ulValueLen > MAX_CERT_DER)) {
			t->unparsed++;
			continue;
		}
		if (rv == CKR_OK) {
			if ((v.pValue = zh_malloc(v.ulValueLen)) == NULL)
				return zh_err_set(err, ZH_ENOMEM, "out of memory");
			rv = f->C_GetAttributeValue(s, obj[i], &v, 1);
		}
		if (rv != CKR_OK) {
			zh_free(v.pValue);
			t->failed = "C_GetAttributeValue";
			t->ckr = (unsigned long)rv;
			return 0;
		}
		rc = add_cert(t, v.pValue, v.ulValueLen, err);
		zh_free(v.pValue);
	}
	return rc;
}

static int read_token(CK_FUNCTION_LIST_PTR f, CK_SLOT_ID slot, struct zh_p11_token *t,
	struct zh_err *err)
{
	CK_TOKEN_INFO info;
	CK_SESSION_HANDLE s;
	CK_RV rv;
	int rc;

	memset(t, 0, sizeof(*t));
	t->slot = (unsigned long)slot;
	if ((rv = f->C_GetTokenInfo(slot, &info)) != CKR_OK) {
		t->failed = "C_GetTokenInfo";
		t->ckr = (unsigned long)rv;
		return 0;
	}
	trim(t->label, info.label, sizeof(info.label));
	trim(t->serial, info.serialNumber, sizeof(info.serialNumber));
	trim(t->manufacturer, info.manufacturerID, sizeof(info.manufacturerID));
	trim(t->model, info.model, sizeof(info.model));
	t->initialized = (info.flags & CKF_TOKEN_INITIALIZED) != 0;
	if (!t->initialized)
		return 0;
	if ((rv = f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s)) != CKR_OK) {
		t->failed = "C_OpenSession";
		t->ckr = (unsigned long)rv;
		return 0;
	}
	rc = read_certs(f, s, t, err);
	(void)f->C_CloseSession(s);
	return rc;
}

static int read_slots(CK_FUNCTION_LIST_PTR f, struct zh_p11_state *st, struct zh_err *err)
{
	CK_SLOT_ID *slots = NULL;
	CK_ULONG all = 0, n = 0, i;
	CK_INFO info;
	CK_RV rv;
	int rc = 0;

	if (f->C_GetInfo(&info) == CKR_OK) {
		char man[33], desc[33];

		trim(man, info.manufacturerID, sizeof(info.manufacturerID));
		trim(desc, info.libraryDescription, sizeof(info.libraryDescription));
		(void)snprintf(st->library, sizeof(st->library), "%s%s%s", man,
			man[0] != '\0' && desc[0] != '\0' ? " " : "", desc);
	}
	if ((rv = f->C_GetSlotList(CK_FALSE, NULL, &all)) != CKR_OK ||
		(rv = f->C_GetSlotList(CK_TRUE, NULL, &n)) != CKR_OK)
		goto failed;
	st->nslots = (size_t)all;
	if (n == 0)
		return 0;
	if (n > all || n > 4096) {
		rv = CKR_GENERAL_ERROR; /* a module that miscounts */
		goto failed;
	}
	if ((slots = zh_calloc(n, sizeof(*slots))) == NULL)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	/* A key plugged in between the two calls: CKR_BUFFER_TOO_SMALL, named; check again. */
	if ((rv = f->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK) {
		zh_free(slots);
		goto failed;
	}
	if (n > ZH_P11_MAX_SLOTS)
		n = ZH_P11_MAX_SLOTS;
	if (n > 0 && (st->tokens = zh_calloc(n, sizeof(*st->tokens))) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	for (i = 0; i < n && rc == 0; i++, st->ntokens++)
		rc = read_token(f, slots[i], &st->tokens[i], err);
	zh_free(slots);
	return rc;
failed:
	st->failed = "C_GetSlotList";
	st->ckr = (unsigned long)rv;
	return set_why(&st->why, st->failed, rv, err);
}

int zh_p11_read(const char *path, struct zh_p11_state *st, struct zh_err *err)
{
	CK_C_GetFunctionList get;
	CK_FUNCTION_LIST_PTR f = NULL;
	struct sys_dl *h = NULL;
	struct zh_err e;
	sys_dl_fn fn;
	CK_RV rv;
	int rc;

	memset(st, 0, sizeof(*st));
	zh_err_init(&e);
	rc = sys_dl_open(path, &h, &e);
	if (rc == ZH_ENOENT)
		return 0;
	st->module_found = 1;
	if (rc == ZH_ENOMEM)
		return zh_err_set(err, ZH_ENOMEM, "out of memory");
	if (rc != 0) {
		st->failed = "LoadLibrary";
		return (st->why = zh_strdup(e.msg)) == NULL
			? zh_err_set(err, ZH_ENOMEM, "out of memory")
			: 0;
	}
	fn = sys_dl_sym(h, "C_GetFunctionList");
	memcpy(&get, &fn, sizeof(get));
	if (get == NULL) {
		st->failed = "C_GetFunctionList";
		rc = (st->why = zh_strdup("no C_GetFunctionList: not a PKCS#11 module")) == NULL
			? zh_err_set(err, ZH_ENOMEM, "out of memory")
			: 0;
	} else if ((rv = get(&f)) != CKR_OK || f == NULL) {
		st->failed = "C_GetFunctionList";
		st->ckr = (unsigned long)rv;
		rc = set_why(&st->why, st->failed, rv != CKR_OK ? rv : CKR_GENERAL_ERROR, err);
	} else if ((rv = f->C_Initialize(NULL)) != CKR_OK &&
		rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		st->failed = "C_Initialize";
		st->ckr = (unsigned long)rv;
		rc = set_why(&st->why, st->failed, rv, err);
	} else {
		st->loaded = 1;
		rc = read_slots(f, st, err);
		if (rv == CKR_OK)
			(void)f->C_Finalize(NULL);
	}
	sys_dl_close(h);
	return rc;
}

void zh_p11_release(struct zh_p11_state *st)
{
	size_t i, j;

	for (i = 0; i < st->ntokens; i++) {
		for (j = 0; j < st->tokens[i].ncerts; j++)
			cert_release(&st->tokens[i].certs[j]);
		zh_free(st->tokens[i].certs);
	}
	zh_free(st->tokens);
	zh_free(st->why);
	memset(st, 0, sizeof(*st));
}
