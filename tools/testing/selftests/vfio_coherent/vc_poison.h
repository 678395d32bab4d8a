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
static struct vc_bus vc_bus;
static sigjmp_buf vc_bus_jump;
static int vc_bus_armed;

static inline void vc_bus_handler(int sig, siginfo_t *si, void *uc)
{
	vc_bus.count++;
	vc_bus.code = si->si_code;
	vc_bus.addr = si->si_addr;
	vc_bus.lsb = si->si_addr_lsb;
	/* A fault would repeat on return: leave the access instead. */
	if (__atomic_load_n(&vc_bus_armed, __ATOMIC_SEQ_CST)) {
		vc_bus_armed = 0;
		siglongjmp(vc_bus_jump, 1);
	}
}

/* Catch SIGBUS from now on, forgetting earlier ones. */
static inline void vc_bus_catch(void)
{
	struct sigaction sa = {
		.sa_sigaction = vc_bus_handler,
		.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART,
	};

	memset(&vc_bus, 0, sizeof(vc_bus));
	vc_bus_armed = 0;
	sigaction(SIGBUS, &sa, NULL);
}

/* Read (or write) the byte at @p; 1 if that raised SIGBUS, 0 if not. */
static inline int vc_bus_touch(void *p, int write)
{
	if (sigsetjmp(vc_bus_jump, 1))
		return 1;
	__atomic_store_n(&vc_bus_armed, 1, __ATOMIC_SEQ_CST);
	if (write)
		vc_poke(p, 0x5a);
	else
		vc_peek(p);
	__atomic_store_n(&vc_bus_armed, 0, __ATOMIC_SEQ_CST);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/*
 * Fail the page at @offset of region @bar of @bdf through the core's
 * debugfs injector: as a firmware report (action optional) or, with @ar, as
 * if this task had consumed the error (action required). 0 or -errno.
 */
static inline int vc_inject(const char *bdf, int bar, unsigned long long offset,
			    int ar)
{
	char path[PATH_MAX], text[64];

	snprintf(path, sizeof(path), "/sys/kernel/debug/vfio-coherent/%s/inject", bdf);
	snprintf(text, sizeof(text), "%d %#llx%s", bar, offset, ar ? " ar" : "");
	return vc_write(path, text);
}

/* Fail the page at physical address @phys with hard_offline_page. */
static inline int vc_hard_offline(unsigned long long phys)
{
	char text[32];

	snprintf(text, sizeof(text), "%#llx", phys);
	return vc_write(VC_HARD_OFFLINE, text);
}

/*
 * How many pages the core's debugfs lists as poisoned for @bdf: all of
 * them with @bar < 0, else those at @offset of region @bar. -errno on error.
 */
static inline int vc_poisoned(const char *bdf, int bar, unsigned long long offset)
{
	char path[PATH_MAX], line[128];
	unsigned long long off, pfn;
	int found = 0, b;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vfio-coherent/%s/poisoned", bdf);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %llx %llx", &b, &off, &pfn) == 3 &&
		    (bar < 0 || (b == bar && off == offset)))
			found++;
	fclose(f);
	return found;
}

/* Whether the core's debugfs lists the page at @offset of region @bar. */
static inline int vc_poison_listed(const char *bdf, int bar,
				   unsigned long long offset)
{
	int n = vc_poisoned(bdf, bar, offset);

	return n < 0 ? n : n > 0;
}

#endif
