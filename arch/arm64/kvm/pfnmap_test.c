// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the stage-2 memory type of PFNMAP memory outside the
 * linear map: the decision from the attributes of the host's page table
 * entry, the VMA's VM_ALLOW_ANY_UNCACHED, the CPU's FEAT_S2FWB and
 * CTR_EL0.DIC, and the kvm-arm.cacheable_pfnmap switch.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <asm/pgtable.h>

#include "pfnmap.h"

#define decide kvm_pfnmap_s2_decide

#define ALL	KVM_PFNMAP_ALL
#define NO_FWB	(KVM_PFNMAP_ENABLED | KVM_PFNMAP_DIC)
#define NO_DIC	(KVM_PFNMAP_ENABLED | KVM_PFNMAP_FWB)
#define OFF	(KVM_PFNMAP_FWB | KVM_PFNMAP_DIC)

static void kvm_pfnmap_test_cacheable(struct kunit *test)
{
	/* What a cacheable vfio-coherent mmap carries. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, ALL),
			KVM_PFNMAP_S2_CACHEABLE);
	KUNIT_EXPECT_EQ(test, decide(PAGE_READONLY, false, ALL),
			KVM_PFNMAP_S2_CACHEABLE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_tagged(PAGE_SHARED), false, ALL),
			KVM_PFNMAP_S2_CACHEABLE);
	/* VM_ALLOW_ANY_UNCACHED does not make cacheable memory uncached. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, true, ALL),
			KVM_PFNMAP_S2_CACHEABLE);
}

static void kvm_pfnmap_test_no_fwb(struct kunit *test)
{
	/* Cacheable without FWB cannot be mapped safely: refused. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, NO_FWB),
			KVM_PFNMAP_S2_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, true, NO_FWB),
			KVM_PFNMAP_S2_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, KVM_PFNMAP_ENABLED),
			KVM_PFNMAP_S2_UNSUPPORTED);
	/* Anything else keeps working without FWB. */
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), true, NO_FWB),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), false, NO_FWB),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_device(PAGE_SHARED), false, NO_FWB),
			KVM_PFNMAP_S2_DEVICE);
}

/*
 * FWB alone is not enough: without DIC an execute fault would need
 * instruction cache maintenance by VA. The capability, the memslot check
 * and the fault all use this one decision, so they agree.
 */
static void kvm_pfnmap_test_no_dic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, NO_DIC),
			KVM_PFNMAP_S2_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, decide(PAGE_READONLY_EXEC, false, NO_DIC),
			KVM_PFNMAP_S2_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), false, NO_DIC),
			KVM_PFNMAP_S2_NORMAL_NC);
}

/*
 * The type follows the attributes of the host's entry, not of the VMA: a
 * write-combine entry is Normal-NC (what the host itself uses), a Device
 * entry Device unless the VMA allows any uncached type.
 */
static void kvm_pfnmap_test_uncached(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), true, ALL),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), false, ALL),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_noncached(PAGE_SHARED), false, ALL),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_device(PAGE_SHARED), false, ALL),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_device(PAGE_SHARED), true, ALL),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(pgprot_noncached(PAGE_SHARED), true, ALL),
			KVM_PFNMAP_S2_NORMAL_NC);
}

static void kvm_pfnmap_test_disabled(struct kunit *test)
{
	/* kvm-arm.cacheable_pfnmap=0: exactly 6.12's decision. */
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, OFF),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, true, OFF),
			KVM_PFNMAP_S2_NORMAL_NC);
	KUNIT_EXPECT_EQ(test, decide(PAGE_SHARED, false, 0),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), false, OFF),
			KVM_PFNMAP_S2_DEVICE);
	KUNIT_EXPECT_EQ(test, decide(pgprot_writecombine(PAGE_SHARED), true, OFF),
			KVM_PFNMAP_S2_NORMAL_NC);
}

static struct kunit_case kvm_pfnmap_cases[] = {
	KUNIT_CASE(kvm_pfnmap_test_cacheable),
	KUNIT_CASE(kvm_pfnmap_test_no_fwb),
	KUNIT_CASE(kvm_pfnmap_test_no_dic),
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
