/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * diag.c - the rules. Each is a row of the table below: a stable ID, a
 * severity, what the wire shows and what it means, and the fix. The
 * triggers read the model's finished exchanges, sessions and chains and,
 * for what only the messages carry (the KDC's clock, RC4 tickets, the
 * etypes a client asks for), the decoded messages. A finding folds every
 * occurrence of one rule for one client, principal, service and server;
 * at most DIAG_MAX_FINDINGS are kept, the rest counted.
 *
 * Error codes: RFC 4120 7.5.9; MS-KILE 3.1.5.13 (KERB-EXT-ERROR status);
 * delegation: MS-SFU 3.2.5; SQL Server messages 18452 and 18456.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "diag.h"
#include "engine.h"
#include "krb.h"
#include "spn.h"
#include "util.h"

#define DIAG_MAX_FINDINGS	256
#define ROAST_CLIENTS		128	/* clients watched for Kerberoasting */
#define ROAST_SPNS		16	/* distinct SPNs remembered each */
#define ROAST_MIN_SPNS		5	/* this many SPNs for RC4: a finding */
#define ROAST_WINDOW_SECS	600
#define TOOBIG_MAX		64	/* RESPONSE_TOO_BIG awaiting TCP */
#define TOOBIG_SECS		30	/* time for the TCP retry */
#define SKEW_SECS		300	/* the default allowed clock skew */
#define ERR_RING		32	/* recent KRB-ERRORs' NTSTATUS */
#define KEY_SLOTS		(2 * DIAG_MAX_FINDINGS)
/* struct diag.chain_noted bits: texts added to a finding once */
#define NOTED_CHAIN		0x1
#define NOTED_FALLBACK		0x2

/* KDC options, bit 0 the MSB (RFC 4120 5.4.1) */
#define KDCOPT(bit)		(1U << (31 - (bit)))
#define KDCOPT_FORWARDED	KDCOPT(2)

static const struct rule rules[] = {
	{ "KRB-AP-MODIFIED", SEV_ERROR,
	  "service key mismatch",
	  "The service could not decrypt the ticket the KDC issued for its "
	  "SPN: KRB_AP_ERR_MODIFIED (41, Windows), KRB_AP_ERR_BAD_INTEGRITY "
	  "(31) or KRB_AP_ERR_BADKEYVER (44, MIT), or the carrier refused "
	  "the login right after such a ticket (SMB STATUS_LOGON_FAILURE, "
	  "TDS 18452, HTTP 401 after Negotiate). The SPN is registered on "
	  "an account other than the one the service runs as, it is "
	  "registered twice, or the service still holds an old key.",
	  "Find the account that holds the SPN (setspn -Q SPN), remove it "
	  "from the wrong one (setspn -D SPN ACCOUNT) and register it on "
	  "the service account (setspn -S SPN SERVICE-ACCOUNT); after a "
	  "password change restart the service, or re-export its keytab "
	  "(MIT: kvno, ktadd)." },
	{ "SPN-UNKNOWN", SEV_ERROR,
	  "SPN not registered",
	  "The KDC answered KDC_ERR_S_PRINCIPAL_UNKNOWN (7): no account "
	  "holds the SPN the client asked for. Windows clients then fall "
	  "back to NTLM where they can (see NTLM-FALLBACK), or the login "
	  "fails.",
	  "Register the SPN on the account the service runs as (setspn -S "
	  "SPN SERVICE-ACCOUNT), or make the client use a name that is "
	  "registered." },
	{ "SPN-MALFORMED", SEV_WARNING,
	  "SPN built from the wrong name",
	  "The SPN the client asked for cannot match a registration: its "
	  "host part is a short name, an IP address, a DNS alias (CNAME) "
	  "instead of the host's canonical name, a name outside the "
	  "realm's domain, or it carries a port an HTTP SPN never has, or "
	  "a SQL Server instance name where TCP needs the port.",
	  "Connect with the host's fully qualified canonical name (the "
	  "A record, not an alias or an address), or register the SPN for "
	  "the name the clients use." },
	{ "SPN-DUPLICATE", SEV_ERROR,
	  "SPN on more than one account",
	  "The KDC answered KDC_ERR_PRINCIPAL_NOT_UNIQUE (9): the SPN is "
	  "registered on several accounts and the KDC refuses to choose.",
	  "List the holders (setspn -Q SPN; setspn -X finds all duplicates) "
	  "and remove the SPN from every account but the service's (setspn "
	  "-D SPN ACCOUNT)." },
	{ "NTLM-FALLBACK", SEV_WARNING,
	  "NTLM where Kerberos was possible",
	  "A client with a domain account (a TGT seen, or an NTLM target "
	  "name that is an SPN) logged in to the service with NTLM. An "
	  "NTLM login cannot be delegated: a next hop from that service "
	  "runs as anonymous or fails.",
	  "Find why Kerberos failed before it (an SPN-UNKNOWN or "
	  "SPN-MALFORMED finding for the same client, a name the client "
	  "could not map to an SPN) and fix that." },
	{ "NTLM-ANONYMOUS", SEV_WARNING,
	  "anonymous NTLM login",
	  "An NTLM AUTHENTICATE with an empty user or the anonymous flag: "
	  "the client had no credentials to give, typically a middle tier "
	  "that could not delegate the user's identity.",
	  "If this is the second hop of a double hop, set up delegation "
	  "for the middle tier (constrained delegation to the back end's "
	  "SPN) and make it log in with Kerberos." },
	{ "LOGIN-ANONYMOUS", SEV_ERROR,
	  "login failed for ANONYMOUS LOGON",
	  "SQL Server refused the login with error 18456 for 'NT "
	  "AUTHORITY\\ANONYMOUS LOGON' (SQL Server 2000: '(null)'): the "
	  "connection came without credentials, the classic broken double "
	  "hop.",
	  "Give the middle tier delegation rights for the SQL Server's "
	  "SPN (MSSQLSvc/host.domain:port) and make sure the user's login "
	  "to the middle tier is Kerberos, not NTLM." },
	{ "DELEG-NOT-FORWARDABLE", SEV_ERROR,
	  "ticket not forwardable",
	  "The KDC refused to forward a ticket-granting ticket "
	  "(KDC_ERR_BADOPTION, 13): the account is marked sensitive, or "
	  "the TGT was not forwardable.",
	  "Clear 'Account is sensitive and cannot be delegated' if the "
	  "user must be delegated (not for administrators: Protected "
	  "Users are never delegated), or use constrained delegation." },
	{ "DELEG-NO-FORWARDED-TGT", SEV_ERROR,
	  "middle tier got no delegated credentials",
	  "The user logged in to the middle tier with Kerberos but without "
	  "a forwarded TGT, and the middle tier then reached the back end "
	  "without the user's identity (no login, anonymous or NTLM): the "
	  "middle tier's account is not trusted for delegation, or the "
	  "client did not ask to delegate.",
	  "Trust the middle tier's account for delegation (constrained: "
	  "to the back end's SPN; Kerberos only), or enable delegation in "
	  "the client (e.g. a browser's allow-list for the site)." },
	{ "DELEG-S4U-DENIED", SEV_ERROR,
	  "constrained delegation refused",
	  "The KDC refused an S4U2Proxy or S4U2Self request "
	  "(KDC_ERR_BADOPTION 13 or KDC_ERR_POLICY 12). Either the back "
	  "end's SPN is not in the middle account's "
	  "msDS-AllowedToDelegateTo, or the user is sensitive or in "
	  "Protected Users (the evidence ticket is not forwardable): the "
	  "wire does not tell the two apart.",
	  "Check the middle account's delegation list for the SPN "
	  "(Delegation tab, msDS-AllowedToDelegateTo), then the user's "
	  "'sensitive and cannot be delegated' flag." },
	{ "CLOCK-SKEW", SEV_ERROR,
	  "clocks too far apart",
	  "KRB_AP_ERR_SKEW (37), or a KRB-ERROR whose server time and "
	  "client time differ by more than five minutes: the client's "
	  "clock and the KDC's or the service's disagree.",
	  "Synchronise the clocks (w32tm /resync on Windows, chrony or "
	  "ntpd elsewhere) against the domain's time source." },
	{ "TKT-EXPIRED", SEV_WARNING,
	  "ticket expired",
	  "The service refused a ticket that has expired "
	  "(KRB_AP_ERR_TKT_EXPIRED, 32), typically on a long-lived or "
	  "pooled connection that re-authenticates with an old ticket.",
	  "Let the client renew its tickets (klist purge, a new logon), and "
	  "recycle pooled connections before the ticket lifetime ends." },
	{ "ACCOUNT-PREAUTH-FAILED", SEV_WARNING,
	  "wrong password",
	  "KDC_ERR_PREAUTH_FAILED (24): the pre-authentication did not "
	  "decrypt: a wrong or old password (a saved credential, a service "
	  "still using the previous password).",
	  "Update the password where it is stored (service, scheduled task, "
	  "saved credential); repeated failures lock the account out." },
	{ "ACCOUNT-REVOKED", SEV_ERROR,
	  "account disabled, locked out or expired",
	  "KDC_ERR_CLIENT_REVOKED (18): the account may not log in; the "
	  "NTSTATUS in the error, when present, says why (disabled, locked "
	  "out, expired, logon hours).",
	  "Enable or unlock the account (or wait for the lockout to end) "
	  "and find what keeps using a wrong password." },
	{ "ACCOUNT-KEY-EXPIRED", SEV_WARNING,
	  "password expired",
	  "KDC_ERR_KEY_EXPIRED (23): the password has expired and must be "
	  "changed.",
	  "Change the password (kpasswd, or at the next interactive "
	  "logon); for service accounts use a managed service account or "
	  "a password that does not expire." },
	{ "ACCOUNT-EXPIRED", SEV_ERROR,
	  "account expired",
	  "KDC_ERR_NAME_EXP (1): the client's account has passed its "
	  "expiry date.",
	  "Extend the account's expiry date, or use another account." },
	{ "ACCOUNT-UNKNOWN", SEV_WARNING,
	  "no such user",
	  "KDC_ERR_C_PRINCIPAL_UNKNOWN (6): the KDC does not know the "
	  "client principal: a typo, a deleted account, the wrong realm.",
	  "Check the user name and realm the client uses." },
	{ "ETYPE-NOSUPP", SEV_ERROR,
	  "no common encryption type",
	  "KDC_ERR_ETYPE_NOSUPP (14): the client and the KDC (or the "
	  "service account's keys) share no encryption type.",
	  "Align the allowed types (msDS-SupportedEncryptionTypes, the "
	  "'Network security: Configure encryption types' policy, "
	  "krb5.conf permitted_enctypes), then reset the account's "
	  "password so that its AES keys exist." },
	{ "WEAK-ETYPE", SEV_WARNING,
	  "RC4 or DES ticket",
	  "The KDC issued a ticket or session key with RC4 or DES: the "
	  "service account has no AES key, or only RC4 is allowed. RC4 "
	  "tickets are what Kerberoasting cracks.",
	  "Enable AES for the account (msDS-SupportedEncryptionTypes) and "
	  "reset its password so that AES keys are made." },
	{ "REALM-NO-TRUST", SEV_ERROR,
	  "no path to the other realm",
	  "The KDC does not know the cross-realm principal krbtgt/REALM "
	  "(KDC_ERR_S_PRINCIPAL_UNKNOWN): there is no trust to that realm, "
	  "or no referral path to it.",
	  "Create the trust (or the krbtgt/OTHER@THIS keys on an MIT KDC), "
	  "or map the service's host to the right realm (domain_realm)." },
	{ "REALM-WRONG", SEV_ERROR,
	  "wrong realm",
	  "KDC_ERR_WRONG_REALM (68): the request went to a KDC of the "
	  "wrong realm.",
	  "Fix the realm the client uses (krb5.conf default_realm, "
	  "domain_realm) or its KDC list." },
	{ "KDC-UNREACHABLE", SEV_ERROR,
	  "KDC does not answer",
	  "A request to the KDC got no answer: the KDC is down, a firewall "
	  "drops UDP or TCP 88, or the client uses a wrong KDC address.",
	  "Check that the KDC runs and that UDP and TCP port 88 reach it "
	  "(DNS SRV _kerberos._tcp / _kerberos._udp, krb5.conf kdc =)." },
	{ "TCP88-BLOCKED", SEV_ERROR,
	  "TCP to the KDC blocked",
	  "The KDC answered KRB_ERR_RESPONSE_TOO_BIG (52) over UDP, so the "
	  "client must ask again over TCP, and no TCP exchange with that "
	  "KDC followed: TCP 88 is blocked on the way.",
	  "Open TCP port 88 from the clients to the KDCs." },
	{ "KERBEROAST", SEV_WARNING,
	  "many RC4 service tickets asked by one client",
	  "One client asked for service tickets for many different SPNs "
	  "with RC4 as the only (or first) encryption type: the pattern of "
	  "Kerberoasting, which cracks the service accounts' passwords "
	  "offline.",
	  "Find the process on that client; give service accounts long "
	  "random passwords (managed service accounts) and AES only." },
	{ "ASREP-ROAST", SEV_WARNING,
	  "ticket issued without pre-authentication",
	  "The KDC issued a TGT to an AS-REQ that carried no "
	  "pre-authentication: the account does not require it, and anyone "
	  "can get material to crack its password offline.",
	  "Require Kerberos pre-authentication for the account (clear "
	  "'Do not require Kerberos preauthentication'; MIT: "
	  "+requires_preauth)." },
	{ NULL, 0, NULL, NULL, NULL }
};

struct roast {
	int		 family;
	uint8_t		 addr[16];
	int		 n_spns;
	uint64_t	 spns[ROAST_SPNS];
	uint64_t	 frames[FIND_MAX_FRAMES];
	int		 n_frames;
	struct timeval	 first;
	char		 principal[KRB_NAME_MAX + KRB_REALM_MAX + 2];
	int		 reported;
};

struct toobig {
	int		 family;
	uint8_t		 client[16], kdc[16];
	uint64_t	 frame;
	struct timeval	 ts;
	char		 principal[KRB_NAME_MAX + KRB_REALM_MAX + 2];
	char		 sname[KRB_NAME_MAX];
};

struct errinfo {
	uint64_t	 frame;
	int		 has_ntstatus;
	uint32_t	 ntstatus;
};

struct diag {
	const struct model *md;
	struct finding	*f;		/* n of them, cap grows to the max */
	uint64_t	*key;
	int		 n, cap;
	int		 n_no_trust;	/* REALM-NO-TRUST findings among them */
	int16_t		 slot[KEY_SLOTS];	/* key hash -> index + 1 */
	int		 chain_noted[DIAG_MAX_FINDINGS];
	struct diag_stats st;
	struct roast	 roast[ROAST_CLIENTS];
	int		 n_roast, roast_next;
	struct toobig	 tb[TOOBIG_MAX];
	int		 n_tb;
	struct errinfo	 err[ERR_RING];
	int		 err_next;
	struct timeval	 now;
};

static int	alen(int);
static uint64_t	find_key(const char *, int, const uint8_t *, const char *,
		    const char *, const uint8_t *, uint16_t);
static struct finding *add(struct diag *, const char *, int,
		    const uint8_t *, const char *, const char *,
		    const uint8_t *, uint16_t, uint64_t, uint64_t,
		    const struct timeval *);
static struct finding *add_if(struct diag *, int, const char *, int,
		    const uint8_t *, const char *, const char *,
		    const uint8_t *, uint16_t, uint64_t, uint64_t,
		    const struct timeval *);
static const struct rule *rule_cached(const char *);
static void	rehash(struct diag *);
static void	add_frame(struct finding *, uint64_t);
static void	princ(char *, size_t, const char *, const char *);
static const char *addr_text(char *, size_t, int, const uint8_t *);
static const char *err_text(char *, size_t, int32_t);
static const char *carrier_words(const char *);
static void	link_fallback(struct diag *, const struct session *,
		    const struct sess_service *, const char *);
static void	port_check(struct diag *, const struct session *,
		    const struct sess_service *);
static const char *ntstatus_text(uint32_t);
static int	is_weak_etype(int32_t);
static int	realm_domain_ok(const char *, const char *);
static void	kdc_error(struct diag *, const struct exchange *,
		    const char *);
static void	spn_checks(struct diag *, const struct exchange *,
		    const char *);
static int	spn_host_in(const char *, const char *);
static void	account_advice(struct finding *, int32_t, const char *,
		    const char *, const char *);
static int	no_trust_covers(const struct diag *,
		    const struct exchange *);
static void	fold_into_no_trust(struct diag *, struct finding *,
		    const char *);
static void	drop(struct diag *, int);
static void	ap_error(struct diag *, const struct exchange *,
		    const char *);
static void	toobig_add(struct diag *, const struct exchange *,
		    const char *);
static void	toobig_clear(struct diag *, const struct exchange *);
static void	toobig_report(struct diag *, const struct toobig *);
static void	roast_note(struct diag *, const struct msg_ctx *,
		    const struct krb_msg *);
static const struct errinfo *err_find(const struct diag *, uint64_t);
static int	cmp_findings(const void *, const void *);


const struct rule *
diag_rules(void)
{
	return rules;
}

const struct rule *
diag_rule(const char *id)
{
	const struct rule *r;

	for (r = rules; r->id != NULL; r++)
		if (strcasecmp(r->id, id) == 0)
			return r;
	return NULL;
}

const char *
diag_severity_name(int sev)
{
	switch (sev) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

struct diag *
diag_new(const struct model *md)
{
	struct diag *d;

	d = xcalloc(1, sizeof(*d));
	d->md = md;
	return d;
}

void
diag_free(struct diag *d)
{
	if (d == NULL)
		return;
	free(d->f);
	free(d->key);
	free(d);
}

const struct diag_stats *
diag_stats(const struct diag *d)
{
	return &d->st;
}

int
diag_worst(const struct diag *d)
{
	int i, w;

	for (w = 0, i = 0; i < d->n; i++)
		if (d->f[i].rule->severity > w)
			w = d->f[i].rule->severity;
	return w;
}

/* ---- findings --------------------------------------------------------- */

static int
alen(int family)
{
	return family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;
}

static uint64_t
find_key(const char *id, int family, const uint8_t *client,
    const char *principal, const char *service, const uint8_t *server,
    uint16_t port)
{
	uint64_t h;

	h = hash64(id, strlen(id), (uint64_t)family);
	if (client != NULL)
		h = hash64(client, (size_t)alen(family), h);
	h = hash64(principal, strlen(principal), h ^ 1);
	h = hash64(service, strlen(service), h ^ 2);
	if (server != NULL)
		h = hash64(server, (size_t)alen(family), h ^ 3);
	return h ^ port;
}

static void
add_frame(struct finding *f, uint64_t frame)
{
	int i;

	if (frame == 0)
		return;
	for (i = 0; i < f->n_frames; i++)
		if (f->frames[i] == frame)
			return;
	/* the first FIND_MAX_FRAMES in order */
	for (i = f->n_frames; i > 0 && f->frames[i - 1] > frame; i--)
		;
	if (i < FIND_MAX_FRAMES) {
		if (f->n_frames == FIND_MAX_FRAMES)
			f->n_frames--;
		memmove(&f->frames[i + 1], &f->frames[i],
		    (size_t)(f->n_frames - i) * sizeof(f->frames[0]));
		f->frames[i] = frame;
		f->n_frames++;
	}
	if (f->first_frame == 0 || frame < f->first_frame)
		f->first_frame = frame;
	if (frame > f->last_frame)
		f->last_frame = frame;
}

/*
 * The finding of rule id for this client, principal, service and server:
 * a new one (summary[0] == '\0': the caller writes the texts) or the
 * one it folds into; NULL past the cap. client/server NULL: none.
 */
static struct finding *
add(struct diag *d, const char *id, int family, const uint8_t *client,
    const char *principal, const char *service, const uint8_t *server,
    uint16_t port, uint64_t frame_a, uint64_t frame_b,
    const struct timeval *ts)
{
	return add_if(d, 1, id, family, client, principal, service, server,
	    port, frame_a, frame_b, ts);
}

/* The rule of an ID literal, remembered by the literal's address. */
static const struct rule *
rule_cached(const char *id)
{
	static struct {
		const char		*id;
		const struct rule	*rule;
	} cache[32];
	unsigned i, h;

	h = (unsigned)((uintptr_t)id >> 3) % 32;
	for (i = 0; i < 32; i++, h = (h + 1) % 32) {
		if (cache[h].id == id)
			return cache[h].rule;
		if (cache[h].id == NULL) {
			cache[h].id = id;
			cache[h].rule = diag_rule(id);
			return cache[h].rule;
		}
	}
	return diag_rule(id);
}

/* add(), or with create 0 only a fold into an existing finding. */
static struct finding *
add_if(struct diag *d, int create, const char *id, int family,
    const uint8_t *client, const char *principal, const char *service,
    const uint8_t *server, uint16_t port, uint64_t frame_a,
    uint64_t frame_b, const struct timeval *ts)
{
	const struct rule *r;
	struct finding *f;
	uint64_t k;
	int i;
	unsigned h;

	if ((r = rule_cached(id)) == NULL)
		return NULL;
	d->st.occurrences++;
	k = find_key(id, family, client, principal, service, server, port);
	/* open addressing over the findings' keys */
	for (h = (unsigned)k % KEY_SLOTS; (i = d->slot[h] - 1) >= 0;
	    h = (h + 1) % KEY_SLOTS)
		if (d->key[i] == k && d->f[i].rule == r)
			break;
	if (i < 0) {
		if (!create)
			return NULL;
		i = d->n;
		if (d->n == DIAG_MAX_FINDINGS) {
			d->st.dropped++;
			return NULL;
		}
		if (d->n == d->cap) {
			d->cap = d->cap == 0 ? 16 : 2 * d->cap;
			d->f = xrealloc(d->f, (size_t)d->cap * sizeof(*d->f));
			d->key = xrealloc(d->key, (size_t)d->cap *
			    sizeof(*d->key));
		}
		f = &d->f[d->n];
		memset(f, 0, sizeof(*f));
		d->key[d->n] = k;
		d->chain_noted[d->n] = 0;
		d->n++;
		d->slot[h] = (int16_t)d->n;
		d->st.findings++;
		f->rule = r;
		if (r == rule_cached("REALM-NO-TRUST"))
			d->n_no_trust++;
		if (client != NULL && alen(family) > 0) {
			f->family = family;
			memcpy(f->client, client, (size_t)alen(family));
		}
		str_append(f->principal, sizeof(f->principal), principal);
		str_append(f->service, sizeof(f->service), service);
		if (server != NULL && alen(family) > 0) {
			f->has_server = 1;
			memcpy(f->server, server, (size_t)alen(family));
			f->port = port;
		}
		if (ts != NULL)
			f->first_ts = *ts;
	}
	f = &d->f[i];
	f->count++;
	add_frame(f, frame_a);
	add_frame(f, frame_b);
	if (ts != NULL)
		f->last_ts = *ts;
	return f;
}

static void
princ(char *dst, size_t sz, const char *name, const char *realm)
{
	dst[0] = '\0';
	if (name == NULL || name[0] == '\0')
		return;
	str_append(dst, sz, name);
	if (realm != NULL && realm[0] != '\0') {
		str_append(dst, sz, "@");
		str_append(dst, sz, realm);
	}
}

static const char *
addr_text(char *buf, size_t sz, int family, const uint8_t *a)
{
	fmt_addr(buf, sz, family, a);
	return buf;
}

static const char *
err_text(char *buf, size_t sz, int32_t code)
{
	const char *s;

	if ((s = krb_error_name(code)) != NULL)
		str_printf(buf, sz, "%s (%d)", s, (int)code);
	else
		str_printf(buf, sz, "error %d", (int)code);
	return buf;
}

/* The service behind a carrier, in the words admins use. */
static const char *
carrier_words(const char *carrier)
{
	static const struct {
		const char	*carrier, *words;
	} t[] = {
		{ "tds", "SQL Server (TDS)" },
		{ "smb2", "the SMB server" },
		{ "http", "the web server" },
		{ "ldap", "the LDAP server" },
		{ "dcerpc", "the RPC server" },
		{ "gss", "the GSS-API service" },
		{ "kerberos", "the service" },
		{ NULL, NULL }
	};
	int i;

	for (i = 0; carrier != NULL && t[i].carrier != NULL; i++)
		if (strcmp(t[i].carrier, carrier) == 0)
			return t[i].words;
	return "the service";
}

/* MS-KILE's KERB-EXT-ERROR statuses of CLIENT_REVOKED, in words. */
static const char *
ntstatus_text(uint32_t st)
{
	switch (st) {
	case 0xc0000072:
		return "the account is disabled (STATUS_ACCOUNT_DISABLED)";
	case 0xc0000234:
		return "the account is locked out (STATUS_ACCOUNT_LOCKED_OUT)";
	case 0xc0000193:
		return "the account has expired (STATUS_ACCOUNT_EXPIRED)";
	case 0xc000006f:
		return "outside the account's logon hours "
		    "(STATUS_INVALID_LOGON_HOURS)";
	case 0xc0000070:
		return "not allowed from this workstation "
		    "(STATUS_INVALID_WORKSTATION)";
	case 0xc0000071:
		return "the password has expired (STATUS_PASSWORD_EXPIRED)";
	case 0xc0000224:
		return "the password must be changed "
		    "(STATUS_PASSWORD_MUST_CHANGE)";
	default:
		return NULL;
	}
}

/* des-cbc-crc, des-cbc-md4, des-cbc-md5, rc4-hmac, rc4-hmac-exp */
static int
is_weak_etype(int32_t e)
{
	return e == 1 || e == 2 || e == 3 || e == 23 || e == 24;
}

/* Does host end in the realm's DNS domain (case aside)? */
static int
realm_domain_ok(const char *host, const char *realm)
{
	size_t h, r;

	h = strlen(host);
	r = strlen(realm);
	if (r == 0 || h <= r)
		return h == r && strcasecmp(host, realm) == 0;
	return host[h - r - 1] == '.' && strcasecmp(host + h - r,
	    realm) == 0;
}

static const struct errinfo *
err_find(const struct diag *d, uint64_t frame)
{
	int i;

	for (i = 0; i < ERR_RING; i++)
		if (d->err[i].frame == frame && frame != 0)
			return &d->err[i];
	return NULL;
}

/* ---- messages --------------------------------------------------------- */

void
diag_krb(struct diag *d, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct finding *f;
	char p[KRB_NAME_MAX + KRB_REALM_MAX + 2], a[64], b[64], e[96];
	int64_t off;
	int kdc;

	if (timercmp(&mc->ts, &d->now, >))
		d->now = mc->ts;
	switch (m->msg_type) {
	case KRB_ERROR:
		d->err[d->err_next].frame = mc->frame;
		d->err[d->err_next].has_ntstatus = m->has_ntstatus;
		d->err[d->err_next].ntstatus = m->ntstatus;
		d->err_next = (d->err_next + 1) % ERR_RING;
		/*
		 * KRB_AP_ERR_SKEW, or a service's error whose ctime (the
		 * authenticator's) is over 5 minutes from its stime. Not a
		 * KDC's: MIT's KDC puts the request's nonce in ctime.
		 */
		off = m->has_clock_offset ? m->clock_offset : 0;
		kdc = strcmp(mc->carrier, "kerberos") == 0 &&
		    (mc->sport == 88 || mc->sport == 464);
		if (!(m->has_error && m->error_code == 37) &&
		    (kdc || !(m->has_clock_offset && (off > SKEW_SECS ||
		    off < -SKEW_SECS))))
			break;
		princ(p, sizeof(p), m->has_cname ? m->cname : "", m->crealm);
		f = add(d, "CLOCK-SKEW", mc->family, mc->dst, p,
		    m->has_sname ? m->sname : "", mc->src, mc->sport,
		    mc->frame, 0, &mc->ts);
		if (f == NULL || f->summary[0] != '\0')
			break;
		addr_text(a, sizeof(a), mc->family, mc->dst);
		addr_text(b, sizeof(b), mc->family, mc->src);
		if (m->has_clock_offset && !kdc)
			str_printf(e, sizeof(e), "; its clock is %lld s %s the "
			    "client's", (long long)(off < 0 ? -off : off),
			    off < 0 ? "behind" : "ahead of");
		else
			e[0] = '\0';
		str_printf(f->summary, sizeof(f->summary), "%s at %s refused "
		    "%s%s%s for clock skew (%s)%s.", mc->dport == 88 ||
		    kdc ? "The KDC" : "The service", b,
		    p[0] != '\0' ? p : a, p[0] != '\0' ? " on " : "",
		    p[0] != '\0' ? a : "", m->has_error && m->error_code == 37 ?
		    "KRB_AP_ERR_SKEW" : "time difference over 5 minutes", e);
		str_printf(f->advice, sizeof(f->advice), "Synchronise the "
		    "clocks of %s and %s with the domain's time source "
		    "(w32tm /resync, or chrony/ntpd); Kerberos allows 5 "
		    "minutes.", a, b);
		break;
	case KRB_AS_REP:
	case KRB_TGS_REP:
		if (!m->ticket.present || !is_weak_etype(m->ticket.etype))
			break;
		princ(p, sizeof(p), m->has_cname ? m->cname : "", m->crealm);
		f = add(d, "WEAK-ETYPE", mc->family, mc->dst, p,
		    m->ticket.sname, NULL, 0, mc->frame, 0, &mc->ts);
		if (f == NULL || f->summary[0] != '\0')
			break;
		addr_text(a, sizeof(a), mc->family, mc->dst);
		str_printf(f->summary, sizeof(f->summary), "The KDC issued %s "
		    "on %s a ticket for %s encrypted with %s.",
		    p[0] != '\0' ? p : "a client", a, m->ticket.sname,
		    krb_etype_name(m->ticket.etype) != NULL ?
		    krb_etype_name(m->ticket.etype) : "a weak type");
		str_printf(f->advice, sizeof(f->advice), "Enable AES for the "
		    "account that holds %s (msDS-SupportedEncryptionTypes = "
		    "0x18) and reset its password so that AES keys exist.",
		    m->ticket.sname);
		break;
	case KRB_TGS_REQ:
		roast_note(d, mc, m);
		break;
	default:
		break;
	}
}

/* One client asking RC4 tickets for many SPNs: Kerberoasting. */
static void
roast_note(struct diag *d, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct roast *r;
	struct finding *f;
	uint64_t h;
	char a[64];
	int i, k, strong;

	if (!m->has_sname || m->n_etypes == 0 ||
	    strncmp(m->sname, "krbtgt/", 7) == 0)
		return;
	/* RC4 (or DES) only, or RC4 asked first */
	for (strong = 0, k = 0; k < m->n_etypes && k < KRB_MAX_ETYPES; k++)
		if (!is_weak_etype(m->etypes[k]))
			strong = 1;
	if (strong && m->etypes[0] != 23)
		return;
	for (i = 0; i < d->n_roast; i++)
		if (d->roast[i].family == mc->family &&
		    memcmp(d->roast[i].addr, mc->src,
		    (size_t)alen(mc->family)) == 0)
			break;
	if (i == d->n_roast) {
		if (d->n_roast < ROAST_CLIENTS)
			i = d->n_roast++;
		else
			i = d->roast_next++ % ROAST_CLIENTS;
		r = &d->roast[i];
		memset(r, 0, sizeof(*r));
		r->family = mc->family;
		memcpy(r->addr, mc->src, 16);
		r->first = mc->ts;
	}
	r = &d->roast[i];
	if (mc->ts.tv_sec - r->first.tv_sec > ROAST_WINDOW_SECS &&
	    !r->reported) {
		r->n_spns = r->n_frames = 0;
		r->first = mc->ts;
	}
	h = hash64(m->sname, strlen(m->sname), 0);
	for (k = 0; k < r->n_spns; k++)
		if (r->spns[k] == h)
			break;
	if (k == r->n_spns && r->n_spns < ROAST_SPNS)
		r->spns[r->n_spns++] = h;
	if (r->n_frames < FIND_MAX_FRAMES)
		r->frames[r->n_frames++] = mc->frame;
	if (r->n_spns < ROAST_MIN_SPNS)
		return;
	f = add(d, "KERBEROAST", mc->family, mc->src, "", "", NULL, 0,
	    mc->frame, 0, &mc->ts);
	if (f == NULL)
		return;
	for (k = 0; k < r->n_frames; k++)
		add_frame(f, r->frames[k]);
	addr_text(a, sizeof(a), mc->family, mc->src);
	str_printf(f->summary, sizeof(f->summary), "%s asked the KDC for "
	    "RC4 service tickets for %d%s different SPNs within %d "
	    "minutes: the pattern of Kerberoasting.", a, r->n_spns,
	    r->n_spns == ROAST_SPNS ? " or more" : "",
	    ROAST_WINDOW_SECS / 60);
	if (!r->reported)
		str_printf(f->advice, sizeof(f->advice), "Find the process on "
		    "%s that asks for the tickets; give the service "
		    "accounts long random passwords (managed service "
		    "accounts) and AES only.", a);
	r->reported = 1;
}

void
diag_auth(struct diag *d, const struct msg_ctx *mc, const struct auth_rec *a)
{
	const char *msg;
	struct finding *f;
	char c[64], s[64];
	int i, number;

	if (a->event == NULL || strcmp(a->event, "result") != 0 ||
	    strcmp(mc->carrier, "tds") != 0 || a->outcome != AUTH_FAIL)
		return;
	msg = NULL;
	number = 0;
	for (i = 0; i < a->n_fields && i < AUTH_MAX_FIELDS; i++) {
		if (a->f[i].key == NULL)
			continue;
		if (strcmp(a->f[i].key, "number") == 0 &&
		    a->f[i].kind == AUTH_F_INT)
			number = (int)a->f[i].ival;
		if (strcmp(a->f[i].key, "message") == 0 &&
		    a->f[i].kind == AUTH_F_STR)
			msg = a->f[i].sval;
	}
	if (number != 18456 || msg == NULL ||
	    (strstr(msg, "ANONYMOUS LOGON") == NULL &&
	    strstr(msg, "'(null)'") == NULL))
		return;
	f = add(d, "LOGIN-ANONYMOUS", mc->family, mc->dst, "", "", mc->src,
	    mc->sport, mc->frame, 0, &mc->ts);
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(c, sizeof(c), mc->family, mc->dst);
	addr_text(s, sizeof(s), mc->family, mc->src);
	str_printf(f->summary, sizeof(f->summary), "SQL Server %s:%u refused "
	    "the login from %s with error 18456: \"%s\" The connection "
	    "came without credentials.", s, mc->sport, c, msg);
	str_printf(f->advice, sizeof(f->advice), "If %s acts for a user (a "
	    "web or application tier), let its account delegate to "
	    "MSSQLSvc/<sql host FQDN>:%u (constrained delegation, Kerberos "
	    "only) and make sure the user's login to %s is Kerberos.", c,
	    mc->sport, c);
}

/* ---- exchanges -------------------------------------------------------- */

void
diag_exchange(struct diag *d, const struct exchange *x)
{
	char p[KRB_NAME_MAX + KRB_REALM_MAX + 2], a[64], b[64];
	struct finding *f;

	princ(p, sizeof(p), x->cname, x->crealm);
	if (x->kind == XK_AP) {
		if (x->result == XR_ERROR)
			ap_error(d, x, p);
		return;
	}
	if (x->kind != XK_AS && x->kind != XK_TGS)
		return;
	if (x->transport == TRANSPORT_TCP && x->result != XR_NO_ANSWER)
		toobig_clear(d, x);
	if (x->result == XR_NO_ANSWER) {
		f = add(d, "KDC-UNREACHABLE", x->family, x->client, p, "",
		    x->server, x->sport, x->req_frame, 0, &x->req_ts);
		if (f == NULL || f->summary[0] != '\0')
			return;
		addr_text(a, sizeof(a), x->family, x->client);
		addr_text(b, sizeof(b), x->family, x->server);
		str_printf(f->summary, sizeof(f->summary), "The KDC %s (%s %u) "
		    "never answered %s's %s request%s%s.", b,
		    x->transport == TRANSPORT_TCP ? "TCP" : "UDP", x->sport,
		    a, x->kind == XK_AS ? "AS" : "TGS",
		    p[0] != '\0' ? " for " : "", p);
		str_printf(f->advice, sizeof(f->advice), "Check that the KDC "
		    "on %s runs and that %s port %u reaches it from %s "
		    "(firewalls; DNS SRV _kerberos records; krb5.conf kdc =).",
		    b, x->transport == TRANSPORT_TCP ? "TCP" : "UDP",
		    x->sport, a);
		return;
	}
	if (x->result == XR_OK && x->kind == XK_AS && !x->req_preauth &&
	    x->has_issued && strncmp(x->sname, "krbtgt/", 7) == 0) {
		f = add(d, "ASREP-ROAST", x->family, x->client, p, "", NULL,
		    0, x->req_frame, x->rep_frame, &x->req_ts);
		if (f == NULL || f->summary[0] != '\0')
			return;
		addr_text(a, sizeof(a), x->family, x->client);
		str_printf(f->summary, sizeof(f->summary), "The KDC issued a "
		    "TGT for %s to %s without pre-authentication: anyone can "
		    "ask for it and crack the password offline.",
		    p[0] != '\0' ? p : "a client", a);
		str_printf(f->advice, sizeof(f->advice), "Require "
		    "pre-authentication for %s (clear 'Do not require "
		    "Kerberos preauthentication'; MIT: modprinc "
		    "+requires_preauth).", p[0] != '\0' ? p : "the account");
		return;
	}
	if (x->result == XR_ERROR && x->has_error_code)
		kdc_error(d, x, p);
}

/* A KRB-ERROR from the KDC. */
static void
kdc_error(struct diag *d, const struct exchange *x, const char *p)
{
	const struct errinfo *ei;
	const char *id, *why;
	struct finding *f;
	char a[64], b[64], e[96], tgt[KRB_REALM_MAX];
	const char *spn = x->sname;

	why = NULL;
	switch (x->error_code) {
	case 6:
		id = "ACCOUNT-UNKNOWN";
		break;
	case 18:
		id = "ACCOUNT-REVOKED";
		ei = err_find(d, x->rep_frame);
		if (ei != NULL && ei->has_ntstatus)
			why = ntstatus_text(ei->ntstatus);
		break;
	case 23:
		id = "ACCOUNT-KEY-EXPIRED";
		break;
	case 1:
		id = "ACCOUNT-EXPIRED";
		break;
	case 24:
		id = "ACCOUNT-PREAUTH-FAILED";
		break;
	case 7:
		if (strncmp(spn, "krbtgt/", 7) == 0 &&
		    strcasecmp(spn + 7, x->realm) != 0) {
			id = "REALM-NO-TRUST";
			break;
		}
		/* a host of a realm already found unreachable: the
		 * referral's first try, part of that finding */
		if (no_trust_covers(d, x))
			return;
		id = "SPN-UNKNOWN";
		break;
	case 9:
		id = "SPN-DUPLICATE";
		break;
	case 14:
		id = "ETYPE-NOSUPP";
		break;
	case 12:
	case 13:
		if (x->delegation == XD_CONSTRAINED ||
		    x->delegation == XD_S4U2SELF || x->has_additional ||
		    x->for_user[0] != '\0')
			id = "DELEG-S4U-DENIED";
		else if (x->error_code == 13 && x->has_kdc_options &&
		    (x->kdc_options & KDCOPT_FORWARDED))
			id = "DELEG-NOT-FORWARDABLE";
		else
			return;
		break;
	case 68:
		id = "REALM-WRONG";
		break;
	case 52:
		if (x->transport == TRANSPORT_UDP)
			toobig_add(d, x, p);
		return;
	default:
		return;	/* 25 PREAUTH_REQUIRED and the like: the protocol */
	}
	f = add(d, id, x->family, x->client, p, spn, x->server, x->sport,
	    x->req_frame, x->rep_frame, &x->req_ts);
	if (x->error_code == 7 && x->kind == XK_TGS &&
	    strcmp(id, "SPN-UNKNOWN") == 0) {
		/* the name was judged at the first occurrence (past the
		 * cap: not at all) */
		if (f == NULL)
			;
		else if (f->count > 1)
			(void)add_if(d, 0, "SPN-MALFORMED", x->family,
			    x->client, p, x->sname, NULL, 0, x->req_frame,
			    x->rep_frame, &x->req_ts);
		else
			spn_checks(d, x, p);
	}
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(a, sizeof(a), x->family, x->client);
	addr_text(b, sizeof(b), x->family, x->server);
	err_text(e, sizeof(e), x->error_code);
	if (strcmp(id, "SPN-UNKNOWN") == 0) {
		str_printf(f->summary, sizeof(f->summary), "No account holds "
		    "the SPN %s: the KDC %s answered %s to %s on %s.", spn, b,
		    e, p[0] != '\0' ? p : "a client", a);
		str_printf(f->advice, sizeof(f->advice), "setspn -Q %s (is it "
		    "on any account?); then setspn -S %s <the account the "
		    "service runs as>, or make the client use a name whose "
		    "SPN is registered.", spn, spn);
	} else if (strcmp(id, "REALM-NO-TRUST") == 0) {
		str_printf(tgt, sizeof(tgt), "%s", spn + 7);
		str_printf(f->summary, sizeof(f->summary), "The KDC of %s has "
		    "no path to the realm %s (%s for %s): %s on %s cannot "
		    "reach services there.", x->realm, tgt, e, spn,
		    p[0] != '\0' ? p : "the client", a);
		str_printf(f->advice, sizeof(f->advice), "Create the trust "
		    "between %s and %s (an MIT KDC needs the keys "
		    "krbtgt/%s@%s on both sides), or fix the realm the "
		    "service's host maps to (domain_realm).", x->realm, tgt,
		    tgt, x->realm);
		/* (f may move: last) */
		fold_into_no_trust(d, f, tgt);
	} else if (strcmp(id, "SPN-DUPLICATE") == 0) {
		str_printf(f->summary, sizeof(f->summary), "The SPN %s is "
		    "registered on more than one account: the KDC %s "
		    "answered %s to %s.", spn, b, e,
		    p[0] != '\0' ? p : a);
		str_printf(f->advice, sizeof(f->advice), "setspn -Q %s lists "
		    "the holders; setspn -D %s <each wrong account>, keep it "
		    "only on the service's account (setspn -X finds all "
		    "duplicates).", spn, spn);
	} else if (strcmp(id, "DELEG-S4U-DENIED") == 0) {
		str_printf(f->summary, sizeof(f->summary), "The KDC refused "
		    "%s on %s %s to %s%s%s (%s): %s is not in its "
		    "msDS-AllowedToDelegateTo, or the user is sensitive or "
		    "in Protected Users; the wire does not tell which.",
		    p[0] != '\0' ? p : "the middle tier", a,
		    x->delegation == XD_S4U2SELF ? "S4U2Self" :
		    "constrained delegation (S4U2Proxy)", spn,
		    x->for_user[0] != '\0' ? " for " : "", x->for_user, e,
		    spn);
		str_printf(f->advice, sizeof(f->advice), "Add %s to the "
		    "delegation list of %s (Delegation tab: 'Trust this "
		    "user for delegation to specified services only'); if "
		    "it is there, check whether %s is marked 'sensitive and "
		    "cannot be delegated' or in Protected Users.", spn,
		    p[0] != '\0' ? p : a, x->for_user[0] != '\0' ?
		    x->for_user : "the user");
	} else if (strcmp(id, "DELEG-NOT-FORWARDABLE") == 0) {
		str_printf(f->summary, sizeof(f->summary), "The KDC would not "
		    "forward the TGT of %s on %s (%s).", p[0] != '\0' ? p :
		    "the client", a, e);
		str_printf(f->advice, sizeof(f->advice), "Clear 'Account is "
		    "sensitive and cannot be delegated' on %s if it must be "
		    "delegated, or use constrained delegation.",
		    p[0] != '\0' ? p : "the account");
	} else {
		/* the account, etype and realm rules */
		str_printf(f->summary, sizeof(f->summary), "The KDC %s refused "
		    "%s on %s: %s%s%s.", b, p[0] != '\0' ? p : "a client", a,
		    e, why != NULL ? ": " : "", why != NULL ? why : "");
		account_advice(f, x->error_code, p[0] != '\0' ? p :
		    "the account", a, x->realm);
	}
}

/* The fix for an account, etype or realm error, names filled in. */
static void
account_advice(struct finding *f, int32_t code, const char *who,
    const char *host, const char *realm)
{
	switch (code) {
	case 24:
		str_printf(f->advice, sizeof(f->advice),
		    "Update the password of "
		    "%s where %s stores it (a service, a scheduled task, a "
		    "mapped drive, a saved credential); repeated failures "
		    "lock the account out.", who, host);
		break;
	case 18:
		str_printf(f->advice, sizeof(f->advice), "Enable or unlock %s "
		    "(Active Directory Users and Computers, Unlock-ADAccount; "
		    "MIT: kadmin modprinc -unlock / +allow_tix), then find "
		    "what keeps trying a wrong password from %s.", who, host);
		break;
	case 23:
		str_printf(f->advice, sizeof(f->advice),
		    "Change the password of "
		    "%s (kpasswd, or at the next logon); for a service "
		    "account use a managed service account or a password "
		    "that does not expire.", who);
		break;
	case 1:
		str_printf(f->advice, sizeof(f->advice),
		    "Extend the expiry date "
		    "of %s (accountExpires; MIT: modprinc -expire), or have "
		    "%s use another account.", who, host);
		break;
	case 6:
		str_printf(f->advice, sizeof(f->advice),
		    "Check the name %s that "
		    "%s uses: %s has no such account (a typo, a deleted "
		    "account, the wrong realm).", who, host, realm);
		break;
	case 14:
		str_printf(f->advice, sizeof(f->advice), "Align the encryption "
		    "types of %s, of the client on %s and of the KDC "
		    "(msDS-SupportedEncryptionTypes, the 'Configure "
		    "encryption types' policy, krb5.conf permitted_enctypes), "
		    "then reset the account's password so that its AES keys "
		    "exist.", who, host);
		break;
	case 68:
		str_printf(f->advice, sizeof(f->advice),
		    "Fix the realm %s uses "
		    "(krb5.conf default_realm and domain_realm, the KDC "
		    "list): the KDC is not one of %s.", host, realm);
		break;
	default:
		str_printf(f->advice, sizeof(f->advice), "%s", f->rule->advice);
		break;
	}
}

/*
 * Why an unknown SPN is malformed, when the name shows it: the host
 * part is an address, a short name, a DNS alias or outside the realm's
 * domain; an HTTP SPN with a port; an instance name.
 */
static void
spn_checks(struct diag *d, const struct exchange *x, const char *p)
{
	struct spn_parts sp;
	struct host_info hi;
	struct finding *f;
	char why[256], fix[384], nb[384], a[64];
	const char *dot;
	uint8_t ip[16];
	int k, fam;

	if (spn_parse(x->sname, &sp) != 0 || sp.is_krbtgt)
		return;
	why[0] = fix[0] = '\0';
	if (sp.ip_literal != 0) {
		str_printf(why, sizeof(why), "its host part %s is an IP "
		    "address (Kerberos needs a name)", sp.host);
		/* the name DNS gave that address, when seen */
		fam = sp.ip_literal == 6 ? AF_INET6 : AF_INET;
		if (d->md != NULL && inet_pton(fam, sp.host, ip) == 1 &&
		    model_host_get(d->md, fam, ip, &hi) == 0)
			for (k = 0; k < hi.n_names; k++)
				if (hi.names[k].source == HN_DNS) {
					if (sp.has_port)
						str_printf(fix, sizeof(fix),
						    "%s/%s:%u", sp.class,
						    hi.names[k].name,
						    sp.port);
					else
						str_printf(fix, sizeof(fix),
						    "%s/%s", sp.class,
						    hi.names[k].name);
					break;
				}
	}
	else if (sp.short_name)
		str_printf(why, sizeof(why), "its host part %s is a short "
		    "name, not the fully qualified one", sp.host);
	else if (d->md != NULL &&
	    model_host_by_name(d->md, sp.host, &hi) == 0) {
		for (k = 0; k < hi.n_names; k++)
			if (hi.names[k].source == HN_DNS_ALIAS &&
			    strcasecmp(hi.names[k].name, sp.host) == 0 &&
			    hi.names[k].alias_of[0] != '\0')
				break;
		if (k < hi.n_names) {
			str_printf(why, sizeof(why), "%s is a DNS alias "
			    "(CNAME) of %s", sp.host, hi.names[k].alias_of);
			if (sp.has_port)
				str_printf(fix, sizeof(fix), "%s/%s:%u",
				    sp.class, hi.names[k].alias_of, sp.port);
			else
				str_printf(fix, sizeof(fix), "%s/%s", sp.class,
				    hi.names[k].alias_of);
		}
	}
	if (why[0] == '\0' && strcasecmp(sp.class, "HTTP") == 0 &&
	    sp.has_port)
		str_printf(why, sizeof(why), "an HTTP SPN carries no port "
		    "(%u)", sp.port);
	if (why[0] == '\0' && sp.instance[0] != '\0' &&
	    strcasecmp(sp.class, "MSSQLSvc") == 0)
		str_printf(why, sizeof(why), "it names the instance %s; over "
		    "TCP the SPN carries the port", sp.instance);
	if (why[0] == '\0' && x->realm[0] != '\0' &&
	    !realm_domain_ok(sp.host, x->realm))
		str_printf(why, sizeof(why), "%s is outside the DNS domain of "
		    "the realm %s (the client may have mapped it to the wrong "
		    "realm)", sp.host, x->realm);
	if (why[0] == '\0')
		return;
	f = add(d, "SPN-MALFORMED", x->family, x->client, p, x->sname, NULL,
	    0, x->req_frame, x->rep_frame, &x->req_ts);
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(a, sizeof(a), x->family, x->client);
	str_printf(f->summary, sizeof(f->summary), "%s on %s asked for the "
	    "SPN %s, which cannot match a registration: %s.",
	    p[0] != '\0' ? p : "A client", a, x->sname, why);
	if (fix[0] != '\0' && strcasecmp(sp.class, "MSSQLSvc") == 0 &&
	    (dot = strchr(fix, '.')) != NULL) {
		/* SQL Server's own pair: FQDN and NetBIOS name */
		str_printf(nb, sizeof(nb), "%.*s%s", (int)(dot - fix), fix,
		    strchr(dot, ':') != NULL ? strchr(dot, ':') : "");
		str_printf(f->advice, sizeof(f->advice), "Connect with the "
		    "host's canonical DNS name: the SPNs the service account "
		    "should hold are %s and %s (setspn -S for each); or "
		    "register %s too.", fix, nb, x->sname);
	} else if (fix[0] != '\0')
		str_printf(f->advice, sizeof(f->advice), "Connect with the "
		    "host's canonical DNS name, whose SPN is %s, or register "
		    "%s too (setspn -S %s <service account>).", fix,
		    x->sname, x->sname);
	else
		str_printf(f->advice, sizeof(f->advice), "Connect with the "
		    "server's fully qualified DNS name (its A record), so "
		    "that the client asks for %s/<host FQDN>%s; the service "
		    "account should hold both %s/<host FQDN> and "
		    "%s/<host NetBIOS name>%s.", sp.class, sp.has_port ?
		    ":<port>" : "", sp.class, sp.class, sp.has_port ?
		    " (each with :<port>)" : "");
}

/* Is the host of spn in realm's DNS domain? */
static int
spn_host_in(const char *spn, const char *realm)
{
	struct spn_parts sp;

	return spn_parse(spn, &sp) == 0 && !sp.is_krbtgt &&
	    realm_domain_ok(sp.host, realm);
}

/* Has the client's path to the realm of x's SPN host been found
 * missing (REALM-NO-TRUST)? */
static int
no_trust_covers(const struct diag *d, const struct exchange *x)
{
	const struct finding *f;
	int i;

	/* (most captures have none: no walk over every finding) */
	if (d->n_no_trust == 0)
		return 0;
	for (i = 0; i < d->n; i++) {
		f = &d->f[i];
		if (f->rule == rule_cached("REALM-NO-TRUST") &&
		    f->family == x->family &&
		    memcmp(f->client, x->client, 16) == 0 &&
		    spn_host_in(x->sname, f->service + 7))
			return 1;
	}
	return 0;
}

/* The unknown-SPN findings of the client for hosts of that realm are the
 * referral's first tries: their frames join the REALM-NO-TRUST one. */
static void
fold_into_no_trust(struct diag *d, struct finding *nt, const char *realm)
{
	struct finding *f;
	int i, k, ni;

	ni = (int)(nt - d->f);
	/* from the end: a drop moves the last finding into slot i */
	for (i = d->n - 1; i >= 0; i--) {
		f = &d->f[i];
		if (i == ni || (f->rule != rule_cached("SPN-UNKNOWN") &&
		    f->rule != rule_cached("SPN-MALFORMED")) ||
		    f->family != d->f[ni].family ||
		    memcmp(f->client, d->f[ni].client, 16) != 0 ||
		    !spn_host_in(f->service, realm))
			continue;
		for (k = 0; k < f->n_frames; k++)
			add_frame(&d->f[ni], f->frames[k]);
		if (ni == d->n - 1)
			ni = i;
		drop(d, i);
	}
}

/* Forgets finding i (the last one takes its place). */
static void
drop(struct diag *d, int i)
{
	if (d->f[i].rule == rule_cached("REALM-NO-TRUST"))
		d->n_no_trust--;
	d->n--;
	d->st.findings--;
	if (i != d->n) {
		d->f[i] = d->f[d->n];
		d->key[i] = d->key[d->n];
		d->chain_noted[i] = d->chain_noted[d->n];
	}
	rehash(d);
}

/* The key slots again, after a drop. */
static void
rehash(struct diag *d)
{
	unsigned h;
	int i;

	memset(d->slot, 0, sizeof(d->slot));
	for (i = 0; i < d->n; i++) {
		for (h = (unsigned)d->key[i] % KEY_SLOTS; d->slot[h] != 0;
		    h = (h + 1) % KEY_SLOTS)
			;
		d->slot[h] = (int16_t)(i + 1);
	}
}

/* A service refused the ticket. */
static void
ap_error(struct diag *d, const struct exchange *x, const char *p)
{
	struct finding *f;
	char a[64], b[64], e[96], how[160];
	const char *id;
	int carrier_only;

	carrier_only = 0;
	if (x->has_error_code) {
		switch (x->error_code) {
		case 41:
		case 31:
		case 44:
			id = "KRB-AP-MODIFIED";
			break;
		case 32:
			id = "TKT-EXPIRED";
			break;
		default:
			return;	/* CLOCK-SKEW: from the message */
		}
		err_text(e, sizeof(e), x->error_code);
	} else {
		/* refused by the carrier, right after a ticket issued here */
		if (x->presented_frame == 0 ||
		    (strstr(x->carrier_result, "LOGON_FAILURE") == NULL &&
		    strcmp(x->carrier_result, "result 18452") != 0 &&
		    strstr(x->carrier_result, " 401") == NULL))
			return;
		id = "KRB-AP-MODIFIED";
		carrier_only = 1;
		str_printf(e, sizeof(e), "%s", x->carrier_result);
	}
	f = add(d, id, x->family, x->client, p, x->sname, x->server, x->sport,
	    x->req_frame, x->rep_frame, &x->req_ts);
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(a, sizeof(a), x->family, x->client);
	addr_text(b, sizeof(b), x->family, x->server);
	if (x->carrier_result[0] != '\0' && !carrier_only)
		str_printf(how, sizeof(how), ", then %s", x->carrier_result);
	else
		how[0] = '\0';
	if (strcmp(id, "TKT-EXPIRED") == 0) {
		str_printf(f->summary, sizeof(f->summary), "%c%s on %s:%u "
		    "refused an expired ticket for %s from %s on %s (%s%s).",
		    carrier_words(x->carrier)[0] == 't' ? 'T' :
		    carrier_words(x->carrier)[0], carrier_words(x->carrier) +
		    1, b, x->sport, x->sname,
		    p[0] != '\0' ? p : "a client", a, e, how);
		str_printf(f->advice, sizeof(f->advice), "The client on %s "
		    "must get a new ticket for %s (klist purge, or a new "
		    "logon); recycle long-lived or pooled connections before "
		    "the ticket lifetime ends.", a, x->sname);
		return;
	}
	str_printf(f->summary, sizeof(f->summary), "%c%s on %s:%u could not "
	    "use %s's ticket for %s%s (%s%s): the key it holds is not the "
	    "key of the account the KDC issued the ticket for.",
	    carrier_words(x->carrier)[0] == 't' ? 'T' :
	    carrier_words(x->carrier)[0], carrier_words(x->carrier) + 1, b,
	    x->sport, p[0] != '\0' ? p : a,
	    x->sname[0] != '\0' ? x->sname : "its SPN",
	    x->error_code == 44 && x->has_error_code ?
	    " (a ticket for another key version)" : "", e, how);
	if (x->sname[0] != '\0')
		str_printf(f->advice, sizeof(f->advice), "setspn -Q %s shows "
		    "the account that holds the SPN; if it is not the "
		    "account the service on %s runs as: setspn -D %s "
		    "<wrong account>, setspn -S %s <service account>. If it "
		    "is, restart the service after the password change (MIT: "
		    "re-export the keytab, kvno must match).", x->sname, b,
		    x->sname, x->sname);
	else
		str_printf(f->advice, sizeof(f->advice), "%s", f->rule->advice);
}

/* ---- KDC over TCP after RESPONSE_TOO_BIG ------------------------------ */

static void
toobig_add(struct diag *d, const struct exchange *x, const char *p)
{
	struct toobig *t;

	if (d->n_tb == TOOBIG_MAX) {
		/* the oldest is judged now */
		toobig_report(d, &d->tb[0]);
		memmove(&d->tb[0], &d->tb[1], (TOOBIG_MAX - 1) *
		    sizeof(d->tb[0]));
		d->n_tb--;
	}
	t = &d->tb[d->n_tb++];
	memset(t, 0, sizeof(*t));
	t->family = x->family;
	memcpy(t->client, x->client, 16);
	memcpy(t->kdc, x->server, 16);
	t->frame = x->rep_frame != 0 ? x->rep_frame : x->req_frame;
	t->ts = x->req_ts;
	str_append(t->principal, sizeof(t->principal), p);
	str_append(t->sname, sizeof(t->sname), x->sname);
}

/* A TCP exchange between the client and that KDC: the retry came. */
static void
toobig_clear(struct diag *d, const struct exchange *x)
{
	int i;

	for (i = 0; i < d->n_tb; i++) {
		if (d->tb[i].family != x->family ||
		    memcmp(d->tb[i].client, x->client, 16) != 0 ||
		    memcmp(d->tb[i].kdc, x->server, 16) != 0)
			continue;
		d->tb[i] = d->tb[--d->n_tb];
		i--;
	}
}

static void
toobig_report(struct diag *d, const struct toobig *t)
{
	struct finding *f;
	char a[64], b[64];

	f = add(d, "TCP88-BLOCKED", t->family, t->client, t->principal, "",
	    t->kdc, 88, t->frame, 0, &t->ts);
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(a, sizeof(a), t->family, t->client);
	addr_text(b, sizeof(b), t->family, t->kdc);
	str_printf(f->summary, sizeof(f->summary), "The KDC %s told %s to ask "
	    "again over TCP (KRB_ERR_RESPONSE_TOO_BIG%s%s), and no TCP "
	    "exchange between them followed.", b, a, t->sname[0] != '\0' ?
	    ", for " : "", t->sname);
	str_printf(f->advice, sizeof(f->advice), "Open TCP port 88 from %s to "
	    "%s (and from all clients to all KDCs): large tickets (many "
	    "groups) only fit over TCP.", a, b);
}

/* ---- sessions and chains ---------------------------------------------- */

void
diag_session(struct diag *d, const struct session *s)
{
	const struct sess_service *sv;
	struct finding *f;
	char a[64], b[64];
	const char *spn, *who;
	int k;

	for (k = 0; k < s->n_services && k < SESS_MAX_SERVICES; k++) {
		sv = &s->services[k];
		spn = sv->ntlm_spn[0] != '\0' ? sv->ntlm_spn : sv->spn;
		addr_text(a, sizeof(a), s->family, s->host);
		addr_text(b, sizeof(b), s->family, sv->server);
		port_check(d, s, sv);
		if (sv->ntlm_fallback) {
			link_fallback(d, s, sv, spn);
			f = add(d, "NTLM-FALLBACK", s->family, s->host,
			    s->principal, spn, sv->server, sv->port,
			    sv->ntlm_frame, sv->ntlm_rep_frame, &sv->ntlm_ts);
			if (f != NULL && f->summary[0] == '\0') {
				str_printf(f->summary, sizeof(f->summary),
				    "%s on %s logged in to %s:%u (%s) with "
				    "NTLM though it has a domain account%s%s: "
				    "a next hop from %s cannot carry its "
				    "identity.", s->principal[0] != '\0' ?
				    s->principal : "A client", a, b, sv->port,
				    sv->carrier != NULL ? sv->carrier : "?",
				    spn[0] != '\0' ? "; Kerberos would have "
				    "used " : "", spn, b);
				str_printf(f->advice, sizeof(f->advice),
				    "Find why Kerberos was not used%s%s (see "
				    "SPN-UNKNOWN / SPN-MALFORMED for %s): "
				    "setspn -Q %s; connect by the server's "
				    "fully qualified name.", spn[0] != '\0' ?
				    " for " : "", spn, a, spn[0] != '\0' ?
				    spn : "<spn>");
			}
		}
		if (sv->ntlm_anonymous) {
			f = add(d, "NTLM-ANONYMOUS", s->family, s->host, "",
			    "", sv->server, sv->port, sv->ntlm_frame,
			    sv->ntlm_rep_frame, &sv->ntlm_ts);
			if (f != NULL && f->summary[0] == '\0') {
				who = sv->ntlm_carrier_result;
				str_printf(f->summary, sizeof(f->summary),
				    "%s logged in to %s:%u (%s) anonymously "
				    "with NTLM%s%s%s.", a, b, sv->port,
				    sv->carrier != NULL ? sv->carrier : "?",
				    who[0] != '\0' ? " (" : "", who,
				    who[0] != '\0' ? ")" : "");
				str_printf(f->advice, sizeof(f->advice),
				    "%s had no credentials to give. If it "
				    "acts for a user, let its account "
				    "delegate to the SPN of %s (constrained "
				    "delegation) and log in with Kerberos.",
				    a, b);
			}
		}
	}
}

/* The unknown SPN that sent the client to NTLM: say so there. */
static void
link_fallback(struct diag *d, const struct session *s,
    const struct sess_service *sv, const char *spn)
{
	struct finding *f;
	char b[64];
	int i;

	if (spn[0] == '\0')
		return;
	for (i = 0; i < d->n; i++) {
		f = &d->f[i];
		if (f->rule != rule_cached("SPN-UNKNOWN") ||
		    (d->chain_noted[i] & NOTED_FALLBACK) ||
		    f->family != s->family ||
		    memcmp(f->client, s->host, 16) != 0 ||
		    strcasecmp(f->service, spn) != 0)
			continue;
		d->chain_noted[i] |= NOTED_FALLBACK;
		addr_text(b, sizeof(b), s->family, sv->server);
		str_printf(f->summary + strlen(f->summary), sizeof(f->summary) -
		    strlen(f->summary), " The client then logged in to "
		    "%s:%u with NTLM (#%llu): see NTLM-FALLBACK.", b, sv->port,
		    (unsigned long long)sv->ntlm_frame);
		add_frame(f, sv->ntlm_frame);
	}
}

/*
 * A SQL Server SPN with a port other than the one the client then
 * connected to, refused there: the named instance's dynamic port.
 */
static void
port_check(struct diag *d, const struct session *s,
    const struct sess_service *sv)
{
	struct spn_parts sp;
	struct finding *f;
	char a[64], b[64];

	if (sv->n_ap == 0 || sv->ap_result != XR_ERROR || sv->spn[0] == '\0' ||
	    spn_parse(sv->spn, &sp) != 0 ||
	    strcasecmp(sp.class, "MSSQLSvc") != 0 || !sp.has_port ||
	    sp.port == sv->port)
		return;
	f = add(d, "SPN-MALFORMED", s->family, s->host, s->principal,
	    sv->spn, sv->server, sv->port, sv->ap_req_frame,
	    sv->ap_rep_frame, &sv->ap_first_ts);
	if (f == NULL || f->summary[0] != '\0')
		return;
	addr_text(a, sizeof(a), s->family, s->host);
	addr_text(b, sizeof(b), s->family, sv->server);
	str_printf(f->summary, sizeof(f->summary), "%s on %s used a ticket for "
	    "%s on port %u of %s, where the service refused it: the SPN "
	    "names port %u, the connection went to %u (a named instance's "
	    "port).", s->principal[0] != '\0' ? s->principal : "A client",
	    a, sv->spn, sv->port, b, sp.port, sv->port);
	str_printf(f->advice, sizeof(f->advice), "Register MSSQLSvc/%s:%u (and "
	    "the NetBIOS form) on the account the instance on port %u runs "
	    "as (setspn -S MSSQLSvc/%s:%u <service account>), or give the "
	    "instance a fixed port whose SPN is registered.", sp.host,
	    sv->port, sv->port, sp.host, sv->port);
}

void
diag_chain(struct diag *d, const struct chain *c)
{
	const struct chain_hop *h1, *h2;
	struct finding *f;
	char a[64], m[64], b[64], how[64];
	int i, j, k, n;

	if (c->n_hops < 2 || !c->inferred)
		return;		/* a ticket proves delegation worked */
	h1 = &c->hops[0];
	h2 = &c->hops[1];
	if (h2->auth != HA_NONE && h2->auth != HA_ANONYMOUS &&
	    h2->auth != HA_NTLM)
		return;
	addr_text(a, sizeof(a), c->family, h1->from);
	addr_text(m, sizeof(m), c->family, h2->from);
	addr_text(b, sizeof(b), c->family, h2->to);
	/* tie the anonymous logins of hop 2 to the user's chain */
	for (i = 0; h2->auth != HA_NTLM && i < d->n; i++) {
		if ((d->chain_noted[i] & NOTED_CHAIN) ||
		    (d->f[i].rule != rule_cached("LOGIN-ANONYMOUS") &&
		    d->f[i].rule != rule_cached("NTLM-ANONYMOUS")) ||
		    d->f[i].family != c->family ||
		    memcmp(d->f[i].client, h2->from, 16) != 0 ||
		    !d->f[i].has_server ||
		    memcmp(d->f[i].server, h2->to, 16) != 0)
			continue;
		/* a frame in common: the login of that hop */
		for (n = 0, k = 0; k < h2->n_frames && k < CHAIN_MAX_FRAMES;
		    k++)
			for (j = 0; j < d->f[i].n_frames; j++)
				n += h2->frames[k] == d->f[i].frames[j];
		if (n == 0)
			continue;
		d->chain_noted[i] |= NOTED_CHAIN;
		str_printf(d->f[i].summary + strlen(d->f[i].summary),
		    sizeof(d->f[i].summary) - strlen(d->f[i].summary),
		    " It is the second hop of %s's double hop %s -> %s -> "
		    "%s%s.", c->user[0] != '\0' ? c->user : "a user", a, m,
		    b, c->inferred ? " (linked by timing)" : "");
	}
	if (h1->delegation != XD_NONE || h1->auth != HA_KERBEROS)
		return;
	f = add(d, "DELEG-NO-FORWARDED-TGT", c->family, h2->from, c->user,
	    h1->spn, h2->to, h2->port, h1->n_frames > 0 ? h1->frames[0] : 0,
	    h2->n_frames > 0 ? h2->frames[0] : 0, NULL);
	if (f == NULL || f->summary[0] != '\0')
		return;
	for (k = 0; k < h1->n_frames; k++)
		add_frame(f, h1->frames[k]);
	for (k = 0; k < h2->n_frames; k++)
		add_frame(f, h2->frames[k]);
	str_printf(how, sizeof(how), "%s", h2->auth == HA_NONE ?
	    "without logging in" : h2->auth == HA_ANONYMOUS ?
	    "anonymously" : "with NTLM as itself");
	str_printf(f->summary, sizeof(f->summary), "%s logged in from %s to "
	    "%s (%s) with Kerberos but without a forwarded TGT, and %s then "
	    "reached %s:%u %s (linked by timing): the double hop lost the "
	    "user's identity.", c->user[0] != '\0' ? c->user : "A user", a,
	    m, h1->spn[0] != '\0' ? h1->spn : "?", m, b, h2->port, how);
	str_printf(f->advice, sizeof(f->advice), "Trust the account that "
	    "holds %s for delegation to the back end's SPN on %s "
	    "(constrained delegation, 'Use Kerberos only'; MIT: "
	    "ok_to_auth_as_delegate or ok_as_delegate); with unconstrained "
	    "delegation the client must also forward its TGT.",
	    h1->spn[0] != '\0' ? h1->spn : "the middle tier's SPN", b);
}

void
diag_finish(struct diag *d)
{
	int i;

	for (i = 0; i < d->n_tb; i++)
		toobig_report(d, &d->tb[i]);
	d->n_tb = 0;
}

static int
cmp_findings(const void *pa, const void *pb)
{
	const struct finding *a = *(const struct finding *const *)pa;
	const struct finding *b = *(const struct finding *const *)pb;

	if (a->rule->severity != b->rule->severity)
		return b->rule->severity - a->rule->severity;
	if (a->first_frame != b->first_frame)
		return a->first_frame < b->first_frame ? -1 : 1;
	return strcmp(a->rule->id, b->rule->id);
}

void
diag_walk(struct diag *d, finding_fn fn, void *arg)
{
	const struct finding **v;
	int i;

	if (d->n == 0)
		return;
	v = xcalloc((size_t)d->n, sizeof(*v));
	for (i = 0; i < d->n; i++)
		v[i] = &d->f[i];
	qsort(v, (size_t)d->n, sizeof(*v), cmp_findings);
	for (i = 0; i < d->n; i++)
		fn(arg, v[i]);
	free(v);
}
