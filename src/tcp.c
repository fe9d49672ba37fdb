/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tcp.c - TCP stream reassembly per direction, bounded, and delivery of
 * in-order bytes to the flow's dissector (the feed protocol described in
 * dissector.h). RFC 9293 section 3.4 (sequence numbers).
 *
 * Overlap policy "first": bytes already received win. A segment wholly
 * made of bytes already handed on is a retransmission (tcp_retrans); one
 * that partly overlaps handed-on or held bytes only contributes its new
 * bytes (tcp_overlaps). Sequence numbers compare modulo 2^32.
 *
 * Holes: a segment ahead of the next expected byte is held (tcp_ooo), up
 * to lim.max_ooo_segs per direction. When that queue is full, when a FIN
 * or RST arrives while a hole remains, or when the flow ends with held
 * data, the hole is skipped (tcp_gaps, tcp_gap_bytes), the dissector's
 * gap() is called and the held data goes on; bytes after a skipped hole
 * are reported at the frame that carried them. Bytes the capture cut off
 * a segment (snaplen) are a hole skipped at once.
 *
 * Buffers: the bytes feed() has not used yet are kept per direction, at
 * most lim.flow_bytes (held out-of-order data included); all flows
 * together at most lim.total_bytes (tcp_drop_bytes when either cap turns
 * bytes away; the dissector then resynchronises through gap()).
 * In-order data meeting an empty buffer is fed straight from the packet.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "flow.h"
#include "util.h"

#define SEQ_DIFF(a, b)	((int64_t)(int32_t)((uint32_t)(a) - (uint32_t)(b)))
#define PROBE_BYTES	64	/* stop probing a side after this many bytes */
#define PROBE_SEGS	4	/* or after this many segments */
#define BUF_MIN		64	/* grows by doubling: a flood of flows
				 * holding a few bytes each stays small */
#define SEQ_WINDOW	((int64_t)1 << 30)	/* largest scaled window */

static void	acct_add(struct engine *, size_t);
static void	acct_sub(struct engine *, size_t);
static size_t	buffered(const struct tcp_dir *);
static int	buf_append(struct engine *, struct tcp_dir *, const uint8_t *,
		    size_t, const struct pkt_meta *);
static void	buf_release(struct engine *, struct tcp_dir *);
static void	buf_consume(struct engine *, struct tcp_dir *, size_t);
static void	side_release(struct engine *, struct tcp_dir *);
static int	wants(const struct flow *, int);
static void	call_gap(struct flow *, int);
static void	resync(struct engine *, struct flow *, int);
static void	skip_to(struct engine *, struct flow *, int, uint32_t);
static size_t	run_feed(struct engine *, struct flow *, int,
		    const struct pkt_meta *, const uint8_t *, size_t, int *);
static void	feed_bytes(struct engine *, struct flow *, int,
		    const struct pkt_meta *, const uint8_t *, size_t);
static void	feed_held(struct engine *, struct flow *, int);
static void	probe_bytes(struct engine *, struct flow *, int,
		    const struct pkt_meta *, const uint8_t *, size_t);
static void	deliver(struct engine *, struct flow *, int,
		    const struct pkt_meta *, const uint8_t *, size_t);
static void	ignore(struct engine *, struct flow *);
static void	drain(struct engine *, struct flow *, int,
		    const struct pkt_meta *);
static void	flush(struct engine *, struct flow *, int, int, uint32_t);
static void	in_order(struct engine *, struct flow *, int,
		    const struct pkt_meta *, uint32_t, const uint8_t *, size_t,
		    size_t);
static int	hold(struct engine *, struct flow *, int,
		    const struct pkt_meta *, uint32_t *, const uint8_t **,
		    size_t *);
static void	seg_data(struct engine *, struct flow *, int,
		    const struct pkt_meta *, uint32_t, const uint8_t *, size_t,
		    size_t);

static void
acct_add(struct engine *eng, size_t n)
{
	eng->st.reasm_bytes += n;
	if (eng->st.reasm_bytes > eng->st.reasm_peak)
		eng->st.reasm_peak = eng->st.reasm_bytes;
}

static void
acct_sub(struct engine *eng, size_t n)
{
	eng->st.reasm_bytes -= n;
}

static size_t
buffered(const struct tcp_dir *d)
{
	return d->buf != NULL ? d->buf->len : 0;
}

/*
 * Appends n bytes (brought by pkt) to the direction's buffer. The caller
 * keeps the result within lim.flow_bytes; fails when lim.total_bytes
 * would be passed. Buffer capacity (not just length) is what is counted.
 */
static int
buf_append(struct engine *eng, struct tcp_dir *d, const uint8_t *p,
    size_t n, const struct pkt_meta *pkt)
{
	struct tcp_buf *b;
	size_t len, cap, want, ncap;

	len = buffered(d);
	cap = d->buf != NULL ? d->buf->cap : 0;
	want = len + n;
	if (want > cap) {
		ncap = cap * 2;
		if (ncap < BUF_MIN)
			ncap = BUF_MIN;
		if (ncap < want)
			ncap = want;
		if (ncap > eng->lim.flow_bytes)
			ncap = want;
		if (eng->st.reasm_bytes + (ncap - cap) > eng->lim.total_bytes)
			ncap = want;
		if (eng->st.reasm_bytes + (ncap - cap) > eng->lim.total_bytes)
			return E_LIMIT;
		b = xrealloc(d->buf, sizeof(*b) + ncap);
		b->len = len;
		b->cap = ncap;
		d->buf = b;
		acct_add(eng, ncap - cap);
	}
	memcpy(d->buf->data + len, p, n);
	d->buf->len = want;
	d->buf->pkt = *pkt;
	return 0;
}

static void
buf_release(struct engine *eng, struct tcp_dir *d)
{
	if (d->buf != NULL) {
		acct_sub(eng, d->buf->cap);
		free(d->buf);
		d->buf = NULL;
	}
	d->need = 0;
}

/* Forgets the first n buffered bytes (used by feed). */
static void
buf_consume(struct engine *eng, struct tcp_dir *d, size_t n)
{
	struct tcp_buf *b = d->buf;

	if (b == NULL)
		return;
	if (n >= b->len) {
		acct_sub(eng, b->cap);
		free(b);
		d->buf = NULL;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

/* Frees the buffer and the held segments of one direction. */
static void
side_release(struct engine *eng, struct tcp_dir *d)
{
	struct tcp_seg *s;

	buf_release(eng, d);
	while ((s = d->ooo) != NULL) {
		d->ooo = s->next;
		acct_sub(eng, s->len);
		free(s);
	}
	d->n_ooo = 0;
	d->ooo_bytes = 0;
}

void
tcp_release(struct engine *eng, struct flow *f)
{
	side_release(eng, &f->tcp[0]);
	side_release(eng, &f->tcp[1]);
}

/* Does this side still need its bytes (reassembly worth doing)? */
static int
wants(const struct flow *f, int side)
{
	uint8_t fl = f->tcp[side].flags;

	if (f->state == FLOW_IGNORED || (fl & TD_DEAD) != 0)
		return 0;
	if (f->state == FLOW_PROBING && (fl & TD_PROBED) != 0)
		return 0;
	return 1;
}

/* Tells an active dissector about lost bytes, now or before next feed. */
static void
call_gap(struct flow *f, int side)
{
	struct tcp_dir *d = &f->tcp[side];

	if (f->state != FLOW_ACTIVE || (d->flags & TD_DEAD) != 0) {
		d->flags |= TD_RESYNC;
		return;
	}
	d->flags &= (uint8_t)~TD_RESYNC;
	if (f->dis->gap != NULL) {
		f->delivered = 1;
		f->dis->gap(f->dstate, side == f->init_side ? 0 : 1);
	}
}

/* Bytes of this side were lost: forget the unfinished record. */
static void
resync(struct engine *eng, struct flow *f, int side)
{
	buf_release(eng, &f->tcp[side]);
	call_gap(f, side);
}

/* Skips the hole up to seq: counted, then the dissector resyncs. */
static void
skip_to(struct engine *eng, struct flow *f, int side, uint32_t seq)
{
	struct tcp_dir *d = &f->tcp[side];
	int64_t n;

	n = SEQ_DIFF(seq, d->next_seq);
	if (n <= 0)
		return;
	eng->st.tcp_gaps++;
	eng->st.tcp_gap_bytes += (uint64_t)n;
	d->next_seq = seq;
	resync(eng, f, side);
}

/*
 * Calls feed() over p while it makes progress and has what it asked for.
 * Returns the bytes used (or to be thrown away); *gap_out says a record
 * was too large and the rest must be dropped with a resync.
 */
static size_t
run_feed(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const uint8_t *p, size_t n, int *gap_out)
{
	struct tcp_dir *d = &f->tcp[side];
	struct dis_ctx ctx;
	size_t done, rest, used, need;
	int r;

	*gap_out = 0;
	done = 0;
	flow_ctx(eng, f, side, pkt, &ctx);
	while (done < n && n - done >= d->need) {
		used = need = 0;
		f->delivered = 1;
		r = f->dis->feed(f->dstate, &ctx, p + done, n - done, &used,
		    &need);
		if (used > n - done)
			used = n - done;
		done += used;
		rest = n - done;
		if (r == FEED_ERR) {
			d->flags |= TD_DEAD;
			d->need = 0;
			return n;
		}
		if (r == FEED_NEED) {
			/* need counts from where this call started */
			need = need > used ? need - used : 0;
			if (need > eng->lim.flow_bytes ||
			    need > eng->lim.max_msg_bytes) {
				eng->st.dis_oversize++;
				d->need = 0;
				*gap_out = 1;
				return n;
			}
			d->need = need > rest ? need : rest + 1;
			break;
		}
		d->need = 0;
		if (used == 0) {
			d->need = rest + 1;	/* wait for more */
			break;
		}
	}
	return done;
}

/* In-order bytes for an active dissector. */
static void
feed_bytes(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const uint8_t *p, size_t n)
{
	struct tcp_dir *d = &f->tcp[side];
	size_t done, k, room;
	int gap;

	if (d->flags & TD_RESYNC)
		call_gap(f, side);
	while (n > 0 && (d->flags & TD_DEAD) == 0) {
		if (d->buf == NULL && n >= d->need) {
			/* straight from the packet */
			done = run_feed(eng, f, side, pkt, p, n, &gap);
			p += done;
			n -= done;
			if (gap)
				resync(eng, f, side);
			if (n == 0 || (d->flags & TD_DEAD) != 0)
				break;
		}
		room = eng->lim.flow_bytes > buffered(d) + d->ooo_bytes ?
		    eng->lim.flow_bytes - buffered(d) - d->ooo_bytes : 0;
		k = n < room ? n : room;
		if (k > 0 && buf_append(eng, d, p, k, pkt) != 0) {
			/* all buffers together are full */
			eng->st.tcp_drop_bytes += buffered(d) + n;
			resync(eng, f, side);
			return;
		}
		p += k;
		n -= k;
		if (d->buf != NULL && d->buf->len >= d->need) {
			done = run_feed(eng, f, side, pkt, d->buf->data,
			    d->buf->len, &gap);
			buf_consume(eng, d, done);
			if (gap)
				resync(eng, f, side);
			if (done > 0 || gap)
				continue;
		}
		if (n > 0) {
			/* this direction's buffer is full and stuck */
			if (d->buf != NULL) {
				eng->st.tcp_drop_bytes += d->buf->len;
			} else {
				eng->st.tcp_drop_bytes += n;
				n = 0;
			}
			resync(eng, f, side);
		}
	}
	if (d->flags & TD_DEAD)
		side_release(eng, d);
}

/* Feeds what a side buffered before its dissector was known. */
static void
feed_held(struct engine *eng, struct flow *f, int side)
{
	struct tcp_dir *d = &f->tcp[side];
	struct pkt_meta pkt;
	size_t done;
	int gap;

	if (d->flags & TD_RESYNC)
		call_gap(f, side);
	if (d->buf == NULL || d->buf->len < d->need)
		return;
	pkt = d->buf->pkt;
	done = run_feed(eng, f, side, &pkt, d->buf->data, d->buf->len, &gap);
	buf_consume(eng, d, done);
	if (gap)
		resync(eng, f, side);
	if (d->flags & TD_DEAD)
		side_release(eng, d);
}

void
tcp_activated(struct engine *eng, struct flow *f)
{
	int side;

	if (f->state != FLOW_ACTIVE) {
		ignore(eng, f);
		return;
	}
	side = f->init_side;
	feed_held(eng, f, side);
	feed_held(eng, f, !side);
}

/* No dissector wants the flow: keep only its bookkeeping. */
static void
ignore(struct engine *eng, struct flow *f)
{
	f->state = FLOW_IGNORED;
	tcp_release(eng, f);
}

/* In-order bytes while no dissector is chosen: content probes. */
static void
probe_bytes(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const uint8_t *p, size_t n)
{
	struct tcp_dir *d = &f->tcp[side];
	const struct dissector *dis;

	if (n == 0)
		return;
	if (buffered(d) + d->ooo_bytes + n > eng->lim.flow_bytes ||
	    buf_append(eng, d, p, n, pkt) != 0) {
		dis = NULL;
		d->probe_segs = PROBE_SEGS;
	} else {
		if (d->probe_segs < PROBE_SEGS)
			d->probe_segs++;
		dis = registry_probe(TRANSPORT_TCP, d->buf->data,
		    d->buf->len);
	}
	if (dis != NULL) {
		flow_activate(f, dis);
		tcp_activated(eng, f);
		return;
	}
	if (buffered(d) >= PROBE_BYTES || d->probe_segs >= PROBE_SEGS) {
		/* give this side up; if the other side matches later,
		 * this one starts again with a gap */
		d->flags |= TD_PROBED | TD_RESYNC | TD_RESTART;
		d->flags &= (uint8_t)~TD_STARTED;
		side_release(eng, d);
		if (f->tcp[!side].flags & TD_PROBED)
			ignore(eng, f);
	}
}

static void
deliver(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const uint8_t *p, size_t n)
{
	if (!wants(f, side) || n == 0)
		return;
	if (f->state == FLOW_PROBING)
		probe_bytes(eng, f, side, pkt, p, n);
	else
		feed_bytes(eng, f, side, pkt, p, n);
}

/*
 * Hands on the held segments that start at or before next_seq, each with
 * pkt (the packet that filled the hole) or, when NULL, with its own.
 */
static void
drain(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt)
{
	struct tcp_dir *d = &f->tcp[side];
	struct tcp_seg *s;
	int64_t skip;

	while (wants(f, side) && (s = d->ooo) != NULL &&
	    SEQ_DIFF(s->seq, d->next_seq) <= 0) {
		d->ooo = s->next;
		d->n_ooo--;
		d->ooo_bytes -= s->len;
		acct_sub(eng, s->len);
		skip = -SEQ_DIFF(s->seq, d->next_seq);
		if (skip < (int64_t)s->len) {
			d->next_seq += s->len - (uint32_t)skip;
			deliver(eng, f, side, pkt != NULL ? pkt : &s->pkt,
			    s->data + skip, s->len - (size_t)skip);
		}
		free(s);
	}
}

/*
 * Skips every remaining hole of a side and hands on all held data; with
 * has_fin, also the hole before the FIN.
 */
static void
flush(struct engine *eng, struct flow *f, int side, int has_fin,
    uint32_t fin)
{
	struct tcp_dir *d = &f->tcp[side];

	while (wants(f, side) && d->ooo != NULL) {
		skip_to(eng, f, side, d->ooo->seq);
		drain(eng, f, side, NULL);
	}
	if (has_fin && wants(f, side) && (d->flags & TD_STARTED))
		skip_to(eng, f, side, fin);
}

/*
 * A segment starting at or before next_seq: [seq, seq + n + lost), of
 * which n bytes were captured. Held bytes win where they overlap.
 */
static void
in_order(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, uint32_t seq, const uint8_t *p, size_t n,
    size_t lost)
{
	struct tcp_dir *d = &f->tcp[side];
	struct tcp_seg *s;
	int64_t k, room;
	size_t kd, kl;
	int overlap;

	overlap = 0;
	while (wants(f, side)) {
		/* drop what is already handed on */
		k = SEQ_DIFF(d->next_seq, seq);
		if (k > 0) {
			kd = (uint64_t)k < n ? (size_t)k : n;
			kl = (uint64_t)k - kd < lost ? (size_t)k - kd : lost;
			overlap |= kd > 0;
			p += kd;
			n -= kd;
			lost -= kl;
			seq += (uint32_t)(kd + kl);
		}
		s = d->ooo;
		if (s != NULL && SEQ_DIFF(s->seq, d->next_seq) <= 0) {
			drain(eng, f, side, pkt);
			continue;
		}
		if (n + lost == 0 || seq != d->next_seq)
			break;
		room = s != NULL ? SEQ_DIFF(s->seq, seq) : INT64_MAX;
		if (n > 0) {
			kd = (int64_t)n < room ? n : (size_t)room;
			d->next_seq += (uint32_t)kd;
			deliver(eng, f, side, pkt, p, kd);
			p += kd;
			n -= kd;
			seq += (uint32_t)kd;
		} else {
			/* cut off by the capture: a hole, skipped now */
			kl = (int64_t)lost < room ? lost : (size_t)room;
			skip_to(eng, f, side, seq + (uint32_t)kl);
			lost -= kl;
			seq += (uint32_t)kl;
		}
	}
	if (overlap)
		eng->st.tcp_overlaps++;
}

/*
 * Holds the bytes of a segment ahead of next_seq that no held segment
 * has yet. Returns 1 when the queue is full with bytes left, which are
 * then described by *seq, *p, *n.
 */
static int
hold(struct engine *eng, struct flow *f, int side, const struct pkt_meta *pkt,
    uint32_t *seq, const uint8_t **p, size_t *n)
{
	struct tcp_dir *d = &f->tcp[side];
	struct tcp_seg **pp, *s, *ns;
	int64_t cur, end, so, stop;
	size_t len;
	int overlap, added;

	cur = SEQ_DIFF(*seq, d->next_seq);
	end = cur + (int64_t)*n;
	overlap = added = 0;
	pp = &d->ooo;
	while (cur < end) {
		s = *pp;
		so = s != NULL ? SEQ_DIFF(s->seq, d->next_seq) : 0;
		if (s != NULL && so + (int64_t)s->len <= cur) {
			pp = &s->next;
			continue;
		}
		if (s != NULL && so <= cur) {
			overlap = 1;
			cur = so + (int64_t)s->len < end ? so + s->len : end;
			pp = &s->next;
			continue;
		}
		stop = s != NULL && so < end ? so : end;
		if (d->n_ooo >= eng->lim.max_ooo_segs) {
			*p += cur - SEQ_DIFF(*seq, d->next_seq);
			*n = (size_t)(end - cur);
			*seq = d->next_seq + (uint32_t)cur;
			return 1;
		}
		len = (size_t)(stop - cur);
		if (buffered(d) + d->ooo_bytes + len > eng->lim.flow_bytes ||
		    eng->st.reasm_bytes + len > eng->lim.total_bytes) {
			eng->st.tcp_drop_bytes += len;
			cur = stop;
			continue;
		}
		ns = xmalloc(sizeof(*ns) + len);
		ns->seq = d->next_seq + (uint32_t)cur;
		ns->len = (uint32_t)len;
		ns->pkt = *pkt;
		memcpy(ns->data, *p + (cur - SEQ_DIFF(*seq, d->next_seq)), len);
		ns->next = s;
		*pp = ns;
		pp = &ns->next;
		d->n_ooo++;
		d->ooo_bytes += len;
		acct_add(eng, len);
		added = 1;
		cur = stop;
	}
	if (overlap && !added)
		eng->st.tcp_retrans++;
	else if (overlap)
		eng->st.tcp_overlaps++;
	return 0;
}

/* The payload of one segment (n captured bytes, lost more on the wire). */
static void
seg_data(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, uint32_t seq, const uint8_t *p, size_t n,
    size_t lost)
{
	struct tcp_dir *d = &f->tcp[side];
	int64_t off;
	uint32_t target;
	int counted;

	counted = 0;
	while (wants(f, side)) {
		off = SEQ_DIFF(seq, d->next_seq);
		if (off <= 0) {
			if (off + (int64_t)(n + lost) <= 0) {
				eng->st.tcp_retrans++;
				return;
			}
			in_order(eng, f, side, pkt, seq, p, n, lost);
			return;
		}
		if (n == 0)
			return;		/* nothing captured to hold */
		if (off > SEQ_WINDOW) {
			/* beyond any TCP window: not this stream's bytes */
			eng->st.tcp_drop_bytes += n;
			return;
		}
		if (!counted)
			eng->st.tcp_ooo++;
		counted = 1;
		if (hold(eng, f, side, pkt, &seq, &p, &n) == 0)
			return;
		/* queue full: skip the first hole and go on */
		target = seq;
		if (d->ooo != NULL && SEQ_DIFF(d->ooo->seq, seq) < 0)
			target = d->ooo->seq;
		skip_to(eng, f, side, target);
		drain(eng, f, side, NULL);
	}
}

void
tcp_input(struct engine *eng, struct flow *f, int side,
    const struct pkt_meta *pkt, const struct tcp_hdr *th)
{
	struct tcp_dir *d = &f->tcp[side];
	uint32_t seq;

	seq = th->seq;
	if (th->flags & TH_RST) {
		flush(eng, f, f->init_side, 0, 0);
		flush(eng, f, !f->init_side, 0, 0);
		d->flags |= TD_FIN;
		flow_close(eng, f);
		return;
	}
	if (f->state == FLOW_IGNORED) {
		if (th->flags & TH_FIN) {
			d->flags |= TD_FIN;
			if (f->tcp[!side].flags & TD_FIN)
				flow_close(eng, f);
		}
		return;
	}
	if (th->flags & TH_SYN) {
		if ((d->flags & TD_STARTED) == 0 &&
		    (d->flags & TD_RESTART) == 0) {
			d->isn = seq;
			d->next_seq = seq + 1;
			d->flags |= TD_STARTED | TD_SYN;
		}
		if ((th->flags & TH_ACK) == 0 && !f->delivered)
			f->init_side = (uint8_t)side;
		seq++;
	}
	if (th->claimed == 0 && (th->flags & TH_FIN) == 0)
		return;
	if ((d->flags & TD_STARTED) == 0 && wants(f, side)) {
		/*
		 * A connection a content probe claimed starts where the
		 * protocol showed itself: that is not a capture started late.
		 */
		if ((d->flags & TD_RESTART) == 0 && !f->unhinted)
			eng->st.tcp_midstream++;
		d->next_seq = seq;
		d->flags |= TD_STARTED | TD_RESYNC;
		d->flags &= (uint8_t)~TD_RESTART;
	}
	if (th->claimed > 0)
		seg_data(eng, f, side, pkt, seq, th->data, th->len,
		    th->claimed - th->len);
	if (th->flags & TH_FIN) {
		if ((d->flags & TD_FIN) == 0)
			d->fin_seq = seq + (uint32_t)th->claimed;
		d->flags |= TD_FIN;
		/* a hole left before the FIN will not be filled */
		flush(eng, f, side, 1, d->fin_seq);
		if (f->tcp[!side].flags & TD_FIN)
			flow_close(eng, f);
	}
}

void
tcp_flow_end(struct engine *eng, struct flow *f)
{
	if (f->state == FLOW_ACTIVE) {
		flush(eng, f, f->init_side, 0, 0);
		flush(eng, f, !f->init_side, 0, 0);
	}
	tcp_release(eng, f);
}
