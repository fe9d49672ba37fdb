/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * sec.h - the security layers that application protocols carry:
 * GSS-API tokens (RFC 2743 3.1) of the Kerberos mechanism (RFC 4121),
 * SPNEGO (RFC 4178, MS-SPNG), NTLMSSP (MS-NLMP) and raw Kerberos
 * messages. Carriers hand every security blob they find to sec_token();
 * it decodes what is inside and emits the krb / ntlm / spnego records.
 */
#ifndef KS_SEC_H
#define KS_SEC_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct dis_ctx;

/* sec_token() results: what the blob turned out to be */
#define SEC_NONE	0	/* not a security token we know (counted) */
#define SEC_KRB		1	/* Kerberos message, raw or GSS-framed */
#define SEC_NTLM	2	/* NTLMSSP message */
#define SEC_SPNEGO	3	/* SPNEGO, with or without a mech token */
#define SEC_GSS_OTHER	4	/* GSS-API token of another kind: a
				 * per-message token (wrap/MIC), NegoEx */

/* sec_token() flags */
#define SEC_F_NO_RAW_KRB 0x1	/* do not accept a bare Kerberos message
				 * (only framed tokens) */

/*
 * Decodes one security blob and emits what is in it through the engine
 * with carrier as the JSON "carrier". Accepts: a GSS-API
 * InitialContextToken ([APPLICATION 0], tag 0x60) of SPNEGO or of the
 * Kerberos mechanisms; a SPNEGO NegotiationToken ([0] negTokenInit or
 * [1] negTokenResp, as later legs carry them); a GSS-API Kerberos token
 * without the outer framing that starts with a TOK_ID; a bare Kerberos
 * AP-REQ / AP-REP / KRB-ERROR; an NTLMSSP message ("NTLMSSP\0").
 * Returns SEC_*. Never reads outside [p, p + len).
 */
int	 sec_token(struct dis_ctx *, const char *carrier, const uint8_t *p,
	    size_t len, unsigned flags);

/*
 * Cheap check: 1 if the bytes start like a token sec_token() decodes
 * (GSS-API framing with a known mechanism OID, SPNEGO choice, NTLMSSP
 * signature, or, unless SEC_F_NO_RAW_KRB, a Kerberos AP-REQ / AP-REP /
 * KRB-ERROR). partial: the bytes may be the start of a longer token.
 */
int	 sec_probe(const uint8_t *p, size_t len, unsigned flags);

/* Decoders, used by sec_token() and by the tests and fuzzers. */
int	 spnego_decode(const uint8_t *p, size_t len, struct spnego_info *out,
	    const uint8_t **token, size_t *token_len);
int	 ntlm_decode(const uint8_t *p, size_t len, struct ntlm_msg *out);

/* Names; NULL when unknown. */
const char	*sec_mech_name(int mech);	/* "krb5", "ntlmssp" ... */
const char	*spnego_state_name(int neg_state);	/* "accept-completed" */
const char	*ntlm_msg_name(int type);		/* "NEGOTIATE" */
const char	*ntlm_flag_name(unsigned bit);		/* bit 0 = LSB:
							 * "UNICODE" */
const char	*ntlm_av_error_name(int err);		/* "unterminated" */

/* Building carrier events (struct auth_rec); excess fields dropped. */
void	 auth_init(struct auth_rec *, const char *event, int outcome);
void	 auth_add_str(struct auth_rec *, const char *key, const char *s);
/*
 * Strings of carrier events are text for people: printable ASCII and the
 * backslash are kept as they are, other bytes written \xNN.
 */
void	 auth_add_bytes(struct auth_rec *, const char *key, const uint8_t *,
	    size_t);
/* UTF-16LE text converted to UTF-8, then made printable */
void	 auth_add_utf16(struct auth_rec *, const char *key, const uint8_t *,
	    size_t);
void	 auth_add_int(struct auth_rec *, const char *key, int64_t v);
void	 auth_add_bool(struct auth_rec *, const char *key, int v);

/* UTF-16LE to UTF-8 (invalid units as U+FFFD); control characters as
 * \xNN, the backslash kept; cut with "..." when too long. */
char	*utf16le_printable(char *dst, size_t dstsz, const uint8_t *,
	    size_t len);

#endif /* KS_SEC_H */
