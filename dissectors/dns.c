/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dns.c - placeholder: the dns carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_dns = {
	.name		= "dns",
	.transports	= TRANSPORT_MASK(TRANSPORT_UDP) |
			    TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 53, 0 },
};
