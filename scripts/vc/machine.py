# SPDX-License-Identifier: GPL-2.0-only
"""The emulated machines: QEMU command lines, devicetree and ACPI
additions, the initramfs, the nested QEMU image, booting one."""

import os
import re
import select
import shlex
import subprocess
import sys
import tempfile
import time

from vc.common import *  # noqa: F401,F403
from vc.plan import *  # noqa: F401,F403
from vc import base as vcbase

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
    skip = vcbase.pinned().skip
    for src, dst in MODULES.items():
        path = os.path.join(kout or KOUT, src)
        if src[:-len(".ko")] + ".c" in skip:
            continue    # a backport's test module: not on this base
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
