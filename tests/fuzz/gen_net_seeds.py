#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_net_seeds.py - writes the seed inputs of tests/fuzz/net_fuzzer.c
# into tests/fuzz/net_fuzzer.in/ (python3, standard library only).
# Each seed is a sequence of records
#   [selector][length, 2 bytes big-endian][packet]
# selector bits 0-2: link type (0 EN10MB, 1 LINUX_SLL, 2 LINUX_SLL2,
# 3 NULL, 4 LOOP, 5 RAW, 6 IPV4, 7 IPV6); bits 3-7: seconds to advance.
# Usage: gen_net_seeds.py [OUTDIR]

import os
import struct
import sys

EN10MB, SLL, SLL2, NULL, LOOP, RAW, IPV4, IPV6 = range(8)

C4, S4 = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
C6 = bytes.fromhex("20010db8000000000000000000000001")
S6 = bytes.fromhex("20010db8000000000000000000000002")


# ---- DER, just enough for Kerberos-looking messages (RFC 4120) --------

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, body):
    return bytes([tag]) + der_len(len(body)) + body


def seq(*items):
    return tlv(0x30, b"".join(items))


def ctx(n, body):
    return tlv(0xa0 | n, body)


def app(n, body):
    return tlv(0x60 | n, body)


def integer(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True)
    return tlv(0x02, b)


def gstr(s):
    return tlv(0x1b, s.encode())


def gtime(s):
    return tlv(0x18, s.encode())


def princ(ntype, *names):
    return seq(ctx(0, integer(ntype)), ctx(1, seq(*[gstr(n) for n in names])))


def as_req():
    body = seq(
        ctx(0, tlv(0x03, b"\x00\x40\x81\x00\x10")),
        ctx(1, princ(1, "alice")),
        ctx(2, gstr("CORP.EXAMPLE")),
        ctx(3, princ(2, "krbtgt", "CORP.EXAMPLE")),
        ctx(5, gtime("20370913024805Z")),
        ctx(7, integer(123456789)),
        ctx(8, seq(integer(18), integer(17), integer(23))))
    return app(10, seq(ctx(1, integer(5)), ctx(2, integer(10)),
                       ctx(4, body)))


def tgs_req():
    ticket = app(1, seq(ctx(0, integer(5)), ctx(1, gstr("CORP.EXAMPLE")),
                        ctx(2, princ(2, "krbtgt", "CORP.EXAMPLE")),
                        ctx(3, seq(ctx(0, integer(18)), ctx(1, integer(2)),
                                   ctx(2, tlv(0x04, bytes(range(48))))))))
    ap_req = app(14, seq(ctx(0, integer(5)), ctx(1, integer(14)),
                         ctx(2, tlv(0x03, b"\x00\x00\x00\x00\x00")),
                         ctx(3, ticket),
                         ctx(4, seq(ctx(0, integer(18)),
                                    ctx(2, tlv(0x04, bytes(32)))))))
    body = seq(
        ctx(0, tlv(0x03, b"\x00\x40\x81\x00\x00")),
        ctx(2, gstr("CORP.EXAMPLE")),
        ctx(3, princ(2, "MSSQLSvc", "sqlb.corp.example:1433")),
        ctx(5, gtime("20370913024805Z")),
        ctx(7, integer(42)),
        ctx(8, seq(integer(18))))
    return app(12, seq(ctx(1, integer(5)), ctx(2, integer(12)),
                       ctx(3, seq(seq(ctx(1, integer(1)),
                                      ctx(2, tlv(0x04, ap_req))))),
                       ctx(4, body)))


def krb_error(code):
    return app(30, seq(ctx(0, integer(5)), ctx(1, integer(30)),
                       ctx(4, gtime("20240101120000Z")),
                       ctx(5, integer(1234)), ctx(6, integer(code)),
                       ctx(9, gstr("CORP.EXAMPLE")),
                       ctx(10, princ(2, "MSSQLSvc", "sqlb:1433"))))


def record_mark(msg):
    return struct.pack(">I", len(msg)) + msg


# ---- IP, UDP, TCP ------------------------------------------------------

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, ident=1, off=0, mf=False, total=None):
    fo = (0x2000 if mf else 0) | (off // 8)
    tl = 20 + len(payload) if total is None else total
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, tl, ident, fo, 64, proto, 0,
                    src, dst)
    h = h[:10] + struct.pack(">H", csum(h)) + h[12:]
    return h + payload


def ip6(src, dst, nh, payload):
    return struct.pack(">IHBB16s16s", 6 << 28, len(payload), nh, 64,
                       src, dst) + payload


def ip6_frag(src, dst, nh, ident, off, more, payload):
    fh = struct.pack(">BBHI", nh, 0, (off & 0xfff8) | (1 if more else 0),
                     ident)
    return ip6(src, dst, 44, fh + payload)


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


SYN, FIN, RST, ACK = 0x02, 0x01, 0x04, 0x10


def tcp(sport, dport, seqno, flags, payload=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, seqno & 0xffffffff,
                       1 if flags & ACK else 0, 5 << 4, flags, 65535, 0,
                       0) + payload


# ---- link layers -------------------------------------------------------

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def eth(ethertype, payload, tags=()):
    h = MAC_B + MAC_A
    for tpid, vid in tags:
        h += struct.pack(">HH", tpid, vid)
    return h + struct.pack(">H", ethertype) + payload


def sll(ethertype, payload):
    return struct.pack(">HHH8sH", 0, 1, 6, MAC_A + b"\0\0",
                       ethertype) + payload


def sll2(ethertype, payload):
    return struct.pack(">HHIHBB8s", ethertype, 0, 2, 1, 0, 6,
                       MAC_A + b"\0\0") + payload


def null_hdr(af, payload):
    return struct.pack("<I", af) + payload


def loop_hdr(af, payload):
    return struct.pack(">I", af) + payload


# ---- records -----------------------------------------------------------

def rec(link, pkt, advance=0):
    return bytes([(advance << 3) | link]) + struct.pack(">H", len(pkt)) + pkt


def tcp_conv(link_fn, link, ip_fn, c, s, cport, sport, req, rsp,
             cisn=1000, sisn=5000):
    """Handshake, request, response, FIN both ways."""
    out = []
    for src, dst, sp, dp, sq, fl, pl in (
            (c, s, cport, sport, cisn, SYN, b""),
            (s, c, sport, cport, sisn, SYN | ACK, b""),
            (c, s, cport, sport, cisn + 1, ACK, b""),
            (c, s, cport, sport, cisn + 1, ACK, req),
            (s, c, sport, cport, sisn + 1, ACK, rsp),
            (c, s, cport, sport, cisn + 1 + len(req), FIN | ACK, b""),
            (s, c, sport, cport, sisn + 1 + len(rsp), FIN | ACK, b"")):
        out.append(rec(link, link_fn(ip_fn(src, dst, tcp(sp, dp, sq, fl,
                                                          pl)))))
    return b"".join(out)


def v4(src, dst, l4, proto=6):
    return ip4(src, dst, proto, l4)


def seeds():
    asreq = as_req()
    tgsreq = tgs_req()
    err = krb_error(7)
    ident = lambda p: p
    s = {}

    # Ethernet, UDP 88 request and error
    s["eth_udp88"] = (
        rec(EN10MB, eth(0x0800, ip4(C4, S4, 17, udp(50000, 88, asreq)))) +
        rec(EN10MB, eth(0x0800, ip4(S4, C4, 17, udp(88, 50000, err)))))
    # 802.1Q and QinQ
    s["eth_vlan_udp88"] = rec(EN10MB, eth(0x0800, ip4(
        C4, S4, 17, udp(50001, 88, tgsreq)), tags=((0x8100, 100),)))
    s["eth_qinq_tcp88"] = tcp_conv(
        lambda p: eth(0x0800, p, tags=((0x88a8, 10), (0x8100, 20))),
        EN10MB, v4, C4, S4, 50002, 88, record_mark(asreq),
        record_mark(err))
    # Linux cooked v1 and v2
    s["sll_udp88"] = rec(SLL, sll(0x0800, ip4(C4, S4, 17,
                                              udp(50003, 88, asreq))))
    s["sll2_tcp88"] = tcp_conv(lambda p: sll2(0x86dd, p), SLL2,
                               lambda a, b, l4: ip6(a, b, 6, l4),
                               C6, S6, 50004, 88, record_mark(tgsreq),
                               record_mark(err))
    # BSD loopback
    s["null_v4_udp88"] = rec(NULL, null_hdr(2, ip4(C4, S4, 17,
                                                   udp(50005, 88, asreq))))
    s["loop_v6_udp88"] = rec(LOOP, loop_hdr(30, ip6(C6, S6, 17,
                                                    udp(50006, 88, asreq))))
    # raw IP, both versions, and the fixed-version link types
    s["raw_v4_tcp88"] = tcp_conv(ident, RAW, v4, C4, S4, 50007, 88,
                                 record_mark(asreq), record_mark(err))
    s["raw_v6_udp88"] = rec(RAW, ip6(C6, S6, 17, udp(50008, 88, tgsreq)))
    s["ipv4_ipv6_udp"] = (
        rec(IPV4, ip4(C4, S4, 17, udp(50009, 88, asreq))) +
        rec(IPV6, ip6(C6, S6, 17, udp(50009, 88, asreq))))

    # IPv4 fragments: in order, then reversed with an overlap
    dg = udp(50010, 88, tgsreq)
    cut = [0, 64, 128, len(dg)]
    parts = [(cut[i], dg[cut[i]:cut[i + 1]], i < 2) for i in range(3)]
    s["frag4_in_order"] = b"".join(
        rec(RAW, ip4(C4, S4, 17, d, ident=77, off=o, mf=m))
        for o, d, m in parts)
    s["frag4_reverse_overlap"] = b"".join(
        rec(RAW, ip4(C4, S4, 17, d, ident=78, off=o, mf=m))
        for o, d, m in reversed(parts)) + rec(
        RAW, ip4(C4, S4, 17, b"X" * 64, ident=78, off=32, mf=True))
    # IPv6 fragments, one with destination options first
    dg6 = udp(50011, 88, asreq)
    s["frag6"] = (
        rec(RAW, ip6_frag(C6, S6, 17, 0xabcdef, 64, False, dg6[64:])) +
        rec(RAW, ip6_frag(C6, S6, 17, 0xabcdef, 0, True, dg6[:64])))
    dst_opts = bytes([17, 0, 1, 4, 0, 0, 0, 0])
    inner = dst_opts + dg6
    s["frag6_dstopts"] = (
        rec(IPV6, ip6_frag(C6, S6, 60, 5, 0, True, inner[:48])) +
        rec(IPV6, ip6_frag(C6, S6, 60, 5, 48, False, inner[48:])))

    # TCP: out of order, overlap, retransmission
    m = record_mark(asreq)
    a, b, c = m[:40], m[40:100], m[100:]
    pk = lambda sq, fl, pl=b"": rec(RAW, v4(C4, S4, tcp(50012, 88, sq, fl,
                                                         pl)))
    s["tcp_ooo_overlap"] = (
        pk(1000, SYN) + pk(1001 + 100, ACK, c) + pk(1001 + 40, ACK, b) +
        pk(1001 + 30, ACK, m[30:70]) + pk(1001, ACK, a) +
        pk(1001, ACK, a) + pk(1001 + len(m), FIN | ACK))
    # TCP: a hole never filled, then FIN; then RST on another flow
    pk2 = lambda sq, fl, pl=b"": rec(RAW, v4(C4, S4, tcp(50013, 88, sq, fl,
                                                          pl)))
    s["tcp_gap_fin_rst"] = (
        pk2(1000, SYN) + pk2(1001, ACK, m[:20]) +
        pk2(1001 + 60, ACK, m[60:]) + pk2(1001 + len(m), FIN | ACK) +
        pk(7000, ACK, m[:50]) + pk(7100, ACK, m[60:]) + pk(7200, RST))
    # TCP picked up mid-stream, sequence numbers wrapping
    isn = 0xffffffd0
    pk3 = lambda sq, fl, pl=b"": rec(RAW, v4(C4, S4, tcp(50014, 88, sq, fl,
                                                          pl)))
    s["tcp_midstream_wrap"] = (
        pk3(isn + 1, ACK, m[:30]) + pk3(isn + 61, ACK, m[60:]) +
        pk3(isn + 31, ACK, m[30:60]))
    # Kerberos on other ports: content probes (TCP and UDP)
    s["probe_tcp_udp"] = (
        tcp_conv(ident, RAW, v4, C4, S4, 50015, 8088, record_mark(asreq),
                 record_mark(err)) +
        rec(RAW, v4(C4, S4, udp(50016, 7777, asreq), 17)) +
        rec(RAW, v4(C4, S4, udp(50017, 7778, b"not kerberos"), 17)))
    # many flows (flow cap), then time passes (expiry)
    s["many_flows_expiry"] = b"".join(
        rec(RAW, v4(C4, S4, udp(40000 + i, 88, asreq[:20 + i]), 17))
        for i in range(12)) + rec(
        RAW, v4(C4, S4, udp(40000, 88, asreq), 17), advance=31)
    # broken headers: short, bad IHL, truncated, padding, odd link data
    good = ip4(C4, S4, 17, udp(50018, 88, asreq))
    s["broken_headers"] = (
        rec(RAW, good[:10]) + rec(RAW, bytes([0x44]) + good[1:]) +
        rec(RAW, good[:60]) + rec(RAW, good + b"\0" * 12) +
        rec(EN10MB, eth(0x0800, good)[:13]) + rec(SLL2, b"\0" * 5) +
        rec(NULL, b"\x18\0\0\0" + good) + rec(IPV6, good) +
        rec(RAW, ip4(C4, S4, 6, tcp(1, 2, 3, ACK)[:12])) +
        rec(RAW, ip6(C6, S6, 0, bytes([60, 0, 0, 0, 0, 0, 0, 0]) +
                     bytes([59, 0, 0, 0, 0, 0, 0, 0]))))
    # one Kerberos record over many small TCP segments (FEED_NEED)
    pk4 = lambda sq, fl, pl=b"": rec(RAW, v4(C4, S4, tcp(50019, 88, sq, fl,
                                                          pl)))
    s["tcp_small_segments"] = pk4(1000, SYN) + b"".join(
        pk4(1001 + i, ACK, m[i:i + 7]) for i in range(0, len(m), 7))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "net_fuzzer.in")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
