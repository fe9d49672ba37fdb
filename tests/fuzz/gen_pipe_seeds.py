#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_pipe_seeds.py - writes the seed inputs of tests/fuzz/pipe_fuzzer.c
# into tests/fuzz/pipe_fuzzer.in/ from the project's lab captures: each
# Ethernet packet becomes a record [selector][length][packet] (the
# format of tests/fuzz/net_records.inc), the selector's high bits the
# seconds since the previous packet. Seeds named *-report start with an
# empty record whose selector's low bit asks for the text report.
# Usage: gen_pipe_seeds.py [OUTDIR]  (python3, standard library only)

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CAPTURES = ["tds-wrong-account", "double-hop", "double-hop-not-trusted",
            "spn-names", "samba-spn-missing", "http-negotiate",
            "cross-realm", "samba-s4u"]
MAX_PKT = 4096


def packets(path):
    """(seconds, microseconds, bytes) of a little-endian classic pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack_from("<I", data, 0)
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        raise SystemExit("%s: not a little-endian pcap" % path)
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from("<IIII", data, off)
        off += 16
        yield sec, frac, data[off:off + incl]
        off += incl


def records(path):
    out = bytearray()
    last = None
    for sec, _, pkt in packets(path):
        delta = 0 if last is None else min(31, max(0, sec - last))
        last = sec
        pkt = pkt[:MAX_PKT]
        out += bytes([delta << 3]) + struct.pack(">H", len(pkt)) + pkt
    return bytes(out)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(HERE, "pipe_fuzzer.in")
    os.makedirs(outdir, exist_ok=True)
    for i, name in enumerate(CAPTURES):
        path = os.path.join(TOP, "captures", name + ".pcap")
        recs = records(path)
        if i % 2 == 1:
            name += "-report"
            recs = bytes([1, 0, 0]) + recs
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(recs)


if __name__ == "__main__":
    main()
