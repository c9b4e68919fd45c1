#!/bin/bash
# sshtun: interop: the seed guide's "IPv6 at home" over layer 2. sshtun-server --bridge adds the server's tap to a
# bridge into a LAN (a third namespace) where radvd announces fd00:70::/64; the client's tap gets an address from
# it by SLAAC, through the tunnel, and pings a LAN host. Nothing configured by hand on the client.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
RADVD=$(command -v radvd || echo /usr/sbin/radvd)
[ -x "$RADVD" ] || { echo "not ok - radvd: missing (apt-get install radvd)"; exit 1; }

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
NS_L=st-l-$$
RADVD_PID=
cleanup() {
	local p

	if [ -n "$RADVD_PID" ]; then
		kill -TERM "$RADVD_PID" 2>/dev/null
		wait "$RADVD_PID" 2>/dev/null
		RADVD_PID=
	fi
	p=$(ip netns pids "$NS_L" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$p" ] && kill -KILL $p 2>/dev/null
	ip netns del "$NS_L" 2>/dev/null
	rig_down
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The LAN: a host at fd00:70::10 running radvd; the server's br70 bridges it.
ip netns add "$NS_L"
ip -n "$NS_L" link set lo up
ip -n "$RIG_NS_S" link add br70 type bridge
ip -n "$RIG_NS_S" link add veth1 type veth peer name lan0 netns "$NS_L"
ip -n "$RIG_NS_S" link set veth1 master br70
ip -n "$RIG_NS_S" link set veth1 up
ip -n "$RIG_NS_S" link set br70 up
ip netns exec "$NS_L" sysctl -q -w net.ipv6.conf.all.forwarding=1
ip -n "$NS_L" addr add fd00:70::10/64 dev lan0 nodad
ip -n "$NS_L" link set lan0 up
cat >"$RIG_DIR/radvd.conf" <<EOF
interface lan0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	prefix fd00:70::/64 {
		AdvOnLink on;
		AdvAutonomous on;
	};
};
EOF
ip netns exec "$NS_L" "$RADVD" -n -C "$RIG_DIR/radvd.conf" -p "$RIG_DIR/radvd.pid" -m logfile -l "$RIG_DIR/radvd.log" &
RADVD_PID=$!

printf 'command="sshtun-server --bridge br70 --state-dir %s/state",no-pty,no-agent-forwarding,no-port-forwarding,no-X11-forwarding %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
rig_client_bg l2 timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -o Tunnel=ethernet -o TunnelConfigCommand=sshtun-server \
	"$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up l2; then
	tap_ok "layer 2: tunnel up with sshtun-server --bridge"
	stap=$(rig_devs "$RIG_NS_S" tap | head -n 1)
	tap_check "server: its tap ($stap) is a port of br70" sh -c \
		"ip -n $RIG_NS_S -o link show master br70 | grep -q '$stap'"
	ctap=$(rig_devs "$RIG_NS_C" tap | head -n 1)
	slaac() {
		rig_client ip -6 -o addr show dev "$ctap" scope global | grep -q 'inet6 fd00:70::'
	}
	if rig_wait 20 slaac; then
		tap_ok "client: its tap took an address in fd00:70::/64 by SLAAC from the LAN's router advertisement"
		tap_check "client: ping6 the LAN host fd00:70::10 across the bridge" rig_client ping -6 -c 3 -W 2 fd00:70::10
	else
		tap_not_ok "client: its tap took an address in fd00:70::/64 by SLAAC"
		rig_client ip -6 addr show dev "$ctap" | tap_diag
		tail -n 5 "$RIG_DIR/radvd.log" 2>/dev/null | tap_diag
	fi
	kill -TERM "$pid"
	rig_wait 15 _rig_dead "$pid"
	tap_check "after stop: the server's tap left br70 (or is gone)" rig_wait 5 sh -c \
		"! ip -n $RIG_NS_S -o link show master br70 | grep -q tap"
else
	tap_not_ok "layer 2: tunnel up with sshtun-server --bridge"
	tail -n 10 "$RIG_DIR/l2.log" | tap_diag
	rig_kill "$pid"
fi
cleanup
trap - EXIT
tap_done
