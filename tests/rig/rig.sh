# sshtun: test rig: two network namespaces joined by a veth pair, OpenSSH's sshd in one. Source it from bash.
#
#   . tests/rig/rig.sh
#   rig_check || exit 1               # root and the needed commands, or one line saying what is missing
#   rig_up ["sshd_config line" ...]   # extra lines go FIRST in sshd_config (sshd keeps the first value it
#                                     # reads, so "PermitTunnel no" overrides the rig's default); also
#                                     # $RIG_SSHD_EXTRA (first) and $RIG_SSHD_TAIL (last: Match blocks);
#                                     # port: rig_up -p PORT ... or $RIG_PORT (default 22)
#   rig_client CMD...                 # runs CMD in the client namespace (198.18.0.1)
#   rig_server CMD...                 # runs CMD in the server namespace (198.18.0.2)
#   rig_client_bg NAME CMD...         # in the background, output in $RIG_DIR/NAME.log, pid in $RIG_LAST_PID
#   rig_server_bg NAME CMD...         # the same in the server namespace
#   rig_kill PID...                   # TERM, then KILL after a bounded wait
#   rig_wait SECONDS CMD...           # polls CMD every 0.1 s until it succeeds; 1 on timeout
#   rig_devs NS tun|tap               # names of the tun or tap devices in namespace NS
#   rig_sshd_log                      # prints sshd's log
#   rig_sshd_session_pid              # pid of sshd's process moving the newest connection's data
#   rig_is_up NAME                    # the client's log $RIG_DIR/NAME.log says "tunnel up"
#   rig_tun_server_end ADDR PEER      # the server's tun device (made by sshd): ADDR peer PEER, up
#   rig_transfer up|down MIB ADDR PEER  # MIB MiB of random bytes through the tunnel with nc (up: client to
#                                     # server at ADDR; down: server to the client at PEER), compared byte for byte
#   rig_client_state                  # the client namespace's addresses, routes and links, normalized and
#                                     # sorted (DAD and carrier flags, MACs, link-local IPv6 left out): compare
#                                     # before and after
#   rig_stop PID                      # TERM, up to 15 s for the process to end (it may run commands as it
#                                     # stops), then reaped
#   rig_down                          # kills every process in both namespaces, deletes them and the temp
#                                     # dir; idempotent; rig_up sets a trap on EXIT INT TERM HUP that calls it
#
# After rig_up: RIG_NS_C RIG_NS_S RIG_CLIENT_IP RIG_SERVER_IP RIG_PORT RIG_DIR RIG_SSH_CONFIG RIG_KEY
# RIG_KNOWN_HOSTS (server's ed25519 key) RIG_KNOWN_HOSTS_ALL (all its keys) RIG_SSHD_CONFIG RIG_SSHD_LOG
# RIG_SSHD_PID RIG_TARGET (root@198.18.0.2).
# Names carry the PID of the shell that sourced this file ($$): namespaces st-c-PID and st-s-PID (with a
# random suffix if taken), temp dir ${TMPDIR:-/tmp}/sshtun-rig.PID.XXXXXX; tests/run-all.sh relies on this to
# find what a test left behind without touching rigs of other runs.
# Addresses: only 198.18.0.0/15 and fd00::/8. Host interfaces are never touched: the veth pair is
# created inside the namespaces.
#
# TAP-like output for tests: tap_ok NAME, tap_not_ok NAME, tap_check NAME CMD..., tap_diag < text,
# tap_done (status 0 if nothing failed).

# shellcheck disable=SC2034  # the RIG_* variables are for the scripts that source this file
RIG_CLIENT_IP=198.18.0.1
RIG_SERVER_IP=198.18.0.2
RIG_SSHD=${RIG_SSHD:-/usr/sbin/sshd}
RIG_NS_C=${RIG_NS_C:-}
RIG_NS_S=${RIG_NS_S:-}
RIG_DIR=${RIG_DIR:-}
RIG_SSHD_PID=
RIG_BG_PIDS=
RIG_LAST_PID=
TAP_FAILED=0
TAP_PASSED=0

rig_log() {
	echo "rig: $*" >&2
}

# Root and every command the rig needs; prints one line naming what is missing.
rig_check() {
	local missing="" c

	for c in ip ssh ssh-keygen ping timeout ss mktemp awk; do
		command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
	done
	[ -x "$RIG_SSHD" ] || missing="$missing $RIG_SSHD"
	if [ "$(id -u)" != 0 ]; then
		echo "rig: needs root (network namespaces, tun devices)${missing:+; also missing:$missing}" >&2
		return 1
	fi
	if [ -n "$missing" ]; then
		echo "rig: missing:$missing (apt-get install openssh-server openssh-client iproute2 iputils-ping procps)" >&2
		return 1
	fi
	if [ ! -c /dev/net/tun ]; then
		echo "rig: /dev/net/tun is missing (modprobe tun)" >&2
		return 1
	fi
	return 0
}

rig_client() {
	ip netns exec "$RIG_NS_C" "$@"
}

rig_server() {
	ip netns exec "$RIG_NS_S" "$@"
}

rig_client_bg() {
	local name=$1

	shift
	ip netns exec "$RIG_NS_C" "$@" >"$RIG_DIR/$name.log" 2>&1 &
	RIG_LAST_PID=$!
	RIG_BG_PIDS="$RIG_BG_PIDS $RIG_LAST_PID"
}

rig_server_bg() {
	local name=$1

	shift
	ip netns exec "$RIG_NS_S" "$@" >"$RIG_DIR/$name.log" 2>&1 &
	RIG_LAST_PID=$!
	RIG_BG_PIDS="$RIG_BG_PIDS $RIG_LAST_PID"
}

rig_sshd_log() {
	[ -n "$RIG_DIR" ] && [ -f "$RIG_DIR/sshd.log" ] && cat "$RIG_DIR/sshd.log"
}

rig_wait() {
	local secs=$1 i

	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# The pid of the rig's sshd process serving the newest connection: sshd forks one per connection and that
# one may fork again after authentication; the deepest sshd is the one that moves the data.
rig_sshd_session_pid() {
	local p q

	p=$(pgrep -n -P "$RIG_SSHD_PID" 2>/dev/null) || return 1
	# Only sshd's own processes: a session's command (TunnelConfigCommand, sshtun-server) is a child too.
	while q=$(pgrep -n -x sshd -P "$p" 2>/dev/null); do
		p=$q
	done
	echo "$p"
}

# Devices of kind tun or tap in namespace $1.
rig_devs() {
	ip -d -n "$1" -o link show type tun 2>/dev/null | awk -v want="$2" '{
		t = ""
		for (i = 1; i < NF; i++) { if ($i == "tun" && $(i + 1) == "type") { t = $(i + 2) } }
		name = $2; sub(":$", "", name); sub("@.*", "", name)
		if (t == want) { print name }
	}'
}

_rig_alive() {
	local p

	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

_rig_dead() {
	! _rig_alive "$@"
}

# TERM the given pids, wait up to 3 s, then KILL what is left.
rig_kill() {
	local p

	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null
	rig_wait 3 _rig_dead "$@" || kill -KILL "$@" 2>/dev/null
	for p in "$@"; do
		# reap our own children (wait returns at once for others)
		wait "$p" 2>/dev/null
	done
	return 0
}

# Kills every process inside namespace $1 (only our rig's processes live there).
_rig_kill_ns() {
	local pids

	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	rig_wait 3 _rig_ns_empty "$1" && return 0
	pids=$(ip netns pids "$1" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	rig_wait 2 _rig_ns_empty "$1"
}

_rig_ns_empty() {
	[ -z "$(ip netns pids "$1" 2>/dev/null)" ]
}

rig_down() {
	local ns

	for ns in $RIG_NS_C $RIG_NS_S; do
		if [ -e "/run/netns/$ns" ]; then
			_rig_kill_ns "$ns"
			ip netns del "$ns" 2>/dev/null || rig_log "cannot delete namespace $ns"
		fi
	done
	# shellcheck disable=SC2086
	rig_kill $RIG_BG_PIDS $RIG_SSHD_PID
	if [ -n "$RIG_DIR" ] && [ -d "$RIG_DIR" ]; then
		rm -rf -- "$RIG_DIR"
	fi
	RIG_NS_C=
	RIG_NS_S=
	RIG_DIR=
	RIG_SSHD_PID=
	RIG_BG_PIDS=
	return 0
}

_rig_fail() {
	rig_log "$*"
	rig_down
	return 1
}

_rig_keys() {
	local t

	for t in ed25519 ecdsa rsa; do
		ssh-keygen -q -t "$t" -N '' -C "rig-host-$t" -f "$RIG_DIR/ssh_host_${t}_key" </dev/null || return 1
	done
	ssh-keygen -q -t ed25519 -N '' -C rig-user -f "$RIG_DIR/id_ed25519" </dev/null || return 1
	cp "$RIG_DIR/id_ed25519.pub" "$RIG_DIR/authorized_keys" || return 1
	chmod 600 "$RIG_DIR/authorized_keys" "$RIG_DIR"/*_key "$RIG_DIR/id_ed25519"
}

_rig_sshd_config() {
	local line

	{
		echo "# Written by tests/rig/rig.sh. sshd keeps the first value of most keywords: extra lines come first."
		for line in "$@"; do
			printf '%s\n' "$line"
		done
		[ -n "${RIG_SSHD_EXTRA:-}" ] && printf '%s\n' "$RIG_SSHD_EXTRA"
		cat <<EOF
Port $RIG_PORT
ListenAddress $RIG_SERVER_IP
AddressFamily inet
HostKey $RIG_DIR/ssh_host_ed25519_key
HostKey $RIG_DIR/ssh_host_ecdsa_key
HostKey $RIG_DIR/ssh_host_rsa_key
PidFile $RIG_DIR/sshd.pid
AuthorizedKeysFile $RIG_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
PrintMotd no
X11Forwarding no
PermitTunnel yes
MaxStartups 100:30:200
LogLevel DEBUG
EOF
		# OpenSSH >= 9.8 penalises sources of failed logins; tests make many on purpose.
		[ "${_rig_penalties:-0}" = 1 ] && echo "PerSourcePenalties no"
		[ -n "${RIG_SSHD_TAIL:-}" ] && printf '%s\n' "$RIG_SSHD_TAIL"
	} >"$RIG_SSHD_CONFIG"
}

_rig_client_files() {
	local hk pat t

	if [ "$RIG_PORT" = 22 ]; then
		pat="$RIG_SERVER_IP,rig"
	else
		pat="[$RIG_SERVER_IP]:$RIG_PORT,[rig]:$RIG_PORT"
	fi
	hk=$(cut -d' ' -f1,2 "$RIG_DIR/ssh_host_ed25519_key.pub") || return 1
	echo "$pat $hk" >"$RIG_KNOWN_HOSTS"
	for t in ed25519 ecdsa rsa; do
		echo "$pat $(cut -d' ' -f1,2 "$RIG_DIR/ssh_host_${t}_key.pub")"
	done >"$RIG_KNOWN_HOSTS_ALL"
	cat >"$RIG_SSH_CONFIG" <<EOF
# Written by tests/rig/rig.sh.
Host rig
	HostName $RIG_SERVER_IP
Host *
	User root
	Port $RIG_PORT
	IdentityFile $RIG_KEY
	IdentitiesOnly yes
	UserKnownHostsFile $RIG_KNOWN_HOSTS
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	UpdateHostKeys no
	BatchMode yes
	ConnectTimeout 10
EOF
}

_rig_sshd_listening() {
	[ -n "$(ip netns exec "$RIG_NS_S" ss -Hltn "sport = :$RIG_PORT" 2>/dev/null)" ]
}

_rig_net() {
	local id=$$

	if [ -e "/run/netns/st-c-$id" ] || [ -e "/run/netns/st-s-$id" ]; then
		id="$$-$RANDOM"
	fi
	RIG_NS_C="st-c-$id"
	RIG_NS_S="st-s-$id"
	ip netns add "$RIG_NS_C" || return 1
	ip netns add "$RIG_NS_S" || return 1
	ip -n "$RIG_NS_C" link set lo up &&
		ip -n "$RIG_NS_S" link set lo up &&
		ip -n "$RIG_NS_C" link add veth0 type veth peer name veth0 netns "$RIG_NS_S" &&
		ip -n "$RIG_NS_C" addr add "$RIG_CLIENT_IP/24" dev veth0 &&
		ip -n "$RIG_NS_S" addr add "$RIG_SERVER_IP/24" dev veth0 &&
		ip -n "$RIG_NS_C" link set veth0 up &&
		ip -n "$RIG_NS_S" link set veth0 up
}

rig_up() {
	if [ -n "$RIG_NS_C" ]; then
		rig_log "rig_up: already up ($RIG_NS_C); call rig_down first"
		return 1
	fi
	RIG_PORT=${RIG_PORT:-22}
	if [ "${1:-}" = -p ]; then
		RIG_PORT=$2
		shift 2
	fi
	rig_check || return 1
	trap 'rig_down' EXIT
	trap 'rig_down; exit 130' INT
	trap 'rig_down; exit 143' TERM
	trap 'rig_down; exit 129' HUP

	RIG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-rig.$$.XXXXXX") || _rig_fail "mktemp failed" || return 1
	chmod 700 "$RIG_DIR"
	RIG_SSHD_CONFIG=$RIG_DIR/sshd_config
	RIG_SSHD_LOG=$RIG_DIR/sshd.log
	RIG_SSH_CONFIG=$RIG_DIR/ssh_config
	RIG_KEY=$RIG_DIR/id_ed25519
	RIG_KNOWN_HOSTS=$RIG_DIR/known_hosts
	RIG_KNOWN_HOSTS_ALL=$RIG_DIR/known_hosts_all
	RIG_TARGET=root@$RIG_SERVER_IP

	_rig_net || _rig_fail "cannot create the namespaces and veth pair" || return 1
	_rig_keys || _rig_fail "ssh-keygen failed" || return 1
	mkdir -p /run/sshd && chmod 755 /run/sshd
	_rig_penalties=0
	_rig_sshd_config "$@"
	if "$RIG_SSHD" -t -f "$RIG_SSHD_CONFIG" -o PerSourcePenalties=no >/dev/null 2>&1; then
		_rig_penalties=1
		_rig_sshd_config "$@"
	fi
	_rig_client_files || _rig_fail "cannot write the client files" || return 1
	if ! "$RIG_SSHD" -t -f "$RIG_SSHD_CONFIG" >"$RIG_DIR/sshd-t.log" 2>&1; then
		sed 's/^/rig: sshd -t: /' "$RIG_DIR/sshd-t.log" >&2
		_rig_fail "sshd refuses the config $RIG_SSHD_CONFIG"
		return 1
	fi
	ip netns exec "$RIG_NS_S" "$RIG_SSHD" -D -E "$RIG_SSHD_LOG" -f "$RIG_SSHD_CONFIG" >"$RIG_DIR/sshd.out" 2>&1 &
	RIG_SSHD_PID=$!
	if ! rig_wait 10 _rig_sshd_listening; then
		tail -n 20 "$RIG_SSHD_LOG" | sed 's/^/rig: sshd: /' >&2
		_rig_fail "sshd did not listen on $RIG_SERVER_IP:$RIG_PORT within 10 s"
		return 1
	fi
	return 0
}

# ---- helpers for tests of a tunnel ----

rig_is_up() {
	grep -q "tunnel up" "$RIG_DIR/$1.log"
}

# The server's end of a tun tunnel: sshd creates the device, the test gives it its addresses.
rig_tun_server_end() {
	local dev

	rig_wait 10 test -n "$(rig_devs "$RIG_NS_S" tun)" || return 1
	dev=$(rig_devs "$RIG_NS_S" tun | head -n 1)
	rig_server ip addr add "$1" peer "$2" dev "$dev" || return 1
	rig_server ip link set "$dev" up
}

# rig_transfer up|down MIB SERVER_ADDR CLIENT_ADDR: random bytes through the tunnel, byte for byte.
rig_transfer() {
	local dir=$1 mib=$2 saddr=$3 caddr=$4 src=$RIG_DIR/send-$2.bin dst=$RIG_DIR/recv.bin recv_pid

	[ -f "$src" ] || head -c $((mib * 1024 * 1024)) /dev/urandom >"$src"
	rm -f "$dst"
	if [ "$dir" = up ]; then
		rig_server_bg "nc-up" sh -c "timeout 120 nc -l $saddr 5001 > $dst"
		recv_pid=$RIG_LAST_PID
		rig_wait 5 rig_server sh -c "ss -ltn | grep -q ':5001'"
		rig_client timeout 120 nc -N "$saddr" 5001 <"$src"
	else
		rig_client_bg "nc-down" sh -c "timeout 120 nc -l $caddr 5002 > $dst"
		recv_pid=$RIG_LAST_PID
		rig_wait 5 rig_client sh -c "ss -ltn | grep -q ':5002'"
		rig_server timeout 120 nc -N "$caddr" 5002 <"$src"
	fi
	wait "$recv_pid"
	cmp -s "$src" "$dst"
}

rig_client_state() {
	{
		rig_client ip -o addr show
		rig_client ip route show
		rig_client ip -6 route show
		# links: names, masters and MTUs (a bridge's carrier and MAC are the kernel's, not ours)
		rig_client ip -o link show | sed -E 's/<[^>]*>//; s/state [A-Z]+//; s/link\/ether [0-9a-f:]+ brd [0-9a-f:]+//'
	} | sed 's/ \+/ /g; s/ tentative//; s/ linkdown//' | grep -v 'fe80::' | sort	# link-local: the kernel's
}

rig_stop() {
	kill -TERM "$1" 2>/dev/null
	rig_wait 15 _rig_dead "$1"
	wait "$1" 2>/dev/null
}

# ---- TAP-like reporting ----

tap_ok() {
	TAP_PASSED=$((TAP_PASSED + 1))
	echo "ok - $*"
}

tap_not_ok() {
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok - $*"
}

# tap_check NAME CMD...: runs CMD (output shown as comments on failure) and reports it.
tap_check() {
	local name=$1 out rc

	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		printf '%s\n' "$out" | tail -n 15 | tap_diag
		echo "# (exit status $rc)"
	fi
	return $rc
}

tap_diag() {
	sed 's/^/# /'
}

tap_done() {
	echo "# summary: $TAP_PASSED ok, $TAP_FAILED not ok"
	[ "$TAP_FAILED" = 0 ]
}
