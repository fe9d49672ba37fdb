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
#define KRB_MAX_ADDRS	4	/* host addresses shown per request */
#define KRB_ADDR_MAX	48	/* "2001:db8::1", "NETBIOS-NAME", ... */
#define KRB_SALT_MAX	128
#define KRB_USER_MAX	(KRB_NAME_MAX + KRB_REALM_MAX)	/* name@realm */
#define KRB_MAX_ETYPE_INFO	8	/* ETYPE-INFO(2) entries per message */
#define KRB_MAX_ADD_TICKETS	4	/* additional tickets decoded */
#define KRB_MAX_TYPED_DATA	8	/* TYPED-DATA types kept */

/* krb_msg.status */
#define KRB_OK		0
#define KRB_TRUNCATED	1	/* capture ended inside the message */
#define KRB_INVALID	2	/* the message contradicts itself */

/* krb_msg.gss_mech: the mechanism OID of a GSS-API token */
#define KRB_GSS_KRB5	1	/* 1.2.840.113554.1.2.2 */
#define KRB_GSS_MS_KRB5	2	/* 1.2.840.48018.1.2.2 (Microsoft legacy) */
#define KRB_GSS_U2U	3	/* 1.2.840.113554.1.2.2.3 (user to user) */

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

/* krb_padata.has: which decoded parts of the padata-value are set */
#define KRB_PA_ETYPE		0x001	/* etype (PA-ENC-TIMESTAMP) */
#define KRB_PA_KVNO		0x002	/* kvno (PA-ENC-TIMESTAMP) */
#define KRB_PA_ETYPE_INFO	0x004	/* ei_first/ei_n (PA-ETYPE-INFO/2) */
#define KRB_PA_INCLUDE_PAC	0x008	/* include_pac (PA-PAC-REQUEST) */
#define KRB_PA_USER		0x010	/* krb_msg.for_user / s4u_user */
#define KRB_PA_AUTH_PACKAGE	0x020	/* krb_msg.auth_package */
#define KRB_PA_PAC_OPTIONS	0x040	/* flags (PA-PAC-OPTIONS) */
#define KRB_PA_SUPP_ETYPES	0x080	/* flags (PA-SUPPORTED-ETYPES) */
#define KRB_PA_AP_OPTIONS	0x100	/* ap_options (PA-TGS-REQ) */

/* PA-SUPPORTED-ETYPES bits (MS-KILE 2.2.7), value as on the wire */
#define KRB_SE_DES_CBC_CRC	0x00000001
#define KRB_SE_DES_CBC_MD5	0x00000002
#define KRB_SE_RC4_HMAC		0x00000004
#define KRB_SE_AES128		0x00000008
#define KRB_SE_AES256		0x00000010
#define KRB_SE_AES256_SK	0x00000020
#define KRB_SE_FAST		0x00010000
#define KRB_SE_COMPOUND_ID	0x00020000
#define KRB_SE_CLAIMS		0x00040000
#define KRB_SE_NO_SID_COMPRESS	0x00080000

/* One ETYPE-INFO-ENTRY / ETYPE-INFO2-ENTRY (RFC 4120 5.2.7.4, 5.2.7.5). */
struct krb_etype_info {
	int32_t		 etype;
	int		 has_salt;
	char		 salt[KRB_SALT_MAX];
	int		 has_s2kparams;
	uint32_t	 s2kparams_len;
};

struct krb_padata {
	int32_t		 type;
	uint32_t	 len;			/* padata-value length */
	unsigned	 has;			/* KRB_PA_* */
	int32_t		 etype;
	uint32_t	 kvno;
	int		 ei_first, ei_n;	/* in krb_msg.etype_info */
	int		 include_pac;
	uint32_t	 flags;		/* PAC-OPTIONS (bit 0 = MSB) or
					 * supported etypes (KRB_SE_*) */
	uint32_t	 ap_options;	/* of the AP-REQ in PA-TGS-REQ */
};

/* krb_msg.e_data_kind */
#define KRB_EDATA_NONE		0
#define KRB_EDATA_METHOD	1	/* METHOD-DATA (RFC 4120 5.9.1) */
#define KRB_EDATA_TYPED		2	/* TYPED-DATA (RFC 4120 5.9.1) */
#define KRB_EDATA_KERB_ERROR	3	/* KERB-ERROR-DATA (MS-KILE 2.2.1) */
#define KRB_EDATA_UNKNOWN	4

struct krb_msg {
	/* the message's bytes: borrowed, valid only during the sink call */
	const uint8_t	*raw;
	size_t		 raw_len;

	int		 status;	/* KRB_OK, KRB_TRUNCATED, KRB_INVALID */
	int		 msg_type;	/* 0 when not even that was read */
	int32_t		 pvno;

	/* principals: AS/TGS request body, KDC-REP, KRB-ERROR; has_*:
	 * the field is there, even with no name components */
	int		 has_cname, has_sname;
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
	/* susec and cusec: each optional on its own (RFC 4120 5.9.1) */
	int		 has_susec, has_cusec;
	int64_t		 stime, ctime;
	int32_t		 susec, cusec;
	int		 has_e_text;
	char		 e_text[KRB_TEXT_MAX];
	int		 has_e_data;
	uint32_t	 e_data_len;

	/* decoded contents (krbscope 2) */
	int		 armored;	/* PA-FX-FAST in a KDC-REQ/KDC-REP */
	int		 pkinit;	/* PA-PK-AS-REQ/REP (14-17) there */
	char		 for_user[KRB_USER_MAX];	/* PA-FOR-USER */
	char		 auth_package[64];		/* PA-FOR-USER */
	char		 s4u_user[KRB_USER_MAX];	/* PA-S4U-X509-USER */
	int		 has_clock_offset;
	int64_t		 clock_offset;	/* KRB-ERROR stime - ctime, s */
	int		 e_data_kind;	/* KRB_EDATA_* */
	int		 has_e_data_type;
	int32_t		 e_data_type;	/* KERB-ERROR-DATA data-type */
	int		 has_ntstatus;
	uint32_t	 ntstatus;	/* KERB-EXT-ERROR status */
	int		 n_typed_data;	/* TYPED-DATA entries (all) */
	int32_t		 typed_data[KRB_MAX_TYPED_DATA];
	int		 n_etype_info_cut;	/* entries past the cap */
	int		 n_etype_info;
	int		 n_add_tickets;	/* decoded, <= KRB_MAX_ADD_TICKETS */

	/* KDC-REQ addresses (RFC 4120 5.2.5): the first KRB_MAX_ADDRS */
	int		 n_address_list;
	char		 address_list[KRB_MAX_ADDRS][KRB_ADDR_MAX];

	/* GSS-API framing (RFC 2743 3.1, RFC 4121 4.1), when unwrapped */
	int		 gss_mech;	/* KRB_GSS_* or 0: no framing */
	uint16_t	 gss_tok_id;	/* 0x0100 AP-REQ, 0x0200 AP-REP, ... */

	/*
	 * The arrays below are not cleared by krb_decode: only the first
	 * n_etype_info / n_add_tickets entries are defined.
	 */
	struct krb_etype_info etype_info[KRB_MAX_ETYPE_INFO];
	struct krb_ticket add_tickets[KRB_MAX_ADD_TICKETS];
};

/* ---- security layers: SPNEGO, NTLMSSP (krbscope 3) ---------------- */

/* Mechanisms named in SPNEGO and GSS-API tokens. */
#define SEC_MECH_UNKNOWN	0
#define SEC_MECH_KRB5		1	/* 1.2.840.113554.1.2.2 */
#define SEC_MECH_MS_KRB5	2	/* 1.2.840.48018.1.2.2 */
#define SEC_MECH_U2U		3	/* 1.2.840.113554.1.2.2.3 */
#define SEC_MECH_NTLMSSP	4	/* 1.3.6.1.4.1.311.2.2.10 */
#define SEC_MECH_NEGOEX		5	/* 1.3.6.1.4.1.311.2.2.30 */
#define SEC_MECH_SPNEGO		6	/* 1.3.6.1.5.5.2 */
#define SEC_MECH_IAKERB		7	/* 1.3.6.1.5.2.5 */

#define SPNEGO_MAX_MECHS	8

/* spnego_info.kind */
#define SPNEGO_INIT		1	/* negTokenInit (RFC 4178 4.2.1) */
#define SPNEGO_INIT2		2	/* negTokenInit2: with negHints
					 * (MS-SPNG 2.2.1) */
#define SPNEGO_RESP		3	/* negTokenResp (RFC 4178 4.2.2) */

/* spnego_info.neg_state (RFC 4178 4.2.2); -1 when absent */
#define SPNEGO_ACCEPT_COMPLETED		0
#define SPNEGO_ACCEPT_INCOMPLETE	1
#define SPNEGO_REJECT			2
#define SPNEGO_REQUEST_MIC		3

struct spnego_info {
	int		 kind;		/* SPNEGO_* */
	int		 status;	/* KRB_OK, KRB_TRUNCATED, KRB_INVALID */
	int		 n_mechs;	/* all listed; the first
					 * SPNEGO_MAX_MECHS kept */
	int		 mechs[SPNEGO_MAX_MECHS];	/* SEC_MECH_* */
	int		 neg_state;	/* SPNEGO_* or -1 */
	int		 supported_mech;	/* SEC_MECH_* or -1 */
	int		 has_req_flags;
	uint32_t	 req_flags;	/* ContextFlags, bit 0 = MSB */
	int		 has_token;	/* mechToken / responseToken */
	uint32_t	 token_len;
	int		 has_mic;	/* mechListMIC */
	uint32_t	 mic_len;
	char		 hint_name[KRB_NAME_MAX];	/* negHints */
};

/* NTLMSSP message types (MS-NLMP 2.2.1) */
#define NTLM_NEGOTIATE		1
#define NTLM_CHALLENGE		2
#define NTLM_AUTHENTICATE	3

/* ntlm_msg.response: what the AUTHENTICATE's NT response is */
#define NTLM_RESP_NONE		0	/* empty: anonymous */
#define NTLM_RESP_V1		1	/* 24 bytes: NTLMv1 (or NTLM2
					 * session response) */
#define NTLM_RESP_V2		2	/* longer: NTLMv2 with a client
					 * challenge blob */

/* ntlm_msg.av_error: what is wrong with the AV_PAIR list */
#define NTLM_AV_OK		0
#define NTLM_AV_EMPTY		1	/* no pairs at all, not even
					 * MsvAvEOL */
#define NTLM_AV_UNTERMINATED	2	/* ends without MsvAvEOL */
#define NTLM_AV_OVERRUN		3	/* a pair runs past the field */
#define NTLM_AV_TRUNCATED	4	/* field beyond the captured bytes */

#define NTLM_STR_MAX		128

struct ntlm_msg {
	/* the message's bytes: borrowed, valid only during the sink call */
	const uint8_t	*raw;
	size_t		 raw_len;

	int		 status;	/* KRB_OK, KRB_TRUNCATED, KRB_INVALID */
	int		 msg_type;	/* NTLM_* or 0 */
	int		 has_flags;
	uint32_t	 flags;		/* NegotiateFlags (bit 0 = LSB) */
	/* NEGOTIATE: supplied domain/workstation; AUTHENTICATE: the
	 * user's domain, user, workstation; UTF-8, printable */
	char		 domain[NTLM_STR_MAX];
	char		 user[NTLM_STR_MAX];
	char		 workstation[NTLM_STR_MAX];
	int		 anonymous;	/* AUTHENTICATE: anonymous flag,
					 * or empty user and responses */
	/* VERSION (MS-NLMP 2.2.2.10), when present */
	int		 has_version;
	uint8_t		 ver_major, ver_minor, ntlm_revision;
	uint16_t	 ver_build;
	/* CHALLENGE */
	char		 target_name[NTLM_STR_MAX];
	/* target info (CHALLENGE) or the NTLMv2 client blob's AV pairs
	 * (AUTHENTICATE) */
	int		 has_av;
	int		 av_error;	/* NTLM_AV_* */
	int		 n_av;		/* pairs read */
	/* MsvAvNbComputerName, MsvAvNbDomainName, MsvAvDnsComputerName,
	 * MsvAvDnsDomainName, MsvAvDnsTreeName */
	char		 nb_computer[NTLM_STR_MAX];
	char		 nb_domain[NTLM_STR_MAX];
	char		 dns_computer[NTLM_STR_MAX];
	char		 dns_domain[NTLM_STR_MAX];
	char		 dns_tree[NTLM_STR_MAX];
	char		 av_target_name[KRB_NAME_MAX];	/* MsvAvTargetName:
							 * an SPN */
	int		 has_av_flags;
	uint32_t	 av_flags;			/* MsvAvFlags */
	int		 has_timestamp;
	int64_t		 timestamp;	/* MsvAvTimestamp, s since 1970 */
	uint32_t	 timestamp_usec;
	/* AUTHENTICATE */
	int		 response;	/* NTLM_RESP_* */
	uint16_t	 lm_len, nt_len;
	int		 has_mic;	/* MIC field present and nonzero */
	int		 has_session_key;	/* EncryptedRandomSession-
						 * Key not empty */
};

/* ---- carrier-level events ------------------------------------------ */

/* auth_rec.outcome */
#define AUTH_NONE	0	/* an event without a verdict */
#define AUTH_OK		1	/* the service accepted the login */
#define AUTH_CONTINUE	2	/* more tokens to come */
#define AUTH_FAIL	3	/* the service refused it */

#define AUTH_MAX_FIELDS	16

#define AUTH_F_STR	1
#define AUTH_F_INT	2
#define AUTH_F_BOOL	3

struct auth_field {
	const char	*key;		/* static string; a stable JSON key */
	int		 kind;		/* AUTH_F_* */
	int64_t		 ival;
	char		 sval[KRB_TEXT_MAX];
};

/*
 * What a carrier saw around authentication: "prelogin", "login7",
 * "negotiate", "session_setup", "request", "response", "bind",
 * "bind_result", "result", ... (documented per carrier in the man page).
 * Fields are added with auth_add_*() (src/sec.c) in a fixed order.
 */
struct auth_rec {
	const char	*event;		/* static string */
	int		 outcome;	/* AUTH_* */
	int		 n_fields;
	struct auth_field f[AUTH_MAX_FIELDS];
};

/* ---- DNS ------------------------------------------------------------- */

#define DNS_NAME_MAX	256
#define DNS_MAX_ANSWERS	16

struct dns_rr {
	char		 name[DNS_NAME_MAX];
	uint16_t	 type;		/* 1 A, 28 AAAA, 12 PTR, 5 CNAME,
					 * 33 SRV, ... */
	uint16_t	 class;
	uint32_t	 ttl;
	/* A/AAAA: the address (only when DNS records are asked for:
	 * engine_ops.dns_answers_only DNS_ALL); PTR/CNAME/NS: the name;
	 * SRV: the target; other types: empty */
	char		 data[DNS_NAME_MAX];
	uint8_t		 addr[16];	/* A (4 bytes) / AAAA: the address */
	uint16_t	 srv_priority, srv_weight, srv_port;
};

struct dns_rec {
	int		 status;	/* KRB_OK, KRB_TRUNCATED, KRB_INVALID */
	uint16_t	 id;
	int		 response;	/* QR bit */
	int		 opcode, rcode;
	int		 aa, tc;
	char		 qname[DNS_NAME_MAX];
	uint16_t	 qtype, qclass;
	int		 n_questions;	/* QDCOUNT */
	int		 n_answers;	/* answer RRs read (all sections
					 * count: see n_rr_total) */
	int		 n_rr_total;	/* ANCOUNT + NSCOUNT + ARCOUNT */
	int		 n_cut;		/* RRs past DNS_MAX_ANSWERS */
	struct dns_rr	 an[DNS_MAX_ANSWERS];	/* answer section, then
						 * additional A/AAAA/SRV */
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
	int		 dir;		/* 0: from the connection's
					 * initiator (UDP: the client by
					 * port), 1: from the responder */
	const char	*tree;		/* -vv: the reference decoder's field
					 * tree, or NULL (borrowed) */
	const struct spnego_info *spnego;	/* the SPNEGO token the
						 * message was wrapped in,
						 * or NULL (borrowed) */
};

#endif /* KS_RECORD_H */
