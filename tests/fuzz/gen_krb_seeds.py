#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_krb_seeds.py - writes the seed corpus of krb_fuzzer: one DER
# encoding of every Kerberos V5 message type (RFC 4120 section 5), some
# variants real implementations send (PA-TGS-REQ, METHOD-DATA and
# KERB-ERROR-DATA e-data, S4U2Proxy additional tickets, negative etypes),
# PA-DATA whose contents are decoded (MS-SFU PA-FOR-USER and
# PA-S4U-X509-USER, MS-KILE PA-PAC-OPTIONS and PA-SUPPORTED-ENCTYPES,
# ETYPE-INFO, FX-FAST, PKINIT), TYPED-DATA and KERB-EXT-ERROR e-data,
# TCP record-marked streams (RFC 4120 section 7.2.2) and a few broken
# forms. Deterministic: the same files every run.
#
# usage: gen_krb_seeds.py [OUTDIR]   (default: krb_fuzzer.in beside it)

import os
import sys


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


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


def gtime(s):
    return tlv(0x18, s.encode())


def bits(v):
    return tlv(0x03, b"\x00" + v.to_bytes(4, "big"))


def principal(ntype, name):
    return seq(ctx(0, integer(ntype)),
               ctx(1, seq(*[gstr(p) for p in name.split("/")])))


def enc_data(etype, kvno, cipher):
    items = [ctx(0, integer(etype))]
    if kvno is not None:
        items.append(ctx(1, integer(kvno)))
    items.append(ctx(2, octets(cipher)))
    return seq(*items)


def cipher(tag, n):
    return bytes((tag * 31 + i * 7) & 0xFF for i in range(n))


def ticket(realm, sname, etype, kvno, c):
    return app(1, seq(ctx(0, integer(5)), ctx(1, gstr(realm)),
                      ctx(2, principal(2, sname)),
                      ctx(3, enc_data(etype, kvno, c))))


def padata(ptype, value):
    return seq(ctx(1, integer(ptype)), ctx(2, octets(value)))


REALM = "CORP.EXAMPLE"
TGT = ticket(REALM, "krbtgt/" + REALM, 18, 2, cipher(1, 200))
SVC = ticket(REALM, "MSSQLSvc/sqlb.corp.example:1433", 23, 5,
             cipher(2, 300))


def kdc_req(mtype, pa, body):
    items = [ctx(1, integer(5)), ctx(2, integer(mtype))]
    if pa:
        items.append(ctx(3, seq(*pa)))
    items.append(ctx(4, seq(*body)))
    return app(mtype, seq(*items))


def kdc_rep(mtype, pa, tkt, etype):
    items = [ctx(0, integer(5)), ctx(1, integer(mtype))]
    if pa:
        items.append(ctx(2, seq(*pa)))
    items += [ctx(3, gstr(REALM)), ctx(4, principal(1, "alice")),
              ctx(5, tkt), ctx(6, enc_data(etype, 3, cipher(3, 150)))]
    return app(mtype, seq(*items))


def ap_req(tkt, opts, etype):
    return app(14, seq(ctx(0, integer(5)), ctx(1, integer(14)),
                       ctx(2, bits(opts)), ctx(3, tkt),
                       ctx(4, enc_data(etype, None, cipher(4, 90)))))


def krb_error(code, extra):
    items = [ctx(0, integer(5)), ctx(1, integer(30)),
             ctx(2, gtime("20240115093000Z")), ctx(3, integer(4321)),
             ctx(4, gtime("20240115093501Z")), ctx(5, integer(999999)),
             ctx(6, integer(code))]
    items += extra
    return app(30, seq(*items))


def messages():
    m = {}
    body_as = [ctx(0, bits(0x40810010)), ctx(1, principal(1, "alice")),
               ctx(2, gstr(REALM)), ctx(3, principal(2, "krbtgt/" + REALM)),
               ctx(5, gtime("20370913024805Z")),
               ctx(6, gtime("20370913024805Z")),
               ctx(7, integer(0x7BCDEF01)),
               ctx(8, seq(*[integer(e) for e in (18, 17, 23, 24, -135)])),
               ctx(9, seq(seq(ctx(0, integer(2)),
                              ctx(1, octets(bytes([192, 0, 2, 7]))))))]
    m["as-req"] = kdc_req(10, [], body_as)
    m["as-req-preauth"] = kdc_req(
        10, [padata(2, enc_data(18, None, cipher(5, 56))),
             padata(128, seq(ctx(0, tlv(0x01, b"\xff"))))], body_as)
    m["as-req-no-sname"] = kdc_req(10, [], [
        ctx(0, bits(0x40000010)), ctx(2, gstr("kerberos_realm_time.nasl")),
        ctx(5, gtime("20370913024805Z")), ctx(7, integer(26069)),
        ctx(8, seq(integer(11)))])
    m["as-rep"] = kdc_rep(11, [padata(19, seq(seq(
        ctx(0, integer(18)), ctx(1, gstr(REALM + "alice")))))], TGT, 18)
    body_tgs = [ctx(0, bits(0x40810000)), ctx(2, gstr(REALM)),
                ctx(3, principal(2, "MSSQLSvc/sqlb.corp.example:1433")),
                ctx(5, gtime("20370913024805Z")),
                ctx(7, integer(123456789)),
                ctx(8, seq(integer(18), integer(17), integer(23)))]
    pa_tgs = padata(1, ap_req(TGT, 0, 18))
    m["tgs-req"] = kdc_req(12, [pa_tgs, padata(167, seq(ctx(0, bits(
        0x10000000))))], body_tgs)
    body_s4u = list(body_tgs)
    body_s4u[0] = ctx(0, bits(0x40820000))
    body_s4u.append(ctx(11, seq(SVC)))
    m["tgs-req-s4u2proxy"] = kdc_req(12, [pa_tgs], body_s4u)
    m["tgs-req-forwarded"] = kdc_req(12, [pa_tgs], [
        ctx(0, bits(0x60810000)), ctx(2, gstr(REALM)),
        ctx(3, principal(2, "krbtgt/" + REALM)),
        ctx(5, gtime("20370913024805Z")), ctx(7, integer(42)),
        ctx(8, seq(integer(18)))])
    m["tgs-rep"] = kdc_rep(13, [], SVC, 18)
    m["ap-req"] = ap_req(SVC, 0x20000000, 23)
    m["ap-rep"] = app(15, seq(ctx(0, integer(5)), ctx(1, integer(15)),
                              ctx(2, enc_data(23, None, cipher(6, 40)))))
    m["krb-safe"] = app(20, seq(
        ctx(0, integer(5)), ctx(1, integer(20)),
        ctx(2, seq(ctx(0, octets(b"user data")),
                   ctx(1, gtime("20240115093000Z")),
                   ctx(2, integer(12)),
                   ctx(4, seq(ctx(0, integer(2)),
                              ctx(1, octets(bytes([10, 0, 0, 1]))))))),
        ctx(3, seq(ctx(0, integer(16)), ctx(1, octets(cipher(7, 12)))))))
    m["krb-priv"] = app(21, seq(ctx(0, integer(5)), ctx(1, integer(21)),
                                ctx(3, enc_data(17, 4, cipher(8, 48)))))
    m["krb-cred"] = app(22, seq(ctx(0, integer(5)), ctx(1, integer(22)),
                                ctx(2, seq(TGT, SVC)),
                                ctx(3, enc_data(0, None, seq()))))
    method_data = seq(
        padata(19, seq(seq(ctx(0, integer(18)),
                           ctx(1, gstr(REALM + "alice"))),
                       seq(ctx(0, integer(23))), seq(ctx(0, integer(-133))),
                       seq(ctx(0, integer(-128))))),
        padata(2, b""), padata(16, b""), padata(15, b""))
    m["krb-error-preauth"] = krb_error(25, [
        ctx(9, gstr(REALM)), ctx(10, principal(2, "krbtgt/" + REALM)),
        ctx(12, octets(method_data))])
    kerb_error_data = seq(ctx(1, integer(3)),
                          ctx(2, octets(bytes.fromhex(
                              "6d0000c00000000003000000"))))
    m["krb-error-modified"] = krb_error(41, [
        ctx(7, gstr(REALM)), ctx(8, principal(1, "alice")),
        ctx(9, gstr(REALM)),
        ctx(10, principal(2, "HTTP/web01.corp.example")),
        ctx(12, octets(kerb_error_data))])
    m["krb-error-unknown-spn"] = krb_error(7, [
        ctx(9, gstr(REALM)),
        ctx(10, principal(2, "MSSQLSvc/sqlb:1433")),
        ctx(11, gstr("Server not found in Kerberos database"))])
    m["krb-error-skew"] = krb_error(37, [
        ctx(9, gstr(REALM)), ctx(10, principal(2, "cifs/fs1.corp.example")),
        ctx(12, octets(seq(ctx(1, integer(2)))))])
    # S4U2Self: PA-FOR-USER (MS-SFU 2.2.1), PA-S4U-X509-USER (2.2.2),
    # PA-PAC-OPTIONS (MS-KILE 2.2.10) with claims, PA-SUPPORTED-ENCTYPES
    cksum = seq(ctx(0, integer(-138)), ctx(1, octets(cipher(9, 16))))
    for_user = seq(ctx(0, principal(1, "bob")), ctx(1, gstr(REALM)),
                   ctx(2, cksum), ctx(3, gstr("Kerberos")))
    s4u_x509 = seq(ctx(0, seq(ctx(0, integer(77)),
                              ctx(1, principal(10, "carol")),
                              ctx(2, gstr(REALM)),
                              ctx(4, bits(0x20000000)))),
                   ctx(1, cksum))
    m["tgs-req-s4u2self"] = kdc_req(12, [
        pa_tgs, padata(129, for_user), padata(130, s4u_x509),
        padata(167, seq(ctx(0, bits(0x80000000)))),
        padata(165, (0x1001C).to_bytes(4, "little"))], body_tgs)
    m["as-req-fast-pkinit"] = kdc_req(10, [
        padata(136, seq(ctx(0, seq()))), padata(16, seq(ctx(0, b""))),
        padata(11, seq(seq(ctx(0, integer(23)),
                           ctx(1, octets(b"CORP.EXAMPLE\x01bob"))))),
        padata(128, seq(ctx(0, tlv(0x01, b"\x00"))))], body_as)
    kerb_ext_error = seq(ctx(1, integer(3)), ctx(2, octets(bytes.fromhex(
        "340200c00000000001000000"))))
    m["krb-error-locked-out"] = krb_error(18, [
        ctx(9, gstr(REALM)), ctx(10, principal(2, "krbtgt/" + REALM)),
        ctx(12, octets(kerb_ext_error))])
    typed_data = seq(seq(ctx(0, integer(104)), ctx(1, octets(b"\x30\x00"))),
                     seq(ctx(0, integer(109))))
    m["krb-error-typed-data"] = krb_error(62, [
        ctx(9, gstr(REALM)), ctx(10, principal(2, "krbtgt/" + REALM)),
        ctx(12, octets(typed_data))])
    m["krb-error-crafted-edata"] = app(30, seq(
        ctx(6, integer(25)),
        ctx(12, seq(seq(ctx(1, integer(2)), ctx(2, b""))))))
    return m


def broken(m):
    b = {}
    b["cut-as-req"] = m["as-req"][:60]
    b["indefinite"] = b"\x6a\x80" + m["as-req"][4:]
    b["wide-length"] = b"\x6e\x85\x00\x00\x00\x00\x10\x30\x00"
    b["deep"] = b"".join(bytes([0x30, 2 * (19 - i)]) for i in range(20))
    b["high-tag"] = b"\x7f\x87\x68\x02\x30\x00"
    b["trailing"] = m["ap-rep"] + b"\x00\x00"
    return b


def record(msg):
    return len(msg).to_bytes(4, "big") + msg


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(here, "krb_fuzzer.in")
    os.makedirs(out, exist_ok=True)
    m = messages()
    files = {}
    for name, msg in m.items():
        files[name] = msg
    for name, msg in broken(m).items():
        files["bad-" + name] = msg
    files["tcp-as-req"] = record(m["as-req"])
    files["tcp-two-records"] = record(m["as-req"]) + record(m["tgs-req"])
    files["tcp-error-then-rep"] = record(m["krb-error-preauth"]) + \
        record(m["as-rep"])
    files["tcp-garbage-then-record"] = b"\x16\x03\x01\x00\x20garbage" + \
        record(m["ap-req"])
    files["tcp-reserved-bit"] = b"\x80\x00\x00\x10" + record(m["ap-rep"])
    for name, data in sorted(files.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
