#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# dnsload.py - background DNS traffic for `make bench` (RFC 1035 section
# 4.1): a tiny UDP responder and a client that asks it a bounded number of
# questions.  Used by mktraffic.sh on loopback only.
#
#   dnsload.py serve ADDR PORT          answer until killed
#   dnsload.py query ADDR PORT COUNT    ask COUNT questions, then exit
#
# Answers: A / AAAA / SRV / PTR records with made-up data, one name in
# eight answered NXDOMAIN, one in sixteen with a CNAME first.

import random
import socket
import struct
import sys
import zlib

T_A, T_CNAME, T_PTR, T_AAAA, T_SRV = 1, 5, 12, 28, 33

NAMES = ["web%02d.corp.example" % i for i in range(40)] + \
    ["sql%02d.corp.example" % i for i in range(10)] + \
    ["_ldap._tcp.dc._msdcs.corp.example",
     "_kerberos._tcp.corp.example", "fileserver.corp.example"]


def enc_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        b = label.encode()[:63]
        out += bytes([len(b)]) + b
    return out + b"\0"


def dec_name(buf, off):
    labels = []
    while off < len(buf):
        n = buf[off]
        off += 1
        if n == 0:
            return ".".join(labels), off
        if n & 0xC0:
            return None, off
        labels.append(buf[off:off + n].decode(errors="replace"))
        off += n
    return None, off


def rr(name_ptr, rtype, ttl, rdata):
    return name_ptr + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def answer(q):
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    if flags & 0x8000 or qd != 1:
        return None
    name, off = dec_name(q, 12)
    if name is None or off + 4 > len(q):
        return None
    qtype = struct.unpack("!H", q[off:off + 2])[0]
    question = q[12:off + 4]
    h = zlib.crc32(name.encode())
    ptr = b"\xc0\x0c"
    rcode = 3 if h % 8 == 0 else 0
    ans = []
    if rcode == 0:
        if h % 16 == 1:
            target = "alias%d.corp.example" % (h % 97)
            ans.append(rr(ptr, T_CNAME, 300, enc_name(target)))
        if qtype == T_A:
            ans.append(rr(ptr, T_A, 300, struct.pack("!I", 0x0A000000 | h
                                                    & 0xFFFF)))
        elif qtype == T_AAAA:
            ans.append(rr(ptr, T_AAAA, 300, b"\xfd\x00" + b"\0" * 12 +
                          struct.pack("!H", h & 0xFFFF)))
        elif qtype == T_SRV:
            for i in range(2):
                tgt = enc_name("dc%d.corp.example" % i)
                ans.append(rr(ptr, T_SRV, 600,
                              struct.pack("!HHH", 0, 100, 88 if "kerb" in
                                          name else 389) + tgt))
        elif qtype == T_PTR:
            ans.append(rr(ptr, T_PTR, 300, enc_name("host%d.corp.example"
                                                     % (h % 200))))
    hdr = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, len(ans), 0, 0)
    return hdr + question + b"".join(ans)


def serve(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, port))
    while True:
        q, peer = s.recvfrom(4096)
        a = answer(q)
        if a is not None:
            s.sendto(a, peer)


def query(addr, port, count):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    rnd = random.Random(port + count)
    got = 0
    for i in range(count):
        name = rnd.choice(NAMES)
        if name.startswith("_"):
            qtype = T_SRV
        elif i % 11 == 0:
            qtype = T_PTR
            name = "%d.%d.0.10.in-addr.arpa" % (i % 250, i % 13)
        else:
            qtype = T_AAAA if i % 3 == 0 else T_A
        msg = struct.pack("!HHHHHH", rnd.randrange(65536), 0x0100, 1, 0, 0,
                          0) + enc_name(name) + struct.pack("!HH", qtype, 1)
        s.sendto(msg, (addr, port))
        try:
            s.recvfrom(4096)
            got += 1
        except socket.timeout:
            pass
    print("dnsload: %d/%d answered" % (got, count), file=sys.stderr)
    return 0 if got else 1


def main(argv):
    if len(argv) == 3 and argv[0] == "serve":
        serve(argv[1], int(argv[2]))
        return 0
    if len(argv) == 4 and argv[0] == "query":
        return query(argv[1], int(argv[2]), int(argv[3]))
    print("usage: dnsload.py serve ADDR PORT | query ADDR PORT COUNT",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
