#!/bin/bash
# sshtun: interop: running as a service. -f returns 0 only once the tunnel is up and configured (the pidfile then
# names the process in the background, which SIGTERM stops, removing the pidfile and the device), and non-zero
# with the reason when it never comes up; systemd's notify socket gets READY=1 and STATUS= at tunnel up,
# RELOADING=1 on SIGHUP and READY=1 again, STOPPING=1 at stop (a test listener in place of systemd). In the
# background its lines go to syslog under SyslogFacility (a listener on /dev/log in a private mount namespace).
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
LISTEN=${NOTIFY_LISTEN:-$PWD/build/interop/notify_listen}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
[ -x "$LISTEN" ] || { echo "not ok - notify_listen: $LISTEN not built (make tests)"; exit 1; }

rig_up "SetEnv PATH=$PWD/server:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" || exit 1
printf 'command="sshtun-server --client 198.18.90.2 --server 198.18.90.1 --state-dir %s/state" %s\n' \
	"$RIG_DIR" "$(cat "$RIG_KEY.pub")" >"$RIG_DIR/authorized_keys"

# ---- 1. -f with a pidfile.
t0=$(date +%s%N)
out=$(rig_client timeout 60 "$SSHTUN" -f --pidfile "$RIG_DIR/st.pid" -F "$RIG_SSH_CONFIG" -w any \
	-o TunnelConfigCommand=sshtun-server "$RIG_TARGET" 2>&1)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
dpid=$(cat "$RIG_DIR/st.pid" 2>/dev/null)
if [ $rc = 0 ] && rig_client ip -o addr show | grep -q 'inet 198.18.90.2 peer 198.18.90.1' && [ -n "$dpid" ] &&
	kill -0 "$dpid" 2>/dev/null; then
	tap_ok "-f: exits 0 in $ms ms with the tunnel up and configured; the pidfile names the running process ($dpid)"
else
	tap_not_ok "-f: exits 0 with the tunnel up and the pidfile (status $rc, pid '$dpid')"
	printf '%s\n' "$out" | tail -n 5 | tap_diag
fi
tap_check "-f: the printed line came before the command returned" sh -c "printf '%s\n' \"$out\" | grep -q 'tunnel up: tun'"
tap_check "-f: in the background: its own session, stdio on /dev/null" sh -c \
	"[ \$(ps -o sid= -p $dpid | tr -d ' ') = $dpid ] && [ \$(readlink /proc/$dpid/fd/2) = /dev/null ]"
tap_check "-f: ping through the tunnel it keeps" rig_client ping -c 2 -W 2 198.18.90.1
kill -TERM "$dpid" 2>/dev/null
if rig_wait 10 _rig_dead "$dpid" && [ ! -e "$RIG_DIR/st.pid" ] && [ -z "$(rig_devs "$RIG_NS_C" tun)" ]; then
	tap_ok "-f: SIGTERM stops it, the pidfile and the device are gone"
else
	tap_not_ok "-f: SIGTERM stops it, the pidfile and the device are gone"
fi
out=$(rig_client timeout 60 "$SSHTUN" -f -F "$RIG_SSH_CONFIG" -w any -o User=nosuchuser "$RIG_TARGET" 2>&1)
rc=$?
if [ $rc = 5 ] && printf '%s\n' "$out" | grep -q "authentication as nosuchuser"; then
	tap_ok "-f: a tunnel that never comes up: the command exits with its status (5) and the reason"
else
	tap_not_ok "-f: a tunnel that never comes up: status $rc"
	printf '%s\n' "$out" | tail -n 3 | tap_diag
fi

# ---- 2. The notify socket.
sock=$RIG_DIR/notify.sock
"$LISTEN" "$sock" 60 >"$RIG_DIR/notify.log" 2>&1 &
lpid=$!
RIG_BG_PIDS="$RIG_BG_PIDS $lpid"
rig_wait 5 test -S "$sock"
rig_client_bg nt env NOTIFY_SOCKET="$sock" "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o TunnelConfigCommand=sshtun-server \
	"$RIG_TARGET"
npid=$RIG_LAST_PID
if rig_wait 20 grep -q '^READY=1 | STATUS=tunnel up: tun[0-9]* 198.18.90.2/32 via root@198.18.0.2:22$' "$RIG_DIR/notify.log"; then
	tap_ok "notify: READY=1 and STATUS= once the tunnel is up"
else
	tap_not_ok "notify: READY=1 and STATUS= once the tunnel is up"
	tap_diag <"$RIG_DIR/notify.log"
fi
kill -HUP "$npid"
if rig_wait 15 sh -c "grep -q '^RELOADING=1$' $RIG_DIR/notify.log && [ \$(grep -c '^READY=1' $RIG_DIR/notify.log) -ge 2 ]"; then
	tap_ok "notify: SIGHUP sends RELOADING=1, and READY=1 again once reconnected"
else
	tap_not_ok "notify: SIGHUP sends RELOADING=1, then READY=1"
	tap_diag <"$RIG_DIR/notify.log"
fi
kill -TERM "$npid"
rig_wait 10 _rig_dead "$npid"
tap_check "notify: STOPPING=1 at stop" grep -q '^STOPPING=1$' "$RIG_DIR/notify.log"
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null

# ---- 3. The systemd unit template, as make install puts it.
if make -s install DESTDIR="$RIG_DIR/inst" PREFIX=/usr >"$RIG_DIR/install.log" 2>&1; then
	unit=$RIG_DIR/inst/usr/lib/systemd/system/sshtun@.service
	tap_check "make install: sshtun@.service, Type=notify, ExecStart naming the installed sshtun, CAP_NET_ADMIN only" sh -c \
		"grep -qx 'Type=notify' $unit && grep -q 'exec /usr/bin/sshtun -F /etc/sshtun/config' $unit &&
		 grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN' $unit && grep -qx 'NoNewPrivileges=yes' $unit &&
		 ! grep -q @BINDIR@ $unit && [ -x $RIG_DIR/inst/usr/bin/sshtun-server ]"
	if command -v systemd-analyze >/dev/null 2>&1; then
		tap_check "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no "$unit"
	fi
else
	tap_not_ok "make install DESTDIR=... PREFIX=/usr"
	tail -n 5 "$RIG_DIR/install.log" | tap_diag
fi
# ---- 3. syslog in the background, under SyslogFacility: a listener is /dev/log in a private mount namespace
# (a tmpfs /dev there, with the devices sshtun needs bound into it), so the host's /dev is never touched.
export SSHTUN LISTEN RIG_DIR RIG_SSH_CONFIG RIG_TARGET
ip netns exec "$RIG_NS_C" unshare -m sh -c '
	mkdir -p "$RIG_DIR/olddev" && mount --bind /dev "$RIG_DIR/olddev" && mount -t tmpfs -o size=1m none /dev &&
	for f in null zero urandom random; do touch /dev/$f && mount --bind "$RIG_DIR/olddev/$f" /dev/$f || exit 1; done &&
	mkdir /dev/net && touch /dev/net/tun && mount --bind "$RIG_DIR/olddev/net/tun" /dev/net/tun || exit 1
	"$LISTEN" /dev/log 60 >"$RIG_DIR/syslog.log" 2>&1 &
	i=0; while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	exec timeout 60 "$SSHTUN" -f --pidfile "$RIG_DIR/sl.pid" -F "$RIG_SSH_CONFIG" -w any -o SyslogFacility=LOCAL3 \
		-o TunnelConfigCommand=sshtun-server "$RIG_TARGET"' >"$RIG_DIR/sl.out" 2>&1
rc=$?
spid=$(cat "$RIG_DIR/sl.pid" 2>/dev/null)
if [ $rc = 0 ] && [ -n "$spid" ]; then
	kill -USR1 "$spid"
	kill -HUP "$spid"
	# LOCAL3 is facility 19: priority 19 * 8 + 6 (info) = 158.
	tap_check "syslog: SIGUSR1's status line, under LOCAL3 (priority <158>)" rig_wait 10 \
		grep -q '^<158>.*sshtun\[[0-9]*\]: status: up' "$RIG_DIR/syslog.log"
	tap_check "syslog: SIGHUP's reload (a warning, <156>) and the tunnel up again, under LOCAL3" rig_wait 15 sh -c \
		"grep -q '^<156>.*configuration read again' $RIG_DIR/syslog.log && grep -q '^<158>.*tunnel up again' $RIG_DIR/syslog.log"
	[ -n "${SHOW_SYSLOG:-}" ] && tap_diag <"$RIG_DIR/syslog.log"
	tap_check "syslog: nothing under another facility" sh -c "! grep -v '^<15[0-9]>' $RIG_DIR/syslog.log | grep -q ."
	kill -TERM "$spid"
	rig_wait 10 _rig_dead "$spid"
else
	tap_not_ok "syslog: -f in a private mount namespace came up (status $rc)"
	tap_diag <"$RIG_DIR/sl.out"
fi
rig_down
tap_done
