/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dcerpc.c - connection-oriented DCE/RPC (C706 chapter 12, MS-RPCE
 * 2.2.2) on TCP 135, on dynamic ports (content probe) and inside SMB
 * named pipes (dcerpc_pipe_data()). The auth verifier of bind,
 * bind_ack, alter_context, alter_context_resp and auth3 PDUs (the
 * sec_trailer, then auth_length bytes of token at the end of the PDU,
 * MS-RPCE 2.2.2.11) goes to the security layer; binds and their results
 * become "bind" / "alter_context" / "bind_result" events. Request and
 * response PDUs and everything else are stepped over without buffering.
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

#define RPC_HDR_LEN	16
#define RPC_TRAILER_LEN	8		/* sec_trailer */
#define RPC_MAX_DEFAULT	(64 * 1024)	/* frag_length is 16 bits */

/* ptype (C706 12.6.4.1) */
#define PT_REQUEST		0
#define PT_RESPONSE		2
#define PT_BIND			11
#define PT_BIND_ACK		12
#define PT_BIND_NAK		13
#define PT_ALTER_CONTEXT	14
#define PT_ALTER_CONTEXT_RESP	15
#define PT_AUTH3		16
#define PT_MAX			20

#define PFC_FIRST_FRAG		0x01

/* auth_type (MS-RPCE 2.2.1.1.7) */
#define AUTHN_GSS_NEGOTIATE	9
#define AUTHN_WINNT		10
#define AUTHN_GSS_KERBEROS	16

struct rpc_dir {
	size_t		 skip;		/* bytes of the current PDU left to
					 * step over */
	int		 resync;	/* looking for a PDU boundary */
	int		 counted;	/* this resync already counted */
};

struct rpc_state {
	struct rpc_dir	 dir[2];
};

/* The 16-byte common header. */
struct rpc_hdr {
	uint8_t		 vers, minor, ptype, flags;
	uint8_t		 drep[4];
	int		 le;		/* drep: little-endian integers */
	uint16_t	 frag_len, auth_len;
	uint32_t	 call_id;
};

struct name_row {
	int		 value;
	const char	*name;
};

struct iface_row {
	const char	*uuid;
	const char	*name;
};

static const struct name_row auth_types[] = {
	{ 0, "none" },
	{ 1, "dce_private" },
	{ 2, "dce_public" },
	{ 4, "digest" },
	{ 9, "spnego" },
	{ 10, "ntlmssp" },
	{ 14, "schannel" },
	{ 16, "kerberos" },
	{ 0x44, "netlogon" },
	{ 0xff, "default" },
	{ 0, NULL }
};

/* provider_reject_reason (C706 12.6.4.4, MS-RPCE 2.2.2.5) */
static const struct name_row reject_reasons[] = {
	{ 0, "reason_not_specified" },
	{ 1, "temporary_congestion" },
	{ 2, "local_limit_exceeded" },
	{ 3, "called_paddr_unknown" },
	{ 4, "protocol_version_not_supported" },
	{ 5, "default_context_not_supported" },
	{ 6, "user_data_not_readable" },
	{ 7, "no_psap_available" },
	{ 8, "authentication_type_not_recognized" },
	{ 9, "invalid_checksum" },
	{ 0, NULL }
};

/* p_cont_def_result_t (C706 12.6.3.1, MS-RPCE 2.2.2.4) */
static const struct name_row results[] = {
	{ 0, "acceptance" },
	{ 1, "user_rejection" },
	{ 2, "provider_rejection" },
	{ 3, "negotiate_ack" },
	{ 0, NULL }
};

static const struct iface_row ifaces[] = {
	{ "12345778-1234-abcd-ef00-0123456789ab", "lsarpc" },
	{ "12345778-1234-abcd-ef00-0123456789ac", "samr" },
	{ "12345678-1234-abcd-ef00-01234567cffb", "netlogon" },
	{ "e3514235-4b06-11d1-ab04-00c04fc2dcd2", "drsuapi" },
	{ "e1af8308-5d1f-11c9-91a4-08002b14a0fa", "epmapper" },
	{ "4b324fc8-1670-01d3-1278-5a47bf6ee188", "srvsvc" },
	{ "6bffd098-a112-3610-9833-46c3f87e345a", "wkssvc" },
	{ "367abb81-9844-35f1-ad32-98f038001003", "svcctl" },
	{ "338cd001-2244-31f1-aaaa-900038001003", "winreg" },
	{ "86d35949-83c9-4044-b424-db363231fd0c", "ITaskSchedulerService" },
	{ "000001a0-0000-0000-c000-000000000046", "ISystemActivator" },
	{ "00000143-0000-0000-c000-000000000046", "IRemUnknown2" },
	{ "f5cc5a18-4264-101a-8c59-08002b2f8426", "nspi" },
	{ NULL, NULL }
};

static const char *row_name(const struct name_row *, int);
static uint16_t	get16(struct cur *, int);
static uint32_t	get32(struct cur *, int);
static int	read_hdr(struct cur *, struct rpc_hdr *);
static int	hdr_plausible(const struct rpc_hdr *);
static int	wants_body(int);
static void	read_uuid(struct cur *, int, char *, size_t);
static void	add_auth_fields(struct auth_rec *, const uint8_t *, size_t,
		    const struct rpc_hdr *);
static void	do_bind(struct dis_ctx *, const uint8_t *, size_t,
		    const struct rpc_hdr *);
static void	do_bind_ack(struct dis_ctx *, const uint8_t *, size_t,
		    const struct rpc_hdr *);
static void	do_bind_nak(struct dis_ctx *, const uint8_t *, size_t,
		    const struct rpc_hdr *);
static void	do_verifier(struct dis_ctx *, const uint8_t *, size_t,
		    const struct rpc_hdr *);
static void	rpc_pdu(struct dis_ctx *, const uint8_t *, size_t);
static size_t	pdu_limit(const struct engine *);
static int	dcerpc_probe(const uint8_t *, size_t, int);
static int	dcerpc_may_start(uint8_t, int);
static int	dcerpc_feed(void *, struct dis_ctx *, const uint8_t *,
		    size_t, size_t *, size_t *);
static void	dcerpc_gap(void *, int);
static void	*dcerpc_state_new(void);
static void	dcerpc_state_free(void *);

const struct dissector dis_dcerpc = {
	.name		= "dcerpc",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 135, 0 },
	.probe		= dcerpc_probe,
	.may_start	= dcerpc_may_start,
	.feed		= dcerpc_feed,
	.gap		= dcerpc_gap,
	.state_new	= dcerpc_state_new,
	.state_free	= dcerpc_state_free,
};

static const char *
row_name(const struct name_row *t, int v)
{
	for (; t->name != NULL; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

static uint16_t
get16(struct cur *c, int le)
{
	return le ? cur_get_le16(c) : cur_get_be16(c);
}

static uint32_t
get32(struct cur *c, int le)
{
	return le ? cur_get_le32(c) : cur_get_be32(c);
}

/* Reads the common header (C706 12.6.3.1); 0 or E_TRUNC. */
static int
read_hdr(struct cur *c, struct rpc_hdr *h)
{
	int i;

	h->vers = cur_get_u8(c);
	h->minor = cur_get_u8(c);
	h->ptype = cur_get_u8(c);
	h->flags = cur_get_u8(c);
	for (i = 0; i < 4; i++)
		h->drep[i] = cur_get_u8(c);
	h->le = (h->drep[0] & 0x10) != 0;
	h->frag_len = get16(c, h->le);
	h->auth_len = get16(c, h->le);
	h->call_id = get32(c, h->le);
	return c->err;
}

static int
hdr_plausible(const struct rpc_hdr *h)
{
	size_t alen;

	if (h->vers != 5 || h->minor > 1 || h->ptype > PT_MAX)
		return 0;
	/* integer and character representation, floating point,
	 * reserved (C706 14.1) */
	if ((h->drep[0] & 0xee) != 0 || h->drep[1] > 3 || h->drep[2] != 0 ||
	    h->drep[3] != 0)
		return 0;
	if (h->frag_len < RPC_HDR_LEN)
		return 0;
	alen = h->auth_len > 0 ? (size_t)h->auth_len + RPC_TRAILER_LEN : 0;
	return RPC_HDR_LEN + alen <= h->frag_len;
}

/* PDUs whose body we read; the others are stepped over. */
static int
wants_body(int ptype)
{
	switch (ptype) {
	case PT_BIND:
	case PT_BIND_ACK:
	case PT_BIND_NAK:
	case PT_ALTER_CONTEXT:
	case PT_ALTER_CONTEXT_RESP:
	case PT_AUTH3:
		return 1;
	default:
		return 0;
	}
}

/* A uuid_t in drep byte order as text (C706 appendix A). */
static void
read_uuid(struct cur *c, int le, char *out, size_t outsz)
{
	struct cur nc;
	const uint8_t *b;
	uint32_t tl;
	uint16_t tm, th;

	tl = get32(c, le);
	tm = get16(c, le);
	th = get16(c, le);
	b = cur_get_bytes(c, 8);
	if (b == NULL) {
		out[0] = '\0';
		return;
	}
	cur_init(&nc, b, 8);	/* clock_seq and node, as they are */
	snprintf(out, outsz,
	    "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    (unsigned)tl, (unsigned)tm, (unsigned)th, cur_peek_u8(&nc, 0),
	    cur_peek_u8(&nc, 1), cur_peek_u8(&nc, 2), cur_peek_u8(&nc, 3),
	    cur_peek_u8(&nc, 4), cur_peek_u8(&nc, 5), cur_peek_u8(&nc, 6),
	    cur_peek_u8(&nc, 7));
}

/* "auth_type" (name or number) and "auth_level" of the sec_trailer. */
static void
add_auth_fields(struct auth_rec *a, const uint8_t *p, size_t len,
    const struct rpc_hdr *h)
{
	struct cur c;
	const char *name;
	size_t off;
	uint8_t type, level;

	if (h->auth_len == 0 || h->frag_len > len)
		return;
	off = (size_t)h->frag_len - h->auth_len - RPC_TRAILER_LEN;
	cur_init(&c, p, len);
	cur_skip(&c, off);
	type = cur_get_u8(&c);
	level = cur_get_u8(&c);
	if (c.err != 0)
		return;
	if ((name = row_name(auth_types, type)) != NULL)
		auth_add_str(a, "auth_type", name);
	else
		auth_add_int(a, "auth_type", type);
	auth_add_int(a, "auth_level", level);
}

/*
 * bind / alter_context (C706 12.6.4.3): the first presentation context
 * names the interface.
 */
static void
do_bind(struct dis_ctx *ctx, const uint8_t *p, size_t len,
    const struct rpc_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const char *name;
	char uuid[48];
	uint8_t n_ctx;
	uint16_t maj, min;
	uint32_t ver;
	int i;

	cur_init(&c, p, len);
	cur_skip(&c, RPC_HDR_LEN);
	cur_skip(&c, 8);		/* max_xmit, max_recv, assoc_group */
	n_ctx = cur_get_u8(&c);
	cur_skip(&c, 3);
	cur_skip(&c, 4);		/* p_cont_id, n_transfer_syn, rsvd */
	read_uuid(&c, h->le, uuid, sizeof(uuid));
	ver = get32(&c, h->le);
	auth_init(&a, h->ptype == PT_BIND ? "bind" : "alter_context",
	    AUTH_NONE);
	if (c.err == 0 && n_ctx > 0) {
		auth_add_str(&a, "interface", uuid);
		name = NULL;
		for (i = 0; ifaces[i].uuid != NULL; i++)
			if (strcmp(ifaces[i].uuid, uuid) == 0)
				name = ifaces[i].name;
		if (name != NULL)
			auth_add_str(&a, "interface_name", name);
		maj = (uint16_t)(ver & 0xffff);
		min = (uint16_t)(ver >> 16);
		auth_add_int(&a, "interface_version", maj);
		auth_add_int(&a, "interface_version_minor", min);
	}
	auth_add_int(&a, "contexts", n_ctx);
	add_auth_fields(&a, p, len, h);
	auth_add_int(&a, "call_id", h->call_id);
	engine_emit_auth(ctx, "dcerpc", &a);
}

/*
 * bind_ack / alter_context_resp (C706 12.6.4.4): the result of the
 * first presentation context. Outcome: AUTH_FAIL when no context was
 * accepted; else AUTH_CONTINUE when the PDU carries an auth token (a
 * leg of the security exchange is still to come or being completed),
 * AUTH_OK without one.
 */
static void
do_bind_ack(struct dis_ctx *ctx, const uint8_t *p, size_t len,
    const struct rpc_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const char *name;
	uint16_t sec_len, res, first_res, reason;
	uint8_t n_res;
	int i, accepted, outcome;

	cur_init(&c, p, len);
	cur_skip(&c, RPC_HDR_LEN + 8);
	sec_len = get16(&c, h->le);
	cur_skip(&c, sec_len);
	/* p_result_list is 4-aligned from the PDU start */
	cur_skip(&c, (4 - ((RPC_HDR_LEN + 10 + (size_t)sec_len) & 3)) & 3);
	n_res = cur_get_u8(&c);
	cur_skip(&c, 3);
	accepted = 0;
	first_res = 0xffff;
	reason = 0;
	for (i = 0; i < n_res && c.err == 0; i++) {
		res = get16(&c, h->le);
		if (i == 0) {
			first_res = res;
			reason = get16(&c, h->le);
		} else
			cur_skip(&c, 2);
		cur_skip(&c, 20);	/* transfer syntax */
		if (c.err == 0 && res == 0)
			accepted = 1;
	}
	if (n_res > 0 && !accepted)
		outcome = AUTH_FAIL;
	else if (h->auth_len > 0)
		outcome = AUTH_CONTINUE;
	else
		outcome = AUTH_OK;
	auth_init(&a, "bind_result", outcome);
	auth_add_str(&a, "pdu", h->ptype == PT_BIND_ACK ? "bind_ack" :
	    "alter_context_resp");
	if (first_res != 0xffff) {
		if ((name = row_name(results, first_res)) != NULL)
			auth_add_str(&a, "result", name);
		else
			auth_add_int(&a, "result", first_res);
		if (first_res != 0) {
			auth_add_int(&a, "reason", reason);
			if ((name = row_name(reject_reasons, reason)) != NULL)
				auth_add_str(&a, "reason_name", name);
		}
	}
	add_auth_fields(&a, p, len, h);
	auth_add_int(&a, "call_id", h->call_id);
	engine_emit_auth(ctx, "dcerpc", &a);
}

/* bind_nak (C706 12.6.4.5, MS-RPCE 2.2.2.5). */
static void
do_bind_nak(struct dis_ctx *ctx, const uint8_t *p, size_t len,
    const struct rpc_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const char *name;
	uint16_t reason;

	cur_init(&c, p, len);
	cur_skip(&c, RPC_HDR_LEN);
	reason = get16(&c, h->le);
	auth_init(&a, "bind_result", AUTH_FAIL);
	auth_add_str(&a, "pdu", "bind_nak");
	if (c.err == 0) {
		auth_add_int(&a, "reason", reason);
		if ((name = row_name(reject_reasons, reason)) != NULL)
			auth_add_str(&a, "reason_name", name);
	}
	auth_add_int(&a, "call_id", h->call_id);
	engine_emit_auth(ctx, "dcerpc", &a);
}

/* The auth verifier at the end of the PDU (MS-RPCE 2.2.2.11). */
static void
do_verifier(struct dis_ctx *ctx, const uint8_t *p, size_t len,
    const struct rpc_hdr *h)
{
	struct cur c;
	const uint8_t *tok;
	uint8_t type;

	if (h->auth_len == 0 || h->frag_len > len)
		return;
	cur_init(&c, p, len);
	cur_skip(&c, (size_t)h->frag_len - h->auth_len - RPC_TRAILER_LEN);
	type = cur_get_u8(&c);
	cur_skip(&c, RPC_TRAILER_LEN - 1);
	tok = cur_get_bytes(&c, h->auth_len);
	if (tok == NULL)
		return;
	switch (type) {
	case AUTHN_GSS_NEGOTIATE:
	case AUTHN_WINNT:
	case AUTHN_GSS_KERBEROS:
		(void)sec_token(ctx, "dcerpc", tok, h->auth_len, 0);
		break;
	default:
		break;		/* netlogon, schannel: not ours */
	}
}

/* One whole PDU: p holds frag_len bytes (checked by the caller). */
static void
rpc_pdu(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	struct rpc_hdr h;
	struct cur c;

	cur_init(&c, p, len);
	if (read_hdr(&c, &h) != 0 || !hdr_plausible(&h) || h.frag_len > len)
		return;
	switch (h.ptype) {
	case PT_BIND:
	case PT_ALTER_CONTEXT:
		do_bind(ctx, p, len, &h);
		do_verifier(ctx, p, len, &h);
		break;
	case PT_BIND_ACK:
	case PT_ALTER_CONTEXT_RESP:
		do_verifier(ctx, p, len, &h);
		do_bind_ack(ctx, p, len, &h);
		break;
	case PT_BIND_NAK:
		do_bind_nak(ctx, p, len, &h);
		break;
	case PT_AUTH3:
		do_verifier(ctx, p, len, &h);
		break;
	default:
		break;
	}
}

void
dcerpc_pipe_data(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	struct rpc_hdr h;
	struct cur c;
	size_t off;
	int n;

	off = 0;
	for (n = 0; n < 64 && len - off >= RPC_HDR_LEN; n++) {
		cur_init(&c, p + off, len - off);
		if (read_hdr(&c, &h) != 0 || !hdr_plausible(&h))
			return;
		if (h.frag_len > len - off)
			return;		/* partial: not decoded */
		if (wants_body(h.ptype))
			rpc_pdu(ctx, p + off, h.frag_len);
		off += h.frag_len;
	}
}

static size_t
pdu_limit(const struct engine *eng)
{
	size_t lim;

	lim = RPC_MAX_DEFAULT;
	if (eng != NULL && eng->lim.max_msg_bytes > 0 &&
	    eng->lim.max_msg_bytes < lim)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim;
}

/* Connection-oriented DCE/RPC version 5. */
static int
dcerpc_may_start(uint8_t b, int transport)
{
	return transport == TRANSPORT_TCP && b == 5;
}

/*
 * A bind or alter_context PDU starts the stream: version 5.0/5.1,
 * first-fragment flag, a defined data representation, a frag_length
 * that holds the bind body and the auth verifier.
 */
static int
dcerpc_probe(const uint8_t *p, size_t len, int transport)
{
	struct rpc_hdr h;
	struct cur c;

	if (transport != TRANSPORT_TCP || len < RPC_HDR_LEN)
		return 0;
	cur_init(&c, p, len);
	if (cur_peek_u8(&c, 0) != 5 || cur_peek_u8(&c, 1) > 1 ||
	    (cur_peek_u8(&c, 2) != PT_BIND &&
	    cur_peek_u8(&c, 2) != PT_ALTER_CONTEXT))
		return 0;
	if ((cur_peek_u8(&c, 3) & PFC_FIRST_FRAG) == 0)
		return 0;
	if (read_hdr(&c, &h) != 0 || !hdr_plausible(&h))
		return 0;
	/* header + max_xmit, max_recv, assoc_group, n_ctx + reserved */
	if ((size_t)h.frag_len < RPC_HDR_LEN + 12 + (h.auth_len > 0 ?
	    (size_t)h.auth_len + RPC_TRAILER_LEN : 0))
		return 0;
	return 1;
}

static int
dcerpc_feed(void *state, struct dis_ctx *ctx, const uint8_t *p,
    size_t len, size_t *used_out, size_t *need_out)
{
	struct rpc_state *st = state;
	struct rpc_dir *d;
	struct rpc_hdr h;
	struct cur c;
	size_t off, need, n, limit;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	limit = pdu_limit(ctx->eng);
	off = 0;
	need = 0;
	while (off < len) {
		if (d->skip > 0) {
			n = len - off < d->skip ? len - off : d->skip;
			off += n;
			d->skip -= n;
			continue;
		}
		if (len - off < RPC_HDR_LEN) {
			need = off + RPC_HDR_LEN;
			break;
		}
		cur_init(&c, p + off, len - off);
		if (read_hdr(&c, &h) != 0 || !hdr_plausible(&h)) {
			/* not a PDU boundary: step a byte and look again */
			if (!d->resync || !d->counted)
				ctx->eng->st.dis_resyncs++;
			d->resync = 1;
			d->counted = 1;
			off++;
			continue;
		}
		d->resync = 0;
		d->counted = 0;
		if (!wants_body(h.ptype)) {
			d->skip = h.frag_len;
			continue;
		}
		if (h.frag_len > limit) {
			ctx->eng->st.dis_oversize++;
			d->skip = h.frag_len;
			continue;
		}
		if (len - off < h.frag_len) {
			need = off + h.frag_len;
			break;
		}
		rpc_pdu(ctx, p + off, h.frag_len);
		off += h.frag_len;
	}
	if (off > 0) {
		*used_out = off;
		return FEED_OK;
	}
	*need_out = need > len ? need : len + 1;
	return FEED_NEED;
}

static void
dcerpc_gap(void *state, int dir)
{
	struct rpc_state *st = state;
	struct rpc_dir *d = &st->dir[dir != 0];

	d->skip = 0;
	d->resync = 1;
	d->counted = 0;
}

static void *
dcerpc_state_new(void)
{
	return xcalloc(1, sizeof(struct rpc_state));
}

static void
dcerpc_state_free(void *state)
{
	free(state);
}
