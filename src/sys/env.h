/* SPDX-License-Identifier: MIT */
/*
 * The process environment: variables, the user's UI language, and the command line as UTF-8.
 */
#ifndef ZH_SYS_ENV_H
#define ZH_SYS_ENV_H

#include "../core/err.h"

/*
 * The user's UI language as a short tag: "zh" for any Chinese UI language, else "en".
 * On Windows GetUserDefaultUILanguage; on posix LC_ALL / LC_MESSAGES / LANG.
 */
const char *sys_env_ui_lang(void);

/* Variable name as UTF-8 into *ret (free with sys_free); ZH_ENOENT if unset. */
int sys_env_get(const char *name, char **ret, struct zh_err *err);

/* Expand %VAR% references (REG_EXPAND_SZ semantics) into *ret (free with sys_free). */
int sys_env_expand(const char *s, char **ret, struct zh_err *err);

/*
 * The command line as UTF-8 arguments. On Windows the narrow argv is in the ANSI code page and
 * loses Chinese, so the backend rebuilds it from the wide command line. Free *ret_argv with
 * sys_env_args_free.
 */
int sys_env_args(int argc, char **argv, int *ret_argc, char ***ret_argv, struct zh_err *err);

/*
 * Does this process have administrator rights (Windows: the token is a member of the
 * Administrators group, so not a UAC-filtered one; posix: root)? Test builds (ZH_FAULTS)
 * answer no when ZHUSHOU_AS_USER=1, to test what a clerk without rights sees.
 */
int sys_env_is_admin(int *ret, struct zh_err *err);

/*
 * The full path of this program's executable, as UTF-8 in the system's own form (Windows:
 * GetModuleFileNameW, e.g. C:\Program Files\zhushou\zhushou.exe; posix: /proc/self/exe),
 * into *ret (free with sys_free). ZH_ENOMEM, or the OS error's code.
 */
int sys_env_exe_path(char **ret, struct zh_err *err);

/*
 * Ask Windows to restart in a minute, with a notice to the signed-in user, as installers do
 * for 1641 (InitiateSystemShutdownExW after enabling SeShutdownPrivilege, reason: planned
 * application installation). posix: ZH_ENOTSUP.
 */
int sys_env_restart(struct zh_err *err);

/* Free what sys_env_args returned; NULL is a no-op. */
void sys_env_args_free(int argc, char **argv);

#endif
