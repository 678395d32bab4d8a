// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent backend for PCI functions whose coherent memory is
 * described by the standard memory resource descriptors of ACPI _CRS.
 *
 * Firmware already describes memory ranges, and how the CPU may cache
 * them, with the standard resource templates: a host bridge's _CRS lists
 * its windows as QWordMemory/DWordMemory descriptors whose caching
 * attribute says Cacheable, WriteCombining, Prefetchable or NonCacheable.
 * The same descriptors in the _CRS of a PCI function's ACPI companion (the
 * device node with the function's _ADR) describe memory the function owns,
 * with no vendor-specific _DSD property and no driver knowing the device:
 *
 *	Device (MEM3) {
 *		Name (_ADR, 0x00030000)
 *		Name (_CRS, ResourceTemplate () {
 *			QWordMemory (ResourceConsumer, PosDecode, MinFixed,
 *				     MaxFixed, Cacheable, ReadWrite, 0x0,
 *				     0x200000000, 0x21fffffff, 0x0, 0x20000000)
 *		})
 *	}
 *
 * Each memory descriptor of _CRS, in order, is one aperture (at most
 * VFIO_COHERENT_MAX_APERTURES), at the first free virtual BAR, named by the
 * core. Other descriptors (interrupts, I/O, bus numbers) are skipped. The
 * caching attribute chooses the aperture type:
 *
 * - Cacheable: VFIO_COHERENT_MEM_CACHEABLE (write-back);
 * - WriteCombining: VFIO_COHERENT_MEM_WC;
 * - NonCacheable and Prefetchable: refused (-EINVAL), with a message
 *   naming the range and the attribute. NonCacheable is what firmware says
 *   of registers, which must be mapped as Device memory, as vfio-pci maps
 *   BARs, not by the core; Prefetchable is what host bridges say of
 *   prefetchable PCI windows (IORESOURCE_PREFETCH): memory that tolerates
 *   prefetching, not memory known to be coherent with the CPU's caches.
 *
 * Memory24, Memory32 and Memory32Fixed descriptors carry no caching
 * attribute and are refused (-EINVAL) rather than assumed cacheable: in a
 * device's _CRS they usually describe registers, and mapping registers
 * write-back cacheable would be wrong in ways no check can catch later.
 * Address descriptors whose _MAX is not _MIN + _LEN - 1, that have an
 * address translation (meaningless for a function's own memory) or that
 * are ReadOnly (the memory is exposed read-write) are refused too.
 *
 * The kernel's acpi_dev_get_resources() turns descriptors into struct
 * resource and loses the caching attribute, so _CRS is walked here.
 */
#include <linux/acpi.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_coherent.h>
#include <kunit/visibility.h>

#include "acpi.h"

static const char * const vfio_coherent_acpi_caching[] = {
	[ACPI_NON_CACHEABLE_MEMORY] = "NonCacheable",
	[ACPI_CACHABLE_MEMORY] = "Cacheable",
	[ACPI_WRITE_COMBINING_MEMORY] = "WriteCombining",
	[ACPI_PREFETCHABLE_MEMORY] = "Prefetchable",
};

/* A descriptor without caching attribute: refused, see above. */
static int vfio_coherent_acpi_no_caching(struct device *dev, const char *kind,
					 u64 base, u64 len)
{
	dev_err(dev,
		"_CRS %s at %#llx size %#llx has no caching attribute: describe coherent memory with QWordMemory or DWordMemory, Cacheable or WriteCombining\n",
		kind, base, len);
	return -EINVAL;
}

/**
 * vfio_coherent_acpi_resource() - translate one _CRS resource descriptor
 * @dev: the device, for messages
 * @res: the descriptor
 * @ap: the aperture to fill; left alone unless @res describes one
 *
 * Return: 1 when @res is a memory descriptor and @ap now describes its
 * range and type, 0 when @res is not a memory descriptor (skip it), or
 * -EINVAL, with a message naming the descriptor, its range and what is
 * wrong, when it describes memory that cannot be exposed. Alignment, size
 * and overlaps are the core's to check.
 */
VISIBLE_IF_KUNIT int vfio_coherent_acpi_resource(struct device *dev,
						 struct acpi_resource *res,
						 struct vfio_coherent_aperture *ap)
{
	struct acpi_resource_address *common = &res->data.address;
	struct acpi_resource_address64 addr64;
	struct acpi_address64_attribute attr;
	enum vfio_coherent_mem_type type;
	const char *kind;
	u64 base, len;
	u8 caching;

	switch (res->type) {
	case ACPI_RESOURCE_TYPE_MEMORY24:
		return vfio_coherent_acpi_no_caching(dev, "Memory24",
						     (u64)res->data.memory24.minimum << 8,
						     (u64)res->data.memory24.address_length << 8);
	case ACPI_RESOURCE_TYPE_MEMORY32:
		return vfio_coherent_acpi_no_caching(dev, "Memory32",
						     res->data.memory32.minimum,
						     res->data.memory32.address_length);
	case ACPI_RESOURCE_TYPE_FIXED_MEMORY32:
		return vfio_coherent_acpi_no_caching(dev, "Memory32Fixed",
						     res->data.fixed_memory32.address,
						     res->data.fixed_memory32.address_length);
	case ACPI_RESOURCE_TYPE_ADDRESS16:
	case ACPI_RESOURCE_TYPE_ADDRESS32:
	case ACPI_RESOURCE_TYPE_ADDRESS64:
		if (ACPI_FAILURE(acpi_resource_to_address64(res, &addr64)))
			return 0;
		attr = addr64.address;
		kind = res->type == ACPI_RESOURCE_TYPE_ADDRESS16 ? "WordMemory" :
		       res->type == ACPI_RESOURCE_TYPE_ADDRESS32 ? "DWordMemory" :
		       "QWordMemory";
		break;
	case ACPI_RESOURCE_TYPE_EXTENDED_ADDRESS64:
		attr = res->data.ext_address64.address;
		kind = "ExtendedMemory";
		break;
	default:
		return 0;
	}
	if (common->resource_type != ACPI_MEMORY_RANGE)
		return 0;	/* I/O or bus number range */

	base = attr.minimum;
	len = attr.address_length;
	if (len && (attr.maximum < base || attr.maximum - base != len - 1)) {
		dev_err(dev, "_CRS %s at %#llx size %#llx: _MAX %#llx is not _MIN + _LEN - 1\n",
			kind, base, len, attr.maximum);
		return -EINVAL;
	}
	if (attr.translation_offset) {
		dev_err(dev,
			"_CRS %s at %#llx size %#llx has translation offset %#llx: a function's own memory is not translated\n",
			kind, base, len, attr.translation_offset);
		return -EINVAL;
	}
	if (common->info.mem.write_protect == ACPI_READ_ONLY_MEMORY) {
		dev_err(dev, "_CRS %s at %#llx size %#llx is ReadOnly: it would be exposed read-write\n",
			kind, base, len);
		return -EINVAL;
	}
	caching = common->info.mem.caching;
	switch (caching) {
	case ACPI_CACHABLE_MEMORY:
		type = VFIO_COHERENT_MEM_CACHEABLE;
		break;
	case ACPI_WRITE_COMBINING_MEMORY:
		type = VFIO_COHERENT_MEM_WC;
		break;
	case ACPI_NON_CACHEABLE_MEMORY:
	case ACPI_PREFETCHABLE_MEMORY:
		dev_err(dev,
			"_CRS %s at %#llx size %#llx is %s: only Cacheable or WriteCombining memory can be exposed\n",
			kind, base, len, vfio_coherent_acpi_caching[caching]);
		return -EINVAL;
	default:
		dev_err(dev, "_CRS %s at %#llx size %#llx has unknown caching attribute %u\n",
			kind, base, len, caching);
		return -EINVAL;
	}

	ap->base = base;
	ap->size = len;
	ap->type = type;
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_acpi_resource);

struct vfio_coherent_acpi_walk {
	struct device *dev;
	struct vfio_coherent_aperture *ap;
	unsigned int index;	/* the memory descriptor wanted */
	unsigned int seen;	/* memory descriptors passed so far */
	int ret;
};

static acpi_status vfio_coherent_acpi_walk_one(struct acpi_resource *res,
					       void *data)
{
	struct vfio_coherent_acpi_walk *w = data;
	struct vfio_coherent_aperture ap = *w->ap;
	int ret;

	ret = vfio_coherent_acpi_resource(w->dev, res, &ap);
	if (!ret)
		return AE_OK;
	if (ret > 0 && w->seen++ < w->index)
		return AE_OK;
	if (ret > 0) {
		*w->ap = ap;
		ret = 0;
	}
	w->ret = ret;
	return AE_CTRL_TERMINATE;
}

/**
 * vfio_coherent_acpi_parse() - describe one aperture from a _CRS buffer
 * @dev: the device, for messages
 * @crs: the resource list, as acpi_get_current_resources() returns it
 * @index: which memory descriptor of @crs, counting from 0
 * @ap: the aperture to fill, pre-filled by the core
 *
 * Return: 0 when @ap describes memory descriptor @index, -ENOENT when @crs
 * has no more memory descriptors, -ENODEV (with a message) when it has
 * none at all, or -EINVAL (with a message) when a memory descriptor up to
 * @index cannot be exposed or @crs is malformed.
 */
VISIBLE_IF_KUNIT int vfio_coherent_acpi_parse(struct device *dev,
					      struct acpi_buffer *crs,
					      unsigned int index,
					      struct vfio_coherent_aperture *ap)
{
	struct vfio_coherent_acpi_walk w = {
		.dev = dev, .ap = ap, .index = index, .ret = -ENOENT,
	};
	acpi_status status;

	status = acpi_walk_resource_buffer(crs, vfio_coherent_acpi_walk_one, &w);
	if (ACPI_FAILURE(status)) {
		dev_err(dev, "_CRS is malformed: %s\n", acpi_format_exception(status));
		return -EINVAL;
	}
	if (w.ret == -ENOENT && !index) {
		dev_err(dev, "_CRS lists no memory descriptor: memory not described\n");
		return -ENODEV;
	}
	return w.ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_acpi_parse);

static int vfio_coherent_acpi_describe(struct vfio_coherent_device *cdev,
				       unsigned int index,
				       struct vfio_coherent_aperture *ap)
{
	struct pci_dev *pdev = vfio_coherent_pdev(cdev);
	struct acpi_buffer crs = { ACPI_ALLOCATE_BUFFER, NULL };
	acpi_handle handle = ACPI_HANDLE(&pdev->dev);
	acpi_status status;
	int ret;

	if (!handle) {
		dev_err(&pdev->dev, "no ACPI companion: memory not described\n");
		return -ENODEV;
	}
	status = acpi_get_current_resources(handle, &crs);
	if (status == AE_NOT_FOUND) {
		dev_err(&pdev->dev, "%pfwf has no _CRS: memory not described\n",
			dev_fwnode(&pdev->dev));
		return -ENODEV;
	}
	if (ACPI_FAILURE(status)) {
		dev_err(&pdev->dev, "%pfwf: evaluating _CRS failed: %s\n",
			dev_fwnode(&pdev->dev), acpi_format_exception(status));
		return -EIO;
	}
	ret = vfio_coherent_acpi_parse(&pdev->dev, &crs, index, ap);
	ACPI_FREE(crs.pointer);
	return ret;
}

static const struct vfio_coherent_ops vfio_coherent_acpi_ops = {
	.describe = vfio_coherent_acpi_describe,
};

static int vfio_coherent_acpi_probe(struct pci_dev *pdev,
				    const struct pci_device_id *id)
{
	return vfio_coherent_probe(pdev, &vfio_coherent_acpi_ops);
}

/* Firmware says which functions have memory: bound by driver_override only. */
static const struct pci_device_id vfio_coherent_acpi_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_coherent_acpi_table);

static struct pci_driver vfio_coherent_acpi_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfio_coherent_acpi_table,
	.probe = vfio_coherent_acpi_probe,
	.remove = vfio_coherent_remove,
	.err_handler = &vfio_coherent_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(vfio_coherent_acpi_driver);

MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-coherent backend for ACPI _CRS-described coherent memory");
