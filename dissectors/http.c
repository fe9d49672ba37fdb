/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * http.c - placeholder: the http carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_http = {
	.name		= "http",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 80,8080,443, 0 },
};
