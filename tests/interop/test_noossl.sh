#!/bin/bash
# sshtun: interop: the build with libsodium alone (./configure --without-openssl). It builds one, from a copy of
# this tree in build/noossl (configure writes its files into the tree it runs in), and checks that the program
# links no libcrypto and that -Q lists no AES, ECDSA, RSA, NIST ECDH or finite-field DH. Against Debian 12's sshd
# (OpenSSH 9.2): sntrup761x25519-sha512@openssh.com with chacha20-poly1305@openssh.com and an Ed25519 key, the
# host known by a hashed known_hosts line (|1|: HMAC-SHA1, in-tree SHA-1 here): tunnel up, ping, MIB MiB each way
# byte for byte, SIGTERM ends it. Asking for what the build lacks (Ciphers aes128-ctr, KexAlgorithms
# ecdh-sha2-nistp256) ends with one line saying so and exit status 2 (a configuration this build cannot honour),
# not 8 (no algorithm in common with the server); ECDSA and aes256-gcm-encrypted key files are refused with a
# line naming what the build lacks, and aes256-ctr (ssh-keygen's default) and chacha20-poly1305 ones log in.
# With OpenSSH 10 (tests/rig/openssh10.sh), mlkem768x25519-sha256 as well.
# Prints "ok - NAME" / "not ok - NAME"; exits non-zero if anything failed.
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
command -v nc >/dev/null || { echo "not ok - nc: missing (apt-get install netcat-openbsd)"; exit 1; }
command -v readelf >/dev/null || { echo "not ok - readelf: missing (apt-get install binutils)"; exit 1; }

SRC=$PWD
COPY=${SSHTUN_NOOSSL_DIR:-$PWD/build/noossl}
SSHTUN=$COPY/sshtun
CADDR=198.18.10.1
SADDR=198.18.10.2
MIB=${SSHTUN_TEST_MIB:-2}

# ---- the build ----

# A copy of the sources (not the build's outputs, not .git), then configure unless the copy is configured so
# already with this configure script; make is incremental after that.
build() {
	mkdir -p "$COPY" || return 1
	tar -C "$SRC" --exclude=./build --exclude=./.git --exclude=./sshtun --exclude='./libsshtun*' \
		--exclude=./config.h --exclude=./config.mk --exclude=./Makefile -cf - . | tar -C "$COPY" -xf - || return 1
	if ! grep -q '^HAVE_OPENSSL = 0$' "$COPY/config.mk" 2>/dev/null || ! cmp -s "$SRC/configure" "$COPY/.configured-by"; then
		(cd "$COPY" && nice -n 19 ./configure --without-openssl --enable-werror CC="${CC:-gcc}") || return 1
		cp "$SRC/configure" "$COPY/.configured-by"
	fi
	nice -n 19 make -C "$COPY" -s -j2 sshtun
}

if build >"$SRC/build/noossl.log" 2>&1; then
	tap_ok "build: ./configure --without-openssl && make sshtun (in $COPY)"
else
	tap_not_ok "build: ./configure --without-openssl && make sshtun"
	tail -n 20 "$SRC/build/noossl.log" | tap_diag
	tap_done
	exit 1
fi

needed=$(readelf -d "$SSHTUN" | awk '/NEEDED/ { print $NF }' | tr -d '[]' | tr '\n' ' ')
echo "# NEEDED: $needed"
if [ -n "$needed" ] && ! echo "$needed" | grep -q 'libcrypto\|libssl' && echo "$needed" | grep -q libsodium; then
	tap_ok "readelf -d: libsodium, no libcrypto"
else
	tap_not_ok "readelf -d: libsodium and no libcrypto (NEEDED: $needed)"
fi
if ldd "$SSHTUN" | grep -q 'libcrypto\|libssl'; then
	tap_not_ok "ldd: no libcrypto, not even through another library"
	ldd "$SSHTUN" | tap_diag
else
	tap_ok "ldd: no libcrypto, not even through another library"
fi

# -Q: what the tables have. q KIND WANT UNWANTED: the list has every name of WANT and nothing matching UNWANTED.
q() {
	local kind=$1 want=$2 unwanted=$3 got w

	got=$("$SSHTUN" -Q "$kind" | tr '\n' ' ')
	for w in $want; do
		case " $got" in *" $w "*) ;; *) tap_not_ok "-Q $kind lists $w (got: $got)"; return ;; esac
	done
	if echo "$got" | grep -Eq "$unwanted"; then
		tap_not_ok "-Q $kind lists nothing matching $unwanted (got: $got)"
	else
		tap_ok "-Q $kind: $got"
	fi
}
q cipher "chacha20-poly1305@openssh.com" 'aes|gcm|ctr'
q kex "mlkem768x25519-sha256 sntrup761x25519-sha512 sntrup761x25519-sha512@openssh.com curve25519-sha256" 'ecdh|diffie'
q key "ssh-ed25519 ssh-ed25519-cert-v01@openssh.com" 'ecdsa|rsa'
q mac "" '.'

# ---- against sshd ----

st() {
	local name=$1

	shift
	# shellcheck disable=SC2086  # ENVS: NAME=VALUE words for env, or none
	rig_client_bg "$name" env ${ENVS:-} timeout 120 "$SSHTUN" -v -F "${CFG:-$RIG_SSH_CONFIG}" -w any \
		-o TunnelAddress=$CADDR -o TunnelPeer=$SADDR "$@" "$RIG_TARGET"
}

show() {
	echo "# --- $1:"
	tail -n 20 "$RIG_DIR/$1.log" 2>/dev/null | tap_diag
	echo "# --- sshd log:"
	rig_sshd_log | grep -v 'debug[23]' | tail -n 15 | tap_diag
}

no_devs() {
	[ -z "$(rig_devs "$RIG_NS_C" tun)" ] && [ -z "$(rig_devs "$RIG_NS_S" tun)" ]
}

# session NAME KEX [ARGS...]: a whole tunnel with KEX and chacha20-poly1305, sshd's log naming both.
session() {
	local name=$1 kex=$2 pid rc from

	shift 2
	from=$(($(rig_sshd_log | wc -l) + 1))
	st "$name" -o KexAlgorithms="$kex" -o Ciphers=chacha20-poly1305@openssh.com "$@"
	pid=$RIG_LAST_PID
	if ! rig_wait 20 rig_is_up "$name" || ! rig_tun_server_end $SADDR $CADDR; then
		tap_not_ok "$name: tunnel up with $kex"
		show "$name"
		rig_kill "$pid"
		wait "$pid" 2>/dev/null
		return
	fi
	if rig_sshd_log | tail -n +"$from" | grep -q "kex: algorithm: $kex" &&
		rig_sshd_log | tail -n +"$from" | grep -q "cipher: chacha20-poly1305@openssh.com"; then
		tap_ok "$name: tunnel up; sshd used $kex and chacha20-poly1305@openssh.com"
	else
		tap_not_ok "$name: sshd's log names $kex and chacha20-poly1305@openssh.com"
		show "$name"
	fi
	tap_check "$name: ping client -> server" rig_client ping -c 2 -i 0.2 -W 2 $SADDR
	tap_check "$name: $MIB MiB client -> server, byte for byte" rig_transfer up "$MIB" $SADDR $CADDR
	tap_check "$name: $MIB MiB server -> client, byte for byte" rig_transfer down "$MIB" $SADDR $CADDR
	kill -TERM "$pid" 2>/dev/null
	rc=0
	wait "$pid" || rc=$?
	if [ $rc = 0 ] && rig_wait 5 no_devs; then
		tap_ok "$name: SIGTERM ends it, status 0, devices gone"
	else
		tap_not_ok "$name: SIGTERM ends it with status 0 and the devices go (status $rc)"
		show "$name"
	fi
}

# refused NAME STATUS LINE [ARGS...]: sshtun ends with STATUS and its log has LINE (a fixed string).
refused() {
	local name=$1 want=$2 line=$3 pid rc

	shift 3
	st "$name" "$@"
	pid=$RIG_LAST_PID
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$line" "$RIG_DIR/$name.log"; then
		tap_ok "$name: exit status $rc and \"$line\""
	else
		tap_not_ok "$name: exit status $want (got $rc) and the line \"$line\""
		tail -n 8 "$RIG_DIR/$name.log" | tap_diag
	fi
}

rig_up || exit 1

# The host by a hashed name (|1|salt|HMAC-SHA1): the client must compute HMAC-SHA1 with its own SHA-1.
cp "$RIG_KNOWN_HOSTS" "$RIG_DIR/known_hosts_hashed"
ssh-keygen -q -H -f "$RIG_DIR/known_hosts_hashed" >/dev/null 2>&1
rm -f "$RIG_DIR/known_hosts_hashed.old"
if grep -q '^|1|' "$RIG_DIR/known_hosts_hashed"; then
	session sntrup-chacha sntrup761x25519-sha512@openssh.com -o UserKnownHostsFile="$RIG_DIR/known_hosts_hashed"
else
	tap_not_ok "ssh-keygen -H wrote a hashed known_hosts line"
fi

refused lacks-aes 2 "this build of sshtun lacks aes128-ctr (built without OpenSSL)" -o Ciphers=aes128-ctr
refused lacks-ecdh 2 "this build of sshtun lacks ecdh-sha2-nistp256 (built without OpenSSL)" \
	-o KexAlgorithms=ecdh-sha2-nistp256
refused lacks-ecdsa-hostkey 2 "this build of sshtun lacks ecdsa-sha2-nistp256 (built without OpenSSL)" \
	-o HostKeyAlgorithms=ecdsa-sha2-nistp256
# A name no build knows is still "no algorithm in common", the distinct status 8 this test tells apart.
refused unknown-cipher 8 "none of \"no-such-cipher\" is supported" -o Ciphers=no-such-cipher

# Key files: an ECDSA key and an Ed25519 key under aes256-gcm@openssh.com are refused; one under ssh-keygen's
# default cipher, aes256-ctr (crypto/aes_ct.c here), and one under chacha20-poly1305 log in, the passphrase
# given by an askpass program.
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$RIG_DIR/id_ecdsa" </dev/null
ssh-keygen -q -t ed25519 -N 'a passphrase' -Z aes256-gcm@openssh.com -f "$RIG_DIR/id_gcm" </dev/null
ssh-keygen -q -t ed25519 -N 'a passphrase' -f "$RIG_DIR/id_ctr" </dev/null
ssh-keygen -q -t ed25519 -N 'a passphrase' -Z chacha20-poly1305@openssh.com -f "$RIG_DIR/id_chacha" </dev/null
cat "$RIG_DIR/id_ctr.pub" "$RIG_DIR/id_chacha.pub" >>"$RIG_DIR/authorized_keys"
printf '#!/bin/sh\necho "a passphrase"\n' >"$RIG_DIR/askpass"
chmod 755 "$RIG_DIR/askpass"
# The rig's config without its key, so the file under test is the only one.
grep -v 'IdentityFile' "$RIG_SSH_CONFIG" >"$RIG_DIR/ssh_config_nokey"
CFG=$RIG_DIR/ssh_config_nokey refused ecdsa-key 5 \
	"this build of sshtun lacks ecdsa-sha2-nistp256 keys (built without OpenSSL" -i "$RIG_DIR/id_ecdsa"
CFG=$RIG_DIR/ssh_config_nokey refused gcm-key 5 \
	"this build of sshtun lacks aes256-gcm@openssh.com (built without OpenSSL), the file's cipher" -i "$RIG_DIR/id_gcm"
# key_login NAME FILE: logs in with FILE alone (its passphrase from the askpass program), tunnel up, ends.
key_login() {
	local name=$1 pid

	CFG=$RIG_DIR/ssh_config_nokey ENVS="SSH_ASKPASS=$RIG_DIR/askpass SSH_ASKPASS_REQUIRE=force" st "$name" \
		-o BatchMode=no -i "$2"
	pid=$RIG_LAST_PID
	if rig_wait 20 rig_is_up "$name"; then
		tap_ok "$name: logged in with $(basename "$2") (passphrase through SSH_ASKPASS)"
	else
		tap_not_ok "$name: log in with $(basename "$2"), its passphrase through SSH_ASKPASS"
		show "$name"
	fi
	rig_kill "$pid"
	wait "$pid" 2>/dev/null
	rig_wait 5 no_devs
}
key_login ctr-key "$RIG_DIR/id_ctr"
key_login chacha-key "$RIG_DIR/id_chacha"
rig_down

# mlkem768x25519-sha256 needs OpenSSH 9.9 or later: Debian's bookworm-backports OpenSSH 10.
if root10=$(tests/rig/openssh10.sh 2>"$SRC/build/noossl-openssh10.err"); then
	RIG_SSHD=$root10/usr/sbin/sshd
	RIG_SSHD_EXTRA="SshdSessionPath $root10/usr/lib/openssh/sshd-session
SshdAuthPath $root10/usr/lib/openssh/sshd-auth"
	echo "# OpenSSH 10: $("$RIG_SSHD" -V 2>&1 | head -n 1)"
	if rig_up; then
		session mlkem-chacha mlkem768x25519-sha256
		rig_down
	else
		tap_not_ok "rig with OpenSSH 10's sshd"
	fi
else
	echo "# SKIP mlkem768x25519-sha256 against OpenSSH 10: $(head -n 1 "$SRC/build/noossl-openssh10.err")"
fi
rm -f "$SRC/build/noossl-openssh10.err"

tap_done
