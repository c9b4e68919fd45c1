#!/bin/bash
# sshtun: THE test command. As root on a fresh Debian 12: installs what is missing, builds with gcc
# (ASan+UBSan, -Werror) and checks that clang -Werror builds too, checks the layers, runs every unit test,
# the constant-time check (valgrind), every interop test (network namespaces) and a fuzz smoke run, then prints
# one line "N passed, N failed".
# Exit status 0 only if nothing failed. Re-runnable; works from a clean clone.
#   FUZZ_SECONDS=N  seconds per fuzz target (default 15)
#   SKIP_APT=1      never call apt-get
# Logs: build/run-all-logs/.
set -u
export LC_ALL=C
export CMOCKA_MESSAGE_OUTPUT=stdout
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
LOGS=$ROOT/build/run-all-logs
PASSED=0
FAILED=0
CHILD=
TAILPID=
COPY=

# nftables: sshtun-server's --nat (tests/interop/test_sshtun_server.sh skips that part without nft)
# libgtk-3-dev, libnma-dev, xvfb, xauth: the connection editor page (nm/nm-sshtun-editor.c) and its test under Xvfb
# network-manager, libnm-dev: nm/nm-sshtun-service and tests/interop/test_nm.sh (a NetworkManager of its own in a
# namespace; the package starts none on the host where policy-rc.d blocks services, as in a container)
# gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user-static, dpkg-dev, autoconf, automake, libtool, cmake:
# make embedded (static musl programs for x86-64 and aarch64; musl, libsodium and, for the tests, cmocka built from Debian's source
# packages) and tests/interop/test_embedded.sh (the aarch64 program and its unit tests under qemu-user)
PKGS="build-essential clang pkg-config libsodium-dev libssl-dev zlib1g-dev libcmocka-dev libclang-rt-14-dev
openssh-server openssh-client iproute2 iputils-ping iperf3 procps netcat-openbsd gnuplot-nox openssl valgrind
nftables radvd libnftables-dev libglib2.0-dev network-manager libnm-dev libgtk-3-dev libnma-dev xvfb xauth
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static dpkg-dev autoconf automake libtool cmake"

# ---- reporting ----

pass() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

fail() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

# diag FILE [N]: the last N lines of FILE as comments.
diag() {
	tail -n "${2:-25}" "$1" 2>/dev/null | sed 's/^/#   /'
}

section() {
	echo "# ==== $* ($(date +%H:%M:%S))"
}

# ---- running steps with a time limit, interruptibly ----

# step SECONDS LOG CMD...: runs CMD under timeout(1) with its output in LOG; returns its status.
# In the background with wait, so that INT/TERM reach our trap at once.
step() {
	local secs=$1 log=$2 rc

	shift 2
	timeout -k 15 "$secs" "$@" >"$log" 2>&1 </dev/null &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	[ $rc = 124 ] && echo "timed out after ${secs}s: $*" >>"$log"
	return $rc
}

# step_live: the same, and shows the output while it runs.
step_live() {
	local secs=$1 log=$2 rc

	shift 2
	: >"$log"
	timeout -k 15 "$secs" "$@" >"$log" 2>&1 </dev/null &
	CHILD=$!
	tail -n +1 --pid="$CHILD" -f "$log" 2>/dev/null &
	TAILPID=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	wait "$TAILPID" 2>/dev/null
	TAILPID=
	[ $rc = 124 ] && echo "# timed out after ${secs}s: $*" | tee -a "$log"
	return $rc
}

on_signal() {
	trap '' INT TERM HUP
	echo
	echo "run-all: interrupted by SIG$1; stopping the running step and cleaning up"
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD" 2>/dev/null
	fi
	[ -n "$TAILPID" ] && kill "$TAILPID" 2>/dev/null
	rig_leftovers quiet
	[ -n "$COPY" ] && rm -rf "$COPY"
	echo "$PASSED passed, $((FAILED + 1)) failed"
	exit 130
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# ---- rig leftovers: namespaces, temp dirs and processes a test failed to clean up ----
# Only what the current test made: namespaces and temp dirs named after its PID (tests/rig/rig.sh names them
# st-c-PID, st-s-PID, st-l-PID ... and sshtun-rig.PID.*), and processes that carry its token in their environment. Rigs
# of other runs on the same machine are left alone.

TEST_TOKEN=

# Prints what the current test left behind, removes it, and returns 1 if there was anything.
rig_leftovers() {
	local x pids left=0 quiet=${1:-} TEST_PID

	TEST_PID=$(cat "$LOGS/test.pid" 2>/dev/null)
	[ -n "$TEST_PID" ] && [ -n "$TEST_TOKEN" ] || return 0
	for x in $(ip netns list 2>/dev/null | awk -v p="$TEST_PID" '$1 ~ "^st-[a-z]-" p "(-[0-9]+)?$" { print $1 }'); do
		left=1
		[ -n "$quiet" ] || echo "#   left behind: network namespace $x"
		pids=$(ip netns pids "$x" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		sleep 0.2
		ip netns del "$x" 2>/dev/null
	done
	for x in $(grep -lz "^RUNALL_TEST_TOKEN=$TEST_TOKEN\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3); do
		[ "$x" = $$ ] && continue
		left=1
		[ -n "$quiet" ] || echo "#   left behind: process $x ($(tr '\0' ' ' <"/proc/$x/cmdline" 2>/dev/null))"
		kill -KILL "$x" 2>/dev/null
	done
	for x in "${TMPDIR:-/tmp}/sshtun-rig.$TEST_PID".*; do
		[ -e "$x" ] || continue
		left=1
		[ -n "$quiet" ] || echo "#   left behind: $x"
		rm -rf -- "$x"
	done
	return $left
}

# ---- steps ----

install_packages() {
	local p missing=""

	section "prerequisites"
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		pass "prerequisites: all packages present"
		return 0
	fi
	if [ "${SKIP_APT:-0}" = 1 ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		fail "prerequisites: missing$missing (as root: apt-get install$missing)"
		return 1
	fi
	echo "# installing:$missing"
	# shellcheck disable=SC2086
	if step 600 "$LOGS/apt-update.log" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		step 1200 "$LOGS/apt-install.log" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing; then
		pass "prerequisites: installed$missing"
	else
		fail "prerequisites: apt-get failed"
		diag "$LOGS/apt-update.log" 10
		diag "$LOGS/apt-install.log" 20
		return 1
	fi
}

# What "make all" can build yet: the sshtun program needs cli/ sources. The corpus recorder (make record) is
# built with it: the fuzz step records fresh sessions with it.
build_targets() {
	if ls cli/*.c >/dev/null 2>&1; then
		echo all record
	else
		echo libsshtun.a libsshtun.so
	fi
}

build_gcc() {
	local targets

	section "build: gcc, ASan+UBSan, -Werror"
	targets=$(build_targets)
	if ! step 300 "$LOGS/configure-gcc.log" ./configure --enable-sanitizers --enable-werror CC=gcc; then
		fail "build gcc: ./configure --enable-sanitizers --enable-werror CC=gcc"
		diag "$LOGS/configure-gcc.log"
		return 1
	fi
	# shellcheck disable=SC2086
	if step 1200 "$LOGS/make-gcc.log" make -j2 -k $targets; then
		pass "build gcc: make $targets (sanitizers, -Werror)"
	else
		fail "build gcc: make $targets (sanitizers, -Werror)"
		grep -E 'error|Error' "$LOGS/make-gcc.log" | head -n 30 | sed 's/^/#   /'
	fi
	[ "$targets" = "all record" ] || echo "#   (sshtun itself not built: cli/ has no sources yet)"
}

# A copy of the tree without build products, for the clang and fuzz builds.
make_copy() {
	COPY=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-build.XXXXXX") || return 1
	tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h \
		--exclude=./Makefile --exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so \
		-cf - . | tar -C "$COPY" -xf -
}

build_clang() {
	local targets

	section "build: clang -Werror (separate copy)"
	targets=$(build_targets)
	if ! make_copy; then
		fail "build clang: cannot copy the tree"
		return 1
	fi
	if ! step 300 "$LOGS/configure-clang.log" env -C "$COPY" ./configure --enable-werror CC=clang; then
		fail "build clang: ./configure --enable-werror CC=clang"
		diag "$LOGS/configure-clang.log"
		return 1
	fi
	# shellcheck disable=SC2086
	if step 1200 "$LOGS/make-clang.log" make -C "$COPY" -j2 -k $targets; then
		pass "build clang: make $targets (-Werror)"
	else
		fail "build clang: make $targets (-Werror)"
		grep -E 'error|Error' "$LOGS/make-clang.log" | head -n 30 | sed 's/^/#   /'
	fi
}

# The build matrix (tests/build-matrix.sh): every optional switch off and every one on, with gcc and clang,
# -Werror, each in a copy of its own; the all-off gcc build runs its unit tests and checks what sshtun says.
# One "ok -"/"not ok -" line per build or check.
build_matrix() {
	section "build matrix: every switch off, every switch on (gcc, clang; separate copies)"
	step_live 2400 "$LOGS/build-matrix.log" sh tests/build-matrix.sh
	tally "$LOGS/build-matrix.log" $? "build-matrix"
}

# The ABI as an embedder meets it (tests/abi-check.sh): soname, exported symbols, install, pkg-config, examples.
abi_tests() {
	section "library ABI"
	step 300 "$LOGS/abi-check.log" sh tests/abi-check.sh
	tally "$LOGS/abi-check.log" $? "abi-check"
}

check_layers() {
	section "layers"
	if step 60 "$LOGS/check-layers.log" make check-layers; then
		pass "make check-layers"
	else
		fail "make check-layers"
		diag "$LOGS/check-layers.log"
	fi
}

# Links tests/unit/test_$1.c against whatever library objects did build (when libsshtun.a does not).
build_partial() {
	[ -f Makefile ] || return 1
	# shellcheck disable=SC2016
	printf '%s\n' 'build/partial/%: tests/unit/%.c' \
		'	@mkdir -p $(@D)' \
		'	rm -f $(@D)/lib-$*.a' \
		'	$(AR) rcs $(@D)/lib-$*.a $(wildcard $(LIB_OBJS))' \
		'	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(@D)/lib-$*.a $(ALL_LDFLAGS) $(DEP_LIBS) $(CMOCKA_LIBS)' \
		>"$LOGS/partial.mk"
	step 300 "$LOGS/build-partial-$1.log" make -f Makefile -f "$LOGS/partial.mk" "build/partial/test_$1"
}

# Runs one cmocka binary and counts its test cases.
run_unit() {
	local name=$1 bin=$2 note=$3 log=$LOGS/unit-$1.log rc p f

	step 300 "$log" "$bin"
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	if ! grep -q '^\[  PASSED  \] [0-9]* test(s)' "$log"; then
		FAILED=$((FAILED + 1))
		echo "not ok - unit $name: crashed or printed no summary (exit status $rc)$note"
		diag "$log" 30
		return
	fi
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
	if [ "$f" = 0 ] && [ $rc != 0 ]; then
		FAILED=$((FAILED + 1))
		echo "not ok - unit $name: $p passed but exit status $rc (sanitizer report?)$note"
		grep -v '^\[' "$log" | tail -n 30 | sed 's/^/#   /'
	elif [ "$f" = 0 ]; then
		echo "ok - unit $name: $p passed$note"
	else
		echo "not ok - unit $name: $f of $((p + f)) failed$note"
		grep -E '^\[  (ERROR|FAILED|  LINE)|^\[   LINE   \]' "$log" | head -n 30 | sed 's/^/#   /'
		grep -E 'runtime error|ERROR: AddressSanitizer' "$log" | head -n 5 | sed 's/^/#   /'
	fi
}

unit_tests() {
	local src name note

	section "unit tests"
	step 1200 "$LOGS/make-tests.log" make -j2 -k tests
	for src in tests/unit/test_*.c; do
		[ -f "$src" ] || continue
		name=$(basename "$src" .c)
		note=""
		if step 300 "$LOGS/build-$name.log" make "build/tests/$name"; then
			run_unit "$name" "build/tests/$name" ""
		elif build_partial "${name#test_}"; then
			note=" (libsshtun.a did not build: linked against the objects that did)"
			run_unit "$name" "build/partial/$name" "$note"
		else
			fail "unit $name: does not build"
			grep -E 'error|Error|undefined reference' "$LOGS/build-$name.log" | head -n 20 | sed 's/^/#   /'
		fi
	done
}

# tally LOG STATUS NAME: counts LOG's "ok -" and "not ok -" lines; a failure status without a "not ok" line
# is one failure more.
tally() {
	local oks noks

	oks=$(grep -c '^ok -' "$1")
	noks=$(grep -c '^not ok -' "$1")
	PASSED=$((PASSED + oks))
	FAILED=$((FAILED + noks))
	if [ "$2" != 0 ] && [ "$noks" = 0 ]; then
		fail "$3: exit status $2 without a failed check"
		diag "$1" 10
	fi
}

# The constant-time check: tests/ct/ct_*.c built without sanitizers and run under valgrind (tests/ct-check.sh),
# one "ok -"/"not ok -" line per program.
ct_tests() {
	section "constant time: valgrind over tests/ct"
	step_live 1200 "$LOGS/ct-check.log" bash tests/ct-check.sh
	tally "$LOGS/ct-check.log" $? "ct-check"
}

interop_tests() {
	local t name log

	section "interop tests"
	for t in tests/interop/test_*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		log=$LOGS/interop-$name.log
		echo "# -- $t"
		TEST_TOKEN="$$-$RANDOM$RANDOM"
		rm -f "$LOGS/test.pid"
		# The wrapper records the test's PID (exec keeps it); the token marks every process it starts.
		step_live 900 "$log" env RUNALL_TEST_TOKEN="$TEST_TOKEN" \
			bash -c 'echo $$ >"$0"; exec bash "$1"' "$LOGS/test.pid" "$t"
		tally "$log" $? "interop $name"
		if rig_leftovers; then
			pass "interop $name: rig cleaned up (no st-* namespace, rig process or temp dir left)"
		else
			fail "interop $name: rig left things behind (removed now)"
		fi
		rm -f "$LOGS/test.pid"
		TEST_TOKEN=
	done
}

fuzz_tests() {
	local src name n

	section "fuzz: clang libFuzzer build (separate copy) and smoke run"
	if [ -z "$COPY" ] && ! make_copy; then
		fail "fuzz: cannot copy the tree"
		return 1
	fi
	[ -f "$COPY/Makefile" ] && step 300 "$LOGS/clean-fuzz.log" make -C "$COPY" clean
	if ! step 300 "$LOGS/configure-fuzz.log" env -C "$COPY" ./configure --enable-fuzz CC=clang; then
		fail "fuzz: ./configure --enable-fuzz CC=clang"
		diag "$LOGS/configure-fuzz.log"
		return 1
	fi
	step 1200 "$LOGS/make-fuzz.log" make -C "$COPY" -j2 -k fuzz sshtun
	for src in fuzz/fuzz_*.c; do
		[ -f "$src" ] || continue
		name=$(basename "$src" .c)
		if ! step 300 "$LOGS/build-$name.log" make -C "$COPY" "build/fuzz/$name"; then
			fail "fuzz $name: does not build"
			grep -E 'error|Error|undefined reference' "$LOGS/build-$name.log" | head -n 20 | sed 's/^/#   /'
		fi
	done
	# The fuzzing build is instrumented throughout, and can be neither installed nor used to connect.
	step_live 300 "$LOGS/check-fuzz-build.log" bash tests/check-fuzz-build.sh "$COPY" "$ROOT"
	tally "$LOGS/check-fuzz-build.log" $? "fuzz build checks"
	n=$(find fuzz -maxdepth 1 -name 'fuzz_*.c' | wc -l)
	step_live $((120 + n * (${FUZZ_SECONDS:-15} + 75))) "$LOGS/fuzz-smoke.log" \
		bash tests/fuzz-smoke.sh "$COPY/build/fuzz"
	tally "$LOGS/fuzz-smoke.log" $? "fuzz smoke"
	# The recorded seeds, and sessions recorded now against the rig's sshd, replay to the end.
	step_live 600 "$LOGS/fuzz-replay.log" env RECORD="$ROOT/build/record/record" \
		bash tests/fuzz-replay.sh "$COPY/build/fuzz"
	tally "$LOGS/fuzz-replay.log" $? "fuzz replay"
}

# ---- main ----

mkdir -p "$LOGS" && rm -f "$LOGS"/*.log
echo "# sshtun run-all in $ROOT, logs in $LOGS"
[ "$(id -u)" = 0 ] || echo "# warning: not root: packages cannot be installed and the interop tests will fail"
start=$(date +%s)
install_packages
build_gcc
build_clang
build_matrix
check_layers
abi_tests
unit_tests
ct_tests
interop_tests
fuzz_tests
[ -n "$COPY" ] && rm -rf "$COPY"
COPY=
echo "# done in $(($(date +%s) - start)) s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
