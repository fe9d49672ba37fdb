/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pcapfile.c - block-reading reader of classic pcap files (the libpcap
 * savefile format: draft-ietf-opsawg-pcap, LINKTYPE values as listed at
 * tcpdump.org/linktypes.html). Both byte orders, micro- and nanosecond
 * timestamps. Headers are read through the bounds-checked cursor.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/dlt.h>

#include "cur.h"
#include "pcapfile.h"
#include "util.h"

#define PCAP_MAGIC_US	0xa1b2c3d4U
#define PCAP_MAGIC_NS	0xa1b23c4dU
#define LINKTYPE_RAW	101
#define BLOCK		(1024 * 1024)
#define MAX_RECORD	(256 * 1024)	/* as libpcap's largest snaplen */

struct pcapfile {
	int		 fd;
	int		 swapped;	/* written by the other byte order */
	int		 nsec;		/* nanosecond timestamps */
	int		 linktype;	/* DLT_ */
	int		 snaplen;
	uint8_t		*buf;		/* owned, BLOCK + MAX_RECORD + 16 */
	size_t		 len, off;	/* bytes in buf, next record */
	int		 eof;
	uint64_t	 nrec;
};

static uint32_t	get32(const struct pcapfile *, struct cur *);
static int	fill(struct pcapfile *, char *, size_t);

static uint32_t
get32(const struct pcapfile *pf, struct cur *c)
{
	return pf->swapped ? cur_get_be32(c) : cur_get_le32(c);
}

int
pcapfile_open(const char *path, struct pcapfile **pf_out, char *err,
    size_t errsz)
{
	struct pcapfile *pf;
	uint8_t hdr[24];
	struct cur c;
	uint32_t magic, lt;
	ssize_t n;
	size_t got;
	int rc;

	*pf_out = NULL;
	pf = xcalloc(1, sizeof(*pf));
	pf->fd = -1;
	rc = -1;
	if ((pf->fd = open(path, O_RDONLY)) < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (got = 0; got < sizeof(hdr); got += (size_t)n)
		if ((n = read(pf->fd, hdr + got, sizeof(hdr) - got)) <= 0)
			break;
	rc = 1;			/* too short or not pcap: libpcap decides */
	if (got < sizeof(hdr))
		goto out;
	cur_init(&c, hdr, sizeof(hdr));
	magic = cur_get_le32(&c);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		pf->swapped = 0;
	else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
	    __builtin_bswap32(magic) == PCAP_MAGIC_NS) {
		pf->swapped = 1;
		magic = __builtin_bswap32(magic);
	} else
		goto out;
	pf->nsec = magic == PCAP_MAGIC_NS;
	if ((pf->swapped ? cur_get_be16(&c) : cur_get_le16(&c)) != 2)
		goto out;	/* a version libpcap may know better */
	cur_skip(&c, 2 + 4 + 4);	/* minor, thiszone, sigfigs */
	pf->snaplen = (int)get32(pf, &c);
	lt = get32(pf, &c) & 0x03ffffff;	/* FCS bits above */
	pf->linktype = lt == LINKTYPE_RAW ? DLT_RAW : (int)lt;
	pf->buf = xmalloc(BLOCK + MAX_RECORD + 16);
	*pf_out = pf;
	pf = NULL;
	rc = 0;
out:
	pcapfile_close(pf);
	return rc;
}

int
pcapfile_linktype(const struct pcapfile *pf)
{
	return pf->linktype;
}

int
pcapfile_snaplen(const struct pcapfile *pf)
{
	return pf->snaplen;
}

/* Moves what is left to the front and reads up to a block more. */
static int
fill(struct pcapfile *pf, char *err, size_t errsz)
{
	ssize_t n;

	if (pf->off > 0) {
		memmove(pf->buf, pf->buf + pf->off, pf->len - pf->off);
		pf->len -= pf->off;
		pf->off = 0;
	}
	while (!pf->eof && pf->len < BLOCK) {
		n = read(pf->fd, pf->buf + pf->len, BLOCK + MAX_RECORD + 16 -
		    pf->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errsz, "read error: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			pf->eof = 1;
		pf->len += (size_t)n;
	}
	return 0;
}

int
pcapfile_next(struct pcapfile *pf, struct pcapfile_rec *rec, char *err,
    size_t errsz)
{
	struct cur c;
	uint32_t sec, frac, incl, orig;

	if (pf->len - pf->off < 16 + MAX_RECORD && !pf->eof &&
	    fill(pf, err, errsz) != 0)
		return -1;
	if (pf->len == pf->off)
		return 0;
	cur_init(&c, pf->buf + pf->off, pf->len - pf->off);
	sec = get32(pf, &c);
	frac = get32(pf, &c);
	incl = get32(pf, &c);
	orig = get32(pf, &c);
	if (c.err != 0 || incl > c.len) {
		if (incl > MAX_RECORD)
			goto bogus;
		snprintf(err, errsz, "truncated file: record %llu is cut "
		    "short", (unsigned long long)pf->nrec + 1);
		return -1;
	}
	if (incl > MAX_RECORD)
		goto bogus;
	rec->sec = sec;
	rec->usec = pf->nsec ? (long)(frac / 1000) : (long)frac;
	rec->caplen = incl;
	rec->wirelen = orig;
	rec->data = c.p;
	pf->off += 16 + incl;
	pf->nrec++;
	return 1;
bogus:
	snprintf(err, errsz, "corrupt file: record %llu claims %lu bytes",
	    (unsigned long long)pf->nrec + 1, (unsigned long)incl);
	return -1;
}

void
pcapfile_close(struct pcapfile *pf)
{
	if (pf == NULL)
		return;
	if (pf->fd >= 0)
		close(pf->fd);
	free(pf->buf);
	free(pf);
}
