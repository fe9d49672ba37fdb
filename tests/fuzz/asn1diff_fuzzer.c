/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * asn1diff_fuzzer.c - differential fuzz target: each input is decoded as
 * one Kerberos message (RFC 4120 section 5) by the fast decoder
 * (krb_decode) and by the libtasn1 reference (asn1ref_check); aborts
 * when the fast decoder accepts a message (KRB_OK) and the two disagree
 * on a field it reports. The reference's tree is rendered too (it must
 * not fault).
 *
 * The fast decoder is lenient by design where real implementations are
 * sloppy (unknown fields skipped, order not enforced, parts it does not
 * report not validated): a message it accepts and libtasn1 rejects is not
 * a field disagreement and is not fatal, unless ASN1DIFF_STRICT is set in
 * the environment. With ASN1DIFF_SAVE=FOLDER, one input per distinct
 * reason (either way round) is written there.
 * Built with libFuzzer (--enable-fuzzing) or with replay.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1ref.h"
#include "krb.h"
#include "record.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* asn1ref_check's words for "fast decoder ok, libtasn1 rejects" */
#define LENIENT	"status: fast ok, reference"

static void	save(const uint8_t *, size_t, const char *);

static int		 fields_only = -1;
static const char	*save_dir;

/* One example per reason: the file is named by the reason's hash. */
static void
save(const uint8_t *data, size_t size, const char *why)
{
	char path[4096];
	FILE *f;

	if (save_dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%016llx", save_dir,
	    (unsigned long long)hash64(why, strlen(why), 0));
	if ((f = fopen(path, "wb")) == NULL)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct krb_msg m;
	char why[512], *text;
	int rc;

	if (fields_only < 0) {
		fields_only = getenv("ASN1DIFF_STRICT") == NULL;
		save_dir = getenv("ASN1DIFF_SAVE");
	}
	krb_decode(data, size, &m);
	rc = asn1ref_check(data, size, &m, why, sizeof(why));
	if (rc > 0 && m.status == KRB_OK) {
		if (!fields_only || strncmp(why, LENIENT,
		    sizeof(LENIENT) - 1) != 0) {
			fprintf(stderr, "asn1diff: %s\n", why);
			abort();
		}
		save(data, size, why);
	} else if (rc > 0)
		save(data, size, why);
	if (asn1ref_tree(data, size, &text) == 0) {
		if (text == NULL || strlen(text) == 0)
			abort();
		free(text);
	}
	(void)asn1ref_spnego_tree(data, size, &text);
	free(text);
	return 0;
}
