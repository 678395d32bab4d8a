// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent selftest library: the parts of the minimal KVM VMM that do
 * not assert (memslots, runs' results, teardown, aperture mappings) and the
 * CPU features the kernel logged. Declared and documented in vc_kvm.h.
 */
#define VC_KVM_LIB
#include "../vc_kvm.h"

const char * const s2_names[S2_TYPES] = {
	"device", "normal-nc", "cacheable", "unsupported",
};

const char * const vc_kvm_mode_names[] = {
	"cacheable", "disabled", "unsupported", "unknown",
};

int cacheable_pfnmap_disabled(void)
{
	char line[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	return !!strstr(line, "kvm-arm.cacheable_pfnmap=0");
}

int vc_kvm_cpu_read(struct vc_kvm_cpu *c)
{
	int size = klogctl(VC_SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *log;
	int n;

	memset(c, 0, sizeof(*c));
	c->disabled = cacheable_pfnmap_disabled();
	if (size <= 0)
		return size ? -errno : -ENODATA;
	log = malloc(size + 1);
	if (!log)
		return -ENOMEM;
	n = klogctl(VC_SYSLOG_ACTION_READ_ALL, log, size);
	if (n < 0) {
		n = -errno;
		free(log);
		return n;
	}
	log[n] = 0;
	c->log_complete = !!strstr(log, VC_LOG_BOOT);
	c->fwb = !!strstr(log, VC_LOG_FWB);
	c->dic = !!strstr(log, VC_LOG_DIC);
	free(log);
	return 0;
}

enum vc_kvm_mode vc_kvm_mode_of(const struct vc_kvm_cpu *c)
{
	if (c->disabled)
		return VC_KVM_DISABLED;
	if (!c->log_complete)
		return VC_KVM_UNKNOWN;
	return c->fwb && c->dic ? VC_KVM_CACHEABLE : VC_KVM_UNSUPPORTED;
}

void *map_bar(int device, int bar, size_t size, size_t skew)
{
	size_t align = 1UL << 30;
	char *area = mmap(NULL, size + 2 * align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t at;

	if (area == MAP_FAILED)
		return MAP_FAILED;
	at = (((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1)) + skew;
	vc_set_memory(device, 1);
	munmap(area, size + 2 * align);
	return mmap((void *)at, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		    device, (off_t)bar << 40);
}

void *map_usemem(int device)
{
	return map_bar(device, VC_USEMEM_BAR, AP_SIZE, 0);
}

int guest_add_memory(struct guest *g, int slot, __u64 ipa,
		     void *hva, size_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = ipa, .memory_size = size,
		.userspace_addr = (__u64)hva,
	};
	__u64 *pt = (__u64 *)(g->mem + PT_OFF), a;

	for (a = ipa; a < ipa + size; a += 1UL << 30)
		pt[a >> 30] = a | 0x701;
	return ioctl(g->vm, KVM_SET_USER_MEMORY_REGION, &r) ? errno : 0;
}

long guest_last(struct guest *g, __u64 *data)
{
	struct exit_rec *e;

	if (!g->nex)
		return -2;
	e = &g->ex[g->nex - 1];
	*data = e->data;
	return e->run_errno ? -1 : (long)(e->addr - REPORT_IPA);
}

void guest_destroy(struct guest *g)
{
	if (g->vcpu >= 0)
		close(g->vcpu);
	close(g->vm);
	close(g->kvm);
	munmap(g->mem, SLOT0_SIZE);
}
