/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dcerpc.c - placeholder: the dcerpc carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_dcerpc = {
	.name		= "dcerpc",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 135, 0 },
};

void
dcerpc_pipe_data(struct dis_ctx *ctx, const uint8_t *p, size_t len)
{
	(void)ctx;
	(void)p;
	(void)len;
}
