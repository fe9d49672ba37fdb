/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * wfile.h - -w FILE: the packets of the connections whose exchanges
 * failed, written to a pcap for Wireshark.
 */
#ifndef KS_WFILE_H
#define KS_WFILE_H

#include <pcap/pcap.h>

#include "model.h"

struct wfile;

struct wfile	*wfile_new(void);
void		 wfile_free(struct wfile *);
/* An exchange is over: remember its connection if it failed. */
void		 wfile_note(struct wfile *, const struct exchange *);
/* The exchange's connection, whatever its result. */
void		 wfile_add(struct wfile *, const struct exchange *);
int		 wfile_count(const struct wfile *);	/* connections */
unsigned long	 wfile_left_out(const struct wfile *);	/* past the cap */
/*
 * Reads the capture file in again and writes to out_path every packet of
 * the connections noted (all of them, both directions). 0 or -1 (err).
 */
int		 wfile_write(const struct wfile *, const char *in,
		    const char *out_path, unsigned long *written_out,
		    char *err, size_t errsz);

/* The same from any packets: next hands the next one (0: no more);
 * pc compiles the filter and names the link type of the file. */
typedef int	(*wfile_next_fn)(void *arg, struct pcap_pkthdr **,
		    const u_char **);
int		 wfile_write_packets(const struct wfile *, pcap_t *pc,
		    wfile_next_fn next, void *arg, const char *out_path,
		    unsigned long *written_out, char *err, size_t errsz);

#endif /* KS_WFILE_H */
