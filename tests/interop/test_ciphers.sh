#!/bin/bash
# sshtun: interop: the CTR ciphers with every MAC against Debian's real sshd, which is told to offer only
# aes128-ctr, aes192-ctr and aes256-ctr. For each cipher x MAC (hmac-sha1 and hmac-sha1-etm@openssh.com named
# with -m, as they are not offered by default): the tunnel comes up, sshd logs that cipher and MAC for both
# directions, a ping crosses, MIB MiB go each way byte for byte while both sides rekey (sshtun every 256 KiB,
# sshd every 1 MiB), and SIGTERM ends it cleanly. Then the defaults against the same server: umac-64-etm.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

CADDR=198.18.9.1
SADDR=198.18.9.2
MIB=${SSHTUN_TEST_MIB:-2}
CIPHERS="aes128-ctr aes192-ctr aes256-ctr"
MACS="umac-64-etm@openssh.com umac-128-etm@openssh.com hmac-sha2-256-etm@openssh.com hmac-sha2-512-etm@openssh.com
umac-64@openssh.com umac-128@openssh.com hmac-sha2-256 hmac-sha2-512 hmac-sha1-etm@openssh.com hmac-sha1"

st() {
	local name=$1

	shift
	rig_client_bg "$name" timeout 300 "$SSHTUN" -v -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -w any \
		-o TunnelAddress=$CADDR -o TunnelPeer=$SADDR "$@" "$RIG_TARGET"
}

show() {
	echo "# --- $1:"
	tail -n 20 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
	echo "# --- sshd log:"
	rig_sshd_log | grep -v 'debug[23]' | tail -n 20 | tap_diag
}

no_devs() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ] && [ -z "$(rig_devs "$RIG_NS_S" tun)" ]
}

# sshd_saw FROM CIPHER MAC: sshd's log, from line FROM on, names CIPHER and MAC for both directions.
sshd_saw() {
	local from=$1 log

	log=$(rig_sshd_log | tail -n +"$from")
	echo "$log" | grep -q "client->server cipher: $2 MAC: $3 " && echo "$log" | grep -q "server->client cipher: $2 MAC: $3 "
}

# one NAME CIPHER MAC [ARGS...]: a whole session with that cipher and MAC.
one() {
	local name=$1 cipher=$2 mac=$3 pid from rc n

	shift 3
	from=$(($(rig_sshd_log | wc -l) + 1))
	st "$name" -o Ciphers="$cipher" -o RekeyLimit=256K "$@"
	pid=$RIG_LAST_PID
	if ! rig_wait 20 rig_is_up "$name" || ! rig_tun_server_end $SADDR $CADDR; then
		tap_not_ok "$name: tunnel up"
		show "$name"
		rig_kill "$pid"
		wait "$pid" 2>/dev/null
		return
	fi
	if sshd_saw "$from" "$cipher" "$mac"; then
		tap_ok "$name: tunnel up, sshd uses $cipher with $mac both ways"
	else
		tap_not_ok "$name: sshd uses $cipher with $mac both ways"
		show "$name"
	fi
	tap_check "$name: ping client -> server" rig_client ping -c 2 -i 0.2 -W 2 $SADDR
	tap_check "$name: $MIB MiB client -> server, byte for byte" rig_transfer up "$MIB" $SADDR $CADDR
	tap_check "$name: $MIB MiB server -> client, byte for byte" rig_transfer down "$MIB" $SADDR $CADDR
	n=$(grep -c "key exchange [0-9]* done" "$RIG_DIR/$name.log")
	if [ "$n" -ge 3 ]; then
		tap_ok "$name: $n key exchanges (sshtun's RekeyLimit 256K, sshd's 1M) with the data intact"
	else
		tap_not_ok "$name: rekeys during the transfers (saw $n key exchanges, wanted 3 or more)"
		show "$name"
	fi
	kill -TERM "$pid" 2>/dev/null
	rc=0
	wait "$pid" || rc=$?
	if [ $rc = 0 ] && rig_wait 5 no_devs; then
		tap_ok "$name: SIGTERM ends it, status 0, devices gone"
	else
		tap_not_ok "$name: SIGTERM ends it with status 0 and the devices go (status $rc)"
		show "$name"
	fi
}

rig_up "Ciphers aes128-ctr,aes192-ctr,aes256-ctr" "MACs $(echo $MACS | tr ' ' ',')" "RekeyLimit 1M" || exit 1

for cipher in $CIPHERS; do
	for mac in $MACS; do
		one "$cipher-$mac" "$cipher" "$mac" -m "$mac"
	done
done
# No MACs setting: the default list's first, umac-64-etm@openssh.com.
one "default-macs" aes128-ctr umac-64-etm@openssh.com

tap_done
