#!/bin/bash
# sshtun: interop: TunnelSeccomp. With the filter on, a tunnel configured by the server's command (sshtun-server:
# addresses, DNS into the namespace's resolv.conf), LocalCommand and TunnelDownCommand, the kill switch and a small
# RekeyLimit comes up with /proc/PID/status saying "Seccomp: 2"; a byte-exact transfer each way and pings cross it,
# it rekeys, SIGUSR1 prints its line, SIGHUP and a killed sshd session are reconnected, and at stop everything is
# undone (the device, resolv.conf byte for byte, the kill switch's table; TunnelDownCommand ran) with status 0.
# The commands themselves run under the filter. The narrowest filter (nothing to run) does the same for a plain
# tunnel. A call the filter refuses: one line naming it, a clean stop, status 1; a LocalCommand it kills: a line
# naming TunnelSeccomp, the tunnel stays. Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
if ! grep -q '^#define SSHTUN_HAVE_SECCOMP 1' config.h 2>/dev/null; then
	out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelSeccomp=yes "$RIG_TARGET" 2>&1)
	rc=$?
	tap_check "a build without the filter refuses TunnelSeccomp yes with its line (status 2) # skip: the filter itself is not built" \
		sh -c "[ $rc = 2 ] && printf '%s\n' \"$out\" | grep -q 'this build has no seccomp filter'"
	rig_down
	tap_done
	exit
fi
NETNS_ETC=/etc/netns/$RIG_NS_C
cleanup() {
	[ -n "$NETNS_ETC" ] && rm -rf -- "$NETNS_ETC"
	rig_down
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
PUB=$(cat "$RIG_KEY.pub")
SADDR=198.18.73.1
CADDR=198.18.73.2
KS=0
grep -q '^#define SSHTUN_HAVE_NFTABLES 1' config.h 2>/dev/null && command -v nft >/dev/null && KS=1

show() {
	echo "# --- $1:"
	grep -v '^debug' "$RIG_DIR/$1.log" 2>/dev/null | tail -n 15 | tap_diag
}
ups() {
	grep -c "tunnel up" "$RIG_DIR/$1.log"
}
# The sshtun process (timeout(1) runs it as a child).
st_pid() {
	pgrep -x sshtun -P "$1"
}
# "Seccomp: 2" (filter mode) and at least one filter, as the kernel shows them for process $1.
filtered() {
	awk '$1 == "Seccomp:" { m = $2 } $1 == "Seccomp_filters:" { f = $2 } END { exit !(m == 2 && f >= 1) }' \
		"/proc/$1/status"
}

# ---- 1. Everything a configuration may ask for, under the filter.
mkdir -p "$NETNS_ETC"
printf '# the old file\nnameserver 198.18.99.99\noptions edns0\n' >"$NETNS_ETC/resolv.conf"
cp "$NETNS_ETC/resolv.conf" "$RIG_DIR/resolv.orig"
printf 'command="sshtun-server --client %s --server %s --dns 198.18.73.53 --domain corp.example --state-dir %s/state" %s\n' \
	$CADDR $SADDR "$RIG_DIR" "$PUB" >"$RIG_DIR/authorized_keys"
before=$(rig_client_state)
ksopt=
[ $KS = 1 ] && ksopt="-o TunnelKillSwitch=yes"
# shellcheck disable=SC2086
rig_client_bg full timeout 180 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelSeccomp=yes \
	-o TunnelConfigCommand=sshtun-server -o RekeyLimit=1M $ksopt -o PermitLocalCommand=yes \
	-o "LocalCommand=ip -o addr show dev %T >$RIG_DIR/lc.addr; grep ^Seccomp: /proc/self/status >$RIG_DIR/lc.seccomp" \
	-o "TunnelDownCommand=ip -o addr show dev %T >$RIG_DIR/down.addr; grep ^Seccomp: /proc/self/status >$RIG_DIR/down.seccomp" \
	"$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up full && sp=$(st_pid "$pid"); then
	tap_check "full: up under the filter (/proc/$sp/status: Seccomp: 2, Seccomp_filters >= 1)" filtered "$sp"
	tap_check "full: LocalCommand ran once the device had its address, itself under the filter" rig_wait 5 sh -c \
		"grep -q 'inet $CADDR peer $SADDR' $RIG_DIR/lc.addr && grep -q '^Seccomp:[[:space:]]*2' $RIG_DIR/lc.seccomp"
	tap_check "full: the server's DNS is in the namespace's resolv.conf" sh -c \
		"ip netns exec $RIG_NS_C cat /etc/resolv.conf | grep -qx 'nameserver 198.18.73.53'"
	[ $KS = 1 ] && tap_check "full: the kill switch's table is in place" rig_client nft list table inet sshtun_killswitch
	rig_transfer up 4 $SADDR $CADDR &
	tpid=$!
	sleep 0.5
	filtered "$sp"
	during=$?
	wait "$tpid"
	tup=$?
	tap_check "full: 4 MiB up, byte for byte, the filter on meanwhile" test "$tup/$during" = 0/0
	tap_check "full: 4 MiB down, byte for byte" rig_transfer down 4 $SADDR $CADDR
	tap_check "full: ping through the tunnel" rig_client ping -c 2 -W 2 $SADDR
	kill -USR1 "$sp"
	tap_check "full: SIGUSR1 prints the status line, with rekeys made under the filter (RekeyLimit 1M)" rig_wait 3 \
		grep -q "sshtun: status: up, .* [1-9][0-9]* rekeys" "$RIG_DIR/full.log"
	n=$(ups full)
	kill -HUP "$sp"
	tap_check "full: SIGHUP reconnects under the filter, pings cross after" rig_wait 20 sh -c \
		"[ \$(grep -c 'tunnel up' $RIG_DIR/full.log) -gt $n ] && ip netns exec $RIG_NS_C ping -c 1 -W 2 $SADDR >/dev/null"
	n=$(ups full)
	kill -KILL "$(rig_sshd_session_pid)"
	tap_check "full: a killed sshd session is reconnected under the filter" rig_wait 30 sh -c \
		"[ \$(grep -c 'tunnel up' $RIG_DIR/full.log) -gt $n ] && ip netns exec $RIG_NS_C ping -c 1 -W 2 $SADDR >/dev/null"
	tap_check "full: still the same filter, nothing refused" sh -c \
		"grep -q '^Seccomp:[[:space:]]*2' /proc/$sp/status && ! grep -q 'TunnelSeccomp: system call' $RIG_DIR/full.log"
	rig_stop "$pid"
	rc=$?
	tap_check "full: stopped with status 0 ($rc), nothing refused" sh -c \
		"[ $rc = 0 ] && ! grep -q -e 'TunnelSeccomp: system call' -e SIGSYS $RIG_DIR/full.log"
	tap_check "full: TunnelDownCommand ran before the address went, under the filter" sh -c \
		"grep -q 'inet $CADDR peer' $RIG_DIR/down.addr && grep -q '^Seccomp:[[:space:]]*2' $RIG_DIR/down.seccomp"
	tap_check "full: after stop the device, addresses and routes are gone, as before" test "$(rig_client_state)" = "$before"
	tap_check "full: after stop the old resolv.conf is back byte for byte" cmp "$RIG_DIR/resolv.orig" "$NETNS_ETC/resolv.conf"
	[ $KS = 1 ] && tap_check "full: after stop the kill switch's table is gone" sh -c \
		"! ip netns exec $RIG_NS_C nft list table inet sshtun_killswitch >/dev/null 2>&1"
else
	tap_not_ok "full: tunnel up with TunnelSeccomp yes"
	show full
	rig_kill "$pid"
fi
rm -rf -- "$NETNS_ETC"
NETNS_ETC=

# ---- 2. The narrowest filter: nothing to run, no DNS, no kill switch.
printf '%s\n' "$PUB" >"$RIG_DIR/authorized_keys"
rig_client_bg plain timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelSeccomp=yes -o RekeyLimit=1M \
	-o TunnelAddress=$CADDR/32 -o TunnelPeer=$SADDR "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up plain && rig_tun_server_end $SADDR $CADDR && sp=$(st_pid "$pid"); then
	tap_check "plain: up under the filter (Seccomp: 2)" filtered "$sp"
	tap_check "plain: 4 MiB up, byte for byte" rig_transfer up 4 $SADDR $CADDR
	n=$(ups plain)
	kill -HUP "$sp"
	if rig_wait 20 sh -c "[ \$(grep -c 'tunnel up' $RIG_DIR/plain.log) -gt $n ]"; then
		rig_tun_server_end $SADDR $CADDR
		tap_check "plain: SIGHUP reconnects, pings cross after" rig_client ping -c 2 -W 2 $SADDR
	else
		tap_not_ok "plain: SIGHUP reconnects"
		show plain
	fi
	rig_stop "$pid"
	rc=$?
	tap_check "plain: stopped with status 0 ($rc), the device gone, nothing refused" sh -c \
		"[ $rc = 0 ] && [ -z \"\$(ip -n $RIG_NS_C -o link show type tun)\" ] && ! grep -q 'TunnelSeccomp: system call' $RIG_DIR/plain.log"
else
	tap_not_ok "plain: tunnel up with TunnelSeccomp yes"
	show plain
	rig_kill "$pid"
fi

# ---- 3. A call the filter refuses (mount, made from a signal handler a preloaded library adds): one line naming
# it, then a clean stop with status 1 and the device removed.
CC=${CC:-cc}
cat >"$RIG_DIR/refuse.c" <<'EOF'
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static void on_usr2(int sig)
{
	(void)sig;
	syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0UL, (void *)0);
}

__attribute__((constructor)) static void init(void)
{
	signal(SIGUSR2, on_usr2);
}
EOF
if ! "$CC" -shared -fPIC -o "$RIG_DIR/refuse.so" "$RIG_DIR/refuse.c" 2>"$RIG_DIR/cc.log"; then
	tap_ok "a refused call stops sshtun cleanly # skip: no C compiler ($CC) for the preloaded helper"
else
	mount_nr=$(printf '#include <sys/syscall.h>\nSYS_mount\n' | "$CC" -E -P - | tail -n 1)
	rig_client_bg refuse env LD_PRELOAD="$RIG_DIR/refuse.so" ASAN_OPTIONS=verify_asan_link_order=0 \
		timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelSeccomp=yes -o TunnelAddress=$CADDR/32 \
		-o TunnelPeer=$SADDR "$RIG_TARGET"
	pid=$RIG_LAST_PID
	if rig_wait 20 rig_is_up refuse && sp=$(st_pid "$pid"); then
		kill -USR2 "$sp"
		rig_wait 15 _rig_dead "$pid"
		wait "$pid" 2>/dev/null
		rc=$?
		tap_check "a refused call: one line naming it (mount, $mount_nr), a clean stop with status 1 ($rc), the device gone" sh -c \
			"[ $rc = 1 ] && [ \$(grep -c 'TunnelSeccomp: system call' $RIG_DIR/refuse.log) = 1 ] &&
			 grep -q 'TunnelSeccomp: system call $mount_nr (.*) is not on the filter' $RIG_DIR/refuse.log &&
			 [ -z \"\$(ip -n $RIG_NS_C -o link show type tun)\" ]"
	else
		tap_not_ok "a refused call: tunnel up with the helper preloaded"
		show refuse
		rig_kill "$pid"
	fi
fi

# ---- 4. A LocalCommand the filter kills (unshare: no namespaces under it): named, the tunnel stays up.
rig_client_bg lckill timeout 120 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelSeccomp=yes -o TunnelAddress=$CADDR/32 \
	-o TunnelPeer=$SADDR -o PermitLocalCommand=yes -o "LocalCommand=exec unshare -U true" "$RIG_TARGET"
pid=$RIG_LAST_PID
if rig_wait 20 rig_is_up lckill && rig_tun_server_end $SADDR $CADDR; then
	tap_check "a LocalCommand the filter kills: one line naming TunnelSeccomp, and the tunnel stays up" rig_wait 5 sh -c \
		"grep -q 'LocalCommand was killed by SIGSYS: .*TunnelSeccomp' $RIG_DIR/lckill.log &&
		 ip netns exec $RIG_NS_C ping -c 1 -W 2 $SADDR >/dev/null"
	rig_stop "$pid"
else
	tap_not_ok "a LocalCommand the filter kills: tunnel up"
	show lckill
	rig_kill "$pid"
fi
rig_down
tap_done
