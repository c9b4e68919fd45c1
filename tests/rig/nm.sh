# sshtun: tests: a real NetworkManager in the rig's client namespace, for the tests of nm/ (sourced after rig.sh).
# A private system bus (a dbus-daemon of the test's own, with the distribution's policy files and ours) and
# NetworkManager run in the rig's client namespace; NetworkManager's mount namespace has tmpfs over /run and
# /var/lib/NetworkManager, its VPN directory bind-mounted from the test's (holding only the build's .name file,
# whose paths point at build/nm/), /sys read-only, and every file it reads or writes is in the test's directory.
# nmc runs nmcli in that mount namespace, so nmcli sees the same VPN directory (vpn-type sshtun, import type
# sshtun, the auth dialog for --ask). Nothing of the host is changed, nothing is left running.
#   nm_rig_check          prints "not ok" and returns 1 if NetworkManager, nmcli or the service are missing
#   nm_rig_up             after rig_up: bus, NetworkManager, the veth as its activated connection (two checks)
#   nmc ARGS...           nmcli with a time limit, in NetworkManager's mount namespace, on the private bus
#   nm_show_logs          the VPN and sshtun lines of NetworkManager's log, as diagnostics
#   nm_rig_down           rig_down (NM_TEST_LOG=FILE keeps NetworkManager's log first)
# Sets NM_DIR (the test's NetworkManager directory), NM_PID, DBUS_PID, NM_SVC_DIR (build/nm), NM_VPNDIR.

NM_SVC=${NM_SSHTUN_SERVICE:-$PWD/build/nm/nm-sshtun-service}
NM_SVC_DIR=$(dirname "$NM_SVC")
NM_BIN=/usr/sbin/NetworkManager
NM_PID=
DBUS_PID=
NM_DIR=

nm_rig_check() {
	local missing= c

	for c in "$NM_BIN" nmcli dbus-daemon nc nsenter; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	if [ -n "$missing" ]; then
		echo "not ok - NetworkManager: missing:$missing (apt-get install network-manager dbus netcat-openbsd util-linux)"
		return 1
	fi
	if [ ! -x "$NM_SVC" ]; then
		echo "not ok - nm-sshtun-service: $NM_SVC not built (apt-get install libnm-dev; ./configure --with-networkmanager; make)"
		return 1
	fi
	NM_VPNDIR=$(pkg-config --variable=vpnservicedir libnm 2>/dev/null)
	NM_VPNDIR=${NM_VPNDIR:-/usr/lib/NetworkManager/VPN}
	if [ ! -d "$NM_VPNDIR" ] || [ ! -d /var/lib/NetworkManager ]; then
		echo "not ok - NetworkManager: $NM_VPNDIR or /var/lib/NetworkManager missing (apt-get install network-manager)"
		return 1
	fi
	NM_HOST_BEFORE=$(nm_host_pids)
	return 0
}

# The NetworkManager processes that are not a test rig's (other NetworkManager tests may run at the same time).
nm_host_pids() {
	local p

	for p in $(pgrep -x NetworkManager); do
		grep -q 'sshtun-rig\.' "/proc/$p/cmdline" 2>/dev/null || echo "$p"
	done | sort | tr '\n' ' '
}

nm_rig_down() {
	# Everything runs in the client namespace: rig_down ends NetworkManager, the service (NetworkManager's
	# child), the dbus-daemon, and with NetworkManager's mount namespace its mounts; then removes $RIG_DIR.
	if [ -n "${NM_TEST_LOG:-}" ] && [ -n "$NM_DIR" ] && [ -f "$NM_DIR/nm.log" ]; then
		cp "$NM_DIR/nm.log" "$NM_TEST_LOG"
	fi
	rig_down
}

nmc() {
	timeout 90 nsenter -t "$NM_PID" -m -- nmcli "$@"
}

nm_show_logs() {
	echo "# --- NetworkManager (VPN and sshtun lines):"
	grep -i 'vpn\|sshtun' "$NM_DIR/nm.log" | tail -n 40 | tap_diag
}

nm_rig_up() {
	local D

	NM_DIR=$RIG_DIR/nm
	D=$NM_DIR
	mkdir -p "$D/policy" "$D/conf.d" "$D/sysconf.d" "$D/connections" "$D/vpn" "$D/state"
	chmod 700 "$D/connections"

	# ---- the private system bus: the distribution's policies, and ours for the service.
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$D/bus
	cp nm/nm-sshtun-service.conf "$D/policy/"
	cat >"$D/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$D/bus</listen>
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
	if ! rig_wait 10 test -S "$D/bus"; then
		echo "not ok - the private system bus did not start"
		tap_diag <"$D/dbus.log"
		return 1
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
	sed "s|@[A-Z_]*DIR@|$NM_SVC_DIR|g" nm/nm-sshtun-service.name.in >"$D/vpn/nm-sshtun-service.name"
	cat >"$D/nm-wrapper.sh" <<EOF
#!/bin/sh
# Runs inside 'ip netns exec' (a mount namespace of its own, slave to the host's): nothing mounted here is seen
# outside, and it all goes when the last process in it ends.
set -e
mount -t tmpfs -o mode=755 tmpfs /run
mount -t tmpfs -o mode=755 tmpfs /var/lib/NetworkManager
mount --bind "$D/vpn" "$NM_VPNDIR"
mount -o remount,ro /sys
exec $NM_BIN --debug --config="$D/NetworkManager.conf" --config-dir="$D/conf.d" --system-config-dir="$D/sysconf.d" \\
	--intern-config="$D/intern.conf" --state-file="$D/NetworkManager.state" --pid-file="$D/NetworkManager.pid"
EOF
	chmod 755 "$D/nm-wrapper.sh"
	ip netns exec "$RIG_NS_C" "$D/nm-wrapper.sh" >"$D/nm.log" 2>&1 &
	NM_PID=$!
	RIG_BG_PIDS="$RIG_BG_PIDS $NM_PID"
	if rig_wait 20 sh -c 'nmcli -t -f RUNNING general 2>/dev/null | grep -q running'; then
		tap_ok "NetworkManager runs in the client namespace on a private system bus"
	else
		tap_not_ok "NetworkManager runs in the client namespace on a private system bus"
		tail -n 30 "$D/nm.log" | tap_diag
		return 1
	fi
	# The path to the server: the veth, as a connection of NetworkManager's. A VPN goes over the active
	# connection that has the default route, so this one has one (to the server's side, in the test's namespace only).
	nmc connection add type ethernet con-name rig-veth ifname veth0 ipv4.method manual \
		ipv4.addresses "$RIG_CLIENT_IP/24" ipv4.gateway "$RIG_SERVER_IP" ipv6.method disabled >/dev/null &&
		nmc connection up rig-veth >/dev/null
	tap_check "the veth is NetworkManager's, activated" \
		sh -c 'nmcli -g GENERAL.STATE connection show rig-veth | grep -qx activated'
}

# nm_nothing_left: after nm_rig_down, NetworkManager and the bus ended, no mount left on the host, the temp dir gone.
nm_nothing_left() {
	tap_check "nothing left: NetworkManager and the bus ended, no mount on the host, the temp dir gone" sh -c "
		! kill -0 $NM_PID 2>/dev/null && ! kill -0 $DBUS_PID 2>/dev/null &&
		[ '$(nm_host_pids)' = '$NM_HOST_BEFORE' ] &&
		! grep -q '$NM_DIR\\|$NM_VPNDIR' /proc/self/mounts && [ ! -e '$NM_DIR' ]"
}
