/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * testnet.h - unit test helpers for the network layers: IPv4/IPv6 (with
 * fragment header), UDP and TCP packets built in memory and fed through
 * engine_packet() (DLT_RAW) with increasing frame numbers and times; a
 * recording dissector that shows what the transport layer delivered.
 */
#ifndef KS_TESTNET_H
#define KS_TESTNET_H

#include <stddef.h>
#include <stdint.h>

#include "dissector.h"
#include "engine.h"

#define TN_PKT_MAX	70000	/* room for any IP packet we build */

/* An engine fed raw IP packets. */
struct tn {
	struct engine	 eng;
	uint64_t	 frame;		/* frame number of the last packet */
	struct timeval	 ts;		/* time of the next packet */
};

void	tn_init(struct tn *);
void	tn_fini(struct tn *);
/* Feeds one raw IP packet (frame + 1, time + 1 ms). */
void	tn_send(struct tn *, const uint8_t *, size_t);
/* Moves capture time on by secs. */
void	tn_sleep(struct tn *, unsigned secs);
/* Runs flow and fragment expiry at the current time. */
void	tn_expire(struct tn *);

/* Builders: each writes into out (TN_PKT_MAX bytes) and returns length. */
size_t	tn_udp(uint8_t *out, uint16_t sport, uint16_t dport,
	    const void *pl, size_t plen);
size_t	tn_tcp(uint8_t *out, uint16_t sport, uint16_t dport, uint32_t seq,
	    uint8_t flags, const void *pl, size_t plen);
size_t	tn_ip4(uint8_t *out, const char *src, const char *dst, uint8_t proto,
	    uint16_t id, uint16_t off_bytes, int mf, const void *pl,
	    size_t plen);
size_t	tn_ip6(uint8_t *out, const char *src, const char *dst, uint8_t nh,
	    const void *pl, size_t plen);
size_t	tn_ip6_frag(uint8_t *out, const char *src, const char *dst,
	    uint8_t nh, uint32_t id, uint16_t off_bytes, int more,
	    const void *pl, size_t plen);

/* Build and send in one go. */
void	tn_udp4(struct tn *, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, const void *pl, size_t plen);
void	tn_tcp4(struct tn *, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint32_t seq, uint8_t flags, const void *pl,
	    size_t plen);
void	tn_tcp6(struct tn *, const char *src, uint16_t sport, const char *dst,
	    uint16_t dport, uint32_t seq, uint8_t flags, const void *pl,
	    size_t plen);

/* ---- recording dissector -------------------------------------------- */

#define TN_MODE_RAW	0	/* feed() uses every byte it is given */
#define TN_MODE_REC	1	/* 4-byte big-endian length + body records */
#define TN_MODE_ERR	2	/* feed() gives up at once (FEED_ERR) */
#define TN_MODE_LAZY	3	/* FEED_OK using nothing until 100 bytes */

#define TN_EV_DGRAM	1
#define TN_EV_FEED	2	/* raw mode: one feed() call */
#define TN_EV_REC	3	/* record mode: one whole record */
#define TN_EV_GAP	4

#define TN_MAX_EV	4096
#define TN_STREAM_MAX	(1 << 20)

struct tn_event {
	int		 kind;
	int		 dir;
	uint64_t	 frame;
	size_t		 len;
	uint8_t		 first;		/* first byte (of the body) */
};

struct tn_rec {
	int		 mode;
	uint8_t		 stream[2][TN_STREAM_MAX];	/* seen, per dir */
	size_t		 stream_len[2];
	unsigned	 gaps[2];
	unsigned	 n_new, n_free, n_feed;
	size_t		 max_feed_len;		/* largest n given to feed */
	uint16_t	 sport[2], dport[2];	/* ports seen per dir */
	struct tn_event	 ev[TN_MAX_EV];
	unsigned	 n_ev;
};

extern struct tn_rec		 tn_rec;
extern const struct dissector	 tn_dissector;

/* Clears the recorder and installs tn_dissector for new flows. */
void	tn_rec_reset(int mode);
/* The i-th event of a kind (0-based), or NULL. */
const struct tn_event *tn_rec_event(int kind, unsigned i);
unsigned tn_rec_count(int kind);

#endif /* KS_TESTNET_H */
