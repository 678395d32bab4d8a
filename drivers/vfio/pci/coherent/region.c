// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: region info and read/write of the apertures.
 */

/**
 * DOC: region semantics
 *
 * An aperture of S bytes is a VFIO region of roundup_pow_of_two(S) bytes,
 * readable, writable and mmappable, with a sparse-mmap capability covering
 * exactly [0, S): the real memory. Read and write go through a kernel
 * mapping of the same type as the user's (write-back for cacheable
 * apertures, write-combine otherwise) of one 2 MiB window of the aperture
 * at a time, moved where a copy needs it; those of one aperture run one at
 * a time. Between S and the region size reads
 * return all-ones and writes are dropped, as for absent memory behind a BAR;
 * at or past the region size they fail with -EINVAL. Access fails with -EIO
 * while memory decoding is disabled in the COMMAND register or the function
 * is in D3, and when it touches a poisoned page; it wakes a function in
 * runtime low power, as vfio-pci's BAR read/write does, and waits for the
 * memory to be ready after a reset.
 *
 * Read and write copy straight between the user's buffer and the aperture,
 * up to 1 MiB at a time under the locks that keep the checks above true,
 * with page faults disabled: a user page that is not present ends the copy
 * short, and is faulted in with no lock held before the copy goes on. The
 * runtime PM reference that wakes the function is taken only when the user
 * has put it in low power: otherwise vfio-pci-core's own reference, held
 * while the device is open, keeps it awake, and a call costs the memory
 * lock and the checks, not a trip through runtime PM.
 *
 * Reads copy with copy_mc_to_user() where the architecture recovers from a
 * machine check in a kernel copy (ARCH_HAS_COPY_MC): reading a page whose
 * failure nobody has reported yet ends the copy short instead of crashing
 * the kernel; the page is then recorded and zapped as on a reported failure,
 * and the read fails with -EIO. arm64 has no such copy in 6.12: there
 * consuming unreported poison in a read is a synchronous external abort in
 * the kernel, fatal as for any other kernel access to failed memory. Pages
 * already reported are never read.
 */

#include <linux/io.h>
#include <linux/pagemap.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "coherent.h"

/*
 * Most bytes copied under memory_lock at a time: what a COMMAND write or a
 * reset may wait for.
 */
#define RW_CHUNK	SZ_1M

/*
 * What of an aperture the kernel maps for read/write at a time. Mapping all
 * of it would cost the vmalloc space of its size while the device is open
 * (and, with KASAN, real memory for an eighth of it, populated at the first
 * access and freed at close), and leave a cacheable kernel alias of all of
 * it in place through resets and low power.
 */
#define RW_WINDOW	SZ_2M

/*
 * Copy to the user from the aperture; where the architecture has a copy
 * that recovers from a machine check, that one, as for
 * copy_mc_to_kernel() in the DOC above.
 */
static unsigned long rw_copy_to_user(char __user *ubuf, const void *kaddr,
				     size_t len)
{
#ifdef CONFIG_ARCH_HAS_COPY_MC
	return copy_mc_to_user(ubuf, kaddr, len);
#else
	return __copy_to_user_inatomic(ubuf, kaddr, len);
#endif
}

/**
 * vfio_coherent_region_info() - VFIO_DEVICE_GET_REGION_INFO for an aperture
 * @ap: the aperture at @info->index
 * @info: the user's argument, copied once by the caller: the user may change
 *	its copy meanwhile, so nothing is read from @uinfo again
 * @uinfo: where the user's argument is, for the answer
 *
 * Return: 0 or a negative errno.
 */
int vfio_coherent_region_info(struct vfio_coherent_aperture *ap,
			      struct vfio_region_info *info,
			      struct vfio_region_info __user *uinfo)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	size_t size;
	int ret;

	if (info->argsz < minsz)
		return -EINVAL;

	size = struct_size(sparse, areas, 1);
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 1;
	sparse->areas[0].offset = 0;
	sparse->areas[0].size = ap->size;
	ret = vfio_info_add_capability(&caps, &sparse->header, size);
	kfree(sparse);
	if (ret)
		return ret;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = vfio_coherent_bar_size(ap);
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		      VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
	if (info->argsz < sizeof(*info) + caps.size) {
		/* Too short for the capability: say how much is needed. */
		info->argsz = sizeof(*info) + caps.size;
		info->cap_offset = 0;
	} else {
		vfio_info_cap_shift(&caps, sizeof(*info));
		if (copy_to_user(uinfo + 1, caps.buf, caps.size)) {
			kfree(caps.buf);
			return -EFAULT;
		}
		info->cap_offset = sizeof(*info);
	}
	kfree(caps.buf);
	return copy_to_user(uinfo, info, sizeof(*info)) ? -EFAULT : 0;
}

/**
 * vfio_coherent_region_span() - clip an access to an aperture's region
 * @ap: the aperture
 * @offset: offset of the access in the region
 * @count: its length
 * @total: bytes of the access inside the region
 * @mem: bytes of those backed by memory, from @offset on
 *
 * Return: 0, or -EINVAL when @offset is at or past the region size.
 */
VISIBLE_IF_KUNIT int vfio_coherent_region_span(const struct vfio_coherent_aperture *ap,
					       u64 offset, size_t count,
					       size_t *total, size_t *mem)
{
	u64 bar_size = vfio_coherent_bar_size(ap);

	if (offset >= bar_size)
		return -EINVAL;
	*total = min_t(u64, count, bar_size - offset);
	*mem = offset < ap->size ? min_t(u64, *total, ap->size - offset) : 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_region_span);

/*
 * The kernel mapping of aperture @i that holds offset @offset, made or moved
 * there if need be, clipped to the window: *@len is cut to what it holds
 * from @offset on. Called with the aperture's win_lock held.
 */
static void *rw_window(struct vfio_coherent_device *cdev, unsigned int i,
		       u64 offset, size_t *len)
{
	struct vfio_coherent_aperture *ap = &cdev->ap[i];
	struct vfio_coherent_bar *bar = &cdev->bar[i];
	u64 start = ALIGN_DOWN(offset, RW_WINDOW);
	u64 size = min_t(u64, RW_WINDOW, ap->size - start);

	lockdep_assert_held(&bar->win_lock);
	if (!bar->win || bar->win_start != start) {
		if (bar->win)
			memunmap(bar->win);
		bar->win = memremap(ap->base + start, size,
				    ap->type == VFIO_COHERENT_MEM_WC ?
				    MEMREMAP_WC : MEMREMAP_WB);
		if (!bar->win) {
			dev_warn_ratelimited(&cdev->core.pdev->dev,
					     "%s: cannot map %#llx bytes at offset %#llx\n",
					     ap->name, size, start);
			return ERR_PTR(-ENOMEM);
		}
		bar->win_start = start;
	}
	*len = min_t(u64, *len, start + size - offset);
	return bar->win + (offset - start);
}

/**
 * vfio_coherent_unmap_kernel() - drop the kernel mappings made for read/write
 * @cdev: the device, no longer open
 */
void vfio_coherent_unmap_kernel(struct vfio_coherent_device *cdev)
{
	unsigned int i;

	for (i = 0; i < cdev->nr_apertures; i++) {
		struct vfio_coherent_bar *bar = &cdev->bar[i];

		guard(mutex)(&bar->win_lock);
		if (bar->win)
			memunmap(bar->win);
		bar->win = NULL;
	}
}

/**
 * vfio_coherent_short_copy() - what a read that consumed poison gives
 * @cdev: the device
 * @phys: physical address the copy started at
 * @len: bytes it was to copy
 * @left: bytes copy_mc_to_kernel() did not copy, 0 when it completed
 *
 * The byte at @phys + @len - @left is the one that failed: its page is
 * recorded and zapped, as memory_failure() would have it.
 *
 * Return: 0 for a complete copy, -EIO otherwise.
 */
VISIBLE_IF_KUNIT int vfio_coherent_short_copy(struct vfio_coherent_device *cdev,
					      phys_addr_t phys, size_t len,
					      size_t left)
{
	if (!left)
		return 0;
	vfio_coherent_poison_isolate(cdev, PHYS_PFN(phys + len - left));
	return -EIO;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_short_copy);

/* rw_chunk() found the function in runtime low power and was not to wake it. */
#define RW_WAKE	1

/*
 * Copy one chunk between the aperture and the user, straight, under the
 * lock that keeps memory decoding on and the memory ready for the length
 * of the copy, after checking that no page of it is poisoned. A page fault
 * cannot be taken there: the fault of an aperture mapping takes
 * memory_lock, and the user's fault takes mmap_lock, which nests outside
 * memory_lock. So the copy runs with page faults disabled, and stops short
 * at a user page that is not present: *@copied says how far it got, the
 * caller faults the rest in without the lock and comes back.
 *
 * vfio-pci-core holds a runtime PM reference for as long as the device is
 * open, and gives it up only while the user keeps the function in low
 * power (pm_runtime_engaged, set and cleared with memory_lock held for
 * writing). So under memory_lock, with pm_runtime_engaged clear, the
 * function cannot be runtime-suspended; with it set, the copy needs a
 * reference of its own (@awake), which cannot be taken under memory_lock:
 * runtime resume takes it for writing.
 *
 * Return: 0 (with *@copied possibly short of @len), RW_WAKE when the
 * function must be woken first, or -EIO/-ETIMEDOUT.
 */
static int rw_chunk(struct vfio_coherent_device *cdev, void *kaddr,
		    phys_addr_t phys, char __user *ubuf, size_t len,
		    bool iswrite, bool awake, size_t *copied)
{
	unsigned long pfn = PHYS_PFN(phys);
	size_t left;
	u8 probe;
	int ret;

	*copied = 0;
	scoped_guard(rwsem_read, &cdev->core.memory_lock) {
		if (cdev->core.pm_runtime_engaged && !awake)
			return RW_WAKE;
		ret = vfio_coherent_access_begin(cdev);
		if (ret)
			return ret == -ETIMEDOUT ? ret : -EIO;
		/*
		 * Without poison_lock: a failure recorded before this check
		 * is seen; one reported during the copy cannot be kept from
		 * it by a lock (the memory is read already), and holding one
		 * would only delay the record. Faults need the lock, not a
		 * copy that leaves no mapping behind.
		 */
		if (vfio_coherent_poison_find(cdev, pfn,
					      PHYS_PFN(phys + len - 1) - pfn + 1))
			return -EIO;
		pagefault_disable();
		if (iswrite)
			left = __copy_from_user_inatomic(kaddr, ubuf, len);
		else
			left = rw_copy_to_user(ubuf, kaddr, len);
		pagefault_enable();
		*copied = len - left;
		if (!left || iswrite)
			return 0;
		/*
		 * A read stopped short: at a user page, or at a failed byte
		 * of the aperture where the architecture recovers from it.
		 */
		left = copy_mc_to_kernel(&probe, kaddr + *copied, 1);
	}
	/* Recording takes poison_lock for writing: not under it. */
	return vfio_coherent_short_copy(cdev, phys, *copied + 1, left);
}

/*
 * Bring in the user pages of [@ubuf, @ubuf + @len) that the copy needs, with
 * no lock held. -EFAULT when not even the first byte can be.
 */
static int rw_fault_in(char __user *ubuf, size_t len, bool iswrite)
{
	size_t left = iswrite ? fault_in_readable(ubuf, len) :
				fault_in_safe_writeable(ubuf, len);

	return left == len ? -EFAULT : 0;
}

/* Reads past the memory, up to the region size, see all-ones. */
static int rw_fill_ones(char __user *ubuf, size_t len)
{
	void *ones = kmalloc(min_t(size_t, len, PAGE_SIZE), GFP_KERNEL);
	size_t n;

	if (!ones)
		return -ENOMEM;
	memset(ones, 0xff, min_t(size_t, len, PAGE_SIZE));
	for (; len; len -= n, ubuf += n) {
		n = min_t(size_t, len, PAGE_SIZE);
		if (copy_to_user(ubuf, ones, n)) {
			kfree(ones);
			return -EFAULT;
		}
	}
	kfree(ones);
	return 0;
}

/**
 * vfio_coherent_rw() - read or write an aperture's region
 * @cdev: the device
 * @buf: user buffer
 * @count: bytes requested
 * @ppos: VFIO file position, in an aperture's region; advanced
 * @iswrite: write rather than read
 *
 * Return: bytes done (clipped to the region), or a negative errno.
 */
ssize_t vfio_coherent_rw(struct vfio_coherent_device *cdev, char __user *buf,
			 size_t count, loff_t *ppos, bool iswrite)
{
	struct device *dev = &cdev->core.pdev->dev;
	struct vfio_coherent_aperture *ap;
	u64 offset = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t total, mem, done, len, n;
	bool awake = false;
	void *kaddr;
	unsigned int i;
	ssize_t ret;

	ap = vfio_coherent_aperture_at_bar(cdev, VFIO_PCI_OFFSET_TO_INDEX(*ppos));
	if (WARN_ON_ONCE(!ap))
		return -EINVAL;
	i = ap - cdev->ap;
	ret = vfio_coherent_region_span(ap, offset, count, &total, &mem);
	if (ret)
		return ret;

	if (!access_ok(buf, total))
		return -EFAULT;

	for (done = 0; done < mem; done += len) {
		n = min_t(size_t, mem - done, RW_CHUNK);
		scoped_guard(mutex, &cdev->bar[i].win_lock) {
			kaddr = rw_window(cdev, i, offset + done, &n);
			if (IS_ERR(kaddr)) {
				ret = PTR_ERR(kaddr);
				goto out;
			}
			ret = rw_chunk(cdev, kaddr, ap->base + offset + done,
				       buf + done, n, iswrite, awake, &len);
		}
		if (ret == RW_WAKE) {
			/* As vfio_pci_rw(): the function is woken up. */
			ret = pm_runtime_resume_and_get(dev);
			if (ret) {
				pci_info_ratelimited(cdev->core.pdev,
						     "runtime resume failed: %zd\n", ret);
				return -EIO;
			}
			awake = true;
			len = 0;
			continue;
		}
		if (!ret && !len)
			ret = rw_fault_in(buf + done, n, iswrite);
		if (ret)
			goto out;
	}
	/* No memory here: reads see all-ones, writes vanish. */
	if (!iswrite && total > mem) {
		ret = rw_fill_ones(buf + mem, total - mem);
		if (ret)
			goto out;
	}
	*ppos += total;
	ret = total;
out:
	if (awake)
		pm_runtime_put(dev);
	return ret;
}
