// SPDX-License-Identifier: GPL-2.0-only
/* Helpers shared by the core's and the backends' KUnit suites. */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/module.h>

#include "helpers.h"

/**
 * vfio_coherent_kunit_discover() - run the core's discovery for a fake device
 * @test: the test; the device structure is freed with it
 * @dev: device owning the claims and getting the messages
 * @ops: backend ops under test
 * @data: their private pointer
 * @used_bars: BAR slots the fake function implements
 * @out: the device, for inspecting its apertures
 *
 * As on a failed probe, the claims of a refused device are released.
 *
 * Return: what vfio_coherent_discover() returns.
 */
int vfio_coherent_kunit_discover(struct kunit *test, struct device *dev,
				 const struct vfio_coherent_ops *ops, void *data,
				 unsigned long used_bars,
				 struct vfio_coherent_device **out)
{
	struct vfio_coherent_device *cdev;
	void *group;
	int ret;

	cdev = kunit_kzalloc(test, sizeof(*cdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cdev);
	cdev->ops = ops;
	cdev->data = data;
	if (out)
		*out = cdev;

	group = devres_open_group(dev, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, group);
	ret = vfio_coherent_discover(cdev, dev, used_bars);
	if (ret)
		devres_release_group(dev, group);
	else
		devres_remove_group(dev, group);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vfio_coherent_kunit_discover, VFIO_COHERENT_KUNIT);
