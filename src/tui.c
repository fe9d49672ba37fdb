/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tui.c - the live view. Four panes (exchanges, findings, clients,
 * services) over what the model and the diagnosis hand over, a detail
 * view with a ladder diagram, a filter, pause, clear, help, and 'w' to
 * write a connection's packets. Redrawn at most four times a second by
 * the capture loop's hook (capture_hook): it never holds up the packets.
 * ncurses only rewrites the cells that changed.
 */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "asn1ref.h"
#include "krb.h"
#include "tui.h"
#include "util.h"
#include "wfile.h"

#define RING		2048	/* exchanges and NTLM logins kept */
#define MAX_AGG		512	/* clients, services */
#define TK_NTLM		1000	/* a row's kind: an NTLM login */
#define DRAW_MS		250
#define RAW_RING	512	/* messages whose bytes are kept */
#define RAW_MAX		16384	/* larger ones are not */
#define PAD_LINES	600	/* the detail view's height */
#define FILTER_MAX	64
#define TEXT_MAX	160
#define FIND_SHOWN	256	/* findings listed (the diagnosis keeps as
				 * many) */

enum { P_EXCH, P_FIND, P_CLIENTS, P_SERVICES, N_PANES };

enum { C_FAIL = 1, C_NTLM, C_HEAD, C_OK };

/* A Kerberos message's bytes, for its fields in the detail view. */
struct rawmsg {
	uint64_t	 frame;
	size_t		 len;
	uint8_t		*data;		/* owned */
};

/* An exchange or an NTLM login as the list shows it. */
struct row {
	int		 kind;		/* XK_*, TK_NTLM */
	int		 result;	/* XR_* */
	int		 has_error_code;
	int32_t		 error_code;
	const char	*carrier;	/* static */
	int		 family;
	uint8_t		 client[16], server[16];
	uint16_t	 cport, sport;
	int		 transport;
	char		 principal[TEXT_MAX];
	char		 spn[TEXT_MAX];
	char		 verdict[TEXT_MAX];	/* carrier's words */
	uint64_t	 req_frame, rep_frame;
	struct timeval	 ts;
	int		 req_unseen;
	uint64_t	 seq;		/* order of arrival */
};

/* A client (address and principal) or a service (SPN). */
struct agg {
	int		 family;
	uint8_t		 addr[16];
	char		 name[TEXT_MAX];
	uint64_t	 n, fail, tickets, ap_ok, ap_fail, ntlm;
	struct timeval	 last;
};

struct tui {
	struct tui_opts	 o;
	struct engine	*eng;
	struct capture	*cap;
	struct diag	*diag;
	const struct model *md;
	struct row	*rows;		/* ring of RING */
	int		 n_rows, next;
	uint64_t	 seq, cleared;	/* rows up to seq cleared are gone */
	uint64_t	 cleared_frame;	/* findings seen before: gone */
	struct agg	*clients, *services;
	int		 n_clients, n_services;
	int		 pane, sel, top, detail, dtop, help, paused;
	int		 editing;
	char		 filter[FILTER_MAX], edit[FILTER_MAX];
	char		 msg[TEXT_MAX];	/* the status line's last word */
	int		 color, ascii;
	int64_t		 t0, last_draw, last_rate;
	uint64_t	 last_pkts, last_krb;
	double		 pps, kps;
	int		 saved_fd;	/* stderr, parked */
	FILE		*parked;
	FILE		*in, *out;	/* the terminal */
	SCREEN		*scr;
	/* the visible list (indexes into rows / findings / aggs) */
	int		*vis;
	int		 n_vis, cap_vis;
	const struct finding **fv;
	int		 n_fv;
	WINDOW		*pad;		/* the detail view, drawn whole */
	int		 dlines;	/* lines on it */
	struct rawmsg	*raw;		/* ring of RAW_RING */
	int		 raw_next;
};

static int64_t	now_ms(void);
static const char *addr(char *, size_t, int, const uint8_t *);
static const char *kind_name(int);
static void	result_text(char *, size_t, const struct row *);
static int	row_failed(const struct row *);
static struct agg *agg_get(struct agg *, int *, int, const uint8_t *,
		    const char *);
static void	add_row(struct tui *, const struct row *);
static int	ci_contains(const char *, const char *);
static int	matches(const struct tui *, const char *const *, int);
static int	row_match(const struct tui *, const struct row *);
static void	collect_findings(void *, const struct finding *);
static void	build_list(struct tui *);
static int	by_rule(const void *, const void *);
static void	draw(struct tui *);
static void	draw_header(struct tui *);
static void	draw_list(struct tui *);
static void	ex_widths(int, int *);
static void	draw_detail(struct tui *);
static void	draw_help(struct tui *);
static void	ladder(struct tui *, int *, const struct row *);
static void	arrow(struct tui *, int, int, int, int, const char *, int);
static void	put_text(struct tui *, int *, int, const char *, int);
static void	key(struct tui *, int);
static void	step(int *, int, int, int);
static void	move_sel(struct tui *, int, int);
static void	scroll_detail(struct tui *, int, int);
static void	put_lines(struct tui *, int *, int, const char *);
static const struct rawmsg *raw_find(const struct tui *, uint64_t);
static void	write_pcap(struct tui *);
static const struct row *sel_row(const struct tui *);
static long	rss_kib(void);

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
addr(char *buf, size_t sz, int family, const uint8_t *a)
{
	fmt_addr(buf, sz, family, a);
	return buf;
}

static const char *
kind_name(int k)
{
	switch (k) {
	case XK_AS:
		return "AS";
	case XK_TGS:
		return "TGS";
	case XK_AP:
		return "AP";
	case TK_NTLM:
		return "NTLM";
	default:
		return "?";
	}
}

static void
result_text(char *buf, size_t sz, const struct row *r)
{
	const char *e;

	if (r->kind == TK_NTLM) {
		str_printf(buf, sz, "%s", r->verdict[0] != '\0' ? r->verdict :
		    "NTLM login");
		return;
	}
	if (r->result == XR_ERROR && r->has_error_code) {
		e = krb_error_name(r->error_code);
		if (e != NULL)
			str_printf(buf, sz, "%s", e);
		else
			str_printf(buf, sz, "error %d", (int)r->error_code);
	} else
		str_printf(buf, sz, "%s", r->result == XR_OK ? "ok" :
		    r->result == XR_ERROR ? "refused" : r->result ==
		    XR_NO_ANSWER ? "no answer" : "unknown");
	if (r->verdict[0] != '\0') {
		str_append(buf, sz, " (");
		str_append(buf, sz, r->verdict);
		str_append(buf, sz, ")");
	}
}

/* Failures in red: errors (not the protocol's PREAUTH_REQUIRED and
 * RESPONSE_TOO_BIG), no answer. */
static int
row_failed(const struct row *r)
{
	if (r->result == XR_NO_ANSWER)
		return 1;
	if (r->result != XR_ERROR)
		return 0;
	return !(r->has_error_code && (r->error_code == 25 ||
	    r->error_code == 52));
}

static long
rss_kib(void)
{
	FILE *fp;
	long pages, rss;

	if ((fp = fopen("/proc/self/statm", "r")) == NULL)
		return 0;
	if (fscanf(fp, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(fp);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

struct tui *
tui_new(const struct tui_opts *o, char *err, size_t errsz)
{
	struct tui *t;
	const char *cs;

	FILE *in, *out;

	/* the terminal: standard input and output, or the controlling
	 * one when they go elsewhere (the report after the view then
	 * goes to standard output) */
	in = isatty(STDIN_FILENO) ? stdin : fopen("/dev/tty", "r");
	out = isatty(STDOUT_FILENO) ? stdout : fopen("/dev/tty", "w");
	if (in == NULL || out == NULL) {
		str_printf(err, errsz, "the live view needs a terminal "
		    "(--no-tui for lines)");
		if (in != NULL && in != stdin)
			fclose(in);
		if (out != NULL && out != stdout)
			fclose(out);
		return NULL;
	}
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t = xcalloc(1, sizeof(*t));
	t->o = *o;
	t->in = in;
	t->out = out;
	t->rows = xcalloc(RING, sizeof(*t->rows));
	t->clients = xcalloc(MAX_AGG, sizeof(*t->clients));
	t->services = xcalloc(MAX_AGG, sizeof(*t->services));
	t->raw = xcalloc(RAW_RING, sizeof(*t->raw));
	t->ascii = cs == NULL || strcasecmp(cs, "UTF-8") != 0;
	t->t0 = t->last_rate = now_ms();
	/* stderr goes to a file while the screen is ours */
	fflush(stderr);
	t->saved_fd = dup(STDERR_FILENO);
	if ((t->parked = tmpfile()) != NULL)
		dup2(fileno(t->parked), STDERR_FILENO);
	if ((t->scr = newterm(NULL, out, in)) == NULL) {
		str_printf(err, errsz, "cannot start curses on this "
		    "terminal");
		tui_end(t);
		return NULL;
	}
	set_term(t->scr);
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	t->color = has_colors() && (getenv("NO_COLOR") == NULL ||
	    getenv("NO_COLOR")[0] == '\0');
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(C_FAIL, COLOR_RED, -1);
		init_pair(C_NTLM, COLOR_YELLOW, -1);
		init_pair(C_HEAD, COLOR_CYAN, -1);
		init_pair(C_OK, COLOR_GREEN, -1);
	}
	t->last_draw = 0;
	return t;
}

int
tui_input_fd(const struct tui *t)
{
	return fileno(t->in);
}

void
tui_sources(struct tui *t, struct engine *eng, struct capture *cap,
    struct diag *d, const struct model *md)
{
	t->eng = eng;
	t->cap = cap;
	t->diag = d;
	t->md = md;
}

void
tui_end(struct tui *t)
{
	char buf[4096];
	size_t n;
	int i;

	if (t == NULL)
		return;
	if (t->scr != NULL) {
		if (!isendwin())
			endwin();
		delscreen(t->scr);
	}
	if (t->in != NULL && t->in != stdin)
		fclose(t->in);
	if (t->out != NULL && t->out != stdout)
		fclose(t->out);
	fflush(stderr);
	if (t->saved_fd >= 0) {
		dup2(t->saved_fd, STDERR_FILENO);
		close(t->saved_fd);
	}
	if (t->parked != NULL) {
		rewind(t->parked);
		while ((n = fread(buf, 1, sizeof(buf), t->parked)) > 0)
			fwrite(buf, 1, n, stderr);
		fclose(t->parked);
	}
	for (i = 0; t->raw != NULL && i < RAW_RING; i++)
		free(t->raw[i].data);
	free(t->raw);
	if (t->pad != NULL)
		delwin(t->pad);
	free(t->rows);
	free(t->clients);
	free(t->services);
	free(t->vis);
	free(t->fv);
	free(t);
}

/* ---- what is fed in ---------------------------------------------------- */

static struct agg *
agg_get(struct agg *v, int *n, int family, const uint8_t *a, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (v[i].family == family && (a == NULL ||
		    memcmp(v[i].addr, a, 16) == 0) &&
		    strcmp(v[i].name, name) == 0)
			return &v[i];
	if (*n == MAX_AGG)
		return NULL;
	memset(&v[*n], 0, sizeof(v[0]));
	v[*n].family = family;
	if (a != NULL)
		memcpy(v[*n].addr, a, 16);
	str_printf(v[*n].name, sizeof(v[0].name), "%s", name);
	return &v[(*n)++];
}

static void
add_row(struct tui *t, const struct row *r)
{
	struct agg *c, *s;
	int failed;

	t->rows[t->next] = *r;
	t->rows[t->next].seq = ++t->seq;
	t->next = (t->next + 1) % RING;
	if (t->n_rows < RING)
		t->n_rows++;
	failed = row_failed(r);
	c = agg_get(t->clients, &t->n_clients, r->family, r->client,
	    r->principal);
	if (c != NULL) {
		c->n++;
		c->fail += failed;
		c->tickets += r->kind == XK_TGS && r->result == XR_OK;
		c->ntlm += r->kind == TK_NTLM;
		c->last = r->ts;
	}
	if (r->spn[0] == '\0' || strncmp(r->spn, "krbtgt/", 7) == 0)
		return;
	s = agg_get(t->services, &t->n_services, 0, NULL, r->spn);
	if (s != NULL) {
		s->n++;
		s->tickets += r->kind == XK_TGS && r->result == XR_OK;
		s->ap_ok += r->kind == XK_AP && r->result == XR_OK;
		s->ap_fail += r->kind == XK_AP && failed;
		s->fail += failed;
		s->ntlm += r->kind == TK_NTLM;
		s->last = r->ts;
	}
}

void
tui_exchange(struct tui *t, const struct exchange *x)
{
	struct row r;

	if (t == NULL || (x->kind != XK_AS && x->kind != XK_TGS &&
	    x->kind != XK_AP))
		return;
	memset(&r, 0, sizeof(r));
	r.kind = x->kind;
	r.result = x->result;
	r.has_error_code = x->has_error_code;
	r.error_code = x->error_code;
	r.carrier = x->carrier;
	r.family = x->family;
	memcpy(r.client, x->client, 16);
	memcpy(r.server, x->server, 16);
	r.cport = x->cport;
	r.sport = x->sport;
	r.transport = x->transport;
	if (x->cname[0] != '\0')
		str_printf(r.principal, sizeof(r.principal), "%s@%s", x->cname,
		    x->crealm);
	str_printf(r.spn, sizeof(r.spn), "%s", x->sname);
	str_printf(r.verdict, sizeof(r.verdict), "%s", x->carrier_result);
	r.req_frame = x->req_frame;
	r.rep_frame = x->rep_frame;
	r.ts = x->req_ts;
	r.req_unseen = x->req_unseen;
	add_row(t, &r);
}

void
tui_ntlm(struct tui *t, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct row r;

	if (t == NULL || m->msg_type != NTLM_AUTHENTICATE)
		return;
	memset(&r, 0, sizeof(r));
	r.kind = TK_NTLM;
	r.carrier = mc->carrier;
	r.family = mc->family;
	memcpy(r.client, mc->src, 16);
	memcpy(r.server, mc->dst, 16);
	r.cport = mc->sport;
	r.sport = mc->dport;
	r.transport = mc->transport;
	if (m->anonymous)
		str_printf(r.principal, sizeof(r.principal), "(anonymous)");
	else
		str_printf(r.principal, sizeof(r.principal), "%s\\%s",
		    m->domain, m->user);
	str_printf(r.spn, sizeof(r.spn), "%s", m->av_target_name);
	str_printf(r.verdict, sizeof(r.verdict), "NTLM%s", m->anonymous ?
	    " anonymous" : "");
	r.req_frame = r.rep_frame = mc->frame;
	r.ts = mc->ts;
	add_row(t, &r);
}

void
tui_krb(struct tui *t, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct rawmsg *r;

	if (t == NULL || m->raw == NULL || m->raw_len == 0 ||
	    m->raw_len > RAW_MAX)
		return;
	r = &t->raw[t->raw_next];
	t->raw_next = (t->raw_next + 1) % RAW_RING;
	free(r->data);
	r->data = xmalloc(m->raw_len);
	memcpy(r->data, m->raw, m->raw_len);
	r->len = m->raw_len;
	r->frame = mc->frame;
}

/* The bytes of the Kerberos message of frame, when still kept. */
static const struct rawmsg *
raw_find(const struct tui *t, uint64_t frame)
{
	int i;

	for (i = 0; frame != 0 && i < RAW_RING; i++)
		if (t->raw[i].frame == frame && t->raw[i].data != NULL)
			return &t->raw[i];
	return NULL;
}

/* ---- the list ------------------------------------------------------------ */

/* Does s hold sub, case aside? */
static int
ci_contains(const char *s, const char *sub)
{
	size_t n;

	n = strlen(sub);
	for (; *s != '\0'; s++)
		if (strncasecmp(s, sub, n) == 0)
			return 1;
	return n == 0;
}

/* Does any of the n texts hold the filter (case aside)? */
static int
matches(const struct tui *t, const char *const *texts, int n)
{
	int i;

	if (t->filter[0] == '\0')
		return 1;
	for (i = 0; i < n; i++)
		if (texts[i] != NULL && ci_contains(texts[i], t->filter))
			return 1;
	return 0;
}

static int
row_match(const struct tui *t, const struct row *r)
{
	char a[64], b[64], res[TEXT_MAX];
	const char *tx[7];

	addr(a, sizeof(a), r->family, r->client);
	addr(b, sizeof(b), r->family, r->server);
	result_text(res, sizeof(res), r);
	tx[0] = r->principal;
	tx[1] = r->spn;
	tx[2] = a;
	tx[3] = b;
	tx[4] = r->carrier;
	tx[5] = res;
	tx[6] = kind_name(r->kind);
	return matches(t, tx, 7);
}

static void
collect_findings(void *arg, const struct finding *f)
{
	struct tui *t = arg;
	char a[64];
	const char *tx[5];

	if (f->last_frame != 0 && f->last_frame <= t->cleared_frame)
		return;
	addr(a, sizeof(a), f->family, f->client);
	tx[0] = f->rule->id;
	tx[1] = f->principal;
	tx[2] = f->service;
	tx[3] = f->family != 0 ? a : NULL;
	tx[4] = f->summary;
	if (!matches(t, tx, 5) || t->n_fv == FIND_SHOWN)
		return;
	t->fv[t->n_fv++] = f;
}

static int
by_rule(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;
	int c;

	if (a->rule->severity != b->rule->severity)
		return b->rule->severity - a->rule->severity;
	if ((c = strcmp(a->rule->id, b->rule->id)) != 0)
		return c;
	return a->first_frame < b->first_frame ? -1 :
	    a->first_frame > b->first_frame;
}

/* The visible entries of the pane, newest exchange first. */
static void
build_list(struct tui *t)
{
	const struct agg *g;
	const struct row *r;
	const char *tx[2];
	char a[64];
	int i, k, n;

	if (t->cap_vis == 0) {
		t->cap_vis = RING > MAX_AGG ? RING : MAX_AGG;
		t->vis = xcalloc((size_t)t->cap_vis, sizeof(*t->vis));
		t->fv = xcalloc(FIND_SHOWN, sizeof(*t->fv));
	}
	t->n_vis = 0;
	switch (t->pane) {
	case P_EXCH:
		for (i = 0; i < t->n_rows; i++) {
			k = (t->next - 1 - i + RING) % RING;
			r = &t->rows[k];
			if (r->seq > t->cleared && row_match(t, r))
				t->vis[t->n_vis++] = k;
		}
		break;
	case P_FIND:
		t->n_fv = 0;
		if (t->diag != NULL)
			diag_walk(t->diag, collect_findings, t);
		/* grouped by rule, the most severe rules first */
		qsort(t->fv, (size_t)t->n_fv, sizeof(*t->fv), by_rule);
		for (i = 0; i < t->n_fv; i++)
			t->vis[t->n_vis++] = i;
		break;
	default:
		n = t->pane == P_CLIENTS ? t->n_clients : t->n_services;
		for (i = 0; i < n; i++) {
			g = t->pane == P_CLIENTS ? &t->clients[i] :
			    &t->services[i];
			tx[0] = g->name;
			tx[1] = t->pane == P_CLIENTS ? addr(a, sizeof(a),
			    g->family, g->addr) : NULL;
			if (g->n > 0 && matches(t, tx, 2))
				t->vis[t->n_vis++] = i;
		}
		break;
	}
	if (t->sel >= t->n_vis)
		t->sel = t->n_vis > 0 ? t->n_vis - 1 : 0;
}

static const struct row *
sel_row(const struct tui *t)
{
	if (t->pane != P_EXCH || t->n_vis == 0)
		return NULL;
	return &t->rows[t->vis[t->sel]];
}

/* ---- drawing ----------------------------------------------------------- */

static void
draw_header(struct tui *t)
{
	static const char *const names[N_PANES] = {
		"Exchanges", "Findings", "Clients", "Services"
	};
	const struct diag_stats *ds;
	struct stats st;
	int64_t el, now;
	int i;

	now = now_ms();
	memset(&st, 0, sizeof(st));
	if (t->eng != NULL)
		st = t->eng->st;
	if (t->cap != NULL && t->o.live)
		capture_stats(t->cap, &st);
	if (now - t->last_rate >= 1000) {
		t->pps = (double)(st.packets - t->last_pkts) * 1000.0 /
		    (double)(now - t->last_rate);
		t->kps = (double)(st.krb_msgs - t->last_krb) * 1000.0 /
		    (double)(now - t->last_rate);
		t->last_pkts = st.packets;
		t->last_krb = st.krb_msgs;
		t->last_rate = now;
	}
	el = (now - t->t0) / 1000;
	if (t->color)
		attron(COLOR_PAIR(C_HEAD) | A_BOLD);
	mvprintw(0, 0, "krbscope %s %s  filter: %s", t->o.live ? "on" :
	    "reading", t->o.source != NULL ? t->o.source : "-",
	    t->o.filter != NULL && t->o.filter[0] != '\0' ? t->o.filter :
	    "(none)");
	if (t->color)
		attroff(COLOR_PAIR(C_HEAD) | A_BOLD);
	clrtoeol();
	ds = t->diag != NULL ? diag_stats(t->diag) : NULL;
	mvprintw(1, 0, "pkts/s %.0f  krb/s %.0f  pkts %llu  krb %llu  drops "
	    "%llu  flows %llu  findings %llu  mem %ld MiB  %02lld:%02lld:%02lld"
	    "%s", t->pps, t->kps, (unsigned long long)st.packets,
	    (unsigned long long)st.krb_msgs,
	    (unsigned long long)(st.have_pcap_stats ? st.pcap_drop : 0),
	    (unsigned long long)st.flows_active,
	    (unsigned long long)(ds != NULL ? ds->findings : 0),
	    rss_kib() / 1024, (long long)(el / 3600),
	    (long long)(el / 60 % 60), (long long)(el % 60),
	    t->paused ? "  [PAUSED]" : "");
	clrtoeol();
	move(2, 0);
	clrtoeol();
	for (i = 0; i < N_PANES; i++) {
		if (i == t->pane)
			attron(A_REVERSE);
		printw(" %d %s ", i + 1, names[i]);
		if (i == t->pane)
			attroff(A_REVERSE);
		printw(" ");
	}
	if (t->filter[0] != '\0')
		printw("  /%s", t->filter);
}

static void
draw_list(struct tui *t)
{
	const struct finding *f;
	const struct agg *g;
	const struct row *r;
	char a[64], b[64], res[TEXT_MAX], tm[16];
	struct tm tmv;
	time_t tt;
	int y, i, rows, attr, w, cw[6] = { 0, 0, 0, 0, 0, 0 };

	rows = LINES - 5;
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + rows)
		t->top = t->sel - rows + 1;
	w = COLS;
	move(3, 0);
	clrtoeol();
	attron(A_UNDERLINE);
	switch (t->pane) {
	case P_EXCH:
		ex_widths(w, cw);
		mvprintw(3, 0, "%-8s %-*.*s%s%-*s %-4s %-*s %-*s %-*.*s%s%s",
		    "time", cw[0], cw[0], "client", cw[0] > 0 ? " " : "",
		    cw[1], "principal", "kind", cw[2], "SPN", cw[3],
		    "server", cw[4], cw[4], "via", cw[4] > 0 ? " " : "",
		    "result");
		break;
	case P_FIND:
		mvprintw(3, 0, "%-7s %-24s %6s %-8s %s", "sev", "rule",
		    "count", "last", "summary");
		break;
	case P_CLIENTS:
		mvprintw(3, 0, "%-15s %-32s %6s %7s %6s %5s %s", "address",
		    "principal", "exch", "tickets", "fail", "NTLM", "last");
		break;
	default:
		mvprintw(3, 0, "%-44s %6s %7s %6s %6s %5s", "SPN", "exch",
		    "tickets", "AP ok", "AP bad", "NTLM");
		break;
	}
	attroff(A_UNDERLINE);
	for (y = 4, i = t->top; y < 4 + rows; y++, i++) {
		move(y, 0);
		clrtoeol();
		if (i >= t->n_vis)
			continue;
		attr = i == t->sel ? A_REVERSE : 0;
		switch (t->pane) {
		case P_EXCH:
			r = &t->rows[t->vis[i]];
			if (t->color && row_failed(r))
				attr |= COLOR_PAIR(C_FAIL);
			else if (t->color && r->kind == TK_NTLM)
				attr |= COLOR_PAIR(C_NTLM);
			else if (!t->color && row_failed(r))
				attr |= A_BOLD;
			tt = (time_t)r->ts.tv_sec;
			gmtime_r(&tt, &tmv);
			strftime(tm, sizeof(tm), "%H:%M:%S", &tmv);
			addr(a, sizeof(a), r->family, r->client);
			addr(b, sizeof(b), r->family, r->server);
			str_printf(b + strlen(b), sizeof(b) - strlen(b), ":%u",
			    r->sport);
			result_text(res, sizeof(res), r);
			attron(attr);
			mvprintw(y, 0, "%-8s %-*.*s%s%-*.*s %-4s %-*.*s "
			    "%-*.*s %-*.*s%s%.*s", tm, cw[0], cw[0], a,
			    cw[0] > 0 ? " " : "", cw[1], cw[1], r->principal,
			    kind_name(r->kind), cw[2], cw[2], r->req_unseen ?
			    "(AP-REQ not seen)" : r->spn, cw[3], cw[3], b,
			    cw[4], cw[4], r->carrier, cw[4] > 0 ? " " : "",
			    cw[5], res);
			attroff(attr);
			break;
		case P_FIND:
			f = t->fv[t->vis[i]];
			if (t->color && f->rule->severity == SEV_ERROR)
				attr |= COLOR_PAIR(C_FAIL);
			else if (t->color && f->rule->severity == SEV_WARNING)
				attr |= COLOR_PAIR(C_NTLM);
			tt = (time_t)f->last_ts.tv_sec;
			gmtime_r(&tt, &tmv);
			strftime(tm, sizeof(tm), "%H:%M:%S", &tmv);
			attron(attr);
			mvprintw(y, 0, "%-7s %-24s %6llu %-8s %.*s",
			    diag_severity_name(f->rule->severity),
			    f->rule->id, (unsigned long long)f->count, tm,
			    w > 50 ? w - 50 : 0, f->summary);
			attroff(attr);
			break;
		default:
			g = t->pane == P_CLIENTS ? &t->clients[t->vis[i]] :
			    &t->services[t->vis[i]];
			if (t->color && g->fail > 0)
				attr |= COLOR_PAIR(C_FAIL);
			attron(attr);
			if (t->pane == P_CLIENTS) {
				tt = (time_t)g->last.tv_sec;
				gmtime_r(&tt, &tmv);
				strftime(tm, sizeof(tm), "%H:%M:%S", &tmv);
				mvprintw(y, 0, "%-15.15s %-32.32s %6llu %7llu "
				    "%6llu %5llu %s", addr(a, sizeof(a),
				    g->family, g->addr), g->name[0] != '\0' ?
				    g->name : "-", (unsigned long long)g->n,
				    (unsigned long long)g->tickets,
				    (unsigned long long)g->fail,
				    (unsigned long long)g->ntlm, tm);
			} else
				mvprintw(y, 0, "%-44.44s %6llu %7llu %6llu "
				    "%6llu %5llu", g->name,
				    (unsigned long long)g->n,
				    (unsigned long long)g->tickets,
				    (unsigned long long)g->ap_ok,
				    (unsigned long long)g->ap_fail,
				    (unsigned long long)g->ntlm);
			attroff(attr);
			break;
		}
	}
}

/*
 * The exchange list's columns for a screen cols wide: client, principal,
 * SPN, server, via, result (client and via go on narrow screens; the
 * result takes what is left).
 */
static void
ex_widths(int cols, int *cw)
{
	int avail;

	cw[0] = cols >= 100 ? 15 : 0;
	cw[4] = cols >= 120 ? 8 : 0;
	/* time, kind and the spaces between the columns */
	avail = cols - 8 - 1 - 4 - 4 - (cw[0] > 0 ? cw[0] + 1 : 0) -
	    (cw[4] > 0 ? cw[4] + 1 : 0);
	if (avail < 20)
		avail = 20;
	cw[1] = avail * 22 / 100;
	cw[2] = avail * 32 / 100;
	cw[3] = avail * 22 / 100 > 21 ? 21 : avail * 22 / 100 < 15 ? 15 :
	    avail * 22 / 100;
	cw[5] = avail - cw[1] - cw[2] - cw[3];
}

/* Text from column x, folded at the screen's width; *y moves on. */
static void
put_text(struct tui *t, int *y, int x, const char *s, int attr)
{
	WINDOW *w = t->pad;
	const char *e;
	int col, n;

	col = x;
	wmove(w, *y, x);
	wattron(w, attr);
	while (*s != '\0' && *y < PAD_LINES - 1) {
		/* a newline starts a line of its own */
		if (*s == '\n') {
			s++;
			(*y)++;
			col = x;
			wmove(w, *y, x);
			continue;
		}
		while (*s == ' ')
			s++;
		for (e = s; *e != '\0' && *e != ' ' && *e != '\n'; e++)
			;
		n = (int)(e - s);
		if (n == 0)
			break;
		if (col > x && col + 1 + n >= COLS) {
			(*y)++;
			col = x;
			wmove(w, *y, x);
		} else if (col > x) {
			waddch(w, ' ');
			col++;
		}
		wprintw(w, "%.*s", n > COLS - x ? COLS - x : n, s);
		col += n;
		s = e;
	}
	wattroff(w, attr);
	(*y)++;
}

/* Text line by line as it is (indentation kept), cut at the width. */
static void
put_lines(struct tui *t, int *y, int x, const char *s)
{
	const char *e;
	int n;

	while (*s != '\0' && *y < PAD_LINES - 1) {
		for (e = s; *e != '\0' && *e != '\n'; e++)
			;
		n = (int)(e - s);
		mvwprintw(t->pad, *y, x, "%.*s", n > COLS - x ? COLS - x : n,
		    s);
		(*y)++;
		s = *e == '\n' ? e + 1 : e;
	}
}

/* A message from column a to column b on line y, label above it. */
static void
arrow(struct tui *t, int y, int a, int b, int frame, const char *label,
    int attr)
{
	WINDOW *w = t->pad;
	char lab[TEXT_MAX];
	int x, lo, hi, len;

	lo = a < b ? a : b;
	hi = a < b ? b : a;
	/* the frame first: it survives a cut */
	str_printf(lab, sizeof(lab), "#%d %s", frame, label);
	len = (int)strlen(lab);
	wattron(w, attr);
	for (x = lo + 1; x < hi; x++) {
		if (t->ascii)
			mvwaddch(w, y, x, '-');
		else
			mvwaddstr(w, y, x, "\u2500");
	}
	if (a < b)
		mvwaddstr(w, y, hi - 1, t->ascii ? ">" : "\u25b6");
	else
		mvwaddstr(w, y, lo + 1, t->ascii ? "<" : "\u25c0");
	x = lo + 1 + (hi - lo - 1 - len) / 2;
	if (x < lo + 2)
		x = lo + 2;
	mvwprintw(w, y, x, "%.*s", hi - x - 1 > 0 ? hi - x - 1 : 0, lab);
	wattroff(w, attr);
}

/*
 * The exchange as a ladder: client, KDC and service columns, the
 * client's AS and TGS exchanges that led to it (latest first seen
 * before it, same client; the TGS for the same SPN), one arrow per
 * message.
 */
static void
ladder(struct tui *t, int *y, const struct row *sel)
{
	WINDOW *w = t->pad;
	const struct row *as, *tgs, *r, *hop, *htgs, *steps[5];
	char a[64], k[64], s[64], bk[64], buf[TEXT_MAX];
	int x[4], from[5], to[5], i, n, yy, fail, cols;

	as = tgs = hop = htgs = NULL;
	for (i = 0; i < t->n_rows; i++) {
		r = &t->rows[i];
		if (r->family != sel->family)
			continue;
		/* the middle tier's next hop: sel's service logs in on */
		/* (by request time: a middle tier answers its client
		 * after its own hop is over) */
		if ((sel->kind == XK_AP || sel->kind == TK_NTLM) &&
		    r != sel && !timercmp(&r->ts, &sel->ts, <) &&
		    memcmp(r->client, sel->server, 16) == 0 &&
		    (r->kind == XK_AP || r->kind == TK_NTLM) &&
		    r->ts.tv_sec - sel->ts.tv_sec <= 30 &&
		    (hop == NULL || timercmp(&r->ts, &hop->ts, <)))
			hop = r;
		if (r->seq >= sel->seq ||
		    memcmp(r->client, sel->client, 16) != 0)
			continue;
		if (r->kind == XK_AS && strncmp(r->spn, "krbtgt/", 7) == 0 &&
		    (as == NULL || r->seq > as->seq))
			as = r;
		if (r->kind == XK_TGS && sel->kind == XK_AP &&
		    strcmp(r->spn, sel->spn) == 0 &&
		    (tgs == NULL || r->seq > tgs->seq))
			tgs = r;
	}
	for (i = 0; hop != NULL && i < t->n_rows; i++) {
		r = &t->rows[i];
		if (r->kind == XK_TGS && r->family == sel->family &&
		    memcmp(r->client, sel->server, 16) == 0 &&
		    !timercmp(&r->ts, &sel->ts, <) &&
		    !timercmp(&r->ts, &hop->ts, >) &&
		    strcmp(r->spn, hop->spn) == 0)
			htgs = r;
	}
	/* columns: client, KDC, service, and the back end of a hop */
	cols = hop != NULL ? 4 : 3;
	for (i = 0; i < cols; i++)
		x[i] = 2 + i * (COLS - 4) / cols;
	n = 0;
	if (sel->kind != XK_AS && as != NULL) {
		steps[n] = as;
		from[n] = 0;
		to[n++] = 1;
	}
	if (tgs != NULL) {
		steps[n] = tgs;
		from[n] = 0;
		to[n++] = 1;
	}
	steps[n] = sel;
	from[n] = 0;
	to[n++] = sel->kind == XK_AP || sel->kind == TK_NTLM ? 2 : 1;
	if (htgs != NULL) {
		steps[n] = htgs;
		from[n] = 2;
		to[n++] = 1;
	}
	if (hop != NULL) {
		steps[n] = hop;
		from[n] = 2;
		to[n++] = 3;
	}
	addr(a, sizeof(a), sel->family, sel->client);
	k[0] = s[0] = bk[0] = '\0';
	for (i = 0; i < n; i++)
		if (to[i] == 1)
			addr(k, sizeof(k), steps[i]->family,
			    steps[i]->server);
	if (sel->kind == XK_AP || sel->kind == TK_NTLM)
		str_printf(s, sizeof(s), "%s:%u", addr(buf, sizeof(buf),
		    sel->family, sel->server), sel->sport);
	if (hop != NULL)
		str_printf(bk, sizeof(bk), "%s:%u", addr(buf, sizeof(buf),
		    hop->family, hop->server), hop->sport);
	wattron(w, A_BOLD);
	mvwprintw(w, *y, x[0], "client %.*s", x[1] - x[0] - 8, a);
	mvwprintw(w, *y, x[1], "KDC %.*s", x[2] - x[1] - 5,
	    k[0] != '\0' ? k : "-");
	mvwprintw(w, *y, x[2], "service %.*s", (cols > 3 ? x[3] : COLS) -
	    x[2] - 9, s[0] != '\0' ? s : "-");
	if (cols > 3)
		mvwprintw(w, *y, x[3], "back end %.*s", COLS - x[3] - 10, bk);
	wattroff(w, A_BOLD);
	(*y)++;
	/* the lifelines first, the arrows over them */
	for (i = 0, yy = *y; i < n && yy < PAD_LINES - 6; i++)
		yy += 2;
	for (i = *y; i < yy; i++)
		for (k[0] = 0; k[0] < cols; k[0]++)
			mvwaddstr(w, i, x[(int)k[0]], t->ascii ? "|" :
			    "\u2502");
	yy = *y;
	for (i = 0; i < n && yy < PAD_LINES - 6; i++) {
		r = steps[i];
		fail = row_failed(r) && t->color ? COLOR_PAIR(C_FAIL) :
		    row_failed(r) ? A_BOLD : 0;
		if (r->kind == TK_NTLM)
			str_printf(buf, sizeof(buf), "NTLM AUTHENTICATE %s",
			    r->principal);
		else if (r->req_unseen)
			str_printf(buf, sizeof(buf), "AP-REQ (not seen)");
		else
			str_printf(buf, sizeof(buf), "%s-REQ%s%s",
			    kind_name(r->kind), r->kind == XK_AP ? "" : " ",
			    r->kind == XK_AP ? "" : r->spn);
		arrow(t, yy, x[from[i]], x[to[i]], (int)r->req_frame, buf, 0);
		yy++;
		if (r->rep_frame != 0 && r->rep_frame != r->req_frame) {
			if (r->result == XR_ERROR && r->has_error_code) {
				str_printf(buf, sizeof(buf), "KRB-ERROR %s",
				    krb_error_name(r->error_code) != NULL ?
				    krb_error_name(r->error_code) : "?");
			} else if (r->result == XR_ERROR)
				str_printf(buf, sizeof(buf), "%s", r->verdict);
			else
				str_printf(buf, sizeof(buf), "%s-REP%s%s",
				    kind_name(r->kind), r->verdict[0] != '\0' ?
				    " " : "", r->verdict);
			arrow(t, yy, x[to[i]], x[from[i]], (int)r->rep_frame,
			    buf, fail);
		} else if (r->result == XR_NO_ANSWER)
			mvwprintw(w, yy, x[from[i]] + 2, "(no answer)");
		yy++;
	}
	*y = yy + 1;
}

static void
draw_detail(struct tui *t)
{
	const struct finding *f;
	const struct rawmsg *m;
	const struct row *r;
	char a[64], b[64], res[TEXT_MAX], line[2 * TEXT_MAX], *tree;
	int y, i, j, k, hit, attr, rows;

	/* drawn whole on a pad, shown from dtop (arrows scroll) */
	if (t->pad == NULL || getmaxx(t->pad) != COLS) {
		if (t->pad != NULL)
			delwin(t->pad);
		if ((t->pad = newpad(PAD_LINES, COLS)) == NULL)
			return;
	}
	werase(t->pad);
	y = 0;
	if (t->pane == P_FIND) {
		if (t->n_vis == 0)
			goto show;
		f = t->fv[t->vis[t->sel]];
		attr = t->color && f->rule->severity == SEV_ERROR ?
		    COLOR_PAIR(C_FAIL) | A_BOLD : A_BOLD;
		str_printf(line, sizeof(line), "%s %s: %s (%llux)",
		    diag_severity_name(f->rule->severity), f->rule->id,
		    f->rule->title, (unsigned long long)f->count);
		put_text(t, &y, 1, line, attr);
		y++;
		put_text(t, &y, 1, f->summary, 0);
		y++;
		put_text(t, &y, 1, "Fix:", A_BOLD);
		put_text(t, &y, 3, f->advice, 0);
		y++;
		put_text(t, &y, 1, "What it means:", A_BOLD);
		put_text(t, &y, 3, f->rule->meaning, 0);
		goto show;
	}
	if ((r = sel_row(t)) == NULL)
		goto show;
	addr(a, sizeof(a), r->family, r->client);
	addr(b, sizeof(b), r->family, r->server);
	result_text(res, sizeof(res), r);
	str_printf(line, sizeof(line), "%s exchange over %s: %s %s -> %s:%u  "
	    "%s  %s", kind_name(r->kind), r->carrier, a, r->principal, b,
	    r->sport, r->spn, res);
	put_text(t, &y, 1, line, A_BOLD);
	y++;
	ladder(t, &y, r);
	/* the findings this exchange is evidence of */
	t->n_fv = 0;
	if (t->diag != NULL)
		diag_walk(t->diag, collect_findings, t);
	for (i = 0; i < t->n_fv && y < PAD_LINES - 2; i++) {
		f = t->fv[i];
		for (hit = 0, j = 0; j < f->n_frames; j++)
			for (k = 0; k < 2; k++)
				hit |= f->frames[j] == (k == 0 ?
				    r->req_frame : r->rep_frame);
		if (!hit)
			continue;
		attr = t->color && f->rule->severity == SEV_ERROR ?
		    COLOR_PAIR(C_FAIL) | A_BOLD : A_BOLD;
		str_printf(line, sizeof(line), "%s: %s", f->rule->id,
		    f->rule->title);
		put_text(t, &y, 1, line, attr);
		put_text(t, &y, 3, f->summary, 0);
		put_text(t, &y, 3, "Fix:", A_BOLD);
		put_text(t, &y, 5, f->advice, 0);
		y++;
	}
	/* the messages' fields, as -vv shows them */
	for (k = 0; k < 2 && y < PAD_LINES - 2; k++) {
		if ((m = raw_find(t, k == 0 ? r->req_frame :
		    r->rep_frame)) == NULL || (k == 1 &&
		    r->rep_frame == r->req_frame))
			continue;
		tree = NULL;
		if (asn1ref_tree(m->data, m->len, &tree) != 0 ||
		    tree == NULL) {
			free(tree);
			continue;
		}
		str_printf(line, sizeof(line), "Frame #%llu, the fields:",
		    (unsigned long long)m->frame);
		put_text(t, &y, 1, line, A_BOLD);
		put_lines(t, &y, 3, tree);
		free(tree);
		y++;
	}
show:
	rows = LINES - 4;
	t->dlines = y;
	if (t->dtop > y - rows)
		t->dtop = y - rows > 0 ? y - rows : 0;
}

static void
draw_help(struct tui *t)
{
	static const char *const lines[] = {
		"krbscope live view",
		"",
		"  1-4, Tab      Exchanges, Findings, Clients, Services",
		"  arrows, PgUp/PgDn, Home/End, wheel   move",
		"  click         select",
		"  Enter         details: the ladder, the finding and its fix",
		"  Esc, Backspace  back",
		"  /             filter (principal, SPN, address, rule);",
		"                empty: all",
		"  p             pause the display (capture goes on)",
		"  c             clear the lists",
		"  w             write the selected connection's packets",
		"                (with -r FILE)",
		"  ?             this help",
		"  q             quit",
		"",
		"Failures in red, NTLM in yellow.",
		NULL
	};
	int y, i;

	(void)t;
	for (y = 3; y < LINES - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	for (i = 0, y = 4; lines[i] != NULL && y < LINES - 1; i++, y++)
		mvprintw(y, 2, "%s", lines[i]);
}

static void
draw(struct tui *t)
{
	int y;

	if (!t->paused)
		build_list(t);
	draw_header(t);
	if (t->help)
		draw_help(t);
	else if (t->detail) {
		draw_detail(t);
		for (y = 3; y < LINES - 1; y++) {
			move(y, 0);
			clrtoeol();
		}
	} else
		draw_list(t);
	move(LINES - 1, 0);
	clrtoeol();
	if (t->editing)
		printw("/%s", t->edit);
	else if (t->msg[0] != '\0')
		printw("%s", t->msg);
	else
		printw("%s", t->detail ? "Esc back  arrows scroll  w write  "
		    "? help  q quit" : "Enter details  / filter  p pause  "
		    "c clear  w write  ? help  q quit");
	wnoutrefresh(stdscr);
	if (t->detail && !t->help && t->pad != NULL)
		pnoutrefresh(t->pad, t->dtop, 0, 3, 0, LINES - 2, COLS - 1);
	doupdate();
	t->last_draw = now_ms();
}

/* ---- keys ----------------------------------------------------------- */

static void
write_pcap(struct tui *t)
{
	const struct row *r;
	struct exchange x;
	struct wfile *wf;
	unsigned long n;
	char path[256], err[256];

	if ((r = sel_row(t)) == NULL) {
		str_printf(t->msg, sizeof(t->msg), "w: select an exchange "
		    "first");
		return;
	}
	if (!t->o.live && (t->o.file == NULL ||
	    strcmp(t->o.file, "-") == 0)) {
		str_printf(t->msg, sizeof(t->msg), "w: not from standard "
		    "input");
		return;
	}
	memset(&x, 0, sizeof(x));
	x.family = r->family;
	x.transport = r->transport;
	memcpy(x.client, r->client, 16);
	memcpy(x.server, r->server, 16);
	x.cport = r->cport;
	x.sport = r->sport;
	wf = wfile_new();
	wfile_add(wf, &x);
	str_printf(path, sizeof(path), "%s/krbscope-%llu.pcap",
	    t->o.wdir != NULL ? t->o.wdir : ".",
	    (unsigned long long)r->req_frame);
	/* live: from the packets kept; a file: read again */
	if ((t->o.live ? capture_write_kept(t->cap, wf, path, &n, err,
	    sizeof(err)) : wfile_write(wf, t->o.file, path, &n, err,
	    sizeof(err))) != 0)
		str_printf(t->msg, sizeof(t->msg), "w: %s", err);
	else
		str_printf(t->msg, sizeof(t->msg), "wrote %lu packets to %s",
		    n, path);
	wfile_free(wf);
}

/* A position in 0..last moved by a movement key. */
static void
step(int *pos, int last, int ch, int page)
{
	switch (ch) {
	case KEY_UP:
		*pos -= *pos > 0;
		break;
	case KEY_DOWN:
		*pos += *pos < last;
		break;
	case KEY_PPAGE:
		*pos = *pos > page ? *pos - page : 0;
		break;
	case KEY_NPAGE:
		*pos = *pos + page < last ? *pos + page : last;
		break;
	case KEY_HOME:
		*pos = 0;
		break;
	default:
		*pos = last;
		break;
	}
}

/* The selection by a movement key. */
static void
move_sel(struct tui *t, int ch, int page)
{
	step(&t->sel, t->n_vis > 0 ? t->n_vis - 1 : 0, ch, page);
}

/* The detail view's first line by a movement key. */
static void
scroll_detail(struct tui *t, int ch, int page)
{
	step(&t->dtop, t->dlines - (LINES - 4) > 0 ? t->dlines -
	    (LINES - 4) : 0, ch, page);
}

static void
key(struct tui *t, int ch)
{
	MEVENT ev;
	size_t n;
	int page;

	page = LINES - 5 > 1 ? LINES - 5 : 1;
	if (t->editing) {
		n = strlen(t->edit);
		if (ch == '\n' || ch == KEY_ENTER) {
			str_printf(t->filter, sizeof(t->filter), "%s", t->edit);
			t->editing = 0;
			t->sel = t->top = 0;
		} else if (ch == 27) {
			t->editing = 0;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) &&
		    n > 0) {
			t->edit[n - 1] = '\0';
		} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(t->edit)) {
			t->edit[n] = (char)ch;
			t->edit[n + 1] = '\0';
		}
		return;
	}
	t->msg[0] = '\0';
	switch (ch) {
	case 'q':
	case 'Q':
		break;
	case '?':
	case 'h':
		t->help = !t->help;
		break;
	case 27:
	case KEY_BACKSPACE:
	case 127:
		t->help = t->detail = 0;
		break;
	case '\t':
		t->pane = (t->pane + 1) % N_PANES;
		t->sel = t->top = 0;
		t->detail = 0;
		break;
	case '1': case '2': case '3': case '4':
		t->pane = ch - '1';
		t->sel = t->top = 0;
		t->detail = t->help = 0;
		break;
	case KEY_UP:
	case KEY_DOWN:
	case KEY_PPAGE:
	case KEY_NPAGE:
	case KEY_HOME:
	case KEY_END:
		if (t->detail)
			scroll_detail(t, ch, page);
		else
			move_sel(t, ch, page);
		break;
	case '\n':
	case KEY_ENTER:
		if (t->pane == P_CLIENTS || t->pane == P_SERVICES) {
			/* a client or service: its exchanges */
			if (t->n_vis > 0)
				str_printf(t->filter, sizeof(t->filter), "%s",
				    t->pane == P_CLIENTS ?
				    t->clients[t->vis[t->sel]].name :
				    t->services[t->vis[t->sel]].name);
			t->pane = P_EXCH;
			t->sel = t->top = 0;
		} else if (t->n_vis > 0) {
			t->detail = 1;
			t->dtop = 0;
		}
		break;
	case '/':
		t->editing = 1;
		str_printf(t->edit, sizeof(t->edit), "%s", t->filter);
		break;
	case 'p':
		t->paused = !t->paused;
		break;
	case 'c':
		t->cleared = t->seq;
		t->cleared_frame = t->eng != NULL ? t->eng->st.packets : 0;
		t->n_clients = t->n_services = 0;
		t->sel = t->top = 0;
		break;
	case 'w':
		write_pcap(t);
		break;
	case KEY_MOUSE:
		if (getmouse(&ev) != OK)
			break;
		if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
			/* the wheel scrolls what is shown */
			ch = ev.bstate & BUTTON4_PRESSED ? KEY_UP : KEY_DOWN;
			if (t->detail)
				scroll_detail(t, ch, page);
			else
				move_sel(t, ch, page);
		} else if ((ev.bstate & BUTTON1_CLICKED) && !t->detail &&
		    ev.y >= 4 && t->top + ev.y - 4 < t->n_vis)
			t->sel = t->top + ev.y - 4;
		break;
	default:
		break;
	}
}

int
tui_poll(void *arg, int input)
{
	struct tui *t = arg;
	int ch, redraw;

	/* (also without input: a resize comes as a key) */
	(void)input;
	redraw = 0;
	while ((ch = getch()) != ERR) {
		if (!t->editing && (ch == 'q' || ch == 'Q'))
			return 1;
		if (ch == KEY_RESIZE)
			clear();
		key(t, ch);
		redraw = 1;
	}
	if (redraw || now_ms() - t->last_draw >= DRAW_MS)
		draw(t);
	return 0;
}
