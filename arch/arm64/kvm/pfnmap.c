// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM/arm64: stage-2 memory type of PFNMAP memory outside the linear map.
 */

/**
 * DOC: cacheable PFNMAP
 *
 * Memory with no struct page and no linear-map alias (device memory that is
 * coherent with the CPU, handed out by a VFIO driver as a cacheable
 * VM_PFNMAP mapping) used to be mapped Device at stage 2 whatever the VMA
 * said, so a guest could not use it as RAM. Its stage-2 type now follows the
 * VMA: Normal write-back when the VMA maps it cacheable, Normal-NC when the
 * VMA allows any uncached type (VM_ALLOW_ANY_UNCACHED, as before), Device
 * otherwise.
 *
 * Cacheable needs FEAT_S2FWB: without it KVM would have to clean the data
 * cache through the linear map, and there is no linear-map address for this
 * memory. Without FWB such a memslot is refused when it is created and a
 * fault on one fails with -EFAULT. Execute permission also needs
 * CTR_EL0.DIC, for the same reason on the instruction side. No cache
 * maintenance is ever done for these mappings. A VM with MTE never gets
 * them: they cannot hold tags.
 *
 * KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED tells userspace whether this is
 * available. The boot parameter kvm-arm.cacheable_pfnmap=0 restores the
 * previous behaviour (Device, or Normal-NC with VM_ALLOW_ANY_UNCACHED). The
 * kvm_pfnmap:kvm_s2_pfnmap tracepoint shows the type and block size chosen
 * for each fault on such memory.
 */

#include <linux/kvm_host.h>
#include <linux/mm.h>
#include <kunit/visibility.h>
#include <asm/cpufeature.h>
#include <asm/memory.h>
#include <asm/pgtable-hwdef.h>

#include "pfnmap.h"

#define CREATE_TRACE_POINTS
#include "trace_pfnmap.h"

static bool cacheable_pfnmap = true;

static int __init early_cacheable_pfnmap(char *arg)
{
	return kstrtobool(arg, &cacheable_pfnmap);
}
early_param("kvm-arm.cacheable_pfnmap", early_cacheable_pfnmap);

/**
 * kvm_pfnmap_s2_decide() - the stage-2 type for a user mapping's attributes
 * @prot: the VMA's page protection
 * @allow_any_uc: the VMA has VM_ALLOW_ANY_UNCACHED
 * @fwb: the CPU has FEAT_S2FWB
 * @enabled: cacheable PFNMAP is enabled (kvm-arm.cacheable_pfnmap)
 *
 * Return: the stage-2 type; KVM_PFNMAP_S2_UNSUPPORTED for cacheable memory
 * the CPU cannot map cacheable safely.
 */
VISIBLE_IF_KUNIT enum kvm_pfnmap_s2 kvm_pfnmap_s2_decide(pgprot_t prot,
							 bool allow_any_uc,
							 bool fwb, bool enabled)
{
	u64 attr = pgprot_val(prot) & PTE_ATTRINDX_MASK;

	if (enabled && (attr == PTE_ATTRINDX(MT_NORMAL) ||
			attr == PTE_ATTRINDX(MT_NORMAL_TAGGED)))
		return fwb ? KVM_PFNMAP_S2_CACHEABLE : KVM_PFNMAP_S2_UNSUPPORTED;
	return allow_any_uc ? KVM_PFNMAP_S2_NORMAL_NC : KVM_PFNMAP_S2_DEVICE;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_pfnmap_s2_decide);

/**
 * kvm_pfnmap_s2_type() - the stage-2 type for memory a VMA maps outside the
 *	linear map
 * @vma: the VMA, mmap lock held
 *
 * Return: see kvm_pfnmap_s2_decide().
 */
enum kvm_pfnmap_s2 kvm_pfnmap_s2_type(struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return KVM_PFNMAP_S2_DEVICE;
	return kvm_pfnmap_s2_decide(vma->vm_page_prot,
				    vma->vm_flags & VM_ALLOW_ANY_UNCACHED,
				    cpus_have_final_cap(ARM64_HAS_STAGE2_FWB),
				    cacheable_pfnmap);
}

/**
 * kvm_pfnmap_cacheable_supported() - KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
 *
 * Return: whether cacheable PFNMAP memory is mapped cacheable at stage 2.
 */
bool kvm_pfnmap_cacheable_supported(void)
{
	return cacheable_pfnmap && cpus_have_final_cap(ARM64_HAS_STAGE2_FWB);
}

/**
 * kvm_pfnmap_exec_allowed() - whether cacheable PFNMAP memory may be
 *	executable at stage 2
 *
 * Return: true when no instruction cache maintenance is needed (DIC).
 */
bool kvm_pfnmap_exec_allowed(void)
{
	return cpus_have_final_cap(ARM64_HAS_CACHE_DIC);
}

/**
 * kvm_pfnmap_trace() - report a stage-2 mapping of memory outside the
 *	linear map
 * @ipa: guest physical address mapped
 * @pfn: host page frame
 * @type: the stage-2 type chosen
 * @size: the mapping size
 */
void kvm_pfnmap_trace(phys_addr_t ipa, kvm_pfn_t pfn, enum kvm_pfnmap_s2 type,
		      long size)
{
	trace_kvm_s2_pfnmap(ipa, pfn, type, size);
}
