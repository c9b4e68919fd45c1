#!/bin/bash
# sshtun: interop: many connections in one process (issue 16). tests/interop/many_tunnels.c opens MANY_N (50)
# handles to the rig's sshd from one poll loop, each configured by sshtun-server on the server (--client/--server,
# its own /30 of 198.18.128.0/17). Two runs of it:
#   1. the build's binary (ASan and UBSan in CI): all up at once; each carries a ping, a few a transfer byte for
#      byte; the upper half stopped and freed, their devices gone on both ends, the rest still carry pings and
#      a transfer (through a tunnel quiet for longer than the idle delay, whose buffers were given back); a
#      clean exit (the sanitizers report at exit).
#   2. a binary without sanitizers (the build's own in a release build, else build/nosan/many_tunnels, linked
#      against a second, non-sanitized copy of the library: ASan's shadow and quarantine would be most of what is
#      measured): resident memory (VmRSS) with one idle tunnel and with MANY_N; the memory per idle tunnel beyond
#      the first must be under 256 KiB; a burst of traffic through a few tunnels grows their buffers, and after
#      the library's idle delay (5 s, ssh/io.c SHRINK_IDLE_S) the process is back near the idle figure.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
N=${MANY_N:-50}
PROG=${MANY_TUNNELS:-$PWD/build/interop/many_tunnels}
if grep -q '^SAN_FLAGS = *$' config.mk 2>/dev/null; then
	MEM_PROG=${MANY_TUNNELS_MEM:-$PROG}
else
	MEM_PROG=${MANY_TUNNELS_MEM:-$PWD/build/nosan/many_tunnels}
fi
IDLE_WAIT=${MANY_IDLE_WAIT:-8}	# the library shrinks after 5 idle seconds; a margin for the ticks
LIMIT_KIB=256
[ -x "$PROG" ] || { echo "not ok - many_tunnels: $PROG not built (make tests)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }
[ "$N" -ge 4 ] || { echo "not ok - MANY_N must be at least 4"; exit 1; }

# sshd must take N connections at once; its DEBUG log would cost it CPU per packet.
rig_up "LogLevel INFO" "MaxStartups 200:30:400" || exit 1
SERVER_CMD="$PWD/server/sshtun-server --state-dir $RIG_DIR/state --no-forward"
CTL=$RIG_DIR/ctl
PID=

# addr I 1|2: tunnel I's server (1) or client (2) address
addr() {
	local a=$((4 * $1 + $2))

	echo "198.18.$((128 + a / 256)).$((a % 256))"
}

# run NAME PROG: many_tunnels in the client namespace, reading commands from the FIFO (fd 3 keeps it open).
run() {
	rm -f "$CTL"
	mkfifo "$CTL"
	exec 3<>"$CTL"
	rig_client_bg "$1" "$2" "$RIG_SSH_CONFIG" "$RIG_KEY" "$RIG_TARGET" "$N" "$CTL" "$SERVER_CMD"
	PID=$RIG_LAST_PID
	LOG=$RIG_DIR/$1.log
}

cmd() {
	echo "$*" >&3
}

# until SECONDS PATTERN: the program's log has a line matching PATTERN (and the program runs).
until_line() {
	local secs=$1 pat=$2 i

	for ((i = 0; i < secs * 10; i++)); do
		grep -q -- "$pat" "$LOG" && return 0
		kill -0 "$PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# finish: quit, wait; 0 if the program exited with status 0.
finish() {
	local rc=0

	cmd quit
	rig_wait 20 _rig_dead "$PID" || { rig_kill "$PID"; return 1; }
	wait "$PID" || rc=$?
	exec 3>&-
	return $rc
}

# Pings tunnels A..B's server ends (one retry each); prints the numbers of those that did not answer.
ping_range() {
	# shellcheck disable=SC2016  # the script is the inner shell's
	rig_client sh -c 'i=$1
		while [ "$i" -le "$2" ]; do
			a=$((4 * i + 1)); ip=198.18.$((128 + a / 256)).$((a % 256))
			ping -c 1 -W 2 -q "$ip" >/dev/null 2>&1 || ping -c 1 -W 2 -q "$ip" >/dev/null 2>&1 || echo "$i"
			i=$((i + 1))
		done' sh "$1" "$2"
}

count_up() {
	grep -c '^up ' "$LOG"
}

show() {
	grep -v '^up \|^gone ' "$LOG" | tail -n 15 | tap_diag
	rig_sshd_log | grep -i -E 'error|fatal|refused|sshtun' | tail -n 5 | tap_diag
}

rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status"
}

anon_kib() {
	awk '/^Anonymous:/ { print $2 }' "/proc/$PID/smaps_rollup"
}

# ---- 1. N tunnels at once, traffic, half stopped ----
run many "$PROG"
t0=$(date +%s)
cmd start 0 $((N - 1))
if until_line 90 "^started 0 $((N - 1))\$" && [ "$(count_up)" = "$N" ]; then
	tap_ok "$N tunnels up from one process in $(($(date +%s) - t0)) s, each configured by sshtun-server"
else
	tap_not_ok "$N tunnels up from one process ($(count_up) up)"
	show
	rig_kill "$PID"
	rig_down
	tap_done
	exit 1
fi
tap_check "$N tun devices on each end" rig_wait 10 sh -c \
	"[ \$(ip -o -n $RIG_NS_C link show type tun | wc -l) = $N ] && [ \$(ip -o -n $RIG_NS_S link show type tun | wc -l) = $N ]"
lost=$(ping_range 0 $((N - 1)))
quiet_since=$(date +%s)	# tunnel 1 carries nothing more than pings until its transfer below
if [ -z "$lost" ]; then
	tap_ok "each of the $N tunnels carries a ping to its own server end"
else
	tap_not_ok "each tunnel carries a ping; no answer through: $(echo "$lost" | tr "\n" " ")"
fi
bad=
for i in 0 $((N / 2 - 1)) $((N - 1)); do
	{ rig_transfer up 4 "$(addr $i 1)" "$(addr $i 2)" && rig_transfer down 4 "$(addr $i 1)" "$(addr $i 2)"; } || bad="$bad $i"
done
if [ -z "$bad" ]; then
	tap_ok "4 MiB each way byte for byte through tunnels 0, $((N / 2 - 1)) and $((N - 1)) while all are up"
else
	tap_not_ok "transfers byte for byte; failed through:$bad"
fi
cmd stop $((N / 2)) $((N - 1))
if until_line 30 "^stopped $((N / 2)) $((N - 1))\$" && [ "$(grep -c '^gone ' "$LOG")" = $((N - N / 2)) ]; then
	tap_ok "tunnels $((N / 2))..$((N - 1)) stopped and freed (sshtun_stop, sshtun_del) while the others run"
else
	tap_not_ok "the upper half stopped and freed ($(grep -c '^gone ' "$LOG") gone)"
	show
fi
tap_check "their devices are gone on both ends, the other $((N / 2)) are there" rig_wait 15 sh -c \
	"[ \$(ip -o -n $RIG_NS_C link show type tun | wc -l) = $((N / 2)) ] && [ \$(ip -o -n $RIG_NS_S link show type tun | wc -l) = $((N / 2)) ]"
lost=$(ping_range 0 $((N / 2 - 1)))
if [ -z "$lost" ] && [ -n "$(ping_range $((N / 2)) $((N / 2)))" ]; then
	tap_ok "the $((N / 2)) left still carry pings (and a stopped one does not)"
else
	tap_not_ok "the ones left still carry pings; no answer through: $(echo "$lost" | tr "\n" " ")"
fi
# By now tunnel 1 has been quiet long enough for its buffers to have given their pages back: they grow again.
left=$((quiet_since + IDLE_WAIT - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
if rig_transfer up 4 "$(addr 1 1)" "$(addr 1 2)" && rig_transfer down 4 "$(addr 1 1)" "$(addr 1 2)"; then
	tap_ok "4 MiB each way byte for byte through tunnel 1 after the stop, its buffers given back while it was quiet"
else
	tap_not_ok "4 MiB each way byte for byte through tunnel 1 after the stop, its buffers given back while it was quiet"
fi
if grep -q '^failed ' "$LOG"; then
	tap_not_ok "no tunnel failed"
	grep '^failed ' "$LOG" | head -n 5 | tap_diag
fi
if finish && grep -q '^quit 0$' "$LOG" && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
	tap_ok "the rest stop on quit: exit status 0, no device left$(grep -q '^SAN_FLAGS = *$' config.mk || echo ', nothing reported by the sanitizers')"
else
	tap_not_ok "a clean exit on quit"
	show
fi
rig_wait 20 test -z "$(rig_devs "$RIG_NS_S" tun)"

# ---- 2. memory ----
if [ ! -x "$MEM_PROG" ]; then
	tap_not_ok "memory: $MEM_PROG not built (make tests builds it in a sanitizer build)"
	rig_down
	tap_done
	exit 1
fi
run mem "$MEM_PROG"
cmd start 0 0
if ! until_line 30 '^started 0 0$' || [ "$(count_up)" != 1 ]; then
	tap_not_ok "memory: the first tunnel up"
	show
	rig_kill "$PID"
	rig_down
	tap_done
	exit 1
fi
ping_range 0 0 >/dev/null
sleep "$IDLE_WAIT"
r1=$(rss_kib)
a1=$(anon_kib)
cmd start 1 $((N - 1))
if ! until_line 90 "^started 1 $((N - 1))\$" || [ "$(count_up)" != "$N" ]; then
	tap_not_ok "memory: $N tunnels up ($(count_up))"
	show
	rig_kill "$PID"
	rig_down
	tap_done
	exit 1
fi
lost=$(ping_range 0 $((N - 1)))
sleep "$IDLE_WAIT"
rn=$(rss_kib)
an=$(anon_kib)
per=$(((rn - r1) / (N - 1)))
peranon=$(((an - a1) / (N - 1)))
echo "# resident: 1 tunnel $r1 KiB ($a1 anonymous), $N tunnels $rn KiB ($an anonymous), idle, each carried a ping${lost:+ (not: $lost)}"
if [ "$per" -lt "$LIMIT_KIB" ]; then
	tap_ok "memory per idle tunnel beyond the first: $per KiB resident ($peranon KiB anonymous), under $LIMIT_KIB KiB"
else
	tap_not_ok "memory per idle tunnel beyond the first: $per KiB resident ($peranon KiB anonymous), target under $LIMIT_KIB KiB"
fi
# A burst: 16 MiB each way through three tunnels at once, so their buffers grow to what a transfer needs.
bad=
for i in 0 1 2; do
	rig_server_bg "nc-up-$i" sh -c "timeout 60 nc -l $(addr "$i" 1) 5001 >/dev/null"
	rig_client_bg "nc-down-$i" sh -c "timeout 60 nc -l $(addr "$i" 2) 5002 >/dev/null"
done
rig_wait 5 rig_server sh -c "[ \$(ss -ltn | grep -c ':5001') = 3 ]"
rig_wait 5 rig_client sh -c "[ \$(ss -ltn | grep -c ':5002') = 3 ]"
pids=
for i in 0 1 2; do
	rig_client sh -c "head -c 16777216 /dev/zero | timeout 60 nc -N $(addr "$i" 1) 5001" &
	pids="$pids $!"
	rig_server sh -c "head -c 16777216 /dev/zero | timeout 60 nc -N $(addr "$i" 2) 5002" &
	pids="$pids $!"
done
peak=0
# shellcheck disable=SC2086
while _rig_alive $pids; do
	r=$(rss_kib)
	[ "${r:-0}" -gt "$peak" ] && peak=$r
	sleep 0.2
done
for p in $pids; do
	wait "$p" || bad=1
done
rb=$(rss_kib)
[ "$rb" -gt "$peak" ] && peak=$rb
sleep "$IDLE_WAIT"
ra=$(rss_kib)
aa=$(anon_kib)
echo "# resident during a burst of 16 MiB each way through 3 tunnels: peak $peak KiB; right after $rb KiB; $IDLE_WAIT s later $ra KiB ($aa anonymous)"
[ -n "$bad" ] && tap_not_ok "memory: the burst's transfers ran"
if [ $((ra - rn)) -lt $((3 * LIMIT_KIB)) ]; then
	tap_ok "memory after the burst back near the idle figure: $ra KiB against $rn KiB (peak $peak KiB)"
else
	tap_not_ok "memory after the burst back near the idle figure: $ra KiB against $rn KiB (peak $peak KiB; at most $((3 * LIMIT_KIB)) KiB more)"
fi
cmd stop $((N / 2)) $((N - 1))
until_line 30 "^stopped $((N / 2)) $((N - 1))\$" && sleep 1
echo "# resident after stopping and freeing tunnels $((N / 2))..$((N - 1)): $(rss_kib) KiB ($(anon_kib) anonymous)"
if ! finish; then
	tap_not_ok "memory run: a clean exit on quit"
	show
fi
rig_down
tap_done
