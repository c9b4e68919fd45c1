#!/bin/bash
# sshtun: interop: sshtun against Debian's real sshd in the rig. Tunnel up with each cipher, ping both ways,
# 64 MiB each way compared byte for byte while both sides rekey, ethernet mode, agent auth, a clean stop, and the
# refusals (changed or unknown host key, PermitTunnel no, a key the server does not accept), each with its line,
# its exit status and nothing left configured.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

CADDR=198.18.9.1
SADDR=198.18.9.2
MIB=${SSHTUN_TEST_MIB:-64}

# st NAME ARGS...: sshtun in the client namespace in the background, output in $RIG_DIR/NAME.log.
st() {
	local name=$1

	shift
	rig_client_bg "$name" timeout 600 "$SSHTUN" -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" "$@" "$RIG_TARGET"
}

# st_fg ARGS...: sshtun in the foreground; prints its output, returns its status.
st_fg() {
	rig_client timeout 60 "$SSHTUN" -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" "$@" "$RIG_TARGET" 2>&1
}

show() {
	echo "# --- $1:"
	tail -n 20 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
	echo "# --- sshd log:"
	rig_sshd_log | grep -v 'debug[23]' | tail -n 20 | tap_diag
}

# Configures the server's end of the tunnel (sshd creates the device, our tests give it an address).
server_end() {
	local kind=$1 dev

	[ "$kind" = tun ] && { rig_tun_server_end $SADDR $CADDR; return; }
	rig_wait 10 test -n "$(rig_devs "$RIG_NS_S" "$kind")" || return 1
	dev=$(rig_devs "$RIG_NS_S" "$kind" | head -n 1)
	rig_server ip addr add "$SADDR/24" dev "$dev" || return 1
	rig_server ip link set "$dev" up
}

no_client_devs() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ] && [ -z "$(rig_devs "$RIG_NS_C" tap)" ]
}

# stop_clean NAME PID [SIGNAL]: SIGTERM (or SIGNAL); expect exit 0 within a second and every device gone.
stop_clean() {
	local name=$1 pid=$2 sig=${3:-TERM} rc t0 ms

	t0=$(date +%s%N)
	kill -"$sig" "$pid" 2>/dev/null
	rc=0
	wait "$pid" || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ $rc = 0 ] && [ $ms -lt 1000 ] && rig_wait 5 no_client_devs; then
		tap_ok "$name: SIG$sig closes the tunnel, exits 0 in $ms ms, removes the device"
	else
		tap_not_ok "$name: SIG$sig closes the tunnel, exits 0 within 1 s, removes the device (status $rc, $ms ms)"
		show "$name"
	fi
}

# ---- 1. Tunnel up with each cipher, ping both ways, clean stop.
rig_up "RekeyLimit 8M"
for cipher in chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes256-gcm@openssh.com; do
	name="l3-${cipher%%@*}"
	st "$name" -w any -o Ciphers="$cipher" -o TunnelAddress=$CADDR -o TunnelPeer=$SADDR
	pid=$RIG_LAST_PID
	if rig_wait 15 rig_is_up "$name" && server_end tun; then
		tap_ok "$name: tunnel up ($(grep -o 'tunnel up.*' "$RIG_DIR/$name.log"))"
	else
		tap_not_ok "$name: tunnel up"
		show "$name"
		rig_kill "$pid"
		continue
	fi
	tap_check "$name: ping client -> server through the tunnel" rig_client ping -c 3 -W 2 $SADDR
	tap_check "$name: ping server -> client through the tunnel" rig_server ping -c 3 -W 2 $CADDR
	if [ "$cipher" = aes128-gcm@openssh.com ]; then
		# Transfers while sshd rekeys (its RekeyLimit 8M), then while sshtun does (RekeyLimit 4M). Every key
		# exchange resets both sides' counters, so each initiator gets a session of its own.
		stop_clean "$name" "$pid"
		for who in sshd sshtun; do
			limit=default
			[ $who = sshtun ] && limit=4M
			name="l3-aes128-gcm-rekey-by-$who"
			st "$name" -v -w any -o Ciphers="$cipher" -o RekeyLimit=$limit -o TunnelAddress=$CADDR -o TunnelPeer=$SADDR
			pid=$RIG_LAST_PID
			rig_wait 15 rig_is_up "$name" && server_end tun
			tap_check "$name: $MIB MiB client -> server, byte for byte" rig_transfer up "$MIB" $SADDR $CADDR
			tap_check "$name: $MIB MiB server -> client, byte for byte" rig_transfer down "$MIB" $SADDR $CADDR
			if [ $who = sshd ]; then
				n=$(grep -c "server started a key exchange" "$RIG_DIR/$name.log")
			else
				n=$(grep -c "rekeying after" "$RIG_DIR/$name.log")
			fi
			if [ "$n" -ge 2 ]; then
				tap_ok "$name: $who started $n key exchanges during the transfers"
			else
				tap_not_ok "$name: $who started $n key exchanges during the transfers (wanted 2 or more)"
				show "$name"
			fi
			if [ $who = sshtun ]; then
				# The download ran with receive coalescing (batches for GRO) and came through intact.
				if grep -q "receive coalescing on" "$RIG_DIR/$name.log"; then
					tap_ok "$name: receive coalescing engaged during the download"
				else
					tap_not_ok "$name: receive coalescing engaged during the download"
				fi
			fi
			[ $who = sshd ] && stop_clean "$name" "$pid"
		done
	fi
	stop_clean "$name" "$pid" INT
	if [ "$name" = l3-aes128-gcm-rekey-by-sshtun ]; then
		# Both transfers are bulk TCP: their receivers' ACKs come in runs that thinning cuts down.
		n=$(sed -n 's/.* \([0-9][0-9]*\) redundant ACKs not relayed.*/\1/p' "$RIG_DIR/$name.log")
		if [ "${n:-0}" -gt 0 ]; then
			tap_ok "$name: $n redundant ACKs not relayed during the transfers, bytes intact"
		else
			tap_not_ok "$name: redundant ACKs thinned (got '${n:-no line}')"
			show "$name"
		fi
	fi
done
# With TunnelAckThinning=no every packet is relayed: nothing is thinned, and the bytes still arrive.
name=l3-no-ack-thinning
st "$name" -v -w any -o TunnelAckThinning=no -o TunnelAddress=$CADDR -o TunnelPeer=$SADDR
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up "$name" && server_end tun && rig_transfer up "$MIB" $SADDR $CADDR && rig_transfer down "$MIB" $SADDR $CADDR; then
	stop_clean "$name" "$pid"
	n=$(sed -n 's/.* \([0-9][0-9]*\) redundant ACKs not relayed.*/\1/p' "$RIG_DIR/$name.log")
	if [ "$n" = 0 ]; then
		tap_ok "$name: $MIB MiB each way byte for byte, no ACK thinned"
	else
		tap_not_ok "$name: no ACK thinned (got '${n:-no line}')"
		show "$name"
	fi
else
	tap_not_ok "$name: tunnel up and $MIB MiB each way byte for byte"
	show "$name"
	rig_kill "$pid"
fi
rig_down

# ---- 2. Ethernet (tap) mode.
rig_up
st tap -o Tunnel=ethernet -w any -o TunnelAddress=$CADDR/24
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up tap && server_end tap; then
	tap_ok "tap: ethernet tunnel up"
	tap_check "tap: ping client -> server over layer 2" rig_client ping -c 3 -W 2 $SADDR
	tap_check "tap: ping server -> client over layer 2" rig_server ping -c 3 -W 2 $CADDR
	stop_clean tap "$pid"
else
	tap_not_ok "tap: ethernet tunnel up"
	show tap
	rig_kill "$pid"
fi

# A config with no IdentityFile, for the tests that choose their own keys.
bare_config() {
	cat >"$RIG_DIR/bare_config" <<EOF
Host *
	HostName $RIG_SERVER_IP
	Port $RIG_PORT
	User root
	UserKnownHostsFile $RIG_KNOWN_HOSTS
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
EOF
}

# ---- 3. ssh-agent: no key file, the agent signs.
bare_config
agent_sock=$RIG_DIR/agent.sock
rig_client_bg agent ssh-agent -D -a "$agent_sock"
agent_pid=$RIG_LAST_PID
rig_wait 5 test -S "$agent_sock"
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -q "$RIG_KEY" 2>/dev/null
rig_client_bg agent-st env SSH_AUTH_SOCK="$agent_sock" timeout 60 "$SSHTUN" -F "$RIG_DIR/bare_config" \
	-o IdentityFile=/nonexistent -w any "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up agent-st; then
	tap_ok "agent: authenticated with a key held by ssh-agent"
	stop_clean agent-st "$pid"
else
	tap_not_ok "agent: authenticated with a key held by ssh-agent"
	show agent-st
	rig_kill "$pid"
fi

# IdentitiesOnly yes with a passphrase-protected key file: the file cannot be used, its twin in the agent can;
# another key in the agent, not named by IdentityFile, must not be offered.
ssh-keygen -q -t ed25519 -N 'secret phrase' -f "$RIG_DIR/locked" -C locked </dev/null
cat "$RIG_DIR/locked.pub" >>"$RIG_DIR/authorized_keys"
printf '#!/bin/sh\necho "secret phrase"\n' >"$RIG_DIR/askpass"
chmod 700 "$RIG_DIR/askpass"
rig_client env SSH_AUTH_SOCK="$agent_sock" SSH_ASKPASS="$RIG_DIR/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	ssh-add -q "$RIG_DIR/locked" </dev/null 2>/dev/null
rig_client_bg agent-only env SSH_AUTH_SOCK="$agent_sock" timeout 60 "$SSHTUN" -v -F "$RIG_DIR/bare_config" \
	-i "$RIG_DIR/locked" -o IdentitiesOnly=yes -w any "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up agent-only && grep -q "authenticated with agent: locked" "$RIG_DIR/agent-only.log" &&
	! grep -q "offering public key agent: .*id_ed25519\|offering public key agent: [^l]" "$RIG_DIR/agent-only.log"; then
	tap_ok "IdentitiesOnly: the agent signs for the passphrase-protected IdentityFile, and only for it"
	stop_clean agent-only "$pid"
else
	tap_not_ok "IdentitiesOnly: the agent signs for the passphrase-protected IdentityFile, and only for it"
	show agent-only
	rig_kill "$pid"
fi
rig_kill "$agent_pid"

# ---- 4. Refusals: one line naming the cause, a distinct status, nothing left configured.
# refused NAME STATUS PATTERN ARGS...
refused() {
	local name=$1 want=$2 pattern=$3 out rc

	shift 3
	out=$(st_fg "$@")
	rc=$?
	if [ $rc = "$want" ] && echo "$out" | grep -qi -- "$pattern" && no_client_devs; then
		tap_ok "$name: refused with status $rc: $(echo "$out" | tail -n 1)"
	else
		tap_not_ok "$name: wanted status $want and /$pattern/, got status $rc"
		echo "$out" | tap_diag
	fi
}

wrong_kh=$RIG_DIR/known_hosts_wrong
ssh-keygen -q -t ed25519 -N '' -f "$RIG_DIR/other_host" </dev/null
echo "$RIG_SERVER_IP $(cut -d' ' -f1,2 "$RIG_DIR/other_host.pub")" >"$wrong_kh"
refused "changed host key" 4 "has changed.*known_hosts_wrong:1" -o UserKnownHostsFile="$wrong_kh" -w any
refused "unknown host key" 4 "not known.*SHA256:" -o UserKnownHostsFile=/dev/null -w any
new_kh=$RIG_DIR/known_hosts_new
st accept-new -w any -o UserKnownHostsFile="$new_kh" -o StrictHostKeyChecking=accept-new
pid=$RIG_LAST_PID
if rig_wait 15 rig_is_up accept-new && grep -q "$RIG_SERVER_IP ssh-ed25519" "$new_kh"; then
	tap_ok "accept-new: unknown host key added to known_hosts and the tunnel comes up"
	stop_clean accept-new "$pid"
else
	tap_not_ok "accept-new: unknown host key added to known_hosts and the tunnel comes up"
	show accept-new
	rig_kill "$pid"
fi
ssh-keygen -q -t ed25519 -N '' -f "$RIG_DIR/stranger" </dev/null
out=$(rig_client timeout 60 "$SSHTUN" -F "$RIG_DIR/bare_config" -i "$RIG_DIR/stranger" -o IdentityAgent=none -w any \
	"$RIG_TARGET" 2>&1)
rc=$?
if [ $rc = 5 ] && echo "$out" | grep -qi "authentication.*failed.*publickey" && no_client_devs; then
	tap_ok "key not accepted: refused with status 5: $(echo "$out" | tail -n 1)"
else
	tap_not_ok "key not accepted: wanted status 5, got $rc"
	echo "$out" | tap_diag
fi
refused "no such port" 3 "cannot connect" -p 2 -w any
rig_down

rig_up "PermitTunnel no"
refused "PermitTunnel no" 6 "refused the tunnel.*PermitTunnel" -w any
rig_down

tap_done
