#!/bin/bash
# mit-basic.sh - record captures/mit-basic.pcap from a real MIT KDC.
# SPDX-License-Identifier: BSD-2-Clause
#
# RFC 4120 (AS, TGS, KRB-ERROR over UDP and TCP, section 7.2), RFC 791 / 815
# (IPv4 fragmentation). Two network namespaces joined by one veth pair:
#
#   client  cli0 192.0.2.20/24 2001:db8::20/64  <-->  kdc0 192.0.2.10/24
#                                                     2001:db8::10/64  kdc
#
# krb5kdc (MIT, from Debian) serves realm LAB.EXAMPLE in "kdc"; kinit and
# kvno run in "client"; tcpdump records on cli0. Steps, in this order:
#   1. kinit alice, right password, UDP (preauth required, then AS-REP)
#   2. kvno HTTP/web.lab.example (TGS-REP), kvno HTTP/nosuch.lab.example
#      (KDC_ERR_S_PRINCIPAL_UNKNOWN)
#   3. kinit alice, wrong password (KDC_ERR_PREAUTH_FAILED);
#      kinit nobody (KDC_ERR_C_PRINCIPAL_UNKNOWN)
#   4. steps 1 and 2's healthy part over TCP (udp_preference_limit = 1)
#   5. the same over IPv6 (kdc = [2001:db8::10])
#   6. the same over IPv4/UDP with link MTU 576, so the replies are
#      IPv4-fragmented on the wire
# Output: captures/mit-basic.pcap, captures/mit-basic.expect (generated from
# tshark's dissection of the pcap), captures/mit-basic.keytab.
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from mit-basic.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kdc_error
# session 192.0.2.20 nobody@LAB.EXAMPLE kdc_error
# session 2001:db8::20 alice@LAB.EXAMPLE ok"

NAME=mit-basic
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
CLI4=192.0.2.20
KDC6=2001:db8::10
CLI6=2001:db8::20
SMALL_MTU=576
# Lab-only passwords (documented in captures/mit-basic.md).
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_WRONG=not-alices-pw
PW_HTTP=web-lab-secret

lab_init
T=$LAB_TMP

# ---- configuration (all under $T) ---------------------------------------

mkdir -p "$T/kdb"
cat >"$T/kdc.conf" <<EOF
[kdcdefaults]
	kdc_listen = 88
	kdc_tcp_listen = 88

[realms]
	$REALM = {
		database_name = $T/kdb/principal
		key_stash_file = $T/kdb/stash
		acl_file = $T/kdb/kadm5.acl
		admin_keytab = FILE:$T/kdb/kadm5.keytab
		master_key_type = aes256-cts-hmac-sha1-96
		supported_enctypes = aes256-cts-hmac-sha1-96:normal
		default_principal_flags = +preauth
		max_life = 10h 0m 0s
		max_renewable_life = 0
	}

[logging]
	kdc = FILE:$T/kdc.log
	admin_server = FILE:$T/kadmin.log
	default = FILE:$T/kdc.log
EOF

# libdefaults shared by the KDC tools and the client configurations.
libdefaults()
{
	cat <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	noaddresses = true
	forwardable = false
	proxiable = false
	$1
EOF
}

# client_conf FILE KDC-ADDRESS EXTRA-LIBDEFAULTS
client_conf()
{
	{
		libdefaults "$3"
		cat <<EOF

[realms]
	$REALM = {
		kdc = $2
	}

[domain_realm]
	.lab.example = $REALM
	lab.example = $REALM
EOF
	} >"$1"
}

client_conf "$T/krb5-kdc.conf" "$KDC4:88" ""
client_conf "$T/krb5-udp.conf" "$KDC4:88" ""
client_conf "$T/krb5-tcp.conf" "$KDC4:88" "udp_preference_limit = 1"
client_conf "$T/krb5-v6.conf" "[$KDC6]:88" ""
echo "*/admin@$REALM *" >"$T/kdb/kadm5.acl"

# ---- database -------------------------------------------------------------

lab_log "creating realm $REALM in $T/kdb"
kdb5_util -r "$REALM" create -s -P "$PW_MASTER" >"$T/kdb5_util.log" 2>&1 ||
    lab_die "kdb5_util create: $(cat "$T/kdb5_util.log")"
kadm()
{
	kadmin.local -r "$REALM" -q "$1" >>"$T/kadmin.out" 2>&1 ||
	    lab_die "kadmin.local $1"
}
# A fixed krbtgt password makes the TGT key reproducible (kvno becomes 2).
kadm "cpw -pw $PW_KRBTGT krbtgt/$REALM"
kadm "addprinc -pw $PW_ALICE +requires_preauth alice"
kadm "addprinc -pw $PW_HTTP HTTP/web.lab.example"
kadm "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    HTTP/web.lab.example"

# ---- network ----------------------------------------------------------------

lab_netns_add kdc
lab_netns_add client
NS_K=$LAB_TAG-kdc
NS_C=$LAB_TAG-client
lab_link "$NS_C" cli0 "$NS_K" kdc0
# Fixed, locally administered MAC addresses keep the link layer reproducible.
ip -n "$NS_K" link set dev kdc0 address 02:00:00:00:00:10
ip -n "$NS_C" link set dev cli0 address 02:00:00:00:00:20
lab_addr "$NS_K" kdc0 "$KDC4/24" "$KDC6/64"
lab_addr "$NS_C" cli0 "$CLI4/24" "$CLI6/64"
# No path-MTU knob is needed for step 6: Linux UDP sockets default to
# IP_PMTUDISC_WANT, which sets DF on datagrams that fit the route MTU and
# fragments locally (DF clear) those that do not. Were that ever not the case,
# net.ipv4.ip_no_pmtu_disc=1 in the kdc namespace only would be the knob.

lab_log "starting krb5kdc in $NS_K"
lab_bg "$NS_K" "$T/krb5kdc.out" krb5kdc -n -r "$REALM"
KDC_PID=$LAB_LASTPID
lab_wait_listen "$NS_K" udp 88
lab_wait_listen "$NS_K" tcp 88
sleep 0.2

# ---- recording ------------------------------------------------------------

# Kerberos on port 88, non-first IPv4 fragments (no port to match), ARP,
# ICMP, and IPv6 neighbour discovery (ICMPv6 133-137). Multicast listener
# reports and other link chatter are left out.
FILTER='port 88 or (ip and ip[6:2] & 0x1fff != 0) or arp or icmp'
FILTER="$FILTER or (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)"
PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$FILTER"

# client CONF CCACHE STDIN CMD...: run a Kerberos client in the client
# namespace with its own configuration and credential cache.
STEP_LOG=$T/client.log
client()
{
	local conf=$1 cc=$2 input=$3 rc=0

	shift 3
	printf '$ %s\n' "$*" >>"$STEP_LOG"
	printf '%s\n' "$input" | ip netns exec "$NS_C" env \
	    KRB5_CONFIG="$T/$conf" KRB5CCNAME="FILE:$T/$cc" \
	    KRB5_TRACE="$T/trace.log" \
	    timeout 30 "$@" >>"$STEP_LOG" 2>&1 || rc=$?
	sleep 0.3
	return "$rc"
}

# must_fail WHAT PATTERN CMD...: the command fails with the expected message.
must_fail()
{
	local what=$1 pat=$2

	shift 2
	if client "$@"; then
		lab_die "$what: unexpectedly succeeded"
	fi
	tail -n 2 "$STEP_LOG" | grep -q "$pat" ||
	    lab_die "$what: expected '$pat', got: $(tail -n 2 "$STEP_LOG")"
}

lab_log "1. kinit alice over UDP"
client krb5-udp.conf cc-udp "$PW_ALICE" kinit alice ||
    lab_die "kinit alice (UDP)"
lab_log "2. kvno HTTP/web.lab.example, HTTP/nosuch.lab.example"
client krb5-udp.conf cc-udp "" kvno HTTP/web.lab.example ||
    lab_die "kvno HTTP/web.lab.example (UDP)"
must_fail "kvno nosuch" "Server .* not found in Kerberos database" \
    krb5-udp.conf cc-udp "" kvno HTTP/nosuch.lab.example
lab_log "3. kinit alice with a wrong password, kinit nobody"
must_fail "kinit wrong password" "Password incorrect" \
    krb5-udp.conf cc-bad "$PW_WRONG" kinit alice
must_fail "kinit nobody" "not found in Kerberos database" \
    krb5-udp.conf cc-bad "whatever" kinit nobody
lab_log "4. kinit alice + kvno over TCP"
client krb5-tcp.conf cc-tcp "$PW_ALICE" kinit alice ||
    lab_die "kinit alice (TCP)"
client krb5-tcp.conf cc-tcp "" kvno HTTP/web.lab.example ||
    lab_die "kvno HTTP/web.lab.example (TCP)"
lab_log "5. kinit alice + kvno over IPv6"
client krb5-v6.conf cc-v6 "$PW_ALICE" kinit alice ||
    lab_die "kinit alice (IPv6)"
client krb5-v6.conf cc-v6 "" kvno HTTP/web.lab.example ||
    lab_die "kvno HTTP/web.lab.example (IPv6)"
lab_log "6. kinit alice + kvno over UDP with link MTU $SMALL_MTU"
lab_mtu "$SMALL_MTU" "$NS_C" cli0 "$NS_K" kdc0
client krb5-udp.conf cc-frag "$PW_ALICE" kinit alice ||
    lab_die "kinit alice (small MTU)"
client krb5-udp.conf cc-frag "" kvno HTTP/web.lab.example ||
    lab_die "kvno HTTP/web.lab.example (small MTU)"

sleep 0.5
lab_stop "$LAB_TCPDUMP"
lab_stop "$KDC_PID"

# ---- checks on what was recorded -----------------------------------------

count()
{
	tshark -n -r "$PCAP" -Y "$1" 2>/dev/null | wc -l
}

need()
{
	local n

	n=$(count "$2")
	[ "$n" -ge "$3" ] || lab_die "capture check '$1' ($2): $n < $3"
	lab_log "check: $1: $n"
}

need "AS-REQ" 'kerberos.msg_type == 10' 10
need "AS-REP" 'kerberos.msg_type == 11' 4
need "TGS-REQ" 'kerberos.msg_type == 12' 5
need "TGS-REP" 'kerberos.msg_type == 13' 4
need "PREAUTH_REQUIRED" 'kerberos.error_code == 25' 5
need "PREAUTH_FAILED" 'kerberos.error_code == 24' 1
need "C_PRINCIPAL_UNKNOWN" 'kerberos.error_code == 6' 1
need "S_PRINCIPAL_UNKNOWN" 'kerberos.error_code == 7' 1
need "AS-REQ with PA-ENC-TIMESTAMP" \
    'kerberos.msg_type == 10 && kerberos.padata_type == 2' 5
need "Kerberos over TCP" 'kerberos && tcp' 6
need "Kerberos over IPv6" 'kerberos && ipv6' 4
need "IPv4 fragments" 'ip.flags.mf == 1 || ip.frag_offset > 0' 4
need "reassembled Kerberos" 'kerberos && ip.fragment' 2
# With the exported keytab Wireshark must decrypt the timestamps of exactly
# the four right-password AS-REQs (not the wrong-password one), every ticket,
# and the enc-part of all eight KDC replies (AS-REP with alice's key, TGS-REP
# with the TGT session key: MIT tags both EncTGSRepPart).
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
dcount()
{
	tshark -n "${DEC[@]}" -r "$PCAP" -Y "$1" 2>/dev/null | wc -l
}
n=$(dcount kerberos.patimestamp)
[ "$n" -eq 4 ] || lab_die "keytab check: $n PA-ENC-TIMESTAMPs decrypt, not 4"
n=$(dcount kerberos.encTGSRepPart_element)
[ "$n" -eq 8 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 8"
n=$(dcount kerberos.encTicketPart_element)
[ "$n" -ge 8 ] || lab_die "keytab check: only $n frames with tickets decrypt"
lab_log "check: keytab decrypts 4 PA-ENC-TIMESTAMPs, 8 KDC-REP enc-parts," \
    "tickets in $n frames"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"
[ "$(od -An -tx1 -N4 "$PCAP" | tr -d ' ')" = d4c3b2a1 ] ||
    lab_die "capture is not a little-endian pcap file"

# ---- publish ----------------------------------------------------------------

{
	echo "# fault: none (mixed healthy and error exchanges)"
	echo "# classes: ACCOUNT-PREAUTH-FAILED ACCOUNT-UNKNOWN SPN-UNKNOWN"
	lab_expect_extra
	lab_expect "$PCAP"
} >"$T/$NAME.expect"
[ "$(grep -vc '^#' "$T/$NAME.expect")" -ge 25 ] ||
    lab_die "expect file too short"
cp "$PCAP" "$LAB_OUT/$NAME.pcap"
cp "$T/$NAME.expect" "$LAB_OUT/$NAME.expect"
cp "$T/$NAME.keytab" "$LAB_OUT/$NAME.keytab"
chmod 644 "$LAB_OUT/$NAME.pcap" "$LAB_OUT/$NAME.expect" \
    "$LAB_OUT/$NAME.keytab"
lab_log "wrote $LAB_OUT/$NAME.pcap ($size bytes," \
    "$(tshark -n -r "$PCAP" 2>/dev/null | wc -l) frames)," \
    "$NAME.expect ($(grep -vc '^#' "$T/$NAME.expect") messages)," \
    "$NAME.keytab"
