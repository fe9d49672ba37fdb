/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dns_fuzzer.c - the dns carrier dissector under the fuzzer
 * (see dis_fuzzer.inc).
 */
#include "config.h"

#define FUZZ_DISSECTOR "dns"
#include "dis_fuzzer.inc"
