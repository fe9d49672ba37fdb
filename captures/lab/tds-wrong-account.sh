#!/bin/bash
# tds-wrong-account.sh - record captures/tds-wrong-account.pcap: the
# MSSQLSvc SPN is registered on another account than the one SQL Server
# runs as. The KDC issues the service ticket under the key of the account
# that holds the SPN; the service's keytab holds the key of the account it
# really runs as. Kerberos login over TDS (ENCRYPT_NOT_SUP) from FreeTDS
# tsql to the lab's SQL Server stand-in (tds-acceptor.c).
# SPDX-License-Identifier: BSD-2-Clause
#
# MIT has no accounts with several SPNs, so the two accounts are simulated
# as http-negotiate.sh simulates its wrong key: the acceptor's keytab holds
# MSSQLSvc/sql.lab.example:1433 with the same kvno (1) and enctype but a key
# from another password ("the service account's" key), which cannot decrypt
# a ticket the KDC sealed with the key of the principal in its database.
#
# Network and realm: see tdslab.lib (client 192.0.2.20, kdc+dns 192.0.2.10,
# sql 192.0.2.40). tcpdump records on the client's interface. Steps:
#   1. kinit alice: AS-REQ, PREAUTH_REQUIRED, AS-REQ with timestamp, AS-REP
#   2. tsql -S sql.lab.example (no user: Kerberos), "encryption = off":
#      DNS A sql.lab.example, PRELOGIN NOT_SUP both ways, TGS-REQ/REP for
#      MSSQLSvc/sql.lab.example:1433 (the KDC is happy), LOGIN7 with the
#      AP-REQ (mutual); gss_accept_sec_context fails (the acceptor's key
#      cannot decrypt the ticket) and returns a KRB-ERROR token, which the
#      acceptor sends in an SSPI token, then ERROR 18452 "Login failed. The
#      login is from an untrusted domain and cannot be used with Integrated
#      authentication." and DONE; tsql gives up.
# Output: captures/tds-wrong-account.pcap, .expect, .keytab (every lab key,
# the service account's wrong MSSQLSvc key last).

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=tdslab.lib
. "$(dirname "$0")/tdslab.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="KRB-AP-MODIFIED"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from tds-wrong-account.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected MSSQLSvc/sql.lab.example:1433:kerberos_rejected"

NAME=tds-wrong-account

lab_init
tdslab_setup
# Lab-only password of the account SQL Server "runs as".
PW_SQL_SVC=sqlsvc-account-secret
lab_ktadd_pw "$T/sql-wrong.keytab" "$SPN@$REALM" 1 "$PW_SQL_SVC"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN"
lab_ktadd_pw "$T/$NAME.keytab" "$SPN@$REALM" 1 "$PW_SQL_SVC"
tdslab_acceptor "$T/sql-wrong.keytab" -e not_sup
tdslab_freetds off

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$FILTER"
STEP_LOG=$T/client.log

lab_log "step 1: kinit alice"
tdslab_client "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(tail -n 3 "$STEP_LOG")"
lab_log "step 2: tsql -S $SQLHOST (integrated login, wrong service key)"
if tdslab_client "$(printf 'select 1\ngo\nexit')" tsql -S "$SQLHOST" -o q
then
	lab_die "tsql: the login unexpectedly succeeded"
fi
sleep 1.5
lab_stop "$LAB_TCPDUMP"
lab_stop "$TDSLAB_ACCEPTOR"

# ---- checks -----------------------------------------------------------------

grep -q 'gss_accept_sec_context failed' "$T/acceptor.log" ||
    lab_die "acceptor: no GSS failure: $(cat "$T/acceptor.log")"
grep -q 'refusing: ERROR 18452' "$T/acceptor.log" ||
    lab_die "acceptor did not refuse with 18452"
! grep -q 'login accepted' "$T/acceptor.log" ||
    lab_die "acceptor accepted a login"
grep -q 'client ENCRYPTION NOT_SUP, answering NOT_SUP' "$T/acceptor.log" ||
    lab_die "PRELOGIN was not NOT_SUP both ways"
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ" 'kerberos.msg_type == 12' 1
lab_need "$PCAP" "TGS-REP for MSSQLSvc" \
    "kerberos.msg_type == 13 && kerberos.SNameString == \"MSSQLSvc\"" 1
lab_need "$PCAP" "TDS PRELOGIN" 'tds.type == 0x12' 1
lab_need "$PCAP" "TDS LOGIN7" 'tds.type == 0x10' 1
lab_need "$PCAP" "AP-REQ in TDS" 'tds && kerberos.msg_type == 14' 1
# tshark 4.0 cannot dissect the server's SSPI token: own parse of TDS
tdslab_tokens "$PCAP" >"$T/tokens.txt"
cat "$T/tokens.txt" >&2
grep -q '^[0-9]* 30 31 ' "$T/tokens.txt" ||
    lab_die "no KRB-ERROR 31 in the server's SSPI token"
! grep -q '^[0-9]* 15 ' "$T/tokens.txt" || lab_die "an AP-REP was sent"
# ERROR token (0xAA, length): Number 18452 (LE), State 1, Class 14
# (tshark 4.0 loses the token stream after the SSPI token)
lab_need "$PCAP" "TDS ERROR 18452" \
    'tcp.srcport == 1433 && tcp.payload contains 14:48:00:00:01:0e' 1
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
# the tickets of the AS-REP, TGS-REQ, TGS-REP and the LOGIN7's AP-REQ
n=$(lab_count "$PCAP" kerberos.encTicketPart_element "${DEC[@]}")
[ "$n" -eq 4 ] || lab_die "keytab check: tickets decrypt in $n frames, not 4"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"

# ---- publish ----------------------------------------------------------------

tdslab_expect "$PCAP" \
    "MSSQLSvc SPN on the wrong account: service key mismatch (KRB_AP_ERR_BAD_INTEGRITY, TDS error 18452)" >"$T/$NAME.expect"
cat "$T/$NAME.expect" >&2
cp "$PCAP" "$LAB_OUT/$NAME.pcap"
cp "$T/$NAME.expect" "$LAB_OUT/$NAME.expect"
cp "$T/$NAME.keytab" "$LAB_OUT/$NAME.keytab"
chmod 644 "$LAB_OUT/$NAME.pcap" "$LAB_OUT/$NAME.expect" \
    "$LAB_OUT/$NAME.keytab"
lab_log "wrote $LAB_OUT/$NAME.pcap ($size bytes," \
    "$(tshark -n -r "$PCAP" 2>/dev/null | wc -l) frames)," \
    "$NAME.expect ($(grep -vc '^#' "$T/$NAME.expect") messages)," \
    "$NAME.keytab"
