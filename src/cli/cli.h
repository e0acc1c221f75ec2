/* SPDX-License-Identifier: MIT */
/*
 * What the verbs share: the exit codes of the command-line contract (DESIGN.md, msiexec's
 * numbers so deployment tools understand them), the parsed global options, and output in the
 * user's language.
 */
#ifndef ZH_CLI_H
#define ZH_CLI_H

#include "../core/catalog.h"
#include "../core/db.h"
#include "../core/err.h"
#include "../core/install.h"
#include "../core/mirror.h"
#include "../core/pack_read.h"
#include "../core/proxy.h"
#include "../core/report.h"
#include "../core/txn.h"

enum zh_exit {
	ZH_EXIT_OK = 0,
	ZH_EXIT_PROBLEMS = 1,
	ZH_EXIT_USAGE = 2,
	ZH_EXIT_CANCELLED = 1602,
	ZH_EXIT_FAILED = 1603,
	ZH_EXIT_RUNNING = 1618,
	ZH_EXIT_REBOOTING = 1641,
	ZH_EXIT_REBOOT_REQUIRED = 3010,
};

struct zh_cli {
	const char *lang; /* "zh" or "en" */
	int json; /* --json */
	int quiet; /* --quiet */
	const char *catalog; /* --catalog FILE, NULL for the built-in one */
	long wait_ms; /* --wait SECONDS, in ms: how long to wait for another zhushou */
	int dry_run; /* --dry-run */
	long timeout_ms; /* --timeout SECONDS for each uninstaller, 0: the default */
	const char *log_path; /* --log FILE: a verbose log besides the daily one */
	int reboot; /* --reboot: restart Windows when a reboot is required (exit 1641) */
	const char *proxy; /* --proxy URL or "direct" (online mode), NULL: the PC's proxy */
	long net_timeout_secs; /* --net-timeout SECONDS: connect and stall limit, 0: default */
	int argc; /* the verb's own arguments */
	char **argv;
};

/* Write to stdout / stderr, UTF-8, in the console's way (sys/console.h). */
void out_printf(const char *fmt, ...) ZH_FORMAT(1, 2);
void out_write(const char *s);
void err_printf(const char *fmt, ...) ZH_FORMAT(1, 2);

/* Whether stdout stays silent (--quiet without --json); stderr always speaks. */
void out_set_quiet(int quiet);

/*
 * The run's logs (log.c): the daily log in <data dir>\logs (or the user's
 * %LOCALAPPDATA%\zhushou\logs without the rights to write there) and --log FILE. Lines carry
 * the time, the process id and the transaction (cli_log_txn once a transaction began).
 * cli_log_debug writes to the --log file only. Logging never fails or changes the run.
 */
void cli_log_open(const struct zh_cli *cli, const char *verb, int argc, char **argv);
void cli_log(const char *level, const char *fmt, ...) ZH_FORMAT(2, 3);
void cli_log_debug(const char *fmt, ...) ZH_FORMAT(1, 2);
void cli_log_txn(int64_t txn);
void cli_log_close(int exit_code);
struct zh_check_report;
/* A check's results: problems to the daily log, every item with its detail to --log. */
void cli_log_check(const struct zh_check_report *rep);

struct zh_buf;
/*
 * The check as text for people (checktext.c): the layout of `zhushou check`, with each line
 * ending in eol ("\n", or "\r\n" for a file opened in Notepad), appended to b.
 */
int cli_check_text(const struct zh_check_report *rep, const char *lang, const char *eol,
	struct zh_buf *b, struct zh_err *err);

/* What `version --json` prints (verb_version.c; also support-report), into *ret (zh_free). */
int cli_version_json(char **ret, struct zh_err *err);

/* The transactions of the manifest DB, newest first (verb_history.c; also support-report). */
struct cli_history {
	struct zh_txn_row *v;
	size_t n;
};
int cli_history_read(struct zh_db *db, struct cli_history *h, struct zh_err *err);
void cli_history_free(struct cli_history *h);

/* The data directory: ZHUSHOU_DATA, else %ProgramData%\zhushou (zh_free *ret). */
int cli_data_dir(char **ret, struct zh_err *err);

/* Pick the text for the current language. */
#define ZH_T(cli, zh, en) ((cli)->lang[0] == 'z' ? (zh) : (en))

/*
 * Report an error to stderr in both languages: the message (English, as the core wrote it,
 * naming the thing) after the translated kind of error, and what to do.
 */
void cli_report_error(const struct zh_cli *cli, const struct zh_err *err, const char *fix_zh,
	const char *fix_en);

/* Load the catalog the run uses (--catalog or the built-in one); errors are reported. */
int cli_load_catalog(const struct zh_cli *cli, struct zh_catalog **ret);

/* What a changing verb holds: the single-instance lock and the manifest DB. */
struct zh_session {
	struct sys_lock *lock;
	struct zh_db *db;
	char *dir; /* the data directory */
	struct zh_recovery recovered;
};

enum zh_session_flags {
	/* Read-only verbs: skip (return 0 with no DB) if another zhushou runs or none ran yet. */
	ZH_SESSION_OPTIONAL = 1 << 0,
	/* With OPTIONAL: no DB instead of an error when there is no data directory at all. */
	ZH_SESSION_QUIET = 1 << 1,
	/*
	 * A changing verb that may run while an earlier transaction waits for its reboot
	 * (rollback: it takes the pending replace back). Others end with 3010 then.
	 */
	ZH_SESSION_REBOOT_OK = 1 << 2,
};

/*
 * Lock, open the DB and recover; returns 0 or the exit code to end with (1618, 1603) after
 * reporting why. Close with cli_session_close.
 */
int cli_session_open(const struct zh_cli *cli, unsigned flags, struct zh_session *s);
void cli_session_close(struct zh_session *s);

/*
 * The current time (seconds UTC) for verify and pack build. Test builds (ZH_FAULTS) honour
 * ZHUSHOU_NOW (+Nd, -Nd or a UTC time) so that tests can check expiry without waiting.
 */
int64_t cli_now(void);

/* Say loudly that an expired offline pack is used because of --allow-expired (stderr). */
void cli_warn_expired(const struct zh_cli *cli, const struct zh_index *idx);

/* A verified, extracted offline pack or mirror download (source.c). */
struct cli_source {
	struct zh_trust *trust;
	struct zh_db_serials serials;
	struct zh_serial_store store; /* the DB's accepted serials; record through serials.t */
	char *staging; /* <data dir>\staging */
	struct zh_keep *keep; /* staged files open until installed (keep.h) */
	struct zh_pack_report pack;
	/* Online mode, and why the source failed: kept until cli_source_close for --json. */
	struct zh_mirror_result mirror;
	struct zh_proxy proxy;
	struct zh_err err;
	struct zh_source_report report; /* points into the fields above */
};

/*
 * Verify the pack at path (index flags: --allow-expired) and extract it into the staging
 * folder; 0, or the exit code after reporting why (nothing changed). Packs may also chain to
 * Group Policy's PublisherCert.
 * A URL is a mirror (mirror.h), unless Group Policy's AllowOnline = 0 refuses it: its index is
 * fetched and verified (online, expiry always enforced), then the bundles of the components
 * want names (nwant of them), through the proxy of --proxy or the PC's (proxy.h), into the
 * download cache <data dir>\cache, and read from there like a pack.
 * src->report says what was fetched and why the source failed, for --json. Close with
 * cli_source_close, which removes the staging folder.
 */
int cli_source_open(const struct zh_cli *cli, struct zh_session *s, const char *path,
	unsigned flags, const char *const *want, size_t nwant, struct cli_source *src);
/* A mirror's failures as advice for people: what to do about each way the network fails. */
void cli_net_advice(int code, const char **ret_zh, const char **ret_en);
/*
 * The source when no --source is given: Group Policy's Source (policy.h) when IT set one,
 * else the default offline pack <the folder of zhushou.exe>\packs\default-pack.zip, where the
 * MSI puts the signed pack it carries (wix/). *ret is that path (free with zh_free), NULL when
 * neither is there; an explicit --source always wins over both. 0, or ZH_E* with
 * err filled when this program's own path cannot be read.
 */
#define ZH_DEFAULT_PACK_DIR "packs"
#define ZH_DEFAULT_PACK_NAME "default-pack.zip"
int cli_source_default(char **ret, struct zh_err *err);
/* The verified bundle of component id in the pack, or NULL. */
const struct zh_pack_item *cli_source_find(const struct cli_source *src, const char *id);
/* Where component id was extracted (ZH_ENOMEM or 0). */
int cli_source_dir(const struct cli_source *src, const char *id, char **ret);
void cli_source_close(struct cli_source *src);

/* The install folders of this PC, from the environment. */
struct cli_roots {
	struct zh_install_roots roots;
	char *app, *common, *system, *data, *start_menu;
};
int cli_roots_get(struct cli_roots *r, struct zh_err *err);
void cli_roots_release(struct cli_roots *r);

/* Commit t (rc 0) or abort it and report why; fills res->exit_code and returns it. */
struct zh_install_result;
int cli_txn_finish(const struct zh_cli *cli, struct zh_txn *t, int rc, struct zh_err *err,
	struct zh_install_result *res);
/* Print what install or remove did (text, or --json with the fault counts). */
void cli_install_report(const struct zh_cli *cli, struct zh_install_result *res);

/* The verbs (one file each). */
int verb_check(struct zh_cli *cli);
int verb_version(struct zh_cli *cli);
int verb_repair(struct zh_cli *cli);
int verb_history(struct zh_cli *cli);
int verb_list(struct zh_cli *cli);
int verb_verify_installed(struct zh_cli *cli);
int verb_rollback(struct zh_cli *cli);
int verb_verify(struct zh_cli *cli);
int verb_pack(struct zh_cli *cli);
int verb_install(struct zh_cli *cli);
int verb_remove(struct zh_cli *cli);

/* This program's version (from meson). */
extern const char zh_version[];

#endif
