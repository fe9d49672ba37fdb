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

#include "krb.h"
#include "out.h"
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
};

static void	jb_raw(struct jbuf *, const char *, size_t);
static void	jb_str(struct jbuf *, const char *);
static void	jb_printf(struct jbuf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	jb_key(struct jbuf *, const char *);
static void	jb_kstr(struct jbuf *, const char *, const char *);
static void	jb_kint(struct jbuf *, const char *, long long);
static void	jb_ktime(struct jbuf *, const char *, int64_t);
static void	jb_flags(struct jbuf *, const char *, uint32_t,
		    const char *(*)(unsigned), int);
static void	jb_ticket(struct jbuf *, const struct krb_ticket *);
static void	jb_ticket_obj(struct jbuf *, const struct krb_ticket *);
static void	jb_padata(struct jbuf *, const struct krb_msg *,
		    const struct krb_padata *);
static void	jb_e_data(struct jbuf *, const struct krb_msg *);
static void	json_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	line_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	report_krb(struct out *, const struct msg_ctx *,
		    const struct krb_msg *);
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

/* A decimal integer, without printf. */
static void
jb_int(struct jbuf *jb, long long v)
{
	char b[24];
	unsigned long long u;
	size_t i;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	i = sizeof(b);
	do {
		b[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		b[--i] = '-';
	jb_raw(jb, b + i, sizeof(b) - i);
}

/* A JSON string; our strings are printable ASCII already. */
static void
jb_str(struct jbuf *jb, const char *s)
{
	char esc[8];
	const char *run;

	jb_raw(jb, "\"", 1);
	for (run = s; *s != '\0'; s++) {
		if (!json_special[(unsigned char)*s])
			continue;
		jb_raw(jb, run, (size_t)(s - run));
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = *s;
			jb_raw(jb, esc, 2);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned char)*s);
			jb_raw(jb, esc, 6);
		}
		run = s + 1;
	}
	jb_raw(jb, run, (size_t)(s - run));
	jb_raw(jb, "\"", 1);
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
static void
jb_key(struct jbuf *jb, const char *k)
{
	if (jb->len > 0 && jb->p[jb->len - 1] != '{' &&
	    jb->p[jb->len - 1] != '[')
		jb_raw(jb, ",\"", 2);
	else
		jb_raw(jb, "\"", 1);
	jb_raw(jb, k, strlen(k));
	jb_raw(jb, "\":", 2);
}

static void
jb_kstr(struct jbuf *jb, const char *k, const char *v)
{
	jb_key(jb, k);
	jb_str(jb, v);
}

static void
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

	jb->len = 0;
	jb_raw(jb, "{", 1);
	jb_kstr(jb, "type", "krb");
	jb_kint(jb, "frame", (long long)mc->frame);
	fmt_time_iso(buf, sizeof(buf), mc->ts.tv_sec, mc->ts.tv_usec);
	jb_kstr(jb, "ts", buf);
	fmt_addr(buf, sizeof(buf), mc->family, mc->src);
	jb_kstr(jb, "src", buf);
	jb_kint(jb, "sport", mc->sport);
	fmt_addr(buf, sizeof(buf), mc->family, mc->dst);
	jb_kstr(jb, "dst", buf);
	jb_kint(jb, "dport", mc->dport);
	jb_kstr(jb, "transport", mc->transport == TRANSPORT_TCP ? "tcp" :
	    "udp");
	jb_kstr(jb, "carrier", mc->carrier);
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
	if (m->cname[0] != '\0') {
		jb_kstr(jb, "cname", m->cname);
		if ((s = krb_name_type_name(m->cname_type)) != NULL)
			jb_kstr(jb, "cname_type", s);
	}
	if (m->realm[0] != '\0')
		jb_kstr(jb, "realm", m->realm);
	if (m->sname[0] != '\0') {
		jb_kstr(jb, "sname", m->sname);
		if ((s = krb_name_type_name(m->sname_type)) != NULL)
			jb_kstr(jb, "sname_type", s);
	}
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
	jb_raw(jb, "}\n", 2);
	fwrite(jb->p, 1, jb->len, out->o.fp);
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

static void
line_krb(struct out *out, const struct msg_ctx *mc, const struct krb_msg *m)
{
	FILE *fp = out->o.fp;
	char src[64], dst[64], tb[64], buf[64];
	const char *s;
	time_t t;
	struct tm tm;
	int i;

	t = mc->ts.tv_sec;
	gmtime_r(&t, &tm);
	fmt_addr(src, sizeof(src), mc->family, mc->src);
	fmt_addr(dst, sizeof(dst), mc->family, mc->dst);
	strftime(tb, sizeof(tb), "%H:%M:%S", &tm);
	fprintf(fp, "%s.%06ld #%" PRIu64 " %s %s.%u > %s.%u: %s/%s %s", tb,
	    (long)mc->ts.tv_usec, mc->frame,
	    mc->family == AF_INET6 ? "IP6" : "IP", src, mc->sport, dst,
	    mc->dport, mc->carrier, mc->transport == TRANSPORT_TCP ? "tcp" :
	    "udp", msg_str(m->msg_type, buf, sizeof(buf)));
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

	if (name[0] == '\0')
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

void
out_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	struct out *out = arg;

	switch (out->o.mode) {
	case OUT_JSON:
		json_krb(out, mc, m);
		break;
	case OUT_LINES:
		line_krb(out, mc, m);
		break;
	default:
		if (out->o.verbose > 0)
			line_krb(out, mc, m);
		report_krb(out, mc, m);
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
	jb->len = 0;
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
	fwrite(jb->p, 1, jb->len, out->o.fp);
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
out_finish(struct out *out, const struct engine *eng,
    const struct run_info *ri)
{
	if (out->o.mode == OUT_JSON)
		json_stats(out, eng, ri);
	else if (out->o.mode == OUT_REPORT)
		text_report(out, eng, ri);
	fflush(out->o.fp);
}
