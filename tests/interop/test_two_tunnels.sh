#!/bin/bash
# sshtun: interop: two tunnels from ONE process through the library API, both carrying pings at once.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
PROG=${TWO_TUNNELS:-$PWD/build/interop/two_tunnels}
[ -x "$PROG" ] || { echo "not ok - two_tunnels: $PROG not built (make interop)"; exit 1; }

rig_up
rig_client_bg two timeout 120 "$PROG" "$RIG_SSH_CONFIG" "$RIG_KEY" "$RIG_TARGET" 198.18.11.1 198.18.11.2 198.18.12.1 198.18.12.2
pid=$RIG_LAST_PID
both_up() {
	[ "$(grep -c '^up ' "$RIG_DIR/two.log")" = 2 ]
}
if rig_wait 20 both_up && rig_wait 10 test "$(rig_devs "$RIG_NS_S" tun | wc -l)" = 2; then
	tap_ok "two tunnels up from one process: $(grep '^up ' "$RIG_DIR/two.log" | tr '\n' ' ')"
	# Which of the server's two devices belongs to which tunnel is not known: try one pairing, then the other.
	# shellcheck disable=SC2046
	set -- $(rig_devs "$RIG_NS_S" tun)
	rig_server ip link set "$1" up
	rig_server ip link set "$2" up
	rig_server ip addr add 198.18.11.2 peer 198.18.11.1 dev "$1"
	rig_server ip addr add 198.18.12.2 peer 198.18.12.1 dev "$2"
	ok1=0; ok2=0
	rig_client ping -c 2 -W 2 198.18.11.2 >/dev/null && ok1=1
	rig_client ping -c 2 -W 2 198.18.12.2 >/dev/null && ok2=1
	if [ $ok1 = 0 ] || [ $ok2 = 0 ]; then
		# Swap: the kernel may have numbered them the other way round.
		rig_server ip addr flush dev "$1"; rig_server ip addr flush dev "$2"
		rig_server ip addr add 198.18.11.2 peer 198.18.11.1 dev "$2"
		rig_server ip addr add 198.18.12.2 peer 198.18.12.1 dev "$1"
		ok1=0; ok2=0
		rig_client ping -c 2 -W 2 198.18.11.2 >/dev/null && ok1=1
		rig_client ping -c 2 -W 2 198.18.12.2 >/dev/null && ok2=1
	fi
	if [ $ok1 = 1 ] && [ $ok2 = 1 ]; then
		tap_ok "both tunnels carry pings at the same time"
	else
		tap_not_ok "both tunnels carry pings at the same time (first $ok1, second $ok2)"
	fi
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	if [ $rc = 0 ] && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
		tap_ok "both stop cleanly on SIGTERM"
	else
		tap_not_ok "both stop cleanly on SIGTERM (status $rc)"
	fi
else
	tap_not_ok "two tunnels up from one process"
	tail -n 20 "$RIG_DIR/two.log" | tap_diag
	rig_kill "$pid"
fi
rig_down
tap_done
