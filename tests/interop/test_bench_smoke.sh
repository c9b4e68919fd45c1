#!/bin/bash
# sshtun: interop: a smoke run of the benchmark (SMOKE=1 bench/bench.sh: one run of 2 s per client, one cipher,
# MTU 1500): it exits 0, its table has a non-zero throughput for ssh and for sshtun in both directions, it
# writes its CSV, and it leaves no namespace or temp dir behind. Results go to a temp dir removed at the end.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
command -v iperf3 >/dev/null || { echo "not ok - bench smoke: iperf3 is missing (apt-get install iperf3)"; exit 1; }
[ -x ./sshtun ] || { echo "not ok - bench smoke: ./sshtun not built (run make)"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-bench-smoke.$$.XXXXXX") || exit 1
trap 'rm -rf -- "$TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# SMOKE takes about 20 s; 100 s bounds it (bench.sh's own rig trap cleans up on TERM).
SMOKE=1 OUT=$TMP/smoke timeout 100 bench/bench.sh >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
if [ $rc = 0 ]; then
	tap_ok "bench smoke: SMOKE=1 bench/bench.sh exits 0"
else
	tap_not_ok "bench smoke: SMOKE=1 bench/bench.sh exits 0 (status $rc)"
	tail -n 25 "$TMP/stderr" | tap_diag
fi

# The table's row for one cipher, MTU and direction: its ssh and sshtun Mbit/s (columns 4 and 5).
row_mbps() {
	awk -F'|' -v d="$1" '$2 ~ /^ *aes128-gcm *$/ && $3 ~ /^ *1500 *$/ && $4 ~ "^ *" d " *$" {
		a = $5; b = $6; gsub(/ /, "", a); gsub(/ /, "", b); print a, b; exit }' "$TMP/stdout"
}

positive() {
	awk -v v="$1" 'BEGIN { exit !(v + 0 > 0) }'
}

for dir in up down; do
	read -r ssh_mbps st_mbps <<<"$(row_mbps "$dir")"
	for pair in "ssh:${ssh_mbps:-}" "sshtun:${st_mbps:-}"; do
		client=${pair%%:*}
		v=${pair#*:}
		if [ -n "$v" ] && positive "$v"; then
			tap_ok "bench smoke: table has a non-zero $client throughput $dir ($v Mbit/s)"
		else
			tap_not_ok "bench smoke: table has a non-zero $client throughput $dir (got '${v}')"
			tap_diag <"$TMP/stdout"
		fi
	done
done

if cmp -s "$TMP/stdout" "$TMP/smoke.md"; then
	tap_ok "bench smoke: the table on stdout is the one written to OUT.md"
else
	tap_not_ok "bench smoke: the table on stdout is the one written to OUT.md"
fi

# Header plus an idle, an up and a down row per client, each with a status.
rows=$(awk -F, 'NR > 1 && NF == 14 && $6 != "" { n++ } END { print n + 0 }' "$TMP/smoke.csv" 2>/dev/null)
if [ "$rows" = 6 ]; then
	tap_ok "bench smoke: the CSV has its 6 samples"
else
	tap_not_ok "bench smoke: the CSV has its 6 samples (got ${rows:-no file})"
fi

# bench.sh names its rig on stderr; check that it took it down.
left=""
read -r ns_c ns_s rig_dir <<<"$(sed -n 's/^bench: rig up: namespaces \([^ ]*\) \([^ ]*\), temp dir \(.*\)$/\1 \2 \3/p' \
	"$TMP/stderr")"
for ns in $ns_c $ns_s; do
	if [ -e "/run/netns/$ns" ]; then
		left="$left namespace $ns"
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	fi
done
if [ -n "${rig_dir:-}" ] && [ -e "$rig_dir" ]; then
	left="$left dir $rig_dir"
	rm -rf -- "$rig_dir"
fi
if [ -z "${ns_c:-}" ]; then
	tap_not_ok "bench smoke: bench.sh said which rig it used"
elif [ -z "$left" ]; then
	tap_ok "bench smoke: nothing left behind ($ns_c $ns_s gone)"
else
	tap_not_ok "bench smoke: nothing left behind (removed:$left)"
fi
tap_done
