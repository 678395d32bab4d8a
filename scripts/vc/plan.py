# SPDX-License-Identifier: GPL-2.0-only
"""The test plan: the modules the machine gets, how they are loaded, and
which selftests run where. The Makefile reads the selftest list from here
(python3 scripts/vc/plan.py selftests)."""

import os
import sys

MODULE_DIR = "drivers/vfio/pci/coherent"

MODULES = {
    # module file (in the build tree) -> name in the guest's /lib/modules
    MODULE_DIR + "/vfio-coherent.ko": "vfio-coherent.ko",
    MODULE_DIR + "/backends/vfio-coherent-of.ko": "vfio-coherent-of.ko",
    MODULE_DIR + "/tests/vfio-coherent-test.ko": "vfio-coherent-test.ko",
    MODULE_DIR + "/backends/tests/vfio-coherent-of-test.ko":
        "vfio-coherent-of-test.ko",
    MODULE_DIR + "/backends/vfio-coherent-nvgrace.ko": "vfio-coherent-nvgrace.ko",
    MODULE_DIR + "/backends/tests/vfio-coherent-nvgrace-test.ko":
        "vfio-coherent-nvgrace-test.ko",
    MODULE_DIR + "/backends/vfio-coherent-acpi.ko": "vfio-coherent-acpi.ko",
    MODULE_DIR + "/backends/tests/vfio-coherent-acpi-test.ko": "vfio-coherent-acpi-test.ko",
    "arch/arm64/kvm/pfnmap_test.ko": "kvm-pfnmap-test.ko",
    "arch/arm64/kvm/pfnmap_testdev.ko": "kvm-pfnmap-testdev.ko",
    "mm/memory-failure-pfn-test.ko": "memory-failure-pfn-test.ko",
    MODULE_DIR + "/tests/vfio-coherent-live-test.ko": "vfio-coherent-live-test.ko",
    # The in-tree peer, for side-by-side runs.
    "drivers/vfio/pci/nvgrace-gpu/nvgrace-gpu-vfio-pci.ko": "nvgrace-gpu-vfio-pci.ko",
}

SELFTESTS = ["vfio_coherent_bind_test", "vfio_coherent_region_test",
             "vfio_coherent_kvm_test", "vfio_coherent_kvm_abi_test",
             "vfio_coherent_poison_test", "vfio_coherent_stress_test"]

# Once, after those (through the group API: what they test is the same
# device file either way): the input catalogue, unplug, bind and module
# cycles, allocation failures.
RELIABILITY_SELFTESTS = ["vfio_coherent_input_test", "vfio_coherent_lifecycle_test",
                         "vfio_coherent_failnth_test"]

# Run again with the unpatched stage-2 decision restored at boot.
KVM_OFF_SELFTESTS = ["vfio_coherent_kvm_test", "vfio_coherent_kvm_abi_test"]

# What a VMM sees on a CPU without FEAT_S2FWB, or without CTR_EL0.DIC.
NOFWB_SELFTESTS = ["vfio_coherent_kvm_abi_test"]

# vfio_coherent_acpi_test loads the ACPI _CRS backend itself (not in LOAD:
# bind_test and lifecycle_test unload the core, which a loaded backend pins).
ACPI_SELFTESTS = ["vfio_coherent_nvgrace_test", "vfio_coherent_acpi_test"]

SELFTESTS_64K = ["vfio_coherent_poison_test", "vfio_coherent_region_test"]

# The stress on the ACPI machine's GPU: with our backend (counted), then
# with the in-tree driver (printed beside it, not counted).
STRESS = "/bin/vfio_coherent_stress_test"

ACPI_STRESS_ENV = ("setenv VC_STRESS_DEV 0000:00:02.0\n"
                   "setenv VC_STRESS_MEM 4:0x100000000,2:0x1c0000000\n"
                   "setenv VC_STRESS_FN1 none\n")

PEER = "echo VC-API peer\nsetenv VC_STRESS_REPORT 1\n"

# Seconds per stress run in make check (the program's default is 20).
STRESS_SECS = "setenv VC_STRESS_SECS 10\n"

LOAD = """insmod /lib/modules/vfio-coherent.ko
insmod /lib/modules/vfio-coherent-of.ko
insmod /lib/modules/vfio-coherent-nvgrace.ko
"""

ACPI_PEER = "insmod /lib/modules/nvgrace-gpu-vfio-pci.ko\n"

# PFNMAP mappings for the KVM tests, over hidden RAM no aperture uses.
TESTDEV = "insmod /lib/modules/kvm-pfnmap-testdev.ko base=0x220000000 size=0x200000\n"

KUNIT = """insmod /lib/modules/vfio-coherent-test.ko
insmod /lib/modules/vfio-coherent-of-test.ko
insmod /lib/modules/vfio-coherent-nvgrace-test.ko
insmod /lib/modules/vfio-coherent-acpi.ko
insmod /lib/modules/vfio-coherent-acpi-test.ko
insmod /lib/modules/kvm-pfnmap-test.ko
insmod /lib/modules/memory-failure-pfn-test.ko
rmmod memory_failure_pfn_test
rmmod pfnmap_test
rmmod vfio_coherent_acpi_test
rmmod vfio_coherent_acpi
rmmod vfio_coherent_nvgrace_test
rmmod vfio_coherent_of_test
rmmod vfio_coherent_test
"""

# Last in the main run: fails pages of the bound functions for good.
LIVE = "insmod /lib/modules/vfio-coherent-live-test.ko\n"

# Then a leak scan: anything our code allocated and lost fails the run.
KMEMLEAK = ("write /sys/kernel/debug/kmemleak scan\n"
            "cat /sys/kernel/debug/kmemleak\n")

# The selftests run through both VFIO APIs: the group/container with type1,
# then the device cdev with iommufd (vc_util.h reads VC_VFIO_API).
CDEV = "echo VC-API cdev\nsetenv VC_VFIO_API cdev\n"

GROUP = "echo VC-API group\nsetenv VC_VFIO_API group\n"


def both_apis(tests):
    """Steps running each program through the group API, then the cdev API."""
    runs = "".join("run /bin/%s\n" % t for t in tests)
    return GROUP + runs + CDEV + runs + GROUP


def bind_steps(bdf, driver):
    return ("write /sys/bus/pci/devices/%s/driver_override %s\n"
            "write /sys/bus/pci/drivers_probe %s\n" % (bdf, driver, bdf))


def main():
    """For the Makefile: the selftest programs to build."""
    if sys.argv[1:] == ["selftests"]:
        every = (SELFTESTS + RELIABILITY_SELFTESTS + ACPI_SELFTESTS + KVM_OFF_SELFTESTS +
                 NOFWB_SELFTESTS + SELFTESTS_64K)
        print(" ".join(sorted(set(every))))
        return 0
    sys.exit("usage: plan.py selftests")


if __name__ == "__main__":
    sys.exit(main())
