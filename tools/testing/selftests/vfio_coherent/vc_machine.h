/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vfio-coherent test machine (tools/testing/vfio-coherent/machine/):
 * two described functions behind a PCIe root port, GPU stand-ins with
 * what real GPUs have (QEMU's nvme: PCI Express with FLR, power
 * management, MSI-X, a 64-bit BAR 0 of 16 KiB; no guest driver claims
 * them), each in its own IOMMU group but sharing the bus reset, and eight
 * pci-testdev functions (memory BAR 0, I/O BAR 1) on the root bus, most
 * described wrongly on purpose,
 * and 5 GiB of guest RAM hidden from the kernel with mem=3G of 8G
 * (0x100000000-0x23fffffff) that the devicetree hands out as apertures.
 * Keep in step with coherent-dt.dtsi and the runner's QEMU options.
 */
#ifndef VC_MACHINE_H
#define VC_MACHINE_H

/* Described: usemem (cacheable, BAR 4) and resmem (write-combine, BAR 2). */
#define VC_DEV_GOOD		"0000:01:00.0"
/*
 * The GPU stand-in's second function, behind the same root port: one
 * bus-reset domain (VFIO dev_set) with VC_DEV_GOOD. 256 MiB cacheable at the
 * first free BAR pair (2): two memory blocks, what the nested guest onlines
 * as System RAM.
 */
#define VC_DEV_FN1		"0000:01:00.1"
#define VC_FN1_BAR		2
#define VC_FN1_BASE		0x230000000ULL
#define VC_FN1_SIZE		0x10000000ULL
/* No devicetree node at all. */
#define VC_DEV_UNDESCRIBED	"0000:00:03.0"
/* memory-region overlapping System RAM. */
#define VC_DEV_RAM		"0000:00:04.0"
/* memory-region with a zero size. */
#define VC_DEV_MALFORMED	"0000:00:05.0"
/* memory-region inside the PCIe host bridge's MMIO window. */
#define VC_DEV_IN_WINDOW	"0000:00:06.0"
/* memory-region on a no-map carve-out of RAM: struct pages, not System RAM. */
#define VC_DEV_NOMAP		"0000:00:07.0"
/* memory-region of 2 TiB. */
#define VC_DEV_HUGE		"0000:00:08.0"
/* memory-region on a node with status "disabled". */
#define VC_DEV_DISABLED		"0000:00:09.0"
/* memory-region on a node with two reg entries. */
#define VC_DEV_TWO_REGS		"0000:00:0a.0"

/*
 * QEMU's edu device (dma_mask all-ones): a DMA engine with a 4 KiB buffer,
 * given to vfio-pci to check what an IOMMU mapping reaches.
 */
#define VC_DEV_EDU		"0000:00:0b.0"

#define VC_DRIVER		"vfio_coherent_of"
#define VC_MODULE_DIR		"/lib/modules"

#define VC_USEMEM_BAR		4
#define VC_USEMEM_BASE		0x100000000ULL
#define VC_USEMEM_SIZE		0x100000000ULL
#define VC_RESMEM_BAR		2
#define VC_RESMEM_BASE		0x200000000ULL
#define VC_RESMEM_SIZE		0x3000000ULL
#define VC_RESMEM_BAR_SIZE	0x4000000ULL
/*
 * The ACPI machine (coherent-acpi.asl): UEFI + ACPI, no devicetree. The GPU
 * at 00:02.0 has 4 GiB at 0x100000000 in _DSD; pci-testdev has no DVSEC, so
 * it counts as having the MIG bug: usemem 3 GiB (BAR 4), resmem 1 GiB
 * write-combine (BAR 2). 00:03.0 has no _DSD (no description for the Grace
 * Hopper backend) but a _CRS with one QWordMemory, Cacheable: 512 MiB at
 * 0x200000000 for the ACPI _CRS backend, at the first free BAR pair (2,
 * after pci-testdev's BARs 0 and 1). UEFI loads the kernel, the initrd and
 * its own memory at the top of RAM (0x236400000 and up), so the rest of the
 * hidden RAM is not free here.
 */
#define VC_ACPI_GPU		"0000:00:02.0"
#define VC_ACPI_UNDESCRIBED	"0000:00:03.0"
#define VC_ACPI_CRS_DEV		"0000:00:03.0"
#define VC_ACPI_DRIVER		"vfio_coherent_acpi"
#define VC_ACPI_MODULE		"vfio-coherent-acpi"
#define VC_ACPI_CRS_BASE	0x200000000ULL
#define VC_ACPI_CRS_SIZE	0x20000000ULL
#define VC_ACPI_CRS_BAR		2
#define VC_NVGRACE_DRIVER	"vfio_coherent_nvgrace"
#define VC_NVGRACE_PEER		"nvgrace_gpu_vfio_pci"
#define VC_GPU_BASE		0x100000000ULL	/* usemem first, then resmem */
#define VC_GPU_USEMEM_SIZE	0xc0000000ULL
#define VC_GPU_USEMEM_BAR_SIZE	0x100000000ULL
#define VC_GPU_RESMEM_SIZE	0x40000000ULL

/* pci-testdev's own memory BAR. */
#define VC_TESTDEV_BAR0_SIZE	4096ULL
/* The GPU stand-in's own BAR 0 (64-bit, so BAR slots 0 and 1). */
#define VC_GOOD_BAR0_SIZE	0x4000ULL

#endif
