/* SPDX-License-Identifier: MIT */
/*
 * certadd: adds a DER certificate to a system store, or removes it, as a test's setup step
 * (the product has its own code for this; the harness must not depend on it).
 *
 *   certadd [--remove | --key-provider PROVIDER] LocalMachine|CurrentUser STORE FILE.der
 *
 * --key-provider links the added certificate to a private key in PROVIDER (a CSP or a CNG key
 * storage provider, container "zhushou-test"), as a smart card's certificate in MY is: only
 * the CERT_KEY_PROV_INFO_PROP_ID property, no key is made.
 * The store is closed explicitly: Wine writes a registry-backed store only when it is closed
 * or committed (WINE.md "Certificates"), so a process that just exits would lose the add.
 * Exit status: 0 done, 1 failed, 2 usage error.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* The store's own copy of CERT, matched by SHA-1 while enumerating: what certlist sees. */
static PCCERT_CONTEXT find_same(HCERTSTORE store, PCCERT_CONTEXT cert)
{
	BYTE want[20], have[20];
	DWORD len = sizeof(want);
	PCCERT_CONTEXT c = NULL;

	if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, want, &len))
		return NULL;
	while ((c = CertEnumCertificatesInStore(store, c)) != NULL) {
		len = sizeof(have);
		if (CertGetCertificateContextProperty(c, CERT_SHA1_HASH_PROP_ID, have, &len) &&
			memcmp(want, have, sizeof(want)) == 0)
			return c;
	}
	return NULL;
}

int wmain(int argc, wchar_t **argv)
{
	int i = 1, remove = 0, rc = 1;
	const wchar_t *provider = NULL;
	PCCERT_CONTEXT added = NULL;
	DWORD location, size, got;
	HANDLE f;
	BYTE *der = NULL;
	HCERTSTORE store = NULL;
	PCCERT_CONTEXT cert = NULL, found = NULL;

	if (i < argc && wcscmp(argv[i], L"--remove") == 0) {
		remove = 1;
		i++;
	} else if (i + 1 < argc && wcscmp(argv[i], L"--key-provider") == 0) {
		provider = argv[i + 1];
		i += 2;
	}
	if (argc - i != 3) {
		fprintf(stderr,
			"usage: certadd [--remove | --key-provider PROVIDER] "
			"LocalMachine|CurrentUser "
			"STORE FILE.der\n");
		return 2;
	}
	if (_wcsicmp(argv[i], L"LocalMachine") == 0)
		location = CERT_SYSTEM_STORE_LOCAL_MACHINE;
	else if (_wcsicmp(argv[i], L"CurrentUser") == 0)
		location = CERT_SYSTEM_STORE_CURRENT_USER;
	else {
		fprintf(stderr, "certadd: unknown location '%ls'\n", argv[i]);
		return 2;
	}

	f = CreateFileW(argv[i + 2], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
	if (f == INVALID_HANDLE_VALUE) {
		fprintf(stderr, "certadd: cannot open '%ls': error %lu\n", argv[i + 2],
			GetLastError());
		return 1;
	}
	size = GetFileSize(f, NULL);
	der = HeapAlloc(GetProcessHeap(), 0, size ? size : 1);
	if (!ReadFile(f, der, size, &got, NULL) || got != size) {
		fprintf(stderr, "certadd: cannot read '%ls'\n", argv[i + 2]);
		goto out;
	}
	cert = CertCreateCertificateContext(X509_ASN_ENCODING, der, size);
	if (!cert) {
		fprintf(stderr, "certadd: '%ls' is not a DER certificate\n", argv[i + 2]);
		goto out;
	}
	store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location, argv[i + 1]);
	if (!store) {
		fprintf(stderr, "certadd: cannot open store '%ls': error %lu\n", argv[i + 1],
			GetLastError());
		goto out;
	}
	if (remove) {
		found = find_same(store, cert);
		if (!found) {
			fprintf(stderr, "certadd: not in the store\n");
			goto out;
		}
		/* CertDeleteCertificateFromStore frees the context it is given. */
		if (!CertDeleteCertificateFromStore(found)) {
			fprintf(stderr, "certadd: cannot remove: error %lu\n", GetLastError());
			goto out;
		}
	} else if (!CertAddCertificateContextToStore(store, cert, CERT_STORE_ADD_REPLACE_EXISTING,
			   &added)) {
		fprintf(stderr, "certadd: cannot add: error %lu\n", GetLastError());
		goto out;
	} else if (provider != NULL) {
		CRYPT_KEY_PROV_INFO kp;

		memset(&kp, 0, sizeof(kp));
		kp.pwszContainerName = L"zhushou-test";
		kp.pwszProvName = (LPWSTR)provider;
		kp.dwProvType = wcsstr(provider, L"Key Storage") != NULL ? 0 : PROV_RSA_FULL;
		kp.dwKeySpec = AT_KEYEXCHANGE;
		if (!CertSetCertificateContextProperty(added, CERT_KEY_PROV_INFO_PROP_ID, 0, &kp)) {
			fprintf(stderr, "certadd: cannot link the key: error %lu\n",
				GetLastError());
			goto out;
		}
	}
	/* Commit explicitly: after a delete, Wine 8 keeps a reference to the registry store past
	 * CertCloseStore, so closing alone never writes the removal (the add survives a close).
	 */
	if (!CertControlStore(store, 0, CERT_STORE_CTRL_COMMIT, NULL)) {
		fprintf(stderr, "certadd: cannot commit the store: error %lu\n", GetLastError());
		goto out;
	}
	rc = 0;
out:
	if (store && !CertCloseStore(store, 0) && rc == 0) {
		fprintf(stderr, "certadd: closing the store failed: error %lu\n", GetLastError());
		rc = 1;
	}
	if (added)
		CertFreeCertificateContext(added);
	if (cert)
		CertFreeCertificateContext(cert);
	CloseHandle(f);
	HeapFree(GetProcessHeap(), 0, der);
	return rc;
}
