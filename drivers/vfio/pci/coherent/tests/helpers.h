/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the core's and the backends' KUnit suites. */
#ifndef __VFIO_COHERENT_KUNIT_HELPERS_H
#define __VFIO_COHERENT_KUNIT_HELPERS_H

#include <kunit/test.h>

#include "../coherent.h"

struct vfio_coherent_device *
vfio_coherent_kunit_device(struct kunit *test, const struct vfio_coherent_ops *ops,
			   void *data);
void *vfio_coherent_kunit_data(struct vfio_coherent_device *cdev);
int vfio_coherent_kunit_discover(struct kunit *test, struct device *dev,
				 const struct vfio_coherent_ops *ops, void *data,
				 unsigned long used_bars,
				 struct vfio_coherent_device **out);

#endif
