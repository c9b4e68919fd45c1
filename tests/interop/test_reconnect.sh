#!/bin/bash
# sshtun: interop: TunnelReconnect (the sshtun program's default once a tunnel has been up). sshd's session
# process killed mid-transfer: sshtun reconnects, the device keeps its ifindex and addresses, a paced UDP stream
# resumes and a TCP transfer started before the cut completes byte for byte. The path blackholed for 20 s: the
# silence is noticed (ServerAliveInterval 2) and the tunnel comes back once the path does. 1% loss on the path
# during a 64 MiB transfer. SIGHUP reconnects at once, SIGUSR1 prints a status line. A server that comes back
# with a new host key is refused with status 4 and the device removed.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
for c in nc nft iperf3; do
	command -v $c >/dev/null || { echo "not ok - $c: missing"; exit 1; }
done

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
printf 'command="sshtun-server --client 198.18.70.2 --server 198.18.70.1 --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
CADDR=198.18.70.2
SADDR=198.18.70.1

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}
ups() {
	grep -c "tunnel up" "$RIG_DIR/$1.log"
}
dev() {
	rig_devs "$RIG_NS_C" tun | head -n 1
}
ifindex() {
	rig_client cat "/sys/class/net/$(dev)/ifindex" 2>/dev/null
}
addrs() {
	rig_client ip -o addr show dev "$(dev)" scope global | awk '{ print $3, $4, $5, $6 }'
}

cp "$RIG_SSH_CONFIG" "$RIG_DIR/cfg_rc"	# SIGHUP reads it again (section 2)
rig_client_bg rc timeout 300 "$SSHTUN" -F "$RIG_DIR/cfg_rc" -w any -o TunnelConfigCommand=sshtun-server \
	-o ServerAliveInterval=2 -o ServerAliveCountMax=3 "$RIG_TARGET"
pid=$RIG_LAST_PID
if ! rig_wait 20 rig_is_up rc; then
	tap_not_ok "tunnel up"
	show rc
	exit 1
fi
idx0=$(ifindex)
addrs0=$(addrs)
# The sshtun process itself (timeout(1) runs it as a child and passes on only some signals).
stpid=$(pgrep -P "$pid" -x sshtun)

# ---- 1. sshd's session process killed during a TCP transfer and a paced UDP stream.
src=$RIG_DIR/src.bin
head -c $((16 * 1024 * 1024)) /dev/urandom >"$src"
rig_server_bg tcprecv sh -c "timeout 60 nc -l $SADDR 5001 >$RIG_DIR/dst.bin"
rpid=$RIG_LAST_PID
rig_server_bg udprecv timeout 60 iperf3 -s -1 -B $SADDR --json
upid=$RIG_LAST_PID
rig_wait 5 rig_server sh -c "ss -ltn | grep -q ':5001' && ss -ltn | grep -q ':5201'"
# The TCP sender sends half, pauses 6 s (the cut falls in the pause), then the rest.
rig_client_bg tcpsend sh -c "{ dd if=$src bs=1M count=8 status=none; sleep 6; dd if=$src bs=1M skip=8 status=none; } |
	timeout 60 nc -N $SADDR 5001"
spid=$RIG_LAST_PID
rig_client_bg udpsend timeout 60 iperf3 -c $SADDR -u -b 2M -t 14 -l 1000
sleep 3
victim=$(rig_sshd_session_pid)
kill -KILL "$victim"
t0=$(date +%s)
if rig_wait 20 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/rc.log) -ge 2 ]"; then
	tap_ok "sshd's session killed: sshtun reconnected in $(($(date +%s) - t0)) s"
else
	tap_not_ok "sshd's session killed: sshtun reconnected"
	show rc
fi
tap_check "the loss is reported with the reason and the delay" grep -q "reconnecting in [0-9.]* s (TunnelReconnect)" "$RIG_DIR/rc.log"
tap_check "the device kept its ifindex ($idx0) and addresses" test "$(ifindex)/$(addrs)" = "$idx0/$addrs0"
wait "$spid"
wait "$rpid"
tap_check "a TCP transfer started before the cut completed byte for byte (16 MiB)" cmp "$src" "$RIG_DIR/dst.bin"
wait "$upid"
# The receiver's last one-second interval: datagrams arrived after the reconnect.
last=$(awk -F'[:,]' '/"packets"/ { p = $2 } /"sum":/ { s = p } END { print s + 0 }' "$RIG_DIR/udprecv.log")
n=$(grep -c '"packets"' "$RIG_DIR/udprecv.log")
tap_check "the paced UDP stream resumed (datagrams in the last second: ${last:-?})" test "${last:-0}" -gt 100

# ---- 2. SIGUSR1 and SIGHUP.
kill -USR1 "$stpid"
tap_check "SIGUSR1: one status line (state, uptime, bytes, rekeys, round trip, reconnects)" rig_wait 3 \
	grep -q "sshtun: status: up, tun[0-9]* $CADDR/32, up [0-9]* s .*bytes out.*rekeys.*round trip.* 1 reconnects; last lost:" "$RIG_DIR/rc.log"
kill -HUP "$stpid"
if rig_wait 10 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/rc.log) -ge 3 ]" && grep -q "reconnecting as asked" "$RIG_DIR/rc.log"; then
	tap_ok "SIGHUP: reconnected at once, the device as it was"
else
	tap_not_ok "SIGHUP: reconnected at once"
	show rc
fi
tap_check "after SIGHUP: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
# SIGHUP reads the configuration files again: a route added to the file is there after the reconnect.
{ echo "TunnelRoute 198.18.77.0/24"; cat "$RIG_SSH_CONFIG"; } >"$RIG_DIR/cfg_rc"
kill -HUP "$stpid"
if rig_wait 10 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/rc.log) -ge 4 ]" &&
	rig_wait 5 sh -c "ip netns exec $RIG_NS_C ip route show 198.18.77.0/24 | grep -q 'dev $(dev)'"; then
	tap_ok "SIGHUP: the configuration file read again (a TunnelRoute added to it is set after the reconnect)"
else
	tap_not_ok "SIGHUP: the configuration file read again"
	show rc
fi
tap_check "after the reload: the device kept its ifindex" test "$(ifindex)" = "$idx0"
# A file that no longer parses: the configuration in use stays (the route too), and the reconnect happens.
{ echo "Frobnicate yes"; cat "$RIG_DIR/cfg_rc"; } >"$RIG_DIR/cfg_rc.new" && mv "$RIG_DIR/cfg_rc.new" "$RIG_DIR/cfg_rc"
kill -HUP "$stpid"
if rig_wait 10 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/rc.log) -ge 5 ]" &&
	grep -q "reload: the configuration is not valid" "$RIG_DIR/rc.log" &&
	rig_client ip route show 198.18.77.0/24 | grep -q "dev $(dev)"; then
	tap_ok "SIGHUP with a broken file: the configuration in use stays, reconnected"
else
	tap_not_ok "SIGHUP with a broken file: the configuration in use stays, reconnected"
	show rc
fi
tap_check "after the reloads: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR

# ---- 3. The path blackholed for 20 s: the silence is noticed, the tunnel comes back after.
n0=$(ups rc)
rig_server nft -f - <<EOF
table inet st_blackhole {
	chain in { type filter hook input priority 0; tcp dport 22 drop; }
	chain out { type filter hook output priority 0; tcp sport 22 drop; }
}
EOF
t0=$(date +%s)
tap_check "blackhole: the silence is noticed (ServerAliveInterval 2, CountMax 3)" rig_wait 15 \
	grep -q "stopped answering" "$RIG_DIR/rc.log"
sleep $((20 - ($(date +%s) - t0)))
rig_server nft delete table inet st_blackhole
if rig_wait 45 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/rc.log) -gt $n0 ]" && rig_client ping -c 2 -W 2 $SADDR >/dev/null; then
	tap_ok "blackhole: back up $(($(date +%s) - t0)) s after it began (20 s blackhole), pings cross"
else
	tap_not_ok "blackhole: back up after the blackhole lifts"
	show rc
fi
tap_check "blackhole: the device kept its ifindex and addresses" test "$(ifindex)/$(addrs)" = "$idx0/$addrs0"

# ---- 4. 1% random loss on the path during a 64 MiB transfer.
rig_client nft -f - <<EOF
table inet st_loss {
	chain in { type filter hook input priority 0; iifname "veth0" numgen random mod 100 < 1 drop; }
	chain out { type filter hook output priority 0; oifname "veth0" numgen random mod 100 < 1 drop; }
}
EOF
if rig_transfer down 64 $SADDR $CADDR; then
	tap_ok "1% loss on the path: 64 MiB through the tunnel, byte for byte"
else
	tap_not_ok "1% loss on the path: 64 MiB through the tunnel, byte for byte"
fi
rig_client nft delete table inet st_loss

# ---- 5. The server comes back with a new host key: refused with status 4, the device removed.
for t in ed25519 ecdsa rsa; do
	rm -f "$RIG_DIR/ssh_host_${t}_key" "$RIG_DIR/ssh_host_${t}_key.pub"
	ssh-keygen -q -t "$t" -N '' -f "$RIG_DIR/ssh_host_${t}_key" </dev/null
done
old_sshd=$RIG_SSHD_PID
victim=$(rig_sshd_session_pid)
kill -TERM "$old_sshd"
wait "$old_sshd" 2>/dev/null
ip netns exec "$RIG_NS_S" "$RIG_SSHD" -D -E "$RIG_SSHD_LOG" -f "$RIG_SSHD_CONFIG" &
RIG_SSHD_PID=$!
rig_wait 10 rig_server sh -c "ss -Hltn 'sport = :$RIG_PORT' | grep -q ."
kill -KILL "$victim"
rc=0
rig_wait 30 _rig_dead "$pid"
wait "$pid" || rc=$?
if [ $rc = 4 ] && grep -q "host key" "$RIG_DIR/rc.log" && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
	tap_ok "new host key after the loss: refused with status 4, the device removed"
else
	tap_not_ok "new host key after the loss: refused with status 4, the device removed (status $rc)"
	show rc
fi
rig_down
tap_done
