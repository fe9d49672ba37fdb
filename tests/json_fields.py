#!/usr/bin/env python3
# krbscope - field-level assertions on the NDJSON output (in the manner of
# suricata-verify): counts by type and error, and exact fields of chosen
# messages. Values are what Wireshark shows for the same frames.
# Prints TAP.
import collections
import json
import os
import subprocess
import sys

top_srcdir = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
top_builddir = os.environ.get("top_builddir") or top_srcdir
shared = os.environ.get("KS_SHARED") or os.path.join(top_srcdir, "..",
                                                     "shared")
real = os.path.join(shared, "captures", "real")
krbscope = os.path.join(top_builddir, "krbscope")

n = 0


def tap(ok, desc, diag=None):
    global n
    n += 1
    print("%sok %d - %s" % ("" if ok else "not ", n, desc))
    if not ok and diag:
        for line in str(diag).splitlines():
            print("#   " + line)


def skip(desc, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, desc, why))


def run(path, *opts):
    out = subprocess.run([krbscope, "--json", *opts, "-r", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=False)
    recs = [json.loads(line) for line in out.stdout.decode().splitlines()]
    return out.returncode, recs


def msgs(recs):
    return [r for r in recs if r["type"] == "krb"]


def by_frame(recs, frame):
    return [r for r in msgs(recs) if r["frame"] == frame]


def eq(desc, got, want):
    tap(got == want, desc, "got  %r\nwant %r" % (got, want))


def m_pa(m, ptype):
    """The first padata entry of type ptype in message m, or {}."""
    for pa in m.get("padata", []):
        if pa.get("type") == ptype:
            return pa
    return {}


def counts(recs):
    c = collections.Counter()
    for r in msgs(recs):
        c[(r["msg_type"], r.get("error_code"))] += 1
    return dict(c)


def every_line_is_json_with_type(recs):
    return all(isinstance(r, dict) and "type" in r for r in recs)


def case(name):
    path = os.path.join(real, name)
    if not os.path.exists(path):
        skip(name, "absent")
        return None
    rc, recs = run(path)
    warn = any(r.get("type") == "finding" and r.get("severity") in
               ("warning", "error") for r in recs)
    eq("%s: exit status %d (findings of warning or worse: %s)" % (
        name, 1 if warn else 0, "yes" if warn else "no"), rc,
       1 if warn else 0)
    tap(every_line_is_json_with_type(recs) and recs[-1]["type"] == "stats",
        "%s: NDJSON lines with a type, stats last" % name)
    return recs


def main():
    recs = case("zeek-krb-kinit.pcap")
    if recs:
        eq("kinit: messages by type and error", counts(recs), {
            (10, None): 93, (11, None): 51, (12, None): 1,
            (30, 1): 2, (30, 13): 1, (30, 14): 2, (30, 18): 2, (30, 23): 2,
            (30, 25): 9, (30, 31): 4, (30, 6): 19, (30, 7): 2})
        st = recs[-1]
        eq("kinit: stats packets", st["packets"], 229)
        eq("kinit: stats message total", st["messages"]["total"], 188)
        m = by_frame(recs, 1)[0]
        eq("kinit #1 fields",
           (m["msg"], m["transport"], m["carrier"], m["src"], m["sport"],
            m["dst"], m["dport"], m["cname"], m["realm"], m["sname"],
            m["status"]),
           ("AS-REQ", "udp", "kerberos", "192.168.1.31", 63081,
            "192.168.1.32", 88, "valid_client_principal", "VLADG.NET",
            "krbtgt/VLADG.NET", "ok"))
        m = by_frame(recs, 2)[0]
        eq("kinit #2 AS-REP cname/crealm/ticket",
           (m["msg"], m["cname"], m["crealm"], m["ticket"]["sname"],
            m["ticket"]["realm"], len(m["ticket"]["id"])),
           ("AS-REP", "valid_client_principal", "VLADG.NET",
            "krbtgt/VLADG.NET", "VLADG.NET", 32))
        errs = [r for r in msgs(recs) if r.get("error_code") == 6]
        eq("kinit: C_PRINCIPAL_UNKNOWN named",
           sorted(set(r["error"] for r in errs)),
           ["KDC_ERR_C_PRINCIPAL_UNKNOWN"])
        tap(all(r["ts"].endswith("Z") and "T" in r["ts"]
                for r in msgs(recs)), "kinit: ts is ISO 8601 UTC")
        eq("kinit #2 PA-ETYPE-INFO2 salt",
           m_pa(by_frame(recs, 2)[0], 19).get("etype_info"),
           [{"etype": "aes256-cts-hmac-sha1-96",
             "salt": "VLADG.NETvalid_client_principal"}])
        m = by_frame(recs, 71)[0]
        eq("kinit #71 TGS-REQ with PA-FX-FAST is armored",
           (m["msg"], m.get("armored"), m.get("pkinit")),
           ("TGS-REQ", True, None))
        eq("kinit #72 KRB-ERROR clock_offset 0, e-data METHOD-DATA",
           (by_frame(recs, 72)[0].get("clock_offset"),
            by_frame(recs, 72)[0].get("e_data")),
           (0, {"kind": "METHOD-DATA"}))
        eq("kinit #72 FX-FAST offered in e-data: not armored",
           by_frame(recs, 72)[0].get("armored"), None)
        eq("kinit #73 AS-REQ host address (IPv4, as tshark shows it)",
           (by_frame(recs, 73)[0].get("addresses"),
            by_frame(recs, 73)[0].get("address_list")),
           (1, ["192.168.2.158"]))
        # ctime Aug 28, 1994 13:42:36, stime Jan 19, 2015 22:54:03
        eq("kinit #76 clock_offset = stime - ctime",
           by_frame(recs, 76)[0].get("clock_offset"), 643626687)
        eq("kinit PKINIT #188 AS-REQ / #189 AS-REP (PA-PK-AS-REQ/REP)",
           (by_frame(recs, 188)[0].get("pkinit"),
            by_frame(recs, 189)[0].get("pkinit"),
            by_frame(recs, 1)[0].get("pkinit")),
           (True, True, None))

    recs = case("zeek-krb-auth.pcap")
    if recs:
        m = by_frame(recs, 1)[0]
        eq("auth #1 TGS-REQ realm/sname/TGT",
           (m["msg"], m["realm"], m["sname"], m["ticket"]["sname"],
            m["ticket"]["realm"]),
           ("TGS-REQ", "VLADG.NET", "krbtgt/VLADG.NET", "krbtgt/VLADG.NET",
            "VLADG.NET"))
        tap("kdc_options" in m and isinstance(m["kdc_options"], list),
            "auth #1 kdc_options is a list of names")
        r = by_frame(recs, 2)[0]
        eq("auth #2 TGS-REP", (r["msg"], r["cname"], r["crealm"]),
           ("TGS-REP", "vladg", "VLADG.NET"))

    recs = case("suricata-krb5-msg-types.pcap")
    if recs:
        eq("msg-types: messages by type and error", counts(recs), {
            (10, None): 2, (11, None): 1, (12, None): 3, (13, None): 3,
            (30, 25): 1})
        eq("msg-types #8 AS-REQ NetBIOS address, with its suffix",
           by_frame(recs, 8)[0].get("address_list"), ["WS01<20>"])
        m = by_frame(recs, 9)[0]
        eq("msg-types #9 KRB-ERROR over TCP",
           (m["transport"], m["error_code"], m["error"], m["sname"],
            m["realm"]),
           ("tcp", 25, "KDC_ERR_PREAUTH_REQUIRED", "krbtgt/CYLERA.LAB",
            "CYLERA.LAB"))
        eq("msg-types #9 e-data METHOD-DATA etypes via padata present",
           "padata" in m, True)
        eq("msg-types #9 e_data kind", m.get("e_data"),
           {"kind": "METHOD-DATA"})
        eq("msg-types #9 PA-ETYPE-INFO2 entries (tshark: 18 salt, 23, "
           "-133, -128)",
           m_pa(m, 19).get("etype_info"),
           [{"etype": "aes256-cts-hmac-sha1-96", "salt": "CYLERA.LABrobin"},
            {"etype": "rc4-hmac"}, {"etype": "rc4-hmac-old"},
            {"etype": "rc4-md4"}])
        eq("msg-types #8 PA-PAC-REQUEST include_pac",
           m_pa(by_frame(recs, 8)[0], 128).get("include_pac"), True)
        eq("msg-types #16 PA-ENC-TIMESTAMP etype",
           m_pa(by_frame(recs, 16)[0], 2).get("etype"),
           "aes256-cts-hmac-sha1-96")
        eq("msg-types #26 PA-PAC-OPTIONS branch-aware",
           m_pa(by_frame(recs, 26)[0], 167).get("pac_options"),
           ["branch-aware"])
        eq("msg-types #26 PA-TGS-REQ ap_options (none set)",
           m_pa(by_frame(recs, 26)[0], 1).get("ap_options"), [])
        m = by_frame(recs, 18)[0]
        eq("msg-types #18 AS-REP ticket etype and kvno",
           (m["ticket"]["etype"], m["ticket"]["kvno"]),
           ("aes256-cts-hmac-sha1-96", 2))
        m = by_frame(recs, 26)[0]
        eq("msg-types #26 TGS-REQ sname (body, not the TGT)",
           (m["sname"], m["ticket"]["sname"]),
           ("ldap/dc01", "krbtgt/CYLERA.LAB"))

    recs = case("suricata-krb5-two-msgs-one-segment.pcap")
    if recs:
        eq("two-msgs: two messages in frame 4, in wire order",
           [r["msg"] for r in by_frame(recs, 4)], ["AS-REQ", "TGS-REQ"])

    recs = case("suricata-krb5-two-segments.pcap")
    if recs:
        eq("two-segments: one message each in frames 4 and 6",
           [(r["frame"], r["msg"]) for r in msgs(recs)],
           [(4, "AS-REQ"), (6, "TGS-REQ")])

    recs = case("zeek-krb-optional-service-name.pcap")
    if recs:
        m = by_frame(recs, 3)[0]
        eq("optional-sname #3 AS-REQ without sname",
           (m["msg"], "sname" in m, m["realm"]),
           ("AS-REQ", False, "kerberos_realm_time.nasl"))
        m = by_frame(recs, 4)[0]
        eq("optional-sname #4 error 60",
           (m["error_code"], m["error"]), (60, "KRB_ERR_GENERIC"))

    lab = os.path.join(top_srcdir, "captures", "mit-basic.pcap")
    if os.path.exists(lab):
        rc, recs = run(lab)
        m = by_frame(recs, 4)[0]
        eq("mit-basic #4 PREAUTH_REQUIRED: salt from ETYPE-INFO2",
           (m["error_code"], m_pa(m, 19).get("etype_info"),
            m.get("e_data", {}).get("kind")),
           (25, [{"etype": "aes256-cts-hmac-sha1-96",
                  "salt": "LAB.EXAMPLEalice"}], "METHOD-DATA"))
        eq("mit-basic #5 PA-ENC-TIMESTAMP etype",
           m_pa(by_frame(recs, 5)[0], 2).get("etype"),
           "aes256-cts-hmac-sha1-96")
        eq("mit-basic #7 TGS-REQ armored (PA-FX-FAST)",
           by_frame(recs, 7)[0].get("armored"), True)
        eq("mit-basic #5 AS-REQ not pkinit, not armored",
           (by_frame(recs, 5)[0].get("pkinit"),
            by_frame(recs, 5)[0].get("armored")), (None, None))
    else:
        skip("mit-basic.pcap", "absent")

    print("1..%d" % n)


if __name__ == "__main__":
    main()
