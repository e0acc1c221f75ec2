/* SPDX-License-Identifier: MIT */
/*
 * comclient DLL CLSID TEXT: drive an in-process COM server the way a script host does, without
 * the registry: LoadLibrary the DLL, DllGetClassObject(CLSID), CreateInstance(IDispatch), then
 * GetIDsOfNames + Invoke for "Version" (property get) and "Sign"(TEXT) (method). Prints one
 * "key=value" line per fact (hresults in hex), for test_standins.sh: version, sign, the
 * answer to an unknown name and to a wrong CLSID, and DllCanUnloadNow while an object lives
 * and after the last release. Exits 0 when it could ask everything, 1 otherwise.
 * OLE Automation is loaded at run time, so the tool builds with the default libraries
 * (lib.sh builds every tool the same way).
 */
#define COBJMACROS
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <ole2.h>

typedef HRESULT(WINAPI *get_class_fn)(REFCLSID, REFIID, void **);
typedef HRESULT(WINAPI *can_unload_fn)(void);
typedef BSTR(WINAPI *sysalloc_fn)(const OLECHAR *);
typedef void(WINAPI *sysfree_fn)(BSTR);
typedef HRESULT(WINAPI *varclear_fn)(VARIANT *);

/* Defined here, not taken from libuuid: the default libraries do not have them. */
static const IID iid_classfactory = {0x00000001, 0x0000, 0x0000,
	{0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID iid_dispatch = {0x00020400, 0x0000, 0x0000,
	{0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const IID iid_null = {0, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};

static sysalloc_fn p_SysAllocString;
static sysfree_fn p_SysFreeString;
static varclear_fn p_VariantClear;

/* {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} to a GUID (CLSIDFromString is in ole32). */
static int parse_guid(const wchar_t *s, GUID *ret)
{
	unsigned long d1;
	unsigned int d2, d3, b[8];
	wchar_t end;
	int i;

	if (wcslen(s) != 38 ||
		swscanf(s, L"{%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x%lc", &d1, &d2, &d3, &b[0],
			&b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &end) != 12 ||
		end != L'}')
		return -1;
	ret->Data1 = d1;
	ret->Data2 = (unsigned short)d2;
	ret->Data3 = (unsigned short)d3;
	for (i = 0; i < 8; i++)
		ret->Data4[i] = (unsigned char)b[i];
	return 0;
}

/* Invokes NAME with flags and zero or one BSTR argument; prints "KEY=value" or "KEY=!hr". */
static int call(IDispatch *d, const char *key, const wchar_t *name, WORD flags, const wchar_t *arg)
{
	LPOLESTR names[1] = {(LPOLESTR)name};
	DISPID id = DISPID_UNKNOWN;
	DISPPARAMS params = {NULL, NULL, 0, 0};
	VARIANT a, result;
	UINT arg_err = 0;
	HRESULT hr;

	/* VariantInit, without linking oleaut32. */
	memset(&result, 0, sizeof(result));
	memset(&a, 0, sizeof(a));
	V_VT(&result) = VT_EMPTY;
	V_VT(&a) = VT_EMPTY;
	hr = IDispatch_GetIDsOfNames(d, &iid_null, names, 1, LOCALE_USER_DEFAULT, &id);
	if (FAILED(hr)) {
		printf("%s=!ids:%08lx\n", key, (unsigned long)hr);
		return 0;
	}
	printf("%s.dispid=%ld\n", key, (long)id);
	if (arg != NULL) {
		V_VT(&a) = VT_BSTR;
		V_BSTR(&a) = p_SysAllocString(arg);
		if (V_BSTR(&a) == NULL) {
			fprintf(stderr, "comclient: out of memory\n");
			return -1;
		}
		params.rgvarg = &a;
		params.cArgs = 1;
	}
	hr = IDispatch_Invoke(d, id, &iid_null, LOCALE_USER_DEFAULT, flags, &params, &result, NULL,
		&arg_err);
	if (FAILED(hr))
		printf("%s=!invoke:%08lx\n", key, (unsigned long)hr);
	else if (V_VT(&result) != VT_BSTR)
		printf("%s=!vt:%u\n", key, (unsigned)V_VT(&result));
	else
		printf("%s=%ls\n", key, V_BSTR(&result));
	p_VariantClear(&result);
	p_VariantClear(&a);
	return 0;
}

int wmain(int argc, wchar_t **argv)
{
	HMODULE dll = NULL, oleaut = NULL;
	get_class_fn get_class;
	can_unload_fn can_unload;
	IClassFactory *factory = NULL;
	IDispatch *d = NULL;
	void *none = NULL;
	CLSID clsid, wrong;
	HRESULT hr;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: comclient DLL CLSID TEXT\n");
		return 2;
	}
	oleaut = LoadLibraryW(L"oleaut32.dll");
	if (oleaut == NULL) {
		fprintf(stderr, "comclient: cannot load oleaut32.dll (error %lu)\n",
			GetLastError());
		goto out;
	}
	p_SysAllocString = (sysalloc_fn)(void (*)(void))GetProcAddress(oleaut, "SysAllocString");
	p_SysFreeString = (sysfree_fn)(void (*)(void))GetProcAddress(oleaut, "SysFreeString");
	p_VariantClear = (varclear_fn)(void (*)(void))GetProcAddress(oleaut, "VariantClear");
	if (p_SysAllocString == NULL || p_SysFreeString == NULL || p_VariantClear == NULL) {
		fprintf(stderr, "comclient: oleaut32.dll lacks SysAllocString/VariantClear\n");
		goto out;
	}
	if (parse_guid(argv[2], &clsid) != 0) {
		fprintf(stderr, "comclient: bad CLSID '%ls'\n", argv[2]);
		goto out;
	}
	dll = LoadLibraryW(argv[1]);
	if (dll == NULL) {
		fprintf(stderr, "comclient: cannot load '%ls' (error %lu)\n", argv[1],
			GetLastError());
		goto out;
	}
	get_class = (get_class_fn)(void (*)(void))GetProcAddress(dll, "DllGetClassObject");
	can_unload = (can_unload_fn)(void (*)(void))GetProcAddress(dll, "DllCanUnloadNow");
	if (get_class == NULL || can_unload == NULL) {
		fprintf(stderr, "comclient: no DllGetClassObject/DllCanUnloadNow in '%ls'\n",
			argv[1]);
		goto out;
	}
	printf("register=%s\n", GetProcAddress(dll, "DllRegisterServer") != NULL ? "yes" : "no");
	wrong = clsid;
	wrong.Data1 ^= 1;
	hr = get_class(&wrong, &iid_classfactory, &none);
	printf("wrong_clsid=%08lx\n", (unsigned long)hr);
	if (SUCCEEDED(hr) && none != NULL)
		IUnknown_Release((IUnknown *)none);

	hr = get_class(&clsid, &iid_classfactory, (void **)&factory);
	if (FAILED(hr)) {
		fprintf(stderr, "comclient: DllGetClassObject failed (%08lx)\n", (unsigned long)hr);
		goto out;
	}
	hr = IClassFactory_CreateInstance(factory, NULL, &iid_dispatch, (void **)&d);
	printf("unload_with_factory=%08lx\n", (unsigned long)can_unload());
	IClassFactory_Release(factory);
	factory = NULL;
	if (FAILED(hr)) {
		fprintf(stderr, "comclient: CreateInstance failed (%08lx)\n", (unsigned long)hr);
		goto out;
	}
	printf("unload_with_object=%08lx\n", (unsigned long)can_unload());
	if (call(d, "version", L"Version", DISPATCH_PROPERTYGET, NULL) != 0 ||
		call(d, "sign", L"Sign", DISPATCH_METHOD, argv[3]) != 0 ||
		call(d, "unknown", L"Verify", DISPATCH_METHOD, NULL) != 0)
		goto out;
	IDispatch_Release(d);
	d = NULL;
	printf("unload_after_release=%08lx\n", (unsigned long)can_unload());
	rc = 0;
out:
	if (d != NULL)
		IDispatch_Release(d);
	if (factory != NULL)
		IClassFactory_Release(factory);
	/* The DLL is not freed: a COM client unloads only through CoFreeUnusedLibraries. */
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
