/* SPDX-License-Identifier: MIT */
/*
 * The support report's writer and the manifest DB copy: items redacted by kind, the index
 * naming what is missing, UTF-8 entry names with the language encoding flag, the atomic write
 * (a previous report replaced, a stale temporary file removed, nothing left when the folder
 * does not exist), a log's tail, and a DB copy whose text holds no user name anywhere.
 */
#include <stdlib.h>

#include <cJSON.h>
#include <minizip/unzip.h>

#include "../harness/zh_test.h"
#include "../../src/core/db.h"
#include "../../src/core/mem.h"
#include "../../src/core/support.h"
#include "../../src/sys/fs.h"

static const struct zh_support_title title = {"标题", "title"};

/* One entry of a zip: its data (NUL-terminated, zh_free) and general-purpose flags. */
static char *unzip_entry(const char *zip, const char *name, size_t *ret_len, unsigned *ret_flag)
{
	unzFile uf = unzOpen64(zip);
	unz_file_info64 info;
	char *data = NULL;

	if (uf == NULL)
		return NULL;
	if (unzLocateFile(uf, name, 1) == UNZ_OK &&
		unzGetCurrentFileInfo64(uf, &info, NULL, 0, NULL, 0, NULL, 0) == UNZ_OK &&
		unzOpenCurrentFile(uf) == UNZ_OK) {
		data = zh_malloc((size_t)info.uncompressed_size + 1);
		if (data != NULL &&
			unzReadCurrentFile(uf, data, (unsigned)info.uncompressed_size) ==
				(int)info.uncompressed_size) {
			data[info.uncompressed_size] = '\0';
			*ret_len = (size_t)info.uncompressed_size;
			*ret_flag = (unsigned)info.flag;
		} else {
			zh_free(data);
			data = NULL;
		}
		unzCloseCurrentFile(uf);
	}
	unzClose(uf);
	return data;
}

static int exists(const char *path)
{
	enum sys_fs_kind kind = SYS_FS_NONE;

	return sys_fs_stat(path, &kind, NULL, NULL) == 0 && kind != SYS_FS_NONE;
}

static struct zh_support *sample(struct zh_redact *r)
{
	struct zh_support *s;
	struct zh_err err;
	const char *text = "dir C:\\Users\\Bob\\AppData and C:\\Users\\bobby\r\n";
	const char *json = "{\"p\": \"C:\\\\Users\\\\bob\\\\x\", \"bob\": \"bob\"}";

	zh_err_init(&err);
	zh_redact_init(r);
	T_EQ_INT(zh_redact_add(r, "bob", &err), 0);
	s = zh_support_new(r, &err);
	T_CHECK(s != NULL);
	T_EQ_INT(zh_support_add(s, "检测结果.txt", title, ZH_SUPPORT_TEXT, text, strlen(text),
			 &err),
		0);
	T_EQ_INT(zh_support_add(s, "check.json", title, ZH_SUPPORT_JSON, json, strlen(json), &err),
		0);
	T_EQ_INT(zh_support_add(s, "raw.bin", title, ZH_SUPPORT_BINARY, "bob\0x", 5, &err), 0);
	T_EQ_INT(zh_support_missing(s, "zhushou.db", title, "no DB in C:\\Users\\bob\\y", &err), 0);
	T_EQ_INT(zh_support_note(s, "备注", "a note", &err), 0);
	/* The same name twice is a programming error, said as such. */
	T_EQ_INT(zh_support_add(s, "raw.bin", title, ZH_SUPPORT_BINARY, "", 0, &err), ZH_EDUP);
	return s;
}

static void t_write(void)
{
	struct zh_redact r;
	struct zh_support *s = sample(&r);
	struct zh_err err;
	char *data;
	size_t len = 0;
	unsigned flag = 0;
	cJSON *idx, *items, *it;

	zh_err_init(&err);
	T_EQ_INT(sys_fs_mkdir("out", &err), 0);
	T_EQ_INT(zh_support_write(s, "out/report.zip", "1.2.3", 1767225600, &err), 0);
	T_CHECK(exists("out/report.zip"));
	T_CHECK(!exists("out/report.zip.tmp"));

	/* The Chinese name, with bit 11 (UTF-8) set; the text redacted, the longer word kept. */
	data = unzip_entry("out/report.zip", "检测结果.txt", &len, &flag);
	T_CHECK(data != NULL);
	T_CHECK((flag & 0x800) != 0);
	T_EQ_STR(data, "dir C:\\Users\\%USERNAME%\\AppData and C:\\Users\\bobby\r\n");
	zh_free(data);
	data = unzip_entry("out/report.zip", "check.json", &len, &flag);
	T_EQ_STR(data, "{\"p\": \"C:\\\\Users\\\\%USERNAME%\\\\x\", \"bob\": \"%USERNAME%\"}");
	zh_free(data);
	/* Binary items are stored as they are. */
	data = unzip_entry("out/report.zip", "raw.bin", &len, &flag);
	T_CHECK(data != NULL && len == 5 && memcmp(data, "bob\0x", 5) == 0);
	zh_free(data);
	T_CHECK(unzip_entry("out/report.zip", "zhushou.db", &len, &flag) == NULL);

	data = unzip_entry("out/report.zip", "README.txt", &len, &flag);
	T_CHECK(data != NULL && strstr(data, "zhushou.db") != NULL &&
		strstr(data, "no DB in C:\\Users\\%USERNAME%\\y") != NULL &&
		strstr(data, "a note") != NULL && strstr(data, "bob\\") == NULL);
	zh_free(data);
	data = unzip_entry("out/report.zip", "index.json", &len, &flag);
	idx = data != NULL ? cJSON_Parse(data) : NULL;
	T_CHECK(idx != NULL);
	items = cJSON_GetObjectItem(idx, "items");
	T_EQ_INT(cJSON_GetArraySize(items), 4);
	it = cJSON_GetArrayItem(items, 3);
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(it, "name")), "zhushou.db");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(it, "status")), "missing");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(it, "why")),
		"no DB in C:\\Users\\%USERNAME%\\y");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "status")),
		"ok");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(idx, "zhushou")), "1.2.3");
	T_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(idx, "created")), "2026-01-01T00:00:00Z");
	/* One in the text, two in the JSON (not the key), one in the reason. */
	T_EQ_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(idx, "redactions")), 4);
	cJSON_Delete(idx);
	zh_free(data);

	/* A previous report is replaced; a stale temporary file from a killed run is removed. */
	T_EQ_INT(zh_test_write("out/report.zip.tmp", "junk", 4), 0);
	T_EQ_INT(zh_support_write(s, "out/report.zip", "1.2.4", 1767225600, &err), 0);
	T_CHECK(!exists("out/report.zip.tmp"));
	data = unzip_entry("out/report.zip", "index.json", &len, &flag);
	T_CHECK(data != NULL && strstr(data, "1.2.4") != NULL);
	zh_free(data);
	zh_support_free(s);
	zh_redact_release(&r);
}

static void t_write_fails(void)
{
	struct zh_redact r;
	struct zh_support *s = sample(&r);
	struct zh_err err;

	/* No such folder: the error names the report, nothing is left. */
	zh_err_init(&err);
	T_EQ_INT(zh_support_write(s, "nope/report.zip", "1", 0, &err), ZH_ENOENT);
	T_CHECK(strstr(err.msg, "nope/report.zip") != NULL);
	T_CHECK(!exists("nope"));
	/* A folder where the file should be is not replaced. */
	zh_err_init(&err);
	T_EQ_INT(sys_fs_mkdir("dir.zip", &err), 0);
	T_EQ_INT(zh_support_write(s, "dir.zip", "1", 0, &err), ZH_EEXIST);
	T_CHECK(strstr(err.msg, "dir.zip") != NULL);
	T_CHECK(!exists("dir.zip.tmp"));
	zh_support_free(s);
	zh_redact_release(&r);
}

static void t_file_tail(void)
{
	struct zh_redact r;
	struct zh_support *s;
	struct zh_err err;
	char *data;
	size_t len = 0;
	unsigned flag = 0;

	zh_err_init(&err);
	zh_redact_init(&r);
	T_EQ_INT(zh_redact_add(&r, "bob", &err), 0);
	s = zh_support_new(&r, &err);
	T_EQ_INT(zh_test_write("a.log", "line 1\nline 2 C:\\Users\\bob\n", 27), 0);
	T_EQ_INT(zh_support_add_file_tail(s, "logs/a.log", title, "a.log", 13, &err), 0);
	T_EQ_INT(zh_support_add_file_tail(s, "logs/b.log", title, "a.log", 1000, &err), 0);
	T_EQ_INT(zh_support_add_file_tail(s, "logs/c.log", title, "nothing.log", 10, &err),
		ZH_ENOENT);
	T_EQ_INT(zh_support_write(s, "r.zip", "1", 0, &err), 0);
	data = unzip_entry("r.zip", "logs/a.log", &len, &flag);
	/* The last 13 bytes, redacted after the cut. */
	T_EQ_STR(data, "C:\\Users\\%USERNAME%\n");
	zh_free(data);
	data = unzip_entry("r.zip", "index.json", &len, &flag);
	T_CHECK(data != NULL && strstr(data, "\"truncated\":\ttrue") != NULL);
	zh_free(data);
	zh_support_free(s);
	zh_redact_release(&r);
}

static int filter(void *ctx, const char *text, size_t len, char **ret, size_t *ret_len,
	struct zh_err *err)
{
	return zh_redact_text(ctx, text, len, 0, ret, ret_len, NULL, err);
}

static int contains(const void *data, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp((const char *)data + i, s, n) == 0)
			return 1;
	return 0;
}

static void t_db_copy(void)
{
	struct zh_redact r;
	struct zh_db *db = NULL, *copy = NULL;
	struct zh_err err;
	struct zh_txn_row row;
	void *data = NULL;
	size_t len = 0;
	char *v = NULL;
	int64_t txn = 0;

	zh_err_init(&err);
	zh_redact_init(&r);
	T_EQ_INT(zh_redact_add(&r, "zhbobuser", &err), 0);
	T_EQ_INT(zh_db_open("m.db", ZH_DB_CREATE | ZH_DB_EXCLUSIVE, &db, &err), 0);
	T_EQ_INT(zh_db_meta_set(db, "dir", "C:\\Users\\zhbobuser\\AppData", &err), 0);
	T_EQ_INT(zh_db_meta_set(db, "old", "C:\\Users\\zhbobuser\\gone", &err), 0);
	T_EQ_INT(zh_db_meta_delete(db, "old", &err), 0);
	T_EQ_INT(zh_db_txn_new(db, "repair", 0, &txn, &err), 0);

	/* Without a filter: every byte as it is (the held lock does not stop the copy). */
	T_EQ_INT(zh_db_copy(db, 1 << 24, NULL, NULL, &data, &len, &err), 0);
	T_CHECK(len > 100 && memcmp(data, "SQLite format 3", 15) == 0);
	T_CHECK(contains(data, len, "zhbobuser"));
	zh_free(data);

	/* With the redaction: the name is nowhere, not even in the freed pages. */
	T_EQ_INT(zh_db_copy(db, 1 << 24, filter, &r, &data, &len, &err), 0);
	T_CHECK(!contains(data, len, "zhbobuser"));
	T_EQ_INT(zh_test_write("copy.db", data, len), 0);
	zh_free(data);
	T_EQ_INT(zh_db_open("copy.db", 0, &copy, &err), 0);
	T_EQ_INT(zh_db_meta_get(copy, "dir", &v, &err), 0);
	T_EQ_STR(v, "C:\\Users\\%USERNAME%\\AppData");
	zh_free(v);
	T_EQ_INT(zh_db_txn_get(copy, txn, &row, &err), 0);
	T_EQ_STR(row.verb, "repair");
	zh_txn_row_release(&row);
	zh_db_close(copy);

	/* Over the limit: nothing handed out. */
	data = NULL;
	T_EQ_INT(zh_db_copy(db, 100, NULL, NULL, &data, &len, &err), ZH_ETOOBIG);
	T_CHECK(data == NULL);
	zh_db_close(db);
	zh_redact_release(&r);
}

ZH_TESTS(ZH_TEST_ENTRY(t_write), ZH_TEST_ENTRY(t_write_fails), ZH_TEST_ENTRY(t_file_tail),
	ZH_TEST_ENTRY(t_db_copy))
