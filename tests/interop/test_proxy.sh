#!/bin/bash
# sshtun: interop: ProxyCommand. The connection is the command's stdin and stdout (nc here); HostName is a name
# that does not resolve, so only the proxy can have reached the server. The tunnel carries pings; the proxy's
# death is a lost connection that TunnelReconnect makes again through a new proxy; a proxy that fails ends
# sshtun with one line. (ProxyJump: test_jump.sh.)
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

rig_up || exit 1
CADDR=198.18.80.2
SADDR=198.18.80.1
show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}

rig_client_bg px timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o HostName=nosuch.invalid -o HostKeyAlias=rig \
	-o "ProxyCommand=nc $RIG_SERVER_IP %p" -o TunnelAddress=$CADDR/32 -o TunnelPeer=$SADDR "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up px && rig_tun_server_end $SADDR $CADDR; then
	tap_ok "ProxyCommand: tunnel up through nc, HostName never resolved"
	tap_check "ProxyCommand: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
	ncpid=$(pgrep -x nc -P "$(pgrep -x sshtun -P "$pid")")
	tap_check "ProxyCommand: nc is sshtun's child, in a process group of its own" \
		test -n "$ncpid" -a "$(ps -o pgid= -p "${ncpid:-0}" | tr -d ' ')" = "$ncpid"
	kill -TERM "$(pgrep -x nc -P "$(pgrep -x sshtun -P "$pid")")"
	if rig_wait 15 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/px.log) -ge 2 ]"; then
		tap_ok "ProxyCommand: the proxy's end is a lost connection, made again through a new proxy"
		rig_wait 5 test -n "$(rig_devs "$RIG_NS_S" tun)"
		sdev=$(rig_devs "$RIG_NS_S" tun | head -n 1)
		rig_server ip addr add $SADDR peer $CADDR dev "$sdev" 2>/dev/null
		rig_server ip link set "$sdev" up
		tap_check "ProxyCommand: ping after the reconnect" rig_client ping -c 2 -W 2 $SADDR
	else
		tap_not_ok "ProxyCommand: reconnected through a new proxy"
		show px
	fi
	kill -TERM "$pid"
	rig_wait 10 _rig_dead "$pid"
	tap_check "ProxyCommand: no proxy left after stop" sh -c "! pgrep -x nc >/dev/null"
else
	tap_not_ok "ProxyCommand: tunnel up through nc"
	show px
	rig_kill "$pid"
fi

out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o "ProxyCommand=false" "$RIG_TARGET" 2>&1)
rc=$?
if [ $rc = 3 ] && printf '%s\n' "$out" | grep -q -E "connection (closed by|to .* lost)" && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
	tap_ok "a ProxyCommand that fails: exit 3 with one line, no device left"
else
	tap_not_ok "a ProxyCommand that fails: exit 3 (status $rc)"
	printf '%s\n' "$out" | tail -n 3 | tap_diag
fi
rig_down
tap_done
