/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_tds.c - placeholder (being written).
 */
#include "config.h"

#include "tap.h"

int
main(void)
{
	ok(1, "placeholder");
	return done_testing();
}
