/* SPDX-License-Identifier: MIT */
/*
 * The Windows hosts file (%SystemRoot%\System32\drivers\etc\hosts): the local UKEY service is
 * reached as powerservice.csii.com.cn, a public name for 127.0.0.1, and on networks without
 * outside DNS a hosts entry is the fix (DESIGN.md). Reads the file and finds each catalog
 * name's address; plans the new content: the old bytes unchanged, one line appended per
 * missing name.
 */
#ifndef ZH_HOSTS_H
#define ZH_HOSTS_H

#include <stddef.h>

#include "buf.h"
#include "catalog.h"
#include "err.h"

#define ZH_MAX_HOSTS_FILE (1024 * 1024)

struct zh_host_state {
	const struct zh_host_def *def; /* borrowed */
	char *mapped; /* the address the file gives the name, NULL if none */
};

struct zh_hosts_state {
	char *path; /* the hosts file */
	char *content; /* its bytes (NUL-terminated), NULL if there is no file */
	size_t len;
	struct zh_host_state *hosts;
	size_t nhosts;
};

/* Read and parse the hosts file for the catalog's names. ZH_ENOTSUP off Windows. */
int zh_hosts_probe(const struct zh_catalog *cat, struct zh_hosts_state *st, struct zh_err *err);

/* The address the hosts text gives name (first match, case-insensitive) into *ret (zh_free). */
int zh_hosts_lookup(const char *text, size_t len, const char *name, char **ret, struct zh_err *err);

/* The new content: st's bytes, then a line for each name not mapped right, into out. */
int zh_hosts_fixed(const struct zh_hosts_state *st, struct zh_buf *out, struct zh_err *err);

void zh_hosts_release(struct zh_hosts_state *st);

#endif
