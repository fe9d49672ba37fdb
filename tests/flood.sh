#!/bin/sh
exec python3 "${top_srcdir:-$(dirname "$0")/..}/tests/flood.py"
