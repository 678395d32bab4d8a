/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef __VFIO_COHERENT_ACPI_H
#define __VFIO_COHERENT_ACPI_H

#if IS_ENABLED(CONFIG_KUNIT)
struct acpi_buffer;
struct acpi_resource;
struct device;
struct vfio_coherent_aperture;

int vfio_coherent_acpi_resource(struct device *dev, struct acpi_resource *res,
				struct vfio_coherent_aperture *ap);
int vfio_coherent_acpi_parse(struct device *dev, struct acpi_buffer *crs,
			     unsigned int index,
			     struct vfio_coherent_aperture *ap);
#endif

#endif /* __VFIO_COHERENT_ACPI_H */
