/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * out.h - outputs: NDJSON, one line per message (-v), the text report.
 * Outputs read records and counters; they never parse packets.
 */
#ifndef KS_OUT_H
#define KS_OUT_H

#include <stdio.h>

#include "engine.h"
#include "model.h"
#include "record.h"

#define OUT_REPORT	0	/* text report at the end (default) */
#define OUT_JSON	1	/* NDJSON */
#define OUT_LINES	2	/* one line per message, no report */

struct out_opts {
	int		 mode;
	int		 verbose;	/* -v count */
	FILE		*fp;		/* borrowed */
	const char	*source;	/* file name or interface */
	const char	*filter;	/* BPF expression in use, or NULL */
	int		 live;
	int		 linktype;
};

/* What the capture layer knows at the end. */
struct run_info {
	double		 cpu_secs;	/* user + system */
	double		 wall_secs;
	int		 interrupted;	/* SIGINT/SIGTERM */
	const struct model_stats *model;	/* or NULL */
};

struct out;

struct out	*out_new(const struct out_opts *);
void		 out_free(struct out *);
/* The engine's sink: one call per Kerberos message (krb_sink_fn). */
void		 out_krb(void *arg, const struct msg_ctx *,
		    const struct krb_msg *);
void		 out_ntlm(void *arg, const struct msg_ctx *,
		    const struct ntlm_msg *);
void		 out_spnego(void *arg, const struct msg_ctx *,
		    const struct spnego_info *);
void		 out_auth(void *arg, const struct msg_ctx *,
		    const struct auth_rec *);
void		 out_dns(void *arg, const struct msg_ctx *,
		    const struct dns_rec *);
/* The model's sink: one call per finished exchange. */
void		 out_exchange(void *arg, const struct exchange *);
/* The model's session and chain sinks. */
void		 out_session(void *arg, const struct session *);
void		 out_chain(void *arg, const struct chain *);
void		 out_host(void *arg, const struct host_info *);
struct diag;
/* The findings to write at the end (borrowed; NULL: none). */
void		 out_set_diag(struct out *, struct diag *);
/* Final output: the findings, then the stats object (JSON) or the
 * report (text). */
void		 out_finish(struct out *, const struct engine *,
		    const struct run_info *);

#endif /* KS_OUT_H */
