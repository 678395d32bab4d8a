/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the Grace Hopper backend reached by its KUnit suite. */
#ifndef __VFIO_COHERENT_BACKEND_NVGRACE_H
#define __VFIO_COHERENT_BACKEND_NVGRACE_H

#include <linux/vfio_coherent.h>

struct fwnode_handle;

#if IS_ENABLED(CONFIG_KUNIT)
int vfio_coherent_nvgrace_parse(struct device *dev, struct fwnode_handle *fwnode,
				bool mig_bug, unsigned int index,
				struct vfio_coherent_aperture *ap);
int vfio_coherent_nvgrace_ready_status(u32 c2c, u32 hbm);
#endif

#endif
