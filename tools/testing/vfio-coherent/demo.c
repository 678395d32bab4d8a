// SPDX-License-Identifier: GPL-2.0-only
/*
 * vc-demo: what a user assigning the test machine's devices sees. Binds each
 * pci-testdev function to vfio-coherent through driver_override, prints the
 * outcome, and for the bound one walks the VFIO regions as QEMU would.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <linux/pci_regs.h>

#include "../selftests/vfio_coherent/vc_util.h"

#define REGION_OFF(i)	((off_t)(i) << 40)
#define CFG		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const devs[] = {
	VC_DEV_GOOD, VC_DEV_UNDESCRIBED, VC_DEV_RAM, VC_DEV_MALFORMED,
};

static void show_iomem(void)
{
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (line[0] != ' ' && strstr(line, VC_DEV_GOOD))
			printf("    %s", line);
	fclose(f);
}

/* Size usemem's BAR as a VMM would, then store through mmap, load by pread. */
static void show_use(struct vc_vfio *v)
{
	off_t bar = CFG + PCI_BASE_ADDRESS_0 + 4 * VC_USEMEM_BAR;
	static const char msg[] = "hello from the coherent aperture";
	__u32 ones = 0xffffffff, lo, hi;
	char back[sizeof(msg)] = "";
	char *p;

	pwrite(v->device, &ones, 4, bar);
	pwrite(v->device, &ones, 4, bar + 4);
	pread(v->device, &lo, 4, bar);
	pread(v->device, &hi, 4, bar + 4);
	printf("  BAR%d sizing: wrote 0xffffffff to both dwords, read %#010x %#010x\n",
	       VC_USEMEM_BAR, hi, lo);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->device,
		 REGION_OFF(VC_USEMEM_BAR));
	if (p == MAP_FAILED) {
		printf("  mmap of BAR%d failed: %s\n", VC_USEMEM_BAR, strerror(errno));
		return;
	}
	memcpy(p, msg, sizeof(msg));
	pread(v->device, back, sizeof(back), REGION_OFF(VC_USEMEM_BAR));
	printf("  stored through mmap, read back with pread: \"%s\"\n", back);
	munmap(p, 4096);
}

static void show_regions(const char *bdf)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_region_info info;
	struct vc_vfio v;
	unsigned int i;
	int ret;

	ret = vc_vfio_open(bdf, &v);
	if (ret) {
		printf("  VFIO open failed: %s\n", strerror(-ret));
		vc_vfio_close(&v);
		return;
	}
	ioctl(v.device, VFIO_DEVICE_GET_INFO, &dinfo);
	printf("  VFIO device fd %d: flags %#x, %u regions, %u irqs\n", v.device,
	       dinfo.flags, dinfo.num_regions, dinfo.num_irqs);
	printf("  %-6s %-14s %-12s %s\n", "region", "offset", "size", "flags");
	for (i = 0; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (vc_region_info(&v, i, &info) || !info.size)
			continue;
		printf("  BAR%-3u %#-14llx %#-12llx %s%s%s\n", i,
		       (unsigned long long)info.offset,
		       (unsigned long long)info.size,
		       info.flags & VFIO_REGION_INFO_FLAG_READ ? "read " : "",
		       info.flags & VFIO_REGION_INFO_FLAG_WRITE ? "write " : "",
		       info.flags & VFIO_REGION_INFO_FLAG_MMAP ? "mmap" : "");
	}
	show_use(&v);
	vc_vfio_close(&v);
}

int main(void)
{
	unsigned int i;
	int ret;

	printf("\n=== vfio-coherent demo: binding through driver_override ===\n");
	for (i = 0; i < ARRAY_SIZE(devs); i++) {
		printf("\n%s: echo %s > driver_override; echo %s > .../%s/bind\n",
		       devs[i], VC_DRIVER, devs[i], VC_DRIVER);
		fflush(stdout);
		ret = vc_bind(devs[i], VC_DRIVER);
		printf("  -> %s (driver: %s)\n", ret ? strerror(-ret) : "bound",
		       *vc_driver_of(devs[i]) ? vc_driver_of(devs[i]) : "none");
		if (!ret) {
			printf("  claimed in /proc/iomem:\n");
			show_iomem();
			show_regions(devs[i]);
		}
	}
	printf("\n=== end of demo ===\n");
	return 0;
}
