/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tds.c - placeholder: the tds carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_tds = {
	.name		= "tds",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 1433, 0 },
};
