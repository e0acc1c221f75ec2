/* SPDX-License-Identifier: MIT */
/*
 * p11list MODULE.dll: read a UKEY through a PKCS#11 module the way zhushou's check does
 * (LoadLibraryW, C_GetFunctionList, C_Initialize, C_GetSlotList(present), C_GetTokenInfo,
 * C_OpenSession, find CKO_CERTIFICATE, C_GetAttributeValue(CKA_VALUE, CKA_LABEL) in two
 * calls, close, C_Finalize). Prints "slot: DESCRIPTION", "token: LABEL SERIAL", then
 * "cert: LABEL SHA1" per certificate (CryptoAPI), and exits 0; "no token" exits 2;
 * "error: FUNCTION 0xCKR" exits 1.
 * p11list --protocol MODULE.dll instead asks the module the edge cases of the spec (calls
 * before C_Initialize, twice, bad handles, the length protocol of C_GetAttributeValue,
 * C_Finalize then C_Initialize again) and prints one "key=value" per answer, for
 * test_standins.sh. Builds with the default libraries (lib.sh); pkcs11.h is p11-kit's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>
#include <p11-kit/pkcs11.h>

#define MAX_CERTS 64

static CK_FUNCTION_LIST_PTR f;
static const char *failed_fn;
static CK_RV failed_rv;

/* Remembers the first failing call; true when rv is CKR_OK. */
static int ok(const char *fn, CK_RV rv)
{
	if (rv != CKR_OK && failed_fn == NULL) {
		failed_fn = fn;
		failed_rv = rv;
	}
	return rv == CKR_OK;
}

/* A blank-padded PKCS#11 text field, blanks removed, as a C string in buf. */
static const char *text(char *buf, const CK_UTF8CHAR *field, size_t n)
{
	while (n > 0 && (field[n - 1] == ' ' || field[n - 1] == '\0'))
		n--;
	memcpy(buf, field, n);
	buf[n] = '\0';
	return buf;
}

/* The lower-case hex SHA-1 of data into hex (41 bytes), with CryptoAPI. */
static int sha1_hex(const void *data, DWORD len, char *hex)
{
	HCRYPTPROV prov = 0;
	HCRYPTHASH hash = 0;
	BYTE digest[20];
	DWORD n = sizeof(digest), i;
	int r = -1;

	if (!CryptAcquireContextW(&prov, NULL, NULL, PROV_RSA_FULL, CRYPT_VERIFYCONTEXT) ||
		!CryptCreateHash(prov, CALG_SHA1, 0, 0, &hash) ||
		!CryptHashData(hash, data, len, 0) ||
		!CryptGetHashParam(hash, HP_HASHVAL, digest, &n, 0) || n != sizeof(digest))
		goto out;
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	r = 0;
out:
	if (hash != 0)
		CryptDestroyHash(hash);
	if (prov != 0)
		CryptReleaseContext(prov, 0);
	return r;
}

/* CKA_VALUE and CKA_LABEL of one certificate: lengths first, then the values. */
static int print_cert(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o)
{
	CK_ATTRIBUTE a[2] = {{CKA_VALUE, NULL, 0}, {CKA_LABEL, NULL, 0}};
	char hex[41];
	int r = -1;

	if (!ok("C_GetAttributeValue", f->C_GetAttributeValue(s, o, a, 2)))
		goto out;
	a[0].pValue = malloc(a[0].ulValueLen + 1);
	a[1].pValue = malloc(a[1].ulValueLen + 1);
	if (a[0].pValue == NULL || a[1].pValue == NULL) {
		ok("malloc", CKR_HOST_MEMORY);
		goto out;
	}
	if (!ok("C_GetAttributeValue", f->C_GetAttributeValue(s, o, a, 2)))
		goto out;
	((char *)a[1].pValue)[a[1].ulValueLen] = '\0';
	if (sha1_hex(a[0].pValue, a[0].ulValueLen, hex) != 0) {
		ok("CryptHashData", GetLastError());
		goto out;
	}
	printf("cert: %s %s\n", (char *)a[1].pValue, hex);
	r = 0;
out:
	free(a[0].pValue);
	free(a[1].pValue);
	return r;
}

/* The normal read; returns the exit code. */
static int list(void)
{
	CK_SLOT_ID slots[16];
	CK_ULONG nslots = 16, nfound = 0, n, i;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl[1] = {{CKA_CLASS, &cls, sizeof(cls)}};
	CK_OBJECT_HANDLE found[MAX_CERTS];
	char a[65], b[33];
	CK_RV rv;
	int initialized = 0, finding = 0, rc = 1;

	if (!ok("C_Initialize", f->C_Initialize(NULL)))
		goto out;
	initialized = 1;
	if (!ok("C_GetSlotList", f->C_GetSlotList(CK_TRUE, slots, &nslots)))
		goto out;
	if (nslots == 0) {
		printf("no token\n");
		rc = 2;
		goto out;
	}
	if (!ok("C_GetSlotInfo", f->C_GetSlotInfo(slots[0], &si)) ||
		!ok("C_GetTokenInfo", f->C_GetTokenInfo(slots[0], &ti)))
		goto out;
	printf("slot: %s\n", text(a, si.slotDescription, sizeof(si.slotDescription)));
	printf("token: %s ", text(b, ti.label, sizeof(ti.label)));
	printf("%s\n", text(b, ti.serialNumber, sizeof(ti.serialNumber)));
	if (!ok("C_OpenSession", f->C_OpenSession(slots[0], CKF_SERIAL_SESSION, NULL, NULL, &s)) ||
		!ok("C_FindObjectsInit", f->C_FindObjectsInit(s, tmpl, 1)))
		goto out;
	finding = 1;
	/* Two at a time, so that a module that hands out more than asked is caught. */
	do {
		n = 0;
		if (!ok("C_FindObjects", f->C_FindObjects(s, found + nfound, 2, &n)))
			goto out;
		if (n > 2 || nfound + n > MAX_CERTS) {
			ok("C_FindObjects", CKR_GENERAL_ERROR);
			goto out;
		}
		nfound += n;
	} while (n > 0);
	finding = 0;
	if (!ok("C_FindObjectsFinal", f->C_FindObjectsFinal(s)))
		goto out;
	for (i = 0; i < nfound; i++)
		if (print_cert(s, found[i]) != 0)
			goto out;
	rv = f->C_CloseSession(s);
	s = CK_INVALID_HANDLE;
	if (!ok("C_CloseSession", rv))
		goto out;
	initialized = 0;
	if (!ok("C_Finalize", f->C_Finalize(NULL)))
		goto out;
	rc = 0;
out:
	if (finding)
		(void)f->C_FindObjectsFinal(s);
	if (s != CK_INVALID_HANDLE)
		(void)f->C_CloseSession(s);
	if (initialized && !ok("C_Finalize", f->C_Finalize(NULL)))
		rc = 1;
	if (failed_fn != NULL) {
		printf("error: %s 0x%lx\n", failed_fn, (unsigned long)failed_rv);
		rc = 1;
	}
	return rc;
}

static void fact(const char *key, CK_RV rv)
{
	printf("%s=0x%lx\n", key, (unsigned long)rv);
}

/* The first certificate's CKA_VALUE length must be known (sim\*.cer) for the buffer cases. */
static int protocol(void)
{
	CK_ULONG n = 0;
	CK_SLOT_ID slot = 0;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE o = CK_INVALID_HANDLE;
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl[1] = {{CKA_CLASS, &cls, sizeof(cls)}};
	CK_ATTRIBUTE a[3];
	CK_TOKEN_INFO ti;
	unsigned char small[4], *big = NULL;
	CK_ULONG bigsize;

	fact("before_init.slots", f->C_GetSlotList(CK_TRUE, NULL, &n));
	fact("before_init.session", f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s));
	fact("before_init.finalize", f->C_Finalize(NULL));
	fact("init", f->C_Initialize(NULL));
	fact("init_again", f->C_Initialize(NULL));
	fact("slots_all.rv", f->C_GetSlotList(CK_FALSE, NULL, &n));
	printf("slots_all.count=%lu\n", (unsigned long)n);
	n = 0;
	fact("slots_small", f->C_GetSlotList(CK_FALSE, &slot, &n));
	printf("slots_small.count=%lu\n", (unsigned long)n);
	fact("token_bad_slot", f->C_GetTokenInfo(7, &ti));
	fact("session_parallel", f->C_OpenSession(1, 0, NULL, NULL, &s));
	fact("session", f->C_OpenSession(1, CKF_SERIAL_SESSION, NULL, NULL, &s));
	fact("find_bad_session", f->C_FindObjectsInit(s + 100, tmpl, 1));
	fact("find_not_init", f->C_FindObjects(s, &o, 1, &n));
	fact("find_init", f->C_FindObjectsInit(s, tmpl, 1));
	fact("find_init_again", f->C_FindObjectsInit(s, tmpl, 1));
	n = 0;
	fact("find", f->C_FindObjects(s, &o, 1, &n));
	printf("find.first=%lu\n", (unsigned long)o);
	fact("find_final", f->C_FindObjectsFinal(s));
	fact("find_final_again", f->C_FindObjectsFinal(s));
	/* Length only; a buffer too small; an unknown attribute; all in one call too. */
	a[0] = (CK_ATTRIBUTE){CKA_VALUE, NULL, 12345};
	fact("attr_len.rv", f->C_GetAttributeValue(s, o, a, 1));
	printf("attr_len.len=%lu\n", (unsigned long)a[0].ulValueLen);
	bigsize = a[0].ulValueLen + 16;
	big = malloc(bigsize);
	a[0] = (CK_ATTRIBUTE){CKA_VALUE, small, sizeof(small)};
	fact("attr_small.rv", f->C_GetAttributeValue(s, o, a, 1));
	printf("attr_small.len=0x%lx\n", (unsigned long)a[0].ulValueLen);
	a[0] = (CK_ATTRIBUTE){CKA_MODULUS, NULL, 0};
	fact("attr_unknown.rv", f->C_GetAttributeValue(s, o, a, 1));
	printf("attr_unknown.len=0x%lx\n", (unsigned long)a[0].ulValueLen);
	a[0] = (CK_ATTRIBUTE){CKA_MODULUS, NULL, 0};
	a[1] = (CK_ATTRIBUTE){CKA_VALUE, big, big != NULL ? bigsize : 0};
	a[2] = (CK_ATTRIBUTE){CKA_CLASS, small, sizeof(small)};
	fact("attr_mixed.rv", f->C_GetAttributeValue(s, o, a, 3));
	printf("attr_mixed.lens=0x%lx %lu %lu\n", (unsigned long)a[0].ulValueLen,
		(unsigned long)a[1].ulValueLen, (unsigned long)a[2].ulValueLen);
	printf("attr_mixed.class=%lu\n", (unsigned long)*(CK_OBJECT_CLASS *)small);
	fact("attr_bad_object", f->C_GetAttributeValue(s, o + 100, a, 1));
	fact("unsupported_login", f->C_Login(s, CKU_USER, NULL, 0));
	fact("close", f->C_CloseSession(s));
	fact("close_again", f->C_CloseSession(s));
	fact("finalize_reserved", f->C_Finalize(&n));
	fact("finalize", f->C_Finalize(NULL));
	fact("finalize_again", f->C_Finalize(NULL));
	fact("reinit", f->C_Initialize(NULL));
	/* Nothing of the first initialisation is left: its session is gone. */
	fact("reinit.old_session", f->C_CloseSession(s));
	fact("reinit.finalize", f->C_Finalize(NULL));
	free(big);
	return 0;
}

int wmain(int argc, wchar_t **argv)
{
	CK_C_GetFunctionList get_list;
	HMODULE m;
	int prot = argc == 3 && wcscmp(argv[1], L"--protocol") == 0;

	if (argc != 2 && !prot) {
		fprintf(stderr, "usage: p11list [--protocol] MODULE.dll\n");
		return 1;
	}
	m = LoadLibraryW(argv[argc - 1]);
	if (m == NULL) {
		printf("error: LoadLibraryW 0x%lx\n", GetLastError());
		return 1;
	}
	get_list = (CK_C_GetFunctionList)(void (*)(void))GetProcAddress(m, "C_GetFunctionList");
	if (get_list == NULL) {
		printf("error: GetProcAddress 0x%lx\n", GetLastError());
		return 1;
	}
	if (!ok("C_GetFunctionList", get_list(&f)))
		printf("error: %s 0x%lx\n", failed_fn, (unsigned long)failed_rv);
	if (failed_fn != NULL)
		return 1;
	return prot ? protocol() : list();
}
