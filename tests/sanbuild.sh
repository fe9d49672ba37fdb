#!/bin/sh
# krbscope - builds a clean copy of the source tree in DIR with the given
# configure arguments and runs a make target there (check-asan, fuzz).
# A copy, not a VPATH build: the source tree may be configured in place.
# usage: sanbuild.sh SRCDIR DIR TARGET [configure args...]
set -eu
src=$1 dir=$2 target=$3
shift 3
shared=${KS_SHARED:-$src/../shared}
rm -rf "$dir"
mkdir -p "$dir"
(cd "$src" && tar cf - --exclude=./build-asan --exclude=./build-fuzz \
    --exclude=./.git --exclude=./bench/work .) | (cd "$dir" && tar xf -)
cd "$dir"
[ ! -f Makefile ] || make distclean >/dev/null 2>&1 || true
rm -f tests/unit/*.o tests/fuzz/*.o
./configure -q "$@"
KS_SHARED=$shared
# sanitizer runtimes inflate RSS: memory-size checks skip themselves
KS_SANITIZER=1
export KS_SANITIZER
export KS_SHARED
make -j2 $target
