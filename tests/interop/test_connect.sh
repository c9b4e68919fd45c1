#!/bin/bash
# sshtun: interop: reaching the server. Every address of the name is tried in order (the first one does not
# answer), ConnectionAttempts waits for an sshd that starts late, BindAddress and BindInterface choose where the
# connection leaves from. Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }

rig_up || exit 1
NETNS_ETC=/etc/netns/$RIG_NS_C
cleanup() {
	rm -rf -- "$NETNS_ETC"
	rig_down
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# st NAME ARGS...: sshtun in the foreground until its tunnel is up, then stopped; prints its log.
up_once() {
	local name=$1 pid

	shift
	rig_client_bg "$name" timeout 60 "$SSHTUN" -v -F "$RIG_SSH_CONFIG" -w any -o HostKeyAlias=rig "$@"
	pid=$RIG_LAST_PID
	if rig_wait 30 rig_is_up "$name"; then
		kill -TERM "$pid"
		rig_wait 10 _rig_dead "$pid"
		return 0
	fi
	rig_kill "$pid"
	return 1
}

# ---- 1. A name with two addresses: the first does not answer (no host), the second is the server.
mkdir -p "$NETNS_ETC"
printf '198.18.0.3 multi.rig\n198.18.0.2 multi.rig\n' >"$NETNS_ETC/hosts"
if up_once multi root@multi.rig && grep -q "cannot connect to 198.18.0.3 port 22" "$RIG_DIR/multi.log"; then
	tap_ok "every address of the name in order: 198.18.0.3 did not answer, 198.18.0.2 did"
else
	tap_not_ok "every address of the name in order"
	tail -n 5 "$RIG_DIR/multi.log" | tap_diag
fi
rm -rf -- "$NETNS_ETC"

# ---- 2. ConnectionAttempts: sshd starts 2 s after sshtun.
kill -TERM "$RIG_SSHD_PID"
wait "$RIG_SSHD_PID" 2>/dev/null
out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any "$RIG_TARGET" 2>&1)
rc=$?
tap_check "no sshd and ConnectionAttempts 1: exit 3 with the reason" sh -c \
	"[ $rc = 3 ] && printf '%s\n' \"$out\" | grep -q 'cannot connect to 198.18.0.2 port 22: Connection refused'"
rig_client_bg late timeout 60 "$SSHTUN" -v -F "$RIG_SSH_CONFIG" -w any -o ConnectionAttempts=6 "$RIG_TARGET"
lpid=$RIG_LAST_PID
sleep 2
ip netns exec "$RIG_NS_S" "$RIG_SSHD" -D -E "$RIG_SSHD_LOG" -f "$RIG_SSHD_CONFIG" &
RIG_SSHD_PID=$!
if rig_wait 20 rig_is_up late && grep -q "again (ConnectionAttempts)" "$RIG_DIR/late.log"; then
	tap_ok "ConnectionAttempts 6: up once sshd listens, 2 s late"
else
	tap_not_ok "ConnectionAttempts 6: up once sshd listens"
	tail -n 5 "$RIG_DIR/late.log" | tap_diag
fi
rig_kill "$lpid"

# ---- 3. BindAddress and BindInterface.
rig_client ip addr add 198.18.0.11/24 dev veth0
rig_client_bg bind timeout 60 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o BindAddress=198.18.0.11 "$RIG_TARGET"
bpid=$RIG_LAST_PID
if rig_wait 20 rig_is_up bind && rig_server ss -Htn state established '( sport = :22 )' | grep -q '198.18.0.11:'; then
	tap_ok "BindAddress 198.18.0.11: the server sees the connection come from it"
else
	tap_not_ok "BindAddress 198.18.0.11"
	rig_server ss -Htn | tap_diag
fi
rig_kill "$bpid"
if up_once bindif -o BindInterface=veth0 "$RIG_TARGET"; then
	tap_ok "BindInterface veth0: up"
else
	tap_not_ok "BindInterface veth0: up"
fi
out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_SSH_CONFIG" -w any -o BindInterface=lo -o ConnectTimeout=3 \
	"$RIG_TARGET" 2>&1)
rc=$?
tap_check "BindInterface lo: the server is not reachable that way: exit 3 with the reason" sh -c \
	"[ $rc = 3 ] && printf '%s\n' \"$out\" | grep -q -E '(cannot connect|timed out connecting) to 198.18.0.2'"
cleanup
trap - EXIT
tap_done
