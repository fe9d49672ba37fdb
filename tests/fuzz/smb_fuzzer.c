/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * smb_fuzzer.c - the smb2 carrier dissector under the fuzzer
 * (see dis_fuzzer.inc).
 */
#include "config.h"

#define FUZZ_DISSECTOR "smb2"
#include "dis_fuzzer.inc"
