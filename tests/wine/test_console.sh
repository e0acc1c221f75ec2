#!/bin/bash
# Console text: the UI language picks zh-CN or English (--lang overrides); redirected output
# is UTF-8; on a console (a pty) WriteConsoleW shows the Chinese intact.
source "$(dirname "$0")/common.sh"

zhushou check --lang zh >"$zh_t_dir/zh.txt" || true
if grep -q '旧版控件' "$zh_t_dir/zh.txt" && grep -q '受信任站点' "$zh_t_dir/zh.txt"; then
	ok "--lang zh writes Chinese as UTF-8 to a pipe"
else
	fail "--lang zh output lacks the Chinese titles: $(head -3 "$zh_t_dir/zh.txt")"
fi
zhushou check --lang en >"$zh_t_dir/en.txt" || true
grep -q 'Old controls' "$zh_t_dir/en.txt" && ok "--lang en writes English" ||
	fail "--lang en output: $(head -3 "$zh_t_dir/en.txt")"

# The UI language comes from the locale Wine runs in (WINE.md: zh_CN.UTF-8 gives 0x804).
wineserver -k 2>/dev/null || true
LANG=zh_CN.UTF-8 wine "$ZHUSHOU_EXE" check >"$zh_t_dir/ui-zh.txt" || true
wineserver -k 2>/dev/null || true
grep -q '旧版控件' "$zh_t_dir/ui-zh.txt" && ok "Chinese UI language gives Chinese text" ||
	fail "zh_CN UI: $(head -3 "$zh_t_dir/ui-zh.txt")"
LANG=C.UTF-8 wine "$ZHUSHOU_EXE" check >"$zh_t_dir/ui-en.txt" || true
grep -q 'Old controls' "$zh_t_dir/ui-en.txt" && ok "English UI language gives English text" ||
	fail "en UI: $(head -3 "$zh_t_dir/ui-en.txt")"

# On a pty stdout is a console: the text goes through WriteConsoleW.
wineserver -k 2>/dev/null || true
script -qec "wine '$ZHUSHOU_EXE' check --lang zh" /dev/null >"$zh_t_dir/pty.txt" 2>&1 || true
if grep -q '旧版控件' "$zh_t_dir/pty.txt"; then
	ok "Chinese shows on a console"
else
	fail "console output: $(head -5 "$zh_t_dir/pty.txt" | od -c | head -5)"
fi

# JSON is UTF-8 whatever the language.
zhushou check --json --lang zh >"$zh_t_dir/j.json" || true
expect_eq "JSON carries the Chinese title" \
	"$(json "$zh_t_dir/j.json" '[c["title"] for c in d["checks"] if c["id"]=="legacy-components"][0]')" 旧版控件

# Usage errors exit 2 and say what is wrong, in the language asked for.
code=$(zhushou_code check --lang fr)
expect_eq "bad --lang is a usage error" "$code" 2
code=$(zhushou_code frobnicate)
expect_eq "unknown command is a usage error" "$code" 2
finish
