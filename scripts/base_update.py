#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Try the series on a newer Debian base and move the pin when it holds.

    base_update.py [--to VERSION] [--dry-run]

Takes the newest version of the pinned package (bases/$VC_BASE.conf) that
Debian's archive offers, or VERSION, and applies patches/$VC_BASE/*.patch to it in
the order the build does, file by file. For each patch it prints whether it
applies, applies with fuzz or offset, conflicts, or is already in the new
base (it applies in reverse). For a file the base changed between the pin
and the new version it names the stable changes of Debian's changelog that
mention the file, and whether they touch the lines the patch changes.

When every patch applies, it assembles the tree, compiles our code and every
object the patches touch with Debian's arm64 config (W=1, as make
debian-objects does) and, unless --dry-run, moves the pin. The maintainer
then runs make check and commits bases/$VC_BASE.conf. Nothing here runs in
make check's verdict: a Debian release never turns CI red by itself.
"""

import argparse
import difflib
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys

from vc import base as vcbase

REPO = vcbase.REPO
BUILD = os.environ.get("VC_BUILD", os.path.join(REPO, ".build"))
WORK = os.path.join(BUILD, "base-update")


def run(*cmd, **kw):
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


# --- the packages ---------------------------------------------------------------

def sources(base, version):
    """The tarball and changelog of BASE's package at VERSION."""
    dest = vcbase.unpack(vcbase.fetch(base.package, version, base.suite), base.package,
                         version)
    tarball = glob.glob(os.path.join(dest, "usr/src/*.tar.xz"))[0]
    changelog = glob.glob(os.path.join(dest, "usr/share/doc/*/changelog.Debian.gz"))[0]
    return tarball, changelog


def files_of(tarball, topdir, paths, dest):
    """Extract PATHS of the kernel tarball into DEST (a tree of just those)."""
    if os.path.exists(os.path.join(dest, ".done")):
        return
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    print("  EXTRACT %d files of %s" % (len(paths), tarball), flush=True)
    # A path the tarball lacks (a file a patch creates) is not an error here.
    run("tar", "xf", tarball, "-C", dest, "--strip-components=1",
        *[topdir + "/" + p for p in paths])
    open(os.path.join(dest, ".done"), "w").close()


# --- Debian's changelog ---------------------------------------------------------

STANZA = re.compile(r"^\S+ \(([^)]+)\) ")


def stable_changes(changelog, newer_than):
    """(upstream version, subject) of each change Debian lists for upstream
    versions newer than NEWER_THAN (6.12.117), newest first."""
    out, cur, item = [], None, None
    with gzip.open(changelog, "rt", errors="replace") as f:
        for line in f:
            m = STANZA.match(line)
            if m:
                cur = m.group(1).split("-")[0]
                if not vcbase.version_gt(cur, newer_than):
                    break
                continue
            if line.startswith("    - "):
                item = [cur, line[6:].strip()]
                out.append(item)
            elif line.startswith("      ") and item is not None:
                item[1] += " " + line.strip()
            else:
                item = None
    return [tuple(i) for i in out]


GENERIC = {"drivers", "include", "linux", "arch", "arm64", "kernel", "virt", "asm",
           "main", "core", "Kconfig", "Makefile"}


def keywords(path):
    """Words that name PATH in a stable change's subject: its file name and
    directory (ghes, apei; mremap; huge_memory), the generic ones left out."""
    parts = path.split("/")
    words = [os.path.splitext(parts[-1])[0]] + parts[-2:-1]
    return [w for w in words if len(w) >= 3 and w not in GENERIC]


OTHER_ARCH = re.compile(r"^\[(?!arm64\])[^]]*\] ")


def naming(changes, path):
    """The changes whose subject prefix ("mm/huge_memory:", "ACPI: APEI:")
    names PATH, less those tagged for another architecture."""
    words = {w.lower() for w in keywords(path)}
    hits = []
    for ver, subject in changes:
        if OTHER_ARCH.match(subject):
            continue
        subj = re.sub(r"^\[arm64\] ", "", subject)
        prefix = subj.rsplit(": ", 1)[0] if ": " in subj else ""
        if words & {t.lower() for t in re.split(r"[/:,() ]+", prefix) if t}:
            hits.append((ver, subject))
    return hits


# --- patches ----------------------------------------------------------------------

def sections(patch):
    """The per-file parts of a patch: (path, text)."""
    text = open(patch).read()
    out = []
    for m in re.finditer(r"^--- (?:a/|/dev/null).*\n\+\+\+ b/(\S+).*\n(?:(?!--- (?:a/|/dev/null)).*\n)*",
                         text, re.M):
        out.append((m.group(1), m.group(0)))
    return out


HUNK = re.compile(r"^Hunk #(\d+) (succeeded|FAILED) at (\d+)(?: with fuzz (\d+))?"
                  r"(?: \(offset (-?\d+) lines?\))?", re.M)


def try_patch(tree, text, *flags):
    """Run patch on TREE: (applied cleanly?, [(hunk, ok, line, fuzz, offset)], output)."""
    r = subprocess.run(["patch", "-p1", "-N", "-f", "--verbose", "--no-backup-if-mismatch",
                        "-r", "-", *flags], input=text, cwd=tree, text=True,
                       capture_output=True)
    hunks = [(int(h), ok == "succeeded", int(line), int(fz or 0), int(off or 0))
             for h, ok, line, fz, off in HUNK.findall(r.stdout)]
    return r.returncode == 0, hunks, r.stdout + r.stderr


def hunk_ranges(text):
    """(start, length) on the old side of each hunk of a file's section."""
    return [(int(a), int(b or 1)) for a, b in
            re.findall(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", text, re.M)]


def base_delta(old, new):
    """Changed line ranges [i1, i2) of OLD (1-based) between two texts."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(i1 + 1, i2 + 1, j2 - j1, i2 - i1) for tag, i1, i2, j1, j2 in sm.get_opcodes()
            if tag != "equal"]


def classify(ppath, changes, old_tree, new_tree):
    """Apply one patch, file by file, to both mini-trees; what happened."""
    lines = []
    verdicts = []
    for path, text in sections(ppath):
        old_file = os.path.join(old_tree, path)
        new_file = os.path.join(new_tree, path)
        old_text = open(old_file).read().splitlines() if os.path.exists(old_file) else []
        new_text = open(new_file).read().splitlines() if os.path.exists(new_file) else []
        delta = base_delta(old_text, new_text)
        # Where the patch lands on the old base (it applied there).
        _, old_hunks, _ = try_patch(old_tree, text)
        touched = [(line, line + n) for (_, _, line, _, _), (_, n) in
                   zip(old_hunks, hunk_ranges(text))]
        overlap = [d for d in delta for a, b in touched if d[0] <= b + 3 and d[1] >= a - 3]
        ok, hunks, out = try_patch(new_tree, text, "--dry-run")
        n = len(hunk_ranges(text))
        if ok:
            try_patch(new_tree, text)
            fuzz = [h for h in hunks if h[3] or h[4]]
            if fuzz:
                what = "applies with %s" % ", ".join(
                    "hunk %d: %s" % (h[0], " and ".join(
                        x for x in (("fuzz %d" % h[3]) if h[3] else "",
                                    ("offset %d" % h[4]) if h[4] else "") if x))
                    for h in fuzz)
                verdict = "fuzz"
            else:
                what, verdict = "applies", "applies"
        else:
            rev, _, _ = try_patch(new_tree, text, "--dry-run", "-R")
            if rev or "Reversed (or previously applied)" in out:
                what, verdict = "already in the base (it applies in reverse)", "in-base"
            else:
                failed = [str(h[0]) for h in hunks if not h[1]]
                what = "CONFLICTS: hunk%s %s of %d fail%s" % (
                    "s" if len(failed) > 1 else "", ", ".join(failed) or "?", n,
                    "" if len(failed) > 1 else "s")
                verdict = "conflict"
        lines.append("    %-28s %s" % (path, what))
        if delta:
            add = sum(d[2] for d in delta)
            rm = sum(d[3] for d in delta)
            named = naming(changes, path)
            where = ("in the lines this patch changes" if overlap
                     else "elsewhere in the file")
            lines.append("    %-28s the base changed it (+%d -%d lines), %s" %
                         ("", add, rm, where))
            if verdict == "conflict" and overlap and named:
                lines.append("    %-28s its change is probably already in the base:" % "")
                verdict = "conflict-in-base"
            show = 6 if overlap else 3
            for ver, subject in named[:show]:
                lines.append("    %-28s   %s: %s" % ("", ver, subject))
            if len(named) > show:
                lines.append("    %-28s   ... and %d more naming it" % ("", len(named) - show))
            if overlap and not named:
                lines.append("    %-28s   no change in Debian's changelog names it" % "")
        verdicts.append(verdict)
    return verdicts, lines


def summary(verdicts):
    if "conflict-in-base" in verdicts and "conflict" not in verdicts:
        return "CONFLICTS, probably already in the base" + (
            " in part" if len(set(verdicts)) > 1 else "")
    if "conflict" in verdicts or "conflict-in-base" in verdicts:
        return "CONFLICTS" + (" (part already in the base)" if "in-base" in verdicts else "")
    if all(v == "in-base" for v in verdicts):
        return "already in the base"
    if "in-base" in verdicts:
        return "partly already in the base"
    if "fuzz" in verdicts:
        return "applies with fuzz or offset"
    return "applies"


# --- the compile -----------------------------------------------------------------

def compile_objects(tarball, version):
    """The tree of the new base with the series and our overlay, and our code
    and what the patches touch compiled with Debian's arm64 config (W=1)."""
    env = dict(os.environ, VC_KERNEL_TARBALL=tarball, VC_BASE_VERSION=version,
               VC_LOCK=os.path.join(BUILD, "kernel.lock"))
    tree_build = os.path.join(WORK, "tree")
    r = subprocess.run([os.path.join(REPO, "scripts", "prepare-tree.sh"), REPO, tree_build],
                       env=env)
    if r.returncode:
        return False
    r = subprocess.run([os.path.join(REPO, "scripts", "debian-objects.sh"), REPO, tree_build,
                        "arm64"], env=env)
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--to", help="this version instead of the archive's newest")
    ap.add_argument("--dry-run", action="store_true", help="never move the pin")
    args = ap.parse_args()

    pin = vcbase.pinned()
    if pin.suite:
        vcbase.apt_update(pin.suite)
    target = args.to or (vcbase.archive_versions(pin.package, pin.suite) or [None])[0]
    if not target:
        sys.exit("base-update: the apt lists have no %s (apt-get update?)" % pin.package)
    if target == pin.version:
        print("base-update: %s %s is pinned and the newest the archive has" %
              (pin.package, pin.version))
        return 0
    print("base-update: %s %s (pinned) -> %s" % (pin.package, pin.version, target))
    new_tar, changelog = sources(pin, target)
    old_tar, _ = sources(pin, pin.version)

    patches = sorted(glob.glob(os.path.join(REPO, "patches", pin.name, "*.patch")))
    paths = sorted({p for pp in patches for p, _ in sections(pp)})
    old_tree = os.path.join(WORK, "files-" + pin.version)
    new_tree = os.path.join(WORK, "files-" + target)
    files_of(old_tar, pin.topdir, paths, old_tree)
    files_of(new_tar, pin.topdir, paths, new_tree)
    # Patched copies, made anew each run.
    work_old, work_new = old_tree + ".patched", new_tree + ".patched"
    for src, dst in ((old_tree, work_old), (new_tree, work_new)):
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(src, dst)
    changes = stable_changes(changelog, pin.kernel)
    print("  Debian's changelog lists %d stable changes after %s\n" % (len(changes), pin.kernel))

    verdicts = []
    for p in patches:
        v, lines = classify(p, changes, work_old, work_new)
        s = summary(v)
        verdicts.append(s)
        print("%-72s %s" % (os.path.basename(p), s))
        if s != "applies" or any("the base changed" in line for line in lines):
            print("\n".join(lines))

    ok = all(s.startswith("applies") for s in verdicts)
    n = len(verdicts)
    print("\n%d patches: %d apply, %d with fuzz or offset, %d conflict, %d partly or wholly in "
          "the base" % (n, verdicts.count("applies"), verdicts.count("applies with fuzz or offset"),
                        sum(s.startswith("CONFLICTS") for s in verdicts),
                        sum("already in the base" in s for s in verdicts)))
    if not ok:
        print("base-update: the series does not hold on %s; the pin stays at %s.\n"
              "Rebase the patches named above (drop what the base now has, and say so in the\n"
              "patch), then run make base-update again." % (target, pin.version))
        return 1
    print("\nbase-update: the series applies; compiling what it touches on %s" % target)
    if not compile_objects(new_tar, target):
        print("base-update: the series does not compile on %s; the pin stays at %s" %
              (target, pin.version))
        return 1
    if args.dry_run:
        print("base-update: it holds on %s (--dry-run: the pin stays at %s)" %
              (target, pin.version))
        return 0
    vcbase.move_pin(pin, target)
    print("base-update: it holds on %s; the pin moved: %s\n"
          "Next: make check (as root: it installs %s=%s), then commit %s." %
          (target, os.path.relpath(pin.conf, REPO), pin.package, target,
           os.path.relpath(pin.conf, REPO)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
