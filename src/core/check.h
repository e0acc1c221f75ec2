/* SPDX-License-Identifier: MIT */
/*
 * 全面检测: runs the catalog's checks, each through the probe it names, and keeps both the
 * verdicts (with a detail text in zh-CN and English) and the facts the probes found, for the
 * text and JSON reports and, later, for planning a repair.
 *
 * Lifecycle: zh_check_run() fills a report; zh_check_report_release() frees it. The report
 * borrows the catalog, which must outlive it.
 */
#ifndef ZH_CHECK_H
#define ZH_CHECK_H

#include <stddef.h>

#include "arp.h"
#include "catalog.h"
#include "err.h"
#include "envprobe.h"
#include "hosts.h"
#include "inet.h"
#include "mirror.h"
#include "policy.h"
#include "ukey.h"

enum zh_status {
	ZH_ST_OK,
	ZH_ST_FAIL, /* a problem that repair fixes or advice covers */
	ZH_ST_WARN, /* worth knowing, not a failure */
	ZH_ST_SKIP, /* does not apply here (no registry, ...) */
	ZH_ST_ERROR, /* the probe itself failed */
};

struct zh_check_result {
	const struct zh_check_def *def; /* borrowed from the catalog */
	enum zh_status status;
	struct zh_text detail; /* owned */
	struct zh_err err; /* the probe's error when status is ZH_ST_ERROR */
};

/* Whether each catalog certificate is in its LocalMachine store. */
struct zh_cert_state {
	const struct zh_cert_def *def; /* borrowed */
	int present;
};

/* A current component: what zhushou's manifest DB says is installed, and whether it is whole. */
enum zh_comp_status {
	ZH_COMP_OK,
	ZH_COMP_MISSING, /* not installed by zhushou */
	ZH_COMP_VERSION, /* another version */
	ZH_COMP_DAMAGED, /* a file it owns is missing or changed */
};

struct zh_comp_state {
	const struct zh_component_def *def; /* borrowed */
	enum zh_comp_status status;
	char *installed; /* the version installed, or NULL */
	char *file; /* ZH_COMP_DAMAGED: the first thing it owns that differs (a file, a
		       registry value, a certificate, a service) */
	char **svcs; /* the Windows services it owns (installed) */
	size_t nsvcs;
};

/* A catalog local service: does it answer HTTPS for its host name at its address? */
struct zh_svc_state {
	const struct zh_local_service_def *def; /* borrowed */
	int answers;
	long status; /* its HTTP status when it answers */
	int code; /* why not (ZH_ECONNECT, ZH_ETLS, ZH_ETIMEOUT, ...) */
	char *why; /* libcurl's words */
};

struct zh_db;

/* What a run of the checks is told besides the catalog: online mode's mirror and proxy. */
struct zh_check_opts {
	int try_mirror; /* check the mirror (`check`); a repair's own checks do not */
	const char *mirror; /* --source URL; NULL: Group Policy's Source when it is a URL */
	const char *proxy; /* --proxy; NULL: the PC's */
	long net_timeout_secs; /* 0: fetch.h's defaults */
	int64_t now; /* seconds UTC, for the index's expiry; 0: the clock's */
};

struct zh_check_report {
	const struct zh_catalog *cat;
	struct zh_db *db; /* borrowed: where installed components are recorded; NULL: none */
	struct zh_check_result *results;
	size_t nresults;
	int have_arp;
	struct zh_arp_scan arp;
	int have_inet;
	struct zh_inet_state inet;
	int have_hosts;
	struct zh_hosts_state hosts;
	int have_env;
	struct zh_env_state env;
	int have_certs;
	struct zh_cert_state *certs;
	size_t ncerts;
	int have_comps;
	struct zh_comp_state *comps;
	size_t ncomps;
	int have_admin;
	int admin; /* the process has administrator rights */
	int have_av;
	unsigned char *av_present; /* per catalog antivirus entry: its service is installed */
	int have_svcs;
	struct zh_svc_state *svcs; /* per catalog local service */
	int have_ukey;
	struct zh_ukey_state ukey;
	struct zh_policy policy; /* Group Policy settings for zhushou, read on every run */
	struct zh_check_opts opts; /* borrowed strings */
	int have_mirror;
	struct zh_mirror_state mirror; /* mirror.url NULL: no mirror to try (offline only) */
};

/* The probe names this build can run, NULL-terminated (for zh_catalog_parse). */
extern const char *const zh_probe_names[];

/*
 * Run every check of the catalog. A probe that fails is recorded as ZH_ST_ERROR with its
 * message and the run goes on; only ZH_ENOMEM stops it. *rep is released with
 * zh_check_report_release.
 */
int zh_check_run(const struct zh_catalog *cat, struct zh_check_report *rep, struct zh_err *err);

/* zh_check_run with the manifest DB (may be NULL) for the components probe. */
int zh_check_run_db(const struct zh_catalog *cat, struct zh_db *db, struct zh_check_report *rep,
	struct zh_err *err);

/* zh_check_run_db told the mirror to try (o may be NULL: none but Group Policy's). */
int zh_check_run_opts(const struct zh_catalog *cat, struct zh_db *db, const struct zh_check_opts *o,
	struct zh_check_report *rep, struct zh_err *err);

void zh_check_report_release(struct zh_check_report *rep);

/* 1 if any check failed or could not run, else 0 (the exit code of `zhushou check`). */
int zh_check_problems(const struct zh_check_report *rep);

const char *zh_status_name(enum zh_status st);
const char *zh_severity_name(enum zh_severity sev);

#endif
