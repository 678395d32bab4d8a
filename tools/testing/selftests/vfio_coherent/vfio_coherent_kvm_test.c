// SPDX-License-Identifier: GPL-2.0-only
/*
 * A nested guest uses the coherent aperture as RAM. A minimal VMM maps the
 * first GiB of usemem (mmapped from VFIO) as a memslot; guest code turns
 * its MMU on with Normal attributes and does an unaligned store and load
 * there, which only works when stage 2 is Normal. As a self-check the same
 * access through a stage-1 Device alias must fault, or the run proves
 * nothing. Booted with kvm-arm.cacheable_pfnmap=0 the kernel makes the
 * unpatched decision (Device), and the same guest access must fault.
 *
 * Faults cannot tell Normal-NC from Normal write-back under TCG, so the
 * other tests read what KVM chose from the kvm_pfnmap:kvm_s2_pfnmap
 * tracepoint: the type and block size of every stage-2 mapping of memory
 * outside the linear map. usemem is cacheable (Device on the kvm-off boot),
 * in 2 MiB blocks when the memslot is aligned, in 1 GiB blocks when it is a
 * whole GiB the host maps with a PUD, and the capability says so; touching
 * GiBs costs one stage-2 fault per GiB, not per page or per 2 MiB;
 * resmem (write-combine) is Normal-NC on both boots; DC ZVA zeroes
 * aperture memory the host then reads back; and a Device mapping of a real
 * BAR (sysfs resourceN) makes the same unaligned access fault, showing the
 * detector works.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "../kselftest_harness.h"
#include "vc_poison.h"
#include "vc_kvm.h"

FIXTURE(kvm) {};
FIXTURE_SETUP(kvm) {}
FIXTURE_TEARDOWN(kvm) {}

TEST_F_TIMEOUT(kvm, guest_uses_aperture_as_ram, 240)
{
	int disabled = cacheable_pfnmap_disabled();
	struct exit_rec *ex;
	struct vc_vfio v;
	struct guest g;
	__u64 back = 0;
	char *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);
	memset(ap, 0, 64);

	guest_create(_metadata, &g, ap, AP_SIZE);
	/* The capability tells the truth about this boot. */
	EXPECT_EQ(!disabled, ioctl(g.vm, KVM_CHECK_EXTENSION,
				   KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED));

	/* Run until the guest reports the aperture access and the self-check. */
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	ex = g.ex;

	/* The guest ran: alive with the MMU off (+24), then on (+32). */
	ASSERT_LE(3, g.nex);
	EXPECT_EQ(REPORT_IPA + REP_MMU_OFF, ex[0].addr);
	EXPECT_EQ(REPORT_IPA + REP_MMU_ON, ex[1].addr);
	if (!disabled) {
		/* Unaligned store and load through Normal stage 2 worked... */
		ASSERT_LE(4, g.nex);
		EXPECT_EQ(REPORT_IPA + REP_VALUE, ex[2].addr);
		EXPECT_EQ(PATTERN, ex[2].data);
		/* ...the host sees the data, in its mapping and by pread... */
		memcpy(&back, ap + 1, 8);
		EXPECT_EQ(PATTERN, back);
		back = 0;
		EXPECT_EQ(8, pread(v.device, &back, 8, ((off_t)VC_USEMEM_BAR << 40) + 1));
		EXPECT_EQ(PATTERN, back);
		/* ...and the Device alias faulted: alignment fault, so the run is valid. */
		EXPECT_EQ(REPORT_IPA + REP_ESR, ex[3].addr);
		EXPECT_EQ(0x21, ex[3].data & 0x3f) TH_LOG("ESR %#llx", ex[3].data);
	} else {
		/*
		 * Device at stage 2: the same access never completes. KVM
		 * fails the run (unsupported alignment fault at stage 2) or
		 * the guest takes an alignment fault.
		 */
		EXPECT_TRUE(ex[2].run_errno == EFAULT ||
			    (ex[2].addr == REPORT_IPA + REP_ESR &&
			     (ex[2].data & 0x3f) == 0x21));
	}
	guest_destroy(&g);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
}

/*
 * The stage-2 type and block size of usemem, from the tracepoint, with the
 * memslot's host address aligned to the IPA: 2 MiB blocks for a 128 MiB
 * memslot, the host's block (1 GiB with 4 KiB pages) for a 1 GiB one; and
 * skewed by a page (only pages possible). The capability, asked of the
 * VM, must match the type KVM really chose; it is a VM capability, so
 * /dev/kvm refuses it (EINVAL).
 */
FIXTURE(s2) {};

FIXTURE_VARIANT(s2) {
	size_t skew, len;
	unsigned long size;	/* 0: vc_host_block() */
};

FIXTURE_VARIANT_ADD(s2, aligned) {
	.skew = 0,
	.len = 64 * SZ_2M,
	.size = SZ_2M,
};

FIXTURE_VARIANT_ADD(s2, aligned_gib) {
	.skew = 0,
	.len = AP_SIZE,
	.size = 0,
};

FIXTURE_VARIANT_ADD(s2, skewed) {
	.skew = SZ_4K,
	.len = 64 * SZ_2M,
	.size = SZ_4K,
};

FIXTURE_SETUP(s2) {}
FIXTURE_TEARDOWN(s2) {}

TEST_F_TIMEOUT(s2, usemem_type_and_size, 240)
{
	const size_t span = 8 * SZ_2M, len = variant->len;
	unsigned long size = variant->size ?: vc_host_block();
	int disabled = cacheable_pfnmap_disabled();
	int want = disabled ? S2_DEVICE : S2_CACHEABLE;
	int cap_sys, cap_vm, sys_errno;
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 data = 0;
	char *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_bar(v.device, VC_USEMEM_BAR, len, variant->skew);
	ASSERT_NE(MAP_FAILED, ap);

	guest_create(_metadata, &g, ap, len);
	cap_sys = ioctl(g.kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);
	sys_errno = errno;
	cap_vm = ioctl(g.vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED);
	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_touch, AP_IPA, span);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + len);
	ASSERT_EQ(REP_TOUCHED, guest_last(&g, &data));
	EXPECT_EQ(span / SZ_4K, data);

	/* Every touched page was mapped, each time as this boot decides... */
	EXPECT_LT(0, s.events);
	EXPECT_EQ(s.events, s.type[want]) TH_LOG("want every mapping %s", s2_names[want]);
	EXPECT_LE(span, s.covered);
	/* ...in blocks when the memslot allows them, else in pages... */
	EXPECT_EQ(size, s.min_size);
	EXPECT_EQ(size, s.max_size);
	/* ...and the capability says what KVM did. */
	TH_LOG("capability: system %d, VM %d; %s boot", cap_sys, cap_vm,
	       disabled ? "kvm-arm.cacheable_pfnmap=0" : "default");
	EXPECT_EQ(!disabled, cap_vm);
	/* A VM capability, as upstream since 6.17: not asked of the system. */
	EXPECT_EQ(-1, cap_sys);
	EXPECT_EQ(EINVAL, sys_errno) TH_LOG("system scope: %s", strerror(sys_errno));
	EXPECT_EQ(cap_vm, s.type[S2_CACHEABLE] == s.events);

	guest_destroy(&g);
	munmap(ap, len);
	vc_vfio_close(&v);
}

/*
 * The guest touches every 4 KiB page of 3 GiB of usemem (a second memslot,
 * at IPA 4 GiB, on the host's 1 GiB blocks): with 1 GiB stage-2 blocks
 * that is one fault per GiB, 3, not 1536 (2 MiB blocks) or 786432 (pages).
 * Counted from the tracepoint, which fires once per stage-2 mapping made.
 */
TEST_F_TIMEOUT(kvm, stage2_faults_per_block, 300)
{
	const size_t gib = 1UL << 30, span = 3 * gib, blk = vc_host_block();
	const __u64 ipa = 4 * gib;
	unsigned long blocks = span / blk, pages = span / SZ_4K;
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 data = 0;
	double t0, t;
	char *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_bar(v.device, VC_USEMEM_BAR, AP_SIZE + span, 0);
	ASSERT_NE(MAP_FAILED, ap);

	guest_create(_metadata, &g, ap, AP_SIZE);
	ASSERT_EQ(0, guest_add_memory(&g, 2, ipa, ap + AP_SIZE, span));
	s2_trace_start(_metadata);
	t0 = vc_now();
	guest_run(_metadata, &g, vc_guest_touch, ipa, span);
	t = vc_now() - t0;
	s2_trace_stop(_metadata, &s, ipa, ipa + span);
	ASSERT_EQ(REP_TOUCHED, guest_last(&g, &data));
	EXPECT_EQ(pages, data);

	ksft_print_msg("guest touched %lu pages (%zu MiB) in %.2f s\n",
		       pages, span >> 20, t);
	ksft_print_msg("stage-2 faults: %d (%lu MiB blocks %lu, 4 KiB pages %lu)%s %#lx..%#lx\n",
		       s.events, blk >> 20, blocks, pages, ", size",
		       s.min_size, s.max_size);
	/* Each block mapped once, two faults to spare... */
	EXPECT_LE(span, s.covered);
	EXPECT_LE(blocks, s.events);
	EXPECT_GE(blocks + 2, s.events);
	/* ...in the host's blocks. */
	EXPECT_EQ(blk, s.max_size);

	guest_destroy(&g);
	munmap(ap, AP_SIZE + span);
	vc_vfio_close(&v);
}

/*
 * resmem is write-combine: the guest can use it (Normal-NC allows the
 * unaligned access), but it is never cacheable at stage 2, on either boot.
 */
TEST_F_TIMEOUT(kvm, write_combine_is_normal_nc, 240)
{
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 back = 0;
	char *wc;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	wc = map_bar(v.device, VC_RESMEM_BAR, VC_RESMEM_SIZE, 0);
	ASSERT_NE(MAP_FAILED, wc);
	memset(wc, 0, 64);

	guest_create(_metadata, &g, wc, VC_RESMEM_SIZE);
	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + VC_RESMEM_SIZE);

	/* The unaligned store and load worked; the Device alias faulted. */
	ASSERT_LE(4, g.nex);
	EXPECT_EQ(REPORT_IPA + REP_VALUE, g.ex[2].addr);
	EXPECT_EQ(PATTERN, g.ex[2].data);
	EXPECT_EQ(REPORT_IPA + REP_ESR, g.ex[3].addr);
	EXPECT_EQ(0x21, g.ex[3].data & 0x3f) TH_LOG("ESR %#llx", g.ex[3].data);
	memcpy(&back, wc + 1, 8);
	EXPECT_EQ(PATTERN, back);
	back = 0;
	EXPECT_EQ(8, pread(v.device, &back, 8, ((off_t)VC_RESMEM_BAR << 40) + 1));
	EXPECT_EQ(PATTERN, back);

	/* Normal-NC, never cacheable. */
	EXPECT_LT(0, s.events);
	EXPECT_EQ(s.events, s.type[S2_NORMAL_NC]);
	EXPECT_EQ(0, s.type[S2_CACHEABLE]);

	guest_destroy(&g);
	munmap(wc, VC_RESMEM_SIZE);
	vc_vfio_close(&v);
}

/*
 * DC ZVA in the guest zeroes one page of usemem that the host filled; the
 * host reads zeros back through its mapping and through pread, and the
 * neighbouring pages are untouched. (QEMU never faults DC ZVA, so this
 * shows data, not the stage-2 type.)
 */
TEST_F_TIMEOUT(kvm, dc_zva_zeroes_aperture, 240)
{
	const size_t page = 5 * SZ_4K;
	unsigned char buf[SZ_4K];
	size_t i, nonzero = 0, kept = 0;
	struct vc_vfio v;
	struct guest g;
	__u64 data = 0;
	char *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);
	memset(ap + page - SZ_4K, 0xa5, 3 * SZ_4K);

	guest_create(_metadata, &g, ap, AP_SIZE);
	guest_run(_metadata, &g, vc_guest_zva, AP_IPA + page, 0);
	ASSERT_EQ(REP_ZVA, guest_last(&g, &data));
	TH_LOG("DC ZVA block size %llu bytes", data);
	EXPECT_LE(4, data);
	EXPECT_GE(SZ_4K, data);

	for (i = 0; i < SZ_4K; i++)
		nonzero += ap[page + i] != 0;
	for (i = 0; i < SZ_4K; i++)
		kept += (unsigned char)ap[page - SZ_4K + i] == 0xa5 &&
			(unsigned char)ap[page + SZ_4K + i] == 0xa5;
	EXPECT_EQ(0, nonzero) TH_LOG("mapping: %zu bytes not zeroed", nonzero);
	EXPECT_EQ(SZ_4K, kept) TH_LOG("neighbours: %zu bytes kept", kept);

	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ(SZ_4K, pread(v.device, buf, SZ_4K, ((off_t)VC_USEMEM_BAR << 40) + page));
	for (i = 0, nonzero = 0; i < SZ_4K; i++)
		nonzero += buf[i] != 0;
	EXPECT_EQ(0, nonzero) TH_LOG("pread: %zu bytes not zero", nonzero);

	guest_destroy(&g);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
}

/*
 * Control: a memslot backed by a Device mapping of a real BAR (the sysfs
 * resource0 mmap of an unbound pci-testdev). The same unaligned access must
 * fault, on either boot, and the tracepoint must say Device: the detector
 * the other tests rely on works.
 */
TEST_F_TIMEOUT(kvm, device_bar_faults, 240)
{
	const char *bdf = VC_DEV_UNDESCRIBED;
	char path[PATH_MAX];
	struct s2_seen s;
	struct guest g;
	__u64 data = 0;
	void *bar;
	long last;
	int fd;

	ASSERT_STREQ("", vc_driver_of(bdf)) TH_LOG("%s must be unbound", bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	ASSERT_EQ(0, vc_write(path, "1"));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("%s: %s", path, strerror(errno));
	bar = mmap(NULL, VC_TESTDEV_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, bar) TH_LOG("mmap %s: %s", path, strerror(errno));

	guest_create(_metadata, &g, bar, VC_TESTDEV_BAR0_SIZE);
	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_start, 0, 0);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + VC_TESTDEV_BAR0_SIZE);

	/* Alive, then the unaligned store failed the run or faulted. */
	ASSERT_LE(3, g.nex);
	EXPECT_EQ(REPORT_IPA + REP_MMU_ON, g.ex[1].addr);
	last = guest_last(&g, &data);
	EXPECT_EQ(3, g.nex);
	EXPECT_TRUE((last == -1 && g.ex[2].run_errno == EFAULT) ||
		    (last == REP_ESR && (data & 0x3f) == 0x21));
	EXPECT_LT(0, s.events);
	EXPECT_EQ(s.events, s.type[S2_DEVICE]);

	guest_destroy(&g);
	munmap(bar, VC_TESTDEV_BAR0_SIZE);
	close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/enable", bdf);
	vc_write(path, "0");
}

/*
 * A guest store to a page of usemem that failed after the guest used it:
 * KVM_RUN stops with EINTR and the VMM gets SIGBUS BUS_MCEERR_AR for the
 * host address of the page (before the mm/gup and KVM changes, KVM_RUN
 * failed with EFAULT and the VMM could not tell). The healthy page next to
 * it still works, mapped at stage 2 as a page, not as the block holding
 * the poisoned one.
 */
TEST_F_TIMEOUT(kvm, poisoned_page_sigbus_to_vmm, 240)
{
	const unsigned long page = (64UL << 20) + 5 * SZ_4K;
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 data = 0;
	char *ap;

	/* A fresh binding: poisoned pages last as long as it. */
	ASSERT_EQ(0, vc_unbind(VC_DEV_GOOD));
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);
	guest_create(_metadata, &g, ap, AP_SIZE);

	guest_run(_metadata, &g, vc_guest_touch, AP_IPA + page, SZ_4K);
	ASSERT_EQ(REP_TOUCHED, guest_last(&g, &data));

	/* Reported by firmware: this late-kill VMM is not told yet. */
	vc_bus_catch();
	ASSERT_EQ(0, vc_inject(VC_DEV_GOOD, VC_USEMEM_BAR, page, 0));
	EXPECT_EQ(0, vc_bus.count);

	guest_run(_metadata, &g, vc_guest_touch, AP_IPA + page, SZ_4K);
	EXPECT_EQ(-1, guest_last(&g, &data));
	EXPECT_EQ(EINTR, g.ex[g.nex - 1].run_errno);
	ASSERT_EQ(1, vc_bus.count);
	EXPECT_EQ(BUS_MCEERR_AR, vc_bus.code);
	EXPECT_EQ(ap + page, vc_bus.addr);
	EXPECT_EQ(12, vc_bus.lsb);
	ksft_print_msg("poisoned page: KVM_RUN %s, SIGBUS code %d at hva+%#lx lsb %d\n",
		       strerror(g.ex[g.nex - 1].run_errno), vc_bus.code,
		       (unsigned long)((char *)vc_bus.addr - ap), vc_bus.lsb);

	s2_trace_start(_metadata);
	guest_run(_metadata, &g, vc_guest_touch, AP_IPA + page + SZ_4K, SZ_4K);
	s2_trace_stop(_metadata, &s, AP_IPA, AP_IPA + AP_SIZE);
	EXPECT_EQ(REP_TOUCHED, guest_last(&g, &data));
	EXPECT_EQ(1, vc_bus.count);
	EXPECT_EQ(1, s.events);
	EXPECT_EQ(SZ_4K, s.max_size);

	signal(SIGBUS, SIG_DFL);
	guest_destroy(&g);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
	vc_unbind(VC_DEV_GOOD);
	vc_bind(VC_DEV_GOOD, VC_DRIVER);
}

/*
 * An MTE guest never gets the aperture: its memory holds no tags. A memslot
 * on the mapping is refused (the VMA is not VM_MTE_ALLOWED), while the same
 * VM takes anonymous memory. And when the mapping replaces the anonymous
 * memory under an existing memslot, a guest access is refused rather than
 * mapped cacheable (KVM_RUN fails with EFAULT, no stage-2 mapping is made);
 * with kvm-arm.cacheable_pfnmap=0 it is mapped Device, which has no tags.
 */
TEST_F_TIMEOUT(kvm, mte_guest_never_gets_the_aperture, 240)
{
	int disabled = cacheable_pfnmap_disabled();
	struct kvm_userspace_memory_region slot = {
		.slot = 2, .guest_phys_addr = 1ULL << 32, .memory_size = AP_SIZE,
	};
	struct vc_vfio v;
	struct s2_seen s;
	struct guest g;
	__u64 data = 0;
	char *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);
	/* Anonymous memory in the same place: an MTE VM takes it. */
	ASSERT_EQ(ap, mmap(ap, AP_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	guest_create_mte(_metadata, &g, ap, AP_SIZE, 1);

	/* A new memslot on the aperture mapping: refused. */
	slot.userspace_addr = (__u64)map_usemem(v.device);
	ASSERT_NE((__u64)MAP_FAILED, slot.userspace_addr);
	EXPECT_EQ(-1, ioctl(g.vm, KVM_SET_USER_MEMORY_REGION, &slot));
	EXPECT_EQ(EINVAL, errno);

	/* The aperture replaces the memory under memslot 1. */
	guest_touch_usemem_under_slot(_metadata, &g, ap, v.device, &s);
	EXPECT_EQ(0, s.type[S2_CACHEABLE]);
	if (disabled) {
		EXPECT_EQ(REP_TOUCHED, guest_last(&g, &data));
		EXPECT_EQ(1, s.type[S2_DEVICE]);
	} else {
		EXPECT_EQ(-1, guest_last(&g, &data));
		EXPECT_EQ(EFAULT, g.ex[g.nex - 1].run_errno);
		EXPECT_EQ(0, s.events);
	}

	guest_destroy(&g);
	munmap((void *)slot.userspace_addr, AP_SIZE);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
}

TEST_HARNESS_MAIN
