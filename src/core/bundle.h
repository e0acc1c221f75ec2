/* SPDX-License-Identifier: MIT */
/*
 * Reading bundles and packs (libarchive), streaming and read-only.
 * This file is the one home of libarchive in zhushou; other modules see only its functions.
 */
#ifndef ZH_BUNDLE_H
#define ZH_BUNDLE_H

/* The version of libarchive linked in, as the library reports it at run time. */
const char *zh_bundle_lib_version(void);

#endif
