/* SPDX-License-Identifier: MIT */
/*
 * Writing packs and support reports as zip files (minizip on zlib).
 * This file is the one home of zlib/minizip in zhushou; other modules see only its functions.
 */
#ifndef ZH_PACK_H
#define ZH_PACK_H

/* The version of zlib/minizip linked in, as the library reports it at run time. */
const char *zh_pack_lib_version(void);

#endif
