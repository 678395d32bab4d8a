// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent: VFIO PCI variant driver library for CPU-coherent device
 * memory described by firmware.
 */

/**
 * DOC: overview
 *
 * A backend is a PCI driver that matches its devices (by ID, or any device
 * with ``driver_override`` as other VFIO variant drivers do) and calls
 * vfio_coherent_probe() with a &struct vfio_coherent_ops. The core asks the
 * backend to describe the device's apertures, validates and claims them, and
 * registers a vfio-pci-core device in which every aperture appears as a
 * virtual 64-bit prefetchable BAR. Everything that is not an aperture is
 * plain vfio-pci-core.
 */

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>

#include "coherent.h"

static int vfio_coherent_init_dev(struct vfio_device *vdev)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);

	unsigned int i;

	mutex_init(&cdev->bar_lock);
	for (i = 0; i < ARRAY_SIZE(cdev->bar); i++)
		mutex_init(&cdev->bar[i].win_lock);
	init_rwsem(&cdev->poison_lock);
	xa_init(&cdev->poisoned);
	/* Not known to be ready until the backend says so. */
	atomic_set(&cdev->reset_seq, 1);
	return vfio_pci_core_init_dev(vdev);
}

static void vfio_coherent_release_dev(struct vfio_device *vdev)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	unsigned int i;

	xa_destroy(&cdev->poisoned);
	for (i = 0; i < ARRAY_SIZE(cdev->bar); i++)
		mutex_destroy(&cdev->bar[i].win_lock);
	mutex_destroy(&cdev->bar_lock);
	vfio_pci_core_release_dev(vdev);
}

static int vfio_coherent_open_device(struct vfio_device *vdev)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	int ret;

	ret = vfio_pci_core_enable(&cdev->core);
	if (ret)
		return ret;

	/* Also for a function that could not be reset. */
	vfio_coherent_reset_bars(cdev);
	vfio_pci_core_finish_enable(&cdev->core);
	return 0;
}

static void vfio_coherent_close_device(struct vfio_device *vdev)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);

	/* No mapping is left: each holds the file open. */
	vfio_coherent_unmap_kernel(cdev);
	vfio_pci_core_close_device(vdev);
}

static long vfio_coherent_ioctl(struct vfio_device *vdev, unsigned int cmd,
				unsigned long arg)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	struct vfio_region_info __user *uinfo = (void __user *)arg;
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_coherent_aperture *ap;
	struct vfio_region_info info;

	/* Resets are vfio-pci-core's: reset_done tells us of each one. */
	if (cmd == VFIO_DEVICE_GET_REGION_INFO) {
		/* One copy: the index cannot change between check and use. */
		if (copy_from_user(&info, uinfo, minsz))
			return -EFAULT;
		ap = vfio_coherent_aperture_at_bar(cdev, info.index);
		if (ap)
			return vfio_coherent_region_info(ap, &info, uinfo);
	}
	return vfio_pci_core_ioctl(vdev, cmd, arg);
}

static ssize_t vfio_coherent_read(struct vfio_device *vdev, char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return vfio_coherent_config_read(cdev, buf, count, ppos);
	if (vfio_coherent_aperture_at_bar(cdev, index))
		return vfio_coherent_rw(cdev, buf, count, ppos, false);
	return vfio_pci_core_read(vdev, buf, count, ppos);
}

static ssize_t vfio_coherent_write(struct vfio_device *vdev,
				   const char __user *buf, size_t count,
				   loff_t *ppos)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);

	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		return vfio_coherent_config_write(cdev, buf, count, ppos);
	if (vfio_coherent_aperture_at_bar(cdev, index))
		return vfio_coherent_rw(cdev, (char __user *)buf, count, ppos, true);
	return vfio_pci_core_write(vdev, buf, count, ppos);
}

static int vfio_coherent_mmap(struct vfio_device *vdev,
			      struct vm_area_struct *vma)
{
	struct vfio_coherent_device *cdev = to_vfio_coherent(vdev);
	struct vfio_coherent_aperture *ap;

	ap = vfio_coherent_aperture_at_bar(cdev, vma->vm_pgoff >>
					   (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT));
	if (ap)
		return vfio_coherent_mmap_aperture(cdev, ap, vma);
	return vfio_pci_core_mmap(vdev, vma);
}

static const struct vfio_device_ops vfio_coherent_vfio_ops = {
	.name		= "vfio-coherent",
	.init		= vfio_coherent_init_dev,
	.release	= vfio_coherent_release_dev,
	.open_device	= vfio_coherent_open_device,
	.close_device	= vfio_coherent_close_device,
	.ioctl		= vfio_coherent_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_coherent_read,
	.write		= vfio_coherent_write,
	.mmap		= vfio_coherent_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

/**
 * vfio_coherent_probe() - bind a PCI function described by a backend
 * @pdev: the PCI function
 * @ops: the backend's hooks; must outlive the binding
 *
 * Asks @ops to describe the apertures, validates and claims them, waits for
 * the memory to be ready (@ops->ready), registers the apertures for memory
 * failure and registers the VFIO device. Call from the backend's pci_driver
 * probe, whose err_handler must be &vfio_coherent_err_handlers; pair with
 * vfio_coherent_remove().
 *
 * Return: 0 on success, -ENODEV when the device has no description, another
 * negative errno when its description is refused or its memory is not
 * ready.
 */
int vfio_coherent_probe(struct pci_dev *pdev,
			const struct vfio_coherent_ops *ops)
{
	struct vfio_coherent_device *cdev;
	int ret;

	if (WARN_ON(!ops || !ops->describe))
		return -EINVAL;

	cdev = vfio_alloc_device(vfio_coherent_device, core.vdev, &pdev->dev,
				 &vfio_coherent_vfio_ops);
	if (IS_ERR(cdev))
		return PTR_ERR(cdev);

	cdev->ops = ops;
	dev_set_drvdata(&pdev->dev, &cdev->core);

	ret = vfio_coherent_discover(cdev, &pdev->dev,
				     vfio_coherent_used_bars(pdev));
	if (ret)
		goto out_put;
	ret = vfio_coherent_probe_ready(cdev);
	if (ret)
		goto out_put;

	/*
	 * For the life of the binding: an error reported while no user has
	 * the device open must still be recorded, or the next user would get
	 * a known-bad page.
	 */
	ret = vfio_coherent_poison_register(cdev);
	if (ret)
		goto out_put;

	ret = vfio_pci_core_register_device(&cdev->core);
	if (ret)
		goto out_unregister;
	vfio_coherent_poison_debugfs_add(cdev);
	return 0;

out_unregister:
	vfio_coherent_poison_unregister(cdev);
out_put:
	vfio_put_device(&cdev->core.vdev);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_probe, "VFIO_COHERENT");

/**
 * vfio_coherent_remove() - unbind a PCI function bound by vfio_coherent_probe()
 * @pdev: the PCI function
 *
 * The aperture claims are released with the driver's devres once this returns.
 */
void vfio_coherent_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);

	struct vfio_coherent_device *cdev = to_vfio_coherent(&core->vdev);

	vfio_coherent_poison_debugfs_del(cdev);
	vfio_pci_core_unregister_device(core);
	/* Every user is gone, and with them every mapping. */
	vfio_coherent_poison_unregister(cdev);
	vfio_put_device(&core->vdev);
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_remove, "VFIO_COHERENT");

/**
 * vfio_coherent_pdev() - the PCI function of a vfio-coherent device
 * @cdev: the device
 *
 * Return: the PCI function @cdev was probed for.
 */
struct pci_dev *vfio_coherent_pdev(struct vfio_coherent_device *cdev)
{
	return cdev->core.pdev;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_pdev, "VFIO_COHERENT");

static int __init vfio_coherent_init(void)
{
	vfio_coherent_poison_debugfs_init();
	return 0;
}
module_init(vfio_coherent_init);

static void __exit vfio_coherent_exit(void)
{
	vfio_coherent_poison_debugfs_exit();
}
module_exit(vfio_coherent_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI library for CPU-coherent device memory");
