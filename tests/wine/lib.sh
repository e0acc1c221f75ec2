# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Wine test harness, sourced by the bash scripts of `meson test --suite wine`.
#
# It gives every test its own throw-away Wine prefix copied from a cached template, runs
# commands through a Windows-side parent that reports full exit codes, takes deterministic
# state snapshots (registry, Add/Remove Programs, certificate stores, files) and seeds real
# legacy installers (fixtures/seed.sh). It deliberately holds no knowledge of zhushou itself.
#
# Every function is safe under `set -euo pipefail`: it returns non-zero after printing
# "zh-wine: <function>: <what failed>" on stderr, and never exits the calling shell.
# /work/shared/WINE.md has the Wine facts this file relies on.
#
# Environment read:
#   ZH_WINE_CACHE     cache for the template prefix, tools and fixtures
#                     (default /var/cache/zhushou/wine)
#   ZH_WINTOOLS_DIR   prebuilt tools/*.exe (meson); unset: lib.sh builds them into the cache
#   ZH_WINE_LANG      LANG for Wine (default C.UTF-8); a caller may also export LANG after
#                     zh_wine_env
#   ZH_WINE_IDLE_TIMEOUT  seconds zh_snapshot waits for the prefix to go idle (default 120)

ZH_WINE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Harness errors go to stderr and, when ZH_HARNESS_LOG names a file, there too: a test that
# discards a command's stderr (zhushou_code) still leaves the harness's reason behind.
_zh_err()
{
	printf 'zh-wine: %s: %s\n' "${FUNCNAME[1]}" "$*" >&2
	[[ -z ${ZH_HARNESS_LOG:-} ]] || printf 'zh-wine: %s: %s\n' "${FUNCNAME[1]}" "$*" >>"$ZH_HARNESS_LOG"
	return 1
}

# Wine runs against ~/.wine when WINEPREFIX is unset: never let a test touch that.
_zh_need_env()
{
	if [[ -z ${WINEPREFIX:-} || -z ${ZH_TEST_DIR:-} ]]; then
		printf 'zh-wine: %s: no test environment (call zh_wine_env or zh_new_prefix first)\n' \
			"${FUNCNAME[1]}" >&2
		return 1
	fi
}

# The cache is shared by all tests and all clones on the machine; fall back to a per-user
# directory when the system one cannot be created (non-root developer).
_zh_cache_dir()
{
	local dir=${ZH_WINE_CACHE:-/var/cache/zhushou/wine}

	if ! mkdir -p "$dir" 2>/dev/null || [[ ! -w $dir ]]; then
		[[ -n ${ZH_WINE_CACHE:-} ]] && { _zh_err "cache '$dir' is not writable"; return 1; }
		dir=/tmp/zhushou-wine-cache-$(id -u)
		mkdir -p "$dir" || { _zh_err "cannot create cache '$dir'"; return 1; }
	fi
	printf '%s\n' "$dir"
}

# Runs "$@" while holding an exclusive lock on the cache entry NAME, so that parallel tests
# (meson runs two at once) build each cached thing once and never see it half-built.
_zh_locked()
{
	local cache name=$1 fd rc=0
	shift
	cache=$(_zh_cache_dir) || return 1
	exec {fd}>"$cache/.lock-$name" || { _zh_err "cannot open lock for '$name'"; return 1; }
	flock "$fd" || { exec {fd}>&-; _zh_err "cannot lock '$name'"; return 1; }
	"$@" || rc=$?
	exec {fd}>&-
	return "$rc"
}

# Short content hash used in cache entry names.
_zh_hash()
{
	sha256sum | cut -c1-16
}

# A Windows path for a Linux path (drive Z: is / in every Wine prefix).
_zh_winpath()
{
	local p=$1
	printf 'Z:%s\n' "${p//\//\\}"
}

# winepath is a Wine program: under load its start now and then fails (status 1, nothing
# printed; seen in CI: test_admin then ran "" as the program). Ask again, as zh_winrun does,
# and say so in the harness log; an empty answer counts as no answer.
winepath()
{
	local out try

	for try in 1 2 3 4 5 6 7; do
		if out=$(command winepath "$@" 2>/dev/null) && [[ -n $out ]]; then
			printf '%s\n' "$out"
			return 0
		fi
		printf 'zh-wine: winepath %s: no answer (try %d of 7)\n' "$*" "$try" \
			>>"${ZH_HARNESS_LOG:-/dev/null}"
		[[ $try -lt 7 ]] && sleep $((try < 4 ? 1 << try : 15))
	done
	_zh_err "winepath $* gave no answer"
	return 1
}

# zh_wine_start OUT ERR PROGRAM ARGS...: wine PROGRAM ARGS with its stdout in OUT and its stderr
# in ERR (Linux paths); returns its status. Under load Wine now and then fails to start a program
# at all with status 1 and nothing printed (seen in CI: winepath, and `zhushou verify --json`,
# whose JSON is never missing when it runs). Only for runs that always print something: there,
# status 1 with both files empty means the program never ran, and it is started again (up to
# seven times over a minute, each said in the harness log).
zh_wine_start()
{
	local out=$1 err=$2 try rc
	shift 2

	for try in 1 2 3 4 5 6 7; do
		rc=0
		wine "$@" >"$out" 2>"$err" || rc=$?
		if [[ $rc -ne 1 || -s $out || -s $err ]]; then
			return "$rc"
		fi
		printf 'zh-wine: wine %s: status 1 and nothing printed, not started (try %d of 7)\n' \
			"$*" "$try" >>"${ZH_HARNESS_LOG:-/dev/null}"
		[[ $try -lt 7 ]] && sleep $((try < 4 ? 1 << try : 15))
	done
	_zh_err "wine $* never started"
	return 1
}

# ---------------------------------------------------------------------------------------------
# Environment, template and prefixes

# zh_wine_env DIR: point Wine (and everything it might write through HOME, TMPDIR or XDG
# directories) at DIR, so a test never writes outside its own directory.
zh_wine_env()
{
	local dir=${1:-}

	[[ -n $dir ]] || { _zh_err "usage: zh_wine_env DIR"; return 1; }
	mkdir -p "$dir/home" "$dir/tmp" || { _zh_err "cannot create '$dir'"; return 1; }
	dir=$(cd "$dir" && pwd)
	export ZH_TEST_DIR=$dir
	export HOME=$dir/home TMPDIR=$dir/tmp WINEPREFIX=$dir/prefix
	export XDG_CONFIG_HOME=$dir/home/.config XDG_CACHE_HOME=$dir/home/.cache
	export XDG_DATA_HOME=$dir/home/.local/share
	export WINEDEBUG=-all WINEARCH=win64
	export WINEDLLOVERRIDES='mscoree,mshtml=;winemenubuilder.exe=d'
	# LC_ALL would override LANG and make Wine's locale depend on the developer's shell.
	unset LC_ALL
	export LANG=${ZH_WINE_LANG:-C.UTF-8}
}

# Everything that configures the template prefix lives in this function (and zh_wine_env): the
# text of both is hashed into the template's name, so editing them makes a new template.
# Runs inside the environment of the build directory.
_zh_template_setup()
{
	local link

	wineboot -i && wineserver -w || return 1

	# One regedit call for two things. CJK font substitutes (WINE.md "Windows on screen"):
	# without them Chinese in windows and screenshots renders as boxes. And keys a fresh Wine
	# prefix lacks but Windows has, the two other Uninstall keys and Windows Installer's
	# product registry: otherwise the first installer creates them, its uninstaller leaves
	# them behind empty, and "install, then uninstall" never gets back to an identical
	# snapshot.
	cat >"$TMPDIR/template.reg" <<-'EOF'
	REGEDIT4

	[HKEY_CURRENT_USER\Software\Wine\Fonts\Replacements]
	"Microsoft YaHei UI"="WenQuanYi Micro Hei"
	"Microsoft YaHei"="WenQuanYi Micro Hei"
	"SimSun"="WenQuanYi Micro Hei"
	"MS Shell Dlg"="WenQuanYi Micro Hei"
	"MS Shell Dlg 2"="WenQuanYi Micro Hei"
	"Tahoma"="WenQuanYi Micro Hei"

	[HKEY_LOCAL_MACHINE\Software\Wow6432Node\Microsoft\Windows\CurrentVersion\Uninstall]

	[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall]

	[HKEY_LOCAL_MACHINE\Software\Classes\Installer\Features]

	[HKEY_LOCAL_MACHINE\Software\Classes\Installer\Products]

	[HKEY_LOCAL_MACHINE\Software\Classes\Installer\UpgradeCodes]

	[HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Installer\UpgradeCodes]

	[HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Components]

	[HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Installer\UserData\S-1-5-18\Products]
	EOF
	wine regedit /S "$TMPDIR/template.reg" && wineserver -w || return 1

	# wineboot links Desktop, Documents, Downloads, Music, Pictures, Videos and
	# AppData\Roaming\Microsoft\Windows\Templates of the profile to $HOME, an absolute path
	# of the build directory: in a copied prefix they would dangle or leak writes outside
	# the test. Real directories, as on Windows.
	while IFS= read -r -d '' link; do
		rm -f "$link" && mkdir "$link" || return 1
	done < <(find "$WINEPREFIX/drive_c" -type l -print0)
}

_zh_template_path()
{
	local cache ver hash

	cache=$(_zh_cache_dir) || return 1
	ver=$(WINEDEBUG=-all wine --version 2>/dev/null) || { _zh_err "wine --version failed"; return 1; }
	ver=$(printf '%s' "$ver" | tr -c 'A-Za-z0-9.+-' '_')
	hash=$(declare -f zh_wine_env _zh_template_setup | _zh_hash)
	printf '%s/template-%s-%s\n' "$cache" "$ver" "$hash"
}

_zh_template_build()
{
	local final=$1 build log

	[[ -d $final ]] && return 0
	build=$(mktemp -d "$(dirname "$final")/.build-template.XXXXXX") || return 1
	log=$build/setup.log
	# A subshell keeps the build environment away from the caller's; the template is always
	# made in the default locale (ZH_WINE_LANG is not part of its name).
	if ! (unset ZH_WINE_LANG; zh_wine_env "$build" && _zh_template_setup) >"$log" 2>&1; then
		_zh_err "building the template failed; log follows"
		cat "$log" >&2
		rm -rf "$build"
		return 1
	fi
	# The rename publishes the template atomically: readers never see a partial one.
	mv -T "$build/prefix" "$final" && rm -rf "$build"
}

# zh_template: print the template prefix's path, creating it on first use (about 12 s).
zh_template()
{
	local path

	path=$(_zh_template_path) || return 1
	if [[ ! -d $path ]]; then
		_zh_locked template _zh_template_build "$path" || {
			_zh_err "no template prefix at '$path'"
			return 1
		}
	fi
	printf '%s\n' "$path"
}

# zh_new_prefix DIR: set up the test environment in DIR (zh_wine_env) with a fresh copy of the
# template prefix in DIR/prefix. A prefix already there is replaced.
zh_new_prefix()
{
	local dir=${1:-} template

	[[ -n $dir ]] || { _zh_err "usage: zh_new_prefix DIR"; return 1; }
	template=$(zh_template) || return 1
	zh_wine_env "$dir" || return 1
	if [[ -d $WINEPREFIX ]]; then
		wineserver -k 2>/dev/null || true
		rm -rf "$WINEPREFIX"
	fi
	cp -a "$template" "$WINEPREFIX" || { _zh_err "cannot copy '$template'"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# Running things

zh_wine()
{
	_zh_need_env || return 1
	wine "$@"
}

zh_wine_wait()
{
	_zh_need_env || return 1
	wineserver -w
}

zh_wine_kill()
{
	_zh_need_env || return 1
	# Nothing running is not an error.
	wineserver -k 2>/dev/null || true
}

# zh_reboot: what Windows does at a restart, as far as tests need it: end every process, then
# let `wineboot -r` apply PendingFileRenameOperations (WINE.md "Files").
zh_reboot()
{
	_zh_need_env || return 1
	zh_wine_kill
	wineboot -r || { _zh_err "wineboot -r failed"; return 1; }
	wineserver -w
}

# zh_wine_hold / zh_wine_release: keep the wineserver of the current prefix running between
# Wine commands, so state that lives only in the wineserver (zh_deny_read's DACL) survives.
# Meanwhile zh_wine_wait blocks and zh_snapshot refuses to run. Call both in the same shell
# (not in $(...)): the holder's pid is kept in a shell variable.
zh_wine_hold()
{
	local holdfile

	_zh_need_env || return 1
	holdfile=$(_zh_tool holdfile) || return 1
	rm -f "$TMPDIR/zh-hold.release" "$TMPDIR/zh-hold.ready"
	wine "$holdfile" --ready "$(_zh_winpath "$TMPDIR/zh-hold.ready")" \
		--until "$(_zh_winpath "$TMPDIR/zh-hold.release")" --seconds 3600 \
		"$(_zh_winpath "$TMPDIR/zh-hold.lock")" &
	_ZH_HOLD_PID=$!
	while [[ ! -e $TMPDIR/zh-hold.ready ]]; do
		kill -0 "$_ZH_HOLD_PID" 2>/dev/null || { _zh_err "holdfile.exe did not start"; return 1; }
		sleep 0.05
	done
}

zh_wine_release()
{
	[[ -n ${_ZH_HOLD_PID:-} ]] || return 0
	touch "$TMPDIR/zh-hold.release"
	wait "$_ZH_HOLD_PID" || true
	_ZH_HOLD_PID=
	rm -f "$TMPDIR/zh-hold.release" "$TMPDIR/zh-hold.ready" "$TMPDIR/zh-hold.lock"
}

# Sources of the Windows-side tools, and the libraries each needs beyond the defaults.
_zh_tool_libs()
{
	case $1 in
	certlist | certadd) echo -lcrypt32 ;;
	p11list) echo -idirafter /usr/include/p11-kit-1 ;; # p11-kit's pkcs11.h (header only)
	guidrive) echo -lgdi32 ;; # measures text (GetTextExtentPoint32W) for the GUI test
	*) echo ;;
	esac
}

_zh_tools_build()
{
	local out=$1 build src name

	[[ -d $out ]] && return 0
	build=$(mktemp -d "$(dirname "$out")/.build-tools.XXXXXX") || return 1
	for src in "$ZH_WINE_LIB_DIR"/tools/*.c; do
		name=$(basename "$src" .c)
		# shellcheck disable=SC2046 # the library list is meant to split
		x86_64-w64-mingw32-gcc -municode -O2 -s -Wall -o "$build/$name.exe" "$src" \
			$(_zh_tool_libs "$name") || {
			_zh_err "cannot build '$src'"
			rm -rf "$build"
			return 1
		}
	done
	# mktemp made it private; the cache is shared by everyone on the machine.
	chmod 755 "$build" && mv -T "$build" "$out"
}

# _zh_tool NAME: path of tools/NAME.exe, from ZH_WINTOOLS_DIR (meson) or built into the cache,
# keyed by the hash of the tool sources, their build recipe and the compiler version.
_zh_tool()
{
	local name=$1 dir cache hash

	if [[ -n ${ZH_WINTOOLS_DIR:-} ]]; then
		dir=$ZH_WINTOOLS_DIR
	else
		cache=$(_zh_cache_dir) || return 1
		hash=$({
			cat "$ZH_WINE_LIB_DIR"/tools/*.c
			declare -f _zh_tools_build _zh_tool_libs
			x86_64-w64-mingw32-gcc --version
		} | _zh_hash)
		dir=$cache/tools-$hash
		[[ -d $dir ]] || _zh_locked tools _zh_tools_build "$dir" || return 1
	fi
	[[ -f $dir/$name.exe ]] || { _zh_err "no '$name.exe' in '$dir'"; return 1; }
	printf '%s\n' "$dir/$name.exe"
}

# zh_winrun [--timeout MS] [--out FILE] [--raw CMDLINE | EXE ARGS...]: run a command through
# winrun.exe and print its full Windows exit code (e.g. 3010), or "timeout", on stdout. The
# command's stdout is saved to FILE (a Linux path) with --out, else copied to stderr; its
# stderr goes to stderr. --raw passes CMDLINE unquoted (NSIS "_?=" needs it). Returns 0
# whenever the command could be started.
zh_winrun()
{
	local winrun code file keep='' opts=()

	_zh_need_env || return 1
	winrun=$(_zh_tool winrun) || return 1
	while [[ $# -gt 1 ]]; do
		case $1 in
		--timeout) opts+=(--timeout "$2") ;;
		--out) keep=$(realpath -m -- "$2") ;;
		*) break ;;
		esac
		shift 2
	done
	# winrun always gets --out: the command's output never mixes with the exit code line.
	file=${keep:-$(mktemp "$TMPDIR/winrun.XXXXXX")} || return 1
	# Under load Wine now and then fails to start a process at all: either Wine's own start-up
	# ("Application could not be started ... ShellExecuteEx failed: Internal error", exit 3)
	# or winrun's CreateProcessW of the command (winrun exits 3 and names the Windows error).
	# Seen in full parallel runs, once for over 30 s in a row. That is not the command's
	# result (it never ran): try again, up to seven times over a minute, and say so with what
	# Wine or winrun printed, which is what a support engineer needs to see in the log.
	local try err rc
	err=$(mktemp "$TMPDIR/winrun-err.XXXXXX") || return 1
	for try in 1 2 3 4 5 6 7; do
		rc=0
		code=$(wine "$winrun" "${opts[@]}" --out "$(_zh_winpath "$file")" "$@" 2>"$err") || rc=$?
		if [[ $rc -eq 0 ]]; then
			cat "$err" >&2
			break
		fi
		printf 'zh-wine: zh_winrun: could not start (exit %s, try %d of 7): %s\n%s\n' \
			"$rc" "$try" "$*" "$(tr -d '\r' <"$err" | tail -n 5 | sed 's/^/    /')" |
			tee -a "${ZH_HARNESS_LOG:-/dev/null}" >&2
		code=''
		[[ $try -lt 7 ]] && sleep $((try < 4 ? 1 << try : 15))
	done
	rm -f "$err"
	if [[ -z $code ]]; then
		[[ -n $keep ]] || rm -f "$file"
		_zh_err "winrun could not run: $*"
		return 1
	fi
	if [[ -z $keep ]]; then
		cat "$file" >&2
		rm -f "$file"
	fi
	code=${code%$'\r'}
	if [[ ! $code =~ ^([0-9]+|timeout)$ ]]; then
		_zh_err "no exit code from winrun (it printed '$code') for: $*"
		return 1
	fi
	printf '%s\n' "$code"
}

# ---------------------------------------------------------------------------------------------
# State snapshots
#
# A snapshot is a directory of four sorted text files, byte-identical for an unchanged prefix:
#   registry  HKLM\Software (both views: Wow6432Node is a subkey in a 64-bit prefix) and
#             HKCU\Software, in .reg-like text (tools/regnorm.awk says what is normalized)
#   arp       the Add/Remove Programs entries of the three views (tools/arplist.awk)
#   certs     LocalMachine and CurrentUser Root, CA, My: "<store> <SHA-1> <subject>"
#   files     every directory, file (with SHA-256) and symlink under Program Files,
#             Program Files (x86), ProgramData and users (profiles, Public)
#
# The registry is read from the files the wineserver saves when it exits (system.reg,
# user.reg), not with `reg export`: export takes 4.6 s for HKLM\Software alone, expands
# Wine's Wow6432Node\Classes link into a second copy of 236 keys, and includes the host's root
# certificates only if crypt32 happened to load in the current wineserver session (WINE.md:
# they are volatile keys). The saved files hold exactly the persistent state, in 15 ms.

# What is normalized, and why.
# - registry: HKCU\Software\Wine\WineDbg, which Wine's debugger creates the first time it
#   starts for any process of the prefix (seen once in a crash sweep, where many Wine
#   processes end abruptly); it is Wine's, not the PC's. Tests assert exit codes separately. Found by diffing snapshots of an idle prefix taken a minute
# apart, and around `wine cmd /c exit`, certlist.exe itself, a wininet settings refresh, a GDI
# font lookup, a run with LANG=zh_CN.UTF-8 and every fixture install: only these changed.
# - registry: each key's last-write time (regnorm.awk drops it). No value was volatile.
# - files: the two temporary directories below, excluded (a regular expression on the path
#   relative to drive_c). %TEMP% in a Wine prefix is users\<user>\Temp (GetTempPath): NSIS
#   unpacks its plug-ins there. %LOCALAPPDATA%\Temp is %TEMP% on Windows, and programs that
#   compute the path themselves write there. Wine keeps no caches of its own in these trees.
# - ZH_SNAPSHOT_EXCLUDE (optional): one more regular expression, for a test that compares
#   the PC and not a program's own state (zhushou's tests exclude ProgramData/zhushou, its
#   journal and backups, which record every attempt by design).
# - files: zhushou's logs (ProgramData/zhushou/logs, and a user's AppData/Local/zhushou, which
#   holds only logs: where a run logs when the data folder is not there yet or not writable):
#   every run appends to them by design, they are its diary and not the PC's state; tests
#   that assert on logs read them directly.
_ZH_SNAPSHOT_FILES_EXCLUDE='users/[^/]+/(Temp|AppData/Local/Temp|AppData/Local/zhushou)|ProgramData/zhushou/logs'

_zh_snapshot_files()
{
	local drive_c=$1
	local re=$_ZH_SNAPSHOT_FILES_EXCLUDE
	local prune

	[[ -n ${ZH_SNAPSHOT_EXCLUDE:-} ]] && re="($re)|($ZH_SNAPSHOT_EXCLUDE)"
	prune=(-regextype posix-extended -regex "$re" -prune -o)

	(
		cd "$drive_c" || exit 1
		find "Program Files" "Program Files (x86)" ProgramData users "${prune[@]}" \
			\( -type d -printf '%p/\n' -o -type l -printf '%p -> %l\n' \) || exit 1
		# "path<TAB>sha256" rather than sha256sum's order: diffs read better by path.
		find "Program Files" "Program Files (x86)" ProgramData users "${prune[@]}" \
			-type f -print0 | xargs -0 -r sha256sum |
			sed 's/^\\\{0,1\}\([0-9a-f]\{64\}\)  \(.*\)$/\2\t\1/' || exit 1
	) | LC_ALL=C sort
}

_zh_snapshot_registry()
{
	local awk_dir=$ZH_WINE_LIB_DIR/tools

	LC_ALL=C awk -v root=HKEY_LOCAL_MACHINE -v keep='^software(\\\\|$)' \
		-f "$awk_dir/regnorm.awk" "$WINEPREFIX/system.reg" &&
		LC_ALL=C awk -v root=HKEY_CURRENT_USER -v keep='^software(\\\\|$)' \
		-v drop='^software\\\\wine\\\\winedbg(\\\\|$)' \
		-f "$awk_dir/regnorm.awk" "$WINEPREFIX/user.reg"
}

# wineserver -w, bounded: a process left running (a service, a hung installer) would otherwise
# block a snapshot for ever. ZH_WINE_IDLE_TIMEOUT seconds, default 120.
_zh_wait_idle()
{
	timeout "${ZH_WINE_IDLE_TIMEOUT:-120}" wineserver -w || {
		_zh_err "the prefix did not go idle within ${ZH_WINE_IDLE_TIMEOUT:-120} s" \
			"(a Windows process is still running)"
		return 1
	}
}

# zh_snapshot OUTDIR: write a snapshot of the current prefix into OUTDIR (created).
zh_snapshot()
{
	local out=${1:-} certlist

	_zh_need_env || return 1
	[[ -n $out ]] || { _zh_err "usage: zh_snapshot OUTDIR"; return 1; }
	mkdir -p "$out" || { _zh_err "cannot create '$out'"; return 1; }
	certlist=$(_zh_tool certlist) || return 1
	if [[ -n ${_ZH_HOLD_PID:-} ]]; then
		_zh_err "zh_wine_hold is active: the prefix cannot go idle (zh_wine_release first)"
		return 1
	fi

	# Let whatever a test started finish first, so nothing changes while we read.
	_zh_wait_idle || return 1
	wine "$certlist" >"$out/certs.raw" || { _zh_err "certlist.exe failed"; return 1; }
	LC_ALL=C sort "$out/certs.raw" >"$out/certs" && rm -f "$out/certs.raw"
	# The registry files are current only once the wineserver has saved them and exited.
	_zh_wait_idle || return 1
	_zh_snapshot_registry >"$out/registry" || { _zh_err "cannot read the registry"; return 1; }
	LC_ALL=C awk -f "$ZH_WINE_LIB_DIR/tools/arplist.awk" "$out/registry" |
		LC_ALL=C sort >"$out/arp" || { _zh_err "cannot list Add/Remove Programs"; return 1; }
	_zh_snapshot_files "$WINEPREFIX/drive_c" >"$out/files" || {
		_zh_err "cannot hash files"
		return 1
	}
}

# zh_snapshot_diff A B: return 0 if the snapshots are equal, else print a unified diff of each
# part that differs and return 1.
zh_snapshot_diff()
{
	local a=${1:-} b=${2:-} part rc=0

	[[ -d $a && -d $b ]] || { _zh_err "usage: zh_snapshot_diff SNAPSHOT_A SNAPSHOT_B"; return 1; }
	for part in registry arp certs files; do
		[[ -f $a/$part && -f $b/$part ]] || { _zh_err "'$part' missing in '$a' or '$b'"; return 2; }
		if ! cmp -s "$a/$part" "$b/$part"; then
			printf '=== %s differs\n' "$part"
			diff -u --label "$a/$part" --label "$b/$part" "$a/$part" "$b/$part" || true
			rc=1
		fi
	done
	return "$rc"
}

# shellcheck source=fixtures/seed.sh
source "$ZH_WINE_LIB_DIR/fixtures/seed.sh"
