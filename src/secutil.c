/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * secutil.c - helpers shared by the carriers: building carrier events
 * (struct auth_rec) and UTF-16LE text made printable.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cur.h"
#include "record.h"
#include "sec.h"
#include "util.h"

static struct auth_field *auth_next(struct auth_rec *, const char *, int);
static size_t	put_cp(char *, uint32_t);
static void	text_printable(char *, size_t, const uint8_t *, size_t);

void
auth_init(struct auth_rec *a, const char *event, int outcome)
{
	a->event = event;
	a->outcome = outcome;
	a->n_fields = 0;
}

/* The next free field, or NULL when all are taken. */
static struct auth_field *
auth_next(struct auth_rec *a, const char *key, int kind)
{
	struct auth_field *f;

	if (a->n_fields >= AUTH_MAX_FIELDS)
		return NULL;
	f = &a->f[a->n_fields++];
	f->key = key;
	f->kind = kind;
	f->ival = 0;
	f->sval[0] = '\0';
	return f;
}

void
auth_add_str(struct auth_rec *a, const char *key, const char *s)
{
	struct auth_field *f;

	if ((f = auth_next(a, key, AUTH_F_STR)) != NULL)
		text_printable(f->sval, sizeof(f->sval), (const uint8_t *)s,
		    strlen(s));
}

void
auth_add_bytes(struct auth_rec *a, const char *key, const uint8_t *p,
    size_t n)
{
	struct auth_field *f;

	if ((f = auth_next(a, key, AUTH_F_STR)) != NULL)
		text_printable(f->sval, sizeof(f->sval), p, n);
}

void
auth_add_utf16(struct auth_rec *a, const char *key, const uint8_t *p,
    size_t n)
{
	struct auth_field *f;

	if ((f = auth_next(a, key, AUTH_F_STR)) != NULL)
		utf16le_printable(f->sval, sizeof(f->sval), p, n);
}

void
auth_add_int(struct auth_rec *a, const char *key, int64_t v)
{
	struct auth_field *f;

	if ((f = auth_next(a, key, AUTH_F_INT)) != NULL)
		f->ival = v;
}

void
auth_add_bool(struct auth_rec *a, const char *key, int v)
{
	struct auth_field *f;

	if ((f = auth_next(a, key, AUTH_F_BOOL)) != NULL)
		f->ival = v != 0;
}

/*
 * Text a service wrote for people (an error message, a user name):
 * printable ASCII and the backslash as they are ("NT AUTHORITY\ANONYMOUS
 * LOGON" must read as SQL Server wrote it), other bytes as \xNN; cut
 * with "..." when longer than dstsz.
 */
static void
text_printable(char *dst, size_t dstsz, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	struct cur c;
	char tmp[4];
	size_t o, k;
	uint8_t b;

	if (dstsz == 0)
		return;
	o = 0;
	cur_init(&c, p, n);
	while (cur_left(&c) > 0) {
		b = cur_get_u8(&c);
		if (b >= 0x20 && b < 0x7f) {
			tmp[0] = (char)b;
			k = 1;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[b >> 4];
			tmp[3] = hex[b & 0xf];
			k = 4;
		}
		if (o + k >= dstsz) {
			/* what fits, then "..." over the last places */
			if (dstsz >= 4) {
				if (o > dstsz - 4)
					o = dstsz - 4;
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, tmp, k);
		o += k;
	}
	dst[o < dstsz ? o : dstsz - 1] = '\0';
}

/* One code point as printable text: UTF-8, or \xNN escapes. */
static size_t
put_cp(char *o, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";

	if (cp < 0x20 || cp == 0x7f) {
		o[0] = '\\';
		o[1] = 'x';
		o[2] = hex[cp >> 4];
		o[3] = hex[cp & 0xf];
		return 4;
	}
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *
utf16le_printable(char *dst, size_t dstsz, const uint8_t *p, size_t len)
{
	struct cur c;
	char tmp[4];
	size_t o, n;
	uint32_t u, lo;

	if (dstsz == 0)
		return dst;
	o = 0;
	cur_init(&c, p, len);
	while (cur_left(&c) >= 2) {
		u = cur_get_le16(&c);
		if (u >= 0xd800 && u < 0xdc00 && cur_left(&c) >= 2) {
			/* the low surrogate, read only when it is one */
			lo = (uint32_t)cur_peek_u8(&c, 0) |
			    (uint32_t)cur_peek_u8(&c, 1) << 8;
			if (lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				cur_skip(&c, 2);
			} else
				u = 0xfffd;
		} else if (u >= 0xd800 && u < 0xe000)
			u = 0xfffd;
		n = put_cp(tmp, u);
		if (o + n >= dstsz)
			goto cut;
		memcpy(dst + o, tmp, n);
		o += n;
	}
	if (len & 1) {
		n = put_cp(tmp, 0xfffd);
		if (o + n >= dstsz)
			goto cut;
		memcpy(dst + o, tmp, n);
		o += n;
	}
	dst[o] = '\0';
	return dst;
cut:
	/* whole characters only, then "..." */
	while (o > 0 && dstsz >= 4 && o + 4 > dstsz) {
		o--;
		while (o > 0 && ((unsigned char)dst[o] & 0xc0) == 0x80)
			o--;
	}
	if (dstsz >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o < dstsz ? o : dstsz - 1] = '\0';
	return dst;
}
