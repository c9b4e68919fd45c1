#!/bin/bash
# sshtun: interop: sshtun without root. With the file capability (setcap cap_net_admin+ep, as make install-caps
# sets it) an ordinary user gets a fully configured tunnel, and /proc shows the user's uid and CAP_NET_ADMIN alone.
# With neither root nor the capability, on a persistent device root made for the user (ip tuntap add ... user,
# the seed's non-root setup), sshtun uses the device as root set it up and says what it could not set.
# Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
. tests/rig/rig.sh

rig_check || exit 1
SSHTUN=${SSHTUN:-$PWD/sshtun}
[ -x "$SSHTUN" ] || { echo "not ok - sshtun binary: $SSHTUN not built (run make)"; exit 1; }
command -v setcap >/dev/null || { echo "not ok - setcap: missing (apt-get install libcap2-bin)"; exit 1; }
command -v setpriv >/dev/null || { echo "not ok - setpriv: missing (util-linux)"; exit 1; }

rig_up || exit 1
# nobody's own copy of what it needs, in a directory it can reach.
chmod 711 "$RIG_DIR"
U=$RIG_DIR/nobody
mkdir -p "$U/.ssh"
cp "$SSHTUN" "$U/sshtun-caps"
cp "$SSHTUN" "$U/sshtun-plain"
cp "$RIG_KEY" "$U/.ssh/id_ed25519"
cp "$RIG_KNOWN_HOSTS" "$U/.ssh/known_hosts"
sed -e "s|IdentityFile .*|IdentityFile $U/.ssh/id_ed25519|" -e "s|UserKnownHostsFile .*|UserKnownHostsFile $U/.ssh/known_hosts|" \
	"$RIG_SSH_CONFIG" >"$U/ssh_config"
chown -R nobody:nogroup "$U"
chmod 755 "$U"
setcap cap_net_admin+ep "$U/sshtun-caps"	# after chown, which drops file capabilities
# Debian's udev makes /dev/net/tun 0666; where it is 0600 (no udev), the test sees a 0666 node of its own in a
# mount namespace of its own, so the host's /dev is not changed.
mknod -m 666 "$RIG_DIR/net-tun" c 10 200
# Run in the background only: it execs, so $! is the program's own pid.
as_nobody() {
	exec ip netns exec "$RIG_NS_C" unshare -m sh -c 'mount --bind "$0" /dev/net/tun && exec "$@"' "$RIG_DIR/net-tun" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$U" ASAN_OPTIONS=detect_leaks=0 "$@"
}

# ---- 1. The file capability.
as_nobody "$U/sshtun-caps" -F "$U/ssh_config" -w any -o TunnelAddress=198.18.96.2/32 -o TunnelPeer=198.18.96.1 \
	"$RIG_TARGET" >"$RIG_DIR/caps.log" 2>&1 &
pid=$!
RIG_BG_PIDS="$RIG_BG_PIDS $pid"
if rig_wait 20 rig_is_up caps && rig_tun_server_end 198.18.96.1 198.18.96.2; then
	tap_ok "file capability: an ordinary user's tunnel is up"
	st=$(pgrep -x sshtun-caps | head -n 1)
	tap_check "file capability: /proc shows uid nobody and CAP_NET_ADMIN alone (CapEff 0000000000001000)" sh -c \
		"grep -q \"^Uid:[[:space:]]*$(id -u nobody)[[:space:]]\" /proc/$st/status &&
		 grep -q '^CapEff:[[:space:]]*0000000000001000' /proc/$st/status"
	tap_check "file capability: the device configured by sshtun itself" sh -c \
		"ip netns exec $RIG_NS_C ip -o addr show | grep -q 'inet 198.18.96.2 peer 198.18.96.1'"
	tap_check "file capability: ping through the tunnel" rig_client ping -c 2 -W 2 198.18.96.1
	rig_stop "$pid"
	tap_check "file capability: stopped cleanly, the device gone" test -z "$(rig_devs "$RIG_NS_C" tun)"
else
	tap_not_ok "file capability: an ordinary user's tunnel is up"
	tail -n 10 "$RIG_DIR/caps.log" | tap_diag
	rig_kill "$pid"
fi

# ---- 2. No root, no capability: a persistent device root made for nobody.
rig_client ip tuntap add dev tun7 mode tun user nobody
rig_client ip addr add 198.18.97.2 peer 198.18.97.1 dev tun7
rig_client ip link set tun7 up
before=$(rig_client_state)
as_nobody "$U/sshtun-plain" -F "$U/ssh_config" -w 7 -o TunnelAddress=198.18.97.2/32 -o TunnelPeer=198.18.97.1 \
	"$RIG_TARGET" >"$RIG_DIR/plain.log" 2>&1 &
pid=$!
RIG_BG_PIDS="$RIG_BG_PIDS $pid"
if rig_wait 20 rig_is_up plain && rig_tun_server_end 198.18.97.1 198.18.97.2; then
	tap_ok "user-owned device: tunnel up without root or the capability"
	tap_check "user-owned device: says what it could not set and how to get it set" grep -q \
		"no CAP_NET_ADMIN: tun7 is used as it was set up; not set: address 198.18.97.2/32.*setcap cap_net_admin+ep" \
		"$RIG_DIR/plain.log"
	tap_check "user-owned device: ping through the tunnel (root's configuration)" rig_client ping -c 2 -W 2 198.18.97.1
	rig_stop "$pid"
	after=$(rig_client_state)
	tap_check "user-owned device: after stop the device is as root left it" diff <(echo "$before") <(echo "$after")
else
	tap_not_ok "user-owned device: tunnel up"
	tail -n 10 "$RIG_DIR/plain.log" | tap_diag
	rig_kill "$pid"
fi
rig_down
tap_done
