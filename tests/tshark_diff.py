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
# frame, transport, addresses, ports, time, msg_type, pvno, error_code,
# and the names (with cname_type/sname_type) as krbscope's NDJSON places
# them: KDC-REQ cname/realm/sname from
# the req-body and `ticket` from the PA-TGS-REQ's AP-REQ; KDC-REP
# crealm/cname and the issued `ticket`; AP-REQ `ticket`; KRB-ERROR
# cname/crealm/sname/realm (ticket: sname, realm, etype, kvno).  Also:
#   - padata of the outermost message, in order: type and value length
#     (a KRB-ERROR's padata is its e-data when that is METHOD-DATA; tshark
#     shows it under e_data_tree, and only for the error codes it decodes
#     as METHOD-DATA: for the others krbscope's padata has no oracle and
#     is listed as a note);
#   - KDC-REQ body: kdc-options (flag names, mapped from tshark's
#     KDCOptions bits by KDC_OPTION_NAMES), etypes in order (tshark's
#     numbers through ETYPE_NAMES, krbscope's spelling), from, till,
#     rtime, nonce, number of addresses and additional tickets;
#   - AP-REQ ap-options; enc-part etype/kvno of KDC-REP, AP-REQ
#     (authenticator), AP-REP, KRB-PRIV, KRB-CRED;
#   - KRB-ERROR stime/susec, ctime/cusec, e-text, e-data length.
# Details krbscope may not report yet (PA-ETYPE-INFO2/ETYPE-INFO entries,
# PA-PAC-REQUEST include-pac, PA-ENC-TIMESTAMP etype, the KRB-ERROR
# e_data object): compared where krbscope reports the key; where it does
# not, counted as "not yet reported" unless krbscope reports that key
# somewhere else in the run (then a missing key is a mismatch).  A message
# on one side only is a mismatch.  When tshark flags a BER error in the
# message itself (not inside PA-DATA/e-data, which krbscope does not
# decode), fields tshark could not read are listed as notes, not compared.
# A mismatch listed in KNOWN_KRBSCOPE_BUGS stays `not ok`, marked `# TODO`
# (XFAIL) when it is the capture's only kind of mismatch.
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
    "msg_type", "pvno", "error_code",
    "cname", "cname_type", "crealm", "sname", "sname_type", "realm",
    "kdc_options", "ap_options", "from", "till", "rtime", "nonce",
    "etypes", "addresses", "additional_tickets",
    "padata",
    "ticket.sname", "ticket.realm", "ticket.etype", "ticket.kvno",
    "enc_part.etype", "enc_part.kvno",
    "stime", "susec", "ctime", "cusec", "e_text", "e_data_len",
)

# Encryption type numbers (RFC 3961 8, IANA, MS ntsecapi.h KERB_ETYPE_*)
# with krbscope's spelling (src/krb_names.c); krbscope writes a number it
# does not name in decimal, as etype_name() does here.
ETYPE_NAMES = {
    0: "null", 1: "des-cbc-crc", 2: "des-cbc-md4", 3: "des-cbc-md5",
    4: "des-cbc-raw", 5: "des3-cbc-md5", 6: "des3-cbc-raw",
    7: "des3-cbc-sha1-old", 8: "des-hmac-sha1",
    9: "dsaWithSHA1-CmsOID", 10: "md5WithRSAEncryption-CmsOID",
    11: "sha1WithRSAEncryption-CmsOID", 12: "rc2CBC-EnvOID",
    13: "rsaEncryption-EnvOID", 14: "rsaES-OAEP-ENV-OID",
    15: "des-ede3-cbc-Env-OID", 16: "des3-cbc-sha1",
    17: "aes128-cts-hmac-sha1-96", 18: "aes256-cts-hmac-sha1-96",
    19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192",
    23: "rc4-hmac", 24: "rc4-hmac-exp",
    25: "camellia128-cts-cmac", 26: "camellia256-cts-cmac",
    48: "pk-cross", 65: "subkey-keymaterial",
    -128: "rc4-md4", -129: "rc4-plain2", -130: "rc4-lm", -131: "rc4-sha",
    -132: "des-plain", -133: "rc4-hmac-old", -134: "rc4-plain-old",
    -135: "rc4-hmac-old-exp", -136: "rc4-plain-old-exp",
    -140: "rc4-plain", -141: "rc4-plain-exp",
    -148: "aes128-cts-hmac-sha1-96-plain",
    -149: "aes256-cts-hmac-sha1-96-plain",
}

# PrincipalName name-type numbers (RFC 4120 6.2, MS-KILE) with
# krbscope's spelling (src/krb_names.c).
NAME_TYPES = {
    0: "NT-UNKNOWN", 1: "NT-PRINCIPAL", 2: "NT-SRV-INST", 3: "NT-SRV-HST",
    4: "NT-SRV-XHST", 5: "NT-UID", 6: "NT-X500-PRINCIPAL",
    7: "NT-SMTP-NAME", 10: "NT-ENTERPRISE", 11: "NT-WELLKNOWN",
    12: "NT-SRV-HST-DOMAIN", -128: "NT-MS-PRINCIPAL",
    -129: "NT-MS-PRINCIPAL-AND-ID", -130: "NT-ENT-PRINCIPAL-AND-ID",
}

# tshark's KDCOptions bit fields (kerberos.KDCOptions.X) -> krbscope's
# kdc_options names; the unusedN bits are krbscope's "bit-N".
KDC_OPTION_NAMES = {
    "reserved": "reserved", "forwardable": "forwardable",
    "forwarded": "forwarded", "proxiable": "proxiable", "proxy": "proxy",
    "allow.postdate": "allow-postdate", "postdated": "postdated",
    "renewable": "renewable", "opt.hardware.auth": "opt-hardware-auth",
    "constrained.delegation": "cname-in-addl-tkt",
    "canonicalize": "canonicalize",
    "request.anonymous": "request-anonymous",
    "disable.transited.check": "disable-transited-check",
    "renewable.ok": "renewable-ok", "enc.tkt.in.skey": "enc-tkt-in-skey",
    "renew": "renew", "validate": "validate",
}
for _b in (7, 9, 10, 12, 13, 17, 18, 19, 20, 21, 22, 23, 24, 25, 29):
    KDC_OPTION_NAMES["unused%d" % _b] = "bit-%d" % _b

# tshark names only the first three APOptions bits; the others are read
# from tshark's raw kerberos.ap_options bytes as krbscope's "bit-N".
AP_OPTION_NAMES = {
    "reserved": "reserved", "use.session.key": "use-session-key",
    "mutual.required": "mutual-required",
}
AP_OPTION_BITS = ("reserved", "use-session-key", "mutual-required")

# PA-DATA types whose value tshark decodes into what krbscope's padata
# entries report (etype_info, include_pac, etype).
PA_ETYPE_INFO = 11
PA_ETYPE_INFO2 = 19
PA_ENC_TIMESTAMP = 2
PA_PAC_REQUEST = 128

# Keys of padata entries / of the message that krbscope may not report
# yet (compared when present, see the header comment).
PENDING_PA_KEYS = ("etype_info", "include_pac", "etype")
PENDING_MSG_KEYS = ("e_data.kind", "e_data.ntstatus")

# Mismatches judged to be krbscope's fault and not fixed yet: (field,
# test on (tshark value, krbscope value, tshark fields, krbscope fields),
# what is wrong).  They stay mismatches; a capture whose mismatches are
# all listed here is reported `not ok ... # TODO` (an expected failure,
# so the fix turns it into an unexpected pass: then remove the entry).
KNOWN_KRBSCOPE_BUGS = ()

MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
     "Nov", "Dec"), 1)}

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


def ts_pname(container, prefix, out):
    """A message's cname or sname and its name type, as krbscope writes
    them: the type by name (NAME_TYPES), only with a non-empty name and
    only when krbscope has a name for it (it omits the others)."""
    elem = container.get("kerberos.%s_element" % prefix)
    n = ts_principal(elem, prefix)
    if n is None:
        return
    out[prefix] = n
    nt = ts_int(elem.get("kerberos.name_type"))
    if n != "" and nt in NAME_TYPES:
        out[prefix + "_type"] = NAME_TYPES[nt]


def ts_int(v):
    v = first(v)
    if v is None:
        return None
    try:
        return int(v, 0) if isinstance(v, str) else int(v)
    except ValueError:
        return v


def etype_name(n):
    """krbscope's spelling of encryption type n (int or tshark string)."""
    try:
        n = int(n, 0) if isinstance(n, str) else int(n)
    except (TypeError, ValueError):
        return n
    return ETYPE_NAMES.get(n, str(n))


def hex_len(v):
    """Length in bytes of a tshark FT_BYTES value ("4d:49:54", "")."""
    v = first(v)
    if v is None:
        return None
    v = str(v)
    if v == "":
        return 0
    if ":" in v:
        return v.count(":") + 1
    return len(v) // 2


def hex_bytes(v):
    v = first(v)
    if v is None:
        return None
    try:
        return bytes.fromhex(str(v).replace(":", ""))
    except ValueError:
        return None


def ts_time(v):
    """tshark's "Nov 22, 2026 04:42:20.000000000 UTC" as krbscope's
    "2026-11-22T04:42:20Z" (KerberosTime has whole seconds)."""
    v = first(v)
    if v is None:
        return None
    parts = str(v).replace(",", " ").split()
    try:
        mon = MONTHS[parts[0]]
        day = int(parts[1])
        year = int(parts[2])
        hms = parts[3].split(".")[0]
        if len(parts) > 4 and parts[4] != "UTC":
            return str(v)
        return "%04d-%02d-%02dT%sZ" % (year, mon, day, hms)
    except (KeyError, IndexError, ValueError):
        return str(v)


def ts_enc(enc, prefix, out):
    """etype and kvno of an EncryptedData element."""
    enc = first(enc)
    if not isinstance(enc, dict):
        return
    if "kerberos.etype" in enc:
        out[prefix + ".etype"] = etype_name(first(enc["kerberos.etype"]))
    if "kerberos.kvno" in enc:
        out[prefix + ".kvno"] = ts_int(enc["kerberos.kvno"])


def ts_ticket(tkt, out):
    if not isinstance(tkt, dict):
        return
    sn = ts_principal(tkt.get("kerberos.sname_element"), "sname")
    if sn is not None:
        out["ticket.sname"] = sn
    r = first(tkt.get("kerberos.realm"))
    if r is not None:
        out["ticket.realm"] = r
    ts_enc(tkt.get("kerberos.enc_part_element"), "ticket", out)


def ts_pa_list(tree):
    """The PA-DATA entries of a padata_tree / e_data_tree, or None."""
    if not isinstance(tree, dict) or "kerberos.PA_DATA_element" not in tree:
        return None
    return [pa for pa in as_list(tree.get("kerberos.PA_DATA_element"))
            if isinstance(pa, dict)]


def ts_pa_detail(pa, ptype):
    """What tshark decodes of a PA-DATA value, in the keys krbscope's
    padata entries are to gain (etype_info, include_pac, etype)."""
    d = {}
    tt = pa.get("kerberos.padata_type_tree")
    vt = tt.get("kerberos.padata_value_tree") if isinstance(tt, dict) \
        else None
    if not isinstance(vt, dict):
        return d
    if ptype in (PA_ETYPE_INFO, PA_ETYPE_INFO2):
        ents = []
        for key, skey in (("kerberos.ETYPE_INFO2_ENTRY_element",
                           "kerberos.info2_salt"),
                          ("kerberos.ETYPE_INFO_ENTRY_element",
                           "kerberos.info_salt")):
            for e in as_list(vt.get(key)):
                if not isinstance(e, dict):
                    continue
                ent = {"etype": ts_int(e.get("kerberos.etype"))}
                s = first(e.get(skey))
                if s is not None:
                    if skey == "kerberos.info_salt":
                        b = hex_bytes(s)
                        s = b.decode("utf-8", "replace") if b is not None \
                            else s
                    ent["salt"] = s
                ents.append(ent)
        if ents:
            d["etype_info"] = ents
    elif ptype == PA_PAC_REQUEST:
        v = first(vt.get("kerberos.include_pac"))
        if v is not None:
            d["include_pac"] = str(v).lower() in ("1", "true")
    elif ptype == PA_ENC_TIMESTAMP:
        v = ts_int(vt.get("kerberos.etype"))
        if v is not None:
            d["etype"] = v
    return d


def ts_padata(pas, out):
    """padata (type, value length) in order, and the pending details."""
    lst = []
    det = []
    for pa in pas:
        t = ts_int(pa.get("kerberos.padata_type"))
        tt = pa.get("kerberos.padata_type_tree")
        ln = hex_len(tt.get("kerberos.padata_value")) \
            if isinstance(tt, dict) else None
        lst.append([t, ln])
        det.append(ts_pa_detail(pa, t))
    out["padata"] = lst
    out["_padata_detail"] = det


def ts_find(o, key):
    """First value of key anywhere under o."""
    if isinstance(o, dict):
        for k, v in o.items():
            if k == key:
                return first(v)
            r = ts_find(v, key)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = ts_find(v, key)
            if r is not None:
                return r
    return None


def ts_flags(tree, prefix, names):
    """Names of the bits set in a kdc_options_tree / ap_options_tree, in
    tshark's (bit) order; an unmapped tshark name is kept as "?NAME" so
    that the mismatch points at the mapping."""
    out = []
    if not isinstance(tree, dict):
        return out
    for k, v in tree.items():
        if not k.startswith(prefix):
            continue
        if str(first(v)) not in ("1", "True", "true"):
            continue
        n = k[len(prefix):]
        out.append(names.get(n, "?" + n))
    return out


def ts_ap_options(elem, out):
    raw = hex_bytes(elem.get("kerberos.ap_options"))
    if raw is None:
        return
    names = ts_flags(elem.get("kerberos.ap_options_tree"),
                     "kerberos.APOptions.", AP_OPTION_NAMES)
    raw = (raw + bytes(4))[:4]
    v = int.from_bytes(raw, "big")
    for bit in range(len(AP_OPTION_BITS), 32):
        if v & (1 << (31 - bit)):
            names.append("bit-%d" % bit)
    out["ap_options"] = names


def ts_req_body(body, out):
    if "kerberos.kdc_options" in body:
        out["kdc_options"] = ts_flags(body.get("kerberos.kdc_options_tree"),
                                      "kerberos.KDCOptions.",
                                      KDC_OPTION_NAMES)
    for k in ("from", "till", "rtime"):
        if "kerberos." + k in body:
            out[k] = ts_time(body["kerberos." + k])
    if "kerberos.nonce" in body:
        out["nonce"] = ts_int(body["kerberos.nonce"])
    et = body.get("kerberos.kdc-req-body.etype_tree")
    if isinstance(et, dict):
        ets = [etype_name(e) for e in as_list(et.get("kerberos.ENCTYPE"))]
        if ets:
            out["etypes"] = ets
    n = ts_int(body.get("kerberos.addresses"))
    if n:
        out["addresses"] = n
    n = ts_int(body.get("kerberos.additional_tickets"))
    if n:
        out["additional_tickets"] = n


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
    if "kerberos.pvno" in elem:
        out["pvno"] = ts_int(elem["kerberos.pvno"])
    malformed = malformed_at_top(layer)

    if mt in (10, 11, 12, 13):
        pas = ts_pa_list(elem.get("kerberos.padata_tree"))
        if pas is not None:
            ts_padata(pas, out)
    if mt in (10, 12):
        # KDC-REQ: names from the req-body; the PA-TGS-REQ's nested
        # AP-REQ supplies only the ticket.
        body = first(elem.get("kerberos.req_body_element"))
        if isinstance(body, dict):
            ts_pname(body, "cname", out)
            ts_pname(body, "sname", out)
            r = first(body.get("kerberos.realm"))
            if r is not None:
                out["realm"] = r
            ts_req_body(body, out)
        if mt == 12:
            ts_ticket(ts_pa_tgs_req_ticket(elem), out)
    elif mt in (11, 13):
        ts_pname(elem, "cname", out)
        r = first(elem.get("kerberos.crealm"))
        if r is not None:
            out["crealm"] = r
        ts_ticket(first(elem.get("kerberos.ticket_element")), out)
        ts_enc(elem.get("kerberos.enc_part_element"), "enc_part", out)
    elif mt == 14:
        ts_ticket(first(elem.get("kerberos.ticket_element")), out)
        ts_ap_options(elem, out)
        ts_enc(elem.get("kerberos.authenticator_element"), "enc_part", out)
    elif mt in (15, 21, 22):
        ts_enc(elem.get("kerberos.enc_part_element"), "enc_part", out)
    elif mt == 30:
        ts_pname(elem, "cname", out)
        r = first(elem.get("kerberos.crealm"))
        if r is not None:
            out["crealm"] = r
        ts_pname(elem, "sname", out)
        r = first(elem.get("kerberos.realm"))
        if r is not None:
            out["realm"] = r
        ec = ts_int(elem.get("kerberos.error_code"))
        if ec is not None:
            out["error_code"] = ec
        for k in ("stime", "ctime"):
            if "kerberos." + k in elem:
                out[k] = ts_time(elem["kerberos." + k])
        for k in ("susec", "cusec"):
            if "kerberos." + k in elem:
                out[k] = ts_int(elem["kerberos." + k])
        t = first(elem.get("kerberos.e_text"))
        if t is not None:
            out["e_text"] = t
        if "kerberos.e_data" in elem:
            out["e_data_len"] = hex_len(elem["kerberos.e_data"])
            edt = elem.get("kerberos.e_data_tree")
            pas = ts_pa_list(edt)
            if pas is not None and not malformed_at_top(edt):
                ts_padata(pas, out)
                out["e_data.kind"] = "method-data"
            else:
                # tshark shows the bytes only (or could not read them as
                # METHOD-DATA): krbscope's padata has no oracle here
                out["_padata_unknown"] = 1
            st = ts_find(edt, "kerberos.smb.nt_status")
            if st is not None:
                out["e_data.ntstatus"] = ts_int(st)
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
    if p.returncode not in (0, 1):	# 1: findings
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
                  "status", "pvno", "cname_type", "sname_type",
                  "kdc_options", "ap_options", "from", "till",
                  "rtime", "nonce", "etypes", "addresses",
                  "additional_tickets", "stime", "susec", "ctime", "cusec",
                  "e_text", "e_data_len"):
            if k in o:
                f[k] = o[k]
        if "ts" in o:
            f["ts"] = ks_ts_us(o["ts"])
        for obj in ("ticket", "enc_part"):
            t = o.get(obj)
            if isinstance(t, dict):
                for k in ("sname", "realm", "etype", "kvno"):
                    if k in t:
                        f[obj + "." + k] = t[k]
        if isinstance(o.get("padata"), list):
            f["padata"] = [[pa.get("type"), pa.get("len")]
                           for pa in o["padata"] if isinstance(pa, dict)]
            f["_padata_detail"] = [
                {k: pa[k] for k in PENDING_PA_KEYS if k in pa}
                for pa in o["padata"] if isinstance(pa, dict)]
        ed = o.get("e_data")
        if isinstance(ed, dict):
            if "kind" in ed:
                f["e_data.kind"] = ed["kind"]
            if "ntstatus" in ed:
                f["e_data.ntstatus"] = ed["ntstatus"]
        num = o.get("frame")
        i = idx_in_frame.get(num, 0)
        idx_in_frame[num] = i + 1
        msgs.append((num, i, f, o))
    return msgs


def fmt(v):
    if v is None:
        return "(absent)"
    return json.dumps(v)


def as_int(v):
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            return v
    return v


def norm_kind(v):
    return "".join(c for c in str(v).lower() if c.isalnum())


def same_pending(key, tv, kv):
    """Whether a pending detail agrees (krbscope may spell an etype as a
    name or a number, an NTSTATUS as a number or "0x..." string)."""
    if key == "etype":
        return kv == tv or kv == etype_name(tv)
    if key == "etype_info":
        if not isinstance(kv, list) or len(kv) != len(tv):
            return False
        for t, k in zip(tv, kv):
            if not isinstance(k, dict):
                return False
            if not same_pending("etype", t.get("etype"), k.get("etype")):
                return False
            if t.get("salt") != k.get("salt"):
                return False
        return True
    if key == "include_pac":
        return kv is tv
    if key == "e_data.ntstatus":
        return as_int(kv) == as_int(tv)
    if key == "e_data.kind":
        return norm_kind(kv) == norm_kind(tv)
    return kv == tv


class Counts:
    """Per-capture tallies: fields compared, details not yet reported."""

    def __init__(self):
        self.fields = 0
        self.pending = 0


def compare_pending(frame, label, key, tv, kv, landed, counts, out):
    """One detail krbscope may not report yet: key (as in PENDING_*_KEYS)
    of the message or of one of its padata entries (label)."""
    if tv is None and kv is None:
        return
    if kv is None and key not in landed:
        counts.pending += 1
        return
    counts.fields += 1
    if tv is not None and kv is not None and same_pending(key, tv, kv):
        return
    out.append("frame %s: %s: tshark %s, krbscope %s"
               % (frame, label, fmt(tv), fmt(kv)))


KNOWN_SEEN = set()


def known_bug(k, tv, kv, ts_f, ks_f):
    """The description of a listed krbscope bug this mismatch is, or None."""
    for field, test, why in KNOWN_KRBSCOPE_BUGS:
        if field == k and test(tv, kv, ts_f, ks_f):
            KNOWN_SEEN.add(field)
            return why
    return None


def compare_msg(frame, ts_f, ks_f, malformed, notes, landed, counts):
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
        if tv is None and kv is None:
            continue
        if k == "padata" and tv is None and ts_f.get("_padata_unknown"):
            notes.append("frame %s: padata: tshark does not decode this "
                         "e-data (error_code %s) as METHOD-DATA; krbscope "
                         "%s (not compared)"
                         % (frame, ts_f.get("error_code"), fmt(kv)))
            continue
        counts.fields += 1
        if k == "ts" and isinstance(tv, int) and isinstance(kv, int):
            # pcapng may carry nanoseconds: allow the sub-microsecond cut
            if abs(tv - kv) <= 1:
                continue
        if tv == kv:
            continue
        if malformed and tv is None and kv is not None:
            # tshark stopped decoding this message (BER error); what
            # krbscope read beyond that point has no oracle here.
            counts.fields -= 1
            notes.append("frame %s: %s: tshark marks the message "
                         "malformed and shows no value; krbscope %s "
                         "(not compared)" % (frame, k, fmt(kv)))
            continue
        if k == "ts":
            tv = "%d.%06d" % divmod(tv, 1000000) \
                if isinstance(tv, int) else tv
            kv = "%d.%06d" % divmod(kv, 1000000) \
                if isinstance(kv, int) else kv
        known = known_bug(k, tv, kv, ts_f, ks_f)
        out.append("frame %s: %s: tshark %s, krbscope %s%s"
                   % (frame, k, fmt(tv), fmt(kv),
                      " (known krbscope bug)" if known else ""))
    # details of padata entries, when both sides list the same entries
    td = ts_f.get("_padata_detail")
    kd = ks_f.get("_padata_detail")
    if td is not None and kd is not None and \
            ts_f.get("padata") == ks_f.get("padata"):
        for i, (t, k) in enumerate(zip(td, kd)):
            for key in PENDING_PA_KEYS:
                compare_pending(frame, "padata[%d].%s" % (i, key), key,
                                t.get(key), k.get(key), landed, counts, out)
    for key in PENDING_MSG_KEYS:
        tv = ts_f.get(key)
        kv = ks_f.get(key)
        if tv is None and kv is not None and ts_f.get("_padata_unknown"):
            notes.append("frame %s: %s: no tshark oracle (e-data not "
                         "decoded); krbscope %s (not compared)"
                         % (frame, key, fmt(kv)))
            continue
        if malformed and tv is None and kv is not None:
            notes.append("frame %s: %s: tshark marks the message "
                         "malformed and shows no value; krbscope %s "
                         "(not compared)" % (frame, key, fmt(kv)))
            continue
        compare_pending(frame, key, key, tv, kv, landed, counts, out)
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


def load_capture(tshark, krbscope, path):
    """(krbscope's messages, tshark's messages) of one capture."""
    ks_msgs = run_krbscope(krbscope, path)
    # tshark's start-up dominates this test: skip it for a capture where
    # neither krbscope nor a BPF filter sees anything on port 88
    if ks_msgs or has_port88(path):
        ts_msgs = run_tshark(tshark, path)
    else:
        ts_msgs = []
    return ks_msgs, ts_msgs


def landed_keys(ks_msgs):
    """The pending detail keys krbscope reports somewhere in ks_msgs."""
    out = set()
    for m in ks_msgs:
        f = m[2]
        for d in f.get("_padata_detail") or ():
            for k in d:
                out.add(k)
        for k in PENDING_MSG_KEYS:
            if k in f:
                out.add(k)
    return out


def diff_capture(ks_msgs, ts_msgs, landed):
    """Returns (total, agree, mismatch lines, note lines, Counts)."""
    counts = Counts()
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
                mm = compare_msg(frame, t[2], k[2], t[3], notes, landed,
                                 counts)
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
    return total, agree, lines, notes, counts


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
    loaded = {}
    workers = min(8, 2 * (os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        futs = {ex.submit(load_capture, tshark, krbscope, c): c
                for c in caps}
        for f in concurrent.futures.as_completed(futs):
            c = futs[f]
            try:
                loaded[c] = f.result()
            except Exception as e:  # report, do not abort the run
                loaded[c] = e
    # a detail krbscope reports anywhere in the run must be reported
    # wherever tshark shows it
    landed = set()
    for r in loaded.values():
        if not isinstance(r, Exception):
            landed |= landed_keys(r[0])

    grand_total = 0
    grand_bad = 0
    grand_fields = 0
    grand_pending = 0
    broken = 0
    for n, c in enumerate(caps, 1):
        name = os.path.basename(c)
        r = loaded[c]
        if not isinstance(r, Exception):
            try:
                r = diff_capture(r[0], r[1], landed)
            except Exception as e:  # report, do not abort the run
                r = e
        if isinstance(r, Exception):
            broken += 1
            print("not ok %d - %s: comparison failed" % (n, name))
            print("# %s: %s" % (name, r))
            continue
        total, agree, lines, notes, counts = r
        grand_total += total
        grand_bad += total - agree
        grand_fields += counts.fields
        grand_pending += counts.pending
        status = "ok" if not lines else "not ok"
        todo = ""
        if lines and all(ln.endswith(" (known krbscope bug)")
                         for ln in lines):
            todo = " # TODO known krbscope bug, see KNOWN_KRBSCOPE_BUGS"
        print("%s %d - %s: %d/%d messages agree (%d fields compared)%s"
              % (status, n, name, agree, total, counts.fields, todo))
        for ln in lines:
            print("# %s: %s" % (name, ln))
        for ln in notes:
            print("# %s: note: %s" % (name, ln))
        if counts.pending:
            print("# %s: %d padata/e-data details shown by tshark not yet "
                  "reported by krbscope (not compared)"
                  % (name, counts.pending))
        if verbose:
            print("# %s: compared %s" % (name, ", ".join(
                FIELDS + tuple("padata[].%s" % k for k in PENDING_PA_KEYS) +
                PENDING_MSG_KEYS)))
    print("# total: %d messages compared, %d mismatches, %d fields "
          "compared, %d details not yet reported by krbscope%s"
          % (grand_total, grand_bad, grand_fields, grand_pending,
             ", %d captures could not be compared" % broken
             if broken else ""))
    if landed:
        print("# krbscope reports: %s" % ", ".join(sorted(landed)))
    for field, _test, why in KNOWN_KRBSCOPE_BUGS:
        if field in KNOWN_SEEN:
            print("# known krbscope bug (%s): %s" % (field, why))
        elif not explicit:
            print("# known krbscope bug (%s) no longer seen: remove it "
                  "from KNOWN_KRBSCOPE_BUGS" % field)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
