# SPDX-License-Identifier: GPL-2.0-only
"""Where make check's time goes: host steps, machines, the slowest programs.

The guest's init ends each program's run with "VC-RUN-END <path> rc=N
secs=S"; the runner times its host steps and boots itself.
"""

import os
import re
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
        print("  %6.0f s  in all" % sum(s for _, s in self.steps))
        start = os.environ.get("VC_CHECK_START")
        if start:       # when make began: the kernels and the guest before us
            print("  %6.0f s  make check from its start (kernels, guest, the above)"
                  % (time.time() - int(start)))
        for secs, machine, prog in sorted(self.programs, reverse=True)[:10]:
            print("  %6.1f s  %s: %s" % (secs, machine, prog))
