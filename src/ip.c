/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * ip.c - IPv4 and IPv6 headers: checks, trimming to the claimed length,
 * extension header walk, hand-off to fragment reassembly and to UDP/TCP.
 * RFC 791 (IPv4), RFC 8200 (IPv6), RFC 4302 (AH), RFC 6946 (atomic
 * fragments).
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "cur.h"
#include "engine.h"
#include "flow.h"

#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_ESP		50
#define IP6_AH		51
#define IP6_NONE	59
#define IP6_DSTOPTS	60

#define IP6_MAX_EXT	8	/* extension headers we follow */
#define IP4_MIN_HDR	20
#define IP6_HDR		40
#define IP_MAX_LEN	65535

static void	ip4_input(struct engine *, const struct pkt_meta *,
		    const uint8_t *, size_t);
static void	ip6_input(struct engine *, const struct pkt_meta *,
		    const uint8_t *, size_t);
static void	ip6_chain(struct engine *, const struct pkt_meta *,
		    struct ip_info *, uint8_t, const uint8_t *, size_t,
		    size_t, int);
static int	is_l4(uint8_t);

static int
is_l4(uint8_t proto)
{
	return proto == IPPROTO_NUM_TCP || proto == IPPROTO_NUM_UDP;
}

void
ip_input(struct engine *eng, const struct pkt_meta *pkt, const uint8_t *p,
    size_t len, int family_hint)
{
	struct cur c;
	unsigned version;

	cur_init(&c, p, len);
	if (len == 0) {
		eng->st.ip_truncated++;
		return;
	}
	version = cur_peek_u8(&c, 0) >> 4;
	if (family_hint == 0)
		family_hint = version == 4 ? AF_INET :
		    version == 6 ? AF_INET6 : 0;
	if (family_hint == AF_INET)
		ip4_input(eng, pkt, p, len);
	else if (family_hint == AF_INET6)
		ip6_input(eng, pkt, p, len);
	else
		eng->st.ip_invalid++;
}

static void
ip4_input(struct engine *eng, const struct pkt_meta *pkt, const uint8_t *p,
    size_t len)
{
	struct ip_info ip;
	struct frag_in fr;
	struct cur c;
	size_t hlen, total, avail;
	uint16_t id, fo;
	uint8_t b0;
	const uint8_t *a;

	eng->st.ipv4++;
	cur_init(&c, p, len);
	b0 = cur_get_u8(&c);
	cur_skip(&c, 1);		/* DSCP, ECN */
	total = cur_get_be16(&c);
	id = cur_get_be16(&c);
	fo = cur_get_be16(&c);
	cur_skip(&c, 1);		/* TTL */
	memset(&ip, 0, sizeof(ip));
	ip.family = AF_INET;
	ip.proto = cur_get_u8(&c);
	cur_skip(&c, 2);		/* checksum: offloaded, not checked */
	if ((a = cur_get_bytes(&c, 4)) != NULL)
		memcpy(ip.src, a, 4);
	if ((a = cur_get_bytes(&c, 4)) != NULL)
		memcpy(ip.dst, a, 4);
	if (c.err != 0) {
		eng->st.ip_truncated++;
		return;
	}
	hlen = (size_t)(b0 & 0x0f) * 4;
	if ((b0 >> 4) != 4 || hlen < IP4_MIN_HDR) {
		eng->st.ip_invalid++;
		return;
	}
	if (hlen > len) {
		eng->st.ip_truncated++;
		return;
	}
	/*
	 * A total length of 0 is what a sender-side capture shows for a
	 * TCP segmentation offload super-packet: take what was captured.
	 */
	if (total == 0 && ip.proto == IPPROTO_NUM_TCP)
		total = len;
	if (total < hlen) {
		eng->st.ip_invalid++;
		return;
	}
	avail = total;
	if (total > len) {
		eng->st.ip_truncated++;
		avail = len;
	}
	/* options (hlen > 20) are skipped; Ethernet padding trimmed */
	if ((fo & 0x2000) != 0 || (fo & 0x1fff) != 0) {
		if (!is_l4(ip.proto)) {
			eng->st.ip_other_proto++;
			return;
		}
		if (avail < total) {
			/* a cut fragment cannot be reassembled */
			eng->st.frag_fragments++;
			eng->st.frag_dropped++;
			return;
		}
		memset(&fr, 0, sizeof(fr));
		fr.ip = ip;
		fr.id = id;
		fr.off = (uint32_t)(fo & 0x1fff) * 8;
		fr.more = (fo & 0x2000) != 0;
		fr.p = p + hlen;
		fr.len = total - hlen;
		fr.max_end = (uint32_t)(IP_MAX_LEN - hlen);
		defrag_input(eng, pkt, &fr);
		return;
	}
	if (!is_l4(ip.proto)) {
		eng->st.ip_other_proto++;
		return;
	}
	l4_input_claimed(eng, pkt, &ip, p + hlen, avail - hlen, total - hlen);
}

static void
ip6_input(struct engine *eng, const struct pkt_meta *pkt, const uint8_t *p,
    size_t len)
{
	struct ip_info ip;
	struct cur c;
	size_t plen, avail;
	uint32_t w;
	uint8_t nh;
	const uint8_t *a;

	eng->st.ipv6++;
	cur_init(&c, p, len);
	w = cur_get_be32(&c);
	plen = cur_get_be16(&c);
	nh = cur_get_u8(&c);
	cur_skip(&c, 1);		/* hop limit */
	memset(&ip, 0, sizeof(ip));
	ip.family = AF_INET6;
	if ((a = cur_get_bytes(&c, 16)) != NULL)
		memcpy(ip.src, a, 16);
	if ((a = cur_get_bytes(&c, 16)) != NULL)
		memcpy(ip.dst, a, 16);
	if (c.err != 0) {
		eng->st.ip_truncated++;
		return;
	}
	if ((w >> 28) != 6) {
		eng->st.ip_invalid++;
		return;
	}
	avail = len - IP6_HDR;
	if (plen == 0) {
		/*
		 * Jumbograms (RFC 2675) are not supported; a bare TCP
		 * header with length 0 is a segmentation offload capture.
		 */
		if (nh != IPPROTO_NUM_TCP) {
			eng->st.ip_invalid++;
			return;
		}
		plen = avail;
	}
	if (plen > avail)
		eng->st.ip_truncated++;
	else
		avail = plen;
	ip6_chain(eng, pkt, &ip, nh, p + IP6_HDR, avail, plen, 0);
}

/*
 * Walks the extension headers from next header nh over p (caplen bytes
 * captured of claimed on the wire) to UDP/TCP or a fragment header.
 * after_frag: this is the fragmentable part of a reassembled datagram.
 */
static void
ip6_chain(struct engine *eng, const struct pkt_meta *pkt,
    struct ip_info *ip, uint8_t nh, const uint8_t *p, size_t caplen,
    size_t claimed, int after_frag)
{
	struct frag_in fr;
	struct cur c;
	size_t hlen;
	uint16_t offm;
	uint8_t next, b1;
	int n;

	cur_init(&c, p, caplen);
	for (n = 0; n <= IP6_MAX_EXT; n++) {
		switch (nh) {
		case IPPROTO_NUM_TCP:
		case IPPROTO_NUM_UDP:
			ip->proto = nh;
			l4_input_claimed(eng, pkt, ip, c.p, c.len, claimed);
			return;
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
		case IP6_AH:
			next = cur_get_u8(&c);
			b1 = cur_get_u8(&c);
			if (nh == IP6_AH)
				hlen = ((size_t)b1 + 2) * 4;
			else
				hlen = ((size_t)b1 + 1) * 8;
			if (hlen > claimed) {
				eng->st.ip_invalid++;
				return;
			}
			cur_skip(&c, hlen - 2);
			if (c.err != 0)
				return;	/* cut short: ip_truncated counted */
			claimed -= hlen;
			nh = next;
			break;
		case IP6_FRAGMENT:
			next = cur_get_u8(&c);
			cur_skip(&c, 1);
			offm = cur_get_be16(&c);
			memset(&fr, 0, sizeof(fr));
			fr.id = cur_get_be32(&c);
			if (claimed < 8) {
				eng->st.ip_invalid++;
				return;
			}
			if (c.err != 0)
				return;	/* cut short: ip_truncated counted */
			claimed -= 8;
			if ((offm & 0xfff8) == 0 && (offm & 1) == 0) {
				/* atomic fragment: processed alone */
				nh = next;
				break;
			}
			if (after_frag || next == IP6_FRAGMENT) {
				eng->st.ip_invalid++;
				return;
			}
			if (next == IP6_ESP || next == IP6_NONE ||
			    (!is_l4(next) && next != IP6_DSTOPTS &&
			    next != IP6_ROUTING && next != IP6_AH &&
			    next != IP6_HOPOPTS)) {
				eng->st.ip_other_proto++;
				return;
			}
			if (c.len < claimed) {
				/* a cut fragment cannot be reassembled */
				eng->st.frag_fragments++;
				eng->st.frag_dropped++;
				return;
			}
			fr.ip = *ip;
			fr.ip.proto = next;
			fr.off = offm & 0xfff8;
			fr.more = offm & 1;
			fr.p = c.p;
			fr.len = claimed;
			/* the fragmentable part fits a 16-bit payload length */
			if ((size_t)(c.p - p) < IP_MAX_LEN)
				fr.max_end = (uint32_t)(IP_MAX_LEN -
				    (size_t)(c.p - p));
			defrag_input(eng, pkt, &fr);
			return;
		default:
			/* ESP, no next header, anything else */
			eng->st.ip_other_proto++;
			return;
		}
	}
	eng->st.ip_invalid++;		/* too many extension headers */
}

void
ip_reassembled(struct engine *eng, const struct pkt_meta *pkt,
    const struct ip_info *ip, const uint8_t *p, size_t len)
{
	struct ip_info in;

	in = *ip;
	if (in.family == AF_INET)
		l4_input_claimed(eng, pkt, &in, p, len, len);
	else
		ip6_chain(eng, pkt, &in, in.proto, p, len, len, 1);
}
