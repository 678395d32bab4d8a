// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every VMM sees of KVM/arm64 with cacheable PFNMAP, on each kind of
 * boot: a CPU with FEAT_S2FWB and CTR_EL0.DIC (cacheable), the same with
 * kvm-arm.cacheable_pfnmap=0 (disabled: unpatched 6.12's decision), and a
 * CPU without FWB (unsupported). The mode is found without asking KVM, from
 * the CPU feature lines of the kernel log and the command line.
 *
 * - The capability table, system and VM scope, printed for the host to
 *   compare across boots; what any VMM needs is there on every boot.
 * - KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED is a VM capability.
 * - A guest on anonymous memory works on every boot.
 * - The vfio-coherent aperture (cacheable, no struct page): cacheable at
 *   stage 2, or Device when disabled; without FWB the memslot is refused
 *   and, if the aperture is slipped under an existing memslot, the guest
 *   access fails KVM_RUN with EFAULT.
 * - /dev/vc_pfnmap (arch/arm64/kvm/pfnmap_testdev.c, loaded by the
 *   machine): kernel RAM remapped as PFNMAP is accepted on every boot and
 *   takes the RAM path; write-combine and Device PTEs under a cacheable
 *   vm_page_prot are Normal-NC and Device at stage 2 and never cacheable:
 *   the type follows the PTE, not the VMA.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "../kselftest_harness.h"
#include "vc_kvm.h"

/* pfnmap_testdev.c, loaded with size=0x200000 of memory outside the linear map. */
#define PFNMAP_DEV		"/dev/vc_pfnmap"
#define PFNMAP_RAM_OFF		0UL
#define PFNMAP_WC_OFF		0x40000000UL	/* 1 GiB */
#define PFNMAP_DEVICE_OFF	0x80000000UL	/* 2 GiB */
#define PFNMAP_SIZE		SZ_2M

#define NR_CAPS			512

/* This boot's mode, from the kernel log and the command line. */
static enum vc_kvm_mode boot_mode(struct __test_metadata *_metadata)
{
	enum vc_kvm_mode mode;
	struct vc_kvm_cpu c;
	int ret;

	ret = vc_kvm_cpu_read(&c);
	EXPECT_EQ(0, ret) TH_LOG("kernel log: %s", strerror(-ret));
	mode = vc_kvm_mode_of(&c);
	TH_LOG("FWB %s, DIC %s, kvm-arm.cacheable_pfnmap=0 %s (log from boot: %s): mode %s",
	       c.fwb ? "yes" : "no", c.dic ? "yes" : "no",
	       c.disabled ? "yes" : "no", c.log_complete ? "yes" : "no",
	       vc_kvm_mode_names[mode]);
	ASSERT_NE(VC_KVM_UNKNOWN, mode)
		TH_LOG("the kernel log lost the boot's CPU feature lines");
	return mode;
}

/* vc_guest_start ran through: unaligned store and load, Device alias faulted. */
static void expect_guest_stored(struct __test_metadata *_metadata, struct guest *g)
{
	ASSERT_LE(4, g->nex) TH_LOG("the guest stopped after %d reports", g->nex);
	EXPECT_EQ(REPORT_IPA + REP_MMU_OFF, g->ex[0].addr);
	EXPECT_EQ(REPORT_IPA + REP_MMU_ON, g->ex[1].addr);
	EXPECT_EQ(REPORT_IPA + REP_VALUE, g->ex[2].addr);
	EXPECT_EQ(PATTERN, g->ex[2].data);
	EXPECT_EQ(REPORT_IPA + REP_ESR, g->ex[3].addr);
	EXPECT_EQ(0x21, g->ex[3].data & 0x3f)
		TH_LOG("ESR %#llx: the Device alias must take an alignment fault",
		       g->ex[3].data);
}

/*
 * vc_guest_start ran, and its unaligned store never completed: KVM_RUN
 * failed with EFAULT (alignment fault at stage 2) or the guest took an
 * alignment fault.
 */
static void expect_guest_faulted(struct __test_metadata *_metadata, struct guest *g)
{
	struct exit_rec *e;

	ASSERT_LE(3, g->nex) TH_LOG("the guest stopped after %d reports", g->nex);
	EXPECT_EQ(REPORT_IPA + REP_MMU_ON, g->ex[1].addr);
	e = &g->ex[2];
	EXPECT_TRUE(e->run_errno == EFAULT ||
		    (!e->run_errno && e->addr == REPORT_IPA + REP_ESR &&
		     (e->data & 0x3f) == 0x21))
		TH_LOG("want KVM_RUN EFAULT or ESR 0x21: errno %d, report %#llx data %#llx",
		       e->run_errno, e->addr, e->data);
}

/* KVM_CHECK_EXTENSION: the value, or -errno. */
static int check_cap(int fd, int cap)
{
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? -errno : ret;
}

FIXTURE(abi) {};
FIXTURE_SETUP(abi) {}
FIXTURE_TEARDOWN(abi) {}

#define VMM_CAP(name) { KVM_CAP_##name, #name }

/* What QEMU, crosvm, cloud-hypervisor, firecracker rely on for arm64. */
static const struct {
	int cap;
	const char *name;
} vmm_caps[] = {
	VMM_CAP(IRQCHIP),
	VMM_CAP(IOEVENTFD),
	VMM_CAP(USER_MEMORY),
	VMM_CAP(SYNC_MMU),
	VMM_CAP(DESTROY_MEMORY_REGION_WORKS),
	VMM_CAP(ONE_REG),
	VMM_CAP(ARM_PSCI),
	VMM_CAP(ARM_PSCI_0_2),
	VMM_CAP(READONLY_MEM),
	VMM_CAP(MP_STATE),
	VMM_CAP(IMMEDIATE_EXIT),
	VMM_CAP(VCPU_EVENTS),
	VMM_CAP(ARM_IRQ_LINE_LAYOUT_2),
	VMM_CAP(IRQFD),
	VMM_CAP(IRQ_ROUTING),
	VMM_CAP(SIGNAL_MSI),
	VMM_CAP(DEVICE_CTRL),
	VMM_CAP(CHECK_EXTENSION_VM),
	VMM_CAP(ENABLE_CAP_VM),
	VMM_CAP(COALESCED_MMIO),
	VMM_CAP(NR_VCPUS),
	VMM_CAP(MAX_VCPUS),
	VMM_CAP(NR_MEMSLOTS),
	VMM_CAP(ARM_VM_IPA_SIZE),
	VMM_CAP(SET_GUEST_DEBUG),
	VMM_CAP(VCPU_ATTRIBUTES),
};

/*
 * Every capability number, asked of /dev/kvm and of a fresh VM, one line
 * each on stdout ("VC-KVMCAP <cap> <system> <vm>", -errno on failure) for
 * the host to compare across boots; the ones every VMM needs are there.
 */
TEST_F_TIMEOUT(abi, caps_table, 240)
{
	static int sys[NR_CAPS], vm[NR_CAPS];
	int kvm, vmfd, cap, missing = 0;
	size_t i;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, kvm) TH_LOG("no /dev/kvm: %s", strerror(errno));
	vmfd = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vmfd) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));

	for (cap = 0; cap < NR_CAPS; cap++) {
		sys[cap] = check_cap(kvm, cap);
		vm[cap] = check_cap(vmfd, cap);
		printf("VC-KVMCAP %d %d %d\n", cap, sys[cap], vm[cap]);
	}
	fflush(stdout);

	for (i = 0; i < ARRAY_SIZE(vmm_caps); i++) {
		cap = vmm_caps[i].cap;
		if (sys[cap] > 0 && vm[cap] > 0)
			continue;
		missing++;
		TH_LOG("KVM_CAP_%s (%d): system %d, VM %d; a VMM needs it > 0",
		       vmm_caps[i].name, cap, sys[cap], vm[cap]);
	}
	EXPECT_EQ(0, missing) TH_LOG("%d capabilities every VMM needs are missing", missing);

	close(vmfd);
	close(kvm);
}

/*
 * KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED is a VM capability (as upstream
 * since 6.17): /dev/kvm refuses it; a VM says whether cacheable PFNMAP is
 * mapped cacheable on this boot: FWB, DIC and not disabled.
 */
TEST_F_TIMEOUT(abi, cacheable_cap_scope, 240)
{
	enum vc_kvm_mode mode = boot_mode(_metadata);
	int kvm, vmfd, ret;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, kvm) TH_LOG("no /dev/kvm: %s", strerror(errno));
	vmfd = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vmfd) TH_LOG("KVM_CREATE_VM: %s", strerror(errno));

	ret = check_cap(kvm, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);
	EXPECT_EQ(-EINVAL, ret) TH_LOG("system scope: %d, want -1/EINVAL", ret);
	ret = check_cap(vmfd, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);
	EXPECT_EQ(mode == VC_KVM_CACHEABLE, ret)
		TH_LOG("VM scope: %d on a %s boot", ret, vc_kvm_mode_names[mode]);

	close(vmfd);
	close(kvm);
}

/* The control: a guest on anonymous memory works on every boot. */
TEST_F_TIMEOUT(abi, anonymous_memory_guest, 240)
{
	struct guest g;
	__u64 back = 0;
	char *mem;

	mem = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);

	guest_create(_metadata, &g, mem, SZ_2M);
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	expect_guest_stored(_metadata, &g);
	memcpy(&back, mem + 1, 8);
	EXPECT_EQ(PATTERN, back);

	guest_destroy(&g);
	munmap(mem, SZ_2M);
}

/*
 * A memslot on the vfio-coherent aperture (cacheable, no struct page),
 * mapped but not touched, as a VMM does. Cacheable: accepted, the guest
 * uses it as RAM and every stage-2 mapping is cacheable. Disabled:
 * accepted, Device, the unaligned access faults. Unsupported: refused with
 * EINVAL; and when the aperture replaces the memory under an existing
 * memslot, the guest access fails KVM_RUN with EFAULT, never cacheable.
 */
TEST_F_TIMEOUT(abi, aperture_memslot, 240)
{
	enum vc_kvm_mode mode = boot_mode(_metadata);
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 back = 0, data;
	char *ap;
	int err;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);

	err = guest_create_slot(_metadata, &g, ap, AP_SIZE, 0);
	if (mode == VC_KVM_UNSUPPORTED) {
		EXPECT_EQ(EINVAL, err)
			TH_LOG("memslot on the aperture without FWB: %s, want EINVAL",
			       err ? strerror(err) : "accepted");
		guest_destroy(&g);

		/* The backstop: the aperture slips under an accepted memslot. */
		ASSERT_EQ(ap, mmap(ap, AP_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
		guest_create(_metadata, &g, ap, AP_SIZE);
		guest_touch_usemem_under_slot(_metadata, &g, ap, v.device, &s);
		ASSERT_EQ(-1, guest_last(&g, &data));
		EXPECT_EQ(EFAULT, g.ex[g.nex - 1].run_errno)
			TH_LOG("KVM_RUN: %s, want EFAULT",
			       strerror(g.ex[g.nex - 1].run_errno));
		EXPECT_EQ(0, s.type[S2_CACHEABLE]);
		EXPECT_LE(1, s.type[S2_UNSUPPORTED])
			TH_LOG("the refusal must be traced as unsupported");
	} else {
		ASSERT_EQ(0, err) TH_LOG("memslot on the aperture: %s", strerror(err));
		s2_trace_start(_metadata);
		guest_run(_metadata, &g, vc_guest_start, 0, 0);
		s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + AP_SIZE);
		EXPECT_LT(0, s.events);
		if (mode == VC_KVM_CACHEABLE) {
			expect_guest_stored(_metadata, &g);
			memcpy(&back, ap + 1, 8);
			EXPECT_EQ(PATTERN, back);
			EXPECT_EQ(s.events, s.type[S2_CACHEABLE])
				TH_LOG("want every mapping cacheable");
		} else {
			expect_guest_faulted(_metadata, &g);
			EXPECT_EQ(s.events, s.type[S2_DEVICE])
				TH_LOG("want every mapping device");
		}
	}

	guest_destroy(&g);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
}

static int pfnmap_open(struct __test_metadata *_metadata)
{
	int fd = open(PFNMAP_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, fd) TH_LOG("%s: %s (kvm-pfnmap-testdev.ko not loaded?)",
				PFNMAP_DEV, strerror(errno));
	return fd;
}

/*
 * Kernel pages remapped as VM_PFNMAP (remap_pfn_range, as many drivers
 * do): they are in the linear map, so KVM takes its RAM path on every
 * boot, FWB or not: the memslot is accepted, the guest uses the memory,
 * the host sees what it stored, and no kvm_s2_pfnmap event is recorded.
 */
TEST_F_TIMEOUT(abi, ram_pfnmap_memslot, 240)
{
	struct s2_seen s;
	struct guest g;
	__u64 back = 0;
	char *ram;
	int fd, err;

	fd = pfnmap_open(_metadata);
	ram = mmap(NULL, PFNMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   PFNMAP_RAM_OFF);
	ASSERT_NE(MAP_FAILED, ram) TH_LOG("mmap RAM: %s", strerror(errno));
	memset(ram, 0, 64);

	err = guest_create_slot(_metadata, &g, ram, PFNMAP_SIZE, 0);
	ASSERT_EQ(0, err) TH_LOG("memslot on RAM-backed PFNMAP: %s", strerror(err));
	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + PFNMAP_SIZE);

	expect_guest_stored(_metadata, &g);
	memcpy(&back, ram + 1, 8);
	EXPECT_EQ(PATTERN, back);
	EXPECT_EQ(0, s.events) TH_LOG("RAM is not memory outside the linear map");

	guest_destroy(&g);
	munmap(ram, PFNMAP_SIZE);
	close(fd);
}

/*
 * Memory outside the linear map in a VMA whose vm_page_prot is cacheable
 * but whose PTEs are write-combine or Device (inserted by the fault
 * handler): stage 2 follows the PTE. The memslot is accepted on every
 * boot, even without FWB; WC is Normal-NC (Device when disabled: no
 * VM_ALLOW_ANY_UNCACHED) and the guest can use it; Device is Device and
 * the unaligned access faults. Never cacheable.
 */
FIXTURE(pfnmap) {};

FIXTURE_VARIANT(pfnmap) {
	unsigned long offset;
	int wc;
};

FIXTURE_VARIANT_ADD(pfnmap, wc) {
	.offset = PFNMAP_WC_OFF,
	.wc = 1,
};

FIXTURE_VARIANT_ADD(pfnmap, device) {
	.offset = PFNMAP_DEVICE_OFF,
	.wc = 0,
};

FIXTURE_SETUP(pfnmap) {}
FIXTURE_TEARDOWN(pfnmap) {}

TEST_F_TIMEOUT(pfnmap, pte_attributes, 240)
{
	enum vc_kvm_mode mode = boot_mode(_metadata);
	int want = variant->wc && mode != VC_KVM_DISABLED ? S2_NORMAL_NC : S2_DEVICE;
	struct s2_seen s;
	struct guest g;
	__u64 back = 0;
	int fd, err;
	char *p;

	fd = pfnmap_open(_metadata);
	p = mmap(NULL, PFNMAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 variant->offset);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap %#lx: %s", variant->offset, strerror(errno));

	err = guest_create_slot(_metadata, &g, p, PFNMAP_SIZE, 0);
	ASSERT_EQ(0, err)
		TH_LOG("memslot on %s PTEs (cacheable vm_page_prot): %s",
		       variant->wc ? "write-combine" : "Device", strerror(err));
	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + PFNMAP_SIZE);

	EXPECT_LT(0, s.events);
	EXPECT_EQ(s.events, s.type[want])
		TH_LOG("want every mapping %s on a %s boot", s2_names[want],
		       vc_kvm_mode_names[mode]);
	EXPECT_EQ(0, s.type[S2_CACHEABLE]);
	if (want == S2_NORMAL_NC) {
		expect_guest_stored(_metadata, &g);
		memcpy(&back, p + 1, 8);
		EXPECT_EQ(PATTERN, back);
	} else {
		expect_guest_faulted(_metadata, &g);
	}

	guest_destroy(&g);
	munmap(p, PFNMAP_SIZE);
	close(fd);
}

TEST_HARNESS_MAIN
