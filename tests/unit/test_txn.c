/* SPDX-License-Identifier: MIT */
/*
 * The transaction engine on registry operations (under Wine; natively the registry is not
 * there and the tests check that the engine says so). The state compared is the exported
 * tree of a test key: byte-identical before and after an abort, a recovery or a rollback.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../harness/zh_test.h"
#include "../../src/core/buf.h"
#include "../../src/core/db.h"
#include "../../src/core/keep.h"
#include "../../src/core/mem.h"
#include "../../src/core/regtree.h"
#include "../../src/core/txn.h"
#include "../../src/sys/fault.h"
#include "../../src/sys/fs.h"

#define BASE "Software\\zhushou-txn-test"

static int have_registry(void)
{
	struct sys_reg_key *k = NULL;
	int rc = sys_reg_open(SYS_REG_HKCU, "Software", SYS_REG_VIEW_DEFAULT, 0, &k, NULL);

	sys_reg_close(k);
	return rc == 0;
}

static void add_file_state(struct zh_buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char buf[256];
	size_t n;

	(void)zh_buf_printf(b, NULL, "[%s]", path);
	if (f == NULL) {
		/* A directory or nothing: tell them apart by trying a file inside. */
		char probe[300];

		(void)snprintf(probe, sizeof(probe), "%s/.probe", path);
		f = fopen(probe, "wb");
		if (f != NULL) {
			fclose(f);
			remove(probe);
			(void)zh_buf_adds(b, "dir\n", NULL);
		} else {
			(void)zh_buf_adds(b, "none\n", NULL);
		}
		return;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		(void)zh_buf_add(b, buf, n, NULL);
	fclose(f);
	(void)zh_buf_adds(b, "\n", NULL);
}

static const char *const files[] = {"app", "app/old.dll", "app/keep.txt", "app/new", "app/new/sub",
	"app/new/sub/a.dll", "app/new/sub/m1.dll", "app/new/sub/m2.dll", "app/new/sub/k1.dll"};

/* What the manifest DB says about the component and the serial the work records. */
static void add_db_state(struct zh_buf *b)
{
	struct zh_db *db = NULL;
	struct zh_db_component c;
	char *v = NULL;
	size_t i;

	if (zh_db_open("t.db", 0, &db, NULL) != 0) {
		(void)zh_buf_adds(b, "[db] none\n", NULL);
		return;
	}
	if (zh_db_component_get(db, "demo", &c, NULL) == 0) {
		(void)zh_buf_printf(b, NULL, "[db] demo %s %zu %zu %zu %zu %s\n", c.version,
			c.nfiles, c.nregs, c.ncerts, c.nsvcs, c.nsvcs > 0 ? c.svcs[0] : "-");
		for (i = 0; i < c.nfiles; i++)
			(void)zh_buf_printf(b, NULL, "  %s %lld %s\n", c.files[i].path,
				(long long)c.files[i].size, c.files[i].sha256);
		zh_db_component_release(&c);
	} else {
		(void)zh_buf_adds(b, "[db] none\n", NULL);
	}
	if (zh_db_meta_get(db, "index.serial.test", &v, NULL) == 0)
		(void)zh_buf_printf(b, NULL, "[meta] %s\n", v);
	zh_free(v);
	zh_db_close(db);
}

/* The whole test area (files, and the registry key where there is one) as bytes. */
static char *state(size_t *ret_len)
{
	struct zh_buf b;
	size_t i;
	int rc;

	zh_buf_init(&b, 1 << 24);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		add_file_state(&b, files[i]);
	add_db_state(&b);
	rc = zh_regtree_export(SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT, BASE, &b, NULL);
	(void)rc;
	*ret_len = b.len;
	return zh_buf_take(&b);
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/*
 * A starting state: two files (one the txn replaces, one it deletes), and where there is a
 * registry some values, a subkey and a value that the txn overwrites.
 */
static void seed(void)
{
	struct sys_reg_key *k = NULL;

	(void)sys_fs_remove_tree("app", NULL);
	(void)sys_fs_remove_tree("backup", NULL);
	(void)sys_fs_mkdirs("app", NULL);
	(void)sys_fs_mkdirs("src", NULL);
	put("app/old.dll", "old version");
	put("app/keep.txt", "user data");
	put("src/a.dll", "new control");
	put("src/old2.dll", "new version");
	put("src/m1.dll", "moved one");
	put("src/m2.dll", "moved two");
	(void)remove("src/k1.dll");
	(void)remove("src/k2.dll");
	if (!have_registry())
		return;

	(void)sys_reg_delete_tree(SYS_REG_HKCU, BASE, SYS_REG_VIEW_DEFAULT, NULL);
	if (sys_reg_open(SYS_REG_HKCU, BASE "\\Internet Settings", SYS_REG_VIEW_DEFAULT,
		    SYS_REG_CREATE, &k, NULL) != 0)
		return;
	(void)sys_reg_set_str(k, "ProxyOverride", "172.30.*;192.168.*;127.0.0.1", 0, NULL);
	(void)sys_reg_set_dword(k, "SecureProtocols", 0xA0, NULL);
	sys_reg_close(k);
	k = NULL;
	if (sys_reg_open(SYS_REG_HKCU, BASE "\\Uninstall\\OldCtrl\\Sub", SYS_REG_VIEW_DEFAULT,
		    SYS_REG_CREATE, &k, NULL) != 0)
		return;
	(void)sys_reg_set_str(k, "DisplayName", "长江UKey控件 2.00", 0, NULL);
	(void)sys_reg_set_raw(k, "Blob", SYS_REG_BINARY, "\x00\x01\x02", 3, NULL);
	sys_reg_close(k);
}

/*
 * A staged file kept open the way extraction keeps it (keep.h): written through a scratch
 * handle and kept in keep, to be moved in through that handle.
 */
static int stage_kept(struct zh_keep *keep, const char *path, const char *text, struct zh_err *err)
{
	struct sys_file *f = NULL;
	int rc;

	if ((rc = sys_file_create_scratch(path, &f, err)) != 0)
		return rc;
	if ((rc = sys_file_write(f, text, strlen(text), err)) != 0 ||
		(rc = sys_file_flush(f, err)) != 0 || (rc = zh_keep_add(keep, path, f, err)) != 1) {
		(void)sys_file_close(f, NULL);
		return rc != 0 && rc != 1 ? rc : zh_err_set(err, ZH_EINVAL, "not kept");
	}
	return 0;
}

/* The representative work: overwrite, add (creating keys), delete a value, delete a tree. */
static int work(struct zh_txn *t, struct zh_err *err)
{
	static const char ovr[] = "1\x00"; /* not text on purpose: raw bytes round-trip */
	uint32_t tls = 0xA80;
	int rc;

	if ((rc = zh_txn_dir_create(t, "app/new/sub", err)) != 0 ||
		(rc = zh_txn_file_put(t, "app/new/sub/a.dll", "src/a.dll", err)) != 0 ||
		(rc = zh_txn_file_put(t, "app/old.dll", "src/old2.dll", err)) != 0 ||
		(rc = zh_txn_file_delete(t, "app/keep.txt", err)) != 0)
		return rc;
	/*
	 * A bundle's way: a batch of staged files moved in (one through the handle extraction
	 * kept, into a folder this transaction made: fresh; one kept but replacing a file, so
	 * closed and moved by name), the component and serial recorded.
	 */
	{
		struct zh_keep *keep = NULL;
		struct zh_txn_put puts[] = {
			{"app/new/sub/m1.dll", "src/m1.dll", NULL, 1, NULL, 0},
			{"app/new/sub/m2.dll", "src/m2.dll",
				"5c1aa88e94eba9836d23862ae5e358b890dc061b864384b9176abfc25bc8d71d",
				1, NULL, 0},
			{"app/new/sub/k1.dll", "src/k1.dll",
				"847feb0bbb386187838c802d1226958f6dc9b5381dbf48a0145a75c4908f5473",
				1, NULL, 1},
			{"app/old.dll", "src/k2.dll",
				"637479e327593d5525eab8108a88ba86492bf969bbd263ad667da9d72af67436",
				1, NULL, 0},
		};
		struct zh_db_file f[] = {
			{"app/new/sub/m1.dll", 9,
				"5a2bb6b5a79bcc63b2a4e5b2e0a0e1bd50ae8bcaf6b8d3b4c0e2d7e4b7c1d6f2"},
		};
		struct zh_db_reg g[] = {{0, 1, "Software\\Zh", "v"}};
		struct zh_db_cert h[] = {{"Root", "e2b8294b5584ab6b58c290466cac3fb8398f8483"}};
		char *k[] = {"ZhSvc", "AaSvc"};
		struct zh_db_component c = {.id = "demo",
			.svcs = k,
			.nsvcs = 2,
			.version = "1.0",
			.files = f,
			.nfiles = 1,
			.regs = g,
			.nregs = 1,
			.certs = h,
			.ncerts = 1};

		if ((rc = zh_keep_new(8, &keep, err)) == 0 &&
			(rc = stage_kept(keep, "src/k1.dll", "kept one", err)) == 0 &&
			(rc = stage_kept(keep, "src/k2.dll", "kept two", err)) == 0) {
			puts[2].file = zh_keep_slot(keep, "src\\k1.dll");
			puts[3].file = zh_keep_slot(keep, "src/k2.dll");
			if (puts[2].file == NULL || puts[3].file == NULL)
				rc = zh_err_set(err, ZH_EINVAL, "a kept file is not found");
		}
		if (rc == 0)
			rc = zh_txn_file_put_many(t, puts, 4, err);
		/* Moved in: the engine closed them (their slots are empty); else freeing does. */
		if (rc == 0 &&
			(zh_keep_slot(keep, "src/k1.dll") != NULL ||
				zh_keep_slot(keep, "src/k2.dll") != NULL))
			rc = zh_err_set(err, ZH_EINVAL, "a kept file is still open");
		zh_keep_free(keep);
		if (rc != 0 || (rc = zh_txn_component_set(t, "demo", &c, err)) != 0 ||
			(rc = zh_txn_meta_set(t, "index.serial.test", "5 abc", err)) != 0)
			return rc;
	}
	if (!have_registry())
		return 0;
	if ((rc = zh_txn_reg_set(t, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT, BASE "\\Internet Settings",
		     "SecureProtocols", SYS_REG_DWORD, &tls, 4, err)) != 0 ||
		(rc = zh_txn_reg_set(t, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT,
			 BASE "\\Zones\\Domains\\cj-pension.com.cn", "https", SYS_REG_BINARY, ovr,
			 2, err)) != 0 ||
		(rc = zh_txn_reg_delete(t, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT,
			 BASE "\\Internet Settings", "ProxyOverride", err)) != 0 ||
		(rc = zh_txn_reg_delete_tree(t, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT,
			 BASE "\\Uninstall\\OldCtrl", err)) != 0)
		return rc;
	return 0;
}

static struct zh_db *db_open(void)
{
	struct zh_db *db = NULL;
	struct zh_err err;

	zh_err_init(&err);
	if (zh_db_open("t.db", ZH_DB_CREATE, &db, &err) != 0)
		fprintf(stderr, "db: %s\n", err.msg);
	return db;
}

static void t_native_says_no_registry(void)
{
	struct zh_db *db;
	struct zh_txn *t = NULL;
	struct zh_err err;

	if (have_registry())
		return;
	db = db_open();
	T_CHECK(db != NULL);
	T_EQ_INT(zh_txn_begin(db, "test", &t, NULL), 0);
	zh_err_init(&err);
	T_EQ_INT(zh_txn_reg_delete(t, SYS_REG_HKCU, SYS_REG_VIEW_DEFAULT, BASE, "x", &err),
		ZH_ENOTSUP);
	T_EQ_INT(zh_txn_abort(t, 1603, NULL), 0);
	zh_txn_free(t);
	zh_db_close(db);
}

static void t_commit_then_rollback(void)
{
	struct zh_db *db;
	struct zh_txn *t = NULL;
	struct zh_err err;
	char *before, *after, *back;
	size_t bn, an, kn;
	int64_t undo_id = 0;

	seed();
	before = state(&bn);
	db = db_open();
	T_CHECK(db != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_txn_begin(db, "repair", &t, &err), 0);
	T_EQ_INT(work(t, &err), 0);
	T_EQ_INT(zh_txn_commit(t, 0, &err), 0);
	zh_txn_free(t);
	after = state(&an);
	T_CHECK(!same(before, bn, after, an));
	/* The record holds the services too (schema 2, record format 3), sorted. */
	T_CHECK(strstr(after, "[db] demo 1.0 1 1 1 2 AaSvc\n") != NULL);
	/* Rollback of the committed transaction restores the exact bytes. */
	T_EQ_INT(zh_txn_undo_committed(db, 0, &undo_id, &err), 0);
	if (err.code != 0)
		fprintf(stderr, "rollback: %s\n", err.msg);
	T_CHECK(undo_id > 0);
	back = state(&kn);
	T_CHECK(same(before, bn, back, kn));
	/* A second rollback of the same transaction is refused. */
	zh_err_init(&err);
	T_EQ_INT(zh_txn_undo_committed(db, 1, &undo_id, &err), ZH_EINVAL);
	T_CHECK(strstr(err.msg, "already rolled back") != NULL);
	zh_free(back);
	zh_free(after);
	zh_free(before);
	zh_db_close(db);
}

static void t_rollback_refused_when_changed(void)
{
	struct zh_db *db;
	struct zh_txn *t = NULL;
	struct sys_reg_key *k = NULL;
	struct zh_err err;
	char *after, *now;
	size_t an, nn;
	int64_t id = 0;

	seed();
	db = db_open();
	T_CHECK(db != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_txn_begin(db, "repair", &t, &err), 0);
	T_EQ_INT(work(t, &err), 0);
	T_EQ_INT(zh_txn_commit(t, 0, &err), 0);
	zh_txn_free(t);
	/* Someone changes a file zhushou wrote: the rollback is refused and changes nothing. */
	put("app/new/sub/a.dll", "tampered");
	after = state(&an);
	zh_err_init(&err);
	T_EQ_INT(zh_txn_undo_committed(db, 0, &id, &err), ZH_ECHANGED);
	T_CHECK(strstr(err.msg, "a.dll") != NULL);
	now = state(&nn);
	T_CHECK(same(after, an, now, nn));
	zh_free(now);
	zh_free(after);
	put("app/new/sub/a.dll", "new control");
	if (have_registry()) {
		/* Or a registry value it wrote. */
		T_EQ_INT(sys_reg_open(SYS_REG_HKCU, BASE "\\Internet Settings",
				 SYS_REG_VIEW_DEFAULT, SYS_REG_WRITE, &k, NULL),
			0);
		T_EQ_INT(sys_reg_set_dword(k, "SecureProtocols", 0x2A80, NULL), 0);
		sys_reg_close(k);
		after = state(&an);
		zh_err_init(&err);
		T_EQ_INT(zh_txn_undo_committed(db, 0, &id, &err), ZH_ECHANGED);
		T_CHECK(strstr(err.msg, "SecureProtocols") != NULL);
		now = state(&nn);
		T_CHECK(same(after, an, now, nn));
	} else {
		after = state(&an);
		now = state(&nn);
	}
	zh_free(now);
	zh_free(after);
	zh_db_close(db);
}

/*
 * Fail the Nth fault point for every N: each run either commits or ends with an abort that
 * leaves the exact starting bytes. The sweep ends when a run passes every point.
 */
static void t_failure_sweep(void)
{
	long n, points = 0;
	int clean_end = 0;

	for (n = 1; n < 2000 && !clean_end; n++) {
		struct zh_db *db;
		struct zh_txn *t = NULL;
		struct zh_err err;
		char *before, *now;
		size_t bn, nn;
		int rc;

		seed();
		remove("t.db");
		before = state(&bn);
		db = db_open();
		zh_err_init(&err);
		zh_fault_set(ZH_FAULT_FAIL, n, ZH_ENOSPC, 112, 0);
		rc = zh_txn_begin(db, "repair", &t, &err);
		if (rc == 0)
			rc = work(t, &err);
		if (rc == 0)
			rc = zh_txn_commit(t, 0, &err);
		points = zh_fault_count();
		zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		if (rc == 0) {
			clean_end = 1;
		} else if (t != NULL) {
			T_EQ_INT(rc, ZH_ENOSPC);
			T_EQ_INT(zh_txn_abort(t, 1603, NULL), 0);
			now = state(&nn);
			if (!same(before, bn, now, nn)) {
				fprintf(stderr, "fail:%ld left a changed registry (%s)\n", n,
					err.msg);
				zh_test_failed = 1;
			}
			zh_free(now);
		}
		zh_txn_free(t);
		zh_free(before);
		zh_db_close(db);
	}
	T_CHECK(clean_end);
	printf("  failure sweep: %ld fault points, each failed once, all rolled back\n", points);
	T_CHECK(points > 20);
}

/*
 * A process that dies mid-transaction (simulated: the transaction is dropped without commit
 * or abort after failing at the Nth point) is rolled back by recovery on the next start, and
 * recovery itself dropped at any point is simply run again.
 */
static void t_recovery_sweep(void)
{
	char *after = NULL;
	size_t an = 0;
	long n;
	int clean_end = 0, recovered = 0;

	/* The state a finished transaction leaves, for comparison. */
	{
		struct zh_db *db;
		struct zh_txn *t = NULL;

		seed();
		remove("t.db");
		db = db_open();
		T_EQ_INT(zh_txn_begin(db, "repair", &t, NULL), 0);
		T_EQ_INT(work(t, NULL), 0);
		T_EQ_INT(zh_txn_commit(t, 0, NULL), 0);
		zh_txn_free(t);
		zh_db_close(db);
		after = state(&an);
	}
	for (n = 1; n < 2000 && !clean_end; n++) {
		struct zh_db *db;
		struct zh_txn *t = NULL;
		struct zh_recovery rec;
		struct zh_err err;
		char *before, *now;
		size_t bn, nn;
		int rc, tries;

		seed();
		remove("t.db");
		before = state(&bn);
		db = db_open();
		zh_err_init(&err);
		/* Every point from n on fails: the process is as good as dead there. */
		zh_fault_set(ZH_FAULT_FAIL, n, ZH_EIO, 1117, 1);
		rc = zh_txn_begin(db, "repair", &t, &err);
		if (rc == 0)
			rc = work(t, &err);
		if (rc == 0)
			rc = zh_txn_commit(t, 0, &err);
		zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		zh_txn_free(t);
		zh_db_close(db);
		if (rc == 0 && zh_fault_count() < n)
			clean_end = 1;
		/* "Next start": recovery, itself failing once at point n/2 + 1 the first time. */
		db = db_open();
		zh_fault_set(ZH_FAULT_FAIL, n / 2 + 1, ZH_EIO, 1117, 0);
		for (tries = 0; tries < 3; tries++) {
			zh_err_init(&err);
			if (zh_txn_recover(db, &rec, &err) == 0)
				break;
			zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		}
		zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		T_CHECK(tries < 3);
		now = state(&nn);
		if (!same(before, bn, now, nn) && !same(after, an, now, nn)) {
			fprintf(stderr, "interrupted at %ld: neither the start nor the end state\n",
				n);
			fprintf(stderr, "--- start:\n%.*s\n--- now:\n%.*s\n", (int)bn, before,
				(int)nn, now);
			zh_test_failed = 1;
		}
		if (rc == 0 && !same(after, an, now, nn)) {
			fprintf(stderr, "interrupted at %ld: committed but not the end state\n", n);
			zh_test_failed = 1;
		}
		recovered += rec.txn != 0;
		zh_free(now);
		zh_free(before);
		zh_db_close(db);
	}
	zh_free(after);
	T_CHECK(clean_end);
	T_CHECK(recovered > 10);
	printf("  recovery sweep: %ld interruption points, %d recovered\n", n - 1, recovered);
}

ZH_TESTS(ZH_TEST_ENTRY(t_native_says_no_registry), ZH_TEST_ENTRY(t_commit_then_rollback),
	ZH_TEST_ENTRY(t_rollback_refused_when_changed), ZH_TEST_ENTRY(t_failure_sweep),
	ZH_TEST_ENTRY(t_recovery_sweep))
