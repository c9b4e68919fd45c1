#!/bin/bash
# sshtun: records seeds for fuzz_netlink: the kernel's own replies to route lookups, link queries and a
# master change, captured by fuzz/record/nl_capture.c in a network namespace made for the purpose (the host's
# interfaces are never touched; addresses in 198.18.0.0/15 and fd00::/8 only).
#
#   fuzz/record/netlink.sh OUTDIR      as root; writes OUTDIR/kernel-*, then copy them to fuzz/corpus/netlink/
cd "$(dirname "$0")/../.." || exit 1
out=${1:?usage: fuzz/record/netlink.sh OUTDIR}
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 1
bin=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-nlcap.XXXXXX") || exit 1
trap 'rm -rf "$bin"' EXIT
${CC:-cc} -O1 -Wall -Wextra -o "$bin/nl_capture" fuzz/record/nl_capture.c || exit 1
export NLCAP=$bin/nl_capture OUT=$out
exec unshare -n bash -euc '
	cap() { "$NLCAP" "$OUT/kernel-$1" "${@:2}"; }
	ip link set lo up
	ip tuntap add tun0 mode tun
	ip link set tun0 up mtu 1400
	ip addr add 198.18.0.1/24 dev tun0
	ip addr add fd00::1/64 dev tun0 nodad
	ip route add 198.18.9.0/24 via 198.18.0.254 dev tun0 metric 50
	ip route add fd00:9::/64 via fd00::fe dev tun0 metric 50
	ip route add 198.18.10.0/24 via inet6 fd00::fe dev tun0
	ip route add default via 198.18.0.254 dev tun0
	ip link add br0 type bridge
	ip tuntap add tap0 mode tap
	ip link set tap0 master br0
	cap route-v4-gw route 198.18.9.9
	cap route-v6-gw route fd00:9::9
	cap route-v4-onlink route 198.18.0.7
	cap route-v4-local route 198.18.0.1
	cap route-v4-via6 route 198.18.10.1
	cap route-v4-default route 198.19.1.1
	cap route-v6-unreach route fd00:99::1
	cap link-bridge link br0
	cap link-tap-port link tap0
	cap link-tun link tun0
	cap link-lo link lo
	cap link-nodev link 9999
	cap ack-nomaster master tap0 0
	cap err-master-tun master tun0 br0
'
