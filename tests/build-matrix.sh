#!/bin/sh
# sshtun: the build matrix. Every optional switch off, and every switch on, each built with gcc and with
# clang under -Werror in a copy of the tree of its own, so that no combination rots. One "ok -" or "not ok -"
# line per check (tests/run-all.sh counts them).
#
#   off: configure --without-* for every optional part, and every algorithm switch of util/features.h off
#        through CFLAGS, with SSHTUN_SMALL_CODE on (size over speed, as the embedded build). gcc builds all and the
#        unit tests, runs them (tests of what is left out are compiled out or skipped; test_crypto's RFC 8032
#        and RFC 7748 vectors then check the small Ed25519 and X25519 code), and checks what sshtun says: -Q
#        lists only what is left, no -lz is linked, a Match or Include line and Compression yes are refused, -C
#        only warns. clang builds all.
#        ProxyJump, -J and TunnelDNS are refused; -G, which this build cannot print with, still reads and checks
#        the configuration: a refusal is said first, then -G's own line. --user, and (as root) a run through sudo,
#        are refused: this build cannot change user.
#   on:  configure --with-* for every optional part (fails where one is not installed), all switches at
#        their defaults (on). gcc and clang build all; run-all.sh's own builds cover the tests there.
#
# Usage: tests/build-matrix.sh [off|on|all] (default all). CC_LIST="gcc clang" to choose compilers, JOBS=2.
# Runs at nice 19. About 2 minutes on 2 cores (4 builds; the off gcc one with its unit tests is the longest).
cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
WHICH=${1:-all}
CC_LIST=${CC_LIST:-gcc clang}
JOBS=${JOBS:-2}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-matrix.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
FAILED=0

# Every optional part off: the configure options, then the algorithm switches (util/features.h).
OFF_OPTS="--without-openssl --without-zlib --without-agent --without-config-match --without-config-include --without-nftables
--without-seccomp --without-networkmanager --without-gtk --without-privdrop"
OFF_ALGS="-DSSHTUN_ECDSA=0 -DSSHTUN_RSA=0 -DSSHTUN_MLKEM=0 -DSSHTUN_SNTRUP=0 -DSSHTUN_ECDH_NIST=0 -DSSHTUN_DH=0
-DSSHTUN_CTR=0 -DSSHTUN_UMAC=0 -DSSHTUN_HMAC_SHA1=0 -DSSHTUN_AESGCM=0 -DSSHTUN_PEM=0
-DSSHTUN_JUMP=0 -DSSHTUN_CONFIG_GET=0 -DSSHTUN_DNS=0"
# The small code paths ride along (the normal builds test the default ones). Not SSHTUN_SODIUM_LEAN: it needs a
# static libsodium (embedded/build.sh builds that one).
OFF_SMALL="-DSSHTUN_SMALL_CODE=1"
# Certificates and passphrase-protected key files (SSHTUN_CERT, SSHTUN_KEY_ENCRYPTED).
OFF_ALGS="$OFF_ALGS -DSSHTUN_CERT=0 -DSSHTUN_KEY_ENCRYPTED=0"
ON_OPTS="--with-openssl --with-zlib --with-agent --with-config-match --with-config-include --with-nftables --with-seccomp
--with-networkmanager --with-gtk --with-privdrop"

ok() { echo "ok - build-matrix $*"; }
notok() { FAILED=$((FAILED + 1)); echo "not ok - build-matrix $*"; }
diag() { tail -n "${2:-20}" "$1" | sed 's/^/#   /'; }

# copy DIR: the tree without build products or git (as run-all.sh's copies).
copy() {
	mkdir -p "$1" &&
	tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h \
		--exclude=./Makefile --exclude=./sshtun --exclude='./libsshtun.*' -cf - . | tar -C "$1" -xf -
}

# build NAME CC CFLAGS TARGETS CONFIGURE-OPTIONS...: configure and make in $WORK/NAME; one line.
build() {
	name=$1 cc=$2 cflags=$3 targets=$4 dir=$WORK/$1 t0=$(date +%s)

	shift 4
	if ! copy "$dir"; then
		notok "$name: cannot copy the tree"
		return 1
	fi
	if ! (cd "$dir" && nice -n 19 ./configure --enable-werror CC="$cc" CFLAGS="$cflags" "$@") >"$WORK/$name-configure.log" 2>&1; then
		notok "$name: ./configure --enable-werror CC=$cc $*"
		diag "$WORK/$name-configure.log"
		return 1
	fi
	# shellcheck disable=SC2086
	if ! nice -n 19 make -C "$dir" -j"$JOBS" $targets >"$WORK/$name-make.log" 2>&1; then
		notok "$name: make $targets (CC=$cc, -Werror)"
		grep -E 'error|warning|undefined' "$WORK/$name-make.log" | head -n 20 | sed 's/^/#   /'
		return 1
	fi
	ok "$name: make $targets with $cc, -Werror, no warning ($(($(date +%s) - t0)) s)"
}

# The unit tests of a build: each must exit 0 (cmocka reports left-out cases as skipped).
units() {
	name=$1 dir=$WORK/$1 bad='' n=0

	for t in "$dir"/build/tests/test_*; do
		[ -x "$t" ] || continue
		n=$((n + 1))
		(cd "$dir" && nice -n 19 timeout 300 "$t") >"$WORK/$name-$(basename "$t").log" 2>&1 || bad="$bad $(basename "$t")"
	done
	if [ "$n" = 0 ]; then
		notok "$name: no unit test was built"
	elif [ -n "$bad" ]; then
		notok "$name: unit tests failed:$bad"
		for t in $bad; do diag "$WORK/$name-$t.log" 10; done
	else
		ok "$name: all $n unit test programs pass ($(cat "$WORK/$name"-test_*.log |
			sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' | awk '{ s += $1 } END { print s + 0 }') cases skipped)"
	fi
}

# refused_first NAME LINE: $WORK/NAME.err (sshtun ... -G h) has LINE, and -G's "cannot print" line, if there, after it.
refused_first() {
	grep -q -- "$2" "$WORK/$1.err" || { why="$why; $1: $(head -c 200 "$WORK/$1.err")"; return; }
	! grep -q 'cannot print its configuration' "$WORK/$1.err" ||
		[ "$(grep -n -- "$2" "$WORK/$1.err" | head -n 1 | cut -d: -f1)" -lt \
			"$(grep -n 'cannot print its configuration' "$WORK/$1.err" | head -n 1 | cut -d: -f1)" ] ||
		why="$why; $1: the refusal came after -G's line"
}

# What an all-off sshtun says about itself.
off_behaviour() {
	dir=$WORK/$1 s=$WORK/$1/sshtun why=''

	[ "$("$s" -Q kex | tr '\n' ' ')" = "curve25519-sha256 curve25519-sha256@libssh.org " ] || why="$why; -Q kex: $("$s" -Q kex | tr '\n' ' ')"
	[ -z "$("$s" -Q mac)" ] || why="$why; -Q mac lists MACs"
	[ "$("$s" -Q compression)" = none ] || why="$why; -Q compression: $("$s" -Q compression | tr '\n' ' ')"
	[ -z "$("$s" -Q feature)" ] || why="$why; -Q feature: $("$s" -Q feature | tr '\n' ' ')"
	grep -q -- '-lz' "$dir/config.mk" && why="$why; -lz in config.mk"
	readelf -d "$s" 2>/dev/null | grep -q 'NEEDED.*libz\.' && why="$why; sshtun is linked with libz"
	printf 'Host *\n  Port 2222\nMatch host x\n  Port 1\n' >"$WORK/match.conf"
	"$s" -F "$WORK/match.conf" -G h >/dev/null 2>"$WORK/match.err" && why="$why; a Match line was accepted"
	grep -q 'match.conf:3: Match: this build has no Match blocks' "$WORK/match.err" || why="$why; Match: $(head -c 200 "$WORK/match.err")"
	printf 'Include /nonexistent/*.conf\n' >"$WORK/include.conf"
	"$s" -F "$WORK/include.conf" -G h >/dev/null 2>"$WORK/include.err" && why="$why; an Include line was accepted"
	grep -q 'include.conf:1: Include: this build cannot read' "$WORK/include.err" || why="$why; Include: $(head -c 200 "$WORK/include.err")"
	"$s" -F /dev/null -o 'Compression yes' -G h >/dev/null 2>"$WORK/comp.err" && why="$why; Compression yes was accepted"
	grep -q 'this build has no compression' "$WORK/comp.err" || why="$why; Compression: $(head -c 200 "$WORK/comp.err")"
	# -C is taken: the configuration reaches -G's own line (exit 2: this build's -G cannot print).
	"$s" -F /dev/null -C -G h >/dev/null 2>"$WORK/c.err"
	[ $? = 2 ] && grep -q 'cannot print its configuration' "$WORK/c.err" || why="$why; -C failed"
	grep -q -- '-C: this build has no compression' "$WORK/c.err" || why="$why; -C said nothing"
	"$s" -F /dev/null -o 'IdentityAgent /tmp/agent.sock' -G h >/dev/null 2>"$WORK/agent.err" && why="$why; IdentityAgent was accepted"
	grep -q 'this build has no ssh-agent support' "$WORK/agent.err" || why="$why; IdentityAgent: $(head -c 200 "$WORK/agent.err")"
	# ProxyJump, -J, TunnelDNS (SSHTUN_JUMP, SSHTUN_DNS) and -G (SSHTUN_CONFIG_GET): every refusal above and
	# these exit 2 before -G's line.
	"$s" -F /dev/null -o ProxyJump=j -G h >/dev/null 2>"$WORK/jump.err"
	[ $? = 2 ] || why="$why; ProxyJump: exit status not 2"
	"$s" -F /dev/null -J j -G h >/dev/null 2>"$WORK/J.err"
	[ $? = 2 ] || why="$why; -J: exit status not 2"
	"$s" -F /dev/null -o TunnelDNS=198.18.0.53 -G h >/dev/null 2>"$WORK/dns.err"
	[ $? = 2 ] || why="$why; TunnelDNS: exit status not 2"
	refused_first jump '-o: ProxyJump j: this build has no ProxyJump'
	refused_first J '-J: ProxyJump j: this build has no ProxyJump'
	refused_first dns '-o: TunnelDNS 198.18.0.53: this build does not set DNS'
	refused_first match 'match.conf:3: Match: this build has no Match blocks'
	refused_first include 'include.conf:1: Include: this build cannot read'
	refused_first comp 'this build has no compression'
	refused_first agent 'this build has no ssh-agent support'
	"$s" -F /dev/null -o ProxyJump=none -G h >/dev/null 2>"$WORK/g.err"
	[ $? = 2 ] || why="$why; -G: exit status not 2"
	[ "$(cat "$WORK/g.err")" = "sshtun: -G: this build cannot print its configuration (built with -DSSHTUN_CONFIG_GET=0); the configuration was read and checked" ] ||
		why="$why; -G: $(head -c 200 "$WORK/g.err")"
	if [ -z "$why" ]; then
		ok "$1: sshtun -Q lists only curve25519, no MAC, no compression, no feature; no -lz; Match, Include, Compression yes, IdentityAgent, ProxyJump, -J and TunnelDNS refused before -G's line, -C warns, -G checks then cannot print"
	else
		notok "$1: ${why#; }"
	fi
	# Certificates (SSHTUN_CERT): no certificate algorithm listed, CertificateFile refused.
	why=''
	[ -z "$("$s" -Q key-cert)" ] || why="$why; -Q key-cert: $("$s" -Q key-cert | tr '\n' ' ')"
	"$s" -Q sig | grep -q -- '-cert-v01@openssh.com' && why="$why; -Q sig lists certificate algorithms"
	printf 'Host *\n  CertificateFile /nonexistent/id-cert.pub\n' >"$WORK/cert.conf"
	"$s" -F "$WORK/cert.conf" -G h >/dev/null 2>"$WORK/cert.err" && why="$why; CertificateFile was accepted"
	grep -q 'CertificateFile /nonexistent/id-cert.pub: this build of sshtun lacks certificates (left out of this build)' \
		"$WORK/cert.err" || why="$why; CertificateFile: $(head -c 200 "$WORK/cert.err")"
	if [ -z "$why" ]; then
		ok "$1: sshtun -Q key-cert and -Q sig list no certificate; CertificateFile refused"
	else
		notok "$1: ${why#; }"
	fi
	# The change from root to a user (--without-privdrop): --user is refused, exit 2, before the configuration is
	# read; as root, so is a run through sudo from a user unless --user root says to stay root.
	why=''
	"$s" -F /dev/null --user nobody -G h >/dev/null 2>"$WORK/user.err"
	[ $? = 2 ] || why="$why; --user nobody: exit status not 2"
	grep -q -- '--user nobody: this build cannot change user (built --without-privdrop)' "$WORK/user.err" ||
		why="$why; --user: $(head -c 200 "$WORK/user.err")"
	if [ "$(id -u)" = 0 ]; then
		SUDO_UID=65534 "$s" -F /dev/null -G h >/dev/null 2>"$WORK/sudo.err"
		[ $? = 2 ] || why="$why; under sudo: exit status not 2"
		grep -q 'run through sudo (SUDO_UID=65534).*this build cannot change user (built --without-privdrop); give --user root' \
			"$WORK/sudo.err" || why="$why; under sudo: $(head -c 200 "$WORK/sudo.err")"
		SUDO_UID=65534 "$s" -F /dev/null --user root -G h >/dev/null 2>"$WORK/sudo-root.err"
		[ $? = 2 ] && grep -q 'cannot print its configuration' "$WORK/sudo-root.err" ||
			why="$why; under sudo, --user root: $(head -c 200 "$WORK/sudo-root.err")"
	fi
	if [ -z "$why" ]; then
		ok "$1: --user nobody refused (this build cannot change user)$([ "$(id -u)" = 0 ] &&
			echo "; under sudo refused, and with --user root taken")"
	else
		notok "$1: ${why#; }"
	fi
}

start=$(date +%s)
echo "# build-matrix: $WHICH, compilers: $CC_LIST, in $WORK"
for cc in $CC_LIST; do
	command -v "$cc" >/dev/null 2>&1 || { notok "$cc: not installed"; continue; }
	if [ "$WHICH" != on ]; then
		targets=all
		[ "$cc" = gcc ] && targets="all tests"
		# echo joins the lines of OFF_ALGS.
		# shellcheck disable=SC2086,SC2116
		if build "off-$cc" "$cc" "-O2 -g $(echo $OFF_ALGS) $OFF_SMALL" "$targets" $OFF_OPTS && [ "$cc" = gcc ]; then
			units "off-$cc"
			off_behaviour "off-$cc"
		fi
	fi
	if [ "$WHICH" != off ]; then
		# shellcheck disable=SC2086
		build "on-$cc" "$cc" "-O2 -g" all $ON_OPTS
	fi
	rm -rf "$WORK/off-$cc" "$WORK/on-$cc"
done
echo "# build-matrix: done in $(($(date +%s) - start)) s"
[ "$FAILED" = 0 ]
