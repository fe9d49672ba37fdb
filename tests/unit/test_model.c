/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_model.c - the exchange and ticket model (src/model.c): records
 * built by hand, the lab captures and the shared real traces run through
 * the engine into the model, and a flood of unanswered requests.
 * The hosts map (names and principals per address) and the SPNs parsed
 * into exchanges: on spn-names, http-negotiate and samba-spn-missing.
 * With file arguments: prints each capture's exchanges and ticket counts.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "model.h"
#include "record.h"
#include "tap.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#define KS_SANITIZED	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KS_SANITIZED	1
#endif
#endif
#ifndef KS_SANITIZED
#define KS_SANITIZED	0
#endif

struct xs {
	struct exchange	*v;
	struct spn_parts *sp;		/* copies of v[i].spn */
	size_t		 n, cap;
	size_t		 sink_calls;
};

#define MAX_IDS	4096
#define MAX_SESS	64
#define MAX_CHAINS	32
#define MAX_HOSTS	64

struct run {
	struct model	*md;
	struct xs	 xs;
	struct session	 sess[MAX_SESS];
	size_t		 n_sess;
	struct chain	 chains[MAX_CHAINS];
	size_t		 n_chains;
	struct model_stats st;
	/* ground truth for linking: ids issued so far in the capture */
	uint8_t		 issued[MAX_IDS][KRB_ID_LEN];
	size_t		 n_issued;
	unsigned long	 presented, linkable, ap_presented, ap_linkable;
	/* the hosts map at the end (model_hosts_walk) */
	struct host_info *hosts;
	size_t		 n_hosts;
};

static void	collect(void *, const struct exchange *);
static const struct spn_parts *x_spn(const struct xs *,
		    const struct exchange *);
static void	sess_collect(void *, const struct session *);
static void	chain_collect(void *, const struct chain *);
static void	ntlm_sink(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	dump_sessions(const struct run *);
static void	dns_sink(void *, const struct msg_ctx *,
		    const struct dns_rec *);
static void	host_collect(void *, const struct host_info *);
static void	dump_hosts(const struct run *);
static const struct host_info *find_host(const struct run *,
		    const char *);
static const struct host_name *find_name(const struct host_info *,
		    const char *, int);
static int	has_principal(const struct host_info *, const char *);
static void	test_hosts(void);
static void	test_hosts_synth(void);
static const struct session *find_sess(const struct run *, const char *,
		    const char *);
static const struct sess_service *find_svc(const struct session *,
		    const char *, int);
static const struct chain *find_chain(const struct run *, const char *,
		    int);
static int	addr_is(const uint8_t *, const char *);
static void	test_sessions(void);
static void	test_sess_flood(void);
static void	synth_sessions(void);
static void	synth_idle(void);
static void	run_start(struct run *, const struct model_limits *);
static void	kdc(struct model *, uint64_t, long, const char *, int,
		    const char *, const char *, int);
static void	synth_waiting(void);
static void	cli_web_sql(struct model *);
static void	bob_ticket(struct model *);
static void	kdc_msg(uint64_t, long, const char *, int, const char *,
		    const char *, int);
static void	synth_as_service(void);
static void	synth_s4u_probe(void);
static const char *auth_name(int);
static void	sflood_sess(void *, const struct session *);
static void	sflood_chain(void *, const struct chain *);
static void	test_sess_random(void);
static int	was_issued(const struct run *, const uint8_t *);
static void	krb_sink(void *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	auth_sink(void *, const struct msg_ctx *,
		    const struct auth_rec *);
static int	run_capture(const char *, struct run *);
static void	run_free(struct run *);
static const char *kind_name(int);
static const char *result_name(int);
static void	dump(const char *, const struct run *);
static const struct exchange *find_x(const struct xs *, int, const char *,
		    int, int);
static char	*capture_path(char *, size_t, const char *);
static void	test_captures(void);
static void	test_real(void);
static void	test_synthetic(void);
static void	test_flood(void);
static void	test_expiry(void);
static void	ctx_set(uint64_t, long, const char *, uint16_t, const char *,
		    uint16_t, int, const char *);
static void	msg_set(int);
static void	ticket_set(struct krb_ticket *, int, const char *,
		    const char *);
static void	as_req(uint64_t, long, uint16_t, uint32_t, const char *);
static void	ap_req(uint64_t, long, uint16_t, uint16_t, const char *, int,
		    int);
static void	auth_set(struct auth_rec *, const char *, int, const char *,
		    int64_t, const char *);
static void	synth_kdc(void);
static void	synth_ap(void);
static void	linked_dir(const char *, const char *);
static void	flood_sink(void *, const struct exchange *);

static void
collect(void *arg, const struct exchange *x)
{
	struct xs *xs = arg;

	xs->sink_calls++;
	if (xs->n == xs->cap) {
		xs->cap = xs->cap == 0 ? 64 : xs->cap * 2;
		xs->v = xrealloc(xs->v, xs->cap * sizeof(*xs->v));
		xs->sp = xrealloc(xs->sp, xs->cap * sizeof(*xs->sp));
	}
	/* exchange.spn is borrowed: keep a copy, mark it by the pointer */
	if (x->spn != NULL)
		xs->sp[xs->n] = *x->spn;
	xs->v[xs->n] = *x;
	xs->v[xs->n].spn = x->spn != NULL ? &xs->sp[xs->n] : NULL;
	xs->n++;
}

/* The copy of an exchange's parsed SPN, or NULL. */
static const struct spn_parts *
x_spn(const struct xs *xs, const struct exchange *x)
{
	if (x == NULL || x->spn == NULL)
		return NULL;
	return &xs->sp[x - xs->v];
}

static void
sess_collect(void *arg, const struct session *s)
{
	struct run *r = arg;

	if (r->n_sess < MAX_SESS)
		r->sess[r->n_sess++] = *s;
}

static void
chain_collect(void *arg, const struct chain *c)
{
	struct run *r = arg;

	if (r->n_chains < MAX_CHAINS)
		r->chains[r->n_chains++] = *c;
}

static void
ntlm_sink(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct run *r = arg;

	if (getenv("MODEL_TRACE") != NULL)
		printf("# trace frame %llu ntlm %d carrier %s\n",
		    (unsigned long long)mc->frame, m->msg_type, mc->carrier);
	model_tick(r->md, &mc->ts);
	model_ntlm(r->md, mc, m);
}

static void
dns_sink(void *arg, const struct msg_ctx *mc, const struct dns_rec *d)
{
	struct run *r = arg;

	model_tick(r->md, &mc->ts);
	model_dns(r->md, mc, d);
}

static void
host_collect(void *arg, const struct host_info *hi)
{
	struct run *r = arg;

	if (r->n_hosts < MAX_HOSTS)
		r->hosts[r->n_hosts++] = *hi;
}

static int
was_issued(const struct run *r, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < r->n_issued; i++)
		if (memcmp(r->issued[i], id, KRB_ID_LEN) == 0)
			return 1;
	return 0;
}

static void
krb_sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct run *r = arg;

	if (getenv("MODEL_TRACE") != NULL)
		printf("# trace frame %llu krb %d carrier %s\n",
		    (unsigned long long)mc->frame, m->msg_type, mc->carrier);
	if ((m->msg_type == KRB_TGS_REQ || m->msg_type == KRB_AP_REQ) &&
	    m->ticket.present) {
		r->presented++;
		if (m->msg_type == KRB_AP_REQ)
			r->ap_presented++;
		if (was_issued(r, m->ticket.id)) {
			r->linkable++;
			if (m->msg_type == KRB_AP_REQ)
				r->ap_linkable++;
		}
	}
	if ((m->msg_type == KRB_AS_REP || m->msg_type == KRB_TGS_REP) &&
	    m->ticket.present && !was_issued(r, m->ticket.id) &&
	    r->n_issued < MAX_IDS)
		memcpy(r->issued[r->n_issued++], m->ticket.id, KRB_ID_LEN);
	model_tick(r->md, &mc->ts);
	model_krb(r->md, mc, m);
}

static void
auth_sink(void *arg, const struct msg_ctx *mc, const struct auth_rec *a)
{
	struct run *r = arg;

	if (getenv("MODEL_TRACE") != NULL)
		printf("# trace frame %llu auth %s %d carrier %s\n",
		    (unsigned long long)mc->frame, a->event, a->outcome,
		    mc->carrier);
	model_tick(r->md, &mc->ts);
	model_auth(r->md, mc, a);
}

/* Runs a capture through engine and model; 0 when it was read. */
static int
run_capture(const char *file, struct run *r)
{
	struct capture_opts co;
	struct engine_ops ops;
	struct engine eng;
	struct capture *cap;
	char err[256];
	int rc;

	run_start(r, NULL);
	model_set_spn_all(r->md, 1);
	memset(&co, 0, sizeof(co));
	co.file = file;
	if (capture_open(&co, &cap, err, sizeof(err)) != 0) {
		printf("# %s\n", err);
		model_free(r->md);
		r->md = NULL;
		return -1;
	}
	memset(&ops, 0, sizeof(ops));
	ops.krb = krb_sink;
	ops.auth = auth_sink;
	ops.ntlm = ntlm_sink;
	ops.dns = dns_sink;
	ops.arg = r;
	engine_init(&eng, &ops);
	rc = capture_run(cap, &eng, 0, err, sizeof(err));
	if (rc != 0)
		printf("# %s\n", err);
	engine_fini(&eng);
	capture_close(cap);
	model_finish(r->md);
	r->st = *model_stats(r->md);
	r->hosts = xcalloc(MAX_HOSTS, sizeof(*r->hosts));
	model_hosts_walk(r->md, host_collect, r);
	model_free(r->md);
	r->md = NULL;
	return rc;
}

/* r emptied, with a model (lim NULL: the defaults) whose exchanges,
 * sessions and chains it collects. */
static void
run_start(struct run *r, const struct model_limits *lim)
{
	memset(r, 0, sizeof(*r));
	r->md = model_new(lim, collect, &r->xs);
	model_set_session_sink(r->md, sess_collect, chain_collect, r);
}

static void
run_free(struct run *r)
{
	free(r->xs.v);
	free(r->xs.sp);
	free(r->hosts);
	memset(r, 0, sizeof(*r));
}

static const char *
kind_name(int k)
{
	return k == XK_AS ? "AS" : k == XK_TGS ? "TGS" : k == XK_AP ? "AP" :
	    "?";
}

static const char *
result_name(int r)
{
	return r == XR_OK ? "ok" : r == XR_ERROR ? "error" :
	    r == XR_NO_ANSWER ? "no_answer" : r == XR_UNKNOWN ? "unknown" :
	    "?";
}

static void
dump(const char *file, const struct run *r)
{
	const struct exchange *x;
	char c[64], s[64];
	size_t i;
	int j;

	printf("# %s: %zu exchanges, presented %llu linked %llu "
	    "(linkable %lu; AP-REQ %lu linkable %lu), "
	    "tickets %llu, orphans %llu, retrans %llu\n", file, r->xs.n,
	    (unsigned long long)r->st.presented,
	    (unsigned long long)r->st.presented_linked, r->linkable,
	    r->ap_presented, r->ap_linkable,
	    (unsigned long long)r->st.tickets_known,
	    (unsigned long long)r->st.orphan_replies,
	    (unsigned long long)r->st.retransmissions);
	for (i = 0; i < r->xs.n; i++) {
		x = &r->xs.v[i];
		fmt_addr(c, sizeof(c), x->family, x->client);
		fmt_addr(s, sizeof(s), x->family, x->server);
		printf("#  %-3s %-9s err=%d cr=\"%s\" %s:%u>%s:%u %s "
		    "c=%s@%s s=%s@%s pres=%d/%llu add=%d/%llu fu=%s "
		    "rt=%d frames", kind_name(x->kind),
		    result_name(x->result), x->has_error_code ?
		    x->error_code : -1, x->carrier_result, c, x->cport, s,
		    x->sport, x->carrier != NULL ? x->carrier : "-",
		    x->cname, x->crealm, x->sname, x->realm,
		    x->has_presented, (unsigned long long)x->presented_frame,
		    x->has_additional,
		    (unsigned long long)x->additional_frame, x->for_user,
		    x->retransmissions);
		for (j = 0; j < x->n_frames; j++)
			printf(" %llu", (unsigned long long)x->frames[j]);
		printf("\n");
	}
}

/* The n-th (0-based) exchange of a kind whose sname starts with sname
 * (NULL: any) and whose server port is sport (0: any). */
static const struct exchange *
find_x(const struct xs *xs, int kind, const char *sname, int sport, int n)
{
	size_t i;

	for (i = 0; i < xs->n; i++) {
		if (xs->v[i].kind != kind)
			continue;
		if (sname != NULL && strncmp(xs->v[i].sname, sname,
		    strlen(sname)) != 0)
			continue;
		if (sport != 0 && xs->v[i].sport != sport)
			continue;
		if (n-- == 0)
			return &xs->v[i];
	}
	return NULL;
}

static char *
capture_path(char *buf, size_t sz, const char *name)
{
	const char *top;

	top = getenv("top_srcdir");
	snprintf(buf, sz, "%s/captures/%s", top != NULL ? top : "/work/main",
	    name);
	return buf;
}

int
main(int argc, char **argv)
{
	static struct run r;
	int i;

	if (argc > 1) {
		for (i = 1; i < argc; i++) {
			if (run_capture(argv[i], &r) == 0) {
				dump(argv[i], &r);
				dump_sessions(&r);
				dump_hosts(&r);
			}
			run_free(&r);
		}
		return 0;
	}
	test_synthetic();
	test_expiry();
	test_captures();
	test_sessions();
	test_hosts();
	test_hosts_synth();
	test_real();
	test_flood();
	test_sess_flood();
	test_sess_random();
	return done_testing();
}

/* ---- hand-built records -------------------------------------------- */

static struct krb_msg km;
static struct msg_ctx mctx;

/* A message from src:sport to dst:dport at frame f, second sec. */
static void
ctx_set(uint64_t f, long sec, const char *src, uint16_t sport,
    const char *dst, uint16_t dport, int transport, const char *carrier)
{
	memset(&mctx, 0, sizeof(mctx));
	mctx.frame = f;
	mctx.ts.tv_sec = 1700000000 + sec;
	mctx.family = AF_INET;
	inet_pton(AF_INET, src, mctx.src);
	inet_pton(AF_INET, dst, mctx.dst);
	mctx.sport = sport;
	mctx.dport = dport;
	mctx.transport = transport;
	mctx.carrier = carrier;
}

static void
msg_set(int type)
{
	memset(&km, 0, sizeof(km));
	km.msg_type = type;
	km.pvno = 5;
}

static void
ticket_set(struct krb_ticket *t, int idbyte, const char *sname,
    const char *realm)
{
	memset(t, 0, sizeof(*t));
	t->present = 1;
	memset(t->id, idbyte, KRB_ID_LEN);
	snprintf(t->sname, sizeof(t->sname), "%s", sname);
	snprintf(t->realm, sizeof(t->realm), "%s", realm);
}

#define CLI	"10.0.0.5"
#define KDC	"10.0.0.1"
#define WEB	"10.0.0.7"
#define UDP	TRANSPORT_UDP
#define TCP	TRANSPORT_TCP

static void
as_req(uint64_t f, long sec, uint16_t cport, uint32_t nonce,
    const char *cname)
{
	ctx_set(f, sec, CLI, cport, KDC, 88, UDP, "kerberos");
	msg_set(KRB_AS_REQ);
	km.has_cname = km.has_sname = 1;
	snprintf(km.cname, sizeof(km.cname), "%s", cname);
	snprintf(km.sname, sizeof(km.sname), "krbtgt/CORP");
	snprintf(km.realm, sizeof(km.realm), "CORP");
	km.has_nonce = 1;
	km.nonce = nonce;
}

static void
synth_kdc(void)
{
	struct model_limits lim;
	struct model *md;
	struct xs xs;
	const struct exchange *x;

	memset(&xs, 0, sizeof(xs));
	model_limits_default(&lim);
	md = model_new(&lim, collect, &xs);

	/* AS-REQ, its retransmission, PREAUTH_REQUIRED */
	as_req(1, 0, 40000, 111, "alice");
	model_krb(md, &mctx, &km);
	as_req(2, 1, 40000, 111, "alice");
	model_krb(md, &mctx, &km);
	ctx_set(3, 1, KDC, 88, CLI, 40000, UDP, "kerberos");
	msg_set(KRB_ERROR);
	km.has_error = 1;
	km.error_code = 25;
	km.has_sname = 1;
	snprintf(km.sname, sizeof(km.sname), "krbtgt/CORP");
	model_krb(md, &mctx, &km);
	is_int(xs.n, 1, "AS-REQ + retransmission + error: one exchange");
	x = &xs.v[0];
	is_int(x->kind, XK_AS, "kind AS");
	is_int(x->result, XR_ERROR, "result error");
	is_int(x->has_error_code && x->error_code == 25, 1, "error 25");
	is_int(x->retransmissions, 1, "one retransmission");
	is_int(x->n_frames, 3, "three frames");
	is_int(x->frames[0] * 100 + x->frames[1] * 10 + x->frames[2], 123,
	    "frames 1 2 3");
	is_int(x->req_frame, 1, "req_frame 1");
	is_int(x->rep_frame, 3, "rep_frame 3");
	is_str(x->cname, "alice", "AS cname from the request");
	is_str(x->crealm, "CORP", "AS crealm from the request realm");
	is_str(x->carrier, "kerberos", "carrier");
	is_int(x->cport, 40000, "client port");
	is_int(x->sport, 88, "server port");

	/* AS-REQ with preauth, AS-REP issuing TGT 0xA1 */
	as_req(4, 2, 40001, 222, "alice");
	model_krb(md, &mctx, &km);
	ctx_set(5, 2, KDC, 88, CLI, 40001, UDP, "kerberos");
	msg_set(KRB_AS_REP);
	km.has_cname = 1;
	snprintf(km.cname, sizeof(km.cname), "alice");
	snprintf(km.crealm, sizeof(km.crealm), "CORP.EXAMPLE");
	ticket_set(&km.ticket, 0xa1, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	is_int(xs.n, 2, "AS-REP closes the second exchange");
	x = &xs.v[1];
	is_int(x->result, XR_OK, "AS ok");
	is_str(x->crealm, "CORP.EXAMPLE", "AS crealm from the reply");
	ok(x->has_issued && x->issued[0] == 0xa1, "AS issued the TGT");

	/* two TGS-REQs on one UDP 4-tuple presenting the TGT */
	ctx_set(6, 3, CLI, 40002, KDC, 88, UDP, "kerberos");
	msg_set(KRB_TGS_REQ);
	km.has_sname = 1;
	snprintf(km.sname, sizeof(km.sname), "HTTP/web.corp");
	snprintf(km.realm, sizeof(km.realm), "CORP");
	km.has_nonce = 1;
	km.nonce = 333;
	ticket_set(&km.ticket, 0xa1, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	ctx_set(7, 3, CLI, 40002, KDC, 88, UDP, "kerberos");
	km.nonce = 334;
	snprintf(km.sname, sizeof(km.sname), "cifs/fs.corp");
	model_krb(md, &mctx, &km);
	is_int(model_stats(md)->retransmissions, 1,
	    "another nonce is not a retransmission");
	/* an error naming the second service closes the second request */
	ctx_set(8, 3, KDC, 88, CLI, 40002, UDP, "kerberos");
	msg_set(KRB_ERROR);
	km.has_error = 1;
	km.error_code = 7;
	km.has_sname = 1;
	snprintf(km.sname, sizeof(km.sname), "cifs/fs.corp");
	model_krb(md, &mctx, &km);
	is_int(xs.n, 3, "the error closes one TGS exchange");
	x = &xs.v[2];
	is_str(x->sname, "cifs/fs.corp", "error matched by sname");
	is_int(x->error_code, 7, "S_PRINCIPAL_UNKNOWN");
	is_str(x->cname, "alice", "TGS cname from the TGT");
	is_int(x->presented_frame, 5, "TGT issued in frame 5");
	/* the TGS-REP goes to the remaining request */
	ctx_set(9, 3, KDC, 88, CLI, 40002, UDP, "kerberos");
	msg_set(KRB_TGS_REP);
	km.has_cname = 1;
	snprintf(km.cname, sizeof(km.cname), "alice");
	snprintf(km.crealm, sizeof(km.crealm), "CORP");
	ticket_set(&km.ticket, 0xb2, "HTTP/web.corp", "CORP");
	model_krb(md, &mctx, &km);
	is_int(xs.n, 4, "TGS-REP closes the first TGS exchange");
	x = &xs.v[3];
	is_str(x->sname, "HTTP/web.corp", "TGS sname from the request");
	is_int(x->rep_frame, 9, "TGS rep_frame");
	ok(x->has_presented && x->presented[0] == 0xa1, "TGS presented TGT");

	/* S4U2Proxy: additional ticket 0xb2 */
	ctx_set(10, 4, WEB, 41000, KDC, 88, TCP, "kerberos");
	msg_set(KRB_TGS_REQ);
	km.has_sname = 1;
	snprintf(km.sname, sizeof(km.sname), "MSSQLSvc/sql.corp:1433");
	km.has_nonce = 1;
	km.nonce = 9;
	km.has_kdc_options = 1;
	km.kdc_options = 0x40020000;
	km.n_add_tickets = km.n_additional_tickets = 1;
	ticket_set(&km.add_tickets[0], 0xb2, "HTTP/web.corp", "CORP");
	ticket_set(&km.ticket, 0xee, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	ctx_set(11, 4, KDC, 88, WEB, 41000, TCP, "kerberos");
	msg_set(KRB_ERROR);
	km.has_error = 1;
	km.error_code = 13;
	model_krb(md, &mctx, &km);
	x = &xs.v[xs.n - 1];
	ok(x->has_additional && x->additional[0] == 0xb2,
	    "S4U2Proxy additional ticket");
	is_int(x->additional_frame, 9, "additional ticket issued in 9");
	is_int(x->presented_frame, 0, "unknown TGT: no frame");
	is_str(x->cname, "", "unknown TGT: no cname");
	is_int(x->kdc_options, 0x40020000, "kdc_options kept");
	is_int(x->error_code, 13, "BADOPTION");

	/* a reply nobody asked for */
	ctx_set(12, 5, KDC, 88, CLI, 49999, UDP, "kerberos");
	msg_set(KRB_AS_REP);
	model_krb(md, &mctx, &km);
	is_int(model_stats(md)->orphan_replies, 1, "orphan reply counted");
	is_int(model_stats(md)->presented, 3, "three tickets presented");
	is_int(model_stats(md)->presented_linked, 2, "two linked");
	is_int(model_stats(md)->tickets_known, 2, "two tickets known");
	model_free(md);
	is_int(xs.sink_calls, 5, "five exchanges in all");
	free(xs.v);
	free(xs.sp);
}

static void
ap_req(uint64_t f, long sec, uint16_t cport, uint16_t sport,
    const char *carrier, int idbyte, int bytes)
{
	static uint8_t raw[4];

	ctx_set(f, sec, CLI, cport, WEB, sport, TCP, carrier);
	msg_set(KRB_AP_REQ);
	ticket_set(&km.ticket, idbyte, "HTTP/web.corp", "CORP");
	memset(raw, bytes, sizeof(raw));
	km.raw = raw;
	km.raw_len = sizeof(raw);
}

static void
auth_set(struct auth_rec *a, const char *event, int outcome,
    const char *key, int64_t ival, const char *sval)
{
	memset(a, 0, sizeof(*a));
	a->event = event;
	a->outcome = outcome;
	if (key != NULL) {
		a->n_fields = 1;
		a->f[0].key = key;
		a->f[0].kind = sval != NULL ? AUTH_F_STR : AUTH_F_INT;
		a->f[0].ival = ival;
		if (sval != NULL)
			snprintf(a->f[0].sval, sizeof(a->f[0].sval), "%s",
			    sval);
	}
}

static void
synth_ap(void)
{
	struct model *md;
	struct xs xs;
	struct auth_rec a;
	const struct exchange *x;

	memset(&xs, 0, sizeof(xs));
	md = model_new(NULL, collect, &xs);
	bob_ticket(md);

	/* AP-REQ, its resend, AP-REP, then the verdict: one exchange */
	ap_req(2, 1, 50000, 80, "http", 0xc3, 1);
	model_krb(md, &mctx, &km);
	ap_req(3, 1, 50000, 80, "http", 0xc3, 1);
	model_krb(md, &mctx, &km);
	ctx_set(4, 1, WEB, 80, CLI, 50000, TCP, "http");
	msg_set(KRB_AP_REP);
	model_krb(md, &mctx, &km);
	is_int(xs.n, 0, "AP-REP: waiting for the verdict");
	auth_set(&a, "response", AUTH_OK, "status", 200, NULL);
	model_auth(md, &mctx, &a);
	is_int(xs.n, 1, "AP-REP + verdict OK: one exchange");
	x = &xs.v[0];
	is_int(x->kind, XK_AP, "kind AP");
	is_int(x->result, XR_OK, "AP ok");
	is_str(x->carrier_result, "response 200", "carrier_result");
	is_str(x->cname, "bob", "AP cname from the known ticket");
	is_str(x->sname, "HTTP/web.corp", "AP sname from the ticket");
	is_int(x->retransmissions, 1, "same bytes again: retransmission");
	is_int(x->n_frames, 3, "frames 2 3 4 (no duplicate)");
	is_int(x->presented_frame, 1, "ticket issued in frame 1");

	/* verdict before the token of the same frame (DCE/RPC) */
	ap_req(5, 2, 50001, 135, "dcerpc", 0xc3, 2);
	model_krb(md, &mctx, &km);
	ctx_set(6, 2, WEB, 135, CLI, 50001, TCP, "dcerpc");
	auth_set(&a, "bind_result", AUTH_OK, "result", 0, "acceptance");
	model_auth(md, &mctx, &a);
	msg_set(KRB_AP_REP);
	model_krb(md, &mctx, &km);
	is_int(xs.n, 1, "verdict first: held");
	ctx_set(7, 2, CLI, 50001, WEB, 135, TCP, "dcerpc");
	auth_set(&a, "request", AUTH_NONE, NULL, 0, NULL);
	model_auth(md, &mctx, &a);
	is_int(xs.n, 2, "next frame releases it");
	x = &xs.v[1];
	is_str(x->carrier_result, "bind_result acceptance",
	    "string verdict field");
	is_int(x->n_frames, 2, "AP-REP of the same frame joined");
	is_int(x->rep_frame, 6, "rep_frame 6");

	/* KRB-ERROR then the carrier's refusal */
	ap_req(8, 3, 50002, 1433, "tds", 0xc3, 3);
	model_krb(md, &mctx, &km);
	ctx_set(9, 3, WEB, 1433, CLI, 50002, TCP, "tds");
	msg_set(KRB_ERROR);
	km.has_error = 1;
	km.error_code = 31;
	model_krb(md, &mctx, &km);
	auth_set(&a, "result", AUTH_FAIL, "number", 18452, NULL);
	model_auth(md, &mctx, &a);
	is_int(xs.n, 3, "KRB-ERROR + refusal: one exchange");
	x = &xs.v[2];
	is_int(x->result, XR_ERROR, "AP error");
	is_int(x->error_code, 31, "KRB_AP_ERR_MODIFIED");
	is_str(x->carrier_result, "result 18452", "TDS login failed");

	/* a new AP-REQ on a connection ends the unanswered one */
	ap_req(10, 4, 50003, 445, "smb2", 0x77, 4);
	model_krb(md, &mctx, &km);
	ap_req(11, 5, 50003, 445, "smb2", 0x77, 5);
	model_krb(md, &mctx, &km);
	is_int(xs.n, 4, "second AP-REQ ends the first");
	is_int(xs.v[3].result, XR_UNKNOWN, "first: unknown");
	is_int(xs.v[3].has_presented && xs.v[3].presented_frame == 0, 1,
	    "ticket not issued in the capture");
	ctx_set(12, 5, WEB, 445, CLI, 50003, TCP, "smb2");
	auth_set(&a, "session_setup", AUTH_FAIL, "status", 0,
	    "STATUS_LOGON_FAILURE");
	model_auth(md, &mctx, &a);
	ctx_set(13, 5, CLI, 50003, WEB, 445, TCP, "smb2");
	model_auth(md, &mctx, &a);	/* next frame: releases */
	is_int(xs.n, 5, "refusal without token");
	is_int(xs.v[4].result, XR_ERROR, "carrier refused");
	is_str(xs.v[4].carrier_result, "session_setup STATUS_LOGON_FAILURE",
	    "SMB status");
	is_int(xs.v[4].has_error_code, 0, "no KRB-ERROR code");

	/* AP-REQ answered by nothing: unknown at the end */
	ap_req(14, 6, 50004, 389, "ldap", 0xc3, 6);
	model_krb(md, &mctx, &km);
	model_free(md);
	is_int(xs.n, 6, "pending AP ends at model_free");
	is_int(xs.v[5].result, XR_UNKNOWN, "AP at the end: unknown");
	free(xs.v);
	free(xs.sp);
}

static void
test_synthetic(void)
{
	synth_kdc();
	synth_ap();
}

static void
test_expiry(void)
{
	struct model_limits lim;
	struct model *md;
	struct xs xs;
	struct timeval tv;

	memset(&xs, 0, sizeof(xs));
	model_limits_default(&lim);
	lim.max_tickets = 2;
	lim.ticket_secs = 100;
	md = model_new(&lim, collect, &xs);
	as_req(1, 0, 40000, 1, "alice");
	model_krb(md, &mctx, &km);
	ap_req(2, 0, 50000, 80, "http", 0x11, 1);
	model_krb(md, &mctx, &km);
	as_req(3, 20, 40001, 2, "bob");
	model_krb(md, &mctx, &km);
	tv.tv_sec = 1700000000 + 31;
	tv.tv_usec = 0;
	model_tick(md, &tv);
	is_int(xs.n, 2, "tick: two requests expired");
	is_int(xs.v[0].result, XR_NO_ANSWER, "AS no answer");
	is_int(xs.v[1].result, XR_NO_ANSWER, "AP no answer");
	is_int(model_stats(md)->no_answer, 2, "no_answer counted");

	/* tickets: cap 2, least recently used evicted */
	ctx_set(4, 40, KDC, 88, CLI, 40001, UDP, "kerberos");
	msg_set(KRB_AS_REP);
	km.has_cname = 1;
	snprintf(km.cname, sizeof(km.cname), "bob");
	ticket_set(&km.ticket, 0x21, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	is_int(xs.v[xs.n - 1].result, XR_OK, "late AS-REP still matched");
	ctx_set(5, 41, KDC, 88, CLI, 40009, UDP, "kerberos");
	ticket_set(&km.ticket, 0x22, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	ap_req(6, 42, 50010, 80, "http", 0x21, 7);	/* uses 0x21 */
	model_krb(md, &mctx, &km);
	ctx_set(7, 43, KDC, 88, CLI, 40010, UDP, "kerberos");
	msg_set(KRB_AS_REP);
	ticket_set(&km.ticket, 0x23, "krbtgt/CORP", "CORP");
	model_krb(md, &mctx, &km);
	is_int(model_stats(md)->tickets_evicted, 1, "ticket cap: evicted");
	ap_req(8, 44, 50011, 80, "http", 0x22, 8);
	model_krb(md, &mctx, &km);
	ap_req(9, 45, 50012, 80, "http", 0x21, 9);
	model_krb(md, &mctx, &km);
	is_int(model_stats(md)->presented - model_stats(md)->presented_linked,
	    2, "0x11 never issued, 0x22 evicted (LRU)");
	tv.tv_sec = 1700000000 + 200;
	model_tick(md, &tv);
	ap_req(10, 200, 50013, 80, "http", 0x21, 10);
	model_krb(md, &mctx, &km);
	is_int(model_stats(md)->presented - model_stats(md)->presented_linked,
	    3, "ticket forgotten after ticket_secs");
	/* KDC request older than answer_secs at the end: no answer */
	as_req(11, 200, 40020, 3, "carol");
	model_krb(md, &mctx, &km);
	as_req(12, 240, 40021, 4, "dave");
	model_krb(md, &mctx, &km);
	model_free(md);
	is_int(xs.v[xs.n - 2].result, XR_NO_ANSWER, "old AS at end: no answer");
	is_int(xs.v[xs.n - 1].result, XR_UNKNOWN, "recent AS at end: unknown");
	free(xs.v);
	free(xs.sp);
}

/* ---- captures ------------------------------------------------------- */

static void
test_captures(void)
{
	static struct run r;
	const struct exchange *x;
	char path[1024];

	if (run_capture(capture_path(path, sizeof(path),
	    "http-negotiate.pcap"), &r) != 0) {
		ok(0, "http-negotiate.pcap read");
		return;
	}
	x = find_x(&r.xs, XK_AS, "krbtgt/", 0, 0);
	ok(x != NULL && x->result == XR_ERROR && x->error_code == 25,
	    "http-negotiate: AS PREAUTH_REQUIRED first");
	x = find_x(&r.xs, XK_AS, "krbtgt/", 0, 1);
	ok(x != NULL && x->result == XR_OK && x->has_issued,
	    "http-negotiate: then AS ok, TGT issued");
	ok(x != NULL && strcmp(x->cname, "alice") == 0 &&
	    strcmp(x->crealm, "LAB.EXAMPLE") == 0, "AS for alice@LAB.EXAMPLE");
	x = find_x(&r.xs, XK_TGS, "HTTP/web.lab.example", 0, 0);
	ok(x != NULL && x->result == XR_OK, "TGS HTTP/web.lab.example ok");
	ok(x != NULL && strcmp(x->cname, "alice") == 0 &&
	    x->presented_frame == 26, "TGS cname alice via TGT of frame 26");
	ok(x != NULL && x->req_frame == 52 && x->rep_frame == 53,
	    "TGS frames 52-53");
	x = find_x(&r.xs, XK_AP, NULL, 80, 0);
	ok(x != NULL && x->result == XR_OK && x->rep_frame == 59 &&
	    strcmp(x->carrier_result, "response 200") == 0,
	    "AP on port 80: AP-REP, 200");
	ok(x != NULL && strcmp(x->carrier, "http") == 0 &&
	    x->presented_frame == 53 && strcmp(x->cname, "alice") == 0,
	    "AP on 80: ticket of frame 53, alice");
	x = find_x(&r.xs, XK_AP, NULL, 8080, 0);
	ok(x != NULL && x->result == XR_ERROR && x->error_code == 31 &&
	    strcmp(x->carrier_result, "response 401") == 0,
	    "AP on 8080: KRB_AP_ERR_MODIFIED, 401");
	is_int(r.st.presented, 3, "http-negotiate: 3 presented");
	is_int(r.st.presented_linked, r.st.presented,
	    "http-negotiate: all linked");
	is_int(r.xs.n, 5, "http-negotiate: 5 exchanges");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "tds-wrong-account.pcap"), &r) == 0) {
		x = find_x(&r.xs, XK_AP, "MSSQLSvc/", 1433, 0);
		ok(x != NULL && x->result == XR_ERROR && x->error_code == 31 &&
		    strcmp(x->carrier_result, "result 18452") == 0,
		    "tds-wrong-account: AP error 31, login 18452");
		ok(x != NULL && strcmp(x->carrier, "tds") == 0 &&
		    x->presented_frame != 0, "tds: ticket linked");
	} else
		ok(0, "tds-wrong-account.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "samba-s4u.pcap"), &r) == 0) {
		x = find_x(&r.xs, XK_TGS, "svc1", 0, 0);
		ok(x != NULL && x->result == XR_OK &&
		    strcmp(x->for_user, "alice@LAB.EXAMPLE") == 0,
		    "samba-s4u: S4U2Self for alice");
		is_int(x != NULL ? x->delegation : -1, XD_S4U2SELF,
		    "samba-s4u: S4U2Self marked s4u2self");
		x = find_x(&r.xs, XK_TGS, "cifs/dc.lab.example", 0, 0);
		ok(x != NULL && x->has_additional && x->result == XR_OK &&
		    x->additional_frame == 44,
		    "S4U2Proxy cifs ok, evidence ticket of frame 44");
		ok(x != NULL && x->delegation == XD_CONSTRAINED &&
		    strcmp(x->for_user, "alice@LAB.EXAMPLE") == 0,
		    "S4U2Proxy: constrained, on behalf of alice");
		x = find_x(&r.xs, XK_TGS, "host/dc.lab.example", 0, 0);
		ok(x != NULL && x->has_additional && x->result == XR_ERROR &&
		    x->error_code == 13 && x->additional_frame == 106,
		    "S4U2Proxy host: BADOPTION");
		x = find_x(&r.xs, XK_TGS, "cifs/dc.lab.example", 0, 1);
		ok(x != NULL && x->has_additional && x->result == XR_ERROR &&
		    x->error_code == 13 && strcmp(x->cname, "svc1") == 0,
		    "S4U2Proxy cifs again: BADOPTION, client svc1");
	} else
		ok(0, "samba-s4u.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "double-hop.pcap"), &r) == 0) {
		x = find_x(&r.xs, XK_TGS, "krbtgt/", 0, 0);
		ok(x != NULL && x->result == XR_OK && x->has_issued,
		    "double-hop: forwarded TGT requested");
		x = find_x(&r.xs, XK_TGS, "MSSQLSvc/", 0, 0);
		ok(x != NULL && x->client[0] == 192 && x->client[3] == 30 &&
		    strcmp(x->cname, "alice") == 0 &&
		    x->presented_frame == 23,
		    "second hop: TGS from web host, alice via forwarded TGT");
		ok(x != NULL && x->delegation == XD_UNCONSTRAINED &&
		    x->has_deleg_from && x->deleg_from[3] == 20,
		    "second hop: unconstrained, TGT forwarded from .20");
		x = find_x(&r.xs, XK_AP, "MSSQLSvc/", 1433, 0);
		ok(x != NULL && x->result == XR_OK &&
		    strcmp(x->cname, "alice") == 0 && x->presented_frame == 41,
		    "second hop: AP to SQL as alice, ok");
		is_int(x != NULL ? x->delegation : -1, XD_UNCONSTRAINED,
		    "second hop: the AP exchange carries the delegation");
		x = find_x(&r.xs, XK_AP, "HTTP/", 80, 0);
		is_int(x != NULL ? x->delegation : -1, XD_NONE,
		    "first hop: alice's own AP-REQ is no delegation");
		is_int(r.st.presented_linked, r.st.presented,
		    "double-hop: all presented tickets linked");
	} else
		ok(0, "double-hop.pcap read");
	run_free(&r);
}

/* Every lab capture and real trace: linked == linkable. */
static void
linked_dir(const char *dir, const char *what)
{
	static struct run r;
	struct dirent *de;
	DIR *d;
	char path[1024];
	size_t len;
	int n;

	if ((d = opendir(dir)) == NULL) {
		printf("# %s: %s absent, skipped\n", what, dir);
		return;
	}
	n = 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (!(len > 5 && strcmp(de->d_name + len - 5, ".pcap") == 0) &&
		    !(len > 7 && strcmp(de->d_name + len - 7, ".pcapng") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (run_capture(path, &r) != 0) {
			ok(0, "%s read", de->d_name);
			run_free(&r);
			continue;
		}
		ok(r.st.presented_linked == r.linkable &&
		    r.st.presented == r.presented,
		    "%s: %s: presented %llu, linkable %lu, linked %llu "
		    "(AP-REQ %lu, linkable %lu)", what, de->d_name,
		    (unsigned long long)r.st.presented, r.linkable,
		    (unsigned long long)r.st.presented_linked,
		    r.ap_presented, r.ap_linkable);
		n++;
		run_free(&r);
	}
	closedir(d);
	printf("# %s: %d captures\n", what, n);
}

static void
test_real(void)
{
	char path[1024];
	const char *top, *shared;

	top = getenv("top_srcdir");
	if (top == NULL)
		top = "/work/main";
	snprintf(path, sizeof(path), "%s/captures", top);
	linked_dir(path, "lab");
	shared = getenv("KS_SHARED");
	if (shared != NULL)
		snprintf(path, sizeof(path), "%s/captures/real", shared);
	else
		snprintf(path, sizeof(path), "%s/../shared/captures/real",
		    top);
	linked_dir(path, "real");
}

/* ---- flood ---------------------------------------------------------- */

#define FLOOD_N		200000
#define FLOOD_CAP	1000

struct flood {
	uint8_t		*seen;		/* per nonce: times handed over */
	size_t		 calls, bad;
	size_t		 unknown, no_answer;
};

static void
flood_sink(void *arg, const struct exchange *x)
{
	struct flood *f = arg;
	uint32_t k;

	f->calls++;
	/* the client address encodes the request number */
	k = ((uint32_t)x->client[1] << 16 | (uint32_t)x->client[2] << 8 |
	    x->client[3]);
	if (k >= FLOOD_N || f->seen[k]++ != 0)
		f->bad++;
	if (x->result == XR_UNKNOWN)
		f->unknown++;
	else if (x->result == XR_NO_ANSWER)
		f->no_answer++;
}

static void
test_flood(void)
{
	struct model_limits lim;
	struct model *md;
	struct flood f;
	char src[32];
	uint32_t i;

	memset(&f, 0, sizeof(f));
	f.seen = xcalloc(FLOOD_N, 1);
	model_limits_default(&lim);
	lim.max_pending = FLOOD_CAP;
	md = model_new(&lim, flood_sink, &f);
	for (i = 0; i < FLOOD_N; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", i >> 16,
		    (i >> 8) & 0xff, i & 0xff);
		ctx_set(i + 1, (long)(i / 10000), src, 1024 + (i % 60000),
		    KDC, 88, UDP, "kerberos");
		msg_set(KRB_AS_REQ);
		km.has_nonce = 1;
		km.nonce = i;
		model_krb(md, &mctx, &km);
	}
	is_int(model_stats(md)->pending_evicted, FLOOD_N - FLOOD_CAP,
	    "flood: evictions counted");
	is_int(f.calls, FLOOD_N - FLOOD_CAP, "flood: evicted ones handed over");
	is_int(f.unknown, FLOOD_N - FLOOD_CAP, "flood: evicted as unknown");
	model_free(md);
	is_int(f.calls, FLOOD_N, "flood: every exchange reaches the sink");
	is_int(f.bad, 0, "flood: each exactly once");
	is_int(f.unknown, FLOOD_N, "flood: the rest recent: unknown");
	is_int(f.no_answer, 0, "flood: none counted unanswered");

	/* 20 requests a second with time ticking: expiry, not eviction */
	memset(f.seen, 0, FLOOD_N);
	f.calls = f.bad = f.unknown = f.no_answer = 0;
	md = model_new(&lim, flood_sink, &f);
	for (i = 0; i < FLOOD_N; i++) {
		snprintf(src, sizeof(src), "10.%u.%u.%u", i >> 16,
		    (i >> 8) & 0xff, i & 0xff);
		ctx_set(i + 1, (long)(i / 20), src, 1024 + (i % 60000),
		    KDC, 88, UDP, "kerberos");
		msg_set(KRB_AS_REQ);
		km.has_nonce = 1;
		km.nonce = i;
		model_tick(md, &mctx.ts);
		model_krb(md, &mctx, &km);
	}
	is_int(model_stats(md)->pending_evicted, 0, "ticking: no eviction");
	ok(f.no_answer > FLOOD_N - FLOOD_CAP &&
	    model_stats(md)->no_answer == f.no_answer,
	    "ticking: expired as no answer, counted (%zu)", f.no_answer);
	model_free(md);
	is_int(f.calls, FLOOD_N, "ticking: every exchange reaches the sink");
	is_int(f.bad, 0, "ticking: each exactly once");
	is_int(f.unknown + f.no_answer, FLOOD_N, "ticking: unknown at end");
	free(f.seen);
}

/* ---- sessions and chains ---------------------------------------------- */

static const char *
auth_name(int a)
{
	return a == HA_KERBEROS ? "krb" : a == HA_NTLM ? "ntlm" :
	    a == HA_ANONYMOUS ? "anon" : a == HA_NONE ? "none" : "?";
}

static void
dump_sessions(const struct run *r)
{
	const struct session *s;
	const struct sess_service *sv;
	const struct sess_ticket *t;
	const struct chain_hop *h;
	char a[64], b[64];
	size_t i;
	int k, j;

	for (i = 0; i < r->n_sess; i++) {
		s = &r->sess[i];
		fmt_addr(a, sizeof(a), s->family, s->host);
		printf("# session %s %s outcome=%s deleg=%d for=%s "
		    "tgt n=%d res=%s err=%d #%llu-#%llu frames %llu-%llu\n",
		    a, s->principal, model_outcome_name(s->outcome),
		    s->delegation, s->for_user, s->tgt.n_exchanges,
		    result_name(s->tgt.result), s->tgt.has_error_code ?
		    s->tgt.error_code : -1,
		    (unsigned long long)s->tgt.req_frame,
		    (unsigned long long)s->tgt.rep_frame,
		    (unsigned long long)s->first_frame,
		    (unsigned long long)s->last_frame);
		for (k = 0; k < s->n_tickets; k++) {
			t = &s->tickets[k];
			printf("#   tgs %s n=%d %s err=%d deleg=%d for=%s "
			    "#%llu-#%llu\n", t->spn, t->n_exchanges,
			    result_name(t->result), t->has_error_code ?
			    t->error_code : -1, t->delegation, t->for_user,
			    (unsigned long long)t->req_frame,
			    (unsigned long long)t->rep_frame);
		}
		for (k = 0; k < s->n_services; k++) {
			sv = &s->services[k];
			fmt_addr(b, sizeof(b), s->family, sv->server);
			printf("#   svc %s:%u %s spn=%s outcome=%s ap n=%d "
			    "ok=%d err=%d res=%s code=%d cr=\"%s\" "
			    "ntlm n=%d %s\\%s anon=%d spn=%s res=%s "
			    "cr=\"%s\" fb=%d contact=%d/%llu cres=%d\n",
			    b, sv->port, sv->carrier != NULL ? sv->carrier :
			    "-", sv->spn, model_outcome_name(sv->outcome),
			    sv->n_ap, sv->n_ap_ok, sv->n_ap_error,
			    result_name(sv->ap_result),
			    sv->ap_has_error_code ? sv->ap_error_code : -1,
			    sv->ap_carrier_result, sv->n_ntlm,
			    sv->ntlm_domain, sv->ntlm_user,
			    sv->ntlm_anonymous, sv->ntlm_spn,
			    result_name(sv->ntlm_result),
			    sv->ntlm_carrier_result, sv->ntlm_fallback,
			    sv->contacted,
			    (unsigned long long)sv->contact_frame,
			    sv->contact_result);
			printf("#     names dns=%s (%s) used=%s (%s)\n",
			    sv->dns_name,
			    model_host_source_name(sv->dns_source),
			    sv->used_name,
			    model_host_source_name(sv->used_source));
		}
	}
	for (i = 0; i < r->n_chains; i++) {
		printf("# chain user=%s inferred=%d hops=%d\n",
		    r->chains[i].user, r->chains[i].inferred,
		    r->chains[i].n_hops);
		for (k = 0; k < r->chains[i].n_hops; k++) {
			h = &r->chains[i].hops[k];
			fmt_addr(a, sizeof(a), r->chains[i].family, h->from);
			fmt_addr(b, sizeof(b), r->chains[i].family, h->to);
			printf("#   hop %s -> %s:%u %s %s auth=%s deleg=%d "
			    "kdc=%s/%d res=%s/%d cr=\"%s\" frames",
			    h->has_from ? a : "-", h->has_to ? b : "-",
			    h->port, h->carrier != NULL ? h->carrier : "-",
			    h->spn, auth_name(h->auth), h->delegation,
			    result_name(h->kdc_result),
			    h->kdc_has_error_code ? h->kdc_error_code : -1,
			    result_name(h->result), h->has_error_code ?
			    h->error_code : -1, h->carrier_result);
			for (j = 0; j < h->n_frames; j++)
				printf(" %llu",
				    (unsigned long long)h->frames[j]);
			printf("\n");
		}
	}
}

static int
addr_is(const uint8_t *a, const char *text)
{
	uint8_t b[4];

	return inet_pton(AF_INET, text, b) == 1 && memcmp(a, b, 4) == 0;
}

/* The session of host (NULL: any) and principal (NULL: any). */
static const struct session *
find_sess(const struct run *r, const char *host, const char *principal)
{
	size_t i;

	for (i = 0; i < r->n_sess; i++)
		if ((host == NULL || addr_is(r->sess[i].host, host)) &&
		    (principal == NULL ||
		    strcmp(r->sess[i].principal, principal) == 0))
			return &r->sess[i];
	return NULL;
}

static const struct sess_service *
find_svc(const struct session *s, const char *server, int port)
{
	int i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->n_services; i++)
		if (addr_is(s->services[i].server, server) &&
		    s->services[i].port == port)
			return &s->services[i];
	return NULL;
}

/* The n-th chain whose last hop's SPN starts with spn. */
static const struct chain *
find_chain(const struct run *r, const char *spn, int n)
{
	const struct chain *c;
	size_t i;

	for (i = 0; i < r->n_chains; i++) {
		c = &r->chains[i];
		if (c->n_hops == 0 || strncmp(c->hops[c->n_hops - 1].spn,
		    spn, strlen(spn)) != 0)
			continue;
		if (n-- == 0)
			return c;
	}
	return NULL;
}

static void
test_sessions(void)
{
	static struct run r;
	const struct session *s;
	const struct sess_service *sv;
	const struct chain *c;
	const struct chain_hop *h;
	char path[1024];

	synth_sessions();
	synth_idle();
	synth_waiting();
	synth_as_service();
	synth_s4u_probe();

	if (run_capture(capture_path(path, sizeof(path),
	    "double-hop.pcap"), &r) == 0) {
		is_int(r.n_sess, 2, "double-hop: two sessions");
		s = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_OK &&
		    s->delegation == XD_NONE, "double-hop: alice at .20 ok");
		ok(s != NULL && s->tgt.result == XR_OK &&
		    s->tgt.n_exchanges == 2 && s->tgt.rep_frame == 6 &&
		    s->tgt.has_ticket, "double-hop: TGT #5-#6 after one "
		    "PREAUTH_REQUIRED");
		ok(s != NULL && s->n_tickets == 2 &&
		    strcmp(s->tickets[0].spn, "HTTP/web.lab.example") == 0 &&
		    s->tickets[0].result == XR_OK &&
		    s->tickets[0].rep_frame == 21 &&
		    strcmp(s->tickets[1].spn, "krbtgt/LAB.EXAMPLE") == 0,
		    "double-hop: tickets HTTP/web (#21), forwarded TGT");
		sv = find_svc(s, "192.0.2.30", 80);
		ok(sv != NULL && sv->outcome == SO_OK && sv->n_ap == 1 &&
		    sv->ap_result == XR_OK && strcmp(sv->carrier, "http") ==
		    0 && strcmp(sv->spn, "HTTP/web.lab.example") == 0 &&
		    sv->ap_req_frame == 25 && sv->ap_rep_frame == 49,
		    "double-hop: web service: AP #25-#49 ok over http");
		ok(sv != NULL && strcmp(sv->ap_carrier_result,
		    "response 200") == 0 && sv->n_ntlm == 0,
		    "double-hop: web: 200, no NTLM");
		s = find_sess(&r, "192.0.2.30", NULL);
		ok(s != NULL && strcmp(s->principal, "alice@LAB.EXAMPLE") ==
		    0 && s->outcome == SO_OK, "double-hop: .30 as alice, ok");
		ok(s != NULL && s->delegation == XD_UNCONSTRAINED &&
		    s->has_deleg_from && addr_is(s->deleg_from,
		    "192.0.2.20") && strcmp(s->for_user,
		    "alice@LAB.EXAMPLE") == 0,
		    "double-hop: .30 acting for alice (from .20)");
		ok(s != NULL && s->tgt.n_exchanges == 0 && s->n_tickets == 1 &&
		    s->tickets[0].delegation == XD_UNCONSTRAINED &&
		    s->tickets[0].req_frame == 40,
		    "double-hop: .30 no TGT of its own, TGS #40 delegated");
		sv = find_svc(s, "192.0.2.40", 1433);
		ok(sv != NULL && sv->outcome == SO_OK && sv->ap_result ==
		    XR_OK && strcmp(sv->carrier, "tds") == 0 &&
		    strcmp(sv->spn, "MSSQLSvc/sql.lab.example:1433") == 0 &&
		    sv->contacted && sv->contact_frame == 36,
		    "double-hop: sql ok over tds, PRELOGIN #36");
		is_int(r.n_chains, 1, "double-hop: one chain");
		c = r.n_chains > 0 ? &r.chains[0] : NULL;
		ok(c != NULL && c->n_hops == 2 && !c->inferred &&
		    strcmp(c->user, "alice@LAB.EXAMPLE") == 0,
		    "double-hop: chain of alice, 2 hops, proven");
		h = c != NULL ? &c->hops[0] : NULL;
		ok(h != NULL && h->has_from && addr_is(h->from, "192.0.2.20") &&
		    h->has_to && addr_is(h->to, "192.0.2.30") &&
		    h->port == 80 && h->delegation == XD_NONE &&
		    h->auth == HA_KERBEROS && h->result == XR_OK &&
		    strcmp(h->spn, "HTTP/web.lab.example") == 0,
		    "double-hop: hop 1 .20 -> .30:80 HTTP, ok");
		ok(h != NULL && h->n_frames == 2 && h->frames[0] == 25 &&
		    h->frames[1] == 49 && h->has_ticket,
		    "double-hop: hop 1 frames 25 49, ticket");
		h = c != NULL ? &c->hops[1] : NULL;
		ok(h != NULL && addr_is(h->from, "192.0.2.30") &&
		    addr_is(h->to, "192.0.2.40") && h->port == 1433 &&
		    strcmp(h->carrier, "tds") == 0 &&
		    h->delegation == XD_UNCONSTRAINED &&
		    h->kdc_result == XR_OK && h->result == XR_OK,
		    "double-hop: hop 2 .30 -> .40:1433 unconstrained, ok");
		ok(h != NULL && h->n_frames == 4 && h->frames[0] == 40 &&
		    h->frames[3] == 43 && strcmp(h->spn,
		    "MSSQLSvc/sql.lab.example:1433") == 0,
		    "double-hop: hop 2 frames 40-43, MSSQLSvc");
		is_int(r.st.chains, 1, "double-hop: chains counted");
		is_int(r.st.sessions, 2, "double-hop: sessions counted");
	} else
		ok(0, "double-hop.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "double-hop-not-trusted.pcap"), &r) == 0) {
		s = find_sess(&r, "192.0.2.30", NULL);
		ok(s != NULL && s->principal[0] == '\0' &&
		    s->outcome == SO_NO_LOGIN && s->n_tickets == 0,
		    "not-trusted: .30 no principal, no ticket: no_login");
		sv = find_svc(s, "192.0.2.40", 1433);
		ok(sv != NULL && sv->contacted && sv->contact_frame == 32 &&
		    sv->n_ap == 0 && sv->n_ntlm == 0 &&
		    sv->outcome == SO_NO_LOGIN,
		    "not-trusted: sql PRELOGIN #32, no login");
		s = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_OK,
		    "not-trusted: alice's own session ok");
		is_int(r.n_chains, 1, "not-trusted: one chain");
		c = r.n_chains > 0 ? &r.chains[0] : NULL;
		ok(c != NULL && c->inferred && c->n_hops == 2 &&
		    strcmp(c->user, "alice@LAB.EXAMPLE") == 0,
		    "not-trusted: chain inferred from timing, alice");
		ok(c != NULL && c->hops[0].result == XR_OK &&
		    c->hops[0].port == 80 && c->hops[0].frames[0] == 22 &&
		    addr_is(c->hops[0].to, "192.0.2.30"),
		    "not-trusted: hop 1 .20 -> .30:80 ok #22");
		ok(c != NULL && c->hops[1].auth == HA_NONE &&
		    c->hops[1].result == 0 && c->hops[1].port == 1433 &&
		    addr_is(c->hops[1].to, "192.0.2.40") &&
		    c->hops[1].n_frames == 1 && c->hops[1].frames[0] == 32,
		    "not-trusted: hop 2 .30 -> .40:1433 no credentials");
		is_int(r.st.chains_inferred, 1,
		    "not-trusted: inferred counted");
	} else
		ok(0, "double-hop-not-trusted.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "samba-spn-missing.pcap"), &r) == 0) {
		is_int(r.n_sess, 1, "spn-missing: one session");
		s = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_NTLM_FALLBACK,
		    "spn-missing: alice: ntlm_fallback");
		ok(s != NULL && s->n_tickets == 1 && s->tickets[0].n_exchanges
		    == 4 && s->tickets[0].error_code == 7 &&
		    strcmp(s->tickets[0].spn, "cifs/files.lab.example") == 0,
		    "spn-missing: 4 TGS for cifs/files, S_PRINCIPAL_UNKNOWN");
		sv = find_svc(s, "192.0.2.10", 445);
		ok(sv != NULL && sv->ntlm_fallback && sv->n_ntlm == 1 &&
		    sv->n_ap == 0 && sv->outcome == SO_NTLM_FALLBACK &&
		    strcmp(sv->carrier, "smb2") == 0,
		    "spn-missing: smb2 445: NTLM fallback, no AP");
		ok(sv != NULL && strcmp(sv->ntlm_user, "alice@LAB.EXAMPLE") ==
		    0 && sv->ntlm_domain[0] == '\0' && !sv->ntlm_anonymous &&
		    strcmp(sv->ntlm_spn, "cifs/files.lab.example") == 0,
		    "spn-missing: NTLM user alice@LAB.EXAMPLE, SPN cifs/files");
		ok(sv != NULL && sv->ntlm_result == XR_OK &&
		    sv->ntlm_frame == 55 && sv->ntlm_rep_frame == 56 &&
		    strcmp(sv->ntlm_carrier_result,
		    "session_setup STATUS_SUCCESS") == 0,
		    "spn-missing: NTLM #55, STATUS_SUCCESS #56");
		is_int(r.st.ntlm_logins, 1, "spn-missing: one NTLM login");
		is_int(r.n_chains, 0, "spn-missing: no chain");
	} else
		ok(0, "samba-spn-missing.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "tds-wrong-account.pcap"), &r) == 0) {
		s = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_KERBEROS_REJECTED,
		    "tds-wrong-account: kerberos_rejected");
		sv = find_svc(s, "192.0.2.40", 1433);
		ok(sv != NULL && sv->n_ap_error == 1 && sv->ap_error_code ==
		    31 && strcmp(sv->ap_carrier_result, "result 18452") ==
		    0 && sv->ap_rep_frame == 21,
		    "tds-wrong-account: AP error 31, carrier 18452 #21");
	} else
		ok(0, "tds-wrong-account.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "account-problems.pcap"), &r) == 0) {
		s = find_sess(&r, "192.0.2.20", "dave@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_KDC_ERROR &&
		    s->tgt.n_exchanges == 1 && s->tgt.error_code == 23 &&
		    s->tgt.rep_frame == 18 && !s->tgt.has_ticket,
		    "account-problems: dave's TGT KEY_EXPIRED #18: "
		    "kdc_error");
		ok(s != NULL && s->n_tickets == 1 &&
		    strcmp(s->tickets[0].spn, "kadmin/changepw") == 0 &&
		    s->tickets[0].kind == XK_AS &&
		    s->tickets[0].n_exchanges == 2 &&
		    s->tickets[0].result == XR_OK &&
		    s->tickets[0].rep_frame == 22,
		    "account-problems: kadmin/changepw by AS a ticket #22");
	} else
		ok(0, "account-problems.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "samba-s4u.pcap"), &r) == 0) {
		s = find_sess(&r, NULL, "svc1@LAB.EXAMPLE");
		ok(s != NULL && s->delegation == XD_CONSTRAINED &&
		    strcmp(s->for_user, "alice@LAB.EXAMPLE") == 0 &&
		    s->outcome == SO_KDC_ERROR,
		    "samba-s4u: svc1 acting for alice, kdc_error");
		ok(find_sess(&r, NULL, "alice@LAB.EXAMPLE") == NULL &&
		    r.n_sess == 1, "samba-s4u: the AS probes for alice "
		    "(#28, #90, #150) make no session");
		ok(s != NULL && s->first_frame == 6 && s->last_frame == 180,
		    "samba-s4u: svc1 frames 6-180");
		is_int(r.n_chains, 3, "samba-s4u: three chains");
		c = find_chain(&r, "cifs/dc.lab.example", 0);
		ok(c != NULL && c->n_hops == 2 && !c->inferred &&
		    strcmp(c->user, "alice@LAB.EXAMPLE") == 0 &&
		    !c->hops[0].has_from &&
		    c->hops[0].delegation == XD_S4U2SELF &&
		    c->hops[0].kdc_result == XR_OK &&
		    c->hops[0].frames[0] == 37 && c->hops[0].frames[1] == 44,
		    "samba-s4u: chain 1: S4U2Self #37-#44 (no user host)");
		ok(c != NULL && c->hops[1].delegation == XD_CONSTRAINED &&
		    c->hops[1].kdc_result == XR_OK && !c->hops[1].has_to &&
		    c->hops[1].frames[0] == 54 && c->hops[1].frames[1] == 60,
		    "samba-s4u: chain 1: S4U2Proxy cifs/dc ok #54-#60");
		c = find_chain(&r, "host/dc.lab.example", 0);
		ok(c != NULL && c->hops[0].frames[0] == 101 &&
		    c->hops[1].delegation == XD_CONSTRAINED &&
		    c->hops[1].kdc_result == XR_ERROR &&
		    c->hops[1].kdc_error_code == 13 &&
		    c->hops[1].frames[1] == 120,
		    "samba-s4u: chain 2: host/dc refused BADOPTION #120");
		c = find_chain(&r, "cifs/dc.lab.example", 1);
		ok(c != NULL && c->hops[0].frames[0] == 161 &&
		    c->hops[1].kdc_error_code == 13 &&
		    c->hops[1].frames[1] == 180,
		    "samba-s4u: chain 3: cifs/dc refused BADOPTION #180");
	} else
		ok(0, "samba-s4u.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "http-negotiate.pcap"), &r) == 0) {
		s = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
		ok(s != NULL && s->outcome == SO_KERBEROS_REJECTED &&
		    find_svc(s, "192.0.2.30", 80) != NULL &&
		    find_svc(s, "192.0.2.30", 80)->outcome == SO_OK &&
		    find_svc(s, "192.0.2.30", 8080) != NULL &&
		    find_svc(s, "192.0.2.30", 8080)->ap_error_code == 31,
		    "http-negotiate: port 80 ok, 8080 rejected (31)");
	} else
		ok(0, "http-negotiate.pcap read");
	run_free(&r);
}

/* Hand-built: NTLM at a middle tier right after a Kerberos login there. */
static void
synth_sessions(void)
{
	static struct run r;
	struct ntlm_msg nm;
	const struct session *s;
	const struct sess_service *sv;
	const struct chain *c;

	memset(&r, 0, sizeof(r));
	r.md = model_new(NULL, collect, &r.xs);
	/* no sink: NTLM is ignored */
	ctx_set(1, 0, WEB, 50000, "10.0.0.9", 1433, TCP, "tds");
	memset(&nm, 0, sizeof(nm));
	nm.msg_type = NTLM_AUTHENTICATE;
	model_ntlm(r.md, &mctx, &nm);
	is_int(model_stats(r.md)->ntlm_logins, 0, "sessions off: no NTLM");
	model_free(r.md);

	run_start(&r, NULL);
	cli_web_sql(r.md);
	/* WEB -> FS as svc, 30 s later: too late for a guess */
	ctx_set(6, 42, WEB, 50200, "10.0.0.10", 445, TCP, "smb2");
	memset(&nm, 0, sizeof(nm));
	nm.msg_type = NTLM_AUTHENTICATE;
	snprintf(nm.user, sizeof(nm.user), "svc");
	snprintf(nm.domain, sizeof(nm.domain), "CORP");
	model_ntlm(r.md, &mctx, &nm);
	/* bob (CLI) -> FS by NTLM naming an SPN: fallback; no verdict */
	ctx_set(7, 43, CLI, 50300, "10.0.0.10", 445, TCP, "smb2");
	snprintf(nm.user, sizeof(nm.user), "BOB");
	snprintf(nm.av_target_name, sizeof(nm.av_target_name),
	    "cifs/fs.corp");
	model_ntlm(r.md, &mctx, &nm);
	is_int(r.n_sess, 0, "sessions wait for the end");
	model_free(r.md);
	is_int(r.n_sess, 2, "synthetic: two sessions (CLI, WEB)");
	s = find_sess(&r, WEB, NULL);
	ok(s != NULL && s->principal[0] == '\0' &&
	    s->outcome == SO_LOGIN_FAILED && s->n_services == 2,
	    "WEB: no principal, login_failed, two services");
	sv = find_svc(s, "10.0.0.9", 1433);
	ok(sv != NULL && sv->ntlm_anonymous && sv->ntlm_result == XR_ERROR &&
	    sv->n_ntlm_fail == 1 && !sv->ntlm_fallback &&
	    strcmp(sv->ntlm_carrier_result, "result 18456") == 0,
	    "WEB -> SQL: anonymous NTLM refused, 18456, no fallback");
	sv = find_svc(s, "10.0.0.10", 445);
	ok(sv != NULL && strcmp(sv->ntlm_user, "svc") == 0 &&
	    strcmp(sv->ntlm_domain, "CORP") == 0 &&
	    sv->ntlm_result == XR_UNKNOWN && sv->outcome == SO_NO_ANSWER,
	    "WEB -> FS: NTLM CORP\\svc, no verdict");
	s = find_sess(&r, CLI, "bob@CORP");
	ok(s != NULL && s->outcome == SO_NTLM_FALLBACK,
	    "CLI: NTLM user BOB joins bob@CORP: ntlm_fallback (SPN)");
	sv = find_svc(s, "10.0.0.10", 445);
	ok(sv != NULL && sv->ntlm_fallback && strcmp(sv->ntlm_spn,
	    "cifs/fs.corp") == 0, "CLI -> FS: fallback, SPN kept");
	sv = find_svc(s, WEB, 80);
	ok(sv != NULL && sv->outcome == SO_OK && sv->ap_req_frame == 2 &&
	    strcmp(sv->spn, "HTTP/web.corp") == 0, "CLI -> WEB:80 ok");
	is_int(r.n_chains, 1, "one inferred chain (the late one: none)");
	c = r.n_chains > 0 ? &r.chains[0] : NULL;
	ok(c != NULL && c->inferred && strcmp(c->user, "bob@CORP") == 0 &&
	    c->hops[0].frames[0] == 2 && c->hops[1].auth == HA_ANONYMOUS &&
	    c->hops[1].result == XR_ERROR && c->hops[1].port == 1433 &&
	    c->hops[1].frames[0] == 4 && c->hops[1].frames[1] == 5,
	    "inferred: bob CLI -> WEB, then anonymous WEB -> SQL refused");
	is_int(model_outcome_name(SO_NTLM_FALLBACK)[0], 'n', "outcome name");
	is_str(model_outcome_name(SO_KERBEROS_REJECTED), "kerberos_rejected",
	    "outcome name kerberos_rejected");
}

/* Frame 1: the service ticket 0xc3 for HTTP/web.corp, issued to bob. */
static void
bob_ticket(struct model *md)
{
	ctx_set(1, 0, KDC, 88, CLI, 40000, UDP, "kerberos");
	msg_set(KRB_TGS_REP);
	km.has_cname = 1;
	snprintf(km.cname, sizeof(km.cname), "bob");
	snprintf(km.crealm, sizeof(km.crealm), "CORP");
	ticket_set(&km.ticket, 0xc3, "HTTP/web.corp", "CORP");
	model_krb(md, &mctx, &km);
}

/*
 * Frames 1-5: bob's ticket 0xc3 for HTTP/web.corp and his AP-REQ to
 * WEB:80, accepted (t 0-10); WEB -> SQL:1433 with anonymous NTLM 2 s
 * later, refused with 18456.
 */
static void
cli_web_sql(struct model *md)
{
	struct ntlm_msg nm;
	struct auth_rec a;

	bob_ticket(md);
	ap_req(2, 10, 50000, 80, "http", 0xc3, 1);
	model_krb(md, &mctx, &km);
	ctx_set(3, 10, WEB, 80, CLI, 50000, TCP, "http");
	msg_set(KRB_AP_REP);
	model_krb(md, &mctx, &km);
	auth_set(&a, "response", AUTH_OK, "status", 200, NULL);
	model_auth(md, &mctx, &a);
	ctx_set(4, 12, WEB, 50100, "10.0.0.9", 1433, TCP, "tds");
	memset(&nm, 0, sizeof(nm));
	nm.msg_type = NTLM_AUTHENTICATE;
	nm.anonymous = 1;
	model_ntlm(md, &mctx, &nm);
	ctx_set(5, 12, "10.0.0.9", 1433, WEB, 50100, TCP, "tds");
	auth_set(&a, "result", AUTH_FAIL, "number", 18456, NULL);
	model_auth(md, &mctx, &a);
}

/*
 * Sessions idle for session_idle_secs are handed over as time passes
 * (model_tick, also called by the live capture's timer), the middle
 * host's before its client's so that the chain still finds its first
 * hop: bob on CLI logs in to WEB (t 0-10), WEB logs in anonymously to
 * SQL (t 12).
 */
static void
synth_idle(void)
{
	static struct run r;
	struct model_limits lim;
	struct timeval tv;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		model_limits_default(&lim);
		if (pass == 1)
			lim.session_idle_secs = 0;
		run_start(&r, &lim);
		cli_web_sql(r.md);
		tv.tv_usec = 0;
		tv.tv_sec = 1700000000 + 200;
		model_tick(r.md, &tv);
		if (pass == 1) {
			tv.tv_sec = 1700000000 + 5000;
			model_tick(r.md, &tv);
			is_int(r.n_sess, 0, "idle limit 0: sessions wait for "
			    "the end");
			model_free(r.md);
			is_int(r.n_sess, 2, "idle limit 0: two at the end");
			run_free(&r);
			continue;
		}
		is_int(r.n_sess, 0, "idle 190 s: no session handed over");
		tv.tv_sec = 1700000000 + 311;
		model_tick(r.md, &tv);
		is_int(r.n_sess, 0, "CLI idle 301 s waits for WEB, its login's "
		    "host, still active");
		tv.tv_sec = 1700000000 + 313;
		model_tick(r.md, &tv);
		ok(r.n_sess == 1 && addr_is(r.sess[0].host, WEB) &&
		    r.n_chains == 1 && r.chains[0].inferred &&
		    r.chains[0].hops[0].frames[0] == 2,
		    "WEB idle 301 s: handed over with its chain from CLI");
		tv.tv_sec = 1700000000 + 314;
		model_tick(r.md, &tv);
		ok(r.n_sess == 2 && addr_is(r.sess[1].host, CLI) &&
		    strcmp(r.sess[1].principal, "bob@CORP") == 0,
		    "then CLI (bob@CORP)");
		is_int(model_stats(r.md)->sessions_idle, 2,
		    "stats: two sessions handed over idle");
		model_free(r.md);
		is_int(r.n_sess, 2, "nothing more at the end");
		run_free(&r);
	}
}

/*
 * A KDC message at frame f, second sec, between host (port 40000) and
 * the KDC: a request from host, or a reply (AS-REP / TGS-REP: a ticket
 * for sname, id byte f) or KRB-ERROR (err) to it. cname NULL: none.
 */
static void
kdc_msg(uint64_t f, long sec, const char *host, int type, const char *cname,
    const char *sname, int err)
{
	int req;

	req = type == KRB_AS_REQ || type == KRB_TGS_REQ;
	if (req)
		ctx_set(f, sec, host, 40000, KDC, 88, UDP, "kerberos");
	else
		ctx_set(f, sec, KDC, 88, host, 40000, UDP, "kerberos");
	msg_set(type);
	if (cname != NULL) {
		km.has_cname = 1;
		snprintf(km.cname, sizeof(km.cname), "%s", cname);
		snprintf(km.crealm, sizeof(km.crealm), "CORP");
	}
	km.has_sname = 1;
	snprintf(km.sname, sizeof(km.sname), "%s", sname);
	snprintf(km.realm, sizeof(km.realm), "CORP");
	if (req) {
		km.has_nonce = 1;
		km.nonce = (uint32_t)f;
	}
	if (type == KRB_AS_REP || type == KRB_TGS_REP)
		ticket_set(&km.ticket, (int)f, sname, "CORP");
	if (type == KRB_ERROR) {
		km.has_error = 1;
		km.error_code = err;
	}
}

/*
 * A busy middle server: 120 clients log in to WEB with Kerberos (t 0-9),
 * then WEB asks the KDC for a SQL ticket twice a second for 1000 s. Idle
 * after 300 s, the clients wait for WEB's session (WEB's chains start
 * with their hop), and are handed over once WEB is idle too. (Whether a
 * waiting client is needed is kept while no session comes or goes: the
 * tick looks at them at every message.)
 */
static void
synth_waiting(void)
{
	static struct run r;
	struct model_limits lim;
	struct timeval tv;
	char cli[32];
	uint64_t f;
	int i, handed;

	model_limits_default(&lim);
	lim.max_sessions = 256;
	run_start(&r, &lim);
	f = 1;
	for (i = 0; i < 120; i++) {
		snprintf(cli, sizeof(cli), "10.1.%d.%d", i >> 8, i & 0xff);
		ctx_set(f++, i % 10, KDC, 88, cli, 40000, UDP, "kerberos");
		msg_set(KRB_TGS_REP);
		km.has_cname = 1;
		snprintf(km.cname, sizeof(km.cname), "u%d", i);
		snprintf(km.crealm, sizeof(km.crealm), "CORP");
		ticket_set(&km.ticket, i & 0xff, "HTTP/web.corp", "CORP");
		model_krb(r.md, &mctx, &km);
		ctx_set(f++, i % 10, cli, 50000, WEB, 80, TCP, "http");
		msg_set(KRB_AP_REQ);
		ticket_set(&km.ticket, i & 0xff, "HTTP/web.corp", "CORP");
		model_krb(r.md, &mctx, &km);
		ctx_set(f++, i % 10, WEB, 80, cli, 50000, TCP, "http");
		msg_set(KRB_AP_REP);
		model_krb(r.md, &mctx, &km);
	}
	for (i = 0; i < 2000; i++, f += 2) {
		kdc_msg(f, 10 + i / 2, WEB, KRB_TGS_REQ, "websvc",
		    "MSSQLSvc/sql.corp:1433", 0);
		model_tick(r.md, &mctx.ts);
		model_krb(r.md, &mctx, &km);
		kdc_msg(f + 1, 10 + i / 2, WEB, KRB_TGS_REP, "websvc",
		    "MSSQLSvc/sql.corp:1433", 0);
		model_tick(r.md, &mctx.ts);
		model_krb(r.md, &mctx, &km);
	}
	handed = r.n_sess;
	tv.tv_sec = 1700000000 + 10 + 1000 + 301;
	tv.tv_usec = 0;
	model_tick(r.md, &tv);
	is_int(handed, 0, "120 clients idle for 700 s wait while WEB is busy");
	ok(r.n_sess >= 1 && addr_is(r.sess[0].host, WEB),
	    "WEB idle: its session first");
	tv.tv_sec++;
	model_tick(r.md, &tv);
	is_int(model_stats(r.md)->sessions_idle, 121,
	    "then its 120 clients, the next tick");
	model_free(r.md);
	run_free(&r);
}

/* kdc_msg(), then the message into md. */
static void
kdc(struct model *md, uint64_t f, long sec, const char *host, int type,
    const char *cname, const char *sname, int err)
{
	kdc_msg(f, sec, host, type, cname, sname, err);
	model_krb(md, &mctx, &km);
}

/* An AS exchange for a service other than krbtgt is a ticket. */
static void
synth_as_service(void)
{
	static struct run r;
	const struct session *s;

	run_start(&r, NULL);
	/* dave: TGT refused KEY_EXPIRED, then kadmin/changepw by AS */
	kdc(r.md, 1, 0, "10.0.1.1", KRB_AS_REQ, "dave", "krbtgt/CORP", 0);
	kdc(r.md, 2, 0, "10.0.1.1", KRB_ERROR, NULL, "krbtgt/CORP", 23);
	kdc(r.md, 3, 1, "10.0.1.1", KRB_AS_REQ, "dave", "kadmin/changepw", 0);
	kdc(r.md, 4, 1, "10.0.1.1", KRB_ERROR, NULL, "kadmin/changepw", 25);
	kdc(r.md, 5, 1, "10.0.1.1", KRB_AS_REQ, "dave", "kadmin/changepw", 0);
	kdc(r.md, 6, 1, "10.0.1.1", KRB_AS_REP, "dave", "kadmin/changepw", 0);
	/* erin: only kadmin/changepw, PREAUTH_REQUIRED, nothing else */
	kdc(r.md, 7, 2, "10.0.1.2", KRB_AS_REQ, "erin", "kadmin/changepw", 0);
	kdc(r.md, 8, 2, "10.0.1.2", KRB_ERROR, NULL, "kadmin/changepw", 25);
	/* frank: kadmin/changepw refused, then a TGT */
	kdc(r.md, 9, 3, "10.0.1.3", KRB_AS_REQ, "frank", "kadmin/changepw", 0);
	kdc(r.md, 10, 3, "10.0.1.3", KRB_ERROR, NULL, "kadmin/changepw", 24);
	kdc(r.md, 11, 4, "10.0.1.3", KRB_AS_REQ, "frank", "krbtgt/CORP", 0);
	kdc(r.md, 12, 4, "10.0.1.3", KRB_AS_REP, "frank", "krbtgt/CORP", 0);
	model_free(r.md);
	if (getenv("TEST_MODEL_DUMP") != NULL)
		dump_sessions(&r);
	is_int(r.n_sess, 3, "AS service: three sessions");
	s = find_sess(&r, "10.0.1.1", "dave@CORP");
	ok(s != NULL && s->outcome == SO_KDC_ERROR &&
	    s->tgt.n_exchanges == 1 && s->tgt.result == XR_ERROR &&
	    s->tgt.error_code == 23 && !s->tgt.has_ticket &&
	    s->tgt.rep_frame == 2,
	    "dave: TGT KEY_EXPIRED #2 stays the TGT: kdc_error");
	ok(s != NULL && s->n_tickets == 1 &&
	    strcmp(s->tickets[0].spn, "kadmin/changepw") == 0 &&
	    s->tickets[0].kind == XK_AS && s->tickets[0].n_exchanges == 2 &&
	    s->tickets[0].result == XR_OK && s->tickets[0].has_issued &&
	    s->tickets[0].issued[0] == 6 && s->tickets[0].rep_frame == 6,
	    "dave: kadmin/changepw by AS is a ticket (#6), not the TGT");
	ok(s != NULL && s->first_frame == 1 && s->last_frame == 6,
	    "dave: frames 1-6");
	s = find_sess(&r, "10.0.1.2", "erin@CORP");
	ok(s != NULL && s->outcome == SO_OK && s->tgt.n_exchanges == 0 &&
	    s->n_tickets == 1 && s->tickets[0].kind == XK_AS &&
	    s->tickets[0].result == XR_ERROR &&
	    s->tickets[0].error_code == 25,
	    "erin: AS ticket PREAUTH_REQUIRED only: no error");
	s = find_sess(&r, "10.0.1.3", "frank@CORP");
	ok(s != NULL && s->outcome == SO_KDC_ERROR &&
	    s->tgt.n_exchanges == 1 && s->tgt.result == XR_OK &&
	    s->tgt.has_ticket && s->tgt.ticket[0] == 12 &&
	    s->n_tickets == 1 && s->tickets[0].error_code == 24,
	    "frank: TGT #12 ok, kadmin/changepw PREAUTH_FAILED: kdc_error");
}

/* An S4U2Self request (no TGT known: no client name) at host. */
static void
s4u_self(struct run *r, uint64_t f, long sec, const char *host,
    const char *user)
{
	kdc_msg(f, sec, host, KRB_TGS_REQ, NULL, "svc", 0);
	snprintf(km.for_user, sizeof(km.for_user), "%s", user);
	model_krb(r->md, &mctx, &km);
	kdc(r->md, f + 1, sec, host, KRB_TGS_REP, NULL, "svc", 0);
}

/* MIT's S4U2Self client asks an AS-REQ in the user's name first. */
static void
synth_s4u_probe(void)
{
	static struct run r;
	const struct session *s;

	run_start(&r, NULL);
	/* .1: alice probed (twice) 2 s before S4U2Self for her: no alice */
	kdc(r.md, 1, 0, "10.0.2.1", KRB_AS_REQ, "alice", "krbtgt/CORP", 0);
	kdc(r.md, 2, 0, "10.0.2.1", KRB_ERROR, NULL, "krbtgt/CORP", 25);
	kdc(r.md, 3, 1, "10.0.2.1", KRB_AS_REQ, "alice", "krbtgt/CORP", 0);
	kdc(r.md, 4, 1, "10.0.2.1", KRB_ERROR, NULL, "krbtgt/CORP", 25);
	s4u_self(&r, 5, 3, "10.0.2.1", "alice@CORP");
	/* .2: the same 10 s later: a logon attempt of its own */
	kdc(r.md, 11, 0, "10.0.2.2", KRB_AS_REQ, "bob", "krbtgt/CORP", 0);
	kdc(r.md, 12, 0, "10.0.2.2", KRB_ERROR, NULL, "krbtgt/CORP", 25);
	s4u_self(&r, 13, 10, "10.0.2.2", "bob@CORP");
	/* .3: S4U2Self for someone else */
	kdc(r.md, 21, 0, "10.0.2.3", KRB_AS_REQ, "carol", "krbtgt/CORP", 0);
	kdc(r.md, 22, 0, "10.0.2.3", KRB_ERROR, NULL, "krbtgt/CORP", 25);
	s4u_self(&r, 23, 1, "10.0.2.3", "dave@CORP");
	/* .4: a real logon (AS-REP) before the S4U2Self: kept */
	kdc(r.md, 31, 0, "10.0.2.4", KRB_AS_REQ, "erin", "krbtgt/CORP", 0);
	kdc(r.md, 32, 0, "10.0.2.4", KRB_ERROR, NULL, "krbtgt/CORP", 25);
	kdc(r.md, 33, 0, "10.0.2.4", KRB_AS_REQ, "erin", "krbtgt/CORP", 0);
	kdc(r.md, 34, 0, "10.0.2.4", KRB_AS_REP, "erin", "krbtgt/CORP", 0);
	s4u_self(&r, 35, 1, "10.0.2.4", "erin");
	model_free(r.md);
	if (getenv("TEST_MODEL_DUMP") != NULL)
		dump_sessions(&r);
	ok(find_sess(&r, "10.0.2.1", "alice@CORP") == NULL,
	    "S4U probe: no session for alice at .1");
	s = find_sess(&r, "10.0.2.1", NULL);
	ok(s != NULL && s->principal[0] == '\0' &&
	    s->delegation == XD_S4U2SELF &&
	    strcmp(s->for_user, "alice@CORP") == 0 &&
	    s->tgt.n_exchanges == 0 && s->n_tickets == 1 &&
	    s->tickets[0].req_frame == 5 && s->outcome == SO_OK,
	    "S4U probe: .1 one session: S4U2Self #5 for alice");
	ok(s != NULL && s->first_frame == 1 && s->last_frame == 6,
	    "S4U probe: the probe's frames join it (1-6)");
	s = find_sess(&r, "10.0.2.2", "bob@CORP");
	ok(s != NULL && s->tgt.n_exchanges == 1 && s->tgt.error_code == 25,
	    "S4U probe: 10 s before: bob's AS stays his session");
	s = find_sess(&r, "10.0.2.3", "carol@CORP");
	ok(s != NULL && s->tgt.n_exchanges == 1,
	    "S4U probe: another user's S4U2Self: carol's session stays");
	s = find_sess(&r, "10.0.2.4", "erin@CORP");
	ok(s != NULL && s->tgt.n_exchanges == 2 && s->tgt.has_ticket &&
	    s->tgt.result == XR_OK,
	    "S4U probe: a successful AS is a logon: erin's session stays");
}

/* Many clients, few sessions kept: evicted ones handed over, counted. */
struct sflood {
	size_t		 sessions, chains, bad;
};

static void
sflood_sess(void *arg, const struct session *s)
{
	struct sflood *f = arg;

	f->sessions++;
	if (s->tgt.n_exchanges != 1 || s->n_services != 1 ||
	    s->services[0].n_ntlm != 1)
		f->bad++;
}

static void
sflood_chain(void *arg, const struct chain *c)
{
	struct sflood *f = arg;

	(void)c;
	f->chains++;
}

#define SFLOOD_N	100000
#define SFLOOD_CAP	64

static void
test_sess_flood(void)
{
	struct model_limits lim;
	struct model *md;
	struct ntlm_msg nm;
	struct sflood f;
	struct rusage ru0, ru1;
	char src[32];
	uint32_t i;
	int round;

	printf("# sizeof(struct session) %zu, sizeof(struct chain) %zu\n",
	    sizeof(struct session), sizeof(struct chain));
	memset(&f, 0, sizeof(f));
	memset(&nm, 0, sizeof(nm));
	getrusage(RUSAGE_SELF, &ru0);
	for (round = 0; round < 2; round++) {
		model_limits_default(&lim);
		if (round == 0)
			lim.max_sessions = SFLOOD_CAP;
		memset(&f, 0, sizeof(f));
		md = model_new(&lim, NULL, NULL);
		model_set_session_sink(md, sflood_sess, sflood_chain, &f);
		for (i = 0; i < SFLOOD_N; i++) {
			snprintf(src, sizeof(src), "10.%u.%u.%u", i >> 16,
			    (i >> 8) & 0xff, i & 0xff);
			ctx_set(2 * i + 1, (long)(i / 1000), src, 40000,
			    KDC, 88, UDP, "kerberos");
			msg_set(KRB_AS_REQ);
			km.has_nonce = 1;
			km.nonce = i;
			model_tick(md, &mctx.ts);
			model_krb(md, &mctx, &km);
			ctx_set(2 * i + 2, (long)(i / 1000), src, 50000,
			    WEB, 445, TCP, "smb2");
			nm.msg_type = NTLM_AUTHENTICATE;
			snprintf(nm.user, sizeof(nm.user), "u%u", i);
			model_ntlm(md, &mctx, &nm);
		}
		model_free(md);
		ok(f.sessions == SFLOOD_N, "session flood (cap %zu): every "
		    "session handed over (%zu)", lim.max_sessions,
		    f.sessions);
		is_int(f.bad, 0, "session flood: each whole (AS + NTLM)");
		is_int(f.chains, 0, "session flood: no chain");
	}
	getrusage(RUSAGE_SELF, &ru1);
	/* sanitizer runtimes inflate RSS: the bound is for normal builds */
	ok(KS_SANITIZED || ru1.ru_maxrss - ru0.ru_maxrss < 16 * 1024,
	    "session flood: peak RSS grew %ld KiB (< 16 MiB%s)",
	    ru1.ru_maxrss - ru0.ru_maxrss, KS_SANITIZED ?
	    ", not checked under a sanitizer" : "");

	/* evictions counted */
	memset(&f, 0, sizeof(f));
	model_limits_default(&lim);
	lim.max_sessions = SFLOOD_CAP;
	md = model_new(&lim, NULL, NULL);
	model_set_session_sink(md, sflood_sess, sflood_chain, &f);
	for (i = 0; i < 1000; i++) {
		snprintf(src, sizeof(src), "10.9.%u.%u", i >> 8, i & 0xff);
		ctx_set(i + 1, 0, src, 50000, WEB, 445, TCP, "smb2");
		nm.msg_type = NTLM_AUTHENTICATE;
		snprintf(nm.user, sizeof(nm.user), "u%u", i);
		model_ntlm(md, &mctx, &nm);
	}
	/* NTLM logins wait for a verdict: the pending table's turn */
	model_finish(md);
	is_int(model_stats(md)->sessions_evicted, 1000 - SFLOOD_CAP,
	    "session cap: evictions counted");
	is_int(model_stats(md)->sessions, 1000, "session cap: all handed");
	is_int(model_stats(md)->ntlm_logins, 1000, "NTLM logins counted");
	model_free(md);
}

/* Random records over a few hosts with tiny caps: nothing breaks, every
 * session is handed over once. */
static void
test_sess_random(void)
{
	static const char *const hosts[] = {
		"10.0.0.1", "10.0.0.5", "10.0.0.7", "10.0.0.9", "10.0.0.10",
		"10.0.0.11"
	};
	static const uint16_t ports[] = { 88, 80, 445, 1433, 50000, 50001 };
	static const char *const carriers[] = { "kerberos", "http", "smb2",
		"tds" };
	static const char *const snames[] = { "krbtgt/CORP",
		"HTTP/web.corp", "cifs/fs.corp", "svc1" };
	struct model_limits lim;
	struct model *md;
	struct ntlm_msg nm;
	struct auth_rec a;
	struct sflood f;
	uint64_t x;
	uint32_t i, rnd;
	long sec;
	int k;

	memset(&f, 0, sizeof(f));
	model_limits_default(&lim);
	lim.max_sessions = 4;
	lim.max_pending = 8;
	lim.max_tickets = 8;
	lim.answer_secs = 3;
	md = model_new(&lim, NULL, NULL);
	model_set_session_sink(md, sflood_sess, sflood_chain, &f);
	x = 88172645463325252ULL;
	sec = 0;
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		rnd = (uint32_t)(x >> 16);
		sec += (rnd & 0x300) == 0x300;
		ctx_set(i + 1, sec, hosts[rnd % 6], ports[(rnd >> 3) % 6],
		    hosts[(rnd >> 6) % 6], ports[(rnd >> 9) % 6],
		    (rnd >> 12) & 1 ? TCP : UDP, carriers[(rnd >> 13) % 4]);
		k = (int)((rnd >> 15) % 9);
		model_tick(md, &mctx.ts);
		if (k == 7) {
			memset(&nm, 0, sizeof(nm));
			nm.msg_type = NTLM_AUTHENTICATE;
			nm.anonymous = (rnd >> 19) & 1;
			snprintf(nm.user, sizeof(nm.user), "%s",
			    (rnd >> 20) & 1 ? "alice" : "bob@CORP");
			snprintf(nm.av_target_name, sizeof(nm.av_target_name),
			    "%s", snames[(rnd >> 21) % 4]);
			model_ntlm(md, &mctx, &nm);
			continue;
		}
		if (k == 8) {
			auth_set(&a, "result", (int)((rnd >> 19) % 4),
			    "number", 18456, NULL);
			model_auth(md, &mctx, &a);
			continue;
		}
		msg_set(k == 0 ? KRB_AS_REQ : k == 1 ? KRB_TGS_REQ :
		    k == 2 ? KRB_AS_REP : k == 3 ? KRB_TGS_REP :
		    k == 4 ? KRB_AP_REQ : k == 5 ? KRB_AP_REP : KRB_ERROR);
		km.has_cname = (rnd >> 19) & 1;
		snprintf(km.cname, sizeof(km.cname), "%s",
		    (rnd >> 20) & 1 ? "alice" : "svc1");
		snprintf(km.crealm, sizeof(km.crealm), "CORP");
		km.has_sname = 1;
		snprintf(km.sname, sizeof(km.sname), "%s",
		    snames[(rnd >> 21) % 4]);
		km.has_nonce = 1;
		km.nonce = (rnd >> 23) % 3;
		if ((rnd >> 25) & 1)
			ticket_set(&km.ticket, (int)((rnd >> 26) % 12),
			    snames[(rnd >> 21) % 4], "CORP");
		if (k == 1 && ((rnd >> 27) & 1)) {
			km.has_kdc_options = 1;
			km.kdc_options = 0x40020000;
			km.n_add_tickets = 1;
			ticket_set(&km.add_tickets[0],
			    (int)((rnd >> 28) % 12), "svc1", "CORP");
		}
		if (k == 1 && ((rnd >> 29) & 1))
			snprintf(km.for_user, sizeof(km.for_user),
			    "alice@CORP");
		km.has_error = 1;
		km.error_code = (int32_t)((rnd >> 26) % 60);
		model_krb(md, &mctx, &km);
	}
	model_finish(md);
	ok(f.sessions == model_stats(md)->sessions && f.sessions > 0,
	    "random: %zu sessions handed over, %llu evicted, %zu chains",
	    f.sessions,
	    (unsigned long long)model_stats(md)->sessions_evicted, f.chains);
	is_int(f.chains, model_stats(md)->chains, "random: chains counted");
	model_free(md);
}

/* ---- hosts map ------------------------------------------------------ */

static void
dump_hosts(const struct run *r)
{
	const struct host_info *hi;
	char a[64];
	size_t i;
	int k;

	for (i = 0; i < r->n_hosts; i++) {
		hi = &r->hosts[i];
		fmt_addr(a, sizeof(a), hi->family, hi->addr);
		printf("# host %s cut=%d\n", a, hi->names_cut);
		for (k = 0; k < hi->n_names; k++)
			printf("#   name %s %s%s%s #%llu-#%llu\n",
			    model_host_source_name(hi->names[k].source),
			    hi->names[k].name,
			    hi->names[k].alias_of[0] != '\0' ? " -> " : "",
			    hi->names[k].alias_of,
			    (unsigned long long)hi->names[k].first_frame,
			    (unsigned long long)hi->names[k].last_frame);
		for (k = 0; k < hi->n_principals; k++)
			printf("#   principal %s #%llu-#%llu\n",
			    hi->principals[k].name,
			    (unsigned long long)hi->principals[k].first_frame,
			    (unsigned long long)hi->principals[k].last_frame);
	}
}

static const struct host_info *
find_host(const struct run *r, const char *addr)
{
	size_t i;

	for (i = 0; i < r->n_hosts; i++)
		if (r->hosts[i].family == AF_INET &&
		    addr_is(r->hosts[i].addr, addr))
			return &r->hosts[i];
	return NULL;
}

static const struct host_name *
find_name(const struct host_info *hi, const char *name, int source)
{
	int k;

	if (hi == NULL)
		return NULL;
	for (k = 0; k < hi->n_names; k++)
		if (hi->names[k].source == source &&
		    strcmp(hi->names[k].name, name) == 0)
			return &hi->names[k];
	return NULL;
}

static int
has_principal(const struct host_info *hi, const char *name)
{
	int k;

	if (hi == NULL)
		return 0;
	for (k = 0; k < hi->n_principals; k++)
		if (strcmp(hi->principals[k].name, name) == 0)
			return 1;
	return 0;
}

static void
test_hosts(void)
{
	static struct run r;
	const struct exchange *x;
	const struct host_info *hi;
	const struct host_name *hn;
	const struct session *se;
	const struct sess_service *sv;
	const struct spn_parts *sp;
	char path[1024];
	size_t i, n;

	if (run_capture(capture_path(path, sizeof(path), "spn-names.pcap"),
	    &r) != 0) {
		ok(0, "spn-names.pcap read");
		run_free(&r);
		return;
	}
	x = find_x(&r.xs, XK_TGS, "MSSQLSvc/sql.lab.example:1433", 0, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && strcmp(sp->class, "MSSQLSvc") == 0 &&
	    strcmp(sp->host, "sql.lab.example") == 0 && sp->has_port &&
	    sp->port == 1433, "spn-names: TGS SPN MSSQLSvc, "
	    "sql.lab.example, 1433");
	ok(sp != NULL && sp->ip_literal == 0 && !sp->short_name &&
	    sp->instance[0] == '\0', "spn-names: FQDN, no instance");
	x = find_x(&r.xs, XK_TGS, "MSSQLSvc/db.lab.example:1433", 0, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && strcmp(sp->host, "db.lab.example") == 0 &&
	    sp->port == 1433 && x->result == XR_ERROR &&
	    x->error_code == 7, "spn-names: alias SPN db.lab.example, "
	    "S_PRINCIPAL_UNKNOWN");
	x = find_x(&r.xs, XK_TGS, "MSSQLSvc/192.0.2.40", 0, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && sp->ip_literal == 4 &&
	    strcmp(sp->host, "192.0.2.40") == 0 && !sp->short_name,
	    "spn-names: IP literal 192.0.2.40 flagged");
	x = find_x(&r.xs, XK_TGS, "MSSQLSvc/sql.lab.example:1533", 0, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && sp->port == 1533 &&
	    strcmp(sp->class, "MSSQLSvc") == 0,
	    "spn-names: named instance's port 1533");
	x = find_x(&r.xs, XK_AS, "krbtgt/", 0, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && sp->is_krbtgt &&
	    strcmp(sp->host, "LAB.EXAMPLE") == 0,
	    "spn-names: AS krbtgt/LAB.EXAMPLE");
	x = find_x(&r.xs, XK_AP, "MSSQLSvc/", 1433, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && strcmp(sp->class, "MSSQLSvc") == 0 &&
	    strcmp(sp->host, "sql.lab.example") == 0 &&
	    sp->port == 1433 && x->req_frame == 22,
	    "spn-names: AP #22 SPN parsed");
	x = find_x(&r.xs, XK_AP, "MSSQLSvc/", 1433, 2);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && strcmp(sp->host, "db.lab.example") == 0 &&
	    x->req_frame == 122, "spn-names: AP #122 to the alias SPN");
	x = find_x(&r.xs, XK_AP, "MSSQLSvc/", 1533, 0);
	sp = x_spn(&r.xs, x);
	ok(sp != NULL && sp->port == 1533,
	    "spn-names: AP on 1533, SPN port 1533");
	for (i = 0, n = 0; i < r.xs.n; i++)
		if (r.xs.v[i].spn == NULL)
			n++;
	ok(r.xs.n == 20 && n == 0,
	    "spn-names: all %zu exchanges handed over with their SPN",
	    r.xs.n);

	hi = find_host(&r, "192.0.2.40");
	ok(hi != NULL, "spn-names: 192.0.2.40 in the hosts map");
	hn = find_name(hi, "sql.lab.example", HN_DNS);
	ok(hn != NULL && hn->first_frame == 8 && hn->alias_of[0] == '\0',
	    "192.0.2.40: sql.lab.example from DNS, frame 8");
	hn = find_name(hi, "db.lab.example", HN_DNS_ALIAS);
	ok(hn != NULL && strcmp(hn->alias_of, "sql.lab.example") == 0 &&
	    hn->first_frame == 30, "192.0.2.40: db.lab.example a DNS alias "
	    "of sql.lab.example, frame 30");
	ok(find_name(hi, "db.lab.example", HN_DNS) == NULL,
	    "192.0.2.40: the alias is no A record owner");
	hn = find_name(hi, "sql.lab.example", HN_SPN);
	ok(hn != NULL && hn->first_frame == 22 && hn->last_frame == 156,
	    "192.0.2.40: sql.lab.example from SPNs, frames 22-156");
	hn = find_name(hi, "db.lab.example", HN_SPN);
	ok(hn != NULL && hn->first_frame == 122,
	    "192.0.2.40: db.lab.example from the SPN of frame 122");
	hn = find_name(hi, "sql", HN_TDS);
	ok(hn != NULL && hn->first_frame == 22,
	    "192.0.2.40: TDS ServerName sql, frame 22");
	ok(find_name(hi, "db", HN_TDS) != NULL &&
	    find_name(hi, "db.lab.example", HN_TDS) != NULL &&
	    find_name(hi, "sql.lab.example", HN_TDS) != NULL,
	    "192.0.2.40: TDS ServerNames db, db.lab.example, "
	    "sql.lab.example");
	hn = find_name(hi, "sql-by-ip", HN_TDS);
	ok(hn != NULL && hn->first_frame == 156,
	    "192.0.2.40: TDS ServerName sql-by-ip, frame 156");
	ok(find_name(hi, "192.0.2.40", HN_SPN) == NULL,
	    "192.0.2.40: its own address is no name");
	is_int(hi != NULL ? hi->n_names : -1, 9, "192.0.2.40: 9 names");
	is_int(hi != NULL ? hi->n_principals : -1, 0,
	    "192.0.2.40: no client principal");
	hi = find_host(&r, "192.0.2.20");
	ok(has_principal(hi, "alice@LAB.EXAMPLE"),
	    "spn-names: 192.0.2.20 is alice@LAB.EXAMPLE");
	ok(hi != NULL && hi->principals[0].first_frame == 3,
	    "spn-names: alice from the AS-REQ of frame 3");
	is_int(hi != NULL ? hi->n_names : -1, 0, "192.0.2.20: no names");
	is_int(r.st.hosts, 2, "spn-names: 2 addresses");
	is_int(r.st.hosts_evicted + r.st.host_names_cut, 0,
	    "spn-names: nothing evicted or cut");
	se = find_sess(&r, "192.0.2.20", "alice@LAB.EXAMPLE");
	sv = find_svc(se, "192.0.2.40", 1433);
	ok(sv != NULL && strcmp(sv->used_name, "sql-by-ip") == 0 &&
	    sv->used_source == HN_TDS,
	    "spn-names: 1433 service: ServerName of the last login");
	ok(sv != NULL && strcmp(sv->dns_name, "sql.lab.example") == 0 &&
	    sv->dns_source == HN_DNS,
	    "spn-names: 1433 service: DNS name sql.lab.example");
	sv = find_svc(se, "192.0.2.40", 1533);
	ok(sv != NULL && strcmp(sv->used_name, "sql.lab.example") == 0 &&
	    sv->used_source == HN_TDS &&
	    strcmp(sv->dns_name, "sql.lab.example") == 0,
	    "spn-names: 1533 service: sql.lab.example (TDS, DNS)");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "http-negotiate.pcap"), &r) == 0) {
		hi = find_host(&r, "192.0.2.30");
		ok(find_name(hi, "web.lab.example", HN_HTTP) != NULL,
		    "http-negotiate: Host web.lab.example for 192.0.2.30");
		ok(find_name(hi, "web.lab.example", HN_DNS) != NULL,
		    "http-negotiate: DNS web.lab.example for 192.0.2.30");
		ok(find_name(hi, "web.lab.example", HN_SPN) != NULL,
		    "http-negotiate: SPN host web.lab.example");
		is_int(hi != NULL ? hi->n_names : -1, 3,
		    "http-negotiate: 192.0.2.30 has 3 names (port "
		    "stripped)");
		ok(find_name(find_host(&r, "192.0.2.10"), "kdc.lab.example",
		    HN_DNS) != NULL, "http-negotiate: kdc.lab.example");
		ok(has_principal(find_host(&r, "192.0.2.20"),
		    "alice@LAB.EXAMPLE"), "http-negotiate: alice at .20");
		sv = find_svc(find_sess(&r, "192.0.2.20", NULL), "192.0.2.30",
		    8080);
		ok(sv != NULL && strcmp(sv->used_name, "web.lab.example") ==
		    0 && sv->used_source == HN_HTTP &&
		    strcmp(sv->dns_name, "web.lab.example") == 0,
		    "http-negotiate: 8080 service used web.lab.example");
	} else
		ok(0, "http-negotiate.pcap read");
	run_free(&r);

	if (run_capture(capture_path(path, sizeof(path),
	    "samba-spn-missing.pcap"), &r) == 0) {
		hi = find_host(&r, "192.0.2.10");
		hn = find_name(hi, "files.lab.example", HN_SMB);
		ok(hn != NULL && hn->first_frame == 57,
		    "samba-spn-missing: SMB tree server files.lab.example "
		    "for the DC, frame 57");
		ok(find_name(hi, "files.lab.example", HN_DNS) != NULL,
		    "samba-spn-missing: DNS files.lab.example");
		sv = find_svc(find_sess(&r, "192.0.2.20", NULL), "192.0.2.10",
		    445);
		ok(sv != NULL && strcmp(sv->used_name, "files.lab.example") ==
		    0 && sv->used_source == HN_SMB,
		    "samba-spn-missing: SMB service used files.lab.example");
	} else
		ok(0, "samba-spn-missing.pcap read");
	run_free(&r);
}

struct hcount {
	int		 n;
	int		 v6;
};

static void	hcount_fn(void *, const struct host_info *);

static void
hcount_fn(void *arg, const struct host_info *hi)
{
	struct hcount *hc = arg;

	hc->n++;
	if (hi->family == AF_INET6)
		hc->v6++;
}

static void	dns_rr_set(struct dns_rr *, const char *, int, const char *);

static void
dns_rr_set(struct dns_rr *rr, const char *name, int type, const char *data)
{
	memset(rr, 0, sizeof(*rr));
	snprintf(rr->name, sizeof(rr->name), "%s", name);
	rr->type = (uint16_t)type;
	rr->class = 1;
	rr->ttl = 60;
	snprintf(rr->data, sizeof(rr->data), "%s", data);
	/* the address as the decoder gives it too */
	if (type == 1)		/* A */
		(void)inet_pton(AF_INET, data, rr->addr);
	else if (type == 28)	/* AAAA */
		(void)inet_pton(AF_INET6, data, rr->addr);
}

static void
test_hosts_synth(void)
{
	static struct run r;
	static struct dns_rec d;
	static struct host_info hi;
	struct host_name hn[HOST_MAX_NAMES + 4];
	struct model_limits lim;
	struct auth_rec a;
	struct hcount hc;
	const struct session *se;
	const struct sess_service *sv;
	uint8_t v4[16], v6[16];
	char name[64], tgt[64];
	int n, k, i;

	memset(v4, 0, sizeof(v4));
	memset(v6, 0, sizeof(v6));
	inet_pton(AF_INET, WEB, v4);
	inet_pton(AF_INET6, "2001:db8::7", v6);
	model_limits_default(&lim);
	run_start(&r, &lim);

	/* a CNAME chain alias -> mid -> canon, A and AAAA, to CLI */
	memset(&d, 0, sizeof(d));
	d.response = 1;
	snprintf(d.qname, sizeof(d.qname), "app.corp");
	d.qtype = 1;
	dns_rr_set(&d.an[0], "app.corp", 5, "mid.corp");
	dns_rr_set(&d.an[1], "mid.corp.", 5, "web.corp.");
	dns_rr_set(&d.an[2], "web.corp", 1, WEB);
	dns_rr_set(&d.an[3], "WEB.corp.", 28, "2001:db8::7");
	dns_rr_set(&d.an[4], "other.corp", 5, "elsewhere.corp");
	d.n_answers = 5;
	ctx_set(1, 0, KDC, 53, CLI, 40000, UDP, "dns");
	model_dns(r.md, &mctx, &d);
	n = model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES);
	is_int(n, 3, "synth DNS: 3 names for the address");
	ok(n == 3 && strcmp(hn[0].name, "web.corp") == 0 &&
	    hn[0].source == HN_DNS, "synth DNS: web.corp (final dot gone)");
	ok(n == 3 && hn[1].source == HN_DNS_ALIAS &&
	    strcmp(hn[1].name, "app.corp") == 0 &&
	    strcmp(hn[1].alias_of, "web.corp") == 0,
	    "synth DNS: app.corp an alias of web.corp");
	ok(n == 3 && hn[2].source == HN_DNS_ALIAS &&
	    strcmp(hn[2].name, "mid.corp") == 0 &&
	    strcmp(hn[2].alias_of, "web.corp") == 0,
	    "synth DNS: mid.corp an alias of web.corp");
	is_int(model_host_names(r.md, AF_INET6, v6, hn, HOST_MAX_NAMES), 3,
	    "synth DNS: the AAAA address has them too");
	ok(strcmp(hn[0].name, "WEB.corp") == 0 && hn[0].source == HN_DNS,
	    "synth DNS: AAAA owner as written");
	is_int(model_host_names(r.md, AF_INET, v4, hn, 1), 1,
	    "model_host_names: at most max");
	/* ignored: an error answer, a query */
	d.rcode = 3;
	dns_rr_set(&d.an[2], "nx.corp", 1, "10.0.0.99");
	model_dns(r.md, &mctx, &d);
	d.rcode = 0;
	d.response = 0;
	model_dns(r.md, &mctx, &d);
	inet_pton(AF_INET, "10.0.0.99", v4);
	ok(model_host_get(r.md, AF_INET, v4, &hi) == -1 && hi.n_names == 0,
	    "synth DNS: NXDOMAIN and queries add nothing");
	inet_pton(AF_INET, WEB, v4);

	/* carrier names: HTTP Host with port, IPv6 Host, SMB, TDS */
	ctx_set(2, 1, CLI, 40001, WEB, 8080, TCP, "http");
	auth_set(&a, "request", AUTH_NONE, "host", 0, "Web.Corp:8080");
	model_auth(r.md, &mctx, &a);
	ctx_set(3, 1, CLI, 40002, WEB, 445, TCP, "smb2");
	auth_set(&a, "tree_connect", AUTH_NONE, "path", 0,
	    "\\\\FILES\\share");
	model_auth(r.md, &mctx, &a);
	auth_set(&a, "tree_connect", AUTH_NONE, "path", 0, "share");
	model_auth(r.md, &mctx, &a);
	auth_set(&a, "tree_connect", AUTH_NONE, "path", 0, "\\\\");
	model_auth(r.md, &mctx, &a);
	ctx_set(4, 1, CLI, 40003, WEB, 1433, TCP, "tds");
	auth_set(&a, "login7", AUTH_NONE, "server_name", 0, "sql\\INST1");
	model_auth(r.md, &mctx, &a);
	auth_set(&a, "login7", AUTH_NONE, "server_name", 0, "");
	model_auth(r.md, &mctx, &a);
	n = model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES);
	is_int(n, 6, "synth carriers: 3 more names");
	ok(n == 6 && strcmp(hn[3].name, "Web.Corp") == 0 &&
	    hn[3].source == HN_HTTP && hn[3].first_frame == 2,
	    "synth: HTTP Host, port stripped");
	ok(n == 6 && strcmp(hn[4].name, "FILES") == 0 &&
	    hn[4].source == HN_SMB, "synth: SMB tree server FILES");
	ok(n == 6 && strcmp(hn[5].name, "sql\\INST1") == 0 &&
	    hn[5].source == HN_TDS, "synth: TDS ServerName as written");
	memset(&mctx, 0, sizeof(mctx));
	mctx.frame = 5;
	mctx.ts.tv_sec = 1700000001;
	mctx.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::5", mctx.src);
	memcpy(mctx.dst, v6, 16);
	mctx.sport = 40004;
	mctx.dport = 443;
	mctx.transport = TCP;
	mctx.carrier = "http";
	auth_set(&a, "request", AUTH_NONE, "host", 0,
	    "[2001:db8::7]:443");
	model_auth(r.md, &mctx, &a);
	ok(model_host_get(r.md, AF_INET6, v6, &hi) == 0 && hi.n_names == 4 &&
	    strcmp(hi.names[3].name, "2001:db8::7") == 0 &&
	    hi.names[3].source == HN_HTTP,
	    "synth: IPv6 Host without brackets and port");

	/* an AP exchange: its SPN's host; krbtgt and the address not */
	ap_req(10, 2, 50000, 80, "http", 0x41, 1);
	ticket_set(&km.ticket, 0x41, "HTTP/app.corp", "CORP");
	model_krb(r.md, &mctx, &km);
	ctx_set(11, 2, WEB, 80, CLI, 50000, TCP, "http");
	auth_set(&a, "response", AUTH_OK, "status", 200, NULL);
	model_auth(r.md, &mctx, &a);
	ap_req(12, 2, 50001, 81, "http", 0x42, 2);
	ticket_set(&km.ticket, 0x42, "HTTP/" WEB, "CORP");
	model_krb(r.md, &mctx, &km);
	ap_req(13, 2, 50002, 82, "http", 0x43, 3);
	ticket_set(&km.ticket, 0x43, "krbtgt/CORP", "CORP");
	model_krb(r.md, &mctx, &km);
	as_req(14, 3, 40100, 7, "alice");
	model_krb(r.md, &mctx, &km);
	model_finish(r.md);
	n = model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES);
	is_int(n, 7, "synth AP: one SPN name");
	ok(n == 7 && strcmp(hn[6].name, "app.corp") == 0 &&
	    hn[6].source == HN_SPN && hn[6].first_frame == 10,
	    "synth AP: app.corp from the SPN of frame 10");
	inet_pton(AF_INET, CLI, v4);
	ok(model_host_get(r.md, AF_INET, v4, &hi) == 0 &&
	    hi.n_principals == 1 &&
	    strcmp(hi.principals[0].name, "alice@CORP") == 0 &&
	    hi.principals[0].first_frame == 14,
	    "synth AS: alice@CORP at the client");
	se = find_sess(&r, CLI, NULL);
	sv = find_svc(se, WEB, 80);
	ok(sv != NULL && strcmp(sv->dns_name, "app.corp") == 0 &&
	    sv->dns_source == HN_DNS_ALIAS,
	    "synth session: the client resolved the alias app.corp");
	ok(sv != NULL && sv->used_name[0] == '\0' && sv->used_source == 0,
	    "synth session: no carrier name on port 80");
	memset(&hc, 0, sizeof(hc));
	model_hosts_walk(r.md, hcount_fn, &hc);
	ok(hc.n == 3 && hc.v6 == 1, "synth walk: 3 addresses, 1 IPv6");
	model_free(r.md);
	r.md = NULL;
	free(r.xs.v);
	free(r.xs.sp);

	/* caps: names per address, addresses */
	model_limits_default(&lim);
	lim.max_hosts = 8;
	r.md = model_new(&lim, NULL, NULL);
	inet_pton(AF_INET, WEB, v4);
	memset(&d, 0, sizeof(d));
	d.response = 1;
	snprintf(d.qname, sizeof(d.qname), "alias.corp");
	dns_rr_set(&d.an[0], "alias.corp", 5, "web.corp");
	dns_rr_set(&d.an[1], "web.corp", 1, WEB);
	d.n_answers = 2;
	ctx_set(1, 0, KDC, 53, CLI, 40000, UDP, "dns");
	model_dns(r.md, &mctx, &d);
	for (i = 0; i < HOST_MAX_NAMES + 8; i++) {
		ctx_set(2 + (uint64_t)i, 1, CLI, 40001, WEB, 1433, TCP, "tds");
		snprintf(name, sizeof(name), "n%d", i);
		auth_set(&a, "login7", AUTH_NONE, "server_name", 0, name);
		model_auth(r.md, &mctx, &a);
		/* the DNS names, seen again each time, stay */
		ctx_set(50 + (uint64_t)i, 1, KDC, 53, CLI, 40000, UDP, "dns");
		model_dns(r.md, &mctx, &d);
	}
	ok(model_host_get(r.md, AF_INET, v4, &hi) == 0 &&
	    hi.n_names == HOST_MAX_NAMES && hi.names_cut == 10,
	    "name cap: %d names kept, 10 replaced", HOST_MAX_NAMES);
	is_int(model_stats(r.md)->host_names_cut, 10,
	    "name cap: counted in stats");
	for (k = 0, n = 0; k < hi.n_names; k++)
		if (strcmp(hi.names[k].name, "n19") == 0 ||
		    strcmp(hi.names[k].name, "web.corp") == 0 ||
		    (strcmp(hi.names[k].name, "alias.corp") == 0 &&
		    strcmp(hi.names[k].alias_of, "web.corp") == 0))
			n++;
	is_int(n, 3, "name cap: the newest and the recently seen kept");
	for (k = 0, n = 0; k < hi.n_names; k++)
		if (strcmp(hi.names[k].name, "n0") == 0)
			n++;
	is_int(n, 0, "name cap: the least recently seen replaced");
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "10.2.0.%d", i + 1);
		dns_rr_set(&d.an[1], "web.corp", 1, name);
		ctx_set(100 + (uint64_t)i, 2, KDC, 53, CLI, 40000, UDP, "dns");
		model_dns(r.md, &mctx, &d);
	}
	memset(&hc, 0, sizeof(hc));
	model_hosts_walk(r.md, hcount_fn, &hc);
	is_int(hc.n, 8, "host cap: 8 addresses kept");
	is_int(model_stats(r.md)->hosts, 21, "host cap: 21 entered");
	is_int(model_stats(r.md)->hosts_evicted, 13,
	    "host cap: 13 evicted, counted");
	inet_pton(AF_INET, "10.2.0.20", v4);
	is_int(model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES), 2,
	    "host cap: the latest kept (name and alias)");
	inet_pton(AF_INET, "10.2.0.1", v4);
	is_int(model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES), 0,
	    "host cap: the oldest forgotten");
	model_free(r.md);
	memset(&r, 0, sizeof(r));

	/* hostile records: random names, loops, counts out of range */
	model_limits_default(&lim);
	lim.max_hosts = 16;
	r.md = model_new(&lim, NULL, NULL);
	srand(6);
	for (i = 0; i < 20000; i++) {
		memset(&d, 0, sizeof(d));
		d.response = 1;
		d.n_answers = rand() % (DNS_MAX_ANSWERS + 8) - 4;
		snprintf(d.qname, sizeof(d.qname), "n%d", rand() % 8);
		for (k = 0; k < DNS_MAX_ANSWERS; k++) {
			snprintf(name, sizeof(name), "n%d%s", rand() % 8,
			    rand() % 2 ? "." : "");
			if (rand() % 3 == 0) {
				snprintf(tgt, sizeof(tgt), "n%d", rand() % 8);
				dns_rr_set(&d.an[k], name, 5, tgt);
			} else
				dns_rr_set(&d.an[k], name, rand() % 2 ? 1 :
				    28, rand() % 2 ? "10.3.0.1" :
				    rand() % 2 ? "2001:db8::3" : "x");
		}
		ctx_set((uint64_t)i + 1, i / 100, KDC, 53, rand() % 2 ? CLI :
		    WEB, 40000, UDP, "dns");
		model_dns(r.md, &mctx, &d);
		snprintf(name, sizeof(name), "%s%d%s", rand() % 2 ? "\\" :
		    "[", rand() % 50, rand() % 2 ? "]:80" : ":");
		auth_set(&a, rand() % 3 == 0 ? "login7" : rand() % 2 ?
		    "request" : "tree_connect", AUTH_NONE, rand() % 3 == 0 ?
		    "server_name" : rand() % 2 ? "host" : "path", 0, name);
		snprintf(name, sizeof(name), "10.4.0.%d", rand() % 40);
		ctx_set((uint64_t)i + 1, i / 100, CLI, 40001, name, 80, TCP,
		    "http");
		model_auth(r.md, &mctx, &a);
	}
	memset(&hc, 0, sizeof(hc));
	model_hosts_walk(r.md, hcount_fn, &hc);
	ok(hc.n <= 16 && model_stats(r.md)->hosts_evicted > 0,
	    "random records: %d addresses (cap 16), %llu evicted", hc.n,
	    (unsigned long long)model_stats(r.md)->hosts_evicted);
	inet_pton(AF_INET, "10.3.0.1", v4);
	n = model_host_names(r.md, AF_INET, v4, hn, HOST_MAX_NAMES);
	for (k = 0, i = 0; k < n; k++)
		if (hn[k].source == HN_DNS_ALIAS && hn[k].alias_of[0] == '\0')
			i++;
	ok(n > 0 && n <= HOST_MAX_NAMES,
	    "random records: %d names for 10.3.0.1 (%d aliases whose "
	    "name was replaced)", n, i);
	model_free(r.md);
	memset(&r, 0, sizeof(r));
}
