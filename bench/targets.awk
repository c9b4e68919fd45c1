# sshtun: checks a bench.sh table (markdown, on stdin or as a file) against the data-path targets and prints
# how many hold and which were missed. The ratios are compared as printed in the table.
#   MTU <= 1500: download throughput >= 1.5 times ssh's; upload >= 0.95 of ssh's (at MTU 1500 an upload is
#                bounded by sshd itself, one tun write per datagram at 96-100% of a core: the 1.5 target there
#                was withdrawn); CPU per GiB <= 0.33 of ssh's, RTT under load (median and p99) no worse than ssh's
#   larger MTU:  throughput >= 1.3 times ssh's, CPU per GiB <= 0.5 of ssh's
#   "defaults":  each client as it comes (ssh -w at MTU 1500, sshtun with sshtun-server's defaults):
#                throughput >= 4 times ssh's both ways
# Columns: | cipher | MTU | dir | ssh Mbit/s | sshtun Mbit/s | ratio | ssh CPU | sshtun CPU | ratio | ssh RTT idle |
#          sshtun RTT idle | ssh RTT load | sshtun RTT load | crypto | [sshd % of a core: ssh / sshtun |]
#          (rows of any other shape are skipped). A missed throughput target with sshd at SERVER_BOUND% of a
#          core or more while sshtun ran says so: there the server, not the client, set the speed.
BEGIN { SERVER_BOUND = 95 }
BEGIN { FS = "|"; held = 0; total = 0 }

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
function check(what, v, op, limit, why,    ok) {
	total++
	ok = num(v) && num(limit) && ((op == ">=" && v + 0 >= limit + 0) || (op == "<=" && v + 0 <= limit + 0))
	if (ok) {
		held++
	} else {
		missed = missed "- missed: " what ": " v " (target " op " " limit ")" why "\n"
	}
}

(NF == 16 || NF == 17) && trim($3) == "defaults" {
	check(trim($2) " defaults " trim($4) " throughput ratio", trim($7), ">=", "4", "")
	next
}

(NF == 16 || NF == 17) && trim($3) ~ /^[0-9]+$/ {
	name = trim($2) " MTU " trim($3) " " trim($4)
	small = trim($3) + 0 <= 1500
	why = ""
	if (NF == 17) {
		split(trim($16), d, / \/ /)
		if (num(d[2]) && d[2] + 0 >= SERVER_BOUND) {
			why = "; sshd at " d[2] "% of a core with sshtun: the server is the limit"
		}
	}
	check(name " throughput ratio", trim($7), ">=", small ? (trim($4) == "up" ? "0.95" : "1.5") : "1.3", why)
	check(name " CPU ratio", trim($10), "<=", small ? "0.33" : "0.5", "")
	if (small) {
		split(trim($13), s, / \/ /)
		split(trim($14), t, / \/ /)
		check(name " RTT under load median (ms)", t[1], "<=", s[1], "")
		check(name " RTT under load p99 (ms)", t[2], "<=", s[2], "")
	}
}

END {
	if (total == 0) {
		exit
	}
	print "Targets (MTU 1500: download >= 1.5 times ssh's, upload >= 0.95 (sshd's ceiling), CPU per GiB <= 0.33 of"
	print "it, RTT under load median and p99 no worse; larger MTUs: >= 1.3 and <= 0.5; sshtun-server's defaults"
	print "against ssh -w's: >= 4 both ways): " held " of " total " hold."
	if (missed != "") {
		printf "\n%s", missed
	}
}
