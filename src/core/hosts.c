/* SPDX-License-Identifier: MIT */
/* The hosts file; see hosts.h. Lines are "address name [name...] [# comment]". */
#include <string.h>

#include "hosts.h"
#include "mem.h"
#include "text.h"
#include "../sys/env.h"
#include "../sys/fs.h"
#include "banned.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int zh_hosts_lookup(const char *text, size_t len, const char *name, char **ret, struct zh_err *err)
{
	const char *p = text, *end = text + len;

	*ret = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol != NULL ? eol : end, *q = p, *addr, *addr_end;

		p = eol != NULL ? eol + 1 : end;
		while (q < le && is_space(*q))
			q++;
		addr = q;
		while (q < le && !is_space(*q) && *q != '#')
			q++;
		addr_end = q;
		if (addr == addr_end || *addr == '#')
			continue;
		while (q < le && *q != '#') {
			const char *n;

			while (q < le && is_space(*q))
				q++;
			n = q;
			while (q < le && !is_space(*q) && *q != '#')
				q++;
			if ((size_t)(q - n) == strlen(name)) {
				char *cand = zh_strndup(n, (size_t)(q - n));
				int same = cand != NULL && zh_ascii_ieq(cand, name);

				zh_free(cand);
				if (same) {
					*ret = zh_strndup(addr, (size_t)(addr_end - addr));
					return *ret == NULL
						? zh_err_set(err, ZH_ENOMEM, "cannot read hosts")
						: 0;
				}
			}
		}
	}
	return 0;
}

int zh_hosts_probe(const struct zh_catalog *cat, struct zh_hosts_state *st, struct zh_err *err)
{
	void *data = NULL;
	size_t i, len = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = sys_env_expand("%SystemRoot%\\System32\\drivers\\etc\\hosts", &st->path, err);
	if (rc != 0)
		return rc;
	if (strchr(st->path, '%') != NULL) {
		/* No %SystemRoot%: not Windows. */
		zh_hosts_release(st);
		return zh_err_set(err, ZH_ENOTSUP, "there is no Windows hosts file here");
	}
	rc = sys_fs_read_head(st->path, ZH_MAX_HOSTS_FILE + 1, &data, &len, err);
	if (rc == ZH_ENOENT) {
		zh_err_init(err);
		rc = 0;
	} else if (rc == 0 && len > ZH_MAX_HOSTS_FILE) {
		rc = zh_err_set(err, ZH_ETOOBIG, "hosts file '%s' is over %d bytes", st->path,
			ZH_MAX_HOSTS_FILE);
	} else if (rc == 0) {
		st->content = zh_strndup(data, len);
		st->len = len;
		if (st->content == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", st->path);
	}
	sys_free(data);
	if (rc == 0) {
		st->hosts = zh_calloc(cat->nhosts, sizeof(*st->hosts));
		if (st->hosts == NULL)
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read '%s'", st->path);
		else
			st->nhosts = cat->nhosts;
	}
	for (i = 0; rc == 0 && i < st->nhosts; i++) {
		st->hosts[i].def = &cat->hosts[i];
		if (st->content != NULL)
			rc = zh_hosts_lookup(st->content, st->len, cat->hosts[i].name,
				&st->hosts[i].mapped, err);
	}
	if (rc != 0)
		zh_hosts_release(st);
	return rc;
}

int zh_hosts_fixed(const struct zh_hosts_state *st, struct zh_buf *out, struct zh_err *err)
{
	size_t i;
	int rc = 0;

	if (st->content != NULL)
		rc = zh_buf_add(out, st->content, st->len, err);
	/* Windows writes the file with CRLF; keep a missing last line break from joining lines. */
	if (rc == 0 && st->len > 0 && st->content[st->len - 1] != '\n')
		rc = zh_buf_adds(out, "\r\n", err);
	for (i = 0; rc == 0 && i < st->nhosts; i++) {
		const struct zh_host_state *h = &st->hosts[i];

		/* A name mapped elsewhere is someone's decision: reported, not overridden. */
		if (h->mapped != NULL)
			continue;
		rc = zh_buf_printf(out, err, "%s %s # zhushou\r\n", h->def->address, h->def->name);
	}
	return rc;
}

void zh_hosts_release(struct zh_hosts_state *st)
{
	size_t i;

	for (i = 0; i < st->nhosts; i++)
		zh_free(st->hosts[i].mapped);
	zh_free(st->hosts);
	zh_free(st->content);
	sys_free(st->path);
	memset(st, 0, sizeof(*st));
}
