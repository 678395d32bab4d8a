# SPDX-License-Identifier: GPL-2.0-only
"""The Debian kernel source a series is tested on (bases/NAME.conf), and
what Debian's archive offers of it."""

import os
import subprocess
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@dataclass(frozen=True)
class Base:
    name: str       # "6.12": bases/6.12.conf
    package: str    # linux-source-6.12
    version: str    # 6.12.118-1~deb12u1

    @property
    def conf(self):
        return os.path.join(REPO, "bases", self.name + ".conf")

    @property
    def kernel(self):
        """The upstream version the tarball holds: 6.12.118."""
        return self.version.split("-")[0]

    @property
    def tarball(self):
        return "/usr/src/%s.tar.xz" % self.package

    @property
    def topdir(self):
        """The tarball's top directory."""
        return self.package


def pinned(name=None):
    """The pin of bases/NAME.conf (NAME: $VC_BASE, else 6.12)."""
    name = name or os.environ.get("VC_BASE", "6.12")
    path = os.path.join(REPO, "bases", name + ".conf")
    kv = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                kv[k] = v
    return Base(name, kv["package"], kv["version"])


def move_pin(base, version):
    """Write VERSION into BASE's conf, keeping its comments."""
    with open(base.conf) as f:
        lines = f.readlines()
    with open(base.conf, "w") as f:
        for line in lines:
            f.write("version=%s\n" % version if line.startswith("version=") else line)


def version_gt(a, b):
    """Debian's order: is version A newer than B?"""
    return subprocess.run(["dpkg", "--compare-versions", a, "gt", b]).returncode == 0


def archive_versions(package):
    """Every version of PACKAGE the apt lists hold, newest first."""
    out = subprocess.run(["apt-cache", "madison", package], capture_output=True,
                         text=True).stdout
    versions = []
    for line in out.splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 2 and cols[0] == package and cols[1] not in versions:
            versions.append(cols[1])
    # Insertion sort with dpkg's order: a handful of versions.
    ordered = []
    for v in versions:
        i = 0
        while i < len(ordered) and version_gt(ordered[i], v):
            i += 1
        ordered.insert(i, v)
    return ordered


def newer_in_archive(base):
    """The newest version the archive has if it is newer than the pin."""
    versions = archive_versions(base.package)
    if versions and version_gt(versions[0], base.version):
        return versions[0]
    return None
