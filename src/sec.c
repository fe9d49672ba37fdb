/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * sec.c - placeholder: GSS-API / SPNEGO / NTLMSSP (being written).
 */
#include "config.h"

#include "dissector.h"
#include "sec.h"

int
sec_token(struct dis_ctx *ctx, const char *carrier, const uint8_t *p,
    size_t len, unsigned flags)
{
	(void)ctx; (void)carrier; (void)p; (void)len; (void)flags;
	return SEC_NONE;
}

int
sec_probe(const uint8_t *p, size_t len, unsigned flags)
{
	(void)p; (void)len; (void)flags;
	return 0;
}
