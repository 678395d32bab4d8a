// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM/arm64: stage-2 memory type of PFNMAP memory outside the linear map.
 */

/**
 * DOC: cacheable PFNMAP
 *
 * Memory with no struct page and no linear-map alias (device memory that is
 * coherent with the CPU, handed out by a VFIO driver as a cacheable
 * VM_PFNMAP mapping) used to be mapped Device at stage 2 whatever the host
 * mapped it as, so a guest could not use it as RAM. Its stage-2 type now
 * follows the attributes of the host page table entry that maps it (not
 * the VMA's vm_page_prot: a driver may insert entries with attributes of
 * its own, e.g. write-combine entries in a VMA whose vm_page_prot is
 * cacheable):
 *
 * - cacheable entry: Normal write-back;
 * - write-combine (Normal-NC) entry: Normal-NC, what the host itself uses;
 * - anything else: Device, or Normal-NC when the VMA allows any uncached
 *   type (VM_ALLOW_ANY_UNCACHED, as vfio-pci BARs), as before.
 *
 * Cacheable needs FEAT_S2FWB and CTR_EL0.DIC: without them KVM would have
 * to clean the data cache and invalidate the instruction cache by virtual
 * address through the linear map, and there is no linear-map address for
 * this memory. No cache maintenance is ever done for these mappings.
 * Without FWB and DIC, a memslot whose memory the host maps cacheable
 * outside the linear map is refused when it is created (the first page of
 * each VM_PFNMAP VMA is looked up, and faulted in if needed) and a fault on
 * such memory fails with -EFAULT; RAM-backed PFNMAP memory (in the linear
 * map) is mapped as before. A VM with MTE never gets these mappings: they
 * cannot hold tags.
 *
 * KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED, a VM capability, tells userspace
 * whether this is available. The boot parameter kvm-arm.cacheable_pfnmap=0
 * restores the previous behaviour (Device, or Normal-NC with
 * VM_ALLOW_ANY_UNCACHED) and refuses nothing. The kvm_pfnmap:kvm_s2_pfnmap
 * tracepoint shows the type and block size chosen for each fault on such
 * memory.
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

/* The KVM_PFNMAP_* bits this host has. */
static unsigned int kvm_pfnmap_host(void)
{
	return (cacheable_pfnmap ? KVM_PFNMAP_ENABLED : 0) |
	       (cpus_have_final_cap(ARM64_HAS_STAGE2_FWB) ? KVM_PFNMAP_FWB : 0) |
	       (cpus_have_final_cap(ARM64_HAS_CACHE_DIC) ? KVM_PFNMAP_DIC : 0);
}

/**
 * kvm_pfnmap_s2_decide() - the stage-2 type for a host mapping's attributes
 * @prot: the attributes of the host page table entry
 * @allow_any_uc: the VMA has VM_ALLOW_ANY_UNCACHED
 * @host: the KVM_PFNMAP_* bits the host has
 *
 * Without KVM_PFNMAP_ENABLED this is the decision of a kernel without
 * cacheable PFNMAP support: Normal-NC with VM_ALLOW_ANY_UNCACHED, else
 * Device.
 *
 * Return: the stage-2 type; KVM_PFNMAP_S2_UNSUPPORTED for cacheable memory
 * the CPU cannot map cacheable safely.
 */
VISIBLE_IF_KUNIT enum kvm_pfnmap_s2 kvm_pfnmap_s2_decide(pgprot_t prot,
							 bool allow_any_uc,
							 unsigned int host)
{
	u64 attr = pgprot_val(prot) & PTE_ATTRINDX_MASK;

	if (host & KVM_PFNMAP_ENABLED) {
		if (attr == PTE_ATTRINDX(MT_NORMAL) ||
		    attr == PTE_ATTRINDX(MT_NORMAL_TAGGED))
			return (host & KVM_PFNMAP_ALL) == KVM_PFNMAP_ALL ?
			       KVM_PFNMAP_S2_CACHEABLE : KVM_PFNMAP_S2_UNSUPPORTED;
		if (attr == PTE_ATTRINDX(MT_NORMAL_NC))
			return KVM_PFNMAP_S2_NORMAL_NC;
	}
	return allow_any_uc ? KVM_PFNMAP_S2_NORMAL_NC : KVM_PFNMAP_S2_DEVICE;
}
EXPORT_SYMBOL_IF_KUNIT(kvm_pfnmap_s2_decide);

/*
 * The PFN and attributes of what @vma maps at @hva, or -errno when nothing
 * is mapped there. mmap lock held.
 */
static int kvm_pfnmap_lookup(struct vm_area_struct *vma, unsigned long hva,
			     kvm_pfn_t *pfn, pgprot_t *prot)
{
	struct follow_pfnmap_args args = { .vma = vma, .address = hva };
	int ret;

	ret = follow_pfnmap_start(&args);
	if (ret)
		return ret;
	*pfn = args.pfn;
	*prot = args.pgprot;
	follow_pfnmap_end(&args);
	return 0;
}

/**
 * kvm_pfnmap_s2_type() - the stage-2 type for a PFN outside the linear map
 * @mm: the VMM's mm, mmap lock not held
 * @hva: the host address of the faulting page
 * @pfn: the PFN found there
 *
 * Reads the attributes of the host page table entry mapping @pfn at @hva.
 * When it is gone or maps something else, the caller's MMU notifier check
 * makes it retry; until then nothing more permissive than the old decision
 * is returned.
 *
 * Return: see kvm_pfnmap_s2_decide().
 */
enum kvm_pfnmap_s2 kvm_pfnmap_s2_type(struct mm_struct *mm, unsigned long hva,
				      kvm_pfn_t pfn)
{
	enum kvm_pfnmap_s2 type = KVM_PFNMAP_S2_DEVICE;
	struct vm_area_struct *vma;
	kvm_pfn_t found;
	bool allow_uc;
	pgprot_t prot;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, hva);
	if (vma) {
		allow_uc = vma->vm_flags & VM_ALLOW_ANY_UNCACHED;
		if (!kvm_pfnmap_lookup(vma, hva, &found, &prot) && found == pfn)
			type = kvm_pfnmap_s2_decide(prot, allow_uc,
						    kvm_pfnmap_host());
		else
			type = allow_uc ? KVM_PFNMAP_S2_NORMAL_NC :
					  KVM_PFNMAP_S2_DEVICE;
	}
	mmap_read_unlock(mm);
	return type;
}

/**
 * kvm_pfnmap_check_memslot() - may a memslot use a VM_PFNMAP VMA
 * @vma: the VMA, mmap lock held for reading
 * @hva: the first address of the memslot in @vma
 *
 * When this host cannot map cacheable memory outside the linear map and
 * @vma says it maps memory cacheable, look at what it maps at @hva
 * (faulting it in if needed): memory outside the linear map that the host
 * maps cacheable is refused. RAM (PFNs in the linear map), uncached
 * entries and anything that cannot be looked up are accepted, as are VMAs
 * whose protection is not cacheable (vfio-pci BARs: nothing is faulted in
 * for them); a fault on cacheable memory outside the linear map fails
 * later anyway.
 *
 * Return: 0, or -EINVAL to refuse the memslot.
 */
int kvm_pfnmap_check_memslot(struct vm_area_struct *vma, unsigned long hva)
{
	unsigned int host = kvm_pfnmap_host();
	kvm_pfn_t pfn;
	pgprot_t prot;

	/* Nothing is refused when cacheable PFNMAP works or is off. */
	if (!(host & KVM_PFNMAP_ENABLED) || (host & KVM_PFNMAP_ALL) == KVM_PFNMAP_ALL)
		return 0;
	/* Only a VMA that says it is cacheable is looked into. */
	if (kvm_pfnmap_s2_decide(vma->vm_page_prot, false, host) !=
	    KVM_PFNMAP_S2_UNSUPPORTED)
		return 0;

	if (kvm_pfnmap_lookup(vma, hva, &pfn, &prot)) {
		/* Not populated yet: fault it in, mmap lock kept. */
		if (fixup_user_fault(vma->vm_mm, hva, 0, NULL) ||
		    kvm_pfnmap_lookup(vma, hva, &pfn, &prot))
			return 0;
	}
	if (pfn_is_map_memory(pfn))
		return 0;
	if (kvm_pfnmap_s2_decide(prot, vma->vm_flags & VM_ALLOW_ANY_UNCACHED,
				 host) != KVM_PFNMAP_S2_UNSUPPORTED)
		return 0;

	pr_warn_ratelimited("kvm [%i]: memslot at %#lx: PFN %#llx is cacheable device memory; mapping it needs FEAT_S2FWB and CTR_EL0.DIC (have %s, %s)\n",
			    task_pid_nr(current), hva, pfn,
			    host & KVM_PFNMAP_FWB ? "FWB" : "no FWB",
			    host & KVM_PFNMAP_DIC ? "DIC" : "no DIC");
	return -EINVAL;
}

/**
 * kvm_pfnmap_cacheable_supported() - KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED
 *
 * Return: whether memory outside the linear map that the host maps
 * cacheable is mapped cacheable at stage 2.
 */
bool kvm_pfnmap_cacheable_supported(void)
{
	return kvm_pfnmap_host() == KVM_PFNMAP_ALL;
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
