/* SPDX-License-Identifier: MIT */
/*
 * A vendor's PKCS#11 module, loaded with LoadLibraryExW (its own folder searched for its
 * dependencies) and called through C_GetFunctionList; see p11.h. The header is p11-kit's
 * pkcs11.h (Debian libp11-kit-dev), which packs structures as the Windows ABI wants.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <p11-kit/pkcs11.h>

#include "../p11.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

#define MAX_SLOTS 16

static void trim(char *dst, const unsigned char *src, size_t n)
{
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\0'))
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int ck_fail(struct sys_p11_token *t, struct zh_err *err, const char *fn, CK_RV rv)
{
	t->failed = fn;
	t->ckr = (unsigned long)rv;
	return zh_err_set(err, ZH_EIO, "the UKEY module's %s failed (CKR 0x%lx)", fn,
		(unsigned long)rv);
}

/* The certificates of the token in slot, read in session s. */
static int read_certs(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s, struct sys_p11_token *t,
	struct zh_err *err)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl = {CKA_CLASS, &cls, sizeof(cls)};
	CK_OBJECT_HANDLE obj[SYS_P11_MAX_CERTS];
	CK_ULONG n = 0, i;
	CK_RV rv;
	int rc = 0;

	if ((rv = f->C_FindObjectsInit(s, &tmpl, 1)) != CKR_OK)
		return ck_fail(t, err, "C_FindObjectsInit", rv);
	rv = f->C_FindObjects(s, obj, SYS_P11_MAX_CERTS, &n);
	(void)f->C_FindObjectsFinal(s);
	if (rv != CKR_OK)
		return ck_fail(t, err, "C_FindObjects", rv);
	for (i = 0; i < n && i < SYS_P11_MAX_CERTS && rc == 0; i++) {
		CK_ATTRIBUTE v = {CKA_VALUE, NULL, 0};

		if ((rv = f->C_GetAttributeValue(s, obj[i], &v, 1)) != CKR_OK)
			return ck_fail(t, err, "C_GetAttributeValue", rv);
		if (v.ulValueLen == CK_UNAVAILABLE_INFORMATION || v.ulValueLen == 0 ||
			v.ulValueLen > 64 * 1024)
			continue;
		if ((v.pValue = malloc(v.ulValueLen)) == NULL)
			return zh_err_set(err, ZH_ENOMEM, "out of memory");
		if ((rv = f->C_GetAttributeValue(s, obj[i], &v, 1)) != CKR_OK) {
			free(v.pValue);
			return ck_fail(t, err, "C_GetAttributeValue", rv);
		}
		t->certs[t->ncerts] = v.pValue;
		t->lens[t->ncerts++] = v.ulValueLen;
	}
	return rc;
}

static int read_token(CK_FUNCTION_LIST_PTR f, struct sys_p11_token *t, struct zh_err *err)
{
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_ULONG n = MAX_SLOTS;
	CK_TOKEN_INFO info;
	CK_SESSION_HANDLE s;
	CK_RV rv;
	int rc;

	rv = f->C_GetSlotList(CK_TRUE, slots, &n);
	if (rv != CKR_OK && rv != CKR_BUFFER_TOO_SMALL)
		return ck_fail(t, err, "C_GetSlotList", rv);
	if (n == 0)
		return 0;
	t->present = 1;
	if ((rv = f->C_GetTokenInfo(slots[0], &info)) != CKR_OK)
		return ck_fail(t, err, "C_GetTokenInfo", rv);
	trim(t->label, info.label, sizeof(info.label));
	trim(t->serial, info.serialNumber, sizeof(info.serialNumber));
	if ((rv = f->C_OpenSession(slots[0], CKF_SERIAL_SESSION, NULL, NULL, &s)) != CKR_OK)
		return ck_fail(t, err, "C_OpenSession", rv);
	rc = read_certs(f, s, t, err);
	(void)f->C_CloseSession(s);
	return rc;
}

int sys_p11_read(const char *path, struct sys_p11_token *ret, struct zh_err *err)
{
	CK_C_GetFunctionList get;
	CK_FUNCTION_LIST_PTR f = NULL;
	wchar_t *w;
	HMODULE h;
	CK_RV rv;
	DWORD e;
	int rc = ZH_FAULT_CHECK("sys_p11_read", err);

	memset(ret, 0, sizeof(*ret));
	if (rc != 0)
		return rc;
	if ((w = w_from_utf8(path, err)) == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EINVAL;
	h = LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	e = GetLastError();
	free(w);
	if (h == NULL)
		return e == ERROR_MOD_NOT_FOUND || e == ERROR_FILE_NOT_FOUND ||
				e == ERROR_PATH_NOT_FOUND
			? zh_err_set(err, ZH_ENOENT, "no UKEY module '%s'", path)
			: win_err(err, e, "cannot load the UKEY module", path);
	get = (CK_C_GetFunctionList)(void (*)(void))GetProcAddress(h, "C_GetFunctionList");
	if (get == NULL) {
		rc = zh_err_set(err, ZH_EIO, "'%s' is not a PKCS#11 module (no C_GetFunctionList)",
			path);
	} else if ((rv = get(&f)) != CKR_OK || f == NULL) {
		rc = ck_fail(ret, err, "C_GetFunctionList", rv);
	} else if ((rv = f->C_Initialize(NULL)) != CKR_OK &&
		rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		rc = ck_fail(ret, err, "C_Initialize", rv);
	} else {
		rc = read_token(f, ret, err);
		(void)f->C_Finalize(NULL);
	}
	FreeLibrary(h);
	return rc;
}

void sys_p11_release(struct sys_p11_token *t)
{
	size_t i;

	for (i = 0; i < t->ncerts; i++)
		free(t->certs[i]);
	memset(t, 0, sizeof(*t));
}
