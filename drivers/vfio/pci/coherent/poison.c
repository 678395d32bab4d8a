// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: memory failure of aperture pages.
 */

/**
 * DOC: poison
 *
 * Aperture memory has no struct page, so memory_failure() cannot find who
 * maps a failed page by itself. From probe to remove, open or not, each
 * aperture is registered with register_pfn_address_space() under the VFIO
 * device's inode mapping, the one every mmap() of the device belongs to. On
 * a memory failure mm calls back into the core, which records the page and
 * zaps its mappings (the whole huge block holding it), then signals the
 * processes mapping it: BUS_MCEERR_AR to the task that consumed the error,
 * BUS_MCEERR_AO to early-kill ones. The callback takes only the device's
 * poison_lock, never the memory lock: memory_failure() runs under mm's
 * global locks and must not wait for a reset or a readiness wait of this
 * device. If the page cannot be recorded (no memory), its mappings are
 * zapped all the same and the failure is reported as not recovered.
 *
 * A recorded page stays poisoned for the life of the binding, across close
 * and open: the memory does not heal. A fault on it gets SIGBUS
 * (BUS_MCEERR_AR), a fault elsewhere in its huge block maps pages only, and
 * a read or write touching it fails with -EIO. The rest of the aperture
 * keeps working and keeps its huge mappings.
 *
 * debugfs, under vfio-coherent/<PCI name>/: ``poisoned`` lists the recorded
 * pages (region index, offset in the region, PFN). With
 * CONFIG_VFIO_COHERENT_POISON_INJECT, writing ``<index> <offset>`` to
 * ``inject`` calls memory_failure() for that page as a firmware report would
 * (action optional), ``<index> <offset> ar`` as if the writing task had
 * consumed the error (action required).
 */

#include <linux/debugfs.h>
#include <linux/memory-failure.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "coherent.h"

static struct dentry *vfio_coherent_debugfs_root;

/**
 * vfio_coherent_poison_find() - whether a PFN range holds a poisoned page
 * @cdev: the device
 * @pfn: first PFN
 * @nr: number of PFNs, at least 1
 *
 * Lockless; callers that must not race with a new failure hold
 * @cdev->poison_lock for reading from this check to the end of their use
 * of the memory.
 *
 * Return: true if any PFN of [@pfn, @pfn + @nr) was recorded.
 */
bool vfio_coherent_poison_find(struct vfio_coherent_device *cdev,
			       unsigned long pfn, unsigned long nr)
{
	unsigned long index = pfn;

	/* Most devices never fail: a load, not a walk, per read/write. */
	if (xa_empty(&cdev->poisoned))
		return false;
	return xa_find(&cdev->poisoned, &index, pfn + nr - 1, XA_PRESENT);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_poison_find);

/**
 * vfio_coherent_poison_record() - record a poisoned page
 * @cdev: the device, @cdev->poison_lock held for writing
 * @pfn: the page
 *
 * Return: 0 when newly recorded, -EHWPOISON when it already was, -ENOMEM.
 */
int vfio_coherent_poison_record(struct vfio_coherent_device *cdev,
				unsigned long pfn)
{
	int ret;

	lockdep_assert_held_write(&cdev->poison_lock);
	ret = xa_insert(&cdev->poisoned, pfn, xa_mk_value(0), GFP_KERNEL);
	return ret == -EBUSY ? -EHWPOISON : ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_poison_record);

/**
 * vfio_coherent_poison_isolate() - stop all use of a failed aperture page
 * @cdev: the device
 * @pfn: the page, in one of @cdev's apertures
 *
 * Records the page and zaps the user mappings of the largest block that can
 * hold it (a PUD where the architecture maps PFNMAP with PUDs: a partly
 * zapped PUD would need mmap_lock to split). A fault or read/write that
 * found the page good finishes first; later ones see the record. When the
 * record cannot be made the mappings are zapped all the same.
 *
 * Return: 0 when newly recorded, -EHWPOISON when it already was, -ENOMEM
 * when it could not be recorded, -EFAULT when @pfn is in no aperture.
 */
int vfio_coherent_poison_isolate(struct vfio_coherent_device *cdev,
				 unsigned long pfn)
{
	struct vfio_coherent_aperture *ap = NULL;
	phys_addr_t start, end;
	unsigned int i;
	pgoff_t off;
	u64 offset;
	int ret;

	/* The aperture holding @pfn: the one it has a file offset in. */
	for (i = 0; i < cdev->nr_apertures && !ap; i++)
		if (!vfio_coherent_poison_pgoff(&cdev->ap[i], 0, ULONG_MAX, pfn, &off))
			ap = &cdev->ap[i];
	if (!ap)
		return -EFAULT;
	offset = PFN_PHYS(pfn) - ap->base;

	guard(rwsem_write)(&cdev->poison_lock);
	ret = vfio_coherent_poison_record(cdev, pfn);
	if (ret == -EHWPOISON)
		return ret;
	if (ret)
		pci_err(cdev->core.pdev, "%s: page at offset %#llx (pfn %#lx) poisoned, not recorded (%d): only its mappings go\n",
			ap->name, offset, pfn, ret);
	else
		pci_err(cdev->core.pdev, "%s: page at offset %#llx (pfn %#lx) poisoned\n",
			ap->name, offset, pfn);
	start = max(ALIGN_DOWN(PFN_PHYS(pfn), VFIO_COHERENT_MAX_BLOCK), ap->base);
	end = min(ALIGN_DOWN(PFN_PHYS(pfn), VFIO_COHERENT_MAX_BLOCK) +
		  VFIO_COHERENT_MAX_BLOCK, ap->base + ap->size);
	unmap_mapping_range(cdev->core.vdev.inode->i_mapping,
			    VFIO_PCI_INDEX_TO_OFFSET(ap->bar) + start - ap->base,
			    end - start, true);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_poison_isolate);

/**
 * vfio_coherent_poison_pgoff() - the file page offset of a PFN in a mapping
 * @ap: the aperture
 * @vm_pgoff: the mapping's vm_pgoff (VFIO region index and offset)
 * @nr_pages: the mapping's length in pages
 * @pfn: the PFN
 * @pgoff: set to @pfn's page offset in the VFIO file
 *
 * Return: 0, or -EFAULT when @pfn is not in @ap or the mapping does not
 * cover it (it may map another region, or another part of this one).
 */
int vfio_coherent_poison_pgoff(const struct vfio_coherent_aperture *ap,
			       pgoff_t vm_pgoff, unsigned long nr_pages,
			       unsigned long pfn, pgoff_t *pgoff)
{
	unsigned long first = PHYS_PFN(ap->base);
	pgoff_t off;

	if (pfn < first || pfn - first >= PHYS_PFN(ap->size))
		return -EFAULT;
	off = (VFIO_PCI_INDEX_TO_OFFSET(ap->bar) >> PAGE_SHIFT) + (pfn - first);
	if (off < vm_pgoff || off - vm_pgoff >= nr_pages)
		return -EFAULT;
	*pgoff = off;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_poison_pgoff);

/*
 * @vma is any mapping of the device file: of an aperture, or a BAR of
 * vfio-pci-core's; both keep the core device in vm_private_data. The region
 * index in vm_pgoff tells them apart.
 */
static int vfio_coherent_poison_mf_pgoff(struct vm_area_struct *vma,
					 unsigned long pfn, pgoff_t *pgoff)
{
	struct vfio_pci_core_device *core = vma->vm_private_data;
	struct vfio_coherent_device *cdev =
		container_of(core, struct vfio_coherent_device, core);
	unsigned int i;

	for (i = 0; i < cdev->nr_apertures; i++) {
		if (!vfio_coherent_poison_pgoff(&cdev->ap[i], vma->vm_pgoff,
						vma_pages(vma), pfn, pgoff))
			return 0;
	}
	return -EFAULT;
}

static int vfio_coherent_poison_mf_failure(struct pfn_address_space *pfn_space,
					   unsigned long pfn)
{
	struct vfio_coherent_mf *mf = container_of(pfn_space,
						   struct vfio_coherent_mf,
						   space);

	return vfio_coherent_poison_isolate(mf->cdev, pfn);
}

/**
 * vfio_coherent_poison_register() - route memory failures of the apertures
 * @cdev: the device, being probed
 *
 * Return: 0, also when the kernel has no memory-failure support (nothing to
 * route), or the error of register_pfn_address_space().
 */
int vfio_coherent_poison_register(struct vfio_coherent_device *cdev)
{
	unsigned int i;
	int ret;

	for (i = 0; i < cdev->nr_apertures; i++) {
		struct vfio_coherent_mf *mf = &cdev->mf[i];
		struct vfio_coherent_aperture *ap = &cdev->ap[i];

		mf->cdev = cdev;
		mf->space.node.start = PHYS_PFN(ap->base);
		mf->space.node.last = PHYS_PFN(ap->base + ap->size - 1);
		mf->space.mapping = cdev->core.vdev.inode->i_mapping;
		mf->space.pfn_to_vma_pgoff = vfio_coherent_poison_mf_pgoff;
		mf->space.failure = vfio_coherent_poison_mf_failure;
		ret = register_pfn_address_space(&mf->space);
		if (ret == -EOPNOTSUPP)
			return 0;
		if (ret) {
			pci_err(cdev->core.pdev, "%s: cannot register %pa size %#llx for memory failure: %d\n",
				ap->name, &ap->base, ap->size, ret);
			while (i--)
				unregister_pfn_address_space(&cdev->mf[i].space);
			return ret;
		}
	}
	return 0;
}

/**
 * vfio_coherent_poison_unregister() - stop routing memory failures
 * @cdev: the device, being removed or failing probe
 *
 * Waits for a failure being handled; the record of poisoned pages stays.
 */
void vfio_coherent_poison_unregister(struct vfio_coherent_device *cdev)
{
	unsigned int i;

	for (i = 0; i < cdev->nr_apertures; i++)
		unregister_pfn_address_space(&cdev->mf[i].space);
}

static int poisoned_show(struct seq_file *m, void *unused)
{
	struct vfio_coherent_device *cdev = m->private;
	unsigned long pfn;
	unsigned int i;
	void *entry;

	xa_for_each(&cdev->poisoned, pfn, entry) {
		for (i = 0; i < cdev->nr_apertures; i++) {
			struct vfio_coherent_aperture *ap = &cdev->ap[i];
			pgoff_t off;

			if (!vfio_coherent_poison_pgoff(ap, 0, ULONG_MAX, pfn, &off))
				seq_printf(m, "%d %#llx %#lx\n", ap->bar,
					   PFN_PHYS(pfn) - ap->base, pfn);
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(poisoned);

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct vfio_coherent_device *cdev = file->private_data;
	struct vfio_coherent_aperture *ap;
	unsigned int index;
	char buf[64], mode[4] = "";
	u64 offset;
	int flags = MF_SW_SIMULATED, n, ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	n = sscanf(buf, "%u %llx %3s", &index, &offset, mode);
	if (n < 2 || (n == 3 && strcmp(mode, "ar"))) {
		dev_err_ratelimited(&cdev->core.pdev->dev,
				    "inject: '%s': want '<index> <offset> [ar]'\n",
				    strim(buf));
		return -EINVAL;
	}
	ap = vfio_coherent_aperture_at_bar(cdev, index);
	if (!ap) {
		dev_err_ratelimited(&cdev->core.pdev->dev,
				    "inject: region %u is no aperture\n", index);
		return -EINVAL;
	}
	if (offset >= ap->size) {
		dev_err_ratelimited(&cdev->core.pdev->dev,
				    "inject: offset %#llx past %s memory (%#llx)\n",
				    offset, ap->name, ap->size);
		return -ERANGE;
	}
	if (n == 3)
		flags |= MF_ACTION_REQUIRED;

	ret = memory_failure(PHYS_PFN(ap->base + offset), flags);
	return ret ? ret : count;
}

static const struct file_operations inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= inject_write,
	.llseek	= noop_llseek,
};

/**
 * vfio_coherent_poison_debugfs_add() - create the device's debugfs files
 * @cdev: the device, probed
 */
void vfio_coherent_poison_debugfs_add(struct vfio_coherent_device *cdev)
{
	cdev->debugfs = debugfs_create_dir(pci_name(cdev->core.pdev),
					   vfio_coherent_debugfs_root);
	debugfs_create_file("poisoned", 0400, cdev->debugfs, cdev,
			    &poisoned_fops);
	if (IS_ENABLED(CONFIG_VFIO_COHERENT_POISON_INJECT))
		debugfs_create_file("inject", 0200, cdev->debugfs, cdev,
				    &inject_fops);
}

/**
 * vfio_coherent_poison_debugfs_del() - remove them, waiting for users
 * @cdev: the device, being removed
 */
void vfio_coherent_poison_debugfs_del(struct vfio_coherent_device *cdev)
{
	debugfs_remove_recursive(cdev->debugfs);
	cdev->debugfs = NULL;
}

/* The module's debugfs directory, from load to unload. */
void vfio_coherent_poison_debugfs_init(void)
{
	vfio_coherent_debugfs_root = debugfs_create_dir("vfio-coherent", NULL);
}

void vfio_coherent_poison_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_coherent_debugfs_root);
}
