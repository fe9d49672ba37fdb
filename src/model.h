/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * model.h - the story behind the messages (issue 6):
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
#include "spn.h"

struct model;

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
	int		 req_preauth;	/* AS: the request carried
					 * pre-authentication (encrypted
					 * timestamp, challenge, PKINIT,
					 * FAST, SPAKE) */
	int		 req_unseen;	/* AP: only the service's answer was
					 * seen (the request was inside TLS,
					 * e.g. a TDS login with ENCRYPT_OFF);
					 * req_frame is then the answer's */
	struct timeval	 req_ts, rep_ts;
	int		 n_frames;
	uint64_t	 frames[XT_MAX_FRAMES];	/* all frames, in order */
	/* sname taken apart (src/spn.h) when it is well-formed, else NULL
	 * (for AP exchanges; for all with model_set_spn_all()):
	 * borrowed, valid only during the sink call (a copy of the exchange
	 * made there keeps a stale pointer: copy *spn too, or call
	 * spn_parse(sname) again) */
	const struct spn_parts *spn;
};

typedef void	(*exchange_sink_fn)(void *arg, const struct exchange *);

struct model_limits {
	size_t		 max_pending;	/* requests awaiting an answer */
	size_t		 max_tickets;	/* tickets remembered */
	unsigned	 answer_secs;	/* a request unanswered this long is
					 * XR_NO_ANSWER */
	unsigned	 ticket_secs;	/* tickets forgotten after this long
					 * without use */
	size_t		 max_sessions;	/* sessions kept (default 128, about
					 * 10 KB each); past it the least
					 * recently active is handed over */
	unsigned	 session_idle_secs;	/* a session idle this long
						 * is handed over (default
						 * 300; 0: only at the cap
						 * and the end) */
	size_t		 max_hosts;	/* addresses in the hosts map
					 * (default 1024, about 3 KB each; 0:
					 * the default); past it the least
					 * recently seen is forgotten */
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
	uint64_t	 ap_requests_unseen;	/* AP exchanges made from a
						 * service's AP-REP alone */
	/* sessions and chains (only with model_set_session_sink()) */
	uint64_t	 sessions;		/* handed to the session sink */
	uint64_t	 sessions_evicted;	/* max_sessions reached */
	uint64_t	 sessions_idle;		/* handed over when idle */
	uint64_t	 sessions_cut;		/* services or tickets past the
						 * per-session arrays */
	uint64_t	 ntlm_logins;		/* NTLM AUTHENTICATEs seen */
	uint64_t	 chains, chains_inferred;
	/* the hosts map */
	uint64_t	 hosts;			/* addresses entered */
	uint64_t	 hosts_evicted;		/* max_hosts reached */
	uint64_t	 host_names_cut;	/* names or principals of an
						 * address replaced when its
						 * arrays were full */
};

/*
 * Hosts map (issue 6, "principals and hosts"): per address, the names
 * seen for it and where each came from, and the client principals that
 * asked the KDC from it (AS/TGS exchanges naming a client).
 * - HN_DNS: the owner of an A/AAAA answer for the address (model_dns);
 * - HN_DNS_ALIAS: the owner of a CNAME whose chain ends at such a name
 *   (alias_of: that name);
 * - HN_SPN: the host part of the SPN of a ticket presented in an AP
 *   exchange to the address (not for krbtgt);
 * - HN_TDS: TDS LOGIN7 ServerName as the client wrote it ("sql",
 *   "sql\INST1", "tcp:sql,1433");
 * - HN_HTTP: the Host header of a request with credentials, without the
 *   port (and the brackets of an IPv6 address);
 * - HN_SMB: the server of an SMB2 TREE_CONNECT path "\\server\share".
 * Names compare without regard to case; one entry per name and source.
 * Bounded: max_hosts addresses (least recently seen forgotten), per
 * address HOST_MAX_NAMES names and HOST_MAX_PRINCIPALS principals (the
 * least recently seen replaced); both counted.
 */
#define HN_DNS		1
#define HN_DNS_ALIAS	2
#define HN_SPN		3
#define HN_TDS		4
#define HN_HTTP		5
#define HN_SMB		6

#define HN_NAME_MAX	128	/* cut with "..." */
#define HOST_MAX_NAMES	12
#define HOST_MAX_PRINCIPALS 4

struct host_name {
	char		 name[HN_NAME_MAX];
	int		 source;	/* HN_* */
	char		 alias_of[HN_NAME_MAX];	/* HN_DNS_ALIAS: the
						 * canonical name, else "" */
	uint64_t	 first_frame, last_frame;
};

struct host_principal {
	char		 name[HN_NAME_MAX];	/* "alice@REALM" */
	uint64_t	 first_frame, last_frame;
};

struct host_info {
	int		 family;
	uint8_t		 addr[16];
	int		 n_names;	/* in the order first seen */
	struct host_name names[HOST_MAX_NAMES];
	int		 n_principals;
	struct host_principal principals[HOST_MAX_PRINCIPALS];
	int		 names_cut;	/* names or principals replaced */
};

typedef void	(*host_fn)(void *arg, const struct host_info *);

/* "dns", "dns_alias", "spn", "tds", "http", "smb" ("?" otherwise) */
const char	*model_host_source_name(int);
/* The names of an address into out (at most max); how many. */
int		 model_host_names(const struct model *, int family,
		    const uint8_t *addr, struct host_name *out, int max);
/* All of an address: 0, or -1 when it is not in the map. */
int		 model_host_get(const struct model *, int family,
		    const uint8_t *addr, struct host_info *out);
/* The address a DNS answer gave name (or an alias of it): 0, or -1. */
int		 model_host_by_name(const struct model *, const char *name,
		    struct host_info *out);
/* Every address in the map, least recently seen first (also after
 * model_finish(), until model_free()). */
void		 model_hosts_walk(const struct model *, host_fn, void *arg);

/*
 * Sessions (issue 6, second part): per client host and principal, the
 * story as data: the TGT, the service tickets, and per service contacted
 * the Kerberos logins (AP exchanges), the NTLM logins and the carrier's
 * verdicts. Built from the finished exchanges, NTLM records
 * (model_ntlm) and carrier events (model_auth), only once a session sink
 * is set. Handed over at model_finish(), or earlier when max_sessions is
 * reached (the least recently active one; counted).
 *
 * Which session a record joins: an exchange naming a client principal
 * joins (host, principal), taking over a session of that host with no
 * principal yet; an exchange with no known principal, a carrier event and
 * an anonymous NTLM login join the host's most recently active session;
 * an NTLM login joins the host's session whose principal is the NTLM user
 * (user, user@domain or its name part), else the most recent one. With no
 * session for the host a new one is made (principal "" or the NTLM
 * "DOMAIN\user").
 */
#define SESS_MAX_SERVICES	8	/* services per session */
#define SESS_MAX_TICKETS	8	/* service tickets per session */
#define SESS_NAME_MAX	128	/* principal, SPN: cut with "..." */
#define SESS_USER_MAX	64	/* NTLM user, domain */
#define SESS_TEXT_MAX	64	/* a carrier's verdict */

/* session.outcome and sess_service.outcome, most important first */
#define SO_OK		1	/* no failure: every login accepted */
#define SO_KERBEROS_REJECTED 2	/* a service refused an AP-REQ (KRB-ERROR) */
#define SO_NTLM_FALLBACK 3	/* an NTLM login where Kerberos was
				 * possible: the client had a TGT, or the
				 * NTLM target SPN names a service, or a TGS
				 * for it failed with S_PRINCIPAL_UNKNOWN */
#define SO_LOGIN_FAILED	4	/* the carrier refused a login */
#define SO_KDC_ERROR	5	/* the last AS or TGS attempt for a name
				 * failed (not PREAUTH_REQUIRED (25) nor
				 * RESPONSE_TOO_BIG (52)) */
#define SO_NO_LOGIN	6	/* a service contacted (carrier events) but
				 * no login sent: no credentials */
#define SO_NO_ANSWER	7	/* requests without an answer, nothing
				 * succeeded */

/* "ok", "kerberos_rejected", "ntlm_fallback", "login_failed",
 * "kdc_error", "no_login", "no_answer" ("?" otherwise) */
const char	*model_outcome_name(int);

/* The AS exchanges of a session for a TGT (krbtgt/...): the last one's
 * result. */
struct sess_tgt {
	int		 n_exchanges;	/* 0: no AS exchange seen */
	int		 result;	/* XR_* of the last */
	int		 has_error_code;
	int32_t		 error_code;
	int		 has_ticket;	/* the TGT issued (last AS-REP) */
	uint8_t		 ticket[KRB_ID_LEN];
	uint64_t	 first_frame;	/* first AS-REQ */
	uint64_t	 req_frame, rep_frame;	/* the last exchange */
};

/* The TGS exchanges for one SPN (and one delegation kind): the last.
 * Also AS exchanges for a service other than krbtgt (kadmin/changepw:
 * a password change asks the KDC directly). */
struct sess_ticket {
	char		 spn[SESS_NAME_MAX];
	int		 kind;		/* XK_TGS, or XK_AS: of the last */
	int		 n_exchanges;
	int		 result;	/* XR_* of the last */
	int		 has_error_code;
	int32_t		 error_code;
	int		 delegation;	/* XD_* */
	char		 for_user[SESS_NAME_MAX];	/* S4U: the user */
	int		 has_deleg_from;
	uint8_t		 deleg_from[16];
	int		 has_issued;
	uint8_t		 issued[KRB_ID_LEN];
	int		 has_additional;	/* S4U2Proxy evidence */
	uint8_t		 additional[KRB_ID_LEN];
	uint64_t	 req_frame, rep_frame;	/* the last exchange */
	struct timeval	 ts;		/* the last request */
};

/* A service contacted: server address and port, carrier. */
struct sess_service {
	uint8_t		 server[16];
	uint16_t	 port;
	const char	*carrier;	/* static */
	char		 spn[SESS_NAME_MAX];	/* the AP ticket's, else the
						 * NTLM target SPN */
	int		 outcome;	/* SO_*, set at hand-over */
	/* the names the client used for the server (from the hosts map):
	 * the DNS name it last resolved to the server's address before a
	 * login or contact (the name it asked for: a CNAME's owner is
	 * HN_DNS_ALIAS), and the one it gave the carrier (TDS ServerName,
	 * HTTP Host, SMB tree server) on its latest connection to the
	 * port; "" and 0 when none seen */
	char		 dns_name[HN_NAME_MAX];
	int		 dns_source;	/* HN_DNS or HN_DNS_ALIAS */
	char		 used_name[HN_NAME_MAX];
	int		 used_source;	/* HN_TDS, HN_HTTP or HN_SMB */
	/* Kerberos: the AP exchanges; the details are the first refused
	 * one's, else the last one's */
	int		 n_ap, n_ap_ok, n_ap_error;
	int		 ap_result;	/* XR_*, 0: none */
	int		 ap_has_error_code;
	int32_t		 ap_error_code;
	char		 ap_carrier_result[SESS_TEXT_MAX];
	int		 ap_delegation;	/* XD_* */
	int		 ap_has_ticket;
	uint8_t		 ap_ticket[KRB_ID_LEN];
	uint64_t	 ap_req_frame, ap_rep_frame;
	struct timeval	 ap_first_ts, ap_last_ts;
	/* NTLM: the AUTHENTICATEs; the details are the first refused
	 * one's, else the last one's */
	int		 n_ntlm, n_ntlm_ok, n_ntlm_fail;
	int		 ntlm_result;	/* XR_*, 0: none */
	char		 ntlm_user[SESS_USER_MAX];
	char		 ntlm_domain[SESS_USER_MAX];
	int		 ntlm_anonymous;
	char		 ntlm_spn[SESS_NAME_MAX];	/* MsvAvTargetName */
	char		 ntlm_carrier_result[SESS_TEXT_MAX];
	int		 ntlm_fallback;	/* set at hand-over */
	uint64_t	 ntlm_frame, ntlm_rep_frame;
	struct timeval	 ntlm_ts;
	/* carrier events on the connection (PRELOGIN, NEGOTIATE, ...) */
	int		 contacted;
	uint64_t	 contact_frame;	/* the first */
	struct timeval	 contact_ts;
	int		 contact_result;	/* XR_*: a verdict no login
						 * took, 0: none */
	char		 contact_carrier_result[SESS_TEXT_MAX];
};

struct session {
	int		 family;
	uint8_t		 host[16];	/* the client */
	char		 principal[SESS_NAME_MAX];	/* "alice@REALM",
							 * NTLM "DOM\user",
							 * or "" */
	int		 outcome;	/* SO_* */
	/* acting for someone else (the host is a middle tier) */
	int		 delegation;	/* XD_*, XD_NONE: no */
	int		 has_deleg_from;
	uint8_t		 deleg_from[16];	/* the user's host */
	char		 for_user[SESS_NAME_MAX];	/* S4U: the user */
	struct sess_tgt	 tgt;
	uint64_t	 first_frame, last_frame;
	struct timeval	 first_ts, last_ts;
	int		 n_tickets, tickets_cut;
	int		 n_services, services_cut;
	/* the arrays last: entries past n_tickets, n_services are
	 * undefined (a new session clears only what comes before) */
	struct sess_ticket tickets[SESS_MAX_TICKETS];
	struct sess_service services[SESS_MAX_SERVICES];
};

/*
 * Delegation chains: C (the user's host) -> A (the host acting for the
 * user) -> B (the service A reached). Proven by tickets: A presents C's
 * forwarded TGT (unconstrained) or an evidence ticket (S4U2Proxy) that C
 * presented to A or that A got by S4U2Self. Hop 1 is C's AP exchange to
 * A's address (for S4U2Self: A's S4U2Self request, no "from"); hop 2 is
 * A's TGS exchange and its AP exchange to B.
 * inferred: no ticket proves the link, timing suggests it: an NTLM login,
 * an anonymous one, or a carrier connection without any login (auth
 * HA_NONE: no credentials) from A to B within CHAIN_INFER_SECS after C's
 * AP exchange to A, and no delegated ticket at A in between.
 */
#define CHAIN_MAX_HOPS	3
#define CHAIN_MAX_FRAMES 8
#define CHAIN_INFER_SECS 5

/* chain_hop.auth */
#define HA_KERBEROS	1
#define HA_NTLM		2
#define HA_ANONYMOUS	3	/* NTLM, anonymous */
#define HA_NONE		4	/* connected, no login: no credentials */

struct chain_hop {
	int		 has_from;	/* 0: S4U2Self (no user host) */
	uint8_t		 from[16];
	int		 has_to;	/* 0: no AP exchange seen (the TGS
					 * only); S4U2Self: "to" is A
					 * itself, port 0 */
	uint8_t		 to[16];
	uint16_t	 port;
	const char	*carrier;	/* static, or NULL */
	char		 spn[SESS_NAME_MAX];
	int		 auth;		/* HA_* */
	int		 delegation;	/* XD_* */
	int		 has_ticket;	/* presented at "to" (or, without
					 * an AP exchange, issued) */
	uint8_t		 ticket[KRB_ID_LEN];
	/* the hop's TGS exchange (S4U2Self, S4U2Proxy, forwarded TGT) */
	int		 kdc_result;	/* XR_*, 0: none */
	int		 kdc_has_error_code;
	int32_t		 kdc_error_code;
	/* the service's answer */
	int		 result;	/* XR_*, 0: no login */
	int		 has_error_code;
	int32_t		 error_code;
	char		 carrier_result[SESS_TEXT_MAX];
	int		 n_frames;
	uint64_t	 frames[CHAIN_MAX_FRAMES];	/* ascending */
};

struct chain {
	int		 family;
	char		 user[SESS_NAME_MAX];	/* on whose behalf */
	int		 inferred;
	int		 n_hops;
	struct chain_hop hops[CHAIN_MAX_HOPS];
};

typedef void	(*session_sink_fn)(void *arg, const struct session *);
typedef void	(*chain_sink_fn)(void *arg, const struct chain *);

/* Turns sessions and chains on (before the first record): either sink
 * may be NULL. A session's chains reach chain_sink just before it. */
void		 model_set_session_sink(struct model *, session_sink_fn,
		    chain_sink_fn, void *arg);
/* NTLMSSP records: an AUTHENTICATE is an NTLM login at its receiver;
 * the carrier's verdict (model_auth) closes it. */
void		 model_ntlm(struct model *, const struct msg_ctx *,
		    const struct ntlm_msg *);

void		 model_limits_default(struct model_limits *);
struct model	*model_new(const struct model_limits *, exchange_sink_fn,
		    void *arg);
/* Fill exchange.spn for AS and TGS exchanges too (an output shows it). */
void		 model_set_spn_all(struct model *, int);
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
/* DNS responses: A/AAAA answers and CNAME chains into the hosts map. */
void		 model_dns(struct model *, const struct msg_ctx *,
		    const struct dns_rec *);
/* Capture time moved on: expire what is due. */
void		 model_tick(struct model *, const struct timeval *now);

#endif /* KS_MODEL_H */
