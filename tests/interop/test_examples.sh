#!/bin/bash
# sshtun: interop: the programs of examples/, built on the public API alone, against the rig's sshd. poll_loop
# brings a tunnel up (the server configures both ends with sshtun-server), a ping crosses it, SIGINT stops it
# cleanly (status 0, the device gone). glib_loop does the same in a GLib main loop with a key whose passphrase
# is asked as an event and answered later from the loop; without the answer the key is declined and the login
# fails with the library's line.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
EX=${EXAMPLES_DIR:-$PWD/build/examples}
[ -x "$EX/poll_loop" ] || { echo "not ok - examples: $EX/poll_loop not built (make tests)"; exit 1; }

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
ssh-keygen -q -t ed25519 -N 'example pass' -C rig-pass -f "$RIG_DIR/id_pass" </dev/null
for k in "$RIG_KEY.pub" "$RIG_DIR/id_pass.pub"; do
	printf 'command="sshtun-server --client 198.18.95.2 --server 198.18.95.1 --state-dir %s/state" %s\n' \
		"$RIG_DIR" "$(cat "$k")"
done >"$RIG_DIR/authorized_keys"
export HOME=$RIG_DIR	# the examples read ~/.ssh/config: there is none here, and /etc/ssh/ssh_config adds nothing we use
show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}
# $1 name, $2 program, $3 key, rest: more lines.
run_example() {
	local name=$1 prog=$2 key=$3

	shift 3
	rig_client_bg "$name" "$prog" "$RIG_TARGET" "IdentityFile $key" "IdentitiesOnly yes" \
		"UserKnownHostsFile $RIG_KNOWN_HOSTS" "GlobalKnownHostsFile /dev/null" "StrictHostKeyChecking yes" \
		"TunnelConfigCommand sshtun-server" "$@"
	pid=$RIG_LAST_PID
}

run_example poll "$EX/poll_loop" "$RIG_KEY"
if rig_wait 20 grep -q "^up: tun[0-9]* 198.18.95.2/32 via root@$RIG_SERVER_IP:22" "$RIG_DIR/poll.log"; then
	tap_ok "poll_loop: tunnel up, both ends configured by the server's sshtun-server"
	tap_check "poll_loop: ping through the tunnel" rig_client ping -c 2 -W 2 198.18.95.1
	kill -INT "$pid"
	rig_wait 10 _rig_dead "$pid"
	wait "$pid"
	rc=$?
	tap_check "poll_loop: SIGINT stops it cleanly: status 0 ($rc), no device left" \
		test "$rc" = 0 -a -z "$(rig_devs "$RIG_NS_C" tun)"
else
	tap_not_ok "poll_loop: tunnel up"
	show poll
	rig_kill "$pid"
fi

if [ -x "$EX/glib_loop" ]; then
	SSHTUN_EXAMPLE_ANSWER="example pass" run_example glib "$EX/glib_loop" "$RIG_DIR/id_pass"
	if rig_wait 20 grep -q "^up: tun[0-9]* 198.18.95.2/32 via root@$RIG_SERVER_IP:22" "$RIG_DIR/glib.log" &&
		grep -q "^question 1: $RIG_DIR/id_pass" "$RIG_DIR/glib.log"; then
		tap_ok "glib_loop: the key's passphrase asked as an event, answered later from the loop; tunnel up"
		tap_check "glib_loop: ping through the tunnel" rig_client ping -c 2 -W 2 198.18.95.1
		kill -TERM "$pid"
		rig_wait 10 _rig_dead "$pid"
		wait "$pid"
		rc=$?
		tap_check "glib_loop: SIGTERM stops it cleanly: status 0 ($rc), no device left" \
			test "$rc" = 0 -a -z "$(rig_devs "$RIG_NS_C" tun)"
	else
		tap_not_ok "glib_loop: passphrase answered from the loop, tunnel up"
		show glib
		rig_kill "$pid"
	fi
	run_example glibno "$EX/glib_loop" "$RIG_DIR/id_pass"
	rig_wait 20 _rig_dead "$pid"
	wait "$pid"
	rc=$?
	tap_check "glib_loop: the question declined: the login fails with the library's line (status $rc)" sh -c \
		"[ $rc = 1 ] && grep -q 'glib_loop: authentication as root@$RIG_SERVER_IP failed' $RIG_DIR/glibno.log"
else
	echo "# glib_loop not built (no libglib2.0-dev): its checks are skipped"
	tap_not_ok "glib_loop: built (apt-get install libglib2.0-dev, then ./configure)"
fi
rig_down
tap_done
