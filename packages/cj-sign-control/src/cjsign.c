/* SPDX-License-Identifier: MIT */
/*
 * cjsign.dll: the stand-in for the Changjiang Pension signing control (cj-sign-control,
 * packages/README.md), an in-process COM server that Internet Explorer creates as an ActiveX
 * control (CLSID {6F1C2A8E-3B7D-4C59-9E1A-0C4D2B8F7A61}, ProgID CJPension.SignCtrl.1). Its
 * object implements IDispatch by hand, without a type library: `Version` (DISPID 1) and
 * `Sign(text)` (DISPID 2), which returns "stand-in:" and the SHA-256 of the UTF-8 text in hex
 * (BCrypt), not a signature: there is no UKEY behind it. It registers nothing itself (no
 * DllRegisterServer): the installer writes its registry keys, as MSI does.
 */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <bcrypt.h>
#include <wchar.h>

#define CTRL_VERSION L"1.0.0.60"
#define DISPID_VERSION 1
#define DISPID_SIGN 2
#define SIGN_PREFIX L"stand-in:"

static const CLSID CLSID_SignCtrl = {0x6f1c2a8e, 0x3b7d, 0x4c59,
	{0x9e, 0x1a, 0x0c, 0x4d, 0x2b, 0x8f, 0x7a, 0x61}};

/* Live objects and LockServer(TRUE) calls plus factory references: the DLL stays while > 0. */
static volatile LONG g_objects;
static volatile LONG g_locks;

struct signctrl {
	IDispatch iface; /* first: an IDispatch * is a struct signctrl * */
	volatile LONG refs;
};

static struct signctrl *impl(IDispatch *d)
{
	return (struct signctrl *)d;
}

static HRESULT STDMETHODCALLTYPE ctrl_query(IDispatch *d, REFIID riid, void **ret)
{
	if (ret == NULL)
		return E_POINTER;
	if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)) {
		*ret = d;
		IDispatch_AddRef(d);
		return S_OK;
	}
	*ret = NULL;
	return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE ctrl_addref(IDispatch *d)
{
	return (ULONG)InterlockedIncrement(&impl(d)->refs);
}

static ULONG STDMETHODCALLTYPE ctrl_release(IDispatch *d)
{
	struct signctrl *c = impl(d);
	LONG n = InterlockedDecrement(&c->refs);

	if (n == 0) {
		HeapFree(GetProcessHeap(), 0, c);
		InterlockedDecrement(&g_objects);
	}
	return (ULONG)n;
}

static HRESULT STDMETHODCALLTYPE ctrl_typeinfo_count(IDispatch *d, UINT *ret)
{
	(void)d;
	if (ret == NULL)
		return E_POINTER;
	*ret = 0; /* no type library: callers use GetIDsOfNames */
	return S_OK;
}

static HRESULT STDMETHODCALLTYPE ctrl_typeinfo(IDispatch *d, UINT n, LCID lcid, ITypeInfo **ret)
{
	(void)d;
	(void)n;
	(void)lcid;
	if (ret == NULL)
		return E_POINTER;
	*ret = NULL;
	return DISP_E_BADINDEX;
}

static HRESULT STDMETHODCALLTYPE ctrl_ids(IDispatch *d, REFIID riid, LPOLESTR *names, UINT n,
	LCID lcid, DISPID *ret)
{
	HRESULT hr = S_OK;
	UINT i;

	(void)d;
	(void)lcid;
	if (!IsEqualIID(riid, &IID_NULL))
		return DISP_E_UNKNOWNINTERFACE;
	if (names == NULL || ret == NULL)
		return E_POINTER;
	if (n == 0)
		return S_OK;
	/* Names are case-insensitive in Automation (JScript passes them as written). */
	if (names[0] != NULL && _wcsicmp(names[0], L"Version") == 0) {
		ret[0] = DISPID_VERSION;
	} else if (names[0] != NULL && _wcsicmp(names[0], L"Sign") == 0) {
		ret[0] = DISPID_SIGN;
	} else {
		ret[0] = DISPID_UNKNOWN;
		hr = DISP_E_UNKNOWNNAME;
	}
	/* The other names are parameter names, and no parameter has one. */
	for (i = 1; i < n; i++) {
		ret[i] = DISPID_UNKNOWN;
		hr = DISP_E_UNKNOWNNAME;
	}
	return hr;
}

/* "stand-in:" + the lower-case hex SHA-256 of the UTF-8 of text (len UTF-16 units). */
static HRESULT sign_text(const wchar_t *text, UINT len, BSTR *ret)
{
	static const wchar_t hex[] = L"0123456789abcdef";
	BCRYPT_ALG_HANDLE alg = NULL;
	BCRYPT_HASH_HANDLE hash = NULL;
	unsigned char digest[32];
	char *utf8 = NULL;
	int n = 0;
	BSTR s = NULL;
	wchar_t *p;
	NTSTATUS st;
	HRESULT hr = E_FAIL;
	size_t i;

	if (len > 0) {
		/* Unpaired surrogates have no UTF-8: refuse them rather than hash U+FFFD. */
		n = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text, (int)len, NULL, 0,
			NULL, NULL);
		if (n <= 0) {
			hr = E_INVALIDARG;
			goto out;
		}
		utf8 = HeapAlloc(GetProcessHeap(), 0, (SIZE_T)n);
		if (utf8 == NULL) {
			hr = E_OUTOFMEMORY;
			goto out;
		}
		if (WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text, (int)len, utf8, n,
			    NULL, NULL) != n) {
			hr = HRESULT_FROM_WIN32(GetLastError());
			goto out;
		}
	}
	st = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, 0);
	if (BCRYPT_SUCCESS(st))
		st = BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0);
	if (BCRYPT_SUCCESS(st) && n > 0)
		st = BCryptHashData(hash, (PUCHAR)utf8, (ULONG)n, 0);
	if (BCRYPT_SUCCESS(st))
		st = BCryptFinishHash(hash, digest, sizeof(digest), 0);
	if (!BCRYPT_SUCCESS(st)) {
		hr = HRESULT_FROM_NT(st);
		goto out;
	}
	s = SysAllocStringLen(NULL, (UINT)(wcslen(SIGN_PREFIX) + 2 * sizeof(digest)));
	if (s == NULL) {
		hr = E_OUTOFMEMORY;
		goto out;
	}
	wcscpy(s, SIGN_PREFIX);
	p = s + wcslen(SIGN_PREFIX);
	for (i = 0; i < sizeof(digest); i++) {
		*p++ = hex[digest[i] >> 4];
		*p++ = hex[digest[i] & 15];
	}
	*p = L'\0';
	*ret = s;
	s = NULL;
	hr = S_OK;
out:
	SysFreeString(s);
	if (hash != NULL)
		BCryptDestroyHash(hash);
	if (alg != NULL)
		BCryptCloseAlgorithmProvider(alg, 0);
	if (utf8 != NULL)
		HeapFree(GetProcessHeap(), 0, utf8);
	return hr;
}

static HRESULT STDMETHODCALLTYPE ctrl_invoke(IDispatch *d, DISPID id, REFIID riid, LCID lcid,
	WORD flags, DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
	VARIANT arg;
	BSTR out = NULL;
	HRESULT hr;

	(void)d;
	(void)lcid;
	(void)excep;
	if (!IsEqualIID(riid, &IID_NULL))
		return DISP_E_UNKNOWNINTERFACE;
	if (params == NULL)
		return E_INVALIDARG;
	if (params->cNamedArgs != 0)
		return DISP_E_NONAMEDARGS;
	switch (id) {
	case DISPID_VERSION:
		if ((flags & (DISPATCH_PROPERTYGET | DISPATCH_METHOD)) == 0)
			return DISP_E_MEMBERNOTFOUND;
		if (params->cArgs != 0)
			return DISP_E_BADPARAMCOUNT;
		out = SysAllocString(CTRL_VERSION);
		if (out == NULL)
			return E_OUTOFMEMORY;
		break;
	case DISPID_SIGN:
		if ((flags & DISPATCH_METHOD) == 0)
			return DISP_E_MEMBERNOTFOUND;
		if (params->cArgs != 1)
			return DISP_E_BADPARAMCOUNT;
		/* Any argument a script may pass (a number, a by-reference string) as a BSTR. */
		VariantInit(&arg);
		hr = VariantChangeType(&arg, &params->rgvarg[0], 0, VT_BSTR);
		if (FAILED(hr)) {
			if (arg_err != NULL)
				*arg_err = 0;
			return DISP_E_TYPEMISMATCH;
		}
		hr = sign_text(V_BSTR(&arg), SysStringLen(V_BSTR(&arg)), &out);
		VariantClear(&arg);
		if (FAILED(hr))
			return hr;
		break;
	default:
		return DISP_E_MEMBERNOTFOUND;
	}
	if (result == NULL) {
		SysFreeString(out);
		return S_OK;
	}
	VariantInit(result);
	V_VT(result) = VT_BSTR;
	V_BSTR(result) = out;
	return S_OK;
}

static IDispatchVtbl ctrl_vtbl = {
	ctrl_query,
	ctrl_addref,
	ctrl_release,
	ctrl_typeinfo_count,
	ctrl_typeinfo,
	ctrl_ids,
	ctrl_invoke,
};

/*
 * The class factory is one static object: its references count as module locks, so the DLL
 * is not unloaded while someone holds the factory.
 */
static HRESULT STDMETHODCALLTYPE factory_query(IClassFactory *f, REFIID riid, void **ret)
{
	if (ret == NULL)
		return E_POINTER;
	if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory)) {
		*ret = f;
		IClassFactory_AddRef(f);
		return S_OK;
	}
	*ret = NULL;
	return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE factory_addref(IClassFactory *f)
{
	(void)f;
	return (ULONG)InterlockedIncrement(&g_locks);
}

static ULONG STDMETHODCALLTYPE factory_release(IClassFactory *f)
{
	(void)f;
	return (ULONG)InterlockedDecrement(&g_locks);
}

static HRESULT STDMETHODCALLTYPE factory_create(IClassFactory *f, IUnknown *outer, REFIID riid,
	void **ret)
{
	struct signctrl *c;
	HRESULT hr;

	(void)f;
	if (ret == NULL)
		return E_POINTER;
	*ret = NULL;
	if (outer != NULL)
		return CLASS_E_NOAGGREGATION;
	c = HeapAlloc(GetProcessHeap(), 0, sizeof(*c));
	if (c == NULL)
		return E_OUTOFMEMORY;
	c->iface.lpVtbl = &ctrl_vtbl;
	c->refs = 1;
	InterlockedIncrement(&g_objects);
	/* The query takes its own reference; the release drops ours (and c, if it failed). */
	hr = IDispatch_QueryInterface(&c->iface, riid, ret);
	IDispatch_Release(&c->iface);
	return hr;
}

static HRESULT STDMETHODCALLTYPE factory_lock(IClassFactory *f, BOOL lock)
{
	(void)f;
	if (lock)
		InterlockedIncrement(&g_locks);
	else
		InterlockedDecrement(&g_locks);
	return S_OK;
}

static IClassFactoryVtbl factory_vtbl = {
	factory_query,
	factory_addref,
	factory_release,
	factory_create,
	factory_lock,
};

static IClassFactory factory = {&factory_vtbl};

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **ret)
{
	if (ret == NULL)
		return E_POINTER;
	*ret = NULL;
	if (!IsEqualCLSID(clsid, &CLSID_SignCtrl))
		return CLASS_E_CLASSNOTAVAILABLE;
	return IClassFactory_QueryInterface(&factory, riid, ret);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
	return InterlockedCompareExchange(&g_objects, 0, 0) == 0 &&
			InterlockedCompareExchange(&g_locks, 0, 0) == 0
		? S_OK
		: S_FALSE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH)
		DisableThreadLibraryCalls(inst);
	return TRUE;
}
