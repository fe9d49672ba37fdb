/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * capture.h - libpcap: offline files (.pcap, .pcapng, stdin) and live
 * interfaces, BPF filters, the read loop, signals, privilege drop.
 */
#ifndef KS_CAPTURE_H
#define KS_CAPTURE_H

#include <stdio.h>

#include "engine.h"

struct capture_opts {
	const char	*file;		/* -r, "-" for stdin */
	const char	*iface;		/* -i */
	const char	*filter;	/* -f or trailing words, or NULL */
	int		 snaplen;	/* -s, 0: 262144 */
	int		 bufsize_kib;	/* -B, 0: libpcap's default */
	int		 no_promisc;	/* -p */
	const char	*user;		/* -Z */
};

struct capture;

int		 capture_open(const struct capture_opts *, struct capture **,
		    char *err, size_t errsz);
int		 capture_linktype(const struct capture *);
const char	*capture_filter(const struct capture *);	/* in use */
/* Reads until the end, count packets (0: no limit) or a signal. */
int		 capture_run(struct capture *, struct engine *, long count,
		    char *err, size_t errsz);
int		 capture_interrupted(void);

/*
 * A screen beside the capture (the live view): poll is called about
 * every 250 ms of wall time and at once when standard input has
 * something to read (input 1); it returns 1 to stop. The loop never
 * waits on it: packets are read in batches between calls (live: a
 * non-blocking descriptor). A file is read as fast as it goes, or with
 * realtime at the pace of its timestamps; with hold the loop keeps
 * calling poll after the end of a file until it says stop.
 */
struct capture_hook {
	int		(*poll)(void *arg, int input);
	void		*arg;
	int		 realtime;
	int		 hold;
	int		 input_fd;	/* where input shows (0: stdin) */
};
void		 capture_set_hook(struct capture *,
		    const struct capture_hook *);
/* Keep the last packets read (at most 8192 and 16 MiB), for
 * capture_write_kept(): the live view's 'w'. */
struct wfile;
void		 capture_keep(struct capture *);
int		 capture_write_kept(struct capture *, const struct wfile *,
		    const char *path, unsigned long *written, char *err,
		    size_t errsz);
void		 capture_stats(struct capture *, struct stats *);
void		 capture_close(struct capture *);
const char	*capture_default_filter(int dlt);
int		 capture_list_interfaces(FILE *, char *err, size_t errsz);

#endif /* KS_CAPTURE_H */
