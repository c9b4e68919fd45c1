#!/bin/bash
# sshtun: interop: a smoke run of the benchmark (SMOKE=1 bench/bench.sh: one run of 2 s per client, one cipher,
# MTU 1500): it exits 0, its table has a non-zero throughput for ssh and for sshtun in both directions, it
# says which targets hold, it writes its CSV, and it leaves no namespace or temp dir behind. Before that,
# bench/targets.awk on made-up tables. Results go to a temp dir removed at the end.
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

# bench/targets.awk on made-up tables: the verdicts, as printed ratios against the issue's limits.
hdr='| cipher | MTU | dir | ssh Mbit/s | sshtun Mbit/s | sshtun/ssh | ssh CPU s/GiB | sshtun CPU s/GiB | sshtun/ssh | ssh RTT idle | sshtun RTT idle | ssh RTT load | sshtun RTT load | crypto GB/s/core |
|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
good="$hdr
| aes128-gcm | 1500 | up | 600 | 900 | 1.50 | 9.00 | 3.00 | 0.33 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 6.00 / 100.00 | 1.87 |
| aes128-gcm | 16000 | down | 3000 | 3900 | 1.30 | 2.00 | 1.00 | 0.50 | 0.30 / 0.40 | 0.30 / 0.40 | 2.00 / 20.00 | 9.00 / 90.00 | 1.87 |
| aes128-gcm | defaults | up | 700 | 2800 | 4.00 | 9.00 | 1.00 | 0.11 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 9.00 / 900.00 | 1.87 |"
bad="$hdr
| aes128-gcm | 1500 | up | 600 | 564 | 0.94 | 9.00 | 2.00 | 0.22 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 2.00 / 100.50 | 1.87 |
| aes128-gcm | defaults | down | 300 | 1170 | 3.90 | 9.00 | 1.00 | 0.11 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 2.00 / 20.00 | 1.87 |
| aes128-gcm | 16000 | up | 3000 | 3900 | 1.30 | 2.00 | 1.02 | 0.51 | 0.30 / 0.40 | 0.30 / 0.40 | 2.00 / 20.00 | 2.00 / 20.00 | 1.87 |
| aes128-gcm | 16000 | down | 3000 | FAIL | - | 2.00 | FAIL | - | 0.30 / 0.40 | 0.30 / 0.40 | 2.00 / 20.00 | 2.00 / 20.00 | 1.87 |"
out=$(printf '%s\n' "$good" | awk -f bench/targets.awk)
if printf '%s\n' "$out" | grep -q ': 7 of 7 hold\.$' && ! printf '%s\n' "$out" | grep -q missed; then
	tap_ok "bench targets: limits met exactly hold (7 of 7; RTT is only a target at MTU 1500, defaults only 4x)"
else
	tap_not_ok "bench targets: limits met exactly hold"
	printf '%s\n' "$out" | tap_diag
fi
out=$(printf '%s\n' "$bad" | awk -f bench/targets.awk)
want="- missed: aes128-gcm MTU 1500 up throughput ratio: 0.94 (target >= 0.95)
- missed: aes128-gcm MTU 1500 up RTT under load p99 (ms): 100.50 (target <= 100.00)
- missed: aes128-gcm defaults down throughput ratio: 3.90 (target >= 4)
- missed: aes128-gcm MTU 16000 up CPU ratio: 0.51 (target <= 0.5)
- missed: aes128-gcm MTU 16000 down throughput ratio: - (target >= 1.3)
- missed: aes128-gcm MTU 16000 down CPU ratio: - (target <= 0.5)"
if printf '%s\n' "$out" | grep -q ': 3 of 9 hold\.$' && [ "$(printf '%s\n' "$out" | grep missed)" = "$want" ]; then
	tap_ok "bench targets: each miss is listed (0.94 < 0.95 up, 3.90 < 4 defaults, 0.51 > 0.5, a worse p99, a failed cell)"
else
	tap_not_ok "bench targets: each miss is listed"
	printf '%s\n' "$out" | tap_diag
fi
# With the sshd column: a throughput miss while sshd was at 95% of a core or more names the server as the
# limit; one below that, or a CPU miss, does not.
hdr17='| cipher | MTU | dir | ssh Mbit/s | sshtun Mbit/s | sshtun/ssh | ssh CPU s/GiB | sshtun CPU s/GiB | sshtun/ssh | ssh RTT idle | sshtun RTT idle | ssh RTT load | sshtun RTT load | crypto GB/s/core | sshd % of a core (ssh / sshtun) |
|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
bound="$hdr17
| aes128-gcm | 1500 | up | 600 | 564 | 0.94 | 9.00 | 2.00 | 0.22 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 2.00 / 20.00 | 1.87 | 70 / 99 |
| aes128-gcm | 1500 | down | 600 | 894 | 1.49 | 9.00 | 2.00 | 0.22 | 0.30 / 0.40 | 0.30 / 0.40 | 6.00 / 100.00 | 2.00 / 20.00 | 1.87 | 70 / 94 |
| aes128-gcm | 16000 | up | 3000 | 3900 | 1.30 | 2.00 | 1.02 | 0.51 | 0.30 / 0.40 | 0.30 / 0.40 | 2.00 / 20.00 | 2.00 / 20.00 | 1.87 | 60 / 98 |"
out=$(printf '%s\n' "$bound" | awk -f bench/targets.awk)
want="- missed: aes128-gcm MTU 1500 up throughput ratio: 0.94 (target >= 0.95); sshd at 99% of a core with sshtun: the server is the limit
- missed: aes128-gcm MTU 1500 down throughput ratio: 1.49 (target >= 1.5)
- missed: aes128-gcm MTU 16000 up CPU ratio: 0.51 (target <= 0.5)"
if printf '%s\n' "$out" | grep -q ': 7 of 10 hold\.$' && [ "$(printf '%s\n' "$out" | grep missed)" = "$want" ]; then
	tap_ok "bench targets: a throughput miss with sshd at >= 95% of a core names the server as the limit"
else
	tap_not_ok "bench targets: a throughput miss with sshd at >= 95% of a core names the server as the limit"
	printf '%s\n' "$out" | tap_diag
fi

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

# sshd's session process was found and measured for both clients in both directions (the last column).
for dir in up down; do
	v=$(awk -F'|' -v d="$dir" '$2 ~ /^ *aes128-gcm *$/ && $3 ~ /^ *1500 *$/ && $4 ~ "^ *" d " *$" { v = $16; gsub(/^ +| +$/, "", v); print v; exit }' \
		"$TMP/stdout")
	if printf '%s\n' "$v" | grep -Eq '^[1-9][0-9]* / [1-9][0-9]*$'; then
		tap_ok "bench smoke: table has sshd's CPU for both clients $dir ($v% of a core)"
	else
		tap_not_ok "bench smoke: table has sshd's CPU for both clients $dir (got '${v}')"
		tap_diag <"$TMP/stdout"
	fi
done

# One cipher at MTU 1500, both directions: four targets each, held or listed as missed.
held=$(sed -n 's/.*: \([0-9]*\) of 8 hold\.$/\1/p' "$TMP/stdout")
missed=$(grep -c '^- missed: ' "$TMP/stdout")
if [ -n "$held" ] && [ $((held + missed)) = 8 ]; then
	tap_ok "bench smoke: the report says which targets hold ($held of 8; $missed listed as missed)"
else
	tap_not_ok "bench smoke: the report says which targets hold (held '${held}', missed $missed)"
	tap_diag <"$TMP/stdout"
fi

if cmp -s "$TMP/stdout" "$TMP/smoke.md"; then
	tap_ok "bench smoke: the table on stdout is the one written to OUT.md"
else
	tap_not_ok "bench smoke: the table on stdout is the one written to OUT.md"
fi

# Header plus an idle, an up and a down row per client, each with a status (transfers also carry sshd's CPU).
rows=$(awk -F, 'NR > 1 && $6 != "" && (($5 == "idle" && NF == 14) || ($5 != "idle" && NF == 15)) { n++ }
	END { print n + 0 }' "$TMP/smoke.csv" 2>/dev/null)
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
