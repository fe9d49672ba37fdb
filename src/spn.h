/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * spn.h - service principal names taken apart: "class/host[:port or
 * instance][/extra]" (RFC 4120 6.2, MS-ADTS 2.2.21, MS-SQLR for the
 * MSSQLSvc port or instance).
 */
#ifndef KS_SPN_H
#define KS_SPN_H

#include <stdint.h>

#define SPN_CLASS_MAX	64	/* "MSSQLSvc", a DRS GUID (36) */
#define SPN_HOST_MAX	256	/* a DNS name (253) */
#define SPN_INST_MAX	64	/* a SQL Server instance name */
#define SPN_EXTRA_MAX	256	/* the third component */
#define SPN_INPUT_MAX	4096	/* longer input is not an SPN */

struct spn_parts {
	char		 class[SPN_CLASS_MAX];	/* "MSSQLSvc", "HTTP", ... */
	char		 host[SPN_HOST_MAX];	/* without brackets, port,
						 * realm */
	int		 has_port;
	uint16_t	 port;			/* 1..65535 */
	char		 instance[SPN_INST_MAX];	/* "host:INST1": "" or
							 * the name */
	int		 ip_literal;	/* 0, 4 or 6: host is an address */
	int		 short_name;	/* host has no dot and is no address
					 * (not set for krbtgt: a realm) */
	int		 is_krbtgt;	/* class "krbtgt": host is a realm */
	char		 extra[SPN_EXTRA_MAX];	/* "cifs/h/corp.example":
						 * "corp.example" */
	int		 has_realm;	/* "...@REALM" was split off */
};

/*
 * Takes spn apart into *out. 0 when it is well-formed; E_INVALID (and
 * *out cleared) when not: no '/', an empty class or host, a ':' with
 * nothing after it, a port outside 1..65535, a bracket left open, a part
 * longer than its field, or more than SPN_INPUT_MAX bytes.
 */
int		 spn_parse(const char *spn, struct spn_parts *out);

#endif /* KS_SPN_H */
