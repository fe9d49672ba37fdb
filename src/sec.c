/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * sec.c - the security blobs carriers hand over: which token it is
 * (GSS-API framing, RFC 2743 3.1; Kerberos mechanism tokens, RFC 4121
 * 4.1 and RFC 1964 1.2; SPNEGO, RFC 4178; NTLMSSP, MS-NLMP 2.2.1; bare
 * Kerberos messages, RFC 4120 5), decoding, and the records it makes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "der.h"
#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "sec.h"
#include "util.h"

/* user-to-user messages (draft-ietf-cat-user2user-03 5.1, MS-KILE 3.4) */
#define KRB_TGT_REQ	16
#define KRB_TGT_REP	17

/* what one mechanism token decoded to */
struct sec_out {
	struct krb_msg	 krb;
	struct ntlm_msg	 ntlm;
};

static int	der_hdr(const uint8_t *, size_t, size_t *, size_t *);
static int	oid_known(const uint8_t *, size_t);
static int	is_raw_krb(const uint8_t *, size_t);
static int	is_per_msg(uint16_t);
static int	krb_raw(const uint8_t *, size_t, struct krb_msg *);
static int	u2u_name(struct cur *, struct krb_msg *);
static void	krb_u2u(const uint8_t *, size_t, struct krb_msg *);
static int	sec_gss(const uint8_t *, size_t, struct sec_out *);
static int	sec_mech(const uint8_t *, size_t, unsigned, int,
		    struct sec_out *);
static int	sec_spnego(struct dis_ctx *, const char *, const uint8_t *,
		    size_t, struct sec_out *);

static const uint8_t ntlm_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
static const uint8_t negoex_sig[8] = { 'N', 'E', 'G', 'O', 'E', 'X', 'T',
    'S' };

static const uint8_t oid_krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_ms_krb5[] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_u2u[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02, 0x03 };
static const uint8_t oid_ntlmssp[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
    0x37, 0x02, 0x02, 0x0a };
static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };

/* the mechanisms of GSS-API framing we recognise, by their OID */
#define GSS_OID_KRB5	1
#define GSS_OID_MS_KRB5	2
#define GSS_OID_U2U	3
#define GSS_OID_NTLMSSP	4
#define GSS_OID_SPNEGO	5

/*
 * DER identifier (low tag form) and definite length at p: sets the
 * header size and the length claimed. 0, or -1 when malformed or cut.
 */
static int
der_hdr(const uint8_t *p, size_t len, size_t *hdr_out, size_t *len_out)
{
	struct cur c;
	size_t n, i, v;
	uint8_t id, b;

	cur_init(&c, p, len);
	id = cur_get_u8(&c);
	b = cur_get_u8(&c);
	if (c.err != 0 || (id & 0x1f) == 0x1f)
		return -1;
	if (b < 0x80) {
		*hdr_out = 2;
		*len_out = b;
		return 0;
	}
	n = b & 0x7f;
	if (n == 0 || n > 4 || len < 2 + n)
		return -1;
	v = 0;
	for (i = 0; i < n; i++)
		v = v << 8 | cur_get_u8(&c);
	*hdr_out = 2 + n;
	*len_out = v;
	return 0;
}

/* GSS_OID_* of the OID contents at p, or 0. */
static int
oid_known(const uint8_t *p, size_t len)
{
	static const struct {
		int		 id;
		size_t		 len;
		const uint8_t	*oid;
	} t[] = {
		{ GSS_OID_U2U, sizeof(oid_u2u), oid_u2u },
		{ GSS_OID_KRB5, sizeof(oid_krb5), oid_krb5 },
		{ GSS_OID_MS_KRB5, sizeof(oid_ms_krb5), oid_ms_krb5 },
		{ GSS_OID_NTLMSSP, sizeof(oid_ntlmssp), oid_ntlmssp },
		{ GSS_OID_SPNEGO, sizeof(oid_spnego), oid_spnego },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (len == t[i].len && memcmp(p, t[i].oid, len) == 0)
			return t[i].id;
	}
	return 0;
}

/* AP-REQ, AP-REP or KRB-ERROR: APPLICATION tag, length, SEQUENCE. */
static int
is_raw_krb(const uint8_t *p, size_t len)
{
	struct cur c;
	size_t hdr, n;
	uint8_t id;

	cur_init(&c, p, len);
	id = cur_peek_u8(&c, 0);
	if (len < 3 || (id != 0x6e && id != 0x6f && id != 0x7e))
		return 0;
	if (der_hdr(p, len, &hdr, &n) != 0 || len <= hdr || n < 2)
		return 0;
	return cur_peek_u8(&c, hdr) == 0x30;
}

/* TOK_ID of a per-message or context-deletion token */
static int
is_per_msg(uint16_t tok_id)
{
	switch (tok_id) {
	case 0x0101:		/* RFC 1964 MIC */
	case 0x0201:		/* RFC 1964 wrap */
	case 0x0102:		/* RFC 1964 delete context */
	case 0x0404:		/* RFC 4121 MIC */
	case 0x0405:
	case 0x0504:		/* RFC 4121 wrap */
	case 0x0505:
		return 1;
	default:
		return 0;
	}
}

/* A bare Kerberos message: decoded over its own TLV only. */
static int
krb_raw(const uint8_t *p, size_t len, struct krb_msg *km)
{
	size_t hdr, n;

	if (der_hdr(p, len, &hdr, &n) == 0 && n <= len - hdr)
		len = hdr + n;
	(void)krb_decode(p, len, km);
	km->raw = p;
	km->raw_len = len;
	return km->msg_type != 0 ? SEC_KRB : SEC_NONE;
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1]
 * SEQUENCE OF KerberosString }, into sname joined by '/' */
static int
u2u_name(struct cur *c, struct krb_msg *km)
{
	struct der_tlv seq, strs;
	struct cur in;
	const uint8_t *p;
	size_t n;
	char part[KRB_NAME_MAX];
	int64_t v;

	if (der_expect(c, DER_UNIVERSAL, DER_TAG_SEQUENCE, &seq) != 0)
		return c->err;
	if (der_ctx_opt(&seq.val, 0, &in) == 1 && der_get_int(&in, &v) == 0)
		km->sname_type = (int32_t)v;
	if (der_ctx_opt(&seq.val, 1, &in) != 1 ||
	    der_expect(&in, DER_UNIVERSAL, DER_TAG_SEQUENCE, &strs) != 0)
		return seq.val.err != 0 ? seq.val.err : in.err;
	while (cur_left(&strs.val) > 0) {
		if (der_get_string(&strs.val, &p, &n) != 0)
			return strs.val.err;
		if (km->sname[0] != '\0')
			str_append(km->sname, sizeof(km->sname), "/");
		str_printable(part, sizeof(part), p, n);
		str_append(km->sname, sizeof(km->sname), part);
	}
	return 0;
}

/*
 * KERB-TGT-REQUEST ::= SEQUENCE { pvno [0] INTEGER, msg-type [1] INTEGER
 * (16), server-name [2] PrincipalName OPTIONAL, realm [3] Realm OPTIONAL }
 * and KERB-TGT-REPLY ::= SEQUENCE { pvno [0], msg-type [1] (17), ticket
 * [2] Ticket }: the user-to-user exchange, outside RFC 4120's schema.
 */
static void
krb_u2u(const uint8_t *p, size_t len, struct krb_msg *km)
{
	struct der_tlv seq;
	struct cur c, in;
	const uint8_t *s;
	size_t n, claimed;
	int64_t v;
	int err, cut;

	memset(km, 0, offsetof(struct krb_msg, etype_info));
	cur_init(&c, p, len);
	err = der_read_partial(&c, &seq, &claimed);
	cut = err == 0 && claimed > seq.val.len;
	if (err == 0 && (seq.cls != DER_UNIVERSAL ||
	    seq.tag != DER_TAG_SEQUENCE || !seq.constructed))
		err = E_INVALID;
	if (err == 0 && der_ctx_opt(&seq.val, 0, &in) == 1 &&
	    der_get_int(&in, &v) == 0)
		km->pvno = (int32_t)v;
	if (err == 0 && der_ctx_opt(&seq.val, 1, &in) == 1 &&
	    der_get_int(&in, &v) == 0 &&
	    (v == KRB_TGT_REQ || v == KRB_TGT_REP))
		km->msg_type = (int)v;
	if (err == 0 && km->msg_type == KRB_TGT_REQ) {
		if (der_ctx_opt(&seq.val, 2, &in) == 1 &&
		    u2u_name(&in, km) != 0)
			err = in.err;
		if (der_ctx_opt(&seq.val, 3, &in) == 1 &&
		    der_get_string(&in, &s, &n) == 0)
			str_printable(km->realm, sizeof(km->realm), s, n);
	}
	if (err == 0)
		err = seq.val.err;
	if (err == 0 && km->msg_type == 0)
		err = E_INVALID;
	/* running out of bytes is a contradiction unless the capture ended */
	if (err == 0)
		km->status = cut ? KRB_TRUNCATED : KRB_OK;
	else
		km->status = err == E_TRUNC && cut ? KRB_TRUNCATED :
		    KRB_INVALID;
}

/* A token with GSS-API framing ([APPLICATION 0] { thisMech, ... }). */
static int
sec_gss(const uint8_t *p, size_t len, struct sec_out *o)
{
	struct der_tlv app, oid;
	struct cur c;
	size_t claimed;
	uint16_t tok_id;
	int id;

	cur_init(&c, p, len);
	if (der_read_partial(&c, &app, &claimed) != 0 ||
	    app.cls != DER_APPLICATION || app.tag != 0 || !app.constructed)
		return SEC_NONE;
	if (der_read(&app.val, &oid) != 0 || oid.cls != DER_UNIVERSAL ||
	    oid.tag != DER_TAG_OID || oid.constructed)
		return SEC_NONE;
	id = oid_known(oid.val.p, oid.val.len);
	switch (id) {
	case GSS_OID_SPNEGO:
		return SEC_SPNEGO;
	case GSS_OID_NTLMSSP:
		if (cur_left(&app.val) < sizeof(ntlm_sig) ||
		    memcmp(app.val.p, ntlm_sig, sizeof(ntlm_sig)) != 0)
			return SEC_GSS_OTHER;
		if (ntlm_decode(app.val.p, app.val.len, &o->ntlm) == E_UNSUPP)
			return SEC_GSS_OTHER;
		return SEC_NTLM;
	case GSS_OID_KRB5:
	case GSS_OID_MS_KRB5:
	case GSS_OID_U2U:
		break;
	default:
		return SEC_GSS_OTHER;	/* another mechanism */
	}
	tok_id = cur_get_be16(&app.val);
	if (app.val.err != 0 || is_per_msg(tok_id))
		return SEC_GSS_OTHER;
	if (tok_id == 0x0400 || tok_id == 0x0401) {
		/* TGT-REQ / TGT-REP: no tree (raw NULL) */
		krb_u2u(app.val.p, app.val.len, &o->krb);
		o->krb.gss_mech = id == GSS_OID_KRB5 ? KRB_GSS_KRB5 :
		    id == GSS_OID_MS_KRB5 ? KRB_GSS_MS_KRB5 : KRB_GSS_U2U;
		o->krb.gss_tok_id = tok_id;
		return o->krb.msg_type != 0 ? SEC_KRB : SEC_GSS_OTHER;
	}
	if (claimed == app.val.len + 2 + oid.hdr_len + oid.val.len) {
		/* the whole token is here */
		(void)krb_decode_gss(p, app.hdr_len + claimed, &o->krb);
	} else {
		/* cut by the capture: what there is of the message */
		(void)krb_decode(app.val.p, app.val.len, &o->krb);
		o->krb.gss_mech = id == GSS_OID_KRB5 ? KRB_GSS_KRB5 :
		    id == GSS_OID_MS_KRB5 ? KRB_GSS_MS_KRB5 : KRB_GSS_U2U;
		o->krb.gss_tok_id = tok_id;
	}
	/* -vv shows the tree of the APPLICATION-tagged message */
	o->krb.raw = app.val.p;
	o->krb.raw_len = app.val.len;
	return o->krb.msg_type != 0 ? SEC_KRB : SEC_GSS_OTHER;
}

/*
 * What one token is, decoded into o (krb or ntlm). SPNEGO is only
 * recognised (SEC_SPNEGO), when spnego_ok, for the caller to decode.
 */
static int
sec_mech(const uint8_t *p, size_t len, unsigned flags, int spnego_ok,
    struct sec_out *o)
{
	struct cur c;
	uint16_t tok_id;
	int r;

	if (len < 2)
		return SEC_NONE;
	cur_init(&c, p, len);
	if (len >= sizeof(ntlm_sig) &&
	    memcmp(p, ntlm_sig, sizeof(ntlm_sig)) == 0)
		return ntlm_decode(p, len, &o->ntlm) == E_UNSUPP ? SEC_NONE :
		    SEC_NTLM;
	if (len >= sizeof(negoex_sig) &&
	    memcmp(p, negoex_sig, sizeof(negoex_sig)) == 0)
		return SEC_GSS_OTHER;
	switch (cur_peek_u8(&c, 0)) {
	case 0x60:
		r = sec_gss(p, len, o);
		if (r == SEC_SPNEGO && !spnego_ok)
			r = SEC_NONE;
		return r;
	case 0xa0:
	case 0xa1:
		return spnego_ok ? SEC_SPNEGO : SEC_NONE;
	default:
		break;
	}
	/* a Kerberos mechanism token without the framing: TOK_ID first */
	tok_id = cur_get_be16(&c);
	if (is_per_msg(tok_id) && len >= 16)
		return SEC_GSS_OTHER;
	if ((tok_id == 0x0100 || tok_id == 0x0200 || tok_id == 0x0300) &&
	    is_raw_krb(p + 2, len - 2)) {
		r = krb_raw(p + 2, len - 2, &o->krb);
		o->krb.gss_tok_id = tok_id;
		return r;
	}
	if ((flags & SEC_F_NO_RAW_KRB) == 0 && is_raw_krb(p, len))
		return krb_raw(p, len, &o->krb);
	return SEC_NONE;
}

/* A SPNEGO token; its mechanism token emitted in its place if known. */
static int
sec_spnego(struct dis_ctx *ctx, const char *carrier, const uint8_t *p,
    size_t len, struct sec_out *o)
{
	struct spnego_info info;
	const uint8_t *tok;
	size_t tok_len;
	int r;

	if (spnego_decode(p, len, &info, &tok, &tok_len) == E_UNSUPP)
		return SEC_NONE;
	ctx->eng->st.spnego_tokens++;
	r = SEC_NONE;
	if (tok != NULL)
		r = sec_mech(tok, tok_len, 0, 0, o);
	if (r == SEC_KRB || r == SEC_NTLM) {
		ctx->spnego = &info;
		if (r == SEC_KRB)
			engine_emit_krb(ctx, carrier, &o->krb);
		else
			engine_emit_ntlm(ctx, carrier, &o->ntlm);
		ctx->spnego = NULL;
	} else
		engine_emit_spnego(ctx, carrier, &info);
	return SEC_SPNEGO;
}

int
sec_token(struct dis_ctx *ctx, const char *carrier, const uint8_t *p,
    size_t len, unsigned flags)
{
	struct sec_out o;
	int r;

	if (p == NULL)
		len = 0;
	r = sec_mech(p, len, flags, 1, &o);
	switch (r) {
	case SEC_KRB:
		engine_emit_krb(ctx, carrier, &o.krb);
		break;
	case SEC_NTLM:
		engine_emit_ntlm(ctx, carrier, &o.ntlm);
		break;
	case SEC_SPNEGO:
		r = sec_spnego(ctx, carrier, p, len, &o);
		break;
	default:
		break;
	}
	if (r == SEC_NONE)
		ctx->eng->st.sec_unknown++;
	return r;
}

int
sec_probe(const uint8_t *p, size_t len, unsigned flags)
{
	struct cur c;
	size_t hdr, n, olen;
	uint8_t id;

	if (p == NULL || len < 2)
		return 0;
	cur_init(&c, p, len);
	id = cur_peek_u8(&c, 0);
	switch (id) {
	case 'N':
		return len >= sizeof(ntlm_sig) &&
		    memcmp(p, ntlm_sig, sizeof(ntlm_sig)) == 0;
	case 0x60:
		/* 0x60 len 0x06 olen OID... */
		if (der_hdr(p, len, &hdr, &n) != 0 || len < hdr + 4 ||
		    cur_peek_u8(&c, hdr) != DER_TAG_OID)
			return 0;
		olen = cur_peek_u8(&c, hdr + 1);
		if (olen < 6 || olen > 10 || n < olen + 2)
			return 0;
		/* the OIDs we know start 2a 86 48 (1.2.840) or
		 * 2b 06 01 (1.3.6.1) */
		if (len >= hdr + 2 + olen)
			return oid_known(p + hdr + 2, olen) != 0;
		return (cur_peek_u8(&c, hdr + 2) == 0x2a &&
		    cur_peek_u8(&c, hdr + 3) == 0x86) ||
		    (cur_peek_u8(&c, hdr + 2) == 0x2b &&
		    cur_peek_u8(&c, hdr + 3) == 0x06);
	case 0xa0:
	case 0xa1:
		if (der_hdr(p, len, &hdr, &n) != 0 || len <= hdr)
			return 0;
		return cur_peek_u8(&c, hdr) == 0x30;
	case 0x01:
	case 0x02:
	case 0x03:
		return cur_peek_u8(&c, 1) == 0x00 &&
		    is_raw_krb(p + 2, len - 2) &&
		    cur_peek_u8(&c, 2) == (id == 0x01 ? 0x6e :
		    id == 0x02 ? 0x6f : 0x7e);
	default:
		break;
	}
	if ((flags & SEC_F_NO_RAW_KRB) == 0)
		return is_raw_krb(p, len);
	return 0;
}
