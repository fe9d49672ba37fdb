#!/bin/bash
# double-hop.sh - record captures/double-hop.pcap: the classic double hop
# (client -> web tier -> SQL Server), healthy, with unconstrained delegation:
# the client forwards its TGT to the web tier, which uses it to log in to
# SQL Server over TDS as the user.
# SPDX-License-Identifier: BSD-2-Clause
#
# Network and realm: see deleg.lib (kdc+dns 192.0.2.10, client 192.0.2.20,
# web 192.0.2.30, sql 192.0.2.40, all on one bridge). tcpdump records on the
# bridge, so both hops are in the one capture. HTTP/web.lab.example carries
# the KDC flag ok_as_delegate (kadmin "+ok_as_delegate": MIT's "trusted for
# delegation"). Steps:
#   1. kinit -f alice: AS-REQ, PREAUTH_REQUIRED, AS-REQ, AS-REP (forwardable)
#   2. curl --negotiate --delegation policy http://web.lab.example/app/sql.cgi:
#      GET -> 401 Negotiate; TGS-REQ/REP HTTP/web.lab.example (the ticket
#      has ok-as-delegate, so "policy" delegates); TGS-REQ/REP for a
#      forwarded krbtgt/LAB.EXAMPLE; GET with Authorization: Negotiate
#      (AP-REQ whose authenticator carries the KRB-CRED with the forwarded
#      TGT); mod_auth_gssapi stores it (GssapiDelegCcacheDir) and the CGI
#      runs tsql with KRB5CCNAME pointing at it: from web, TGS-REQ/REP for
#      MSSQLSvc/sql.lab.example:1433 with alice's forwarded TGT, PRELOGIN,
#      LOGIN7 with the AP-REQ, SSPI (AP-REP) + LOGINACK, select 1; 200.
# Output: captures/double-hop.pcap, .expect, .keytab.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=tdslab.lib
. "$(dirname "$0")/tdslab.lib"
# shellcheck source-path=SCRIPTDIR source=deleg.lib
. "$(dirname "$0")/deleg.lib"
# the findings (issue 7 rule IDs) this scenario must produce
LAB_CLASSES="none"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from double-hop.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok HTTP/web.lab.example:ok
# session 192.0.2.30 alice@LAB.EXAMPLE ok MSSQLSvc/sql.lab.example:1433:ok
# chain alice@LAB.EXAMPLE 192.0.2.20 192.0.2.30:80 192.0.2.40:1433 proven"

NAME=double-hop

lab_init
deleg_setup +ok_as_delegate
deleg_run

# ---- checks -----------------------------------------------------------------

grep -q 'OK_AS_DELEGATE' "$T/getprinc-http.txt" ||
    lab_die "HTTP/web has no ok_as_delegate: $(cat "$T/getprinc-http.txt")"
[ "$DELEG_HTTP" = 200 ] || lab_die "curl: HTTP $DELEG_HTTP, not 200"
grep -q "KRB5CCNAME=.*$T/deleg/alice@$REALM" "$T/body.out" ||
    lab_die "the CGI got no delegated ccache: $(cat "$T/body.out")"
grep -q 'login accepted: alice@LAB.EXAMPLE' "$T/acceptor.log" ||
    lab_die "acceptor did not accept alice: $(cat "$T/acceptor.log")"
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REP HTTP/web" \
    'kerberos.msg_type == 13 && kerberos.SNameString == "HTTP"' 1
lab_need "$PCAP" "TGS-REQ forwarded TGT from client" \
    "ip.src == $CLI4 && kerberos.msg_type == 12 && kerberos.KDCOptions.forwarded == 1" 1
lab_need "$PCAP" "HTTP 401" 'http.response.code == 401' 1
lab_need "$PCAP" "AP-REQ in HTTP" 'http && kerberos.msg_type == 14' 1
lab_need "$PCAP" "HTTP 200" 'http.response.code == 200' 1
lab_need "$PCAP" "TGS-REQ from web" \
    "ip.src == $WEB4 && kerberos.msg_type == 12" 1
lab_need "$PCAP" "TGS-REP MSSQLSvc to web" \
    "ip.dst == $WEB4 && kerberos.msg_type == 13 && kerberos.SNameString == \"MSSQLSvc\"" 1
lab_need "$PCAP" "TDS LOGIN7 from web" "ip.src == $WEB4 && tds.type == 0x10" 1
lab_need "$PCAP" "AP-REQ in TDS" 'tds && kerberos.msg_type == 14' 1
tdslab_tokens "$PCAP" >"$T/tokens.txt"
grep -q '^[0-9]* 15 ' "$T/tokens.txt" ||
    lab_die "no AP-REP in the server's SSPI token"
# With the published keytab Wireshark decrypts the HTTP AP-REQ's
# authenticator: GSS checksum flag "Deleg" and the KRB-CRED (the forwarded
# TGT); and the TGS-REP enc-part of HTTP/web shows ok-as-delegate.
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" \
    'http && kerberos.gssapi.checksum.flags.deleg == 1 && kerberos.krb_cred_element' \
    "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n HTTP AP-REQs with a KRB-CRED, not 1"
n=$(lab_count "$PCAP" \
    'kerberos.msg_type == 13 && kerberos.SNameString == "HTTP" && kerberos.TicketFlags.ok.as.delegate == 1' \
    "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n ok-as-delegate HTTP tickets, not 1"
lab_log "check: keytab shows ok-as-delegate and the KRB-CRED in the AP-REQ"

# ---- publish ----------------------------------------------------------------

deleg_publish "none (healthy double hop: forwarded TGT, unconstrained delegation)"
