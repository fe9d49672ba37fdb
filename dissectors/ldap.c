/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * ldap.c - LDAP binds as a carrier of Kerberos, SPNEGO and NTLMSSP
 * tokens (RFC 4511 section 4.2, RFC 4513 section 5.2, RFC 4752 for the
 * SASL GSSAPI security layer, MS-ADTS 5.1.1.1.3 for "sicily" NTLM binds).
 * Only BindRequest and BindResponse are decoded; every other LDAPMessage
 * is skipped by its outer BER length without being buffered. LDAP BER
 * is not DER: long-form lengths with leading zero octets (0x84 ...) are
 * common and accepted. Once a bind that may set up a security layer
 * succeeded, a direction whose next bytes are not an LDAPMessage but a
 * 4-byte length is taken as SASL buffers and skipped buffer by buffer.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define LDAP_PEEK	24	/* bytes that reach protocolOp's header */
#define LDAP_SASL_MAX	(16 * 1024 * 1024)	/* SASL buffer cap */
#define LDAP_MSG_CAP	(256 * 1024)	/* bind cap, no engine */

/* ldap_dir.mode */
#define LM_MSG		0	/* at an LDAPMessage */
#define LM_SKIP		1	/* skipping left bytes, then next */
#define LM_SASL		2	/* at a SASL buffer's length */
#define LM_RESYNC	3	/* looking for an LDAPMessage */
#define LM_DONE		4	/* the rest is not LDAP (TLS) */

/* ldap_state.bind: what the last BindRequest asked for */
#define LB_NONE		0
#define LB_SIMPLE	1
#define LB_LAYER	2	/* GSSAPI, GSS-SPNEGO, NTLM, sicily: may
				 * set up signing and sealing */
#define LB_OTHER	3

struct ldap_dir {
	int		 mode;
	int		 next;		/* mode after LM_SKIP */
	uint64_t	 left;
	int		 armed;		/* SASL buffers may follow */
	int		 counted;	/* this resync already counted */
};

struct ldap_state {
	struct ldap_dir	 dir[2];
	int		 bind;		/* LB_* */
};

struct ldap_code {
	int		 code;
	const char	*name;
};

/* LDAPResult resultCode (RFC 4511 section 4.1.9, appendix A) */
static const struct ldap_code ldap_results[] = {
	{ 0, "success" }, { 1, "operationsError" }, { 2, "protocolError" },
	{ 3, "timeLimitExceeded" }, { 4, "sizeLimitExceeded" },
	{ 5, "compareFalse" }, { 6, "compareTrue" },
	{ 7, "authMethodNotSupported" }, { 8, "strongerAuthRequired" },
	{ 10, "referral" }, { 11, "adminLimitExceeded" },
	{ 12, "unavailableCriticalExtension" },
	{ 13, "confidentialityRequired" }, { 14, "saslBindInProgress" },
	{ 16, "noSuchAttribute" }, { 17, "undefinedAttributeType" },
	{ 18, "inappropriateMatching" }, { 19, "constraintViolation" },
	{ 20, "attributeOrValueExists" }, { 21, "invalidAttributeSyntax" },
	{ 32, "noSuchObject" }, { 33, "aliasProblem" },
	{ 34, "invalidDNSyntax" }, { 36, "aliasDereferencingProblem" },
	{ 48, "inappropriateAuthentication" }, { 49, "invalidCredentials" },
	{ 50, "insufficientAccessRights" }, { 51, "busy" },
	{ 52, "unavailable" }, { 53, "unwillingToPerform" },
	{ 54, "loopDetect" }, { 64, "namingViolation" },
	{ 65, "objectClassViolation" }, { 66, "notAllowedOnNonLeaf" },
	{ 67, "notAllowedOnRDN" }, { 68, "entryAlreadyExists" },
	{ 69, "objectClassModsProhibited" }, { 71, "affectsMultipleDSAs" },
	{ 80, "other" }, { 0, NULL }
};

static const char	*result_name(int64_t);
static int	ber_read(struct cur *, uint8_t *, struct cur *);
static int	ber_hdr(const uint8_t *, size_t, uint8_t *, size_t *,
		    uint64_t *);
static uint32_t	ber_uint(struct cur *);
static int	msg_start(const uint8_t *, size_t, uint32_t *, uint8_t *,
		    uint64_t *);
static int	layer_mech(const uint8_t *, size_t);
static int	is_ntlmssp(const struct cur *);
static void	bind_request(struct ldap_state *, struct dis_ctx *,
		    uint32_t, struct cur *);
static void	bind_response(struct ldap_state *, struct dis_ctx *,
		    uint32_t, struct cur *);
static void	decode(struct ldap_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static size_t	msg_limit(const struct engine *);
static void	enter_resync(struct ldap_dir *);
static int	resync_scan(struct ldap_dir *, struct engine *,
		    const uint8_t *, size_t, size_t *);
static int	ldap_probe(const uint8_t *, size_t, int);
static int	ldap_may_start(uint8_t, int);
static int	ldap_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	ldap_gap(void *, int);
static void	*ldap_state_new(void);
static void	ldap_state_free(void *);

const struct dissector dis_ldap = {
	.name		= "ldap",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 389, 3268, 0 },
	.probe		= ldap_probe,
	.may_start	= ldap_may_start,
	.feed		= ldap_feed,
	.gap		= ldap_gap,
	.state_new	= ldap_state_new,
	.state_free	= ldap_state_free,
};

static const char *
result_name(int64_t code)
{
	const struct ldap_code *r;

	for (r = ldap_results; r->name != NULL; r++)
		if (r->code == code)
			return r->name;
	return NULL;
}

/*
 * One BER TLV with a one-octet identifier and a definite length (short
 * form, or long form of up to 4 octets, leading zeros allowed: X.690
 * 8.1.3.5 BER). Hands back the contents in val; 0 or E_*.
 */
static int
ber_read(struct cur *c, uint8_t *tag, struct cur *val)
{
	uint32_t n;
	uint8_t b;
	int k;

	cur_init(val, NULL, 0);
	*tag = cur_get_u8(c);
	b = cur_get_u8(c);
	if (c->err != 0)
		return c->err;
	if ((*tag & 0x1f) == 0x1f || b == 0x80 || b > 0x84) {
		cur_fail(c, E_INVALID);
		return c->err;
	}
	n = b;
	if (b & 0x80)
		for (n = 0, k = b & 0x7f; k > 0; k--)
			n = n << 8 | cur_get_u8(c);
	if (c->err != 0)
		return c->err;
	return cur_sub(c, n, val);
}

/*
 * The identifier and length octets at p: 1 read (*hlen_out, *clen_out),
 * 0 too few bytes, -1 malformed.
 */
static int
ber_hdr(const uint8_t *p, size_t n, uint8_t *tag_out, size_t *hlen_out,
    uint64_t *clen_out)
{
	struct cur c;
	uint64_t v;
	uint8_t b;
	int k;

	cur_init(&c, p, n);
	*tag_out = cur_get_u8(&c);
	b = cur_get_u8(&c);
	if (c.err != 0)
		return 0;
	if ((*tag_out & 0x1f) == 0x1f || b == 0x80 || b > 0x84)
		return -1;
	v = b;
	if (b & 0x80)
		for (v = 0, k = b & 0x7f; k > 0; k--)
			v = v << 8 | cur_get_u8(&c);
	if (c.err != 0)
		return 0;
	*hlen_out = n - cur_left(&c);
	*clen_out = v;
	return 1;
}

/* Contents of an INTEGER (up to 4 significant octets) as unsigned. */
static uint32_t
ber_uint(struct cur *v)
{
	uint32_t x;

	if (cur_left(v) == 0 || cur_left(v) > 5) {
		cur_fail(v, E_INVALID);
		return 0;
	}
	x = 0;
	while (cur_left(v) > 0)
		x = x << 8 | cur_get_u8(v);
	return x;
}

/*
 * The start of an LDAPMessage: SEQUENCE, messageID, protocolOp tag.
 * 1 read (*total_out: the whole message), 0 too few bytes, -1 not LDAP.
 */
static int
msg_start(const uint8_t *p, size_t n, uint32_t *id_out, uint8_t *op_out,
    uint64_t *total_out)
{
	struct cur c, v;
	uint64_t clen, ilen;
	size_t hlen, ihlen;
	uint8_t tag;
	int r;

	cur_init(&c, p, n);
	if (n > 0 && cur_peek_u8(&c, 0) != 0x30)
		return -1;
	if ((r = ber_hdr(p, n, &tag, &hlen, &clen)) <= 0)
		return r;
	if ((r = ber_hdr(p + hlen, n - hlen, &tag, &ihlen, &ilen)) <= 0)
		return r;
	if (tag != 0x02 || ilen == 0 || ilen > 5 ||
	    hlen + ihlen + ilen >= hlen + clen)
		return -1;
	if (n < hlen + ihlen + ilen + 2)
		return 0;
	cur_init(&v, p + hlen + ihlen, (size_t)ilen);
	*id_out = ber_uint(&v);
	cur_init(&c, p + hlen + ihlen + ilen, n - hlen - ihlen - ilen);
	*op_out = cur_get_u8(&c);
	/* protocolOp: [APPLICATION n] */
	if ((*op_out & 0xc0) != 0x40 || (*op_out & 0x1f) == 0x1f)
		return -1;
	*total_out = hlen + clen;
	return 1;
}

/* An LDAPMessage SEQUENCE. */
static int
ldap_may_start(uint8_t b, int transport)
{
	return transport == TRANSPORT_TCP && b == 0x30;
}

static int
ldap_probe(const uint8_t *p, size_t len, int transport)
{
	struct cur c;
	uint64_t total;
	uint32_t id;
	uint8_t op;

	if (transport != TRANSPORT_TCP || len < 9)
		return 0;
	cur_init(&c, p, len);
	if (cur_peek_u8(&c, 0) != 0x30)
		return 0;
	if (msg_start(p, len, &id, &op, &total) != 1)
		return 0;
	return op == 0x60 || op == 0x61;
}

/* SASL mechanisms whose binds may set up a security layer. */
static int
layer_mech(const uint8_t *p, size_t n)
{
	static const char *const mechs[] = {
		"GSSAPI", "GSS-SPNEGO", "GSS-SPNEGO/NTLM", "NTLM", NULL
	};
	int i;

	for (i = 0; mechs[i] != NULL; i++)
		if (strlen(mechs[i]) == n && memcmp(p, mechs[i], n) == 0)
			return 1;
	return 0;
}

static int
is_ntlmssp(const struct cur *v)
{
	return cur_left(v) >= 8 && memcmp(v->p, "NTLMSSP", 8) == 0;
}

/*
 * BindRequest ::= [APPLICATION 0] SEQUENCE { version INTEGER, name
 * LDAPDN, authentication AuthenticationChoice }. The simple password is
 * never read.
 */
static void
bind_request(struct ldap_state *st, struct dis_ctx *ctx, uint32_t id,
    struct cur *op)
{
	struct auth_rec a;
	struct cur ver, name, auth, mech, creds;
	uint8_t tag, atag;
	int has_creds, give;

	cur_init(&mech, NULL, 0);
	cur_init(&creds, NULL, 0);
	has_creds = give = 0;
	if (ber_read(op, &tag, &ver) != 0 || tag != 0x02 ||
	    ber_read(op, &tag, &name) != 0 || tag != 0x04 ||
	    ber_read(op, &atag, &auth) != 0)
		return;
	st->bind = LB_OTHER;
	switch (atag) {
	case 0x80:		/* simple */
		st->bind = LB_SIMPLE;
		break;
	case 0xa3:		/* sasl SaslCredentials */
		if (ber_read(&auth, &tag, &mech) != 0 || tag != 0x04)
			return;
		if (cur_left(&auth) > 0 && ber_read(&auth, &tag, &creds) == 0 &&
		    tag == 0x04)
			has_creds = 1;
		if (layer_mech(mech.p, cur_left(&mech))) {
			st->bind = LB_LAYER;
			give = has_creds;
		}
		if (has_creds && is_ntlmssp(&creds)) {
			st->bind = LB_LAYER;
			give = 1;
		}
		break;
	case 0x89:		/* sicilyPackageDiscovery */
	case 0x8a:		/* sicilyNegotiate */
	case 0x8b:		/* sicilyResponse */
		st->bind = LB_LAYER;
		creds = auth;
		has_creds = give = atag != 0x89;
		break;
	default:
		break;
	}
	if (give && cur_left(&creds) > 0)
		(void)sec_token(ctx, "ldap", creds.p, cur_left(&creds), 0);
	auth_init(&a, "bind", AUTH_NONE);
	auth_add_int(&a, "message_id", id);
	auth_add_bytes(&a, "name", name.p, cur_left(&name));
	if (atag == 0x80)
		auth_add_str(&a, "mechanism", "simple");
	else if (atag == 0xa3)
		auth_add_bytes(&a, "mechanism", mech.p, cur_left(&mech));
	else if (atag >= 0x89 && atag <= 0x8b)
		auth_add_str(&a, "mechanism", "sicily");
	engine_emit_auth(ctx, "ldap", &a);
}

/*
 * BindResponse ::= [APPLICATION 1] SEQUENCE { COMPONENTS OF LDAPResult,
 * serverSaslCreds [7] OCTET STRING OPTIONAL }. A sicily server puts its
 * NTLM CHALLENGE in matchedDN.
 */
static void
bind_response(struct ldap_state *st, struct dis_ctx *ctx, uint32_t id,
    struct cur *op)
{
	struct auth_rec a;
	struct cur code, dn, diag, v;
	const char *name;
	uint32_t rc;
	uint8_t tag;
	int outcome, saslcreds;

	saslcreds = 0;
	if (ber_read(op, &tag, &code) != 0 || tag != 0x0a ||
	    ber_read(op, &tag, &dn) != 0 || tag != 0x04 ||
	    ber_read(op, &tag, &diag) != 0 || tag != 0x04)
		return;
	rc = ber_uint(&code);
	if (code.err != 0)
		return;
	if (is_ntlmssp(&dn))
		(void)sec_token(ctx, "ldap", dn.p, cur_left(&dn), 0);
	while (cur_left(op) > 0 && ber_read(op, &tag, &v) == 0) {
		if (tag == 0x87 && cur_left(&v) > 0) {
			saslcreds = 1;
			(void)sec_token(ctx, "ldap", v.p, cur_left(&v), 0);
		}
	}
	outcome = rc == 0 ? AUTH_OK : rc == 14 ? AUTH_CONTINUE : AUTH_FAIL;
	auth_init(&a, "bind_result", outcome);
	auth_add_int(&a, "message_id", id);
	auth_add_int(&a, "result_code", rc);
	if ((name = result_name(rc)) != NULL)
		auth_add_str(&a, "result", name);
	if (cur_left(&diag) > 0)
		auth_add_bytes(&a, "diagnostic", diag.p, cur_left(&diag));
	engine_emit_auth(ctx, "ldap", &a);
	if (rc == 0 && (st->bind == LB_LAYER || (st->bind == LB_NONE &&
	    saslcreds))) {
		st->dir[0].armed = 1;
		st->dir[1].armed = 1;
	}
	if (rc != 14)
		st->bind = LB_NONE;
}

/* One whole BindRequest or BindResponse message. */
static void
decode(struct ldap_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t n)
{
	struct cur c, msg, id, op;
	uint32_t msgid;
	uint8_t tag;

	cur_init(&c, p, n);
	if (ber_read(&c, &tag, &msg) != 0 || tag != 0x30 ||
	    ber_read(&msg, &tag, &id) != 0 || tag != 0x02)
		return;
	msgid = ber_uint(&id);
	if (ber_read(&msg, &tag, &op) != 0)
		return;
	if (tag == 0x60)
		bind_request(st, ctx, msgid, &op);
	else if (tag == 0x61)
		bind_response(st, ctx, msgid, &op);
}

static size_t
msg_limit(const struct engine *eng)
{
	size_t lim = LDAP_MSG_CAP;

	if (eng != NULL && eng->lim.max_msg_bytes > 0)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim;
}

static void
enter_resync(struct ldap_dir *d)
{
	d->mode = LM_RESYNC;
	d->counted = 0;
}

/*
 * Looks for the start of an LDAPMessage from *off on. 1 found (*off on
 * it), 0 needs more bytes (*off on the first byte to judge again).
 */
static int
resync_scan(struct ldap_dir *d, struct engine *eng, const uint8_t *p,
    size_t len, size_t *off)
{
	const uint8_t *q;
	uint64_t total;
	uint32_t id;
	size_t i;
	uint8_t op;
	int r, found;

	found = 0;
	i = *off;
	while (i < len) {
		q = memchr(p + i, 0x30, len - i);
		if (q == NULL) {
			i = len;
			break;
		}
		i = (size_t)(q - p);
		r = msg_start(p + i, len - i, &id, &op, &total);
		if (r > 0) {
			found = 1;
			break;
		}
		if (r == 0)
			break;
		i++;
	}
	if (i > *off && !d->counted) {
		eng->st.dis_resyncs++;
		d->counted = 1;
	}
	*off = i;
	if (found)
		d->mode = LM_MSG;
	return found;
}

static int
ldap_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct ldap_state *st = state;
	struct ldap_dir *d;
	struct cur c;
	uint64_t total;
	uint32_t id, blen;
	size_t off, k, need;
	uint8_t op, b;
	int r;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	off = 0;
	need = 0;
	while (off < len) {
		switch (d->mode) {
		case LM_DONE:
			off = len;
			break;
		case LM_SKIP:
			k = len - off;
			if ((uint64_t)k > d->left)
				k = (size_t)d->left;
			off += k;
			d->left -= k;
			if (d->left == 0)
				d->mode = d->next;
			break;
		case LM_SASL:
			cur_init(&c, p + off, len - off);
			blen = cur_get_be32(&c);
			if (c.err != 0) {
				need = off + 4;
				goto need;
			}
			if (blen == 0 || blen > LDAP_SASL_MAX) {
				ctx->eng->st.carrier_errors++;
				d->mode = LM_DONE;
				break;
			}
			off += 4;
			d->mode = LM_SKIP;
			d->left = blen;
			d->next = LM_SASL;
			break;
		case LM_RESYNC:
			if (!resync_scan(d, ctx->eng, p, len, &off)) {
				need = len + 1;
				goto need;
			}
			break;
		default:
			cur_init(&c, p + off, len - off);
			b = cur_peek_u8(&c, 0);
			if (b != 0x30) {
				if (d->armed && b == 0x00) {
					d->mode = LM_SASL;
					break;
				}
				if ((b >= 0x14 && b <= 0x17) &&
				    (cur_left(&c) < 2 ||
				    cur_peek_u8(&c, 1) == 0x03)) {
					/* TLS after StartTLS */
					ctx->eng->st.tls_skipped++;
					d->mode = LM_DONE;
					break;
				}
				enter_resync(d);
				break;
			}
			r = msg_start(p + off, len - off, &id, &op, &total);
			if (r == 0) {
				need = off + (len - off < LDAP_PEEK ?
				    len - off + 1 : LDAP_PEEK);
				goto need;
			}
			if (r < 0) {
				enter_resync(d);
				off++;
				break;
			}
			d->armed = 0;
			if ((op != 0x60 && op != 0x61) ||
			    total > msg_limit(ctx->eng)) {
				if (op == 0x60 || op == 0x61)
					ctx->eng->st.dis_oversize++;
				d->mode = LM_SKIP;
				d->left = total;
				d->next = LM_MSG;
				break;
			}
			if (len - off < total) {
				need = off + (size_t)total;
				goto need;
			}
			decode(st, ctx, p + off, (size_t)total);
			off += (size_t)total;
			break;
		}
	}
	*used_out = off;
	return FEED_OK;
need:
	*used_out = off;
	*need_out = need > len ? need : len + 1;
	return FEED_NEED;
}

static void
ldap_gap(void *state, int dir)
{
	struct ldap_state *st = state;
	struct ldap_dir *d = &st->dir[dir != 0];

	if (d->mode == LM_DONE)
		return;
	if (d->mode == LM_SASL || (d->mode == LM_SKIP &&
	    d->next == LM_SASL)) {
		/* sealed buffers: no way back in */
		d->mode = LM_DONE;
		return;
	}
	enter_resync(d);
}

static void *
ldap_state_new(void)
{
	return xcalloc(1, sizeof(struct ldap_state));
}

static void
ldap_state_free(void *state)
{
	free(state);
}
