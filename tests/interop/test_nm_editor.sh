#!/bin/bash
# sshtun: interop: the connection editor's page (nm/nm-sshtun-editor.c, build/nm/libnm-vpn-plugin-sshtun-editor.so)
# in a real GTK. build/interop/nm_editor_check loads the module with dlopen as the editor plugin does, shows its
# page in a window, checks the fields show a connection's vpn.data, that edits emit "changed", what
# update_connection writes (emptied fields removed, secrets and their flags) and what it refuses, naming the field.
# It runs under Xvfb (xvfb-run -a, -nolisten tcp) in a network namespace of its own (unshare -n): the X server
# listens on a unix socket only, and nothing touches the host's interfaces. Also: the module exports only
# nm_vpn_editor_factory_sshtun, and GLib/GTK print no critical warnings.
#   NM_EDITOR_MODULE=FILE  the module to check (default: the build's)
# Needs: xvfb xauth (xvfb-run), libgtk-3-dev libnma-dev at build time. Prints "ok - NAME" / "not ok - NAME".
cd "$(dirname "$0")/../.." || exit 1
MOD=${NM_EDITOR_MODULE:-$PWD/build/nm/libnm-vpn-plugin-sshtun-editor.so}
CHECK=$PWD/build/interop/nm_editor_check
PASSED=0
FAILED=0

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

done_() {
	echo "# summary: $PASSED ok, $FAILED not ok"
	[ "$FAILED" = 0 ]
	exit
}

missing=
for p in xvfb-run:xvfb Xvfb:xvfb xauth:xauth unshare:util-linux nm:binutils; do
	command -v "${p%%:*}" >/dev/null 2>&1 || case " $missing " in
		*" ${p#*:} "*) ;;
		*) missing="$missing ${p#*:}" ;;
		esac
done
if [ -n "$missing" ]; then
	not_ok "nm editor: tools missing (apt-get install$missing)"
	done_
fi
# The build's module only where this configuration builds it (not one left from an earlier configuration).
if [ -z "${NM_EDITOR_MODULE:-}" ] && ! grep -q '^HAVE_NMA = 1' config.mk 2>/dev/null; then
	MOD=
fi
if [ ! -f "$MOD" ] || [ ! -x "$CHECK" ]; then
	if grep -q '^HAVE_NMA = 1' config.mk 2>/dev/null; then
		not_ok "nm editor: $MOD or $CHECK not built (make all tests)"
	else
		not_ok "nm editor: the page is not built: configure left it out (--without-gtk, or no GTK 3 or libnma: apt-get install libgtk-3-dev libnma-dev, then ./configure and make all tests)"
	fi
	done_
fi

# Only the factory is exported: the editor plugin looks up nothing else, and nothing of GTK's or ours leaks out.
syms=$(nm -D --defined-only "$MOD" | awk '$3 !~ /^(_edata|_end|__bss_start|_init|_fini)$/ { print $3 }')
if [ "$syms" = nm_vpn_editor_factory_sshtun ]; then
	ok "nm editor: the module exports nm_vpn_editor_factory_sshtun and nothing else"
else
	not_ok "nm editor: the module exports nm_vpn_editor_factory_sshtun and nothing else"
	printf '%s\n' "$syms" | head -n 10 | sed 's/^/# exported: /'
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-nmeditor.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
# A sanitizer build: fontconfig (under GTK) keeps its caches until exit, which LeakSanitizer would report as the
# module's; leaks of the module, GTK or libnm still fail the run.
echo 'leak:libfontconfig.so' >"$T/lsan.supp"

# SSHTUN_NM_EDITOR_RUN marks the processes of this run: xvfb-run signals its Xvfb to end but does not wait for it.
NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory GDK_BACKEND=x11 LSAN_OPTIONS="suppressions=$T/lsan.supp:print_suppressions=0" \
	HOME=$T XDG_RUNTIME_DIR=$T SSHTUN_NM_EDITOR_RUN=$T timeout -k 5 120 \
	unshare -n xvfb-run -a -s "-nolisten tcp -screen 0 1024x768x24" "$CHECK" "$MOD" >"$T/out" 2>"$T/err"
rc=$?
ours() {
	grep -lz "^SSHTUN_NM_EDITOR_RUN=$T\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -z "$(ours)" ] && break
	sleep 0.5
done
left=$(ours)
if [ -n "$left" ]; then
	not_ok "nm editor: Xvfb and the check ended with the run (left: $(echo $left))"
	# shellcheck disable=SC2086
	kill -KILL $left 2>/dev/null
fi
cat "$T/out"
oks=$(grep -c '^ok - ' "$T/out")
noks=$(grep -c '^not ok - ' "$T/out")
PASSED=$((PASSED + oks))
FAILED=$((FAILED + noks))
if ! grep -q '^# nm_editor_check: [0-9]* ok' "$T/out"; then
	not_ok "nm editor: nm_editor_check ran to its end (exit status $rc after $oks ok, $noks not ok)"
	tail -n 20 "$T/err" | sed 's/^/# /'
elif [ $rc != 0 ] && [ "$noks" = 0 ]; then
	not_ok "nm editor: nm_editor_check ended with status $rc (a sanitizer report?)"
	tail -n 30 "$T/err" | sed 's/^/# /'
fi
if grep -q -e '-CRITICAL \*\*' -e '-WARNING \*\*' "$T/err"; then
	not_ok "nm editor: no GLib/GTK warnings or criticals"
	grep -e '-CRITICAL \*\*' -e '-WARNING \*\*' "$T/err" | head -n 10 | sed 's/^/# /'
else
	ok "nm editor: no GLib/GTK warnings or criticals"
fi
done_
