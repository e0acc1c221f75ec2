/* SPDX-License-Identifier: MIT */
/*
 * fakeuninst: stands in for a broken uninstaller in failure tests. Copied over a fixture's
 * uninstaller, it does what ZH_FAKE_UNINST (inherited from the test) says: "exit:N" exits
 * with N and removes nothing, "hang" never returns, "lie" exits 0 and removes nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>

int wmain(void)
{
	wchar_t mode[64];
	DWORD n = GetEnvironmentVariableW(L"ZH_FAKE_UNINST", mode, 64);

	if (n == 0 || n >= 64)
		return 2;
	if (wcscmp(mode, L"hang") == 0)
		for (;;)
			Sleep(INFINITE);
	if (wcsncmp(mode, L"exit:", 5) == 0)
		return _wtoi(mode + 5);
	return 0;
}
