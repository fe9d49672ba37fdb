#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_smb_seeds.py - writes the seed corpora of smb_fuzzer and
# dcerpc_fuzzer (input format: tests/fuzz/dis_fuzzer.inc, chunks of
# [sel:1][len:2 big-endian][bytes], sel bit 0 = direction, bit 1 = gap).
# The captured byte sequences (SMB2 and SMB1 session setup with Kerberos,
# a DCE/RPC bind with NTLMSSP) are read from the C arrays of
# tests/unit/test_smb.c, where they came from the zeek test traces; the
# rest is built here from MS-SMB2, MS-CIFS and C706 / MS-RPCE.
# Deterministic: the same files every run.
#
# usage: gen_smb_seeds.py [SMB_OUTDIR DCERPC_OUTDIR]
#        (default: smb_fuzzer.in and dcerpc_fuzzer.in beside it)

import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_C = os.path.join(HERE, "..", "unit", "test_smb.c")

GSS_APREQ_OFF = 170
GSS_APREQ_LEN = 3171
NTLM_NEG_LEN = 49

LSARPC = bytes([0x78, 0x57, 0x34, 0x12, 0x34, 0x12, 0xcd, 0xab,
                0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab])
FID = bytes(range(1, 17))


def c_arrays(path):
    """The static const uint8_t arrays of a C file, by name."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r"static const uint8_t (\w+)\[\] =\n((?:\s+\".*\"\n)+)",
                         text):
        raw = "".join(re.findall(r"\"(.*?)\"", m.group(2)))
        out[m.group(1)] = bytes(int(h, 16)
                                for h in re.findall(r"\\x([0-9a-f]{2})", raw))
    return out


def chunk(sel, data):
    out = b""
    for i in range(0, max(len(data), 1), 0xffff):
        part = data[i:i + 0xffff]
        out += struct.pack(">BH", sel, len(part)) + part
    return out


def chunks(sel, data, size):
    return b"".join(chunk(sel, data[i:i + size])
                    for i in range(0, len(data), size))


def nbss(msg):
    return bytes([0]) + len(msg).to_bytes(3, "big") + msg


def smb2_hdr(cmd, resp, status=0, msg_id=1, tree=0, session=1, nxt=0):
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQII", 64, 0, status, cmd, 1,
                                     1 if resp else 0, nxt, msg_id, 0, tree)
            + struct.pack("<Q", session) + bytes(16))


def ss_resp(status, sflags=0, tok=b""):
    h = smb2_hdr(1, True, status, 3, 0, 0x0000400000000035)
    if status in (0, 0xc0000016):
        body = struct.pack("<HHHH", 9, sflags, 72 if tok else 0, len(tok))
    else:
        body = struct.pack("<HBBI", 9, 0, 0, 0)
    return nbss(h + body + (tok if tok else b"\0"))


def tree_connect(path, msg_id=4, nxt=0):
    p = path.encode("utf-16-le")
    return (smb2_hdr(3, False, msg_id=msg_id, nxt=nxt)
            + struct.pack("<HHHH", 9, 0, 72, len(p)) + p)


def rpc_pdu(le, ptype, body, auth_type=0, tok=b"", call_id=7):
    e = "<" if le else ">"
    n = 16 + len(body) + (8 + len(tok) if tok else 0)
    hdr = bytes([5, 0, ptype, 3, 0x10 if le else 0, 0, 0, 0])
    hdr += struct.pack(e + "HHI", n, len(tok), call_id)
    trailer = bytes([auth_type, 6, 0, 0]) + bytes(4) if tok else b""
    return hdr + body + trailer + tok


def bind_body(le, uuid_le):
    if le:
        uuid = uuid_le
        ver = struct.pack("<I", 2)
    else:
        uuid = (uuid_le[3::-1] + uuid_le[5:3:-1] + uuid_le[7:5:-1]
                + uuid_le[8:])
        ver = struct.pack(">I", 2)
    return (struct.pack("<HHI", 4280, 4280, 0) + bytes([1, 0, 0, 0])
            + bytes([0, 0, 1, 0]) + uuid + ver + bytes(20))


def bind_ack(le, auth_type=0, tok=b"", result=0):
    e = "<" if le else ">"
    body = struct.pack(e + "HHIH", 4280, 4280, 0, 4) + b"135\0"
    body += bytes(2)                  # pad to 4 (16 + 14 + 2 = 32)
    body += bytes([1, 0, 0, 0]) + struct.pack(e + "HH", result, 2)
    body += bytes(20)
    return rpc_pdu(le, 12, body, auth_type, tok)


def smb_seeds(a):
    ss_req = a["smb2_ss_req"]
    apreq = ss_req[GSS_APREQ_OFF:GSS_APREQ_OFF + GSS_APREQ_LEN]
    ntlm_neg = a["rpc_ntlm_bind"][-NTLM_NEG_LEN:]
    s = {}
    s["smb2-session"] = (chunk(1, a["smb2_neg_resp"])
                         + chunks(0, ss_req, 1460)
                         + chunk(1, a["smb2_ss_resp"]))
    s["smb2-split"] = (chunks(1, a["smb2_neg_resp"], 7)
                       + chunks(1, a["smb2_ss_resp"], 13))
    s["smb2-status"] = chunk(1, ss_resp(0xc0000016, 0,
                                        a["smb2_ss_resp"][4 + 72:])
                             + ss_resp(0xc000006d) + ss_resp(0, 1)
                             + ss_resp(0xc0001234) + ss_resp(0, 2))
    first = tree_connect("\\\\srv\\IPC$", 4, 96)
    first += bytes(96 - len(first))
    s["smb2-compound"] = chunk(0, nbss(first + tree_connect("xyzw", 5)))
    # pipe share: tree connect response, create, write, read, ioctl
    tc = smb2_hdr(3, True, 0, 2, 7) + struct.pack("<HBB", 16, 2, 0) \
        + bytes(12)
    name = "lsarpc".encode("utf-16-le")
    cr = bytearray(smb2_hdr(5, False, 0, 3, 7) + bytes(56))
    cr[64:66] = struct.pack("<H", 57)
    cr[64 + 44:64 + 48] = struct.pack("<HH", 120, len(name))
    cr = bytes(cr) + name
    cresp = bytearray(smb2_hdr(5, True, 0, 3, 7) + bytes(88))
    cresp[64:66] = struct.pack("<H", 89)
    cresp[128:144] = FID
    bind = a["rpc_ntlm_bind"]
    wr = (smb2_hdr(9, False, 0, 4, 7)
          + struct.pack("<HHIQ", 49, 112, len(bind), 0) + FID + bytes(16)
          + bind)
    ack = a["rpc_ntlm_ack"]
    rd = (smb2_hdr(8, True, 0, 5, 7) + struct.pack("<HBBIII", 17, 80, 0,
                                                   len(ack), 0, 0) + ack)
    alter = rpc_pdu(True, 14, bind_body(True, LSARPC), 16, apreq)
    io = (smb2_hdr(11, False, 0, 6, 7)
          + struct.pack("<HHI", 57, 0, 0x0011c017) + FID
          + struct.pack("<IIIIIIII", 120, len(alter), 0, 0, 0, 0, 1, 0)
          + alter)
    s["smb2-pipe"] = (chunk(1, nbss(tc)) + chunk(0, nbss(cr))
                      + chunk(1, nbss(bytes(cresp))) + chunk(0, nbss(wr))
                      + chunk(1, nbss(rd)) + chunk(0, nbss(io)))
    # a WRITE with 12000 data bytes (stepped over), then a tree connect
    big = (smb2_hdr(9, False, 0, 9, 1)
           + struct.pack("<HHIQ", 49, 112, 12000, 0) + bytes(32)
           + b"A" * 12000)
    s["smb2-big-write"] = (chunks(0, nbss(big), 1460)
                           + chunk(0, nbss(tree_connect("\\\\h\\C$"))))
    # a session setup record over the fuzzer's 8192-byte cap
    over = smb2_hdr(1, False) + struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0,
                                            88, 9000, 0) + bytes(9000)
    s["smb2-oversize"] = (chunks(0, nbss(over), 4000)
                          + chunk(1, ss_resp(0)))
    s["smb1-session"] = (chunk(1, a["smb1_neg_resp"])
                         + chunks(0, a["smb1_ss_req"], 1460)
                         + chunk(1, a["smb1_ss_resp"]))
    enc = nbss(b"\xfdSMB" + b"U" * 196)
    s["smb-transform-139"] = (chunk(0, b"\x81\x00\x00\x04ABCD")
                              + chunk(1, enc + enc) + chunk(1, b"3" * 40)
                              + chunk(1, ss_resp(0)) + chunk(3, b"xx")
                              + chunk(1, ss_resp(0xc0000022)))
    s["smb2-ntlm-negotiate-token"] = chunk(0, nbss(
        smb2_hdr(1, False) + struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 88,
                                         len(ntlm_neg), 0) + ntlm_neg))
    return s


def rpc_seeds(a):
    ss_req = a["smb2_ss_req"]
    apreq = ss_req[GSS_APREQ_OFF:GSS_APREQ_OFF + GSS_APREQ_LEN]
    ntlm_neg = a["rpc_ntlm_bind"][-NTLM_NEG_LEN:]
    s = {}
    s["ntlm-bind"] = (chunk(0, a["rpc_ntlm_bind"])
                      + chunk(1, a["rpc_ntlm_ack"]))
    krb = rpc_pdu(True, 11, bind_body(True, LSARPC), 16, apreq)
    s["krb-bind"] = (chunks(0, krb, 1000) + chunk(1, bind_ack(True)))
    s["be-bind-nak"] = (chunk(0, rpc_pdu(False, 11, bind_body(False, LSARPC),
                                         10, ntlm_neg))
                        + chunk(1, rpc_pdu(False, 13,
                                           struct.pack(">HH", 8, 0))))
    alter = rpc_pdu(True, 14, bind_body(True, LSARPC), 10, ntlm_neg)
    s["request-then-alter"] = (chunk(0, rpc_pdu(True, 11,
                                                bind_body(True, LSARPC)))
                               + chunks(0, rpc_pdu(True, 0, b"w" * 5984),
                                        1000)
                               + chunk(0, alter + alter))
    s["ack-auth3"] = (chunk(1, bind_ack(True, 10, ntlm_neg))
                      + chunk(1, bind_ack(True, 0, b"", 2))
                      + chunk(0, rpc_pdu(True, 16, bytes(4), 10, ntlm_neg))
                      + chunk(1, rpc_pdu(True, 15, bind_ack(True)[16:], 9,
                                         b"\xa1\x07\x30\x05\xa0\x03\x0a\x01"
                                         b"\x00")))
    s["garbage-gap"] = (chunk(0, b"\x05\x00\x0b" + b"z" * 30)
                        + chunk(2, krb[:600]) + chunk(0, krb[600:])
                        + chunk(3, a["rpc_ntlm_ack"][5:]))
    s["request-auth"] = chunk(0, rpc_pdu(True, 0, b"r" * 24, 10,
                                         b"\x01\x00\x00\x00" + bytes(12)))
    return s


def write(outdir, seeds):
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds.items()):
        if len(data) >= 16384:
            sys.exit("seed %s too large: %d" % (name, len(data)))
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


def main():
    a = c_arrays(TEST_C)
    if len(sys.argv) == 3:
        smb_dir, rpc_dir = sys.argv[1], sys.argv[2]
    else:
        smb_dir = os.path.join(HERE, "smb_fuzzer.in")
        rpc_dir = os.path.join(HERE, "dcerpc_fuzzer.in")
    write(smb_dir, smb_seeds(a))
    write(rpc_dir, rpc_seeds(a))


if __name__ == "__main__":
    main()
