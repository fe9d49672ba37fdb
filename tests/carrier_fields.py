#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# carrier_fields.py - field-level assertions on the carrier records of
# `krbscope --json` (krb records found in carriers, ntlm, spnego, auth and
# dns records). Values are what Wireshark shows for the same frames
# (tshark -T fields), or what the lab scripts recorded. Prints TAP.
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json_fields as jf  # noqa: E402  (tap, eq, run, case helpers)

eq, tap, skip = jf.eq, jf.tap, jf.skip


def recs_of(recs, rtype, frame=None, **match):
    out = []
    for r in recs:
        if r.get("type") != rtype:
            continue
        if frame is not None and r.get("frame") != frame:
            continue
        if all(r.get(k) == v for k, v in match.items()):
            out.append(r)
    return out


def one(recs, rtype, frame, **match):
    rs = recs_of(recs, rtype, frame, **match)
    return rs[0] if rs else {}


def smb():
    recs = jf.case("zeek-krb-smb-gssapi.pcap")
    if not recs:
        return
    sp = one(recs, "spnego", 5)
    eq("smb1 #5 NEGOTIATE response: negTokenInit2 hint and mechs",
       (sp.get("carrier"), sp.get("token"), sp.get("mechs"),
        sp.get("hint_name")),
       ("smb", "negTokenInit2", ["ms-krb5", "ntlmssp"],
        "edisk03a$@HOUSING.HKSARG"))
    m = one(recs, "krb", 7)
    eq("smb1 #7 AP-REQ in SPNEGO in SESSION_SETUP_ANDX",
       (m.get("carrier"), m.get("msg"), m.get("ticket", {}).get("sname"),
        m.get("ticket", {}).get("realm"), m.get("ap_options"),
        m.get("gss", {}).get("mech"), m.get("spnego", {}).get("token")),
       ("smb", "AP-REQ", "cifs/EDISK03A.housing.hksarg", "HOUSING.HKSARG",
        ["mutual-required"], "krb5", "negTokenInit"))
    m = one(recs, "krb", 8)
    eq("smb1 #8 AP-REP, SPNEGO accept-completed",
       (m.get("msg"), m.get("spnego", {}).get("neg_state")),
       ("AP-REP", "accept-completed"))
    a = one(recs, "auth", 8, event="session_setup")
    eq("smb1 #8 session setup succeeded",
       (a.get("outcome"), a.get("status")), ("ok", "STATUS_SUCCESS"))


def dcerpc():
    recs = jf.case("zeek-dcerpc-kerberos135-auth.pcapng")
    if recs:
        a = one(recs, "auth", 5, event="bind")
        eq("dcerpc135 #5 bind: ISystemActivator over SPNEGO",
           (a.get("carrier"), a.get("interface"), a.get("interface_name"),
            a.get("auth_type")),
           ("dcerpc", "000001a0-0000-0000-c000-000000000046",
            "ISystemActivator", "spnego"))
        m = one(recs, "krb", 5)
        eq("dcerpc135 #5 AP-REQ for RPCSS",
           (m.get("msg"), m.get("ticket", {}).get("sname"),
            m.get("ticket", {}).get("realm"),
            m.get("ticket", {}).get("kvno")),
           ("AP-REQ", "RPCSS/BLACKCLOVER-DC.SRT-AD.local", "SRT-AD.LOCAL",
            3))
        eq("dcerpc135 #7 bind_ack carries the AP-REP",
           (one(recs, "krb", 7).get("msg"),
            one(recs, "auth", 7).get("pdu")), ("AP-REP", "bind_ack"))
    recs = jf.case("zeek-dcerpc-ntlm.pcapng")
    if recs:
        m = one(recs, "ntlm", 6)
        eq("dcerpc-ntlm #6 AUTHENTICATE user/domain/workstation",
           (m.get("carrier"), m.get("msg"), m.get("user"), m.get("domain"),
            m.get("workstation"), m.get("response")),
           ("dcerpc", "AUTHENTICATE", "Administrator", "BLACKCLOVER",
            "CBTH-WS-1", "NTLMv2"))
        m = one(recs, "krb", 1)
        eq("dcerpc-ntlm #1 user-to-user TGT-REQ in SPNEGO",
           (m.get("msg_type"), m.get("sname"), m.get("realm")),
           (16, "Administrator", "BLACKCLOVER"))


def ntlm_av():
    recs = jf.case("zeek-ntlm-unterminated-av-sequence.pcap")
    if recs:
        ti = one(recs, "ntlm", 5).get("target_info", {})
        eq("unterminated AV pairs reported, pairs kept",
           (ti.get("error"), ti.get("pairs"), ti.get("nb_computer"),
            ti.get("nb_domain")), ("unterminated", 2, "SATURN", "CNAMIS"))
    recs = jf.case("zeek-ntlm-empty-av-sequence.pcap")
    if recs:
        m = one(recs, "ntlm", 5)
        eq("empty AV sequence reported",
           (m.get("msg"), m.get("target_info", {}).get("error"),
            m.get("target_name")), ("CHALLENGE", "empty", "CNAMIS"))


def ldap():
    recs = jf.case("zeek-ldap-aduser1-ntlm.pcap")
    if recs:
        a = one(recs, "auth", 4, event="bind")
        eq("ldap sicily bind: message id and name as tshark",
           (a.get("carrier"), a.get("mechanism"), a.get("message_id"),
            a.get("name")), ("ldap", "sicily", 173945320, "User1"))
        m = one(recs, "ntlm", 7)
        eq("ldap #7 AUTHENTICATE: user, domain, MsvAvTargetName",
           (m.get("user"), m.get("domain"),
            m.get("target_info", {}).get("target_spn"),
            m.get("target_info", {}).get("timestamp")),
           ("User1", "ADHACKING.LOCAL", "cifs/WIN-VGO56I95EAK",
            "2025-03-10T09:15:19.974828Z"))
        eq("ldap #8 bind result success",
           (one(recs, "auth", 8).get("outcome"),
            one(recs, "auth", 8).get("result")), ("ok", "success"))
    recs = jf.case("zeek-ldap-krb5-sign-seal.pcap")
    if recs:
        eq("ldap-krb5 #8 GSS-SPNEGO bind carries the AP-REQ",
           (one(recs, "auth", 8).get("mechanism"),
            one(recs, "krb", 8).get("ticket", {}).get("sname")),
           ("GSS-SPNEGO",
            "ldap/w2k3-101.w2k3.vmnet1.vm.base/w2k3.vmnet1.vm.base"))
        eq("ldap-krb5: sealed traffic after the bind is not decoded",
           len(recs_of(recs, "krb")), 2)


def lab():
    path = os.path.join(jf.top_srcdir, "captures", "http-negotiate.pcap")
    if not os.path.exists(path):
        skip("http-negotiate.pcap", "absent")
        return
    rc, recs = jf.run(path, "--dns")
    a = one(recs, "auth", 58, event="request")
    eq("http #58 request: Negotiate to the name the client used",
       (a.get("method"), a.get("host"), a.get("scheme")),
       ("GET", "web.lab.example", "Negotiate"))
    eq("http #58 AP-REQ for HTTP/web.lab.example",
       one(recs, "krb", 58).get("ticket", {}).get("sname"),
       "HTTP/web.lab.example")
    eq("http #59 200 with the AP-REP: outcome ok",
       (one(recs, "auth", 59).get("status"),
        one(recs, "auth", 59).get("outcome"),
        one(recs, "krb", 59).get("msg")), (200, "ok", "AP-REP"))
    eq("http #75 wrong key: KRB-ERROR 31 in a 401, outcome fail",
       (one(recs, "krb", 75).get("error"),
        one(recs, "krb", 75).get("spnego", {}).get("neg_state"),
        one(recs, "auth", 75).get("status"),
        one(recs, "auth", 75).get("outcome")),
       ("KRB_AP_ERR_BAD_INTEGRITY", "reject", 401, "fail"))
    srv = [r for r in recs_of(recs, "dns") if r.get("qtype") == "SRV" and
           r.get("qr") == "response" and r.get("answers")]
    eq("http: DNS SRV answer names the KDC",
       (srv[0]["qname"], srv[0]["answers"][0]["target"],
        srv[0]["answers"][0]["port"]) if srv else None,
       ("_kerberos._udp.LAB.EXAMPLE", "kdc.lab.example", 88))
    rc, recs = jf.run(path)
    eq("http: no dns records without --dns, the hosts map still fed",
       (len(recs_of(recs, "dns")),
        any(n.get("name") == "web.lab.example" and n.get("from") == "dns"
            for r in recs_of(recs, "host") for n in r.get("names", []))),
       (0, True))
    path = os.path.join(jf.top_srcdir, "captures", "gss-sample.pcap")
    rc, recs = jf.run(path)
    got = [(r["frame"], r["msg"], r.get("error_code"))
           for r in recs_of(recs, "krb", carrier="gss")]
    eq("gss-sample: every token on port 4444",
       got, [(22, "AP-REQ", None), (28, "AP-REP", None),
             (54, "AP-REQ", None), (60, "KRB-ERROR", 31),
             (76, "AP-REQ", None), (82, "KRB-ERROR", 44),
             (98, "AP-REQ", None)])


def tds():
    path = os.path.join(jf.top_srcdir, "captures", "tds-healthy.pcap")
    if not os.path.exists(path):
        skip("tds-healthy.pcap", "absent")
        return
    rc, recs = jf.run(path)
    eq("tds-healthy #14/#16 prelogin: ENCRYPT_NOT_SUP both ways",
       [(r["frame"], r.get("encryption")) for r in
        recs_of(recs, "auth", event="prelogin")],
       [(14, "NOT_SUP"), (16, "NOT_SUP")])
    a = one(recs, "auth", 20, event="login7")
    eq("tds-healthy #20 login7: integrated, the server name the client "
       "used", (a.get("int_security"), a.get("server_name"),
                a.get("app"), a.get("tds_version")),
       (True, "sql.lab.example", "TSQL", "7.4"))
    eq("tds-healthy #20 AP-REQ for MSSQLSvc/sql.lab.example:1433",
       one(recs, "krb", 20).get("ticket", {}).get("sname"),
       "MSSQLSvc/sql.lab.example:1433")
    eq("tds-healthy #21 AP-REP then LOGINACK",
       (one(recs, "krb", 21).get("msg"),
        one(recs, "auth", 21, event="result").get("outcome"),
        one(recs, "auth", 21, event="result").get("program")),
       ("AP-REP", "ok", "Microsoft SQL Server"))
    rc, recs = jf.run(os.path.join(jf.top_srcdir, "captures",
                                   "tds-encrypt-off.pcap"))
    eq("tds-encrypt-off: OFF, Login7 encrypted, answer in clear",
       ([r.get("encryption") for r in
         recs_of(recs, "auth", event="prelogin")],
        one(recs, "auth", 24, event="login7").get("encrypted"),
        one(recs, "krb", 25).get("msg"),
        one(recs, "auth", 25, event="result").get("outcome")),
       (["OFF", "OFF"], True, "AP-REP", "ok"))
    ap = [r for r in recs_of(recs, "exchange") if r.get("kind") == "AP"]
    eq("tds-encrypt-off: the AP exchange from its AP-REP alone",
       [(r.get("request_seen"), "req_frame" in r, r.get("rep_frame"),
         r.get("result"), r.get("carrier_result"), r.get("client"),
         r.get("server_port")) for r in ap],
       [(False, False, 25, "ok", "result LOGINACK", "192.0.2.20", 1433)])
    rc, recs = jf.run(os.path.join(jf.top_srcdir, "captures",
                                   "tds-wrong-account.pcap"))
    r = one(recs, "auth", 21, event="result")
    eq("tds-wrong-account #21 KRB-ERROR 31 then ERROR 18452",
       (one(recs, "krb", 21).get("error_code"), r.get("outcome"),
        r.get("number"), r.get("class"), r.get("message")),
       (31, "fail", 18452, 14, "Login failed. The login is from an "
        "untrusted domain and cannot be used with Integrated "
        "authentication."))


def unseen_hop():
    """double-hop without the user's HTTP connection (tshark drops it):
    the forwarded TGT still proves the chain; its first hop is not seen."""
    path = os.path.join(jf.top_srcdir, "captures", "double-hop.pcap")
    if not os.path.exists(path) or shutil.which("tshark") is None:
        skip("unseen hop", "no lab capture or no tshark")
        return
    with tempfile.TemporaryDirectory() as d:
        cut = os.path.join(d, "no-http.pcap")
        subprocess.run(["tshark", "-r", path, "-Y", "!(tcp.port==80)",
                        "-w", cut, "-F", "pcap"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rc, recs = jf.run(cut)
    ch = recs_of(recs, "chain")
    hops = ch[0]["hops"] if len(ch) == 1 else []
    eq("a ticket-proven chain whose first hop is not in the capture",
       [(h.get("auth"), h.get("result"), h.get("frames")) for h in hops],
       [("unknown", "not_seen", []), ("kerberos", "ok", [30, 31, 32, 33])])


def main():
    smb()
    dcerpc()
    ntlm_av()
    ldap()
    lab()
    tds()
    unseen_hop()
    print("1..%d" % jf.n)


if __name__ == "__main__":
    main()
