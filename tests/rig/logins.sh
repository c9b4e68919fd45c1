# sshtun: tests: logins beyond the rig's root key (sourced after rig.sh): a test user with a password, and
# second sshds that take passwords, keyboard-interactive through PAM and second factors, as that user.
#   login_user_add          after rig_up: creates the user $TUSER with password $TPASS (only while the test runs),
#                           the directory $K ($RIG_DIR/keys) with a key pair id/id.pub, the user's own
#                           authorized_keys_user holding it, known_hosts with the rig's host keys for any port, and
#                           the server's tun5, made by root for the user; prints "not ok" and returns 1 on failure
#   login_user_del          removes the user (idempotent: call it from the traps, before rig_down)
#   sshd_alt PORT [lines...]  a second sshd with these sshd_config lines first, as the user may log in (keys:
#                           $K/authorized_keys_user; banner: $RIG_DIR/banner if there); sets ALT_LOG, ALT_PID;
#                           waits until it listens
# Needs useradd, userdel and chpasswd (login_check says which are missing).

TUSER=sshtun-t$$
TPASS="Pw-$$-$RANDOM-x"
ALT_N=0

login_check() {
	local c

	for c in useradd userdel chpasswd; do
		command -v $c >/dev/null || { echo "not ok - $c: missing (apt-get install passwd)"; return 1; }
	done
	return 0
}

login_user_del() {
	userdel "$TUSER" >/dev/null 2>&1
	return 0
}

login_user_add() {
	local t

	if ! useradd -M -d /nonexistent -s /bin/sh "$TUSER" || ! echo "$TUSER:$TPASS" | chpasswd; then
		echo "not ok - cannot create the test user $TUSER"
		return 1
	fi
	K=$RIG_DIR/keys
	mkdir -m 700 "$K"
	ssh-keygen -q -t ed25519 -N '' -C login-key -f "$K/id" </dev/null || return 1
	# The user's keys: sshd reads them as the user, so the file must be the user's.
	cp "$K/id.pub" "$K/authorized_keys_user"
	chown "$TUSER" "$K/authorized_keys_user"
	chmod 755 "$RIG_DIR" "$K"
	# The server's tun device, made by root for the user (sshd cannot create one for a non-root user).
	rig_server ip tuntap add mode tun user "$TUSER" name tun5 || { echo "not ok - cannot create tun5"; return 1; }
	# The rig's host keys, for the second sshds on other ports.
	for t in ed25519 ecdsa rsa; do
		echo "[$RIG_SERVER_IP]:* $(cut -d' ' -f1,2 "$RIG_DIR/ssh_host_${t}_key.pub")"
	done >"$K/known_hosts"
}

sshd_alt() {
	local port=$1 conf l

	shift
	ALT_N=$((ALT_N + 1))
	conf=$RIG_DIR/sshd_login$ALT_N.conf
	ALT_LOG=$RIG_DIR/sshd_login$ALT_N.log
	{
		for l in "$@"; do printf '%s\n' "$l"; done
		echo "AuthorizedKeysFile $K/authorized_keys_user"
		[ -f "$RIG_DIR/banner" ] && echo "Banner $RIG_DIR/banner"
		grep -v '^Port \|^PidFile \|^AuthorizedKeysFile ' "$RIG_SSHD_CONFIG"
		echo "Port $port"
		echo "PidFile $RIG_DIR/sshd_login$ALT_N.pid"
	} >"$conf"
	# Where /dev/net/tun is root's alone (containers), sshd gets a copy anyone may open, in a mount namespace
	# of its own: the user's session must open it to attach to tun5. Nothing outside that namespace changes.
	rig_server_bg "sshd_login$ALT_N.out" unshare -m sh -c \
		'mount -t tmpfs tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200 && exec "$0" -D -E "$1" -f "$2"' \
		"$RIG_SSHD" "$ALT_LOG" "$conf"
	ALT_PID=$RIG_LAST_PID
	rig_wait 10 sh -c "ip netns exec $RIG_NS_S ss -Hltn 'sport = :$port' | grep -q ."
}
