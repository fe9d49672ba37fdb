/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * smb.c - placeholder: the smb2 carrier (being written).
 */
#include "config.h"

#include "dissector.h"

const struct dissector dis_smb = {
	.name		= "smb2",
	.transports	= TRANSPORT_MASK(TRANSPORT_TCP),
	.ports		= { 445,139, 0 },
};
