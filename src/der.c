/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * der.c - minimal DER TLV reader on the bounds-checked cursor.
 * ITU-T X.690 (08/2015) sections 8.1 (identifier and length octets),
 * 8.3 (INTEGER), 8.6 (BIT STRING), 11.7 (GeneralizedTime); RFC 4120
 * section 5.2.3 (KerberosTime).
 *
 * The hot path of Kerberos decoding: no allocation, every byte read
 * through struct cur. Deliberate tolerance, because real encoders are
 * sloppy: non-minimal length and INTEGER encodings are accepted, unused
 * bits of a BIT STRING are masked rather than checked, and a UInt32 sent
 * as a negative Int32 is taken modulo 2^32.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "der.h"

static int	read_ident(struct cur *, uint8_t *, int *, uint32_t *);
static int	read_length(struct cur *, size_t *);
static int	read_tlv(struct cur *, struct der_tlv *, int, size_t *);
static int	fail(struct cur *, int);
static int	is_leap(int64_t);
static int	days_in_month(int64_t, int);
static int64_t	days_from_civil(int64_t, int, int);
static int	digits(const uint8_t *, size_t, int *);

static int
fail(struct cur *c, int err)
{
	cur_fail(c, err);
	return c->err;
}

/* Identifier octets (X.690 8.1.2), low and high tag number forms. */
static int
read_ident(struct cur *c, uint8_t *cls, int *constructed, uint32_t *tag)
{
	uint8_t b;
	uint32_t t;
	int n;

	b = cur_get_u8(c);
	if (c->err != 0)
		return c->err;
	*cls = b & 0xc0;
	*constructed = (b & 0x20) != 0;
	t = b & 0x1f;
	if (t == 0x1f) {
		t = 0;
		n = 0;
		do {
			b = cur_get_u8(c);
			if (c->err != 0)
				return c->err;
			/* a leading 0x80 is padding DER forbids */
			if (n == 0 && b == 0x80)
				return fail(c, E_INVALID);
			if (t > (UINT32_MAX >> 7))
				return fail(c, E_INVALID);
			t = t << 7 | (b & 0x7f);
			n++;
		} while (b & 0x80);
		/* tags below 31 must use the low tag number form */
		if (t < 0x1f)
			return fail(c, E_INVALID);
	}
	*tag = t;
	return 0;
}

/* Length octets (X.690 8.1.3): definite only, at most 4 length bytes. */
static int
read_length(struct cur *c, size_t *len)
{
	uint8_t b;
	uint32_t v;
	int n, i;

	b = cur_get_u8(c);
	if (c->err != 0)
		return c->err;
	if (b < 0x80) {
		*len = b;
		return 0;
	}
	if (b == 0x80)			/* indefinite: not DER */
		return fail(c, E_INVALID);
	n = b & 0x7f;
	if (n > 4)			/* includes the reserved 0xff */
		return fail(c, E_INVALID);
	v = 0;
	for (i = 0; i < n; i++)
		v = v << 8 | cur_get_u8(c);
	if (c->err != 0)
		return c->err;
	*len = v;
	return 0;
}

static int
read_tlv(struct cur *c, struct der_tlv *tlv, int partial, size_t *claimed)
{
	size_t before, len;
	uint8_t id, lb;
	int rc;

	/* the common case: low tag number, short length, all of it here */
	if (c->err == 0 && c->len >= 2 && c->depth < DER_MAX_DEPTH) {
		id = cur_peek_u8(c, 0);
		lb = cur_peek_u8(c, 1);
		if ((id & 0x1f) != 0x1f && lb < 0x80 && lb <= c->len - 2) {
			tlv->cls = id & 0xc0;
			tlv->constructed = (id & 0x20) != 0;
			tlv->tag = id & 0x1fU;
			tlv->hdr_len = 2;
			if (claimed != NULL)
				*claimed = lb;
			cur_skip(c, 2);
			cur_sub(c, lb, &tlv->val);
			tlv->val.depth = c->depth + 1;
			return 0;
		}
	}
	memset(tlv, 0, sizeof(*tlv));
	cur_init(&tlv->val, NULL, 0);
	if (claimed != NULL)
		*claimed = 0;
	if (c->err != 0)
		return c->err;
	if (c->len == 0)
		return fail(c, E_TRUNC);
	if (c->depth >= DER_MAX_DEPTH)
		return fail(c, E_INVALID);
	before = c->len;
	len = 0;
	if ((rc = read_ident(c, &tlv->cls, &tlv->constructed,
	    &tlv->tag)) != 0)
		return rc;
	if ((rc = read_length(c, &len)) != 0)
		return rc;
	tlv->hdr_len = before - c->len;
	if (claimed != NULL)
		*claimed = len;
	if (len > c->len) {
		if (!partial)
			return fail(c, E_TRUNC);
		len = c->len;
	}
	cur_sub(c, len, &tlv->val);
	tlv->val.depth = c->depth + 1;
	return c->err;
}

int
der_read(struct cur *c, struct der_tlv *tlv)
{
	return read_tlv(c, tlv, 0, NULL);
}

int
der_read_partial(struct cur *c, struct der_tlv *tlv, size_t *claimed_out)
{
	return read_tlv(c, tlv, 1, claimed_out);
}

int
der_expect(struct cur *c, uint8_t cls, uint32_t tag, struct der_tlv *tlv)
{
	int rc;

	if ((rc = der_read(c, tlv)) != 0)
		return rc;
	if (tlv->cls != cls || tlv->tag != tag)
		return fail(c, E_INVALID);
	if (cls == DER_UNIVERSAL) {
		/* SEQUENCE and SET are constructed, the rest primitive */
		if (tag == DER_TAG_SEQUENCE || tag == 17) {
			if (!tlv->constructed)
				return fail(c, E_INVALID);
		} else if (tlv->constructed)
			return fail(c, E_INVALID);
	}
	return 0;
}

int
der_ctx_opt(struct cur *c, uint32_t n, struct cur *inner)
{
	struct der_tlv tlv;
	struct cur peek;
	uint8_t cls;
	uint32_t tag;
	int constructed, rc;

	cur_init(inner, NULL, 0);
	inner->depth = c->depth + 1;
	if (c->err != 0)
		return c->err;
	if (c->len == 0)
		return 0;
	peek = *c;
	if ((rc = read_ident(&peek, &cls, &constructed, &tag)) != 0)
		return fail(c, rc);
	if (cls != DER_CONTEXT || tag != n)
		return 0;
	if (!constructed)		/* Kerberos tags are EXPLICIT */
		return fail(c, E_INVALID);
	if ((rc = der_read(c, &tlv)) != 0)
		return rc;
	*inner = tlv.val;
	return 1;
}

int
der_get_int(struct cur *c, int64_t *v)
{
	struct der_tlv tlv;
	uint64_t u;
	size_t i, n;
	uint8_t b;
	int rc;

	*v = 0;
	if ((rc = der_expect(c, DER_UNIVERSAL, DER_TAG_INTEGER, &tlv)) != 0)
		return rc;
	n = tlv.val.len;
	if (n == 0 || n > 8)
		return fail(c, E_INVALID);
	b = cur_get_u8(&tlv.val);
	u = (b & 0x80) ? UINT64_MAX << 8 | b : b;	/* sign-extend */
	for (i = 1; i < n; i++)
		u = u << 8 | cur_get_u8(&tlv.val);
	*v = (int64_t)u;
	return 0;
}

int
der_get_uint32(struct cur *c, uint32_t *v)
{
	int64_t x;
	int rc;

	*v = 0;
	if ((rc = der_get_int(c, &x)) != 0)
		return rc;
	/* negative Int32 for a UInt32 (kvno, nonce): seen from real KDCs */
	if (x < INT32_MIN || x > (int64_t)UINT32_MAX)
		return fail(c, E_INVALID);
	*v = (uint32_t)x;
	return 0;
}

int
der_get_bits32(struct cur *c, uint32_t *v)
{
	struct der_tlv tlv;
	uint32_t x;
	uint8_t unused;
	size_t n, i;
	int rc;

	*v = 0;
	if ((rc = der_expect(c, DER_UNIVERSAL, DER_TAG_BIT_STRING,
	    &tlv)) != 0)
		return rc;
	n = tlv.val.len;
	if (n == 0)
		return fail(c, E_INVALID);
	unused = cur_get_u8(&tlv.val);
	if (unused > 7 || (n == 1 && unused != 0))
		return fail(c, E_INVALID);
	n--;
	x = 0;
	for (i = 0; i < n && i < 4; i++)
		x |= (uint32_t)cur_get_u8(&tlv.val) << (24 - 8 * i);
	/* the unused bits of the last octet mean nothing */
	if (n > 0 && n <= 4)
		x &= ~((((uint32_t)1 << unused) - 1) << (24 - 8 * (n - 1)));
	*v = x;
	return 0;
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dm[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* 0..399 */
	/* day of the year starting in March, 0..365 */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* 0..146096 */
	return era * 146097 + doe - 719468;
}

/* n ASCII digits to an int; 0 if all were digits. */
static int
digits(const uint8_t *p, size_t n, int *out)
{
	size_t i;
	int v;

	v = 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

int
der_get_time(struct cur *c, int64_t *epoch)
{
	struct der_tlv tlv;
	const uint8_t *p;
	size_t n, i;
	int y, mo, d, h, mi, s, rc;

	*epoch = 0;
	if ((rc = der_expect(c, DER_UNIVERSAL, DER_TAG_GENERALIZEDTIME,
	    &tlv)) != 0)
		return rc;
	n = tlv.val.len;
	p = cur_get_bytes(&tlv.val, n);
	/* YYYYMMDDHHMMSS[.f+]Z; fractions are not Kerberos but tolerated */
	if (p == NULL || n < 15 || p[n - 1] != 'Z')
		return fail(c, E_INVALID);
	if (n > 15) {
		if (n < 17 || (p[14] != '.' && p[14] != ','))
			return fail(c, E_INVALID);
		for (i = 15; i < n - 1; i++)
			if (p[i] < '0' || p[i] > '9')
				return fail(c, E_INVALID);
	}
	if (digits(p, 4, &y) != 0 || digits(p + 4, 2, &mo) != 0 ||
	    digits(p + 6, 2, &d) != 0 || digits(p + 8, 2, &h) != 0 ||
	    digits(p + 10, 2, &mi) != 0 || digits(p + 12, 2, &s) != 0)
		return fail(c, E_INVALID);
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || s > 60)
		return fail(c, E_INVALID);
	*epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}

int
der_get_octets(struct cur *c, const uint8_t **p, size_t *len)
{
	struct der_tlv tlv;
	int rc;

	*p = NULL;
	*len = 0;
	if ((rc = der_expect(c, DER_UNIVERSAL, DER_TAG_OCTET_STRING,
	    &tlv)) != 0)
		return rc;
	*len = tlv.val.len;
	*p = tlv.val.p;
	return 0;
}

int
der_get_string(struct cur *c, const uint8_t **p, size_t *len)
{
	struct der_tlv tlv;
	int rc;

	*p = NULL;
	*len = 0;
	if ((rc = der_read(c, &tlv)) != 0)
		return rc;
	if (tlv.cls != DER_UNIVERSAL || tlv.constructed)
		return fail(c, E_INVALID);
	switch (tlv.tag) {
	case DER_TAG_UTF8STRING:
	case 18:			/* NumericString */
	case 19:			/* PrintableString */
	case 20:			/* TeletexString */
	case DER_TAG_IA5STRING:
	case 25:			/* GraphicString */
	case 26:			/* VisibleString */
	case DER_TAG_GENERALSTRING:
		break;
	default:
		return fail(c, E_INVALID);
	}
	*len = tlv.val.len;
	*p = tlv.val.p;
	return 0;
}
