/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * asn1ref.c - the reference Kerberos decoder: libtasn1 (strict DER) with
 * the modules of dissectors/krb5.asn (RFC 4120 section 5 and appendix A,
 * MS-KILE 2.2, MS-SFU 2.2.1) and dissectors/spnego.asn (RFC 4178 4.2,
 * MS-SPNG 2.2.1, RFC 2743 3.1). It renders the complete field tree for
 * humans (-vv) and checks the fast decoder of src/krb.c field by field.
 * A libtasn1 tree per message: never on the hot path.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libtasn1.h>

#include "asn1ref.h"
#include "cur.h"
#include "der.h"
#include "krb.h"
#include "record.h"
#include "util.h"

#define KMOD		"KerberosV5Spec2."
#define SMOD		"SPNEGOASNOneSpec."
#define PATH_MAX_LEN	256
#define HEX_SHOWN	16	/* octet string bytes shown in hex */
#define PAHEX_SHOWN	8	/* of a padata value we cannot decode */
#define ELEMS_SHOWN	64	/* of a SEQUENCE OF (lookups are linear) */

/* What a field's value is, for rendering and for the check. */
enum kind {
	F_INT,		/* INTEGER */
	F_MSGTYPE,	/* msg-type, with its name */
	F_ETYPE,	/* encryption type, with its name */
	F_PATYPE,	/* padata-type, with its name */
	F_NAMETYPE,	/* name-type, with its name */
	F_ERRCODE,	/* error-code, with its name */
	F_STR,		/* KerberosString */
	F_TIME,		/* KerberosTime */
	F_KDCOPTS,	/* KDCOptions, bits named */
	F_APOPTS,	/* APOptions, bits named */
	F_FLAGS,	/* other KerberosFlags, hex */
	F_OCTETS,	/* OCTET STRING: length and first bytes */
	F_CIPHER,	/* EncryptedData cipher: length only */
	F_SALT,		/* OCTET STRING that is text */
	F_ADDR,		/* HostAddress address */
	F_BOOL,
	F_OID,
	F_NEGSTATE,	/* SPNEGO negState */
	F_SEQ,		/* SEQUENCE: fields in sub */
	F_SEQOF,	/* SEQUENCE OF: elements of kind elem (sub) */
	F_PAVALUE,	/* padata-value, decoded by padata-type */
	F_EDATA,	/* KRB-ERROR e-data */
	F_EXTERR	/* KERB-ERROR-DATA data-value */
};

struct field {
	const char		*name;
	enum kind		 kind;
	const struct field	*sub;
	enum kind		 elem;
};

struct buf {
	char		*s;
	size_t		 len, cap;
};

/* A rendering in progress. */
struct rs {
	struct buf	*b;
	int32_t		 patype;	/* of the PA-DATA being shown */
	int32_t		 datatype;	/* of the KERB-ERROR-DATA */
	int		 nest;		/* inner decodings open */
};

/* One message type: its APPLICATION tag, type name and fields. */
struct msgdef {
	int			 tag;
	const char		*type;
	const struct field	*fields;
};

extern const asn1_static_node	krb5_asn1_tab[];
extern const asn1_static_node	spnego_asn1_tab[];

static void	set_err(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static int	defs_load(void);
static int	outer_cut(const uint8_t *, size_t);
static int	der_tiled(struct cur *);
static int	decode(asn1_node, const char *, const uint8_t *, size_t,
		    asn1_node *);
static int	join(char *, const char *, const char *);
static int	elem_path(char *, const char *, int);
static int	present(asn1_node, const char *);
static int	val_get(asn1_node, const char *, uint8_t **, int *);
static int	val_int(asn1_node, const char *, int64_t *);
static int	val_count(asn1_node, const char *, int *);
static uint32_t	bits32(const uint8_t *, int);
static int	time_parse(const uint8_t *, size_t, int64_t *);
static void	bput(struct buf *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	bindent(struct buf *, int);
static void	bhex(struct buf *, const uint8_t *, size_t, size_t);
static void	bstr(struct buf *, const uint8_t *, size_t);
static void	bnamed(struct buf *, int64_t, const char *);
static void	bflags(struct buf *, uint32_t, int, enum kind);
static void	scalar(struct rs *, asn1_node, const char *, enum kind);
static void	render_fields(struct rs *, asn1_node, const char *,
		    const struct field *, int);
static void	render_value(struct rs *, asn1_node, const char *,
		    const char *, enum kind, const struct field *, enum kind,
		    int);
static void	render_inner(struct rs *, asn1_node, const char *,
		    const char *, const struct field *, int,
		    const uint8_t *, size_t, int);
static void	render_pavalue(struct rs *, const uint8_t *, size_t, int);
static void	render_edata(struct rs *, const uint8_t *, size_t, int);
static const struct msgdef *msgdef_find(const uint8_t *, size_t);
static int	tree(asn1_node, const char *, const char *,
		    const struct field *, int, const uint8_t *, size_t,
		    char **);
static int	ref_i32(asn1_node, const char *, int32_t *);
static int	ref_u32(asn1_node, const char *, uint32_t *);
static int	ref_str(asn1_node, const char *, char *, size_t);
static int	ref_time(asn1_node, const char *, int64_t *, int *);
static int	ref_bits(asn1_node, const char *, uint32_t *);
static int	ref_principal(asn1_node, const char *, char *, size_t,
		    int32_t *);
static int	ref_enc(asn1_node, const char *, int *, int32_t *, int *,
		    uint32_t *, uint8_t **, int *);
static int	ref_ticket(asn1_node, const char *, struct krb_ticket *);
static int	ref_padata(asn1_node, const char *, struct krb_msg *, int);
static void	ref_pa_value(struct krb_msg *, struct krb_padata *,
		    const uint8_t *, size_t);
static int	ref_tgs_ap_req(const uint8_t *, size_t, struct krb_msg *,
		    uint32_t *);
static void	ref_method_data(const uint8_t *, size_t, struct krb_msg *);
static void	ref_e_data_kind(const uint8_t *, size_t, struct krb_msg *);
static int	ref_kdc_req(asn1_node, struct krb_msg *);
static int	ref_kdc_rep(asn1_node, struct krb_msg *);
static int	ref_ap_req(asn1_node, struct krb_msg *, int);
static int	ref_error(asn1_node, struct krb_msg *);
static int	ref_fill(asn1_node, int, struct krb_msg *);
static void	compare(const struct krb_msg *, const struct krb_msg *,
		    char *, size_t);

static asn1_node	krb_defs;
static asn1_node	spnego_defs;
static char		last_err[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 128];

/* ---- schema: the fields shown, named as in the modules ------------- */

static const struct field principal_f[] = {
	{ "name-type", F_NAMETYPE, NULL, F_INT },
	{ "name-string", F_SEQOF, NULL, F_STR },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field encdata_f[] = {
	{ "etype", F_ETYPE, NULL, F_INT },
	{ "kvno", F_INT, NULL, F_INT },
	{ "cipher", F_CIPHER, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field cksum_f[] = {
	{ "cksumtype", F_INT, NULL, F_INT },
	{ "checksum", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field hostaddr_f[] = {
	{ "addr-type", F_INT, NULL, F_INT },
	{ "address", F_ADDR, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field padata_f[] = {
	{ "padata-type", F_PATYPE, NULL, F_INT },
	{ "padata-value", F_PAVALUE, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field ticket_f[] = {
	{ "tkt-vno", F_INT, NULL, F_INT },
	{ "realm", F_STR, NULL, F_INT },
	{ "sname", F_SEQ, principal_f, F_INT },
	{ "enc-part", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field body_f[] = {
	{ "kdc-options", F_KDCOPTS, NULL, F_INT },
	{ "cname", F_SEQ, principal_f, F_INT },
	{ "realm", F_STR, NULL, F_INT },
	{ "sname", F_SEQ, principal_f, F_INT },
	{ "from", F_TIME, NULL, F_INT },
	{ "till", F_TIME, NULL, F_INT },
	{ "rtime", F_TIME, NULL, F_INT },
	{ "nonce", F_INT, NULL, F_INT },
	{ "etype", F_SEQOF, NULL, F_ETYPE },
	{ "addresses", F_SEQOF, hostaddr_f, F_SEQ },
	{ "enc-authorization-data", F_SEQ, encdata_f, F_INT },
	{ "additional-tickets", F_SEQOF, ticket_f, F_SEQ },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field kdcreq_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "padata", F_SEQOF, padata_f, F_SEQ },
	{ "req-body", F_SEQ, body_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field kdcrep_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "padata", F_SEQOF, padata_f, F_SEQ },
	{ "crealm", F_STR, NULL, F_INT },
	{ "cname", F_SEQ, principal_f, F_INT },
	{ "ticket", F_SEQ, ticket_f, F_INT },
	{ "enc-part", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field apreq_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "ap-options", F_APOPTS, NULL, F_INT },
	{ "ticket", F_SEQ, ticket_f, F_INT },
	{ "authenticator", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field aprep_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "enc-part", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field safebody_f[] = {
	{ "user-data", F_OCTETS, NULL, F_INT },
	{ "timestamp", F_TIME, NULL, F_INT },
	{ "usec", F_INT, NULL, F_INT },
	{ "seq-number", F_INT, NULL, F_INT },
	{ "s-address", F_SEQ, hostaddr_f, F_INT },
	{ "r-address", F_SEQ, hostaddr_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field safe_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "safe-body", F_SEQ, safebody_f, F_INT },
	{ "cksum", F_SEQ, cksum_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field priv_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "enc-part", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field cred_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "tickets", F_SEQOF, ticket_f, F_SEQ },
	{ "enc-part", F_SEQ, encdata_f, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field error_f[] = {
	{ "pvno", F_INT, NULL, F_INT },
	{ "msg-type", F_MSGTYPE, NULL, F_INT },
	{ "ctime", F_TIME, NULL, F_INT },
	{ "cusec", F_INT, NULL, F_INT },
	{ "stime", F_TIME, NULL, F_INT },
	{ "susec", F_INT, NULL, F_INT },
	{ "error-code", F_ERRCODE, NULL, F_INT },
	{ "crealm", F_STR, NULL, F_INT },
	{ "cname", F_SEQ, principal_f, F_INT },
	{ "realm", F_STR, NULL, F_INT },
	{ "sname", F_SEQ, principal_f, F_INT },
	{ "e-text", F_STR, NULL, F_INT },
	{ "e-data", F_EDATA, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field etinfo_f[] = {
	{ "etype", F_ETYPE, NULL, F_INT },
	{ "salt", F_SALT, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field etinfo2_f[] = {
	{ "etype", F_ETYPE, NULL, F_INT },
	{ "salt", F_STR, NULL, F_INT },
	{ "s2kparams", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field pacreq_f[] = {
	{ "include-pac", F_BOOL, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field foruser_f[] = {
	{ "userName", F_SEQ, principal_f, F_INT },
	{ "userRealm", F_STR, NULL, F_INT },
	{ "cksum", F_SEQ, cksum_f, F_INT },
	{ "auth-package", F_STR, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field pacopts_f[] = {
	{ "flags", F_FLAGS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field typeddata_f[] = {
	{ "data-type", F_INT, NULL, F_INT },
	{ "data-value", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field errdata_f[] = {
	{ "data-type", F_INT, NULL, F_INT },
	{ "data-value", F_EXTERR, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field neghints_f[] = {
	{ "hintName", F_STR, NULL, F_INT },
	{ "hintAddress", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field neginit_f[] = {
	{ "mechTypes", F_SEQOF, NULL, F_OID },
	{ "reqFlags", F_FLAGS, NULL, F_INT },
	{ "mechToken", F_OCTETS, NULL, F_INT },
	{ "negHints", F_SEQ, neghints_f, F_INT },
	{ "mechListMIC", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct field negresp_f[] = {
	{ "negState", F_NEGSTATE, NULL, F_INT },
	{ "supportedMech", F_OID, NULL, F_INT },
	{ "responseToken", F_OCTETS, NULL, F_INT },
	{ "mechListMIC", F_OCTETS, NULL, F_INT },
	{ NULL, F_INT, NULL, F_INT }
};

static const struct msgdef msgdefs[] = {
	{ KRB_AS_REQ, "AS-REQ", kdcreq_f },
	{ KRB_AS_REP, "AS-REP", kdcrep_f },
	{ KRB_TGS_REQ, "TGS-REQ", kdcreq_f },
	{ KRB_TGS_REP, "TGS-REP", kdcrep_f },
	{ KRB_AP_REQ, "AP-REQ", apreq_f },
	{ KRB_AP_REP, "AP-REP", aprep_f },
	{ KRB_SAFE, "KRB-SAFE", safe_f },
	{ KRB_PRIV, "KRB-PRIV", priv_f },
	{ KRB_CRED, "KRB-CRED", cred_f },
	{ KRB_ERROR, "KRB-ERROR", error_f },
	{ 0, NULL, NULL }
};

static const struct {
	const char	*oid;
	const char	*name;
} oids[] = {
	{ "1.2.840.113554.1.2.2", "Kerberos 5" },
	{ "1.2.840.48018.1.2.2", "Kerberos 5 (Microsoft)" },
	{ "1.2.840.113554.1.2.2.3", "Kerberos 5 user-to-user" },
	{ "1.3.6.1.5.2.5", "IAKERB" },
	{ "1.3.6.1.4.1.311.2.2.10", "NTLMSSP" },
	{ "1.3.6.1.4.1.311.2.2.30", "NEGOEX" },
	{ "1.3.6.1.5.5.2", "SPNEGO" },
	{ NULL, NULL }
};

/* ---- libtasn1 plumbing --------------------------------------------- */

static void
set_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
}

const char *
asn1ref_error(void)
{
	return last_err;
}

static int
defs_load(void)
{
	char err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	int rc;

	err[0] = '\0';
	if (krb_defs == NULL &&
	    (rc = asn1_array2tree(krb5_asn1_tab, &krb_defs, err)) !=
	    ASN1_SUCCESS) {
		set_err("libtasn1: Kerberos module: %s: %s",
		    asn1_strerror(rc), err);
		krb_defs = NULL;
		return E_UNSUPP;
	}
	if (spnego_defs == NULL &&
	    (rc = asn1_array2tree(spnego_asn1_tab, &spnego_defs, err)) !=
	    ASN1_SUCCESS) {
		set_err("libtasn1: SPNEGO module: %s: %s",
		    asn1_strerror(rc), err);
		spnego_defs = NULL;
		return E_UNSUPP;
	}
	return 0;
}

void
asn1ref_fini(void)
{
	if (krb_defs != NULL)
		asn1_delete_structure(&krb_defs);
	if (spnego_defs != NULL)
		asn1_delete_structure(&spnego_defs);
	krb_defs = NULL;
	spnego_defs = NULL;
}

/* 1 if the outermost TLV claims more bytes than there are. */
static int
outer_cut(const uint8_t *p, size_t len)
{
	struct der_tlv t;
	struct cur c;
	size_t claimed;
	int rc;

	cur_init(&c, p, len);
	rc = der_read_partial(&c, &t, &claimed);
	if (rc == E_TRUNC)
		return 1;
	return rc == 0 && claimed > t.val.len;
}

/*
 * X.690 structure of a whole encoding: every constructed TLV is exactly
 * tiled by its children, nesting at most DER_MAX_DEPTH, and every
 * context or application tag (all EXPLICIT in these modules) holds
 * exactly one TLV, and BIT STRINGs are well formed. libtasn1 4.19 does
 * not check that an EXPLICIT tag's length matches the value inside it
 * (it reads "a2 00 04 00" as an empty [2] OCTET STRING) and takes 8
 * unused bits; this walk does. Returns the TLVs read, or a negative E_*
 * code.
 */
static int
der_tiled(struct cur *c)
{
	struct der_tlv t;
	int n, rc;

	for (n = 0; cur_left(c) > 0; n++) {
		if ((rc = der_read(c, &t)) != 0)
			return rc;
		/*
		 * X.690 8.6.2.2: a BIT STRING's unused-bits octet is 0..7,
		 * and 0 when there are no bits (libtasn1 takes 8)
		 */
		if (!t.constructed && t.cls == DER_UNIVERSAL &&
		    t.tag == DER_TAG_BIT_STRING && (t.val.len == 0 ||
		    cur_peek_u8(&t.val, 0) > 7 || (t.val.len == 1 &&
		    cur_peek_u8(&t.val, 0) != 0)))
			return E_INVALID;
		if (!t.constructed)
			continue;
		if ((rc = der_tiled(&t.val)) < 0)
			return rc;
		if (t.cls != DER_UNIVERSAL && rc != 1)
			return E_INVALID;
	}
	return c->err != 0 ? c->err : n;
}

/*
 * Decodes the whole of p as the named type (strict DER). Bytes after
 * the value are an error. Returns 0, E_TRUNC, E_INVALID or E_LIMIT.
 */
static int
decode(asn1_node defs, const char *type, const uint8_t *p, size_t len,
    asn1_node *el_out)
{
	char err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	struct cur c;
	asn1_node el;
	int n, rc;

	*el_out = NULL;
	el = NULL;
	err[0] = '\0';
	if (len > INT_MAX) {
		set_err("message too large for libtasn1");
		return E_LIMIT;
	}
	if ((rc = asn1_create_element(defs, type, &el)) != ASN1_SUCCESS) {
		set_err("libtasn1: %s: %s", type, asn1_strerror(rc));
		return E_UNSUPP;
	}
	cur_init(&c, p, len);
	if (der_tiled(&c) < 0) {
		set_err("%s: not DER: a TLV overruns the one around it, "
		    "or an EXPLICIT tag does not hold exactly one", type);
		asn1_delete_structure(&el);
		return outer_cut(p, len) ? E_TRUNC : E_INVALID;
	}
	n = (int)len;
	rc = asn1_der_decoding2(&el, p, &n, ASN1_DECODE_FLAG_STRICT_DER,
	    err);
	if (rc != ASN1_SUCCESS) {
		set_err("libtasn1: %s: %s%s%s", type, asn1_strerror(rc),
		    err[0] != '\0' ? ": " : "", err);
		if (el != NULL)
			asn1_delete_structure(&el);
		return outer_cut(p, len) ? E_TRUNC : E_INVALID;
	}
	if ((size_t)n != len) {
		set_err("%zu bytes after the %s", len - (size_t)n, type);
		asn1_delete_structure(&el);
		return E_INVALID;
	}
	*el_out = el;
	return 0;
}

/* dst = prefix.name (or name); 0, or E_LIMIT when too long. */
static int
join(char *dst, const char *prefix, const char *name)
{
	int n;

	if (prefix[0] == '\0')
		n = snprintf(dst, PATH_MAX_LEN, "%s", name);
	else
		n = snprintf(dst, PATH_MAX_LEN, "%s.%s", prefix, name);
	return n < 0 || n >= PATH_MAX_LEN ? E_LIMIT : 0;
}

/* The i-th (1-based) element of the SEQUENCE OF at prefix. */
static int
elem_path(char *dst, const char *prefix, int i)
{
	char name[16];

	snprintf(name, sizeof(name), "?%d", i);
	return join(dst, prefix, name);
}

static int
present(asn1_node el, const char *path)
{
	return asn1_find_node(el, path) != NULL;
}

/*
 * A malloc'd, NUL-terminated copy of the value at path in *v, its length
 * in *len (in bits for a BIT STRING). Returns 0, 1 when absent, or
 * E_INVALID.
 */
static int
val_get(asn1_node el, const char *path, uint8_t **v, int *len)
{
	int n, rc;

	*v = NULL;
	*len = 0;
	if (!present(el, path))
		return 1;
	n = 0;
	rc = asn1_read_value(el, path, NULL, &n);
	if (rc == ASN1_ELEMENT_NOT_FOUND || rc == ASN1_VALUE_NOT_FOUND)
		return 1;
	if (rc != ASN1_SUCCESS && rc != ASN1_MEM_ERROR) {
		set_err("libtasn1: %s: %s", path, asn1_strerror(rc));
		return E_INVALID;
	}
	if (n < 0)
		n = 0;
	*v = xcalloc(1, (size_t)n + 2);
	if (rc == ASN1_SUCCESS && n == 0)
		return 0;
	rc = asn1_read_value(el, path, *v, &n);
	if (rc != ASN1_SUCCESS) {
		set_err("libtasn1: %s: %s", path, asn1_strerror(rc));
		free(*v);
		*v = NULL;
		return E_INVALID;
	}
	*len = n;
	return 0;
}

/* INTEGER of up to 8 bytes. Returns 0, 1 when absent, or E_INVALID. */
static int
val_int(asn1_node el, const char *path, int64_t *out)
{
	uint8_t *v;
	uint64_t u;
	int n, i, rc;

	*out = 0;
	if ((rc = val_get(el, path, &v, &n)) != 0)
		return rc;
	if (n < 1 || n > 8) {
		set_err("%s: a %d-byte INTEGER", path, n);
		free(v);
		return E_INVALID;
	}
	u = (v[0] & 0x80) ? UINT64_MAX : 0;
	for (i = 0; i < n; i++)
		u = u << 8 | v[i];
	*out = (int64_t)u;
	free(v);
	return 0;
}

/* Elements of a SEQUENCE OF; 0 when absent. */
static int
val_count(asn1_node el, const char *path, int *n)
{
	int rc;

	*n = 0;
	if (!present(el, path))
		return 0;
	rc = asn1_number_of_elements(el, path, n);
	if (rc == ASN1_ELEMENT_NOT_FOUND) {
		*n = 0;
		return 0;
	}
	if (rc != ASN1_SUCCESS) {
		set_err("libtasn1: %s: %s", path, asn1_strerror(rc));
		return E_INVALID;
	}
	return 0;
}

/* The first 32 bits of a BIT STRING of nbits bits; bit 0 is the MSB. */
static uint32_t
bits32(const uint8_t *v, int nbits)
{
	uint32_t x;
	int i;

	x = 0;
	for (i = 0; i < 32 && i < nbits; i++)
		if (v[i / 8] & (0x80 >> (i % 8)))
			x |= (uint32_t)1 << (31 - i);
	return x;
}

/*
 * KerberosTime (RFC 4120 5.2.3): YYYYMMDDHHMMSSZ, a GeneralizedTime
 * with no fractional seconds.
 */
static int
time_parse(const uint8_t *s, size_t n, int64_t *epoch)
{
	static const int cum[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
	};
	static const int dim[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int64_t y, days;
	int v[14], mo, d, h, mi, sec, leap, i;

	*epoch = 0;
	if (n != 15 || s[14] != 'Z')
		return E_INVALID;
	for (i = 0; i < 14; i++) {
		if (s[i] < '0' || s[i] > '9')
			return E_INVALID;
		v[i] = s[i] - '0';
	}
	y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
	mo = v[4] * 10 + v[5];
	d = v[6] * 10 + v[7];
	h = v[8] * 10 + v[9];
	mi = v[10] * 10 + v[11];
	sec = v[12] * 10 + v[13];
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1] ||
	    (mo == 2 && !leap && d > 28) || h > 23 || mi > 59 || sec > 60)
		return E_INVALID;
	/* days from 0000-03-01 style count, then shifted to 1970-01-01 */
	days = (y - 1970) * 365;
	for (i = 1970; i < y; i++)
		days += (i % 4 == 0 && i % 100 != 0) || i % 400 == 0;
	for (i = (int)y; i < 1970; i++)
		days -= (i % 4 == 0 && i % 100 != 0) || i % 400 == 0;
	days += cum[mo - 1] + (mo > 2 && leap) + d - 1;
	*epoch = days * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

/* ---- text output --------------------------------------------------- */

static void
bput(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = b->cap * 2 + (size_t)n + 1;
		b->s = xrealloc(b->s, b->cap);
	}
}

static void
bindent(struct buf *b, int depth)
{
	bput(b, "%*s", depth * 2, "");
}

/* "N bytes 0a0b..." (the first max bytes in hex). */
static void
bhex(struct buf *b, const uint8_t *p, size_t n, size_t max)
{
	size_t i;

	bput(b, "%zu byte%s", n, n == 1 ? "" : "s");
	if (n == 0 || max == 0)
		return;
	bput(b, " ");
	for (i = 0; i < n && i < max; i++)
		bput(b, "%02x", p[i]);
	if (n > max)
		bput(b, "...");
}

static void
bstr(struct buf *b, const uint8_t *p, size_t n)
{
	char s[KRB_TEXT_MAX * 2];

	str_printable(s, sizeof(s), p, n);
	bput(b, "\"%s\"", s);
}

static void
bnamed(struct buf *b, int64_t v, const char *name)
{
	bput(b, "%lld", (long long)v);
	if (name != NULL)
		bput(b, " (%s)", name);
}

static void
bflags(struct buf *b, uint32_t x, int nbits, enum kind k)
{
	const char *name;
	unsigned i;
	int first;

	bput(b, "0x%08x", (unsigned)x);
	if (nbits > 32)
		bput(b, " (%d bits)", nbits);
	if (k == F_FLAGS || x == 0)
		return;
	first = 1;
	for (i = 0; i < 32; i++) {
		if (!(x & ((uint32_t)1 << (31 - i))))
			continue;
		name = k == F_KDCOPTS ? krb_kdc_option_name(i) :
		    krb_ap_option_name(i);
		bput(b, first ? " " : ",");
		if (name != NULL)
			bput(b, "%s", name);
		else
			bput(b, "bit%u", i);
		first = 0;
	}
}

/* Appends the text of one scalar value (no newline). */
static void
scalar(struct rs *rs, asn1_node el, const char *path, enum kind k)
{
	struct buf *b = rs->b;
	char tbuf[64];
	int64_t v, t;
	uint8_t *p;
	size_t i;
	int n, rc;

	if (k == F_INT || k == F_MSGTYPE || k == F_ETYPE || k == F_PATYPE ||
	    k == F_NAMETYPE || k == F_ERRCODE || k == F_NEGSTATE) {
		if ((rc = val_int(el, path, &v)) != 0) {
			bput(b, "<%s>", rc == 1 ? "absent" :
			    "INTEGER out of range");
			return;
		}
		switch (k) {
		case F_MSGTYPE:
			bnamed(b, v, v >= INT_MIN && v <= INT_MAX ?
			    krb_msg_name((int)v) : NULL);
			break;
		case F_ETYPE:
			bnamed(b, v, v >= INT32_MIN && v <= INT32_MAX ?
			    krb_etype_name((int32_t)v) : NULL);
			break;
		case F_PATYPE:
			rs->patype = v >= INT32_MIN && v <= INT32_MAX ?
			    (int32_t)v : -1;
			bnamed(b, v, v >= INT32_MIN && v <= INT32_MAX ?
			    krb_padata_name((int32_t)v) : NULL);
			break;
		case F_NAMETYPE:
			bnamed(b, v, v >= INT32_MIN && v <= INT32_MAX ?
			    krb_name_type_name((int32_t)v) : NULL);
			break;
		case F_ERRCODE:
			bnamed(b, v, v >= INT32_MIN && v <= INT32_MAX ?
			    krb_error_name((int32_t)v) : NULL);
			break;
		case F_NEGSTATE:
			bnamed(b, v, v == 0 ? "accept-completed" :
			    v == 1 ? "accept-incomplete" : v == 2 ?
			    "reject" : v == 3 ? "request-mic" : NULL);
			break;
		default:
			if (strcmp(path + (strlen(path) >= 9 ?
			    strlen(path) - 9 : 0), "data-type") == 0)
				rs->datatype = v >= INT32_MIN &&
				    v <= INT32_MAX ? (int32_t)v : -1;
			bput(b, "%lld", (long long)v);
			break;
		}
		return;
	}
	if ((rc = val_get(el, path, &p, &n)) != 0) {
		bput(b, "<%s>", rc == 1 ? "absent" : "unreadable");
		return;
	}
	switch (k) {
	case F_STR:
	case F_SALT:
		bstr(b, p, (size_t)n);
		break;
	case F_TIME:
		if (n > 0 && p[n - 1] == '\0')
			n--;		/* libtasn1 counts the NUL */
		if (time_parse(p, (size_t)n, &t) == 0) {
			fmt_time_iso(tbuf, sizeof(tbuf), t, -1);
			bput(b, "%s", tbuf);
		} else {
			bstr(b, p, (size_t)n);
			bput(b, " (not a KerberosTime)");
		}
		break;
	case F_KDCOPTS:
	case F_APOPTS:
	case F_FLAGS:
		bflags(b, bits32(p, n), n, k);
		break;
	case F_CIPHER:
		bput(b, "<%d bytes>", n);
		break;
	case F_ADDR:
		if (n == 4) {
			bput(b, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
		} else if (n == 16) {
			fmt_addr(tbuf, sizeof(tbuf), AF_INET6, p);
			bput(b, "%s", tbuf);
		} else {
			for (i = 0; i < (size_t)n; i++)
				if (p[i] < 0x20 || p[i] > 0x7e)
					break;
			if (n > 0 && i == (size_t)n)
				bstr(b, p, (size_t)n);	/* NetBIOS */
			else
				bhex(b, p, (size_t)n, HEX_SHOWN);
		}
		break;
	case F_BOOL:
	case F_OID:
		bput(b, "%s", (const char *)p);
		if (k == F_OID)
			for (i = 0; oids[i].oid != NULL; i++)
				if (strcmp(oids[i].oid, (char *)p) == 0)
					bput(b, " (%s)", oids[i].name);
		break;
	default:
		bhex(b, p, (size_t)n, HEX_SHOWN);
		break;
	}
	free(p);
}

static void
render_fields(struct rs *rs, asn1_node el, const char *prefix,
    const struct field *f, int depth)
{
	char path[PATH_MAX_LEN];

	for (; f->name != NULL; f++) {
		if (join(path, prefix, f->name) != 0 || !present(el, path))
			continue;
		render_value(rs, el, path, f->name, f->kind, f->sub, f->elem,
		    depth);
	}
}

/* One value at path, labelled, with whatever it contains below it. */
static void
render_value(struct rs *rs, asn1_node el, const char *path,
    const char *label, enum kind k, const struct field *sub, enum kind elem,
    int depth)
{
	struct buf *b = rs->b;
	char epath[PATH_MAX_LEN], elabel[64];
	uint8_t *p;
	int n, i;

	bindent(b, depth);
	switch (k) {
	case F_SEQ:
		bput(b, "%s:\n", label);
		render_fields(rs, el, path, sub, depth + 1);
		return;
	case F_SEQOF:
		if (val_count(el, path, &n) != 0) {
			bput(b, "%s: <unreadable>\n", label);
			return;
		}
		if (n == 0) {
			bput(b, "%s: (none)\n", label);
			return;
		}
		if (elem != F_SEQ) {
			/* scalars: one line */
			bput(b, "%s: ", label);
			for (i = 1; i <= n && i <= ELEMS_SHOWN; i++) {
				if (elem_path(epath, path, i) != 0)
					break;
				if (i > 1)
					bput(b, ", ");
				scalar(rs, el, epath, elem);
			}
			if (n > ELEMS_SHOWN)
				bput(b, ", ... (%d in all)", n);
			bput(b, "\n");
			return;
		}
		bput(b, "%s:\n", label);
		for (i = 1; i <= n && i <= ELEMS_SHOWN; i++) {
			if (elem_path(epath, path, i) != 0)
				break;
			snprintf(elabel, sizeof(elabel), "[%d]", i);
			render_value(rs, el, epath, elabel, F_SEQ, sub,
			    F_INT, depth + 1);
		}
		if (n > ELEMS_SHOWN) {
			bindent(b, depth + 1);
			bput(b, "... (%d in all)\n", n);
		}
		return;
	case F_PAVALUE:
	case F_EDATA:
	case F_EXTERR:
		bput(b, "%s: ", label);
		if (val_get(el, path, &p, &n) != 0) {
			bput(b, "<unreadable>\n");
			return;
		}
		if (k == F_PAVALUE)
			render_pavalue(rs, p, (size_t)n, depth);
		else if (k == F_EDATA)
			render_edata(rs, p, (size_t)n, depth);
		else if (rs->datatype == 3 && n == 12) {
			/* MS-KILE 2.2.1 KERB-EXT-ERROR: little-endian */
			bput(b, "12 bytes: status 0x%08x reserved 0x%08x "
			    "flags 0x%08x\n",
			    (unsigned)(p[0] | p[1] << 8 | p[2] << 16 |
			    (uint32_t)p[3] << 24),
			    (unsigned)(p[4] | p[5] << 8 | p[6] << 16 |
			    (uint32_t)p[7] << 24),
			    (unsigned)(p[8] | p[9] << 8 | p[10] << 16 |
			    (uint32_t)p[11] << 24));
		} else {
			bhex(b, p, (size_t)n, HEX_SHOWN);
			bput(b, "\n");
		}
		free(p);
		return;
	default:
		bput(b, "%s: ", label);
		scalar(rs, el, path, k);
		bput(b, "\n");
		return;
	}
}

/*
 * Decodes p as the named type of defs and shows it under label at
 * depth; seqof: the type is a SEQUENCE OF sub.
 */
static void
render_inner(struct rs *rs, asn1_node defs, const char *type,
    const char *label, const struct field *sub, int seqof,
    const uint8_t *p, size_t len, int depth)
{
	struct rs inner;
	asn1_node el;

	if (rs->nest > 4) {
		bindent(rs->b, depth);
		bput(rs->b, "%s: (nested too deep)\n", label);
		return;
	}
	if (decode(defs, type, p, len, &el) != 0) {
		bindent(rs->b, depth);
		bput(rs->b, "%s: (not valid: %s)\n", label, last_err);
		return;
	}
	inner = *rs;
	inner.nest++;
	if (seqof)
		render_value(&inner, el, "", label, F_SEQOF, sub, F_SEQ,
		    depth);
	else
		render_value(&inner, el, "", label, F_SEQ, sub, F_INT, depth);
	asn1_delete_structure(&el);
}

/* A padata-value, by the padata-type before it (RFC 4120 5.2.7). */
static void
render_pavalue(struct rs *rs, const uint8_t *p, size_t n, int depth)
{
	struct buf *b = rs->b;
	const struct msgdef *md;

	if (n == 0) {
		bput(b, "0 bytes\n");
		return;
	}
	switch (rs->patype) {
	case 1:		/* PA-TGS-REQ */
		bput(b, "%zu bytes\n", n);
		md = msgdef_find(p, n);
		if (md == NULL || md->tag != KRB_AP_REQ) {
			bindent(b, depth + 1);
			bput(b, "AP-REQ: (not valid: not an AP-REQ)\n");
			return;
		}
		render_inner(rs, krb_defs, KMOD "AP-REQ", "AP-REQ", apreq_f,
		    0, p, n, depth + 1);
		return;
	case 2:		/* PA-ENC-TIMESTAMP */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "PA-ENC-TIMESTAMP",
		    "PA-ENC-TIMESTAMP", encdata_f, 0, p, n, depth + 1);
		return;
	case 3:		/* PA-PW-SALT */
		bput(b, "%zu bytes ", n);
		bstr(b, p, n);
		bput(b, "\n");
		return;
	case 11:	/* PA-ETYPE-INFO */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "ETYPE-INFO", "ETYPE-INFO",
		    etinfo_f, 1, p, n, depth + 1);
		return;
	case 19:	/* PA-ETYPE-INFO2 */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "ETYPE-INFO2", "ETYPE-INFO2",
		    etinfo2_f, 1, p, n, depth + 1);
		return;
	case 128:	/* PA-PAC-REQUEST */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "KERB-PA-PAC-REQUEST",
		    "KERB-PA-PAC-REQUEST", pacreq_f, 0, p, n, depth + 1);
		return;
	case 129:	/* PA-FOR-USER */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "PA-FOR-USER-ENC",
		    "PA-FOR-USER-ENC", foruser_f, 0, p, n, depth + 1);
		return;
	case 165:	/* PA-SUPPORTED-ETYPES: little-endian 32 bits */
		if (n == 4) {
			bput(b, "4 bytes: 0x%08x\n", (unsigned)(p[0] |
			    p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24));
			return;
		}
		break;
	case 167:	/* PA-PAC-OPTIONS */
		bput(b, "%zu bytes\n", n);
		render_inner(rs, krb_defs, KMOD "PA-PAC-OPTIONS",
		    "PA-PAC-OPTIONS", pacopts_f, 0, p, n, depth + 1);
		return;
	default:
		break;
	}
	bhex(b, p, n, PAHEX_SHOWN);
	bput(b, "\n");
}

/*
 * KRB-ERROR e-data (RFC 4120 5.9.1; MS-KILE 2.2.2): METHOD-DATA,
 * KERB-ERROR-DATA or TYPED-DATA, whichever decodes.
 */
static void
render_edata(struct rs *rs, const uint8_t *p, size_t n, int depth)
{
	struct buf *b = rs->b;
	asn1_node el;

	bput(b, "%zu bytes\n", n);
	if (decode(krb_defs, KMOD "METHOD-DATA", p, n, &el) == 0) {
		asn1_delete_structure(&el);
		render_inner(rs, krb_defs, KMOD "METHOD-DATA", "METHOD-DATA",
		    padata_f, 1, p, n, depth + 1);
	} else if (decode(krb_defs, KMOD "KERB-ERROR-DATA", p, n, &el) ==
	    0) {
		asn1_delete_structure(&el);
		render_inner(rs, krb_defs, KMOD "KERB-ERROR-DATA",
		    "KERB-ERROR-DATA", errdata_f, 0, p, n, depth + 1);
	} else if (decode(krb_defs, KMOD "TYPED-DATA", p, n, &el) == 0) {
		asn1_delete_structure(&el);
		render_inner(rs, krb_defs, KMOD "TYPED-DATA", "TYPED-DATA",
		    typeddata_f, 1, p, n, depth + 1);
	} else {
		bindent(b, depth + 1);
		bhex(b, p, n, HEX_SHOWN);
		bput(b, "\n");
	}
	last_err[0] = '\0';
}

/* The message type of the APPLICATION tag that starts p. */
static const struct msgdef *
msgdef_find(const uint8_t *p, size_t len)
{
	int i;

	if (len < 1 || (p[0] & 0xe0) != 0x60)
		return NULL;
	for (i = 0; msgdefs[i].type != NULL; i++)
		if (msgdefs[i].tag == (p[0] & 0x1f))
			return &msgdefs[i];
	return NULL;
}

static int
tree(asn1_node defs, const char *type, const char *label,
    const struct field *fields, int choice, const uint8_t *p, size_t len,
    char **text_out)
{
	struct buf b;
	struct rs rs;
	asn1_node el;
	char which[64], path[PATH_MAX_LEN];
	int n, rc;

	*text_out = NULL;
	if ((rc = decode(defs, type, p, len, &el)) != 0)
		return rc;
	b.cap = 1024;
	b.len = 0;
	b.s = xmalloc(b.cap);
	b.s[0] = '\0';
	memset(&rs, 0, sizeof(rs));
	rs.b = &b;
	rs.patype = -1;
	rs.datatype = -1;
	if (!choice) {
		render_value(&rs, el, "", label, F_SEQ, fields, F_INT, 0);
	} else {
		/* a NegotiationToken CHOICE: the alternative's name */
		n = sizeof(which);
		memset(which, 0, sizeof(which));
		if (asn1_read_value(el, "", which, &n) != ASN1_SUCCESS ||
		    join(path, "", which) != 0) {
			set_err("libtasn1: no alternative in %s", label);
			asn1_delete_structure(&el);
			free(b.s);
			return E_INVALID;
		}
		bput(&b, "%s:\n", label);
		render_value(&rs, el, path, which, F_SEQ,
		    strcmp(which, "negTokenResp") == 0 ? negresp_f :
		    neginit_f, F_INT, 1);
	}
	asn1_delete_structure(&el);
	last_err[0] = '\0';
	*text_out = b.s;
	return 0;
}

int
asn1ref_tree(const uint8_t *p, size_t len, char **text_out)
{
	const struct msgdef *md;
	char type[64];
	int rc;

	*text_out = NULL;
	last_err[0] = '\0';
	if ((rc = defs_load()) != 0)
		return rc;
	if ((md = msgdef_find(p, len)) == NULL) {
		set_err("not a Kerberos message (no known APPLICATION tag)");
		return len == 0 ? E_TRUNC : E_INVALID;
	}
	snprintf(type, sizeof(type), KMOD "%s", md->type);
	return tree(krb_defs, type, md->type, md->fields, 0, p, len,
	    text_out);
}

int
asn1ref_spnego_tree(const uint8_t *p, size_t len, char **text_out)
{
	struct der_tlv t, oid;
	struct cur c;
	int rc;

	*text_out = NULL;
	last_err[0] = '\0';
	if ((rc = defs_load()) != 0)
		return rc;
	cur_init(&c, p, len);
	if (len > 0 && p[0] == 0x60) {
		/* RFC 2743 3.1 framing: [APPLICATION 0] OID token */
		if ((rc = der_read(&c, &t)) != 0 ||
		    (rc = der_expect(&t.val, DER_UNIVERSAL, DER_TAG_OID,
		    &oid)) != 0) {
			set_err("GSS-API token framing: %s",
			    cur_strerror(rc));
			return rc;
		}
		p = t.val.p;
		len = t.val.len;
	}
	if (len > 0 && p[0] == 0xa0 &&
	    tree(spnego_defs, SMOD "NegotiationToken2", "NegotiationToken",
	    NULL, 1, p, len, text_out) == 0)
		return 0;
	return tree(spnego_defs, SMOD "NegotiationToken", "NegotiationToken",
	    NULL, 1, p, len, text_out);
}

/* ---- the check: the fast decoder's fields from the reference ------- */

static int
ref_i32(asn1_node el, const char *path, int32_t *out)
{
	int64_t v;
	int rc;

	*out = 0;
	if ((rc = val_int(el, path, &v)) != 0)
		return rc;
	if (v < INT32_MIN || v > INT32_MAX) {
		set_err("%s: %lld is not an Int32", path, (long long)v);
		return E_INVALID;
	}
	*out = (int32_t)v;
	return 0;
}

/* UInt32; a negative Int32 is taken modulo 2^32 (real KDCs send it). */
static int
ref_u32(asn1_node el, const char *path, uint32_t *out)
{
	int64_t v;
	int rc;

	*out = 0;
	if ((rc = val_int(el, path, &v)) != 0)
		return rc;
	if (v < INT32_MIN || v > (int64_t)UINT32_MAX) {
		set_err("%s: %lld is not a UInt32", path, (long long)v);
		return E_INVALID;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
ref_str(asn1_node el, const char *path, char *dst, size_t dstsz)
{
	uint8_t *v;
	int n, rc;

	dst[0] = '\0';
	if ((rc = val_get(el, path, &v, &n)) != 0)
		return rc;
	str_printable(dst, dstsz, v, (size_t)n);
	free(v);
	return 0;
}

static int
ref_time(asn1_node el, const char *path, int64_t *out, int *has)
{
	uint8_t *v;
	int n, rc;

	*out = 0;
	*has = 0;
	if ((rc = val_get(el, path, &v, &n)) != 0)
		return rc == 1 ? 0 : rc;
	if (n > 0 && v[n - 1] == '\0')
		n--;			/* libtasn1 counts the NUL */
	rc = time_parse(v, (size_t)n, out);
	if (rc != 0)
		set_err("%s: \"%.20s\" is not a KerberosTime", path,
		    (char *)v);
	free(v);
	*has = rc == 0;
	return rc;
}

static int
ref_bits(asn1_node el, const char *path, uint32_t *out)
{
	uint8_t *v;
	int n, rc;

	*out = 0;
	if ((rc = val_get(el, path, &v, &n)) != 0)
		return rc;
	*out = bits32(v, n);
	free(v);
	return 0;
}

/* PrincipalName at path: components joined by '/', as krb.c does. */
static int
ref_principal(asn1_node el, const char *path, char *dst, size_t dstsz,
    int32_t *type)
{
	char p[PATH_MAX_LEN], e[PATH_MAX_LEN], part[KRB_NAME_MAX];
	int n, i, rc;

	dst[0] = '\0';
	if ((rc = join(p, path, "name-type")) != 0 ||
	    (rc = ref_i32(el, p, type)) != 0)
		return rc;
	if ((rc = join(p, path, "name-string")) != 0 ||
	    (rc = val_count(el, p, &n)) != 0)
		return rc;
	for (i = 1; i <= n; i++) {
		if ((rc = elem_path(e, p, i)) != 0 ||
		    (rc = ref_str(el, e, part, sizeof(part))) != 0)
			return rc < 0 ? rc : E_INVALID;
		if (i > 1)
			str_append(dst, dstsz, "/");
		str_append(dst, dstsz, part);
	}
	return 0;
}

/* EncryptedData at path; *cipher (malloc'd) when cipher is not NULL. */
static int
ref_enc(asn1_node el, const char *path, int *has_etype, int32_t *etype,
    int *has_kvno, uint32_t *kvno, uint8_t **cipher, int *cipher_len)
{
	char p[PATH_MAX_LEN];
	int rc;

	*has_etype = *has_kvno = 0;
	if ((rc = join(p, path, "etype")) != 0 ||
	    (rc = ref_i32(el, p, etype)) != 0)
		return rc < 0 ? rc : E_INVALID;
	*has_etype = 1;
	if ((rc = join(p, path, "kvno")) != 0 ||
	    (rc = ref_u32(el, p, kvno)) < 0)
		return rc;
	*has_kvno = rc == 0;
	if (cipher == NULL)
		return 0;
	if ((rc = join(p, path, "cipher")) != 0 ||
	    (rc = val_get(el, p, cipher, cipher_len)) != 0)
		return rc < 0 ? rc : E_INVALID;
	return 0;
}

static int
ref_ticket(asn1_node el, const char *path, struct krb_ticket *t)
{
	char p[PATH_MAX_LEN];
	uint8_t *cipher;
	int has_etype, n, rc;

	memset(t, 0, sizeof(*t));
	t->present = 1;
	if ((rc = join(p, path, "tkt-vno")) != 0 ||
	    (rc = ref_i32(el, p, &t->tkt_vno)) != 0)
		return rc < 0 ? rc : E_INVALID;
	if ((rc = join(p, path, "realm")) != 0 ||
	    (rc = ref_str(el, p, t->realm, sizeof(t->realm))) != 0)
		return rc < 0 ? rc : E_INVALID;
	if ((rc = join(p, path, "sname")) != 0 ||
	    (rc = ref_principal(el, p, t->sname, sizeof(t->sname),
	    &t->sname_type)) != 0)
		return rc < 0 ? rc : E_INVALID;
	if ((rc = join(p, path, "enc-part")) != 0 ||
	    (rc = ref_enc(el, p, &has_etype, &t->etype, &t->has_kvno,
	    &t->kvno, &cipher, &n)) != 0)
		return rc;
	t->cipher_len = (uint32_t)n;
	krb_ticket_id(cipher, (size_t)n, t->id);
	free(cipher);
	return 0;
}

/*
 * SEQUENCE OF PA-DATA at path into m->padata (the first KRB_MAX_PADATA);
 * in a TGS-REQ (tgs set) the first PA-TGS-REQ holds the TGT.
 */
static int
ref_padata(asn1_node el, const char *path, struct krb_msg *m, int tgs)
{
	char e[PATH_MAX_LEN], p[PATH_MAX_LEN];
	uint8_t *v;
	uint32_t apo;
	int32_t type;
	int n, i, vlen, rc;

	if ((rc = val_count(el, path, &n)) != 0)
		return rc;
	for (i = 1; i <= n; i++) {
		if ((rc = elem_path(e, path, i)) != 0 ||
		    (rc = join(p, e, "padata-type")) != 0 ||
		    (rc = ref_i32(el, p, &type)) != 0)
			return rc < 0 ? rc : E_INVALID;
		if ((rc = join(p, e, "padata-value")) != 0 ||
		    (rc = val_get(el, p, &v, &vlen)) != 0)
			return rc < 0 ? rc : E_INVALID;
		if (m->n_padata < KRB_MAX_PADATA) {
			m->padata[m->n_padata].type = type;
			m->padata[m->n_padata].len = (uint32_t)vlen;
			ref_pa_value(m, &m->padata[m->n_padata], v,
			    (size_t)vlen);
			m->n_padata++;
		}
		rc = 0;
		if (tgs && type == 1 && !m->ticket.present) {
			rc = ref_tgs_ap_req(v, (size_t)vlen, m, &apo);
			if (rc == 0 && m->n_padata > 0 &&
			    m->padata[m->n_padata - 1].type == 1) {
				m->padata[m->n_padata - 1].ap_options = apo;
				m->padata[m->n_padata - 1].has |=
				    KRB_PA_AP_OPTIONS;
			}
		}
		free(v);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Set while METHOD-DATA of an e-data is read: users there stay undecoded. */
static int	pa_in_edata;

/*
 * The contents of the PA-DATA values the fast decoder reports, decoded
 * with the module's own types: PA-ENC-TIMESTAMP (etype, kvno),
 * PA-ETYPE-INFO and PA-ETYPE-INFO2 (etypes, salts, s2kparams length),
 * PA-PAC-REQUEST (include-pac). A value that does not decode is left
 * undecoded, as krb.c leaves it.
 */
static void
ref_pa_value(struct krb_msg *m, struct krb_padata *pa, const uint8_t *v,
    size_t vlen)
{
	struct krb_etype_info *ei;
	char keep[sizeof(last_err)], e[PATH_MAX_LEN], p[PATH_MAX_LEN];
	const char *type;
	uint8_t *val;
	char name[KRB_NAME_MAX], realm[KRB_REALM_MAX];
	asn1_node el;
	int32_t nt;
	int has_etype, has_kvno, n, len;

	switch (pa->type) {
	case 2:
		type = KMOD "PA-ENC-TIMESTAMP";
		break;
	case 11:
		type = KMOD "ETYPE-INFO";
		break;
	case 19:
		type = KMOD "ETYPE-INFO2";
		break;
	case 128:
		type = KMOD "KERB-PA-PAC-REQUEST";
		break;
	case 129:
		if (pa_in_edata)
			return;
		type = KMOD "PA-FOR-USER-ENC";
		break;
	case 130:
		if (pa_in_edata)
			return;
		type = KMOD "PA-S4U-X509-USER";
		break;
	case 167:
		type = KMOD "PA-PAC-OPTIONS";
		break;
	case 165:
		/* not ASN.1: a 32-bit little-endian value (MS-KILE 2.2.7) */
		if (vlen == 4) {
			pa->flags = (uint32_t)v[0] | (uint32_t)v[1] << 8 |
			    (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
			pa->has |= KRB_PA_SUPP_ETYPES;
		}
		return;
	default:
		return;
	}
	memcpy(keep, last_err, sizeof(keep));
	if (decode(krb_defs, type, v, vlen, &el) != 0)
		goto out;
	if (pa->type == 2) {
		if (ref_enc(el, "", &has_etype, &pa->etype, &has_kvno,
		    &pa->kvno, NULL, NULL) == 0) {
			pa->has |= KRB_PA_ETYPE;
			if (has_kvno)
				pa->has |= KRB_PA_KVNO;
		}
	} else if (pa->type == 129) {
		/* the first PA-FOR-USER is reported, as krb.c does */
		if (m->for_user[0] == '\0' && ref_principal(el, "userName",
		    name, sizeof(name), &nt) == 0 && ref_str(el, "userRealm",
		    realm, sizeof(realm)) == 0) {
			str_append(m->for_user, sizeof(m->for_user), name);
			str_append(m->for_user, sizeof(m->for_user), "@");
			str_append(m->for_user, sizeof(m->for_user), realm);
			pa->has |= KRB_PA_USER;
			if (ref_str(el, "auth-package", m->auth_package,
			    sizeof(m->auth_package)) == 0 &&
			    m->auth_package[0] != '\0')
				pa->has |= KRB_PA_AUTH_PACKAGE;
		}
	} else if (pa->type == 130) {
		/* the first one with a cname is reported, as krb.c does */
		if (m->s4u_user[0] == '\0' && present(el, "user-id.cname") &&
		    ref_principal(el, "user-id.cname", name, sizeof(name),
		    &nt) == 0 && ref_str(el, "user-id.crealm", realm,
		    sizeof(realm)) == 0) {
			str_append(m->s4u_user, sizeof(m->s4u_user), name);
			str_append(m->s4u_user, sizeof(m->s4u_user), "@");
			str_append(m->s4u_user, sizeof(m->s4u_user), realm);
			pa->has |= KRB_PA_USER;
		}
	} else if (pa->type == 167) {
		if (ref_bits(el, "flags", &pa->flags) == 0)
			pa->has |= KRB_PA_PAC_OPTIONS;
	} else if (pa->type == 128) {
		val = NULL;
		if (val_get(el, "include-pac", &val, &len) == 0) {
			pa->include_pac = len > 0 && strcmp((char *)val,
			    "TRUE") == 0;
			pa->has |= KRB_PA_INCLUDE_PAC;
		}
		free(val);
	} else {
		pa->has |= KRB_PA_ETYPE_INFO;
		pa->ei_first = m->n_etype_info;
		for (n = 1; ; n++) {
			if (elem_path(e, "", n) != 0 || !present(el, e))
				break;
			if (m->n_etype_info == KRB_MAX_ETYPE_INFO) {
				m->n_etype_info_cut++;
				continue;
			}
			ei = &m->etype_info[m->n_etype_info];
			memset(ei, 0, sizeof(*ei));
			if (join(p, e, "etype") != 0 ||
			    ref_i32(el, p, &ei->etype) != 0)
				break;
			val = NULL;
			if (join(p, e, "salt") == 0 &&
			    val_get(el, p, &val, &len) == 0) {
				ei->has_salt = 1;
				str_printable(ei->salt, sizeof(ei->salt), val,
				    (size_t)len);
			}
			free(val);
			val = NULL;
			if (pa->type == 19 && join(p, e, "s2kparams") == 0 &&
			    val_get(el, p, &val, &len) == 0) {
				ei->has_s2kparams = 1;
				ei->s2kparams_len = (uint32_t)len;
			}
			free(val);
			m->n_etype_info++;
			pa->ei_n++;
		}
	}
	asn1_delete_structure(&el);
out:
	memcpy(last_err, keep, sizeof(last_err));
}

/* The AP-REQ of a PA-TGS-REQ: its ticket is the TGT (m->ticket). */
static int
ref_tgs_ap_req(const uint8_t *p, size_t len, struct krb_msg *m,
    uint32_t *ap_options_out)
{
	struct krb_msg sub;
	asn1_node el;
	char inner[sizeof(last_err)];
	int rc;

	if (len < 1 || p[0] != (0x60 | KRB_AP_REQ)) {
		set_err("PA-TGS-REQ: not an AP-REQ");
		return E_INVALID;
	}
	if ((rc = decode(krb_defs, KMOD "AP-REQ", p, len, &el)) != 0) {
		memcpy(inner, last_err, sizeof(inner));
		set_err("PA-TGS-REQ: %s", inner);
		return E_INVALID;
	}
	/* sub is a scratch record: take the AP-REQ whole, keep its ticket
	 * and options */
	memset(&sub, 0, sizeof(sub));
	rc = ref_ap_req(el, &sub, 0);
	asn1_delete_structure(&el);
	m->ticket = sub.ticket;
	*ap_options_out = sub.ap_options;
	return rc;
}

/*
 * e-data that is a clean METHOD-DATA (at least one PA-DATA): its entries
 * become m->padata, as krb.c does.
 */
static void
ref_method_data(const uint8_t *p, size_t len, struct krb_msg *m)
{
	struct krb_msg sub;
	asn1_node el;
	char keep[sizeof(last_err)];
	int rc;

	memcpy(keep, last_err, sizeof(keep));
	if (decode(krb_defs, KMOD "METHOD-DATA", p, len, &el) != 0)
		goto out;
	memset(&sub, 0, sizeof(sub));
	pa_in_edata = 1;
	rc = ref_padata(el, "", &sub, 0);
	pa_in_edata = 0;
	if (rc == 0 && sub.n_padata > 0) {
		memcpy(m->padata, sub.padata, sizeof(m->padata));
		m->n_padata = sub.n_padata;
		memcpy(m->etype_info, sub.etype_info,
		    sizeof(m->etype_info));
		m->n_etype_info = sub.n_etype_info;
		m->n_etype_info_cut = sub.n_etype_info_cut;
	}
	asn1_delete_structure(&el);
out:
	memcpy(last_err, keep, sizeof(last_err));
}

static int
ref_kdc_req(asn1_node el, struct krb_msg *m)
{
	char p[PATH_MAX_LEN], e[PATH_MAX_LEN];
	uint8_t *av;
	int64_t et;
	int n, i, an, rc;

	if ((rc = ref_i32(el, "pvno", &m->pvno)) != 0 ||
	    (rc = ref_padata(el, "padata", m, m->msg_type == KRB_TGS_REQ))
	    != 0)
		return rc < 0 ? rc : E_INVALID;
	if ((rc = ref_bits(el, "req-body.kdc-options", &m->kdc_options)) != 0)
		return rc < 0 ? rc : E_INVALID;
	m->has_kdc_options = 1;
	if (present(el, "req-body.cname") &&
	    (rc = ref_principal(el, "req-body.cname", m->cname,
	    sizeof(m->cname), &m->cname_type)) != 0)
		return rc;
	if ((rc = ref_str(el, "req-body.realm", m->realm,
	    sizeof(m->realm))) != 0)
		return rc < 0 ? rc : E_INVALID;
	if (present(el, "req-body.sname") &&
	    (rc = ref_principal(el, "req-body.sname", m->sname,
	    sizeof(m->sname), &m->sname_type)) != 0)
		return rc;
	if ((rc = ref_time(el, "req-body.from", &m->from,
	    &m->has_from)) != 0 ||
	    (rc = ref_time(el, "req-body.till", &m->till,
	    &m->has_till)) != 0 ||
	    (rc = ref_time(el, "req-body.rtime", &m->rtime,
	    &m->has_rtime)) != 0)
		return rc;
	if ((rc = ref_u32(el, "req-body.nonce", &m->nonce)) != 0)
		return rc < 0 ? rc : E_INVALID;
	m->has_nonce = 1;
	if ((rc = val_count(el, "req-body.etype", &n)) != 0)
		return rc;
	for (i = 1; i <= n; i++) {
		if ((rc = elem_path(e, "req-body.etype", i)) != 0 ||
		    (rc = val_int(el, e, &et)) != 0)
			return rc < 0 ? rc : E_INVALID;
		if (et < INT32_MIN || et > INT32_MAX) {
			set_err("%s: not an Int32", e);
			return E_INVALID;
		}
		if (m->n_etypes < KRB_MAX_ETYPES)
			m->etypes[m->n_etypes++] = (int32_t)et;
	}
	if ((rc = join(p, "req-body", "addresses")) != 0 ||
	    (rc = val_count(el, p, &m->n_addresses)) != 0 ||
	    (rc = val_count(el, "req-body.additional-tickets",
	    &m->n_additional_tickets)) != 0)
		return rc;
	/* the first KRB_MAX_ADDRS addresses, as text */
	for (i = 1; i <= m->n_addresses &&
	    m->n_address_list < KRB_MAX_ADDRS; i++) {
		if ((rc = elem_path(e, "req-body.addresses", i)) != 0 ||
		    (rc = join(p, e, "addr-type")) != 0)
			return rc;
		if (val_int(el, p, &et) != 0 || join(p, e, "address") != 0 ||
		    val_get(el, p, &av, &an) != 0)
			continue;
		krb_fmt_address(m->address_list[m->n_address_list++],
		    KRB_ADDR_MAX, (int32_t)et, av, (size_t)an);
		free(av);
	}
	/* the first KRB_MAX_ADD_TICKETS (S4U2Proxy: the client's ticket) */
	for (i = 1; i <= m->n_additional_tickets &&
	    m->n_add_tickets < KRB_MAX_ADD_TICKETS; i++) {
		if ((rc = elem_path(e, "req-body.additional-tickets", i)) != 0)
			return rc;
		if (ref_ticket(el, e, &m->add_tickets[m->n_add_tickets]) == 0)
			m->n_add_tickets++;
	}
	return 0;
}

static int
ref_kdc_rep(asn1_node el, struct krb_msg *m)
{
	int rc;

	if ((rc = ref_i32(el, "pvno", &m->pvno)) != 0 ||
	    (rc = ref_padata(el, "padata", m, 0)) != 0 ||
	    (rc = ref_str(el, "crealm", m->crealm, sizeof(m->crealm))) != 0 ||
	    (rc = ref_principal(el, "cname", m->cname, sizeof(m->cname),
	    &m->cname_type)) != 0 ||
	    (rc = ref_ticket(el, "ticket", &m->ticket)) != 0 ||
	    (rc = ref_enc(el, "enc-part", &m->has_enc_part, &m->enc_etype,
	    &m->has_enc_kvno, &m->enc_kvno, NULL, NULL)) != 0)
		return rc < 0 ? rc : E_INVALID;
	return 0;
}

/* AP-REQ; embedded (in a PA-TGS-REQ): only the ticket is kept. */
static int
ref_ap_req(asn1_node el, struct krb_msg *m, int embedded)
{
	struct krb_msg scratch;
	struct krb_msg *x;
	int32_t mt;
	int rc;

	x = m;
	if (embedded) {
		memset(&scratch, 0, sizeof(scratch));
		x = &scratch;
	}
	if ((rc = ref_i32(el, "pvno", &x->pvno)) != 0 ||
	    (rc = ref_i32(el, "msg-type", &mt)) != 0 ||
	    (rc = ref_bits(el, "ap-options", &x->ap_options)) != 0 ||
	    (rc = ref_ticket(el, "ticket", &m->ticket)) != 0 ||
	    (rc = ref_enc(el, "authenticator", &x->has_enc_part,
	    &x->enc_etype, &x->has_enc_kvno, &x->enc_kvno, NULL, NULL)) != 0)
		return rc < 0 ? rc : E_INVALID;
	if (mt != KRB_AP_REQ) {
		set_err("msg-type %d in an AP-REQ", (int)mt);
		return E_INVALID;
	}
	x->has_ap_options = 1;
	return 0;
}

static int
ref_error(asn1_node el, struct krb_msg *m)
{
	uint8_t *v;
	int n, rc;

	if ((rc = ref_i32(el, "pvno", &m->pvno)) != 0 ||
	    (rc = ref_time(el, "ctime", &m->ctime, &m->has_ctime)) != 0 ||
	    (rc = ref_time(el, "stime", &m->stime, &m->has_stime)) != 0 ||
	    (rc = ref_i32(el, "error-code", &m->error_code)) != 0)
		return rc < 0 ? rc : E_INVALID;
	/* cusec and susec: each optional on its own (RFC 4120 5.9.1) */
	if ((rc = ref_i32(el, "cusec", &m->cusec)) < 0)
		return rc;
	m->has_cusec = rc == 0;
	if ((rc = ref_i32(el, "susec", &m->susec)) < 0)
		return rc;
	m->has_susec = rc == 0;
	m->has_error = 1;
	if (m->has_stime && m->has_ctime) {
		m->has_clock_offset = 1;
		m->clock_offset = m->stime - m->ctime;
	}
	if ((rc = ref_str(el, "crealm", m->crealm, sizeof(m->crealm))) < 0)
		return rc;
	if (present(el, "cname") &&
	    (rc = ref_principal(el, "cname", m->cname, sizeof(m->cname),
	    &m->cname_type)) != 0)
		return rc;
	if ((rc = ref_str(el, "realm", m->realm, sizeof(m->realm))) != 0 ||
	    (rc = ref_principal(el, "sname", m->sname, sizeof(m->sname),
	    &m->sname_type)) != 0)
		return rc < 0 ? rc : E_INVALID;
	if ((rc = ref_str(el, "e-text", m->e_text, sizeof(m->e_text))) < 0)
		return rc;
	m->has_e_text = rc == 0;
	if ((rc = val_get(el, "e-data", &v, &n)) < 0)
		return rc;
	if (rc == 0) {
		m->has_e_data = 1;
		m->e_data_len = (uint32_t)n;
		ref_method_data(v, (size_t)n, m);
		ref_e_data_kind(v, (size_t)n, m);
		free(v);
	}
	return 0;
}

/*
 * What the e-data is, by the module's types: METHOD-DATA (read already:
 * its entries are in m->padata), MS-KILE KERB-ERROR-DATA (data-type; for
 * type 3 the KERB-EXT-ERROR's first four bytes are the NTSTATUS, little
 * endian) or TYPED-DATA (the data-types); else unknown.
 */
static void
ref_e_data_kind(const uint8_t *p, size_t len, struct krb_msg *m)
{
	char keep[sizeof(last_err)], e[PATH_MAX_LEN], q[PATH_MAX_LEN];
	asn1_node el;
	uint8_t *v;
	int64_t x;
	int i, n;

	memcpy(keep, last_err, sizeof(keep));
	m->e_data_kind = KRB_EDATA_UNKNOWN;
	if (m->n_padata > 0) {
		m->e_data_kind = KRB_EDATA_METHOD;
		goto out;
	}
	if (decode(krb_defs, KMOD "KERB-ERROR-DATA", p, len, &el) == 0) {
		m->e_data_kind = KRB_EDATA_KERB_ERROR;
		if (val_int(el, "data-type", &x) == 0 && x >= INT32_MIN &&
		    x <= INT32_MAX) {
			m->has_e_data_type = 1;
			m->e_data_type = (int32_t)x;
		}
		v = NULL;
		if (m->has_e_data_type && m->e_data_type == 3 &&
		    val_get(el, "data-value", &v, &n) == 0 && n >= 4) {
			m->ntstatus = (uint32_t)v[0] | (uint32_t)v[1] << 8 |
			    (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
			m->has_ntstatus = 1;
		}
		free(v);
		asn1_delete_structure(&el);
		goto out;
	}
	if (decode(krb_defs, KMOD "TYPED-DATA", p, len, &el) == 0) {
		m->e_data_kind = KRB_EDATA_TYPED;
		for (i = 1; elem_path(e, "", i) == 0 && present(el, e); i++) {
			if (join(q, e, "data-type") != 0 ||
			    val_int(el, q, &x) != 0)
				break;
			if (m->n_typed_data < KRB_MAX_TYPED_DATA)
				m->typed_data[m->n_typed_data] = (int32_t)x;
			m->n_typed_data++;
		}
		asn1_delete_structure(&el);
	}
out:
	memcpy(last_err, keep, sizeof(last_err));
}

/* The fields krb_decode reports, read from the libtasn1 tree. */
static int
ref_fill(asn1_node el, int tag, struct krb_msg *m)
{
	int32_t mt;
	int rc;

	m->msg_type = tag;
	if ((rc = ref_i32(el, "msg-type", &mt)) != 0)
		return rc < 0 ? rc : E_INVALID;
	if (mt != tag) {
		set_err("msg-type %d under APPLICATION %d", (int)mt, tag);
		return E_INVALID;
	}
	switch (tag) {
	case KRB_AS_REQ:
	case KRB_TGS_REQ:
		return ref_kdc_req(el, m);
	case KRB_AS_REP:
	case KRB_TGS_REP:
		return ref_kdc_rep(el, m);
	case KRB_AP_REQ:
		return ref_ap_req(el, m, 0);
	case KRB_AP_REP:
	case KRB_PRIV:
		if ((rc = ref_i32(el, "pvno", &m->pvno)) != 0 ||
		    (rc = ref_enc(el, "enc-part", &m->has_enc_part,
		    &m->enc_etype, &m->has_enc_kvno, &m->enc_kvno, NULL,
		    NULL)) != 0)
			return rc < 0 ? rc : E_INVALID;
		return 0;
	case KRB_SAFE:
		return (rc = ref_i32(el, "pvno", &m->pvno)) == 0 ? 0 :
		    rc < 0 ? rc : E_INVALID;
	case KRB_CRED:
		if ((rc = ref_i32(el, "pvno", &m->pvno)) != 0 ||
		    (present(el, "tickets.?1") &&
		    (rc = ref_ticket(el, "tickets.?1", &m->ticket)) != 0) ||
		    (rc = ref_enc(el, "enc-part", &m->has_enc_part,
		    &m->enc_etype, &m->has_enc_kvno, &m->enc_kvno, NULL,
		    NULL)) != 0)
			return rc < 0 ? rc : E_INVALID;
		return 0;
	case KRB_ERROR:
		return ref_error(el, m);
	default:
		return E_INVALID;
	}
}

#define DIFF_INT(f) do {						\
	if (ref->f != fast->f && w[0] == '\0')				\
		snprintf(w, sizeof(w), "%s: fast %lld, reference %lld",	\
		    #f, (long long)fast->f, (long long)ref->f);		\
} while (0)

#define DIFF_STR(f) do {						\
	if (strcmp(ref->f, fast->f) != 0 && w[0] == '\0')		\
		snprintf(w, sizeof(w),					\
		    "%s: fast \"%.100s\", reference \"%.100s\"", #f,	\
		    fast->f, ref->f);					\
} while (0)

/* The decoded contents of padata[i] (the kinds ref_pa_value decodes). */
static void
compare_pa(const struct krb_msg *ref, const struct krb_msg *fast, int i,
    char *w, size_t wsz)
{
	const struct krb_padata *r = &ref->padata[i], *f = &fast->padata[i];
	const struct krb_etype_info *re, *fe;
	unsigned mask;
	int k;

	if (w[0] != '\0')
		return;
	mask = KRB_PA_ETYPE | KRB_PA_KVNO | KRB_PA_ETYPE_INFO |
	    KRB_PA_INCLUDE_PAC | KRB_PA_PAC_OPTIONS | KRB_PA_AP_OPTIONS |
	    KRB_PA_SUPP_ETYPES;
	if (f->type == 129)
		mask |= KRB_PA_USER | KRB_PA_AUTH_PACKAGE;
	else if (f->type == 130)
		mask |= KRB_PA_USER;
	/*
	 * What the reference decodes, the fast decoder must decode too;
	 * the fast decoder may read more (a value the strict module
	 * rejects): that is its leniency, not a disagreement.
	 */
	if ((r->has & mask & ~f->has) != 0)
		snprintf(w, wsz, "padata[%d] (type %d) decoded parts: fast "
		    "0x%x, reference 0x%x", i, (int)f->type, f->has & mask,
		    r->has & mask);
	else if ((r->has & KRB_PA_ETYPE) && r->etype != f->etype)
		snprintf(w, wsz, "padata[%d].etype: fast %d, reference %d", i,
		    (int)f->etype, (int)r->etype);
	else if ((r->has & KRB_PA_KVNO) && r->kvno != f->kvno)
		snprintf(w, wsz, "padata[%d].kvno: fast %u, reference %u", i,
		    (unsigned)f->kvno, (unsigned)r->kvno);
	else if ((r->has & (KRB_PA_PAC_OPTIONS | KRB_PA_SUPP_ETYPES)) &&
	    r->flags != f->flags)
		snprintf(w, wsz, "padata[%d] PAC-OPTIONS: fast 0x%x, "
		    "reference 0x%x", i, (unsigned)f->flags,
		    (unsigned)r->flags);
	else if ((r->has & KRB_PA_AP_OPTIONS) &&
	    r->ap_options != f->ap_options)
		snprintf(w, wsz, "padata[%d] ap-options: fast 0x%x, "
		    "reference 0x%x", i, (unsigned)f->ap_options,
		    (unsigned)r->ap_options);
	else if ((r->has & KRB_PA_INCLUDE_PAC) &&
	    r->include_pac != f->include_pac)
		snprintf(w, wsz, "padata[%d].include_pac: fast %d, "
		    "reference %d", i, f->include_pac, r->include_pac);
	else if ((r->has & KRB_PA_ETYPE_INFO) && r->ei_n != f->ei_n &&
	    fast->n_etype_info_cut == 0)
		snprintf(w, wsz, "padata[%d] etype-info entries: fast %d, "
		    "reference %d", i, f->ei_n, r->ei_n);
	if (w[0] != '\0' || !(r->has & KRB_PA_ETYPE_INFO))
		return;
	for (k = 0; k < r->ei_n && k < f->ei_n && w[0] == '\0'; k++) {
		re = &ref->etype_info[r->ei_first + k];
		fe = &fast->etype_info[f->ei_first + k];
		if (re->etype != fe->etype || re->has_salt != fe->has_salt ||
		    strcmp(re->salt, fe->salt) != 0 ||
		    re->has_s2kparams != fe->has_s2kparams ||
		    re->s2kparams_len != fe->s2kparams_len)
			snprintf(w, wsz, "padata[%d] etype-info[%d]: fast %d "
			    "\"%.60s\", reference %d \"%.60s\"", i, k,
			    (int)fe->etype, fe->salt, (int)re->etype,
			    re->salt);
	}
}

/* The first field where ref and fast differ, into why. */
static void
compare(const struct krb_msg *ref, const struct krb_msg *fast, char *why,
    size_t whysz)
{
	char w[512];
	int i;

	w[0] = '\0';
	DIFF_INT(msg_type);
	DIFF_INT(pvno);
	DIFF_STR(cname);
	DIFF_STR(crealm);
	DIFF_INT(cname_type);
	DIFF_STR(sname);
	DIFF_STR(realm);
	DIFF_INT(sname_type);
	DIFF_INT(has_kdc_options);
	DIFF_INT(kdc_options);
	DIFF_INT(has_from);
	DIFF_INT(from);
	DIFF_INT(has_till);
	DIFF_INT(till);
	DIFF_INT(has_rtime);
	DIFF_INT(rtime);
	DIFF_INT(has_nonce);
	DIFF_INT(nonce);
	DIFF_INT(n_etypes);
	for (i = 0; i < ref->n_etypes && i < fast->n_etypes; i++)
		if (ref->etypes[i] != fast->etypes[i] && w[0] == '\0')
			snprintf(w, sizeof(w), "etypes[%d]: fast %d, "
			    "reference %d", i, (int)fast->etypes[i],
			    (int)ref->etypes[i]);
	DIFF_INT(n_addresses);
	DIFF_INT(n_additional_tickets);
	if (ref->n_address_list > fast->n_address_list)
		DIFF_INT(n_address_list);
	for (i = 0; ref->n_address_list == fast->n_address_list &&
	    i < ref->n_address_list && w[0] == '\0'; i++)
		if (strcmp(ref->address_list[i], fast->address_list[i]) != 0)
			snprintf(w, sizeof(w), "address %d: fast \"%s\", "
			    "reference \"%s\"", i, fast->address_list[i],
			    ref->address_list[i]);
	/* a ticket only the lenient fast decoder reads is no disagreement */
	if (ref->n_add_tickets > fast->n_add_tickets)
		DIFF_INT(n_add_tickets);
	for (i = 0; ref->n_add_tickets == fast->n_add_tickets &&
	    i < ref->n_add_tickets && w[0] == '\0'; i++)
		if (strcmp(ref->add_tickets[i].sname,
		    fast->add_tickets[i].sname) != 0 ||
		    strcmp(ref->add_tickets[i].realm,
		    fast->add_tickets[i].realm) != 0 ||
		    ref->add_tickets[i].etype != fast->add_tickets[i].etype ||
		    ref->add_tickets[i].kvno != fast->add_tickets[i].kvno ||
		    memcmp(ref->add_tickets[i].id, fast->add_tickets[i].id,
		    KRB_ID_LEN) != 0)
			snprintf(w, sizeof(w), "additional ticket %d: fast "
			    "%.80s@%.60s, reference %.80s@%.60s", i,
			    fast->add_tickets[i].sname,
			    fast->add_tickets[i].realm,
			    ref->add_tickets[i].sname,
			    ref->add_tickets[i].realm);
	DIFF_INT(n_padata);
	for (i = 0; i < ref->n_padata && i < fast->n_padata; i++)
		if ((ref->padata[i].type != fast->padata[i].type ||
		    ref->padata[i].len != fast->padata[i].len) &&
		    w[0] == '\0')
			snprintf(w, sizeof(w), "padata[%d]: fast type %d "
			    "len %u, reference type %d len %u", i,
			    (int)fast->padata[i].type,
			    (unsigned)fast->padata[i].len,
			    (int)ref->padata[i].type,
			    (unsigned)ref->padata[i].len);
	for (i = 0; i < ref->n_padata && i < fast->n_padata; i++)
		compare_pa(ref, fast, i, w, sizeof(w));
	if (ref->for_user[0] != '\0')
		DIFF_STR(for_user);
	if (ref->auth_package[0] != '\0')
		DIFF_STR(auth_package);
	if (ref->s4u_user[0] != '\0')
		DIFF_STR(s4u_user);
	DIFF_INT(ticket.present);
	DIFF_INT(ticket.tkt_vno);
	DIFF_STR(ticket.realm);
	DIFF_STR(ticket.sname);
	DIFF_INT(ticket.sname_type);
	DIFF_INT(ticket.etype);
	DIFF_INT(ticket.has_kvno);
	DIFF_INT(ticket.kvno);
	DIFF_INT(ticket.cipher_len);
	if (memcmp(ref->ticket.id, fast->ticket.id, KRB_ID_LEN) != 0 &&
	    w[0] == '\0')
		snprintf(w, sizeof(w), "ticket.id: differs");
	DIFF_INT(has_ap_options);
	DIFF_INT(ap_options);
	DIFF_INT(has_enc_part);
	DIFF_INT(enc_etype);
	DIFF_INT(has_enc_kvno);
	DIFF_INT(enc_kvno);
	DIFF_INT(has_error);
	DIFF_INT(error_code);
	DIFF_INT(has_stime);
	DIFF_INT(stime);
	DIFF_INT(has_ctime);
	DIFF_INT(ctime);
	DIFF_INT(has_susec);
	DIFF_INT(susec);
	DIFF_INT(has_cusec);
	DIFF_INT(cusec);
	DIFF_INT(has_clock_offset);
	DIFF_INT(clock_offset);
	DIFF_INT(has_e_text);
	DIFF_STR(e_text);
	DIFF_INT(has_e_data);
	DIFF_INT(e_data_len);
	/* e-data the reference understands, the fast decoder must too */
	if (ref->e_data_kind != KRB_EDATA_NONE &&
	    ref->e_data_kind != KRB_EDATA_UNKNOWN) {
		DIFF_INT(e_data_kind);
		if (ref->e_data_kind == fast->e_data_kind &&
		    ref->e_data_kind == KRB_EDATA_KERB_ERROR) {
			DIFF_INT(has_e_data_type);
			DIFF_INT(e_data_type);
			DIFF_INT(has_ntstatus);
			DIFF_INT(ntstatus);
		} else if (ref->e_data_kind == fast->e_data_kind &&
		    ref->e_data_kind == KRB_EDATA_TYPED) {
			DIFF_INT(n_typed_data);
			for (i = 0; i < ref->n_typed_data &&
			    i < KRB_MAX_TYPED_DATA && w[0] == '\0'; i++)
				if (ref->typed_data[i] != fast->typed_data[i])
					snprintf(w, sizeof(w), "typed_data[%d]:"
					    " fast %d, reference %d", i,
					    (int)fast->typed_data[i],
					    (int)ref->typed_data[i]);
		}
	}
	snprintf(why, whysz, "%s", w);
}

int
asn1ref_check(const uint8_t *p, size_t len, const struct krb_msg *fast,
    char *why, size_t whysz)
{
	const struct msgdef *md;
	struct krb_msg *ref;
	asn1_node el;
	char type[64];
	int rc;

	if (whysz > 0)
		why[0] = '\0';
	last_err[0] = '\0';
	ref = NULL;
	el = NULL;
	if ((rc = defs_load()) != 0)
		goto out;
	if ((md = msgdef_find(p, len)) == NULL) {
		set_err("not a Kerberos message (no known APPLICATION tag)");
		rc = len == 0 || outer_cut(p, len) ? E_TRUNC : E_INVALID;
		goto out;
	}
	snprintf(type, sizeof(type), KMOD "%s", md->type);
	if ((rc = decode(krb_defs, type, p, len, &el)) != 0)
		goto out;
	ref = xcalloc(1, sizeof(*ref));
	ref->raw = p;
	ref->raw_len = len;
	if ((rc = ref_fill(el, md->tag, ref)) != 0)
		goto out;
	if (fast->status != KRB_OK) {
		snprintf(why, whysz, "status: fast %s, reference decodes it",
		    fast->status == KRB_TRUNCATED ? "truncated" : "invalid");
		rc = 1;
		goto out;
	}
	compare(ref, fast, why, whysz);
	rc = why[0] != '\0';
out:
	if (rc < 0 && fast->status == KRB_OK) {
		snprintf(why, whysz, "status: fast ok, reference %s: %s",
		    rc == E_TRUNC ? "truncated" : "invalid", last_err);
		rc = 1;
	}
	if (el != NULL)
		asn1_delete_structure(&el);
	free(ref);
	return rc;
}
