#!/bin/bash
# samba-spn-missing.sh - record captures/samba-spn-missing.pcap: smbclient to
# a DNS alias of the Samba AD DC that has no cifs/ SPN: the KDC answers
# KDC_ERR_S_PRINCIPAL_UNKNOWN (7), and smbclient, with Kerberos only
# "desired", falls back to NTLMSSP inside SMB2 SESSION_SETUP and succeeds;
# with Kerberos "required" it gives up before any SESSION_SETUP.
# SPDX-License-Identifier: BSD-2-Clause
#
#   client cli0 192.0.2.20 ----- dc0 192.0.2.10 dc (samba AD DC: KDC, DNS,
#                                                   LDAP, SMB)
#
# DNS (the DC's internal DNS server): files.lab.example A 192.0.2.10, an
# alias name for the DC with no SPN on any account.
# tcpdump records on cli0. Steps:
#   1. smbclient //files.lab.example/netlogon --use-kerberos=desired
#      -U alice%... -c ls: DNS A, SMB2 NEGOTIATE, AS exchange (smbclient
#      does its own kinit from the password), TGS-REQ cifs/files.lab.example
#      -> S_PRINCIPAL_UNKNOWN (twice: the second with canonicalize),
#      SESSION_SETUP NTLMSSP NEGOTIATE/CHALLENGE/AUTH -> STATUS_SUCCESS, ls
#   2. the same with --use-kerberos=required: the same AS/TGS exchange and
#      S_PRINCIPAL_UNKNOWN, then no SESSION_SETUP at all (the client stops
#      with NT_STATUS_INVALID_PARAMETER)
# Output: captures/samba-spn-missing.pcap, .expect, .keytab (every domain
# key, exported with samba-tool domain exportkeytab).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-spn-missing.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE ntlm_fallback cifs/files.lab.example:ntlm_fallback"

NAME=samba-spn-missing
lab_init
T=$LAB_TMP
samba_lab_up
samba_user alice "$SMB_PW_ALICE"
samba_start
# The alias: an A record in the DC's own DNS zone (over RPC, before the
# recording starts).
ip netns exec "$SMB_NS_DC" samba-tool dns add "$SMB_DC4" "$SMB_DOMAIN" \
    files A "$SMB_DC4" -U "Administrator%$SMB_PW_ADMIN" -s "$SMB_CONF" \
    >>"$T/samba-tool.log" 2>&1 || lab_die "samba-tool dns add files"
samba_keytab "$T/$NAME.keytab"

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" \
    'arp or icmp or port 53 or port 88 or tcp port 445'

SMB=(smbclient -s "$SMB_CLIENT_CONF" "//files.$SMB_DOMAIN/netlogon"
    -U "alice%$SMB_PW_ALICE" -c ls)
SMB_CCACHE="FILE:$T/cc-step1"
lab_log "step 1: smbclient //files.$SMB_DOMAIN/netlogon --use-kerberos=desired"
samba_client "" "${SMB[@]}" --use-kerberos=desired ||
    lab_die "smbclient desired: $(tail -n 3 "$T/client.log")"
SMB_CCACHE="FILE:$T/cc-step2"
lab_log "step 2: the same with --use-kerberos=required (must fail)"
if samba_client "" "${SMB[@]}" --use-kerberos=required; then
	lab_die "smbclient required unexpectedly succeeded"
fi
grep -q 'session setup failed' "$T/client.log" ||
    lab_die "smbclient required: $(tail -n 3 "$T/client.log")"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

lab_need "$PCAP" "DNS A files" "dns.a == $SMB_DC4 && dns.qry.name == \"files.$SMB_DOMAIN\"" 1
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 2
lab_need "$PCAP" "TGS-REQ cifs/files" \
    "kerberos.msg_type == 12 && kerberos.SNameString == \"files.$SMB_DOMAIN\"" 4
lab_need "$PCAP" "S_PRINCIPAL_UNKNOWN" 'kerberos.error_code == 7' 4
n=$(lab_count "$PCAP" 'kerberos.msg_type == 13')
[ "$n" -eq 0 ] || lab_die "unexpected TGS-REP ($n)"
lab_need "$PCAP" "NTLMSSP NEGOTIATE" 'ntlmssp.messagetype == 1' 1
lab_need "$PCAP" "NTLMSSP AUTH" 'ntlmssp.messagetype == 3' 1
lab_need "$PCAP" "SESSION_SETUP success" \
    'smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0' 1
lab_need "$PCAP" "SMB2 NEGOTIATE" 'smb2.cmd == 0 && smb2.flags.response == 1' 2
n=$(lab_count "$PCAP" 'smb2.cmd == 1 && smb2.flags.response == 0')
[ "$n" -eq 2 ] || lab_die "expected 2 SESSION_SETUP requests (NTLM), got $n"
n=$(lab_count "$PCAP" kerberos.encTicketPart_element \
    -o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
[ "$n" -ge 2 ] || lab_die "keytab check: tickets decrypt in $n frames"

{
	echo "# fault: SPN missing (cifs/files.lab.example on no account):" \
	    "KDC_ERR_S_PRINCIPAL_UNKNOWN, smbclient falls back to NTLM"
	echo "# classes: SPN-UNKNOWN NTLM-FALLBACK"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
