// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the stage-2 memory type of PFNMAP memory outside the
 * linear map: the decision from the VMA's attributes and flags, the CPU's
 * FEAT_S2FWB and the kvm-arm.cacheable_pfnmap switch.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/pgtable.h>

#include "pfnmap.h"

#define decide kvm_pfnmap_s2_decide

static void kvm_pfnmap_test_cacheable(struct kunit *test)
{
	/* What a cacheable vfio-coherent mmap carries. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, true, true),
			KVM_PFNMAP_S2_CACHEABLE);
	KUNIT_EXPECT_EQ(test, decide(PAGE_READONLY, false, true, true),
			KVM_PFNMAP_S2_CACHEABLE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_tagged(PAGE_SHARED), false, true, true),
			KVM_PFNMAP_S2_CACHEABLE);
}

static void kvm_pfnmap_test_no_fwb(struct kunit *test)
{
	/* Cacheable without FWB cannot be mapped safely: refused. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, false, true),
			KVM_PFNMAP_S2_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, true, false, true),
			KVM_PFNMAP_S2_UNSUPPORTED);
	/* Anything else keeps working without FWB. */
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), true, false, true),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_device(PAGE_SHARED), false, false, true),
			KVM_PFNMAP_S2_DEVICE);
}

static void kvm_pfnmap_test_uncached(struct kunit *test)
{
	/* As 6.12: Normal-NC only with VM_ALLOW_ANY_UNCACHED, else Device. */
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), true, true, true),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), false, true, true),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_noncached(PAGE_SHARED), false, true, true),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_device(PAGE_SHARED), true, true, true),
			KVM_PFNMAP_S2_NORMAL_NC);
}

static void kvm_pfnmap_test_disabled(struct kunit *test)
{
	/* kvm-arm.cacheable_pfnmap=0: exactly the old decision. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, true, false),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, true, true, false),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, false, false),
			KVM_PFNMAP_S2_DEVICE);
}

static struct kunit_case kvm_pfnmap_cases[] = {
	KUNIT_CASE(kvm_pfnmap_test_cacheable),
	KUNIT_CASE(kvm_pfnmap_test_no_fwb),
	KUNIT_CASE(kvm_pfnmap_test_uncached),
	KUNIT_CASE(kvm_pfnmap_test_disabled),
	{}
};

static struct kunit_suite kvm_pfnmap_suite = {
	.name = "kvm_arm64_pfnmap",
	.test_cases = kvm_pfnmap_cases,
};

kunit_test_suite(kvm_pfnmap_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the stage-2 type of arm64 KVM PFNMAP memory");
