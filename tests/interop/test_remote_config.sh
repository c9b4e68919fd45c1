#!/bin/bash
# sshtun: interop: TunnelConfigCommand against the rig's sshd. The server's command prints the configuration
# (NetworkManager-sshtun's sshtun_config script as its README gives it, and the superset), sshtun applies it
# (addresses, IPv6, MTU, routes) before saying "tunnel up", the command learns its end from SSH_TUNNEL and sees its
# stdin end when sshtun stops; a bad line, a failing command and a hanging one each end with one line and
# exit status 9, nothing left configured. Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

rig_up || exit 1
PUB=$(cat "$RIG_KEY.pub")

# forced CMD: the key's authorized_keys line runs CMD whatever the client asks (sshd reads it per login).
forced() {
	printf 'command="%s" %s\n' "$1" "$PUB" >"$RIG_DIR/authorized_keys"
}
unforced() {
	printf '%s\n' "$PUB" >"$RIG_DIR/authorized_keys"
}

st() {
	local name=$1

	shift
	rig_client_bg "$name" timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any "$@" "$RIG_TARGET"
}

st_fg() {
	rig_client timeout 60 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any "$@" "$RIG_TARGET" 2>&1
}

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}


no_client_devs() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ] && [ -z "$(rig_devs "$RIG_NS_C" tap)" ]
}


# ---- 1. The seed's script: its text as NetworkManager-sshtun's README prints it, <remote-ip> placeholder and all.
# Only the addresses are moved into the range the tests may use (10.0.1.x -> 198.18.21.x).
cat >"$RIG_DIR/sshtun_config" <<'EOF'
#!/bin/sh

cat <<EOF2
ADDR 10.0.1.1
PEER_ADDR 10.0.1.3
NETMASK 255.255.255.0
GW_ADDR <remote-ip>
EOF2
EOF
sed -i 's/EOF2/EOF/; s/10\.0\.1\./198.18.21./' "$RIG_DIR/sshtun_config"
chmod 755 "$RIG_DIR/sshtun_config"
printf 'tunnel="0",command="%s" %s\n' "$RIG_DIR/sshtun_config" "$PUB" >"$RIG_DIR/authorized_keys"
before=$(rig_client_state)
st seed -o TunnelConfigCommand=sshtun_config
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up seed; then
	tap_check "seed script: the client took ADDR/PEER_ADDR/NETMASK (198.18.21.1 peer 198.18.21.3/24)" \
		sh -c "ip netns exec $RIG_NS_C ip -o -4 addr show | grep -q 'inet 198.18.21.1 peer 198.18.21.3/24'"
	tap_check "seed script: 'tunnel up' names the address" grep -q "tunnel up: tun[0-9]* 198.18.21.1/24 peer 198.18.21.3" \
		"$RIG_DIR/seed.log"
	# The seed's server end was set up by hand: so here.
	rig_wait 5 test -n "$(rig_devs "$RIG_NS_S" tun)"
	sdev=$(rig_devs "$RIG_NS_S" tun | head -n 1)
	rig_server ip addr add 198.18.21.3 peer 198.18.21.1 dev "$sdev"
	rig_server ip link set "$sdev" up
	tap_check "seed script: ping through the tunnel" rig_client ping -c 2 -W 2 198.18.21.3
	rig_stop "$pid"
	after=$(rig_client_state)
	tap_check "seed script: after stop the client's addresses and routes are as before" \
		diff <(echo "$before") <(echo "$after")
else
	tap_not_ok "seed script: tunnel up"
	show seed
	rig_kill "$pid"
fi

# ---- 2. The superset, from a command that configures its own end from SSH_TUNNEL and undoes it at stdin's end.
cat >"$RIG_DIR/cfgcmd" <<EOF
#!/bin/sh
dev=\${SSH_TUNNEL##*,}
echo "\$dev" >"$RIG_DIR/cfgcmd.dev"
# The link first: Linux gives an IPv6 address with a peer added while the device is down no route to the peer.
ip link set "\$dev" mtu 1400 up || exit 3
ip addr add 198.18.22.1 peer 198.18.22.2 dev "\$dev" || exit 3
ip -6 addr add fd00:22::1/128 peer fd00:22::2/128 dev "\$dev" || exit 3
cat <<EOT
# the superset
ADDR 198.18.22.2/32
PEER_ADDR 198.18.22.1
ADDR6 fd00:22::2/128
PEER_ADDR6 fd00:22::1
MTU 1400
ROUTE 198.18.23.0/24
ROUTE fd00:23::/64
FUTURE_THING 42
EOT
echo "configured \$dev" >&2
exec >&- 2>&-
cat >/dev/null
ip addr flush dev "\$dev"
echo done >"$RIG_DIR/cfgcmd.undone"
EOF
chmod 755 "$RIG_DIR/cfgcmd"
unforced
before=$(rig_client_state)
st super -o "TunnelConfigCommand=$RIG_DIR/cfgcmd" -o TunnelRoute=198.18.28.0/24 -o PermitLocalCommand=yes \
	-o "LocalCommand=ip -o addr show dev %T >$RIG_DIR/lc.addr; env | grep ^SSHTUN_ | sort >$RIG_DIR/lc.env" \
	-o "TunnelDownCommand=ip -o addr show dev %T >$RIG_DIR/down.addr; echo \$SSHTUN_EVENT >$RIG_DIR/down.event"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up super; then
	tap_ok "superset: tunnel up after the command's configuration"
	tap_check "superset: the command learnt its device from SSH_TUNNEL" \
		sh -c "grep -q '^tun[0-9]' $RIG_DIR/cfgcmd.dev"
	tap_check "superset: IPv4 and IPv6 addresses with their peers" sh -c \
		"ip netns exec $RIG_NS_C ip -o addr show | grep -q 'inet 198.18.22.2 peer 198.18.22.1/32' &&
		 ip netns exec $RIG_NS_C ip -o addr show | grep -q 'inet6 fd00:22::2 peer fd00:22::1/128'"
	tap_check "superset: MTU 1400 on the device" sh -c \
		"ip netns exec $RIG_NS_C ip -o link show | grep tun | grep -q 'mtu 1400'"
	tap_check "superset: routes 198.18.23.0/24 and fd00:23::/64 through the tunnel" sh -c \
		"ip netns exec $RIG_NS_C ip route show | grep -q '^198.18.23.0/24 dev tun' &&
		 ip netns exec $RIG_NS_C ip -6 route show | grep -q '^fd00:23::/64 dev tun'"
	tap_check "superset: TunnelRoute 198.18.28.0/24 through the tunnel too" sh -c \
		"ip netns exec $RIG_NS_C ip route show | grep -q '^198.18.28.0/24 dev tun'"
	tap_check "LocalCommand: ran once the device had its addresses (%T expanded)" rig_wait 5 \
		grep -q 'inet 198.18.22.2 peer 198.18.22.1/32' "$RIG_DIR/lc.addr"
	tap_check "LocalCommand: the configuration in its environment" sh -c \
		"grep -qx 'SSHTUN_ADDRESS=198.18.22.2/32' $RIG_DIR/lc.env && grep -qx 'SSHTUN_PEER6=fd00:22::1' $RIG_DIR/lc.env &&
		 grep -qx 'SSHTUN_MTU=1400' $RIG_DIR/lc.env && grep -qx 'SSHTUN_EVENT=up' $RIG_DIR/lc.env &&
		 grep -q '^SSHTUN_ROUTES=198.18.28.0/24 198.18.23.0/24 fd00:23::/64$' $RIG_DIR/lc.env &&
		 grep -q '^SSHTUN_DEVICE=tun' $RIG_DIR/lc.env"
	tap_check "superset: the server's stderr is shown" grep -q "server: configured tun" "$RIG_DIR/super.log"
	tap_check "superset: an unknown keyword is reported once" sh -c \
		"test \$(grep -c 'FUTURE_THING, which this version does not know' $RIG_DIR/super.log) = 1"
	tap_check "superset: ping both ways" sh -c "ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.22.1 >/dev/null &&
		ip netns exec $RIG_NS_S ping -c 2 -W 2 198.18.22.2 >/dev/null"
	tap_check "superset: ping6 through the tunnel" rig_client ping -6 -c 2 -W 2 fd00:22::1
	if rig_transfer up 4 fd00:22::1 fd00:22::2; then
		tap_ok "superset: 4 MiB over IPv6 inside the tunnel, byte for byte"
	else
		tap_not_ok "superset: 4 MiB over IPv6 inside the tunnel, byte for byte"
	fi
	rig_stop "$pid"
	if grep -q 'inet 198.18.22.2 peer' "$RIG_DIR/down.addr" 2>/dev/null && grep -qx down "$RIG_DIR/down.event" 2>/dev/null; then
		tap_ok "TunnelDownCommand: ran at stop, before the addresses went"
	else
		tap_not_ok "TunnelDownCommand: ran at stop, before the addresses went"
		ls -la "$RIG_DIR"/down.* 2>&1 | tap_diag
		cat "$RIG_DIR"/down.* 2>&1 | tap_diag
		show super
	fi
	tap_check "superset: the command saw its stdin end and undid its work" rig_wait 5 test -f "$RIG_DIR/cfgcmd.undone"
	tap_check "superset: after stop the client's addresses and routes are as before" test "$(rig_client_state)" = "$before"
else
	tap_not_ok "superset: tunnel up"
	show super
	rig_kill "$pid"
fi

# ---- 3. Refusals: one line, exit status 9, no device left.
refused() {
	local name=$1 want=$2 out rc

	shift 2
	out=$(st_fg "$@")
	rc=$?
	if [ $rc = 9 ] && printf '%s\n' "$out" | grep -q -- "$want" && no_client_devs; then
		tap_ok "$name: exit 9 with \"$want\", no device left"
	else
		tap_not_ok "$name: exit 9 with \"$want\", no device left (status $rc)"
		printf '%s\n' "$out" | tail -n 5 | tap_diag
	fi
}
forced "printf 'ADDR 198.18.24.2/32\nROUTE 198.18.25.0/24 via\n'"
refused "bad line" "line 2: ROUTE takes a network" -o TunnelConfigCommand=x
forced "echo no pool left >&2; exit 3"
refused "failing command" "failed on the server (exit status 3): no pool left" -o TunnelConfigCommand=x
forced "echo thinking >&2; sleep 60"
t0=$(date +%s)
refused "hanging command" "did not finish its configuration in time.*thinking" -o TunnelConfigCommand=x -o ConnectTimeout=3
t1=$(date +%s)
tap_check "hanging command: refused after ConnectTimeout (3 s), not later (took $((t1 - t0)) s)" test $((t1 - t0)) -le 8
forced "true"
refused "command printing nothing" "printed no configuration" -o TunnelConfigCommand=x

# ---- 4. The command line wins: TunnelAddress replaces the server's IPv4 address.
forced "printf 'ADDR 198.18.26.2/32\nPEER_ADDR 198.18.26.1\nMTU 1300\nROUTE 198.18.29.0/24\n'"
rig_client ip route add 198.18.29.0/24 dev veth0
st wins -o TunnelConfigCommand=x -o TunnelAddress=198.18.27.2/32 -o TunnelPeer=198.18.27.1 -o TunnelMTU=1280 \
	-o "LocalCommand=touch $RIG_DIR/lc-no"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up wins; then
	tap_check "command line wins: TunnelAddress/TunnelPeer/TunnelMTU over ADDR/PEER_ADDR/MTU" sh -c \
		"ip netns exec $RIG_NS_C ip -o addr show | grep -q 'inet 198.18.27.2 peer 198.18.27.1/32' &&
		 ! ip netns exec $RIG_NS_C ip -o addr show | grep -q 198.18.26 &&
		 ip netns exec $RIG_NS_C ip -o link show | grep tun | grep -q 'mtu 1280'"
	tap_check "a pushed route to a network that has one already: a warning, that route left alone" sh -c \
		"grep -q 'a route to 198.18.29.0/24 is there already' $RIG_DIR/wins.log &&
		 ip netns exec $RIG_NS_C ip route show | grep -q '^198.18.29.0/24 dev veth0'"
	rig_stop "$pid"
	tap_check "LocalCommand without PermitLocalCommand yes: not run" test ! -e "$RIG_DIR/lc-no"
	tap_check "the route that was there before is still there after stop" sh -c \
		"ip netns exec $RIG_NS_C ip route show | grep -q '^198.18.29.0/24 dev veth0'"
else
	tap_not_ok "command line wins: tunnel up"
	show wins
	rig_kill "$pid"
fi
unforced
rig_down
tap_done
