// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent backend for NVIDIA Grace Hopper / Grace Blackwell GPUs.
 *
 * Firmware (ACPI _DSD on these systems) gives the GPU memory's physical
 * base and size as device properties. On Grace Hopper with the MIG hardware
 * bug, as a DVSEC bit tells, a 1 GiB carve-out at the end must not be
 * cached: it is the write-combine "resmem" at BAR 2, the rest the cacheable
 * "usemem" at BAR 4, rounded down to 512 MiB, the ABI between GPU firmware
 * and the guest driver. Otherwise all memory is usemem. This is what QEMU
 * users of the nvgrace-gpu-vfio-pci driver see.
 *
 * Grace Hopper and Grace Blackwell GPUs train their HBM and bring up the
 * C2C link after power-on and after every reset; the CPU must not touch the
 * memory before two BAR 0 registers say both are done, or the GPU logs RAS
 * errors. The core waits for that through our ready hook, at probe and
 * after each reset (up to 30 s, as the GPU firmware allows). GB300 reports
 * readiness through its CXL device DVSEC instead: not handled here yet, and
 * neither is any function we do not know the registers of (one bound with
 * driver_override): their memory counts as ready.
 */

#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/property.h>
#include <linux/sizes.h>
#include <linux/vfio_coherent.h>
#include <linux/vfio_pci_core.h>
#include <kunit/visibility.h>

#include "nvgrace.h"

#define NVGRACE_RESMEM_SIZE		SZ_1G
#define NVGRACE_MEMBLK_SIZE		SZ_512M
#define NVGRACE_USEMEM_BAR		4
#define NVGRACE_RESMEM_BAR		2
#define NVGRACE_DVSEC_ID		3
#define NVGRACE_DVSEC_BITMAP		0xa
#define NVGRACE_MIG_CACHED_RESMEM	BIT(0)
/* BAR 0 status registers of GH200/GB200, 0xff once trained / up. */
#define NVGRACE_C2C_LINK_STATUS		0x1498
#define NVGRACE_HBM_TRAINING_STATUS	0x200bc
#define NVGRACE_STATUS_READY		0xff
#define NVGRACE_READY_TIMEOUT_MS	30000

/* One u64 property: missing means not described, anything else malformed. */
static int vfio_coherent_nvgrace_read(struct device *dev,
				      struct fwnode_handle *fwnode,
				      const char *name, u64 *val)
{
	int nr;

	if (!fwnode_property_present(fwnode, name)) {
		dev_err(dev, "no %s property: GPU memory not described\n", name);
		return -ENODEV;
	}
	nr = fwnode_property_count_u64(fwnode, name);
	if (nr < 0) {
		dev_err(dev, "%s is not a u64 (%d)\n", name, nr);
		return -EINVAL;
	}
	if (nr != 1) {
		dev_err(dev, "%s has %d u64 values, expected one\n", name, nr);
		return -EINVAL;
	}
	return fwnode_property_read_u64(fwnode, name, val);
}

/**
 * vfio_coherent_nvgrace_parse() - describe usemem/resmem from properties
 * @dev: device for messages
 * @fwnode: the GPU's firmware node (ACPI, software node, DT), may be NULL
 * @mig_bug: the GPU has the MIG hardware bug: carve out resmem
 * @index: 0 for usemem, 1 for resmem
 * @ap: filled on success
 *
 * Return: 0, -ENOENT past the last aperture, -ENODEV when a property is
 * missing, -ENOLINK when the memory size is 0 (C2C link down), -EOVERFLOW
 * when base + size wraps, -EINVAL when a property is not one u64 or the
 * memory is too small to split.
 */
VISIBLE_IF_KUNIT int vfio_coherent_nvgrace_parse(struct device *dev,
						 struct fwnode_handle *fwnode,
						 bool mig_bug, unsigned int index,
						 struct vfio_coherent_aperture *ap)
{
	u64 base, size, last, use;
	int ret;

	ret = vfio_coherent_nvgrace_read(dev, fwnode, "nvidia,gpu-mem-base-pa", &base);
	if (!ret)
		ret = vfio_coherent_nvgrace_read(dev, fwnode, "nvidia,gpu-mem-size", &size);
	if (ret)
		return ret;
	if (!size) {
		dev_err(dev, "nvidia,gpu-mem-size is 0: the C2C link is down\n");
		return -ENOLINK;
	}
	if (check_add_overflow(base, size - 1, &last)) {
		dev_err(dev, "GPU memory base %#llx + size %#llx overflows\n", base, size);
		return -EOVERFLOW;
	}

	use = size;
	if (mig_bug) {
		use = size > NVGRACE_RESMEM_SIZE ?
		      round_down(size - NVGRACE_RESMEM_SIZE, NVGRACE_MEMBLK_SIZE) : 0;
		if (!use) {
			dev_err(dev, "GPU memory size %#llx leaves no 512 MiB block next to the 1 GiB resmem\n",
				size);
			return -EINVAL;
		}
	}

	switch (index) {
	case 0:
		ap->base = base;
		ap->size = use;
		ap->bar = NVGRACE_USEMEM_BAR;
		ap->name = "usemem";
		return 0;
	case 1:
		if (!mig_bug)
			return -ENOENT;
		ap->base = base + use;
		ap->size = size - use;
		ap->type = VFIO_COHERENT_MEM_WC;
		ap->bar = NVGRACE_RESMEM_BAR;
		ap->name = "resmem";
		return 0;
	default:
		return -ENOENT;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_nvgrace_parse);

/* The bug is fixed where the DVSEC says MIG works with cached resmem. */
static bool vfio_coherent_nvgrace_mig_bug(struct pci_dev *pdev)
{
	u16 dvsec, bitmap;

	dvsec = pci_find_dvsec_capability(pdev, PCI_VENDOR_ID_NVIDIA, NVGRACE_DVSEC_ID);
	if (!dvsec)
		return true;
	pci_read_config_word(pdev, dvsec + NVGRACE_DVSEC_BITMAP, &bitmap);
	return !(bitmap & NVGRACE_MIG_CACHED_RESMEM);
}

static int vfio_coherent_nvgrace_describe(struct vfio_coherent_device *cdev,
					  unsigned int index,
					  struct vfio_coherent_aperture *ap)
{
	struct pci_dev *pdev = vfio_coherent_pdev(cdev);

	return vfio_coherent_nvgrace_parse(&pdev->dev, dev_fwnode(&pdev->dev),
					   vfio_coherent_nvgrace_mig_bug(pdev),
					   index, ap);
}

/**
 * vfio_coherent_nvgrace_ready_status() - readiness from the status registers
 * @c2c: the C2C link status register
 * @hbm: the HBM training status register
 *
 * Return: 0 when both say ready, -EAGAIN otherwise (still training, or the
 * link is not up yet).
 */
VISIBLE_IF_KUNIT int vfio_coherent_nvgrace_ready_status(u32 c2c, u32 hbm)
{
	return c2c == NVGRACE_STATUS_READY && hbm == NVGRACE_STATUS_READY ?
	       0 : -EAGAIN;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_nvgrace_ready_status);

/* The GPUs whose readiness is in the BAR 0 status registers. */
static const struct pci_device_id vfio_coherent_nvgrace_bar0_ready[] = {
	{ PCI_VDEVICE(NVIDIA, 0x2342) },
	{ PCI_VDEVICE(NVIDIA, 0x2345) },
	{ PCI_VDEVICE(NVIDIA, 0x2348) },
	{ PCI_VDEVICE(NVIDIA, 0x2941) },
	{}
};

static int vfio_coherent_nvgrace_ready(struct vfio_coherent_device *cdev)
{
	struct pci_dev *pdev = vfio_coherent_pdev(cdev);
	void __iomem *io;
	u32 c2c, hbm;

	if (!pci_match_id(vfio_coherent_nvgrace_bar0_ready, pdev))
		return 0;
	if (pci_resource_len(pdev, 0) < NVGRACE_HBM_TRAINING_STATUS + 4) {
		pci_err(pdev, "BAR 0 of %#llx bytes has no status registers\n",
			(u64)pci_resource_len(pdev, 0));
		return -ENODEV;
	}
	io = pci_iomap_range(pdev, 0, 0, NVGRACE_HBM_TRAINING_STATUS + 4);
	if (!io)
		return -ENOMEM;
	c2c = ioread32(io + NVGRACE_C2C_LINK_STATUS);
	hbm = ioread32(io + NVGRACE_HBM_TRAINING_STATUS);
	pci_iounmap(pdev, io);
	return vfio_coherent_nvgrace_ready_status(c2c, hbm);
}

static const struct vfio_coherent_ops vfio_coherent_nvgrace_ops = {
	.describe = vfio_coherent_nvgrace_describe,
	.ready = vfio_coherent_nvgrace_ready,
	.ready_timeout_ms = NVGRACE_READY_TIMEOUT_MS,
};

static int vfio_coherent_nvgrace_probe(struct pci_dev *pdev,
				       const struct pci_device_id *id)
{
	return vfio_coherent_probe(pdev, &vfio_coherent_nvgrace_ops);
}

static const struct pci_device_id vfio_coherent_nvgrace_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x2342) }, /* GH200 120GB */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x2345) }, /* GH200 480GB */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x2348) }, /* GH200 SKU */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x2941) }, /* GB200 SKU */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x31c2) }, /* GB300 SKU */
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_coherent_nvgrace_table);

static struct pci_driver vfio_coherent_nvgrace_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfio_coherent_nvgrace_table,
	.probe = vfio_coherent_nvgrace_probe,
	.remove = vfio_coherent_remove,
	.err_handler = &vfio_coherent_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(vfio_coherent_nvgrace_driver);

MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-coherent backend for NVIDIA Grace Hopper/Blackwell GPU memory");
