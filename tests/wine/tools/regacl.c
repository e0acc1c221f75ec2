/* SPDX-License-Identifier: MIT */
/*
 * regacl: sets the DACL of a registry key from an SDDL string, then reports whether the key
 * can still be opened for reading. Used to seed an Add/Remove Programs entry that zhushou
 * cannot read (robustness tests).
 *
 *   regacl [--32] KEY SDDL       KEY as HKLM\... or HKCU\...; --32 for the 32-bit view
 *   e.g. regacl "HKLM\Software\X" "D:P"   (protected, empty DACL: nobody may open it)
 *
 * Prints "denied" or "readable" (the state a reader sees afterwards). Exit status: 0 when the
 * DACL was set, 1 when that failed, 2 on usage errors.
 */
#include <windows.h>
#include <sddl.h>
#include <stdio.h>
#include <wchar.h>

int wmain(int argc, wchar_t **argv)
{
	REGSAM view = KEY_WOW64_64KEY;
	HKEY root, key;
	PSECURITY_DESCRIPTOR sd = NULL;
	const wchar_t *path;
	int i = 1;
	LONG rc;

	if (i < argc && wcscmp(argv[i], L"--32") == 0) {
		view = KEY_WOW64_32KEY;
		i++;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: regacl [--32] HKLM\\KEY|HKCU\\KEY SDDL\n");
		return 2;
	}
	path = argv[i];
	if (_wcsnicmp(path, L"HKLM\\", 5) == 0) {
		root = HKEY_LOCAL_MACHINE;
	} else if (_wcsnicmp(path, L"HKCU\\", 5) == 0) {
		root = HKEY_CURRENT_USER;
	} else {
		fprintf(stderr, "regacl: key must start with HKLM\\ or HKCU\\\n");
		return 2;
	}
	path += 5;
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(argv[i + 1], SDDL_REVISION_1, &sd,
		    NULL)) {
		fprintf(stderr, "regacl: bad SDDL: error %lu\n", GetLastError());
		return 2;
	}
	rc = RegOpenKeyExW(root, path, 0, WRITE_DAC | view, &key);
	if (rc == ERROR_SUCCESS) {
		rc = RegSetKeySecurity(key, DACL_SECURITY_INFORMATION, sd);
		RegCloseKey(key);
	}
	LocalFree(sd);
	if (rc != ERROR_SUCCESS) {
		fprintf(stderr, "regacl: cannot set the DACL: error %ld\n", rc);
		return 1;
	}
	rc = RegOpenKeyExW(root, path, 0, KEY_READ | view, &key);
	if (rc == ERROR_SUCCESS)
		RegCloseKey(key);
	printf("%s\n", rc == ERROR_ACCESS_DENIED ? "denied" : "readable");
	return 0;
}
