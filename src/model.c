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
 * Sessions (per client host and principal) are built from the finished
 * exchanges, NTLM logins and carrier events in a third table, keyed by
 * the host, with a least-recently-active list; chains are read from the
 * sessions when they are handed over (MS-SFU 3.2.5 for S4U, RFC 4120
 * 2.8 for forwarded TGTs). An NTLM AUTHENTICATE (MS-NLMP 3.1.5.1.2)
 * waits for the carrier's verdict in the pending table, as an entry of
 * the private kind XK_NTLM that never reaches the exchange sink.
 *
 * An AP exchange waits for the carrier's verdict after its AP-REP or
 * KRB-ERROR. When the verdict comes first (a carrier that reports the
 * outcome before the token of the same PDU), the exchange is held until
 * a record of another frame arrives, so an AP-REP of the same frame still
 * joins it.
 *
 * The hosts map (address -> names, client principals) is a fourth table
 * keyed by the address, least recently seen first, fed by DNS responses
 * (RFC 1035 4.1.3: A, AAAA, CNAME answers), the SPNs of AP exchanges,
 * the carriers' names (MS-TDS 2.2.6.4 LOGIN7 ServerName, RFC 9110 7.2
 * Host, MS-SMB2 2.2.9 TREE_CONNECT path) and the AS/TGS exchanges. Each
 * address also remembers its last few uses by clients (a DNS answer a
 * client received, a carrier name on a connection to a port), which give
 * a session's services the names their clients used.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "engine.h"
#include "model.h"
#include "record.h"
#include "spn.h"
#include "util.h"

#define NIL		UINT32_MAX
#define TAB_FIRST	64		/* first allocation of a table */
#define MAX_BUCKETS	(1u << 20)
#define HASH_SEED	0x6b73636f70654d44ULL

/* pend.x.kind of an NTLM login awaiting its verdict (never emitted) */
#define XK_NTLM		100

/* s_find() modes */
#define SF_EXACT	1	/* this principal, or adopt a nameless one */
#define SF_RECENT	2	/* the host's most recently active */

#define KDC_ERR_S_PRINCIPAL_UNKNOWN	7
#define KDC_ERR_PREAUTH_REQUIRED	25
#define KRB_ERR_RESPONSE_TOO_BIG	52

/* an AS-REQ probe this long before an S4U2Self request is part of it */
#define S4U_PROBE_SECS	5

/* hslot arrays */
#define HOST_MAX_USES	8	/* uses of the address remembered */
#define HOST_FIRST	16	/* first allocation of the hosts table */
#define DNS_T_A		1
#define DNS_T_CNAME	5
#define DNS_T_AAAA	28

/*
 * The links of a slot of a table: its hash bucket chain (the free list
 * while unused) and its place in the table's age list (least recent
 * first).
 */
struct lnode {
	uint64_t	 hkey;
	uint32_t	 hnext;		/* bucket chain, or free list */
	uint32_t	 prev, next;	/* age list */
	struct timeval	 last;		/* pending, tickets: last activity
					 * (here, not in the large slot: the
					 * tick reads the oldest's every
					 * message) */
};

/* A bounded table: the owner's array of slots, their links in lnk. */
struct table {
	struct lnode	*lnk;
	uint32_t	 cap, n, free, head, tail;
	uint32_t	*bucket;
	uint32_t	 nb;
};

/* pend.state */
#define PS_WAIT		1	/* no answer yet */
#define PS_REPLIED	2	/* AP: AP-REP / KRB-ERROR seen, the carrier's
				 * verdict may follow */

struct pend {
	struct exchange	 x;
	int		 state;		/* PS_* */
	int		 has_nonce;
	uint32_t	 nonce;
	int		 has_hash;
	uint64_t	 hash;		/* of the request's bytes (an
					 * AP-REQ, a KDC request without
					 * a nonce) */
	uint64_t	 seq;		/* creation order */
	int		 ntlm_anon;	/* XK_NTLM: anonymous */
};

/* A session slot. */
struct sslot {
	uint64_t	 touch;		/* md->seq when last active */
	struct session	 s;		/* last: s_new() clears up to
					 * s.tickets */
};

/* What ap_to() and the idle check read of every session, in an array of
 * its own beside the slots (a slot is about 12 KB: one cache miss each). */
struct sidx {
	uint64_t	 ap_mask;	/* bits of the servers it logged in
					 * to with Kerberos (host_hash) */
	uint64_t	 tk_mask;	/* bits of the tickets it presented
					 * there (first byte of the id) */
	int		 family;
	struct timeval	 active;	/* md->now when last active */
	uint64_t	 need_gen;	/* need holds for md->sess_gen (0:
					 * not known) */
	int		 need;		/* s_needed() */
};

#define SPN_MEMO	4

struct spn_memo {
	char		 of[KRB_NAME_MAX];
	int		 ok;		/* parsed */
	struct spn_parts parts;
};

/* the bytes of a fresh sslot s_new() clears */
#define SSLOT_CLEAR	(offsetof(struct sslot, s) + \
			    offsetof(struct session, tickets))

struct tkt {
	uint8_t		 id[KRB_ID_LEN];
	char		 cname[KRB_NAME_MAX], crealm[KRB_REALM_MAX];
	char		 sname[KRB_NAME_MAX], realm[KRB_REALM_MAX];
	int		 family;
	uint8_t		 owner[16];	/* the host it was issued to */
	int		 delegation;	/* XD_*: obtained on someone's behalf */
	int		 has_deleg_from;
	uint8_t		 deleg_from[16];
	uint64_t	 frame;		/* of the reply that issued it */
};

/* A name of an address. */
struct hname {
	char		 name[HN_NAME_MAX];
	int		 source;	/* HN_* */
	int		 alias_of;	/* HN_DNS_ALIAS: index, else -1 */
	uint64_t	 first_frame, last_frame;
	uint64_t	 touch;		/* md->seq when last seen */
};

struct hprinc {
	char		 name[HN_NAME_MAX];
	uint64_t	 first_frame, last_frame;
	uint64_t	 touch;
};

/* A client used a name of the address: a DNS answer it received (port
 * 0) or the name it gave a carrier on a connection to port. */
struct huse {
	uint8_t		 client[16];
	uint16_t	 port;
	int		 name;		/* index in names, -1: replaced */
	struct timeval	 ts;
	uint64_t	 seq;
};

/* An address in the hosts map: what every answer reads first (a slot is
 * about 3 KB, mostly names). */
struct hslot {
	int		 family;
	uint8_t		 addr[16];
	int		 n_names, n_princ, n_uses, use_next, cut;
	uint8_t		 name_src[HOST_MAX_NAMES];	/* names[].source */
	uint8_t		 name_len[HOST_MAX_NAMES];	/* strlen(names[].
							 * name) */
	struct huse	 uses[HOST_MAX_USES];
	struct hname	 names[HOST_MAX_NAMES];
	struct hprinc	 princ[HOST_MAX_PRINCIPALS];
};

/* Frames and times of records, as in a session. */
struct span {
	uint64_t	 first_frame, last_frame;
	struct timeval	 first_ts, last_ts;
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

	struct pend	*p;		/* pending requests, by conn_hash() */
	struct table	 ptab;
	struct tkt	*t;		/* known tickets, by ticket id */
	struct table	 ttab;

	session_sink_fn	 s_sink;
	chain_sink_fn	 c_sink;
	void		*s_arg;
	int		 sess_on;
	struct sslot	*s;		/* sessions, by host_hash() */
	struct sidx	*si;		/* beside them: for ap_to() */
	uint64_t	 sess_gen;	/* counts sessions made and released */
	uint64_t	 exp_gen;	/* s_expire() has nothing to do while */
	struct timeval	 exp_until;	/* sess_gen is exp_gen, until this */
	int		 exp_all;	/* (or at all: every session waits) */
	struct table	 stab;
	struct hslot	*h;		/* the hosts map, by host_hash() */
	struct table	 htab;
	/* the last SPNs parsed, with the names they came from ("" none):
	 * exchange.spn points at one during the sink call; a client's AS,
	 * TGS and AP names repeat */
	struct spn_memo	 spn[SPN_MEMO];
	unsigned	 spn_next;	/* the entry replaced next */
	int		 spn_all;	/* exchange.spn for every kind */

	int		 has_held;	/* an AP exchange whose verdict came
					 * before its token */
	struct exchange	 held;
	uint64_t	 held_frame;
	struct timeval	 held_ts;
};

static void	tab_init(struct table *, size_t);
static void	tab_free(struct table *);
static uint32_t	tab_first(const struct table *, uint64_t);
static void	tab_unlink(struct table *, uint32_t);
static void	tab_link_tail(struct table *, uint32_t);
static int	tab_to_tail(struct table *, uint32_t);
static uint32_t	tab_grow(struct table *, uint32_t, size_t);
static uint32_t	tab_take(struct table *);
static void	tab_insert(struct table *, uint32_t, uint64_t);
static void	tab_remove(struct table *, uint32_t);
static void	conn_from(struct conn *, const struct msg_ctx *, int);
static uint64_t	conn_hash(const struct conn *);
static int	conn_is(const struct exchange *, const struct conn *);
static void	note_time(struct model *, const struct timeval *);
static int	tv_after(const struct timeval *, const struct timeval *,
		    unsigned);
static void	add_frame(struct exchange *, uint64_t);
static void	name_cpy(char *, size_t, const char *);
static void	emit(struct model *, struct exchange *);
static void	flush_held(struct model *);
static int	p_resend(struct model *, const struct conn *, uint64_t, int,
		    const struct krb_msg *, int, uint64_t,
		    const struct msg_ctx *);
static uint32_t	p_new(struct model *, const struct conn *, uint64_t, int,
		    const struct msg_ctx *);
static const struct spn_parts *spn_of(struct model *, const char *);

static void	p_touch(struct model *, uint32_t, const struct timeval *);
static void	p_finish(struct model *, uint32_t, int);
static uint32_t	p_alloc(struct model *, const struct conn *, uint64_t);
static uint32_t	p_find_reply(struct model *, const struct conn *, int,
		    const char *);

static struct tkt *t_find(struct model *, const uint8_t *);
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
static void	ap_unseen(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static int	reply_held(struct model *, const struct msg_ctx *,
		    const struct krb_msg *, struct conn *);
static void	on_error(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	verdict_text(char *, size_t, const struct auth_rec *);

static uint64_t	host_hash(int, const uint8_t *);
static size_t	alen_of(int);
static int	same_host(int, const uint8_t *, int, const uint8_t *);
static inline int addr_eq(const uint8_t *, const uint8_t *, size_t);
static void	principal_of(char *, size_t, const char *, const char *);
static void	s_touch(struct model *, uint32_t);
static uint32_t	s_find(struct model *, int, const uint8_t *, const char *,
		    int);
static uint32_t	s_new(struct model *, int, const uint8_t *, const char *);
static uint32_t	s_get(struct model *, int, const uint8_t *, const char *,
		    int);
static void	s_when(struct session *, uint64_t, const struct timeval *);
static struct sess_service *s_service(struct model *, struct session *,
		    const uint8_t *, uint16_t, const char *);
static struct sess_service *s_host_service(struct model *, int,
		    const uint8_t *, const uint8_t *, uint16_t, const char *);
static void	s_uncontact(struct model *, const struct exchange *);
static void	s_note_deleg(struct session *, const struct exchange *);
static void	s_exchange(struct model *, const struct exchange *);
static int	s4u_user_is(const char *, const char *);
static int	s_s4u_probe(struct model *, const struct exchange *,
		    struct span *);
static void	s_ntlm_done(struct model *, const struct exchange *, int);
static void	s_contact(struct model *, const struct msg_ctx *,
		    const struct auth_rec *);
static int	ntlm_is(const char *, const char *, const char *);
static int	spn_host_is(const char *, const char *);
static int	outcome_rank(int);
static void	s_outcome(struct model *, struct session *);
static void	hop_frame(struct chain_hop *, uint64_t);
static void	hop_from_ap(struct chain_hop *, const struct session *,
		    const struct sess_service *);
static const struct sess_service *ap_to(struct model *, int,
		    const uint8_t *, const uint8_t *, const uint8_t *,
		    const struct timeval *, const struct session **);
static void	s_chains(struct model *, const struct session *);
static void	s_chain_ticket(struct model *, const struct session *,
		    const struct sess_ticket *);
static void	s_chain_infer(struct model *, const struct session *,
		    const struct sess_service *);
static void	s_release(struct model *, uint32_t, int);
static int	s_needed(const struct model *, uint32_t);
static void	s_expire(struct model *, const struct timeval *);
static void	s_finish_all(struct model *);
static void	s_names(struct model *, const struct session *,
		    struct sess_service *, const struct timeval *);

static uint32_t	h_find(const struct model *, int, const uint8_t *);
static uint32_t	h_get(struct model *, int, const uint8_t *);
static int	h_name(struct model *, struct hslot *, const char *, size_t,
		    int, int, uint64_t);
static void	h_princ(struct model *, struct hslot *, const char *,
		    uint64_t);
static void	h_use(struct model *, struct hslot *, const uint8_t *,
		    uint16_t, int, const struct timeval *);
static const struct huse *h_last_use(const struct hslot *,
		    const uint8_t *, size_t, int, uint16_t,
		    const struct timeval *);
static void	h_exchange(struct model *, const struct exchange *);
static void	h_carrier(struct model *, const struct msg_ctx *,
		    const struct auth_rec *);
static const char *auth_str(const struct auth_rec *, const char *);
static int	dns_same(const char *, const char *);
static int	dns_same_n(const char *, size_t, const char *, size_t);
static int	same_nocase(const char *, const char *, size_t);
static int	dns_chain_to(const struct dns_rec *, int, const char *,
		    const char *);
static void	h_info(const struct hslot *, struct host_info *);

void
model_limits_default(struct model_limits *lim)
{
	lim->max_pending = 1024;
	lim->max_tickets = 8192;
	lim->answer_secs = 30;
	lim->ticket_secs = 36000;
	lim->max_sessions = 128;
	lim->session_idle_secs = 300;
	lim->max_hosts = 1024;
}

/* ---- tables ---------------------------------------------------------- */

/* An empty table; with buckets for cap entries unless cap is 0. */
static void
tab_init(struct table *tb, size_t cap)
{
	uint32_t i;

	tb->free = tb->head = tb->tail = NIL;
	if (cap == 0)
		return;
	tb->nb = 16;
	while (tb->nb < cap && tb->nb < MAX_BUCKETS)
		tb->nb <<= 1;
	tb->bucket = xmalloc(tb->nb * sizeof(*tb->bucket));
	for (i = 0; i < tb->nb; i++)
		tb->bucket[i] = NIL;
}

static void
tab_free(struct table *tb)
{
	free(tb->lnk);
	free(tb->bucket);
}

/* The first slot of hkey's bucket chain (next: lnk[].hnext). */
static uint32_t
tab_first(const struct table *tb, uint64_t hkey)
{
	return tb->bucket[hkey & (tb->nb - 1)];
}

static void
tab_unlink(struct table *tb, uint32_t i)
{
	struct lnode *ln = &tb->lnk[i];

	if (ln->prev != NIL)
		tb->lnk[ln->prev].next = ln->next;
	else
		tb->head = ln->next;
	if (ln->next != NIL)
		tb->lnk[ln->next].prev = ln->prev;
	else
		tb->tail = ln->prev;
	ln->prev = ln->next = NIL;
}

static void
tab_link_tail(struct table *tb, uint32_t i)
{
	struct lnode *ln = &tb->lnk[i];

	ln->next = NIL;
	ln->prev = tb->tail;
	if (tb->tail != NIL)
		tb->lnk[tb->tail].next = i;
	else
		tb->head = i;
	tb->tail = i;
}

/* Makes i the most recent: 0 when it already was. */
static int
tab_to_tail(struct table *tb, uint32_t i)
{
	if (tb->tail == i)
		return 0;
	tab_unlink(tb, i);
	tab_link_tail(tb, i);
	return 1;
}

/*
 * With no free slot, doubles the capacity (first at first, at most max)
 * and returns it: the owner then grows its slots to it. Else 0.
 */
static uint32_t
tab_grow(struct table *tb, uint32_t first, size_t max)
{
	uint32_t i, ncap;

	if (tb->free != NIL)
		return 0;
	ncap = tb->cap == 0 ? first : tb->cap * 2;
	if (ncap > max)
		ncap = (uint32_t)max;
	tb->lnk = xrealloc(tb->lnk, (size_t)ncap * sizeof(*tb->lnk));
	for (i = ncap; i > tb->cap; i--) {
		tb->lnk[i - 1].hnext = tb->free;
		tb->free = i - 1;
	}
	tb->cap = ncap;
	return ncap;
}

/* A free slot (there is one after tab_grow()), for tab_insert(). */
static uint32_t
tab_take(struct table *tb)
{
	uint32_t i;

	i = tb->free;
	tb->free = tb->lnk[i].hnext;
	return i;
}

/* Enters slot i under hkey, the most recent. */
static void
tab_insert(struct table *tb, uint32_t i, uint64_t hkey)
{
	struct lnode *ln = &tb->lnk[i];

	ln->hkey = hkey;
	ln->hnext = tb->bucket[hkey & (tb->nb - 1)];
	tb->bucket[hkey & (tb->nb - 1)] = i;
	tab_link_tail(tb, i);
	tb->n++;
}

/* Frees slot i. */
static void
tab_remove(struct table *tb, uint32_t i)
{
	struct lnode *ln = &tb->lnk[i];
	uint32_t *pp;

	pp = &tb->bucket[ln->hkey & (tb->nb - 1)];
	while (*pp != NIL && *pp != i)
		pp = &tb->lnk[*pp].hnext;
	if (*pp == i)
		*pp = ln->hnext;
	tab_unlink(tb, i);
	ln->hnext = tb->free;
	tb->free = i;
	tb->n--;
}

struct model *
model_new(const struct model_limits *lim, exchange_sink_fn sink, void *arg)
{
	struct model *md;

	md = xcalloc(1, sizeof(*md));
	md->sess_gen = 1;	/* sidx.need_gen 0: not known */
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
	if (md->lim.max_sessions == 0)
		md->lim.max_sessions = 1;
	if (md->lim.max_sessions > NIL - 1)
		md->lim.max_sessions = NIL - 1;
	if (md->lim.max_hosts == 0)
		md->lim.max_hosts = 1024;
	if (md->lim.max_hosts > NIL - 1)
		md->lim.max_hosts = NIL - 1;
	tab_init(&md->stab, 0);		/* buckets when sessions are on */
	tab_init(&md->htab, md->lim.max_hosts);
	md->sink = sink;
	md->arg = arg;
	tab_init(&md->ptab, md->lim.max_pending);
	tab_init(&md->ttab, md->lim.max_tickets);
	return md;
}

void
model_set_spn_all(struct model *md, int on)
{
	md->spn_all = on;
}

void
model_free(struct model *md)
{
	if (md == NULL)
		return;
	model_finish(md);
	free(md->p);
	tab_free(&md->ptab);
	free(md->t);
	tab_free(&md->ttab);
	free(md->s);
	free(md->si);
	tab_free(&md->stab);
	free(md->h);
	tab_free(&md->htab);
	free(md);
}

void
model_finish(struct model *md)
{
	struct pend *pe;
	uint32_t i;
	int result;

	flush_held(md);
	while ((i = md->ptab.head) != NIL) {
		pe = &md->p[i];
		result = pe->x.result;
		if (pe->state == PS_WAIT) {
			result = XR_UNKNOWN;
			if (pe->x.kind != XK_AP && pe->x.kind != XK_NTLM &&
			    tv_after(&md->ptab.lnk[i].last, &md->now,
			    md->lim.answer_secs)) {
				result = XR_NO_ANSWER;
				md->st.no_answer++;
			}
		}
		p_finish(md, i, result);
	}
	s_finish_all(md);
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
	uint64_t w[5];

	/* from the fields as words (no key assembled in memory first) */
	memcpy(w, c->client, 16);
	memcpy(w + 2, c->server, 16);
	w[4] = (uint64_t)c->cport | (uint64_t)c->sport << 16 |
	    (uint64_t)(uint8_t)c->family << 32 |
	    (uint64_t)(uint8_t)c->transport << 40;
	return hash_words(w, 5, HASH_SEED);
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

/* src into dst, cut to fit (as snprintf "%s", without its cost). */
static void
name_cpy(char *dst, size_t dstsz, const char *src)
{
	size_t n;

	n = strnlen(src, dstsz - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
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
	/* (the hosts map needs an AP exchange's; the others only when a
	 * sink shows them) */
	x->spn = NULL;
	if (x->sname[0] != '\0' && (x->kind == XK_AP || md->spn_all)) {
		/* services repeat: the last name's parse is kept */
		x->spn = spn_of(md, x->sname);
	}
	h_exchange(md, x);
	md->st.exchanges++;
	if (md->sink != NULL)
		md->sink(md->arg, x);
	if (md->sess_on)
		s_exchange(md, x);
}

/* name's parts (from the memo when it is one of the last parsed), NULL
 * when it is not a well-formed SPN. */
static const struct spn_parts *
spn_of(struct model *md, const char *name)
{
	struct spn_memo *m;
	unsigned k;

	for (k = 0; k < SPN_MEMO; k++) {
		m = &md->spn[k];
		if (m->of[0] != '\0' && strcmp(m->of, name) == 0)
			return m->ok ? &m->parts : NULL;
	}
	m = &md->spn[md->spn_next];
	md->spn_next = (md->spn_next + 1) % SPN_MEMO;
	m->ok = spn_parse(name, &m->parts) == 0;
	name_cpy(m->of, sizeof(m->of), name);
	return m->ok ? &m->parts : NULL;
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
p_touch(struct model *md, uint32_t i, const struct timeval *ts)
{
	md->ptab.lnk[i].last = *ts;
	tab_to_tail(&md->ptab, i);
}

/* Hands the exchange to the sink with this result and forgets it. */
static void
p_finish(struct model *md, uint32_t i, int result)
{
	struct exchange x;
	int anon;

	x = md->p[i].x;
	x.result = result;
	anon = md->p[i].ntlm_anon;
	tab_remove(&md->ptab, i);
	if (x.kind == XK_NTLM)
		s_ntlm_done(md, &x, anon);
	else
		emit(md, &x);
}

/* A fresh entry on the connection (h: its conn_hash()), evicting the
 * oldest when full. */
static uint32_t
p_alloc(struct model *md, const struct conn *c, uint64_t h)
{
	struct pend *pe;
	uint32_t i, ncap;

	if (md->ptab.n >= md->lim.max_pending && md->ptab.head != NIL) {
		i = md->ptab.head;
		md->st.pending_evicted++;
		p_finish(md, i, md->p[i].state == PS_WAIT ? XR_UNKNOWN :
		    md->p[i].x.result);
	}
	if ((ncap = tab_grow(&md->ptab, TAB_FIRST, md->lim.max_pending)) != 0)
		md->p = xrealloc(md->p, (size_t)ncap * sizeof(*md->p));
	i = tab_take(&md->ptab);
	pe = &md->p[i];
	memset(pe, 0, sizeof(*pe));
	pe->state = PS_WAIT;
	pe->seq = ++md->seq;
	tab_insert(&md->ptab, i, h);
	pe->x.transport = c->transport;
	pe->x.family = c->family;
	memcpy(pe->x.client, c->client, 16);
	memcpy(pe->x.server, c->server, 16);
	pe->x.cport = c->cport;
	pe->x.sport = c->sport;
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
	i = tab_first(&md->ptab, conn_hash(c));
	for (; i != NIL; i = md->ptab.lnk[i].hnext) {
		pe = &md->p[i];
		if (!conn_is(&pe->x, c) || (kind != 0 && pe->x.kind != kind) ||
		    (kind == 0 && pe->x.kind == XK_NTLM))
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

	if (md->ttab.n == 0)
		return NULL;
	h = hash64(id, KRB_ID_LEN, HASH_SEED);
	for (i = tab_first(&md->ttab, h); i != NIL;
	    i = md->ttab.lnk[i].hnext)
		if (memcmp(md->t[i].id, id, KRB_ID_LEN) == 0)
			return &md->t[i];
	return NULL;
}

/* An AS-REP / TGS-REP issues its ticket to the reply's client. */
static void
t_learn(struct model *md, const struct exchange *x, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct tkt *t;
	uint32_t i, ncap;

	if (!m->ticket.present)
		return;
	if ((t = t_find(md, m->ticket.id)) != NULL)
		tab_to_tail(&md->ttab, (uint32_t)(t - md->t));
	else {
		if (md->ttab.n >= md->lim.max_tickets &&
		    md->ttab.head != NIL) {
			md->st.tickets_evicted++;
			tab_remove(&md->ttab, md->ttab.head);
		}
		if ((ncap = tab_grow(&md->ttab, TAB_FIRST,
		    md->lim.max_tickets)) != 0)
			md->t = xrealloc(md->t, (size_t)ncap * sizeof(*md->t));
		i = tab_take(&md->ttab);
		t = &md->t[i];
		memset(t, 0, sizeof(*t));
		memcpy(t->id, m->ticket.id, KRB_ID_LEN);
		tab_insert(&md->ttab, i, hash64(t->id, KRB_ID_LEN, HASH_SEED));
		md->st.tickets_known++;
	}
	if (x != NULL && x->kind == XK_TGS && x->cname[0] != '\0' &&
	    strcmp(m->crealm, "WELLKNOWN:ANONYMOUS") == 0) {
		/* FAST hides the client (RFC 6113 5.4.2): the TGT's */
		name_cpy(t->cname, sizeof(t->cname), x->cname);
		name_cpy(t->crealm, sizeof(t->crealm), x->crealm);
	} else {
		name_cpy(t->cname, sizeof(t->cname), m->cname);
		name_cpy(t->crealm, sizeof(t->crealm), m->crealm);
	}
	name_cpy(t->sname, sizeof(t->sname), m->ticket.sname);
	name_cpy(t->realm, sizeof(t->realm), m->ticket.realm);
	t->frame = mc->frame;
	md->ttab.lnk[t - md->t].last = mc->ts;
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
}

/* A presented ticket: known? Then it is used now. */
static struct tkt *
t_use(struct model *md, const uint8_t *id, const struct timeval *ts)
{
	struct tkt *t;

	if ((t = t_find(md, id)) == NULL)
		return NULL;
	md->ttab.lnk[t - md->t].last = *ts;
	tab_to_tail(&md->ttab, (uint32_t)(t - md->t));
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
				name_cpy(x->cname, sizeof(x->cname),
				    t->cname);
				name_cpy(x->crealm, sizeof(x->crealm),
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
	    !addr_eq(t->owner, x->client, alen)) {
		x->delegation = XD_UNCONSTRAINED;
		x->has_deleg_from = 1;
		memcpy(x->deleg_from, t->owner, sizeof(x->deleg_from));
	}
}

/*
 * A request on c (hash ch) that repeats a waiting one of its kind (the
 * same nonce, or the same bytes): counted as its retransmission, 1.
 */
static int
p_resend(struct model *md, const struct conn *c, uint64_t ch, int kind,
    const struct krb_msg *m, int has_hash, uint64_t hash,
    const struct msg_ctx *mc)
{
	struct pend *pe;
	uint32_t i;

	i = tab_first(&md->ptab, ch);
	for (; i != NIL; i = md->ptab.lnk[i].hnext) {
		pe = &md->p[i];
		if (!conn_is(&pe->x, c) || pe->x.kind != kind ||
		    pe->state != PS_WAIT)
			continue;
		if ((kind != XK_AP && m->has_nonce && pe->has_nonce &&
		    m->nonce == pe->nonce) || (has_hash && pe->has_hash &&
		    hash == pe->hash)) {
			pe->x.retransmissions++;
			md->st.retransmissions++;
			add_frame(&pe->x, mc->frame);
			p_touch(md, i, &mc->ts);
			return 1;
		}
	}
	return 0;
}

/* A new request of kind on c (hash ch), seen now: its entry. */
static uint32_t
p_new(struct model *md, const struct conn *c, uint64_t ch, int kind,
    const struct msg_ctx *mc)
{
	struct exchange *x;
	uint32_t i;

	i = p_alloc(md, c, ch);
	md->ptab.lnk[i].last = mc->ts;
	x = &md->p[i].x;
	x->kind = kind;
	x->carrier = mc->carrier;
	x->req_frame = mc->frame;
	x->req_ts = mc->ts;
	add_frame(x, mc->frame);
	return i;
}

static void
on_kdc_req(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	struct pend *pe;
	struct exchange *x;
	uint64_t ch, hash;
	uint32_t i;
	int kind, has_hash, k;

	kind = m->msg_type == KRB_AS_REQ ? XK_AS : XK_TGS;
	conn_from(&c, mc, 0);
	/*
	 * The same bytes again: a retransmission. The same bytes have the
	 * same nonce, and bytes with a nonce never equal bytes without one:
	 * the hash is needed only for a request without a nonce.
	 */
	has_hash = !m->has_nonce && m->raw != NULL && m->raw_len > 0;
	hash = has_hash ? hash64(m->raw, m->raw_len, HASH_SEED) : 0;
	ch = conn_hash(&c);
	if (p_resend(md, &c, ch, kind, m, has_hash, hash, mc))
		return;
	i = p_new(md, &c, ch, kind, mc);
	pe = &md->p[i];
	pe->has_nonce = m->has_nonce;
	pe->nonce = m->nonce;
	pe->has_hash = has_hash;
	pe->hash = hash;
	x = &pe->x;
	if (kind == XK_AS && m->has_cname) {
		/* an AS-REQ names the client in the request's realm */
		name_cpy(x->cname, sizeof(x->cname), m->cname);
		name_cpy(x->crealm, sizeof(x->crealm),
		    m->crealm[0] != '\0' ? m->crealm : m->realm);
	}
	if (m->has_sname)
		name_cpy(x->sname, sizeof(x->sname), m->sname);
	name_cpy(x->realm, sizeof(x->realm), m->realm);
	x->has_kdc_options = m->has_kdc_options;
	x->kdc_options = m->kdc_options;
	/* cut with "..." when longer (util.h) */
	x->for_user[0] = '\0';
	str_append(x->for_user, sizeof(x->for_user),
	    m->for_user[0] != '\0' ? m->for_user : m->s4u_user);
	for (k = 0; kind == XK_AS && k < m->n_padata &&
	    k < KRB_MAX_PADATA; k++)
		switch (m->padata[k].type) {
		case 2:		/* PA-ENC-TIMESTAMP */
		case 15: case 16: case 17:	/* PKINIT */
		case 136:	/* PA-FX-FAST */
		case 138:	/* PA-ENCRYPTED-CHALLENGE */
		case 151:	/* PA-SPAKE */
			x->req_preauth = 1;
			break;
		}
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
	uint64_t ch, hash;
	uint32_t i, next;
	int has_hash;

	conn_from(&c, mc, 0);
	has_hash = m->raw != NULL && m->raw_len > 0;
	hash = has_hash ? hash64(m->raw, m->raw_len, HASH_SEED) : 0;
	ch = conn_hash(&c);
	/* the same bytes again: a retransmission */
	if (p_resend(md, &c, ch, XK_AP, m, has_hash, hash, mc))
		return;
	/* a new AP-REQ ends what the connection had before */
	flush_held(md);
	i = tab_first(&md->ptab, ch);
	for (; i != NIL; i = next) {
		pe = &md->p[i];
		next = md->ptab.lnk[i].hnext;
		if (conn_is(&pe->x, &c) && pe->x.kind == XK_AP)
			p_finish(md, i, pe->state == PS_WAIT ? XR_UNKNOWN :
			    pe->x.result);
	}
	i = p_new(md, &c, ch, XK_AP, mc);
	pe = &md->p[i];
	pe->has_hash = has_hash;
	pe->hash = hash;
	x = &pe->x;
	if (m->ticket.present) {
		name_cpy(x->sname, sizeof(x->sname), m->ticket.sname);
		name_cpy(x->realm, sizeof(x->realm), m->ticket.realm);
	}
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
		/* (a TGS exchange keeps its TGT's client: FAST may hide it
		 * in the reply) */
		name_cpy(x->cname, sizeof(x->cname), m->cname);
		name_cpy(x->crealm, sizeof(x->crealm), m->crealm);
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
			name_cpy(x->cname, sizeof(x->cname), m->cname);
			name_cpy(x->crealm, sizeof(x->crealm), m->crealm);
		}
	} else if (x->result == 0)
		x->result = XR_OK;
}

/*
 * A reply's connection into c; 1 when it answers the exchange held for
 * the carrier's token of the same frame (then it is set there).
 */
static int
reply_held(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m, struct conn *c)
{
	conn_from(c, mc, 1);
	if (!md->has_held || !conn_is(&md->held, c))
		return 0;
	set_reply(&md->held, mc, m);
	return 1;
}

static void
on_ap_rep(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	uint32_t i;

	if (reply_held(md, mc, m, &c))
		return;
	i = p_find_reply(md, &c, XK_AP, NULL);
	if (i == NIL) {
		/* DCE style (RFC 4121 4.1, MS-RPCE 3.3.1.5.2): the client's
		 * own AP-REP, the third leg, joins its exchange */
		conn_from(&c, mc, 0);
		if ((i = p_find_reply(md, &c, XK_AP, NULL)) != NIL) {
			add_frame(&md->p[i].x, mc->frame);
			p_touch(md, i, &mc->ts);
		} else if (mc->dir == 1 && mc->transport == TRANSPORT_TCP &&
		    strcmp(mc->carrier, "kerberos") != 0)
			ap_unseen(md, mc, m);
		else
			md->st.orphan_replies++;
		return;
	}
	md->p[i].state = PS_REPLIED;
	set_reply(&md->p[i].x, mc, m);
	p_touch(md, i, &mc->ts);
}

/*
 * A service's AP-REP on a carrier connection whose AP-REQ was not seen
 * (inside TLS: a TDS login with ENCRYPT_OFF): an AP exchange all the
 * same, flagged, that the carrier's verdict completes.
 */
static void
ap_unseen(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	struct pend *pe;
	uint32_t i;

	conn_from(&c, mc, 1);
	i = p_new(md, &c, conn_hash(&c), XK_AP, mc);
	pe = &md->p[i];
	pe->state = PS_REPLIED;
	pe->x.req_unseen = 1;	/* the answer's frame stands for it */
	set_reply(&pe->x, mc, m);
	md->st.ap_requests_unseen++;
}

static void
on_error(struct model *md, const struct msg_ctx *mc,
    const struct krb_msg *m)
{
	struct conn c;
	uint32_t i;

	if (reply_held(md, mc, m, &c))
		return;
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
		"reason", "token", NULL
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
	uint32_t i, n;
	int replied;

	if (md->has_held && md->held_frame != mc->frame)
		flush_held(md);
	note_time(md, &mc->ts);
	h_carrier(md, mc, a);
	conn_from(&c, mc, 1);
	if ((i = p_find_reply(md, &c, XK_AP, NULL)) == NIL) {
		conn_from(&c, mc, 0);
		i = p_find_reply(md, &c, XK_AP, NULL);
	}
	n = NIL;
	if (i == NIL && md->sess_on) {
		conn_from(&c, mc, 1);
		if ((n = p_find_reply(md, &c, XK_NTLM, NULL)) == NIL) {
			conn_from(&c, mc, 0);
			n = p_find_reply(md, &c, XK_NTLM, NULL);
		}
	}
	if (a->outcome != AUTH_OK && a->outcome != AUTH_FAIL) {
		if (i == NIL && n == NIL && md->sess_on)
			s_contact(md, mc, a);
		return;
	}
	if (i == NIL && n != NIL) {
		/* the verdict on an NTLM login */
		x = &md->p[n].x;
		verdict_text(x->carrier_result, sizeof(x->carrier_result), a);
		x->rep_frame = mc->frame;
		x->rep_ts = mc->ts;
		p_finish(md, n, a->outcome == AUTH_OK ? XR_OK : XR_ERROR);
		return;
	}
	if (i == NIL) {
		if (md->sess_on)
			s_contact(md, mc, a);
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
	tab_remove(&md->ptab, i);
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
	while ((i = md->ptab.head) != NIL) {
		pe = &md->p[i];
		if (!tv_after(&md->ptab.lnk[i].last, now,
		    md->lim.answer_secs))
			break;
		if (pe->state == PS_WAIT && pe->x.kind == XK_NTLM)
			p_finish(md, i, XR_UNKNOWN);
		else if (pe->state == PS_WAIT) {
			md->st.no_answer++;
			p_finish(md, i, XR_NO_ANSWER);
		} else
			p_finish(md, i, pe->x.result);
	}
	while ((i = md->ttab.head) != NIL &&
	    tv_after(&md->ttab.lnk[i].last, now, md->lim.ticket_secs))
		tab_remove(&md->ttab, i);
	if (md->sess_on && md->lim.session_idle_secs > 0)
		s_expire(md, now);
}

/* ---- sessions -------------------------------------------------------- */

const char *
model_outcome_name(int o)
{
	switch (o) {
	case SO_OK:
		return "ok";
	case SO_KERBEROS_REJECTED:
		return "kerberos_rejected";
	case SO_NTLM_FALLBACK:
		return "ntlm_fallback";
	case SO_LOGIN_FAILED:
		return "login_failed";
	case SO_KDC_ERROR:
		return "kdc_error";
	case SO_NO_LOGIN:
		return "no_login";
	case SO_NO_ANSWER:
		return "no_answer";
	default:
		return "?";
	}
}

void
model_set_session_sink(struct model *md, session_sink_fn ss,
    chain_sink_fn cs, void *arg)
{
	md->s_sink = ss;
	md->c_sink = cs;
	md->s_arg = arg;
	if (md->sess_on || (ss == NULL && cs == NULL))
		return;
	md->sess_on = 1;
	tab_init(&md->stab, md->lim.max_sessions);
}

void
model_ntlm(struct model *md, const struct msg_ctx *mc,
    const struct ntlm_msg *m)
{
	struct conn c;
	struct pend *pe;
	struct exchange *x;
	uint32_t i, next;

	if (md->has_held && md->held_frame != mc->frame)
		flush_held(md);
	note_time(md, &mc->ts);
	if (!md->sess_on || m->msg_type != NTLM_AUTHENTICATE)
		return;
	md->st.ntlm_logins++;
	conn_from(&c, mc, 0);
	/* one login at a time on a connection */
	i = tab_first(&md->ptab, conn_hash(&c));
	for (; i != NIL; i = next) {
		pe = &md->p[i];
		next = md->ptab.lnk[i].hnext;
		if (conn_is(&pe->x, &c) && pe->x.kind == XK_NTLM)
			p_finish(md, i, XR_UNKNOWN);
	}
	i = p_new(md, &c, conn_hash(&c), XK_NTLM, mc);
	pe = &md->p[i];
	pe->ntlm_anon = m->anonymous;
	x = &pe->x;
	str_append(x->cname, sizeof(x->cname), m->user);
	str_append(x->crealm, sizeof(x->crealm), m->domain);
	str_append(x->sname, sizeof(x->sname), m->av_target_name);
}

static size_t
alen_of(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/*
 * An address's hash: its bytes (4 or 16, whatever follows) as words,
 * mixed, the family in. Read straight from addr: the hosts and sessions
 * tables look one up per message, and a padded copy made first stalled
 * every load of it.
 */
static uint64_t
host_hash(int family, const uint8_t *addr)
{
	uint64_t w[3];
	uint32_t v;

	if (family == AF_INET6)
		memcpy(w, addr, 16);
	else {
		memcpy(&v, addr, 4);
		w[0] = v;
		w[1] = 0;
	}
	w[2] = (uint64_t)(unsigned)family;
	return hash_words(w, 3, HASH_SEED);
}

static int
same_host(int fa, const uint8_t *a, int fb, const uint8_t *b)
{
	return fa == fb && addr_eq(a, b, alen_of(fa));
}

/* alen (4 or 16) bytes of two addresses equal: word compares, no call
 * (hosts and sessions compare addresses per message). */
static inline int
addr_eq(const uint8_t *a, const uint8_t *b, size_t alen)
{
	uint64_t x[2], y[2];
	uint32_t v, w;

	if (alen == 4) {
		memcpy(&v, a, 4);
		memcpy(&w, b, 4);
		return v == w;
	}
	if (alen != 16)
		return memcmp(a, b, alen) == 0;
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return x[0] == y[0] && x[1] == y[1];
}

/* "name@realm", cut with "..."; "" without a name. */
static void
principal_of(char *dst, size_t dstsz, const char *name, const char *realm)
{
	size_t n, r;

	dst[0] = '\0';
	if (name[0] == '\0')
		return;
	n = strlen(name);
	r = strlen(realm);
	if (n + 1 + r < dstsz) {	/* the common case: it fits */
		memcpy(dst, name, n);
		dst[n] = '\0';
		if (r > 0) {
			dst[n] = '@';
			memcpy(dst + n + 1, realm, r + 1);
		}
		return;
	}
	str_append(dst, dstsz, name);
	if (realm[0] != '\0') {
		str_append(dst, dstsz, "@");
		str_append(dst, dstsz, realm);
	}
}

/* The session is active now. */
static void
s_touch(struct model *md, uint32_t i)
{
	if (tab_to_tail(&md->stab, i))
		md->s[i].touch = ++md->seq;
	md->si[i].active = md->now;
}

/*
 * A session of the host: SF_EXACT: the principal's, else one with no
 * principal yet (it takes the name); SF_RECENT: the most recently active
 * one. NIL when none.
 */
static uint32_t
s_find(struct model *md, int family, const uint8_t *host,
    const char *principal, int mode)
{
	struct sslot *ss;
	uint32_t i, nameless;

	nameless = NIL;
	i = tab_first(&md->stab, host_hash(family, host));
	for (; i != NIL; i = md->stab.lnk[i].hnext) {
		ss = &md->s[i];
		if (!same_host(family, host, ss->s.family, ss->s.host))
			continue;
		if (mode == SF_RECENT) {
			if (nameless == NIL || ss->touch >
			    md->s[nameless].touch)
				nameless = i;
			continue;
		}
		if (strcmp(ss->s.principal, principal) == 0)
			return i;
		if (ss->s.principal[0] == '\0' && nameless == NIL)
			nameless = i;
	}
	if (nameless != NIL && mode == SF_EXACT)
		snprintf(md->s[nameless].s.principal,
		    sizeof(md->s[nameless].s.principal), "%s", principal);
	return nameless;
}

/* A new session, handing over the least recently active when full. */
static uint32_t
s_new(struct model *md, int family, const uint8_t *host,
    const char *principal)
{
	struct sslot *ss;
	uint32_t i, ncap, ocap;

	if (md->stab.n >= md->lim.max_sessions && md->stab.head != NIL) {
		md->st.sessions_evicted++;
		s_release(md, md->stab.head, 1);
	}
	ocap = md->stab.cap;
	if ((ncap = tab_grow(&md->stab, 16, md->lim.max_sessions)) != 0) {
		md->s = xrealloc(md->s, (size_t)ncap * sizeof(*md->s));
		md->si = xrealloc(md->si, (size_t)ncap * sizeof(*md->si));
		/* free slots: family 0 */
		memset(md->si + ocap, 0, (size_t)(ncap - ocap) *
		    sizeof(*md->si));
	}
	i = tab_take(&md->stab);
	ss = &md->s[i];
	/* (about 10 KB: the arrays are cleared entry by entry as used) */
	memset(ss, 0, SSLOT_CLEAR);
	md->si[i].ap_mask = md->si[i].tk_mask = 0;
	md->si[i].family = family;
	md->si[i].need_gen = 0;
	ss->s.family = family;
	memcpy(ss->s.host, host, alen_of(family));
	str_append(ss->s.principal, sizeof(ss->s.principal), principal);
	tab_insert(&md->stab, i, host_hash(family, ss->s.host));
	ss->touch = ++md->seq;
	md->si[i].active = md->now;
	md->sess_gen++;
	return i;
}

/* The session a record joins (see model.h), now the most recent. */
static uint32_t
s_get(struct model *md, int family, const uint8_t *host,
    const char *principal, int mode)
{
	uint32_t i;

	i = s_find(md, family, host, principal, mode);
	if (i == NIL)
		return s_new(md, family, host, mode == SF_EXACT ?
		    principal : "");
	s_touch(md, i);
	return i;
}

static void
s_when(struct session *s, uint64_t frame, const struct timeval *ts)
{
	if (frame == 0)
		return;
	if (s->first_frame == 0 || frame < s->first_frame)
		s->first_frame = frame;
	if (frame > s->last_frame)
		s->last_frame = frame;
	if ((s->first_ts.tv_sec == 0 && s->first_ts.tv_usec == 0) ||
	    timercmp(ts, &s->first_ts, <))
		s->first_ts = *ts;
	if (timercmp(ts, &s->last_ts, >))
		s->last_ts = *ts;
}

/* The session's entry for server:port over carrier; NULL when full. */
static struct sess_service *
s_service(struct model *md, struct session *s, const uint8_t *server,
    uint16_t port, const char *carrier)
{
	struct sess_service *sv;
	int i;

	for (i = 0; i < s->n_services; i++) {
		sv = &s->services[i];
		if (sv->port == port && memcmp(sv->server, server,
		    alen_of(s->family)) == 0 && (sv->carrier == carrier ||
		    (sv->carrier != NULL && carrier != NULL &&
		    strcmp(sv->carrier, carrier) == 0)))
			return sv;
	}
	if (s->n_services == SESS_MAX_SERVICES) {
		s->services_cut++;
		md->st.sessions_cut++;
		return NULL;
	}
	sv = &s->services[s->n_services++];
	memset(sv, 0, sizeof(*sv));
	memcpy(sv->server, server, alen_of(s->family));
	sv->port = port;
	sv->carrier = carrier;
	return sv;
}

/* Any session of the host that already has server:port/carrier. */
static struct sess_service *
s_host_service(struct model *md, int family, const uint8_t *host,
    const uint8_t *server, uint16_t port, const char *carrier)
{
	struct sslot *ss;
	struct sess_service *sv;
	uint32_t i;
	int k;

	i = tab_first(&md->stab, host_hash(family, host));
	for (; i != NIL; i = md->stab.lnk[i].hnext) {
		ss = &md->s[i];
		if (!same_host(family, host, ss->s.family, ss->s.host))
			continue;
		for (k = 0; k < ss->s.n_services; k++) {
			sv = &ss->s.services[k];
			if (sv->port == port && memcmp(sv->server, server,
			    alen_of(family)) == 0 && carrier != NULL &&
			    sv->carrier != NULL &&
			    strcmp(sv->carrier, carrier) == 0) {
				s_touch(md, i);
				return sv;
			}
		}
	}
	return NULL;
}

/*
 * A login shows who the client is: a connection-only entry noted the
 * other way round (both ports high) is dropped.
 */
static void
s_uncontact(struct model *md, const struct exchange *x)
{
	struct sslot *ss;
	struct sess_service *sv;
	uint32_t i;
	int k;

	i = tab_first(&md->stab, host_hash(x->family, x->server));
	for (; i != NIL; i = md->stab.lnk[i].hnext) {
		ss = &md->s[i];
		if (!same_host(x->family, x->server, ss->s.family,
		    ss->s.host))
			continue;
		for (k = 0; k < ss->s.n_services; k++) {
			sv = &ss->s.services[k];
			if (sv->port != x->cport || sv->n_ap > 0 ||
			    sv->n_ntlm > 0 || memcmp(sv->server, x->client,
			    alen_of(x->family)) != 0)
				continue;
			ss->s.n_services--;
			memmove(sv, sv + 1, (size_t)(ss->s.n_services - k) *
			    sizeof(*sv));
			return;
		}
	}
}

/* An exchange acting for someone else makes the host a middle tier. */
static void
s_note_deleg(struct session *s, const struct exchange *x)
{
	if (x->delegation == XD_NONE)
		return;
	if (s->delegation == XD_NONE || s->delegation == XD_S4U2SELF)
		s->delegation = x->delegation;
	if (x->has_deleg_from && !s->has_deleg_from) {
		s->has_deleg_from = 1;
		memcpy(s->deleg_from, x->deleg_from, sizeof(s->deleg_from));
	}
	if (s->for_user[0] == '\0') {
		if (x->for_user[0] != '\0')
			str_append(s->for_user, sizeof(s->for_user),
			    x->for_user);
		else
			principal_of(s->for_user, sizeof(s->for_user),
			    x->cname, x->crealm);
	}
}

/* Is the S4U user ("alice@REALM" or "alice") the principal? */
static int
s4u_user_is(const char *principal, const char *user)
{
	const char *at;
	size_t n;

	if (principal[0] == '\0' || user[0] == '\0')
		return 0;
	if (strcasecmp(principal, user) == 0)
		return 1;
	if (strchr(user, '@') != NULL)
		return 0;
	at = strchr(principal, '@');
	n = at != NULL ? (size_t)(at - principal) : strlen(principal);
	return strlen(user) == n && strncasecmp(principal, user, n) == 0;
}

/*
 * An S4U2Self request (MS-SFU 3.1.5.1.1) by a client that first asked the
 * KDC for the user's realm and salt with an AS-REQ in the user's name
 * (MIT's S4U2Self client): the host's session of the user made only of
 * AS exchanges ending in PREAUTH_REQUIRED, the last at most
 * S4U_PROBE_SECS before the request, is that probe, not a logon. Found:
 * it is forgotten (never handed over) and its frames and times go to
 * *out; returns 1.
 */
static int
s_s4u_probe(struct model *md, const struct exchange *x, struct span *out)
{
	struct sslot *ss;
	const struct session *p;
	uint32_t i;

	if (x->kind != XK_TGS || x->for_user[0] == '\0' ||
	    x->delegation == XD_CONSTRAINED || md->stab.n == 0)
		return 0;
	i = tab_first(&md->stab, host_hash(x->family, x->client));
	for (; i != NIL; i = md->stab.lnk[i].hnext) {
		ss = &md->s[i];
		p = &ss->s;
		if (!same_host(x->family, x->client, p->family, p->host) ||
		    !s4u_user_is(p->principal, x->for_user))
			continue;
		if (p->n_services > 0 || p->n_tickets > 0 ||
		    p->tgt.n_exchanges == 0 || p->tgt.has_ticket ||
		    p->tgt.result != XR_ERROR || !p->tgt.has_error_code ||
		    p->tgt.error_code != KDC_ERR_PREAUTH_REQUIRED ||
		    p->delegation != XD_NONE ||
		    timercmp(&x->req_ts, &p->last_ts, <) ||
		    tv_after(&p->last_ts, &x->req_ts, S4U_PROBE_SECS))
			continue;
		out->first_frame = p->first_frame;
		out->last_frame = p->last_frame;
		out->first_ts = p->first_ts;
		out->last_ts = p->last_ts;
		md->si[i].family = 0;
		tab_remove(&md->stab, i);
		md->sess_gen++;		/* a session went */
		return 1;
	}
	return 0;
}

static void
s_exchange(struct model *md, const struct exchange *x)
{
	char who[SESS_NAME_MAX];
	struct span probe;
	struct session *s;
	struct sess_ticket *t;
	struct sess_service *sv;
	uint32_t i;
	int k, kind, first_error, has_probe;

	/* (before s_get(): without a name it would join the probe) */
	has_probe = s_s4u_probe(md, x, &probe);
	principal_of(who, sizeof(who), x->cname, x->crealm);
	i = s_get(md, x->family, x->client, who, who[0] != '\0' ? SF_EXACT :
	    SF_RECENT);
	s = &md->s[i].s;
	if (has_probe) {
		s_when(s, probe.first_frame, &probe.first_ts);
		s_when(s, probe.last_frame, &probe.last_ts);
	}
	s_when(s, x->req_frame, &x->req_ts);
	s_when(s, x->rep_frame, &x->rep_ts);
	s_note_deleg(s, x);
	kind = x->kind;
	/* an AS exchange for another service (kadmin/changepw) asks for a
	 * service ticket with the password: a ticket, not the TGT */
	if (kind == XK_AS && x->sname[0] != '\0' &&
	    strncmp(x->sname, "krbtgt/", 7) != 0)
		kind = XK_TGS;
	switch (kind) {
	case XK_AS:
		if (s->tgt.n_exchanges++ == 0 ||
		    x->req_frame < s->tgt.first_frame)
			s->tgt.first_frame = x->req_frame;
		if (x->req_frame < s->tgt.req_frame)
			break;
		s->tgt.result = x->result;
		s->tgt.has_error_code = x->has_error_code;
		s->tgt.error_code = x->error_code;
		s->tgt.req_frame = x->req_frame;
		s->tgt.rep_frame = x->rep_frame;
		if (x->has_issued) {
			s->tgt.has_ticket = 1;
			memcpy(s->tgt.ticket, x->issued, KRB_ID_LEN);
		}
		break;
	case XK_TGS:
		/* one entry per SPN; each delegated request its own */
		t = NULL;
		for (k = 0; k < s->n_tickets; k++)
			if (x->delegation == XD_NONE &&
			    s->tickets[k].delegation == XD_NONE &&
			    strcmp(s->tickets[k].spn, x->sname) == 0) {
				t = &s->tickets[k];
				break;
			}
		if (t == NULL) {
			if (s->n_tickets == SESS_MAX_TICKETS) {
				s->tickets_cut++;
				md->st.sessions_cut++;
				break;
			}
			t = &s->tickets[s->n_tickets++];
			memset(t, 0, sizeof(*t));
			str_append(t->spn, sizeof(t->spn), x->sname);
		}
		t->n_exchanges++;
		if (x->req_frame < t->req_frame)
			break;
		t->kind = x->kind;
		t->result = x->result;
		t->has_error_code = x->has_error_code;
		t->error_code = x->error_code;
		t->delegation = x->delegation;
		t->for_user[0] = '\0';
		str_append(t->for_user, sizeof(t->for_user), x->for_user);
		t->has_deleg_from = x->has_deleg_from;
		memcpy(t->deleg_from, x->deleg_from, sizeof(t->deleg_from));
		t->has_issued = x->has_issued;
		memcpy(t->issued, x->issued, KRB_ID_LEN);
		t->has_additional = x->has_additional;
		memcpy(t->additional, x->additional, KRB_ID_LEN);
		t->req_frame = x->req_frame;
		t->rep_frame = x->rep_frame;
		t->ts = x->req_ts;
		break;
	case XK_AP:
		s_uncontact(md, x);
		md->si[i].ap_mask |= UINT64_C(1) <<
		    (host_hash(x->family, x->server) & 63);
		sv = s_service(md, s, x->server, x->sport, x->carrier);
		if (sv == NULL)
			break;
		s_names(md, s, sv, &x->req_ts);
		if (sv->spn[0] == '\0' || x->sname[0] != '\0') {
			sv->spn[0] = '\0';
			str_append(sv->spn, sizeof(sv->spn), x->sname);
		}
		sv->n_ap++;
		md->si[i].need_gen = 0;		/* s_needed() may change */
		if (x->result == XR_OK)
			sv->n_ap_ok++;
		else if (x->result == XR_ERROR)
			sv->n_ap_error++;
		if (sv->n_ap == 1 || timercmp(&x->req_ts, &sv->ap_first_ts,
		    <))
			sv->ap_first_ts = x->req_ts;
		if (timercmp(&x->req_ts, &sv->ap_last_ts, >))
			sv->ap_last_ts = x->req_ts;
		/* the first refused one, else the last */
		first_error = x->result == XR_ERROR &&
		    sv->ap_result != XR_ERROR;
		if (!first_error && (sv->ap_result == XR_ERROR ||
		    x->req_frame < sv->ap_req_frame))
			break;
		sv->ap_result = x->result;
		sv->ap_has_error_code = x->has_error_code;
		sv->ap_error_code = x->error_code;
		sv->ap_carrier_result[0] = '\0';
		str_append(sv->ap_carrier_result,
		    sizeof(sv->ap_carrier_result), x->carrier_result);
		sv->ap_delegation = x->delegation;
		sv->ap_has_ticket = x->has_presented;
		memcpy(sv->ap_ticket, x->presented, KRB_ID_LEN);
		if (x->has_presented)
			md->si[i].tk_mask |= UINT64_C(1) <<
			    (x->presented[0] & 63);
		sv->ap_req_frame = x->req_frame;
		sv->ap_rep_frame = x->rep_frame;
		break;
	default:
		break;
	}
}

/* Is the NTLM user (user, domain) the principal "name@realm"? */
static int
ntlm_is(const char *principal, const char *user, const char *domain)
{
	const char *at;
	size_t n;

	if (principal[0] == '\0' || user[0] == '\0')
		return 0;
	if (strcasecmp(principal, user) == 0)
		return 1;
	at = strchr(principal, '@');
	n = at != NULL ? (size_t)(at - principal) : strlen(principal);
	if (strlen(user) == n && strncasecmp(principal, user, n) == 0)
		return 1;
	/* "user@domain" against "user@DOMAIN.FULL": the name part */
	at = strchr(user, '@');
	if (at != NULL && (size_t)(at - user) == n &&
	    strncasecmp(principal, user, n) == 0)
		return 1;
	(void)domain;
	return 0;
}

static void
s_ntlm_done(struct model *md, const struct exchange *x, int anon)
{
	char who[SESS_NAME_MAX];
	struct sslot *ss;
	struct session *s;
	struct sess_service *sv;
	uint32_t i;
	int first_fail;

	if (!md->sess_on)
		return;
	/* the host's session of that user, else its most recent */
	i = NIL;
	if (!anon) {
		i = tab_first(&md->stab, host_hash(x->family, x->client));
		for (; i != NIL; i = md->stab.lnk[i].hnext) {
			ss = &md->s[i];
			if (same_host(x->family, x->client, ss->s.family,
			    ss->s.host) && ntlm_is(ss->s.principal, x->cname,
			    x->crealm))
				break;
		}
	}
	if (i == NIL)
		i = s_find(md, x->family, x->client, "", SF_RECENT);
	if (i == NIL) {
		who[0] = '\0';
		if (!anon && x->cname[0] != '\0') {
			if (x->crealm[0] != '\0') {
				str_append(who, sizeof(who), x->crealm);
				str_append(who, sizeof(who), "\\");
			}
			str_append(who, sizeof(who), x->cname);
		}
		i = s_new(md, x->family, x->client, who);
	} else
		s_touch(md, i);
	s = &md->s[i].s;
	s_when(s, x->req_frame, &x->req_ts);
	s_when(s, x->rep_frame, &x->rep_ts);
	s_uncontact(md, x);
	sv = s_service(md, s, x->server, x->sport, x->carrier);
	if (sv == NULL)
		return;
	s_names(md, s, sv, &x->req_ts);
	if (sv->spn[0] == '\0')
		str_append(sv->spn, sizeof(sv->spn), x->sname);
	sv->n_ntlm++;
	if (x->result == XR_OK)
		sv->n_ntlm_ok++;
	else if (x->result == XR_ERROR)
		sv->n_ntlm_fail++;
	first_fail = x->result == XR_ERROR && sv->ntlm_result != XR_ERROR;
	if (!first_fail && sv->ntlm_result == XR_ERROR)
		return;
	sv->ntlm_result = x->result;
	sv->ntlm_user[0] = sv->ntlm_domain[0] = sv->ntlm_spn[0] = '\0';
	str_append(sv->ntlm_user, sizeof(sv->ntlm_user), x->cname);
	str_append(sv->ntlm_domain, sizeof(sv->ntlm_domain), x->crealm);
	str_append(sv->ntlm_spn, sizeof(sv->ntlm_spn), x->sname);
	sv->ntlm_anonymous = anon;
	sv->ntlm_carrier_result[0] = '\0';
	str_append(sv->ntlm_carrier_result, sizeof(sv->ntlm_carrier_result),
	    x->carrier_result);
	sv->ntlm_frame = x->req_frame;
	sv->ntlm_rep_frame = x->rep_frame;
	sv->ntlm_ts = x->req_ts;
}

/*
 * A carrier event on a connection with no login pending: the client
 * contacted the service (TDS PRELOGIN, SMB2 NEGOTIATE, HTTP 401, ...).
 * The client is the one already known as such on the connection, else
 * the side with the higher port.
 */
static void
s_contact(struct model *md, const struct msg_ctx *mc,
    const struct auth_rec *a)
{
	const uint8_t *client, *server;
	struct sess_service *sv;
	struct session *s;
	uint32_t i;
	uint16_t port;

	sv = s_host_service(md, mc->family, mc->src, mc->dst, mc->dport,
	    mc->carrier);
	if (sv == NULL)
		sv = s_host_service(md, mc->family, mc->dst, mc->src,
		    mc->sport, mc->carrier);
	if (mc->sport < mc->dport) {
		client = mc->dst;
		server = mc->src;
		port = mc->sport;
	} else {
		client = mc->src;
		server = mc->dst;
		port = mc->dport;
	}
	if (sv == NULL) {
		i = s_get(md, mc->family, client, "", SF_RECENT);
		s = &md->s[i].s;
		s_when(s, mc->frame, &mc->ts);
		if ((sv = s_service(md, s, server, port, mc->carrier)) ==
		    NULL)
			return;
		s_names(md, s, sv, &mc->ts);
	}
	if (!sv->contacted) {
		sv->contacted = 1;
		sv->contact_frame = mc->frame;
		sv->contact_ts = mc->ts;
	}
	if ((a->outcome == AUTH_OK && sv->contact_result == 0) ||
	    (a->outcome == AUTH_FAIL && sv->contact_result != XR_ERROR)) {
		sv->contact_result = a->outcome == AUTH_OK ? XR_OK :
		    XR_ERROR;
		verdict_text(sv->contact_carrier_result,
		    sizeof(sv->contact_carrier_result), a);
	}
}

/* Does the SPN "svc/host[:port]" name the host of "svc/host[:port]"? */
static int
spn_host_is(const char *a, const char *b)
{
	const char *ha, *hb;
	size_t na, nb;

	if ((ha = strchr(a, '/')) == NULL || (hb = strchr(b, '/')) == NULL)
		return 0;
	ha++;
	hb++;
	na = strcspn(ha, ":/@");
	nb = strcspn(hb, ":/@");
	return na > 0 && na == nb && strncasecmp(ha, hb, na) == 0;
}

static int
outcome_rank(int o)
{
	switch (o) {
	case SO_KERBEROS_REJECTED:
		return 0;
	case SO_NTLM_FALLBACK:
		return 1;
	case SO_LOGIN_FAILED:
		return 2;
	case SO_KDC_ERROR:
		return 3;
	case SO_NO_LOGIN:
		return 4;
	case SO_NO_ANSWER:
		return 5;
	default:
		return 6;
	}
}

/* Each service's outcome, then the session's: the most important. */
static void
s_outcome(struct model *md, struct session *s)
{
	struct sess_service *sv;
	const struct sess_ticket *t;
	int i, k, o, best, possible, login;

	best = SO_OK;
	login = 0;
	for (i = 0; i < s->n_services; i++)
		if (s->services[i].n_ap > 0 || s->services[i].n_ntlm > 0)
			login = 1;
	for (i = 0; i < s->n_services; i++) {
		sv = &s->services[i];
		possible = (s->tgt.has_ticket && s->tgt.result == XR_OK) ||
		    strchr(sv->ntlm_spn, '/') != NULL;
		for (k = 0; k < s->n_tickets && !possible; k++) {
			t = &s->tickets[k];
			if (t->result == XR_ERROR && t->has_error_code &&
			    t->error_code == KDC_ERR_S_PRINCIPAL_UNKNOWN &&
			    (sv->ntlm_spn[0] == '\0' ||
			    spn_host_is(t->spn, sv->ntlm_spn)))
				possible = 1;
		}
		if (sv->n_ap_error > 0 && sv->ap_has_error_code)
			o = SO_KERBEROS_REJECTED;
		else if (sv->n_ntlm > 0 && possible && sv->n_ap_ok == 0) {
			o = SO_NTLM_FALLBACK;
			sv->ntlm_fallback = 1;
		} else if (sv->n_ap_error > 0 || sv->n_ntlm_fail > 0 ||
		    (sv->n_ap == 0 && sv->n_ntlm == 0 &&
		    sv->contact_result == XR_ERROR))
			o = SO_LOGIN_FAILED;
		else if (sv->n_ap_ok > 0 || sv->n_ntlm_ok > 0 ||
		    sv->contact_result == XR_OK)
			o = SO_OK;
		else if (sv->n_ap == 0 && sv->n_ntlm == 0)
			o = SO_NO_LOGIN;
		else
			o = SO_NO_ANSWER;
		sv->outcome = o;
		/* a connection with no login counts when nothing else of
		 * the session logged in */
		if (o == SO_NO_LOGIN && login)
			continue;
		if (outcome_rank(o) < outcome_rank(best))
			best = o;
	}
	if (s->tgt.n_exchanges > 0) {
		o = SO_OK;
		if (s->tgt.result == XR_ERROR && !(s->tgt.has_error_code &&
		    (s->tgt.error_code == KDC_ERR_PREAUTH_REQUIRED ||
		    s->tgt.error_code == KRB_ERR_RESPONSE_TOO_BIG)))
			o = SO_KDC_ERROR;
		else if (s->tgt.result == XR_NO_ANSWER)
			o = SO_NO_ANSWER;
		if (outcome_rank(o) < outcome_rank(best))
			best = o;
	}
	for (k = 0; k < s->n_tickets; k++) {
		t = &s->tickets[k];
		o = SO_OK;
		if (t->result == XR_ERROR && !(t->has_error_code &&
		    (t->error_code == KRB_ERR_RESPONSE_TOO_BIG ||
		    (t->kind == XK_AS &&
		    t->error_code == KDC_ERR_PREAUTH_REQUIRED))))
			o = SO_KDC_ERROR;
		else if (t->result == XR_NO_ANSWER)
			o = SO_NO_ANSWER;
		if (outcome_rank(o) < outcome_rank(best))
			best = o;
	}
	s->outcome = best;
	(void)md;
}

/* Frames ascending, no duplicates; when full the last slot keeps the
 * highest. */
static void
hop_frame(struct chain_hop *h, uint64_t f)
{
	int i, j;

	if (f == 0)
		return;
	for (i = 0; i < h->n_frames; i++) {
		if (h->frames[i] == f)
			return;
		if (h->frames[i] > f)
			break;
	}
	if (h->n_frames == CHAIN_MAX_FRAMES) {
		if (f > h->frames[CHAIN_MAX_FRAMES - 1])
			h->frames[CHAIN_MAX_FRAMES - 1] = f;
		return;
	}
	for (j = h->n_frames; j > i; j--)
		h->frames[j] = h->frames[j - 1];
	h->frames[i] = f;
	h->n_frames++;
}

/* A hop from a session's Kerberos logins at one service. */
static void
hop_from_ap(struct chain_hop *h, const struct session *s,
    const struct sess_service *sv)
{
	h->has_from = 1;
	memcpy(h->from, s->host, sizeof(h->from));
	h->has_to = 1;
	memcpy(h->to, sv->server, sizeof(h->to));
	h->port = sv->port;
	h->carrier = sv->carrier;
	str_append(h->spn, sizeof(h->spn), sv->spn);
	h->auth = HA_KERBEROS;
	h->delegation = sv->ap_delegation;
	h->has_ticket = sv->ap_has_ticket;
	memcpy(h->ticket, sv->ap_ticket, KRB_ID_LEN);
	h->result = sv->ap_result;
	h->has_error_code = sv->ap_has_error_code;
	h->error_code = sv->ap_error_code;
	str_append(h->carrier_result, sizeof(h->carrier_result),
	    sv->ap_carrier_result);
	hop_frame(h, sv->ap_req_frame);
	hop_frame(h, sv->ap_rep_frame);
}

/*
 * A Kerberos login at host "to" (any port): from host "from" (NULL: any
 * other host), or presenting ticket "id" (NULL: any); with "before": the
 * latest whose AP-REQ is at most CHAIN_INFER_SECS before it and not after
 * it. The session it belongs to in *s_out.
 */
static const struct sess_service *
ap_to(struct model *md, int family, const uint8_t *from, const uint8_t *to,
    const uint8_t *id, const struct timeval *before,
    const struct session **s_out)
{
	const struct sslot *ss, *bs;
	const struct sidx *si;
	const struct sess_service *sv, *best;
	struct timeval lo;
	uint8_t key[16];
	uint64_t bit, tbit, hk;
	uint32_t i;
	size_t alen;
	int k;

	best = NULL;
	bs = NULL;
	*s_out = NULL;
	alen = alen_of(family);
	bit = UINT64_C(1) << (host_hash(family, to) & 63);
	tbit = id != NULL ? UINT64_C(1) << (id[0] & 63) : 0;
	/* sessions are keyed by their host: from's, or to's (skipped) */
	memset(key, 0, sizeof(key));
	memcpy(key, from != NULL ? from : to, alen);
	hk = host_hash(family, key);
	memset(&lo, 0, sizeof(lo));
	if (before != NULL) {
		lo = *before;
		lo.tv_sec -= CHAIN_INFER_SECS;
	}
	/*
	 * With from: its bucket chain; else every slot, reading the small
	 * index first. Either way the order is not the age list's: on equal
	 * times the least recently active session wins (the lowest touch:
	 * the age list is in touch order), within one the first service,
	 * as a walk of the age list would find.
	 */
	i = from != NULL ? tab_first(&md->stab, hk) : 0;
	for (; from != NULL ? i != NIL : i < md->stab.cap;
	    i = from != NULL ? md->stab.lnk[i].hnext : i + 1) {
		si = &md->si[i];
		if (si->family != family || (si->ap_mask & bit) == 0 ||
		    (si->tk_mask & tbit) != tbit)
			continue;
		if (from != NULL && md->stab.lnk[i].hkey != hk)
			continue;
		ss = &md->s[i];
		if (from != NULL && !same_host(family, from, family,
		    ss->s.host))
			continue;
		if (from == NULL && md->stab.lnk[i].hkey == hk &&
		    same_host(family, to, family, ss->s.host))
			continue;
		for (k = 0; k < ss->s.n_services; k++) {
			sv = &ss->s.services[k];
			if (sv->n_ap == 0 || memcmp(sv->server, to,
			    alen) != 0)
				continue;
			if (id != NULL && (!sv->ap_has_ticket ||
			    memcmp(sv->ap_ticket, id, KRB_ID_LEN) != 0))
				continue;
			if (before != NULL && (timercmp(&sv->ap_first_ts,
			    before, >) || timercmp(&sv->ap_last_ts, &lo, <)))
				continue;
			if (best == NULL || timercmp(&sv->ap_last_ts,
			    &best->ap_last_ts, >) || (ss != bs &&
			    ss->touch < bs->touch && timercmp(&sv->ap_last_ts,
			    &best->ap_last_ts, ==))) {
				best = sv;
				bs = ss;
			}
		}
	}
	if (bs != NULL)
		*s_out = &bs->s;
	return best;
}

/* A chain from a delegated TGS exchange of session s (host A). */
static void
s_chain_ticket(struct model *md, const struct session *s,
    const struct sess_ticket *t)
{
	struct chain c;
	struct chain_hop *h;
	const struct sess_ticket *u;
	const struct sess_service *sv, *hv;
	const struct session *cs;
	int k;

	memset(&c, 0, sizeof(c));
	c.family = s->family;
	if (t->for_user[0] != '\0')
		str_append(c.user, sizeof(c.user), t->for_user);
	else if (s->for_user[0] != '\0')
		str_append(c.user, sizeof(c.user), s->for_user);
	else
		str_append(c.user, sizeof(c.user), s->principal);
	/* hop 1: how the user's credentials reached A */
	h = &c.hops[0];
	u = NULL;
	if (t->delegation == XD_CONSTRAINED && t->has_additional)
		for (k = 0; k < s->n_tickets; k++)
			if (s->tickets[k].delegation == XD_S4U2SELF &&
			    s->tickets[k].has_issued &&
			    memcmp(s->tickets[k].issued, t->additional,
			    KRB_ID_LEN) == 0)
				u = &s->tickets[k];
	if (u != NULL) {
		/* S4U2Self: A asked for a ticket to itself as the user */
		h->has_to = 1;
		memcpy(h->to, s->host, sizeof(h->to));
		str_append(h->spn, sizeof(h->spn), u->spn);
		h->auth = HA_KERBEROS;
		h->delegation = XD_S4U2SELF;
		h->has_ticket = 1;
		memcpy(h->ticket, u->issued, KRB_ID_LEN);
		h->kdc_result = u->result;
		h->kdc_has_error_code = u->has_error_code;
		h->kdc_error_code = u->error_code;
		hop_frame(h, u->req_frame);
		hop_frame(h, u->rep_frame);
		c.n_hops = 1;
	} else {
		hv = NULL;
		cs = NULL;
		if (t->delegation == XD_CONSTRAINED && t->has_additional)
			hv = ap_to(md, s->family, NULL, s->host, t->additional,
			    NULL, &cs);
		else if (t->has_deleg_from)
			hv = ap_to(md, s->family, t->deleg_from, s->host, NULL,
			    NULL, &cs);
		if (hv != NULL) {
			hop_from_ap(h, cs, hv);
			c.n_hops = 1;
		} else if (t->has_deleg_from) {
			/* the user's host, its login to A not seen */
			h->has_from = 1;
			memcpy(h->from, t->deleg_from, sizeof(h->from));
			h->has_to = 1;
			memcpy(h->to, s->host, sizeof(h->to));
			c.n_hops = 1;
		}
	}
	/* hop 2: A's TGS exchange, then its login at B */
	h = &c.hops[c.n_hops++];
	h->has_from = 1;
	memcpy(h->from, s->host, sizeof(h->from));
	str_append(h->spn, sizeof(h->spn), t->spn);
	h->auth = HA_KERBEROS;
	h->delegation = t->delegation;
	h->kdc_result = t->result;
	h->kdc_has_error_code = t->has_error_code;
	h->kdc_error_code = t->error_code;
	h->has_ticket = t->has_issued;
	memcpy(h->ticket, t->issued, KRB_ID_LEN);
	hop_frame(h, t->req_frame);
	hop_frame(h, t->rep_frame);
	sv = NULL;
	for (k = 0; k < s->n_services && t->has_issued; k++)
		if (s->services[k].ap_has_ticket &&
		    memcmp(s->services[k].ap_ticket, t->issued,
		    KRB_ID_LEN) == 0)
			sv = &s->services[k];
	if (sv != NULL) {
		h->has_to = 1;
		memcpy(h->to, sv->server, sizeof(h->to));
		h->port = sv->port;
		h->carrier = sv->carrier;
		h->result = sv->ap_result;
		h->has_error_code = sv->ap_has_error_code;
		h->error_code = sv->ap_error_code;
		str_append(h->carrier_result, sizeof(h->carrier_result),
		    sv->ap_carrier_result);
		hop_frame(h, sv->ap_req_frame);
		hop_frame(h, sv->ap_rep_frame);
	}
	md->st.chains++;
	if (md->c_sink != NULL)
		md->c_sink(md->s_arg, &c);
}

/* A chain guessed from timing: A reached B without a ticket of the
 * user's right after the user logged in at A. */
static void
s_chain_infer(struct model *md, const struct session *s,
    const struct sess_service *sv)
{
	struct chain c;
	struct chain_hop *h;
	const struct sess_service *hv;
	const struct session *cs;
	struct timeval t2;
	int k, ntlm;

	ntlm = sv->n_ntlm > 0;
	if (sv->n_ap > 0 || (!ntlm && !sv->contacted))
		return;
	t2 = ntlm ? sv->ntlm_ts : sv->contact_ts;
	if ((hv = ap_to(md, s->family, NULL, s->host, NULL, &t2, &cs)) ==
	    NULL)
		return;
	/* a delegated ticket at A in between proves another story */
	for (k = 0; k < s->n_tickets; k++)
		if (s->tickets[k].delegation != XD_NONE &&
		    !timercmp(&s->tickets[k].ts, &hv->ap_first_ts, <) &&
		    !timercmp(&s->tickets[k].ts, &t2, >))
			return;
	memset(&c, 0, sizeof(c));
	c.family = s->family;
	c.inferred = 1;
	str_append(c.user, sizeof(c.user), cs->principal);
	hop_from_ap(&c.hops[0], cs, hv);
	h = &c.hops[1];
	h->has_from = 1;
	memcpy(h->from, s->host, sizeof(h->from));
	h->has_to = 1;
	memcpy(h->to, sv->server, sizeof(h->to));
	h->port = sv->port;
	h->carrier = sv->carrier;
	str_append(h->spn, sizeof(h->spn), sv->spn);
	h->delegation = XD_NONE;
	if (ntlm) {
		h->auth = sv->ntlm_anonymous ? HA_ANONYMOUS : HA_NTLM;
		h->result = sv->ntlm_result;
		str_append(h->carrier_result, sizeof(h->carrier_result),
		    sv->ntlm_carrier_result);
		hop_frame(h, sv->ntlm_frame);
		hop_frame(h, sv->ntlm_rep_frame);
	} else {
		h->auth = HA_NONE;
		h->result = sv->contact_result;
		str_append(h->carrier_result, sizeof(h->carrier_result),
		    sv->contact_carrier_result);
		hop_frame(h, sv->contact_frame);
	}
	c.n_hops = 2;
	md->st.chains++;
	md->st.chains_inferred++;
	if (md->c_sink != NULL)
		md->c_sink(md->s_arg, &c);
}

/* The chains whose middle host is this session's. */
static void
s_chains(struct model *md, const struct session *s)
{
	const struct sess_ticket *t;
	int k;

	for (k = 0; k < s->n_tickets; k++) {
		t = &s->tickets[k];
		if ((t->delegation == XD_UNCONSTRAINED &&
		    strncmp(t->spn, "krbtgt/", 7) != 0) ||
		    t->delegation == XD_CONSTRAINED)
			s_chain_ticket(md, s, t);
	}
	for (k = 0; k < s->n_services; k++)
		s_chain_infer(md, s, &s->services[k]);
}

/* Hands a session over (its chains first when asked) and forgets it. */
static void
s_release(struct model *md, uint32_t i, int chains)
{
	struct sslot *ss = &md->s[i];

	s_outcome(md, &ss->s);
	if (chains)
		s_chains(md, &ss->s);
	/* one emptied by s_uncontact() is no session */
	if (ss->s.n_services > 0 || ss->s.n_tickets > 0 ||
	    ss->s.tgt.n_exchanges > 0) {
		md->st.sessions++;
		if (md->s_sink != NULL)
			md->s_sink(md->s_arg, &ss->s);
	}
	md->si[i].family = 0;
	tab_remove(&md->stab, i);
	md->sess_gen++;
}

/*
 * Does a live session need session i for its chains? i logged in with
 * Kerberos to a host that has a session of its own: that host's chains
 * start with i's hop, so i waits for it to be handed over first.
 */
static int
s_needed(const struct model *md, uint32_t i)
{
	const struct session *s = &md->s[i].s;
	const struct sess_service *sv;
	uint32_t j;
	int k;

	for (k = 0; k < s->n_services && k < SESS_MAX_SERVICES; k++) {
		sv = &s->services[k];
		if (sv->n_ap == 0)
			continue;
		j = tab_first(&md->stab, host_hash(s->family, sv->server));
		for (; j != NIL; j = md->stab.lnk[j].hnext)
			if (j != i && same_host(s->family, sv->server,
			    md->s[j].s.family, md->s[j].s.host))
				return 1;
	}
	return 0;
}

/*
 * Hands over the sessions idle for session_idle_secs, least recently
 * active first, with their chains: on a long live capture they are
 * reported as they end, not only at the cap or at the end.
 */
static void
s_expire(struct model *md, const struct timeval *now)
{
	uint64_t gen;
	uint32_t i, next;

	/*
	 * A busy middle server's idle clients wait at the head of the list
	 * for its session, and would be walked at every tick. Whether one
	 * is needed holds while no session comes or goes (sess_gen), and
	 * so does the walk's outcome until the session it stopped at, the
	 * first still active, can go idle (the list is in order of
	 * activity: any later one goes idle later).
	 */
	if (md->exp_gen == md->sess_gen && (md->exp_all ||
	    !timercmp(now, &md->exp_until, >)))
		return;
	gen = md->sess_gen;
	for (i = md->stab.head; i != NIL; i = next) {
		next = md->stab.lnk[i].next;
		if (!tv_after(&md->si[i].active, now,
		    md->lim.session_idle_secs))
			break;
		if (md->si[i].need_gen != md->sess_gen) {
			md->si[i].need = s_needed(md, i);
			md->si[i].need_gen = md->sess_gen;
		}
		if (md->si[i].need)
			continue;
		md->st.sessions_idle++;
		s_release(md, i, 1);
	}
	/* a release may end the wait of one walked past: walk again */
	if (md->sess_gen != gen)
		return;
	md->exp_gen = gen;
	md->exp_all = i == NIL;		/* all idle and waiting */
	if (i != NIL) {
		md->exp_until = md->si[i].active;
		md->exp_until.tv_sec += (time_t)md->lim.session_idle_secs;
	}
}

/* The end: every chain while all sessions are there, then the sessions,
 * least recently active first. */
static void
s_finish_all(struct model *md)
{
	uint32_t i;

	if (!md->sess_on)
		return;
	for (i = md->stab.head; i != NIL; i = md->stab.lnk[i].next)
		s_chains(md, &md->s[i].s);
	while (md->stab.head != NIL)
		s_release(md, md->stab.head, 0);
}

/* ---- hosts map ------------------------------------------------------- */

const char *
model_host_source_name(int source)
{
	switch (source) {
	case HN_DNS:
		return "dns";
	case HN_DNS_ALIAS:
		return "dns_alias";
	case HN_SPN:
		return "spn";
	case HN_TDS:
		return "tds";
	case HN_HTTP:
		return "http";
	case HN_SMB:
		return "smb";
	default:
		return "?";
	}
}

static uint32_t
h_find(const struct model *md, int family, const uint8_t *addr)
{
	const struct hslot *hs;
	uint64_t hk;
	uint32_t i;

	if (md->htab.n == 0)
		return NIL;
	hk = host_hash(family, addr);
	i = tab_first(&md->htab, hk);
	for (; i != NIL; i = md->htab.lnk[i].hnext) {
		/* the links first: a slot is about 3 KB */
		if (md->htab.lnk[i].hkey != hk)
			continue;
		hs = &md->h[i];
		/* (the family's bytes: the rest of a slot's are zero) */
		if (hs->family == family && addr_eq(hs->addr, addr,
		    alen_of(family)))
			return i;
	}
	return NIL;
}

/* The address's entry, made when new (forgetting the least recently
 * seen one when full), now the most recently seen. */
static uint32_t
h_get(struct model *md, int family, const uint8_t *addr)
{
	struct hslot *hs;
	uint32_t i, ncap;

	if ((i = h_find(md, family, addr)) != NIL) {
		tab_to_tail(&md->htab, i);
		return i;
	}
	if (md->htab.n >= md->lim.max_hosts && md->htab.head != NIL) {
		md->st.hosts_evicted++;
		tab_remove(&md->htab, md->htab.head);
	}
	if ((ncap = tab_grow(&md->htab, HOST_FIRST, md->lim.max_hosts)) != 0)
		md->h = xrealloc(md->h, (size_t)ncap * sizeof(*md->h));
	i = tab_take(&md->htab);
	hs = &md->h[i];
	memset(hs, 0, sizeof(*hs));
	hs->family = family;
	memcpy(hs->addr, addr, alen_of(family));
	tab_insert(&md->htab, i, host_hash(family, hs->addr));
	md->st.hosts++;
	return i;
}

/*
 * A name of n bytes (a DNS name's final dot dropped) from source: its
 * index, entered when new (replacing the least recently seen one, never
 * alias_of, when full); -1 for an empty name.
 */
static int
h_name(struct model *md, struct hslot *hs, const char *name, size_t n,
    int source, int alias_of, uint64_t frame)
{
	char buf[HN_NAME_MAX];
	struct hname *hn;
	size_t len;
	int k, victim;

	while (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0)
		return -1;
	if (n < sizeof(buf)) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		len = n;
	} else {
		memcpy(buf, name, sizeof(buf) - 4);
		memcpy(buf + sizeof(buf) - 4, "...", 4);
		len = strlen(buf);
	}
	for (k = 0; k < hs->n_names; k++) {
		if (hs->name_src[k] != source || hs->name_len[k] != len)
			continue;
		hn = &hs->names[k];
		if (!same_nocase(hn->name, buf, len))
			continue;
		if (frame > hn->last_frame)
			hn->last_frame = frame;
		if (frame < hn->first_frame)
			hn->first_frame = frame;
		if (alias_of >= 0)
			hn->alias_of = alias_of;
		hn->touch = ++md->seq;
		return k;
	}
	if (hs->n_names < HOST_MAX_NAMES)
		k = hs->n_names++;
	else {
		victim = -1;
		for (k = 0; k < HOST_MAX_NAMES; k++)
			if (k != alias_of && (victim < 0 ||
			    hs->names[k].touch < hs->names[victim].touch))
				victim = k;
		k = victim;
		for (victim = 0; victim < HOST_MAX_NAMES; victim++)
			if (hs->names[victim].alias_of == k)
				hs->names[victim].alias_of = -1;
		for (victim = 0; victim < HOST_MAX_USES; victim++)
			if (hs->uses[victim].name == k)
				hs->uses[victim].name = -1;
		hs->cut++;
		md->st.host_names_cut++;
	}
	hn = &hs->names[k];
	memset(hn, 0, sizeof(*hn));
	memcpy(hn->name, buf, sizeof(hn->name));
	hn->source = source;
	hs->name_src[k] = (uint8_t)source;
	hs->name_len[k] = (uint8_t)len;
	hn->alias_of = alias_of;
	hn->first_frame = hn->last_frame = frame;
	hn->touch = ++md->seq;
	return k;
}

/* A client principal that asked the KDC from the address. */
static void
h_princ(struct model *md, struct hslot *hs, const char *who,
    uint64_t frame)
{
	struct hprinc *hp;
	int k, victim;

	for (k = 0; k < hs->n_princ; k++) {
		hp = &hs->princ[k];
		if (strcmp(hp->name, who) != 0)
			continue;
		if (frame > hp->last_frame)
			hp->last_frame = frame;
		if (frame < hp->first_frame)
			hp->first_frame = frame;
		hp->touch = ++md->seq;
		return;
	}
	if (hs->n_princ < HOST_MAX_PRINCIPALS)
		k = hs->n_princ++;
	else {
		victim = 0;
		for (k = 1; k < HOST_MAX_PRINCIPALS; k++)
			if (hs->princ[k].touch < hs->princ[victim].touch)
				victim = k;
		k = victim;
		hs->cut++;
		md->st.host_names_cut++;
	}
	hp = &hs->princ[k];
	memset(hp, 0, sizeof(*hp));
	str_append(hp->name, sizeof(hp->name), who);
	hp->first_frame = hp->last_frame = frame;
	hp->touch = ++md->seq;
}

/* A client used name (an index) of the address: port 0 a DNS answer. */
static void
h_use(struct model *md, struct hslot *hs, const uint8_t *client,
    uint16_t port, int name, const struct timeval *ts)
{
	struct huse *u;
	size_t alen;
	int k;

	if (name < 0)
		return;
	alen = alen_of(hs->family);
	/* (one entry per client, port and name) */
	u = NULL;
	for (k = 0; k < hs->n_uses; k++)
		if (hs->uses[k].port == port && hs->uses[k].name == name &&
		    addr_eq(hs->uses[k].client, client, alen)) {
			u = &hs->uses[k];
			break;
		}
	if (u == NULL) {
		u = &hs->uses[hs->use_next];
		hs->use_next = (hs->use_next + 1) % HOST_MAX_USES;
		if (hs->n_uses < HOST_MAX_USES)
			hs->n_uses++;
		memset(u, 0, sizeof(*u));
		memcpy(u->client, client, alen);
		u->port = port;
		u->name = name;
	}
	u->ts = *ts;
	u->seq = ++md->seq;
}

/* The latest use by client on port (0: DNS), not after ts (NULL: any). */
static const struct huse *
h_last_use(const struct hslot *hs, const uint8_t *client, size_t alen,
    int dns, uint16_t port, const struct timeval *ts)
{
	const struct huse *u, *best;
	int k;

	best = NULL;
	for (k = 0; k < hs->n_uses; k++) {
		u = &hs->uses[k];
		if (u->name < 0 || u->port != (dns ? 0 : port) ||
		    !addr_eq(u->client, client, alen))
			continue;
		if (ts != NULL && timercmp(&u->ts, ts, >))
			continue;
		if (best == NULL || u->seq > best->seq)
			best = u;
	}
	return best;
}

/* A finished exchange: the client's principal, the AP ticket's host. */
static void
h_exchange(struct model *md, const struct exchange *x)
{
	char who[HN_NAME_MAX], a[64];
	uint32_t i;

	if ((x->kind == XK_AS || x->kind == XK_TGS) && x->cname[0] != '\0') {
		principal_of(who, sizeof(who), x->cname, x->crealm);
		i = h_get(md, x->family, x->client);
		h_princ(md, &md->h[i], who, x->req_frame);
		return;
	}
	if (x->kind != XK_AP || x->spn == NULL || x->spn->is_krbtgt)
		return;
	if (x->spn->ip_literal != 0) {
		/* the address itself is no name of it */
		fmt_addr(a, sizeof(a), x->family, x->server);
		if (strcasecmp(a, x->spn->host) == 0)
			return;
	}
	i = h_get(md, x->family, x->server);
	(void)h_name(md, &md->h[i], x->spn->host, strlen(x->spn->host),
	    HN_SPN, -1, x->req_frame);
}

/* The value of a string field, or NULL. */
static const char *
auth_str(const struct auth_rec *a, const char *key)
{
	int i;

	for (i = 0; i < a->n_fields && i < AUTH_MAX_FIELDS; i++)
		if (a->f[i].key != NULL && a->f[i].kind == AUTH_F_STR &&
		    strcmp(a->f[i].key, key) == 0)
			return a->f[i].sval;
	return NULL;
}

/*
 * A carrier event that names the server the client wanted: TDS LOGIN7
 * ServerName, HTTP Host, SMB2 TREE_CONNECT "\\server\share". All are sent
 * by the client.
 */
static void
h_carrier(struct model *md, const struct msg_ctx *mc,
    const struct auth_rec *a)
{
	struct sess_service *sv;
	struct hslot *hs;
	const char *v, *e;
	size_t n;
	uint32_t i, j;
	int source, k, k2;

	if (a->event == NULL)
		return;
	if (strcmp(a->event, "login7") == 0) {
		source = HN_TDS;
		if ((v = auth_str(a, "server_name")) == NULL)
			return;
		n = strlen(v);
	} else if (strcmp(a->event, "request") == 0) {
		source = HN_HTTP;
		if ((v = auth_str(a, "host")) == NULL)
			return;
		n = strlen(v);
		if (v[0] == '[' && (e = strchr(v, ']')) != NULL) {
			v++;
			n = (size_t)(e - v);
		} else if ((e = strchr(v, ':')) != NULL &&
		    strchr(e + 1, ':') == NULL)
			n = (size_t)(e - v);
	} else if (strcmp(a->event, "tree_connect") == 0) {
		source = HN_SMB;
		if ((v = auth_str(a, "path")) == NULL || v[0] != '\\' ||
		    v[1] != '\\')
			return;
		v += 2;
		n = strcspn(v, "\\");
	} else
		return;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '.'))
		n--;
	if (n == 0)
		return;
	i = h_get(md, mc->family, mc->dst);	/* may move md->h */
	hs = &md->h[i];
	if ((k = h_name(md, hs, v, n, source, -1, mc->frame)) < 0)
		return;
	h_use(md, hs, mc->src, mc->dport, k, &mc->ts);
	if (!md->sess_on)
		return;
	/* the client's service entries (without making them recent) */
	j = tab_first(&md->stab, host_hash(mc->family, mc->src));
	for (; j != NIL; j = md->stab.lnk[j].hnext) {
		if (!same_host(mc->family, mc->src, md->s[j].s.family,
		    md->s[j].s.host))
			continue;
		for (k2 = 0; k2 < md->s[j].s.n_services; k2++) {
			sv = &md->s[j].s.services[k2];
			if (sv->port != mc->dport || memcmp(sv->server,
			    mc->dst, alen_of(mc->family)) != 0)
				continue;
			sv->used_name[0] = '\0';
			str_append(sv->used_name, sizeof(sv->used_name),
			    hs->names[k].name);
			sv->used_source = source;
		}
	}
}

/* Same DNS name, without regard to case or a final dot? */
static int
dns_same(const char *a, const char *b)
{
	return dns_same_n(a, strlen(a), b, strlen(b));
}

/* The same, with the lengths known. */
static int
dns_same_n(const char *a, size_t na, const char *b, size_t nb)
{
	if (na > 0 && a[na - 1] == '.')
		na--;
	if (nb > 0 && b[nb - 1] == '.')
		nb--;
	return na > 0 && na == nb && same_nocase(a, b, na);
}

/* n bytes equal without regard to case; the same case (most repeats)
 * settled by memcmp, cheaper than a locale-aware compare. */
static int
same_nocase(const char *a, const char *b, size_t n)
{
	return memcmp(a, b, n) == 0 || strncasecmp(a, b, n) == 0;
}

/* Does the CNAME chain from name lead to owner within the answers? */
static int
dns_chain_to(const struct dns_rec *d, int n, const char *name,
    const char *owner)
{
	const char *cur;
	int step, k;

	cur = name;
	for (step = 0; step <= n; step++) {
		if (dns_same(cur, owner))
			return 1;
		for (k = 0; k < n; k++)
			if (d->an[k].type == DNS_T_CNAME &&
			    dns_same(d->an[k].name, cur))
				break;
		if (k == n)
			return 0;
		cur = d->an[k].data;
	}
	return 0;
}

void
model_dns(struct model *md, const struct msg_ctx *mc,
    const struct dns_rec *d)
{
	const struct dns_rr *rr;
	struct hslot *hs;
	size_t qlen, olen;
	uint32_t h;
	int i, j, n, family, owner, k, asked;

	if (md->has_held && md->held_frame != mc->frame)
		flush_held(md);
	note_time(md, &mc->ts);
	if (!d->response || d->rcode != 0)
		return;
	n = d->n_answers;
	if (n > DNS_MAX_ANSWERS)
		n = DNS_MAX_ANSWERS;
	if (n < 0)
		n = 0;
	qlen = strlen(d->qname);
	for (i = 0; i < n; i++) {
		rr = &d->an[i];
		if ((rr->class & 0x7fff) != 1)
			continue;
		if (rr->type == DNS_T_A)
			family = AF_INET;
		else if (rr->type == DNS_T_AAAA)
			family = AF_INET6;
		else
			continue;
		h = h_get(md, family, rr->addr);	/* may move md->h */
		hs = &md->h[h];
		olen = strlen(rr->name);
		owner = h_name(md, hs, rr->name, olen, HN_DNS, -1,
		    mc->frame);
		if (owner < 0)
			continue;
		asked = dns_same_n(d->qname, qlen, rr->name, olen) ? owner :
		    -1;
		/* the aliases whose chain ends here */
		for (j = 0; j < n; j++) {
			if (d->an[j].type != DNS_T_CNAME ||
			    dns_same(d->an[j].name, rr->name) ||
			    !dns_chain_to(d, n, d->an[j].data, rr->name))
				continue;
			k = h_name(md, hs, d->an[j].name,
			    strlen(d->an[j].name), HN_DNS_ALIAS, owner,
			    mc->frame);
			if (k >= 0 && dns_same(d->qname, d->an[j].name))
				asked = k;
		}
		if (asked < 0)
			asked = owner;
		/* the answer goes to the client that asked */
		h_use(md, hs, mc->dst, 0, asked, &mc->ts);
	}
}

/* A session's service: the names its client used for the server. */
static void
s_names(struct model *md, const struct session *s, struct sess_service *sv,
    const struct timeval *ts)
{
	const struct hslot *hs;
	const struct huse *u;
	uint32_t i;

	if ((i = h_find(md, s->family, sv->server)) == NIL)
		return;
	hs = &md->h[i];
	if ((u = h_last_use(hs, s->host, alen_of(s->family), 1, 0, ts)) !=
	    NULL) {
		sv->dns_name[0] = '\0';
		str_append(sv->dns_name, sizeof(sv->dns_name),
		    hs->names[u->name].name);
		sv->dns_source = hs->names[u->name].source;
	}
	if ((u = h_last_use(hs, s->host, alen_of(s->family), 0, sv->port,
	    NULL)) != NULL) {
		sv->used_name[0] = '\0';
		str_append(sv->used_name, sizeof(sv->used_name),
		    hs->names[u->name].name);
		sv->used_source = hs->names[u->name].source;
	}
}

/* An entry as the API shows it: names in the order first seen. */
static void
h_info(const struct hslot *hs, struct host_info *out)
{
	const struct hname *hn;
	int order[HOST_MAX_NAMES];
	int i, j, t;

	memset(out, 0, sizeof(*out));
	out->family = hs->family;
	memcpy(out->addr, hs->addr, sizeof(out->addr));
	for (i = 0; i < hs->n_names; i++) {
		order[i] = i;
		for (j = i; j > 0 && hs->names[order[j - 1]].first_frame >
		    hs->names[order[j]].first_frame; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
	for (i = 0; i < hs->n_names; i++) {
		hn = &hs->names[order[i]];
		memcpy(out->names[i].name, hn->name, sizeof(hn->name));
		out->names[i].source = hn->source;
		if (hn->source == HN_DNS_ALIAS && hn->alias_of >= 0 &&
		    hn->alias_of < hs->n_names)
			memcpy(out->names[i].alias_of,
			    hs->names[hn->alias_of].name, HN_NAME_MAX);
		out->names[i].first_frame = hn->first_frame;
		out->names[i].last_frame = hn->last_frame;
	}
	out->n_names = hs->n_names;
	for (i = 0; i < hs->n_princ; i++) {
		memcpy(out->principals[i].name, hs->princ[i].name,
		    HN_NAME_MAX);
		out->principals[i].first_frame = hs->princ[i].first_frame;
		out->principals[i].last_frame = hs->princ[i].last_frame;
	}
	out->n_principals = hs->n_princ;
	out->names_cut = hs->cut;
}

int
model_host_names(const struct model *md, int family, const uint8_t *addr,
    struct host_name *out, int max)
{
	struct host_info hi;
	uint32_t i;
	int k;

	if ((i = h_find(md, family, addr)) == NIL)
		return 0;
	h_info(&md->h[i], &hi);
	for (k = 0; k < hi.n_names && k < max; k++)
		out[k] = hi.names[k];
	return k;
}

int
model_host_get(const struct model *md, int family, const uint8_t *addr,
    struct host_info *out)
{
	uint32_t i;

	if ((i = h_find(md, family, addr)) == NIL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	h_info(&md->h[i], out);
	return 0;
}

int
model_host_by_name(const struct model *md, const char *name,
    struct host_info *out)
{
	const struct hslot *hs;
	uint32_t i;
	int k;

	for (i = md->htab.head; i != NIL; i = md->htab.lnk[i].next) {
		hs = &md->h[i];
		for (k = 0; k < hs->n_names; k++)
			if ((hs->names[k].source == HN_DNS ||
			    hs->names[k].source == HN_DNS_ALIAS) &&
			    dns_same(hs->names[k].name, name)) {
				h_info(hs, out);
				return 0;
			}
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

void
model_hosts_walk(const struct model *md, host_fn fn, void *arg)
{
	struct host_info hi;
	uint32_t i;

	for (i = md->htab.head; i != NIL; i = md->htab.lnk[i].next) {
		h_info(&md->h[i], &hi);
		fn(arg, &hi);
	}
}
