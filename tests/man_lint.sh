#!/bin/sh
# krbscope - the man page lints clean and documents every option that
# --help lists, and no option that does not exist, and every diagnosis
# rule that --explain list shows, in its order. Prints TAP.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
man=$top_srcdir/man/krbscope.1
n=1
if ! command -v mandoc >/dev/null 2>&1; then
	echo "1..0 # SKIP mandoc not installed"
	exit 0
fi
if out=$(mandoc -T lint -W warning "$man" 2>&1) && [ -z "$out" ]; then
	echo "ok $n - mandoc -T lint is clean"
else
	echo "not ok $n - mandoc -T lint is clean"
	echo "$out" | sed -e 's/^/#   /'
fi
# options in --help, short and long
opts=$("$top_builddir/krbscope" --help | grep -oE '^  +-(-[a-z-]+|[A-Za-z])' |
    sed -e 's/^ *//' | sort -u)
for o in $opts; do
	n=$((n + 1))
	case "$o" in
	--*) pat="Fl \\\\-${o#--}" ;;
	*) pat="Fl ${o#-}" ;;
	esac
	if grep -q -- "^\.It $pat\( \|\$\|,\)" "$man" ||
	    grep -q -- "^\.It .*, $pat\( \|\$\)" "$man"; then
		echo "ok $n - $o documented"
	else
		echo "not ok $n - $o documented in man/krbscope.1"
	fi
done
# options documented in the man page exist in --help
for o in $(grep -oE '^\.It Fl (\\-[a-z-]+|[A-Za-z])' "$man" |
    sed -e 's/^\.It Fl //' -e 's/^\\-/--/' -e 's/^\([A-Za-z]\)$/-\1/'); do
	n=$((n + 1))
	if "$top_builddir/krbscope" --help | grep -q -- "^  *$o\( \|,\|\$\)"; then
		echo "ok $n - $o in the man page exists"
	else
		echo "not ok $n - $o in the man page but not in --help"
	fi
done
# --explain in the SYNOPSIS (the loops above check OPTIONS)
n=$((n + 1))
if sed -n -e '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$man" |
    grep -q -- 'Fl \\-explain Ar rule'; then
	echo "ok $n - --explain in the SYNOPSIS"
else
	echo "not ok $n - --explain in the SYNOPSIS of man/krbscope.1"
fi
# every rule of --explain list (first column) has its .Sy entry
n=$((n + 1))
if rules=$("$top_builddir/krbscope" --explain list | awk '{ print $1 }') &&
    [ -n "$rules" ]; then
	echo "ok $n - --explain list lists the rules"
else
	echo "not ok $n - --explain list lists the rules"
	rules=
fi
for r in $rules; do
	n=$((n + 1))
	if grep -q -- "^\.\(It \)\{0,1\}Sy $r\( \|\$\)" "$man"; then
		echo "ok $n - rule $r documented"
	else
		echo "not ok $n - rule $r documented in man/krbscope.1 (.Sy $r)"
	fi
done
# DIAGNOSIS RULES has those rules and no others, in the table's order
n=$((n + 1))
documented=$(sed -n -e '/^\.Sh DIAGNOSIS RULES/,/^\.Sh /p' "$man" |
    sed -n -e 's/^\.It Sy \([^ ]*\).*/\1/p')
if [ -n "$rules" ] && [ "$documented" = "$rules" ]; then
	echo "ok $n - DIAGNOSIS RULES matches --explain list"
else
	echo "not ok $n - DIAGNOSIS RULES matches --explain list"
	echo "#   --explain list: $(echo "$rules" | tr '\n' ' ')"
	echo "#   man page:       $(echo "$documented" | tr '\n' ' ')"
fi
echo "1..$n"
