/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pcapfile.c - block-reading reader of capture files: classic pcap
 * (draft-ietf-opsawg-pcap: both byte orders, micro- and nanosecond
 * timestamps) and pcapng (draft-ietf-opsawg-pcapng: sections of either byte
 * order, interface blocks with if_tsresol/if_tsoffset, enhanced, simple and
 * obsolete packet blocks; other blocks skipped). LINKTYPE values as listed
 * at tcpdump.org/linktypes.html. Every header goes through the cursor.
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
#define NG_SHB		0x0a0d0d0aU
#define NG_BOM		0x1a2b3c4dU
#define NG_IDB		1
#define NG_PB		2	/* obsolete packet block */
#define NG_SPB		3
#define NG_EPB		6
#define NG_MAX_IF	64
#define NG_OPT_TSRESOL	9
#define NG_OPT_TSOFFSET	14
#define LINKTYPE_RAW	101
#define BLOCK		(1024 * 1024)
#define MAX_RECORD	(256 * 1024)	/* as libpcap's largest snaplen */

struct ng_if {
	int		 linktype;	/* DLT_ */
	uint32_t	 snaplen;
	uint64_t	 units;		/* timestamp units per second */
	int64_t		 offset;	/* if_tsoffset, seconds */
};

struct pcapfile {
	int		 fd;
	int		 ng;		/* pcapng */
	struct ng_if	 ifs[NG_MAX_IF];
	int		 n_ifs;
	int		 swapped;	/* written by the other byte order */
	int		 nsec;		/* nanosecond timestamps */
	int		 linktype;	/* DLT_ */
	int		 snaplen;
	uint8_t		*buf;		/* owned, BLOCK + MAX_RECORD + 16 */
	size_t		 len, off;	/* bytes in buf, next record */
	int		 eof;
	int		 priming;	/* ng_next stops after an IDB */
	uint64_t	 nrec;
};

static inline uint32_t get32(const struct pcapfile *, struct cur *);
static inline uint16_t get16(const struct pcapfile *, struct cur *);
static int	fill(struct pcapfile *, size_t, char *, size_t);
static int	ng_next(struct pcapfile *, struct pcapfile_rec *, char *,
		    size_t);
static int	ng_idb(struct pcapfile *, struct cur *, char *, size_t);
static int	dlt_of(uint32_t);

static inline uint32_t
get32(const struct pcapfile *pf, struct cur *c)
{
	return pf->swapped ? cur_get_be32(c) : cur_get_le32(c);
}

static inline uint16_t
get16(const struct pcapfile *pf, struct cur *c)
{
	return pf->swapped ? cur_get_be16(c) : cur_get_le16(c);
}

/* LINKTYPE_ value of a file to libpcap's DLT_ value. */
static int
dlt_of(uint32_t lt)
{
	lt &= 0x03ffffff;		/* FCS bits above */
	return lt == LINKTYPE_RAW ? DLT_RAW : (int)lt;
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
	if (magic == NG_SHB) {
		struct pcapfile_rec rec;

		/* pcapng: read on until the first interface is known */
		pf->ng = 1;
		pf->buf = xmalloc(BLOCK + MAX_RECORD + 16);
		memcpy(pf->buf, hdr, sizeof(hdr));
		pf->len = sizeof(hdr);
		pf->linktype = -1;
		pf->priming = 1;
		rc = ng_next(pf, &rec, err, errsz);
		pf->priming = 0;
		if (rc != 2) {
			/* no interface before the end: let libpcap say */
			rc = rc < 0 ? -1 : 1;
			goto out;
		}
		*pf_out = pf;
		pf = NULL;
		rc = 0;
		goto out;
	}
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
	lt = get32(pf, &c);
	pf->linktype = dlt_of(lt);
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

/*
 * Moves what is left to the front and reads until want bytes are there
 * (at most the buffer, BLOCK + MAX_RECORD + 16) or the file ends.
 */
static int
fill(struct pcapfile *pf, size_t want, char *err, size_t errsz)
{
	ssize_t n;

	if (pf->off > 0) {
		memmove(pf->buf, pf->buf + pf->off, pf->len - pf->off);
		pf->len -= pf->off;
		pf->off = 0;
	}
	while (!pf->eof && pf->len < want &&
	    pf->len < BLOCK + MAX_RECORD + 16) {
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

	if (pf->ng)
		return ng_next(pf, rec, err, errsz);
	/* refilled only when the next record is not whole in the buffer:
	 * what moves to the front is then a part of one record */
	if (pf->len - pf->off < 16 && !pf->eof &&
	    fill(pf, 16, err, errsz) != 0)
		return -1;
	if (pf->len == pf->off)
		return 0;
	cur_init(&c, pf->buf + pf->off, pf->len - pf->off);
	sec = get32(pf, &c);
	frac = get32(pf, &c);
	incl = get32(pf, &c);
	orig = get32(pf, &c);
	if (c.err == 0 && incl > c.len && incl <= MAX_RECORD && !pf->eof) {
		if (fill(pf, 16 + (size_t)incl, err, errsz) != 0)
			return -1;
		cur_init(&c, pf->buf + pf->off, pf->len - pf->off);
		cur_skip(&c, 16);
	}
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

/* An interface description block: link type, snaplen, time units. */
static int
ng_idb(struct pcapfile *pf, struct cur *b, char *err, size_t errsz)
{
	struct ng_if *ifc;
	struct cur v;
	uint32_t hi, lo;
	uint16_t code, olen;
	uint8_t res;
	int dlt;

	if (pf->n_ifs == NG_MAX_IF) {
		snprintf(err, errsz, "more than %d interfaces", NG_MAX_IF);
		return -1;
	}
	ifc = &pf->ifs[pf->n_ifs];
	dlt = dlt_of(get16(pf, b));
	cur_skip(b, 2);
	ifc->snaplen = get32(pf, b);
	ifc->units = 1000000;
	ifc->offset = 0;
	while (b->err == 0 && cur_left(b) >= 4) {
		code = get16(pf, b);
		olen = get16(pf, b);
		if (code == 0)
			break;
		if (cur_sub(b, olen, &v) != 0)
			break;
		cur_skip(b, (4 - olen % 4) % 4);
		if (code == NG_OPT_TSRESOL && olen >= 1) {
			res = cur_get_u8(&v);
			if ((res & 0x80) != 0 && (res & 0x7f) < 64)
				ifc->units = (uint64_t)1 << (res & 0x7f);
			else if ((res & 0x80) == 0 && res <= 18)
				for (ifc->units = 1; res > 0; res--)
					ifc->units *= 10;
		} else if (code == NG_OPT_TSOFFSET && olen >= 8) {
			if (pf->swapped) {
				hi = cur_get_be32(&v);
				lo = cur_get_be32(&v);
				ifc->offset = (int64_t)((uint64_t)hi << 32 |
				    lo);
			} else
				ifc->offset = (int64_t)cur_get_le64(&v);
		}
	}
	if (pf->linktype == -1)
		pf->linktype = dlt;
	else if (dlt != pf->linktype) {
		snprintf(err, errsz, "interfaces of different link types in "
		    "one file are not supported");
		return -1;
	}
	if (pf->snaplen == 0)
		pf->snaplen = (int)ifc->snaplen;
	pf->n_ifs++;
	return 0;
}

/* Reads pcapng blocks until the next packet: 1, 0 at the end, < 0. */
static int
ng_next(struct pcapfile *pf, struct pcapfile_rec *rec, char *err,
    size_t errsz)
{
	struct cur c, b;
	const struct ng_if *ifc;
	uint32_t type, total, ifid, hi, lo, incl, orig, bom;
	uint64_t ts, frac;
	ssize_t n;
	size_t have;
	char skip[4096];

	for (;;) {
		/* the block header; a block not whole is read in below */
		if (pf->len - pf->off < 12 && !pf->eof &&
		    fill(pf, 12, err, errsz) != 0)
			return -1;
		if (pf->len == pf->off)
			return 0;
		cur_init(&c, pf->buf + pf->off, pf->len - pf->off);
		type = get32(pf, &c);
		if (type == NG_SHB) {
			/* a new section: its own byte order */
			cur_skip(&c, 4);
			bom = cur_get_le32(&c);
			if (bom == NG_BOM)
				pf->swapped = 0;
			else if (bom == __builtin_bswap32(NG_BOM))
				pf->swapped = 1;
			else if (c.err == 0) {
				snprintf(err, errsz, "corrupt file: bad "
				    "byte-order magic");
				return -1;
			}
			pf->n_ifs = 0;
			cur_init(&c, pf->buf + pf->off + 4,
			    pf->len - pf->off - 4);
		}
		total = get32(pf, &c);
		if (c.err != 0) {
			snprintf(err, errsz, "truncated file: a block header "
			    "is cut short");
			return -1;
		}
		if (total < 12 || total % 4 != 0) {
			snprintf(err, errsz, "corrupt file: a block of %lu "
			    "bytes", (unsigned long)total);
			return -1;
		}
		have = pf->len - pf->off;
		if (total > have) {
			if (!pf->eof && total <= BLOCK + MAX_RECORD + 16) {
				if (fill(pf, total, err, errsz) != 0)
					return -1;
				continue;
			}
			if (pf->eof || type == NG_EPB || type == NG_SPB ||
			    type == NG_PB || type == NG_IDB ||
			    type == NG_SHB) {
				snprintf(err, errsz, "%s file: a block of %lu "
				    "bytes", pf->eof ? "truncated" : "corrupt",
				    (unsigned long)total);
				return -1;
			}
			/* a large block we do not read: step over it */
			total -= (uint32_t)have;
			pf->off = pf->len;
			while (total > 0) {
				n = read(pf->fd, skip, total < sizeof(skip) ?
				    total : sizeof(skip));
				if (n <= 0) {
					snprintf(err, errsz, "truncated file");
					return -1;
				}
				total -= (uint32_t)n;
			}
			continue;
		}
		cur_init(&b, pf->buf + pf->off + 8, total - 12);
		pf->off += total;
		switch (type) {
		case NG_IDB:
			if (ng_idb(pf, &b, err, errsz) != 0)
				return -1;
			if (pf->priming)
				return 2;
			continue;
		case NG_EPB:
		case NG_PB:
			if (type == NG_EPB)
				ifid = get32(pf, &b);
			else {
				ifid = get16(pf, &b);
				cur_skip(&b, 2);	/* drops count */
			}
			hi = get32(pf, &b);
			lo = get32(pf, &b);
			incl = get32(pf, &b);
			orig = get32(pf, &b);
			break;
		case NG_SPB:
			ifid = 0;
			hi = lo = 0;
			orig = get32(pf, &b);
			incl = orig;
			if (pf->n_ifs > 0 && pf->ifs[0].snaplen != 0 &&
			    incl > pf->ifs[0].snaplen)
				incl = pf->ifs[0].snaplen;
			if (incl > cur_left(&b))
				incl = (uint32_t)cur_left(&b);
			break;
		default:
			continue;	/* statistics, names, secrets... */
		}
		if (b.err != 0 || incl > cur_left(&b) || incl > MAX_RECORD ||
		    ifid >= (uint32_t)pf->n_ifs) {
			snprintf(err, errsz, "corrupt file: packet %llu is "
			    "inconsistent", (unsigned long long)pf->nrec + 1);
			return -1;
		}
		ifc = &pf->ifs[ifid];
		ts = (uint64_t)hi << 32 | lo;
		frac = ts % ifc->units;
		rec->sec = (int64_t)(ts / ifc->units) + ifc->offset;
		rec->usec = (long)((unsigned __int128)frac * 1000000 /
		    ifc->units);
		rec->caplen = incl;
		rec->wirelen = orig;
		rec->data = b.p;
		pf->nrec++;
		return 1;
	}
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
