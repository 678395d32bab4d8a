// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: resets of the function, and when its memory may be used.
 */

/**
 * DOC: reset and readiness
 *
 * A reset of the function resets its virtual BARs to zero, as a real
 * device's BARs are, and makes the memory "not known to be ready". The core
 * learns of every reset from the PCI core's reset_done error handler, which
 * backends install as &vfio_coherent_err_handlers: VFIO_DEVICE_RESET, an FLR
 * the user starts through PCIe Device Control or Advanced Features (written
 * with any width), VFIO_DEVICE_PCI_HOT_RESET of any function of the bus,
 * the reset at open, and a reset through sysfs. A reset that fails before
 * touching the function (device lock busy, no reset method) is no reset and
 * changes nothing.
 *
 * Before the first fault or read/write after a reset, and at probe, the
 * core asks the backend's optional ready hook until the memory is ready or
 * the backend's timeout passes; see &struct vfio_coherent_ops. The wait
 * happens with the memory lock held for reading, after memory decoding and
 * the power state were found good, so that nothing can disable the memory
 * under it and a user who disabled it gets an error at once.
 *
 * vfio_coherent_access_begin() is that one check, for faults and
 * read/write alike: memory decoding, power state, readiness.
 */

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/pci.h>
#include <kunit/visibility.h>

#include "coherent.h"

/**
 * vfio_coherent_reset_bars() - put every virtual BAR back to its reset value
 * @cdev: the device
 */
void vfio_coherent_reset_bars(struct vfio_coherent_device *cdev)
{
	unsigned int i;

	guard(mutex)(&cdev->bar_lock);
	for (i = 0; i < cdev->nr_apertures; i++)
		cdev->bar[i].reg = 0;
}

/**
 * vfio_coherent_reset_done() - the PCI core reset the function
 * @pdev: the function
 *
 * Called by the PCI core after every reset of @pdev, with the device lock
 * held, and for VFIO's resets with the memory lock held for writing.
 */
VISIBLE_IF_KUNIT void vfio_coherent_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);
	struct vfio_coherent_device *cdev;

	/* A reset while probe has not set us up yet. */
	if (!core)
		return;
	cdev = to_vfio_coherent(&core->vdev);
	vfio_coherent_reset_bars(cdev);
	atomic_inc(&cdev->reset_seq);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_reset_done);

/*
 * The PCI error handlers of every vfio-coherent backend (its pci_driver's
 * err_handler): vfio-pci-core's AER handler, and reset_done to learn of
 * every reset of the function.
 */
const struct pci_error_handlers vfio_coherent_err_handlers = {
	.error_detected = vfio_pci_core_aer_err_detected,
	.reset_done = vfio_coherent_reset_done,
};
EXPORT_SYMBOL_NS_GPL(vfio_coherent_err_handlers, "VFIO_COHERENT");

/**
 * vfio_coherent_wait_ready() - wait until the backend says memory is ready
 * @cdev: the device
 *
 * Asks the backend's ready hook, if any, once per reset: until it says
 * ready, fails, or its timeout passes.
 *
 * Return: 0 when ready, -ETIMEDOUT, or the hook's error.
 */
VISIBLE_IF_KUNIT int vfio_coherent_wait_ready(struct vfio_coherent_device *cdev)
{
	const struct vfio_coherent_ops *ops = cdev->ops;
	unsigned int seq = atomic_read(&cdev->reset_seq);
	unsigned int timeout_ms;
	unsigned long timeout;
	int ret;

	if (!ops->ready || READ_ONCE(cdev->ready_seq) == seq)
		return 0;

	timeout_ms = ops->ready_timeout_ms ?: VFIO_COHERENT_READY_TIMEOUT_MS;
	timeout = jiffies + msecs_to_jiffies(timeout_ms);
	for (;;) {
		ret = ops->ready(cdev);
		if (ret != -EAGAIN)
			break;
		if (time_after(jiffies, timeout)) {
			dev_err_ratelimited(&cdev->core.pdev->dev,
					    "memory not ready after %u ms: not accessed\n",
					    timeout_ms);
			return -ETIMEDOUT;
		}
		msleep(min_t(unsigned int, timeout_ms, VFIO_COHERENT_READY_POLL_MS));
	}
	if (ret) {
		dev_err_ratelimited(&cdev->core.pdev->dev,
				    "memory readiness check failed: %d\n", ret);
		return ret;
	}
	/* A reset meanwhile leaves the sequences apart: the next access asks. */
	WRITE_ONCE(cdev->ready_seq, seq);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_wait_ready);

/*
 * vfio_coherent_memory_enabled() - whether the device decodes memory
 * @cdev: the device, with @cdev->core.memory_lock held
 *
 * The same test as vfio-pci-core's __vfio_pci_memory_enabled(), which is
 * private to vfio-pci-core: the function is not in D3 (the user may have
 * put it there through PMCSR, or runtime PM did), and the user has
 * COMMAND.MEMORY set in its view of config space.
 *
 * Return: true when the aperture may be accessed.
 */
static bool vfio_coherent_memory_enabled(struct vfio_coherent_device *cdev)
{
	struct vfio_pci_core_device *core = &cdev->core;
	u16 cmd = le16_to_cpu(*(__le16 *)&core->vconfig[PCI_COMMAND]);
	pci_power_t state = core->pdev->current_state;

	lockdep_assert_held(&core->memory_lock);
	/* current_state < PCI_D3hot, in words sparse accepts. */
	if (state == PCI_D3hot || state == PCI_D3cold || state == PCI_UNKNOWN)
		return false;
	return core->pdev->no_command_memory || (cmd & PCI_COMMAND_MEMORY);
}

/**
 * vfio_coherent_access_begin() - whether the memory may be accessed now
 * @cdev: the device, with @cdev->core.memory_lock held for reading
 *
 * For faults and read/write: memory decoding must be enabled and the
 * function in D0 (checked first: a disabled device must not wait), then the
 * backend must say the memory is ready.
 *
 * Return: 0, -EIO when memory is disabled, or what the readiness wait gives.
 */
int vfio_coherent_access_begin(struct vfio_coherent_device *cdev)
{
	lockdep_assert_held_read(&cdev->core.memory_lock);
	if (!vfio_coherent_memory_enabled(cdev))
		return -EIO;
	return vfio_coherent_wait_ready(cdev);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_coherent_access_begin);

/**
 * vfio_coherent_probe_ready() - wait for the memory at probe
 * @cdev: the device, its apertures discovered, not yet registered
 *
 * Enables memory decoding for the backend's ready hook, which reads the
 * device's registers, and waits.
 *
 * Return: 0 when ready or without a ready hook, a negative errno otherwise.
 */
int vfio_coherent_probe_ready(struct vfio_coherent_device *cdev)
{
	struct pci_dev *pdev = cdev->core.pdev;
	int ret;

	if (!cdev->ops->ready)
		return 0;
	ret = pci_enable_device_mem(pdev);
	if (ret) {
		pci_err(pdev, "cannot enable memory decoding to wait for the memory: %d\n",
			ret);
		return ret;
	}
	ret = vfio_coherent_wait_ready(cdev);
	pci_disable_device(pdev);
	return ret;
}
