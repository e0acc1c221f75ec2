/* SPDX-License-Identifier: MIT */
/*
 * cjp11.dll: the stand-in for the PKCS#11 module of the Changjiang UKEY control
 * (cj-ukey-control, packages/README.md), through which the UKEY's certificate is read. It
 * simulates one reader (slot 1) and its key with files in the folder `sim` next to the DLL:
 * `sim\token` inserts the key, `sim\locked` makes it one the driver cannot read
 * (C_OpenSession: CKR_TOKEN_NOT_RECOGNIZED), and every `sim\*.cer` (DER) is one certificate
 * object. It implements only what reading a certificate takes (C_Initialize, the slot and
 * token, serial sessions, C_FindObjects*, C_GetAttributeValue); every other function of the
 * list answers CKR_FUNCTION_NOT_SUPPORTED. No keys, no login, no signing.
 */
#define CRYPTOKI_EXPORTS /* p11-kit's header declares C_* dllimport otherwise (on _WIN32) */
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <p11-kit/pkcs11.h>

#define SLOT_ID 1
#define SLOT_DESCRIPTION "CJ UKEY reader (zhushou stand-in)"
#define MANUFACTURER "zhushou stand-in"
#define LIBRARY_DESCRIPTION "CJ UKEY PKCS#11 (stand-in)"
#define TOKEN_LABEL "CJ UKEY (stand-in)"
#define TOKEN_MODEL "CJ UKEY"
#define TOKEN_SERIAL "SIM0001"
#define MAX_SESSIONS 16
#define MAX_OBJECTS 64
#define MAX_CERT_BYTES (1024 * 1024)

/* A certificate object: one sim\*.cer file, read when the first session opens. */
struct object {
	CK_BYTE *value;
	CK_ULONG value_len;
	char *label; /* UTF-8, not terminated in what callers get */
	CK_ULONG label_len;
};

struct session {
	int open;
	int finding; /* between C_FindObjectsInit and C_FindObjectsFinal */
	CK_ULONG nfound, next;
	CK_OBJECT_HANDLE found[MAX_OBJECTS];
};

/* Set once by DllMain: the module's own handle, to find `sim` next to the DLL. */
static HMODULE g_module;

/*
 * Every implemented entry point holds this lock, so callers may use the module from several
 * threads whatever C_Initialize was told (CKF_OS_LOCKING_OK). Statically initialised: it
 * needs no teardown and survives C_Finalize holding nothing.
 */
static SRWLOCK g_lock = SRWLOCK_INIT;

/* Everything between C_Initialize and C_Finalize; C_Finalize frees it and zeroes it. */
static struct {
	int initialized;
	wchar_t *sim; /* the `sim` folder next to the DLL */
	struct session sessions[MAX_SESSIONS]; /* handle = index + 1 */
	CK_ULONG nsessions;
	struct object *objects; /* handle = index + 1, loaded while a session is open */
	CK_ULONG nobjects;
} g;

static const CK_OBJECT_CLASS class_certificate = CKO_CERTIFICATE;
static const CK_CERTIFICATE_TYPE certificate_x509 = CKC_X_509;
static const CK_BBOOL bool_true = CK_TRUE;
static const CK_BBOOL bool_false = CK_FALSE;

/* Blank-padded, not terminated: how PKCS#11 wants its fixed-size text fields. */
static void pad(CK_UTF8CHAR *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	memset(dst, ' ', size);
	memcpy(dst, s, n < size ? n : size);
}

/* g.sim + "\" + name, or NULL without memory; free() it. */
static wchar_t *sim_path(const wchar_t *name)
{
	size_t n = wcslen(g.sim) + 1 + wcslen(name) + 1;
	wchar_t *p = malloc(n * sizeof(*p));

	if (p != NULL) {
		wcscpy(p, g.sim);
		wcscat(p, L"\\");
		wcscat(p, name);
	}
	return p;
}

/* 1 when sim\name is a file (not a folder), 0 otherwise, -1 without memory. */
static int sim_file(const wchar_t *name)
{
	wchar_t *p = sim_path(name);
	DWORD attrs;

	if (p == NULL)
		return -1;
	attrs = GetFileAttributesW(p);
	free(p);
	return attrs != INVALID_FILE_ATTRIBUTES && (attrs & FILE_ATTRIBUTE_DIRECTORY) == 0;
}

/* CKR_OK and ret_present = whether the key is "inserted" (sim\token exists). */
static CK_RV token_present(int *ret_present)
{
	int r = sim_file(L"token");

	if (r < 0)
		return CKR_HOST_MEMORY;
	*ret_present = r;
	return CKR_OK;
}

/* The folder `sim` next to this DLL, from the module's own path (not the process's). */
static CK_RV find_sim(wchar_t **ret)
{
	wchar_t *path = NULL, *slash;
	DWORD size = MAX_PATH, n;
	CK_RV rv = CKR_GENERAL_ERROR;

	for (;;) {
		free(path);
		path = malloc((size + 5) * sizeof(*path)); /* room for "\sim" */
		if (path == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		n = GetModuleFileNameW(g_module, path, size);
		if (n == 0)
			goto out;
		if (n < size)
			break;
		/* Truncated (ERROR_INSUFFICIENT_BUFFER): paths go up to 32767 characters. */
		if (size >= 32768)
			goto out;
		size *= 2;
	}
	slash = wcsrchr(path, L'\\');
	if (slash == NULL)
		goto out;
	wcscpy(slash + 1, L"sim");
	*ret = path;
	path = NULL;
	rv = CKR_OK;
out:
	free(path);
	return rv;
}

static void objects_free(void)
{
	CK_ULONG i;

	for (i = 0; i < g.nobjects; i++) {
		free(g.objects[i].value);
		free(g.objects[i].label);
	}
	free(g.objects);
	g.objects = NULL;
	g.nobjects = 0;
}

/* Reads a whole file of at most MAX_CERT_BYTES into o->value. */
static CK_RV read_value(const wchar_t *path, struct object *o)
{
	HANDLE h;
	LARGE_INTEGER size;
	DWORD got;
	CK_RV rv = CKR_DEVICE_ERROR;

	h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
		NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		goto out;
	if (!GetFileSizeEx(h, &size) || size.QuadPart > MAX_CERT_BYTES)
		goto out;
	/* malloc(0) may answer NULL: an empty file is an empty value, so allocate one byte. */
	o->value = malloc((size_t)size.QuadPart + 1);
	if (o->value == NULL) {
		rv = CKR_HOST_MEMORY;
		goto out;
	}
	if (!ReadFile(h, o->value, (DWORD)size.QuadPart, &got, NULL) || got != size.QuadPart)
		goto out;
	o->value_len = (CK_ULONG)size.QuadPart;
	rv = CKR_OK;
out:
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	return rv;
}

/* The label: the file name without ".cer", in UTF-8. */
static CK_RV make_label(const wchar_t *name, size_t len, struct object *o)
{
	int n = 0;

	if (len > 0) {
		n = WideCharToMultiByte(CP_UTF8, 0, name, (int)len, NULL, 0, NULL, NULL);
		if (n <= 0)
			return CKR_DEVICE_ERROR;
	}
	o->label = malloc((size_t)n + 1);
	if (o->label == NULL)
		return CKR_HOST_MEMORY;
	if (n > 0 && WideCharToMultiByte(CP_UTF8, 0, name, (int)len, o->label, n, NULL, NULL) != n)
		return CKR_DEVICE_ERROR;
	o->label_len = (CK_ULONG)n;
	return CKR_OK;
}

static int by_label(const void *a, const void *b)
{
	const struct object *x = a, *y = b;
	CK_ULONG n = x->label_len < y->label_len ? x->label_len : y->label_len;
	int c = memcmp(x->label, y->label, n);

	if (c != 0)
		return c;
	return x->label_len < y->label_len ? -1 : x->label_len > y->label_len;
}

/*
 * One object per sim\*.cer file, sorted by label so that handles (1..N) do not depend on the
 * order the file system lists names in. A file that cannot be read makes the whole key
 * unreadable (CKR_DEVICE_ERROR), as a damaged key would be.
 */
static CK_RV objects_load(void)
{
	WIN32_FIND_DATAW fd;
	HANDLE find = INVALID_HANDLE_VALUE;
	wchar_t *pattern = NULL, *path = NULL;
	struct object *o;
	size_t len;
	CK_RV rv = CKR_HOST_MEMORY;

	g.objects = calloc(MAX_OBJECTS, sizeof(*g.objects));
	pattern = sim_path(L"*.cer");
	if (g.objects == NULL || pattern == NULL)
		goto out;
	find = FindFirstFileW(pattern, &fd);
	if (find == INVALID_HANDLE_VALUE) {
		rv = GetLastError() == ERROR_FILE_NOT_FOUND ? CKR_OK : CKR_DEVICE_ERROR;
		goto out;
	}
	do {
		/*
		 * "*.cer" also matches through 8.3 short names ("x.certificate" is X~1.CER):
		 * only names that really end in ".cer" count.
		 */
		len = wcslen(fd.cFileName);
		if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 || len < 4 ||
			_wcsicmp(fd.cFileName + len - 4, L".cer") != 0)
			continue;
		if (g.nobjects == MAX_OBJECTS) {
			rv = CKR_DEVICE_MEMORY;
			goto out;
		}
		o = &g.objects[g.nobjects++];
		free(path);
		path = sim_path(fd.cFileName);
		if (path == NULL) {
			rv = CKR_HOST_MEMORY;
			goto out;
		}
		rv = read_value(path, o);
		if (rv == CKR_OK)
			rv = make_label(fd.cFileName, len - 4, o);
		if (rv != CKR_OK)
			goto out;
	} while (FindNextFileW(find, &fd));
	rv = GetLastError() == ERROR_NO_MORE_FILES ? CKR_OK : CKR_DEVICE_ERROR;
out:
	if (find != INVALID_HANDLE_VALUE)
		FindClose(find);
	free(pattern);
	free(path);
	if (rv == CKR_OK)
		qsort(g.objects, g.nobjects, sizeof(*g.objects), by_label);
	else
		objects_free();
	return rv;
}

/* The object's attribute `type`: 0 and its bytes, or -1 when the object has no such one. */
static int attribute(const struct object *o, CK_ATTRIBUTE_TYPE type, const void **ret,
	CK_ULONG *ret_len)
{
	switch (type) {
	case CKA_CLASS:
		*ret = &class_certificate;
		*ret_len = sizeof(class_certificate);
		return 0;
	case CKA_CERTIFICATE_TYPE:
		*ret = &certificate_x509;
		*ret_len = sizeof(certificate_x509);
		return 0;
	case CKA_TOKEN:
		*ret = &bool_true;
		*ret_len = sizeof(bool_true);
		return 0;
	case CKA_PRIVATE: /* certificates are public objects: readable without a login */
		*ret = &bool_false;
		*ret_len = sizeof(bool_false);
		return 0;
	case CKA_VALUE:
		*ret = o->value;
		*ret_len = o->value_len;
		return 0;
	case CKA_LABEL:
		*ret = o->label;
		*ret_len = o->label_len;
		return 0;
	default:
		return -1;
	}
}

/*
 * Whether o has every attribute of the template with exactly that value: an attribute no
 * object has matches nothing (rather than failing C_FindObjectsInit).
 */
static int matches(const struct object *o, const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
	const void *v;
	CK_ULONG i, len;

	for (i = 0; i < n; i++) {
		if (attribute(o, tmpl[i].type, &v, &len) != 0 || len != tmpl[i].ulValueLen)
			return 0;
		if (len > 0 && (tmpl[i].pValue == NULL || memcmp(v, tmpl[i].pValue, len) != 0))
			return 0;
	}
	return 1;
}

static struct session *session_of(CK_SESSION_HANDLE h)
{
	if (h < 1 || h > MAX_SESSIONS || !g.sessions[h - 1].open)
		return NULL;
	return &g.sessions[h - 1];
}

static struct object *object_of(CK_OBJECT_HANDLE h)
{
	if (h < 1 || h > g.nobjects)
		return NULL;
	return &g.objects[h - 1];
}

CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
	CK_C_INITIALIZE_ARGS_PTR args = pInitArgs;
	int nmutex;
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (g.initialized) {
		rv = CKR_CRYPTOKI_ALREADY_INITIALIZED;
		goto out;
	}
	if (args != NULL) {
		nmutex = (args->CreateMutex != NULL) + (args->DestroyMutex != NULL) +
			(args->LockMutex != NULL) + (args->UnlockMutex != NULL);
		if (args->pReserved != NULL || (nmutex != 0 && nmutex != 4)) {
			rv = CKR_ARGUMENTS_BAD;
			goto out;
		}
		/* Only the OS's locks (g_lock): a caller requiring its own gets CKR_CANT_LOCK. */
		if (nmutex == 4 && (args->flags & CKF_OS_LOCKING_OK) == 0) {
			rv = CKR_CANT_LOCK;
			goto out;
		}
	}
	rv = find_sim(&g.sim);
	if (rv != CKR_OK)
		goto out;
	g.initialized = 1;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	if (pReserved != NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	objects_free();
	free(g.sim);
	memset(&g, 0, sizeof(g));
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	if (pInfo == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	memset(pInfo, 0, sizeof(*pInfo));
	pInfo->cryptokiVersion.major = 2;
	pInfo->cryptokiVersion.minor = 40;
	pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), MANUFACTURER);
	pad(pInfo->libraryDescription, sizeof(pInfo->libraryDescription), LIBRARY_DESCRIPTION);
	pInfo->libraryVersion.major = 2;
	pInfo->libraryVersion.minor = 1;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList, CK_ULONG_PTR pulCount)
{
	int present = 0;
	CK_ULONG n;
	CK_RV rv;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	if (pulCount == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = token_present(&present);
	if (rv != CKR_OK)
		goto out;
	n = !tokenPresent || present ? 1 : 0;
	if (pSlotList != NULL && *pulCount < n)
		rv = CKR_BUFFER_TOO_SMALL;
	else if (pSlotList != NULL && n == 1)
		pSlotList[0] = SLOT_ID;
	*pulCount = n;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

/* The checks every call about the slot makes first (the lock held), and whether a token is in. */
static CK_RV slot_call(CK_SLOT_ID slotID, const void *pInfo, int *present)
{
	if (!g.initialized)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	if (slotID != SLOT_ID)
		return CKR_SLOT_ID_INVALID;
	if (pInfo == NULL)
		return CKR_ARGUMENTS_BAD;
	return token_present(present);
}

CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
	int present = 0;
	CK_RV rv;

	AcquireSRWLockExclusive(&g_lock);
	if ((rv = slot_call(slotID, pInfo, &present)) != CKR_OK)
		goto out;
	memset(pInfo, 0, sizeof(*pInfo));
	pad(pInfo->slotDescription, sizeof(pInfo->slotDescription), SLOT_DESCRIPTION);
	pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), MANUFACTURER);
	pInfo->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | (present ? CKF_TOKEN_PRESENT : 0);
	pInfo->hardwareVersion.major = 2;
	pInfo->hardwareVersion.minor = 1;
	pInfo->firmwareVersion.major = 2;
	pInfo->firmwareVersion.minor = 1;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
	int present = 0;
	CK_RV rv;

	AcquireSRWLockExclusive(&g_lock);
	if ((rv = slot_call(slotID, pInfo, &present)) != CKR_OK)
		goto out;
	if (!present) {
		rv = CKR_TOKEN_NOT_PRESENT;
		goto out;
	}
	memset(pInfo, 0, sizeof(*pInfo));
	pad(pInfo->label, sizeof(pInfo->label), TOKEN_LABEL);
	pad(pInfo->manufacturerID, sizeof(pInfo->manufacturerID), MANUFACTURER);
	pad(pInfo->model, sizeof(pInfo->model), TOKEN_MODEL);
	pad(pInfo->serialNumber, sizeof(pInfo->serialNumber), TOKEN_SERIAL);
	pInfo->flags = CKF_TOKEN_INITIALIZED;
	pInfo->ulMaxSessionCount = MAX_SESSIONS;
	pInfo->ulSessionCount = g.nsessions;
	pInfo->ulMaxRwSessionCount = MAX_SESSIONS;
	pInfo->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
	pInfo->hardwareVersion.major = 2;
	pInfo->hardwareVersion.minor = 1;
	pInfo->firmwareVersion.major = 2;
	pInfo->firmwareVersion.minor = 1;
	pad(pInfo->utcTime, sizeof(pInfo->utcTime), ""); /* no CKF_CLOCK_ON_TOKEN */
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication, CK_NOTIFY Notify,
	CK_SESSION_HANDLE_PTR phSession)
{
	int present = 0, locked;
	CK_ULONG i;
	CK_RV rv;

	(void)pApplication; /* no callbacks: nothing here ever notifies */
	(void)Notify;
	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	if (slotID != SLOT_ID) {
		rv = CKR_SLOT_ID_INVALID;
		goto out;
	}
	if ((flags & CKF_SERIAL_SESSION) == 0) {
		rv = CKR_SESSION_PARALLEL_NOT_SUPPORTED;
		goto out;
	}
	if (phSession == NULL) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	rv = token_present(&present);
	if (rv != CKR_OK)
		goto out;
	if (!present) {
		rv = CKR_TOKEN_NOT_PRESENT;
		goto out;
	}
	locked = sim_file(L"locked");
	if (locked != 0) {
		rv = locked < 0 ? CKR_HOST_MEMORY : CKR_TOKEN_NOT_RECOGNIZED;
		goto out;
	}
	for (i = 0; i < MAX_SESSIONS && g.sessions[i].open; i++)
		;
	if (i == MAX_SESSIONS) {
		rv = CKR_SESSION_COUNT;
		goto out;
	}
	/*
	 * The key's objects are read when its first session opens, and stay until the last
	 * one closes, so that handles mean the same object in every session.
	 */
	if (g.nsessions == 0) {
		rv = objects_load();
		if (rv != CKR_OK)
			goto out;
	}
	memset(&g.sessions[i], 0, sizeof(g.sessions[i]));
	g.sessions[i].open = 1;
	g.nsessions++;
	*phSession = i + 1;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
	struct session *s;
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	s = session_of(hSession);
	if (s == NULL) {
		rv = CKR_SESSION_HANDLE_INVALID;
		goto out;
	}
	memset(s, 0, sizeof(*s));
	if (--g.nsessions == 0)
		objects_free();
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	struct session *s;
	CK_ULONG i;
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	s = session_of(hSession);
	if (s == NULL) {
		rv = CKR_SESSION_HANDLE_INVALID;
		goto out;
	}
	if (s->finding) {
		rv = CKR_OPERATION_ACTIVE;
		goto out;
	}
	if (pTemplate == NULL && ulCount > 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	s->nfound = 0;
	s->next = 0;
	for (i = 0; i < g.nobjects; i++)
		if (matches(&g.objects[i], pTemplate, ulCount))
			s->found[s->nfound++] = i + 1;
	s->finding = 1;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject,
	CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
	struct session *s;
	CK_ULONG n = 0;
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	s = session_of(hSession);
	if (s == NULL) {
		rv = CKR_SESSION_HANDLE_INVALID;
		goto out;
	}
	if (pulObjectCount == NULL || (phObject == NULL && ulMaxObjectCount > 0)) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	if (!s->finding) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	while (n < ulMaxObjectCount && s->next < s->nfound)
		phObject[n++] = s->found[s->next++];
	*pulObjectCount = n;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
	struct session *s;
	CK_RV rv = CKR_OK;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	s = session_of(hSession);
	if (s == NULL) {
		rv = CKR_SESSION_HANDLE_INVALID;
		goto out;
	}
	if (!s->finding) {
		rv = CKR_OPERATION_NOT_INITIALIZED;
		goto out;
	}
	s->finding = 0;
	s->nfound = 0;
	s->next = 0;
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

/*
 * PKCS#11 2.40 section 5.7 (C_GetAttributeValue), for each attribute of the template: one the
 * object does not have gets ulValueLen = CK_UNAVAILABLE_INFORMATION
 * (CKR_ATTRIBUTE_TYPE_INVALID); pValue NULL gets the exact length; a buffer that is large
 * enough gets the value and its length; a smaller one gets CK_UNAVAILABLE_INFORMATION
 * (CKR_BUFFER_TOO_SMALL). Every attribute is processed whatever the others gave, and the
 * call returns the first of those codes (the spec lets it return any of them). Nothing here
 * is sensitive.
 */
CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
	CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
	const struct object *o;
	const void *v;
	CK_ULONG i, len;
	CK_RV rv = CKR_OK, r;

	AcquireSRWLockExclusive(&g_lock);
	if (!g.initialized) {
		rv = CKR_CRYPTOKI_NOT_INITIALIZED;
		goto out;
	}
	if (session_of(hSession) == NULL) {
		rv = CKR_SESSION_HANDLE_INVALID;
		goto out;
	}
	o = object_of(hObject);
	if (o == NULL) {
		rv = CKR_OBJECT_HANDLE_INVALID;
		goto out;
	}
	if (pTemplate == NULL && ulCount > 0) {
		rv = CKR_ARGUMENTS_BAD;
		goto out;
	}
	for (i = 0; i < ulCount; i++) {
		r = CKR_OK;
		if (attribute(o, pTemplate[i].type, &v, &len) != 0) {
			pTemplate[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			r = CKR_ATTRIBUTE_TYPE_INVALID;
		} else if (pTemplate[i].pValue == NULL) {
			pTemplate[i].ulValueLen = len;
		} else if (pTemplate[i].ulValueLen >= len) {
			if (len > 0)
				memcpy(pTemplate[i].pValue, v, len);
			pTemplate[i].ulValueLen = len;
		} else {
			pTemplate[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
			r = CKR_BUFFER_TOO_SMALL;
		}
		if (rv == CKR_OK)
			rv = r;
	}
out:
	ReleaseSRWLockExclusive(&g_lock);
	return rv;
}

/*
 * Everything else: CKR_FUNCTION_NOT_SUPPORTED, each with its own signature so that the list
 * holds functions of exactly the types it declares (calling through a cast pointer would be
 * undefined). Their parameters are unused by design.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define UNSUPPORTED(name, params)                                                                  \
	static CK_RV unsupported_##name params                                                     \
	{                                                                                          \
		return CKR_FUNCTION_NOT_SUPPORTED;                                                 \
	}
UNSUPPORTED(GetMechanismList, (CK_SLOT_ID s, CK_MECHANISM_TYPE_PTR m, CK_ULONG_PTR n))
UNSUPPORTED(GetMechanismInfo, (CK_SLOT_ID s, CK_MECHANISM_TYPE t, CK_MECHANISM_INFO_PTR i))
UNSUPPORTED(InitToken, (CK_SLOT_ID s, CK_UTF8CHAR_PTR p, CK_ULONG n, CK_UTF8CHAR_PTR l))
UNSUPPORTED(InitPIN, (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR p, CK_ULONG n))
UNSUPPORTED(SetPIN,
	(CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR o, CK_ULONG on, CK_UTF8CHAR_PTR n, CK_ULONG nn))
UNSUPPORTED(CloseAllSessions, (CK_SLOT_ID s))
UNSUPPORTED(GetSessionInfo, (CK_SESSION_HANDLE s, CK_SESSION_INFO_PTR i))
UNSUPPORTED(GetOperationState, (CK_SESSION_HANDLE s, CK_BYTE_PTR p, CK_ULONG_PTR n))
UNSUPPORTED(SetOperationState,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR p, CK_ULONG n, CK_OBJECT_HANDLE e, CK_OBJECT_HANDLE a))
UNSUPPORTED(Login, (CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_UTF8CHAR_PTR p, CK_ULONG n))
UNSUPPORTED(Logout, (CK_SESSION_HANDLE s))
UNSUPPORTED(CreateObject,
	(CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR o))
UNSUPPORTED(CopyObject,
	(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n,
		CK_OBJECT_HANDLE_PTR r))
UNSUPPORTED(DestroyObject, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o))
UNSUPPORTED(GetObjectSize, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ULONG_PTR n))
UNSUPPORTED(SetAttributeValue,
	(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n))
UNSUPPORTED(EncryptInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(Encrypt,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR e, CK_ULONG_PTR en))
UNSUPPORTED(EncryptUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR e, CK_ULONG_PTR en))
UNSUPPORTED(EncryptFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR e, CK_ULONG_PTR en))
UNSUPPORTED(DecryptInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(Decrypt,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(DecryptUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(DecryptFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(DigestInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m))
UNSUPPORTED(Digest,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(DigestUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn))
UNSUPPORTED(DigestKey, (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE k))
UNSUPPORTED(DigestFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(SignInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(Sign, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(SignUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn))
UNSUPPORTED(SignFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(SignRecoverInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(SignRecover,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(VerifyInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(Verify, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR g, CK_ULONG gn))
UNSUPPORTED(VerifyUpdate, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn))
UNSUPPORTED(VerifyFinal, (CK_SESSION_HANDLE s, CK_BYTE_PTR g, CK_ULONG gn))
UNSUPPORTED(VerifyRecoverInit, (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k))
UNSUPPORTED(VerifyRecover,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR g, CK_ULONG gn, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(DigestEncryptUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR e, CK_ULONG_PTR en))
UNSUPPORTED(DecryptDigestUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(SignEncryptUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn, CK_BYTE_PTR e, CK_ULONG_PTR en))
UNSUPPORTED(DecryptVerifyUpdate,
	(CK_SESSION_HANDLE s, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR d, CK_ULONG_PTR dn))
UNSUPPORTED(GenerateKey,
	(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
		CK_OBJECT_HANDLE_PTR k))
UNSUPPORTED(GenerateKeyPair,
	(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt, CK_ULONG pn,
		CK_ATTRIBUTE_PTR vt, CK_ULONG vn, CK_OBJECT_HANDLE_PTR pk, CK_OBJECT_HANDLE_PTR vk))
UNSUPPORTED(WrapKey,
	(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE w, CK_OBJECT_HANDLE k,
		CK_BYTE_PTR r, CK_ULONG_PTR rn))
UNSUPPORTED(UnwrapKey,
	(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE u, CK_BYTE_PTR w, CK_ULONG wn,
		CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k))
UNSUPPORTED(DeriveKey,
	(CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE b, CK_ATTRIBUTE_PTR t,
		CK_ULONG n, CK_OBJECT_HANDLE_PTR k))
UNSUPPORTED(SeedRandom, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn))
UNSUPPORTED(GenerateRandom, (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG dn))
UNSUPPORTED(GetFunctionStatus, (CK_SESSION_HANDLE s))
UNSUPPORTED(CancelFunction, (CK_SESSION_HANDLE s))
UNSUPPORTED(WaitForSlotEvent, (CK_FLAGS f, CK_SLOT_ID_PTR s, CK_VOID_PTR r))
#pragma GCC diagnostic pop

static CK_FUNCTION_LIST function_list = {
	.version = {2, 40},
	.C_Initialize = C_Initialize,
	.C_Finalize = C_Finalize,
	.C_GetInfo = C_GetInfo,
	.C_GetFunctionList = C_GetFunctionList,
	.C_GetSlotList = C_GetSlotList,
	.C_GetSlotInfo = C_GetSlotInfo,
	.C_GetTokenInfo = C_GetTokenInfo,
	.C_GetMechanismList = unsupported_GetMechanismList,
	.C_GetMechanismInfo = unsupported_GetMechanismInfo,
	.C_InitToken = unsupported_InitToken,
	.C_InitPIN = unsupported_InitPIN,
	.C_SetPIN = unsupported_SetPIN,
	.C_OpenSession = C_OpenSession,
	.C_CloseSession = C_CloseSession,
	.C_CloseAllSessions = unsupported_CloseAllSessions,
	.C_GetSessionInfo = unsupported_GetSessionInfo,
	.C_GetOperationState = unsupported_GetOperationState,
	.C_SetOperationState = unsupported_SetOperationState,
	.C_Login = unsupported_Login,
	.C_Logout = unsupported_Logout,
	.C_CreateObject = unsupported_CreateObject,
	.C_CopyObject = unsupported_CopyObject,
	.C_DestroyObject = unsupported_DestroyObject,
	.C_GetObjectSize = unsupported_GetObjectSize,
	.C_GetAttributeValue = C_GetAttributeValue,
	.C_SetAttributeValue = unsupported_SetAttributeValue,
	.C_FindObjectsInit = C_FindObjectsInit,
	.C_FindObjects = C_FindObjects,
	.C_FindObjectsFinal = C_FindObjectsFinal,
	.C_EncryptInit = unsupported_EncryptInit,
	.C_Encrypt = unsupported_Encrypt,
	.C_EncryptUpdate = unsupported_EncryptUpdate,
	.C_EncryptFinal = unsupported_EncryptFinal,
	.C_DecryptInit = unsupported_DecryptInit,
	.C_Decrypt = unsupported_Decrypt,
	.C_DecryptUpdate = unsupported_DecryptUpdate,
	.C_DecryptFinal = unsupported_DecryptFinal,
	.C_DigestInit = unsupported_DigestInit,
	.C_Digest = unsupported_Digest,
	.C_DigestUpdate = unsupported_DigestUpdate,
	.C_DigestKey = unsupported_DigestKey,
	.C_DigestFinal = unsupported_DigestFinal,
	.C_SignInit = unsupported_SignInit,
	.C_Sign = unsupported_Sign,
	.C_SignUpdate = unsupported_SignUpdate,
	.C_SignFinal = unsupported_SignFinal,
	.C_SignRecoverInit = unsupported_SignRecoverInit,
	.C_SignRecover = unsupported_SignRecover,
	.C_VerifyInit = unsupported_VerifyInit,
	.C_Verify = unsupported_Verify,
	.C_VerifyUpdate = unsupported_VerifyUpdate,
	.C_VerifyFinal = unsupported_VerifyFinal,
	.C_VerifyRecoverInit = unsupported_VerifyRecoverInit,
	.C_VerifyRecover = unsupported_VerifyRecover,
	.C_DigestEncryptUpdate = unsupported_DigestEncryptUpdate,
	.C_DecryptDigestUpdate = unsupported_DecryptDigestUpdate,
	.C_SignEncryptUpdate = unsupported_SignEncryptUpdate,
	.C_DecryptVerifyUpdate = unsupported_DecryptVerifyUpdate,
	.C_GenerateKey = unsupported_GenerateKey,
	.C_GenerateKeyPair = unsupported_GenerateKeyPair,
	.C_WrapKey = unsupported_WrapKey,
	.C_UnwrapKey = unsupported_UnwrapKey,
	.C_DeriveKey = unsupported_DeriveKey,
	.C_SeedRandom = unsupported_SeedRandom,
	.C_GenerateRandom = unsupported_GenerateRandom,
	.C_GetFunctionStatus = unsupported_GetFunctionStatus,
	.C_CancelFunction = unsupported_CancelFunction,
	.C_WaitForSlotEvent = unsupported_WaitForSlotEvent,
};

/* The one function a caller may use before C_Initialize. */
CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
	if (ppFunctionList == NULL)
		return CKR_ARGUMENTS_BAD;
	*ppFunctionList = &function_list;
	return CKR_OK;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved)
{
	(void)reserved;
	if (reason == DLL_PROCESS_ATTACH) {
		g_module = inst;
		DisableThreadLibraryCalls(inst);
	}
	return TRUE;
}
