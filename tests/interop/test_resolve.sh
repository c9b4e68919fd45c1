#!/bin/bash
# sshtun: interop: the server's name is resolved off the event loop. In the client namespace resolv.conf names
# a DNS server that never answers (/etc/netns/NS/resolv.conf, which ip netns exec mounts there): sshtun_start of
# a handle whose HostName needs it returns at once, and a second handle in the same loop brings its tunnel up
# while the first still waits; the first is freed in mid-resolution and its thread finishes later without
# touching it (ASan would say). The sshtun program with such a name gives up at ConnectTimeout with status 3
# and one line, instead of hanging in getaddrinfo.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
PROG=${RESOLVE_ASYNC:-$PWD/build/interop/resolve_async}
[ -x "$PROG" ] || { echo "not ok - resolve_async: $PROG not built (make tests)"; exit 1; }

rig_up || exit 1
NETNS_ETC=/etc/netns/$RIG_NS_C
resolve_down() {
	rm -rf "$NETNS_ETC"
	rig_down
}
trap 'resolve_down' EXIT
trap 'resolve_down; exit 130' INT
trap 'resolve_down; exit 143' TERM
mkdir -p "$NETNS_ETC"
printf 'nameserver 198.18.0.77\noptions timeout:2 attempts:2\n' >"$NETNS_ETC/resolv.conf"

{
	echo "Host slow"
	echo "	HostName vpn.sshtun-test.example"
	echo "Host fast"
	echo "	HostName $RIG_SERVER_IP"
	cat "$RIG_SSH_CONFIG"
} >"$RIG_DIR/cfg"
tap_check "the slow name really waits for the silent DNS server (getent takes over 2 s)" sh -c \
	"t0=\$(date +%s%N); ! ip netns exec $RIG_NS_C getent ahosts vpn.sshtun-test.example >/dev/null;
	 [ \$(( (\$(date +%s%N) - t0) / 1000000 )) -ge 2000 ]"

out=$(rig_client timeout 60 "$PROG" "$RIG_DIR/cfg" 2>"$RIG_DIR/ra.err")
rc=$?
ms=$(printf '%s\n' "$out" | sed -n 's/^start_ms=//p')
tap_check "sshtun_start returns at once while the name is being resolved (${ms:-?} ms)" test "${ms:-9999}" -lt 200
tap_check "the other handle's tunnel came up in the same loop meanwhile" sh -c \
	"printf '%s\n' \"$out\" | grep -q '^fast_up=1 after_ms=[0-9]* slow_status=1\$'"
if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q '^done$'; then
	tap_ok "the resolving handle freed in mid-resolution: its thread finished later, nothing reported"
else
	tap_not_ok "freed in mid-resolution (status $rc)"
	tail -n 12 "$RIG_DIR/ra.err" | tap_diag
fi

t0=$(date +%s%N)
out=$(rig_client timeout 60 "$SSHTUN" -F "$RIG_DIR/cfg" -w any -o ConnectTimeout=3 slow 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $rc = 3 ] && [ $ms -lt 3900 ] && printf '%s\n' "$out" | grep -q "timed out connecting to vpn.sshtun-test.example"; then
	tap_ok "sshtun: ConnectTimeout covers the resolution (status 3 after $ms ms, one line)"
else
	tap_not_ok "sshtun: ConnectTimeout covers the resolution (status $rc after $ms ms)"
	printf '%s\n' "$out" | tail -n 3 | tap_diag
fi
tap_done
