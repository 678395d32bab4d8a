# SPDX-License-Identifier: GPL-2.0-only
"""Checks on the host: style, kernel-doc, W=1 and sparse, bindings, docs,
the patch series, Debian's configs."""

import os
import re
import subprocess
import sys

from vc.common import *  # noqa: F401,F403
from vc.plan import MODULE_DIR  # noqa: F401
from vc.verdict import judge  # noqa: F401

def binding_examples():
    """Each example of our devicetree bindings must compile with dtc."""
    results = []
    root = os.path.join(REPO, "Documentation/devicetree/bindings")
    for dirpath, _, files in os.walk(root):
        for fn in sorted(files):
            if not fn.endswith(".yaml"):
                continue
            path = os.path.join(dirpath, fn)
            examples, cur = [], None
            for line in open(path):
                if line.startswith("  - |"):
                    cur = []
                    examples.append(cur)
                elif cur is not None and (line.startswith("    ") or not line.strip()):
                    cur.append(line[4:])
                elif cur is not None:
                    cur = None
            for i, ex in enumerate(examples):
                src = "/dts-v1/;\n/ {\n#address-cells = <1>;\n#size-cells = <1>;\n" \
                      "example-%d {\n%s};\n};\n" % (i, "".join(ex))
                p = subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "/dev/null", "-"],
                                   input=src, capture_output=True, text=True)
                name = "host: %s example %d compiles with dtc" % (fn, i)
                if p.returncode:
                    print(p.stderr)
                results.append((name, "PASS" if p.returncode == 0 else "FAIL"))
            if not examples:
                results.append(("host: %s has an example" % fn, "FAIL"))
    return results


# The kernel's own binding checker (dt-schema): bookworm ships dt-schema
# 2022.08.2 while 6.12 asks for 2023.9. Trixie has no dt-schema, and sid's
# needs python3-referencing, which bookworm lacks; so the check runs with
# bookworm's, its minimum lowered. That version ignores 16 of the tree's
# schemas for newer meta-schema features; ours must not be among them.
DT_SCHEMA_MIN = "2022.08"

DT_OUT = "out-dt"

KBUILD_QUIET = re.compile(r"  (BUILD|CHKDT|LINT|SCHEMA|DTEX|DTC \[C\]) ")


def binding_check():
    """make dt_binding_check on each of our bindings: schema and example clean."""
    root = os.path.join(REPO, "Documentation/devicetree/bindings")
    ours = sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, files in os.walk(root) for f in files if f.endswith(".yaml"))
    bdir = os.path.join(KSRC, DT_OUT, "Documentation/devicetree/bindings")
    v = subprocess.run("dt-doc-validate --version", shell=True, capture_output=True, text=True)
    results = []
    # One file a run: this dt-validate takes DT_SCHEMA_FILES as one
    # substring, not a list.
    for f in ours:
        name = os.path.splitext(os.path.basename(f))[0]
        # Its checkers print and carry on (make succeeds): what they print
        # is the verdict, so outputs of an earlier run must not be reused.
        subprocess.run(["rm", "-f", os.path.join(bdir, ".dt-binding.checked"),
                        os.path.join(bdir, ".yamllint.checked")] +
                       [os.path.join(bdir, os.path.splitext(f)[0] + ".example." + x)
                        for x in ("dts", "dtb")])
        p = subprocess.run([os.path.join(REPO, "scripts/build-kernel.sh"), REPO, BUILD,
                            "dt_binding_check", "DT_SCHEMA_FILES=" + f,
                            "DT_SCHEMA_MIN_VERSION=" + DT_SCHEMA_MIN],
                           capture_output=True, text=True,
                           env=dict(os.environ, VC_KOUT=DT_OUT))
        out = (p.stdout + p.stderr).splitlines()
        # Anything but kbuild's progress lines naming it is a finding.
        said = [l for l in out if name in l and not KBUILD_QUIET.match(l)]
        # Its example was validated, against a processed schema holding it
        # (a schema in error is left out of that, and said so only when the
        # processed schema is made).
        checked = any(re.match(r"  DTC \[C\] .*/%s\.example\.dtb$" % re.escape(name), l)
                      for l in out)
        try:
            checked &= ('"http://devicetree.org/schemas/%s#"' % f in
                        open(os.path.join(bdir, "processed-schema.json")).read())
        except OSError:
            checked = False
        sys.stdout.write("".join(l + "\n" for l in said))
        if p.returncode or not checked:
            sys.stdout.write("".join(l + "\n" for l in out[-20:]))
        results.append(("host: make dt_binding_check (dt-schema %s): %s and its example"
                        % (v.stdout.strip() or "missing", f),
                        "PASS" if p.returncode == 0 and checked and not said else "FAIL"))
    return results


def our_sources():
    p = subprocess.run(["git", "-C", REPO, "ls-files", "*.c", "*.h"],
                       capture_output=True, text=True)
    if p.returncode == 0 and p.stdout.strip():
        return p.stdout.split()
    out = []
    for top in ("drivers", "include", "backends", "arch", "mm", "tools"):
        for dirpath, _, files in os.walk(os.path.join(REPO, top)):
            out += [os.path.relpath(os.path.join(dirpath, f), REPO)
                    for f in files if f.endswith((".c", ".h"))]
    return sorted(out)


# What the W=1 + sparse build compiles: our directory and our files elsewhere.
LINT_TARGETS = [MODULE_DIR + "/", "mm/memory-failure-pfn.o", "mm/memory-failure-pfn-test.o",
                "arch/arm64/kvm/pfnmap.o", "arch/arm64/kvm/pfnmap_test.o",
                "arch/arm64/kvm/pfnmap_testdev.o"]


def kernel_style():
    """checkpatch --strict, then W=1 + sparse on our directory and files."""
    results = []
    # TRACE_EVENT() headers are a macro language checkpatch misreads (every
    # kernel trace header gets the same CHECKs): they are left out.
    files = [f for f in our_sources() if not os.path.basename(f).startswith("trace_")]
    p = subprocess.run(["perl", os.path.join(KSRC, "scripts/checkpatch.pl"), "--strict",
                        "--no-tree", "--terse", "--ignore", "FILE_PATH_CHANGES", "-f"] +
                       files, cwd=REPO, capture_output=True, text=True)
    bad = [l for l in p.stdout.splitlines() if re.search(r": (ERROR|WARNING|CHECK):", l)]
    sys.stdout.write("".join(l + "\n" for l in bad))
    results.append(("host: checkpatch --strict on %d files" % len(files),
                    "FAIL" if bad else "PASS"))
    # Recompile our objects every time so W=1 warnings are printed again
    # (ccache replays them); C=2 reruns sparse on its own.
    subprocess.run(["rm", "-rf"] + [os.path.join(KSRC, "out-lint", t) for t in LINT_TARGETS])
    results += kernel_doc()
    env = dict(os.environ, VC_KOUT="out-lint")
    p = subprocess.run([os.path.join(REPO, "scripts/build-kernel.sh"), REPO, BUILD,
                        "W=1", "C=2"] + LINT_TARGETS, capture_output=True, text=True,
                       env=env)
    ours = ("coherent", "memory-failure-pfn", "pfnmap")
    bad = [l for l in (p.stdout + p.stderr).splitlines()
           if re.search(r"(warning|error):", l) and any(o in l for o in ours)]
    sys.stdout.write("".join(l + "\n" for l in bad))
    results.append(("host: W=1 and sparse clean on our kernel code",
                    "FAIL" if bad or p.returncode else "PASS"))
    return results


def kernel_doc():
    """kernel-doc -Wall clean, and every exported function documented."""
    kfiles = [f for f in our_sources() if not f.startswith("tools/")]
    p = subprocess.run(["perl", os.path.join(KSRC, "scripts/kernel-doc"), "-Wall", "-none"] +
                       kfiles, cwd=REPO, capture_output=True, text=True)
    bad = [l for l in (p.stdout + p.stderr).splitlines() if "warning" in l or "error" in l]
    text = "".join(open(os.path.join(REPO, f)).read() for f in kfiles)
    # Exports, not macros about them (compat.h defines EXPORT_SYMBOL_NS_GPL).
    for sym in re.findall(r"^EXPORT_SYMBOL\w*\((\w+)", text, re.M):
        # kernel-doc of 6.12 documents functions, not variables.
        if re.search(r"\bstruct \w+ %s = " % sym, text):
            continue
        if not re.search(r"/\*\*\n \* %s\(\) - " % sym, text):
            bad.append("exported %s() has no kernel-doc" % sym)
    sys.stdout.write("".join(l + "\n" for l in bad))
    return [("host: kernel-doc -Wall clean, every export documented",
             "FAIL" if bad else "PASS")]


def host_script(name, what, *args):
    """Run scripts/NAME REPO BUILD ARGS: one host check, named WHAT."""
    p = subprocess.run([os.path.join(REPO, "scripts", name), REPO, BUILD] + list(args),
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout + p.stderr)
    return [("host: " + what, "PASS" if p.returncode == 0 else "FAIL")]


def series_check():
    """make series, then each of its patches applied and compiled in turn."""
    p = subprocess.run([sys.executable, os.path.join(REPO, "scripts/series.py"), "write"],
                       capture_output=True, text=True)
    sys.stdout.write(p.stdout + p.stderr)
    results = [("host: series: written from its manifest, last tree = the build's",
                "PASS" if p.returncode == 0 else "FAIL")]
    if p.returncode:
        return results
    p = subprocess.run([sys.executable, os.path.join(REPO, "scripts/series.py"), "check"],
                       capture_output=True, text=True)
    lines = (p.stdout + p.stderr).splitlines()
    sys.stdout.write("".join(l + "\n" for l in lines if not re.match(r"^(PASS|FAIL) ", l)))
    found = [re.match(r"^(PASS|FAIL) (.*)$", l).groups() for l in lines
             if re.match(r"^(PASS|FAIL) ", l)]
    results += [("host: " + n, s) for s, n in found]
    if p.returncode and all(s == "PASS" for s, _ in found):
        results.append(("host: series check", "FAIL"))
    return results


def debian_objects():
    """Debian's own configs plus ours: our objects and those we touch, W=1."""
    return [r for flavour in ("arm64", "arm64-16k", "arm64-64k", "amd64")
            for r in host_script("debian-objects.sh",
                                 "Debian %s config + CONFIG_VFIO_COHERENT=m: "
                                 "W=1 clean" % flavour, flavour)]


def docs_check():
    """Our rst pages and kernel-doc through the kernel's own Sphinx setup."""
    return host_script("docs-check.sh",
                       "our documentation renders with the kernel's Sphinx, no new warning")
