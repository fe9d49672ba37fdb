/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * krb.h - Kerberos V5 message decoder (RFC 4120) and name tables
 * (RFC 4120, RFC 3961/3962/8009, MS-KILE).
 */
#ifndef KS_KRB_H
#define KS_KRB_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * Decodes one whole Kerberos message (the DER bytes, without any TCP
 * record mark). Fills *out (cleared first); sets out->status and returns
 * 0, E_TRUNC or E_INVALID. Whatever was read before a failure is kept.
 */
int	 krb_decode(const uint8_t *, size_t, struct krb_msg *out);

/*
 * A GSS-API initial or subsequent context token of the Kerberos
 * mechanism (RFC 2743 3.1 framing: [APPLICATION 0] { mech OID, TOK_ID,
 * message }, RFC 4121 4.1): checks the framing, then decodes the message
 * inside as krb_decode does and sets out->gss_mech and out->gss_tok_id.
 * Returns E_UNSUPP (out cleared) when the bytes are not such a token, so
 * a carrier can try the next interpretation.
 */
int	 krb_decode_gss(const uint8_t *, size_t, struct krb_msg *out);
const char	*krb_gss_mech_name(int mech);		/* "krb5" */
const char	*krb_gss_tok_name(uint16_t tok_id);	/* "AP-REQ" */

/*
 * Content probe: 1 if the bytes start like a Kerberos message (an
 * APPLICATION tag of a known message type with a DER length that fits
 * what we have, or is larger when partial is set), else 0.
 */
int	 krb_probe(const uint8_t *, size_t, int partial);

/* A HostAddress as text (RFC 4120 5.2.5, 7.5.3): IPv4, IPv6, NetBIOS. */
void	 krb_fmt_address(char *dst, size_t dstsz, int32_t type,
	    const uint8_t *addr, size_t len);

/* Ticket identity: hash of the enc-part cipher bytes. */
void	 krb_ticket_id(const uint8_t *, size_t, uint8_t id_out[KRB_ID_LEN]);

/* Names; NULL when unknown (the caller picks the fallback text). */
const char	*krb_msg_name(int msg_type);		/* "AS-REQ" */
const char	*krb_error_name(int32_t code);		/* "KDC_ERR_..." */
const char	*krb_error_text(int32_t code);		/* one-line meaning */
const char	*krb_etype_name(int32_t etype);		/* "rc4-hmac" */
const char	*krb_padata_name(int32_t type);		/* "PA-ENC-TIMESTAMP" */
const char	*krb_kdc_option_name(unsigned bit);	/* "forwardable" */
const char	*krb_ap_option_name(unsigned bit);	/* "mutual-required" */
const char	*krb_ticket_flag_name(unsigned bit);	/* "ok-as-delegate" */
const char	*krb_name_type_name(int32_t type);	/* "NT-SRV-INST" */
const char	*krb_ntstatus_name(uint32_t status);	/* "STATUS_..." */
const char	*krb_pac_option_name(unsigned bit);	/* "claims"; bit 0 =
							 * MSB */
const char	*krb_supp_etype_name(unsigned bit);	/* "rc4-hmac"; bit 0 =
							 * LSB (MS-KILE
							 * 2.2.7) */

#endif /* KS_KRB_H */
