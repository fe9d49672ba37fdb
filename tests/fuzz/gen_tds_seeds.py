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
# The byte layouts are those of tests/unit/test_tds.c.
# Usage: gen_tds_seeds.py [OUTDIR]

import os
import struct
import sys

# SPNEGO NegTokenInit with a Kerberos AP-REQ for
# cifs/EDISK03A.housing.hksarg@HOUSING.HKSARG: the SMB session setup
# security blob of frame 7 of zeek/zeek Traces/krb/smb_gssapi.pcap.
APREQ = bytes.fromhex(
    "6082056b06062b0601050502a082055f3082055ba019301706092a864882f712"
    "010202060a2b06010401823702020aa282053c048205386082053406092a8648"
    "86f71201020201006e8205233082051fa003020105a10302010ea20703050020"
    "000000a3820447618204433082043fa003020105a1101b0e484f5553494e472e"
    "484b53415247a22a3028a003020102a121301f1b04636966731b17454449534b"
    "3033412e686f7573696e672e686b73617267a38203f8308203f4a003020117a2"
    "8203eb048203e7ff4e7b1f822fcb0fa5e5bc6afe5ea7d409601522b2bf9917d9"
    "fcb9167dd98c640199401ff7bb6c2b566ec189067b3981b8c201bca247c86872"
    "04039c57ad02f517ddb9d1c74f25e9f2fb1e126d6b08c88e8d2b584f6f0a3bdc"
    "da0a7a309cc448a581d69ecec490332be217d8a48fa132aa8c64a4a45c08de2e"
    "faaf2d02b71fb6cccb4ab0aab7370b565df04eb30dd8c2654226367eca71359c"
    "c3f0e000c9c9cb46332954c1c80d2cbcdb66fe6c3c6bd8a1a08ec8912fa7a4ca"
    "6fdaa81d4457a06fe891fa641f407f7a41c61e7aa45289146a48dfb7fa9af3f0"
    "f4ccdc90e9be34677a4ac206edfc847ee58783a74941f090a81832e9b93a200f"
    "9ef44fa6fcdbf42d00a8968a99f2ee6d5ac6cb1ff10cf5a27b3b0152bd5b8c60"
    "c6a444cbf50eff6ab79ba6fa00c320d9ae42557184a31e3e40c89a0092d344ba"
    "2d5e45c4d8bdf7b20d5a568d022ae2da9c73a9410a7cfe939e419577989b41a4"
    "83af5e047e0adb9ce431184ed8737a32330b156f7d738ef49a17e9aac1cd957f"
    "a17335c638659ccd48260af5da67d8aa8b16134600cf4427bdafb863e7aed64f"
    "2f2c41fd8102b06ec4f4a0da95db5756a77fc3cb3669be483ef6a9af67ddefe3"
    "8f1289429ea5bc9242440ba5f4f8d6d6b4fb096502cb81f3029f797e703905c8"
    "6bb50658377fa492774d0d918d9e559721e52492092b4e4e87512f5afed03c79"
    "f69c50feeb6d173b38c20a7a7e7ac45520a48eaca785f9f2fff7c0dc37eb6177"
    "73619a006a4fa3c8918c712199719413f817babd260c225cd16ce1d0afcef706"
    "91f1f5dccac19f9795e35d66cb97cf01f3643e716b91ef5d51ea039b1c6d2e55"
    "2d8ea30e4895835db82207761ff7cf5f45f013e10a3ed8242beb5f14ad7e2a9a"
    "82434a26035a4330526e7f648ee79cbf67c8a8a5f3da5a4fbd0fe4c5f1cf4ada"
    "05cec4ba3d0107f308ae3d3d94b9e3c57817ba866b7ed275e0022dcf21cc6407"
    "7975dcd43f417e4c6242c46f3d9291b02f5c8a65cd4564361d4fc54afee8a6ae"
    "2f7151be04c0a65487e31666694afd8dfab31c5401ec9fefa754e037413486de"
    "75b53333ebfebb3bee9341100e7c68fa29881d9f95ea5556c162dfce6f225c17"
    "8c07a57949169d8fe545f7dea89afd99f7f84a9028bff4abe1401592d5ecb620"
    "99d261f191af912128b559e6c7748d045d07d0b90f148b5e314edc2ad59626f6"
    "92a20a7eb07c01ca84806314cc2ab4f93d09a0a22f2084cbc5fb5932bbc6f5bf"
    "efa40b0ff51d7f744c71626dae6ce36037d2459a473ac2cf56f8726a92f16d51"
    "db70f5542e3a2b257fb7e69eb3a95a4dda8d8bcc831a8d9ac7ea1b4d61cf9700"
    "a1785fecb66af21c238c32e05279b72bb06e021e5f5f62d962a84857eddd5a73"
    "3fbd80e85da9a8bf6b3d55c10eaba481be3081bba003020117a281b30481b0e8"
    "0fca45fe4b7e548f2328c18ff2945603b76d2556a6cc1f51399816d6e13a6edd"
    "d5141d32bed316367806af9d5cb8f03cef6fe5ca3493307dcac03a1b78b3778c"
    "f71ea24c3fa1334b20e7893ac450857f29bc22b3e51f046d197d640b9bc02673"
    "4cd4d5afe92c9639229da6e0517a3e758203a86738393daf825b4d5e9c043072"
    "73fdd8a5162a66da88be63be29527d8504e48ee0e5c7349f87d74a830940442b"
    "80923dd50b0b6fb651ae1178bd91b7"
)

# NTLMSSP NEGOTIATE (flags 0x00000207) of zeek Traces/ldap/sasl-ntlm
NTLM_NEG = bytes.fromhex(
    "4e544c4d53535000010000000702000000000000200000000000000020000000")

MSG_18456 = "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'."
MSG_18452 = ("Login failed. The login is from an untrusted domain and "
             "cannot be used with Integrated authentication.")


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


def seeds():
    s = {}
    s["krb-login-ok"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS01", "", "SQLCMD", "sql01.housing.hksarg", "ODBC", "master", 1,
        APREQ))), (1, tds(0x04, tok_env(1, "master", "") + tok_loginack(
            "Microsoft SQL Server", 16, 0, 1000) + tok_env(4, "8000", "4096")
            + tok_done())), (0, tds(0x01, u16("select 1"))),
        (1, tds(0x04, b"\x81\x01\x00" + bytes(20))))
    s["ntlm-anonymous-fail"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS02", "", "app", "sql01", "Core .Net SqlClient", "", 1,
        NTLM_NEG))), (1, tds(0x04, tok_sspi(ntlm_challenge()))),
        (0, tds(0x11, NTLM_NEG)), (1, tds(0x04, tok_err(
            0xaa, 18456, 1, 14, MSG_18456, "SQL01") + tok_done())))
    s["untrusted-domain"] = chunks(*pre(0, 2), (1, tds(0x04, tok_env(
        1, "master", "") + tok_err(0xab, 5701, 2, 0,
                                   "Changed database context.", "SQL01") +
        tok_err(0xaa, 18452, 1, 14, MSG_18452, "SQL01") + tok_done())))
    s["encrypt-off"] = chunks(
        *pre(0, 0), (0, tds(0x12, tls(0x16, 200))),
        (1, tds(0x12, tls(0x16, 3000), 2000)),
        (0, tds(0x12, tls(0x16, 262) + tls(0x14, 1) + tls(0x16, 40))),
        (1, tds(0x12, tls(0x14, 1) + tls(0x16, 40))), (0, tls(0x17, 500)),
        (1, tds(0x04, tok_sspi(ntlm_challenge()))),
        (0, tds(0x11, NTLM_NEG)),
        (1, tds(0x04, tok_err(0xaa, 18456, 1, 14, MSG_18456, "SQL01") +
                tok_done())))
    s["encrypt-on"] = chunks(
        *pre(1, 1), (0, tds(0x12, tls(0x16, 180))),
        (1, tds(0x12, tls(0x16, 1500))), (0, tls(0x17, 700)),
        (1, tls(0x17, 70) + tls(0x17, 3000)), (0, tls(0x17, 800)))
    s["strict"] = chunks((0, tls(0x16, 300)), (1, tls(0x16, 2000)),
                         (0, tls(0x17, 600)))
    s["one-byte"] = chunks(*pre(0, 3), split=1)
    s["span"] = chunks(*pre(2, 2), (0, tds(0x10, login7(
        "WS03", "", "span", "sql01", "ODBC", "db1", 1, APREQ), 1000)),
        split=700)
    s["three-in-one"] = chunks(*pre(2, 2), (1, tds(0x04, tok_env(
        1, "tempdb", "master")) + tds(0x04, tok_err(
            0xaa, 18456, 1, 14, MSG_18456, "SQL01")) + tds(0x04, tok_err(
                0xaa, 18452, 1, 14, MSG_18452, "SQL01") + tok_done())))
    s["gap-garbage"] = chunks(*pre(2, 2), (3, b"\x99garbage!\xfe\xfe" + tds(
        0x04, tok_err(0xaa, 18456, 1, 14, MSG_18456, "SQL01"))))
    s["probe-server-first"] = chunks(
        (1, tds(0x04, prelogin(15, 0, 2000, 2, None, 1))),
        (0, tds(0x11, NTLM_NEG)), (1, tds(0x04, tok_loginack(
            "Microsoft SQL Server", 15, 0, 2000) + tok_done())))
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "tds_fuzzer.in")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        if len(data) >= 16384:
            sys.exit(name + ": seed too large")
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
