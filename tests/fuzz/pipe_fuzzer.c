/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pipe_fuzzer.c - fuzz target for everything after the dissectors: the
 * records of hostile packets (net_records.inc's input) go, as in
 * main.c, to the model (exchanges, tickets, sessions, chains, the hosts
 * map, with tiny limits so that every cap is reached), the diagnosis and
 * the outputs (JSON, or the text report with -v lines: the first input
 * byte's low bit), written to /dev/null. Runs under libFuzzer, or over
 * files with tests/fuzz/replay.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "diag.h"
#include "engine.h"
#include "model.h"
#include "out.h"
#include "record.h"

#include "net_records.inc"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct pipe {
	struct out	*out;
	struct model	*md;
	struct diag	*diag;
};

static void	p_krb(void *, const struct msg_ctx *, const struct krb_msg *);
static void	p_ntlm(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	p_spnego(void *, const struct msg_ctx *,
		    const struct spnego_info *);
static void	p_auth(void *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	p_dns(void *, const struct msg_ctx *, const struct dns_rec *);
static void	p_exchange(void *, const struct exchange *);
static void	p_session(void *, const struct session *);
static void	p_chain(void *, const struct chain *);

static void
p_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct pipe *p = arg;

	out_krb(p->out, mc, m);
	diag_krb(p->diag, mc, m);
	model_tick(p->md, &mc->ts);
	model_krb(p->md, mc, m);
}

static void
p_ntlm(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct pipe *p = arg;

	out_ntlm(p->out, mc, m);
	model_tick(p->md, &mc->ts);
	model_ntlm(p->md, mc, m);
}

static void
p_spnego(void *arg, const struct msg_ctx *mc, const struct spnego_info *sp)
{
	out_spnego(((struct pipe *)arg)->out, mc, sp);
}

static void
p_auth(void *arg, const struct msg_ctx *mc, const struct auth_rec *a)
{
	struct pipe *p = arg;

	out_auth(p->out, mc, a);
	diag_auth(p->diag, mc, a);
	model_tick(p->md, &mc->ts);
	model_auth(p->md, mc, a);
}

static void
p_dns(void *arg, const struct msg_ctx *mc, const struct dns_rec *d)
{
	struct pipe *p = arg;

	out_dns(p->out, mc, d);
	model_tick(p->md, &mc->ts);
	model_dns(p->md, mc, d);
}

static void
p_exchange(void *arg, const struct exchange *x)
{
	struct pipe *p = arg;

	out_exchange(p->out, x);
	diag_exchange(p->diag, x);
}

static void
p_session(void *arg, const struct session *s)
{
	struct pipe *p = arg;

	out_session(p->out, s);
	diag_session(p->diag, s);
}

static void
p_chain(void *arg, const struct chain *c)
{
	struct pipe *p = arg;

	diag_chain(p->diag, c);
	out_chain(p->out, c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_limits ml;
	struct engine_ops ops;
	struct out_opts oo;
	struct run_info ri;
	struct engine eng;
	struct pipe p;
	FILE *fp;

	if ((fp = fopen("/dev/null", "w")) == NULL)
		abort();
	memset(&oo, 0, sizeof(oo));
	oo.fp = fp;
	oo.source = "fuzz";
	oo.linktype = -1;
	/* JSON, or the report with a line per record */
	oo.mode = size > 0 && (data[0] & 1) ? OUT_REPORT : OUT_JSON;
	oo.verbose = oo.mode == OUT_REPORT;
	p.out = out_new(&oo);
	model_limits_default(&ml);
	ml.max_pending = 8;
	ml.max_tickets = 16;
	ml.max_sessions = 4;
	ml.max_hosts = 8;
	ml.answer_secs = 5;
	ml.session_idle_secs = 20;
	p.md = model_new(&ml, p_exchange, &p);
	model_set_spn_all(p.md, 1);
	p.diag = diag_new(p.md);
	out_set_diag(p.out, p.diag);
	model_set_session_sink(p.md, p_session, p_chain, &p);

	memset(&ops, 0, sizeof(ops));
	ops.krb = p_krb;
	ops.ntlm = p_ntlm;
	ops.spnego = p_spnego;
	ops.auth = p_auth;
	ops.dns = p_dns;
	ops.arg = &p;
	engine_init(&eng, &ops);
	eng.lim.max_flows = 8;
	eng.lim.flow_bytes = 4096;
	eng.lim.total_bytes = 16384;
	eng.lim.max_msg_bytes = 4096;
	feed_records(&eng, data, size);
	engine_fini(&eng);
	model_finish(p.md);
	diag_finish(p.diag);
	model_hosts_walk(p.md, out_host, p.out);
	memset(&ri, 0, sizeof(ri));
	ri.model = model_stats(p.md);
	out_finish(p.out, &eng, &ri);
	/* the caps held */
	if (model_stats(p.md)->hosts > model_stats(p.md)->hosts_evicted +
	    ml.max_hosts)
		abort();
	model_free(p.md);
	diag_free(p.diag);
	out_free(p.out);
	fclose(fp);
	return 0;
}
