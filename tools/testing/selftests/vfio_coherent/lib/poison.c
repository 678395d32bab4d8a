// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent selftest library: catching SIGBUS with its si_code and
 * address, and failing pages. Declared and documented in vc_poison.h.
 */
#include "../vc_poison.h"

struct vc_bus vc_bus;
static sigjmp_buf vc_bus_jump;
static int vc_bus_armed;

static void vc_bus_handler(int sig, siginfo_t *si, void *uc)
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

void vc_bus_catch(void)
{
	struct sigaction sa = {
		.sa_sigaction = vc_bus_handler,
		.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART,
	};

	memset(&vc_bus, 0, sizeof(vc_bus));
	vc_bus_armed = 0;
	sigaction(SIGBUS, &sa, NULL);
}

int vc_bus_touch(void *p, int write)
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

int vc_inject(const char *bdf, int bar, unsigned long long offset,
	      int ar)
{
	char path[PATH_MAX], text[64];

	snprintf(path, sizeof(path), "/sys/kernel/debug/vfio-coherent/%s/inject", bdf);
	snprintf(text, sizeof(text), "%d %#llx%s", bar, offset, ar ? " ar" : "");
	return vc_write(path, text);
}

int vc_hard_offline(unsigned long long phys)
{
	char text[32];

	snprintf(text, sizeof(text), "%#llx", phys);
	return vc_write(VC_HARD_OFFLINE, text);
}

int vc_poisoned(const char *bdf, int bar, unsigned long long offset)
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

int vc_poison_listed(const char *bdf, int bar,
		     unsigned long long offset)
{
	int n = vc_poisoned(bdf, bar, offset);

	return n < 0 ? n : n > 0;
}
