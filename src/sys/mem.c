/* SPDX-License-Identifier: MIT */
/* Memory handed out by the seam is plain malloc memory on every backend. */
#include <stdlib.h>

#include "mem.h"
#include "env.h"
#include "../core/banned.h"

void sys_free(void *p)
{
	free(p);
}

void sys_env_args_free(int argc, char **argv)
{
	int i;

	if (argv == NULL)
		return;
	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}
