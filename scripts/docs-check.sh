#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Render our documentation through the kernel's own Sphinx setup (its
# conf.py, its kernel-doc and kernel-abi extensions): every rst page we
# wrote or patched, with the kernel-doc of our sources they pull in. Fails
# on any Sphinx or kernel-doc warning. The pages are rendered as a small
# project of their own, not the whole Documentation/ tree (an hour here).
#
# usage: docs-check.sh REPO BUILD
set -euo pipefail
repo=$1
build=$2
ksrc=$build/linux
src=$build/docs/src
out=$build/docs/html
log=$build/docs/sphinx.log

# prepare-tree.sh changes the tree: never under a running kernel build.
exec 9>"$build/kernel.lock"
flock 9
"$repo/scripts/prepare-tree.sh" "$repo" "$build"

# Our pages: the rst files of the overlay and those our patches change.
pages=$( { (cd "$repo" && git ls-files 'Documentation/*.rst');
	   sed -n 's@^+++ b/\(Documentation/[^[:space:]]*\.rst\).*@\1@p' "$repo/patches/${VC_BASE:-6.12}"/*.patch; } |
	 grep -v '/index\.rst$' | sort -u)
# A project of PAGES under $1, the files linked from tree $2.
project() {
	local dir=$1 tree=$2 p rel
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		echo "vfio-coherent documentation"
		echo "==========================="
		echo
		echo ".. toctree::"
		echo
		for p in $pages; do
			[ -e "$tree/$p" ] || continue
			rel=${p#Documentation/}
			mkdir -p "$dir/$(dirname "$rel")"
			ln -s "$tree/$p" "$dir/$rel"
			echo "   ${rel%.rst}"
		done
	} > "$dir/index.rst"
}

# Render project $1 into $2, log in $3; print its warnings (Sphinx's and
# kernel-doc's), with line numbers and the
# project's path taken out so that the two runs compare.
render() {
	cd "$ksrc/Documentation"	# conf.py finds its extensions from here
	PYTHONDONTWRITEBYTECODE=1 sphinx-build -q -E -b html -c "$ksrc/Documentation" \
		-d "$2.doctrees" \
		-D kerneldoc_srctree="$ksrc" -D kerneldoc_bin="$ksrc/scripts/kernel-doc" \
		-w "$3" "$1" "$2" > /dev/null 2> "$3.stderr" || {
		cat "$3" "$3.stderr"
		echo "docs: sphinx-build failed; log: $3" >&2
		exit 1
	}
	# kernel-doc's own warnings reach stderr only.
	cat "$3" "$3.stderr" | grep -E 'WARNING|ERROR|warning:' | sed -E "s@$1/@@; s@:[0-9]+:@:@" | sort -u
}

echo "  SPHINX  $(echo "$pages" | xargs)"
# The same pages as Debian ships them (before our patches; ours not there):
# what Sphinx says of them is not ours to fix.
project "$build/docs/pristine-src" "$build/pristine"
for p in $pages; do
	[ -e "$build/pristine/$p" ] || [ ! -e "$ksrc/$p" ] || [ -L "$ksrc/$p" ] ||
		{ mkdir -p "$build/docs/pristine-src/$(dirname "${p#Documentation/}")";
		  ln -sfn "$ksrc/$p" "$build/docs/pristine-src/${p#Documentation/}"; }
done
project "$src" "$ksrc"
render "$build/docs/pristine-src" "$build/docs/pristine-html" "$build/docs/pristine.log" \
	> "$build/docs/pristine.warnings"
render "$src" "$out" "$log" > "$build/docs/ours.warnings"
if [ -s "$build/docs/pristine.warnings" ]; then
	echo "  SPHINX  already in Debian's pages (not counted):"
	sed 's/^/	/' "$build/docs/pristine.warnings"
fi
new=$(comm -23 "$build/docs/ours.warnings" "$build/docs/pristine.warnings")
if [ -n "$new" ]; then
	echo "$new"
	echo "docs: warnings above; log: $log" >&2
	exit 1
fi
echo "  SPHINX  $(echo "$pages" | wc -w) pages, no warning of ours: $out/index.html"
