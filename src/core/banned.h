/* SPDX-License-Identifier: MIT */
/*
 * Included last in every core and sys .c file: turns calls that are easy to misuse into
 * compile errors. Use snprintf, zh_buf and the explicit W Win32 calls instead.
 */
#ifndef ZH_BANNED_H
#define ZH_BANNED_H

#define ZH_BANNED(func) sorry_##func##_is_banned

#undef strcpy
#define strcpy(x, y) ZH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) ZH_BANNED(strcat)
#undef sprintf
#define sprintf(...) ZH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) ZH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) ZH_BANNED(strtok)
#undef tmpnam
#define tmpnam(x) ZH_BANNED(tmpnam)
#undef system
#define system(x) ZH_BANNED(system)
#undef gets
#define gets(x) ZH_BANNED(gets)
#undef RegOpenKeyExA
#define RegOpenKeyExA(...) ZH_BANNED(RegOpenKeyExA)
#undef CreateFileA
#define CreateFileA(...) ZH_BANNED(CreateFileA)
#undef MessageBoxA
#define MessageBoxA(...) ZH_BANNED(MessageBoxA)

#endif
