/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-coherent core internals, shared by the core's files and its KUnit
 * suites. Backends use <linux/vfio_coherent.h> only.
 */
#ifndef __VFIO_COHERENT_CORE_H
#define __VFIO_COHERENT_CORE_H

#include <linux/vfio_coherent.h>
#include <linux/vfio_pci_core.h>

/**
 * struct vfio_coherent_device - a PCI function with coherent apertures
 * @core: the vfio-pci-core device; first, as vfio_alloc_device() requires
 * @ops: the backend's description hooks
 * @data: the backend's private pointer, given at probe
 * @nr_apertures: number of valid entries in @ap
 * @ap: the validated and claimed apertures
 *
 * @nr_apertures and @ap are written once, in probe before the VFIO device is
 * registered, and only read afterwards: they need no lock.
 */
struct vfio_coherent_device {
	struct vfio_pci_core_device core;
	const struct vfio_coherent_ops *ops;
	void *data;
	unsigned int nr_apertures;
	struct vfio_coherent_aperture ap[VFIO_COHERENT_MAX_APERTURES];
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

int vfio_coherent_discover(struct vfio_coherent_device *cdev,
			   struct device *dev, unsigned long used_bars);
unsigned long vfio_coherent_used_bars(struct pci_dev *pdev);
struct vfio_coherent_aperture *
vfio_coherent_aperture_at_bar(struct vfio_coherent_device *cdev,
			      unsigned int index);

#if IS_ENABLED(CONFIG_KUNIT)
int vfio_coherent_validate(struct device *dev,
			   struct vfio_coherent_aperture *ap,
			   const struct vfio_coherent_aperture *prev,
			   unsigned int nr_prev, unsigned long used_bars);
int vfio_coherent_claim(struct device *dev,
			const struct vfio_coherent_aperture *ap);
#endif

#endif /* __VFIO_COHERENT_CORE_H */
