/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * out.c - outputs: NDJSON records, tcpdump-like message lines, and the
 * text report (header, messages by client, errors, counters).
 * JSON keys are a stable contract: add, never rename (DESIGN.md).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "krb.h"
#include "out.h"
#include "sec.h"
#include "util.h"

#define MAX_CLIENTS	65536	/* report rows; later clients are counted
				 * in one "other" row */
#define CLIENT_PRINC	3	/* principals remembered per client */
#define MAX_ERRCODES	128	/* distinct error codes in the report */

/* Report columns: message types counted per client. */
static const int report_cols[] = {
	KRB_AS_REQ, KRB_AS_REP, KRB_TGS_REQ, KRB_TGS_REP, KRB_AP_REQ,
	KRB_AP_REP, KRB_ERROR
};
#define N_COLS	(sizeof(report_cols) / sizeof(report_cols[0]))

/* Bytes JSON wants escaped in a string: control bytes, '"' and '\\'. */
static const uint8_t json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1
};

struct client {
	int		 used;
	int		 family;
	uint8_t		 addr[16];
	uint64_t	 n[N_COLS + 1];		/* last: other types */
	char		*princ[CLIENT_PRINC];	/* owned */
	int		 n_princ;
	uint64_t	 first_frame;
};

struct errcount {
	int32_t		 code;
	uint64_t	 n;
	uint64_t	 first_frame, last_frame;
};

#define MAX_CARRIERS	16
#define MAX_NTLM_ROWS	64	/* distinct NTLM logins listed */
#define MAX_FAIL_ROWS	64	/* refusals listed */

struct carrier_row {
	const char	*name;		/* static */
	uint64_t	 krb, ntlm, spnego, events, ok, cont, fail;
};

struct ntlm_row {
	int		 family;
	uint8_t		 src[16], dst[16];
	uint16_t	 dport;
	const char	*carrier;
	char		 who[2 * NTLM_STR_MAX + 2];
	char		 ws[NTLM_STR_MAX];
	char		 spn[KRB_NAME_MAX];
	int		 response, anonymous;
	uint64_t	 n, first_frame;
};

struct fail_row {
	uint64_t	 frame;
	const char	*carrier;
	char		 where[160];
	char		 text[512];
};

#define MAX_STORIES	256	/* clients with a story in the report */
#define STORY_STEPS	24	/* steps kept per client */
#define STORY_LINE	192
#define MAX_CHAINS	64	/* delegation hops listed */

/* One client's exchanges, one line each, in the order they finished. */
struct story {
	int		 family;
	uint8_t		 addr[16];
	char		 who[KRB_NAME_MAX + KRB_REALM_MAX];	/* first
						 * principal seen */
	uint64_t	 first_frame;
	int		 n;
	uint64_t	 more;			/* steps past STORY_STEPS */
	char		 step[STORY_STEPS][STORY_LINE];
};

struct jbuf {
	char		*p;
	size_t		 len, cap;
};

struct out {
	struct out_opts	 o;
	struct jbuf	 jb;
	struct client	*clients;	/* open addressing, grows to
					 * MAX_CLIENTS slots */
	size_t		 n_slots, n_clients;
	struct client	 other;
	struct errcount	 errs[MAX_ERRCODES];
	int		 n_errs;
	uint64_t	 errs_other;
	struct carrier_row carriers[MAX_CARRIERS];
	struct carrier_row carrier_other;
	int		 n_carriers;
	struct ntlm_row	 ntlm[MAX_NTLM_ROWS];
	int		 n_ntlm;
	uint64_t	 ntlm_other;
	struct fail_row	 fail[MAX_FAIL_ROWS];
	int		 n_fail;
	uint64_t	 fail_other;
	struct story	*stories;	/* MAX_STORIES, made on first use */
	int		 n_stories;
	int16_t		 story_idx[2 * MAX_STORIES];	/* hash -> index
						 * + 1 (open addressing) */
	uint64_t	 stories_other;	/* exchanges of clients past the cap */
	char		 chain[MAX_CHAINS][4 * STORY_LINE];
	int		 n_chains;
	uint64_t	 chains_other;
	struct diag	*diag;		/* borrowed, or NULL */
	int		 color;		/* ANSI colours in the report */
	int		 n_sev[SEV_ERROR + 1];	/* findings by severity */
};

static void	jb_raw(struct jbuf *, const char *, size_t);
static char	*jb_reserve(struct jbuf *, size_t);
static void	jb_str(struct jbuf *, const char *);
/* inlined: the keys are literals, so their lengths are known at compile
 * time (these run a dozen times per record) */
#define JB_INLINE	static inline __attribute__((always_inline))
static void	jb_printf(struct jbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
JB_INLINE void	jb_key(struct jbuf *, const char *);
JB_INLINE void	jb_kstr(struct jbuf *, const char *, const char *);
JB_INLINE void	jb_kint(struct jbuf *, const char *, long long);
static void	jb_ktime(struct jbuf *, const char *, int64_t);
static void	jb_flags(struct jbuf *, const char *, uint32_t,
		    const char *(*)(unsigned), int);
static void	jb_ticket(struct jbuf *, const struct krb_ticket *);
static void	jb_ticket_obj(struct jbuf *, const struct krb_ticket *);
static void	jb_padata(struct jbuf *, const struct krb_msg *,
		    const struct krb_padata *);
static void	jb_e_data(struct jbuf *, const struct krb_msg *);
static int	needs_escape(const char *, size_t);
static const char *addr_str(int, const uint8_t *);
static void	json_head(struct jbuf *, const char *,
		    const struct msg_ctx *);
static void	json_end(struct out *);
static void	json_flush(struct out *);
static void	jb_spnego(struct jbuf *, const struct spnego_info *);
static const char *mech_str(int, char *, size_t);
static const char *ntlm_resp_str(int);
static const char *outcome_str(int);
static const char *dns_type_str(uint16_t, char *, size_t);
static const char *dns_rcode_str(int, char *, size_t);
static void	json_ntlm(struct out *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	json_spnego(struct out *, const struct msg_ctx *,
		    const struct spnego_info *);
static void	json_auth(struct out *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	json_dns(struct out *, const struct msg_ctx *,
		    const struct dns_rec *);
static void	json_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	line_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	line_head(FILE *, const struct msg_ctx *);
static void	line_spnego_tail(FILE *, const struct spnego_info *);
static void	line_ntlm(struct out *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	line_spnego(struct out *, const struct msg_ctx *,
		    const struct spnego_info *);
static void	fmt_auth(char *, size_t, const struct auth_rec *);
static void	line_auth(struct out *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	line_dns(struct out *, const struct msg_ctx *,
		    const struct dns_rec *);
static void	report_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
static struct carrier_row *carrier_get(struct out *, const char *);
static void	report_ntlm(struct out *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	report_auth(struct out *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	report_carriers(struct out *, const struct stats *);
static const char *xkind_str(int);
static const char *xresult_str(int);
static const char *xdeleg_str(int);
static void	jb_id(struct jbuf *, const char *, const uint8_t *);
static void	json_exchange(struct out *, const struct exchange *);
static void	line_exchange(struct out *, const struct exchange *);
static void	story_step(char *, size_t, const struct exchange *);
static void	report_exchange(struct out *, const struct exchange *);
static void	report_stories(struct out *);
static const char *hop_auth_text(const struct chain_hop *);
static void	app_u64(char *, size_t, uint64_t);
static void	app_padded(char *, size_t, const char *, size_t);
static void	json_finding(void *, const struct finding *);
static void	text_finding(void *, const struct finding *);
static void	report_findings(struct out *);
static void	line_finding(void *, const struct finding *);
static const char *hop_auth_str(int);
static void	jb_spn(struct jbuf *, const struct spn_parts *);
static void	json_session(struct out *, const struct session *);
static void	json_chain(struct out *, const struct chain *);
static void	fmt_chain(char *, size_t, const struct chain *);
static int	show_line(const struct out *);
static void	json_stats(struct out *, const struct engine *,
		    const struct run_info *);
static void	text_report(struct out *, const struct engine *,
		    const struct run_info *);
static const char *etype_str(int32_t, char *, size_t);
static const char *msg_str(int, char *, size_t);
static const char *err_str(int32_t, char *, size_t);

struct out *
out_new(const struct out_opts *o)
{
	struct out *out;

	out = xcalloc(1, sizeof(*out));
	out->o = *o;
	/* colour for a person at a terminal (no-color.org) */
	out->color = o->mode != OUT_JSON && o->fp != NULL &&
	    isatty(fileno(o->fp)) && (getenv("NO_COLOR") == NULL ||
	    getenv("NO_COLOR")[0] == '\0');
	out->jb.cap = 4096;
	out->jb.p = xmalloc(out->jb.cap);
	return out;
}

void
out_free(struct out *out)
{
	size_t i;
	int k;

	if (out == NULL)
		return;
	for (i = 0; i < out->n_slots; i++)
		for (k = 0; k < out->clients[i].n_princ; k++)
			free(out->clients[i].princ[k]);
	for (k = 0; k < out->other.n_princ; k++)
		free(out->other.princ[k]);
	free(out->jb.p);
	free(out->clients);
	free(out->stories);
	free(out);
}

/* ---- names with fallbacks --------------------------------------------- */

static const char *
etype_str(int32_t e, char *buf, size_t sz)
{
	const char *s;

	if ((s = krb_etype_name(e)) != NULL)
		return s;
	snprintf(buf, sz, "%" PRId32, e);
	return buf;
}

static const char *
msg_str(int t, char *buf, size_t sz)
{
	const char *s;

	if ((s = krb_msg_name(t)) != NULL)
		return s;
	snprintf(buf, sz, "KRB-MSG-%d", t);
	return buf;
}

static const char *
err_str(int32_t code, char *buf, size_t sz)
{
	const char *s;

	if ((s = krb_error_name(code)) != NULL)
		return s;
	snprintf(buf, sz, "KRB_ERR_%" PRId32, code);
	return buf;
}

/* ---- JSON building ---------------------------------------------------- */

static inline void
jb_raw(struct jbuf *jb, const char *s, size_t n)
{
	if (jb->len + n + 1 > jb->cap) {
		while (jb->len + n + 1 > jb->cap)
			jb->cap *= 2;
		jb->p = xrealloc(jb->p, jb->cap);
	}
	memcpy(jb->p + jb->len, s, n);
	jb->len += n;
}

/* A decimal integer, without printf: two digits per division, written
 * straight into the buffer. */
static void
jb_int(struct jbuf *jb, long long v)
{
	static const char d2[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	unsigned long long u, t;
	size_t nd;
	char *o;
	unsigned r;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	for (nd = 1, t = u; t >= 10; t /= 10)
		nd++;
	o = jb_reserve(jb, nd + 1);
	if (v < 0)
		*o++ = '-';
	jb->len = (size_t)(o + nd - jb->p);
	o += nd;
	while (u >= 100) {
		r = (unsigned)(u % 100);
		u /= 100;
		o -= 2;
		o[0] = d2[2 * r];
		o[1] = d2[2 * r + 1];
	}
	if (u >= 10) {
		o -= 2;
		o[0] = d2[2 * u];
		o[1] = d2[2 * u + 1];
	} else
		*--o = (char)('0' + u);
}

/* Room for n more bytes (and a NUL). */
static inline char *
jb_reserve(struct jbuf *jb, size_t n)
{
	if (jb->len + n + 1 > jb->cap) {
		while (jb->len + n + 1 > jb->cap)
			jb->cap *= 2;
		jb->p = xrealloc(jb->p, jb->cap);
	}
	return jb->p + jb->len;
}

/* Any byte JSON wants escaped ('"', '\\', control bytes) in s[0..n)? */
static inline int
needs_escape(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t w, t;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		/* bytes < 0x20, == '"', == '\\' (a zero byte after xor) */
		t = ((w - ones * 0x20) & ~w) |
		    (((w ^ (ones * '"')) - ones) & ~(w ^ (ones * '"'))) |
		    (((w ^ (ones * '\\')) - ones) & ~(w ^ (ones * '\\')));
		if (t & highs)
			return 1;
	}
	for (; i < n; i++)
		if (json_special[(unsigned char)s[i]])
			return 1;
	return 0;
}

/*
 * A JSON string. Ours are printable already (escapes written \xNN) or
 * UTF-8 from UTF-16 text: only '"', '\\' and control bytes need work.
 */
static void
jb_str(struct jbuf *jb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n;
	char *o;
	unsigned char c;

	n = strlen(s);
	o = jb_reserve(jb, 6 * n + 2);
	*o++ = '"';
	/* the common case: nothing to escape, one copy */
	if (!needs_escape(s, n)) {
		memcpy(o, s, n);
		o[n] = '"';
		jb->len = (size_t)(o + n + 1 - jb->p);
		return;
	}
	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (!json_special[c]) {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		if (c == '"' || c == '\\')
			*o++ = (char)c;
		else {
			memcpy(o, "u00", 3);
			o[3] = hex[c >> 4];
			o[4] = hex[c & 0xf];
			o += 5;
		}
	}
	*o++ = '"';
	jb->len = (size_t)(o - jb->p);
}

static void
jb_printf(struct jbuf *jb, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	jb_raw(jb, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Keys are our own literals: plain ASCII, nothing to escape. */
JB_INLINE void
jb_key(struct jbuf *jb, const char *k)
{
	size_t n;
	char *o;

	n = strlen(k);
	o = jb_reserve(jb, n + 4);
	if (jb->len > 0 && o[-1] != '{' && o[-1] != '[')
		*o++ = ',';
	*o++ = '"';
	memcpy(o, k, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	jb->len = (size_t)(o - jb->p);
}

JB_INLINE void
jb_kstr(struct jbuf *jb, const char *k, const char *v)
{
	jb_key(jb, k);
	jb_str(jb, v);
}

JB_INLINE void
jb_kint(struct jbuf *jb, const char *k, long long v)
{
	jb_key(jb, k);
	jb_int(jb, v);
}

static void
jb_ktime(struct jbuf *jb, const char *k, int64_t t)
{
	char buf[64];

	fmt_time_iso(buf, sizeof(buf), t, -1);
	jb_kstr(jb, k, buf);
}

/*
 * A 32-bit flag field as an array of names. Kerberos numbers bit 0 as
 * the MSB (msb0 = 1); MS-KILE's supported etypes from the LSB (msb0 = 0).
 */
static void
jb_flags(struct jbuf *jb, const char *k, uint32_t v,
    const char *(*name)(unsigned), int msb0)
{
	char buf[32];
	const char *s;
	unsigned bit;
	int first;

	jb_key(jb, k);
	jb_raw(jb, "[", 1);
	first = 1;
	for (bit = 0; bit < 32; bit++) {
		if ((v & (UINT32_C(1) << (msb0 ? 31 - bit : bit))) == 0)
			continue;
		if ((s = name(bit)) == NULL) {
			snprintf(buf, sizeof(buf), "bit-%u", bit);
			s = buf;
		}
		if (!first)
			jb_raw(jb, ",", 1);
		jb_str(jb, s);
		first = 0;
	}
	jb_raw(jb, "]", 1);
}

static void
jb_ticket(struct jbuf *jb, const struct krb_ticket *t)
{
	jb_key(jb, "ticket");
	jb_ticket_obj(jb, t);
}

static void
jb_ticket_obj(struct jbuf *jb, const struct krb_ticket *t)
{
	static const char hex[] = "0123456789abcdef";
	char buf[40];
	int i;

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "sname", t->sname);
	jb_kstr(jb, "realm", t->realm);
	jb_kstr(jb, "etype", etype_str(t->etype, buf, sizeof(buf)));
	if (t->has_kvno)
		jb_kint(jb, "kvno", t->kvno);
	for (i = 0; i < KRB_ID_LEN; i++) {
		buf[2 * i] = hex[t->id[i] >> 4];
		buf[2 * i + 1] = hex[t->id[i] & 0xf];
	}
	buf[2 * KRB_ID_LEN] = '\0';
	jb_kstr(jb, "id", buf);
	jb_kint(jb, "cipher_len", t->cipher_len);
	jb_raw(jb, "}", 1);
}

/* One PA-DATA entry with what its value was decoded into. */
static void
jb_padata(struct jbuf *jb, const struct krb_msg *m,
    const struct krb_padata *pa)
{
	const struct krb_etype_info *e;
	char buf[32];
	const char *s;
	int i;

	jb_raw(jb, "{", 1);
	jb_kint(jb, "type", pa->type);
	if ((s = krb_padata_name(pa->type)) != NULL)
		jb_kstr(jb, "name", s);
	jb_kint(jb, "len", pa->len);
	if (pa->has & KRB_PA_ETYPE)
		jb_kstr(jb, "etype", etype_str(pa->etype, buf, sizeof(buf)));
	if (pa->has & KRB_PA_KVNO)
		jb_kint(jb, "kvno", pa->kvno);
	if (pa->has & KRB_PA_ETYPE_INFO) {
		jb_key(jb, "etype_info");
		jb_raw(jb, "[", 1);
		for (i = 0; i < pa->ei_n; i++) {
			if (pa->ei_first + i >= m->n_etype_info)
				break;
			e = &m->etype_info[pa->ei_first + i];
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_raw(jb, "{", 1);
			jb_kstr(jb, "etype", etype_str(e->etype, buf,
			    sizeof(buf)));
			if (e->has_salt)
				jb_kstr(jb, "salt", e->salt);
			if (e->has_s2kparams)
				jb_kint(jb, "s2kparams_len", e->s2kparams_len);
			jb_raw(jb, "}", 1);
		}
		jb_raw(jb, "]", 1);
	}
	if (pa->has & KRB_PA_INCLUDE_PAC) {
		jb_key(jb, "include_pac");
		if (pa->include_pac)
			jb_raw(jb, "true", 4);
		else
			jb_raw(jb, "false", 5);
	}
	if (pa->has & KRB_PA_USER)
		jb_kstr(jb, "user", pa->type == 129 ? m->for_user :
		    m->s4u_user);
	if (pa->has & KRB_PA_AUTH_PACKAGE)
		jb_kstr(jb, "auth_package", m->auth_package);
	if (pa->has & KRB_PA_PAC_OPTIONS)
		jb_flags(jb, "pac_options", pa->flags, krb_pac_option_name, 1);
	if (pa->has & KRB_PA_SUPP_ETYPES)
		jb_flags(jb, "supported_etypes", pa->flags,
		    krb_supp_etype_name, 0);
	if (pa->has & KRB_PA_AP_OPTIONS)
		jb_flags(jb, "ap_options", pa->ap_options, krb_ap_option_name,
		    1);
	jb_raw(jb, "}", 1);
}

/* What the KRB-ERROR e-data holds. */
static void
jb_e_data(struct jbuf *jb, const struct krb_msg *m)
{
	static const char *const kind[] = { "none", "METHOD-DATA",
	    "TYPED-DATA", "KERB-ERROR-DATA", "unknown" };
	char buf[16];
	const char *s;
	int i;

	jb_key(jb, "e_data");
	jb_raw(jb, "{", 1);
	jb_kstr(jb, "kind", kind[m->e_data_kind >= 0 &&
	    m->e_data_kind <= KRB_EDATA_UNKNOWN ? m->e_data_kind :
	    KRB_EDATA_UNKNOWN]);
	if (m->has_e_data_type)
		jb_kint(jb, "data_type", m->e_data_type);
	if (m->has_ntstatus) {
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, m->ntstatus);
		jb_kstr(jb, "ntstatus", buf);
		if ((s = krb_ntstatus_name(m->ntstatus)) != NULL)
			jb_kstr(jb, "ntstatus_name", s);
	}
	if (m->e_data_kind == KRB_EDATA_TYPED) {
		jb_key(jb, "types");
		jb_raw(jb, "[", 1);
		for (i = 0; i < m->n_typed_data && i < KRB_MAX_TYPED_DATA;
		    i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_int(jb, m->typed_data[i]);
		}
		jb_raw(jb, "]", 1);
	}
	jb_raw(jb, "}", 1);
}

static void
json_krb(struct out *out, const struct msg_ctx *mc, const struct krb_msg *m)
{
	static const char *const status[] = { "ok", "truncated", "invalid" };
	struct jbuf *jb = &out->jb;
	char buf[64];
	const char *s;
	int i;

	json_head(jb, "krb", mc);
	jb_kstr(jb, "status", status[m->status >= 0 && m->status <= 2 ?
	    m->status : 2]);
	jb_kint(jb, "msg_type", m->msg_type);
	jb_kstr(jb, "msg", msg_str(m->msg_type, buf, sizeof(buf)));
	if (m->pvno != 0)
		jb_kint(jb, "pvno", m->pvno);
	if (m->has_error) {
		jb_kint(jb, "error_code", m->error_code);
		jb_kstr(jb, "error", err_str(m->error_code, buf, sizeof(buf)));
		if ((s = krb_error_text(m->error_code)) != NULL)
			jb_kstr(jb, "error_text", s);
	}
	if (m->crealm[0] != '\0')
		jb_kstr(jb, "crealm", m->crealm);
	if (m->cname[0] != '\0' || m->has_cname)
		jb_kstr(jb, "cname", m->cname);
	if (m->cname[0] != '\0' &&
	    (s = krb_name_type_name(m->cname_type)) != NULL)
		jb_kstr(jb, "cname_type", s);
	if (m->realm[0] != '\0')
		jb_kstr(jb, "realm", m->realm);
	if (m->sname[0] != '\0' || m->has_sname)
		jb_kstr(jb, "sname", m->sname);
	if (m->sname[0] != '\0' &&
	    (s = krb_name_type_name(m->sname_type)) != NULL)
		jb_kstr(jb, "sname_type", s);
	if (m->has_kdc_options)
		jb_flags(jb, "kdc_options", m->kdc_options,
		    krb_kdc_option_name, 1);
	if (m->has_ap_options)
		jb_flags(jb, "ap_options", m->ap_options, krb_ap_option_name,
		    1);
	if (m->has_from)
		jb_ktime(jb, "from", m->from);
	if (m->has_till)
		jb_ktime(jb, "till", m->till);
	if (m->has_rtime)
		jb_ktime(jb, "rtime", m->rtime);
	if (m->has_nonce)
		jb_kint(jb, "nonce", m->nonce);
	if (m->n_etypes > 0) {
		jb_key(jb, "etypes");
		jb_raw(jb, "[", 1);
		for (i = 0; i < m->n_etypes; i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_str(jb, etype_str(m->etypes[i], buf, sizeof(buf)));
		}
		jb_raw(jb, "]", 1);
	}
	if (m->n_addresses > 0)
		jb_kint(jb, "addresses", m->n_addresses);
	if (m->n_address_list > 0) {
		jb_key(jb, "address_list");
		jb_raw(jb, "[", 1);
		for (i = 0; i < m->n_address_list; i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_str(jb, m->address_list[i]);
		}
		jb_raw(jb, "]", 1);
	}
	if (m->n_additional_tickets > 0)
		jb_kint(jb, "additional_tickets", m->n_additional_tickets);
	if (m->n_add_tickets > 0) {
		jb_key(jb, "additional_ticket_list");
		jb_raw(jb, "[", 1);
		for (i = 0; i < m->n_add_tickets && i < KRB_MAX_ADD_TICKETS;
		    i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_ticket_obj(jb, &m->add_tickets[i]);
		}
		jb_raw(jb, "]", 1);
	}
	if (m->n_padata > 0) {
		jb_key(jb, "padata");
		jb_raw(jb, "[", 1);
		for (i = 0; i < m->n_padata; i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_padata(jb, m, &m->padata[i]);
		}
		jb_raw(jb, "]", 1);
	}
	if (m->n_etype_info_cut > 0)
		jb_kint(jb, "etype_info_cut", m->n_etype_info_cut);
	if (m->armored) {
		jb_key(jb, "armored");
		jb_raw(jb, "true", 4);
	}
	if (m->pkinit) {
		jb_key(jb, "pkinit");
		jb_raw(jb, "true", 4);
	}
	if (m->gss_mech != 0) {
		jb_key(jb, "gss");
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "mech", krb_gss_mech_name(m->gss_mech));
		jb_kint(jb, "tok_id", m->gss_tok_id);
		if ((s = krb_gss_tok_name(m->gss_tok_id)) != NULL)
			jb_kstr(jb, "tok", s);
		jb_raw(jb, "}", 1);
	}
	if (m->ticket.present)
		jb_ticket(jb, &m->ticket);
	if (m->has_enc_part) {
		jb_key(jb, "enc_part");
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "etype", etype_str(m->enc_etype, buf, sizeof(buf)));
		if (m->has_enc_kvno)
			jb_kint(jb, "kvno", m->enc_kvno);
		jb_raw(jb, "}", 1);
	}
	if (m->has_stime)
		jb_ktime(jb, "stime", m->stime);
	if (m->has_susec)
		jb_kint(jb, "susec", m->susec);
	if (m->has_ctime)
		jb_ktime(jb, "ctime", m->ctime);
	if (m->has_cusec)
		jb_kint(jb, "cusec", m->cusec);
	if (m->has_e_text)
		jb_kstr(jb, "e_text", m->e_text);
	if (m->has_clock_offset)
		jb_kint(jb, "clock_offset", m->clock_offset);
	if (m->has_e_data)
		jb_kint(jb, "e_data_len", m->e_data_len);
	if (m->e_data_kind != KRB_EDATA_NONE)
		jb_e_data(jb, m);
	if (mc->spnego != NULL) {
		jb_key(jb, "spnego");
		jb_raw(jb, "{", 1);
		jb_spnego(jb, mc->spnego);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

/*
 * A record is complete. Records are collected and written in blocks of
 * JSON_BLOCK bytes (one stdio copy less per record); a live capture
 * writes each at once, so a reader of the pipe sees it as it happens.
 */
#define JSON_BLOCK	(64 * 1024)

static void
json_end(struct out *out)
{
	if (out->o.live || out->jb.len >= JSON_BLOCK)
		json_flush(out);
}

static void
json_flush(struct out *out)
{
	if (out->jb.len > 0)
		fwrite(out->jb.p, 1, out->jb.len, out->o.fp);
	out->jb.len = 0;
}

/*
 * An address as text, from a small cache: a capture's records mostly
 * name the same few hosts, and IPv6 text is not free.
 */
#define ADDR_CACHE	4

static const char *
addr_str(int family, const uint8_t *addr)
{
	static struct {
		int	 family;
		uint8_t	 addr[16];
		char	 text[64];
	} cache[ADDR_CACHE];
	static unsigned next;
	size_t alen;
	unsigned i;

	alen = family == AF_INET6 ? 16 : 4;
	for (i = 0; i < ADDR_CACHE; i++)
		if (cache[i].family == family &&
		    memcmp(cache[i].addr, addr, alen) == 0)
			return cache[i].text;
	i = next++ % ADDR_CACHE;
	cache[i].family = family;
	memcpy(cache[i].addr, addr, alen);
	fmt_addr(cache[i].text, sizeof(cache[i].text), family, addr);
	return cache[i].text;
}

/* The keys every record starts with. */
static void
json_head(struct jbuf *jb, const char *type, const struct msg_ctx *mc)
{
	char buf[64];

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", type);
	jb_kint(jb, "frame", (long long)mc->frame);
	fmt_time_iso(buf, sizeof(buf), mc->ts.tv_sec, mc->ts.tv_usec);
	jb_kstr(jb, "ts", buf);
	jb_kstr(jb, "src", addr_str(mc->family, mc->src));
	jb_kint(jb, "sport", mc->sport);
	jb_kstr(jb, "dst", addr_str(mc->family, mc->dst));
	jb_kint(jb, "dport", mc->dport);
	jb_kstr(jb, "transport", mc->transport == TRANSPORT_TCP ? "tcp" :
	    "udp");
	jb_kstr(jb, "carrier", mc->carrier);
}

/* ---- security layers, carrier events, DNS ----------------------------- */

static const char *
mech_str(int mech, char *buf, size_t sz)
{
	const char *s;

	if ((s = sec_mech_name(mech)) != NULL)
		return s;
	snprintf(buf, sz, "unknown");
	return buf;
}

/* The SPNEGO fields, inside an open object. */
static void
jb_spnego(struct jbuf *jb, const struct spnego_info *sp)
{
	static const char *const kind[] = { "unknown", "negTokenInit",
	    "negTokenInit2", "negTokenResp" };
	char buf[32];
	const char *s;
	int i, n;

	jb_kstr(jb, "token", kind[sp->kind >= 0 && sp->kind <= 3 ?
	    sp->kind : 0]);
	n = sp->n_mechs < SPNEGO_MAX_MECHS ? sp->n_mechs : SPNEGO_MAX_MECHS;
	if (sp->kind != SPNEGO_RESP) {
		jb_key(jb, "mechs");
		jb_raw(jb, "[", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_str(jb, mech_str(sp->mechs[i], buf, sizeof(buf)));
		}
		jb_raw(jb, "]", 1);
		if (sp->n_mechs > n)
			jb_kint(jb, "mechs_cut", sp->n_mechs - n);
	}
	if (sp->neg_state >= 0) {
		if ((s = spnego_state_name(sp->neg_state)) != NULL)
			jb_kstr(jb, "neg_state", s);
		else
			jb_kint(jb, "neg_state", sp->neg_state);
	}
	if (sp->supported_mech >= 0)
		jb_kstr(jb, "supported_mech", mech_str(sp->supported_mech, buf,
		    sizeof(buf)));
	if (sp->has_req_flags)
		jb_kint(jb, "req_flags", sp->req_flags);
	if (sp->has_token)
		jb_kint(jb, "token_len", sp->token_len);
	if (sp->has_mic) {
		jb_key(jb, "mic");
		jb_raw(jb, "true", 4);
	}
	if (sp->hint_name[0] != '\0')
		jb_kstr(jb, "hint_name", sp->hint_name);
}

static const char *const status_names[] = { "ok", "truncated", "invalid" };
#define STATUS_STR(st)	status_names[(st) >= 0 && (st) <= 2 ? (st) : 2]

static const char *
ntlm_resp_str(int r)
{
	switch (r) {
	case NTLM_RESP_NONE:
		return "none";
	case NTLM_RESP_V1:
		return "NTLMv1";
	default:
		return "NTLMv2";
	}
}

static void
json_ntlm(struct out *out, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct jbuf *jb = &out->jb;
	char buf[64];
	const char *s;

	json_head(jb, "ntlm", mc);
	jb_kstr(jb, "status", STATUS_STR(m->status));
	jb_kint(jb, "msg_type", m->msg_type);
	if ((s = ntlm_msg_name(m->msg_type)) != NULL)
		jb_kstr(jb, "msg", s);
	else
		jb_kstr(jb, "msg", "unknown");
	if (m->has_flags)
		jb_flags(jb, "flags", m->flags, ntlm_flag_name, 0);
	if (m->msg_type == NTLM_AUTHENTICATE || m->domain[0] != '\0')
		jb_kstr(jb, "domain", m->domain);
	if (m->msg_type == NTLM_AUTHENTICATE || m->user[0] != '\0')
		jb_kstr(jb, "user", m->user);
	if (m->msg_type == NTLM_AUTHENTICATE || m->workstation[0] != '\0')
		jb_kstr(jb, "workstation", m->workstation);
	if (m->msg_type == NTLM_AUTHENTICATE) {
		jb_key(jb, "anonymous");
		jb_raw(jb, m->anonymous ? "true" : "false", m->anonymous ? 4 :
		    5);
		jb_kstr(jb, "response", ntlm_resp_str(m->response));
		jb_kint(jb, "lm_len", m->lm_len);
		jb_kint(jb, "nt_len", m->nt_len);
		jb_key(jb, "mic");
		jb_raw(jb, m->has_mic ? "true" : "false", m->has_mic ? 4 : 5);
		jb_key(jb, "session_key");
		jb_raw(jb, m->has_session_key ? "true" : "false",
		    m->has_session_key ? 4 : 5);
	}
	if (m->msg_type == NTLM_CHALLENGE)
		jb_kstr(jb, "target_name", m->target_name);
	if (m->has_version) {
		snprintf(buf, sizeof(buf), "%u.%u.%u", m->ver_major,
		    m->ver_minor, m->ver_build);
		jb_kstr(jb, "version", buf);
		jb_kint(jb, "ntlm_revision", m->ntlm_revision);
	}
	if (m->has_av) {
		jb_key(jb, "target_info");
		jb_raw(jb, "{", 1);
		jb_kint(jb, "pairs", m->n_av);
		if (m->nb_computer[0] != '\0')
			jb_kstr(jb, "nb_computer", m->nb_computer);
		if (m->nb_domain[0] != '\0')
			jb_kstr(jb, "nb_domain", m->nb_domain);
		if (m->dns_computer[0] != '\0')
			jb_kstr(jb, "dns_computer", m->dns_computer);
		if (m->dns_domain[0] != '\0')
			jb_kstr(jb, "dns_domain", m->dns_domain);
		if (m->dns_tree[0] != '\0')
			jb_kstr(jb, "dns_tree", m->dns_tree);
		if (m->av_target_name[0] != '\0')
			jb_kstr(jb, "target_spn", m->av_target_name);
		if (m->has_av_flags)
			jb_kint(jb, "av_flags", m->av_flags);
		if (m->has_timestamp) {
			fmt_time_iso(buf, sizeof(buf), m->timestamp,
			    (long)m->timestamp_usec);
			jb_kstr(jb, "timestamp", buf);
		}
		if (m->av_error != NTLM_AV_OK &&
		    (s = ntlm_av_error_name(m->av_error)) != NULL)
			jb_kstr(jb, "error", s);
		jb_raw(jb, "}", 1);
	}
	if (mc->spnego != NULL) {
		jb_key(jb, "spnego");
		jb_raw(jb, "{", 1);
		jb_spnego(jb, mc->spnego);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

static void
json_spnego(struct out *out, const struct msg_ctx *mc,
    const struct spnego_info *sp)
{
	struct jbuf *jb = &out->jb;

	json_head(jb, "spnego", mc);
	jb_kstr(jb, "status", STATUS_STR(sp->status));
	jb_spnego(jb, sp);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

static const char *
outcome_str(int o)
{
	switch (o) {
	case AUTH_OK:
		return "ok";
	case AUTH_CONTINUE:
		return "continue";
	case AUTH_FAIL:
		return "fail";
	default:
		return NULL;
	}
}

static void
json_auth(struct out *out, const struct msg_ctx *mc, const struct auth_rec *a)
{
	struct jbuf *jb = &out->jb;
	const struct auth_field *f;
	const char *s;
	int i;

	json_head(jb, "auth", mc);
	jb_kstr(jb, "event", a->event);
	if ((s = outcome_str(a->outcome)) != NULL)
		jb_kstr(jb, "outcome", s);
	for (i = 0; i < a->n_fields && i < AUTH_MAX_FIELDS; i++) {
		f = &a->f[i];
		switch (f->kind) {
		case AUTH_F_INT:
			jb_kint(jb, f->key, (long long)f->ival);
			break;
		case AUTH_F_BOOL:
			jb_key(jb, f->key);
			jb_raw(jb, f->ival ? "true" : "false", f->ival ? 4 : 5);
			break;
		default:
			jb_kstr(jb, f->key, f->sval);
			break;
		}
	}
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

/* RFC 1035 3.2.2, RFC 3596, RFC 2782, RFC 6891, RFC 9460 */
static const char *
dns_type_str(uint16_t t, char *buf, size_t sz)
{
	switch (t) {
	case 1:
		return "A";
	case 2:
		return "NS";
	case 5:
		return "CNAME";
	case 6:
		return "SOA";
	case 12:
		return "PTR";
	case 15:
		return "MX";
	case 16:
		return "TXT";
	case 28:
		return "AAAA";
	case 33:
		return "SRV";
	case 41:
		return "OPT";
	case 64:
		return "SVCB";
	case 65:
		return "HTTPS";
	case 255:
		return "ANY";
	default:
		snprintf(buf, sz, "TYPE%u", t);
		return buf;
	}
}

/* RFC 1035 4.1.1, RFC 2136 */
static const char *
dns_rcode_str(int rc, char *buf, size_t sz)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
	    "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	    "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rc >= 0 && rc < (int)(sizeof(names) / sizeof(names[0])))
		return names[rc];
	snprintf(buf, sz, "RCODE%d", rc);
	return buf;
}

static void
json_dns(struct out *out, const struct msg_ctx *mc, const struct dns_rec *d)
{
	struct jbuf *jb = &out->jb;
	const struct dns_rr *rr;
	char buf[32];
	int i;

	json_head(jb, "dns", mc);
	jb_kstr(jb, "status", STATUS_STR(d->status));
	jb_kint(jb, "id", d->id);
	jb_kstr(jb, "qr", d->response ? "response" : "query");
	if (d->opcode != 0)
		jb_kint(jb, "opcode", d->opcode);
	if (d->response)
		jb_kstr(jb, "rcode", dns_rcode_str(d->rcode, buf,
		    sizeof(buf)));
	if (d->tc) {
		jb_key(jb, "tc");
		jb_raw(jb, "true", 4);
	}
	if (d->n_questions > 0) {
		jb_kstr(jb, "qname", d->qname);
		jb_kstr(jb, "qtype", dns_type_str(d->qtype, buf,
		    sizeof(buf)));
	}
	if (d->response) {
		jb_key(jb, "answers");
		jb_raw(jb, "[", 1);
		for (i = 0; i < d->n_answers && i < DNS_MAX_ANSWERS; i++) {
			rr = &d->an[i];
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_raw(jb, "{", 1);
			jb_kstr(jb, "name", rr->name);
			jb_kstr(jb, "type", dns_type_str(rr->type, buf,
			    sizeof(buf)));
			jb_kint(jb, "ttl", rr->ttl);
			if (rr->type == 33) {
				jb_kint(jb, "priority", rr->srv_priority);
				jb_kint(jb, "weight", rr->srv_weight);
				jb_kint(jb, "port", rr->srv_port);
				jb_kstr(jb, "target", rr->data);
			} else if (rr->data[0] != '\0')
				jb_kstr(jb, "data", rr->data);
			jb_raw(jb, "}", 1);
		}
		jb_raw(jb, "]", 1);
		if (d->n_cut > 0)
			jb_kint(jb, "answers_cut", d->n_cut);
	}
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

/* ---- one line per message (-v) ---------------------------------------- */

/*
 * name@REALM as MIT's krb5_unparse_name writes it: an '@' inside the name
 * (an enterprise name such as user@upn.suffix) is escaped as "\@".
 */
static void
fmt_princ(char *dst, size_t dstsz, const char *name, const char *realm)
{
	size_t o;

	for (o = 0; *name != '\0' && o + 3 < dstsz; name++) {
		if (*name == '@')
			dst[o++] = '\\';
		dst[o++] = *name;
	}
	dst[o] = '\0';
	if (realm[0] != '\0') {
		str_append(dst, dstsz, "@");
		str_append(dst, dstsz, realm);
	}
}

static void
line_princ(FILE *fp, const char *label, const char *name, const char *realm)
{
	char p[2 * KRB_NAME_MAX + KRB_REALM_MAX];

	if (name[0] == '\0' && realm[0] == '\0')
		return;
	fmt_princ(p, sizeof(p), name, realm);
	fprintf(fp, " %s %s", label, p);
}

static void
line_flags(FILE *fp, const char *label, uint32_t v,
    const char *(*name)(unsigned))
{
	const char *s;
	unsigned bit;
	int first;

	first = 1;
	for (bit = 0; bit < 32; bit++) {
		if ((v & (UINT32_C(1) << (31 - bit))) == 0)
			continue;
		fprintf(fp, "%s", first ? " " : ",");
		if (first)
			fprintf(fp, "%s ", label);
		if ((s = name(bit)) != NULL)
			fputs(s, fp);
		else
			fprintf(fp, "bit-%u", bit);
		first = 0;
	}
}

/* The -vv field tree, each line indented under the message line. */
static void
print_indented(FILE *fp, const char *text)
{
	const char *nl;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		fputs("    ", fp);
		if (nl == NULL) {
			fputs(text, fp);
			fputc('\n', fp);
			return;
		}
		fwrite(text, 1, (size_t)(nl - text + 1), fp);
		text = nl + 1;
	}
}

/* "21:09:55.000000 #2 IP 192.0.2.1.88 > 192.0.2.2.63081: carrier/udp " */
static void
line_head(FILE *fp, const struct msg_ctx *mc)
{
	char src[64], dst[64], tb[64];
	time_t t;
	struct tm tm;

	t = mc->ts.tv_sec;
	gmtime_r(&t, &tm);
	fmt_addr(src, sizeof(src), mc->family, mc->src);
	fmt_addr(dst, sizeof(dst), mc->family, mc->dst);
	strftime(tb, sizeof(tb), "%H:%M:%S", &tm);
	fprintf(fp, "%s.%06ld #%" PRIu64 " %s %s.%u > %s.%u: %s/%s ", tb,
	    (long)mc->ts.tv_usec, mc->frame,
	    mc->family == AF_INET6 ? "IP6" : "IP", src, mc->sport, dst,
	    mc->dport, mc->carrier, mc->transport == TRANSPORT_TCP ? "tcp" :
	    "udp");
}

static void
line_spnego_tail(FILE *fp, const struct spnego_info *sp)
{
	char buf[32];
	const char *s;
	int i, n;

	fprintf(fp, " %s", sp->kind == SPNEGO_RESP ? "negTokenResp" :
	    sp->kind == SPNEGO_INIT2 ? "negTokenInit2" : "negTokenInit");
	n = sp->n_mechs < SPNEGO_MAX_MECHS ? sp->n_mechs : SPNEGO_MAX_MECHS;
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s", i == 0 ? " mechs " : ",",
		    mech_str(sp->mechs[i], buf, sizeof(buf)));
	if (sp->neg_state >= 0 &&
	    (s = spnego_state_name(sp->neg_state)) != NULL)
		fprintf(fp, " %s", s);
	if (sp->supported_mech >= 0)
		fprintf(fp, " mech %s", mech_str(sp->supported_mech, buf,
		    sizeof(buf)));
	if (sp->has_mic)
		fputs(" mic", fp);
}

static void
line_ntlm(struct out *out, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	FILE *fp = out->o.fp;
	const char *s;

	line_head(fp, mc);
	s = ntlm_msg_name(m->msg_type);
	fprintf(fp, "NTLMSSP %s", s != NULL ? s : "unknown");
	if (m->msg_type == NTLM_AUTHENTICATE) {
		fprintf(fp, " user %s\\%s", m->domain, m->user);
		if (m->workstation[0] != '\0')
			fprintf(fp, " ws %s", m->workstation);
		fprintf(fp, " %s", ntlm_resp_str(m->response));
		if (m->anonymous)
			fputs(" anonymous", fp);
	} else if (m->msg_type == NTLM_CHALLENGE) {
		if (m->target_name[0] != '\0')
			fprintf(fp, " target %s", m->target_name);
		if (m->dns_computer[0] != '\0')
			fprintf(fp, " server %s", m->dns_computer);
	} else {
		if (m->domain[0] != '\0')
			fprintf(fp, " domain %s", m->domain);
		if (m->workstation[0] != '\0')
			fprintf(fp, " ws %s", m->workstation);
	}
	if (m->av_target_name[0] != '\0')
		fprintf(fp, " spn %s", m->av_target_name);
	if (m->has_av && m->av_error != NTLM_AV_OK &&
	    (s = ntlm_av_error_name(m->av_error)) != NULL)
		fprintf(fp, " av-pairs %s", s);
	if (m->status == KRB_TRUNCATED)
		fputs(" [truncated]", fp);
	else if (m->status == KRB_INVALID)
		fputs(" [invalid]", fp);
	if (mc->spnego != NULL) {
		fputs(" (spnego", fp);
		line_spnego_tail(fp, mc->spnego);
		fputs(")", fp);
	}
	fputc('\n', fp);
}

static void
line_spnego(struct out *out, const struct msg_ctx *mc,
    const struct spnego_info *sp)
{
	FILE *fp = out->o.fp;

	line_head(fp, mc);
	fputs("SPNEGO", fp);
	line_spnego_tail(fp, sp);
	if (sp->hint_name[0] != '\0')
		fprintf(fp, " hint %s", sp->hint_name);
	if (sp->status == KRB_TRUNCATED)
		fputs(" [truncated]", fp);
	else if (sp->status == KRB_INVALID)
		fputs(" [invalid]", fp);
	fputc('\n', fp);
}

/* "session_setup FAIL status=STATUS_LOGON_FAILURE session_id=..." */
static void
fmt_auth(char *dst, size_t dstsz, const struct auth_rec *a)
{
	char v[KRB_TEXT_MAX + 32];
	const struct auth_field *f;
	const char *s;
	int i;

	dst[0] = '\0';
	str_append(dst, dstsz, a->event);
	switch (a->outcome) {
	case AUTH_OK:
		str_append(dst, dstsz, " OK");
		break;
	case AUTH_CONTINUE:
		str_append(dst, dstsz, " CONTINUE");
		break;
	case AUTH_FAIL:
		str_append(dst, dstsz, " FAIL");
		break;
	default:
		break;
	}
	for (i = 0; i < a->n_fields && i < AUTH_MAX_FIELDS; i++) {
		f = &a->f[i];
		if (f->kind == AUTH_F_INT)
			snprintf(v, sizeof(v), " %s=%lld", f->key,
			    (long long)f->ival);
		else if (f->kind == AUTH_F_BOOL)
			snprintf(v, sizeof(v), " %s=%s", f->key,
			    f->ival ? "yes" : "no");
		else {
			if (f->sval[0] == '\0')
				continue;
			s = strchr(f->sval, ' ') != NULL ? "\"" : "";
			snprintf(v, sizeof(v), " %s=%s%s%s", f->key, s,
			    f->sval, s);
		}
		str_append(dst, dstsz, v);
	}
}

static void
line_auth(struct out *out, const struct msg_ctx *mc, const struct auth_rec *a)
{
	char text[1024];

	line_head(out->o.fp, mc);
	fmt_auth(text, sizeof(text), a);
	fprintf(out->o.fp, "%s\n", text);
}

static void
line_dns(struct out *out, const struct msg_ctx *mc, const struct dns_rec *d)
{
	FILE *fp = out->o.fp;
	const struct dns_rr *rr;
	char buf[32];
	int i;

	line_head(fp, mc);
	fprintf(fp, "DNS %s", d->response ? "response" : "query");
	if (d->response && d->rcode != 0)
		fprintf(fp, " %s", dns_rcode_str(d->rcode, buf, sizeof(buf)));
	if (d->n_questions > 0)
		fprintf(fp, " %s %s", dns_type_str(d->qtype, buf, sizeof(buf)),
		    d->qname);
	for (i = 0; i < d->n_answers && i < DNS_MAX_ANSWERS; i++) {
		rr = &d->an[i];
		fprintf(fp, "%s%s %s", i == 0 ? " -> " : ", ",
		    dns_type_str(rr->type, buf, sizeof(buf)), rr->data);
		if (rr->type == 33)
			fprintf(fp, ":%u", rr->srv_port);
	}
	if (d->status == KRB_TRUNCATED)
		fputs(" [truncated]", fp);
	else if (d->status == KRB_INVALID)
		fputs(" [invalid]", fp);
	fputc('\n', fp);
}

static void
line_krb(struct out *out, const struct msg_ctx *mc, const struct krb_msg *m)
{
	FILE *fp = out->o.fp;
	char buf[64];
	const char *s;
	int i;

	line_head(fp, mc);
	fputs(msg_str(m->msg_type, buf, sizeof(buf)), fp);
	if (m->has_error)
		fprintf(fp, " %s (%" PRId32 ")", err_str(m->error_code, buf,
		    sizeof(buf)), m->error_code);
	/* a request's client is in the body's realm */
	line_princ(fp, "cname", m->cname, m->crealm[0] != '\0' ? m->crealm :
	    m->msg_type == KRB_AS_REQ ? m->realm : "");
	line_princ(fp, "sname", m->sname, m->realm);
	if (m->ticket.present) {
		fprintf(fp, " %s %s@%s %s", m->msg_type == KRB_TGS_REQ ?
		    "tgt" : "ticket", m->ticket.sname, m->ticket.realm,
		    etype_str(m->ticket.etype, buf, sizeof(buf)));
		if (m->ticket.has_kvno)
			fprintf(fp, " kvno %" PRIu32, m->ticket.kvno);
		fprintf(fp, " id %02x%02x%02x%02x", m->ticket.id[0],
		    m->ticket.id[1], m->ticket.id[2], m->ticket.id[3]);
	}
	if (m->has_kdc_options)
		line_flags(fp, "opts", m->kdc_options, krb_kdc_option_name);
	if (m->has_ap_options)
		line_flags(fp, "opts", m->ap_options, krb_ap_option_name);
	for (i = 0; i < m->n_etypes; i++)
		fprintf(fp, "%s%s", i == 0 ? " etypes " : ",",
		    etype_str(m->etypes[i], buf, sizeof(buf)));
	for (i = 0; i < m->n_padata; i++) {
		s = krb_padata_name(m->padata[i].type);
		if (s != NULL)
			fprintf(fp, "%s%s", i == 0 ? " padata " : ",", s);
		else
			fprintf(fp, "%s%" PRId32, i == 0 ? " padata " : ",",
			    m->padata[i].type);
	}
	if (m->armored)
		fputs(" armored", fp);
	if (m->pkinit)
		fputs(" pkinit", fp);
	if (m->for_user[0] != '\0')
		fprintf(fp, " for-user %s", m->for_user);
	else if (m->s4u_user[0] != '\0')
		fprintf(fp, " for-user %s", m->s4u_user);
	if (m->has_ntstatus) {
		if ((s = krb_ntstatus_name(m->ntstatus)) != NULL)
			fprintf(fp, " ntstatus %s", s);
		else
			fprintf(fp, " ntstatus 0x%08" PRIx32, m->ntstatus);
	}
	if (m->has_clock_offset && m->clock_offset != 0)
		fprintf(fp, " skew %+" PRId64 "s", m->clock_offset);
	if (out->o.verbose > 1) {
		if (m->has_nonce)
			fprintf(fp, " nonce %" PRIu32, m->nonce);
		if (m->has_till) {
			fmt_time_iso(buf, sizeof(buf), m->till, -1);
			fprintf(fp, " till %s", buf);
		}
		if (m->has_enc_part)
			fprintf(fp, " enc-part %s", etype_str(m->enc_etype,
			    buf, sizeof(buf)));
		if (m->has_stime) {
			fmt_time_iso(buf, sizeof(buf), m->stime, -1);
			fprintf(fp, " stime %s", buf);
		}
		if (m->has_ctime) {
			fmt_time_iso(buf, sizeof(buf), m->ctime, -1);
			fprintf(fp, " ctime %s", buf);
		}
	}
	if (m->has_e_text)
		fprintf(fp, " e-text \"%s\"", m->e_text);
	if (m->status == KRB_TRUNCATED)
		fputs(" [truncated]", fp);
	else if (m->status == KRB_INVALID)
		fputs(" [invalid]", fp);
	if (mc->spnego != NULL) {
		fputs(" (spnego", fp);
		line_spnego_tail(fp, mc->spnego);
		fputs(")", fp);
	}
	fputc('\n', fp);
	if (out->o.verbose > 1 && mc->tree != NULL)
		print_indented(fp, mc->tree);
}

/* ---- the report's tables ---------------------------------------------- */

static struct client *
client_slot(struct client *tab, size_t n_slots, int family,
    const uint8_t *addr)
{
	struct client *c;
	size_t i, alen;

	alen = family == AF_INET6 ? 16 : 4;
	i = hash64(addr, alen, (uint64_t)family) & (n_slots - 1);
	for (;; i = (i + 1) & (n_slots - 1)) {
		c = &tab[i];
		if (!c->used || (c->family == family &&
		    memcmp(c->addr, addr, alen) == 0))
			return c;
	}
}

/* The client's row; the table doubles up to MAX_CLIENTS slots. */
static struct client *
client_get(struct out *out, int family, const uint8_t *addr)
{
	struct client *c, *old;
	size_t i, n_old;

	if (out->n_slots == 0) {
		out->n_slots = 256;
		out->clients = xcalloc(out->n_slots, sizeof(*out->clients));
	}
	c = client_slot(out->clients, out->n_slots, family, addr);
	if (c->used)
		return c;
	/* keep a quarter of the table free so probes stay short */
	if (out->n_clients + 1 > out->n_slots * 3 / 4) {
		if (out->n_slots == MAX_CLIENTS)
			return &out->other;
		old = out->clients;
		n_old = out->n_slots;
		out->n_slots *= 2;
		out->clients = xcalloc(out->n_slots, sizeof(*out->clients));
		for (i = 0; i < n_old; i++)
			if (old[i].used)
				*client_slot(out->clients, out->n_slots,
				    old[i].family, old[i].addr) = old[i];
		free(old);
		c = client_slot(out->clients, out->n_slots, family, addr);
	}
	c->used = 1;
	c->family = family;
	memcpy(c->addr, addr, family == AF_INET6 ? 16 : 4);
	out->n_clients++;
	return c;
}

static void
client_princ(struct client *c, const char *name, const char *realm)
{
	char p[KRB_NAME_MAX + KRB_REALM_MAX];
	int i;

	/* FAST hides the client of a KDC reply behind the anonymous name */
	if (name[0] == '\0' || strcmp(name, "WELLKNOWN/ANONYMOUS") == 0)
		return;
	fmt_princ(p, sizeof(p), name, realm);
	for (i = 0; i < c->n_princ; i++)
		if (strcmp(c->princ[i], p) == 0)
			return;
	if (c->n_princ < CLIENT_PRINC)
		c->princ[c->n_princ++] = xstrdup(p);
}

static void
report_krb(struct out *out, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct client *c;
	const uint8_t *addr;
	size_t col;
	int i;

	/* The client is the requester: source of requests, else the
	 * destination (replies and errors go back to it). */
	if (m->msg_type == KRB_AS_REQ || m->msg_type == KRB_TGS_REQ ||
	    m->msg_type == KRB_AP_REQ)
		addr = mc->src;
	else
		addr = mc->dst;
	carrier_get(out, mc->carrier)->krb++;
	c = client_get(out, mc->family, addr);
	if (c->first_frame == 0)
		c->first_frame = mc->frame;
	for (col = 0; col < N_COLS; col++)
		if (report_cols[col] == m->msg_type)
			break;
	c->n[col]++;
	if (m->msg_type == KRB_AS_REQ || m->msg_type == KRB_AS_REP ||
	    m->msg_type == KRB_TGS_REP || m->msg_type == KRB_ERROR)
		client_princ(c, m->cname, m->msg_type == KRB_AS_REQ ?
		    m->realm : m->crealm);
	if (!m->has_error)
		return;
	for (i = 0; i < out->n_errs; i++)
		if (out->errs[i].code == m->error_code)
			break;
	if (i == out->n_errs) {
		if (i == MAX_ERRCODES) {
			out->errs_other++;
			return;
		}
		out->errs[i].code = m->error_code;
		out->errs[i].first_frame = mc->frame;
		out->n_errs++;
	}
	out->errs[i].n++;
	out->errs[i].last_frame = mc->frame;
}

/* A record's -v line: always in line mode, with -v under the report. */
static int
show_line(const struct out *out)
{
	return out->o.mode == OUT_LINES || out->o.verbose > 0;
}

void
out_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_krb(out, mc, m);
		return;
	}
	if (show_line(out))
		line_krb(out, mc, m);
	if (out->o.mode == OUT_REPORT)
		report_krb(out, mc, m);
}

/* ---- carriers in the report -------------------------------------------- */

/* The carrier's row (carrier names are static strings). */
static struct carrier_row *
carrier_get(struct out *out, const char *name)
{
	int i;

	for (i = 0; i < out->n_carriers; i++)
		if (out->carriers[i].name == name ||
		    strcmp(out->carriers[i].name, name) == 0)
			return &out->carriers[i];
	if (out->n_carriers == MAX_CARRIERS)
		return &out->carrier_other;
	out->carriers[out->n_carriers].name = name;
	return &out->carriers[out->n_carriers++];
}

static void
report_ntlm(struct out *out, const struct msg_ctx *mc,
    const struct ntlm_msg *m)
{
	struct ntlm_row *r;
	char who[2 * NTLM_STR_MAX + 2];
	size_t alen;
	int i;

	carrier_get(out, mc->carrier)->ntlm++;
	if (m->msg_type != NTLM_AUTHENTICATE)
		return;
	snprintf(who, sizeof(who), "%s\\%s", m->domain, m->user);
	alen = mc->family == AF_INET6 ? 16 : 4;
	for (i = 0; i < out->n_ntlm; i++) {
		r = &out->ntlm[i];
		if (r->family == mc->family && r->dport == mc->dport &&
		    memcmp(r->src, mc->src, alen) == 0 &&
		    memcmp(r->dst, mc->dst, alen) == 0 &&
		    r->anonymous == m->anonymous &&
		    strcmp(r->who, who) == 0) {
			r->n++;
			return;
		}
	}
	if (out->n_ntlm == MAX_NTLM_ROWS) {
		out->ntlm_other++;
		return;
	}
	r = &out->ntlm[out->n_ntlm++];
	memset(r, 0, sizeof(*r));
	r->family = mc->family;
	memcpy(r->src, mc->src, sizeof(r->src));
	memcpy(r->dst, mc->dst, sizeof(r->dst));
	r->dport = mc->dport;
	r->carrier = mc->carrier;
	snprintf(r->who, sizeof(r->who), "%s", who);
	snprintf(r->ws, sizeof(r->ws), "%s", m->workstation);
	snprintf(r->spn, sizeof(r->spn), "%s", m->av_target_name);
	r->response = m->response;
	r->anonymous = m->anonymous;
	r->n = 1;
	r->first_frame = mc->frame;
}

static void
report_auth(struct out *out, const struct msg_ctx *mc,
    const struct auth_rec *a)
{
	struct carrier_row *cr;
	struct fail_row *r;
	char s[64], d[64];

	cr = carrier_get(out, mc->carrier);
	cr->events++;
	if (a->outcome == AUTH_OK)
		cr->ok++;
	else if (a->outcome == AUTH_CONTINUE)
		cr->cont++;
	if (a->outcome != AUTH_FAIL)
		return;
	cr->fail++;
	if (out->n_fail == MAX_FAIL_ROWS) {
		out->fail_other++;
		return;
	}
	r = &out->fail[out->n_fail++];
	r->frame = mc->frame;
	r->carrier = mc->carrier;
	fmt_addr(s, sizeof(s), mc->family, mc->src);
	fmt_addr(d, sizeof(d), mc->family, mc->dst);
	snprintf(r->where, sizeof(r->where), "%s.%u > %s.%u", s, mc->sport,
	    d, mc->dport);
	fmt_auth(r->text, sizeof(r->text), a);
}

void
out_ntlm(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_ntlm(out, mc, m);
		return;
	}
	if (show_line(out))
		line_ntlm(out, mc, m);
	if (out->o.mode == OUT_REPORT)
		report_ntlm(out, mc, m);
}

void
out_spnego(void *arg, const struct msg_ctx *mc, const struct spnego_info *sp)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_spnego(out, mc, sp);
		return;
	}
	if (show_line(out))
		line_spnego(out, mc, sp);
	if (out->o.mode == OUT_REPORT)
		carrier_get(out, mc->carrier)->spnego++;
}

void
out_auth(void *arg, const struct msg_ctx *mc, const struct auth_rec *a)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_auth(out, mc, a);
		return;
	}
	if (show_line(out))
		line_auth(out, mc, a);
	if (out->o.mode == OUT_REPORT)
		report_auth(out, mc, a);
}

void
out_dns(void *arg, const struct msg_ctx *mc, const struct dns_rec *d)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_dns(out, mc, d);
		return;
	}
	if (show_line(out))
		line_dns(out, mc, d);
}

/* The report's carrier sections: who talked how, what failed. */
static void
report_carriers(struct out *out, const struct stats *st)
{
	FILE *fp = out->o.fp;
	const struct carrier_row *c;
	const struct ntlm_row *r;
	char a[64], b[64];
	int i;

	/* Kerberos on its own only: the header line said it all */
	if (out->n_carriers > 1 || (out->n_carriers == 1 &&
	    strcmp(out->carriers[0].name, "kerberos") != 0)) {
		fprintf(fp, "\nCarriers\n");
		fprintf(fp, "  %-10s %9s %7s %7s %7s %9s %7s\n", "carrier",
		    "Kerberos", "NTLM", "SPNEGO", "auth-ok", "continue",
		    "failed");
		for (i = 0; i <= out->n_carriers; i++) {
			c = i < out->n_carriers ? &out->carriers[i] :
			    &out->carrier_other;
			if (c->name == NULL)
				continue;
			fprintf(fp, "  %-10s %9" PRIu64 " %7" PRIu64 " %7"
			    PRIu64 " %7" PRIu64 " %9" PRIu64 " %7" PRIu64
			    "\n", c->name, c->krb, c->ntlm, c->spnego,
			    c->ok, c->cont, c->fail);
		}
	}
	if (out->n_ntlm > 0) {
		fprintf(fp, "\nNTLM authentications\n");
		for (i = 0; i < out->n_ntlm; i++) {
			r = &out->ntlm[i];
			fmt_addr(a, sizeof(a), r->family, r->src);
			fmt_addr(b, sizeof(b), r->family, r->dst);
			fprintf(fp, "  %s > %s.%u %s %s", a, b, r->dport,
			    r->carrier, r->who);
			if (r->ws[0] != '\0')
				fprintf(fp, " ws %s", r->ws);
			fprintf(fp, " %s", ntlm_resp_str(r->response));
			if (r->anonymous)
				fputs(" ANONYMOUS", fp);
			if (r->spn[0] != '\0')
				fprintf(fp, " spn %s", r->spn);
			fprintf(fp, "  %" PRIu64 "x from #%" PRIu64 "\n",
			    r->n, r->first_frame);
		}
		if (out->ntlm_other > 0)
			fprintf(fp, "  (%" PRIu64 " more)\n", out->ntlm_other);
	}
	if (out->n_fail > 0) {
		fprintf(fp, "\nRefused by the service\n");
		for (i = 0; i < out->n_fail; i++)
			fprintf(fp, "  #%" PRIu64 " %s %s: %s\n",
			    out->fail[i].frame, out->fail[i].carrier,
			    out->fail[i].where, out->fail[i].text);
		if (out->fail_other > 0)
			fprintf(fp, "  (%" PRIu64 " more)\n", out->fail_other);
	}
	if (st->dns_msgs > 0)
		fprintf(fp, "\nDNS: %" PRIu64 " queries, %" PRIu64
		    " responses\n", st->dns_msgs - st->dns_responses,
		    st->dns_responses);
}

/* ---- exchanges (the model) -------------------------------------------- */

static const char *
xkind_str(int k)
{
	switch (k) {
	case XK_AS:
		return "AS";
	case XK_TGS:
		return "TGS";
	default:
		return "AP";
	}
}

static const char *
xresult_str(int r)
{
	switch (r) {
	case XR_OK:
		return "ok";
	case XR_ERROR:
		return "error";
	case XR_NO_ANSWER:
		return "no_answer";
	default:
		return "unknown";
	}
}

static const char *
xdeleg_str(int d)
{
	switch (d) {
	case XD_UNCONSTRAINED:
		return "unconstrained";
	case XD_CONSTRAINED:
		return "constrained";
	case XD_S4U2SELF:
		return "s4u2self";
	default:
		return "none";
	}
}

static void
jb_id(struct jbuf *jb, const char *k, const uint8_t *id)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * KRB_ID_LEN + 1];
	int i;

	for (i = 0; i < KRB_ID_LEN; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 0xf];
	}
	buf[2 * KRB_ID_LEN] = '\0';
	jb_kstr(jb, k, buf);
}

/* An SPN's parts: "spn":{"class":"MSSQLSvc","host":"sql","port":1433} */
static void
jb_spn(struct jbuf *jb, const struct spn_parts *sp)
{
	jb_key(jb, "spn");
	jb_raw(jb, "{", 1);
	jb_kstr(jb, "class", sp->class);
	jb_kstr(jb, "host", sp->host);
	if (sp->has_port)
		jb_kint(jb, "port", sp->port);
	if (sp->instance[0] != '\0')
		jb_kstr(jb, "instance", sp->instance);
	if (sp->extra[0] != '\0')
		jb_kstr(jb, "extra", sp->extra);
	if (sp->ip_literal) {
		jb_key(jb, "ip_literal");
		jb_raw(jb, "true", 4);
	}
	if (sp->short_name) {
		jb_key(jb, "short_name");
		jb_raw(jb, "true", 4);
	}
	jb_raw(jb, "}", 1);
}

static void
json_exchange(struct out *out, const struct exchange *x)
{
	struct jbuf *jb = &out->jb;
	char buf[64];
	int i;

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "exchange");
	jb_kstr(jb, "kind", xkind_str(x->kind));
	jb_kstr(jb, "result", xresult_str(x->result));
	if (x->has_error_code) {
		jb_kint(jb, "error_code", x->error_code);
		jb_kstr(jb, "error", err_str(x->error_code, buf, sizeof(buf)));
	}
	if (x->carrier_result[0] != '\0')
		jb_kstr(jb, "carrier_result", x->carrier_result);
	fmt_time_iso(buf, sizeof(buf), x->req_ts.tv_sec, x->req_ts.tv_usec);
	jb_kstr(jb, "ts", buf);
	jb_kstr(jb, "client", addr_str(x->family, x->client));
	jb_kint(jb, "client_port", x->cport);
	jb_kstr(jb, "server", addr_str(x->family, x->server));
	jb_kint(jb, "server_port", x->sport);
	jb_kstr(jb, "transport", x->transport == TRANSPORT_TCP ? "tcp" :
	    "udp");
	jb_kstr(jb, "carrier", x->carrier != NULL ? x->carrier : "");
	if (x->cname[0] != '\0')
		jb_kstr(jb, "cname", x->cname);
	if (x->crealm[0] != '\0')
		jb_kstr(jb, "crealm", x->crealm);
	if (x->sname[0] != '\0')
		jb_kstr(jb, "sname", x->sname);
	if (x->realm[0] != '\0')
		jb_kstr(jb, "realm", x->realm);
	if (x->spn != NULL && !x->spn->is_krbtgt)
		jb_spn(jb, x->spn);
	if (x->kind != XK_AS) {
		jb_kstr(jb, "delegation", xdeleg_str(x->delegation));
		if (x->has_deleg_from)
			jb_kstr(jb, "delegated_from",
			    addr_str(x->family, x->deleg_from));
	}
	if (x->has_kdc_options)
		jb_flags(jb, "kdc_options", x->kdc_options,
		    krb_kdc_option_name, 1);
	if (x->for_user[0] != '\0')
		jb_kstr(jb, "for_user", x->for_user);
	if (x->has_issued)
		jb_id(jb, "ticket_issued", x->issued);
	if (x->has_presented) {
		jb_id(jb, "ticket_presented", x->presented);
		if (x->presented_frame != 0)
			jb_kint(jb, "ticket_issued_frame",
			    (long long)x->presented_frame);
	}
	if (x->has_additional) {
		jb_id(jb, "additional_ticket", x->additional);
		if (x->additional_frame != 0)
			jb_kint(jb, "additional_ticket_frame",
			    (long long)x->additional_frame);
	}
	if (x->retransmissions > 0)
		jb_kint(jb, "retransmissions", x->retransmissions);
	if (x->req_unseen) {
		jb_key(jb, "request_seen");
		jb_raw(jb, "false", 5);
	} else
		jb_kint(jb, "req_frame", (long long)x->req_frame);
	if (x->rep_frame != 0)
		jb_kint(jb, "rep_frame", (long long)x->rep_frame);
	jb_key(jb, "frames");
	jb_raw(jb, "[", 1);
	for (i = 0; i < x->n_frames && i < XT_MAX_FRAMES; i++) {
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_int(jb, (long long)x->frames[i]);
	}
	jb_raw(jb, "]", 1);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

/* "exchange AS alice@LAB 192.0.2.20 > 192.0.2.10.88 ok #3-#6" */
static void
line_exchange(struct out *out, const struct exchange *x)
{
	FILE *fp = out->o.fp;
	char buf[64];

	fprintf(fp, "exchange %s %s", xkind_str(x->kind), x->carrier);
	if (x->cname[0] != '\0')
		fprintf(fp, " %s@%s", x->cname, x->crealm);
	if (x->sname[0] != '\0')
		fprintf(fp, " -> %s@%s", x->sname, x->realm);
	fprintf(fp, " %s > %s.%u", addr_str(x->family, x->client),
	    addr_str(x->family, x->server), x->sport);
	if (x->delegation != XD_NONE) {
		fprintf(fp, " [%s", xdeleg_str(x->delegation));
		if (x->for_user[0] != '\0')
			fprintf(fp, " for %s", x->for_user);
		if (x->has_deleg_from)
			fprintf(fp, " from %s", addr_str(x->family,
			    x->deleg_from));
		fputs("]", fp);
	}
	fprintf(fp, " %s", xresult_str(x->result));
	if (x->has_error_code)
		fprintf(fp, " %s", err_str(x->error_code, buf, sizeof(buf)));
	if (x->carrier_result[0] != '\0')
		fprintf(fp, " (%s)", x->carrier_result);
	if (x->req_unseen)
		fprintf(fp, " (AP-REQ not seen) #%" PRIu64, x->rep_frame);
	else {
		fprintf(fp, " #%" PRIu64, x->req_frame);
		if (x->rep_frame != 0)
			fprintf(fp, "-#%" PRIu64, x->rep_frame);
	}
	fputc('\n', fp);
}

/* v in decimal after dst's text. */
static void
app_u64(char *dst, size_t dstsz, uint64_t v)
{
	char b[24];
	size_t i;

	i = sizeof(b) - 1;
	b[i] = '\0';
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	str_append(dst, dstsz, b + i);
}

/* s after dst's text, padded with spaces to width. */
static void
app_padded(char *dst, size_t dstsz, const char *s, size_t width)
{
	size_t n;

	str_append(dst, dstsz, s);
	for (n = strlen(s); n < width; n++)
		str_append(dst, dstsz, " ");
}

/*
 * One step of a client's story:
 * "TGS  MSSQLSvc/sql:1433@LAB  #40-#41  ok  [unconstrained: alice@LAB
 * from 192.0.2.20]", "tds  192.0.2.40:1433 MSSQLSvc/...  #42-#43  ok".
 * Pieces are appended with util.h's cut rule.
 */
static void
story_step(char *dst, size_t dstsz, const struct exchange *x)
{
	char b[64];

	/* (no printf: a step per exchange, and vfprintf is a lot of code
	 * to keep warm) */
	dst[0] = '\0';
	app_padded(dst, dstsz, x->kind == XK_AP ? x->carrier :
	    xkind_str(x->kind), 4);
	str_append(dst, dstsz, " ");
	if (x->kind == XK_AP) {
		str_append(dst, dstsz, addr_str(x->family, x->server));
		str_append(dst, dstsz, ":");
		app_u64(dst, dstsz, x->sport);
		str_append(dst, dstsz, " ");
		str_append(dst, dstsz, x->req_unseen ? "(AP-REQ not seen)" :
		    x->sname);
	} else {
		str_append(dst, dstsz, x->sname);
		str_append(dst, dstsz, "@");
		str_append(dst, dstsz, x->realm);
	}
	str_append(dst, dstsz, "  #");
	app_u64(dst, dstsz, x->req_frame);
	if (x->rep_frame != 0 && x->rep_frame != x->req_frame) {
		str_append(dst, dstsz, "-#");
		app_u64(dst, dstsz, x->rep_frame);
	}
	str_append(dst, dstsz, "  ");
	if (x->result == XR_ERROR && x->has_error_code)
		str_append(dst, dstsz, err_str(x->error_code, b, sizeof(b)));
	else
		str_append(dst, dstsz, xresult_str(x->result));
	if (x->carrier_result[0] != '\0') {
		str_append(dst, dstsz, " (");
		str_append(dst, dstsz, x->carrier_result);
		str_append(dst, dstsz, ")");
	}
	if (x->delegation == XD_NONE)
		return;
	str_append(dst, dstsz, "  [");
	str_append(dst, dstsz, xdeleg_str(x->delegation));
	str_append(dst, dstsz, ": ");
	if (x->for_user[0] != '\0')
		str_append(dst, dstsz, x->for_user);
	else {
		str_append(dst, dstsz, x->cname);
		str_append(dst, dstsz, "@");
		str_append(dst, dstsz, x->crealm);
	}
	if (x->has_deleg_from) {
		str_append(dst, dstsz, " from ");
		str_append(dst, dstsz, addr_str(x->family, x->deleg_from));
	}
	str_append(dst, dstsz, "]");
}

static void
report_exchange(struct out *out, const struct exchange *x)
{
	struct story *st;
	size_t alen, h;
	int i;

	if (out->stories == NULL)
		out->stories = xcalloc(MAX_STORIES, sizeof(*out->stories));
	alen = x->family == AF_INET6 ? 16 : 4;
	h = (size_t)hash64(x->client, alen, (uint64_t)x->family) %
	    (2 * MAX_STORIES);
	for (;; h = (h + 1) % (2 * MAX_STORIES)) {
		if (out->story_idx[h] == 0) {
			i = out->n_stories;
			break;
		}
		i = out->story_idx[h] - 1;
		if (out->stories[i].family == x->family &&
		    memcmp(out->stories[i].addr, x->client, alen) == 0)
			break;
	}
	if (i == out->n_stories) {
		if (i == MAX_STORIES) {
			out->stories_other++;
			return;
		}
		out->story_idx[h] = (int16_t)(i + 1);
		st = &out->stories[out->n_stories++];
		st->family = x->family;
		memcpy(st->addr, x->client, sizeof(st->addr));
		st->first_frame = x->req_frame;
	}
	st = &out->stories[i];
	if (st->who[0] == '\0' && x->cname[0] != '\0' &&
	    x->delegation == XD_NONE)
		snprintf(st->who, sizeof(st->who), "%s@%s", x->cname,
		    x->crealm);
	if (st->n < STORY_STEPS)
		story_step(st->step[st->n++], STORY_LINE, x);
	else
		st->more++;
}

/* Stories: per client, one line per exchange; then delegation hops. */
static void
report_stories(struct out *out)
{
	FILE *fp = out->o.fp;
	const struct story *st;
	char head[KRB_NAME_MAX + KRB_REALM_MAX + 64];
	int i, k;

	if (out->n_stories > 0) {
		fprintf(fp, "\nStories (one line per exchange, by client)\n");
		for (i = 0; i < out->n_stories; i++) {
			st = &out->stories[i];
			snprintf(head, sizeof(head), "%s %s",
			    addr_str(st->family, st->addr), st->who);
			for (k = 0; k < st->n; k++)
				fprintf(fp, "  %-40s %s\n", k == 0 ? head : "",
				    st->step[k]);
			if (st->more > 0)
				fprintf(fp, "  %-40s (%" PRIu64 " more)\n", "",
				    st->more);
		}
		if (out->stories_other > 0)
			fprintf(fp, "  (%" PRIu64 " exchanges of more "
			    "clients)\n", out->stories_other);
	}
	if (out->n_chains > 0) {
		fprintf(fp, "\nDelegation chains (user: the user's host -> "
		    "the host acting for the user -> the service)\n");
		for (i = 0; i < out->n_chains; i++)
			fprintf(fp, "  %s\n", out->chain[i]);
		if (out->chains_other > 0)
			fprintf(fp, "  (%" PRIu64 " more)\n",
			    out->chains_other);
	}
}

void
out_exchange(void *arg, const struct exchange *x)
{
	struct out *out = arg;

	if (out->o.mode == OUT_JSON) {
		json_exchange(out, x);
		return;
	}
	if (show_line(out))
		line_exchange(out, x);
	if (out->o.mode == OUT_REPORT)
		report_exchange(out, x);
}

/* ---- sessions and delegation chains (the model) ------------------------ */

/* A hop's authentication; "unknown" when the hop is not in the capture
 * (proven by the ticket only). */
static const char *
hop_auth_text(const struct chain_hop *h)
{
	if (h->n_frames == 0 && (h->auth == 0 || h->auth == HA_NONE))
		return "unknown";
	return hop_auth_str(h->auth);
}

static const char *
hop_auth_str(int a)
{
	switch (a) {
	case HA_KERBEROS:
		return "kerberos";
	case HA_NTLM:
		return "ntlm";
	case HA_ANONYMOUS:
		return "anonymous";
	default:
		return "none";
	}
}

static void
json_session(struct out *out, const struct session *se)
{
	struct jbuf *jb = &out->jb;
	const struct sess_ticket *t;
	const struct sess_service *sv;
	const char *s;
	char buf[64];
	int i;

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "session");
	jb_kstr(jb, "client", addr_str(se->family, se->host));
	jb_kstr(jb, "principal", se->principal);
	s = model_outcome_name(se->outcome);
	jb_kstr(jb, "outcome", s != NULL ? s : "unknown");
	jb_kstr(jb, "delegation", xdeleg_str(se->delegation));
	if (se->has_deleg_from)
		jb_kstr(jb, "delegated_from", addr_str(se->family,
		    se->deleg_from));
	if (se->for_user[0] != '\0')
		jb_kstr(jb, "for_user", se->for_user);
	if (se->tgt.n_exchanges > 0) {
		jb_key(jb, "tgt");
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "result", xresult_str(se->tgt.result));
		if (se->tgt.has_error_code)
			jb_kstr(jb, "error", err_str(se->tgt.error_code, buf,
			    sizeof(buf)));
		if (se->tgt.has_ticket)
			jb_id(jb, "ticket", se->tgt.ticket);
		jb_kint(jb, "req_frame", (long long)se->tgt.req_frame);
		if (se->tgt.rep_frame != 0)
			jb_kint(jb, "rep_frame", (long long)se->tgt.rep_frame);
		jb_raw(jb, "}", 1);
	}
	jb_key(jb, "tickets");
	jb_raw(jb, "[", 1);
	for (i = 0; i < se->n_tickets && i < SESS_MAX_TICKETS; i++) {
		t = &se->tickets[i];
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "sname", t->spn);
		jb_kstr(jb, "result", xresult_str(t->result));
		if (t->has_error_code)
			jb_kstr(jb, "error", err_str(t->error_code, buf,
			    sizeof(buf)));
		if (t->delegation != XD_NONE)
			jb_kstr(jb, "delegation", xdeleg_str(t->delegation));
		if (t->for_user[0] != '\0')
			jb_kstr(jb, "for_user", t->for_user);
		if (t->has_issued)
			jb_id(jb, "ticket", t->issued);
		jb_kint(jb, "req_frame", (long long)t->req_frame);
		if (t->rep_frame != 0)
			jb_kint(jb, "rep_frame", (long long)t->rep_frame);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "]", 1);
	if (se->tickets_cut > 0)
		jb_kint(jb, "tickets_cut", se->tickets_cut);
	jb_key(jb, "services");
	jb_raw(jb, "[", 1);
	for (i = 0; i < se->n_services && i < SESS_MAX_SERVICES; i++) {
		sv = &se->services[i];
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "server", addr_str(se->family, sv->server));
		jb_kint(jb, "server_port", sv->port);
		jb_kstr(jb, "carrier", sv->carrier != NULL ? sv->carrier :
		    "");
		if (sv->spn[0] != '\0')
			jb_kstr(jb, "sname", sv->spn);
		if (sv->dns_name[0] != '\0') {
			jb_kstr(jb, "dns_name", sv->dns_name);
			if (sv->dns_source == HN_DNS_ALIAS) {
				jb_key(jb, "dns_alias");
				jb_raw(jb, "true", 4);
			}
		}
		if (sv->used_name[0] != '\0') {
			jb_kstr(jb, "used_name", sv->used_name);
			if ((s = model_host_source_name(sv->used_source)) !=
			    NULL)
				jb_kstr(jb, "used_name_from", s);
		}
		s = model_outcome_name(sv->outcome);
		jb_kstr(jb, "outcome", s != NULL ? s : "unknown");
		if (sv->n_ap > 0) {
			jb_kint(jb, "ap", sv->n_ap);
			jb_kint(jb, "ap_ok", sv->n_ap_ok);
			jb_kint(jb, "ap_error", sv->n_ap_error);
			if (sv->ap_has_error_code)
				jb_kstr(jb, "ap_error_name",
				    err_str(sv->ap_error_code, buf,
				    sizeof(buf)));
			if (sv->ap_carrier_result[0] != '\0')
				jb_kstr(jb, "ap_carrier_result",
				    sv->ap_carrier_result);
			jb_kint(jb, "ap_req_frame",
			    (long long)sv->ap_req_frame);
		}
		if (sv->n_ntlm > 0) {
			jb_kint(jb, "ntlm", sv->n_ntlm);
			jb_kstr(jb, "ntlm_user", sv->ntlm_user);
			jb_kstr(jb, "ntlm_domain", sv->ntlm_domain);
			jb_key(jb, "ntlm_anonymous");
			jb_raw(jb, sv->ntlm_anonymous ? "true" : "false",
			    sv->ntlm_anonymous ? 4 : 5);
			if (sv->ntlm_spn[0] != '\0')
				jb_kstr(jb, "ntlm_target_spn", sv->ntlm_spn);
			jb_key(jb, "ntlm_fallback");
			jb_raw(jb, sv->ntlm_fallback ? "true" : "false",
			    sv->ntlm_fallback ? 4 : 5);
			if (sv->ntlm_carrier_result[0] != '\0')
				jb_kstr(jb, "ntlm_carrier_result",
				    sv->ntlm_carrier_result);
			jb_kint(jb, "ntlm_frame", (long long)sv->ntlm_frame);
		}
		if (sv->contacted && sv->n_ap == 0 && sv->n_ntlm == 0)
			jb_kint(jb, "contact_frame",
			    (long long)sv->contact_frame);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "]", 1);
	if (se->services_cut > 0)
		jb_kint(jb, "services_cut", se->services_cut);
	jb_kint(jb, "first_frame", (long long)se->first_frame);
	jb_kint(jb, "last_frame", (long long)se->last_frame);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

static void
json_chain(struct out *out, const struct chain *ch)
{
	struct jbuf *jb = &out->jb;
	const struct chain_hop *h;
	char buf[64];
	int i, k;

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "chain");
	jb_kstr(jb, "user", ch->user);
	jb_key(jb, "inferred");
	jb_raw(jb, ch->inferred ? "true" : "false", ch->inferred ? 4 : 5);
	jb_key(jb, "hops");
	jb_raw(jb, "[", 1);
	for (i = 0; i < ch->n_hops && i < CHAIN_MAX_HOPS; i++) {
		h = &ch->hops[i];
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_raw(jb, "{", 1);
		if (h->has_from)
			jb_kstr(jb, "from", addr_str(ch->family, h->from));
		if (h->has_to) {
			jb_kstr(jb, "to", addr_str(ch->family, h->to));
			if (h->port != 0)
				jb_kint(jb, "port", h->port);
		}
		if (h->carrier != NULL)
			jb_kstr(jb, "carrier", h->carrier);
		if (h->spn[0] != '\0')
			jb_kstr(jb, "sname", h->spn);
		jb_kstr(jb, "auth", hop_auth_text(h));
		jb_kstr(jb, "delegation", xdeleg_str(h->delegation));
		if (h->has_ticket)
			jb_id(jb, "ticket", h->ticket);
		if (h->kdc_result != 0) {
			jb_kstr(jb, "kdc_result", xresult_str(h->kdc_result));
			if (h->kdc_has_error_code)
				jb_kstr(jb, "kdc_error",
				    err_str(h->kdc_error_code, buf,
				    sizeof(buf)));
		}
		/* no frame: the hop was not in the capture, which is not
		 * the same as a connection without a login */
		jb_kstr(jb, "result", h->result != 0 ?
		    xresult_str(h->result) : h->n_frames == 0 ? "not_seen" :
		    "no_login");
		if (h->has_error_code)
			jb_kstr(jb, "error", err_str(h->error_code, buf,
			    sizeof(buf)));
		if (h->carrier_result[0] != '\0')
			jb_kstr(jb, "carrier_result", h->carrier_result);
		jb_key(jb, "frames");
		jb_raw(jb, "[", 1);
		for (k = 0; k < h->n_frames && k < CHAIN_MAX_FRAMES; k++) {
			if (k > 0)
				jb_raw(jb, ",", 1);
			jb_int(jb, (long long)h->frames[k]);
		}
		jb_raw(jb, "]", 1);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "]", 1);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

/* "user: 192.0.2.20 -> 192.0.2.30:80 http HTTP/web ok -> ..." */
static void
fmt_chain(char *dst, size_t dstsz, const struct chain *ch)
{
	const struct chain_hop *h;
	char b[96];
	int i;

	dst[0] = '\0';
	str_append(dst, dstsz, ch->user[0] != '\0' ? ch->user : "(user?)");
	str_append(dst, dstsz, ch->inferred ? " (inferred from timing):" :
	    ":");
	for (i = 0; i < ch->n_hops && i < CHAIN_MAX_HOPS; i++) {
		h = &ch->hops[i];
		if (i == 0) {
			str_append(dst, dstsz, " ");
			str_append(dst, dstsz, h->has_from ?
			    addr_str(ch->family, h->from) : "(S4U)");
		}
		str_append(dst, dstsz, " -> ");
		if (h->has_to) {
			if (h->port != 0)
				snprintf(b, sizeof(b), "%s:%u",
				    addr_str(ch->family, h->to), h->port);
			else
				snprintf(b, sizeof(b), "%s",
				    addr_str(ch->family, h->to));
			str_append(dst, dstsz, b);
		} else
			str_append(dst, dstsz, "?");
		if (h->spn[0] != '\0') {
			str_append(dst, dstsz, " ");
			str_append(dst, dstsz, h->spn);
		}
		snprintf(b, sizeof(b), " [%s%s%s] ", hop_auth_text(h),
		    h->delegation != XD_NONE ? ", " : "",
		    h->delegation != XD_NONE ? xdeleg_str(h->delegation) : "");
		str_append(dst, dstsz, b);
		if (h->kdc_result == XR_ERROR && h->kdc_has_error_code)
			str_append(dst, dstsz, err_str(h->kdc_error_code, b,
			    sizeof(b)));
		else if (h->result == 0)
			str_append(dst, dstsz, h->n_frames == 0 ? "not seen" :
			    h->auth == HA_NONE ? "no credentials sent" :
			    "no login");
		else if (h->has_error_code)
			str_append(dst, dstsz, err_str(h->error_code, b,
			    sizeof(b)));
		else
			str_append(dst, dstsz, xresult_str(h->result));
		if (h->carrier_result[0] != '\0') {
			str_append(dst, dstsz, " (");
			str_append(dst, dstsz, h->carrier_result);
			str_append(dst, dstsz, ")");
		}
		if (h->n_frames > 0) {
			snprintf(b, sizeof(b), " #%" PRIu64, h->frames[0]);
			str_append(dst, dstsz, b);
			if (h->n_frames > 1) {
				snprintf(b, sizeof(b), "-#%" PRIu64,
				    h->frames[h->n_frames - 1]);
				str_append(dst, dstsz, b);
			}
		}
	}
}

/* The names and principals seen for one address (JSON only). */
void
out_host(void *arg, const struct host_info *h)
{
	struct out *out = arg;
	struct jbuf *jb = &out->jb;
	const char *s;
	int i;

	if (out->o.mode != OUT_JSON)
		return;
	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "host");
	jb_kstr(jb, "address", addr_str(h->family, h->addr));
	jb_key(jb, "names");
	jb_raw(jb, "[", 1);
	for (i = 0; i < h->n_names && i < HOST_MAX_NAMES; i++) {
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_raw(jb, "{", 1);
		jb_kstr(jb, "name", h->names[i].name);
		s = model_host_source_name(h->names[i].source);
		jb_kstr(jb, "from", s != NULL ? s : "unknown");
		if (h->names[i].alias_of[0] != '\0')
			jb_kstr(jb, "alias_of", h->names[i].alias_of);
		jb_kint(jb, "first_frame", (long long)h->names[i].first_frame);
		jb_raw(jb, "}", 1);
	}
	jb_raw(jb, "]", 1);
	if (h->names_cut > 0)
		jb_kint(jb, "names_cut", h->names_cut);
	if (h->n_principals > 0) {
		jb_key(jb, "principals");
		jb_raw(jb, "[", 1);
		for (i = 0; i < h->n_principals && i < HOST_MAX_PRINCIPALS;
		    i++) {
			if (i > 0)
				jb_raw(jb, ",", 1);
			jb_str(jb, h->principals[i].name);
		}
		jb_raw(jb, "]", 1);
	}
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

void
out_session(void *arg, const struct session *se)
{
	struct out *out = arg;
	const char *s;

	switch (out->o.mode) {
	case OUT_JSON:
		json_session(out, se);
		break;
	case OUT_LINES:
		s = model_outcome_name(se->outcome);
		fprintf(out->o.fp, "session %s %s %s (%d tickets, %d "
		    "services)\n", addr_str(se->family, se->host),
		    se->principal[0] != '\0' ? se->principal : "-",
		    s != NULL ? s : "unknown", se->n_tickets,
		    se->n_services);
		break;
	default:
		break;
	}
}

void
out_chain(void *arg, const struct chain *ch)
{
	struct out *out = arg;
	char line[4 * STORY_LINE];

	switch (out->o.mode) {
	case OUT_JSON:
		json_chain(out, ch);
		break;
	default:
		/* the report keeps MAX_CHAINS, counts the rest unformatted */
		if (!show_line(out) && out->n_chains == MAX_CHAINS) {
			out->chains_other++;
			break;
		}
		fmt_chain(line, sizeof(line), ch);
		if (show_line(out))
			fprintf(out->o.fp, "chain %s\n", line);
		if (out->o.mode == OUT_REPORT) {
			if (out->n_chains == MAX_CHAINS) {
				out->chains_other++;
				break;
			}
			snprintf(out->chain[out->n_chains++],
			    sizeof(out->chain[0]), "%s", line);
		}
		break;
	}
}

/* ---- the end ---------------------------------------------------------- */

/* The counters of the stats object, in output order; group NULL: top. */
static const struct stat_row {
	const char	*group;
	const char	*key;
	size_t		 off;
} stat_rows[] = {
	{ "link", "not_ip", offsetof(struct stats, link_unknown) },
	{ "link", "truncated", offsetof(struct stats, link_truncated) },
	{ "ip", "ipv4", offsetof(struct stats, ipv4) },
	{ "ip", "ipv6", offsetof(struct stats, ipv6) },
	{ "ip", "truncated", offsetof(struct stats, ip_truncated) },
	{ "ip", "invalid", offsetof(struct stats, ip_invalid) },
	{ "ip", "other_proto", offsetof(struct stats, ip_other_proto) },
	{ "fragments", "received", offsetof(struct stats, frag_fragments) },
	{ "fragments", "reassembled",
	    offsetof(struct stats, frag_reassembled) },
	{ "fragments", "timeouts", offsetof(struct stats, frag_timeouts) },
	{ "fragments", "dropped", offsetof(struct stats, frag_dropped) },
	{ "fragments", "evicted", offsetof(struct stats, frag_evicted) },
	{ NULL, "udp", offsetof(struct stats, udp) },
	{ NULL, "tcp", offsetof(struct stats, tcp) },
	{ NULL, "l4_truncated", offsetof(struct stats, l4_truncated) },
	{ "flows", "created", offsetof(struct stats, flows_created) },
	{ "flows", "expired", offsetof(struct stats, flows_expired) },
	{ "flows", "evicted", offsetof(struct stats, flows_evicted) },
	{ "flows", "peak", offsetof(struct stats, flows_peak) },
	{ "flows", "unclaimed_packets", offsetof(struct stats, l4_unclaimed) },
	{ "reassembly", "retransmissions",
	    offsetof(struct stats, tcp_retrans) },
	{ "reassembly", "overlaps", offsetof(struct stats, tcp_overlaps) },
	{ "reassembly", "out_of_order", offsetof(struct stats, tcp_ooo) },
	{ "reassembly", "midstream", offsetof(struct stats, tcp_midstream) },
	{ "reassembly", "gaps", offsetof(struct stats, tcp_gaps) },
	{ "reassembly", "gap_bytes", offsetof(struct stats, tcp_gap_bytes) },
	{ "reassembly", "dropped_bytes",
	    offsetof(struct stats, tcp_drop_bytes) },
	{ "reassembly", "peak_bytes", offsetof(struct stats, reasm_peak) },
	{ "reassembly", "resyncs", offsetof(struct stats, dis_resyncs) },
	{ "reassembly", "oversize", offsetof(struct stats, dis_oversize) },
	{ "carriers", "ntlm", offsetof(struct stats, ntlm_msgs) },
	{ "carriers", "spnego", offsetof(struct stats, spnego_tokens) },
	{ "carriers", "auth_events", offsetof(struct stats, auth_events) },
	{ "carriers", "dns", offsetof(struct stats, dns_msgs) },
	{ "carriers", "dns_responses", offsetof(struct stats, dns_responses) },
	{ "carriers", "unknown_tokens", offsetof(struct stats, sec_unknown) },
	{ "carriers", "errors", offsetof(struct stats, carrier_errors) },
	{ "carriers", "tls_skipped", offsetof(struct stats, tls_skipped) },
};

static void
json_stats(struct out *out, const struct engine *eng,
    const struct run_info *ri)
{
	const struct stats *st = &eng->st;
	const struct stat_row *r;
	struct jbuf *jb = &out->jb;
	const char *open;
	char buf[64];
	size_t i;
	int t;

	open = NULL;
	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "stats");
	jb_kstr(jb, "source", out->o.source != NULL ? out->o.source : "");
	if (out->o.linktype >= 0 && link_name(out->o.linktype) != NULL)
		jb_kstr(jb, "linktype", link_name(out->o.linktype));
	jb_kint(jb, "packets", (long long)st->packets);
	jb_kint(jb, "bytes", (long long)st->bytes);
	if (st->packets > 0) {
		fmt_time_iso(buf, sizeof(buf), eng->first_ts.tv_sec,
		    eng->first_ts.tv_usec);
		jb_kstr(jb, "first_ts", buf);
		fmt_time_iso(buf, sizeof(buf), eng->last_ts.tv_sec,
		    eng->last_ts.tv_usec);
		jb_kstr(jb, "last_ts", buf);
	}
	if (st->have_pcap_stats) {
		jb_key(jb, "pcap");
		jb_raw(jb, "{", 1);
		jb_kint(jb, "received", (long long)st->pcap_recv);
		jb_kint(jb, "dropped", (long long)st->pcap_drop);
		jb_kint(jb, "if_dropped", (long long)st->pcap_ifdrop);
		jb_raw(jb, "}", 1);
	}
	for (i = 0; i < sizeof(stat_rows) / sizeof(stat_rows[0]); i++) {
		r = &stat_rows[i];
		if (open != NULL && (r->group == NULL ||
		    strcmp(r->group, open) != 0)) {
			jb_raw(jb, "}", 1);
			open = NULL;
		}
		if (r->group != NULL && open == NULL) {
			jb_key(jb, r->group);
			jb_raw(jb, "{", 1);
			open = r->group;
		}
		jb_kint(jb, r->key, (long long)*(const uint64_t *)
		    (const void *)((const char *)st + r->off));
	}
	if (open != NULL)
		jb_raw(jb, "}", 1);
	if (ri->model != NULL) {
		jb_key(jb, "model");
		jb_raw(jb, "{", 1);
		jb_kint(jb, "exchanges", (long long)ri->model->exchanges);
		jb_kint(jb, "no_answer", (long long)ri->model->no_answer);
		jb_kint(jb, "retransmissions",
		    (long long)ri->model->retransmissions);
		jb_kint(jb, "pending_evicted",
		    (long long)ri->model->pending_evicted);
		jb_kint(jb, "tickets_known",
		    (long long)ri->model->tickets_known);
		jb_kint(jb, "tickets_evicted",
		    (long long)ri->model->tickets_evicted);
		jb_kint(jb, "tickets_presented",
		    (long long)ri->model->presented);
		jb_kint(jb, "tickets_linked",
		    (long long)ri->model->presented_linked);
		jb_kint(jb, "orphan_replies",
		    (long long)ri->model->orphan_replies);
		jb_kint(jb, "ap_requests_unseen",
		    (long long)ri->model->ap_requests_unseen);
		jb_kint(jb, "sessions", (long long)ri->model->sessions);
		jb_kint(jb, "sessions_evicted",
		    (long long)ri->model->sessions_evicted);
		jb_kint(jb, "sessions_idle",
		    (long long)ri->model->sessions_idle);
		jb_kint(jb, "sessions_cut", (long long)ri->model->sessions_cut);
		jb_kint(jb, "ntlm_logins", (long long)ri->model->ntlm_logins);
		jb_kint(jb, "chains", (long long)ri->model->chains);
		jb_kint(jb, "chains_inferred",
		    (long long)ri->model->chains_inferred);
		jb_kint(jb, "hosts", (long long)ri->model->hosts);
		jb_kint(jb, "hosts_evicted",
		    (long long)ri->model->hosts_evicted);
		jb_kint(jb, "host_names_cut",
		    (long long)ri->model->host_names_cut);
		jb_raw(jb, "}", 1);
	}
	jb_key(jb, "messages");
	jb_raw(jb, "{", 1);
	jb_kint(jb, "total", (long long)st->krb_msgs);
	for (t = 1; t < KRB_MSG_TYPES; t++)
		if (st->msgs_by_type[t] > 0)
			jb_kint(jb, msg_str(t, buf, sizeof(buf)),
			    (long long)st->msgs_by_type[t]);
	jb_kint(jb, "truncated", (long long)st->krb_truncated);
	jb_kint(jb, "invalid", (long long)st->krb_invalid);
	jb_raw(jb, "}", 1);
	jb_key(jb, "time");
	jb_raw(jb, "{", 1);
	jb_key(jb, "cpu_s");
	jb_printf(jb, "%.3f", ri->cpu_secs);
	jb_key(jb, "wall_s");
	jb_printf(jb, "%.3f", ri->wall_secs);
	jb_raw(jb, "}", 1);
	if (ri->interrupted)
		jb_kint(jb, "interrupted", 1);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}

static int
cmp_clients(const void *a, const void *b)
{
	const struct client *x = a, *y = b;

	if (x->first_frame != y->first_frame)
		return x->first_frame < y->first_frame ? -1 : 1;
	return 0;
}

static void
text_report(struct out *out, const struct engine *eng,
    const struct run_info *ri)
{
	const struct stats *st = &eng->st;
	FILE *fp = out->o.fp;
	struct client *rows;
	char a[64], b[64], buf[64];
	size_t i, n, col;
	int t, k;

	fprintf(fp, "krbscope %s report: %s\n", PACKAGE_VERSION,
	    out->o.source != NULL ? out->o.source : "-");
	if (st->packets > 0) {
		fmt_time_iso(a, sizeof(a), eng->first_ts.tv_sec,
		    eng->first_ts.tv_usec);
		fmt_time_iso(b, sizeof(b), eng->last_ts.tv_sec,
		    eng->last_ts.tv_usec);
		fprintf(fp, "Capture:  %s to %s (%.3f s)\n", a, b,
		    tv_diff(&eng->last_ts, &eng->first_ts));
	}
	fprintf(fp, "Packets:  %" PRIu64 " (%" PRIu64 " bytes), link type %s\n",
	    st->packets, st->bytes, out->o.linktype >= 0 &&
	    link_name(out->o.linktype) != NULL ? link_name(out->o.linktype) :
	    "-");
	if (st->have_pcap_stats)
		fprintf(fp, "Capture:  %" PRIu64 " received, %" PRIu64
		    " dropped by kernel, %" PRIu64 " dropped by interface\n",
		    st->pcap_recv, st->pcap_drop, st->pcap_ifdrop);
	fprintf(fp, "Kerberos: %" PRIu64 " messages", st->krb_msgs);
	for (k = 0, t = 1; t < KRB_MSG_TYPES; t++)
		if (st->msgs_by_type[t] > 0)
			fprintf(fp, "%s%s %" PRIu64, k++ == 0 ? " (" : ", ",
			    msg_str(t, buf, sizeof(buf)), st->msgs_by_type[t]);
	fprintf(fp, "%s, %" PRIu64 " truncated, %" PRIu64 " invalid\n",
	    k > 0 ? ")" : "", st->krb_truncated, st->krb_invalid);
	if (ri->interrupted)
		fprintf(fp, "Interrupted: the capture was stopped by a "
		    "signal.\n");
	/* the diagnosis, then the stories, then the numbers */
	report_findings(out);
	report_stories(out);

	/* messages by client, in order of first appearance */
	rows = xcalloc(out->n_clients + 1, sizeof(*rows));
	for (i = 0, n = 0; i < out->n_slots; i++)
		if (out->clients[i].used)
			rows[n++] = out->clients[i];
	qsort(rows, n, sizeof(*rows), cmp_clients);
	if (out->other.first_frame != 0)
		rows[n++] = out->other;
	if (n > 0) {
		fprintf(fp, "\nMessages by client\n");
		fprintf(fp, "%-39s", "client");
		for (col = 0; col < N_COLS; col++)
			fprintf(fp, " %7s", report_cols[col] == KRB_ERROR ?
			    "ERROR" : msg_str(report_cols[col], buf,
			    sizeof(buf)));
		fprintf(fp, " %7s  principals\n", "other");
		for (i = 0; i < n; i++) {
			if (rows[i].used)
				fmt_addr(a, sizeof(a), rows[i].family,
				    rows[i].addr);
			else
				snprintf(a, sizeof(a), "(more clients)");
			fprintf(fp, "%-39s", a);
			for (col = 0; col <= N_COLS; col++)
				fprintf(fp, " %7" PRIu64, rows[i].n[col]);
			fputs(" ", fp);
			for (k = 0; k < rows[i].n_princ; k++)
				fprintf(fp, " %s", rows[i].princ[k]);
			fputc('\n', fp);
		}
	}
	free(rows);

	if (out->n_errs > 0) {
		fprintf(fp, "\nErrors\n");
		for (k = 0; k < out->n_errs; k++)
			fprintf(fp, "  %-32s %4" PRId32 " %7" PRIu64
			    "x  frames #%" PRIu64 "..#%" PRIu64 "\n",
			    err_str(out->errs[k].code, buf, sizeof(buf)),
			    out->errs[k].code, out->errs[k].n,
			    out->errs[k].first_frame, out->errs[k].last_frame);
		if (out->errs_other > 0)
			fprintf(fp, "  (%" PRIu64 " more errors of other "
			    "codes)\n",
			    out->errs_other);
	}

	report_carriers(out, st);

	fprintf(fp, "\nTraffic\n");
	fprintf(fp, "  IP: %" PRIu64 " IPv4, %" PRIu64 " IPv6, %" PRIu64
	    " not IP, %" PRIu64 " truncated, %" PRIu64 " invalid\n",
	    st->ipv4, st->ipv6, st->link_unknown,
	    st->link_truncated + st->ip_truncated + st->l4_truncated,
	    st->ip_invalid);
	fprintf(fp, "  Fragments: %" PRIu64 " received, %" PRIu64
	    " reassembled, %" PRIu64 " timed out, %" PRIu64 " dropped\n",
	    st->frag_fragments, st->frag_reassembled, st->frag_timeouts,
	    st->frag_dropped + st->frag_evicted);
	fprintf(fp, "  Flows: %" PRIu64 " (peak %" PRIu64 " at once, %" PRIu64
	    " evicted at the cap)\n", st->flows_created, st->flows_peak,
	    st->flows_evicted);
	fprintf(fp, "  TCP: %" PRIu64 " retransmissions, %" PRIu64
	    " overlaps, %" PRIu64 " out of order, %" PRIu64 " picked up"
	    " mid-stream, %" PRIu64 " gaps (%" PRIu64 " bytes), %" PRIu64
	    " bytes over the buffer caps\n", st->tcp_retrans,
	    st->tcp_overlaps, st->tcp_ooo, st->tcp_midstream, st->tcp_gaps,
	    st->tcp_gap_bytes, st->tcp_drop_bytes);
}

void
out_set_diag(struct out *out, struct diag *d)
{
	out->diag = d;
}

static void
json_finding(void *arg, const struct finding *f)
{
	struct out *out = arg;
	struct jbuf *jb = &out->jb;
	char buf[64];
	int i;

	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "finding");
	jb_kstr(jb, "rule", f->rule->id);
	jb_kint(jb, "rule_version", DIAG_RULE_VERSION);
	jb_kstr(jb, "severity", diag_severity_name(f->rule->severity));
	jb_kstr(jb, "title", f->rule->title);
	jb_kint(jb, "count", (long long)f->count);
	if (f->family != 0)
		jb_kstr(jb, "client", addr_str(f->family, f->client));
	if (f->principal[0] != '\0')
		jb_kstr(jb, "principal", f->principal);
	if (f->service[0] != '\0')
		jb_kstr(jb, "service", f->service);
	if (f->has_server) {
		jb_kstr(jb, "server", addr_str(f->family, f->server));
		if (f->port != 0)
			jb_kint(jb, "server_port", f->port);
	}
	jb_key(jb, "frames");
	jb_raw(jb, "[", 1);
	for (i = 0; i < f->n_frames && i < FIND_MAX_FRAMES; i++) {
		if (i > 0)
			jb_raw(jb, ",", 1);
		jb_int(jb, (long long)f->frames[i]);
	}
	jb_raw(jb, "]", 1);
	if (f->first_ts.tv_sec != 0) {
		fmt_time_iso(buf, sizeof(buf), f->first_ts.tv_sec,
		    f->first_ts.tv_usec);
		jb_kstr(jb, "first_ts", buf);
		fmt_time_iso(buf, sizeof(buf), f->last_ts.tv_sec,
		    f->last_ts.tv_usec);
		jb_kstr(jb, "last_ts", buf);
	}
	jb_kstr(jb, "summary", f->summary);
	jb_kstr(jb, "advice", f->advice);
	jb_raw(jb, "}\n", 2);
	json_end(out);
}


static void
text_finding(void *arg, const struct finding *f)
{
	static const char *const sev_color[] = {
		"", "\033[36m", "\033[33m", "\033[1;31m"
	};
	struct out *out = arg;
	FILE *fp = out->o.fp;
	char sev[16];
	int i, sv;

	sv = f->rule->severity;
	snprintf(sev, sizeof(sev), "%s", diag_severity_name(sv));
	for (i = 0; sev[i] != '\0'; i++)
		sev[i] = (char)(sev[i] - 'a' + 'A');
	fprintf(fp, "  %s%-7s%s %s  %s", out->color ? sev_color[sv] : "",
	    sev, out->color ? "\033[0m" : "", f->rule->id, f->rule->title);
	if (f->count > 1)
		fprintf(fp, "  (%" PRIu64 "x)", f->count);
	for (i = 0; i < f->n_frames && i < FIND_MAX_FRAMES; i++)
		fprintf(fp, "%s#%" PRIu64, i == 0 ? "  " : " ", f->frames[i]);
	if (f->n_frames == FIND_MAX_FRAMES &&
	    f->count > (uint64_t)f->n_frames)
		fputs(" ...", fp);
	fputc('\n', fp);
	fprintf(fp, "%10s", "");
	fput_wrapped(fp, f->summary, 10, 10, 78);
	fprintf(fp, "%10s%s", "", "fix: ");
	fput_wrapped(fp, f->advice, 15, 15, 78);
}

/* The findings first, most severe first; "" when there are none. */
static void
report_findings(struct out *out)
{
	FILE *fp = out->o.fp;
	const struct diag_stats *ds;

	if (out->diag == NULL)
		return;
	ds = diag_stats(out->diag);
	if (ds->findings == 0) {
		fprintf(fp, "\nFindings: none\n");
		return;
	}
	fprintf(fp, "\nFindings (most severe first; --explain RULE for "
	    "more)\n");
	diag_walk(out->diag, text_finding, out);
	if (ds->dropped > 0)
		fprintf(fp, "  (%" PRIu64 " more occurrences past the cap of "
		    "findings)\n", ds->dropped);
}

/* -v lines: a line per finding at the end. */
static void
line_finding(void *arg, const struct finding *f)
{
	struct out *out = arg;

	fprintf(out->o.fp, "finding %s %s %" PRIu64 "x: %s\n",
	    diag_severity_name(f->rule->severity), f->rule->id, f->count,
	    f->summary);
}

void
out_finish(struct out *out, const struct engine *eng,
    const struct run_info *ri)
{
	if (out->o.mode == OUT_JSON && out->diag != NULL)
		diag_walk(out->diag, json_finding, out);
	else if (out->o.mode == OUT_LINES && out->diag != NULL)
		diag_walk(out->diag, line_finding, out);
	if (out->o.mode == OUT_JSON) {
		json_stats(out, eng, ri);
		json_flush(out);
	}
	else if (out->o.mode == OUT_REPORT)
		text_report(out, eng, ri);
	fflush(out->o.fp);
}
