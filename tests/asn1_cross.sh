#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# asn1_cross.sh - make check entry point of the reference cross-check
# (tests/asn1_cross.c): every Kerberos message krbscope finds in the
# shared real captures and in captures/ must decode the same with the
# fast decoder and with libtasn1. TAP; skips when there is no capture.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(dirname "$here")}"
: "${top_builddir:=$(pwd)}"
real=${KS_SHARED:-$top_srcdir/../shared}/captures/real
exe=$top_builddir/tests/asn1_cross

if [ ! -x "$exe" ]; then
	echo "1..1"
	echo "not ok 1 - tests/asn1_cross is built"
	exit 0
fi
set --
for f in "$real"/*.pcap "$real"/*.pcapng "$top_srcdir"/captures/*.pcap \
    "$top_srcdir"/captures/*.pcapng; do
	[ -f "$f" ] && set -- "$@" "$f"
done
if [ $# -eq 0 ]; then
	echo "1..0 # SKIP no captures (../shared/captures/real absent)"
	exit 0
fi
exec "$exe" "$@"
