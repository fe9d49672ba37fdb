/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * dcerpc_fuzzer.c - the dcerpc carrier dissector under the fuzzer
 * (see dis_fuzzer.inc).
 */
#include "config.h"

#define FUZZ_DISSECTOR "dcerpc"
#include "dis_fuzzer.inc"
