// SPDX-License-Identifier: GPL-2.0-only
/*
 * The aperture regions through the VFIO API: region info and its sparse
 * capability, the virtual BAR registers as a VMM sizes them, read/write at
 * every boundary, mmap (data, huge mappings, refusals), and safety across
 * memory disable, reset and close. Runs in the machine of vc_machine.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <stddef.h>
#include <limits.h>
#include <linux/pci_regs.h>

#include "../kselftest_harness.h"
#include "vc_util.h"

#define REGION_OFF(bar)	((off_t)(bar) << 40)
#define CFG_OFF		REGION_OFF(VFIO_PCI_CONFIG_REGION_INDEX)
/* The kernel's page and PMD block: 4 KiB and 2 MiB, or 64 KiB and 512 MiB. */
#define PAGE		vc_page_size()
#define PMD_SIZE	vc_pmd_size()
#define NO_HUGEPAGES	"/sys/module/vfio_iommu_type1/parameters/disable_hugepages"

FIXTURE(region) {
	struct vc_vfio v;
};

FIXTURE_SETUP(region)
{
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &self->v));
}

FIXTURE_TEARDOWN(region)
{
	vc_vfio_close(&self->v);
}

static struct vfio_region_info_cap_sparse_mmap *
find_sparse(struct vfio_region_info *info)
{
	struct vfio_info_cap_header *hdr;
	__u32 off = info->cap_offset;

	while (off) {
		hdr = (void *)info + off;
		if (hdr->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
			return (void *)hdr;
		off = hdr->next;
	}
	return NULL;
}

static void check_region(struct __test_metadata *_metadata, int device,
			 unsigned int bar, __u64 mem, __u64 size)
{
	char buf[512] = {};
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *sparse;

	info->argsz = sizeof(buf);
	info->index = bar;
	ASSERT_EQ(0, ioctl(device, VFIO_DEVICE_GET_REGION_INFO, info));
	EXPECT_EQ(size, info->size);
	EXPECT_EQ((__u64)REGION_OFF(bar), info->offset);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS, info->flags);
	sparse = find_sparse(info);
	ASSERT_NE(NULL, sparse);
	ASSERT_EQ(1, sparse->nr_areas);
	EXPECT_EQ(0, sparse->areas[0].offset);
	EXPECT_EQ(mem, sparse->areas[0].size);
}

TEST_F(region, info_and_sparse_capability)
{
	check_region(_metadata, self->v.device, VC_USEMEM_BAR, VC_USEMEM_SIZE,
		     VC_USEMEM_SIZE);
	check_region(_metadata, self->v.device, VC_RESMEM_BAR, VC_RESMEM_SIZE,
		     VC_RESMEM_BAR_SIZE);
}

/* A buffer too short for the capability gets the size it needs back. */
TEST_F(region, info_short_argsz)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info), .index = VC_RESMEM_BAR,
	};

	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &info));
	EXPECT_LT(sizeof(info), info.argsz);
	EXPECT_EQ(0, info.cap_offset);
	EXPECT_EQ(VC_RESMEM_BAR_SIZE, info.size);
	info.argsz = offsetof(struct vfio_region_info, offset) - 1;
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

static __u32 cfg_read32(int device, unsigned int off)
{
	__u32 v = 0;

	if (pread(device, &v, 4, CFG_OFF + off) != 4)
		return 0xdeadbeef;
	return v;
}

static int cfg_write32(int device, unsigned int off, __u32 v)
{
	return pwrite(device, &v, 4, CFG_OFF + off) == 4 ? 0 : -errno;
}

/* Size a 64-bit BAR exactly as QEMU's vfio-pci does. */
static __u64 size_bar(int device, unsigned int bar, __u32 *type)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	__u32 lo = cfg_read32(device, off), hi = cfg_read32(device, off + 4);
	__u64 mask;

	cfg_write32(device, off, 0xffffffff);
	cfg_write32(device, off + 4, 0xffffffff);
	mask = cfg_read32(device, off) | (__u64)cfg_read32(device, off + 4) << 32;
	cfg_write32(device, off, lo);
	cfg_write32(device, off + 4, hi);
	*type = mask & 0xf;
	return ~(mask & ~0xfULL) + 1;
}

TEST_F(region, config_bar_sizing)
{
	unsigned int bar0 = PCI_BASE_ADDRESS_0;
	__u32 type, orig;

	EXPECT_EQ(VC_USEMEM_SIZE, size_bar(self->v.device, VC_USEMEM_BAR, &type));
	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, type);
	EXPECT_EQ(VC_RESMEM_BAR_SIZE, size_bar(self->v.device, VC_RESMEM_BAR, &type));
	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, type);

	/* The device's own BAR 0 is vfio-pci-core's, untouched. */
	orig = cfg_read32(self->v.device, bar0);
	cfg_write32(self->v.device, bar0, 0xffffffff);
	EXPECT_EQ(~(__u32)(VC_GOOD_BAR0_SIZE - 1),
		  cfg_read32(self->v.device, bar0) & ~0xfU);
	cfg_write32(self->v.device, bar0, orig);
}

TEST_F(region, config_bar_program_and_reopen)
{
	unsigned int res = PCI_BASE_ADDRESS_0 + 4 * VC_RESMEM_BAR;
	unsigned int use = PCI_BASE_ADDRESS_0 + 4 * VC_USEMEM_BAR;
	__u16 word;

	/* A 64 MiB BAR keeps address bits 26 and up, nothing below. */
	ASSERT_EQ(0, cfg_write32(self->v.device, res, 0x44000123));
	ASSERT_EQ(0, cfg_write32(self->v.device, res + 4, 0x80));
	EXPECT_EQ(0x4400000c, cfg_read32(self->v.device, res));
	EXPECT_EQ(0x80, cfg_read32(self->v.device, res + 4));
	/* Narrow and unaligned reads see the same register. */
	ASSERT_EQ(2, pread(self->v.device, &word, 2, CFG_OFF + res + 2));
	EXPECT_EQ(0x4400, word);
	/* A 4 GiB BAR has no address bits in its low dword. */
	ASSERT_EQ(0, cfg_write32(self->v.device, use, 0x40000123));
	EXPECT_EQ(0xc, cfg_read32(self->v.device, use));

	/* A new open starts from the reset value. */
	vc_vfio_close(&self->v);
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &self->v));
	EXPECT_EQ(0xc, cfg_read32(self->v.device, res));
	EXPECT_EQ(0, cfg_read32(self->v.device, res + 4));
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

/* Write a pattern at @off, read it back, compare what is memory. */
static void round_trip(struct __test_metadata *_metadata, int device,
		       unsigned int bar, __u64 off, size_t n, size_t real,
		       unsigned int seed)
{
	unsigned char out[8192], in[8192];
	size_t i;

	ASSERT_GE(sizeof(out), n);
	fill(out, n, seed);
	ASSERT_EQ((ssize_t)n, pwrite(device, out, n, REGION_OFF(bar) + off));
	memset(in, 0x5a, n);
	ASSERT_EQ((ssize_t)n, pread(device, in, n, REGION_OFF(bar) + off));
	EXPECT_EQ(0, memcmp(in, out, real));
	for (i = real; i < n; i++)
		ASSERT_EQ(0xff, in[i]) TH_LOG("byte %zu past the memory", i);
}

/*
 * Bytes of the kernel's address space that I/O mappings (ioremap(), and
 * memremap() of memory outside RAM) take now: /proc/vmallocinfo, areas
 * freed but not yet purged left out.
 */
static unsigned long long ioremapped(void)
{
	unsigned long long total = 0, size;
	char line[512];
	FILE *f = fopen("/proc/vmallocinfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, " ioremap") && !strstr(line, "unpurged") &&
		    sscanf(line, "%*s %llu", &size) == 1)
			total += size;
	}
	fclose(f);
	return total;
}

/*
 * Read and write map a window of the aperture, not all of it: reads at its
 * start, middle and end grow the kernel's I/O mappings by one window
 * (2 MiB, and a guard page) at most. Mapping the whole 4 GiB aperture cost 4 GiB of
 * vmalloc space while the device was open, and with KASAN 512 MiB of
 * shadow memory populated at the first read and freed at close (an RCU
 * stall on the test machine).
 */
TEST_F(region, rw_maps_a_window)
{
	unsigned long long before = ioremapped(), grown;
	off_t at[] = { 0, VC_USEMEM_SIZE / 2 + 4096, VC_USEMEM_SIZE - 1 };
	unsigned char b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(at); i++)
		ASSERT_EQ(1, pread(self->v.device, &b, 1, REGION_OFF(VC_USEMEM_BAR) + at[i]));
	ASSERT_EQ(1, pwrite(self->v.device, &b, 1, REGION_OFF(VC_USEMEM_BAR) + at[1]));
	grown = ioremapped() - before;
	TH_LOG("I/O mappings grew by %llu KiB", grown >> 10);
	EXPECT_GE(4ULL << 20, grown);
	EXPECT_LT(0ULL, grown) TH_LOG("the test no longer sees the mapping");
}

TEST_F(region, rw_boundaries)
{
	int d = self->v.device;
	unsigned char b[16];

	/* Start, end of real memory, across it, past it, end of region. */
	round_trip(_metadata, d, VC_USEMEM_BAR, 0, 4096, 4096, 1);
	round_trip(_metadata, d, VC_USEMEM_BAR, 3, 13, 13, 2);
	round_trip(_metadata, d, VC_USEMEM_BAR, VC_USEMEM_SIZE - 8192, 8192, 8192, 3);
	round_trip(_metadata, d, VC_RESMEM_BAR, 0, 4096, 4096, 4);
	round_trip(_metadata, d, VC_RESMEM_BAR, VC_RESMEM_SIZE - 16, 16, 16, 5);
	round_trip(_metadata, d, VC_RESMEM_BAR, VC_RESMEM_SIZE - 5, 16, 5, 6);
	round_trip(_metadata, d, VC_RESMEM_BAR, VC_RESMEM_SIZE, 16, 0, 7);
	round_trip(_metadata, d, VC_RESMEM_BAR, VC_RESMEM_BAR_SIZE - 16, 16, 0, 8);

	/* Across the end of the region: clipped. */
	EXPECT_EQ(4, pread(d, b, 16, REGION_OFF(VC_RESMEM_BAR) + VC_RESMEM_BAR_SIZE - 4));
	EXPECT_EQ(8, pread(d, b, 16, REGION_OFF(VC_USEMEM_BAR) + VC_USEMEM_SIZE - 8));
	/* At or past it: -EINVAL. */
	EXPECT_EQ(-1, pread(d, b, 4, REGION_OFF(VC_RESMEM_BAR) + VC_RESMEM_BAR_SIZE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, pwrite(d, b, 4, REGION_OFF(VC_USEMEM_BAR) + VC_USEMEM_SIZE));
	EXPECT_EQ(EINVAL, errno);
}

/* The two apertures are independent memory. */
TEST_F(region, apertures_independent)
{
	unsigned char a[64], b[64];

	memset(a, 0xa5, sizeof(a));
	memset(b, 0x3c, sizeof(b));
	ASSERT_EQ(64, pwrite(self->v.device, a, 64, REGION_OFF(VC_USEMEM_BAR) + 4096));
	ASSERT_EQ(64, pwrite(self->v.device, b, 64, REGION_OFF(VC_RESMEM_BAR) + 4096));
	ASSERT_EQ(64, pread(self->v.device, b, 64, REGION_OFF(VC_USEMEM_BAR) + 4096));
	EXPECT_EQ(0, memcmp(a, b, 64));
}

/* mmap at an address aligned to @align, so huge mappings are possible. */
static void *map_aligned(int device, unsigned int bar, size_t len, off_t off,
			 size_t align, int flags)
{
	void *area = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uintptr_t at;
	void *p;

	if (area == MAP_FAILED)
		return MAP_FAILED;
	at = ((uintptr_t)area + align - 1) & ~(uintptr_t)(align - 1);
	p = mmap((void *)at, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, device,
		 REGION_OFF(bar) + off);
	if (p == MAP_FAILED) {
		munmap(area, len + align);
		return MAP_FAILED;
	}
	if (at > (uintptr_t)area)
		munmap(area, at - (uintptr_t)area);
	munmap((void *)(at + len), (uintptr_t)area + len + align - (at + len));
	return p;
}

/*
 * Read and write straight between a fresh buffer (no page present yet, so
 * the copy must fault it in) and the aperture, at the sizes a VMM uses and
 * across the 1 MiB steps the core copies in, checked against the mapping.
 */
TEST_F(region, rw_sizes_fresh_buffers)
{
	static const size_t sizes[] = { 4096, 65536, 1UL << 20, 16UL << 20 };
	int d = self->v.device;
	unsigned char *map, *buf;
	size_t i, n, off;

	map = map_aligned(d, VC_USEMEM_BAR, 32UL << 20, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)map);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = sizes[i];
		off = 4096 * (i + 1) + 3;
		buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, (void *)buf);
		fill(map + off, n, i);
		ASSERT_EQ((ssize_t)n, pread(d, buf, n, REGION_OFF(VC_USEMEM_BAR) + off));
		EXPECT_EQ(0, memcmp(buf, map + off, n)) TH_LOG("read of %zu", n);
		munmap(buf, n);

		/* Never touched: the write copies the zero page. */
		buf = mmap(NULL, n, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, (void *)buf);
		map[off + n] = 0xa5;
		ASSERT_EQ((ssize_t)n, pwrite(d, buf, n, REGION_OFF(VC_USEMEM_BAR) + off));
		EXPECT_EQ(0, map[off]);
		EXPECT_EQ(0, map[off + n - 1]);
		EXPECT_EQ(0xa5, map[off + n]) TH_LOG("past a write of %zu", n);
		munmap(buf, n);
	}
	munmap(map, 32UL << 20);
}

/*
 * The user's buffer is the aperture's own mapping, not faulted in yet: its
 * fault takes memory_lock, so the copy must not fault while it holds that
 * lock (lockdep reports the inversion with mmap_lock if it did).
 */
TEST_F(region, rw_into_own_mapping)
{
	int d = self->v.device;
	size_t n = 4UL << 20;
	unsigned char *map, ref[256];

	map = map_aligned(d, VC_USEMEM_BAR, 16UL << 20, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)map);
	fill(ref, sizeof(ref), 5);
	/* [0, 4M) through write, read into [8M, 12M), which nobody touched. */
	ASSERT_EQ(256, pwrite(d, ref, 256, REGION_OFF(VC_USEMEM_BAR) + n - 256));
	ASSERT_EQ((ssize_t)n, pread(d, map + 2 * n, n, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(0, memcmp(map + 3 * n - 256, ref, 256));
	munmap(map, 16UL << 20);

	/* And the other way: write from [12M, 16M) of a fresh mapping. */
	map = map_aligned(d, VC_USEMEM_BAR, 16UL << 20, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)map);
	ASSERT_EQ((ssize_t)n, pwrite(d, map + 3 * n, n, REGION_OFF(VC_USEMEM_BAR) + n));
	EXPECT_EQ(0, memcmp(map + n, map + 3 * n, n));
	munmap(map, 16UL << 20);
}

/* A buffer whose second page cannot be reached: -EFAULT, nothing worse. */
TEST_F(region, rw_partly_bad_buffer)
{
	size_t page = PAGE, len = 3 * page;
	int d = self->v.device;
	unsigned char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)buf);
	ASSERT_EQ(0, mprotect(buf + page, page, PROT_NONE));
	EXPECT_EQ(-1, pread(d, buf, len, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, pwrite(d, buf, len, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EFAULT, errno);
	/* Read-only: reads into it fail, writes from it work. */
	ASSERT_EQ(0, mprotect(buf, len, PROT_READ));
	EXPECT_EQ(-1, pread(d, buf, len, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ((ssize_t)len, pwrite(d, buf, len, REGION_OFF(VC_USEMEM_BAR)));
	munmap(buf, len);
}

/*
 * QEMU's edu device as a DMA engine in @v's type1 container: registers in
 * BAR 0, a 4 KiB buffer at device address 0x40000, one transfer at a time.
 */
#define EDU_IDENT	0x00
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_RUN	0x1
#define EDU_DMA_TO_RAM	0x2
#define EDU_BUF		0x40000

struct edu {
	int group, device;
	__u64 *regs;	/* BAR 0: accessed once each, as MMIO wants */
};

static void edu_write(struct edu *e, unsigned int reg, __u64 val)
{
	__atomic_store_n(&e->regs[reg / 8], val, __ATOMIC_SEQ_CST);
}

static __u64 edu_read(struct edu *e, unsigned int reg)
{
	return __atomic_load_n(&e->regs[reg / 8], __ATOMIC_SEQ_CST);
}

static int edu_open(struct vc_vfio *v, struct edu *e)
{
	char path[PATH_MAX], link[PATH_MAX];
	__u16 cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	void *regs;
	ssize_t n;

	if (vc_bind(VC_DEV_EDU, "vfio-pci"))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", VC_DEV_EDU);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = 0;
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	e->group = open(path, O_RDWR | O_CLOEXEC);
	if (e->group < 0 || ioctl(e->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return -1;
	e->device = ioctl(e->group, VFIO_GROUP_GET_DEVICE_FD, VC_DEV_EDU);
	if (e->device < 0 || pwrite(e->device, &cmd, 2, CFG_OFF + PCI_COMMAND) != 2)
		return -1;
	regs = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, e->device,
		    REGION_OFF(0));
	if (regs == MAP_FAILED)
		return -1;
	e->regs = regs;
	/* Registers below 0x80 take 32-bit accesses only. */
	return (__atomic_load_n((__u32 *)regs + EDU_IDENT, __ATOMIC_SEQ_CST) & 0xffff) ==
		0xed ? 0 : -1;
}

static void edu_close(struct edu *e)
{
	munmap(e->regs, 1 << 20);
	close(e->device);
	close(e->group);
}

/* One 4 KiB transfer between @iova and the edu's buffer; 0 when done. */
static int edu_dma(struct edu *e, __u64 iova, int to_ram)
{
	int i;

	edu_write(e, EDU_DMA_SRC, to_ram ? EDU_BUF : iova);
	edu_write(e, EDU_DMA_DST, to_ram ? iova : EDU_BUF);
	edu_write(e, EDU_DMA_COUNT, 4096);
	edu_write(e, EDU_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));
	/* QEMU runs it 100 ms of virtual time later. */
	for (i = 0; i < 500; i++) {
		usleep(10000);
		if (!(edu_read(e, EDU_DMA_CMD) & EDU_DMA_RUN))
			return 0;
	}
	return -1;
}

/*
 * What type1 mapped is the aperture, page for page: the device reads pages
 * at block starts, ends and inside through the IOMMU (checked in a buffer
 * of ordinary memory), and writes one back elsewhere (checked in @map).
 */
static void check_dma_reaches(struct __test_metadata *_metadata,
			      struct vc_vfio *v, unsigned char *map, __u64 iova,
			      size_t len)
{
	const size_t offs[] = { 0, PMD_SIZE - 4096, PMD_SIZE, 3 * PMD_SIZE + 12288,
				(1UL << 30) + 4096, len / 2 + 65536, len - 4096 };
	__u64 bounce_iova = 1ULL << 39;
	unsigned char *bounce;
	struct edu e;
	size_t i, j;

	ASSERT_EQ(0, edu_open(v, &e)) TH_LOG("edu at %s", VC_DEV_EDU);
	/* A page: type1 maps no less. edu moves 4 KiB of it. */
	bounce = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)bounce);
	ASSERT_EQ(0, vc_dma_map(v, bounce, PAGE, bounce_iova));
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		for (j = 0; j < 4096; j++)
			map[offs[i] + j] = (unsigned char)(i * 31 + j);
		memset(bounce, 0, 4096);
		ASSERT_EQ(0, edu_dma(&e, iova + offs[i], 0));
		ASSERT_EQ(0, edu_dma(&e, bounce_iova, 1));
		EXPECT_EQ(0, memcmp(bounce, map + offs[i], 4096))
			TH_LOG("DMA read of aperture offset %#zx", offs[i]);
		/* The same page back into its neighbour. */
		ASSERT_EQ(0, edu_dma(&e, iova + (offs[i] ^ 4096), 1));
		EXPECT_EQ(0, memcmp(map + (offs[i] ^ 4096), bounce, 4096))
			TH_LOG("DMA write of aperture offset %#zx", offs[i] ^ 4096);
	}
	EXPECT_EQ((long long)PAGE, vc_dma_unmap(v, bounce_iova, PAGE));
	munmap(bounce, PAGE);
	edu_close(&e);
	ASSERT_EQ(0, vc_unbind(VC_DEV_EDU));
}

/*
 * A VMM DMA-maps each BAR mmap at start. Type1 must walk the aperture a
 * block at a time (its 1 GiB or 2 MiB leaves), not a page at a time:
 * counted in page-table lookups, against a mapping that only ptes can map
 * (its address is a page off the memory's PMD congruence), where a lookup
 * per page shows that the count sees every walk. A DMA engine checks that the
 * blocks map the right memory. In 6.12, iommufd pins user
 * pages only and refuses VM_PFNMAP memory: what QEMU then does is warn that
 * peer-to-peer is off and go on, so the refusal must be a clean EFAULT.
 */
TEST_F(region, dma_map_aperture_by_blocks)
{
	size_t small = 64UL << 20, blocks = VC_USEMEM_SIZE / vc_host_block();
	long before, whole, ptes, unhuge;
	int ret;
	unsigned char *map, *area;

	map = map_aligned(self->v.device, VC_USEMEM_BAR, VC_USEMEM_SIZE, 0,
			  1UL << 30, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)map);
	if (self->v.container < 0) {
		EXPECT_EQ(-EFAULT, vc_dma_map(&self->v, map, VC_USEMEM_SIZE, 1ULL << 40));
		munmap(map, VC_USEMEM_SIZE);
		return;
	}
	before = vc_lookups();
	ASSERT_LE(0, before) TH_LOG("no kprobe on follow_pfnmap_start");
	ASSERT_EQ(0, vc_dma_map(&self->v, map, VC_USEMEM_SIZE, 1ULL << 40));
	whole = vc_lookups() - before;
	check_dma_reaches(_metadata, &self->v, map, 1ULL << 40, VC_USEMEM_SIZE);
	EXPECT_EQ(VC_USEMEM_SIZE, vc_dma_unmap(&self->v, 1ULL << 40, VC_USEMEM_SIZE));
	munmap(map, VC_USEMEM_SIZE);

	/* A page off the PMD congruence: ptes only. */
	area = map_aligned(self->v.device, VC_USEMEM_BAR, small + PAGE, 0,
			   PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)area);
	munmap(area, small + PAGE);
	map = mmap(area + PAGE, small, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, self->v.device, REGION_OFF(VC_USEMEM_BAR));
	ASSERT_NE(MAP_FAILED, (void *)map);
	before = vc_lookups();
	ASSERT_EQ(0, vc_dma_map(&self->v, map, small, 1ULL << 40));
	ptes = vc_lookups() - before;
	EXPECT_EQ(small, vc_dma_unmap(&self->v, 1ULL << 40, small));
	munmap(map, small);

	/* type1's disable_hugepages: every pfn on its own, blocks or not. */
	map = map_aligned(self->v.device, VC_USEMEM_BAR, small, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)map);
	ASSERT_EQ(0, vc_write(NO_HUGEPAGES, "Y"));
	before = vc_lookups();
	ret = vc_dma_map(&self->v, map, small, 1ULL << 40);
	unhuge = vc_lookups() - before;
	ASSERT_EQ(0, vc_write(NO_HUGEPAGES, "N"));
	ASSERT_EQ(0, ret);
	EXPECT_EQ(small, vc_dma_unmap(&self->v, 1ULL << 40, small));
	munmap(map, small);
	vc_lookups_stop();

	TH_LOG("lookups: %ld for %zu blocks of %zu MiB, %ld for %zu ptes, %ld for %zu %s",
	       whole, blocks, vc_host_block() >> 20, ptes, small / PAGE, unhuge,
	       small / PAGE, "pages without hugepages");
	/* A lookup, a fault, a lookup again per block. */
	EXPECT_GE((long)(2 * blocks + 16), whole);
	EXPECT_LE((long)(small / PAGE), ptes);
	EXPECT_LE((long)(small / PAGE), unhuge);
}

TEST_F(region, mmap_coherent_with_rw)
{
	unsigned char buf[256];
	unsigned char *p;

	p = map_aligned(self->v.device, VC_RESMEM_BAR, VC_RESMEM_SIZE, 0, PMD_SIZE,
			MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	fill(buf, sizeof(buf), 9);
	memcpy((void *)(p + VC_RESMEM_SIZE - 256), buf, 256);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(256, pread(self->v.device, buf,  256,
			     REGION_OFF(VC_RESMEM_BAR) + VC_RESMEM_SIZE - 256));
	EXPECT_EQ(0, memcmp(buf, (void *)(p + VC_RESMEM_SIZE - 256), 256));
	fill(buf, sizeof(buf), 11);
	ASSERT_EQ(256, pwrite(self->v.device, buf, 256, REGION_OFF(VC_RESMEM_BAR) + 8192));
	EXPECT_EQ(0, memcmp(buf, (void *)(p + 8192), 256));
	munmap((void *)p, VC_RESMEM_SIZE);
}

/*
 * Touching the whole 4 GiB aperture takes the largest blocks the kernel
 * has (vc_host_block(): 1 GiB PUDs on arm64 with 4 KiB pages), not 4 KiB
 * pages and, there, not 2 MiB PMDs either.
 */
TEST_F(region, mmap_huge_mappings)
{
	size_t pages = VC_USEMEM_SIZE / 4096, i;
	size_t blocks = VC_USEMEM_SIZE / vc_host_block();
	unsigned char *p;
	long before, faults;

	p = map_aligned(self->v.device, VC_USEMEM_BAR, VC_USEMEM_SIZE, 0, 1UL << 30,
			MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	before = vc_minflt();
	for (i = 0; i < pages; i++)
		vc_poke(&p[i * 4096], (unsigned char)i);
	faults = vc_minflt() - before;
	TH_LOG("%ld faults to touch %zu pages, %zu blocks of %zu MiB", faults,
	       pages, blocks, vc_host_block() >> 20);
	/* 4 faults for 4 GiB; 2 MiB PMDs would be 2048, 4 KiB pages 1048576. */
	EXPECT_LE((long)blocks, faults);
	EXPECT_GE((long)blocks + 2, faults);
	EXPECT_EQ((unsigned char)(pages - 1), vc_peek(&p[(pages - 1) * 4096]));
	munmap((void *)p, VC_USEMEM_SIZE);
}

/* The signal a write to @p takes, in a child; 0 if none. */
static int write_signal(unsigned char *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		vc_poke(p, 1);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/*
 * Pages of [p, p + len) not holding what mmap_block_paths() wrote there;
 * @first is the aperture page that @p maps.
 */
static size_t count_bad(const unsigned char *p, size_t first, size_t len)
{
	size_t i, bad = 0;

	for (i = 0; i < len / 4096; i++)
		if (vc_peek(&p[i * 4096]) != (unsigned char)((first + i) * 7))
			bad++;
	return bad;
}

/*
 * What the mm does with a block mapping of the aperture, at the block size
 * of vc_host_block() (1 GiB PUDs with 4 KiB pages): mprotect keeps the
 * blocks and its write protection holds; fork copies them; mremap moves
 * them; get_user_pages (vmsplice) refuses them cleanly; memory disable
 * zaps them; unmapping part of a block splits it and the rest refaults.
 * The data stays right throughout.
 */
TEST_F(region, mmap_block_paths)
{
	size_t blk = vc_host_block(), len = 2 * blk, pages = len / 4096, i;
	int d = self->v.device, pfd[2], status;
	unsigned char *p, *q, *hole;
	struct iovec iov;
	long before;
	pid_t pid;

	p = map_aligned(d, VC_USEMEM_BAR, len, 0, blk, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	before = vc_minflt();
	for (i = 0; i < pages; i++)
		vc_poke(&p[i * 4096], (unsigned char)(i * 7));
	EXPECT_GE(2 + 2, vc_minflt() - before) TH_LOG("not mapped in blocks");

	/* mprotect: the blocks stay, now read-only. */
	ASSERT_EQ(0, mprotect(p, len, PROT_READ));
	before = vc_minflt();
	EXPECT_EQ(0, count_bad(p, 0, len));
	EXPECT_GE(2, vc_minflt() - before) TH_LOG("mprotect dropped the blocks");
	EXPECT_EQ(SIGSEGV, write_signal(p + blk + 4096));
	ASSERT_EQ(0, mprotect(p, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, write_signal(p + blk + 4096));
	EXPECT_EQ(1, vc_peek(p + blk + 4096));
	vc_poke(p + blk + 4096, (unsigned char)((blk / 4096 + 1) * 7));

	/* fork: the child has the blocks and the data. */
	pid = fork();
	if (pid == 0) {
		long f0 = vc_minflt();
		size_t bad = count_bad(p, 0, len);

		_exit(bad ? 1 : vc_minflt() - f0 > 2 + 2 ? 2 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: 1 bad data, 2 faults");

	/* mremap to another block-aligned address: the blocks move. */
	hole = mmap(NULL, len + blk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, (void *)hole);
	q = (unsigned char *)(((uintptr_t)hole + blk - 1) & ~(uintptr_t)(blk - 1));
	ASSERT_EQ((void *)q, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q));
	before = vc_minflt();
	EXPECT_EQ(0, count_bad(q, 0, len));
	EXPECT_GE(2 + 2, vc_minflt() - before);

	/* gup-fast, then gup: no struct pages here, a clean EFAULT. */
	ASSERT_EQ(0, pipe(pfd));
	iov = (struct iovec){ .iov_base = q + blk, .iov_len = 4096 };
	EXPECT_EQ(-1, vmsplice(pfd[1], &iov, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	close(pfd[0]);
	close(pfd[1]);

	/* Memory disable zaps the blocks; enabling brings the data back. */
	vc_set_memory(d, 0);
	EXPECT_TRUE(vc_faults(q + blk));
	vc_set_memory(d, 1);
	EXPECT_EQ(0, count_bad(q, 0, len));

	/* Part of the first block goes: the rest of it refaults, smaller. */
	ASSERT_EQ(0, munmap(q + blk / 2, blk / 2));
	before = vc_minflt();
	EXPECT_EQ(0, count_bad(q, 0, blk / 2));
	EXPECT_EQ(0, count_bad(q + blk, blk / 4096, blk));
	EXPECT_LT(1, vc_minflt() - before) TH_LOG("the split block was not zapped");
	munmap(q, blk / 2);
	munmap(hole, len + blk);
}

/* A block-aligned address with room for @len bytes and a block more. */
static unsigned char *block_hole(size_t len, size_t blk, void **hole)
{
	*hole = mmap(NULL, len + 2 * blk, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*hole == MAP_FAILED)
		return NULL;
	return (unsigned char *)(((uintptr_t)*hole + blk - 1) & ~(uintptr_t)(blk - 1));
}

/*
 * Whether the kernel logged a page table entry it found "bad" since the
 * last look ("bad pud", "bad pmd", ...): what mremap did with a block
 * leaf before it learnt to move or split one.
 */
static int logged_bad_entry(int kmsg)
{
	return vc_kmsg_has(kmsg, ": bad p");
}

/*
 * mremap of block-mapped aperture memory (1 GiB PUDs with 4 KiB pages) on
 * the paths mmap_block_paths does not take: whole blocks moved to an
 * address that is not block-aligned (each block is split, then refaults
 * there), and a partial extent [p + 4K, p + blk) moved away (the VMA split
 * at p + 4K splits the block first). The data stays right, no entry is
 * cleared as "bad", and nothing of the aperture stays reachable at the
 * old addresses.
 */
TEST_F(region, mmap_block_mremap)
{
	size_t blk = vc_host_block(), pg = vc_page_size(), len = 2 * blk;
	int d = self->v.device, kmsg = vc_kmsg_open();
	unsigned char *p, *q, *old;
	void *hole;
	size_t i;

	ASSERT_LE(0, kmsg);
	/* Whole blocks, to a block-aligned address: they move as they are. */
	p = map_aligned(d, VC_USEMEM_BAR, len, 0, blk, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	for (i = 0; i < len / 4096; i++)
		vc_poke(&p[i * 4096], (unsigned char)(i * 7));
	q = block_hole(len, blk, &hole);
	ASSERT_NE(NULL, q);
	ASSERT_EQ((void *)q, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q));
	EXPECT_FALSE(logged_bad_entry(kmsg)) TH_LOG("mremap cleared a block leaf as bad");
	EXPECT_EQ(0, count_bad(q, 0, len));
	/* The old address, mapped anew, holds none of the aperture. */
	old = mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		   -1, 0);
	ASSERT_EQ((void *)p, (void *)old);
	EXPECT_EQ(0, vc_peek(old + 4096));
	EXPECT_EQ(0, vc_peek(old + blk + 4096));
	munmap(old, len);

	/* The same blocks to an address half a block off: split, refault. */
	p = q;
	q = block_hole(len, blk, &hole) + blk / 2;
	ASSERT_EQ((void *)q, mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, q));
	EXPECT_FALSE(logged_bad_entry(kmsg)) TH_LOG("mremap cleared a block leaf as bad");
	EXPECT_EQ(0, count_bad(q, 0, len));
	munmap(q, len);

	/*
	 * A partial extent of a block: [p + page, p + blk) moves away, to the
	 * same offset in a block so that it can refault in PMDs there.
	 */
	p = map_aligned(d, VC_USEMEM_BAR, len, 0, blk, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	EXPECT_EQ(0, count_bad(p, 0, len));
	q = block_hole(len, blk, &hole) + pg;
	ASSERT_EQ((void *)q, mremap(p + pg, blk - pg, blk - pg, MREMAP_MAYMOVE | MREMAP_FIXED,
				    q));
	EXPECT_FALSE(logged_bad_entry(kmsg)) TH_LOG("mremap cleared a block leaf as bad");
	EXPECT_EQ(0, count_bad(q, pg / 4096, blk - pg));
	EXPECT_EQ(0, count_bad(p, 0, pg));
	EXPECT_EQ(0, count_bad(p + blk, blk / 4096, blk));
	old = mmap(p + pg, blk - pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ((void *)(p + pg), (void *)old);
	EXPECT_EQ(0, vc_peek(old + 4096));
	munmap(p, 2 * blk);
	munmap(q, blk - pg);
	close(kmsg);
}

TEST_F(region, mmap_refused)
{
	int d = self->v.device;
	void *p;

	/* Past the sparse area (the real memory). */
	p = mmap(NULL, VC_RESMEM_BAR_SIZE, PROT_READ, MAP_SHARED, d,
		 REGION_OFF(VC_RESMEM_BAR));
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d,
		 REGION_OFF(VC_RESMEM_BAR) + VC_RESMEM_SIZE);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, d,
		 REGION_OFF(VC_RESMEM_BAR) + VC_RESMEM_SIZE - 4096);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* Private mappings of device memory make no sense. */
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, d, REGION_OFF(VC_USEMEM_BAR));
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(region, memory_disable_zaps)
{
	int d = self->v.device;
	unsigned char *p;
	unsigned char b;

	vc_set_memory(d, 1);
	p = map_aligned(d, VC_USEMEM_BAR, 4 * PMD_SIZE, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	vc_poke(&p[PMD_SIZE], 0x77);
	EXPECT_FALSE(vc_faults(p + PMD_SIZE));

	vc_set_memory(d, 0);
	EXPECT_TRUE(vc_faults(p + PMD_SIZE));
	EXPECT_TRUE(vc_faults(p));
	EXPECT_EQ(-1, pread(d, &b, 1, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EIO, errno);

	vc_set_memory(d, 1);
	EXPECT_FALSE(vc_faults(p + PMD_SIZE));
	EXPECT_EQ(0x77, vc_peek(&p[PMD_SIZE]));
	EXPECT_EQ(1, pread(d, &b, 1, REGION_OFF(VC_USEMEM_BAR) + PMD_SIZE));
	EXPECT_EQ(0x77, b);
	munmap((void *)p, 4 * PMD_SIZE);
}

TEST_F(region, reset_zaps)
{
	/* A PMD block of resmem, or all of it where a PMD is larger (64 KiB pages). */
	size_t len = PMD_SIZE;
	int d = self->v.device;
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * VC_RESMEM_BAR;
	unsigned char *p;
	long before;

	if (len > VC_RESMEM_SIZE)
		len = VC_RESMEM_SIZE;

	vc_set_memory(d, 1);
	p = map_aligned(d, VC_RESMEM_BAR, len, 0, len, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)p);
	vc_poke(&p[0], 0x42);
	ASSERT_EQ(0, cfg_write32(d, off, 0x44000000));

	/* Mapped: touching again takes no fault (the control). */
	before = vc_minflt();
	EXPECT_EQ(0x42, vc_peek(&p[0]));
	EXPECT_EQ(0, vc_minflt() - before);

	ASSERT_EQ(0, ioctl(d, VFIO_DEVICE_RESET)) TH_LOG("reset: %s", strerror(errno));
	/* The BAR is back to its reset value... */
	EXPECT_EQ(0xc, cfg_read32(d, off));
	/* ...and the mapping was zapped: the next touch faults it back in. */
	vc_set_memory(d, 1);
	before = vc_minflt();
	EXPECT_EQ(0x42, vc_peek(&p[0]));
	EXPECT_LE(1, vc_minflt() - before);
	/* With decoding off after reset it is refused. */
	vc_set_memory(d, 0);
	EXPECT_TRUE(vc_faults(p));
	vc_set_memory(d, 1);
	EXPECT_FALSE(vc_faults(p));
	munmap((void *)p, len);
}

/* Two processes map the same BAR and see each other's stores. */
TEST_F(region, two_processes)
{
	unsigned char *p;
	int status;
	pid_t pid;

	vc_set_memory(self->v.device, 1);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->v.device,
		 REGION_OFF(VC_USEMEM_BAR) + 65536);
	ASSERT_NE(MAP_FAILED, (void *)p);
	vc_poke(&p[0], 1);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *q;

		q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->v.device,
			 REGION_OFF(VC_USEMEM_BAR) + 65536);
		if (q == MAP_FAILED || vc_peek(&q[0]) != 1)
			_exit(1);
		vc_poke(&q[1], 2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(2, vc_peek(&p[1]));
	munmap((void *)p, 4096);
}

/* A mapping outlives closing every fd; the device closes after munmap. */
TEST_F(region, mapping_then_close)
{
	unsigned char *p;

	vc_set_memory(self->v.device, 1);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, self->v.device,
		 REGION_OFF(VC_USEMEM_BAR) + 131072);
	ASSERT_NE(MAP_FAILED, (void *)p);
	vc_poke(&p[0], 0x99);
	vc_vfio_close(&self->v);
	EXPECT_FALSE(vc_faults(p));
	EXPECT_EQ(0x99, vc_peek(&p[0]));
	munmap((void *)p, 4096);
	/* Now closed for real: it opens again. */
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &self->v));
}

/*
 * Memory decoding on, BAR 0 of the function (vfio-pci-core's, the control)
 * and two PMD blocks of usemem mapped, @val stored at the start of usemem,
 * both mappings working. vfio-pci maps no BAR smaller than a page (the
 * 16 KiB BAR 0 with 64 KiB pages): there *bar0 is NULL, no control.
 */
static void map_bar0_and_usemem(struct __test_metadata *_metadata, int d,
				unsigned char **bar0, unsigned char **p,
				unsigned char val)
{
	vc_set_memory(d, 1);
	*bar0 = NULL;
	if (VC_GOOD_BAR0_SIZE >= PAGE) {
		*bar0 = mmap(NULL, VC_GOOD_BAR0_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, d, REGION_OFF(VFIO_PCI_BAR0_REGION_INDEX));
		ASSERT_NE(MAP_FAILED, (void *)*bar0)
			TH_LOG("mmap BAR 0: %s", strerror(errno));
	}
	*p = map_aligned(d, VC_USEMEM_BAR, 2 * PMD_SIZE, 0, PMD_SIZE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, (void *)*p);
	vc_poke(*p, val);
	EXPECT_FALSE(*bar0 && vc_faults(*bar0));
	EXPECT_FALSE(vc_faults(*p));
}

static int low_power(int device, int enter)
{
	struct vfio_device_feature feature = {
		.argsz = sizeof(feature),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
				  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	return ioctl(device, VFIO_DEVICE_FEATURE, &feature) ? -errno : 0;
}

/*
 * Whether runtime PM has suspended @bdf, waiting up to 5 s: the suspend
 * after LOW_POWER_ENTRY runs from a work item.
 */
static int runtime_suspended(const char *bdf)
{
	char path[128], status[32] = "";
	int i, fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/runtime_status", bdf);
	for (i = 0; i < 50; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 0;
		if (read(fd, status, sizeof(status) - 1) < 0)
			status[0] = 0;
		close(fd);
		if (!strncmp(status, "suspended", 9))
			return 1;
		usleep(100000);
	}
	return 0;
}

/*
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY: vfio-pci-core refuses to map BAR 0
 * of the same function while the user keeps it in low power (the control),
 * and so must we for the apertures: on hardware that would be access to
 * memory behind a function in D3. read/write wakes the function, as for
 * vfio-pci BARs: the function is seen runtime-suspended (in D3hot) first,
 * so a read that does not wake it fails with -EIO, and suspended again
 * after, so the reference the read took is given back. After
 * LOW_POWER_EXIT both mappings work again.
 */
TEST_F(region, low_power_refuses_mappings)
{
	int d = self->v.device;
	unsigned char *p, *bar0;
	unsigned char b = 0;

	map_bar0_and_usemem(_metadata, d, &bar0, &p, 0x5a);

	ASSERT_EQ(0, low_power(d, 1));
	EXPECT_TRUE(!bar0 || vc_faults(bar0)) TH_LOG("control: vfio-pci BAR 0 must not map");
	EXPECT_TRUE(vc_faults(p)) TH_LOG("usemem mapped while in low power");
	EXPECT_TRUE(vc_faults(p + PMD_SIZE));
	/* read/write wakes the function up, as vfio_pci_rw() does. */
	ASSERT_TRUE(runtime_suspended(VC_DEV_GOOD)) TH_LOG("low power did not suspend");
	EXPECT_EQ(1, pread(d, &b, 1, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(0x5a, b);
	EXPECT_EQ(1, pwrite(d, &b, 1, REGION_OFF(VC_USEMEM_BAR) + 1));
	EXPECT_TRUE(runtime_suspended(VC_DEV_GOOD)) TH_LOG("read/write kept it awake");

	ASSERT_EQ(0, low_power(d, 0));
	EXPECT_FALSE(bar0 && vc_faults(bar0));
	EXPECT_FALSE(vc_faults(p));
	EXPECT_EQ(0x5a, vc_peek(p));
	munmap((void *)p, 2 * PMD_SIZE);
	if (bar0)
		munmap((void *)bar0, VC_GOOD_BAR0_SIZE);
}

#define PMCSR_D0	0
#define PMCSR_D3HOT	3

/* Set the power state field of PMCSR, as a guest's driver does. */
static void set_pmcsr_state(int device, unsigned int pm, __u32 state)
{
	__u32 v = cfg_read32(device, pm + PCI_PM_CTRL);

	cfg_write32(device, pm + PCI_PM_CTRL, (v & ~PCI_PM_CTRL_STATE_MASK) | state);
}

/*
 * The user puts the function in D3hot through PMCSR (the stand-in has a
 * PM capability, as a GPU does): vfio-pci-core's BAR 0 stops mapping and
 * reading (the control), and so must the apertures: no fault, read/write
 * -EIO. Back in D0 both work again and the data is still there.
 */
TEST_F(region, pmcsr_d3hot_refuses_access)
{
	int d = self->v.device;
	unsigned int pm = vc_find_cap(d, PCI_CAP_ID_PM);
	unsigned char *p, *bar0;
	unsigned char b = 0;

	ASSERT_NE(0, pm) TH_LOG("the stand-in has no PM capability");
	map_bar0_and_usemem(_metadata, d, &bar0, &p, 0xa5);

	set_pmcsr_state(d, pm, PMCSR_D3HOT);
	EXPECT_EQ(PMCSR_D3HOT, cfg_read32(d, pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK);
	EXPECT_TRUE(!bar0 || vc_faults(bar0))
		TH_LOG("control: vfio-pci BAR 0 must not map in D3hot");
	EXPECT_TRUE(vc_faults(p)) TH_LOG("usemem mapped in D3hot");
	EXPECT_EQ(-1, pread(d, &b, 1, REGION_OFF(VFIO_PCI_BAR0_REGION_INDEX)));
	EXPECT_EQ(-1, pread(d, &b, 1, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-1, pwrite(d, &b, 1, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(EIO, errno);

	set_pmcsr_state(d, pm, PMCSR_D0);
	EXPECT_FALSE(bar0 && vc_faults(bar0));
	EXPECT_FALSE(vc_faults(p));
	EXPECT_EQ(0xa5, vc_peek(p));
	EXPECT_EQ(1, pread(d, &b, 1, REGION_OFF(VC_USEMEM_BAR)));
	EXPECT_EQ(0xa5, b);
	munmap((void *)p, 2 * PMD_SIZE);
	if (bar0)
		munmap((void *)bar0, VC_GOOD_BAR0_SIZE);
}

/* The user's VFIO_DEVICE_GET_REGION_INFO argument, changed under the kernel. */
struct index_flipper {
	struct vfio_region_info *info;
	int stop;
};

/* Run the calling thread on @cpu only, so the two threads really race. */
static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void *flip_index(void *arg)
{
	struct index_flipper *f = arg;

	pin_to(1);
	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		__atomic_store_n(&f->info->index, VFIO_PCI_BAR0_REGION_INDEX,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&f->info->index, VC_USEMEM_BAR, __ATOMIC_RELAXED);
	}
	return NULL;
}

static long read_tainted(void)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	long tainted = -1;

	if (f) {
		if (fscanf(f, "%ld", &tainted) != 1)
			tainted = -1;
		fclose(f);
	}
	return tainted;
}

/*
 * Another thread, on the other CPU, flips the index of the argument between
 * an aperture's BAR and BAR 0 while this one asks for region info: every
 * call must answer for one or the other, never fail, never warn (a WARN
 * taints the kernel, and with panic_on_warn any VFIO user could panic the
 * host). Both answers must have been seen, or the race was not run.
 */
TEST_F_TIMEOUT(region, info_index_changed_by_another_thread, 120)
{
	struct index_flipper f = {};
	unsigned long calls = 0, failed = 0, usemem = 0, bar0 = 0;
	long tainted = read_tainted();
	struct timespec t0, t;
	pthread_t thread;
	char *buf;

	ASSERT_LE(0, tainted);
	ASSERT_EQ(0, pin_to(0));
	buf = calloc(1, 4096);
	ASSERT_NE(NULL, buf);
	f.info = (void *)buf;
	f.info->index = VC_USEMEM_BAR;
	ASSERT_EQ(0, pthread_create(&thread, NULL, flip_index, &f));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		f.info->argsz = 4096;
		if (ioctl(self->v.device, VFIO_DEVICE_GET_REGION_INFO, f.info))
			failed++;
		else if (f.info->offset == (__u64)REGION_OFF(VC_USEMEM_BAR))
			usemem++;
		else
			bar0++;
		calls++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((usemem < 1000 || bar0 < 1000) && t.tv_sec - t0.tv_sec < 10);

	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(thread, NULL);
	ksft_print_msg("%lu calls: %lu usemem, %lu BAR 0, %lu failed\n",
		       calls, usemem, bar0, failed);
	EXPECT_EQ(0, failed);
	EXPECT_LT(0, usemem);
	EXPECT_LT(0, bar0) TH_LOG("the index never changed under a call: no race was run");
	EXPECT_EQ(tainted, read_tainted()) TH_LOG("the kernel got tainted");
	free(buf);
}

/*
 * Every reset of the function resets the virtual BARs, whoever starts it,
 * and only a reset does. Both functions behind the root port (one bus-reset
 * domain) are open: with the group API each through its own group (each
 * function has its own IOMMU group), with the cdev API on the same iommufd,
 * as a hot reset then requires.
 */
FIXTURE(reset) {
	struct vc_vfio v;
	struct vc_vfio v1;	/* group API: 01:00.1's own group and container */
	int fn1;
};

static int open_fn1(struct vc_vfio *v, struct vc_vfio *v1)
{
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	char path[PATH_MAX];
	int fd;

	if (!vc_vfio_api_cdev())
		return vc_vfio_open(VC_DEV_FN1, v1) ? -1 : v1->device;
	if (vc_vfio_cdev_path(VC_DEV_FN1, path, sizeof(path)))
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	bind.iommufd = v->iommufd;
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(v->iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return -1;
	attach.pt_id = ioas.out_ioas_id;
	if (ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -1;
	return fd;
}

FIXTURE_SETUP(reset)
{
	self->v1.device = -1;
	self->v1.group = -1;
	self->v1.container = -1;
	self->v1.iommufd = -1;
	ASSERT_EQ(0, vc_bind(VC_DEV_GOOD, VC_DRIVER));
	ASSERT_EQ(0, vc_bind(VC_DEV_FN1, VC_DRIVER));
	ASSERT_EQ(0, vc_vfio_open(VC_DEV_GOOD, &self->v));
	self->fn1 = open_fn1(&self->v, &self->v1);
	ASSERT_LE(0, self->fn1) TH_LOG("open %s: %s", VC_DEV_FN1, strerror(errno));
}

FIXTURE_TEARDOWN(reset)
{
	char path[PATH_MAX];

	if (self->v1.device >= 0)
		vc_vfio_close(&self->v1);
	else if (self->fn1 >= 0)
		close(self->fn1);
	vc_vfio_close(&self->v);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", VC_DEV_GOOD);
	vc_write(path, "default");
}

#define USE_OFF		(PCI_BASE_ADDRESS_0 + 4 * VC_USEMEM_BAR)
#define FN1_OFF		(PCI_BASE_ADDRESS_0 + 4 * VC_FN1_BAR)
/* The low dword of a 64-bit prefetchable BAR at its reset value. */
#define BAR_RESET_LO	(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH)

/* Program both functions' virtual BARs to something not their reset value. */
static void program_bars(struct __test_metadata *_metadata, int d0, int d1)
{
	ASSERT_EQ(0, cfg_write32(d0, USE_OFF + 4, 0x12));
	ASSERT_EQ(0, cfg_write32(d1, FN1_OFF, 0x50000000));
	ASSERT_EQ(0, cfg_write32(d1, FN1_OFF + 4, 0x34));
	ASSERT_EQ(0x12, cfg_read32(d0, USE_OFF + 4));
	ASSERT_EQ(0x50000000 | BAR_RESET_LO, cfg_read32(d1, FN1_OFF));
}

/* Start an FLR with a write of @width bytes that covers Device Control. */
static int flr_write(struct __test_metadata *_metadata, int device, size_t width)
{
	unsigned int cap = vc_find_cap(device, PCI_CAP_ID_EXP);
	unsigned char buf[8];
	unsigned int start;

	if (!cap)
		return -ENODEV;
	/* Narrow writes start at Device Control, the 8-byte one at DEVCAP. */
	start = width == 8 ? cap + PCI_EXP_DEVCAP : cap + PCI_EXP_DEVCTL;
	if (pread(device, buf, width, CFG_OFF + start) != (ssize_t)width)
		return -errno;
	buf[cap + PCI_EXP_DEVCTL + 1 - start] |= PCI_EXP_DEVCTL_BCR_FLR >> 8;
	if (pwrite(device, buf, width, CFG_OFF + start) != (ssize_t)width)
		return -errno;
	return 0;
}

TEST_F(reset, device_reset)
{
	program_bars(_metadata, self->v.device, self->fn1);
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_RESET)) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, cfg_read32(self->v.device, USE_OFF + 4));
	/* A function reset: the other function keeps its BAR. */
	EXPECT_EQ(0x34, cfg_read32(self->fn1, FN1_OFF + 4));
}

/* An FLR written as a word, a dword, or within a wider write. */
TEST_F(reset, flr_config_write_any_width)
{
	static const size_t widths[] = { 2, 4, 8 };
	unsigned int i;

	ASSERT_NE(0, vc_find_cap(self->v.device, PCI_CAP_ID_EXP))
		TH_LOG("no PCI Express capability");
	for (i = 0; i < 3; i++) {
		program_bars(_metadata, self->v.device, self->fn1);
		ASSERT_EQ(0, flr_write(_metadata, self->v.device, widths[i]));
		EXPECT_EQ(0, cfg_read32(self->v.device, USE_OFF + 4))
			TH_LOG("FLR by a %zu-byte write left the BAR", widths[i]);
		EXPECT_EQ(BAR_RESET_LO, cfg_read32(self->v.device, USE_OFF));
	}
}

/* A hot reset resets every function of the bus, each BAR of each. */
TEST_F(reset, hot_reset_reaches_every_function)
{
	struct {
		struct vfio_pci_hot_reset hdr;
		__s32 fd[2];
	} hr = {};

	program_bars(_metadata, self->v.device, self->fn1);
	hr.hdr.argsz = sizeof(hr);
	/* cdev: no group, the iommufd owning both is the proof of ownership. */
	hr.hdr.count = vc_vfio_api_cdev() ? 0 : 2;
	hr.fd[0] = self->v.group;
	hr.fd[1] = self->v1.group;
	ASSERT_EQ(0, ioctl(self->v.device, VFIO_DEVICE_PCI_HOT_RESET, &hr))
		TH_LOG("hot reset: %s", strerror(errno));
	EXPECT_EQ(0, cfg_read32(self->v.device, USE_OFF + 4));
	EXPECT_EQ(BAR_RESET_LO, cfg_read32(self->fn1, FN1_OFF));
	EXPECT_EQ(0, cfg_read32(self->fn1, FN1_OFF + 4));
}

/* A reset through sysfs, outside VFIO, is a reset too. */
TEST_F(reset, sysfs_reset)
{
	char path[PATH_MAX];

	program_bars(_metadata, self->v.device, self->fn1);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset", VC_DEV_GOOD);
	ASSERT_EQ(0, vc_write(path, "1"));
	EXPECT_EQ(0, cfg_read32(self->v.device, USE_OFF + 4));
	EXPECT_EQ(0x34, cfg_read32(self->fn1, FN1_OFF + 4));
}

/*
 * A reset that does not happen changes nothing: with every reset method
 * disabled, VFIO_DEVICE_RESET fails and an FLR written to Device Control is
 * not done; the BAR keeps its value.
 */
TEST_F(reset, failed_reset_keeps_bars)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/reset_method", VC_DEV_GOOD);
	/* An empty line: "all reset methods disabled by user". */
	ASSERT_EQ(0, vc_write(path, "\n"));
	program_bars(_metadata, self->v.device, self->fn1);
	EXPECT_EQ(-1, ioctl(self->v.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(0x12, cfg_read32(self->v.device, USE_OFF + 4));
	ASSERT_EQ(0, flr_write(_metadata, self->v.device, 2));
	EXPECT_EQ(0x12, cfg_read32(self->v.device, USE_OFF + 4));
	/* The control: with the methods back, the same write resets. */
	ASSERT_EQ(0, vc_write(path, "default"));
	ASSERT_EQ(0, flr_write(_metadata, self->v.device, 2));
	EXPECT_EQ(0, cfg_read32(self->v.device, USE_OFF + 4));
}

TEST_HARNESS_MAIN
