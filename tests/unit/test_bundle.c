/* SPDX-License-Identifier: MIT */
/*
 * Bundles (src/core/bundle*.c): a good bundle verifies and extracts; every extraction rule of
 * DESIGN.md "Trust" refuses a hostile bundle made here with minizip (testzip.h), with the
 * entry and the reason in the message, and leaves no staging directory behind; bundle.json
 * itself is validated strictly. Runs natively and under Wine (where paths over 260
 * characters go through \\?\).
 */
#include <time.h>

#include <openssl/sha.h>

#include "../harness/zh_test.h"
#include "../harness/testzip.h"
#include "../../src/core/bundle.h"
#include "../../src/core/mem.h"
#include "../../src/sys/fault.h"
#include "../../src/sys/fs.h"

static struct tpki_set pki;
static int pki_ok;
static struct zh_trust *trust;

static int setup(void)
{
	struct zh_err err;

	if (!pki_ok) {
		pki_ok = tpki_set_make(&pki) == 0 ? 1 : -1;
		zh_err_init(&err);
		if (pki_ok == 1 &&
			(zh_trust_new(&trust, &err) != 0 ||
				zh_trust_add_pem(trust, pki.root.cert_pem,
					strlen(pki.root.cert_pem), "test", &err) != 0))
			pki_ok = -1;
	}
	if (pki_ok != 1)
		fprintf(stderr, "cannot make the test PKI\n");
	return pki_ok == 1;
}

static enum sys_fs_kind kind_of(const char *path)
{
	enum sys_fs_kind k = SYS_FS_OTHER;
	struct zh_err err;

	zh_err_init(&err);
	(void)sys_fs_stat(path, &k, NULL, &err);
	return k;
}

/* Verify-only and extract-into-"stage"; both must give want, and no "stage" may remain. */
static int run(const char *path, int want, const char *msg_part, const char *label)
{
	struct zh_bundle_opts o;
	struct zh_bundle_report rep;
	struct zh_err err;
	int rc, pass;

	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = (int64_t)time(NULL);
	for (pass = 0; pass < 2; pass++) {
		o.staging = pass == 0 ? NULL : "stage";
		zh_err_init(&err);
		rc = zh_bundle_read_file(path, &o, &rep, &err);
		zh_bundle_report_release(&rep);
		if (rc != want || (msg_part != NULL && strstr(err.msg, msg_part) == NULL)) {
			fprintf(stderr, "%s (%s): got %s '%s', want %s '%s'\n", label,
				pass ? "extract" : "verify", zh_err_name(rc), err.msg,
				zh_err_name(want), msg_part ? msg_part : "");
			zh_test_failed = 1;
		}
		if (want != 0 && kind_of("stage") != SYS_FS_NONE) {
			fprintf(stderr, "%s: staging left behind\n", label);
			zh_test_failed = 1;
		}
		if (want == 0 && pass == 1) {
			struct zh_err e2;

			zh_err_init(&e2);
			(void)sys_fs_remove_tree("stage", &e2);
		}
	}
	return rc;
}

static const char readme[] = "read me\n";
static const char other[] = "another file, 中文\n";

static const struct tzip_ent good_files[] = {
	{"payload/readme.txt", readme, sizeof(readme) - 1, 0},
	{"payload/子目录/其他.txt", other, sizeof(other) - 1, TZIP_STORE},
};

static void t_good(void)
{
	struct zh_bundle_opts o;
	struct zh_bundle_report rep;
	struct zh_err err;
	char *m;
	size_t len = 0;
	void *data = NULL;

	if (!setup())
		return;
	m = tzip_manifest("demo", "1.0", good_files, 2);
	T_EQ_INT(tzip_bundle("b.zip", m, &pki.pub, &pki.inter, good_files, 2), 0);
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = (int64_t)time(NULL);
	o.staging = "stage";
	o.expect_id = "demo";
	o.expect_version = "1.0";
	zh_err_init(&err);
	T_EQ_INT(zh_bundle_read_file("b.zip", &o, &rep, &err), 0);
	if (err.code != 0)
		fprintf(stderr, "%s\n", err.msg);
	T_CHECK(rep.manifest != NULL && rep.manifest->nfiles == 2);
	T_EQ_INT(rep.bytes, sizeof(readme) - 1 + sizeof(other) - 1);
	T_EQ_STR(rep.sig.root_label, "test");
	zh_bundle_report_release(&rep);
	T_EQ_INT(sys_fs_read_head("stage/payload/子目录/其他.txt", 100, &data, &len, &err), 0);
	T_CHECK(len == sizeof(other) - 1 && memcmp(data, other, len) == 0);
	sys_free(data);
	T_EQ_INT(kind_of("stage/bundle.json"), SYS_FS_FILE);
	T_EQ_INT(kind_of("stage/bundle.json.sig"), SYS_FS_FILE);
	/* The staging directory must be new. */
	zh_err_init(&err);
	T_EQ_INT(zh_bundle_read_file("b.zip", &o, &rep, &err), ZH_EEXIST);
	zh_bundle_report_release(&rep);
	T_EQ_INT(kind_of("stage/bundle.json"), SYS_FS_FILE);
	/* Not the bundle the index names. */
	zh_err_init(&err);
	T_EQ_INT(sys_fs_remove_tree("stage", &err), 0);
	o.expect_version = "2.0";
	T_EQ_INT(zh_bundle_read_file("b.zip", &o, &rep, &err), ZH_EMISMATCH);
	T_CHECK(strstr(err.msg, "demo 1.0") != NULL);
	zh_bundle_report_release(&rep);
	T_EQ_INT(kind_of("stage"), SYS_FS_NONE);
	free(m);
}

/* Hostile entry names and kinds, each against a clean, correctly signed manifest. */
static void t_entries(void)
{
	static const struct {
		const char *name;
		unsigned flags;
		int want;
		const char *msg;
	} cases[] = {
		{"../evil.txt", 0, ZH_EUNSAFE, "'..'"},
		{"payload/../../evil.txt", 0, ZH_EUNSAFE, "'..'"},
		{"..\\evil.txt", 0, ZH_EUNSAFE, "'..'"},
		{"/etc/evil", 0, ZH_EUNSAFE, "absolute"},
		{"\\evil", 0, ZH_EUNSAFE, "absolute"},
		{"C:evil.txt", 0, ZH_EUNSAFE, "drive"},
		{"c:/windows/evil.txt", 0, ZH_EUNSAFE, "drive"},
		{"\\\\server\\share\\evil", 0, ZH_EUNSAFE, "UNC"},
		{"//server/share/evil", 0, ZH_EUNSAFE, "UNC"},
		{"\\\\?\\C:\\evil", 0, ZH_EUNSAFE, "prefix"},
		{"payload/readme.txt:hidden", 0, ZH_EUNSAFE, "alternate data stream"},
		{"CON", 0, ZH_EUNSAFE, "device"},
		{"payload/nul.txt", 0, ZH_EUNSAFE, "device"},
		{"payload/COM1.log", 0, ZH_EUNSAFE, "device"},
		{"payload/lpt9", 0, ZH_EUNSAFE, "device"},
		{"payload/trailing.", 0, ZH_EUNSAFE, "dot or a space"},
		{"payload/trailing ", 0, ZH_EUNSAFE, "dot or a space"},
		{"payload/link", TZIP_SYMLINK, ZH_ELINK, "symbolic link"},
		{"payload/dir/", TZIP_DIR, ZH_EUNSAFE, "directory"},
		{"payload/extra.txt", 0, ZH_EUNLISTED, "not listed"},
		{"PAYLOAD/README.TXT", 0, ZH_EDUP, "only in case"},
		{"PAYLOAD/子目录/其他.TXT", 0, ZH_EDUP, "differs only in case"},
		{"payload/\xd6\xd0\xce\xc4.txt", TZIP_NO_UTF8, ZH_ENAME, "UTF-8"},
		{"payload/\xff\xfe.txt", 0, ZH_ENAME, "UTF-8"},
	};
	struct tzip_ent ents[3];
	char *m;
	size_t i;

	if (!setup())
		return;
	m = tzip_manifest("demo", "1.0", good_files, 2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char label[80];

		ents[0] = good_files[0];
		ents[1].name = cases[i].name;
		ents[1].data = "x";
		ents[1].len = 1;
		ents[1].flags = cases[i].flags;
		ents[2] = good_files[1];
		(void)snprintf(label, sizeof(label), "entry case %zu", i);
		T_EQ_INT(tzip_bundle("h.zip", m, &pki.pub, &pki.inter, ents, 3), 0);
		(void)run("h.zip", cases[i].want, cases[i].msg, label);
		remove("h.zip");
	}
	free(m);
}

static void t_listing(void)
{
	struct tzip_ent ents[3];
	char *m;

	if (!setup())
		return;
	m = tzip_manifest("demo", "1.0", good_files, 2);
	/* Duplicate entry. */
	ents[0] = good_files[0];
	ents[1] = good_files[0];
	ents[2] = good_files[1];
	T_EQ_INT(tzip_bundle("h.zip", m, &pki.pub, &pki.inter, ents, 3), 0);
	run("h.zip", ZH_EDUP, "appears twice", "duplicate");
	/* Listed file missing from the archive. */
	T_EQ_INT(tzip_bundle("h2.zip", m, &pki.pub, &pki.inter, good_files, 1), 0);
	run("h2.zip", ZH_EMISSING, "其他.txt", "missing");
	/* Other content of the same size: hash; other size: size (declared in the header). */
	ents[0] = good_files[0];
	ents[1] = good_files[1];
	ents[1].data = "another file, 中文?";
	T_EQ_INT(tzip_bundle("h3.zip", m, &pki.pub, &pki.inter, ents, 2), 0);
	run("h3.zip", ZH_EHASH, "SHA-256", "hash");
	ents[1].data = "x";
	ents[1].len = 1;
	T_EQ_INT(tzip_bundle("h4.zip", m, &pki.pub, &pki.inter, ents, 2), 0);
	run("h4.zip", ZH_ESIZE, "bundle.json lists", "size");
	/* The manifest lists two names that are one file on Windows. */
	free(m);
	ents[0] = good_files[0];
	ents[1] = good_files[0];
	ents[1].name = "payload/README.txt";
	m = tzip_manifest("demo", "1.0", ents, 2);
	T_EQ_INT(tzip_bundle("h5.zip", m, &pki.pub, &pki.inter, ents, 2), 0);
	run("h5.zip", ZH_EDUP, "listed twice", "case collision in the listing");
	/* A listed path that is also a directory of another. */
	free(m);
	ents[1].name = "payload/readme.txt/inner";
	m = tzip_manifest("demo", "1.0", ents, 2);
	T_EQ_INT(tzip_bundle("h6.zip", m, &pki.pub, &pki.inter, ents, 2), 0);
	run("h6.zip", ZH_EDUP, "listed as a file", "file and directory");
	/* A manifest listing an unsafe path. */
	free(m);
	ents[1].name = "../x";
	m = tzip_manifest("demo", "1.0", ents, 2);
	T_EQ_INT(tzip_bundle("h7.zip", m, &pki.pub, &pki.inter, ents, 1), 0);
	run("h7.zip", ZH_EUNSAFE, "'..'", "unsafe listed path");
	/* bundle.json must come first. */
	ents[0].name = "payload/readme.txt";
	T_EQ_INT(tzip_write("h8.zip", ents, 1), 0);
	run("h8.zip", ZH_EMISSING, "bundle.json", "no manifest");
	free(m);
}

static void t_signatures(void)
{
	char *m;
	FILE *f;
	long n;
	char *buf;

	if (!setup())
		return;
	m = tzip_manifest("demo", "1.0", good_files, 2);
	T_EQ_INT(tzip_bundle("u.zip", m, &pki.untrusted, NULL, good_files, 2), 0);
	run("u.zip", ZH_EUNTRUSTED, "signature of bundle.json", "untrusted");
	T_EQ_INT(tzip_bundle("e.zip", m, &pki.expired, &pki.inter, good_files, 2), 0);
	run("e.zip", ZH_ECERTTIME, "expired", "expired");
	T_EQ_INT(tzip_bundle("n.zip", m, &pki.noeku, &pki.inter, good_files, 2), 0);
	run("n.zip", ZH_ECERTUSE, "code-signing", "no code-signing EKU");
	/* No intermediate in the signature: the chain cannot be built. */
	T_EQ_INT(tzip_bundle("i.zip", m, &pki.pub, NULL, good_files, 2), 0);
	run("i.zip", ZH_EUNTRUSTED, NULL, "no intermediate");
	T_EQ_INT(tzip_bundle("g.zip", m, &pki.pub, &pki.inter, good_files, 2), 0);
	f = fopen("g.zip", "rb");
	T_CHECK(f != NULL);
	if (f == NULL)
		goto out;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	T_CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	/* Truncated in the middle. */
	T_EQ_INT(zh_test_write("t.zip", buf, (size_t)n / 2), 0);
	run("t.zip", ZH_EARCHIVE, NULL, "truncated");
	T_EQ_INT(zh_test_write("t0.zip", buf, 0), 0);
	run("t0.zip", ZH_EARCHIVE, NULL, "empty file");
	free(buf);
out:
	free(m);
}

/* A bomb: 64 MiB of zeros deflated to a few dozen KiB, listed honestly. */
static void t_bomb(void)
{
	size_t len = 64u << 20;
	char *zeros = calloc(len, 1);
	struct tzip_ent e = {"payload/zeros.bin", zeros, len, 0};
	char *m;

	if (!setup() || zeros == NULL)
		return;
	m = tzip_manifest("demo", "1.0", &e, 1);
	T_EQ_INT(tzip_bundle("bomb.zip", m, &pki.pub, &pki.inter, &e, 1), 0);
	run("bomb.zip", ZH_ERATIO, "100:1", "bomb");
	free(m);
	free(zeros);
}

/* Files of a megabyte and more are hashed on a second thread: good, altered, cut, faulted. */
static void t_large(void)
{
	size_t len = 3u << 20, i;
	unsigned char *big = malloc(len), *bad = malloc(len);
	struct tzip_ent e[3] = {{"payload/big1.bin", NULL, 0, 0},
		{"payload/small.txt", readme, sizeof(readme) - 1, 0},
		{"payload/big2.bin", NULL, 0, TZIP_STORE}};
	char *m;
	long n;

	if (!setup() || big == NULL || bad == NULL)
		return;
	for (i = 0; i < len; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	e[0].data = e[2].data = big;
	e[0].len = e[2].len = len;
	m = tzip_manifest("demo", "1.0", e, 3);
	T_EQ_INT(tzip_bundle("big.zip", m, &pki.pub, &pki.inter, e, 3), 0);
	run("big.zip", 0, NULL, "large files");
	memcpy(bad, big, len);
	bad[len / 2] ^= 1;
	e[0].data = bad;
	T_EQ_INT(tzip_bundle("bad1.zip", m, &pki.pub, &pki.inter, e, 3), 0);
	run("bad1.zip", ZH_EHASH, "payload/big1.bin", "large file altered");
	e[0].data = big;
	e[2].data = bad;
	T_EQ_INT(tzip_bundle("bad2.zip", m, &pki.pub, &pki.inter, e, 3), 0);
	run("bad2.zip", ZH_EHASH, "payload/big2.bin", "second large file altered");
	e[2].data = big;
	e[2].len = len - 10;
	T_EQ_INT(tzip_bundle("short.zip", m, &pki.pub, &pki.inter, e, 3), 0);
	run("short.zip", ZH_ESIZE, "payload/big2.bin", "large file cut");
#ifdef ZH_FAULTS
	/* The thread and its semaphores failing to start: a clean error. */
	for (n = 1; n < 60; n++) {
		struct zh_bundle_opts o;
		struct zh_bundle_report rep;
		struct zh_err err;
		int rc;

		memset(&o, 0, sizeof(o));
		o.trust = trust;
		o.now = (int64_t)time(NULL);
		zh_err_init(&err);
		zh_fault_set(ZH_FAULT_FAIL, n, ZH_ENOMEM, 8, 0);
		rc = zh_bundle_read_file("big.zip", &o, &rep, &err);
		zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		zh_bundle_report_release(&rep);
		if (rc == 0)
			break;
		T_CHECK(strstr(err.msg, "injected") != NULL);
	}
	T_CHECK(n < 60);
#else
	(void)n;
#endif
	free(m);
	free(big);
	free(bad);
}

/* Extraction below a staging path that makes the whole path longer than 260 characters. */
static void t_long_path(void)
{
	char name[400], stage[300];
	struct tzip_ent e = {name, readme, sizeof(readme) - 1, 0};
	struct zh_bundle_opts o;
	struct zh_bundle_report rep;
	struct zh_err err;
	size_t n = 0;
	int i;
	char *m;

	if (!setup())
		return;
	n += (size_t)snprintf(name, sizeof(name), "payload");
	for (i = 0; i < 8; i++)
		n += (size_t)snprintf(name + n, sizeof(name) - n,
			"/level-%d-abcdefghijklmnopqrstuvwxyz", i);
	(void)snprintf(name + n, sizeof(name) - n, "/最后的文件.txt");
	(void)snprintf(stage, sizeof(stage), "stage-with-a-rather-long-name-0123456789");
	m = tzip_manifest("demo", "1.0", &e, 1);
	T_EQ_INT(tzip_bundle("l.zip", m, &pki.pub, &pki.inter, &e, 1), 0);
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = (int64_t)time(NULL);
	o.staging = stage;
	zh_err_init(&err);
	T_EQ_INT(zh_bundle_read_file("l.zip", &o, &rep, &err), 0);
	if (err.code != 0)
		fprintf(stderr, "%s\n", err.msg);
	zh_bundle_report_release(&rep);
	T_CHECK(strlen(zh_test_dir()) + strlen(stage) + strlen(name) > 300);
	{
		char full[800];

		(void)snprintf(full, sizeof(full), "%s/%s", stage, name);
		T_EQ_INT(kind_of(full), SYS_FS_FILE);
	}
	T_EQ_INT(sys_fs_remove_tree(stage, &err), 0);
	free(m);
}

static void t_manifest(void)
{
	static const struct {
		const char *json;
		int want;
		const char *msg;
	} cases[] = {
		{"[]", ZH_EMANIFEST, "object"},
		{"{", ZH_EMANIFEST, "not valid JSON"},
		{"{\"format\":2}", ZH_EMANIFEST, "format"},
		{"{\"format\":1,\"id\":\"Demo\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[]}",
			ZH_EMANIFEST, "'id'"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1 "
		 "0\",\"publisher\":\"p\",\"name\":{\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[]}",
			ZH_EMANIFEST, "'version'"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"yesterday\",\"files\":[]}",
			ZH_EMANIFEST, "'created'"},
		{"{\"format\":1,\"id\":\"d\",\"id\":\"e\",\"version\":\"1\",\"publisher\":\"p\","
		 "\"name\":{\"zh\":\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\","
		 "\"files\":[]}",
			ZH_EMANIFEST, "twice"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[],\"evil\":"
		 "1}",
			ZH_EMANIFEST, "unknown field"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\\u0000.exe\",\"size\":1,\"sha256\":\"00\"}]}",
			ZH_EMANIFEST, "NUL"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1.5,\"sha256\":\"00\"}]}",
			ZH_EMANIFEST, "files[0].size"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1,\"sha256\":\"00\"}]}",
			ZH_EMANIFEST, "files[0].sha256"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"bundle.JSON\",\"size\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
			ZH_EMANIFEST, "reserved"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":4294967296,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"},{\"path\":"
		 "\"b\",\"size\":4294967296,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"},{\"path\":"
		 "\"c\",\"size\":4294967296,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}]}",
			ZH_ETOOBIG, "more than"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
		 "\"install\":[{\"op\":\"copy\",\"src\":\"b\",\"dst_root\":\"app\",\"dst\":\"x\"}]"
		 "}",
			ZH_EMANIFEST, "install[0].src"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
		 "\"install\":[{\"op\":\"copy\",\"src\":\"a\",\"dst_root\":\"c:\",\"dst\":\"x\"}]}",
			ZH_EMANIFEST, "dst_root"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
		 "\"install\":[{\"op\":\"copy\",\"src\":\"a\",\"dst_root\":\"app\",\"dst\":\".."
		 "\\\\x\"}]}",
			ZH_EUNSAFE, "'..'"},
		{"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{"
		 "\"zh\":"
		 "\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		 "\"a\","
		 "\"size\":1,\"sha256\":"
		 "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
		 "\"install\":[{\"op\":\"run\",\"src\":\"a\",\"args\":[\"/"
		 "S\"],\"ok_codes\":[0,3010]}]}",
			0, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zh_bundle_manifest *m = NULL;
		struct zh_err err;
		int rc;

		zh_err_init(&err);
		rc = zh_bundle_manifest_parse(cases[i].json, strlen(cases[i].json), &m, &err);
		if (rc != cases[i].want ||
			(cases[i].msg != NULL && strstr(err.msg, cases[i].msg) == NULL)) {
			fprintf(stderr, "manifest case %zu: got %s '%s', want %s '%s'\n", i,
				zh_err_name(rc), err.msg, zh_err_name(cases[i].want),
				cases[i].msg ? cases[i].msg : "");
			zh_test_failed = 1;
		}
		if (rc == 0) {
			T_EQ_INT(m->nsteps, 1);
			T_EQ_INT(m->steps[0].op, ZH_STEP_RUN);
			T_EQ_INT(m->steps[0].nok, 2);
			T_EQ_INT(m->steps[0].ok_codes[1], 3010);
		}
		zh_bundle_manifest_free(m);
	}
}

/* The install step kinds beyond copy and run: each accepted, each field's rule refused. */
static void t_steps(void)
{
	static const char head[] =
		"{\"format\":1,\"id\":\"d\",\"version\":\"1\",\"publisher\":\"p\",\"name\":{\"zh\":"
		"\"a\",\"en\":\"b\"},\"created\":\"2026-01-01T00:00:00Z\",\"files\":[{\"path\":"
		"\"r.cer\",\"size\":1,\"sha256\":"
		"\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
		"\"install\":[";
	static const struct {
		const char *step;
		int want;
		const char *msg;
	} cases[] = {
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"SOFTWARE\\\\A\\\\B\",\"name\":\"\","
		 "\"type\":\"sz\",\"data\":\"${app}\\\\x.dll\"}",
			0, NULL},
		{"{\"op\":\"reg\",\"root\":\"HKCU\",\"key\":\"S\",\"name\":\"N\",\"type\":"
		 "\"dword\","
		 "\"data\":4294967295}",
			0, NULL},
		{"{\"op\":\"reg\",\"root\":\"HKCR\",\"key\":\"S\",\"name\":\"\",\"type\":\"sz\","
		 "\"data\":\"\"}",
			ZH_EMANIFEST, "install[0].root"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"S\\\\\\\\T\",\"name\":\"\","
		 "\"type\":\"sz\",\"data\":\"\"}",
			ZH_EMANIFEST, "install[0].key"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"\\\\S\",\"name\":\"\",\"type\":"
		 "\"sz\","
		 "\"data\":\"\"}",
			ZH_EMANIFEST, "install[0].key"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"S\",\"name\":\"\",\"type\":"
		 "\"binary\","
		 "\"data\":\"\"}",
			ZH_EMANIFEST, "install[0].type"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"S\",\"name\":\"\",\"type\":\"dword\","
		 "\"data\":4294967296}",
			ZH_EMANIFEST, "install[0].data"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"S\",\"name\":\"\",\"type\":\"sz\","
		 "\"data\":1}",
			ZH_EMANIFEST, "install[0].data"},
		{"{\"op\":\"reg\",\"root\":\"HKLM\",\"key\":\"S\",\"name\":\"\",\"type\":\"sz\"}",
			ZH_EMANIFEST, "install[0].data"},
		{"{\"op\":\"cert\",\"src\":\"r.cer\",\"store\":\"Root\"}", 0, NULL},
		{"{\"op\":\"cert\",\"src\":\"other.cer\",\"store\":\"Root\"}", ZH_EMANIFEST,
			"install[0].src"},
		{"{\"op\":\"cert\",\"src\":\"r.cer\",\"store\":\"My\"}", ZH_EMANIFEST,
			"install[0].store"},
		{"{\"op\":\"shortcut\",\"dst\":\"Vendor/Tool.lnk\",\"target\":\"${app}\\\\t.exe\"}",
			0, NULL},
		{"{\"op\":\"shortcut\",\"dst\":\"../Tool.lnk\",\"target\":\"t.exe\"}", ZH_EUNSAFE,
			"'..'"},
		{"{\"op\":\"shortcut\",\"dst\":\"Vendor/Tool.exe\",\"target\":\"t.exe\"}",
			ZH_EMANIFEST, "install[0].dst"},
		{"{\"op\":\"shortcut\",\"dst\":\"Tool.lnk\",\"target\":\"\"}", ZH_EMANIFEST,
			"install[0].target"},
		{"{\"op\":\"service\",\"name\":\"CjSvc\",\"display\":\"d\",\"command\":\"\\\"${app}"
		 "\\\\s.exe\\\"\",\"start\":\"auto\"}",
			0, NULL},
		{"{\"op\":\"service\",\"name\":\"Cj Svc\",\"display\":\"d\",\"command\":\"s.exe\","
		 "\"start\":\"auto\"}",
			ZH_EMANIFEST, "install[0].name"},
		{"{\"op\":\"service\",\"name\":\"CjSvc\",\"display\":\"d\",\"command\":\"s.exe\","
		 "\"start\":\"boot\"}",
			ZH_EMANIFEST, "install[0].start"},
		{"{\"op\":\"service\",\"name\":\"CjSvc\",\"display\":\"d\",\"command\":\"s.exe\","
		 "\"start\":\"auto\",\"user\":\"x\"}",
			ZH_EMANIFEST, "unknown field"},
		{"{\"op\":\"format\",\"src\":\"r.cer\"}", ZH_EMANIFEST, "install[0].op"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zh_bundle_manifest *m = NULL;
		struct zh_err err;
		char json[2048];
		int rc;

		zh_err_init(&err);
		(void)snprintf(json, sizeof(json), "%s%s]}", head, cases[i].step);
		rc = zh_bundle_manifest_parse(json, strlen(json), &m, &err);
		if (rc != cases[i].want ||
			(cases[i].msg != NULL && strstr(err.msg, cases[i].msg) == NULL)) {
			fprintf(stderr, "step case %zu: got %s '%s', want %s '%s'\n", i,
				zh_err_name(rc), err.msg, zh_err_name(cases[i].want),
				cases[i].msg ? cases[i].msg : "");
			zh_test_failed = 1;
		}
		zh_bundle_manifest_free(m);
	}
	/* What the accepted ones hold. */
	{
		struct zh_bundle_manifest *m = NULL;
		struct zh_err err;
		char json[2048];

		(void)snprintf(json, sizeof(json), "%s%s,%s]}", head, cases[1].step,
			cases[16].step);
		T_EQ_INT(zh_bundle_manifest_parse(json, strlen(json), &m, &err), 0);
		if (m != NULL) {
			T_EQ_INT(m->steps[0].op, ZH_STEP_REG);
			T_EQ_STR(m->steps[0].root, "HKCU");
			T_EQ_STR(m->steps[0].type, "dword");
			T_EQ_INT(m->steps[0].dword, 4294967295u);
			T_EQ_INT(m->steps[1].op, ZH_STEP_SERVICE);
			T_EQ_STR(m->steps[1].name, "CjSvc");
			T_EQ_STR(m->steps[1].command, "\"${app}\\s.exe\"");
			T_EQ_INT(m->steps[1].autostart, 1);
		}
		zh_bundle_manifest_free(m);
	}
}

/* Every allocation and every sys call failing in turn: a clean error, staging gone. */
static void t_faults(void)
{
	struct zh_bundle_opts o;
	struct zh_bundle_report rep;
	struct zh_err err;
	char *m;
	long i;
	int rc, done = 0;

	if (!setup())
		return;
	m = tzip_manifest("demo", "1.0", good_files, 2);
	T_EQ_INT(tzip_bundle("b.zip", m, &pki.pub, &pki.inter, good_files, 2), 0);
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = (int64_t)time(NULL);
	o.staging = "stage";
	for (i = 1; i < 400 && !done; i++) {
		zh_err_init(&err);
		zh_mem_fail_after(i);
		rc = zh_bundle_read_file("b.zip", &o, &rep, &err);
		zh_mem_fail_after(-1);
		zh_bundle_report_release(&rep);
		if (rc == 0) {
			done = 1;
		} else if (kind_of("stage") != SYS_FS_NONE) {
			fprintf(stderr, "allocation %ld: %s: staging left behind\n", i, err.msg);
			zh_test_failed = 1;
		}
		zh_err_init(&err);
		(void)sys_fs_remove_tree("stage", &err);
	}
	T_CHECK(done);
#ifdef ZH_FAULTS
	for (done = 0, i = 1; i < 400 && !done; i++) {
		zh_err_init(&err);
		zh_fault_set(ZH_FAULT_FAIL, i, ZH_EIO, 1117, 0);
		rc = zh_bundle_read_file("b.zip", &o, &rep, &err);
		zh_fault_set(ZH_FAULT_NONE, 0, 0, 0, 0);
		zh_bundle_report_release(&rep);
		if (rc == 0)
			done = 1;
		else if (kind_of("stage") != SYS_FS_NONE &&
			strstr(err.msg, "sys_fs_remove_tree") == NULL) {
			fprintf(stderr, "fault %ld: %s: staging left behind\n", i, err.msg);
			zh_test_failed = 1;
		}
		zh_err_init(&err);
		(void)sys_fs_remove_tree("stage", &err);
	}
	T_CHECK(done);
#endif
	free(m);
}

ZH_TESTS(ZH_TEST_ENTRY(t_good), ZH_TEST_ENTRY(t_entries), ZH_TEST_ENTRY(t_listing),
	ZH_TEST_ENTRY(t_signatures), ZH_TEST_ENTRY(t_bomb), ZH_TEST_ENTRY(t_large),
	ZH_TEST_ENTRY(t_long_path), ZH_TEST_ENTRY(t_manifest), ZH_TEST_ENTRY(t_steps),
	ZH_TEST_ENTRY(t_faults))
