# SPDX-License-Identifier: GPL-2.0-only
# The pinned Debian base (bases/$VC_BASE.conf, VC_BASE 6.12 unless set), for
# the scripts that source this file with REPO set:
#   BASE_PACKAGE   the Debian package of the kernel source (linux-source-6.12)
#   BASE_VERSION   its Debian version (6.12.118-1~deb12u1)
#   BASE_KERNEL    the kernel version its tarball holds (6.12.118)
#   BASE_SUITE     a suite the host does not list, fetched privately, or empty
#   BASE_SKIP      files of our overlay that are not for this base
#   BASE_DIR       the tarball's top directory
# base_tarball prints where the tarball is, fetching it first for a
# BASE_SUITE base (scripts/vc/base.py).
VC_BASE=${VC_BASE:-6.12}
base_conf=$REPO/bases/$VC_BASE.conf
[ -r "$base_conf" ] || { echo "base: $base_conf missing" >&2; exit 1; }
base_get() { sed -n "s/^$1=//p" "$base_conf"; }
BASE_PACKAGE=$(base_get package)
# VC_BASE_VERSION: another version of the package (make base-update tries it).
BASE_VERSION=${VC_BASE_VERSION:-$(base_get version)}
BASE_KERNEL=${BASE_VERSION%%-*}
BASE_SUITE=$(base_get suite)
BASE_SKIP=$(base_get skip)
BASE_DIR=$BASE_PACKAGE
base_tarball() {
	if [ -z "$BASE_SUITE" ]; then
		echo "/usr/src/$BASE_PACKAGE.tar.xz"
	else
		PYTHONPATH=$REPO/scripts python3 -m vc.base tarball "$VC_BASE"
	fi
}
export VC_BASE
