/* SPDX-License-Identifier: MIT */
/*
 * The manifest DB (SQLite): what zhushou installed, the journal, the history.
 * This file is the one home of SQLite in zhushou; other modules see only its functions.
 */
#ifndef ZH_DB_H
#define ZH_DB_H

/* The version of SQLite linked in, as the library reports it at run time. */
const char *zh_db_lib_version(void);

#endif
