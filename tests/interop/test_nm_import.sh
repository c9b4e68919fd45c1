#!/bin/bash
# sshtun: interop: the NetworkManager editor plugin (nm/nm-sshtun-editor-plugin.c, build/nm/libnm-vpn-plugin-sshtun.so)
# through nmcli, with a real NetworkManager in the rig's client namespace (tests/rig/nm.sh). `nmcli connection
# import type sshtun file F` of an ssh_config file: a plain Host block gives the vpn.data written out below; one
# whose user, key and known_hosts come from a Host * block, a Match block and an Include (so libsshtun's parser did
# the work) comes up under NetworkManager and a ping crosses; `nmcli connection export` writes a Host block that
# imports back to the same vpn.data; a file with ProxyCommand is refused naming it, one that does not parse with
# the parser's file:line and reason, one without a plain Host name with that said; the plugin exports only its
# factory, and libnm's loader finds its name, service and capabilities, and the GTK page's library beside it
# (build/nm/plugin_probe, with a stand-in library; without one, the error saying so); sshtun -G prints the values. Prints "ok - NAME" / "not ok - NAME". NM_TEST_LOG=FILE keeps NetworkManager's log.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
. tests/rig/nm.sh
nm_rig_check || exit 1
PLUGIN=$NM_SVC_DIR/libnm-vpn-plugin-sshtun.so
if [ ! -f "$PLUGIN" ]; then
	echo "not ok - the editor plugin: $PLUGIN not built (apt-get install libnm-dev; ./configure --with-networkmanager; make)"
	exit 1
fi
rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
trap 'nm_rig_down' EXIT
trap 'nm_rig_down; exit 130' INT
trap 'nm_rig_down; exit 143' TERM
D=$RIG_DIR/nm
F=$RIG_DIR/import
mkdir -p "$F"
chmod 700 "$F"
printf 'command="sshtun-server --client 198.18.96.2 --server 198.18.96.1 --mtu 1400 --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
nm_rig_up || exit 1

# The plugin's dynamic symbols: its factory and nothing else (the libsshtun.a inside stays hidden).
exported=$(readelf --dyn-syms -W "$PLUGIN" | awk '$1 ~ /^[0-9]+:$/ && $5 != "LOCAL" && $7 != "UND" && $8 != "" { print $8 }' | sort -u)
if [ "$exported" = nm_vpn_editor_plugin_factory ]; then
	tap_ok "the plugin exports only nm_vpn_editor_plugin_factory"
else
	tap_not_ok "the plugin exports only nm_vpn_editor_plugin_factory"
	echo "$exported" | head -n 20 | tap_diag
fi

# libnm's loader (as nmcli uses it) on copies of the plugin alone, and beside a stand-in for the GTK page's library.
PROBE=$NM_SVC_DIR/plugin_probe
mkdir -p "$F/alone" "$F/paged"
cp "$PLUGIN" "$F/alone/" && cp "$PLUGIN" "$NM_SVC_DIR/stand-in/libnm-vpn-plugin-sshtun-editor.so" "$F/paged/"
"$PROBE" "$F/alone/libnm-vpn-plugin-sshtun.so" >"$F/alone.out" 2>&1
"$PROBE" "$F/paged/libnm-vpn-plugin-sshtun.so" >"$F/paged.out" 2>&1
tap_check "libnm loads the plugin: name sshtun, its service, import, export and IPv6, a file name from the id; again after closing it" sh -c "
	grep -qx 'name: sshtun' '$F/alone.out' && grep -qx 'service: org.freedesktop.NetworkManager.sshtun' '$F/alone.out' &&
	grep -qx 'capabilities: import export ipv6' '$F/alone.out' && grep -qx 'suggested: office_vpn.ssh_config' '$F/alone.out' &&
	grep -qx 'reload: ok' '$F/alone.out'" ||
	tap_diag <"$F/alone.out"
tap_check "without the GTK page's library beside it, the editor is refused saying so" \
	grep -qx "editor: this build has no GTK editor page ($F/alone/libnm-vpn-plugin-sshtun-editor.so is not installed); use nmcli" \
	"$F/alone.out" || tap_diag <"$F/alone.out"
tap_check "with a library beside it, the plugin calls its nm_vpn_editor_factory_sshtun with the connection" \
	grep -qx "editor: stand-in page asked for office/vpn" "$F/paged.out" || tap_diag <"$F/paged.out"

# Odd values through the plugin alone (libnm's own import and export calls): a name with a blank, paths with
# blanks, quotes and %, a command with quotes; the export imports back to the same id and vpn.data.
odd=("host=h%1.example.org" "port=2200" "identity-file=$F/a dir/key%d" "known-hosts=$F/k \"q\"" "tunnel-mode=tun"
	"remote-command=sshtun-server --pool '10.0.0.0/24'" "routes=10.1.0.0/16 fd00:1::/64"
	"extra-options=IdentityFile \"$F/b dir/k2\";Ciphers aes128-ctr")
"$PROBE" "$PLUGIN" export "$F/odd.conf" "My VPN" "${odd[@]}" >"$F/odd-export.out" 2>&1
"$PROBE" "$PLUGIN" import "$F/odd.conf" >"$F/odd.out" 2>&1
if [ "$(cat "$F/odd.out")" = "$(printf 'id: My VPN\n'; printf '%s\n' "${odd[@]}" | sort)" ]; then
	tap_ok "odd values (a blank in the name, blanks, quotes and % in paths, a quoted command) export and import back"
else
	tap_not_ok "odd values (a blank in the name, blanks, quotes and % in paths, a quoted command) export and import back"
	cat "$F/odd-export.out" "$F/odd.conf" "$F/odd.out" | tap_diag
fi
"$PROBE" "$PLUGIN" export "$F/star.conf" "vpn-*" "host=x" >"$F/star.out" 2>&1
tap_check "export refuses a connection name that would be a pattern" \
	grep -q 'the connection.s name "vpn-\*" cannot name a Host block' "$F/star.out" || tap_diag <"$F/star.out"
# Every keyword a connection cannot carry refuses the import by its name (one file each).
bad=
for kw in "ProxyCommand nc %h %p" "LocalCommand touch /tmp/x" "TunnelDownCommand true" "PermitLocalCommand yes" \
	"HostKeyAlias other" "GlobalKnownHostsFile $F/gkh" "StrictHostKeyChecking accept-new" \
	"StrictHostKeyChecking no" "UserKnownHostsFile $F/kh1 $F/kh2" "TunnelKillSwitch yes" "TunnelSeccomp yes" \
	"Tunnel ethernet
	TunnelBridge br0"; do
	printf 'Host vpn-r\n\tHostName x.example\n\t%s\n' "$kw" >"$F/r.conf"
	"$PROBE" "$PLUGIN" import "$F/r.conf" >"$F/r.out" 2>&1
	name=${kw##*$'\t'}
	name=${name%% *}
	if ! grep -q "^error: $name" "$F/r.out"; then
		bad="$bad[$kw: $(cat "$F/r.out" | tr '\n' ' ')] "
	fi
done
if [ -z "$bad" ]; then
	tap_ok "each keyword a connection cannot carry refuses the import, by name (12 files)"
else
	tap_not_ok "each keyword a connection cannot carry refuses the import, by name (12 files)"
	echo "$bad" | tap_diag
fi
printf 'Host vpn-ok\n\tHostName x.example\n\tStrictHostKeyChecking yes\n\tProxyCommand none\n\tPermitLocalCommand no\n' \
	>"$F/ok.conf"
"$PROBE" "$PLUGIN" import "$F/ok.conf" >"$F/ok.out" 2>&1
tap_check "their harmless values (StrictHostKeyChecking yes, ProxyCommand none, PermitLocalCommand no) import" \
	sh -c "[ \"\$(cat '$F/ok.out')\" = 'id: vpn-ok
host=x.example' ]" || tap_diag <"$F/ok.out"

# vpn.data as "key = value" lines, sorted (nmcli -g prints them on one line, separated by ", ", with ':' escaped).
vpn_data() {
	nmcli -g vpn.data connection show "$1" 2>&1 | sed -e 's/, \([a-z-]* = \)/\n\1/g' -e 's/\\:/:/g' | sort
}

# import FILE -> the output of nmcli (and its status).
import() {
	nmc connection import type sshtun file "$1" >"$D/import.out" 2>&1
}

check_data() {	# NAME CONNECTION EXPECTED
	local got

	got=$(vpn_data "$2")
	if [ "$got" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		diff <(echo "$3") <(echo "$got") | tap_diag
	fi
}

# ---- a plain Host block: every item the service takes, and a safe keyword into extra-options.
cat >"$F/simple.conf" <<EOF
# An ssh_config file as a user has it.
Host other-*
	Port 1
Host vpn-simple elsewhere
	HostName %h.example.org
	Port 2222
	User alice
	IdentityFile $F/id_simple
	UserKnownHostsFile $F/known_hosts_simple
	Tunnel ethernet
	TunnelConfigCommand sshtun-server --pool 10.0.0.0/24
	ProxyJump bob@jump.example.org:2200
	TunnelMTU 1380
	TunnelAddress 10.7.0.2/24
	TunnelRoute 10.8.0.0/16 10.9.0.0/16
	Ciphers aes256-gcm@openssh.com
EOF
if import "$F/simple.conf"; then
	tap_ok "nmcli connection import type sshtun of a plain Host block"
	check_data "its vpn.data: every keyword the service takes, the safe one in extra-options" vpn-simple \
"extra-options = Ciphers aes256-gcm@openssh.com
host = vpn-simple.example.org
identity-file = $F/id_simple
jump-hosts = bob@jump.example.org:2200
known-hosts = $F/known_hosts_simple
local-address = 10.7.0.2/24
mtu = 1380
port = 2222
remote-command = sshtun-server --pool 10.0.0.0/24
routes = 10.8.0.0/16 10.9.0.0/16
tunnel-mode = tap
user = alice"
	tap_check "the imported connection: id vpn-simple, service sshtun, IPv4 and IPv6 auto" sh -c "
		[ \"\$(nmcli -g connection.id,connection.type,vpn.service-type,ipv4.method,ipv6.method connection show vpn-simple)\" = \
'vpn-simple
vpn
org.freedesktop.NetworkManager.sshtun
auto
auto' ]"
else
	tap_not_ok "nmcli connection import type sshtun of a plain Host block"
	tap_diag <"$D/import.out"
fi

# ---- user, key and known_hosts from a Match block, a Host * block and an Include: the library's parser at work.
cat >"$F/routes.conf" <<EOF
Host vpn-*
	TunnelRoute 198.18.98.0/24
EOF
cat >"$F/wild.conf" <<EOF
Host vpn-wild
	HostName $RIG_SERVER_IP
	TunnelConfigCommand sshtun-server
	TunnelAddress 198.18.96.2
	TunnelPeer 198.18.96.1
Include $F/routes.conf
Match originalhost vpn-*
	UserKnownHostsFile $RIG_KNOWN_HOSTS
Host *
	User root
	IdentityFile $RIG_KEY
	IdentityFile ~/.ssh/id_second_%r
	ServerAliveInterval 15
EOF
wild_data="extra-options = IdentityFile $HOME/.ssh/id_second_root;ServerAliveInterval 15
host = $RIG_SERVER_IP
identity-file = $RIG_KEY
known-hosts = $RIG_KNOWN_HOSTS
local-address = 198.18.96.2
remote-address = 198.18.96.1
remote-command = sshtun-server
routes = 198.18.98.0/24
user = root"
if import "$F/wild.conf"; then
	tap_ok "import of a block whose user, key and known_hosts come from Host *, Match and Include"
	check_data "its vpn.data: what the whole file gives the alias (~ and %r expanded, the second key in extra-options)" \
		vpn-wild "$wild_data"
else
	tap_not_ok "import of a block whose user, key and known_hosts come from Host *, Match and Include"
	tap_diag <"$D/import.out"
fi
# sshtun -G shows the same values through the same call (sshtun_get_option), with the defaults too.
if [ -x ./sshtun ]; then
	./sshtun -G -F "$F/wild.conf" vpn-wild >"$F/G.out" 2>&1
	tap_check "sshtun -G vpn-wild prints what the import took, and the defaults, as ssh -G does" sh -c "
		grep -qx 'hostname $RIG_SERVER_IP' '$F/G.out' && grep -qx 'user root' '$F/G.out' &&
		[ \"\$(grep '^identityfile ' '$F/G.out')\" = 'identityfile $RIG_KEY
identityfile $HOME/.ssh/id_second_root' ] &&
		grep -qx 'tunnelroute 198.18.98.0/24' '$F/G.out' && grep -qx 'port 22' '$F/G.out' &&
		grep -qx 'tunnel point-to-point' '$F/G.out' && ! grep -q '^proxycommand' '$F/G.out'" || tap_diag <"$F/G.out"
fi
if nmc connection up vpn-wild >"$D/up.out" 2>&1; then
	tap_ok "nmcli connection up of the imported connection"
	tap_check "a ping through its tunnel" ip netns exec "$RIG_NS_C" ping -c 2 -W 2 198.18.96.1
	nmc connection down vpn-wild >/dev/null 2>&1
else
	tap_not_ok "nmcli connection up of the imported connection"
	tap_diag <"$D/up.out"
	nm_show_logs
fi

# ---- export, and the export imported back.
if nmc connection export vpn-wild "$F/exported.conf" >"$D/export.out" 2>&1; then
	tap_check "nmcli connection export writes a Host block named after the connection" \
		sh -c "grep -v '^#' '$F/exported.conf' | head -n 1 | grep -qx 'Host vpn-wild'" || tap_diag <"$F/exported.conf"
	[ -n "${NM_IMPORT_VERBOSE:-}" ] && tap_diag <"$F/exported.conf"
	nmc connection delete vpn-wild >/dev/null 2>&1
	if import "$F/exported.conf"; then
		check_data "the exported file imports back to the same vpn.data" vpn-wild "$wild_data"
	else
		tap_not_ok "the exported file imports back to the same vpn.data"
		tap_diag <"$D/import.out"
	fi
	nmc connection export vpn-simple "$F/exported-simple.conf" >/dev/null 2>&1
	before=$(vpn_data vpn-simple)
	nmc connection delete vpn-simple >/dev/null 2>&1
	import "$F/exported-simple.conf"
	check_data "the plain block exported and imported back: the same vpn.data" vpn-simple "$before"
else
	tap_not_ok "nmcli connection export writes a Host block named after the connection"
	tap_diag <"$D/export.out"
fi

# ---- refused: ProxyCommand, a file that does not parse, a file without a plain Host name.
refused() {	# NAME FILE PATTERN CONNECTION
	if import "$2"; then
		tap_not_ok "$1"
		tap_diag <"$D/import.out"
	elif grep -q -- "$3" "$D/import.out" && ! nmcli -g connection.id connection show "$4" >/dev/null 2>&1; then
		tap_ok "$1"
		[ -n "${NM_IMPORT_VERBOSE:-}" ] && tap_diag <"$D/import.out"
	else
		tap_not_ok "$1"
		tap_diag <"$D/import.out"
	fi
}
printf 'Host vpn-pc\n\tHostName %s\n\tProxyCommand nc %%h %%p\n' "$RIG_SERVER_IP" >"$F/proxy.conf"
refused "a file with ProxyCommand is refused, the message naming it" "$F/proxy.conf" "ProxyCommand nc %h %p: " vpn-pc
printf 'Host vpn-bad\n\tHostName %s\n\tNoSuchKeyword yes\n' "$RIG_SERVER_IP" >"$F/bad.conf"
refused "a file that does not parse is refused with the parser's reason" "$F/bad.conf" \
	"bad.conf:3: Bad configuration option: NoSuchKeyword" vpn-bad
printf 'Host *.example.org !x.example.org\n\tUser root\n' >"$F/wildonly.conf"
refused "a file without a plain Host name is refused, saying so" "$F/wildonly.conf" \
	"no Host block names a host without wildcards" '*.example.org'

nm_rig_down
nm_nothing_left
tap_done
