#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# carrier_diff.py - differential test of the carriers against tshark.
#
# For every capture in ../shared/captures/real/ and captures/ (or the
# files given):
#   - every outermost Kerberos message tshark decodes outside port 88
#     (inside SMB, LDAP, DCE/RPC, HTTP, TDS, a GSS-API stream ...) must be
#     a `{"type":"krb"}` record of `krbscope --json` with a carrier other
#     than "kerberos", in the same frame, with the same msg_type, sname
#     and realm (for an AP-REQ: its ticket's sname and realm);
#   - every NTLMSSP message tshark decodes must be a `{"type":"ntlm"}`
#     record in the same frame with the same message type, user, domain
#     and workstation (AUTHENTICATE), and domain/workstation supplied in a
#     NEGOTIATE.
# One TAP line per capture; `# ` lines list what differs.  A message that
# tshark decodes twice in one frame from the same bytes (Windows 2000
# put a copy of the responseToken in SPNEGO's mechListMIC) counts once.
# Kerberos in a custom application's GSS-API stream (carrier "gss") has
# no tshark dissector to compare with: tests/expect.py checks it against
# the lab's expectation files.
# Python 3 standard library only.  Skips (exit 77) without tshark or
# without the shared captures.

import glob
import json
import os
import shutil
import subprocess
import sys

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


def first(v):
    if isinstance(v, list):
        return v[0] if v else None
    return v


def principal(elem, prefix):
    if not isinstance(elem, dict):
        return None
    tree = elem.get("kerberos.%s_string_tree" % prefix)
    key = "kerberos.CNameString" if prefix == "cname" else \
        "kerberos.SNameString"
    if not isinstance(tree, dict):
        return ""
    v = tree.get(key)
    if not isinstance(v, list):
        v = [] if v is None else [v]
    return "/".join(str(s) for s in v)


def krb_fields(k, el):
    """(msg_type, sname, realm) of one tshark message element."""
    mt = ELEMENT_MSG_TYPE[k]
    sname = realm = None
    if mt in (10, 12):
        body = first(el.get("kerberos.req_body_element")) or {}
        sname = principal(first(body.get("kerberos.sname_element")),
                          "sname")
        realm = first(body.get("kerberos.realm"))
    elif mt in (11, 13, 14):
        t = first(el.get("kerberos.ticket_element")) or {}
        sname = principal(first(t.get("kerberos.sname_element")), "sname")
        realm = first(t.get("kerberos.realm"))
    elif mt == 30:
        sname = principal(first(el.get("kerberos.sname_element")),
                          "sname")
        realm = first(el.get("kerberos.realm"))
    return (mt, sname or "", realm or "")


def tshark_messages(path, decode_as=()):
    """{frame: [krb tuples]}, {frame: [ntlm tuples]} outside port 88.
    decode_as: extra tshark -d arguments (protocols on ports tshark does
    not try them on, found by krbscope's content probes)."""
    extra = []
    for d in decode_as:
        extra += ["-d", d]
    out = subprocess.run(
        ["tshark", "-n", "-r", path] + extra +
        ["-T", "json", "--no-duplicate-keys",
         "-Y", "((kerberos || kerberos.msg_type) && "
         "!(tcp.port==88 || udp.port==88)) || "
         "ntlmssp"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    try:
        pkts = json.loads(out.stdout.decode("utf-8", "replace") or "[]")
    except ValueError:
        pkts = []
    krb, ntlm = {}, {}

    def walk(o, frame, seen):
        if isinstance(o, list):
            for v in o:
                walk(v, frame, seen)
            return
        if not isinstance(o, dict):
            return
        # a user-to-user TGT-REQ / TGT-REP (RFC 4120 section 4 and
        # draft-swift-win2k-krb-user2user): tshark decodes it in place,
        # inside the krb5 blob, with no "kerberos" layer of its own
        tok = first(o.get("spnego.krb5.tok_id"))
        if tok in ("0x0004", "0x0104") and "kerberos.msg_type" in o:
            sn = first(o.get("kerberos.server_name_element")) or {}
            tree = sn.get("kerberos.name_string_tree") or {}
            comps = tree.get("kerberos.KerberosString")
            if not isinstance(comps, list):
                comps = [] if comps is None else [comps]
            krb.setdefault(frame, []).append(
                (int(first(o["kerberos.msg_type"])),
                 "/".join(str(c) for c in comps),
                 first(o.get("kerberos.realm")) or ""))
        for key, v in o.items():
            items = v if isinstance(v, list) else [v]
            if key == "kerberos":
                for kd in items:
                    if not isinstance(kd, dict):
                        continue
                    for ek, el in kd.items():
                        if ek in ELEMENT_MSG_TYPE:
                            for e in (el if isinstance(el, list)
                                      else [el]):
                                if isinstance(e, dict):
                                    t = krb_fields(ek, e)
                                    sig = json.dumps(e, sort_keys=True)
                                    if sig in seen:
                                        continue
                                    seen.add(sig)
                                    krb.setdefault(frame, []).append(t)
                continue
            if key == "ntlmssp":
                for nd in items:
                    if isinstance(nd, dict) and \
                            "ntlmssp.messagetype" in nd:
                        ntlm.setdefault(frame, []).append(ntlm_fields(nd))
                continue
            walk(v, frame, seen)

    for p in pkts:
        layers = p.get("_source", {}).get("layers", {})
        frame = int(first(layers.get("frame", {}).get("frame.number")))
        walk(layers, frame, set())
    return krb, ntlm


def tstr(v):
    v = first(v)
    if v is None or v == "NULL":
        return ""
    return str(v)


def ntlm_fields(nd):
    mt = int(first(nd["ntlmssp.messagetype"]), 0)
    if mt == 3:
        return (mt, tstr(nd.get("ntlmssp.auth.username")),
                tstr(nd.get("ntlmssp.auth.domain")),
                tstr(nd.get("ntlmssp.auth.hostname")))
    if mt == 1:
        return (mt, "", tstr(nd.get("ntlmssp.negotiate.domain")),
                tstr(nd.get("ntlmssp.negotiate.callingworkstation")))
    return (mt, "", "", "")


def krbscope_messages(krbscope, path):
    out = subprocess.run([krbscope, "-r", path, "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=False)
    krb, ntlm = {}, {}
    for line in out.stdout.decode("utf-8", "replace").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        # TDS on a port other than 1433 (a named instance): tshark needs
        # to be told (-d), as a Wireshark user would with Decode As
        if r.get("carrier") == "tds" and r.get("type") in ("auth", "krb"):
            port = r["dport"] if r.get("sport", 0) > r.get("dport", 0) \
                else r["sport"]
            if port != 1433:
                TDS_PORTS.add(port)
        if r.get("type") == "krb" and r.get("carrier") == "gss":
            # tshark has no dissector for a custom application's token
            # stream: nothing to compare with (see tests/expect.py)
            GSS_FRAMES.add(r["frame"])
            continue
        if r.get("type") == "krb" and r.get("carrier") == "tds" and \
                r.get("msg_type") in (15, 30):
            TDS_SERVER_FRAMES.add(r["frame"])
        if r.get("type") == "krb" and r.get("carrier") != "kerberos":
            mt = r.get("msg_type")
            if mt in (11, 13, 14):
                t = r.get("ticket", {})
                f = (mt, t.get("sname", ""), t.get("realm", ""))
            elif mt == 16:
                f = (mt, r.get("sname", ""), r.get("realm", ""))
            elif mt in (10, 12, 30):
                f = (mt, r.get("sname", ""), r.get("realm", ""))
            else:
                f = (mt, "", "")
            krb.setdefault(r["frame"], []).append(f)
        elif r.get("type") == "ntlm":
            mt = r.get("msg_type")
            if mt == 3:
                f = (mt, r.get("user", ""), r.get("domain", ""),
                     r.get("workstation", ""))
            elif mt == 1:
                f = (mt, "", r.get("domain", ""),
                     r.get("workstation", ""))
            else:
                f = (mt, "", "", "")
            ntlm.setdefault(r["frame"], []).append(f)
    return krb, ntlm, out.returncode


# Messages krbscope finds where tshark shows only bytes: (capture, frame,
# kind) -> why.  Checked to be there; not counted as differences.
TSHARK_BLIND = {
    ("zeek-ldap-sasl-ntlm.pcap", 6, "ntlm"):
        "tshark shows this bindResponse's serverSaslCreds as bytes; they "
        "are an NTLMSSP CHALLENGE (4e544c4d5353500002...)",
}


GSS_FRAMES = set()
TDS_PORTS = set()
# Frames where the server's TDS SSPI token (0xED) carries a Kerberos
# message: tshark 4.0 marks that token malformed and does not decode it
# (FreeTDS, MS-TDS 2.2.7.22 and tests/expect.py agree with krbscope).
TDS_SERVER_FRAMES = set()


def compare(name, ts, ks, what):
    diffs = []
    n = 0
    for frame in sorted(set(ts) | set(ks)):
        a = sorted(ts.get(frame, []), key=repr)
        b = sorted(ks.get(frame, []), key=repr)
        n += len(a)
        for x in a:
            if x in b:
                b.remove(x)
            else:
                diffs.append("%s: frame %d: tshark %s %r, krbscope "
                             "has not" % (name, frame, what, x))
        for x in b:
            why = TSHARK_BLIND.get((name, frame, what))
            if why is None and what == "kerberos" and \
                    frame in TDS_SERVER_FRAMES:
                why = ("tshark does not decode a TDS server SSPI token "
                       "(0xED)")
            if why is not None:
                print("# note: %s: frame %d: %s %r: %s" %
                      (name, frame, what, x, why))
                continue
            diffs.append("%s: frame %d: krbscope %s %r, tshark has not"
                         % (name, frame, what, x))
    return n, diffs


def main():
    top = os.environ.get("top_srcdir") or \
        os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bld = os.environ.get("top_builddir") or os.getcwd()
    krbscope = os.path.join(bld, "krbscope")
    shared = os.environ.get("KS_SHARED") or os.path.join(top, "..",
                                                         "shared")
    files = sys.argv[1:] or sorted(
        f for f in glob.glob(os.path.join(shared, "captures", "real", "*"))
        if f.endswith((".pcap", ".pcapng"))) + sorted(
        glob.glob(os.path.join(top, "captures", "*.pcap")))
    if shutil.which("tshark") is None:
        print("1..0 # SKIP tshark not installed")
        return 0
    if not files:
        print("1..0 # SKIP no shared captures")
        return 0
    print("1..%d" % (len(files) + 1))
    tot_k = tot_n = 0
    failed = 0
    for i, f in enumerate(files, 1):
        name = os.path.basename(f)
        GSS_FRAMES.clear()
        TDS_SERVER_FRAMES.clear()
        TDS_PORTS.clear()
        kk, kn, rc = krbscope_messages(krbscope, f)
        tk, tn = tshark_messages(
            f, ["tcp.port==%d,tds" % p for p in sorted(TDS_PORTS)])
        nk, dk = compare(name, tk, kk, "kerberos")
        nn, dn = compare(name, tn, kn, "ntlm")
        tot_k += nk
        tot_n += nn
        diffs = dk + dn
        if rc not in (0, 1):
            diffs.append("%s: krbscope exited with %d" % (name, rc))
        print("%s %d - %s: %d Kerberos in carriers, %d NTLMSSP agree" %
              ("not ok" if diffs else "ok", i, name, nk - len(dk),
               nn - len(dn)))
        for d in diffs:
            print("# " + d)
        failed += bool(diffs)
    # the comparison must have had something to compare
    print("%s %d - compared %d Kerberos messages in carriers and %d "
          "NTLMSSP messages" % ("ok" if tot_k > 0 and tot_n > 0 else
                                "not ok", len(files) + 1, tot_k, tot_n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
