#!/bin/bash
# sshtun: `make embedded`. Builds static, stripped sshtun programs for small systems with only what Debian
# packages provide:
#   x86_64-musl   gcc driving musl, both the C library and a static, size-optimised libsodium built here
#   aarch64       aarch64-linux-gnu-gcc (gcc-aarch64-linux-gnu; the kernel's headers from libc6-dev-arm64-cross's
#                 linux-libc-dev-arm64-cross) driving musl and libsodium built here for aarch64
# musl's and libsodium's sources are Debian's own source packages, fetched with apt into a private directory (a
# private source list, state and cache: nothing under /etc/apt changes; the archive's address is the machine's, as
# in tests/rig/openssh10.sh) and unpacked with dpkg-source. Every program and library is compiled for size (-Oz, -Os) with
# function and data sections, linked -static with --gc-sections and a linker map, and stripped.
#
#   embedded/build.sh [TARGET...]      TARGET: x86_64-musl, aarch64 (default: both)
#   EMBEDDED_SWITCHES="-DSSHTUN_AGENT=0 ..."  the parts left out (util/features.h; default: the smallest build's, below)
#   EMBEDDED_CFLAGS="-DSSHTUN_MLKEM=0 ..."   more switches for the program; README has what each saves
#                                             (SSHTUN_SMALL_CODE and SSHTUN_SODIUM_LEAN are on here: see sodium_ldflags)
#   EMBEDDED_TESTS=1                          also builds the unit tests for TARGET (tests/interop/test_embedded.sh
#                                             runs x86-64's here and aarch64's under qemu-user)
# Output, under build/embedded/ (EMBEDDED_DIR):
#   src/PACKAGE/                 Debian source packages (musl, libsodium; cmocka for the tests)
#   TARGET/sshtun                the stripped program; TARGET/sshtun.unstripped, TARGET/sshtun.map (linker map)
#   TARGET/sizes.txt             bytes per part of the tree (embedded/sizes.sh over the map)
#   TARGET/musl/                 musl built for TARGET, with its compiler wrapper bin/musl-gcc
#   TARGET/deps/                 the static libraries and headers built for TARGET against it (libsodium; cmocka)
#   TARGET/tree/build/tests/     the unit tests, with EMBEDDED_TESTS=1 (cmocka from Debian's source package too)
#   TARGET/tree/                 the copy of the source tree configured and built for TARGET
# Exit status 0 when every TARGET was built; a missing package is named with the apt-get line that installs it.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
OUT=${EMBEDDED_DIR:-$ROOT/build/embedded}
JOBS=${JOBS:-2}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SUITE=bookworm
# Size first: every object in its own sections, so that --gc-sections drops what nothing calls.
OPT="-Os -ffunction-sections -fdata-sections"
# The C library and the program are smaller still at -Oz (gcc 12: 4 KB); libsodium stays -Os, its ChaCha20 and
# Poly1305 loops being the data path's work.
OPTZ="-Oz -ffunction-sections -fdata-sections"

fail() {
	echo "embedded: $*" >&2
	exit 1
}

# ---- libsodium's source package, as Debian ships it ----

. "$ROOT/tests/rig/apt-private.sh"

# apt_setup: a private apt (source list with the machine's archive as deb-src, state, cache) under OUT/src/apt,
# updated once; sets APT, the options every apt-get call here takes.
apt_setup() {
	local apt=$OUT/src/apt uri

	apt_private "$apt"
	[ -f "$apt/.updated" ] && return 0
	command -v apt-get >/dev/null || fail "apt-get is needed to fetch Debian's source packages"
	command -v dpkg-source >/dev/null || fail "dpkg-source not found: apt-get install dpkg-dev"
	[ -f "$KEYRING" ] || fail "$KEYRING missing: apt-get install debian-archive-keyring"
	uri=$(debian_archive | head -n 1)
	[ -n "$uri" ] || fail "no Debian $SUITE archive in the machine's apt sources (/etc/apt/sources.list*)"
	rm -rf "$apt"
	mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$apt/etc/apt.conf.d" "$apt/state/lists/partial" \
		"$apt/cache/archives/partial" || fail "cannot create $apt"
	echo "deb-src [signed-by=$KEYRING] $uri $SUITE main" >"$apt/etc/sources.list"
	timeout 300 apt-get "${APT[@]}" -q update >"$apt/update.log" 2>&1 ||
		fail "apt-get update of deb-src $uri $SUITE failed: $(tail -n 1 "$apt/update.log")"
	touch "$apt/.updated"
}

# fetch_source PACKAGE: Debian's source package, unpacked with its patches; prints its directory
# (OUT/src/PACKAGE/PACKAGE-VERSION). A second run reuses it.
fetch_source() {
	local pkg=$1 dir=$OUT/src/$1 d

	for d in "$dir"/"$pkg"-*/; do
		[ -f "$dir/.unpacked" ] && [ -d "$d" ] && { echo "${d%/}"; return 0; }
	done
	apt_setup
	rm -rf "$dir"
	mkdir -p "$dir/pkg" || fail "cannot create $dir"
	# --download-only: the .dsc and its files, checked against the signed Sources index; dpkg-source unpacks.
	(cd "$dir/pkg" && timeout 300 apt-get "${APT[@]}" -q source --download-only "$pkg") >"$dir/apt-source.log" 2>&1 ||
		fail "apt-get source $pkg failed: $(tail -n 1 "$dir/apt-source.log")"
	(cd "$dir" && dpkg-source -x pkg/"$pkg"_*.dsc) >"$dir/dpkg-source.log" 2>&1 ||
		fail "dpkg-source -x $pkg failed: $(tail -n 1 "$dir/dpkg-source.log")"
	for d in "$dir"/"$pkg"-*/; do
		[ -d "$d" ] || continue
		# libsodium's orig tarball is a git snapshot without configure: Debian's rules run autoreconf too.
		if [ ! -f "$d/configure" ] && [ -f "$d/configure.ac" ]; then
			command -v autoreconf >/dev/null && command -v libtoolize >/dev/null ||
				fail "autoreconf and libtoolize not found: apt-get install autoconf automake libtool"
			(cd "$d" && autoreconf -fi) >"$dir/autoreconf.log" 2>&1 ||
				fail "autoreconf -fi in $d failed: $(tail -n 1 "$dir/autoreconf.log")"
		fi
		touch "$dir/.unpacked"
		echo "${d%/}"
		return 0
	done
	fail "no $pkg-* directory after dpkg-source -x"
}

# ---- per target ----

# target_setup TARGET: sets REALCC (the compiler musl is built with and its wrapper drives), HOSTOPT (configure's
# --host), STRIP, PKG (the packages that bring them) and CC, musl's wrapper once build_musl has made it.
target_setup() {
	case $1 in
	x86_64-musl)
		REALCC=gcc HOSTOPT='' STRIP=strip PKG="gcc linux-libc-dev" ;;
	aarch64)
		REALCC=aarch64-linux-gnu-gcc HOSTOPT=--host=aarch64-linux-gnu STRIP=aarch64-linux-gnu-strip
		PKG="gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
	*)
		fail "unknown target '$1' (x86_64-musl, aarch64)" ;;
	esac
	command -v "$REALCC" >/dev/null || fail "$1: $REALCC not found: apt-get install $PKG"
	CC=$OUT/$1/musl/bin/musl-gcc
}

# kernel_headers TARGET DIR: musl's wrapper searches musl's headers only, and the tun, rtnetlink and seccomp code
# needs the kernel's (linux/, asm/, asm-generic/ from linux-libc-dev, or linux-libc-dev-arm64-cross for aarch64):
# DIR gets links to exactly those, never to glibc's include directory as a whole.
kernel_headers() {
	local inc asm

	case $1 in
	x86_64-musl) inc=/usr/include asm=/usr/include/x86_64-linux-gnu/asm ;;
	aarch64) inc=/usr/aarch64-linux-gnu/include asm=/usr/aarch64-linux-gnu/include/asm ;;
	esac
	mkdir -p "$2" || return 1
	[ -d "$inc/linux" ] && [ -d "$asm" ] || fail "the kernel's headers for $1 are missing: apt-get install $PKG"
	ln -sfn "$inc/linux" "$2/linux" && ln -sfn "$inc/asm-generic" "$2/asm-generic" && ln -sfn "$asm" "$2/asm"
}

# build_musl TARGET: musl, the C library, from Debian's musl source package (the one musl-tools is built from), built
# for TARGET with OPT and no unwind tables: Debian's libc.a is compiled -O2 (its aligned loops and functions are a
# fifth of the program's C library), and Debian has no musl for aarch64. Installs into OUT/TARGET/musl, with the
# wrapper bin/musl-gcc (the cross compiler's or the native gcc driving musl's headers, start files and libc.a) that
# every later compile for TARGET uses as CC.
build_musl() {
	local t=$1 src b=$OUT/$1/musl-build p=$OUT/$1/musl cross="" opts

	opts="$OPTZ -fno-asynchronous-unwind-tables -fno-unwind-tables"
	[ -x "$p/bin/musl-gcc" ] && [ "$(cat "$p/.opt" 2>/dev/null)" = "$REALCC $opts" ] && return 0
	src=$(fetch_source musl) || exit 1
	# What was built against another C library goes with it.
	rm -rf "$b" "$p" "$OUT/$t/deps"
	mkdir -p "$OUT/$t" && cp -a "$src" "$b" || fail "cannot copy $src to $b"
	[ -n "$HOSTOPT" ] && cross="--target=${HOSTOPT#--host=}"
	# --disable-optimize: -Os for every part (musl's default would build malloc and the string functions -O2).
	# shellcheck disable=SC2086
	(cd "$b" && CC=$REALCC CFLAGS="$opts" ./configure --prefix="$p" $cross --disable-shared --disable-optimize \
		--enable-wrapper=gcc --syslibdir="$p/lib") >"$b/configure.log" 2>&1 ||
		fail "$t: musl's configure failed (see $b/configure.log): $(tail -n 1 "$b/configure.log")"
	nice -n 19 make -C "$b" -j"$JOBS" install >"$b/make.log" 2>&1 ||
		fail "$t: building musl failed (see $b/make.log): $(grep -m1 -i error "$b/make.log")"
	echo "$REALCC $opts" >"$p/.opt"
}

# libsodium's configure options: static only; --disable-asm leaves out the assembly X25519 (sandy2x, 20 KB) and
# Salsa20, used by the key exchange once per connection and never. ChaCha20's and Poly1305's SIMD code is C and
# stays, but --disable-asm also skips configure's cpuid check, and without HAVE_CPUID libsodium sees no CPU
# feature and runs the portable code: sodium_cflags defines it for x86-64 (the XGETBV that AVX2 needs comes with
# the assembly only, so it is SSSE3 ChaCha20 and SSE2 Poly1305, chosen at run time). No --enable-minimal:
# it would also leave out crypto_scalarmult_ed25519* and crypto_core_ed25519_*, which the SSHTUN_SMALL_CODE signing
# in crypto/ed25519.c needs; all the rest it would leave out is never called, and --gc-sections drops it anyway.
# SODIUM_OPTS="..." replaces them (to measure).
SODIUM_OPTS=${SODIUM_OPTS:---disable-shared --enable-static --disable-pie --disable-asm}
# sodium_cflags TARGET: libsodium is compiled like the program, with no unwind tables either (its .eh_frame was
# 7 KB of the program; nothing unwinds), and HAVE_CPUID on x86-64 (above).
sodium_cflags() {
	local f="$OPT -fno-asynchronous-unwind-tables -fno-unwind-tables"

	# Its AVX2 and AVX-512 code can never be chosen here (their check needs the XGETBV that comes with the
	# assembly only): -U after configure's -D compiles it out of the picks, 6 KB of the program.
	[ "$1" = x86_64-musl ] && f="$f -DHAVE_CPUID=1 -UHAVE_AVX2INTRIN_H -UHAVE_AVX512FINTRIN_H"
	echo "$f"
}

# build_sodium TARGET: a static libsodium in OUT/TARGET/deps (the prefix of every library built here for TARGET).
build_sodium() {
	local t=$1 b=$OUT/$1/sodium-build cflags

	cflags=$(sodium_cflags "$t")
	[ -f "$OUT/$t/deps/lib/libsodium.a" ] && [ -f "$OUT/$t/deps/.opt" ] &&
		[ "$(cat "$OUT/$t/deps/.opt")" = "$cflags $SODIUM_OPTS $SRC" ] && return 0
	rm -rf "$b" "$OUT/$t/deps"
	mkdir -p "$b" || fail "cannot create $b"
	# shellcheck disable=SC2086
	(cd "$b" && "$SRC/configure" $HOSTOPT CC="$CC" CFLAGS="$cflags" LDFLAGS=-static \
		--prefix="$OUT/$t/deps" $SODIUM_OPTS) \
		>"$b/configure.log" 2>&1 ||
		fail "$t: libsodium's configure failed (see $b/configure.log): $(tail -n 1 "$b/configure.log")"
	nice -n 19 make -C "$b" -j"$JOBS" install >"$b/make.log" 2>&1 ||
		fail "$t: building libsodium failed (see $b/make.log): $(grep -m1 -i error "$b/make.log")"
	echo "$cflags $SODIUM_OPTS $SRC" >"$OUT/$t/deps/.opt"
}

# cmocka.h declares uintptr_t itself unless told that stdint.h has one, guessing its width from glibc's macros; with
# musl for aarch64 it guesses 32 bits and the two declarations conflict. Given to cmocka and to every compile of the
# tree (the unit tests include cmocka.h; nothing else looks at it).
CMOCKA_DEF=-D_UINTPTR_T_DEFINED

# build_cmocka TARGET: a static cmocka in OUT/TARGET/deps from Debian's cmocka source package (cmake), for the unit
# tests (EMBEDDED_TESTS=1).
build_cmocka() {
	local t=$1 src b=$OUT/$1/cmocka-build p=$OUT/$1/deps

	[ -f "$p/lib/libcmocka.a" ] && return 0
	command -v cmake >/dev/null || fail "cmake not found: apt-get install cmake"
	src=$(fetch_source cmocka) || exit 1
	rm -rf "$b"
	mkdir -p "$b" || fail "cannot create $b"
	(cd "$b" && cmake -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR="${t%%-*}" -DCMAKE_C_COMPILER="$CC" \
		-DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$OPT $CMOCKA_DEF" -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF \
		-DCMAKE_INSTALL_PREFIX="$p" -DCMAKE_INSTALL_LIBDIR=lib "$src") >"$b/cmake.log" 2>&1 ||
		fail "$t: cmocka's cmake failed (see $b/cmake.log)"
	nice -n 19 make -C "$b" -j"$JOBS" install >"$b/make.log" 2>&1 || fail "$t: building cmocka failed (see $b/make.log)"
	# The static library only: under -static, -lcmocka must find it and no shared one.
	rm -f "$p"/lib/libcmocka.so*
	ln -sf libcmocka-static.a "$p/lib/libcmocka.a"
}

# build_tests TARGET: the unit tests (tests/unit/test_*.c) for TARGET in its tree, linked as the program is (but
# without the map, which stays the program's).
build_tests() {
	local t=$1 d=$OUT/$1 tree=$OUT/$1/tree targets

	grep -q '^HAVE_CMOCKA = 1' "$tree/config.mk" || fail "$t: configure did not find the cross-built cmocka"
	targets=$(cd "$tree" && for f in tests/unit/test_*.c; do f=${f#tests/unit/}; echo "build/tests/${f%.c}"; done)
	# shellcheck disable=SC2086
	nice -n 19 make -C "$tree" -j"$JOBS" $targets LDFLAGS="-static -Wl,--gc-sections $(sodium_ldflags)" \
		>"$d/make-tests.log" 2>&1 ||
		fail "$t: building the unit tests failed (see $d/make-tests.log): $(grep -m1 -E 'error|undefined' "$d/make-tests.log")"
}

# The smallest build's parts (issue 17): what a router does without is left out, each refused by name when a
# configuration asks for it (README, "Build switches"): ssh-agent, ssh_config Match and Include (Include alone
# links the C library's glob, fnmatch and wide-character tables, ~20 KB), ProxyJump (ProxyCommand stays), -G, the
# tunnel's DNS (LocalCommand gets the servers in SSHTUN_DNS), certificates, passphrase-protected key files (a
# device's key has nobody to type one), TunnelSeccomp (off unless asked for, like the kill switch, which needs
# libnftables), and libsodium's x86 SIMD ChaCha20 and Poly1305 (the portable code runs, as it always does on
# aarch64; see util/features.h, SSHTUN_SODIUM_SIMD). EMBEDDED_SWITCHES="..." replaces the list ("" for a program
# with every part); EMBEDDED_CFLAGS adds to it.
SWITCHES=${EMBEDDED_SWITCHES-"-DSSHTUN_AGENT=0 -DSSHTUN_CONFIG_MATCH=0 -DSSHTUN_CONFIG_INCLUDE=0 -DSSHTUN_JUMP=0
-DSSHTUN_CONFIG_GET=0 -DSSHTUN_DNS=0 -DSSHTUN_CERT=0 -DSSHTUN_KEY_ENCRYPTED=0 -DSSHTUN_SECCOMP=0
-DSSHTUN_SODIUM_SIMD=0"}

# configure_flags: the flags this tree's configure understands for a libsodium-only program without the optional
# libraries (no libcrypto, zlib, libnftables, libnm) and without the change of user (a router's program runs as
# root; --user is refused by name, and so is running through sudo without --user root).
configure_flags() {
	local help f out=""

	help=$(./configure --help)
	for f in --without-openssl --without-zlib --without-nftables --without-networkmanager --without-gtk \
		--without-privdrop; do
		case $help in *"$f"*) out="$out $f" ;; esac
	done
	echo "$out"
}

# sodium_ldflags: with SSHTUN_SODIUM_LEAN (unless EMBEDDED_CFLAGS turns it off), libsodium's own calls of its
# fixed-base multiplication go to crypto/x25519.c's stand-in, so that --gc-sections can drop its 30 KB table, kept
# otherwise by crypto_scalarmult_curve25519's table of functions (see crypto/x25519.c), and its sodium_misuse goes
# to crypto/util.c's (see there).
sodium_ldflags() {
	case " ${EMBEDDED_CFLAGS:-} " in
	*" -DSSHTUN_SODIUM_LEAN=0 "*) ;;
	*) echo "-Wl,--wrap=ge25519_scalarmult_base -Wl,--wrap=sodium_misuse" ;;
	esac
}

# build_sshtun TARGET: configures a copy of the tree (configure and make build in place) against OUT/TARGET/deps
# alone, builds the program with OPT, -static and --gc-sections, keeps the linker map and strips.
build_sshtun() {
	local t=$1 d=$OUT/$1 tree=$OUT/$1/tree flags cflags ldflags

	rm -rf "$tree"
	mkdir -p "$tree" || fail "cannot create $tree"
	tar -C "$ROOT" --exclude=./.git --exclude=./build --exclude=./config.mk --exclude=./config.h \
		--exclude=./Makefile --exclude=./sshtun --exclude=./libsshtun.a --exclude=./libsshtun.so \
		--exclude='./libsshtun.so.*' -cf - . | tar -C "$tree" -xf - || fail "cannot copy the tree to $tree"
	flags=$(configure_flags)
	# Without zlib in the target's libraries compression must be off; no unwind tables (nothing unwinds: C only).
	# -fno-PIC after the Makefile's -fPIC: a static program needs no position-independent code (4 KB less).
	# Size over speed in the Ed25519 and X25519 code, and of the static libsodium only what sshtun needs
	# (util/features.h: SSHTUN_SMALL_CODE, SSHTUN_SODIUM_LEAN; the unit tests are built with them too).
	cflags="$OPTZ -fno-PIC -fno-asynchronous-unwind-tables -fno-unwind-tables -DSSHTUN_ZLIB=0 $CMOCKA_DEF"
	# A printf of our own in place of musl's (its vfprintf is ~9 KB): static -fno-PIC programs only (util/features.h).
	cflags="$cflags -DSSHTUN_SMALL_CODE=1 -DSSHTUN_SODIUM_LEAN=1 -DSSHTUN_SMALL_PRINTF=1"
	cflags="$cflags $(echo $SWITCHES) ${EMBEDDED_CFLAGS:-}"
	cflags="$cflags -isystem $d/kinclude"
	# -z noseparate-code: code and constants share a segment, without the page of padding around each (8 KB).
	# -z norelro: nothing makes a static musl program's relocated data read-only (no dynamic linker runs; strace
	# shows no mprotect), and aligning that region's end to a page padded the file by up to 4 KB.
	# -z common-page-size=64: ld otherwise starts the data at a page boundary of the file whenever that saves a
	# page of memory, padding the file by up to a page; the data's pages in memory are the same either way.
	ldflags="-static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code -Wl,-z,norelro"
	ldflags="$ldflags -Wl,-z,common-page-size=64 $(sodium_ldflags)"
	# PKG_CONFIG_LIBDIR: the libraries built for the target only, never the build machine's .pc files.
	# shellcheck disable=SC2086
	(cd "$tree" && PKG_CONFIG_LIBDIR=$d/deps/lib/pkgconfig ./configure $HOSTOPT $flags CC="$CC" \
		CFLAGS="$cflags" LDFLAGS="$ldflags" PKG_CONFIG=pkg-config) >"$d/configure.log" 2>&1 ||
		fail "$t: sshtun's configure failed (see $d/configure.log): $(tail -n 1 "$d/configure.log")"
	nice -n 19 make -C "$tree" -j"$JOBS" sshtun LDFLAGS="$ldflags -Wl,-Map=$d/sshtun.map" >"$d/make.log" 2>&1 ||
		fail "$t: building sshtun failed (see $d/make.log): $(grep -m1 -E 'error|undefined' "$d/make.log")"
	cp "$tree/sshtun" "$d/sshtun.unstripped" && $STRIP -s -R .comment -o "$d/sshtun" "$d/sshtun.unstripped" ||
		fail "$t: $STRIP failed"
	sh "$ROOT/embedded/sizes.sh" "$d/sshtun.map" 40 >"$d/sizes.txt" || fail "$t: embedded/sizes.sh failed"
}

[ $# -gt 0 ] || set -- x86_64-musl aarch64
for t in "$@"; do target_setup "$t"; done
apt_setup
SRC=$(fetch_source libsodium) || exit 1
for t in "$@"; do
	target_setup "$t"
	build_musl "$t"
	kernel_headers "$t" "$OUT/$t/kinclude" || fail "cannot link the kernel's headers into $OUT/$t/kinclude"
	build_sodium "$t"
	[ "${EMBEDDED_TESTS:-0}" = 1 ] && build_cmocka "$t"
	build_sshtun "$t"
	[ "${EMBEDDED_TESTS:-0}" = 1 ] && build_tests "$t"
	echo "$t: $OUT/$t/sshtun: $(stat -c %s "$OUT/$t/sshtun") bytes, stripped (parts: $OUT/$t/sizes.txt)"
done
