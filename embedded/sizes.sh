#!/bin/sh
# sshtun: what a statically linked program is made of, from its GNU ld map (-Wl,-Map=FILE), after --gc-sections:
# the bytes every kept input section adds, summed per part of the tree (util/ crypto/ transport/ channel/ ssh/
# tun/ cli/), libsodium, and the C library with the compiler's runtime; then the largest objects.
#   embedded/sizes.sh MAP [TOP]      TOP: how many objects to list (default 25)
# Columns: text (code), rodata (constants, tables, strings; .eh_frame), data (initialised, .data.rel.ro, GOT),
# bss (zeroed: takes no file space), file = text + rodata + data, about the stripped program's size less its
# headers and alignment.
set -u
map=$1
top=${2:-25}
[ -f "$map" ] || { echo "sizes: no map $map" >&2; exit 1; }

# Members of libsshtun.a appear by file name alone (ar keeps no directory): the tree's sources name their part.
dirs=$(cd "$(dirname "$0")/.." && for d in util crypto transport channel ssh tun cli; do
	for f in "$d"/*.c; do [ -f "$f" ] && echo "$(basename "$f" .c).o $d"; done
done)

objs=$(mktemp) || exit 1
trap 'rm -f "$objs"' EXIT
echo "$dirs" | awk -v objs="$objs" -v map="$map" '
function hex(s,   i, v) {
	v = 0
	s = tolower(substr(s, 3))
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
function class(sec) {
	if (sec ~ /^\.(text|init|fini|plt|iplt)$/) return "text"
	if (sec ~ /^\.(rodata|eh_frame|eh_frame_hdr|gcc_except_table|note.*)$/) return "rodata"
	if (sec ~ /^\.(data|data\.rel\.ro|got|got\.plt|init_array|fini_array|tdata|ctors|dtors)$/) return "data"
	if (sec ~ /^\.(bss|tbss)$/) return "bss"
	return ""
}
function part(file,   m, base) {
	if (file ~ /libsodium\.a\(/) return "libsodium"
	if (file ~ /libsshtun\.a\(/) {
		m = file; sub(/.*libsshtun\.a\(/, "", m); sub(/\)$/, "", m)
		return (m in dir) ? dir[m] "/" : "?"
	}
	if (file ~ /^build\//) { m = file; sub(/^build\//, "", m); sub(/\/.*/, "/", m); return m }
	return "libc+runtime"
}
function objname(file,   m) {
	m = file
	if (m ~ /libsshtun\.a\(/) { sub(/.*libsshtun\.a\(/, "", m); sub(/\)$/, "", m); return (m in dir ? dir[m] "/" : "") m }
	if (m ~ /^build\//) return substr(m, 7)
	sub(/.*\//, "", m)
	return m
}
function add(file, size,   p, c) {
	c = class(osec)
	if (c == "" || size == 0) return
	p = part(file)
	sum[p, c] += size
	parts[p] = 1
	obj[objname(file)] += (c == "bss") ? 0 : size
}
FILENAME != map { dir[$1] = $2; next }
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
/^\.[^ ]+/ { osec = $1; pend = ""; next }
/^ [.A-Za-z_*][^ ]*[ \t]*$/ && $1 !~ /^\*/ { pend = $1; next }
/^ [.A-Za-z_]/ && $1 !~ /^\*/ && NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/ { add($4, hex($3)); pend = ""; next }
/^ +0x[0-9a-f]+ +0x[0-9a-f]+ / && pend != "" { add($3, hex($2)); pend = ""; next }
{ pend = "" }
END {
	n = split("util/ crypto/ transport/ channel/ ssh/ tun/ cli/ libsodium libc+runtime ?", order, " ")
	printf "%-14s %9s %9s %9s %9s %9s\n", "part", "text", "rodata", "data", "bss", "file"
	for (i = 1; i <= n; i++) {
		p = order[i]
		if (!(p in parts)) continue
		f = sum[p, "text"] + sum[p, "rodata"] + sum[p, "data"]
		printf "%-14s %9d %9d %9d %9d %9d\n", p, sum[p, "text"], sum[p, "rodata"], sum[p, "data"], sum[p, "bss"], f
		tot_t += sum[p, "text"]; tot_r += sum[p, "rodata"]; tot_d += sum[p, "data"]
		tot_b += sum[p, "bss"]
	}
	printf "%-14s %9d %9d %9d %9d %9d\n", "total", tot_t, tot_r, tot_d, tot_b, tot_t + tot_r + tot_d
	for (o in obj) printf "%9d  %s\n", obj[o], o >objs
}
' - "$map" || exit 1
echo
echo "largest objects (text + rodata + data):"
sort -rn "$objs" | head -n "$top"
