#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# carrier_diff.sh - make check entry point of tests/carrier_diff.py:
# Kerberos and NTLMSSP inside the carriers (SMB, LDAP, DCE/RPC, ...) of
# the shared real captures, krbscope --json against tshark.
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
if [ ! -d "${KS_SHARED:-$top_srcdir/../shared}/captures/real" ]; then
	echo "1..0 # SKIP no captures (../shared/captures/real absent)"
	exit 0
fi
# tshark refuses to run without a writable HOME for its profile
: "${HOME:=/tmp}"
export HOME
exec python3 "$here/carrier_diff.py" "$@"
