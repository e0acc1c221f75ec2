/* SPDX-License-Identifier: MIT */
/*
 * Build tool: turns a file into a C source defining `const char NAME[]` (NUL-terminated) and
 * `const size_t NAME_len`, so data such as the catalog is compiled into zhushou.exe.
 * Usage: embed INPUT OUTPUT NAME
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	FILE *in = NULL, *out = NULL;
	unsigned long n = 0;
	int c, rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: embed INPUT OUTPUT NAME\n");
		return 2;
	}
	in = fopen(argv[1], "rb");
	out = fopen(argv[2], "w");
	if (in == NULL || out == NULL) {
		perror(in == NULL ? argv[1] : argv[2]);
		goto out;
	}
	fprintf(out, "/* generated from %s by tools/embed.c: do not edit */\n", argv[1]);
	fprintf(out, "#include <stddef.h>\nconst char %s[] = {", argv[3]);
	while ((c = fgetc(in)) != EOF) {
		fprintf(out, "%s0x%02x,", n % 16 == 0 ? "\n\t" : " ", c);
		n++;
	}
	fprintf(out, "\n\t0x00\n};\nconst size_t %s_len = %lu;\n", argv[3], n);
	if (ferror(in) || fclose(out) != 0) {
		out = NULL;
		perror(argv[2]);
		goto out;
	}
	out = NULL;
	rc = 0;
out:
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	return rc;
}
