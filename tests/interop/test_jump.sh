#!/bin/bash
# sshtun: interop: ProxyJump in process. The target's sshd runs in a third namespace, reachable only from the
# rig's server namespace, where the rig's sshd is the first jump host and a second sshd, listening on that
# namespace's loopback only, the second. Through one hop (-J) and two (a list, and a hop's own ProxyJump from
# its Host block) the tunnel comes up, carries pings and a byte-exact transfer, and each sshd logs its own
# login. No ssh program runs. A jump host whose host key is unknown is refused with status 4, a failed login
# there with status 5, a target it cannot reach with status 3, each with one line naming the jump host. The
# jump host's session killed: sshtun reconnects through a new chain. TunnelKillSwitch with ProxyJump and a
# bad list are refused with status 2.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

NS_T=st-t-$$
T_IP=198.18.90.2	# the target, in NS_T
B_IP=198.18.90.1	# the server namespace's side of the link to it
CADDR=198.18.91.2
SADDR=198.18.91.1
T_PID=
B2_PID=

jump_down() {
	[ -n "$T_PID" ] && kill -TERM "$T_PID" 2>/dev/null
	if [ -e "/run/netns/$NS_T" ]; then
		_rig_kill_ns "$NS_T"
		ip netns del "$NS_T" 2>/dev/null
	fi
	rig_down
}

rig_up || exit 1
trap 'jump_down' EXIT
trap 'jump_down; exit 130' INT
trap 'jump_down; exit 143' TERM
trap 'jump_down; exit 129' HUP

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}

# The target's namespace, linked to the server's only.
ip netns add "$NS_T" &&
	ip -n "$NS_T" link set lo up &&
	ip -n "$RIG_NS_S" link add veth1 type veth peer name veth1 netns "$NS_T" &&
	ip -n "$RIG_NS_S" addr add $B_IP/24 dev veth1 &&
	ip -n "$NS_T" addr add $T_IP/24 dev veth1 &&
	ip -n "$RIG_NS_S" link set veth1 up &&
	ip -n "$NS_T" link set veth1 up || { tap_not_ok "the target's namespace"; tap_done; exit 1; }

# Two more sshds with host keys of their own: the target (in NS_T) and the second jump host (the server
# namespace's loopback, port 2222).
for n in t b2; do
	ssh-keygen -q -t ed25519 -N '' -f "$RIG_DIR/host_$n" </dev/null
	cat >"$RIG_DIR/sshd_$n" <<EOF
HostKey $RIG_DIR/host_$n
PidFile $RIG_DIR/sshd_$n.pid
AuthorizedKeysFile $RIG_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PermitTunnel yes
LogLevel VERBOSE
EOF
done
printf 'ListenAddress %s\nPort 22\n' $T_IP >>"$RIG_DIR/sshd_t"
printf 'ListenAddress 127.0.0.1\nPort 2222\n' >>"$RIG_DIR/sshd_b2"
ip netns exec "$NS_T" "$RIG_SSHD" -D -E "$RIG_DIR/sshd_t.log" -f "$RIG_DIR/sshd_t" &
T_PID=$!
rig_server_bg sshd_b2.out "$RIG_SSHD" -D -E "$RIG_DIR/sshd_b2.log" -f "$RIG_DIR/sshd_b2"
B2_PID=$RIG_LAST_PID
rig_wait 10 sh -c "ip netns exec $NS_T ss -Hltn 'sport = :22' | grep -q ." &&
	rig_wait 10 rig_server sh -c "ss -Hltn 'sport = :2222' | grep -q ." ||
	{ tap_not_ok "the target's and the second jump host's sshd listen"; tap_done; exit 1; }

tap_check "the target is not reachable from the client directly" sh -c "! ip netns exec $RIG_NS_C nc -z -w 2 $T_IP 22"

# known_hosts with each host's key under the name ssh writes for it.
{
	echo "$RIG_SERVER_IP $(cut -d' ' -f1,2 "$RIG_DIR/ssh_host_ed25519_key.pub")"
	echo "[127.0.0.1]:2222 $(cut -d' ' -f1,2 "$RIG_DIR/host_b2.pub")"
	echo "$T_IP $(cut -d' ' -f1,2 "$RIG_DIR/host_t.pub")"
} >"$RIG_DIR/kh_jump"
# $1: known_hosts for b1, $2: the user for b1, $3: known_hosts for b2.
write_config() {
	cat <<EOF
Host b1
	HostName $RIG_SERVER_IP
	UserKnownHostsFile $1
	User $2
Host b2
	HostName 127.0.0.1
	Port 2222
	UserKnownHostsFile $3
Host b2via1
	HostName 127.0.0.1
	Port 2222
	ProxyJump b1
Host target
	HostName $T_IP
Host *
	User root
	IdentityFile $RIG_KEY
	IdentitiesOnly yes
	UserKnownHostsFile $RIG_DIR/kh_jump
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 10
EOF
}
: >"$RIG_DIR/kh_empty"
write_config "$RIG_DIR/kh_jump" root "$RIG_DIR/kh_jump" >"$RIG_DIR/cfg_jump"
write_config "$RIG_DIR/kh_empty" root "$RIG_DIR/kh_jump" >"$RIG_DIR/cfg_nokey"
write_config "$RIG_DIR/kh_jump" nosuch "$RIG_DIR/kh_jump" >"$RIG_DIR/cfg_baduser"
write_config "$RIG_DIR/kh_jump" root "$RIG_DIR/kh_empty" >"$RIG_DIR/cfg_nob2key"

# The target's end of the tunnel (sshd in NS_T made the device).
target_end() {
	local dev

	rig_wait 10 sh -c "ip -n $NS_T -o link show type tun | grep -q ." || return 1
	dev=$(ip -n "$NS_T" -o link show type tun | awk -F': ' '{ print $2 }' | sed 's/@.*//' | head -n 1)
	ip -n "$NS_T" addr add $SADDR peer $CADDR dev "$dev" 2>/dev/null
	ip -n "$NS_T" link set "$dev" up
}

# $1 name, rest: sshtun's arguments before the target. Waits for "tunnel up" and sets the target's end.
start() {
	local name=$1

	shift
	rig_client_bg "$name" timeout 120 "$SSHTUN" -F "$RIG_DIR/cfg_jump" -w any -o TunnelAddress=$CADDR/32 \
		-o TunnelPeer=$SADDR "$@" target
	pid=$RIG_LAST_PID
	rig_wait 25 rig_is_up "$name" && target_end
}

transfer() {
	local src=$RIG_DIR/jump-src.bin dst=$RIG_DIR/jump-dst.bin p

	head -c $((8 * 1024 * 1024)) /dev/urandom >"$src"
	rm -f "$dst"
	ip netns exec "$NS_T" sh -c "timeout 60 nc -l $SADDR 5003 > $dst" &
	p=$!
	rig_wait 5 ip netns exec "$NS_T" sh -c "ss -ltn | grep -q ':5003'"
	rig_client timeout 60 nc -N $SADDR 5003 <"$src"
	wait "$p"
	cmp -s "$src" "$dst"
}

# ---- 1. One jump host.
if start one -J b1; then
	tap_ok "-J b1: tunnel up to a target only the jump host reaches"
	tap_check "-J b1: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
	tap_check "-J b1: 8 MiB through the tunnel, byte for byte" transfer
	tap_check "-J b1: the jump host logged our key's login, the target a login from the jump host's address" \
		sh -c "grep -q 'Accepted publickey for root from $RIG_CLIENT_IP' $RIG_DIR/sshd.log &&
			grep -q 'Accepted publickey for root from $B_IP' $RIG_DIR/sshd_t.log"
	tap_check "-J b1: no ssh program ran" sh -c "! pgrep -x ssh >/dev/null"

	# The jump host's session killed: the connection through it is lost and made again through a new one.
	n0=$(grep -c 'Accepted publickey' "$RIG_DIR/sshd_t.log")
	kill -KILL "$(rig_sshd_session_pid)"
	if rig_wait 20 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/one.log) -ge 2 ]" && target_end; then
		tap_ok "the jump host's session killed: reconnected through a new chain"
		tap_check "after the reconnect: ping through the tunnel" rig_wait 10 rig_client ping -c 1 -W 1 $SADDR
		tap_check "after the reconnect: a new login at the target" \
			test "$(grep -c 'Accepted publickey' "$RIG_DIR/sshd_t.log")" -gt "$n0"
		tap_check "after the reconnect: the device was not configured again (nothing changed)" \
			sh -c "! grep -q 'configured again' $RIG_DIR/one.log"
	else
		tap_not_ok "the jump host's session killed: reconnected through a new chain"
		show one
	fi
	rig_stop "$pid"
	tap_check "-J b1: stopped, no device left" test -z "$(rig_devs "$RIG_NS_C" tun)"
else
	tap_not_ok "-J b1: tunnel up to a target only the jump host reaches"
	show one
	rig_kill "$pid"
fi

# ---- 2. Two jump hosts: a list, and a hop's own ProxyJump from its Host block.
for how in "b1,b2" "b2via1"; do
	nb2=$(grep -c 'Accepted publickey for root from 127.0.0.1' "$RIG_DIR/sshd_b2.log" 2>/dev/null)
	if start two -J "$how"; then
		tap_ok "-J $how: tunnel up through two jump hosts"
		tap_check "-J $how: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
		tap_check "-J $how: the second jump host logged a login from the first (its loopback)" \
			test "$(grep -c 'Accepted publickey for root from 127.0.0.1' "$RIG_DIR/sshd_b2.log")" -gt "${nb2:-0}"
		rig_stop "$pid"
	else
		tap_not_ok "-J $how: tunnel up through two jump hosts"
		show two
		rig_kill "$pid"
	fi
done

# ---- 3. A question of the jump host's (its key's passphrase) is asked through the program (SSH_ASKPASS).
ssh-keygen -q -t ed25519 -N 'jump pass' -f "$RIG_DIR/id_pass" </dev/null
cat "$RIG_DIR/id_pass.pub" >>"$RIG_DIR/authorized_keys"
printf '#!/bin/sh\necho "$1" >>%s\necho "jump pass"\n' "$RIG_DIR/asked" >"$RIG_DIR/ask_pass"
chmod +x "$RIG_DIR/ask_pass"
{
	printf 'Host b1\n\tIdentityFile %s\n\tBatchMode no\n' "$RIG_DIR/id_pass"
	cat "$RIG_DIR/cfg_jump"
} >"$RIG_DIR/cfg_pass"
rig_client_bg pass env SSH_ASKPASS="$RIG_DIR/ask_pass" SSH_ASKPASS_REQUIRE=force timeout 120 "$SSHTUN" \
	-F "$RIG_DIR/cfg_pass" -o BatchMode=no -w any -o TunnelAddress=$CADDR/32 -o TunnelPeer=$SADDR -J b1 target
pid=$RIG_LAST_PID
if rig_wait 25 rig_is_up pass && grep -q "id_pass" "$RIG_DIR/asked" 2>/dev/null && target_end; then
	tap_ok "the jump host's key passphrase: asked through SSH_ASKPASS, tunnel up"
	tap_check "the jump host logged the login with that key" sh -c "grep 'Accepted publickey for root from $RIG_CLIENT_IP' \
		$RIG_DIR/sshd.log | grep -q '$(ssh-keygen -lf "$RIG_DIR/id_pass.pub" | awk '{ print $2 }')'"
else
	tap_not_ok "the jump host's key passphrase: asked through SSH_ASKPASS, tunnel up"
	show pass
fi
rig_stop "$pid"

# ---- 4. Refusals at the jump host, each with its own status and a line naming it.
refused() {
	local name=$1 want=$2 pat=$3 out rc

	shift 3
	out=$(rig_client timeout 40 "$SSHTUN" "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && printf '%s\n' "$out" | grep -q -E "$pat" && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
		tap_ok "$name: exit $want with one line, no device left"
		[ -n "${JUMP_SHOW:-}" ] && printf '%s\n' "$out" | tap_diag
	else
		tap_not_ok "$name: exit $want (status $rc)"
		printf '%s\n' "$out" | tail -n 4 | tap_diag
	fi
}
refused "the jump host's host key is not known" 4 "jump host root@b1:22: .*(host key|known_hosts)" \
	-F "$RIG_DIR/cfg_nokey" -w any -J b1 target
refused "the jump host refuses the login" 5 "jump host nosuch@b1:22: authentication as nosuch@$RIG_SERVER_IP failed" \
	-F "$RIG_DIR/cfg_baduser" -w any -J b1 target
refused "the jump host cannot reach the target's port" 3 "jump host root@b1:22: cannot reach $T_IP port 2200 from there" \
	-F "$RIG_DIR/cfg_jump" -w any -J b1 -p 2200 target
refused "the second jump host's key unknown in a chain" 4 "jump host root@b2:2222: .*(host key|known_hosts)" \
	-F "$RIG_DIR/cfg_nob2key" -w any -J b1,b2 target
refused "TunnelKillSwitch with ProxyJump" 2 "TunnelKillSwitch yes with ProxyJump" \
	-F "$RIG_DIR/cfg_jump" -w any -o TunnelKillSwitch=yes -J b1 target
refused "a bad ProxyJump list" 2 "ProxyJump b1,,b2: an empty jump host" \
	-F "$RIG_DIR/cfg_jump" -w any -J b1,,b2 target
tap_done
