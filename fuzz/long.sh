#!/bin/bash
# sshtun: fuzz/long.sh -- the long fuzz run: every target for FUZZ_LONG_RUNS inputs (default 10 million) or
# FUZZ_LONG_SECONDS (default 1800), whichever comes first, on all cores; keeps crashing inputs; ends with a table.
#
# Usage: make fuzz-long
#        [FUZZ_LONG_RUNS=N] [FUZZ_LONG_SECONDS=S] [FUZZ_LONG_TARGETS="wire text"] [FUZZ_LONG_JOBS=J] \
#        [FUZZ_BIN_DIR=DIR] fuzz/long.sh
#   FUZZ_LONG_RUNS     inputs per target, all workers together (default 10000000)
#   FUZZ_LONG_SECONDS  seconds per target at most (default 1800)
#   FUZZ_LONG_TARGETS  only these targets (default: every fuzz/fuzz_*.c)
#   FUZZ_LONG_JOBS     worker processes per target (default: nproc)
#   FUZZ_BIN_DIR       use the targets built in DIR (fuzz_NAME binaries) instead of building a copy
#
# Without FUZZ_BIN_DIR it builds a fuzzing copy of the tree in a temp dir (./configure --enable-fuzz CC=clang &&
# make fuzz, as tests/run-all.sh does, so the tree's own configuration is left alone) and keeps the binaries in
# build/fuzz-long/bin/ so that kept inputs can be reproduced with exactly what found them.
# Targets run one after the other. Each gets FUZZ_LONG_JOBS libFuzzer processes on one shared working corpus,
# build/fuzz-long/corpus/NAME (seeded from fuzz/corpus/NAME on the first run, new seeds added on later ones; kept,
# so the next run resumes; never copied back into fuzz/corpus), each with -runs=RUNS/JOBS and
# -max_total_time=SECONDS, so the target stops at whichever budget it reaches first. Workers pick up each other's
# finds through the corpus directory (libFuzzer re-reads it every second). -jobs/-workers is not used: its jobs
# each run to their own -runs and it respawns them until all jobs are done, which does not stop at one budget.
# Crashing, leaking, hanging (-timeout=10) or memory-hungry (-rss_limit_mb=2048) inputs are kept in
# build/fuzz-long/crashes/NAME/; a worker stops at its first one, the others go on.
# At the end, the working corpus is run once more (-runs=0) for the edges and features it reaches now.
# The table (target | inputs run | edges at start | edges (final cov) | features | crashes | seconds) goes to
# stdout and build/fuzz-long/report.md; logs are in build/fuzz-long/logs/NAME/.
# Exit status: 0 nothing kept; 1 an input was kept (or a worker failed); 2 usage or build error.
# Run under bash even when started as `sh fuzz/long.sh` (the Makefile's fuzz-long target does that).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C
START_DIR=$(pwd)
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
OUT=$ROOT/build/fuzz-long
RUNS=${FUZZ_LONG_RUNS:-10000000}
SECS=${FUZZ_LONG_SECONDS:-1800}
JOBS=${FUZZ_LONG_JOBS:-$(nproc 2>/dev/null || echo 1)}

die() { echo "fuzz/long.sh: $*" >&2; exit 2; }

for v in RUNS SECS JOBS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "FUZZ_LONG_$v must be a positive number, not '${!v}'"
done

TARGETS=()
if [ -n "${FUZZ_LONG_TARGETS:-}" ]; then
	for name in $FUZZ_LONG_TARGETS; do
		[ -f "fuzz/fuzz_$name.c" ] || die "FUZZ_LONG_TARGETS: no target '$name' (no fuzz/fuzz_$name.c)"
		TARGETS+=("$name")
	done
else
	for src in fuzz/fuzz_*.c; do
		[ -f "$src" ] || continue
		name=${src#fuzz/fuzz_}
		TARGETS+=("${name%.c}")
	done
fi
[ ${#TARGETS[@]} -gt 0 ] || die "no targets"

TMP=
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "fuzz/long.sh: interrupted" >&2; exit 130' INT
trap 'echo "fuzz/long.sh: terminated" >&2; exit 143' TERM

mkdir -p "$OUT" || exit 2

# ---- the targets: built here, or given ----

if [ -n "${FUZZ_BIN_DIR:-}" ]; then
	BINDIR=$(cd "$START_DIR" && cd "$FUZZ_BIN_DIR" 2>/dev/null && pwd) || die "FUZZ_BIN_DIR: no directory '$FUZZ_BIN_DIR'"
	for name in "${TARGETS[@]}"; do
		[ -x "$BINDIR/fuzz_$name" ] || die "FUZZ_BIN_DIR: no fuzz_$name in $BINDIR"
	done
else
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-fuzz-long.XXXXXX") || exit 2
	copy=$TMP/tree
	log=$OUT/build.log
	bins=()
	for name in "${TARGETS[@]}"; do bins+=("build/fuzz/fuzz_$name"); done
	echo "# building a fuzzing copy: ./configure --enable-fuzz CC=clang && make (log: $log)"
	mkdir -p "$copy" || exit 2
	if ! tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h \
		--exclude=./Makefile --exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so \
		-cf - . | tar -C "$copy" -xf -; then
		die "cannot copy the tree to $copy"
	fi
	if ! (cd "$copy" && ./configure --enable-fuzz CC=clang && make -j"$JOBS" "${bins[@]}") >"$log" 2>&1; then
		grep -E 'error|Error|undefined reference|configure:' "$log" | tail -n 20 | sed 's/^/  /' >&2
		die "the fuzzing build failed; see $log"
	fi
	BINDIR=$OUT/bin
	mkdir -p "$BINDIR" && for name in "${TARGETS[@]}"; do
		cp "$copy/build/fuzz/fuzz_$name" "$BINDIR/" || die "cannot copy fuzz_$name to $BINDIR"
	done
	rm -rf "$copy"
fi

# ---- running ----

# final_stat LOG KEY: the value of libFuzzer's final "stat::KEY:" line.
final_stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }

per=$(((RUNS + JOBS - 1) / JOBS))
rows=()
total_inputs=0
total_kept=0
problems=()
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'): ${#TARGETS[@]} targets, each $RUNS inputs or $SECS s, $JOBS workers ($per inputs each)"
for name in "${TARGETS[@]}"; do
	bin=$BINDIR/fuzz_$name
	corpus=$OUT/corpus/$name
	crashes=$OUT/crashes/$name
	logs=$OUT/logs/$name
	mkdir -p "$corpus" "$crashes" "$logs" || exit 2
	rm -f "$logs"/*.log
	# Seeds: the committed corpus, without overwriting what earlier runs found.
	if [ -d "fuzz/corpus/$name" ]; then
		for f in "fuzz/corpus/$name"/*; do
			[ -f "$f" ] && [ ! -e "$corpus/${f##*/}" ] && cp "$f" "$corpus/"
		done
	fi
	start=$(date +%s)
	echo "# $name: $JOBS workers on $corpus ($(find "$corpus" -type f | wc -l) inputs)"
	PIDS=()
	for w in $(seq 1 "$JOBS"); do
		# timeout(1) is only a backstop should a worker ignore -max_total_time (e.g. stuck in one input).
		timeout -k 30 $((SECS + 600)) "$bin" -runs="$per" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" >"$logs/worker-$w.log" 2>&1 &
		PIDS+=($!)
	done
	rcs=()
	for p in "${PIDS[@]}"; do
		wait "$p"
		rcs+=($?)
	done
	PIDS=()
	secs=$(($(date +%s) - start))

	inputs=0
	cov0=
	for w in $(seq 1 "$JOBS"); do
		wl=$logs/worker-$w.log
		n=$(final_stat "$wl" number_of_executed_units)
		# No final stats (killed): the last status line's input count.
		[ -n "$n" ] || n=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$wl" | tail -n 1)
		inputs=$((inputs + ${n:-0}))
		c=$(sed -n 's/.*INITED cov: \([0-9][0-9]*\).*/\1/p' "$wl" | head -n 1)
		[ -n "$c" ] && { [ -z "$cov0" ] || [ "$c" -gt "$cov0" ]; } && cov0=$c
	done
	total_inputs=$((total_inputs + inputs))

	# What the working corpus reaches now, all workers' finds together.
	timeout -k 10 1800 "$bin" -runs=0 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$crashes/" "$corpus" \
		>"$logs/final.log" 2>&1
	frc=$?
	read -r cov ft <<<"$(sed -n 's/.*INITED cov: \([0-9][0-9]*\) ft: \([0-9][0-9]*\).*/\1 \2/p' "$logs/final.log" | head -n 1)"

	# The inputs this run kept (the directory may hold older ones): libFuzzer names each one it writes.
	found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$logs"/*.log | sort -u)
	kept=$(echo "$found" | grep -c .)
	total_kept=$((total_kept + kept))
	if [ "$kept" -gt 0 ]; then
		problems+=("$name: $kept input(s) kept (reproduce: ${bin#"$ROOT"/} FILE):")
		while read -r f; do
			# What the process that wrote it reported: its first ERROR (or UBSan runtime error) line.
			wl=$(grep -l -F "Test unit written to $f" "$logs"/*.log | head -n 1)
			why=$(grep -m 1 -E '==[0-9]+== ?ERROR|runtime error|ALARM' "$wl" | sed 's/^[^A-Za-z]*//')
			problems+=("  ${f#"$ROOT"/}${why:+ ($why; log ${wl#"$ROOT"/})}")
		done <<<"$found"
	fi
	for i in "${!rcs[@]}"; do
		if [ "${rcs[$i]}" != 0 ] && [ "$kept" = 0 ]; then
			problems+=("$name: worker $((i + 1)) exited with status ${rcs[$i]} without keeping an input; see ${logs#"$ROOT"/}/worker-$((i + 1)).log")
		fi
	done
	[ $frc = 0 ] || [ "$kept" -gt 0 ] ||
		problems+=("$name: the final run over the working corpus exited with status $frc; see ${logs#"$ROOT"/}/final.log")

	rows+=("| $name | $inputs | ${cov0:-?} | ${cov:-?} | ${ft:-?} | $kept | $secs |")
	echo "# $name: $inputs inputs in $secs s, edges ${cov0:-?} -> ${cov:-?}, features ${ft:-?}, $kept kept"
done

# ---- the table ----

report=$OUT/report.md
commit=
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)
	[ -n "$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ] &&
		commit="$commit + uncommitted changes"
fi
{
	echo "# make fuzz-long, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Each target: $RUNS inputs or $SECS s, whichever first, $JOBS workers; clang $(clang -dumpversion 2>/dev/null),"
	echo "$(nproc) cores${commit:+, commit $commit}. Edges at start: the working corpus before the run;"
	echo "edges (final cov): the working corpus after it (build/fuzz-long/corpus)."
	echo
	echo "| target | inputs run | edges at start | edges (final cov) | features | crashes (files kept) | seconds |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	if [ ${#problems[@]} -gt 0 ]; then
		printf '%s\n' "${problems[@]}"
		echo
	fi
	echo "Summary: ${#TARGETS[@]} targets, $total_inputs inputs, $total_kept crashing/leaking/hanging inputs kept$([ ${#problems[@]} -gt 0 ] && echo ", problems above")."
} >"$report"
echo
cat "$report"
[ ${#problems[@]} = 0 ]
