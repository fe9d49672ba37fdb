/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dns.c - DNS queries and responses on port 53, UDP and TCP (RFC 1035
 * section 4; TCP: a 2-byte length before each message, section 4.2.2;
 * AAAA RFC 3596; SRV RFC 2782): the address <-> name map SPN checks
 * need. Names are decompressed with pointers that must point backwards
 * (so loops end), at most DNS_MAX_HOPS of them per name, and at most 255
 * octets of name. Kept in struct dns_rec: the first question, the answer
 * section RRs, then additional-section A / AAAA / SRV, DNS_MAX_ANSWERS in
 * all; n_cut counts the RRs of those kinds that did not fit. No content
 * probe: DNS is recognised by its port only.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "record.h"
#include "util.h"

#define DNS_HDR_LEN	12
#define DNS_MAX_HOPS	32	/* compression pointers per name */
#define DNS_WIRE_NAME	255	/* RFC 1035 2.3.4 */
#define DNS_TCP_SKIP	0	/* dns_dir.mode */
#define DNS_TCP_MSG	1

#define T_A		1
#define T_NS		2
#define T_CNAME		5
#define T_PTR		12
#define T_AAAA		28
#define T_SRV		33

struct dns_dir {
	int		 mode;
	size_t		 left;		/* DNS_TCP_SKIP: bytes to pass */
};

struct dns_state {
	struct dns_dir	 dir[2];
	int		 lost[2];	/* a gap: framing unknown */
};

/*
 * The question's name as read (most answers point back to it): its
 * offset, where it ends, and its text. Valid for one message.
 */
struct qmemo {
	size_t		 off, end;	/* end 0: none */
	const char	*text;
	size_t		 len;		/* strlen(text) */
};

/*
 * The record being built: large (16 answers), so not on the stack, and
 * made once, not per message (the engine is single-threaded).
 */
static struct dns_rec	dns_rec_buf;

static int	copy_plain(char *, const uint8_t *, size_t);
static void	skip_name(struct cur *);
static int	has_cname(const uint8_t *, size_t, uint16_t);
static int	read_name(const uint8_t *, size_t, size_t, char *, size_t,
		    size_t *, const struct qmemo *, size_t *);
static int	read_rr(const uint8_t *, size_t, size_t, struct dns_rr *,
		    size_t *, const struct qmemo *, int);
static void	decode(const uint8_t *, size_t, struct dns_rec *, int);
static int	dns_datagram(struct dis_ctx *, const uint8_t *, size_t);
static int	dns_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	dns_gap(void *, int);
static void	*dns_state_new(void);
static void	dns_state_free(void *);

const struct dissector dis_dns = {
	.name		= "dns",
	.transports	= TRANSPORT_MASK(TRANSPORT_UDP) |
			    TRANSPORT_MASK(TRANSPORT_TCP),
	.flags		= DIS_F_UDP_STATELESS,
	.ports		= { 53, 0 },
	.datagram	= dns_datagram,
	.feed		= dns_feed,
	.gap		= dns_gap,
	.state_new	= dns_state_new,
	.state_free	= dns_state_free,
};

/* Copies n bytes to dst while they are ones str_printable() would copy
 * unchanged (printable, no backslash): 1 when all were. */
static int
copy_plain(char *dst, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\')
			return 0;
		dst[i] = (char)p[i];
	}
	return 1;
}

/*
 * Reads the (possibly compressed) name at msg[off] into out as dotted
 * text ("." for the root). *next_out: the offset after the name where it
 * stands. Returns 0, E_TRUNC when the message ends inside it, E_INVALID
 * for a forward or looping pointer, a reserved label type or an
 * overlong name. A name that is only a pointer to the memo's name (read
 * whole within len) copies its text.
 */
static int
read_name(const uint8_t *msg, size_t len, size_t off, char *out,
    size_t outsz, size_t *next_out, const struct qmemo *qm, size_t *len_out)
{
	struct cur c;
	const uint8_t *lab;
	size_t o, wire, start, ptr;
	unsigned hops;
	uint8_t b;
	char tmp[4 * 63 + 1];
	int jumped;

	out[0] = '\0';
	o = 0;
	wire = 1;
	hops = 0;
	jumped = 0;
	*next_out = off;
	if (off >= len)
		return E_TRUNC;
	cur_init(&c, msg + off, len - off);
	for (;;) {
		start = (size_t)(c.p - msg);
		b = cur_get_u8(&c);
		if (c.err != 0)
			return E_TRUNC;
		if ((b & 0xc0) == 0xc0) {
			ptr = (size_t)(b & 0x3f) << 8 | cur_get_u8(&c);
			if (c.err != 0)
				return E_TRUNC;
			if (!jumped)
				*next_out = start + 2;
			/* only backwards: every hop lowers the offset */
			if (ptr >= start || ++hops > DNS_MAX_HOPS)
				return E_INVALID;
			if (o == 0 && !jumped && qm != NULL &&
			    qm->end != 0 && ptr == qm->off &&
			    qm->end <= len && qm->len < outsz) {
				memcpy(out, qm->text, qm->len + 1);
				if (len_out != NULL)
					*len_out = qm->len;
				return 0;
			}
			jumped = 1;
			cur_init(&c, msg + ptr, len - ptr);
			continue;
		}
		if ((b & 0xc0) != 0)
			return E_INVALID;	/* 0x40, 0x80: reserved */
		if (b == 0) {
			if (!jumped)
				*next_out = start + 1;
			break;
		}
		if ((lab = cur_get_bytes(&c, b)) == NULL)
			return E_TRUNC;
		wire += (size_t)b + 1;
		if (wire > DNS_WIRE_NAME)
			return E_INVALID;
		/* the common case: a plain label that fits, copied as is
		 * (checked while copied; the slow path below rewrites it) */
		if (o + 1 + b < outsz && copy_plain(out + o + (o > 0), lab,
		    b)) {
			if (o > 0)
				out[o++] = '.';
			o += b;
		} else {
			str_printable(tmp, sizeof(tmp), lab, b);
			if (o > 0 && o + 1 < outsz)
				out[o++] = '.';
			out[o] = '\0';
			str_append(out, outsz, tmp);
			o = strlen(out);
		}
	}
	out[o] = '\0';
	if (o == 0 && outsz > 1) {
		memcpy(out, ".", 2);
		o = 1;
	}
	if (len_out != NULL)
		*len_out = o;
	return 0;
}

/*
 * One resource record at msg[off]: owner name, type, class, TTL and
 * the data of the types we keep (an address as text only with
 * addr_text). *next_out: the offset after it.
 */
static int
read_rr(const uint8_t *msg, size_t len, size_t off, struct dns_rr *rr,
    size_t *next_out, const struct qmemo *qm, int addr_text)
{
	struct cur c, rd;
	size_t after, rdoff;
	uint16_t rdlen;
	int rc;

	/* every field set below: no clearing of the two name buffers */
	rr->data[0] = '\0';
	rr->type = rr->class = 0;
	rr->ttl = 0;
	rr->srv_priority = rr->srv_weight = rr->srv_port = 0;
	memset(rr->addr, 0, sizeof(rr->addr));
	if ((rc = read_name(msg, len, off, rr->name, sizeof(rr->name),
	    &off, qm, NULL)) != 0)
		return rc;
	cur_init(&c, msg + off, len - off);
	rr->type = cur_get_be16(&c);
	rr->class = cur_get_be16(&c);
	rr->ttl = cur_get_be32(&c);
	rdlen = cur_get_be16(&c);
	rdoff = off + 10;
	if (cur_sub(&c, rdlen, &rd) != 0)
		return E_TRUNC;
	*next_out = rdoff + rdlen;
	switch (rr->type) {
	case T_A:
		if (rdlen != 4)
			return E_INVALID;
		memcpy(rr->addr, rd.p, 4);
		if (addr_text)
			fmt_addr(rr->data, sizeof(rr->data), AF_INET, rd.p);
		break;
	case T_AAAA:
		if (rdlen != 16)
			return E_INVALID;
		memcpy(rr->addr, rd.p, 16);
		if (addr_text)
			fmt_addr(rr->data, sizeof(rr->data), AF_INET6,
			    rd.p);
		break;
	case T_NS:
	case T_CNAME:
	case T_PTR:
		/* the name may point anywhere before it */
		rc = read_name(msg, rdoff + rdlen, rdoff, rr->data,
		    sizeof(rr->data), &after, qm, NULL);
		if (rc != 0)
			return rc == E_TRUNC ? E_INVALID : rc;
		break;
	case T_SRV:
		rr->srv_priority = cur_get_be16(&rd);
		rr->srv_weight = cur_get_be16(&rd);
		rr->srv_port = cur_get_be16(&rd);
		if (rd.err != 0)
			return E_INVALID;
		rc = read_name(msg, rdoff + rdlen, rdoff + 6, rr->data,
		    sizeof(rr->data), &after, qm, NULL);
		if (rc != 0)
			return rc == E_TRUNC ? E_INVALID : rc;
		break;
	default:
		break;
	}
	return 0;
}

/* The whole message into rec; status says how far it went. */
static void
decode(const uint8_t *msg, size_t len, struct dns_rec *rec, int addr_text)
{
	static struct dns_rr spare;	/* RRs read but not kept */
	struct dns_rr *rr;
	struct qmemo qm;
	struct cur c;
	size_t off;
	uint16_t flags, qd, an, ns, ar;
	int i, total, rc, keep;

	/* field by field: a memset of the head (a 256-byte name) cost more
	 * than reading a short message */
	rec->status = KRB_OK;
	rec->qname[0] = '\0';
	rec->qtype = rec->qclass = 0;
	rec->n_answers = rec->n_cut = 0;
	memset(&qm, 0, sizeof(qm));
	cur_init(&c, msg, len);
	rec->id = cur_get_be16(&c);
	flags = cur_get_be16(&c);
	qd = cur_get_be16(&c);
	an = cur_get_be16(&c);
	ns = cur_get_be16(&c);
	ar = cur_get_be16(&c);
	rec->response = flags >> 15;
	rec->opcode = (flags >> 11) & 0xf;
	rec->aa = (flags >> 10) & 1;
	rec->tc = (flags >> 9) & 1;
	rec->rcode = flags & 0xf;
	rec->n_questions = qd;
	rec->n_rr_total = an + ns + ar;
	off = DNS_HDR_LEN;
	rc = 0;
	for (i = 0; i < qd && rc == 0; i++) {
		if (i == 0) {
			rc = read_name(msg, len, off, rec->qname,
			    sizeof(rec->qname), &off, NULL, &qm.len);
			if (rc == 0 && qm.len + 1 < sizeof(rec->qname)) {
				qm.off = DNS_HDR_LEN;	/* whole, not cut */
				qm.end = off;
				qm.text = rec->qname;
			}
		} else
			rc = read_name(msg, len, off, spare.name,
			    sizeof(spare.name), &off, NULL, NULL);
		cur_init(&c, msg + (off < len ? off : len),
		    off < len ? len - off : 0);
		if (rc == 0 && i == 0) {
			rec->qtype = cur_get_be16(&c);
			rec->qclass = cur_get_be16(&c);
		} else {
			cur_skip(&c, 4);
		}
		if (rc == 0 && c.err != 0)
			rc = E_TRUNC;
		off += 4;
	}
	total = an + ns + ar;
	for (i = 0; i < total && rc == 0; i++) {
		/* straight into its place: kept unless the type says not */
		rr = rec->n_answers < DNS_MAX_ANSWERS ?
		    &rec->an[rec->n_answers] : &spare;
		if ((rc = read_rr(msg, len, off, rr, &off, &qm,
		    addr_text)) != 0)
			break;
		keep = i < an || (i >= an + ns && (rr->type == T_A ||
		    rr->type == T_AAAA || rr->type == T_SRV));
		if (!keep)
			continue;
		if (rr != &spare)
			rec->n_answers++;
		else
			rec->n_cut++;
	}
	rec->status = rc == 0 ? KRB_OK : rc == E_TRUNC ? KRB_TRUNCATED :
	    KRB_INVALID;
}

/* Steps c over a name: labels, ended by a zero or a pointer. */
static void
skip_name(struct cur *c)
{
	uint8_t b;
	int n;

	for (n = 0; n < 128 && c->err == 0; n++) {
		b = cur_get_u8(c);
		if (b == 0)
			return;
		if ((b & 0xc0) == 0xc0) {
			cur_skip(c, 1);
			return;
		}
		cur_skip(c, b & 0x3f);
	}
	cur_fail(c, E_INVALID);
}

/* Does the answer section start with a CNAME (type 5)? Servers list an
 * alias's CNAME before the records it leads to. */
static int
has_cname(const uint8_t *p, size_t len, uint16_t an)
{
	struct cur c;
	uint16_t qd, type;
	int i;

	cur_init(&c, p, len);
	cur_skip(&c, 4);
	qd = cur_get_be16(&c);
	cur_skip(&c, 6);
	for (i = 0; i < qd && c.err == 0; i++) {
		skip_name(&c);
		cur_skip(&c, 4);
	}
	if (an == 0 || c.err != 0)
		return 0;
	skip_name(&c);
	type = cur_get_be16(&c);
	return c.err == 0 && type == 5;
}

static int
dns_datagram(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	struct cur c;
	uint16_t flags, an;
	int response;

	if (len < DNS_HDR_LEN)
		return 0;
	/* nobody reads the records (the text report), or only answers
	 * (the hosts map): count, do not decode the rest */
	cur_init(&c, p, len);
	cur_skip(&c, 2);	/* ID */
	flags = cur_get_be16(&c);	/* RFC 1035 4.1.1 */
	response = (flags & 0x8000) != 0;
	cur_skip(&c, 2);	/* QDCOUNT */
	an = cur_get_be16(&c);
	if (ctx->eng->ops.dns == NULL || (ctx->eng->ops.dns_answers_only &&
	    (!response || (flags & 0xf) != 0 || an == 0)) ||
	    (ctx->eng->ops.dns_answers_only == DNS_CNAME_ANSWERS &&
	    !has_cname(p, len, an))) {
		ctx->eng->st.dns_msgs++;
		ctx->eng->st.dns_responses += (uint64_t)response;
		return 0;
	}
	/* the hosts map reads addresses in binary: text for records only */
	decode(p, len, &dns_rec_buf, ctx->eng->ops.dns_answers_only ==
	    DNS_ALL);
	engine_emit_dns(ctx, "dns", &dns_rec_buf);
	return 0;
}

static int
dns_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct dns_state *st = state;
	struct dns_dir *d;
	struct cur c;
	size_t off, k;
	uint16_t mlen;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	if (st->lost[ctx->dir != 0]) {
		/* no way to find the next length prefix */
		*used_out = len;
		return FEED_ERR;
	}
	off = 0;
	while (off < len) {
		if (d->mode == DNS_TCP_SKIP && d->left > 0) {
			k = len - off < d->left ? len - off : d->left;
			off += k;
			d->left -= k;
			continue;
		}
		d->mode = DNS_TCP_MSG;
		cur_init(&c, p + off, len - off);
		mlen = cur_get_be16(&c);
		if (c.err != 0)
			break;
		if (mlen > ctx->eng->lim.max_msg_bytes) {
			ctx->eng->st.dis_oversize++;
			d->mode = DNS_TCP_SKIP;
			d->left = mlen;
			off += 2;
			continue;
		}
		if (cur_left(&c) < mlen) {
			*used_out = off;
			*need_out = off + 2 + (size_t)mlen;
			return FEED_NEED;
		}
		if (mlen >= DNS_HDR_LEN)
			dns_datagram(ctx, c.p, mlen);
		off += 2 + (size_t)mlen;
	}
	*used_out = off;
	if (off == 0) {
		*need_out = len + 1;
		return FEED_NEED;
	}
	return FEED_OK;
}

static void
dns_gap(void *state, int dir)
{
	struct dns_state *st = state;

	/* also a stream picked up mid-way: where is the next prefix? */
	st->lost[dir != 0] = 1;
}

static void *
dns_state_new(void)
{
	return xcalloc(1, sizeof(struct dns_state));
}

static void
dns_state_free(void *state)
{
	free(state);
}
