/* SPDX-License-Identifier: MIT */
/*
 * Benchmark baseline: plain libarchive extraction of a zip, with none of zhushou's checks (no
 * signature, no listing, no SHA-256, no path rules): the same streaming zip reader with its
 * default options, archive_read_data_block, and write(2) into a directory.
 * Usage: la_extract ARCHIVE OUTDIR
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

int main(int argc, char **argv)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	const void *buf;
	size_t len;
	la_int64_t off;
	char path[4096];
	int r;

	if (argc != 3)
		return 2;
	archive_read_support_format_zip_streamable(a);
	if (archive_read_open_filename(a, argv[1], 256 * 1024) != ARCHIVE_OK)
		return 1;
	mkdir(argv[2], 0755);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = strrchr(archive_entry_pathname(e), '/');
		int fd;

		/* Flat: the baseline measures reading and writing, not directory handling. */
		snprintf(path, sizeof(path), "%s/%s", argv[2],
			name != NULL ? name + 1 : archive_entry_pathname(e));
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
