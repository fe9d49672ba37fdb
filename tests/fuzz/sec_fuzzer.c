/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * sec_fuzzer.c - fuzz target for the security layers: SPNEGO (RFC 4178,
 * MS-SPNG 2.2), NTLMSSP (MS-NLMP 2.2.1) and sec_token()'s dispatch
 * (GSS-API framing, RFC 2743 3.1). The first input byte selects the
 * decoder (sel % 3: spnego_decode, ntlm_decode, sec_token; bit 2:
 * SEC_F_NO_RAW_KRB), the rest is the blob, copied into a buffer of its
 * exact size so that any overread faults. Every string of every record
 * is read in full. Built with libFuzzer (--enable-fuzzing) or replay.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "dissector.h"
#include "engine.h"
#include "krb.h"
#include "record.h"
#include "sec.h"

int		LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	touched;

static void	check_str(const char *, size_t);
static void	check_spnego(const struct spnego_info *);
static void	check_ntlm(const struct ntlm_msg *);
static void	on_krb(void *, const struct msg_ctx *,
		    const struct krb_msg *);
static void	on_ntlm(void *, const struct msg_ctx *,
		    const struct ntlm_msg *);
static void	on_spnego(void *, const struct msg_ctx *,
		    const struct spnego_info *);

/* A record's string must be terminated inside its array; read it all. */
static void
check_str(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
	touched += strlen(s);
}

static void
check_spnego(const struct spnego_info *sp)
{
	int i;

	if (sp->status != KRB_OK && sp->status != KRB_TRUNCATED &&
	    sp->status != KRB_INVALID)
		abort();
	if (sp->n_mechs < 0 || sp->neg_state < -1 ||
	    sp->neg_state > SPNEGO_REQUEST_MIC)
		abort();
	for (i = 0; i < sp->n_mechs && i < SPNEGO_MAX_MECHS; i++)
		(void)sec_mech_name(sp->mechs[i]);
	(void)sec_mech_name(sp->supported_mech);
	(void)spnego_state_name(sp->neg_state);
	check_str(sp->hint_name, sizeof(sp->hint_name));
}

static void
check_ntlm(const struct ntlm_msg *m)
{
	unsigned bit;

	if (m->status != KRB_OK && m->status != KRB_TRUNCATED &&
	    m->status != KRB_INVALID)
		abort();
	if (m->av_error < NTLM_AV_OK || m->av_error > NTLM_AV_TRUNCATED ||
	    m->response < NTLM_RESP_NONE || m->response > NTLM_RESP_V2)
		abort();
	check_str(m->domain, sizeof(m->domain));
	check_str(m->user, sizeof(m->user));
	check_str(m->workstation, sizeof(m->workstation));
	check_str(m->target_name, sizeof(m->target_name));
	check_str(m->nb_computer, sizeof(m->nb_computer));
	check_str(m->nb_domain, sizeof(m->nb_domain));
	check_str(m->dns_computer, sizeof(m->dns_computer));
	check_str(m->dns_domain, sizeof(m->dns_domain));
	check_str(m->dns_tree, sizeof(m->dns_tree));
	check_str(m->av_target_name, sizeof(m->av_target_name));
	(void)ntlm_msg_name(m->msg_type);
	(void)ntlm_av_error_name(m->av_error);
	for (bit = 0; bit < 32; bit++)
		if (m->flags & (1u << bit))
			(void)ntlm_flag_name(bit);
}

static void
on_krb(void *arg, const struct msg_ctx *mc, const struct krb_msg *m)
{
	size_t i;

	(void)arg;
	if (mc->carrier == NULL || strcmp(mc->carrier, "fuzz") != 0)
		abort();
	if (mc->spnego != NULL)
		check_spnego(mc->spnego);
	check_str(m->cname, sizeof(m->cname));
	check_str(m->crealm, sizeof(m->crealm));
	check_str(m->sname, sizeof(m->sname));
	check_str(m->realm, sizeof(m->realm));
	check_str(m->e_text, sizeof(m->e_text));
	check_str(m->ticket.sname, sizeof(m->ticket.sname));
	check_str(m->ticket.realm, sizeof(m->ticket.realm));
	/* the raw bytes are read in full (they lie inside the blob) */
	for (i = 0; i < m->raw_len; i++)
		touched += m->raw[i];
	(void)krb_msg_name(m->msg_type);
	(void)krb_gss_tok_name(m->gss_tok_id);
}

static void
on_ntlm(void *arg, const struct msg_ctx *mc, const struct ntlm_msg *m)
{
	size_t i;

	(void)arg;
	if (mc->spnego != NULL)
		check_spnego(mc->spnego);
	check_ntlm(m);
	for (i = 0; i < m->raw_len; i++)
		touched += m->raw[i];
}

static void
on_spnego(void *arg, const struct msg_ctx *mc, const struct spnego_info *sp)
{
	(void)arg;
	if (mc->spnego != NULL)
		abort();
	check_spnego(sp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_ops ops;
	struct engine eng;
	struct pkt_meta pkt;
	struct dis_ctx ctx;
	struct spnego_info sp;
	struct ntlm_msg nm;
	const uint8_t *tok;
	uint8_t *blob;
	size_t n, tok_len, i;
	unsigned sel;

	if (size == 0)
		return 0;
	sel = data[0];
	n = size - 1;
	blob = malloc(n > 0 ? n : 1);
	if (blob == NULL)
		abort();
	memcpy(blob, data + 1, n);

	(void)sec_probe(blob, n, 0);
	(void)sec_probe(blob, n, SEC_F_NO_RAW_KRB);
	switch (sel % 3) {
	case 0:
		if (spnego_decode(blob, n, &sp, &tok, &tok_len) != E_UNSUPP)
			check_spnego(&sp);
		if (tok != NULL) {
			if (tok < blob || tok + tok_len > blob + n)
				abort();
			for (i = 0; i < tok_len; i++)
				touched += tok[i];
		}
		break;
	case 1:
		(void)ntlm_decode(blob, n, &nm);
		check_ntlm(&nm);
		break;
	default:
		memset(&ops, 0, sizeof(ops));
		ops.krb = on_krb;
		ops.ntlm = on_ntlm;
		ops.spnego = on_spnego;
		engine_init(&eng, &ops);
		memset(&pkt, 0, sizeof(pkt));
		pkt.frame = 1;
		memset(&ctx, 0, sizeof(ctx));
		ctx.eng = &eng;
		ctx.pkt = &pkt;
		ctx.family = 2;
		ctx.transport = TRANSPORT_TCP;
		(void)sec_token(&ctx, "fuzz", blob, n,
		    (sel & 4) ? SEC_F_NO_RAW_KRB : 0);
		if (ctx.spnego != NULL)
			abort();
		engine_fini(&eng);
		break;
	}
	free(blob);
	return 0;
}
