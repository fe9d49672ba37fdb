/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * util.h - allocation wrappers, printable copies, hashing, time.
 */
#ifndef KS_UTIL_H
#define KS_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/time.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);

/*
 * Copies n wire bytes into dst (size dstsz, NUL-terminated) as printable
 * text: bytes outside 0x20..0x7e become \xNN, a backslash becomes \\.
 * Output that does not fit ends in "...". Returns dst.
 */
char	*str_printable(char *dst, size_t dstsz, const uint8_t *, size_t);

/* Appends src to dst (size dstsz), with the same cut rule. */
void	 str_append(char *dst, size_t dstsz, const char *src);

/* 128-bit non-cryptographic hash (identity of opaque blobs). */
void	 hash128(const void *, size_t, uint64_t seed, uint8_t out[16]);
/* 64-bit hash for hash tables. */
uint64_t hash64(const void *, size_t, uint64_t seed);

/*
 * The hashes' parts: one multiply and rotate per 8-byte word, one full
 * avalanche (the murmur3 finaliser) at the end. Not cryptographic:
 * identity and hash tables only.
 */
static inline uint64_t
hash_step(uint64_t h, uint64_t w)
{
	h ^= w * 0x87c37b91114253d5ULL;
	return (h << 31 | h >> 33) * 0x4cf5ad432745937fULL;
}

static inline uint64_t
hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

/* The same over n words already in registers, for keys built from fields
 * (no bytes assembled in memory first); inline, so a constant n unrolls. */
static inline uint64_t
hash_words(const uint64_t *w, size_t n, uint64_t seed)
{
	uint64_t h;
	size_t i;

	h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
	for (i = 0; i < n; i++)
		h = hash_step(h, w[i]);
	return hash_mix(h);
}

/* "2014-04-09T21:09:55.123456Z" (usec >= 0) or "...:55Z" (usec < 0) */
void	 fmt_time_iso(char *dst, size_t dstsz, int64_t sec, long usec);
/* "192.0.2.1" or "2001:db8::1" */
void	 fmt_addr(char *dst, size_t dstsz, int family, const uint8_t *addr);

/* a - b in seconds, as a double */
double	 tv_diff(const struct timeval *a, const struct timeval *b);

/* s folded at width, words apart by one space: the cursor is at column
 * col, every new line indented by ind. Ends with a newline. */
void		 fput_wrapped(FILE *, const char *s, int col, int ind,
		    int width);

/* snprintf for texts that may be cut (no truncation warnings). */
void		 str_printf(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

#endif /* KS_UTIL_H */
