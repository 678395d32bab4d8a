// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test device for the stage-2 type of VM_PFNMAP memory (see pfnmap.c).
 *
 * KVM must take the stage-2 type of memory outside the linear map from the
 * host PTE that really maps it, not from the VMA's vm_page_prot: a driver
 * may leave vm_page_prot cacheable and insert write-combine or Device PTEs
 * from its fault handler. And PFNMAP memory that is RAM (kernel pages
 * remapped to userspace) has a linear-map alias, takes KVM's usual RAM path
 * and must stay accepted on CPUs without FEAT_S2FWB. /dev/vc_pfnmap makes
 * exactly these VMAs for the selftests
 * (tools/testing/selftests/vfio_coherent/vfio_coherent_kvm_abi_test.c);
 * vm_page_prot is always left as the caller's (cacheable) default. The
 * mmap offset chooses:
 *
 * - 0: 2 MiB of zeroed kernel pages, remap_pfn_range() at mmap time;
 * - 1 GiB: [base, base + size), write-combine PTEs inserted on fault;
 * - 2 GiB: [base, base + size), Device-nGnRnE PTEs inserted on fault.
 *
 * base and size must describe memory the kernel does not map (no struct
 * page, e.g. RAM hidden with mem=). Not for production kernels: it hands
 * that physical range to any process that can open the device.
 */

#define pr_fmt(fmt) "vc_pfnmap: " fmt

#include <linux/gfp.h>
#include <linux/ioport.h>
#include <linux/memory-failure.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>

#define VC_PFNMAP_NAME		"vc_pfnmap"
#define VC_PFNMAP_RAM_ORDER	get_order(SZ_2M)
#define VC_PFNMAP_RAM_SIZE	(PAGE_SIZE << VC_PFNMAP_RAM_ORDER)

/* The mmap offsets, in units of 1 GiB. */
enum vc_pfnmap_window {
	VC_PFNMAP_RAM,
	VC_PFNMAP_WC,
	VC_PFNMAP_DEVICE,
	VC_PFNMAP_WINDOWS,
};

#define VC_PFNMAP_WINDOW_SHIFT	(30 - PAGE_SHIFT)	/* in pages */
#define VC_PFNMAP_WINDOW_MASK	(BIT(VC_PFNMAP_WINDOW_SHIFT) - 1)

static ulong base;
module_param(base, ulong, 0444);
MODULE_PARM_DESC(base, "physical address of the memory outside the linear map (required)");

static ulong size = SZ_2M;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "its size in bytes (default 2 MiB)");

static struct page *vc_pfnmap_ram;

static vm_fault_t vc_pfnmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long window = vmf->pgoff >> VC_PFNMAP_WINDOW_SHIFT;
	unsigned long pgoff = vmf->pgoff & VC_PFNMAP_WINDOW_MASK;
	pgprot_t prot;

	if (pgoff >= size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	if (window == VC_PFNMAP_WC)
		prot = pgprot_writecombine(vma->vm_page_prot);
	else if (window == VC_PFNMAP_DEVICE)
		prot = pgprot_noncached(vma->vm_page_prot);
	else
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn_prot(vma, vmf->address, PHYS_PFN(base) + pgoff,
				   prot);
}

static const struct vm_operations_struct vc_pfnmap_vm_ops = {
	.fault = vc_pfnmap_fault,
};

static int vc_pfnmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long window = vma->vm_pgoff >> VC_PFNMAP_WINDOW_SHIFT;
	unsigned long off;

	/* Shared only: a private PFNMAP would be copy-on-write. */
	if (!(vma->vm_flags & VM_SHARED) || window >= VC_PFNMAP_WINDOWS)
		return -EINVAL;
	off = (vma->vm_pgoff & VC_PFNMAP_WINDOW_MASK) << PAGE_SHIFT;

	if (window == VC_PFNMAP_RAM) {
		if (off >= VC_PFNMAP_RAM_SIZE || len > VC_PFNMAP_RAM_SIZE - off)
			return -EINVAL;
		return remap_pfn_range(vma, vma->vm_start,
				       page_to_pfn(vc_pfnmap_ram) + PHYS_PFN(off),
				       len, vma->vm_page_prot);
	}

	if (off >= size || len > size - off)
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vc_pfnmap_vm_ops;
	return 0;
}

static const struct file_operations vc_pfnmap_fops = {
	.owner = THIS_MODULE,
	.mmap = vc_pfnmap_mmap,
};

static struct miscdevice vc_pfnmap_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VC_PFNMAP_NAME,
	.fops = &vc_pfnmap_fops,
};

static void vc_pfnmap_free_ram(void)
{
	unsigned long i;

	for (i = 0; i < 1UL << VC_PFNMAP_RAM_ORDER; i++)
		__free_page(vc_pfnmap_ram + i);
}

static int __init vc_pfnmap_init(void)
{
	unsigned long pfn;
	int ret;

	if (!base || !size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size) ||
	    base + size < base || size > SZ_1G) {
		pr_err("base=%#lx size=%#lx: need a page-aligned range of at most 1 GiB\n",
		       base, size);
		return -EINVAL;
	}
	if (pfn_range_has_struct_page(PHYS_PFN(base), PHYS_PFN(base + size - 1), &pfn)) {
		pr_err("base=%#lx size=%#lx: PFN %#lx has a struct page; need memory outside the linear map\n",
		       base, size, pfn);
		return -EINVAL;
	}
	if (!request_mem_region(base, size, VC_PFNMAP_NAME)) {
		pr_err("base=%#lx size=%#lx: busy\n", base, size);
		return -EBUSY;
	}

	vc_pfnmap_ram = alloc_pages(GFP_KERNEL | __GFP_ZERO, VC_PFNMAP_RAM_ORDER);
	if (!vc_pfnmap_ram) {
		ret = -ENOMEM;
		goto err_region;
	}
	/*
	 * Give every page its own reference: KVM takes one on each page it
	 * maps from a PFNMAP and refuses the tail pages of a higher-order
	 * allocation, which have none.
	 */
	split_page(vc_pfnmap_ram, VC_PFNMAP_RAM_ORDER);

	ret = misc_register(&vc_pfnmap_misc);
	if (ret)
		goto err_pages;
	pr_info("RAM at %#llx, memory outside the linear map at %#lx size %#lx\n",
		(unsigned long long)page_to_phys(vc_pfnmap_ram), base, size);
	return 0;

err_pages:
	vc_pfnmap_free_ram();
err_region:
	release_mem_region(base, size);
	return ret;
}

static void __exit vc_pfnmap_exit(void)
{
	misc_deregister(&vc_pfnmap_misc);
	vc_pfnmap_free_ram();
	release_mem_region(base, size);
}

module_init(vc_pfnmap_init);
module_exit(vc_pfnmap_exit);

MODULE_DESCRIPTION("KVM/arm64 test device: PFNMAP VMAs whose PTEs differ from vm_page_prot");
MODULE_LICENSE("GPL");
