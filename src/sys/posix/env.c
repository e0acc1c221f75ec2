/* SPDX-License-Identifier: MIT */
/* Environment on posix: the locale variables give the UI language; argv is already UTF-8. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../env.h"
#include "../fault.h"
#include "../../core/banned.h"

const char *sys_env_ui_lang(void)
{
	const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = getenv(names[i]);

		if (v != NULL && v[0] != '\0')
			return strncmp(v, "zh", 2) == 0 ? "zh" : "en";
	}
	return "en";
}

int sys_env_get(const char *name, char **ret, struct zh_err *err)
{
	const char *v = getenv(name);

	if (v == NULL)
		return ZH_ENOENT;
	*ret = strdup(v);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read variable '%s'", name);
	return 0;
}

int sys_env_expand(const char *s, char **ret, struct zh_err *err)
{
	/* Windows-style %VAR% references have no meaning here; the text is returned as is. */
	*ret = strdup(s);
	if (*ret == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot expand '%s'", s);
	return 0;
}

int sys_env_args(int argc, char **argv, int *ret_argc, char ***ret_argv, struct zh_err *err)
{
	char **out = calloc((size_t)argc + 1, sizeof(char *));
	int i;

	if (out == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot read command line");
	for (i = 0; i < argc; i++) {
		out[i] = strdup(argv[i]);
		if (out[i] == NULL) {
			sys_env_args_free(i, out);
			return zh_err_set(err, ZH_ENOMEM, "cannot read command line");
		}
	}
	*ret_argc = argc;
	*ret_argv = out;
	return 0;
}

int sys_env_is_admin(int *ret, struct zh_err *err)
{
	(void)err;
	*ret = geteuid() == 0;
#ifdef ZH_FAULTS
	{
		const char *v = getenv("ZHUSHOU_AS_USER");

		if (v != NULL && strcmp(v, "1") == 0)
			*ret = 0;
	}
#endif
	return 0;
}

int sys_env_exe_path(char **ret, struct zh_err *err)
{
	char *buf = NULL;
	size_t cap = 256;
	ssize_t n;
	int rc = ZH_FAULT_CHECK("sys_env_exe_path", err);

	if (rc != 0)
		return rc;
	/* readlink does not terminate and truncates silently: grow until the answer fits. */
	for (;;) {
		char *nb = realloc(buf, cap);

		if (nb == NULL) {
			rc = zh_err_set(err, ZH_ENOMEM, "cannot read this program's path");
			goto out;
		}
		buf = nb;
		n = readlink("/proc/self/exe", buf, cap);
		if (n < 0) {
			rc = zh_err_sys(err, ZH_EIO, errno, "cannot read this program's path: %s",
				strerror(errno));
			goto out;
		}
		if ((size_t)n < cap)
			break;
		if (cap >= 65536) {
			rc = zh_err_set(err, ZH_ETOOBIG, "this program's path is too long");
			goto out;
		}
		cap *= 2;
	}
	buf[n] = '\0';
	*ret = buf;
	buf = NULL;
out:
	free(buf);
	return rc;
}

int sys_env_restart(struct zh_err *err)
{
	return zh_err_set(err, ZH_ENOTSUP, "restarting is not done here");
}
