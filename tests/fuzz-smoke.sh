#!/bin/bash
# sshtun: runs every built libFuzzer target for FUZZ_SECONDS (default 10) on a temp copy of its seed corpus.
# Usage: tests/fuzz-smoke.sh [DIR-WITH-FUZZ-BINARIES]   (default build/fuzz; build them with
#        ./configure --enable-fuzz CC=clang && make fuzz). Prints "ok - fuzz X" / "not ok - fuzz X".
# New corpus entries go to a temp dir, never into fuzz/corpus; crash inputs are kept in build/fuzz-crashes/.
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
bindir=${1:-build/fuzz}
secs=${FUZZ_SECONDS:-10}
crashdir=$root/build/fuzz-crashes
failed=0
ran=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 130' INT
trap 'rm -rf "$tmp"; exit 143' TERM

for bin in "$bindir"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	ran=$((ran + 1))
	work=$tmp/$name
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "fuzz/corpus/$name" ]; then
		cp -a "fuzz/corpus/$name/." "$work/corpus/"
	fi
	# -timeout: one input taking longer than 10 s is a hang; timeout(1) bounds the whole run.
	timeout -k 10 $((secs + 60)) "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
		echo "ok - fuzz $name (${secs}s, ${execs:-?} runs)"
	else
		failed=$((failed + 1))
		echo "not ok - fuzz $name (exit status $rc)"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$work/log" | head -n 20 | sed 's/^/# /'
		if ls "$work/artifacts/"* >/dev/null 2>&1; then
			mkdir -p "$crashdir/$name"
			cp "$work/artifacts/"* "$crashdir/$name/"
			echo "# crash inputs kept in $crashdir/$name/ (reproduce: $bin <file>)"
		fi
	fi
done

if [ $ran = 0 ]; then
	echo "# no fuzz targets in $bindir (build them: ./configure --enable-fuzz CC=clang && make fuzz)"
fi
[ $failed = 0 ]
