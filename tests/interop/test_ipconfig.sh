#!/bin/bash
# sshtun: interop: the IP configuration as an event for a program that configures the device itself
# (TunnelConfigure no, NetworkManager's way). The server's sshtun-server pushes an address, MTU, a route, DNS and
# a domain; the command line adds a route and TunnelRoute default. With TunnelConfigure no the program gets all
# of it from sshtun_get_ipconfig at SSHTUN_UP while the device stays untouched (no address, down, resolv.conf as
# it was); applying it as NetworkManager would makes pings cross; stop removes the device. With TunnelConfigure
# yes the same configuration is reported, marked applied, and is on the device.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
PROG=${IPCONFIG_DUMP:-$PWD/build/interop/ipconfig_dump}
[ -x "$PROG" ] || { echo "not ok - ipconfig_dump: $PROG not built (make tests)"; exit 1; }

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
NETNS_ETC=/etc/netns/$RIG_NS_C
ipc_down() {
	rm -rf "$NETNS_ETC"
	rig_down
}
trap 'ipc_down' EXIT
trap 'ipc_down; exit 130' INT
trap 'ipc_down; exit 143' TERM
mkdir -p "$NETNS_ETC"
printf 'nameserver 198.18.0.250\n' >"$NETNS_ETC/resolv.conf"	# what ip netns exec shows as /etc/resolv.conf
cp "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.before"
printf 'command="sshtun-server --client 198.18.96.2 --server 198.18.96.1 --mtu 1400 --route 198.18.97.0/24 --dns 198.18.96.53 --domain vpn.example --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
show() {
	echo "# --- $1:"
	tail -n 20 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}
dev() {
	sed -n 's/^device //p' "$RIG_DIR/$1.log" | head -n 1
}
has() {
	grep -qx "$2" "$RIG_DIR/$1.log"
}

# ---- 1. TunnelConfigure no: reported, not applied.
rig_client_bg no "$PROG" "$RIG_SSH_CONFIG" "$RIG_TARGET" "Tunnel point-to-point" "TunnelConfigure no" \
	"TunnelConfigCommand sshtun-server" "TunnelRoute 198.18.98.0/24" "TunnelRoute default"
pid=$RIG_LAST_PID
if rig_wait 20 grep -q '^end$' "$RIG_DIR/no.log"; then
	tap_ok "TunnelConfigure no: the configuration reported at SSHTUN_UP"
	d=$(dev no)
	tap_check "it is the server's and the command line's, merged" sh -c "
		grep -qx 'applied 0' $RIG_DIR/no.log && grep -qx 'mtu 1400' $RIG_DIR/no.log &&
		grep -qx 'addr 4 198.18.96.2 32 198.18.96.1' $RIG_DIR/no.log &&
		grep -qx 'route 4 198.18.97.0 24 - 0' $RIG_DIR/no.log && grep -qx 'route 4 198.18.98.0 24 - 0' $RIG_DIR/no.log &&
		grep -qx 'route 4 0.0.0.0 1 - 0' $RIG_DIR/no.log && grep -qx 'route 4 128.0.0.0 1 - 0' $RIG_DIR/no.log &&
		grep -qx 'default 1' $RIG_DIR/no.log && grep -qx 'server $RIG_SERVER_IP' $RIG_DIR/no.log &&
		grep -qx 'dns 198.18.96.53' $RIG_DIR/no.log && grep -qx 'domain vpn.example' $RIG_DIR/no.log"
	tap_check "the device ($d) is untouched: no address, down, default MTU; no route to the server's networks" sh -c "
		! ip -n $RIG_NS_C -o addr show dev $d | grep -q inet &&
		! ip -n $RIG_NS_C -o link show dev $d | grep -q ',UP' && ip -n $RIG_NS_C -o link show dev $d | grep -q 'mtu 1500' &&
		! ip -n $RIG_NS_C route show | grep -q '198.18.97.0\\|128.0.0.0/1'"
	tap_check "resolv.conf is as it was" cmp -s "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.before"
	# As a network manager would: the device's MTU, link, address and the routes it was given.
	rig_client ip link set "$d" mtu 1400 up &&
		rig_client ip addr add 198.18.96.2 peer 198.18.96.1 dev "$d" &&
		rig_client ip route add 198.18.97.0/24 dev "$d"
	tap_check "applied by the program: pings cross to the server's end" sh -c "
		ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null"
	rig_stop "$pid"
	tap_check "stopped: the device is gone" test -z "$(rig_devs "$RIG_NS_C" tun)"
else
	tap_not_ok "TunnelConfigure no: the configuration reported at SSHTUN_UP"
	show no
	rig_kill "$pid"
fi

# ---- 2. TunnelConfigure yes (the default): the same configuration, applied.
rig_client_bg yes "$PROG" "$RIG_SSH_CONFIG" "$RIG_TARGET" "TunnelConfigCommand sshtun-server" \
	"TunnelRoute 198.18.98.0/24"
pid=$RIG_LAST_PID
if rig_wait 20 grep -q '^end$' "$RIG_DIR/yes.log"; then
	d=$(dev yes)
	tap_check "TunnelConfigure yes: reported as applied, and on the device ($d)" sh -c "
		grep -qx 'applied 1' $RIG_DIR/yes.log && grep -qx 'addr 4 198.18.96.2 32 198.18.96.1' $RIG_DIR/yes.log &&
		ip -n $RIG_NS_C -o addr show dev $d | grep -q 'inet 198.18.96.2 peer 198.18.96.1' &&
		ip -n $RIG_NS_C route show 198.18.98.0/24 | grep -q 'dev $d' && grep -q 198.18.96.53 $NETNS_ETC/resolv.conf"
	tap_check "TunnelConfigure yes: ping through the tunnel" rig_client ping -c 2 -W 2 198.18.96.1
	rig_stop "$pid"
	tap_check "TunnelConfigure yes: stopped, resolv.conf back as it was" cmp -s "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.before"
else
	tap_not_ok "TunnelConfigure yes: the configuration reported at SSHTUN_UP"
	show yes
	rig_kill "$pid"
fi
tap_done
