#!/bin/bash
# sshtun: interop: every key type against Debian's real sshd. User keys made by ssh-keygen (ed25519, ECDSA
# P-256/384/521, RSA 2048 and 4096) from files and from a real ssh-agent; RSA signing as the server's
# server-sig-algs allow; each host key type alone on the server; known_hosts holding only the ECDSA key; and the
# refusals: an RSA host key under RequiredRSASize, a server that signs only with SHA-1 (ssh-rsa), a 1024-bit
# user key. Each success is a tunnel that came up and an sshd log line naming the key type that was accepted.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }

rig_up || exit 1
K=$RIG_DIR/keys
mkdir -m 700 "$K"

# A config with no IdentityFile and no agent: each test names its key.
cat >"$RIG_DIR/bare_config" <<EOF
Host *
	HostName $RIG_SERVER_IP
	User root
	UserKnownHostsFile $RIG_KNOWN_HOSTS
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	IdentityAgent none
	ConnectTimeout 10
EOF

show() {
	echo "# --- $1:"
	tail -n 15 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
	echo "# --- sshd log:"
	grep -v 'debug[23]' "${2:-$RIG_SSHD_LOG}" 2>/dev/null | tail -n 15 | tap_diag
}

# up NAME SSHD_LOG LOG_PATTERN ARGS...: sshtun in the background until the tunnel is up and the sshd log
# matches LOG_PATTERN; then SIGTERM. Reports ok/not ok.
up() {
	local name=$1 log=$2 pattern=$3 pid from

	shift 3
	# Only what sshd logs from now on counts.
	from=$(($(wc -l <"$log") + 1))
	rig_client_bg "$name" env $UP_ENV setsid -w timeout 60 "$SSHTUN" -v -F "$RIG_DIR/bare_config" "$@" -w any "$RIG_TARGET" </dev/null
	pid=$RIG_LAST_PID
	if rig_wait 20 rig_is_up "$name" && rig_wait 5 sh -c 'tail -n +"$1" "$2" | grep -q -- "$3"' sh "$from" "$log" "$pattern"; then
		tap_ok "$name: tunnel up; sshd: $(tail -n +"$from" "$log" | grep -o -m1 -- "$pattern.*" | cut -c1-90)"
	else
		tap_not_ok "$name: tunnel up and sshd logged /$pattern/"
		show "$name" "$log"
	fi
	rig_kill "$pid"
	wait "$pid" 2>/dev/null
}

# refused NAME STATUS PATTERN ARGS...: sshtun in the foreground must exit STATUS with PATTERN in its output.
refused() {
	local name=$1 want=$2 pattern=$3 out rc

	shift 3
	out=$(rig_client env $UP_ENV setsid -w timeout 60 "$SSHTUN" -F "$RIG_DIR/bare_config" "$@" -w any "$RIG_TARGET" 2>&1 </dev/null)
	rc=$?
	if [ $rc = "$want" ] && echo "$out" | grep -qi -- "$pattern"; then
		tap_ok "$name: refused with status $rc: $(echo "$out" | tail -n 1 | cut -c1-160)"
	else
		tap_not_ok "$name: wanted status $want and /$pattern/, got status $rc"
		echo "$out" | tail -n 8 | tap_diag
	fi
}

# ---- 1. User keys of every type, from files.
for spec in ed25519:256 ecdsa:256 ecdsa:384 ecdsa:521 rsa:2048 rsa:4096 rsa:1024; do
	t=${spec%:*}
	b=${spec#*:}
	ssh-keygen -q -t "$t" -b "$b" -N '' -C "user-$t-$b" -f "$K/id_$t$b" </dev/null || exit 1
	cat "$K/id_$t$b.pub" >>"$RIG_DIR/authorized_keys"
done
for spec in ed25519:256:ED25519 ecdsa:256:ECDSA ecdsa:384:ECDSA ecdsa:521:ECDSA rsa:2048:RSA rsa:4096:RSA; do
	IFS=: read -r t b name <<<"$spec"
	fp=$(ssh-keygen -l -E sha256 -f "$K/id_$t$b.pub" | cut -d' ' -f2)
	up "user key $t-$b" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $name $fp" -i "$K/id_$t$b"
done
# RSA signs with rsa-sha2-512 by default (sshd names the algorithm it checked).
if grep -q "rsa-sha2-512" "$RIG_SSHD_LOG" && ! grep -q "userauth_pubkey: .*pkalg ssh-rsa " "$RIG_SSHD_LOG"; then
	tap_ok "RSA user keys sign with rsa-sha2-512, never ssh-rsa (SHA-1)"
else
	tap_not_ok "RSA user keys sign with rsa-sha2-512, never ssh-rsa (SHA-1)"
	grep -i "pkalg\|rsa-sha2" "$RIG_SSHD_LOG" | tail -n 5 | tap_diag
fi
# sshd announces publickey-hostbound@openssh.com: every key request binds the host key.
if grep -q "method publickey-hostbound-v00@openssh.com" "$RIG_SSHD_LOG" &&
	! grep -q "service ssh-connection method publickey \[" "$RIG_SSHD_LOG"; then
	tap_ok "keys are offered with publickey-hostbound-v00@openssh.com, as the server announces it"
else
	tap_not_ok "keys are offered with publickey-hostbound-v00@openssh.com, as the server announces it"
	grep "userauth-request" "$RIG_SSHD_LOG" | tail -n 3 | tap_diag
fi
out=$(rig_client timeout 60 "$SSHTUN" -v -F "$RIG_DIR/bare_config" -i "$K/id_rsa1024" -w any "$RIG_TARGET" 2>&1)
rc=$?
if [ $rc = 5 ] && echo "$out" | grep -q "skipping .*id_rsa1024: its RSA key has 1024 bits, fewer than RequiredRSASize 2048"; then
	tap_ok "a 1024-bit RSA user key is not offered (RequiredRSASize 2048): status 5"
else
	tap_not_ok "a 1024-bit RSA user key is not offered (RequiredRSASize 2048): got status $rc"
	echo "$out" | tail -n 6 | tap_diag
fi

# ---- 1b. Passphrase-protected keys: asked for only once the server accepts the key, through SSH_ASKPASS
# (ssh's SSH_ASKPASS_REQUIRE rules) or on a real terminal; a wrong passphrase is asked again
# (NumberOfPasswordPrompts), then the key is skipped; BatchMode asks nothing.
PTY=${PTY_ANSWER:-$PWD/build/interop/pty_answer}
ssh-keygen -q -t ed25519 -N 'open sesame' -C locked-ed -f "$K/locked_ed" </dev/null
ssh-keygen -q -t rsa -b 2048 -N 'open sesame' -Z aes256-gcm@openssh.com -C locked-rsa -f "$K/locked_rsa" </dev/null
cat "$K/locked_ed.pub" "$K/locked_rsa.pub" >>"$RIG_DIR/authorized_keys"
# askpass SCRIPT ANSWER: an askpass program that logs each question and prints ANSWER.
askpass() {
	printf '#!/bin/sh\necho "$1" >>"%s.asked"\necho "%s"\n' "$1" "$2" >"$1"
	chmod 700 "$1"
	: >"$1.asked"
}
askpass "$K/ask_right" "open sesame"
askpass "$K/ask_wrong" "open says me"
for key in locked_ed locked_rsa; do
	fp=$(ssh-keygen -l -E sha256 -f "$K/$key.pub" | cut -d' ' -f2)
	: >"$K/ask_right.asked"
	UP_ENV="SSH_ASKPASS=$K/ask_right SSH_ASKPASS_REQUIRE=force" \
		up "passphrase key $key through SSH_ASKPASS" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $fp" -i "$K/$key"
	if [ "$(wc -l <"$K/ask_right.asked")" = 1 ] && grep -q "Enter passphrase for key '$K/$key'" "$K/ask_right.asked"; then
		tap_ok "passphrase key $key: asked once, as ssh asks"
	else
		tap_not_ok "passphrase key $key: asked once, as ssh asks"
		tap_diag <"$K/ask_right.asked"
	fi
done
# Offered first, the unencrypted key is accepted: the locked key behind it is never unlocked, nothing asked.
: >"$K/ask_right.asked"
UP_ENV="SSH_ASKPASS=$K/ask_right SSH_ASKPASS_REQUIRE=force" \
	up "a locked key after one the server takes" "$RIG_SSHD_LOG" "Accepted publickey" -i "$K/id_ed25519256" -i "$K/locked_ed"
[ -s "$K/ask_right.asked" ] && tap_not_ok "nothing asked when the first key is accepted" ||
	tap_ok "nothing asked when the first key is accepted"
UP_ENV="SSH_ASKPASS=$K/ask_wrong SSH_ASKPASS_REQUIRE=force" \
	refused "wrong passphrase" 5 "failed (server allows publickey); the passphrase for .*locked_ed was wrong" -i "$K/locked_ed"
if [ "$(wc -l <"$K/ask_wrong.asked")" = 3 ] && grep -q "Bad passphrase, try again" "$K/ask_wrong.asked"; then
	tap_ok "wrong passphrase: asked 3 times (NumberOfPasswordPrompts), then the key skipped"
else
	tap_not_ok "wrong passphrase: asked 3 times (NumberOfPasswordPrompts), then the key skipped"
	tap_diag <"$K/ask_wrong.asked"
fi
: >"$K/ask_wrong.asked"
UP_ENV="SSH_ASKPASS=$K/ask_wrong SSH_ASKPASS_REQUIRE=force" \
	refused "BatchMode: a locked key is skipped without asking" 5 "no passphrase can be asked for (BatchMode)" \
	-o BatchMode=yes -i "$K/locked_ed"
[ -s "$K/ask_wrong.asked" ] && tap_not_ok "BatchMode: askpass never ran" || tap_ok "BatchMode: askpass never ran"
UP_ENV="SSH_ASKPASS=$K/ask_right SSH_ASKPASS_REQUIRE=never" \
	refused "SSH_ASKPASS_REQUIRE=never and no terminal: not asked" 5 "passphrase not answered (no terminal" \
	-o BatchMode=no -i "$K/locked_ed"
# A real terminal: the passphrase typed at the prompt, echo off.
if [ -x "$PTY" ]; then
	out=$(rig_client "$PTY" "Enter passphrase for key" "open sesame" "tunnel up" -- env -u SSH_ASKPASS -u DISPLAY \
		"$SSHTUN" -F "$RIG_DIR/bare_config" -o BatchMode=no -i "$K/locked_ed" -w any "$RIG_TARGET" 2>&1)
	rc=$?
	if echo "$out" | grep -q "tunnel up" && ! echo "$out" | grep -q "open sesame"; then
		tap_ok "passphrase typed on a real terminal (not echoed): tunnel up; stopped with status $rc"
	else
		tap_not_ok "passphrase typed on a real terminal (not echoed): status $rc"
		echo "$out" | tail -n 8 | tap_diag
	fi
else
	tap_not_ok "pty_answer helper: $PTY not built (make tests)"
fi

# PEM key files (as ssh-keygen -m PEM / PKCS8 writes them, and older tools): read through libcrypto.
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C pem-rsa -f "$K/pem_rsa" </dev/null
ssh-keygen -q -t ecdsa -b 256 -m PKCS8 -N 'open sesame' -C p8-ec -f "$K/p8_ec_enc" </dev/null
cat "$K/pem_rsa.pub" "$K/p8_ec_enc.pub" >>"$RIG_DIR/authorized_keys"
fp=$(ssh-keygen -l -E sha256 -f "$K/pem_rsa.pub" | cut -d' ' -f2)
up "PEM RSA key (PKCS#1)" "$RIG_SSHD_LOG" "Accepted publickey for root from .* RSA $fp" -i "$K/pem_rsa"
fp=$(ssh-keygen -l -E sha256 -f "$K/p8_ec_enc.pub" | cut -d' ' -f2)
UP_ENV="SSH_ASKPASS=$K/ask_right SSH_ASKPASS_REQUIRE=force" \
	up "encrypted PKCS#8 ECDSA key (public key from its .pub)" "$RIG_SSHD_LOG" "Accepted publickey for root from .* ECDSA $fp" \
	-i "$K/p8_ec_enc"

# ---- 2. A real ssh-agent holding one key of each type; no key files at all.
agent_sock=$RIG_DIR/agent.sock
rig_client_bg agent ssh-agent -D -a "$agent_sock"
agent_pid=$RIG_LAST_PID
rig_wait 5 test -S "$agent_sock"
for key in id_ecdsa384 id_rsa2048 id_ed25519256; do
	rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -q "$K/$key" </dev/null 2>/dev/null
	fp=$(ssh-keygen -l -E sha256 -f "$K/$key.pub" | cut -d' ' -f2)
	# Only this key is named by IdentityFile; IdentitiesOnly makes the agent sign for it alone.
	cp "$K/$key.pub" "$K/only.pub"
	: >"$K/only"
	chmod 600 "$K/only"
	up "agent $key" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $fp" -o IdentityAgent="$agent_sock" \
		-o IdentitiesOnly=yes -i "$K/only"
	grep -q "authenticated with agent: user-" "$RIG_DIR/agent $key.log" ||
		tap_not_ok "agent $key: the agent signed (not a file)"
done
# An agent that asks its user to confirm each use (ssh-add -c) and takes 2 s to be answered: the connection
# waits for it on the event loop; no call into the library blocks meanwhile.
printf '#!/bin/sh\nsleep 2\nexit 0\n' >"$K/confirm_slow"
chmod 755 "$K/confirm_slow"
slow_sock=$RIG_DIR/agent_slow.sock
rig_client_bg agent-slow env SSH_ASKPASS="$K/confirm_slow" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	ssh-agent -D -a "$slow_sock"
slow_pid=$RIG_LAST_PID
rig_wait 5 test -S "$slow_sock"
rig_client env SSH_AUTH_SOCK="$slow_sock" ssh-add -q -c "$K/id_ecdsa256" </dev/null 2>/dev/null
out=$(rig_client timeout 30 "${PROMPT_LATER:-$PWD/build/interop/prompt_later}" "$RIG_DIR/bare_config" "$RIG_TARGET" 0 x \
	"IdentityAgent $slow_sock" "IdentityFile /nonexistent" "StrictHostKeyChecking yes" 2>&1)
rc=$?
longest=$(echo "$out" | sed -n 's/^longest dispatch \([0-9]*\) ms$/\1/p')
if [ $rc = 0 ] && [ -n "$longest" ] && [ "$longest" -lt 500 ]; then
	tap_ok "agent confirming for 2 s: tunnel up, no dispatch blocked (longest $longest ms)"
else
	tap_not_ok "agent confirming for 2 s: tunnel up, no dispatch blocked (status $rc, longest ${longest:-?} ms)"
	echo "$out" | tail -n 6 | tap_diag
fi
rig_kill "$slow_pid"
# An agent socket that never answers: the key list is awaited on the event loop, given up after 5 s, and the
# key file used; no dispatch blocks meanwhile.
mute_sock=$RIG_DIR/agent_mute.sock
rig_client_bg agent-mute nc -lkU "$mute_sock"
mute_pid=$RIG_LAST_PID
rig_wait 5 test -S "$mute_sock"
out=$(rig_client timeout 30 "${PROMPT_LATER:-$PWD/build/interop/prompt_later}" "$RIG_DIR/bare_config" "$RIG_TARGET" 0 x \
	"IdentityAgent $mute_sock" "IdentityFile $K/id_ed25519256" "StrictHostKeyChecking yes" 2>&1)
rc=$?
longest=$(echo "$out" | sed -n 's/^longest dispatch \([0-9]*\) ms$/\1/p')
if [ $rc = 0 ] && echo "$out" | grep -q "ssh-agent did not answer in time" && [ -n "$longest" ] && [ "$longest" -lt 500 ]; then
	tap_ok "agent that never answers: given up after 5 s, the key file used, no dispatch blocked (longest $longest ms)"
else
	tap_not_ok "agent that never answers: given up, the key file used, no dispatch blocked (status $rc, longest ${longest:-?} ms)"
	echo "$out" | tail -n 6 | tap_diag
fi
rig_kill "$mute_pid"
# AddKeysToAgent: a passphrase key unlocked for this connection goes into the agent; with a lifetime it leaves
# again.
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -D -q 2>/dev/null
fp=$(ssh-keygen -l -E sha256 -f "$K/locked_ed.pub" | cut -d' ' -f2)
UP_ENV="SSH_ASKPASS=$K/ask_right SSH_ASKPASS_REQUIRE=force" \
	up "AddKeysToAgent yes with a passphrase key" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $fp" \
	-o IdentityAgent="$agent_sock" -o AddKeysToAgent=yes -i "$K/locked_ed"
if rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -l 2>/dev/null | grep -q "$fp"; then
	tap_ok "AddKeysToAgent yes: the unlocked key is in the agent afterwards"
else
	tap_not_ok "AddKeysToAgent yes: the unlocked key is in the agent afterwards"
fi
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -D -q 2>/dev/null
fp=$(ssh-keygen -l -E sha256 -f "$K/id_rsa2048.pub" | cut -d' ' -f2)
up "AddKeysToAgent confirm with an RSA key" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $fp" \
	-o IdentityAgent="$agent_sock" -o AddKeysToAgent=confirm -i "$K/id_rsa2048"
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -l 2>/dev/null | grep -q "$fp" &&
	tap_ok "AddKeysToAgent confirm: the RSA key (its private numbers from libcrypto) is in the agent" ||
	tap_not_ok "AddKeysToAgent confirm: the RSA key (its private numbers from libcrypto) is in the agent"
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -D -q 2>/dev/null
fp=$(ssh-keygen -l -E sha256 -f "$K/id_ecdsa521.pub" | cut -d' ' -f2)
up "AddKeysToAgent 2s" "$RIG_SSHD_LOG" "Accepted publickey for root from .* $fp" -o IdentityAgent="$agent_sock" \
	-o AddKeysToAgent=2s -i "$K/id_ecdsa521"
rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -l 2>/dev/null | grep -q "$fp" && in_agent=1 || in_agent=0
sleep 3
if [ $in_agent = 1 ] && ! rig_client env SSH_AUTH_SOCK="$agent_sock" ssh-add -l 2>/dev/null | grep -q "$fp"; then
	tap_ok "AddKeysToAgent 2s: the key was added with a lifetime, and the agent dropped it after 2 s"
else
	tap_not_ok "AddKeysToAgent 2s: the key was added with a lifetime, and the agent dropped it after 2 s (in agent: $in_agent)"
fi
rig_kill "$agent_pid"

# ---- 3. A second sshd for server-side variations: its own port, host keys and extra lines.
# sshd_alt PORT "HostKey files" [sshd_config lines...]: starts it, sets ALT_LOG; waits until it listens.
ALT_N=0
sshd_alt() {
	local port=$1 keys=$2 conf f

	shift 2
	ALT_N=$((ALT_N + 1))
	conf=$RIG_DIR/sshd_alt$ALT_N.conf
	ALT_LOG=$RIG_DIR/sshd_alt$ALT_N.log
	{
		for l in "$@"; do printf '%s\n' "$l"; done
		for f in $keys; do echo "HostKey $f"; done
		grep -v '^HostKey \|^Port \|^PidFile ' "$RIG_SSHD_CONFIG"
		echo "Port $port"
		echo "PidFile $RIG_DIR/sshd_alt$ALT_N.pid"
	} >"$conf"
	rig_server_bg "sshd_alt$ALT_N.out" "$RIG_SSHD" -D -E "$ALT_LOG" -f "$conf"
	ALT_PID=$RIG_LAST_PID
	rig_wait 10 sh -c "ip netns exec $RIG_NS_S ss -Hltn 'sport = :$port' | grep -q ."
}

# kh_for PORT KEYFILE...: a known_hosts with exactly these host keys for [server]:PORT.
kh_for() {
	local port=$1 f

	shift
	for f in "$@"; do
		echo "[$RIG_SERVER_IP]:$port $(cut -d' ' -f1,2 "$f.pub")"
	done >"$K/kh_$port"
}

port=2200
for spec in ecdsa:256:ecdsa-sha2-nistp256 ecdsa:384:ecdsa-sha2-nistp384 ecdsa:521:ecdsa-sha2-nistp521 \
	rsa:3072:rsa-sha2-512 ed25519:256:ssh-ed25519; do
	IFS=: read -r t b alg <<<"$spec"
	port=$((port + 1))
	ssh-keygen -q -t "$t" -b "$b" -N '' -C "host-$t-$b" -f "$K/host_$t$b" </dev/null || exit 1
	sshd_alt $port "$K/host_$t$b" || { tap_not_ok "host key $t-$b: sshd on port $port"; continue; }
	kh_for $port "$K/host_$t$b"
	up "host key $t-$b alone on the server" "$ALT_LOG" "Accepted publickey" -p $port \
		-o UserKnownHostsFile="$K/kh_$port" -i "$K/id_ed25519256"
	if grep -q "kex: $alg\|host key $alg\|kex: .*host key $alg" "$RIG_DIR/host key $t-$b alone on the server.log"; then
		tap_ok "host key $t-$b: negotiated $alg"
	else
		tap_not_ok "host key $t-$b: negotiated $alg"
		grep "kex:" "$RIG_DIR/host key $t-$b alone on the server.log" | tap_diag
	fi
	rig_kill "$ALT_PID"
done

# known_hosts holds only the ECDSA key of a server that has all three: sshtun asks for ECDSA first and connects.
port=2210
sshd_alt $port "$K/host_ed25519256 $K/host_ecdsa256 $K/host_rsa3072"
kh_for $port "$K/host_ecdsa256"
up "known_hosts holds only the server's ECDSA key" "$ALT_LOG" "Accepted publickey" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -i "$K/id_ed25519256"
grep -q "host key ecdsa-sha2-nistp256" "$RIG_DIR/known_hosts holds only the server's ECDSA key.log" &&
	tap_ok "known_hosts' ECDSA key: the ECDSA host key was asked for first" ||
	tap_not_ok "known_hosts' ECDSA key: the ECDSA host key was asked for first"
# An explicit HostKeyAlgorithms is kept as given: ed25519 first, whose key known_hosts does not hold.
refused "HostKeyAlgorithms given: kept as given, so the unknown ed25519 key is refused" 4 "not known" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o HostKeyAlgorithms=ssh-ed25519,ecdsa-sha2-nistp256 -i "$K/id_ed25519256"
rig_kill "$ALT_PID"

# An RSA host key of 1024 bits: refused by RequiredRSASize's default, accepted when lowered.
port=2211
ssh-keygen -q -t rsa -b 1024 -N '' -f "$K/host_rsa1024" </dev/null
sshd_alt $port "$K/host_rsa1024" "RequiredRSASize 1024"
kh_for $port "$K/host_rsa1024"
refused "RSA host key of 1024 bits" 4 "1024 bits, fewer than RequiredRSASize" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -i "$K/id_ed25519256"
up "RSA host key of 1024 bits with RequiredRSASize 1024" "$ALT_LOG" "Accepted publickey" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o RequiredRSASize=1024 -i "$K/id_ed25519256"
rig_kill "$ALT_PID"

# A server that signs only with SHA-1: refused with the way out named; accepted with +ssh-rsa.
port=2212
sshd_alt $port "$K/host_rsa3072" "HostKeyAlgorithms ssh-rsa"
kh_for $port "$K/host_rsa3072"
refused "server offers only ssh-rsa (SHA-1) host key signatures" 8 "HostKeyAlgorithms=+ssh-rsa" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -i "$K/id_ed25519256"
up "HostKeyAlgorithms=+ssh-rsa against an ssh-rsa-only server" "$ALT_LOG" "Accepted publickey" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o HostKeyAlgorithms=+ssh-rsa -i "$K/id_ed25519256"
rig_kill "$ALT_PID"

# A server that accepts only rsa-sha2-256 user signatures. OpenSSH 9.2's server-sig-algs lists every algorithm
# it knows, not this setting, so (as with ssh) the user names it; the choice by server-sig-algs is unit-tested.
port=2213
sshd_alt $port "$K/host_ed25519256" "PubkeyAcceptedAlgorithms rsa-sha2-256"
kh_for $port "$K/host_ed25519256"
up "PubkeyAcceptedAlgorithms=rsa-sha2-256: the RSA key signs with it" "$ALT_LOG" "Accepted publickey for root from .* RSA" \
	-p $port -o UserKnownHostsFile="$K/kh_$port" -o PubkeyAcceptedAlgorithms=rsa-sha2-256 -i "$K/id_rsa2048"
grep -q "offering public key .*id_rsa2048 (rsa-sha2-256" \
	"$RIG_DIR/PubkeyAcceptedAlgorithms=rsa-sha2-256: the RSA key signs with it.log" &&
	tap_ok "PubkeyAcceptedAlgorithms=rsa-sha2-256: offered as rsa-sha2-256" ||
	tap_not_ok "PubkeyAcceptedAlgorithms=rsa-sha2-256: offered as rsa-sha2-256"
# Leaving only what the server refuses: the key is offered as rsa-sha2-512, refused, status 5.
refused "PubkeyAcceptedAlgorithms=-rsa-sha2-256 against that server" 5 "authentication.*failed" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o PubkeyAcceptedAlgorithms=-rsa-sha2-256 -i "$K/id_rsa2048"
# An ECDSA key when only RSA algorithms are accepted: not offered at all.
refused "PubkeyAcceptedAlgorithms=rsa-sha2-512 with only an ECDSA key" 5 "no usable key\|authentication.*failed" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o PubkeyAcceptedAlgorithms=rsa-sha2-512 -i "$K/id_ecdsa256"
rig_kill "$ALT_PID"

# ---- 4. StrictHostKeyChecking ask: the user is asked as ssh asks; yes or the fingerprint trusts and records the
# key, no refuses; a program on the public API may answer seconds later from its own loop.
port=2220
sshd_alt $port "$K/host_ecdsa384"
fp=$(ssh-keygen -l -E sha256 -f "$K/host_ecdsa384.pub" | cut -d' ' -f2)
askpass "$K/ask_yes" "yes"
askpass "$K/ask_no" "no"
askpass "$K/ask_fp" "$fp"
for how in yes fp; do
	rm -f "$K/kh_new_$how"
	UP_ENV="SSH_ASKPASS=$K/ask_$how SSH_ASKPASS_REQUIRE=force" \
		up "ask: answered '$how' through SSH_ASKPASS" "$ALT_LOG" "Accepted publickey" -p $port \
		-o StrictHostKeyChecking=ask -o UserKnownHostsFile="$K/kh_new_$how" -i "$K/id_ed25519256"
	if grep -q "can't be established" "$K/ask_$how.asked" && grep -q "^ECDSA key fingerprint is $fp" "$K/ask_$how.asked" &&
		grep -q "^\[$RIG_SERVER_IP\]:$port ecdsa-sha2-nistp384 " "$K/kh_new_$how"; then
		tap_ok "ask ($how): the question named the ECDSA key and its fingerprint; the key was added to known_hosts"
	else
		tap_not_ok "ask ($how): the question named the ECDSA key and its fingerprint; the key was added to known_hosts"
		tap_diag <"$K/ask_$how.asked"
	fi
done
rm -f "$K/kh_new_no"
UP_ENV="SSH_ASKPASS=$K/ask_no SSH_ASKPASS_REQUIRE=force" \
	refused "ask: answered no" 4 "not accepted" -p $port -o StrictHostKeyChecking=ask -o UserKnownHostsFile="$K/kh_new_no" \
	-i "$K/id_ed25519256"
[ -s "$K/kh_new_no" ] && tap_not_ok "ask (no): nothing added to known_hosts" || tap_ok "ask (no): nothing added to known_hosts"
UP_ENV="SSH_ASKPASS=$K/ask_yes SSH_ASKPASS_REQUIRE=force" \
	refused "ask with BatchMode: refused without asking" 4 "not known" -p $port -o BatchMode=yes \
	-o StrictHostKeyChecking=ask -o UserKnownHostsFile="$K/kh_new_no" -i "$K/id_ed25519256"
# HashKnownHosts: accept-new writes the name hashed, and the next connection finds it.
rm -f "$K/kh_hashed"
up "HashKnownHosts yes with accept-new" "$ALT_LOG" "Accepted publickey" -p $port -o StrictHostKeyChecking=accept-new \
	-o HashKnownHosts=yes -o UserKnownHostsFile="$K/kh_hashed" -i "$K/id_ed25519256"
if grep -q "^|1|" "$K/kh_hashed" && ! grep -q "$RIG_SERVER_IP" "$K/kh_hashed"; then
	tap_ok "HashKnownHosts: the added name is hashed"
else
	tap_not_ok "HashKnownHosts: the added name is hashed"
	tap_diag <"$K/kh_hashed"
fi
up "HashKnownHosts: the hashed entry is found again (StrictHostKeyChecking yes)" "$ALT_LOG" "Accepted publickey" \
	-p $port -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$K/kh_hashed" -i "$K/id_ed25519256"
# HostKeyAlias: known_hosts names the server by an alias, without its port.
echo "vpn-gw $(cut -d' ' -f1,2 "$K/host_ecdsa384.pub")" >"$K/kh_alias"
up "HostKeyAlias" "$ALT_LOG" "Accepted publickey" -p $port -o HostKeyAlias=vpn-gw -o UserKnownHostsFile="$K/kh_alias" \
	-i "$K/id_ed25519256"
refused "HostKeyAlias not in known_hosts" 4 "not known" -p $port -o HostKeyAlias=other-gw \
	-o UserKnownHostsFile="$K/kh_alias" -i "$K/id_ed25519256"
# @revoked: refused even though another line lists the key as known.
{ cat "$K/kh_alias"; echo "@revoked * $(cut -d' ' -f1,2 "$K/host_ecdsa384.pub")"; } >"$K/kh_revoked"
refused "@revoked host key" 4 "marked revoked in .*kh_revoked:2" -p $port -o HostKeyAlias=vpn-gw \
	-o UserKnownHostsFile="$K/kh_revoked" -i "$K/id_ed25519256"
LATER=${PROMPT_LATER:-$PWD/build/interop/prompt_later}
rm -f "$K/kh_later"
out=$(rig_client timeout 30 "$LATER" "$RIG_DIR/bare_config" "$RIG_TARGET" 1500 yes "Port $port" \
	"StrictHostKeyChecking ask" "UserKnownHostsFile $K/kh_later" "IdentityFile $K/id_ed25519256" 2>&1)
rc=$?
if [ $rc = 0 ] && echo "$out" | grep -q "^asked hostkey: Are you sure" && echo "$out" | grep -q "^up " &&
	echo "$out" | grep -Eq "answered after (1[5-9]|[2-9][0-9])[0-9][0-9] ms \([0-9]{2,} dispatches"; then
	tap_ok "public API: the question answered 1.5 s later from the program's own loop; tunnel up ($(echo "$out" | grep answered))"
else
	tap_not_ok "public API: the question answered 1.5 s later from the program's own loop (status $rc)"
	echo "$out" | tail -n 8 | tap_diag
fi
rig_kill "$ALT_PID"

# ---- 5. Host certificates: trusted through a @cert-authority line for the host; a certificate naming another
# host, an expired one, or one whose CA is @revoked is refused; without a CA line, the certified key is checked
# as a plain key (as ssh does).
ssh-keygen -q -t ed25519 -N '' -C host-ca -f "$K/host_ca" </dev/null
ssh-keygen -q -t ecdsa -N '' -C other-ca -f "$K/other_ca" </dev/null
for c in good wrongname expired; do
	cp "$K/host_ed25519256" "$K/hc_$c"
	cp "$K/host_ed25519256.pub" "$K/hc_$c.pub"
done
ssh-keygen -q -s "$K/host_ca" -I rig-host -h -n "$RIG_SERVER_IP,rig" -V -1h:+1h "$K/hc_good.pub" 2>/dev/null
ssh-keygen -q -s "$K/host_ca" -I rig-host -h -n other.example -V -1h:+1h "$K/hc_wrongname.pub" 2>/dev/null
ssh-keygen -q -s "$K/host_ca" -I rig-host -h -n "$RIG_SERVER_IP" -V 20200101:20200102 "$K/hc_expired.pub" 2>/dev/null
echo "@cert-authority * $(cut -d' ' -f1,2 "$K/host_ca.pub")" >"$K/kh_ca"
port=2230
for c in good wrongname expired; do
	port=$((port + 1))
	sshd_alt $port "$K/hc_$c" "HostCertificate $K/hc_$c-cert.pub"
	eval "port_$c=$port pid_$c=$ALT_PID log_$c=$ALT_LOG"
done
ALT_LOG=$log_good
up "host certificate through @cert-authority" "$ALT_LOG" "Accepted publickey" -p "$port_good" \
	-o UserKnownHostsFile="$K/kh_ca" -i "$K/id_ed25519256"
grep -q "host key ssh-ed25519-cert-v01@openssh.com" "$RIG_DIR/host certificate through @cert-authority.log" &&
	grep -q "host certificate of $RIG_SERVER_IP accepted: key id \"rig-host\"" "$RIG_DIR/host certificate through @cert-authority.log" &&
	tap_ok "host certificate: ssh-ed25519-cert-v01 negotiated, the certificate checked and accepted" ||
	tap_not_ok "host certificate: ssh-ed25519-cert-v01 negotiated, the certificate checked and accepted"
refused "host certificate for another name" 4 "principal \"$RIG_SERVER_IP\" not in the certificate" -p "$port_wrongname" \
	-o UserKnownHostsFile="$K/kh_ca" -i "$K/id_ed25519256"
refused "expired host certificate" 4 "certificate expired on 2020-01-02" -p "$port_expired" \
	-o UserKnownHostsFile="$K/kh_ca" -i "$K/id_ed25519256"
refused "host certificate whose CA algorithm CASignatureAlgorithms leaves out" 4 "CASignatureAlgorithms does not allow" \
	-p "$port_good" -o UserKnownHostsFile="$K/kh_ca" -o CASignatureAlgorithms=ecdsa-sha2-nistp256 -i "$K/id_ed25519256"
{ cat "$K/kh_ca"; echo "@revoked * $(cut -d' ' -f1,2 "$K/host_ca.pub")"; } >"$K/kh_ca_revoked"
refused "host certificate whose CA is @revoked" 4 "CA .* is marked revoked" -p "$port_good" \
	-o UserKnownHostsFile="$K/kh_ca_revoked" -i "$K/id_ed25519256"
echo "@cert-authority * $(cut -d' ' -f1,2 "$K/other_ca.pub")" >"$K/kh_other_ca"
refused "host certificate of a CA known_hosts does not trust" 4 "not known" -p "$port_good" \
	-o UserKnownHostsFile="$K/kh_other_ca" -i "$K/id_ed25519256"
{ cat "$K/kh_other_ca"; echo "[$RIG_SERVER_IP]:$port_good $(cut -d' ' -f1,2 "$K/host_ed25519256.pub")"; } >"$K/kh_plain"
ALT_LOG=$log_good
up "host certificate without a trusted CA: the certified key found as a plain key" "$ALT_LOG" "Accepted publickey" \
	-p "$port_good" -o UserKnownHostsFile="$K/kh_plain" -i "$K/id_ed25519256"
rig_kill "$pid_good" "$pid_wrongname" "$pid_expired"

# ---- 6. User certificates, accepted by sshd through TrustedUserCAKeys (the keys are in no authorized_keys):
# KEY-cert.pub beside the key, CertificateFile, the agent holding key and certificate, an expired one skipped.
ssh-keygen -q -t ed25519 -N '' -C user-ca -f "$K/user_ca" </dev/null
for u in ucert_ed ucert_rsa ucert_cf ucert_exp ucert_agent; do
	case $u in
	ucert_rsa) ssh-keygen -q -t rsa -b 2048 -N '' -C $u -f "$K/$u" </dev/null ;;
	*) ssh-keygen -q -t ed25519 -N '' -C $u -f "$K/$u" </dev/null ;;
	esac
done
for u in ucert_ed ucert_rsa ucert_cf ucert_agent; do
	ssh-keygen -q -s "$K/user_ca" -I "id-$u" -n root -V -1h:+1h "$K/$u.pub" 2>/dev/null
done
ssh-keygen -q -s "$K/user_ca" -I id-ucert_exp -n root -V 20200101:20200102 "$K/ucert_exp.pub" 2>/dev/null
mv "$K/ucert_cf-cert.pub" "$K/elsewhere-cert.pub"
port=2240
sshd_alt $port "$K/host_ed25519256" "TrustedUserCAKeys $K/user_ca.pub" "AuthorizedKeysFile none"
kh_for $port "$K/host_ed25519256"
up "user certificate (KEY-cert.pub beside the key) through TrustedUserCAKeys" "$ALT_LOG" \
	"Accepted publickey for root from .* ED25519-CERT SHA256:.* ID id-ucert_ed" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -i "$K/ucert_ed"
up "RSA user certificate (rsa-sha2-512-cert-v01)" "$ALT_LOG" "Accepted publickey for root from .* RSA-CERT SHA256:.* ID id-ucert_rsa" \
	-p $port -o UserKnownHostsFile="$K/kh_$port" -i "$K/ucert_rsa"
grep -q "(rsa-sha2-512-cert-v01@openssh.com" "$RIG_DIR/RSA user certificate (rsa-sha2-512-cert-v01).log" &&
	tap_ok "RSA user certificate offered as rsa-sha2-512-cert-v01@openssh.com" ||
	tap_not_ok "RSA user certificate offered as rsa-sha2-512-cert-v01@openssh.com"
up "CertificateFile" "$ALT_LOG" "Accepted publickey for root from .* ID id-ucert_cf" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o CertificateFile="$K/elsewhere-cert.pub" -i "$K/ucert_cf"
refused "expired user certificate" 5 "failed" -p $port -o UserKnownHostsFile="$K/kh_$port" -i "$K/ucert_exp"
out=$(rig_client timeout 30 "$SSHTUN" -F "$RIG_DIR/bare_config" -p $port -o UserKnownHostsFile="$K/kh_$port" \
	-i "$K/ucert_exp" -w any "$RIG_TARGET" 2>&1)
echo "$out" | grep -q "certificate .*ucert_exp-cert.pub skipped: certificate expired on 2020-01-02" &&
	tap_ok "expired user certificate: skipped with a line saying so" ||
	{ tap_not_ok "expired user certificate: skipped with a line saying so"; echo "$out" | tail -n 4 | tap_diag; }
cert_sock=$RIG_DIR/agent_cert.sock
rig_client_bg agent-cert ssh-agent -D -a "$cert_sock"
cert_pid=$RIG_LAST_PID
rig_wait 5 test -S "$cert_sock"
rig_client env SSH_AUTH_SOCK="$cert_sock" ssh-add -q "$K/ucert_agent" </dev/null 2>/dev/null
up "user certificate held by ssh-agent" "$ALT_LOG" "Accepted publickey for root from .* ID id-ucert_agent" -p $port \
	-o UserKnownHostsFile="$K/kh_$port" -o IdentityAgent="$cert_sock" -o IdentityFile=none
rig_kill "$cert_pid" "$ALT_PID"

rig_down
tap_done
