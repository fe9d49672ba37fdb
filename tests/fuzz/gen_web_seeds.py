#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_web_seeds.py - writes the seed corpora of the http, ldap, dns and
# gss fuzz targets (chunks [sel:1][len:2 BE][bytes], see dis_fuzzer.inc)
# from byte sequences built here by the specs: SPNEGO (RFC 4178) around
# Kerberos AP-REQ / AP-REP (RFC 4120, RFC 4121 framing), NTLMSSP
# (MS-NLMP), HTTP Negotiate (RFC 4559), LDAP binds (RFC 4511, AD-style
# 0x84 lengths, MS-ADTS sicily), DNS (RFC 1035, RFC 2782) and the MIT
# gss-sample framing. The same tokens are in tests/unit/test_web.c
# (--c prints them as C arrays). Deterministic.
#
# usage: gen_web_seeds.py [FUZZDIR] | gen_web_seeds.py --c

import base64
import os
import struct
import sys


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def ber84(tag, content):
    """LDAP BER as Active Directory writes it: 4-byte long-form length."""
    return bytes([tag, 0x84]) + struct.pack(">I", len(content)) + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def ctx(n, content):
    return tlv(0xA0 | n, content)


def app(n, content):
    return tlv(0x60 | n, content)


def integer(v):
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    return tlv(0x02, v.to_bytes(n, "big", signed=True))


def gstr(s):
    return tlv(0x1B, s.encode())


def octets(b):
    return tlv(0x04, b)


def bits(v):
    return tlv(0x03, b"\x00" + v.to_bytes(4, "big"))


def principal(ntype, name):
    return seq(ctx(0, integer(ntype)),
               ctx(1, seq(*[gstr(p) for p in name.split("/")])))


def cipher(tag, n):
    return bytes((tag * 31 + i * 7) & 0xFF for i in range(n))


def enc_data(etype, kvno, c):
    items = [ctx(0, integer(etype))]
    if kvno is not None:
        items.append(ctx(1, integer(kvno)))
    items.append(ctx(2, octets(c)))
    return seq(*items)


REALM = "CORP.EXAMPLE"
OID_KRB5 = bytes.fromhex("06092a864886f712010202")
OID_MSKRB5 = bytes.fromhex("06092a864882f712010202")
OID_NTLM = bytes.fromhex("060a2b06010401823702020a")
OID_SPNEGO = bytes.fromhex("06062b0601050502")


def ticket(sname, etype, kvno, c):
    return app(1, seq(ctx(0, integer(5)), ctx(1, gstr(REALM)),
                      ctx(2, principal(2, sname)),
                      ctx(3, enc_data(etype, kvno, c))))


def ap_req(sname):
    tkt = ticket(sname, 18, 7, cipher(2, 120))
    return app(14, seq(ctx(0, integer(5)), ctx(1, integer(14)),
                       ctx(2, bits(0x20000000)), ctx(3, tkt),
                       ctx(4, enc_data(18, None, cipher(4, 60)))))


def ap_rep():
    return app(15, seq(ctx(0, integer(5)), ctx(1, integer(15)),
                       ctx(2, enc_data(18, None, cipher(5, 40)))))


def krb_error(code):
    return app(30, seq(ctx(0, integer(5)), ctx(1, integer(30)),
                       ctx(4, tlv(0x18, b"20240115093501Z")),
                       ctx(5, integer(1234)), ctx(6, integer(code)),
                       ctx(9, gstr(REALM)),
                       ctx(10, principal(2, "HTTP/web01.corp.example"))))


def gss_krb5(tok_id, inner):
    return tlv(0x60, OID_KRB5 + tok_id + inner)


def spnego_init(mechs, token):
    body = [ctx(0, seq(*mechs))]
    if token is not None:
        body.append(ctx(2, octets(token)))
    return tlv(0x60, OID_SPNEGO + ctx(0, seq(*body)))


def spnego_resp(state, mech, token):
    items = [ctx(0, tlv(0x0A, bytes([state])))]
    if mech is not None:
        items.append(ctx(1, mech))
    if token is not None:
        items.append(ctx(2, octets(token)))
    return ctx(1, seq(*items))


def u16(s):
    return s.encode("utf-16-le")


def secbuf(n, off):
    return struct.pack("<HHI", n, n, off)


VERSION = bytes([10, 0]) + struct.pack("<H", 19041) + b"\x00\x00\x00\x0f"


def ntlm_negotiate():
    return (b"NTLMSSP\x00" + struct.pack("<II", 1, 0xE2088297) +
            secbuf(0, 0) + secbuf(0, 0) + VERSION)


def av(t, v):
    return struct.pack("<HH", t, len(v)) + v


def ntlm_challenge():
    target = u16("CORP")
    info = (av(2, u16("CORP")) + av(1, u16("WEB01")) +
            av(4, u16("corp.example")) + av(3, u16("web01.corp.example")) +
            av(7, struct.pack("<Q", 133500000000000000)) + av(0, b""))
    off = 56
    return (b"NTLMSSP\x00" + struct.pack("<I", 2) +
            secbuf(len(target), off) + struct.pack("<I", 0xE2898215) +
            bytes(range(1, 9)) + b"\x00" * 8 +
            secbuf(len(info), off + len(target)) + VERSION + target + info)


def ntlm_authenticate():
    blob = (b"\x01\x01\x00\x00\x00\x00\x00\x00" +
            struct.pack("<Q", 133500000000000000) + bytes(range(8)) +
            b"\x00\x00\x00\x00" + av(2, u16("CORP")) +
            av(9, u16("HTTP/web01.corp.example")) + av(0, b"") +
            b"\x00\x00\x00\x00")
    nt = bytes(range(16)) + blob
    lm = b"\x00" * 24
    dom, user, ws = u16("CORP"), u16("alice"), u16("WS01")
    key = bytes(range(0x40, 0x50))
    off = 88
    fields = []
    payload = b""
    for part in (lm, nt, dom, user, ws, key):
        fields.append(secbuf(len(part), off + len(payload)))
        payload += part
    return (b"NTLMSSP\x00" + struct.pack("<I", 3) + fields[0] + fields[1] +
            fields[2] + fields[3] + fields[4] + fields[5] +
            struct.pack("<I", 0xE2888215) + VERSION + b"\x11" * 16 + payload)


def tokens():
    t = {}
    t["ap_req_raw"] = ap_req("HTTP/web01.corp.example")
    t["gss_ap_req"] = gss_krb5(b"\x01\x00", t["ap_req_raw"])
    t["gss_ap_rep"] = gss_krb5(b"\x02\x00", ap_rep())
    t["krb_err"] = krb_error(41)
    t["spnego_init_krb"] = spnego_init([OID_MSKRB5, OID_KRB5, OID_NTLM],
                                       t["gss_ap_req"])
    t["spnego_resp_aprep"] = spnego_resp(0, OID_KRB5, t["gss_ap_rep"])
    t["ntlm_neg"] = ntlm_negotiate()
    t["ntlm_chal"] = ntlm_challenge()
    t["ntlm_auth"] = ntlm_authenticate()
    return t


# ---- LDAP ------------------------------------------------------------

AD_DIAG = (b"80090308: LdapErr: DSID-0C09050F, comment: "
           b"AcceptSecurityContext error, data 52e, v4563")


def ldap_msg(msgid, op):
    return ber84(0x30, tlv(0x02, bytes([msgid])) + op)


def ldap_bind_sasl(msgid, mech, creds):
    sasl = octets(mech) + (ber84(0x04, creds) if creds is not None else b"")
    return ldap_msg(msgid, ber84(0x60, integer(3) + octets(b"") +
                                 ber84(0xA3, sasl)))


def ldap_bind_resp(msgid, code, dn=b"", diag=b"", creds=None):
    body = tlv(0x0A, bytes([code])) + ber84(0x04, dn) + ber84(0x04, diag)
    if creds is not None:
        body += ber84(0x87, creds)
    return ldap_msg(msgid, ber84(0x61, body))


def ldap_sicily(msgid, tag, name, blob):
    return ldap_msg(msgid, ber84(0x60, integer(3) + octets(name) +
                                 tlv(tag, blob)))


def ldap_simple(msgid, dn, pw):
    return ldap_msg(msgid, tlv(0x60, integer(3) + octets(dn) +
                               tlv(0x80, pw)))


def ldap_search_entry(msgid, n):
    attrs = seq(seq(octets(b"description"),
                    tlv(0x31, octets(b"x" * n))))
    return ldap_msg(msgid, ber84(0x64, octets(b"cn=big,dc=corp") + attrs))


def ldap_vectors(t):
    v = {}
    v["ldap_bind_spnego"] = ldap_bind_sasl(7, b"GSS-SPNEGO",
                                           t["spnego_init_krb"])
    v["ldap_bind_spnego_ok"] = ldap_bind_resp(7, 0,
                                              creds=t["spnego_resp_aprep"])
    v["ldap_bind_gssapi"] = ldap_bind_sasl(2, b"GSSAPI", t["gss_ap_req"])
    v["ldap_bind_fail"] = ldap_bind_resp(8, 49, diag=AD_DIAG)
    v["ldap_sicily_neg"] = ldap_sicily(3, 0x8A, b"alice", t["ntlm_neg"])
    v["ldap_sicily_chal"] = ldap_bind_resp(3, 0, dn=t["ntlm_chal"])
    v["ldap_sicily_auth"] = ldap_sicily(4, 0x8B, b"alice", t["ntlm_auth"])
    v["ldap_sicily_ok"] = ldap_bind_resp(4, 0)
    v["ldap_simple"] = ldap_simple(5, b"cn=admin,dc=corp,dc=example",
                                   b"Secret123")
    return v


# ---- DNS -------------------------------------------------------------

def dname(s):
    out = b""
    for lab in s.split("."):
        if lab:
            out += bytes([len(lab)]) + lab.encode()
    return out + b"\x00"


def dns_hdr(ident, flags, qd, an, ns, ar):
    return struct.pack(">HHHHHH", ident, flags, qd, an, ns, ar)


def rr(name, rtype, data, ttl=300):
    return name + struct.pack(">HHIH", rtype, 1, ttl, len(data)) + data


def dns_vectors():
    v = {}
    q = dname("web01.corp.example") + struct.pack(">HH", 1, 1)
    v["dns_a_query"] = dns_hdr(0x1111, 0x0100, 1, 0, 0, 0) + q
    v["dns_a_resp"] = (dns_hdr(0x1111, 0x8580, 1, 1, 0, 0) + q +
                       rr(b"\xc0\x0c", 1, bytes([192, 0, 2, 10])))
    q6 = dname("web01.corp.example") + struct.pack(">HH", 28, 1)
    v["dns_aaaa_resp"] = (dns_hdr(0x2222, 0x8180, 1, 1, 0, 0) + q6 +
                          rr(b"\xc0\x0c", 28, bytes.fromhex(
                              "20010db8000000000000000000000010")))
    # www.corp.example CNAME web01.corp.example (pointer to "corp"
    # at offset 16), then web01 A
    qc = dname("www.corp.example") + struct.pack(">HH", 1, 1)
    web01 = b"\x05web01\xc0\x10"
    off_web01 = 12 + len(qc) + 2 + 10
    v["dns_cname_resp"] = (dns_hdr(0x3333, 0x8180, 1, 2, 0, 0) + qc +
                           rr(b"\xc0\x0c", 5, web01) +
                           rr(struct.pack(">H", 0xC000 | off_web01), 1,
                              bytes([192, 0, 2, 10])))
    qs = dname("_kerberos._tcp.corp.example") + struct.pack(">HH", 33, 1)
    target = dname("dc01.corp.example")
    v["dns_srv_resp"] = (dns_hdr(0x4444, 0x8580, 1, 1, 0, 1) + qs +
                         rr(b"\xc0\x0c", 33,
                            struct.pack(">HHH", 0, 100, 88) + target) +
                         rr(struct.pack(">H", 0xC000 | (12 + len(qs) + 18)),
                            1, bytes([192, 0, 2, 1])))
    qp = dname("10.2.0.192.in-addr.arpa") + struct.pack(">HH", 12, 1)
    v["dns_ptr_resp"] = (dns_hdr(0x5555, 0x8580, 1, 1, 0, 0) + qp +
                         rr(b"\xc0\x0c", 12, dname("web01.corp.example")))
    # an answer whose owner name points at itself
    v["dns_loop"] = (dns_hdr(0x6666, 0x8180, 1, 1, 0, 0) + q +
                     struct.pack(">H", 0xC000 | (12 + len(q))) +
                     struct.pack(">HHIH", 1, 1, 1, 4) + b"\x01\x02\x03\x04")
    v["dns_trunc"] = v["dns_a_resp"][:-3]
    return v


# ---- seeds -----------------------------------------------------------

def chunk(sel, data):
    out = b""
    while True:
        part, data = data[:0xFFFF], data[0xFFFF:]
        out += bytes([sel]) + struct.pack(">H", len(part)) + part
        if not data:
            return out


def split(sel, data, n):
    return b"".join(chunk(sel, data[i:i + n])
                    for i in range(0, len(data), n))


def b64(b):
    return base64.b64encode(b)


def http_seeds(t):
    s = {}
    req = (b"GET /app/ HTTP/1.1\r\nHost: web01.corp.example\r\n"
           b"Authorization: Negotiate " + b64(t["spnego_init_krb"]) +
           b"\r\n\r\n")
    rep = (b"HTTP/1.1 200 OK\r\nWWW-Authenticate: Negotiate " +
           b64(t["spnego_resp_aprep"]) + b"\r\nContent-Length: 5\r\n\r\n"
           b"hello")
    s["negotiate"] = chunk(0, req) + chunk(1, rep)
    s["negotiate-split"] = split(0, req, 7) + split(1, rep, 13)
    s["challenge-401"] = (
        chunk(0, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n") +
        chunk(1, b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
              b"Negotiate\r\nWWW-Authenticate: NTLM\r\n"
              b"Content-Length: 0\r\n\r\n"))
    s["ntlm-3leg"] = (
        chunk(0, b"GET / HTTP/1.1\r\nAuthorization: NTLM " +
              b64(t["ntlm_neg"]) + b"\r\n\r\n") +
        chunk(1, b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: NTLM " +
              b64(t["ntlm_chal"]) + b"\r\nContent-Length: 0\r\n\r\n") +
        chunk(0, b"GET / HTTP/1.1\r\nAuthorization: NTLM " +
              b64(t["ntlm_auth"]) + b"\r\n\r\n") +
        chunk(1, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
    s["chunked"] = (
        chunk(0, b"POST /wsman HTTP/1.1\r\nAuthorization: Kerberos " +
              b64(t["gss_ap_req"]) + b"\r\nTransfer-Encoding: chunked"
              b"\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n") +
        chunk(1, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"3;x=y\r\nabc\r\n0\r\n\r\n"))
    s["pipelined-head"] = chunk(0, (
        b"HEAD / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwdw==\r\n\r\n"
        b"GET / HTTP/1.1\r\nProxy-Authorization: Negotiate " +
        b64(t["spnego_init_krb"]) + b"\r\n\r\n")) + chunk(1, (
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"
            b"HTTP/1.1 407 Proxy\r\nProxy-Authenticate: Negotiate, "
            b"Basic realm=\"a,b\"\r\nConnection: close\r\n\r\nrest"))
    s["gap-resync"] = (chunk(0, b"GET / HTTP/1.1\r\nHo") +
                       chunk(2, b"garbage\r\nmore\r\nGET /x HTTP/1.1\r\n"
                             b"Authorization: NTLM " + b64(t["ntlm_neg"]) +
                             b"\r\n\r\n"))
    s["refused"] = (
        chunk(0, b"GET / HTTP/1.1\r\nAuthorization: Negotiate " +
              b64(t["spnego_init_krb"]) + b"\r\n\r\n") +
        chunk(1, b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: "
              b"Negotiate " + b64(gss_krb5(b"\x03\x00", t["krb_err"])) +
              b"\r\nContent-Length: 0\r\n\r\n"))
    s["bad-b64"] = chunk(0, b"GET / HTTP/1.1\r\nAuthorization: Negotiate "
                         b"YII=x==\r\n\r\n")
    return s


def ldap_seeds(t, v):
    s = {}
    s["spnego-bind"] = (chunk(0, v["ldap_bind_spnego"]) +
                        chunk(1, v["ldap_bind_spnego_ok"]) +
                        chunk(0, b"\x00\x00\x00\x10" + bytes(16)) +
                        chunk(1, b"\x00\x00\x00\x08" + bytes(8)))
    s["spnego-bind-split"] = (split(0, v["ldap_bind_spnego"], 9) +
                              split(1, v["ldap_bind_spnego_ok"], 5))
    s["gssapi-fail"] = (chunk(0, v["ldap_bind_gssapi"]) +
                        chunk(1, v["ldap_bind_fail"]))
    s["sicily"] = (chunk(0, v["ldap_sicily_neg"]) +
                   chunk(1, v["ldap_sicily_chal"]) +
                   chunk(0, v["ldap_sicily_auth"]) +
                   chunk(1, v["ldap_sicily_ok"]))
    s["simple-search"] = (chunk(0, v["ldap_simple"]) +
                          chunk(1, ldap_bind_resp(5, 0)) +
                          chunk(1, ldap_search_entry(6, 3000)))
    s["gap"] = (chunk(1, ldap_search_entry(6, 100)[:20]) +
                chunk(3, b"junk" + v["ldap_bind_fail"]))
    s["starttls"] = chunk(1, b"\x16\x03\x01\x00\x05hello")
    return s


def dns_seeds(v):
    s = {}
    for name in ("dns_a_query", "dns_a_resp", "dns_aaaa_resp",
                 "dns_cname_resp", "dns_srv_resp", "dns_ptr_resp",
                 "dns_loop", "dns_trunc"):
        s[name[4:].replace("_", "-")] = chunk(4, v[name])
    tcp = (struct.pack(">H", len(v["dns_srv_resp"])) + v["dns_srv_resp"] +
           struct.pack(">H", len(v["dns_ptr_resp"])) + v["dns_ptr_resp"])
    s["tcp"] = split(1, tcp, 30)
    return s


def gss_seeds(t):
    s = {}
    wrap = b"\x05\x04\x06\xff" + bytes(28)
    s["mit"] = (chunk(0, b"\x11\x00\x00\x00\x00") +
                chunk(0, b"\x02" + struct.pack(">I", len(t["gss_ap_req"])) +
                      t["gss_ap_req"]) +
                chunk(1, b"\x02" + struct.pack(">I", len(t["gss_ap_rep"])) +
                      t["gss_ap_rep"]) +
                chunk(0, b"\x24" + struct.pack(">I", len(wrap)) + wrap))
    s["len4"] = (chunk(0, struct.pack(">I", len(t["gss_ap_req"])) +
                       t["gss_ap_req"] + b"\x00\x00\x00\x03abc") +
                 chunk(1, struct.pack(">I", len(t["krb_err"])) +
                       t["krb_err"]))
    s["len2-split"] = split(0, struct.pack(">H", len(t["spnego_init_krb"])) +
                            t["spnego_init_krb"], 11)
    s["raw"] = chunk(0, t["ap_req_raw"] + b"application data")
    s["random"] = chunk(0, bytes((i * 73 + 11) & 0xFF for i in range(300)))
    return s


def write(d, seeds):
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


def c_arrays(t, v):
    for name, data in list(t.items()) + list(v.items()):
        print("static const uint8_t %s[%d] = {" % (name, len(data)))
        for i in range(0, len(data), 12):
            print("\t" + " ".join("0x%02x," % b for b in data[i:i + 12]))
        print("};\n")


def main():
    t = tokens()
    v = ldap_vectors(t)
    d = dns_vectors()
    if len(sys.argv) > 1 and sys.argv[1] == "--c":
        c_arrays(t, dict(v, **d))
        return
    here = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.dirname(os.path.abspath(__file__))
    write(os.path.join(here, "http_fuzzer.in"), http_seeds(t))
    write(os.path.join(here, "ldap_fuzzer.in"), ldap_seeds(t, v))
    write(os.path.join(here, "dns_fuzzer.in"), dns_seeds(d))
    write(os.path.join(here, "gss_fuzzer.in"), gss_seeds(t))


if __name__ == "__main__":
    main()
