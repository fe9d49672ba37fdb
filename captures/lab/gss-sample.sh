#!/bin/bash
# gss-sample.sh - record captures/gss-sample.pcap: raw GSS-API (RFC 2743,
# Kerberos mechanism RFC 1964/4121) over a private TCP protocol, MIT's
# gss-client / gss-server sample programs, on port 4444.
# SPDX-License-Identifier: BSD-2-Clause
#
# Four network namespaces; "lan" holds a bridge the three hosts plug into:
#
#   client cli0 192.0.2.20 --+
#   kdc    kdc0 192.0.2.10 --+-- br0 (lan)      kdc: krb5kdc
#   srv    srv0 192.0.2.40 --+                  srv: gss-server -port 4444
#
# The sample protocol frames every token as 1 flag byte (TOKEN_NOOP 0x01,
# CONTEXT 0x02, DATA 0x04, MIC 0x08, CONTEXT_NEXT 0x10, WRAPPED 0x20,
# ENCRYPTED 0x40, SEND_MIC 0x80) + 4-byte big-endian length + the token.
# tcpdump records on cli0. Steps, in this order:
#   1. kinit alice; gss-client (mutual authentication, its default) to
#      host@srv.lab.example: TGS-REQ/REP, then on 4444 the AP-REQ token,
#      the AP-REP token, one wrapped message and the server's MIC of it
#   2. gss-server restarted with a keytab whose key for host/srv.lab.example
#      has the right kvno (1) but comes from another password; gss-client
#      (mutual): the acceptor answers a KRB-ERROR token,
#      KRB_AP_ERR_BAD_INTEGRITY (31), and closes
#   3. gss-server restarted with a keytab that only has kvno 3 of the
#      service key; gss-client (mutual): KRB-ERROR token (the kvno the ticket
#      names is missing)
#   4. the wrong-key server of step 2 again, gss-client -nomutual: the
#      acceptor sends no token at all; the client, whose context completed
#      with the AP-REQ alone, sends its message and sees the connection close
# Output: captures/gss-sample.pcap, .expect (generated from tshark's
# dissection: Wireshark has no dissector for the sample protocol, so only the
# KDC exchanges are listed), .keytab (the lab keys, including the wrong ones).
# Lab secrets only; nothing here is a real credential.

set -eu

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# the sessions and delegation chains this scenario must produce
# (captures/README.md "The .expect format"; from gss-sample.md)
LAB_EXPECT_EXTRA="\
# session 192.0.2.20 alice@LAB.EXAMPLE kerberos_rejected host/srv.lab.example:kerberos_rejected"

NAME=gss-sample
REALM=LAB.EXAMPLE
DOMAIN=lab.example
KDC4=192.0.2.10
CLI4=192.0.2.20
SRV4=192.0.2.40
PORT=4444
SERVICE=host@srv.$DOMAIN
SPN=host/srv.$DOMAIN
# Lab-only passwords (documented in captures/gss-sample.md).
PW_MASTER=lab-master-key
PW_KRBTGT=lab-krbtgt-secret
PW_ALICE=alice-lab-pw
PW_SRV=srv-lab-secret
PW_SRV_WRONG=srv-old-secret
PW_SRV_KVNO3=srv-next-secret

lab_init
T=$LAB_TMP
for b in gss-server:krb5-gss-samples gss-client:krb5-gss-samples \
    ktutil:krb5-user python3:python3-minimal; do
	command -v "${b%%:*}" >/dev/null 2>&1 || {
		lab_log "installing ${b#*:}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends "${b#*:}" >&2 ||
		    lab_die "apt-get install ${b#*:} failed"
	}
done

# ---- configuration (all under $T) -----------------------------------------

cat >"$T/krb5-kdc.conf" <<EOF
[libdefaults]
	default_realm = $REALM
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	noaddresses = true
	forwardable = false
	proxiable = false

[realms]
	$REALM = {
		kdc = $KDC4:88
	}

[domain_realm]
	.$DOMAIN = $REALM
	$DOMAIN = $REALM
EOF

lab_log "creating realm $REALM in $T/kdb"
lab_mit_realm "$REALM" "$PW_MASTER" "$PW_KRBTGT"
lab_kadm "$REALM" "addprinc -pw $PW_ALICE +requires_preauth alice"
lab_kadm "$REALM" "addprinc -pw $PW_SRV $SPN"
lab_kadm "$REALM" "ktadd -norandkey -k $T/srv.keytab $SPN"
lab_ktadd_pw "$T/srv-wrong.keytab" "$SPN@$REALM" 1 "$PW_SRV_WRONG"
lab_ktadd_pw "$T/srv-kvno3.keytab" "$SPN@$REALM" 3 "$PW_SRV_KVNO3"
# The published keytab: every lab key, the wrong ones last.
lab_kadm "$REALM" "ktadd -norandkey -k $T/$NAME.keytab krbtgt/$REALM alice \
    $SPN"
lab_ktadd_pw "$T/$NAME.keytab" "$SPN@$REALM" 1 "$PW_SRV_WRONG"
lab_ktadd_pw "$T/$NAME.keytab" "$SPN@$REALM" 3 "$PW_SRV_KVNO3"
mkdir -p "$T/rcache"

# ---- network ----------------------------------------------------------------

lab_netns_add lan
lab_netns_add kdc
lab_netns_add srv
lab_netns_add client
NS_L=$LAB_TAG-lan
NS_K=$LAB_TAG-kdc
NS_S=$LAB_TAG-srv
NS_C=$LAB_TAG-client
lab_link "$NS_C" cli0 "$NS_L" p-cli
lab_link "$NS_K" kdc0 "$NS_L" p-kdc
lab_link "$NS_S" srv0 "$NS_L" p-srv
lab_bridge "$NS_L" br0 p-cli p-kdc p-srv
# Fixed, locally administered MAC addresses keep the link layer reproducible.
ip -n "$NS_K" link set dev kdc0 address 02:00:00:00:00:10
ip -n "$NS_C" link set dev cli0 address 02:00:00:00:00:20
ip -n "$NS_S" link set dev srv0 address 02:00:00:00:00:40
lab_addr "$NS_K" kdc0 "$KDC4/24"
lab_addr "$NS_C" cli0 "$CLI4/24"
lab_addr "$NS_S" srv0 "$SRV4/24"

lab_log "starting krb5kdc in $NS_K"
lab_bg "$NS_K" "$T/krb5kdc.out" krb5kdc -n -r "$REALM"
lab_wait_listen "$NS_K" udp 88
lab_wait_listen "$NS_K" tcp 88

# server KEYTAB: (re)start gss-server on $PORT with KEYTAB.
SRV_PID=
server()
{
	# SIGINT is ignored by background jobs of a non-interactive shell:
	# lab_stop's SIGINT would only time out. Ask with SIGTERM first.
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null || true
		lab_stop "$SRV_PID"
	fi
	lab_bg "$NS_S" "$T/gss-server-$(basename "$1" .keytab).out" env \
	    KRB5RCACHEDIR="$T/rcache" KRB5_TRACE="$T/server-trace.log" \
	    gss-server -port "$PORT" -verbose -keytab "$1" "$SERVICE"
	SRV_PID=$LAB_LASTPID
	lab_wait_listen "$NS_S" tcp "$PORT"
}
server "$T/srv.keytab"
sleep 0.2

# ---- recording --------------------------------------------------------------

FILTER="arp or icmp or port 88 or tcp port $PORT"
PCAP=$T/$NAME.pcap
lab_tcpdump "$NS_C" cli0 "$PCAP" "$FILTER"

STEP_LOG=$T/client.log
# client STDIN CMD...: run a command in the client namespace with alice's
# credential cache.
client()
{
	local input=$1 rc=0

	shift
	printf '$ %s\n' "$*" >>"$STEP_LOG"
	printf '%s\n' "$input" | ip netns exec "$NS_C" env \
	    KRB5CCNAME="FILE:$T/cc-alice" KRB5_TRACE="$T/trace.log" \
	    timeout 30 "$@" >>"$STEP_LOG" 2>&1 || rc=$?
	printf '[exit %s]\n' "$rc" >>"$STEP_LOG"
	sleep 0.3
	return "$rc"
}
# last_run: the output of the last client command.
last_run()
{
	awk '/^\$ /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' \
	    "$STEP_LOG"
}
GSSC=(gss-client -port "$PORT")
MSG=hello-from-alice

lab_log "step 1: kinit alice; gss-client to $SERVICE (healthy, mutual)"
client "$PW_ALICE" kinit alice || lab_die "kinit alice: $(last_run)"
client "" "${GSSC[@]}" "$SRV4" "$SERVICE" "$MSG" ||
    lab_die "gss-client (healthy): $(last_run)"
last_run | grep -q 'Signature verified' ||
    lab_die "gss-client (healthy): no verified signature: $(last_run)"

lab_log "step 2: wrong key (kvno 1), mutual"
server "$T/srv-wrong.keytab"
if client "" "${GSSC[@]}" "$SRV4" "$SERVICE" "$MSG"; then
	lab_die "gss-client (wrong key): unexpectedly succeeded"
fi
lab_log "step 3: kvno 3 only in the keytab, mutual"
server "$T/srv-kvno3.keytab"
if client "" "${GSSC[@]}" "$SRV4" "$SERVICE" "$MSG"; then
	lab_die "gss-client (missing kvno): unexpectedly succeeded"
fi
lab_log "step 4: wrong key (kvno 1), -nomutual"
server "$T/srv-wrong.keytab"
if client "" "${GSSC[@]}" -nomutual "$SRV4" "$SERVICE" "$MSG"; then
	lab_die "gss-client (wrong key, no mutual): unexpectedly succeeded"
fi
sleep 1.5
lab_stop "$LAB_TCPDUMP"

# ---- checks -----------------------------------------------------------------

lab_need "$PCAP" "AS-REQ" 'kerberos.msg_type == 10' 2
lab_need "$PCAP" "PREAUTH_REQUIRED" 'kerberos.error_code == 25' 1
lab_need "$PCAP" "AS-REP" 'kerberos.msg_type == 11' 1
lab_need "$PCAP" "TGS-REQ" 'kerberos.msg_type == 12' 1
lab_need "$PCAP" "TGS-REP" 'kerberos.msg_type == 13' 1
lab_need "$PCAP" "connections to $PORT" \
    "tcp.dstport == $PORT && tcp.flags.syn == 1 && tcp.flags.ack == 0" 4
DEC=(-o kerberos.decrypt:TRUE -o "kerberos.file:$T/$NAME.keytab")
n=$(lab_count "$PCAP" kerberos.encTGSRepPart_element "${DEC[@]}")
[ "$n" -eq 2 ] || lab_die "keytab check: $n KDC-REP enc-parts decrypt, not 2"

# The tokens on port $PORT, reassembled per connection and direction from
# tshark's TCP payloads: one line per token, "frame dir flags kind detail",
# kind = the Kerberos GSS token (RFC 4121 4.1 TOK_ID: AP-REQ 0100, AP-REP
# 0200, KRB-ERROR 0300; wrap 0504 / MIC 0404 tokens), detail = for the
# Kerberos messages "msg_type error_code cname sname" as in the .expect.
tshark -n -r "$PCAP" -Y "tcp.port == $PORT && tcp.len > 0" -T fields \
    -e frame.number -e tcp.stream -e tcp.srcport -e tcp.payload \
    2>/dev/null >"$T/payload.txt"
python3 - "$PORT" "$T/payload.txt" >"$T/tokens.txt" <<'EOF'
import sys

port, path = sys.argv[1], sys.argv[2]
KRB5_OID = bytes.fromhex("06092a864886f712010202")


def der(b, i):
    """tag, start of value, end of value"""
    tag = b[i]
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, i, i + n


def fields(b, s, e):
    """context-tagged fields [n] of the SEQUENCE at b[s:e]: n -> (vs, ve)"""
    tag, s, e = der(b, s)           # SEQUENCE
    out = {}
    i = s
    while i < e:
        t, vs, ve = der(b, i)
        out[t & 0x1f] = (vs, ve)
        i = ve
    return out


def pname(b, f, n):
    """a PrincipalName field, components joined with "/" ("-": absent)"""
    if n not in f:
        return "-"
    pn = fields(b, *f[n])
    tag, s, e = der(b, pn[1][0])    # SEQUENCE OF GeneralString
    parts = []
    while s < e:
        t, vs, ve = der(b, s)
        parts.append(b[vs:ve].decode("ascii", "replace"))
        s = ve
    return "/".join(parts)


def krb(b):
    """msg_type error_code cname sname, as in the .expect format"""
    tag, s, e = der(b, 0)           # [APPLICATION n]
    f = fields(b, s, e)
    if tag == 0x6e:                 # AP-REQ: the ticket's sname
        tag, ts, te = der(b, f[3][0])
        t = fields(b, ts, te)
        return "14 - - " + pname(b, t, 2)
    if tag == 0x6f:
        return "15 - - -"
    if tag == 0x7e:
        t, vs, ve = der(b, f[6][0])
        code = int.from_bytes(b[vs:ve], "big", signed=True)
        return "30 %d %s %s" % (code, pname(b, f, 8), pname(b, f, 10))
    return "%d - - -" % (tag & 0x1f)


def kind(tok):
    if not tok:
        return "empty", "-"
    if tok[0] == 0x60:
        tag, s, e = der(tok, 0)
        if tok[s:s + len(KRB5_OID)] != KRB5_OID:
            return "gss-other", "-"
        tid = tok[s + len(KRB5_OID):s + len(KRB5_OID) + 2].hex()
        inner = tok[s + len(KRB5_OID) + 2:]
        name = {"0100": "AP-REQ", "0200": "AP-REP",
                "0300": "KRB-ERROR"}.get(tid, "tok-" + tid)
        return name, krb(inner)
    tid = tok[:2].hex()
    return {"0504": "wrap", "0404": "mic"}.get(tid, "tok-" + tid), "-"


bufs = {}
for line in open(path):
    frame, stream, sport, payload = line.split("\t")
    d = "c>s" if sport != port else "s>c"
    key = (stream, d)
    buf = bufs.setdefault(key, bytearray())
    buf += bytes.fromhex(payload.strip().replace(":", ""))
    while len(buf) >= 5:
        n = int.from_bytes(buf[1:5], "big")
        if len(buf) < 5 + n:
            break
        flags, tok = buf[0], bytes(buf[5:5 + n])
        del buf[:5 + n]
        k, detail = kind(tok)
        print(frame, stream, d, "0x%02x" % flags, n, k, detail)
EOF
cat "$T/tokens.txt" >&2
tok()
{
	grep -c "$1" "$T/tokens.txt" || true
}
[ "$(tok 'c>s 0x02 [0-9]* AP-REQ')" -eq 4 ] ||
    lab_die "token check: not 4 AP-REQ tokens"
[ "$(tok 's>c 0x02 [0-9]* AP-REP')" -eq 1 ] ||
    lab_die "token check: not 1 AP-REP token"
[ "$(tok 's>c 0x02 [0-9]* KRB-ERROR')" -eq 2 ] ||
    lab_die "token check: not 2 KRB-ERROR tokens"
grep -q '^[0-9]* 1 s>c 0x02 [0-9]* KRB-ERROR 30 31 ' "$T/tokens.txt" ||
    lab_die "token check: the wrong-key error is not KRB_AP_ERR_BAD_INTEGRITY"
[ "$(grep -c '^[0-9]* 3 s>c' "$T/tokens.txt")" -eq 0 ] ||
    lab_die "token check: the -nomutual acceptor sent a token"
lab_log "check: GSS tokens on $PORT:" \
    "$(awk '{print $6 ($8 == "-" ? "" : "(" $8 ")")}' "$T/tokens.txt" |
    tr '\n' ' ')"
size=$(stat -c %s "$PCAP")
[ "$size" -lt 204800 ] || lab_die "capture too large: $size bytes"

# ---- publish ----------------------------------------------------------------

{
	echo "# fault: service keytab key mismatch (steps 2-4; step 1 healthy)"
	echo "# classes: KRB-AP-MODIFIED"
	lab_expect_extra
	cat <<EOF
# Wireshark does not dissect the GSS sample protocol on port $PORT:
# only the KDC exchanges are listed. The Kerberos messages in the GSS
# tokens on port $PORT, in the same format (frame that completes the
# token; from the recording script's own parser of the framing):
EOF
	awk '$7 != "-" { print "# gss", $1, $7, $8, $9, $10 }' "$T/tokens.txt"
	lab_expect "$PCAP" ""
} >"$T/$NAME.expect"
[ "$(grep -vc '^#' "$T/$NAME.expect")" -ge 6 ] ||
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
