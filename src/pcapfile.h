/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pcapfile.h - a block-reading reader of classic pcap files: records are
 * walked in place in a 1 MiB buffer instead of being read and copied one
 * by one (libpcap's reader), which is most of the cost of a large file.
 * pcapng, standard input and live capture stay with libpcap.
 */
#ifndef KS_PCAPFILE_H
#define KS_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct pcapfile;

struct pcapfile_rec {
	int64_t		 sec;
	long		 usec;
	uint32_t	 caplen;
	uint32_t	 wirelen;
	const uint8_t	*data;		/* valid until the next call */
};

/*
 * Opens path if it is a classic pcap file: 0 and *pf_out set; 1 if it is
 * something else (pcapng, ...: use libpcap); < 0 with err on an error.
 */
int	pcapfile_open(const char *path, struct pcapfile **pf_out, char *err,
	    size_t errsz);
int	pcapfile_linktype(const struct pcapfile *);	/* a DLT_ value */
int	pcapfile_snaplen(const struct pcapfile *);
/* 1: a record in *rec; 0: end of file; < 0: error described in err. */
int	pcapfile_next(struct pcapfile *, struct pcapfile_rec *rec, char *err,
	    size_t errsz);
void	pcapfile_close(struct pcapfile *);

#endif /* KS_PCAPFILE_H */
