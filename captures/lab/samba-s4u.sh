#!/bin/bash
# samba-s4u.sh - record captures/samba-s4u.pcap: Kerberos constrained
# delegation with protocol transition (S4U2Self + S4U2Proxy) against a Samba
# AD KDC: allowed, refused for a target not in msDS-AllowedToDelegateTo, and
# refused for a user marked "sensitive and cannot be delegated".
# SPDX-License-Identifier: BSD-2-Clause
#
#   client cli0 192.0.2.20 ----- dc0 192.0.2.10 dc (samba AD DC)
#
# Accounts: alice (user); svc1 (service account, SPN HTTP/svc1.lab.example,
# "trusted to authenticate for delegation" = for-any-protocol, and
# msDS-AllowedToDelegateTo = cifs/dc.lab.example).
# The "client" namespace plays the middle tier running as svc1 (MIT kvno).
# tcpdump records on cli0. Each step starts from a fresh kinit of svc1 (a new
# credential cache), so it shows the whole S4U2Self + S4U2Proxy sequence:
#   1. kvno -U alice -P cifs/dc.lab.example: S4U2Self (TGS-REQ to svc1 with
#      PA-FOR-USER/PA-S4U-X509-USER alice) -> TGS-REP (forwardable evidence
#      ticket), S4U2Proxy (TGS-REQ cifs/dc.lab.example, cname-in-addl-tkt,
#      the evidence ticket as additional ticket) -> TGS-REP: allowed
#   2. kvno -U alice -P host/dc.lab.example: S4U2Self as above, S4U2Proxy
#      -> KRB-ERROR (host/dc.lab.example is not in the allowed list)
#   3. samba-tool user sensitive alice on (UF_NOT_DELEGATED, "Account is
#      sensitive and cannot be delegated"), then step 1 again: S4U2Self gives
#      a ticket that is not forwardable, S4U2Proxy -> KRB-ERROR
# Output: captures/samba-s4u.pcap, .expect, .keytab (every domain key,
# samba-tool domain exportkeytab).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-s4u.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 svc1@LAB.EXAMPLE kdc_error
# chain alice@LAB.EXAMPLE S4U 192.0.2.20 @cifs/dc.lab.example proven
# chain alice@LAB.EXAMPLE S4U 192.0.2.20 @host/dc.lab.example proven
# chain alice@LAB.EXAMPLE S4U 192.0.2.20 @cifs/dc.lab.example proven"

NAME=samba-s4u
PW_SVC1='Svc1-lab-pw1'
lab_init
T=$LAB_TMP
samba_lab_up
samba_user alice "$SMB_PW_ALICE"
samba_user svc1 "$PW_SVC1"
samba_tool spn add "HTTP/svc1.$SMB_DOMAIN" svc1
samba_tool delegation add-service svc1 "cifs/dc.$SMB_DOMAIN"
samba_tool delegation for-any-protocol svc1 on
samba_tool delegation show svc1
samba_start
samba_keytab "$T/$NAME.keytab"

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" 'arp or icmp or port 53 or port 88'

# s4u STEP TARGET: fresh svc1 TGT, then kvno -U alice -P TARGET.
s4u()
{
	SMB_CCACHE="FILE:$T/cc-svc1-$1"
	samba_client "$PW_SVC1" kinit svc1 ||
	    lab_die "kinit svc1: $(tail -n 3 "$T/client.log")"
	samba_client "" kvno -U alice -P "$2"
}

lab_log "step 1: kvno -U alice -P cifs/dc.$SMB_DOMAIN (allowed)"
s4u 1 "cifs/dc.$SMB_DOMAIN" || lab_die "S4U: $(tail -n 3 "$T/client.log")"
lab_log "step 2: kvno -U alice -P host/dc.$SMB_DOMAIN (not in the list)"
if s4u 2 "host/dc.$SMB_DOMAIN"; then
	lab_die "S4U2Proxy to host/dc unexpectedly allowed"
fi
lab_log "$(grep "^kvno:" "$T/client.log" | tail -n 1)"
lab_log "step 3: alice sensitive, kvno -U alice -P cifs/dc.$SMB_DOMAIN"
samba_tool user sensitive alice on
if s4u 3 "cifs/dc.$SMB_DOMAIN"; then
	lab_die "S4U2Proxy for a sensitive user unexpectedly allowed"
fi
lab_log "$(grep "^kvno:" "$T/client.log" | tail -n 1)"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

lab_need "$PCAP" "AS-REP svc1" 'kerberos.msg_type == 11' 3
lab_need "$PCAP" "S4U2Self (PA-FOR-USER)" \
    'kerberos.msg_type == 12 && kerberos.padata_type == 129' 3
lab_need "$PCAP" "S4U2Proxy (cname-in-addl-tkt)" \
    'kerberos.msg_type == 12 && kerberos.KDCOptions.constrained.delegation == 1' 3
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 4
lab_need "$PCAP" "KDC_ERR_BADOPTION" 'kerberos.error_code == 13' 2
# With the published keytab the S4U2Self tickets decrypt: forwardable in
# steps 1 and 2, not forwardable once alice is sensitive (step 3).
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" 'kerberos.msg_type == 13 && kerberos.TicketFlags.forwardable == 0' "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n non-forwardable tickets, not 1"
n=$(lab_count "$PCAP" 'kerberos.msg_type == 13 && kerberos.TicketFlags.forwardable == 1' "${DEC[@]}")
[ "$n" -eq 3 ] || lab_die "keytab check: $n forwardable tickets, not 3"
lab_log "check: keytab decrypts the S4U2Self tickets (forwardable 2x, not 1x)"

{
	echo "# fault: constrained delegation: S4U2Proxy allowed to" \
	    "cifs/dc, refused for host/dc (not in msDS-AllowedToDelegateTo)" \
	    "and for a sensitive user"
	echo "# classes: DELEG-S4U-DENIED"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
