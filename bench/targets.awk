# sshtun: checks a bench.sh table (markdown, on stdin or as a file) against the data-path targets and prints
# how many hold and which were missed. The ratios are compared as printed in the table.
#   MTU <= 1500: throughput >= 1.5 times ssh's, CPU per GiB <= 0.33 of ssh's, RTT under load (median and p99)
#                no worse than ssh's
#   larger MTU:  throughput >= 1.3 times ssh's, CPU per GiB <= 0.5 of ssh's
# Columns: | cipher | MTU | dir | ssh Mbit/s | sshtun Mbit/s | ratio | ssh CPU | sshtun CPU | ratio | ssh RTT idle |
#          sshtun RTT idle | ssh RTT load | sshtun RTT load | crypto |  (rows of any other shape are skipped)
BEGIN { FS = "|"; held = 0; total = 0 }

function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
function check(what, v, op, limit,    ok) {
	total++
	ok = num(v) && num(limit) && ((op == ">=" && v + 0 >= limit + 0) || (op == "<=" && v + 0 <= limit + 0))
	if (ok) {
		held++
	} else {
		missed = missed "- missed: " what ": " v " (target " op " " limit ")\n"
	}
}

NF == 16 && trim($3) ~ /^[0-9]+$/ {
	name = trim($2) " MTU " trim($3) " " trim($4)
	small = trim($3) + 0 <= 1500
	check(name " throughput ratio", trim($7), ">=", small ? "1.5" : "1.3")
	check(name " CPU ratio", trim($10), "<=", small ? "0.33" : "0.5")
	if (small) {
		split(trim($13), s, / \/ /)
		split(trim($14), t, / \/ /)
		check(name " RTT under load median (ms)", t[1], "<=", s[1])
		check(name " RTT under load p99 (ms)", t[2], "<=", s[2])
	}
}

END {
	if (total == 0) {
		exit
	}
	print "Targets (MTU 1500: throughput >= 1.5 times ssh's, CPU per GiB <= 0.33 of it, RTT under load median"
	print "and p99 no worse; larger MTUs: >= 1.3 and <= 0.5): " held " of " total " hold."
	if (missed != "") {
		printf "\n%s", missed
	}
}
