#!/bin/bash
# sshtun: proves that the fuzz targets see a whole session: the recorded seeds (fuzz/corpus/*/rec-*) replay
# through fuzz_transport, fuzz_session and fuzz_userauth to the end (logged in, tunnel open, frames carried,
# every record taken, the server's rekeys done), and so do sessions recorded afresh against the rig's sshd
# with today's code (fuzz/record/record.sh; needs root and build/record/record from `make record`).
# Usage: tests/fuzz-replay.sh [DIR-WITH-FUZZ-BINARIES]   (default build/fuzz). Prints "ok - ..." / "not ok - ...".
cd "$(dirname "$0")/.." || exit 1
bindir=${1:-build/fuzz}
RECORD=${RECORD:-$PWD/build/record/record}
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-replay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# show TARGET FILE: the harness's one-line account of how far FILE got.
show() {
	SSHTUN_FUZZ_SHOW=1 timeout 60 "$bindir/fuzz_$1" -runs=1 "$2" 2>&1 | grep -m1 "^$1: "
}

# check WHAT TARGET FILE MINKEX: FILE must replay to the end with the tunnel open and frames carried.
check() {
	local what=$1 target=$2 file=$3 minkex=$4 line kex frames

	line=$(show "$target" "$file")
	kex=$(sed -n 's/.* kex \([0-9]*\),.*/\1/p' <<<"$line")
	frames=$(sed -n 's/.* frames \([0-9]*\),.*/\1/p' <<<"$line")
	case $target in
	userauth) want='left 0, .*authenticated 1,.* result 1$' ;;
	*) want='left 0, .*authenticated 1, channel open,.* result 0$' ;;
	esac
	if grep -q "$want" <<<"$line" && [ "${kex:-0}" -ge "$minkex" ] &&
		{ [ "$target" = userauth ] || [ "${frames:-0}" -gt 0 ]; }; then
		echo "ok - fuzz replay $what: $line"
	else
		echo "not ok - fuzz replay $what: ${line:-no account from fuzz_$target} (wanted every record taken," \
			"logged in, tunnel open with frames, at least $minkex key exchanges)"
		failed=$((failed + 1))
	fi
}

for f in fuzz/corpus/transport/rec-* fuzz/corpus/session/rec-* fuzz/corpus/userauth/rec-*; do
	[ -f "$f" ] || continue
	target=${f#fuzz/corpus/}
	target=${target%%/*}
	minkex=0
	case $target/${f##*/} in
	transport/rec-rekey | session/rec-rekey) minkex=3 ;;
	transport/*) minkex=1 ;;
	esac
	check "seed $target/${f##*/}" "$target" "$f" "$minkex"
done

if [ "$(id -u)" = 0 ] && [ -x "$RECORD" ]; then
	if RECORD=$RECORD bash fuzz/record/record.sh "$tmp/rec" >"$tmp/record.log" 2>&1; then
		for f in "$tmp"/rec/*.transport; do
			n=${f##*/}
			n=${n%.transport}
			minkex=1
			[ "$n" = rekey ] && minkex=3
			check "fresh recording $n (transport)" transport "$f" "$minkex"
			check "fresh recording $n (session)" session "$tmp/rec/$n.session" $((minkex - 1))
		done
		check "fresh recording chacha (userauth)" userauth "$tmp/rec/chacha.userauth" 0
	else
		echo "not ok - fuzz replay: recording fresh sessions failed"
		tail -n 15 "$tmp/record.log" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
else
	echo "# fresh recordings skipped: need root and $RECORD (make record)"
fi
[ $failed = 0 ]
