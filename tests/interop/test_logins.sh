#!/bin/bash
# sshtun: interop: logins beyond keys against Debian's real sshd, as an ordinary user whose tun device root
# made for it beforehand (as the seed guides show): password, keyboard-interactive through PAM, and the second
# factors AuthenticationMethods publickey,password and publickey,keyboard-interactive; a wrong password
# refused with status 5 after NumberOfPasswordPrompts tries; PreferredAuthentications and
# PasswordAuthentication no obeyed; the server's banner shown. Answers come through SSH_ASKPASS (logged), once
# typed on a real terminal. The test user exists only while this script runs.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
PTY=${PTY_ANSWER:-$PWD/build/interop/pty_answer}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
. tests/rig/logins.sh
login_check || exit 1

rig_up || exit 1
# rig_up's traps take the rig down; the test user goes with it, whatever happens.
trap 'login_user_del; rig_down' EXIT
trap 'login_user_del; rig_down; exit 130' INT
trap 'login_user_del; rig_down; exit 143' TERM
trap 'login_user_del; rig_down; exit 129' HUP
login_user_add || exit 1
cat >"$RIG_DIR/login_config" <<EOF
Host *
	HostName $RIG_SERVER_IP
	User $TUSER
	UserKnownHostsFile $K/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	IdentityAgent none
	TunnelDevice any:5
	ConnectTimeout 10
EOF

# askpass SCRIPT ANSWER...: prints the answers in turn (the last one again after that); logs each question.
askpass() {
	local f=$1 i=0 a

	shift
	{
		echo '#!/bin/sh'
		echo "echo \"\$1\" >>'$f.asked'"
		echo "n=\$(grep -c '' '$f.asked')"
		for a in "$@"; do
			i=$((i + 1))
			echo "[ \$n -le $i ] && { echo '$a'; exit 0; }"
		done
		echo "echo '$a'"
	} >"$f"
	chmod 755 "$f"
	: >"$f.asked"
}

printf 'Welcome to the sshtun test rig.\nAuthorised use only.\n' >"$RIG_DIR/banner"

# up NAME PATTERN ASKPASS ARGS...: sshtun (no terminal, askpass forced) until the tunnel is up and the sshd
# log has PATTERN (only lines logged from now on count); then SIGTERM.
up() {
	local name=$1 pattern=$2 ask=$3 pid from

	shift 3
	from=$(($(wc -l <"$ALT_LOG") + 1))
	rig_client_bg "$name" env SSH_ASKPASS="$ask" SSH_ASKPASS_REQUIRE=force setsid -w timeout 60 "$SSHTUN" -v \
		-F "$RIG_DIR/login_config" -p "$PORT" "$@" "$RIG_SERVER_IP" </dev/null
	pid=$RIG_LAST_PID
	if rig_wait 20 rig_is_up "$name" &&
		rig_wait 5 sh -c 'tail -n +"$1" "$2" | grep -q -- "$3"' sh "$from" "$ALT_LOG" "$pattern"; then
		tap_ok "$name: tunnel up; sshd: $(tail -n +"$from" "$ALT_LOG" | grep -o -m1 -- "$pattern.*" | cut -c1-80)"
	else
		tap_not_ok "$name: tunnel up and sshd logged /$pattern/"
		tail -n 15 "$RIG_DIR/$name.log" | tap_diag
		grep -v 'debug[23]' "$ALT_LOG" | tail -n 12 | tap_diag
		grep -i 'tun' "$ALT_LOG" | tail -n 5 | tap_diag
	fi
	rig_kill "$pid"
	wait "$pid" 2>/dev/null
}

# refused NAME STATUS PATTERN ASKPASS ARGS...
refused() {
	local name=$1 want=$2 pattern=$3 ask=$4 out rc

	shift 4
	out=$(rig_client env SSH_ASKPASS="$ask" SSH_ASKPASS_REQUIRE=force setsid -w timeout 60 "$SSHTUN" \
		-F "$RIG_DIR/login_config" -p "$PORT" "$@" "$RIG_SERVER_IP" 2>&1 </dev/null)
	rc=$?
	if [ $rc = "$want" ] && echo "$out" | grep -qi -- "$pattern"; then
		tap_ok "$name: refused with status $rc: $(echo "$out" | tail -n 1 | cut -c1-160)"
	else
		tap_not_ok "$name: wanted status $want and /$pattern/, got status $rc"
		echo "$out" | tail -n 8 | tap_diag
	fi
}

askpass "$K/ask_pw" "$TPASS"
askpass "$K/ask_bad" "not-the-password"

# ---- 1. Password (no PAM): asked as ssh asks, wrong ones refused, the banner shown.
PORT=2301
sshd_alt $PORT "PasswordAuthentication yes" "KbdInteractiveAuthentication no" "UsePAM no"
up "password login" "Accepted password for $TUSER" "$K/ask_pw"
if grep -q "^$TUSER@$RIG_SERVER_IP's password: $" "$K/ask_pw.asked" && [ "$(grep -c '' "$K/ask_pw.asked")" = 1 ]; then
	tap_ok "password: asked once, as \"$TUSER@$RIG_SERVER_IP's password: \""
else
	tap_not_ok "password: asked once, as ssh asks"
	tap_diag <"$K/ask_pw.asked"
fi
grep -q "sshtun: Welcome to the sshtun test rig." "$RIG_DIR/password login.log" &&
	grep -q "sshtun: Authorised use only." "$RIG_DIR/password login.log" &&
	tap_ok "the server's banner is shown, line by line" || tap_not_ok "the server's banner is shown, line by line"
out=$(rig_client env SSH_ASKPASS="$K/ask_pw" SSH_ASKPASS_REQUIRE=force setsid -w timeout 30 "$SSHTUN" -F "$RIG_DIR/login_config" \
	-p "$PORT" -o LogLevel=QUIET -o PasswordAuthentication=no "$RIG_SERVER_IP" 2>&1 </dev/null)
echo "$out" | grep -q "Welcome to the sshtun test rig" && tap_not_ok "LogLevel QUIET: no banner" ||
	tap_ok "LogLevel QUIET: the banner is not shown"
refused "wrong password" 5 "tried password" "$K/ask_bad"
[ "$(grep -c "password: $" "$K/ask_bad.asked")" = 3 ] && grep -q "^Permission denied, please try again.$" "$K/ask_bad.asked" &&
	tap_ok "wrong password: asked 3 times (NumberOfPasswordPrompts), again with ssh's words" ||
	tap_not_ok "wrong password: asked 3 times, not $(grep -c "password: $" "$K/ask_bad.asked")"
: >"$K/ask_bad.asked"
refused "NumberOfPasswordPrompts 1" 5 "tried password" "$K/ask_bad" -o NumberOfPasswordPrompts=1
[ "$(grep -c "password: $" "$K/ask_bad.asked")" = 1 ] && tap_ok "NumberOfPasswordPrompts 1: asked once" ||
	tap_not_ok "NumberOfPasswordPrompts 1: asked once, not $(grep -c "password: $" "$K/ask_bad.asked")"
: >"$K/ask_pw.asked"
refused "PasswordAuthentication no" 5 "server allows .*password" "$K/ask_pw" -o PasswordAuthentication=no
[ -s "$K/ask_pw.asked" ] && tap_not_ok "PasswordAuthentication no: nothing asked" ||
	tap_ok "PasswordAuthentication no: nothing asked"
refused "BatchMode: no password asked" 5 "failed" "$K/ask_pw" -o BatchMode=yes
if [ -x "$PTY" ]; then
	out=$(rig_client "$PTY" "password:" "$TPASS" "tunnel up" -- env -u SSH_ASKPASS -u DISPLAY "$SSHTUN" \
		-F "$RIG_DIR/login_config" -p "$PORT" "$RIG_SERVER_IP" 2>&1)
	rc=$?
	if echo "$out" | grep -q "tunnel up" && ! echo "$out" | grep -qF "$TPASS"; then
		tap_ok "password typed on a real terminal (not echoed): tunnel up; stopped with status $rc"
	else
		tap_not_ok "password typed on a real terminal (not echoed): status $rc"
		echo "$out" | tail -n 6 | tap_diag
	fi
fi
rig_kill "$ALT_PID"

# ---- 2. A key and then a password (AuthenticationMethods publickey,password).
PORT=2302
sshd_alt $PORT "PasswordAuthentication yes" "KbdInteractiveAuthentication no" "UsePAM no" \
	"AuthenticationMethods publickey,password"
: >"$K/ask_pw.asked"
up "publickey then password" "Accepted password for $TUSER" "$K/ask_pw" -i "$K/id"
grep -q "Partial publickey for $TUSER\|Accepted publickey for $TUSER" "$ALT_LOG" &&
	tap_ok "publickey,password: the key was accepted first (partial success)" ||
	tap_not_ok "publickey,password: the key was accepted first (partial success)"
refused "publickey,password without the key" 5 "failed" "$K/ask_pw" -o PubkeyAuthentication=no
rig_kill "$ALT_PID"

# ---- 3. keyboard-interactive through PAM (pam_unix asks "Password:"), alone and as a second factor.
PORT=2303
sshd_alt $PORT "PasswordAuthentication no" "KbdInteractiveAuthentication yes" "UsePAM yes"
: >"$K/ask_pw.asked"
up "keyboard-interactive (PAM)" "Accepted keyboard-interactive/pam for $TUSER" "$K/ask_pw"
grep -q "Password: $" "$K/ask_pw.asked" && tap_ok "keyboard-interactive: PAM's question came through as asked" ||
	{ tap_not_ok "keyboard-interactive: PAM's question came through as asked"; tap_diag <"$K/ask_pw.asked"; }
refused "keyboard-interactive, wrong answer" 5 "tried keyboard-interactive" "$K/ask_bad"
refused "KbdInteractiveAuthentication no" 5 "failed" "$K/ask_pw" -o KbdInteractiveAuthentication=no
rig_kill "$ALT_PID"
PORT=2304
sshd_alt $PORT "PasswordAuthentication no" "KbdInteractiveAuthentication yes" "UsePAM yes" \
	"AuthenticationMethods publickey,keyboard-interactive"
up "publickey then keyboard-interactive (a second factor)" "Accepted keyboard-interactive/pam for $TUSER" "$K/ask_pw" \
	-i "$K/id"
rig_kill "$ALT_PID"

# ---- 4. PreferredAuthentications: password before keyboard-interactive when both are allowed.
PORT=2305
sshd_alt $PORT "PasswordAuthentication yes" "KbdInteractiveAuthentication yes" "UsePAM yes"
up "PreferredAuthentications password" "Accepted password for $TUSER" "$K/ask_pw" \
	-o PreferredAuthentications=password,keyboard-interactive
rig_kill "$ALT_PID"

rig_down
login_user_del
id "$TUSER" >/dev/null 2>&1 && tap_not_ok "the test user is removed" || tap_ok "the test user is removed"
tap_done
