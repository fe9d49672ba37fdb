#!/bin/sh
# krbscope - replays every fuzz target's seeds (NAME_fuzzer.in/) and past
# crashes (NAME_fuzzer.repro/), as make check does without libFuzzer.
# One TAP line per input.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
n=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
for src in "$top_srcdir"/tests/fuzz/*_fuzzer.c; do
	name=$(basename "$src" .c)
	exe=$top_builddir/tests/fuzz/$name
	if [ ! -x "$exe" ]; then
		n=$((n + 1))
		echo "not ok $n - $name is built"
		continue
	fi
	"$exe" "$top_srcdir/tests/fuzz/$name.in" \
	    "$top_srcdir/tests/fuzz/$name.repro" >"$tmp" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*|"not ok "*)
			n=$((n + 1))
			st=${line%% [0-9]*}
			echo "$st $n - $name: ${line#* - }"
			;;
		esac
	done <"$tmp"
	if [ $rc -ne 0 ]; then
		n=$((n + 1))
		echo "not ok $n - $name exited with status $rc"
		grep -v '^\(not \)\?ok ' "$tmp" | head -20 | sed -e 's/^/#   /'
	fi
done
echo "1..$n"
