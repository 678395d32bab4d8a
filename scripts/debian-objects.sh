#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What a distro packager gets: Debian's own 6.12 kernel configs (the
# linux-config-6.12 packages) plus CONFIG_VFIO_COHERENT=m and the backends,
# and with them our code and every object our patches touch compiled with
# W=1. Objects only, after "make prepare": not the whole kernel. Fails on
# any warning or error in them, and when one of our options does not
# survive olddefconfig.
#
# usage: debian-objects.sh REPO BUILD FLAVOUR...
#	FLAVOUR: arm64, arm64-16k or amd64 (Debian's names), or arm64-64k:
#	Debian's arm64 config at 64 KiB pages, what Grace systems run (Debian
#	ships no 64K flavour; Ubuntu's arm64-64k and RHEL's aarch64-64k are
#	such kernels)
set -euo pipefail
repo=$1
build=$2
shift 2
ksrc=$build/linux
cfgdir=$build/debian-configs
REPO=$repo
. "$repo/scripts/base.sh"
# Debian's configs come with the same version as the source.
cfg_pkg=linux-config-${BASE_PACKAGE#linux-source-}

# --- Debian's configs, fetched once from the archive ------------------------
fetch_configs() {
	local arch url deb
	# The configs of the pinned base's version, fetched anew when it moves.
	[ "$(cat "$cfgdir/.done" 2>/dev/null)" = "$cfg_pkg=$BASE_VERSION" ] && return
	rm -rf "$cfgdir"
	mkdir -p "$cfgdir"
	# The amd64 package's address gives the arm64 one: same pool, same version.
	url=$(cd "$cfgdir" && apt-get download --print-uris "$cfg_pkg=$BASE_VERSION" |
	      sed -n "s/^'\([^']*\)'.*/\1/p" | head -1)
	[ -n "$url" ] || { echo "debian: no $cfg_pkg=$BASE_VERSION in the apt sources" >&2; exit 1; }
	for arch in amd64 arm64; do
		deb=$cfgdir/linux-config-$arch.deb
		curl -sfL -o "$deb" "${url%_amd64.deb}_$arch.deb" ||
			{ echo "debian: cannot fetch ${url%_amd64.deb}_$arch.deb" >&2; exit 1; }
		dpkg-deb -x "$deb" "$cfgdir/$arch"
	done
	echo "$cfg_pkg=$BASE_VERSION" > "$cfgdir/.done"
}

# Debian's config file for FLAVOUR.
config_of() {
	case $1 in
	arm64|arm64-16k) echo "$cfgdir/arm64/usr/src/$cfg_pkg/config.arm64_none_$1.xz" ;;
	arm64-64k) config_of arm64 ;;
	amd64) echo "$cfgdir/amd64/usr/src/$cfg_pkg/config.amd64_none_amd64.xz" ;;
	*) echo "debian: unknown flavour $1" >&2; exit 1 ;;
	esac
}

# What we add.
ours="VFIO_COHERENT VFIO_COHERENT_OF VFIO_COHERENT_NVGRACE VFIO_COHERENT_ACPI"

# The objects of FLAVOUR's .config ($kout) that our patches touch and that
# the config builds: each patched or new .c file outside our own directory,
# kept when its Makefile line's CONFIG_ option is set (or it has none).
objects() {
	local kout=$1 f dir base line opt
	{
		sed -n 's@^+++ b/\([^[:space:]]*\.c\).*@\1@p' "$repo/patches/$VC_BASE"/*.patch
		(cd "$repo" && git ls-files 'mm/*.c' 'arch/*.c')
	} | sort -u | while read -r f; do
		dir=${f%/*}
		base=${f##*/}
		base=${base%.c}
		line=$(grep -hsE "(^|[[:space:]])$base\.o([[:space:]]|$)" "$ksrc/$dir/Makefile" | head -1 || true)
		if [ -z "$line" ] && [ "$f" = virt/kvm/kvm_main.c ]; then
			# Built through arch/*/kvm's Makefile.
			opt=KVM
		else
			opt=$(echo "$line" | sed -n 's/.*\$(CONFIG_\([A-Z0-9_]*\)).*/\1/p')
		fi
		case $f in arch/"$karch"/*) ;; arch/*) continue ;; esac
		if [ -n "$opt" ] && ! grep -qE "^CONFIG_$opt=[ym]" "$kout/.config"; then
			continue
		fi
		if [ "$f" = virt/kvm/kvm_main.c ]; then
			echo "arch/$karch/kvm/../../../virt/kvm/kvm_main.o"
		else
			echo "$dir/$base.o"
		fi
	done
	echo drivers/vfio/pci/coherent/
}

fetch_configs
exec 9>"${VC_LOCK:-$build/kernel.lock}"
flock 9
"$repo/scripts/prepare-tree.sh" "$repo" "$build"
export CCACHE_BASEDIR=$ksrc CCACHE_NOHASHDIR=true CCACHE_COMPILERCHECK=content

fail=0
for flavour in "$@"; do
	case $flavour in
	amd64) export ARCH=x86_64 CROSS_COMPILE= ; karch=x86 ;;
	*) export ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- ; karch=arm64 ;;
	esac
	odir=out-debian-$flavour
	kout=$ksrc/$odir
	log=$build/debian-$flavour.log
	kmake() {
		make -C "$ksrc" O="$odir" CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc" \
			-j"$(nproc)" "$@"
	}
	mkdir -p "$kout"
	cfg=$(config_of "$flavour")
	stamp=$( (echo "$flavour"; xzcat "$cfg"; find "$repo" -name Kconfig -not -path '*/.build/*' -exec cat {} +;
		  cat "$repo/patches/$VC_BASE"/*.patch) | sha1sum)
	if [ "$(cat "$kout/.vc-config" 2>/dev/null)" != "$stamp" ]; then
		xzcat "$cfg" > "$kout/.config"
		# Debian signs with keys we do not have; irrelevant to objects.
		"$ksrc/scripts/config" --file "$kout/.config" \
			--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
		# Elsewhere the arm64 hardware's backends build under COMPILE_TEST,
		# and the devicetree one wants OF, which x86 can have.
		[ "$karch" = arm64 ] || "$ksrc/scripts/config" --file "$kout/.config" \
			-e COMPILE_TEST -e OF
		[ "$flavour" != arm64-64k ] || "$ksrc/scripts/config" --file "$kout/.config" \
			-d ARM64_4K_PAGES -e ARM64_64K_PAGES
		for o in $ours; do
			"$ksrc/scripts/config" --file "$kout/.config" -m "$o"
		done
		kmake -s olddefconfig > "$log" 2>&1 || { cat "$log"; exit 1; }
		[ "$flavour" != arm64-64k ] || grep -qx CONFIG_ARM64_64K_PAGES=y "$kout/.config" ||
			{ echo "debian $flavour: 64 KiB pages did not survive olddefconfig" >&2; exit 1; }
		for o in $ours; do
			grep -qx "CONFIG_$o=m" "$kout/.config" ||
				{ echo "debian $flavour: CONFIG_$o=m did not survive olddefconfig" >&2; exit 1; }
		done
		echo "$stamp" > "$kout/.vc-config"
	fi
	echo "  DEBIAN  $flavour: prepare"
	kmake -s prepare > "$log.prepare" 2>&1 || { cat "$log.prepare"; exit 1; }
	objs=$(objects "$kout" | xargs)
	echo "  DEBIAN  $flavour: W=1 $objs"
	# Rebuilt every time: W=1 warnings are printed only when compiled.
	(cd "$kout" && rm -f $(echo "$objs" | tr ' ' '\n' | grep '\.o$') &&
	 find drivers/vfio/pci/coherent -name '*.o' -delete 2>/dev/null || true)
	if ! kmake W=1 $objs > "$log" 2>&1; then
		grep -E 'error|warning' "$log" | head -40
		echo "debian $flavour: build failed; full log: $log" >&2
		fail=1
		continue
	fi
	# Host tools rebuilt on the way (genksyms' grammar) are not ours.
	if grep -E 'warning:' "$log" | grep -vE '^(\.\./)?scripts/'; then
		echo "debian $flavour: W=1 warnings above; full log: $log" >&2
		fail=1
		continue
	fi
	echo "  DEBIAN  $flavour: $(echo "$objs" | wc -w) targets, no warning"
done
exit $fail
