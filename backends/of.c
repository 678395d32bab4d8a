// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent backend for devicetree-described coherent memory.
 *
 * The PCI function's node (standard PCI bus binding) lists its apertures:
 *
 *	memory-region = <&gpu_wc>, <&gpu_mem>;
 *	memory-region-names = "resmem", "usemem";	(optional)
 *
 * memory-region-names, when present, names every entry, each differently
 * (the core checks that). Each aperture node is compatible with
 * "coherent-device-memory" (after its vendor's compatible), available, with
 * one reg entry and an optional write-combine flag. See
 * pci-coherent-memory.yaml and
 * coherent-device-memory.yaml in Documentation/devicetree/bindings/pci/.
 *
 * Which virtual BAR shows an aperture is not described: the core takes the
 * first free 64-bit BAR pair for each, in memory-region order.
 */

#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/pci.h>
#include <linux/vfio_coherent.h>
#include <linux/vfio_pci_core.h>
#include <kunit/visibility.h>

#include "of.h"

/**
 * vfio_coherent_of_parse() - describe one aperture from the devicetree
 * @dev: device for messages
 * @np: the PCI function's devicetree node, may be NULL
 * @index: aperture index, the memory-region entry
 * @ap: filled on success; fields the node does not set keep their defaults
 *
 * Return: 0 when described, -ENOENT past the last memory-region entry,
 * -ENODEV when @np describes no aperture at all or the entry's node is not
 * available (its status says the memory is not there), -EOVERFLOW when a
 * reg wraps around, -EINVAL when the description is otherwise malformed.
 */
VISIBLE_IF_KUNIT int vfio_coherent_of_parse(struct device *dev,
					    struct device_node *np,
					    unsigned int index,
					    struct vfio_coherent_aperture *ap)
{
	struct device_node *mem __free(device_node) = NULL;
	int nr, names, entry, len, ret;
	u64 addr = 0, size = 0;
	struct resource res;
	const char *status;
	u32 phandle = 0;

	if (!np) {
		dev_err(dev, "no devicetree node: coherent memory not described\n");
		return -ENODEV;
	}

	nr = of_count_phandle_with_args(np, "memory-region", NULL);
	if (nr <= 0) {
		dev_err(dev, "%pOF: no memory-region property: coherent memory not described\n",
			np);
		return -ENODEV;
	}
	/* Optional, but then a name for every entry. */
	names = of_property_count_strings(np, "memory-region-names");
	if (names != -EINVAL && names != nr) {
		dev_err(dev, "%pOF: %d memory-region-names for %d memory-region entries\n",
			np, names, nr);
		return -EINVAL;
	}
	if (index >= nr)
		return -ENOENT;

	mem = of_parse_phandle(np, "memory-region", index);
	if (!mem) {
		of_property_read_u32_index(np, "memory-region", index, &phandle);
		dev_err(dev, "%pOF: memory-region entry %u: phandle %#x refers to no node\n",
			np, index, phandle);
		return -EINVAL;
	}
	if (!of_device_is_compatible(mem, "coherent-device-memory")) {
		dev_err(dev, "%pOF: memory-region entry %u: %pOF is not \"coherent-device-memory\"\n",
			np, index, mem);
		return -EINVAL;
	}
	if (!of_device_is_available(mem)) {
		if (of_property_read_string(mem, "status", &status))
			status = "?";
		dev_err(dev, "%pOF: memory-region entry %u: %pOF has status \"%s\": its memory is not available\n",
			np, index, mem, status);
		return -ENODEV;
	}
	/* One (address, size) entry, in the cells the parent says. */
	entry = (of_n_addr_cells(mem) + of_n_size_cells(mem)) * sizeof(u32);
	if (!of_get_property(mem, "reg", &len)) {
		dev_err(dev, "%pOF: no reg property\n", mem);
		return -EINVAL;
	}
	if (len % entry) {
		dev_err(dev, "%pOF: reg of %d bytes is no whole number of %d-byte entries\n",
			mem, len, entry);
		return -EINVAL;
	}
	if (len != entry) {
		dev_err(dev, "%pOF: %d reg entries, expected one\n", mem, len / entry);
		return -EINVAL;
	}
	ret = of_address_to_resource(mem, 0, &res);
	if (ret == -EOVERFLOW) {
		of_property_read_reg(mem, 0, &addr, &size);
		dev_err(dev, "%pOF: reg %#llx size %#llx overflows the physical address space\n",
			mem, addr, size);
		return ret;
	}
	if (ret) {
		dev_err(dev, "%pOF: no usable reg (%d)\n", mem, ret);
		return -EINVAL;
	}
	ap->base = res.start;
	ap->size = resource_size(&res);
	if (of_property_read_bool(mem, "write-combine"))
		ap->type = VFIO_COHERENT_MEM_WC;

	/* Optional: without a name the core makes one up. */
	of_property_read_string_index(np, "memory-region-names", index, &ap->name);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_of_parse);

static int vfio_coherent_of_describe(struct vfio_coherent_device *cdev,
				     unsigned int index,
				     struct vfio_coherent_aperture *ap)
{
	struct pci_dev *pdev = vfio_coherent_pdev(cdev);

	return vfio_coherent_of_parse(&pdev->dev, pdev->dev.of_node, index, ap);
}

static const struct vfio_coherent_ops vfio_coherent_of_ops = {
	.describe = vfio_coherent_of_describe,
};

static int vfio_coherent_of_probe(struct pci_dev *pdev,
				  const struct pci_device_id *id)
{
	return vfio_coherent_probe(pdev, &vfio_coherent_of_ops);
}

/* Any function, but only through driver_override: the DT says the rest. */
static const struct pci_device_id vfio_coherent_of_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_coherent_of_table);

static struct pci_driver vfio_coherent_of_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vfio_coherent_of_table,
	.probe = vfio_coherent_of_probe,
	.remove = vfio_coherent_remove,
	.err_handler = &vfio_coherent_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(vfio_coherent_of_driver);

MODULE_IMPORT_NS("VFIO_COHERENT");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-coherent backend for devicetree-described coherent memory");
