// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: aperture discovery, validation and claiming.
 */

/**
 * DOC: aperture validation
 *
 * A backend describes each aperture; the core trusts none of it. Before a
 * device is registered every aperture is checked, in this order, and the
 * device is refused with a message naming the offending value:
 *
 * - an unknown memory type: -EINVAL
 * - a zero size, or a base or size that is not page aligned: -EINVAL
 * - a size above what a VFIO region can address (1 TiB, the region index
 *   is bit 40 of the file offset): -EINVAL
 * - base + size wrapping around the physical address space: -EOVERFLOW
 * - any overlap with System RAM: -EBUSY (that memory has struct pages and
 *   belongs to the kernel)
 * - any page with a struct page all the same (a no-map carve-out of
 *   memory, ZONE_DEVICE memory): -EBUSY; memory failure of such a page
 *   would not reach the aperture's mappings
 * - a virtual BAR index that cannot hold a 64-bit BAR (not 0 to 4): -EINVAL
 * - a virtual BAR whose two slots the device implements, or another
 *   aperture already uses: -EBUSY
 * - no free 64-bit BAR left for an aperture that lets the core choose:
 *   -ENOSPC
 * - an overlap with another aperture of the same device: -EINVAL
 * - the name of another aperture of the same device: -EINVAL (messages
 *   tell apertures apart by name)
 * - an overlap with any memory resource of the iomem tree, claimed or not
 *   (a host bridge window, a BAR of this or another function, another
 *   device, another vfio-coherent binding): -EBUSY. A resource that is not
 *   busy would not stop the claim below from nesting inside it.
 *
 * The last check goes with the claim: the range stays requested under the
 * PCI function's name for as long as the driver is bound.
 */

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "coherent.h"

static const char *ap_name(const struct vfio_coherent_aperture *ap)
{
	return ap->name ?: "aperture";
}

/**
 * vfio_coherent_used_bars() - BAR slots the physical function implements
 * @pdev: the PCI function
 *
 * Return: a mask with bit N set when standard BAR slot N is implemented,
 * counting the upper half of a 64-bit BAR.
 */
unsigned long vfio_coherent_used_bars(struct pci_dev *pdev)
{
	unsigned long used = 0;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!pci_resource_len(pdev, i))
			continue;
		used |= BIT(i);
		if (pci_resource_flags(pdev, i) & IORESOURCE_MEM_64)
			used |= BIT(i + 1);
	}
	return used;
}

/* The largest aperture: a VFIO region is addressed by 40 bits of offset. */
#define MAX_APERTURE_SIZE	BIT_ULL(VFIO_PCI_OFFSET_SHIFT)

static int check_bar(struct device *dev, struct vfio_coherent_aperture *ap,
		     unsigned long used)
{
	int bar;

	if (ap->bar == VFIO_COHERENT_BAR_AUTO) {
		for (bar = 0; bar <= PCI_STD_NUM_BARS - 2; bar += 2) {
			if (!(used & (BIT(bar) | BIT(bar + 1)))) {
				ap->bar = bar;
				return 0;
			}
		}
		dev_err(dev, "%s: no free 64-bit BAR left (BAR slots in use: %#lx)\n",
			ap_name(ap), used);
		return -ENOSPC;
	}

	if (ap->bar < 0 || ap->bar > PCI_STD_NUM_BARS - 2) {
		dev_err(dev, "%s: BAR %d cannot hold a 64-bit BAR (valid: 0 to %d)\n",
			ap_name(ap), ap->bar, PCI_STD_NUM_BARS - 2);
		return -EINVAL;
	}
	if (used & (BIT(ap->bar) | BIT(ap->bar + 1))) {
		dev_err(dev, "%s: BAR %d/%d is already in use (BAR slots in use: %#lx)\n",
			ap_name(ap), ap->bar, ap->bar + 1, used);
		return -EBUSY;
	}
	return 0;
}

/**
 * vfio_coherent_validate() - check one aperture against the rules
 * @dev: device for messages
 * @ap: the aperture; an automatic BAR is resolved in place
 * @prev: the apertures of the same device validated before @ap
 * @nr_prev: number of entries in @prev
 * @used_bars: BAR slots the physical function implements
 *
 * See "aperture validation" above for the rules and their errnos.
 *
 * Return: 0 if @ap may be used, a negative errno otherwise.
 */
VISIBLE_IF_KUNIT int vfio_coherent_validate(struct device *dev,
					    struct vfio_coherent_aperture *ap,
					    const struct vfio_coherent_aperture *prev,
					    unsigned int nr_prev,
					    unsigned long used_bars)
{
	unsigned long pfn;
	phys_addr_t end;
	unsigned int i;
	int ret;

	if (ap->type != VFIO_COHERENT_MEM_CACHEABLE &&
	    ap->type != VFIO_COHERENT_MEM_WC) {
		dev_err(dev, "%s: unknown memory type %d\n", ap_name(ap), ap->type);
		return -EINVAL;
	}
	if (!ap->size) {
		dev_err(dev, "%s: size is zero (base %pa)\n", ap_name(ap), &ap->base);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(ap->base) || !PAGE_ALIGNED(ap->size)) {
		dev_err(dev, "%s: base %pa size %#llx not aligned to the %lu-byte page\n",
			ap_name(ap), &ap->base, ap->size, PAGE_SIZE);
		return -EINVAL;
	}
	if (ap->size > MAX_APERTURE_SIZE) {
		dev_err(dev, "%s: size %#llx is more than a VFIO region can hold (%#llx)\n",
			ap_name(ap), ap->size, MAX_APERTURE_SIZE);
		return -EINVAL;
	}
	if (check_add_overflow(ap->base, (phys_addr_t)ap->size - 1, &end)) {
		dev_err(dev, "%s: base %pa + size %#llx overflows the physical address space\n",
			ap_name(ap), &ap->base, ap->size);
		return -EOVERFLOW;
	}
	if (region_intersects(ap->base, ap->size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		dev_err(dev, "%s: [%pa-%pa] overlaps System RAM\n",
			ap_name(ap), &ap->base, &end);
		return -EBUSY;
	}
	if (pfn_range_has_struct_page(PHYS_PFN(ap->base),
				      PHYS_PFN(ap->base + ap->size - 1), &pfn)) {
		dev_err(dev, "%s: [%pa-%pa] has struct pages (PFN %#lx): memory the kernel manages\n",
			ap_name(ap), &ap->base, &end, pfn);
		return -EBUSY;
	}

	for (i = 0; i < nr_prev; i++) {
		if (prev[i].bar >= 0)
			used_bars |= BIT(prev[i].bar) | BIT(prev[i].bar + 1);
	}
	ret = check_bar(dev, ap, used_bars);
	if (ret)
		return ret;

	for (i = 0; i < nr_prev; i++) {
		phys_addr_t pend = prev[i].base + prev[i].size - 1;

		if (ap->base <= pend && prev[i].base <= end) {
			dev_err(dev, "%s: [%pa-%pa] overlaps %s [%pa-%pa]\n",
				ap_name(ap), &ap->base, &end, ap_name(&prev[i]),
				&prev[i].base, &pend);
			return -EINVAL;
		}
		if (ap->name && prev[i].name && !strcmp(ap->name, prev[i].name)) {
			dev_err(dev, "aperture %u: name \"%s\" is already used by aperture %u\n",
				nr_prev, ap->name, i);
			return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_validate);

/**
 * vfio_coherent_claim() - request a validated aperture in the iomem tree
 * @dev: the device that owns the claim until it is unbound (devres)
 * @ap: the aperture
 *
 * Return: 0 on success, -EBUSY when any part of the range is claimed, or
 * the range lies inside another memory resource (claimed or not), -ENOMEM
 * when the claim cannot be allocated.
 */
VISIBLE_IF_KUNIT int vfio_coherent_claim(struct device *dev,
					 const struct vfio_coherent_aperture *ap)
{
	phys_addr_t end = ap->base + ap->size - 1;
	struct resource *res, *parent;

	res = devm_request_mem_region(dev, ap->base, ap->size, dev_name(dev));
	if (!res) {
		/* It fails the same way when it cannot allocate the resource. */
		if (region_intersects(ap->base, ap->size, IORESOURCE_MEM,
				      IORES_DESC_NONE) == REGION_DISJOINT) {
			dev_err(dev, "%s: [%pa-%pa] free, but no memory to claim it\n",
				ap_name(ap), &ap->base, &end);
			return -ENOMEM;
		}
		dev_err(dev, "%s: [%pa-%pa] is already claimed by another resource (see /proc/iomem)\n",
			ap_name(ap), &ap->base, &end);
		return -EBUSY;
	}
	/*
	 * __request_region() nests inside a resource that is not busy (a host
	 * bridge window, a BAR) instead of failing: such memory is not ours.
	 */
	parent = res->parent;
	if (parent != &iomem_resource) {
		dev_err(dev, "%s: [%pa-%pa] lies inside %pR (%s)\n", ap_name(ap),
			&ap->base, &end, parent, parent->name ?: "unnamed");
		devm_release_mem_region(dev, ap->base, ap->size);
		return -EBUSY;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_claim);

/**
 * vfio_coherent_discover() - collect, validate and claim a device's apertures
 * @cdev: the device, with its backend ops set
 * @dev: the device that owns the claims and gets the messages
 * @used_bars: BAR slots the physical function implements
 *
 * Return: 0 when at least one aperture is usable, -ENODEV when the backend
 * describes none, another negative errno when a description is refused.
 */
int vfio_coherent_discover(struct vfio_coherent_device *cdev,
			   struct device *dev, unsigned long used_bars)
{
	unsigned int i;
	int ret;

	for (i = 0; ; i++) {
		struct vfio_coherent_aperture ap = {
			.type = VFIO_COHERENT_MEM_CACHEABLE,
			.bar = VFIO_COHERENT_BAR_AUTO,
		};

		ret = cdev->ops->describe(cdev, i, &ap);
		if (ret == -ENOENT)
			break;
		/* -ENODEV: the backend found no description and said so. */
		if (ret == -ENODEV)
			return ret;
		if (ret)
			return dev_err_probe(dev, ret, "describing aperture %u failed\n", i);
		if (i == VFIO_COHERENT_MAX_APERTURES) {
			dev_err(dev, "more than %d apertures described\n",
				VFIO_COHERENT_MAX_APERTURES);
			return -E2BIG;
		}

		ap.name = ap.name ? devm_kstrdup_const(dev, ap.name, GFP_KERNEL) :
				    devm_kasprintf(dev, GFP_KERNEL, "aperture%u", i);
		if (!ap.name)
			return -ENOMEM;

		ret = vfio_coherent_validate(dev, &ap, cdev->ap, i, used_bars);
		if (ret)
			return ret;
		ret = vfio_coherent_claim(dev, &ap);
		if (ret)
			return ret;

		cdev->ap[i] = ap;
		cdev->nr_apertures = i + 1;
	}

	if (!cdev->nr_apertures) {
		dev_err(dev, "no coherent memory aperture described by firmware\n");
		return -ENODEV;
	}

	for (i = 0; i < cdev->nr_apertures; i++) {
		struct vfio_coherent_aperture *ap = &cdev->ap[i];

		dev_info(dev, "%s: %pa size %#llx %s as BAR %d (%#llx bytes)\n",
			 ap->name, &ap->base, ap->size,
			 ap->type == VFIO_COHERENT_MEM_WC ? "write-combine" : "cacheable",
			 ap->bar, vfio_coherent_bar_size(ap));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_discover);

/**
 * vfio_coherent_aperture_at_bar() - the aperture behind a VFIO region index
 * @cdev: the device
 * @index: VFIO region index
 *
 * Return: the aperture exposed at BAR @index, or NULL.
 */
struct vfio_coherent_aperture *
vfio_coherent_aperture_at_bar(struct vfio_coherent_device *cdev,
			      unsigned int index)
{
	unsigned int i;

	for (i = 0; i < cdev->nr_apertures; i++) {
		if (cdev->ap[i].bar == index)
			return &cdev->ap[i];
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_aperture_at_bar);
