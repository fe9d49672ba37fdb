/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * capture.c - libpcap: offline files (.pcap, .pcapng, stdin) and live
 * interfaces, BPF filters, the read loop, signals, privilege drop
 * (pcap(3PCAP), pcap_create(3PCAP), pcap_offline_filter(3PCAP)).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "pcapfile.h"
#include "util.h"
#include "wfile.h"

#define DEFAULT_SNAPLEN	262144

struct capture {
	pcap_t			*pc;	/* a dead handle with pf */
	struct pcapfile		*pf;	/* classic pcap file: our reader */
	int			 live;
	int			 offline_filter;	/* filter in userland */
	struct bpf_program	 prog;
	int			 have_prog;
	char			*filter;
	struct engine		*eng;		/* borrowed during run */
	long			 count, seen;
	uint64_t		 frame;
	int			 stop;	/* -c reached */
	struct capture_hook	 hook;
	int			 have_hook;
	/* the hooked file loop: a record read but not yet due */
	struct pcapfile_rec	 rec;
	int			 have_rec;
	int64_t			 file0_ms;	/* the file's first time */
	/* the last packets, kept for the live view's 'w' */
	struct kept		*kept;	/* ring of KEEP_PKTS, or NULL */
	int			 kept_head, kept_n;
	size_t			 kept_bytes;
};

#define KEEP_PKTS	8192
#define KEEP_BYTES	(16 * 1024 * 1024)

struct kept {
	struct pcap_pkthdr	 h;
	u_char			*data;	/* owned, h.caplen bytes */
};

struct kept_iter {
	struct capture		*cap;
	int			 i;
};

static pcap_t * volatile	 active;	/* for the signal handler */
static volatile sig_atomic_t	 interrupted;

/*
 * The default live filter keeps Kerberos and the protocols that carry it
 * on their well-known ports, plus TDS packets on any port (SQL Server
 * named instances listen on dynamic ports: a TDS header has a known packet
 * type and a zero window byte), GSS-API tokens on any port, plus IP
 * fragments (a non-first fragment has no ports), each also behind VLAN
 * tags.
 */
#define KRB_PORTS \
	"port 88 or port 464 or port 53 or port 135 or port 139 or " \
	"port 445 or port 389 or port 3268 or port 80 or port 8080 or " \
	"port 5985 or port 1433 or port 1434"
#define TDS_ANY_PORT \
	"(tcp and (tcp[((tcp[12] & 0xf0) >> 2)] = 0x12 or " \
	"tcp[((tcp[12] & 0xf0) >> 2)] = 0x10 or " \
	"tcp[((tcp[12] & 0xf0) >> 2)] = 0x11 or " \
	"tcp[((tcp[12] & 0xf0) >> 2)] = 0x04) and " \
	"tcp[((tcp[12] & 0xf0) >> 2) + 7] = 0)"
/*
 * A GSS-API initial-context token (tag 0x60) at the start of a segment's
 * payload, or behind a 4-byte length or MIT's flag byte and length: the
 * custom applications' streams (dissectors/gss.c) on any port.
 */
#define GSS_ANY_PORT \
	"(tcp and (tcp[((tcp[12] & 0xf0) >> 2)] = 0x60 or " \
	"tcp[((tcp[12] & 0xf0) >> 2) + 4] = 0x60 or " \
	"tcp[((tcp[12] & 0xf0) >> 2) + 5] = 0x60))"
#define FRAGMENTS \
	"(ip and ip[6:2] & 0x3fff != 0) or (ip6 and ip6[6] = 44)"
#define BASE_FILTER	KRB_PORTS " or " TDS_ANY_PORT " or " GSS_ANY_PORT \
	" or " FRAGMENTS

/* "vlan" only compiles on Ethernet. */
static const char default_filter_eth[] =
    "(" BASE_FILTER ") or (vlan and (" BASE_FILTER "))";
static const char default_filter[] = BASE_FILTER;

static void	on_signal(int);
static void	on_packet(u_char *, const struct pcap_pkthdr *,
		    const u_char *);
static int	run_pcapfile(struct capture *, char *, size_t);
static int	run_hooked(struct capture *, char *, size_t);
static int	read_batch(struct capture *, int64_t, int64_t *, int *,
		    char *, size_t);
static int64_t	mono_ms(void);
static void	keep_packet(struct capture *, const struct pcap_pkthdr *,
		    const u_char *);
static int	kept_next(void *, struct pcap_pkthdr **, const u_char **);
static int	drop_privileges(const char *, char *, size_t);

const char *
capture_default_filter(int dlt)
{
	return dlt == DLT_EN10MB ? default_filter_eth : default_filter;
}

static void
on_signal(int sig)
{
	pcap_t *pc;

	(void)sig;
	interrupted = 1;
	if ((pc = active) != NULL)
		pcap_breakloop(pc);
}

int
capture_interrupted(void)
{
	return interrupted != 0;
}

static int
drop_privileges(const char *user, char *err, size_t errsz)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errsz, "unknown user \"%s\" for -Z", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		snprintf(err, errsz, "cannot change to user \"%s\": %s", user,
		    strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 && pw->pw_uid != 0) {
		snprintf(err, errsz, "privileges could not be dropped");
		return -1;
	}
	return 0;
}

int
capture_open(const struct capture_opts *o, struct capture **cap_out,
    char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct capture *cap;
	struct sigaction sa;
	int rc;

	*cap_out = NULL;
	cap = xcalloc(1, sizeof(*cap));
	ebuf[0] = '\0';
	rc = -1;
	if (o->file != NULL) {
		/* a classic pcap file is read by pcapfile.c; the rest
		 * (pcapng, standard input) by libpcap */
		rc = strcmp(o->file, "-") == 0 ? 1 :
		    pcapfile_open(o->file, &cap->pf, err, errsz);
		if (rc < 0)
			goto out;
		if (rc == 0)
			cap->pc = pcap_open_dead(pcapfile_linktype(cap->pf),
			    pcapfile_snaplen(cap->pf) > 0 ?
			    pcapfile_snaplen(cap->pf) : DEFAULT_SNAPLEN);
		else
			cap->pc = pcap_open_offline(o->file, ebuf);
		rc = -1;
		if (cap->pc == NULL) {
			snprintf(err, errsz, "%s: %s", o->file, ebuf);
			goto out;
		}
	} else {
		cap->live = 1;
		if ((cap->pc = pcap_create(o->iface, ebuf)) == NULL) {
			snprintf(err, errsz, "%s: %s", o->iface, ebuf);
			goto out;
		}
		pcap_set_snaplen(cap->pc, o->snaplen > 0 ? o->snaplen :
		    DEFAULT_SNAPLEN);
		pcap_set_promisc(cap->pc, !o->no_promisc);
		pcap_set_immediate_mode(cap->pc, 1);
		pcap_set_timeout(cap->pc, 100);
		if (o->bufsize_kib > 0)
			pcap_set_buffer_size(cap->pc, o->bufsize_kib * 1024);
		rc = pcap_activate(cap->pc);
		if (rc < 0) {
			snprintf(err, errsz, "%s: %s%s%s", o->iface,
			    pcap_statustostr(rc), rc == PCAP_ERROR ||
			    rc == PCAP_ERROR_NO_SUCH_DEVICE ||
			    rc == PCAP_ERROR_PERM_DENIED ? ": " : "",
			    rc == PCAP_ERROR || rc == PCAP_ERROR_NO_SUCH_DEVICE
			    || rc == PCAP_ERROR_PERM_DENIED ?
			    pcap_geterr(cap->pc) : "");
			rc = -1;
			goto out;
		}
		if (rc > 0)	/* a warning */
			fprintf(stderr, "krbscope: %s: %s\n", o->iface,
			    pcap_statustostr(rc));
		rc = -1;
	}
	if (!link_supported(pcap_datalink(cap->pc))) {
		snprintf(err, errsz, "unsupported link type %s (%d): krbscope "
		    "reads Ethernet, Linux cooked (SLL, SLL2), NULL/loopback "
		    "and raw IP", pcap_datalink_val_to_name(
		    pcap_datalink(cap->pc)) != NULL ?
		    pcap_datalink_val_to_name(pcap_datalink(cap->pc)) : "?",
		    pcap_datalink(cap->pc));
		goto out;
	}
	cap->filter = xstrdup(o->filter != NULL ? o->filter :
	    cap->live ? capture_default_filter(pcap_datalink(cap->pc)) : "");
	if (cap->filter[0] != '\0') {
		if (pcap_compile(cap->pc, &cap->prog, cap->filter, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errsz, "filter \"%s\": %s", cap->filter,
			    pcap_geterr(cap->pc));
			goto out;
		}
		cap->have_prog = 1;
		/* On a file, filter here so that frame numbers stay those
		 * of the file, as Wireshark shows them. */
		if (cap->live) {
			if (pcap_setfilter(cap->pc, &cap->prog) != 0) {
				snprintf(err, errsz, "filter: %s",
				    pcap_geterr(cap->pc));
				goto out;
			}
		} else
			cap->offline_filter = 1;
	}
	if (o->user != NULL && drop_privileges(o->user, err, errsz) != 0)
		goto out;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	*cap_out = cap;
	cap = NULL;
	rc = 0;
out:
	capture_close(cap);
	return rc;
}

int
capture_linktype(const struct capture *cap)
{
	return pcap_datalink(cap->pc);
}

const char *
capture_filter(const struct capture *cap)
{
	return cap->filter != NULL && cap->filter[0] != '\0' ? cap->filter :
	    NULL;
}

static void
on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *p)
{
	struct capture *cap = (struct capture *)arg;
	struct pkt_meta pkt;

	cap->frame++;
	if (cap->offline_filter &&
	    pcap_offline_filter(&cap->prog, h, p) == 0)
		return;
	if (cap->kept != NULL)
		keep_packet(cap, h, p);
	pkt.frame = cap->frame;
	pkt.ts.tv_sec = h->ts.tv_sec;
	pkt.ts.tv_usec = h->ts.tv_usec;
	pkt.caplen = h->caplen;
	pkt.wirelen = h->len;
	engine_packet(cap->eng, &pkt, p, h->caplen);
	if (cap->count > 0 && ++cap->seen >= cap->count) {
		cap->stop = 1;
		pcap_breakloop(cap->pc);
	}
}

/* The read loop over pcapfile.c's records. */
static int
run_pcapfile(struct capture *cap, char *err, size_t errsz)
{
	struct pcapfile_rec rec;
	struct pcap_pkthdr h;
	int rc;

	while (!interrupted && !cap->stop) {
		if ((rc = pcapfile_next(cap->pf, &rec, err, errsz)) <= 0)
			return rc;
		h.ts.tv_sec = (time_t)rec.sec;
		h.ts.tv_usec = (suseconds_t)rec.usec;
		h.caplen = rec.caplen;
		h.len = rec.wirelen;
		on_packet((u_char *)cap, &h, rec.data);
	}
	return 0;
}

void
capture_keep(struct capture *cap)
{
	if (cap->kept == NULL)
		cap->kept = xcalloc(KEEP_PKTS, sizeof(*cap->kept));
}

/* The packet into the ring, the oldest out to stay within its bounds. */
static void
keep_packet(struct capture *cap, const struct pcap_pkthdr *h,
    const u_char *p)
{
	struct kept *k;

	if (h->caplen > KEEP_BYTES / 4)
		return;
	while (cap->kept_n > 0 && (cap->kept_n == KEEP_PKTS ||
	    cap->kept_bytes + h->caplen > KEEP_BYTES)) {
		k = &cap->kept[cap->kept_head];
		cap->kept_bytes -= k->h.caplen;
		free(k->data);
		k->data = NULL;
		cap->kept_head = (cap->kept_head + 1) % KEEP_PKTS;
		cap->kept_n--;
	}
	k = &cap->kept[(cap->kept_head + cap->kept_n) % KEEP_PKTS];
	k->h = *h;
	k->data = xmalloc(h->caplen > 0 ? h->caplen : 1);
	memcpy(k->data, p, h->caplen);
	cap->kept_bytes += h->caplen;
	cap->kept_n++;
}

static int
kept_next(void *arg, struct pcap_pkthdr **hdr, const u_char **data)
{
	struct kept_iter *it = arg;
	struct kept *k;

	if (it->i >= it->cap->kept_n)
		return 0;
	k = &it->cap->kept[(it->cap->kept_head + it->i++) % KEEP_PKTS];
	*hdr = &k->h;
	*data = k->data;
	return 1;
}

int
capture_write_kept(struct capture *cap, const struct wfile *wf,
    const char *path, unsigned long *n, char *err, size_t errsz)
{
	struct kept_iter it;

	*n = 0;
	if (cap->kept == NULL) {
		snprintf(err, errsz, "no packets kept");
		return -1;
	}
	it.cap = cap;
	it.i = 0;
	return wfile_write_packets(wf, cap->pc, kept_next, &it, path, n, err,
	    errsz);
}

void
capture_set_hook(struct capture *cap, const struct capture_hook *h)
{
	cap->hook = *h;
	cap->have_hook = h != NULL && h->poll != NULL;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Some packets, never waiting on the wire: live, what the non-blocking
 * descriptor has; from a file, up to 2000 packets or 20 ms, and with
 * realtime only those whose time has come (*wait_ms: how long until the
 * next). 1 when a file ended, 0 on, -1 an error.
 */
static int
read_batch(struct capture *cap, int64_t t0, int64_t *wait_ms, int *first,
    char *err, size_t errsz)
{
	struct pcapfile_rec *rec = &cap->rec;
	struct pcap_pkthdr h;
	int64_t start, due;
	int n, rc;

	*wait_ms = 0;
	if (cap->live || cap->pf == NULL) {
		rc = pcap_dispatch(cap->pc, cap->live ? -1 : 256, on_packet,
		    (u_char *)cap);
		if (rc == PCAP_ERROR) {
			snprintf(err, errsz, "%s", pcap_geterr(cap->pc));
			return -1;
		}
		return !cap->live && rc == 0 ? 1 : 0;
	}
	start = mono_ms();
	for (n = 0; n < 2000 && !cap->stop; n++) {
		if (!cap->have_rec) {
			if ((rc = pcapfile_next(cap->pf, rec, err,
			    errsz)) < 0)
				return -1;
			if (rc == 0)
				return 1;
			cap->have_rec = 1;
		}
		if (cap->hook.realtime) {
			if (*first) {
				cap->file0_ms = rec->sec * 1000 +
				    rec->usec / 1000;
				*first = 0;
			}
			due = rec->sec * 1000 + rec->usec / 1000 -
			    cap->file0_ms;
			if (due > mono_ms() - t0) {
				*wait_ms = due - (mono_ms() - t0);
				return 0;
			}
		}
		h.ts.tv_sec = (time_t)rec->sec;
		h.ts.tv_usec = (suseconds_t)rec->usec;
		h.caplen = rec->caplen;
		h.len = rec->wirelen;
		cap->have_rec = 0;
		on_packet((u_char *)cap, &h, rec->data);
		if ((n & 63) == 63 && mono_ms() - start >= 20)
			break;
	}
	return 0;
}

/* The read loop with a screen beside it (struct capture_hook). */
static int
run_hooked(struct capture *cap, char *err, size_t errsz)
{
	struct pollfd pfd[2];
	struct timeval now;
	int64_t t0, last_ui, last_tick, wait;
	int nfd, input, ended, first, rc, timeout;

	if (cap->live && pcap_setnonblock(cap->pc, 1, err) != 0)
		return -1;
	t0 = mono_ms();
	last_ui = last_tick = 0;
	ended = 0;
	first = 1;
	wait = 0;
	while (!interrupted && !cap->stop) {
		nfd = 0;
		pfd[nfd].fd = cap->hook.input_fd;
		pfd[nfd++].events = POLLIN;
		if (cap->live && pcap_get_selectable_fd(cap->pc) >= 0) {
			pfd[nfd].fd = pcap_get_selectable_fd(cap->pc);
			pfd[nfd++].events = POLLIN;
		}
		/* a file: only input can wait, and the realtime pace */
		timeout = cap->live ? 100 : ended ? 250 : (int)(wait > 50 ?
		    50 : wait);
		if (poll(pfd, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			break;
		input = (pfd[0].revents & (POLLIN | POLLHUP)) != 0;
		if (input || mono_ms() - last_ui >= 250) {
			if (cap->hook.poll(cap->hook.arg, input))
				break;
			last_ui = mono_ms();
		}
		if (ended)
			continue;
		if ((rc = read_batch(cap, t0, &wait, &first, err,
		    errsz)) < 0)
			return -1;
		if (rc == 1) {
			ended = 1;
			if (!cap->hook.hold)
				break;
		}
		if (cap->live && mono_ms() - last_tick >= 100) {
			gettimeofday(&now, NULL);
			engine_idle(cap->eng, &now);
			last_tick = mono_ms();
		}
	}
	return 0;
}

int
capture_run(struct capture *cap, struct engine *eng, long count, char *err,
    size_t errsz)
{
	struct timeval now;
	int rc;

	cap->eng = eng;
	cap->count = count;
	eng->linktype = pcap_datalink(cap->pc);
	active = cap->pc;
	rc = 0;
	if (cap->have_hook) {
		rc = run_hooked(cap, err, errsz);
		active = NULL;
		cap->eng = NULL;
		return rc < 0 ? -1 : 0;
	}
	if (cap->pf != NULL) {
		rc = run_pcapfile(cap, err, errsz);
		active = NULL;
		cap->eng = NULL;
		return rc < 0 ? -1 : 0;
	}
	if (!cap->live) {
		/* pcapng and standard input, through libpcap */
		if (!interrupted)
			rc = pcap_loop(cap->pc, -1, on_packet,
			    (u_char *)cap);
	} else {
		/* a batch at a time (the read timeout ends one every 100
		 * ms at most), then the clock goes to the engine */
		while (!interrupted && !cap->stop) {
			rc = pcap_dispatch(cap->pc, -1, on_packet,
			    (u_char *)cap);
			if (rc == PCAP_ERROR || rc == PCAP_ERROR_BREAK)
				break;
			gettimeofday(&now, NULL);
			engine_idle(eng, &now);
		}
	}
	active = NULL;
	cap->eng = NULL;
	if (rc == PCAP_ERROR) {
		snprintf(err, errsz, "%s", pcap_geterr(cap->pc));
		return -1;
	}
	return 0;
}

void
capture_stats(struct capture *cap, struct stats *st)
{
	struct pcap_stat ps;

	if (!cap->live || pcap_stats(cap->pc, &ps) != 0)
		return;
	st->have_pcap_stats = 1;
	st->pcap_recv = ps.ps_recv;
	st->pcap_drop = ps.ps_drop;
	st->pcap_ifdrop = ps.ps_ifdrop;
}

void
capture_close(struct capture *cap)
{
	if (cap == NULL)
		return;
	while (cap->kept != NULL && cap->kept_n > 0) {
		free(cap->kept[cap->kept_head].data);
		cap->kept_head = (cap->kept_head + 1) % KEEP_PKTS;
		cap->kept_n--;
	}
	free(cap->kept);
	if (cap->have_prog)
		pcap_freecode(&cap->prog);
	if (cap->pc != NULL)
		pcap_close(cap->pc);
	pcapfile_close(cap->pf);
	free(cap->filter);
	free(cap);
}

int
capture_list_interfaces(FILE *fp, char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int i;

	if (pcap_findalldevs(&all, ebuf) != 0) {
		snprintf(err, errsz, "%s", ebuf);
		return -1;
	}
	for (i = 1, d = all; d != NULL; d = d->next, i++)
		fprintf(fp, "%d.%s%s%s%s\n", i, d->name,
		    d->description != NULL ? " (" : "",
		    d->description != NULL ? d->description : "",
		    d->description != NULL ? ")" : "");
	pcap_freealldevs(all);
	return 0;
}
