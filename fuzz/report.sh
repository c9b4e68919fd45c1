#!/bin/bash
# sshtun: fuzz/report.sh -- per fuzz target, how much of the parser it targets its committed corpus covers.
#
# Usage: make fuzz-report
#        fuzz/report.sh                        (every target, from any directory)
#        REPORT_TARGETS="wire text" fuzz/report.sh   (only those rows are measured and rewritten)
#
# For each target fuzz/fuzz_NAME.c, over its committed corpus fuzz/corpus/NAME/:
#   edges, features  libFuzzer's `cov:` and `ft:` on its INITED line when the target runs with -runs=0 over a
#                    temp copy of the corpus: the edges the corpus reaches in the whole instrumented program
#                    (harness and library). Measured twice (-seed=1 and -seed=2: libFuzzer shuffles the load
#                    order by seed); if the two differ the cell shows both ("392-395") and the lower counts.
#   lines            from a second build with clang source coverage: lines of the target's parser files
#                    executed by the corpus / lines in those files, and the percentage.
#   floor            floor(0.97 * edges): tests/fuzz-smoke.sh fails a target whose committed corpus reaches
#                    fewer edges than that (a parser change lost coverage, or seeds were dropped).
# The parser files of each target are kept in ONE place: the "parser files" column of the table in
# fuzz/README.md (space-separated paths). A target with no row there, a row naming no target, a missing file
# or a file the target does not link is an error (exit 2): a new target gets its row by hand first.
#
# Prints the table and rewrites it in fuzz/README.md between the fuzz-report markers, with a line saying when
# and how it was measured; nothing else in the tree changes. Both builds are copies of the tree in a temp dir
# (as tests/run-all.sh makes them), so the tree's own configuration and build/ are left alone, and
# fuzz/corpus/ is only read. Logs of the builds and runs: build/fuzz-report/.
# Exit status: 0 done, 1 a build or a measurement failed (README untouched), 2 usage or mapping error.
# Needs clang with libFuzzer (libclang-rt-14-dev), llvm-profdata and llvm-cov (Debian 12: llvm-14).
# Run under bash even when started as `sh fuzz/report.sh` (the Makefile's fuzz-report target does that).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
README=fuzz/README.md
LOGS=$ROOT/build/fuzz-report
JOBS=$(nproc 2>/dev/null || echo 2)
BEGIN_MARK='<!-- fuzz-report: begin'
END_MARK='<!-- fuzz-report: end'

die() { echo "fuzz/report.sh: $*" >&2; exit "${2:-2}"; }

# ---- targets and their parser files ----

[ -f "$README" ] || die "$README is missing"
if ! grep -q "^$BEGIN_MARK" "$README" || ! grep -q "^$END_MARK" "$README"; then
	die "$README has no '$BEGIN_MARK ... -->' / '$END_MARK -->' markers around the coverage table"
fi

ALL=()
for src in fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	n=${src#fuzz/fuzz_}
	ALL+=("${n%.c}")
done
[ ${#ALL[@]} -gt 0 ] || die "no fuzz/fuzz_*.c targets"

# The rows of the table: "name<TAB>parser files<TAB>the row as it is".
declare -A FILES ROW
while IFS=$'\t' read -r name files line; do
	[ -n "${ROW[$name]+x}" ] && die "$README: two rows for target '$name'"
	FILES[$name]=$files
	ROW[$name]=$line
done < <(awk -v b="$BEGIN_MARK" -v e="$END_MARK" '
	index($0, b) == 1 { inb = 1; next }
	index($0, e) == 1 { inb = 0; next }
	inb && /^\|/ {
		n = split($0, c, "|")
		t = c[2]; f = c[3]
		gsub(/[ `]/, "", t); gsub(/`/, "", f); gsub(/^ +| +$/, "", f); gsub(/  +/, " ", f)
		if (t == "target" || t ~ /^:?-+:?$/ || t == "") next
		printf "%s\t%s\t%s\n", t, f, $0
	}' "$README")

errors=0
for name in "${ALL[@]}"; do
	if [ -z "${ROW[$name]+x}" ]; then
		echo "fuzz/report.sh: target '$name' (fuzz/fuzz_$name.c) has no row in $README's table; add one:" >&2
		echo "  | $name | <its parser files> | | | | | |" >&2
		errors=$((errors + 1))
		continue
	fi
	if [ -z "${FILES[$name]}" ]; then
		echo "fuzz/report.sh: target '$name': no parser files in its row of $README" >&2
		errors=$((errors + 1))
	fi
	for f in ${FILES[$name]}; do
		[ -f "$f" ] || { echo "fuzz/report.sh: target '$name': parser file '$f' does not exist" >&2; errors=$((errors + 1)); }
	done
	if [ -z "$(find "fuzz/corpus/$name" -type f 2>/dev/null | head -n 1)" ]; then
		echo "fuzz/report.sh: target '$name' has no seeds: fuzz/corpus/$name/ is missing or empty" >&2
		errors=$((errors + 1))
	fi
done
for name in "${!ROW[@]}"; do
	[ -f "fuzz/fuzz_$name.c" ] ||
		{ echo "fuzz/report.sh: $README has a row for '$name' but there is no fuzz/fuzz_$name.c" >&2; errors=$((errors + 1)); }
done
[ $errors = 0 ] || exit 2

TARGETS=()
if [ -n "${REPORT_TARGETS:-}" ]; then
	for name in $REPORT_TARGETS; do
		[ -f "fuzz/fuzz_$name.c" ] || die "REPORT_TARGETS: no target '$name' (no fuzz/fuzz_$name.c)"
		TARGETS+=("$name")
	done
else
	TARGETS=("${ALL[@]}")
fi

# ---- tools ----

command -v clang >/dev/null 2>&1 || die "clang not found; install it: apt-get install clang libclang-rt-14-dev"
CLANG_MAJOR=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
tool() {
	local t
	for t in "$1-$CLANG_MAJOR" "$1"; do
		command -v "$t" >/dev/null 2>&1 && { command -v "$t"; return 0; }
	done
	return 1
}
PROFDATA=$(tool llvm-profdata) || die "llvm-profdata not found; install it: apt-get install llvm-$CLANG_MAJOR"
LLVMCOV=$(tool llvm-cov) || die "llvm-cov not found; install it: apt-get install llvm-$CLANG_MAJOR"

# ---- two builds of copies of the tree ----

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-fuzz-report.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'rm -rf "$TMP"; exit 130' INT
trap 'rm -rf "$TMP"; exit 143' TERM
rm -rf "$LOGS" && mkdir -p "$LOGS" || exit 1

# A copy without .git and without the tree's own configuration and build products (tests/run-all.sh's make_copy).
make_copy() {
	mkdir -p "$1" &&
		tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h \
			--exclude=./Makefile --exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so \
			-cf - . | tar -C "$1" -xf -
}

BINS=()
for name in "${TARGETS[@]}"; do BINS+=("build/fuzz/fuzz_$name"); done

# build DIR LOG CONFIGURE-ARGS...: copies the tree to DIR, configures it and builds the targets.
build() {
	local dir=$1 log=$2
	shift 2
	echo "# building $dir: ./configure $* && make ${#BINS[@]} targets (log: $log)"
	if ! make_copy "$dir"; then
		echo "fuzz/report.sh: cannot copy the tree to $dir" >&2
		return 1
	fi
	if ! (cd "$dir" && ./configure "$@" && make -j"$JOBS" "${BINS[@]}") >"$log" 2>&1; then
		echo "fuzz/report.sh: build failed: ./configure $* && make (in a copy); the end of $log:" >&2
		grep -E 'error|Error|undefined reference|configure:' "$log" | tail -n 20 | sed 's/^/  /' >&2
		return 1
	fi
}

# The edges build is the one tests/fuzz-smoke.sh runs (tests/run-all.sh: ./configure --enable-fuzz CC=clang,
# default CFLAGS), so that the floors compare like with like.
EDIR=$TMP/edges
build "$EDIR" "$LOGS/build-edges.log" --enable-fuzz CC=clang || exit 1

# The source-coverage build. ASan, UBSan and sanitizer-coverage do not get in the way of clang's profile
# instrumentation (checked with clang 14: same INITED edges, profiles written, llvm-cov reads them). What is
# needed is -fprofile-instr-generate in LDFLAGS too: the Makefile links the harnesses with LDFLAGS and
# SAN_FLAGS, not CFLAGS, and without it the link still succeeds but leaves out the profile runtime, so the
# targets run and write no profile at all.
CDIR=$TMP/cov
build "$CDIR" "$LOGS/build-cov.log" --enable-fuzz CC=clang \
	CFLAGS="-O1 -g -fprofile-instr-generate -fcoverage-mapping" LDFLAGS="-fprofile-instr-generate" || exit 1

# ---- measuring ----

# run_corpus BIN NAME LOG [ARGS...]: runs BIN with -runs=0 over a fresh temp copy of fuzz/corpus/NAME.
run_corpus() {
	local bin=$1 name=$2 log=$3 work=$TMP/run/$2
	shift 3
	rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts" && cp -a "fuzz/corpus/$name/." "$work/corpus/" || return 1
	timeout -k 10 900 "$bin" -runs=0 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" "$@" \
		"$work/corpus" >"$log" 2>&1
}

# inited LOG: "cov ft" from libFuzzer's INITED line.
inited() {
	sed -n 's/.*INITED cov: \([0-9][0-9]*\) ft: \([0-9][0-9]*\).*/\1 \2/p' "$1" | head -n 1
}

declare -A CELL_EDGES CELL_FT CELL_LINES CELL_PCT CELL_FLOOR
failed=0
for name in "${TARGETS[@]}"; do
	echo "# measuring $name"
	# Edges, twice.
	vals=()
	fts=()
	for seed in 1 2; do
		log=$LOGS/edges-$name-seed$seed.log
		if ! run_corpus "$EDIR/build/fuzz/fuzz_$name" "$name" "$log" -seed=$seed; then
			echo "fuzz/report.sh: $name: the run over its corpus failed (a seed crashes, leaks or hangs?); see $log" >&2
			grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 10 | sed 's/^/  /' >&2
			failed=1
			continue 2
		fi
		read -r c f <<<"$(inited "$log")"
		if [ -z "${c:-}" ]; then
			echo "fuzz/report.sh: $name: no INITED line in $log" >&2
			failed=1
			continue 2
		fi
		vals+=("$c")
		fts+=("$f")
	done
	lo=${vals[0]} hi=${vals[1]}
	[ "$lo" -gt "$hi" ] && { lo=${vals[1]}; hi=${vals[0]}; }
	flo=${fts[0]} fhi=${fts[1]}
	[ "$flo" -gt "$fhi" ] && { flo=${fts[1]}; fhi=${fts[0]}; }
	if [ "$lo" = "$hi" ]; then CELL_EDGES[$name]=$lo; else CELL_EDGES[$name]="$lo-$hi"; fi
	if [ "$flo" = "$fhi" ]; then CELL_FT[$name]=$flo; else CELL_FT[$name]="$flo-$fhi"; fi
	CELL_FLOOR[$name]=$((lo * 97 / 100))
	[ "$lo" = "$hi" ] || echo "# note: $name: corpus edges differ between two runs ($lo, $hi); the floor is from $lo"

	# Lines.
	log=$LOGS/lines-$name.log
	prof=$TMP/prof/$name
	rm -rf "$prof" && mkdir -p "$prof"
	if ! LLVM_PROFILE_FILE="$prof/%p.profraw" run_corpus "$CDIR/build/fuzz/fuzz_$name" "$name" "$log" -seed=1; then
		echo "fuzz/report.sh: $name: the coverage build's run over its corpus failed; see $log" >&2
		failed=1
		continue
	fi
	if ! ls "$prof"/*.profraw >/dev/null 2>&1 ||
		! "$PROFDATA" merge -sparse -o "$prof.profdata" "$prof"/*.profraw >>"$log" 2>&1; then
		echo "fuzz/report.sh: $name: no usable profile from the coverage build; see $log" >&2
		failed=1
		continue
	fi
	covered=0
	total=0
	for f in ${FILES[$name]}; do
		# One file at a time, and its own row: given a file that is not in the binary, llvm-cov reports every
		# file there is instead.
		read -r t m <<<"$(cd "$CDIR" && "$LLVMCOV" report "build/fuzz/fuzz_$name" -instr-profile="$prof.profdata" "$f" \
			2>>"$log" | awk -v f="$f" '
				/^-+$/ { sep++; next }
				sep == 1 { rows++; if ($1 == f || substr($1, length($1) - length(f)) == "/" f) { t = $8; m = $9 } }
				END { if (rows == 1 && t != "") print t, m }')"
		if [ -z "${t:-}" ] || [ "$t" = 0 ]; then
			echo "fuzz/report.sh: $name: parser file $f is not in fuzz_$name (not linked, or no code): fix its row in $README" >&2
			failed=1
			continue 2
		fi
		echo "#   $f: $((t - m)) / $t lines"
		covered=$((covered + t - m))
		total=$((total + t))
	done
	CELL_LINES[$name]="$covered / $total"
	CELL_PCT[$name]=$(awk -v c="$covered" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * c / t }')
done
if [ $failed != 0 ]; then
	echo "fuzz/report.sh: measurement failed; $README not changed (logs: $LOGS)" >&2
	exit 1
fi

# ---- the table ----

HEADER='| target | parser files | edges | features | lines covered / total | lines % | floor (edges) |'
SEP='|---|---|---:|---:|---:|---:|---:|'
declare -A NEWROW
for name in "${TARGETS[@]}"; do
	NEWROW[$name]="| $name | ${FILES[$name]} | ${CELL_EDGES[$name]} | ${CELL_FT[$name]} | ${CELL_LINES[$name]} | ${CELL_PCT[$name]} | ${CELL_FLOOR[$name]} |"
done

commit=
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)
	[ -n "$(git -C "$ROOT" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ] &&
		commit="$commit + uncommitted changes"
fi
when=$(date -u '+%Y-%m-%d %H:%M UTC')
how="clang $(clang -dumpversion), $(nproc) cores${commit:+, commit $commit}"
if [ -n "${REPORT_TARGETS:-}" ]; then
	note="Rows ${TARGETS[*]} re-measured $when with \`REPORT_TARGETS=\"${TARGETS[*]}\" make fuzz-report\` ($how)."
else
	note="Measured $when with \`make fuzz-report\` (fuzz/report.sh; $how)."
fi

# The new block: header, one row per target (sorted), a blank line, the measurement line(s). A partial run
# keeps the other rows and the full run's line as they were.
block=$TMP/block
{
	echo "$HEADER"
	echo "$SEP"
	for name in $(printf '%s\n' "${ALL[@]}" | sort); do
		if [ -n "${NEWROW[$name]+x}" ]; then echo "${NEWROW[$name]}"; else echo "${ROW[$name]}"; fi
	done
	echo
	if [ -n "${REPORT_TARGETS:-}" ]; then
		old=$(awk -v b="$BEGIN_MARK" -v e="$END_MARK" 'index($0, b) == 1 { inb = 1; next }
			index($0, e) == 1 { inb = 0 } inb && /^Measured /' "$README")
		[ -n "$old" ] && echo "$old"
		# Earlier partial runs' lines stay, unless this run re-measured one of their rows.
		awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v now=" ${TARGETS[*]} " 'index($0, b) == 1 { inb = 1; next }
			index($0, e) == 1 { inb = 0 }
			inb && /^Rows / { n = split(substr($0, 6, index($0, " re-measured") - 6), t, " "); keep = 1
				for (i = 1; i <= n; i++) if (index(now, " " t[i] " ")) keep = 0
				if (keep) print }' "$README"
	fi
	echo "$note"
} >"$block"

new=$TMP/README.md
awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v blk="$block" '
	index($0, b) == 1 { print; while ((getline l < blk) > 0) print l; skip = 1; next }
	index($0, e) == 1 { skip = 0 }
	!skip { print }' "$README" >"$new" || exit 1
cat "$new" >"$README" || exit 1

echo
cat "$block"
echo
echo "# $README updated (${#TARGETS[@]} rows); logs in $LOGS"
