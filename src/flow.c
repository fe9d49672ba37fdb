/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * flow.c - UDP and TCP headers, the flow table (bidirectional 5-tuple,
 * LRU-bounded, idle and close expiry) and the choice of a dissector per
 * flow: port hint when the flow starts, else content probes of the first
 * payloads, else the flow is ignored (bookkeeping only).
 *
 * Caps: lim.max_flows, the least recently active flow (to the second) is
 * evicted (flows_evicted); idle flows end after lim.flow_idle_secs,
 * closed ones (FIN both ways, or RST) lim.flow_closed_secs after closing
 * (flows_expired). A flow that ends hands its held data on first.
 * RFC 768 (UDP), RFC 9293 (TCP).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "flow.h"
#include "util.h"

#define FT_MIN_BUCKETS	64
#define FT_MAX_BUCKETS	(1u << 20)
#define FT_FREE_MAX	1024	/* released flows kept for reuse */
#define UDP_PROBES	2	/* non-empty datagrams probed per side */

/*
 * Unclaimed traffic has no flow; to probe only the first packets of each
 * of its connections ("the first bytes of each direction"), a direct-
 * mapped table counts the packets probed per connection hash: a 28-bit
 * tag and the count in one word each, 16 KB that stay in cache (a miss
 * per unclaimed packet cost more than the probes it saved). A collision
 * starts the count again: bounded, and at worst a few probes more.
 */
#define NPROBE_SLOTS	4096
#define NPROBE_FIRST	8	/* payload packets probed per connection */
#define NPROBE_COUNT	0xfu	/* the count's bits in a slot */

struct flowtab {
	struct flow	**buckets;	/* owned array, borrowed entries */
	size_t		 nbuckets;	/* power of two */
	uint64_t	 seed;
	struct flow	*lru_head, *lru_tail;	/* owned: every flow */
	struct flow	*cl_head, *cl_tail;	/* borrowed: closed flows */
	struct flow	*free_list;	/* owned, linked by hnext */
	size_t		 n_free;
	size_t		 count;
	size_t		 n_unhinted;	/* flows without a port hint */
	uint32_t	 nprobe[NPROBE_SLOTS];	/* tag | count */
};

static const struct dissector *test_dis;

static void	ft_setup(struct engine *, struct flowtab *);
static uint64_t	conn_hash(const struct ip_info *, uint16_t, uint16_t);
static uint64_t	key_hash(const struct ip_info *, int, uint16_t, uint16_t,
		    uint64_t);
static struct flow *flow_get(struct engine *, const struct ip_info *,
		    uint16_t, uint16_t, const struct tcp_hdr *, int *);
static struct flow *flow_find(struct flowtab *, const struct ip_info *,
		    uint16_t, uint16_t, struct flow_key *, uint64_t *, int *);
static int	l4_wanted(struct engine *, const struct ip_info *, int,
		    uint16_t, uint16_t, const uint8_t *, size_t);
static struct flow *flow_new(struct engine *, struct flowtab *,
		    const struct flow_key *, uint64_t);
static void	flow_end(struct engine *, struct flowtab *, struct flow *);
static void	lru_unlink(struct flowtab *, struct flow *);
static void	lru_append(struct flowtab *, struct flow *);
static void	udp_input(struct engine *, struct flow *, int,
		    const struct pkt_meta *, const uint8_t *, size_t);
static int	udp_stateless(struct engine *, const struct pkt_meta *,
		    const struct ip_info *, uint16_t, uint16_t,
		    const uint8_t *, size_t);

void
flow_set_test_dissector(const struct dissector *dis)
{
	test_dis = dis;
}

struct flowtab *
flowtab_new(void)
{
	struct flowtab *ft;

	ft = xcalloc(1, sizeof(*ft));
	if (getentropy(&ft->seed, sizeof(ft->seed)) != 0)
		ft->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)ft;
	return ft;
}

/* Ends every flow, handing held data on, and frees the table. */
void
flowtab_free(struct engine *eng, struct flowtab *ft)
{
	struct flow *f;

	if (ft == NULL)
		return;
	while (ft->lru_head != NULL)
		flow_end(eng, ft, ft->lru_head);
	while ((f = ft->free_list) != NULL) {
		ft->free_list = f->hnext;
		free(f);
	}
	free(ft->buckets);
	free(ft);
}

/* Closed flows after flow_closed_secs, others after flow_idle_secs. */
void
flowtab_expire(struct engine *eng, struct flowtab *ft)
{
	struct flow *f;
	int64_t now;

	if (ft == NULL)
		return;
	now = (int64_t)eng->now.tv_sec;
	while ((f = ft->cl_head) != NULL &&
	    now - f->closed_sec >= (int64_t)eng->lim.flow_closed_secs) {
		eng->st.flows_expired++;
		flow_end(eng, ft, f);
	}
	while ((f = ft->lru_head) != NULL &&
	    now - f->last_sec >= (int64_t)eng->lim.flow_idle_secs) {
		eng->st.flows_expired++;
		flow_end(eng, ft, f);
	}
}

/* Sizes the hash table from the limits on first use. */
static void
ft_setup(struct engine *eng, struct flowtab *ft)
{
	size_t n;

	/* about two buckets per flow: short chains */
	n = FT_MIN_BUCKETS;
	while (n / 2 < eng->lim.max_flows && n < FT_MAX_BUCKETS)
		n *= 2;
	ft->nbuckets = n;
	ft->buckets = xcalloc(n, sizeof(*ft->buckets));
}

static void
lru_unlink(struct flowtab *ft, struct flow *f)
{
	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		ft->lru_head = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		ft->lru_tail = f->lru_prev;
	f->lru_prev = f->lru_next = NULL;
}

static void
lru_append(struct flowtab *ft, struct flow *f)
{
	f->lru_prev = ft->lru_tail;
	f->lru_next = NULL;
	if (ft->lru_tail != NULL)
		ft->lru_tail->lru_next = f;
	else
		ft->lru_head = f;
	ft->lru_tail = f;
}

static struct flow *
flow_new(struct engine *eng, struct flowtab *ft, const struct flow_key *key,
    uint64_t h)
{
	struct flow *f;
	size_t max, b;

	max = eng->lim.max_flows > 0 ? eng->lim.max_flows : 1;
	while (ft->count >= max && ft->lru_head != NULL) {
		eng->st.flows_evicted++;
		flow_end(eng, ft, ft->lru_head);
	}
	if ((f = ft->free_list) != NULL) {
		ft->free_list = f->hnext;
		ft->n_free--;
	} else
		f = xmalloc(sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->key = *key;
	f->hash = h;
	b = h & (ft->nbuckets - 1);
	f->hnext = ft->buckets[b];
	if (f->hnext != NULL)
		f->hnext->hpprev = &f->hnext;
	f->hpprev = &ft->buckets[b];
	ft->buckets[b] = f;
	lru_append(ft, f);
	f->last_sec = (int64_t)eng->now.tv_sec;
	ft->count++;
	eng->st.flows_created++;
	eng->st.flows_active = ft->count;
	if (eng->st.flows_active > eng->st.flows_peak)
		eng->st.flows_peak = eng->st.flows_active;
	return f;
}

/* Unlinks f everywhere, hands held data on, frees its state. */
static void
flow_end(struct engine *eng, struct flowtab *ft, struct flow *f)
{
	*f->hpprev = f->hnext;
	if (f->hnext != NULL)
		f->hnext->hpprev = f->hpprev;
	lru_unlink(ft, f);
	if (f->closed) {
		if (f->cl_prev != NULL)
			f->cl_prev->cl_next = f->cl_next;
		else
			ft->cl_head = f->cl_next;
		if (f->cl_next != NULL)
			f->cl_next->cl_prev = f->cl_prev;
		else
			ft->cl_tail = f->cl_prev;
	}
	if (f->key.proto == IPPROTO_NUM_TCP)
		tcp_flow_end(eng, f);
	if (f->dis != NULL && f->dis->state_free != NULL)
		f->dis->state_free(f->dstate);
	f->dstate = NULL;
	ft->count--;
	if (f->unhinted)
		ft->n_unhinted--;
	eng->st.flows_active = ft->count;
	if (ft->n_free < FT_FREE_MAX) {
		f->hnext = ft->free_list;
		ft->free_list = f;
		ft->n_free++;
	} else
		free(f);
}

/*
 * Finds or creates the flow of a packet; *side_out is the key side of
 * its sender. A pure SYN on a closed flow, or with a new initial
 * sequence number, starts a new flow on the same 5-tuple.
 */
static struct flow *
flow_get(struct engine *eng, const struct ip_info *ip, uint16_t sport,
    uint16_t dport, const struct tcp_hdr *th, int *side_out)
{
	struct flowtab *ft = eng->flows;
	struct flow_key key;
	struct flow *f;
	const struct dissector *dis;
	uint64_t h;
	int side, transport;

	if (ft->buckets == NULL)
		ft_setup(eng, ft);
	f = flow_find(ft, ip, sport, dport, &key, &h, &side);
	*side_out = side;
	if (f != NULL && th != NULL &&
	    (th->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    (f->closed || ((f->tcp[side].flags & TD_SYN) &&
	    f->tcp[side].isn != th->seq))) {
		eng->st.flows_expired++;
		flow_end(eng, ft, f);
		f = NULL;
	}
	if (f != NULL) {
		/*
		 * Moved to the LRU tail once per second of capture time:
		 * the list stays sorted by last active second (exact idle
		 * expiry, LRU eviction to the second) without touching two
		 * neighbours on every packet.
		 */
		if (f->last_sec != (int64_t)eng->now.tv_sec) {
			f->last_sec = (int64_t)eng->now.tv_sec;
			if (ft->lru_tail != f) {
				lru_unlink(ft, f);
				lru_append(ft, f);
			}
		}
		return f;
	}

	f = flow_new(eng, ft, &key, h);
	f->init_side = (uint8_t)side;
	if (th != NULL && (th->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		f->init_side = (uint8_t)!side;	/* the SYN-ACK's receiver */
	transport = th != NULL ? TRANSPORT_TCP : TRANSPORT_UDP;
	if (test_dis != NULL)
		dis = test_dis;
	else
		dis = registry_by_port(transport, f->key.port[f->init_side],
		    f->key.port[!f->init_side]);
	f->state = FLOW_PROBING;
	if (dis != NULL)
		flow_activate(f, dis);
	else {
		f->unhinted = 1;
		ft->n_unhinted++;
	}
	return f;
}

/*
 * The canonical key's hash, from the packet's fields rather than the
 * key's bytes: those were just written piecewise, and loading them as
 * words would wait on the stores. The key's addresses and ports in key
 * order (side: the sender's place), then family and protocol.
 */
static uint64_t
key_hash(const struct ip_info *ip, int side, uint16_t sport,
    uint16_t dport, uint64_t seed)
{
	const uint8_t *a, *b;
	uint64_t w[5];
	uint32_t x, y;
	size_t n;

	a = side == 0 ? ip->src : ip->dst;
	b = side == 0 ? ip->dst : ip->src;
	if (ip->family == AF_INET) {
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		w[0] = (uint64_t)x | (uint64_t)y << 32;
		n = 1;
	} else {
		memcpy(w, a, 16);
		memcpy(w + 2, b, 16);
		n = 4;
	}
	w[n++] = (uint64_t)(side == 0 ? sport : dport) |
	    (uint64_t)(side == 0 ? dport : sport) << 16 |
	    (uint64_t)(uint8_t)ip->family << 32 | (uint64_t)ip->proto << 40;
	return hash_words(w, n, seed);
}

/*
 * Looks the packet's flow up without creating it; fills the canonical
 * key, its hash and the key side of the sender.
 */
static struct flow *
flow_find(struct flowtab *ft, const struct ip_info *ip, uint16_t sport,
    uint16_t dport, struct flow_key *key, uint64_t *h_out, int *side_out)
{
	struct flow *f;
	uint64_t h;
	size_t alen;
	int cmp, side;

	alen = ip->family == AF_INET ? 4 : 16;
	cmp = memcmp(ip->src, ip->dst, alen);
	if (cmp == 0)
		cmp = sport < dport ? -1 : sport > dport;
	side = cmp <= 0 ? 0 : 1;
	memset(key, 0, sizeof(*key));
	memcpy(key->addr[side], ip->src, alen);
	memcpy(key->addr[!side], ip->dst, alen);
	key->port[side] = sport;
	key->port[!side] = dport;
	key->family = (uint8_t)ip->family;
	key->proto = ip->proto;
	h = key_hash(ip, side, sport, dport, ft->seed);
	*h_out = h;
	*side_out = side;
	if (ft->buckets == NULL)
		return NULL;
	for (f = ft->buckets[h & (ft->nbuckets - 1)]; f != NULL; f = f->hnext)
		if (f->hash == h && memcmp(&f->key, key, sizeof(*key)) == 0)
			return f;
	return NULL;
}

/*
 * Pre-classification, before any flow state: a packet is worth a flow
 * when a port is a dissector's hint, when its payload passes a content
 * probe, or when it belongs to a flow a probe already claimed. The rest
 * (most traffic on a busy server) is counted and left: no lookup, no
 * flow, no buffering.
 */
static int
l4_wanted(struct engine *eng, const struct ip_info *ip, int transport,
    uint16_t sport, uint16_t dport, const uint8_t *p, size_t n)
{
	struct flowtab *ft = eng->flows;
	struct flow_key key;
	uint32_t *np, tag, count;
	uint64_t h;
	int side;

	if (test_dis != NULL || registry_port_hinted(transport, dport) ||
	    registry_port_hinted(transport, sport))
		return 1;
	/* a flow a probe claimed earlier (only those lack a port hint) */
	if (ft->n_unhinted > 0 &&
	    flow_find(ft, ip, sport, dport, &key, &h, &side) != NULL)
		return 1;
	if (n > 0) {
		h = conn_hash(ip, sport, dport);
		np = &ft->nprobe[h & (NPROBE_SLOTS - 1)];
		tag = (uint32_t)(h >> 32) & ~NPROBE_COUNT;
		count = (*np & ~NPROBE_COUNT) == tag ? *np & NPROBE_COUNT : 0;
		/* past the first packets, only the probes that look deep */
		if ((count < NPROBE_FIRST ? registry_probe(transport, p, n) :
		    registry_probe_deep(transport, p, n)) != NULL)
			return 1;
		if (count < NPROBE_FIRST)
			count++;
		*np = tag | count;
	}
	eng->st.l4_unclaimed++;
	return 0;
}

/*
 * The probe counter's key: the same for both directions of a
 * connection, without building a flow key (most packets here are
 * nobody's). Not the flow table's hash: collisions only restart a count.
 */
static uint64_t
conn_hash(const struct ip_info *ip, uint16_t sport, uint16_t dport)
{
	uint64_t a, b, w;
	uint32_t x;
	size_t i, alen;

	alen = ip->family == AF_INET ? 4 : 16;
	a = b = 0;
	for (i = 0; i < alen; i += 4) {
		memcpy(&x, ip->src + i, 4);
		a = (a ^ x) * 0x9e3779b97f4a7c15ULL;
		memcpy(&x, ip->dst + i, 4);
		b = (b ^ x) * 0x9e3779b97f4a7c15ULL;
	}
	a ^= (uint64_t)sport << 32;
	b ^= (uint64_t)dport << 32;
	/* + and * are symmetric: the reverse direction hashes the same */
	w = (a + b) ^ (a * b) ^ ip->proto;
	return w ^ (w >> 29);
}

void
flow_activate(struct flow *f, const struct dissector *dis)
{
	if ((f->key.proto == IPPROTO_NUM_TCP && dis->feed == NULL) ||
	    (f->key.proto == IPPROTO_NUM_UDP && dis->datagram == NULL)) {
		f->state = FLOW_IGNORED;
		return;
	}
	f->dis = dis;
	f->dstate = dis->state_new != NULL ? dis->state_new() : NULL;
	f->state = FLOW_ACTIVE;
}

void
flow_close(struct engine *eng, struct flow *f)
{
	struct flowtab *ft = eng->flows;

	if (f->closed)
		return;
	f->closed = 1;
	f->closed_sec = (int64_t)eng->now.tv_sec;
	f->cl_prev = ft->cl_tail;
	f->cl_next = NULL;
	if (ft->cl_tail != NULL)
		ft->cl_tail->cl_next = f;
	else
		ft->cl_head = f;
	ft->cl_tail = f;
}

void
flow_ctx(struct engine *eng, const struct flow *f, int side,
    const struct pkt_meta *pkt, struct dis_ctx *ctx)
{
	ctx->eng = eng;
	ctx->pkt = pkt;
	ctx->family = f->key.family;
	memcpy(ctx->src, f->key.addr[side], sizeof(ctx->src));
	memcpy(ctx->dst, f->key.addr[!side], sizeof(ctx->dst));
	ctx->sport = f->key.port[side];
	ctx->dport = f->key.port[!side];
	ctx->transport = f->key.proto == IPPROTO_NUM_TCP ? TRANSPORT_TCP :
	    TRANSPORT_UDP;
	ctx->dir = side == f->init_side ? 0 : 1;
	ctx->spnego = NULL;
}

static void
udp_input(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const uint8_t *p, size_t len)
{
	struct dis_ctx ctx;
	const struct dissector *dis;

	if (f->state == FLOW_PROBING) {
		if (len == 0 || f->probes[side] >= UDP_PROBES)
			return;
		f->probes[side]++;
		if ((dis = registry_probe(TRANSPORT_UDP, p, len)) == NULL) {
			if (f->probes[!side] >= UDP_PROBES)
				f->state = FLOW_IGNORED;
			return;
		}
		flow_activate(f, dis);
	}
	if (f->state != FLOW_ACTIVE)
		return;
	flow_ctx(eng, f, side, pkt, &ctx);
	f->delivered = 1;
	f->dis->datagram(&ctx, p, len);
}

/*
 * A datagram on a port of a dissector that keeps no per-flow state (DNS:
 * one flow per query would be all cost) goes straight to it. Returns 1
 * when it did.
 */
static int
udp_stateless(struct engine *eng, const struct pkt_meta *pkt,
    const struct ip_info *ip, uint16_t sport, uint16_t dport,
    const uint8_t *p, size_t n)
{
	const struct dissector *dis;
	struct dis_ctx ctx;

	if (test_dis != NULL || (!registry_port_hinted(TRANSPORT_UDP, dport) &&
	    !registry_port_hinted(TRANSPORT_UDP, sport)))
		return 0;
	dis = registry_by_port(TRANSPORT_UDP, sport, dport);
	if (dis == NULL || (dis->flags & DIS_F_UDP_STATELESS) == 0 ||
	    dis->datagram == NULL)
		return 0;
	ctx.eng = eng;
	ctx.pkt = pkt;
	ctx.family = ip->family;
	memcpy(ctx.src, ip->src, sizeof(ctx.src));
	memcpy(ctx.dst, ip->dst, sizeof(ctx.dst));
	ctx.sport = sport;
	ctx.dport = dport;
	ctx.transport = TRANSPORT_UDP;
	/* the request goes to the service's port */
	ctx.dir = registry_port_hinted(TRANSPORT_UDP, dport) ? 0 : 1;
	ctx.spnego = NULL;
	dis->datagram(&ctx, p, n);
	return 1;
}

void
l4_input(struct engine *eng, const struct pkt_meta *pkt,
    const struct ip_info *ip, const uint8_t *p, size_t len)
{
	l4_input_claimed(eng, pkt, ip, p, len, len);
}

void
l4_input_claimed(struct engine *eng, const struct pkt_meta *pkt,
    const struct ip_info *ip, const uint8_t *p, size_t caplen,
    size_t claimed)
{
	struct tcp_hdr th;
	struct cur c;
	struct flow *f;
	size_t hlen, n;
	uint16_t sport, dport, ulen;
	uint8_t off;
	int side;

	if (eng->flows == NULL)
		return;
	if (caplen > claimed)
		caplen = claimed;
	cur_init(&c, p, caplen);
	sport = cur_get_be16(&c);
	dport = cur_get_be16(&c);
	switch (ip->proto) {
	case IPPROTO_NUM_UDP:
		eng->st.udp++;
		ulen = cur_get_be16(&c);
		cur_skip(&c, 2);	/* checksum */
		if (c.err != 0) {
			eng->st.l4_truncated++;
			return;
		}
		/* length 0 would be an RFC 2675 jumbogram: unsupported */
		if (ulen < 8 || ulen > claimed) {
			eng->st.ip_invalid++;
			return;
		}
		n = (size_t)ulen - 8;
		if (c.len < n) {
			eng->st.l4_truncated++;
			n = c.len;
		}
		if (udp_stateless(eng, pkt, ip, sport, dport, c.p, n))
			return;
		if (!l4_wanted(eng, ip, TRANSPORT_UDP, sport, dport, c.p, n))
			return;
		f = flow_get(eng, ip, sport, dport, NULL, &side);
		udp_input(eng, f, side, pkt, c.p, n);
		break;
	case IPPROTO_NUM_TCP:
		eng->st.tcp++;
		memset(&th, 0, sizeof(th));
		th.seq = cur_get_be32(&c);
		cur_skip(&c, 4);	/* acknowledgment number */
		off = cur_get_u8(&c);
		th.flags = cur_get_u8(&c);
		cur_skip(&c, 6);	/* window, checksum, urgent pointer */
		if (c.err != 0) {
			eng->st.l4_truncated++;
			return;
		}
		hlen = (size_t)(off >> 4) * 4;
		if (hlen < 20 || hlen > claimed) {
			eng->st.ip_invalid++;
			return;
		}
		cur_skip(&c, hlen - 20);	/* options */
		if (c.err != 0) {
			eng->st.l4_truncated++;
			return;
		}
		th.data = c.p;
		th.len = c.len;
		th.claimed = claimed - hlen;
		if (th.len < th.claimed)
			eng->st.l4_truncated++;
		/*
		 * A bare acknowledgment changes nothing that reassembly or
		 * a dissector uses: no flow lookup for it (most of a bulk
		 * transfer's packets in one direction).
		 */
		if (th.claimed == 0 &&
		    (th.flags & (TH_SYN | TH_FIN | TH_RST)) == 0)
			return;
		if (!l4_wanted(eng, ip, TRANSPORT_TCP, sport, dport, th.data,
		    th.len))
			return;
		f = flow_get(eng, ip, sport, dport, &th, &side);
		tcp_input(eng, f, side, pkt, &th);
		break;
	default:
		eng->st.ip_other_proto++;
		break;
	}
}
