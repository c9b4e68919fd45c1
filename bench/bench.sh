#!/bin/bash
# sshtun: benchmark: OpenSSH's `ssh -w` against sshtun through the same sshd in the test rig (iperf3 both ways,
# client CPU seconds per GiB, ping RTT idle and under load), alternating the two clients, medians of RUNS runs.
#
# As root, from the repository root (builds ./sshtun with ./configure && make -j2 if it is missing):
#   bench/bench.sh
# Environment:
#   RUNS=3                 runs of each cipher x MTU per client (ssh, sshtun, ssh, sshtun, ...)
#   DURATION=10            seconds per iperf3 test (at least 2)
#   CIPHERS="aes128-gcm@openssh.com chacha20-poly1305@openssh.com"
#                          a name may carry "+MAC" (a CTR cipher's MAC) and "+zlib" (compression on, -C for both
#                          clients), e.g. "aes128-ctr+umac-64-etm@openssh.com aes128-gcm@openssh.com+zlib"
#   MTUS="1500 16000"      tun MTU, set the same on both ends for both clients; "defaults" compares each client
#                          as it comes: ssh -w with its MTU (1500, both ends) against sshtun with sshtun-server
#                          configuring both ends (its default MTU; SERVER_OPTS adds options, e.g. "--mtu 9000")
#   IDLE_PINGS=100         pings (every 0.05 s) for the idle RTT, per run
#   OUT=bench/results/latest   writes OUT.md (table), OUT.csv (every sample), OUT-ping.csv (every RTT),
#                          OUT.png (chart, needs gnuplot: apt-get install gnuplot-nox)
#   CHART=1                0: no chart
#   SMOKE=1                quick check: RUNS=1 DURATION=2 one cipher, MTU 1500, IDLE_PINGS=20, no chart,
#                          OUT=bench/results/smoke (each can still be overridden)
#   SSHTUN=./sshtun        the binary to measure
# The markdown table, and which targets hold (bench/targets.awk), go to stdout and OUT.md; progress goes to
# stderr. Exit status: 0 when the table was written and at least one sample per client succeeded, 1 otherwise,
# 2 on a bad setting.
# shellcheck disable=SC2317  # functions called through rig_wait
set -u
export LC_ALL=C
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD

SMOKE=${SMOKE:-0}
if [ "$SMOKE" = 1 ]; then
	RUNS=${RUNS:-1}
	DURATION=${DURATION:-2}
	CIPHERS=${CIPHERS:-aes128-gcm@openssh.com}
	MTUS=${MTUS:-1500}
	IDLE_PINGS=${IDLE_PINGS:-20}
	CHART=${CHART:-0}
	OUT=${OUT:-bench/results/smoke}
	SPEED_SECONDS=1
else
	RUNS=${RUNS:-3}
	DURATION=${DURATION:-10}
	CIPHERS=${CIPHERS:-aes128-gcm@openssh.com chacha20-poly1305@openssh.com}
	MTUS=${MTUS:-1500 16000}
	IDLE_PINGS=${IDLE_PINGS:-100}
	CHART=${CHART:-1}
	OUT=${OUT:-bench/results/latest}
	SPEED_SECONDS=2
fi
SSHTUN=${SSHTUN:-$ROOT/sshtun}
CLIENTS="ssh sshtun"
CADDR=198.18.9.1
SADDR=198.18.9.2
IPERF_PORT=5201
CLK_TCK=$(getconf CLK_TCK)

say() {
	echo "bench: $*" >&2
}

die() {
	say "$*"
	exit "${EXIT_CODE:-1}"
}

is_uint() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# ---- settings and prerequisites ----

# in_range VALUE MIN MAX: VALUE is a decimal integer in MIN..MAX (at most 6 digits, so no overflow).
in_range() {
	is_uint "$1" && [ ${#1} -le 6 ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

check_settings() {
	local m c

	EXIT_CODE=2
	in_range "$RUNS" 1 100 || die "RUNS must be 1..100 (got '$RUNS')"
	in_range "$DURATION" 2 600 || die "DURATION must be 2..600 seconds (got '$DURATION')"
	in_range "$IDLE_PINGS" 1 10000 || die "IDLE_PINGS must be 1..10000 (got '$IDLE_PINGS')"
	[ -n "$MTUS" ] || die "MTUS is empty"
	for m in $MTUS; do
		[ "$m" = defaults ] || in_range "$m" 576 65535 || die "MTUS: '$m' is not 576..65535 or defaults"
	done
	[ -n "$CIPHERS" ] || die "CIPHERS is empty"
	for c in $CIPHERS; do
		case $c in
		*[!A-Za-z0-9@.+-]*) die "CIPHERS: '$c' is not a cipher name (with +MAC, +zlib)" ;;
		esac
	done
	EXIT_CODE=1
}

check_tools() {
	local c missing=""

	[ "$(id -u)" = 0 ] || die "needs root (network namespaces, tun devices)"
	for c in iperf3 ping ssh getconf; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -n "$missing" ] && die "missing:$missing (apt-get install iperf3 iputils-ping openssh-client)"
	command -v openssl >/dev/null 2>&1 || say "openssl is missing (apt-get install openssl): no crypto ceiling"
	if [ "$CHART" = 1 ] && ! command -v gnuplot >/dev/null 2>&1; then
		say "gnuplot is missing (apt-get install gnuplot-nox): no chart"
		CHART=0
	fi
}

build_sshtun() {
	[ -x "$SSHTUN" ] && return 0
	[ "$SSHTUN" = "$ROOT/sshtun" ] || die "SSHTUN=$SSHTUN is not executable"
	say "building ./sshtun (./configure && make -j2)"
	{ ./configure && make -j2; } >&2 || die "build failed"
	[ -x "$SSHTUN" ] || die "the build made no ./sshtun"
}

# ---- numbers ----

# stats: numbers on stdin -> "COUNT MEDIAN P99 MIN MAX" (nearest-rank p99); "0 - - - -" when there are none.
stats() {
	grep -E '^[0-9.eE+-]+$' | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "0 - - - -"; exit }
			if (NR % 2) { med = v[(NR + 1) / 2] } else { med = (v[NR / 2] + v[NR / 2 + 1]) / 2 }
			r = int(0.99 * NR); if (r < 0.99 * NR) { r++ } if (r < 1) { r = 1 }
			print NR, med, v[r], v[1], v[NR]
		}'
}

# The process's user+system CPU time in clock ticks (fields 14 and 15 of /proc/PID/stat).
proc_ticks() {
	local line rest

	read -r line <"/proc/$1/stat" 2>/dev/null || return 1
	rest=${line##*) }
	# shellcheck disable=SC2086
	set -- $rest
	# $1 is field 3 (state): utime is field 14, stime field 15
	[ $# -ge 13 ] || return 1
	echo $((${12} + ${13}))
}

# "BYTES BITS_PER_SECOND" of iperf3's receiver (end.sum_received) from its -J output on stdin.
iperf_receiver() {
	awk '
		/"error"[ \t]*:/ { err = 1 }
		/"sum_received"[ \t]*:/ { f = 1; next }
		f && /"bytes"[ \t]*:/ { b = $2; gsub(/[^0-9.eE+-]/, "", b) }
		f && /"bits_per_second"[ \t]*:/ { bps = $2; gsub(/[^0-9.eE+-]/, "", bps) }
		f && /}/ { f = 0 }
		END { if (!err && b != "" && bps != "" && b > 0) { print b, bps } else { exit 1 } }'
}

# A cipher spec as a row label and in file names: "aes128-gcm@openssh.com+zlib" -> "aes128-gcm+zlib".
short() {
	echo "$1" | sed 's/@openssh\.com//g'
}

# RTTs in ms, one per line, from ping's output on stdin.
ping_rtts() {
	sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p'
}

# The GB/s (10^9 bytes) one core encrypts with OpenSSL's EVP for this SSH cipher, 1 KiB buffers.
crypto_ceiling() {
	local alg kbps

	case ${1%%+*} in
	aes128-gcm@openssh.com) alg=aes-128-gcm ;;
	aes256-gcm@openssh.com) alg=aes-256-gcm ;;
	chacha20-poly1305@openssh.com) alg=chacha20-poly1305 ;;
	aes128-ctr) alg=aes-128-ctr ;;
	aes192-ctr) alg=aes-192-ctr ;;
	aes256-ctr) alg=aes-256-ctr ;;
	*)
		echo "-"
		return 0
		;;
	esac
	command -v openssl >/dev/null 2>&1 || { echo "-"; return 0; }
	kbps=$(timeout 60 openssl speed -evp "$alg" -bytes 1024 -seconds "$SPEED_SECONDS" 2>/dev/null |
		awk '/^type/ { t = 1; next } t && NF >= 2 { v = $NF } END { sub(/k$/, "", v); print v }')
	if [ -z "$kbps" ]; then
		echo "-"
		return 0
	fi
	awk -v k="$kbps" 'BEGIN { printf "%.2f\n", k * 1000 / 1e9 }'
}

# ---- the clients ----

has_devs() {
	[ -n "$(rig_devs "$1" tun)" ]
}

no_devs() {
	! has_devs "$RIG_NS_C" && ! has_devs "$RIG_NS_S"
}

# Removes dead pids from the rig's list so that rig_down never signals a recycled pid.
forget_pid() {
	local p keep=""

	for p in $RIG_BG_PIDS; do
		[ "$p" = "$1" ] || keep="$keep $p"
	done
	RIG_BG_PIDS=$keep
}

dead() {
	! kill -0 "$1" 2>/dev/null
}

stop_pid() {
	[ -n "$1" ] || return 0
	rig_kill "$1"
	forget_pid "$1"
}

# configure_end NS DEV: the tunnel's addresses, the MTU and up, on one side.
configure_end() {
	local ns=$1 dev=$2 mtu=$3 here there

	if [ "$ns" = "$RIG_NS_C" ]; then
		here=$CADDR there=$SADDR
	else
		here=$SADDR there=$CADDR
	fi
	ip -n "$ns" addr add "$here" peer "$there" dev "$dev" &&
		ip -n "$ns" link set "$dev" mtu "$mtu" &&
		ip -n "$ns" link set "$dev" up
}

# wait_alive SECS PID CMD...: polls CMD every 0.1 s until it succeeds (0), PID exits or SECS pass (1).
wait_alive() {
	local secs=$1 pid=$2 i

	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		dead "$pid" && return 1
		sleep 0.1
	done
	return 1
}

tunnel_up_log() {
	grep -q "tunnel up" "$RIG_DIR/$1.log"
}

# client_start CLIENT CIPHER MTU NAME: starts the client and configures what it does not; sets CPID (the
# client's own process) and SPID (sshd's process for the session, empty if not found) and returns 0 once a
# ping crosses the tunnel.
client_start() {
	local client=$1 spec=$2 mtu=$3 name=$4 dev comm cipher part emtu=$3
	local -a extra=()

	# "defaults": ssh -w's tun MTU is 1500; sshtun's is what sshtun-server sets on both ends.
	[ "$mtu" = defaults ] && emtu=1500
	# CIPHER[+MAC][+zlib]: the same options for both clients.
	cipher=${spec%%+*}
	part=${spec#"$cipher"}
	while [ -n "$part" ]; do
		part=${part#+}
		case ${part%%+*} in
		zlib) extra+=(-C) ;;
		*) extra+=(-o "MACs=${part%%+*}") ;;
		esac
		part=${part#"${part%%+*}"}
	done
	CPID='' SPID=''
	if [ "$client" = sshtun ] && [ "$mtu" = defaults ]; then
		rig_client_bg "$name" "$SSHTUN" -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -w any -o Ciphers="$cipher" "${extra[@]}" \
			-o TunnelConfigCommand="$ROOT/server/sshtun-server --client $CADDR --server $SADDR --state-dir $RIG_DIR/state ${SERVER_OPTS:-}" \
			"$RIG_TARGET"
		CPID=$RIG_LAST_PID
		wait_alive 20 "$CPID" tunnel_up_log "$name" || return 1
	elif [ "$client" = sshtun ]; then
		rig_client_bg "$name" "$SSHTUN" -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -w any -o Ciphers="$cipher" "${extra[@]}" \
			-o TunnelAddress=$CADDR -o TunnelPeer=$SADDR -o TunnelMTU="$mtu" "$RIG_TARGET"
		CPID=$RIG_LAST_PID
		wait_alive 20 "$CPID" tunnel_up_log "$name" || return 1
	else
		rig_client_bg "$name" ssh -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -o Ciphers="$cipher" "${extra[@]}" \
			-o Tunnel=point-to-point -w any:any -o ExitOnForwardFailure=yes -N "$RIG_TARGET"
		CPID=$RIG_LAST_PID
		wait_alive 20 "$CPID" has_devs "$RIG_NS_C" || return 1
		dev=$(rig_devs "$RIG_NS_C" tun | head -n 1)
		configure_end "$RIG_NS_C" "$dev" "$emtu" || return 1
	fi
	wait_alive 10 "$CPID" has_devs "$RIG_NS_S" || return 1
	if [ "$client" = ssh ] || [ "$mtu" != defaults ]; then
		dev=$(rig_devs "$RIG_NS_S" tun | head -n 1)
		configure_end "$RIG_NS_S" "$dev" "$emtu" || return 1
	fi
	# `ip netns exec` execs the command, so the pid is the client itself; check it.
	comm=$(cat "/proc/$CPID/comm" 2>/dev/null)
	if [ "$comm" != "$client" ]; then
		say "$name: pid $CPID is '$comm', not $client"
		return 1
	fi
	SPID=$(rig_sshd_session_pid) || say "$name: sshd's session process not found; its CPU is not recorded"
	rig_wait 10 rig_client ping -n -c 1 -W 1 "$SADDR"
}

client_stop() {
	stop_pid "$CPID"
	CPID=
	rig_wait 10 no_devs || say "tun devices still present 10 s after the client stopped"
}

client_fail_log() {
	say "--- $1 log:"
	tail -n 10 "$RIG_DIR/$1.log" 2>/dev/null | sed 's/^/bench:   /' >&2
}

# ---- one measurement ----

iperf_listening() {
	[ -n "$(rig_server ss -Hltn "sport = :$IPERF_PORT" 2>/dev/null)" ]
}

# Appends one CSV row: run client cipher mtu phase status mbps bytes ticks cpu_s_per_gib sent recv rtt_med rtt_p99
# sshd_cpu_pct
csv_row() {
	local IFS=,

	echo "$*" >>"$CSV"
}

# Appends ping RTTs (file $6) to the ping CSV and sets PSENT PRECV RMED RP99.
ping_record() {
	local run=$1 client=$2 cipher=$3 mtu=$4 phase=$5 file=$6 s

	ping_rtts <"$file" | awk -v p="$run,$client,$cipher,$mtu,$phase" '{ print p "," $1 }' >>"$PING_CSV"
	PSENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$file")
	PRECV=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$file")
	s=$(ping_rtts <"$file" | stats)
	# shellcheck disable=SC2086
	set -- $s
	RMED=$2 RP99=$3
}

# measure_idle RUN CLIENT CIPHER MTU
measure_idle() {
	local f=$RIG_DIR/ping-idle.log

	rig_client timeout $((IDLE_PINGS / 20 + 15)) ping -n -i 0.05 -W 1 -c "$IDLE_PINGS" "$SADDR" >"$f" 2>&1
	ping_record "$@" idle "$f"
	csv_row "$@" idle ok "" "" "" "" "$PSENT" "$PRECV" "$RMED" "$RP99"
}

# measure_transfer RUN CLIENT CIPHER MTU up|down: iperf3 through the tunnel, the client's CPU around it and
# pings during it.
measure_transfer() {
	local run=$1 client=$2 cipher=$3 mtu=$4 dir=$5 spid ppid t0 t1 res bytes bps mbps ticks cpg json
	local rev="" s0="" s1="" spct=""

	[ "$dir" = down ] && rev=-R
	json=$RIG_DIR/iperf-$dir.json
	rig_server_bg iperf3-server timeout $((DURATION + 60)) iperf3 -s -1 -p $IPERF_PORT
	spid=$RIG_LAST_PID
	if ! rig_wait 10 iperf_listening; then
		stop_pid "$spid"
		csv_row "$run" "$client" "$cipher" "$mtu" "$dir" iperf3-server-failed
		return 1
	fi
	t0=$(proc_ticks "$CPID")
	[ -n "$SPID" ] && s0=$(proc_ticks "$SPID")
	rig_client_bg "ping-$dir" sh -c "sleep 0.5; exec ping -n -i 0.05 -W 1 -w $((DURATION - 1)) $SADDR"
	ppid=$RIG_LAST_PID
	rig_client timeout $((DURATION + 30)) iperf3 -c $SADDR -p $IPERF_PORT -t "$DURATION" -J $rev \
		--connect-timeout 5000 >"$json" 2>"$RIG_DIR/iperf-$dir.err"
	t1=$(proc_ticks "$CPID")
	[ -n "$SPID" ] && s1=$(proc_ticks "$SPID")
	rig_wait 5 dead "$ppid"
	stop_pid "$ppid"
	rig_wait 5 dead "$spid"
	stop_pid "$spid"
	ping_record "$run" "$client" "$cipher" "$mtu" "$dir" "$RIG_DIR/ping-$dir.log"
	if ! res=$(iperf_receiver <"$json") || [ -z "$t0" ] || [ -z "$t1" ]; then
		say "iperf3 $dir failed:"
		grep -h '"error"' "$json" "$RIG_DIR/iperf-$dir.err" 2>/dev/null | head -n 3 | sed 's/^/bench:   /' >&2
		csv_row "$run" "$client" "$cipher" "$mtu" "$dir" iperf3-failed "" "" "" "" "$PSENT" "$PRECV" "$RMED" "$RP99"
		return 1
	fi
	read -r bytes bps <<<"$res"
	ticks=$((t1 - t0))
	mbps=$(awk -v b="$bps" 'BEGIN { printf "%.1f", b / 1e6 }')
	cpg=$(awk -v t="$ticks" -v hz="$CLK_TCK" -v b="$bytes" 'BEGIN { printf "%.3f", (t / hz) / (b / 1073741824) }')
	# sshd's CPU over the same span as the client's, as % of one core over the DURATION s of the transfer.
	if [ -n "$s0" ] && [ -n "$s1" ]; then
		spct=$(awk -v t=$((s1 - s0)) -v hz="$CLK_TCK" -v d="$DURATION" 'BEGIN { printf "%.0f", 100 * t / hz / d }')
	fi
	csv_row "$run" "$client" "$cipher" "$mtu" "$dir" ok "$mbps" "$bytes" "$ticks" "$cpg" \
		"$PSENT" "$PRECV" "$RMED" "$RP99" "$spct"
	say "  $client $dir: $mbps Mbit/s, $cpg CPU s/GiB, RTT under load median $RMED ms p99 $RP99 ms, sshd ${spct:-?}% of a core"
	return 0
}

# one_session RUN CLIENT CIPHER MTU
one_session() {
	local run=$1 client=$2 cipher=$3 mtu=$4 name dir

	name="$client-$(short "$cipher")-$mtu-$run"
	say "run $run/$RUNS: $client, $cipher, MTU $mtu"
	if ! client_start "$client" "$cipher" "$mtu" "$name"; then
		say "$name: the tunnel did not come up; recorded, going on"
		client_fail_log "$name"
		for dir in idle up down; do
			csv_row "$run" "$client" "$cipher" "$mtu" "$dir" tunnel-failed
		done
		client_stop
		return 1
	fi
	measure_idle "$run" "$client" "$cipher" "$mtu"
	for dir in up down; do
		measure_transfer "$run" "$client" "$cipher" "$mtu" "$dir"
	done
	client_stop
	return 0
}

# ---- the report ----

# cell KIND CLIENT CIPHER MTU DIR: sets CELL_TXT (the formatted median, with (n=K) when fewer than RUNS samples
# succeeded, FAIL when none did) and CELL_MED (the raw median or -). KIND: mbps cpu sshd (sshd's % of a core
# during the transfers) rtt-idle rtt-load; RTTs are "median / p99" of every ping of the runs.
cell() {
	local kind=$1 client=$2 cipher=$3 mtu=$4 dir=$5 s n med p99 col=7

	case $kind in
	mbps | cpu | sshd)
		[ "$kind" = cpu ] && col=10
		[ "$kind" = sshd ] && col=15
		s=$(awk -F, -v c="$client" -v ci="$cipher" -v m="$mtu" -v d="$dir" -v k="$col" \
			'$2 == c && $3 == ci && $4 == m && $5 == d && $6 == "ok" && $k != "" { print $k }' "$CSV" | stats)
		;;
	*)
		[ "$kind" = rtt-idle ] && dir=idle
		s=$(awk -F, -v c="$client" -v ci="$cipher" -v m="$mtu" -v d="$dir" \
			'$2 == c && $3 == ci && $4 == m && $5 == d { print $6 }' "$PING_CSV" | stats)
		;;
	esac
	read -r n med p99 _ <<<"$s"
	CELL_MED=$med
	if [ "$n" = 0 ]; then
		CELL_TXT=FAIL
		[ "$kind" = sshd ] && CELL_TXT=-
		return 0
	fi
	case $kind in
	mbps | sshd) CELL_TXT=$(awk -v v="$med" 'BEGIN { printf "%.0f", v }') ;;
	cpu) CELL_TXT=$(awk -v v="$med" 'BEGIN { printf "%.2f", v }') ;;
	*) CELL_TXT=$(awk -v v="$med" -v p="$p99" 'BEGIN { printf "%.2f / %.2f", v, p }') ;;
	esac
	if [ "$kind" = mbps ] || [ "$kind" = cpu ]; then
		[ "$n" -lt "$RUNS" ] && CELL_TXT="$CELL_TXT (n=$n)"
	fi
	return 0
}

ratio() {
	case "$1$2" in
	*-*) echo "-" ;;
	*) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) { printf "%.2f", a / b } else { print "-" } }' ;;
	esac
}

# One line of the chart data: label, then median min max for ssh and for sshtun.
chart_line() {
	local cipher=$1 mtu=$2 dir=$3 client s line

	line="$(short "$cipher")/$mtu/$dir"
	for client in $CLIENTS; do
		s=$(awk -F, -v c="$client" -v ci="$cipher" -v m="$mtu" -v d="$dir" \
			'$2 == c && $3 == ci && $4 == m && $5 == d && $6 == "ok" { print $7 }' "$CSV" | stats)
		# shellcheck disable=SC2086
		set -- $s
		if [ "$1" = 0 ]; then
			line="$line 0 0 0"
		else
			line="$line $2 $4 $5"
		fi
	done
	echo "$line"
}

write_report() {
	local cipher mtu dir kind client row a ca ceil fails targets

	{
		echo "### sshtun vs OpenSSH ssh -w: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo
		echo "$(uname -sr), $(nproc) CPU ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
		echo "$(ssh -V 2>&1), sshtun $("$SSHTUN" -V 2>&1 | head -n 1 | awk '{ print $NF }'), $(iperf3 --version | head -n 1 | awk '{ print $1, $2 }')."
		echo "RUNS=$RUNS DURATION=$DURATION s; medians of the runs; RTT in ms, median / p99 of every ping of the runs;"
		echo "sshd's CPU during the transfers (its session process, % of one core): near 100 it, not the client, is the limit."
		echo "Load average (1 min) when it started: $LOAD_START (other work on the machine makes the numbers noisy)."
		echo
		echo "| cipher | MTU | dir | ssh Mbit/s | sshtun Mbit/s | sshtun/ssh | ssh CPU s/GiB | sshtun CPU s/GiB | sshtun/ssh | ssh RTT idle | sshtun RTT idle | ssh RTT load | sshtun RTT load | crypto GB/s/core | sshd % of a core (ssh / sshtun) |"
		echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		for cipher in $CIPHERS; do
			ceil=${CEILING[$cipher]:--}
			for mtu in $MTUS; do
				for dir in up down; do
					row="| $(short "$cipher") | $mtu | $dir"
					for kind in mbps cpu; do
						cell "$kind" ssh "$cipher" "$mtu" "$dir"
						a=$CELL_TXT ca=$CELL_MED
						cell "$kind" sshtun "$cipher" "$mtu" "$dir"
						row="$row | $a | $CELL_TXT | $(ratio "$CELL_MED" "$ca")"
					done
					for kind in rtt-idle rtt-load; do
						for client in $CLIENTS; do
							cell "$kind" "$client" "$cipher" "$mtu" "$dir"
							row="$row | $CELL_TXT"
						done
					done
					cell sshd ssh "$cipher" "$mtu" "$dir"
					a=$CELL_TXT
					cell sshd sshtun "$cipher" "$mtu" "$dir"
					echo "$row | $ceil | $a / $CELL_TXT |"
				done
			done
		done
		fails=$(awk -F, 'NR > 1 && $6 != "ok" { print "run " $1 " " $2 " " $3 " MTU " $4 " " $5 ": " $6 }' "$CSV")
		if [ -n "$fails" ]; then
			echo
			echo "Failed samples (left out of the medians):"
			echo
			printf '%s\n' "$fails" | sed 's/^/- /'
		fi
	} >"$OUT.md"
	targets=$(awk -f bench/targets.awk "$OUT.md")
	[ -z "$targets" ] || printf '\n%s\n' "$targets" >>"$OUT.md"
	cat "$OUT.md"
}

write_chart() {
	local cipher mtu dir

	[ "$CHART" = 1 ] || return 0
	for cipher in $CIPHERS; do
		for mtu in $MTUS; do
			for dir in up down; do
				chart_line "$cipher" "$mtu" "$dir"
			done
		done
	done >"$OUT-chart.dat"
	if timeout 60 gnuplot -e "datafile='$OUT-chart.dat'; outfile='$OUT.png'; runs='$RUNS'; duration='$DURATION'" \
		bench/plot.gp 2>"$RIG_DIR/gnuplot.err"; then
		say "chart: $OUT.png"
	else
		say "gnuplot failed: $(head -n 3 "$RIG_DIR/gnuplot.err")"
	fi
}

# ---- main ----

check_settings
check_tools
build_sshtun
case $OUT in
*[!A-Za-z0-9/._-]*) EXIT_CODE=2 die "OUT may hold only letters, digits and / . _ -" ;;
esac
mkdir -p "$(dirname "$OUT")" || die "cannot create $(dirname "$OUT")"
CSV=$OUT.csv
PING_CSV=$OUT-ping.csv
echo "run,client,cipher,mtu,phase,status,mbps,bytes,cpu_ticks,cpu_s_per_gib,ping_sent,ping_recv,rtt_median_ms,rtt_p99_ms,sshd_cpu_pct" >"$CSV"
echo "run,client,cipher,mtu,phase,rtt_ms" >"$PING_CSV"
rm -f "$OUT.md" "$OUT.png" "$OUT-chart.dat"

LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD_START" 'BEGIN { exit !(l > 0.5) }'; then
	say "load average $LOAD_START: something else is running, the numbers will be noisy"
fi
declare -A CEILING
for cipher in $CIPHERS; do
	CEILING[$cipher]=$(crypto_ceiling "$cipher")
	say "crypto ceiling of $cipher (openssl speed, 1 KiB, one core): ${CEILING[$cipher]} GB/s"
done

. tests/rig/rig.sh
rig_check || exit 1
# sshd's DEBUG log would cost sshd CPU on every packet; it keeps the first value it reads.
rig_up "LogLevel ERROR" || die "the rig did not come up"
say "rig up: namespaces $RIG_NS_C $RIG_NS_S, temp dir $RIG_DIR"
CPID=
SPID=
for cipher in $CIPHERS; do
	for mtu in $MTUS; do
		for ((run = 1; run <= RUNS; run++)); do
			for client in $CLIENTS; do
				one_session "$run" "$client" "$cipher" "$mtu"
			done
		done
	done
done
write_report
write_chart
say "wrote $OUT.md $CSV $PING_CSV"
rig_down
for client in $CLIENTS; do
	if ! awk -F, -v c="$client" '$2 == c && ($5 == "up" || $5 == "down") && $6 == "ok" { found = 1 } END { exit !found }' "$CSV"; then
		say "no successful sample for $client"
		exit 1
	fi
done
exit 0
