#!/usr/bin/env python3
# krbscope - Kerberos network traffic analyzer
# SPDX-License-Identifier: BSD-2-Clause
#
# gen_sec_seeds.py - writes the seed corpus of sec_fuzzer: the SPNEGO,
# GSS-API and NTLMSSP tokens of tests/unit/test_sec.c (taken from the
# captures in ../shared/captures/real/, named there), each behind the
# selector byte sec_fuzzer reads (0 spnego_decode, 1 ntlm_decode,
# 2 sec_token, 6 sec_token with SEC_F_NO_RAW_KRB), plus a few cut and
# corrupted forms. The tokens are read at run time from the hex string
# arrays (static const char NAME[] = "..." ...;) of test_sec.c, so the
# unit test holds the only copy. Deterministic: the same files every run.
#
# usage: gen_sec_seeds.py [OUTDIR]   (default: sec_fuzzer.in beside it)

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST_C = os.path.join(HERE, "..", "unit", "test_sec.c")

SPNEGO, NTLM, TOKEN, TOKEN_NO_RAW = 0, 1, 2, 6

SEEDS = [
    ("spnego-resp-gss-aprep", TOKEN, "smb_resp_aprep", None),
    ("spnego-init-apreq", TOKEN_NO_RAW, "ldap_init_apreq", None),
    ("spnego-init-apreq-cut", TOKEN, "ldap_init_apreq", 400),
    ("spnego-resp-bare-aprep", TOKEN, "rpc_resp_raw_aprep", None),
    ("spnego-init-negoex", TOKEN, "rpc_init_negoex", None),
    ("krb5-wrap", TOKEN, "ldap_wrap", None),
    ("spnego-resp-ntlm", TOKEN, "rpc_resp_ntlm_neg", None),
    ("spnego-init2-hints", SPNEGO, "smb_init2", None),
    ("spnego-resp-reqmic", SPNEGO, "rpc_resp_reqmic", None),
    ("ntlm-challenge", NTLM, "ntlm_chal", None),
    ("ntlm-auth-v2", NTLM, "ntlm_auth_v2", None),
    ("ntlm-auth-v2-cut", NTLM, "ntlm_auth_v2", 300),
    ("ntlm-auth-v1", TOKEN, "ntlm_auth_v1", None),
    ("ntlm-auth-spn", NTLM, "ntlm_auth_spn", None),
    ("ntlm-negotiate-oem", NTLM, "ntlm_neg_oem", None),
    ("ntlm-challenge-empty-av", NTLM, "ntlm_chal_empty_av", None),
    ("ntlm-challenge-unterminated-av", TOKEN, "ntlm_chal_unterm_av",
     None),
]


def c_hex_arrays(path):
    """The static const char hex string arrays of a C file, by name."""
    text = open(path).read()
    out = {}
    for m in re.finditer(r'static const char (\w+)\[\] =((?:\s*"[^"\n]*")+);',
                         text):
        hx = "".join(re.findall(r'"([^"\n]*)"', m.group(2)))
        if re.fullmatch(r"(?:[0-9a-f]{2})*", hx):
            out[m.group(1)] = bytes.fromhex(hx)
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        HERE, "sec_fuzzer.in")
    vec = c_hex_arrays(TEST_C)
    missing = sorted({v for _, _, v, _ in SEEDS} - set(vec))
    if missing:
        sys.exit("%s: no hex array %s" % (TEST_C, ", ".join(missing)))
    os.makedirs(out, exist_ok=True)
    for name, sel, v, cut in SEEDS:
        blob = vec[v] if cut is None else vec[v][:cut]
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([sel]) + blob)
    # a NegoEx mech token (not decoded), a TOK_ID-prefixed AP-REP
    extra = {
        "spnego-init-negoex-token": (
            TOKEN, bytes.fromhex("a01e301ca00e300c060a2b06010401823702021e"
                                 "a20a04084e45474f45585453")),
        "tokid-aprep": (TOKEN_NO_RAW, b"\x02\x00"
                        + vec["rpc_resp_raw_aprep"][30:]),
    }
    for name, (sel, blob) in extra.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([sel]) + blob)
    # an AV pair longer than its field (the challenge, corrupted)
    blob = bytearray(vec["ntlm_chal"])
    off = blob[44] | blob[45] << 8
    blob[off + 2:off + 4] = b"\xff\x7f"
    with open(os.path.join(out, "ntlm-challenge-av-overrun"), "wb") as f:
        f.write(bytes([NTLM]) + bytes(blob))


if __name__ == "__main__":
    main()
