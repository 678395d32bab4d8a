// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-coherent selftest library: sysfs binding, opening the device through
 * either VFIO API, config space, DMA mapping, tracefs and kprobes, the
 * kernel log. Declared and documented in vc_util.h.
 */
#include "../vc_util.h"

static sigjmp_buf vc_jump;

long vc_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

size_t vc_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

size_t vc_pmd_size(void)
{
	return vc_page_size() * vc_page_size() / 8;
}

size_t vc_host_block(void)
{
	return vc_page_size() == 4096 ? 1UL << 30 : vc_pmd_size();
}

long vc_vmpte(void)
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

double vc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void vc_on_sigbus(int sig)
{
	siglongjmp(vc_jump, 1);
}

int vc_faults(const void *p)
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

void vc_set_memory(int device, int on)
{
	off_t cmd_off = ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + PCI_COMMAND;
	__u16 cmd = 0;

	if (pread(device, &cmd, 2, cmd_off) != 2)
		return;
	cmd = on ? cmd | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MEMORY;
	pwrite(device, &cmd, 2, cmd_off);
}

int vc_write(const char *path, const char *text)
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

const char *vc_driver_of(const char *bdf)
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

int vc_unbind(const char *bdf)
{
	char path[PATH_MAX];

	if (!*vc_driver_of(bdf))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	return vc_write(path, bdf);
}

int vc_bind(const char *bdf, const char *driver)
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

int vc_kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

int vc_kmsg_has(int fd, const char *text)
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

int vc_vfio_api_cdev(void)
{
	const char *api = getenv("VC_VFIO_API");

	return api && !strcmp(api, "cdev");
}

int vc_vfio_cdev_path(const char *bdf, char *path, size_t size)
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

int vc_vfio_open_cdev(const char *bdf, struct vc_vfio *v)
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

int vc_vfio_open(const char *bdf, struct vc_vfio *v)
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

void vc_vfio_close(struct vc_vfio *v)
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

__u32 vc_cfg_read32(int device, unsigned int off)
{
	__u32 v = ~0U;

	pread(device, &v, 4, ((off_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + off);
	return v;
}

unsigned int vc_find_cap(int device, unsigned int id)
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

int vc_insmod(const char *name)
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

int vc_rmmod(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

int vc_region_info(struct vc_vfio *v, unsigned int index,
		   struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
}

int vc_dma_map(struct vc_vfio *v, void *map, size_t len, __u64 iova)
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

long long vc_dma_unmap(struct vc_vfio *v, __u64 iova, size_t len)
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

int vc_trace_event(const char *event, int on)
{
	char path[PATH_MAX];

	if (access(VC_TRACEFS "/events", F_OK) &&
	    mount("tracefs", VC_TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		return -errno;
	snprintf(path, sizeof(path), VC_TRACEFS "/events/%s/enable", event);
	return vc_write(path, on ? "1" : "0");
}

int vc_trace_clear(void)
{
	int fd = open(VC_TRACEFS "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

char *vc_trace_read(void)
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

long vc_lookups(void)
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

void vc_lookups_stop(void)
{
	vc_write(VC_TRACEFS "/events/" VC_LOOKUP_PROBE "/enable", "0");
	vc_write(VC_TRACEFS "/kprobe_events", "-:" VC_LOOKUP_PROBE);
}
