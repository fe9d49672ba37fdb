#!/bin/bash
# http-negotiate.sh - record captures/http-negotiate.pcap: Kerberos inside
# HTTP (SPNEGO "Negotiate", RFC 4559) between curl and Apache mod_auth_gssapi,
# with DNS SRV discovery of the KDC.
# SPDX-License-Identifier: BSD-2-Clause
#
# Four network namespaces; "lan" holds a bridge the three hosts plug into:
#
#   client cli0 192.0.2.20 --+
#   kdc    kdc0 192.0.2.10 --+-- br0 (lan)      kdc: krb5kdc + dnsmasq
#   web    web0 192.0.2.30 --+                  web: apache2 -X
#
# tcpdump records on cli0 (the client's side). Steps, in this order:
#   1. kinit alice (password on stdin); the client finds the KDC through DNS
#      (dns_lookup_kdc = true: URI and SRV _kerberos._udp.LAB.EXAMPLE, then
#      A kdc.lab.example), preauth required, AS-REP
#   2. curl --negotiate http://web.lab.example/private/: DNS A/AAAA,
#      GET without credentials -> 401 WWW-Authenticate: Negotiate, TGS-REQ/REP
#      for HTTP/web.lab.example (KDC found through DNS again), GET with
#      Authorization: Negotiate <SPNEGO/AP-REQ, mutual> -> 200 with
#      WWW-Authenticate: Negotiate <SPNEGO/AP-REP>
#   3. the same URL on port 8080, a virtual host whose keytab holds a key for
#      HTTP/web.lab.example that does not match the KDC's (same kvno 1, key
#      from another password: a keytab exported before a password reset that
#      kept the kvno, or a key set by hand) -> 401; curl gives up
# Output: captures/http-negotiate.pcap, .expect (generated from tshark's
# dissection), .keytab (the lab keys, including the wrong one).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from http-negotiate.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected HTTP/web.lab.example:ok HTTP/web.lab.example:kerberos_rejected"

NAME=http-negotiate
REALM=LAB.EXAMPLE
DOMAIN=lab.example
KDC4=192.0.2.10
CLI4=192.0.2.20
WEB4=192.0.2.30
# Lab-only passwords (documented in captures/http-negotiate.md).
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_HTTP=web-lab-secret
PW_HTTP_WRONG=web-old-secret

lab_init
T=$LAB_TMP
for b in apache2:apache2 dnsmasq:dnsmasq-base curl:curl ktutil:krb5-user; do
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

# ---- configuration (all under $T) -----------------------------------------

# krb5conf FILE EXTRA-LIBDEFAULTS [REALM-BODY]
krb5conf()
{
	cat >"$1" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	noaddresses = true
	forwardable = false
	proxiable = false
	$2

[realms]
	$REALM = {
		$3
	}

[domain_realm]
	.$DOMAIN = $REALM
	$DOMAIN = $REALM
EOF
}
# The KDC tools read this one (KRB5_CONFIG from lab_init).
krb5conf "$T/krb5-kdc.conf" "dns_lookup_kdc = false" "kdc = $KDC4:88"
# The client knows no KDC address: it asks DNS (URI, then SRV records).
krb5conf "$T/krb5-client.conf" "dns_lookup_kdc = true" ""
# The web server needs no KDC at all: it only reads its keytab.
krb5conf "$T/krb5-web.conf" "dns_lookup_kdc = false" ""

lab_log "creating realm $REALM in $T/kdb"
lab_mit_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_HTTP HTTP/web.$DOMAIN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/http.keytab HTTP/web.$DOMAIN"
lab_ktadd_pw "$T/http-wrong.keytab" "HTTP/web.$DOMAIN@$REALM" 1 \
    "$PW_HTTP_WRONG"
# The published keytab: every lab key, the wrong one last.
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    HTTP/web.$DOMAIN"
lab_ktadd_pw "$T/$NAME.keytab" "HTTP/web.$DOMAIN@$REALM" 1 "$PW_HTTP_WRONG"

# DNS data for dnsmasq (authoritative for lab.example, nothing upstream).
cat >"$T/hosts" <<EOF
$KDC4 kdc.$DOMAIN
$WEB4 web.$DOMAIN
EOF

# Apache: its own configuration, nothing from /etc/apache2.
A=$T/apache
mkdir -p "$A/run" "$A/htdocs/private" "$T/rcache"
chmod 1777 "$T/rcache"
echo "hello from web.$DOMAIN" >"$A/htdocs/private/index.html"
chmod 644 "$T/http.keytab" "$T/http-wrong.keytab" "$T/krb5-web.conf"
M=/usr/lib/apache2/modules
cat >"$A/apache2.conf" <<EOF
ServerRoot "$A"
ServerName web.$DOMAIN
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
Listen $WEB4:8080
DocumentRoot "$A/htdocs"
<Directory "$A/htdocs">
	Require all granted
</Directory>
<VirtualHost $WEB4:80>
	ServerName web.$DOMAIN
	<Location /private/>
		AuthType GSSAPI
		AuthName "LAB.EXAMPLE web"
		GssapiCredStore keytab:$T/http.keytab
		GssapiAllowedMech krb5
		Require valid-user
	</Location>
</VirtualHost>
<VirtualHost $WEB4:8080>
	ServerName web.$DOMAIN
	<Location /private/>
		AuthType GSSAPI
		AuthName "LAB.EXAMPLE web (stale keytab)"
		GssapiCredStore keytab:$T/http-wrong.keytab
		GssapiAllowedMech krb5
		Require valid-user
	</Location>
</VirtualHost>
EOF

# ---- network ----------------------------------------------------------------

lab_netns_add lan
lab_netns_add kdc
lab_netns_add web
lab_netns_add client
NS_L=$LAB_TAG-lan
NS_K=$LAB_TAG-kdc
NS_W=$LAB_TAG-web
NS_C=$LAB_TAG-client
lab_link "$NS_C" cli0 "$NS_L" p-cli
lab_link "$NS_K" kdc0 "$NS_L" p-kdc
lab_link "$NS_W" web0 "$NS_L" p-web
lab_bridge "$NS_L" br0 p-cli p-kdc p-web
# Fixed, locally administered MAC addresses keep the link layer reproducible.
ip -n "$NS_K" link set dev kdc0 address 02:00:00:00:00:10
ip -n "$NS_C" link set dev cli0 address 02:00:00:00:00:20
ip -n "$NS_W" link set dev web0 address 02:00:00:00:00:30
lab_addr "$NS_K" kdc0 "$KDC4/24"
lab_addr "$NS_C" cli0 "$CLI4/24"
lab_addr "$NS_W" web0 "$WEB4/24"
lab_resolv "$NS_C" "$KDC4"

lab_log "starting krb5kdc and dnsmasq in $NS_K, apache2 in $NS_W"
lab_bg "$NS_K" "$T/krb5kdc.out" krb5kdc -n -r "$REALM"
lab_bg "$NS_K" "$T/dnsmasq.out" dnsmasq --keep-in-foreground \
    --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
    --addn-hosts="$T/hosts" --local="/$DOMAIN/" \
    --srv-host="_kerberos._udp.$REALM,kdc.$DOMAIN,88" \
    --srv-host="_kerberos._tcp.$REALM,kdc.$DOMAIN,88" \
    --listen-address="$KDC4" --bind-interfaces --port=53 \
    --user=root --group=root --pid-file="$T/dnsmasq.pid" \
    --log-queries --log-facility="$T/dnsmasq.log"
lab_bg "$NS_W" "$T/apache2.out" env KRB5_CONFIG="$T/krb5-web.conf" \
    KRB5RCACHEDIR="$T/rcache" KRB5_TRACE="$A/krb5-trace.log" \
    apache2 -X -f "$A/apache2.conf"
lab_wait_listen "$NS_K" udp 88
lab_wait_listen "$NS_K" tcp 88
lab_wait_listen "$NS_K" udp 53
lab_wait_listen "$NS_W" tcp 80
lab_wait_listen "$NS_W" tcp 8080
sleep 0.2

# ---- recording --------------------------------------------------------------

FILTER='arp or icmp or port 53 or port 88 or tcp port 80 or tcp port 8080'
PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$FILTER"

STEP_LOG=$T/client.log
# client STDIN CMD...: run a command in the client namespace with the
# client's Kerberos configuration and credential cache.
client()
{
	local input=$1 rc=0

	shift
	printf '$ %s\n' "$*" >>"$STEP_LOG"
	printf '%s\n' "$input" | ip netns exec "$NS_C" env \
	    KRB5_CONFIG="$T/krb5-client.conf" KRB5CCNAME="FILE:$T/cc-alice" \
	    KRB5_TRACE="$T/trace.log" \
	    timeout 30 "$@" >>"$STEP_LOG" 2>&1 || rc=$?
	sleep 0.3
	return "$rc"
}
URL=http://web.$DOMAIN/private/index.html
URL_BAD=http://web.$DOMAIN:8080/private/index.html
# --anyauth: the first request goes out without credentials and curl picks
# the scheme the server offers in its 401 (Negotiate); with --negotiate alone
# curl would send Authorization: Negotiate at once.
CURL=(curl -sS --anyauth -u : -o "$T/body.out" -w '%{http_code}\n')

lab_log "step 1: kinit alice (KDC from DNS SRV)"
client "$PW_ALICE" kinit alice ||
    lab_die "kinit alice: $(tail -n 3 "$STEP_LOG")"
lab_log "step 2: curl --negotiate $URL"
client "" "${CURL[@]}" "$URL" || lab_die "curl: $(tail -n 3 "$STEP_LOG")"
[ "$(tail -n 1 "$STEP_LOG")" = 200 ] ||
    lab_die "curl $URL: expected 200, got $(tail -n 1 "$STEP_LOG")"
grep -q "hello from" "$T/body.out" || lab_die "curl: wrong body"
lab_log "step 3: curl --negotiate $URL_BAD (wrong key in the keytab)"
client "" "${CURL[@]}" "$URL_BAD" || true
[ "$(tail -n 1 "$STEP_LOG")" = 401 ] ||
    lab_die "curl $URL_BAD: expected 401, got $(tail -n 1 "$STEP_LOG")"
# tcpdump reads the kernel's capture ring in blocks that are handed over
# when full or after 1 s: wait for the last block before stopping it.
sleep 1.5
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

# The acceptor side must have failed for the reason we staged.
grep -qi 'integrity\|decrypt' "$A/error.log" ||
    lab_die "apache error log does not show the key mismatch"

lab_need "$PCAP" "DNS SRV _kerberos._udp" \
    "dns.qry.type == 33 && dns.qry.name == \"_kerberos._udp.$REALM\"" 2
lab_need "$PCAP" "DNS SRV answer" "dns.srv.port == 88" 2
lab_need "$PCAP" "DNS A web" "dns.a == $WEB4" 1
lab_need "$PCAP" "AS-REQ" 'kerberos.msg_type == 10' 2
lab_need "$PCAP" "PREAUTH_REQUIRED" 'kerberos.error_code == 25' 1
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ" 'kerberos.msg_type == 12' 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
lab_need "$PCAP" "HTTP 401" 'http.response.code == 401' 3
lab_need "$PCAP" "HTTP 200" 'http.response.code == 200' 1
lab_need "$PCAP" "AP-REQ in HTTP" 'http && kerberos.msg_type == 14' 2
lab_need "$PCAP" "AP-REP in HTTP" 'http && kerberos.msg_type == 15' 1
lab_need "$PCAP" "KRB-ERROR 31 in HTTP 401" \
    'http.response.code == 401 && kerberos.error_code == 31' 1
# With the published keytab Wireshark decrypts the PA-ENC-TIMESTAMP, both
# KDC-REP enc-parts, the tickets (AS-REP, TGS-REQ, TGS-REP and both AP-REQs)
# and the AP-REP.
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTicketPart_element "${DEC[@]}")
[ "$n" -eq 5 ] || lab_die "keytab check: tickets decrypt in $n frames, not 5"
n=$(lab_count "$PCAP" kerberos.encAPRepPart_element "${DEC[@]}")
[ "$n" -eq 1 ] || lab_die "keytab check: $n AP-REP enc-parts decrypt, not 1"
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 2 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 2"
lab_log "check: keytab decrypts 5 frames' tickets, 2 KDC-REPs, the AP-REP"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"

# ---- publish ----------------------------------------------------------------

{
	echo "# fault: service keytab key mismatch (port 8080; port 80 healthy)"
	echo "# classes: KRB-AP-MODIFIED"
	lab_expect_extra
	# every layer: the AP-REQ/AP-REP/KRB-ERROR sit inside HTTP headers
	lab_expect "$PCAP" ""
} >"$T/$NAME.expect"
[ "$(grep -vc '^#' "$T/$NAME.expect")" -ge 10 ] ||
    lab_die "expect file too short"
cp "$PCAP" "$LAB_OUT/$NAME.pcap"
cp "$T/$NAME.expect" "$LAB_OUT/$NAME.expect"
cp "$T/$NAME.keytab" "$LAB_OUT/$NAME.keytab"
chmod 644 "$LAB_OUT/$NAME.pcap" "$LAB_OUT/$NAME.expect" \
    "$LAB_OUT/$NAME.keytab"
lab_log "wrote $LAB_OUT/$NAME.pcap ($size bytes," \
    "$(tshark -n -r "$PCAP" 2>/dev/null | wc -l) frames)," \
    "$NAME.expect ($(grep -vc '^#' "$T/$NAME.expect") messages)," \
    "$NAME.keytab"
