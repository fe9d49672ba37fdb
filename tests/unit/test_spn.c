/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_spn.c - service principal names taken apart (src/spn.c): the
 * forms clients build (port, instance, short name, address, third
 * component, realm) and hostile ones.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cur.h"
#include "spn.h"
#include "tap.h"

static void	test_forms(void);
static void	test_addresses(void);
static void	test_hostile(void);
static void	bad(const char *, const char *);

static void
test_forms(void)
{
	struct spn_parts sp;

	is_int(spn_parse("MSSQLSvc/sql.corp.example:1433", &sp), 0,
	    "MSSQLSvc with port parses");
	is_str(sp.class, "MSSQLSvc", "class MSSQLSvc");
	is_str(sp.host, "sql.corp.example", "host sql.corp.example");
	is_int(sp.has_port, 1, "has a port");
	is_int(sp.port, 1433, "port 1433");
	is_str(sp.instance, "", "no instance");
	is_int(sp.ip_literal, 0, "not an address");
	is_int(sp.short_name, 0, "not a short name");
	is_str(sp.extra, "", "no third component");
	is_int(sp.has_realm, 0, "no realm");

	is_int(spn_parse("MSSQLSvc/sql.corp.example:INST1", &sp), 0,
	    "MSSQLSvc with instance parses");
	is_str(sp.host, "sql.corp.example", "instance: host");
	is_int(sp.has_port, 0, "instance: no port");
	is_str(sp.instance, "INST1", "instance INST1");

	is_int(spn_parse("HTTP/web", &sp), 0, "HTTP/web parses");
	is_str(sp.class, "HTTP", "class HTTP");
	is_str(sp.host, "web", "host web");
	is_int(sp.short_name, 1, "web is a short name");
	is_int(sp.has_port, 0, "HTTP/web: no port");

	is_int(spn_parse("cifs/host.corp.example/corp.example", &sp), 0,
	    "three components parse");
	is_str(sp.class, "cifs", "class cifs");
	is_str(sp.host, "host.corp.example", "cifs host");
	is_str(sp.extra, "corp.example", "third component: the domain");

	is_int(spn_parse("ldap/dc1.corp.example:389/corp.example", &sp), 0,
	    "port and third component parse");
	is_int(sp.port, 389, "ldap port 389");
	is_str(sp.extra, "corp.example", "ldap domain");

	is_int(spn_parse("krbtgt/CORP.EXAMPLE", &sp), 0, "krbtgt parses");
	is_str(sp.class, "krbtgt", "class krbtgt");
	is_str(sp.host, "CORP.EXAMPLE", "krbtgt: the realm as host");
	is_int(sp.is_krbtgt, 1, "krbtgt flagged");
	is_int(spn_parse("krbtgt/CORP", &sp), 0, "krbtgt/CORP parses");
	is_int(sp.short_name, 0, "a realm is no short name");

	is_int(spn_parse("host/name.corp.example@CORP.EXAMPLE", &sp), 0,
	    "realm tolerated");
	is_str(sp.host, "name.corp.example", "realm split off the host");
	is_int(sp.has_realm, 1, "has_realm");
	is_int(spn_parse("MSSQLSvc/sql:1433@LAB.EXAMPLE", &sp), 0,
	    "port and realm");
	is_int(sp.port, 1433, "port before the realm");
	is_int(sp.short_name, 1, "sql is a short name");

	is_int(spn_parse("MSSQLSvc/sql.lab.example:1533", &sp), 0,
	    "port 1533 parses");
	is_int(sp.port, 1533, "port 1533");
	is_int(spn_parse("a/b:65535", &sp), 0, "port 65535 parses");
	is_int(sp.port, 65535, "port 65535");
	is_int(spn_parse("E3514235-4B06-11D1-AB04-00C04FC2DCD2/"
	    "guid._msdcs.corp.example/corp.example", &sp), 0,
	    "DRS SPN parses");
	is_int((long long)strlen(sp.class), 36, "GUID class kept whole");
}

static void
test_addresses(void)
{
	struct spn_parts sp;

	is_int(spn_parse("HTTP/10.0.0.5", &sp), 0, "IPv4 literal parses");
	is_str(sp.host, "10.0.0.5", "IPv4 host");
	is_int(sp.ip_literal, 4, "IPv4 flagged");
	is_int(sp.short_name, 0, "an address is no short name");

	is_int(spn_parse("MSSQLSvc/192.0.2.40:1433", &sp), 0,
	    "IPv4 with port");
	is_int(sp.ip_literal, 4, "IPv4 with port flagged");
	is_int(sp.port, 1433, "IPv4 port");

	is_int(spn_parse("MSSQLSvc/[2001:db8::1]:1433", &sp), 0,
	    "bracketed IPv6 with port");
	is_str(sp.host, "2001:db8::1", "IPv6 host without brackets");
	is_int(sp.ip_literal, 6, "IPv6 flagged");
	is_int(sp.port, 1433, "IPv6 port");

	is_int(spn_parse("HTTP/2001:db8::5", &sp), 0, "plain IPv6");
	is_str(sp.host, "2001:db8::5", "plain IPv6 host");
	is_int(sp.ip_literal, 6, "plain IPv6 flagged");
	is_int(sp.has_port, 0, "plain IPv6: no port");

	is_int(spn_parse("HTTP/[2001:db8::5]", &sp), 0,
	    "bracketed IPv6 alone");
	is_int(sp.ip_literal, 6, "bracketed IPv6 alone flagged");

	is_int(spn_parse("HTTP/10.0.0.256", &sp), 0,
	    "not quite an address");
	is_int(sp.ip_literal, 0, "10.0.0.256 is a name");
}

static void
bad(const char *spn, const char *what)
{
	struct spn_parts sp;
	int rc;

	memset(&sp, 0x5a, sizeof(sp));
	rc = spn_parse(spn, &sp);
	ok(rc == E_INVALID && sp.class[0] == '\0' && sp.host[0] == '\0' &&
	    sp.has_port == 0, "rejected and cleared: %s", what);
}

static void
test_hostile(void)
{
	struct spn_parts sp;
	char *big;

	bad("", "empty");
	bad("/", "slash alone");
	bad("a/", "empty host");
	bad("/b", "empty class");
	bad("a/b:", "colon, nothing after");
	bad("a/b:99999", "port 99999");
	bad("a/b:0", "port 0");
	bad("a/b:123456", "six digits");
	bad("a/b:00000000001433", "long run of digits");
	bad("noslash", "no slash");
	bad("alice@CORP", "a user principal");
	bad("a/b/", "empty third component");
	bad("a/[2001:db8::1", "bracket left open");
	bad("a/[2001:db8::1]x", "junk after the bracket");
	bad("a/[not-v6]", "brackets around a name");
	bad("a/b:c:d", "two colons, no address");
	bad("a/b:IN:ST", "colon in the instance");
	bad("@", "realm only");
	bad("a/@REALM", "empty host before the realm");
	ok(spn_parse(NULL, &sp) == E_INVALID, "NULL rejected");

	big = malloc(SPN_INPUT_MAX + 64);
	if (big == NULL)
		return;
	memset(big, 'x', SPN_INPUT_MAX + 63);
	big[SPN_INPUT_MAX + 63] = '\0';
	big[3] = '/';
	bad(big, "longer than SPN_INPUT_MAX");
	/* a host longer than its field */
	big[SPN_HOST_MAX + 10] = '\0';
	bad(big, "host longer than SPN_HOST_MAX");
	/* a class longer than its field */
	memset(big, 'c', SPN_CLASS_MAX + 5);
	strcpy(big + SPN_CLASS_MAX + 5, "/host");
	bad(big, "class longer than SPN_CLASS_MAX");
	/* the longest host that fits */
	memcpy(big, "a/", 2);
	memset(big + 2, 'h', SPN_HOST_MAX - 1);
	big[SPN_HOST_MAX + 1] = '\0';
	is_int(spn_parse(big, &sp), 0, "host of SPN_HOST_MAX - 1 parses");
	is_int((long long)strlen(sp.host), SPN_HOST_MAX - 1,
	    "and is kept whole");
	/* an instance longer than its field */
	memcpy(big, "a/b:", 4);
	memset(big + 4, 'I', SPN_INST_MAX + 3);
	big[4 + SPN_INST_MAX + 3] = '\0';
	bad(big, "instance longer than SPN_INST_MAX");
	free(big);

	is_int(spn_parse("a/b:1", &sp), 0, "port 1 parses");
	is_int(sp.port, 1, "port 1");
	is_int(spn_parse("a/b@", &sp), 0, "empty realm tolerated");
	is_str(sp.host, "b", "host before an empty realm");
	is_int(spn_parse("x/y/z/w", &sp), 0, "four components");
	is_str(sp.extra, "z/w", "the rest in extra");
}

int
main(void)
{
	test_forms();
	test_addresses();
	test_hostile();
	return done_testing();
}
