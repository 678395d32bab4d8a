/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the devicetree backend reached by its KUnit suite. */
#ifndef __VFIO_COHERENT_BACKEND_OF_H
#define __VFIO_COHERENT_BACKEND_OF_H

#include <linux/vfio_coherent.h>

struct device_node;

#if IS_ENABLED(CONFIG_KUNIT)
int vfio_coherent_of_parse(struct device *dev, struct device_node *np,
			   unsigned int index, struct vfio_coherent_aperture *ap);
#endif

#endif
