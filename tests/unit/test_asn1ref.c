/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_asn1ref.c - the libtasn1 reference decoder (src/asn1ref.c): field
 * trees of messages built here (RFC 4120 section 5, RFC 4178), no cipher
 * bytes in them, and its check of the fast decoder (src/krb.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1ref.h"
#include "cur.h"
#include "krb.h"
#include "record.h"
#include "tap.h"

#define BB_MAX	8192

/* A DER encoding built bottom-up. */
struct bb {
	uint8_t		 b[BB_MAX];
	size_t		 n;
};

static void	bb_put(struct bb *, const void *, size_t);
static void	bb_wrap(struct bb *, uint8_t);
static void	bb_tlv(struct bb *, uint8_t, const void *, size_t);
static void	bb_ctx(struct bb *, int, const struct bb *);
static void	bb_int(struct bb *, int, long long);
static void	bb_str(struct bb *, int, const char *);
static void	bb_time(struct bb *, int, const char *);
static void	bb_oct(struct bb *, int, const uint8_t *, size_t);
static void	bb_bits(struct bb *, int, uint32_t);
static void	bb_principal(struct bb *, int, int, const char *,
		    const char *);
static void	bb_enc(struct bb *, int, int, int, const uint8_t *, size_t);
static void	bb_ticket(struct bb *, int, const uint8_t *, size_t);
static void	bb_padata(struct bb *, int, const struct bb *);
static int	has_line(const char *, const char *);
static int	has_hex(const char *, const uint8_t *, size_t);
static void	test_as_req(void);
static void	test_as_rep(void);
static void	test_tgs_req(void);
static void	test_error(void);
static void	test_broken(void);
static void	test_spnego(void);

static uint8_t	secret[64];

static void
bb_put(struct bb *b, const void *p, size_t n)
{
	if (b->n + n > BB_MAX)
		abort();
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* The whole of b becomes the contents of one TLV. */
static void
bb_wrap(struct bb *b, uint8_t tag)
{
	uint8_t h[6];
	size_t hl;

	h[0] = tag;
	if (b->n < 0x80) {
		h[1] = (uint8_t)b->n;
		hl = 2;
	} else if (b->n < 0x100) {
		h[1] = 0x81;
		h[2] = (uint8_t)b->n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (uint8_t)(b->n >> 8);
		h[3] = (uint8_t)b->n;
		hl = 4;
	}
	if (b->n + hl > BB_MAX)
		abort();
	memmove(b->b + hl, b->b, b->n);
	memcpy(b->b, h, hl);
	b->n += hl;
}

static void
bb_tlv(struct bb *b, uint8_t tag, const void *p, size_t n)
{
	struct bb t;

	t.n = 0;
	bb_put(&t, p, n);
	bb_wrap(&t, tag);
	bb_put(b, t.b, t.n);
}

/* [n] EXPLICIT around inner, appended to b; n < 0: inner as is. */
static void
bb_ctx(struct bb *b, int n, const struct bb *inner)
{
	struct bb t;

	t = *inner;
	if (n >= 0)
		bb_wrap(&t, (uint8_t)(0xa0 | n));
	bb_put(b, t.b, t.n);
}

static void
bb_int(struct bb *b, int n, long long v)
{
	struct bb t;
	uint8_t x[9];
	int len, i;

	len = 1;
	while (len < 8 && (v >= (1LL << (8 * len - 1)) ||
	    v < -(1LL << (8 * len - 1))))
		len++;
	for (i = 0; i < len; i++)
		x[i] = (uint8_t)((unsigned long long)v >> (8 * (len - 1 - i)));
	t.n = 0;
	bb_tlv(&t, 0x02, x, (size_t)len);
	bb_ctx(b, n, &t);
}

static void
bb_str(struct bb *b, int n, const char *s)
{
	struct bb t;

	t.n = 0;
	bb_tlv(&t, 0x1b, s, strlen(s));
	bb_ctx(b, n, &t);
}

static void
bb_time(struct bb *b, int n, const char *s)
{
	struct bb t;

	t.n = 0;
	bb_tlv(&t, 0x18, s, strlen(s));
	bb_ctx(b, n, &t);
}

static void
bb_oct(struct bb *b, int n, const uint8_t *p, size_t len)
{
	struct bb t;

	t.n = 0;
	bb_tlv(&t, 0x04, p, len);
	bb_ctx(b, n, &t);
}

static void
bb_bits(struct bb *b, int n, uint32_t v)
{
	struct bb t;
	uint8_t x[5];

	x[0] = 0;
	x[1] = (uint8_t)(v >> 24);
	x[2] = (uint8_t)(v >> 16);
	x[3] = (uint8_t)(v >> 8);
	x[4] = (uint8_t)v;
	t.n = 0;
	bb_tlv(&t, 0x03, x, sizeof(x));
	bb_ctx(b, n, &t);
}

static void
bb_principal(struct bb *b, int n, int type, const char *c1, const char *c2)
{
	struct bb t, names;

	t.n = names.n = 0;
	bb_int(&t, 0, type);
	bb_str(&names, -1, c1);
	if (c2 != NULL)
		bb_str(&names, -1, c2);
	bb_wrap(&names, 0x30);
	bb_ctx(&t, 1, &names);
	bb_wrap(&t, 0x30);
	bb_ctx(b, n, &t);
}

static void
bb_enc(struct bb *b, int n, int etype, int kvno, const uint8_t *c,
    size_t len)
{
	struct bb t;

	t.n = 0;
	bb_int(&t, 0, etype);
	if (kvno >= 0)
		bb_int(&t, 1, kvno);
	bb_oct(&t, 2, c, len);
	bb_wrap(&t, 0x30);
	bb_ctx(b, n, &t);
}

static void
bb_ticket(struct bb *b, int n, const uint8_t *c, size_t len)
{
	struct bb t;

	t.n = 0;
	bb_int(&t, 0, 5);
	bb_str(&t, 1, "EXAMPLE.COM");
	bb_principal(&t, 2, 2, "krbtgt", "EXAMPLE.COM");
	bb_enc(&t, 3, 18, 2, c, len);
	bb_wrap(&t, 0x30);
	bb_wrap(&t, 0x61);
	bb_ctx(b, n, &t);
}

/* Appends PA-DATA { type, value } to the list b. */
static void
bb_padata(struct bb *b, int type, const struct bb *value)
{
	struct bb t;

	t.n = 0;
	bb_int(&t, 1, type);
	bb_oct(&t, 2, value->b, value->n);
	bb_wrap(&t, 0x30);
	bb_put(b, t.b, t.n);
}

/* 1 if text has a line that is want after its indentation. */
static int
has_line(const char *text, const char *want)
{
	const char *p, *e;
	size_t n;

	n = strlen(want);
	for (p = text; p != NULL && *p != '\0'; p = e != NULL ? e + 1 : NULL) {
		e = strchr(p, '\n');
		while (*p == ' ')
			p++;
		if ((e != NULL ? (size_t)(e - p) : strlen(p)) == n &&
		    strncmp(p, want, n) == 0)
			return 1;
	}
	return 0;
}

/* 1 if any 4 consecutive bytes of p appear in text as hex. */
static int
has_hex(const char *text, const uint8_t *p, size_t n)
{
	char hex[9];
	size_t i;

	for (i = 0; i + 4 <= n; i++) {
		snprintf(hex, sizeof(hex), "%02x%02x%02x%02x", p[i],
		    p[i + 1], p[i + 2], p[i + 3]);
		if (strstr(text, hex) != NULL)
			return 1;
	}
	return 0;
}

static void
test_as_req(void)
{
	struct bb msg, body, pa, v;
	struct krb_msg m;
	char *text, why[256];
	int rc;

	msg.n = body.n = pa.n = v.n = 0;
	bb_bits(&body, 0, 0x40810010);
	bb_principal(&body, 1, 1, "alice", NULL);
	bb_str(&body, 2, "EXAMPLE.COM");
	bb_principal(&body, 3, 2, "krbtgt", "EXAMPLE.COM");
	bb_time(&body, 5, "20370913024805Z");
	bb_int(&body, 7, 123456789);
	v.n = 0;
	bb_int(&v, -1, 18);
	bb_int(&v, -1, 23);
	bb_wrap(&v, 0x30);
	bb_ctx(&body, 8, &v);
	bb_wrap(&body, 0x30);

	v.n = 0;
	bb_enc(&v, -1, 18, -1, secret, sizeof(secret));
	bb_padata(&pa, 2, &v);
	v.n = 0;
	{
		static const uint8_t pac[] = {
			0x30, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff
		};
		bb_put(&v, pac, sizeof(pac));
	}
	bb_padata(&pa, 128, &v);
	bb_wrap(&pa, 0x30);

	bb_int(&msg, 1, 5);
	bb_int(&msg, 2, 10);
	bb_ctx(&msg, 3, &pa);
	bb_ctx(&msg, 4, &body);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x6a);

	rc = asn1ref_tree(msg.b, msg.n, &text);
	is_int(rc, 0, "AS-REQ: tree");
	if (rc != 0) {
		printf("#   %s\n", asn1ref_error());
		return;
	}
	ok(strncmp(text, "AS-REQ:\n", 8) == 0, "AS-REQ: first line");
	ok(has_line(text, "pvno: 5"), "AS-REQ: pvno");
	ok(has_line(text, "msg-type: 10 (AS-REQ)"), "AS-REQ: msg-type");
	ok(has_line(text, "kdc-options: 0x40810010 forwardable,renewable,"
	    "canonicalize,renewable-ok"), "AS-REQ: kdc-options by name");
	ok(has_line(text, "name-string: \"krbtgt\", \"EXAMPLE.COM\""),
	    "AS-REQ: sname components");
	ok(has_line(text, "name-type: 2 (NT-SRV-INST)"), "AS-REQ: name type");
	ok(has_line(text, "realm: \"EXAMPLE.COM\""), "AS-REQ: realm");
	ok(has_line(text, "till: 2037-09-13T02:48:05Z"), "AS-REQ: till");
	ok(has_line(text, "nonce: 123456789"), "AS-REQ: nonce");
	ok(has_line(text, "etype: 18 (aes256-cts-hmac-sha1-96), "
	    "23 (rc4-hmac)"), "AS-REQ: etypes by name");
	ok(has_line(text, "padata-type: 2 (PA-ENC-TIMESTAMP)"),
	    "AS-REQ: padata type by name");
	ok(has_line(text, "PA-ENC-TIMESTAMP:"), "AS-REQ: PA-ENC-TIMESTAMP "
	    "decoded");
	ok(has_line(text, "cipher: <64 bytes>"), "AS-REQ: cipher length only");
	ok(has_line(text, "include-pac: TRUE"), "AS-REQ: PA-PAC-REQUEST");
	ok(!has_hex(text, secret, sizeof(secret)),
	    "AS-REQ: no cipher byte in hex");
	free(text);

	krb_decode(msg.b, msg.n, &m);
	is_int(m.status, KRB_OK, "AS-REQ: fast decoder accepts it");
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "AS-REQ: check agrees");
	if (why[0] != '\0')
		printf("#   %s\n", why);
	m.nonce++;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REQ: a wrong nonce is a disagreement");
	ok(strncmp(why, "nonce:", 6) == 0, "AS-REQ: why names the field");
	m.nonce--;
	/* the decoded PA-DATA contents are compared too */
	m.padata[0].etype++;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REQ: a wrong PA-ENC-TIMESTAMP etype is a disagreement");
	ok(strstr(why, "padata[0].etype") != NULL,
	    "AS-REQ: why says padata[0].etype");
	m.padata[0].etype--;
	m.padata[1].include_pac = !m.padata[1].include_pac;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REQ: a wrong include_pac is a disagreement");
	m.padata[1].include_pac = !m.padata[1].include_pac;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "AS-REQ: restored, the check agrees again");
	m.padata[0].len = 3;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REQ: a wrong padata length is a disagreement");
	ok(strstr(why, "padata[0]:") != NULL, "AS-REQ: why says padata");
	m.padata[0].len = 0;
	strcpy(m.sname, "krbtgt");
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REQ: a wrong sname is a disagreement");
}

static void
test_as_rep(void)
{
	struct bb msg;
	struct krb_msg m;
	char *text, why[256];
	int rc;

	msg.n = 0;
	bb_int(&msg, 0, 5);
	bb_int(&msg, 1, 11);
	bb_str(&msg, 3, "EXAMPLE.COM");
	bb_principal(&msg, 4, 1, "alice", NULL);
	bb_ticket(&msg, 5, secret, sizeof(secret));
	bb_enc(&msg, 6, 23, 7, secret + 3, 40);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x6b);

	rc = asn1ref_tree(msg.b, msg.n, &text);
	is_int(rc, 0, "AS-REP: tree");
	if (rc != 0)
		return;
	ok(has_line(text, "ticket:"), "AS-REP: ticket");
	ok(has_line(text, "tkt-vno: 5"), "AS-REP: tkt-vno");
	ok(has_line(text, "cipher: <64 bytes>"), "AS-REP: ticket cipher");
	ok(has_line(text, "cipher: <40 bytes>"), "AS-REP: enc-part cipher");
	ok(has_line(text, "etype: 23 (rc4-hmac)"), "AS-REP: enc-part etype");
	ok(has_line(text, "kvno: 7"), "AS-REP: enc-part kvno");
	ok(!has_hex(text, secret, sizeof(secret)),
	    "AS-REP: no cipher byte in hex");
	free(text);
	krb_decode(msg.b, msg.n, &m);
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "AS-REP: check agrees (ticket id included)");
	m.ticket.id[0] ^= 1;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "AS-REP: another ticket id is a disagreement");
}

static void
test_tgs_req(void)
{
	struct bb msg, body, pa, ap, v;
	struct krb_msg m;
	char *text, why[256];
	int rc;

	ap.n = 0;
	bb_int(&ap, 0, 5);
	bb_int(&ap, 1, 14);
	bb_bits(&ap, 2, 0);
	bb_ticket(&ap, 3, secret, 48);
	bb_enc(&ap, 4, 18, -1, secret + 8, 50);
	bb_wrap(&ap, 0x30);
	bb_wrap(&ap, 0x6e);
	pa.n = 0;
	bb_padata(&pa, 1, &ap);
	bb_wrap(&pa, 0x30);

	body.n = 0;
	bb_bits(&body, 0, 0x40810000);
	bb_str(&body, 2, "EXAMPLE.COM");
	bb_principal(&body, 3, 2, "HTTP", "web01.example.com");
	bb_time(&body, 5, "20370913024805Z");
	bb_int(&body, 7, -5);		/* a negative nonce, as Windows does */
	v.n = 0;
	bb_int(&v, -1, 18);
	bb_wrap(&v, 0x30);
	bb_ctx(&body, 8, &v);
	bb_wrap(&body, 0x30);

	msg.n = 0;
	bb_int(&msg, 1, 5);
	bb_int(&msg, 2, 12);
	bb_ctx(&msg, 3, &pa);
	bb_ctx(&msg, 4, &body);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x6c);

	rc = asn1ref_tree(msg.b, msg.n, &text);
	is_int(rc, 0, "TGS-REQ: tree");
	if (rc != 0)
		return;
	ok(has_line(text, "AP-REQ:"), "TGS-REQ: PA-TGS-REQ shown as AP-REQ");
	ok(has_line(text, "authenticator:"), "TGS-REQ: authenticator");
	ok(has_line(text, "nonce: -5"), "TGS-REQ: nonce as sent");
	ok(!has_hex(text, secret, sizeof(secret)),
	    "TGS-REQ: no cipher byte in hex");
	free(text);
	krb_decode(msg.b, msg.n, &m);
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "TGS-REQ: check agrees (TGT from PA-TGS-REQ)");
	if (why[0] != '\0')
		printf("#   %s\n", why);
	is_int(m.ticket.cipher_len, 48, "TGS-REQ: fast decoder has the TGT");
	m.ticket.kvno = 3;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "TGS-REQ: another TGT kvno is a disagreement");
}

static void
test_error(void)
{
	struct bb msg, md, v, kd;
	struct krb_msg m;
	char *text, why[256];
	int rc;

	md.n = 0;
	v.n = 0;
	{
		static const uint8_t info2[] = {
			0x30, 0x10, 0x30, 0x0e, 0xa0, 0x03, 0x02, 0x01, 0x12,
			0xa1, 0x07, 0x1b, 0x05, 'S', 'A', 'L', 'T', '!'
		};
		bb_put(&v, info2, sizeof(info2));
	}
	bb_padata(&md, 19, &v);
	v.n = 0;
	bb_padata(&md, 2, &v);
	bb_wrap(&md, 0x30);

	msg.n = 0;
	bb_int(&msg, 0, 5);
	bb_int(&msg, 1, 30);
	bb_time(&msg, 4, "20140409210955Z");
	bb_int(&msg, 5, 123);
	bb_int(&msg, 6, 25);
	bb_str(&msg, 9, "EXAMPLE.COM");
	bb_principal(&msg, 10, 2, "krbtgt", "EXAMPLE.COM");
	bb_str(&msg, 11, "NEEDED_PREAUTH");
	bb_oct(&msg, 12, md.b, md.n);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x7e);

	rc = asn1ref_tree(msg.b, msg.n, &text);
	is_int(rc, 0, "KRB-ERROR: tree");
	if (rc != 0)
		return;
	ok(has_line(text, "error-code: 25 (KDC_ERR_PREAUTH_REQUIRED)"),
	    "KRB-ERROR: error code by name");
	ok(has_line(text, "stime: 2014-04-09T21:09:55Z"), "KRB-ERROR: stime");
	ok(has_line(text, "e-text: \"NEEDED_PREAUTH\""), "KRB-ERROR: e-text");
	ok(has_line(text, "METHOD-DATA:"), "KRB-ERROR: METHOD-DATA");
	ok(has_line(text, "salt: \"SALT!\""), "KRB-ERROR: ETYPE-INFO2 salt");
	free(text);
	krb_decode(msg.b, msg.n, &m);
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "KRB-ERROR: check agrees (e-data padata)");
	if (why[0] != '\0')
		printf("#   %s\n", why);
	ok(m.n_etype_info > 0, "KRB-ERROR: the fast decoder read ETYPE-INFO2");
	m.etype_info[0].salt[0] = 'X';
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "KRB-ERROR: a wrong ETYPE-INFO2 salt is a disagreement");
	ok(strstr(why, "etype-info[0]") != NULL,
	    "KRB-ERROR: why says etype-info[0]");

	/* KERB-ERROR-DATA with a KERB-EXT-ERROR (MS-KILE 2.2.1, 2.2.2) */
	kd.n = 0;
	bb_int(&kd, 1, 3);
	{
		static const uint8_t ext[12] = {
			0x6d, 0x00, 0x00, 0xc0, 0, 0, 0, 0, 1, 0, 0, 0
		};
		bb_oct(&kd, 2, ext, sizeof(ext));
	}
	bb_wrap(&kd, 0x30);
	msg.n = 0;
	bb_int(&msg, 0, 5);
	bb_int(&msg, 1, 30);
	bb_time(&msg, 4, "20140409210955Z");
	bb_int(&msg, 5, 0);
	bb_int(&msg, 6, 24);
	bb_str(&msg, 9, "EXAMPLE.COM");
	bb_principal(&msg, 10, 2, "krbtgt", "EXAMPLE.COM");
	bb_oct(&msg, 12, kd.b, kd.n);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x7e);
	rc = asn1ref_tree(msg.b, msg.n, &text);
	is_int(rc, 0, "KRB-ERROR: KERB-ERROR-DATA tree");
	if (rc != 0)
		return;
	ok(has_line(text, "data-value: 12 bytes: status 0xc000006d "
	    "reserved 0x00000000 flags 0x00000001"),
	    "KRB-ERROR: KERB-EXT-ERROR status");
	free(text);
	krb_decode(msg.b, msg.n, &m);
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "KRB-ERROR: check agrees (KERB-ERROR-DATA)");
	ok(m.e_data_kind == KRB_EDATA_KERB_ERROR && m.has_ntstatus,
	    "KRB-ERROR: the fast decoder read the NTSTATUS");
	m.ntstatus ^= 1;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "KRB-ERROR: a wrong NTSTATUS is a disagreement");
	ok(strncmp(why, "ntstatus", 8) == 0, "KRB-ERROR: why says ntstatus");
	m.ntstatus ^= 1;
	m.e_data_kind = KRB_EDATA_UNKNOWN;
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "KRB-ERROR: e-data the fast decoder missed is a disagreement");
}

/* PA-S4U-X509-USER (MS-SFU 2.2.2): the user the fast decoder reports */
static void
test_s4u_x509(void)
{
	static const uint8_t ck[12] = { 1, 2, 3 };
	struct bb msg, body, pa, v, uid, cks;
	struct krb_msg m;
	char why[512];

	msg.n = body.n = pa.n = v.n = uid.n = cks.n = 0;
	bb_bits(&body, 0, 0x40810010);
	bb_str(&body, 2, "EXAMPLE.COM");
	bb_principal(&body, 3, 1, "websvc", NULL);
	bb_time(&body, 5, "20370913024805Z");
	bb_int(&body, 7, 42);
	v.n = 0;
	bb_int(&v, -1, 18);
	bb_wrap(&v, 0x30);
	bb_ctx(&body, 8, &v);
	bb_wrap(&body, 0x30);

	bb_int(&uid, 0, 7);
	bb_principal(&uid, 1, 1, "bob", NULL);
	bb_str(&uid, 2, "EXAMPLE.COM");
	bb_wrap(&uid, 0x30);
	bb_int(&cks, 0, 16);
	bb_oct(&cks, 1, ck, sizeof(ck));
	bb_wrap(&cks, 0x30);
	v.n = 0;
	bb_ctx(&v, 0, &uid);
	bb_ctx(&v, 1, &cks);
	bb_wrap(&v, 0x30);
	bb_padata(&pa, 130, &v);
	bb_wrap(&pa, 0x30);

	bb_int(&msg, 1, 5);
	bb_int(&msg, 2, 10);
	bb_ctx(&msg, 3, &pa);
	bb_ctx(&msg, 4, &body);
	bb_wrap(&msg, 0x30);
	bb_wrap(&msg, 0x6a);

	krb_decode(msg.b, msg.n, &m);
	is_str(m.s4u_user, "bob@EXAMPLE.COM",
	    "S4U-X509-USER: the fast decoder reads the user");
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 0,
	    "S4U-X509-USER: the check agrees");
	if (why[0] != '\0')
		printf("#   %s\n", why);
	m.s4u_user[0] = 'r';
	is_int(asn1ref_check(msg.b, msg.n, &m, why, sizeof(why)), 1,
	    "S4U-X509-USER: a wrong user is a disagreement");
	ok(strncmp(why, "s4u_user", 8) == 0, "S4U-X509-USER: why says so");
}

static void
test_broken(void)
{
	static const uint8_t cut[] = { 0x6a, 0x81, 0x90, 0x30, 0x81, 0x8d };
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	static const uint8_t badtype[] = {
		0x6f, 0x0a, 0x30, 0x08, 0xa0, 0x03, 0x02, 0x01, 0x05,
		0xa1, 0x01, 0x00
	};
	struct krb_msg m;
	char *text, why[256];
	int rc;

	text = (char *)1;
	rc = asn1ref_tree((const uint8_t *)"", 0, &text);
	ok(rc < 0 && text == NULL, "empty input is refused");
	text = (char *)1;
	rc = asn1ref_tree(junk, sizeof(junk), &text);
	ok(rc == E_INVALID && text == NULL, "a bare SEQUENCE is refused");
	ok(asn1ref_error()[0] != '\0', "and the reason is given");
	rc = asn1ref_tree(cut, sizeof(cut), &text);
	is_int(rc, E_TRUNC, "a cut message is truncated");
	krb_decode(cut, sizeof(cut), &m);
	rc = asn1ref_check(cut, sizeof(cut), &m, why, sizeof(why));
	is_int(rc, E_TRUNC, "check: both reject a cut message");
	krb_decode(badtype, sizeof(badtype), &m);
	rc = asn1ref_check(badtype, sizeof(badtype), &m, why, sizeof(why));
	ok(rc < 0, "check: both reject a broken AP-REP");
	m.status = KRB_OK;
	rc = asn1ref_check(badtype, sizeof(badtype), &m, why, sizeof(why));
	is_int(rc, 1, "check: fast ok on a broken message is a disagreement");
	ok(strncmp(why, "status:", 7) == 0, "check: why says status");
}

static void
test_spnego(void)
{
	static const uint8_t krb5_oid[] = {
		0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02,
		0x02
	};
	static const uint8_t spnego_oid[] = {
		0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02
	};
	struct bb tok, init, mechs, gss;
	char *text;
	int rc;

	mechs.n = 0;
	bb_put(&mechs, krb5_oid, sizeof(krb5_oid));
	bb_wrap(&mechs, 0x30);
	init.n = 0;
	bb_ctx(&init, 0, &mechs);
	bb_oct(&init, 2, secret, 20);
	bb_wrap(&init, 0x30);
	tok.n = 0;
	bb_ctx(&tok, 0, &init);
	gss.n = 0;
	bb_put(&gss, spnego_oid, sizeof(spnego_oid));
	bb_put(&gss, tok.b, tok.n);
	bb_wrap(&gss, 0x60);

	rc = asn1ref_spnego_tree(gss.b, gss.n, &text);
	is_int(rc, 0, "SPNEGO: NegTokenInit tree");
	if (rc != 0) {
		printf("#   %s\n", asn1ref_error());
		return;
	}
	ok(has_line(text, "negTokenInit:") || has_line(text, "negTokenInit2:"),
	    "SPNEGO: alternative named");
	ok(has_line(text, "mechTypes: 1.2.840.113554.1.2.2 (Kerberos 5)"),
	    "SPNEGO: mechanism by name");
	ok(has_line(text, "mechToken: 20 bytes "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf..."), "SPNEGO: mechToken");
	free(text);
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(0xa0 + i);
	test_as_req();
	test_as_rep();
	test_tgs_req();
	test_error();
	test_s4u_x509();
	test_broken();
	test_spnego();
	asn1ref_fini();
	return done_testing();
}
