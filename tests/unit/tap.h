/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * tap.h - minimal TAP producer for the unit tests (one "ok" per check).
 */
#ifndef KS_TAP_H
#define KS_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)

static inline void
is_int(long long got, long long want, const char *what)
{
	tap_ok(got == want, "%s", what);
	if (got != want)
		printf("#   got %lld, want %lld\n", got, want);
}

static inline void
is_str(const char *got, const char *want, const char *what)
{
	int same;

	same = got != NULL && want != NULL && strcmp(got, want) == 0;
	tap_ok(same, "%s", what);
	if (!same)
		printf("#   got \"%s\", want \"%s\"\n", got ? got : "(null)",
		    want ? want : "(null)");
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return 0;	/* failures are reported as "not ok" lines */
}

#endif /* KS_TAP_H */
