/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * vfio-coherent ACPI test machine: the SSDT a Grace Hopper system's firmware
 * would carry for its GPU, and a function whose coherent memory is listed
 * in _CRS, for QEMU's "virt" machine booted with UEFI and ACPI. Loaded by
 * initrd table upgrade (kernel/firmware/acpi/ in the initrd).
 * The kernel runs with mem=3G of -m 8G, so RAM above 0x100000000 is not the
 * kernel's, but UEFI puts the kernel image, the initrd, its own runtime
 * memory and the ACPI tables at the top of RAM (0x236400000 and up: the
 * kernel maps them, and memmap covers their 128 MiB sections from
 * 0x230000000). What stays without struct page: 0x100000000-0x1ffffffff,
 * the GPU memory of 00:02.0 (_DSD), and 0x200000000-0x21fffffff, the
 * coherent memory of 00:03.0 (_CRS: 512 MiB Cacheable, no _DSD: the
 * Grace Hopper backend still finds no description there).
 * Keep in step with vc_machine.h.
 */
DefinitionBlock ("coherent-acpi.aml", "SSDT", 2, "VFIOCO", "COHERENT", 1)
{
    External (\_SB.PCI0, DeviceObj)

    Scope (\_SB.PCI0)
    {
        Device (GPU0)
        {
            Name (_ADR, 0x00020000)
            Name (_DSD, Package () {
                ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
                Package () {
                    Package () { "nvidia,gpu-mem-base-pa", 0x100000000 },
                    Package () { "nvidia,gpu-mem-size", 0x100000000 },
                }
            })
        }

        Device (MEM3)
        {
            Name (_ADR, 0x00030000)
            Name (_CRS, ResourceTemplate () {
                QWordMemory (ResourceConsumer, PosDecode, MinFixed, MaxFixed,
                    Cacheable, ReadWrite,
                    0x0,                // Granularity
                    0x200000000,        // Range Minimum
                    0x21fffffff,        // Range Maximum
                    0x0,                // Translation Offset
                    0x20000000)         // Length
            })
        }
    }
}
