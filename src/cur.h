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

void		 cur_init(struct cur *, const void *, size_t);
void		 cur_fail(struct cur *, int);
uint8_t		 cur_get_u8(struct cur *);
uint16_t	 cur_get_be16(struct cur *);
uint32_t	 cur_get_be32(struct cur *);
uint16_t	 cur_get_le16(struct cur *);
uint32_t	 cur_get_le32(struct cur *);
uint64_t	 cur_get_le64(struct cur *);
const uint8_t	*cur_get_bytes(struct cur *, size_t);
void		 cur_skip(struct cur *, size_t);
int		 cur_sub(struct cur *, size_t, struct cur *);
uint8_t		 cur_peek_u8(const struct cur *, size_t);
const char	*cur_strerror(int);

static inline size_t
cur_left(const struct cur *c)
{
	return c->err != 0 ? 0 : c->len;
}

#endif /* KS_CUR_H */
