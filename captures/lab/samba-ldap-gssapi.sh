#!/bin/bash
# samba-ldap-gssapi.sh - record captures/samba-ldap-gssapi.pcap: a healthy
# LDAP SASL/GSSAPI bind to a Samba AD DC: MIT kinit (AS exchange with the AD
# PAC), then ldapsearch -Y GSSAPI (OpenLDAP client, Cyrus SASL with MIT
# GSS-API): TGS-REQ ldap/dc.lab.example, bindRequest SASL GSSAPI with the
# AP-REQ, bindResponse saslBindInProgress with the AP-REP, the SASL security
# layer negotiation (wrap tokens), bindResponse success, then a search
# protected by the negotiated layer (sealed: not readable on the wire).
# SPDX-License-Identifier: BSD-2-Clause
#
#   client cli0 192.0.2.20 ----- dc0 192.0.2.10 dc (samba AD DC)
#
# tcpdump records on cli0. Steps:
#   1. kinit alice (MIT, password on stdin): AS-REQ, PREAUTH_REQUIRED,
#      AS-REQ with encrypted timestamp, AS-REP (TCP: udp_preference_limit 1)
#   2. ldapsearch -N -Y GSSAPI -H ldap://dc.lab.example -b DC=lab,DC=example
#      (sAMAccountName=alice) cn
# Output: captures/samba-ldap-gssapi.pcap, .expect, .keytab (every domain
# key, samba-tool domain exportkeytab).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-ldap-gssapi.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok ldap/dc.lab.example:ok"

NAME=samba-ldap-gssapi
lab_init
T=$LAB_TMP
samba_lab_up
samba_user alice "$SMB_PW_ALICE"
samba_start
samba_keytab "$T/$NAME.keytab"

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" \
    'arp or icmp or port 53 or port 88 or tcp port 389'

SMB_CCACHE="FILE:$T/cc-alice"
lab_log "step 1: kinit alice"
samba_client "$SMB_PW_ALICE" kinit alice ||
    lab_die "kinit: $(tail -n 3 "$T/client.log")"
lab_log "step 2: ldapsearch -Y GSSAPI -H ldap://dc.$SMB_DOMAIN"
# LDAPNOINIT: no /etc/ldap/ldap.conf, no ~/.ldaprc. -N: no reverse-DNS
# canonicalisation of the host name by SASL.
samba_client "" env LDAPNOINIT=1 ldapsearch -N -Y GSSAPI \
    -H "ldap://dc.$SMB_DOMAIN" -b "DC=lab,DC=example" \
    "(sAMAccountName=alice)" cn ||
    lab_die "ldapsearch: $(tail -n 3 "$T/client.log")"
grep -q '^cn: alice' "$T/client.log" || lab_die "ldapsearch: no entry"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ ldap/dc" \
    "kerberos.msg_type == 12 && kerberos.SNameString == \"ldap\"" 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
lab_need "$PCAP" "AP-REQ in LDAP bind" \
    'ldap.protocolOp == 0 && kerberos.msg_type == 14' 1
lab_need "$PCAP" "AP-REP in LDAP bind response" \
    'ldap.protocolOp == 1 && kerberos.msg_type == 15' 1
lab_need "$PCAP" "bind success" 'ldap.protocolOp == 1 && ldap.resultCode == 0' 1
n=$(lab_count "$PCAP" kerberos.encTicketPart_element \
    -o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
[ "$n" -ge 3 ] || lab_die "keytab check: tickets decrypt in $n frames"
lab_log "check: keytab decrypts tickets in $n frames"

{
	echo "# fault: none (healthy LDAP SASL/GSSAPI bind)"
	echo "# classes: none"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
