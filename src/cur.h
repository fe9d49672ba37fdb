/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * cur.h - bounds-checked read cursor with a sticky error.
 * Every read of packet bytes in krbscope goes through this cursor.
 */
#ifndef KS_CUR_H
#define KS_CUR_H

#include <stddef.h>
#include <stdint.h>

/* Error codes: 0 is success, every failure is negative. */
#define E_TRUNC		(-1)	/* ran out of captured bytes */
#define E_INVALID	(-2)	/* the data contradicts itself */
#define E_UNSUPP	(-3)	/* valid but not understood */
#define E_LIMIT		(-4)	/* a krbscope limit was reached */

struct cur {
	const uint8_t	*p;
	size_t		 len;
	int		 err;	/* first failure wins */
	unsigned	 depth;	/* DER nesting depth of this cursor */
};

uint64_t	 cur_get_le64(struct cur *);
const char	*cur_strerror(int);

/*
 * The readers on the hot path are inline: every packet byte goes through
 * them, and a call per byte costs more than the read.
 */

static inline void
cur_init(struct cur *c, const void *p, size_t len)
{
	c->p = p;
	c->len = p != NULL ? len : 0;
	c->err = 0;
	c->depth = 0;
}

static inline void
cur_fail(struct cur *c, int err)
{
	if (c->err == 0)
		c->err = err;
}

/* 1 if n more bytes can be read; else sets E_TRUNC (sticky). */
static inline int
cur_need(struct cur *c, size_t n)
{
	if (c->err == 0 && c->len < n)
		c->err = E_TRUNC;
	return c->err == 0;
}

static inline uint8_t
cur_get_u8(struct cur *c)
{
	uint8_t v;

	if (!cur_need(c, 1))
		return 0;
	v = c->p[0];
	c->p++;
	c->len--;
	return v;
}

static inline uint16_t
cur_get_be16(struct cur *c)
{
	uint16_t v;

	if (!cur_need(c, 2))
		return 0;
	v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return v;
}

static inline uint32_t
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

static inline uint16_t
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

static inline uint32_t
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

/* Returns a pointer to the next n bytes and steps over them, or NULL. */
static inline const uint8_t *
cur_get_bytes(struct cur *c, size_t n)
{
	const uint8_t *p;

	if (!cur_need(c, n))
		return NULL;
	p = c->p;
	c->p += n;
	c->len -= n;
	return p;
}

static inline void
cur_skip(struct cur *c, size_t n)
{
	(void)cur_get_bytes(c, n);
}

/* Byte at offset off without moving; 0 when out of range. */
static inline uint8_t
cur_peek_u8(const struct cur *c, size_t off)
{
	if (c->err != 0 || off >= c->len)
		return 0;
	return c->p[off];
}

static inline size_t
cur_left(const struct cur *c)
{
	return c->err != 0 ? 0 : c->len;
}

/*
 * Carves the next n bytes into sub and steps the parent past them.
 * On failure sub is an empty cursor carrying the error.
 */
static inline int
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

#endif /* KS_CUR_H */
