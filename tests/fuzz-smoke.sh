#!/bin/bash
# sshtun: the fuzz smoke run. Runs every built libFuzzer target for FUZZ_SECONDS (default 15) on a temp copy of
# its seed corpus, and checks that the fuzzing build does what it is for.
# Usage: tests/fuzz-smoke.sh [DIR-WITH-FUZZ-BINARIES]   (default build/fuzz; build them with
#        ./configure --enable-fuzz CC=clang && make fuzz; tests/run-all.sh builds a copy and passes its build/fuzz)
# Prints one "ok - ..." / "not ok - ..." line per check (tests/run-all.sh counts them); exit status 0 if all passed:
#   fuzz library instrumented      every object in the build's libsshtun.a (DIR/../../libsshtun.a) carries
#                                  sanitizer-coverage and ASan instrumentation
# and per target NAME:
#   fuzz NAME                      the run: no crash, leak (LeakSanitizer is on) or timeout (10 s per input)
#   fuzz NAME coverage             the edges the committed corpus reaches (libFuzzer's INITED cov:, which comes
#                                  after loading the corpus) >= the target's floor in fuzz/README.md's table
#                                  (make fuzz-report writes it; no floor is a failure)
#   fuzz NAME reaches the library  the run's coverage comes from the library: libFuzzer's -print_coverage
#                                  attributes every covered edge to a function and its source file; at least 10
#                                  must be in the target's parser files (the "parser files" column of the same
#                                  table). The line also prints the edges in all library code and the harness
#                                  object's own sanitizer-coverage counters (the most the harness alone can reach).
# New corpus entries go to a temp dir, never into fuzz/corpus; crash inputs are kept in build/fuzz-crashes/NAME/.
#
# Why the library check is not "final cov >= 2 * harness counters + 10": the harness object's own counters (its
# __sancov_cntrs / __sancov_guards sections) bound what the harness alone can reach, but thin targets over small
# parsers fail that rule while reaching the library (base64: 20 edges, 15 of them in crypto/util.c, harness 16
# counters; text: 73 edges, 49 in library code, 32 in util/text.c, harness 51 counters), and it passes a target
# whose own parser is not instrumented as long as helpers like util/wire.c are (checked: util/text.o built
# without instrumentation left fuzz_text 17 library edges, all in util/wire.c). Per-file attribution measures
# the parser's share itself. The counter rule is used only when attribution is unavailable (no -g: no files).
start=$(pwd)
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
bindir=${1:-build/fuzz}
if [ -n "${1:-}" ]; then
	# A relative DIR is relative to where the script was started, not to the tree.
	bindir=$(cd "$start" && cd "$1" 2>/dev/null && pwd) || bindir=$1
fi
secs=${FUZZ_SECONDS:-15}
crashdir=$root/build/fuzz-crashes
readme=$root/fuzz/README.md
lib_min=10
failed=0
ran=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 130' INT
trap 'rm -rf "$tmp"; exit 143' TERM

ok() { echo "ok - $*"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $*"
}

# The tree the targets were built in: DIR is its build/fuzz.
top=$(cd "$bindir/../.." 2>/dev/null && pwd)

# check_library: every object of libsshtun.a references sanitizer-coverage (__sanitizer_cov_* / __sancov*) and
# ASan (__asan_*) symbols. An object that defines no function (the sanitizers' module constructors aside) has
# nothing to instrument and is exempt.
check_library() {
	local lib=$top/libsshtun.a out bad exempt n

	if [ -z "$top" ] || [ ! -f "$lib" ]; then
		not_ok "fuzz library instrumented: no libsshtun.a next to $bindir's build/ (looked for $bindir/../../libsshtun.a)"
		return
	fi
	if ! out=$(nm "$lib" 2>/dev/null | awk '
		function flush() {
			if (name == "") return
			if (!funcs) print name, "exempt"
			else if (!cov || !asan) print name, "bad", (cov ? "" : "no-sanitizer-coverage") (!cov && !asan ? "," : "") (asan ? "" : "no-asan")
			else print name, "ok"
		}
		/^$/ { next }
		/:$/ && NF == 1 { flush(); name = substr($0, 1, length($0) - 1); cov = asan = funcs = 0; next }
		{
			sym = $NF; type = $(NF - 1)
			if (sym ~ /^__sanitizer_cov_/ || sym ~ /^__sancov/) cov = 1
			if (sym ~ /^__asan_/) asan = 1
			# The sanitizer module constructors do not count: an object whose code is all under a switch that
			# is off (crypto/hash_sodium.c in a build with libcrypto) still gets one.
			if ((type == "T" || type == "t") && sym !~ /^(_sub_I_|asan[.]module_|sancov[.]module_)/) funcs = 1
		}
		END { flush() }') || [ -z "$out" ]; then
		not_ok "fuzz library instrumented: nm cannot read $lib"
		return
	fi
	n=$(echo "$out" | grep -c .)
	bad=$(echo "$out" | awk '$2 == "bad" { printf "%s%s (%s)", sep, $1, $3; sep = ", " }')
	exempt=$(echo "$out" | awk '$2 == "exempt" { printf "%s%s", sep, $1; sep = ", " }')
	if [ -n "$bad" ]; then
		not_ok "fuzz library instrumented: not every object of $lib is: $bad (configure --enable-fuzz must put -fsanitize=fuzzer-no-link,address into every library object)"
	else
		ok "fuzz library instrumented: all $n objects of libsshtun.a have sanitizer-coverage and ASan${exempt:+ (exempt, no functions: $exempt)}"
	fi
}

# cell NAME COLUMN: the target's cell in the column whose heading starts with COLUMN ("floor", "parser files")
# in the coverage table of fuzz/README.md (empty if none).
cell() {
	[ -f "$readme" ] || return 0
	awk -v t="$1" -v h="$2" -v b="<!-- fuzz-report: begin" -v e="<!-- fuzz-report: end" '
		index($0, b) == 1 { inb = 1; next }
		index($0, e) == 1 { inb = 0; next }
		inb && /^\|/ {
			n = split($0, c, "|")
			for (i = 1; i <= n; i++) { gsub(/^[ `]+|[ `]+$/, "", c[i]) }
			if (c[2] == "target") { for (i = 1; i <= n; i++) if (index(c[i], h) == 1) col = i; next }
			if (c[2] == t && col) { print c[col]; exit }
		}' "$readme"
}

# harness_guards OBJ: the sanitizer-coverage counters of the harness object alone (4-byte guards or 1-byte
# inline counters, whichever the compiler used): the most edges the harness by itself could make libFuzzer see.
harness_guards() {
	readelf -SW "$1" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] //p' | awk '
		function hex(s,   i, v) { v = 0; s = tolower(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
		$1 == "__sancov_guards" { n += hex($5) / 4; found = 1 }
		$1 == "__sancov_cntrs" { n += hex($5); found = 1 }
		END { if (found) print n }'
}

# attribute LOG NAME "FILES": "harness library parser" -- covered edges by the source file of their function,
# from -print_coverage's COVERED_FUNC lines (... edges: COVERED/TOTAL FUNCTION FILE:LINE). The tree the target
# was compiled in is where its fuzz/fuzz_NAME.c was (the binaries may have moved since). Harness: files under
# that tree's fuzz/ or tests/; library: the rest of the tree; parser: the library edges in FILES (the target's
# parser files, as the table in fuzz/README.md lists them). Files outside the tree count nowhere.
attribute() {
	local src base

	src=$(grep -m 1 -o "[^ ]*/fuzz/fuzz_$2\.c:[0-9]*\$" "$1")
	base=${src%/fuzz/fuzz_"$2".c:*}
	awk -v t="${base:-$top}/" -v files="$3" '
		BEGIN { n = split(files, fs, " "); for (i = 1; i <= n; i++) pf[fs[i]] = 1 }
		/^COVERED_FUNC:/ {
			split($5, e, "/"); f = $NF; sub(/:[0-9]+$/, "", f)
			if (index(f, t) != 1) next
			r = substr(f, length(t) + 1)
			if (r ~ /^(fuzz|tests)\//) h += e[1]
			else { l += e[1]; if (r in pf) p += e[1] }
		}
		END { print h + 0, l + 0, p + 0 }' "$1"
}

bins=()
for bin in "$bindir"/fuzz_*; do
	[ -f "$bin" ] && [ -x "$bin" ] && bins+=("$bin")
done
[ ${#bins[@]} -gt 0 ] && check_library

for bin in "${bins[@]}"; do
	name=${bin##*/fuzz_}
	ran=$((ran + 1))
	work=$tmp/$name
	mkdir -p "$work/corpus" "$work/artifacts"
	if [ -d "fuzz/corpus/$name" ]; then
		cp -a "fuzz/corpus/$name/." "$work/corpus/"
	fi
	# -timeout: one input taking longer than 10 s is a hang; timeout(1) bounds the whole run.
	# -print_coverage: at the end, the covered edges per function and source file (for the library check).
	timeout -k 10 $((secs + 60)) "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -print_coverage=1 -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
		ok "fuzz $name (${secs}s, ${execs:-?} runs)"
	else
		not_ok "fuzz $name (exit status $rc)"
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$work/log" | head -n 20 | sed 's/^/# /'
		if ls "$work/artifacts/"* >/dev/null 2>&1; then
			mkdir -p "$crashdir/$name"
			cp "$work/artifacts/"* "$crashdir/$name/"
			echo "# crash inputs kept in $crashdir/$name/ (reproduce: $bin <file>)"
		fi
	fi

	# Coverage regression: the committed corpus alone against the floor make fuzz-report recorded.
	corpus_cov=$(sed -n 's/.*INITED cov: \([0-9][0-9]*\).*/\1/p' "$work/log" | head -n 1)
	floor=$(cell "$name" floor)
	if ! [[ $floor =~ ^[0-9]+$ ]]; then
		not_ok "fuzz $name coverage: no floor for $name in fuzz/README.md's table (run make fuzz-report)"
	elif [ -z "$corpus_cov" ]; then
		not_ok "fuzz $name coverage: not measured (no INITED line: the run stopped while loading the corpus)"
	elif [ "$corpus_cov" -ge "$floor" ]; then
		ok "fuzz $name coverage: corpus $corpus_cov edges >= floor $floor"
	else
		not_ok "fuzz $name coverage: corpus $corpus_cov edges < floor $floor (fuzz/README.md): coverage was lost; restore it, or re-measure on purpose with make fuzz-report"
	fi

	# The library's share of the final coverage.
	final=$(sed -n 's/.*DONE *cov: \([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n 1)
	guards=$(harness_guards "${bin}.o")
	files=$(cell "$name" "parser files")
	read -r h_edges l_edges p_edges <<<"$(attribute "$work/log" "$name" "$files")"
	alone="harness alone ${guards:-? (no ${bin##*/}.o to count)}"
	if [ $rc != 0 ] || [ -z "$final" ]; then
		not_ok "fuzz $name reaches the library: not measured (the run failed)"
	elif [ $((h_edges + l_edges)) -gt 0 ]; then
		if [ -z "$files" ]; then
			not_ok "fuzz $name reaches the library: $final edges, $l_edges in library code; no parser files for $name in fuzz/README.md's table"
		elif [ "$p_edges" -ge $lib_min ]; then
			ok "fuzz $name reaches the library: $final edges, $l_edges in library code, $p_edges in its parser files; $alone"
		else
			not_ok "fuzz $name reaches the library: $final edges, $l_edges in library code, only $p_edges in its parser files ($files; < $lib_min); $alone: are they instrumented?"
		fi
	elif [ -n "$guards" ] && [ "$final" -ge $((2 * guards + 10)) ]; then
		ok "fuzz $name reaches the library: $final edges, $alone (>= 2 * $guards + 10; no per-file attribution)"
	else
		not_ok "fuzz $name reaches the library: $final edges, $alone: not >= 2 * harness + 10, and no per-file attribution (build with -g)"
	fi
done

if [ $ran = 0 ]; then
	echo "# no fuzz targets in $bindir (build them: ./configure --enable-fuzz CC=clang && make fuzz)"
fi
[ $failed = 0 ]
