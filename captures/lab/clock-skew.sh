#!/bin/bash
# clock-skew.sh - record captures/clock-skew.pcap: KRB_AP_ERR_SKEW (37) from
# a real MIT KDC and from a real MIT acceptor (gss-server), clocks moved
# with libfaketime.
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc    kdc0 192.0.2.10   krb5kdc, realm LAB.EXAMPLE (real time)
#   client cli0 192.0.2.20   kinit, gss-client
#   srv    srv0 192.0.2.40   gss-server -port 4444 host@srv.lab.example
# tcpdump records on cli0. Steps:
#   1. kinit alice with the client's clock 10 minutes ahead
#      (libfaketime FAKETIME=+10m) and kdc_timesync = 0: the KDC answers the
#      PA-ENC-TIMESTAMP AS-REQ with KRB_AP_ERR_SKEW (37)
#   2. the same with MIT's default kdc_timesync = 1: the client takes the
#      KDC's time from the PREAUTH_REQUIRED error and the login succeeds
#   3. kinit alice at the right time; gss-client (mutual) to a gss-server
#      whose clock is 10 minutes ahead: the acceptor answers the AP-REQ with
#      a KRB-ERROR token KRB_AP_ERR_SKEW (37)
# Output: captures/clock-skew.pcap, .expect, .keytab. Lab secrets only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="CLOCK-SKEW"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from clock-skew.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected host/srv.lab.example:kerberos_rejected"

NAME=clock-skew
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
SRV4=192.0.2.40
SERVICE=host@srv.lab.example
SPN=host/srv.lab.example
SKEW=+10m
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_SRV=srv-lab-secret

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$REALM" "" "$REALM=$KDC4:88"
mf_krb5conf "$T/krb5-nosync.conf" "$REALM" "	kdc_timesync = 0" \
    "$REALM=$KDC4:88"
mf_kdcconf "" "" "$REALM"
lab_log "creating realm $REALM"
mf_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_SRV $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/srv.keytab $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN"

mf_net kdc:kdc0:02:00:00:00:00:10:$KDC4 client:cli0:02:00:00:00:00:20:192.0.2.20 \
    srv:srv0:02:00:00:00:00:40:$SRV4
mf_kdc "$NS_KDC" "$REALM"
mf_server "$NS_SRV" "$T/srv.keytab" "$SERVICE" "$SKEW"
mf_ping "$NS_CLIENT" "$KDC4" "$SRV4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" "arp or icmp or port 88 or tcp port $MF_PORT"

lab_log "step 1: kinit alice, client clock $SKEW, kdc_timesync = 0"
KRB5_CONFIG=$T/krb5-nosync.conf mf_expect_fail "kinit (skewed, no timesync)" \
    'skew|Clock' "$NS_CLIENT" "$T/cc-1" "$SKEW" "$PW_ALICE" kinit alice
lab_log "step 2: kinit alice, client clock $SKEW, kdc_timesync = 1 (default)"
mf_client "$NS_CLIENT" "$T/cc-2" "$SKEW" "$PW_ALICE" kinit alice ||
    lab_die "kinit (skewed, timesync): $(mf_last)"
lab_log "step 3: kinit alice (right time); gss-client to a server $SKEW"
mf_client "$NS_CLIENT" "$T/cc-3" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit: $(mf_last)"
mf_expect_fail "gss-client (server skewed)" 'skew|Clock' \
    "$NS_CLIENT" "$T/cc-3" "" "" gss-client -port "$MF_PORT" "$SRV4" \
    "$SERVICE" hello-from-alice
sleep 1
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

lab_need "$PCAP" "AS-REQ" 'kerberos.msg_type == 10' 6
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 2
lab_need "$PCAP" "KRB_AP_ERR_SKEW from the KDC" \
    "kerberos.error_code == 37 && udp.srcport == 88" 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
mf_tokens "$PCAP"
[ "$(mf_tok 'c>s 0x02 [0-9]+ AP-REQ')" -eq 1 ] ||
    lab_die "token check: not 1 AP-REQ token"
[ "$(mf_tok 's>c 0x02 [0-9]+ KRB-ERROR 30 37 ')" -eq 1 ] ||
    lab_die "token check: no KRB_AP_ERR_SKEW token from the acceptor"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
# (MIT encodes the AS-REP enc-part with the EncTGSRepPart tag.)
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 3 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 3"

mf_publish "$NAME" "$PCAP" \
    "clock skew: KRB_AP_ERR_SKEW from the KDC (step 1) and from the acceptor (step 3); step 2 succeeds (kdc_timesync)" \
    "$T/$NAME.keytab"
