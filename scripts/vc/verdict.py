# SPDX-License-Identifier: GPL-2.0-only
"""Judging a console: KUnit (through the kernel's kunit.py parser),
selftests (TAP), kernel reports, kmemleak, capability tables, CPU features."""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile

from vc.common import *  # noqa: F401,F403

OUR_CODE = re.compile(r"vfio_coherent|memory_failure_pfn|pfn_address_space|"
                      r"kvm_pfnmap|fixup_user_fault_hwpoison|ghes_do_memory_failure")

# Anything like this in the console fails the run.
KERNEL_ERRORS = re.compile(
    r"(-+\[ cut here \]-+|\bBUG:|\bOops\b|KASAN:|UBSAN:|WARNING: |"
    r"INFO: possible|INFO: task .* blocked|Kernel panic|Unable to handle kernel|"
    r"\bcircular locking dependency\b|inconsistent lock state|"
    # mm clearing a page table entry it did not understand (pXd_clear_bad())
    r": bad (pgd|p4d|pud|pmd|pte)\b)")

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
            if "rc=0" not in l.split() and not seen_fail:
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
