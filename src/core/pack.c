/* SPDX-License-Identifier: MIT */
/* Writing packs and support reports as zip files (minizip on zlib). */
#include <zlib.h>

#include "pack.h"
#include "banned.h"

const char *zh_pack_lib_version(void)
{
	return zlibVersion();
}
