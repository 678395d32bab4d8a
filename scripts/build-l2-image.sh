#!/bin/bash
# Build the disk image the emulated host mounts to run a real VMM: Debian's
# arm64 QEMU 10 (bookworm-backports) and UEFI firmware, with their whole
# dependency closure, extracted (not installed: no maintainer scripts run)
# into a tree and packed as a read-only EROFS image.
#
# usage: build-l2-image.sh BUILD
#
# The closure is resolved by apt against an empty package database of its
# own, for arm64 only, so the host's installed packages neither hide nor add
# anything. The image is cached in BUILD/l2 and rebuilt only when this
# script changes; nothing is downloaded when the machine runs.
set -euo pipefail
build=$(realpath "$1")
top=$build/l2
img=$top/qemu-arm64.erofs
stamp=$(sha1sum "$0" | cut -d' ' -f1)
if [ -e "$img" ] && [ "$(cat "$top/.stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

PKGS="qemu-system-arm qemu-efi-aarch64"
apt=$top/apt
rm -rf "$apt" "$top/root"
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/sources.list.d" \
	"$apt/preferences.d" "$apt/apt.conf.d"
: > "$apt/status"
: > "$apt/none"
# The host's own Debian entries (never a hard-coded mirror), plus backports.
cp /etc/apt/sources.list.d/debian.sources "$apt/sources.list.d/"
if ! grep -q '^Suites:.*bookworm-backports' /etc/apt/sources.list.d/*.sources; then
	uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	key=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$key" > "$apt/sources.list.d/backports.sources"
else
	cp "$(grep -l '^Suites:.*bookworm-backports' /etc/apt/sources.list.d/*.sources)" \
		"$apt/sources.list.d/backports.sources"
fi
opts=(-o "Dir::Etc::SourceList=$apt/none" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
      -o "Dir::Etc::Preferences=$apt/none" -o "Dir::Etc::PreferencesParts=$apt/preferences.d"
      -o "Dir::Etc::Parts=$apt/apt.conf.d"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::State::status=$apt/status"
      -o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
      -o "APT::Architecture=arm64" -o "APT::Architectures::=arm64"
      -o "APT::Install-Recommends=false" -o "Debug::NoLocking=true"
      -o "APT::Sandbox::User=root")
echo "  L2IMG   resolving $PKGS for arm64"
apt-get "${opts[@]}" -qq update
apt-get "${opts[@]}" -qq -y --download-only -t bookworm-backports install $PKGS \
	> "$top/apt.log"

root=$top/root
mkdir -p "$root"
n=0
for deb in "$apt"/archives/*.deb; do
	dpkg-deb -x "$deb" "$root"
	n=$((n + 1))
done
# Mount points the host's launcher (vc-vmm) uses: pseudo filesystems, and
# /host, where it binds the host's /lib/l2 (the guest's kernel and initramfs).
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/var/tmp" "$root/host" \
	"$root/run"
ls "$apt"/archives/*.deb | xargs -n1 basename > "$top/packages.txt"
rm -f "$img"
mkfs.erofs --quiet --all-root -T0 "$img" "$root" >/dev/null
echo "  L2IMG   $img: $n arm64 packages, $(du -sm "$root" | cut -f1) MiB," \
	"QEMU $(basename "$(ls "$apt"/archives/qemu-system-arm_*.deb)" | cut -d_ -f2)"
rm -rf "$root"
echo "$stamp" > "$top/.stamp"
