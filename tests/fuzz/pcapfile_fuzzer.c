/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * pcapfile_fuzzer.c - the capture file reader (pcap, pcapng) on hostile
 * files: the input is a whole file, read to its end or its first error.
 */
#include "config.h"

#define _GNU_SOURCE		/* memfd_create(2) */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcapfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcapfile_rec rec;
	struct pcapfile *pf;
	char path[64], err[256];
	unsigned long sum;
	size_t i;
	int fd, rc;

	if ((fd = memfd_create("pcapfile_fuzzer", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (pcapfile_open(path, &pf, err, sizeof(err)) == 0) {
		sum = 0;
		/* touch every byte handed out */
		while ((rc = pcapfile_next(pf, &rec, err, sizeof(err))) == 1)
			for (i = 0; i < rec.caplen; i++)
				sum += rec.data[i];
		(void)sum;
		pcapfile_close(pf);
	}
	close(fd);
	return 0;
}
