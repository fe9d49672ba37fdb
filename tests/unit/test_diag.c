/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_diag.c - the diagnosis rules (src/diag.c) on hand-built exchanges,
 * sessions, chains and messages: the rules no lab capture shows
 * (Kerberoasting, TCP 88 blocked, an unreachable KDC, SPN-DUPLICATE,
 * anonymous logins, the non-forwardable TGT, the wrong realm), the
 * folding of repeats, the cap, the order of the walk and the table.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diag.h"
#include "engine.h"
#include "tap.h"

#define CLI	"10.0.0.5"
#define KDC	"10.0.0.1"
#define SRV	"10.0.0.7"

#define MAX_GOT	64

struct got {
	int		 n;
	struct finding	 f[MAX_GOT];
};

static void	collect(void *, const struct finding *);
static void	walk(struct diag *, struct got *);
static const struct finding *rule_of(const struct got *, const char *);
static void	x_init(struct exchange *, int, int, int32_t, const char *);
static void	mc_init(struct msg_ctx *, uint64_t, const char *, uint16_t,
		    const char *, uint16_t, const char *);
static void	test_table(void);
static void	test_kdc_errors(void);
static void	test_ap(void);
static void	test_reachability(void);
static void	test_roast(void);
static void	test_skew(void);
static void	test_anonymous(void);
static void	test_fold_and_cap(void);
static void	test_sessions(void);

static void
collect(void *arg, const struct finding *f)
{
	struct got *g = arg;

	if (g->n < MAX_GOT)
		g->f[g->n++] = *f;
}

static void
walk(struct diag *d, struct got *g)
{
	memset(g, 0, sizeof(*g));
	diag_walk(d, collect, g);
}

static const struct finding *
rule_of(const struct got *g, const char *id)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->f[i].rule->id, id) == 0)
			return &g->f[i];
	return NULL;
}

/* An exchange of kind from CLI (alice@CORP.EXAMPLE) to KDC or SRV. */
static void
x_init(struct exchange *x, int kind, int result, int32_t code,
    const char *sname)
{
	memset(x, 0, sizeof(*x));
	x->kind = kind;
	x->result = result;
	x->has_error_code = code != 0;
	x->error_code = code;
	x->family = AF_INET;
	inet_pton(AF_INET, CLI, x->client);
	inet_pton(AF_INET, kind == XK_AP ? SRV : KDC, x->server);
	x->cport = 50000;
	x->sport = kind == XK_AP ? 1433 : 88;
	x->transport = kind == XK_AP ? TRANSPORT_TCP : TRANSPORT_UDP;
	x->carrier = kind == XK_AP ? "tds" : "kerberos";
	snprintf(x->cname, sizeof(x->cname), "alice");
	snprintf(x->crealm, sizeof(x->crealm), "CORP.EXAMPLE");
	snprintf(x->sname, sizeof(x->sname), "%s", sname);
	snprintf(x->realm, sizeof(x->realm), "CORP.EXAMPLE");
	x->req_frame = 10;
	x->rep_frame = 11;
	x->req_ts.tv_sec = 1700000000;
}

static void
mc_init(struct msg_ctx *mc, uint64_t frame, const char *src, uint16_t sport,
    const char *dst, uint16_t dport, const char *carrier)
{
	memset(mc, 0, sizeof(*mc));
	mc->frame = frame;
	mc->ts.tv_sec = 1700000000 + (long)frame;
	mc->family = AF_INET;
	inet_pton(AF_INET, src, mc->src);
	inet_pton(AF_INET, dst, mc->dst);
	mc->sport = sport;
	mc->dport = dport;
	mc->transport = TRANSPORT_UDP;
	mc->carrier = carrier;
}

static void
test_table(void)
{
	const struct rule *r, *s;
	int n, dup, ok_id;

	n = dup = 0;
	ok_id = 1;
	for (r = diag_rules(); r->id != NULL; r++) {
		n++;
		for (s = diag_rules(); s != r; s++)
			dup += strcmp(s->id, r->id) == 0;
		ok_id &= r->severity >= SEV_INFO && r->severity <= SEV_ERROR &&
		    r->title != NULL && r->meaning != NULL &&
		    r->advice != NULL && strlen(r->meaning) > 40;
	}
	ok(n >= 25 && dup == 0 && ok_id, "rule table: %d rules, unique IDs, "
	    "each with a severity, a meaning and a fix", n);
	ok(diag_rule("krb-ap-modified") == diag_rule("KRB-AP-MODIFIED") &&
	    diag_rule("NOPE") == NULL, "rules by ID, case aside");
	is_str(diag_severity_name(SEV_ERROR), "error", "severity names");
}

static void
test_kdc_errors(void)
{
	static const struct {
		int32_t		 code;
		const char	*sname;
		const char	*rule;
	} cases[] = {
		{ 6, "krbtgt/CORP.EXAMPLE", "ACCOUNT-UNKNOWN" },
		{ 18, "krbtgt/CORP.EXAMPLE", "ACCOUNT-REVOKED" },
		{ 23, "krbtgt/CORP.EXAMPLE", "ACCOUNT-KEY-EXPIRED" },
		{ 1, "krbtgt/CORP.EXAMPLE", "ACCOUNT-EXPIRED" },
		{ 24, "krbtgt/CORP.EXAMPLE", "ACCOUNT-PREAUTH-FAILED" },
		{ 9, "HTTP/web.corp.example", "SPN-DUPLICATE" },
		{ 14, "krbtgt/CORP.EXAMPLE", "ETYPE-NOSUPP" },
		{ 68, "krbtgt/CORP.EXAMPLE", "REALM-WRONG" },
		{ 7, "krbtgt/OTHER.EXAMPLE", "REALM-NO-TRUST" },
		{ 7, "HTTP/web.corp.example", "SPN-UNKNOWN" },
		{ 25, "krbtgt/CORP.EXAMPLE", NULL },	/* the protocol */
	};
	struct exchange x;
	struct diag *d;
	struct got g;
	const struct finding *f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = diag_new(NULL);
		x_init(&x, cases[i].code == 7 || cases[i].code == 9 ? XK_TGS :
		    XK_AS, XR_ERROR, cases[i].code, cases[i].sname);
		diag_exchange(d, &x);
		diag_finish(d);
		walk(d, &g);
		if (cases[i].rule == NULL) {
			is_int(g.n, 0, "error 25: no finding");
			diag_free(d);
			continue;
		}
		f = g.n == 1 ? &g.f[0] : NULL;
		ok(f != NULL && strcmp(f->rule->id, cases[i].rule) == 0 &&
		    strcmp(f->principal, "alice@CORP.EXAMPLE") == 0 &&
		    f->n_frames == 2 && f->frames[0] == 10 &&
		    f->summary[0] != '\0' && f->advice[0] != '\0',
		    "error %d for %s: %s, with principal, frames and texts",
		    (int)cases[i].code, cases[i].sname, cases[i].rule);
		diag_free(d);
	}
	/* the SPN's names in the texts */
	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 9, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	walk(d, &g);
	ok(g.n == 1 && strstr(g.f[0].advice, "setspn -Q "
	    "HTTP/web.corp.example") != NULL && strstr(g.f[0].advice,
	    "setspn -D HTTP/web.corp.example") != NULL,
	    "SPN-DUPLICATE: setspn -Q and -D with the SPN");
	diag_free(d);
	/* malformed SPNs: an address, a short name, a port on HTTP */
	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 7, "MSSQLSvc/10.0.0.7:1433");
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_ERROR, 7, "MSSQLSvc/sql:1433");
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_ERROR, 7, "HTTP/web.corp.example:8080");
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_ERROR, 7, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	walk(d, &g);
	{
		int i2, n_unknown = 0, n_bad = 0, addr = 0, shrt = 0, port = 0;

		for (i2 = 0; i2 < g.n; i2++) {
			if (strcmp(g.f[i2].rule->id, "SPN-UNKNOWN") == 0)
				n_unknown++;
			if (strcmp(g.f[i2].rule->id, "SPN-MALFORMED") != 0)
				continue;
			n_bad++;
			addr += strstr(g.f[i2].summary, "IP address") != NULL;
			shrt += strstr(g.f[i2].summary, "short name") != NULL;
			port += strstr(g.f[i2].summary, "carries no port") !=
			    NULL;
		}
		ok(n_unknown == 4 && n_bad == 3 && addr == 1 && shrt == 1 &&
		    port == 1, "SPN-MALFORMED: address, short name, HTTP with "
		    "a port; a well-formed unknown SPN is only SPN-UNKNOWN");
	}
	diag_free(d);
	/* S4U refused, a forwarded TGT refused */
	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 13, "cifs/fs.corp.example");
	x.delegation = XD_CONSTRAINED;
	x.has_additional = 1;
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_ERROR, 13, "krbtgt/CORP.EXAMPLE");
	x.has_kdc_options = 1;
	x.kdc_options = 1U << (31 - 2);		/* forwarded */
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_ERROR, 13, "HTTP/web.corp.example");
	diag_exchange(d, &x);		/* BADOPTION on its own: nothing */
	walk(d, &g);
	ok(g.n == 2 && rule_of(&g, "DELEG-S4U-DENIED") != NULL &&
	    strstr(rule_of(&g, "DELEG-S4U-DENIED")->summary,
	    "does not tell") != NULL &&
	    rule_of(&g, "DELEG-NOT-FORWARDABLE") != NULL,
	    "BADOPTION: S4U2Proxy (said ambiguous), forwarded TGT; plain: no "
	    "finding");
	diag_free(d);
	/* an AS-REP issued without pre-authentication */
	d = diag_new(NULL);
	x_init(&x, XK_AS, XR_OK, 0, "krbtgt/CORP.EXAMPLE");
	x.has_issued = 1;
	diag_exchange(d, &x);
	x.req_preauth = 1;
	x.cname[0] = 'b';
	diag_exchange(d, &x);
	walk(d, &g);
	ok(g.n == 1 && strcmp(g.f[0].rule->id, "ASREP-ROAST") == 0 &&
	    strcmp(g.f[0].principal, "alice@CORP.EXAMPLE") == 0,
	    "ASREP-ROAST for the TGT without pre-authentication only");
	diag_free(d);
}

static void
test_ap(void)
{
	struct exchange x;
	struct diag *d;
	struct got g;

	d = diag_new(NULL);
	x_init(&x, XK_AP, XR_ERROR, 41, "MSSQLSvc/sql.corp.example:1433");
	snprintf(x.carrier_result, sizeof(x.carrier_result), "result 18452");
	diag_exchange(d, &x);
	x.req_frame = 20;
	x.rep_frame = 21;
	diag_exchange(d, &x);
	walk(d, &g);
	ok(g.n == 1 && strcmp(g.f[0].rule->id, "KRB-AP-MODIFIED") == 0 &&
	    g.f[0].count == 2 && g.f[0].n_frames == 4 &&
	    g.f[0].port == 1433 && strstr(g.f[0].advice,
	    "setspn -D MSSQLSvc/sql.corp.example:1433") != NULL &&
	    strstr(g.f[0].summary, "result 18452") != NULL,
	    "KRB_AP_ERR_MODIFIED twice: one finding, 2x, 4 frames, setspn, "
	    "the carrier's verdict");
	diag_free(d);
	/* the carrier alone refuses a ticket issued in the capture */
	d = diag_new(NULL);
	x_init(&x, XK_AP, XR_ERROR, 0, "cifs/fs.corp.example");
	x.carrier = "smb2";
	x.sport = 445;
	snprintf(x.carrier_result, sizeof(x.carrier_result),
	    "session_setup STATUS_LOGON_FAILURE");
	diag_exchange(d, &x);		/* ticket not issued here: nothing */
	x.presented_frame = 5;
	diag_exchange(d, &x);
	snprintf(x.carrier_result, sizeof(x.carrier_result), "result 18456");
	diag_exchange(d, &x);		/* a named login refused: no key */
	x_init(&x, XK_AP, XR_ERROR, 32, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	x_init(&x, XK_AP, XR_OK, 0, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	walk(d, &g);
	ok(g.n == 2 && rule_of(&g, "KRB-AP-MODIFIED") != NULL &&
	    rule_of(&g, "KRB-AP-MODIFIED")->count == 1 &&
	    rule_of(&g, "TKT-EXPIRED") != NULL,
	    "carrier-only refusal after a ticket issued here; "
	    "TKT_EXPIRED; ok: nothing");
	diag_free(d);
}

static void
test_reachability(void)
{
	struct exchange x;
	struct diag *d;
	struct got g;

	/* RESPONSE_TOO_BIG: retried over TCP, and not */
	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 52, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	x_init(&x, XK_TGS, XR_OK, 0, "HTTP/web.corp.example");
	x.transport = TRANSPORT_TCP;
	diag_exchange(d, &x);
	diag_finish(d);
	walk(d, &g);
	is_int(g.n, 0, "RESPONSE_TOO_BIG then a TCP exchange: no finding");
	diag_free(d);
	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 52, "HTTP/web.corp.example");
	diag_exchange(d, &x);
	x_init(&x, XK_AS, XR_NO_ANSWER, 0, "krbtgt/CORP.EXAMPLE");
	x.transport = TRANSPORT_TCP;
	diag_exchange(d, &x);
	diag_finish(d);
	walk(d, &g);
	ok(g.n == 2 && rule_of(&g, "TCP88-BLOCKED") != NULL &&
	    rule_of(&g, "KDC-UNREACHABLE") != NULL &&
	    strstr(rule_of(&g, "KDC-UNREACHABLE")->summary, "TCP 88") !=
	    NULL, "RESPONSE_TOO_BIG, then TCP unanswered: TCP88-BLOCKED "
	    "and KDC-UNREACHABLE");
	diag_free(d);
}

static void
test_roast(void)
{
	static const int32_t rc4[] = { 23 }, strong[] = { 18, 17, 23 };
	struct krb_msg m;
	struct msg_ctx mc;
	struct diag *d;
	struct got g;
	int i, pass;

	for (pass = 0; pass < 2; pass++) {
		d = diag_new(NULL);
		for (i = 0; i < 7; i++) {
			memset(&m, 0, sizeof(m));
			m.msg_type = KRB_TGS_REQ;
			m.has_sname = 1;
			snprintf(m.sname, sizeof(m.sname),
			    "MSSQLSvc/sql%d.corp.example:1433", i);
			m.n_etypes = pass == 0 ? 1 : 3;
			memcpy(m.etypes, pass == 0 ? rc4 : strong,
			    (size_t)m.n_etypes * sizeof(int32_t));
			mc_init(&mc, (uint64_t)(100 + i), CLI, 50000 + i, KDC,
			    88, "kerberos");
			diag_krb(d, &mc, &m);
		}
		walk(d, &g);
		if (pass == 0)
			ok(g.n == 1 && strcmp(g.f[0].rule->id,
			    "KERBEROAST") == 0 && g.f[0].n_frames >= 5 &&
			    strstr(g.f[0].summary, "7 different SPNs") != NULL,
			    "KERBEROAST: 7 SPNs asked with RC4 only");
		else
			is_int(g.n, 0, "7 SPNs with AES first: no finding");
		diag_free(d);
	}
	/* an RC4 ticket issued */
	d = diag_new(NULL);
	memset(&m, 0, sizeof(m));
	m.msg_type = KRB_TGS_REP;
	m.ticket.present = 1;
	m.ticket.etype = 23;
	snprintf(m.ticket.sname, sizeof(m.ticket.sname), "HTTP/web");
	mc_init(&mc, 7, KDC, 88, CLI, 50000, "kerberos");
	diag_krb(d, &mc, &m);
	m.ticket.etype = 18;
	diag_krb(d, &mc, &m);
	walk(d, &g);
	ok(g.n == 1 && strcmp(g.f[0].rule->id, "WEAK-ETYPE") == 0 &&
	    strstr(g.f[0].summary, "rc4-hmac") != NULL,
	    "WEAK-ETYPE for the RC4 ticket, not the AES one");
	diag_free(d);
}

static void
test_skew(void)
{
	struct krb_msg m;
	struct msg_ctx mc;
	struct diag *d;
	struct got g;

	d = diag_new(NULL);
	memset(&m, 0, sizeof(m));
	m.msg_type = KRB_ERROR;
	m.has_error = 1;
	m.error_code = 25;
	m.has_clock_offset = 1;
	m.clock_offset = 1234567;	/* MIT's KDC: ctime is the nonce */
	mc_init(&mc, 3, KDC, 88, CLI, 50000, "kerberos");
	diag_krb(d, &mc, &m);
	walk(d, &g);
	is_int(g.n, 0, "a KDC error with a nonce for ctime: no skew");
	m.error_code = 41;
	m.clock_offset = 900;
	mc_init(&mc, 4, SRV, 80, CLI, 50001, "http");
	diag_krb(d, &mc, &m);
	m.error_code = 37;
	m.has_clock_offset = 0;
	mc_init(&mc, 5, KDC, 88, CLI, 50002, "kerberos");
	diag_krb(d, &mc, &m);
	walk(d, &g);
	ok(g.n == 2 && strcmp(g.f[0].rule->id, "CLOCK-SKEW") == 0 &&
	    strcmp(g.f[1].rule->id, "CLOCK-SKEW") == 0,
	    "CLOCK-SKEW: a service's error 15 minutes off, KRB_AP_ERR_SKEW");
	ok(strstr(g.f[0].summary, "900 s") != NULL ||
	    strstr(g.f[1].summary, "900 s") != NULL,
	    "the service's clock offset is in the summary");
	diag_free(d);
}

static void
test_anonymous(void)
{
	struct auth_rec a;
	struct msg_ctx mc;
	struct session s;
	struct chain c;
	struct diag *d;
	struct got g;
	const struct finding *f;

	d = diag_new(NULL);
	/* SQL Server refuses ANONYMOUS LOGON at frame 40 */
	memset(&a, 0, sizeof(a));
	a.event = "result";
	a.outcome = AUTH_FAIL;
	a.n_fields = 2;
	a.f[0].key = "number";
	a.f[0].kind = AUTH_F_INT;
	a.f[0].ival = 18456;
	a.f[1].key = "message";
	a.f[1].kind = AUTH_F_STR;
	snprintf(a.f[1].sval, sizeof(a.f[1].sval), "Login failed for user "
	    "'NT AUTHORITY\\ANONYMOUS LOGON'.");
	mc_init(&mc, 40, SRV, 1433, "10.0.0.6", 50100, "tds");
	mc.transport = TRANSPORT_TCP;
	diag_auth(d, &mc, &a);
	/* the middle tier's session: anonymous NTLM there */
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.6", s.host);
	s.n_services = 1;
	inet_pton(AF_INET, SRV, s.services[0].server);
	s.services[0].port = 1433;
	s.services[0].carrier = "tds";
	s.services[0].ntlm_anonymous = 1;
	s.services[0].ntlm_frame = 39;
	s.services[0].ntlm_rep_frame = 40;
	diag_session(d, &s);
	/* the chain CLI -> 10.0.0.6 -> SRV, linked by timing */
	memset(&c, 0, sizeof(c));
	c.family = AF_INET;
	snprintf(c.user, sizeof(c.user), "alice@CORP.EXAMPLE");
	c.inferred = 1;
	c.n_hops = 2;
	c.hops[0].has_from = c.hops[0].has_to = 1;
	inet_pton(AF_INET, CLI, c.hops[0].from);
	inet_pton(AF_INET, "10.0.0.6", c.hops[0].to);
	c.hops[0].auth = HA_KERBEROS;
	c.hops[0].delegation = XD_NONE;
	snprintf(c.hops[0].spn, sizeof(c.hops[0].spn), "HTTP/web");
	c.hops[0].n_frames = 2;
	c.hops[0].frames[0] = 30;
	c.hops[0].frames[1] = 31;
	c.hops[1].has_from = c.hops[1].has_to = 1;
	inet_pton(AF_INET, "10.0.0.6", c.hops[1].from);
	inet_pton(AF_INET, SRV, c.hops[1].to);
	c.hops[1].port = 1433;
	c.hops[1].auth = HA_ANONYMOUS;
	c.hops[1].n_frames = 2;
	c.hops[1].frames[0] = 39;
	c.hops[1].frames[1] = 40;
	diag_chain(d, &c);
	walk(d, &g);
	ok(rule_of(&g, "LOGIN-ANONYMOUS") != NULL &&
	    rule_of(&g, "NTLM-ANONYMOUS") != NULL &&
	    rule_of(&g, "DELEG-NO-FORWARDED-TGT") != NULL,
	    "18456 ANONYMOUS LOGON, anonymous NTLM, the chain without a "
	    "forwarded TGT");
	f = rule_of(&g, "LOGIN-ANONYMOUS");
	ok(f != NULL && strstr(f->summary, "second hop of "
	    "alice@CORP.EXAMPLE's double hop 10.0.0.5 -> 10.0.0.6 -> "
	    "10.0.0.7") != NULL, "the anonymous login tied to the chain");
	f = rule_of(&g, "DELEG-NO-FORWARDED-TGT");
	ok(f != NULL && f->n_frames == 4 && f->frames[0] == 30 &&
	    strstr(f->summary, "anonymously") != NULL,
	    "DELEG-NO-FORWARDED-TGT: both hops' frames, the anonymous hop");
	ok(g.n >= 3 && g.f[0].rule->severity == SEV_ERROR &&
	    g.f[g.n - 1].rule->severity <= g.f[0].rule->severity,
	    "walked most severe first");
	is_int(diag_worst(d), SEV_ERROR, "worst severity: error");
	diag_free(d);
}

static void
test_fold_and_cap(void)
{
	struct exchange x;
	struct diag *d;
	struct got g;
	int i;

	d = diag_new(NULL);
	is_int(diag_worst(d), 0, "no findings: worst 0");
	for (i = 0; i < 1000; i++) {
		x_init(&x, XK_TGS, XR_ERROR, 7, "HTTP/web.corp.example");
		snprintf(x.sname, sizeof(x.sname), "HTTP/web%d.corp.example",
		    i);
		x.req_frame = (uint64_t)(1000 - i);
		x.rep_frame = 0;
		diag_exchange(d, &x);
	}
	walk(d, &g);
	ok(diag_stats(d)->findings == 256 && diag_stats(d)->dropped == 744 &&
	    diag_stats(d)->occurrences == 1000,
	    "1000 distinct SPN-UNKNOWN: 256 kept, 744 counted as dropped");
	ok(g.n == MAX_GOT && g.f[0].first_frame < g.f[1].first_frame,
	    "same severity: in frame order");
	diag_free(d);
}

/* NTLM after an unknown SPN; a SQL SPN for another port. */
static void
test_sessions(void)
{
	struct exchange x;
	struct session s;
	struct diag *d;
	struct got g;
	const struct finding *f;

	d = diag_new(NULL);
	x_init(&x, XK_TGS, XR_ERROR, 7, "cifs/fs.corp.example");
	diag_exchange(d, &x);
	memset(&s, 0, sizeof(s));
	s.family = AF_INET;
	inet_pton(AF_INET, CLI, s.host);
	snprintf(s.principal, sizeof(s.principal), "alice@CORP.EXAMPLE");
	s.n_services = 2;
	inet_pton(AF_INET, SRV, s.services[0].server);
	s.services[0].port = 445;
	s.services[0].carrier = "smb2";
	s.services[0].ntlm_fallback = 1;
	s.services[0].ntlm_frame = 30;
	s.services[0].ntlm_rep_frame = 31;
	snprintf(s.services[0].ntlm_spn, sizeof(s.services[0].ntlm_spn),
	    "cifs/fs.corp.example");
	inet_pton(AF_INET, SRV, s.services[1].server);
	s.services[1].port = 1533;
	s.services[1].carrier = "tds";
	s.services[1].n_ap = 1;
	s.services[1].ap_result = XR_ERROR;
	s.services[1].ap_req_frame = 40;
	snprintf(s.services[1].spn, sizeof(s.services[1].spn),
	    "MSSQLSvc/sql.corp.example:1433");
	diag_session(d, &s);
	walk(d, &g);
	f = rule_of(&g, "SPN-UNKNOWN");
	ok(f != NULL && strstr(f->summary, "then logged in to 10.0.0.7:445 "
	    "with NTLM (#30)") != NULL && rule_of(&g, "NTLM-FALLBACK") != NULL,
	    "SPN-UNKNOWN names the NTLM fallback that followed");
	f = rule_of(&g, "SPN-MALFORMED");
	ok(f != NULL && f->port == 1533 && strstr(f->summary, "names port "
	    "1433, the connection went to 1533") != NULL && strstr(f->advice,
	    "MSSQLSvc/sql.corp.example:1533") != NULL,
	    "SPN-MALFORMED: the SQL SPN's port is not the one connected to");
	diag_free(d);
}

int
main(void)
{
	test_table();
	test_kdc_errors();
	test_ap();
	test_reachability();
	test_roast();
	test_skew();
	test_anonymous();
	test_fold_and_cap();
	test_sessions();
	return done_testing();
}
