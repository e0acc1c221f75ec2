/* SPDX-License-Identifier: MIT */
/* Certificate stores through crypt32; see certstore.h. */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>

#include "../certstore.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

static HCERTSTORE open_store(enum sys_cert_loc loc, const char *store, int write,
	struct zh_err *err)
{
	wchar_t *w = w_from_utf8(store, err);
	HCERTSTORE h;

	if (w == NULL)
		return NULL;
	h = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
		(loc == SYS_CERT_LOCAL_MACHINE ? CERT_SYSTEM_STORE_LOCAL_MACHINE
					       : CERT_SYSTEM_STORE_CURRENT_USER) |
			(write ? 0 : CERT_STORE_READONLY_FLAG) | CERT_STORE_OPEN_EXISTING_FLAG,
		w);
	free(w);
	if (h == NULL)
		(void)win_err(err, GetLastError(), "cannot open certificate store", store);
	return h;
}

static PCCERT_CONTEXT find(HCERTSTORE h, const uint8_t sha1[20])
{
	CRYPT_HASH_BLOB blob = {20, (BYTE *)sha1};

	return CertFindCertificateInStore(h, X509_ASN_ENCODING | PKCS_7_ASN_ENCODING, 0,
		CERT_FIND_SHA1_HASH, &blob, NULL);
}

int sys_cert_present(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	int *ret_present, struct zh_err *err)
{
	PCCERT_CONTEXT c;
	HCERTSTORE h;
	int rc = ZH_FAULT_CHECK("sys_cert_present", err);

	if (rc != 0)
		return rc;
	h = open_store(loc, store, 0, err);
	if (h == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EIO;
	c = find(h, sha1);
	*ret_present = c != NULL;
	if (c != NULL)
		CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	return 0;
}

static int commit_close(HCERTSTORE h, const char *store, struct zh_err *err)
{
	int rc = 0;

	if (!CertControlStore(h, 0, CERT_STORE_CTRL_COMMIT, NULL))
		rc = win_err(err, GetLastError(), "cannot save certificate store", store);
	if (!CertCloseStore(h, 0) && rc == 0)
		rc = win_err(err, GetLastError(), "cannot close certificate store", store);
	return rc;
}

int sys_cert_add(enum sys_cert_loc loc, const char *store, const void *der, size_t len,
	struct zh_err *err)
{
	HCERTSTORE h;
	int rc = ZH_FAULT_CHANGE("sys_cert_add", err);

	if (rc != 0)
		return rc;
	h = open_store(loc, store, 1, err);
	if (h == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EIO;
	if (!CertAddEncodedCertificateToStore(h, X509_ASN_ENCODING, der, (DWORD)len,
		    CERT_STORE_ADD_USE_EXISTING, NULL)) {
		rc = win_err(err, GetLastError(), "cannot add certificate to", store);
		CertCloseStore(h, 0);
		return rc;
	}
	return commit_close(h, store, err);
}

int sys_cert_remove(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20],
	struct zh_err *err)
{
	PCCERT_CONTEXT c;
	HCERTSTORE h;
	int rc = ZH_FAULT_CHANGE("sys_cert_remove", err);

	if (rc != 0)
		return rc;
	h = open_store(loc, store, 1, err);
	if (h == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EIO;
	c = find(h, sha1);
	if (c == NULL) {
		CertCloseStore(h, 0);
		return ZH_ENOENT;
	}
	/* CertDeleteCertificateFromStore frees the context, success or not. */
	if (!CertDeleteCertificateFromStore(c)) {
		rc = win_err(err, GetLastError(), "cannot remove certificate from", store);
		CertCloseStore(h, 0);
		return rc;
	}
	return commit_close(h, store, err);
}

int sys_cert_get(enum sys_cert_loc loc, const char *store, const uint8_t sha1[20], void **ret_der,
	size_t *ret_len, struct zh_err *err)
{
	PCCERT_CONTEXT c;
	HCERTSTORE h;
	int rc = ZH_FAULT_CHECK("sys_cert_get", err);

	*ret_der = NULL;
	*ret_len = 0;
	if (rc != 0)
		return rc;
	h = open_store(loc, store, 0, err);
	if (h == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EIO;
	c = find(h, sha1);
	if (c == NULL)
		rc = ZH_ENOENT;
	else if ((*ret_der = malloc(c->cbCertEncoded + 1)) == NULL)
		rc = zh_err_set(err, ZH_ENOMEM, "out of memory");
	else {
		memcpy(*ret_der, c->pbCertEncoded, c->cbCertEncoded);
		*ret_len = c->cbCertEncoded;
	}
	if (c != NULL)
		CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	return rc;
}

int sys_cert_each(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, void *ctx), void *ctx, struct zh_err *err)
{
	PCCERT_CONTEXT c = NULL;
	HCERTSTORE h;
	int rc = ZH_FAULT_CHECK("sys_cert_each", err);

	if (rc != 0)
		return rc;
	h = open_store(loc, store, 0, err);
	if (h == NULL)
		return err != NULL && err->code != 0 ? err->code : ZH_EIO;
	while (rc == 0 && (c = CertEnumCertificatesInStore(h, c)) != NULL)
		rc = fn(c->pbCertEncoded, c->cbCertEncoded, ctx);
	if (c != NULL)
		CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	return rc;
}

/* The key provider information of c into *ret (free), or NULL when it has none. */
static CRYPT_KEY_PROV_INFO *prov_info(PCCERT_CONTEXT c)
{
	CRYPT_KEY_PROV_INFO *p;
	DWORD n = 0;

	if (!CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, NULL, &n) ||
		n < sizeof(*p) || (p = malloc(n)) == NULL)
		return NULL;
	if (!CertGetCertificateContextProperty(c, CERT_KEY_PROV_INFO_PROP_ID, p, &n)) {
		free(p);
		return NULL;
	}
	return p;
}

int sys_cert_each_keyed(enum sys_cert_loc loc, const char *store,
	int (*fn)(const void *der, size_t len, const struct sys_cert_key *key, void *ctx),
	void *ctx, struct zh_err *err)
{
	PCCERT_CONTEXT c = NULL;
	HCERTSTORE h;
	int rc = ZH_FAULT_CHECK("sys_cert_each_keyed", err);

	if (rc != 0)
		return rc;
	if ((h = open_store(loc, store, 0, err)) == NULL) {
		if (err == NULL || err->sys != ERROR_FILE_NOT_FOUND)
			return err != NULL && err->code != 0 ? err->code : ZH_EIO;
		zh_err_init(err);
		return 0;
	}
	while (rc == 0 && (c = CertEnumCertificatesInStore(h, c)) != NULL) {
		CRYPT_KEY_PROV_INFO *p = prov_info(c);
		struct sys_cert_key key;
		char *prov, *cont;

		if (p == NULL)
			continue;
		prov = p->pwszProvName != NULL ? utf8_from_w(p->pwszProvName, (size_t)-1) : NULL;
		cont = p->pwszContainerName != NULL ? utf8_from_w(p->pwszContainerName, (size_t)-1)
						    : NULL;
		key.provider = prov != NULL ? prov : "";
		key.container = cont != NULL ? cont : "";
		key.prov_type = p->dwProvType;
		rc = (p->pwszProvName != NULL && prov == NULL) ||
				(p->pwszContainerName != NULL && cont == NULL)
			? zh_err_set(err, ZH_ENOMEM, "out of memory")
			: fn(c->pbCertEncoded, c->cbCertEncoded, &key, ctx);
		free(prov);
		free(cont);
		free(p);
	}
	if (c != NULL)
		CertFreeCertificateContext(c);
	CertCloseStore(h, 0);
	return rc;
}
