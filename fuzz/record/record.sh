#!/bin/bash
# sshtun: records seed corpora for fuzz_transport, fuzz_userauth and fuzz_session from real sessions with
# Debian's sshd in the test rig (tests/rig/rig.sh, network namespaces, 198.18.0.0/15 and fd00::/8 only).
# Each session logs in with fuzz/record/id_ed25519 (the identity the harnesses offer), brings a tunnel up,
# pings through it (IPv4 and IPv6) and stops; fuzz/record/record.c writes the server's messages in the
# fuzz/sshmsg.h format. A fuzzing build's fixed key exchange lets the harnesses replay them (fuzz/server.h
# seals each message under the keys the client derived).
#
#   make record && fuzz/record/record.sh OUTDIR        as root; writes OUTDIR/NAME.{transport,userauth,session}
#
# Sessions: tun with each cipher, tap, and one where sshd rekeys every 4 KiB while traffic flows.
# To refresh the committed seeds: record into a temp dir, copy the files into fuzz/corpus/TARGET/rec-NAME,
# then minimise each corpus (fuzz/README.md, "Seeds").
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

out=${1:?usage: fuzz/record/record.sh OUTDIR}
RECORD=${RECORD:-$PWD/build/record/record}
[ -x "$RECORD" ] || { echo "record.sh: $RECORD not built (run make record)" >&2; exit 1; }
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
rig_check || exit 1

CADDR=198.18.9.1
SADDR=198.18.9.2
CADDR6=fd00:9::1
SADDR6=fd00:9::2
failed=0

# session NAME KIND(tun|tap) [sshtun options...]
session() {
	local name=$1 kind=$2 dev cdev pid addr

	shift 2
	rig_client_bg "rec-$name" "$RECORD" "$out/$name" -F "$RIG_SSH_CONFIG" -i "$RIG_DIR/rec_id" "$@" "$RIG_TARGET"
	pid=$RIG_LAST_PID
	if ! rig_wait 20 grep -q "tunnel up" "$RIG_DIR/rec-$name.log" ||
		! rig_wait 10 test -n "$(rig_devs "$RIG_NS_S" "$kind")"; then
		echo "record.sh: $name: the tunnel did not come up" >&2
		tail -n 5 "$RIG_DIR/rec-$name.log" >&2
		failed=1
		rig_kill "$pid"
		return 1
	fi
	dev=$(rig_devs "$RIG_NS_S" "$kind" | head -n 1)
	if [ "$kind" = tun ]; then
		rig_server ip addr add "$SADDR" peer "$CADDR" dev "$dev"
		addr=$SADDR
	else
		rig_server ip addr add "$SADDR/24" dev "$dev"
		addr=$SADDR
	fi
	rig_server ip link set "$dev" up
	# IPv6 too, so the seeds carry both address families: addresses added by hand at both ends.
	cdev=$(rig_devs "$RIG_NS_C" "$kind" | head -n 1)
	rig_client ip -6 addr add "$CADDR6/64" dev "$cdev" nodad
	rig_server ip -6 addr add "$SADDR6/64" dev "$dev" nodad
	rig_client ping -c 3 -i 0.2 -W 2 "$addr" >/dev/null || echo "record.sh: $name: ping failed" >&2
	rig_client ping -c 6 -i 0.05 -s 1200 -W 2 "$addr" >/dev/null 2>&1
	rig_client ping -6 -c 6 -i 0.1 -W 2 "$SADDR6" >/dev/null || echo "record.sh: $name: ping -6 failed" >&2
	kill -TERM "$pid"
	wait "$pid"
	cat "$RIG_DIR/rec-$name.log"
}

rig_up || exit 1
cp fuzz/record/id_ed25519 "$RIG_DIR/rec_id" && chmod 600 "$RIG_DIR/rec_id"
cat fuzz/record/id_ed25519.pub >>"$RIG_DIR/authorized_keys"
tunaddr=(-w any -o "TunnelAddress=$CADDR" -o "TunnelPeer=$SADDR")
session chacha tun "${tunaddr[@]}" -o Ciphers=chacha20-poly1305@openssh.com
session aes128 tun "${tunaddr[@]}" -o Ciphers=aes128-gcm@openssh.com
session aes256 tun "${tunaddr[@]}" -o Ciphers=aes256-gcm@openssh.com -o KexAlgorithms=curve25519-sha256@libssh.org
session tap tap -o Tunnel=ethernet -w any -o "TunnelAddress=$CADDR/24"
rig_down
# sshd rekeys after 4 KiB each way: the transport seed then holds a key exchange the server starts mid-tunnel.
rig_up "RekeyLimit 4K" || exit 1
cp fuzz/record/id_ed25519 "$RIG_DIR/rec_id" && chmod 600 "$RIG_DIR/rec_id"
cat fuzz/record/id_ed25519.pub >>"$RIG_DIR/authorized_keys"
session rekey tun "${tunaddr[@]}"
rig_down
ls -l "$out"
exit $failed
