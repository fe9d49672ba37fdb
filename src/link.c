/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * link.c - link-layer headers down to IP: Ethernet (IEEE 802.3) with
 * 802.1Q/802.1ad tags, Linux cooked v1/v2, BSD NULL/LOOP, raw IP.
 * Formats as documented at tcpdump.org/linktypes.html.
 */
#include "config.h"

#include <sys/socket.h>

#include <pcap/dlt.h>

#include "cur.h"
#include "engine.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define MAX_VLAN_TAGS	4

void	link_input(struct engine *, const struct pkt_meta *,
	    const uint8_t *, size_t);

static void	ethertype_input(struct engine *, const struct pkt_meta *,
		    struct cur *, uint16_t);
static void	null_input(struct engine *, const struct pkt_meta *,
		    struct cur *, int);

static const struct {
	int		 dlt;
	const char	*name;
} link_names[] = {
	{ DLT_NULL,		"NULL" },
	{ DLT_EN10MB,		"EN10MB" },
	{ DLT_RAW,		"RAW" },
	{ DLT_LOOP,		"LOOP" },
	{ DLT_LINUX_SLL,	"LINUX_SLL" },
	{ DLT_LINUX_SLL2,	"LINUX_SLL2" },
	{ DLT_IPV4,		"IPV4" },
	{ DLT_IPV6,		"IPV6" },
	{ 0,			NULL }
};

int
link_supported(int dlt)
{
	int i;

	for (i = 0; link_names[i].name != NULL; i++)
		if (link_names[i].dlt == dlt)
			return 1;
	return 0;
}

const char *
link_name(int dlt)
{
	int i;

	for (i = 0; link_names[i].name != NULL; i++)
		if (link_names[i].dlt == dlt)
			return link_names[i].name;
	return NULL;
}

/* Follows VLAN tags, then hands IPv4/IPv6 to the IP layer. */
static void
ethertype_input(struct engine *eng, const struct pkt_meta *pkt,
    struct cur *c, uint16_t type)
{
	int tags;

	for (tags = 0; type == ETH_VLAN || type == ETH_QINQ ||
	    type == ETH_QINQ_OLD; tags++) {
		if (tags == MAX_VLAN_TAGS) {
			eng->st.link_unknown++;
			return;
		}
		cur_skip(c, 2);		/* PCP, DEI, VLAN id */
		type = cur_get_be16(c);
	}
	if (c->err != 0) {
		eng->st.link_truncated++;
		return;
	}
	switch (type) {
	case ETH_IPV4:
		ip_input(eng, pkt, c->p, c->len, AF_INET);
		break;
	case ETH_IPV6:
		ip_input(eng, pkt, c->p, c->len, AF_INET6);
		break;
	default:
		eng->st.link_unknown++;
		break;
	}
}

/*
 * DLT_NULL carries the sender's AF_ value in host byte order, DLT_LOOP in
 * network byte order. AF_INET6 differs between systems (Linux 10, BSDs
 * 24/28/30, macOS 30).
 */
static void
null_input(struct engine *eng, const struct pkt_meta *pkt, struct cur *c,
    int loop)
{
	uint32_t fam;

	fam = loop ? cur_get_be32(c) : cur_get_le32(c);
	if (c->err != 0) {
		eng->st.link_truncated++;
		return;
	}
	if (!loop && (fam & 0xffff) == 0)
		/* written by a big-endian host */
		fam = (fam >> 24) | ((fam >> 8) & 0xff00);
	switch (fam) {
	case 2:
		ip_input(eng, pkt, c->p, c->len, AF_INET);
		break;
	case 10: case 24: case 28: case 30:
		ip_input(eng, pkt, c->p, c->len, AF_INET6);
		break;
	default:
		eng->st.link_unknown++;
		break;
	}
}

void
link_input(struct engine *eng, const struct pkt_meta *pkt,
    const uint8_t *p, size_t caplen)
{
	struct cur c;
	uint16_t type;

	cur_init(&c, p, caplen);
	switch (eng->linktype) {
	case DLT_EN10MB:
		cur_skip(&c, 12);	/* destination, source */
		type = cur_get_be16(&c);
		if (c.err != 0) {
			eng->st.link_truncated++;
			return;
		}
		if (type < 0x0600) {	/* 802.3 length: LLC, not IP */
			eng->st.link_unknown++;
			return;
		}
		ethertype_input(eng, pkt, &c, type);
		break;
	case DLT_LINUX_SLL:
		/* packet type, ARPHRD, address length, address[8] */
		cur_skip(&c, 14);
		type = cur_get_be16(&c);
		if (c.err != 0) {
			eng->st.link_truncated++;
			return;
		}
		ethertype_input(eng, pkt, &c, type);
		break;
	case DLT_LINUX_SLL2:
		type = cur_get_be16(&c);
		/* reserved, ifindex, ARPHRD, packet type, addr len, addr[8] */
		cur_skip(&c, 18);
		if (c.err != 0) {
			eng->st.link_truncated++;
			return;
		}
		ethertype_input(eng, pkt, &c, type);
		break;
	case DLT_NULL:
		null_input(eng, pkt, &c, 0);
		break;
	case DLT_LOOP:
		null_input(eng, pkt, &c, 1);
		break;
	case DLT_RAW:
		ip_input(eng, pkt, c.p, c.len, 0);
		break;
	case DLT_IPV4:
		ip_input(eng, pkt, c.p, c.len, AF_INET);
		break;
	case DLT_IPV6:
		ip_input(eng, pkt, c.p, c.len, AF_INET6);
		break;
	default:
		eng->st.link_unknown++;
		break;
	}
}
