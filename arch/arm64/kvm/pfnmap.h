/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage-2 memory type of VM_PFNMAP memory outside the kernel's linear map
 * (see pfnmap.c).
 */
#ifndef __ARM64_KVM_PFNMAP_H__
#define __ARM64_KVM_PFNMAP_H__

#include <linux/bits.h>
#include <linux/mm_types.h>
#include <linux/kvm_types.h>

/**
 * enum kvm_pfnmap_s2 - what stage 2 maps such memory as
 * @KVM_PFNMAP_S2_DEVICE: Device-nGnRE, as for MMIO
 * @KVM_PFNMAP_S2_NORMAL_NC: Normal non-cacheable: the host maps it
 *	write-combine, or the VMA allows any uncached type
 *	(VM_ALLOW_ANY_UNCACHED)
 * @KVM_PFNMAP_S2_CACHEABLE: Normal write-back, as the host maps it
 * @KVM_PFNMAP_S2_UNSUPPORTED: the host maps it cacheable but the CPU lacks
 *	FEAT_S2FWB or CTR_EL0.DIC: mapping it would need cache maintenance
 *	through a linear-map address that does not exist
 */
enum kvm_pfnmap_s2 {
	KVM_PFNMAP_S2_DEVICE,
	KVM_PFNMAP_S2_NORMAL_NC,
	KVM_PFNMAP_S2_CACHEABLE,
	KVM_PFNMAP_S2_UNSUPPORTED,
};

/* What kvm_pfnmap_s2_decide() needs to know of the host. */
#define KVM_PFNMAP_ENABLED	BIT(0)	/* kvm-arm.cacheable_pfnmap */
#define KVM_PFNMAP_FWB		BIT(1)	/* FEAT_S2FWB */
#define KVM_PFNMAP_DIC		BIT(2)	/* CTR_EL0.DIC */
#define KVM_PFNMAP_ALL		(KVM_PFNMAP_ENABLED | KVM_PFNMAP_FWB | KVM_PFNMAP_DIC)

bool kvm_pfnmap_cacheable_supported(void);
enum kvm_pfnmap_s2 kvm_pfnmap_s2_type(struct mm_struct *mm, unsigned long hva,
				      kvm_pfn_t pfn);
int kvm_pfnmap_check_memslot(struct vm_area_struct *vma, unsigned long hva);
void kvm_pfnmap_trace(phys_addr_t ipa, kvm_pfn_t pfn, enum kvm_pfnmap_s2 type,
		      long size);

#if IS_ENABLED(CONFIG_KUNIT)
enum kvm_pfnmap_s2 kvm_pfnmap_s2_decide(pgprot_t prot, bool allow_any_uc,
					unsigned int host);
#endif

#endif /* __ARM64_KVM_PFNMAP_H__ */
