/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-coherent core internals, shared by the core's files and its KUnit
 * suites. Backends use <linux/vfio_coherent.h> only.
 */
#ifndef __VFIO_COHERENT_CORE_H
#define __VFIO_COHERENT_CORE_H

#include <linux/memory-failure.h>
#include <linux/vfio_coherent.h>
#include <linux/vfio_pci_core.h>
#include <linux/xarray.h>

/**
 * struct vfio_coherent_bar - run-time state of one aperture's virtual BAR
 * @reg: the emulated 64-bit BAR register as last written (address bits and
 *	whatever else the user wrote; reads mask it to the BAR size)
 * @win: kernel mapping of one window of the aperture (RW_WINDOW bytes,
 *	aligned) that read/write copy through, or NULL; moved to the window a
 *	copy needs, dropped at close
 * @win_start: offset in the aperture of the window @win maps
 * @win_lock: protects @win and @win_start and is held across each copy
 *	through @win, so read/write of one aperture run one at a time. Taken
 *	before @core.memory_lock, never held across a fault-in of the user's
 *	buffer.
 */
struct vfio_coherent_bar {
	u64 reg;
	void *win;
	u64 win_start;
	struct mutex win_lock;	/* protects win, win_start: see above */
};

/**
 * struct vfio_coherent_mf - an aperture's registration for memory failure
 * @space: what memory_failure() knows of it
 * @cdev: the device
 */
struct vfio_coherent_mf {
	struct pfn_address_space space;
	struct vfio_coherent_device *cdev;
};

/**
 * struct vfio_coherent_device - a PCI function with coherent apertures
 * @core: the vfio-pci-core device; first, as vfio_alloc_device() requires
 * @ops: the backend's hooks
 * @nr_apertures: number of valid entries in @ap and @bar
 * @ap: the validated and claimed apertures
 * @bar: the virtual BAR state of each aperture, same index as @ap
 * @bar_lock: protects every @bar[].reg (config space reads and writes,
 *	reset). Nests inside @core.memory_lock (reset_done takes it there), so it is
 *	never held across a user copy (which may fault, taking mmap_lock).
 * @mf: the apertures' memory-failure registrations, same index as @ap;
 *	registered from probe to remove
 * @poison_lock: orders a memory failure against faults: held for writing
 *	while a failed page is recorded and its mappings are zapped, for
 *	reading from the poison check of a fault to the end of its mapping.
 *	Read/write check @poisoned without it: a copy leaves no mapping
 *	behind, and what it reads is read. Nests inside @core.memory_lock, and is
 *	never held across a reset, a readiness wait or a user copy, so that a
 *	memory failure (which runs under mm's global locks) never waits for
 *	the device.
 * @poisoned: the poisoned PFNs of every aperture, for the life of the
 *	binding; added to with @poison_lock held for writing.
 * @reset_seq: counts the function's resets (the PCI core's reset_done)
 * @ready_seq: the @reset_seq the backend's ready hook last said ready for;
 *	memory is accessed only when both are equal
 * @debugfs: the device's debugfs directory
 *
 * @nr_apertures and @ap are written once, in probe before the VFIO device is
 * registered, and only read afterwards: they need no lock. Access to the
 * memory itself (read/write, faults) holds @core.memory_lock for reading and
 * fails while the user has memory decoding disabled in COMMAND or the
 * function is in D3; vfio-pci-core zaps every mapping of BARs 0-5, ours
 * included, with it held for writing when memory is disabled, the power
 * state changes or the device is reset.
 */
struct vfio_coherent_device {
	struct vfio_pci_core_device core;
	const struct vfio_coherent_ops *ops;
	unsigned int nr_apertures;
	struct vfio_coherent_aperture ap[VFIO_COHERENT_MAX_APERTURES];
	struct vfio_coherent_bar bar[VFIO_COHERENT_MAX_APERTURES];
	struct mutex bar_lock;	/* protects bar[].reg: see above */
	struct vfio_coherent_mf mf[VFIO_COHERENT_MAX_APERTURES];
	struct rw_semaphore poison_lock; /* see above */
	struct xarray poisoned;
	atomic_t reset_seq;
	unsigned int ready_seq;
	struct dentry *debugfs;
};

static inline struct vfio_coherent_device *
to_vfio_coherent(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_coherent_device, core.vdev);
}

/* A BAR is a power of two in size; the real memory may not be. */
static inline u64 vfio_coherent_bar_size(const struct vfio_coherent_aperture *ap)
{
	return roundup_pow_of_two(ap->size);
}

/* config.c */
ssize_t vfio_coherent_config_read(struct vfio_coherent_device *cdev,
				  char __user *buf, size_t count, loff_t *ppos);
ssize_t vfio_coherent_config_write(struct vfio_coherent_device *cdev,
				   const char __user *buf, size_t count,
				   loff_t *ppos);

/* reset.c */
void vfio_coherent_reset_bars(struct vfio_coherent_device *cdev);
int vfio_coherent_access_begin(struct vfio_coherent_device *cdev);
int vfio_coherent_probe_ready(struct vfio_coherent_device *cdev);

/* region.c */
int vfio_coherent_region_info(struct vfio_coherent_aperture *ap,
			      struct vfio_region_info *info,
			      struct vfio_region_info __user *uinfo);
ssize_t vfio_coherent_rw(struct vfio_coherent_device *cdev,
			 char __user *buf, size_t count, loff_t *ppos,
			 bool iswrite);
void vfio_coherent_unmap_kernel(struct vfio_coherent_device *cdev);

/* mmap.c */
/* The largest block a fault maps: what a memory failure zaps around a page. */
#if defined(CONFIG_ARCH_SUPPORTS_PUD_PFNMAP)
#define VFIO_COHERENT_MAX_BLOCK	PUD_SIZE
#elif defined(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP)
#define VFIO_COHERENT_MAX_BLOCK	PMD_SIZE
#else
#define VFIO_COHERENT_MAX_BLOCK	PAGE_SIZE
#endif

int vfio_coherent_mmap_aperture(struct vfio_coherent_device *cdev,
				struct vfio_coherent_aperture *ap,
				struct vm_area_struct *vma);

/* poison.c */
bool vfio_coherent_poison_find(struct vfio_coherent_device *cdev,
			       unsigned long pfn, unsigned long nr);
int vfio_coherent_poison_record(struct vfio_coherent_device *cdev,
				unsigned long pfn);
int vfio_coherent_poison_isolate(struct vfio_coherent_device *cdev,
				 unsigned long pfn);
int vfio_coherent_poison_pgoff(const struct vfio_coherent_aperture *ap,
			       pgoff_t vm_pgoff, unsigned long nr_pages,
			       unsigned long pfn, pgoff_t *pgoff);
int vfio_coherent_poison_register(struct vfio_coherent_device *cdev);
void vfio_coherent_poison_unregister(struct vfio_coherent_device *cdev);
void vfio_coherent_poison_debugfs_add(struct vfio_coherent_device *cdev);
void vfio_coherent_poison_debugfs_del(struct vfio_coherent_device *cdev);
void vfio_coherent_poison_debugfs_init(void);
void vfio_coherent_poison_debugfs_exit(void);

int vfio_coherent_discover(struct vfio_coherent_device *cdev,
			   struct device *dev, unsigned long used_bars);
unsigned long vfio_coherent_used_bars(struct pci_dev *pdev);
struct vfio_coherent_aperture *
vfio_coherent_aperture_at_bar(struct vfio_coherent_device *cdev,
			      unsigned int index);

#if IS_ENABLED(CONFIG_KUNIT)
int vfio_coherent_wait_ready(struct vfio_coherent_device *cdev);
void vfio_coherent_reset_done(struct pci_dev *pdev);
int vfio_coherent_short_copy(struct vfio_coherent_device *cdev,
			     phys_addr_t phys, size_t len, size_t left);
u32 vfio_coherent_bar_dword(const struct vfio_coherent_aperture *ap, u64 reg,
			    bool high);
int vfio_coherent_region_span(const struct vfio_coherent_aperture *ap,
			      u64 offset, size_t count, size_t *total,
			      size_t *mem);
int vfio_coherent_validate(struct device *dev,
			   struct vfio_coherent_aperture *ap,
			   const struct vfio_coherent_aperture *prev,
			   unsigned int nr_prev, unsigned long used_bars);
int vfio_coherent_claim(struct device *dev,
			const struct vfio_coherent_aperture *ap);
#endif

#endif /* __VFIO_COHERENT_CORE_H */
