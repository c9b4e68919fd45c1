#!/bin/bash
# sshtun: one quick measurement for A/B work on the data path: one client, one cipher, one MTU, iperf3 up and/or
# down through the rig, printing throughput, the client's and sshd's CPU per GiB and the client's context
# switches; optionally a perf profile of the client or of sshd, or the client's system calls per second.
# bench/bench.sh is the benchmark; this is the probe used between its runs (e.g. alternating two builds:
# SSHTUN=/tmp/old/sshtun, then ./sshtun).
#
#   bench/probe.sh [CIPHER [MTU [DIRS [perf|sshd-perf|syscalls]]]]
#       CIPHER default aes128-gcm@openssh.com, MTU 16000, DIRS "up down"
#   environment: CLIENT=sshtun|ssh  SSHTUN=./sshtun  SSHTUN_ARGS="-o TunnelAckThinning=no"  DURATION=8
#                PERF_OUT=bench/results/perf (prefix of the perf.data files)
#
# Needs root, iperf3 and what the rig needs. Like bench.sh it uses only the rig's namespaces and addresses
# (198.18.0.0/24 for the veth pair, 198.18.9.1 and .2 on the tunnel) and removes them at the end.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/rig/rig.sh

CIPHER=${1:-aes128-gcm@openssh.com}
MTU=${2:-16000}
DIRS=${3:-"up down"}
MODE=${4:-}
DURATION=${DURATION:-8}
CLIENT=${CLIENT:-sshtun}
SSHTUN=${SSHTUN:-./sshtun}
SSHTUN_ARGS=${SSHTUN_ARGS:-}
PERF_OUT=${PERF_OUT:-bench/results/perf}
SYSCALL_EVENTS=syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_sendto,syscalls:sys_enter_recvfrom
SYSCALL_EVENTS=$SYSCALL_EVENTS,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_ctl,raw_syscalls:sys_enter
CADDR=198.18.9.1
SADDR=198.18.9.2

case "$MODE" in "" | perf | sshd-perf | syscalls) ;; *) echo "probe: mode is perf, sshd-perf or syscalls, not '$MODE'" >&2; exit 2 ;; esac
[ "$DURATION" -ge 4 ] 2>/dev/null || { echo "probe: DURATION must be a number of seconds >= 4" >&2; exit 2; }
rig_check || exit 1
command -v iperf3 >/dev/null || { echo "probe: needs iperf3 (apt-get install iperf3)" >&2; exit 1; }
[ -z "$MODE" ] || command -v perf >/dev/null || { echo "probe: needs perf (apt-get install linux-perf)" >&2; exit 1; }
[ "$CLIENT" != sshtun ] || [ -x "$SSHTUN" ] || { echo "probe: $SSHTUN is missing: run make" >&2; exit 1; }
mkdir -p "$(dirname "$PERF_OUT")"

up_end() {	# NS DEV HERE THERE
	ip -n "$1" addr add "$3" peer "$4" dev "$2" && ip -n "$1" link set "$2" mtu "$MTU" up
}

rig_up "LogLevel ERROR" >/dev/null 2>&1 || { echo "probe: the rig did not come up" >&2; exit 1; }
if [ "$CLIENT" = sshtun ]; then
	# shellcheck disable=SC2086  # SSHTUN_ARGS is a list of arguments
	rig_client_bg client "$SSHTUN" $SSHTUN_ARGS -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -w any -o Ciphers="$CIPHER" \
		-o TunnelAddress=$CADDR -o TunnelPeer=$SADDR -o TunnelMTU="$MTU" "$RIG_TARGET"
	CPID=$RIG_LAST_PID
	rig_wait 20 grep -q "tunnel up" "$RIG_DIR/client.log" || { echo "probe: no tunnel" >&2; exit 1; }
else
	rig_client_bg client ssh -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -o Ciphers="$CIPHER" -o Tunnel=point-to-point \
		-w any:any -o ExitOnForwardFailure=yes -N "$RIG_TARGET"
	CPID=$RIG_LAST_PID
	rig_wait 20 sh -c "[ -n \"\$(ip -n $RIG_NS_C -o link show type tun)\" ]" || { echo "probe: no tunnel" >&2; exit 1; }
	up_end "$RIG_NS_C" "$(rig_devs "$RIG_NS_C" tun | head -n 1)" $CADDR $SADDR
fi
rig_wait 10 sh -c "[ -n \"\$(ip -n $RIG_NS_S -o link show type tun)\" ]" || { echo "probe: no server device" >&2; exit 1; }
up_end "$RIG_NS_S" "$(rig_devs "$RIG_NS_S" tun | head -n 1)" $SADDR $CADDR
rig_wait 10 rig_client ping -n -c 1 -W 1 $SADDR >/dev/null || { echo "probe: no ping through the tunnel" >&2; exit 1; }
SPID=$(rig_sshd_session_pid || true)

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
switches() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

for dir in $DIRS; do
	rev=
	[ "$dir" = down ] && rev=-R
	rig_server_bg iperf3-server timeout $((DURATION + 30)) iperf3 -s -1
	rig_wait 5 sh -c "[ -n \"\$(ip netns exec $RIG_NS_S ss -Hltn 'sport = :5201')\" ]"
	t0=$(ticks "$CPID") s0=$(ticks "$SPID")
	v0=$(switches "$CPID" voluntary_ctxt_switches) n0=$(switches "$CPID" nonvoluntary_ctxt_switches)
	ppid=
	case "$MODE" in
	perf) perf record -F 2000 -g -o "$PERF_OUT-$dir.data" -p "$CPID" -- sleep $((DURATION - 2)) >/dev/null 2>&1 &
		ppid=$! ;;
	sshd-perf) perf record -F 2000 -g -o "$PERF_OUT-sshd-$dir.data" -p "$SPID" -- sleep $((DURATION - 2)) >/dev/null 2>&1 &
		ppid=$! ;;
	syscalls) # from 1 s in, for DURATION - 2 s: the client's calls of each kind, then all of them
		(sleep 1; perf stat -x, -o "$PERF_OUT-syscalls-$dir.txt" -e "$SYSCALL_EVENTS" -p "$CPID" -- sleep $((DURATION - 2))) \
			>/dev/null 2>&1 &
		ppid=$! ;;
	esac
	res=$(rig_client timeout $((DURATION + 30)) iperf3 -c $SADDR -t "$DURATION" -J $rev |
		awk '/"sum_received"/ { f = 1 } f && /"bytes"/ { gsub(/,/, ""); b = $2 }
		     f && /bits_per_second/ { gsub(/,/, ""); print b, $2; exit }')
	t1=$(ticks "$CPID") s1=$(ticks "$SPID")
	v1=$(switches "$CPID" voluntary_ctxt_switches) n1=$(switches "$CPID" nonvoluntary_ctxt_switches)
	[ -n "$ppid" ] && wait "$ppid"
	if [ -z "$res" ]; then
		echo "$dir: iperf3 failed"
		continue
	fi
	read -r bytes bps <<<"$res"
	awk -v b="$bytes" -v bps="$bps" -v t=$((t1 - t0)) -v s=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" -v d="$dir" \
		-v dur="$DURATION" -v c="$CLIENT" -v vs=$(((v1 - v0) / DURATION)) -v ns=$(((n1 - n0) / DURATION)) 'BEGIN {
		printf "%s %s: %.0f Mbit/s, %s %.3f CPU s/GiB (%.0f%% of a core, %d+%d context switches/s), sshd %.3f s/GiB (%.0f%%)\n",
			c, d, bps / 1e6, c, t / hz / (b / 2^30), 100 * t / hz / dur, vs, ns, s / hz / (b / 2^30), 100 * s / hz / dur }'
	if [ "$MODE" = syscalls ]; then
		awk -F, -v d=$((DURATION - 2)) '$1 ~ /^[0-9]+$/ { n = $3; sub(/.*sys_enter_?/, "", n); if (n == "") n = "all"
			printf " %s %.0f/s", n, $1 / d } END { print "" }' "$PERF_OUT-syscalls-$dir.txt" |
			sed "s/^/$CLIENT $dir system calls:/"
	fi
done
rig_kill "$CPID" >/dev/null 2>&1
grep -h "redundant ACKs" "$RIG_DIR/client.log" 2>/dev/null
rig_down >/dev/null 2>&1
exit 0
