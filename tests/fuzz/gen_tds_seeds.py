#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_tds_seeds.py - writes the seed inputs of tests/fuzz/tds_fuzzer.c
# into tests/fuzz/tds_fuzzer.in/ (python3, standard library only): whole
# TDS login conversations (MS-TDS 2.2.6, 2.2.7) in the chunk format of
# tests/fuzz/dis_fuzzer.inc:
#   [sel][length, 2 bytes big-endian][stream bytes]
# sel bit 0: direction (1: server to client); bit 1: bytes lost before.
# The byte layouts are those of tests/unit/test_tds.c; its captured
# byte sequences (apreq_hex: a SPNEGO AP-REQ from zeek
# Traces/krb/smb_gssapi.pcap, ntlm_neg_hex: an NTLMSSP NEGOTIATE from
# zeek Traces/ldap/sasl-ntlm) and error texts (msg_18456, msg_18452) are
# read at run time from its static const char arrays, so the unit test
# holds the only copy; the rest is built here.
# Usage: gen_tds_seeds.py [OUTDIR]

import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_C = os.path.join(HERE, "..", "unit", "test_tds.c")

C_ESC = {"\\": "\\", "\"": "\"", "'": "'", "n": "\n", "t": "\t"}


def c_strings(path):
    """The static const char arrays of a C file, by name: the literal
    text, escapes not yet undone."""
    text = open(path).read()
    lit = r'"((?:[^"\\\n]|\\.)*)"'
    out = {}
    for m in re.finditer(r"static const char (\w+)\[\] =((?:\s*%s)+);"
                         % lit, text):
        out[m.group(1)] = "".join(re.findall(lit, m.group(2)))
    return out


def c_text(lit):
    """A C string literal's text with its (simple) escapes undone."""
    def esc(m):
        if m.group(1) not in C_ESC:
            sys.exit("%s: escape \\%s not handled" % (TEST_C, m.group(1)))
        return C_ESC[m.group(1)]
    return re.sub(r"\\(.)", esc, lit)


def u16(s):
    return s.encode("utf-16-le")


def tds(ptype, payload, maxpl=4088):
    """A message as packets of at most maxpl payload bytes."""
    out = b""
    pid = 1
    while True:
        k = min(len(payload), maxpl)
        status = 1 if k == len(payload) else 0
        out += struct.pack(">BBHHBB", ptype, status, 8 + k, 0, pid, 0)
        out += payload[:k]
        payload = payload[k:]
        pid = (pid + 1) & 0xff
        if not payload:
            return out


def prelogin(major, minor, build, enc, instance, mars):
    inst = instance.encode() + b"\0" if instance is not None else b"\0"
    data = [struct.pack(">BBHH", major, minor, build, 0), bytes([enc]),
            inst, struct.pack("<I", 0xdb8), bytes([mars])]
    off = 5 * len(data) + 1
    table = b""
    for tok, d in enumerate(data):
        table += struct.pack(">BHH", tok, off, len(d))
        off += len(d)
    return table + b"\xff" + b"".join(data)


def login7(host, user, app, server, lib, db, intsec, sspi):
    strs = [u16(host), u16(user),
            bytes(b for c in "Secr3t!" for b in
                  ((((ord(c) << 4) | (ord(c) >> 4)) & 0xff) ^ 0xa5, 0xa5)),
            u16(app), u16(server), b"", u16(lib), u16("us_english"),
            u16(db)]
    fixed = struct.pack("<IIIIII", 0, 0x74000004, 4096, 0x07000000, 4242,
                        0)
    fixed += bytes([0xe0, 0x83 if intsec else 0x03, 0, 0])
    fixed += struct.pack("<iI", -120, 0x0409)
    off = 94
    for s in strs:
        fixed += struct.pack("<HH", off, len(s) // 2)
        off += len(s)
    fixed += bytes.fromhex("00508be3b78f")
    fixed += struct.pack("<HH", off, min(len(sspi), 0xffff))
    fixed += struct.pack("<HHHHI", off + len(sspi), 0, off + len(sspi), 0,
                         len(sspi) if len(sspi) >= 0xffff else 0)
    body = fixed + b"".join(strs) + sspi
    return struct.pack("<I", len(body)) + body[4:]


def tok_err(tok, number, state, cls, msg, server):
    body = struct.pack("<IBB", number, state, cls)
    body += struct.pack("<H", len(msg)) + u16(msg)
    body += bytes([len(server)]) + u16(server) + b"\0"
    body += struct.pack("<I", 1)
    return bytes([tok]) + struct.pack("<H", len(body)) + body


def tok_loginack(prog, major, minor, build):
    body = b"\x01\x74\x00\x00\x04" + bytes([len(prog)]) + u16(prog)
    body += bytes([major, minor, build >> 8, build & 0xff])
    return b"\xad" + struct.pack("<H", len(body)) + body


def tok_env(etype, new, old):
    body = bytes([etype, len(new)]) + u16(new) + bytes([len(old)]) + u16(old)
    return b"\xe3" + struct.pack("<H", len(body)) + body


def tok_done():
    return b"\xfd" + bytes(12)


def tok_sspi(blob):
    return b"\xed" + struct.pack("<H", len(blob)) + blob


def tls(ctype, n):
    return bytes([ctype, 3, 3]) + struct.pack(">H", n) + bytes(
        (i * 7 + 0x11) & 0xff for i in range(n))


def ntlm_challenge():
    name = u16("CONTOSO")
    ti = (struct.pack("<HH", 2, 14) + u16("CONTOSO") +
          struct.pack("<HH", 1, 10) + u16("SQL01") + bytes(4))
    return (b"NTLMSSP\0" + struct.pack("<I", 2) +
            struct.pack("<HHI", 14, 14, 56) + struct.pack("<I", 0xe2898215) +
            bytes.fromhex("0123456789abcdef") + bytes(8) +
            struct.pack("<HHI", len(ti), len(ti), 70) +
            bytes.fromhex("0a0063450000000f") + name + ti)


def chunks(*items, split=0):
    """items: (sel, bytes); split > 0 cuts each into pieces that long."""
    out = b""
    for sel, data in items:
        step = split if split > 0 else max(len(data), 1)
        for i in range(0, max(len(data), 1), step):
            piece = data[i:i + step]
            out += struct.pack(">BH", sel, len(piece)) + piece
    return out


def pre(cenc, senc):
    return [(0, tds(0x12, prelogin(9, 0, 0, cenc, "MSSQLSERVER", 0))),
            (1, tds(0x04, prelogin(16, 0, 1000, senc, None, 0)))]


def seeds(c):
    apreq = bytes.fromhex(c["apreq_hex"])
    ntlm_neg = bytes.fromhex(c["ntlm_neg_hex"])
    msg_18456 = c_text(c["msg_18456"])
    msg_18452 = c_text(c["msg_18452"])
    s = {}
    s["krb-login-ok"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS01", "", "SQLCMD", "sql01.housing.hksarg", "ODBC", "master", 1,
        apreq))), (1, tds(0x04, tok_env(1, "master", "") + tok_loginack(
            "Microsoft SQL Server", 16, 0, 1000) + tok_env(4, "8000", "4096")
            + tok_done())), (0, tds(0x01, u16("select 1"))),
        (1, tds(0x04, b"\x81\x01\x00" + bytes(20))))
    s["ntlm-anonymous-fail"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS02", "", "app", "sql01", "Core .Net SqlClient", "", 1,
        ntlm_neg))), (1, tds(0x04, tok_sspi(ntlm_challenge()))),
        (0, tds(0x11, ntlm_neg)), (1, tds(0x04, tok_err(
            0xaa, 18456, 1, 14, msg_18456, "SQL01") + tok_done())))
    s["untrusted-domain"] = chunks(*pre(0, 2), (1, tds(0x04, tok_env(
        1, "master", "") + tok_err(0xab, 5701, 2, 0,
                                   "Changed database context.", "SQL01") +
        tok_err(0xaa, 18452, 1, 14, msg_18452, "SQL01") + tok_done())))
    s["encrypt-off"] = chunks(
        *pre(0, 0), (0, tds(0x12, tls(0x16, 200))),
        (1, tds(0x12, tls(0x16, 3000), 2000)),
        (0, tds(0x12, tls(0x16, 262) + tls(0x14, 1) + tls(0x16, 40))),
        (1, tds(0x12, tls(0x14, 1) + tls(0x16, 40))), (0, tls(0x17, 500)),
        (1, tds(0x04, tok_sspi(ntlm_challenge()))),
        (0, tds(0x11, ntlm_neg)),
        (1, tds(0x04, tok_err(0xaa, 18456, 1, 14, msg_18456, "SQL01") +
                tok_done())))
    s["encrypt-on"] = chunks(
        *pre(1, 1), (0, tds(0x12, tls(0x16, 180))),
        (1, tds(0x12, tls(0x16, 1500))), (0, tls(0x17, 700)),
        (1, tls(0x17, 70) + tls(0x17, 3000)), (0, tls(0x17, 800)))
    s["strict"] = chunks((0, tls(0x16, 300)), (1, tls(0x16, 2000)),
                         (0, tls(0x17, 600)))
    s["one-byte"] = chunks(*pre(0, 3), split=1)
    s["span"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS03", "", "span", "sql01", "ODBC", "db1", 1, apreq), 1000)),
        split=700)
    s["three-in-one"] = chunks(*pre(2, 2), (1, tds(0x04, tok_env(
        1, "tempdb", "master")) + tds(0x04, tok_err(
            0xaa, 18456, 1, 14, msg_18456, "SQL01")) + tds(0x04, tok_err(
                0xaa, 18452, 1, 14, msg_18452, "SQL01") + tok_done())))
    s["gap-garbage"] = chunks(*pre(2, 2), (3, b"\x99garbage!\xfe\xfe" + tds(
        0x04, tok_err(0xaa, 18456, 1, 14, msg_18456, "SQL01"))))
    s["probe-server-first"] = chunks(
        (1, tds(0x04, prelogin(15, 0, 2000, 2, None, 1))),
        (0, tds(0x11, ntlm_neg)), (1, tds(0x04, tok_loginack(
            "Microsoft SQL Server", 15, 0, 2000) + tok_done())))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "tds_fuzzer.in")
    c = c_strings(TEST_C)
    missing = sorted({"apreq_hex", "ntlm_neg_hex", "msg_18456",
                      "msg_18452"} - set(c))
    if missing:
        sys.exit("%s: no array %s" % (TEST_C, ", ".join(missing)))
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds(c).items()):
        if len(data) >= 16384:
            sys.exit(name + ": seed too large")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
