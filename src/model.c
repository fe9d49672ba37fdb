/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * model.c - Kerberos exchanges and the tickets they issue and present
 * (RFC 4120 sections 3.1-3.3: AS, TGS and AP exchanges; MS-SFU 3.1.5 for
 * the S4U2Proxy additional ticket). Records in, finished exchanges out.
 *
 * Pending requests live in one table keyed by the connection (transport,
 * client address and port, server address and port); a KDC request also
 * carries its nonce, an AP-REQ the hash of its bytes, to tell a
 * retransmission from a new request. An age list (oldest activity first)
 * drives expiry and eviction. Known tickets live in a second table keyed
 * by ticket id, with a least-recently-used list. Both grow by doubling up
 * to their caps; nothing else is allocated per record.
 *
 * An AP exchange waits for the carrier's verdict after its AP-REP or
 * KRB-ERROR. When the verdict comes first (a carrier that reports the
 * outcome before the token of the same PDU), the exchange is held until
 * a record of another frame arrives, so an AP-REP of the same frame still
 * joins it.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "engine.h"
#include "model.h"
#include "record.h"
#include "util.h"

#define NIL		UINT32_MAX
#define TAB_FIRST	64		/* first allocation of a table */
#define MAX_BUCKETS	(1u << 20)
#define HASH_SEED	0x6b73636f70654d44ULL

/* pend.state */
#define PS_WAIT		1	/* no answer yet */
#define PS_REPLIED	2	/* AP: AP-REP / KRB-ERROR seen, the carrier's
				 * verdict may follow */

struct pend {
	struct exchange	 x;
	int		 used;
	int		 state;		/* PS_* */
	int		 has_nonce;
	uint32_t	 nonce;
	int		 has_hash;
	uint8_t		 hash[KRB_ID_LEN];	/* of the request's bytes */
	uint64_t	 seq;		/* creation order */
	struct timeval	 last;		/* last activity */
	uint64_t	 hkey;
	uint32_t	 hnext;		/* bucket chain, or free list */
	uint32_t	 prev, next;	/* age list */
};

struct tkt {
	uint8_t		 id[KRB_ID_LEN];
	int		 used;
	char		 cname[KRB_NAME_MAX], crealm[KRB_REALM_MAX];
	char		 sname[KRB_NAME_MAX], realm[KRB_REALM_MAX];
	int		 family;
	uint8_t		 owner[16];	/* the host it was issued to */
	int		 delegation;	/* XD_*: obtained on someone's behalf */
	int		 has_deleg_from;
	uint8_t		 deleg_from[16];
	uint64_t	 frame;		/* of the reply that issued it */
	struct timeval	 last;		/* issued or last presented */
	uint64_t	 hkey;
	uint32_t	 hnext;
	uint32_t	 prev, next;	/* LRU list, least recent first */
};

/* A connection, as seen from the requester. */
struct conn {
	int		 transport, family;
	uint8_t		 client[16], server[16];
	uint16_t	 cport, sport;
};

struct model {
	struct model_limits lim;
	struct model_stats st;
	exchange_sink_fn sink;
	void		*arg;
	struct timeval	 now;		/* latest time seen */
	uint64_t	 seq;

	struct pend	*p;		/* pending requests */
	uint32_t	 p_cap, p_n, p_free, p_head, p_tail;
	uint32_t	*p_bucket;
	uint32_t	 p_nb;

	struct tkt	*t;		/* known tickets */
	uint32_t	 t_cap, t_n, t_free, t_head, t_tail;
	uint32_t	*t_bucket;
	uint32_t	 t_nb;

	int		 has_held;	/* an AP exchange whose verdict came
					 * before its token */
	struct exchange	 held;
	uint64_t	 held_frame;
	struct timeval	 held_ts;
};

static uint32_t	buckets_for(size_t);
static void	conn_from(struct conn *, const struct msg_ctx *, int);
static uint64_t	conn_hash(const struct conn *);
static int	conn_is(const struct exchange *, const struct conn *);
static void	note_time(struct model *, const struct timeval *);
static int	tv_after(const struct timeval *, const struct timeval *,
		    unsigned);
static void	add_frame(struct exchange *, uint64_t);
static void	emit(struct model *, struct exchange *);
static void	flush_held(struct model *);

static void	p_unlink_age(struct model *, uint32_t);
static void	p_link_tail(struct model *, uint32_t);
static void	p_touch(struct model *, uint32_t, const struct timeval *);
static void	p_remove(struct model *, uint32_t);
static void	p_finish(struct model *, uint32_t, int);
static uint32_t	p_alloc(struct model *, const struct conn *);
static uint32_t	p_find_reply(struct model *, const struct conn *, int,
		    const char *);

static struct tkt *t_find(struct model *, const uint8_t *);
static void	t_unlink(struct model *, uint32_t);
static void	t_link_tail(struct model *, uint32_t);
static void	t_remove(struct model *, uint32_t);
static void	t_learn(struct model *, const struct exchange *,
		    const struct msg_ctx *,
		    const struct krb_msg *);
static struct tkt *t_use(struct model *, const uint8_t *,
		    const struct timeval *);

static void	note_delegation(struct exchange *, const struct tkt *);
static void	present(struct model *, struct exchange *,
		    const struct krb_msg *, const struct timeval *);
static void	on_kdc_req(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	on_ap_req(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	on_kdc_rep(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	set_reply(struct exchange *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	on_ap_rep(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	on_error(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	verdict_text(char *, size_t, const struct auth_rec *);

void
model_limits_default(struct model_limits *lim)
{
	lim->max_pending = 1024;
	lim->max_tickets = 8192;
	lim->answer_secs = 30;
	lim->ticket_secs = 36000;
}

static uint32_t
buckets_for(size_t cap)
{
	uint32_t nb;

	nb = 16;
	while (nb < cap && nb < MAX_BUCKETS)
		nb <<= 1;
	return nb;
}

struct model *
model_new(const struct model_limits *lim, exchange_sink_fn sink, void *arg)
{
	struct model *md;
	uint32_t i;

	md = xcalloc(1, sizeof(*md));
	if (lim != NULL)
		md->lim = *lim;
	else
		model_limits_default(&md->lim);
	if (md->lim.max_pending == 0)
		md->lim.max_pending = 1;
	if (md->lim.max_pending > NIL - 1)
		md->lim.max_pending = NIL - 1;
	if (md->lim.max_tickets == 0)
		md->lim.max_tickets = 1;
	if (md->lim.max_tickets > NIL - 1)
		md->lim.max_tickets = NIL - 1;
	md->sink = sink;
	md->arg = arg;
	md->p_free = md->p_head = md->p_tail = NIL;
	md->t_free = md->t_head = md->t_tail = NIL;
	md->p_nb = buckets_for(md->lim.max_pending);
	md->p_bucket = xmalloc(md->p_nb * sizeof(*md->p_bucket));
	for (i = 0; i < md->p_nb; i++)
		md->p_bucket[i] = NIL;
	md->t_nb = buckets_for(md->lim.max_tickets);
	md->t_bucket = xmalloc(md->t_nb * sizeof(*md->t_bucket));
	for (i = 0; i < md->t_nb; i++)
		md->t_bucket[i] = NIL;
	return md;
}

void
model_free(struct model *md)
{
	if (md == NULL)
		return;
	model_finish(md);
	free(md->p);
	free(md->p_bucket);
	free(md->t);
	free(md->t_bucket);
	free(md);
}

void
model_finish(struct model *md)
{
	struct pend *pe;
	uint32_t i;
	int result;

	flush_held(md);
	while ((i = md->p_head) != NIL) {
		pe = &md->p[i];
		result = pe->x.result;
		if (pe->state == PS_WAIT) {
			result = XR_UNKNOWN;
			if (pe->x.kind != XK_AP &&
			    tv_after(&pe->last, &md->now,
			    md->lim.answer_secs)) {
				result = XR_NO_ANSWER;
				md->st.no_answer++;
			}
		}
		p_finish(md, i, result);
	}
}

const struct model_stats *
model_stats(const struct model *md)
{
	return &md->st;
}

/* ---- helpers ------------------------------------------------------- */

/* The connection of a message; reply: the sender is the server. */
static void
conn_from(struct conn *c, const struct msg_ctx *mc, int reply)
{
	memset(c, 0, sizeof(*c));
	c->transport = mc->transport;
	c->family = mc->family;
	if (reply) {
		memcpy(c->client, mc->dst, sizeof(c->client));
		memcpy(c->server, mc->src, sizeof(c->server));
		c->cport = mc->dport;
		c->sport = mc->sport;
	} else {
		memcpy(c->client, mc->src, sizeof(c->client));
		memcpy(c->server, mc->dst, sizeof(c->server));
		c->cport = mc->sport;
		c->sport = mc->dport;
	}
}

static uint64_t
conn_hash(const struct conn *c)
{
	uint8_t k[38];

	k[0] = (uint8_t)c->transport;
	k[1] = (uint8_t)c->family;
	memcpy(k + 2, c->client, 16);
	memcpy(k + 18, c->server, 16);
	k[34] = (uint8_t)(c->cport >> 8);
	k[35] = (uint8_t)c->cport;
	k[36] = (uint8_t)(c->sport >> 8);
	k[37] = (uint8_t)c->sport;
	return hash64(k, sizeof(k), HASH_SEED);
}

static int
conn_is(const struct exchange *x, const struct conn *c)
{
	return x->transport == c->transport && x->family == c->family &&
	    x->cport == c->cport && x->sport == c->sport &&
	    memcmp(x->client, c->client, 16) == 0 &&
	    memcmp(x->server, c->server, 16) == 0;
}

static void
note_time(struct model *md, const struct timeval *tv)
{
	if (timercmp(tv, &md->now, >))
		md->now = *tv;
}

/* Is now more than secs after t? */
static int
tv_after(const struct timeval *t, const struct timeval *now, unsigned secs)
{
	struct timeval d;

	d.tv_sec = t->tv_sec + (time_t)secs;
	d.tv_usec = t->tv_usec;
	return timercmp(now, &d, >);
}

/* Frames in order; when full, the last slot keeps the latest. */
static void
add_frame(struct exchange *x, uint64_t frame)
{
	if (x->n_frames > 0 && x->frames[x->n_frames - 1] == frame)
		return;
	if (x->n_frames < XT_MAX_FRAMES)
		x->frames[x->n_frames++] = frame;
	else
		x->frames[XT_MAX_FRAMES - 1] = frame;
}

static void
emit(struct model *md, struct exchange *x)
{
	if (md->has_held && x != &md->held)
		flush_held(md);
	md->st.exchanges++;
	if (md->sink != NULL)
		md->sink(md->arg, x);
}

static void
flush_held(struct model *md)
{
	if (!md->has_held)
		return;
	md->has_held = 0;
	emit(md, &md->held);
}

/* ---- pending requests ---------------------------------------------- */

static void
p_unlink_age(struct model *md, uint32_t i)
{
	struct pend *pe = &md->p[i];

	if (pe->prev != NIL)
		md->p[pe->prev].next = pe->next;
	else
		md->p_head = pe->next;
	if (pe->next != NIL)
		md->p[pe->next].prev = pe->prev;
	else
		md->p_tail = pe->prev;
	pe->prev = pe->next = NIL;
}

static void
p_link_tail(struct model *md, uint32_t i)
{
	struct pend *pe = &md->p[i];

	pe->next = NIL;
	pe->prev = md->p_tail;
	if (md->p_tail != NIL)
		md->p[md->p_tail].next = i;
	else
		md->p_head = i;
	md->p_tail = i;
}

static void
p_touch(struct model *md, uint32_t i, const struct timeval *ts)
{
	md->p[i].last = *ts;
	if (md->p_tail == i)
		return;
	p_unlink_age(md, i);
	p_link_tail(md, i);
}

static void
p_remove(struct model *md, uint32_t i)
{
	struct pend *pe = &md->p[i];
	uint32_t *pp;

	pp = &md->p_bucket[pe->hkey & (md->p_nb - 1)];
	while (*pp != NIL && *pp != i)
		pp = &md->p[*pp].hnext;
	if (*pp == i)
		*pp = pe->hnext;
	p_unlink_age(md, i);
	pe->used = 0;
	pe->hnext = md->p_free;
	md->p_free = i;
	md->p_n--;
}

/* Hands the exchange to the sink with this result and forgets it. */
static void
p_finish(struct model *md, uint32_t i, int result)
{
	struct exchange x;

	x = md->p[i].x;
	x.result = result;
	p_remove(md, i);
	emit(md, &x);
}

/* A fresh entry on the connection, evicting the oldest when full. */
static uint32_t
p_alloc(struct model *md, const struct conn *c)
{
	struct pend *pe;
	struct pend *np;
	uint32_t i, ncap;
	uint64_t h;

	if (md->p_n >= md->lim.max_pending && md->p_head != NIL) {
		i = md->p_head;
		md->st.pending_evicted++;
		p_finish(md, i, md->p[i].state == PS_WAIT ? XR_UNKNOWN :
		    md->p[i].x.result);
	}
	if (md->p_free == NIL) {
		ncap = md->p_cap == 0 ? TAB_FIRST : md->p_cap * 2;
		if (ncap > md->lim.max_pending)
			ncap = (uint32_t)md->lim.max_pending;
		np = xrealloc(md->p, (size_t)ncap * sizeof(*np));
		md->p = np;
		for (i = ncap; i > md->p_cap; i--) {
			md->p[i - 1].used = 0;
			md->p[i - 1].hnext = md->p_free;
			md->p_free = i - 1;
		}
		md->p_cap = ncap;
	}
	i = md->p_free;
	pe = &md->p[i];
	md->p_free = pe->hnext;
	memset(pe, 0, sizeof(*pe));
	pe->used = 1;
	pe->state = PS_WAIT;
	pe->seq = ++md->seq;
	h = conn_hash(c);
	pe->hkey = h;
	pe->hnext = md->p_bucket[h & (md->p_nb - 1)];
	md->p_bucket[h & (md->p_nb - 1)] = i;
	pe->x.transport = c->transport;
	pe->x.family = c->family;
	memcpy(pe->x.client, c->client, 16);
	memcpy(pe->x.server, c->server, 16);
	pe->x.cport = c->cport;
	pe->x.sport = c->sport;
	p_link_tail(md, i);
	md->p_n++;
	return i;
}

/*
 * The pending request a reply on connection c answers: kind 0 for any
 * kind. Waiting requests first, then one whose service name is sname,
 * then the oldest.
 */
static uint32_t
p_find_reply(struct model *md, const struct conn *c, int kind,
    const char *sname)
{
	struct pend *pe;
	uint32_t i, best;
	int score, best_score;

	best = NIL;
	best_score = -1;
	i = md->p_bucket[conn_hash(c) & (md->p_nb - 1)];
	for (; i != NIL; i = pe->hnext) {
		pe = &md->p[i];
		if (!conn_is(&pe->x, c) || (kind != 0 && pe->x.kind != kind))
			continue;
		score = (pe->state == PS_WAIT) * 2;
		if (sname != NULL && sname[0] != '\0' &&
		    strcmp(sname, pe->x.sname) == 0)
			score++;
		if (score > best_score || (score == best_score &&
		    pe->seq < md->p[best].seq)) {
			best = i;
			best_score = score;
		}
	}
	return best;
}

/* ---- tickets ------------------------------------------------------- */

static struct tkt *
t_find(struct model *md, const uint8_t *id)
{
	uint32_t i;
	uint64_t h;

	if (md->t_n == 0)
		return NULL;
	h = hash64(id, KRB_ID_LEN, HASH_SEED);
	for (i = md->t_bucket[h & (md->t_nb - 1)]; i != NIL;
	    i = md->t[i].hnext)
		if (memcmp(md->t[i].id, id, KRB_ID_LEN) == 0)
			return &md->t[i];
	return NULL;
}

static void
t_unlink(struct model *md, uint32_t i)
{
	struct tkt *t = &md->t[i];

	if (t->prev != NIL)
		md->t[t->prev].next = t->next;
	else
		md->t_head = t->next;
	if (t->next != NIL)
		md->t[t->next].prev = t->prev;
	else
		md->t_tail = t->prev;
	t->prev = t->next = NIL;
}

static void
t_link_tail(struct model *md, uint32_t i)
{
	struct tkt *t = &md->t[i];

	t->next = NIL;
	t->prev = md->t_tail;
	if (md->t_tail != NIL)
		md->t[md->t_tail].next = i;
	else
		md->t_head = i;
	md->t_tail = i;
}

static void
t_remove(struct model *md, uint32_t i)
{
	struct tkt *t = &md->t[i];
	uint32_t *pp;

	pp = &md->t_bucket[t->hkey & (md->t_nb - 1)];
	while (*pp != NIL && *pp != i)
		pp = &md->t[*pp].hnext;
	if (*pp == i)
		*pp = t->hnext;
	t_unlink(md, i);
	t->used = 0;
	t->hnext = md->t_free;
	md->t_free = i;
	md->t_n--;
}

/* An AS-REP / TGS-REP issues its ticket to the reply's client. */
static void
t_learn(struct model *md, const struct exchange *x, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct tkt *t, *nt;
	uint32_t i, ncap;
	uint64_t h;

	if (!m->ticket.present)
		return;
	if ((t = t_find(md, m->ticket.id)) != NULL) {
		i = (uint32_t)(t - md->t);
		t_unlink(md, i);
	} else {
		if (md->t_n >= md->lim.max_tickets && md->t_head != NIL) {
			md->st.tickets_evicted++;
			t_remove(md, md->t_head);
		}
		if (md->t_free == NIL) {
			ncap = md->t_cap == 0 ? TAB_FIRST : md->t_cap * 2;
			if (ncap > md->lim.max_tickets)
				ncap = (uint32_t)md->lim.max_tickets;
			nt = xrealloc(md->t, (size_t)ncap * sizeof(*nt));
			md->t = nt;
			for (i = ncap; i > md->t_cap; i--) {
				md->t[i - 1].used = 0;
				md->t[i - 1].hnext = md->t_free;
				md->t_free = i - 1;
			}
			md->t_cap = ncap;
		}
		i = md->t_free;
		t = &md->t[i];
		md->t_free = t->hnext;
		memset(t, 0, sizeof(*t));
		memcpy(t->id, m->ticket.id, KRB_ID_LEN);
		h = hash64(t->id, KRB_ID_LEN, HASH_SEED);
		t->hkey = h;
		t->hnext = md->t_bucket[h & (md->t_nb - 1)];
		md->t_bucket[h & (md->t_nb - 1)] = i;
		t->used = 1;
		md->t_n++;
		md->st.tickets_known++;
	}
	snprintf(t->cname, sizeof(t->cname), "%s", m->cname);
	snprintf(t->crealm, sizeof(t->crealm), "%s", m->crealm);
	snprintf(t->sname, sizeof(t->sname), "%s", m->ticket.sname);
	snprintf(t->realm, sizeof(t->realm), "%s", m->ticket.realm);
	t->frame = mc->frame;
	t->last = mc->ts;
	/* the reply goes to the host that asked */
	t->family = mc->family;
	memcpy(t->owner, mc->dst, sizeof(t->owner));
	t->delegation = XD_NONE;
	t->has_deleg_from = 0;
	if (x != NULL && x->delegation != XD_NONE) {
		t->delegation = x->delegation;
		t->has_deleg_from = x->has_deleg_from;
		memcpy(t->deleg_from, x->deleg_from, sizeof(t->deleg_from));
	}
	t_link_tail(md, i);
}

/* A presented ticket: known? Then it is used now. */
static struct tkt *
t_use(struct model *md, const uint8_t *id, const struct timeval *ts)
{
	struct tkt *t;
	uint32_t i;

	if ((t = t_find(md, id)) == NULL)
		return NULL;
	i = (uint32_t)(t - md->t);
	t->last = *ts;
	t_unlink(md, i);
	t_link_tail(md, i);
	return t;
}

/* ---- messages ------------------------------------------------------ */

/* The request's tickets: the presented one (TGT, AP ticket), S4U2Proxy. */
static void
present(struct model *md, struct exchange *x, const struct krb_msg *m,
    const struct timeval *ts)
{
	struct tkt *t;

	if (m->ticket.present) {
		x->has_presented = 1;
		memcpy(x->presented, m->ticket.id, KRB_ID_LEN);
		md->st.presented++;
		if ((t = t_use(md, m->ticket.id, ts)) != NULL) {
			md->st.presented_linked++;
			x->presented_frame = t->frame;
			if (t->cname[0] != '\0') {
				snprintf(x->cname, sizeof(x->cname), "%s",
				    t->cname);
				snprintf(x->crealm, sizeof(x->crealm), "%s",
				    t->crealm);
			}
			note_delegation(x, t);
		}
	}
	if (m->msg_type == KRB_TGS_REQ && m->n_add_tickets > 0 &&
	    m->add_tickets[0].present) {
		x->has_additional = 1;
		memcpy(x->additional, m->add_tickets[0].id, KRB_ID_LEN);
		/* cname-in-addl-tkt (KDCOptions bit 14): S4U2Proxy */
		if (m->has_kdc_options &&
		    (m->kdc_options & (UINT32_C(1) << (31 - 14))) != 0)
			x->delegation = XD_CONSTRAINED;
		if ((t = t_use(md, m->add_tickets[0].id, ts)) != NULL) {
			x->additional_frame = t->frame;
			/* on whose behalf: the evidence ticket's client */
			if (x->delegation == XD_CONSTRAINED &&
			    x->for_user[0] == '\0' && t->cname[0] != '\0') {
				str_append(x->for_user, sizeof(x->for_user),
				    t->cname);
				str_append(x->for_user, sizeof(x->for_user),
				    "@");
				str_append(x->for_user, sizeof(x->for_user),
				    t->crealm);
			}
		}
	}
	if (m->msg_type == KRB_TGS_REQ && x->delegation == XD_NONE &&
	    x->for_user[0] != '\0')
		x->delegation = XD_S4U2SELF;
}

/*
 * The presented ticket tells whether the request acts for someone else:
 * a ticket-granting ticket issued to one host and presented by another
 * was forwarded (unconstrained delegation); a ticket obtained that way,
 * or by S4U2Proxy, carries its delegation on.
 */
static void
note_delegation(struct exchange *x, const struct tkt *t)
{
	size_t alen;

	alen = t->family == AF_INET6 ? 16 : 4;
	if (t->delegation != XD_NONE) {
		x->delegation = t->delegation;
		x->has_deleg_from = t->has_deleg_from;
		memcpy(x->deleg_from, t->deleg_from, sizeof(x->deleg_from));
		return;
	}
	if (strncmp(t->sname, "krbtgt/", 7) == 0 && t->family == x->family &&
	    memcmp(t->owner, x->client, alen) != 0) {
		x->delegation = XD_UNCONSTRAINED;
		x->has_deleg_from = 1;
		memcpy(x->deleg_from, t->owner, sizeof(x->deleg_from));
	}
}

static void
on_kdc_req(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	struct pend *pe;
	struct exchange *x;
	uint8_t hash[KRB_ID_LEN];
	uint32_t i;
	int kind, has_hash;

	kind = m->msg_type == KRB_AS_REQ ? XK_AS : XK_TGS;
	conn_from(&c, mc, 0);
	has_hash = m->raw != NULL && m->raw_len > 0;
	if (has_hash)
		hash128(m->raw, m->raw_len, HASH_SEED, hash);
	i = md->p_bucket[conn_hash(&c) & (md->p_nb - 1)];
	for (; i != NIL; i = pe->hnext) {
		pe = &md->p[i];
		if (!conn_is(&pe->x, &c) || pe->x.kind != kind ||
		    pe->state != PS_WAIT)
			continue;
		if ((m->has_nonce && pe->has_nonce &&
		    m->nonce == pe->nonce) || (has_hash && pe->has_hash &&
		    memcmp(hash, pe->hash, KRB_ID_LEN) == 0)) {
			pe->x.retransmissions++;
			md->st.retransmissions++;
			add_frame(&pe->x, mc->frame);
			p_touch(md, i, &mc->ts);
			return;
		}
	}
	i = p_alloc(md, &c);
	pe = &md->p[i];
	pe->has_nonce = m->has_nonce;
	pe->nonce = m->nonce;
	pe->has_hash = has_hash;
	if (has_hash)
		memcpy(pe->hash, hash, KRB_ID_LEN);
	pe->last = mc->ts;
	x = &pe->x;
	x->kind = kind;
	x->carrier = mc->carrier;
	if (kind == XK_AS && m->has_cname) {
		/* an AS-REQ names the client in the request's realm */
		snprintf(x->cname, sizeof(x->cname), "%s", m->cname);
		snprintf(x->crealm, sizeof(x->crealm), "%s",
		    m->crealm[0] != '\0' ? m->crealm : m->realm);
	}
	if (m->has_sname)
		snprintf(x->sname, sizeof(x->sname), "%s", m->sname);
	snprintf(x->realm, sizeof(x->realm), "%s", m->realm);
	x->has_kdc_options = m->has_kdc_options;
	x->kdc_options = m->kdc_options;
	/* cut with "..." when longer (util.h) */
	x->for_user[0] = '\0';
	str_append(x->for_user, sizeof(x->for_user),
	    m->for_user[0] != '\0' ? m->for_user : m->s4u_user);
	x->req_frame = mc->frame;
	x->req_ts = mc->ts;
	add_frame(x, mc->frame);
	if (kind == XK_TGS)
		present(md, x, m, &mc->ts);
}

static void
on_ap_req(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	struct pend *pe;
	struct exchange *x;
	uint8_t hash[KRB_ID_LEN];
	uint32_t i, next;
	int has_hash;

	conn_from(&c, mc, 0);
	has_hash = m->raw != NULL && m->raw_len > 0;
	if (has_hash)
		hash128(m->raw, m->raw_len, HASH_SEED, hash);
	/* the same bytes again: a retransmission */
	i = md->p_bucket[conn_hash(&c) & (md->p_nb - 1)];
	for (; i != NIL; i = pe->hnext) {
		pe = &md->p[i];
		if (conn_is(&pe->x, &c) && pe->x.kind == XK_AP &&
		    pe->state == PS_WAIT && has_hash && pe->has_hash &&
		    memcmp(hash, pe->hash, KRB_ID_LEN) == 0) {
			pe->x.retransmissions++;
			md->st.retransmissions++;
			add_frame(&pe->x, mc->frame);
			p_touch(md, i, &mc->ts);
			return;
		}
	}
	/* a new AP-REQ ends what the connection had before */
	flush_held(md);
	i = md->p_bucket[conn_hash(&c) & (md->p_nb - 1)];
	for (; i != NIL; i = next) {
		pe = &md->p[i];
		next = pe->hnext;
		if (conn_is(&pe->x, &c) && pe->x.kind == XK_AP)
			p_finish(md, i, pe->state == PS_WAIT ? XR_UNKNOWN :
			    pe->x.result);
	}
	i = p_alloc(md, &c);
	pe = &md->p[i];
	pe->has_hash = has_hash;
	if (has_hash)
		memcpy(pe->hash, hash, KRB_ID_LEN);
	pe->last = mc->ts;
	x = &pe->x;
	x->kind = XK_AP;
	x->carrier = mc->carrier;
	if (m->ticket.present) {
		snprintf(x->sname, sizeof(x->sname), "%s", m->ticket.sname);
		snprintf(x->realm, sizeof(x->realm), "%s", m->ticket.realm);
	}
	x->req_frame = mc->frame;
	x->req_ts = mc->ts;
	add_frame(x, mc->frame);
	present(md, x, m, &mc->ts);
}

static void
on_kdc_rep(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	struct exchange *x;
	uint32_t i;
	int kind;

	kind = m->msg_type == KRB_AS_REP ? XK_AS : XK_TGS;
	conn_from(&c, mc, 1);
	i = p_find_reply(md, &c, kind, m->ticket.present ?
	    m->ticket.sname : NULL);
	if (i == NIL) {
		t_learn(md, NULL, mc, m);
		md->st.orphan_replies++;
		return;
	}
	x = &md->p[i].x;
	t_learn(md, x, mc, m);
	if (m->has_cname && (kind == XK_AS || x->cname[0] == '\0')) {
		snprintf(x->cname, sizeof(x->cname), "%s", m->cname);
		snprintf(x->crealm, sizeof(x->crealm), "%s", m->crealm);
	}
	if (m->ticket.present) {
		x->has_issued = 1;
		memcpy(x->issued, m->ticket.id, KRB_ID_LEN);
	}
	x->rep_frame = mc->frame;
	x->rep_ts = mc->ts;
	add_frame(x, mc->frame);
	p_finish(md, i, XR_OK);
}

/* Reply facts an AP-REP or KRB-ERROR adds to an exchange. */
static void
set_reply(struct exchange *x, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	if (x->rep_frame == 0) {
		x->rep_frame = mc->frame;
		x->rep_ts = mc->ts;
	}
	add_frame(x, mc->frame);
	if (m->msg_type == KRB_ERROR) {
		x->result = XR_ERROR;
		x->has_error_code = m->has_error;
		x->error_code = m->error_code;
		if (x->cname[0] == '\0' && m->has_cname) {
			snprintf(x->cname, sizeof(x->cname), "%s", m->cname);
			snprintf(x->crealm, sizeof(x->crealm), "%s",
			    m->crealm);
		}
	} else if (x->result == 0)
		x->result = XR_OK;
}

static void
on_ap_rep(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	uint32_t i;

	conn_from(&c, mc, 1);
	if (md->has_held && conn_is(&md->held, &c)) {
		set_reply(&md->held, mc, m);
		return;
	}
	i = p_find_reply(md, &c, XK_AP, NULL);
	if (i == NIL) {
		/* DCE style (RFC 4121 4.1, MS-RPCE 3.3.1.5.2): the client's
		 * own AP-REP, the third leg, joins its exchange */
		conn_from(&c, mc, 0);
		if ((i = p_find_reply(md, &c, XK_AP, NULL)) != NIL) {
			add_frame(&md->p[i].x, mc->frame);
			p_touch(md, i, &mc->ts);
		} else
			md->st.orphan_replies++;
		return;
	}
	md->p[i].state = PS_REPLIED;
	set_reply(&md->p[i].x, mc, m);
	p_touch(md, i, &mc->ts);
}

static void
on_error(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	uint32_t i;

	conn_from(&c, mc, 1);
	if (md->has_held && conn_is(&md->held, &c)) {
		set_reply(&md->held, mc, m);
		return;
	}
	i = p_find_reply(md, &c, 0, m->has_sname ? m->sname : NULL);
	if (i == NIL) {
		md->st.orphan_replies++;
		return;
	}
	set_reply(&md->p[i].x, mc, m);
	if (md->p[i].x.kind == XK_AP) {
		/* the carrier's verdict may follow */
		md->p[i].state = PS_REPLIED;
		p_touch(md, i, &mc->ts);
		return;
	}
	p_finish(md, i, XR_ERROR);
}

void
model_krb(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	if (md->has_held && md->held_frame != mc->frame)
		flush_held(md);
	note_time(md, &mc->ts);
	switch (m->msg_type) {
	case KRB_AS_REQ:
	case KRB_TGS_REQ:
		on_kdc_req(md, mc, m);
		break;
	case KRB_AP_REQ:
		on_ap_req(md, mc, m);
		break;
	case KRB_AS_REP:
	case KRB_TGS_REP:
		on_kdc_rep(md, mc, m);
		break;
	case KRB_AP_REP:
		on_ap_rep(md, mc, m);
		break;
	case KRB_ERROR:
		on_error(md, mc, m);
		break;
	default:
		break;
	}
}

/*
 * "event value": the first of the fields that carry a carrier's verdict
 * (SMB status, HTTP status, TDS error number, LDAP / DCE/RPC result).
 */
static void
verdict_text(char *dst, size_t dstsz, const struct auth_rec *a)
{
	static const char *const keys[] = {
		"status", "number", "result", "result_code", "reason_name",
		"reason", NULL
	};
	const struct auth_field *f;
	int i, k;

	for (k = 0; keys[k] != NULL; k++)
		for (i = 0; i < a->n_fields && i < AUTH_MAX_FIELDS; i++) {
			f = &a->f[i];
			if (f->key == NULL || strcmp(f->key, keys[k]) != 0)
				continue;
			if (f->kind == AUTH_F_INT) {
				snprintf(dst, dstsz, "%s %lld", a->event,
				    (long long)f->ival);
				return;
			}
			if (f->kind == AUTH_F_STR && f->sval[0] != '\0') {
				snprintf(dst, dstsz, "%s %s", a->event,
				    f->sval);
				return;
			}
		}
	snprintf(dst, dstsz, "%s", a->event != NULL ? a->event : "");
}

void
model_auth(struct model *md, const struct msg_ctx *mc,
    const struct auth_rec *a)
{
	struct conn c;
	struct exchange *x;
	uint32_t i;
	int replied;

	if (md->has_held && md->held_frame != mc->frame)
		flush_held(md);
	note_time(md, &mc->ts);
	if (a->outcome != AUTH_OK && a->outcome != AUTH_FAIL)
		return;
	conn_from(&c, mc, 1);
	if ((i = p_find_reply(md, &c, XK_AP, NULL)) == NIL) {
		conn_from(&c, mc, 0);
		if ((i = p_find_reply(md, &c, XK_AP, NULL)) == NIL)
			return;
	}
	x = &md->p[i].x;
	replied = md->p[i].state == PS_REPLIED;
	if (x->carrier_result[0] == '\0')
		verdict_text(x->carrier_result, sizeof(x->carrier_result), a);
	if (x->rep_frame == 0) {
		x->rep_frame = mc->frame;
		x->rep_ts = mc->ts;
	}
	add_frame(x, mc->frame);
	if (x->result != XR_ERROR)
		x->result = a->outcome == AUTH_OK ? XR_OK : XR_ERROR;
	if (replied) {
		p_finish(md, i, x->result);
		return;
	}
	/* the token of this frame may follow: hold the exchange */
	flush_held(md);
	md->held = *x;
	md->held_frame = mc->frame;
	md->held_ts = mc->ts;
	p_remove(md, i);
	md->has_held = 1;
}

void
model_tick(struct model *md, const struct timeval *now)
{
	struct pend *pe;
	uint32_t i;

	note_time(md, now);
	if (md->has_held && timercmp(now, &md->held_ts, >))
		flush_held(md);
	while ((i = md->p_head) != NIL) {
		pe = &md->p[i];
		if (!tv_after(&pe->last, now, md->lim.answer_secs))
			break;
		if (pe->state == PS_WAIT) {
			md->st.no_answer++;
			p_finish(md, i, XR_NO_ANSWER);
		} else
			p_finish(md, i, pe->x.result);
	}
	while ((i = md->t_head) != NIL &&
	    tv_after(&md->t[i].last, now, md->lim.ticket_secs))
		t_remove(md, i);
}
