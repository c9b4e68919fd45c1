#!/bin/bash
# sshtun: the constant-time check. Builds every tests/ct/ct_*.c (make ct: a non-sanitized -O2 build of the
# library) and runs each under valgrind's memcheck, where the program has marked its secret inputs undefined:
# a branch or memory index that depends on a secret is then an error ("Conditional jump or move depends on
# uninitialised value(s)", "Use of uninitialised value"), and the program fails. One "ok -"/"not ok -" line per
# program; exit status 0 only if all passed. Needs a configured tree (./configure) and valgrind.
# What it does not prove: only the paths the programs take are seen, on this compiler and CPU; a variable-time
# instruction (a division, a multiplication on some CPUs) on a secret is not reported; nor is timing in libraries
# called from the measured code that valgrind does see as defined.
set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/ct

if ! command -v valgrind >/dev/null 2>&1; then
	echo "not ok - ct: valgrind not found (apt-get install valgrind)"
	exit 1
fi
if [ ! -f Makefile ]; then
	echo "not ok - ct: the tree is not configured (run ./configure)"
	exit 1
fi
if ! make -s ct >build/ct/make.log 2>&1; then
	echo "not ok - ct: make ct failed"
	tail -n 20 build/ct/make.log | sed 's/^/#   /'
	exit 1
fi

bad=0
for src in tests/ct/ct_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	log=build/ct/$name.log
	if timeout 600 valgrind -q --error-exitcode=1 --track-origins=yes "build/ct/$name" >"$log" 2>&1; then
		echo "ok - ct $name: no branch or index on a secret ($(head -n 1 "$log"))"
	else
		bad=1
		n=$(grep -c 'depends on uninitialised\|Use of uninitialised' "$log")
		echo "not ok - ct $name: $n valgrind reports (log: $log)"
		grep -A4 -m3 'depends on uninitialised\|Use of uninitialised' "$log" | sed 's/^/#   /'
	fi
done
exit $bad
