/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * model.h - the story behind the messages (issue 6, first part):
 * Kerberos exchanges (AS-REQ -> AS-REP / KRB-ERROR, TGS-REQ -> TGS-REP /
 * KRB-ERROR, AP-REQ -> AP-REP / KRB-ERROR / the carrier's verdict) and the
 * tickets they issue and present, identified by the hash of their cipher
 * (krb_ticket.id). The model reads records, never packets, and knows
 * nothing of output: it hands each finished exchange to a sink.
 * Bounded: pending requests and known tickets live in fixed-size tables
 * whose evictions are counted.
 */
#ifndef KS_MODEL_H
#define KS_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "record.h"

/* exchange.kind */
#define XK_AS		1
#define XK_TGS		2
#define XK_AP		3

/* exchange.result */
#define XR_OK		1	/* AS-REP / TGS-REP / AP-REP, or the carrier
				 * accepted the login */
#define XR_ERROR	2	/* KRB-ERROR (error_code), or the carrier
				 * refused (carrier_result) */
#define XR_NO_ANSWER	3	/* no answer within the timeout */
#define XR_UNKNOWN	4	/* the capture ended first, or the carrier
				 * said nothing we could tie to it */

/* exchange.delegation: how the request acts for someone else */
#define XD_NONE		0
#define XD_UNCONSTRAINED 1	/* a ticket-granting ticket forwarded to
				 * another host is used there (or a ticket
				 * obtained with one) */
#define XD_CONSTRAINED	2	/* S4U2Proxy: an evidence ticket */
#define XD_S4U2SELF	3	/* S4U2Self: PA-FOR-USER / S4U-X509-USER */

#define XT_MAX_FRAMES	8	/* frames kept per exchange */

struct exchange {
	int		 kind;		/* XK_* */
	int		 result;	/* XR_* */
	int32_t		 error_code;	/* XR_ERROR from a KRB-ERROR, else 0 */
	int		 has_error_code;
	char		 carrier_result[128];	/* e.g. "session_setup
						 * STATUS_LOGON_FAILURE",
						 * "result 18456" */
	/* who and where: the requester is the client */
	int		 family;
	uint8_t		 client[16], server[16];
	uint16_t	 cport, sport;
	int		 transport;
	const char	*carrier;	/* static */
	/* names: cname/crealm from the request, the reply, or (TGS, AP) the
	 * ticket the request presents when that ticket was issued in the
	 * capture */
	char		 cname[KRB_NAME_MAX], crealm[KRB_REALM_MAX];
	char		 sname[KRB_NAME_MAX], realm[KRB_REALM_MAX];
	/* tickets */
	int		 has_issued;		/* AS-REP / TGS-REP */
	uint8_t		 issued[KRB_ID_LEN];
	int		 has_presented;		/* TGS-REQ's TGT, AP-REQ's
						 * ticket */
	uint8_t		 presented[KRB_ID_LEN];
	uint64_t	 presented_frame;	/* frame of the reply that
						 * issued it, 0: not seen */
	int		 has_additional;	/* S4U2Proxy evidence ticket */
	uint8_t		 additional[KRB_ID_LEN];
	uint64_t	 additional_frame;
	/* delegation: for TGS and AP exchanges */
	int		 delegation;		/* XD_* */
	int		 has_deleg_from;	/* the user's own host, where
						 * the forwarded ticket was
						 * issued */
	uint8_t		 deleg_from[16];
	/* request details */
	uint32_t	 kdc_options;		/* TGS/AS: as in krb_msg */
	int		 has_kdc_options;
	char		 for_user[KRB_NAME_MAX];	/* S4U2Self */
	int		 retransmissions;	/* same request seen again */
	/* evidence */
	uint64_t	 req_frame, rep_frame;	/* rep_frame 0: none */
	struct timeval	 req_ts, rep_ts;
	int		 n_frames;
	uint64_t	 frames[XT_MAX_FRAMES];	/* all frames, in order */
};

typedef void	(*exchange_sink_fn)(void *arg, const struct exchange *);

struct model_limits {
	size_t		 max_pending;	/* requests awaiting an answer */
	size_t		 max_tickets;	/* tickets remembered */
	unsigned	 answer_secs;	/* a request unanswered this long is
					 * XR_NO_ANSWER */
	unsigned	 ticket_secs;	/* tickets forgotten after this long
					 * without use */
};

struct model_stats {
	uint64_t	 exchanges;		/* handed to the sink */
	uint64_t	 no_answer;
	uint64_t	 retransmissions;
	uint64_t	 pending_evicted;	/* max_pending reached */
	uint64_t	 tickets_known, tickets_evicted;
	uint64_t	 presented, presented_linked;	/* tickets presented;
						 * of which issued in the
						 * capture */
	uint64_t	 orphan_replies;	/* a reply with no request */
};

struct model;

void		 model_limits_default(struct model_limits *);
struct model	*model_new(const struct model_limits *, exchange_sink_fn,
		    void *arg);
/* Ends what is pending (XR_UNKNOWN or XR_NO_ANSWER): the end of the
 * capture. The statistics stay readable until model_free(). */
void		 model_finish(struct model *);
/* model_finish(), then frees. */
void		 model_free(struct model *);
const struct model_stats *model_stats(const struct model *);

/* Feeding: the engine's records, in capture order. */
void		 model_krb(struct model *, const struct msg_ctx *,
		    const struct krb_msg *);
void		 model_auth(struct model *, const struct msg_ctx *,
		    const struct auth_rec *);
/* Capture time moved on: expire what is due. */
void		 model_tick(struct model *, const struct timeval *now);

#endif /* KS_MODEL_H */
