/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_util.c - printable copies, hashing, time and address formatting.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "tap.h"
#include "util.h"

static void
test_printable(void)
{
	char buf[16];
	const uint8_t bin[] = { 'a', 0x00, '\\', 0x7f, 'z' };

	is_str(str_printable(buf, sizeof(buf), (const uint8_t *)"alice", 5),
	    "alice", "printable text is copied as is");
	is_str(str_printable(buf, sizeof(buf), bin, sizeof(bin)),
	    "a\\x00\\\\\\x7fz", "control bytes and backslash escaped");
	is_str(str_printable(buf, 8, (const uint8_t *)"0123456789", 10),
	    "0123...", "a long string is cut with ...");
	is_str(str_printable(buf, sizeof(buf), NULL, 0), "",
	    "empty input gives an empty string");
	buf[0] = '\0';
	str_append(buf, sizeof(buf), "HTTP");
	str_append(buf, sizeof(buf), "/");
	str_append(buf, sizeof(buf), "web.example");
	is_str(buf, "HTTP/web.exa...", "str_append cuts with ...");
}

static void
test_hash(void)
{
	uint8_t a[16], b[16], c[16];
	const char x[] = "the enc-part cipher of a ticket";

	hash128(x, sizeof(x), 1, a);
	hash128(x, sizeof(x), 1, b);
	ok(memcmp(a, b, 16) == 0, "hash128 is stable");
	hash128(x, sizeof(x) - 1, 1, c);
	ok(memcmp(a, c, 16) != 0, "hash128 depends on the length");
	hash128(x, sizeof(x), 2, c);
	ok(memcmp(a, c, 16) != 0, "hash128 depends on the seed");
	ok(hash64("a", 1, 0) != hash64("b", 1, 0), "hash64 differs by byte");
	ok(hash64("", 0, 0) != hash64("", 0, 1), "hash64 of nothing: seed");
}

/* The calendar arithmetic against gmtime_r, second by second around
 * the edges and day by day over the years KerberosTime meets. */
static void
test_calendar(void)
{
	static const int64_t edges[] = {
		0, -1, 86399, 86400, 951782400, 951868799, 951868800,
		4107542399LL, 4107542400LL, 2147483647, 2147483648LL,
		-2208988800LL, -62167219200LL, 253402300799LL
	};
	char buf[64], want[64];
	struct tm tm;
	time_t t;
	int64_t s;
	size_t i;
	int bad, checked;

	bad = checked = 0;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		for (s = edges[i] - 2; s <= edges[i] + 2; s++) {
			t = (time_t)s;
			if (gmtime_r(&t, &tm) == NULL ||
			    tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
				continue;
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:"
			    "%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
			fmt_time_iso(buf, sizeof(buf), s, -1);
			bad += strcmp(buf, want) != 0;
			checked++;
		}
	/* every day 1900..2200 at 12:34:56 */
	for (s = -2208988800LL + 45296; s < 7258118400LL; s += 86400) {
		t = (time_t)s;
		if (gmtime_r(&t, &tm) == NULL)
			continue;
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		fmt_time_iso(buf, sizeof(buf), s, -1);
		bad += strcmp(buf, want) != 0;
		checked++;
	}
	ok(checked > 100000 && bad == 0, "ISO time agrees with gmtime_r "
	    "(%d checked, %d differ)", checked, bad);
}

static void
test_format(void)
{
	char buf[64];
	const uint8_t v4[4] = { 192, 0, 2, 1 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	v6[15] = 1;
	fmt_time_iso(buf, sizeof(buf), 1397077795, 123456);
	is_str(buf, "2014-04-09T21:09:55.123456Z", "ISO time with usec");
	fmt_time_iso(buf, sizeof(buf), 0, -1);
	is_str(buf, "1970-01-01T00:00:00Z", "ISO time without usec");
	test_calendar();
	fmt_addr(buf, sizeof(buf), AF_INET, v4);
	is_str(buf, "192.0.2.1", "IPv4 address");
	fmt_addr(buf, sizeof(buf), AF_INET6, v6);
	is_str(buf, "2001:db8::1", "IPv6 address");
}

int
main(void)
{
	struct timeval a = { 10, 500000 }, b = { 8, 750000 };

	test_printable();
	test_hash();
	test_format();
	ok(tv_diff(&a, &b) > 1.74 && tv_diff(&a, &b) < 1.76, "tv_diff");
	return done_testing();
}
