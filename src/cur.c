/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * cur.c - bounds-checked read cursor with a sticky error.
 */
#include "config.h"

#include <string.h>

#include "cur.h"

uint32_t
cur_get_be32(struct cur *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->len -= 4;
	return v;
}

uint16_t
cur_get_le16(struct cur *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return v;
}

uint32_t
cur_get_le32(struct cur *c)
{
	uint32_t v;

	if (!cur_need(c, 4))
		return 0;
	v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	    (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->len -= 4;
	return v;
}

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

/*
 * Carves the next n bytes into sub and steps the parent past them.
 * On failure sub is an empty cursor carrying the error.
 */
int
cur_sub(struct cur *c, size_t n, struct cur *sub)
{
	const uint8_t *p;

	p = cur_get_bytes(c, n);
	if (p == NULL) {
		cur_init(sub, NULL, 0);
		sub->err = c->err;
		sub->depth = c->depth;
		return c->err;
	}
	cur_init(sub, p, n);
	sub->depth = c->depth;
	return 0;
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
