#!/bin/bash
# spn-names.sh - record captures/spn-names.pcap: which MSSQLSvc SPN FreeTDS
# tsql builds from the name it is given (short name, DNS alias, IP
# address, the port of a named instance), and what happens when the KDC
# knows only MSSQLSvc/sql.lab.example:1433. Kerberos logins over TDS
# (ENCRYPT_NOT_SUP) to the lab's SQL Server stand-in (tds-acceptor.c).
# SPDX-License-Identifier: BSD-2-Clause
#
# Network and realm: see spnname.lib (client 192.0.2.20, kdc+dns
# 192.0.2.10, sql 192.0.2.40 with a stand-in on 1433 and one on 1533; DNS:
# sql.lab.example A, db.lab.example CNAME sql.lab.example, PTR records;
# the client's resolv.conf has "search lab.example"). The KDC has one
# service principal, MSSQLSvc/sql.lab.example:1433. tcpdump records on the
# client's interface. Each tsql runs on its own TCP connection, with a
# credential cache holding only the TGT (so every case asks the KDC).
#   1. kinit alice
#   2. tsql -H sql -p 1433: short name; FreeTDS canonicalises it
#      (getaddrinfo AI_CANONNAME, the search domain): SPN
#      MSSQLSvc/sql.lab.example:1433, login OK
#   3. tsql -H db.lab.example -p 1433: the alias has a dot, FreeTDS uses it
#      as is: MSSQLSvc/db.lab.example:1433, S_PRINCIPAL_UNKNOWN (twice:
#      MIT retries without "canonicalize"), no LOGIN7, tsql gives up
#   4. the same with dns_canonicalize_hostname = true and rdns = true in
#      krb5.conf: the same SPN and errors (FreeTDS imports the SPN as a
#      Kerberos principal name, so MIT does no DNS canonicalisation), no PTR
#   5. tsql -H db -p 1433: a short alias IS canonicalised, to the CNAME's
#      target: MSSQLSvc/sql.lab.example:1433, login OK
#   6. tsql -H 192.0.2.40 -p 1433: MSSQLSvc/192.0.2.40:1433, no DNS,
#      S_PRINCIPAL_UNKNOWN, no NTLM fallback, tsql gives up
#   7. tsql -H sql.lab.example -p 1533 (named instance's port):
#      MSSQLSvc/sql.lab.example:1533, S_PRINCIPAL_UNKNOWN, tsql gives up
#   the fix: MSSQLSvc/db.lab.example:1433 and MSSQLSvc/sql.lab.example:1533
#   are registered (MIT: principals of their own, their keys added to the
#   service's keytab), then
#   8. tsql -H db.lab.example -p 1433: TGS-REP, login OK
#   9. tsql -H sql.lab.example -p 1533: TGS-REP, login OK
#  10. the client-side fix for an address: tsql -S sql-by-ip, a
#      freetds.conf entry with host = 192.0.2.40 and
#      spn = MSSQLSvc/sql.lab.example:1433: no DNS, TGS-REP, login OK
# Output: captures/spn-names.pcap, .expect, .keytab.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=tdslab.lib
. "$(dirname "$0")/tdslab.lib"
# shellcheck source-path=SCRIPTDIR source=spnname.lib
. "$(dirname "$0")/spnname.lib"

NAME=spn-names
SPN_ALIAS=MSSQLSvc/$ALIAS:1433
SPN_PORT=MSSQLSvc/$SQLHOST:1533

lab_init
spnname_setup
spnname_acceptor 1433
spnname_acceptor 1533
cat >"$T/freetds.conf" <<EOF
[global]
	tds version = 7.4
	encryption = off
[sql-by-ip]
	host = $SQL4
	port = 1433
	spn = $SPN
EOF

PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$SPN_FILTER"
STEP_LOG=$T/client.log
: >"$T/tsql-status.txt"

lab_log "step 1: kinit alice"
tdslab_client "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(tail -n 3 "$STEP_LOG")"
cp "$T/cc-alice" "$T/cc-tgt"

# case_tsql STEP KRB5CONF TSQL-ARG...: one tsql from a cache holding only
# the TGT
case_tsql()
{
	local step=$1 conf=$2 rc=0

	shift 2
	lab_log "step $step: tsql $* ($conf)"
	cp "$T/cc-tgt" "$T/cc-alice"
	spnname_tsql "$T/$conf" "$@" || rc=$?
	echo "$step $rc" >>"$T/tsql-status.txt"
}

case_tsql 2 krb5-kdc.conf -H sql -p 1433
case_tsql 3 krb5-kdc.conf -H "$ALIAS" -p 1433
case_tsql 4 krb5-rdns.conf -H "$ALIAS" -p 1433
case_tsql 5 krb5-kdc.conf -H db -p 1433
case_tsql 6 krb5-kdc.conf -H "$SQL4" -p 1433
case_tsql 7 krb5-kdc.conf -H "$SQLHOST" -p 1533

lab_log "the fix: register $SPN_ALIAS and $SPN_PORT"
lab_kadm "$REALM" "addprinc -pw $PW_SQL $SPN_ALIAS"
lab_kadm "$REALM" "addprinc -pw $PW_SQL $SPN_PORT"
lab_kadm "$REALM" "ktadd -norandkey -k $T/sql.keytab $SPN_ALIAS $SPN_PORT"
case_tsql 8 krb5-kdc.conf -H "$ALIAS" -p 1433
case_tsql 9 krb5-kdc.conf -H "$SQLHOST" -p 1533
case_tsql 10 krb5-kdc.conf -S sql-by-ip
sleep 1
lab_stop "$LAB_TCPDUMP"
# shellcheck disable=SC2154 # set by spnname_acceptor
lab_stop "$SPNNAME_ACC_1433"
# shellcheck disable=SC2154
lab_stop "$SPNNAME_ACC_1533"

# ---- checks -----------------------------------------------------------------

cat "$STEP_LOG" >&2
# tsql's exit status per step: 0 = logged in
printf '2 0\n3 1\n4 1\n5 0\n6 1\n7 1\n8 0\n9 0\n10 0\n' >"$T/want-status.txt"
cmp -s "$T/tsql-status.txt" "$T/want-status.txt" ||
    lab_die "tsql results: $(tr '\n' ' ' <"$T/tsql-status.txt")"
# the SPN FreeTDS built, per step (its TDSDUMP log)
sed -n 's/.*using kerberos name //p' "$T/tdsdump.log" >"$T/spns.txt"
printf '%s\n' "$SPN" "$SPN_ALIAS" "$SPN_ALIAS" "$SPN" \
    "MSSQLSvc/$SQL4:1433" "$SPN_PORT" "$SPN_ALIAS" "$SPN_PORT" "$SPN" \
    >"$T/want-spns.txt"
cmp -s "$T/spns.txt" "$T/want-spns.txt" ||
    lab_die "FreeTDS SPNs: $(tr '\n' ' ' <"$T/spns.txt")"
n=$(grep -c 'login accepted: alice@LAB.EXAMPLE' "$T/acceptor-1433.log" ||
    true)
[ "$n" -eq 4 ] || lab_die "acceptor 1433: $n logins, not 4"
n=$(grep -c 'login accepted: alice@LAB.EXAMPLE' "$T/acceptor-1533.log" ||
    true)
[ "$n" -eq 1 ] || lab_die "acceptor 1533: $n logins, not 1"
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 5
lab_need "$PCAP" "S_PRINCIPAL_UNKNOWN" \
    'kerberos.msg_type == 30 && kerberos.error_code == 7' 8
lab_need "$PCAP" "DNS CNAME db -> sql" \
    "dns.flags.response == 1 && dns.cname == \"$SQLHOST\"" 4
n=$(lab_count "$PCAP" 'dns.qry.type == 12')
[ "$n" -eq 0 ] || lab_die "$n PTR queries: a reverse lookup appeared"
n=$(lab_count "$PCAP" 'dns.qry.type == 28')
[ "$n" -eq 0 ] || lab_die "$n AAAA queries (AI_ADDRCONFIG should skip them)"
# LOGIN7s on 1433 (Wireshark) and on 1533 (raw: packet type 0x10)
lab_need "$PCAP" "TDS LOGIN7 on 1433" 'tds.type == 0x10' 4
lab_need "$PCAP" "TDS LOGIN7 on 1533" \
    'tcp.dstport == 1533 && tcp.payload[0] == 0x10' 1
spnname_tokens "$PCAP" >"$T/tokens.txt"
cat "$T/tokens.txt" >&2
n=$(grep -c '^[0-9]* 15 ' "$T/tokens.txt" || true)
[ "$n" -eq 5 ] || lab_die "$n AP-REPs in TDS, not 5"
n=$(grep -c '^[0-9]* 14 ' "$T/tokens.txt" || true)
[ "$n" -eq 5 ] || lab_die "$n AP-REQs in TDS, not 5 (no LOGIN7 after error 7)"
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN $SPN_ALIAS $SPN_PORT"
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
# the tickets of the AS-REP, of the 13 TGS-REQs (2 per failed case), of
# the 5 TGS-REPs and of the 4 AP-REQs on 1433 that Wireshark dissects
n=$(lab_count "$PCAP" kerberos.encTicketPart_element "${DEC[@]}")
[ "$n" -eq 23 ] || lab_die "keytab check: tickets decrypt in $n frames, not 23"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"

# ---- publish ----------------------------------------------------------------

# issue 7's rule IDs: S_PRINCIPAL_UNKNOWN for the SPNs; an SPN built from
# an IP literal and from a DNS alias (a CNAME in the DNS answer) instead of
# the canonical name. (The :1533 SPN is well-formed, just not registered.)
LAB_CLASSES="SPN-UNKNOWN SPN-MALFORMED"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from spn-names.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kdc_error MSSQLSvc/sql.lab.example:1433:ok MSSQLSvc/sql.lab.example:1533:ok"
spnname_expect "$PCAP" \
    "SPN built from a name the KDC does not know (DNS alias, IP address, named instance port): KDC_ERR_S_PRINCIPAL_UNKNOWN, no login" \
    >"$T/$NAME.expect"
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
