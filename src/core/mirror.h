/* SPDX-License-Identifier: MIT */
/*
 * Online mode: a publisher's mirror is a signed pack laid out as files under an https:// base
 * URL (index.json, index.json.sig, bundles/<id>-<version>.zip; docs/formats.md "Mirror").
 *
 * zh_mirror_fetch brings what one run needs into a cache folder of its own per mirror
 * (<cache root>/<16 hex of the URL's SHA-256>): index.json and its signature, asked for with
 * If-None-Match when an ETag is kept, verified before anything else is fetched (online: expiry
 * always enforced), then only the bundles of the wanted components, each capped at its listed
 * size, hashed while it streams in, resumed with a Range request from what a cut or earlier
 * run left in <name>.part, and renamed to its name once size and SHA-256 match the index. The
 * caller then reads the cache folder as a pack (zh_pack_read_dir), which verifies it all
 * again and extracts it: nothing is installed from a download that did not complete.
 *
 * zh_mirror_probe is `check`'s view: the index and its signature fetched into memory and
 * verified, nothing written.
 *
 * Failures are named for people by fetch.h's codes (ZH_EDNS, ZH_ECONNECT, ZH_EPROXY, ZH_ETLS,
 * ZH_ETIMEOUT, ZH_EHTTP, ZH_ECAPTIVE), the index's (ZH_EEXPIRED, ZH_EREPLAY, signature codes),
 * ZH_EMISSING (a wanted component the mirror does not list), ZH_ESIZE and ZH_EHASH (a download
 * that is not the listed bundle: its partial file is dropped, it cannot be resumed).
 */
#ifndef ZH_MIRROR_H
#define ZH_MIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "pack_read.h"

struct zh_mirror_opts {
	const char *url; /* the mirror's base, https://... (a missing final '/' is added) */
	const char *cache_root; /* the folder the mirror's cache folder goes in */
	const struct zh_pack_opts *pack; /* trust, now, store, index flags (ONLINE is added) */
	const void *ca_pem; /* the roots to trust (PEM), NULL: the PC's Root stores, read-only */
	size_t ca_len;
	const char *proxy; /* for libcurl (proxy.h), NULL: direct */
	int proxy_sspi; /* the proxy may take the Windows logon (NTLM / Negotiate) */
	long timeout_secs; /* connect and stall timeout; 0: libcurl's defaults in fetch.h */
	int retries; /* per file; transient failures only */
	const char *const *want; /* component ids whose bundles are fetched */
	size_t nwant;
	void (*progress)(const char *path, int64_t have, int64_t total, void *ctx);
	void *ctx;
};

struct zh_mirror_item {
	char *path; /* "bundles/<id>-<version>.zip" */
	int64_t size; /* listed */
	int64_t fetched; /* bytes received in this run */
	int64_t resumed_from; /* bytes a partial file already held */
	int attempts; /* requests made (0: complete in the cache already) */
	int64_t micros; /* time in the transfers (libcurl's measure: the bench compares it) */
};

struct zh_mirror_result {
	char *dir; /* the mirror's cache folder: read it with zh_pack_read_dir */
	char *url; /* the base URL as used (with its final '/') */
	int index_not_modified; /* 304: the kept index was used */
	long http_status; /* of the last answer */
	struct zh_mirror_item *items; /* one per wanted component, in want order */
	size_t nitems;
};

int zh_mirror_fetch(const struct zh_mirror_opts *o, struct zh_mirror_result *ret,
	struct zh_err *err);

/* The paths of ret's items, for zh_pack_read_dir (points into ret; free the array only). */
const char **zh_mirror_paths(const struct zh_mirror_result *r);

void zh_mirror_result_release(struct zh_mirror_result *r);

/*
 * Fetch and verify the mirror's index (o->want is ignored, nothing is written). *ret_serial is
 * the index's serial, *ret_status the last HTTP status (0 when none came).
 */
int zh_mirror_probe(const struct zh_mirror_opts *o, uint64_t *ret_serial, long *ret_status,
	struct zh_err *err);

/* `check`'s mirror item: can this PC reach the mirror and use its index now? */
struct zh_mirror_state {
	char *url; /* the mirror tried */
	char proxy[300]; /* how it was reached (proxy.h) */
	int code; /* 0: reachable, its index verified and not expired; else why not (ZH_E*) */
	char *why; /* the failure in words */
	long http_status; /* the last HTTP status, 0 when none came */
	uint64_t serial; /* the index's, when it verified */
};

/*
 * Try the mirror at url for check: the proxy decided as for a download (cli_proxy: --proxy),
 * the index fetched and verified against the built-in roots plus extra_pem (Group Policy's
 * publisher certificate, may be NULL) at now. Fills *st (release with zh_mirror_state_release)
 * whatever the outcome; returns 0, or ZH_ENOMEM / ZH_EUSAGE (a --proxy that is no proxy URL).
 */
int zh_mirror_check(const char *url, const char *cli_proxy, long timeout_secs,
	const char *extra_pem, int64_t now, struct zh_mirror_state *st, struct zh_err *err);
void zh_mirror_state_release(struct zh_mirror_state *st);

#endif
