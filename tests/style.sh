#!/bin/sh
# krbscope - the mechanical rules of STYLE.md, one TAP line per C file:
# at most 80 columns (tabs 8 wide), indentation by tabs, no trailing
# blanks, an SPDX licence line in the header, config.h included first in
# .c files, and no assert() in code that reads packets.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top_srcdir" || exit 1
n=0
for f in src/*.[ch] dissectors/*.c tests/unit/*.[ch] tests/fuzz/*.c \
    tests/bench/*.c; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	msg=$(awk -v f="$f" '
	{
		line = $0
		col = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			col = (c == "\t") ? (int(col / 8) + 1) * 8 : col + 1
		}
		if (col > 80)
			print f ":" NR ": longer than 80 columns"
		if (line ~ /[ \t]$/)
			print f ":" NR ": trailing blank"
		if (line ~ /^        /)
			print f ":" NR ": indented with spaces"
		if (NR <= 5 && line ~ /SPDX-License-Identifier/)
			spdx = 1
		if (f ~ /\.c$/ && f !~ /^tests\/bench\// && !inc &&
		    line ~ /^#include/) {
			inc = 1
			if (line !~ /"config.h"/)
				print f ":" NR ": config.h is not the first include"
		}
		if (f ~ /^(src|dissectors)\// && line ~ /[^_a-z]assert\(/)
			print f ":" NR ": assert() in packet code"
	}
	END {
		if (!spdx)
			print f ": no SPDX-License-Identifier in the header"
	}' "$f" | head -5)
	if [ -z "$msg" ]; then
		echo "ok $n - $f"
	else
		echo "not ok $n - $f"
		echo "$msg" | sed -e 's/^/#   /'
	fi
done
echo "1..$n"
