/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * asn1ref.h - the reference Kerberos decoder: libtasn1 with the modules
 * in dissectors/krb5.asn and dissectors/spnego.asn (RFC 4120 section 5,
 * RFC 4178). Slow (a libtasn1 tree per message): only for -vv and tests,
 * never on the hot path.
 */
#ifndef KS_ASN1REF_H
#define KS_ASN1REF_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * The complete field tree of one Kerberos message (DER, without a TCP
 * record mark) as indented text, one field per line, ending in '\n'.
 * Returns 0 and a malloc'd string in *text_out, or a negative E_* code
 * with *text_out NULL (asn1ref_error() then says why).
 */
int		 asn1ref_tree(const uint8_t *, size_t, char **text_out);

/*
 * Decodes the message with libtasn1 and compares every field the fast
 * decoder (krb_decode) reported in *fast. Returns 0 when they agree, 1
 * with a description in why when they disagree, or a negative E_* code
 * when libtasn1 cannot decode the message and the fast decoder did not
 * accept it either (status KRB_TRUNCATED or KRB_INVALID).
 */
int		 asn1ref_check(const uint8_t *, size_t, const struct krb_msg *,
		    char *why, size_t whysz);

/*
 * The tree of a SPNEGO token (RFC 4178 NegotiationToken, MS-SPNG
 * NegTokenInit2, with or without the RFC 2743 framing). Same contract
 * as asn1ref_tree.
 */
int		 asn1ref_spnego_tree(const uint8_t *, size_t, char **text_out);

/* Why the last call failed (libtasn1's words), "" if it did not. */
const char	*asn1ref_error(void);

/* Frees the module definitions (loaded on first use). */
void		 asn1ref_fini(void);

#endif /* KS_ASN1REF_H */
