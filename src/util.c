/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * util.c - allocation wrappers, printable copies, hashing, time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static void	fmt_ip6(char *, const uint8_t *);
static void	put_digits(char *, unsigned, int);
static int	civil_str(char *, int64_t);
static void	nomem(void) __attribute__((noreturn));

static void
nomem(void)
{
	fputs("krbscope: out of memory\n", stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		nomem();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		nomem();
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void *p;

	if ((p = realloc(old, n == 0 ? 1 : n)) == NULL)
		nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		nomem();
	return p;
}

static void
cut(char *dst, size_t dstsz)
{
	if (dstsz >= 4)
		memcpy(dst + dstsz - 4, "...", 4);
	else if (dstsz > 0)
		dst[dstsz - 1] = '\0';
}

char *
str_printable(char *dst, size_t dstsz, const uint8_t *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o, run;

	if (dstsz == 0)
		return dst;
	o = 0;
	for (i = 0; i < n;) {
		/* a run of plain printable bytes is copied at once */
		for (run = 0; i + run < n && src[i + run] >= 0x20 &&
		    src[i + run] < 0x7f && src[i + run] != '\\'; run++)
			;
		if (run > 0) {
			if (o + run >= dstsz)
				goto cut;
			memcpy(dst + o, src + i, run);
			o += run;
			i += run;
			continue;
		}
		if (src[i] == '\\') {
			if (o + 2 >= dstsz)
				goto cut;
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			if (o + 4 >= dstsz)
				goto cut;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[src[i] >> 4];
			dst[o++] = hex[src[i] & 0xf];
		}
		i++;
	}
	dst[o] = '\0';
	return dst;
cut:
	/* what fits, then "..." over the last three places */
	if (o > dstsz - 1)
		o = dstsz - 1;
	while (o < dstsz - 1 && i < n && src[i] >= 0x20 && src[i] < 0x7f &&
	    src[i] != '\\')
		dst[o++] = (char)src[i++];
	dst[o] = '\0';
	cut(dst, dstsz);
	return dst;
}

void
str_append(char *dst, size_t dstsz, const char *src)
{
	size_t o, n;

	o = strlen(dst);
	n = strlen(src);
	if (o + n < dstsz) {
		memcpy(dst + o, src, n + 1);
		return;
	}
	if (o < dstsz) {
		memcpy(dst + o, src, dstsz - o - 1);
		dst[dstsz - 1] = '\0';
	}
	cut(dst, dstsz);
}

uint64_t
hash64(const void *data, size_t n, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h, w;
	size_t i;

	h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	while (n >= 8) {
		memcpy(&w, p, 8);
		h = hash_step(h, w);
		p += 8;
		n -= 8;
	}
	w = 0;
	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return hash_mix(h ^ w ^ ((uint64_t)n << 56));
}

void
hash128(const void *data, size_t n, uint64_t seed, uint8_t out[16])
{
	uint64_t a, b;
	int i;

	a = hash64(data, n, seed);
	b = hash64(data, n, seed ^ 0x6a09e667f3bcc908ULL ^ a);
	for (i = 0; i < 8; i++) {
		out[i] = (uint8_t)(a >> (56 - 8 * i));
		out[8 + i] = (uint8_t)(b >> (56 - 8 * i));
	}
}

/*
 * "YYYY-MM-DDTHH:MM:SS" of a second, from a small cache: a capture's
 * messages share few distinct seconds, and gmtime_r + snprintf per
 * message was most of the cost of writing JSON.
 */
/* n as exactly w decimal digits at dst. */
static void
put_digits(char *dst, unsigned n, int w)
{
	while (w-- > 0) {
		dst[w] = (char)('0' + n % 10);
		n /= 10;
	}
}

/*
 * "YYYY-MM-DDTHH:MM:SS" of a second in years 0000..9999 of the proleptic
 * Gregorian calendar, by the day count (days to civil date in 400-year
 * eras): 1, or 0 outside that range (gmtime_r then decides).
 */
static int
civil_str(char *dst, int64_t sec)
{
	int64_t days, era, z;
	unsigned doe, yoe, doy, mp, d, m, sod;
	int64_t y;

	/* 0000-01-01 and 9999-12-31T23:59:59 */
	if (sec < -62167219200LL || sec > 253402300799LL)
		return 0;
	days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	sod = (unsigned)(sec - days * 86400);
	z = days + 719468;		/* from 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	if (y < 0 || y > 9999)
		return 0;
	put_digits(dst, (unsigned)y, 4);
	dst[4] = '-';
	put_digits(dst + 5, m, 2);
	dst[7] = '-';
	put_digits(dst + 8, d, 2);
	dst[10] = 'T';
	put_digits(dst + 11, sod / 3600, 2);
	dst[13] = ':';
	put_digits(dst + 14, sod / 60 % 60, 2);
	dst[16] = ':';
	put_digits(dst + 17, sod % 60, 2);
	dst[19] = '\0';
	return 1;
}

static const char *
second_str(int64_t sec)
{
	static struct {
		int64_t	 sec;
		int	 ok;
		char	 s[64];
	} cache[4];
	static unsigned next;
	struct tm tm;
	time_t t;
	unsigned i;

	for (i = 0; i < 4; i++)
		if (cache[i].ok && cache[i].sec == sec)
			return cache[i].s;
	i = next++ % 4;
	if (!civil_str(cache[i].s, sec)) {
		t = (time_t)sec;
		if (gmtime_r(&t, &tm) == NULL)
			snprintf(cache[i].s, sizeof(cache[i].s), "%lld",
			    (long long)sec);
		else
			snprintf(cache[i].s, sizeof(cache[i].s),
			    "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year +
			    1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			    tm.tm_min, tm.tm_sec);
	}
	cache[i].sec = sec;
	cache[i].ok = 1;
	return cache[i].s;
}

void
fmt_time_iso(char *dst, size_t dstsz, int64_t sec, long usec)
{
	const char *d;
	size_t n;
	int k;

	d = second_str(sec);
	n = strlen(d);
	if (dstsz < n + 9) {
		snprintf(dst, dstsz, "%s", d);
		return;
	}
	memcpy(dst, d, n);
	if (usec >= 0 && usec < 1000000) {
		dst[n] = '.';
		for (k = 6; k >= 1; k--) {
			dst[n + (size_t)k] = (char)('0' + usec % 10);
			usec /= 10;
		}
		n += 7;
	}
	dst[n] = 'Z';
	dst[n + 1] = '\0';
}

/*
 * An IPv6 address as inet_ntop() writes it (RFC 5952 zero compression;
 * the last 32 bits dotted for ::a.b.c.d and ::ffff:a.b.c.d), without its
 * sprintf() per group: this runs for every record of an IPv6 capture.
 */
static void
fmt_ip6(char *dst, const uint8_t *a)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8], v;
	int i, k, base, len, cur, curlen, started;
	size_t o;

	base = -1;
	len = 0;
	cur = -1;
	curlen = 0;
	for (i = 0; i < 8; i++) {
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (w[i] == 0) {
			if (cur < 0) {
				cur = i;
				curlen = 0;
			}
			curlen++;
			if (curlen > len) {
				base = cur;
				len = curlen;
			}
		} else
			cur = -1;
	}
	if (len < 2)
		base = -1;
	o = 0;
	for (i = 0; i < 8; i++) {
		if (base >= 0 && i >= base && i < base + len) {
			if (i == base)
				dst[o++] = ':';
			continue;
		}
		if (i > 0)
			dst[o++] = ':';
		if (i == 6 && base == 0 && (len == 6 ||
		    (len == 5 && w[5] == 0xffff))) {
			for (k = 12; k < 16; k++) {
				v = a[k];
				if (k > 12)
					dst[o++] = '.';
				if (v >= 100)
					dst[o++] = (char)('0' + v / 100);
				if (v >= 10)
					dst[o++] = (char)('0' + v / 10 % 10);
				dst[o++] = (char)('0' + v % 10);
			}
			dst[o] = '\0';
			return;
		}
		started = 0;
		for (k = 12; k >= 0; k -= 4) {
			v = (w[i] >> k) & 0xf;
			if (v != 0 || started || k == 0) {
				dst[o++] = hex[v];
				started = 1;
			}
		}
	}
	if (base >= 0 && base + len == 8)
		dst[o++] = ':';
	dst[o] = '\0';
}

void
fmt_addr(char *dst, size_t dstsz, int family, const uint8_t *addr)
{
	size_t o;
	int i;
	unsigned v;

	if (family == AF_INET6 && dstsz >= INET6_ADDRSTRLEN) {
		fmt_ip6(dst, addr);
		return;
	}
	if (family != AF_INET || dstsz < 16) {
		if (inet_ntop(family, addr, dst, (socklen_t)dstsz) == NULL)
			snprintf(dst, dstsz, "?");
		return;
	}
	for (o = 0, i = 0; i < 4; i++) {
		v = addr[i];
		if (i > 0)
			dst[o++] = '.';
		if (v >= 100)
			dst[o++] = (char)('0' + v / 100);
		if (v >= 10)
			dst[o++] = (char)('0' + v / 10 % 10);
		dst[o++] = (char)('0' + v % 10);
	}
	dst[o] = '\0';
}

double
tv_diff(const struct timeval *a, const struct timeval *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_usec - b->tv_usec) / 1e6;
}

/* Text folded at width, every line after the first indented by ind. */
void
fput_wrapped(FILE *fp, const char *s, int col, int ind, int width)
{
	const char *w;
	size_t n;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		for (w = s; *w != '\0' && *w != ' '; w++)
			;
		n = (size_t)(w - s);
		if (n == 0)
			break;
		if (col > ind && col + 1 + (int)n > width) {
			fprintf(fp, "\n%*s", ind, "");
			col = ind;
		} else if (col > ind) {
			fputc(' ', fp);
			col++;
		}
		fwrite(s, 1, n, fp);
		col += (int)n;
		s = w;
	}
	fputc('\n', fp);
}

/*
 * printf into dst, cut to fit: for texts capped by design, through
 * vsnprintf, whose truncation the compiler does not second-guess.
 */
void
str_printf(char *dst, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(dst, sz, fmt, ap);
	va_end(ap);
}
