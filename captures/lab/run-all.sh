#!/bin/bash
# run-all.sh - record every lab capture (make captures).
# SPDX-License-Identifier: BSD-2-Clause
#
# Runs each captures/lab/*.sh scenario script except lib.sh and this file,
# one after the other, then prints how long each took. Needs root: the
# scenarios create network namespaces. Exit status is non-zero when any
# scenario failed; the others still run.

set -eu
export LC_ALL=C

elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

here=$(cd "$(dirname "$0")" && pwd)
self=$(basename "$0")

if [ "$(id -u)" != 0 ]; then
	echo "run-all.sh: must run as root (the lab uses network namespaces)" >&2
	exit 1
fi

report=
failed=0
total_start=$(date +%s.%N)
for script in "$here"/*.sh; do
	name=$(basename "$script")
	case $name in
	lib.sh | "$self") continue ;;
	esac
	echo "=== $name" >&2
	start=$(date +%s.%N)
	if bash "$script"; then
		status=ok
	else
		status="FAILED ($?)"
		failed=$((failed + 1))
	fi
	end=$(date +%s.%N)
	report="$report$(printf '%-24s %8.1f s  %s' "$name" \
	    "$(elapsed "$start" "$end")" "$status")
"
done
total_end=$(date +%s.%N)

echo
echo "scenario                     time  status"
printf '%s' "$report"
printf '%-24s %8.1f s\n' "total" "$(elapsed "$total_start" "$total_end")"
[ "$failed" -eq 0 ] || {
	echo "$failed scenario(s) failed" >&2
	exit 1
}
