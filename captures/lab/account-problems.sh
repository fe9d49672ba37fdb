#!/bin/bash
# account-problems.sh - record captures/account-problems.pcap: the MIT KDC's
# answers to logins of accounts that cannot get a TGT.
# SPDX-License-Identifier: BSD-2-Clause
#
# Hosts on one bridge (namespace "lan"):
#   kdc    kdc0 192.0.2.10   krb5kdc, realm LAB.EXAMPLE
#   client cli0 192.0.2.20   kinit
# tcpdump records on cli0. Steps (kinit, password on stdin), in this order:
#   1. alice, wrong password: KDC_ERR_PREAUTH_FAILED (24)
#   2. alice2, disabled (modprinc -allow_tix): KDC_ERR_CLIENT_REVOKED (18)
#   3. carol, policy "lockout" (maxfailure 2, lockoutduration 60s): two
#      wrong passwords (24, 24), then the right one: CLIENT_REVOKED (18)
#   4. dave, password expired (modprinc -pwexpire now):
#      KDC_ERR_KEY_EXPIRED (23); kinit then gets a ticket for
#      kadmin/changepw and asks for a new password (none given: it stops)
#   5. erin, account expired (modprinc -expire now): KDC_ERR_NAME_EXP (1)
#   6. nobody, no such principal: KDC_ERR_C_PRINCIPAL_UNKNOWN (6)
#   7. alice, right password: AS-REP (for comparison)
# Output: captures/account-problems.pcap, .expect, .keytab. Lab secrets only.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=mitfaults.lib
. "$(dirname "$0")/mitfaults.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="ACCOUNT-PREAUTH-FAILED ACCOUNT-REVOKED ACCOUNT-KEY-EXPIRED ACCOUNT-EXPIRED ACCOUNT-UNKNOWN"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from account-problems.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok
# session 192.0.2.20 alice2@LAB.EXAMPLE kdc_error
# session 192.0.2.20 carol@LAB.EXAMPLE kdc_error
# session 192.0.2.20 dave@LAB.EXAMPLE kdc_error
# session 192.0.2.20 erin@LAB.EXAMPLE kdc_error
# session 192.0.2.20 nobody@LAB.EXAMPLE kdc_error"

NAME=account-problems
REALM=LAB.EXAMPLE
KDC4=192.0.2.10
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_ALICE2=alice2-lab-pw
PW_CAROL=carol-lab-pw
PW_DAVE=dave-lab-pw
PW_ERIN=erin-lab-pw
PW_WRONG=not-the-password

mf_init
mf_krb5conf "$T/krb5-kdc.conf" "$REALM" "" "$REALM=$KDC4:88"
mf_kdcconf "" "" "$REALM"
lab_log "creating realm $REALM"
mf_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE2 +requires_preauth alice2"
lab_kadm "$REALM" "modprinc -allow_tix alice2"
lab_kadm "$REALM" "addpol -maxfailure 2 -failurecountinterval 0 \
    -lockoutduration 60s lockout"
lab_kadm "$REALM" "addprinc -pw $PW_CAROL -policy lockout carol"
lab_kadm "$REALM" "addprinc -pw $PW_DAVE dave"
lab_kadm "$REALM" "modprinc -pwexpire now dave"
lab_kadm "$REALM" "addprinc -pw $PW_ERIN erin"
lab_kadm "$REALM" "modprinc -expire now erin"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM \
    kadmin/changepw alice alice2 carol dave erin"

mf_net kdc:kdc0:02:00:00:00:00:10:$KDC4 \
    client:cli0:02:00:00:00:00:20:192.0.2.20
mf_kdc "$NS_KDC" "$REALM"
mf_ping "$NS_CLIENT" "$KDC4"

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_CLIENT" cli0 "$PCAP" "arp or icmp or port 88 or port 464 or port 749"
CC=$T/cc
fail()
{
	mf_expect_fail "$1" "$2" "$NS_CLIENT" "$CC" "" "$3" kinit "$4"
}

lab_log "step 1: alice, wrong password"
fail "alice (wrong password)" 'Password incorrect' "$PW_WRONG" alice
lab_log "step 2: alice2, disabled"
fail "alice2 (disabled)" 'revoked' "$PW_ALICE2" alice2
lab_log "step 3: carol, locked out after 2 failures"
fail "carol (wrong 1)" 'Password incorrect' "$PW_WRONG" carol
fail "carol (wrong 2)" 'Password incorrect' "$PW_WRONG" carol
fail "carol (locked)" 'revoked' "$PW_CAROL" carol
lab_log "step 4: dave, password expired"
fail "dave (password expired)" 'expired' "$PW_DAVE" dave
lab_log "step 5: erin, account expired"
fail "erin (account expired)" 'expired' "$PW_ERIN" erin
lab_log "step 6: nobody"
fail "nobody (unknown)" 'not found' "$PW_WRONG" nobody
lab_log "step 7: alice, right password"
mf_client "$NS_CLIENT" "$CC" "" "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(mf_last)"
sleep 1
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

for c in 24:3 18:2 23:1 1:1 6:1 25:5; do
	n=$(lab_count "$PCAP" "kerberos.error_code == ${c%%:*}")
	[ "$n" -eq "${c#*:}" ] ||
	    lab_die "capture check: $n errors ${c%%:*}, not ${c#*:}"
done
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 2
lab_need "$PCAP" "CLIENT_REVOKED for carol" \
    'kerberos.error_code == 18 && kerberos.CNameString == "carol"' 1
lab_need "$PCAP" "AS-REQ for kadmin/changepw" \
    'kerberos.msg_type == 10 && kerberos.SNameString == "changepw"' 2
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 2 ] || lab_die "keytab check: $n AS-REP enc-parts decrypt, not 2"

mf_publish "$NAME" "$PCAP" \
    "account problems: PREAUTH_FAILED, CLIENT_REVOKED (disabled; locked out), KEY_EXPIRED, NAME_EXP, C_PRINCIPAL_UNKNOWN (last login healthy)" \
    "$T/$NAME.keytab"
