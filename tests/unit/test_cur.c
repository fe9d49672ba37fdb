/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * test_cur.c - the bounds-checked cursor: every reader, the sticky
 * error, sub-cursors, peeks and reads past the end.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "tap.h"

static void	test_init(void);
static void	test_readers(void);
static void	test_past_end(void);
static void	test_sticky(void);
static void	test_bytes_skip(void);
static void	test_sub(void);
static void	test_peek(void);
static void	test_strerror(void);

static const uint8_t buf[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10,
	0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0xff
};

static void
test_init(void)
{
	struct cur c;

	cur_init(&c, buf, sizeof(buf));
	ok(c.p == buf, "init: pointer");
	is_int(c.len, sizeof(buf), "init: length");
	is_int(c.err, 0, "init: no error");
	is_int(c.depth, 0, "init: depth 0");
	is_int(cur_left(&c), sizeof(buf), "init: cur_left");

	cur_init(&c, NULL, 10);
	is_int(c.len, 0, "init NULL: length forced to 0");
	is_int(cur_get_u8(&c), 0, "init NULL: read yields 0");
	is_int(c.err, E_TRUNC, "init NULL: read is truncated");

	c.depth = 5;
	cur_init(&c, buf, 1);
	is_int(c.depth, 0, "init resets depth");
	is_int(c.err, 0, "init resets error");
}

static void
test_readers(void)
{
	struct cur c;

	cur_init(&c, buf, sizeof(buf));
	is_int(cur_get_u8(&c), 0x01, "u8");
	is_int(cur_get_be16(&c), 0x0203, "be16");
	is_int(cur_get_be32(&c), 0x04050607, "be32");
	is_int(cur_get_le16(&c), 0x0908, "le16");
	is_int(cur_get_le32(&c), 0x0d0c0b0a, "le32");
	ok(cur_get_le64(&c) == 0x1514131211100f0eULL, "le64");
	is_int(cur_left(&c), 3, "3 bytes left after 21");
	is_int(c.err, 0, "no error after in-bounds reads");
	is_int(cur_get_u8(&c), 0x16, "u8 again");
	is_int(cur_get_be16(&c), 0x17ff, "be16 to the last byte");
	is_int(cur_left(&c), 0, "empty exactly at the end");
	is_int(c.err, 0, "reading to the very end is fine");

	/* high bits survive the shifts */
	cur_init(&c, "\xff\xfe\xfd\xfc", 4);
	ok(cur_get_be32(&c) == 0xfffefdfcU, "be32 with high bit set");
	cur_init(&c, "\xff\xfe\xfd\xfc", 4);
	ok(cur_get_le32(&c) == 0xfcfdfeffU, "le32 with high bit set");
}

static void
test_past_end(void)
{
	struct cur c;

	cur_init(&c, buf, 1);
	is_int(cur_get_be16(&c), 0, "be16 on 1 byte yields 0");
	is_int(c.err, E_TRUNC, "be16 on 1 byte: E_TRUNC");
	is_int(c.len, 1, "failed read consumes nothing");
	ok(c.p == buf, "failed read does not move");
	is_int(cur_left(&c), 0, "cur_left is 0 after an error");

	cur_init(&c, buf, 3);
	is_int(cur_get_be32(&c), 0, "be32 on 3 bytes yields 0");
	is_int(c.err, E_TRUNC, "be32 on 3 bytes: E_TRUNC");

	cur_init(&c, buf, 3);
	is_int(cur_get_le32(&c), 0, "le32 on 3 bytes yields 0");
	is_int(c.err, E_TRUNC, "le32 on 3 bytes: E_TRUNC");

	cur_init(&c, buf, 1);
	is_int(cur_get_le16(&c), 0, "le16 on 1 byte yields 0");
	is_int(c.err, E_TRUNC, "le16 on 1 byte: E_TRUNC");

	cur_init(&c, buf, 7);
	ok(cur_get_le64(&c) == 0, "le64 on 7 bytes yields 0");
	is_int(c.err, E_TRUNC, "le64 on 7 bytes: E_TRUNC");

	cur_init(&c, buf, 0);
	is_int(cur_get_u8(&c), 0, "u8 on empty yields 0");
	is_int(c.err, E_TRUNC, "u8 on empty: E_TRUNC");
}

static void
test_sticky(void)
{
	struct cur c;

	cur_init(&c, buf, sizeof(buf));
	cur_fail(&c, E_INVALID);
	is_int(c.err, E_INVALID, "cur_fail sets the error");
	cur_fail(&c, E_TRUNC);
	is_int(c.err, E_INVALID, "first failure wins");
	is_int(cur_get_u8(&c), 0, "reads after an error yield 0");
	is_int(cur_get_be32(&c), 0, "be32 after an error yields 0");
	is_int(c.len, sizeof(buf), "reads after an error consume nothing");
	is_int(c.err, E_INVALID, "the error stays");
	ok(cur_get_bytes(&c, 1) == NULL, "get_bytes after an error: NULL");

	cur_init(&c, buf, 2);
	(void)cur_get_be32(&c);
	is_int(c.err, E_TRUNC, "truncation recorded");
	is_int(cur_get_u8(&c), 0, "u8 that would fit still yields 0");
	is_int(c.err, E_TRUNC, "truncation is sticky");
	cur_fail(&c, E_LIMIT);
	is_int(c.err, E_TRUNC, "later cur_fail does not override");
}

static void
test_bytes_skip(void)
{
	struct cur c;
	const uint8_t *p;

	cur_init(&c, buf, sizeof(buf));
	p = cur_get_bytes(&c, 4);
	ok(p == buf, "get_bytes returns the start");
	is_int(cur_left(&c), sizeof(buf) - 4, "get_bytes steps over");
	p = cur_get_bytes(&c, 0);
	ok(p == buf + 4, "get_bytes(0) is the current position");
	is_int(c.err, 0, "get_bytes(0) is no error");
	cur_skip(&c, 2);
	is_int(cur_get_u8(&c), 0x07, "skip steps over");
	p = cur_get_bytes(&c, 100);
	ok(p == NULL, "get_bytes past the end: NULL");
	is_int(c.err, E_TRUNC, "get_bytes past the end: E_TRUNC");

	cur_init(&c, buf, 4);
	cur_skip(&c, 5);
	is_int(c.err, E_TRUNC, "skip past the end: E_TRUNC");
	is_int(c.len, 4, "failed skip consumes nothing");

	cur_init(&c, buf, 4);
	ok(cur_get_bytes(&c, SIZE_MAX) == NULL, "get_bytes(SIZE_MAX): NULL");
	is_int(c.err, E_TRUNC, "get_bytes(SIZE_MAX): E_TRUNC");
}

static void
test_sub(void)
{
	struct cur c, s;
	int rc;

	cur_init(&c, buf, sizeof(buf));
	c.depth = 3;
	(void)cur_get_u8(&c);
	rc = cur_sub(&c, 4, &s);
	is_int(rc, 0, "cur_sub ok");
	ok(s.p == buf + 1, "sub starts at the position");
	is_int(s.len, 4, "sub has the length");
	is_int(s.err, 0, "sub has no error");
	is_int(s.depth, 3, "sub inherits the depth");
	is_int(cur_get_u8(&c), 0x06, "parent stepped past the sub");
	is_int(cur_get_be32(&s), 0x02030405, "sub reads its bytes");
	is_int(cur_get_u8(&s), 0, "sub ends at its length");
	is_int(s.err, E_TRUNC, "reading past the sub: E_TRUNC");
	is_int(c.err, 0, "the sub's error does not touch the parent");

	cur_init(&c, buf, 4);
	c.depth = 2;
	rc = cur_sub(&c, 5, &s);
	is_int(rc, E_TRUNC, "cur_sub past the end: E_TRUNC");
	is_int(c.err, E_TRUNC, "parent carries the error");
	is_int(s.err, E_TRUNC, "sub carries the error");
	is_int(s.len, 0, "failed sub is empty");
	is_int(s.depth, 2, "failed sub keeps the depth");
	is_int(cur_left(&s), 0, "failed sub: nothing left");

	cur_init(&c, buf, 4);
	cur_fail(&c, E_INVALID);
	rc = cur_sub(&c, 1, &s);
	is_int(rc, E_INVALID, "cur_sub on a failed cursor returns its error");
	is_int(s.err, E_INVALID, "and hands it to the sub");

	cur_init(&c, buf, 4);
	rc = cur_sub(&c, 0, &s);
	is_int(rc, 0, "empty sub is fine");
	is_int(s.len, 0, "empty sub has no bytes");
	is_int(cur_left(&c), 4, "empty sub consumes nothing");
}

static void
test_peek(void)
{
	struct cur c;

	cur_init(&c, buf, 4);
	is_int(cur_peek_u8(&c, 0), 0x01, "peek 0");
	is_int(cur_peek_u8(&c, 3), 0x04, "peek last");
	is_int(cur_peek_u8(&c, 4), 0, "peek past the end yields 0");
	is_int(cur_peek_u8(&c, SIZE_MAX), 0, "peek SIZE_MAX yields 0");
	is_int(c.err, 0, "peeks never fail the cursor");
	is_int(cur_left(&c), 4, "peeks never move");
	(void)cur_get_u8(&c);
	is_int(cur_peek_u8(&c, 0), 0x02, "peek follows the position");
	cur_fail(&c, E_TRUNC);
	is_int(cur_peek_u8(&c, 0), 0, "peek on a failed cursor yields 0");
}

static void
test_strerror(void)
{
	is_str(cur_strerror(0), "ok", "strerror 0");
	is_str(cur_strerror(E_TRUNC), "truncated", "strerror E_TRUNC");
	is_str(cur_strerror(E_INVALID), "invalid", "strerror E_INVALID");
	is_str(cur_strerror(E_UNSUPP), "unsupported", "strerror E_UNSUPP");
	is_str(cur_strerror(E_LIMIT), "limit", "strerror E_LIMIT");
	is_str(cur_strerror(-99), "error", "strerror unknown");
}

int
main(void)
{
	test_init();
	test_readers();
	test_past_end();
	test_sticky();
	test_bytes_skip();
	test_sub();
	test_peek();
	test_strerror();
	return done_testing();
}
