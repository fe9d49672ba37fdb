/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_tds.c - the TDS carrier through a real engine: PRELOGIN both ways
 * with each ENCRYPTION value, LOGIN7 with Kerberos and NTLM SSPI blobs,
 * SSPI tokens, ERROR / LOGINACK / ENVCHANGE, framing across TCP segments
 * and packets, the ENCRYPT_OFF and ENCRYPT_ON conversations, TDS 8,
 * content probes, oversize messages and resynchronisation. Byte layouts
 * from MS-TDS 2.2.6 and 2.2.7 (examples in section 4).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dissector.h"
#include "engine.h"
#include "flow.h"
#include "record.h"
#include "tap.h"
#include "testnet.h"

#define C	"10.0.0.1"
#define S	"10.0.0.2"
#define CPORT	49800
#define MAX_AUTH	32

struct bb {
	uint8_t		 b[65536];
	size_t		 n;
};

struct conn {
	struct tn	 t;
	uint32_t	 cseq, sseq;
	uint16_t	 sport;
};

static void	bb_u8(struct bb *, unsigned);
static void	bb_be16(struct bb *, unsigned);
static void	bb_le16(struct bb *, unsigned);
static void	bb_le32(struct bb *, uint32_t);
static void	bb_bytes(struct bb *, const void *, size_t);
static void	bb_utf16(struct bb *, const char *);
static void	bb_set_le16(struct bb *, size_t, unsigned);
static size_t	unhex(uint8_t *, const char *);
static void	tds_msg(struct bb *, uint8_t, const uint8_t *, size_t,
		    size_t);
static void	prelogin_pl(struct bb *, unsigned, unsigned, unsigned, int,
		    const char *, int);
static void	login7_pl(struct bb *, const char *, const char *,
		    const char *, const char *, const char *, const char *,
		    int, const uint8_t *, size_t);
static void	tok_err(struct bb *, uint8_t, uint32_t, unsigned, unsigned,
		    const char *, const char *);
static void	tok_loginack(struct bb *, const char *, unsigned, unsigned,
		    unsigned);
static void	tok_env(struct bb *, unsigned, const char *, const char *);
static void	tok_done(struct bb *);
static void	tok_sspi(struct bb *, const uint8_t *, size_t);
static void	tls_rec(struct bb *, uint8_t, size_t);
static void	ntlm_challenge(struct bb *);
static void	auth_sink(void *, const struct msg_ctx *,
		    const struct auth_rec *);
static void	krb_sink(void *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	ntlm_sink(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static const struct auth_rec *find_auth(const char *, unsigned);
static unsigned	count_auth(const char *);
static const char *fstr(const struct auth_rec *, const char *);
static long long fint(const struct auth_rec *, const char *);
static int	no_secret(void);
static void	conn_open(struct conn *, uint16_t);
static void	cli(struct conn *, const void *, size_t);
static void	srv(struct conn *, const void *, size_t);
static void	cli_split(struct conn *, const void *, size_t, size_t);
static void	do_prelogin(struct conn *, int, int);
static void	test_prelogin(void);
static void	test_login7_krb(void);
static void	test_login7_ntlm(void);
static void	test_error(void);
static void	test_loginack(void);
static void	test_one_byte_segments(void);
static void	test_three_packets(void);
static void	test_spanning(void);
static void	test_encrypt_off(void);
static void	test_encrypt_on(void);
static void	test_strict(void);
static void	test_probe(void);
static void	test_oversize(void);
static void	test_resync(void);
static void	test_after_login(void);

/*
 * SPNEGO NegTokenInit with a Kerberos AP-REQ for
 * cifs/EDISK03A.housing.hksarg@HOUSING.HKSARG: the SMB session setup
 * security blob of frame 7 of zeek/zeek Traces/krb/smb_gssapi.pcap
 * (tshark -T fields -e smb.security_blob).
 */
static const char apreq_hex[] =
	"6082056b06062b0601050502a082055f3082055ba019301706092a864882f712"
	"010202060a2b06010401823702020aa282053c048205386082053406092a8648"
	"86f71201020201006e8205233082051fa003020105a10302010ea20703050020"
	"000000a3820447618204433082043fa003020105a1101b0e484f5553494e472e"
	"484b53415247a22a3028a003020102a121301f1b04636966731b17454449534b"
	"3033412e686f7573696e672e686b73617267a38203f8308203f4a003020117a2"
	"8203eb048203e7ff4e7b1f822fcb0fa5e5bc6afe5ea7d409601522b2bf9917d9"
	"fcb9167dd98c640199401ff7bb6c2b566ec189067b3981b8c201bca247c86872"
	"04039c57ad02f517ddb9d1c74f25e9f2fb1e126d6b08c88e8d2b584f6f0a3bdc"
	"da0a7a309cc448a581d69ecec490332be217d8a48fa132aa8c64a4a45c08de2e"
	"faaf2d02b71fb6cccb4ab0aab7370b565df04eb30dd8c2654226367eca71359c"
	"c3f0e000c9c9cb46332954c1c80d2cbcdb66fe6c3c6bd8a1a08ec8912fa7a4ca"
	"6fdaa81d4457a06fe891fa641f407f7a41c61e7aa45289146a48dfb7fa9af3f0"
	"f4ccdc90e9be34677a4ac206edfc847ee58783a74941f090a81832e9b93a200f"
	"9ef44fa6fcdbf42d00a8968a99f2ee6d5ac6cb1ff10cf5a27b3b0152bd5b8c60"
	"c6a444cbf50eff6ab79ba6fa00c320d9ae42557184a31e3e40c89a0092d344ba"
	"2d5e45c4d8bdf7b20d5a568d022ae2da9c73a9410a7cfe939e419577989b41a4"
	"83af5e047e0adb9ce431184ed8737a32330b156f7d738ef49a17e9aac1cd957f"
	"a17335c638659ccd48260af5da67d8aa8b16134600cf4427bdafb863e7aed64f"
	"2f2c41fd8102b06ec4f4a0da95db5756a77fc3cb3669be483ef6a9af67ddefe3"
	"8f1289429ea5bc9242440ba5f4f8d6d6b4fb096502cb81f3029f797e703905c8"
	"6bb50658377fa492774d0d918d9e559721e52492092b4e4e87512f5afed03c79"
	"f69c50feeb6d173b38c20a7a7e7ac45520a48eaca785f9f2fff7c0dc37eb6177"
	"73619a006a4fa3c8918c712199719413f817babd260c225cd16ce1d0afcef706"
	"91f1f5dccac19f9795e35d66cb97cf01f3643e716b91ef5d51ea039b1c6d2e55"
	"2d8ea30e4895835db82207761ff7cf5f45f013e10a3ed8242beb5f14ad7e2a9a"
	"82434a26035a4330526e7f648ee79cbf67c8a8a5f3da5a4fbd0fe4c5f1cf4ada"
	"05cec4ba3d0107f308ae3d3d94b9e3c57817ba866b7ed275e0022dcf21cc6407"
	"7975dcd43f417e4c6242c46f3d9291b02f5c8a65cd4564361d4fc54afee8a6ae"
	"2f7151be04c0a65487e31666694afd8dfab31c5401ec9fefa754e037413486de"
	"75b53333ebfebb3bee9341100e7c68fa29881d9f95ea5556c162dfce6f225c17"
	"8c07a57949169d8fe545f7dea89afd99f7f84a9028bff4abe1401592d5ecb620"
	"99d261f191af912128b559e6c7748d045d07d0b90f148b5e314edc2ad59626f6"
	"92a20a7eb07c01ca84806314cc2ab4f93d09a0a22f2084cbc5fb5932bbc6f5bf"
	"efa40b0ff51d7f744c71626dae6ce36037d2459a473ac2cf56f8726a92f16d51"
	"db70f5542e3a2b257fb7e69eb3a95a4dda8d8bcc831a8d9ac7ea1b4d61cf9700"
	"a1785fecb66af21c238c32e05279b72bb06e021e5f5f62d962a84857eddd5a73"
	"3fbd80e85da9a8bf6b3d55c10eaba481be3081bba003020117a281b30481b0e8"
	"0fca45fe4b7e548f2328c18ff2945603b76d2556a6cc1f51399816d6e13a6edd"
	"d5141d32bed316367806af9d5cb8f03cef6fe5ca3493307dcac03a1b78b3778c"
	"f71ea24c3fa1334b20e7893ac450857f29bc22b3e51f046d197d640b9bc02673"
	"4cd4d5afe92c9639229da6e0517a3e758203a86738393daf825b4d5e9c043072"
	"73fdd8a5162a66da88be63be29527d8504e48ee0e5c7349f87d74a830940442b"
	"80923dd50b0b6fb651ae1178bd91b7";

/* NTLMSSP NEGOTIATE (flags 0x00000207) of zeek Traces/ldap/sasl-ntlm */
static const char ntlm_neg_hex[] =
	"4e544c4d53535000010000000702000000000000200000000000000020000000";

static const char msg_18456[] =
	"Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'.";
static const char msg_18452[] =
	"Login failed. The login is from an untrusted domain and cannot be "
	"used with Integrated authentication.";

static struct {
	unsigned	 n_auth;
	struct auth_rec	 auth[MAX_AUTH];
	char		 auth_carrier[MAX_AUTH][16];
	unsigned	 n_krb;
	int		 krb_type;
	char		 krb_carrier[16];
	char		 krb_realm[KRB_REALM_MAX];
	char		 krb_sname[KRB_NAME_MAX];
	unsigned	 n_ntlm;
	int		 ntlm_type;
	char		 ntlm_carrier[16];
	char		 ntlm_target[NTLM_STR_MAX];
} seen;

static struct bb	 a, b, m;

static void
bb_u8(struct bb *x, unsigned v)
{
	if (x->n < sizeof(x->b))
		x->b[x->n++] = (uint8_t)v;
}

static void
bb_be16(struct bb *x, unsigned v)
{
	bb_u8(x, v >> 8);
	bb_u8(x, v);
}

static void
bb_le16(struct bb *x, unsigned v)
{
	bb_u8(x, v);
	bb_u8(x, v >> 8);
}

static void
bb_le32(struct bb *x, uint32_t v)
{
	bb_le16(x, v & 0xffff);
	bb_le16(x, v >> 16);
}

static void
bb_bytes(struct bb *x, const void *p, size_t n)
{
	if (n > sizeof(x->b) - x->n)
		n = sizeof(x->b) - x->n;
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

static void
bb_utf16(struct bb *x, const char *s)
{
	for (; *s != '\0'; s++)
		bb_le16(x, (unsigned char)*s);
}

static void
bb_set_le16(struct bb *x, size_t at, unsigned v)
{
	x->b[at] = (uint8_t)v;
	x->b[at + 1] = (uint8_t)(v >> 8);
}

static size_t
unhex(uint8_t *out, const char *h)
{
	size_t n;
	unsigned v;

	for (n = 0; h[0] != '\0' && h[1] != '\0'; h += 2) {
		sscanf(h, "%2x", &v);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Appends a message as packets of at most maxpl payload bytes. */
static void
tds_msg(struct bb *x, uint8_t type, const uint8_t *pl, size_t n,
    size_t maxpl)
{
	size_t k;
	uint8_t id;

	id = 1;
	do {
		k = n < maxpl ? n : maxpl;
		bb_u8(x, type);
		bb_u8(x, k == n ? 0x01 : 0x00);
		bb_be16(x, (unsigned)(8 + k));
		bb_be16(x, 0);		/* SPID */
		bb_u8(x, id++);
		bb_u8(x, 0);		/* window */
		bb_bytes(x, pl, k);
		pl += k;
		n -= k;
	} while (n > 0);
}

/* PRELOGIN option table (MS-TDS 2.2.6.5), as in example 4.1. */
static void
prelogin_pl(struct bb *x, unsigned major, unsigned minor, unsigned build,
    int enc, const char *instance, int mars)
{
	size_t inst_len;
	unsigned o;

	inst_len = instance != NULL ? strlen(instance) + 1 : 1;
	x->n = 0;
	o = 5 * 5 + 1;
	bb_u8(x, 0x00); bb_be16(x, o); bb_be16(x, 6);
	o += 6;
	bb_u8(x, 0x01); bb_be16(x, o); bb_be16(x, 1);
	o += 1;
	bb_u8(x, 0x02); bb_be16(x, o); bb_be16(x, (unsigned)inst_len);
	o += (unsigned)inst_len;
	bb_u8(x, 0x03); bb_be16(x, o); bb_be16(x, 4);
	o += 4;
	bb_u8(x, 0x04); bb_be16(x, o); bb_be16(x, 1);
	bb_u8(x, 0xff);
	bb_u8(x, major);
	bb_u8(x, minor);
	bb_be16(x, build);
	bb_be16(x, 0);			/* sub-build */
	bb_u8(x, (unsigned)enc);
	if (instance != NULL)
		bb_bytes(x, instance, strlen(instance));
	bb_u8(x, 0);
	bb_le32(x, 0xdb8);		/* thread id */
	bb_u8(x, (unsigned)mars);
}

/* LOGIN7 (MS-TDS 2.2.6.4), TDS 7.4, with a scrambled password. */
static void
login7_pl(struct bb *x, const char *host, const char *user,
    const char *app, const char *server, const char *lib, const char *db,
    int intsec, const uint8_t *sspi, size_t sspi_len)
{
	static const char pw[] = "Secr3t!";
	const char *str[9];
	size_t i, k, at;
	unsigned o, ch;

	str[0] = host; str[1] = user; str[2] = pw; str[3] = app;
	str[4] = server; str[5] = ""; str[6] = lib; str[7] = "us_english";
	str[8] = db;
	x->n = 0;
	bb_le32(x, 0);			/* Length, set below */
	bb_le32(x, 0x74000004);		/* TDSVersion 7.4 */
	bb_le32(x, 4096);		/* PacketSize */
	bb_le32(x, 0x07000000);		/* ClientProgVer */
	bb_le32(x, 4242);		/* ClientPID */
	bb_le32(x, 0);			/* ConnectionID */
	bb_u8(x, 0xe0);			/* OptionFlags1 */
	bb_u8(x, intsec ? 0x83 : 0x03);	/* OptionFlags2 */
	bb_u8(x, 0);			/* TypeFlags */
	bb_u8(x, 0);			/* OptionFlags3 */
	bb_le32(x, 0xffffff88);		/* ClientTimeZone */
	bb_le32(x, 0x0409);		/* ClientLCID */
	o = 94;
	for (i = 0; i < 9; i++) {
		bb_le16(x, o);
		bb_le16(x, (unsigned)strlen(str[i]));
		o += 2 * (unsigned)strlen(str[i]);
	}
	bb_bytes(x, "\x00\x50\x8b\xe3\xb7\x8f", 6);	/* ClientID */
	bb_le16(x, o);			/* ibSSPI */
	bb_le16(x, sspi_len >= 0xffff ? 0xffff : (unsigned)sspi_len);
	bb_le16(x, o + (unsigned)sspi_len);	/* AtchDBFile */
	bb_le16(x, 0);
	bb_le16(x, o + (unsigned)sspi_len);	/* ChangePassword */
	bb_le16(x, 0);
	bb_le32(x, sspi_len >= 0xffff ? (uint32_t)sspi_len : 0);
	for (i = 0; i < 9; i++) {
		if (i != 2) {
			bb_utf16(x, str[i]);
			continue;
		}
		for (k = 0; str[i][k] != '\0'; k++) {
			ch = (unsigned char)str[i][k];
			ch = ((ch << 4 | ch >> 4) & 0xff) ^ 0xa5;
			bb_u8(x, ch);
			bb_u8(x, 0xa5);
		}
	}
	bb_bytes(x, sspi, sspi_len);
	at = 0;
	bb_set_le16(x, at, (unsigned)x->n);
}

/* ERROR (0xAA) or INFO (0xAB) token (MS-TDS 2.2.7.10, 2.2.7.13). */
static void
tok_err(struct bb *x, uint8_t tok, uint32_t number, unsigned state,
    unsigned class, const char *msg, const char *server)
{
	size_t at;

	bb_u8(x, tok);
	at = x->n;
	bb_le16(x, 0);
	bb_le32(x, number);
	bb_u8(x, state);
	bb_u8(x, class);
	bb_le16(x, (unsigned)strlen(msg));
	bb_utf16(x, msg);
	bb_u8(x, (unsigned)strlen(server));
	bb_utf16(x, server);
	bb_u8(x, 0);			/* ProcName */
	bb_le32(x, 1);			/* LineNumber */
	bb_set_le16(x, at, (unsigned)(x->n - at - 2));
}

/* LOGINACK (MS-TDS 2.2.7.14), TDS 7.4. */
static void
tok_loginack(struct bb *x, const char *prog, unsigned major,
    unsigned minor, unsigned build)
{
	size_t at;

	bb_u8(x, 0xad);
	at = x->n;
	bb_le16(x, 0);
	bb_u8(x, 1);			/* SQL_TSQL */
	bb_u8(x, 0x74); bb_u8(x, 0); bb_u8(x, 0); bb_u8(x, 4);
	bb_u8(x, (unsigned)strlen(prog));
	bb_utf16(x, prog);
	bb_u8(x, major);
	bb_u8(x, minor);
	bb_u8(x, build >> 8);
	bb_u8(x, build & 0xff);
	bb_set_le16(x, at, (unsigned)(x->n - at - 2));
}

/* ENVCHANGE (MS-TDS 2.2.7.9) with B_VARCHAR values. */
static void
tok_env(struct bb *x, unsigned type, const char *nv, const char *ov)
{
	size_t at;

	bb_u8(x, 0xe3);
	at = x->n;
	bb_le16(x, 0);
	bb_u8(x, type);
	bb_u8(x, (unsigned)strlen(nv));
	bb_utf16(x, nv);
	bb_u8(x, (unsigned)strlen(ov));
	bb_utf16(x, ov);
	bb_set_le16(x, at, (unsigned)(x->n - at - 2));
}

/* DONE (MS-TDS 2.2.7.6), TDS 7.2 and later: 12 bytes. */
static void
tok_done(struct bb *x)
{
	bb_u8(x, 0xfd);
	bb_le16(x, 0);
	bb_le16(x, 0);
	bb_le32(x, 0);
	bb_le32(x, 0);
}

static void
tok_sspi(struct bb *x, const uint8_t *p, size_t n)
{
	bb_u8(x, 0xed);
	bb_le16(x, (unsigned)n);
	bb_bytes(x, p, n);
}

/* A TLS 1.2 record of len bytes of filler. */
static void
tls_rec(struct bb *x, uint8_t type, size_t len)
{
	size_t i;

	bb_u8(x, type);
	bb_u8(x, 0x03);
	bb_u8(x, 0x03);
	bb_be16(x, (unsigned)len);
	for (i = 0; i < len; i++)
		bb_u8(x, (unsigned)(i * 7 + 0x11));
}

/* NTLMSSP CHALLENGE (MS-NLMP 2.2.1.2) from CONTOSO / SQL01. */
static void
ntlm_challenge(struct bb *x)
{
	size_t ti;

	x->n = 0;
	bb_bytes(x, "NTLMSSP", 8);
	bb_le32(x, 2);
	bb_le16(x, 14); bb_le16(x, 14); bb_le32(x, 56);	/* TargetName */
	bb_le32(x, 0xe2898215);
	bb_bytes(x, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	bb_bytes(x, "\0\0\0\0\0\0\0\0", 8);
	ti = x->n;
	bb_le16(x, 0); bb_le16(x, 0); bb_le32(x, 70);	/* TargetInfo */
	bb_bytes(x, "\x0a\x00\x63\x45\x00\x00\x00\x0f", 8);	/* Version */
	bb_utf16(x, "CONTOSO");
	bb_le16(x, 2); bb_le16(x, 14); bb_utf16(x, "CONTOSO");
	bb_le16(x, 1); bb_le16(x, 10); bb_utf16(x, "SQL01");
	bb_le16(x, 0); bb_le16(x, 0);
	bb_set_le16(x, ti, (unsigned)(x->n - 70));
	bb_set_le16(x, ti + 2, (unsigned)(x->n - 70));
}

static void
auth_sink(void *arg, const struct msg_ctx *mc, const struct auth_rec *r)
{
	(void)arg;
	if (seen.n_auth == MAX_AUTH)
		return;
	seen.auth[seen.n_auth] = *r;
	snprintf(seen.auth_carrier[seen.n_auth], 16, "%s", mc->carrier);
	seen.n_auth++;
}

static void
krb_sink(void *arg, const struct msg_ctx *mc, const struct krb_msg *k)
{
	(void)arg;
	seen.n_krb++;
	seen.krb_type = k->msg_type;
	snprintf(seen.krb_carrier, sizeof(seen.krb_carrier), "%s",
	    mc->carrier);
	snprintf(seen.krb_realm, sizeof(seen.krb_realm), "%s",
	    k->ticket.realm);
	snprintf(seen.krb_sname, sizeof(seen.krb_sname), "%s",
	    k->ticket.sname);
}

static void
ntlm_sink(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *n)
{
	(void)arg;
	seen.n_ntlm++;
	seen.ntlm_type = n->msg_type;
	snprintf(seen.ntlm_carrier, sizeof(seen.ntlm_carrier), "%s",
	    mc->carrier);
	snprintf(seen.ntlm_target, sizeof(seen.ntlm_target), "%s",
	    n->target_name);
}

/* The k-th (0-based) event of that name, or NULL. */
static const struct auth_rec *
find_auth(const char *event, unsigned k)
{
	unsigned i;

	for (i = 0; i < seen.n_auth; i++)
		if (strcmp(seen.auth[i].event, event) == 0 && k-- == 0)
			return &seen.auth[i];
	return NULL;
}

static unsigned
count_auth(const char *event)
{
	unsigned i, n;

	for (n = 0, i = 0; i < seen.n_auth; i++)
		n += strcmp(seen.auth[i].event, event) == 0;
	return n;
}

static const char *
fstr(const struct auth_rec *r, const char *key)
{
	int i;

	if (r == NULL)
		return NULL;
	for (i = 0; i < r->n_fields; i++)
		if (strcmp(r->f[i].key, key) == 0 &&
		    r->f[i].kind == AUTH_F_STR)
			return r->f[i].sval;
	return NULL;
}

static long long
fint(const struct auth_rec *r, const char *key)
{
	int i;

	if (r == NULL)
		return -999;
	for (i = 0; i < r->n_fields; i++)
		if (strcmp(r->f[i].key, key) == 0 &&
		    r->f[i].kind != AUTH_F_STR)
			return r->f[i].ival;
	return -999;
}

/* No field of any event shows the password. */
static int
no_secret(void)
{
	unsigned i;
	int k;

	for (i = 0; i < seen.n_auth; i++)
		for (k = 0; k < seen.auth[i].n_fields; k++)
			if (strstr(seen.auth[i].f[k].sval, "Secr3t") != NULL ||
			    strstr(seen.auth[i].f[k].sval, "\\xa5") != NULL)
				return 0;
	return 1;
}

static void
conn_open(struct conn *c, uint16_t sport)
{
	struct engine_ops ops;

	memset(&seen, 0, sizeof(seen));
	tn_init(&c->t);
	memset(&ops, 0, sizeof(ops));
	ops.auth = auth_sink;
	ops.krb = krb_sink;
	ops.ntlm = ntlm_sink;
	c->t.eng.ops = ops;
	c->sport = sport;
	c->cseq = 1000;
	c->sseq = 90000;
	tn_tcp4(&c->t, C, CPORT, S, sport, c->cseq++, TH_SYN, NULL, 0);
	tn_tcp4(&c->t, S, sport, C, CPORT, c->sseq++, TH_SYN | TH_ACK,
	    NULL, 0);
	tn_tcp4(&c->t, C, CPORT, S, sport, c->cseq, TH_ACK, NULL, 0);
}

static void
cli(struct conn *c, const void *p, size_t n)
{
	tn_tcp4(&c->t, C, CPORT, S, c->sport, c->cseq, TH_ACK, p, n);
	c->cseq += (uint32_t)n;
}

static void
srv(struct conn *c, const void *p, size_t n)
{
	tn_tcp4(&c->t, S, c->sport, C, CPORT, c->sseq, TH_ACK, p, n);
	c->sseq += (uint32_t)n;
}

static void
cli_split(struct conn *c, const void *p, size_t n, size_t seg)
{
	const uint8_t *q = p;
	size_t k;

	while (n > 0) {
		k = n < seg ? n : seg;
		cli(c, q, k);
		q += k;
		n -= k;
	}
}

/* Client and server PRELOGIN with the given ENCRYPTION values. */
static void
do_prelogin(struct conn *c, int cenc, int senc)
{
	prelogin_pl(&a, 9, 0, 0, cenc, "MSSQLSERVER", 0);
	m.n = 0;
	tds_msg(&m, 0x12, a.b, a.n, 4088);
	cli(c, m.b, m.n);
	prelogin_pl(&a, 16, 0, 1000, senc, NULL, 0);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(c, m.b, m.n);
}

static void
test_prelogin(void)
{
	static const char *names[4] = { "OFF", "ON", "NOT_SUP", "REQ" };
	const struct auth_rec *r;
	struct conn c;
	char what[64];
	int e;

	for (e = 0; e < 4; e++) {
		conn_open(&c, 1433);
		do_prelogin(&c, e, e);
		snprintf(what, sizeof(what), "prelogin %s: two events",
		    names[e]);
		is_int(count_auth("prelogin"), 2, what);
		r = find_auth("prelogin", 0);
		snprintf(what, sizeof(what), "prelogin %s: client encryption",
		    names[e]);
		is_str(fstr(r, "encryption"), names[e], what);
		snprintf(what, sizeof(what), "prelogin %s: server encryption",
		    names[e]);
		is_str(fstr(find_auth("prelogin", 1), "encryption"), names[e],
		    what);
		snprintf(what, sizeof(what), "prelogin %s: encrypted event",
		    names[e]);
		is_int(count_auth("encrypted"), e == 1 || e == 3, what);
		if (e == 0) {
			is_str(fstr(r, "version"), "9.0.0",
			    "prelogin: client version");
			is_str(fstr(r, "instance"), "MSSQLSERVER",
			    "prelogin: instance");
			is_int(fint(r, "mars"), 0, "prelogin: mars off");
			is_str(seen.auth_carrier[0], "tds",
			    "prelogin: carrier tds");
			r = find_auth("prelogin", 1);
			is_str(fstr(r, "version"), "16.0.1000",
			    "prelogin: server version");
			ok(fstr(r, "instance") == NULL,
			    "prelogin: no instance from the server");
			is_int(r->outcome, AUTH_NONE,
			    "prelogin: no outcome");
		}
		if (e == 3)
			is_str(fstr(find_auth("encrypted", 0), "encryption"),
			    "REQ", "prelogin REQ: encrypted says REQ");
		tn_fini(&c.t);
	}
}

static void
test_login7_krb(void)
{
	static uint8_t blob[2048];
	const struct auth_rec *r;
	struct conn c;
	size_t n;

	n = unhex(blob, apreq_hex);
	is_int(n, 1391, "krb: the SPNEGO blob is 1391 bytes");
	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	login7_pl(&a, "WS01", "", "SQLCMD", "sql01.housing.hksarg",
	    "ODBC", "master", 1, blob, n);
	m.n = 0;
	tds_msg(&m, 0x10, a.b, a.n, 4088);
	cli(&c, m.b, m.n);
	r = find_auth("login7", 0);
	ok(r != NULL, "login7: event");
	is_str(fstr(r, "client_host"), "WS01", "login7: client_host");
	is_str(fstr(r, "user"), "", "login7: user empty");
	is_str(fstr(r, "app"), "SQLCMD", "login7: app");
	is_str(fstr(r, "server_name"), "sql01.housing.hksarg",
	    "login7: server_name");
	is_str(fstr(r, "library"), "ODBC", "login7: library");
	is_str(fstr(r, "database"), "master", "login7: database");
	is_int(fint(r, "int_security"), 1, "login7: int_security");
	is_str(fstr(r, "tds_version"), "7.4", "login7: tds_version");
	ok(no_secret(), "login7: the password is nowhere");
	is_int(seen.n_krb, 1, "login7: one Kerberos message");
	is_int(seen.krb_type, 14, "login7: it is an AP-REQ");
	is_str(seen.krb_carrier, "tds", "login7: carrier tds");
	is_str(seen.krb_realm, "HOUSING.HKSARG", "login7: ticket realm");
	is_str(seen.krb_sname, "cifs/EDISK03A.housing.hksarg",
	    "login7: ticket sname");
	tn_fini(&c.t);
}

static void
test_login7_ntlm(void)
{
	static uint8_t blob[64];
	const struct auth_rec *r;
	struct conn c;
	size_t n;

	n = unhex(blob, ntlm_neg_hex);
	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	login7_pl(&a, "WS02", "", "app", "sql01", "Core .Net SqlClient",
	    "", 1, blob, n);
	m.n = 0;
	tds_msg(&m, 0x10, a.b, a.n, 4088);
	cli(&c, m.b, m.n);
	r = find_auth("login7", 0);
	is_str(fstr(r, "library"), "Core .Net SqlClient",
	    "ntlm: login7 library");
	is_str(fstr(r, "database"), "", "ntlm: login7 database empty");
	is_int(seen.n_ntlm, 1, "ntlm: NEGOTIATE decoded");
	is_int(seen.ntlm_type, 1, "ntlm: type NEGOTIATE");
	is_str(seen.ntlm_carrier, "tds", "ntlm: carrier tds");
	/* the server answers with an SSPI token: the CHALLENGE */
	ntlm_challenge(&b);
	a.n = 0;
	tok_sspi(&a, b.b, b.n);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(seen.n_ntlm, 2, "ntlm: CHALLENGE decoded");
	is_int(seen.ntlm_type, 2, "ntlm: type CHALLENGE");
	is_str(seen.ntlm_target, "CONTOSO", "ntlm: target name");
	/* the client's AUTHENTICATE travels in an SSPI message (0x11) */
	m.n = 0;
	tds_msg(&m, 0x11, blob, n, 4088);
	cli(&c, m.b, m.n);
	is_int(seen.n_ntlm, 3, "ntlm: SSPI message decoded");
	/* some clients send that leg as a LOGIN7 packet (0x10) */
	m.n = 0;
	tds_msg(&m, 0x10, blob, n, 4088);
	cli(&c, m.b, m.n);
	is_int(seen.n_ntlm, 4, "ntlm: SSPI leg in a LOGIN7 packet");
	is_int(count_auth("login7"), 1, "ntlm: not taken for a login7");
	tn_fini(&c.t);
}

static void
test_error(void)
{
	const struct auth_rec *r;
	struct conn c;

	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	a.n = 0;
	tok_env(&a, 1, "master", "");
	tok_err(&a, 0xab, 5701, 2, 0, "Changed database context.", "SQL01");
	tok_err(&a, 0xaa, 18456, 1, 14, msg_18456, "SQL01");
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(count_auth("result"), 1, "error: one result (INFO skipped)");
	r = find_auth("result", 0);
	is_int(r != NULL ? r->outcome : -1, AUTH_FAIL, "error: outcome fail");
	is_int(fint(r, "number"), 18456, "error: number");
	is_int(fint(r, "state"), 1, "error: state");
	is_int(fint(r, "class"), 14, "error: class");
	is_str(fstr(r, "message"),
	    "Login failed for user 'NT AUTHORITY\\ANONYMOUS LOGON'.",
	    "error: message as SQL Server wrote it");
	is_str(fstr(r, "server"), "SQL01", "error: server");
	r = find_auth("envchange", 0);
	is_str(fstr(r, "change"), "database", "error: envchange database");
	is_str(fstr(r, "value"), "master", "error: envchange value");
	/* 18452 in a second message */
	a.n = 0;
	tok_err(&a, 0xaa, 18452, 1, 14, msg_18452, "SQL01");
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	r = find_auth("result", 1);
	is_int(fint(r, "number"), 18452, "error: 18452");
	is_str(fstr(r, "message"), msg_18452, "error: 18452 message");
	tn_fini(&c.t);
}

static void
test_loginack(void)
{
	const struct auth_rec *r;
	struct conn c;

	conn_open(&c, 1433);
	do_prelogin(&c, 0, 0);
	a.n = 0;
	tok_env(&a, 1, "sales", "master");
	tok_loginack(&a, "Microsoft SQL Server", 16, 0, 1000);
	tok_env(&a, 4, "8000", "4096");
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	r = find_auth("result", 0);
	is_int(r != NULL ? r->outcome : -1, AUTH_OK, "loginack: outcome ok");
	is_str(fstr(r, "tds_version"), "7.4", "loginack: tds_version");
	is_str(fstr(r, "program"), "Microsoft SQL Server",
	    "loginack: program");
	is_str(fstr(r, "program_version"), "16.0.1000",
	    "loginack: program_version");
	is_int(count_auth("envchange"), 2, "loginack: two envchanges");
	r = find_auth("envchange", 1);
	is_str(fstr(r, "change"), "packet_size", "loginack: packet size");
	is_str(fstr(r, "value"), "8000", "loginack: new packet size");
	is_str(fstr(r, "old_value"), "4096", "loginack: old packet size");
	tn_fini(&c.t);
}

static void
test_one_byte_segments(void)
{
	struct conn c;

	conn_open(&c, 1433);
	prelogin_pl(&a, 15, 0, 2000, 0, "SQLEXPRESS", 1);
	m.n = 0;
	tds_msg(&m, 0x12, a.b, a.n, 4088);
	cli_split(&c, m.b, m.n, 1);
	is_int(count_auth("prelogin"), 1, "1-byte segments: prelogin");
	is_str(fstr(find_auth("prelogin", 0), "instance"), "SQLEXPRESS",
	    "1-byte segments: instance");
	is_int(fint(find_auth("prelogin", 0), "mars"), 1,
	    "1-byte segments: mars on");
	is_int(c.t.eng.st.dis_resyncs, 0, "1-byte segments: no resync");
	tn_fini(&c.t);
}

static void
test_three_packets(void)
{
	struct conn c;

	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	m.n = 0;
	a.n = 0;
	tok_env(&a, 1, "tempdb", "master");
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	a.n = 0;
	tok_err(&a, 0xaa, 18456, 1, 14, msg_18456, "SQL01");
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	a.n = 0;
	tok_err(&a, 0xaa, 18452, 1, 14, msg_18452, "SQL01");
	tok_done(&a);
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(count_auth("envchange"), 1, "3 packets: envchange");
	is_int(count_auth("result"), 2, "3 packets: two results");
	is_int(fint(find_auth("result", 0), "number"), 18456,
	    "3 packets: first 18456");
	is_int(fint(find_auth("result", 1), "number"), 18452,
	    "3 packets: then 18452");
	tn_fini(&c.t);
}

static void
test_spanning(void)
{
	static uint8_t blob[2048];
	struct conn c;
	size_t n;

	n = unhex(blob, apreq_hex);
	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	login7_pl(&a, "WS03", "", "span", "sql01", "ODBC", "db1", 1,
	    blob, n);
	m.n = 0;
	tds_msg(&m, 0x10, a.b, a.n, 1000);
	is_int(m.n, a.n + 16, "span: two packets");
	cli_split(&c, m.b, m.n, 700);
	is_str(fstr(find_auth("login7", 0), "app"), "span",
	    "span: login7 decoded");
	is_int(seen.n_krb, 1, "span: AP-REQ decoded");
	is_str(seen.krb_sname, "cifs/EDISK03A.housing.hksarg",
	    "span: AP-REQ sname");
	tn_fini(&c.t);
}

static void
test_encrypt_off(void)
{
	const struct auth_rec *r;
	struct conn c;

	conn_open(&c, 1433);
	do_prelogin(&c, 0, 0);
	/* TLS handshake inside PRELOGIN packets */
	b.n = 0;
	tls_rec(&b, 0x16, 200);			/* ClientHello */
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 4088);
	cli(&c, m.b, m.n);
	b.n = 0;
	tls_rec(&b, 0x16, 3000);		/* ServerHello .. Done */
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 2000);	/* two packets */
	srv(&c, m.b, m.n);
	b.n = 0;
	tls_rec(&b, 0x16, 262);
	tls_rec(&b, 0x14, 1);
	tls_rec(&b, 0x16, 40);
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 4088);
	cli(&c, m.b, m.n);
	b.n = 0;
	tls_rec(&b, 0x14, 1);
	tls_rec(&b, 0x16, 40);
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 4088);
	srv(&c, m.b, m.n);
	is_int(c.t.eng.st.tls_skipped, 4, "encrypt off: 4 TLS packets");
	/* the Login7, bare TLS application data, in two segments */
	b.n = 0;
	tls_rec(&b, 0x17, 500);
	cli_split(&c, b.b, b.n, 300);
	is_int(c.t.eng.st.tls_skipped, 5, "encrypt off: Login7 record");
	is_int(count_auth("login7"), 1, "encrypt off: one login7 event");
	is_int(fint(find_auth("login7", 0), "encrypted"), 1,
	    "encrypt off: the Login7 is said to be encrypted");
	/* then SSPI legs and the server's answer in clear */
	ntlm_challenge(&b);
	a.n = 0;
	tok_sspi(&a, b.b, b.n);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(seen.ntlm_type, 2, "encrypt off: clear SSPI CHALLENGE");
	b.n = unhex(b.b, ntlm_neg_hex);
	m.n = 0;
	tds_msg(&m, 0x11, b.b, b.n, 4088);
	cli(&c, m.b, m.n);
	is_int(seen.n_ntlm, 2, "encrypt off: clear SSPI message");
	a.n = 0;
	tok_err(&a, 0xaa, 18456, 1, 14, msg_18456, "SQL01");
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	r = find_auth("result", 0);
	is_int(fint(r, "number"), 18456, "encrypt off: ERROR decoded");
	is_int(r != NULL ? r->outcome : -1, AUTH_FAIL,
	    "encrypt off: outcome fail");
	is_int(count_auth("encrypted"), 0, "encrypt off: no encrypted event");
	is_int(c.t.eng.st.dis_resyncs, 0, "encrypt off: no resync");
	tn_fini(&c.t);
}

static void
test_encrypt_on(void)
{
	struct conn c;
	int i;

	conn_open(&c, 1433);
	do_prelogin(&c, 1, 1);
	b.n = 0;
	tls_rec(&b, 0x16, 180);
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 4088);
	cli(&c, m.b, m.n);
	b.n = 0;
	tls_rec(&b, 0x16, 1500);
	m.n = 0;
	tds_msg(&m, 0x12, b.b, b.n, 4088);
	srv(&c, m.b, m.n);
	for (i = 0; i < 3; i++) {
		b.n = 0;
		tls_rec(&b, 0x17, 700 + 100 * (size_t)i);
		cli(&c, b.b, b.n);
		b.n = 0;
		tls_rec(&b, 0x17, 70);
		tls_rec(&b, 0x17, 9000);
		srv(&c, b.b, b.n);
	}
	is_int(c.t.eng.st.dis_resyncs, 0, "encrypt on: no resync");
	is_int(count_auth("encrypted"), 1, "encrypt on: one encrypted event");
	is_str(fstr(find_auth("encrypted", 0), "encryption"), "ON",
	    "encrypt on: encryption ON");
	is_int(count_auth("result"), 0, "encrypt on: nothing decoded");
	is_int(count_auth("login7"), 0, "encrypt on: no login7");
	is_int(c.t.eng.st.tls_skipped, 11, "encrypt on: 11 TLS records");
	tn_fini(&c.t);
}

static void
test_strict(void)
{
	struct conn c;

	conn_open(&c, 1433);
	b.n = 0;
	tls_rec(&b, 0x16, 300);
	cli(&c, b.b, b.n);
	is_int(count_auth("encrypted"), 1, "strict: encrypted event");
	is_str(fstr(find_auth("encrypted", 0), "encryption"), "STRICT",
	    "strict: TDS 8");
	tn_fini(&c.t);
}

static void
test_probe(void)
{
	const struct dissector *d;
	struct conn c;

	d = registry_by_name("tds");
	ok(d != NULL && d->probe != NULL, "probe: tds registered");
	prelogin_pl(&a, 9, 0, 0, 0, "", 0);
	m.n = 0;
	tds_msg(&m, 0x12, a.b, a.n, 4088);
	is_int(d->probe(m.b, m.n, TRANSPORT_TCP), 1, "probe: PRELOGIN");
	is_int(d->probe(m.b, 13, TRANSPORT_TCP), 0, "probe: too short");
	is_int(d->probe(m.b, m.n, TRANSPORT_UDP), 0, "probe: not UDP");
	m.b[0] = 0x01;
	is_int(d->probe(m.b, m.n, TRANSPORT_TCP), 0, "probe: SQL batch no");
	m.b[0] = 0x04;
	is_int(d->probe(m.b, m.n, TRANSPORT_TCP), 1, "probe: response");
	m.b[8] = 0x01;
	is_int(d->probe(m.b, m.n, TRANSPORT_TCP), 0,
	    "probe: table must start with VERSION");
	is_int(d->probe((const uint8_t *)"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	    27, TRANSPORT_TCP), 0, "probe: HTTP no");
	conn_open(&c, 50123);
	do_prelogin(&c, 0, 2);
	is_int(count_auth("prelogin"), 2, "probe: port 50123 claimed");
	is_str(fstr(find_auth("prelogin", 1), "encryption"), "NOT_SUP",
	    "probe: server NOT_SUP");
	tn_fini(&c.t);
}

static void
test_oversize(void)
{
	static uint8_t blob[2048];
	struct conn c;
	size_t n;

	n = unhex(blob, apreq_hex);
	conn_open(&c, 1433);
	c.t.eng.lim.max_msg_bytes = 1024;
	do_prelogin(&c, 2, 2);
	login7_pl(&a, "WS04", "", "big", "sql01", "ODBC", "db1", 1,
	    blob, n);
	m.n = 0;
	tds_msg(&m, 0x10, a.b, a.n, 512);
	cli_split(&c, m.b, m.n, 400);
	is_int(c.t.eng.st.dis_oversize, 1, "oversize: counted");
	is_int(count_auth("login7"), 0, "oversize: not decoded");
	n = unhex(blob, ntlm_neg_hex);
	m.n = 0;
	tds_msg(&m, 0x11, blob, n, 4088);
	cli(&c, m.b, m.n);
	is_int(seen.n_ntlm, 1, "oversize: next message decoded");
	is_int(c.t.eng.st.dis_resyncs, 0, "oversize: no resync needed");
	tn_fini(&c.t);
}

static void
test_resync(void)
{
	struct conn c;

	conn_open(&c, 1433);
	c.t.eng.lim.max_ooo_segs = 0;
	do_prelogin(&c, 2, 2);
	/* a hole in the server's stream, then garbage, then a message */
	c.sseq += 100;
	m.n = 0;
	bb_bytes(&m, "\x99garbage!\xfe\xfe", 11);
	a.n = 0;
	tok_err(&a, 0xaa, 18456, 1, 14, msg_18456, "SQL01");
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(c.t.eng.st.tcp_gaps, 1, "resync: a gap");
	is_int(c.t.eng.st.dis_resyncs, 1, "resync: counted once");
	is_int(fint(find_auth("result", 0), "number"), 18456,
	    "resync: message after the garbage decoded");
	tn_fini(&c.t);
}

static void
test_after_login(void)
{
	struct conn c;

	conn_open(&c, 1433);
	do_prelogin(&c, 2, 2);
	a.n = 0;
	tok_loginack(&a, "Microsoft SQL Server", 15, 0, 2000);
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_str(fstr(find_auth("result", 0), "program_version"), "15.0.2000",
	    "after login: LOGINACK");
	a.n = 0;
	bb_utf16(&a, "select 1/0");
	m.n = 0;
	tds_msg(&m, 0x01, a.b, a.n, 4088);
	cli(&c, m.b, m.n);
	a.n = 0;
	tok_err(&a, 0xaa, 8134, 1, 16, "Divide by zero error encountered.",
	    "SQL01");
	tok_done(&a);
	m.n = 0;
	tds_msg(&m, 0x04, a.b, a.n, 4088);
	srv(&c, m.b, m.n);
	is_int(count_auth("result"), 1, "after login: query errors skipped");
	tn_fini(&c.t);
}

int
main(void)
{
	test_prelogin();
	test_login7_krb();
	test_login7_ntlm();
	test_error();
	test_loginack();
	test_one_byte_segments();
	test_three_packets();
	test_spanning();
	test_encrypt_off();
	test_encrypt_on();
	test_strict();
	test_probe();
	test_oversize();
	test_resync();
	test_after_login();
	return done_testing();
}
