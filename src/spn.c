/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * spn.c - service principal names taken apart (RFC 4120 6.2 for the
 * two-component service name, MS-ADTS 2.2.21 "serviceClass/host:port/
 * serviceName", MS-SQLR / SQL Server's "MSSQLSvc/fqdn:port" and
 * "MSSQLSvc/fqdn:instancename"). The name is text the Kerberos decoder
 * already made printable; every read stays inside its length.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "spn.h"

static int	copy_part(char *, size_t, const char *, size_t);
static const char *find_char(const char *, const char *, int);
static int	parse_port(struct spn_parts *, const char *, size_t);

/* A part of n bytes into dst: 0, or -1 when empty or too long. */
static int
copy_part(char *dst, size_t dstsz, const char *p, size_t n)
{
	if (n == 0 || n >= dstsz)
		return -1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

/* The first c in [p, end), or NULL. */
static const char *
find_char(const char *p, const char *end, int c)
{
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
}

/* What follows the ':' of "host:": a port (digits) or an instance. */
static int
parse_port(struct spn_parts *sp, const char *p, size_t n)
{
	uint32_t v;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			break;
	if (i < n) {
		/* an instance name: no ':' or '/' in it */
		if (find_char(p, p + n, ':') != NULL)
			return -1;
		return copy_part(sp->instance, sizeof(sp->instance), p, n);
	}
	if (n > 5)
		return -1;
	v = 0;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint32_t)(p[i] - '0');
	if (v == 0 || v > 65535)
		return -1;
	sp->has_port = 1;
	sp->port = (uint16_t)v;
	return 0;
}

int
spn_parse(const char *spn, struct spn_parts *out)
{
	struct spn_parts sp;
	struct in6_addr a6;
	struct in_addr a4;
	const char *p, *end, *slash, *seg_end, *close, *colon;
	size_t len;

	memset(out, 0, sizeof(*out));
	memset(&sp, 0, sizeof(sp));
	if (spn == NULL)
		return E_INVALID;
	len = strnlen(spn, SPN_INPUT_MAX + 1);
	if (len > SPN_INPUT_MAX)
		return E_INVALID;
	end = spn + len;
	/* "...@REALM": the realm goes (the last '@') */
	for (p = end; p > spn; p--)
		if (p[-1] == '@') {
			end = p - 1;
			sp.has_realm = 1;
			break;
		}
	if ((slash = find_char(spn, end, '/')) == NULL)
		return E_INVALID;
	if (copy_part(sp.class, sizeof(sp.class), spn,
	    (size_t)(slash - spn)) != 0)
		return E_INVALID;
	sp.is_krbtgt = strcmp(sp.class, "krbtgt") == 0;
	p = slash + 1;
	if ((seg_end = find_char(p, end, '/')) == NULL)
		seg_end = end;
	colon = NULL;
	if (p < seg_end && *p == '[') {
		/* "[2001:db8::1]" or "[2001:db8::1]:1433" */
		if ((close = find_char(p + 1, seg_end, ']')) == NULL)
			return E_INVALID;
		if (copy_part(sp.host, sizeof(sp.host), p + 1,
		    (size_t)(close - p - 1)) != 0)
			return E_INVALID;
		if (inet_pton(AF_INET6, sp.host, &a6) != 1)
			return E_INVALID;
		sp.ip_literal = 6;
		if (close + 1 < seg_end) {
			if (close[1] != ':')
				return E_INVALID;
			colon = close + 1;
		}
	} else {
		colon = find_char(p, seg_end, ':');
		if (colon != NULL && find_char(colon + 1, seg_end, ':') !=
		    NULL) {
			/* two colons or more: a plain IPv6 address */
			if (copy_part(sp.host, sizeof(sp.host), p,
			    (size_t)(seg_end - p)) != 0 ||
			    inet_pton(AF_INET6, sp.host, &a6) != 1)
				return E_INVALID;
			sp.ip_literal = 6;
			colon = NULL;
		} else {
			if (copy_part(sp.host, sizeof(sp.host), p,
			    (size_t)((colon != NULL ? colon : seg_end) - p)) !=
			    0)
				return E_INVALID;
			if (inet_pton(AF_INET, sp.host, &a4) == 1)
				sp.ip_literal = 4;
		}
	}
	if (colon != NULL && parse_port(&sp, colon + 1,
	    (size_t)(seg_end - colon - 1)) != 0)
		return E_INVALID;
	if (seg_end < end && copy_part(sp.extra, sizeof(sp.extra),
	    seg_end + 1, (size_t)(end - seg_end - 1)) != 0)
		return E_INVALID;
	sp.short_name = !sp.is_krbtgt && sp.ip_literal == 0 &&
	    strchr(sp.host, '.') == NULL;
	*out = sp;
	return 0;
}
