#!/bin/bash
# sshtun: interop: NetworkManager's VPN service (nm/nm-sshtun-service) end to end, with a real NetworkManager.
# NetworkManager runs in the rig's client namespace on a private bus (tests/rig/nm.sh). The rig's sshd runs
# sshtun-server as the key's forced command, which hands out IPv4 and IPv6 addresses, an MTU, routes, DNS and a
# domain. `nmcli connection up` of an sshtun connection (vpn-type sshtun, the .name file's short name):
# activated, the device has what sshtun-server handed out as NetworkManager applied it, a ping and a byte-exact
# TCP transfer cross, and `nmcli connection down` removes the device, its addresses and routes, and the service
# ends. Also: a connection without known-hosts is refused with its reason, one whose known-hosts lacks the
# server's key fails with the library's reason; routes=default gives NetworkManager's default route through the
# tunnel. NM_TEST_LOG=FILE keeps NetworkManager's log (with the service's lines).
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
. tests/rig/nm.sh
nm_rig_check || exit 1
rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
OWNER=sshtun-o$$
cleanup() {
	nm_rig_down
	getent passwd "$OWNER" >/dev/null && userdel "$OWNER" 2>/dev/null
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
D=$RIG_DIR/nm
# The forced command: sshtun-server handing out addresses, the MTU, routes (and $1 further arguments), DNS.
forced() {
	printf 'command="sshtun-server --client 198.18.96.2 --server 198.18.96.1 --client6 fd00:96::2 --server6 fd00:96::1 --mtu 1400 --route 198.18.97.0/24 --route fd00:97::/64 %s--dns 198.18.96.53 --domain vpn.example --state-dir %s/state" %s\n' \
		"${1:-}" "$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
}
forced
nm_rig_up || exit 1
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
nmc connection add type vpn vpn-type sshtun con-name st ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY, known-hosts=$RIG_KNOWN_HOSTS, remote-command=sshtun-server" \
	>/dev/null
if nmc connection up st >"$D/up.out" 2>&1; then
	tap_ok "nmcli connection up of an sshtun connection"
else
	tap_not_ok "nmcli connection up of an sshtun connection"
	tap_diag <"$D/up.out"
	nm_show_logs
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
	nm_show_logs
fi

# ---- the server hands out another route on the next connection: NetworkManager gets the changed configuration.
forced "--route 198.18.98.0/24 "
kill -KILL "$(rig_sshd_session_pid)" 2>/dev/null
if rig_wait 30 sh -c "ip -n $RIG_NS_C route show 198.18.98.0/24 | grep -q 'dev $dev'"; then
	tap_check "reconnected with another route from the server: NetworkManager set it, still activated, same device" sh -c "
		nmcli -g GENERAL.STATE connection show st | grep -qx activated &&
		nmcli -e no -g IP4.ROUTE connection show st | grep -q 'dst = 198.18.98.0/24' &&
		[ \"\$(ip netns exec $RIG_NS_C cat /sys/class/net/$dev/ifindex)\" = '$idx0' ] &&
		grep -q 'nm-sshtun-service.*reconnected with a changed IP configuration' $D/nm.log"
else
	tap_not_ok "reconnected with another route from the server: NetworkManager set it"
	nm_show_logs
fi
forced

# ---- down.
tap_check "nmcli connection down" nmc connection down st
tap_check "down: the device, its addresses and routes are gone; the namespace is as before" sh -c "
	for i in \$(seq 100); do [ -z \"\$(ip -n $RIG_NS_C -o link show dev $dev 2>/dev/null)\" ] && break; sleep 0.1; done
	[ -z \"\$(ip -n $RIG_NS_C -o link show dev $dev 2>/dev/null)\" ] && ! ip -n $RIG_NS_C route show | grep -q 198.18.97 &&
	! ip -n $RIG_NS_C -6 route show | grep -q 'fd00:97' && ! ip -n $RIG_NS_C route show | grep -q 198.18.98"
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
	nm_show_logs
fi

# ---- jump-hosts: the rig's sshd is the jump host to itself (its direct-tcpip channel to its own address). The
# jump host is checked against the connection's known-hosts and logged in with its key, as the server is: the
# service gives those as configuration text that jump hosts read too (root's own files have neither).
logins_before=$(grep -c 'Accepted publickey for root' "$RIG_DIR/sshd.log")
nmc connection add type vpn vpn-type sshtun con-name st-jump ifname '*' \
	vpn.data "host=$RIG_SERVER_IP, user=root, identity-file=$RIG_KEY, known-hosts=$RIG_KNOWN_HOSTS, remote-command=sshtun-server, jump-hosts=root@$RIG_SERVER_IP" \
	>/dev/null
if nmc connection up st-jump >"$D/up-jump.out" 2>&1; then
	tap_check "jump-hosts: up through the jump host, a ping crosses" \
		ip netns exec "$RIG_NS_C" ping -c 2 -W 2 198.18.96.1
	tap_check "jump-hosts: two logins, the jump host's from the client and the server's through it" sh -c "
		tail -n +1 $RIG_DIR/sshd.log | grep 'Accepted publickey for root' | tail -n +$((logins_before + 1)) >$D/jump-logins &&
		grep -q 'from $RIG_CLIENT_IP' $D/jump-logins && grep -q 'from $RIG_SERVER_IP' $D/jump-logins" ||
		tap_diag <"$D/jump-logins"
	nmc connection down st-jump >/dev/null 2>&1
	tap_check "jump-hosts: down, the namespace is as before" rig_wait 10 state_as_before
else
	tap_not_ok "jump-hosts: up through the jump host"
	tap_diag <"$D/up-jump.out"
	nm_show_logs
fi

# ---- a connection with an owner (permissions user:NAME): the owner's ~/.ssh/known_hosts and ssh-agent, with
# the owner's rights. The agent runs as the owner at /run/user/UID/openssh_agent in NetworkManager's mount
# namespace (its /run is the test's); the owner has a (fake) login session there so NetworkManager shows the
# connection. The owner's home has no key file: the login is by the agent.
chmod 711 "$RIG_DIR"
H=$RIG_DIR/owner
if useradd -M -d "$H" -s /usr/sbin/nologin -U "$OWNER"; then
	ouid=$(id -u "$OWNER")
	mkdir -p "$H/.ssh" "$D/agentkey"
	cp "$RIG_KNOWN_HOSTS" "$H/.ssh/known_hosts"
	cp "$RIG_KEY" "$D/agentkey/key"
	chown -R "$OWNER:" "$H" "$D/agentkey"
	chmod 700 "$H" "$H/.ssh" "$D/agentkey"
	chmod 711 "$D"
	nsenter -t "$NM_PID" -m -n -- sh -c "
		mkdir -p /run/user/$ouid /run/systemd/users && chown $OWNER: /run/user/$ouid && chmod 700 /run/user/$ouid &&
		printf 'NAME=$OWNER\nSTATE=active\nSESSIONS=c1\nONLINE_SESSIONS=c1\nACTIVE_SESSIONS=c1\n' >/run/systemd/users/$ouid &&
		setpriv --reuid=$ouid --regid=$ouid --clear-groups env HOME=$H ssh-agent -a /run/user/$ouid/openssh_agent >/dev/null &&
		setpriv --reuid=$ouid --regid=$ouid --clear-groups env HOME=$H SSH_AUTH_SOCK=/run/user/$ouid/openssh_agent \
			ssh-add -q $D/agentkey/key" >"$D/agent.out" 2>&1 || tap_diag <"$D/agent.out"
	rm -f "$D/agentkey/key"
	nmc connection add type vpn vpn-type sshtun con-name st-own ifname '*' connection.permissions "user:$OWNER" \
		vpn.data "host=$RIG_SERVER_IP, user=root, remote-command=sshtun-server" >/dev/null
	if nmc connection up st-own >"$D/up-own.out" 2>&1; then
		tap_check "owner: up with the owner's known_hosts and agent (no key file, no known-hosts item), a ping crosses" sh -c "
			ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null &&
			grep -q \"nm-sshtun-service.*using $OWNER's agent at /run/user/$ouid/openssh_agent\" $D/nm.log"
		nmc connection down st-own >/dev/null 2>&1
		rig_wait 10 state_as_before
	else
		tap_not_ok "owner: up with the owner's known_hosts and agent"
		tap_diag <"$D/up-own.out"
		nm_show_logs
	fi
	# The owner names root's key file: read with the owner's rights, it is refused (root could read it).
	nmc connection add type vpn vpn-type sshtun con-name st-own-rootkey ifname '*' connection.permissions "user:$OWNER" \
		vpn.data "host=$RIG_SERVER_IP, user=root, remote-command=sshtun-server, identity-file=$RIG_KEY, agent=none" >/dev/null
	if nmc connection up st-own-rootkey >"$D/up-rootkey.out" 2>&1; then
		tap_not_ok "owner: root's key file named by the owner's connection is refused"
		nmc connection down st-own-rootkey >/dev/null 2>&1
	else
		tap_check "owner: root's key file named by the owner's connection is not read (permission denied)" sh -c "
			grep -q 'nm-sshtun-service.*$RIG_KEY.*[Pp]ermission denied' $D/nm.log &&
			[ -z \"\$(ip -n $RIG_NS_C -o link show type tun)\" ]" || nm_show_logs
	fi
	nmc connection delete st-own st-own-rootkey >/dev/null 2>&1
else
	tap_not_ok "owner: useradd $OWNER"
fi

# ---- nothing left.
nm_rig_down
nm_nothing_left
tap_done
