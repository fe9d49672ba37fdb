/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * ntlm.c - NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE, CHALLENGE and
 * AUTHENTICATE, their payload fields, the VERSION (2.2.2.10), the
 * target info AV_PAIR list (2.2.2.1) and the NTLMv2 client challenge
 * (2.2.2.7). Challenges, responses and keys are never copied out.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define NTLM_SIG_LEN		8

/* NegotiateFlags (MS-NLMP 2.2.2.5) we act on */
#define NTLMSSP_NEGOTIATE_UNICODE	0x00000001u
#define NTLMSSP_NEGOTIATE_ANONYMOUS	0x00000800u
#define NTLMSSP_NEGOTIATE_TARGET_INFO	0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION	0x02000000u

/* fixed header sizes: through the last field descriptor, VERSION, MIC */
#define NEG_FIELDS_END		32
#define CHAL_FIELDS_END		48
#define AUTH_FIELDS_END		64
#define VERSION_LEN		8
#define MIC_LEN			16

/* NTLMv2 response: NTProofStr, then the client challenge header */
#define NTPROOF_LEN		16
#define CLIENT_CHAL_HDR		28

/* AV_PAIR ids (MS-NLMP 2.2.2.1) */
#define AV_EOL			0
#define AV_NB_COMPUTER		1
#define AV_NB_DOMAIN		2
#define AV_DNS_COMPUTER		3
#define AV_DNS_DOMAIN		4
#define AV_DNS_TREE		5
#define AV_FLAGS		6
#define AV_TIMESTAMP		7
#define AV_TARGET_NAME		9

/* 1601-01-01 to 1970-01-01 in seconds */
#define FILETIME_EPOCH_DIFF	11644473600LL

/* a payload field descriptor: Len, MaxLen, BufferOffset */
struct ntlm_field {
	uint16_t	 len;
	uint32_t	 off;
	const uint8_t	*p;		/* the bytes there are, or NULL */
	size_t		 avail;		/* <= len */
	int		 beyond;	/* offset past the captured bytes */
};

static const uint8_t ntlm_sig[NTLM_SIG_LEN] = { 'N', 'T', 'L', 'M', 'S',
    'S', 'P', 0 };

static void	set_status(struct ntlm_msg *, int);
static void	field_read(struct cur *, const uint8_t *, size_t, size_t,
		    struct ntlm_field *, struct ntlm_msg *);
static uint32_t	field_min_off(const struct ntlm_field *, int, size_t);
static void	field_text(char *, size_t, const struct ntlm_field *, int);
static void	read_version(const uint8_t *, size_t, size_t,
		    struct ntlm_msg *);
static void	av_pairs(const uint8_t *, size_t, size_t, struct ntlm_msg *);
static void	av_one(uint16_t, const uint8_t *, size_t, struct ntlm_msg *);
static void	dec_negotiate(struct cur *, const uint8_t *, size_t,
		    struct ntlm_msg *);
static void	dec_challenge(struct cur *, const uint8_t *, size_t,
		    struct ntlm_msg *);
static void	dec_authenticate(struct cur *, const uint8_t *, size_t,
		    struct ntlm_msg *);

/* A contradiction outweighs running out of bytes. */
static void
set_status(struct ntlm_msg *m, int st)
{
	if (m->status == KRB_OK || st == KRB_INVALID)
		m->status = st;
}

/*
 * Reads one field descriptor at c and finds its bytes in the message
 * (msg, len): those there are, and why not all. hdr_end is the end of
 * the fixed part, which a payload must not start inside.
 */
static void
field_read(struct cur *c, const uint8_t *msg, size_t len, size_t hdr_end,
    struct ntlm_field *f, struct ntlm_msg *m)
{
	memset(f, 0, sizeof(*f));
	f->len = cur_get_le16(c);
	(void)cur_get_le16(c);		/* MaxLen: ignored on receipt */
	f->off = cur_get_le32(c);
	if (c->err != 0) {
		f->len = 0;
		f->off = 0;
		return;
	}
	if (f->len == 0)
		return;
	/* a payload that starts inside the fixed part contradicts it;
	 * its bytes are still read */
	if (f->off < hdr_end)
		set_status(m, KRB_INVALID);
	if (f->off >= len) {
		f->beyond = f->off > len;
		set_status(m, KRB_TRUNCATED);
		return;
	}
	f->p = msg + f->off;
	f->avail = len - f->off < f->len ? len - f->off : f->len;
	if (f->avail < f->len)
		set_status(m, KRB_TRUNCATED);
}

/* Where the payload starts: the smallest offset of a non-empty field. */
static uint32_t
field_min_off(const struct ntlm_field *f, int n, size_t len)
{
	uint32_t min;
	int i;

	min = len > 0xffff ? 0xffff : (uint32_t)len;
	for (i = 0; i < n; i++)
		if (f[i].len > 0 && f[i].off < min)
			min = f[i].off;
	return min;
}

static void
field_text(char *dst, size_t dstsz, const struct ntlm_field *f, int unicode)
{
	dst[0] = '\0';
	if (f->p == NULL)
		return;
	if (unicode)
		utf16le_printable(dst, dstsz, f->p, f->avail);
	else
		str_printable(dst, dstsz, f->p, f->avail);
}

/* VERSION at off when the flag says so and the payload leaves room. */
static void
read_version(const uint8_t *msg, size_t len, size_t off, struct ntlm_msg *m)
{
	struct cur c;

	if (!(m->flags & NTLMSSP_NEGOTIATE_VERSION) ||
	    len < off + VERSION_LEN)
		return;
	cur_init(&c, msg + off, VERSION_LEN);
	m->ver_major = cur_get_u8(&c);
	m->ver_minor = cur_get_u8(&c);
	m->ver_build = cur_get_le16(&c);
	cur_skip(&c, 3);
	m->ntlm_revision = cur_get_u8(&c);
	m->has_version = c.err == 0;
}

/* One AV_PAIR's value into the record. */
static void
av_one(uint16_t id, const uint8_t *v, size_t n, struct ntlm_msg *m)
{
	struct cur c;
	uint64_t ft;

	switch (id) {
	case AV_NB_COMPUTER:
		utf16le_printable(m->nb_computer, sizeof(m->nb_computer), v,
		    n);
		break;
	case AV_NB_DOMAIN:
		utf16le_printable(m->nb_domain, sizeof(m->nb_domain), v, n);
		break;
	case AV_DNS_COMPUTER:
		utf16le_printable(m->dns_computer, sizeof(m->dns_computer), v,
		    n);
		break;
	case AV_DNS_DOMAIN:
		utf16le_printable(m->dns_domain, sizeof(m->dns_domain), v, n);
		break;
	case AV_DNS_TREE:
		utf16le_printable(m->dns_tree, sizeof(m->dns_tree), v, n);
		break;
	case AV_TARGET_NAME:
		utf16le_printable(m->av_target_name,
		    sizeof(m->av_target_name), v, n);
		break;
	case AV_FLAGS:
		if (n != 4) {
			set_status(m, KRB_INVALID);
			break;
		}
		cur_init(&c, v, n);
		m->av_flags = cur_get_le32(&c);
		m->has_av_flags = 1;
		break;
	case AV_TIMESTAMP:
		if (n != 8) {
			set_status(m, KRB_INVALID);
			break;
		}
		cur_init(&c, v, n);
		ft = cur_get_le64(&c);
		m->timestamp = (int64_t)(ft / 10000000) - FILETIME_EPOCH_DIFF;
		m->timestamp_usec = (uint32_t)(ft % 10000000 / 10);
		m->has_timestamp = 1;
		break;
	default:
		break;		/* SingleHost, ChannelBindings, ... */
	}
}

/*
 * The AV_PAIR list: avail bytes at p of a field that claims len bytes
 * (p NULL: none there). Stops at MsvAvEOL; says what is wrong.
 */
static void
av_pairs(const uint8_t *p, size_t avail, size_t len, struct ntlm_msg *m)
{
	struct cur c;
	uint16_t id, n;
	const uint8_t *v;

	m->has_av = 1;
	if (p == NULL || avail == 0) {
		/* the caller has said when the field is past the capture */
		if (m->av_error == NTLM_AV_OK)
			m->av_error = NTLM_AV_EMPTY;
		return;
	}
	cur_init(&c, p, avail);
	for (;;) {
		if (cur_left(&c) == 0) {
			m->av_error = NTLM_AV_UNTERMINATED;
			return;
		}
		if (cur_left(&c) < 4) {
			/* a pair header cut by the field's or the
			 * capture's end */
			m->av_error = avail < len ? NTLM_AV_TRUNCATED :
			    NTLM_AV_OVERRUN;
			return;
		}
		id = cur_get_le16(&c);
		n = cur_get_le16(&c);
		if (id == AV_EOL)
			return;
		if ((v = cur_get_bytes(&c, n)) == NULL) {
			/* past the field, or past what was captured */
			m->av_error = (size_t)(c.p - p) + n <= len ?
			    NTLM_AV_TRUNCATED : NTLM_AV_OVERRUN;
			return;
		}
		m->n_av++;
		av_one(id, v, n, m);
	}
}

/* NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1) */
static void
dec_negotiate(struct cur *c, const uint8_t *msg, size_t len,
    struct ntlm_msg *m)
{
	struct ntlm_field f[2];

	m->flags = cur_get_le32(c);
	if (c->err != 0) {
		set_status(m, KRB_TRUNCATED);
		return;
	}
	m->has_flags = 1;
	if (len == NTLM_SIG_LEN + 8)
		return;		/* the old form: flags only */
	field_read(c, msg, len, NEG_FIELDS_END, &f[0], m);
	field_read(c, msg, len, NEG_FIELDS_END, &f[1], m);
	if (c->err != 0) {
		set_status(m, KRB_TRUNCATED);
		return;
	}
	/* supplied domain and workstation: always OEM */
	field_text(m->domain, sizeof(m->domain), &f[0], 0);
	field_text(m->workstation, sizeof(m->workstation), &f[1], 0);
	if (field_min_off(f, 2, len) >= NEG_FIELDS_END + VERSION_LEN)
		read_version(msg, len, NEG_FIELDS_END, m);
}

/* CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) */
static void
dec_challenge(struct cur *c, const uint8_t *msg, size_t len,
    struct ntlm_msg *m)
{
	struct ntlm_field f[2];

	memset(f, 0, sizeof(f));
	field_read(c, msg, len, NTLM_SIG_LEN + 24, &f[0], m);
	m->flags = cur_get_le32(c);
	cur_skip(c, 8);			/* ServerChallenge: not kept */
	if (c->err != 0) {
		set_status(m, KRB_TRUNCATED);
		return;
	}
	m->has_flags = 1;
	field_text(m->target_name, sizeof(m->target_name), &f[0],
	    m->flags & NTLMSSP_NEGOTIATE_UNICODE);
	/* the old forms end before TargetInfoFields */
	if (field_min_off(f, 1, len) < CHAL_FIELDS_END)
		return;
	cur_skip(c, 8);			/* Reserved */
	field_read(c, msg, len, CHAL_FIELDS_END, &f[1], m);
	if (c->err != 0) {
		set_status(m, KRB_TRUNCATED);
		return;
	}
	if (f[1].len > 0 || (m->flags & NTLMSSP_NEGOTIATE_TARGET_INFO)) {
		if (f[1].beyond)
			m->av_error = NTLM_AV_TRUNCATED;
		av_pairs(f[1].p, f[1].avail, f[1].len, m);
	}
	if (field_min_off(f, 2, len) >= CHAL_FIELDS_END + VERSION_LEN)
		read_version(msg, len, CHAL_FIELDS_END, m);
}

/* AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3) */
static void
dec_authenticate(struct cur *c, const uint8_t *msg, size_t len,
    struct ntlm_msg *m)
{
	struct ntlm_field f[6];	/* Lm, Nt, Domain, User, Workstation, Key */
	struct cur blob, mic;
	uint32_t min;
	int unicode, i;

	memset(f, 0, sizeof(f));
	for (i = 0; i < 5; i++)
		field_read(c, msg, len, AUTH_FIELDS_END - 12, &f[i], m);
	if (c->err != 0) {
		set_status(m, KRB_TRUNCATED);
		return;
	}
	min = field_min_off(f, 5, len);
	/* EncryptedRandomSessionKey and NegotiateFlags, unless the payload
	 * starts before them (the oldest form) */
	if (min >= AUTH_FIELDS_END) {
		field_read(c, msg, len, AUTH_FIELDS_END, &f[5], m);
		m->flags = cur_get_le32(c);
		if (c->err != 0) {
			set_status(m, KRB_TRUNCATED);
			return;
		}
		m->has_flags = 1;
		m->has_session_key = f[5].len > 0;
		min = field_min_off(f, 6, len);
	}
	unicode = m->has_flags ? (m->flags & NTLMSSP_NEGOTIATE_UNICODE) : 1;
	field_text(m->domain, sizeof(m->domain), &f[2], unicode);
	field_text(m->user, sizeof(m->user), &f[3], unicode);
	field_text(m->workstation, sizeof(m->workstation), &f[4], unicode);
	m->lm_len = f[0].len;
	m->nt_len = f[1].len;

	if (m->has_flags && min >= AUTH_FIELDS_END + VERSION_LEN)
		read_version(msg, len, AUTH_FIELDS_END, m);
	/* MIC: 16 bytes after VERSION when the payload leaves room */
	if (m->has_flags &&
	    min >= AUTH_FIELDS_END + VERSION_LEN + MIC_LEN &&
	    len >= AUTH_FIELDS_END + VERSION_LEN + MIC_LEN) {
		cur_init(&mic, msg, len);
		cur_skip(&mic, AUTH_FIELDS_END + VERSION_LEN);
		for (i = 0; i < MIC_LEN; i++)
			if (cur_get_u8(&mic) != 0)
				m->has_mic = 1;
	}

	if (m->nt_len == 0)
		m->response = NTLM_RESP_NONE;
	else if (m->nt_len <= 24) {
		m->response = NTLM_RESP_V1;
		if (m->nt_len < 24)
			set_status(m, KRB_INVALID);
	} else {
		m->response = NTLM_RESP_V2;
		if (m->nt_len < NTPROOF_LEN + CLIENT_CHAL_HDR)
			set_status(m, KRB_INVALID);
		else if (f[1].beyond || f[1].avail <
		    NTPROOF_LEN + CLIENT_CHAL_HDR) {
			m->has_av = 1;
			m->av_error = NTLM_AV_TRUNCATED;
		} else {
			/* NTLMv2_CLIENT_CHALLENGE: RespType 1,
			 * HiRespType 1, then AV pairs after the header */
			cur_init(&blob, f[1].p + NTPROOF_LEN,
			    f[1].avail - NTPROOF_LEN);
			if (cur_get_u8(&blob) != 1)
				set_status(m, KRB_INVALID);
			av_pairs(f[1].p + NTPROOF_LEN + CLIENT_CHAL_HDR,
			    f[1].avail - NTPROOF_LEN - CLIENT_CHAL_HDR,
			    f[1].len - NTPROOF_LEN - CLIENT_CHAL_HDR, m);
			/* the list may be followed by padding, but it
			 * must end in MsvAvEOL */
		}
	}
	m->anonymous = (m->flags & NTLMSSP_NEGOTIATE_ANONYMOUS) != 0 ||
	    (f[3].len == 0 && m->nt_len == 0 && m->lm_len <= 1);
}

int
ntlm_decode(const uint8_t *p, size_t len, struct ntlm_msg *out)
{
	struct cur c;
	uint32_t type;

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		len = 0;
	out->raw = p;
	out->raw_len = len;
	if (len < NTLM_SIG_LEN || memcmp(p, ntlm_sig, NTLM_SIG_LEN) != 0)
		return E_UNSUPP;
	cur_init(&c, p, len);
	cur_skip(&c, NTLM_SIG_LEN);
	type = cur_get_le32(&c);
	if (c.err != 0) {
		out->status = KRB_TRUNCATED;
		return E_TRUNC;
	}
	switch (type) {
	case NTLM_NEGOTIATE:
		dec_negotiate(&c, p, len, out);
		break;
	case NTLM_CHALLENGE:
		dec_challenge(&c, p, len, out);
		break;
	case NTLM_AUTHENTICATE:
		dec_authenticate(&c, p, len, out);
		break;
	default:
		out->status = KRB_INVALID;
		return E_UNSUPP;
	}
	out->msg_type = (int)type;
	return out->status == KRB_OK ? 0 :
	    out->status == KRB_TRUNCATED ? E_TRUNC : E_INVALID;
}

const char *
ntlm_msg_name(int type)
{
	switch (type) {
	case NTLM_NEGOTIATE:
		return "NEGOTIATE";
	case NTLM_CHALLENGE:
		return "CHALLENGE";
	case NTLM_AUTHENTICATE:
		return "AUTHENTICATE";
	default:
		return NULL;
	}
}

/* MS-NLMP 2.2.2.5, without the NTLMSSP_NEGOTIATE_ / NTLMSSP_ prefix */
const char *
ntlm_flag_name(unsigned bit)
{
	static const char *const names[32] = {
		"UNICODE",			/* A, 0x00000001 */
		"OEM",				/* B */
		"REQUEST_TARGET",		/* C */
		NULL,				/* r10 */
		"SIGN",				/* D, 0x00000010 */
		"SEAL",				/* E */
		"DATAGRAM",			/* F */
		"LM_KEY",			/* G */
		NULL,				/* r9, 0x00000100 */
		"NTLM",				/* H */
		NULL,				/* r8 */
		"ANONYMOUS",			/* J, 0x00000800 */
		"OEM_DOMAIN_SUPPLIED",		/* K, 0x00001000 */
		"OEM_WORKSTATION_SUPPLIED",	/* L */
		NULL,				/* r7 */
		"ALWAYS_SIGN",			/* M, 0x00008000 */
		"TARGET_TYPE_DOMAIN",		/* N, 0x00010000 */
		"TARGET_TYPE_SERVER",		/* O */
		NULL,				/* r6 */
		"EXTENDED_SESSIONSECURITY",	/* P, 0x00080000 */
		"IDENTIFY",			/* Q, 0x00100000 */
		NULL,				/* r5 */
		"NON_NT_SESSION_KEY",		/* R, 0x00400000 */
		"TARGET_INFO",			/* S, 0x00800000 */
		NULL,				/* r4, 0x01000000 */
		"VERSION",			/* T, 0x02000000 */
		NULL,				/* r3 */
		NULL,				/* r2 */
		NULL,				/* r1, 0x10000000 */
		"128",				/* U, 0x20000000 */
		"KEY_EXCH",			/* V, 0x40000000 */
		"56",				/* W, 0x80000000 */
	};

	return bit < 32 ? names[bit] : NULL;
}

const char *
ntlm_av_error_name(int err)
{
	switch (err) {
	case NTLM_AV_OK:
		return "ok";
	case NTLM_AV_EMPTY:
		return "empty";
	case NTLM_AV_UNTERMINATED:
		return "unterminated";
	case NTLM_AV_OVERRUN:
		return "overrun";
	case NTLM_AV_TRUNCATED:
		return "truncated";
	default:
		return NULL;
	}
}
