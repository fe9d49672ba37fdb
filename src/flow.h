/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * flow.h - private interface of the network layers: ip.c, defrag.c,
 * flow.c and tcp.c (and their unit tests). Nothing else includes it.
 */
#ifndef KS_FLOW_H
#define KS_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"
#include "engine.h"

#define IPPROTO_NUM_TCP		6
#define IPPROTO_NUM_UDP		17

/* ---- ip.c ------------------------------------------------------------ */

/*
 * Hands a reassembled datagram's payload on: IPv4 goes straight to the
 * transport layer, IPv6 continues its extension header chain (ip->proto
 * is the next header that followed the fragment header).
 */
void	ip_reassembled(struct engine *, const struct pkt_meta *,
	    const struct ip_info *, const uint8_t *, size_t);

/* ---- defrag.c -------------------------------------------------------- */

/* One fragment, as the IP layer found it. */
struct frag_in {
	struct ip_info	 ip;		/* proto: of the fragmentable part */
	uint32_t	 id;		/* IPv4: 16 bits, IPv6: 32 bits */
	uint32_t	 off;		/* in bytes */
	int		 more;		/* MF / M flag */
	const uint8_t	*p;		/* borrowed: fragment data */
	size_t		 len;
	uint32_t	 max_end;	/* largest allowed reassembled length */
};

void	defrag_input(struct engine *, const struct pkt_meta *,
	    const struct frag_in *);

/* ---- flow.c ---------------------------------------------------------- */

/*
 * The transport layer with the length the IP header claims for its
 * payload (claimed >= caplen; more means the capture was cut short).
 * l4_input() is l4_input_claimed() with claimed == caplen.
 */
void	l4_input_claimed(struct engine *, const struct pkt_meta *,
	    const struct ip_info *, const uint8_t *, size_t caplen,
	    size_t claimed);

/* Test hook: when non-NULL, the dissector of every new flow. */
void	flow_set_test_dissector(const struct dissector *);

/* One held out-of-order TCP segment (one allocation with its bytes). */
struct tcp_seg {
	struct tcp_seg	*next;
	uint32_t	 seq;
	uint32_t	 len;
	struct pkt_meta	 pkt;		/* the packet that carried it */
	uint8_t		 data[];
};

/* tcp_dir.flags */
#define TD_STARTED	0x01	/* next_seq is valid */
#define TD_SYN		0x02	/* a SYN was seen; isn is valid */
#define TD_FIN		0x04	/* FIN or RST seen from this side */
#define TD_DEAD		0x08	/* FEED_ERR: no more feeding */
#define TD_RESYNC	0x10	/* call gap() before the next feed */
#define TD_PROBED	0x20	/* probing this side gave up */
#define TD_RESTART	0x40	/* start again at the next segment */

/* Bytes feed() has not used yet (allocated only while there are some). */
struct tcp_buf {
	size_t		 len, cap;
	struct pkt_meta	 pkt;		/* last packet added */
	uint8_t		 data[];
};

/* One direction of a TCP connection (stream reassembly state). */
struct tcp_dir {
	uint32_t	 isn;
	uint32_t	 next_seq;	/* the next byte to hand on */
	uint32_t	 fin_seq;	/* sequence number of the FIN */
	uint8_t		 flags;
	uint8_t		 probe_segs;	/* segments probed so far */
	unsigned	 n_ooo;
	size_t		 ooo_bytes;
	struct tcp_seg	*ooo;		/* owned, sorted, non-overlapping */
	struct tcp_buf	*buf;		/* owned, NULL when empty */
	size_t		 need;		/* feed again once buffered >= need */
};

/* flow.state */
#define FLOW_PROBING	0	/* no dissector yet: content probes */
#define FLOW_ACTIVE	1	/* dis chosen */
#define FLOW_IGNORED	2	/* nobody wants it: bookkeeping only */

/* Canonical bidirectional key: side 0 is the smaller (address, port). */
struct flow_key {
	uint8_t		 addr[2][16];
	uint16_t	 port[2];
	uint8_t		 family;
	uint8_t		 proto;
	uint8_t		 pad[2];	/* zero: the key is hashed as bytes */
};

struct flow {
	/* lookup fields first: one cache line per chain step */
	struct flow	*hnext;			/* hash chain */
	uint64_t	 hash;
	struct flow_key	 key;
	struct flow	**hpprev;		/* what points to this flow */
	struct flow	*lru_prev, *lru_next;	/* by last activity */
	struct flow	*cl_prev, *cl_next;	/* closed, by close time */
	uint8_t		 init_side;	/* key side of the initiator */
	uint8_t		 state;		/* FLOW_* */
	uint8_t		 closed;	/* FIN both ways, or RST */
	uint8_t		 delivered;	/* a dissector call was made */
	uint8_t		 probes[2];	/* UDP payloads probed, per side */
	uint8_t		 unhinted;	/* no port hint: created by a probe */
	int64_t		 last_sec;
	int64_t		 closed_sec;
	const struct dissector *dis;	/* borrowed */
	void		*dstate;	/* owned by dis (state_free) */
	struct tcp_dir	 tcp[2];	/* per key side; TCP only */
};

/* Fills ctx for bytes sent by key side `side`. */
void	flow_ctx(struct engine *, const struct flow *, int side,
	    const struct pkt_meta *, struct dis_ctx *);
/* Chooses a dissector after a successful probe (FLOW_PROBING only). */
void	flow_activate(struct flow *, const struct dissector *);
/* Marks the flow closed (FIN both ways or RST). */
void	flow_close(struct engine *, struct flow *);

/* ---- tcp.c ----------------------------------------------------------- */

/* What l4_input found in a TCP header. */
struct tcp_hdr {
	uint32_t	 seq;
	uint8_t		 flags;		/* TH_* */
	const uint8_t	*data;		/* borrowed: captured payload */
	size_t		 len;		/* captured payload bytes */
	size_t		 claimed;	/* payload bytes on the wire */
};

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_ACK		0x10

void	tcp_input(struct engine *, struct flow *, int side,
	    const struct pkt_meta *, const struct tcp_hdr *);
/* The flow ends: held data is handed on past its holes, then freed. */
void	tcp_flow_end(struct engine *, struct flow *);
/* Releases every buffer of the flow without handing anything on. */
void	tcp_release(struct engine *, struct flow *);
/* After flow_activate(): feeds what probing buffered. */
void	tcp_activated(struct engine *, struct flow *);

#endif /* KS_FLOW_H */
