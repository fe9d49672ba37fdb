#!/bin/bash
# samba-spn-wrong-account.sh - record captures/samba-spn-wrong-account.pcap:
# the HTTP SPN is registered on the web server's machine account (WEB$), but
# the web service (Apache mod_auth_gssapi) runs as the domain account
# svc-web and holds svc-web's keys. The Samba AD KDC seals the service
# ticket for HTTP/web.lab.example with WEB$'s key; Apache cannot decrypt it.
# Then the fix: the SPN moved to svc-web, a new ticket, and the login works.
# SPDX-License-Identifier: BSD-2-Clause
#
# Four network namespaces; "lan" holds a bridge the three hosts plug into:
#
#   client cli0 192.0.2.20 --+
#   dc     dc0  192.0.2.10 --+-- br0 (lan)   dc:  samba (AD DC: KDC, DNS ...)
#   web    web0 192.0.2.30 --+                web: apache2 -X
#
# Domain (samba-tool, local database): user alice; computer account WEB
# (WEB$); user svc-web; SPN HTTP/web.lab.example on WEB$ (samba-tool spn
# add HTTP/web.lab.example 'WEB$'); A record web.lab.example 192.0.2.30.
# Apache's keytab: the entries a Unix admin gets from "ktpass /princ
# HTTP/web.lab.example@LAB.EXAMPLE /mapuser svc-web /pass ...": the name
# HTTP/web.lab.example, svc-web's password, svc-web's salt
# (LAB.EXAMPLEsvc-web) and kvno (ktutil addent -s); the script checks that
# the keys are byte for byte those samba-tool domain exportkeytab
# --principal=svc-web exports.
#
# tcpdump records on cli0. Steps:
#   1. kinit alice (MIT, password on stdin): AS exchange (TCP)
#   2. curl --negotiate http://web.lab.example/private/: 401 Negotiate,
#      TGS-REQ/REP HTTP/web.lab.example (ticket sealed with WEB$'s key),
#      GET with the AP-REQ (mutual) -> 401 with a KRB-ERROR token
#   3. the fix on the DC (not on the wire): samba-tool spn delete
#      HTTP/web.lab.example 'WEB$'; samba-tool spn add HTTP/web.lab.example
#      svc-web. curl again with the cached ticket -> the same 401
#   4. kdestroy; kinit alice; curl: new TGS-REQ/REP (ticket sealed with
#      svc-web's key), AP-REQ -> 200 with an AP-REP token
# Output: captures/samba-spn-wrong-account.pcap, .expect, .keytab (every
# domain key from samba-tool domain exportkeytab, then Apache's entries).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=samba.lib
. "$(dirname "$0")/samba.lib"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from samba-spn-wrong-account.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected HTTP/web.lab.example:kerberos_rejected"

NAME=samba-spn-wrong-account
WEB4=192.0.2.30
SPN=HTTP/web.$SMB_DOMAIN
SVC=svc-web
PW_SVC='Svcweb-lab-pw1'
PW_WEB='Webhost-lab-pw1'

lab_init
T=$LAB_TMP
samba_need
for b in apache2:apache2 curl:curl ktutil:krb5-user; do
	command -v "${b%%:*}" >/dev/null 2>&1 || {
		lab_log "installing ${b#*:}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends "${b#*:}" >&2 ||
		    lab_die "apt-get install ${b#*:} failed"
	}
done
[ -f /usr/lib/apache2/modules/mod_auth_gssapi.so ] || {
	lab_log "installing libapache2-mod-auth-gssapi"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends libapache2-mod-auth-gssapi >&2 ||
	    lab_die "apt-get install libapache2-mod-auth-gssapi failed"
}

# ---- domain -------------------------------------------------------------------

samba_provision
samba_user alice "$SMB_PW_ALICE"
# A pre-created computer account has no password (no keys: the KDC answers
# KDC_ERR_ETYPE_NOSUPP for its SPNs); the domain join sets one. The lab does
# not join a Samba member server: it sets the machine password the join
# would set (a fixed lab one instead of a random one).
samba_tool computer create WEB
samba_tool user setpassword 'WEB$' --newpassword="$PW_WEB"
samba_user "$SVC" "$PW_SVC"
samba_tool spn add "$SPN" 'WEB$'
samba_tool spn list 'WEB$'
samba_tool spn list "$SVC"

# ---- network (samba_net's globals, with a bridge and a third host) -----------

lab_netns_add lan
lab_netns_add dc
lab_netns_add web
lab_netns_add client
NS_L=$LAB_TAG-lan
SMB_NS_DC=$LAB_TAG-dc
NS_W=$LAB_TAG-web
SMB_NS_C=$LAB_TAG-client
lab_link "$SMB_NS_C" cli0 "$NS_L" p-cli
lab_link "$SMB_NS_DC" dc0 "$NS_L" p-dc
lab_link "$NS_W" web0 "$NS_L" p-web
lab_bridge "$NS_L" br0 p-cli p-dc p-web
ip -n "$SMB_NS_DC" link set dev dc0 address 02:00:00:00:00:10
ip -n "$SMB_NS_C" link set dev cli0 address 02:00:00:00:00:20
ip -n "$NS_W" link set dev web0 address 02:00:00:00:00:30
lab_addr "$SMB_NS_DC" dc0 "$SMB_DC4/24"
lab_addr "$SMB_NS_C" cli0 "$SMB_CLI4/24"
lab_addr "$NS_W" web0 "$WEB4/24"
lab_resolv "$SMB_NS_C" "$SMB_DC4"
SMB_CLIENT_KRB5=$T/krb5-client.conf
samba_krb5conf "$SMB_CLIENT_KRB5"
samba_krb5conf "$T/krb5-dc.conf"
# The web server needs no KDC: it only reads its keytab.
samba_krb5conf "$T/krb5-web.conf"

samba_start
ip netns exec "$SMB_NS_DC" samba-tool dns add "$SMB_DC4" "$SMB_DOMAIN" \
    web A "$WEB4" -U "Administrator%$SMB_PW_ADMIN" -s "$SMB_CONF" \
    >>"$T/samba-tool.log" 2>&1 || lab_die "samba-tool dns add web"

# ---- keytabs ------------------------------------------------------------------

# Every key of the domain (krbtgt, DC$, WEB$, svc-web, alice ...).
samba_keytab "$T/domain.keytab"
# svc-web's own keys, as the DC holds them.
samba_tool domain exportkeytab "$T/svc-web.keytab" --principal="$SVC"
klist -kte -K "$T/svc-web.keytab" >"$T/svc-web.klist" 2>&1 ||
    lab_die "klist svc-web.keytab"
KVNO=$(awk '$1 ~ /^[0-9]+$/ { print $1; exit }' "$T/svc-web.klist")
[ -n "$KVNO" ] || lab_die "no kvno in svc-web.keytab"
# Apache's keytab: HTTP/web.lab.example with svc-web's password, salt and
# kvno (what ktpass /mapuser svc-web writes).
for e in aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96 arcfour-hmac; do
	printf 'addent -password -p %s -k %s -e %s -s %s\n%s\nwkt %s\nquit\n' \
	    "$SPN@$SMB_REALM" "$KVNO" "$e" "${SMB_REALM}$SVC" "$PW_SVC" \
	    "$T/http.keytab" | ktutil >>"$T/ktutil.out" 2>&1 ||
	    lab_die "ktutil addent $e"
done
klist -kte -K "$T/http.keytab" >"$T/http.klist" 2>&1 ||
    lab_die "klist http.keytab"
# the same keys, byte for byte (kvno, enctype, key), only the name differs
keys()
{
	awk '$1 ~ /^[0-9]+$/ { print $1, $NF, $(NF - 1) }' "$1" | sort
}
[ "$(keys "$T/http.klist")" = "$(keys "$T/svc-web.klist" |
    grep -E 'aes256|aes128|arcfour')" ] ||
    lab_die "Apache's keytab does not hold svc-web's keys"
[ "$(keys "$T/http.klist" | wc -l)" -eq 3 ] || lab_die "http.keytab: not 3 keys"
lab_log "Apache's keytab: $SPN, kvno $KVNO, svc-web's keys (checked)"
cp "$T/domain.keytab" "$T/$NAME.keytab"
printf 'rkt %s\nwkt %s\nquit\n' "$T/http.keytab" "$T/$NAME.keytab" |
    ktutil >>"$T/ktutil.out" 2>&1 || lab_die "ktutil merge"

# ---- Apache -------------------------------------------------------------------

A=$T/apache
mkdir -p "$A/run" "$A/htdocs/private" "$T/rcache"
chmod 1777 "$T/rcache"
echo "hello from web.$SMB_DOMAIN" >"$A/htdocs/private/index.html"
chmod 644 "$T/http.keytab" "$T/krb5-web.conf"
M=/usr/lib/apache2/modules
cat >"$A/apache2.conf" <<EOF
ServerRoot "$A"
ServerName web.$SMB_DOMAIN
DefaultRuntimeDir "$A/run"
PidFile "$A/run/apache2.pid"
Mutex file:$A/run default
ErrorLog "$A/error.log"
LogLevel info auth_gssapi:debug
User www-data
Group www-data
LoadModule mpm_prefork_module $M/mod_mpm_prefork.so
LoadModule authn_core_module $M/mod_authn_core.so
LoadModule authz_core_module $M/mod_authz_core.so
LoadModule authz_user_module $M/mod_authz_user.so
LoadModule mime_module $M/mod_mime.so
LoadModule auth_gssapi_module $M/mod_auth_gssapi.so
TypesConfig /dev/null
AddType text/plain .html
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog "$A/access.log" common
KeepAlive On
Listen $WEB4:80
DocumentRoot "$A/htdocs"
<Directory "$A/htdocs">
	Require all granted
</Directory>
<VirtualHost $WEB4:80>
	ServerName web.$SMB_DOMAIN
	<Location /private/>
		AuthType GSSAPI
		AuthName "LAB.EXAMPLE web (runs as svc-web)"
		GssapiCredStore keytab:$T/http.keytab
		GssapiAllowedMech krb5
		Require valid-user
	</Location>
</VirtualHost>
EOF
lab_log "starting apache2 in $NS_W"
lab_bg "$NS_W" "$T/apache2.out" env KRB5_CONFIG="$T/krb5-web.conf" \
    KRB5RCACHEDIR="$T/rcache" KRB5_TRACE="$A/krb5-trace.log" \
    apache2 -X -f "$A/apache2.conf"
lab_wait_listen "$NS_W" tcp 80
sleep 0.2

# ---- recording ----------------------------------------------------------------

PCAP=$T/$NAME.pcap
lab_tcpdump "$SMB_NS_C" cli0 "$PCAP" \
    'arp or icmp or port 53 or port 88 or tcp port 80'

SMB_CCACHE="FILE:$T/cc-alice"
URL=http://web.$SMB_DOMAIN/private/index.html
# --anyauth: the first request without credentials, then Negotiate (curl
# asks for mutual authentication).
CURL=(curl -sS --anyauth -u : -o "$T/body.out" -w '%{http_code}\n')
# curl_code EXPECTED: the HTTP status of the last curl.
curl_code()
{
	local got

	got=$(grep -E '^[0-9]{3}$' "$T/client.log" | tail -n 1)
	[ "$got" = "$1" ] || lab_die "curl $URL: expected $1, got $got"
}

lab_log "step 1: kinit alice"
samba_client "$SMB_PW_ALICE" kinit alice ||
    lab_die "kinit: $(tail -n 3 "$T/client.log")"
lab_log "step 2: curl --negotiate $URL (SPN on WEB\$, Apache holds svc-web's key)"
samba_client "" "${CURL[@]}" "$URL" || true
curl_code 401
lab_log "step 3: move the SPN to $SVC; curl again with the cached ticket"
samba_tool spn delete "$SPN" 'WEB$'
samba_tool spn add "$SPN" "$SVC"
samba_tool spn list 'WEB$'
samba_tool spn list "$SVC"
samba_client "" "${CURL[@]}" "$URL" || true
curl_code 401
lab_log "step 4: kdestroy, kinit alice, curl"
samba_client "" kdestroy || lab_die "kdestroy"
samba_client "$SMB_PW_ALICE" kinit alice ||
    lab_die "kinit: $(tail -n 3 "$T/client.log")"
samba_client "" "${CURL[@]}" "$URL" ||
    lab_die "curl: $(tail -n 3 "$T/client.log")"
curl_code 200
grep -q "hello from" "$T/body.out" || lab_die "curl: wrong body"
sleep 1.5
lab_stop "$LAB_TCPDUMP"

# ---- checks -------------------------------------------------------------------

grep -qi 'integrity\|decrypt' "$A/error.log" ||
    lab_die "apache error log does not show the key mismatch"
lab_need "$PCAP" "DNS A web" "dns.a == $WEB4" 1
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 2
lab_need "$PCAP" "TGS-REQ $SPN" \
    "kerberos.msg_type == 12 && kerberos.SNameString == \"HTTP\"" 2
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 2
lab_need "$PCAP" "HTTP 401" 'http.response.code == 401' 5
lab_need "$PCAP" "HTTP 200" 'http.response.code == 200' 1
lab_need "$PCAP" "AP-REQ in HTTP" 'http && kerberos.msg_type == 14' 3
lab_need "$PCAP" "KRB-ERROR in HTTP 401" \
    'http.response.code == 401 && kerberos.msg_type == 30' 2
lab_need "$PCAP" "AP-REP in HTTP 200" \
    'http.response.code == 200 && kerberos.msg_type == 15' 1
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
nt=$(lab_count "$PCAP" kerberos.encTicketPart_element "${DEC[@]}")
[ "$nt" -ge 5 ] || lab_die "keytab check: tickets decrypt in $nt frames"
n=$(lab_count "$PCAP" kerberos.encAPRepPart_element "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n AP-REP enc-parts decrypt, not 1"
# The proof of the mismatch: the refused tickets open with WEB$'s key, the
# accepted one with svc-web's.
n=$(lab_count "$PCAP" "kerberos.msg_type == 14 && _ws.expert.message \
    contains \"keytab principal WEB\$@$SMB_REALM\"" "${DEC[@]}")
[ "$n" -eq 2 ] || lab_die "keytab check: $n AP-REQs with WEB\$'s key, not 2"
n=$(lab_count "$PCAP" "kerberos.msg_type == 14 && _ws.expert.message \
    contains \"keytab principal $SVC@$SMB_REALM\"" "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n AP-REQs with $SVC's key, not 1"
lab_log "check: keytab decrypts tickets in $nt frames; AP-REQs: 2 under" \
    "WEB\$'s key, 1 under $SVC's"

{
	echo "# fault: HTTP SPN on the machine account WEB\$, service runs as" \
	    "svc-web (key mismatch); fixed by moving the SPN"
	echo "# classes: KRB-AP-MODIFIED"
	lab_expect_extra
	samba_expect "$PCAP"
} >"$T/$NAME.expect"
samba_publish "$NAME" "$PCAP" "$T/$NAME.expect" "$T/$NAME.keytab"
