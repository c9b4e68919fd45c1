#!/bin/bash
# sshtun: interop: least privilege (issue 15). Run as root, sshtun opens the device as root and then becomes an
# ordinary user keeping CAP_NET_ADMIN alone: /proc shows the user's uid and gid and that one capability during a
# transfer; a ping and a byte-exact transfer cross; SIGHUP reconnects as the user with the device kept; at stop
# the device, its route and the kill switch's table are gone. As sudo leaves it (SUDO_UID, HOME=/root), sshtun
# becomes the invoking user and uses that user's ~/.ssh (config, key, known_hosts); with the tunnel's DNS going to
# resolv.conf it keeps the file rights that needs, exactly, and puts the file back as root's. --user for a user
# that does not exist is one line and status 2.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
for c in nc nft useradd userdel; do
	command -v $c >/dev/null || { echo "not ok - $c: missing"; exit 1; }
done

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
# An ordinary user of our own, its home in the rig's directory; removed on any exit, as the rig is.
PD_USER=st-pd-$$
NETNS_ETC=
cleanup() {
	[ -n "$NETNS_ETC" ] && rm -rf -- "$NETNS_ETC"
	rig_down
	getent passwd "$PD_USER" >/dev/null && userdel "$PD_USER" 2>/dev/null
	getent group "$PD_USER" >/dev/null && groupdel "$PD_USER" 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
chmod 711 "$RIG_DIR"
U=$RIG_DIR/home
useradd -M -d "$U" -s /usr/sbin/nologin -U "$PD_USER" || { echo "not ok - useradd $PD_USER"; exit 1; }
PD_UID=$(id -u "$PD_USER")
PD_GID=$(id -g "$PD_USER")
# The user's own ~/.ssh: the rig's key and known_hosts, and a config naming neither (the defaults find them).
mkdir -p "$U/.ssh" "$U/run"
cp "$RIG_KEY" "$U/.ssh/id_ed25519"
cp "$RIG_KNOWN_HOSTS" "$U/.ssh/known_hosts"
cat >"$U/.ssh/config" <<EOF
Host *
	User root
	Port $RIG_PORT
	IdentitiesOnly yes
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 10
EOF
chown -R "$PD_USER:$PD_USER" "$U"
chmod 700 "$U" "$U/.ssh"
chmod 600 "$U/.ssh/id_ed25519" "$U/.ssh/config"
SADDR=198.18.98.1
CADDR=198.18.98.2

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
}
ups() {
	grep -c "tunnel up" "$RIG_DIR/$1.log"
}
# The server's end of the newest tunnel, once sshd made it: a tun device without our address yet.
server_end() {
	local d i

	for ((i = 0; i < 100; i++)); do
		for d in $(rig_devs "$RIG_NS_S" tun); do
			if ! rig_server ip -o addr show dev "$d" | grep -q "$SADDR"; then
				rig_server ip addr add "$SADDR" peer "$CADDR" dev "$d" && rig_server ip link set "$d" up && return 0
			fi
		done
		sleep 0.1
	done
	return 1
}
# status FIELD PID: a line of /proc/PID/status, its value's fields joined by single spaces.
status() {
	awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$2/status"
}
# What root's environment holds before sudo would set it up: no SUDO_*, no agent, HOME root's. (LeakSanitizer
# cannot look into a process that gave up root: it is no longer dumpable.)
ROOT_ENV=(env -u SUDO_UID -u SUDO_GID -u SUDO_USER -u SSH_AUTH_SOCK HOME=/root USER=root LOGNAME=root
	ASAN_OPTIONS=detect_leaks=0)
# uid_is FILE ID / gid_is FILE ID: the Uid or Gid line of a saved /proc status: real, effective, saved and fs all ID.
uid_is() {
	grep -qx "Uid:[[:space:]]*$2[[:space:]]*$2[[:space:]]*$2[[:space:]]*$2" "$1"
}
gid_is() {
	grep -qx "Gid:[[:space:]]*$2[[:space:]]*$2[[:space:]]*$2[[:space:]]*$2" "$1"
}
# caps_are FILE FIELD HEX...: each capability line exactly HEX (16 digits as /proc prints them).
caps_are() {
	local f=$1 want=$2 field

	shift 2
	for field in "$@"; do
		grep -qx "$field:[[:space:]]*$want" "$f" || { grep "^$field:" "$f"; return 1; }
	done
}
killswitch_in() {
	rig_client nft list tables | grep -q sshtun_killswitch
}
no_tun() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ]
}
stopped_clean() {
	! killswitch_in && no_tun && [ "$before" = "$(rig_client_state)" ]
}
transfer_running() {
	rig_server ss -Htn state established '( sport = :5001 )' | grep -q .
}
same_device() {
	[ "$(rig_client cat "/sys/class/net/$1/ifindex" 2>/dev/null)" = "$2" ] && rig_client ping -c 2 -W 2 $SADDR
}
resolv_has() {
	rig_client cat /etc/resolv.conf | grep -qx "nameserver $1"
}
roots() {
	[ "$(stat -c %u:%g "$1")" = 0:0 ]
}
pidfile_ok() {
	[ "$(cat "$1")" = "$2" ] && [ "$(stat -c %u "$1")" = "$PD_UID" ]
}

before=$(rig_client_state)

# ---- 1. --user: CAP_NET_ADMIN alone, a transfer, a reconnect, a clean stop.
rig_client_bg drop "${ROOT_ENV[@]}" "$SSHTUN" --user "$PD_USER" -v -w any -o TunnelAddress=$CADDR/32 \
	-o TunnelPeer=$SADDR -o TunnelRoute=198.18.99.0/24 -o TunnelKillSwitch=yes "$RIG_TARGET"
pid=$RIG_LAST_PID	# ip netns exec and env exec: the program's own pid
if rig_wait 20 rig_is_up drop && server_end; then
	tap_ok "--user: tunnel up"
	# The proof: /proc during a transfer (read once the transfer's connection is established).
	(rig_transfer up 32 "$SADDR" "$CADDR") &
	xfer=$!
	rig_wait 20 transfer_running
	cp "/proc/$pid/status" "$RIG_DIR/status.during"
	echo "# /proc/$pid/status during the transfer:"
	grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+):' "$RIG_DIR/status.during" | tap_diag
	tap_check "--user: /proc shows uid $PD_UID and gid $PD_GID (real, effective, saved, fs) during the transfer" \
		eval "uid_is $RIG_DIR/status.during $PD_UID && gid_is $RIG_DIR/status.during $PD_GID"
	tap_check "--user: CapEff, CapPrm, CapInh and CapAmb are CAP_NET_ADMIN alone (0000000000001000)" \
		caps_are "$RIG_DIR/status.during" 0000000000001000 CapEff CapPrm CapInh CapAmb
	tap_check "--user: -v says who it runs as and what it keeps" grep -q \
		"running as $PD_USER (uid $PD_UID, gid $PD_GID, from --user) from here on, keeping CAP_NET_ADMIN\$" "$RIG_DIR/drop.log"
	wait "$xfer"
	tap_check "--user: 32 MiB crossed byte for byte during that" test $? = 0
	tap_check "--user: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
	tap_check "--user: the route (TunnelRoute) and the kill switch's table are in" \
		eval "rig_client ip route show 198.18.99.0/24 | grep -q . && killswitch_in"
	dev0=$(rig_devs "$RIG_NS_C" tun | head -n 1)
	idx0=$(rig_client cat "/sys/class/net/$dev0/ifindex")
	kill -HUP "$pid"
	if rig_wait 20 eval '[ "$(ups drop)" -ge 2 ]' && server_end; then
		tap_ok "--user: SIGHUP reconnects after the drop"
		tap_check "--user: the device is kept ($dev0, ifindex $idx0) and a ping crosses" same_device "$dev0" "$idx0"
		cp "/proc/$pid/status" "$RIG_DIR/status.after"
		tap_check "--user: still uid $PD_UID and CAP_NET_ADMIN alone after the reconnect" \
			eval "uid_is $RIG_DIR/status.after $PD_UID && caps_are $RIG_DIR/status.after 0000000000001000 CapEff CapPrm"
	else
		tap_not_ok "--user: SIGHUP reconnects after the drop"
		show drop
	fi
	rig_stop "$pid"
	tap_check "--user: stopped; device, route and kill switch table gone, the namespace as before" stopped_clean
else
	tap_not_ok "--user: tunnel up"
	show drop
	rig_kill "$pid"
fi

# ---- 2. As sudo leaves it: SUDO_UID/SUDO_GID/SUDO_USER, HOME root's. The user's own ~/.ssh is used; the DNS goes
# to the namespace's resolv.conf (ip netns exec mounts /etc/netns/NAME/resolv.conf over it), so the file rights
# are kept as well, exactly, and the file stays and goes back root's; --pidfile is written and removed by the user.
printf 'command="sshtun-server --client %s --server %s --dns 198.18.98.53 --state-dir %s/state" %s\n' \
	"$CADDR" "$SADDR" "$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"
NETNS_ETC=/etc/netns/$RIG_NS_C
mkdir -p "$NETNS_ETC"
printf '# the old file\nnameserver 198.18.99.99\n' >"$NETNS_ETC/resolv.conf"
cp "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.orig"
# A ProxyCommand that says who runs it: it is started inside sshtun_start, before the drop.
printf '#!/bin/sh\nid -u >%s/run/proxy.id\ngrep ^CapEff /proc/self/status >>%s/run/proxy.id\nexec nc "$1" "$2"\n' \
	"$U" "$U" >"$U/run/proxy.sh"
chmod 755 "$U/run/proxy.sh"
chown -R "$PD_USER:$PD_USER" "$U/run"
rig_client_bg sudo "${ROOT_ENV[@]}" SUDO_UID="$PD_UID" SUDO_GID="$PD_GID" SUDO_USER="$PD_USER" "$SSHTUN" -w any \
	-o TunnelConfigCommand=sshtun-server -o "ProxyCommand=$U/run/proxy.sh %h %p" --pidfile "$U/run/sshtun.pid" \
	"$RIG_SERVER_IP"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up sudo; then
	tap_ok "SUDO_UID: tunnel up with the user's ~/.ssh/config, key and known_hosts (HOME was /root)"
	cp "/proc/$pid/status" "$RIG_DIR/status.sudo"
	grep -E '^(Uid|Gid|Cap[A-Za-z]+):' "$RIG_DIR/status.sudo" | tap_diag
	tap_check "SUDO_UID: /proc shows uid $PD_UID and gid $PD_GID" \
		eval "uid_is $RIG_DIR/status.sudo $PD_UID && gid_is $RIG_DIR/status.sudo $PD_GID"
	tap_check "SUDO_UID, DNS to a file: CapEff/CapPrm CAP_NET_ADMIN CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER (100b), CapInh/CapAmb CAP_NET_ADMIN" \
		eval "caps_are $RIG_DIR/status.sudo 000000000000100b CapEff CapPrm &&
		      caps_are $RIG_DIR/status.sudo 0000000000001000 CapInh CapAmb"
	tap_check "SUDO_UID: the pushed DNS server is in resolv.conf, which stays root's" \
		eval "resolv_has 198.18.98.53 && roots $NETNS_ETC/resolv.conf"
	tap_check "SUDO_UID: the pidfile holds the pid and is the user's" pidfile_ok "$U/run/sshtun.pid" "$pid"
	tap_check "SUDO_UID: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
	tap_check "SUDO_UID: the ProxyCommand, started before the drop, ran as uid $PD_UID without capabilities" \
		eval "[ \"\$(tr '\n\t' '  ' <$U/run/proxy.id)\" = '$PD_UID CapEff: 0000000000000000 ' ]"
	rig_stop "$pid"
	tap_check "SUDO_UID: stopped; resolv.conf back byte for byte and root's, the pidfile removed, the device gone" \
		eval "cmp $RIG_DIR/resolv.orig $NETNS_ETC/resolv.conf && roots $NETNS_ETC/resolv.conf &&
		      [ ! -e $U/run/sshtun.pid ] && no_tun"
else
	tap_not_ok "SUDO_UID: tunnel up"
	show sudo
	rig_kill "$pid"
fi

# ---- 3. Usage errors: one line, status 2, nothing started.
rig_client "${ROOT_ENV[@]}" "$SSHTUN" --user "st-no-such-user-$$" -w any "$RIG_TARGET" >"$RIG_DIR/nouser.out" \
	2>"$RIG_DIR/nouser.err"
rc=$?
tap_diag <"$RIG_DIR/nouser.err"
tap_check "--user for a user that does not exist: status 2 ($rc) and one line" \
	eval "[ $rc = 2 ] && [ \$(wc -l <$RIG_DIR/nouser.err) = 1 ] && grep -q 'no such user' $RIG_DIR/nouser.err"
rig_client "${ROOT_ENV[@]}" "$SSHTUN" --user "$PD_USER" --pidfile "/run/st-pd-$$.pid" -w any "$RIG_TARGET" \
	2>"$RIG_DIR/pidfile.err"
rc=$?
tap_diag <"$RIG_DIR/pidfile.err"
tap_check "--pidfile where the user cannot write: status 2 ($rc) and one line, before anything started" \
	eval "[ $rc = 2 ] && [ \$(wc -l <$RIG_DIR/pidfile.err) = 1 ] && grep -q 'cannot write in /run' $RIG_DIR/pidfile.err &&
	      [ ! -e /run/st-pd-$$.pid ] && no_tun"
tap_done
