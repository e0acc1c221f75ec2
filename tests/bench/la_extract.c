/* SPDX-License-Identifier: MIT */
/*
 * Benchmark baseline: plain libarchive extraction of zips, with none of zhushou's checks (no
 * signature, no listing, no SHA-256, no path rules, no journal): the same streaming zip reader
 * with its default options, archive_read_data_block, and write(2) into a directory. Built
 * natively (bench_pack.sh) and for Windows, run under Wine (bench_install.sh).
 * Usage: la_extract [-p] ARCHIVE... OUTDIR
 *   -p  keep the entries' paths (parent directories are made); without it the files are
 *       written flat into OUTDIR under their base names
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

/* A test tool, not product code: the CRT differences are bridged here (STYLE.md 2 is about
 * src/). Windows' mkdir takes no mode, and its open() translates newlines unless told not to. */
#ifdef _WIN32
#include <direct.h>
#define MAKE_DIR(p) _mkdir(p)
#else
#define MAKE_DIR(p) mkdir((p), 0755)
#endif
#ifndef O_BINARY
#define O_BINARY 0
#endif

/* Makes the parent directories of path; the last one made is remembered, since an archive
 * holds the files of one directory together. */
static void make_parents(char *path)
{
	static char last[4096];
	char *slash = strrchr(path, '/');
	char *p;

	if (slash == NULL)
		return;
	*slash = '\0';
	if (strcmp(path, last) != 0) {
		for (p = strchr(path, '/'); p != NULL; p = strchr(p + 1, '/')) {
			*p = '\0';
			(void)MAKE_DIR(path);
			*p = '/';
		}
		(void)MAKE_DIR(path);
		snprintf(last, sizeof(last), "%s", path);
	}
	*slash = '/';
}

static int extract(const char *archive, const char *outdir, int keep_paths)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const void *buf;
	size_t len;
	la_int64_t off;
	char path[4096];
	int r;

	archive_read_support_format_zip_streamable(a);
	if (archive_read_open_filename(a, archive, 256 * 1024) != ARCHIVE_OK)
		return 1;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		const char *base = strrchr(name, '/');
		int fd;

		/* Flat by default: bench_pack.sh measures reading and writing, not directories. */
		if (!keep_paths && base != NULL)
			name = base + 1;
		snprintf(path, sizeof(path), "%s/%s", outdir, name);
		if (keep_paths)
			make_parents(path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_BINARY, 0644);
		if (fd < 0)
			return 1;
		while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (write(fd, buf, len) != (ssize_t)len)
				return 1;
		close(fd);
		if (r != ARCHIVE_EOF)
			return 1;
	}
	archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : 1;
}

int main(int argc, char **argv)
{
	int keep_paths = 0;
	int first = 1;
	int i;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		keep_paths = 1;
		first = 2;
	}
	if (argc - first < 2)
		return 2;
	(void)MAKE_DIR(argv[argc - 1]);
	for (i = first; i < argc - 1; i++)
		if (extract(argv[i], argv[argc - 1], keep_paths) != 0)
			return 1;
	return 0;
}
