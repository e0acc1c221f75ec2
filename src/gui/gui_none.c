/* SPDX-License-Identifier: MIT */
/* The native build has no window: `zhushou gui` says so, and no start opens one. */
#include "gui.h"
#include "../cli/cli.h"
#include "../core/banned.h"

int verb_gui(struct zh_cli *cli)
{
	err_printf("zhushou gui: %s\n",
		ZH_T(cli, "窗口界面只在 Windows 版中提供",
			"the window is in the Windows build only"));
	return ZH_EXIT_USAGE;
}

int gui_started_alone(void)
{
	return 0;
}
