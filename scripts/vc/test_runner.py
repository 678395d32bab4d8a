# SPDX-License-Identifier: GPL-2.0-only
"""The runner's own tests: the verdict and the plan.

    python3 -m unittest discover -s scripts -p 'test_*.py'   (from the repo)

make check runs them first, as host checks: a verdict that passes a broken
console would make every other result worthless.
"""

import os
import re
import subprocess
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from vc import machine, plan  # noqa: E402
from vc.clock import Beside, Clock  # noqa: E402
from vc.common import REPO  # noqa: E402
from vc.verdict import judge, kmemleak_results  # noqa: E402

CLEAN = "VC-INIT\nVC-DONE\n"


def failed(results):
    return any(s == "FAIL" for _, s in results)


class Verdict(unittest.TestCase):
    """A console with a kernel report, a failed step or test, or no end fails."""

    REPORTS = {
        "WARN": "[    1.0] ------------[ cut here ]------------\n",
        "BUG": "[    1.0] BUG: sleeping function called from invalid context\n",
        "KASAN": "[    1.0] BUG: KASAN: slab-use-after-free in foo+0x1/0x2\n",
        "lockdep": "[    1.0] WARNING: possible circular locking dependency detected\n",
        "bad pud": "[    1.0] mm/mremap.c:51: bad pud 00e8000230000fc1.\n",
        "failed step": "VC-STEP-FAIL insmod /lib/modules/x.ko\n",
        "failed selftest": "VC-RUN-BEGIN /bin/t\nnot ok 1 global.x\nVC-RUN-END /bin/t rc=1\n",
        "crashed selftest": "VC-RUN-BEGIN /bin/t\nok 1 global.x\nVC-RUN-END /bin/t signal=11\n",
    }

    def test_clean_console_passes(self):
        self.assertFalse(failed(judge(CLEAN, True)))

    def test_reports_fail(self):
        for what, text in self.REPORTS.items():
            with self.subTest(what):
                self.assertTrue(failed(judge("VC-INIT\n" + text + "VC-DONE\n", True)))

    def test_passed_selftest_counts(self):
        res = judge("VC-INIT\nVC-RUN-BEGIN /bin/t\nok 1 global.x\nVC-RUN-END /bin/t rc=0 "
                    "secs=1.5\nVC-DONE\n", True)
        self.assertIn("PASS", [s for n, s in res if "global.x" in n])
        self.assertFalse(failed(res))

    def test_nonzero_exit_fails(self):
        res = judge("VC-INIT\nVC-RUN-BEGIN /bin/t\nok 1 global.x\nVC-RUN-END /bin/t rc=10 "
                    "secs=0.0\nVC-DONE\n", True)
        self.assertTrue(failed(res))

    def test_clock_reads_program_time(self):
        clock = Clock()
        clock.machine("m", 12.0, "VC-RUN-BEGIN /bin/a\nVC-RUN-END /bin/a rc=0 secs=7.5\n"
                      "VC-RUN-END /bin/b signal=11 secs=0.5\n")
        self.assertEqual(clock.steps, [("machine m", 12.0)])
        self.assertEqual(sorted(clock.programs), [(0.5, "m", "b"), (7.5, "m", "a")])

    def test_beside_runs_niced_and_collects(self):
        def step():
            nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            child = subprocess.run(["nice"], capture_output=True, text=True).stdout.strip()
            return [("niced %d, child %s" % (nice, child), "PASS")]

        def crash():
            raise OSError("boom")

        clock = Clock()
        before = os.getpriority(os.PRIO_PROCESS, 0)
        res = Beside(clock, [("a", step), ("b", crash)]).join()
        self.assertEqual(res[0], ("niced 19, child 19", "PASS"))   # and what it starts
        self.assertEqual(res[1][1], "FAIL")
        self.assertEqual(os.getpriority(os.PRIO_PROCESS, 0), before)   # ours unchanged
        self.assertEqual([n for n, _ in clock.steps], ["a (beside the machines)"])

    def test_unfinished_run_fails(self):
        self.assertTrue(failed(judge("VC-INIT\n", False)))

    def test_leak_from_our_code_fails(self):
        leak = ("VC-CAT-BEGIN /sys/kernel/debug/kmemleak\nunreferenced object 0x1 (size 8):\n"
                "  backtrace (crc 0):\n    vfio_coherent_probe+0x1/0x2\n"
                "VC-CAT-END /sys/kernel/debug/kmemleak\n")
        self.assertTrue(failed(kmemleak_results(leak, True)))

    def test_missing_kmemleak_scan_fails(self):
        self.assertTrue(failed(kmemleak_results(CLEAN, True)))


class Plan(unittest.TestCase):
    """The plan, the selftests' Makefile and the files agree."""

    STDIR = os.path.join(REPO, "tools/testing/selftests/vfio_coherent")

    def every_selftest(self):
        return set(plan.SELFTESTS + plan.RELIABILITY_SELFTESTS + plan.ACPI_SELFTESTS +
                   plan.KVM_OFF_SELFTESTS + plan.NOFWB_SELFTESTS + plan.SELFTESTS_64K)

    def test_selftests_are_the_files(self):
        files = {f[:-2] for f in os.listdir(self.STDIR) if re.match(r"vfio_coherent_\w+_test\.c$", f)}
        self.assertEqual(files, self.every_selftest())

    def test_selftests_are_in_their_makefile(self):
        with open(os.path.join(self.STDIR, "Makefile")) as f:
            mk = f.read().replace("\\\n", " ")
        progs = set(re.search(r"^TEST_GEN_PROGS := (.*)$", mk, re.M).group(1).split())
        self.assertEqual(progs, self.every_selftest())

    def test_loaded_modules_are_copied(self):
        steps = plan.LOAD + plan.KUNIT + plan.LIVE + plan.TESTDEV + plan.ACPI_PEER
        loaded = set(re.findall(r"insmod /lib/modules/(\S+\.ko)", steps))
        self.assertLessEqual(loaded, set(plan.MODULES.values()))

    def test_unloaded_modules_were_loaded(self):
        loaded = {m[:-3].replace("-", "_")
                  for m in re.findall(r"insmod /lib/modules/(\S+\.ko)", plan.KUNIT)}
        unloaded = set(re.findall(r"rmmod (\S+)", plan.KUNIT))
        self.assertLessEqual(unloaded, loaded | {"pfnmap_test"})


class Machine(unittest.TestCase):
    """The devicetree machine has the functions vc_machine.h describes."""

    def test_devices(self):
        devices = [machine.DEVICES[i + 1] for i, a in enumerate(machine.DEVICES)
                   if a == "-device"]
        kinds = [d.split(",")[0] for d in devices]
        self.assertEqual(kinds.count("nvme"), 2)          # the GPU stand-in, 01:00.0/1
        self.assertEqual(kinds.count("pci-testdev"), 8)   # 00:03.0 to 00:0a.0
        self.assertEqual(kinds.count("edu"), 1)           # the DMA engine, 00:0b.0


def run():
    """Each test as one make check result."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    results = []

    class Collect(unittest.TestResult):
        def addSuccess(self, test):
            results.append(("host: runner: " + test.id().split(".", 2)[-1], "PASS"))

        def addFailure(self, test, err):
            print("%s: %s" % (test.id(), self._exc_info_to_string(err, test)))
            results.append(("host: runner: " + test.id().split(".", 2)[-1], "FAIL"))

        addError = addFailure

        def addSubTest(self, test, subtest, err):
            if err is not None:
                self.addFailure(subtest, err)

    suite.run(Collect())
    return results


if __name__ == "__main__":
    unittest.main()
