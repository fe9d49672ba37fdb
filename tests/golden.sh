#!/bin/sh
# krbscope - golden outputs: each line of tests/CASES is
#   NAME CAPTURE EXPECTED OPTIONS...
# CAPTURE is a path below the source tree, or real:FILE for a trace in
# ../shared/captures/real (skipped when absent). The output of
# `krbscope OPTIONS -r CAPTURE`, run in the capture's folder and
# normalised (version, timing), must equal tests/golden/EXPECTED.
# With UPDATE=NAME (tests/update.sh NAME) the expected file is rewritten.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
shared=${KS_SHARED:-$top_srcdir/../shared}
bin=$top_builddir/krbscope
tmp=${TMPDIR:-/tmp}/ks-golden.$$
trap 'rm -f "$tmp"' EXIT INT TERM

normalise() {
	sed -e 's/^krbscope [0-9.]* report:/krbscope VERSION report:/' \
	    -e 's/,"time":{[^}]*}//'
}

n=0
fail=0
while read -r name capture expected opts; do
	case "$name" in ''|'#'*) continue ;; esac
	if [ -n "${UPDATE:-}" ] && [ "$UPDATE" != "$name" ] &&
	    [ "$UPDATE" != all ]; then
		continue
	fi
	n=$((n + 1))
	case "$capture" in
	real:*) file=$shared/captures/real/${capture#real:} ;;
	*) file=$top_srcdir/$capture ;;
	esac
	if [ ! -f "$file" ]; then
		echo "ok $n - $name # SKIP $capture absent"
		continue
	fi
	dir=$(dirname "$file")
	base=$(basename "$file")
	# shellcheck disable=SC2086
	(cd "$dir" && "$bin" $opts -r "$base") 2>&1 | normalise >"$tmp"
	if [ -n "${UPDATE:-}" ]; then
		cp "$tmp" "$top_srcdir/tests/golden/$expected"
		echo "ok $n - $name updated"
	elif diff -u "$top_srcdir/tests/golden/$expected" "$tmp" \
	    >"$tmp.diff" 2>&1; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		sed -e 's/^/# /' "$tmp.diff" | head -40
		fail=1
	fi
	rm -f "$tmp.diff"
done <"$top_srcdir/tests/CASES"
echo "1..$n"
exit 0
