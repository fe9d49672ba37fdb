#!/bin/sh
# krbscope - regenerate golden outputs: tests/update.sh NAME (or all).
# Run from the build tree (where ./krbscope is); review the diff after.
set -eu
[ $# -eq 1 ] || { echo "usage: tests/update.sh NAME|all" >&2; exit 2; }
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
UPDATE=$1 TZ=UTC LC_ALL=C sh "$top_srcdir/tests/golden.sh"
