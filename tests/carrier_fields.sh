#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# carrier_fields.sh - make check entry point of tests/carrier_fields.py:
# field-level assertions on the carrier records of krbscope --json
# (values as tshark shows them). TAP output; skips without python3, and
# each shared capture that is absent.

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(dirname "$here")}"
: "${top_builddir:=$(pwd)}"
export top_srcdir top_builddir

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 not installed"
	exit 0
fi
exec python3 "$here/carrier_fields.py" "$@"
