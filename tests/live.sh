#!/bin/sh
# krbscope - live capture: in a network namespace of our own, replay a
# real Kerberos trace into one end of a veth pair while krbscope captures
# on the other end (default filter, -Z nobody), stop it with SIGTERM, and
# check the messages and the final counters. Needs root, iproute2 and
# tcpreplay; skipped otherwise. Traffic stays inside the namespace.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
shared=${KS_SHARED:-$top_srcdir/../shared}
bin=$top_builddir/krbscope
trace=$shared/captures/real/zeek-krb-kinit.pcap
ns=kslive$$
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1 ||
    ! command -v tcpreplay >/dev/null 2>&1 || [ ! -f "$trace" ]; then
	echo "1..0 # SKIP needs root, iproute2, tcpreplay and the shared trace"
	exit 0
fi
if ! ip netns add "$ns" 2>/dev/null; then
	echo "1..0 # SKIP cannot create a network namespace here"
	exit 0
fi
ip -n "$ns" link add ks0 type veth peer name ks1 &&
ip -n "$ns" link set ks0 mtu 9000 up && ip -n "$ns" link set ks1 mtu 9000 up || {
	echo "1..0 # SKIP cannot create a veth pair"; exit 0; }

chmod 755 "$tmp"
ip netns exec "$ns" "$bin" -i ks1 --json -Z nobody >"$tmp/out" \
    2>"$tmp/err" &
pid=$!
i=0
while ! grep -q "listening on" "$tmp/err" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip netns exec "$ns" tcpreplay -q -i ks0 --pps=2000 "$trace" >/dev/null 2>&1
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=""

n=0
t() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed -e 's/^/#   /' "$tmp/err" | head -5
	fi
}
t "krbscope announces the interface and the default filter" \
    "grep -q 'listening on ks1, link type EN10MB, filter: (port 88' '$tmp/err'"
t "SIGTERM ends the capture cleanly (exit 0, or 1 with findings)" \
    "[ $rc -eq 0 ] && ! grep -q '\"type\":\"finding\"' '$tmp/out' ||
     [ $rc -eq 1 ] && grep -q '\"type\":\"finding\"' '$tmp/out'"
t "all 188 Kerberos messages of the trace are seen live" \
    "[ \$(grep -c '\"type\":\"krb\"' '$tmp/out') -eq 188 ]"
t "the stats record closes the output and says it was interrupted" \
    "tail -n 1 '$tmp/out' | grep -q '\"type\":\"stats\".*\"interrupted\":1'"
t "kernel counters are reported, with no drops" \
    "tail -n 1 '$tmp/out' | grep -q '\"pcap\":{\"received\":[0-9]*,\"dropped\":0,'"
t "a final counters line is printed on stderr" \
    "grep -q 'packets captured, .* dropped by kernel' '$tmp/err'"
echo "1..$n"
