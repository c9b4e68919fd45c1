#!/bin/sh
# sshtun: the library's ABI as an embedder meets it. Run from a built tree (make all), root not needed:
#   - libsshtun.so.1 carries its soname, and exports exactly include/sshtun.symbols (sshtun_* under SSHTUN_1);
#   - make install DESTDIR=scratch puts the library, the header, sshtun.pc and sshtun(3) where they belong;
#   - examples/poll_loop.c builds with `pkg-config --cflags --libs sshtun` against the installed copy (shared,
#     and with --static), and runs, loading the installed libsshtun.so.1.
# Prints "ok - NAME" / "not ok - NAME" per check; exit status 1 if any failed.
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - abi: $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - abi: $*"; }
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
		printf '%s\n' "$out" | tail -n 8 | sed 's/^/#   /'
	fi
}
CC=${CC:-cc}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/sshtun-abi.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM

exported() {
	readelf --dyn-syms -W "$1" | awk '$5 == "GLOBAL" && $7 != "UND" && $8 ~ /@/ { print $8 }' | sort
}
check "soname libsshtun.so.1" sh -c "readelf -d libsshtun.so.1 | grep -q 'Library soname: \[libsshtun.so.1\]'"
exported libsshtun.so.1 >"$scratch/exported"
check "exported symbols are include/sshtun.symbols (sshtun_* under SSHTUN_1, nothing else)" \
	diff -u include/sshtun.symbols "$scratch/exported"
check "every exported name is sshtun_*" sh -c "! grep -v '^sshtun_[a-z0-9_]*@@SSHTUN_1\$' '$scratch/exported'"

root=$scratch/root
check "make install DESTDIR" make -s install DESTDIR="$root" PREFIX=/usr
lib=$root/usr/lib
check "installed: libsshtun.so.1, the libsshtun.so link, libsshtun.a, sshtun.h, sshtun_err.h, sshtun.pc, sshtun.3" sh -c "
	test -f '$lib/libsshtun.so.1' && test \"\$(readlink '$lib/libsshtun.so')\" = libsshtun.so.1 &&
	test -f '$lib/libsshtun.a' && test -f '$root/usr/include/sshtun.h' && test -f '$root/usr/include/sshtun_err.h' &&
	test -f '$lib/pkgconfig/sshtun.pc' && test -f '$root/usr/share/man/man3/sshtun.3'"

# pkg-config as a program's build would call it, pointed into the scratch root.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$root"
flags=$(pkg-config --cflags --libs sshtun 2>&1)
check "pkg-config sshtun: $flags" sh -c "pkg-config --exists sshtun && pkg-config --modversion sshtun | grep -q '^[0-9]'"
# Sanitizer builds: the example links the same runtime.
san=$(sed -n 's/^SAN_FLAGS = //p' config.mk 2>/dev/null | sed 's/fuzzer-no-link,//')
# shellcheck disable=SC2086
check "examples/poll_loop.c builds with pkg-config (-std=c11 -Wall -Wextra -Werror)" \
	$CC -std=c11 -Wall -Wextra -Werror $san -o "$scratch/poll_loop" examples/poll_loop.c $flags
check "it loads the installed libsshtun.so.1" sh -c \
	"LD_LIBRARY_PATH='$lib' ldd '$scratch/poll_loop' | grep -q 'libsshtun.so.1 => $lib/libsshtun.so.1'"
check "it runs against it (usage and the library's key exchange methods, exit 2)" sh -c \
	"LD_LIBRARY_PATH='$lib' ASAN_OPTIONS=detect_leaks=0 '$scratch/poll_loop' 2>&1 | grep -q 'key exchange methods: .*curve25519-sha256';
	 LD_LIBRARY_PATH='$lib' ASAN_OPTIONS=detect_leaks=0 '$scratch/poll_loop' >/dev/null 2>&1; test \$? = 2"
sflags=$(pkg-config --cflags --libs --static sshtun 2>&1)
# shellcheck disable=SC2086
check "examples/poll_loop.c links statically with pkg-config --static" \
	$CC -std=c11 $san -o "$scratch/poll_loop_static" examples/poll_loop.c -Wl,-Bstatic -lsshtun -Wl,-Bdynamic \
	-L"$lib" $(echo "$sflags" | sed 's/-lsshtun//')
check "the static one needs no libsshtun.so" sh -c "test -x '$scratch/poll_loop_static' && ! ldd '$scratch/poll_loop_static' | grep -q libsshtun"
echo "# abi: $passed ok, $failed not ok"
[ "$failed" = 0 ]
