/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * cur.c - bounds-checked read cursor with a sticky error.
 */
#include "config.h"

#include <string.h>

#include "cur.h"

uint64_t
cur_get_le64(struct cur *c)
{
	uint64_t lo, hi;

	if (!cur_need(c, 8))
		return 0;
	lo = cur_get_le32(c);
	hi = cur_get_le32(c);
	return hi << 32 | lo;
}

const char *
cur_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case E_TRUNC:
		return "truncated";
	case E_INVALID:
		return "invalid";
	case E_UNSUPP:
		return "unsupported";
	case E_LIMIT:
		return "limit";
	default:
		return "error";
	}
}
