/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_krb.c - the Kerberos V5 decoder (RFC 4120 section 5) on messages
 * built here with a tiny DER builder: every field of struct krb_msg,
 * truncated and invalid variants, the probe, ticket identity, the name
 * tables, and the port-88 dissector's TCP framing (RFC 4120 7.2.2).
 * PA-DATA contents (RFC 4120 5.2.7, MS-SFU 2.2.1/2.2.2, MS-KILE 2.2.3,
 * 2.2.8, 2.2.10) and KRB-ERROR e-data layouts (RFC 4120 5.9.1, MS-KILE
 * 2.2.1/2.2.2) are built here per spec too.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "tap.h"

/* ---- a tiny DER builder -------------------------------------------- */

struct db {
	uint8_t		 b[8192];
	size_t		 n;
	size_t		 stack[32];
	int		 sp;
};

static void	db_init(struct db *);
static void	db_byte(struct db *, uint8_t);
static void	db_raw(struct db *, const void *, size_t);
static void	db_open(struct db *, uint8_t);
static void	db_close(struct db *);
static void	db_int(struct db *, int64_t);
static void	db_str(struct db *, const char *);
static void	db_octets(struct db *, const void *, size_t);
static void	db_time(struct db *, const char *);
static void	db_bits(struct db *, uint32_t);
static void	db_ctx_int(struct db *, int, int64_t);
static void	db_ctx_str(struct db *, int, const char *);
static void	db_ctx_time(struct db *, int, const char *);
static void	db_principal(struct db *, int, int32_t, const char *);
static void	db_enc(struct db *, int, int32_t, int64_t, const void *,
		    size_t);
static void	db_ticket(struct db *, const char *, const char *, int32_t,
		    int64_t, const void *, size_t);
static void	db_padata(struct db *, int32_t, const void *, size_t);

static void
db_init(struct db *d)
{
	memset(d, 0, sizeof(*d));
}

static void
db_byte(struct db *d, uint8_t b)
{
	if (d->n < sizeof(d->b))
		d->b[d->n++] = b;
}

static void
db_raw(struct db *d, const void *p, size_t n)
{
	if (d->n + n <= sizeof(d->b)) {
		memcpy(d->b + d->n, p, n);
		d->n += n;
	}
}

static void
db_open(struct db *d, uint8_t tag)
{
	db_byte(d, tag);
	d->stack[d->sp++] = d->n;
}

/* Closes the innermost open TLV: writes its length in front. */
static void
db_close(struct db *d)
{
	uint8_t hdr[5];
	size_t start, len, h;

	start = d->stack[--d->sp];
	len = d->n - start;
	if (len < 0x80) {
		hdr[0] = (uint8_t)len;
		h = 1;
	} else if (len < 0x100) {
		hdr[0] = 0x81;
		hdr[1] = (uint8_t)len;
		h = 2;
	} else {
		hdr[0] = 0x82;
		hdr[1] = (uint8_t)(len >> 8);
		hdr[2] = (uint8_t)len;
		h = 3;
	}
	memmove(d->b + start + h, d->b + start, len);
	memcpy(d->b + start, hdr, h);
	d->n += h;
}

/* INTEGER, minimal two's complement. */
static void
db_int(struct db *d, int64_t v)
{
	uint8_t tmp[9];
	int n, i;

	n = 1;
	while (n < 8 && (v >> (8 * n - 1) != 0 && v >> (8 * n - 1) != -1))
		n++;
	for (i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	db_open(d, 0x02);
	db_raw(d, tmp, (size_t)n);
	db_close(d);
}

static void
db_str(struct db *d, const char *s)
{
	db_open(d, 0x1b);
	db_raw(d, s, strlen(s));
	db_close(d);
}

static void
db_octets(struct db *d, const void *p, size_t n)
{
	db_open(d, 0x04);
	db_raw(d, p, n);
	db_close(d);
}

static void
db_time(struct db *d, const char *s)
{
	db_open(d, 0x18);
	db_raw(d, s, strlen(s));
	db_close(d);
}

static void
db_bits(struct db *d, uint32_t v)
{
	db_open(d, 0x03);
	db_byte(d, 0);
	db_byte(d, (uint8_t)(v >> 24));
	db_byte(d, (uint8_t)(v >> 16));
	db_byte(d, (uint8_t)(v >> 8));
	db_byte(d, (uint8_t)v);
	db_close(d);
}

static void
db_ctx_int(struct db *d, int n, int64_t v)
{
	db_open(d, (uint8_t)(0xa0 | n));
	db_int(d, v);
	db_close(d);
}

static void
db_ctx_str(struct db *d, int n, const char *s)
{
	db_open(d, (uint8_t)(0xa0 | n));
	db_str(d, s);
	db_close(d);
}

static void
db_ctx_time(struct db *d, int n, const char *s)
{
	db_open(d, (uint8_t)(0xa0 | n));
	db_time(d, s);
	db_close(d);
}

/* [n] PrincipalName; components of name separated by '/'. */
static void
db_principal(struct db *d, int n, int32_t type, const char *name)
{
	char part[128];
	const char *p, *q;
	size_t k;

	db_open(d, (uint8_t)(0xa0 | n));
	db_open(d, 0x30);
	db_ctx_int(d, 0, type);
	db_open(d, 0xa1);
	db_open(d, 0x30);
	for (p = name; ; p = q + 1) {
		q = strchr(p, '/');
		k = q != NULL ? (size_t)(q - p) : strlen(p);
		memcpy(part, p, k);
		part[k] = '\0';
		db_str(d, part);
		if (q == NULL)
			break;
	}
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
}

/* [n] EncryptedData; kvno < 0: absent. */
static void
db_enc(struct db *d, int n, int32_t etype, int64_t kvno, const void *c,
    size_t clen)
{
	db_open(d, (uint8_t)(0xa0 | n));
	db_open(d, 0x30);
	db_ctx_int(d, 0, etype);
	if (kvno >= 0)
		db_ctx_int(d, 1, kvno);
	db_open(d, 0xa2);
	db_octets(d, c, clen);
	db_close(d);
	db_close(d);
	db_close(d);
}

/* Ticket ::= [APPLICATION 1] (no explicit tag around it). */
static void
db_ticket(struct db *d, const char *realm, const char *sname, int32_t etype,
    int64_t kvno, const void *c, size_t clen)
{
	db_open(d, 0x61);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_str(d, 1, realm);
	db_principal(d, 2, 2, sname);
	db_enc(d, 3, etype, kvno, c, clen);
	db_close(d);
	db_close(d);
}

static void
db_padata(struct db *d, int32_t type, const void *v, size_t n)
{
	db_open(d, 0x30);
	db_ctx_int(d, 1, type);
	db_open(d, 0xa2);
	db_octets(d, v, n);
	db_close(d);
	db_close(d);
}

/* ---- the messages ---------------------------------------------------- */

static uint8_t	cipher_tgt[64], cipher_svc[96], cipher_other[64];
static uint8_t	cipher_auth[40], cipher_rep[80];

static void	make_ciphers(void);
static void	build_as_req(struct db *);
static void	build_as_rep(struct db *);
static void	build_ap_req(struct db *, const char *, int32_t, int64_t,
		    const void *, size_t, uint32_t);
static void	build_tgs_req(struct db *);
static void	build_error(struct db *);
static void	build_cred(struct db *);
static int	decode_copy(const uint8_t *, size_t, struct krb_msg *);
static uint8_t	*find(uint8_t *, size_t, const void *, size_t);

static void
make_ciphers(void)
{
	size_t i;

	for (i = 0; i < sizeof(cipher_tgt); i++)
		cipher_tgt[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof(cipher_svc); i++)
		cipher_svc[i] = (uint8_t)(i * 13 + 5);
	memcpy(cipher_other, cipher_tgt, sizeof(cipher_other));
	cipher_other[63] ^= 1;
	for (i = 0; i < sizeof(cipher_auth); i++)
		cipher_auth[i] = (uint8_t)(0xa0 + i);
	for (i = 0; i < sizeof(cipher_rep); i++)
		cipher_rep[i] = (uint8_t)(0x30 + i);
}

static uint8_t *
find(uint8_t *p, size_t n, const void *what, size_t k)
{
	size_t i;

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, what, k) == 0)
			return p + i;
	return NULL;
}

/* Decode from an exact-size heap copy: ASan sees any over-read. */
static int
decode_copy(const uint8_t *p, size_t n, struct krb_msg *m)
{
	uint8_t *q;
	int rc;

	q = malloc(n > 0 ? n : 1);
	if (q == NULL)
		abort();
	if (n > 0)
		memcpy(q, p, n);
	rc = krb_decode(n > 0 ? q : NULL, n, m);
	free(q);
	return rc;
}

static void
build_as_req(struct db *d)
{
	static const uint8_t enc_ts[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint8_t pac_req[] = {
		0x30, 0x05, 0xa0, 0x03, 0x01, 0x01, 0xff
	};
	static const uint8_t addr[4] = { 192, 0, 2, 1 };

	db_init(d);
	db_open(d, 0x6a);
	db_open(d, 0x30);
	db_ctx_int(d, 1, 5);
	db_ctx_int(d, 2, 10);
	db_open(d, 0xa3);
	db_open(d, 0x30);
	db_padata(d, 2, enc_ts, sizeof(enc_ts));
	db_padata(d, 128, pac_req, sizeof(pac_req));
	db_close(d);
	db_close(d);
	db_open(d, 0xa4);
	db_open(d, 0x30);
	db_open(d, 0xa0);
	db_bits(d, 0x40810010);
	db_close(d);
	db_principal(d, 1, 1, "alice");
	db_ctx_str(d, 2, "CORP.EXAMPLE");
	db_principal(d, 3, 2, "krbtgt/CORP.EXAMPLE");
	db_ctx_time(d, 5, "20370913024805Z");
	db_ctx_time(d, 6, "20370913024805Z");
	db_ctx_int(d, 7, 0x9abcdef0);
	db_open(d, 0xa8);
	db_open(d, 0x30);
	db_int(d, 18);
	db_int(d, 17);
	db_int(d, 23);
	db_int(d, -135);
	db_close(d);
	db_close(d);
	db_open(d, 0xa9);
	db_open(d, 0x30);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 2);
	db_open(d, 0xa1);
	db_octets(d, addr, sizeof(addr));
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
}

static void
build_as_rep(struct db *d)
{
	static const uint8_t etype_info2[] = {
		0x30, 0x12, 0x30, 0x10, 0xa0, 0x03, 0x02, 0x01, 0x12,
		0xa1, 0x09, 0x1b, 0x07, 'E', 'X', 'a', 'l', 'i', 'c', 'e'
	};

	db_init(d);
	db_open(d, 0x6b);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_int(d, 1, 11);
	db_open(d, 0xa2);
	db_open(d, 0x30);
	db_padata(d, 19, etype_info2, sizeof(etype_info2));
	db_close(d);
	db_close(d);
	db_ctx_str(d, 3, "CORP.EXAMPLE");
	db_principal(d, 4, 1, "alice");
	db_open(d, 0xa5);
	db_ticket(d, "CORP.EXAMPLE", "krbtgt/CORP.EXAMPLE", 18, 2,
	    cipher_tgt, sizeof(cipher_tgt));
	db_close(d);
	db_enc(d, 6, 18, -1, cipher_rep, sizeof(cipher_rep));
	db_close(d);
	db_close(d);
}

static void
build_ap_req(struct db *d, const char *sname, int32_t etype, int64_t kvno,
    const void *c, size_t clen, uint32_t opts)
{
	db_init(d);
	db_open(d, 0x6e);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_int(d, 1, 14);
	db_open(d, 0xa2);
	db_bits(d, opts);
	db_close(d);
	db_open(d, 0xa3);
	db_ticket(d, "CORP.EXAMPLE", sname, etype, kvno, c, clen);
	db_close(d);
	db_enc(d, 4, etype, -1, cipher_auth, sizeof(cipher_auth));
	db_close(d);
	db_close(d);
}

static void
build_tgs_req(struct db *d)
{
	struct db ap;

	build_ap_req(&ap, "krbtgt/CORP.EXAMPLE", 18, 2, cipher_tgt,
	    sizeof(cipher_tgt), 0);
	db_init(d);
	db_open(d, 0x6c);
	db_open(d, 0x30);
	db_ctx_int(d, 1, 5);
	db_ctx_int(d, 2, 12);
	db_open(d, 0xa3);
	db_open(d, 0x30);
	db_padata(d, 1, ap.b, ap.n);
	db_padata(d, 167, "\x30\x07\xa0\x05\x03\x03\x00\x10\x00", 9);
	db_close(d);
	db_close(d);
	db_open(d, 0xa4);
	db_open(d, 0x30);
	db_open(d, 0xa0);
	db_bits(d, 0x40830000);		/* forwardable renewable
					 * cname-in-addl-tkt canonicalize */
	db_close(d);
	db_ctx_str(d, 2, "CORP.EXAMPLE");
	db_principal(d, 3, 2, "MSSQLSvc/sqlb.corp.example:1433");
	db_ctx_time(d, 4, "20240101000000Z");
	db_ctx_time(d, 5, "20370913024805Z");
	db_ctx_int(d, 7, 12345);
	db_open(d, 0xa8);
	db_open(d, 0x30);
	db_int(d, 18);
	db_close(d);
	db_close(d);
	db_open(d, 0xab);
	db_open(d, 0x30);
	db_ticket(d, "CORP.EXAMPLE", "HTTP/web01.corp.example", 18, 7,
	    cipher_other, sizeof(cipher_other));
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
}

static void
build_error(struct db *d)
{
	struct db md;
	static const uint8_t info2[20] = { 0x30, 0x12 };

	/* METHOD-DATA: ETYPE-INFO2, ENC-TIMESTAMP, PK-AS-REQ */
	db_init(&md);
	db_open(&md, 0x30);
	db_padata(&md, 19, info2, sizeof(info2));
	db_padata(&md, 2, "", 0);
	db_padata(&md, 16, "", 0);
	db_close(&md);

	db_init(d);
	db_open(d, 0x7e);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_int(d, 1, 30);
	db_ctx_time(d, 2, "20210622092740Z");
	db_ctx_int(d, 3, 123456);
	db_ctx_time(d, 4, "20210622092741Z");
	db_ctx_int(d, 5, 649488);
	db_ctx_int(d, 6, 25);
	db_ctx_str(d, 7, "CORP.EXAMPLE");
	db_principal(d, 8, 1, "alice");
	db_ctx_str(d, 9, "CORP.EXAMPLE");
	db_principal(d, 10, 2, "krbtgt/CORP.EXAMPLE");
	db_ctx_str(d, 11, "NEEDED_PREAUTH\n");
	db_open(d, 0xac);
	db_octets(d, md.b, md.n);
	db_close(d);
	db_close(d);
	db_close(d);
}

static void
build_cred(struct db *d)
{
	db_init(d);
	db_open(d, 0x76);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_int(d, 1, 22);
	db_open(d, 0xa2);
	db_open(d, 0x30);
	db_ticket(d, "CORP.EXAMPLE", "krbtgt/CORP.EXAMPLE", 18, 3,
	    cipher_other, sizeof(cipher_other));
	db_ticket(d, "CORP.EXAMPLE", "cifs/fs1", 23, 4, cipher_svc,
	    sizeof(cipher_svc));
	db_close(d);
	db_close(d);
	db_enc(d, 3, 0, -1, "\x30\x00", 2);
	db_close(d);
	db_close(d);
}

/* Every cut of a message is truncated; fields read before stay. */
static void
check_cuts(const char *what, const uint8_t *p, size_t n)
{
	struct krb_msg m;
	size_t cut, bad;

	bad = 0;
	for (cut = 0; cut < n; cut++) {
		if (decode_copy(p, cut, &m) != E_TRUNC ||
		    m.status != KRB_TRUNCATED)
			bad++;
	}
	is_int(bad, 0, what);
}

/* ---- the tests ------------------------------------------------------- */

static void
test_as_req(void)
{
	struct krb_msg m;
	struct db d;
	int rc;

	build_as_req(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, 0, "AS-REQ: decodes");
	is_int(m.status, KRB_OK, "AS-REQ: status ok");
	is_int(m.msg_type, KRB_AS_REQ, "AS-REQ: msg_type 10");
	is_int(m.pvno, 5, "AS-REQ: pvno");
	is_int(m.n_padata, 2, "AS-REQ: 2 PA-DATA");
	is_int(m.padata[0].type, 2, "AS-REQ: PA-ENC-TIMESTAMP");
	is_int(m.padata[0].len, 20, "AS-REQ: PA-ENC-TIMESTAMP length");
	is_int(m.padata[1].type, 128, "AS-REQ: PA-PAC-REQUEST");
	is_int(m.padata[1].len, 7, "AS-REQ: PA-PAC-REQUEST length");
	is_int(m.has_kdc_options, 1, "AS-REQ: kdc-options present");
	ok(m.kdc_options == 0x40810010U, "AS-REQ: kdc-options value");
	is_str(m.cname, "alice", "AS-REQ: cname");
	is_int(m.cname_type, 1, "AS-REQ: cname type NT-PRINCIPAL");
	is_str(m.realm, "CORP.EXAMPLE", "AS-REQ: realm");
	is_str(m.crealm, "", "AS-REQ: no crealm field");
	is_str(m.sname, "krbtgt/CORP.EXAMPLE", "AS-REQ: sname joined by /");
	is_int(m.sname_type, 2, "AS-REQ: sname type NT-SRV-INST");
	is_int(m.has_from, 0, "AS-REQ: no from");
	is_int(m.has_till, 1, "AS-REQ: till present");
	is_int(m.till, 2136422885LL, "AS-REQ: till value");
	is_int(m.has_rtime, 1, "AS-REQ: rtime present");
	is_int(m.rtime, 2136422885LL, "AS-REQ: rtime value");
	is_int(m.has_nonce, 1, "AS-REQ: nonce present");
	ok(m.nonce == 0x9abcdef0U, "AS-REQ: nonce above 2^31");
	is_int(m.n_etypes, 4, "AS-REQ: 4 etypes");
	ok(m.etypes[0] == 18 && m.etypes[1] == 17 && m.etypes[2] == 23 &&
	    m.etypes[3] == -135, "AS-REQ: etypes in order, negative kept");
	is_int(m.n_addresses, 1, "AS-REQ: 1 address");
	is_int(m.n_additional_tickets, 0, "AS-REQ: no additional tickets");
	is_int(m.ticket.present, 0, "AS-REQ: no ticket");
	is_int(m.has_enc_part, 0, "AS-REQ: no enc-part");
	is_int(m.has_error, 0, "AS-REQ: no error");
	is_int(m.has_ap_options, 0, "AS-REQ: no ap-options");
	is_int(krb_probe(d.b, d.n, 0), 1, "AS-REQ: probe exact");
	is_int(krb_probe(d.b, d.n - 1, 0), 0, "AS-REQ: probe exact, cut");
	is_int(krb_probe(d.b, d.n - 1, 1), 1, "AS-REQ: probe partial, cut");
	is_int(krb_probe(d.b, 8, 1), 1, "AS-REQ: probe partial, 8 bytes");
	check_cuts("AS-REQ: every cut is truncated", d.b, d.n);

	/* cut in the last field: everything before it is kept */
	rc = decode_copy(d.b, d.n - 1, &m);
	is_int(m.status, KRB_TRUNCATED, "AS-REQ cut: truncated");
	is_str(m.cname, "alice", "AS-REQ cut: cname kept");
	is_str(m.sname, "krbtgt/CORP.EXAMPLE", "AS-REQ cut: sname kept");
	is_int(m.n_etypes, 4, "AS-REQ cut: etypes kept");
	is_int(m.n_padata, 2, "AS-REQ cut: padata kept");
	rc = decode_copy(d.b, 60, &m);
	is_int(m.msg_type, KRB_AS_REQ, "AS-REQ cut at 60: msg_type kept");
	is_int(m.pvno, 5, "AS-REQ cut at 60: pvno kept");
	(void)rc;
}

static void
test_as_rep(void)
{
	uint8_t id[KRB_ID_LEN];
	struct krb_msg m;
	struct db d;
	int rc;

	build_as_rep(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, 0, "AS-REP: decodes");
	is_int(m.status, KRB_OK, "AS-REP: status ok");
	is_int(m.msg_type, KRB_AS_REP, "AS-REP: msg_type 11");
	is_int(m.pvno, 5, "AS-REP: pvno");
	is_int(m.n_padata, 1, "AS-REP: 1 PA-DATA");
	is_int(m.padata[0].type, 19, "AS-REP: PA-ETYPE-INFO2");
	is_int(m.padata[0].len, 20, "AS-REP: PA-ETYPE-INFO2 length");
	is_str(m.crealm, "CORP.EXAMPLE", "AS-REP: crealm");
	is_str(m.cname, "alice", "AS-REP: cname");
	is_int(m.cname_type, 1, "AS-REP: cname type");
	is_int(m.ticket.present, 1, "AS-REP: ticket present");
	is_int(m.ticket.tkt_vno, 5, "AS-REP: tkt-vno");
	is_str(m.ticket.realm, "CORP.EXAMPLE", "AS-REP: ticket realm");
	is_str(m.ticket.sname, "krbtgt/CORP.EXAMPLE", "AS-REP: ticket sname");
	is_int(m.ticket.sname_type, 2, "AS-REP: ticket sname type");
	is_int(m.ticket.etype, 18, "AS-REP: ticket etype");
	is_int(m.ticket.has_kvno, 1, "AS-REP: ticket kvno present");
	is_int(m.ticket.kvno, 2, "AS-REP: ticket kvno");
	is_int(m.ticket.cipher_len, sizeof(cipher_tgt),
	    "AS-REP: ticket cipher length");
	krb_ticket_id(cipher_tgt, sizeof(cipher_tgt), id);
	ok(memcmp(m.ticket.id, id, KRB_ID_LEN) == 0,
	    "AS-REP: ticket id is the hash of the cipher");
	is_int(m.has_enc_part, 1, "AS-REP: enc-part");
	is_int(m.enc_etype, 18, "AS-REP: enc-part etype");
	is_int(m.has_enc_kvno, 0, "AS-REP: enc-part without kvno");
	is_str(m.sname, "", "AS-REP: no top-level sname");
	check_cuts("AS-REP: every cut is truncated", d.b, d.n);

	/* cut inside the ticket cipher: no id from a partial cipher */
	rc = decode_copy(d.b, d.n - 120, &m);
	is_int(m.status, KRB_TRUNCATED, "AS-REP cut in cipher: truncated");
	is_int(m.ticket.present, 1, "AS-REP cut in cipher: ticket seen");
	is_str(m.ticket.sname, "krbtgt/CORP.EXAMPLE",
	    "AS-REP cut in cipher: ticket sname kept");
	is_int(m.ticket.cipher_len, 0, "AS-REP cut in cipher: no id");
	(void)rc;
}

static void
test_tgs_req(void)
{
	uint8_t id[KRB_ID_LEN];
	struct krb_msg m, rep;
	struct db d;
	int rc;

	build_tgs_req(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, 0, "TGS-REQ: decodes");
	is_int(m.status, KRB_OK, "TGS-REQ: status ok");
	is_int(m.msg_type, KRB_TGS_REQ, "TGS-REQ: msg_type 12");
	is_int(m.pvno, 5, "TGS-REQ: pvno");
	is_int(m.n_padata, 2, "TGS-REQ: 2 PA-DATA");
	is_int(m.padata[0].type, 1, "TGS-REQ: PA-TGS-REQ");
	is_int(m.padata[1].type, 167, "TGS-REQ: PA-PAC-OPTIONS");
	is_int(m.padata[1].len, 9, "TGS-REQ: PA-PAC-OPTIONS length");
	ok(m.kdc_options == 0x40830000U, "TGS-REQ: kdc-options");
	is_str(m.cname, "", "TGS-REQ: no cname in the body");
	is_str(m.realm, "CORP.EXAMPLE", "TGS-REQ: realm");
	is_str(m.sname, "MSSQLSvc/sqlb.corp.example:1433", "TGS-REQ: SPN");
	is_int(m.has_from, 1, "TGS-REQ: from present");
	is_int(m.from, 1704067200LL, "TGS-REQ: from value");
	is_int(m.has_rtime, 0, "TGS-REQ: no rtime");
	is_int(m.nonce, 12345, "TGS-REQ: nonce");
	is_int(m.n_etypes, 1, "TGS-REQ: 1 etype");
	is_int(m.n_additional_tickets, 1, "TGS-REQ: 1 additional ticket");
	is_int(m.ticket.present, 1, "TGS-REQ: TGT from PA-TGS-REQ");
	is_str(m.ticket.sname, "krbtgt/CORP.EXAMPLE", "TGS-REQ: TGT sname");
	is_str(m.ticket.realm, "CORP.EXAMPLE", "TGS-REQ: TGT realm");
	is_int(m.ticket.etype, 18, "TGS-REQ: TGT etype");
	is_int(m.ticket.kvno, 2, "TGS-REQ: TGT kvno");
	krb_ticket_id(cipher_tgt, sizeof(cipher_tgt), id);
	ok(memcmp(m.ticket.id, id, KRB_ID_LEN) == 0, "TGS-REQ: TGT id");
	is_int(m.has_ap_options, 0, "TGS-REQ: embedded ap-options not kept");
	is_int(m.has_enc_part, 0, "TGS-REQ: embedded authenticator not kept");

	build_as_rep(&d);
	decode_copy(d.b, d.n, &rep);
	ok(memcmp(m.ticket.id, rep.ticket.id, KRB_ID_LEN) == 0,
	    "TGS-REQ's TGT has the id of the AS-REP's ticket");

	build_tgs_req(&d);
	check_cuts("TGS-REQ: every cut is truncated", d.b, d.n);
	/* cut inside the PA-TGS-REQ's ticket cipher */
	rc = decode_copy(d.b, 150, &m);
	is_int(m.status, KRB_TRUNCATED, "TGS-REQ cut in the TGT: truncated");
	is_str(m.ticket.sname, "krbtgt/CORP.EXAMPLE",
	    "TGS-REQ cut in the TGT: TGT sname kept");
	(void)rc;
}

static void
test_ap_req(void)
{
	uint8_t id[KRB_ID_LEN];
	struct krb_msg m;
	struct db d;
	int rc;

	build_ap_req(&d, "MSSQLSvc/sqlb.corp.example:1433", 23, 5,
	    cipher_svc, sizeof(cipher_svc), 0x20000000);
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, 0, "AP-REQ: decodes");
	is_int(m.status, KRB_OK, "AP-REQ: status ok");
	is_int(m.msg_type, KRB_AP_REQ, "AP-REQ: msg_type 14");
	is_int(m.pvno, 5, "AP-REQ: pvno");
	is_int(m.has_ap_options, 1, "AP-REQ: ap-options present");
	ok(m.ap_options == 0x20000000U, "AP-REQ: mutual-required");
	is_int(m.ticket.present, 1, "AP-REQ: ticket");
	is_str(m.ticket.sname, "MSSQLSvc/sqlb.corp.example:1433",
	    "AP-REQ: ticket sname");
	is_int(m.ticket.etype, 23, "AP-REQ: ticket etype");
	is_int(m.ticket.kvno, 5, "AP-REQ: ticket kvno");
	krb_ticket_id(cipher_svc, sizeof(cipher_svc), id);
	ok(memcmp(m.ticket.id, id, KRB_ID_LEN) == 0, "AP-REQ: ticket id");
	is_int(m.has_enc_part, 1, "AP-REQ: authenticator");
	is_int(m.enc_etype, 23, "AP-REQ: authenticator etype");
	is_int(m.has_enc_kvno, 0, "AP-REQ: authenticator without kvno");
	check_cuts("AP-REQ: every cut is truncated", d.b, d.n);
}

static void
test_error(void)
{
	struct krb_msg m;
	struct db d;
	int rc;

	build_error(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, 0, "KRB-ERROR: decodes");
	is_int(m.status, KRB_OK, "KRB-ERROR: status ok");
	is_int(m.msg_type, KRB_ERROR, "KRB-ERROR: msg_type 30");
	is_int(m.pvno, 5, "KRB-ERROR: pvno");
	is_int(m.has_ctime, 1, "KRB-ERROR: ctime");
	is_int(m.ctime, 1624354060LL, "KRB-ERROR: ctime value");
	is_int(m.cusec, 123456, "KRB-ERROR: cusec");
	is_int(m.has_stime, 1, "KRB-ERROR: stime");
	is_int(m.stime, 1624354061LL, "KRB-ERROR: stime value");
	is_int(m.susec, 649488, "KRB-ERROR: susec");
	is_int(m.has_error, 1, "KRB-ERROR: error-code present");
	is_int(m.error_code, 25, "KRB-ERROR: PREAUTH_REQUIRED");
	is_str(m.crealm, "CORP.EXAMPLE", "KRB-ERROR: crealm");
	is_str(m.cname, "alice", "KRB-ERROR: cname");
	is_str(m.realm, "CORP.EXAMPLE", "KRB-ERROR: realm");
	is_str(m.sname, "krbtgt/CORP.EXAMPLE", "KRB-ERROR: sname");
	is_int(m.has_e_text, 1, "KRB-ERROR: e-text present");
	is_str(m.e_text, "NEEDED_PREAUTH\\x0a", "KRB-ERROR: e-text printable");
	is_int(m.has_e_data, 1, "KRB-ERROR: e-data present");
	is_int(m.e_data_len, 55, "KRB-ERROR: e-data length");
	is_int(m.n_padata, 3, "KRB-ERROR: METHOD-DATA in e-data");
	ok(m.padata[0].type == 19 && m.padata[1].type == 2 &&
	    m.padata[2].type == 16, "KRB-ERROR: PA types 19, 2, 16");
	is_int(m.padata[0].len, 20, "KRB-ERROR: ETYPE-INFO2 length");
	is_int(m.padata[1].len, 0, "KRB-ERROR: empty PA-ENC-TIMESTAMP");
	check_cuts("KRB-ERROR: every cut is truncated", d.b, d.n);
}

/* KRB-ERROR 41 with MS-KILE KERB-ERROR-DATA e-data: not METHOD-DATA. */
static void
test_error_kerb_error_data(void)
{
	static const uint8_t ked[] = {
		0x30, 0x0b, 0xa1, 0x03, 0x02, 0x01, 0x03,
		0xa2, 0x04, 0x04, 0x02, 0x00, 0x00
	};
	struct krb_msg m;
	struct db d;

	db_init(&d);
	db_open(&d, 0x7e);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 30);
	db_ctx_time(&d, 4, "20210622092741Z");
	db_ctx_int(&d, 5, 0);
	db_ctx_int(&d, 6, 41);
	db_ctx_str(&d, 9, "CORP.EXAMPLE");
	db_principal(&d, 10, 2, "HTTP/web01.corp.example");
	db_open(&d, 0xac);
	db_octets(&d, ked, sizeof(ked));
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "KRB-ERROR 41: status ok");
	is_int(m.error_code, 41, "KRB-ERROR 41: error code");
	is_int(m.has_ctime, 0, "KRB-ERROR 41: no ctime");
	is_int(m.has_e_text, 0, "KRB-ERROR 41: no e-text");
	is_int(m.has_e_data, 1, "KRB-ERROR 41: e-data");
	is_int(m.e_data_len, sizeof(ked), "KRB-ERROR 41: e-data length");
	is_int(m.n_padata, 0, "KRB-ERROR 41: KERB-ERROR-DATA is not padata");
	is_str(m.sname, "HTTP/web01.corp.example", "KRB-ERROR 41: sname");
}

static void
test_cred_and_others(void)
{
	uint8_t id[KRB_ID_LEN];
	struct krb_msg m;
	struct db d;

	build_cred(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "KRB-CRED: status ok");
	is_int(m.msg_type, KRB_CRED, "KRB-CRED: msg_type 22");
	is_int(m.pvno, 5, "KRB-CRED: pvno");
	is_int(m.ticket.present, 1, "KRB-CRED: first ticket");
	is_str(m.ticket.sname, "krbtgt/CORP.EXAMPLE",
	    "KRB-CRED: first ticket's sname (forwarded TGT)");
	is_int(m.ticket.kvno, 3, "KRB-CRED: first ticket's kvno");
	krb_ticket_id(cipher_other, sizeof(cipher_other), id);
	ok(memcmp(m.ticket.id, id, KRB_ID_LEN) == 0, "KRB-CRED: ticket id");
	is_int(m.has_enc_part, 1, "KRB-CRED: enc-part");
	is_int(m.enc_etype, 0, "KRB-CRED: enc-part etype 0 (unencrypted)");
	check_cuts("KRB-CRED: every cut is truncated", d.b, d.n);

	/* AP-REP */
	db_init(&d);
	db_open(&d, 0x6f);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 15);
	db_enc(&d, 2, 18, -1, cipher_rep, 30);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "AP-REP: status ok");
	is_int(m.msg_type, KRB_AP_REP, "AP-REP: msg_type 15");
	is_int(m.has_enc_part, 1, "AP-REP: enc-part");
	is_int(m.enc_etype, 18, "AP-REP: enc-part etype");
	is_int(krb_probe(d.b, d.n, 0), 1, "AP-REP: probe");

	/* KRB-PRIV: enc-part is [3] */
	db_init(&d);
	db_open(&d, 0x75);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 21);
	db_enc(&d, 3, 17, 4, cipher_rep, 30);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "KRB-PRIV: status ok");
	is_int(m.msg_type, KRB_PRIV, "KRB-PRIV: msg_type 21");
	is_int(m.pvno, 5, "KRB-PRIV: pvno");
	is_int(m.enc_kvno, 4, "KRB-PRIV: enc-part kvno");

	/* KRB-SAFE */
	db_init(&d);
	db_open(&d, 0x74);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 20);
	db_open(&d, 0xa2);
	db_open(&d, 0x30);
	db_open(&d, 0xa0);
	db_octets(&d, "data", 4);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_open(&d, 0xa3);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 16);
	db_open(&d, 0xa1);
	db_octets(&d, "0123456789ab", 12);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "KRB-SAFE: status ok");
	is_int(m.msg_type, KRB_SAFE, "KRB-SAFE: msg_type 20");
	is_int(m.pvno, 5, "KRB-SAFE: pvno");
}

static void
test_invalid(void)
{
	static const uint8_t overrun[] = {
		0x6f, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x02, 0x05, 0x05
	};
	static const uint8_t indef[] = {
		0x6f, 0x06, 0x30, 0x80, 0xa0, 0x03, 0x02, 0x01
	};
	static const uint8_t primseq[] = { 0x6f, 0x02, 0x10, 0x00 };
	static const uint8_t bare_ticket[] = { 0x61, 0x02, 0x30, 0x00 };
	static const uint8_t universal[] = { 0x30, 0x02, 0x30, 0x00 };
	struct krb_msg m;
	struct db d;
	int rc;

	/* msg-type disagrees with the APPLICATION tag */
	build_as_req(&d);
	{
		uint8_t *t = find(d.b, d.n, "\xa2\x03\x02\x01\x0a", 5);

		ok(t != NULL, "found msg-type");
		if (t != NULL)
			t[4] = 12;
	}
	rc = decode_copy(d.b, d.n, &m);
	is_int(rc, E_INVALID, "msg-type mismatch: invalid");
	is_int(m.status, KRB_INVALID, "msg-type mismatch: status");
	is_int(m.msg_type, KRB_AS_REQ, "msg-type mismatch: tag wins");
	is_str(m.cname, "alice", "msg-type mismatch: fields kept");
	is_int(m.n_etypes, 4, "msg-type mismatch: later fields kept");

	/* trailing bytes after the message */
	build_as_req(&d);
	d.b[d.n++] = 0x00;
	d.b[d.n++] = 0x01;
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_INVALID, "trailing bytes: invalid");
	is_str(m.sname, "krbtgt/CORP.EXAMPLE", "trailing bytes: fields kept");

	/* a child longer than its (complete) parent */
	rc = decode_copy(overrun, sizeof(overrun), &m);
	is_int(rc, E_INVALID, "child past its parent: invalid, not truncated");
	is_int(m.msg_type, KRB_AP_REP, "child past its parent: msg_type");

	rc = decode_copy(indef, sizeof(indef), &m);
	is_int(m.status, KRB_INVALID, "indefinite length inside: invalid");
	rc = decode_copy(primseq, sizeof(primseq), &m);
	is_int(m.status, KRB_INVALID, "primitive SEQUENCE: invalid");
	rc = decode_copy(bare_ticket, sizeof(bare_ticket), &m);
	is_int(m.status, KRB_INVALID, "APPLICATION 1 is not a message");
	is_int(m.msg_type, 0, "APPLICATION 1: no msg_type");
	rc = decode_copy(universal, sizeof(universal), &m);
	is_int(m.status, KRB_INVALID, "universal SEQUENCE: invalid");
	rc = decode_copy((const uint8_t *)"hello", 5, &m);
	is_int(m.status, KRB_INVALID, "text: invalid");
	rc = decode_copy(NULL, 0, &m);
	is_int(m.status, KRB_TRUNCATED, "nothing: truncated");
	is_int(m.msg_type, 0, "nothing: no msg_type");

	/* a string where an INTEGER belongs */
	db_init(&d);
	db_open(&d, 0x6f);
	db_open(&d, 0x30);
	db_ctx_str(&d, 0, "5");
	db_close(&d);
	db_close(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_INVALID, "string for pvno: invalid");

	/* required error-code missing */
	db_init(&d);
	db_open(&d, 0x7e);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 30);
	db_ctx_time(&d, 4, "20210622092741Z");
	db_ctx_int(&d, 5, 0);
	db_ctx_str(&d, 9, "CORP.EXAMPLE");
	db_principal(&d, 10, 2, "krbtgt/CORP.EXAMPLE");
	db_close(&d);
	db_close(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_INVALID, "KRB-ERROR without error-code: invalid");
	is_int(m.has_error, 0, "KRB-ERROR without error-code: has_error 0");
	is_str(m.realm, "CORP.EXAMPLE", "KRB-ERROR without error-code: realm");

	/* unknown extra field: skipped */
	db_init(&d);
	db_open(&d, 0x6f);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 15);
	db_enc(&d, 2, 18, -1, "x", 1);
	db_ctx_int(&d, 20, 99);
	db_close(&d);
	db_close(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "unknown field [20]: skipped, ok");

	/* bad time in till */
	build_as_req(&d);
	{
		uint8_t *t = find(d.b, d.n, "20370913", 8);

		ok(t != NULL, "found till text");
		if (t != NULL)
			t[4] = '1';		/* month 19 */
	}
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_INVALID, "bad GeneralizedTime: invalid");
	is_int(m.has_till, 0, "bad GeneralizedTime: no till");
	is_str(m.cname, "alice", "bad GeneralizedTime: earlier fields kept");

	/* non-printable principal bytes are escaped */
	db_init(&d);
	db_open(&d, 0x7e);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 30);
	db_ctx_time(&d, 4, "20210622092741Z");
	db_ctx_int(&d, 5, 0);
	db_ctx_int(&d, 6, 7);
	db_ctx_str(&d, 9, "R\\E\x01");
	db_principal(&d, 10, 2, "a\x7f" "b/c");
	db_close(&d);
	db_close(&d);
	rc = decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "escaped names: ok");
	is_str(m.realm, "R\\\\E\\x01", "realm escaped");
	is_str(m.sname, "a\\x7fb/c", "sname escaped");
	(void)rc;
}

/* Many etypes and PA-DATA: the arrays cap, the decoding goes on. */
static void
test_caps(void)
{
	struct krb_msg m;
	struct db d;
	int i;

	db_init(&d);
	db_open(&d, 0x6a);
	db_open(&d, 0x30);
	db_ctx_int(&d, 1, 5);
	db_ctx_int(&d, 2, 10);
	db_open(&d, 0xa3);
	db_open(&d, 0x30);
	for (i = 0; i < 40; i++)
		db_padata(&d, 1000 + i, "", 0);
	db_close(&d);
	db_close(&d);
	db_open(&d, 0xa4);
	db_open(&d, 0x30);
	db_open(&d, 0xa0);
	db_bits(&d, 0);
	db_close(&d);
	db_ctx_str(&d, 2, "R");
	db_ctx_int(&d, 7, 1);
	db_open(&d, 0xa8);
	db_open(&d, 0x30);
	for (i = 0; i < 100; i++)
		db_int(&d, i);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "caps: ok");
	is_int(m.n_padata, KRB_MAX_PADATA, "caps: padata capped");
	is_int(m.padata[KRB_MAX_PADATA - 1].type, 1000 + KRB_MAX_PADATA - 1,
	    "caps: first padata kept");
	is_int(m.n_etypes, KRB_MAX_ETYPES, "caps: etypes capped");
	is_int(m.etypes[KRB_MAX_ETYPES - 1], KRB_MAX_ETYPES - 1,
	    "caps: first etypes kept");

	/* a long principal is cut with "..." */
	db_init(&d);
	db_open(&d, 0x7e);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 5);
	db_ctx_int(&d, 1, 30);
	db_ctx_time(&d, 4, "20210622092741Z");
	db_ctx_int(&d, 5, 0);
	db_ctx_int(&d, 6, 7);
	db_ctx_str(&d, 9, "R");
	db_open(&d, 0xaa);
	db_open(&d, 0x30);
	db_ctx_int(&d, 0, 2);
	db_open(&d, 0xa1);
	db_open(&d, 0x30);
	for (i = 0; i < 30; i++)
		db_str(&d, "0123456789abcdef");
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "long sname: ok");
	is_int(strlen(m.sname), KRB_NAME_MAX - 1,
	    "long sname: fills the field");
	ok(strcmp(m.sname + KRB_NAME_MAX - 4, "...") == 0,
	    "long sname: ends in ...");
}

static void
test_probe(void)
{
	static const uint8_t zero_len[] = { 0x6a, 0x00 };
	static const uint8_t indef[] = { 0x6a, 0x80, 0x30, 0x00 };
	static const uint8_t no_seq[] = { 0x6a, 0x02, 0x31, 0x00 };
	static const uint8_t bad_inner[] = { 0x6a, 0x03, 0x30, 0x00, 0x00 };
	static const uint8_t app1[] = { 0x61, 0x02, 0x30, 0x00 };
	static const uint8_t ok_min[] = { 0x7e, 0x02, 0x30, 0x00 };
	static const uint8_t long_partial[] = { 0x6c, 0x82, 0x01, 0x00, 0x30 };
	static const uint8_t inner_cut[] = {
		0x6c, 0x82, 0x01, 0x00, 0x30, 0x82
	};

	is_int(krb_probe(ok_min, sizeof(ok_min), 0), 1, "probe: minimal");
	is_int(krb_probe(zero_len, sizeof(zero_len), 0), 0,
	    "probe: no SEQUENCE");
	is_int(krb_probe(indef, sizeof(indef), 1), 0, "probe: indefinite");
	is_int(krb_probe(no_seq, sizeof(no_seq), 0), 0, "probe: SET");
	is_int(krb_probe(bad_inner, sizeof(bad_inner), 0), 0,
	    "probe: inner length disagrees");
	is_int(krb_probe(app1, sizeof(app1), 0), 0, "probe: APPLICATION 1");
	is_int(krb_probe(long_partial, sizeof(long_partial), 1), 1,
	    "probe: partial, only the SEQUENCE tag so far");
	is_int(krb_probe(long_partial, sizeof(long_partial), 0), 0,
	    "probe: exact, only the SEQUENCE tag");
	is_int(krb_probe(inner_cut, sizeof(inner_cut), 1), 1,
	    "probe: partial, inner length octets cut");
	is_int(krb_probe(inner_cut, sizeof(inner_cut), 0), 0,
	    "probe: exact, cut");
	is_int(krb_probe((const uint8_t *)"GET / HTTP/1.1", 14, 1), 0,
	    "probe: HTTP");
	is_int(krb_probe(NULL, 0, 1), 0, "probe: nothing");
	is_int(krb_probe(ok_min, 1, 1), 0, "probe: one byte");
}

static void
test_ticket_id(void)
{
	uint8_t a[KRB_ID_LEN], b[KRB_ID_LEN], c[KRB_ID_LEN], e[KRB_ID_LEN];
	uint8_t zero[KRB_ID_LEN];

	krb_ticket_id(cipher_tgt, sizeof(cipher_tgt), a);
	krb_ticket_id(cipher_tgt, sizeof(cipher_tgt), b);
	krb_ticket_id(cipher_other, sizeof(cipher_other), c);
	krb_ticket_id(cipher_tgt, sizeof(cipher_tgt) - 1, e);
	memset(zero, 0, sizeof(zero));
	ok(memcmp(a, b, KRB_ID_LEN) == 0, "ticket id: stable");
	ok(memcmp(a, c, KRB_ID_LEN) != 0, "ticket id: one bit differs");
	ok(memcmp(a, e, KRB_ID_LEN) != 0, "ticket id: length matters");
	ok(memcmp(a, zero, KRB_ID_LEN) != 0, "ticket id: not all zero");
}

static void
test_names(void)
{
	int32_t i;
	int mismatch;

	is_str(krb_error_name(41), "KRB_AP_ERR_MODIFIED", "error 41");
	is_str(krb_error_name(7), "KDC_ERR_S_PRINCIPAL_UNKNOWN", "error 7");
	is_str(krb_error_name(0), "KDC_ERR_NONE", "error 0");
	is_str(krb_error_name(25), "KDC_ERR_PREAUTH_REQUIRED", "error 25");
	is_str(krb_error_name(37), "KRB_AP_ERR_SKEW", "error 37");
	is_str(krb_error_name(52), "KRB_ERR_RESPONSE_TOO_BIG", "error 52");
	is_str(krb_error_name(68), "KDC_ERR_WRONG_REALM", "error 68");
	is_str(krb_error_name(90), "KDC_ERR_PREAUTH_EXPIRED", "error 90");
	is_str(krb_error_name(91), "KDC_ERR_MORE_PREAUTH_DATA_REQUIRED",
	    "error 91");
	is_str(krb_error_name(81),
	    "KDC_ERR_PUBLIC_KEY_ENCRYPTION_NOT_SUPPORTED", "error 81");
	ok(krb_error_name(30) == NULL, "error 30 unassigned");
	ok(krb_error_name(1000) == NULL, "error 1000 unknown");
	ok(krb_error_name(-1) == NULL, "error -1 unknown");
	ok(krb_error_text(41) != NULL, "error 41 has a text");
	ok(krb_error_text(1000) == NULL, "error 1000 has no text");
	mismatch = 0;
	for (i = -5; i < 300; i++)
		if ((krb_error_name(i) == NULL) != (krb_error_text(i) == NULL))
			mismatch++;
	is_int(mismatch, 0, "every named error code has a text");
	for (i = 0; i <= 29; i++)
		if (krb_error_name(i) == NULL)
			mismatch++;
	for (i = 31; i <= 52; i++)
		if (krb_error_name(i) == NULL)
			mismatch++;
	for (i = 60; i <= 81; i++)
		if (krb_error_name(i) == NULL)
			mismatch++;
	is_int(mismatch, 0, "codes 0-29, 31-52, 60-81 all named");

	is_str(krb_etype_name(23), "rc4-hmac", "etype 23");
	is_str(krb_etype_name(24), "rc4-hmac-exp", "etype 24");
	is_str(krb_etype_name(18), "aes256-cts-hmac-sha1-96", "etype 18");
	is_str(krb_etype_name(17), "aes128-cts-hmac-sha1-96", "etype 17");
	is_str(krb_etype_name(20), "aes256-cts-hmac-sha384-192", "etype 20");
	is_str(krb_etype_name(16), "des3-cbc-sha1", "etype 16");
	is_str(krb_etype_name(3), "des-cbc-md5", "etype 3");
	is_str(krb_etype_name(26), "camellia256-cts-cmac", "etype 26");
	is_str(krb_etype_name(65), "subkey-keymaterial", "etype 65");
	is_str(krb_etype_name(0), "null", "etype 0");
	is_str(krb_etype_name(-128), "rc4-md4", "etype -128");
	is_str(krb_etype_name(-133), "rc4-hmac-old", "etype -133");
	is_str(krb_etype_name(-135), "rc4-hmac-old-exp", "etype -135");
	ok(krb_etype_name(21) == NULL, "etype 21 unassigned");
	ok(krb_etype_name(-1) == NULL, "etype -1 unknown");

	is_str(krb_padata_name(1), "PA-TGS-REQ", "padata 1");
	is_str(krb_padata_name(2), "PA-ENC-TIMESTAMP", "padata 2");
	is_str(krb_padata_name(19), "PA-ETYPE-INFO2", "padata 19");
	is_str(krb_padata_name(128), "PA-PAC-REQUEST", "padata 128");
	is_str(krb_padata_name(129), "PA-FOR-USER", "padata 129");
	is_str(krb_padata_name(136), "PA-FX-FAST", "padata 136");
	is_str(krb_padata_name(138), "PA-ENCRYPTED-CHALLENGE", "padata 138");
	is_str(krb_padata_name(149), "PA-REQ-ENC-PA-REP", "padata 149");
	is_str(krb_padata_name(165), "PA-SUPPORTED-ETYPES", "padata 165");
	is_str(krb_padata_name(167), "PA-PAC-OPTIONS", "padata 167");
	is_str(krb_padata_name(0), "PA-NONE", "padata 0");
	ok(krb_padata_name(4) == NULL, "padata 4 reserved");

	is_str(krb_kdc_option_name(1), "forwardable", "kdc option 1");
	is_str(krb_kdc_option_name(2), "forwarded", "kdc option 2");
	is_str(krb_kdc_option_name(14), "cname-in-addl-tkt", "kdc option 14");
	is_str(krb_kdc_option_name(15), "canonicalize", "kdc option 15");
	is_str(krb_kdc_option_name(27), "renewable-ok", "kdc option 27");
	is_str(krb_kdc_option_name(31), "validate", "kdc option 31");
	ok(krb_kdc_option_name(7) == NULL, "kdc option 7 unused");
	ok(krb_kdc_option_name(32) == NULL, "kdc option 32 out of range");
	is_str(krb_ap_option_name(1), "use-session-key", "ap option 1");
	is_str(krb_ap_option_name(2), "mutual-required", "ap option 2");
	ok(krb_ap_option_name(3) == NULL, "ap option 3 unused");

	is_str(krb_name_type_name(1), "NT-PRINCIPAL", "name type 1");
	is_str(krb_name_type_name(2), "NT-SRV-INST", "name type 2");
	is_str(krb_name_type_name(10), "NT-ENTERPRISE", "name type 10");
	is_str(krb_name_type_name(-128), "NT-MS-PRINCIPAL", "name type -128");
	is_str(krb_name_type_name(0), "NT-UNKNOWN", "name type 0");
	ok(krb_name_type_name(8) == NULL, "name type 8 unknown");

	is_str(krb_msg_name(10), "AS-REQ", "msg 10");
	is_str(krb_msg_name(13), "TGS-REP", "msg 13");
	is_str(krb_msg_name(30), "KRB-ERROR", "msg 30");
	ok(krb_msg_name(0) == NULL, "msg 0 unknown");
	ok(krb_msg_name(18) == NULL, "msg 18 unknown");
}

/* ---- the port-88 dissector's TCP framing ---------------------------- */

#define MAX_SEEN	64

static int	seen_type[MAX_SEEN], seen_status[MAX_SEEN], n_seen;

static void
sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	(void)arg;
	(void)mc;
	if (n_seen < MAX_SEEN) {
		seen_type[n_seen] = m->msg_type;
		seen_status[n_seen] = m->status;
	}
	n_seen++;
}

struct stream {
	uint8_t		*buf;
	size_t		 len, cap;
};

extern const struct dissector dis_kerberos;

/*
 * What the stream layer does: keeps the unused bytes, calls feed while
 * it makes progress and has what was asked for.
 */
static int
stream_push(struct stream *s, void *st, struct dis_ctx *ctx,
    const uint8_t *p, size_t n, size_t *need_io)
{
	size_t used, need;
	int r, calls;

	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
		if (s->buf == NULL)
			abort();
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	for (calls = 0; s->len > 0 && s->len >= *need_io; calls++) {
		if (calls > 1000)
			return -1;		/* no progress: a bug */
		used = need = 0;
		r = dis_kerberos.feed(st, ctx, s->buf, s->len, &used, &need);
		if (used > s->len)
			return -1;
		memmove(s->buf, s->buf + used, s->len - used);
		s->len -= used;
		if (r == FEED_NEED) {
			if (used != 0 || need <= s->len)
				return -1;	/* contract broken */
			*need_io = need;
			return 0;
		}
		*need_io = 0;
		if (r != FEED_OK || used == 0)
			return -1;
	}
	return 0;
}

static void
test_tcp(void)
{
	struct engine_ops ops;
	struct engine eng;
	struct pkt_meta pkt;
	struct dis_ctx ctx;
	struct stream s;
	struct db a, b;
	uint8_t rec[4096], big[16];
	size_t n, i, need;
	void *st;
	int bad;

	memset(&ops, 0, sizeof(ops));
	ops.krb = sink;
	engine_init(&eng, &ops);
	memset(&pkt, 0, sizeof(pkt));
	pkt.frame = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.eng = &eng;
	ctx.pkt = &pkt;
	ctx.transport = TRANSPORT_TCP;
	ctx.sport = 50000;
	ctx.dport = 88;

	build_as_req(&a);
	build_error(&b);
	n = 0;
	rec[n++] = 0;
	rec[n++] = 0;
	rec[n++] = (uint8_t)(a.n >> 8);
	rec[n++] = (uint8_t)a.n;
	memcpy(rec + n, a.b, a.n);
	n += a.n;
	rec[n++] = 0;
	rec[n++] = 0;
	rec[n++] = (uint8_t)(b.n >> 8);
	rec[n++] = (uint8_t)b.n;
	memcpy(rec + n, b.b, b.n);
	n += b.n;

	is_int(dis_kerberos.probe(rec, n, TRANSPORT_TCP), 1,
	    "tcp probe: record mark + AS-REQ");
	is_int(dis_kerberos.probe(rec, 30, TRANSPORT_TCP), 1,
	    "tcp probe: first 30 bytes");
	is_int(dis_kerberos.probe(rec + 4, a.n, TRANSPORT_TCP), 0,
	    "tcp probe: no record mark");
	is_int(dis_kerberos.probe(rec + 4, a.n, TRANSPORT_UDP), 1,
	    "udp probe: AS-REQ");
	is_int(dis_kerberos.probe(rec, n, TRANSPORT_UDP), 0,
	    "udp probe: record mark is not a message");

	/* two records in one buffer */
	st = dis_kerberos.state_new();
	memset(&s, 0, sizeof(s));
	n_seen = 0;
	need = 0;
	ok(stream_push(&s, st, &ctx, rec, n, &need) == 0,
	    "two records: feed contract kept");
	is_int(n_seen, 2, "two records in one buffer: 2 messages");
	ok(seen_type[0] == KRB_AS_REQ && seen_type[1] == KRB_ERROR,
	    "two records: AS-REQ then KRB-ERROR");
	ok(seen_status[0] == KRB_OK && seen_status[1] == KRB_OK,
	    "two records: both ok");
	is_int(s.len, 0, "two records: all bytes used");
	dis_kerberos.state_free(st);

	/* the same, one byte at a time */
	st = dis_kerberos.state_new();
	s.len = 0;
	n_seen = 0;
	need = 0;
	bad = 0;
	for (i = 0; i < n; i++)
		if (stream_push(&s, st, &ctx, rec + i, 1, &need) != 0)
			bad++;
	is_int(bad, 0, "byte by byte: feed contract kept");
	is_int(n_seen, 2, "byte by byte: 2 messages");
	ok(seen_type[0] == KRB_AS_REQ && seen_type[1] == KRB_ERROR &&
	    seen_status[0] == KRB_OK && seen_status[1] == KRB_OK,
	    "byte by byte: both whole and ok");
	is_int(eng.st.dis_resyncs, 0, "byte by byte: no resync");
	dis_kerberos.state_free(st);

	/* garbage after a gap, then records: resync */
	st = dis_kerberos.state_new();
	s.len = 0;
	n_seen = 0;
	need = 0;
	dis_kerberos.gap(st, 0);
	memcpy(big, "\x17\x03\x03\x00\x20garbage!!!", 15);
	stream_push(&s, st, &ctx, big, 15, &need);
	ok(stream_push(&s, st, &ctx, rec, n, &need) == 0,
	    "resync: feed contract kept");
	is_int(n_seen, 2, "resync after garbage: 2 messages");
	is_int(eng.st.dis_resyncs, 1, "resync counted once");
	ok(seen_type[0] == KRB_AS_REQ && seen_status[0] == KRB_OK,
	    "resync: first record whole");
	dis_kerberos.state_free(st);

	/* mid-stream pickup inside a record: resync to the next one */
	st = dis_kerberos.state_new();
	s.len = 0;
	n_seen = 0;
	need = 0;
	dis_kerberos.gap(st, 0);
	ok(stream_push(&s, st, &ctx, rec + 40, n - 40, &need) == 0,
	    "pickup: feed contract kept");
	is_int(n_seen, 1, "pickup inside the first record: 1 message");
	ok(seen_type[0] == KRB_ERROR && seen_status[0] == KRB_OK,
	    "pickup: the second record whole");
	is_int(eng.st.dis_resyncs, 2, "pickup: resync counted");
	dis_kerberos.state_free(st);

	/* reserved bit in the mark; oversize mark */
	st = dis_kerberos.state_new();
	s.len = 0;
	n_seen = 0;
	need = 0;
	memcpy(big, "\x80\x00\x00\x10", 4);
	stream_push(&s, st, &ctx, big, 4, &need);
	memcpy(big, "\x7f\x00\x00\x10", 4);
	stream_push(&s, st, &ctx, big, 4, &need);
	ok(stream_push(&s, st, &ctx, rec, n, &need) == 0,
	    "bad marks: feed contract kept");
	is_int(n_seen, 2, "bad marks then records: 2 messages");
	is_int(eng.st.dis_resyncs, 3, "bad marks: one more resync");
	is_int(eng.st.dis_oversize, 0, "reserved bit is not oversize");
	dis_kerberos.state_free(st);

	st = dis_kerberos.state_new();
	s.len = 0;
	n_seen = 0;
	need = 0;
	memcpy(big, "\x01\x00\x00\x00", 4);	/* 16 MiB */
	stream_push(&s, st, &ctx, big, 4, &need);
	ok(stream_push(&s, st, &ctx, rec, n, &need) == 0,
	    "oversize: feed contract kept");
	is_int(eng.st.dis_oversize, 1, "oversize record counted");
	is_int(n_seen, 2, "oversize then records: 2 messages");
	dis_kerberos.state_free(st);

	/* UDP */
	ctx.transport = TRANSPORT_UDP;
	n_seen = 0;
	dis_kerberos.datagram(&ctx, rec + 4, a.n);
	is_int(n_seen, 1, "udp: one message");
	is_int(seen_status[0], KRB_OK, "udp: ok");
	dis_kerberos.datagram(&ctx, rec + 4, a.n - 10);
	is_int(n_seen, 2, "udp: cut message still emitted");
	is_int(seen_status[1], KRB_TRUNCATED, "udp: cut message truncated");
	dis_kerberos.datagram(&ctx, (const uint8_t *)"garbage", 7);
	is_int(n_seen, 2, "udp: garbage ignored");
	dis_kerberos.datagram(&ctx,
	    (const uint8_t *)"\x6a\x04\x30\x02\x02\x05", 6);
	is_int(n_seen, 3, "udp: broken message that starts like one");
	is_int(seen_status[2], KRB_INVALID, "udp: broken message invalid");

	free(s.buf);
	engine_fini(&eng);
}

/* ---- PA-DATA contents and e-data layouts ------------------------------ */

static void	build_pa_req(struct db *);
static void	build_error_edata(struct db *, const void *, size_t);
static void	check_flips(const char *, const uint8_t *, size_t);

/* An AS-REQ carrying one of each PA-DATA whose contents are decoded. */
static void
build_pa_req(struct db *d)
{
	static const uint8_t s2k[4] = { 0, 0, 0x10, 0 };
	struct db v;

	db_init(d);
	db_open(d, 0x6a);
	db_open(d, 0x30);
	db_ctx_int(d, 1, 5);
	db_ctx_int(d, 2, 10);
	db_open(d, 0xa3);
	db_open(d, 0x30);

	/* PA-ENC-TIMESTAMP: EncryptedData, etype 18, kvno 3 */
	db_init(&v);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 18);
	db_ctx_int(&v, 1, 3);
	db_open(&v, 0xa2);
	db_octets(&v, cipher_auth, sizeof(cipher_auth));
	db_close(&v);
	db_close(&v);
	db_padata(d, 2, v.b, v.n);

	/* PA-ETYPE-INFO2: { 18, salt, s2kparams }, { 23 } */
	db_init(&v);
	db_open(&v, 0x30);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 18);
	db_ctx_str(&v, 1, "LAB.EXAMPLEalice");
	db_open(&v, 0xa2);
	db_octets(&v, s2k, sizeof(s2k));
	db_close(&v);
	db_close(&v);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 23);
	db_close(&v);
	db_close(&v);
	db_padata(d, 19, v.b, v.n);

	/* PA-ETYPE-INFO: { 23, salt as OCTET STRING } */
	db_init(&v);
	db_open(&v, 0x30);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 23);
	db_open(&v, 0xa1);
	db_octets(&v, "S\x01", 2);
	db_close(&v);
	db_close(&v);
	db_close(&v);
	db_padata(d, 11, v.b, v.n);

	/* PA-PAC-REQUEST { include-pac FALSE } */
	db_padata(d, 128, "\x30\x05\xa0\x03\x01\x01\x00", 7);

	/* PA-FOR-USER { bob, LAB.EXAMPLE, cksum, "Kerberos" } */
	db_init(&v);
	db_open(&v, 0x30);
	db_principal(&v, 0, 1, "bob");
	db_ctx_str(&v, 1, "LAB.EXAMPLE");
	db_open(&v, 0xa2);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, -138);
	db_open(&v, 0xa1);
	db_octets(&v, cipher_rep, 16);
	db_close(&v);
	db_close(&v);
	db_close(&v);
	db_ctx_str(&v, 3, "Kerberos");
	db_close(&v);
	db_padata(d, 129, v.b, v.n);

	/* PA-S4U-X509-USER { user-id { nonce, carol, LAB.EXAMPLE }, cksum } */
	db_init(&v);
	db_open(&v, 0x30);
	db_open(&v, 0xa0);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 77);
	db_principal(&v, 1, 10, "carol/admin");
	db_ctx_str(&v, 2, "LAB.EXAMPLE");
	db_close(&v);
	db_close(&v);
	db_open(&v, 0xa1);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 16);
	db_open(&v, 0xa1);
	db_octets(&v, cipher_rep, 12);
	db_close(&v);
	db_close(&v);
	db_close(&v);
	db_close(&v);
	db_padata(d, 130, v.b, v.n);

	/* PA-PAC-OPTIONS: claims, resource-based-constrained-delegation */
	db_init(&v);
	db_open(&v, 0x30);
	db_open(&v, 0xa0);
	db_bits(&v, 0x90000000);
	db_close(&v);
	db_close(&v);
	db_padata(d, 167, v.b, v.n);

	/* PA-SUPPORTED-ENCTYPES: rc4, aes128, aes256, FAST; 4 bytes LE */
	db_padata(d, 165, "\x1c\x00\x01\x00", 4);

	db_padata(d, 136, "", 0);	/* PA-FX-FAST */
	db_padata(d, 16, "", 0);	/* PA-PK-AS-REQ */
	db_close(d);
	db_close(d);

	db_open(d, 0xa4);
	db_open(d, 0x30);
	db_open(d, 0xa0);
	db_bits(d, 0x40000000);
	db_close(d);
	db_ctx_str(d, 2, "LAB.EXAMPLE");
	db_principal(d, 3, 2, "krbtgt/LAB.EXAMPLE");
	db_ctx_int(d, 7, 99);
	db_open(d, 0xa8);
	db_open(d, 0x30);
	db_int(d, 18);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
	db_close(d);
}

/* KRB-ERROR 18 (client revoked) with the given e-data bytes. */
static void
build_error_edata(struct db *d, const void *ed, size_t n)
{
	db_init(d);
	db_open(d, 0x7e);
	db_open(d, 0x30);
	db_ctx_int(d, 0, 5);
	db_ctx_int(d, 1, 30);
	db_ctx_time(d, 2, "20210622092000Z");
	db_ctx_time(d, 4, "20210622092700Z");
	db_ctx_int(d, 5, 0);
	db_ctx_int(d, 6, 18);
	db_ctx_str(d, 9, "LAB.EXAMPLE");
	db_principal(d, 10, 2, "krbtgt/LAB.EXAMPLE");
	db_open(d, 0xac);
	db_octets(d, ed, n);
	db_close(d);
	db_close(d);
	db_close(d);
}

/* Every byte set to a few hostile values: decodes without a fault. */
static void
check_flips(const char *what, const uint8_t *p, size_t n)
{
	static const uint8_t vals[] = { 0x00, 0x7f, 0x80, 0xff, 0x30 };
	struct krb_msg m;
	uint8_t q[8192];
	size_t i, j, bad;

	bad = 0;
	for (i = 0; i < n && n <= sizeof(q); i++)
		for (j = 0; j < sizeof(vals); j++) {
			memcpy(q, p, n);
			q[i] = vals[j];
			(void)decode_copy(q, n, &m);
			if (m.n_etype_info > KRB_MAX_ETYPE_INFO ||
			    m.n_add_tickets > KRB_MAX_ADD_TICKETS ||
			    m.n_padata > KRB_MAX_PADATA)
				bad++;
		}
	is_int(bad, 0, what);
}

static void
test_pa_contents(void)
{
	const struct krb_etype_info *e;
	const struct krb_padata *pa;
	struct krb_msg m;
	struct db d;

	build_pa_req(&d);
	is_int(decode_copy(d.b, d.n, &m), 0, "PA contents: decodes");
	is_int(m.status, KRB_OK, "PA contents: status ok");
	is_int(m.n_padata, 10, "PA contents: 10 PA-DATA");

	pa = &m.padata[0];
	ok((pa->has & (KRB_PA_ETYPE | KRB_PA_KVNO)) ==
	    (KRB_PA_ETYPE | KRB_PA_KVNO), "ENC-TIMESTAMP: etype and kvno");
	is_int(pa->etype, 18, "ENC-TIMESTAMP: etype 18");
	is_int(pa->kvno, 3, "ENC-TIMESTAMP: kvno 3");

	pa = &m.padata[1];
	ok(pa->has & KRB_PA_ETYPE_INFO, "ETYPE-INFO2: decoded");
	is_int(pa->ei_n, 2, "ETYPE-INFO2: 2 entries");
	is_int(m.n_etype_info, 3, "ETYPE-INFO(2): 3 entries in all");
	e = &m.etype_info[pa->ei_first];
	is_int(e[0].etype, 18, "ETYPE-INFO2: first etype");
	is_int(e[0].has_salt, 1, "ETYPE-INFO2: salt present");
	is_str(e[0].salt, "LAB.EXAMPLEalice", "ETYPE-INFO2: salt");
	is_int(e[0].has_s2kparams, 1, "ETYPE-INFO2: s2kparams present");
	is_int(e[0].s2kparams_len, 4, "ETYPE-INFO2: s2kparams length");
	is_int(e[1].etype, 23, "ETYPE-INFO2: second etype");
	is_int(e[1].has_salt, 0, "ETYPE-INFO2: second has no salt");

	pa = &m.padata[2];
	is_int(pa->ei_n, 1, "ETYPE-INFO: 1 entry");
	e = &m.etype_info[pa->ei_first];
	is_int(e->etype, 23, "ETYPE-INFO: etype");
	is_str(e->salt, "S\\x01", "ETYPE-INFO: octet salt made printable");

	pa = &m.padata[3];
	ok(pa->has & KRB_PA_INCLUDE_PAC, "PAC-REQUEST: decoded");
	is_int(pa->include_pac, 0, "PAC-REQUEST: include-pac FALSE");

	pa = &m.padata[4];
	ok(pa->has & KRB_PA_USER, "FOR-USER: user");
	is_str(m.for_user, "bob@LAB.EXAMPLE", "FOR-USER: name@realm");
	ok(pa->has & KRB_PA_AUTH_PACKAGE, "FOR-USER: auth-package");
	is_str(m.auth_package, "Kerberos", "FOR-USER: auth-package value");

	pa = &m.padata[5];
	ok(pa->has & KRB_PA_USER, "S4U-X509-USER: user");
	is_str(m.s4u_user, "carol/admin@LAB.EXAMPLE", "S4U-X509-USER: cname");

	pa = &m.padata[6];
	ok(pa->has & KRB_PA_PAC_OPTIONS, "PAC-OPTIONS: decoded");
	is_int(pa->flags, 0x90000000u, "PAC-OPTIONS: claims + rbcd");

	pa = &m.padata[7];
	ok(pa->has & KRB_PA_SUPP_ETYPES, "SUPPORTED-ETYPES: decoded");
	is_int(pa->flags, 0x1001c, "SUPPORTED-ETYPES: bits");

	is_int(m.padata[8].has, 0, "FX-FAST: nothing decoded");
	is_int(m.armored, 1, "PA-FX-FAST: armored");
	is_int(m.pkinit, 1, "PA-PK-AS-REQ: pkinit");
	is_int(m.has_clock_offset, 0, "AS-REQ: no clock offset");
	is_int(m.e_data_kind, KRB_EDATA_NONE, "AS-REQ: no e-data kind");

	check_cuts("PA contents: every cut is truncated", d.b, d.n);
	check_flips("PA contents: hostile bytes decode safely", d.b, d.n);
}

/* Broken PA-DATA contents: skipped, the message stays ok. */
static void
test_pa_contents_bad(void)
{
	static const uint8_t bad_info2[] = {	/* entry without etype */
		0x30, 0x08, 0x30, 0x06, 0xa1, 0x04, 0x1b, 0x02, 'A', 'B'
	};
	struct krb_msg m;
	struct db d;

	db_init(&d);
	db_open(&d, 0x6a);
	db_open(&d, 0x30);
	db_ctx_int(&d, 1, 5);
	db_ctx_int(&d, 2, 10);
	db_open(&d, 0xa3);
	db_open(&d, 0x30);
	db_padata(&d, 2, "\x30\x03\x02\x01\x12", 5);	/* no [0] tag */
	db_padata(&d, 19, bad_info2, sizeof(bad_info2));
	db_padata(&d, 128, "\x30\x05\xa0\x03\x01\x02\x00", 7);	/* len 2 */
	db_padata(&d, 129, "\x30\x00", 2);
	db_padata(&d, 130, "\x30\x02\xa1\x00", 4);
	db_padata(&d, 167, "\x04\x00", 2);
	db_padata(&d, 165, "\x02\x01\x1c", 3);	/* DER, not 4 bytes */
	db_padata(&d, 11, "\x30\x80", 2);		/* indefinite */
	db_close(&d);
	db_close(&d);
	db_open(&d, 0xa4);
	db_open(&d, 0x30);
	db_open(&d, 0xa0);
	db_bits(&d, 0);
	db_close(&d);
	db_ctx_str(&d, 2, "LAB.EXAMPLE");
	db_ctx_int(&d, 7, 1);
	db_open(&d, 0xa8);
	db_open(&d, 0x30);
	db_int(&d, 18);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "bad PA contents: message still ok");
	is_int(m.n_padata, 8, "bad PA contents: 8 PA-DATA listed");
	is_int(m.padata[0].has, 0, "bad ENC-TIMESTAMP: nothing");
	is_int(m.padata[1].has & KRB_PA_ETYPE_INFO, KRB_PA_ETYPE_INFO,
	    "ETYPE-INFO2 without etype: an empty list");
	is_int(m.padata[1].ei_n, 0, "ETYPE-INFO2 without etype: no entry");
	is_int(m.padata[2].has, 0, "bad BOOLEAN: nothing");
	is_int(m.padata[3].has, 0, "empty FOR-USER: nothing");
	is_str(m.for_user, "", "empty FOR-USER: no user");
	is_int(m.padata[4].has, 0, "S4U without user-id: nothing");
	is_int(m.padata[5].has, 0, "PAC-OPTIONS not a SEQUENCE: nothing");
	is_int(m.padata[6].has, 0, "3-byte SUPPORTED-ETYPES: nothing");
	is_int(m.padata[7].has, 0, "indefinite ETYPE-INFO: nothing");
	is_int(m.armored, 0, "no FX-FAST: not armored");
	is_int(m.pkinit, 0, "no PK-AS-REQ: not pkinit");
	check_cuts("bad PA contents: every cut is truncated", d.b, d.n);
}

static void
test_error_edata(void)
{
	static const uint8_t ext[] = {	/* KERB-ERROR-DATA, KERB-EXT-ERROR */
		0x30, 0x15, 0xa1, 0x03, 0x02, 0x01, 0x03,
		0xa2, 0x0e, 0x04, 0x0c,
		0x34, 0x02, 0x00, 0xc0, 0, 0, 0, 0, 1, 0, 0, 0
	};
	static const uint8_t typed[] = {	/* TYPED-DATA: 104, 109 */
		0x30, 0x10,
		0x30, 0x09, 0xa0, 0x03, 0x02, 0x01, 0x68,
		0xa1, 0x02, 0x04, 0x00,
		0x30, 0x03, 0xa0, 0x01, 0x6d
	};
	static const uint8_t typed_ok[] = {
		0x30, 0x10,
		0x30, 0x07, 0xa0, 0x03, 0x02, 0x01, 0x68,
		0xa1, 0x00,
		0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x6d
	};
	struct krb_msg m;
	struct db d, md, v;

	build_error_edata(&d, ext, sizeof(ext));
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "KERB-EXT-ERROR: status ok");
	is_int(m.e_data_kind, KRB_EDATA_KERB_ERROR, "KERB-ERROR-DATA kind");
	is_int(m.has_e_data_type, 1, "KERB-ERROR-DATA: data-type");
	is_int(m.e_data_type, 3, "KERB-ERROR-DATA: extended");
	is_int(m.has_ntstatus, 1, "KERB-EXT-ERROR: status");
	is_int(m.ntstatus, 0xc0000234u, "KERB-EXT-ERROR: little-endian");
	is_str(krb_ntstatus_name(m.ntstatus), "STATUS_ACCOUNT_LOCKED_OUT",
	    "KERB-EXT-ERROR: name");
	is_int(m.n_padata, 0, "KERB-EXT-ERROR: no padata");
	is_int(m.has_clock_offset, 1, "KRB-ERROR: clock offset");
	is_int(m.clock_offset, 420, "KRB-ERROR: stime - ctime = 420 s");
	check_cuts("KERB-EXT-ERROR: every cut is truncated", d.b, d.n);
	check_flips("KERB-EXT-ERROR: hostile bytes", d.b, d.n);

	/* a TYPED-DATA with a broken second entry: not TYPED-DATA */
	build_error_edata(&d, typed, sizeof(typed));
	decode_copy(d.b, d.n, &m);
	is_int(m.e_data_kind, KRB_EDATA_UNKNOWN, "broken TYPED-DATA: unknown");
	build_error_edata(&d, typed_ok, sizeof(typed_ok));
	decode_copy(d.b, d.n, &m);
	is_int(m.e_data_kind, KRB_EDATA_TYPED, "TYPED-DATA kind");
	is_int(m.n_typed_data, 2, "TYPED-DATA: 2 entries");
	ok(m.typed_data[0] == 104 && m.typed_data[1] == 109,
	    "TYPED-DATA: types 104, 109");
	check_flips("TYPED-DATA: hostile bytes", d.b, d.n);

	build_error_edata(&d, "hello", 5);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "opaque e-data: status ok");
	is_int(m.e_data_kind, KRB_EDATA_UNKNOWN, "opaque e-data: unknown");

	/* METHOD-DATA with an ETYPE-INFO2 */
	db_init(&v);
	db_open(&v, 0x30);
	db_open(&v, 0x30);
	db_ctx_int(&v, 0, 17);
	db_ctx_str(&v, 1, "LAB.EXAMPLEdave");
	db_close(&v);
	db_close(&v);
	db_init(&md);
	db_open(&md, 0x30);
	db_padata(&md, 19, v.b, v.n);
	db_padata(&md, 136, "", 0);
	db_close(&md);
	build_error_edata(&d, md.b, md.n);
	decode_copy(d.b, d.n, &m);
	is_int(m.e_data_kind, KRB_EDATA_METHOD, "METHOD-DATA kind");
	is_int(m.n_padata, 2, "METHOD-DATA: 2 PA-DATA");
	is_int(m.padata[0].ei_n, 1, "METHOD-DATA: ETYPE-INFO2 entry");
	is_str(m.etype_info[m.padata[0].ei_first].salt, "LAB.EXAMPLEdave",
	    "METHOD-DATA: salt");
	is_int(m.armored, 0, "FX-FAST offered in e-data: not armored");
	check_cuts("METHOD-DATA error: every cut is truncated", d.b, d.n);

	/* a PA-FOR-USER in e-data is listed, its user not taken */
	db_init(&v);
	db_open(&v, 0x30);
	db_principal(&v, 0, 1, "eve");
	db_ctx_str(&v, 1, "LAB.EXAMPLE");
	db_close(&v);
	db_init(&md);
	db_open(&md, 0x30);
	db_padata(&md, 129, v.b, v.n);
	db_close(&md);
	build_error_edata(&d, md.b, md.n);
	decode_copy(d.b, d.n, &m);
	is_int(m.e_data_kind, KRB_EDATA_METHOD, "FOR-USER in e-data: METHOD");
	ok(m.n_padata == 1 && m.padata[0].has == 0,
	    "FOR-USER in e-data: listed, not decoded");
	is_str(m.for_user, "", "FOR-USER in e-data: no user");
}

static void
test_add_tickets(void)
{
	struct krb_msg m;
	struct db d;
	int i;

	build_tgs_req(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.n_additional_tickets, 1, "additional tickets: count");
	is_int(m.n_add_tickets, 1, "additional tickets: decoded");
	is_str(m.add_tickets[0].sname, "HTTP/web01.corp.example",
	    "additional ticket: sname");
	is_str(m.add_tickets[0].realm, "CORP.EXAMPLE",
	    "additional ticket: realm");
	is_int(m.add_tickets[0].etype, 18, "additional ticket: etype");
	is_int(m.add_tickets[0].kvno, 7, "additional ticket: kvno");
	ok(m.padata[0].has & KRB_PA_AP_OPTIONS, "PA-TGS-REQ: ap-options");
	is_int(m.padata[0].ap_options, 0, "PA-TGS-REQ: none set");
	ok(m.padata[1].has & KRB_PA_PAC_OPTIONS, "TGS-REQ PAC-OPTIONS");
	is_int(m.padata[1].flags, 0x10000000u,
	    "TGS-REQ PAC-OPTIONS: resource-based-constrained-delegation");

	/* six tickets: all counted, four kept */
	db_init(&d);
	db_open(&d, 0x6c);
	db_open(&d, 0x30);
	db_ctx_int(&d, 1, 5);
	db_ctx_int(&d, 2, 12);
	db_open(&d, 0xa4);
	db_open(&d, 0x30);
	db_open(&d, 0xa0);
	db_bits(&d, 0x00020000);
	db_close(&d);
	db_ctx_str(&d, 2, "CORP.EXAMPLE");
	db_ctx_int(&d, 7, 1);
	db_open(&d, 0xa8);
	db_open(&d, 0x30);
	db_int(&d, 18);
	db_close(&d);
	db_close(&d);
	db_open(&d, 0xab);
	db_open(&d, 0x30);
	for (i = 0; i < 6; i++)
		db_ticket(&d, "CORP.EXAMPLE", "cifs/fs1", 23, i, cipher_svc,
		    sizeof(cipher_svc));
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	db_close(&d);
	decode_copy(d.b, d.n, &m);
	is_int(m.status, KRB_OK, "6 additional tickets: ok");
	is_int(m.n_additional_tickets, 6, "6 additional tickets counted");
	is_int(m.n_add_tickets, KRB_MAX_ADD_TICKETS, "4 decoded");
	is_int(m.add_tickets[3].kvno, 3, "4th kept ticket: kvno 3");
	check_cuts("6 additional tickets: every cut is truncated", d.b, d.n);
}

static void
test_new_names(void)
{
	is_str(krb_ntstatus_name(0xc000006au), "STATUS_WRONG_PASSWORD",
	    "ntstatus: wrong password");
	is_str(krb_ntstatus_name(0xc0000133u), "STATUS_TIME_DIFFERENCE_AT_DC",
	    "ntstatus: time difference");
	is_str(krb_ntstatus_name(0xc0000320u), "STATUS_PKINIT_FAILURE",
	    "ntstatus: pkinit failure");
	ok(krb_ntstatus_name(0xc0001234u) == NULL, "ntstatus: unknown");
	is_str(krb_pac_option_name(0), "claims", "pac option 0");
	is_str(krb_pac_option_name(3), "resource-based-constrained-delegation",
	    "pac option 3");
	ok(krb_pac_option_name(4) == NULL, "pac option 4 unknown");
	is_str(krb_supp_etype_name(2), "rc4-hmac", "supported etype bit 2");
	is_str(krb_supp_etype_name(5), "aes256-cts-hmac-sha1-96-sk",
	    "supported etype bit 5");
	is_str(krb_supp_etype_name(16), "fast-supported", "bit 16");
	is_str(krb_supp_etype_name(19), "resource-sid-compression-disabled",
	    "bit 19");
	ok(krb_supp_etype_name(8) == NULL, "bit 8 unknown");
	ok(krb_supp_etype_name(40) == NULL, "bit 40 unknown");
}

/* RFC 2743 3.1 framing around an AP-REQ: [APPLICATION 0] OID TOK_ID msg */
static void
test_gss(void)
{
	static const uint8_t krb5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
	    0xf7, 0x12, 0x01, 0x02, 0x02 };
	static const uint8_t ms[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82,
	    0xf7, 0x12, 0x01, 0x02, 0x02 };
	static const uint8_t spnego[] = { 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05,
	    0x05, 0x02 };
	static const uint8_t tok_ap_req[] = { 0x01, 0x00 };
	struct krb_msg m;
	struct db ap, g;
	size_t cut;
	int rc, bad;

	build_ap_req(&ap, "HTTP/web.corp.example", 18, 3, cipher_svc,
	    sizeof(cipher_svc), 0x20000000);
	db_init(&g);
	db_open(&g, 0x60);
	db_raw(&g, krb5, sizeof(krb5));
	db_raw(&g, tok_ap_req, sizeof(tok_ap_req));
	db_raw(&g, ap.b, ap.n);
	db_close(&g);
	rc = krb_decode_gss(g.b, g.n, &m);
	is_int(rc, 0, "gss: krb5 token decodes");
	is_int(m.gss_mech, KRB_GSS_KRB5, "gss: mech krb5");
	is_int(m.gss_tok_id, 0x0100, "gss: TOK_ID AP-REQ");
	is_int(m.msg_type, KRB_AP_REQ, "gss: the AP-REQ inside");
	is_str(m.ticket.sname, "HTTP/web.corp.example", "gss: its ticket");
	ok(m.has_ap_options && m.ap_options == 0x20000000,
	    "gss: mutual-required");
	is_str(krb_gss_mech_name(m.gss_mech), "krb5", "gss: mech name");
	is_str(krb_gss_tok_name(m.gss_tok_id), "AP-REQ", "gss: TOK_ID name");

	db_init(&g);
	db_open(&g, 0x60);
	db_raw(&g, ms, sizeof(ms));
	db_raw(&g, tok_ap_req, sizeof(tok_ap_req));
	db_raw(&g, ap.b, ap.n);
	db_close(&g);
	rc = krb_decode_gss(g.b, g.n, &m);
	ok(rc == 0 && m.gss_mech == KRB_GSS_MS_KRB5,
	    "gss: Microsoft's legacy OID");
	is_str(krb_gss_mech_name(m.gss_mech), "ms-krb5", "gss: its name");

	db_init(&g);
	db_open(&g, 0x60);
	db_raw(&g, spnego, sizeof(spnego));
	db_raw(&g, ap.b, ap.n);
	db_close(&g);
	is_int(krb_decode_gss(g.b, g.n, &m), E_UNSUPP,
	    "gss: another mechanism (SPNEGO) is not ours");
	is_int(m.gss_mech, 0, "gss: and leaves no mech behind");
	is_int(krb_decode_gss(ap.b, ap.n, &m), E_UNSUPP,
	    "gss: a bare AP-REQ has no framing");

	/* cut anywhere: never a crash, never ok with a message inside */
	db_init(&g);
	db_open(&g, 0x60);
	db_raw(&g, krb5, sizeof(krb5));
	db_raw(&g, tok_ap_req, sizeof(tok_ap_req));
	db_raw(&g, ap.b, ap.n);
	db_close(&g);
	bad = 0;
	for (cut = 0; cut < g.n; cut++) {
		rc = krb_decode_gss(g.b, cut, &m);
		if (rc == 0)
			bad++;
	}
	is_int(bad, 0, "gss: every cut token is unsupported or truncated");

	/* ticket flags, as MIT's TKT_FLG_* bit positions */
	is_str(krb_ticket_flag_name(1), "forwardable", "ticket flag 1");
	is_str(krb_ticket_flag_name(13), "ok-as-delegate", "ticket flag 13");
	is_str(krb_ticket_flag_name(15), "enc-pa-rep", "ticket flag 15");
	ok(krb_ticket_flag_name(14) == NULL, "ticket flag 14 unassigned");
	ok(krb_ticket_flag_name(32) == NULL, "ticket flag 32: none");
}

int
main(void)
{
	make_ciphers();
	test_as_req();
	test_as_rep();
	test_tgs_req();
	test_ap_req();
	test_error();
	test_error_kerb_error_data();
	test_cred_and_others();
	test_invalid();
	test_caps();
	test_probe();
	test_ticket_id();
	test_names();
	test_tcp();
	test_pa_contents();
	test_pa_contents_bad();
	test_error_edata();
	test_add_tickets();
	test_new_names();
	test_gss();
	return done_testing();
}
