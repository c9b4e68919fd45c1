# sshtun: an apt of its own, for what the tests and the embedded builds fetch from Debian (sourced by
# tests/rig/openssh10.sh and embedded/build.sh). Nothing under /etc/apt changes: the source list, state and
# cache live under a directory of the caller's; the archive's address is the one the machine's apt uses.
#   debian_archive     prints the URI of the machine's Debian bookworm archive (the first source whose suite is
#                      bookworm and that has main: deb822 .sources files, then sources.list lines); nothing if none
#   apt_private DIR    sets APT, the options every apt-get call takes to use DIR/etc (sources.list there),
#                      DIR/state and DIR/cache, with dpkg's real status (what is installed) and no locking

debian_archive() {
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

apt_private() {
	local d=$1

	# shellcheck disable=SC2034  # APT is for the sourcing script
	APT=(-o "Dir::Etc=$d/etc" -o "Dir::Etc::sourcelist=$d/etc/sources.list" -o "Dir::Etc::sourceparts=$d/etc/sources.list.d"
		-o "Dir::Etc::preferencesparts=$d/etc/preferences.d" -o "Dir::Etc::parts=$d/etc/apt.conf.d"
		-o "Dir::State=$d/state" -o "Dir::State::status=/var/lib/dpkg/status" -o "Dir::Cache=$d/cache"
		-o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
}
