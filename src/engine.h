/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * engine.h - the packet path: link layer -> IP (+defrag) -> UDP/TCP
 * (+reassembly) -> dissectors, with its limits and counters.
 */
#ifndef KS_ENGINE_H
#define KS_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "record.h"

#define TRANSPORT_UDP	1
#define TRANSPORT_TCP	2

/* One captured packet, as handed over by libpcap. */
struct pkt_meta {
	uint64_t	 frame;		/* 1-based */
	struct timeval	 ts;
	uint32_t	 caplen;
	uint32_t	 wirelen;
};

/* Caps; each has a counter in struct stats that says when it was hit. */
struct limits {
	size_t		 max_flows;		/* flow table entries */
	size_t		 flow_bytes;		/* reassembly buffer, per flow
						 * and direction */
	size_t		 total_bytes;		/* all reassembly buffers */
	unsigned	 max_ooo_segs;		/* out-of-order segments kept
						 * per direction */
	unsigned	 flow_idle_secs;	/* idle flow expiry */
	unsigned	 flow_closed_secs;	/* after FIN/RST both ways */
	size_t		 max_frag_dgrams;	/* datagrams in reassembly */
	unsigned	 max_frags_per_dgram;
	size_t		 frag_total_bytes;
	unsigned	 frag_timeout_secs;
	size_t		 max_msg_bytes;		/* largest single message a
						 * dissector will buffer */
};

#define KRB_MSG_TYPES	32

struct stats {
	/* capture */
	uint64_t	 packets, bytes;
	uint64_t	 pcap_recv, pcap_drop, pcap_ifdrop;
	int		 have_pcap_stats;
	/* link and network */
	uint64_t	 link_unknown;		/* ethertype/family not IP */
	uint64_t	 link_truncated;
	uint64_t	 ipv4, ipv6, ip_truncated, ip_invalid;
	uint64_t	 ip_other_proto;
	/* fragments */
	uint64_t	 frag_fragments, frag_reassembled, frag_timeouts;
	uint64_t	 frag_dropped;		/* over a cap, or overlapping
						 * inconsistently */
	uint64_t	 frag_evicted;
	/* transport */
	uint64_t	 udp, tcp, l4_truncated;
	/* flows */
	uint64_t	 flows_created, flows_expired, flows_evicted;
	uint64_t	 flows_active, flows_peak;
	uint64_t	 l4_unclaimed;		/* packets no dissector wanted:
						 * no flow kept for them */
	/* TCP reassembly */
	uint64_t	 tcp_retrans, tcp_overlaps, tcp_ooo, tcp_midstream;
	uint64_t	 tcp_gaps, tcp_gap_bytes;
	uint64_t	 tcp_drop_bytes;	/* buffering cap reached */
	uint64_t	 reasm_bytes, reasm_peak;	/* buffered now, peak */
	/* dissectors */
	uint64_t	 msgs_by_type[KRB_MSG_TYPES];	/* index msg_type */
	uint64_t	 krb_msgs, krb_truncated, krb_invalid;
	uint64_t	 dis_resyncs, dis_oversize;
	/* security layers and carriers (krbscope 3) */
	uint64_t	 ntlm_msgs, spnego_tokens, auth_events, dns_msgs;
	uint64_t	 dns_responses;		/* of dns_msgs */
	uint64_t	 sec_unknown;		/* blobs where a token was
						 * expected but none found */
	uint64_t	 carrier_errors;	/* carrier framing given up */
	uint64_t	 tls_skipped;		/* TLS records passed over */
};

struct engine;

/* Output hook: called for every Kerberos message found. */
typedef void	(*krb_sink_fn)(void *arg, const struct msg_ctx *,
		    const struct krb_msg *);

typedef void	(*ntlm_sink_fn)(void *arg, const struct msg_ctx *,
		    const struct ntlm_msg *);
typedef void	(*spnego_sink_fn)(void *arg, const struct msg_ctx *,
		    const struct spnego_info *);
typedef void	(*auth_sink_fn)(void *arg, const struct msg_ctx *,
		    const struct auth_rec *);
typedef void	(*dns_sink_fn)(void *arg, const struct msg_ctx *,
		    const struct dns_rec *);

/* engine_ops.dns_answers_only */
#define DNS_ALL			0
#define DNS_ANSWERS		1	/* responses with answers */
#define DNS_CNAME_ANSWERS	2	/* ... among them a CNAME */

struct engine_ops {
	krb_sink_fn	 krb;
	void		*arg;
	ntlm_sink_fn	 ntlm;		/* each may be NULL */
	spnego_sink_fn	 spnego;	/* SPNEGO tokens without a mech
					 * token inside */
	auth_sink_fn	 auth;
	dns_sink_fn	 dns;
	/* live: called about every 100 ms with the clock, packets or not
	 * (timeouts that must fire while the wire is quiet) */
	void		(*tick)(void *arg, const struct timeval *now);
	int		 dns_answers_only;	/* DNS_*_ANSWERS: dns gets
						 * only responses with
						 * answers (the rest is
						 * counted, not decoded) */
};

struct engine {
	struct limits	 lim;
	struct stats	 st;
	struct engine_ops ops;
	struct timeval	 now;		/* timestamp of the current packet */
	struct timeval	 first_ts, last_ts;
	int		 linktype;	/* DLT_* of the capture */
	int		 want_tree;	/* -vv: field trees from libtasn1 */
	struct defrag	*defrag;	/* owned */
	struct flowtab	*flows;		/* owned */
};

void	 engine_init(struct engine *, const struct engine_ops *);
void	 engine_fini(struct engine *);	/* flushes and frees */
void	 engine_idle(struct engine *, const struct timeval *);
void	 limits_default(struct limits *);

/* Feed one captured packet (link type eng->linktype). Never fails. */
void	 engine_packet(struct engine *, const struct pkt_meta *,
	    const uint8_t *, size_t);

/* Is the link type one we decode? */
int	 link_supported(int dlt);
const char *link_name(int dlt);

/* Called by the IP layer with a whole (reassembled) IP datagram. */
struct ip_info {
	int		 family;
	uint8_t		 src[16], dst[16];
	uint8_t		 proto;		/* upper-layer protocol */
};

/* link.c -> ip.c */
void	 ip_input(struct engine *, const struct pkt_meta *,
	    const uint8_t *, size_t, int family_hint);
/* ip.c -> flow.c (UDP/TCP demultiplexing) */
void	 l4_input(struct engine *, const struct pkt_meta *,
	    const struct ip_info *, const uint8_t *, size_t);

/* defrag.c */
struct defrag	*defrag_new(void);
void		 defrag_free(struct defrag *);
void		 defrag_expire(struct engine *, struct defrag *);

/* flow.c */
struct flowtab	*flowtab_new(void);
void		 flowtab_free(struct engine *, struct flowtab *);
void		 flowtab_expire(struct engine *, struct flowtab *);

/* Messages from dissectors to the engine's sinks. */
struct dis_ctx;
void	 engine_emit_krb(struct dis_ctx *, const char *carrier,
	    const struct krb_msg *);
void	 engine_emit_ntlm(struct dis_ctx *, const char *carrier,
	    const struct ntlm_msg *);
void	 engine_emit_spnego(struct dis_ctx *, const char *carrier,
	    const struct spnego_info *);
void	 engine_emit_auth(struct dis_ctx *, const char *carrier,
	    const struct auth_rec *);
void	 engine_emit_dns(struct dis_ctx *, const char *carrier,
	    const struct dns_rec *);

#endif /* KS_ENGINE_H */
