#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# tshark_diff.sh - make check entry point of the tshark differential test
# (tests/tshark_diff.py): krbscope --json against tshark on every Kerberos
# message carried on port 88, in the shared real captures and captures/.
# TAP output; skips when python3, tshark or the captures are missing.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(dirname "$here")}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
if ! command -v tshark >/dev/null 2>&1; then
	echo "1..0 # SKIP tshark not installed"
	exit 0
fi
if [ ! -d "${KS_SHARED:-$top_srcdir/../shared}/captures/real" ] &&
    ! ls "$top_srcdir"/captures/*.pcap* >/dev/null 2>&1; then
	echo "1..0 # SKIP no captures (../shared/captures/real absent)"
	exit 0
fi
# tshark refuses to run without a writable HOME for its profile
: "${HOME:=/tmp}"
export HOME
exec python3 "$here/tshark_diff.py" "$@"
