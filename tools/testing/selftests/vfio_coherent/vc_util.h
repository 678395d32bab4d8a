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
static inline long vc_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* The kernel's page size. */
static inline size_t vc_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/*
 * A PMD block: a page of 8-byte entries, each mapping a page (2 MiB,
 * 32 MiB, 512 MiB with 4, 16, 64 KiB pages).
 */
static inline size_t vc_pmd_size(void)
{
	return vc_page_size() * vc_page_size() / 8;
}

/*
 * The largest block an arm64 kernel of this page size maps the aperture
 * with: a PUD (1 GiB) with 4 KiB pages, where arm64 has PUD PFNMAP (our
 * patch 0014); a PMD with 16 or 64 KiB pages.
 */
static inline size_t vc_host_block(void)
{
	return vc_page_size() == 4096 ? 1UL << 30 : vc_pmd_size();
}

/* Page-table memory of this process, KiB (VmPTE), -1 if unknown. */
static inline long vc_vmpte(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPTE: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static inline double vc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static sigjmp_buf vc_jump;

static inline void vc_on_sigbus(int sig)
{
	siglongjmp(vc_jump, 1);
}

/* Whether reading the byte at @p raises SIGBUS. */
static inline int vc_faults(const void *p)
{
	struct sigaction sa = { .sa_handler = vc_on_sigbus }, old;
	int ret = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(vc_jump, 1))
		ret = 1;
	else
		vc_peek(p);
	sigaction(SIGBUS, &old, NULL);
	return ret;
}

/* Turn memory decoding on or off in the user's view of COMMAND. */
static inline void vc_set_memory(int device, int on)
{
	off_t cmd_off = ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + PCI_COMMAND;
	__u16 cmd = 0;

	if (pread(device, &cmd, 2, cmd_off) != 2)
		return;
	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	pwrite(device, &cmd, 2, cmd_off);
}

static inline int vc_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Name of the driver bound to @bdf, "" if none. */
static inline const char *vc_driver_of(const char *bdf)
{
	static char name[PATH_MAX];
	char path[PATH_MAX], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, name, sizeof(name) - 1);
	if (n < 0)
		return "";
	name[n] = 0;
	slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

static inline int vc_unbind(const char *bdf)
{
	char path[PATH_MAX];

	if (!*vc_driver_of(bdf))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	return vc_write(path, bdf);
}

/*
 * Bind @bdf to @driver the way users bind VFIO variant drivers: set
 * driver_override, then ask that driver to bind. Returns 0 or -errno of the
 * bind, which is the probe's errno.
 */
static inline int vc_bind(const char *bdf, const char *driver)
{
	char path[PATH_MAX];
	int ret;

	if (!strcmp(vc_driver_of(bdf), driver))
		return 0;
	ret = vc_unbind(bdf);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	ret = vc_write(path, driver);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", driver);
	return vc_write(path, bdf);
}

/* Open /dev/kmsg positioned at the end: later reads see only new records. */
static inline int vc_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether a kernel log record written since vc_kmsg_open() contains @text. */
static inline int vc_kmsg_has(int fd, const char *text)
{
	char rec[2048];
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return 0;
		rec[n] = 0;
		if (strstr(rec, text))
			return 1;
	}
}

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
static inline int vc_vfio_api_cdev(void)
{
	const char *api = getenv("VC_VFIO_API");

	return api && !strcmp(api, "cdev");
}

/* The device's cdev: /dev/vfio/devices/vfioN, from sysfs. */
static inline int vc_vfio_cdev_path(const char *bdf, char *path, size_t size)
{
	struct dirent *de;
	DIR *dir;
	int ret = -ENODEV;

	snprintf(path, size, "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		if (!strncmp(de->d_name, "vfio", 4)) {
			snprintf(path, size, "/dev/vfio/devices/%s", de->d_name);
			ret = 0;
			break;
		}
	closedir(dir);
	return ret;
}

static inline int vc_vfio_open_cdev(const char *bdf, struct vc_vfio *v)
{
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[PATH_MAX];
	int ret;

	ret = vc_vfio_cdev_path(bdf, path, sizeof(path));
	if (ret)
		return ret;
	v->device = open(path, O_RDWR | O_CLOEXEC);
	if (v->device < 0)
		return -errno;
	v->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (v->iommufd < 0)
		return -errno;
	bind.iommufd = v->iommufd;
	if (ioctl(v->device, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	if (ioctl(v->iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return -errno;
	v->ioas = ioas.out_ioas_id;
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(v->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;
	return 0;
}

/*
 * Open @bdf through the API vc_vfio_api_cdev() says; -errno on failure
 * (-ENOENT when the function is not bound to a VFIO driver).
 */
static inline int vc_vfio_open(const char *bdf, struct vc_vfio *v)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX], link[PATH_MAX];
	const char *group;
	ssize_t n;

	v->container = -1;
	v->group = -1;
	v->iommufd = -1;
	v->device = -1;
	if (vc_vfio_api_cdev())
		return vc_vfio_open_cdev(bdf, v);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	group = strrchr(link, '/') + 1;
	snprintf(path, sizeof(path), "/dev/vfio/%s", group);

	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return -errno;
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return -errno;
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (v->device < 0)
		return -errno;
	return 0;
}

static inline void vc_vfio_close(struct vc_vfio *v)
{
	if (v->device >= 0)
		close(v->device);
	if (v->group >= 0)
		close(v->group);
	if (v->container >= 0)
		close(v->container);
	if (v->iommufd >= 0)
		close(v->iommufd);
	v->container = -1;
	v->group = -1;
	v->iommufd = -1;
	v->device = -1;
}

/* A dword of the user's view of config space; all-ones if it cannot be read. */
static inline __u32 vc_cfg_read32(int device, unsigned int off)
{
	__u32 v = ~0U;

	pread(device, &v, 4, ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + off);
	return v;
}

/* The config space offset of capability @id, 0 if the function has none. */
static inline unsigned int vc_find_cap(int device, unsigned int id)
{
	unsigned int pos = vc_cfg_read32(device, PCI_CAPABILITY_LIST) & 0xfc;
	int n;

	for (n = 0; pos && n < 48; n++) {
		__u32 hdr = vc_cfg_read32(device, pos);

		if ((hdr & 0xff) == id)
			return pos;
		pos = (hdr >> 8) & 0xfc;
	}
	return 0;
}

/* Load module @name from the machine's module directory; 0 or -errno. */
static inline int vc_insmod(const char *name)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", VC_MODULE_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int vc_rmmod(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static inline int vc_region_info(struct vc_vfio *v, unsigned int index,
				 struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
}

/*
 * DMA-map @len bytes at @map to @iova, as a VMM maps each BAR mmap at start:
 * type1 VFIO_IOMMU_MAP_DMA (group API) or IOMMU_IOAS_MAP into the device's
 * IOAS (cdev API). 0 or -errno.
 */
static inline int vc_dma_map(struct vc_vfio *v, void *map, size_t len, __u64 iova)
{
	struct vfio_iommu_type1_dma_map dm = {
		.argsz = sizeof(dm),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)map, .iova = iova, .size = len,
	};
	struct iommu_ioas_map im = {
		.size = sizeof(im),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = v->ioas, .user_va = (uintptr_t)map, .length = len,
		.iova = iova,
	};

	if (v->container >= 0)
		return ioctl(v->container, VFIO_IOMMU_MAP_DMA, &dm) ? -errno : 0;
	return ioctl(v->iommufd, IOMMU_IOAS_MAP, &im) ? -errno : 0;
}

/* Undo vc_dma_map(): bytes unmapped, or -errno. */
static inline long long vc_dma_unmap(struct vc_vfio *v, __u64 iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap du = {
		.argsz = sizeof(du), .iova = iova, .size = len,
	};
	struct iommu_ioas_unmap iu = {
		.size = sizeof(iu), .ioas_id = v->ioas, .iova = iova, .length = len,
	};

	if (v->container >= 0)
		return ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &du) ? -errno : (long long)du.size;
	return ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &iu) ? -errno : (long long)iu.length;
}

/* tracefs, mounted by vc_trace_event() if nobody has yet. */
#define VC_TRACEFS		"/sys/kernel/tracing"

/* Switch trace event @event ("system/name") on or off; 0 or -errno. */
static inline int vc_trace_event(const char *event, int on)
{
	char path[PATH_MAX];

	if (access(VC_TRACEFS "/events", F_OK) &&
	    mount("tracefs", VC_TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	snprintf(path, sizeof(path), VC_TRACEFS "/events/%s/enable", event);
	return vc_write(path, on ? "1" : "0");
}

/* Empty the trace buffer; 0 or -errno. */
static inline int vc_trace_clear(void)
{
	int fd = open(VC_TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* The trace buffer as text (free() it), NULL on failure. */
static inline char *vc_trace_read(void)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap), *more;
	int fd = open(VC_TRACEFS "/trace", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (cap - len < 4096) {
			more = realloc(buf, cap * 2);
			if (!more)
				goto fail;
			buf = more;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0)
			goto fail;
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/*
 * Calls of follow_pfnmap_start() so far: the page-table lookup VFIO type1
 * makes for the pfns it DMA-maps of a VM_PFNMAP vma, counted by a kprobe
 * event (tracefs kprobe_profile; tracing_on is left alone: other tests
 * read trace events). -1 when the probe cannot be set up.
 */
#define VC_LOOKUP_PROBE	"vc/follow_pfnmap_start"

static inline long vc_lookups(void)
{
	char line[256], name[128];
	long hits = -1, h, m;
	FILE *f;

	if (access(VC_TRACEFS "/events/" VC_LOOKUP_PROBE, F_OK)) {
		if (access(VC_TRACEFS "/kprobe_events", F_OK) &&
		    mount("tracefs", VC_TRACEFS, "tracefs", 0, NULL))
			return -1;
		if (vc_write(VC_TRACEFS "/kprobe_events",
			     "p:" VC_LOOKUP_PROBE " follow_pfnmap_start") ||
		    vc_write(VC_TRACEFS "/events/" VC_LOOKUP_PROBE "/enable", "1"))
			return -1;
	}
	f = fopen(VC_TRACEFS "/kprobe_profile", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld %ld", name, &h, &m) == 3 &&
		    !strcmp(name, strchr(VC_LOOKUP_PROBE, '/') + 1))
			hits = h;
	fclose(f);
	return hits;
}

/* Remove the probe of vc_lookups(): each hit costs a trap. */
static inline void vc_lookups_stop(void)
{
	vc_write(VC_TRACEFS "/events/" VC_LOOKUP_PROBE "/enable", "0");
	vc_write(VC_TRACEFS "/kprobe_events", "-:" VC_LOOKUP_PROBE);
}

#endif
