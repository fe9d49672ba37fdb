/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * gss.c - the catch-all carrier: GSS-API tokens (RFC 2743 3.1) or raw
 * Kerberos AP-REQ / AP-REP / KRB-ERROR (RFC 4120 5.5, 5.9) at the start
 * of an otherwise unknown TCP stream, directly or behind a short length
 * prefix: 1, 2, 3 or 4 bytes of big-endian length (Java, custom agents),
 * or the MIT gss-sample framing of a flags byte and a 4-byte length
 * (TOKEN_NOOP records before the first token are passed over). The
 * framing is learnt per direction from its first token (or taken from
 * the other direction) and followed: every record that starts like a
 * security token is handed to sec_token(); other records are
 * application data and skipped without buffering. Unframed tokens are
 * followed while they last: the first bytes that are not a token end
 * the direction, as does a gap (no way to find the next record) after
 * the first token. The engine creates the flow at the first packet a
 * probe accepts, so the bytes before it (an MIT flags byte sent in a
 * write of its own) may be missing: a 4-byte framing whose length turns
 * out absurd where a flags byte and a sane length stand is taken to be
 * the MIT framing.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define GSS_PEEK	64	/* record bytes judged before buffering */
#define GSS_LEARN_MAX	128	/* bytes to find the first token in */
#define GSS_MAX_NOOPS	2	/* MIT TOKEN_NOOP records skipped */
#define GSS_NOOP_MAX	256	/* longest such record */
#define GSS_MSG_CAP	(256 * 1024)	/* record cap, no engine */
#define GSS_SANE	(16 * 1024 * 1024)	/* longer records: framing
						 * lost */

/* framing: the prefix length, GF_MIT for flags + 4-byte length */
#define GF_NONE		(-1)
#define GF_DER		0	/* tokens back to back */
#define GF_MIT		5

/* MIT gss-sample token flags (src/appl/gss-sample/gss-misc.h) */
#define MIT_NOOP	0x01
#define MIT_CONTEXT	0x02

/* gss_dir.mode */
#define GM_LEARN	0
#define GM_REC		1
#define GM_SKIP		2
#define GM_DEAD		3

struct gss_dir {
	int		 mode;
	int		 frame;		/* GF_* or a prefix length */
	uint64_t	 left;		/* GM_SKIP */
};

struct gss_state {
	struct gss_dir	 dir[2];
};

static int	token_byte(uint8_t);
static int	der_total(const uint8_t *, size_t, uint64_t *);
static uint64_t	prefix_len(const uint8_t *, int);
static int	detect(const uint8_t *, size_t, int *, size_t *);
static size_t	rec_limit(const struct engine *);
static int	gss_probe(const uint8_t *, size_t, int);
static int	gss_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	gss_gap(void *, int);
static void	*gss_state_new(void);
static void	gss_state_free(void *);

const struct dissector dis_gss = {
	.name		= "gss",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 0 },
	.probe		= gss_probe,
	.feed		= gss_feed,
	.gap		= gss_gap,
	.state_new	= gss_state_new,
	.state_free	= gss_state_free,
};

/* InitialContextToken, AP-REQ, AP-REP, KRB-ERROR */
static int
token_byte(uint8_t b)
{
	return b == 0x60 || b == 0x6e || b == 0x6f || b == 0x7e;
}

/*
 * Length of the whole TLV at p from its identifier and length octets:
 * 1 read, 0 too few bytes, -1 malformed (indefinite, > 4 length bytes).
 */
static int
der_total(const uint8_t *p, size_t n, uint64_t *total_out)
{
	struct cur c;
	uint64_t v;
	uint8_t b;
	int k;

	cur_init(&c, p, n);
	(void)cur_get_u8(&c);
	b = cur_get_u8(&c);
	if (c.err != 0)
		return 0;
	if (b == 0x80 || b > 0x84)
		return -1;
	v = b;
	if (b & 0x80)
		for (v = 0, k = b & 0x7f; k > 0; k--)
			v = v << 8 | cur_get_u8(&c);
	if (c.err != 0)
		return 0;
	*total_out = v + (n - cur_left(&c));
	return 1;
}

/* The record length a prefix of framing f at p announces. */
static uint64_t
prefix_len(const uint8_t *p, int f)
{
	struct cur c;
	uint64_t v;
	int i;

	cur_init(&c, p, (size_t)f);
	if (f == GF_MIT) {
		cur_skip(&c, 1);	/* the flags */
		return cur_get_be32(&c);
	}
	v = 0;
	for (i = 0; i < f; i++)
		v = v << 8 | cur_get_u8(&c);
	return v;
}

/*
 * Finds the first token at p: *frame_out the framing, *skip_out the
 * bytes before its prefix (MIT NOOP records). 1 found, 0 not a token
 * stream, -1 too few bytes to tell.
 */
static int
detect(const uint8_t *p, size_t n, int *frame_out, size_t *skip_out)
{
	struct cur c, all;
	uint64_t total, want;
	size_t skip;
	uint32_t nl;
	uint8_t fl;
	int k, r, maybe, noops;

	cur_init(&all, p, n);
	skip = 0;
	maybe = 0;
	for (noops = 0; noops <= GSS_MAX_NOOPS; noops++) {
		for (k = 0; k <= 5; k++) {
			if (skip + (size_t)k >= n) {
				maybe = 1;
				break;
			}
			if (!token_byte(cur_peek_u8(&all, skip + k)))
				continue;
			r = der_total(p + skip + k, n - skip - k, &total);
			if (r == 0)
				maybe = 1;
			if (r <= 0)
				continue;
			if (k > 0) {
				want = prefix_len(p + skip, k);
				if (k == GF_MIT && (cur_peek_u8(&all, skip) &
				    MIT_CONTEXT) == 0)
					continue;
				if (want != total)
					continue;
			}
			if (sec_probe(p + skip + k, n - skip - k, 0)) {
				*frame_out = k;
				*skip_out = skip;
				return 1;
			}
		}
		/* MIT: NOOP [| CONTEXT_NEXT] with a short body, then again */
		if (skip >= n)
			break;
		cur_init(&c, p + skip, n - skip);
		fl = cur_get_u8(&c);
		if ((fl & MIT_NOOP) == 0 || (fl & MIT_CONTEXT))
			break;
		nl = cur_get_be32(&c);
		if (c.err != 0) {
			maybe = 1;
			break;
		}
		if (nl > GSS_NOOP_MAX)
			break;
		if (skip + 5 + nl >= n) {
			maybe = 1;
			break;
		}
		skip += 5 + nl;
	}
	return maybe ? -1 : 0;
}

static size_t
rec_limit(const struct engine *eng)
{
	size_t lim = GSS_MSG_CAP;

	if (eng != NULL && eng->lim.max_msg_bytes > 0)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim;
}

static int
gss_probe(const uint8_t *p, size_t len, int transport)
{
	size_t skip;
	int frame;

	struct cur c;
	uint8_t fl;
	int k;

	if (transport != TRANSPORT_TCP || len < 6)
		return 0;
	/* detect()'s first round in short: no token byte in the first six
	 * and no MIT NOOP record to step over is a no (most traffic) */
	cur_init(&c, p, len);
	for (k = 0; k <= 5; k++)
		if (token_byte(cur_peek_u8(&c, (size_t)k)))
			break;
	fl = cur_peek_u8(&c, 0);
	if (k > 5 && ((fl & MIT_NOOP) == 0 || (fl & MIT_CONTEXT) != 0))
		return 0;
	return detect(p, len, &frame, &skip) == 1;
}

static int
gss_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct gss_state *st = state;
	struct gss_dir *d, *o;
	struct cur c;
	const uint8_t *tok;
	uint64_t rec, total;
	size_t off, pre, skip, avail, peek, k, need;
	int r, frame, give;

	*used_out = 0;
	*need_out = 0;
	cur_init(&c, p, len);
	d = &st->dir[ctx->dir != 0];
	o = &st->dir[ctx->dir == 0];
	off = 0;
	need = 0;
	while (off < len) {
		switch (d->mode) {
		case GM_DEAD:
			*used_out = len;
			return FEED_ERR;
		case GM_SKIP:
			k = len - off;
			if ((uint64_t)k > d->left)
				k = (size_t)d->left;
			off += k;
			d->left -= k;
			if (d->left == 0)
				d->mode = GM_REC;
			continue;
		case GM_LEARN:
			r = detect(p + off, len - off, &frame, &skip);
			if (r < 0 && len - off < GSS_LEARN_MAX) {
				need = len + 1;
				goto need;
			}
			if (r <= 0) {
				if (o->frame <= GF_DER) {
					d->mode = GM_DEAD;
					continue;
				}
				frame = o->frame;
				skip = 0;
			}
			d->frame = frame;
			d->mode = GM_REC;
			off += skip;
			continue;
		default:
			break;
		}
		/* GM_REC: a prefix, then the record */
		give = 0;
		if (d->frame == GF_DER) {
			if (!token_byte(cur_peek_u8(&c, off))) {
				/* application data without framing */
				d->mode = GM_DEAD;
				continue;
			}
			r = der_total(p + off, len - off, &total);
			if (r == 0) {
				need = len + 1;
				goto need;
			}
			if (r < 0) {
				d->mode = GM_DEAD;
				continue;
			}
			pre = 0;
			rec = total;
		} else {
			pre = (size_t)d->frame;
			if (len - off < pre) {
				need = off + pre;
				goto need;
			}
			rec = prefix_len(p + off, d->frame);
			if (rec > GSS_SANE && d->frame == 4 &&
			    len - off < GF_MIT) {
				need = off + GF_MIT;
				goto need;
			}
			if (rec > GSS_SANE && d->frame == 4 &&
			    prefix_len(p + off, GF_MIT) <= GSS_SANE) {
				/*
				 * A flags byte: the MIT framing, whose first
				 * flags byte was lost before the flow was
				 * claimed.
				 */
				d->frame = GF_MIT;
				continue;
			}
			if (rec > GSS_SANE) {
				ctx->eng->st.carrier_errors++;
				d->mode = GM_DEAD;
				continue;
			}
			if (d->frame == GF_MIT &&
			    (cur_peek_u8(&c, off) & MIT_CONTEXT) == 0) {
				off += pre;
				d->mode = GM_SKIP;
				d->left = rec;
				continue;
			}
		}
		if (rec == 0) {
			off += pre;
			continue;
		}
		avail = len - off - pre;
		peek = rec < GSS_PEEK ? (size_t)rec : GSS_PEEK;
		if (avail < peek) {
			need = off + pre + peek;
			goto need;
		}
		give = sec_probe(p + off + pre, peek, 0);
		if (give && pre + rec > rec_limit(ctx->eng)) {
			ctx->eng->st.dis_oversize++;
			give = 0;
		}
		if (!give) {
			if (d->frame == GF_DER) {
				d->mode = GM_DEAD;
				continue;
			}
			off += pre;
			d->mode = GM_SKIP;
			d->left = rec;
			continue;
		}
		if (avail < rec) {
			need = off + pre + (size_t)rec;
			goto need;
		}
		tok = p + off + pre;
		(void)sec_token(ctx, "gss", tok, (size_t)rec, 0);
		off += pre + (size_t)rec;
	}
	*used_out = off;
	return FEED_OK;
need:
	*used_out = off;
	*need_out = need > len ? need : len + 1;
	return FEED_NEED;
}

static void
gss_gap(void *state, int dir)
{
	struct gss_state *st = state;
	struct gss_dir *d = &st->dir[dir != 0];

	/* before the first token (a stream picked up late): no harm */
	if (d->mode != GM_LEARN)
		d->mode = GM_DEAD;
}

static void *
gss_state_new(void)
{
	struct gss_state *st;

	st = xcalloc(1, sizeof(*st));
	st->dir[0].frame = GF_NONE;
	st->dir[1].frame = GF_NONE;
	return st;
}

static void
gss_state_free(void *state)
{
	free(state);
}
