/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * asn1_cross.c - runs the engine over each capture named on the command
 * line and checks every Kerberos message it finds against the libtasn1
 * reference (src/asn1ref.c; RFC 4120 section 5): one TAP line per
 * capture, a diagnostic per disagreement (frame and field), and the cost
 * per message of the fast decoder and of the reference.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asn1ref.h"
#include "capture.h"
#include "engine.h"
#include "krb.h"
#include "record.h"

#define MAX_SHOWN	20	/* disagreements printed per capture */

struct cross {
	unsigned long	 msgs, agree, both_reject, disagree;
	double		 fast_ns, check_ns, tree_ns;
};

static double	now_ns(void);
static void	sink(void *, const struct msg_ctx *, const struct krb_msg *);
static int	run(const char *, struct cross *);

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void
sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct cross *x = arg;
	struct krb_msg again;
	char why[512], *text;
	double t0, t1, t2, t3;
	int rc;

	/*
	 * No bytes to check: a user-to-user TGT-REQ / TGT-REP found in a
	 * GSS-API token, which RFC 4120's ASN.1 module does not define.
	 */
	if (m->raw == NULL)
		return;
	x->msgs++;
	t0 = now_ns();
	krb_decode(m->raw, m->raw_len, &again);
	t1 = now_ns();
	rc = asn1ref_check(m->raw, m->raw_len, m, why, sizeof(why));
	t2 = now_ns();
	if (asn1ref_tree(m->raw, m->raw_len, &text) == 0)
		free(text);
	t3 = now_ns();
	x->fast_ns += t1 - t0;
	x->check_ns += t2 - t1;
	x->tree_ns += t3 - t2;
	if (rc == 0)
		x->agree++;
	else if (rc < 0)
		x->both_reject++;
	else {
		if (x->disagree < MAX_SHOWN)
			printf("#   frame %llu %s: %s\n",
			    (unsigned long long)mc->frame,
			    krb_msg_name(m->msg_type) != NULL ?
			    krb_msg_name(m->msg_type) : "?", why);
		x->disagree++;
	}
}

static int
run(const char *file, struct cross *x)
{
	struct capture_opts co;
	struct engine_ops ops;
	struct engine eng;
	struct capture *cap;
	char err[256];
	int rc;

	memset(&co, 0, sizeof(co));
	co.file = file;
	if (capture_open(&co, &cap, err, sizeof(err)) != 0) {
		printf("#   %s\n", err);
		return -1;
	}
	memset(&ops, 0, sizeof(ops));
	ops.krb = sink;
	ops.arg = x;
	engine_init(&eng, &ops);
	rc = capture_run(cap, &eng, 0, err, sizeof(err));
	if (rc != 0)
		printf("#   %s\n", err);
	engine_fini(&eng);
	capture_close(cap);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cross x, all;
	int i, n, rc;

	memset(&all, 0, sizeof(all));
	n = 0;
	for (i = 1; i < argc; i++) {
		memset(&x, 0, sizeof(x));
		rc = run(argv[i], &x);
		printf("%sok %d - %s: %lu messages, %lu agree, %lu rejected "
		    "by both, %lu disagree\n",
		    rc == 0 && x.disagree == 0 ? "" : "not ", ++n, argv[i],
		    x.msgs, x.agree, x.both_reject, x.disagree);
		all.msgs += x.msgs;
		all.agree += x.agree;
		all.both_reject += x.both_reject;
		all.disagree += x.disagree;
		all.fast_ns += x.fast_ns;
		all.check_ns += x.check_ns;
		all.tree_ns += x.tree_ns;
	}
	if (all.msgs > 0)
		printf("# %lu messages: %lu agree, %lu rejected by both, "
		    "%lu disagree; per message: fast decoder %.2f us, "
		    "libtasn1 check %.2f us, libtasn1 tree %.2f us\n",
		    all.msgs, all.agree, all.both_reject, all.disagree,
		    all.fast_ns / 1e3 / (double)all.msgs,
		    all.check_ns / 1e3 / (double)all.msgs,
		    all.tree_ns / 1e3 / (double)all.msgs);
	printf("1..%d\n", n);
	asn1ref_fini();
	return 0;
}
