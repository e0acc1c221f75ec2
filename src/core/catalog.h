/* SPDX-License-Identifier: MIT */
/*
 * The catalog: what a profile wants a PC to look like (legacy components to remove, trusted
 * sites, proxy exceptions, TLS bits) and the checks to run, each with zh-CN and English text.
 * It is data (the JSON files in manifest/), validated strictly on load: every field's type, every
 * string against a length limit, every check naming a probe this build knows. Nothing
 * profile-specific lives in C.
 */
#ifndef ZH_CATALOG_H
#define ZH_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ZH_MAX_CATALOG_BYTES (4 * 1024 * 1024)
#define ZH_MAX_CATALOG_ITEMS 4096
#define ZH_MAX_CATALOG_STRING 4096

/* A text in both languages; both are always set. */
struct zh_text {
	char *zh;
	char *en;
};

enum zh_severity {
	ZH_SEV_INFO,
	ZH_SEV_WARNING,
	ZH_SEV_ERROR,
};

struct zh_legacy_def {
	char *id;
	char *display_name;
	char *norm_name; /* zh_text_normalize(display_name) */
	char *publisher; /* NULL: any publisher */
	char *norm_publisher; /* NULL when publisher is */
	char *version; /* constraint on DisplayVersion, "*" for any */
	char **owns; /* registry keys it owns, in its own root and view */
	size_t nowns;
};

#define ZH_MAX_OWNS 16

/* Security software known to block installers: found by its Windows service. */
struct zh_av_def {
	char *service; /* HKLM\SYSTEM\CurrentControlSet\Services\<service> */
	struct zh_text name;
};

/* A current component the profile wants installed (from a signed pack: install.h). */
struct zh_component_def {
	char *id; /* the bundle's component id */
	char *version; /* the exact version wanted */
	struct zh_text name;
};

struct zh_cert;

/* A certificate the PC must trust, verified against its pinned SHA-256 at load. */
struct zh_cert_def {
	char *id;
	char *store; /* "Root" or "CA", in the LocalMachine stores */
	struct zh_cert *cert; /* parsed: DER, fingerprints, subject */
};

/* A name the PC must resolve to an address (the local UKEY service's public name). */
struct zh_host_def {
	char *name; /* "powerservice.csii.com.cn" */
	char *address; /* "127.0.0.1" */
};

/* A local HTTPS service a component runs for the portal (the UKEY control's). */
struct zh_local_service_def {
	char *host; /* the name the portal uses: "powerservice.csii.com.cn" */
	char *address; /* where it must answer: "127.0.0.1" */
	int port; /* 50876 */
	char *component; /* the component (in components[]) that runs it */
	struct zh_text name;
};

#define ZH_UKEY_MAX_LIST 8

/* The UKEY: read through the vendor's PKCS#11 module (installed by a component). */
struct zh_ukey_def {
	char *module; /* the first of modules */
	char *modules[ZH_UKEY_MAX_LIST]; /* the module's paths by vendor version, %ENV% names
					    expanded on the PC: the first that exists is read */
	size_t nmodules;
	char *component; /* the component that installs it */
	char *cdrom_label; /* the volume label of the CD drive a plugged-in key shows, or NULL */
	char *issuers[ZH_UKEY_MAX_LIST]; /* words naming the expected issuer ("CFCA") */
	size_t nissuers;
	char *providers[ZH_UKEY_MAX_LIST]; /* the vendor's CSP / KSP names (Windows side) */
	size_t nproviders;
};

struct zh_site_def {
	char *domain; /* "cj-pension.com.cn": the domain and its subdomains */
	char *scheme; /* "https", "http" or "*" */
};

struct zh_check_def {
	char *id;
	char *probe;
	enum zh_severity severity;
	struct zh_text title;
	struct zh_text advice;
};

/* SecureProtocols bits (DESIGN.md). */
#define ZH_PROTO_SSL3 0x20u
#define ZH_PROTO_TLS10 0x80u
#define ZH_PROTO_TLS11 0x200u
#define ZH_PROTO_TLS12 0x800u
#define ZH_PROTO_TLS13 0x2000u

struct zh_catalog {
	char *profile_id;
	struct zh_text profile_name;
	char *portal;
	char *catalog_version;
	struct zh_legacy_def *legacy;
	size_t nlegacy;
	struct zh_component_def *components;
	size_t ncomponents;
	struct zh_av_def *antivirus;
	size_t nantivirus;
	struct zh_site_def *sites;
	size_t nsites;
	struct zh_cert_def *certs;
	size_t ncerts;
	char **bypass;
	size_t nbypass;
	struct zh_host_def *hosts;
	size_t nhosts;
	struct zh_local_service_def *services;
	size_t nservices;
	struct zh_ukey_def ukey; /* module NULL: the profile has no UKEY */
	uint32_t proto_require; /* ZH_PROTO_* bits that must be on */
	char **supported_os; /* "Windows 7", "Windows 10", ... */
	size_t nsupported_os;
	int ie_min; /* the lowest IE major version the portal works with, 0: any */
	struct zh_check_def *checks;
	size_t nchecks;
};

/*
 * Parse and validate a catalog from len bytes of JSON. known_probes is a NULL-terminated list
 * of probe names the caller can run; a check naming another probe is refused.
 * *ret is freed with zh_catalog_free. ZH_ECATALOG (err names the field: "legacy[3].version:
 * ..."), ZH_ETOOBIG, ZH_ENOMEM.
 */
int zh_catalog_parse(const char *json, size_t len, const char *const *known_probes,
	struct zh_catalog **ret, struct zh_err *err);

/* NULL is a no-op. */
void zh_catalog_free(struct zh_catalog *cat);

/* The text in lang ("zh" or "en"). */
const char *zh_text_get(const struct zh_text *t, const char *lang);

/* The catalog compiled into this binary (manifest/changjiang.json) and its length. */
extern const char zh_builtin_catalog[];
extern const size_t zh_builtin_catalog_len;

#endif
