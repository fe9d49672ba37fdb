#!/bin/bash
# tds-healthy.sh - record captures/tds-healthy.pcap: a healthy Kerberos
# ("integrated") login to SQL Server over TDS, without encryption
# (ENCRYPT_NOT_SUP), between FreeTDS tsql and the lab's SQL Server
# stand-in (tds-acceptor.c).
# SPDX-License-Identifier: BSD-2-Clause
#
# Network and realm: see tdslab.lib (client 192.0.2.20, kdc+dns 192.0.2.10,
# sql 192.0.2.40). tcpdump records on the client's interface. Steps:
#   1. kinit alice: AS-REQ, PREAUTH_REQUIRED, AS-REQ with timestamp, AS-REP
#   2. tsql -S sql.lab.example (no user: Kerberos), freetds.conf
#      "encryption = off" (FreeTDS then sends ENCRYPTION NOT_SUP):
#      DNS A sql.lab.example, TGS-REQ/REP for MSSQLSvc/sql.lab.example:1433,
#      PRELOGIN (client NOT_SUP) / answer NOT_SUP, LOGIN7 with the AP-REQ
#      (mutual), TABULAR RESULT: SSPI token with the AP-REP, ENVCHANGE,
#      LOGINACK, DONE; one batch ("select 1") answered with DONE; close.
# Output: captures/tds-healthy.pcap, .expect, .keytab.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=tdslab.lib
. "$(dirname "$0")/tdslab.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="none"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from tds-healthy.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok MSSQLSvc/sql.lab.example:1433:ok"

NAME=tds-healthy

lab_init
tdslab_setup
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN"
tdslab_acceptor "$T/sql.keytab" -e not_sup
tdslab_freetds off

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$FILTER"
STEP_LOG=$T/client.log

lab_log "step 1: kinit alice"
tdslab_client "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(tail -n 3 "$STEP_LOG")"
lab_log "step 2: tsql -S $SQLHOST (integrated login, ENCRYPT_NOT_SUP)"
tdslab_client "$(printf 'select 1\ngo\nexit')" tsql -S "$SQLHOST" -o q ||
    lab_die "tsql: $(tail -n 5 "$STEP_LOG")"
sleep 1.5
lab_stop "$LAB_TCPDUMP"
lab_stop "$TDSLAB_ACCEPTOR"

# ---- checks -----------------------------------------------------------------

grep -q 'login accepted: alice@LAB.EXAMPLE' "$T/acceptor.log" ||
    lab_die "acceptor did not accept alice: $(cat "$T/acceptor.log")"
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
grep -q '^[0-9]* 15 ' "$T/tokens.txt" ||
    lab_die "no AP-REP in the server's SSPI token"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
# the tickets of the AS-REP, TGS-REQ, TGS-REP and the LOGIN7's AP-REQ
n=$(lab_count "$PCAP" kerberos.encTicketPart_element "${DEC[@]}")
[ "$n" -eq 4 ] || lab_die "keytab check: tickets decrypt in $n frames, not 4"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"

# ---- publish ----------------------------------------------------------------

tdslab_expect "$PCAP" \
    "none (healthy TDS Kerberos login, ENCRYPT_NOT_SUP)" >"$T/$NAME.expect"
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
