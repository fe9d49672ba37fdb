/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * engine.c - the packet path's entry point, its limits, and the hand-off
 * of decoded messages to the outputs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1ref.h"
#include "dissector.h"
#include "engine.h"
#include "util.h"

static void	msg_ctx_fill(struct msg_ctx *, const struct dis_ctx *,
		    const char *);

void	link_input(struct engine *, const struct pkt_meta *,
	    const uint8_t *, size_t);

void
limits_default(struct limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->max_flows = 65536;
	lim->flow_bytes = 256 * 1024;
	lim->total_bytes = 64 * 1024 * 1024;
	lim->max_ooo_segs = 64;
	lim->flow_idle_secs = 120;
	lim->flow_closed_secs = 10;
	lim->max_frag_dgrams = 1024;
	lim->max_frags_per_dgram = 64;
	lim->frag_total_bytes = 16 * 1024 * 1024;
	lim->frag_timeout_secs = 30;
	lim->max_msg_bytes = 256 * 1024;
}

void
engine_init(struct engine *eng, const struct engine_ops *ops)
{
	memset(eng, 0, sizeof(*eng));
	limits_default(&eng->lim);
	if (ops != NULL)
		eng->ops = *ops;
	eng->linktype = -1;
	eng->defrag = defrag_new();
	eng->flows = flowtab_new();
	registry_hints_update();
}

/* Ends every flow (delivering what is held) and frees all state. */
void
engine_fini(struct engine *eng)
{
	if (eng->flows != NULL)
		flowtab_free(eng, eng->flows);
	eng->flows = NULL;
	defrag_free(eng->defrag);
	eng->defrag = NULL;
}

void
engine_packet(struct engine *eng, const struct pkt_meta *pkt,
    const uint8_t *p, size_t caplen)
{
	eng->st.packets++;
	eng->st.bytes += pkt->wirelen;
	if (eng->st.packets == 1)
		eng->first_ts = pkt->ts;
	eng->last_ts = pkt->ts;
	/* Capture time only moves forward for expiry purposes. */
	if (timercmp(&pkt->ts, &eng->now, >)) {
		if (pkt->ts.tv_sec != eng->now.tv_sec && eng->now.tv_sec != 0) {
			eng->now = pkt->ts;
			defrag_expire(eng, eng->defrag);
			flowtab_expire(eng, eng->flows);
		}
		eng->now = pkt->ts;
	}
	link_input(eng, pkt, p, caplen);
}

/* Where the record was seen, from the dissector's context. */
static void
msg_ctx_fill(struct msg_ctx *mc, const struct dis_ctx *ctx,
    const char *carrier)
{
	memset(mc, 0, sizeof(*mc));
	mc->frame = ctx->pkt->frame;
	mc->ts = ctx->pkt->ts;
	mc->family = ctx->family;
	memcpy(mc->src, ctx->src, sizeof(mc->src));
	memcpy(mc->dst, ctx->dst, sizeof(mc->dst));
	mc->sport = ctx->sport;
	mc->dport = ctx->dport;
	mc->transport = ctx->transport;
	mc->carrier = carrier;
	mc->dir = ctx->dir != 0;
	mc->spnego = ctx->spnego;
}

/* The capture loop's timer: time passes without packets. */
void
engine_idle(struct engine *eng, const struct timeval *now)
{
	if (eng->ops.tick != NULL)
		eng->ops.tick(eng->ops.arg, now);
}

void
engine_emit_krb(struct dis_ctx *ctx, const char *carrier,
    const struct krb_msg *msg)
{
	struct engine *eng = ctx->eng;
	struct msg_ctx mc;
	char *tree;

	eng->st.krb_msgs++;
	if (msg->msg_type > 0 && msg->msg_type < KRB_MSG_TYPES)
		eng->st.msgs_by_type[msg->msg_type]++;
	if (msg->status == KRB_TRUNCATED)
		eng->st.krb_truncated++;
	else if (msg->status == KRB_INVALID)
		eng->st.krb_invalid++;
	if (eng->ops.krb == NULL)
		return;
	msg_ctx_fill(&mc, ctx, carrier);
	/* the reference decoder is slow: only when the tree is shown */
	tree = NULL;
	if (eng->want_tree && msg->raw != NULL) {
		if (asn1ref_tree(msg->raw, msg->raw_len, &tree) != 0) {
			tree = xmalloc(256);
			snprintf(tree, 256, "(no field tree: the reference "
			    "decoder rejects the message: %s)\n",
			    asn1ref_error());
		}
		mc.tree = tree;
	}
	eng->ops.krb(eng->ops.arg, &mc, msg);
	free(tree);
}

void
engine_emit_ntlm(struct dis_ctx *ctx, const char *carrier,
    const struct ntlm_msg *m)
{
	struct engine *eng = ctx->eng;
	struct msg_ctx mc;

	eng->st.ntlm_msgs++;
	if (eng->ops.ntlm == NULL)
		return;
	msg_ctx_fill(&mc, ctx, carrier);
	eng->ops.ntlm(eng->ops.arg, &mc, m);
}

void
engine_emit_spnego(struct dis_ctx *ctx, const char *carrier,
    const struct spnego_info *sp)
{
	struct engine *eng = ctx->eng;
	struct msg_ctx mc;

	if (eng->ops.spnego == NULL)
		return;
	msg_ctx_fill(&mc, ctx, carrier);
	mc.spnego = NULL;
	eng->ops.spnego(eng->ops.arg, &mc, sp);
}

void
engine_emit_auth(struct dis_ctx *ctx, const char *carrier,
    const struct auth_rec *a)
{
	struct engine *eng = ctx->eng;
	struct msg_ctx mc;

	eng->st.auth_events++;
	if (eng->ops.auth == NULL)
		return;
	msg_ctx_fill(&mc, ctx, carrier);
	mc.spnego = NULL;
	eng->ops.auth(eng->ops.arg, &mc, a);
}

void
engine_emit_dns(struct dis_ctx *ctx, const char *carrier,
    const struct dns_rec *d)
{
	struct engine *eng = ctx->eng;
	struct msg_ctx mc;

	eng->st.dns_msgs++;
	if (d->response)
		eng->st.dns_responses++;
	if (eng->ops.dns == NULL)
		return;
	msg_ctx_fill(&mc, ctx, carrier);
	mc.spnego = NULL;
	eng->ops.dns(eng->ops.arg, &mc, d);
}
