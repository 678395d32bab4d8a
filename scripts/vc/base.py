# SPDX-License-Identifier: GPL-2.0-only
"""The Debian kernel source a series is tested on (bases/NAME.conf), and
what Debian's archive offers of it.

A base either comes from a suite the host already lists (6.12: installed
by install-deps at the pinned version) or names its own suite (7.3:
trixie-backports), whose packages are fetched with a private apt state
under .build/apt-SUITE, on the mirror of the host's own Debian entry,
without changing the host's sources; its .deb is unpacked under
.build/debs.

    base.py tarball [NAME]      the pinned tarball's path (fetched if need be)
    base.py get NAME KEY        a value of bases/NAME.conf
"""

import glob
import os
import subprocess
import sys
from dataclasses import dataclass, field

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(REPO, ".build")
HOST_SOURCES = "/etc/apt/sources.list.d/debian.sources"


@dataclass(frozen=True)
class Base:
    name: str       # "6.12": bases/6.12.conf
    package: str    # linux-source-6.12
    version: str    # 6.12.118-1~deb12u1
    suite: str = ""  # a suite the host does not list, fetched privately
    # Files of our overlay that are not for this base (backports of what
    # the base already has).
    skip: tuple = field(default_factory=tuple)

    @property
    def conf(self):
        return os.path.join(REPO, "bases", self.name + ".conf")

    @property
    def kernel(self):
        """The upstream version the tarball holds: 6.12.118."""
        return self.version.split("-")[0]

    @property
    def topdir(self):
        """The tarball's top directory."""
        return self.package

    @property
    def tarball(self):
        """Where the pinned version's tarball is (or will be, once fetched)."""
        if not self.suite:
            return "/usr/src/%s.tar.xz" % self.package
        return os.path.join(unpacked(self.package, self.version), "usr/src",
                            self.package + ".tar.xz")


def read_conf(path):
    kv = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                kv[k] = v
    return kv


def pinned(name=None):
    """The pin of bases/NAME.conf (NAME: $VC_BASE, else 6.12)."""
    name = name or os.environ.get("VC_BASE", "6.12")
    kv = read_conf(os.path.join(REPO, "bases", name + ".conf"))
    return Base(name, kv["package"], kv["version"], kv.get("suite", ""),
                tuple(kv.get("skip", "").split()))


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


# --- apt, the host's or a private one -------------------------------------------

def host_mirror():
    """URIs and Signed-By of the host's main Debian entry (never a hard-coded host)."""
    uri = key = None
    with open(HOST_SOURCES) as f:
        for line in f:
            if line.startswith("URIs:") and not uri:
                uri = line.split()[1]
            if line.startswith("Signed-By:") and not key:
                key = line.split()[1]
    return uri, key


def apt_options(suite):
    """apt-get/apt-cache options for a private state listing SUITE only."""
    if not suite:
        return []
    root = os.path.join(CACHE, "apt-" + suite)
    return ["-o", "Dir::Etc::sourcelist=" + os.path.join(root, "sources.list"),
            "-o", "Dir::Etc::sourceparts=-",
            "-o", "Dir::State::Lists=" + os.path.join(root, "lists"),
            "-o", "Dir::Cache=" + os.path.join(root, "cache"),
            "-o", "Dir::State::status=/dev/null"]


def apt_update(suite):
    """Fetch SUITE's package lists into its private state (once a run)."""
    root = os.path.join(CACHE, "apt-" + suite)
    for d in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    uri, key = host_mirror()
    with open(os.path.join(root, "sources.list"), "w") as f:
        f.write("deb [signed-by=%s] %s %s main\n" % (key, uri, suite))
    r = subprocess.run(["apt-get", "-q", *apt_options(suite), "update"],
                       capture_output=True, text=True)
    if r.returncode:
        sys.exit("base: apt-get update of %s failed: %s" % (suite, r.stderr.strip()))


def archive_versions(package, suite=""):
    """Every version of PACKAGE the apt lists hold, newest first."""
    out = subprocess.run(["apt-cache", *apt_options(suite), "madison", package],
                         capture_output=True, text=True).stdout
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
    if base.suite:
        apt_update(base.suite)
    versions = archive_versions(base.package, base.suite)
    if versions and version_gt(versions[0], base.version):
        return versions[0]
    return None


def fetch(package, version, suite=""):
    """The .deb of PACKAGE=VERSION, downloaded once into .build/debs."""
    debs = os.path.join(CACHE, "debs")
    os.makedirs(debs, exist_ok=True)
    pattern = os.path.join(debs, "%s_%s_*.deb" % (package, version.replace(":", "%3a")))
    if not glob.glob(pattern):
        print("  FETCH   %s=%s%s" % (package, version, " (%s)" % suite if suite else ""),
              file=sys.stderr, flush=True)
        if suite:
            apt_update(suite)
        r = subprocess.run(["apt-get", "-q", *apt_options(suite), "download",
                            "%s=%s" % (package, version)], cwd=debs,
                           capture_output=True, text=True)
        if r.returncode or not glob.glob(pattern):
            sys.exit("base: cannot download %s=%s: %s" % (package, version,
                                                        r.stderr.strip()))
    return glob.glob(pattern)[0]


def unpacked(package, version):
    return os.path.join(CACHE, "debs", "%s_%s" % (package, version))


def unpack(deb, package, version):
    """The .deb's files under .build/debs/PACKAGE_VERSION, unpacked once."""
    dest = unpacked(package, version)
    if not os.path.exists(os.path.join(dest, ".done")):
        subprocess.run(["rm", "-rf", dest], check=True)
        os.makedirs(dest)
        r = subprocess.run("dpkg-deb --fsys-tarfile '%s' | tar x -C '%s'" % (deb, dest),
                           shell=True)
        if r.returncode:
            sys.exit("base: cannot unpack %s" % deb)
        open(os.path.join(dest, ".done"), "w").close()
    return dest


def tarball_of(base):
    """The pinned tarball, fetched and unpacked first for a private suite."""
    if base.suite and not os.path.exists(base.tarball):
        unpack(fetch(base.package, base.version, base.suite), base.package, base.version)
    return base.tarball


def main():
    args = sys.argv[1:]
    if args and args[0] == "tarball" and len(args) <= 2:
        print(tarball_of(pinned(args[1] if len(args) == 2 else None)))
        return 0
    if len(args) == 3 and args[0] == "get":
        print(read_conf(os.path.join(REPO, "bases", args[1] + ".conf")).get(args[2], ""))
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
