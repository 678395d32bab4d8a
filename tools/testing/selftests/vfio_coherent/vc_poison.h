/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory-failure helpers for the vfio-coherent selftests: inject a failure
 * of an aperture page (the core's debugfs injector, or the kernel's
 * hard_offline_page), and catch the SIGBUS that follows with its si_code,
 * si_addr and si_addr_lsb.
 */
#ifndef VC_POISON_H
#define VC_POISON_H

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "vc_util.h"

#ifndef BUS_MCEERR_AR
#define BUS_MCEERR_AR	4
#define BUS_MCEERR_AO	5
#endif

#define VC_HARD_OFFLINE	"/sys/devices/system/memory/hard_offline_page"
#define VC_EARLY_KILL	"/proc/sys/vm/memory_failure_early_kill"

/* What the SIGBUSes caught since vc_bus_catch() said; the last one wins. */
struct vc_bus {
	int count;
	int code;
	void *addr;
	int lsb;
};

/*
 * Written by the signal handler; read after a system call or a
 * vc_bus_touch(), which the compiler cannot move reads across.
 */
extern struct vc_bus vc_bus;

/* Catch SIGBUS from now on, forgetting earlier ones. */
void vc_bus_catch(void);

/* Read (or write) the byte at @p; 1 if that raised SIGBUS, 0 if not. */
int vc_bus_touch(void *p, int write);

/*
 * Fail the page at @offset of region @bar of @bdf through the core's
 * debugfs injector: as a firmware report (action optional) or, with @ar, as
 * if this task had consumed the error (action required). 0 or -errno.
 */
int vc_inject(const char *bdf, int bar, unsigned long long offset,
	      int ar);

/* Fail the page at physical address @phys with hard_offline_page. */
int vc_hard_offline(unsigned long long phys);

/*
 * How many pages the core's debugfs lists as poisoned for @bdf: all of
 * them with @bar < 0, else those at @offset of region @bar. -errno on error.
 */
int vc_poisoned(const char *bdf, int bar, unsigned long long offset);

/* Whether the core's debugfs lists the page at @offset of region @bar. */
int vc_poison_listed(const char *bdf, int bar,
		     unsigned long long offset);

#endif
