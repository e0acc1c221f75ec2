/* SPDX-License-Identifier: MIT */
/*
 * 一键修复's plan: from a check report, the ordered steps that bring the PC to what the
 * catalog wants, and the problems no step can fix here (with the reason: a policy locks the
 * setting, or zhushou cannot yet do it), which repair reports instead of half-doing.
 * Planning reads nothing itself: it works on the facts the checks gathered, so a dry run
 * prints exactly what a real run would do.
 */
#ifndef ZH_PLAN_H
#define ZH_PLAN_H

#include <stddef.h>

#include "catalog.h"
#include "check.h"
#include "err.h"
#include "txn.h"

enum zh_step_kind {
	ZH_STEP_REG_SET,
	ZH_STEP_UNINSTALL,
	ZH_STEP_CERT_ADD,
	ZH_STEP_FILE_PUT,
	ZH_STEP_INSTALL,
	ZH_STEP_SVC_START,
	ZH_STEP_REMOVE,
	ZH_STEP_CLEAR_CACHE,
};

struct zh_step {
	enum zh_step_kind kind;
	const char *check_id; /* the check this step fixes (borrowed) */
	struct zh_text what; /* one line for people, owned */
	enum sys_reg_root root;
	enum sys_reg_view view;
	char *key;
	char *name;
	enum sys_reg_type type;
	void *data;
	size_t len;
	/* ZH_STEP_FILE_PUT: key is the file's path, data/len its new content. */
	/* ZH_STEP_INSTALL: the component (borrowed from the catalog), through plan hooks. */
	/* ZH_STEP_SVC_START: key is the name of a Windows service a component owns. */
	/* ZH_STEP_REMOVE: the component (borrowed), removed through plan hooks (--purge). */
	/* ZH_STEP_CLEAR_CACHE: key is the IE cache folder whose files are deleted (iecache.h). */
	const struct zh_component_def *component;
	/* ZH_STEP_CERT_ADD: the certificate (borrowed from the catalog). */
	const struct zh_cert_def *cert;
	/* ZH_STEP_UNINSTALL: the component and how to remove it (owned strings). */
	struct zh_uninstall uninstall;
	char *cmdline;
	char *dir;
	char *owned[ZH_MAX_SNAP_KEYS];
	size_t nowned;
};

/* A problem the plan leaves, and why. */
struct zh_unfixable {
	const char *check_id;
	struct zh_text why; /* owned */
};

struct zh_plan {
	struct zh_step *steps;
	size_t nsteps;
	struct zh_unfixable *left;
	size_t nleft;
};

/* Make the plan for rep into *plan (release with zh_plan_release). ZH_ENOMEM. */
/*
 * Flags of zh_plan_make: FORCE installs every current component again even when it is whole;
 * PURGE first removes every current component zhushou installed, then installs all of them
 * (the legacy ones are removed as always).
 */
enum zh_plan_flags {
	ZH_PLAN_FORCE = 1 << 0,
	ZH_PLAN_PURGE = 1 << 1,
};

int zh_plan_make(const struct zh_check_report *rep, unsigned flags, struct zh_plan *plan,
	struct zh_err *err);

/* Append the step that clears Internet Explorer's cache in folder dir (on request). */
int zh_plan_add_clear_cache(struct zh_plan *plan, const char *dir, struct zh_err *err);

/* What the plan needs from its caller: where components come from. */
struct zh_plan_hooks {
	/* Install component c into t from the verified source. */
	int (*install)(void *ctx, struct zh_txn *t, const struct zh_component_def *c,
		struct zh_err *err);
	/* Remove component c (installed by zhushou) in t. */
	int (*remove)(void *ctx, struct zh_txn *t, const struct zh_component_def *c,
		struct zh_err *err);
	void *ctx;
};

/* 1 if the plan installs or removes components (the caller must then give hooks with a
 * source). */
int zh_plan_installs(const struct zh_plan *plan);

/*
 * Turn every install step into a problem left with the reason given (no source for the
 * components); the other steps stay. ZH_ENOMEM.
 */
int zh_plan_drop_installs(struct zh_plan *plan, const char *why_zh, const char *why_en,
	struct zh_err *err);

/*
 * Run every step in transaction t, calling progress (may be NULL) before each one with its
 * index; a progress that returns non-zero stops the run there with ZH_ECANCELLED (取消).
 * Stops at the first failure (the caller aborts t). hooks may be NULL when the plan installs
 * nothing.
 */
int zh_plan_run(const struct zh_plan *plan, const struct zh_plan_hooks *hooks, struct zh_txn *t,
	int (*progress)(const struct zh_step *step, size_t index, size_t total, void *ctx),
	void *ctx, int *ret_reboot, struct zh_err *err);

/*
 * Record in the manifest DB, as an op of t, the registry values and certificates the plan's
 * steps set, owned by "profile.<profile_id>" (merged with what earlier repairs recorded).
 */
int zh_plan_record(const struct zh_plan *plan, struct zh_txn *t, struct zh_db *db,
	const char *profile_id, const char *catalog_version, struct zh_err *err);

/* How long an uninstaller may run before its process tree is ended. */
#define ZH_UNINSTALL_TIMEOUT_MS (300L * 1000)

void zh_plan_release(struct zh_plan *plan);

#endif
