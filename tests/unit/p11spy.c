/* SPDX-License-Identifier: MIT */
/*
 * A PKCS#11 module for tests that sits in front of a real one (SoftHSM): it forwards the
 * calls that reading certificates takes, writes the name of every call made to it into the
 * file $P11SPY_LOG, and answers every other function (C_Login, C_InitPIN, C_Sign, ...) with
 * CKR_FUNCTION_NOT_SUPPORTED after logging "FORBIDDEN". $P11SPY_TARGET is the real module;
 * $P11SPY_FAIL names one forwarded function that returns CKR_DEVICE_ERROR instead.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST real, spy;

static void note(const char *fn)
{
	const char *path = getenv("P11SPY_LOG");
	FILE *f = path != NULL ? fopen(path, "a") : NULL;

	if (f != NULL) {
		fprintf(f, "%s\n", fn);
		fclose(f);
	}
}

static int failing(const char *fn)
{
	const char *f = getenv("P11SPY_FAIL");

	note(fn);
	return f != NULL && strcmp(f, fn) == 0;
}

/*
 * Every function this module does not forward. Called with whatever arguments the caller
 * passes: it reads none of them, and returns CK_RV the way every PKCS#11 function does.
 */
static CK_RV forbidden(void)
{
	note("FORBIDDEN");
	return CKR_FUNCTION_NOT_SUPPORTED;
}

#define FWD(name, params, args)                                                                    \
	static CK_RV spy_##name params                                                             \
	{                                                                                          \
		return failing(#name) ? CKR_DEVICE_ERROR : real.name args;                         \
	}

FWD(C_Initialize, (void *a), (a))
FWD(C_Finalize, (void *a), (a))
FWD(C_GetInfo, (CK_INFO_PTR a), (a))
FWD(C_GetSlotList, (CK_BBOOL a, CK_SLOT_ID_PTR b, CK_ULONG_PTR c), (a, b, c))
FWD(C_GetTokenInfo, (CK_SLOT_ID a, CK_TOKEN_INFO_PTR b), (a, b))
FWD(C_OpenSession, (CK_SLOT_ID a, CK_FLAGS b, void *c, CK_NOTIFY d, CK_SESSION_HANDLE_PTR e),
	(a, b, c, d, e))
FWD(C_CloseSession, (CK_SESSION_HANDLE a), (a))
FWD(C_FindObjectsInit, (CK_SESSION_HANDLE a, CK_ATTRIBUTE_PTR b, CK_ULONG c), (a, b, c))
FWD(C_FindObjects, (CK_SESSION_HANDLE a, CK_OBJECT_HANDLE_PTR b, CK_ULONG c, CK_ULONG_PTR d),
	(a, b, c, d))
FWD(C_FindObjectsFinal, (CK_SESSION_HANDLE a), (a))
FWD(C_GetAttributeValue, (CK_SESSION_HANDLE a, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR c, CK_ULONG d),
	(a, b, c, d))

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ret)
{
	const char *target = getenv("P11SPY_TARGET");
	CK_C_GetFunctionList get;
	CK_FUNCTION_LIST_PTR f;
	void *h, *sym;
	size_t i, n;

	note("C_GetFunctionList");
	if (target == NULL || (h = dlopen(target, RTLD_NOW | RTLD_LOCAL)) == NULL ||
		(sym = dlsym(h, "C_GetFunctionList")) == NULL)
		return CKR_GENERAL_ERROR;
	memcpy(&get, &sym, sizeof(get));
	if (get(&f) != CKR_OK)
		return CKR_GENERAL_ERROR;
	real = *f;
	/* The list is the version and then function pointers only: all forbidden first. */
	spy.version = real.version;
	n = (sizeof(spy) - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(CK_C_Initialize);
	for (i = 0; i < n; i++) {
		CK_RV (*fb)(void) = forbidden;

		memcpy((char *)&spy + offsetof(CK_FUNCTION_LIST, C_Initialize) + i * sizeof(fb),
			&fb, sizeof(fb));
	}
	spy.C_Initialize = spy_C_Initialize;
	spy.C_Finalize = spy_C_Finalize;
	spy.C_GetInfo = spy_C_GetInfo;
	spy.C_GetSlotList = spy_C_GetSlotList;
	spy.C_GetTokenInfo = spy_C_GetTokenInfo;
	spy.C_OpenSession = spy_C_OpenSession;
	spy.C_CloseSession = spy_C_CloseSession;
	spy.C_FindObjectsInit = spy_C_FindObjectsInit;
	spy.C_FindObjects = spy_C_FindObjects;
	spy.C_FindObjectsFinal = spy_C_FindObjectsFinal;
	spy.C_GetAttributeValue = spy_C_GetAttributeValue;
	*ret = &spy;
	return CKR_OK;
}
