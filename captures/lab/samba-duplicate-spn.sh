#!/bin/bash
# samba-duplicate-spn.sh - record captures/samba-duplicate-spn.pcap: the
# same SPN (HTTP/web.lab.example) on two accounts of a Samba AD domain, and
# the KDC's answer to a TGS-REQ for it.
# SPDX-License-Identifier: BSD-2-Clause
#
#   client cli0 192.0.2.20 ----- dc0 192.0.2.10 dc (samba AD DC)
#
# Samba 4.17 refuses a duplicate SPN (samba-tool spn add, and its samldb
# module for any LDAP/ldb write: "spn[...] would cause a conflict"), like a
# Windows 2012 R2+ DC does. The duplicate is therefore written straight into
# the domain partition's ldb file (ldbmodify on tdb://.../DC=LAB,DC=EXAMPLE.ldb,
# below the module stack), before samba starts: the state a replication
# conflict, an old tool, or a restore leaves behind.
#
# tcpdump records on cli0. Steps:
#   1. kinit alice (MIT): AS exchange
#   2. kvno HTTP/web.lab.example: TGS-REQ for the duplicated SPN
#   3. kvno HTTP/app.lab.example: the same request for an SPN on one
#      account only (control: TGS-REP)
# Output: captures/samba-duplicate-spn.pcap, .expect, .keytab (every domain
# key, samba-tool domain exportkeytab).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-duplicate-spn.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kdc_error"

NAME=samba-duplicate-spn
SPN=HTTP/web.$SMB_DOMAIN
SPN_OK=HTTP/app.$SMB_DOMAIN
PW_SVC1='Web1-lab-pw1'
PW_SVC2='Web2-lab-pw1'
lab_init
T=$LAB_TMP
samba_lab_up
samba_user alice "$SMB_PW_ALICE"
samba_user websvc1 "$PW_SVC1"
samba_user websvc2 "$PW_SVC2"
samba_tool spn add "$SPN" websvc1
samba_tool spn add "$SPN_OK" websvc2
# The supported ways refuse the duplicate: record that they do.
if samba-tool spn add "$SPN" websvc2 -s "$SMB_CONF" >"$T/spn-dup.log" 2>&1
then
	lab_die "samba-tool spn add accepted a duplicate SPN"
fi
lab_log "samba-tool refuses: $(head -n 1 "$T/spn-dup.log")"
cat >"$T/dup.ldif" <<EOF
dn: CN=websvc2,CN=Users,DC=lab,DC=example
changetype: modify
add: servicePrincipalName
servicePrincipalName: $SPN
EOF
if ldbmodify -H "$T/dc/private/sam.ldb" "$T/dup.ldif" \
    >"$T/ldbmodify-checked.log" 2>&1; then
	lab_die "ldbmodify through sam.ldb accepted a duplicate SPN"
fi
lab_log "sam.ldb refuses: $(grep -m 1 ERR "$T/ldbmodify-checked.log")"
PART="$T/dc/private/sam.ldb.d/DC=LAB,DC=EXAMPLE.ldb"
ldbmodify -H "tdb://$PART" "$T/dup.ldif" >"$T/ldbmodify-raw.log" 2>&1 ||
    lab_die "raw ldbmodify: $(cat "$T/ldbmodify-raw.log")"
n=$(ldbsearch -H "$T/dc/private/sam.ldb" "(servicePrincipalName=$SPN)" \
    dn 2>/dev/null | grep -c '^dn: ')
[ "$n" -eq 2 ] || lab_die "duplicate SPN not in place ($n accounts)"
lab_log "$SPN is now on websvc1 and websvc2"
samba_start
samba_keytab "$T/$NAME.keytab"

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" 'arp or icmp or port 53 or port 88'

SMB_CCACHE="FILE:$T/cc-alice"
lab_log "step 1: kinit alice"
samba_client "$SMB_PW_ALICE" kinit alice ||
    lab_die "kinit: $(tail -n 3 "$T/client.log")"
lab_log "step 2: kvno $SPN (on two accounts)"
if samba_client "" kvno "$SPN"; then
	lab_die "kvno $SPN unexpectedly succeeded"
fi
lab_log "$(grep "^kvno:" "$T/client.log" | tail -n 1)"
lab_log "step 3: kvno $SPN_OK (on one account)"
samba_client "" kvno "$SPN_OK" || lab_die "kvno: $(tail -n 3 "$T/client.log")"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ HTTP/web" \
    "kerberos.msg_type == 12 && kerberos.SNameString == \"web.$SMB_DOMAIN\"" 1
lab_need "$PCAP" "KRB-ERROR for HTTP/web" \
    'kerberos.msg_type == 30 && kerberos.error_code != 25' 1
lab_need "$PCAP" "TGS-REP HTTP/app" 'kerberos.msg_type == 13' 1

{
	echo "# fault: duplicate SPN ($SPN on websvc1 and websvc2)"
	echo "# classes: SPN-UNKNOWN"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
