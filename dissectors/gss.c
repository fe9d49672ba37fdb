/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * gss.c - placeholder: the gss carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_gss = {
	.name		= "gss",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 0 },
};
