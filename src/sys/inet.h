/* SPDX-License-Identifier: MIT */
/*
 * Telling running programs that Internet Settings changed, as the Internet Options dialog
 * does: WinINet's INTERNET_OPTION_SETTINGS_CHANGED, then INTERNET_OPTION_REFRESH
 * (DESIGN.md). posix: ZH_ENOTSUP.
 */
#ifndef ZH_SYS_INET_H
#define ZH_SYS_INET_H

#include "../core/err.h"

int sys_inet_settings_changed(struct zh_err *err);

#endif
