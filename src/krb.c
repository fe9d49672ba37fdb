/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * krb.c - Kerberos V5 message decoder: the fields krbscope reports, read
 * straight off the DER with the hand-written TLV reader (no allocation).
 * RFC 4120 section 5 (ASN.1 of KDC-REQ, KDC-REP, AP-REQ, AP-REP,
 * KRB-SAFE, KRB-PRIV, KRB-CRED, KRB-ERROR), 5.2.7 (PA-DATA), 5.9.1
 * (METHOD-DATA in e-data); MS-KILE 2.2.2 (KERB-ERROR-DATA in e-data).
 *
 * Contents of PA-DATA values (RFC 4120 5.2.7.2, 5.2.7.4, 5.2.7.5; MS-SFU
 * 2.2.1, 2.2.2; MS-KILE 2.2.3, 2.2.8, 2.2.10) and of KRB-ERROR e-data
 * (RFC 4120 5.9.1 TYPED-DATA, MS-KILE 2.2.1/2.2.2 KERB-ERROR-DATA and
 * KERB-EXT-ERROR) are decoded best effort: a fault inside such a value
 * only stops the decoding of that value, never changes the status.
 *
 * Outcomes: a message longer than the captured bytes is decoded as far
 * as the bytes go and reported truncated; a message that contradicts its
 * own encoding (bad TLV, wrong type, a child larger than its parent,
 * missing required fields, trailing bytes) is reported invalid, with
 * every field read before (or, for soft faults, around) the fault kept.
 * Unknown fields in a SEQUENCE are skipped.
 */
#include "config.h"

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cur.h"
#include "der.h"
#include "krb.h"
#include "record.h"
#include "util.h"

#define KRB_ID_SEED	0x6b72627363707431ULL	/* "krbscpt1" */

/* One decoding pass over one DER encoding. */
struct kd {
	struct krb_msg	*m;
	int		 cut;	/* message longer than the capture */
	int		 soft;	/* first fault that did not stop us */
	struct krb_padata *pa;	/* PA-TGS-REQ entry of an embedded AP-REQ */
	int		 in_edata;	/* PA-DATA of a KRB-ERROR's e-data */
};

/* An EncryptedData as read (RFC 4120 5.2.9). */
struct enc {
	int		 has_etype;
	int32_t		 etype;
	int		 has_kvno;
	uint32_t	 kvno;
	const uint8_t	*cipher;	/* borrowed; NULL unless whole */
	size_t		 cipher_len;
};

static unsigned	fbit(uint32_t);
static int	classify(int, int);
static void	kd_soft(struct kd *, int);
static void	kd_end(struct kd *, const struct cur *);
static void	kd_need(struct kd *, unsigned, unsigned);
static int	kd_read(struct kd *, struct cur *, struct der_tlv *,
		    size_t *);
static int	kd_seq_next(struct kd *, struct cur *, struct cur *);
static int	kd_seq(struct kd *, struct cur *, struct cur *);
static int	kd_field(struct kd *, struct cur *, uint32_t *, struct cur *);
static int	kd_i32(struct kd *, struct cur *, int32_t *);
static int	kd_u32(struct kd *, struct cur *, uint32_t *);
static int	kd_bits(struct kd *, struct cur *, uint32_t *);
static int	kd_time(struct kd *, struct cur *, int64_t *);
static int	kd_string(struct kd *, struct cur *, char *, size_t);
static int	kd_addresses(struct kd *, struct cur *);
static int	kd_msg_type(struct kd *, struct cur *, int);
static int	kd_principal(struct kd *, struct cur *, char *, size_t,
		    int32_t *);
static int	kd_enc(struct kd *, struct cur *, struct enc *);
static int	kd_ticket(struct kd *, struct cur *, struct krb_ticket *);
static int	kd_padata(struct kd *, struct cur *, struct krb_padata *,
		    int *, int);
static void	kd_tgs_ap_req(struct kd *, const uint8_t *, size_t, int);
static int	kd_method_data(struct kd *, const uint8_t *, size_t);
static void	kd_sub(struct kd *, struct krb_msg *, int);
static int	kd_bool(struct cur *, int *);
static int	kd_user(struct kd *, struct cur *, char *, size_t, int,
		    char *, size_t);
static int	pa_etype_info(struct kd *, struct cur *, struct krb_padata *,
		    int);
static int	pa_for_user(struct kd *, struct cur *, struct krb_padata *);
static int	pa_s4u_x509(struct kd *, struct cur *, struct krb_padata *);
static int	pa_one_field(struct kd *, struct cur *, uint32_t,
		    struct cur *);
static void	pa_value(struct kd *, struct krb_padata *, const uint8_t *,
		    size_t, int);
static void	msg_pa_flags(struct krb_msg *);
static int	kd_add_tickets(struct kd *, struct cur *);
static void	kd_e_data_kind(struct kd *, const uint8_t *, size_t);
static int	kd_etypes(struct kd *, struct cur *);
static int	kd_req_body(struct kd *, struct cur *);
static int	kd_kdc_req(struct kd *, struct cur *);
static int	kd_kdc_rep(struct kd *, struct cur *);
static int	kd_ap_req(struct kd *, struct cur *, int);
static int	kd_simple(struct kd *, struct cur *, int, unsigned);
static void	msg_set_enc(struct krb_msg *, const struct enc *);
static int	kd_cred(struct kd *, struct cur *);
static int	kd_e_data(struct kd *, struct cur *);
static int	kd_error(struct kd *, struct cur *);
static int	kd_message(struct kd *, struct cur *);
static int	is_msg_ident(uint8_t);

static unsigned
fbit(uint32_t tag)
{
	return tag < 32 ? 1u << tag : 0;
}

/*
 * A child running past its parent is a contradiction unless the capture
 * itself ended early.
 */
static int
classify(int rc, int cut)
{
	if (rc == 0)
		return 0;
	if (rc == E_TRUNC)
		return cut ? E_TRUNC : E_INVALID;
	return E_INVALID;
}

static void
kd_soft(struct kd *kd, int err)
{
	if (kd->soft == 0 || (kd->soft == E_TRUNC && err == E_INVALID))
		kd->soft = err;
}

/* Bytes left after the value inside an explicit tag: a contradiction. */
static void
kd_end(struct kd *kd, const struct cur *c)
{
	if (cur_left(c) > 0)
		kd_soft(kd, E_INVALID);
}

/* Required fields of a SEQUENCE; only meaningful for whole messages. */
static void
kd_need(struct kd *kd, unsigned seen, unsigned required)
{
	if (!kd->cut && (seen & required) != required)
		kd_soft(kd, E_INVALID);
}

/* One TLV; in a cut message a TLV running past the capture is kept. */
static int
kd_read(struct kd *kd, struct cur *c, struct der_tlv *t, size_t *claimed)
{
	size_t cl;
	int rc;

	if (kd->cut)
		rc = der_read_partial(c, t, &cl);
	else {
		rc = der_read(c, t);
		cl = t->val.len;
	}
	if (claimed != NULL)
		*claimed = cl;
	return rc;
}

/* The next TLV of c, which must be a SEQUENCE; its contents in seq. */
static int
kd_seq_next(struct kd *kd, struct cur *c, struct cur *seq)
{
	struct der_tlv t;
	int rc;

	cur_init(seq, NULL, 0);
	if ((rc = kd_read(kd, c, &t, NULL)) != 0)
		return rc;
	if (t.cls != DER_UNIVERSAL || t.tag != DER_TAG_SEQUENCE ||
	    !t.constructed)
		return E_INVALID;
	*seq = t.val;
	return 0;
}

/* The SEQUENCE that makes up the whole of c. */
static int
kd_seq(struct kd *kd, struct cur *c, struct cur *seq)
{
	int rc;

	if ((rc = kd_seq_next(kd, c, seq)) != 0)
		return rc;
	kd_end(kd, c);
	return 0;
}

/* The next element of a SEQUENCE: an explicit context tag [n]. */
static int
kd_field(struct kd *kd, struct cur *seq, uint32_t *tag, struct cur *val)
{
	struct der_tlv t;
	int rc;

	*tag = 0;
	cur_init(val, NULL, 0);
	if ((rc = kd_read(kd, seq, &t, NULL)) != 0)
		return rc;
	if (t.cls != DER_CONTEXT || !t.constructed)
		return E_INVALID;
	*tag = t.tag;
	*val = t.val;
	return 0;
}

static int
kd_i32(struct kd *kd, struct cur *v, int32_t *out)
{
	int64_t x;
	int rc;

	if ((rc = der_get_int(v, &x)) != 0)
		return rc;
	if (x < INT32_MIN || x > INT32_MAX)
		return E_INVALID;
	*out = (int32_t)x;
	kd_end(kd, v);
	return 0;
}

static int
kd_u32(struct kd *kd, struct cur *v, uint32_t *out)
{
	int rc;

	if ((rc = der_get_uint32(v, out)) != 0)
		return rc;
	kd_end(kd, v);
	return 0;
}

static int
kd_bits(struct kd *kd, struct cur *v, uint32_t *out)
{
	int rc;

	if ((rc = der_get_bits32(v, out)) != 0)
		return rc;
	kd_end(kd, v);
	return 0;
}

static int
kd_time(struct kd *kd, struct cur *v, int64_t *out)
{
	int rc;

	if ((rc = der_get_time(v, out)) != 0)
		return rc;
	kd_end(kd, v);
	return 0;
}

/* KerberosString / Realm, as printable text. */
static int
kd_string(struct kd *kd, struct cur *v, char *dst, size_t dstsz)
{
	const uint8_t *p;
	size_t n;
	int rc;

	if ((rc = der_get_string(v, &p, &n)) != 0)
		return rc;
	str_printable(dst, dstsz, p, n);
	kd_end(kd, v);
	return 0;
}

/* Elements of the SEQUENCE OF that makes up v. */
/*
 * HostAddresses (RFC 4120 5.2.5; types from 7.5.3): every element is
 * counted, the first KRB_MAX_ADDRS well-formed ones are also shown.
 */
static int
kd_addresses(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct der_tlv t;
	struct cur list, f;
	const uint8_t *a;
	size_t alen;
	uint32_t tag;
	int32_t type;
	int rc, has_type;

	m->n_addresses = 0;
	if ((rc = kd_seq(kd, v, &list)) != 0)
		return rc;
	while (cur_left(&list) > 0) {
		if ((rc = kd_read(kd, &list, &t, NULL)) != 0)
			return rc;
		m->n_addresses++;
		if (t.cls != DER_UNIVERSAL || t.tag != DER_TAG_SEQUENCE ||
		    m->n_address_list == KRB_MAX_ADDRS)
			continue;
		has_type = 0;
		a = NULL;
		alen = 0;
		while (cur_left(&t.val) > 0 &&
		    kd_field(kd, &t.val, &tag, &f) == 0) {
			if (tag == 0 && kd_i32(kd, &f, &type) == 0)
				has_type = 1;
			else if (tag == 1 && der_get_octets(&f, &a, &alen) != 0)
				a = NULL;
		}
		if (has_type && a != NULL)
			krb_fmt_address(m->address_list[m->n_address_list++],
			    KRB_ADDR_MAX, type, a, alen);
	}
	return 0;
}

/* An address as text: IPv4, IPv6, a NetBIOS name, or "type N". */
void
krb_fmt_address(char *dst, size_t dstsz, int32_t type, const uint8_t *a,
    size_t alen)
{
	char suffix[8];
	size_t n;

	if (type == 2 && alen == 4)
		fmt_addr(dst, dstsz, AF_INET, a);
	else if (type == 24 && alen == 16)
		fmt_addr(dst, dstsz, AF_INET6, a);
	else if (type == 20 && alen == 16) {
		/* 15 characters padded with spaces, then the suffix byte */
		for (n = 15; n > 0 && (a[n - 1] == ' ' || a[n - 1] == 0); n--)
			;
		str_printable(dst, dstsz, a, n);
		snprintf(suffix, sizeof(suffix), "<%02x>", a[15]);
		str_append(dst, dstsz, suffix);
	} else
		snprintf(dst, dstsz, "type %d (%zu bytes)", (int)type, alen);
}

/* msg-type must repeat the APPLICATION tag. */
static int
kd_msg_type(struct kd *kd, struct cur *v, int expect)
{
	int32_t t;
	int rc;

	if ((rc = kd_i32(kd, v, &t)) != 0)
		return rc;
	if (t != expect)
		kd_soft(kd, E_INVALID);
	return 0;
}

/* PrincipalName (RFC 4120 5.2.2): components joined by '/'. */
static int
kd_principal(struct kd *kd, struct cur *v, char *dst, size_t dstsz,
    int32_t *type)
{
	char part[KRB_NAME_MAX];
	struct cur seq, f, names;
	const uint8_t *p;
	size_t n, o, pl;
	uint32_t tag;
	unsigned seen;
	int rc, i;

	dst[0] = '\0';
	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			rc = kd_i32(kd, &f, type);
			break;
		case 1:
			if ((rc = kd_seq(kd, &f, &names)) != 0)
				break;
			dst[0] = '\0';
			o = 0;
			for (i = 0; cur_left(&names) > 0; i++) {
				if ((rc = der_get_string(&names, &p, &n)) != 0)
					break;
				str_printable(part, sizeof(part), p, n);
				pl = strlen(part);
				/* while it fits, joined in place; then as
				 * str_append() cuts ("...") */
				if (o != SIZE_MAX && o + (i > 0) + pl < dstsz) {
					if (i > 0)
						dst[o++] = '/';
					memcpy(dst + o, part, pl + 1);
					o += pl;
					continue;
				}
				o = SIZE_MAX;
				if (i > 0)
					str_append(dst, dstsz, "/");
				str_append(dst, dstsz, part);
			}
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1));
	return 0;
}

/* EncryptedData (RFC 4120 5.2.9). */
static int
kd_enc(struct kd *kd, struct cur *v, struct enc *e)
{
	struct cur seq, f;
	const uint8_t *p;
	size_t n;
	uint32_t tag;
	unsigned seen;
	int rc;

	memset(e, 0, sizeof(*e));
	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			if ((rc = kd_i32(kd, &f, &e->etype)) == 0)
				e->has_etype = 1;
			break;
		case 1:
			if ((rc = kd_u32(kd, &f, &e->kvno)) == 0)
				e->has_kvno = 1;
			break;
		case 2:
			if ((rc = der_get_octets(&f, &p, &n)) == 0) {
				e->cipher = p;
				e->cipher_len = n;
				kd_end(kd, &f);
			}
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(2));
	return 0;
}

/* Ticket ::= [APPLICATION 1] SEQUENCE (RFC 4120 5.3), the next TLV of v. */
static int
kd_ticket(struct kd *kd, struct cur *v, struct krb_ticket *t)
{
	struct der_tlv app;
	struct cur seq, f;
	struct enc e;
	uint32_t tag;
	unsigned seen;
	int rc;

	memset(t, 0, sizeof(*t));
	seen = 0;
	if ((rc = kd_read(kd, v, &app, NULL)) != 0)
		return rc;
	if (app.cls != DER_APPLICATION || app.tag != 1 || !app.constructed)
		return E_INVALID;
	t->present = 1;
	if ((rc = kd_seq(kd, &app.val, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			rc = kd_i32(kd, &f, &t->tkt_vno);
			break;
		case 1:
			rc = kd_string(kd, &f, t->realm, sizeof(t->realm));
			break;
		case 2:
			rc = kd_principal(kd, &f, t->sname, sizeof(t->sname),
			    &t->sname_type);
			break;
		case 3:
			rc = kd_enc(kd, &f, &e);
			t->etype = e.etype;
			t->has_kvno = e.has_kvno;
			t->kvno = e.kvno;
			if (e.cipher != NULL) {
				t->cipher_len = e.cipher_len > UINT32_MAX ?
				    UINT32_MAX : (uint32_t)e.cipher_len;
				krb_ticket_id(e.cipher, e.cipher_len, t->id);
			}
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1) | fbit(2) | fbit(3));
	return 0;
}

/*
 * SEQUENCE OF PA-DATA (RFC 4120 5.2.7) making up v; up to max entries
 * into out. In a TGS-REQ (tgs set) the PA-TGS-REQ value is an AP-REQ
 * whose ticket is the TGT presented: it goes into kd->m->ticket.
 */
static int
kd_padata(struct kd *kd, struct cur *v, struct krb_padata *out, int *n_out,
    int tgs)
{
	struct der_tlv t;
	struct cur list, seq, f;
	size_t claimed;
	uint32_t tag;
	unsigned seen;
	int32_t type;
	int rc, idx;

	if ((rc = kd_seq(kd, v, &list)) != 0)
		return rc;
	while (cur_left(&list) > 0) {
		if ((rc = kd_seq_next(kd, &list, &seq)) != 0)
			return rc;
		seen = 0;
		idx = -1;
		type = 0;
		while (cur_left(&seq) > 0) {
			if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
				return rc;
			seen |= fbit(tag);
			switch (tag) {
			case 1:
				if ((rc = kd_i32(kd, &f, &type)) != 0)
					break;
				if (idx < 0 && *n_out < KRB_MAX_PADATA) {
					idx = (*n_out)++;
					memset(&out[idx], 0, sizeof(out[idx]));
					out[idx].type = type;
				}
				break;
			case 2:
				if ((rc = kd_read(kd, &f, &t, &claimed)) != 0)
					break;
				if (t.cls != DER_UNIVERSAL || t.constructed ||
				    t.tag != DER_TAG_OCTET_STRING) {
					rc = E_INVALID;
					break;
				}
				kd_end(kd, &f);
				if (idx >= 0) {
					out[idx].len = claimed > UINT32_MAX ?
					    UINT32_MAX : (uint32_t)claimed;
					pa_value(kd, &out[idx], t.val.p,
					    t.val.len, claimed > t.val.len);
				}
				if (tgs && type == 1 &&
				    !kd->m->ticket.present) {
					kd->pa = idx >= 0 ? &out[idx] : NULL;
					kd_tgs_ap_req(kd, t.val.p, t.val.len,
					    claimed > t.val.len);
					kd->pa = NULL;
				}
				break;
			default:
				break;
			}
			if (rc != 0)
				return rc;
		}
		kd_need(kd, seen, fbit(1) | fbit(2));
	}
	return 0;
}

/*
 * The AP-REQ inside a PA-TGS-REQ: a separate DER encoding, so its
 * nesting depth starts again at 0. Its faults make the message invalid
 * (or truncated) but do not stop the decoding of the rest.
 */
static void
kd_tgs_ap_req(struct kd *kd, const uint8_t *p, size_t len, int cut)
{
	struct der_tlv app;
	struct kd sub;
	struct cur c;
	int rc;

	kd_sub(&sub, kd->m, cut);
	sub.pa = kd->pa;
	cur_init(&c, p, len);
	if ((rc = kd_read(&sub, &c, &app, NULL)) != 0)
		goto out;
	if (app.cls != DER_APPLICATION || app.tag != KRB_AP_REQ ||
	    !app.constructed) {
		rc = E_INVALID;
		goto out;
	}
	kd_end(&sub, &c);
	rc = kd_ap_req(&sub, &app.val, 1);
out:
	if ((rc = classify(rc, cut)) != 0)
		kd_soft(kd, rc);
	if ((rc = classify(sub.soft, cut)) != 0)
		kd_soft(kd, rc);
}

/*
 * e-data holding METHOD-DATA (RFC 4120 5.9.1): taken only when the whole
 * e-data is a clean SEQUENCE OF PA-DATA; returns 1 then. Anything else
 * (KERB-ERROR-DATA, TYPED-DATA) is left alone.
 */
static int
kd_method_data(struct kd *kd, const uint8_t *p, size_t len)
{
	struct krb_padata pa[KRB_MAX_PADATA];
	struct kd sub;
	struct cur c;
	int n, n_ei, n_ei_cut;

	kd_sub(&sub, kd->m, 0);
	sub.in_edata = 1;
	n = 0;
	n_ei = kd->m->n_etype_info;
	n_ei_cut = kd->m->n_etype_info_cut;
	cur_init(&c, p, len);
	if (kd_padata(&sub, &c, pa, &n, 0) != 0 || sub.soft != 0 || n == 0) {
		kd->m->n_etype_info = n_ei;	/* forget what it added */
		kd->m->n_etype_info_cut = n_ei_cut;
		return 0;
	}
	memcpy(kd->m->padata, pa, (size_t)n * sizeof(pa[0]));
	kd->m->n_padata = n;
	return 1;
}

/* A separate decoding pass over an embedded encoding. */
static void
kd_sub(struct kd *sub, struct krb_msg *m, int cut)
{
	sub->m = m;
	sub->cut = cut;
	sub->soft = 0;
	sub->pa = NULL;
	sub->in_edata = 0;
}

/* BOOLEAN (X.690 8.2): one octet, any non-zero value is TRUE. */
static int
kd_bool(struct cur *v, int *out)
{
	struct der_tlv t;
	int rc;

	if ((rc = der_expect(v, DER_UNIVERSAL, DER_TAG_BOOLEAN, &t)) != 0)
		return rc;
	if (t.val.len != 1)
		return E_INVALID;
	*out = cur_get_u8(&t.val) != 0;
	return 0;
}

/*
 * name@realm from a PrincipalName at [name_tag] and a Realm at
 * [name_tag + 1] in the SEQUENCE making up v (PA-FOR-USER, S4UUserID);
 * auth-package [3] of PA-FOR-USER into pkg when pkg is not NULL. Sets
 * dst only when the name was read.
 */
static int
kd_user(struct kd *kd, struct cur *v, char *dst, size_t dstsz,
    int name_tag, char *pkg, size_t pkgsz)
{
	char name[KRB_NAME_MAX], realm[KRB_REALM_MAX];
	struct cur seq, f;
	uint32_t tag;
	int32_t ntype;
	int rc, have;

	name[0] = realm[0] = '\0';
	have = 0;
	rc = kd_seq(kd, v, &seq);
	while (rc == 0 && cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			break;
		if (tag == (uint32_t)name_tag) {
			if ((rc = kd_principal(kd, &f, name, sizeof(name),
			    &ntype)) == 0)
				have = 1;
		} else if (tag == (uint32_t)name_tag + 1)
			rc = kd_string(kd, &f, realm, sizeof(realm));
		else if (pkg != NULL && tag == 3)
			rc = kd_string(kd, &f, pkg, pkgsz);
	}
	if (have) {
		dst[0] = '\0';
		str_append(dst, dstsz, name);
		str_append(dst, dstsz, "@");
		str_append(dst, dstsz, realm);
	}
	return rc;
}

/*
 * ETYPE-INFO (RFC 4120 5.2.7.4; info2 clear) or ETYPE-INFO2 (5.2.7.5):
 * a SEQUENCE OF entries { etype [0], salt [1], s2kparams [2] (info2) }.
 */
static int
pa_etype_info(struct kd *kd, struct cur *v, struct krb_padata *pa,
    int info2)
{
	struct krb_msg *m = kd->m;
	struct krb_etype_info *e;
	struct der_tlv t;
	struct cur list, seq, f;
	size_t claimed;
	uint32_t tag;
	int rc, got;

	pa->ei_first = m->n_etype_info;
	pa->ei_n = 0;
	if ((rc = kd_seq(kd, v, &list)) != 0)
		return rc;
	while (cur_left(&list) > 0) {
		if ((rc = kd_seq_next(kd, &list, &seq)) != 0)
			return rc;
		if (m->n_etype_info >= KRB_MAX_ETYPE_INFO) {
			m->n_etype_info_cut++;
			continue;
		}
		e = &m->etype_info[m->n_etype_info];
		memset(e, 0, sizeof(*e));
		got = 0;
		while (rc == 0 && cur_left(&seq) > 0) {
			if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
				break;
			switch (tag) {
			case 0:
				if ((rc = kd_i32(kd, &f, &e->etype)) == 0)
					got = 1;
				break;
			case 1:
				if ((rc = kd_read(kd, &f, &t, NULL)) != 0)
					break;
				if (t.cls != DER_UNIVERSAL || t.constructed) {
					rc = E_INVALID;
					break;
				}
				str_printable(e->salt, sizeof(e->salt),
				    t.val.p, t.val.len);
				e->has_salt = 1;
				break;
			case 2:
				if (!info2 || (rc = kd_read(kd, &f, &t,
				    &claimed)) != 0)
					break;
				e->has_s2kparams = 1;
				e->s2kparams_len = claimed > UINT32_MAX ?
				    UINT32_MAX : (uint32_t)claimed;
				break;
			default:
				break;
			}
		}
		if (!got) {		/* etype is required */
			if (rc != 0)
				return rc;
			continue;
		}
		m->n_etype_info++;
		pa->ei_n++;
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* PA-FOR-USER (MS-SFU 2.2.1). */
static int
pa_for_user(struct kd *kd, struct cur *v, struct krb_padata *pa)
{
	struct krb_msg *m = kd->m;
	int rc;

	if (m->for_user[0] != '\0')
		return 0;	/* the first one is reported */
	rc = kd_user(kd, v, m->for_user, sizeof(m->for_user), 0,
	    m->auth_package, sizeof(m->auth_package));
	if (m->for_user[0] != '\0')
		pa->has |= KRB_PA_USER;
	if (m->auth_package[0] != '\0')
		pa->has |= KRB_PA_AUTH_PACKAGE;
	return rc;
}

/* PA-S4U-X509-USER (MS-SFU 2.2.2): cname [1] / crealm [2] of user-id [0]. */
static int
pa_s4u_x509(struct kd *kd, struct cur *v, struct krb_padata *pa)
{
	struct krb_msg *m = kd->m;
	struct cur f;
	int rc;

	if (m->s4u_user[0] != '\0')
		return 0;
	if ((rc = pa_one_field(kd, v, 0, &f)) != 0)
		return rc;
	rc = kd_user(kd, &f, m->s4u_user, sizeof(m->s4u_user), 1, NULL, 0);
	if (m->s4u_user[0] != '\0')
		pa->has |= KRB_PA_USER;
	return rc;
}

/* Field [n] of the SEQUENCE making up v: 0, or E_INVALID if absent. */
static int
pa_one_field(struct kd *kd, struct cur *v, uint32_t n, struct cur *out)
{
	struct cur seq;
	uint32_t tag;
	int rc;

	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, out)) != 0)
			return rc;
		if (tag == n)
			return 0;
	}
	return E_INVALID;
}

/*
 * The contents of one padata-value, best effort into pa (and the message
 * level lists). Its faults are not the message's: they are dropped.
 */
static void
pa_value(struct kd *kd, struct krb_padata *pa, const uint8_t *p, size_t len,
    int cut)
{
	struct kd sub;
	struct enc e;
	struct cur c, f;
	uint32_t u;
	int b;

	/* no user names from a KDC's e-data: they would outlive a failure */
	if (kd->in_edata && (pa->type == 129 || pa->type == 130))
		return;
	kd_sub(&sub, kd->m, cut);
	cur_init(&c, p, len);
	switch (pa->type) {
	case 2:		/* PA-ENC-TIMESTAMP: EncryptedData */
		(void)kd_enc(&sub, &c, &e);
		if (e.has_etype) {
			pa->has |= KRB_PA_ETYPE;
			pa->etype = e.etype;
		}
		if (e.has_kvno) {
			pa->has |= KRB_PA_KVNO;
			pa->kvno = e.kvno;
		}
		break;
	case 11:	/* PA-ETYPE-INFO */
	case 19:	/* PA-ETYPE-INFO2 */
		/* an unreadable list is not reported as an empty one */
		if (pa_etype_info(&sub, &c, pa, pa->type == 19) == 0 ||
		    pa->ei_n > 0)
			pa->has |= KRB_PA_ETYPE_INFO;
		break;
	case 128:	/* PA-PAC-REQUEST (MS-KILE 2.2.3) */
		if (pa_one_field(&sub, &c, 0, &f) == 0 &&
		    kd_bool(&f, &b) == 0) {
			pa->has |= KRB_PA_INCLUDE_PAC;
			pa->include_pac = b;
		}
		break;
	case 129:	/* PA-FOR-USER */
		(void)pa_for_user(&sub, &c, pa);
		break;
	case 130:	/* PA-S4U-X509-USER */
		(void)pa_s4u_x509(&sub, &c, pa);
		break;
	case 165:
		/*
		 * PA-SUPPORTED-ENCTYPES (MS-KILE 2.2.8): the 32-bit mask of
		 * 2.2.7 as 4 bytes little-endian (what Windows sends and
		 * Wireshark reads), not a DER INTEGER.
		 */
		if (!cut && len == 4) {
			pa->has |= KRB_PA_SUPP_ETYPES;
			pa->flags = cur_get_le32(&c);
		}
		break;
	case 167:	/* PA-PAC-OPTIONS (MS-KILE 2.2.10) */
		if (pa_one_field(&sub, &c, 0, &f) == 0 &&
		    kd_bits(&sub, &f, &u) == 0) {
			pa->has |= KRB_PA_PAC_OPTIONS;
			pa->flags = u;
		}
		break;
	default:
		break;
	}
}

/* Message-level facts from the PA-DATA of a KDC-REQ / KDC-REP. */
static void
msg_pa_flags(struct krb_msg *m)
{
	int i;

	for (i = 0; i < m->n_padata; i++) {
		switch (m->padata[i].type) {
		case 136:	/* PA-FX-FAST */
			m->armored = 1;
			break;
		case 14:	/* PA-PK-AS-REQ_OLD */
		case 15:	/* PA-PK-AS-REP_OLD */
		case 16:	/* PA-PK-AS-REQ */
		case 17:	/* PA-PK-AS-REP */
			m->pkinit = 1;
			break;
		default:
			break;
		}
	}
}

/*
 * additional-tickets [11]: counted as any TLVs (as before); the first
 * KRB_MAX_ADD_TICKETS decoded best effort into m->add_tickets.
 */
static int
kd_add_tickets(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct der_tlv t;
	struct cur list, one;
	struct kd sub;
	const uint8_t *start;
	int rc;

	m->n_additional_tickets = 0;
	if ((rc = kd_seq(kd, v, &list)) != 0)
		return rc;
	while (cur_left(&list) > 0) {
		start = list.p;
		if ((rc = kd_read(kd, &list, &t, NULL)) != 0)
			return rc;
		m->n_additional_tickets++;
		if (m->n_add_tickets >= KRB_MAX_ADD_TICKETS)
			continue;
		kd_sub(&sub, m, kd->cut);
		cur_init(&one, start, t.hdr_len + t.val.len);
		(void)kd_ticket(&sub, &one,
		    &m->add_tickets[m->n_add_tickets]);
		if (m->add_tickets[m->n_add_tickets].present)
			m->n_add_tickets++;
	}
	return 0;
}

static int
kd_etypes(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct cur list;
	int64_t et;
	int rc;

	m->n_etypes = 0;
	if ((rc = kd_seq(kd, v, &list)) != 0)
		return rc;
	while (cur_left(&list) > 0) {
		if ((rc = der_get_int(&list, &et)) != 0)
			return rc;
		if (et < INT32_MIN || et > INT32_MAX)
			return E_INVALID;
		if (m->n_etypes < KRB_MAX_ETYPES)
			m->etypes[m->n_etypes++] = (int32_t)et;
	}
	return 0;
}

/* KDC-REQ-BODY (RFC 4120 5.4.1). */
static int
kd_req_body(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			if ((rc = kd_bits(kd, &f, &m->kdc_options)) == 0)
				m->has_kdc_options = 1;
			break;
		case 1:
			rc = kd_principal(kd, &f, m->cname, sizeof(m->cname),
			    &m->cname_type);
			m->has_cname = 1;
			break;
		case 2:
			rc = kd_string(kd, &f, m->realm, sizeof(m->realm));
			break;
		case 3:
			rc = kd_principal(kd, &f, m->sname, sizeof(m->sname),
			    &m->sname_type);
			m->has_sname = 1;
			break;
		case 4:
			if ((rc = kd_time(kd, &f, &m->from)) == 0)
				m->has_from = 1;
			break;
		case 5:
			if ((rc = kd_time(kd, &f, &m->till)) == 0)
				m->has_till = 1;
			break;
		case 6:
			if ((rc = kd_time(kd, &f, &m->rtime)) == 0)
				m->has_rtime = 1;
			break;
		case 7:
			if ((rc = kd_u32(kd, &f, &m->nonce)) == 0)
				m->has_nonce = 1;
			break;
		case 8:
			rc = kd_etypes(kd, &f);
			break;
		case 9:
			rc = kd_addresses(kd, &f);
			break;
		case 11:
			rc = kd_add_tickets(kd, &f);
			break;
		default:	/* [10] enc-authorization-data, unknown */
			break;
		}
		if (rc != 0)
			return rc;
	}
	/* till is required by RFC 4120 but omitted by PacketCable */
	kd_need(kd, seen, fbit(0) | fbit(2) | fbit(7) | fbit(8));
	return 0;
}

/* AS-REQ / TGS-REQ: KDC-REQ (RFC 4120 5.4.1). */
static int
kd_kdc_req(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 1:
			rc = kd_i32(kd, &f, &m->pvno);
			break;
		case 2:
			rc = kd_msg_type(kd, &f, m->msg_type);
			break;
		case 3:
			rc = kd_padata(kd, &f, m->padata, &m->n_padata,
			    m->msg_type == KRB_TGS_REQ);
			break;
		case 4:
			rc = kd_req_body(kd, &f);
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(1) | fbit(2) | fbit(4));
	return 0;
}

/* AS-REP / TGS-REP: KDC-REP (RFC 4120 5.4.2). */
static int
kd_kdc_rep(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	struct enc e;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			rc = kd_i32(kd, &f, &m->pvno);
			break;
		case 1:
			rc = kd_msg_type(kd, &f, m->msg_type);
			break;
		case 2:
			rc = kd_padata(kd, &f, m->padata, &m->n_padata, 0);
			break;
		case 3:
			rc = kd_string(kd, &f, m->crealm, sizeof(m->crealm));
			break;
		case 4:
			rc = kd_principal(kd, &f, m->cname, sizeof(m->cname),
			    &m->cname_type);
			m->has_cname = 1;
			break;
		case 5:
			if ((rc = kd_ticket(kd, &f, &m->ticket)) == 0)
				kd_end(kd, &f);
			break;
		case 6:
			rc = kd_enc(kd, &f, &e);
			msg_set_enc(m, &e);
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1) | fbit(3) | fbit(4) | fbit(5) |
	    fbit(6));
	return 0;
}

/*
 * AP-REQ (RFC 4120 5.5.1). Embedded (the PA-TGS-REQ of a TGS-REQ): only
 * the ticket is kept, in m->ticket.
 */
static int
kd_ap_req(struct kd *kd, struct cur *v, int embedded)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	struct enc e;
	uint32_t tag, opts;
	unsigned seen;
	int32_t pvno;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			if ((rc = kd_i32(kd, &f, &pvno)) == 0 && !embedded)
				m->pvno = pvno;
			break;
		case 1:
			rc = kd_msg_type(kd, &f, KRB_AP_REQ);
			break;
		case 2:
			if ((rc = kd_bits(kd, &f, &opts)) == 0 && !embedded) {
				m->has_ap_options = 1;
				m->ap_options = opts;
			} else if (rc == 0 && kd->pa != NULL) {
				kd->pa->has |= KRB_PA_AP_OPTIONS;
				kd->pa->ap_options = opts;
			}
			break;
		case 3:
			if ((rc = kd_ticket(kd, &f, &m->ticket)) == 0)
				kd_end(kd, &f);
			break;
		case 4:
			rc = kd_enc(kd, &f, &e);
			if (!embedded)
				msg_set_enc(m, &e);
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1) | fbit(2) | fbit(3) | fbit(4));
	return 0;
}

static void
msg_set_enc(struct krb_msg *m, const struct enc *e)
{
	m->has_enc_part = e->has_etype;
	m->enc_etype = e->etype;
	m->has_enc_kvno = e->has_kvno;
	m->enc_kvno = e->kvno;
}

/*
 * The messages made of pvno [0], msg-type [1] and an enc-part at [enc_tag]
 * (-1: none reported): AP-REP (RFC 4120 5.5.2, enc-part [2]), KRB-SAFE
 * (5.6.1: safe-body and cksum not reported), KRB-PRIV (5.7.1, [3]).
 */
static int
kd_simple(struct kd *kd, struct cur *v, int enc_tag, unsigned required)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	struct enc e;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		if (tag == 0)
			rc = kd_i32(kd, &f, &m->pvno);
		else if (tag == 1)
			rc = kd_msg_type(kd, &f, m->msg_type);
		else if (enc_tag >= 0 && tag == (uint32_t)enc_tag) {
			rc = kd_enc(kd, &f, &e);
			msg_set_enc(m, &e);
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, required);
	return 0;
}

/* KRB-CRED (RFC 4120 5.8.1): the first ticket goes into m->ticket. */
static int
kd_cred(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct krb_ticket other;
	struct cur seq, f, list;
	struct enc e;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			rc = kd_i32(kd, &f, &m->pvno);
			break;
		case 1:
			rc = kd_msg_type(kd, &f, m->msg_type);
			break;
		case 2:
			if ((rc = kd_seq(kd, &f, &list)) != 0)
				break;
			while (rc == 0 && cur_left(&list) > 0)
				rc = kd_ticket(kd, &list, m->ticket.present ?
				    &other : &m->ticket);
			break;
		case 3:
			rc = kd_enc(kd, &f, &e);
			msg_set_enc(m, &e);
			break;
		default:
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1) | fbit(2) | fbit(3));
	return 0;
}

/*
 * KRB-ERROR e-data [12]: an OCTET STRING. Some encoders put the
 * METHOD-DATA SEQUENCE there without the OCTET STRING: reported, and
 * marked invalid.
 */
static int
kd_e_data(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct der_tlv t;
	const uint8_t *start;
	size_t claimed, total;
	int rc;

	start = v->p;
	if ((rc = kd_read(kd, v, &t, &claimed)) != 0)
		return rc;
	if (t.cls != DER_UNIVERSAL)
		return E_INVALID;
	if (t.tag == DER_TAG_OCTET_STRING && !t.constructed) {
		m->has_e_data = 1;
		m->e_data_len = claimed > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)claimed;
		kd_end(kd, v);
		if (claimed == t.val.len)
			kd_e_data_kind(kd, t.val.p, t.val.len);
		return 0;
	}
	if (t.tag == DER_TAG_SEQUENCE && t.constructed) {
		kd_soft(kd, E_INVALID);
		total = t.hdr_len + claimed;
		m->has_e_data = 1;
		m->e_data_len = total > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)total;
		kd_end(kd, v);
		if (claimed == t.val.len)
			kd_e_data_kind(kd, start, t.hdr_len + t.val.len);
		return 0;
	}
	return E_INVALID;
}

/*
 * What a whole e-data holds: METHOD-DATA (its PA-DATA fill m->padata),
 * TYPED-DATA (SEQUENCE OF SEQUENCE { data-type [0], data-value [1] }) or
 * MS-KILE KERB-ERROR-DATA (SEQUENCE { data-type [1], data-value [2] });
 * for data-type 3 (KERB_ERR_TYPE_EXTENDED) the value is a KERB-EXT-ERROR
 * whose first 4 bytes are the NTSTATUS, little-endian.
 */
static void
kd_e_data_kind(struct kd *kd, const uint8_t *p, size_t len)
{
	struct krb_msg *m = kd->m;
	struct kd sub;
	struct der_tlv t;
	struct cur c, seq, ent, f, val;
	const uint8_t *dv;
	size_t dvlen;
	uint32_t tag;
	int32_t dt, types[KRB_MAX_TYPED_DATA];
	int rc, n;

	m->e_data_kind = KRB_EDATA_UNKNOWN;
	if (kd_method_data(kd, p, len)) {
		m->e_data_kind = KRB_EDATA_METHOD;
		return;
	}
	kd_sub(&sub, m, 0);
	cur_init(&c, p, len);
	if (kd_seq(&sub, &c, &seq) != 0 || cur_left(&seq) == 0)
		return;
	if (cur_peek_u8(&seq, 0) == (DER_CONTEXT | 0x20 | 1)) {
		/* KERB-ERROR-DATA */
		dv = NULL;
		dvlen = 0;
		rc = 0;
		while (rc == 0 && cur_left(&seq) > 0) {
			if ((rc = kd_field(&sub, &seq, &tag, &f)) != 0)
				break;
			if (tag == 1 && (rc = kd_i32(&sub, &f, &dt)) == 0) {
				m->has_e_data_type = 1;
				m->e_data_type = dt;
			} else if (tag == 2)
				rc = der_get_octets(&f, &dv, &dvlen);
		}
		if (!m->has_e_data_type)
			return;
		m->e_data_kind = KRB_EDATA_KERB_ERROR;
		if (m->e_data_type == 3 && dv != NULL && dvlen >= 4) {
			cur_init(&val, dv, dvlen);
			m->ntstatus = cur_get_le32(&val);
			m->has_ntstatus = 1;
		}
		return;
	}
	/* TYPED-DATA: taken only when every entry reads */
	n = 0;
	while (cur_left(&seq) > 0) {
		if (kd_seq_next(&sub, &seq, &ent) != 0)
			return;
		if (kd_read(&sub, &ent, &t, NULL) != 0 ||
		    t.cls != DER_CONTEXT || t.tag != 0 || !t.constructed ||
		    kd_i32(&sub, &t.val, &dt) != 0)
			return;
		if (n < KRB_MAX_TYPED_DATA)
			types[n] = dt;
		n++;
	}
	if (sub.soft != 0)
		return;
	m->e_data_kind = KRB_EDATA_TYPED;
	m->n_typed_data = n;
	memcpy(m->typed_data, types, (size_t)(n < KRB_MAX_TYPED_DATA ? n :
	    KRB_MAX_TYPED_DATA) * sizeof(types[0]));
}

/* KRB-ERROR (RFC 4120 5.9.1). */
static int
kd_error(struct kd *kd, struct cur *v)
{
	struct krb_msg *m = kd->m;
	struct cur seq, f;
	uint32_t tag;
	unsigned seen;
	int rc;

	seen = 0;
	if ((rc = kd_seq(kd, v, &seq)) != 0)
		return rc;
	while (cur_left(&seq) > 0) {
		if ((rc = kd_field(kd, &seq, &tag, &f)) != 0)
			return rc;
		seen |= fbit(tag);
		switch (tag) {
		case 0:
			rc = kd_i32(kd, &f, &m->pvno);
			break;
		case 1:
			rc = kd_msg_type(kd, &f, m->msg_type);
			break;
		case 2:
			if ((rc = kd_time(kd, &f, &m->ctime)) == 0)
				m->has_ctime = 1;
			break;
		case 3:
			if ((rc = kd_i32(kd, &f, &m->cusec)) == 0)
				m->has_cusec = 1;
			break;
		case 4:
			if ((rc = kd_time(kd, &f, &m->stime)) == 0)
				m->has_stime = 1;
			break;
		case 5:
			if ((rc = kd_i32(kd, &f, &m->susec)) == 0)
				m->has_susec = 1;
			break;
		case 6:
			if ((rc = kd_i32(kd, &f, &m->error_code)) == 0)
				m->has_error = 1;
			break;
		case 7:
			rc = kd_string(kd, &f, m->crealm, sizeof(m->crealm));
			break;
		case 8:
			rc = kd_principal(kd, &f, m->cname, sizeof(m->cname),
			    &m->cname_type);
			m->has_cname = 1;
			break;
		case 9:
			rc = kd_string(kd, &f, m->realm, sizeof(m->realm));
			break;
		case 10:
			rc = kd_principal(kd, &f, m->sname, sizeof(m->sname),
			    &m->sname_type);
			m->has_sname = 1;
			break;
		case 11:
			if ((rc = kd_string(kd, &f, m->e_text,
			    sizeof(m->e_text))) == 0)
				m->has_e_text = 1;
			break;
		case 12:
			rc = kd_e_data(kd, &f);
			break;
		default:	/* [13] e-checksum (PacketCable), unknown */
			break;
		}
		if (rc != 0)
			return rc;
	}
	kd_need(kd, seen, fbit(0) | fbit(1) | fbit(4) | fbit(5) | fbit(6) |
	    fbit(9) | fbit(10));
	return 0;
}

static int
kd_message(struct kd *kd, struct cur *c)
{
	struct der_tlv app;
	size_t claimed;
	int rc;

	if ((rc = der_read_partial(c, &app, &claimed)) != 0) {
		if (rc == E_TRUNC)
			kd->cut = 1;	/* not even the header */
		return rc;
	}
	kd->cut = claimed > app.val.len;
	if (app.cls != DER_APPLICATION || !app.constructed)
		return E_INVALID;
	if (cur_left(c) > 0)
		kd_soft(kd, E_INVALID);	/* bytes after the message */
	switch (app.tag) {
	case KRB_AS_REQ:
	case KRB_TGS_REQ:
		kd->m->msg_type = (int)app.tag;
		return kd_kdc_req(kd, &app.val);
	case KRB_AS_REP:
	case KRB_TGS_REP:
		kd->m->msg_type = (int)app.tag;
		return kd_kdc_rep(kd, &app.val);
	case KRB_AP_REQ:
		kd->m->msg_type = (int)app.tag;
		return kd_ap_req(kd, &app.val, 0);
	case KRB_AP_REP:
		kd->m->msg_type = (int)app.tag;
		return kd_simple(kd, &app.val, 2, fbit(0) | fbit(1) | fbit(2));
	case KRB_SAFE:
		kd->m->msg_type = (int)app.tag;
		return kd_simple(kd, &app.val, -1,
		    fbit(0) | fbit(1) | fbit(2) | fbit(3));
	case KRB_PRIV:
		kd->m->msg_type = (int)app.tag;
		return kd_simple(kd, &app.val, 3, fbit(0) | fbit(1) | fbit(3));
	case KRB_CRED:
		kd->m->msg_type = (int)app.tag;
		return kd_cred(kd, &app.val);
	case KRB_ERROR:
		kd->m->msg_type = (int)app.tag;
		return kd_error(kd, &app.val);
	default:
		return E_INVALID;
	}
}

/* The mechanism OIDs' contents (without tag and length). */
static const uint8_t oid_krb5[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_ms_krb5[] = { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12,
    0x01, 0x02, 0x02 };
static const uint8_t oid_u2u[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12,
    0x01, 0x02, 0x02, 0x03 };

int
krb_decode_gss(const uint8_t *p, size_t len, struct krb_msg *out)
{
	struct der_tlv tok, oid;
	struct cur c;
	const uint8_t *o;
	uint16_t tok_id;
	int mech, rc;

	memset(out, 0, offsetof(struct krb_msg, etype_info));
	cur_init(&c, p, len);
	/* [APPLICATION 0] IMPLICIT SEQUENCE { thisMech, innerToken } */
	if (der_read(&c, &tok) != 0 || tok.cls != DER_APPLICATION ||
	    tok.tag != 0 || !tok.constructed)
		return E_UNSUPP;
	if (der_read(&tok.val, &oid) != 0 || oid.cls != DER_UNIVERSAL ||
	    oid.tag != DER_TAG_OID)
		return E_UNSUPP;
	o = oid.val.p;
	if (oid.val.len == sizeof(oid_krb5) &&
	    memcmp(o, oid_krb5, sizeof(oid_krb5)) == 0)
		mech = KRB_GSS_KRB5;
	else if (oid.val.len == sizeof(oid_ms_krb5) &&
	    memcmp(o, oid_ms_krb5, sizeof(oid_ms_krb5)) == 0)
		mech = KRB_GSS_MS_KRB5;
	else if (oid.val.len == sizeof(oid_u2u) &&
	    memcmp(o, oid_u2u, sizeof(oid_u2u)) == 0)
		mech = KRB_GSS_U2U;
	else
		return E_UNSUPP;
	tok_id = cur_get_be16(&tok.val);
	if (tok.val.err != 0)
		return E_UNSUPP;
	/* the message: what is left of the token */
	rc = krb_decode(tok.val.p, tok.val.len, out);
	out->gss_mech = mech;
	out->gss_tok_id = tok_id;
	return rc;
}

const char *
krb_gss_mech_name(int mech)
{
	switch (mech) {
	case KRB_GSS_KRB5:
		return "krb5";
	case KRB_GSS_MS_KRB5:
		return "ms-krb5";
	case KRB_GSS_U2U:
		return "krb5-u2u";
	default:
		return NULL;
	}
}

/* RFC 4121 4.1 and RFC 4120 section 4 (user to user: TGT-REQ/REP) */
const char *
krb_gss_tok_name(uint16_t tok_id)
{
	switch (tok_id) {
	case 0x0100:
		return "AP-REQ";
	case 0x0200:
		return "AP-REP";
	case 0x0300:
		return "KRB-ERROR";
	case 0x0400:
		return "TGT-REQ";
	case 0x0401:
		return "TGT-REP";
	default:
		return NULL;
	}
}

int
krb_decode(const uint8_t *p, size_t len, struct krb_msg *out)
{
	struct kd kd;
	struct cur c;
	int rc, soft;

	/* the big arrays at the end are defined only up to their counts */
	memset(out, 0, offsetof(struct krb_msg, etype_info));
	out->raw = p;
	out->raw_len = len;
	kd_sub(&kd, out, 0);
	cur_init(&c, p, len);
	rc = kd_message(&kd, &c);
	if (out->msg_type != KRB_ERROR)
		msg_pa_flags(out);
	else if (out->has_stime && out->has_ctime) {
		out->has_clock_offset = 1;
		out->clock_offset = out->stime - out->ctime;
	}
	rc = classify(rc, kd.cut);
	soft = classify(kd.soft, kd.cut);
	/* a contradiction outweighs running out of bytes */
	if (soft == E_INVALID)
		rc = E_INVALID;
	if (rc == 0 && (kd.cut || soft == E_TRUNC))
		rc = E_TRUNC;
	out->status = rc == 0 ? KRB_OK :
	    rc == E_TRUNC ? KRB_TRUNCATED : KRB_INVALID;
	/* e-data of no known layout is worth saying only in a sound message */
	if (out->status != KRB_OK && out->e_data_kind == KRB_EDATA_UNKNOWN)
		out->e_data_kind = KRB_EDATA_NONE;
	return rc;
}

/* APPLICATION, constructed, low tag number of a Kerberos message. */
static int
is_msg_ident(uint8_t b)
{
	switch (b) {
	case 0x60 | KRB_AS_REQ:
	case 0x60 | KRB_AS_REP:
	case 0x60 | KRB_TGS_REQ:
	case 0x60 | KRB_TGS_REP:
	case 0x60 | KRB_AP_REQ:
	case 0x60 | KRB_AP_REP:
	case 0x60 | KRB_SAFE:
	case 0x60 | KRB_PRIV:
	case 0x60 | KRB_CRED:
	case 0x60 | KRB_ERROR:
		return 1;
	default:
		return 0;
	}
}

int
krb_probe(const uint8_t *p, size_t len, int partial)
{
	struct der_tlv app, seq;
	struct cur c;
	size_t claimed, inner, total;
	int rc;

	cur_init(&c, p, len);
	if (cur_left(&c) < 2 || !is_msg_ident(cur_peek_u8(&c, 0)))
		return 0;
	if (der_read_partial(&c, &app, &claimed) != 0)
		return 0;
	total = app.hdr_len + claimed;
	if (partial ? total < len : total != len)
		return 0;
	if (cur_left(&app.val) == 0 ||
	    cur_peek_u8(&app.val, 0) != (0x20 | DER_TAG_SEQUENCE))
		return 0;
	rc = der_read_partial(&app.val, &seq, &inner);
	if (rc == E_TRUNC)		/* inner length octets not here yet */
		return partial && app.val.len < claimed;
	if (rc != 0)
		return 0;
	return seq.hdr_len + inner == claimed;
}

void
krb_ticket_id(const uint8_t *p, size_t len, uint8_t id_out[KRB_ID_LEN])
{
	hash128(p, len, KRB_ID_SEED, id_out);
}
