/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * ldap.c - placeholder: the ldap carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_ldap = {
	.name		= "ldap",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 389,3268, 0 },
};
