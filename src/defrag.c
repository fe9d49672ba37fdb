/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * defrag.c - IPv4 and IPv6 fragment reassembly, bounded.
 * RFC 791 section 3.2 (IPv4), RFC 8200 section 4.5 (IPv6), RFC 815.
 *
 * A datagram is keyed by family, source, destination, identification and
 * protocol. Overlap policy "first": bytes already received win; a later
 * fragment only fills the ranges nobody has filled yet. A fragment whose
 * overlapping bytes differ from the held ones (a different end, or data
 * past the known end, too) is counted in frag_dropped; its new ranges are
 * still kept. (Stricter than RFC 5722's "drop the whole IPv6 datagram"
 * would lose traffic that tshark shows.)
 *
 * Caps (struct limits): datagrams in progress (the oldest is evicted,
 * frag_evicted), fragments per datagram (the datagram is abandoned and
 * the rest of its fragments dropped until it times out, frag_dropped),
 * bytes held across all datagrams (the fragment is dropped,
 * frag_dropped), and a timeout from the first fragment (frag_timeouts).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cur.h"
#include "engine.h"
#include "flow.h"
#include "util.h"

#define DG_MAX_LEN	65535
#define DG_MIN_BUCKETS	16
#define DG_MAX_BUCKETS	65536

struct frag {
	struct frag	*next;
	uint32_t	 off;
	uint32_t	 len;
	uint8_t		 data[];
};

struct dg_key {
	uint8_t		 src[16], dst[16];
	uint32_t	 id;
	uint8_t		 family;
	uint8_t		 proto;
	uint8_t		 pad[2];	/* zero: hashed as bytes */
};

struct dgram {
	struct dgram	*hnext;
	struct dgram	*prev, *next;	/* age list, oldest first */
	uint64_t	 hash;
	struct dg_key	 key;
	int64_t		 first_sec;	/* time of the first fragment */
	uint32_t	 end;		/* length, once the last is known */
	uint32_t	 have;		/* bytes held */
	uint8_t		 have_end;
	uint8_t		 dead;		/* abandoned: drop until timeout */
	unsigned	 nfrags;
	struct frag	*frags;		/* owned, sorted, non-overlapping */
};

struct defrag {
	struct dgram	**buckets;	/* owned array, borrowed entries */
	size_t		 nbuckets;	/* power of two */
	uint64_t	 seed;
	struct dgram	*head, *tail;	/* owned */
	size_t		 count;
	size_t		 bytes;		/* fragment data held */
	uint8_t		*scratch;	/* owned, DG_MAX_LEN bytes */
};

static void	dg_setup(struct engine *, struct defrag *);
static struct dgram *dg_lookup(struct defrag *, const struct dg_key *,
		    uint64_t);
static void	dg_release_frags(struct defrag *, struct dgram *);
static void	dg_remove(struct defrag *, struct dgram *);
static int	dg_insert(struct engine *, struct defrag *, struct dgram *,
		    const struct frag_in *, int *);
static void	dg_complete(struct engine *, struct defrag *, struct dgram *,
		    const struct pkt_meta *);

struct defrag *
defrag_new(void)
{
	struct defrag *dg;

	dg = xcalloc(1, sizeof(*dg));
	if (getentropy(&dg->seed, sizeof(dg->seed)) != 0)
		dg->seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)dg;
	return dg;
}

void
defrag_free(struct defrag *dg)
{
	if (dg == NULL)
		return;
	while (dg->head != NULL)
		dg_remove(dg, dg->head);
	free(dg->buckets);
	free(dg->scratch);
	free(dg);
}

/* Sizes the hash table from the limits on first use. */
static void
dg_setup(struct engine *eng, struct defrag *dg)
{
	size_t n;

	n = DG_MIN_BUCKETS;
	while (n < eng->lim.max_frag_dgrams && n < DG_MAX_BUCKETS)
		n *= 2;
	dg->nbuckets = n;
	dg->buckets = xcalloc(n, sizeof(*dg->buckets));
}

static struct dgram *
dg_lookup(struct defrag *dg, const struct dg_key *key, uint64_t h)
{
	struct dgram *d;

	for (d = dg->buckets[h & (dg->nbuckets - 1)]; d != NULL; d = d->hnext)
		if (d->hash == h && memcmp(&d->key, key, sizeof(*key)) == 0)
			return d;
	return NULL;
}

static void
dg_release_frags(struct defrag *dg, struct dgram *d)
{
	struct frag *f;

	while ((f = d->frags) != NULL) {
		d->frags = f->next;
		dg->bytes -= f->len;
		free(f);
	}
	d->nfrags = 0;
	d->have = 0;
}

/* Unlinks d from the table and the age list and frees it. */
static void
dg_remove(struct defrag *dg, struct dgram *d)
{
	struct dgram **pp;

	if (dg->buckets != NULL) {
		pp = &dg->buckets[d->hash & (dg->nbuckets - 1)];
		while (*pp != NULL && *pp != d)
			pp = &(*pp)->hnext;
		if (*pp == d)
			*pp = d->hnext;
	}
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		dg->head = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	else
		dg->tail = d->prev;
	dg_release_frags(dg, d);
	dg->count--;
	free(d);
}

/*
 * Adds the ranges of fr that no held fragment covers ("first" policy).
 * Sets *diff_out when overlapping bytes differ. Returns E_LIMIT when the
 * datagram would hold more fragments than allowed.
 */
static int
dg_insert(struct engine *eng, struct defrag *dg, struct dgram *d,
    const struct frag_in *fr, int *diff_out)
{
	struct frag **pp, *f, *n;
	uint32_t cur, end, stop, ov_end;

	*diff_out = 0;
	cur = fr->off;
	end = fr->off + (uint32_t)fr->len;
	pp = &d->frags;
	while (cur < end) {
		f = *pp;
		if (f != NULL && f->off + f->len <= cur) {
			pp = &f->next;
			continue;
		}
		if (f != NULL && f->off <= cur) {
			/* held bytes win; note when they disagree */
			ov_end = f->off + f->len < end ? f->off + f->len : end;
			if (memcmp(fr->p + (cur - fr->off),
			    f->data + (cur - f->off), ov_end - cur) != 0)
				*diff_out = 1;
			cur = ov_end;
			pp = &f->next;
			continue;
		}
		stop = f != NULL && f->off < end ? f->off : end;
		if (d->nfrags >= eng->lim.max_frags_per_dgram)
			return E_LIMIT;
		n = xmalloc(sizeof(*n) + (stop - cur));
		n->off = cur;
		n->len = stop - cur;
		memcpy(n->data, fr->p + (cur - fr->off), n->len);
		n->next = f;
		*pp = n;
		pp = &n->next;
		d->nfrags++;
		d->have += n->len;
		dg->bytes += n->len;
		cur = stop;
	}
	return 0;
}

/* All bytes are here: assemble, forget the datagram, hand it on. */
static void
dg_complete(struct engine *eng, struct defrag *dg, struct dgram *d,
    const struct pkt_meta *pkt)
{
	struct ip_info ip;
	struct frag *f;
	uint32_t len;

	if (dg->scratch == NULL)
		dg->scratch = xmalloc(DG_MAX_LEN);
	for (f = d->frags; f != NULL; f = f->next)
		memcpy(dg->scratch + f->off, f->data, f->len);
	len = d->end;
	memset(&ip, 0, sizeof(ip));
	ip.family = d->key.family;
	ip.proto = d->key.proto;
	memcpy(ip.src, d->key.src, sizeof(ip.src));
	memcpy(ip.dst, d->key.dst, sizeof(ip.dst));
	dg_remove(dg, d);
	eng->st.frag_reassembled++;
	ip_reassembled(eng, pkt, &ip, dg->scratch, len);
}

void
defrag_input(struct engine *eng, const struct pkt_meta *pkt,
    const struct frag_in *fr)
{
	struct defrag *dg = eng->defrag;
	struct dg_key key;
	struct dgram *d;
	uint64_t h, end;
	size_t b;
	int diff;

	eng->st.frag_fragments++;
	end = (uint64_t)fr->off + fr->len;
	/* all but the last fragment carry a multiple of 8 bytes */
	if (dg == NULL || (fr->more && (fr->len == 0 || fr->len % 8 != 0)) ||
	    end > fr->max_end || end > DG_MAX_LEN ||
	    eng->lim.max_frag_dgrams == 0) {
		eng->st.frag_dropped++;
		return;
	}
	if (dg->buckets == NULL)
		dg_setup(eng, dg);

	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)fr->ip.family;
	key.proto = fr->ip.proto;
	key.id = fr->id;
	memcpy(key.src, fr->ip.src, sizeof(key.src));
	memcpy(key.dst, fr->ip.dst, sizeof(key.dst));
	h = hash64(&key, sizeof(key), dg->seed);

	if ((d = dg_lookup(dg, &key, h)) == NULL) {
		while (dg->count >= eng->lim.max_frag_dgrams &&
		    dg->head != NULL) {
			eng->st.frag_evicted++;
			dg_remove(dg, dg->head);
		}
		d = xcalloc(1, sizeof(*d));
		d->key = key;
		d->hash = h;
		d->first_sec = (int64_t)eng->now.tv_sec;
		b = h & (dg->nbuckets - 1);
		d->hnext = dg->buckets[b];
		dg->buckets[b] = d;
		d->prev = dg->tail;
		if (dg->tail != NULL)
			dg->tail->next = d;
		else
			dg->head = d;
		dg->tail = d;
		dg->count++;
	}
	if (d->dead) {
		eng->st.frag_dropped++;
		return;
	}

	/* the end of the datagram must agree with what is known */
	if (!fr->more) {
		if ((d->have_end && end != d->end) || (!d->have_end &&
		    d->frags != NULL && d->end > end)) {
			eng->st.frag_dropped++;
			return;
		}
	} else if (d->have_end && end > d->end) {
		eng->st.frag_dropped++;
		return;
	}
	if (dg->bytes + fr->len > eng->lim.frag_total_bytes) {
		eng->st.frag_dropped++;
		return;
	}
	if (dg_insert(eng, dg, d, fr, &diff) != 0) {
		/* too many fragments: abandon the datagram */
		eng->st.frag_dropped++;
		dg_release_frags(dg, d);
		d->dead = 1;
		return;
	}
	if (diff)
		eng->st.frag_dropped++;
	if (!fr->more) {
		d->have_end = 1;
		d->end = (uint32_t)end;
	} else if (!d->have_end && end > d->end) {
		d->end = (uint32_t)end;	/* highest end seen so far */
	}
	if (d->have_end && d->have == d->end)
		dg_complete(eng, dg, d, pkt);
}

void
defrag_expire(struct engine *eng, struct defrag *dg)
{
	struct dgram *d;
	int64_t now;

	if (dg == NULL)
		return;
	now = (int64_t)eng->now.tv_sec;
	while ((d = dg->head) != NULL &&
	    now - d->first_sec >= (int64_t)eng->lim.frag_timeout_secs) {
		if (!d->dead)
			eng->st.frag_timeouts++;
		dg_remove(dg, d);
	}
}
