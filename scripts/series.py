#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The patch series for the pinned Debian base (bases/$VC_BASE.conf), as
patches/$VC_BASE/series says.

    series.py write    commit each patch onto the pristine tree, write the
                       series with a cover letter to BUILD/series/out
    series.py check    git am the written series onto the pristine tree
                       and compile, after each patch, every object the
                       series has touched so far (our release config);
                       prints PASS/FAIL lines

The pristine tree is a git repository made once from the tarball
(BUILD/series/linux, tag "debian"); out-bisect/ in it is the build
directory of the check.
"""
import fcntl
import glob
import os
import re
import shutil
import subprocess
import sys
import time

from vc import base

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("VC_BUILD", os.path.join(REPO, ".build"))
KSRC = os.path.join(BUILD, "linux")
SERIES = os.path.join(BUILD, "series")
TREE = os.path.join(SERIES, "linux")
OUT = os.path.join(SERIES, "out")
BASE = base.pinned()
TARBALL = os.environ.get("VC_KERNEL_TARBALL", BASE.tarball)
PATCHES = os.path.join(REPO, "patches", BASE.name)
MANIFEST = os.path.join(PATCHES, "series")
# Our kernel-side files: the overlay prepare-tree.sh links into the tree,
# less our test machine's own tools (tools/testing/vfio-coherent).
OVERLAY_DIRS = ("drivers/", "include/", "arch/", "mm/", "Documentation/", "backends/",
                "tools/testing/selftests/")
AUTHOR = "vfio-coherent <vfio-coherent@localhost>"


def run(*cmd, cwd=TREE, check=True, **kw):
    return subprocess.run(cmd, cwd=cwd, check=check, text=True, **kw)


def git(*args, **kw):
    return run("git", *args, capture_output=True, **kw).stdout


def kpath(path):
    """Where our repo file PATH lives in the kernel tree."""
    return "drivers/vfio/pci/coherent/" + path if path.startswith("backends/") else path


def fail(msg):
    sys.exit("series: " + msg)


# --- the manifest -------------------------------------------------------------

OMIT = set()


def parse_manifest():
    entries, cur = [], None
    for n, line in enumerate(open(MANIFEST), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("omit "):
            OMIT.update(line.split()[1:])
            continue
        if line.startswith("=="):
            cur = {"subject": line[2:].strip(), "body": [], "patches": [], "files": [],
                   "parts": [], "line": n}
            entries.append(cur)
            continue
        if cur is None:
            fail("%s:%d: outside a patch" % (MANIFEST, n))
        if line.startswith("|"):
            cur["body"].append(line[2:] if line.startswith("| ") else "")
            continue
        word, _, rest = line.partition(" ")
        if word == "patch":
            found = glob.glob(os.path.join(PATCHES, rest.strip() + "-*.patch"))
            if len(found) != 1:
                fail("%s:%d: no single %s-*.patch in %s" % (MANIFEST, n, rest, PATCHES))
            cur["patches"].append(found[0])
        elif word == "file":
            cur["files"] += rest.split()
        elif word == "part":
            path, _, regex = rest.partition(" ")
            cur["parts"].append((path, re.compile(regex.strip())))
        else:
            fail("%s:%d: unknown line %r" % (MANIFEST, n, line))
    return entries


def patch_message(path):
    """Subject and message of one of our patches/*.patch."""
    text = open(path).read().split("\n---\n", 1)[0]
    subject = re.search(r"^Subject: (?:\[PATCH\] )?(.*)$", text, re.M).group(1)
    body = text.split("\n\n", 1)[1].strip() if "\n\n" in text else ""
    return subject, body


def blocks(text):
    """A file cut in blocks: a top-level line, the indented and continued
    lines after it, and the blank lines before it."""
    out, pending, prev = [], "", ""
    for line in text.splitlines(keepends=True):
        if not line.strip():
            pending += line
            continue
        top = not line[0].isspace() and not prev.rstrip("\n").endswith("\\")
        if top or not out:
            out.append(pending + line)
        else:
            out[-1] += pending + line
        pending, prev = "", line
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return out


def first_line(block):
    return next((l for l in block.splitlines() if l.strip()), "")


def plan(entries):
    """For each entry and file it gives, the file's text after it."""
    owner = {}      # (path, block index) -> entry index
    intro = {}      # path -> entry index of its "file" line
    for i, e in enumerate(entries):
        for path in e["files"]:
            if path in intro:
                fail("%s given whole twice" % path)
            intro[path] = i
    for i, e in enumerate(entries):
        for path, regex in e["parts"]:
            bl = blocks(open(os.path.join(REPO, path)).read())
            hit = [j for j, b in enumerate(bl) if regex.search(first_line(b))]
            if not hit:
                fail("part %s %s matches no block" % (path, regex.pattern))
            for j in hit:
                if (path, j) in owner:
                    fail("block %d of %s claimed twice" % (j, path))
                if path not in intro or intro[path] > i:
                    fail("%s: a part before the file is introduced" % path)
                owner[(path, j)] = i
    states = []
    for i, e in enumerate(entries):
        files = {}
        for path in set(e["files"]) | {p for p, _ in e["parts"]}:
            bl = blocks(open(os.path.join(REPO, path)).read())
            files[kpath(path)] = "".join(b for j, b in enumerate(bl)
                                         if owner.get((path, j), intro[path]) <= i)
        states.append(files)
    return states


def overlay_files():
    # What prepare-tree.sh links: tracked files and new ones not ignored.
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    return {f for f in out if f.startswith(OVERLAY_DIRS)
            and not f.startswith("tools/testing/vfio-coherent/")
            and not any(f == o or f.startswith(o.rstrip("/") + "/")
                        for o in OMIT | set(BASE.skip))}


# --- the pristine tree --------------------------------------------------------

def pristine():
    """BUILD/series/linux at tag "debian", clean: the pinned base, made anew
    when the pin moves."""
    stamp = os.path.join(SERIES, ".vc-base")
    made = open(stamp).read().strip() if os.path.exists(stamp) else None
    if made != BASE.version or not os.path.exists(os.path.join(TREE, ".git")):
        print("  SERIES  pristine git tree from %s" % TARBALL, flush=True)
        shutil.rmtree(SERIES, ignore_errors=True)
        os.makedirs(SERIES)
        run("tar", "xf", TARBALL, "-C", SERIES, cwd=SERIES)
        os.rename(os.path.join(SERIES, BASE.topdir), TREE)
        git("init", "-q")
        git("config", "user.name", "vfio-coherent")
        git("config", "user.email", "vfio-coherent@localhost")
        git("config", "core.autocrlf", "false")
        git("add", "-A", "-f")
        version = run("make", "-s", "kernelversion", capture_output=True).stdout.strip()
        git("commit", "-q", "-m", "Debian %s %s (Linux %s)" % (BASE.package, BASE.version,
                                                                 version))
        git("tag", "debian")
        with open(stamp, "w") as f:
            f.write(BASE.version + "\n")
    git("checkout", "-q", "-f", "--detach", "debian")
    git("clean", "-q", "-fdx", "-e", "out-bisect")


# --- write ----------------------------------------------------------------------

def cmd_write():
    entries = parse_manifest()
    states = plan(entries)
    used_patches = [p for e in entries for p in e["patches"]]
    all_patches = sorted(glob.glob(os.path.join(PATCHES, "*.patch")))
    if sorted(used_patches) != all_patches:
        fail("patches not used exactly once: %s" %
             sorted(set(all_patches) ^ set(used_patches)))
    given = {p for e in entries for p in e["files"]}
    missing = overlay_files() - given
    extra = given - overlay_files()
    if missing or extra:
        fail("overlay files not in the series: %s; not in the repo: %s"
             % (sorted(missing), sorted(extra)))

    # The build's assembled tree, to compare the last commit with.
    run(os.path.join(REPO, "scripts", "prepare-tree.sh"), REPO, BUILD, cwd=REPO,
        stdout=subprocess.DEVNULL)
    pristine()
    git("checkout", "-q", "-B", "series", "debian")
    signoff = os.environ.get("VC_SERIES_SIGNOFF")
    for e, files in zip(entries, states):
        msgs = []
        subject = e["subject"]
        for p in e["patches"]:
            s, body = patch_message(p)
            subject = subject or s
            msgs.append(body)
            r = run("patch", "-p1", "-s", "-N", "--no-backup-if-mismatch",
                    stdin=open(p), check=False, capture_output=True)
            if r.returncode:
                fail("%s does not apply: %s" % (os.path.basename(p), r.stdout + r.stderr))
        if not subject:
            fail("%s:%d: no subject" % (MANIFEST, e["line"]))
        for path, text in files.items():
            dst = os.path.join(TREE, path)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "w") as f:
                f.write(text)
        if e["body"]:
            msgs.append("\n".join(e["body"]))
        msg = subject + "\n\n" + "\n\n".join(m for m in msgs if m) + "\n"
        if signoff:
            msg += "\nSigned-off-by: %s\n" % signoff
        # -f: kernel files .gitignore matches; never the check's build.
        git("add", "-A", "-f", "--", ".", ":(exclude)out-bisect")
        git("commit", "-q", "--author", AUTHOR, "-F", "-", input=msg)

    # The last commit must be the tree the build assembles.
    changed = git("diff", "--name-only", "debian", "series").split()
    bad = [f for f in changed
           if open(os.path.join(TREE, f), "rb").read() !=
           open(os.path.join(KSRC, f), "rb").read()]
    if bad:
        fail("the series' tree differs from the build's in %s" % bad)

    shutil.rmtree(OUT, ignore_errors=True)
    git("format-patch", "-q", "--cover-letter", "--no-signature", "--subject-prefix",
        "PATCH", "-o", OUT, "debian..series")
    cover(len(entries))
    print("  SERIES  %d patches and a cover letter in %s" % (len(entries), OUT))


def cover(n):
    path = glob.glob(os.path.join(OUT, "0000-*.patch"))[0]
    text = open(path).read()
    version = BASE.version
    blurb = open(os.path.join(PATCHES, "cover-letter.txt")).read().strip()
    blurb = blurb.replace("@VERSION@", version).replace("@N@", str(n))
    text = text.replace("*** SUBJECT HERE ***",
                        "vfio-coherent: CPU-coherent device memory as VM RAM on arm64")
    text = text.replace("*** BLURB HERE ***", blurb)
    open(path, "w").write(text)


# --- check ----------------------------------------------------------------------

def release_fragments():
    frags = [f for f in sorted(glob.glob(os.path.join(REPO, "configs", "*.config")))
             if os.path.basename(f) != "debug.config"]
    return (frags + sorted(glob.glob(os.path.join(REPO, "configs", "release", "*.config"))) +
            sorted(glob.glob(os.path.join(REPO, "configs", BASE.name, "*.config"))))


def kmake(*args, log):
    env = dict(os.environ, ARCH="arm64", CROSS_COMPILE="aarch64-linux-gnu-",
               CCACHE_BASEDIR=TREE, CCACHE_NOHASHDIR="true", CCACHE_COMPILERCHECK="content")
    # The default HOSTCC, in every make of out-bisect: another one would
    # rebuild the host tools.
    return subprocess.run(["make", "-C", TREE, "O=out-bisect",
                           "CC=ccache aarch64-linux-gnu-gcc",
                           "-j%d" % os.cpu_count()] + list(args),
                          env=env, stdout=log, stderr=subprocess.STDOUT).returncode


def enabled(path, config):
    """Whether PATH.c is built by CONFIG, from its Makefile line."""
    d, base = os.path.split(path)
    base = base[:-2] + ".o"
    try:
        mk = open(os.path.join(TREE, d, "Makefile")).read().replace("\\\n", " ")
    except FileNotFoundError:
        return False
    for line in mk.splitlines():
        if re.search(r"(^|\s)%s(\s|$)" % re.escape(base), line):
            opts = re.findall(r"\$\(CONFIG_(\w+)\)", line.split("=")[0])
            return all(re.search(r"^CONFIG_%s=[ym]$" % o, config, re.M) for o in opts)
    return False


def targets():
    """What the series has touched so far that the config builds."""
    config = open(os.path.join(TREE, "out-bisect", ".config")).read()
    out = set()
    for f in git("diff", "--name-only", "debian", "HEAD").split():
        if f.startswith("drivers/vfio/pci/coherent/"):
            if os.path.exists(os.path.join(TREE, "drivers/vfio/pci/coherent/Makefile")):
                out.add("drivers/vfio/pci/coherent/")
        elif f == "virt/kvm/kvm_main.c":
            out.add("arch/arm64/kvm/../../../virt/kvm/kvm_main.o")
        elif f.endswith(".c") and not f.startswith("tools/") and enabled(f, config):
            out.add(f[:-2] + ".o")
    return sorted(out)


def cmd_check():
    patches = sorted(glob.glob(os.path.join(OUT, "0*.patch")))[1:]
    if not patches:
        fail("no series in %s: make series first" % OUT)
    pristine()
    git("checkout", "-q", "-B", "am-check", "debian")
    r = run("git", "am", "-q", "--keep-cr", *patches, check=False, capture_output=True)
    print("%s series: the %d patches apply with git am to Debian's tree"
          % ("PASS" if r.returncode == 0 else "FAIL", len(patches)), flush=True)
    if r.returncode:
        print(r.stdout + r.stderr)
        git("am", "--abort", check=False)
        return 1
    commits = git("rev-list", "--reverse", "debian..am-check").split()
    fragments = os.path.join(SERIES, "release-fragments.config")
    with open(fragments, "w") as f:
        for frag in release_fragments():
            f.write(open(frag).read())
    logdir = os.path.join(SERIES, "logs")
    os.makedirs(logdir, exist_ok=True)
    bad = 0
    prev = "debian"
    took = []
    for i, c in enumerate(commits, 1):
        git("checkout", "-q", "--detach", c)
        subject = git("log", "-1", "--format=%s", c).strip()
        changed = git("diff", "--name-only", prev, c).split()
        # Documentation, bindings, MAINTAINERS and the selftests are not
        # kbuild's: such a patch changes no object, and is not built.
        if not [f for f in changed if not f.startswith(("Documentation/", "tools/"))
                and f != "MAINTAINERS"]:
            print("PASS series: %02d/%02d has nothing kbuild compiles: %s"
                  % (i, len(commits), subject), flush=True)
            prev = c
            continue
        start = time.monotonic()
        with open(os.path.join(logdir, "%02d.log" % i), "w") as log:
            kconfig = any(os.path.basename(f).startswith("Kconfig") for f in changed)
            ok = True
            if kconfig or not os.path.exists(os.path.join(TREE, "out-bisect", ".config")):
                # New options of ours come with the patch that adds them:
                # the fragments on allnoconfig, later ones winning, as
                # merge_config.sh -n does (one make, not its 11 s of shell).
                os.makedirs(os.path.join(TREE, "out-bisect"), exist_ok=True)
                ok = kmake("KCONFIG_ALLCONFIG=" + fragments, "allnoconfig", log=log) == 0
            objs = targets() if ok else []
            log.write("targets: %s\n" % " ".join(objs))
            log.flush()
            # Single targets make "prepare" first themselves.
            ok = ok and (not objs or kmake(*objs, log=log) == 0)
        print("%s series: %02d/%02d compiles: %s" % ("PASS" if ok else "FAIL", i,
                                                     len(commits), subject), flush=True)
        took.append((time.monotonic() - start, i))
        if not ok:
            bad += 1
            print("  log: %s" % os.path.join(logdir, "%02d.log" % i))
        prev = c
    git("checkout", "-q", "--detach", "debian")
    print("  SERIES  %d prefixes compiled in %.0f s, slowest %s" % (
        len(took), sum(t for t, _ in took),
        ", ".join("%02d %.0f s" % (i, t) for t, i in sorted(took, reverse=True)[:3])))
    return 1 if bad else 0


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    lock = open(os.path.join(BUILD, "kernel.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)      # one kernel build at a time
    if cmd == "write":
        cmd_write()
        return 0
    if cmd == "check":
        return cmd_check()
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
