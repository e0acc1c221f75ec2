/* SPDX-License-Identifier: MIT */
/* The manifest DB (SQLite): what zhushou installed, the journal, the history. */
#include <sqlite3.h>

#include "db.h"
#include "banned.h"

const char *zh_db_lib_version(void)
{
	return sqlite3_libversion();
}
