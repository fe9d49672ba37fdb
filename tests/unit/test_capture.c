/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_capture.c - the default live filter compiles for every link type
 * krbscope reads, and keeps Kerberos and its carriers (TDS on any port,
 * fragments, VLAN-tagged traffic) while dropping unrelated traffic. The
 * file reader returns every record of a file larger than its buffer
 * whole and in order, in both byte orders, and tells a cut last record
 * and an impossible length apart.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "pcapfile.h"
#include "tap.h"

#define RD_RECORDS	3000

static void	put32(uint8_t *, uint32_t, int);
static void	put_words(FILE *, int, int, ...);
static size_t	rec_len(int);
static int	write_file(char *, int, int, int);
static void	test_reader(int, int);
static void	test_reader_errors(void);

static void
put32(uint8_t *p, uint32_t v, int big)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(big ? v >> (24 - 8 * i) : v >> (8 * i));
}

/* n 32-bit words (unsigned int arguments) in the byte order. */
static void
put_words(FILE *fp, int big, int n, ...)
{
	uint8_t b[4];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		put32(b, (uint32_t)va_arg(ap, unsigned), big);
		fwrite(b, 1, 4, fp);
	}
	va_end(ap);
}

/* Record i's length: mostly packets, now and then a large one (up to
 * 200 KB), so records straddle the reader's buffer refills. */
static size_t
rec_len(int i)
{
	if (i % 97 == 5)
		return 200000 - (size_t)i;
	if (i % 13 == 0)
		return 9000 + (size_t)i;
	return 60 + (size_t)(i * 37 % 1400);
}

/*
 * RD_RECORDS records (byte j of record i is (i + j) & 0xff) into a new
 * pcap file, or pcapng with ng; cut: the last record loses its end. Its
 * path into path.
 */
static int
write_file(char *path, int big, int cut, int ng)
{
	static uint8_t data[200000 + 4];
	static const uint8_t zero[4];
	uint64_t ts;
	size_t n, j, pad;
	FILE *fp;
	int fd, i;

	strcpy(path, "/tmp/ks-rdXXXXXX");
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "wb")) == NULL)
		return -1;
	/* pcapng: SHB (version 1.0, section length unknown), one IDB
	 * (Ethernet); pcap: the header, version 2.4, Ethernet */
	if (ng)
		put_words(fp, big, 12, 0x0a0d0d0a, 28, 0x1a2b3c4d,
		    big ? 0x00010000 : 1, 0xffffffff, 0xffffffff, 28,
		    1, 20, big ? 0x00010000 : 1, 262144, 20);
	else
		put_words(fp, big, 6, 0xa1b2c3d4, big ? 0x00020004 :
		    0x00040002, 0, 0, 262144, 1);
	for (i = 0; i < RD_RECORDS; i++) {
		n = rec_len(i);
		for (j = 0; j < n; j++)
			data[j] = (uint8_t)(i + j);
		pad = ng ? (4 - n % 4) % 4 : 0;
		ts = (1700000000ULL + (uint64_t)i) * 1000000 + (uint64_t)i * 7;
		if (ng)		/* an EPB on interface 0, microseconds */
			put_words(fp, big, 7, 6, (uint32_t)(32 + n + pad), 0,
			    (uint32_t)(ts >> 32), (uint32_t)ts, (uint32_t)n,
			    (uint32_t)n + 4);
		else
			put_words(fp, big, 4, 1700000000u + (uint32_t)i,
			    (uint32_t)i * 7, (uint32_t)n, (uint32_t)n + 4);
		if (cut && i == RD_RECORDS - 1) {
			fwrite(data, 1, n / 2, fp);
			break;
		}
		fwrite(data, 1, n, fp);
		if (ng) {
			fwrite(zero, 1, pad, fp);
			put_words(fp, big, 1, (uint32_t)(32 + n + pad));
		}
	}
	return fclose(fp);
}

static void
test_reader(int big, int ng)
{
	struct pcapfile *pf;
	struct pcapfile_rec r;
	char path[64], err[256];
	size_t j, bytes;
	int i, rc, bad;

	if (write_file(path, big, 0, ng) != 0) {
		ok(0, "reader: write a test file");
		return;
	}
	ok(pcapfile_open(path, &pf, err, sizeof(err)) == 0,
	    "reader (%s, %s-endian): opens", ng ? "pcapng" : "pcap",
	    big ? "big" : "little");
	bad = 0;
	bytes = 0;
	for (i = 0; (rc = pcapfile_next(pf, &r, err, sizeof(err))) == 1;
	    i++) {
		if (r.caplen != rec_len(i) || r.wirelen != r.caplen + 4 ||
		    r.sec != 1700000000 + i || r.usec != i * 7) {
			bad++;
			continue;
		}
		for (j = 0; j < r.caplen; j++)
			if (r.data[j] != (uint8_t)(i + j))
				break;
		bad += j != r.caplen;
		bytes += r.caplen;
	}
	ok(rc == 0 && i == RD_RECORDS && bad == 0,
	    "reader (%s, %s-endian): %d records of %zu bytes, all whole and "
	    "in order (%d wrong, end %d)", ng ? "pcapng" : "pcap",
	    big ? "big" : "little", i, bytes, bad, rc);
	ok(bytes > 4 * 1024 * 1024, "reader: the file is larger than the "
	    "reader's buffer");
	pcapfile_close(pf);
	unlink(path);
}

static void
test_reader_errors(void)
{
	struct pcapfile *pf;
	struct pcapfile_rec r;
	char path[64], err[256];
	FILE *fp;
	int i, rc, ng;

	for (ng = 0; ng < 2; ng++) {
		if (write_file(path, 0, 1, ng) != 0 ||
		    pcapfile_open(path, &pf, err, sizeof(err)) != 0) {
			ok(0, "reader: a cut file");
			return;
		}
		for (i = 0; (rc = pcapfile_next(pf, &r, err,
		    sizeof(err))) == 1; i++)
			;
		ok(rc == -1 && i == RD_RECORDS - 1 && strstr(err,
		    "truncated") != NULL, "reader (%s): the cut last record "
		    "is an error after %d whole ones: %s",
		    ng ? "pcapng" : "pcap", i, err);
		pcapfile_close(pf);
		unlink(path);
	}
	/* whole records, then one that claims more than any snaplen */
	if (write_file(path, 0, 0, 0) != 0 || (fp = fopen(path, "ab")) ==
	    NULL) {
		ok(0, "reader: rewrite");
		return;
	}
	put_words(fp, 0, 4, 1, 0, 0x7fffffff, 0x7fffffff);
	fclose(fp);
	if (pcapfile_open(path, &pf, err, sizeof(err)) != 0) {
		ok(0, "reader: open the corrupt file");
		return;
	}
	for (i = 0; (rc = pcapfile_next(pf, &r, err, sizeof(err))) == 1;
	    i++)
		;
	ok(rc == -1 && i == RD_RECORDS && strstr(err, "corrupt") != NULL,
	    "reader: an impossible length is an error after %d records: %s",
	    i, err);
	pcapfile_close(pf);
	unlink(path);
}

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

	test_reader(0, 0);
	test_reader(1, 0);
	test_reader(0, 1);
	test_reader(1, 1);
	test_reader_errors();
	return done_testing();
}
