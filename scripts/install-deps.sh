#!/bin/bash
# Install the host packages the build and the emulated machine need.
# Idempotent; runs as root on Debian 12 (bookworm).  QEMU >= 10 comes from
# bookworm-backports, added by reusing the mirror of the existing entry. The
# kernel source is the pinned version of bases/$VC_BASE.conf, installed (or
# downgraded) to exactly that version.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/scripts/base.sh"

PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross ccache make
bc bison flex libssl-dev libelf-dev cpio xz-utils device-tree-compiler python3
kmod rsync sparse qemu-efi-aarch64 acpica-tools dt-schema yamllint erofs-utils
curl python3-sphinx"

missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
# A base of a suite the host does not list is fetched by prepare-tree, not
# installed.
if [ -z "$BASE_SUITE" ]; then
	have=$(dpkg-query -W -f='${Status} ${Version}' "$BASE_PACKAGE" 2>/dev/null || true)
	[ "$have" = "install ok installed $BASE_VERSION" ] ||
		missing="$missing $BASE_PACKAGE=$BASE_VERSION"
fi
need_qemu=1
if command -v qemu-system-aarch64 >/dev/null 2>&1; then
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge 10 ] && need_qemu=0
fi
[ -z "$missing" ] && [ $need_qemu = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing (qemu>=10 needed: $need_qemu); run as root" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
src=/etc/apt/sources.list.d/debian.sources
bp=/etc/apt/sources.list.d/vfio-coherent-backports.sources
if [ $need_qemu = 1 ] && [ ! -e "$bp" ]; then
	# Reuse URIs and Signed-By of the main Debian entry; never hard-code a mirror.
	uri=$(awk '/^URIs:/ {print $2; exit}' "$src")
	key=$(awk '/^Signed-By:/ {print $2; exit}' "$src")
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: %s\n' \
		"$uri" "$key" > "$bp"
fi
apt-get update -qq
if [ -n "$missing" ]; then
	# --allow-downgrades: the pin may be older than what is installed.
	apt-get install -y -qq --no-install-recommends --allow-downgrades $missing || {
		echo "install-deps: cannot install$missing" >&2
		echo "install-deps: the archive lists $BASE_PACKAGE" \
			"$(apt-cache madison "$BASE_PACKAGE" | awk '{print $3}' | xargs)" >&2
		echo "install-deps: if $BASE_VERSION is gone, move the pin: make base-update" >&2
		exit 1
	}
fi
if [ $need_qemu = 1 ]; then
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		qemu-system-arm qemu-utils
fi
exit 0
