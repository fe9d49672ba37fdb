#!/bin/bash
# stale-key.sh - record captures/stale-key.pcap: the service's password is
# changed at the KDC (kvno 1 -> 2) but the service keeps its old keytab:
# KRB_AP_ERR_BADKEYVER (44); then a keytab with kvno 2 but a wrong key:
# KRB_AP_ERR_BAD_INTEGRITY (31); then the fix. MIT KDC, gss-client and
# gss-server (mutual authentication, so the acceptor sends its error token).
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc    kdc0 192.0.2.10   krb5kdc, realm LAB.EXAMPLE
#   client cli0 192.0.2.20   kinit, gss-client
#   srv    srv0 192.0.2.40   gss-server -port 4444 host@srv.lab.example
# tcpdump records on cli0. Steps:
#   1. alice: kinit, gss-client: ticket kvno 1, keytab kvno 1: healthy
#   2. kadmin.local cpw host/srv.lab.example (kvno 2 at the KDC; no traffic);
#      alice again with her cached kvno-1 ticket: still accepted
#   3. bob: kinit, gss-client: TGS-REP ticket kvno 2, the acceptor only has
#      kvno 1: KRB-ERROR token KRB_AP_ERR_BADKEYVER (44)
#   4. gss-server restarted with a keytab holding kvno 2 made from a wrong
#      password (ktutil addent -password): bob: KRB_AP_ERR_BAD_INTEGRITY (31)
#   5. gss-server restarted with the KDC's kvno 2 key (kadmin ktadd
#      -norandkey): bob: healthy
# Output: captures/stale-key.pcap, .expect, .keytab. Lab secrets only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="KRB-AP-MODIFIED"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from stale-key.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok host/srv.lab.example:ok
# session 192.0.2.20 bob@LAB.EXAMPLE kerberos_rejected host/srv.lab.example:kerberos_rejected"

NAME=stale-key
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
SRV4=192.0.2.40
SERVICE=host@srv.lab.example
SPN=host/srv.lab.example
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_BOB=bob-lab-pw
PW_SRV1=srv-lab-secret
PW_SRV2=srv-new-secret
PW_SRV2_TYPO=srv-new-secrte

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$REALM" "" "$REALM=$KDC4:88"
mf_kdcconf "" "" "$REALM"
lab_log "creating realm $REALM"
mf_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_BOB +requires_preauth bob"
lab_kadm "$REALM" "addprinc -pw $PW_SRV1 $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/srv-kvno1.keytab $SPN"
# published keytab: krbtgt, users, service kvno 1 (old), later kvno 2
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    bob $SPN"
lab_ktadd_pw "$T/srv-kvno2-wrong.keytab" "$SPN@$REALM" 2 "$PW_SRV2_TYPO"

mf_net kdc:kdc0:02:00:00:00:00:10:$KDC4 \
    client:cli0:02:00:00:00:00:20:192.0.2.20 \
    srv:srv0:02:00:00:00:00:40:$SRV4
mf_kdc "$NS_KDC" "$REALM"
mf_server "$NS_SRV" "$T/srv-kvno1.keytab" "$SERVICE"
mf_ping "$NS_CLIENT" "$KDC4" "$SRV4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" \
    "arp or icmp or port 88 or tcp port $MF_PORT"
GSSC=(gss-client -port "$MF_PORT" "$SRV4" "$SERVICE")
ok()
{
	mf_client "$NS_CLIENT" "$T/cc-$1" "" "" "${GSSC[@]}" "hello-from-$1" ||
	    lab_die "gss-client $1 ($2): $(mf_last)"
	mf_last | grep -q 'Signature verified' ||
	    lab_die "gss-client $1 ($2): no verified signature: $(mf_last)"
}

lab_log "step 1: alice, kvno 1 everywhere"
mf_client "$NS_CLIENT" "$T/cc-alice" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(mf_last)"
ok alice healthy
lab_log "step 2: service password changed at the KDC (kvno 2); alice again"
lab_kadm "$REALM" "cpw -pw $PW_SRV2 $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/srv-kvno2.keytab $SPN"
ok alice "cached kvno 1 ticket"
lab_log "step 3: bob gets a kvno 2 ticket; the keytab has kvno 1 only"
mf_client "$NS_CLIENT" "$T/cc-bob" "" "$PW_BOB" kinit bob ||
    lab_die "kinit bob: $(mf_last)"
mf_expect_fail "gss-client bob (stale keytab)" 'Key version' \
    "$NS_CLIENT" "$T/cc-bob" "" "" "${GSSC[@]}" hello-from-bob
lab_log "step 4: keytab with kvno 2 from a mistyped password"
mf_server "$NS_SRV" "$T/srv-kvno2-wrong.keytab" "$SERVICE"
mf_expect_fail "gss-client bob (wrong kvno 2 key)" 'integrity' \
    "$NS_CLIENT" "$T/cc-bob" "" "" "${GSSC[@]}" hello-from-bob
lab_log "step 5: keytab re-exported from the KDC (kvno 2)"
mf_server "$NS_SRV" "$T/srv-kvno2.keytab" "$SERVICE"
ok bob "fixed keytab"
sleep 1
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab $SPN"
lab_ktadd_pw "$T/$NAME.keytab" "$SPN@$REALM" 2 "$PW_SRV2_TYPO"
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 2
n=$(lab_count "$PCAP" 'kerberos.msg_type == 13')
[ "$n" -eq 2 ] || lab_die "capture check: $n TGS-REPs, not 2"
lab_need "$PCAP" "TGS-REP with a kvno 2 ticket" \
    'kerberos.msg_type == 13 && kerberos.kvno == 2' 1
mf_tokens "$PCAP"
[ "$(mf_tok 'c>s 0x02 [0-9]+ AP-REQ')" -eq 5 ] ||
    lab_die "token check: not 5 AP-REQ tokens"
[ "$(mf_tok 's>c 0x02 [0-9]+ AP-REP')" -eq 3 ] ||
    lab_die "token check: not 3 AP-REP tokens"
[ "$(mf_tok '^[0-9]+ 2 s>c 0x02 [0-9]+ KRB-ERROR 30 44 ')" -eq 1 ] ||
    lab_die "token check: no KRB_AP_ERR_BADKEYVER token in step 3"
[ "$(mf_tok '^[0-9]+ 3 s>c 0x02 [0-9]+ KRB-ERROR 30 31 ')" -eq 1 ] ||
    lab_die "token check: no KRB_AP_ERR_BAD_INTEGRITY token in step 4"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 4 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 4"

mf_publish "$NAME" "$PCAP" \
    "stale service keytab: BADKEYVER (kvno 2 ticket, kvno 1 keytab), BAD_INTEGRITY (kvno 2, wrong key); steps 1, 2 and 5 healthy" \
    "$T/$NAME.keytab"
