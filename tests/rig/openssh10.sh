#!/bin/bash
# sshtun: fetches OpenSSH 10 (openssh-server and openssh-client from Debian's bookworm-backports suite) into a
# directory of its own and unpacks them there, to run that sshd by absolute path beside Debian 12's own 9.2.
# Nothing under /etc/apt changes: apt runs with a private source list, state and cache; the archive's address
# is the one the machine's own apt sources use for Debian (deb822 .sources files or sources.list).
#
#   tests/rig/openssh10.sh [DIR]     DIR defaults to build/openssh10
# On success prints the unpacked root (DIR/root; its sshd is DIR/root/usr/sbin/sshd) and exits 0; otherwise
# one line on stderr saying what failed, exit 1. A second run reuses what the first unpacked.
set -u
cd "$(dirname "$0")/../.." || exit 1
DIR=${1:-$PWD/build/openssh10}
SUITE=bookworm-backports
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

fail() {
	echo "openssh10: $*" >&2
	exit 1
}

if [ -x "$DIR/root/usr/sbin/sshd" ] && "$DIR/root/usr/sbin/sshd" -V 2>&1 | grep -q '^OpenSSH_10'; then
	echo "$DIR/root"
	exit 0
fi

. tests/rig/apt-private.sh

URI=$(debian_archive | head -n 1)
[ -n "$URI" ] || fail "no Debian bookworm archive in the machine's apt sources (/etc/apt/sources.list*)"
[ -f "$KEYRING" ] || fail "$KEYRING missing (package debian-archive-keyring)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "apt-get and dpkg-deb are needed"

rm -rf "$DIR"
mkdir -p "$DIR/etc/sources.list.d" "$DIR/etc/preferences.d" "$DIR/etc/apt.conf.d" "$DIR/state/lists/partial" \
	"$DIR/cache/archives/partial" "$DIR/debs" || fail "cannot create $DIR"
echo "deb [signed-by=$KEYRING] $URI $SUITE main" >"$DIR/etc/sources.list"
apt_private "$DIR"
timeout 300 apt-get "${APT[@]}" -q update >"$DIR/apt-update.log" 2>&1 ||
	fail "apt-get update of $URI $SUITE failed: $(tail -n 1 "$DIR/apt-update.log")"
(cd "$DIR/debs" && timeout 300 apt-get "${APT[@]}" -q download "openssh-server/$SUITE" "openssh-client/$SUITE") \
	>"$DIR/apt-download.log" 2>&1 || fail "apt-get download from $SUITE failed: $(tail -n 1 "$DIR/apt-download.log")"
for deb in "$DIR"/debs/*.deb; do
	dpkg-deb -x "$deb" "$DIR/root" || fail "dpkg-deb -x $deb failed"
done
"$DIR/root/usr/sbin/sshd" -V 2>&1 | grep -q '^OpenSSH_10' ||
	fail "the unpacked sshd is not OpenSSH 10: $("$DIR/root/usr/sbin/sshd" -V 2>&1 | head -n 1)"
echo "$DIR/root"
