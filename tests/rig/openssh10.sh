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

# The Debian archive the machine uses: the first URI whose suite is bookworm (the one that has main).
archive() {
	local f

	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			/^[ \t]*$/ { if (uri != "" && suite && main) { print uri; exit } uri = ""; suite = 0; main = 0; next }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
			tolower($1) == "components:" { for (i = 2; i <= NF; i++) if ($i == "main") main = 1 }
			END { if (uri != "" && suite && main) print uri }
		' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }'
	done
}

URI=$(archive | head -n 1)
[ -n "$URI" ] || fail "no Debian bookworm archive in the machine's apt sources (/etc/apt/sources.list*)"
[ -f "$KEYRING" ] || fail "$KEYRING missing (package debian-archive-keyring)"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "apt-get and dpkg-deb are needed"

rm -rf "$DIR"
mkdir -p "$DIR/etc/sources.list.d" "$DIR/etc/preferences.d" "$DIR/etc/apt.conf.d" "$DIR/state/lists/partial" \
	"$DIR/cache/archives/partial" "$DIR/debs" || fail "cannot create $DIR"
echo "deb [signed-by=$KEYRING] $URI $SUITE main" >"$DIR/etc/sources.list"
APT=(-o "Dir::Etc=$DIR/etc" -o "Dir::Etc::sourcelist=$DIR/etc/sources.list" -o "Dir::Etc::sourceparts=$DIR/etc/sources.list.d"
	-o "Dir::Etc::preferencesparts=$DIR/etc/preferences.d" -o "Dir::Etc::parts=$DIR/etc/apt.conf.d"
	-o "Dir::State=$DIR/state" -o "Dir::State::status=/var/lib/dpkg/status" -o "Dir::Cache=$DIR/cache"
	-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
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
