#!/bin/bash
# Configure and build the arm64 test kernel out of tree, incrementally, with
# ccache.  One build at a time: the lock is held for the whole run.
#
# usage: build-kernel.sh REPO BUILD [make targets...]
# VC_KOUT names another output directory under the tree (the W=1/sparse
# lint build uses its own, so its flags never force a rebuild of the kernel).
set -euo pipefail
repo=$1
build=$2
shift 2
targets=${*:-Image modules}
ksrc=$build/linux
odir=${VC_KOUT:-out}
kout=$ksrc/$odir
mkdir -p "$build"
exec 9>"${VC_LOCK:-$build/kernel.lock}"
if ! flock -n 9; then
	echo "  LOCK    another kernel build is running; waiting"
	flock 9
fi

"$repo/scripts/prepare-tree.sh" "$repo" "$build"

export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
export KBUILD_BUILD_TIMESTAMP="2024-01-01" KBUILD_BUILD_USER=vfio KBUILD_BUILD_HOST=coherent
export CCACHE_BASEDIR=$ksrc CCACHE_NOHASHDIR=true CCACHE_COMPILERCHECK=content
kmake() {
	make -C "$ksrc" O="$odir" CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

# Configuration: allnoconfig plus our fragments, merged by the kernel's own
# merge_config.sh; redone only when a fragment or one of our Kconfig files changes.
# The base's own fragments (configs/$VC_BASE/) come last.
frags=$(ls ${VC_CONFIGS:-$repo/configs}/*.config; ls "$repo/configs/${VC_BASE:-6.12}"/*.config 2>/dev/null || true)
stamp=$( (cat $frags; find "$repo" -name Kconfig -not -path '*/.build/*' -exec cat {} +) | sha1sum)
mkdir -p "$kout"
if [ ! -e "$kout/.config" ] || [ "$(cat "$kout/.vc-config" 2>/dev/null)" != "$stamp" ]; then
	echo "  CONFIG  allnoconfig + $(echo $frags | xargs -n1 basename | xargs)"
	(cd "$ksrc" && scripts/kconfig/merge_config.sh -n -O "$odir" $frags) > "$build/config.log" 2>&1 || {
		cat "$build/config.log" >&2
		exit 1
	}
	# Every requested value must have survived (a missing dependency drops it).
	bad=0
	for f in $frags; do
		grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$f" | while read -r line; do
			grep -qxF "$line" "$kout/.config" || { echo "config: '$line' from $(basename "$f") not in .config" >&2; echo x; }
		done
	done | grep -q x && bad=1
	[ $bad = 0 ] || exit 1
	echo "$stamp" > "$kout/.vc-config"
fi

echo "  BUILD   Linux $(kmake -s kernelversion) ($targets)"
kmake $targets
if [ "$odir" = out ]; then
	kmake -s headers_install INSTALL_HDR_PATH="$build/headers" >/dev/null
fi
