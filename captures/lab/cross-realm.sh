#!/bin/bash
# cross-realm.sh - record captures/cross-realm.pcap: two MIT realms with a
# two-way trust; a client of A.LAB.EXAMPLE reaches a service of
# B.LAB.EXAMPLE through a KDC referral, then asks for a service in a realm
# its KDC has no trust with.
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc-a  kdca0 192.0.2.10  krb5kdc -r A.LAB.EXAMPLE
#   kdc-b  kdcb0 192.0.2.11  krb5kdc -r B.LAB.EXAMPLE
#   client cli0  192.0.2.20  kinit, gss-client, kvno (alice@A.LAB.EXAMPLE)
#   srv    srv0  192.0.2.40  gss-server host@srv.b.lab.example (realm B)
# Trust: krbtgt/B.LAB.EXAMPLE@A.LAB.EXAMPLE and krbtgt/A.LAB.EXAMPLE@
# B.LAB.EXAMPLE exist in both databases with the same passwords. The KDCs'
# krb5.conf maps .a.lab.example, .b.lab.example and .c.lab.example to their
# realms (C.LAB.EXAMPLE has no KDC and no trust); the client's maps only
# .a.lab.example, so for other hosts it relies on referrals.
# tcpdump records on cli0. Steps:
#   1. kinit alice (realm A)
#   2. gss-client (mutual) to host@srv.b.lab.example: TGS-REQ to A
#      (canonicalize, realm A) -> TGS-REP with a referral TGT
#      krbtgt/B.LAB.EXAMPLE@A.LAB.EXAMPLE -> TGS-REQ to B -> TGS-REP with
#      the service ticket (realm B) -> AP-REQ / AP-REP with srv
#   3. kvno host/srv.c.lab.example: KDC A has no trust with C.LAB.EXAMPLE;
#      what MIT answers is recorded
# Output: captures/cross-realm.pcap, .expect, .keytab. Lab secrets only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="REALM-NO-TRUST"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from cross-realm.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@A.LAB.EXAMPLE kdc_error host/srv.b.lab.example:ok"

NAME=cross-realm
RA=A.LAB.EXAMPLE
RB=B.LAB.EXAMPLE
KDCA=192.0.2.10
KDCB=192.0.2.11
SRV4=192.0.2.40
SERVICE=host@srv.b.lab.example
SPN=host/srv.b.lab.example
PW_MASTER=lab-master-key
PW_KRBTGT_A=lab-krbtgt-a-secret
PW_KRBTGT_B=lab-krbtgt-b-secret
PW_TRUST_AB=lab-trust-a-to-b
PW_TRUST_BA=lab-trust-b-to-a
PW_ALICE=alice-lab-pw
PW_SRV=srv-b-lab-secret

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$RA" "" "$RA=$KDCA:88" "$RB=$KDCB:88"
printf '\t.c.lab.example = C.LAB.EXAMPLE\n\tc.lab.example = C.LAB.EXAMPLE\n' \
    >>"$T/krb5-kdc.conf"
mf_krb5conf "$T/krb5-client.conf" "$RA" "" "$RA=$KDCA:88" "$RB=$KDCB:88"
sed -i '/^\t\.\{0,1\}b\.lab\.example = /d' "$T/krb5-client.conf"
mf_kdcconf "" "" "$RA" "$RB"
lab_log "creating realms $RA and $RB"
mf_realm "$RA" "$PW_MASTER" "$PW_KRBTGT_A"
mf_realm "$RB" "$PW_MASTER" "$PW_KRBTGT_B"
for r in "$RA" "$RB"; do
	lab_kadm "$r" "addprinc -pw $PW_TRUST_AB krbtgt/$RB@$RA"
	lab_kadm "$r" "addprinc -pw $PW_TRUST_BA krbtgt/$RA@$RB"
done
lab_kadm "$RA" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$RB" "addprinc -pw $PW_SRV $SPN"
lab_kadm "$RB" "ktadd -norandkey -k $T/srv.keytab $SPN"
lab_kadm "$RA" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$RA \
    krbtgt/$RB@$RA krbtgt/$RA@$RB alice"
lab_kadm "$RB" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$RB $SPN"

mf_net kdc-a:kdca0:02:00:00:00:00:10:$KDCA \
    kdc-b:kdcb0:02:00:00:00:00:11:$KDCB \
    client:cli0:02:00:00:00:00:20:192.0.2.20 \
    srv:srv0:02:00:00:00:00:40:$SRV4
mf_kdc "$NS_KDC_A" "$RA"
mf_kdc "$NS_KDC_B" "$RB"
mf_server "$NS_SRV" "$T/srv.keytab" "$SERVICE"
mf_ping "$NS_CLIENT" "$KDCA" "$KDCB" "$SRV4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" \
    "arp or icmp or port 88 or tcp port $MF_PORT"
CC=$T/cc-alice
export KRB5_CONFIG="$T/krb5-client.conf"

lab_log "step 1: kinit alice@$RA"
mf_client "$NS_CLIENT" "$CC" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit: $(mf_last)"
lab_log "step 2: gss-client to $SERVICE (realm $RB, by referral)"
mf_client "$NS_CLIENT" "$CC" "" "" gss-client -port "$MF_PORT" "$SRV4" \
    "$SERVICE" hello-from-alice || lab_die "gss-client: $(mf_last)"
mf_last | grep -q 'Signature verified' ||
    lab_die "gss-client: no verified signature: $(mf_last)"
lab_log "step 3: kvno host/srv.c.lab.example (no trust with C.LAB.EXAMPLE)"
mf_client "$NS_CLIENT" "$CC" "" "" kvno host/srv.c.lab.example || true
lab_log "step 3: $(mf_last | tail -2 | head -1)"
lab_log "step 4: kvno host/srv.c.lab.example@C.LAB.EXAMPLE (realm named)"
mf_client "$NS_CLIENT" "$CC" "" "" kvno host/srv.c.lab.example@C.LAB.EXAMPLE || true
lab_log "step 4: $(mf_last | tail -2 | head -1)"
sleep 1
lab_stop "$LAB_TCPDUMP"
export KRB5_CONFIG="$T/krb5-kdc.conf"

# ---- checks -----------------------------------------------------------------

lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "referral TGT krbtgt/$RB from $RA's KDC" \
    "kerberos.msg_type == 13 && ip.src == $KDCA && kerberos.SNameString == \"$RB\"" 1
lab_need "$PCAP" "service ticket from $RB's KDC" \
    "kerberos.msg_type == 13 && ip.src == $KDCB && kerberos.SNameString == \"srv.b.lab.example\"" 1
lab_need "$PCAP" "S_PRINCIPAL_UNKNOWN for host/srv.c.lab.example" \
    'kerberos.error_code == 7 && kerberos.SNameString == "srv.c.lab.example"' 2
lab_need "$PCAP" "S_PRINCIPAL_UNKNOWN for krbtgt/C.LAB.EXAMPLE" \
    'kerberos.error_code == 7 && kerberos.SNameString == "C.LAB.EXAMPLE"' 1
mf_tokens "$PCAP"
[ "$(mf_tok 'c>s 0x02 [0-9]+ AP-REQ 14 - - host/srv.b.lab.example')" -eq 1 ] ||
    lab_die "token check: not 1 AP-REQ token"
[ "$(mf_tok 's>c 0x02 [0-9]+ AP-REP')" -eq 1 ] ||
    lab_die "token check: not 1 AP-REP token"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 3 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 3"

mf_publish "$NAME" "$PCAP" \
    "cross-realm: referral A -> B healthy (steps 1-2); no trust with C.LAB.EXAMPLE: KDC_ERR_S_PRINCIPAL_UNKNOWN (steps 3-4)" \
    "$T/$NAME.keytab"
