#!/usr/bin/env python3
# krbscope - every project capture's NAME.expect lists the Kerberos messages
# Wireshark sees in it (one line each: frame msg_type error_code cname sname,
# "-" when absent; for AS-REP/TGS-REP the sname is the issued ticket's, for
# an AP-REQ its ticket's), on port 88 and inside carriers (HTTP, SMB ...).
# Lines "# gss FRAME ..." list, in the same format, the messages inside a
# custom application's GSS-API stream that Wireshark cannot dissect (the
# recording script's own parse). krbscope must report exactly those
# messages, in order.
# Lines "# session ..." and "# chain ..." list the sessions and delegation
# chains the capture must produce (captures/README.md, "The .expect
# format"); krbscope's session and chain records must match them exactly.
# "# session-todo" / "# chain-todo" lines are expectations krbscope is known
# to miss: the capture's check is then reported as TODO. Prints TAP.
import glob
import json
import os
import re
import subprocess

top_srcdir = os.environ.get("top_srcdir") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
top_builddir = os.environ.get("top_builddir") or top_srcdir
krbscope = os.path.join(top_builddir, "krbscope")

OUTCOMES = ("ok", "kerberos_rejected", "ntlm_fallback", "login_failed",
            "kdc_error", "no_login", "no_answer")


def expected(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith("# gss "):
            line = line[len("# gss "):]
        if line and not line.startswith("#"):
            rows.append(tuple(line.split()))
    return rows


def run(pcap):
    p = subprocess.run([krbscope, "--json", "-r", pcap],
                       stdout=subprocess.PIPE, check=False)
    recs = [json.loads(line) for line in p.stdout.decode().splitlines()]
    for r in recs:
        if r["type"] == "stats":
            r["exit_status"] = p.returncode
    return recs


def findings(recs):
    """The rules of the findings of warning or error severity."""
    return sorted(set(r["rule"] for r in recs if r["type"] == "finding"
                      and r["severity"] in ("warning", "error")))


def exit_status(recs):
    for r in recs:
        if r["type"] == "stats":
            return r.get("exit_status")
    return None


def seen(recs):
    rows = []
    for r in recs:
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


def model_lines(path, kind):
    """The '# KIND' and '# KIND-todo' lines of an .expect, as
    (want, todo, unwanted, bad): want the lines krbscope must produce
    (the todo ones included), todo the todo lines, unwanted the todo
    lines marked '!' (produced now, wrongly), bad malformed lines."""
    want, todo, unwanted, bad = [], [], [], []
    for line in open(path):
        f = line.split()
        if len(f) < 2 or f[0] != "#" or f[1] not in (kind, kind + "-todo"):
            continue
        body = f[2:]
        istodo = f[1].endswith("-todo")
        neg = istodo and body and body[0].startswith("!")
        if neg:
            body = [body[0][1:]] + body[1:]
        canon = canon_session(body) if kind == "session" else \
            canon_chain(body)
        if canon is None:
            bad.append(line.strip())
            continue
        if istodo:
            todo.append(canon)
        if neg:
            unwanted.append(canon)
        else:
            want.append(canon)
    return want, todo, unwanted, bad


def canon_session(f):
    """HOST PRINCIPAL OUTCOME [SNAME:OUTCOME ...] -> a comparable string;
    service items are sorted (their order does not matter)."""
    if len(f) < 3 or f[2] not in OUTCOMES:
        return None
    items = []
    for it in f[3:]:
        sname, _, outcome = it.rpartition(":")
        if not sname or outcome not in OUTCOMES:
            return None
        items.append(it)
    return " ".join(f[:3] + sorted(items))


def canon_chain(f):
    """USER FROM TO1 [TO2 ...] inferred|proven."""
    if len(f) < 4 or f[-1] not in ("inferred", "proven"):
        return None
    return " ".join(f)


def hostport(addr, port):
    if not port:
        return addr
    if ":" in addr:
        return "[%s]:%d" % (addr, port)
    return "%s:%d" % (addr, port)


def got_sessions(recs):
    """krbscope's sessions in the '# session' syntax. A session without a
    principal, with outcome ok and nothing in it but its host (no AS or
    TGS exchange, no service contacted: a host that only resolved names)
    is left out."""
    rows = []
    for r in recs:
        if r["type"] != "session":
            continue
        services = r.get("services") or []
        if (not r.get("principal") and r.get("outcome") == "ok" and
                not services and not r.get("tickets") and not r.get("tgt")):
            continue
        items = ["%s:%s" % (s.get("sname") or "-", s.get("outcome"))
                 for s in services]
        rows.append(" ".join([r["client"], r.get("principal") or "-",
                              r.get("outcome", "?")] + sorted(items)))
    return rows


def got_chains(recs):
    """krbscope's chains in the '# chain' syntax: the user, the first hop's
    "from" (S4U when none: S4U2Self), then each hop's "to" with its port,
    or "@SNAME" for a hop that reached no address (a ticket only)."""
    rows = []
    for r in recs:
        if r["type"] != "chain":
            continue
        hops = r.get("hops") or []
        f = [r.get("user") or "-"]
        f.append(hops[0].get("from", "S4U") if hops else "-")
        for h in hops:
            if "to" in h:
                f.append(hostport(h["to"], h.get("port")))
            else:
                f.append("@" + (h.get("sname") or "-"))
        f.append("inferred" if r.get("inferred") else "proven")
        rows.append(" ".join(f))
    return rows


def compare(n, name, what, want, todo, unwanted, bad, got):
    """One TAP line: krbscope's records (got) against the expected ones."""
    missing = list(want)
    extra = []
    for g in got:
        if g in missing:
            missing.remove(g)
        else:
            extra.append(g)
    ok = not missing and not extra and not bad
    directive = ""
    if todo and not bad:
        directive = " # TODO krbscope known wrong, see the %s-todo lines" \
            % what
    print("%s %d - %s: %d %ss as expected%s" % (
        "ok" if ok else "not ok", n, name, len(want), what, directive))
    for b in bad:
        print("#   malformed: %s" % b)
    for m in missing:
        print("#   missing: %s%s" % (m, " (todo)" if m in todo else ""))
    for e in extra:
        print("#   unexpected: %s%s" % (e, " (todo)" if e in unwanted
                                         else ""))


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
    recs = run(pcap)
    n += 1
    want = sorted(expected(exp), key=lambda x: int(x[0]))
    got = seen(recs)
    if want == got:
        print("ok %d - %s: %d messages as expected" % (n, name, len(want)))
    else:
        print("not ok %d - %s: messages as expected" % (n, name))
        for w in want:
            if w not in got:
                print("#   missing: %s" % " ".join(w))
        for g in got:
            if g not in want:
                print("#   unexpected: %s" % " ".join(g))
    n += 1
    want_rules = sorted(set(c for c in (cl or []) if c != "none"))
    got_rules = findings(recs)
    want_rc = 1 if want_rules else 0
    ok = want_rules == got_rules and exit_status(recs) == want_rc
    print("%s %d - %s: findings %s, exit status %d" % (
        "ok" if ok else "not ok", n, name,
        " ".join(got_rules) or "none", want_rc))
    for m in want_rules:
        if m not in got_rules:
            print("#   missing: %s" % m)
    for e in got_rules:
        if e not in want_rules:
            print("#   unexpected: %s" % e)
    if exit_status(recs) != want_rc:
        print("#   exit status %s" % exit_status(recs))
    sw, st, su, sb = model_lines(exp, "session")
    if not sw and not su and not sb:
        sb = ["(no '# session' line: every capture has a client)"]
    n += 1
    compare(n, name, "session", sw, st, su, sb, got_sessions(recs))
    cw, ct, cu, cb = model_lines(exp, "chain")
    n += 1
    compare(n, name, "chain", cw, ct, cu, cb, got_chains(recs))
if n == 0:
    print("1..0 # SKIP no project captures")
else:
    print("1..%d" % n)
