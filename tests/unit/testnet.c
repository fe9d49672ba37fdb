/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * testnet.c - packet builders and a recording dissector for the unit
 * tests of the network layers. RFC 791, RFC 8200, RFC 768, RFC 9293.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/dlt.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "flow.h"
#include "testnet.h"

struct tn_rec tn_rec;

static int	tn_datagram(struct dis_ctx *, const uint8_t *, size_t);
static int	tn_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	tn_gap(void *, int);
static void	*tn_state_new(void);
static void	tn_state_free(void *);
static void	rec_event(int, int, uint64_t, size_t, const uint8_t *);
static void	rec_bytes(int, const uint8_t *, size_t);
static void	put16(uint8_t *, uint16_t);
static void	put32(uint8_t *, uint32_t);

const struct dissector tn_dissector = {
	.name		= "test",
	.transports	= TRANSPORT_MASK(TRANSPORT_UDP) |
			    TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 0 },
	.probe		= NULL,
	.datagram	= tn_datagram,
	.feed		= tn_feed,
	.gap		= tn_gap,
	.state_new	= tn_state_new,
	.state_free	= tn_state_free,
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void
tn_init(struct tn *t)
{
	engine_init(&t->eng, NULL);
	t->eng.linktype = DLT_RAW;
	t->frame = 0;
	t->ts.tv_sec = 1600000000;
	t->ts.tv_usec = 0;
}

void
tn_fini(struct tn *t)
{
	engine_fini(&t->eng);
}

void
tn_send(struct tn *t, const uint8_t *p, size_t len)
{
	struct pkt_meta pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = ++t->frame;
	pkt.ts = t->ts;
	pkt.caplen = (uint32_t)len;
	pkt.wirelen = (uint32_t)len;
	engine_packet(&t->eng, &pkt, p, len);
	t->ts.tv_usec += 1000;
	if (t->ts.tv_usec >= 1000000) {
		t->ts.tv_sec++;
		t->ts.tv_usec -= 1000000;
	}
}

void
tn_sleep(struct tn *t, unsigned secs)
{
	t->ts.tv_sec += secs;
}

void
tn_expire(struct tn *t)
{
	t->eng.now = t->ts;
	defrag_expire(&t->eng, t->eng.defrag);
	flowtab_expire(&t->eng, t->eng.flows);
}

size_t
tn_udp(uint8_t *out, uint16_t sport, uint16_t dport, const void *pl,
    size_t plen)
{
	put16(out, sport);
	put16(out + 2, dport);
	put16(out + 4, (uint16_t)(8 + plen));
	put16(out + 6, 0);
	if (plen > 0)
		memcpy(out + 8, pl, plen);
	return 8 + plen;
}

size_t
tn_tcp(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq,
    uint8_t flags, const void *pl, size_t plen)
{
	memset(out, 0, 20);
	put16(out, sport);
	put16(out + 2, dport);
	put32(out + 4, seq);
	put32(out + 8, (flags & TH_ACK) ? 1 : 0);
	out[12] = 5 << 4;
	out[13] = flags;
	put16(out + 14, 65535);
	if (plen > 0)
		memcpy(out + 20, pl, plen);
	return 20 + plen;
}

size_t
tn_ip4(uint8_t *out, const char *src, const char *dst, uint8_t proto,
    uint16_t id, uint16_t off_bytes, int mf, const void *pl, size_t plen)
{
	uint32_t sum;
	int i;

	memset(out, 0, 20);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)(20 + plen));
	put16(out + 4, id);
	put16(out + 6, (uint16_t)((mf ? 0x2000 : 0) | (off_bytes / 8)));
	out[8] = 64;
	out[9] = proto;
	inet_pton(AF_INET, src, out + 12);
	inet_pton(AF_INET, dst, out + 16);
	for (sum = 0, i = 0; i < 20; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(out + 10, (uint16_t)~sum);
	if (plen > 0)
		memcpy(out + 20, pl, plen);
	return 20 + plen;
}

size_t
tn_ip6(uint8_t *out, const char *src, const char *dst, uint8_t nh,
    const void *pl, size_t plen)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	put16(out + 4, (uint16_t)plen);
	out[6] = nh;
	out[7] = 64;
	inet_pton(AF_INET6, src, out + 8);
	inet_pton(AF_INET6, dst, out + 24);
	if (plen > 0)
		memcpy(out + 40, pl, plen);
	return 40 + plen;
}

size_t
tn_ip6_frag(uint8_t *out, const char *src, const char *dst, uint8_t nh,
    uint32_t id, uint16_t off_bytes, int more, const void *pl, size_t plen)
{
	uint8_t *fh;

	tn_ip6(out, src, dst, 44, NULL, 0);
	put16(out + 4, (uint16_t)(8 + plen));
	fh = out + 40;
	fh[0] = nh;
	fh[1] = 0;
	put16(fh + 2, (uint16_t)((off_bytes & 0xfff8) | (more ? 1 : 0)));
	put32(fh + 4, id);
	if (plen > 0)
		memcpy(out + 48, pl, plen);
	return 48 + plen;
}

void
tn_udp4(struct tn *t, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, const void *pl, size_t plen)
{
	static uint8_t l4[TN_PKT_MAX], ip[TN_PKT_MAX];
	size_t n;

	n = tn_udp(l4, sport, dport, pl, plen);
	n = tn_ip4(ip, src, dst, 17, 1, 0, 0, l4, n);
	tn_send(t, ip, n);
}

void
tn_tcp4(struct tn *t, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint32_t seq, uint8_t flags, const void *pl, size_t plen)
{
	static uint8_t l4[TN_PKT_MAX], ip[TN_PKT_MAX];
	size_t n;

	n = tn_tcp(l4, sport, dport, seq, flags, pl, plen);
	n = tn_ip4(ip, src, dst, 6, 1, 0, 0, l4, n);
	tn_send(t, ip, n);
}

void
tn_tcp6(struct tn *t, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint32_t seq, uint8_t flags, const void *pl, size_t plen)
{
	static uint8_t l4[TN_PKT_MAX], ip[TN_PKT_MAX];
	size_t n;

	n = tn_tcp(l4, sport, dport, seq, flags, pl, plen);
	n = tn_ip6(ip, src, dst, 6, l4, n);
	tn_send(t, ip, n);
}

/* ---- recording dissector -------------------------------------------- */

void
tn_rec_reset(int mode)
{
	memset(&tn_rec, 0, sizeof(tn_rec));
	tn_rec.mode = mode;
	flow_set_test_dissector(&tn_dissector);
}

static void
rec_event(int kind, int dir, uint64_t frame, size_t len, const uint8_t *p)
{
	struct tn_event *e;

	if (tn_rec.n_ev == TN_MAX_EV)
		return;
	e = &tn_rec.ev[tn_rec.n_ev++];
	e->kind = kind;
	e->dir = dir;
	e->frame = frame;
	e->len = len;
	e->first = p != NULL && len > 0 ? p[0] : 0;
}

static void
rec_bytes(int dir, const uint8_t *p, size_t n)
{
	size_t room;

	room = TN_STREAM_MAX - tn_rec.stream_len[dir];
	if (n > room)
		n = room;
	memcpy(tn_rec.stream[dir] + tn_rec.stream_len[dir], p, n);
	tn_rec.stream_len[dir] += n;
}

const struct tn_event *
tn_rec_event(int kind, unsigned i)
{
	unsigned k;

	for (k = 0; k < tn_rec.n_ev; k++)
		if (tn_rec.ev[k].kind == kind && i-- == 0)
			return &tn_rec.ev[k];
	return NULL;
}

unsigned
tn_rec_count(int kind)
{
	unsigned k, n;

	for (n = 0, k = 0; k < tn_rec.n_ev; k++)
		n += tn_rec.ev[k].kind == kind;
	return n;
}

static int
tn_datagram(struct dis_ctx *ctx, const uint8_t *p, size_t n)
{
	tn_rec.sport[ctx->dir] = ctx->sport;
	tn_rec.dport[ctx->dir] = ctx->dport;
	rec_event(TN_EV_DGRAM, ctx->dir, ctx->pkt->frame, n, p);
	rec_bytes(ctx->dir, p, n);
	return 0;
}

static int
tn_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t n,
    size_t *used_out, size_t *need_out)
{
	struct cur c;
	size_t used;
	uint32_t len;

	(void)state;
	tn_rec.n_feed++;
	tn_rec.sport[ctx->dir] = ctx->sport;
	tn_rec.dport[ctx->dir] = ctx->dport;
	if (n > tn_rec.max_feed_len)
		tn_rec.max_feed_len = n;
	*used_out = 0;
	*need_out = 0;
	switch (tn_rec.mode) {
	case TN_MODE_ERR:
		return FEED_ERR;
	case TN_MODE_LAZY:
		if (n < 100)
			return FEED_OK;
		rec_event(TN_EV_FEED, ctx->dir, ctx->pkt->frame, n, p);
		rec_bytes(ctx->dir, p, n);
		*used_out = n;
		return FEED_OK;
	case TN_MODE_REC:
		cur_init(&c, p, n);
		used = 0;
		for (;;) {
			if (cur_left(&c) < 4) {
				*used_out = used;
				if (cur_left(&c) == 0)
					return FEED_OK;
				*need_out = used + 4;
				return FEED_NEED;
			}
			len = cur_get_be32(&c);
			if (cur_left(&c) < len) {
				*used_out = used;
				*need_out = used + 4 + (size_t)len;
				return FEED_NEED;
			}
			rec_event(TN_EV_REC, ctx->dir, ctx->pkt->frame, len,
			    c.p);
			rec_bytes(ctx->dir, c.p, len);
			cur_skip(&c, len);
			used += 4 + (size_t)len;
		}
	default:
		rec_event(TN_EV_FEED, ctx->dir, ctx->pkt->frame, n, p);
		rec_bytes(ctx->dir, p, n);
		*used_out = n;
		return FEED_OK;
	}
}

static void
tn_gap(void *state, int dir)
{
	(void)state;
	tn_rec.gaps[dir]++;
	rec_event(TN_EV_GAP, dir, 0, 0, NULL);
}

static void *
tn_state_new(void)
{
	tn_rec.n_new++;
	return malloc(16);
}

static void
tn_state_free(void *state)
{
	if (state != NULL)
		tn_rec.n_free++;
	free(state);
}
