/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * krb_fuzzer.c - fuzz target for the Kerberos decoder (RFC 4120 section
 * 5) and the port-88 dissector (RFC 4120 section 7.2): each input is
 * decoded as one message, probed, given to the UDP path, and fed as TCP
 * streams in input-derived chunks (with gaps) through a model of the
 * stream layer that aborts on any breach of the feed() contract.
 * Built with libFuzzer (--enable-fuzzing) or with replay.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "util.h"

#define STREAM_CAP	(300 * 1024)	/* the model stream's buffer */

struct stream {
	uint8_t		*buf;
	size_t		 len;
	size_t		 need;
};

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

extern const struct dissector dis_kerberos;

static void	check_str(const char *, size_t);
static void	check_msg(const struct krb_msg *);
static void	sink(void *, const struct msg_ctx *, const struct krb_msg *);
static uint64_t	next_rand(uint64_t *);
static void	stream_run(struct stream *, void *, struct dis_ctx *);
static void	stream_push(struct stream *, void *, struct dis_ctx *,
		    const uint8_t *, size_t);
static void	feed_chunks(struct dis_ctx *, const uint8_t *, size_t,
		    uint64_t);

/* A record's string must be terminated inside its array. */
static void
check_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

static void
check_msg(const struct krb_msg *m)
{
	int i;

	check_str(m->cname, sizeof(m->cname));
	check_str(m->crealm, sizeof(m->crealm));
	check_str(m->sname, sizeof(m->sname));
	check_str(m->realm, sizeof(m->realm));
	check_str(m->e_text, sizeof(m->e_text));
	check_str(m->ticket.realm, sizeof(m->ticket.realm));
	check_str(m->ticket.sname, sizeof(m->ticket.sname));
	if (m->status != KRB_OK && m->status != KRB_TRUNCATED &&
	    m->status != KRB_INVALID)
		abort();
	if (m->n_etypes < 0 || m->n_etypes > KRB_MAX_ETYPES ||
	    m->n_padata < 0 || m->n_padata > KRB_MAX_PADATA)
		abort();
	/* names of whatever was seen: lookups must not fault */
	(void)krb_msg_name(m->msg_type);
	(void)krb_error_name(m->error_code);
	(void)krb_error_text(m->error_code);
	(void)krb_name_type_name(m->cname_type);
	(void)krb_etype_name(m->enc_etype);
	for (i = 0; i < m->n_etypes; i++)
		(void)krb_etype_name(m->etypes[i]);
	for (i = 0; i < m->n_padata; i++)
		(void)krb_padata_name(m->padata[i].type);
	for (i = 0; i < 32; i++) {
		(void)krb_kdc_option_name((unsigned)i);
		(void)krb_ap_option_name((unsigned)i);
	}
}

static void
sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	(void)arg;
	if (mc->carrier == NULL || strcmp(mc->carrier, "kerberos") != 0)
		abort();
	check_msg(m);
}

/* xorshift64*: chunk sizes and gaps from the input's hash. */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* The stream layer's side of the feed() contract. */
static void
stream_run(struct stream *s, void *st, struct dis_ctx *ctx)
{
	size_t used, need;
	int r, calls;

	for (calls = 0; s->len > 0 && s->len >= s->need; calls++) {
		if (calls > 100000)
			abort();		/* no progress */
		used = need = 0;
		r = dis_kerberos.feed(st, ctx, s->buf, s->len, &used, &need);
		if (used > s->len)
			abort();
		memmove(s->buf, s->buf + used, s->len - used);
		s->len -= used;
		if (r == FEED_ERR) {
			s->len = 0;
			s->need = 0;
			return;
		}
		if (r == FEED_NEED) {
			if (used != 0 || need <= s->len)
				abort();
			if (need > STREAM_CAP) {
				/* too big to buffer: drop and resync */
				s->len = 0;
				s->need = 0;
				dis_kerberos.gap(st, ctx->dir);
				return;
			}
			s->need = need;
			return;
		}
		if (r != FEED_OK || used == 0)
			abort();
		s->need = 0;
	}
}

static void
stream_push(struct stream *s, void *st, struct dis_ctx *ctx,
    const uint8_t *p, size_t n)
{
	if (s->len + n > STREAM_CAP) {
		s->len = 0;
		s->need = 0;
		dis_kerberos.gap(st, ctx->dir);
	}
	if (n > STREAM_CAP)
		return;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	stream_run(s, st, ctx);
}

static void
feed_chunks(struct dis_ctx *ctx, const uint8_t *p, size_t n, uint64_t seed)
{
	struct stream s;
	void *st;
	size_t off, k;
	uint64_t r;

	s.buf = xmalloc(STREAM_CAP);
	s.len = 0;
	s.need = 0;
	st = dis_kerberos.state_new();
	if (seed & 1)
		dis_kerberos.gap(st, ctx->dir);	/* mid-stream pickup */
	for (off = 0; off < n; off += k) {
		r = next_rand(&seed);
		k = (size_t)(r % 97) + 1;
		if ((r >> 32) % 4 == 0)
			k = (size_t)((r >> 8) % 2048) + 1;
		if (k > n - off)
			k = n - off;
		if ((r >> 40) % 64 == 0) {
			/* a hole in the stream */
			s.len = 0;
			s.need = 0;
			dis_kerberos.gap(st, ctx->dir);
			continue;
		}
		stream_push(&s, st, ctx, p + off, k);
	}
	dis_kerberos.state_free(st);
	free(s.buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_ops ops;
	struct engine eng;
	struct pkt_meta pkt;
	struct dis_ctx ctx;
	struct krb_msg m;
	uint8_t *framed;
	uint64_t seed;
	size_t n;

	krb_decode(data, size, &m);
	krb_decode_gss(data, size, &m);
	check_msg(&m);
	(void)krb_probe(data, size, 0);
	(void)krb_probe(data, size, 1);

	memset(&ops, 0, sizeof(ops));
	ops.krb = sink;
	engine_init(&eng, &ops);
	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = &eng;
	ctx.pkt = &pkt;
	ctx.family = 2;
	ctx.sport = 50000;
	ctx.dport = 88;

	ctx.transport = TRANSPORT_UDP;
	(void)dis_kerberos.probe(data, size, TRANSPORT_UDP);
	(void)dis_kerberos.probe(data, size, TRANSPORT_TCP);
	dis_kerberos.datagram(&ctx, data, size);

	ctx.transport = TRANSPORT_TCP;
	seed = hash64(data, size, 0x6b72622d66757a7aULL) | 2;
	/* the input as a stream (seeds may carry record marks) */
	feed_chunks(&ctx, data, size, seed);

	/* the input as a record, twice, behind a valid mark */
	if (size <= 65536) {
		n = 2 * (size + 4);
		framed = xmalloc(n);
		framed[0] = framed[size + 4] = (uint8_t)(size >> 24);
		framed[1] = framed[size + 5] = (uint8_t)(size >> 16);
		framed[2] = framed[size + 6] = (uint8_t)(size >> 8);
		framed[3] = framed[size + 7] = (uint8_t)size;
		memcpy(framed + 4, data, size);
		memcpy(framed + size + 8, data, size);
		ctx.dir = 1;
		feed_chunks(&ctx, framed, n, seed & ~(uint64_t)1);
		free(framed);
	}
	engine_fini(&eng);
	return 0;
}
