#!/bin/bash
# sshtun: interop: what sshtun sets up on the client's side beyond the device: DNS pushed by the server (or
# TunnelDNS) written to the namespace's resolv.conf and put back byte for byte; TunnelRoute default sending
# everything through the tunnel while the SSH connection keeps its path; TunnelBridge joining the local tap to a
# bridge. Each checks what crossed or what changed, and that after stop the namespace is as before.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

rig_up || exit 1
NETNS_ETC=
SSHD2_PID=
cleanup() {
	[ -n "$SSHD2_PID" ] && kill "$SSHD2_PID" 2>/dev/null
	[ -n "$NETNS_ETC" ] && rm -rf -- "$NETNS_ETC"
	rig_down
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
PUB=$(cat "$RIG_KEY.pub")

forced() {
	printf 'command="%s" %s\n' "$1" "$PUB" >"$RIG_DIR/authorized_keys"
}

st() {
	local name=$1

	shift
	rig_client_bg "$name" timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" "$@"
}

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}



# The server's command: its end of the tunnel, the configuration, then it waits for the session to end.
# cfgscript NAME N [extra lines...]: 198.18.N.1 (server) and 198.18.N.2 (client).
cfgscript() {
	local f=$RIG_DIR/$1 n=$2

	shift 2
	{
		echo '#!/bin/sh'
		echo 'dev=${SSH_TUNNEL##*,}'
		echo 'ip link set "$dev" up || exit 3'
		echo "ip addr add 198.18.$n.1 peer 198.18.$n.2 dev \"\$dev\" || exit 3"
		echo "printf 'ADDR 198.18.$n.2/32\\nPEER_ADDR 198.18.$n.1\\n'"
		for l in "$@"; do
			echo "echo '$l'"
		done
		echo 'exec >&- 2>&-'
		echo 'cat >/dev/null'
	} >"$f"
	chmod 755 "$f"
	echo "$f"
}

# ---- 1. DNS: the namespace's own resolv.conf (ip netns exec mounts /etc/netns/NAME/resolv.conf over it).
NETNS_ETC=/etc/netns/$RIG_NS_C
mkdir -p "$NETNS_ETC"
printf '# the old file\nnameserver 198.18.99.99\noptions edns0\n' >"$NETNS_ETC/resolv.conf"
cp "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.orig"
forced "$(cfgscript dnscmd 41 'DNS 198.18.41.53' 'DNS fd00:41::53' 'DOMAIN corp.example' 'DOMAIN ~lab.example')"
st dns -o TunnelConfigCommand=sshtun-server "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up dns; then
	rig_client cat /etc/resolv.conf >"$RIG_DIR/resolv.up"
	tap_check "DNS: the pushed servers and search domain are in the namespace's resolv.conf while up" sh -c \
		"grep -qx 'nameserver 198.18.41.53' $RIG_DIR/resolv.up && grep -qx 'nameserver fd00:41::53' $RIG_DIR/resolv.up &&
		 grep -q '^search corp.example\$' $RIG_DIR/resolv.up && ! grep -q 198.18.99.99 $RIG_DIR/resolv.up"
	rig_stop "$pid"
	tap_check "DNS: after stop the old resolv.conf is back byte for byte" cmp "$RIG_DIR/resolv.orig" "$NETNS_ETC/resolv.conf"
else
	tap_not_ok "DNS: tunnel up"
	show dns
	rig_kill "$pid"
fi
st dns2 -o TunnelConfigCommand=sshtun-server -o TunnelDNS=198.18.41.54 "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up dns2; then
	tap_check "TunnelDNS replaces the server's DNS servers" sh -c \
		"ip netns exec $RIG_NS_C cat /etc/resolv.conf | grep -qx 'nameserver 198.18.41.54' &&
		 ! ip netns exec $RIG_NS_C cat /etc/resolv.conf | grep -q 198.18.41.53"
	rig_stop "$pid"
	tap_check "TunnelDNS: the old resolv.conf is back" cmp "$RIG_DIR/resolv.orig" "$NETNS_ETC/resolv.conf"
else
	tap_not_ok "TunnelDNS: tunnel up"
	show dns2
	rig_kill "$pid"
fi
rm -rf -- "$NETNS_ETC"
NETNS_ETC=

# ---- 2. TunnelRoute default: the client reaches the server (198.19.0.2) through a default route via
# 198.18.0.2, so without the kept host route the SSH connection would follow the new default into the tunnel.
rig_server ip addr add 198.19.0.2/32 dev lo
rig_server ip addr add 198.19.5.5/32 dev lo
sed -e "s/^ListenAddress .*/ListenAddress 198.19.0.2/" -e "s|^PidFile .*|PidFile $RIG_DIR/sshd2.pid|" \
	"$RIG_SSHD_CONFIG" >"$RIG_DIR/sshd2_config"
ip netns exec "$RIG_NS_S" "$RIG_SSHD" -D -E "$RIG_DIR/sshd2.log" -f "$RIG_DIR/sshd2_config" &
SSHD2_PID=$!
rig_client ip route add default via 198.18.0.2 dev veth0
sed -i "s/^\(198.18.0.2\),rig /\1,rig,198.19.0.2 /" "$RIG_KNOWN_HOSTS"
forced "$(cfgscript defcmd 42 'ADDR6 fd00:42::2/128' 'PEER_ADDR6 fd00:42::1')"
rig_wait 5 rig_server sh -c "ss -ltn | grep -q '198.19.0.2:22'"
before=$(rig_client_state)
st def -o TunnelConfigCommand=sshtun-server -o TunnelRoute=default root@198.19.0.2
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up def; then
	tap_check "TunnelRoute default: an address outside every route goes through the tunnel" sh -c \
		"ip netns exec $RIG_NS_C ip route get 198.19.5.5 | grep -q 'dev tun'"
	tap_check "TunnelRoute default: IPv6 too (::/1 and 8000::/1 through the tunnel)" sh -c \
		"ip netns exec $RIG_NS_C ip -6 route get fd00:99::1 | grep -q 'dev tun' &&
		 ip netns exec $RIG_NS_C ip -6 route show | grep -q '^::/1 dev tun' &&
		 ip netns exec $RIG_NS_C ip -6 route show | grep -q '^8000::/1 dev tun'"
	tap_check "TunnelRoute default: the server itself keeps its old path (via 198.18.0.2 dev veth0)" sh -c \
		"ip netns exec $RIG_NS_C ip route get 198.19.0.2 | grep -q 'via 198.18.0.2 dev veth0'"
	sdev=$(rig_devs "$RIG_NS_S" tun | head -n 1)
	rx0=$(rig_server cat "/sys/class/net/$sdev/statistics/rx_packets")
	tap_check "TunnelRoute default: ping to 198.19.5.5 answered" rig_client ping -c 3 -W 2 198.19.5.5
	rx1=$(rig_server cat "/sys/class/net/$sdev/statistics/rx_packets")
	tap_check "TunnelRoute default: the pings crossed the server's tunnel device ($rx0 -> $rx1 packets)" \
		test $((rx1 - rx0)) -ge 3
	if rig_transfer down 4 198.18.42.1 198.18.42.2 && kill -0 "$pid" 2>/dev/null; then
		tap_ok "TunnelRoute default: the SSH connection survives it (4 MiB through the tunnel, still up)"
	else
		tap_not_ok "TunnelRoute default: the SSH connection survives it"
		show def
	fi
	rig_stop "$pid"
	after=$(rig_client_state)
	tap_check "TunnelRoute default: after stop the routes are as before" diff <(echo "$before") <(echo "$after")
else
	tap_not_ok "TunnelRoute default: tunnel up"
	show def
	rig_kill "$pid"
fi
rig_client ip route del default via 198.18.0.2 dev veth0

# ---- 3. TunnelBridge: the local tap joins an existing bridge; frames cross; after stop the bridge is as before.
printf '%s\n' "$PUB" >"$RIG_DIR/authorized_keys"
rig_client ip link add br41 type bridge
rig_client ip addr add 198.18.43.1/24 dev br41
rig_client ip link set br41 up
before=$(rig_client_state)
st br -o Tunnel=ethernet -o TunnelBridge=br41 "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up br; then
	tap_check "TunnelBridge: the local tap is a port of br41" sh -c \
		"ip netns exec $RIG_NS_C ip -o link show master br41 | grep -q tap"
	rig_wait 5 test -n "$(rig_devs "$RIG_NS_S" tap)"
	stap=$(rig_devs "$RIG_NS_S" tap | head -n 1)
	rig_server ip addr add 198.18.43.2/24 dev "$stap"
	rig_server ip link set "$stap" up
	tap_check "TunnelBridge: ping across the bridge and the tunnel" rig_client ping -c 3 -W 2 198.18.43.2
	rig_stop "$pid"
	after=$(rig_client_state)
	tap_check "TunnelBridge: after stop the bridge and links are as before" diff <(echo "$before") <(echo "$after")
else
	tap_not_ok "TunnelBridge: tunnel up"
	show br
	rig_kill "$pid"
fi
out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -o Tunnel=ethernet -o TunnelBridge=nosuch0 \
	"$RIG_TARGET" 2>&1)
rc=$?
if [ $rc = 2 ] && printf '%s\n' "$out" | grep -q "TunnelBridge nosuch0: no such bridge" &&
	[ -z "$(rig_devs "$RIG_NS_C" tap)" ]; then
	tap_ok "TunnelBridge: a missing bridge is refused (exit 2, one line, no device left)"
else
	tap_not_ok "TunnelBridge: a missing bridge is refused (status $rc)"
	printf '%s\n' "$out" | tail -n 5 | tap_diag
fi
cleanup
trap - EXIT
tap_done
