/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * registry.c - the one list of dissectors; port hints and content probes.
 */
#include "config.h"

#include <string.h>

#include "cur.h"
#include "dissector.h"

extern const struct dissector dis_kerberos;
extern const struct dissector dis_tds;
extern const struct dissector dis_smb;
extern const struct dissector dis_ldap;
extern const struct dissector dis_dcerpc;
extern const struct dissector dis_http;
extern const struct dissector dis_dns;
extern const struct dissector dis_gss;

/*
 * Probes run in this order on unclaimed traffic: the specific carriers
 * first, the catch-all GSS-API stream probe last.
 */
static const struct dissector *const registry[] = {
	&dis_kerberos,
	&dis_tds,
	&dis_smb,
	&dis_ldap,
	&dis_dcerpc,
	&dis_http,
	&dis_dns,
	&dis_gss,
	NULL
};

#define EXTRA_PORTS	32

/* Ports added with --port NAME=PORT. */
static struct {
	const struct dissector	*dis;
	uint16_t		 port;
} extra[EXTRA_PORTS];
static int	n_extra;

uint8_t		registry_hints[2][65536 / 8];

static int	has_port(const struct dissector *, uint16_t);

static int
has_port(const struct dissector *d, uint16_t port)
{
	int i;

	if (port == 0)
		return 0;
	for (i = 0; i < DIS_MAX_PORTS && d->ports[i] != 0; i++)
		if (d->ports[i] == port)
			return 1;
	for (i = 0; i < n_extra; i++)
		if (extra[i].dis == d && extra[i].port == port)
			return 1;
	return 0;
}

void
registry_hints_update(void)
{
	const struct dissector *const *d;
	int t, i;

	memset(registry_hints, 0, sizeof(registry_hints));
	for (d = registry; *d != NULL; d++)
		for (t = 0; t < 2; t++) {
			if (((*d)->transports & TRANSPORT_MASK(t == 0 ?
			    TRANSPORT_UDP : TRANSPORT_TCP)) == 0)
				continue;
			for (i = 0; i < DIS_MAX_PORTS && (*d)->ports[i] != 0;
			    i++)
				registry_hints[t][(*d)->ports[i] >> 3] |=
				    (uint8_t)(1 << ((*d)->ports[i] & 7));
			for (i = 0; i < n_extra; i++)
				if (extra[i].dis == *d)
					registry_hints[t][extra[i].port >> 3] |=
					    (uint8_t)(1 << (extra[i].port & 7));
		}
}

/* The dissector whose port hint matches; the responder's port first. */
const struct dissector *
registry_by_port(int transport, uint16_t sport, uint16_t dport)
{
	const struct dissector *const *d;

	for (d = registry; *d != NULL; d++)
		if (((*d)->transports & TRANSPORT_MASK(transport)) &&
		    has_port(*d, dport))
			return *d;
	for (d = registry; *d != NULL; d++)
		if (((*d)->transports & TRANSPORT_MASK(transport)) &&
		    has_port(*d, sport))
			return *d;
	return NULL;
}

const struct dissector *
registry_probe(int transport, const uint8_t *p, size_t len)
{
	const struct dissector *const *d;

	for (d = registry; *d != NULL; d++)
		if (((*d)->transports & TRANSPORT_MASK(transport)) &&
		    (*d)->probe != NULL && (*d)->probe(p, len, transport))
			return *d;
	return NULL;
}

const struct dissector *
registry_by_name(const char *name)
{
	const struct dissector *const *d;

	for (d = registry; *d != NULL; d++)
		if (strcmp((*d)->name, name) == 0)
			return *d;
	return NULL;
}

int
registry_add_port(const char *name, uint16_t port)
{
	const struct dissector *d;

	if ((d = registry_by_name(name)) == NULL)
		return E_INVALID;
	if (port == 0)
		return E_INVALID;
	if (has_port(d, port))
		return 0;
	if (n_extra == EXTRA_PORTS)
		return E_LIMIT;
	extra[n_extra].dis = d;
	extra[n_extra].port = port;
	n_extra++;
	registry_hints_update();
	return 0;
}

void
registry_reset_ports(void)
{
	n_extra = 0;
	registry_hints_update();
}
