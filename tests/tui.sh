#!/bin/sh
# krbscope - the live view, driven in tmux: replay a lab capture with
# --tui -r, check the failing exchange is red (capture-pane -e), Enter shows
# the ladder with the error and the fix, the filter narrows the list, the
# layout holds at 80x24 and 200x60, q exits with the terminal restored.
# Then live (root): krbscope --tui -i on a veth in a network namespace of
# our own while a trace is replayed there: the exchanges show, no drops.
# Needs tmux; skipped otherwise.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
shared=${KS_SHARED:-$top_srcdir/../shared}
bin=$top_builddir/krbscope
cap=$top_srcdir/captures/tds-wrong-account.pcap
trace=$shared/captures/real/zeek-krb-kinit.pcap
base=kstui$$
sock=$base
ns=kstui$$
tmp=$(mktemp -d)
cleanup() {
	for s in "" c cr crd crdl; do
		tmux -L "$base$s" kill-server 2>/dev/null
	done
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

n=0
t() {	# t DESCRIPTION SHELL-CONDITION
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		grep -v "^ *$" "$tmp/screen" 2>/dev/null | sed -e "s/^/#   /" | head -30
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
tm() { tmux -L "$sock" "$@"; }
screen() {	# the pane's text (-e: with colours) into $tmp/screen
	tm capture-pane -p "$@" -t ks >"$tmp/screen"
}
# wait_for TEXT...: up to 15 s for every TEXT on one screen (a screen is
# drawn in pieces: waiting for one line and grepping another can catch it
# half drawn; sanitizer builds and busy machines are slow)
wait_for() {
	i=0
	while [ $i -lt 150 ]; do
		screen
		all=1
		for w in "$@"; do
			grep -q -- "$w" "$tmp/screen" || { all=0; break; }
		done
		[ $all = 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
widest() {
	awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' \
	    "$tmp/screen"
}

if ! command -v tmux >/dev/null 2>&1 || [ ! -f "$cap" ]; then
	echo "1..0 # SKIP needs tmux and the lab captures"
	exit 0
fi

# ---- a file, replayed ----------------------------------------------------

tm -f /dev/null new-session -d -s ks -x 120 -y 30 \
    "cd '$tmp' && LANG=C.UTF-8 '$bin' --tui -r '$cap' \
     >'$tmp/after' 2>'$tmp/err'; echo EXIT=\$? >'$tmp/rc'; sleep 60"
t "the view comes up with its panes" \
    "wait_for '1 Exchanges.*2 Findings.*3 Clients.*4 Services'"
t "the exchanges of the capture are listed, newest first" \
    "wait_for 'KRB_AP_ERR_BAD_INTEG' &&
     [ \$(grep -c '192.0.2.20' '$tmp/screen') -ge 4 ] &&
     grep -n ' AP ' '$tmp/screen' | head -1 | grep -q '^5:'"
screen -e
t "the failing exchange is red" \
    "grep 'KRB_AP_ERR_BAD_INTEG' '$tmp/screen' |
     grep -q \"\$(printf '\\033')\\[[0-9;]*31m\""
grep ' TGS ' "$tmp/screen" | grep ' ok' >"$tmp/line"
t "a healthy one is not" \
    "[ -s '$tmp/line' ] &&
     ! grep -q \"\$(printf '\\033')\\[[0-9;]*31m\" '$tmp/line'"
tm send-keys -t ks Enter
t "Enter: the ladder with the error" \
    "wait_for '#21 KRB-ERROR KRB_AP_ERR_BAD_INTEGRITY' \
     'client 192.0.2.20' 'KDC 192.0.2.10' 'TGS-REQ MSSQLSvc' '#20 AP-REQ'"
t "Enter: the finding and its fix" \
    "wait_for 'setspn -Q MSSQLSvc/sql.lab.example:1433' 'KRB-AP-MODIFIED'"
tm send-keys -t ks End
t "Enter: the messages' fields, scrolled to the end" \
    "wait_for 'Frame #21, the fields:' \
     'error-code: 31 (KRB_AP_ERR_BAD_INTEGRITY)'"
tm send-keys -t ks Escape
sleep 0.3
tm send-keys -t ks / T G S Enter
t "the filter narrows the list to the TGS exchange" \
    "wait_for '/TGS' && [ \$(grep -c ' TGS ' '$tmp/screen') -eq 1 ] &&
     ! grep -q ' AP \| AS ' '$tmp/screen'"
tm send-keys -t ks / BSpace BSpace BSpace Enter
tm send-keys -t ks 2
t "2: the findings" "wait_for 'KRB-AP-MODIFIED' 'error'"
tm send-keys -t ks 1
tm resize-window -t ks -x 80 -y 24
wait_for '^time     principal' >/dev/null	# narrow: no client column
t "80x24: the layout holds" "wait_for 'Exchanges' 'q quit' 'KRB_AP_E' &&
     [ \$(widest) -le 80 ] && [ \$(wc -l <'$tmp/screen') -eq 24 ]"
tm resize-window -t ks -x 200 -y 60
wait_for ' via ' >/dev/null	# wide: all columns
t "200x60: the layout holds" "wait_for 'Exchanges' \
     'KRB_AP_ERR_BAD_INTEGRITY (result 18452)' &&
     [ \$(widest) -le 200 ] && [ \$(wc -l <'$tmp/screen') -eq 60 ]"
tm send-keys -t ks w
t "w: the selected exchange's connection written to a pcap" \
    "wait_for 'wrote 12 packets to ./krbscope-20.pcap' &&
     '$bin' --json -r '$tmp/krbscope-20.pcap' |
     grep -q '\"error_code\":31'"
tm send-keys -t ks '?'
t "?: the help" "wait_for 'filter (principal, SPN, address, rule)'"
tm send-keys -t ks q
i=0
while [ ! -s "$tmp/rc" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
t "q: exits (1: findings) and prints the report" \
    "grep -q 'EXIT=1' '$tmp/rc' &&
     grep -q '^Findings' '$tmp/after'"
t "the terminal is restored (no alternate screen, cursor shown)" \
    "[ \"\$(tm display -p -t ks '#{alternate_on}')\" = 0 ] &&
     [ \"\$(tm display -p -t ks '#{cursor_flag}')\" = 1 ]"
t "nothing on stderr meanwhile" "[ ! -s '$tmp/err' ]"
tm kill-server 2>/dev/null

# ---- no colour, no UTF-8 -------------------------------------------------

sock=${sock}c		# a server of its own (a killed one's socket lingers)
tm -f /dev/null new-session -d -s ks -x 120 -y 30 \
    "LANG=C LC_ALL=C NO_COLOR=1 '$bin' --tui -r '$cap' \
     >/dev/null 2>&1; sleep 60"
wait_for 'KRB_AP_ERR_BAD_INTEG' >/dev/null
sleep 0.3
screen -e
t "NO_COLOR: the failing exchange is not red" \
    "grep -q 'KRB_AP_ERR_BAD_INTEG' '$tmp/screen' &&
     ! grep -q \"\$(printf '\\033')\\[[0-9;]*31m\" '$tmp/screen'"
tm send-keys -t ks Enter
t "not UTF-8: the ladder in ASCII" \
    "wait_for '^  |-*#20 AP-REQ-*>|' \
     '^  |<-*#21 KRB-ERROR KRB_AP_ERR_BAD_INTEGRITY-*|'"
tm kill-server 2>/dev/null

# ---- --realtime: the file at the pace of its timestamps -----------------

mb=$top_srcdir/captures/mit-basic.pcap
sock=${sock}r
if [ -f "$mb" ]; then
	tm -f /dev/null new-session -d -s ks -x 120 -y 30 \
	    "LANG=C.UTF-8 '$bin' --tui --realtime -r '$mb' >/dev/null 2>&1; \
	     sleep 60"
	wait_for 'pkts [0-9]' >/dev/null
	screen
	t "--realtime: a 3.4 s file is not read at once" \
	    "! grep -q 'pkts 65 ' '$tmp/screen'"
	t "--realtime: ... and whole a few seconds later" \
	    "wait_for 'pkts 65 '"
	tm kill-server 2>/dev/null
else
	skip "--realtime" "no lab capture"
	skip "--realtime, whole" "no lab capture"
fi

# ---- a double hop: the back end in the ladder ----------------------------

dh=$top_srcdir/captures/double-hop.pcap
sock=${sock}d
if [ -f "$dh" ]; then
	tm -f /dev/null new-session -d -s ks -x 140 -y 30 \
	    "LANG=C.UTF-8 '$bin' --tui -r '$dh' >/dev/null 2>&1; sleep 60"
	wait_for 'response 200' >/dev/null
	sleep 0.3	# the whole file read: the list settled
	tm send-keys -t ks Enter
	t "double hop: the ladder's back end column and the hop to it" \
	    "wait_for 'back end 192.0.2.40:1433' '#42 AP-REQ' '#41 TGS-REP' \
	     'service 192.0.2.30:80'"
	tm kill-server 2>/dev/null
else
	skip "double hop: the ladder's back end" "no lab capture"
fi
sock=${sock}l

# ---- live, in a network namespace ----------------------------------------

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1 ||
    ! command -v tcpreplay >/dev/null 2>&1 || [ ! -f "$trace" ] ||
    ! ip netns add "$ns" 2>/dev/null; then
	skip "live view on a veth" "needs root, a netns, tcpreplay, the trace"
	skip "live view: no drops" "same"
	echo "1..$n"
	exit 0
fi
ip -n "$ns" link add ks0 type veth peer name ks1 &&
ip -n "$ns" link set ks0 mtu 9000 up && ip -n "$ns" link set ks1 mtu 9000 up
tm -f /dev/null new-session -d -s ks -x 160 -y 40 \
    "cd '$tmp' && ip netns exec '$ns' '$bin' --tui -i ks1 \
     >'$tmp/after' 2>'$tmp/err'; echo EXIT=\$? >'$tmp/rc'; sleep 60"
wait_for 'Exchanges' >/dev/null
ip netns exec "$ns" tcpreplay -q -i ks0 --pps=2000 "$trace" >/dev/null 2>&1
sleep 1
t "live view on a veth: the trace's exchanges show" \
    "wait_for 'valid_client_principal' 'krbscope on ks1' 'krb 18[0-9] '"
t "live view: no drops" "grep -q 'drops 0 ' '$tmp/screen'"
tm send-keys -t ks w
t "live view: w writes the selected connection from the packets kept" \
    "wait_for 'wrote [1-9][0-9]* packets to ./krbscope-' &&
     f=\$(ls '$tmp'/krbscope-*.pcap | head -n 1) &&
     [ \$('$bin' --json -r \"\$f\" | grep -c '\"type\":\"krb\"') -ge 1 ]"
tm send-keys -t ks q
sleep 0.5
echo "1..$n"
