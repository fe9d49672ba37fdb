/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * smb.c - SMB2/3 (MS-SMB2) and SMB1 (MS-CIFS, MS-SMB) over the NetBIOS
 * session service (RFC 1002 4.3) on TCP 445 and 139: the security
 * buffers of NEGOTIATE and SESSION_SETUP go to the security layer, the
 * session setup status becomes a "session_setup" event, the tree connect
 * path a "tree_connect" event; DCE/RPC PDUs in named-pipe WRITE / READ /
 * IOCTL (FSCTL_PIPE_TRANSCEIVE) data go to dcerpc_pipe_data().
 *
 * Bulk data is never buffered: of each record only the first SMB_PEEK
 * bytes are looked at, unless the command is one whose body we read
 * (NEGOTIATE, SESSION_SETUP, TREE_CONNECT, CREATE; pipe data that starts
 * like a DCE/RPC bind-family PDU); the rest of the record is stepped
 * over as it arrives. Encrypted (0xfd 'SMB') and compressed (0xfc 'SMB')
 * records are stepped over whole.
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
#include "krb.h"
#include "record.h"
#include "sec.h"
#include "util.h"

#define NB_HDR_LEN	4
#define SMB_PEEK	256	/* bytes of a record always looked at */
#define SMB_PIPE_MAX	16384	/* DCE/RPC bytes taken from one message */
#define SMB_MAX_DEFAULT	(256 * 1024)
#define SMB_MAX_CHAIN	32	/* compounded SMB2 messages per record */
#define SMB2_HDR_LEN	64
#define SMB1_HDR_LEN	32
#define SMB_IPC_TREES	4
#define SMB_PENDING	4
#define SMB_PIPES	8
#define SMB_NAME_MAX	64

/* NetBIOS session service packet types (RFC 1002 4.3.1) */
#define NB_SESSION_MSG	0x00

/* SMB2 commands (MS-SMB2 2.2.1.2) */
#define SMB2_NEGOTIATE		0x0000
#define SMB2_SESSION_SETUP	0x0001
#define SMB2_TREE_CONNECT	0x0003
#define SMB2_CREATE		0x0005
#define SMB2_READ		0x0008
#define SMB2_WRITE		0x0009
#define SMB2_IOCTL		0x000b

#define SMB2_FLAGS_RESPONSE	0x00000001
#define SMB2_FLAGS_ASYNC	0x00000002
#define SMB2_SIGNING_REQUIRED	0x0002
#define SMB2_SESSION_IS_GUEST	0x0001
#define SMB2_SESSION_IS_NULL	0x0002
#define SMB2_SHARE_PIPE		0x02
#define FSCTL_PIPE_TRANSCEIVE	0x0011c017

/* SMB1 (MS-CIFS 2.2.2.1, 2.2.3.1) */
#define SMB1_NEGOTIATE		0x72
#define SMB1_SESSION_SETUP	0x73
#define SMB1_FLAGS_REPLY	0x80
#define SMB1_FLAGS2_EXT_SEC	0x0800
#define SMB1_FLAGS2_NT_STATUS	0x4000
#define SMB1_CAP_EXT_SEC	0x80000000u
#define SMB1_SIGNING_REQUIRED	0x08

#define STATUS_SUCCESS		0x00000000u
#define STATUS_MORE_PROCESSING	0xc0000016u

/* Which protocol a record carries. */
#define REC_SMB2	1
#define REC_SMB1	2
#define REC_TRANSFORM	3

struct smb_dir {
	size_t		 skip;		/* bytes of the record left to step
					 * over */
	int		 resync;	/* looking for a record boundary */
	int		 counted;	/* this resync already counted */
};

/* A CREATE request on a pipe share, waiting for its response. */
struct smb_pending {
	int		 used;
	uint64_t	 msg_id;
	char		 name[SMB_NAME_MAX];
};

struct smb_state {
	struct smb_dir	 dir[2];
	uint16_t	 dialect;	/* from the NEGOTIATE response */
	int		 enc_seen;	/* "encrypted" event emitted */
	uint32_t	 ipc_tree[SMB_IPC_TREES];	/* pipe share trees */
	unsigned	 n_ipc;
	struct smb_pending pend[SMB_PENDING];
	unsigned	 n_pend;
	uint8_t		 pipe[SMB_PIPES][16];	/* FileIds of open pipes */
	unsigned	 n_pipe;
};

/* The parts of an SMB2 header (MS-SMB2 2.2.1) we use. */
struct smb2_hdr {
	uint32_t	 status;
	uint16_t	 cmd;
	uint32_t	 flags;
	uint32_t	 next;
	uint64_t	 msg_id;
	uint32_t	 tree_id;
	uint64_t	 session_id;
};

struct status_row {
	uint32_t	 value;
	const char	*name;
};

/* SMB statuses the Kerberos table lacks. */
static const struct status_row smb_statuses[] = {
	{ 0x00000103, "STATUS_PENDING" },
	{ 0x80000005, "STATUS_BUFFER_OVERFLOW" },
	{ 0xc000000d, "STATUS_INVALID_PARAMETER" },
	{ 0xc0000016, "STATUS_MORE_PROCESSING_REQUIRED" },
	{ 0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND" },
	{ 0xc00000cc, "STATUS_BAD_NETWORK_NAME" },
	{ 0xc000035c, "STATUS_NETWORK_SESSION_EXPIRED" },
	{ 0xc0000205, "STATUS_INSUFF_SERVER_RESOURCES" },
	{ 0, NULL }
};

static const char *status_name(uint32_t, char *, size_t);
static const char *dialect_name(uint16_t);
static size_t	rec_limit(const struct engine *);
static int	rec_kind(const uint8_t *, size_t);
static size_t	rpc_len(const uint8_t *, size_t);
static int	data_at(const uint8_t *, size_t, size_t, size_t,
		    const uint8_t **, size_t *);
static size_t	smb_want(const uint8_t *, size_t, size_t);
static int	is_ipc_tree(const struct smb_state *, uint32_t);
static int	is_pipe(const struct smb_state *, const uint8_t *);
static void	pipe_data(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, const uint8_t *, size_t);
static void	add_status(struct auth_rec *, uint32_t);
static void	add_session(struct auth_rec *, const char *, uint64_t);
static void	smb2_negotiate(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, const struct smb2_hdr *);
static void	smb2_session_setup(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, const struct smb2_hdr *);
static void	smb2_tree_connect(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, const struct smb2_hdr *);
static void	smb2_create(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, const struct smb2_hdr *);
static void	smb2_data(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, const struct smb2_hdr *);
static void	smb2_msg(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t, uint32_t *);
static void	smb2_record(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static void	smb1_record(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static void	smb_record(struct smb_state *, struct dis_ctx *,
		    const uint8_t *, size_t);
static int	smb_probe(const uint8_t *, size_t, int);
static int	smb_may_start(uint8_t, int);
static int	smb_feed(void *, struct dis_ctx *, const uint8_t *, size_t,
		    size_t *, size_t *);
static void	smb_gap(void *, int);
static void	*smb_state_new(void);
static void	smb_state_free(void *);

const struct dissector dis_smb = {
	.name		= "smb2",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 445, 139, 0 },
	.probe		= smb_probe,
	.may_start	= smb_may_start,
	.feed		= smb_feed,
	.gap		= smb_gap,
	.state_new	= smb_state_new,
	.state_free	= smb_state_free,
};

static const char *
status_name(uint32_t status, char *buf, size_t bufsz)
{
	const struct status_row *r;
	const char *name;

	for (r = smb_statuses; r->name != NULL; r++)
		if (r->value == status)
			return r->name;
	if ((name = krb_ntstatus_name(status)) != NULL)
		return name;
	snprintf(buf, bufsz, "0x%08x", (unsigned)status);
	return buf;
}

static const char *
dialect_name(uint16_t d)
{
	switch (d) {
	case 0x0202:
		return "2.0.2";
	case 0x0210:
		return "2.1";
	case 0x02ff:
		return "2.???";
	case 0x0300:
		return "3.0";
	case 0x0302:
		return "3.0.2";
	case 0x0311:
		return "3.1.1";
	default:
		return NULL;
	}
}

/* Largest record part we ask the stream layer to buffer. */
static size_t
rec_limit(const struct engine *eng)
{
	size_t lim;

	lim = SMB_MAX_DEFAULT;
	if (eng != NULL && eng->lim.max_msg_bytes > 0 &&
	    eng->lim.max_msg_bytes < lim)
		lim = eng->lim.max_msg_bytes;
	if (eng != NULL && eng->lim.flow_bytes > 0 &&
	    eng->lim.flow_bytes < lim)
		lim = eng->lim.flow_bytes;
	return lim > SMB_PEEK + NB_HDR_LEN ? lim : SMB_PEEK + NB_HDR_LEN;
}

/* REC_* from the protocol id at the start of an SMB message, or 0. */
static int
rec_kind(const uint8_t *p, size_t len)
{
	struct cur c;
	const uint8_t *sig;
	uint8_t kind;

	cur_init(&c, p, len);
	kind = cur_get_u8(&c);
	sig = cur_get_bytes(&c, 3);
	if (sig == NULL || memcmp(sig, "SMB", 3) != 0)
		return 0;
	switch (kind) {
	case 0xfe:
		return REC_SMB2;
	case 0xff:
		return REC_SMB1;
	case 0xfd:
	case 0xfc:
		return REC_TRANSFORM;
	default:
		return 0;
	}
}

/*
 * frag_length of a DCE/RPC bind-family PDU header at p (C706 12.6.3.1),
 * 0 when the bytes do not start like one.
 */
static size_t
rpc_len(const uint8_t *p, size_t len)
{
	struct cur c;
	uint8_t ver, minor, type, drep[4];

	if (len < 16)
		return 0;
	cur_init(&c, p, len);
	ver = cur_get_u8(&c);
	minor = cur_get_u8(&c);
	type = cur_get_u8(&c);
	cur_skip(&c, 1);	/* pfc_flags */
	drep[0] = cur_get_u8(&c);
	drep[1] = cur_get_u8(&c);
	drep[2] = cur_get_u8(&c);
	drep[3] = cur_get_u8(&c);
	if (ver != 5 || minor > 1 || type < 11 || type > 16)
		return 0;
	if ((drep[0] & 0xee) != 0 || drep[1] > 3 || drep[2] != 0 ||
	    drep[3] != 0)
		return 0;
	if (drep[0] & 0x10)
		return cur_get_le16(&c);
	return cur_get_be16(&c);
}

/*
 * The captured part of a buffer at off (from the message start) of
 * length n within a message of len bytes: 1 with *p_out, *n_out when
 * some of it is there.
 */
static int
data_at(const uint8_t *m, size_t len, size_t off, size_t n,
    const uint8_t **p_out, size_t *n_out)
{
	*p_out = NULL;
	*n_out = 0;
	if (n == 0 || off < SMB2_HDR_LEN || off >= len)
		return 0;
	*p_out = m + off;
	*n_out = len - off < n ? len - off : n;
	return 1;
}

/*
 * How many bytes of a record to buffer, given its first peek bytes and
 * its length: all of it for the commands whose body we read, through
 * the end of a DCE/RPC bind-family PDU for pipe data, else peek.
 */
static size_t
smb_want(const uint8_t *p, size_t peek, size_t reclen)
{
	struct cur c;
	const uint8_t *d;
	size_t dlen, off, frag, want;
	uint32_t flags, len32;
	uint16_t cmd;
	int resp;

	switch (rec_kind(p, peek)) {
	case REC_SMB2:
		break;
	case REC_SMB1:
		cur_init(&c, p, peek);
		if (peek > 4 && (cur_peek_u8(&c, 4) == SMB1_NEGOTIATE ||
		    cur_peek_u8(&c, 4) == SMB1_SESSION_SETUP))
			return reclen;
		return peek;
	default:
		return peek;
	}
	cur_init(&c, p, peek);
	cur_skip(&c, 12);
	cmd = cur_get_le16(&c);
	cur_skip(&c, 2);
	flags = cur_get_le32(&c);
	if (c.err != 0)
		return peek;
	resp = (flags & SMB2_FLAGS_RESPONSE) != 0;
	cur_init(&c, p, peek);
	cur_skip(&c, SMB2_HDR_LEN);
	off = 0;
	len32 = 0;
	switch (cmd) {
	case SMB2_NEGOTIATE:
	case SMB2_SESSION_SETUP:
	case SMB2_TREE_CONNECT:
	case SMB2_CREATE:
		return reclen;
	case SMB2_WRITE:
		if (resp)
			return peek;
		cur_skip(&c, 2);
		off = cur_get_le16(&c);
		len32 = cur_get_le32(&c);
		break;
	case SMB2_READ:
		if (!resp)
			return peek;
		cur_skip(&c, 2);
		off = cur_get_u8(&c);
		cur_skip(&c, 1);
		len32 = cur_get_le32(&c);
		break;
	case SMB2_IOCTL:
		cur_skip(&c, resp ? 32 : 24);
		off = cur_get_le32(&c);
		len32 = cur_get_le32(&c);
		break;
	default:
		return peek;
	}
	if (c.err != 0 || !data_at(p, peek, off, len32, &d, &dlen))
		return peek;
	if ((frag = rpc_len(d, dlen)) == 0)
		return peek;
	if (frag > len32)
		frag = len32;
	if (frag > SMB_PIPE_MAX)
		frag = SMB_PIPE_MAX;
	want = off + frag;
	if (want > reclen)
		want = reclen;
	return want > peek ? want : peek;
}

static int
is_ipc_tree(const struct smb_state *st, uint32_t tree)
{
	unsigned i;

	for (i = 0; i < st->n_ipc && i < SMB_IPC_TREES; i++)
		if (st->ipc_tree[i] == tree)
			return 1;
	return 0;
}

static int
is_pipe(const struct smb_state *st, const uint8_t *fid)
{
	unsigned i;

	for (i = 0; i < st->n_pipe && i < SMB_PIPES; i++)
		if (memcmp(st->pipe[i], fid, 16) == 0)
			return 1;
	return 0;
}

/*
 * Data of a WRITE / READ / IOCTL: DCE/RPC when it goes to a pipe we saw
 * opened, or when it starts like a bind-family PDU (fid may be NULL).
 */
static void
pipe_data(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *fid,
    const uint8_t *d, size_t n)
{
	if (n > SMB_PIPE_MAX)
		n = SMB_PIPE_MAX;
	if ((fid != NULL && is_pipe(st, fid)) || rpc_len(d, n) > 0)
		dcerpc_pipe_data(ctx, d, n);
}

static void
add_status(struct auth_rec *a, uint32_t status)
{
	char buf[16];

	auth_add_str(a, "status", status_name(status, buf, sizeof(buf)));
}

static void
add_session(struct auth_rec *a, const char *fmt, uint64_t id)
{
	char buf[24];

	snprintf(buf, sizeof(buf), fmt, (unsigned long long)id);
	auth_add_str(a, "session_id", buf);
}

/* NEGOTIATE response (MS-SMB2 2.2.4). */
static void
smb2_negotiate(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *m,
    size_t len, const struct smb2_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const uint8_t *tok;
	const char *name;
	size_t tlen;
	uint16_t ss, mode, dialect, soff, slen;
	char buf[8];

	if ((h->flags & SMB2_FLAGS_RESPONSE) == 0)
		return;
	cur_init(&c, m, len);
	cur_skip(&c, SMB2_HDR_LEN);
	ss = cur_get_le16(&c);
	mode = cur_get_le16(&c);
	dialect = cur_get_le16(&c);
	cur_skip(&c, 50);
	soff = cur_get_le16(&c);
	slen = cur_get_le16(&c);
	if (c.err != 0 || ss != 65)
		return;
	st->dialect = dialect;
	auth_init(&a, "negotiate", AUTH_NONE);
	if ((name = dialect_name(dialect)) == NULL) {
		snprintf(buf, sizeof(buf), "0x%04x", (unsigned)dialect);
		name = buf;
	}
	auth_add_str(&a, "dialect", name);
	auth_add_bool(&a, "signing_required",
	    (mode & SMB2_SIGNING_REQUIRED) != 0);
	engine_emit_auth(ctx, "smb2", &a);
	if (data_at(m, len, soff, slen, &tok, &tlen))
		(void)sec_token(ctx, "smb2", tok, tlen, 0);
}

/* SESSION_SETUP request / response (MS-SMB2 2.2.5, 2.2.6). */
static void
smb2_session_setup(struct smb_state *st, struct dis_ctx *ctx,
    const uint8_t *m, size_t len, const struct smb2_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const uint8_t *tok;
	const char *name;
	size_t tlen;
	uint16_t ss, sflags, soff, slen;
	int outcome, ok;

	cur_init(&c, m, len);
	cur_skip(&c, SMB2_HDR_LEN);
	ss = cur_get_le16(&c);
	if ((h->flags & SMB2_FLAGS_RESPONSE) == 0) {
		cur_skip(&c, 10);
		soff = cur_get_le16(&c);
		slen = cur_get_le16(&c);
		if (c.err == 0 && ss == 25 &&
		    data_at(m, len, soff, slen, &tok, &tlen))
			(void)sec_token(ctx, "smb2", tok, tlen, 0);
		return;
	}
	ok = h->status == STATUS_SUCCESS ||
	    h->status == STATUS_MORE_PROCESSING;
	sflags = cur_get_le16(&c);
	soff = cur_get_le16(&c);
	slen = cur_get_le16(&c);
	/* a failure comes as an ERROR response (2.2.2): no buffer */
	if (c.err == 0 && ss == 9 && ok &&
	    data_at(m, len, soff, slen, &tok, &tlen))
		(void)sec_token(ctx, "smb2", tok, tlen, 0);
	if (h->status == STATUS_SUCCESS)
		outcome = AUTH_OK;
	else if (h->status == STATUS_MORE_PROCESSING)
		outcome = AUTH_CONTINUE;
	else
		outcome = AUTH_FAIL;
	auth_init(&a, "session_setup", outcome);
	add_status(&a, h->status);
	add_session(&a, "0x%016llx", h->session_id);
	if ((name = dialect_name(st->dialect)) != NULL)
		auth_add_str(&a, "dialect", name);
	if (h->status == STATUS_SUCCESS && c.err == 0 && ss == 9) {
		auth_add_bool(&a, "guest",
		    (sflags & SMB2_SESSION_IS_GUEST) != 0);
		auth_add_bool(&a, "anonymous",
		    (sflags & SMB2_SESSION_IS_NULL) != 0);
	}
	engine_emit_auth(ctx, "smb2", &a);
}

/*
 * TREE_CONNECT request (MS-SMB2 2.2.9): the share path, "\\server\share"
 * as the client wrote it. The response (2.2.10) says whether the tree is
 * a pipe share.
 */
static void
smb2_tree_connect(struct smb_state *st, struct dis_ctx *ctx,
    const uint8_t *m, size_t len, const struct smb2_hdr *h)
{
	struct auth_rec a;
	struct cur c;
	const uint8_t *path;
	size_t plen;
	uint16_t ss, poff, pl;
	uint8_t type;

	cur_init(&c, m, len);
	cur_skip(&c, SMB2_HDR_LEN);
	ss = cur_get_le16(&c);
	if (h->flags & SMB2_FLAGS_RESPONSE) {
		type = cur_get_u8(&c);
		if (c.err == 0 && ss == 16 && h->status == STATUS_SUCCESS &&
		    type == SMB2_SHARE_PIPE && !is_ipc_tree(st, h->tree_id)) {
			st->ipc_tree[st->n_ipc % SMB_IPC_TREES] = h->tree_id;
			st->n_ipc++;
			if (st->n_ipc >= 2 * SMB_IPC_TREES)
				st->n_ipc = SMB_IPC_TREES;
		}
		return;
	}
	cur_skip(&c, 2);
	poff = cur_get_le16(&c);
	pl = cur_get_le16(&c);
	if (c.err != 0 || ss != 9)
		return;
	auth_init(&a, "tree_connect", AUTH_NONE);
	if (data_at(m, len, poff, pl, &path, &plen))
		auth_add_utf16(&a, "path", path, plen);
	else
		auth_add_str(&a, "path", "");
	engine_emit_auth(ctx, "smb2", &a);
}

/*
 * CREATE (MS-SMB2 2.2.13, 2.2.14) on a pipe share: the request names
 * the pipe, the response gives its FileId; a "pipe_open" event.
 */
static void
smb2_create(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *m,
    size_t len, const struct smb2_hdr *h)
{
	struct auth_rec a;
	struct smb_pending *pd;
	struct cur c;
	const uint8_t *name, *fid;
	size_t nlen;
	uint16_t ss, noff, nl;
	unsigned i;

	cur_init(&c, m, len);
	cur_skip(&c, SMB2_HDR_LEN);
	ss = cur_get_le16(&c);
	if ((h->flags & SMB2_FLAGS_RESPONSE) == 0) {
		if (!is_ipc_tree(st, h->tree_id))
			return;
		cur_skip(&c, 42);
		noff = cur_get_le16(&c);
		nl = cur_get_le16(&c);
		if (c.err != 0 || ss != 57)
			return;
		pd = &st->pend[st->n_pend % SMB_PENDING];
		st->n_pend = (st->n_pend + 1) % SMB_PENDING;
		pd->used = 1;
		pd->msg_id = h->msg_id;
		pd->name[0] = '\0';
		if (data_at(m, len, noff, nl, &name, &nlen))
			utf16le_printable(pd->name, sizeof(pd->name), name,
			    nlen);
		return;
	}
	pd = NULL;
	for (i = 0; i < SMB_PENDING; i++)
		if (st->pend[i].used && st->pend[i].msg_id == h->msg_id)
			pd = &st->pend[i];
	if (pd == NULL)
		return;
	pd->used = 0;
	cur_skip(&c, 62);
	fid = cur_get_bytes(&c, 16);
	if (h->status == STATUS_SUCCESS && ss == 89 && fid != NULL &&
	    !is_pipe(st, fid)) {
		memcpy(st->pipe[st->n_pipe % SMB_PIPES], fid, 16);
		st->n_pipe++;
		if (st->n_pipe >= 2 * SMB_PIPES)
			st->n_pipe = SMB_PIPES;
	}
	auth_init(&a, "pipe_open", h->status == STATUS_SUCCESS ? AUTH_OK :
	    AUTH_FAIL);
	auth_add_str(&a, "pipe", pd->name);
	add_status(&a, h->status);
	engine_emit_auth(ctx, "smb2", &a);
}

/*
 * WRITE request (2.2.21), READ response (2.2.20), IOCTL request and
 * response with FSCTL_PIPE_TRANSCEIVE (2.2.31, 2.2.32): pipe data.
 */
static void
smb2_data(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *m,
    size_t len, const struct smb2_hdr *h)
{
	struct cur c;
	const uint8_t *fid, *d;
	size_t dlen;
	uint32_t off, n, ctl;
	uint16_t ss;
	int resp;

	resp = (h->flags & SMB2_FLAGS_RESPONSE) != 0;
	cur_init(&c, m, len);
	cur_skip(&c, SMB2_HDR_LEN);
	ss = cur_get_le16(&c);
	fid = NULL;
	switch (h->cmd) {
	case SMB2_WRITE:
		if (resp || ss != 49)
			return;
		off = cur_get_le16(&c);
		n = cur_get_le32(&c);
		cur_skip(&c, 8);
		fid = cur_get_bytes(&c, 16);
		break;
	case SMB2_READ:
		if (!resp || ss != 17)
			return;
		off = cur_get_u8(&c);
		cur_skip(&c, 1);
		n = cur_get_le32(&c);
		break;
	case SMB2_IOCTL:
		if (ss != (resp ? 49 : 57))
			return;
		cur_skip(&c, 2);
		ctl = cur_get_le32(&c);
		fid = cur_get_bytes(&c, 16);
		if (resp)
			cur_skip(&c, 8);	/* input offset, count */
		off = cur_get_le32(&c);
		n = cur_get_le32(&c);
		if (ctl != FSCTL_PIPE_TRANSCEIVE)
			return;
		break;
	default:
		return;
	}
	if (c.err != 0 || !data_at(m, len, off, n, &d, &dlen))
		return;
	pipe_data(st, ctx, fid, d, dlen);
}

/* One SMB2 message of a (compounded) record; *next_out: NextCommand. */
static void
smb2_msg(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *m,
    size_t len, uint32_t *next_out)
{
	struct smb2_hdr h;
	struct cur c;

	*next_out = 0;
	cur_init(&c, m, len);
	cur_skip(&c, 4);
	if (cur_get_le16(&c) != SMB2_HDR_LEN)
		return;
	cur_skip(&c, 2);
	h.status = cur_get_le32(&c);
	h.cmd = cur_get_le16(&c);
	cur_skip(&c, 2);
	h.flags = cur_get_le32(&c);
	h.next = cur_get_le32(&c);
	h.msg_id = cur_get_le64(&c);
	h.tree_id = 0;
	if (h.flags & SMB2_FLAGS_ASYNC)
		cur_skip(&c, 8);
	else {
		cur_skip(&c, 4);
		h.tree_id = cur_get_le32(&c);
	}
	h.session_id = cur_get_le64(&c);
	if (c.err != 0)
		return;
	*next_out = h.next;
	if (h.next != 0 && h.next < len)
		len = h.next;
	switch (h.cmd) {
	case SMB2_NEGOTIATE:
		smb2_negotiate(st, ctx, m, len, &h);
		break;
	case SMB2_SESSION_SETUP:
		smb2_session_setup(st, ctx, m, len, &h);
		break;
	case SMB2_TREE_CONNECT:
		smb2_tree_connect(st, ctx, m, len, &h);
		break;
	case SMB2_CREATE:
		smb2_create(st, ctx, m, len, &h);
		break;
	case SMB2_READ:
	case SMB2_WRITE:
	case SMB2_IOCTL:
		smb2_data(st, ctx, m, len, &h);
		break;
	default:
		break;
	}
}

/* An SMB2 record: messages chained by NextCommand (MS-SMB2 3.2.4.1.4). */
static void
smb2_record(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t len)
{
	size_t off;
	uint32_t next;
	int i;

	off = 0;
	for (i = 0; i < SMB_MAX_CHAIN && len - off >= SMB2_HDR_LEN; i++) {
		if (rec_kind(p + off, len - off) != REC_SMB2)
			break;
		smb2_msg(st, ctx, p + off, len - off, &next);
		if (next < SMB2_HDR_LEN || next >= len - off)
			break;
		off += next;
	}
}

/*
 * SMB1 (MS-CIFS 2.2.4.52, 2.2.4.53; MS-SMB 2.2.4.5, 2.2.4.6): NEGOTIATE
 * response with extended security, SESSION_SETUP_ANDX with a security
 * blob. Carrier "smb".
 */
static void
smb1_record(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t len)
{
	struct auth_rec a;
	struct cur c, w;
	const uint8_t *tok, *words;
	uint32_t status, caps;
	uint16_t flags2, uid, bc, blen, action;
	uint8_t cmd, flags, wc, mode;
	int outcome;

	(void)st;
	cur_init(&c, p, len);
	cur_skip(&c, 4);
	cmd = cur_get_u8(&c);
	status = cur_get_le32(&c);
	flags = cur_get_u8(&c);
	flags2 = cur_get_le16(&c);
	cur_skip(&c, 2 + 8 + 2 + 2 + 2);
	uid = cur_get_le16(&c);
	cur_skip(&c, 2);
	wc = cur_get_u8(&c);
	words = cur_get_bytes(&c, (size_t)wc * 2);
	bc = cur_get_le16(&c);
	if (c.err != 0)
		return;
	cur_init(&w, words, (size_t)wc * 2);
	if (cmd == SMB1_NEGOTIATE && (flags & SMB1_FLAGS_REPLY) && wc == 17) {
		cur_skip(&w, 2);
		mode = cur_get_u8(&w);
		cur_skip(&w, 16);
		caps = cur_get_le32(&w);
		auth_init(&a, "negotiate", AUTH_NONE);
		auth_add_str(&a, "dialect", "NT LM 0.12");
		auth_add_bool(&a, "signing_required",
		    (mode & SMB1_SIGNING_REQUIRED) != 0);
		engine_emit_auth(ctx, "smb", &a);
		if (((caps & SMB1_CAP_EXT_SEC) ||
		    (flags2 & SMB1_FLAGS2_EXT_SEC)) && bc > 16) {
			cur_skip(&c, 16);	/* ServerGUID */
			blen = (uint16_t)(bc - 16);
			if (blen > cur_left(&c))
				blen = (uint16_t)cur_left(&c);
			if ((tok = cur_get_bytes(&c, blen)) != NULL &&
			    blen > 0)
				(void)sec_token(ctx, "smb", tok, blen, 0);
		}
		return;
	}
	if (cmd != SMB1_SESSION_SETUP)
		return;
	if ((flags & SMB1_FLAGS_REPLY) == 0) {
		if (wc != 12)
			return;
		cur_skip(&w, 14);
		blen = cur_get_le16(&w);
		if (blen > bc)
			blen = bc;
		if (blen > cur_left(&c))
			blen = (uint16_t)cur_left(&c);
		if ((tok = cur_get_bytes(&c, blen)) != NULL && blen > 0)
			(void)sec_token(ctx, "smb", tok, blen, 0);
		return;
	}
	action = 0;
	if (wc == 4) {
		cur_skip(&w, 4);
		action = cur_get_le16(&w);
		blen = cur_get_le16(&w);
		if (blen > bc)
			blen = bc;
		if (blen > cur_left(&c))
			blen = (uint16_t)cur_left(&c);
		if ((tok = cur_get_bytes(&c, blen)) != NULL && blen > 0)
			(void)sec_token(ctx, "smb", tok, blen, 0);
	}
	if ((flags2 & SMB1_FLAGS2_NT_STATUS) == 0 && status != 0)
		outcome = AUTH_FAIL;	/* DOS error class and code */
	else if (status == STATUS_SUCCESS)
		outcome = AUTH_OK;
	else if (status == STATUS_MORE_PROCESSING)
		outcome = AUTH_CONTINUE;
	else
		outcome = AUTH_FAIL;
	auth_init(&a, "session_setup", outcome);
	add_status(&a, status);
	add_session(&a, "0x%04llx", uid);
	if (status == STATUS_SUCCESS && wc == 4)
		auth_add_bool(&a, "guest", (action & 0x0001) != 0);
	engine_emit_auth(ctx, "smb", &a);
}

/* One NetBIOS session message's payload (len of it buffered). */
static void
smb_record(struct smb_state *st, struct dis_ctx *ctx, const uint8_t *p,
    size_t len)
{
	struct auth_rec a;
	struct cur c;

	cur_init(&c, p, len);
	switch (rec_kind(p, len)) {
	case REC_SMB2:
		smb2_record(st, ctx, p, len);
		break;
	case REC_SMB1:
		smb1_record(st, ctx, p, len);
		break;
	case REC_TRANSFORM:
		if (!st->enc_seen) {
			st->enc_seen = 1;
			auth_init(&a, "encrypted", AUTH_NONE);
			auth_add_str(&a, "transform",
			    cur_peek_u8(&c, 0) == 0xfd ?
			    "encryption" : "compression");
			engine_emit_auth(ctx, "smb2", &a);
		}
		break;
	default:
		break;
	}
}

/* A NetBIOS session message, as smb_probe() wants. */
static int
smb_may_start(uint8_t b, int transport)
{
	return transport == TRANSPORT_TCP && b == NB_SESSION_MSG;
}

/* A session message with an SMB1, SMB2 or SMB3 transform header. */
static int
smb_probe(const uint8_t *p, size_t len, int transport)
{
	struct cur c;
	size_t reclen;

	if (transport != TRANSPORT_TCP || len < 8)
		return 0;
	cur_init(&c, p, len);
	if (cur_get_u8(&c) != NB_SESSION_MSG)
		return 0;
	if (rec_kind(p + 4, len - 4) == 0)
		return 0;
	reclen = cur_get_u8(&c);
	reclen = reclen << 16 | cur_get_be16(&c);
	return reclen >= SMB1_HDR_LEN;
}

static int
smb_feed(void *state, struct dis_ctx *ctx, const uint8_t *p, size_t len,
    size_t *used_out, size_t *need_out)
{
	struct smb_state *st = state;
	struct smb_dir *d;
	struct cur c;
	const uint8_t *r;
	size_t off, need, n, reclen, peek, want, limit;
	uint8_t type;

	*used_out = 0;
	*need_out = 0;
	d = &st->dir[ctx->dir != 0];
	limit = rec_limit(ctx->eng) - NB_HDR_LEN;
	off = 0;
	need = 0;
	while (off < len) {
		if (d->skip > 0) {
			n = len - off < d->skip ? len - off : d->skip;
			off += n;
			d->skip -= n;
			continue;
		}
		if (len - off < NB_HDR_LEN) {
			need = off + NB_HDR_LEN;
			break;
		}
		r = p + off;
		cur_init(&c, r, len - off);
		type = cur_get_u8(&c);
		reclen = cur_get_u8(&c);
		reclen = reclen << 16 | cur_get_be16(&c);
		if (type != NB_SESSION_MSG) {
			/* session request, responses, keepalive (139) */
			if (!d->resync && type >= 0x81 && type <= 0x85 &&
			    reclen <= 1024) {
				d->skip = NB_HDR_LEN + reclen;
				continue;
			}
			goto not_record;
		}
		if (reclen == 0 && !d->resync) {
			off += NB_HDR_LEN;
			continue;
		}
		if (len - off < NB_HDR_LEN + 4) {
			need = off + NB_HDR_LEN + 4;
			break;
		}
		if (reclen < 4 || rec_kind(r + NB_HDR_LEN, 4) == 0)
			goto not_record;
		d->resync = 0;
		d->counted = 0;
		peek = reclen < SMB_PEEK ? reclen : SMB_PEEK;
		if (len - off < NB_HDR_LEN + peek) {
			need = off + NB_HDR_LEN + peek;
			break;
		}
		want = smb_want(r + NB_HDR_LEN, peek, reclen);
		if (want > limit) {
			ctx->eng->st.dis_oversize++;
			want = peek;
		}
		if (len - off < NB_HDR_LEN + want) {
			need = off + NB_HDR_LEN + want;
			break;
		}
		smb_record(st, ctx, r + NB_HDR_LEN, want);
		off += NB_HDR_LEN + want;
		d->skip = reclen - want;
		continue;
not_record:
		/* not a record boundary: step a byte and look again */
		if (!d->resync || !d->counted)
			ctx->eng->st.dis_resyncs++;
		d->resync = 1;
		d->counted = 1;
		off++;
	}
	if (off > 0) {
		*used_out = off;
		return FEED_OK;
	}
	*need_out = need > len ? need : len + 1;
	return FEED_NEED;
}

static void
smb_gap(void *state, int dir)
{
	struct smb_state *st = state;
	struct smb_dir *d = &st->dir[dir != 0];

	d->skip = 0;
	d->resync = 1;
	d->counted = 0;
}

static void *
smb_state_new(void)
{
	return xcalloc(1, sizeof(struct smb_state));
}

static void
smb_state_free(void *state)
{
	free(state);
}
