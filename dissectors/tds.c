/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tds.c - SQL Server's Tabular Data Stream as a carrier of Kerberos and
 * NTLM (MS-TDS): packet framing (2.2.3.1), PRELOGIN (2.2.6.5) with the
 * TLS handshake it carries, LOGIN7 (2.2.6.4) and its SSPI blob, SSPI
 * messages (2.2.6.8), and the server's login response token stream
 * (2.2.7: SSPI, ERROR, INFO, LOGINACK, ENVCHANGE, DONE). TLS records
 * that travel bare on the stream (the Login7 of an ENCRYPT_OFF
 * connection, everything of an encrypted one) are passed over.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define TDS_HDR		8		/* packet header */
#define TDS_PKT_MAX	32768		/* largest packet size */
#define TDS_MSG_MAX	(256 * 1024)	/* message cap, no engine */
#define TDS_PROBE_MAX	4096		/* a PRELOGIN packet is small */
#define TLS_REC_MAX	(16384 + 2048)	/* TLSCiphertext fragment */

/* packet types (2.2.3.1.1) */
#define TDS_SQLBATCH	0x01
#define TDS_PRELOGIN7	0x02	/* pre-TDS7 login */
#define TDS_RPC		0x03
#define TDS_TABULAR	0x04
#define TDS_ATTENTION	0x06
#define TDS_BULK	0x07
#define TDS_FEDAUTH	0x08
#define TDS_TRANSMGR	0x0e
#define TDS_LOGIN7	0x10
#define TDS_SSPI	0x11
#define TDS_PRELOGIN	0x12

#define TDS_ST_EOM	0x01	/* status: end of message */
#define TDS_ST_MASK	0x1f	/* all defined status bits */

/* PRELOGIN option tokens (2.2.6.5) */
#define PL_VERSION	0x00
#define PL_ENCRYPTION	0x01
#define PL_INSTOPT	0x02
#define PL_THREADID	0x03
#define PL_MARS		0x04
#define PL_TRACEID	0x05
#define PL_FEDAUTHREQ	0x06
#define PL_NONCEOPT	0x07
#define PL_TERMINATOR	0xff
#define PL_MAX_OPTS	32

#define ENC_OFF		0
#define ENC_ON		1
#define ENC_NOT_SUP	2
#define ENC_REQ		3
#define ENC_UNKNOWN	(-1)

/* token stream (2.2.7) */
#define TOK_RETURNSTATUS	0x79
#define TOK_COLMETADATA		0x81
#define TOK_TABNAME		0xa4
#define TOK_COLINFO		0xa5
#define TOK_ORDER		0xa9
#define TOK_ERROR		0xaa
#define TOK_INFO		0xab
#define TOK_LOGINACK		0xad
#define TOK_FEATUREEXTACK	0xae
#define TOK_ROW			0xd1
#define TOK_NBCROW		0xd2
#define TOK_ENVCHANGE		0xe3
#define TOK_SESSIONSTATE	0xe4
#define TOK_SSPI		0xed
#define TOK_FEDAUTHINFO		0xee
#define TOK_DONE		0xfd
#define TOK_DONEPROC		0xfe
#define TOK_DONEINPROC		0xff

#define ENV_DATABASE	1
#define ENV_PACKETSIZE	4

/* LOGIN7 fixed part: up to cbSSPILong (TDS 7.2 and later) */
#define LOGIN7_FIXED	94
#define LOGIN7_FIXED71	90

/* One direction of the stream. */
struct tds_dir {
	size_t		 skip;		/* bytes still to pass over */
	uint8_t		 resync;	/* looking for a header */
	uint8_t		 counted;	/* this resync already counted */
	uint8_t		 in_msg;	/* passing over a message's
					 * packets up to its EOM */
	uint8_t		 started;	/* bytes seen in this direction */
	uint8_t		 gapped;	/* bytes were lost */
};

/* One connection; both directions share it. */
struct tds_state {
	struct tds_dir	 dir[2];
	int		 cli_enc, srv_enc;	/* ENC_* from PRELOGIN */
	uint8_t		 cli_prelogin;	/* seen */
	uint8_t		 srv_prelogin;
	uint8_t		 enc_reported;	/* "encrypted" event sent */
	uint8_t		 login7_tls;	/* encrypted Login7 reported */
	uint8_t		 login_done;	/* the server's later results are
					 * not of interest */
	uint32_t	 tds_version;	/* LOGINACK or LOGIN7; 0 unknown */
};

static int	is_tds_type(uint8_t);
static int	is_tls_type(uint8_t);
static int	plausible(const uint8_t *, size_t);
static int	tls_payload(const uint8_t *, size_t);
static size_t	msg_limit(const struct engine *);
static void	enter_resync(struct tds_dir *);
static int	resync_scan(struct tds_dir *, struct engine *,
		    const uint8_t *, size_t, size_t *);
static const char *enc_name(int, char *, size_t);
static void	fmt_tds_version(char *, size_t, uint32_t);
static void	emit_encrypted(struct tds_state *, struct dis_ctx *,
		    const char *);
static void	raw_tls(struct tds_state *, struct tds_dir *,
		    struct dis_ctx *, uint8_t);
static int	prelogin(struct tds_state *, struct dis_ctx *,
		    const uint8_t *, size_t, int);
static int	plausible_login7(const uint8_t *, size_t);
static void	add_ucs2(struct auth_rec *, const char *, const uint8_t *,
		    size_t, uint16_t, uint16_t);
static void	login7(struct tds_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static void	tok_error(struct dis_ctx *, struct cur *);
static void	tok_loginack(struct tds_state *, struct dis_ctx *,
		    struct cur *);
static void	tok_envchange(struct dis_ctx *, struct cur *);
static void	tokens(struct tds_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static void	decode_msg(struct tds_state *, struct dis_ctx *, uint8_t,
		    const uint8_t *, size_t);
static int	wanted(struct tds_state *, uint8_t);
static int	message(struct tds_state *, struct tds_dir *,
		    struct dis_ctx *, const uint8_t *, size_t, size_t *,
		    size_t *);
static int	step(struct tds_state *, struct tds_dir *, struct dis_ctx *,
		    const uint8_t *, size_t, size_t *, size_t *);
static int	tds_probe(const uint8_t *, size_t, int);
static int	tds_may_start(uint8_t, int);
static int	tds_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	tds_gap(void *, int);
static void	*tds_state_new(void);
static void	tds_state_free(void *);

const struct dissector dis_tds = {
	.name		= "tds",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 1433, 0 },
	.probe		= tds_probe,
	.may_start	= tds_may_start,
	.feed		= tds_feed,
	.gap		= tds_gap,
	.state_new	= tds_state_new,
	.state_free	= tds_state_free,
};

#define STEP_OK		0
#define STEP_NEED	1

static int
is_tds_type(uint8_t t)
{
	switch (t) {
	case TDS_SQLBATCH: case TDS_PRELOGIN7: case TDS_RPC:
	case TDS_TABULAR: case TDS_ATTENTION: case TDS_BULK:
	case TDS_FEDAUTH: case TDS_TRANSMGR: case TDS_LOGIN7:
	case TDS_SSPI: case TDS_PRELOGIN:
		return 1;
	default:
		return 0;
	}
}

/* TLS content types: change_cipher_spec, alert, handshake, app data */
static int
is_tls_type(uint8_t t)
{
	return t >= 0x14 && t <= 0x17;
}

/*
 * Is there a TDS packet header or a bare TLS record header at p?
 * 1 yes, 0 no, -1 cannot tell before more bytes arrive.
 */
static int
plausible(const uint8_t *p, size_t n)
{
	struct cur c;
	uint8_t type;
	uint16_t len;

	if (n == 0)
		return -1;
	cur_init(&c, p, n);
	type = cur_get_u8(&c);
	if (is_tls_type(type)) {
		/* the cursor is past the type: version major, minor */
		if (n >= 2 && cur_peek_u8(&c, 0) != 0x03)
			return 0;
		if (n >= 3 && cur_peek_u8(&c, 1) > 0x04)
			return 0;
		if (n < 5)
			return -1;
		cur_skip(&c, 2);
		len = cur_get_be16(&c);
		return len > 0 && len <= TLS_REC_MAX;
	}
	if (!is_tds_type(type))
		return 0;
	if (n >= 2 && (cur_peek_u8(&c, 0) & ~TDS_ST_MASK) != 0)
		return 0;
	if (n < TDS_HDR)
		return -1;
	cur_skip(&c, 1);		/* status, checked above */
	len = cur_get_be16(&c);
	cur_skip(&c, 3);
	if (cur_get_u8(&c) != 0)	/* window: always 0 */
		return 0;
	return len >= TDS_HDR && len <= TDS_PKT_MAX;
}

/* Does a packet payload start with a TLS record? (n >= 3) */
static int
tls_payload(const uint8_t *p, size_t n)
{
	struct cur c;

	cur_init(&c, p, n);
	return is_tls_type(cur_peek_u8(&c, 0)) && cur_peek_u8(&c, 1) == 3 &&
	    cur_peek_u8(&c, 2) <= 4 && cur_left(&c) >= 3;
}

/* Largest message (headers included) buffered for decoding. */
static size_t
msg_limit(const struct engine *eng)
{
	size_t lim;

	lim = TDS_MSG_MAX;
	if (eng != NULL && eng->lim.max_msg_bytes > 0)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim;
}

static void
enter_resync(struct tds_dir *d)
{
	d->resync = 1;
	d->counted = 0;
	d->skip = 0;
	d->in_msg = 0;
}

/*
 * Scans p[*off..len) for a plausible header. Returns 1 with *off on it,
 * or 0 with *off on the first byte that needs more data to judge.
 */
static int
resync_scan(struct tds_dir *d, struct engine *eng, const uint8_t *p,
    size_t len, size_t *off)
{
	size_t i;
	int r, found;

	found = 0;
	for (i = *off; i < len; i++) {
		r = plausible(p + i, len - i);
		if (r < 0)
			break;
		if (r > 0) {
			found = 1;
			break;
		}
	}
	if (i > *off && !d->counted) {
		eng->st.dis_resyncs++;
		d->counted = 1;
	}
	*off = i;
	if (found)
		d->resync = 0;
	return found;
}

static const char *
enc_name(int v, char *buf, size_t bufsz)
{
	switch (v) {
	case ENC_OFF:
		return "OFF";
	case ENC_ON:
		return "ON";
	case ENC_NOT_SUP:
		return "NOT_SUP";
	case ENC_REQ:
		return "REQ";
	default:
		snprintf(buf, bufsz, "0x%02x", (unsigned)v & 0xff);
		return buf;
	}
}

/* 0x74000004 -> "7.4", 0x730b0003 -> "7.3B", 0x08000000 -> "8.0" */
static void
fmt_tds_version(char *dst, size_t dstsz, uint32_t v)
{
	uint8_t hi;

	hi = (uint8_t)(v >> 24);
	if (v == 0x730a0003)
		snprintf(dst, dstsz, "7.3A");
	else if (v == 0x730b0003)
		snprintf(dst, dstsz, "7.3B");
	else if (hi >= 0x70 && hi <= 0x7f)
		snprintf(dst, dstsz, "%u.%u", hi >> 4, hi & 0xf);
	else if (v == 0x08000000)
		snprintf(dst, dstsz, "8.0");
	else
		snprintf(dst, dstsz, "0x%08x", (unsigned)v);
}

static void
emit_encrypted(struct tds_state *st, struct dis_ctx *ctx, const char *how)
{
	struct auth_rec a;

	if (st->enc_reported)
		return;
	st->enc_reported = 1;
	auth_init(&a, "encrypted", AUTH_NONE);
	auth_add_str(&a, "encryption", how);
	engine_emit_auth(ctx, "tds", &a);
}

/*
 * A bare TLS record on the stream. A handshake record as the very first
 * bytes of a connection without PRELOGIN is TDS 8 (strict encryption).
 */
static void
raw_tls(struct tds_state *st, struct tds_dir *d, struct dis_ctx *ctx,
    uint8_t type)
{
	struct auth_rec a;

	ctx->eng->st.tls_skipped++;
	if (type == 0x16 && !d->started && !d->gapped && !st->cli_prelogin &&
	    !st->srv_prelogin)
		emit_encrypted(st, ctx, "STRICT");
	/*
	 * ENCRYPT_OFF: the client's first application-data record after the
	 * handshake is its Login7, encrypted; say that it was sent.
	 */
	if (type == 0x17 && ctx->dir == 0 && st->srv_prelogin &&
	    st->srv_enc == ENC_OFF && !st->login7_tls) {
		st->login7_tls = 1;
		auth_init(&a, "login7", AUTH_NONE);
		auth_add_bool(&a, "encrypted", 1);
		engine_emit_auth(ctx, "tds", &a);
	}
}

/*
 * A PRELOGIN option table (2.2.6.5). Returns 0 when it was one (and an
 * event was emitted), -1 when the bytes are not an option table.
 */
static int
prelogin(struct tds_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t n, int server)
{
	struct auth_rec a;
	struct cur c, v;
	char version[32], instance[64], ebuf[8];
	const uint8_t *nul;
	uint16_t off, len, build;
	uint8_t tok, major, minor;
	int i, enc, mars, has_version;

	has_version = 0;
	enc = ENC_UNKNOWN;
	mars = -1;
	instance[0] = '\0';
	cur_init(&c, p, n);
	for (i = 0; i < PL_MAX_OPTS; i++) {
		tok = cur_get_u8(&c);
		if (c.err != 0 || tok == PL_TERMINATOR)
			break;
		off = cur_get_be16(&c);
		len = cur_get_be16(&c);
		if (c.err != 0)
			break;
		if ((size_t)off > n || (size_t)len > n - off)
			continue;	/* outside the payload */
		cur_init(&v, p + off, len);
		switch (tok) {
		case PL_VERSION:
			major = cur_get_u8(&v);
			minor = cur_get_u8(&v);
			build = cur_get_be16(&v);
			if (v.err == 0) {
				snprintf(version, sizeof(version),
				    "%u.%u.%u", major, minor, build);
				has_version = 1;
			}
			break;
		case PL_ENCRYPTION:
			if (len >= 1)
				enc = cur_get_u8(&v);
			break;
		case PL_INSTOPT:
			if (len == 0)
				break;
			nul = memchr(p + off, '\0', len);
			str_printable(instance, sizeof(instance), p + off,
			    nul != NULL ? (size_t)(nul - (p + off)) : len);
			break;
		case PL_MARS:
			if (len >= 1)
				mars = cur_get_u8(&v) != 0;
			break;
		default:	/* THREADID, TRACEID, FEDAUTHREQUIRED, ... */
			break;
		}
	}
	if (i == 0 && c.err != 0)
		return -1;
	if (server) {
		st->srv_prelogin = 1;
		st->srv_enc = enc;
	} else {
		st->cli_prelogin = 1;
		st->cli_enc = enc;
	}
	auth_init(&a, "prelogin", AUTH_NONE);
	if (has_version)
		auth_add_str(&a, "version", version);
	if (enc != ENC_UNKNOWN)
		auth_add_str(&a, "encryption",
		    enc_name(enc & 0x7f, ebuf, sizeof(ebuf)));
	if (!server && instance[0] != '\0')
		auth_add_str(&a, "instance", instance);
	if (mars >= 0)
		auth_add_bool(&a, "mars", mars);
	engine_emit_auth(ctx, "tds", &a);
	/* the server's answer decides: with ON or REQ all is TLS now */
	if (server && ((enc & 0x7f) == ENC_ON || (enc & 0x7f) == ENC_REQ))
		emit_encrypted(st, ctx, enc_name(enc & 0x7f, ebuf,
		    sizeof(ebuf)));
	return 0;
}

/* LOGIN7 starts with its length and a TDS version (7.x or 8). */
static int
plausible_login7(const uint8_t *p, size_t n)
{
	struct cur c;
	uint32_t len, ver;

	cur_init(&c, p, n);
	len = cur_get_le32(&c);
	ver = cur_get_le32(&c);
	if (c.err != 0 || len < LOGIN7_FIXED71 || len > 0x100000)
		return 0;
	return (ver >> 28) == 0x7 || ver == 0x08000000;
}

/* A LOGIN7 string: ib bytes from the start, cch UTF-16 units. */
static void
add_ucs2(struct auth_rec *a, const char *key, const uint8_t *p, size_t n,
    uint16_t ib, uint16_t cch)
{
	size_t bytes;

	bytes = (size_t)cch * 2;
	if ((size_t)ib > n || bytes > n - ib)
		bytes = 0;	/* outside the message: shown empty */
	auth_add_utf16(a, key, bytes > 0 ? p + ib : NULL, bytes);
}

/* LOGIN7 (2.2.6.4); the password and ChangePassword are never read. */
static void
login7(struct tds_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t n)
{
	struct auth_rec a;
	struct cur c;
	char ver[16];
	uint32_t tdsver, sspi_len;
	uint16_t ib[9], cch[9], ib_sspi, cb_sspi;
	uint8_t flags2;
	int i;

	cur_init(&c, p, n);
	cur_skip(&c, 4);		/* Length */
	tdsver = cur_get_le32(&c);
	cur_skip(&c, 16);		/* PacketSize .. ConnectionID */
	cur_skip(&c, 1);		/* OptionFlags1 */
	flags2 = cur_get_u8(&c);
	cur_skip(&c, 2 + 4 + 4);	/* TypeFlags .. ClientLCID */
	/* HostName UserName Password AppName ServerName Extension
	 * CltIntName Language Database */
	for (i = 0; i < 9; i++) {
		ib[i] = cur_get_le16(&c);
		cch[i] = cur_get_le16(&c);
	}
	cur_skip(&c, 6);		/* ClientID */
	ib_sspi = cur_get_le16(&c);
	cb_sspi = cur_get_le16(&c);
	cur_skip(&c, 4);		/* AtchDBFile */
	if (c.err != 0) {
		ctx->eng->st.carrier_errors++;
		return;
	}
	sspi_len = cb_sspi;
	if (cb_sspi == 0xffff && ib[0] >= LOGIN7_FIXED && n >= LOGIN7_FIXED) {
		cur_skip(&c, 4);	/* ChangePassword */
		sspi_len = cur_get_le32(&c);
		if (c.err != 0)
			sspi_len = 0;
	}
	if (tdsver != 0)
		st->tds_version = tdsver;
	fmt_tds_version(ver, sizeof(ver), tdsver);
	auth_init(&a, "login7", AUTH_NONE);
	add_ucs2(&a, "client_host", p, n, ib[0], cch[0]);
	add_ucs2(&a, "user", p, n, ib[1], cch[1]);
	add_ucs2(&a, "app", p, n, ib[3], cch[3]);
	add_ucs2(&a, "server_name", p, n, ib[4], cch[4]);
	add_ucs2(&a, "library", p, n, ib[6], cch[6]);
	add_ucs2(&a, "database", p, n, ib[8], cch[8]);
	auth_add_bool(&a, "int_security", (flags2 & 0x80) != 0);
	auth_add_str(&a, "tds_version", ver);
	engine_emit_auth(ctx, "tds", &a);
	if (sspi_len == 0)
		return;
	if ((size_t)ib_sspi > n || (size_t)sspi_len > n - ib_sspi) {
		ctx->eng->st.carrier_errors++;
		return;
	}
	sec_token(ctx, "tds", p + ib_sspi, sspi_len, 0);
}

/* ERROR token body (2.2.7.10): the login's refusal. */
static void
tok_error(struct dis_ctx *ctx, struct cur *c)
{
	struct auth_rec a;
	const uint8_t *msg, *srv;
	uint32_t number;
	uint16_t msg_cch;
	uint8_t state, class, srv_cch;

	number = cur_get_le32(c);
	state = cur_get_u8(c);
	class = cur_get_u8(c);
	if (c->err != 0)
		return;
	msg_cch = cur_get_le16(c);
	msg = cur_get_bytes(c, (size_t)msg_cch * 2);
	srv_cch = cur_get_u8(c);
	srv = cur_get_bytes(c, (size_t)srv_cch * 2);
	auth_init(&a, "result", AUTH_FAIL);
	auth_add_int(&a, "number", number);
	auth_add_int(&a, "state", state);
	auth_add_int(&a, "class", class);
	auth_add_utf16(&a, "message", msg, msg != NULL ? msg_cch * 2u : 0);
	auth_add_utf16(&a, "server", srv, srv != NULL ? srv_cch * 2u : 0);
	engine_emit_auth(ctx, "tds", &a);
}

/* LOGINACK token body (2.2.7.14): the login was accepted. */
static void
tok_loginack(struct tds_state *st, struct dis_ctx *ctx, struct cur *c)
{
	struct auth_rec a;
	const uint8_t *name;
	char ver[16], pver[32];
	uint32_t tdsver;
	uint8_t cch, major, minor, hi, lo;

	cur_skip(c, 1);			/* Interface */
	tdsver = cur_get_be32(c);
	cch = cur_get_u8(c);
	name = cur_get_bytes(c, (size_t)cch * 2);
	major = cur_get_u8(c);
	minor = cur_get_u8(c);
	hi = cur_get_u8(c);
	lo = cur_get_u8(c);
	st->login_done = 1;
	if (name == NULL)
		return;
	st->tds_version = tdsver;
	fmt_tds_version(ver, sizeof(ver), tdsver);
	auth_init(&a, "result", AUTH_OK);
	auth_add_str(&a, "token", "LOGINACK");
	auth_add_str(&a, "tds_version", ver);
	auth_add_utf16(&a, "program", name, (size_t)cch * 2);
	if (c->err == 0) {
		snprintf(pver, sizeof(pver), "%u.%u.%u", major, minor,
		    (unsigned)hi << 8 | lo);
		auth_add_str(&a, "program_version", pver);
	}
	engine_emit_auth(ctx, "tds", &a);
}

/* ENVCHANGE token body (2.2.7.9): database and packet size only. */
static void
tok_envchange(struct dis_ctx *ctx, struct cur *c)
{
	struct auth_rec a;
	const uint8_t *nv, *ov;
	uint8_t type, ncch, occh;

	type = cur_get_u8(c);
	if (type != ENV_DATABASE && type != ENV_PACKETSIZE)
		return;
	ncch = cur_get_u8(c);
	nv = cur_get_bytes(c, (size_t)ncch * 2);
	occh = cur_get_u8(c);
	ov = cur_get_bytes(c, (size_t)occh * 2);
	if (c->err != 0)
		return;
	auth_init(&a, "envchange", AUTH_NONE);
	auth_add_str(&a, "change", type == ENV_DATABASE ? "database" :
	    "packet_size");
	auth_add_utf16(&a, "value", nv, (size_t)ncch * 2);
	auth_add_utf16(&a, "old_value", ov, (size_t)occh * 2);
	engine_emit_auth(ctx, "tds", &a);
}

/*
 * The server's token stream, walked as far as each token can be sized;
 * the walk stops quietly at the first one that cannot (a login response
 * never carries those).
 */
static void
tokens(struct tds_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t n)
{
	struct cur c, body;
	const uint8_t *blob;
	uint32_t len32;
	uint16_t len;
	uint8_t tok, id;
	size_t done_len;

	cur_init(&c, p, n);
	while (cur_left(&c) > 0) {
		tok = cur_get_u8(&c);
		switch (tok) {
		case TOK_SSPI:
			len = cur_get_le16(&c);
			if ((blob = cur_get_bytes(&c, len)) == NULL)
				return;
			if (len > 0)
				sec_token(ctx, "tds", blob, len, 0);
			break;
		case TOK_ERROR:
		case TOK_INFO:
		case TOK_LOGINACK:
		case TOK_ENVCHANGE:
			len = cur_get_le16(&c);
			if (cur_sub(&c, len, &body) != 0)
				return;
			if (tok == TOK_ERROR)
				tok_error(ctx, &body);
			else if (tok == TOK_LOGINACK)
				tok_loginack(st, ctx, &body);
			else if (tok == TOK_ENVCHANGE)
				tok_envchange(ctx, &body);
			break;
		case TOK_ORDER:
		case TOK_TABNAME:
		case TOK_COLINFO:
			cur_skip(&c, cur_get_le16(&c));
			break;
		case TOK_SESSIONSTATE:
		case TOK_FEDAUTHINFO:
			cur_skip(&c, cur_get_le32(&c));
			break;
		case TOK_RETURNSTATUS:
			cur_skip(&c, 4);
			break;
		case TOK_DONE:
		case TOK_DONEPROC:
		case TOK_DONEINPROC:
			done_len = st->tds_version != 0 &&
			    st->tds_version < 0x72000000 ? 8 : 12;
			cur_skip(&c, done_len);
			break;
		case TOK_FEATUREEXTACK:
			for (;;) {
				id = cur_get_u8(&c);
				if (c.err != 0 || id == 0xff)
					break;
				len32 = cur_get_le32(&c);
				cur_skip(&c, len32);
			}
			break;
		case TOK_COLMETADATA:
		case TOK_ROW:
		case TOK_NBCROW:
			st->login_done = 1;	/* a query's results */
			return;
		default:
			return;
		}
		if (c.err != 0)
			return;
	}
}

static void
decode_msg(struct tds_state *st, struct dis_ctx *ctx, uint8_t type,
    const uint8_t *p, size_t n)
{
	struct cur c;

	cur_init(&c, p, n);
	if (n == 0)
		return;
	switch (type) {
	case TDS_PRELOGIN:
		if (cur_peek_u8(&c, 0) <= PL_NONCEOPT ||
		    cur_peek_u8(&c, 0) == PL_TERMINATOR)
			(void)prelogin(st, ctx, p, n, 0);
		break;
	case TDS_TABULAR:
		/* option tokens are all below the first stream token */
		if (!st->srv_prelogin && cur_peek_u8(&c, 0) <= PL_NONCEOPT &&
		    prelogin(st, ctx, p, n, 1) == 0)
			break;
		tokens(st, ctx, p, n);
		break;
	case TDS_LOGIN7:
		/* some clients send the later SSPI legs as LOGIN7 */
		if (!plausible_login7(p, n) &&
		    sec_probe(p, n, SEC_F_NO_RAW_KRB)) {
			sec_token(ctx, "tds", p, n, 0);
			break;
		}
		login7(st, ctx, p, n);
		break;
	case TDS_SSPI:
		sec_token(ctx, "tds", p, n, 0);
		break;
	default:
		break;
	}
}

/* Is a message of this type worth buffering? */
static int
wanted(struct tds_state *st, uint8_t type)
{
	switch (type) {
	case TDS_PRELOGIN:
	case TDS_LOGIN7:
	case TDS_SSPI:
		return 1;
	case TDS_TABULAR:
		return !st->login_done;
	case TDS_SQLBATCH:
	case TDS_RPC:
	case TDS_BULK:
	case TDS_TRANSMGR:
		st->login_done = 1;	/* the client is past its login */
		return 0;
	default:
		return 0;
	}
}

/*
 * A message to decode starts at p (its first header is plausible): walks
 * its packets to the one with EOM; decodes it when all are here.
 */
static int
message(struct tds_state *st, struct tds_dir *d, struct dis_ctx *ctx,
    const uint8_t *p, size_t n, size_t *used_out, size_t *need_out)
{
	struct cur c;
	const uint8_t *src;
	uint8_t *buf;
	size_t pos, total, limit, o, q;
	uint16_t plen, first_len;
	uint8_t type, t, status, first_status;

	*used_out = 0;
	*need_out = 0;
	limit = msg_limit(ctx->eng);
	cur_init(&c, p, n);
	type = cur_peek_u8(&c, 0);
	first_status = cur_peek_u8(&c, 1);
	first_len = (uint16_t)(cur_peek_u8(&c, 2) << 8 | cur_peek_u8(&c, 3));
	pos = 0;
	total = 0;
	for (;;) {
		if (pos + TDS_HDR > limit)
			goto oversize;
		if (n - pos < TDS_HDR) {
			*need_out = pos + TDS_HDR;
			return STEP_NEED;
		}
		cur_init(&c, p + pos, n - pos);
		t = cur_get_u8(&c);
		status = cur_get_u8(&c);
		plen = cur_get_be16(&c);
		if (pos > 0 && (t != type ||
		    plausible(p + pos, n - pos) != 1)) {
			/* the message breaks off: drop what came */
			*used_out = pos;
			enter_resync(d);
			return STEP_OK;
		}
		if (pos + plen > limit)
			goto oversize;
		if (n - pos < plen) {
			*need_out = pos + plen;
			return STEP_NEED;
		}
		total += plen - TDS_HDR;
		pos += plen;
		if (status & TDS_ST_EOM)
			break;
	}
	if (pos == (size_t)first_len) {
		decode_msg(st, ctx, type, p + TDS_HDR, total);
	} else {
		/* the payloads without their headers, in one piece */
		buf = xmalloc(total > 0 ? total : 1);
		for (o = 0, q = 0; q < pos; q += plen) {
			cur_init(&c, p + q, n - q);
			cur_skip(&c, 2);
			plen = cur_get_be16(&c);
			cur_skip(&c, TDS_HDR - 4);
			src = cur_get_bytes(&c, (size_t)plen - TDS_HDR);
			if (src == NULL)
				break;	/* the walk above measured them */
			memcpy(buf + o, src, (size_t)plen - TDS_HDR);
			o += (size_t)plen - TDS_HDR;
		}
		decode_msg(st, ctx, type, buf, total);
		free(buf);
	}
	*used_out = pos;
	return STEP_OK;
oversize:
	ctx->eng->st.dis_oversize++;
	d->skip = first_len;
	d->in_msg = !(first_status & TDS_ST_EOM);
	return STEP_OK;
}

/*
 * At a record boundary: a bare TLS record, or a TDS packet. Either
 * consumes (*used_out, or through d->skip), changes state, or asks for
 * more (STEP_NEED with *need_out counted from p).
 */
static int
step(struct tds_state *st, struct tds_dir *d, struct dis_ctx *ctx,
    const uint8_t *p, size_t n, size_t *used_out, size_t *need_out)
{
	struct cur c;
	uint16_t plen;
	uint8_t type, status;
	size_t want;
	int r;

	*used_out = 0;
	*need_out = 0;
	r = plausible(p, n);
	if (r < 0) {
		*need_out = n + 1;
		return STEP_NEED;
	}
	if (r == 0) {
		enter_resync(d);
		return STEP_OK;
	}
	cur_init(&c, p, n);
	type = cur_get_u8(&c);
	status = cur_get_u8(&c);
	plen = cur_get_be16(&c);
	if (is_tls_type(type)) {
		cur_init(&c, p + 3, 2);
		plen = cur_get_be16(&c);
		raw_tls(st, d, ctx, type);
		d->skip = (size_t)5 + plen;
		d->started = 1;
		return STEP_OK;
	}
	d->started = 1;
	if (d->in_msg || !wanted(st, type)) {
		/* a packet of a message passed over */
		d->in_msg = !(status & TDS_ST_EOM);
		d->skip = plen;
		return STEP_OK;
	}
	/* the TLS handshake travels inside PRELOGIN packets */
	want = plen - TDS_HDR < 3 ? plen : TDS_HDR + 3;
	if (n < want) {
		*need_out = want;
		return STEP_NEED;
	}
	if (plen - TDS_HDR >= 3 && tls_payload(p + TDS_HDR, 3)) {
		ctx->eng->st.tls_skipped++;
		d->in_msg = !(status & TDS_ST_EOM);
		d->skip = plen;
		return STEP_OK;
	}
	return message(st, d, ctx, p, n, used_out, need_out);
}

/* The types tds_probe() accepts. */
static int
tds_may_start(uint8_t b, int transport)
{
	return transport == TRANSPORT_TCP &&
	    (b == TDS_PRELOGIN || b == TDS_TABULAR);
}

/*
 * The first bytes of a stream: the client's PRELOGIN, or the server's
 * answer to it, whose option table starts with VERSION (6 bytes).
 */
static int
tds_probe(const uint8_t *p, size_t len, int transport)
{
	struct cur c;
	uint16_t plen, off, olen;
	uint8_t type, status, next;

	if (transport != TRANSPORT_TCP || len < TDS_HDR + 6)
		return 0;
	cur_init(&c, p, len);
	type = cur_get_u8(&c);
	status = cur_get_u8(&c);
	plen = cur_get_be16(&c);
	if ((type != TDS_PRELOGIN && type != TDS_TABULAR) ||
	    status != TDS_ST_EOM || plen < TDS_HDR + 5 + 1 + 6 ||
	    plen > TDS_PROBE_MAX)
		return 0;
	cur_skip(&c, 3);		/* SPID, PacketID */
	if (cur_get_u8(&c) != 0)	/* Window */
		return 0;
	if (cur_get_u8(&c) != PL_VERSION)
		return 0;
	off = cur_get_be16(&c);
	olen = cur_get_be16(&c);
	next = cur_get_u8(&c);
	if (c.err != 0 || olen != 6 || off < 6 ||
	    (size_t)off + 6 > (size_t)plen - TDS_HDR)
		return 0;
	return next <= PL_NONCEOPT || next == PL_TERMINATOR;
}

static int
tds_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct tds_state *st = state;
	struct tds_dir *d;
	size_t off, n, used, need;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	off = 0;
	need = 0;
	while (off < len) {
		if (d->skip > 0) {
			n = len - off < d->skip ? len - off : d->skip;
			off += n;
			d->skip -= n;
			continue;
		}
		if (d->resync) {
			if (!resync_scan(d, ctx->eng, p, len, &off)) {
				need = len + 1;
				break;
			}
			continue;
		}
		if (step(st, d, ctx, p + off, len - off, &used, &n) ==
		    STEP_NEED) {
			need = off + n;
			break;
		}
		off += used;
	}
	*used_out = off;
	if (need == 0)
		return FEED_OK;
	*need_out = need;
	return FEED_NEED;
}

static void
tds_gap(void *state, int dir)
{
	struct tds_state *st = state;
	struct tds_dir *d;

	d = &st->dir[dir != 0];
	enter_resync(d);
	d->gapped = 1;
}

static void *
tds_state_new(void)
{
	struct tds_state *st;

	st = xcalloc(1, sizeof(*st));
	st->cli_enc = ENC_UNKNOWN;
	st->srv_enc = ENC_UNKNOWN;
	return st;
}

static void
tds_state_free(void *state)
{
	free(state);
}
