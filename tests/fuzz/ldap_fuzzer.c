/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * ldap_fuzzer.c - the ldap carrier dissector under the fuzzer
 * (see dis_fuzzer.inc).
 */
#include "config.h"

#define FUZZ_DISSECTOR "ldap"
#include "dis_fuzzer.inc"
