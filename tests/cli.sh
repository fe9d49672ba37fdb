#!/bin/sh
# krbscope - command line behaviour: usage errors, stdin, pcapng, -c,
# file filters keeping Wireshark's frame numbers, --port. Prints TAP.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
shared=${KS_SHARED:-$top_srcdir/../shared}
bin=$top_builddir/krbscope
kinit=$shared/captures/real/zeek-krb-kinit.pcap
msgtypes=$shared/captures/real/suricata-krb5-msg-types.pcap
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0

t() {	# t DESCRIPTION COMMAND...: ok when the command succeeds
	d=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		sed -e 's/^/#   /' "$tmp/out" | head -10
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
status_is() {	# status_is WANT COMMAND...
	want=$1
	shift
	"$@" >"$tmp/o1" 2>"$tmp/e1"
	got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, want $want"; cat "$tmp/e1";
	    return 1; }
}
count_krb() {	# count_krb FILE: number of krb records in NDJSON FILE
	grep -c '"type":"krb"' "$1"
}

t "--version prints the version" sh -c \
    "'$bin' --version | grep -q '^krbscope [0-9]'"
t "--help lists -r and exits 0" sh -c "'$bin' --help | grep -q -- '-r FILE'"
t "no capture given: exit 2" status_is 2 "$bin"
t "unknown option: exit 2" status_is 2 "$bin" --bogus -r /dev/null
t "missing file: exit 2 naming it" sh -c \
    "'$bin' -r '$tmp/nosuch.pcap' 2>&1 >/dev/null | grep -q nosuch.pcap;
     '$bin' -r '$tmp/nosuch.pcap' 2>/dev/null; [ \$? -eq 2 ]"
t "-r and -i together: exit 2" status_is 2 "$bin" -r x -i lo
t "--port without NAME=PORT: exit 2" status_is 2 "$bin" --port 88 -r x
t "--port with an unknown protocol: exit 2" status_is 2 "$bin" \
    --port nosuch=88 -r x
t "--port with a bad port: exit 2" status_is 2 "$bin" --port kerberos=0 -r x
t "-c with a bad number: exit 2" status_is 2 "$bin" -c x -r x

# The cases on the project's own captures: -w, findings and exit status,
# --explain, colour.
lab_cases() {
	http=$top_srcdir/captures/http-negotiate.pcap
	tdsok=$top_srcdir/captures/tds-healthy.pcap
	tdsbad=$top_srcdir/captures/tds-wrong-account.pcap
	t "-w without -r: exit 2" status_is 2 "$bin" -i lo -w "$tmp/w.pcap"
	t "-w with -r -: exit 2" status_is 2 "$bin" -r - -w "$tmp/w.pcap"
	t "--explain KRB-AP-MODIFIED: the meaning and setspn" sh -c \
	    "'$bin' --explain krb-ap-modified | grep -q 'setspn -Q'"
	t "--explain list: every rule, a line each" sh -c \
	    "[ \$('$bin' --explain list | grep -c '^[A-Z0-9-]* ') -ge 20 ]"
	t "--explain of no rule: exit 2" status_is 2 "$bin" --explain NOPE
	if [ ! -f "$http" ] || [ ! -f "$tdsok" ] || [ ! -f "$tdsbad" ]; then
		for c in "-w writes" "-w leaves out" "exit 0" "exit 1" \
		    "findings first" "colour" "NO_COLOR"; do
			skip "$c" "no lab capture"
		done
		return
	fi
	t "-w writes the failed connection (KRB-ERROR 31 on 8080)" sh -c \
	    "'$bin' -r '$http' -w '$tmp/w.pcap' >/dev/null 2>'$tmp/w.err';
	     [ \$? -eq 1 ] &&
	     grep -q 'wrote 12 packets of 1 connections' '$tmp/w.err' &&
	     '$bin' --json -r '$tmp/w.pcap' | grep -q '\"error_code\":31'"
	t "-w leaves out PREAUTH_REQUIRED and the healthy port 80" sh -c \
	    "! '$bin' --json -r '$tmp/w.pcap' | \
	     grep -q '\"error_code\":25\|\"dport\":80,'"
	t "a healthy capture: exit 0, Findings: none" sh -c \
	    "'$bin' -r '$tdsok' | grep -q '^Findings: none'"
	t "a capture with an error finding: exit 1" status_is 1 \
	    "$bin" -r "$tdsbad"
	t "the report names the findings first" sh -c \
	    "'$bin' -r '$tdsbad' | awk '/^Findings/ {f = NR}
	     /^(Messages by client|Stories)/ && !s {s = NR}
	     END {exit !(f > 0 && f < s)}'"
	if command -v script >/dev/null 2>&1; then
		t "colour on a terminal" sh -c \
		    "env -u NO_COLOR script -qec \"'$bin' -r '$tdsbad'\" \
		     /dev/null | grep -q \"\$(printf '\\033')\\[\""
		t "NO_COLOR: no colour on a terminal" sh -c \
		    "NO_COLOR=1 script -qec \"'$bin' -r '$tdsbad'\" \
		     /dev/null >'$tmp/nc' ; grep -q ERROR '$tmp/nc' &&
		     ! grep -q \"\$(printf '\\033')\" '$tmp/nc'"
	else
		skip "colour on a terminal" "no script(1)"
		skip "NO_COLOR" "no script(1)"
	fi
}

if [ ! -f "$kinit" ] || [ ! -f "$msgtypes" ]; then
	skip "capture-based cases" "shared captures absent"
	lab_cases
echo "1..$n"
	exit 0
fi

"$bin" --json -r "$kinit" >"$tmp/file.json"
t "an invalid filter: exit 2 naming the filter" sh -c \
    "'$bin' -r '$kinit' -f 'port nonsense' 2>&1 | grep -q 'filter'; \
     '$bin' -r '$kinit' -f 'port nonsense' 2>/dev/null; [ \$? -eq 2 ]"
t "-r - reads standard input" sh -c \
    "'$bin' --json -r - <'$kinit' | grep -v '\"type\":\"stats\"' >'$tmp/a'; \
     grep -v '\"type\":\"stats\"' '$tmp/file.json' | cmp - '$tmp/a'"
t "-c 10 stops after 10 packets" sh -c \
    "'$bin' --json -c 10 -r '$kinit' | tail -n 1 | grep -q '\"packets\":10,'"
t "a filter on a file keeps the file's frame numbers" sh -c \
    "'$bin' --json -r '$kinit' 'src port 88' | head -n 1 | \
     grep -q '\"frame\":2,'"
t "a filter on a file drops the other packets' messages" sh -c \
    "[ \$('$bin' --json -r '$kinit' -f 'src port 88' | \
     grep -c '\"msg\":\"AS-REQ\"') -eq 0 ]"
if command -v editcap >/dev/null 2>&1; then
	editcap -F pcapng "$kinit" "$tmp/kinit.pcapng"
	t "pcapng gives the same records as pcap" sh -c \
	    "'$bin' --json -r '$tmp/kinit.pcapng' | grep -v '\"type\":\"stats\"' \
	     >'$tmp/b'; grep -v '\"type\":\"stats\"' '$tmp/file.json' | \
	     cmp - '$tmp/b'"
	lab=$top_srcdir/captures/mit-basic.pcap
	editcap -s 150 "$lab" "$tmp/trunc.pcap"
	"$bin" --json -r "$tmp/trunc.pcap" >"$tmp/trunc.json"
	t "a capture cut at 150 bytes a packet: messages marked truncated" sh -c \
	    "[ \$(grep -c '\"status\":\"truncated\"' '$tmp/trunc.json') -ge 20 ] && \
	     ! grep -q '\"status\":\"ok\"' '$tmp/trunc.json' && \
	     tail -n 1 '$tmp/trunc.json' | grep -q '\"gaps\":[1-9]'"
else
	skip "pcapng gives the same records as pcap" "no editcap"
	skip "truncated capture" "no editcap"
fi
if command -v tcprewrite >/dev/null 2>&1; then
	tcprewrite --portmap=88:61088 -i "$msgtypes" -o "$tmp/p61088.pcap"
	want=$("$bin" --json -r "$msgtypes" | grep -c '"type":"krb"')
	t "--port kerberos=61088 decodes a KDC on port 61088" sh -c \
	    "[ \$('$bin' --json --port kerberos=61088 -r '$tmp/p61088.pcap' | \
	     grep -c '\"dport\":61088') -gt 0 ] && \
	     [ \$('$bin' --json --port kerberos=61088 -r '$tmp/p61088.pcap' | \
	     grep -c '\"type\":\"krb\"') -eq $want ]"
	t "the content probe finds Kerberos on port 61088 without --port" sh -c \
	    "[ \$('$bin' --json -r '$tmp/p61088.pcap' | \
	     grep -c '\"type\":\"krb\"') -eq $want ]"
	split=$shared/captures/real/suricata-krb5-two-segments.pcap
	tcprewrite --portmap=88:61088 -i "$split" -o "$tmp/split61088.pcap"
	t "a record split over segments on port 61088 is reassembled" sh -c \
	    "'$bin' --json -r '$tmp/split61088.pcap' | grep '\"type\":\"krb\"' | \
	     sed -e 's/.*\"frame\":\\([0-9]*\\).*\"msg\":\"\\([A-Z-]*\\)\".*/\\1 \\2/' | \
	     tr '\\n' ' ' | grep -qx '4 AS-REQ 6 TGS-REQ '"
else
	skip "--port kerberos=61088" "no tcprewrite"
	skip "content probe on port 61088" "no tcprewrite"
	skip "split record on port 61088" "no tcprewrite"
fi
# Our file reader against libpcap's (standard input goes through libpcap):
# the same records, for every capture at hand.
for f in "$shared"/captures/real/*.pcap* "$top_srcdir"/captures/*.pcap*; do
	[ -f "$f" ] || continue
	t "file reader = libpcap on $(basename "$f")" sh -c \
	    "'$bin' --json -r '$f' | grep -v '\"type\":\"stats\"' >'$tmp/r1'; \
	     '$bin' --json -r - <'$f' | grep -v '\"type\":\"stats\"' >'$tmp/r2'; \
	     cmp '$tmp/r1' '$tmp/r2' && \
	     [ \$('$bin' --json -r '$f' | tail -n 1 | \
	       sed -e 's/.*\"packets\":\\([0-9]*\\).*/\\1/') -eq \
	       \$(capinfos -Mc '$f' | awk '/packets/ {print \$NF}') ]"
done
# pcapng written by editcap: the same records as the pcap it came from
for f in "$kinit" "$msgtypes" "$top_srcdir"/captures/*.pcap; do
	[ -f "$f" ] && command -v editcap >/dev/null 2>&1 || continue
	editcap -F pcapng "$f" "$tmp/ng.pcapng"
	t "pcapng of $(basename "$f"): same records as the pcap" sh -c \
	    "'$bin' --json -r '$f' | grep -v '\"type\":\"stats\"' >'$tmp/r1'; \
	     '$bin' --json -r '$tmp/ng.pcapng' | grep -v '\"type\":\"stats\"' \
	     >'$tmp/r2'; cmp '$tmp/r1' '$tmp/r2'"
done
t "-v prints one line per message" sh -c \
    "[ \$('$bin' -v -r '$kinit' | grep -c ' kerberos/\(udp\|tcp\) ') -eq \
     \$(grep -c '\"type\":\"krb\"' '$tmp/file.json') ]"
t "the report counts the messages" sh -c \
    "'$bin' -r '$kinit' | grep -q '^Kerberos: 188 messages'"
lab_cases
echo "1..$n"
