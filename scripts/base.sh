# SPDX-License-Identifier: GPL-2.0-only
# The pinned Debian base (bases/$VC_BASE.conf), for the scripts that source
# this file with REPO set:
#   BASE_PACKAGE   the Debian package of the kernel source (linux-source-6.12)
#   BASE_VERSION   its Debian version (6.12.118-1~deb12u1)
#   BASE_KERNEL    the kernel version its tarball holds (6.12.118)
#   BASE_TARBALL   where the package puts the tarball
#   BASE_DIR       the tarball's top directory
base_conf=$REPO/bases/${VC_BASE:-6.12}.conf
[ -r "$base_conf" ] || { echo "base: $base_conf missing" >&2; exit 1; }
BASE_PACKAGE=$(sed -n 's/^package=//p' "$base_conf")
# VC_BASE_VERSION: another version of the package (make base-update tries it).
BASE_VERSION=${VC_BASE_VERSION:-$(sed -n 's/^version=//p' "$base_conf")}
BASE_KERNEL=${BASE_VERSION%%-*}
BASE_DIR=$BASE_PACKAGE
BASE_TARBALL=/usr/src/$BASE_PACKAGE.tar.xz
