#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# tshark_diff.py - differential test: every outermost Kerberos message
# carried directly on port 88 (UDP or TCP) must be reported by
# `krbscope --json` exactly as tshark decodes it (RFC 4120 section 5).
#
# For each capture: one TAP line, `# ` lines for each mismatch (frame,
# field, tshark value, krbscope value).  Python 3 standard library only.
#
# Compared per message (messages of one frame aligned in wire order):
# frame, transport, addresses, ports, time, msg_type, error_code, and the
# names as krbscope's NDJSON places them: KDC-REQ cname/realm/sname from
# the req-body and `ticket` from the PA-TGS-REQ's AP-REQ; KDC-REP
# crealm/cname and the issued `ticket`; AP-REQ `ticket`; KRB-ERROR
# cname/crealm/sname/realm (ticket: sname, realm, kvno).  A message on
# one side only is a mismatch.  When tshark flags a BER error in the
# message itself (not inside PA-DATA/e-data, which krbscope does not
# decode), fields tshark could not read are listed as notes, not compared.
#
# tshark's answers are cached in $top_builddir/tests/out/tshark_diff/
# (keyed by capture and tshark binary); tshark is not run on a capture
# where neither krbscope nor tcpdump's BPF sees any port-88 packet.
#
# Environment: top_srcdir, top_builddir (set by make check; otherwise
# derived from this file's location and the current directory).
# Arguments: capture files to compare instead of the default set; -v also
# lists the fields compared.

import concurrent.futures
import datetime
import difflib
import glob
import json
import os
import shutil
import subprocess
import sys
import zlib

KRB_PORT = 88

TSHARK_FILTER = "kerberos && (tcp.port==88 || udp.port==88)"

# tshark's name of the element holding each message, by APPLICATION tag
ELEMENT_MSG_TYPE = {
    "kerberos.as_req_element": 10,
    "kerberos.as_rep_element": 11,
    "kerberos.tgs_req_element": 12,
    "kerberos.tgs_rep_element": 13,
    "kerberos.ap_req_element": 14,
    "kerberos.ap_rep_element": 15,
    "kerberos.krb_safe_element": 20,
    "kerberos.krb_priv_element": 21,
    "kerberos.krb_cred_element": 22,
    "kerberos.krb_error_element": 30,
}

# Fields compared for every message, in report order.  Keys follow
# krbscope's NDJSON; "ticket.x" is key x of the "ticket" object.
FIELDS = (
    "transport", "src", "sport", "dst", "dport", "ts",
    "msg_type", "error_code",
    "cname", "crealm", "sname", "realm",
    "ticket.sname", "ticket.realm", "ticket.kvno",
)

PA_TGS_REQ = "1"


def find_top_srcdir():
    d = os.environ.get("top_srcdir")
    if d:
        return d
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_krbscope(top_srcdir):
    bd = os.environ.get("top_builddir")
    cands = []
    if bd:
        cands.append(os.path.join(bd, "krbscope"))
    cands.append(os.path.join(os.getcwd(), "krbscope"))
    cands.append(os.path.join(top_srcdir, "krbscope"))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def as_list(v):
    """tshark --no-duplicate-keys turns repeated keys into lists."""
    if v is None:
        return []
    if isinstance(v, list):
        return v
    return [v]


def first(v):
    lst = as_list(v)
    return lst[0] if lst else None


# Subtrees holding what krbscope does not decode (PA-DATA values, e-data,
# authorization data): tshark's complaints there say nothing about the
# fields compared here.
OPAQUE_SUBTREES = ("padata", "e_data", "authorization_data")


def malformed_at_top(o):
    """True when tshark flags a BER error outside the opaque subtrees."""
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "_ws.malformed":
                return True
            if any(x in k for x in OPAQUE_SUBTREES):
                continue
            if malformed_at_top(v):
                return True
    elif isinstance(o, list):
        for v in o:
            if malformed_at_top(v):
                return True
    return False


def ts_principal(elem, prefix):
    """Join the components of a cname_element / sname_element with '/'.

    Returns None when the element is absent.  A PrincipalName with zero
    components gives ""."""
    if not isinstance(elem, dict):
        return None
    tree = elem.get("kerberos.%s_string_tree" % prefix)
    key = "kerberos.CNameString" if prefix == "cname" else \
        "kerberos.SNameString"
    if not isinstance(tree, dict):
        return ""
    return "/".join(str(s) for s in as_list(tree.get(key)))


def ts_int(v):
    v = first(v)
    if v is None:
        return None
    try:
        return int(v, 0) if isinstance(v, str) else int(v)
    except ValueError:
        return v


def ts_ticket(tkt, out):
    if not isinstance(tkt, dict):
        return
    sn = ts_principal(tkt.get("kerberos.sname_element"), "sname")
    if sn is not None:
        out["ticket.sname"] = sn
    r = first(tkt.get("kerberos.realm"))
    if r is not None:
        out["ticket.realm"] = r
    enc = first(tkt.get("kerberos.enc_part_element"))
    if isinstance(enc, dict) and "kerberos.kvno" in enc:
        out["ticket.kvno"] = ts_int(enc["kerberos.kvno"])


def ts_pa_tgs_req_ticket(elem):
    """The ticket inside the first PA-TGS-REQ of a TGS-REQ, or None."""
    pt = elem.get("kerberos.padata_tree")
    if not isinstance(pt, dict):
        return None
    for pa in as_list(pt.get("kerberos.PA_DATA_element")):
        if not isinstance(pa, dict):
            continue
        if first(pa.get("kerberos.padata_type")) != PA_TGS_REQ:
            continue
        tt = pa.get("kerberos.padata_type_tree")
        if not isinstance(tt, dict):
            return None
        vt = tt.get("kerberos.padata_value_tree")
        if not isinstance(vt, dict):
            return None
        ap = first(vt.get("kerberos.ap_req_element"))
        if not isinstance(ap, dict):
            return None
        return first(ap.get("kerberos.ticket_element"))
    return None


def ts_message(layer):
    """Map one tshark Kerberos PDU onto krbscope's keys.

    Returns (fields, malformed) or None when the layer holds no message
    (for example a bare record mark)."""
    elem = None
    mt = None
    for k, v in layer.items():
        if k in ELEMENT_MSG_TYPE:
            elem = first(v)
            mt = ELEMENT_MSG_TYPE[k]
            break
    if elem is None:
        for k, v in layer.items():
            if k.startswith("kerberos.") and k.endswith("_element"):
                elem = first(v)
                break
    if not isinstance(elem, dict):
        return None
    out = {}
    if mt is None:
        mt = ts_int(elem.get("kerberos.msg_type"))
    out["msg_type"] = mt
    malformed = malformed_at_top(layer)

    if mt in (10, 12):
        # KDC-REQ: names from the req-body; the PA-TGS-REQ's nested
        # AP-REQ supplies only the ticket.
        body = first(elem.get("kerberos.req_body_element"))
        if isinstance(body, dict):
            cn = ts_principal(body.get("kerberos.cname_element"), "cname")
            if cn is not None:
                out["cname"] = cn
            sn = ts_principal(body.get("kerberos.sname_element"), "sname")
            if sn is not None:
                out["sname"] = sn
            r = first(body.get("kerberos.realm"))
            if r is not None:
                out["realm"] = r
        if mt == 12:
            ts_ticket(ts_pa_tgs_req_ticket(elem), out)
    elif mt in (11, 13):
        cn = ts_principal(elem.get("kerberos.cname_element"), "cname")
        if cn is not None:
            out["cname"] = cn
        r = first(elem.get("kerberos.crealm"))
        if r is not None:
            out["crealm"] = r
        ts_ticket(first(elem.get("kerberos.ticket_element")), out)
    elif mt == 14:
        ts_ticket(first(elem.get("kerberos.ticket_element")), out)
    elif mt == 30:
        cn = ts_principal(elem.get("kerberos.cname_element"), "cname")
        if cn is not None:
            out["cname"] = cn
        r = first(elem.get("kerberos.crealm"))
        if r is not None:
            out["crealm"] = r
        sn = ts_principal(elem.get("kerberos.sname_element"), "sname")
        if sn is not None:
            out["sname"] = sn
        r = first(elem.get("kerberos.realm"))
        if r is not None:
            out["realm"] = r
        ec = ts_int(elem.get("kerberos.error_code"))
        if ec is not None:
            out["error_code"] = ec
    return out, malformed


def ts_epoch_us(frame):
    v = frame.get("frame.time_epoch")
    if v is None:
        return None
    s, _, frac = str(v).partition(".")
    frac = (frac + "000000")[:6]
    try:
        return int(s) * 1000000 + int(frac)
    except ValueError:
        return None


def cache_dir():
    bd = os.environ.get("top_builddir") or os.getcwd()
    return os.path.join(bd, "tests", "out", "tshark_diff")


def cache_key(tshark, path):
    """tshark's answer depends only on the capture and on tshark."""
    st = os.stat(path)
    tst = os.stat(os.path.realpath(tshark))
    own = os.stat(os.path.abspath(__file__))
    return "%s|%d|%d|%d|%d|%d" % (os.path.abspath(path), st.st_size,
                                  st.st_mtime_ns, tst.st_size,
                                  tst.st_mtime_ns, own.st_mtime_ns)


def run_tshark(tshark, path):
    """run_tshark_uncached, remembered in tests/out/tshark_diff: tshark
    takes most of this test's time and its answer never changes."""
    key = cache_key(tshark, path)
    cfile = os.path.join(cache_dir(), "%s-%08x.json" % (
        os.path.basename(path), zlib.crc32(os.path.abspath(path).encode())))
    try:
        with open(cfile) as f:
            c = json.load(f)
        if c.get("key") == key:
            return [tuple(m) for m in c["msgs"]]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    msgs = run_tshark_uncached(tshark, path)
    try:
        os.makedirs(cache_dir(), exist_ok=True)
        tmp = "%s.%d.tmp" % (cfile, os.getpid())
        with open(tmp, "w") as f:
            json.dump({"key": key, "msgs": msgs}, f)
        os.replace(tmp, cfile)
    except OSError:
        pass
    return msgs


def run_tshark_uncached(tshark, path):
    """List of (frame, index, fields, malformed) in wire order."""
    p = subprocess.run(
        [tshark, "-n", "-r", path, "-T", "json", "--no-duplicate-keys",
         "-Y", TSHARK_FILTER],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise RuntimeError("tshark exit %d: %s" % (
            p.returncode, p.stderr.decode(errors="replace").strip()[:200]))
    pkts = json.loads(p.stdout.decode("utf-8", errors="replace") or "[]")
    msgs = []
    for pkt in pkts:
        layers = pkt["_source"]["layers"]
        frame = layers.get("frame", {})
        num = int(first(frame.get("frame.number")))
        common = {}
        if "tcp" in layers:
            tl = as_list(layers["tcp"])[-1]
            common["transport"] = "tcp"
            common["sport"] = ts_int(tl.get("tcp.srcport"))
            common["dport"] = ts_int(tl.get("tcp.dstport"))
        elif "udp" in layers:
            tl = as_list(layers["udp"])[-1]
            common["transport"] = "udp"
            common["sport"] = ts_int(tl.get("udp.srcport"))
            common["dport"] = ts_int(tl.get("udp.dstport"))
        if "ipv6" in layers:
            il = as_list(layers["ipv6"])[-1]
            common["src"] = il.get("ipv6.src")
            common["dst"] = il.get("ipv6.dst")
        elif "ip" in layers:
            il = as_list(layers["ip"])[-1]
            common["src"] = il.get("ip.src")
            common["dst"] = il.get("ip.dst")
        us = ts_epoch_us(frame)
        if us is not None:
            common["ts"] = us
        idx = 0
        for layer in as_list(layers.get("kerberos")):
            if not isinstance(layer, dict):
                continue
            m = ts_message(layer)
            if m is None:
                continue
            fields, malformed = m
            fields.update(common)
            msgs.append((num, idx, fields, malformed))
            idx += 1
    return msgs


def ks_ts_us(ts):
    """"2017-03-01T10:00:00.123456Z" -> microseconds since the epoch."""
    if not isinstance(ts, str) or not ts.endswith("Z"):
        return ts
    body = ts[:-1]
    base, _, frac = body.partition(".")
    try:
        dt = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return ts
    dt = dt.replace(tzinfo=datetime.timezone.utc)
    frac = (frac + "000000")[:6]
    return int(dt.timestamp()) * 1000000 + int(frac or "0")


def run_krbscope(krbscope, path):
    """List of (frame, index, fields, raw) for krb messages on port 88."""
    p = subprocess.run([krbscope, "-r", path, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    if p.returncode != 0:
        raise RuntimeError("krbscope exit %d: %s" % (
            p.returncode, p.stderr.decode(errors="replace").strip()[:200]))
    msgs = []
    idx_in_frame = {}
    for n, line in enumerate(p.stdout.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            o = json.loads(line)
        except ValueError as e:
            raise RuntimeError("krbscope line %d is not JSON: %s" % (n, e))
        if not isinstance(o, dict) or o.get("type") != "krb":
            continue
        if o.get("sport") != KRB_PORT and o.get("dport") != KRB_PORT:
            continue
        if o.get("transport") not in ("tcp", "udp"):
            continue
        f = {}
        for k in ("transport", "src", "sport", "dst", "dport", "msg_type",
                  "error_code", "cname", "crealm", "sname", "realm",
                  "status"):
            if k in o:
                f[k] = o[k]
        if "ts" in o:
            f["ts"] = ks_ts_us(o["ts"])
        t = o.get("ticket")
        if isinstance(t, dict):
            for k in ("sname", "realm", "kvno"):
                if k in t:
                    f["ticket." + k] = t[k]
        num = o.get("frame")
        i = idx_in_frame.get(num, 0)
        idx_in_frame[num] = i + 1
        msgs.append((num, i, f, o))
    return msgs


def fmt(v):
    if v is None:
        return "(absent)"
    return json.dumps(v)


def compare_msg(frame, ts_f, ks_f, malformed, notes):
    """List of mismatch strings for one aligned pair."""
    out = []
    # whether the message is damaged: reported, not judged (tshark also
    # flags things krbscope does not look at, deep inside PA-DATA)
    st = ks_f.get("status")
    if malformed and st == "ok":
        notes.append("frame %s: tshark marks the message malformed, "
                     "krbscope status \"ok\"" % frame)
    elif not malformed and st not in (None, "ok"):
        notes.append("frame %s: krbscope status %s, tshark decodes the "
                     "message without error" % (frame, fmt(st)))
    for k in FIELDS:
        tv = ts_f.get(k)
        kv = ks_f.get(k)
        if k == "ts" and isinstance(tv, int) and isinstance(kv, int):
            # pcapng may carry nanoseconds: allow the sub-microsecond cut
            if abs(tv - kv) <= 1:
                continue
        if tv == kv:
            continue
        if malformed and tv is None and kv is not None:
            # tshark stopped decoding this message (BER error); what
            # krbscope read beyond that point has no oracle here.
            notes.append("frame %s: %s: tshark marks the message "
                         "malformed and shows no value; krbscope %s "
                         "(not compared)" % (frame, k, fmt(kv)))
            continue
        if k == "ts":
            tv = "%d.%06d" % divmod(tv, 1000000) \
                if isinstance(tv, int) else tv
            kv = "%d.%06d" % divmod(kv, 1000000) \
                if isinstance(kv, int) else kv
        out.append("frame %s: %s: tshark %s, krbscope %s"
                   % (frame, k, fmt(tv), fmt(kv)))
    return out


def has_port88(path):
    """False only when tcpdump reads the whole file and no TCP or UDP
    packet (plain or VLAN-tagged) uses port 88; True when unsure."""
    tcpdump = shutil.which("tcpdump")
    if tcpdump is None:
        return True
    try:
        p = subprocess.run(
            [tcpdump, "-n", "-r", path, "-c", "1",
             "(tcp or udp) and port 88 or (vlan and (tcp or udp) and "
             "port 88)"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
            timeout=60)
    except (OSError, subprocess.SubprocessError):
        return True
    return p.returncode != 0 or p.stdout.strip() != b""


def diff_capture(tshark, krbscope, path):
    """Returns (total, agree, mismatch lines, note lines)."""
    ks_msgs = run_krbscope(krbscope, path)
    # tshark's start-up dominates this test: skip it for a capture where
    # neither krbscope nor a BPF filter sees anything on port 88
    if ks_msgs or has_port88(path):
        ts_msgs = run_tshark(tshark, path)
    else:
        ts_msgs = []
    by_frame = {}
    for m in ts_msgs:
        by_frame.setdefault(m[0], ([], []))[0].append(m)
    for m in ks_msgs:
        by_frame.setdefault(m[0], ([], []))[1].append(m)
    total = 0
    agree = 0
    lines = []
    notes = []
    for frame in sorted(by_frame, key=lambda x: (not isinstance(x, int),
                                                  x if isinstance(x, int)
                                                  else 0, str(x))):
        tl, kl = by_frame[frame]
        # align the messages of one frame by msg_type, in wire order
        sm = difflib.SequenceMatcher(
            None, [m[2].get("msg_type") for m in tl],
            [m[2].get("msg_type") for m in kl], autojunk=False)
        for op, i1, i2, j1, j2 in sm.get_opcodes():
            if op == "equal":
                pairs = list(zip(tl[i1:i2], kl[j1:j2]))
                extra_t, extra_k = [], []
            elif op == "replace" and i2 - i1 == j2 - j1:
                pairs = list(zip(tl[i1:i2], kl[j1:j2]))
                extra_t, extra_k = [], []
            else:
                pairs = []
                extra_t, extra_k = tl[i1:i2], kl[j1:j2]
            for t, k in pairs:
                total += 1
                mm = compare_msg(frame, t[2], k[2], t[3], notes)
                if mm:
                    lines.extend(mm)
                else:
                    agree += 1
            for t in extra_t:
                total += 1
                lines.append("frame %s: message %d (msg_type %s) shown by "
                             "tshark, missing from krbscope"
                             % (frame, t[1] + 1, t[2].get("msg_type")))
            for k in extra_k:
                total += 1
                lines.append("frame %s: message %d (msg_type %s) reported "
                             "by krbscope, not by tshark"
                             % (frame, k[1] + 1, k[2].get("msg_type")))
    return total, agree, lines, notes


def list_captures(top_srcdir):
    out = []
    shared = os.path.join(os.environ.get("KS_SHARED") or
                          os.path.join(top_srcdir, "..", "shared"),
                          "captures", "real")
    for d in (shared, os.path.join(top_srcdir, "captures")):
        out.extend(sorted(glob.glob(os.path.join(d, "*.pcap*"))))
    return out


def main(argv):
    verbose = "-v" in argv
    explicit = [a for a in argv if a != "-v"]
    top_srcdir = find_top_srcdir()
    tshark = shutil.which("tshark")
    if tshark is None:
        print("1..0 # SKIP tshark not installed")
        return 0
    krbscope = find_krbscope(top_srcdir)
    if krbscope is None:
        print("1..0 # SKIP krbscope binary not built")
        return 0
    caps = explicit or list_captures(top_srcdir)
    if not caps:
        print("1..0 # SKIP no captures (../shared/captures/real absent)")
        return 0

    print("1..%d" % len(caps))
    results = {}
    workers = min(8, 2 * (os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = {ex.submit(diff_capture, tshark, krbscope, c): c
                for c in caps}
        for f in concurrent.futures.as_completed(futs):
            c = futs[f]
            try:
                results[c] = f.result()
            except Exception as e:  # report, do not abort the run
                results[c] = e

    grand_total = 0
    grand_bad = 0
    broken = 0
    for n, c in enumerate(caps, 1):
        name = os.path.basename(c)
        r = results[c]
        if isinstance(r, Exception):
            broken += 1
            print("not ok %d - %s: comparison failed" % (n, name))
            print("# %s: %s" % (name, r))
            continue
        total, agree, lines, notes = r
        grand_total += total
        grand_bad += total - agree
        status = "ok" if not lines else "not ok"
        print("%s %d - %s: %d/%d messages agree"
              % (status, n, name, agree, total))
        for ln in lines:
            print("# %s: %s" % (name, ln))
        for ln in notes:
            print("# %s: note: %s" % (name, ln))
        if verbose:
            print("# %s: compared %s" % (name, ", ".join(FIELDS)))
    print("# total: %d messages compared, %d mismatches%s"
          % (grand_total, grand_bad,
             ", %d captures could not be compared" % broken
             if broken else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
