/*
 * krbscope - Kerberos network traffic analyzer
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * spnego.c - placeholder (being written).
 */
#include "config.h"

#include "sec.h"
