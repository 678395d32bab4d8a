/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage-2 memory type of VM_PFNMAP/VM_MIXEDMAP memory outside the kernel's
 * linear map (see pfnmap.c).
 */
#ifndef __ARM64_KVM_PFNMAP_H__
#define __ARM64_KVM_PFNMAP_H__

#include <linux/mm_types.h>
#include <linux/kvm_types.h>

/**
 * enum kvm_pfnmap_s2 - what stage 2 maps such memory as
 * @KVM_PFNMAP_S2_DEVICE: Device-nGnRE, as for MMIO
 * @KVM_PFNMAP_S2_NORMAL_NC: Normal non-cacheable (VM_ALLOW_ANY_UNCACHED)
 * @KVM_PFNMAP_S2_CACHEABLE: Normal write-back, as the VMA maps it
 * @KVM_PFNMAP_S2_UNSUPPORTED: the VMA is cacheable but the CPU lacks
 *	FEAT_S2FWB: mapping it would need cache maintenance through a
 *	linear-map address that does not exist
 */
enum kvm_pfnmap_s2 {
	KVM_PFNMAP_S2_DEVICE,
	KVM_PFNMAP_S2_NORMAL_NC,
	KVM_PFNMAP_S2_CACHEABLE,
	KVM_PFNMAP_S2_UNSUPPORTED,
};

enum kvm_pfnmap_s2 kvm_pfnmap_s2_type(struct vm_area_struct *vma);
bool kvm_pfnmap_cacheable_supported(void);
bool kvm_pfnmap_exec_allowed(void);
void kvm_pfnmap_trace(phys_addr_t ipa, kvm_pfn_t pfn, enum kvm_pfnmap_s2 type,
		      long size);

#if IS_ENABLED(CONFIG_KUNIT)
enum kvm_pfnmap_s2 kvm_pfnmap_s2_decide(pgprot_t prot, bool allow_any_uc,
					bool fwb, bool enabled);
#endif

#endif /* __ARM64_KVM_PFNMAP_H__ */
