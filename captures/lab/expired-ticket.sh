#!/bin/bash
# expired-ticket.sh - record captures/expired-ticket.pcap: an MIT acceptor
# (gss-server) answering KRB_AP_ERR_TKT_EXPIRED (32) to an AP-REQ whose
# service ticket has ended; time moved with libfaketime, no sleeping.
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc    kdc0 192.0.2.10   krb5kdc, realm LAB.EXAMPLE
#   client cli0 192.0.2.20   kinit, gss-client
#   srv    srv0 192.0.2.40   gss-server -port 4444 host@srv.lab.example
# host/srv.lab.example has max_life 1 minute, so its service tickets live
# one minute (alice's TGT 10 hours). tcpdump records on cli0. Steps:
#   1. kinit alice; gss-client (mutual) to host@srv.lab.example: TGS-REQ/REP
#      (ticket valid 1 minute), AP-REQ, AP-REP, wrap, MIC
#   2. gss-server restarted under libfaketime FAKETIME=+7m (to it, the
#      ticket ended 6 minutes ago: past the 5-minute clockskew allowance);
#      gss-client (mutual) sends the cached ticket again on a new
#      connection: KRB-ERROR token KRB_AP_ERR_TKT_EXPIRED (32)
#   3. gss-client under FAKETIME=+2m (to the client itself the cached ticket
#      has ended): it asks the KDC for a new one (TGS-REQ/REP), but that
#      one-minute ticket has ended too by the client's clock, so MIT's
#      initiator gives up locally ("Ticket expired") and sends no AP-REQ
# Output: captures/expired-ticket.pcap, .expect, .keytab. Lab secrets only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="TKT-EXPIRED"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from expired-ticket.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected host/srv.lab.example:kerberos_rejected"

NAME=expired-ticket
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
SRV4=192.0.2.40
SERVICE=host@srv.lab.example
SPN=host/srv.lab.example
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_SRV=srv-lab-secret

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$REALM" "" "$REALM=$KDC4:88"
mf_kdcconf "" "" "$REALM"
lab_log "creating realm $REALM"
mf_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_SRV -maxlife 1min $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/srv.keytab $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN"

mf_net kdc:kdc0:02:00:00:00:00:10:$KDC4 \
    client:cli0:02:00:00:00:00:20:192.0.2.20 \
    srv:srv0:02:00:00:00:00:40:$SRV4
mf_kdc "$NS_KDC" "$REALM"
mf_server "$NS_SRV" "$T/srv.keytab" "$SERVICE"
mf_ping "$NS_CLIENT" "$KDC4" "$SRV4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" \
    "arp or icmp or port 88 or tcp port $MF_PORT"
CC=$T/cc-alice
GSSC=(gss-client -port "$MF_PORT" "$SRV4" "$SERVICE" hello-from-alice)

lab_log "step 1: kinit alice; gss-client (healthy; ticket lives 1 minute)"
mf_client "$NS_CLIENT" "$CC" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit: $(mf_last)"
mf_client "$NS_CLIENT" "$CC" "" "" "${GSSC[@]}" ||
    lab_die "gss-client (healthy): $(mf_last)"
mf_last | grep -q 'Signature verified' ||
    lab_die "gss-client (healthy): no verified signature: $(mf_last)"
lab_log "step 2: gss-server 7 minutes later (libfaketime +7m)"
mf_server "$NS_SRV" "$T/srv.keytab" "$SERVICE" +7m
mf_expect_fail "gss-client (server +7m)" 'Ticket expired' \
    "$NS_CLIENT" "$CC" "" "" "${GSSC[@]}"
lab_log "step 3: gss-client itself 2 minutes later (libfaketime +2m)"
mf_expect_fail "gss-client (client +2m)" 'Ticket expired' \
    "$NS_CLIENT" "$CC" +2m "" "${GSSC[@]}"
sleep 1
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
n=$(lab_count "$PCAP" 'kerberos.msg_type == 12')
[ "$n" -eq 2 ] || lab_die "capture check: $n TGS-REQs, not 2"
lab_need "$PCAP" "connections to $MF_PORT" \
    "tcp.dstport == $MF_PORT && tcp.flags.syn == 1 && tcp.flags.ack == 0" 3
mf_tokens "$PCAP"
[ "$(mf_tok 'c>s 0x02 [0-9]+ AP-REQ')" -eq 2 ] ||
    lab_die "token check: not 2 AP-REQ tokens"
[ "$(mf_tok 's>c 0x02 [0-9]+ AP-REP')" -eq 1 ] ||
    lab_die "token check: not 1 AP-REP token"
[ "$(mf_tok '^[0-9]+ 1 s>c 0x02 [0-9]+ KRB-ERROR 30 32 ')" -eq 1 ] ||
    lab_die "token check: no KRB_AP_ERR_TKT_EXPIRED token in step 2"
[ "$(mf_tok '^[0-9]+ 2 c>s 0x02')" -eq 0 ] ||
    lab_die "token check: step 3 sent a context token"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 3 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 3"

mf_publish "$NAME" "$PCAP" \
    "expired service ticket: KRB_AP_ERR_TKT_EXPIRED from the acceptor (step 2; step 1 healthy, step 3 refused by the client itself, no AP-REQ)" \
    "$T/$NAME.keytab"
