#!/bin/bash
# samba-healthy-smb.sh - record captures/samba-healthy-smb.pcap: a healthy
# Kerberos SMB2 session setup to a Samba AD DC: MIT kinit (AS exchange with
# the AD PAC), then smbclient --use-kerberos=required: SMB2 NEGOTIATE with
# the SPNEGO mech hints, TGS-REQ cifs/dc.lab.example, the forwarded TGT the
# client asks for because the DC is trusted for delegation (ok-as-delegate),
# SESSION_SETUP with SPNEGO/AP-REQ and the AP-REP, STATUS_SUCCESS, ls.
# SPDX-License-Identifier: BSD-2-Clause
#
#   client cli0 192.0.2.20 ----- dc0 192.0.2.10 dc (samba AD DC)
#
# tcpdump records on cli0. Steps:
#   1. kinit alice (MIT, password on stdin): AS-REQ, PREAUTH_REQUIRED,
#      AS-REQ with encrypted timestamp, AS-REP (TCP: udp_preference_limit 1)
#   2. smbclient //dc.lab.example/netlogon --use-kerberos=required
#      --use-krb5-ccache=<alice's cache> -c ls
# Output: captures/samba-healthy-smb.pcap, .expect, .keytab (every domain
# key, samba-tool domain exportkeytab).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-healthy-smb.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ok cifs/dc.lab.example:ok"

NAME=samba-healthy-smb
lab_init
T=$LAB_TMP
samba_lab_up
samba_user alice "$SMB_PW_ALICE"
samba_start
samba_keytab "$T/$NAME.keytab"

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" \
    'arp or icmp or port 53 or port 88 or tcp port 445'

SMB_CCACHE="FILE:$T/cc-alice"
lab_log "step 1: kinit alice"
samba_client "$SMB_PW_ALICE" kinit alice ||
    lab_die "kinit: $(tail -n 3 "$T/client.log")"
lab_log "step 2: smbclient //dc.$SMB_DOMAIN/netlogon --use-kerberos=required"
samba_client "" smbclient -s "$SMB_CLIENT_CONF" "//dc.$SMB_DOMAIN/netlogon" \
    --use-kerberos=required --use-krb5-ccache="$SMB_CCACHE" -c ls ||
    lab_die "smbclient: $(tail -n 3 "$T/client.log")"
grep -q 'blocks available' "$T/client.log" || lab_die "smbclient: no listing"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ cifs/dc" \
    "kerberos.msg_type == 12 && kerberos.SNameString == \"cifs\"" 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
lab_need "$PCAP" "SMB2 NEGOTIATE with SPNEGO" \
    'smb2.cmd == 0 && smb2.flags.response == 1 && spnego' 1
lab_need "$PCAP" "AP-REQ in SESSION_SETUP" \
    'smb2.cmd == 1 && kerberos.msg_type == 14' 1
lab_need "$PCAP" "AP-REP in SESSION_SETUP" \
    'smb2.cmd == 1 && kerberos.msg_type == 15' 1
lab_need "$PCAP" "SESSION_SETUP success" \
    'smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0' 1
n=$(lab_count "$PCAP" 'ntlmssp')
[ "$n" -eq 0 ] || lab_die "unexpected NTLMSSP ($n frames)"
n=$(lab_count "$PCAP" kerberos.encTicketPart_element \
    -o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
[ "$n" -ge 3 ] || lab_die "keytab check: tickets decrypt in $n frames"
lab_log "check: keytab decrypts tickets in $n frames"

{
	echo "# fault: none (healthy Kerberos SMB2 session setup)"
	echo "# classes: none"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
