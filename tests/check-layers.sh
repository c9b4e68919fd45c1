#!/bin/sh
# sshtun: the layer rule, checked on #include lines.
# Layers call downward only: cli -> ssh -> channel -> transport -> crypto -> util; tun is a leaf over util;
# cli/ includes only the public headers (include/sshtun.h, sshtun_err.h) and its own; nm/ (NetworkManager's VPN
# service, a separate program) includes of ours only the public headers, nothing of any layer nor of cli/.
# Fails if a file includes a header from a layer it may not call.
cd "$(dirname "$0")/.." || exit 1
allowed() {
	case $1 in
	util) echo "util" ;;
	crypto) echo "util crypto" ;;
	transport) echo "util crypto transport" ;;
	channel) echo "util crypto transport channel" ;;
	tun) echo "util tun" ;;
	ssh) echo "util crypto transport channel ssh tun" ;;
	cli) echo "cli" ;;	# the CLI is a client of the public API (include/) only
	esac
}
bad=0
for dir in util crypto transport channel tun ssh cli; do
	ok=$(allowed $dir)
	for f in $dir/*.c $dir/*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | sort -u); do
			case " $ok " in
			*" $inc "*) ;;
			*) echo "check-layers: $f includes $inc/, but $dir/ may only call: $ok" >&2; bad=1 ;;
			esac
		done
	done
done
# nm/: every quoted include is a public header.
for f in nm/*.c nm/*.h; do
	[ -f "$f" ] || continue
	for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | sort -u); do
		case $inc in
		sshtun.h | sshtun_err.h) ;;
		*) echo "check-layers: $f includes \"$inc\", but nm/ may only include the public sshtun.h and sshtun_err.h" >&2; bad=1 ;;
		esac
	done
done
[ $bad = 0 ] && echo "check-layers: ok"
exit $bad
