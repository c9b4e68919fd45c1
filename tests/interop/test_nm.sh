#!/bin/bash
# sshtun: interop: NetworkManager's VPN service (nm/nm-sshtun-service) end to end, with a real NetworkManager.
# A private system bus (a dbus-daemon of the test's own, with the distribution's policy files and ours) and
# NetworkManager run in the rig's client namespace; NetworkManager's mount namespace has tmpfs over /run and
# /var/lib/NetworkManager, its VPN directory bind-mounted from the test's (holding only a .name file pointing at
# the build's service), /sys read-only, and every file it reads or writes is in the test's directory. The rig's
# sshd runs sshtun-server as the key's forced command, which hands out IPv4 and IPv6 addresses, an MTU, routes,
# DNS and a domain. `nmcli connection up` of an sshtun connection: activated, the device has what sshtun-server
# handed out as NetworkManager applied it, a ping and a byte-exact TCP transfer cross, and `nmcli connection
# down` removes the device, its addresses and routes, and the service ends. Also: a connection without
# known-hosts is refused with its reason, one whose known-hosts lacks the server's key fails with the library's
# reason; routes=default gives NetworkManager's default route through the tunnel. Nothing of the host is changed, nothing is left running. NM_TEST_LOG=FILE keeps NetworkManager's log
# (with the service's lines).
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SVC=${NM_SSHTUN_SERVICE:-$PWD/build/nm/nm-sshtun-service}
NM=/usr/sbin/NetworkManager
missing=
for c in "$NM" nmcli dbus-daemon nc; do
	command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "not ok - NetworkManager: missing:$missing (apt-get install network-manager dbus netcat-openbsd)"
	exit 1
fi
if [ ! -x "$SVC" ]; then
	echo "not ok - nm-sshtun-service: $SVC not built (apt-get install libnm-dev; ./configure --with-networkmanager; make)"
	exit 1
fi
VPNDIR=$(pkg-config --variable=vpnservicedir libnm 2>/dev/null)
VPNDIR=${VPNDIR:-/usr/lib/NetworkManager/VPN}
if [ ! -d "$VPNDIR" ] || [ ! -d /var/lib/NetworkManager ]; then
	echo "not ok - NetworkManager: $VPNDIR or /var/lib/NetworkManager missing (apt-get install network-manager)"
	exit 1
fi
host_nm_before=$(pgrep -x NetworkManager | sort | tr '\n' ' ')

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
D=$RIG_DIR/nm
NM_PID=
DBUS_PID=
nm_down() {
	# Everything runs in the client namespace: rig_down ends NetworkManager, the service (NetworkManager's
	# child), the dbus-daemon, and with NetworkManager's mount namespace its mounts; then removes $RIG_DIR.
	# NM_TEST_LOG=FILE keeps NetworkManager's log (the service's lines are in it) for a look afterwards.
	if [ -n "${NM_TEST_LOG:-}" ] && [ -f "$D/nm.log" ]; then
		cp "$D/nm.log" "$NM_TEST_LOG"
	fi
	rig_down
}
trap 'nm_down' EXIT
trap 'nm_down; exit 130' INT
trap 'nm_down; exit 143' TERM
mkdir -p "$D/policy" "$D/conf.d" "$D/sysconf.d" "$D/connections" "$D/vpn" "$D/state"
chmod 700 "$D/connections"

printf 'command="sshtun-server --client 198.18.96.2 --server 198.18.96.1 --client6 fd00:96::2 --server6 fd00:96::1 --mtu 1400 --route 198.18.97.0/24 --route fd00:97::/64 --dns 198.18.96.53 --domain vpn.example --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"

# ---- the private system bus: the distribution's policies, and ours for the service.
BUS=$D/bus
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS
cp nm/nm-sshtun-service.conf "$D/policy/"
cat >"$D/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  <includedir>/usr/share/dbus-1/system.d</includedir>
  <includedir>$D/policy</includedir>
</busconfig>
EOF
ip netns exec "$RIG_NS_C" dbus-daemon --config-file="$D/bus.conf" --nofork --nopidfile >"$D/dbus.log" 2>&1 &
DBUS_PID=$!
RIG_BG_PIDS="$RIG_BG_PIDS $DBUS_PID"
if ! rig_wait 10 test -S "$BUS"; then
	echo "not ok - the private system bus did not start"
	tap_diag <"$D/dbus.log"
	exit 1
fi

# ---- NetworkManager: its own configuration, files and mounts; the VPN directory holds only our .name file.
cat >"$D/NetworkManager.conf" <<EOF
[main]
plugins=keyfile
auth-polkit=false
dns=none
rc-manager=unmanaged
systemd-resolved=false
no-auto-default=*

[keyfile]
path=$D/connections
unmanaged-devices=except:interface-name:veth0

[connectivity]
enabled=false

[logging]
level=DEBUG
EOF
sed "s|@LIBEXECDIR@|$(dirname "$SVC")|" nm/nm-sshtun-service.name.in >"$D/vpn/nm-sshtun-service.name"
cat >"$D/nm-wrapper.sh" <<EOF
#!/bin/sh
# Runs inside 'ip netns exec' (a mount namespace of its own, slave to the host's): nothing mounted here is seen
# outside, and it all goes when the last process in it ends.
set -e
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=755 tmpfs /var/lib/NetworkManager
mount --bind "$D/vpn" "$VPNDIR"
mount -o remount,ro /sys
exec $NM --debug --config="$D/NetworkManager.conf" --config-dir="$D/conf.d" --system-config-dir="$D/sysconf.d" \\
	--intern-config="$D/intern.conf" --state-file="$D/NetworkManager.state" --pid-file="$D/NetworkManager.pid"
EOF
chmod 755 "$D/nm-wrapper.sh"
ip netns exec "$RIG_NS_C" "$D/nm-wrapper.sh" >"$D/nm.log" 2>&1 &
NM_PID=$!
RIG_BG_PIDS="$RIG_BG_PIDS $NM_PID"
nmc() {
	timeout 90 nmcli "$@"
}
show_logs() {
	echo "# --- NetworkManager (VPN and sshtun lines):"
	grep -i 'vpn\|sshtun' "$D/nm.log" | tail -n 40 | tap_diag
}
if rig_wait 20 sh -c 'nmcli -t -f RUNNING general 2>/dev/null | grep -q running'; then
	tap_ok "NetworkManager runs in the client namespace on a private system bus"
else
	tap_not_ok "NetworkManager runs in the client namespace on a private system bus"
	tail -n 30 "$D/nm.log" | tap_diag
	exit 1
fi
# The path to the server: the veth, as a connection of NetworkManager's. A VPN goes over the active connection
# that has the default route, so this one has one (to the server's side, in the test's namespace only).
nmc connection add type ethernet con-name rig-veth ifname veth0 ipv4.method manual ipv4.addresses "$RIG_CLIENT_IP/24" \
	ipv4.gateway "$RIG_SERVER_IP" ipv6.method disabled >/dev/null && nmc connection up rig-veth >/dev/null
tap_check "the veth is NetworkManager's, activated" sh -c 'nmcli -g GENERAL.STATE connection show rig-veth | grep -qx activated'
before=$(rig_client_state)

# ---- a connection without known-hosts is refused, with a reason.
nmc connection add type vpn vpn-type org.freedesktop.NetworkManager.sshtun con-name st-nokh ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY" >/dev/null
if nmc connection up st-nokh >"$D/up-nokh.out" 2>&1; then
	tap_not_ok "without known-hosts the connection is refused"
else
	tap_check "without known-hosts the connection is refused, and the log says why" \
		grep -q 'no known-hosts file' "$D/nm.log"
fi
nmc connection delete st-nokh >/dev/null 2>&1

# ---- a tunnel that fails (the server's key is not in known-hosts): NetworkManager is told, the log says why.
: >"$D/known_hosts.empty"
nmc connection add type vpn vpn-type org.freedesktop.NetworkManager.sshtun con-name st-badkey ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY, known-hosts=$D/known_hosts.empty" >/dev/null
if nmc connection up st-badkey >"$D/up-badkey.out" 2>&1; then
	tap_not_ok "an unknown host key fails the connection"
else
	tap_check "an unknown host key fails the connection, with the library's reason in the log" sh -c "
		grep -q 'nm-sshtun-service.*the tunnel failed: .*host key' $D/nm.log &&
		! nmcli -g GENERAL.STATE connection show st-badkey 2>/dev/null | grep -q activated &&
		[ -z \"\$(ip -n $RIG_NS_C -o link show type tun 2>/dev/null)\" ]" ||
		grep 'nm-sshtun-service\[' "$D/nm.log" | tap_diag
fi
nmc connection delete st-badkey >/dev/null 2>&1

# ---- up.
nmc connection add type vpn vpn-type org.freedesktop.NetworkManager.sshtun con-name st ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY, known-hosts=$RIG_KNOWN_HOSTS, remote-command=sshtun-server" \
	>/dev/null
if nmc connection up st >"$D/up.out" 2>&1; then
	tap_ok "nmcli connection up of an sshtun connection"
else
	tap_not_ok "nmcli connection up of an sshtun connection"
	tap_diag <"$D/up.out"
	show_logs
	tap_done
	exit 1
fi
nmcli connection show st >"$D/show.txt" 2>&1
tap_check "NetworkManager says activated, VPN connected; the service handed over the tunnel's configuration" sh -c "
	grep -q '^GENERAL.STATE: *activated' $D/show.txt && grep -q '^VPN.VPN-STATE: *.*VPN connected' $D/show.txt &&
	grep -q 'nm-sshtun-service.*tunnel up on tun[0-9]* (server $RIG_SERVER_IP)' $D/nm.log" || grep '^GENERAL.STATE\|^VPN\.' "$D/show.txt" | tap_diag
dev=$(rig_devs "$RIG_NS_C" tun | head -n 1)
nmcli -e no -g IP4.ADDRESS,IP4.ROUTE,IP4.DNS,IP4.DOMAIN,IP6.ADDRESS,IP6.ROUTE connection show st >"$D/ipcfg.txt" 2>&1
tap_check "NetworkManager took sshtun's configuration: addresses, routes, DNS, domain" sh -c "
	grep -q '198.18.96.2/32' $D/ipcfg.txt && grep -q 'dst = 198.18.97.0/24' $D/ipcfg.txt &&
	grep -q '198.18.96.53' $D/ipcfg.txt && grep -q 'vpn.example' $D/ipcfg.txt &&
	grep -q 'fd00:96::2/128' $D/ipcfg.txt && grep -q 'dst = fd00:97::/64' $D/ipcfg.txt" ||
	tap_diag <"$D/ipcfg.txt"
tap_check "the device ($dev) as NetworkManager applied it: up, MTU 1400, IPv4 and IPv6 point-to-point" sh -c "
	ip -n $RIG_NS_C -o link show dev $dev | grep -q ',UP' && ip -n $RIG_NS_C -o link show dev $dev | grep -q 'mtu 1400' &&
	ip -n $RIG_NS_C -o addr show dev $dev | grep -q 'inet 198.18.96.2 peer 198.18.96.1/32' &&
	ip -n $RIG_NS_C -o addr show dev $dev | grep -q 'inet6 fd00:96::2 peer fd00:96::1/128'"
tap_check "the routes sshtun-server pushed are on the device, and no default route is" sh -c "
	ip -n $RIG_NS_C route show 198.18.97.0/24 | grep -q 'dev $dev' &&
	ip -n $RIG_NS_C -6 route show fd00:97::/64 | grep -q 'dev $dev' &&
	! ip -n $RIG_NS_C route show default | grep -q 'dev $dev'"
tap_check "ping through the tunnel (IPv4 and IPv6)" sh -c "
	ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null && ip netns exec $RIG_NS_C ping -c 2 -W 2 fd00:96::1 >/dev/null"
tap_check "a TCP transfer through the tunnel, byte for byte (1 MiB)" rig_transfer up 1 198.18.96.1 198.18.96.2

# ---- the server's session dies: sshtun reconnects under NetworkManager, which keeps the connection activated.
idx0=$(ip netns exec "$RIG_NS_C" cat "/sys/class/net/$dev/ifindex" 2>/dev/null)
kill -KILL "$(rig_sshd_session_pid)" 2>/dev/null
if rig_wait 30 ip netns exec "$RIG_NS_C" ping -c 1 -W 1 198.18.96.1; then
	tap_ok "sshd's session killed: reconnected, pings cross again"
	tap_check "after the reconnect: NetworkManager still has it activated, on the same device ($dev)" sh -c "
		nmcli -g GENERAL.STATE connection show st | grep -qx activated &&
		[ \"\$(ip netns exec $RIG_NS_C cat /sys/class/net/$dev/ifindex)\" = '$idx0' ] &&
		ip -n $RIG_NS_C -o addr show dev $dev | grep -q 'inet 198.18.96.2 peer 198.18.96.1/32'"
else
	tap_not_ok "sshd's session killed: reconnected, pings cross again"
	show_logs
fi

# ---- down.
tap_check "nmcli connection down" nmc connection down st
tap_check "down: the device, its addresses and routes are gone; the namespace is as before" sh -c "
	for i in \$(seq 100); do [ -z \"\$(ip -n $RIG_NS_C -o link show dev $dev 2>/dev/null)\" ] && break; sleep 0.1; done
	[ -z \"\$(ip -n $RIG_NS_C -o link show dev $dev 2>/dev/null)\" ] && ! ip -n $RIG_NS_C route show | grep -q 198.18.97 &&
	! ip -n $RIG_NS_C -6 route show | grep -q fd00:97"
service_gone() {
	local pid

	for pid in $(ip netns pids "$RIG_NS_C" 2>/dev/null); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = nm-sshtun-servi ] && return 1
	done
	return 0
}
closed_and_gone() {
	local pid

	pid=$(sed -n 's/^nm-sshtun-service\[\([0-9]*\)\]: tunnel up on .*/\1/p' "$D/nm.log" | head -n 1)
	[ -n "$pid" ] && rig_wait 10 grep -q "^nm-sshtun-service\[$pid\]: the tunnel is closed" "$D/nm.log" &&
		! grep -q "^nm-sshtun-service\[$pid\]: the tunnel failed" "$D/nm.log" && rig_wait 10 service_gone
}
tap_check "down: the service closed the tunnel (no failure reported) and exited" closed_and_gone ||
	grep 'nm-sshtun-service\[' "$D/nm.log" | tap_diag
after=$(rig_client_state)
if [ "$before" = "$after" ]; then
	tap_ok "down: the client namespace's addresses, routes and links are as before up"
else
	tap_not_ok "down: the client namespace's addresses, routes and links are as before up"
	diff <(echo "$before") <(echo "$after") | tap_diag
fi
server_tun_gone() {
	[ -z "$(rig_devs "$RIG_NS_S" tun)" ]
}
tap_check "down: the server's side was undone (sshtun-server's device gone)" rig_wait 10 server_tun_gone

state_as_before() {
	[ "$(rig_client_state)" = "$before" ]
}
# ---- TunnelRoute default (vpn.data routes=default): NetworkManager's own default route through the tunnel instead
# of sshtun's half-default routes. (The server is on the veth's subnet here, so this does not test the route to the
# external gateway NetworkManager keeps off the tunnel for a server further away.)
nmc connection add type vpn vpn-type org.freedesktop.NetworkManager.sshtun con-name st-def ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY, known-hosts=$RIG_KNOWN_HOSTS, remote-command=sshtun-server, routes=default" \
	>/dev/null
if nmc connection up st-def >"$D/up-def.out" 2>&1; then
	dev=$(rig_devs "$RIG_NS_C" tun | head -n 1)
	tap_check "routes=default: the default route is NetworkManager's through $dev, no half-default routes" sh -c "
		ip -n $RIG_NS_C route show default | head -n 1 | grep -q 'dev $dev' &&
		ip -n $RIG_NS_C route get $RIG_SERVER_IP | grep -q 'dev veth0' &&
		! ip -n $RIG_NS_C route show | grep -q '^0.0.0.0/1\\|^128.0.0.0/1'" ||
		ip -n "$RIG_NS_C" route show | tap_diag
	tap_check "routes=default: a ping through the tunnel, and again 3 s later" \
		sh -c "ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null && sleep 3 &&
			ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null"
	nmc connection down st-def >/dev/null 2>&1
	tap_check "routes=default: down, the namespace is as before (the default route on the veth again)" \
		rig_wait 10 state_as_before || diff <(echo "$before") <(rig_client_state) | tap_diag
else
	tap_not_ok "routes=default: nmcli connection up"
	tap_diag <"$D/up-def.out"
	show_logs
fi

# ---- nothing left.
nm_down
tap_check "nothing left: NetworkManager and the bus ended, no mount on the host, the temp dir gone" sh -c "
	! kill -0 $NM_PID 2>/dev/null && ! kill -0 $DBUS_PID 2>/dev/null &&
	[ \"\$(pgrep -x NetworkManager | sort | tr '\n' ' ')\" = '$host_nm_before' ] &&
	! grep -q '$D\\|$VPNDIR' /proc/self/mounts && [ ! -e '$D' ]"
tap_done
