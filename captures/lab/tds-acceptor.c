/*
 * tds-acceptor.c - a tiny SQL Server stand-in for the krbscope lab.
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * LAB CODE ONLY: it is compiled by the captures/lab/tds-*.sh scripts and
 * never part of krbscope. There is no SQL Server on the lab machines, so
 * this program plays its part in recordings: it speaks just enough of
 * MS-TDS (Tabular Data Stream, [MS-TDS] section numbers below) for a
 * FreeTDS client (tsql) to log in with Kerberos ("integrated security"):
 *
 *   client                         acceptor
 *   PRELOGIN (0x12)        --->                   2.2.6.5
 *                          <---   PRELOGIN answer (packet type 0x04)
 *   [ENCRYPT_OFF: TLS handshake inside PRELOGIN packets both ways,
 *    then the LOGIN7 as bare TLS records; everything after it in clear]
 *   LOGIN7 (0x10) with SSPI --->  gss_accept_sec_context()   2.2.6.4
 *                          <---   TABULAR RESULT: SSPI (0xED) with the
 *                                 acceptor's output token (AP-REP),
 *                                 ENVCHANGE, LOGINACK, DONE   2.2.7
 *                             or: SSPI with the failed call's output
 *                                 token (MIT: a KRB-ERROR, when mutual
 *                                 authentication was asked), ERROR
 *                                 18452 (18456 with --anonymous-error),
 *                                 DONE
 *   [SSPI (0x11)           --->   further legs, if GSS wants them 2.2.6.8]
 *   SQLBATCH (0x01)        --->
 *                          <---   DONE (an empty result)
 *
 * Usage: tds-acceptor [options]
 *   -l ADDR        listen address (default 0.0.0.0)
 *   -p PORT        listen port (default 1433)
 *   -e MODE        ENCRYPTION answered in PRELOGIN: "not_sup" (default)
 *                  or "off" (TLS for the LOGIN7 only; needs -c and -k)
 *   -c FILE -k FILE  TLS certificate and private key (PEM)
 *   -n COUNT       exit after COUNT connections (default: run until killed)
 *   --anonymous-error  refuse a login that could not be authenticated with
 *                  18456 "Login failed for user 'NT AUTHORITY\ANONYMOUS
 *                  LOGON'." instead of 18452 (the back end of a failed
 *                  double hop)
 * The keytab is GSS-API's default acceptor keytab (KRB5_KTNAME).
 * Everything it does and every GSS-API failure (major/minor status) is
 * logged on stderr.
 *
 * Build: cc -O2 -Wall -o tds-acceptor tds-acceptor.c -lgssapi_krb5 \
 *            -lssl -lcrypto
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <gssapi/gssapi.h>
#include <signal.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* packet types (2.2.3.1.1) */
#define PKT_SQLBATCH	0x01
#define PKT_TABULAR	0x04
#define PKT_LOGIN7	0x10
#define PKT_SSPI	0x11
#define PKT_PRELOGIN	0x12

#define ST_EOM		0x01	/* packet status: end of message (2.2.3.1.2) */
#define HDR		8	/* packet header (2.2.3.1) */
#define PKT_SIZE	4096	/* the default negotiated packet size */
#define MSG_MAX		(1024 * 1024)

/* PRELOGIN option tokens (2.2.6.5) */
#define PL_VERSION	0x00
#define PL_ENCRYPTION	0x01
#define PL_INSTOPT	0x02
#define PL_THREADID	0x03
#define PL_MARS		0x04
#define PL_TERMINATOR	0xff

#define ENCRYPT_OFF	0x00
#define ENCRYPT_ON	0x01
#define ENCRYPT_NOT_SUP	0x02
#define ENCRYPT_REQ	0x03

/* token stream (2.2.7) */
#define TOK_ERROR	0xaa
#define TOK_LOGINACK	0xad
#define TOK_ENVCHANGE	0xe3
#define TOK_SSPI	0xed
#define TOK_DONE	0xfd

#define DONE_FINAL	0x0000
#define DONE_ERROR	0x0002

#define MSG_18452 "Login failed. The login is from an untrusted domain " \
	"and cannot be used with Integrated authentication."
#define MSG_18456 "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'."

/* A growing byte buffer. */
struct buf {
	uint8_t	*p;
	size_t	 n, cap;
};

/* One client connection. */
struct conn {
	int	 fd;
	SSL	*ssl;		/* non-NULL while the LOGIN7 is read in TLS */
	BIO	*rbio, *wbio;	/* memory BIOs: network side of ssl */
	struct buf plain;	/* decrypted bytes not consumed yet */
	size_t	 plain_off;
	uint8_t	 tdsver[4];	/* the client's LOGIN7 TDSVersion (LE) */
};

static int	 opt_encrypt = ENCRYPT_NOT_SUP;
static int	 opt_anonymous;
static SSL_CTX	*tls_ctx;

static void
logmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tds-acceptor: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
die(const char *what)
{
	logmsg("fatal: %s: %s", what, strerror(errno));
	exit(1);
}

static void
put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			die("realloc");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
put8(struct buf *b, uint8_t v)
{
	put(b, &v, 1);
}

static void
put16le(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { v & 0xff, v >> 8 };

	put(b, x, 2);
}

static void
put32le(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
	    v >> 24 };

	put(b, x, 4);
}

/* A string as UTF-16LE (ASCII only: lab strings). */
static void
put_ucs2(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		put16le(b, (uint8_t)*s);
}

/* B_VARCHAR: one byte of length in characters, then UTF-16LE (2.2.5.2.3) */
static void
put_bvarchar(struct buf *b, const char *s)
{
	put8(b, (uint8_t)strlen(s));
	put_ucs2(b, s);
}

/* US_VARCHAR: two bytes of length in characters, then UTF-16LE */
static void
put_usvarchar(struct buf *b, const char *s)
{
	put16le(b, (uint16_t)strlen(s));
	put_ucs2(b, s);
}

static int
readn(int fd, void *p, size_t n)
{
	uint8_t *q = p;
	ssize_t r;

	while (n > 0) {
		r = read(fd, q, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

static int
writen(int fd, const void *p, size_t n)
{
	const uint8_t *q = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, q, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		q += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * n bytes of the client's stream: straight from the socket, or, while the
 * LOGIN7 travels in TLS, from the decrypted records. Those are bare TLS
 * records on the wire, not wrapped in TDS packets (2.2.6.5: "the TDS
 * packets are encrypted" once the handshake is done).
 */
static int
get_bytes(struct conn *c, uint8_t *p, size_t n)
{
	uint8_t rec[5 + 18432], tmp[16384];
	size_t len;
	int r;

	if (c->ssl == NULL)
		return readn(c->fd, p, n);
	while (c->plain.n - c->plain_off < n) {
		/* one TLS record: 5-byte header, then the fragment */
		if (readn(c->fd, rec, 5) != 0)
			return -1;
		len = (size_t)rec[3] << 8 | rec[4];
		if (len > sizeof(rec) - 5 || readn(c->fd, rec + 5, len) != 0)
			return -1;
		BIO_write(c->rbio, rec, (int)(5 + len));
		while ((r = SSL_read(c->ssl, tmp, sizeof(tmp))) > 0)
			put(&c->plain, tmp, (size_t)r);
		if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) {
			logmsg("TLS read failed");
			ERR_print_errors_fp(stderr);
			return -1;
		}
	}
	memcpy(p, c->plain.p + c->plain_off, n);
	c->plain_off += n;
	return 0;
}

/*
 * One TDS message: packets (8-byte header: type, status, length BE,
 * SPID, PacketID, Window; 2.2.3.1) up to the one with EOM. The payloads
 * are joined in *msg. Returns the type, or -1 at end of stream.
 */
static int
read_msg(struct conn *c, struct buf *msg)
{
	uint8_t h[HDR], body[65536];
	size_t len;
	int type = -1;

	msg->n = 0;
	for (;;) {
		if (get_bytes(c, h, HDR) != 0)
			return -1;
		len = (size_t)h[2] << 8 | h[3];
		if (len < HDR || (type >= 0 && h[0] != type))
			return -1;
		type = h[0];
		if (get_bytes(c, body, len - HDR) != 0)
			return -1;
		put(msg, body, len - HDR);
		if (msg->n > MSG_MAX)
			return -1;
		if (h[1] & ST_EOM)
			return type;
	}
}

/*
 * A message, split into packets of at most PKT_SIZE bytes (2.2.3.1); each
 * packet goes out in one write, as SQL Server sends it.
 */
static int
send_msg(struct conn *c, uint8_t type, const uint8_t *p, size_t n)
{
	uint8_t pkt[PKT_SIZE];
	uint8_t id = 1;
	size_t chunk;

	do {
		chunk = n > PKT_SIZE - HDR ? PKT_SIZE - HDR : n;
		pkt[0] = type;
		pkt[1] = chunk == n ? ST_EOM : 0;
		pkt[2] = (uint8_t)((chunk + HDR) >> 8);
		pkt[3] = (uint8_t)(chunk + HDR);
		pkt[4] = 0;		/* SPID (server process id) */
		pkt[5] = 0;
		pkt[6] = id++;		/* PacketID */
		pkt[7] = 0;		/* Window */
		memcpy(pkt + HDR, p, chunk);
		if (writen(c->fd, pkt, chunk + HDR) != 0)
			return -1;
		p += chunk;
		n -= chunk;
	} while (n > 0);
	return 0;
}

static const char *
enc_name(int v)
{
	static const char *names[] = { "OFF", "ON", "NOT_SUP", "REQ" };

	return v >= 0 && v <= 3 ? names[v] : "?";
}

/*
 * The client's PRELOGIN option table (2.2.6.5): token, offset (BE),
 * length (BE) ... terminator 0xFF; offsets count from the payload start.
 * Returns the client's ENCRYPTION value, or -1.
 */
static int
prelogin_client_enc(const struct buf *m)
{
	size_t i, off, len;

	for (i = 0; i + 5 <= m->n && m->p[i] != PL_TERMINATOR; i += 5) {
		off = (size_t)m->p[i + 1] << 8 | m->p[i + 2];
		len = (size_t)m->p[i + 3] << 8 | m->p[i + 4];
		if (m->p[i] == PL_ENCRYPTION && len >= 1 && off < m->n)
			return m->p[off];
	}
	return -1;
}

/*
 * The server's PRELOGIN answer, sent as a TABULAR RESULT packet (type
 * 0x04, 2.2.6.5): VERSION (SQL Server 2022: 16.0.1000), ENCRYPTION,
 * INSTOPT (0: the instance name matched), THREADID (empty from a server),
 * MARS (off), terminator.
 */
static int
prelogin_answer(struct conn *c, int enc)
{
	static const uint8_t opts[] = { PL_VERSION, PL_ENCRYPTION,
	    PL_INSTOPT, PL_THREADID, PL_MARS };
	static const uint8_t lens[] = { 6, 1, 1, 0, 1 };
	uint8_t data[] = { 16, 0, 0x03, 0xe8, 0, 0,	/* 16.0.1000.0 */
	    (uint8_t)enc, 0x00, 0x00 };
	struct buf b = { 0 };
	size_t i, off;
	int r;

	off = sizeof(opts) * 5 + 1;
	for (i = 0; i < sizeof(opts); i++) {
		put8(&b, opts[i]);
		put8(&b, (uint8_t)(off >> 8));
		put8(&b, (uint8_t)off);
		put8(&b, 0);
		put8(&b, lens[i]);
		off += lens[i];
	}
	put8(&b, PL_TERMINATOR);
	put(&b, data, sizeof(data));
	r = send_msg(c, PKT_TABULAR, b.p, b.n);
	free(b.p);
	return r;
}

/*
 * TLS handshake for ENCRYPT_OFF (2.2.6.5): the client's handshake records
 * come as the payload of PRELOGIN packets; the answers go back the same
 * way. OpenSSL works on a pair of memory BIOs and this code moves the
 * bytes between them and the TDS packets.
 */
static int
tls_handshake(struct conn *c)
{
	struct buf m = { 0 }, out = { 0 };
	uint8_t tmp[16384];
	SSL *ssl;
	int r, e, done = 0;

	ssl = SSL_new(tls_ctx);
	c->rbio = BIO_new(BIO_s_mem());
	c->wbio = BIO_new(BIO_s_mem());
	SSL_set_bio(ssl, c->rbio, c->wbio);
	SSL_set_accept_state(ssl);
	while (!done) {
		/* c->ssl stays NULL: the PRELOGIN packets are read in clear */
		if ((r = read_msg(c, &m)) != PKT_PRELOGIN) {
			logmsg("TLS handshake: expected PRELOGIN, got %d", r);
			goto fail;
		}
		BIO_write(c->rbio, m.p, (int)m.n);
		r = SSL_do_handshake(ssl);
		if (r == 1)
			done = 1;
		else if ((e = SSL_get_error(ssl, r)) != SSL_ERROR_WANT_READ) {
			logmsg("TLS handshake failed (%d)", e);
			ERR_print_errors_fp(stderr);
			goto fail;
		}
		out.n = 0;
		while ((r = BIO_read(c->wbio, tmp, sizeof(tmp))) > 0)
			put(&out, tmp, (size_t)r);
		if (out.n > 0 && send_msg(c, PKT_PRELOGIN, out.p, out.n) != 0)
			goto fail;
	}
	logmsg("TLS handshake done (%s, %s)", SSL_get_version(ssl),
	    SSL_get_cipher_name(ssl));
	c->ssl = ssl;		/* from now on the client sends TLS records */
	free(m.p);
	free(out.p);
	return 0;
fail:
	SSL_free(ssl);
	free(m.p);
	free(out.p);
	return -1;
}

/* After the LOGIN7: ENCRYPT_OFF means the rest of the stream is clear. */
static void
tls_end(struct conn *c)
{
	if (c->ssl == NULL)
		return;
	if (c->plain.n != c->plain_off)
		logmsg("warning: %zu decrypted bytes after LOGIN7 dropped",
		    c->plain.n - c->plain_off);
	SSL_free(c->ssl);	/* frees both BIOs */
	c->ssl = NULL;
	logmsg("TLS off: the rest of the connection is in clear");
}

static void
gss_log(const char *what, OM_uint32 maj, OM_uint32 min)
{
	OM_uint32 ctx, m;
	gss_buffer_desc s;
	int type;

	logmsg("%s: GSS major 0x%08x minor %u (%d)", what, maj, min,
	    (int)(int32_t)min);
	for (type = GSS_C_GSS_CODE; type <= GSS_C_MECH_CODE; type++) {
		ctx = 0;
		do {
			if (gss_display_status(&m, type == GSS_C_GSS_CODE ?
			    maj : min, type, GSS_C_NO_OID, &ctx, &s) !=
			    GSS_S_COMPLETE)
				break;
			logmsg("  %s: %.*s", type == GSS_C_GSS_CODE ? "major" :
			    "minor", (int)s.length, (char *)s.value);
			gss_release_buffer(&m, &s);
		} while (ctx != 0);
	}
}

/* SSPI token (2.2.7.22): USHORT length, the bytes. */
static void
tok_sspi(struct buf *b, const gss_buffer_desc *t)
{
	put8(b, TOK_SSPI);
	put16le(b, (uint16_t)t->length);
	put(b, t->value, t->length);
}

/* DONE (2.2.7.6): Status, CurCmd, DoneRowCount (8 bytes from TDS 7.2). */
static void
tok_done(struct buf *b, uint16_t status)
{
	put8(b, TOK_DONE);
	put16le(b, status);
	put16le(b, 0);
	put32le(b, 0);
	put32le(b, 0);
}

/*
 * ERROR (2.2.7.10): Length, Number, State, Class, MsgText (US_VARCHAR),
 * ServerName, ProcName (B_VARCHAR), LineNumber (4 bytes from TDS 7.2).
 */
static void
tok_error(struct buf *b, uint32_t number, const char *text)
{
	struct buf e = { 0 };

	put32le(&e, number);
	put8(&e, 1);		/* State 1: what the client is shown */
	put8(&e, 14);		/* Class 14: security error */
	put_usvarchar(&e, text);
	put_bvarchar(&e, "SQL");
	put_bvarchar(&e, "");
	put32le(&e, 1);
	put8(b, TOK_ERROR);
	put16le(b, (uint16_t)e.n);
	put(b, e.p, e.n);
	free(e.p);
}

/* ENVCHANGE (2.2.7.9) type 1: database, new and old value (B_VARCHAR). */
static void
tok_envchange_db(struct buf *b, const char *db)
{
	struct buf e = { 0 };

	put8(&e, 1);
	put_bvarchar(&e, db);
	put_bvarchar(&e, "master");
	put8(b, TOK_ENVCHANGE);
	put16le(b, (uint16_t)e.n);
	put(b, e.p, e.n);
	free(e.p);
}

/*
 * LOGINACK (2.2.7.14): Interface (1 = SQL_TSQL), TDSVersion (as the
 * server's, big-endian: 0x74000004 for 7.4), ProgName (B_VARCHAR),
 * ProgVersion (major, minor, build high, build low).
 */
static void
tok_loginack(struct buf *b, const uint8_t *tdsver_le)
{
	struct buf e = { 0 };
	uint8_t v[4] = { tdsver_le[3], tdsver_le[2], tdsver_le[1],
	    tdsver_le[0] };
	static const uint8_t prog[4] = { 16, 0, 0x03, 0xe8 };

	put8(&e, 1);
	put(&e, v, 4);
	put_bvarchar(&e, "Microsoft SQL Server");
	put(&e, prog, 4);
	put8(b, TOK_LOGINACK);
	put16le(b, (uint16_t)e.n);
	put(b, e.p, e.n);
	free(e.p);
}

/* A LOGIN7 string (offset, length in characters) shown in the log. */
static void
log_ucs2(const char *what, const struct buf *m, size_t ib, size_t cch)
{
	char s[128];
	size_t i;

	if (ib + cch * 2 > m->n)
		return;
	for (i = 0; i < cch && i < sizeof(s) - 1; i++)
		s[i] = m->p[ib + 2 * i + 1] == 0 &&
		    m->p[ib + 2 * i] >= 0x20 && m->p[ib + 2 * i] < 0x7f ?
		    (char)m->p[ib + 2 * i] : '?';
	s[i] = '\0';
	logmsg("  LOGIN7 %s: \"%s\"", what, s);
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * LOGIN7 (2.2.6.4): a fixed part of lengths and flags, then the
 * OffsetLength table (offsets from the start of the LOGIN7 data):
 * HostName 36, UserName 40, Password 44, AppName 48, ServerName 52,
 * Extension 56, CltIntName 60, Language 64, Database 68, ClientID 72
 * (6 bytes), SSPI 78 (offset) / 80 (length), AtchDBFile 82,
 * ChangePassword 86, cbSSPILong 90 (when the SSPI length is 0xFFFF).
 * The SSPI blob is what the client's GSS-API produced: a Kerberos
 * AP-REQ (or SPNEGO). Sets *sspi to point into m.
 */
static int
parse_login7(struct conn *c, const struct buf *m, gss_buffer_desc *sspi)
{
	size_t ib, cb;

	if (m->n < 94) {
		logmsg("LOGIN7 too short (%zu bytes)", m->n);
		return -1;
	}
	memcpy(c->tdsver, m->p + 4, 4);
	logmsg("LOGIN7: TDS version 0x%02x%02x%02x%02x, OptionFlags2 0x%02x"
	    " (integrated security %s)", m->p[7], m->p[6], m->p[5], m->p[4],
	    m->p[25], m->p[25] & 0x80 ? "on" : "off");
	log_ucs2("HostName", m, le16(m->p + 36), le16(m->p + 38));
	log_ucs2("UserName", m, le16(m->p + 40), le16(m->p + 42));
	log_ucs2("AppName", m, le16(m->p + 48), le16(m->p + 50));
	log_ucs2("ServerName", m, le16(m->p + 52), le16(m->p + 54));
	log_ucs2("CltIntName", m, le16(m->p + 60), le16(m->p + 62));
	ib = le16(m->p + 78);
	cb = le16(m->p + 80);
	if (cb == 0xffff)
		cb = (size_t)m->p[90] | (size_t)m->p[91] << 8 |
		    (size_t)m->p[92] << 16 | (size_t)m->p[93] << 24;
	if (ib + cb > m->n) {
		logmsg("LOGIN7 SSPI blob outside the message");
		return -1;
	}
	sspi->value = m->p + ib;
	sspi->length = cb;
	logmsg("  LOGIN7 SSPI: %zu bytes at offset %zu", cb, ib);
	return 0;
}

/* The refusal: ERROR, then DONE with DONE_ERROR (2.2.7.6). */
static int
send_refusal(struct conn *c, const gss_buffer_desc *errtok)
{
	struct buf b = { 0 };
	int r;

	if (errtok != NULL && errtok->length > 0) {
		/* what gss_accept_sec_context wants sent back: a KRB-ERROR */
		logmsg("sending the acceptor's error token (%zu bytes) in an"
		    " SSPI token", errtok->length);
		tok_sspi(&b, errtok);
	}
	if (opt_anonymous) {
		logmsg("refusing: ERROR 18456 (anonymous logon)");
		tok_error(&b, 18456, MSG_18456);
	} else {
		logmsg("refusing: ERROR 18452");
		tok_error(&b, 18452, MSG_18452);
	}
	tok_done(&b, DONE_ERROR);
	r = send_msg(c, PKT_TABULAR, b.p, b.n);
	free(b.p);
	return r;
}

/*
 * The login: hand each SSPI blob to gss_accept_sec_context(). CONTINUE
 * sends the output token alone in an SSPI token and waits for the
 * client's next SSPI packet (0x11, 2.2.6.8); COMPLETE sends the login
 * response (SSPI with the AP-REP, ENVCHANGE, LOGINACK, DONE, as in the
 * login response of 4.2/4.3); anything else is refused.
 * Returns 0 when the client is logged in.
 */
static int
login(struct conn *c, struct buf *m)
{
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER, name;
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 maj, min, flags = 0, m2;
	struct buf b = { 0 };
	int r, type;

	if (parse_login7(c, m, &in) != 0)
		return -1;
	tls_end(c);
	if (in.length == 0) {
		logmsg("no SSPI blob (a SQL login): not supported here");
		(void)send_refusal(c, NULL);
		return -1;
	}
	for (;;) {
		maj = gss_accept_sec_context(&min, &ctx, GSS_C_NO_CREDENTIAL,
		    &in, GSS_C_NO_CHANNEL_BINDINGS, &src, NULL, &out, &flags,
		    NULL, NULL);
		if (GSS_ERROR(maj)) {
			gss_log("gss_accept_sec_context failed", maj, min);
			(void)send_refusal(c, &out);
			gss_release_buffer(&m2, &out);
			gss_delete_sec_context(&m2, &ctx, GSS_C_NO_BUFFER);
			return -1;
		}
		b.n = 0;
		if (out.length > 0)
			tok_sspi(&b, &out);
		gss_release_buffer(&m2, &out);
		if (maj == GSS_S_COMPLETE)
			break;
		/* GSS_S_CONTINUE_NEEDED: one more leg */
		logmsg("gss_accept_sec_context: continue needed");
		if (send_msg(c, PKT_TABULAR, b.p, b.n) != 0)
			goto fail;
		type = read_msg(c, m);
		if (type != PKT_SSPI) {
			logmsg("expected an SSPI packet, got %d", type);
			goto fail;
		}
		in.value = m->p;
		in.length = m->n;
	}
	if (gss_display_name(&m2, src, &name, NULL) == GSS_S_COMPLETE) {
		logmsg("login accepted: %.*s (flags 0x%x%s)",
		    (int)name.length, (char *)name.value, flags,
		    flags & GSS_C_MUTUAL_FLAG ? ", mutual" : "");
		gss_release_buffer(&m2, &name);
	}
	gss_release_name(&m2, &src);
	gss_delete_sec_context(&m2, &ctx, GSS_C_NO_BUFFER);
	tok_envchange_db(&b, "master");
	tok_loginack(&b, c->tdsver);
	tok_done(&b, DONE_FINAL);
	r = send_msg(c, PKT_TABULAR, b.p, b.n);
	free(b.p);
	return r;
fail:
	free(b.p);
	gss_delete_sec_context(&m2, &ctx, GSS_C_NO_BUFFER);
	return -1;
}

static void
serve(int fd)
{
	struct conn c = { 0 };
	struct buf m = { 0 }, d = { 0 };
	int type, cenc, enc;

	c.fd = fd;
	type = read_msg(&c, &m);
	if (type != PKT_PRELOGIN) {
		logmsg("expected PRELOGIN, got %d", type);
		goto out;
	}
	cenc = prelogin_client_enc(&m);
	enc = opt_encrypt;
	logmsg("PRELOGIN: client ENCRYPTION %s, answering %s",
	    enc_name(cenc), enc_name(enc));
	if (prelogin_answer(&c, enc) != 0)
		goto out;
	/*
	 * 2.2.6.5: TLS unless either side said NOT_SUP. With OFF on both
	 * sides only the LOGIN7 is encrypted. (A client asking for ON or
	 * REQ would want the whole session encrypted: SQL Server would
	 * answer ON; this stand-in does not do that.)
	 */
	if (enc != ENCRYPT_NOT_SUP && cenc != ENCRYPT_NOT_SUP &&
	    cenc >= 0 && tls_handshake(&c) != 0)
		goto out;
	type = read_msg(&c, &m);
	if (type != PKT_LOGIN7) {
		logmsg("expected LOGIN7, got %d", type);
		goto out;
	}
	if (login(&c, &m) != 0)
		goto out;
	/* logged in: every batch gets an empty result */
	tok_done(&d, DONE_FINAL);
	while ((type = read_msg(&c, &m)) >= 0) {
		logmsg("message type 0x%02x, %zu bytes: answering DONE", type,
		    m.n);
		if (type == PKT_SQLBATCH && send_msg(&c, PKT_TABULAR, d.p,
		    d.n) != 0)
			break;
	}
out:
	tls_end(&c);
	logmsg("connection closed");
	free(c.plain.p);
	free(m.p);
	free(d.p);
	close(fd);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	const char *addr = "0.0.0.0", *cert = NULL, *key = NULL;
	int port = 1433, count = -1, ls, fd, i, one = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--anonymous-error") == 0)
			opt_anonymous = 1;
		else if (i + 1 >= argc)
			goto usage;
		else if (strcmp(argv[i], "-l") == 0)
			addr = argv[++i];
		else if (strcmp(argv[i], "-p") == 0)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "-c") == 0)
			cert = argv[++i];
		else if (strcmp(argv[i], "-k") == 0)
			key = argv[++i];
		else if (strcmp(argv[i], "-n") == 0)
			count = atoi(argv[++i]);
		else if (strcmp(argv[i], "-e") == 0) {
			i++;
			if (strcmp(argv[i], "off") == 0)
				opt_encrypt = ENCRYPT_OFF;
			else if (strcmp(argv[i], "not_sup") == 0)
				opt_encrypt = ENCRYPT_NOT_SUP;
			else
				goto usage;
		} else
			goto usage;
	}
	/* started in the background by a script: SIGINT is ignored then */
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (opt_encrypt != ENCRYPT_NOT_SUP) {
		if (cert == NULL || key == NULL)
			goto usage;
		/* TDS 7.x pre-login TLS: SQL Server negotiates TLS 1.2 */
		tls_ctx = SSL_CTX_new(TLS_server_method());
		if (tls_ctx == NULL ||
		    !SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION) ||
		    !SSL_CTX_set_max_proto_version(tls_ctx, TLS1_2_VERSION) ||
		    SSL_CTX_use_certificate_chain_file(tls_ctx, cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(tls_ctx, key,
		    SSL_FILETYPE_PEM) != 1) {
			ERR_print_errors_fp(stderr);
			return 1;
		}
		SSL_CTX_set_options(tls_ctx, SSL_OP_NO_TICKET);
	}
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		die("socket");
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		goto usage;
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		die("bind");
	if (listen(ls, 8) != 0)
		die("listen");
	logmsg("listening on %s:%d, ENCRYPTION %s%s", addr, port,
	    enc_name(opt_encrypt), opt_anonymous ? ", anonymous-error" : "");
	setvbuf(stderr, NULL, _IOLBF, 0);
	while (count != 0) {
		if ((fd = accept(ls, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		logmsg("connection accepted");
		serve(fd);
		if (count > 0)
			count--;
	}
	close(ls);
	return 0;
usage:
	fprintf(stderr, "usage: tds-acceptor [-l addr] [-p port] "
	    "[-e not_sup|off -c cert.pem -k key.pem] [-n count] "
	    "[--anonymous-error]\n");
	return 2;
}
