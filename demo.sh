#!/bin/bash
# sshtun: the demo. As root on a fresh Debian 12: installs what is needed, builds sshtun, starts a stock
# OpenSSH sshd in a network namespace with sshtun-server as the key's forced command, connects to it from a
# second namespace with a VPN over SSH (both ends configured by sshtun and sshtun-server, nothing by hand),
# and pings through the tunnel both ways. Uses sshtun when ./sshtun works, else OpenSSH's own ssh -w
# (DEMO_CLIENT=sshtun or DEMO_CLIENT=openssh forces one). Everything is torn down at the end.
set -u
export LC_ALL=C
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")" || exit 1

PKGS="build-essential clang pkg-config libsodium-dev libssl-dev zlib1g-dev libcmocka-dev libclang-rt-14-dev
openssh-server openssh-client iproute2 iputils-ping iperf3 procps"
C_TUN=198.18.9.1
S_TUN=198.18.9.2
RESULT=1

say() {
	printf '\n==> %s\n' "$*"
}

# show CMD...: prints the command, then runs it.
show() {
	printf '    $ %s\n' "$*"
	"$@"
}

indent() {
	sed 's/^/    /'
}

# show_out CMD...: like show, with the output indented; returns CMD's status.
show_out() {
	local out rc

	printf '    $ %s\n' "$*"
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/      /'
	return $rc
}

die() {
	echo "demo: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run me as root: I create network namespaces and tun devices"

say "1. Packages: $(echo $PKGS)"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "    installing:$missing"
	# shellcheck disable=SC2086
	timeout 600 env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		timeout 1200 env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
		die "apt-get failed"
else
	echo "    all present"
fi

say "2. Build: ./configure && make (logs in build/demo-*.log)"
mkdir -p build
if timeout 300 ./configure >build/demo-configure.log 2>&1 && timeout 1200 make -j2 all >build/demo-make.log 2>&1; then
	echo "    built ./sshtun, libsshtun.a and libsshtun.so"
else
	echo "    the build failed (see build/demo-configure.log, build/demo-make.log):"
	grep -E 'error|Error' build/demo-configure.log build/demo-make.log | head -n 10 | indent
fi

client=${DEMO_CLIENT:-auto}
if [ "$client" = auto ]; then
	if [ -x ./sshtun ] && ./sshtun --version >/dev/null 2>&1; then
		client=sshtun
	else
		client=openssh
	fi
fi
case $client in
sshtun) echo "    ./sshtun --version: $(./sshtun --version 2>&1 | head -n 1)" ;;
openssh) echo "    sshtun cannot run a tunnel yet: the demo uses OpenSSH's ssh -w to show the same setup" ;;
*) die "DEMO_CLIENT must be sshtun, openssh or auto" ;;
esac

say "3. Rig: two network namespaces joined by a veth pair, stock OpenSSH sshd on the server side"
# shellcheck source=tests/rig/rig.sh
. tests/rig/rig.sh
rig_check || exit 1
if [ "$client" = sshtun ]; then
	# As after make install on the server: sshd finds sshtun-server on its PATH.
	rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" ||
		die "the rig did not come up"
	C_TUN=198.18.100.2
	S_TUN=198.18.100.1
	# sshtun-server keeps its leases in /run/sshtun-server (as root): removed at the end if the demo made it.
	[ -e /run/sshtun-server ] && STATE_KEEP=1
	printf 'command="sshtun-server --pool 198.18.100.0/24",no-pty,no-agent-forwarding,no-port-forwarding,no-X11-forwarding %s\n' \
		"$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
	echo "    the key's line in the server's authorized_keys (sshtun-server from server/, as make install puts it):"
	cut -c1-130 "$RIG_DIR/authorized_keys" | sed 's/$/.../' | indent
else
	rig_up || die "the rig did not come up"
fi
cat <<EOF
    client namespace $RIG_NS_C: veth0 $RIG_CLIENT_IP/24
    server namespace $RIG_NS_S: veth0 $RIG_SERVER_IP/24, $(/usr/sbin/sshd -V 2>&1 | head -n 1 | cut -d, -f1) sshd
      with PermitTunnel yes, listening on $RIG_SERVER_IP:$RIG_PORT (config $RIG_SSHD_CONFIG)
    client files: $RIG_SSH_CONFIG, key $RIG_KEY, known_hosts with the server's ed25519 key
EOF

server_dev() {
	rig_devs "$RIG_NS_S" tun | head -n 1
}

client_dev_with_addr() {
	ip -n "$RIG_NS_C" -o addr show 2>/dev/null | grep -q " ${C_TUN}[/ ]"
}

has_server_dev() {
	[ -n "$(server_dev)" ]
}

has_client_dev() {
	[ -n "$(rig_devs "$RIG_NS_C" tun)" ]
}

if [ "$client" = sshtun ]; then
	say "4. Tunnel: sshtun in the client namespace; sshtun-server on the server configures its end and hands out the client's"
	show rig_client_bg sshtun ./sshtun -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -w any -o TunnelConfigCommand=sshtun-server \
		"$RIG_TARGET"
	CLIENT_PID=$RIG_LAST_PID
	LOG=$RIG_DIR/sshtun.log
	up() { has_server_dev && client_dev_with_addr; }
else
	say "4. Tunnel: OpenSSH's ssh -w in the client namespace"
	show rig_client_bg ssh timeout 600 ssh -F "$RIG_SSH_CONFIG" -i "$RIG_KEY" -o Tunnel=point-to-point -w any:any \
		-o ExitOnForwardFailure=yes -N "$RIG_TARGET"
	CLIENT_PID=$RIG_LAST_PID
	LOG=$RIG_DIR/ssh.log
	up() { has_server_dev && has_client_dev; }
fi

if ! rig_wait 20 up; then
	echo "    the tunnel did not come up within 20 s; client output:"
	indent <"$LOG"
	echo "    sshd log (last lines):"
	rig_sshd_log | grep -v 'debug[23]' | tail -n 15 | indent
	rig_down
	exit 1
fi
sdev=$(server_dev)
cdev=$(rig_devs "$RIG_NS_C" tun | head -n 1)
echo "    tunnel up: client $cdev, server $sdev (created by sshd for the tun@openssh.com channel)"
[ -s "$LOG" ] && indent <"$LOG"

if [ "$client" = openssh ]; then
	echo "    ssh -w leaves the client device unconfigured; configuring it by hand:"
	show rig_client ip addr add $C_TUN peer $S_TUN dev "$cdev"
	show rig_client ip link set "$cdev" up
fi
if [ "$client" = openssh ]; then
	echo "    the server side is configured by hand as with ssh -w:"
	show rig_server ip addr add $S_TUN peer $C_TUN dev "$sdev"
	show rig_server ip link set "$sdev" up
else
	echo "    nothing configured by hand: sshtun-server set up the server's end from its pool:"
	rig_server ip -br addr show dev "$sdev" | indent
fi
echo "    client device:"
rig_client ip -br addr show dev "$cdev" | indent

say "5. Ping through the tunnel"
ok=1
show_out rig_client ping -c 3 -W 2 $S_TUN || ok=0
show_out rig_server ping -c 3 -W 2 $C_TUN || ok=0
rx=$(rig_server cat "/sys/class/net/$sdev/statistics/rx_packets" 2>/dev/null)
echo "    the server's $sdev received ${rx:-?} packets"

say "6. Throughput through the tunnel (iperf3, 3 s)"
if command -v iperf3 >/dev/null 2>&1; then
	rig_server_bg iperf3 timeout 30 iperf3 -s -1 -B $S_TUN
	rig_wait 5 rig_server ss -Hltn "sport = :5201" >/dev/null
	rig_client timeout 30 iperf3 -c $S_TUN -t 3 -f m 2>&1 | grep -E 'sender|receiver|error' | indent
else
	echo "    iperf3 not installed; skipped"
fi

say "7. Stop the client and tear down"
show rig_kill "$CLIENT_PID"
if rig_wait 10 eval '[ -z "$(rig_devs "$RIG_NS_C" tun)" ]'; then
	echo "    the client's tun device is gone"
else
	echo "    the client's tun device is still there"
	ok=0
fi
rig_down
[ "$client" = sshtun ] && [ "${STATE_KEEP:-0}" = 0 ] && rm -rf /run/sshtun-server
echo "    namespaces, sshd and temp files removed"

if [ $ok = 1 ]; then
	RESULT=0
	say "Result: OK: packets crossed the $client tunnel both ways ($C_TUN <-> $S_TUN)"
else
	say "Result: FAILED: ping through the $client tunnel did not work"
fi
exit $RESULT
