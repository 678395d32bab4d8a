/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the vfio-coherent selftests: sysfs binding, opening the
 * device through either VFIO API (group/container with type1, or the
 * device cdev bound to iommufd), and reading the kernel log.
 */
#ifndef VC_UTIL_H
#define VC_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vc_machine.h"

/* One access the compiler may not elide or merge, to mapped device memory. */
static inline unsigned char vc_peek(const void *p)
{
	return __atomic_load_n((const unsigned char *)p, __ATOMIC_RELAXED);
}

static inline void vc_poke(void *p, unsigned char v)
{
	__atomic_store_n((unsigned char *)p, v, __ATOMIC_RELAXED);
}

/* Minor page faults of this process so far. */
long vc_minflt(void);

/* The kernel's page size. */
size_t vc_page_size(void);

/*
 * A PMD block: a page of 8-byte entries, each mapping a page (2 MiB,
 * 32 MiB, 512 MiB with 4, 16, 64 KiB pages).
 */
size_t vc_pmd_size(void);

/*
 * The largest block an arm64 kernel of this page size maps the aperture
 * with: a PUD (1 GiB) with 4 KiB pages, where arm64 has PUD PFNMAP (our
 * patch 0014); a PMD with 16 or 64 KiB pages.
 */
size_t vc_host_block(void);

/* Page-table memory of this process, KiB (VmPTE), -1 if unknown. */
long vc_vmpte(void);

double vc_now(void);

/* Whether reading the byte at @p raises SIGBUS. */
int vc_faults(const void *p);

/* Turn memory decoding on or off in the user's view of COMMAND. */
void vc_set_memory(int device, int on);

int vc_write(const char *path, const char *text);

/* Name of the driver bound to @bdf, "" if none. */
const char *vc_driver_of(const char *bdf);

int vc_unbind(const char *bdf);

/*
 * Bind @bdf to @driver the way users bind VFIO variant drivers: set
 * driver_override, then ask that driver to bind. Returns 0 or -errno of the
 * bind, which is the probe's errno.
 */
int vc_bind(const char *bdf, const char *driver);

/* Open /dev/kmsg positioned at the end: later reads see only new records. */
int vc_kmsg_open(void);

/* Whether a kernel log record written since vc_kmsg_open() contains @text. */
int vc_kmsg_has(int fd, const char *text);

/* An open VFIO device; the fds the API used are kept until close. */
struct vc_vfio {
	int container;	/* group API: the type1 container */
	int group;	/* group API: the group */
	int iommufd;	/* cdev API: /dev/iommu the device is bound to */
	__u32 ioas;	/* cdev API: the IOAS the device is attached to */
	int device;
};

/*
 * Which API vc_vfio_open() uses: the group/container with type1, or, with
 * VC_VFIO_API=cdev in the environment, the device's cdev bound to iommufd
 * with an IOAS attached, as QEMU and KubeVirt do now. The machine runs
 * every selftest both ways.
 */
int vc_vfio_api_cdev(void);

/* The device's cdev: /dev/vfio/devices/vfioN, from sysfs. */
int vc_vfio_cdev_path(const char *bdf, char *path, size_t size);

int vc_vfio_open_cdev(const char *bdf, struct vc_vfio *v);

/*
 * Open @bdf through the API vc_vfio_api_cdev() says; -errno on failure
 * (-ENOENT when the function is not bound to a VFIO driver).
 */
int vc_vfio_open(const char *bdf, struct vc_vfio *v);

void vc_vfio_close(struct vc_vfio *v);

/* A dword of the user's view of config space; all-ones if it cannot be read. */
__u32 vc_cfg_read32(int device, unsigned int off);

/* The config space offset of capability @id, 0 if the function has none. */
unsigned int vc_find_cap(int device, unsigned int id);

/* Load module @name from the machine's module directory; 0 or -errno. */
int vc_insmod(const char *name);

int vc_rmmod(const char *name);

int vc_region_info(struct vc_vfio *v, unsigned int index,
		   struct vfio_region_info *info);

/*
 * DMA-map @len bytes at @map to @iova, as a VMM maps each BAR mmap at start:
 * type1 VFIO_IOMMU_MAP_DMA (group API) or IOMMU_IOAS_MAP into the device's
 * IOAS (cdev API). 0 or -errno.
 */
int vc_dma_map(struct vc_vfio *v, void *map, size_t len, __u64 iova);

/* Undo vc_dma_map(): bytes unmapped, or -errno. */
long long vc_dma_unmap(struct vc_vfio *v, __u64 iova, size_t len);

/* tracefs, mounted by vc_trace_event() if nobody has yet. */
#define VC_TRACEFS		"/sys/kernel/tracing"

/* Switch trace event @event ("system/name") on or off; 0 or -errno. */
int vc_trace_event(const char *event, int on);

/* Empty the trace buffer; 0 or -errno. */
int vc_trace_clear(void);

/* The trace buffer as text (free() it), NULL on failure. */
char *vc_trace_read(void);

/*
 * Calls of follow_pfnmap_start() so far: the page-table lookup VFIO type1
 * makes for the pfns it DMA-maps of a VM_PFNMAP vma, counted by a kprobe
 * event (tracefs kprobe_profile; tracing_on is left alone: other tests
 * read trace events). -1 when the probe cannot be set up.
 */
#define VC_LOOKUP_PROBE	"vc/follow_pfnmap_start"

long vc_lookups(void);

/* Remove the probe of vc_lookups(): each hit costs a trap. */
void vc_lookups_stop(void);

#endif
