/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * kerberos.c - Kerberos on port 88: one message per UDP datagram
 * (RFC 4120 section 7.2.1), a 4-byte record mark before each message on
 * TCP (RFC 4120 section 7.2.2). After a gap or a broken record mark the
 * TCP framing resynchronises on the next plausible record.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cur.h"
#include "der.h"
#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "util.h"

#define KRB_TCP_MAX	(256 * 1024)	/* record cap, no engine */
#define KRB_MARK_RSVD	0x80000000u	/* reserved bit of the mark */

struct krb_dir {
	int		 resync;	/* looking for a record boundary */
	int		 counted;	/* this resync already counted */
};

struct krb_state {
	struct krb_dir	 dir[2];
};

static int	starts_like_krb(const uint8_t *, size_t);
static int	plausible_record(const uint8_t *, size_t, size_t);
static size_t	record_limit(const struct engine *);
static void	enter_resync(struct krb_dir *);
static int	resync_scan(struct krb_dir *, struct engine *,
		    const uint8_t *, size_t, size_t *, size_t);
static void	emit(struct dis_ctx *, const uint8_t *, size_t);
static int	kerberos_probe(const uint8_t *, size_t, int);
static int	kerberos_may_start(uint8_t, int);
static int	kerberos_datagram(struct dis_ctx *, const uint8_t *, size_t);
static int	kerberos_feed(void *, struct dis_ctx *, const uint8_t *,
		    size_t, size_t *, size_t *);
static void	kerberos_gap(void *, int);
static void	*kerberos_state_new(void);
static void	kerberos_state_free(void *);

const struct dissector dis_kerberos = {
	.name		= "kerberos",
	.transports	= TRANSPORT_MASK(TRANSPORT_UDP) |
			    TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 88, 0 },
	.probe		= kerberos_probe,
	.may_start	= kerberos_may_start,
	.datagram	= kerberos_datagram,
	.feed		= kerberos_feed,
	.gap		= kerberos_gap,
	.state_new	= kerberos_state_new,
	.state_free	= kerberos_state_free,
};

/*
 * Starts like a Kerberos message: APPLICATION tag of a message type with
 * well-formed length octets, then a SEQUENCE tag. Whatever follows is
 * the decoder's to judge (and report invalid or truncated).
 */
static int
starts_like_krb(const uint8_t *p, size_t len)
{
	struct der_tlv app;
	struct cur c;
	size_t claimed;

	cur_init(&c, p, len);
	switch (cur_peek_u8(&c, 0)) {
	case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
	case 0x74: case 0x75: case 0x76: case 0x7e:
		break;
	default:
		return 0;
	}
	if (der_read_partial(&c, &app, &claimed) != 0)
		return 0;
	return cur_peek_u8(&app.val, 0) == (0x20 | DER_TAG_SEQUENCE);
}

/*
 * Is there a record boundary at p? 1 yes, 0 no, -1 cannot tell before
 * more bytes arrive. A boundary is a record mark (reserved bit clear,
 * 0 < length <= limit) followed by the start of a Kerberos message whose
 * DER length fills the record exactly.
 */
static int
plausible_record(const uint8_t *p, size_t n, size_t limit)
{
	struct der_tlv app;
	struct cur c, msg;
	uint32_t mark;
	size_t avail, claimed;
	int rc;

	cur_init(&c, p, n);
	if (n > 0 && (cur_peek_u8(&c, 0) & 0x80))
		return 0;
	if (n < 4)
		return -1;
	mark = cur_get_be32(&c);
	if (mark == 0 || mark > limit)
		return 0;
	avail = cur_left(&c) < mark ? cur_left(&c) : mark;
	if (cur_sub(&c, avail, &msg) != 0)
		return 0;
	if (avail == 0)
		return -1;
	switch (cur_peek_u8(&msg, 0)) {
	case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
	case 0x74: case 0x75: case 0x76: case 0x7e:
		break;
	default:
		return 0;
	}
	rc = der_read_partial(&msg, &app, &claimed);
	if (rc == E_TRUNC)
		return avail < mark ? -1 : 0;
	if (rc != 0 || app.hdr_len + claimed != mark)
		return 0;
	if (cur_left(&app.val) == 0)
		return avail < mark ? -1 : 0;
	return krb_probe(p + 4, avail, 1);
}

/*
 * Largest message length a record mark may announce: the record (mark
 * included) must fit what the stream layer will buffer.
 */
static size_t
record_limit(const struct engine *eng)
{
	size_t lim;

	lim = KRB_TCP_MAX;
	if (eng != NULL && eng->lim.max_msg_bytes > 0)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	if (lim > 0x7fffffff)
		lim = 0x7fffffff;
	return lim > 4 ? lim - 4 : 1;
}

static void
enter_resync(struct krb_dir *d)
{
	d->resync = 1;
	d->counted = 0;
}

/*
 * Scans p[*off..len) for a record boundary. Returns 1 with *off on it,
 * or 0 with *off on the first byte that needs more data to judge. Bytes
 * stepped over are discarded; the first discard of a resync counts it.
 */
static int
resync_scan(struct krb_dir *d, struct engine *eng, const uint8_t *p,
    size_t len, size_t *off, size_t limit)
{
	size_t i;
	int r, found;

	found = 0;
	for (i = *off; i < len; i++) {
		r = plausible_record(p + i, len - i, limit);
		if (r < 0)
			break;
		if (r > 0) {
			found = 1;
			break;
		}
	}
	if (i > *off && !d->counted) {
		eng->st.dis_resyncs++;
		d->counted = 1;
	}
	*off = i;
	if (found)
		d->resync = 0;
	return found;
}

static void
emit(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	struct krb_msg msg;

	krb_decode(p, len, &msg);
	engine_emit_krb(ctx, "kerberos", &msg);
}

static int
kerberos_probe(const uint8_t *p, size_t len, int transport)
{
	if (transport == TRANSPORT_UDP)
		return krb_probe(p, len, 0);
	if (transport == TRANSPORT_TCP)
		return plausible_record(p, len, record_limit(NULL)) == 1;
	return 0;
}

/* UDP: a message's APPLICATION tag; TCP: a record marker without the
 * reserved bit (plausible_record()). */
static int
kerberos_may_start(uint8_t b, int transport)
{
	if (transport == TRANSPORT_UDP)
		return b >= (0x60 | KRB_AS_REQ) && b <= (0x60 | KRB_ERROR);
	return (b & 0x80) == 0;
}

static int
kerberos_datagram(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	if (starts_like_krb(p, len))
		emit(ctx, p, len);
	return 0;
}

static int
kerberos_feed(void *state, struct dis_ctx *ctx, const uint8_t *p,
    size_t len, size_t *used_out, size_t *need_out)
{
	struct krb_state *st = state;
	struct krb_dir *d;
	struct cur c;
	size_t off, limit, need, rec;
	uint32_t mark;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	limit = record_limit(ctx->eng);
	off = 0;
	need = 0;
	while (off < len) {
		if (d->resync) {
			if (!resync_scan(d, ctx->eng, p, len, &off, limit)) {
				need = len + 1;
				break;
			}
			continue;
		}
		cur_init(&c, p + off, len - off);
		mark = cur_get_be32(&c);
		if (c.err != 0) {
			need = off + 4;
			break;
		}
		if ((mark & KRB_MARK_RSVD) || mark == 0) {
			enter_resync(d);
			continue;
		}
		rec = mark;
		if (rec > limit) {
			ctx->eng->st.dis_oversize++;
			enter_resync(d);
			continue;
		}
		if (cur_left(&c) < rec) {
			need = off + 4 + rec;
			break;
		}
		if (!starts_like_krb(c.p, rec)) {
			enter_resync(d);
			continue;
		}
		emit(ctx, c.p, rec);
		off += 4 + rec;
	}
	if (off > 0) {
		*used_out = off;
		return FEED_OK;
	}
	*need_out = need > len ? need : len + 1;
	return FEED_NEED;
}

static void
kerberos_gap(void *state, int dir)
{
	struct krb_state *st = state;

	enter_resync(&st->dir[dir != 0]);
}

static void *
kerberos_state_new(void)
{
	return xcalloc(1, sizeof(struct krb_state));
}

static void
kerberos_state_free(void *state)
{
	free(state);
}
