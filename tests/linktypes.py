#!/usr/bin/env python3
# krbscope - rewrites an Ethernet pcap into the other link types krbscope
# reads (802.1Q, QinQ, Linux SLL, SLL2, BSD NULL in both byte orders,
# LOOP, raw IP, IPv4) and prints TAP: each must give the same Kerberos
# records as the original. Also writes a pcap of an unsupported link type
# and checks that krbscope refuses it with exit status 2.
import json
import os
import struct
import subprocess
import sys
import tempfile

top_srcdir = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
top_builddir = os.environ.get("top_builddir") or top_srcdir
shared = os.environ.get("KS_SHARED") or os.path.join(top_srcdir, "..",
                                                     "shared")
krbscope = os.path.join(top_builddir, "krbscope")
SOURCES = [os.path.join(shared, "captures", "real", "zeek-krb-kinit.pcap"),
           os.path.join(shared, "captures", "real",
                        "suricata-krb5-msg-types.pcap"),
           os.path.join(top_srcdir, "captures", "mit-basic.pcap")]

DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_LOOP = 0, 1, 101, 108
DLT_SLL, DLT_SLL2, DLT_IPV4, DLT_80211 = 113, 276, 228, 105


def read_pcap(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        e = ">"
    else:
        return None
    link = struct.unpack(e + "I", data[20:24])[0]
    pkts, off = [], 24
    while off + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        pkts.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return link, pkts


def write_pcap(path, link, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144,
                            link))
        for sec, usec, data, orig in pkts:
            f.write(struct.pack("<IIII", sec, usec, len(data), orig))
            f.write(data)


def convert(pkts, kind):
    out = []
    for sec, usec, eth, orig in pkts:
        dst, src, etype, payload = eth[:6], eth[6:12], eth[12:14], eth[14:]
        grow = 0
        if kind == "vlan":
            d = dst + src + b"\x81\x00\x00\x64" + etype + payload
            grow = 4
        elif kind == "qinq":
            d = (dst + src + b"\x88\xa8\x00\x0a\x81\x00\x00\x64" + etype +
                 payload)
            grow = 8
        elif kind == "sll":
            d = (struct.pack(">HHH", 0, 1, 6) + src + b"\0\0" + etype +
                 payload)
            grow = 2
        elif kind == "sll2":
            d = (etype + b"\0\0" + struct.pack(">IHBB", 2, 1, 0, 6) + src +
                 b"\0\0" + payload)
            grow = 6
        elif kind in ("null-le", "null-be", "loop"):
            fam = 2 if etype == b"\x08\x00" else 24
            fmt = "<I" if kind == "null-le" else ">I"
            d = struct.pack(fmt, fam) + payload
            grow = -10
        elif kind in ("raw", "ipv4"):
            if kind == "ipv4" and etype != b"\x08\x00":
                continue
            d = payload
            grow = -14
        out.append((sec, usec, d, orig + grow))
    return out


KINDS = [("vlan", DLT_EN10MB), ("qinq", DLT_EN10MB), ("sll", DLT_SLL),
         ("sll2", DLT_SLL2), ("null-le", DLT_NULL), ("null-be", DLT_NULL),
         ("loop", DLT_LOOP), ("raw", DLT_RAW)]

n = 0


def tap(ok, desc, diag=None):
    global n
    n += 1
    print("%sok %d - %s" % ("" if ok else "not ", n, desc))
    if not ok and diag:
        for line in str(diag).splitlines()[:20]:
            print("#   " + line)


def records(path):
    p = subprocess.run([krbscope, "--json", "-r", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    recs = [json.loads(x) for x in p.stdout.decode().splitlines()]
    # the link type changes frame sizes, not what was said
    return p.returncode, [
        {k: v for k, v in r.items() if k != "ts"}
        for r in recs if r["type"] == "krb"]


def pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def ng_block(btype, body):
    body = pad4(body)
    n = 12 + len(body)
    return struct.pack(">II", btype, n) + body + struct.pack(">I", n)


def records_ts(path):
    p = subprocess.run([krbscope, "--json", "-r", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    return p.returncode, [json.loads(x) for x in
                          p.stdout.decode().splitlines()
                          if '"type":"krb"' in x]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for src in SOURCES:
            name = os.path.basename(src)
            if not os.path.exists(src):
                n_kinds = len(KINDS)
                for kind, _ in KINDS:
                    global n
                    n += 1
                    print("ok %d - %s as %s # SKIP absent" % (n, name, kind))
                continue
            link, pkts = read_pcap(src)
            rc, want = records(src)
            for kind, dlt in KINDS:
                path = os.path.join(tmp, "%s-%s.pcap" % (name, kind))
                write_pcap(path, dlt, convert(pkts, kind))
                rc, got = records(path)
                tap(rc in (0, 1) and got == want and len(got) > 0,
                    "%s as %s: %d records, same as Ethernet" %
                    (name, kind, len(got)),
                    "exit %d, %d records vs %d" % (rc, len(got), len(want)))
        # the file format itself: byte order, nanoseconds, a cut file
        src = SOURCES[0]
        if os.path.exists(src):
            link, pkts = read_pcap(src)
            rc, want = records_ts(src)
            path = os.path.join(tmp, "be.pcap")
            with open(path, "wb") as f:
                f.write(struct.pack(">IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0,
                                    262144, link))
                for sec, usec, data, orig in pkts:
                    f.write(struct.pack(">IIII", sec, usec, len(data), orig))
                    f.write(data)
            rc, got = records_ts(path)
            tap(rc in (0, 1) and got == want, "big-endian pcap: same records",
                "exit %d, %d vs %d records" % (rc, len(got), len(want)))
            path = os.path.join(tmp, "ns.pcap")
            with open(path, "wb") as f:
                f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0,
                                    262144, link))
                for sec, usec, data, orig in pkts:
                    f.write(struct.pack("<IIII", sec, usec * 1000 + 999,
                                        len(data), orig))
                    f.write(data)
            rc, got = records_ts(path)
            tap(rc in (0, 1) and got == want,
                "nanosecond pcap: same records and microsecond times",
                "exit %d, %d vs %d records" % (rc, len(got), len(want)))
            data = open(src, "rb").read()
            path = os.path.join(tmp, "cut.pcap")
            with open(path, "wb") as f:
                f.write(data[:len(data) // 2])
            p = subprocess.run([krbscope, "--json", "-r", path],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, check=False)
            lines = p.stdout.decode().splitlines()
            tap(p.returncode == 2 and b"truncated file" in p.stderr and
                len(lines) > 10 and json.loads(lines[-1])["type"] ==
                "stats", "a file cut mid-record: records before the cut, "
                "stats, then exit 2 saying so", p.stderr.decode())
        # pcapng written here: big-endian, nanosecond if_tsresol, two
        # interfaces, packets on the second, a statistics block and an
        # unknown block to step over, and one simple packet block
        if os.path.exists(src):
            path = os.path.join(tmp, "be.pcapng")
            with open(path, "wb") as f:
                f.write(ng_block(0x0a0d0d0a, struct.pack(
                    ">IHHq", 0x1a2b3c4d, 1, 0, -1)))
                f.write(ng_block(1, struct.pack(">HHI", link, 0, 0)))
                f.write(ng_block(1, struct.pack(">HHI", link, 0, 262144) +
                                 struct.pack(">HHB3x", 9, 1, 9) +
                                 struct.pack(">HH", 0, 0)))
                f.write(ng_block(0xbad, b"\x00" * 40))
                for i, (sec, usec, data, orig) in enumerate(pkts):
                    if i == 0:
                        f.write(ng_block(3, struct.pack(">I", orig) +
                                         pad4(data)))
                        continue
                    ts = sec * 10**9 + usec * 1000 + 7
                    f.write(ng_block(6, struct.pack(
                        ">IIIII", 1, ts >> 32, ts & 0xffffffff, len(data),
                        orig) + pad4(data)))
                f.write(ng_block(5, struct.pack(">III", 1, 0, 0)))
            rc, got = records_ts(path)
            # frame 1 is a simple packet block: no timestamp
            tap(rc in (0, 1) and [dict(r, ts=None) for r in got if
                             r["frame"] == 1] ==
                [dict(r, ts=None) for r in want if r["frame"] == 1] and
                [r for r in got if r["frame"] > 1] ==
                [r for r in want if r["frame"] > 1],
                "big-endian nanosecond pcapng with two interfaces: "
                "same records", "exit %d, %d vs %d" %
                (rc, len(got), len(want)))
        # an unsupported link type is refused with a clear message
        path = os.path.join(tmp, "wifi.pcap")
        write_pcap(path, DLT_80211, [(0, 0, b"\0" * 40, 40)])
        p = subprocess.run([krbscope, "-r", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        err = p.stderr.decode()
        tap(p.returncode == 2 and "unsupported link type IEEE802_11" in err,
            "802.11 capture refused with exit 2 naming the link type", err)
    print("1..%d" % n)


if __name__ == "__main__":
    main()
