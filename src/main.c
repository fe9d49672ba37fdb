/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * main.c - command line (flags follow tcpdump where tcpdump has one),
 * wiring of capture -> engine -> outputs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "asn1ref.h"
#include "capture.h"
#include "cur.h"
#include "diag.h"
#include "tui.h"
#include "dissector.h"
#include "engine.h"
#include "out.h"
#include "util.h"
#include "wfile.h"

#define EXIT_FINDINGS	1	/* a finding of warning or worse */
#define EXIT_USAGE	2

enum {
	OPT_JSON = 256,
	OPT_DNS,
	OPT_EXPLAIN,
	OPT_PORT,
	OPT_VERSION,
	OPT_TUI,
	OPT_NO_TUI,
	OPT_REALTIME
};

static const struct option longopts[] = {
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "dns",		no_argument,		NULL, OPT_DNS },
	{ "explain",		required_argument,	NULL, OPT_EXPLAIN },
	{ "tui",		no_argument,		NULL, OPT_TUI },
	{ "no-tui",		no_argument,		NULL, OPT_NO_TUI },
	{ "realtime",		no_argument,		NULL, OPT_REALTIME },
	{ "port",		required_argument,	NULL, OPT_PORT },
	{ "list-interfaces",	no_argument,		NULL, 'D' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ NULL,			0,			NULL, 0 }
};

/* Records go to the model and to the output. */
struct sinks {
	struct out	*out;
	struct model	*model;
	struct diag	*diag;
	struct tui	*tui;		/* the live view, or NULL */
	struct wfile	*wf;		/* -w, or NULL */
	int		 dns_out;	/* DNS records are output */
};

static void	usage(FILE *);
static void	to_krb(void *, const struct msg_ctx *, const struct krb_msg *);
static void	to_auth(void *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	to_exchange(void *, const struct exchange *);
static void	to_tick(void *, const struct timeval *);
static void	to_session(void *, const struct session *);
static void	to_chain(void *, const struct chain *);
static int	explain(const char *);
static void	to_ntlm(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	to_spnego(void *, const struct msg_ctx *,
		    const struct spnego_info *);
static void	to_dns(void *, const struct msg_ctx *,
		    const struct dns_rec *);
static long	parse_num(const char *, const char *, long, long);
static int	parse_port(const char *);
static char	*join_args(int, char **);
static double	cpu_seconds(void);

static void
to_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct sinks *k = arg;

	out_krb(k->out, mc, m);
	diag_krb(k->diag, mc, m);
	tui_krb(k->tui, mc, m);
	model_tick(k->model, &mc->ts);
	model_krb(k->model, mc, m);
}

static void
to_session(void *arg, const struct session *s)
{
	struct sinks *k = arg;

	out_session(k->out, s);
	diag_session(k->diag, s);
}

static void
to_chain(void *arg, const struct chain *c)
{
	struct sinks *k = arg;

	diag_chain(k->diag, c);
	out_chain(k->out, c);
}

static void
to_tick(void *arg, const struct timeval *now)
{
	model_tick(((struct sinks *)arg)->model, now);
}

static void
to_auth(void *arg, const struct msg_ctx *mc, const struct auth_rec *a)
{
	struct sinks *k = arg;

	out_auth(k->out, mc, a);
	diag_auth(k->diag, mc, a);
	model_tick(k->model, &mc->ts);
	model_auth(k->model, mc, a);
}

static void
to_exchange(void *arg, const struct exchange *x)
{
	struct sinks *k = arg;

	out_exchange(k->out, x);
	diag_exchange(k->diag, x);
	tui_exchange(k->tui, x);
	if (k->wf != NULL)
		wfile_note(k->wf, x);
}

static void
to_ntlm(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct sinks *k = arg;

	out_ntlm(k->out, mc, m);
	tui_ntlm(k->tui, mc, m);
	model_tick(k->model, &mc->ts);
	model_ntlm(k->model, mc, m);
}

static void
to_spnego(void *arg, const struct msg_ctx *mc, const struct spnego_info *sp)
{
	out_spnego(((struct sinks *)arg)->out, mc, sp);
}

static void
to_dns(void *arg, const struct msg_ctx *mc, const struct dns_rec *d)
{
	struct sinks *k = arg;

	if (k->dns_out)
		out_dns(k->out, mc, d);
	model_tick(k->model, &mc->ts);
	model_dns(k->model, mc, d);
}

/* --explain RULE: the rule's entry; "list": every rule, a line each. */
static int
explain(const char *id)
{
	const struct rule *r;

	if (strcmp(id, "list") == 0 || strcmp(id, "all") == 0) {
		for (r = diag_rules(); r->id != NULL; r++)
			printf("%-24s %-8s %s\n", r->id,
			    diag_severity_name(r->severity), r->title);
		return 0;
	}
	if ((r = diag_rule(id)) == NULL) {
		fprintf(stderr, "krbscope: --explain: no rule \"%s\" "
		    "(--explain list shows them)\n", id);
		return EXIT_USAGE;
	}
	printf("%s (%s): %s\n\n", r->id, diag_severity_name(r->severity),
	    r->title);
	printf("What it means:\n  ");
	fput_wrapped(stdout, r->meaning, 2, 2, 72);
	printf("\nFix:\n  ");
	fput_wrapped(stdout, r->advice, 2, 2, 72);
	printf("\nRule version %d.\n", DIAG_RULE_VERSION);
	return 0;
}


static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: krbscope [-pv] [-B size] [-c count] [-f expression] [-i interface]\n"
"                [-r file] [-s snaplen] [-w file] [-Z user] [--dns] [--json]\n"
"                [--port name=port] [--tui | --no-tui] [--realtime]\n"
"                [expression]\n"
"       krbscope -D | --help | --version | --explain rule\n"
"\n"
"  -r FILE        read a .pcap or .pcapng file (\"-\": standard input)\n"
"  -i IFACE       capture live on IFACE (\"any\": all interfaces)\n"
"  -f EXPR        BPF filter (live default: Kerberos and its carriers)\n"
"  -c COUNT       stop after COUNT packets\n"
"  -s SNAPLEN     live: bytes kept per packet (default 262144)\n"
"  -B SIZE        live: kernel buffer size in KiB\n"
"  -p             live: do not put the interface in promiscuous mode\n"
"  -Z USER        drop privileges to USER after opening the capture\n"
"  -v             one line per message and exchange (-vv: more fields)\n"
"  -w FILE        with -r: write the packets of the connections whose\n"
"                 exchanges failed to FILE (pcap)\n"
"  --json         NDJSON records on standard output\n"
"  --dns          also DNS queries and answers as records (--json) or\n"
"                 lines (-v)\n"
"  --port NAME=PORT  also decode protocol NAME on PORT (kerberos, tds,\n"
"                 smb2, ldap, dcerpc, http, dns, gss)\n"
"  -D             list the interfaces that can be captured on\n"
"  -h, --help     this summary\n"
"  --version      the version\n"
"\n"
"  --tui          the live view, also with -r FILE (needs a terminal)\n"
"  --no-tui       no live view: lines, even live on a terminal\n"
"  --realtime     with --tui -r: replay at the pace of the timestamps\n"
"  --explain RULE  what a finding's rule means and how to fix it\n"
"                 (--explain list: all rules)\n"
"\n"
"Exit status: 0 no finding of warning or worse, 1 such findings,\n"
"2 usage or input error.\n");
}

static long
parse_num(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "krbscope: %s: invalid number \"%s\" "
		    "(%ld..%ld)\n", opt, s, min, max);
		exit(EXIT_USAGE);
	}
	return v;
}

/* --port NAME=PORT */
static int
parse_port(const char *arg)
{
	char name[32];
	const char *eq;
	long port;
	size_t n;
	int rc;

	if ((eq = strchr(arg, '=')) == NULL || (n = (size_t)(eq - arg)) == 0
	    || n >= sizeof(name)) {
		fprintf(stderr, "krbscope: --port wants NAME=PORT, e.g. "
		    "kerberos=61088\n");
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	port = parse_num("--port", eq + 1, 1, 65535);
	if ((rc = registry_add_port(name, (uint16_t)port)) != 0) {
		if (rc == E_LIMIT)
			fprintf(stderr, "krbscope: --port: too many ports\n");
		else
			fprintf(stderr, "krbscope: --port: unknown protocol "
			    "\"%s\" (known: kerberos)\n", name);
		return -1;
	}
	return 0;
}

/* tcpdump takes the filter expression as the trailing words. */
static char *
join_args(int argc, char **argv)
{
	size_t n;
	char *s;
	int i;

	for (n = 1, i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = xcalloc(1, n);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct capture_opts co;
	struct out_opts oo;
	struct engine_ops ops;
	struct engine eng;
	struct run_info ri;
	struct capture *cap;
	struct out *out;
	struct sinks sinks;
	struct model_limits ml;
	struct timespec t0, t1;
	char err[512], *expr;
	const char *wpath;
	unsigned long nw;
	long count;
	struct tui_opts to;
	struct capture_hook hook;
	int ch, json, dns, verbose, list, rc, worst, tui, realtime;

	memset(&co, 0, sizeof(co));
	wpath = NULL;
	count = 0;
	json = dns = verbose = list = realtime = 0;
	tui = -1;	/* the default: live, on a terminal */
	expr = NULL;
	while ((ch = getopt_long(argc, argv, "B:c:Df:hi:pr:s:vw:Z:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'B':
			co.bufsize_kib = (int)parse_num("-B", optarg, 1,
			    INT_MAX / 1024);
			break;
		case 'c':
			count = parse_num("-c", optarg, 1, LONG_MAX);
			break;
		case 'D':
			list = 1;
			break;
		case 'f':
			co.filter = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'i':
			co.iface = optarg;
			break;
		case 'p':
			co.no_promisc = 1;
			break;
		case 'r':
			co.file = optarg;
			break;
		case 's':
			co.snaplen = (int)parse_num("-s", optarg, 64, 262144);
			break;
		case 'v':
			verbose++;
			break;
		case 'w':
			wpath = optarg;
			break;
		case 'Z':
			co.user = optarg;
			break;
		case OPT_DNS:
			dns = 1;
			break;
		case OPT_EXPLAIN:
			return explain(optarg);
		case OPT_JSON:
			json = 1;
			break;
		case OPT_TUI:
			tui = 1;
			break;
		case OPT_NO_TUI:
			tui = 0;
			break;
		case OPT_REALTIME:
			realtime = 1;
			break;
		case OPT_PORT:
			if (parse_port(optarg) != 0)
				return EXIT_USAGE;
			break;
		case OPT_VERSION:
			printf("krbscope %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (list) {
		if (capture_list_interfaces(stdout, err, sizeof(err)) != 0) {
			fprintf(stderr, "krbscope: %s\n", err);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (argc > 0) {
		if (co.filter != NULL) {
			fprintf(stderr, "krbscope: give the filter with -f or "
			    "as trailing words, not both\n");
			return EXIT_USAGE;
		}
		co.filter = expr = join_args(argc, argv);
	}
	if (wpath != NULL && (co.file == NULL || strcmp(co.file, "-") == 0)) {
		fprintf(stderr, "krbscope: -w needs -r FILE (the file is read "
		    "again to write the packets)\n");
		return EXIT_USAGE;
	}
	if ((co.file == NULL) == (co.iface == NULL)) {
		fprintf(stderr, "krbscope: give one of -r FILE or -i "
		    "INTERFACE\n");
		usage(stderr);
		free(expr);
		return EXIT_USAGE;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (capture_open(&co, &cap, err, sizeof(err)) != 0) {
		fprintf(stderr, "krbscope: %s\n", err);
		free(expr);
		return EXIT_USAGE;
	}
	memset(&oo, 0, sizeof(oo));
	oo.fp = stdout;
	oo.verbose = verbose;
	oo.live = co.iface != NULL;
	oo.source = co.file != NULL ? co.file : co.iface;
	oo.filter = capture_filter(cap);
	oo.linktype = capture_linktype(cap);
	/* the live view: asked for, or live on a terminal */
	if (tui < 0)
		tui = oo.live && !json && isatty(STDOUT_FILENO) &&
		    isatty(STDIN_FILENO);
	if ((tui && json) || (realtime && (!tui || oo.live))) {
		fprintf(stderr, "krbscope: %s\n", tui && json ? "--tui and "
		    "--json do not mix" : "--realtime goes with --tui -r");
		capture_close(cap);
		free(expr);
		return EXIT_USAGE;
	}
	if (tui)
		oo.verbose = 0;	/* lines would write over the screen */
	if (json)
		oo.mode = OUT_JSON;
	else if (tui)
		oo.mode = OUT_REPORT;	/* the report after the view */
	else if (oo.live && verbose == 0)
		oo.mode = OUT_LINES;	/* live: show messages as they come */
	else
		oo.mode = OUT_REPORT;
	if (oo.live) {
		setvbuf(stdout, NULL, _IOLBF, 0);
		fprintf(stderr, "krbscope: listening on %s, link type %s, "
		    "filter: %s\n", co.iface, link_name(oo.linktype),
		    oo.filter != NULL ? oo.filter : "(none)");
	} else
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	out = out_new(&oo);
	model_limits_default(&ml);
	sinks.out = out;
	sinks.wf = wpath != NULL ? wfile_new() : NULL;
	sinks.model = model_new(&ml, to_exchange, &sinks);
	model_set_spn_all(sinks.model, oo.mode == OUT_JSON);
	sinks.diag = diag_new(sinks.model);
	out_set_diag(out, sinks.diag);
	model_set_session_sink(sinks.model, to_session, to_chain, &sinks);
	ops.krb = to_krb;
	ops.ntlm = to_ntlm;
	ops.spnego = to_spnego;
	ops.auth = to_auth;
	ops.tick = to_tick;
	/*
	 * The model maps addresses to the names clients resolved; only the
	 * JSON and -v outputs show that map (host records, sessions'
	 * dns_name), so the plain report leaves DNS undecoded: counted only.
	 * DNS records and lines themselves only with --dns: on a domain
	 * controller most packets are DNS, most of it nothing to do with
	 * Kerberos.
	 */
	sinks.dns_out = dns && (oo.mode != OUT_REPORT || verbose > 0);
	ops.dns = to_dns;
	/* the report needs DNS only to tell an alias from a host name */
	ops.dns_answers_only = sinks.dns_out ? DNS_ALL :
	    oo.mode != OUT_REPORT || verbose > 0 ? DNS_ANSWERS :
	    DNS_CNAME_ANSWERS;
	ops.arg = &sinks;
	engine_init(&eng, &ops);
	eng.want_tree = verbose > 1 && oo.mode != OUT_JSON;
	sinks.tui = NULL;
	if (tui) {
		memset(&to, 0, sizeof(to));
		to.source = oo.source;
		to.filter = oo.filter;
		to.live = oo.live;
		to.file = co.file;
		to.wdir = ".";
		if ((sinks.tui = tui_new(&to, err, sizeof(err))) == NULL) {
			fprintf(stderr, "krbscope: %s\n", err);
			capture_close(cap);
			free(expr);
			return EXIT_USAGE;
		}
		tui_sources(sinks.tui, &eng, cap, sinks.diag, sinks.model);
		memset(&hook, 0, sizeof(hook));
		hook.poll = tui_poll;
		hook.arg = sinks.tui;
		hook.realtime = realtime;
		hook.hold = !oo.live;	/* a file: browse it after the end */
		hook.input_fd = tui_input_fd(sinks.tui);
		capture_set_hook(cap, &hook);
		if (oo.live)
			capture_keep(cap);	/* for 'w' */
	}
	rc = capture_run(cap, &eng, count, err, sizeof(err));
	if (sinks.tui != NULL) {
		tui_end(sinks.tui);
		sinks.tui = NULL;
	}
	if (rc != 0)
		fprintf(stderr, "krbscope: %s\n", err);
	engine_fini(&eng);	/* ends flows: may still emit messages */
	model_finish(sinks.model);	/* ends what is pending */
	diag_finish(sinks.diag);
	model_hosts_walk(sinks.model, out_host, out);
	capture_stats(cap, &eng.st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(&ri, 0, sizeof(ri));
	ri.cpu_secs = cpu_seconds();
	ri.wall_secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ri.interrupted = capture_interrupted();
	ri.model = model_stats(sinks.model);
	out_finish(out, &eng, &ri);
	if (sinks.wf != NULL && rc == 0) {
		if (wfile_write(sinks.wf, co.file, wpath, &nw, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "krbscope: %s\n", err);
			rc = -1;
		} else {
			fprintf(stderr, "krbscope: wrote %lu packets of %d "
			    "connections with a failed exchange to %s\n", nw,
			    wfile_count(sinks.wf), wpath);
			if (wfile_left_out(sinks.wf) > 0)
				fprintf(stderr, "krbscope: %lu more such "
				    "connections left out\n",
				    wfile_left_out(sinks.wf));
		}
	}
	if (oo.live && eng.st.have_pcap_stats)
		fprintf(stderr, "krbscope: %llu packets captured, %llu "
		    "received by filter, %llu dropped by kernel\n",
		    (unsigned long long)eng.st.packets,
		    (unsigned long long)eng.st.pcap_recv,
		    (unsigned long long)eng.st.pcap_drop);
	worst = diag_worst(sinks.diag);
	model_free(sinks.model);
	diag_free(sinks.diag);
	wfile_free(sinks.wf);
	out_free(out);
	asn1ref_fini();
	capture_close(cap);
	free(expr);
	if (rc != 0)
		return EXIT_USAGE;
	return worst >= SEV_WARNING ? EXIT_FINDINGS : 0;
}
