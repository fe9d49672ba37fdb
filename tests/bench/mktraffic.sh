#!/bin/sh
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# mktraffic.sh - record ordinary, non-Kerberos traffic for `make bench`:
# HTTP downloads (python3 http.server + curl) and DNS questions (dnsload.py)
# over IPv4 and IPv6 loopback, captured with tcpdump.
#
#   mktraffic.sh OUT.pcap [SCALE]
#
# SCALE (default 1) multiplies the number of transactions; SCALE 1 gives
# about 55 000 packets in well under a minute.  Everything runs inside a
# network namespace created here (its own loopback, MTU 1500, segmentation
# offloads off so tcpdump sees wire-sized packets); when namespaces are not
# available it falls back to the host's loopback with a port filter.
# Every process started here is stopped by PID; the namespace is deleted.
# Needs root (tcpdump, ip netns).

set -eu

out=${1:?usage: mktraffic.sh OUT.pcap [SCALE]}
scale=${2:-1}
here=$(cd "$(dirname "$0")" && pwd)

HTTP_PORT=80		# in our own namespace; 18080/18053 on the host
DNS_PORT=53
N_SMALL=$((1800 * scale))	# 0.2-8 KiB documents, one connection each
N_MEDIUM=$((160 * scale))	# 16-64 KiB
N_LARGE=$((16 * scale))		# 256 KiB
N_DNS=$((9000 * scale))		# DNS questions (half IPv4, half IPv6)
CLIENT_TIMEOUT=$((240 * scale))

for t in tcpdump python3 curl ip timeout; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "mktraffic: $t is required" >&2
		exit 1
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	echo "mktraffic: must run as root (tcpdump on loopback)" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ks-mktraffic.XXXXXX")
ns=""
pids=""
tcpdump_pid=""
dns4=""
dns6=""

cleanup() {
	set +e
	if [ -n "$tcpdump_pid" ]; then
		kill -TERM "$tcpdump_pid" 2>/dev/null
		wait "$tcpdump_pid" 2>/dev/null
	fi
	for p in $dns4 $dns6 $pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# $run CMD...: in our namespace when we have one.  `ip netns exec` execs
# CMD, so after `$run CMD &`, $! is CMD's own PID.
run=""

name="ksbench$$"
if ip netns add "$name" 2>/dev/null; then
	ns=$name
	run="ip netns exec $ns"
	$run ip link set lo mtu 1500
	$run ip link set lo up
	if command -v ethtool >/dev/null 2>&1; then
		$run ethtool -K lo tso off gso off gro off 2>/dev/null || true
	else
		echo "mktraffic: ethtool missing: packets may be larger" \
		    "than on a wire" >&2
	fi
	filter=""
else
	echo "mktraffic: no network namespace; using the host loopback" >&2
	HTTP_PORT=18080
	DNS_PORT=18053
	filter="port $HTTP_PORT or port $DNS_PORT"
fi
v6=1
$run python3 -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null || v6=0

# documents to serve, reproducible
mkdir "$tmp/www"
python3 - "$tmp/www" <<'EOF'
import os, random, sys
d = sys.argv[1]
r = random.Random(88)
def mk(name, size):
    with open(os.path.join(d, name), "wb") as f:
        f.write(r.randbytes(size))
for i in range(40):
    mk("s%02d" % i, r.randrange(200, 8192))
for i in range(10):
    mk("m%02d" % i, r.randrange(16384, 65536))
for i in range(3):
    mk("l%02d" % i, 262144)
EOF

# the URL lists: curl opens one connection per URL (http.server speaks
# HTTP/1.0 and closes); every fifth fetch goes over IPv6 when we have it
python3 - "$tmp/urls" "$N_SMALL" "$N_MEDIUM" "$N_LARGE" "$HTTP_PORT" "$v6" \
    <<'EOF'
import random, sys
path, ns, nm, nl, port, v6 = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6] == "1"
r = random.Random(1)
docs = ["s%02d" % r.randrange(40) for _ in range(ns)] + \
    ["m%02d" % r.randrange(10) for _ in range(nm)] + \
    ["l%02d" % r.randrange(3) for _ in range(nl)]
r.shuffle(docs)
with open(path, "w") as f:
    for i, d in enumerate(docs):
        host = "[::1]" if v6 and i % 5 == 4 else "127.0.0.1"
        f.write('url = "http://%s:%s/%s"\noutput = "/dev/null"\n'
                % (host, port, d))
EOF

# shellcheck disable=SC2086
$run tcpdump -i lo -n -U -s 0 -Z root -w "$tmp/rec.pcap" $filter \
    >"$tmp/tcpdump.log" 2>&1 &
tcpdump_pid=$!

$run python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" \
    "$HTTP_PORT" >/dev/null 2>&1 &
pids="$pids $!"
$run python3 "$here/dnsload.py" serve 127.0.0.1 "$DNS_PORT" \
    >/dev/null 2>&1 &
pids="$pids $!"
if [ "$v6" = 1 ]; then
	$run python3 -m http.server --bind ::1 --directory "$tmp/www" \
	    "$HTTP_PORT" >/dev/null 2>&1 &
	pids="$pids $!"
	$run python3 "$here/dnsload.py" serve ::1 "$DNS_PORT" \
	    >/dev/null 2>&1 &
	pids="$pids $!"
fi

# wait (bounded) for tcpdump and the servers
i=0
while ! grep -q "listening on" "$tmp/tcpdump.log" 2>/dev/null ||
    ! $run curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/s00"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ]; then
		echo "mktraffic: tcpdump or http.server did not start" >&2
		cat "$tmp/tcpdump.log" >&2
		exit 1
	fi
	sleep 0.1
done

n4=$N_DNS
[ "$v6" = 1 ] && n4=$((N_DNS / 2))
$run timeout "$CLIENT_TIMEOUT" python3 "$here/dnsload.py" query 127.0.0.1 \
    "$DNS_PORT" "$n4" &
dns4=$!
if [ "$v6" = 1 ]; then
	$run timeout "$CLIENT_TIMEOUT" python3 "$here/dnsload.py" query ::1 \
	    "$DNS_PORT" $((N_DNS - n4)) &
	dns6=$!
fi
rc=0
$run timeout "$CLIENT_TIMEOUT" curl -s -K "$tmp/urls" || rc=$?
wait "$dns4" || rc=$?
dns4=""
if [ -n "$dns6" ]; then
	wait "$dns6" || rc=$?
	dns6=""
fi
if [ "$rc" -ne 0 ]; then
	echo "mktraffic: a client failed (status $rc)" >&2
	exit 1
fi
sleep 0.5
kill -TERM "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=""
grep -i "packets captured\|dropped by kernel" "$tmp/tcpdump.log" >&2 || true
mv "$tmp/rec.pcap" "$out"
