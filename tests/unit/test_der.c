/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_der.c - the DER TLV reader (X.690): identifier and length forms,
 * what is rejected, truncated versus invalid, nesting depth, and the
 * typed readers.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "der.h"
#include "tap.h"

#define B(s)	(const uint8_t *)(s), sizeof(s) - 1

static int	read_one(const uint8_t *, size_t, struct der_tlv *);
static int	int_of(const uint8_t *, size_t, int64_t *);
static int	u32_of(const uint8_t *, size_t, uint32_t *);
static int	bits_of(const uint8_t *, size_t, uint32_t *);
static int	time_of(const char *, int64_t *);
static void	test_lengths(void);
static void	test_tags(void);
static void	test_rejects(void);
static void	test_partial(void);
static void	test_depth(void);
static void	test_expect(void);
static void	test_ctx_opt(void);
static void	test_int(void);
static void	test_bits(void);
static void	test_time(void);
static void	test_strings(void);

static int
read_one(const uint8_t *p, size_t n, struct der_tlv *t)
{
	struct cur c;
	int rc;

	cur_init(&c, p, n);
	rc = der_read(&c, t);
	if (rc != c.err)
		return 99;		/* the return must mirror c->err */
	return rc;
}

static int
int_of(const uint8_t *p, size_t n, int64_t *v)
{
	struct cur c;

	cur_init(&c, p, n);
	return der_get_int(&c, v);
}

static int
u32_of(const uint8_t *p, size_t n, uint32_t *v)
{
	struct cur c;

	cur_init(&c, p, n);
	return der_get_uint32(&c, v);
}

static int
bits_of(const uint8_t *p, size_t n, uint32_t *v)
{
	struct cur c;

	cur_init(&c, p, n);
	return der_get_bits32(&c, v);
}

/* GeneralizedTime TLV around the text s. */
static int
time_of(const char *s, int64_t *v)
{
	uint8_t b[64];
	struct cur c;
	size_t n;

	n = strlen(s);
	b[0] = DER_TAG_GENERALIZEDTIME;
	b[1] = (uint8_t)n;
	memcpy(b + 2, s, n);
	cur_init(&c, b, n + 2);
	return der_get_time(&c, v);
}

static void
test_lengths(void)
{
	uint8_t big[4 + 300];
	struct der_tlv t;
	struct cur c;
	int rc;

	rc = read_one(B("\x02\x01\x05"), &t);
	is_int(rc, 0, "short length");
	is_int(t.cls, DER_UNIVERSAL, "short: universal");
	is_int(t.tag, DER_TAG_INTEGER, "short: tag 2");
	is_int(t.constructed, 0, "short: primitive");
	is_int(t.val.len, 1, "short: 1 content byte");
	is_int(t.hdr_len, 2, "short: 2 header bytes");
	is_int(t.val.depth, 1, "contents are one level deeper");
	is_int(cur_peek_u8(&t.val, 0), 5, "short: contents");

	rc = read_one(B("\x04\x00"), &t);
	is_int(rc, 0, "zero length");
	is_int(t.val.len, 0, "zero length: empty contents");

	memset(big, 0xaa, sizeof(big));
	big[0] = 0x04;
	big[1] = 0x81;
	big[2] = 0x80;
	rc = read_one(big, 3 + 128, &t);
	is_int(rc, 0, "long form, 1 length byte");
	is_int(t.val.len, 128, "long form 0x81 0x80: 128");
	is_int(t.hdr_len, 3, "long form 0x81: 3 header bytes");

	big[1] = 0x82;
	big[2] = 0x01;
	big[3] = 0x2c;
	rc = read_one(big, 4 + 300, &t);
	is_int(rc, 0, "long form, 2 length bytes");
	is_int(t.val.len, 300, "long form 0x82 0x01 0x2c: 300");
	is_int(t.hdr_len, 4, "long form 0x82: 4 header bytes");

	rc = read_one(B("\x04\x84\x00\x00\x00\x03\xaa\xbb\xcc"), &t);
	is_int(rc, 0, "4 length bytes accepted (non-minimal tolerated)");
	is_int(t.val.len, 3, "4 length bytes: 3");
	is_int(t.hdr_len, 6, "4 length bytes: 6 header bytes");

	/* the parent is left after the TLV */
	cur_init(&c, B("\x02\x01\x05\x02\x01\x06"));
	rc = der_read(&c, &t);
	is_int(rc, 0, "first of two");
	is_int(cur_left(&c), 3, "parent left after the first TLV");
	rc = der_read(&c, &t);
	is_int(cur_peek_u8(&t.val, 0), 6, "second TLV read");
	is_int(cur_left(&c), 0, "parent empty after the second");
	rc = der_read(&c, &t);
	is_int(rc, E_TRUNC, "reading an empty cursor: E_TRUNC");
}

static void
test_tags(void)
{
	struct der_tlv t;
	int rc;

	rc = read_one(B("\x30\x00"), &t);
	is_int(t.constructed, 1, "0x30 constructed");
	is_int(t.tag, 16, "0x30 SEQUENCE");

	rc = read_one(B("\x6a\x00"), &t);
	is_int(rc, 0, "application 10");
	is_int(t.cls, DER_APPLICATION, "0x6a application class");
	is_int(t.tag, 10, "0x6a tag 10");
	is_int(t.constructed, 1, "0x6a constructed");

	rc = read_one(B("\xa3\x00"), &t);
	is_int(t.cls, DER_CONTEXT, "0xa3 context class");
	is_int(t.tag, 3, "0xa3 tag 3");

	rc = read_one(B("\xc1\x00"), &t);
	is_int(t.cls, DER_PRIVATE, "0xc1 private class");

	rc = read_one(B("\x9f\x1f\x01\x00"), &t);
	is_int(rc, 0, "high tag number 31");
	is_int(t.tag, 31, "high tag number 31 value");
	is_int(t.cls, DER_CONTEXT, "high tag number class kept");
	is_int(t.hdr_len, 3, "high tag number 31: 3 header bytes");

	rc = read_one(B("\x7f\x87\x68\x00"), &t);
	is_int(rc, 0, "high tag number 1000");
	is_int(t.tag, 1000, "two-byte tag number");
	is_int(t.constructed, 1, "high tag constructed bit kept");

	rc = read_one(B("\x9f\x8f\xff\xff\xff\x7f\x00"), &t);
	is_int(rc, 0, "tag number 2^32-1 fits");
	ok(t.tag == 0xffffffffU, "tag number 2^32-1 value");

	rc = read_one(B("\x9f\x90\x80\x80\x80\x00\x00"), &t);
	is_int(rc, E_INVALID, "tag number over 32 bits: invalid");
	rc = read_one(B("\x9f\x80\x1f\x00"), &t);
	is_int(rc, E_INVALID, "high tag with leading 0x80: invalid");
	rc = read_one(B("\x9f\x05\x00"), &t);
	is_int(rc, E_INVALID, "high tag form for a low tag: invalid");
}

static void
test_rejects(void)
{
	struct der_tlv t;
	int rc;

	rc = read_one(B("\x30\x80\x00\x00"), &t);
	is_int(rc, E_INVALID, "indefinite length rejected");
	rc = read_one(B("\x04\x85\x00\x00\x00\x00\x01\xaa"), &t);
	is_int(rc, E_INVALID, "5 length bytes rejected");
	rc = read_one(B("\x04\xff\x00"), &t);
	is_int(rc, E_INVALID, "length 0xff rejected");

	/* the capture ended: truncated, not invalid */
	rc = read_one(B("\x30"), &t);
	is_int(rc, E_TRUNC, "no length byte: truncated");
	rc = read_one(B("\x04\x82\x01"), &t);
	is_int(rc, E_TRUNC, "length bytes cut: truncated");
	rc = read_one(B("\x9f"), &t);
	is_int(rc, E_TRUNC, "high tag cut: truncated");
	rc = read_one(B("\x9f\x81"), &t);
	is_int(rc, E_TRUNC, "high tag continuation cut: truncated");
	rc = read_one(B("\x04\x05\xaa\xbb"), &t);
	is_int(rc, E_TRUNC, "contents longer than the bytes: truncated");
	rc = read_one(B("\x04\x84\xff\xff\xff\xff\x00"), &t);
	is_int(rc, E_TRUNC, "4 GiB contents: truncated");
	rc = read_one(B(""), &t);
	is_int(rc, E_TRUNC, "nothing at all: truncated");
}

static void
test_partial(void)
{
	struct der_tlv t;
	struct cur c;
	size_t claimed;
	int rc;

	cur_init(&c, B("\x04\x05\xaa\xbb"));
	rc = der_read_partial(&c, &t, &claimed);
	is_int(rc, 0, "partial: cut TLV accepted");
	is_int(claimed, 5, "partial: claimed length");
	is_int(t.val.len, 2, "partial: the bytes there are");
	is_int(t.hdr_len, 2, "partial: header length");
	is_int(cur_left(&c), 0, "partial: parent consumed");
	is_int(c.err, 0, "partial: no error");

	cur_init(&c, B("\x04\x02\xaa\xbb\xcc"));
	rc = der_read_partial(&c, &t, &claimed);
	is_int(rc, 0, "partial on a whole TLV");
	is_int(claimed, 2, "partial whole: claimed");
	is_int(t.val.len, 2, "partial whole: contents");
	is_int(cur_left(&c), 1, "partial whole: parent after the TLV");

	cur_init(&c, B("\x04\x82\x01"));
	rc = der_read_partial(&c, &t, &claimed);
	is_int(rc, E_TRUNC, "partial: cut header still truncated");
	cur_init(&c, B("\x30\x80"));
	rc = der_read_partial(&c, &t, &claimed);
	is_int(rc, E_INVALID, "partial: indefinite still invalid");
}

/* n nested SEQUENCEs around nothing. */
static int
walk_nested(int n)
{
	uint8_t b[64];
	struct der_tlv t;
	struct cur c;
	int i, rc;

	for (i = 0; i < n; i++) {
		b[2 * i] = 0x30;
		b[2 * i + 1] = (uint8_t)(2 * (n - i - 1));
	}
	cur_init(&c, b, (size_t)(2 * n));
	for (i = 0; i < n; i++) {
		if ((rc = der_read(&c, &t)) != 0)
			return rc;
		c = t.val;
	}
	return (int)c.depth;
}

static void
test_depth(void)
{
	is_int(walk_nested(1), 1, "depth 1");
	is_int(walk_nested(16), 16, "depth 16 accepted");
	is_int(walk_nested(17), E_INVALID, "depth 17 rejected");
	is_int(walk_nested(30), E_INVALID, "depth 30 rejected");
}

static void
test_expect(void)
{
	struct der_tlv t;
	struct cur c;
	int rc;

	cur_init(&c, B("\x02\x01\x05"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_INTEGER, &t);
	is_int(rc, 0, "expect INTEGER");
	cur_init(&c, B("\x02\x01\x05"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_OCTET_STRING, &t);
	is_int(rc, E_INVALID, "expect the wrong tag: invalid");
	is_int(c.err, E_INVALID, "expect failure stored in the cursor");
	cur_init(&c, B("\x02\x01\x05"));
	rc = der_expect(&c, DER_CONTEXT, DER_TAG_INTEGER, &t);
	is_int(rc, E_INVALID, "expect the wrong class: invalid");
	cur_init(&c, B("\x10\x00"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_SEQUENCE, &t);
	is_int(rc, E_INVALID, "primitive SEQUENCE: invalid");
	cur_init(&c, B("\x30\x00"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_SEQUENCE, &t);
	is_int(rc, 0, "constructed SEQUENCE");
	cur_init(&c, B("\x22\x00"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_INTEGER, &t);
	is_int(rc, E_INVALID, "constructed INTEGER: invalid");
	cur_init(&c, B("\x6a\x00"));
	rc = der_expect(&c, DER_APPLICATION, 10, &t);
	is_int(rc, 0, "expect APPLICATION 10");
	cur_init(&c, B("\x02\x03\x05"));
	rc = der_expect(&c, DER_UNIVERSAL, DER_TAG_INTEGER, &t);
	is_int(rc, E_TRUNC, "expect on cut contents: truncated");
}

static void
test_ctx_opt(void)
{
	struct cur c, in;
	int64_t v;
	int rc;

	cur_init(&c, B("\xa0\x03\x02\x01\x05\xa2\x03\x02\x01\x06"));
	rc = der_ctx_opt(&c, 1, &in);
	is_int(rc, 0, "ctx_opt: other tag gives 0");
	is_int(cur_left(&c), 10, "ctx_opt: other tag consumes nothing");
	rc = der_ctx_opt(&c, 0, &in);
	is_int(rc, 1, "ctx_opt: [0] present");
	is_int(in.depth, 1, "ctx_opt: inner one level deeper");
	rc = der_get_int(&in, &v);
	is_int(v, 5, "ctx_opt: [0] contents");
	rc = der_ctx_opt(&c, 1, &in);
	is_int(rc, 0, "ctx_opt: [1] absent before [2]");
	rc = der_ctx_opt(&c, 2, &in);
	is_int(rc, 1, "ctx_opt: [2] present");
	rc = der_ctx_opt(&c, 3, &in);
	is_int(rc, 0, "ctx_opt: empty cursor gives 0");

	cur_init(&c, B("\x80\x01\x05"));
	rc = der_ctx_opt(&c, 0, &in);
	is_int(rc, E_INVALID, "ctx_opt: primitive [0] is invalid");
	cur_init(&c, B("\xa0\x05\x02"));
	rc = der_ctx_opt(&c, 0, &in);
	is_int(rc, E_TRUNC, "ctx_opt: cut [0] is truncated");
	cur_init(&c, B("\x9f"));
	rc = der_ctx_opt(&c, 0, &in);
	is_int(rc, E_TRUNC, "ctx_opt: cut identifier is truncated");
	cur_init(&c, B("\xbf\x1f\x00"));
	rc = der_ctx_opt(&c, 31, &in);
	is_int(rc, 1, "ctx_opt: high tag number [31]");
}

static void
test_int(void)
{
	int64_t v;
	uint32_t u;
	int rc;

	rc = int_of(B("\x02\x01\x00"), &v);
	ok(rc == 0 && v == 0, "int 0");
	rc = int_of(B("\x02\x01\x7f"), &v);
	ok(rc == 0 && v == 127, "int 127");
	rc = int_of(B("\x02\x01\x80"), &v);
	ok(rc == 0 && v == -128, "int -128 (sign)");
	rc = int_of(B("\x02\x02\x00\x80"), &v);
	ok(rc == 0 && v == 128, "int 128");
	rc = int_of(B("\x02\x02\xff\x7f"), &v);
	ok(rc == 0 && v == -129, "int -129");
	rc = int_of(B("\x02\x01\xff"), &v);
	ok(rc == 0 && v == -1, "int -1");
	rc = int_of(B("\x02\x08\x80\x00\x00\x00\x00\x00\x00\x00"), &v);
	ok(rc == 0 && v == INT64_MIN, "int 8 bytes: INT64_MIN");
	rc = int_of(B("\x02\x08\x7f\xff\xff\xff\xff\xff\xff\xff"), &v);
	ok(rc == 0 && v == INT64_MAX, "int 8 bytes: INT64_MAX");
	rc = int_of(B("\x02\x09\x00\x80\x00\x00\x00\x00\x00\x00\x00"), &v);
	is_int(rc, E_INVALID, "int 9 bytes: invalid");
	rc = int_of(B("\x02\x00"), &v);
	is_int(rc, E_INVALID, "int with no content: invalid");
	rc = int_of(B("\x02\x02\x00\x05"), &v);
	ok(rc == 0 && v == 5, "non-minimal int tolerated");
	rc = int_of(B("\x04\x01\x05"), &v);
	is_int(rc, E_INVALID, "int reader on OCTET STRING: invalid");
	rc = int_of(B("\x02\x04\x01"), &v);
	is_int(rc, E_TRUNC, "cut int: truncated");

	rc = u32_of(B("\x02\x05\x00\xff\xff\xff\xff"), &u);
	ok(rc == 0 && u == 0xffffffffU, "uint32 max");
	rc = u32_of(B("\x02\x05\x01\x00\x00\x00\x00"), &u);
	is_int(rc, E_INVALID, "uint32 2^32: invalid");
	rc = u32_of(B("\x02\x01\x00"), &u);
	ok(rc == 0 && u == 0, "uint32 0");
	rc = u32_of(B("\x02\x04\xff\xff\xff\xff"), &u);
	ok(rc == 0 && u == 0xffffffffU, "uint32 sent as Int32 -1 tolerated");
	rc = u32_of(B("\x02\x04\x80\x00\x00\x00"), &u);
	ok(rc == 0 && u == 0x80000000U, "uint32 sent as INT32_MIN");
	rc = u32_of(B("\x02\x05\xff\x7f\xff\xff\xff"), &u);
	is_int(rc, E_INVALID, "uint32 below INT32_MIN: invalid");
}

static void
test_bits(void)
{
	uint32_t v;
	int rc;

	rc = bits_of(B("\x03\x05\x00\x40\x81\x00\x10"), &v);
	ok(rc == 0 && v == 0x40810010U, "bits: KDCOptions 0x40810010");
	rc = bits_of(B("\x03\x05\x00\x20\x00\x00\x00"), &v);
	ok(rc == 0 && v == 0x20000000U, "bits: bit 2 (mutual-required)");
	rc = bits_of(B("\x03\x02\x07\x80"), &v);
	ok(rc == 0 && v == 0x80000000U, "bits: one bit, 7 unused");
	rc = bits_of(B("\x03\x02\x04\xff"), &v);
	ok(rc == 0 && v == 0xf0000000U, "bits: unused bits masked");
	rc = bits_of(B("\x03\x03\x01\xff\xff"), &v);
	ok(rc == 0 && v == 0xfffe0000U, "bits: 15 bits");
	rc = bits_of(B("\x03\x01\x00"), &v);
	ok(rc == 0 && v == 0, "bits: empty bit string");
	rc = bits_of(B("\x03\x06\x04\x11\x22\x33\x44\x5f"), &v);
	ok(rc == 0 && v == 0x11223344U, "bits: first 32 of 36 bits");
	rc = bits_of(B("\x03\x01\x01"), &v);
	is_int(rc, E_INVALID, "bits: unused bits with no octet: invalid");
	rc = bits_of(B("\x03\x02\x08\x00"), &v);
	is_int(rc, E_INVALID, "bits: 8 unused bits: invalid");
	rc = bits_of(B("\x03\x00"), &v);
	is_int(rc, E_INVALID, "bits: no content: invalid");
	rc = bits_of(B("\x23\x00"), &v);
	is_int(rc, E_INVALID, "bits: constructed: invalid");
}

static void
test_time(void)
{
	uint8_t b[20];
	struct cur c;
	int64_t v;
	int rc;

	rc = time_of("20370913024805Z", &v);
	ok(rc == 0 && v == 2136422885LL, "time: 2037-09-13 02:48:05");
	rc = time_of("19700101000000Z", &v);
	ok(rc == 0 && v == 0, "time: the epoch");
	rc = time_of("19691231235959Z", &v);
	ok(rc == 0 && v == -1, "time: before the epoch");
	rc = time_of("20000229000000Z", &v);
	ok(rc == 0 && v == 951782400LL, "time: 2000-02-29 (leap)");
	rc = time_of("21060207062816Z", &v);
	ok(rc == 0 && v == 4294967296LL, "time: past 2^32");
	rc = time_of("00010101000000Z", &v);
	ok(rc == 0 && v == -62135596800LL, "time: year 1");
	rc = time_of("99991231235959Z", &v);
	ok(rc == 0 && v == 253402300799LL, "time: year 9999");
	rc = time_of("20161231235960Z", &v);
	ok(rc == 0 && v == 1483228800LL, "time: leap second");
	rc = time_of("20210101000000.5Z", &v);
	ok(rc == 0 && v == 1609459200LL, "time: fraction tolerated");

	rc = time_of("20010229000000Z", &v);
	is_int(rc, E_INVALID, "time: 2001-02-29 invalid");
	rc = time_of("19000229000000Z", &v);
	is_int(rc, E_INVALID, "time: 1900-02-29 invalid");
	rc = time_of("20211301000000Z", &v);
	is_int(rc, E_INVALID, "time: month 13 invalid");
	rc = time_of("20210001000000Z", &v);
	is_int(rc, E_INVALID, "time: month 0 invalid");
	rc = time_of("20210100000000Z", &v);
	is_int(rc, E_INVALID, "time: day 0 invalid");
	rc = time_of("20210431000000Z", &v);
	is_int(rc, E_INVALID, "time: April 31 invalid");
	rc = time_of("20210101240000Z", &v);
	is_int(rc, E_INVALID, "time: hour 24 invalid");
	rc = time_of("20210101006000Z", &v);
	is_int(rc, E_INVALID, "time: minute 60 invalid");
	rc = time_of("20210101000061Z", &v);
	is_int(rc, E_INVALID, "time: second 61 invalid");
	rc = time_of("2021010100000Z", &v);
	is_int(rc, E_INVALID, "time: 14 characters invalid");
	rc = time_of("202101010000000", &v);
	is_int(rc, E_INVALID, "time: no Z invalid");
	rc = time_of("20210101000000+0100", &v);
	is_int(rc, E_INVALID, "time: offset invalid");
	rc = time_of("2021010100000aZ", &v);
	is_int(rc, E_INVALID, "time: non-digit invalid");
	rc = time_of("2021-1-01000000Z", &v);
	is_int(rc, E_INVALID, "time: sign in a field invalid");
	rc = time_of("20210101000000.Z", &v);
	is_int(rc, E_INVALID, "time: empty fraction invalid");
	rc = time_of("", &v);
	is_int(rc, E_INVALID, "time: empty invalid");

	memcpy(b, "\x17\x0d" "210101000000Z", 15);
	cur_init(&c, b, 15);
	rc = der_get_time(&c, &v);
	is_int(rc, E_INVALID, "time: UTCTime tag invalid");
	memcpy(b, "\x18\x0f" "2021", 6);
	cur_init(&c, b, 6);
	rc = der_get_time(&c, &v);
	is_int(rc, E_TRUNC, "time: cut contents truncated");
}

static void
test_strings(void)
{
	const uint8_t *p;
	struct cur c;
	size_t n;
	int rc;

	cur_init(&c, B("\x1b\x05hello"));
	rc = der_get_string(&c, &p, &n);
	ok(rc == 0 && n == 5 && memcmp(p, "hello", 5) == 0,
	    "GeneralString");
	cur_init(&c, B("\x16\x02hi"));
	rc = der_get_string(&c, &p, &n);
	ok(rc == 0 && n == 2, "IA5String");
	cur_init(&c, B("\x0c\x02hi"));
	rc = der_get_string(&c, &p, &n);
	ok(rc == 0 && n == 2, "UTF8String");
	cur_init(&c, B("\x1b\x00"));
	rc = der_get_string(&c, &p, &n);
	ok(rc == 0 && n == 0, "empty string");
	cur_init(&c, B("\x04\x02hi"));
	rc = der_get_string(&c, &p, &n);
	is_int(rc, E_INVALID, "OCTET STRING is not a KerberosString");
	cur_init(&c, B("\x3b\x00"));
	rc = der_get_string(&c, &p, &n);
	is_int(rc, E_INVALID, "constructed string invalid");
	cur_init(&c, B("\x1b\x09hi"));
	rc = der_get_string(&c, &p, &n);
	is_int(rc, E_TRUNC, "cut string truncated");

	cur_init(&c, B("\x04\x03\x01\x02\x03"));
	rc = der_get_octets(&c, &p, &n);
	ok(rc == 0 && n == 3 && p[2] == 3, "OCTET STRING");
	cur_init(&c, B("\x1b\x01x"));
	rc = der_get_octets(&c, &p, &n);
	is_int(rc, E_INVALID, "octets reader on a string: invalid");
	ok(p == NULL && n == 0, "octets outputs cleared on failure");
}

int
main(void)
{
	test_lengths();
	test_tags();
	test_rejects();
	test_partial();
	test_depth();
	test_expect();
	test_ctx_opt();
	test_int();
	test_bits();
	test_time();
	test_strings();
	return done_testing();
}
