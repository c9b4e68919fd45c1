#!/bin/bash
# sshtun: interop: the embedded builds (make embedded, embedded/build.sh). Builds the static x86-64 musl and
# aarch64 programs, checks that each is static (no program interpreter, no dynamic section) and the x86-64 one's
# stripped size against issue 17's target (EMBEDDED_TARGET, 262,144 bytes: smaller than Dropbear's static musl
# client, 298,312, which has no tun); runs the x86-64 one against the rig's sshd: a tunnel with a post-quantum kex
# and chacha20-poly1305 (libsodium's), ping, 8 MiB byte for byte each way (Debian's 9.2 with sntrup761x25519,
# OpenSSH 10 from bookworm-backports with mlkem768x25519 where tests/rig/openssh10.sh can fetch it); reports its
# resident memory over a 64 MiB transfer and the CPU it spends per GiB (256 MiB) beside the libcrypto build's
# (./sshtun, when built without sanitizers). The aarch64 one runs -V under qemu-user, then a tunnel there too
# (Debian 12's qemu-user passes the tun ioctls and rtnetlink through).
# The unit tests are built for both (cmocka from Debian's source package): x86-64's run here, aarch64's under
# qemu-user, but for the two that need what qemu-user 7.2 does not emulate (named, never passed silently).
# A package that is missing is a "not ok" naming the apt-get line, never a silent skip.
#   EMBEDDED_REUSE=1   use build/embedded's programs if they are there instead of building again
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
OUT=${EMBEDDED_DIR:-$PWD/build/embedded}
TARGET=${EMBEDDED_TARGET:-262144}
CADDR=198.18.9.1
SADDR=198.18.9.2
# The builds' output, kept for a look after a failure (the rig's temp dir goes with it).
LOGDIR=$OUT/test-logs
mkdir -p "$LOGDIR" || exit 1

# need PACKAGE...: each installed, or a "not ok" naming it; 1 if any is missing.
need() {
	local p missing=""

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	tap_not_ok "packages for the embedded builds: missing$missing (apt-get install$missing)"
	return 1
}

# is_static FILE: no program interpreter and no dynamic section.
is_static() {
	local out

	out=$(LC_ALL=C readelf -lW "$1" 2>&1) || { echo "$out"; return 1; }
	if grep -q 'INTERP' <<<"$out"; then
		echo "$1 has a program interpreter:"
		grep -A1 INTERP <<<"$out"
		return 1
	fi
	out=$(LC_ALL=C readelf -dW "$1" 2>&1)
	if grep -q 'NEEDED' <<<"$out"; then
		echo "$1 needs shared libraries:"
		grep NEEDED <<<"$out"
		return 1
	fi
}

# ---- 1. build ----
TARGETS=""
need dpkg-dev autoconf automake libtool cmake binutils && base=1 || base=0
[ $base = 1 ] && need gcc linux-libc-dev && TARGETS="$TARGETS x86_64-musl"
[ $base = 1 ] && need gcc-aarch64-linux-gnu libc6-dev-arm64-cross && TARGETS="$TARGETS aarch64"
for t in $TARGETS; do
	if [ "${EMBEDDED_REUSE:-0}" = 1 ] && [ -x "$OUT/$t/sshtun" ]; then
		echo "# $t: reusing $OUT/$t/sshtun (EMBEDDED_REUSE=1)"
		continue
	fi
	# One target at a time: a failure of one is its own "not ok", and the other is still built.
	if timeout 600 env EMBEDDED_TESTS=1 bash embedded/build.sh "$t" >"$LOGDIR/build-$t.log" 2>&1; then
		tap_ok "$t: embedded/build.sh built $OUT/$t/sshtun ($(stat -c %s "$OUT/$t/sshtun") bytes stripped)"
	else
		tap_not_ok "$t: embedded/build.sh $t"
		tail -n 15 "$LOGDIR/build-$t.log" | tap_diag
	fi
done

X86=$OUT/x86_64-musl/sshtun
ARM=$OUT/aarch64/sshtun

# ---- 2. the x86-64 program: static, size, runs ----
if [ -x "$X86" ]; then
	tap_check "x86_64-musl: static (no interpreter, no shared libraries)" is_static "$X86"
	size=$(stat -c %s "$X86")
	if [ "$size" -le "$TARGET" ]; then
		tap_ok "x86_64-musl: $size bytes stripped, within issue 17's target of $TARGET ($((TARGET - size)) to spare)"
	else
		tap_not_ok "x86_64-musl: $size bytes stripped, $((size - TARGET)) over issue 17's target of $TARGET"
		sed -n '1,/^total/p' "$OUT/x86_64-musl/sizes.txt" | tap_diag
	fi
	tap_check "x86_64-musl: sshtun -V runs" "$X86" -V
	kex=$("$X86" -Q kex | tr '\n' ' ')
	echo "# x86_64-musl: kex: $kex; ciphers: $("$X86" -Q cipher | tr '\n' ' ')"
fi

# tunnel NAME PROGRAM KEX [RUNNER]: a tunnel with KEX and chacha20-poly1305, negotiated as asked, ping, 8 MiB
# each way byte for byte. Leaves the client running (pid in $PID) for the caller to measure or stop.
tunnel() {
	local name=$1 prog=$2 kex=$3 runner=${4:-}

	# shellcheck disable=SC2086
	rig_client_bg "$name" timeout 600 $runner "$prog" -v -F "$RIG_SSH_CONFIG" -o "KexAlgorithms=$kex" \
		-o Ciphers=chacha20-poly1305@openssh.com -w any -o TunnelAddress=$CADDR -o TunnelPeer=$SADDR "$RIG_TARGET"
	PID=$RIG_LAST_PID
	rig_wait 60 up_or_gone "$name" "$PID"
	if ! rig_is_up "$name" || ! rig_tun_server_end $SADDR $CADDR; then
		tap_not_ok "$name: tunnel up with $kex"
		tail -n 15 "$RIG_DIR/$name.log" | tap_diag
		return 1
	fi
	if grep -qF "kex: $kex, host key ssh-ed25519, cipher chacha20-poly1305@openssh.com" "$RIG_DIR/$name.log"; then
		tap_ok "$name: tunnel up with $kex and chacha20-poly1305@openssh.com"
	else
		tap_not_ok "$name: negotiated $kex and chacha20-poly1305@openssh.com"
		grep 'kex:' "$RIG_DIR/$name.log" | tap_diag
	fi
	tap_check "$name: ping client -> server through the tunnel" rig_client ping -c 3 -W 2 $SADDR
	tap_check "$name: 8 MiB client -> server byte for byte" rig_transfer up 8 $SADDR $CADDR
	tap_check "$name: 8 MiB server -> client byte for byte" rig_transfer down 8 $SADDR $CADDR
}

# up_or_gone NAME PID: the tunnel is up, or the client has ended (no use waiting longer).
up_or_gone() {
	rig_is_up "$1" || ! kill -0 "$2" 2>/dev/null
}

# The sshtun process under PID (ip netns exec execs timeout, which forks the program; qemu-user execs it).
prog_pid() {
	local p=$1 c

	while c=$(pgrep -n -P "$p" 2>/dev/null); do p=$c; done
	echo "$p"
}

# cpu_ticks PID: user + system clock ticks so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}

# measure NAME PID: resident memory over a 64 MiB transfer (VmHWM, the peak since the start), then CPU per GiB
# over 256 MiB (user + system ticks of 10 ms: the larger transfer keeps their rounding under 1%).
measure() {
	local name=$1 pid=$2 t0 t1 hz

	hz=$(getconf CLK_TCK)
	rig_transfer up 64 $SADDR $CADDR || { tap_not_ok "$name: 64 MiB client -> server byte for byte"; return 1; }
	tap_ok "$name: 64 MiB client -> server byte for byte"
	echo "# $name: resident memory after 64 MiB: $(awk '/^VmRSS/ { print $2 " " $3 }' "/proc/$pid/status")," \
		"peak $(awk '/^VmHWM/ { print $2 " " $3 }' "/proc/$pid/status")"
	t0=$(cpu_ticks "$pid")
	rig_transfer up 256 $SADDR $CADDR || { tap_not_ok "$name: 256 MiB client -> server byte for byte"; return 1; }
	t1=$(cpu_ticks "$pid")
	tap_ok "$name: 256 MiB client -> server byte for byte"
	echo "# $name: CPU $(((t1 - t0) * 1000 / hz)) ms for 256 MiB up =" \
		"$(awk -v t=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz * 4 }') s/GiB (chacha20-poly1305, MTU 1500)"
}

# units TARGET [RUNNER]: each unit test of TARGET's tree, one line each, run from the tree.
units() {
	local t=$1 runner=${2:-} tree=$OUT/$1/tree p name rc

	for p in "$tree"/build/tests/test_*; do
		[ -x "$p" ] || continue
		name=$(basename "$p")
		case " ${SKIP_UNITS:-} " in
		*" $name "*)
			echo "# SKIP $t: $name under qemu-user: ${SKIP_WHY[$name]}"
			continue
			;;
		esac
		# shellcheck disable=SC2086
		(cd "$tree" && timeout 600 $runner "./build/tests/$name") >"$LOGDIR/unit-$t-$name.log" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			tap_ok "$t: unit $name"
		else
			tap_not_ok "$t: unit $name (exit status $rc)"
			grep -E 'FAILED|ERROR|error' "$LOGDIR/unit-$t-$name.log" | head -n 10 | tap_diag
		fi
	done
}
declare -A SKIP_WHY
SKIP_WHY[test_seccomp]="qemu-user does not emulate seccomp filters (installing one fails)"
SKIP_WHY[test_agent]="qemu-user 7.2 refuses prctl(PR_SET_CHILD_SUBREAPER), which the test's agent setup needs"

[ -x "$X86" ] && units x86_64-musl

# ---- 3. the x86-64 program against sshd ----
if [ -x "$X86" ]; then
	rig_up || { tap_not_ok "rig: sshd up"; tap_done; exit 1; }
	if tunnel "x86_64-musl @ OpenSSH 9.2" "$X86" sntrup761x25519-sha512@openssh.com; then
		measure "x86_64-musl @ OpenSSH 9.2" "$(prog_pid "$PID")"
	fi
	rig_stop "$PID"
	rig_down
	# The libcrypto build, for its CPU per GiB beside the libsodium one's: only a build without sanitizers.
	if [ -x ./sshtun ] && [ -f config.mk ] && grep -q '^SAN_FLAGS = *$' config.mk; then
		rig_up || { tap_not_ok "rig: sshd up"; tap_done; exit 1; }
		if tunnel "libcrypto build @ OpenSSH 9.2" "$PWD/sshtun" sntrup761x25519-sha512@openssh.com; then
			measure "libcrypto build @ OpenSSH 9.2" "$(prog_pid "$PID")"
		fi
		rig_stop "$PID"
		rig_down
	else
		echo "# the libcrypto build's CPU per GiB: not measured (./sshtun is missing or built with sanitizers)"
	fi

	if root10=$(tests/rig/openssh10.sh 2>"$LOGDIR/openssh10.err"); then
		RIG_SSHD=$root10/usr/sbin/sshd
		RIG_SSHD_EXTRA="SshdSessionPath $root10/usr/lib/openssh/sshd-session
SshdAuthPath $root10/usr/lib/openssh/sshd-auth"
		if rig_up; then
			tunnel "x86_64-musl @ OpenSSH 10" "$X86" mlkem768x25519-sha256
			rig_stop "$PID"
		else
			tap_not_ok "rig: OpenSSH 10's sshd up"
		fi
		rig_down
		RIG_SSHD=/usr/sbin/sshd
		RIG_SSHD_EXTRA=
	else
		echo "# SKIP x86_64-musl @ OpenSSH 10: bookworm-backports could not be fetched: $(head -n 1 "$LOGDIR/openssh10.err")"
	fi
fi

# ---- 4. the aarch64 program under qemu-user ----
if [ -x "$ARM" ]; then
	tap_check "aarch64: static (no interpreter, no shared libraries)" is_static "$ARM"
	echo "# aarch64: $(stat -c %s "$ARM") bytes stripped (musl static)"
	if need qemu-user-static; then
		tap_check "aarch64: qemu-aarch64-static sshtun -V runs" qemu-aarch64-static "$ARM" -V
		SKIP_UNITS="test_seccomp test_agent" units aarch64 qemu-aarch64-static
		# The tunnel: whether qemu-user translates the tun ioctls (TUNSETIFF) decides; the log says which.
		rig_up || { tap_not_ok "rig: sshd up"; tap_done; exit 1; }
		rig_client_bg arm timeout 120 qemu-aarch64-static "$ARM" -v -F "$RIG_SSH_CONFIG" \
			-o KexAlgorithms=sntrup761x25519-sha512@openssh.com -w any -o TunnelAddress=$CADDR \
			-o TunnelPeer=$SADDR "$RIG_TARGET"
		PID=$RIG_LAST_PID
		rig_wait 120 up_or_gone arm "$PID"
		if rig_is_up arm && rig_tun_server_end $SADDR $CADDR; then
			tap_ok "aarch64 under qemu-user: tunnel up with sntrup761x25519-sha512@openssh.com"
			tap_check "aarch64 under qemu-user: ping client -> server" rig_client ping -c 3 -W 2 $SADDR
			tap_check "aarch64 under qemu-user: 8 MiB client -> server byte for byte" rig_transfer up 8 $SADDR $CADDR
		elif grep -qi 'ioctl\|Inappropriate\|not implemented\|Function not' "$RIG_DIR/arm.log"; then
			echo "# SKIP aarch64 tunnel: qemu-user ($(qemu-aarch64-static --version | head -n 1)) does not pass" \
				"the tun device's ioctls through:"
			tail -n 5 "$RIG_DIR/arm.log" | tap_diag
		else
			tap_not_ok "aarch64 under qemu-user: tunnel up"
			tail -n 15 "$RIG_DIR/arm.log" | tap_diag
		fi
		rig_stop "$PID"
		rig_down
	fi
fi

[ -n "$TARGETS" ] || tap_not_ok "embedded builds: nothing could be built (see above)"
tap_done
