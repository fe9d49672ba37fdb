/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * der.h - minimal DER TLV reader on the bounds-checked cursor (X.690).
 * The hot path of Kerberos decoding; libtasn1 is the reference.
 */
#ifndef KS_DER_H
#define KS_DER_H

#include <stdint.h>

#include "cur.h"

#define DER_MAX_DEPTH	16

#define DER_UNIVERSAL	0x00
#define DER_APPLICATION	0x40
#define DER_CONTEXT	0x80
#define DER_PRIVATE	0xc0

#define DER_TAG_BOOLEAN		1
#define DER_TAG_INTEGER		2
#define DER_TAG_BIT_STRING	3
#define DER_TAG_OCTET_STRING	4
#define DER_TAG_OID		6
#define DER_TAG_ENUMERATED	10
#define DER_TAG_UTF8STRING	12
#define DER_TAG_SEQUENCE	16
#define DER_TAG_IA5STRING	22
#define DER_TAG_GENERALIZEDTIME	24
#define DER_TAG_GENERALSTRING	27

struct der_tlv {
	uint8_t		 cls;		/* DER_UNIVERSAL ... DER_PRIVATE */
	int		 constructed;
	uint32_t	 tag;
	struct cur	 val;		/* contents; depth = parent + 1 */
	size_t		 hdr_len;	/* identifier + length octets */
};

/*
 * Reads one TLV from c, leaves c after it and hands back the contents as
 * tlv->val. Rejects indefinite lengths, length fields wider than 4 bytes
 * and nesting deeper than DER_MAX_DEPTH. Returns 0 or an E_* code (also
 * stored in c->err).
 */
int	der_read(struct cur *c, struct der_tlv *tlv);

/*
 * Like der_read, but when the contents run past the end of c (the capture
 * ended), hands back the bytes there are as tlv->val, consumes them and
 * returns 0. *claimed_out is the contents length the header claims: the
 * TLV was cut when it is larger than tlv->val.len. Malformed identifier or
 * length octets (or a header cut short) still fail.
 */
int	der_read_partial(struct cur *c, struct der_tlv *tlv,
	    size_t *claimed_out);

/* Reads a TLV and checks class, tag (and constructed for SEQUENCE). */
int	der_expect(struct cur *c, uint8_t cls, uint32_t tag,
	    struct der_tlv *tlv);

/*
 * If the next TLV is context tag [n] (constructed), reads it and returns
 * 1 with its contents in inner; returns 0 and consumes nothing if the
 * next TLV has another tag or c is empty; returns < 0 on error.
 */
int	der_ctx_opt(struct cur *c, uint32_t n, struct cur *inner);

/* Readers of a whole universal TLV of the named type. */
int	der_get_int(struct cur *c, int64_t *v);		/* INTEGER, <= 8 B */
int	der_get_uint32(struct cur *c, uint32_t *v);	/* INTEGER 0..2^32-1 */
int	der_get_bits32(struct cur *c, uint32_t *v);	/* BIT STRING, first 32
							 * bits, bit 0 = MSB */
int	der_get_time(struct cur *c, int64_t *epoch);	/* GeneralizedTime
							 * YYYYMMDDHHMMSSZ */
int	der_get_octets(struct cur *c, const uint8_t **p, size_t *len);
/* KerberosString / GeneralString / IA5 / UTF8: bytes, not copied. */
int	der_get_string(struct cur *c, const uint8_t **p, size_t *len);

#endif /* KS_DER_H */
