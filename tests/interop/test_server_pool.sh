#!/bin/bash
# sshtun: interop: sshtun with sshtun-server as the forced command, nothing configured by hand on either side.
# The exact authorized_keys line README and sshtun-server(8) show; two clients with two keys at once get two
# addresses from the pool and reach each other through the server; 16 MiB byte for byte each way; IPv6 inside
# the tunnel; a "work LAN" in a third namespace behind the server reached with --route and --nat over a 1500-MTU
# link (TCP both ways and a UDP datagram over 1500 bytes); leases freed and the server's end undone at stop.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }
command -v nft >/dev/null || { echo "not ok - nft: missing (apt-get install nftables)"; exit 1; }
MIB=${SSHTUN_TEST_MIB:-16}

# sshd finds sshtun-server on its PATH, as after make install.
rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
NS_L=st-l-$$
NS_D=st-d-$$
cleanup() {
	local p

	for ns in "$NS_L" "$NS_D"; do
		p=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$p" ] && kill -KILL $p 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rig_down
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# The work LAN: 198.18.60.0/24 behind the server's veth1 (MTU 1500), one host at .10 with no route back to the pool.
ip netns add "$NS_L"
ip -n "$NS_L" link set lo up
ip -n "$RIG_NS_S" link add veth1 type veth peer name lan0 netns "$NS_L"
ip -n "$RIG_NS_S" addr add 198.18.60.1/24 dev veth1
ip -n "$RIG_NS_S" link set veth1 up
ip -n "$NS_L" addr add 198.18.60.10/24 dev lan0
ip -n "$NS_L" link set lan0 up
lan() { ip netns exec "$NS_L" "$@"; }
# A second client machine: 198.18.1.2, reaching the server's 198.18.0.2 through its veth2 (198.18.1.1).
ip netns add "$NS_D"
ip -n "$NS_D" link set lo up
ip -n "$RIG_NS_S" link add veth2 type veth peer name veth0 netns "$NS_D"
ip -n "$RIG_NS_S" addr add 198.18.1.1/24 dev veth2
ip -n "$RIG_NS_S" link set veth2 up
ip -n "$NS_D" addr add 198.18.1.2/24 dev veth0
ip -n "$NS_D" link set veth0 up
ip -n "$NS_D" route add 198.18.0.0/24 via 198.18.1.1

ssh-keygen -q -t ed25519 -N '' -C rig-user2 -f "$RIG_DIR/id2" </dev/null
# The line README shows, with the pool of this test and the options it uses.
OPTS="--pool 198.18.50.0/24 --pool6 fd00:50::/64 --route 198.18.60.0/24 --nat veth1 --state-dir $RIG_DIR/state"
LINE_OPTS='no-pty,no-agent-forwarding,no-port-forwarding,no-X11-forwarding'
{
	printf 'command="sshtun-server %s",%s %s\n' "$OPTS" "$LINE_OPTS" "$(cat "$RIG_KEY.pub")"
	printf 'command="sshtun-server %s",%s %s\n' "$OPTS" "$LINE_OPTS" "$(cat "$RIG_DIR/id2.pub")"
} >"$RIG_DIR/authorized_keys"
tap_check "README's authorized_keys line (restrictions and all) is the one tested" \
	grep -qF "command=\"sshtun-server --pool 198.18.100.0/24\",$LINE_OPTS ssh-ed25519" README.md

# st NAME KEY NS: sshtun in namespace NS in the background.
st() {
	local name=$1 key=$2 ns=$3

	ip netns exec "$ns" timeout 300 "$SSHTUN" -F "$RIG_SSH_CONFIG" -i "$key" -o IdentitiesOnly=yes -w any \
		-o TunnelConfigCommand=sshtun-server "$RIG_TARGET" >"$RIG_DIR/$name.log" 2>&1 &
	RIG_LAST_PID=$!
	RIG_BG_PIDS="$RIG_BG_PIDS $RIG_LAST_PID"
}
show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}
# addr_of NAME: the client's IPv4 address from its "tunnel up" line
addr_of() {
	sed -n 's/.*tunnel up: tun[0-9]* \([0-9.]*\)\/32 peer.*/\1/p' "$RIG_DIR/$1.log" | head -n 1
}
dev_of() {
	sed -n 's/.*tunnel up: \(tun[0-9]*\) .*/\1/p' "$RIG_DIR/$1.log" | head -n 1
}

before_s=$(rig_server ip -o addr show scope global | sed 's/ \+/ /g' | grep -v tun | sort)
fwd_before=$(rig_server sysctl -n net.ipv4.ip_forward)
st a "$RIG_KEY" "$RIG_NS_C"
pa=$RIG_LAST_PID
if ! rig_wait 20 rig_is_up a; then
	tap_not_ok "client A: tunnel up with sshtun-server"
	show a
	rig_sshd_log | grep -i -E "error|sshtun" | tail -n 5 | tap_diag
	exit 1
fi
A=$(addr_of a)
tap_ok "client A: tunnel up, configured by sshtun-server ($A)"
tap_check "client A: the pool's first client address, the server end .1" test "$A" = 198.18.50.2
tap_check "server: its end configured from the pool (198.18.50.1 peer 198.18.50.2)" sh -c \
	"ip netns exec $RIG_NS_S ip -o addr show | grep -q 'inet 198.18.50.1 peer 198.18.50.2/32'"
tap_check "client A: sshtun-server's default MTU (16000) on both ends" sh -c \
	"ip netns exec $RIG_NS_C ip -o link show | grep tun | grep -q 'mtu 16000' &&
	 ip netns exec $RIG_NS_S ip -o link show | grep tun | grep -q 'mtu 16000'"
tap_check "client A: the LAN's route carries the LAN's MTU (1500) from the server" sh -c \
	"ip netns exec $RIG_NS_C ip route show 198.18.60.0/24 | grep -q 'mtu 1500'"
tap_check "client A: IPv6 from --pool6 and the route to the LAN" sh -c \
	"ip netns exec $RIG_NS_C ip -o addr show | grep -q 'inet6 fd00:50::2 peer fd00:50::1/128' &&
	 ip netns exec $RIG_NS_C ip route show | grep -q '^198.18.60.0/24 dev tun'"
tap_check "ping both ways" sh -c "ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.50.1 >/dev/null &&
	ip netns exec $RIG_NS_S ping -c 2 -W 2 198.18.50.2 >/dev/null"
if rig_transfer up "$MIB" 198.18.50.1 198.18.50.2 && rig_transfer down "$MIB" 198.18.50.1 198.18.50.2; then
	tap_ok "$MIB MiB each way, byte for byte"
else
	tap_not_ok "$MIB MiB each way, byte for byte"
fi
tap_check "IPv6 inside the tunnel: ping6" rig_client ping -6 -c 2 -W 2 fd00:50::1
if rig_transfer down 4 fd00:50::1 fd00:50::2; then
	tap_ok "IPv6 inside the tunnel: 4 MiB over TCP, byte for byte"
else
	tap_not_ok "IPv6 inside the tunnel: 4 MiB over TCP, byte for byte"
fi

# ---- the second client, with the other key
st b "$RIG_DIR/id2" "$NS_D"
pb=$RIG_LAST_PID
if rig_wait 20 rig_is_up b; then
	B=$(addr_of b)
	tap_check "client B (second key, at the same time): another address ($B)" test "$B" = 198.18.50.3
	tap_check "client A reaches client B through the server, and B reaches A" sh -c \
		"ip netns exec $RIG_NS_C ping -c 2 -W 2 $B >/dev/null && ip netns exec $NS_D ping -c 2 -W 2 $A >/dev/null"
else
	tap_not_ok "client B: tunnel up"
	show b
fi

# ---- the work LAN behind the server, reached with --route and --nat
tap_check "LAN: ping 198.18.60.10 through the tunnel (masqueraded)" rig_client ping -c 2 -W 2 198.18.60.10
src=$RIG_DIR/lan-src.bin
head -c $((4 * 1024 * 1024)) /dev/urandom >"$src"
ip netns exec "$NS_L" sh -c "timeout 60 nc -l 198.18.60.10 5101 >$RIG_DIR/lan-up.bin" &
lpid=$!
rig_wait 5 lan sh -c "ss -ltn | grep -q ':5101'"
rig_client timeout 60 nc -N 198.18.60.10 5101 <"$src"
wait $lpid
tap_check "LAN: 4 MiB from the client to the LAN host (TCP), byte for byte" cmp "$src" "$RIG_DIR/lan-up.bin"
ip netns exec "$NS_L" sh -c "timeout 60 nc -N -l 198.18.60.10 5102 <$src" &
lpid=$!
rig_wait 5 lan sh -c "ss -ltn | grep -q ':5102'"
rig_client timeout 60 nc 198.18.60.10 5102 >"$RIG_DIR/lan-down.bin"
wait $lpid
tap_check "LAN: 4 MiB from the LAN host to the client (TCP), byte for byte" cmp "$src" "$RIG_DIR/lan-down.bin"
head -c 3000 /dev/urandom >"$RIG_DIR/dgram.bin"
ip netns exec "$NS_L" sh -c "timeout 10 nc -u -l 198.18.60.10 5103 >$RIG_DIR/dgram.out" &
lpid=$!
rig_wait 5 lan sh -c "ss -lun | grep -q ':5103'"
rig_client sh -c "timeout 3 nc -u -w 1 198.18.60.10 5103 <$RIG_DIR/dgram.bin"
rig_wait 5 test -s "$RIG_DIR/dgram.out"
kill $lpid 2>/dev/null
wait $lpid 2>/dev/null
tap_check "LAN: one UDP datagram of 3000 bytes (over the LAN's 1500 MTU) arrives whole" cmp "$RIG_DIR/dgram.bin" "$RIG_DIR/dgram.out"
tap_check "server: the NAT table is there while clients are" rig_server nft list table ip sshtun_server

# ---- stop: leases freed, the server's end undone
kill -TERM "$pa" "$pb" 2>/dev/null
rig_wait 15 _rig_dead "$pa" "$pb"
wait "$pa" "$pb" 2>/dev/null
tap_check "after both stop: no lease left" rig_wait 5 sh -c "[ -z \"\$(find $RIG_DIR/state/leases -type f 2>/dev/null)\" ]"
tap_check "after both stop: the NAT table is gone and forwarding is back to $fwd_before" rig_wait 5 sh -c \
	"! ip netns exec $RIG_NS_S nft list table ip sshtun_server >/dev/null 2>&1 &&
	 [ \$(ip netns exec $RIG_NS_S sysctl -n net.ipv4.ip_forward) = $fwd_before ]"
after_s=$(rig_server ip -o addr show scope global | sed 's/ \+/ /g' | grep -v tun | sort)
tap_check "after both stop: the server's addresses are as before" diff <(echo "$before_s") <(echo "$after_s")
cleanup
trap - EXIT
tap_done
