/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dissector.h - the interface between the transport layer and the
 * protocol dissectors in dissectors/.
 *
 * UDP: datagram() gets every payload of the flow.
 * TCP: the stream layer keeps, per direction, the in-order bytes that
 * feed() has not used yet, and calls feed() with all of them. feed()
 * sets *used_out (bytes consumed from the start) and returns:
 *   FEED_OK    used what it could; call again if bytes remain and used > 0
 *   FEED_NEED  needs *need_out bytes in total (from the start of p) before
 *              it can go on; the stream layer buffers until then (or, past
 *              its cap, drops and calls gap())
 *   FEED_ERR   gave up on this direction for good (counted)
 * gap() tells the dissector that bytes of direction dir were lost (or that
 * the stream was picked up mid-way): it must resynchronise on its next
 * record boundary.
 */
#ifndef KS_DISSECTOR_H
#define KS_DISSECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define FEED_OK		0
#define FEED_NEED	1
#define FEED_ERR	2

#define DIS_MAX_PORTS	16

/* What a dissector knows about where its bytes come from. */
struct dis_ctx {
	struct engine		*eng;		/* borrowed */
	const struct pkt_meta	*pkt;		/* packet that completed the
						 * data being fed */
	int			 family;
	uint8_t			 src[16], dst[16];	/* this direction */
	uint16_t		 sport, dport;
	int			 transport;
	int			 dir;		/* 0: initiator -> responder */
	const struct spnego_info *spnego;	/* set by sec_token() while
						 * it emits a wrapped token */
};

/* dissector.flags */
#define DIS_F_UDP_STATELESS	0x1	/* UDP datagrams on its ports need
					 * no flow: each is decoded on its
					 * own (DNS) */
#define DIS_F_PROBE_DEEP	0x2	/* its probe may claim a stream at
					 * any packet, not only the first
					 * few (HTTP: the first request or
					 * answer with an authentication
					 * header) */

struct dissector {
	const char	*name;		/* also the JSON "carrier" */
	int		 transports;	/* mask of 1 << TRANSPORT_* */
	unsigned	 flags;		/* DIS_F_* */
	uint16_t	 ports[DIS_MAX_PORTS];	/* 0-terminated */
	/* Content check on the first payload bytes of a direction. */
	int		(*probe)(const uint8_t *, size_t, int transport);
	/* Can a payload starting with this byte pass probe()? 0 only when
	 * probe() is sure to say no (NULL: any byte may). Tabled by the
	 * registry so most traffic meets no probe at all. */
	int		(*may_start)(uint8_t first, int transport);
	int		(*datagram)(struct dis_ctx *, const uint8_t *, size_t);
	int		(*feed)(void *state, struct dis_ctx *, const uint8_t *,
			    size_t, size_t *used_out, size_t *need_out);
	void		(*gap)(void *state, int dir);
	void		*(*state_new)(void);
	void		(*state_free)(void *);
};

/* dissectors/registry.c */
const struct dissector	*registry_by_port(int transport, uint16_t sport,
			    uint16_t dport);
const struct dissector	*registry_probe(int transport, const uint8_t *,
			    size_t);
/* The same with the DIS_F_PROBE_DEEP dissectors only. */
const struct dissector	*registry_probe_deep(int transport, const uint8_t *,
			    size_t);
const struct dissector	*registry_by_name(const char *);
/*
 * Bitmaps of the ports some dissector hints, [0] UDP and [1] TCP, kept by
 * registry.c (registry_hints_update() after a change): tested per packet.
 */
extern uint8_t		 registry_hints[2][65536 / 8];
void			 registry_hints_update(void);

static inline int
registry_port_hinted(int transport, uint16_t port)
{
	return (registry_hints[transport == TRANSPORT_TCP][port >> 3] >>
	    (port & 7)) & 1;
}
int			 registry_add_port(const char *name, uint16_t port);
void			 registry_reset_ports(void);

#define TRANSPORT_MASK(t)	(1 << (t))

/*
 * dissectors/dcerpc.c: DCE/RPC PDUs that SMB carries in named-pipe
 * WRITE / READ / IOCTL payloads; emits with carrier "dcerpc".
 */
void			 dcerpc_pipe_data(struct dis_ctx *, const uint8_t *,
			    size_t);

#endif /* KS_DISSECTOR_H */
