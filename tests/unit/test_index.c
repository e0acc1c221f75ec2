/* SPDX-License-Identifier: MIT */
/*
 * The pack index (src/core/index.c): parsing and writing, and the rules that keep an old or
 * altered index out: lower serial (replay, downgrade), equal serial with other content, expiry
 * (online always; offline unless --allow-expired), creation in the future.
 */
#include "../harness/zh_test.h"
#include "../../src/core/index.h"
#include "../../src/core/mem.h"

static const char *const good =
	"{\"format\":1,\"serial\":7,\"created\":\"2026-01-01T00:00:00Z\","
	"\"expires\":\"2026-04-01T00:00:00Z\",\"publisher\":\"p\","
	"\"catalog\":{\"profile\":\"changjiang\",\"version\":\"2026.1\"},"
	"\"bundles\":[{\"path\":\"bundles/a-1.zip\",\"id\":\"a\",\"version\":\"1\",\"size\":10,"
	"\"sha256\":\"0000000000000000000000000000000000000000000000000000000000000000\"}]}";

#define JAN1 1767225600LL /* 2026-01-01T00:00:00Z */
#define APR1 1775001600LL /* 2026-04-01T00:00:00Z */

static struct zh_index *parse(const char *json)
{
	struct zh_index *idx = NULL;
	struct zh_err err;

	zh_err_init(&err);
	if (zh_index_parse(json, strlen(json), &idx, &err) != 0)
		fprintf(stderr, "parse: %s\n", err.msg);
	return idx;
}

static void t_parse(void)
{
	struct zh_index *idx = parse(good), *again = NULL;
	struct zh_err err;
	char *text = NULL;

	T_CHECK(idx != NULL);
	if (idx == NULL)
		return;
	T_EQ_INT(idx->serial, 7);
	T_EQ_INT(idx->created, JAN1);
	T_EQ_INT(idx->expires, APR1);
	T_EQ_STR(idx->profile, "changjiang");
	T_EQ_INT(idx->nbundles, 1);
	T_CHECK(zh_index_find(idx, "bundles/a-1.zip") == &idx->bundles[0]);
	T_CHECK(zh_index_find(idx, "bundles/A-1.zip") == NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_index_json(idx, &text, &err), 0);
	again = text != NULL ? parse(text) : NULL;
	T_CHECK(again != NULL && again->serial == 7 && again->nbundles == 1 &&
		strcmp(again->bundles[0].path, "bundles/a-1.zip") == 0);
	zh_free(text);
	zh_index_free(again);
	zh_index_free(idx);
}

static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = zh_malloc(n);

	if (at == NULL || out == NULL) {
		zh_free(out);
		return NULL;
	}
	(void)snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static void t_bad(void)
{
	static const struct {
		const char *from, *to;
		int want;
		const char *msg;
	} cases[] = {
		{"\"serial\":7", "\"serial\":0", ZH_EMANIFEST, "serial"},
		{"\"serial\":7", "\"serial\":-7", ZH_EMANIFEST, "serial"},
		{"\"serial\":7", "\"serial\":7.5", ZH_EMANIFEST, "serial"},
		{"\"serial\":7", "\"serial\":1000000000000000", ZH_EMANIFEST, "serial"},
		{"\"serial\":7", "\"serial\":\"7\"", ZH_EMANIFEST, "serial"},
		{"2026-04-01T00:00:00Z", "2025-12-31T00:00:00Z", ZH_EMANIFEST, "after"},
		{"2026-04-01T00:00:00Z", "2026-04-01", ZH_EMANIFEST, "expires"},
		{"\"profile\":\"changjiang\"", "\"profile\":\"Chang Jiang\"", ZH_EMANIFEST,
			"profile"},
		{"\"path\":\"bundles/a-1.zip\"", "\"path\":\"../a-1.zip\"", ZH_EUNSAFE, "'..'"},
		{"\"path\":\"bundles/a-1.zip\"", "\"path\":\"INDEX.json\"", ZH_EMANIFEST,
			"reserved"},
		{"\"size\":10", "\"size\":0", ZH_EMANIFEST, "size"},
		{"\"format\":1", "\"format\":1,\"format\":1", ZH_EMANIFEST, "twice"},
		{"]}", "],\"extra\":true}", ZH_EMANIFEST, "unknown"},
		{"\"bundles\":[{\"path\":\"bundles/a-1.zip\"",
			"\"bundles\":[{\"path\":\"bundles/A-1.ZIP\",\"id\":\"b\",\"version\":\"1\","
			"\"size\":1,\"sha256\":"
			"\"0000000000000000000000000000000000000000000000000000000000000000\"},"
			"{\"path\":\"bundles/a-1.zip\"",
			ZH_EDUP, "twice"},
		{"\"bundles\":[{\"path\":\"bundles/a-1.zip\"",
			"\"bundles\":[{\"path\":\"bundles/a-0.zip\",\"id\":\"a\",\"version\":\"0\","
			"\"size\":1,\"sha256\":"
			"\"0000000000000000000000000000000000000000000000000000000000000000\"},"
			"{\"path\":\"bundles/a-1.zip\"",
			ZH_EDUP, "two bundles"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zh_index *idx = NULL;
		struct zh_err err;
		char *j = replace(good, cases[i].from, cases[i].to);
		int rc;

		T_CHECK(j != NULL);
		if (j == NULL)
			continue;
		zh_err_init(&err);
		rc = zh_index_parse(j, strlen(j), &idx, &err);
		if (rc != cases[i].want || strstr(err.msg, cases[i].msg) == NULL) {
			fprintf(stderr, "case %zu: got %s '%s', want %s '%s'\n", i, zh_err_name(rc),
				err.msg, zh_err_name(cases[i].want), cases[i].msg);
			zh_test_failed = 1;
		}
		zh_index_free(idx);
		zh_free(j);
	}
}

static void t_fresh(void)
{
	struct zh_serial_mem mem;
	struct zh_serial_store store;
	struct zh_index *idx = parse(good), *other = NULL;
	struct zh_err err;
	int expired = -1;
	char *j;

	T_CHECK(idx != NULL);
	if (idx == NULL)
		return;
	zh_serial_mem_init(&mem, &store);
	zh_err_init(&err);
	/* Nothing accepted yet. */
	T_EQ_INT(zh_index_check_fresh(idx, &store, JAN1 + 86400, 0, &expired, &err), 0);
	T_EQ_INT(expired, 0);
	T_EQ_INT(zh_index_record(idx, &store, &err), 0);
	/* The same index again is fine. */
	T_EQ_INT(zh_index_check_fresh(idx, &store, JAN1 + 86400, 0, &expired, &err), 0);
	/* Same serial, other bytes. */
	j = replace(good, "\"publisher\":\"p\"", "\"publisher\":\"q\"");
	other = parse(j);
	zh_free(j);
	T_EQ_INT(zh_index_check_fresh(other, &store, JAN1 + 86400, 0, &expired, &err), ZH_ESERIAL);
	T_CHECK(strstr(err.msg, "other content") != NULL);
	zh_index_free(other);
	/* Lower serial. */
	j = replace(good, "\"serial\":7", "\"serial\":6");
	other = parse(j);
	zh_free(j);
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(other, &store, JAN1 + 86400, 0, &expired, &err), ZH_EREPLAY);
	T_CHECK(strstr(err.msg, "lower than 7") != NULL);
	/* Recording a lower one never lowers what is kept. */
	zh_err_init(&err);
	T_EQ_INT(zh_index_record(other, &store, &err), 0);
	T_EQ_INT(mem.rows[0].serial, 7);
	zh_index_free(other);
	/* Higher serial: fine, and it becomes the one kept. */
	j = replace(good, "\"serial\":7", "\"serial\":8");
	other = parse(j);
	zh_free(j);
	T_EQ_INT(zh_index_check_fresh(other, &store, JAN1 + 86400, 0, &expired, &err), 0);
	T_EQ_INT(zh_index_record(other, &store, &err), 0);
	T_EQ_INT(mem.rows[0].serial, 8);
	T_EQ_INT(zh_index_check_fresh(idx, &store, JAN1 + 86400, 0, &expired, &err), ZH_EREPLAY);
	zh_index_free(other);
	/* Another profile has its own serial. */
	j = replace(good, "\"profile\":\"changjiang\"", "\"profile\":\"other\"");
	other = parse(j);
	zh_free(j);
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(other, &store, JAN1 + 86400, 0, &expired, &err), 0);
	zh_index_free(other);
	/* Expiry: offline needs the flag and says so; online never. */
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, APR1 + 1, 0, &expired, &err), ZH_EEXPIRED);
	T_CHECK(strstr(err.msg, "--allow-expired") != NULL);
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, APR1 + 1, ZH_INDEX_ALLOW_EXPIRED, &expired, &err),
		0);
	T_EQ_INT(expired, 1);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, APR1 + 1, ZH_INDEX_ONLINE, &expired, &err),
		ZH_EEXPIRED);
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, APR1 + 1, ZH_INDEX_ONLINE | ZH_INDEX_ALLOW_EXPIRED,
			 &expired, &err),
		ZH_EEXPIRED);
	T_CHECK(strstr(err.msg, "online") != NULL);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, APR1, ZH_INDEX_ONLINE, &expired, &err), 0);
	/* Made in the future (beyond the allowed clock skew). */
	zh_err_init(&err);
	T_EQ_INT(zh_index_check_fresh(idx, NULL, JAN1 - 2 * 86400, 0, &expired, &err), ZH_EINVAL);
	zh_index_free(idx);
}

ZH_TESTS(ZH_TEST_ENTRY(t_parse), ZH_TEST_ENTRY(t_bad), ZH_TEST_ENTRY(t_fresh))
