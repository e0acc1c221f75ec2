/* SPDX-License-Identifier: MIT */
/*
 * Packs end to end in-process (src/core/pack*.c): pack build from recipes, then verify and
 * extract; and packs taken apart and put together wrongly: a bundle from another signed pack,
 * a bundle longer or shorter than listed, a missing or unlisted bundle, the index not first,
 * flipped bytes in the index or its signature, an untrusted signer, a replayed or frozen
 * index, an expired one. Every refusal leaves no staging directory.
 */
#include <time.h>

#include <minizip/unzip.h>

#include "../harness/zh_test.h"
#include "../harness/testzip.h"
#include "../../src/core/mem.h"
#include "../../src/core/pack.h"
#include "../../src/core/pack_read.h"
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

/* Through sys/fs, not fopen: names are UTF-8, which fopen on Windows would not take. */
static int put(const char *path, const char *text)
{
	struct sys_file *f = NULL;
	struct zh_err err;
	int rc;

	zh_err_init(&err);
	(void)sys_fs_unlink(path, &err);
	zh_err_init(&err);
	rc = sys_file_create(path, &f, &err);
	if (rc == 0)
		rc = sys_file_write(f, text, strlen(text), &err);
	if (f != NULL && sys_file_close(f, &err) != 0)
		rc = -1;
	return rc;
}

/* Two recipes in "recipes/": demo (two files) and tool (one); the readme text varies. */
static int make_recipes(const char *readme)
{
	struct zh_err err;

	zh_err_init(&err);
	if (sys_fs_mkdirs("recipes/demo/files/sub", &err) != 0 ||
		sys_fs_mkdirs("recipes/tool/files", &err) != 0)
		return -1;
	(void)sys_fs_unlink("recipes/demo/files/readme.txt", &err);
	return put("recipes/demo/recipe.json",
		       "{\"format\":1,\"id\":\"demo\",\"version\":\"1.0\",\"publisher\":\"t\","
		       "\"name\":{\"zh\":\"演示\",\"en\":\"demo\"},\"files\":["
		       "{\"src\":\"files/readme.txt\",\"path\":\"payload/readme.txt\"},"
		       "{\"src\":\"files/sub/数据.bin\",\"path\":\"payload/子/数据.bin\","
		       "\"compress\":false}],"
		       "\"install\":[{\"op\":\"copy\",\"src\":\"payload/readme.txt\","
		       "\"dst_root\":\"app\",\"dst\":\"demo/readme.txt\"}]}") ||
			put("recipes/demo/files/readme.txt", readme) ||
			put("recipes/demo/files/sub/数据.bin", "0123456789abcdef") ||
			put("recipes/tool/recipe.json",
				"{\"format\":1,\"id\":\"tool\",\"version\":\"2\",\"publisher\":"
				"\"t\","
				"\"name\":{\"zh\":\"工具\",\"en\":\"tool\"},\"files\":["
				"{\"src\":\"files/tool.exe\",\"path\":\"tool.exe\"}]}") ||
			put("recipes/tool/files/tool.exe", "MZ not really a program") ||
			put("recipes/README.md", "not a recipe")
		? -1
		: 0;
}

static int build(const char *out, uint64_t serial, const struct tpki *signer, int64_t created,
	int64_t expires)
{
	struct zh_pack_build_opts o;
	struct zh_pack_build_result r;
	struct zh_err err;
	int rc;

	if (put("key.pem", signer->key_pem) || put("cert.pem", signer->chain_pem))
		return -1;
	memset(&o, 0, sizeof(o));
	o.recipes = "recipes";
	o.out = out;
	o.key_path = "key.pem";
	o.cert_path = "cert.pem";
	o.serial = serial;
	o.created = created;
	o.expires = expires;
	o.profile = "changjiang";
	o.catalog_version = "1";
	o.trust = trust;
	zh_err_init(&err);
	rc = zh_pack_build(&o, &r, &err);
	if (rc != 0)
		fprintf(stderr, "build: %s\n", err.msg);
	else if (r.nbundles != 2 || strcmp(r.bundles[0].id, "demo") != 0)
		rc = -1;
	zh_pack_build_release(&r);
	return rc;
}

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

/* Read the pack at path with a store and flags; expect want, msg; staging must not remain. */
static int check(const char *path, const struct zh_serial_store *store, unsigned flags, int want,
	const char *msg, const char *label)
{
	struct zh_pack_opts o;
	struct zh_pack_report rep;
	struct zh_err err;
	int rc, pass;

	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.store = store;
	o.index_flags = flags;
	for (pass = 0; pass < 2; pass++) {
		o.staging = pass ? "stage" : NULL;
		zh_err_init(&err);
		rc = zh_pack_read_file(path, &o, &rep, &err);
		zh_pack_report_release(&rep);
		if (rc != want || (msg != NULL && strstr(err.msg, msg) == NULL)) {
			fprintf(stderr, "%s (%s): got %s '%s', want %s '%s'\n", label,
				pass ? "extract" : "verify", zh_err_name(rc), err.msg,
				zh_err_name(want), msg ? msg : "");
			zh_test_failed = 1;
		}
		if (want != 0 && kind_of("stage") != SYS_FS_NONE) {
			fprintf(stderr, "%s: staging left behind\n", label);
			zh_test_failed = 1;
		}
		zh_err_init(&err);
		(void)sys_fs_remove_tree("stage", &err);
	}
	return rc;
}

/* The entries of a zip, read with minizip's unzip. */
struct ents {
	struct tzip_ent e[8];
	char names[8][128];
	char *data[8];
	size_t n;
};

static int read_zip(const char *path, struct ents *z)
{
	unzFile uf = unzOpen64(path);
	unz_file_info64 info;
	int r;

	memset(z, 0, sizeof(*z));
	if (uf == NULL)
		return -1;
	for (r = unzGoToFirstFile(uf); r == UNZ_OK && z->n < 8; r = unzGoToNextFile(uf)) {
		size_t i = z->n++;

		if (unzGetCurrentFileInfo64(uf, &info, z->names[i], sizeof(z->names[i]), NULL, 0,
			    NULL, 0) != UNZ_OK ||
			unzOpenCurrentFile(uf) != UNZ_OK)
			return -1;
		z->data[i] = malloc(info.uncompressed_size + 1);
		if (unzReadCurrentFile(uf, z->data[i], (unsigned)info.uncompressed_size) !=
			(int)info.uncompressed_size)
			return -1;
		unzCloseCurrentFile(uf);
		z->e[i].name = z->names[i];
		z->e[i].data = z->data[i];
		z->e[i].len = (size_t)info.uncompressed_size;
		z->e[i].flags = TZIP_STORE;
	}
	unzClose(uf);
	return 0;
}

static void free_zip(struct ents *z)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		free(z->data[i]);
}

static void t_roundtrip(void)
{
	struct zh_pack_opts o;
	struct zh_pack_report rep;
	struct zh_err err;
	void *data = NULL;
	size_t len = 0;

	if (!setup() || make_recipes("hello\n") != 0) {
		zh_test_failed = 1;
		return;
	}
	T_EQ_INT(build("p.zip", 5, &pki.pub, now(), now() + 86400 * 30), 0);
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.staging = "stage";
	zh_err_init(&err);
	T_EQ_INT(zh_pack_read_file("p.zip", &o, &rep, &err), 0);
	if (err.code != 0)
		fprintf(stderr, "%s\n", err.msg);
	T_CHECK(rep.index != NULL && rep.index->serial == 5 && rep.nitems == 2);
	T_CHECK(rep.nitems == 2 && rep.items[0].status == ZH_ITEM_OK &&
		rep.items[1].status == ZH_ITEM_OK);
	T_CHECK(rep.nitems == 2 && rep.items[0].bundle.manifest != NULL &&
		rep.items[0].bundle.manifest->nsteps == 1);
	zh_pack_report_release(&rep);
	T_EQ_INT(sys_fs_read_head("stage/demo/payload/子/数据.bin", 100, &data, &len, &err), 0);
	T_CHECK(len == 16 && memcmp(data, "0123456789abcdef", 16) == 0);
	sys_free(data);
	T_EQ_INT(kind_of("stage/tool/tool.exe"), SYS_FS_FILE);
	T_EQ_INT(kind_of("stage/index.json.sig"), SYS_FS_FILE);
	T_EQ_INT(sys_fs_remove_tree("stage", &err), 0);
	/* Building over an existing pack replaces it; the temporary files are gone. */
	T_EQ_INT(build("p.zip", 6, &pki.pub, now(), now() + 86400), 0);
	T_EQ_INT(kind_of("p.zip.tmp"), SYS_FS_NONE);
	T_EQ_INT(kind_of("p.zip.b0.tmp"), SYS_FS_NONE);
}

static void t_mix_and_match(void)
{
	struct ents a, b;
	struct tzip_ent swapped[4];

	if (!setup() || make_recipes("version A\n") != 0)
		return;
	T_EQ_INT(build("a.zip", 10, &pki.pub, now(), now() + 86400), 0);
	T_EQ_INT(make_recipes("version B, a bit longer\n"), 0);
	T_EQ_INT(build("b.zip", 11, &pki.pub, now(), now() + 86400), 0);
	T_EQ_INT(read_zip("a.zip", &a), 0);
	T_EQ_INT(read_zip("b.zip", &b), 0);
	T_CHECK(a.n == 4 && b.n == 4 && strcmp(a.names[2], "bundles/demo-1.0.zip") == 0);
	if (a.n != 4 || b.n != 4)
		goto out;
	/* A's index with B's demo bundle (validly signed by the same publisher). */
	memcpy(swapped, a.e, sizeof(swapped));
	swapped[2] = b.e[2];
	T_EQ_INT(tzip_write("mix.zip", swapped, 4), 0);
	check("mix.zip", NULL, 0, ZH_ESIZE, "bundles/demo-1.0.zip", "swapped bundle");
	/* Same size, other bytes: the hash decides. */
	{
		char *copy = malloc(a.e[2].len);

		memcpy(copy, a.e[2].data, a.e[2].len);
		copy[a.e[2].len - 30] ^= 1; /* in the central directory: the reader never sees it */
		swapped[2] = a.e[2];
		swapped[2].data = copy;
		T_EQ_INT(tzip_write("mix2.zip", swapped, 4), 0);
		check("mix2.zip", NULL, 0, ZH_EHASH, "SHA-256 differs", "altered bundle");
		free(copy);
	}
	/* Longer than listed: data appended after the bundle's end. */
	{
		char *longer = malloc(a.e[2].len + 5000);

		memcpy(longer, a.e[2].data, a.e[2].len);
		memset(longer + a.e[2].len, 'X', 5000);
		swapped[2] = a.e[2];
		swapped[2].data = longer;
		swapped[2].len += 5000;
		T_EQ_INT(tzip_write("long.zip", swapped, 4), 0);
		check("long.zip", NULL, 0, ZH_ESIZE, "the index lists", "longer bundle");
		/* Shorter: cut. */
		swapped[2].len = a.e[2].len - 100;
		T_EQ_INT(tzip_write("short.zip", swapped, 4), 0);
		check("short.zip", NULL, 0, ZH_ESIZE, NULL, "shorter bundle");
		free(longer);
	}
	/* A bundle missing; an entry nobody listed; the index not first; a duplicate bundle. */
	memcpy(swapped, a.e, sizeof(swapped));
	T_EQ_INT(tzip_write("missing.zip", swapped, 3), 0);
	check("missing.zip", NULL, 0, ZH_EMISSING, "bundles/tool-2.zip", "missing bundle");
	swapped[3].name = "bundles/extra.zip";
	T_EQ_INT(tzip_write("extra.zip", swapped, 4), 0);
	check("extra.zip", NULL, 0, ZH_EUNLISTED, "bundles/extra.zip", "unlisted bundle");
	memcpy(swapped, a.e, sizeof(swapped));
	swapped[0] = a.e[2];
	swapped[2] = a.e[0];
	T_EQ_INT(tzip_write("order.zip", swapped, 4), 0);
	check("order.zip", NULL, 0, ZH_EMISSING, "index.json", "index not first");
	memcpy(swapped, a.e, sizeof(swapped));
	swapped[3] = a.e[2];
	T_EQ_INT(tzip_write("dup.zip", swapped, 4), 0);
	check("dup.zip", NULL, 0, ZH_EDUP, "twice", "duplicate bundle");
	/* Flipped bytes in the index and in its signature; B's signature on A's index. */
	memcpy(swapped, a.e, sizeof(swapped));
	((char *)a.data[0])[20] ^= 1;
	T_EQ_INT(tzip_write("flip1.zip", swapped, 4), 0);
	check("flip1.zip", NULL, 0, ZH_ESIG, "signature of index.json", "flipped index");
	((char *)a.data[0])[20] ^= 1;
	((char *)a.data[1])[a.e[1].len - 5] ^= 1;
	T_EQ_INT(tzip_write("flip2.zip", swapped, 4), 0);
	check("flip2.zip", NULL, 0, ZH_ESIG, "signature of index.json", "flipped signature");
	((char *)a.data[1])[a.e[1].len - 5] ^= 1;
	swapped[1] = b.e[1];
	T_EQ_INT(tzip_write("othersig.zip", swapped, 4), 0);
	check("othersig.zip", NULL, 0, ZH_ESIG, NULL, "other pack's signature");
	/* The originals still pass. */
	check("a.zip", NULL, 0, 0, NULL, "pack A");
out:
	free_zip(&a);
	free_zip(&b);
}

static void t_signers(void)
{
	if (!setup() || make_recipes("x\n") != 0)
		return;
	T_EQ_INT(build("u.zip", 1, &pki.untrusted, now(), now() + 86400), 0);
	check("u.zip", NULL, 0, ZH_EUNTRUSTED, "signature of index.json", "untrusted signer");
	/* Signed in 2020 by a certificate valid then: fine, though it has expired since. */
	T_EQ_INT(build("old.zip", 1, &pki.expired, TPKI_2020 + 86400 * 100, now() + 86400), 0);
	check("old.zip", NULL, 0, 0, NULL, "signed while valid");
	/* The expired certificate signing now (build refuses nothing about that: verify does). */
	T_EQ_INT(build("exp.zip", 1, &pki.expired, now(), now() + 86400), 0);
	check("exp.zip", NULL, 0, ZH_ECERTTIME, "expired", "signed after expiry");
}

static void t_replay(void)
{
	struct zh_serial_mem mem;
	struct zh_serial_store store;
	struct zh_pack_opts o;
	struct zh_pack_report rep;
	struct zh_err err;
	int64_t t = now();

	if (!setup() || make_recipes("r\n") != 0)
		return;
	zh_serial_mem_init(&mem, &store);
	T_EQ_INT(build("s20.zip", 20, &pki.pub, t, t + 86400), 0);
	T_EQ_INT(build("s19.zip", 19, &pki.pub, t, t + 86400), 0);
	T_EQ_INT(make_recipes("r, changed\n"), 0);
	T_EQ_INT(build("s20b.zip", 20, &pki.pub, t, t + 86400), 0);
	/* Accept serial 20 as install would. */
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.store = &store;
	zh_err_init(&err);
	T_EQ_INT(zh_pack_read_file("s20.zip", &o, &rep, &err), 0);
	if (rep.index == NULL) {
		zh_pack_report_release(&rep);
		return;
	}
	T_EQ_INT(zh_index_record(rep.index, &store, &err), 0);
	zh_pack_report_release(&rep);
	check("s20.zip", &store, 0, 0, NULL, "the same pack again");
	check("s19.zip", &store, 0, ZH_EREPLAY, "lower than 20", "lower serial");
	check("s20b.zip", &store, 0, ZH_ESERIAL, "other content", "same serial, other content");
	/* Expired: offline needs --allow-expired, online never. */
	T_EQ_INT(build("old.zip", 30, &pki.pub, t - 86400 * 10, t - 86400), 0);
	check("old.zip", &store, 0, ZH_EEXPIRED, "--allow-expired", "expired offline");
	check("old.zip", &store, ZH_INDEX_ONLINE, ZH_EEXPIRED, "online", "expired online");
	check("old.zip", &store, ZH_INDEX_ALLOW_EXPIRED, 0, NULL, "expired, allowed");
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.index_flags = ZH_INDEX_ALLOW_EXPIRED;
	T_EQ_INT(zh_pack_read_file("old.zip", &o, &rep, &err), 0);
	T_EQ_INT(rep.expired, 1);
	zh_pack_report_release(&rep);
}

/* verify goes on after a refused bundle and reports each item. */
static void t_keep_going(void)
{
	struct ents a;
	struct tzip_ent e[4];
	struct zh_pack_opts o;
	struct zh_pack_report rep;
	struct zh_err err;
	char *copy;

	if (!setup() || make_recipes("k\n") != 0)
		return;
	T_EQ_INT(build("k.zip", 1, &pki.pub, now(), now() + 86400), 0);
	T_EQ_INT(read_zip("k.zip", &a), 0);
	if (a.n != 4)
		return;
	memcpy(e, a.e, sizeof(e));
	copy = malloc(a.e[2].len);
	memcpy(copy, a.e[2].data, a.e[2].len);
	copy[a.e[2].len - 30] ^= 1;
	e[2].data = copy;
	T_EQ_INT(tzip_write("k2.zip", e, 4), 0);
	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.keep_going = 1;
	zh_err_init(&err);
	T_EQ_INT(zh_pack_read_file("k2.zip", &o, &rep, &err), ZH_EHASH);
	T_CHECK(rep.nitems == 2 && rep.items[0].status == ZH_EHASH &&
		rep.items[1].status == ZH_ITEM_OK);
	zh_pack_report_release(&rep);
	free(copy);
	free_zip(&a);
}

/* Lay out entries as a mirror's files under dir (the bundles folder made first). */
static int write_mirror(const char *dir, const struct tzip_ent *e, size_t n)
{
	struct sys_file *f = NULL;
	struct zh_err err;
	char path[256];
	size_t i;
	int rc = 0;

	zh_err_init(&err);
	(void)sys_fs_remove_tree(dir, &err);
	zh_err_init(&err);
	(void)snprintf(path, sizeof(path), "%s/bundles", dir);
	if (sys_fs_mkdirs(path, &err) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, e[i].name);
		rc = sys_file_create(path, &f, &err);
		if (rc == 0)
			rc = sys_file_write(f, e[i].data, e[i].len, &err);
		if (f != NULL && sys_file_close(f, &err) != 0)
			rc = -1;
		f = NULL;
	}
	return rc;
}

/* Read the mirror folder dir for the bundle paths given; expect want and no staging left. */
static int read_mirror(const char *dir, const char *const *paths, size_t n, int want,
	struct zh_pack_report *rep, const char *label)
{
	struct zh_pack_opts o;
	struct zh_err err;
	int rc;

	memset(&o, 0, sizeof(o));
	o.trust = trust;
	o.now = now();
	o.index_flags = ZH_INDEX_ONLINE;
	o.staging = "mstage";
	o.partial = 1;
	zh_err_init(&err);
	rc = zh_pack_read_dir(dir, "mirror", paths, n, &o, rep, &err);
	if (rc != want) {
		fprintf(stderr, "%s: got %s '%s', want %s\n", label, zh_err_name(rc), err.msg,
			zh_err_name(want));
		zh_test_failed = 1;
	}
	if (want != 0 && kind_of("mstage") != SYS_FS_NONE) {
		fprintf(stderr, "%s: staging left behind\n", label);
		zh_test_failed = 1;
	}
	return rc;
}

/*
 * A mirror's pack as online mode reads it from the download cache (zh_pack_read_dir): only the
 * bundles asked for are read and extracted, the others stay unchecked; a bundle file that is
 * not the listed one (a byte changed, longer, shorter), one that is not there, a path the index
 * does not list and a changed index are refused, and the staging folder goes with them.
 */
static void t_mirror_dir(void)
{
	struct ents a;
	struct tzip_ent e[4];
	struct zh_pack_report rep;
	struct zh_err err;
	const char *demo[1], *unlisted[1] = {"bundles/other-1.zip"};
	char *copy;

	if (!setup() || make_recipes("mirror\n") != 0)
		return;
	T_EQ_INT(build("m.zip", 3, &pki.pub, now(), now() + 86400), 0);
	T_EQ_INT(read_zip("m.zip", &a), 0);
	if (a.n != 4)
		return;
	demo[0] = a.names[2];
	T_CHECK(strncmp(demo[0], "bundles/demo-", 13) == 0);
	T_EQ_INT(write_mirror("mir", a.e, 4), 0);
	if (read_mirror("mir", demo, 1, 0, &rep, "one bundle of two") == 0) {
		T_CHECK(rep.nitems == 2 && rep.items[0].status == ZH_ITEM_OK &&
			rep.items[1].status == ZH_ITEM_UNCHECKED);
		T_EQ_INT(kind_of("mstage/demo/payload/readme.txt"), SYS_FS_FILE);
		T_EQ_INT(kind_of("mstage/tool"), SYS_FS_NONE);
	}
	zh_pack_report_release(&rep);
	zh_err_init(&err);
	(void)sys_fs_remove_tree("mstage", &err);

	memcpy(e, a.e, sizeof(e));
	copy = malloc(a.e[2].len + 1);
	memcpy(copy, a.e[2].data, a.e[2].len);
	copy[a.e[2].len - 30] ^= 1; /* past what the bundle reader looks at */
	e[2].data = copy;
	T_EQ_INT(write_mirror("mir", e, 4), 0);
	(void)read_mirror("mir", demo, 1, ZH_EHASH, &rep, "a byte changed");
	zh_pack_report_release(&rep);
	e[2].len = a.e[2].len - 1;
	memcpy(copy, a.e[2].data, a.e[2].len);
	T_EQ_INT(write_mirror("mir", e, 4), 0);
	(void)read_mirror("mir", demo, 1, ZH_ESIZE, &rep, "one byte short");
	zh_pack_report_release(&rep);
	copy[a.e[2].len] = 'x';
	e[2].len = a.e[2].len + 1;
	T_EQ_INT(write_mirror("mir", e, 4), 0);
	(void)read_mirror("mir", demo, 1, ZH_ESIZE, &rep, "one byte long");
	zh_pack_report_release(&rep);
	T_EQ_INT(write_mirror("mir", a.e, 2), 0);
	(void)read_mirror("mir", demo, 1, ZH_ENOENT, &rep, "the bundle file missing");
	zh_pack_report_release(&rep);
	T_EQ_INT(write_mirror("mir", a.e, 4), 0);
	(void)read_mirror("mir", unlisted, 1, ZH_EUNLISTED, &rep, "a path the index does not list");
	zh_pack_report_release(&rep);
	e[2] = a.e[2];
	copy = realloc(copy, a.e[0].len);
	memcpy(copy, a.e[0].data, a.e[0].len);
	copy[10] ^= 0x20;
	e[0].data = copy;
	T_EQ_INT(write_mirror("mir", e, 4), 0);
	T_CHECK(read_mirror("mir", demo, 1, ZH_ESIG, &rep, "the index changed") != 0);
	zh_pack_report_release(&rep);
	free(copy);
	free_zip(&a);
	zh_err_init(&err);
	(void)sys_fs_remove_tree("mir", &err);
}

ZH_TESTS(ZH_TEST_ENTRY(t_roundtrip), ZH_TEST_ENTRY(t_mix_and_match), ZH_TEST_ENTRY(t_signers),
	ZH_TEST_ENTRY(t_replay), ZH_TEST_ENTRY(t_keep_going), ZH_TEST_ENTRY(t_mirror_dir))
