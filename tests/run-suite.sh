#!/bin/sh
# krbscope - the whole test suite on a fresh Debian machine (README
# command 2, and what CI runs): installs what the tests need, builds,
# runs `make check` (gcc) and `make check-asan` (clang, ASan+UBSan), and
# ends with one line "N passed, N failed, N skipped".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

PKGS="build-essential autoconf automake pkg-config libpcap-dev
libtasn1-6-dev libtasn1-bin libkrb5-dev libncurses-dev clang
libclang-rt-dev python3 tshark tcpdump tcpreplay iproute2 mandoc tmux
bsdutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "run as root (sudo) to install:$missing" >&2
		exit 2
	fi
	echo "installing:$missing"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing \
	    >/dev/null || exit 2
fi

status=0
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt configure ]; then
	autoreconf -fi || exit 2
fi
[ -f Makefile ] || ./configure -q || exit 2
make -j2 >/dev/null || exit 2

make -j2 check || status=1
make check-asan || status=1

# Totals over both runs, from automake's summaries.
logs="test-suite.log build-asan/test-suite.log"
sum() {
	cat $logs 2>/dev/null | awk -v k="$1" '$1 == "#" && $2 == k":" \
	    { n += $3 } END { print n + 0 }'
}
pass=$(sum PASS)
xfail=$(sum XFAIL)
fail=$(sum FAIL)
xpass=$(sum XPASS)
err=$(sum ERROR)
skip=$(sum SKIP)
passed=$((pass + xfail))
failed=$((fail + xpass + err))
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skip skipped"
exit $status
