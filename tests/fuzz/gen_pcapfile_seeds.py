#!/usr/bin/env python3
# krbscope - writes the seed files of pcapfile_fuzzer: small pcap and
# pcapng files of each kind the reader handles, built here.
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "pcapfile_fuzzer.in")
os.makedirs(out, exist_ok=True)
PKT = (b"\0" * 12 + b"\x08\x00" + bytes.fromhex(
    "4500002c0000000040110000c0000201c000020a") +
    struct.pack(">HHHH", 50000, 88, 16, 0) + bytes.fromhex("6a06300402020005"))


def pcap(end, magic, n):
    b = struct.pack(end + "IHHiIII", magic, 2, 4, 0, 0, 65535, 1)
    for i in range(n):
        b += struct.pack(end + "IIII", 1000 + i, 5 * i, len(PKT), len(PKT))
        b += PKT
    return b


def pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def blk(end, t, body):
    body = pad4(body)
    return (struct.pack(end + "II", t, 12 + len(body)) + body +
            struct.pack(end + "I", 12 + len(body)))


def pcapng(end, tsresol):
    b = blk(end, 0x0a0d0d0a, struct.pack(end + "IHHq", 0x1a2b3c4d, 1, 0, -1))
    opts = b""
    if tsresol is not None:
        opts = struct.pack(end + "HHB3x", 9, 1, tsresol) + \
            struct.pack(end + "HH", 0, 0)
    b += blk(end, 1, struct.pack(end + "HHI", 1, 0, 65535) + opts)
    b += blk(end, 6, struct.pack(end + "IIIII", 0, 0, 12345, len(PKT),
                                 len(PKT)) + PKT)
    b += blk(end, 3, struct.pack(end + "I", len(PKT)) + PKT)
    b += blk(end, 2, struct.pack(end + "HHIIII", 0, 0, 0, 1, len(PKT),
                                 len(PKT)) + PKT)
    b += blk(end, 5, struct.pack(end + "III", 0, 0, 0))
    b += blk(end, 0xbad, b"x" * 20)
    return b


seeds = {
    "pcap-le": pcap("<", 0xa1b2c3d4, 3),
    "pcap-be": pcap(">", 0xa1b2c3d4, 3),
    "pcap-ns": pcap("<", 0xa1b23c4d, 2),
    "pcap-cut": pcap("<", 0xa1b2c3d4, 2)[:-7],
    "pcapng-le": pcapng("<", None),
    "pcapng-be-ns": pcapng(">", 9),
    "pcapng-pow2": pcapng("<", 0x80 | 20),
    "pcapng-cut": pcapng("<", 6)[:-9],
}
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
