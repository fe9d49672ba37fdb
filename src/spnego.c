/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * spnego.c - SPNEGO tokens (RFC 4178 4.2, MS-SPNG 2.2): the
 * InitialContextToken of mechanism 1.3.6.1.5.5.2 and the bare
 * NegotiationToken of later legs; NegTokenInit, MS NegTokenInit2 and
 * NegTokenResp, with the mechanism token inside handed back.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "der.h"
#include "record.h"
#include "sec.h"
#include "util.h"

struct mech_oid {
	int		 mech;
	size_t		 len;
	const uint8_t	*oid;
};

/* one step of the walk: what went wrong so far */
struct sp_walk {
	int		 trunc;
	int		 invalid;
};

static int	oid_mech(const uint8_t *, size_t);
static int	sp_read(struct cur *, struct der_tlv *, struct sp_walk *);
static int	sp_seq(struct cur *, struct der_tlv *, struct sp_walk *);
static int	sp_field(struct der_tlv *, struct der_tlv *, struct sp_walk *);
static int	sp_octets(struct cur *, const uint8_t **, size_t *,
		    uint32_t *, struct sp_walk *);
static void	sp_mechs(struct cur *, struct spnego_info *,
		    struct sp_walk *);
static void	sp_hints(struct cur *, struct spnego_info *,
		    struct sp_walk *);
static void	sp_init(struct cur *, struct spnego_info *,
		    const uint8_t **, size_t *, struct sp_walk *);
static void	sp_resp(struct cur *, struct spnego_info *,
		    const uint8_t **, size_t *, struct sp_walk *);

static const uint8_t oid_krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_ms_krb5[] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_u2u[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02, 0x03 };
static const uint8_t oid_ntlmssp[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
    0x37, 0x02, 0x02, 0x0a };
static const uint8_t oid_negoex[] = { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82,
    0x37, 0x02, 0x02, 0x1e };
static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const uint8_t oid_iakerb[] = { 0x2b, 0x06, 0x01, 0x05, 0x02, 0x05 };

static const struct mech_oid mech_oids[] = {
	{ SEC_MECH_KRB5, sizeof(oid_krb5), oid_krb5 },
	{ SEC_MECH_MS_KRB5, sizeof(oid_ms_krb5), oid_ms_krb5 },
	{ SEC_MECH_U2U, sizeof(oid_u2u), oid_u2u },
	{ SEC_MECH_NTLMSSP, sizeof(oid_ntlmssp), oid_ntlmssp },
	{ SEC_MECH_NEGOEX, sizeof(oid_negoex), oid_negoex },
	{ SEC_MECH_SPNEGO, sizeof(oid_spnego), oid_spnego },
	{ SEC_MECH_IAKERB, sizeof(oid_iakerb), oid_iakerb },
	{ 0, 0, NULL }
};

static int
oid_mech(const uint8_t *p, size_t len)
{
	const struct mech_oid *m;

	for (m = mech_oids; m->oid != NULL; m++)
		if (m->len == len && memcmp(m->oid, p, len) == 0)
			return m->mech;
	return SEC_MECH_UNKNOWN;
}

/*
 * Reads one TLV, accepting contents cut by the end of the capture (noted
 * in w). Returns 0, or < 0 when not even the header could be read.
 */
static int
sp_read(struct cur *c, struct der_tlv *t, struct sp_walk *w)
{
	size_t claimed;
	int rc;

	rc = der_read_partial(c, t, &claimed);
	if (rc == E_TRUNC)
		w->trunc = 1;
	else if (rc != 0)
		w->invalid = 1;
	else if (claimed > t->val.len)
		w->trunc = 1;
	return rc;
}

/* A SEQUENCE: 0, or -1 (not one: invalid, or cut: truncated). */
static int
sp_seq(struct cur *c, struct der_tlv *seq, struct sp_walk *w)
{
	if (sp_read(c, seq, w) != 0)
		return -1;
	if (seq->cls != DER_UNIVERSAL || seq->tag != DER_TAG_SEQUENCE ||
	    !seq->constructed) {
		w->invalid = 1;
		return -1;
	}
	return 0;
}

/* The next [n] field of a SEQUENCE of tagged fields: 0, or -1. */
static int
sp_field(struct der_tlv *seq, struct der_tlv *f, struct sp_walk *w)
{
	if (sp_read(&seq->val, f, w) != 0)
		return -1;
	if (f->cls != DER_CONTEXT || !f->constructed) {
		w->invalid = 1;
		return -1;
	}
	return 0;
}

/* An OCTET STRING (maybe cut): its bytes and the length it claims. */
static int
sp_octets(struct cur *c, const uint8_t **p, size_t *len, uint32_t *claimed,
    struct sp_walk *w)
{
	struct der_tlv t;
	size_t cl;
	int rc;

	*p = NULL;
	*len = 0;
	*claimed = 0;
	rc = der_read_partial(c, &t, &cl);
	if (rc == E_TRUNC) {
		w->trunc = 1;
		return rc;
	}
	if (rc != 0 || t.cls != DER_UNIVERSAL ||
	    t.tag != DER_TAG_OCTET_STRING || t.constructed) {
		w->invalid = 1;
		return E_INVALID;
	}
	if (cl > t.val.len)
		w->trunc = 1;
	*p = t.val.p;
	*len = t.val.len;
	*claimed = (uint32_t)cl;
	return 0;
}

/* MechTypeList ::= SEQUENCE OF MechType */
static void
sp_mechs(struct cur *c, struct spnego_info *out, struct sp_walk *w)
{
	struct der_tlv seq, oid;

	if (sp_seq(c, &seq, w) != 0)
		return;
	while (cur_left(&seq.val) > 0) {
		if (sp_read(&seq.val, &oid, w) != 0)
			return;
		if (oid.cls != DER_UNIVERSAL || oid.tag != DER_TAG_OID ||
		    oid.constructed) {
			w->invalid = 1;
			return;
		}
		if (out->n_mechs < SPNEGO_MAX_MECHS)
			out->mechs[out->n_mechs] = oid_mech(oid.val.p,
			    oid.val.len);
		if (out->n_mechs < INT32_MAX)
			out->n_mechs++;
	}
}

/* NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL,
 * hintAddress [1] OCTET STRING OPTIONAL } (MS-SPNG 2.2.1) */
static void
sp_hints(struct cur *c, struct spnego_info *out, struct sp_walk *w)
{
	struct der_tlv seq, f, s;

	if (sp_read(c, &seq, w) != 0)
		return;
	while (cur_left(&seq.val) > 0) {
		if (sp_field(&seq, &f, w) != 0)
			return;
		if (f.tag != 0)
			continue;
		if (sp_read(&f.val, &s, w) != 0)
			return;
		if (s.cls != DER_UNIVERSAL || s.constructed) {
			w->invalid = 1;
			return;
		}
		str_printable(out->hint_name, sizeof(out->hint_name),
		    s.val.p, s.val.len);
	}
}

/*
 * NegTokenInit ::= SEQUENCE { mechTypes [0], reqFlags [1] ContextFlags,
 * mechToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }; in
 * NegTokenInit2, [3] is negHints and [4] the mechListMIC.
 */
static void
sp_init(struct cur *c, struct spnego_info *out, const uint8_t **tok,
    size_t *tok_len, struct sp_walk *w)
{
	struct der_tlv seq, f;
	const uint8_t *p;
	size_t n;
	uint32_t claimed;

	if (sp_seq(c, &seq, w) != 0)
		return;
	while (cur_left(&seq.val) > 0) {
		if (sp_field(&seq, &f, w) != 0)
			return;
		switch (f.tag) {
		case 0:
			sp_mechs(&f.val, out, w);
			break;
		case 1:
			if (der_get_bits32(&f.val, &out->req_flags) == 0)
				out->has_req_flags = 1;
			else if (f.val.err == E_TRUNC)
				w->trunc = 1;
			else
				w->invalid = 1;
			break;
		case 2:
			if (sp_octets(&f.val, &p, &n, &claimed, w) == 0) {
				out->has_token = 1;
				out->token_len = claimed;
				*tok = p;
				*tok_len = n;
			}
			break;
		case 3:
			if (cur_peek_u8(&f.val, 0) == 0x30) {
				out->kind = SPNEGO_INIT2;
				sp_hints(&f.val, out, w);
				break;
			}
			/* FALLTHROUGH */
		case 4:
			if (sp_octets(&f.val, &p, &n, &claimed, w) == 0) {
				out->has_mic = 1;
				out->mic_len = claimed;
			}
			break;
		default:
			break;		/* extensions: skipped */
		}
	}
}

/*
 * NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED, supportedMech [1]
 * MechType, responseToken [2] OCTET STRING, mechListMIC [3] OCTET STRING }
 */
static void
sp_resp(struct cur *c, struct spnego_info *out, const uint8_t **tok,
    size_t *tok_len, struct sp_walk *w)
{
	struct der_tlv seq, f, v;
	const uint8_t *p;
	size_t n;
	uint32_t claimed;

	if (sp_seq(c, &seq, w) != 0)
		return;
	while (cur_left(&seq.val) > 0) {
		if (sp_field(&seq, &f, w) != 0)
			return;
		switch (f.tag) {
		case 0:
			if (sp_read(&f.val, &v, w) != 0)
				break;
			if (v.cls != DER_UNIVERSAL || v.constructed ||
			    v.tag != DER_TAG_ENUMERATED || v.val.len != 1 ||
			    cur_peek_u8(&v.val, 0) > SPNEGO_REQUEST_MIC) {
				if (v.val.len != 0)
					w->invalid = 1;
				break;
			}
			out->neg_state = cur_peek_u8(&v.val, 0);
			break;
		case 1:
			if (sp_read(&f.val, &v, w) != 0)
				break;
			if (v.cls != DER_UNIVERSAL || v.constructed ||
			    v.tag != DER_TAG_OID) {
				w->invalid = 1;
				break;
			}
			out->supported_mech = oid_mech(v.val.p, v.val.len);
			break;
		case 2:
			if (sp_octets(&f.val, &p, &n, &claimed, w) == 0) {
				out->has_token = 1;
				out->token_len = claimed;
				*tok = p;
				*tok_len = n;
			}
			break;
		case 3:
			if (sp_octets(&f.val, &p, &n, &claimed, w) == 0) {
				out->has_mic = 1;
				out->mic_len = claimed;
			}
			break;
		default:
			break;
		}
	}
}

int
spnego_decode(const uint8_t *p, size_t len, struct spnego_info *out,
    const uint8_t **token, size_t *token_len)
{
	struct sp_walk w;
	struct der_tlv app, oid, choice;
	struct cur c, body;
	const uint8_t *tok;
	size_t tok_len;

	memset(out, 0, sizeof(*out));
	out->neg_state = -1;
	out->supported_mech = -1;
	*token = NULL;
	*token_len = 0;
	memset(&w, 0, sizeof(w));
	tok = NULL;
	tok_len = 0;
	cur_init(&c, p, len);

	switch (cur_peek_u8(&c, 0)) {
	case 0x60:
		/* InitialContextToken: [APPLICATION 0] { thisMech, ... } */
		if (sp_read(&c, &app, &w) != 0)
			return E_UNSUPP;
		if (der_read(&app.val, &oid) != 0 ||
		    oid.cls != DER_UNIVERSAL || oid.tag != DER_TAG_OID ||
		    oid.val.len != sizeof(oid_spnego) ||
		    memcmp(oid.val.p, oid_spnego, sizeof(oid_spnego)) != 0)
			return E_UNSUPP;
		body = app.val;
		/* only a negTokenInit may follow the mechanism */
		out->kind = SPNEGO_INIT;
		if (cur_left(&body) == 0) {
			w.trunc = 1;
			break;
		}
		if (cur_peek_u8(&body, 0) != 0xa0) {
			w.invalid = 1;
			break;
		}
		if (sp_read(&body, &choice, &w) != 0)
			break;
		sp_init(&choice.val, out, &tok, &tok_len, &w);
		break;
	case 0xa0:
	case 0xa1:
		if (sp_read(&c, &choice, &w) != 0 || !choice.constructed)
			return E_UNSUPP;
		/* the choice must hold a SEQUENCE */
		if (cur_left(&choice.val) > 0 &&
		    cur_peek_u8(&choice.val, 0) != 0x30)
			return E_UNSUPP;
		if (choice.tag == 0) {
			out->kind = SPNEGO_INIT;
			sp_init(&choice.val, out, &tok, &tok_len, &w);
		} else {
			out->kind = SPNEGO_RESP;
			sp_resp(&choice.val, out, &tok, &tok_len, &w);
		}
		break;
	default:
		return E_UNSUPP;
	}

	*token = tok;
	*token_len = tok_len;
	if (w.invalid) {
		out->status = KRB_INVALID;
		return E_INVALID;
	}
	if (w.trunc) {
		out->status = KRB_TRUNCATED;
		return E_TRUNC;
	}
	return 0;
}

const char *
spnego_state_name(int neg_state)
{
	switch (neg_state) {
	case SPNEGO_ACCEPT_COMPLETED:
		return "accept-completed";
	case SPNEGO_ACCEPT_INCOMPLETE:
		return "accept-incomplete";
	case SPNEGO_REJECT:
		return "reject";
	case SPNEGO_REQUEST_MIC:
		return "request-mic";
	default:
		return NULL;
	}
}

const char *
sec_mech_name(int mech)
{
	switch (mech) {
	case SEC_MECH_KRB5:
		return "krb5";
	case SEC_MECH_MS_KRB5:
		return "ms-krb5";
	case SEC_MECH_U2U:
		return "krb5-u2u";
	case SEC_MECH_NTLMSSP:
		return "ntlmssp";
	case SEC_MECH_NEGOEX:
		return "negoex";
	case SEC_MECH_SPNEGO:
		return "spnego";
	case SEC_MECH_IAKERB:
		return "iakerb";
	default:
		return NULL;
	}
}
