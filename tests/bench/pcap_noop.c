/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pcap_noop.c - the floor for `make bench`: read a capture file with
 * libpcap and do nothing with the packets but count them. krbscope's
 * time on the same file is reported as a multiple of this loop's.
 * (libpcap: pcap_open_offline(3PCAP), pcap_loop(3PCAP).)
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE		/* u_char & co. in <pcap/pcap.h> */
#endif

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pcap/pcap.h>

static void
count_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	uint64_t	*n = (uint64_t *)(void *)user;

	(void)h;
	(void)bytes;
	(*n)++;
}

int
main(int argc, char **argv)
{
	char		 errbuf[PCAP_ERRBUF_SIZE];
	pcap_t		*p;
	uint64_t	 n = 0;
	int		 rc = EXIT_FAILURE;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_noop FILE\n");
		return EXIT_FAILURE;
	}
	errbuf[0] = '\0';
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "pcap_noop: %s\n", errbuf);
		goto out;
	}
	if (pcap_loop(p, -1, count_packet, (u_char *)&n) == PCAP_ERROR) {
		fprintf(stderr, "pcap_noop: %s\n", pcap_geterr(p));
		goto out_close;
	}
	printf("%" PRIu64 "\n", n);
	rc = EXIT_SUCCESS;
out_close:
	pcap_close(p);
out:
	return rc;
}
