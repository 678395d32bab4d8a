#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Boot the vfio-coherent test machine and judge what it printed.

    vc_machine.py check              KUnit + selftests, ends "N passed, N failed"
    vc_machine.py demo               show the device bound and used through VFIO
    vc_machine.py bench              aperture vs anonymous THP memory (numbers only)
    vc_machine.py run [--add F]... [--step S]... [--run CMD]...
                                     your own static binaries/files in /extra,
                                     your own steps (see init.c) or commands

The machine: QEMU "virt" (virtualization=on, MTE, SMMUv3, GICv3), -cpu max, -smp 2,
-m 8G with the kernel told mem=3G, four pci-testdev functions, and a
devicetree made from QEMU's own (dumpdtb) plus our nodes. Paths come from the
environment the Makefile sets (VC_BUILD, VC_KSRC, ...).
"""

import argparse
import contextlib
import io
import json
import os
import re
import select
import shlex
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("VC_BUILD", os.path.join(REPO, ".build"))
KSRC = os.path.join(BUILD, "linux")
# The kernel the machines boot: the debug build, or another output
# directory of the same tree (make bench's release kernel: VC_MACHINE_KOUT).
KOUT = os.path.join(KSRC, os.environ.get("VC_MACHINE_KOUT", "out"))
# The nested guest always runs the debug build (its module is built for it).
L2_KOUT = os.path.join(KSRC, "out")
GUEST = os.path.join(BUILD, "guest")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")

MACHINE = ["-machine", "virt,virtualization=on,mte=on,iommu=smmuv3,gic-version=3",
           "-cpu", "max,pauth-impdef=on", "-smp", "2", "-m", "8G",
           "-nodefaults", "-display", "none", "-no-reboot"]
# The described functions sit behind a root port, so that they have a reset
# method (secondary bus reset) as assigned GPUs do, and share it: a hot reset
# of one resets the other (one VFIO dev_set). The others are on the root bus.
DEVICES = ["-device", "pcie-root-port,id=rp0,addr=2.0,chassis=1",
           "-device", "nvme,serial=vc-gpu,bus=rp0,addr=0.0,multifunction=on",
           "-device", "nvme,serial=vc-gpu-fn1,bus=rp0,addr=0.1"]
for slot in range(3, 11):
    DEVICES += ["-device", "pci-testdev,addr=%x.0" % slot]
# A DMA engine for vfio-pci, to check what type1 maps (edu, all 64 address bits).
DEVICES += ["-device", "edu,addr=b.0,dma_mask=0xffffffffffffffff"]
APPEND = ("console=ttyAMA0 mem=3G panic_on_warn=0 kasan.fault=report"
          " log_buf_len=1M")

# The same machine on a CPU without FEAT_S2FWB (and without MTE), as most
# arm64 hosts today (Neoverse N1: Ampere Altra, Graviton2).
NOFWB_MACHINE = ["-machine", "virt,virtualization=on,iommu=smmuv3,gic-version=3",
                 "-cpu", "neoverse-n1"] + MACHINE[4:]
# And on one with FEAT_S2FWB but without CTR_EL0.DIC (QEMU's Cortex-A710:
# CTR_EL0 0x9444c004, ID_AA64MMFR2_EL1.FWB 1).
NODIC_MACHINE = ["-machine", "virt,virtualization=on,mte=on,iommu=smmuv3,gic-version=3",
                 "-cpu", "cortex-a710"] + MACHINE[4:]

# The ACPI machine: UEFI firmware, ACPI tables (QEMU's plus our SSDT giving
# the GPU its _DSD properties and 00:03.0 its _CRS), no devicetree. 00:02.0
# is the GPU, 00:03.0 a function whose _CRS lists coherent memory (the ACPI
# _CRS backend's).
UEFI = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"
ACPI_DEVICES = ["-device", "pci-testdev,addr=2.0", "-device", "pci-testdev,addr=3.0"]
ACPI_APPEND = APPEND + " acpi=force"

# The nested machine: Debian's arm64 QEMU (an EROFS image made by
# scripts/build-l2-image.sh, on a virtio-mmio disk so the PCI topology stays
# the same) gives 01:00.1 to a guest (L2) running this kernel, with UEFI and
# ACPI. tools/testing/vfio-coherent/l2/vc-vmm.c runs it and judges.
L2_IMAGE = os.path.join(BUILD, "l2", "qemu-arm64.erofs")
L2_DISK = ["-drive", "file=%s,if=none,id=l2,format=raw,readonly=on" % L2_IMAGE,
           "-device", "virtio-blk-device,drive=l2"]
L2_DEV, L2_BAR, L2_BASE = "0000:01:00.1", 2, "0x230000000"
L2_MODULE = "tools/testing/vfio-coherent/l2/vc_l2_ram.ko"
L2_BIND = ("write /sys/bus/pci/devices/%s/driver_override vfio_coherent_of\n"
           "write /sys/bus/pci/drivers_probe %s\n" % (L2_DEV, L2_DEV))
# What the guest runs, per mode of vc-vmm.
L2_LOAD = "run /bin/vc-l2-guest load /lib/modules/vc_l2_ram.ko bar=%d\n" % L2_BAR
L2_STEPS = {
    "ram": ("run /bin/vc-l2-guest info %d\n" % L2_BAR + L2_LOAD +
            "".join("run /bin/vc-l2-guest %s %d\n" % (c, L2_BAR)
                    for c in ("ram", "poison", "keep"))),
    "device": "run /bin/vc-l2-guest info %d\n" % L2_BAR + L2_LOAD,
    "noras": ("run /bin/vc-l2-guest info %d\n" % L2_BAR + L2_LOAD +
              "run /bin/vc-l2-guest poison %d\n" % L2_BAR),
    "start": "run /bin/vc-l2-guest info %d\n" % L2_BAR,
    "plain": "echo VC-L2 a guest without the device\n",
    "nofwb": "run /bin/vc-l2-guest info %d\n" % L2_BAR,
    # The ACPI machine's GPU (00:02.0): 3 GiB usemem at BAR 4 of 4 GiB. The
    # guest onlines 1 GiB of it: its KASAN shadow and memmap must fit in the
    # guest's 512 MiB.
    "acpi-ram": ("run /bin/vc-l2-guest info 4\n"
                 "run /bin/vc-l2-guest load /lib/modules/vc_l2_ram.ko bar=4 "
                 "online_size=0x40000000\n"
                 "run /bin/vc-l2-guest ram 4 0x40000000\n" +
                 "".join("run /bin/vc-l2-guest %s 4\n" % c for c in ("poison", "keep"))),
    "acpi-start": "run /bin/vc-l2-guest info 4\n",
}

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
# The kernel with 64 KiB pages (make kernel-64k): the KUnit suites and the
# selftests whose expectations follow the page size.
KOUT_64K = os.path.join(KSRC, "out-64k")
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
OUR_CODE = re.compile(r"vfio_coherent|memory_failure_pfn|pfn_address_space|"
                      r"kvm_pfnmap|fixup_user_fault_hwpoison|ghes_do_memory_failure")

# Anything like this in the console fails the run.
KERNEL_ERRORS = re.compile(
    r"(-+\[ cut here \]-+|\bBUG:|\bOops\b|KASAN:|UBSAN:|WARNING: |"
    r"INFO: possible|INFO: task .* blocked|Kernel panic|Unable to handle kernel|"
    r"\bcircular locking dependency\b|inconsistent lock state)")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def make_dtb(machine=MACHINE, tag="virt"):
    """QEMU's own devicetree for this machine plus our nodes."""
    out = os.path.join(GUEST, "machine")
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, tag + ".dtb")
    sh([QEMU] + machine[:1] + [machine[1] + ",dumpdtb=" + base] + machine[2:] +
       DEVICES, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dts = os.path.join(out, tag + ".dts")
    with open(dts, "w") as f:
        sh(["dtc", "-q", "-I", "dtb", "-O", "dts", base], stdout=f)
    top = os.path.join(out, tag + "-machine.dts")
    ours = os.path.join(REPO, "tools/testing/vfio-coherent/machine/coherent-dt.dtsi")
    with open(top, "w") as f:
        f.write('/include/ "%s"\n/include/ "%s"\n' % (dts, ours))
    dtb = os.path.join(out, tag + "-machine.dtb")
    sh(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, top])
    return dtb


def make_initramfs(name, steps, extra=(), files=(), kout=None):
    """An uncompressed cpio: our /init, modules (of the kernel in kout),
    selftests, extra files, and (path in the guest, path here) pairs in
    files."""
    spec = ["dir /dev 0755 0 0", "nod /dev/console 0600 0 0 c 5 1",
            "dir /proc 0755 0 0", "dir /sys 0755 0 0", "dir /tmp 1777 0 0",
            "dir /etc 0755 0 0", "dir /bin 0755 0 0", "dir /lib 0755 0 0",
            "dir /lib/modules 0755 0 0", "dir /extra 0755 0 0",
            "file /init %s 0755 0 0" % os.path.join(GUEST, "bin", "init"),
            "file /bin/vc-demo %s 0755 0 0" % os.path.join(GUEST, "bin", "vc-demo"),
            "file /bin/vc-bench %s 0755 0 0" % os.path.join(GUEST, "bin", "vc-bench"),
            "file /bin/vc-parity %s 0755 0 0" % os.path.join(GUEST, "bin", "vc-parity")]
    for src, dst in MODULES.items():
        path = os.path.join(kout or KOUT, src)
        if not os.path.exists(path):
            sys.exit("vc_machine: %s missing: build the kernel first" % path)
        spec.append("file /lib/modules/%s %s 0644 0 0" % (dst, path))
    for t in SELFTESTS + RELIABILITY_SELFTESTS + ACPI_SELFTESTS:
        spec.append("file /bin/%s %s 0755 0 0" % (t, os.path.join(GUEST, "bin", t)))
    for path in extra:
        mode = "0755" if os.access(path, os.X_OK) else "0644"
        spec.append("file /extra/%s %s %s 0 0" % (os.path.basename(path),
                                                   os.path.abspath(path), mode))
    for dst, src in files:
        for d in dirs_of(dst, spec):
            spec.append("dir %s 0755 0 0" % d)
        spec.append("file %s %s 0644 0 0" % (dst, src))
    return write_cpio(name, steps, spec)


def dirs_of(path, spec):
    """The parent directories of path that spec does not create yet."""
    have = {l.split()[1] for l in spec if l.startswith("dir ")}
    parts = path.split("/")[1:-1]
    want = ["/" + "/".join(parts[:i + 1]) for i in range(len(parts))]
    return [d for d in want if d not in have]


def write_cpio(name, steps, spec):
    gen = os.path.join(GUEST, "gen_init_cpio")
    stepfile = os.path.join(GUEST, name + ".steps")
    with open(stepfile, "w") as f:
        f.write(steps)
    spec.append("file /etc/vc-steps %s 0644 0 0" % stepfile)
    listfile = os.path.join(GUEST, name + ".list")
    with open(listfile, "w") as f:
        f.write("\n".join(spec) + "\n")
    cpio = os.path.join(GUEST, name + ".cpio")
    with open(cpio, "wb") as f:
        sh([gen, listfile], stdout=f)
    return cpio


def l2_files():
    """The guest's kernel and one initramfs per entry of L2_STEPS, as files
    for the host's /lib/l2 (the VMM sees them as /host/...)."""
    files = [("/lib/l2/Image", os.path.join(L2_KOUT, "arch/arm64/boot/Image"))]
    for mode in L2_STEPS:
        spec = ["dir /dev 0755 0 0", "nod /dev/console 0600 0 0 c 5 1",
                "dir /proc 0755 0 0", "dir /sys 0755 0 0", "dir /tmp 1777 0 0",
                "dir /etc 0755 0 0", "dir /bin 0755 0 0", "dir /lib 0755 0 0",
                "dir /lib/modules 0755 0 0",
                "file /init %s 0755 0 0" % os.path.join(GUEST, "bin", "init"),
                "file /bin/vc-l2-guest %s 0755 0 0"
                % os.path.join(GUEST, "bin", "vc-l2-guest"),
                "file /lib/modules/vc_l2_ram.ko %s 0644 0 0"
                % os.path.join(KSRC, L2_MODULE)]
        cpio = write_cpio("l2-" + mode, L2_STEPS[mode], spec)
        files.append(("/lib/l2/l2-%s.cpio" % mode, cpio))
    return files


# Between two VMM runs the function is bound again: poison lasts for the
# binding's life, and each run fails a page of its own choosing.
L2_REBIND = ("write /sys/bus/pci/drivers/vfio_coherent_of/unbind %s\n"
             "write /sys/bus/pci/drivers/vfio_coherent_of/bind %s\n" % (L2_DEV, L2_DEV))


def nested_steps(modes):
    """Host steps: bind the function, run the VMM once per mode."""
    return LOAD + L2_BIND + L2_REBIND.join(
        "run /extra/vc-vmm -m %s %s %d %s\n" % (m, L2_DEV, L2_BAR, L2_BASE)
        for m in modes)


def acpi_tables():
    """Our SSDT, in an uncompressed cpio for initrd table upgrade."""
    out = os.path.join(GUEST, "machine")
    os.makedirs(out, exist_ok=True)
    asl = os.path.join(REPO, "tools/testing/vfio-coherent/machine/coherent-acpi.asl")
    sh(["iasl", "-p", os.path.join(out, "coherent-acpi"), asl],
       stdout=subprocess.DEVNULL)
    listfile = os.path.join(out, "acpi.list")
    with open(listfile, "w") as f:
        f.write("dir /kernel 0755 0 0\ndir /kernel/firmware 0755 0 0\n"
                "dir /kernel/firmware/acpi 0755 0 0\n"
                "file /kernel/firmware/acpi/ssdt-coherent.aml %s 0644 0 0\n"
                % os.path.join(out, "coherent-acpi.aml"))
    cpio = os.path.join(out, "acpi.cpio")
    with open(cpio, "wb") as f:
        sh([os.path.join(GUEST, "gen_init_cpio"), listfile], stdout=f)
    return cpio


def boot(name, steps, extra=(), timeout=900, echo=False, acpi=False, append="",
         machine=MACHINE, tag="virt", nested=None, kout=None):
    """Boot, run the steps, return (console text, seconds, finished).
    nested: the machine gets the QEMU disk and the guest's files.
    kout: another kernel build (Image and modules) than KOUT."""
    files = l2_files() if nested else ()
    if nested:
        extra = list(extra) + [os.path.join(GUEST, "bin", "vc-vmm")]
        # A guest with UEFI under nested TCG: minutes per run, not seconds.
        timeout = max(timeout, 1800)
    initrd = make_initramfs(name, steps, extra, files, kout)
    log = os.path.join(GUEST, name + ".log")
    cmd = [QEMU] + machine + ["-serial", "stdio", "-kernel",
                              os.path.join(kout or KOUT, "arch/arm64/boot/Image")]
    if acpi:
        both = initrd + ".acpi"
        with open(both, "wb") as f:
            for part in (acpi_tables(), initrd):
                with open(part, "rb") as src:
                    f.write(src.read())
        cmd += ACPI_DEVICES + ["-bios", UEFI, "-initrd", both, "-append", ACPI_APPEND]
    else:
        cmd += DEVICES + ["-dtb", make_dtb(machine, tag), "-initrd", initrd,
                          "-append", APPEND + append]
    if nested:
        cmd += L2_DISK
    with open(os.path.join(GUEST, name + ".cmd"), "w") as f:
        f.write(shlex.join(cmd) + "\n")
    start = time.monotonic()
    out = []
    finished = False
    with open(log, "w") as logf:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        os.set_blocking(proc.stdout.fileno(), True)
        try:
            deadline = start + timeout
            while True:
                # A guest that prints nothing more must not hold us forever.
                ready, _, _ = select.select([proc.stdout], [], [],
                                            max(0, deadline - time.monotonic()))
                if not ready:
                    out.append("vc_machine: timeout after %d s\n" % timeout)
                    break
                raw = proc.stdout.readline()
                if not raw:
                    break
                line = raw.decode("utf-8", "replace").replace("\r", "")
                logf.write(line)
                out.append(line)
                if echo:
                    sys.stdout.write(line)
                if line.startswith("VC-DONE"):
                    finished = True
                if time.monotonic() > deadline:
                    out.append("vc_machine: timeout after %d s\n" % timeout)
                    break
        finally:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return "".join(out), time.monotonic() - start, finished


TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")


def kunit_results(console):
    """Parse each module's KTAP output with the kernel's own kunit.py."""
    lines = [TS.sub("", l) for l in console.splitlines()]
    chunks, cur = [], None
    for l in lines:
        if l.startswith("KTAP version") or l.startswith("TAP version"):
            cur = []
            chunks.append(cur)
        if cur is not None:
            cur.append(l)
    results = []   # (name, status)
    kunit = os.path.join(KSRC, "tools/testing/kunit/kunit.py")
    for chunk in chunks:
        if len(chunk) > 1 and chunk[1].strip() == "1..0":
            continue    # the boot-time run of built-in suites: none
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "ktap")
            js = os.path.join(tmp, "out.json")
            with open(src, "w") as f:
                f.write("\n".join(chunk) + "\n")
            p = subprocess.run([sys.executable, kunit, "parse", "--json=" + js, src],
                               capture_output=True, text=True)
            sys.stdout.write(p.stdout)
            if p.returncode not in (0, 1) or not os.path.exists(js):
                sys.stdout.write(p.stderr)
                results.append(("kunit.py parse", "FAIL"))
                continue
            with open(js) as f:
                walk_kunit_json(json.load(f), results)
    return results


def walk_kunit_json(group, results):
    for sub in group.get("sub_groups", []):
        for case in sub.get("test_cases", []):
            results.append((sub["name"] + "." + case["name"], case["status"]))
        walk_kunit_json(sub, results)


USER_TAP = re.compile(r"^(ok|not ok) \d+ (.*)$")
# The selftests run through both VFIO APIs: the group/container with type1,
# then the device cdev with iommufd (vc_util.h reads VC_VFIO_API).
CDEV = "echo VC-API cdev\nsetenv VC_VFIO_API cdev\n"
GROUP = "echo VC-API group\nsetenv VC_VFIO_API group\n"


def both_apis(tests):
    """Steps running each program through the group API, then the cdev API."""
    runs = "".join("run /bin/%s\n" % t for t in tests)
    return GROUP + runs + CDEV + runs + GROUP


def user_results(console):
    """Selftest TAP lines between VC-RUN-BEGIN and VC-RUN-END."""
    results, prog, seen_fail, api = [], None, False, ""
    for l in console.splitlines():
        if l.startswith("VC-API "):
            api = "" if l.split()[1] == "group" else l.split()[1] + ": "
            continue
        if api == "peer: ":
            continue    # a peer driver's run: printed, not judged
        if l.startswith("VC-RUN-BEGIN "):
            prog, seen_fail = l.split()[1], False
            continue
        if prog is None:
            continue
        if l.startswith("VC-RUN-END "):
            if "rc=0" not in l and not seen_fail:
                results.append((prog + " (exit)", "FAIL"))
            prog = None
            continue
        m = USER_TAP.match(l)
        if m:
            name = m.group(2)
            if "# SKIP" in name:
                status = "SKIP"
            elif m.group(1) == "ok":
                status = "PASS"
            else:
                status, seen_fail = "FAIL", True
            results.append((api + os.path.basename(prog) + ": " + name, status))
    if prog is not None:
        results.append((prog + " (did not finish)", "FAIL"))
    return results


NESTED_PREFIXES = ("L2| ", "QEMU| ")


def judge(console, finished):
    results = [("kunit: " + n, s) for n, s in kunit_results(console)]
    results += user_results(console)
    for l in console.splitlines():
        if l.startswith(NESTED_PREFIXES):
            continue    # the nested guest and its QEMU: vc-vmm judges them
        if "VC-STEP-FAIL" in l:
            results.append((l.strip(), "FAIL"))
        elif KERNEL_ERRORS.search(l):
            results.append(("kernel report: " + TS.sub("", l).strip(), "FAIL"))
    if not finished:
        results.append(("machine did not reach VC-DONE", "FAIL"))
    return results


def kmemleak_results(console, quiet=False):
    """Leaks kmemleak reported: any with our code in its backtrace fails."""
    text, inside = [], False
    for l in console.splitlines():
        l = TS.sub("", l)
        if l.startswith("VC-CAT-BEGIN /sys/kernel/debug/kmemleak"):
            inside = True
        elif l.startswith("VC-CAT-END /sys/kernel/debug/kmemleak"):
            inside = False
        elif inside:
            text.append(l)
    if not any("VC-CAT-END /sys/kernel/debug/kmemleak" in l for l in console.splitlines()):
        return [("kmemleak: scan ran", "FAIL")]
    objects = "\n".join(text).split("unreferenced object")[1:]
    ours = [o for o in objects if OUR_CODE.search(o)]
    if not quiet:
        for o in ours:
            print("kmemleak: unreferenced object" + o)
        print("kmemleak: %d unreferenced objects, %d from our code" % (len(objects), len(ours)))
    return [("kmemleak: no leak from our code (%d objects reported, all elsewhere)"
             % (len(objects) - len(ours)), "FAIL" if ours else "PASS")]


def binding_examples():
    """Each example of our devicetree bindings must compile with dtc."""
    results = []
    root = os.path.join(REPO, "Documentation/devicetree/bindings")
    for dirpath, _, files in os.walk(root):
        for fn in sorted(files):
            if not fn.endswith(".yaml"):
                continue
            path = os.path.join(dirpath, fn)
            examples, cur = [], None
            for line in open(path):
                if line.startswith("  - |"):
                    cur = []
                    examples.append(cur)
                elif cur is not None and (line.startswith("    ") or not line.strip()):
                    cur.append(line[4:])
                elif cur is not None:
                    cur = None
            for i, ex in enumerate(examples):
                src = "/dts-v1/;\n/ {\n#address-cells = <1>;\n#size-cells = <1>;\n" \
                      "example-%d {\n%s};\n};\n" % (i, "".join(ex))
                p = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", "-"],
                                   input=src, capture_output=True, text=True)
                name = "host: %s example %d compiles with dtc" % (fn, i)
                if p.returncode:
                    print(p.stderr)
                results.append((name, "PASS" if p.returncode == 0 else "FAIL"))
            if not examples:
                results.append(("host: %s has an example" % fn, "FAIL"))
    return results


# The kernel's own binding checker (dt-schema): bookworm ships dt-schema
# 2022.08.2 while 6.12 asks for 2023.9. Trixie has no dt-schema, and sid's
# needs python3-referencing, which bookworm lacks; so the check runs with
# bookworm's, its minimum lowered. That version ignores 16 of the tree's
# schemas for newer meta-schema features; ours must not be among them.
DT_SCHEMA_MIN = "2022.08"
DT_OUT = "out-dt"
KBUILD_QUIET = re.compile(r"  (BUILD|CHKDT|LINT|SCHEMA|DTEX|DTC \[C\]) ")


def binding_check():
    """make dt_binding_check on each of our bindings: schema and example clean."""
    root = os.path.join(REPO, "Documentation/devicetree/bindings")
    ours = sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files if f.endswith(".yaml"))
    bdir = os.path.join(KSRC, DT_OUT, "Documentation/devicetree/bindings")
    v = subprocess.run("dt-doc-validate --version", shell=True, capture_output=True, text=True)
    results = []
    # One file a run: this dt-validate takes DT_SCHEMA_FILES as one
    # substring, not a list.
    for f in ours:
        name = os.path.splitext(os.path.basename(f))[0]
        # Its checkers print and carry on (make succeeds): what they print
        # is the verdict, so outputs of an earlier run must not be reused.
        subprocess.run(["rm", "-f", os.path.join(bdir, ".dt-binding.checked"),
                        os.path.join(bdir, ".yamllint.checked")] +
                       [os.path.join(bdir, os.path.splitext(f)[0] + ".example." + x)
                        for x in ("dts", "dtb")])
        p = subprocess.run([os.path.join(REPO, "scripts/build-kernel.sh"), REPO, BUILD,
                            "dt_binding_check", "DT_SCHEMA_FILES=" + f,
                            "DT_SCHEMA_MIN_VERSION=" + DT_SCHEMA_MIN],
                           capture_output=True, text=True,
                           env=dict(os.environ, VC_KOUT=DT_OUT))
        out = (p.stdout + p.stderr).splitlines()
        # Anything but kbuild's progress lines naming it is a finding.
        said = [l for l in out if name in l and not KBUILD_QUIET.match(l)]
        # Its example was validated, against a processed schema holding it
        # (a schema in error is left out of that, and said so only when the
        # processed schema is made).
        checked = any(re.match(r"  DTC \[C\] .*/%s\.example\.dtb$" % re.escape(name), l)
                      for l in out)
        try:
            checked &= ('"http://devicetree.org/schemas/%s#"' % f in
                        open(os.path.join(bdir, "processed-schema.json")).read())
        except OSError:
            checked = False
        sys.stdout.write("".join(l + "\n" for l in said))
        if p.returncode or not checked:
            sys.stdout.write("".join(l + "\n" for l in out[-20:]))
        results.append(("host: make dt_binding_check (dt-schema %s): %s and its example"
                        % (v.stdout.strip() or "missing", f),
                        "PASS" if p.returncode == 0 and checked and not said else "FAIL"))
    return results


def our_sources():
    p = subprocess.run(["git", "-C", REPO, "ls-files", "*.c", "*.h"],
                       capture_output=True, text=True)
    if p.returncode == 0 and p.stdout.strip():
        return p.stdout.split()
    out = []
    for top in ("drivers", "include", "backends", "arch", "mm", "tools"):
        for dirpath, _, files in os.walk(os.path.join(REPO, top)):
            out += [os.path.relpath(os.path.join(dirpath, f), REPO)
                    for f in files if f.endswith((".c", ".h"))]
    return sorted(out)


# What the W=1 + sparse build compiles: our directory and our files elsewhere.
LINT_TARGETS = [MODULE_DIR + "/", "mm/memory-failure-pfn.o", "mm/memory-failure-pfn-test.o",
                "arch/arm64/kvm/pfnmap.o", "arch/arm64/kvm/pfnmap_test.o",
                "arch/arm64/kvm/pfnmap_testdev.o"]


def kernel_style():
    """checkpatch --strict, then W=1 + sparse on our directory and files."""
    results = []
    # TRACE_EVENT() headers are a macro language checkpatch misreads (every
    # kernel trace header gets the same CHECKs): they are left out.
    files = [f for f in our_sources() if not os.path.basename(f).startswith("trace_")]
    p = subprocess.run(["perl", os.path.join(KSRC, "scripts/checkpatch.pl"), "--strict",
                        "--no-tree", "--terse", "--ignore", "FILE_PATH_CHANGES", "-f"] +
                       files, cwd=REPO, capture_output=True, text=True)
    bad = [l for l in p.stdout.splitlines() if re.search(r": (ERROR|WARNING|CHECK):", l)]
    sys.stdout.write("".join(l + "\n" for l in bad))
    results.append(("host: checkpatch --strict on %d files" % len(files),
                    "FAIL" if bad else "PASS"))
    # Recompile our objects every time so W=1 warnings are printed again
    # (ccache replays them); C=2 reruns sparse on its own.
    subprocess.run(["rm", "-rf"] + [os.path.join(KSRC, "out-lint", t) for t in LINT_TARGETS])
    results += kernel_doc()
    env = dict(os.environ, VC_KOUT="out-lint")
    p = subprocess.run([os.path.join(REPO, "scripts/build-kernel.sh"), REPO, BUILD,
                        "W=1", "C=2"] + LINT_TARGETS, capture_output=True, text=True,
                       env=env)
    ours = ("coherent", "memory-failure-pfn", "pfnmap")
    bad = [l for l in (p.stdout + p.stderr).splitlines()
           if re.search(r"(warning|error):", l) and any(o in l for o in ours)]
    sys.stdout.write("".join(l + "\n" for l in bad))
    results.append(("host: W=1 and sparse clean on our kernel code",
                    "FAIL" if bad or p.returncode else "PASS"))
    return results


def kernel_doc():
    """kernel-doc -Wall clean, and every exported function documented."""
    kfiles = [f for f in our_sources() if not f.startswith("tools/")]
    p = subprocess.run(["perl", os.path.join(KSRC, "scripts/kernel-doc"), "-Wall", "-none"] +
                       kfiles, cwd=REPO, capture_output=True, text=True)
    bad = [l for l in (p.stdout + p.stderr).splitlines() if "warning" in l or "error" in l]
    text = "".join(open(os.path.join(REPO, f)).read() for f in kfiles)
    for sym in re.findall(r"EXPORT_SYMBOL\w*\((\w+)", text):
        # kernel-doc of 6.12 documents functions, not variables.
        if re.search(r"\bstruct \w+ %s = " % sym, text):
            continue
        if not re.search(r"/\*\*\n \* %s\(\) - " % sym, text):
            bad.append("exported %s() has no kernel-doc" % sym)
    sys.stdout.write("".join(l + "\n" for l in bad))
    return [("host: kernel-doc -Wall clean, every export documented",
             "FAIL" if bad else "PASS")]


def host_script(name, what, *args):
    """Run scripts/NAME REPO BUILD ARGS: one host check, named WHAT."""
    p = subprocess.run([os.path.join(REPO, "scripts", name), REPO, BUILD] + list(args),
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout + p.stderr)
    return [("host: " + what, "PASS" if p.returncode == 0 else "FAIL")]


def series_check():
    """make series, then each of its patches applied and compiled in turn."""
    p = subprocess.run([sys.executable, os.path.join(REPO, "scripts/series.py"), "write"],
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout + p.stderr)
    results = [("host: series: written from scripts/series.txt, last tree = the build's",
                "PASS" if p.returncode == 0 else "FAIL")]
    if p.returncode:
        return results
    p = subprocess.run([sys.executable, os.path.join(REPO, "scripts/series.py"), "check"],
                       capture_output=True, text=True)
    lines = (p.stdout + p.stderr).splitlines()
    sys.stdout.write("".join(l + "\n" for l in lines if not re.match(r"^(PASS|FAIL) ", l)))
    found = [re.match(r"^(PASS|FAIL) (.*)$", l).groups() for l in lines
             if re.match(r"^(PASS|FAIL) ", l)]
    results += [("host: " + n, s) for s, n in found]
    if p.returncode and all(s == "PASS" for s, _ in found):
        results.append(("host: series check", "FAIL"))
    return results


def debian_objects():
    """Debian's own configs plus ours: our objects and those we touch, W=1."""
    return [r for flavour in ("arm64", "arm64-16k", "amd64")
            for r in host_script("debian-objects.sh",
                                 "Debian %s config + CONFIG_VFIO_COHERENT=m: "
                                 "W=1 clean" % flavour, flavour)]


def docs_check():
    """Our rst pages and kernel-doc through the kernel's own Sphinx setup."""
    return host_script("docs-check.sh",
                       "our documentation renders with the kernel's Sphinx, no new warning")


def verdict_selftest():
    """The verdict must fail a console with a kernel report or no VC-DONE."""
    bad = {
        "WARN": "[    1.0] ------------[ cut here ]------------\n",
        "BUG": "[    1.0] BUG: sleeping function called from invalid context\n",
        "KASAN": "[    1.0] BUG: KASAN: slab-use-after-free in foo+0x1/0x2\n",
        "lockdep": "[    1.0] WARNING: possible circular locking dependency detected\n",
        "step": "VC-STEP-FAIL insmod /lib/modules/x.ko\n",
        "selftest": "VC-RUN-BEGIN /bin/t\nnot ok 1 global.x\nVC-RUN-END /bin/t rc=1\n",
        "crash": "VC-RUN-BEGIN /bin/t\nok 1 global.x\nVC-RUN-END /bin/t signal=11\n",
    }
    ok = all(s == "PASS" for _, s in judge("VC-INIT\nVC-DONE\n", True))
    for what, text in bad.items():
        ok &= any(s == "FAIL" for _, s in judge("VC-INIT\n" + text + "VC-DONE\n", True))
    ok &= any(s == "FAIL" for _, s in judge("VC-INIT\n", False))
    leak = ("VC-CAT-BEGIN /sys/kernel/debug/kmemleak\nunreferenced object 0x1 (size 8):\n"
            "  backtrace (crc 0):\n    vfio_coherent_probe+0x1/0x2\n"
            "VC-CAT-END /sys/kernel/debug/kmemleak\n")
    ok &= any(s == "FAIL" for _, s in kmemleak_results(leak, True))
    ok &= any(s == "FAIL" for _, s in kmemleak_results("VC-INIT\n", True))
    return [("host: the verdict fails on kernel reports, failed steps and tests, "
             "a leak from our code and an unfinished run", "PASS" if ok else "FAIL")]


KVMCAP = re.compile(r"^VC-KVMCAP (\d+) (-?\d+) (-?\d+)$")
CACHEABLE_PFNMAP_CAP = 243


def kvm_caps(console):
    """The KVM_CHECK_EXTENSION table a boot printed: cap -> (system, VM)."""
    caps = {}
    for l in console.splitlines():
        m = KVMCAP.match(TS.sub("", l).strip())
        if m:
            caps[int(m.group(1))] = (m.group(2), m.group(3))
    return caps


def compare_caps(default, other, what):
    """Every capability answers the same on both boots, but cap 243."""
    diff = sorted(c for c in set(default) | set(other)
                  if c != CACHEABLE_PFNMAP_CAP and default.get(c) != other.get(c))
    for c in diff:
        print("cap %d: default boot %s, %s boot %s" % (c, default.get(c), what, other.get(c)))
    ok = len(default) >= 256 and len(other) == len(default) and not diff
    return [("host: KVM_CHECK_EXTENSION table (%d caps, system and VM) identical on the "
             "default and %s boots but for cap %d" % (len(default), what,
                                                      CACHEABLE_PFNMAP_CAP),
             "PASS" if ok else "FAIL")]


FWB_LINE = "detected: Stage-2 Force Write-Back"
DIC_LINE = "detected: Instruction cache invalidation not required for I/D coherence"


def cpu_machine_check(console, what, fwb, dic):
    """The boot really ran KVM at EL2 on a CPU with these features."""
    kvm = re.search(r"kvm \[\d+\]: (VHE|Hyp nVHE|Protected nVHE) mode initialized", console)
    ok = kvm and (FWB_LINE in console) == fwb and (DIC_LINE in console) == dic
    return [("host: the %s machine has KVM (%s), %s FEAT_S2FWB, %s CTR_EL0.DIC" %
             (what, kvm.group(1) if kvm else "none", "with" if fwb else "no",
              "with" if dic else "no"), "PASS" if ok else "FAIL")]


def cmd_check(args):
    style = (kernel_style() + docs_check() + series_check() + debian_objects() +
             verdict_selftest())
    bindings = binding_check()
    steps = (LOAD + TESTDEV + KUNIT + STRESS_SECS + both_apis(SELFTESTS) +
             "".join("run /bin/%s\n" % t for t in RELIABILITY_SELFTESTS) + LIVE + KMEMLEAK)
    console, secs, finished = boot("check", steps, echo=args.verbose)
    results = style + binding_examples() + bindings + judge(console, finished)
    results += kmemleak_results(console)
    results += cpu_machine_check(console, "default", True, True)
    caps = kvm_caps(console)
    # Differential: the stage-2 decision of unpatched 6.12, by boot switch;
    # and there, QEMU must still start, but the memory is Device memory.
    steps = (LOAD + TESTDEV + "".join("run /bin/%s\n" % t for t in KVM_OFF_SELFTESTS) +
             L2_BIND + "run /extra/vc-vmm -m device %s %d %s\n" % (L2_DEV, L2_BAR, L2_BASE))
    console, ksecs, finished = boot("check-kvm-off", steps, echo=args.verbose,
                                    append=" kvm-arm.cacheable_pfnmap=0", nested=True)
    results += [("kvm-off: " + n, s) for n, s in judge(console, finished)]
    results += compare_caps(caps, kvm_caps(console), "kvm-arm.cacheable_pfnmap=0")
    secs += ksecs
    # A CPU without FEAT_S2FWB: every VMM must still start.
    steps = LOAD + TESTDEV + "".join("run /bin/%s\n" % t for t in NOFWB_SELFTESTS)
    # And QEMU itself: it starts a guest there, and with the cacheable BAR
    # assigned it stops with KVM's refusal, which the host log explains.
    nofwb_vmm = L2_BIND + "".join("run /extra/vc-vmm -m %s %s %d %s\n"
                                  % (m, L2_DEV, L2_BAR, L2_BASE) for m in ("plain", "nofwb"))
    console, nsecs, finished = boot("check-nofwb", steps + nofwb_vmm, echo=args.verbose,
                                    machine=NOFWB_MACHINE, tag="nofwb", nested=True)
    results += [("no-fwb: " + n, s) for n, s in judge(console, finished)]
    results += cpu_machine_check(console, "no-FWB", False, False)
    nofwb = kvm_caps(console)
    for c in sorted(c for c in caps if caps.get(c) != nofwb.get(c)):
        print("no-FWB CPU: cap %d: default %s, neoverse-n1 %s" % (c, caps[c], nofwb.get(c)))
    secs += nsecs
    console, nsecs, finished = boot("check-nodic", steps, echo=args.verbose,
                                    machine=NODIC_MACHINE, tag="nodic")
    results += [("no-dic: " + n, s) for n, s in judge(console, finished)]
    results += cpu_machine_check(console, "FWB-without-DIC", True, False)
    secs += nsecs
    # A real VMM: Debian's QEMU in the machine gives 01:00.1 to a guest that
    # onlines it as RAM and survives a failed page (ras=on), then the same
    # without ras=on. (The unpatched stage-2 decision's run is in kvm-off.)
    console, nsecs, finished = boot("check-nested", nested_steps(["ram", "noras"]),
                                    echo=args.verbose, nested=True)
    results += [("nested: " + n, s) for n, s in judge(console, finished)]
    secs += nsecs
    # 64 KiB pages: a PMD maps 512 MiB, a failure takes a 64 KiB page.
    steps = LOAD + KUNIT + "".join("run /bin/%s\n" % t for t in SELFTESTS_64K)
    console, nsecs, finished = boot("check-64k", steps, echo=args.verbose, kout=KOUT_64K,
                                    append=" kunit.enable=1")
    results += [("64k: " + n, s) for n, s in judge(console, finished)]
    secs += nsecs
    # The ACPI machine's GPU in a guest with our backend (make bench runs the
    # in-tree driver after it and prints the two side by side).
    console, nsecs, finished = boot("check-nested-acpi", NESTED_ACPI, echo=args.verbose,
                                    acpi=True, nested=True)
    results += [("nested-acpi: " + n, s) for n, s in judge(console, finished)]
    secs += nsecs
    # The ACPI machine: the Grace Hopper backend and the in-tree peer.
    gpu = "0000:00:02.0"
    steps = (LOAD + ACPI_PEER + ACPI_STRESS_ENV + STRESS_SECS +
             bind_steps(gpu, "vfio_coherent_nvgrace") +
             "run %s\n" % STRESS +
             "write /sys/bus/pci/drivers/vfio_coherent_nvgrace/unbind %s\n" % gpu +
             bind_steps(gpu, "nvgrace_gpu_vfio_pci") + PEER + "run %s\n" % STRESS +
             "write /sys/bus/pci/drivers/nvgrace_gpu_vfio_pci/unbind %s\n" % gpu +
             "setenv VC_STRESS_REPORT 0\n" + GROUP + both_apis(ACPI_SELFTESTS) +
             "run /bin/vc-parity\nrmmod nvgrace_gpu_vfio_pci\n")
    console, asecs, finished = boot("check-acpi", steps, echo=args.verbose, acpi=True)
    results += [("acpi: " + n, s) for n, s in judge(console, finished)]
    stress_side_by_side(console)
    print("\n== results (consoles: %s; %.0f s in the devicetree machines, "
          "%.0f s in the ACPI one)" % (os.path.join(GUEST, "check*.log"), secs, asecs))
    for name, status in results:
        print("%-4s %s" % (status, name))
    passed = sum(s == "PASS" for _, s in results)
    failed = sum(s not in ("PASS", "SKIP") for _, s in results)
    skipped = sum(s == "SKIP" for _, s in results)
    if not results:
        failed = 1
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 0 if failed == 0 and skipped == 0 else 1


# What the demo shows of the nested run: the VMM's verdicts and the story's
# lines from host, QEMU and guest.
DEMO_LINE = re.compile(
    r"^(ok |not ok |# host|VC-VMM-TIME|QEMU\| |"
    r"L2\| (VC-L2-(RESULT|MEMTOTAL|POISON|SIGBUS|BAR|NODES)|VC-INIT|vc-l2-guest: touching)|"
    r"L2\| \[.*\] (\{\d+\}\[Hardware Error\]: (Hardware error|.*physical_address)|"
    r"Memory failure|VC-L2-RESULT)|"
    r"\[.*\] (vfio_coherent_of .*(aperture0: 0x|poisoned)|Memory failure))")


def cmd_demo(args):
    """The story: QEMU gives the device to a guest, the guest's memory grows
    by the aperture, a program uses it, a failed page kills only that
    program."""
    console, secs, finished = boot("demo", nested_steps(["ram"]), nested=True)
    for l in console.splitlines():
        if DEMO_LINE.match(l):
            print(TS.sub("", l) if l.startswith("[") else l)
    with contextlib.redirect_stdout(io.StringIO()):     # kunit.py's summary
        errors = [r for r in judge(console, finished) if r[1] == "FAIL"]
    for name, _ in errors:
        print("FAIL", name)
    print("\n(%.0f s in the machine; full console: %s)" %
          (secs, os.path.join(GUEST, "demo.log")))
    return 1 if errors else 0


# VM start on the ACPI machine: the same GPU and aperture bound to our
# backend, then to the in-tree driver; vc-vmm times a type1 DMA map of all
# 3 GiB of usemem in BAR 4 (what QEMU does for every BAR at start), then
# QEMU's start.
BENCH_GPU = "0000:00:02.0"
BENCH_VMM = ("run /extra/vc-vmm -m start -i acpi-start -M 0xc0000000 %s 4 0x100000000\n"
             % BENCH_GPU)


def bind_steps(bdf, driver):
    return ("write /sys/bus/pci/devices/%s/driver_override %s\n"
            "write /sys/bus/pci/drivers_probe %s\n" % (bdf, driver, bdf))


# The ACPI machine's GPU (00:02.0, BAR 4) given to a guest with our backend,
# then with the in-tree driver (-p: compared, not judged).
ACPI_VMM = "run /extra/vc-vmm -m ram -i acpi-ram %s%s 4 0x100000000\n"
NESTED_ACPI = (LOAD + ACPI_PEER + bind_steps(BENCH_GPU, "vfio_coherent_nvgrace") +
               ACPI_VMM % ("", BENCH_GPU))
# make bench: the same, then with the in-tree driver, side by side.
NESTED_ACPI_PEER = (NESTED_ACPI +
                    "write /sys/bus/pci/drivers/vfio_coherent_nvgrace/unbind %s\n" % BENCH_GPU +
                    bind_steps(BENCH_GPU, "nvgrace_gpu_vfio_pci") + ACPI_VMM % ("-p ", BENCH_GPU))


def side_by_side(console):
    """Print each guest check with our driver and with the in-tree one."""
    def key(name):      # the check's name without its figures
        return re.sub(r"\d+ ", "", re.sub(r"\(.*\)$", "", name)).strip()

    ours, peer = {}, {}
    for l in console.splitlines():
        m = re.match(r"^(ok|not ok) \d+ (.*)$", l)
        if m:
            ours[key(m.group(2))] = m.group(1) == "ok"
        m = re.match(r"^# peer \S+ (works|FAILS): (.*)$", l)
        if m:
            peer[key(m.group(2))] = m.group(1) == "works"
    if not peer:
        return
    print("\nThe GPU in a QEMU guest: vfio_coherent_nvgrace | nvgrace_gpu_vfio_pci")
    for name in ours:
        print("  %-70s %-5s | %s" % (name[:70], "yes" if ours[name] else "NO",
                                      {True: "yes", False: "NO"}.get(peer.get(name), "-")))


STRESS_ROW = re.compile(r"^# (\S+) +(\d+) +(\d+) +(\d+) ?(.*)$")
STRESS_INV = re.compile(r"^# invariant (\S+) +(\d+) checks, (\d+) violated$")


def stress_side_by_side(console):
    """The stress figures of our backend and of the in-tree driver, side by side."""
    runs, cur = [], None
    for l in console.splitlines():
        if l.startswith("VC-RUN-BEGIN " + STRESS):
            cur = {}
            runs.append(cur)
        elif l.startswith("VC-RUN-END"):
            cur = None
        elif cur is not None:
            m = STRESS_ROW.match(l) or STRESS_INV.match(l)
            if m:
                cur[m.group(1)] = m.groups()[1:]
    if len(runs) < 2:
        return
    print("\nStress of the ACPI GPU: vfio_coherent_nvgrace | nvgrace_gpu_vfio_pci"
          " (done/ok/SIGBUS errnos; invariant checks/violated)")
    for name in runs[0]:
        a, b = runs[0][name], runs[1].get(name, ("-",) * len(runs[0][name]))
        print("  %-14s %-40s | %s" % (name, " ".join(a)[:40], " ".join(b)))


def cmd_bench(args):
    vm_start = (LOAD + ACPI_PEER + bind_steps(BENCH_GPU, "vfio_coherent_nvgrace") +
                BENCH_VMM +
                "write /sys/bus/pci/drivers/vfio_coherent_nvgrace/unbind %s\n" % BENCH_GPU +
                bind_steps(BENCH_GPU, "nvgrace_gpu_vfio_pci") + BENCH_VMM)
    runs = [("bench", LOAD + "run /bin/vc-bench\n", False, None),
            ("bench-acpi", LOAD + ACPI_PEER + "run /bin/vc-parity bench\n", True, None),
            ("bench-vm-start", vm_start, True, True)]
    kind = {"out-release": "release", "out-64k": "64k"}.get(os.path.basename(KOUT), "debug")
    if kind == "debug":
        runs.append(("bench-nested-acpi", NESTED_ACPI_PEER, True, True))
    elif kind == "64k":
        # The host-side tables; VM start is measured on the 4 KiB kernels.
        runs = runs[:2]
    print("\n==== %s kernel (%s) ====" % (kind, os.path.relpath(KOUT, BUILD)))
    ok = True
    for name, steps, acpi, nested in runs:
        if kind != "debug":
            name += "-" + kind
        console, secs, finished = boot(name, steps, acpi=acpi, nested=nested)
        show = False
        for l in console.splitlines():
            if l.startswith("VC-RUN-BEGIN"):
                show = True
            elif l.startswith("VC-RUN-END"):
                show = False
            elif nested and l.startswith(("VC-VMM-", "QEMU| ")):
                print(l)
            elif show and not nested and not TS.match(l):
                print(l)
        if name == "bench-nested-acpi":
            side_by_side(console)
        print("\n(%.0f s in the machine; full console: %s)" %
              (secs, os.path.join(GUEST, name + ".log")))
        ok &= finished
    return 0 if ok else 1


def cmd_run(args):
    steps = LOAD + "".join(s + "\n" for s in args.step)
    steps += "".join("run %s\n" % c for c in args.run)
    if args.nested:
        steps = nested_steps(args.nested)
    console, secs, finished = boot("run", steps, extra=args.add, echo=True,
                                   acpi=args.acpi, nested=bool(args.nested),
                                   append=" " + " ".join(args.append))
    return 0 if finished else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("-v", "--verbose", action="store_true", help="echo the console")
    sub.add_parser("demo")
    sub.add_parser("bench")
    r = sub.add_parser("run")
    r.add_argument("--add", action="append", default=[],
                   help="a static binary or file to put in /extra")
    r.add_argument("--step", action="append", default=[],
                   help="an init step, e.g. 'write /sys/... value'")
    r.add_argument("--acpi", action="store_true",
                   help="boot the ACPI (UEFI) machine instead of the devicetree one")
    r.add_argument("--nested", choices=["ram", "noras", "device", "start", "plain", "nofwb"],
                   action="append",
                   help="run QEMU in the machine: vc-vmm in this mode (repeatable)")
    r.add_argument("--append", action="append", default=[],
                   help="more kernel command line for the machine")
    r.add_argument("--run", action="append", default=[],
                   help="a command to run, e.g. '/extra/myclient 0000:00:02.0'")
    args = ap.parse_args()
    return {"check": cmd_check, "demo": cmd_demo, "bench": cmd_bench,
            "run": cmd_run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
