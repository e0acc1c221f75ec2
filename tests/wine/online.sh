# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Servers for the online-mode tests (issue 9), sourced after common.sh: an HTTPS mirror
# (tests/fetch/mirror.py) with a test CA that the prefix's LocalMachine Root store trusts, a
# second CA it does not trust, a certificate for another name, a port that accepts and never
# answers, and tinyproxy (Debian's) with and without basic authentication. Everything lives
# in $zh_t_dir/online and listens on 127.0.0.1 only; every server started here is stopped by
# its process id when the test exits (before common.sh's own cleanup runs).
#
#   zh_on_hosts                    names for 127.0.0.1 in a private /etc/hosts ($ZH_ON_NAMES:
#                                  mirror.zhushou.test, direct.zhushou.test, zhmirror), so that
#                                  a mirror can be reached by a name that is not loopback (the
#                                  PC's proxy never takes loopback, as WinINet); needs the test
#                                  to run in a private mount namespace (ZH_ON_NS=1, see
#                                  test_online.sh); returns 1 otherwise
#   zh_on_pki                      make the PKI (done by the first server that needs it)
#   zh_on_trust                    add the test CA to the prefix's LocalMachine Root store
#   zh_on_mirror NAME [CERT] [--stall S]
#                                  start a mirror serving $ZH_ON_ROOT with CERT (good: the
#                                  test CA, for 127.0.0.1, localhost and $ZH_ON_NAMES;
#                                  wrongname: the test CA, for other.example only; untrusted:
#                                  the second CA, for the same names as good; plain: no TLS,
#                                  plain HTTP, e.g. for a proxy auto-config script); print its
#                                  port. Its log (one line per response: path status
#                                  first-byte bytes-sent) is $ZH_ON_DIR/NAME.log
#   zh_on_blackhole                start a listener that never answers; print its port
#   zh_on_proxy NAME [USER:PASS]   start tinyproxy (basic auth when USER:PASS is given); print
#                                  its port. Its log is $ZH_ON_DIR/NAME.tinyproxy.log
#   zh_on_closed_port              print a loopback port nothing listens on
#   zh_on_publish NAME PACK.zip    unzip a pack into $ZH_ON_ROOT/NAME (a mirror's layout)
#   zh_on_url PORT MODE NAME [HOST]   https://HOST:PORT/MODE/NAME/ (HOST: 127.0.0.1)
#   zh_on_ctl PORT WHAT            a control request (reset, switch/MODE) to a mirror
#   zh_on_sent NAME SUFFIX         bytes of body a mirror sent for paths ending in SUFFIX
#   zh_on_requests NAME SUFFIX     how many responses it sent for them
#   zh_on_proxied NAME PORT        how many CONNECTs to any host at PORT tinyproxy NAME saw
#   zh_on_pc_proxy SERVER OVERRIDE the PC's proxy (HKCU Internet Settings), ProxyEnable=1
#   zh_on_pc_proxy_off             ProxyEnable=0, ProxyServer and ProxyOverride deleted
#   zh_on_stop                     stop every server started here (also done at exit)

: "${zh_t_dir:?online.sh is sourced after common.sh (or with zh_t_dir set)}"
ZH_ON_DIR=$zh_t_dir/online
ZH_ON_ROOT=$ZH_ON_DIR/www
ZH_ON_PKI=$ZH_ON_DIR/pki
ZH_ON_MIRROR_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fetch" && pwd)/mirror.py
ZH_ON_NAMES=(mirror.zhushou.test direct.zhushou.test zhmirror)
mkdir -p "$ZH_ON_DIR" "$ZH_ON_ROOT"
: >"$ZH_ON_DIR/pids"

# Nothing a test starts may be reached through the host's proxy: curl and libcurl read these.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

_zh_on_err()
{
	printf 'zh-online: %s: %s\n' "${FUNCNAME[1]}" "$*" >&2
	[[ -z ${ZH_HARNESS_LOG:-} ]] || printf 'zh-online: %s: %s\n' "${FUNCNAME[1]}" "$*" >>"$ZH_HARNESS_LOG"
	return 1
}

# ---------------------------------------------------------------------------------------------
# PKI (openssl CLI, EC P-256 as tests/unit/test_fetch.c makes its own)

_zh_on_leaf()
{
	local name=$1 ca=$2 san=$3 d=$ZH_ON_PKI

	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$name.key" \
		-subj "/CN=zhushou test mirror" -out "$d/$name.csr" 2>/dev/null &&
		printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' \
			"$san" >"$d/$name.ext" &&
		openssl x509 -req -in "$d/$name.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" \
			-CAcreateserial -days 30 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
}

zh_on_pki()
{
	local d=$ZH_ON_PKI ca

	[[ -f $d/done ]] && return 0
	mkdir -p "$d" || return 1
	for ca in ca other-ca; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$ca.key" \
			-subj "/CN=zhushou online test $ca" -days 30 \
			-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
			-out "$d/$ca.pem" 2>/dev/null || { _zh_on_err "cannot make $ca"; return 1; }
		openssl x509 -in "$d/$ca.pem" -outform DER -out "$d/$ca.der" || return 1
	done
	local san='IP:127.0.0.1,DNS:localhost' n
	for n in "${ZH_ON_NAMES[@]}"; do san+=",DNS:$n"; done
	_zh_on_leaf good ca "$san" &&
		_zh_on_leaf wrongname ca 'DNS:other.example' &&
		_zh_on_leaf untrusted other-ca "$san" ||
		{ _zh_on_err "cannot make the server certificates"; return 1; }
	touch "$d/done"
}

zh_on_hosts()
{
	local n

	[[ ${ZH_ON_NS:-0} == 1 ]] || { _zh_on_err "not in a private mount namespace (ZH_ON_NS=1)"; return 1; }
	{
		cat /etc/hosts
		for n in "${ZH_ON_NAMES[@]}"; do printf '127.0.0.1 %s\n' "$n"; done
	} >"$ZH_ON_DIR/hosts" && mount --bind "$ZH_ON_DIR/hosts" /etc/hosts ||
		{ _zh_on_err "cannot bind-mount a private /etc/hosts"; return 1; }
	getent hosts "${ZH_ON_NAMES[0]}" >/dev/null || { _zh_on_err "the private names do not resolve"; return 1; }
}

zh_on_trust()
{
	local certadd

	zh_on_pki || return 1
	certadd=$(_zh_tool certadd) || return 1
	wine "$certadd" LocalMachine Root "$(_zh_winpath "$ZH_ON_PKI/ca.der")" ||
		{ _zh_on_err "certadd of the test CA failed"; return 1; }
}

# ---------------------------------------------------------------------------------------------
# Servers

# _zh_on_start NAME OUT CMD...: start CMD in the background with stdout in OUT, remember its
# pid, wait for the first line of OUT (the port) and print it.
_zh_on_start()
{
	local name=$1 out=$2 pid
	shift 2

	: >"$out"
	"$@" >"$out" 2>"$out.err" </dev/null &
	pid=$!
	echo "$pid $name" >>"$ZH_ON_DIR/pids"
	for _ in $(seq 1 100); do
		if [[ -s $out ]] && head -1 "$out" | grep -q '^[0-9][0-9]*$'; then
			head -1 "$out"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	_zh_on_err "$name did not start: $(cat "$out.err" 2>/dev/null)"
	return 1
}

zh_on_mirror()
{
	local name=${1:-} cert=good opts=()

	[[ -n $name ]] || { _zh_on_err "usage: zh_on_mirror NAME [CERT] [--stall S]"; return 1; }
	shift
	if [[ $# -gt 0 && $1 != --* ]]; then
		cert=$1
		shift
	fi
	while [[ $# -gt 0 ]]; do
		case $1 in
		--stall) opts+=(--stall "$2"); shift 2 ;;
		*) _zh_on_err "unknown option '$1'"; return 1 ;;
		esac
	done
	zh_on_pki || return 1
	if [[ $cert == plain ]]; then
		opts+=(--plain)
		cert=good
	fi
	[[ -f $ZH_ON_PKI/$cert.pem ]] || { _zh_on_err "no certificate '$cert'"; return 1; }
	: >"$ZH_ON_DIR/$name.log"
	_zh_on_start "mirror $name" "$ZH_ON_DIR/$name.port" python3 "$ZH_ON_MIRROR_PY" "${opts[@]}" \
		"$ZH_ON_PKI/$cert.pem" "$ZH_ON_PKI/$cert.key" "$ZH_ON_ROOT" "$ZH_ON_DIR/$name.log"
}

zh_on_blackhole()
{
	_zh_on_start blackhole "$ZH_ON_DIR/blackhole.port" python3 "$ZH_ON_MIRROR_PY" --blackhole \
		- - - -
}

# A port the kernel just handed out and that nothing listens on any more.
_zh_on_free_port()
{
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

zh_on_closed_port()
{
	_zh_on_free_port
}

zh_on_proxy()
{
	local name=${1:-} auth=${2:-} conf port pid

	[[ -n $name ]] || { _zh_on_err "usage: zh_on_proxy NAME [USER:PASS]"; return 1; }
	command -v tinyproxy >/dev/null || { _zh_on_err "tinyproxy is not installed"; return 1; }
	conf=$ZH_ON_DIR/$name.tinyproxy.conf
	# A free port can be taken between the look and tinyproxy's bind (other tests run in
	# parallel): try another one.
	for _ in 1 2 3 4 5; do
		port=$(_zh_on_free_port) || return 1
		{
			echo "Port $port"
			echo "Listen 127.0.0.1"
			echo "Timeout 600"
			echo "LogFile \"$ZH_ON_DIR/$name.tinyproxy.log\""
			echo "LogLevel Connect"
			echo "PidFile \"$ZH_ON_DIR/$name.tinyproxy.pid\""
			echo "MaxClients 64"
			echo "Allow 127.0.0.1"
			[[ -z $auth ]] || echo "BasicAuth ${auth%%:*} ${auth#*:}"
		} >"$conf"
		: >"$ZH_ON_DIR/$name.tinyproxy.log"
		# -d: in the foreground, so the pid is tinyproxy's own and stopping it is exact.
		tinyproxy -d -c "$conf" >"$ZH_ON_DIR/$name.tinyproxy.out" 2>&1 </dev/null &
		pid=$!
		echo "$pid tinyproxy $name" >>"$ZH_ON_DIR/pids"
		for _ in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; then
				echo "$port"
				return 0
			fi
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	_zh_on_err "tinyproxy did not start: $(tail -3 "$ZH_ON_DIR/$name.tinyproxy.out" "$ZH_ON_DIR/$name.tinyproxy.log" 2>/dev/null)"
	return 1
}

zh_on_stop()
{
	local pid name

	[[ -f $ZH_ON_DIR/pids ]] || return 0
	while read -r pid name; do
		[[ -n $pid ]] || continue
		kill "$pid" 2>/dev/null || true
	done <"$ZH_ON_DIR/pids"
	while read -r pid name; do
		[[ -n $pid ]] || continue
		# Not necessarily our child (started in a $(...) subshell): poll instead of wait.
		for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done <"$ZH_ON_DIR/pids"
	: >"$ZH_ON_DIR/pids"
}

# ---------------------------------------------------------------------------------------------
# Mirrors and logs

zh_on_publish()
{
	local name=${1:-} pack=${2:-}

	[[ -n $name && -f $pack ]] || { _zh_on_err "usage: zh_on_publish NAME PACK.zip"; return 1; }
	rm -rf "${ZH_ON_ROOT:?}/$name"
	mkdir -p "$ZH_ON_ROOT/$name" &&
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
			"$pack" "$ZH_ON_ROOT/$name" || { _zh_on_err "cannot unzip '$pack'"; return 1; }
}

zh_on_url()
{
	printf 'https://%s:%s/%s/%s/\n' "${4:-127.0.0.1}" "$1" "$2" "$3"
}

zh_on_ctl()
{
	curl -sS --noproxy '*' --cacert "$ZH_ON_PKI/ca.pem" -o /dev/null \
		"https://127.0.0.1:$1/_control/$2" || { _zh_on_err "control '$2' failed"; return 1; }
}

zh_on_sent()
{
	awk -v s="$2" 'substr($1, length($1) - length(s) + 1) == s {n += $4} END {print n + 0}' \
		"$ZH_ON_DIR/$1.log"
}

zh_on_requests()
{
	awk -v s="$2" 'substr($1, length($1) - length(s) + 1) == s {n++} END {print n + 0}' \
		"$ZH_ON_DIR/$1.log"
}

zh_on_proxied()
{
	grep -cE "Request \(file descriptor [0-9]+\): CONNECT [^ ]+:$2 " \
		"$ZH_ON_DIR/$1.tinyproxy.log" || true
}

ZH_ON_IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'

# _zh_on_reg ARGS...: `wine reg ARGS` (an add: doing it again is harmless), asked again when it
# fails. Under load Wine now and then fails to start a program at all (see zh_winrun and
# winepath in lib.sh); test_online once stopped here with "cannot set the PC's proxy" after the
# same reg add had worked seconds before. What reg or Wine printed goes to the harness log.
_zh_on_reg()
{
	local out rc try

	for try in 1 2 3 4 5 6 7; do
		rc=0
		out=$(wine reg "$@" 2>&1) || rc=$?
		[[ $rc -eq 0 ]] && return 0
		printf 'zh-online: wine reg %s: exit %s (try %d of 7)\n%s\n' "$*" "$rc" "$try" \
			"$(tr -d '\r' <<<"$out" | tail -n 5 | sed 's/^/    /')" >>"${ZH_HARNESS_LOG:-/dev/null}"
		[[ $try -lt 7 ]] && sleep $((try < 4 ? 1 << try : 15))
	done
	return 1
}

zh_on_pc_proxy()
{
	_zh_on_reg add "$ZH_ON_IS" /v ProxyEnable /t REG_DWORD /d 1 /f &&
		_zh_on_reg add "$ZH_ON_IS" /v ProxyServer /t REG_SZ /d "$1" /f &&
		_zh_on_reg add "$ZH_ON_IS" /v ProxyOverride /t REG_SZ /d "${2:-}" /f ||
		{ _zh_on_err "cannot set the PC's proxy"; return 1; }
}

zh_on_pc_proxy_off()
{
	_zh_on_reg add "$ZH_ON_IS" /v ProxyEnable /t REG_DWORD /d 0 /f ||
		{ _zh_on_err "cannot turn the PC's proxy off"; return 1; }
	# Either may be absent: then reg fails, and that is fine.
	wine reg delete "$ZH_ON_IS" /v ProxyServer /f >/dev/null 2>&1 || true
	wine reg delete "$ZH_ON_IS" /v ProxyOverride /f >/dev/null 2>&1 || true
}

# Stop the servers first, then common.sh's cleanup (when there is one: a benchmark sets its
# own trap after this file) with the test's own exit status.
_zh_on_exit()
{
	local rc=$?

	# Past this point nothing ends the test early, and `(exit "$rc")` below is no failure to
	# report (common.sh's ERR trap would name it).
	set +e
	trap - ERR
	zh_on_stop
	if declare -F _zh_t_cleanup >/dev/null; then
		(exit "$rc")
		_zh_t_cleanup
	fi
}
trap _zh_on_exit EXIT
# A test ended by a signal (meson's timeout sends SIGTERM) still stops its servers: exiting
# runs the EXIT trap.
trap 'exit 143' TERM
trap 'exit 130' INT
