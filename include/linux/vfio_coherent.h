/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-coherent: VFIO PCI variant driver library for devices whose memory is
 * cache-coherent with the CPU and described by firmware, not by a PCI BAR.
 *
 * A backend only discovers apertures; the core exposes each one as a virtual
 * 64-bit prefetchable BAR and owns everything else (validation, claiming,
 * region info, mapping, reset, memory failure).
 */
#ifndef __LINUX_VFIO_COHERENT_H
#define __LINUX_VFIO_COHERENT_H

#include <linux/pci.h>
#include <linux/types.h>

struct vfio_coherent_device;

/**
 * enum vfio_coherent_mem_type - how the CPU may map an aperture
 * @VFIO_COHERENT_MEM_CACHEABLE: coherent memory, mapped write-back cacheable
 * @VFIO_COHERENT_MEM_WC: memory that must not be cached by the CPU, mapped
 *	write-combine (Normal non-cacheable on arm64)
 */
enum vfio_coherent_mem_type {
	VFIO_COHERENT_MEM_CACHEABLE,
	VFIO_COHERENT_MEM_WC,
};

/* Let the core pick the virtual BAR: the first free 64-bit BAR pair. */
#define VFIO_COHERENT_BAR_AUTO		(-1)

/* Six standard BARs hold at most three 64-bit BARs. */
#define VFIO_COHERENT_MAX_APERTURES	(PCI_STD_NUM_BARS / 2)

/**
 * struct vfio_coherent_aperture - one firmware-described memory range
 * @base: physical base address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @type: CPU mapping type, defaults to %VFIO_COHERENT_MEM_CACHEABLE
 * @bar: first index of the 64-bit virtual BAR that exposes the aperture,
 *	or %VFIO_COHERENT_BAR_AUTO (the default)
 * @name: short name for messages, "aperture<index>" when left NULL
 */
struct vfio_coherent_aperture {
	phys_addr_t base;
	u64 size;
	enum vfio_coherent_mem_type type;
	int bar;
	const char *name;
};

/* How long the core waits for @ready by default, and how often it asks. */
#define VFIO_COHERENT_READY_TIMEOUT_MS	30000
#define VFIO_COHERENT_READY_POLL_MS	100

/**
 * struct vfio_coherent_ops - what a backend tells the core
 * @describe: required. Fill @ap for aperture @index (0, 1, ...). The core
 *	pre-fills @ap with the defaults (cacheable, automatic BAR) and
 *	validates the result. Return 0 when described, -ENOENT when @index is
 *	past the last aperture, or another negative errno to refuse the
 *	device. A device for which @index 0 returns -ENOENT is refused with
 *	-ENODEV: it has no description. Any errno is returned by probe as is;
 *	the driver core logs none for -ENODEV (nor -ENXIO), so a backend that
 *	refuses a device with it says why itself.
 * @ready: optional. Whether the device's memory may be accessed now, for
 *	devices that must finish training their memory or link after power-on
 *	or reset before the CPU touches it. Return 0 when ready, -EAGAIN when
 *	not yet (the core asks again every %VFIO_COHERENT_READY_POLL_MS ms),
 *	another negative errno when it never will. The core asks at probe,
 *	with memory decoding enabled for the purpose, and before the first
 *	fault or read/write after every reset of the function, holding the
 *	device's memory lock for reading once it found memory decoding enabled
 *	and the function in D0: a disabled device fails at once instead of
 *	waiting. Without @ready, memory is ready whenever decoding is enabled.
 *	May sleep; must not access the apertures.
 * @ready_timeout_ms: how long @ready may say -EAGAIN before the core gives
 *	up: probe fails, and so does the access, with -ETIMEDOUT (the next
 *	access asks again). 0 means %VFIO_COHERENT_READY_TIMEOUT_MS.
 */
struct vfio_coherent_ops {
	int (*describe)(struct vfio_coherent_device *cdev, unsigned int index,
			struct vfio_coherent_aperture *ap);
	int (*ready)(struct vfio_coherent_device *cdev);
	unsigned int ready_timeout_ms;
};

/* A backend's pci_driver.err_handler: the core learns of resets from it. */
extern const struct pci_error_handlers vfio_coherent_err_handlers;

int vfio_coherent_probe(struct pci_dev *pdev,
			const struct vfio_coherent_ops *ops);
void vfio_coherent_remove(struct pci_dev *pdev);
struct pci_dev *vfio_coherent_pdev(struct vfio_coherent_device *cdev);

#endif /* __LINUX_VFIO_COHERENT_H */
