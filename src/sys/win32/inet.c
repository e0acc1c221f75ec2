/* SPDX-License-Identifier: MIT */
/* WinINet notification after zhushou changed proxy or zone settings; see inet.h. */
#include <windows.h>
#include <wininet.h>

#include "../inet.h"
#include "../fault.h"
#include "wstr.h"
#include "../../core/banned.h"

int sys_inet_settings_changed(struct zh_err *err)
{
	int rc = ZH_FAULT_CHECK("sys_inet_settings_changed", err);

	if (rc != 0)
		return rc;
	if (!InternetSetOptionW(NULL, INTERNET_OPTION_SETTINGS_CHANGED, NULL, 0) ||
		!InternetSetOptionW(NULL, INTERNET_OPTION_REFRESH, NULL, 0))
		return win_err(err, GetLastError(), "cannot notify", "WinINet");
	return 0;
}
