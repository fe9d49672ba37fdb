/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * gss_fuzzer.c - the gss carrier dissector under the fuzzer
 * (see dis_fuzzer.inc).
 */
#include "config.h"

#define FUZZ_DISSECTOR "gss"
#include "dis_fuzzer.inc"
