#!/bin/bash
# response-too-big.sh - record captures/response-too-big.pcap: an MIT KDC
# whose UDP replies are limited (kdc.conf [kdcdefaults]
# kdc_max_dgram_reply_size) answers KRB_ERR_RESPONSE_TOO_BIG (52) over UDP,
# and the MIT client retries the same request over TCP.
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc    kdc0 192.0.2.10   krb5kdc, realm LAB.EXAMPLE,
#                            kdc_max_dgram_reply_size = 500
#   client cli0 192.0.2.20   kinit, kvno
# tcpdump records on cli0. Steps:
#   1. kinit alice: AS-REQ over UDP, PREAUTH_REQUIRED (small: fits), AS-REQ
#      with pre-auth over UDP, RESPONSE_TOO_BIG (the AS-REP would not fit),
#      the same AS-REQ over TCP, AS-REP over TCP
#   2. kvno HTTP/web.lab.example: TGS-REQ over UDP, RESPONSE_TOO_BIG,
#      TGS-REQ over TCP, TGS-REP over TCP
# Output: captures/response-too-big.pcap, .expect, .keytab. Lab secrets
# only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="none"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from response-too-big.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok"

NAME=response-too-big
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
MAXDGRAM=500
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_HTTP=web-lab-secret

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$REALM" "" "$REALM=$KDC4:88"
mf_kdcconf "kdc_max_dgram_reply_size = $MAXDGRAM" "" "$REALM"
lab_log "creating realm $REALM"
mf_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_HTTP HTTP/web.lab.example"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    HTTP/web.lab.example"

mf_net kdc:kdc0:02:00:00:00:00:10:$KDC4 \
    client:cli0:02:00:00:00:00:20:192.0.2.20
mf_kdc "$NS_KDC" "$REALM"
mf_ping "$NS_CLIENT" "$KDC4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" "arp or icmp or port 88"
CC=$T/cc-alice

lab_log "step 1: kinit alice (AS-REP larger than $MAXDGRAM bytes)"
mf_client "$NS_CLIENT" "$CC" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit: $(mf_last)"
lab_log "step 2: kvno HTTP/web.lab.example"
mf_client "$NS_CLIENT" "$CC" "" "" kvno HTTP/web.lab.example ||
    lab_die "kvno: $(mf_last)"
sleep 1
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

lab_need "$PCAP" "RESPONSE_TOO_BIG over UDP" \
    'kerberos.error_code == 52 && udp.srcport == 88' 2
lab_need "$PCAP" "AS-REP over TCP" 'kerberos.msg_type == 11 && tcp' 1
lab_need "$PCAP" "TGS-REP over TCP" 'kerberos.msg_type == 13 && tcp' 1
n=$(lab_count "$PCAP" 'kerberos.msg_type in {11 13} && udp')
[ "$n" -eq 0 ] || lab_die "capture check: $n KDC-REPs over UDP"
n=$(lab_count "$PCAP" 'udp.srcport == 88 && udp.length > 508')
[ "$n" -eq 0 ] || lab_die "capture check: $n UDP replies over $MAXDGRAM"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 2 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 2"

mf_publish "$NAME" "$PCAP" \
    "UDP reply too big: KRB_ERR_RESPONSE_TOO_BIG over UDP, retried over TCP (succeeds)" \
    "$T/$NAME.keytab"
