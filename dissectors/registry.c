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

_Static_assert(sizeof(registry) / sizeof(registry[0]) <= 16 + 1,
    "probe_mask holds 16 dissectors");

#define EXTRA_PORTS	32

/* Ports added with --port NAME=PORT. */
static struct {
	const struct dissector	*dis;
	uint16_t		 port;
} extra[EXTRA_PORTS];
static int	n_extra;

uint8_t		registry_hints[2][65536 / 8];
/* per transport and port: 1 + index in registry[] of its dissector */
static uint8_t	port_owner[2][65536];
/* per transport and first payload byte: bit i set when registry[i]'s
 * probe may accept it */
static uint16_t	probe_mask[2][256];
static uint16_t	deep_mask;		/* DIS_F_PROBE_DEEP dissectors */
static int	probe_mask_built;

static int	has_port(const struct dissector *, uint16_t);
static void	set_owner(int, uint16_t, const struct dissector *const *);
static void	build_probe_mask(void);
static const struct dissector *probe_sel(int, const uint8_t *, size_t,
		    unsigned);

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

/* Asks each dissector which first bytes its probe may accept. */
static void
build_probe_mask(void)
{
	const struct dissector *const *d;
	int t, b, tr;

	memset(probe_mask, 0, sizeof(probe_mask));
	deep_mask = 0;
	for (d = registry; *d != NULL; d++)
		if ((*d)->flags & DIS_F_PROBE_DEEP)
			deep_mask |= (uint16_t)(1u << (d - registry));
	for (d = registry; *d != NULL; d++)
		for (t = 0; t < 2; t++) {
			tr = t == 0 ? TRANSPORT_UDP : TRANSPORT_TCP;
			if (((*d)->transports & TRANSPORT_MASK(tr)) == 0 ||
			    (*d)->probe == NULL)
				continue;
			for (b = 0; b < 256; b++)
				if ((*d)->may_start == NULL ||
				    (*d)->may_start((uint8_t)b, tr))
					probe_mask[t][b] |=
					    (uint16_t)(1u << (d - registry));
		}
	probe_mask_built = 1;
}

void
registry_hints_update(void)
{
	const struct dissector *const *d;
	int t, i;

	memset(registry_hints, 0, sizeof(registry_hints));
	memset(port_owner, 0, sizeof(port_owner));
	for (d = registry; *d != NULL; d++)
		for (t = 0; t < 2; t++) {
			if (((*d)->transports & TRANSPORT_MASK(t == 0 ?
			    TRANSPORT_UDP : TRANSPORT_TCP)) == 0)
				continue;
			for (i = 0; i < DIS_MAX_PORTS && (*d)->ports[i] != 0;
			    i++)
				set_owner(t, (*d)->ports[i], d);
			for (i = 0; i < n_extra; i++)
				if (extra[i].dis == *d)
					set_owner(t, extra[i].port, d);
		}
}

/* The first dissector (in registry order) with a port keeps it. */
static void
set_owner(int t, uint16_t port, const struct dissector *const *d)
{
	registry_hints[t][port >> 3] |= (uint8_t)(1 << (port & 7));
	if (port_owner[t][port] == 0)
		port_owner[t][port] = (uint8_t)(d - registry + 1);
}

/* The dissector whose port hint matches; the responder's port first. */
const struct dissector *
registry_by_port(int transport, uint16_t sport, uint16_t dport)
{
	const uint8_t *own = port_owner[transport == TRANSPORT_TCP];

	if (dport != 0 && own[dport] != 0)
		return registry[own[dport] - 1];
	if (sport != 0 && own[sport] != 0)
		return registry[own[sport] - 1];
	return NULL;
}

const struct dissector *
registry_probe(int transport, const uint8_t *p, size_t len)
{
	return probe_sel(transport, p, len, 0xffffu);
}

const struct dissector *
registry_probe_deep(int transport, const uint8_t *p, size_t len)
{
	if (!probe_mask_built)
		build_probe_mask();
	return probe_sel(transport, p, len, deep_mask);
}

/* The probes of the dissectors in sel, registry order. */
static const struct dissector *
probe_sel(int transport, const uint8_t *p, size_t len, unsigned sel)
{
	const struct dissector *d;
	struct cur c;
	unsigned mask;
	int i;

	if (len == 0 || (transport != TRANSPORT_UDP &&
	    transport != TRANSPORT_TCP))
		return NULL;
	if (!probe_mask_built)
		build_probe_mask();
	/* registry order: the lowest bit first */
	cur_init(&c, p, len);
	mask = probe_mask[transport == TRANSPORT_TCP][cur_peek_u8(&c, 0)] &
	    sel;
	while (mask != 0) {
		i = __builtin_ctz(mask);
		mask &= mask - 1;
		d = registry[i];
		if (d->probe(p, len, transport))
			return d;
	}
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
