/* SPDX-License-Identifier: MIT */
/* Reading bundles and packs (libarchive), streaming and read-only. */
#include <archive.h>

#include "bundle.h"
#include "banned.h"

const char *zh_bundle_lib_version(void)
{
	return archive_version_string();
}
