#!/bin/bash
# sshtun: interop: TunnelKillSwitch. While the tunnel is up, and while sshtun reconnects, only the tunnel,
# loopback and the SSH connection carry traffic: a ping to the server's address outside the tunnel is dropped,
# one through the tunnel is answered. After a clean stop the table is gone; after kill -9 it stays, and
# sshtun --cleanup removes it. Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
if ! grep -q '^#define SSHTUN_HAVE_NFTABLES 1' config.h 2>/dev/null; then
	out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelKillSwitch=yes "$RIG_TARGET" 2>&1)
	tap_check "a build without libnftables refuses TunnelKillSwitch with its line # skip: the kill switch itself is not built (apt-get install libnftables-dev)" \
		sh -c "printf '%s\n' \"$out\" | grep -q 'this build has no kill switch'"
	rig_down
	tap_done
	exit
fi
printf 'command="sshtun-server --client 198.18.95.2 --server 198.18.95.1 --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
table() {
	rig_client nft list table inet sshtun_killswitch >/dev/null 2>&1
}
st_pid() {
	pgrep -x sshtun -P "$1"
}

rig_client_bg ks timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelConfigCommand=sshtun-server \
	-o TunnelKillSwitch=yes "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up ks; then
	tap_check "up: the kill switch's table is in place" table
	tap_check "up: a ping through the tunnel is answered" rig_client ping -c 2 -W 2 198.18.95.1
	tap_check "up: a ping to the server's address outside the tunnel is dropped" sh -c \
		"! ip netns exec $RIG_NS_C ping -c 2 -W 1 $RIG_SERVER_IP >/dev/null 2>&1"
	# Reconnecting: sshd stopped, so the new connection cannot complete; the switch must hold meanwhile.
	kill -STOP "$RIG_SSHD_PID"
	kill -KILL "$(rig_sshd_session_pid)"
	if rig_wait 10 grep -q "reconnecting in" "$RIG_DIR/ks.log"; then
		tap_check "reconnecting: the table stays and an outside ping is still dropped" sh -c \
			"ip netns exec $RIG_NS_C nft list table inet sshtun_killswitch >/dev/null &&
			 ! ip netns exec $RIG_NS_C ping -c 2 -W 1 $RIG_SERVER_IP >/dev/null 2>&1"
	else
		tap_not_ok "reconnecting after the session was killed"
	fi
	kill -CONT "$RIG_SSHD_PID"
	tap_check "back up through the kill switch (the SSH connection is let through)" rig_wait 30 sh -c \
		"[ \$(grep -c 'tunnel up' $RIG_DIR/ks.log) -ge 2 ] && ip netns exec $RIG_NS_C ping -c 1 -W 2 198.18.95.1 >/dev/null"
	rig_stop "$pid"
	tap_check "after a clean stop: the table is gone, an outside ping answered again" sh -c \
		"! ip netns exec $RIG_NS_C nft list table inet sshtun_killswitch >/dev/null 2>&1 &&
		 ip netns exec $RIG_NS_C ping -c 1 -W 2 $RIG_SERVER_IP >/dev/null"
else
	tap_not_ok "tunnel up with TunnelKillSwitch"
	tail -n 10 "$RIG_DIR/ks.log" | tap_diag
	rig_kill "$pid"
fi

# After kill -9 the table stays (nothing leaks); sshtun --cleanup removes it; a second sshtun meanwhile refuses.
rig_client_bg ks2 timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelConfigCommand=sshtun-server \
	-o TunnelKillSwitch=yes "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up ks2; then
	kill -KILL "$(st_pid "$pid")"
	rig_wait 5 _rig_dead "$pid"
	wait "$pid" 2>/dev/null
	tap_check "after kill -9: the table stays, so nothing leaks" table
	out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelKillSwitch=yes "$RIG_TARGET" 2>&1)
	rc=$?
	tap_check "meanwhile another sshtun with a kill switch refuses, naming --cleanup" sh -c \
		"[ $rc = 2 ] && printf '%s\n' \"$out\" | grep -q 'sshtun --cleanup removes it'"
	rig_client "$SSHTUN" --cleanup
	tap_check "sshtun --cleanup removes the table" sh -c "! ip netns exec $RIG_NS_C nft list table inet sshtun_killswitch >/dev/null 2>&1"
else
	tap_not_ok "second tunnel up"
	rig_kill "$pid"
fi
rig_down
tap_done
