#!/bin/bash
# double-hop-not-trusted.sh - record captures/double-hop-not-trusted.pcap:
# the double hop (client -> web tier -> SQL Server) failing because the
# middle tier is not trusted for delegation: no forwarded TGT reaches the
# web tier, which then has no credentials to log in to SQL Server as the
# user.
# SPDX-License-Identifier: BSD-2-Clause
#
# The same lab as double-hop.sh (see deleg.lib: kdc+dns 192.0.2.10, client
# 192.0.2.20, web 192.0.2.30, sql 192.0.2.40 on one bridge; tcpdump on the
# bridge), except that HTTP/web.lab.example is created WITHOUT the KDC flag
# ok_as_delegate (kadmin "-ok_as_delegate"). The client asks for delegation
# by policy (curl --delegation policy = GSS_C_DELEG_POLICY_FLAG: delegate
# only to a service whose ticket says ok-as-delegate). Steps:
#   1. kinit -f alice: AS-REQ, PREAUTH_REQUIRED, AS-REQ, AS-REP (forwardable)
#   2. curl --negotiate --delegation policy http://web.lab.example/app/sql.cgi:
#      GET -> 401 Negotiate; TGS-REQ/REP HTTP/web.lab.example (no
#      ok-as-delegate in the ticket); NO TGS-REQ for a forwarded TGT; GET
#      with Authorization: Negotiate (AP-REQ, GSS flags mutual, no Deleg, no
#      KRB-CRED); 200 for the web page itself. mod_auth_gssapi has nothing
#      to store, so the CGI runs without KRB5CCNAME: tsql resolves
#      sql.lab.example, connects, sends PRELOGIN, gets the answer, then its
#      gss_init_sec_context fails (GSS_S_NO_CRED) and it closes the
#      connection without a LOGIN7 (no TGS-REQ from web, no login at the
#      back end). The page shows FreeTDS's "Adaptive Server connection
#      failed" (error 20002).
# Output: captures/double-hop-not-trusted.pcap, .expect, .keytab.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=tdslab.lib
. "$(dirname "$0")/tdslab.lib"
# shellcheck source-path=SCRIPTDIR source=deleg.lib
. "$(dirname "$0")/deleg.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="DELEG-NO-FORWARDED-TGT"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from double-hop-not-trusted.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok HTTP/web.lab.example:ok
# session 192.0.2.30 - no_login -:no_login
# chain alice@LAB.EXAMPLE 192.0.2.20 192.0.2.30:80 192.0.2.40:1433 inferred"

NAME=double-hop-not-trusted

lab_init
deleg_setup -ok_as_delegate
deleg_run

# ---- checks -----------------------------------------------------------------

if grep -q 'OK_AS_DELEGATE' "$T/getprinc-http.txt"; then
	lab_die "HTTP/web has ok_as_delegate: $(cat "$T/getprinc-http.txt")"
fi
[ "$DELEG_HTTP" = 200 ] || lab_die "curl: HTTP $DELEG_HTTP, not 200"
grep -q 'KRB5CCNAME=(not set)' "$T/body.out" ||
    lab_die "the CGI got a ccache: $(cat "$T/body.out")"
grep -q 'Adaptive Server connection failed' "$T/body.out" ||
    lab_die "tsql did not fail as expected: $(cat "$T/body.out")"
grep -q 'gss_init_sec_context: GSS_S_NO_CRED' "$T/web-tdsdump.log" ||
    lab_die "FreeTDS did not fail with GSS_S_NO_CRED"
grep -q 'PRELOGIN: client ENCRYPTION NOT_SUP' "$T/acceptor.log" ||
    lab_die "no PRELOGIN at the acceptor: $(cat "$T/acceptor.log")"
if grep -q "LOGIN7:" "$T/acceptor.log"; then
	lab_die "the acceptor got a LOGIN7: $(cat "$T/acceptor.log")"
fi
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REP HTTP/web" \
    'kerberos.msg_type == 13 && kerberos.SNameString == "HTTP"' 1
lab_need "$PCAP" "HTTP 401" 'http.response.code == 401' 1
lab_need "$PCAP" "AP-REQ in HTTP" 'http && kerberos.msg_type == 14' 1
lab_need "$PCAP" "HTTP 200" 'http.response.code == 200' 1
lab_need "$PCAP" "TDS PRELOGIN from web" \
    "ip.src == $WEB4 && tds.type == 0x12" 1
lab_need "$PCAP" "web closes the TDS connection" \
    "ip.src == $WEB4 && tcp.dstport == 1433 && tcp.flags.fin == 1" 1
n=$(lab_count "$PCAP" 'kerberos.KDCOptions.forwarded == 1')
[ "$n" -eq 0 ] || lab_die "$n TGS-REQs for a forwarded TGT, not 0"
n=$(lab_count "$PCAP" "ip.addr == $WEB4 && ip.addr == $KDC4 && kerberos")
[ "$n" -eq 0 ] || lab_die "$n Kerberos frames between web and kdc, not 0"
n=$(lab_count "$PCAP" 'tds.type == 0x10')
[ "$n" -eq 0 ] || lab_die "$n LOGIN7s, not 0"
lab_log "check: no forwarded TGT, no Kerberos from web, no LOGIN7"
# With the published keytab: the HTTP ticket has no ok-as-delegate, and the
# AP-REQ's authenticator checksum has no Deleg flag and no KRB-CRED.
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" \
    'kerberos.msg_type == 13 && kerberos.SNameString == "HTTP" && kerberos.TicketFlags.ok.as.delegate == 0' \
    "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n HTTP tickets without ok-as-delegate, not 1"
n=$(lab_count "$PCAP" 'http && kerberos.gssapi.checksum.flags.deleg == 0' \
    "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n AP-REQs without Deleg, not 1"
n=$(lab_count "$PCAP" 'kerberos.krb_cred_element' "${DEC[@]}")
[ "$n" -eq 0 ] || lab_die "keytab check: $n KRB-CREDs, not 0"
lab_log "check: keytab shows no ok-as-delegate, no Deleg, no KRB-CRED"

# ---- publish ----------------------------------------------------------------

deleg_publish "middle tier not trusted for delegation (no ok-as-delegate: no forwarded TGT, the web tier has no credentials for the back end)"
