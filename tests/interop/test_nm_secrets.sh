#!/bin/bash
# sshtun: interop: secrets of the NetworkManager VPN service through NetworkManager's secret agents, with a real
# NetworkManager (tests/rig/nm.sh) and second sshds that log a test user in (tests/rig/logins.sh):
# - a password from nmcli's agent (passwd-file) asked for before connecting (auth-type=password: NeedSecrets, the
#   auth dialog in external-UI mode), kept in memory for a reconnect;
# - a wrong one fails as login failed (nmcli: "Invalid secrets") with the library's reason in NetworkManager's
#   log, sent once and not again;
# - an agent without VPN hints (tests/nm/test_agent): NetworkManager calls Connect; its password works, a wrong
#   one fails as login failed since nothing more can be asked;
# - nmcli --ask on a terminal (pty_answer) and with the answer on stdin, asked with the server's own question
#   (ConnectInteractive: SecretsRequired, the dialog's hints, NewSecrets);
# - encrypted keys' passphrases (OpenSSH and PEM); a wrong one tried once;
# - keyboard-interactive through PAM as a second factor after a key, answered through the agent;
# - the connection files NetworkManager saved hold no secret when the flags say agent-owned or not saved, and its
#   log (the service's lines with it) holds none;
# - a missing secret without an agent that may ask, and one whose flags say not required, fail at once with a
#   reason; the auth dialog on its own (flags, labels, a terminal in normal mode, none).
# NM_TEST_LOG=FILE keeps NetworkManager's log.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
. tests/rig/nm.sh
nm_rig_check || exit 1
. tests/rig/logins.sh
login_check || exit 1
PTY=${PTY_ANSWER:-$PWD/build/interop/pty_answer}
DIALOG=$NM_SVC_DIR/nm-sshtun-auth-dialog
[ -x "$PTY" ] || { echo "not ok - $PTY not built (make tests)"; exit 1; }
[ -x "$DIALOG" ] || { echo "not ok - $DIALOG not built (make)"; exit 1; }
rig_up || exit 1
trap 'login_user_del; nm_rig_down' EXIT
trap 'login_user_del; nm_rig_down; exit 130' INT
trap 'login_user_del; nm_rig_down; exit 143' TERM
trap 'login_user_del; nm_rig_down; exit 129' HUP
login_user_add || exit 1
D=$RIG_DIR/nm
KPASS="Kp-$$-$RANDOM"
ssh-keygen -q -t ed25519 -N "$KPASS" -C locked-key -f "$K/locked" </dev/null
ssh-keygen -q -t ecdsa -m PEM -N "$KPASS" -C locked-pem -f "$K/locked_pem" </dev/null
cat "$K/locked.pub" "$K/locked_pem.pub" >>"$K/authorized_keys_user"
# The server's end of the tunnel: tun5, root's for the user, addressed before sshd attaches to it.
rig_server ip addr add 198.18.96.1 peer 198.18.96.2 dev tun5 && rig_server ip link set tun5 up
nm_rig_up || exit 1

# Port 2311: passwords (no PAM), keys. Port 2312: a key, then keyboard-interactive through PAM.
sshd_alt 2311 "PasswordAuthentication yes" "KbdInteractiveAuthentication no" "UsePAM no" || exit 1
LOG_PW=$ALT_LOG
PID_PW=$ALT_PID
sshd_alt 2312 "PasswordAuthentication no" "KbdInteractiveAuthentication yes" "UsePAM yes" \
	"AuthenticationMethods publickey,keyboard-interactive" || exit 1
LOG_KBD=$ALT_LOG

# add NAME PORT "vpn.data items" [extra-options]: an sshtun connection to the test user's tun5.
add() {
	local name=$1 port=$2 extra=$3 opts=${4:+;$4}

	nmc connection add type vpn vpn-type sshtun con-name "$name" ifname '*' vpn.data \
		"host=$RIG_SERVER_IP, port=$port, user=$TUSER, known-hosts=$K/known_hosts, local-address=198.18.96.2, remote-address=198.18.96.1, extra-options=TunnelDevice any:5$opts${extra:+, $extra}" \
		>/dev/null
}
tun_gone() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ]
}
# after NAME: NetworkManager's and the service's lines about a connection, for diagnostics.
after() {
	grep -i "vpn\|sshtun" "$D/nm.log" | tail -n 25 | tap_diag
}
printf 'vpn.secrets.password:%s\n' "$TPASS" >"$D/pw.txt"
printf 'vpn.secrets.password:%s\n' "not-the-$TPASS" >"$D/badpw.txt"
printf 'vpn.secrets.passphrase:%s\n' "$KPASS" >"$D/kp.txt"

# ---- a password from the agent before connecting (auth-type=password, password-flags=2: not saved).
add st-pw 2311 "auth-type=password, password-flags=2"
if nmc connection up st-pw passwd-file "$D/pw.txt" >"$D/up-pw.out" 2>&1; then
	tap_check "password from nmcli's agent (passwd-file): up, sshd accepted the password, a ping crosses" sh -c "
		grep -q 'Accepted password for $TUSER' $LOG_PW &&
		ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null" || after
else
	tap_not_ok "password from nmcli's agent (passwd-file): up"
	tap_diag <"$D/up-pw.out"
	after
fi
tap_check "password: NetworkManager asked the service (NeedSecrets) and it named the password" \
	grep -q 'nm-sshtun-service.*the connection needs its password secret' "$D/nm.log"
# The session dies: sshtun logs in again with the password it kept in memory (it is not asked for again).
RIG_SSHD_PID=$PID_PW
kill -KILL "$(rig_sshd_session_pid)" 2>/dev/null
if rig_wait 30 ip netns exec "$RIG_NS_C" ping -c 1 -W 1 198.18.96.1 &&
	[ "$(grep -c "Accepted password for $TUSER" "$LOG_PW")" = 2 ]; then
	tap_ok "password: sshd's session killed, logged in again with the kept password, pings cross"
else
	tap_not_ok "password: sshd's session killed, logged in again with the kept password"
	after
fi
nmc connection down st-pw >/dev/null 2>&1
rig_wait 10 tun_gone

# ---- the saved connection files hold no secret (flags 2: not saved; 1: agent-owned).
add st-owned 2311 "auth-type=password, password-flags=1"
nmc connection up st-owned passwd-file "$D/pw.txt" >"$D/up-owned.out" 2>&1
nmc connection down st-owned >/dev/null 2>&1
rig_wait 10 tun_gone
files=$(grep -l 'service-type=org.freedesktop.NetworkManager.sshtun' "$D/connections"/* 2>/dev/null | wc -l)
if [ "$files" -ge 2 ] && ! grep -rqF -- "$TPASS" "$D/connections" && ! grep -rq '^password=' "$D/connections"; then
	tap_ok "the $files connection files NetworkManager wrote hold no password (password-flags 1 and 2)"
else
	tap_not_ok "the connection files NetworkManager wrote hold no password ($files files)"
	grep -r 'password' "$D/connections" | sed "s/$TPASS/<the password>/" | tap_diag
fi
grep -q 'Accepted password for .*port' "$LOG_PW" && [ "$(grep -c "Accepted password for $TUSER" "$LOG_PW")" -ge 2 ] &&
	tap_ok "agent-owned (password-flags=1): up with the agent's password" ||
	{ tap_not_ok "agent-owned (password-flags=1): up with the agent's password"; tap_diag <"$D/up-owned.out"; }

# ---- a wrong password: "login failed", the library's reason in the log, sent once only, nothing left.
from=$(($(wc -l <"$LOG_PW") + 1))
start=$SECONDS
nmc connection up st-pw passwd-file "$D/badpw.txt" >"$D/up-bad.out" 2>&1
rc=$?
took=$((SECONDS - start))
# NetworkManager's words for a VPN's login-failed (NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED): "Invalid secrets".
if [ $rc != 0 ] && grep -q 'activation failed: Invalid secrets' "$D/up-bad.out" && [ $took -lt 60 ]; then
	tap_ok "wrong password: nmcli fails in ${took}s: $(grep -i 'error' "$D/up-bad.out" | head -n 1)"
else
	tap_not_ok "wrong password: nmcli fails with the reason (status $rc, ${took}s)"
	tap_diag <"$D/up-bad.out"
fi
tap_check "wrong password: NetworkManager's log has the library's reason and NetworkManager's \"login failed\"" sh -c "
	grep -q 'nm-sshtun-service.*the tunnel failed: authentication as $TUSER@$RIG_SERVER_IP failed' $D/nm.log &&
	grep -q 'failure: login-failed' $D/nm.log" || grep 'nm-sshtun-service\[' "$D/nm.log" | tail -n 8 | tap_diag
bad=$(tail -n +"$from" "$LOG_PW" | grep -c "Failed password for $TUSER")
if [ "$bad" = 1 ] && grep -q 'nm-sshtun-service.*the agent sent the password that was refused: not sent again' "$D/nm.log"; then
	tap_ok "wrong password: sent once; the agent's same answer to the service's question was not sent again"
else
	tap_not_ok "wrong password: sent once, not again ($bad failed passwords in sshd's log)"
	grep 'nm-sshtun-service\[' "$D/nm.log" | tail -n 8 | tap_diag
fi
not_active() {
	! nmcli -g GENERAL.STATE connection show "$1" 2>/dev/null | grep -q activated
}
if rig_wait 10 tun_gone && not_active st-pw; then
	tap_ok "wrong password: no tun device left, the connection not active"
else
	tap_not_ok "wrong password: no tun device left, the connection not active"
	ip -n "$RIG_NS_C" -o link show | tap_diag
fi

# ---- a secret agent that takes no VPN hints (tests/nm/test_agent.c, as an older agent): NetworkManager calls
# Connect, not ConnectInteractive, so the service can use what the agent sent but cannot ask anything more.
# agent_up NAME SECRET...: the connection up with that agent registered beside nmcli's; output in $D/NAME.out.
agent_up() {
	local name=$1 apid rc

	shift
	"$NM_SVC_DIR/test_agent" 60 "$@" >"$D/$name.agent" 2>&1 &
	apid=$!
	rig_wait 10 grep -q registered "$D/$name.agent"
	nmc connection up st-pw >"$D/$name.out" 2>&1
	rc=$?
	kill "$apid" 2>/dev/null
	wait "$apid" 2>/dev/null
	return $rc
}
if agent_up agent-good "password=$TPASS" && grep -q '^request vpn' "$D/agent-good.agent"; then
	tap_check "an agent without VPN hints: NetworkManager called Connect, the agent's password logged in, a ping crosses" sh -c "
		grep -q 'calling old Connect function' $D/nm.log &&
		grep -q 'nm-sshtun-service.*NetworkManager called Connect, not ConnectInteractive' $D/nm.log &&
		ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null" || after
else
	tap_not_ok "an agent without VPN hints: up through Connect with the agent's password"
	cat "$D/agent-good.agent" "$D/agent-good.out" | tap_diag
	after
fi
nmc connection down st-pw >/dev/null 2>&1
rig_wait 10 tun_gone
if ! agent_up agent-bad "password=not-the-$TPASS" && grep -q 'activation failed: Invalid secrets' "$D/agent-bad.out" &&
	grep -q 'nm-sshtun-service.*no secret agent can be asked (NetworkManager called Connect' "$D/nm.log" &&
	rig_wait 10 tun_gone; then
	tap_ok "an agent without VPN hints, a wrong password: refused once, nothing can be asked, fails as login failed"
else
	tap_not_ok "an agent without VPN hints, a wrong password: fails with the reason"
	cat "$D/agent-bad.out" | tap_diag
	grep 'nm-sshtun-service\[' "$D/nm.log" | tail -n 6 | tap_diag
fi

# ---- nmcli --ask on a terminal: the service asks the server's own question while connecting.
add st-ask 2311 "password-flags=2"
out=$(timeout 90 "$PTY" "password (vpn.secrets.password):" "$TPASS" "successfully activated" -- \
	nsenter -t "$NM_PID" -m -- nmcli --ask connection up st-ask 2>&1)
if echo "$out" | grep -q "$TUSER@$RIG_SERVER_IP's password (vpn.secrets.password): " &&
	echo "$out" | grep -q 'successfully activated' && ! echo "$out" | grep -qF -- "$TPASS"; then
	tap_ok "nmcli --ask (on a terminal): asked \"$TUSER@$RIG_SERVER_IP's password\", not echoed, up"
else
	tap_not_ok "nmcli --ask (on a terminal): asked the server's question, up"
	echo "$out" | sed "s/$TPASS/<the password>/" | tail -n 10 | tap_diag
	after
fi
tap_check "nmcli --ask: the question went ConnectInteractive -> SecretsRequired -> NewSecrets, a ping crosses" sh -c "
	grep -q \"nm-sshtun-service.*asking NetworkManager's secret agents for the password secret\" $D/nm.log &&
	grep -q 'nm-sshtun-service.*the secret agent sent the password secret' $D/nm.log &&
	ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null"
nmc connection down st-ask >/dev/null 2>&1
rig_wait 10 tun_gone
# The same with the answer on nmcli's stdin (a pipe, no terminal).
out=$(printf '%s\n' "$TPASS" | nmc --ask connection up st-ask 2>&1)
if echo "$out" | grep -q "$TUSER@$RIG_SERVER_IP's password (vpn.secrets.password): " &&
	echo "$out" | grep -q 'successfully activated'; then
	tap_ok "nmcli --ask, the answer on stdin: asked the server's question, up"
else
	tap_not_ok "nmcli --ask, the answer on stdin: asked the server's question, up"
	echo "$out" | sed "s/$TPASS/<the password>/" | tail -n 10 | tap_diag
fi
nmc connection down st-ask >/dev/null 2>&1
rig_wait 10 tun_gone

# ---- an encrypted key: its passphrase from the passphrase secret (NeedSecrets read the key's header).
add st-key 2311 "auth-type=key, identity-file=$K/locked, passphrase-flags=2"
from=$(($(wc -l <"$LOG_PW") + 1))
if nmc connection up st-key passwd-file "$D/kp.txt" >"$D/up-key.out" 2>&1; then
	tap_check "encrypted key: its passphrase from the agent, sshd accepted the key, a ping crosses" sh -c "
		tail -n +$from $LOG_PW | grep -q 'Accepted publickey for $TUSER' &&
		grep -q 'nm-sshtun-service.*the connection needs its passphrase secret' $D/nm.log &&
		ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null" || after
else
	tap_not_ok "encrypted key: up with its passphrase from the agent"
	tap_diag <"$D/up-key.out"
	after
fi
nmc connection down st-key >/dev/null 2>&1
rig_wait 10 tun_gone
add st-pem 2311 "auth-type=key, identity-file=$K/locked_pem, passphrase-flags=2"
if nmc connection up st-pem passwd-file "$D/kp.txt" >"$D/up-pem.out" 2>&1 &&
	[ "$(grep -c 'nm-sshtun-service.*the connection needs its passphrase secret' "$D/nm.log")" -ge 4 ]; then
	tap_ok "encrypted PEM key (legacy Proc-Type header): the passphrase asked for before connecting, up"
else
	tap_not_ok "encrypted PEM key: the passphrase asked for before connecting, up"
	tap_diag <"$D/up-pem.out"
	after
fi
nmc connection down st-pem >/dev/null 2>&1
rig_wait 10 tun_gone
printf 'vpn.secrets.passphrase:%s\n' "not-$KPASS" >"$D/badkp.txt"
if ! nmc connection up st-key passwd-file "$D/badkp.txt" >"$D/up-badkp.out" 2>&1 &&
	grep -q 'activation failed: Invalid secrets' "$D/up-badkp.out" &&
	grep -q 'nm-sshtun-service.*the agent sent the passphrase that was refused: not sent again' "$D/nm.log" &&
	grep -q "nm-sshtun-service.*the tunnel failed: .*$K/locked" "$D/nm.log" && rig_wait 10 tun_gone; then
	tap_ok "encrypted key, a wrong passphrase: tried once, not again, fails as login failed naming the key"
else
	tap_not_ok "encrypted key, a wrong passphrase: fails as login failed naming the key"
	tap_diag <"$D/up-badkp.out"
	grep 'nm-sshtun-service\[' "$D/nm.log" | tail -n 6 | tap_diag
fi

# ---- a second factor: the key, then keyboard-interactive (PAM's "Password:"), asked of the agent while connecting.
add st-kbd 2312 "identity-file=$K/id, password-flags=2"
if nmc connection up st-kbd passwd-file "$D/pw.txt" >"$D/up-kbd.out" 2>&1; then
	tap_check "keyboard-interactive second factor: asked through the agent, sshd accepted key then PAM, a ping crosses" sh -c "
		grep -q 'Accepted keyboard-interactive/pam for $TUSER' $LOG_KBD &&
		grep -q 'Partial publickey for $TUSER\\|Accepted publickey for $TUSER' $LOG_KBD &&
		grep -q \"nm-sshtun-service.*asking NetworkManager's secret agents for the password secret: .Password: \" $D/nm.log &&
		ip netns exec $RIG_NS_C ping -c 2 -W 2 198.18.96.1 >/dev/null" || after
else
	tap_not_ok "keyboard-interactive second factor: up"
	tap_diag <"$D/up-kbd.out"
	after
fi
nmc connection down st-kbd >/dev/null 2>&1
rig_wait 10 tun_gone

# ---- a missing secret and no agent that may ask (nmcli without --ask or passwd-file): fails at once, says why.
start=$SECONDS
nmc connection up st-pw >"$D/up-none.out" 2>&1
rc=$?
took=$((SECONDS - start))
if [ $rc != 0 ] && [ $took -lt 30 ] && grep -q "password for 'vpn.secrets.password' not given" "$D/up-none.out" &&
	grep -qi 'secrets' "$D/up-none.out"; then
	tap_ok "no secret, no agent that may ask: fails in ${took}s: $(grep -i 'error' "$D/up-none.out" | head -n 1)"
else
	tap_not_ok "no secret, no agent that may ask: fails at once with a reason (status $rc, ${took}s)"
	tap_diag <"$D/up-none.out"
fi
# password-flags=4 (not required): nothing is asked; the server's question is declined and the login fails.
add st-noreq 2311 "auth-type=password, password-flags=4"
start=$SECONDS
nmc --ask connection up st-noreq </dev/null >"$D/up-noreq.out" 2>&1
rc=$?
took=$((SECONDS - start))
if [ $rc != 0 ] && [ $took -lt 30 ] && grep -q 'activation failed: Invalid secrets' "$D/up-noreq.out" &&
	grep -q 'nm-sshtun-service.*but password-flags say not required: not asking for it' "$D/nm.log" &&
	! grep -q 'password (vpn.secrets.password)' "$D/up-noreq.out"; then
	tap_ok "password-flags=4 (not required): not asked, fails in ${took}s as login failed (\"Invalid secrets\"), the log says why"
else
	tap_not_ok "password-flags=4 (not required): not asked, fails at once (status $rc, ${took}s)"
	tap_diag <"$D/up-noreq.out"
	grep 'nm-sshtun-service\[' "$D/nm.log" | tail -n 5 | tap_diag
fi
tap_check "after the failures: no tun device left" rig_wait 10 tun_gone

# ---- the auth dialog alone: what it tells an agent, and that it fails without a terminal in normal mode.
req='DATA_KEY=host\nDATA_VAL=h\n\nDATA_KEY=auth-type\nDATA_VAL=password\n\nDATA_KEY=password-flags\nDATA_VAL=4\n\nDONE\nQUIT\n'
tap_check "auth dialog: password-flags=4 is not asked for (ShouldAsk=false)" sh -c "
	printf '$req' | $DIALOG -u u -n n -s org.freedesktop.NetworkManager.sshtun --external-ui-mode -i |
		grep -A4 '^\\[password\\]' | grep -qx 'ShouldAsk=false'"
tap_check "auth dialog: the service's question (hint answer, x-vpn-message) becomes the field's label" sh -c "
	printf 'DATA_KEY=host\nDATA_VAL=h\n\nDONE\n' |
		$DIALOG -u u -n n -s org.freedesktop.NetworkManager.sshtun --external-ui-mode -i -t answer \
		-t 'x-vpn-message:otp-server
Verification code: ' | grep -A4 '^\\[answer\\]' | grep -qx 'Label=Verification code'"
# Normal mode on a terminal: asks there without echo, writes "name\nvalue\n" and an empty line for the agent.
out=$("$PTY" "Password:" "typed-$KPASS" "NEVER-SEEN" -- sh -c "printf 'DATA_KEY=auth-type\nDATA_VAL=password\n\nDONE\nQUIT\n' |
	$DIALOG -u u -n n -s org.freedesktop.NetworkManager.sshtun -i" 2>&1 | tr -d '\r')
if printf '%s\n' "$out" | grep -A1 -x 'Password: ' | grep -qx 'password' &&
	printf '%s\n' "$out" | grep -A1 -x 'password' | grep -qx "typed-$KPASS" &&
	[ "$(printf '%s\n' "$out" | grep -c "typed-$KPASS")" = 1 ]; then
	tap_ok "auth dialog: on a terminal (normal mode) it asks without echo and hands the agent the answer"
else
	tap_not_ok "auth dialog: on a terminal (normal mode) it asks without echo and hands the agent the answer"
	printf '%s\n' "$out" | tap_diag
fi
tap_check "auth dialog: without a terminal it fails and says why (normal mode)" sh -c "
	printf 'DATA_KEY=auth-type\nDATA_VAL=password\n\nDONE\n' |
		setsid $DIALOG -u u -n n -s org.freedesktop.NetworkManager.sshtun -i 2>&1 >/dev/null | grep -q 'no terminal'"

# ---- after every connection (passwords and passphrases given before connecting and while connecting, all with
# flags 1 or 2): no secret in any file NetworkManager wrote.
if ! grep -rqF -- "$TPASS" "$D/connections" && ! grep -rqF -- "$KPASS" "$D/connections" &&
	! grep -rq '^password=\|^passphrase=' "$D/connections"; then
	tap_ok "all $(ls "$D/connections" | wc -l) connection files hold no password or passphrase, asked for early or late"
else
	tap_not_ok "all connection files hold no password or passphrase"
	grep -r 'password\|passphrase' "$D/connections" | sed "s/$TPASS/<the password>/; s/$KPASS/<the passphrase>/" | tap_diag
fi

# ---- no secret in NetworkManager's log (the service's lines included).
if grep -qF -- "$TPASS" "$D/nm.log" || grep -qF -- "$KPASS" "$D/nm.log"; then
	tap_not_ok "NetworkManager's log (with the service's lines) holds no password or passphrase"
else
	tap_ok "NetworkManager's log (with the service's lines) holds no password or passphrase"
fi

# ---- nothing left.
nm_rig_down
login_user_del
nm_nothing_left
id "$TUSER" >/dev/null 2>&1 && tap_not_ok "the test user is removed" || tap_ok "the test user is removed"
tap_done
