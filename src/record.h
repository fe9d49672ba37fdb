/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * record.h - what dissectors produce and outputs read: one struct per
 * message. Strings are NUL-terminated copies, already made printable
 * (bytes outside printable ASCII escaped as \xNN), cut at the array size
 * with "..." when longer.
 */
#ifndef KS_RECORD_H
#define KS_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define KRB_NAME_MAX	256
#define KRB_REALM_MAX	128
#define KRB_TEXT_MAX	256
#define KRB_MAX_ETYPES	24
#define KRB_MAX_PADATA	16
#define KRB_ID_LEN	16	/* bytes of ticket id (hash of the cipher) */

/* krb_msg.status */
#define KRB_OK		0
#define KRB_TRUNCATED	1	/* capture ended inside the message */
#define KRB_INVALID	2	/* the message contradicts itself */

/* Kerberos message types (RFC 4120 section 5.10) */
#define KRB_AS_REQ	10
#define KRB_AS_REP	11
#define KRB_TGS_REQ	12
#define KRB_TGS_REP	13
#define KRB_AP_REQ	14
#define KRB_AP_REP	15
#define KRB_SAFE	20
#define KRB_PRIV	21
#define KRB_CRED	22
#define KRB_ERROR	30

struct krb_ticket {
	int		 present;
	int32_t		 tkt_vno;
	char		 realm[KRB_REALM_MAX];
	char		 sname[KRB_NAME_MAX];	/* components joined by '/' */
	int32_t		 sname_type;
	int32_t		 etype;			/* enc-part etype */
	int		 has_kvno;
	uint32_t	 kvno;
	uint8_t		 id[KRB_ID_LEN];	/* hash of enc-part cipher */
	uint32_t	 cipher_len;
};

struct krb_padata {
	int32_t		 type;
	uint32_t	 len;			/* padata-value length */
};

struct krb_msg {
	/* the message's bytes: borrowed, valid only during the sink call */
	const uint8_t	*raw;
	size_t		 raw_len;

	int		 status;	/* KRB_OK, KRB_TRUNCATED, KRB_INVALID */
	int		 msg_type;	/* 0 when not even that was read */
	int32_t		 pvno;

	/* principals: AS/TGS request body, KDC-REP, KRB-ERROR */
	char		 cname[KRB_NAME_MAX];
	char		 crealm[KRB_REALM_MAX];
	int32_t		 cname_type;
	char		 sname[KRB_NAME_MAX];
	char		 realm[KRB_REALM_MAX];
	int32_t		 sname_type;

	/* KDC-REQ body */
	int		 has_kdc_options;
	uint32_t	 kdc_options;	/* bit 0 (reserved) is the MSB */
	int		 has_from, has_till, has_rtime;
	int64_t		 from, till, rtime;	/* seconds since the epoch */
	int		 has_nonce;
	uint32_t	 nonce;
	int		 n_etypes;
	int32_t		 etypes[KRB_MAX_ETYPES];
	int		 n_addresses;
	int		 n_additional_tickets;

	/* PA-DATA (KDC-REQ, KDC-REP; KRB-ERROR e-data METHOD-DATA) */
	int		 n_padata;
	struct krb_padata padata[KRB_MAX_PADATA];

	/* AS-REP / TGS-REP / AP-REQ ticket */
	struct krb_ticket ticket;

	/* AP-REQ */
	int		 has_ap_options;
	uint32_t	 ap_options;

	/* enc-part of KDC-REP / AP-REP / authenticator of AP-REQ */
	int		 has_enc_part;
	int32_t		 enc_etype;
	int		 has_enc_kvno;
	uint32_t	 enc_kvno;

	/* KRB-ERROR */
	int		 has_error;
	int32_t		 error_code;
	int		 has_stime, has_ctime;
	int64_t		 stime, ctime;
	int32_t		 susec, cusec;
	int		 has_e_text;
	char		 e_text[KRB_TEXT_MAX];
	int		 has_e_data;
	uint32_t	 e_data_len;
};

/* Where a message was seen. */
struct msg_ctx {
	uint64_t	 frame;		/* 1-based, as Wireshark numbers */
	struct timeval	 ts;
	int		 family;	/* AF_INET / AF_INET6 */
	uint8_t		 src[16], dst[16];
	uint16_t	 sport, dport;
	int		 transport;	/* TRANSPORT_UDP / TRANSPORT_TCP */
	const char	*carrier;	/* "kerberos", later "tds", ... */
};

#endif /* KS_RECORD_H */
