#!/bin/bash
# sshtun: a fuzzing build (./configure --enable-fuzz) replaces the key exchange's public-key work with fixed
# values, so it must never be installed, shipped or used: configure refuses to combine it with an install
# prefix or a cross build, `make install` refuses in one, and its sshtun refuses to connect; a normal build
# has neither the instrumentation nor the fixed values.
# Usage: tests/check-fuzz-build.sh FUZZ-BUILD-TREE [NORMAL-BUILD-TREE]
# (trees that ./configure && make ran in; the fuzz tree needs `make sshtun fuzz`). Prints "ok - ..." lines.
cd "$(dirname "$0")/.." || exit 1
fz=${1:?usage: tests/check-fuzz-build.sh FUZZ-BUILD-TREE [NORMAL-BUILD-TREE]}
normal=${2:-}
failed=0

ok() { echo "ok - fuzz build: $*"; }
not_ok() {
	echo "not ok - fuzz build: $*"
	failed=$((failed + 1))
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-fzcheck.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
tar -C "$fz" --exclude=./build --exclude=./config.mk --exclude=./config.h --exclude=./Makefile \
	--exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so -cf - . | tar -C "$tmp" -xf - || exit 1

# configure ARGS... must fail and name why.
refuses() {
	local out

	out=$(cd "$tmp" && ./configure "$@" 2>&1)
	if [ $? != 0 ] && grep -q "fuzz" <<<"$out"; then
		ok "configure $* refused: $(tail -n 1 <<<"$out")"
	else
		not_ok "configure $* was accepted"
		tail -n 3 <<<"$out" | sed 's/^/# /'
	fi
}
refuses --enable-fuzz CC=clang --prefix=/usr
refuses --enable-fuzz CC=clang --sysconfdir=/etc
refuses --enable-fuzz CC=clang --host=aarch64-linux-gnu

out=$(make -C "$fz" install DESTDIR="$tmp/root" 2>&1)
if [ $? != 0 ] && grep -q "fuzzing build" <<<"$out" && [ ! -e "$tmp/root" ]; then
	ok "make install refused, nothing installed: $(grep -m1 'fuzzing build' <<<"$out")"
else
	not_ok "make install in a fuzzing build did not refuse"
fi

out=$(timeout 20 "$fz/sshtun" -o StrictHostKeyChecking=no -w any root@198.18.0.2 2>&1)
rc=$?
if [ $rc = 2 ] && grep -q "fuzzing build" <<<"$out"; then
	ok "its sshtun refuses to connect (status $rc): $out"
else
	not_ok "its sshtun did not refuse to connect (status $rc): $out"
fi

# The normal build has none of it (tests/fuzz-smoke.sh checks that the fuzzing build's objects are all
# instrumented).
if [ -n "$normal" ]; then
	if nm "$normal"/build/transport/*.o | grep -q '__sanitizer_cov'; then
		not_ok "the normal build in $normal carries fuzzing instrumentation"
	elif nm "$normal"/build/crypto/x25519.o | grep -q 'crypto_scalarmult_curve25519'; then
		ok "the normal build has no fuzzing instrumentation and does real X25519"
	else
		not_ok "the normal build's X25519 does not call libsodium"
	fi
fi
[ $failed = 0 ]
