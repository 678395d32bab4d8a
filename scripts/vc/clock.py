# SPDX-License-Identifier: GPL-2.0-only
"""Where make check's time goes: host steps, machines, the slowest programs.

The guest's init ends each program's run with "VC-RUN-END <path> rc=N
secs=S"; the runner times its host steps and boots itself.
"""

import os
import re
import threading
import time

RUN_SECS = re.compile(r"^VC-RUN-END (\S+) .*secs=([0-9.]+)")


class Clock:
    """Where make check's time goes: host steps, machines, programs."""

    def __init__(self):
        self.steps, self.programs = [], []

    def host(self, name, fn, *args):
        start = time.monotonic()
        ret = fn(*args)
        self.steps.append((name, time.monotonic() - start))
        return ret

    def machine(self, name, secs, console):
        self.steps.append(("machine " + name, secs))
        for l in console.splitlines():
            m = RUN_SECS.match(l)
            if m:
                self.programs.append((float(m.group(2)), name, os.path.basename(m.group(1))))

    def report(self):
        print("\n== time (host steps and machines, then the slowest programs)")
        for name, secs in self.steps:
            print("  %6.0f s  %s" % (secs, name))
        print("  %6.0f s  summed (steps beside the machines overlap them)"
              % sum(s for _, s in self.steps))
        start = os.environ.get("VC_CHECK_START")
        if start:       # when make began: the kernels and the guest before us
            print("  %6.0f s  make check from its start (kernels, guest, the above)"
                  % (time.time() - int(start)))
        for secs, machine, prog in sorted(self.programs, reverse=True)[:10]:
            print("  %6.1f s  %s: %s" % (secs, machine, prog))


class Beside:
    """Host steps run beside the machines, at the lowest priority.

    A machine keeps about one of CI's two cores busy (QEMU's TCG mostly runs
    one vCPU: measured 35-55% of two cores in the main machine), so builds
    at nice 19 take the other core and yield whenever QEMU wants both.
    Linux applies nice to a thread, and the processes it starts inherit it.
    The steps still run one after the other (one kernel build at a time).
    """

    def __init__(self, clock, steps):
        self.results = []
        self.thread = threading.Thread(target=self._run, args=(clock, steps))
        self.thread.start()

    def _run(self, clock, steps):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        for name, fn in steps:
            try:
                self.results += clock.host(name + " (beside the machines)", fn)
            except Exception as e:      # a crash of the step is its failure
                self.results.append(("host: %s: %s" % (name, e), "FAIL"))

    def join(self):
        self.thread.join()
        return self.results
