// SPDX-License-Identifier: GPL-2.0-only
/*
 * A nested guest uses the coherent aperture as RAM. A minimal VMM maps the
 * first GiB of usemem (mmapped from VFIO) as a memslot; guest code turns
 * its MMU on with Normal attributes and does an unaligned store and load
 * there, which only works when stage 2 is Normal. As a self-check the same
 * access through a stage-1 Device alias must fault, or the run proves
 * nothing. Booted with kvm-arm.cacheable_pfnmap=0 the kernel makes the
 * unpatched decision (Device), and the same guest access must fault.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <linux/kvm.h>

#include "../kselftest_harness.h"
#include "vc_util.h"
#include "vfio_coherent_kvm_guest.h"

#ifndef KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
#define KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED 243
#endif

#define SLOT0_SIZE	0x200000UL
#define PT_OFF		0x10000UL
#define AP_IPA		0x40000000UL
#define AP_SIZE		0x40000000UL
#define REPORT_IPA	0x80000000UL
#define PATTERN		0x1122334455667788ULL

struct exit_rec {
	__u64 addr, data;
	int run_errno;
};

static int cacheable_pfnmap_disabled(void)
{
	char line[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		fgets(line, sizeof(line), f);
		fclose(f);
	}
	return !!strstr(line, "kvm-arm.cacheable_pfnmap=0");
}

static void *map_usemem(int device)
{
	size_t align = 1UL << 30;
	char *area = mmap(NULL, AP_SIZE + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t at = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
	__u16 cmd;

	pread(device, &cmd, 2, ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4);
	cmd |= 2;
	pwrite(device, &cmd, 2, ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4);
	munmap(area, AP_SIZE + align);
	return mmap((void *)at, AP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		    device, (off_t)VC_USEMEM_BAR << 40);
}

FIXTURE(kvm) {};
FIXTURE_SETUP(kvm) {}
FIXTURE_TEARDOWN(kvm) {}

TEST_F_TIMEOUT(kvm, guest_uses_aperture_as_ram, 240)
{
	struct kvm_userspace_memory_region slot = {};
	struct kvm_vcpu_init init;
	struct exit_rec ex[8] = {};
	int kvm, vm, vcpu, i, nex = 0, disabled = cacheable_pfnmap_disabled();
	struct kvm_one_reg reg;
	struct kvm_run *run;
	struct vc_vfio v;
	__u64 *pt, pc = 0, back = 0;
	char *mem, *ap;

	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &v));
	ap = map_usemem(v.device);
	ASSERT_NE(MAP_FAILED, ap);
	memset(ap, 0, 64);

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, kvm) TH_LOG("no /dev/kvm: %s", strerror(errno));
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	/* The capability tells the truth about this boot. */
	EXPECT_EQ(!disabled, ioctl(vm, KVM_CHECK_EXTENSION,
				   KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED));

	mem = mmap(NULL, SLOT0_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	memcpy(mem, vc_guest_start, vc_guest_end - vc_guest_start);
	pt = (__u64 *)(mem + PT_OFF);
	pt[0] = 0x00000000ULL | 0x701;	/* block, attr0, inner shareable, AF */
	pt[1] = AP_IPA | 0x701;
	pt[2] = REPORT_IPA | 0x405;	/* block, attr1 (Device), AF */
	pt[3] = AP_IPA | 0x405;

	slot = (struct kvm_userspace_memory_region){
		.slot = 0, .memory_size = SLOT0_SIZE, .userspace_addr = (__u64)mem,
	};
	ASSERT_EQ(0, ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot));
	slot = (struct kvm_userspace_memory_region){
		.slot = 1, .guest_phys_addr = AP_IPA, .memory_size = AP_SIZE,
		.userspace_addr = (__u64)ap,
	};
	ASSERT_EQ(0, ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot));

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	run = mmap(NULL, ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
		   MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run);
	ASSERT_EQ(0, ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init));
	ASSERT_EQ(0, ioctl(vcpu, KVM_ARM_VCPU_INIT, &init));
	reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		 KVM_REG_ARM_CORE_REG(regs.pc);
	reg.addr = (__u64)&pc;
	ASSERT_EQ(0, ioctl(vcpu, KVM_SET_ONE_REG, &reg));

	/* Run until the guest reports the aperture access and the self-check. */
	for (i = 0; i < 6 && nex < 6; i++) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			ex[nex++].run_errno = errno;
			break;
		}
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write) {
			TH_LOG("exit reason %u", run->exit_reason);
			break;
		}
		memcpy(&ex[nex].data, run->mmio.data, 8);
		ex[nex++].addr = run->mmio.phys_addr;
		/* An exception (+8) or the alias not faulting (+16) ends it. */
		if (run->mmio.phys_addr == REPORT_IPA + 8 ||
		    run->mmio.phys_addr == REPORT_IPA + 16)
			break;
	}
	for (i = 0; i < nex; i++)
		TH_LOG("exit %d: addr %#llx data %#llx errno %d", i, ex[i].addr,
		       ex[i].data, ex[i].run_errno);

	/* The guest ran: alive with the MMU off (+24), then on (+32). */
	ASSERT_LE(3, nex);
	EXPECT_EQ(REPORT_IPA + 24, ex[0].addr);
	EXPECT_EQ(REPORT_IPA + 32, ex[1].addr);
	if (!disabled) {
		/* Unaligned store and load through Normal stage 2 worked... */
		ASSERT_LE(4, nex);
		EXPECT_EQ(REPORT_IPA, ex[2].addr);
		EXPECT_EQ(PATTERN, ex[2].data);
		/* ...the host sees the data, in its mapping and by pread... */
		memcpy(&back, ap + 1, 8);
		EXPECT_EQ(PATTERN, back);
		back = 0;
		EXPECT_EQ(8, pread(v.device, &back, 8, ((off_t)VC_USEMEM_BAR << 40) + 1));
		EXPECT_EQ(PATTERN, back);
		/* ...and the Device alias faulted: alignment fault, so the run is valid. */
		EXPECT_EQ(REPORT_IPA + 8, ex[3].addr);
		EXPECT_EQ(0x21, ex[3].data & 0x3f) TH_LOG("ESR %#llx", ex[3].data);
	} else {
		/*
		 * Device at stage 2: the same access never completes. KVM
		 * fails the run (unsupported alignment fault at stage 2) or
		 * the guest takes an alignment fault.
		 */
		EXPECT_TRUE(ex[2].run_errno == EFAULT ||
			    (ex[2].addr == REPORT_IPA + 8 && (ex[2].data & 0x3f) == 0x21));
	}
	close(vcpu);
	close(vm);
	close(kvm);
	munmap(ap, AP_SIZE);
	vc_vfio_close(&v);
}

TEST_HARNESS_MAIN
