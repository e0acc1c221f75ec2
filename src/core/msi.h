/* SPDX-License-Identifier: MIT */
/*
 * What Windows Installer keeps for an installed product, found from its product code: the
 * registration keys (Products, Features, UserData\S-1-5-18\Products, the upgrade codes and
 * component keys that name it), the cached package (LocalPackage) and the folders of its
 * components. Removing an MSI product with zhushou snapshots all of it first, so that undoing
 * the removal gives Windows Installer back a product it knows, byte for byte.
 */
#ifndef ZH_MSI_H
#define ZH_MSI_H

#include <stddef.h>

#include "err.h"
#include "snap.h"

#define ZH_MSI_PACKED_LEN 32

/* {3C1F0A52-7E15-4C2B-9D6A-0F15CFCA0015} -> 25A0F1C351E7B2C4D9A6F051FCAC0051; ZH_EINVAL. */
int zh_msi_pack_guid(const char *guid, char out[ZH_MSI_PACKED_LEN + 1], struct zh_err *err);

/* A product's footprint: owned strings that spec entries point into. */
struct zh_msi_footprint {
	char *strings[ZH_MAX_SNAP_KEYS + ZH_MAX_SNAP_DIRS + ZH_MAX_SNAP_FILES];
	size_t nstrings;
};

/*
 * Add product_code's registration keys (HKLM, 64-bit view), its cached package and its
 * component folders to spec. fp owns the strings; release it after spec is used.
 */
int zh_msi_footprint(const char *product_code, struct zh_snap_spec *spec,
	struct zh_msi_footprint *fp, struct zh_err *err);

void zh_msi_footprint_release(struct zh_msi_footprint *fp);

#endif
