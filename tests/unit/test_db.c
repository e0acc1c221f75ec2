/* SPDX-License-Identifier: MIT */
/*
 * The manifest DB: creation and schema, meta values, transaction rows and the journal,
 * refusal of a damaged file and of a schema from a newer zhushou.
 */
#include <stdlib.h>

#include "../harness/zh_test.h"
#include "../../src/core/db.h"
#include "../../src/core/mem.h"

static struct zh_db *open_new(void)
{
	struct zh_db *db = NULL;
	struct zh_err err;

	zh_err_init(&err);
	if (zh_db_open("m.db", ZH_DB_CREATE, &db, &err) != 0)
		fprintf(stderr, "open: %s\n", err.msg);
	return db;
}

static void t_create_and_meta(void)
{
	struct zh_db *db = NULL;
	struct zh_err err;
	char *v = NULL;

	zh_err_init(&err);
	T_EQ_INT(zh_db_open("absent.db", 0, &db, &err), ZH_ENOENT);
	T_CHECK(strstr(err.msg, "absent.db") != NULL);
	db = open_new();
	T_CHECK(db != NULL);
	if (db == NULL)
		return;
	T_EQ_INT(zh_db_meta_get(db, "index.serial", &v, NULL), ZH_ENOENT);
	T_EQ_INT(zh_db_meta_set(db, "index.serial", "41", NULL), 0);
	T_EQ_INT(zh_db_meta_set(db, "index.serial", "42", NULL), 0);
	zh_db_close(db);
	/* Reopening finds the schema in place and the value durable. */
	db = open_new();
	T_CHECK(db != NULL);
	if (db == NULL)
		return;
	T_EQ_INT(zh_db_meta_get(db, "index.serial", &v, NULL), 0);
	T_EQ_STR(v, "42");
	zh_free(v);
	zh_db_close(db);
}

static int count_rows(const struct zh_txn_row *row, void *ctx)
{
	(void)row;
	(*(int *)ctx)++;
	return 0;
}

struct seen {
	int n;
	int last_seq;
	int ok;
};

static int check_rec(const struct zh_jrec *r, void *ctx)
{
	struct seen *s = ctx;

	s->ok = s->ok && r->seq < s->last_seq && strcmp(r->kind, "reg.set") == 0 &&
		r->new_len == 3 && memcmp(r->new_data, "abc", 3) == 0 && r->old_data == NULL;
	s->last_seq = r->seq;
	s->n++;
	return 0;
}

static void t_txn_and_journal(void)
{
	struct zh_db *db = open_new();
	struct zh_txn_row row;
	struct zh_jrec r;
	struct seen s = {0, 1000, 1};
	int64_t id = 0;
	int n = 0, i;

	T_CHECK(db != NULL);
	if (db == NULL)
		return;
	T_EQ_INT(zh_db_txn_unfinished(db, &row, NULL), ZH_ENOENT);
	T_EQ_INT(zh_db_txn_new(db, "repair", 0, &id, NULL), 0);
	T_CHECK(id > 0);
	memset(&r, 0, sizeof(r));
	r.txn = id;
	r.kind = "reg.set";
	r.target = "HKCU|0|Software\\x";
	r.name = "v";
	r.new_data = "abc";
	r.new_len = 3;
	for (i = 1; i <= 3; i++) {
		r.seq = i;
		T_EQ_INT(zh_db_journal_add(db, &r, NULL), 0);
	}
	/* The same step twice is a programming error the DB refuses. */
	T_CHECK(zh_db_journal_add(db, &r, NULL) != 0);
	T_EQ_INT(zh_db_journal_mark(db, id, 2, ZH_J_DONE, NULL), 0);
	T_EQ_INT(zh_db_journal_each(db, id, 1, check_rec, &s, NULL), 0);
	T_EQ_INT(s.n, 3);
	T_CHECK(s.ok);
	T_EQ_INT(zh_db_txn_unfinished(db, &row, NULL), 0);
	T_EQ_INT(row.id, id);
	T_EQ_INT(row.state, ZH_TXN_OPEN);
	T_EQ_INT(row.nops, 3);
	T_CHECK(row.finished == NULL);
	zh_txn_row_release(&row);
	T_EQ_INT(zh_db_txn_set(db, id, ZH_TXN_DONE, 3010, 1, NULL), 0);
	T_EQ_INT(zh_db_txn_unfinished(db, &row, NULL), ZH_ENOENT);
	T_EQ_INT(zh_db_txn_get(db, 0, &row, NULL), 0);
	T_EQ_INT(row.exit_code, 3010);
	T_EQ_INT(row.reboot, 1);
	T_CHECK(row.finished != NULL && row.finished[4] == '-');
	zh_txn_row_release(&row);
	T_EQ_INT(zh_db_txn_set(db, 999, ZH_TXN_DONE, 0, 0, NULL), ZH_ENOENT);
	T_EQ_INT(zh_db_txn_list(db, count_rows, &n, NULL), 0);
	T_EQ_INT(n, 1);
	zh_db_close(db);
}

static void t_damaged(void)
{
	struct zh_db *db = open_new();
	struct zh_err err;
	char junk[4096];
	FILE *f;
	size_t i;

	T_CHECK(db != NULL);
	zh_db_close(db);
	/* Overwrite everything after the header page: SQLite sees a damaged file. */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(i * 7 + 3);
	f = fopen("m.db", "r+b");
	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	T_CHECK(fseek(f, 100, SEEK_SET) == 0);
	T_CHECK(fwrite(junk, 1, sizeof(junk), f) == sizeof(junk));
	fclose(f);
	zh_err_init(&err);
	db = NULL;
	T_EQ_INT(zh_db_open("m.db", ZH_DB_CREATE, &db, &err), ZH_EDBCORRUPT);
	T_CHECK(db == NULL);
	T_CHECK(strstr(err.msg, "m.db") != NULL);
	/* Not a database at all. */
	T_EQ_INT(zh_test_write("text.db", "hello, this is not SQLite at all, not even close....",
			 52),
		0);
	zh_err_init(&err);
	T_EQ_INT(zh_db_open("text.db", 0, &db, &err), ZH_EDBCORRUPT);
}

static void t_newer_schema(void)
{
	struct zh_db *db = open_new();
	struct zh_err err;

	T_CHECK(db != NULL);
	zh_db_close(db);
	/* Bump user_version behind zhushou's back via the meta-free route: a raw SQLite edit. */
	{
		FILE *f = fopen("m.db", "r+b");
		unsigned char v[4] = {0, 0, 0, 99};

		T_CHECK(f != NULL);
		if (f == NULL)
			return;
		/* The user_version is the big-endian u32 at offset 60 of the header. */
		T_CHECK(fseek(f, 60, SEEK_SET) == 0);
		T_CHECK(fwrite(v, 1, 4, f) == 4);
		fclose(f);
	}
	zh_err_init(&err);
	db = NULL;
	T_EQ_INT(zh_db_open("m.db", 0, &db, &err), ZH_EDB);
	T_CHECK(strstr(err.msg, "newer") != NULL);
}

static void t_alloc_sweep(void)
{
	long n;
	int done = 0;

	for (n = 0; n < 200 && !done; n++) {
		struct zh_db *db = NULL;
		int rc;

		zh_mem_fail_after(n);
		rc = zh_db_open("s.db", ZH_DB_CREATE, &db, NULL);
		zh_mem_fail_after(-1);
		if (rc == 0) {
			done = 1;
			zh_db_close(db);
		} else {
			T_EQ_INT(rc, ZH_ENOMEM);
		}
	}
	T_CHECK(done);
}

ZH_TESTS(ZH_TEST_ENTRY(t_create_and_meta), ZH_TEST_ENTRY(t_txn_and_journal),
	ZH_TEST_ENTRY(t_damaged), ZH_TEST_ENTRY(t_newer_schema), ZH_TEST_ENTRY(t_alloc_sweep))
