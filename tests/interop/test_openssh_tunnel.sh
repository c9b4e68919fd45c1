#!/bin/bash
# sshtun: interop: proves the rig with OpenSSH's own client: a tun (L3) and a tap (L2) tunnel through the
# rig's sshd, ping across both ways, devices gone after the client exits, and PermitTunnel no refused.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1

SSH_TIMEOUT=20

# ssh to the rig's server from the client namespace with the rig's config and key.
rig_ssh() {
	rig_client timeout "$SSH_TIMEOUT" ssh -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" "$@"
}

has_devs() {
	[ -n "$(rig_devs "$1" "$2")" ]
}

no_devs() {
	[ -z "$(rig_devs "$RIG_NS_C" "$1")" ] && [ -z "$(rig_devs "$RIG_NS_S" "$1")" ]
}

# configure_devs CLIENT-DEV CLIENT-ADDR-ARGS SERVER-DEV SERVER-ADDR-ARGS
configure_devs() {
	# shellcheck disable=SC2086
	rig_client ip addr add $2 dev "$1" && rig_client ip link set "$1" up &&
		rig_server ip addr add $4 dev "$3" && rig_server ip link set "$3" up
}

# rx_at_least DEV N: the server's DEV received at least N packets.
rx_at_least() {
	local n

	n=$(rig_server cat "/sys/class/net/$1/statistics/rx_packets") && [ "$n" -ge "$2" ]
}

show_logs() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
	echo "# --- sshd log:"
	rig_sshd_log | grep -v 'debug[23]' | tail -n 25 | tap_diag
}

# tunnel LABEL SSH-TUNNEL-MODE DEVKIND CLIENT-ADDR-ARGS SERVER-ADDR-ARGS CLIENT-IP SERVER-IP
tunnel() {
	local label=$1 mode=$2 kind=$3 caddr=$4 saddr=$5 cip=$6 sip=$7 pid cdev sdev

	rig_client_bg "ssh-$kind" timeout 300 ssh -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -o Tunnel="$mode" -w any:any \
		-o ExitOnForwardFailure=yes -N "$RIG_TARGET"
	pid=$RIG_LAST_PID
	if rig_wait 15 has_devs "$RIG_NS_C" "$kind" && rig_wait 15 has_devs "$RIG_NS_S" "$kind"; then
		tap_ok "$label: ssh -w any:any creates a $kind device on both sides"
	else
		tap_not_ok "$label: ssh -w any:any creates a $kind device on both sides"
		show_logs "ssh-$kind"
		rig_kill "$pid"
		return 1
	fi
	cdev=$(rig_devs "$RIG_NS_C" "$kind" | head -n 1)
	sdev=$(rig_devs "$RIG_NS_S" "$kind" | head -n 1)
	tap_check "$label: configure client $cdev ($caddr) and server $sdev ($saddr)" \
		configure_devs "$cdev" "$caddr" "$sdev" "$saddr"
	tap_check "$label: ping client -> server ($sip) through the tunnel" rig_client ping -c 3 -W 2 "$sip" ||
		show_logs "ssh-$kind"
	tap_check "$label: ping server -> client ($cip) through the tunnel" rig_server ping -c 3 -W 2 "$cip"
	# The packets went through the tunnel device, not around it.
	tap_check "$label: the packets went through the server's $sdev" rx_at_least "$sdev" 3
	rig_kill "$pid"
	tap_check "$label: both $kind devices are gone after ssh exits" rig_wait 10 no_devs "$kind"
}

if ! rig_up; then
	tap_not_ok "rig up"
	exit 1
fi
tap_ok "rig up: sshd on $RIG_SERVER_IP:$RIG_PORT in $RIG_NS_S, client in $RIG_NS_C"
tap_check "veth: client pings the server" rig_client ping -c 1 -W 2 "$RIG_SERVER_IP"
tap_check "ssh: public key login as root runs a command" rig_ssh "$RIG_TARGET" true
tap_check "ssh: the known_hosts entry is the server's ed25519 key" \
	rig_ssh -o HostKeyAlgorithms=ssh-ed25519 "$RIG_TARGET" true

tunnel "tun" point-to-point tun "198.18.9.1 peer 198.18.9.2" "198.18.9.2 peer 198.18.9.1" 198.18.9.1 198.18.9.2
tunnel "tap" ethernet tap "198.18.10.1/24" "198.18.10.2/24" 198.18.10.1 198.18.10.2

# Extra sshd_config lines reach sshd: with PermitTunnel no the forwarding fails and ssh says so.
rig_down
if rig_up "PermitTunnel no"; then
	rig_ssh -o Tunnel=point-to-point -w any:any -o ExitOnForwardFailure=yes -N "$RIG_TARGET" >"$RIG_DIR/refused.log" 2>&1
	rc=$?
	if [ $rc != 0 ] && [ $rc != 124 ] && grep -qi 'tunnel' "$RIG_DIR/refused.log"; then
		tap_ok "PermitTunnel no: ssh exits with a tunnel forwarding failure"
	else
		tap_not_ok "PermitTunnel no: ssh exits with a tunnel forwarding failure (status $rc)"
		tap_diag <"$RIG_DIR/refused.log"
	fi
else
	tap_not_ok "rig up with PermitTunnel no"
fi
rig_down

tap_done
