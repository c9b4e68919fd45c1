#!/bin/bash
# sshtun: does fuzzing find a real bug in time? Plants an out-of-bounds read in a copy of the tree (never in
# this one): the tunnel's IPv6 check reads the payload length (bytes 4-5) before it checks that the frame holds
# 40 bytes, so a CHANNEL_DATA carrying a 1-5 byte IPv6 frame reads past the message. Builds the fuzzing copy,
# runs the target from its committed corpus RUNS times for at most SECONDS each, and prints how long each run
# took to report the heap-buffer-overflow in frame_ok.
#   fuzz/plant-check.sh [TARGET] [RUNS] [SECONDS]     default: session 5 30
cd "$(dirname "$0")/.." || exit 1
target=${1:-session}
runs=${2:-5}
secs=${3:-30}
found=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-plant.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
tar --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h --exclude=./Makefile \
	--exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so -cf - . | tar -C "$tmp" -xf - || exit 1
good='return (p[0] >> 4) == 6 && n >= 40 && (size_t)((p[4] << 8) | p[5]) + 40 <= n;'
bad='return (p[0] >> 4) == 6 && (size_t)((p[4] << 8) | p[5]) + 40 <= n && n >= 40;'
GOOD=$good BAD=$bad perl -pi -e 's/\Q$ENV{GOOD}\E/$ENV{BAD}/' "$tmp/channel/tunnel.c"
if ! grep -qF "$bad" "$tmp/channel/tunnel.c"; then
	echo "plant-check: the line to change in channel/tunnel.c is gone; update this script" >&2
	exit 1
fi
(cd "$tmp" && ./configure --enable-fuzz CC=clang && make -j"$(nproc)" "build/fuzz/fuzz_$target") >"$tmp/build.log" 2>&1 ||
	{ tail -n 20 "$tmp/build.log" >&2; exit 1; }
for ((i = 1; i <= runs; i++)); do
	rm -rf "$tmp/corpus" && cp -r "fuzz/corpus/$target" "$tmp/corpus"
	start=$(date +%s%N)
	"$tmp/build/fuzz/fuzz_$target" -max_total_time="$secs" -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/run.log" 2>&1
	took=$((($(date +%s%N) - start) / 100000000))
	if grep -q 'SUMMARY: AddressSanitizer: heap-buffer-overflow.* in frame_ok' "$tmp/run.log"; then
		found=$((found + 1))
		printf 'run %d: found in %d.%d s\n' "$i" $((took / 10)) $((took % 10))
	else
		printf 'run %d: not found in %d s\n' "$i" "$secs"
	fi
done
echo "fuzz_$target found the planted read in $found of $runs runs"
