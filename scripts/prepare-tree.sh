#!/bin/bash
# Assemble the kernel tree: extract the pinned Debian kernel source
# (bases/$VC_BASE.conf) once, apply our patches (re-applied from pristine
# copies when they change), and link our overlay files into it so edits are
# seen without copying the tree again. A tree of another base version is
# extracted anew.
#
# usage: prepare-tree.sh REPO BUILD
#	VC_KERNEL_TARBALL=PATH VC_BASE_VERSION=V: another tarball, Debian
#	version V of the package (make base-update)
set -euo pipefail
repo=$1
build=$2
ksrc=$build/linux
REPO=$repo
. "$repo/scripts/base.sh"
want=$BASE_VERSION

# The tarball of the pinned version: fetched for a base of its own suite
# (then it is that version by construction), else the installed package's,
# whose version is checked.
if [ -n "${VC_KERNEL_TARBALL:-}" ]; then
	tarball=$VC_KERNEL_TARBALL
	have=$want
elif [ -n "$BASE_SUITE" ]; then
	tarball=$(base_tarball)
	have=$want
else
	tarball=$(base_tarball)
	have=$(dpkg-query -W -f='${Status} ${Version}' "$BASE_PACKAGE" 2>/dev/null |
	       sed -n 's/^install ok installed //p')
fi
if [ "$have" != "$want" ] || [ ! -r "$tarball" ]; then
	echo "prepare: the series is tested on $BASE_PACKAGE $want," \
		"this machine has ${have:-none}" >&2
	echo "prepare: install it with: apt-get install --allow-downgrades $BASE_PACKAGE=$want" \
		"(or make deps as root)" >&2
	exit 1
fi

mkdir -p "$build"
if [ "$(cat "$ksrc/.vc-extracted" 2>/dev/null)" != "$want" ]; then
	rm -rf "$ksrc" "$build/$BASE_DIR" "$build/pristine" "$build/overlay.list"
	echo "  EXTRACT $tarball ($want)"
	tar xf "$tarball" -C "$build"
	mv "$build/$BASE_DIR" "$ksrc"
	# The tarball holds the upstream version only: it must be the pin's.
	kv=$(make -s -C "$ksrc" kernelversion)
	[ "$kv" = "${want%%-*}" ] || {
		echo "prepare: $tarball holds Linux $kv, $want is ${want%%-*}" >&2
		rm -rf "$ksrc"
		exit 1
	}
	echo "$want" > "$ksrc/.vc-extracted"
fi

# --- patches: small edits to existing kernel files --------------------------
pristine=$build/pristine
mkdir -p "$pristine"
patches=$repo/patches/$VC_BASE
stamp=$( (cat "$patches"/*.patch 2>/dev/null || true) | sha1sum | cut -d' ' -f1)
if [ "$(cat "$ksrc/.vc-patches" 2>/dev/null)" != "$stamp" ]; then
	# Restore every file an earlier patch set touched, then apply anew.
	# Keep the patched files to give back their timestamps below where
	# the result is the same: make then rebuilds only what changed.
	before=$(mktemp -d)
	(cd "$pristine" && find . -type f) | while read -r f; do
		mkdir -p "$(dirname "$before/$f")"
		cp -p "$ksrc/$f" "$before/$f"
		cp -p "$pristine/$f" "$ksrc/$f"
	done
	for p in "$patches"/*.patch; do
		[ -e "$p" ] || continue
		sed -n 's@^+++ b/\([^[:space:]]*\).*@\1@p' "$p" | while read -r f; do
			if [ ! -e "$pristine/$f" ] && [ -e "$ksrc/$f" ]; then
				mkdir -p "$(dirname "$pristine/$f")"
				cp -p "$ksrc/$f" "$pristine/$f"
			fi
		done
		echo "  PATCH   $(basename "$p")"
		patch -d "$ksrc" -p1 -s -N --no-backup-if-mismatch < "$p" || {
			echo "prepare: $(basename "$p") does not apply to $BASE_PACKAGE $want" >&2
			rm -f "$ksrc/.vc-patches"
			exit 1
		}
	done
	# A file that changed is newer than its objects, also when it went
	# back to its pristine copy (a patch dropped): cp -p kept that one's
	# old time.
	(cd "$before" && find . -type f) | while read -r f; do
		if cmp -s "$before/$f" "$ksrc/$f"; then
			touch -r "$before/$f" "$ksrc/$f"
		else
			touch "$ksrc/$f"
		fi
	done
	rm -rf "$before"
	echo "$stamp" > "$ksrc/.vc-patches"
fi

# --- overlay: our new files, linked at their kernel paths -------------------
# backends/ is assembled under the core's directory.
new_list=$(mktemp)
(
	cd "$repo"
	for d in drivers include arch mm Documentation lib tools; do
		if [ -d "$d" ]; then find "$d" -type f -printf '%p %p\n'; fi
	done
	if [ -d backends ]; then
		find backends -type f -printf '%p drivers/vfio/pci/coherent/%p\n'
	fi
) | sort | while read -r src dst; do
	# What the base already has: our backports of it are not linked.
	for skip in $BASE_SKIP; do
		case $src in "$skip" | "$skip"/*) continue 2 ;; esac
	done
	echo "$src $dst"
done > "$new_list"
old_list=$build/overlay.list
touch "$old_list"
# Drop links for files that left the overlay.
cut -d' ' -f2 "$old_list" | sort > "$new_list.old"
cut -d' ' -f2 "$new_list" | sort > "$new_list.new"
comm -23 "$new_list.old" "$new_list.new" | while read -r dst; do
	[ -L "$ksrc/$dst" ] && rm -f "$ksrc/$dst"
done
while read -r src dst; do
	if [ -e "$ksrc/$dst" ] && [ ! -L "$ksrc/$dst" ]; then
		echo "prepare: $dst exists in the kernel tree: change it with a patch, not the overlay" >&2
		exit 1
	fi
	if [ "$(readlink "$ksrc/$dst" 2>/dev/null)" != "$repo/$src" ]; then
		mkdir -p "$(dirname "$ksrc/$dst")"
		ln -sfn "$repo/$src" "$ksrc/$dst"
	fi
done < "$new_list"
mv "$new_list" "$old_list"
rm -f "$new_list.old" "$new_list.new"
