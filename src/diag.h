/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * diag.h - diagnosis: the field's failure catalog as rules with stable
 * IDs, applied to the model's exchanges, sessions and chains and to the
 * decoded messages. Knows nothing of output: findings go to whoever
 * walks them.
 */
#ifndef KS_DIAG_H
#define KS_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "model.h"
#include "record.h"

/* finding severity, most severe last */
#define SEV_INFO	1
#define SEV_WARNING	2
#define SEV_ERROR	3

/* bumped when a rule's trigger or text changes meaning */
#define DIAG_RULE_VERSION	1

struct rule {
	const char	*id;		/* stable: "KRB-AP-MODIFIED" */
	int		 severity;	/* SEV_* */
	const char	*title;		/* a few words */
	const char	*meaning;	/* what the wire shows and what it
					 * means, for --explain */
	const char	*advice;	/* the fix, in general words */
};

/* The rule table, ending with a NULL id. */
const struct rule	*diag_rules(void);
/* A rule by ID (case-insensitive), or NULL. */
const struct rule	*diag_rule(const char *);
/* "error", "warning", "info" */
const char		*diag_severity_name(int);

#define FIND_MAX_FRAMES	8
#define FIND_TEXT_MAX	640

struct finding {
	const struct rule *rule;
	uint64_t	 count;		/* occurrences folded into it */
	int		 family;	/* 0: no client address */
	uint8_t		 client[16];
	char		 principal[KRB_NAME_MAX + KRB_REALM_MAX + 2];
	char		 service[KRB_NAME_MAX];	/* SPN, "" when none */
	int		 has_server;
	uint8_t		 server[16];
	uint16_t	 port;
	int		 n_frames;	/* the first FIND_MAX_FRAMES */
	uint64_t	 frames[FIND_MAX_FRAMES];
	uint64_t	 first_frame, last_frame;
	struct timeval	 first_ts, last_ts;
	char		 summary[FIND_TEXT_MAX];	/* plain words, names
							 * filled in */
	char		 advice[FIND_TEXT_MAX];
};

struct diag_stats {
	uint64_t	 findings;	/* distinct findings kept */
	uint64_t	 occurrences;	/* all, folded ones included */
	uint64_t	 dropped;	/* past the cap (DIAG_MAX_FINDINGS) */
};

struct diag;

/* The model is read for names (the hosts map); it may be NULL. */
struct diag		*diag_new(const struct model *);
void			 diag_free(struct diag *);
void			 diag_krb(struct diag *, const struct msg_ctx *,
			    const struct krb_msg *);
void			 diag_auth(struct diag *, const struct msg_ctx *,
			    const struct auth_rec *);
void			 diag_exchange(struct diag *, const struct exchange *);
void			 diag_session(struct diag *, const struct session *);
void			 diag_chain(struct diag *, const struct chain *);
/* The end of the capture: the rules that wait for it. */
void			 diag_finish(struct diag *);
typedef void		(*finding_fn)(void *arg, const struct finding *);
/* Most severe first, then by first frame. */
void			 diag_walk(struct diag *, finding_fn, void *arg);
/* The highest severity found, 0 for none. */
int			 diag_worst(const struct diag *);
const struct diag_stats	*diag_stats(const struct diag *);

#endif /* KS_DIAG_H */
