/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * net_fuzzer.c - fuzz target for the whole packet path (link layer, IP,
 * fragments, UDP/TCP, flows, reassembly, dissectors) with small limits so
 * that every cap is reached. The input is a sequence of records:
 *
 *   [1 byte selector][2 bytes big-endian length][packet bytes]
 *
 * selector bits 0-2 pick the link type (table below), bits 3-7 the
 * seconds capture time moves on before the packet (so expiry runs).
 * A record shorter than its length takes what is left. Runs under
 * libFuzzer, or over files with tests/fuzz/replay.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "engine.h"
#include "record.h"

#include "net_records.inc"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	sink(void *, const struct msg_ctx *, const struct krb_msg *);


/* Touches what an output would read, so bad records show up. */
static void
sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *msg)
{
	size_t *n = arg;

	*n += strlen(msg->cname) + strlen(msg->crealm) + strlen(msg->sname) +
	    strlen(msg->realm) + strlen(msg->ticket.sname) +
	    strlen(msg->ticket.realm) + strlen(mc->carrier) +
	    (mc->frame > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine eng;
	struct engine_ops ops;
	size_t seen;

	seen = 0;
	memset(&ops, 0, sizeof(ops));
	ops.krb = sink;
	ops.arg = &seen;
	engine_init(&eng, &ops);
	eng.lim.max_flows = 8;
	eng.lim.flow_bytes = 2048;
	eng.lim.total_bytes = 6144;
	eng.lim.max_ooo_segs = 4;
	eng.lim.flow_idle_secs = 6;
	eng.lim.flow_closed_secs = 2;
	eng.lim.max_frag_dgrams = 4;
	eng.lim.max_frags_per_dgram = 6;
	eng.lim.frag_total_bytes = 4096;
	eng.lim.frag_timeout_secs = 3;
	eng.lim.max_msg_bytes = 1536;

	feed_records(&eng, data, size);
	engine_fini(&eng);
	/* everything released; the buffering cap never passed */
	if (eng.st.reasm_bytes != 0 || eng.st.flows_active != 0 ||
	    eng.st.reasm_peak > eng.lim.total_bytes)
		abort();
	return 0;
}
