/* SPDX-License-Identifier: MIT */
/*
 * The window a finance clerk uses (全面检测 → results → 一键修复 → 重新检测), over the same core
 * as the command line. Windows only: the native build links gui_none.c, which says so. The
 * window checks in-process on a worker thread and repairs by starting zhushou.exe itself
 * elevated (`repair --log FILE`), following the steps in that log.
 */
#ifndef ZH_GUI_H
#define ZH_GUI_H

struct zh_cli;

/*
 * `zhushou gui`: open the window and run its message loop until it is closed. Arguments:
 * --source PACK, passed on to the repair (--catalog and --lang are global options). Returns the
 * exit code: 0, or 2 for a usage error, 1603 when the window cannot be created.
 */
int verb_gui(struct zh_cli *cli);

/*
 * Whether this process was started on its own, with no arguments, from Explorer: its console
 * belongs to it alone (GetConsoleProcessList returns 1). main() opens the window then and hides
 * the console; from cmd.exe the usage text stays what it was. 0 on other systems.
 */
int gui_started_alone(void);

#endif
