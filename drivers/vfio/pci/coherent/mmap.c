// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: mapping an aperture into user space.
 */

/**
 * DOC: mmap
 *
 * A mapping of an aperture region must be shared and lie within the real
 * memory (the sparse-mmap area); anything else is refused with -EINVAL. It
 * is populated on fault, never at mmap time, so that vfio-pci-core can zap
 * it (memory disabled, reset) and the next fault can refuse it. Faults map
 * the largest block the alignment of the address, the offset and the VMA
 * allow: PMD (and PUD where the architecture supports huge PFNMAP at that
 * level), else a page. Cacheable apertures are mapped with the VMA's normal
 * cacheable attributes, write-combine ones with pgprot_writecombine() and
 * VM_ALLOW_ANY_UNCACHED, as vfio-pci does for BARs. A fault while memory
 * decoding is disabled, the function is in low power or its memory is not
 * ready after a reset gets SIGBUS; a fault on a poisoned page gets SIGBUS
 * BUS_MCEERR_AR, and a block holding one is mapped page by page.
 */

#include <linux/mm.h>
#include <linux/vfio.h>

#include "coherent.h"

#define PGOFF_INDEX_SHIFT	(VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)
#define PGOFF_OFFSET_MASK	((1UL << PGOFF_INDEX_SHIFT) - 1)

static vm_fault_t vfio_coherent_huge_fault(struct vm_fault *vmf,
					   unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_coherent_device *cdev =
		container_of(vma->vm_private_data, struct vfio_coherent_device, core);
	unsigned long addr = ALIGN_DOWN(vmf->address, PAGE_SIZE << order);
	struct vfio_coherent_aperture *ap;
	unsigned long pfn;
	vm_fault_t ret;

	/*
	 * vm_pgoff stays the VFIO file offset (region index and offset), so
	 * that vfio-pci-core's unmap_mapping_range() of BARs 0-5 finds us.
	 */
	ap = vfio_coherent_aperture_at_bar(cdev, vma->vm_pgoff >> PGOFF_INDEX_SHIFT);
	if (WARN_ON_ONCE(!ap))
		return VM_FAULT_SIGBUS;
	pfn = PHYS_PFN(ap->base) + (vma->vm_pgoff & PGOFF_OFFSET_MASK) +
	      ((addr - vma->vm_start) >> PAGE_SHIFT);

	if (order && (addr < vma->vm_start ||
		      addr + (PAGE_SIZE << order) > vma->vm_end ||
		      !IS_ALIGNED(pfn, 1UL << order)))
		return VM_FAULT_FALLBACK;

	guard(rwsem_read)(&cdev->core.memory_lock);
	/* As vfio-pci-core: nothing is mapped while in runtime low power. */
	if (cdev->core.pm_runtime_engaged || vfio_coherent_access_begin(cdev))
		return VM_FAULT_SIGBUS;
	/* A failure now waits for the mapping, and then zaps it. */
	guard(rwsem_read)(&cdev->poison_lock);
	if (vfio_coherent_poison_find(cdev, pfn, 1UL << order))
		return order ? VM_FAULT_FALLBACK : VM_FAULT_HWPOISON;

	switch (order) {
	case 0:
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
		break;
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	case PMD_ORDER:
		ret = vmf_insert_pfn_pmd(vmf, pfn, vmf->flags & FAULT_FLAG_WRITE);
		break;
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PUD_PFNMAP
	case PUD_ORDER:
		ret = vmf_insert_pfn_pud(vmf, pfn, vmf->flags & FAULT_FLAG_WRITE);
		break;
#endif
	default:
		ret = VM_FAULT_FALLBACK;
	}
	return ret;
}

static vm_fault_t vfio_coherent_fault(struct vm_fault *vmf)
{
	return vfio_coherent_huge_fault(vmf, 0);
}

static const struct vm_operations_struct vfio_coherent_vm_ops = {
	.fault = vfio_coherent_fault,
#ifdef CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP
	.huge_fault = vfio_coherent_huge_fault,
#endif
};

/**
 * vfio_coherent_mmap_aperture() - set up a user mapping of an aperture
 * @cdev: the device
 * @ap: the aperture whose region @vma maps
 * @vma: the new VMA, vm_pgoff as VFIO encodes it (region index and offset),
 *	which it keeps
 *
 * Return: 0, or -EINVAL for a private mapping or one beyond the memory.
 */
int vfio_coherent_mmap_aperture(struct vfio_coherent_device *cdev,
				struct vfio_coherent_aperture *ap,
				struct vm_area_struct *vma)
{
	u64 offset = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start, end;

	if (!(vma->vm_flags & VM_SHARED)) {
		pci_dbg(cdev->core.pdev, "%s: private mapping refused\n", ap->name);
		return -EINVAL;
	}
	if (check_add_overflow(offset, len, &end) || end > ap->size) {
		pci_dbg(cdev->core.pdev, "%s: mapping [%#llx, +%#llx) past the memory (%#llx)\n",
			ap->name, offset, len, ap->size);
		return -EINVAL;
	}

	/* What vfio-pci-core keeps there for its BARs: the core device. */
	vma->vm_private_data = &cdev->core;
	if (ap->type == VFIO_COHERENT_MEM_WC) {
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		vm_flags_set(vma, VM_ALLOW_ANY_UNCACHED);
	}
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vfio_coherent_vm_ops;
	return 0;
}
