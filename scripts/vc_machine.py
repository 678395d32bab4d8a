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

from vc.common import *  # noqa: F401,F403
from vc.plan import *  # noqa: F401,F403
from vc.machine import *  # noqa: F401,F403
from vc.verdict import *  # noqa: F401,F403
from vc.host import *  # noqa: F401,F403
from vc import base as vcbase
from vc import test_runner
from vc.clock import Beside, Clock


def newer_base_note():
    """One line when Debian's archive has a newer base than the pin (never a
    result: a Debian release must not turn CI red by itself)."""
    pin = vcbase.pinned()
    newer = vcbase.newer_in_archive(pin)
    if newer:
        print("base: Debian's archive has %s %s, newer than the pinned %s: "
              "make base-update tries it" % (pin.package, newer, pin.version))
    else:
        print("base: %s %s is pinned; the archive has nothing newer" %
              (pin.package, pin.version))


def cmd_check(args):
    clock = Clock()
    style = (clock.host("runner unittest", test_runner.run) +
             clock.host("checkpatch, sparse, W=1, kernel-doc", kernel_style) +
             clock.host("docs", docs_check))
    bindings = clock.host("dt_binding_check", binding_check)
    # The long compile-only checks use the core the machines leave idle.
    beside = Beside(clock, [("series", series_check), ("Debian objects", debian_objects)])
    steps = (LOAD + TESTDEV + KUNIT + STRESS_SECS + both_apis(SELFTESTS) +
             "".join("run /bin/%s\n" % t for t in RELIABILITY_SELFTESTS) + LIVE + KMEMLEAK)
    console, secs, finished = boot("check", steps, echo=args.verbose)
    clock.machine("check", secs, console)
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
    clock.machine("check-kvm-off", ksecs, console)
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
    clock.machine("check-nofwb", nsecs, console)
    results += [("no-fwb: " + n, s) for n, s in judge(console, finished)]
    results += cpu_machine_check(console, "no-FWB", False, False)
    nofwb = kvm_caps(console)
    for c in sorted(c for c in caps if caps.get(c) != nofwb.get(c)):
        print("no-FWB CPU: cap %d: default %s, neoverse-n1 %s" % (c, caps[c], nofwb.get(c)))
    secs += nsecs
    console, nsecs, finished = boot("check-nodic", steps, echo=args.verbose,
                                    machine=NODIC_MACHINE, tag="nodic")
    clock.machine("check-nodic", nsecs, console)
    results += [("no-dic: " + n, s) for n, s in judge(console, finished)]
    results += cpu_machine_check(console, "FWB-without-DIC", True, False)
    secs += nsecs
    # A real VMM: Debian's QEMU in the machine gives 01:00.1 to a guest that
    # onlines it as RAM and survives a failed page (ras=on), then the same
    # without ras=on. (The unpatched stage-2 decision's run is in kvm-off.)
    console, nsecs, finished = boot("check-nested", nested_steps(["ram", "noras"]),
                                    echo=args.verbose, nested=True)
    clock.machine("check-nested", nsecs, console)
    results += [("nested: " + n, s) for n, s in judge(console, finished)]
    secs += nsecs
    # The ACPI machine's GPU in a guest with our backend (make bench runs the
    # in-tree driver after it and prints the two side by side).
    console, nsecs, finished = boot("check-nested-acpi", NESTED_ACPI, echo=args.verbose,
                                    acpi=True, nested=True)
    clock.machine("check-nested-acpi", nsecs, console)
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
    clock.machine("check-acpi", asecs, console)
    results += [("acpi: " + n, s) for n, s in judge(console, finished)]
    stress_side_by_side(console)
    results = style + beside.join() + results[len(style):]
    clock.report()
    print("\n== results (consoles: %s; %.0f s in the devicetree machines, "
          "%.0f s in the ACPI one)" % (os.path.join(GUEST, "check*.log"), secs, asecs))
    newer_base_note()
    return summary(results)


def summary(results):
    """Each result, then the line CI reads; the exit code."""
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


def cmd_check_64k(args):
    """The 64 KiB-page kernel (make check-64k): a PMD maps 512 MiB, a
    failure takes a 64 KiB page. Not in make check: its cold build alone
    (11.5 min on 2 cores) does not fit the 45-minute budget."""
    steps = LOAD + KUNIT + "".join("run /bin/%s\n" % t for t in SELFTESTS_64K)
    console, secs, finished = boot("check-64k", steps, echo=args.verbose, kout=KOUT_64K,
                                   append=" kunit.enable=1")
    print("\n== results (console: %s; %.0f s in the machine)"
          % (os.path.join(GUEST, "check-64k.log"), secs))
    return summary([("64k: " + n, s) for n, s in judge(console, finished)])


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
    c = sub.add_parser("check-64k")
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
    return {"check": cmd_check, "check-64k": cmd_check_64k, "demo": cmd_demo, "bench": cmd_bench,
            "run": cmd_run}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
