/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * vfio-coherent ACPI test machine: the SSDT a Grace Hopper system's firmware
 * would carry for its GPU, for QEMU's "virt" machine booted with UEFI and
 * ACPI. Loaded by initrd table upgrade (kernel/firmware/acpi/ in the initrd).
 * The kernel runs with mem=3G of -m 8G, so 0x100000000-0x23fffffff is RAM
 * without struct page: the GPU memory. 00:02.0 is the GPU; 00:03.0 has no
 * description. Keep in step with vc_machine.h.
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
    }
}
