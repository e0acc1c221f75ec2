/* SPDX-License-Identifier: MIT */
/*
 * ukeytool.exe: the stand-in for the CHANGJIANG UKEY management tool (cj-ukey-tool,
 * packages/README.md). The vendor's tool manages the certificates on the UKEY; this one only
 * says what it is and that no UKEY is present, so that the installation (files, Start-menu
 * shortcut, Add/Remove Programs entry) can be exercised for real. `--version` prints the
 * version alone.
 */
#include <stdio.h>
#include <string.h>

#define TOOL_VERSION "1.0.1.0"

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		if (printf("%s\n", TOOL_VERSION) < 0 || fflush(stdout) != 0)
			return 1;
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: ukeytool.exe [--version]\n");
		return 2;
	}
	if (printf("CHANGJIANG UKEY management tool %s (zhushou stand-in)\n"
		   "No UKEY is present: this stand-in talks to no device.\n",
		    TOOL_VERSION) < 0 ||
		fflush(stdout) != 0)
		return 1;
	return 0;
}
