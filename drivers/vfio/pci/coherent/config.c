// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: the virtual BARs in config space.
 */

/**
 * DOC: virtual BAR registers
 *
 * Each aperture appears as a 64-bit prefetchable memory BAR in the two BAR
 * slots its backend chose. The registers behave as a real device's do, so a
 * VMM sizes and programs them with no device-specific code:
 *
 * - writing all-ones and reading back gives the size mask with the type bits
 *   (memory, 64-bit, prefetchable) in the low dword and the upper half of the
 *   mask in the high dword;
 * - any other write keeps only the address bits above the BAR size;
 * - open and every reset of the function restore the initial value, zero
 *   (see "reset and readiness").
 *
 * Every access first goes to vfio-pci-core, which treats the slots as
 * unimplemented, and then has the bytes of our registers overlaid, so
 * accesses of any width and alignment, even ones straddling a register, see
 * one consistent config space.
 */

#include <linux/pci.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "coherent.h"

#define VBAR_FLAGS	(PCI_BASE_ADDRESS_SPACE_MEMORY | \
			 PCI_BASE_ADDRESS_MEM_TYPE_64 | \
			 PCI_BASE_ADDRESS_MEM_PREFETCH)

/**
 * vfio_coherent_bar_dword() - what a read of a virtual BAR dword returns
 * @ap: the aperture behind the BAR
 * @reg: the register as last written
 * @high: the upper dword (BAR + 1) rather than the lower one
 *
 * Return: the dword, address bits masked to the BAR size, type bits in the
 * lower dword.
 */
VISIBLE_IF_KUNIT u32 vfio_coherent_bar_dword(const struct vfio_coherent_aperture *ap,
					     u64 reg, bool high)
{
	u64 val = (reg & ~(vfio_coherent_bar_size(ap) - 1)) | VBAR_FLAGS;

	return high ? upper_32_bits(val) : lower_32_bits(val);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_bar_dword);

/* Config space offset of the register pair of aperture @i. */
static loff_t vbar_offset(struct vfio_coherent_device *cdev, unsigned int i)
{
	return PCI_BASE_ADDRESS_0 + 4 * cdev->ap[i].bar;
}

/*
 * The part of [pos, pos + count) that falls in aperture @i's registers, as
 * [*start, *end) in register bytes. False if none.
 */
static bool vbar_overlap(struct vfio_coherent_device *cdev, unsigned int i,
			 loff_t pos, size_t count, loff_t *start, loff_t *end)
{
	loff_t reg = vbar_offset(cdev, i);

	*start = max_t(loff_t, pos, reg);
	*end = min_t(loff_t, pos + count, reg + 8);
	return *start < *end;
}

/**
 * vfio_coherent_config_read() - config space read with our BARs overlaid
 * @cdev: the device
 * @buf: user buffer
 * @count: bytes to read
 * @ppos: VFIO file position in the config region, advanced
 *
 * Return: bytes read or a negative errno.
 */
ssize_t vfio_coherent_config_read(struct vfio_coherent_device *cdev,
				  char __user *buf, size_t count, loff_t *ppos)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	loff_t start, end;
	unsigned int i;
	ssize_t ret;

	ret = vfio_pci_core_read(&cdev->core.vdev, buf, count, ppos);
	if (ret <= 0)
		return ret;

	for (i = 0; i < cdev->nr_apertures; i++) {
		__le32 regs[2];

		if (!vbar_overlap(cdev, i, pos, ret, &start, &end))
			continue;
		scoped_guard(mutex, &cdev->bar_lock) {
			regs[0] = cpu_to_le32(vfio_coherent_bar_dword(&cdev->ap[i],
								      cdev->bar[i].reg, false));
			regs[1] = cpu_to_le32(vfio_coherent_bar_dword(&cdev->ap[i],
								      cdev->bar[i].reg, true));
		}
		if (copy_to_user(buf + (start - pos),
				 (u8 *)regs + (start - vbar_offset(cdev, i)),
				 end - start))
			return -EFAULT;
	}
	return ret;
}

/**
 * vfio_coherent_config_write() - config space write, our BARs emulated
 * @cdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: VFIO file position in the config region, advanced
 *
 * Return: bytes written or a negative errno.
 */
ssize_t vfio_coherent_config_write(struct vfio_coherent_device *cdev,
				   const char __user *buf, size_t count,
				   loff_t *ppos)
{
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	loff_t start, end;
	unsigned int i;

	for (i = 0; i < cdev->nr_apertures; i++) {
		loff_t at;
		__le64 reg;
		u8 bytes[8];

		if (!vbar_overlap(cdev, i, pos, count, &start, &end))
			continue;
		/* Not under bar_lock: a reset takes it under the memory lock. */
		if (copy_from_user(bytes, buf + (start - pos), end - start))
			return -EFAULT;
		at = start - vbar_offset(cdev, i);
		guard(mutex)(&cdev->bar_lock);
		reg = cpu_to_le64(cdev->bar[i].reg);
		memcpy((u8 *)&reg + at, bytes, end - start);
		cdev->bar[i].reg = le64_to_cpu(reg);
	}
	/*
	 * The rest is vfio-pci-core's; it ignores writes to unused BAR slots
	 * and does an FLR asked for, zapping our mappings with the device's;
	 * the PCI core then tells us of the reset (reset_done).
	 */
	return vfio_pci_core_write(&cdev->core.vdev, buf, count, ppos);
}
