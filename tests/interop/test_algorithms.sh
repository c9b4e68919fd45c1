#!/bin/bash
# sshtun: interop: the algorithm matrix against two real OpenSSH servers: Debian 12's sshd (9.2) and OpenSSH 10
# from Debian's bookworm-backports suite (tests/rig/openssh10.sh fetches it with apt into build/openssh10, nothing
# under /etc/apt changed, and the rig runs that sshd by absolute path). Each cell is one algorithm forced on the
# client (-o KexAlgorithms=..., HostKeyAlgorithms, Ciphers, MACs, Compression) with everything else default:
# the tunnel comes up, MIB MiB (16) cross it byte for byte while sshtun renews the keys (RekeyLimit 4M), and
# sshtun's own log names the algorithm as negotiated. A cell the server does not offer (sshd -T) is "n/a"; when
# OpenSSH 10 cannot be fetched its column is skipped, loudly (a "# SKIP" line and "skip" cells), never passed.
# Prints the matrix, then "ok - NAME" / "not ok - NAME" per cell; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

CADDR=198.18.9.1
SADDR=198.18.9.2
MIB=${SSHTUN_ALG_MIB:-16}
# Only cells whose name matches this pattern run (for a quick look at one part: SSHTUN_ALG_ONLY=kex).
ONLY=${SSHTUN_ALG_ONLY:-}
RESULTS=$(mktemp "${TMPDIR:-/tmp}/sshtun-alg.$$.XXXXXX") || exit 1
cleanup() {
	rig_down
	rm -f "$RESULTS"
}

# The servers: NAME=SSHD, and for OpenSSH 10 the paths of its helpers in the unpacked tree.
SERVERS="9.2"
declare -A SSHD_OF EXTRA_OF
SSHD_OF[9.2]=/usr/sbin/sshd
EXTRA_OF[9.2]=""
if root10=$(tests/rig/openssh10.sh 2>"$RESULTS.err"); then
	SERVERS="$SERVERS 10"
	SSHD_OF[10]=$root10/usr/sbin/sshd
	EXTRA_OF[10]="SshdSessionPath $root10/usr/lib/openssh/sshd-session
SshdAuthPath $root10/usr/lib/openssh/sshd-auth"
	echo "# OpenSSH 10 column: $("$root10/usr/sbin/sshd" -V 2>&1 | head -n 1) from $root10"
else
	SKIP10=$(head -n 1 "$RESULTS.err")
	echo "# SKIP OpenSSH 10 column: the bookworm-backports packages could not be fetched: $SKIP10"
fi
rm -f "$RESULTS.err"

# The cells: KIND NAME (what sshtun -Q lists is what it must do).
cells() {
	local k

	for k in $("$SSHTUN" -Q kex); do echo "kex $k"; done
	for k in ssh-ed25519 ecdsa-sha2-nistp256 ecdsa-sha2-nistp384 ecdsa-sha2-nistp521 rsa-sha2-512 rsa-sha2-256; do
		echo "hostkey $k"
	done
	for k in $("$SSHTUN" -Q cipher); do echo "cipher $k"; done
	for k in $("$SSHTUN" -Q mac 2>/dev/null); do echo "mac $k"; done
	for k in $("$SSHTUN" -Q compression 2>/dev/null); do echo "compression $k"; done
	echo "ext ping@openssh.com"
}

# The server's offer of a kind (sshd -T prints its effective lists).
offered() {
	local kind=$1 key

	case $kind in
	kex) key=kexalgorithms ;;
	hostkey) key=hostkeyalgorithms ;;
	cipher) key=ciphers ;;
	mac) key=macs ;;
	ext)
		# OpenSSH announces ping@openssh.com from 9.5 on; sshd -T does not show it.
		"$RIG_SSHD" -V 2>&1 | grep -q '^OpenSSH_\([1-9][0-9]\|9\.[5-9]\)' && echo ping@openssh.com
		return
		;;
	compression)
		# sshd offers zlib@openssh.com (delayed) when Compression is yes; plain zlib no longer (OpenSSH 7.4).
		"$RIG_SSHD" -T -f "$RIG_SSHD_CONFIG" 2>/dev/null | grep -q '^compression \(yes\|delayed\)' &&
			echo "none,zlib@openssh.com" || echo none
		return
		;;
	esac
	"$RIG_SSHD" -T -f "$RIG_SSHD_CONFIG" 2>/dev/null | awk -v k="$key" '$1 == k { print $2 }'
}

# warned_right KEX LOG: the warning of a key exchange that is not post-quantum is there exactly when it should be.
warned_right() {
	local pq=0 warned=0

	case $1 in mlkem* | sntrup*) pq=1 ;; esac
	grep -q 'is not post-quantum' "$2" && warned=1
	[ $pq != $warned ]
}

# cell SERVER KIND ALG: one cell; records "KIND ALG SERVER RESULT" and reports ok / not ok.
cell() {
	local srv=$1 kind=$2 alg=$3 name="$2 $3 @ OpenSSH $1" log=cell pid opt want why=""

	case $kind in
	kex) opt=(-o "KexAlgorithms=$alg") want="kex: $alg," ;;
	hostkey) opt=(-o "HostKeyAlgorithms=$alg" -o "UserKnownHostsFile=$RIG_KNOWN_HOSTS_ALL") want="host key $alg," ;;
	cipher) opt=(-o "Ciphers=$alg") want="cipher $alg / $alg" ;;
	mac) opt=(-o "Ciphers=aes128-ctr" -o "MACs=$alg") want="mac $alg" ;;
	compression) opt=(-o "Compression=$([ "$alg" = none ] && echo no || echo yes)") want="compression $alg" ;;
	ext) opt=(-vv -o ServerAliveInterval=1) want="; ping@openssh.com" ;;
	esac
	if ! tr ',' '\n' <<<"$(offered "$kind")" | grep -qxF -- "$alg"; then
		echo "$kind $alg $srv n/a" >>"$RESULTS"
		echo "# $name: not offered by this server (n/a)"
		return
	fi
	rm -f "$RIG_DIR/$log.log"
	rig_client_bg "$log" timeout 300 "$SSHTUN" -v -F "$RIG_SSH_CONFIG" "${opt[@]}" -o RekeyLimit=4M -w any \
		-o TunnelAddress=$CADDR -o TunnelPeer=$SADDR "$RIG_TARGET"
	pid=$RIG_LAST_PID
	if ! rig_wait 30 rig_is_up "$log" || ! rig_tun_server_end $SADDR $CADDR; then
		why="no tunnel"
	elif ! grep -qF -- "$want" "$RIG_DIR/$log.log"; then
		why="negotiated something else"
	elif ! rig_transfer down "$MIB" $SADDR $CADDR; then
		why="$MIB MiB not byte for byte"
	elif [ "$(grep -c 'rekeying after' "$RIG_DIR/$log.log")" -lt 1 ]; then
		why="no key renewal during the transfer"
	elif [ "$kind" = kex ] && ! warned_right "$alg" "$RIG_DIR/$log.log"; then
		why="the not-post-quantum warning missing, or given for a post-quantum method"
	elif [ "$kind" = ext ] && ! { sleep 2.5; [ "$(grep -c 'ping: round trip' "$RIG_DIR/$log.log")" -ge 2 ]; }; then
		why="fewer than 2 round trips measured with PING (at tunnel up, then ServerAliveInterval 1)"
	fi
	rig_kill "$pid"
	wait "$pid" 2>/dev/null
	if [ -z "$why" ]; then
		echo "$kind $alg $srv ok" >>"$RESULTS"
		tap_ok "$name: tunnel up, $MIB MiB byte for byte, $(grep -c 'rekeying after' "$RIG_DIR/$log.log") key renewals"
	else
		echo "$kind $alg $srv FAIL" >>"$RESULTS"
		tap_not_ok "$name: $why"
		grep -v 'debug[23]' "$RIG_DIR/$log.log" | tail -n 12 | tap_diag
		rig_sshd_log | grep -v 'debug[23]' | tail -n 6 | tap_diag
	fi
}

for srv in $SERVERS; do
	RIG_SSHD=${SSHD_OF[$srv]}
	RIG_SSHD_EXTRA="${EXTRA_OF[$srv]}"
	# Every method the server has, DH too (OpenSSH 10 leaves it out by default); ECDSA host keys of each curve.
	rig_up "KexAlgorithms +diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256" \
		"Ciphers +aes128-ctr,aes192-ctr,aes256-ctr" || { tap_not_ok "OpenSSH $srv: rig up"; continue; }
	trap cleanup EXIT
	for b in 384 521; do
		ssh-keygen -q -t ecdsa -b $b -N '' -f "$RIG_DIR/ssh_host_ecdsa${b}_key" </dev/null
		echo "HostKey $RIG_DIR/ssh_host_ecdsa${b}_key" >>"$RIG_SSHD_CONFIG"
		echo "$RIG_SERVER_IP $(cut -d' ' -f1,2 "$RIG_DIR/ssh_host_ecdsa${b}_key.pub")" >>"$RIG_KNOWN_HOSTS_ALL"
	done
	# sshd reads its config at each connection's re-exec: the new host keys count from the next connection.
	kill -HUP "$RIG_SSHD_PID" 2>/dev/null
	sleep 0.5
	echo "# ==== OpenSSH $srv: $("$RIG_SSHD" -V 2>&1 | head -n 1)"
	# The list on fd 3: what the cells run must not read it from their standard input.
	while read -r kind alg <&3; do
		[ -n "$ONLY" ] && ! grep -q -- "$ONLY" <<<"$kind $alg" && continue
		cell "$srv" "$kind" "$alg" </dev/null
	done 3< <(cells)
	rig_down
done
if [ -n "${SKIP10:-}" ]; then
	cells | while read -r kind alg; do echo "$kind $alg 10 skip"; done >>"$RESULTS"
fi

# The matrix: a row per algorithm, a column per server.
echo "# algorithm matrix (ok: $MIB MiB byte for byte with key renewals; n/a: the server does not offer it)"
printf '# %-12s %-44s %-8s %-8s\n' kind algorithm "9.2" "10"
cells | while read -r kind alg; do
	r92=$(awk -v k="$kind" -v a="$alg" '$1 == k && $2 == a && $3 == "9.2" { print $4 }' "$RESULTS")
	r10=$(awk -v k="$kind" -v a="$alg" '$1 == k && $2 == a && $3 == "10" { print $4 }' "$RESULTS")
	printf '# %-12s %-44s %-8s %-8s\n' "$kind" "$alg" "${r92:--}" "${r10:--}"
done
# A row with no server at all is an algorithm nobody could check: that is a failure, not a pass. Except plain
# "zlib" (compression from the first NEWKEYS): OpenSSH's sshd dropped it in 7.4, so no real server offers it;
# tests/unit/test_kex_methods.c runs it against the in-memory server instead.
while read -r kind alg; do
	[ -n "$ONLY" ] && ! grep -q -- "$ONLY" <<<"$kind $alg" && continue
	if [ "$kind $alg" = "compression zlib" ]; then
		echo "# $kind $alg: no OpenSSH server offers it (removed in 7.4); covered in memory by test_kex_methods"
		continue
	fi
	if ! awk -v k="$kind" -v a="$alg" '$1 == k && $2 == a && $4 == "ok" { f = 1 } END { exit !f }' "$RESULTS" &&
		! awk -v k="$kind" -v a="$alg" '$1 == k && $2 == a && $4 == "skip" { f = 1 } END { exit !f }' "$RESULTS"; then
		tap_not_ok "$kind $alg: no server of the matrix carried it (empty row)"
	fi
done < <(cells)
cleanup
trap - EXIT
tap_done
