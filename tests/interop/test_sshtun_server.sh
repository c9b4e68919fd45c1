#!/bin/bash
# sshtun: server/sshtun-server on its own, without sshd or the client, run by dash (Debian's /bin/sh) in a
# network namespace of its own (st-s-PID). Each instance gets tun/tap devices made with ip tuntap, stdin from
# a fifo the test holds open (sshd's pipe; closing it is the end of the session) and stdout and stderr
# through fifos, so the configuration is complete when both reach EOF, as sshd sees it. The checks look at
# what happened: the exact lines printed, the server's end of the device (ip addr, ip link), the leases,
# the forwarding sysctls, the nft tables, the bridge, and that all of it is undone.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
. tests/rig/rig.sh

SRV=${SSHTUN_SERVER:-$ROOT/server/sshtun-server}
NS=st-s-$$
T=

for c in ip dash mkfifo setpriv; do
	command -v "$c" >/dev/null 2>&1 || { echo "not ok - sshtun-server: $c is missing"; exit 1; }
done
if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "not ok - sshtun-server: needs root and /dev/net/tun (network namespaces, tun devices)"
	exit 1
fi

declare -A IPID OUTC ERRC WFD
INST_ENV=()
INST_RC=

# Everything the test made: instances, readers, the namespace (its devices go with it), the temp dir.
teardown() {
	local n fd pids

	for n in "${!WFD[@]}"; do
		fd=${WFD[$n]}
		eval "exec $fd>&-"
	done
	WFD=()
	pids="${IPID[*]} ${OUTC[*]} ${ERRC[*]}"
	# shellcheck disable=SC2086
	[ -n "${pids// /}" ] && rig_kill $pids
	IPID=()
	OUTC=()
	ERRC=()
	if [ -e "/run/netns/$NS" ]; then
		_rig_kill_ns "$NS"
		ip netns del "$NS" 2>/dev/null
	fi
	[ -n "$T" ] && [ -d "$T" ] && rm -rf -- "$T"
	T=
}
trap 'teardown' EXIT
trap 'teardown; exit 130' INT
trap 'teardown; exit 143' TERM
trap 'teardown; exit 129' HUP

T=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-rig.$$.XXXXXX") || exit 1
# nobody must reach its state directory below it
chmod 711 "$T"
if ! ip netns add "$NS"; then
	echo "not ok - sshtun-server: cannot create the namespace $NS"
	exit 1
fi
nsx() {
	ip netns exec "$NS" "$@"
}
setup() {
	local i

	nsx ip link set lo up || return 1
	for i in 0 1 2 3 4 5 6 8; do
		nsx ip tuntap add mode tun name "tun$i" || return 1
	done
	# tun9 may be opened by nobody; configuring it still needs CAP_NET_ADMIN
	nsx ip tuntap add mode tun name tun9 user nobody &&
		nsx ip tuntap add mode tap name tap0 &&
		nsx ip tuntap add mode tap name tap1 &&
		nsx ip link add br0 type bridge &&
		nsx ip link add up0 type veth peer name up1 &&
		nsx ip link set up0 up
}
if ! setup; then
	echo "not ok - sshtun-server: cannot create the devices in $NS"
	exit 1
fi

close_wfds() {
	local fd

	for fd in "${WFD[@]}"; do
		eval "exec $fd>&-"
	done
}

# launch NAME DEV [--nobody] ARGS...: starts an instance for device DEV (SSH_TUNNEL), with $INST_ENV.
launch() {
	local name=$1 dev=$2 fd
	local runas=()

	shift 2
	if [ "${1:-}" = --nobody ]; then
		runas=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
		shift
	fi
	rm -f "$T/$name".*
	mkfifo "$T/$name.in" "$T/$name.ofifo" "$T/$name.efifo"
	# read-write: never blocks, and the instance sees EOF once the test closes it
	exec {fd}<>"$T/$name.in"
	WFD[$name]=$fd
	(close_wfds; exec cat "$T/$name.ofifo" >"$T/$name.out") &
	OUTC[$name]=$!
	(close_wfds; exec cat "$T/$name.efifo" >"$T/$name.err") &
	ERRC[$name]=$!
	(
		close_wfds
		exec ip netns exec "$NS" "${runas[@]}" env SSH_TUNNEL="$dev" "${INST_ENV[@]}" dash "$SRV" "$@" \
			<"$T/$name.in" >"$T/$name.ofifo" 2>"$T/$name.efifo"
	) &
	IPID[$name]=$!
}

# config_done NAME: stdout and stderr reached EOF (what sshd waits for) within 15 s.
config_done() {
	rig_wait 15 _rig_dead "${OUTC[$1]}" "${ERRC[$1]}"
}

alive() {
	kill -0 "${IPID[$1]}" 2>/dev/null
}

# finish NAME: waits (up to 10 s, then KILL) for the instance's end; its status in INST_RC; 1 if it had to
# be killed.
finish() {
	local n=$1 rc=0

	rig_wait 10 _rig_dead "${IPID[$n]}" || rc=1
	[ $rc = 0 ] || kill -KILL "${IPID[$n]}" 2>/dev/null
	wait "${IPID[$n]}"
	INST_RC=$?
	if [ -n "${WFD[$n]:-}" ]; then
		eval "exec ${WFD[$n]}>&-"
		unset "WFD[$n]"
	fi
	wait "${OUTC[$n]}" "${ERRC[$n]}" 2>/dev/null
	unset "IPID[$n]" "OUTC[$n]" "ERRC[$n]"
	return $rc
}

# stop NAME: the end of the session (EOF on stdin), then finish.
stop() {
	eval "exec ${WFD[$1]}>&-"
	unset "WFD[$1]"
	finish "$1"
}

# run NAME DEV ARGS...: launch and wait for the configuration.
run() {
	launch "$@"
	config_done "$1"
}

out() {
	cat "$T/$1.out"
}

err() {
	cat "$T/$1.err"
}

# expect_out NAME LINE...: stdout is exactly these lines.
expect_out() {
	local n=$1

	shift
	diff <(printf '%s\n' "$@") "$T/$n.out"
}

# The server's addresses on DEV: "inet A peer P/32" one a line.
addrs() {
	nsx ip -o addr show dev "$1" | awk '{ s = $3 " " $4; if ($5 == "peer") { s = s " peer " $6 }; print s }' | sort
}

mtu() {
	nsx ip -o link show dev "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") print $(i + 1) }'
}

is_up() {
	nsx ip -o link show dev "$1" | grep -q '[<,]UP[,>]'
}

master() {
	nsx ip -o link show dev "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "master") print $(i + 1) }'
}

fwd4() {
	nsx cat /proc/sys/net/ipv4/ip_forward
}

fwd6() {
	nsx cat /proc/sys/net/ipv6/conf/all/forwarding
}

set_fwd() {
	nsx sh -c "echo $1 >/proc/sys/net/ipv4/ip_forward; echo $1 >/proc/sys/net/ipv6/conf/all/forwarding"
}

# leases DIR: the lease files under DIR/leases, one "pool/address pid" a line.
leases() {
	local f

	for f in "$1"/leases/*/*; do
		[ -f "$f" ] || continue
		echo "${f#"$1"/leases/} $(cut -d' ' -f1 "$f")"
	done
}

one_line() {
	[ "$(wc -l <"$T/$1.err")" = 1 ] && grep -q '^sshtun-server: ' "$T/$1.err"
}

ST=$T/state
POOL=198.18.100.0/24

# ---- the script itself ----

tap_check "sh -n and dash -n accept the script" sh -c "sh -n '$SRV' && dash -n '$SRV'"
if command -v shellcheck >/dev/null 2>&1; then
	tap_check "shellcheck -s sh finds nothing" shellcheck -s sh "$SRV"
else
	tap_ok "shellcheck -s sh # skip: shellcheck is not installed"
fi
want="sshtun-server $(sed -n 's/^VERSION=//p' "$SRV")"
got=$(dash "$SRV" --version)
if [ "$got" = "$want" ] && [[ $got =~ ^sshtun-server\ [0-9]+\.[0-9]+ ]]; then
	tap_ok "--version prints \"$got\""
else
	tap_not_ok "--version prints \"$got\", not \"$want\""
fi
help=$(dash "$SRV" --help)
rc=$?
missing=
for o in --pool --pool6 --client --server --client6 --server6 --mtu --route --dns --domain --nat --bridge \
	--no-forward --state-dir --device --help --version; do
	grep -q -- "$o\b" <<<"$help" || missing="$missing $o"
done
if [ $rc = 0 ] && [ -z "$missing" ]; then
	tap_ok "--help exits 0 and names every option"
else
	tap_not_ok "--help (status $rc) does not name:$missing"
fi
missing=
for o in --pool --pool6 --client --server --client6 --server6 --mtu --route --dns --domain --nat --bridge \
	--no-forward --state-dir --device --help --version; do
	grep -q -- "^\.It .*Fl -${o#--}\b" "$ROOT/doc/sshtun-server.8" || missing="$missing $o"
done
if [ -z "$missing" ]; then
	tap_ok "the manual page documents every option"
else
	tap_not_ok "doc/sshtun-server.8 does not document:$missing"
fi

# ---- refusals before anything is done ----

bad=(
	"--pool 198.18.100.0/33"
	"--pool 198.18.300.0/24"
	"--pool 198.18.100.5/24"
	"--pool 198.18.100.0/31"
	"--pool 198.18.100.0"
	"--pool 198.018.100.0/24"
	"--pool6 fd00::/129"
	"--pool6 fd00:::1/64"
	"--pool6 fd00:1::1/64"
	"--pool6 fd00:12345::/64"
	"--pool $POOL --mtu 67"
	"--pool $POOL --mtu 65536"
	"--pool $POOL --mtu 14x0"
	"--pool $POOL --pool6 fd00:6::/64 --mtu 1200"
	"--client 198.18.9.1"
	"--client 198.18.9 --server 198.18.9.2"
	"--client6 fd00:9::1 --server6 fd00:9::g"
	"--pool $POOL --client 198.18.9.1 --server 198.18.9.2"
	"--pool $POOL --route 198.18.50.1/24"
	"--pool $POOL --route fd00:50::/64"
	"--pool $POOL --dns 198.18.0.256"
	"--pool $POOL --domain exa_mple.org"
	"--pool $POOL --domain ~"
	"--pool $POOL --nat eth0/1"
	"--pool $POOL --nat a-name-over-15-chars"
	"--bridge br0 --pool $POOL"
	"--bridge br0 --nat up0"
	"--pool $POOL --device tun0;x"
	"--pool $POOL --state-dir relative/dir"
	"--pool $POOL --pool 198.18.101.0/24"
	"--pool $POOL --frob"
	"--pool $POOL extra"
	"--pool $POOL --no-forward=yes"
	"--pool"
	""
)
n_ok=0
for args in "${bad[@]}"; do
	# shellcheck disable=SC2086  # the words of one command line
	nsx env SSH_TUNNEL=tun0 dash "$SRV" $args --state-dir "$ST" </dev/null >"$T/bad.out" 2>"$T/bad.err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$T/bad.out" ] && [ "$(wc -l <"$T/bad.err")" = 1 ] &&
		grep -q '^sshtun-server: .*; ' "$T/bad.err"; then
		n_ok=$((n_ok + 1))
	else
		tap_not_ok "refused with status 2 and one line: $args (status $rc)"
		tap_diag <"$T/bad.err"
	fi
done
[ $n_ok = ${#bad[@]} ] && tap_ok "$n_ok bad command lines refused: status 2, nothing on stdout, one line on stderr"
if [ -z "$(addrs tun0)" ] && ! is_up tun0 && [ "$(mtu tun0)" = 1500 ] && [ ! -e "$ST" ]; then
	tap_ok "a refused command line touched neither the device nor the state directory"
else
	tap_not_ok "a refused command line left something: $(addrs tun0) mtu $(mtu tun0); $(ls "$ST" 2>&1)"
fi

nsx env -u SSH_TUNNEL dash "$SRV" --pool "$POOL" --state-dir "$ST" </dev/null >"$T/x.out" 2>"$T/x.err"
rc=$?
if [ $rc = 1 ] && [ ! -s "$T/x.out" ] && one_line x && grep -q SSH_TUNNEL "$T/x.err"; then
	tap_ok "without SSH_TUNNEL: status 1 and one line naming it"
else
	tap_not_ok "without SSH_TUNNEL: status $rc: $(cat "$T/x.err")"
fi
nsx env SSH_TUNNEL=tun77 dash "$SRV" --pool "$POOL" --state-dir "$ST" </dev/null >"$T/x.out" 2>"$T/x.err"
rc=$?
if [ $rc = 1 ] && [ ! -s "$T/x.out" ] && one_line x && grep -q 'tun77' "$T/x.err" && [ -z "$(leases "$ST")" ]; then
	tap_ok "a device that does not exist: status 1, one line, no lease left"
else
	tap_not_ok "a device that does not exist: status $rc: $(cat "$T/x.err"); leases: $(leases "$ST")"
fi
mkdir -p "$T/other" && chown nobody "$T/other"
nsx env SSH_TUNNEL=tun0 dash "$SRV" --pool "$POOL" --state-dir "$T/other" </dev/null >"$T/x.out" 2>"$T/x.err"
rc=$?
if [ $rc = 1 ] && one_line x && grep -q 'belongs to' "$T/x.err" && [ -z "$(addrs tun0)" ]; then
	tap_ok "a state directory of another user is refused"
else
	tap_not_ok "a state directory of another user: status $rc: $(cat "$T/x.err")"
fi

# ---- one client from a pool, and the end of its session ----

set_fwd 0
nsx ip addr add 198.18.110.1/32 dev tun0
launch a "tun8,tun0" --pool "$POOL" --pool6 fd00:100::/64 --mtu 1400 --route 198.18.50.0/24 --route fd00:50::/64 \
	--dns 198.18.0.53 --dns fd00::53 --domain example.org --domain '~corp.example' --state-dir "$ST"
if config_done a && alive a; then
	tap_ok "stdout and stderr reach EOF while the instance keeps running (sshd's EOF to the client)"
else
	tap_not_ok "stdout and stderr reach EOF while the instance keeps running"
	err a | tap_diag
fi
tap_check "the configuration lines, exactly" expect_out a \
	"ADDR 198.18.100.2/32" "PEER_ADDR 198.18.100.1" "ADDR6 fd00:100::2/128" "PEER_ADDR6 fd00:100::1" "MTU 1400" \
	"ROUTE 198.18.100.0/24" "ROUTE fd00:100::/64" "ROUTE 198.18.50.0/24" "ROUTE fd00:50::/64" \
	"DNS 198.18.0.53" "DNS fd00::53" "DOMAIN example.org" "DOMAIN ~corp.example"
tap_check "nothing on stderr" test ! -s "$T/a.err"
tap_check "the last device of SSH_TUNNEL's list has the server's end (ip addr)" diff <(addrs tun0) <(printf '%s\n' \
	"inet 198.18.100.1 peer 198.18.100.2/32" "inet 198.18.110.1/32" "inet6 fd00:100::1 peer fd00:100::2/128" | sort)
if [ "$(mtu tun0)" = 1400 ] && is_up tun0; then
	tap_ok "the device's MTU is 1400 and it is up"
else
	tap_not_ok "the device's MTU is $(mtu tun0), up: $(is_up tun0 && echo yes || echo no)"
fi
if [ -z "$(addrs tun8)" ] && ! is_up tun8; then
	tap_ok "the other device in SSH_TUNNEL is left alone"
else
	tap_not_ok "tun8 was touched: $(addrs tun8)"
fi
tap_check "the leases name the instance" diff <(leases "$ST") <(printf '%s\n' \
	"198.18.100.0_24/198.18.100.2 ${IPID[a]}" "fd00:100::_64/fd00:100::2 ${IPID[a]}")
if [ "$(fwd4)" = 1 ] && [ "$(fwd6)" = 1 ]; then
	tap_ok "IPv4 and IPv6 forwarding turned on"
else
	tap_not_ok "forwarding: IPv4 $(fwd4), IPv6 $(fwd6)"
fi
stop a
rc=$INST_RC
if [ "$rc" = 0 ]; then
	tap_ok "EOF on stdin ends the instance with status 0"
else
	tap_not_ok "EOF on stdin ends the instance with status 0 (status $rc)"
fi
if [ "$(addrs tun0)" = "inet 198.18.110.1/32" ] && [ "$(mtu tun0)" = 1500 ] && ! is_up tun0; then
	tap_ok "its addresses, MTU and link state are undone; the address it did not add is kept"
else
	tap_not_ok "after the end: $(addrs tun0 | tr '\n' ';') mtu $(mtu tun0), up: $(is_up tun0 && echo yes || echo no)"
fi
if [ -z "$(leases "$ST")" ] && [ "$(fwd4)" = 0 ] && [ "$(fwd6)" = 0 ]; then
	tap_ok "its leases are freed and forwarding is off again"
else
	tap_not_ok "after the end: leases $(leases "$ST"); forwarding $(fwd4) $(fwd6)"
fi
nsx ip addr del 198.18.110.1/32 dev tun0

# ---- what the client asks for is ignored ----

INST_ENV=("SSH_ORIGINAL_COMMAND=--pool 198.18.102.0/24 --mtu 1280; touch $T/pwned")
run o tun0 --pool "$POOL" --state-dir "$ST"
INST_ENV=()
if expect_out o "ADDR 198.18.100.2/32" "PEER_ADDR 198.18.100.1" "MTU 16000" "ROUTE 198.18.100.0/24" &&
	[ ! -e "$T/pwned" ]; then
	tap_ok "SSH_ORIGINAL_COMMAND is ignored"
else
	tap_not_ok "SSH_ORIGINAL_COMMAND is ignored"
	out o | tap_diag
fi
stop o

# ---- concurrent logins ----

set_fwd 0
for i in 1 2 3 4 5 6; do
	launch "c$i" "tun$i" --pool "$POOL" --pool6 fd00:100::/64 --state-dir "$ST"
done
all=1
for i in 1 2 3 4 5 6; do
	config_done "c$i" && alive "c$i" || all=0
done
got4=$(for i in 1 2 3 4 5 6; do sed -n 's/^ADDR //p' "$T/c$i.out"; done | sort -t. -k4n | tr '\n' ' ')
got6=$(for i in 1 2 3 4 5 6; do sed -n 's/^ADDR6 //p' "$T/c$i.out"; done | sort | tr '\n' ' ')
want4="198.18.100.2/32 198.18.100.3/32 198.18.100.4/32 198.18.100.5/32 198.18.100.6/32 198.18.100.7/32 "
want6="fd00:100::2/128 fd00:100::3/128 fd00:100::4/128 fd00:100::5/128 fd00:100::6/128 fd00:100::7/128 "
if [ $all = 1 ] && [ "$got4" = "$want4" ] && [ "$got6" = "$want6" ]; then
	tap_ok "six logins at once get six different addresses of each pool"
else
	tap_not_ok "six logins at once: $got4 / $got6"
	cat "$T"/c*.err | tap_diag
fi
mism=
for i in 1 2 3 4 5 6; do
	c=$(sed -n 's/^ADDR \(.*\)\/32$/\1/p' "$T/c$i.out")
	c6=$(sed -n 's/^ADDR6 \(.*\)\/128$/\1/p' "$T/c$i.out")
	[ "$(addrs "tun$i" | tr '\n' ';')" = "inet 198.18.100.1 peer $c/32;inet6 fd00:100::1 peer $c6/128;" ] ||
		mism="$mism tun$i"
done
tap_check "each device has the server's end and its own client as peer" test -z "$mism"
if [ "$(leases "$ST" | wc -l)" = 12 ] && [ "$(leases "$ST" | awk '{ print $2 }' | sort -u | wc -l)" = 6 ]; then
	tap_ok "twelve leases held by six instances"
else
	tap_not_ok "leases: $(leases "$ST" | tr '\n' ';')"
fi
for i in 1 2 3 4 5; do
	stop "c$i"
done
if [ "$(fwd4)" = 1 ] && [ "$(leases "$ST" | wc -l)" = 2 ] && [ "$(addrs tun6 | wc -l)" = 2 ]; then
	tap_ok "five leave: the sixth keeps its lease, addresses and forwarding"
else
	tap_not_ok "five leave: forwarding $(fwd4), leases $(leases "$ST" | tr '\n' ';')"
fi
stop c6
empty=1
for i in 1 2 3 4 5 6; do
	[ -z "$(addrs "tun$i")" ] || empty=0
done
if [ $empty = 1 ] && [ -z "$(leases "$ST")" ] && [ "$(fwd4)" = 0 ] && [ "$(fwd6)" = 0 ] && [ ! -e "$ST/lock" ]; then
	tap_ok "the last one leaves: no address, lease or lock left, forwarding off"
else
	tap_not_ok "after all left: leases $(leases "$ST" | tr '\n' ';') forwarding $(fwd4) $(fwd6); $(ls "$ST")"
fi

# ---- a killed instance ----

run k1 tun1 --pool "$POOL" --state-dir "$ST"
k1pid=${IPID[k1]}
{
	kill -KILL "$k1pid"
	wait "$k1pid"
} 2>/dev/null
finish k1
if [ "$(leases "$ST")" = "198.18.100.0_24/198.18.100.2 $k1pid" ]; then
	tap_ok "a killed instance leaves its lease behind"
else
	tap_not_ok "a killed instance's lease: $(leases "$ST")"
fi
run k2 tun2 --pool "$POOL" --state-dir "$ST"
if grep -qx "ADDR 198.18.100.2/32" "$T/k2.out" && [ "$(leases "$ST")" = "198.18.100.0_24/198.18.100.2 ${IPID[k2]}" ]; then
	tap_ok "the next login reclaims the dead instance's address"
else
	tap_not_ok "the next login: $(out k2 | head -n 1); leases $(leases "$ST")"
fi
stop k2
if [ "$(fwd4)" = 0 ] && [ -z "$(leases "$ST")" ]; then
	tap_ok "the dead instance's hold on forwarding does not keep it on"
else
	tap_not_ok "forwarding $(fwd4) after the dead instance and its successor; leases $(leases "$ST")"
fi
nsx ip addr flush dev tun1
nsx ip link set tun1 down mtu 1500

# ---- signals ----

run s tun1 --pool "$POOL" --state-dir "$ST"
kill -TERM "${IPID[s]}"
finish s
if [ "$INST_RC" = 143 ] && [ -z "$(addrs tun1)" ] && [ -z "$(leases "$ST")" ]; then
	tap_ok "SIGTERM: status 143, addresses and lease undone"
else
	tap_not_ok "SIGTERM: status $INST_RC; $(addrs tun1) leases $(leases "$ST")"
fi

# ---- the device goes and its name comes back ----

# sshd removes the device at the end of a session and the next session's device may get the same name before
# the instance undoes: that device (another index) is not touched, even where it has the same addresses.
run d tun3 --pool "$POOL" --state-dir "$ST"
nsx ip link del tun3 && nsx ip tuntap add mode tun name tun3 && nsx ip link set tun3 up mtu 1400 &&
	nsx ip addr add 198.18.100.1 peer 198.18.100.2 dev tun3
stop d
if [ "$INST_RC" = 0 ] && [ "$(addrs tun3)" = "inet 198.18.100.1 peer 198.18.100.2/32" ] && is_up tun3 &&
	[ "$(mtu tun3)" = 1400 ] && [ -z "$(leases "$ST")" ]; then
	tap_ok "a new device under the old name is left alone; the lease is freed"
else
	tap_not_ok "a new device under the old name: status $INST_RC, $(addrs tun3), mtu $(mtu tun3)"
fi
nsx ip addr flush dev tun3
nsx ip link set tun3 down mtu 1500

# ---- an exhausted pool ----

run x1 tun1 --pool 198.18.101.0/30 --state-dir "$ST"
run x2 tun2 --pool 198.18.101.0/30 --state-dir "$ST"
finish x2
if grep -qx "ADDR 198.18.101.2/32" "$T/x1.out" && [ "$INST_RC" = 1 ] && [ ! -s "$T/x2.out" ] && one_line x2 &&
	grep -q exhausted "$T/x2.err" && [ -z "$(addrs tun2)" ] && ! is_up tun2; then
	tap_ok "a /30 pool takes one client; the second is refused (status 1, one line) and its device left alone"
else
	tap_not_ok "an exhausted pool: status $INST_RC; $(err x2); $(addrs tun2)"
fi
stop x1

# ---- fixed addresses ----

set_fwd 0
run f1 tun1 --client 198.18.9.1 --server 198.18.9.2 --client6 fd00:9::1 --server6 fd00:9::2 --state-dir "$ST"
tap_check "fixed addresses: the configuration lines, exactly" expect_out f1 \
	"ADDR 198.18.9.1/32" "PEER_ADDR 198.18.9.2" "ADDR6 fd00:9::1/128" "PEER_ADDR6 fd00:9::2" "MTU 16000"
if [ "$(addrs tun1 | tr '\n' ';')" = "inet 198.18.9.2 peer 198.18.9.1/32;inet6 fd00:9::2 peer fd00:9::1/128;" ] &&
	[ "$(fwd4)" = 0 ]; then
	tap_ok "fixed addresses on the device; no pool, route or nat: forwarding left off"
else
	tap_not_ok "fixed addresses: $(addrs tun1 | tr '\n' ';') forwarding $(fwd4)"
fi
# The same fixed address again while the first session lives (a client reconnecting before its old session
# noticed the loss): the newest takes over; the first ends and undoes its end.
run f2 tun2 --client 198.18.9.1 --server 198.18.9.2 --state-dir "$ST"
if finish f1 && [ -z "$(addrs tun1)" ] && grep -q 'took 198.18.9.1 over' "$T/f2.err" &&
	[ "$(addrs tun2)" = "inet 198.18.9.2 peer 198.18.9.1/32" ]; then
	tap_ok "the same fixed client address again: the new session takes it over, the old one ends and undoes its end"
else
	tap_not_ok "the same fixed client address again: $(addrs tun1) / $(addrs tun2): $(err f2)"
fi
stop f2
tap_check "fixed addresses undone" test -z "$(addrs tun2)"

# ---- forwarding ----

set_fwd 0
run n1 tun1 --pool "$POOL" --no-forward --state-dir "$ST"
tap_check "--no-forward leaves forwarding off" test "$(fwd4)" = 0
stop n1
set_fwd 1
run n2 tun1 --pool "$POOL" --pool6 fd00:100::/64 --state-dir "$ST"
stop n2
if [ "$(fwd4)" = 1 ] && [ "$(fwd6)" = 1 ]; then
	tap_ok "forwarding that was on before is left on"
else
	tap_not_ok "forwarding that was on before: $(fwd4) $(fwd6)"
fi
set_fwd 0

# ---- nat ----

if ! command -v nft >/dev/null 2>&1; then
	tap_ok "--nat # skip: nft is not installed (apt-get install nftables)"
else
	nsx nft add table ip admin_table
	run m1 tun1 --pool 198.18.103.0/24 --pool6 fd00:103::/64 --nat up0 --state-dir "$ST"
	run m2 tun2 --pool 198.18.103.0/24 --pool6 fd00:103::/64 --nat up0 --state-dir "$ST"
	r4=$(nsx nft list table ip sshtun_server 2>/dev/null)
	r6=$(nsx nft list table ip6 sshtun_server 2>/dev/null)
	if grep -q 'ip saddr 198.18.103.0/24 oifname "up0" masquerade' <<<"$r4" &&
		grep -q 'ip6 saddr fd00:103::/64 oifname "up0" masquerade' <<<"$r6" &&
		[ "$(grep -c masquerade <<<"$r4")" = 1 ] && [ "$(grep -c masquerade <<<"$r6")" = 1 ] &&
		grep -q 'hook postrouting' <<<"$r4" && [ "$(fwd4)" = 1 ]; then
		tap_ok "--nat: one masquerade rule per pool and family for two clients, forwarding on"
	else
		tap_not_ok "--nat rules"
		printf '%s\n%s\n' "$r4" "$r6" | tap_diag
		err m1 | tap_diag
	fi
	stop m1
	if nsx nft list table ip sshtun_server 2>/dev/null | grep -q 'saddr 198.18.103.0/24'; then
		tap_ok "--nat: the rule stays while a client of the pool is connected"
	else
		tap_not_ok "--nat: the rule went with the first client"
	fi
	stop m2
	tables=$(nsx nft list tables)
	if ! grep -q sshtun_server <<<"$tables" && grep -q admin_table <<<"$tables" && [ "$(fwd4)" = 0 ]; then
		tap_ok "--nat: the last client takes its tables away; another table is left alone"
	else
		tap_not_ok "--nat: after the last client: $tables"
	fi
fi

# ---- layer 2: a bridge ----

nsx ip link set tap1 master br0
run b1 tap0 --bridge br0 --state-dir "$ST"
if expect_out b1 "MTU 1500" && [ ! -s "$T/b1.err" ] && [ "$(master tap0)" = br0 ] && is_up tap0 &&
	! addrs tap0 | grep -q "^inet "; then
	tap_ok "--bridge: only MTU printed; the tap is in the bridge and up"
else
	tap_not_ok "--bridge: $(out b1 | tr '\n' ';') master $(master tap0)"
	err b1 | tap_diag
fi
run b2 tap1 --bridge br0 --state-dir "$ST"
stop b1
stop b2
if [ -z "$(master tap0)" ] && ! is_up tap0 && [ "$(master tap1)" = br0 ]; then
	tap_ok "--bridge: undone with nomaster; a tap that was in the bridge before stays"
else
	tap_not_ok "--bridge after the end: tap0 master $(master tap0), tap1 master $(master tap1)"
fi
nsx env SSH_TUNNEL=tun1 dash "$SRV" --bridge br0 --state-dir "$ST" </dev/null >"$T/x.out" 2>"$T/x.err"
rc=$?
nsx env SSH_TUNNEL=tap0 dash "$SRV" --bridge up0 --state-dir "$ST" </dev/null >"$T/y.out" 2>"$T/y.err"
rc2=$?
if [ $rc = 1 ] && one_line x && [ $rc2 = 1 ] && one_line y && [ -z "$(master tap0)" ] && [ -z "$(master tun1)" ]; then
	tap_ok "--bridge refuses a tun device and a device that is not a bridge"
else
	tap_not_ok "--bridge refusals: $rc $(cat "$T/x.err"); $rc2 $(cat "$T/y.err")"
fi

# ---- the lock ----

mkdir -p "$T/st3/lock"
sh -c 'exit 0' &
dead=$!
wait $dead
: >"$T/st3/lock/$dead"
run l1 tun1 --pool "$POOL" --state-dir "$T/st3"
if grep -qx "ADDR 198.18.100.2/32" "$T/l1.out" && [ ! -e "$T/st3/lock" ]; then
	tap_ok "a lock left by a dead process is broken"
else
	tap_not_ok "a dead process's lock: $(out l1) $(err l1)"
fi
stop l1
mkdir -p "$T/st4/lock"
run l2 tun1 --pool "$POOL" --state-dir "$T/st4"
if grep -qx "ADDR 198.18.100.2/32" "$T/l2.out" && [ ! -e "$T/st4/lock" ]; then
	tap_ok "an empty lock directory that stays (its taker died at once) is broken"
else
	tap_not_ok "an empty lock: $(out l2) $(err l2)"
fi
stop l2

# The test holds the lock (its holder, this shell, is alive): an instance waits for it, then goes on.
mkdir -p "$T/st5/lock" && : >"$T/st5/lock/$$"
launch l3 tun1 --pool "$POOL" --state-dir "$T/st5"
sleep 2
if [ ! -s "$T/l3.out" ] && alive l3 && ! _rig_dead "${OUTC[l3]}" && [ -z "$(addrs tun1)" ]; then
	tap_ok "an instance waits while the lock is held by a live process"
else
	tap_not_ok "an instance did not wait for the lock: $(out l3 | head -n 1) $(err l3)"
fi
rm "$T/st5/lock/$$" && rmdir "$T/st5/lock"
if config_done l3 && grep -qx "ADDR 198.18.100.2/32" "$T/l3.out"; then
	tap_ok "it goes on once the lock is released"
else
	tap_not_ok "after the lock's release: $(out l3 | head -n 1) $(err l3)"
fi
stop l3

# ---- an ordinary user ----

NB=$T/nobody
mkdir -m 700 "$NB" && chown nobody:nogroup "$NB"
run u1 tun9 --nobody --pool 198.18.104.0/24 --mtu 1400 --state-dir "$NB"
if expect_out u1 "ADDR 198.18.104.2/32" "PEER_ADDR 198.18.104.1" "MTU 1400" "ROUTE 198.18.104.0/24" && alive u1; then
	tap_ok "as nobody: the configuration is printed and the instance stays"
else
	tap_not_ok "as nobody: $(out u1 | tr '\n' ';')"
	err u1 | tap_diag
fi
if one_line u1 && grep -q 'not permitted' "$T/u1.err" && grep -q 'tun9' "$T/u1.err" &&
	grep -q 'as root: .*ip addr add 198.18.104.1 peer 198.18.104.2 dev tun9' "$T/u1.err" &&
	grep -q 'net.ipv4.ip_forward=1' "$T/u1.err"; then
	tap_ok "as nobody: one line says what could not be done and how root does it"
else
	tap_not_ok "as nobody: stderr: $(err u1)"
fi
if [ -z "$(addrs tun9)" ] && [ "$(fwd4)" = 0 ] &&
	[ "$(stat -c %U "$NB/leases/198.18.104.0_24/198.18.104.2" 2>/dev/null)" = nobody ]; then
	tap_ok "as nobody: nothing changed on the device, the lease is nobody's"
else
	tap_not_ok "as nobody: $(addrs tun9); $(ls -lR "$NB")"
fi
stop u1
if [ "$INST_RC" = 0 ] && [ -z "$(leases "$NB")" ]; then
	tap_ok "as nobody: EOF ends it with status 0 and frees the lease"
else
	tap_not_ok "as nobody: status $INST_RC, leases $(leases "$NB")"
fi

# A state directory shared by root and nobody: nobody cannot signal root's instance (EPERM), which must
# count as alive, not as a stale lease.
SH=$T/shared
mkdir "$SH" && chmod 777 "$SH"
run r1 tun1 --pool 198.18.105.0/24 --state-dir "$SH"
run r2 tun9 --nobody --pool 198.18.105.0/24 --state-dir "$SH"
if grep -qx "ADDR 198.18.105.2/32" "$T/r1.out" && grep -qx "ADDR 198.18.105.3/32" "$T/r2.out" &&
	[ "$(leases "$SH" | wc -l)" = 2 ]; then
	tap_ok "a shared state directory: nobody does not take root's live lease (EPERM counts as alive)"
else
	tap_not_ok "a shared state directory: $(out r1 | head -n 1) / $(out r2 | head -n 1)"
	err r2 | tap_diag
fi
stop r2
stop r1
tap_check "a shared state directory: both leases freed" test -z "$(leases "$SH")"

teardown
tap_done
