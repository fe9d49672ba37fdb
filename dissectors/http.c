/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * http.c - HTTP/1.x as a carrier of SPNEGO, Kerberos and NTLMSSP tokens
 * (RFC 9110 section 11, RFC 9112, RFC 4559 "Negotiate", MS-NTHT).
 * Header blocks are parsed (bounded by lim.max_msg_bytes), bodies are
 * skipped without buffering: Content-Length, chunked transfer coding,
 * no body (1xx, 204, 304, HEAD), or the rest of the stream.
 * Authorization / Proxy-Authorization and WWW-Authenticate /
 * Proxy-Authenticate tokens are base64-decoded and handed to sec_token().
 * Events: "request" for a request with credentials (method, uri, host,
 * scheme: never the credentials of Basic), "response" for each response
 * to one and each 401 / 407 (status, reason, schemes). Outcome of a 401 /
 * 407: AUTH_FAIL when its token refuses (SPNEGO reject, KRB-ERROR) or
 * when it has none and the request had credentials, AUTH_CONTINUE with
 * another token, else AUTH_NONE (a first challenge); 2xx / 3xx to a
 * request with credentials: AUTH_OK. Tokens are handed on before the
 * event of their message.
 * After a gap, an oversized header block or a line that is not HTTP the
 * direction resynchronises on the next request or status line.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cur.h"
#include "der.h"
#include "dissector.h"
#include "engine.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define HTTP_PROBE_MAX	2048	/* header bytes a probe looks at */
#define HTTP_LINE_MAX	1024	/* chunk-size and trailer lines */
#define HTTP_QMAX	8	/* requests awaiting their response */
#define HTTP_MAX_AUTH	4	/* auth headers kept per message */
#define HTTP_SCHEME_MAX	32
#define HTTP_HDR_CAP	(64 * 1024)	/* header block cap, no engine */

/* http_dir.mode */
#define HM_HDR		0	/* at a request or status line */
#define HM_BODY		1	/* skipping left bytes, then next */
#define HM_CHUNK	2	/* at a chunk-size line */
#define HM_TRAILER	3	/* trailer lines after the last chunk */
#define HM_CLOSE	4	/* everything up to the end is body */
#define HM_RESYNC	5	/* looking for a start line */

struct http_dir {
	int		 mode;
	int		 next;		/* mode after HM_BODY */
	uint64_t	 left;		/* body bytes still to skip */
	size_t		 scan;		/* header bytes searched already */
	int		 counted;	/* this resync already counted */
};

/* A request whose response has not been seen yet. */
struct http_pend {
	uint8_t		 auth;		/* carried credentials */
	uint8_t		 head;		/* HEAD: the response has no body */
	uint8_t		 connect;	/* CONNECT: 2xx turns into a tunnel */
};

struct http_state {
	struct http_dir	 dir[2];
	struct http_pend q[HTTP_QMAX];
	unsigned	 qh, qn;
};

struct http_slice {
	const uint8_t	*p;
	size_t		 n;
};

/* What one header block says. */
struct http_msg {
	int		 response;
	int		 status;
	struct http_slice method, uri, reason, host;
	int		 has_clen, bad_clen;
	uint64_t	 clen;
	int		 chunked;
	int		 n_auth;		/* credentials or challenges */
	struct http_slice auth[HTTP_MAX_AUTH];
};

static const char *const http_methods[] = {
	"GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "DELETE ", "PATCH ",
	"PROPFIND ", "CONNECT ", "RPC_IN_DATA ", "RPC_OUT_DATA ", "TRACE ",
	"MKCOL ", "PROPPATCH ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ",
	"REPORT ", "SEARCH ", NULL
};

static int	find_byte(const struct cur *, size_t, uint8_t, size_t *);
static int	start_line(const uint8_t *, size_t);
static int	line_is(const uint8_t *, size_t, const char *);
static int	is_auth_header(const uint8_t *, size_t);
static size_t	hdr_limit(const struct engine *);
static int	find_end(struct http_dir *, const uint8_t *, size_t,
		    size_t *);
static struct http_slice trim(const uint8_t *, size_t);
static int	parse_start(struct http_msg *, const uint8_t *, size_t);
static void	parse_header(struct http_msg *, const uint8_t *, size_t);
static int	parse_block(struct http_msg *, const uint8_t *, size_t);
static size_t	b64_decode(const uint8_t *, size_t, uint8_t *);
static int	token_scheme(const char *);
static void	scheme_of(char *, size_t, const uint8_t *, size_t);
static int	token_refuses(const uint8_t *, size_t);
static int	hand_token(struct dis_ctx *, const uint8_t *, size_t);
static int	credentials(struct dis_ctx *, const struct http_slice *,
		    char *, size_t);
static int	challenges(struct dis_ctx *, const struct http_slice *,
		    char *, size_t, int *);
static void	on_request(struct http_state *, struct dis_ctx *,
		    struct http_dir *, const struct http_msg *);
static void	on_response(struct http_state *, struct dis_ctx *,
		    struct http_dir *, const struct http_msg *);
static void	enter_resync(struct http_dir *);
static int	resync_scan(struct http_dir *, struct engine *,
		    const uint8_t *, size_t, size_t *);
static int	chunk_line(struct http_dir *, const uint8_t *, size_t,
		    size_t *);
static int	http_probe(const uint8_t *, size_t, int);
static int	http_may_start(uint8_t, int);
static int	http_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	http_gap(void *, int);
static void	*http_state_new(void);
static void	http_state_free(void *);

const struct dissector dis_http = {
	.name		= "http",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.flags		= DIS_F_PROBE_DEEP,
	/*
	 * No port hints: most HTTP carries no authentication, and following
	 * every connection on port 80 costs. The probe claims a connection
	 * at the first request or response with an authentication header
	 * (the server's 401 challenge, or the client's credentials), on any
	 * port; --port http=80 follows all of a port's connections.
	 */
	.ports		= { 0 },
	.probe		= http_probe,
	.may_start	= http_may_start,
	.feed		= http_feed,
	.gap		= http_gap,
	.state_new	= http_state_new,
	.state_free	= http_state_free,
};

/*
 * Where is the first byte b at or after from in what is left of c? 1
 * with *off_out (counted from the cursor), 0 when there is none.
 */
static int
find_byte(const struct cur *c, size_t from, uint8_t b, size_t *off_out)
{
	const uint8_t *hit;
	size_t left;

	left = cur_left(c);
	if (from >= left)
		return 0;
	hit = memchr(c->p + from, b, left - from);
	if (hit == NULL)
		return 0;
	*off_out = (size_t)(hit - c->p);
	return 1;
}

/*
 * Does p start a request line (a known method and a space) or a status
 * line ("HTTP/1.")? 1 yes, 0 no, -1 too few bytes to tell.
 */
static int
start_line(const uint8_t *p, size_t n)
{
	struct cur c;
	const char *m;
	size_t k;
	int i, maybe;

	if (n == 0)
		return -1;
	cur_init(&c, p, n);
	switch (cur_peek_u8(&c, 0)) {
	case 'C': case 'D': case 'G': case 'H': case 'L': case 'M':
	case 'O': case 'P': case 'R': case 'S': case 'T': case 'U':
		break;
	default:
		return 0;	/* most payloads end here */
	}
	maybe = 0;
	for (i = -1; i < 0 || http_methods[i] != NULL; i++) {
		m = i < 0 ? "HTTP/1." : http_methods[i];
		k = strlen(m);
		if (memcmp(p, m, n < k ? n : k) != 0)
			continue;
		if (n >= k)
			return 1;
		maybe = 1;
	}
	return maybe ? -1 : 0;
}

/* Case-insensitive: does the line start with name (which ends in ':')? */
static int
line_is(const uint8_t *p, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n >= k && strncasecmp((const char *)p, name, k) == 0;
}

static int
is_auth_header(const uint8_t *p, size_t n)
{
	struct cur c;

	if (n == 0)
		return 0;
	cur_init(&c, p, n);
	switch (cur_peek_u8(&c, 0)) {
	case 'A': case 'a':
		return line_is(p, n, "authorization:");
	case 'P': case 'p':
		return line_is(p, n, "proxy-authorization:") ||
		    line_is(p, n, "proxy-authenticate:");
	case 'W': case 'w':
		return line_is(p, n, "www-authenticate:");
	default:
		return 0;
	}
}

/* The first letters of start_line()'s methods and of "HTTP/1.". */
static int
http_may_start(uint8_t b, int transport)
{
	if (transport != TRANSPORT_TCP)
		return 0;
	switch (b) {
	case 'C': case 'D': case 'G': case 'H': case 'L': case 'M':
	case 'O': case 'P': case 'R': case 'S': case 'T': case 'U':
		return 1;
	default:
		return 0;
	}
}

/*
 * Claims a stream on any port only when its first header block carries
 * authentication: plain HTTP is left alone (no flow, no reassembly).
 */
static int
http_probe(const uint8_t *p, size_t len, int transport)
{
	struct cur c;
	const uint8_t *line;
	size_t k;

	if (transport != TRANSPORT_TCP || len < 16 || start_line(p, len) != 1)
		return 0;
	cur_init(&c, p, len < HTTP_PROBE_MAX ? len : HTTP_PROBE_MAX);
	while (cur_left(&c) > 0) {
		if (!find_byte(&c, 0, '\n', &k))
			k = cur_left(&c);
		if (k == 0 || (k == 1 && cur_peek_u8(&c, 0) == '\r'))
			return 0;	/* end of the header block */
		line = cur_get_bytes(&c, k);
		if (is_auth_header(line, k))
			return 1;
		cur_skip(&c, 1);	/* the '\n'; at the end, stops */
	}
	return 0;
}

static size_t
hdr_limit(const struct engine *eng)
{
	size_t lim = HTTP_HDR_CAP;

	if (eng != NULL && eng->lim.max_msg_bytes > 0)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim;
}

/*
 * Finds the empty line that ends a header block: *end_out is the length
 * of the block with it. 1 found, 0 not yet (d->scan remembers how far).
 */
static int
find_end(struct http_dir *d, const uint8_t *p, size_t n, size_t *end_out)
{
	struct cur c;
	size_t i, nl;

	cur_init(&c, p, n);
	i = d->scan;
	while (i < n) {
		if (!find_byte(&c, i, '\n', &nl))
			break;
		i = nl + 1;
		if (i < n && cur_peek_u8(&c, i) == '\n') {
			*end_out = i + 1;
			return 1;
		}
		if (i + 1 < n && cur_peek_u8(&c, i) == '\r' &&
		    cur_peek_u8(&c, i + 1) == '\n') {
			*end_out = i + 2;
			return 1;
		}
		if (i + 1 >= n) {
			i = nl;		/* judge again with more */
			break;
		}
	}
	d->scan = i < n ? i : n;
	return 0;
}

static struct http_slice
trim(const uint8_t *p, size_t n)
{
	struct http_slice s;
	struct cur c;
	uint8_t b;

	cur_init(&c, p, n);
	while (cur_left(&c) > 0 && ((b = cur_peek_u8(&c, 0)) == ' ' ||
	    b == '\t'))
		cur_skip(&c, 1);
	n = cur_left(&c);
	while (n > 0 && ((b = cur_peek_u8(&c, n - 1)) == ' ' || b == '\t' ||
	    b == '\r'))
		n--;
	s.p = c.p;
	s.n = n;
	return s;
}

/* Request line or status line. 0, or -1 when it is neither. */
static int
parse_start(struct http_msg *m, const uint8_t *p, size_t n)
{
	const uint8_t *sp, *sp2;
	struct cur c;
	int i, v;

	cur_init(&c, p, n);
	if (n >= 12 && memcmp(p, "HTTP/1.", 7) == 0) {
		m->response = 1;
		cur_skip(&c, 8);
		if (cur_get_u8(&c) != ' ')
			return -1;
		m->status = 0;
		for (i = 0; i < 3; i++) {
			v = cur_get_u8(&c);
			if (v < '0' || v > '9')
				return -1;
			m->status = m->status * 10 + (v - '0');
		}
		if (cur_left(&c) > 0 && cur_get_u8(&c) != ' ')
			return -1;
		m->reason = trim(c.p, cur_left(&c));
		return 0;
	}
	if (start_line(p, n) != 1)
		return -1;
	sp = memchr(p, ' ', n);
	if (sp == NULL)
		return -1;
	m->method.p = p;
	m->method.n = (size_t)(sp - p);
	sp++;
	sp2 = memchr(sp, ' ', n - (size_t)(sp - p));
	if (sp2 == NULL || sp2 == sp)
		return -1;
	m->uri.p = sp;
	m->uri.n = (size_t)(sp2 - sp);
	sp2++;
	if (n - (size_t)(sp2 - p) < 5 || memcmp(sp2, "HTTP/", 5) != 0)
		return -1;
	return 0;
}

static void
parse_header(struct http_msg *m, const uint8_t *p, size_t n)
{
	const uint8_t *colon;
	struct http_slice v;
	struct cur c;
	uint64_t x;
	uint8_t b;

	colon = memchr(p, ':', n);
	if (colon == NULL)
		return;
	v = trim(colon + 1, n - (size_t)(colon - p) - 1);
	if (line_is(p, n, "content-length:")) {
		x = 0;
		cur_init(&c, v.p, v.n);
		while (cur_left(&c) > 0) {
			b = cur_get_u8(&c);
			if (b < '0' || b > '9' || x > UINT64_MAX / 20) {
				m->bad_clen = 1;
				return;
			}
			x = x * 10 + (uint64_t)(b - '0');
		}
		if (v.n == 0 || (m->has_clen && m->clen != x))
			m->bad_clen = 1;
		m->has_clen = 1;
		m->clen = x;
	} else if (line_is(p, n, "transfer-encoding:")) {
		/* chunked must be the last coding (RFC 9112 6.1) */
		if (v.n >= 7 && strncasecmp((const char *)v.p + v.n - 7,
		    "chunked", 7) == 0)
			m->chunked = 1;
	} else if (line_is(p, n, "host:")) {
		m->host = v;
	} else if (is_auth_header(p, n)) {
		if (m->n_auth < HTTP_MAX_AUTH)
			m->auth[m->n_auth++] = v;
	}
}

/* Parses a whole header block. 0, or -1 when the start line is bad. */
static int
parse_block(struct http_msg *m, const uint8_t *p, size_t n)
{
	struct cur c, l;
	const uint8_t *line;
	size_t k;
	int first, nl;

	memset(m, 0, sizeof(*m));
	first = 1;
	cur_init(&c, p, n);
	while (cur_left(&c) > 0) {
		nl = find_byte(&c, 0, '\n', &k);
		if (!nl)
			k = cur_left(&c);
		line = cur_get_bytes(&c, k);
		cur_init(&l, line, k);
		if (first) {
			if (parse_start(m, line, k > 0 &&
			    cur_peek_u8(&l, k - 1) == '\r' ? k - 1 : k) != 0)
				return -1;
			first = 0;
		} else if (k > 0 && cur_peek_u8(&l, 0) != ' ' &&
		    cur_peek_u8(&l, 0) != '\t') {
			parse_header(m, line, k);
		}
		if (!nl)
			break;
		cur_skip(&c, 1);	/* the '\n' */
	}
	return 0;
}

/*
 * Strict base64 (RFC 4648 section 4): the alphabet, then at most two
 * '=' at the end, nothing else. out has room for n / 4 * 3 + 3 bytes.
 * Returns the decoded length, 0 when the text is not base64.
 */
static size_t
b64_decode(const uint8_t *p, size_t n, uint8_t *out)
{
	struct cur c;
	uint32_t acc;
	size_t o, pad;
	int v, bits;

	acc = 0;
	bits = 0;
	o = 0;
	pad = 0;
	cur_init(&c, p, n);
	while (cur_left(&c) > 0) {
		v = cur_get_u8(&c);
		if (v == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			return 0;
		if (v >= 'A' && v <= 'Z')
			v -= 'A';
		else if (v >= 'a' && v <= 'z')
			v = v - 'a' + 26;
		else if (v >= '0' && v <= '9')
			v = v - '0' + 52;
		else if (v == '+')
			v = 62;
		else if (v == '/')
			v = 63;
		else
			return 0;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad > 2 || (pad > 0 && (n % 4) != 0) || bits >= 6)
		return 0;
	return o;
}

/* Schemes whose token is a security blob for sec_token(). */
static int
token_scheme(const char *s)
{
	return strcasecmp(s, "Negotiate") == 0 ||
	    strcasecmp(s, "Kerberos") == 0 || strcasecmp(s, "NTLM") == 0;
}

static void
scheme_of(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	if (n >= dstsz)
		n = dstsz - 1;
	str_printable(dst, dstsz, p, n);
}

/*
 * Does a token say no? A SPNEGO negTokenResp with negState reject, or a
 * Kerberos KRB-ERROR: bare, or GSS-framed with TOK_ID 03 00 (RFC 4121
 * 4.1), directly or as the SPNEGO response token.
 */
static int
token_refuses(const uint8_t *p, size_t n)
{
	struct spnego_info sp;
	struct der_tlv app, oid;
	struct cur c;
	const uint8_t *tok;
	size_t toklen, claimed;

	cur_init(&c, p, n);
	if ((cur_peek_u8(&c, 0) == 0xa1 || cur_peek_u8(&c, 0) == 0x60) &&
	    spnego_decode(p, n, &sp, &tok, &toklen) != E_UNSUPP) {
		if (sp.neg_state == SPNEGO_REJECT)
			return 1;
		cur_init(&c, tok, toklen);
	}
	if (cur_peek_u8(&c, 0) == 0x7e)
		return 1;
	if (cur_peek_u8(&c, 0) != 0x60 ||
	    der_read_partial(&c, &app, &claimed) != 0 ||
	    der_read(&app.val, &oid) != 0 || oid.tag != DER_TAG_OID)
		return 0;
	return cur_peek_u8(&app.val, 0) == 0x03 &&
	    cur_peek_u8(&app.val, 1) == 0x00;
}

/* Decodes and hands on a token: 1, or 2 when it refuses (see above). */
static int
hand_token(struct dis_ctx *ctx, const uint8_t *p, size_t n)
{
	uint8_t *buf;
	size_t k;
	int r;

	if (n == 0)
		return 0;
	buf = xmalloc(n / 4 * 3 + 3);
	k = b64_decode(p, n, buf);
	r = 1;
	if (k > 0) {
		(void)sec_token(ctx, "http", buf, k, 0);
		if (token_refuses(buf, k))
			r = 2;
	} else {
		ctx->eng->st.sec_unknown++;
	}
	free(buf);
	return r;
}

/*
 * Authorization: "Scheme token68". Puts the scheme name in scheme (only
 * the name: Basic credentials never leave here) and hands a token of
 * Negotiate / Kerberos / NTLM to sec_token(). Returns 1.
 */
static int
credentials(struct dis_ctx *ctx, const struct http_slice *v, char *scheme,
    size_t schemesz)
{
	const uint8_t *sp;
	struct http_slice rest;
	size_t k;

	sp = memchr(v->p, ' ', v->n);
	k = sp != NULL ? (size_t)(sp - v->p) : v->n;
	scheme_of(scheme, schemesz, v->p, k);
	if (sp == NULL || !token_scheme(scheme))
		return 1;
	rest = trim(sp, v->n - k);
	(void)hand_token(ctx, rest.p, rest.n);
	return 1;
}

/*
 * WWW-Authenticate: a comma-separated list of challenges, each a scheme
 * with a token68 or auth-params (which contain '=' after a name, and
 * may be quoted). Appends the scheme names to list; hands tokens to
 * sec_token(). Returns the number of tokens found; *refused is set when
 * one of them refuses the login.
 */
static int
challenges(struct dis_ctx *ctx, const struct http_slice *v, char *list,
    size_t listsz, int *refused)
{
	char scheme[HTTP_SCHEME_MAX];
	struct http_slice item, rest;
	struct cur cv, ci, cr;
	size_t i, start, k;
	int quoted, tokens;

	tokens = 0;
	quoted = 0;
	start = 0;
	cur_init(&cv, v->p, v->n);
	for (i = 0; i <= v->n; i++) {
		if (i < v->n && cur_peek_u8(&cv, i) == '"')
			quoted = !quoted;
		if (i < v->n && (cur_peek_u8(&cv, i) != ',' || quoted))
			continue;
		item = trim(v->p + start, i - start);
		start = i + 1;
		cur_init(&ci, item.p, item.n);
		for (k = 0; k < item.n && cur_peek_u8(&ci, k) != ' ' &&
		    cur_peek_u8(&ci, k) != '='; k++)
			;
		if (item.n == 0 || k == 0 || (k < item.n &&
		    cur_peek_u8(&ci, k) == '='))
			continue;	/* an auth-param, not a scheme */
		scheme_of(scheme, sizeof(scheme), item.p, k);
		if (list[0] != '\0')
			str_append(list, listsz, ",");
		str_append(list, listsz, scheme);
		if (k == item.n || !token_scheme(scheme))
			continue;
		rest = trim(item.p + k, item.n - k);
		cur_init(&cr, rest.p, rest.n);
		if (rest.n > 0 && memchr(rest.p, '=', rest.n) != NULL &&
		    cur_peek_u8(&cr, rest.n - 1) != '=')
			continue;	/* auth-params after all */
		if (rest.n > 0) {
			if (hand_token(ctx, rest.p, rest.n) == 2)
				*refused = 1;
			tokens++;
		}
	}
	return tokens;
}

static void
on_request(struct http_state *st, struct dis_ctx *ctx, struct http_dir *d,
    const struct http_msg *m)
{
	struct auth_rec a;
	struct http_pend *pe;
	char scheme[HTTP_SCHEME_MAX];
	int i;

	if (st->qn == HTTP_QMAX) {
		st->qh = (st->qh + 1) % HTTP_QMAX;
		st->qn--;
	}
	pe = &st->q[(st->qh + st->qn) % HTTP_QMAX];
	st->qn++;
	memset(pe, 0, sizeof(*pe));
	pe->head = m->method.n == 4 && memcmp(m->method.p, "HEAD", 4) == 0;
	pe->connect = m->method.n == 7 &&
	    memcmp(m->method.p, "CONNECT", 7) == 0;
	pe->auth = m->n_auth > 0;
	if (pe->auth) {
		scheme[0] = '\0';
		auth_init(&a, "request", AUTH_NONE);
		auth_add_bytes(&a, "method", m->method.p, m->method.n);
		auth_add_bytes(&a, "uri", m->uri.p, m->uri.n);
		if (m->host.p != NULL)
			auth_add_bytes(&a, "host", m->host.p, m->host.n);
		/* the scheme of the first header; tokens of all */
		for (i = m->n_auth - 1; i >= 0; i--)
			(void)credentials(ctx, &m->auth[i], scheme,
			    sizeof(scheme));
		auth_add_str(&a, "scheme", scheme);
		engine_emit_auth(ctx, "http", &a);
	}
	/* requests without a length have no body (RFC 9112 6.3) */
	d->mode = HM_HDR;
	if (m->chunked) {
		d->mode = HM_CHUNK;
	} else if (m->has_clen && !m->bad_clen && m->clen > 0) {
		d->mode = HM_BODY;
		d->left = m->clen;
		d->next = HM_HDR;
	}
}

static void
on_response(struct http_state *st, struct dis_ctx *ctx, struct http_dir *d,
    const struct http_msg *m)
{
	struct http_pend pe;
	struct auth_rec a;
	char list[KRB_TEXT_MAX];
	int i, tokens, outcome, refused;

	memset(&pe, 0, sizeof(pe));
	if (m->status >= 200 && st->qn > 0) {
		pe = st->q[st->qh];
		st->qh = (st->qh + 1) % HTTP_QMAX;
		st->qn--;
	}
	list[0] = '\0';
	tokens = 0;
	refused = 0;
	for (i = 0; i < m->n_auth; i++)
		tokens += challenges(ctx, &m->auth[i], list, sizeof(list),
		    &refused);
	if (pe.auth || m->status == 401 || m->status == 407) {
		outcome = AUTH_NONE;
		if (m->status == 401 || m->status == 407)
			outcome = refused ? AUTH_FAIL : tokens > 0 ?
			    AUTH_CONTINUE : pe.auth ? AUTH_FAIL : AUTH_NONE;
		else if (m->status >= 200 && m->status < 400)
			outcome = AUTH_OK;
		auth_init(&a, "response", outcome);
		auth_add_int(&a, "status", m->status);
		auth_add_bytes(&a, "reason", m->reason.p, m->reason.n);
		if (list[0] != '\0')
			auth_add_str(&a, "schemes", list);
		engine_emit_auth(ctx, "http", &a);
	}
	d->mode = HM_HDR;
	if (m->status == 101 || (pe.connect && m->status >= 200 &&
	    m->status < 300)) {
		/* another protocol or a tunnel from here on, both ways */
		st->dir[0].mode = HM_CLOSE;
		st->dir[1].mode = HM_CLOSE;
		return;
	}
	if (m->status < 200 || m->status == 204 || m->status == 304 ||
	    pe.head)
		return;
	if (m->chunked) {
		d->mode = HM_CHUNK;
	} else if (m->has_clen && !m->bad_clen) {
		if (m->clen > 0) {
			d->mode = HM_BODY;
			d->left = m->clen;
			d->next = HM_HDR;
		}
	} else {
		d->mode = HM_CLOSE;	/* delimited by the end of the stream */
	}
}

static void
enter_resync(struct http_dir *d)
{
	d->mode = HM_RESYNC;
	d->counted = 0;
	d->scan = 0;
}

/*
 * Looks for a start line at *off or after a newline. 1 found (*off on
 * it), 0 needs more bytes (*off on the first byte to judge again).
 */
static int
resync_scan(struct http_dir *d, struct engine *eng, const uint8_t *p,
    size_t len, size_t *off)
{
	const uint8_t *nl;
	size_t i;
	int r, found;

	found = 0;
	i = *off;
	while (i < len) {
		r = start_line(p + i, len - i);
		if (r > 0) {
			found = 1;
			break;
		}
		if (r < 0)
			break;
		nl = memchr(p + i, '\n', len - i);
		i = nl != NULL ? (size_t)(nl - p) + 1 : len;
	}
	if (i > *off && !d->counted) {
		eng->st.dis_resyncs++;
		d->counted = 1;
	}
	*off = i;
	if (found) {
		d->mode = HM_HDR;
		d->scan = 0;
	}
	return found;
}

/*
 * One chunk-size line (HM_CHUNK) or trailer line (HM_TRAILER) at p.
 * 1 done (*used_out), 0 needs more bytes, -1 malformed.
 */
static int
chunk_line(struct http_dir *d, const uint8_t *p, size_t n, size_t *used_out)
{
	struct cur c;
	uint64_t size;
	size_t k, i;
	int v, digits;

	cur_init(&c, p, n < HTTP_LINE_MAX ? n : HTTP_LINE_MAX);
	if (!find_byte(&c, 0, '\n', &k))
		return n < HTTP_LINE_MAX ? 0 : -1;
	*used_out = k + 1;
	if (k > 0 && cur_peek_u8(&c, k - 1) == '\r')
		k--;
	if (d->mode == HM_TRAILER) {
		if (k == 0)
			d->mode = HM_HDR;
		return 1;
	}
	if (k == 0)
		return 1;	/* the CRLF after chunk data */
	size = 0;
	digits = 0;
	for (i = 0; i < k; i++) {
		v = cur_peek_u8(&c, i);
		if (v >= '0' && v <= '9')
			v -= '0';
		else if (v >= 'a' && v <= 'f')
			v = v - 'a' + 10;
		else if (v >= 'A' && v <= 'F')
			v = v - 'A' + 10;
		else
			break;
		if (++digits > 15)
			return -1;
		size = size << 4 | (uint64_t)v;
	}
	if (digits == 0 || (i < k && cur_peek_u8(&c, i) != ';' &&
	    cur_peek_u8(&c, i) != ' ' && cur_peek_u8(&c, i) != '\t'))
		return -1;
	if (size == 0) {
		d->mode = HM_TRAILER;
	} else {
		d->mode = HM_BODY;
		d->left = size;
		d->next = HM_CHUNK;
	}
	return 1;
}

static int
http_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct http_state *st = state;
	struct http_dir *d;
	struct http_msg m;
	struct cur c;
	size_t off, end, limit, k;
	int r;

	*used_out = 0;
	*need_out = 0;
	cur_init(&c, p, len);
	d = &st->dir[ctx->dir != 0];
	limit = hdr_limit(ctx->eng);
	off = 0;
	while (off < len) {
		switch (d->mode) {
		case HM_CLOSE:
			off = len;
			break;
		case HM_BODY:
			k = len - off;
			if ((uint64_t)k > d->left)
				k = (size_t)d->left;
			off += k;
			d->left -= k;
			if (d->left == 0)
				d->mode = d->next;
			break;
		case HM_RESYNC:
			if (!resync_scan(d, ctx->eng, p, len, &off))
				goto need;
			break;
		case HM_CHUNK:
		case HM_TRAILER:
			r = chunk_line(d, p + off, len - off, &k);
			if (r == 0)
				goto need;
			if (r < 0) {
				enter_resync(d);
				break;
			}
			off += k;
			break;
		default:
			/* blank lines between messages (RFC 9112 2.2) */
			if (cur_peek_u8(&c, off) == '\r' ||
			    cur_peek_u8(&c, off) == '\n') {
				off++;
				d->scan = 0;
				break;
			}
			if (start_line(p + off, len - off) == 0) {
				enter_resync(d);
				break;
			}
			if (!find_end(d, p + off, len - off, &end)) {
				if (len - off < limit)
					goto need;
				ctx->eng->st.dis_oversize++;
				enter_resync(d);
				off = len;
				break;
			}
			d->scan = 0;
			if (parse_block(&m, p + off, end) != 0) {
				enter_resync(d);
				off++;	/* not this start line again */
				break;
			}
			if (m.response)
				on_response(st, ctx, d, &m);
			else
				on_request(st, ctx, d, &m);
			off += end;
			break;
		}
	}
	*used_out = off;
	return FEED_OK;
need:
	*used_out = off;
	*need_out = len + 1;
	return FEED_NEED;
}

static void
http_gap(void *state, int dir)
{
	struct http_state *st = state;
	struct http_dir *d = &st->dir[dir != 0];

	if (d->mode != HM_CLOSE)
		enter_resync(d);
}

static void *
http_state_new(void)
{
	return xcalloc(1, sizeof(struct http_state));
}

static void
http_state_free(void *state)
{
	free(state);
}
