#!/usr/bin/env python3
# krbscope - every project capture's NAME.expect lists the Kerberos messages
# Wireshark sees in it (one line each: frame msg_type error_code cname sname,
# "-" when absent; for AS-REP/TGS-REP the sname is the issued ticket's, for
# an AP-REQ its ticket's), on port 88 and inside carriers (HTTP, SMB ...).
# Lines "# gss FRAME ..." list, in the same format, the messages inside a
# custom application's GSS-API stream that Wireshark cannot dissect (the
# recording script's own parse). krbscope must report exactly those
# messages, in order. Prints TAP.
import glob
import json
import os
import re
import subprocess

top_srcdir = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
top_builddir = os.environ.get("top_builddir") or top_srcdir
krbscope = os.path.join(top_builddir, "krbscope")


def expected(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("# gss "):
            line = line[len("# gss "):]
        if line and not line.startswith("#"):
            rows.append(tuple(line.split()))
    return rows


def seen(pcap):
    out = subprocess.run([krbscope, "--json", "-r", pcap],
                         stdout=subprocess.PIPE, check=False).stdout
    rows = []
    for line in out.decode().splitlines():
        r = json.loads(line)
        if r["type"] != "krb":
            continue
        sname = r.get("sname")
        if r["msg_type"] in (11, 13, 14) and "ticket" in r:
            sname = r["ticket"]["sname"]
        rows.append((str(r["frame"]), str(r["msg_type"]),
                     str(r.get("error_code", "-")), r.get("cname") or "-",
                     sname or "-"))
    rows.sort(key=lambda x: int(x[0]))
    return rows


def classes(path):
    """The '# classes:' line: rule IDs (or 'none'), or None if absent."""
    for line in open(path):
        if line.startswith("# classes:"):
            return line[len("# classes:"):].split()
    return None


n = 0
for exp in sorted(glob.glob(os.path.join(top_srcdir, "captures", "*.expect"))):
    cl = classes(exp)
    n += 1
    ok = cl is not None and len(cl) > 0 and (
        cl == ["none"] or all(re.match(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$", c)
                              for c in cl))
    print("%s %d - %s: fault classes %s" % ("ok" if ok else "not ok", n,
          os.path.basename(exp), " ".join(cl or ["(missing)"])))
    pcap = exp[:-len(".expect")] + ".pcap"
    name = os.path.basename(pcap)
    n += 1
    want = sorted(expected(exp), key=lambda x: int(x[0]))
    got = seen(pcap)
    if want == got:
        print("ok %d - %s: %d messages as expected" % (n, name, len(want)))
        continue
    print("not ok %d - %s: messages as expected" % (n, name))
    for w in want:
        if w not in got:
            print("#   missing: %s" % " ".join(w))
    for g in got:
        if g not in want:
            print("#   unexpected: %s" % " ".join(g))
if n == 0:
    print("1..0 # SKIP no project captures")
else:
    print("1..%d" % n)
