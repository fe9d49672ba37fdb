/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * wfile.c - -w FILE: the packets of the connections whose exchanges
 * failed (KRB-ERROR, refused by the carrier, no answer), written to a
 * pcap a colleague can open in Wireshark. The analysis notes each failed
 * exchange's connection; then the input file is read again and every
 * packet of those connections (both directions, all of the TCP
 * connection) is written, selected by a BPF program built from them.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "engine.h"
#include "model.h"
#include "util.h"
#include "wfile.h"

#define WF_MAX_CONNS	256	/* connections selected; more are
				 * counted and left out */

struct wconn {
	int		 family, transport;
	uint8_t		 a[16], b[16];
	uint16_t	 pa, pb;
};

struct wfile {
	struct wconn	 conn[WF_MAX_CONNS];
	int		 n;
	unsigned long	 left_out;
};

static int	same_conn(const struct wconn *, const struct wconn *);
static char	*build_filter(const struct wfile *);

struct wfile *
wfile_new(void)
{
	return xcalloc(1, sizeof(struct wfile));
}

void
wfile_free(struct wfile *wf)
{
	free(wf);
}

static int
same_conn(const struct wconn *x, const struct wconn *y)
{
	return x->family == y->family && x->transport == y->transport &&
	    x->pa == y->pa && x->pb == y->pb &&
	    memcmp(x->a, y->a, sizeof(x->a)) == 0 &&
	    memcmp(x->b, y->b, sizeof(x->b)) == 0;
}

void
wfile_note(struct wfile *wf, const struct exchange *x)
{
	if (x->result != XR_ERROR && x->result != XR_NO_ANSWER)
		return;
	/* steps of a normal logon, not failures: PREAUTH_REQUIRED (25),
	 * RESPONSE_TOO_BIG (52, retried over TCP) */
	if (x->result == XR_ERROR && x->has_error_code &&
	    (x->error_code == 25 || x->error_code == 52))
		return;
	wfile_add(wf, x);
}

void
wfile_add(struct wfile *wf, const struct exchange *x)
{
	struct wconn c;
	int i;

	memset(&c, 0, sizeof(c));
	c.family = x->family;
	c.transport = x->transport;
	memcpy(c.a, x->client, sizeof(c.a));
	memcpy(c.b, x->server, sizeof(c.b));
	c.pa = x->cport;
	c.pb = x->sport;
	for (i = 0; i < wf->n; i++)
		if (same_conn(&wf->conn[i], &c))
			return;
	if (wf->n == WF_MAX_CONNS) {
		wf->left_out++;
		return;
	}
	wf->conn[wf->n++] = c;
}

int
wfile_count(const struct wfile *wf)
{
	return wf->n;
}

unsigned long
wfile_left_out(const struct wfile *wf)
{
	return wf->left_out;
}

/*
 * "(tcp and host A and host B and port P and port Q) or ...", also
 * behind a VLAN tag; NULL when nothing was selected.
 */
static int	next_of_file(void *, struct pcap_pkthdr **, const u_char **);

static char *
build_filter(const struct wfile *wf)
{
	char a[64], b[64], one[256];
	char *f;
	size_t cap, len, n;
	int i;

	if (wf->n == 0)
		return NULL;
	cap = (size_t)wf->n * sizeof(one) + 1;
	f = xmalloc(cap);
	len = 0;
	f[0] = '\0';
	for (i = 0; i < wf->n; i++) {
		fmt_addr(a, sizeof(a), wf->conn[i].family, wf->conn[i].a);
		fmt_addr(b, sizeof(b), wf->conn[i].family, wf->conn[i].b);
		n = (size_t)snprintf(one, sizeof(one),
		    "%s(%s and host %s and host %s and port %u and port %u)",
		    i > 0 ? " or " : "", wf->conn[i].transport ==
		    TRANSPORT_TCP ? "tcp" : "udp", a, b, wf->conn[i].pa,
		    wf->conn[i].pb);
		if (n >= sizeof(one) || len + n + 1 > cap)
			break;
		memcpy(f + len, one, n + 1);
		len += n;
	}
	return f;
}

int
wfile_write(const struct wfile *wf, const char *in, const char *out_path,
    unsigned long *written_out, char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int rc;

	*written_out = 0;
	if ((pc = pcap_open_offline(in, ebuf)) == NULL) {
		snprintf(err, errsz, "-w: %s", ebuf);
		return -1;
	}
	rc = wfile_write_packets(wf, pc, next_of_file, pc, out_path,
	    written_out, err, errsz);
	pcap_close(pc);
	return rc;
}

static int
next_of_file(void *arg, struct pcap_pkthdr **hdr, const u_char **data)
{
	return pcap_next_ex((pcap_t *)arg, hdr, data) == 1;
}

int
wfile_write_packets(const struct wfile *wf, pcap_t *pc, wfile_next_fn next,
    void *arg, const char *out_path, unsigned long *written_out, char *err,
    size_t errsz)
{
	struct bpf_program prog, vprog;
	struct pcap_pkthdr *hdr;
	const u_char *data;
	pcap_dumper_t *d;
	char *expr, *vexpr;
	size_t vlen;
	int rc, have_vlan;

	*written_out = 0;
	/* an empty filter selects nothing: write a file with no packets */
	expr = build_filter(wf);
	have_vlan = 0;
	if (expr != NULL) {
		if (pcap_compile(pc, &prog, expr, 1,
		    PCAP_NETMASK_UNKNOWN) != 0) {
			snprintf(err, errsz, "-w: %s", pcap_geterr(pc));
			free(expr);
			return -1;
		}
		/* the same behind a VLAN tag ("vlan" compiles on
		 * Ethernet only) */
		vlen = strlen(expr) + 16;
		vexpr = xmalloc(vlen);
		snprintf(vexpr, vlen, "vlan and (%s)", expr);
		if (pcap_datalink(pc) == DLT_EN10MB && pcap_compile(pc, &vprog,
		    vexpr, 1, PCAP_NETMASK_UNKNOWN) == 0)
			have_vlan = 1;
		free(vexpr);
	}
	if ((d = pcap_dump_open(pc, out_path)) == NULL) {
		snprintf(err, errsz, "-w: %s", pcap_geterr(pc));
		rc = -1;
		goto out;
	}
	while (expr != NULL && next(arg, &hdr, &data)) {
		if (pcap_offline_filter(&prog, hdr, data) ||
		    (have_vlan && pcap_offline_filter(&vprog, hdr, data))) {
			pcap_dump((u_char *)d, hdr, data);
			(*written_out)++;
		}
	}
	pcap_dump_close(d);
	rc = 0;
out:
	if (expr != NULL)
		pcap_freecode(&prog);
	if (have_vlan)
		pcap_freecode(&vprog);
	free(expr);
	return rc;
}
