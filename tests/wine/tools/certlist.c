/* SPDX-License-Identifier: MIT */
/*
 * certlist: prints one line per certificate in the LocalMachine and CurrentUser stores Root,
 * CA and My, as "<Location>\<Store> <SHA-1 hex> <subject>" in UTF-8, for the harness's state
 * snapshots. Output is not sorted; the harness sorts it.
 *
 * It lists the physical registry stores (CERT_STORE_PROV_SYSTEM_REGISTRY_W), not the logical
 * system stores (CERT_STORE_PROV_SYSTEM_W), because a snapshot must say where a certificate is
 * stored: the logical CurrentUser stores also show every LocalMachine certificate (CurrentUser
 * Root jumps from 0 to 150 entries once its registry key exists), which hides whether something
 * was added per machine or per user. The host's roots that Wine imports as volatile keys
 * (WINE.md "Certificates") are in the LocalMachine Root registry store, so they are listed.
 * Stores are opened read-only and only if they exist: opening a missing store without
 * CERT_STORE_OPEN_EXISTING_FLAG creates its registry key, so listing would change the state.
 */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>

static HANDLE out_h;

static void out_w(const wchar_t *s)
{
	char buf[8192];
	DWORD n;
	int len = WideCharToMultiByte(CP_UTF8, 0, s, -1, buf, sizeof(buf), NULL, NULL);

	if (len > 0)
		WriteFile(out_h, buf, (DWORD)len - 1, &n, NULL);
}

static void list_store(DWORD location, const wchar_t *loc_name, const wchar_t *store_name)
{
	HCERTSTORE store;
	PCCERT_CONTEXT cert = NULL;

	store = CertOpenStore(CERT_STORE_PROV_SYSTEM_REGISTRY_W, 0, 0,
		location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, store_name);
	if (!store)
		return;
	while ((cert = CertEnumCertificatesInStore(store, cert)) != NULL) {
		BYTE hash[20];
		DWORD hash_len = sizeof(hash), i;
		wchar_t line[4096], subject[3072];

		if (!CertGetCertificateContextProperty(cert, CERT_SHA1_HASH_PROP_ID, hash,
			    &hash_len))
			hash_len = 0;
		if (!CertNameToStrW(X509_ASN_ENCODING, &cert->pCertInfo->Subject,
			    CERT_X500_NAME_STR | CERT_NAME_STR_REVERSE_FLAG, subject,
			    ARRAYSIZE(subject)))
			subject[0] = 0;
		swprintf(line, ARRAYSIZE(line), L"%ls\\%ls ", loc_name, store_name);
		for (i = 0; i < hash_len; i++)
			swprintf(line + wcslen(line), 3, L"%02X", hash[i]);
		swprintf(line + wcslen(line), ARRAYSIZE(line) - wcslen(line), L" %ls\n", subject);
		out_w(line);
	}
	CertCloseStore(store, 0);
}

int wmain(void)
{
	static const wchar_t *stores[] = {L"Root", L"CA", L"My"};
	int i;

	out_h = GetStdHandle(STD_OUTPUT_HANDLE);
	for (i = 0; i < 3; i++) {
		list_store(CERT_SYSTEM_STORE_LOCAL_MACHINE, L"LocalMachine", stores[i]);
		list_store(CERT_SYSTEM_STORE_CURRENT_USER, L"CurrentUser", stores[i]);
	}
	return 0;
}
