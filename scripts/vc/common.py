# SPDX-License-Identifier: GPL-2.0-only
"""Paths of the build and the machine, from the environment the Makefile sets."""

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VC_BUILD", os.path.join(REPO, ".build"))
KSRC = os.path.join(BUILD, "linux")
# The kernel the machines boot: the debug build, or another output
# directory of the same tree (make bench's release kernel: VC_MACHINE_KOUT).
KOUT = os.path.join(KSRC, os.environ.get("VC_MACHINE_KOUT", "out"))
# The nested guest always runs the debug build (its module is built for it).
L2_KOUT = os.path.join(KSRC, "out")
# The kernel with 64 KiB pages (make kernel-64k).
KOUT_64K = os.path.join(KSRC, "out-64k")
GUEST = os.path.join(BUILD, "guest")
QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
