/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_capture.c - the default live filter compiles for every link type
 * krbscope reads, and keeps Kerberos and its carriers (TDS on any port,
 * fragments, VLAN-tagged traffic) while dropping unrelated traffic.
 */
#include "config.h"

#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "tap.h"

/* Builds Ethernet [+ VLAN] + IPv4 + UDP/TCP with payload into buf. */
static size_t
mkpkt(uint8_t *buf, int vlan, int proto, uint16_t sport, uint16_t dport,
    uint16_t frag, const uint8_t *pl, size_t plen)
{
	size_t o, l4, ip;

	memset(buf, 0, 1500);
	o = 12;
	if (vlan) {
		buf[o++] = 0x81;
		buf[o++] = 0x00;
		buf[o++] = 0x00;
		buf[o++] = 0x64;
	}
	buf[o++] = 0x08;
	buf[o++] = 0x00;
	ip = o;
	buf[o] = 0x45;
	l4 = (proto == 6 ? 20 : 8) + plen;
	buf[o + 2] = (uint8_t)((20 + l4) >> 8);
	buf[o + 3] = (uint8_t)(20 + l4);
	buf[o + 6] = (uint8_t)(frag >> 8);
	buf[o + 7] = (uint8_t)frag;
	buf[o + 8] = 64;
	buf[o + 9] = (uint8_t)proto;
	buf[o + 12] = 192; buf[o + 13] = 0; buf[o + 14] = 2; buf[o + 15] = 1;
	buf[o + 16] = 192; buf[o + 17] = 0; buf[o + 18] = 2; buf[o + 19] = 2;
	o = ip + 20;
	buf[o] = (uint8_t)(sport >> 8);
	buf[o + 1] = (uint8_t)sport;
	buf[o + 2] = (uint8_t)(dport >> 8);
	buf[o + 3] = (uint8_t)dport;
	if (proto == 6) {
		buf[o + 12] = 0x50;	/* data offset 5 */
		buf[o + 13] = 0x18;	/* PSH ACK */
		o += 20;
	} else {
		buf[o + 4] = (uint8_t)(l4 >> 8);
		buf[o + 5] = (uint8_t)l4;
		o += 8;
	}
	memcpy(buf + o, pl, plen);
	return o + plen;
}

static int
match(struct bpf_program *prog, const uint8_t *p, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)len;
	return pcap_offline_filter(prog, &h, p) != 0;
}

int
main(void)
{
	static const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
	    DLT_RAW, DLT_NULL };
	const uint8_t krb[] = { 0x6a, 0x03, 0x30, 0x01, 0x00 };
	const uint8_t prelogin[] = { 0x12, 0x01, 0x00, 0x2f, 0x00, 0x00, 0x01,
	    0x00, 0x00 };
	const uint8_t http[] = "GET / HTTP/1.1\r\n";
	struct bpf_program prog;
	uint8_t pkt[1500];
	size_t len;
	pcap_t *pd;
	size_t i;

	for (i = 0; i < sizeof(dlts) / sizeof(dlts[0]); i++) {
		pd = pcap_open_dead(dlts[i], 262144);
		ok(pd != NULL && pcap_compile(pd, &prog,
		    capture_default_filter(dlts[i]), 1,
		    PCAP_NETMASK_UNKNOWN) == 0,
		    "default filter compiles for %s",
		    pcap_datalink_val_to_name(dlts[i]));
		if (pd != NULL)
			pcap_freecode(&prog);
		if (pd != NULL)
			pcap_close(pd);
	}

	pd = pcap_open_dead(DLT_EN10MB, 262144);
	if (pcap_compile(pd, &prog, capture_default_filter(DLT_EN10MB), 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		ok(0, "compile for the matching tests");
		return done_testing();
	}
	len = mkpkt(pkt, 0, 17, 50000, 88, 0, krb, sizeof(krb));
	ok(match(&prog, pkt, len), "keeps UDP to port 88");
	len = mkpkt(pkt, 0, 6, 88, 50000, 0, krb, sizeof(krb));
	ok(match(&prog, pkt, len), "keeps TCP from port 88");
	len = mkpkt(pkt, 1, 17, 50000, 88, 0, krb, sizeof(krb));
	ok(match(&prog, pkt, len), "keeps VLAN-tagged UDP to port 88");
	len = mkpkt(pkt, 0, 6, 50000, 1433, 0, http, sizeof(http) - 1);
	ok(match(&prog, pkt, len), "keeps TCP to port 1433");
	len = mkpkt(pkt, 0, 6, 50000, 49721, 0, prelogin, sizeof(prelogin));
	ok(match(&prog, pkt, len),
	    "keeps a TDS pre-login to a dynamic port (named instance)");
	len = mkpkt(pkt, 1, 6, 50000, 49721, 0, prelogin, sizeof(prelogin));
	ok(match(&prog, pkt, len), "keeps a VLAN-tagged TDS pre-login");
	len = mkpkt(pkt, 0, 6, 50000, 5000, 0, http, sizeof(http) - 1);
	ok(!match(&prog, pkt, len), "drops HTTP to port 5000");
	len = mkpkt(pkt, 0, 17, 50000, 5353, 0, krb, sizeof(krb));
	ok(!match(&prog, pkt, len), "drops UDP to port 5353");
	len = mkpkt(pkt, 0, 17, 0, 0, 0x00b9, krb, sizeof(krb));
	ok(match(&prog, pkt, len), "keeps a non-first IPv4 fragment");
	len = mkpkt(pkt, 0, 17, 50000, 88, 0x2000, krb, sizeof(krb));
	ok(match(&prog, pkt, len), "keeps a first IPv4 fragment (MF)");
	pcap_freecode(&prog);
	pcap_close(pd);
	return done_testing();
}
